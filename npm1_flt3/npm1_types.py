"""Named NPM1 exon-12 mutation types, keyed by HGVS c. on NM_002520.7.

The AML literature names the NPM1 mutations of its first report by letter (Falini et al., N Engl
J Med 2005;352:254-266): A to D are 4-bp insertions after c.863, E and F replace the five bases
c.869-c.873 (GGAGG) by nine (deletion-insertions). Only types whose exact sequence change could
be sourced are listed; every other NPM1 variant is "other" and is described by its HGVS name
alone.

Letters after F are not listed on purpose: later papers and laboratories gave them to different
mutations (one published table calls the delins c.869_873delinsCTCTTTCTA "J"; a public laboratory
probe list uses "L" for the insertion c.863_864insTTTG), so a letter would not tell a reader which
change was found. Those variants keep their HGVS name.

The keys are in the form ``annotate_variant`` produces: 3'-shifted, and a duplication wherever
the inserted bases repeat the bases 5' of them. That is why type A (an insertion of TCTG after
c.863 in older papers) is ``c.860_863dup``, while B, C and D, whose inserted bases differ from the
preceding ones, stay insertions. A delins is named from its first to its last replaced base, with
no shared base on either side (E is c.869_873delinsCTCTTGCCC). "Exon 12" is the legacy number of
MANE exon 11.
"""

from __future__ import annotations

from dataclasses import dataclass

NPM1_TRANSCRIPT = "NM_002520.7"


@dataclass(frozen=True)
class Npm1Type:
    letter: str
    hgvs_c: str  # on NM_002520.7, without the accession
    change: str  # the change as the AML literature writes it
    source: str


_FALINI_2005 = "Falini et al., N Engl J Med 2005;352:254-266 (as summarised in docs/domain.md)"
# Corroborates the letters and frequencies, not the exact sequences of B and D.
_ASH_TABLE = (
    "ASH Publications table 'Genetic features of NPM1 mutations' "
    "(ashpublications.net/view-large/9845370): A = duplication TCTG, 75-80% of cases; "
    "B and D about 5% each"
)

# The exact sequences of types A-F, wild type GATCTCT G GCAGT GGAGG AAGTCTCTTTAAGAAAATAG
# (c.856-c.875...), each mutation written into it.
_AHEM_2022 = (
    "Adv Hyg Exp Med 2022, doi:10.2478/ahem-2022-0034, table 'The most common mutations in the "
    "NPM1 gene' (reference-global.com/article/10.2478/ahem-2022-0034): wild type and mutants A-F "
    "as sequences"
)
# An independent, letter-free list with the same sequences: a Swedish clinical laboratory's NPM1
# probe script on GitHub, keyed by HGVS on NM_002520 (seen through the code search of this
# project's reference library; its repository name was not shown).
_LAB_PROBES = (
    "public clinical NPM1 probe list (GitHub, python mut_dict keyed by HGVS c.): same change, "
    "same HGVS"
)

NPM1_TYPES: tuple[Npm1Type, ...] = (
    Npm1Type("A", "c.860_863dup", "dup TCTG (insertion of TCTG after c.863)",
             f"{_FALINI_2005}; {_ASH_TABLE}; {_AHEM_2022}"),
    Npm1Type("B", "c.863_864insCATG", "insertion of CATG after c.863",
             f"{_FALINI_2005}; {_ASH_TABLE}; {_AHEM_2022}"),
    Npm1Type("C", "c.863_864insCGTG", "insertion of CGTG after c.863",
             f"{_FALINI_2005}; {_AHEM_2022}; {_LAB_PROBES}"),
    Npm1Type("D", "c.863_864insCCTG", "insertion of CCTG after c.863",
             f"{_FALINI_2005}; {_ASH_TABLE}; {_AHEM_2022}"),
    Npm1Type("E", "c.869_873delinsCTCTTGCCC", "GGAGG (c.869-c.873) replaced by CTCTTGCCC",
             f"{_FALINI_2005}; {_AHEM_2022}; {_LAB_PROBES}"),
    Npm1Type("F", "c.869_873delinsCCCTGGAGA", "GGAGG (c.869-c.873) replaced by CCCTGGAGA",
             f"{_FALINI_2005}; {_AHEM_2022}; {_LAB_PROBES}"),
)  # fmt: skip

_BY_HGVS = {t.hgvs_c: t.letter for t in NPM1_TYPES}


def _canonical(hgvs_c: str) -> str:
    """'NM_002520.7:c.860_863dupTCTG' -> 'c.860_863dup'; rejects other reference sequences."""
    text = hgvs_c.strip()
    if ":" in text:
        accession, text = text.split(":", 1)
        if accession != NPM1_TRANSCRIPT:
            raise ValueError(f"NPM1 types are defined on {NPM1_TRANSCRIPT}, not {accession}")
    if not text.startswith("c."):
        text = "c." + text
    # Older descriptions spell out the duplicated bases (c.860_863dupTCTG); HGVS now omits them.
    if "dup" in text:
        text = text[: text.index("dup") + 3]
    return text


def npm1_type(hgvs_c: str) -> str:
    """Type letter (A to F) of an NPM1 variant, or "other"."""
    return _BY_HGVS.get(_canonical(hgvs_c), "other")
