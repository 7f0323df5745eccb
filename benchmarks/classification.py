"""The ``classification`` truth set: does a planted variant end up in the right cohort columns?

Detection (capture150 & co.) asks "was the variant found?"; this set asks what the cohort table
then says about it: which NPM1 / FLT3 status it sets, the ELN 2017 / 2022 NPM1/FLT3 components,
the eln_note flags, and the variant's HGVS c./p., type and VCF allele. Each sample carries one
planted event (or one designed pair, e.g. NPM1 type A + an ITD), so its expected cohort row is
unambiguous. Expectations are written next to the truth (``expected.tsv``, ``expected_variants.tsv``)
and scored by benchmarks/score_classification.py.

Simulated like capture150: ART HS25 2x150, fragments 250 +- 40, ~1000x over the capture windows
(benchmarks.simulation.capture_regions). ``bash benchmarks/simulate --sets classification``.

Every expected HGVS name below was worked out by hand from the GRCh38 reference and the MANE exon
models (NM_002520.7, NM_004119.3): 3'-most placement on the transcript, a duplication when the
inserted bases repeat the bases 5' of them, protein changes named at their most C-terminal
position. tests/test_truthsets.py checks each c. name against its genomic allele with its own
c.-to-genome mapping, the synonymous codon, and where the exon-border ITDs sit.

Expected cohort fields follow ../shared/docs/domain.md:
* NPM1 'mutated' only for the legacy exon-12 frameshift that loses W288/W290 (npm1_flt3/classify.py
  docstring, Falini et al. NEJM 2005); anything else in NPM1 goes to npm1_other_variants.
* FLT3-TKD only for protein-changing D835/I836 changes; a synonymous D835 change goes to
  flt3_other_variants.
* ELN 2017 / 2022 NPM1/FLT3 components from the domain table, with the ITD's true AR
  (VAF / (1 - VAF)) -- except the "AR near 0.5" cases, whose ELN 2017 component and
  interval-spans-0.5 note are expected from the AR the sample's *reported* counts give (the
  simulated fraction is a draw of reads: 1/3 planted can be 0.32 or 0.35 measured).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from benchmarks import simulation as simulate
from benchmarks.simulation import Planted, Region, Sample, SimulationError, derived_seed
from npm1_flt3.variants import Fetch, Variant, deletion, insertion, tandem_duplication

NAME = "classification"
PREFIX = "cls"
ASSAY = "capture"
DEPTH = 1000.0  # at the hotspots, before --depth-scale (capture150's CAPTURE_DEPTH)
NPM1_TX = "NM_002520.7"
FLT3_TX = "NM_004119.3"

# Classes of npm1_flt3/classify.py (restated: the truth must not import the code under test).
NPM1_MUTATED, NPM1_OTHER = "NPM1-mutated", "NPM1-other"
FLT3_ITD, FLT3_TKD, FLT3_OTHER = "FLT3-ITD", "FLT3-TKD", "FLT3-other"

FROM_COUNTS = "from counts"  # expected value decided by the sample's reported counts (AR cases)
NON_EMPTY, EMPTY = "non-empty", "empty"

# ELN components of the NPM1/FLT3 genotype (../shared/docs/domain.md, "Clinical use").
# ITD state: absent, low (AR < 0.5), high (AR >= 0.5).
ELN2017 = {("mutated", "absent"): "favourable", ("mutated", "low"): "favourable",
           ("mutated", "high"): "intermediate", ("wild-type", "absent"): "intermediate",
           ("wild-type", "low"): "intermediate", ("wild-type", "high"): "adverse"}
ELN2022 = {("mutated", "absent"): "favourable", ("mutated", "low"): "intermediate",
           ("mutated", "high"): "intermediate", ("wild-type", "absent"): "none",
           ("wild-type", "low"): "intermediate", ("wild-type", "high"): "intermediate"}
AR_CUTOFF = Fraction(1, 2)  # ELN 2017: AR >= 0.5 is high
FRAGMENT_ANALYSIS_MIN_AR = Fraction(5, 100)  # below: the low-level ITD note (RATIFY assay cut-off)

EXPECTED_COLUMNS = [
    "sample", "case", "group", "title", "npm1_status", "npm1_type", "flt3_itd_status",
    "flt3_tkd_status", "flt3_mutated", "eln2017_npm1_flt3_component", "eln2022_npm1_flt3_component",
    "npm1_other_variants", "flt3_other_variants", "note_ar_spans_cutoff", "note_low_level_itd", "why",
]
EXPECTED_VARIANT_COLUMNS = [
    "sample", "case", "gene", "chrom", "pos", "ref", "alt", "type", "vaf", "hgvs_c", "hgvs_p",
    "clinical_class", "single_call",
]


@dataclass(frozen=True)
class Event:
    """One planted variant and what the annotation must say about it.

    spec: ("sub", chrom, pos, ref, alt) | ("del", chrom, first, last) | ("dup", chrom, first, last)
    | ("ins", chrom, after, bases) | ("delins", chrom, pos, ref, alt); GRCh38, + strand. The c.
    name in the comment of each event is what hgvs_c says; the tests map it back to GRCh38.
    """

    gene: str
    spec: tuple
    vaf: float
    vartype: str  # expected VARTYPE: SNV, INS, DEL, DELINS or ITD
    hgvs_c: str  # on the MANE transcript, accession included
    hgvs_p: str
    clinical_class: str
    npm1_type: str = ""  # expected type letter of an NPM1-mutated event
    single_call: bool = False  # a complex allele: exactly one call, never split into pieces

    @property
    def target(self) -> str:
        """Which status it makes positive (benchmarks.simulation.status_of), OTHER for none."""
        return {NPM1_MUTATED: "NPM1", FLT3_ITD: "ITD", FLT3_TKD: "TKD"}.get(self.clinical_class, "OTHER")

    @property
    def true_ar(self) -> Fraction:
        vaf = Fraction(self.vaf).limit_denominator(1000)
        return vaf / (1 - vaf)


@dataclass(frozen=True)
class Case:
    name: str
    group: int  # the numbered case group of issue 11 (1-7; 0 = control)
    title: str
    events: tuple[Event, ...]
    ar_from_counts: bool = False  # ELN 2017 and the 0.5-interval note follow the reported counts
    why: str = ""


def _npm1(spec, vaf, vartype, c, p, cls=NPM1_OTHER, **kw) -> Event:
    return Event("NPM1", spec, vaf, vartype, f"{NPM1_TX}:{c}", p, cls, **kw)


def _flt3(spec, vaf, vartype, c, p, cls, **kw) -> Event:
    return Event("FLT3", spec, vaf, vartype, f"{FLT3_TX}:{c}", p, cls, **kw)


NPM1_OTHER_VAF = 0.35
TKD_VAF = 0.30
ITD_VAF = 0.20  # true AR 0.25: far from 0.5, so ELN 2017 does not depend on the read draw

# NPM1 type A, c.860_863dup = insertion of TCTG after c.863 (chr5:171410543), left-normalised.
TYPE_A = ("ins", "chr5", 171410543, "TCTG")
# FLT3 ITDs in exon 14 used for the paired cases (the demo's 30-bp and 21-bp ITDs).
ITD30 = ("dup", "chr13", 28034119, 28034148)  # c.1771_1800dup
ITD21 = ("dup", "chr13", 28034124, 28034144)  # c.1775_1795dup


def _type_a(vaf: float = 0.40) -> Event:
    return _npm1(TYPE_A, vaf, "INS", "c.860_863dup", "p.(Trp288CysfsTer12)", NPM1_MUTATED,
                 npm1_type="A")


def _itd30(vaf: float) -> Event:
    return _flt3(ITD30, vaf, "ITD", "c.1771_1800dup", "p.(Tyr591_Asp600dup)", FLT3_ITD)


# NPM1 types E and F: exon-12 complex alleles, GGAGG (c.869_873) replaced by 9 bases (Falini et
# al., N Engl J Med 2005;352:254-266, Table 1; the same sequences are tabulated in Postepy Hig Med
# Dosw 2022, doi:10.2478/ahem-2022-0034, "The most common mutations in the NPM1 gene").
TYPE_E = ("delins", "chr5", 171410549, "GGAGG", "CTCTTGCCC")
TYPE_F = ("delins", "chr5", 171410549, "GGAGG", "CCCTGGAGA")

CASES: tuple[Case, ...] = (
    # 1. NPM1 variants outside the ELN definition, alone.
    Case("npm1_exon5_fs", 1, "NPM1 legacy exon 5 frameshift (1-bp del)", (
        _npm1(("del", "chr5", 171392760, 171392760), NPM1_OTHER_VAF, "DEL", "c.403del",
              "p.(Leu135SerfsTer2)"),),
         why="legacy exon 5: not the exon-12 NES frameshift"),
    Case("npm1_exon9_dup", 1, "NPM1 legacy exon 9 1-bp dup (c.700dup)", (
        _npm1(("dup", "chr5", 171405332, 171405332), NPM1_OTHER_VAF, "INS", "c.700dup",
              "p.(Thr234AsnfsTer3)"),),
         why="legacy exon 9; c.700 is the last A of c.695-c.700 (AAAAAA), so c.700dup is 3'-most"),
    Case("npm1_exon9_inframe_del", 1, "NPM1 legacy exon 9 in-frame 3-bp del", (
        _npm1(("del", "chr5", 171405353, 171405355), NPM1_OTHER_VAF, "DEL", "c.721_723del",
              "p.(Pro241del)"),),
         why="legacy exon 9, in frame"),
    Case("npm1_exon11_fs", 1, "NPM1 legacy exon 11 frameshift (2-bp del)", (
        _npm1(("del", "chr5", 171407729, 171407730), NPM1_OTHER_VAF, "DEL", "c.801_802del",
              "p.(Lys267AsnfsTer13)"),),
         why="legacy exon 11 (MANE exon 10): the frameshift ends before exon 12, W288/W290 untouched"),
    Case("npm1_exon12_inframe_ins", 1, "NPM1 legacy exon 12 in-frame 6-bp ins", (
        _npm1(("ins", "chr5", 171410547, "GCAGCA"), NPM1_OTHER_VAF, "INS", "c.867_868insGCAGCA",
              "p.(Gln289_Trp290insAlaAla)"),),
         why="exon 12 but in frame: W288 and W290 kept, no NES created"),
    # 2. FLT3 D835: synonymous alone; D835Y and I836del controls.
    Case("flt3_d835_synonymous", 2, "FLT3 c.2505T>C p.(Asp835=) alone", (
        _flt3(("sub", "chr13", 28018503, "A", "G"), TKD_VAF, "SNV", "c.2505T>C", "p.(Asp835=)",
              FLT3_OTHER),),
         why="codon 835 GAT -> GAC, still Asp: not a TKD mutation"),
    Case("flt3_d835y", 2, "FLT3 D835Y (positive control)", (
        _flt3(("sub", "chr13", 28018505, "C", "A"), TKD_VAF, "SNV", "c.2503G>T", "p.(Asp835Tyr)",
              FLT3_TKD),)),
    Case("flt3_i836del", 2, "FLT3 I836del (positive control)", (
        _flt3(("del", "chr13", 28018500, 28018502), TKD_VAF, "DEL", "c.2508_2510del",
              "p.(Ile836del)", FLT3_TKD),),
         why="codons 835-837 GAT ATC ATG: deleting ATC is 3'-most as c.2508_2510 (CAT)"),
    # 3. Exon-border ITDs (FLT3 is on the minus strand: exon 15 c.1838 = chr13:28033991).
    Case("itd_exon15_start", 3, "ITD c.1838_1852dup (first 15 bases of exon 15)", (
        _flt3(("dup", "chr13", 28033977, 28033991), ITD_VAF, "ITD", "c.1838_1852dup",
              "p.(Gly617_Ser618insTrpLysValLeuGly)", FLT3_ITD),),
         why="starts at the first base of exon 15; c.1853 C != c.1838 G and c.1837 G != c.1852 T: "
             "no shift either way"),
    Case("itd_exon14_end", 3, "ITD c.1817_1837dup (ends at the last base of exon 14)", (
        _flt3(("dup", "chr13", 28034082, 28034102), ITD_VAF, "ITD", "c.1817_1837dup",
              "p.(Phe612_Gly613insAlaArgGluAsnLeuGluPhe)", FLT3_ITD),),
         why="ends at c.1837; the next base is G on both sides (c.1837+1 and c.1838) and c.1817 is "
             "C: no 3' shift into the intron or exon 15"),
    Case("itd_exon14_intron14", 3, "ITD c.1826_1837+12dup (exon 14 end + intron 14 start)", (
        _flt3(("dup", "chr13", 28034070, 28034093), ITD_VAF, "ITD", "c.1826_1837+12dup", "p.?",
              FLT3_ITD),),
         why="spans the exon 14 donor: splicing unpredictable (p.?); an in-frame tandem "
             "duplication in the exon 14-15 amplicon, which fragment analysis calls ITD-positive"),
    # 4. Complex NPM1 alleles.
    Case("npm1_type_e", 4, "NPM1 type E (delins)", (
        _npm1(TYPE_E, NPM1_OTHER_VAF, "DELINS", "c.869_873delinsCTCTTGCCC", "p.(Trp290SerfsTer10)",
              NPM1_MUTATED, npm1_type="E", single_call=True),),
         why="Falini 2005 type E: GGAGG -> CTCTTGCCC"),
    Case("npm1_type_f", 4, "NPM1 type F (delins)", (
        _npm1(TYPE_F, NPM1_OTHER_VAF, "DELINS", "c.869_873delinsCCCTGGAGA", "p.(Trp290SerfsTer10)",
              NPM1_MUTATED, npm1_type="F", single_call=True),),
         why="Falini 2005 type F: GGAGG -> CCCTGGAGA"),
    # 5. NPM1 type A + ITD with the AR near 0.5.
    Case("ar_one_third", 5, "NPM1 A + ITD at VAF 1/3 (true AR 0.5)", (_type_a(), _itd30(1 / 3)),
         ar_from_counts=True, why="AR >= 0.5 is high (ELN 2017 intermediate), < 0.5 favourable"),
    Case("ar_030", 5, "NPM1 A + ITD at VAF 0.30 (true AR 0.43)", (_type_a(), _itd30(0.30)),
         ar_from_counts=True),
    Case("ar_036", 5, "NPM1 A + ITD at VAF 0.36 (true AR 0.56)", (_type_a(), _itd30(0.36)),
         ar_from_counts=True),
    # 6. Short ITDs in exon 14, and a 4-bp duplication that is no ITD.
    Case("itd_3bp", 6, "ITD 3 bp c.1762_1764dup", (
        _flt3(("dup", "chr13", 28034155, 28034157), ITD_VAF, "ITD", "c.1762_1764dup",
              "p.(Glu588dup)", FLT3_ITD),)),
    Case("itd_6bp", 6, "ITD 6 bp c.1774_1779dup", (
        _flt3(("dup", "chr13", 28034140, 28034145), ITD_VAF, "ITD", "c.1774_1779dup",
              "p.(Val592_Asp593dup)", FLT3_ITD),)),
    Case("itd_9bp", 6, "ITD 9 bp c.1765_1773dup", (
        _flt3(("dup", "chr13", 28034146, 28034154), ITD_VAF, "ITD", "c.1765_1773dup",
              "p.(Tyr589_Tyr591dup)", FLT3_ITD),)),
    Case("dup_4bp", 6, "4-bp dup c.1764_1767dup (frameshift, not an ITD)", (
        _flt3(("dup", "chr13", 28034152, 28034155), ITD_VAF, "INS", "c.1764_1767dup",
              "p.(Phe590ValfsTer5)", FLT3_OTHER),),
         why="not a multiple of 3: a frameshift in exon 14, not an in-frame ITD"),
    # 7. Low-level ITD with NPM1 type A.
    Case("itd_low_level", 7, "NPM1 A + ITD at VAF 0.01 (AR ~0.01)", (
        _type_a(), _flt3(ITD21, 0.01, "ITD", "c.1775_1795dup",
                         "p.(Glu598_Tyr599insPheAspPheArgGluTyrGlu)", FLT3_ITD)),
         why="any ITD makes ELN 2022 intermediate; AR < 0.05 is below the fragment-analysis cut-off"),
    # Control.
    Case("wildtype", 0, "wild-type control", ()),
)
CASE_BY_NAME = {case.name: case for case in CASES}


# ----------------------------------------------------------------------------------- variants


def build_variant(spec: tuple, fetch: Fetch) -> Variant:
    """The left-normalised GRCh38 variant of an event spec; refuses a spec whose REF is not the
    reference (a typo would otherwise plant something else)."""
    kind, chrom = spec[0], spec[1]
    if kind == "del":
        return deletion(chrom, spec[2], spec[3], fetch)
    if kind == "dup":
        return tandem_duplication(chrom, spec[2], spec[3], fetch)
    if kind == "ins":
        return insertion(chrom, spec[2], spec[3], fetch)
    if kind in ("sub", "delins"):
        pos, ref, alt = spec[2:]
        actual = fetch(chrom, pos, pos + len(ref) - 1)
        if actual != ref:
            raise SimulationError(f"{spec}: the reference has {actual}, not {ref}")
        return Variant(chrom, pos, ref, alt)
    raise ValueError(f"unknown event kind {kind!r}")


def planted(case: Case, fetch: Fetch) -> tuple[Planted, ...]:
    result = []
    for event in case.events:
        variant = build_variant(event.spec, fetch)
        result.append(Planted(event.gene, event.target, event.vartype, variant, event.vaf))
    return tuple(result)


# ----------------------------------------------------------------------------------- expected


def itd_state(ar: Fraction | None) -> str:
    if ar is None:
        return "absent"
    return "high" if ar >= AR_CUTOFF else "low"


def expected_row(case: Case) -> dict[str, str]:
    """The cohort fields a correct run reports for the case (without the sample name)."""
    classes = [e.clinical_class for e in case.events]
    npm1 = "mutated" if NPM1_MUTATED in classes else "wild-type"
    itds = [e for e in case.events if e.clinical_class == FLT3_ITD]
    ar = sum((e.true_ar for e in itds), Fraction(0)) if itds else None
    state = itd_state(ar)
    low_level = ar is not None and ar < FRAGMENT_ANALYSIS_MIN_AR
    return {
        "case": case.name, "group": str(case.group), "title": case.title,
        "npm1_status": npm1,
        "npm1_type": next((e.npm1_type for e in case.events if e.npm1_type), ""),
        "flt3_itd_status": "present" if itds else "absent",
        "flt3_tkd_status": "present" if FLT3_TKD in classes else "absent",
        "flt3_mutated": "yes" if itds or FLT3_TKD in classes else "no",
        "eln2017_npm1_flt3_component": FROM_COUNTS if case.ar_from_counts else ELN2017[(npm1, state)],
        "eln2022_npm1_flt3_component": ELN2022[(npm1, state)],
        "npm1_other_variants": NON_EMPTY if NPM1_OTHER in classes else EMPTY,
        "flt3_other_variants": NON_EMPTY if FLT3_OTHER in classes else EMPTY,
        "note_ar_spans_cutoff": FROM_COUNTS if case.ar_from_counts else "no",
        "note_low_level_itd": "yes" if low_level else "no",
        "why": case.why,
    }


# ----------------------------------------------------------------------------------- samples


def build_samples(seed: int, scale: float, fetch: Fetch, exons_tsv: Path) -> list[tuple[Sample, str, Case]]:
    """(sample, role, case) of every case, named cls_01... after a seeded shuffle, sorted by name."""
    cases = list(CASES)
    random.Random(derived_seed(seed, NAME, "names")).shuffle(cases)
    width = max(2, len(str(len(cases))))
    windows = tuple(simulate.capture_regions(exons_tsv))
    result = []
    for number, case in enumerate(cases, start=1):
        name = f"{PREFIX}_{number:0{width}d}"
        sample = Sample(name, name, ASSAY, True, depth=DEPTH * scale, planted=planted(case, fetch),
                        sequencing=simulate.CAPTURE_SEQUENCING, regions=windows)
        result.append((sample, "variant" if case.events else "wildtype_control", case))
    return result


def expected_rows(samples: list[tuple[Sample, str, Case]]) -> list[dict[str, str]]:
    return [{"sample": s.name, **expected_row(case)} for s, _, case in samples]


def expected_variant_rows(samples: list[tuple[Sample, str, Case]]) -> list[dict[str, object]]:
    rows = []
    for sample, _, case in samples:
        for event, plant in zip(case.events, sample.planted):
            v = plant.variant
            rows.append({"sample": sample.name, "case": case.name, "gene": event.gene,
                         "chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt,
                         "type": event.vartype, "vaf": f"{event.vaf:g}", "hgvs_c": event.hgvs_c,
                         "hgvs_p": event.hgvs_p, "clinical_class": event.clinical_class,
                         "single_call": "yes" if event.single_call else "no"})
    return rows


def design_parameters() -> list[dict[str, object]]:
    """The cases as truthset.json records them (a changed case regenerates the folder)."""
    return [{"case": c.name, "group": c.group,
             "events": [{"spec": list(e.spec), "vaf": e.vaf, "type": e.vartype, "hgvs_c": e.hgvs_c,
                         "hgvs_p": e.hgvs_p, "class": e.clinical_class, "npm1_type": e.npm1_type}
                        for e in c.events]} for c in CASES]
