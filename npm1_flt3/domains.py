"""FLT3 protein domain of a variant: JMD, TKD1, TKD2, a join such as JMD-TKD1, or other.

Residue table (NP_004110.2 / UniProt P36888 numbering, 993 aa; the MANE transcript NM_004119.3
translates to exactly this protein, see the shared reference's PROVENANCE.md):

========  ==========  =====================================================================
label     residues    source
========  ==========  =====================================================================
JMD       572-609     Juxtamembrane domain as structurally defined by Griffith et al., Mol
                      Cell 2004;13:169-178 (PDB 1RJB), in the categories tabulated by Kayser
                      et al., Blood 2009;114:2386 (Table 2: "JMD, AA 572-603" and "hinge
                      region of JMD, AA 604-609"). getITD's annotation (anno/amplicon_kayser.tsv:
                      binding motif 572-578, switch motif 579-592, zipper motif 593-603, hinge
                      604-609) agrees residue for residue; tests/test_domains.py checks it.
TKD1      610-648     First tyrosine kinase domain (kinase N-lobe), from its first beta strand:
                      Kayser 2009 Table 2 / Griffith 2004 ("beta1-sheet, AA 610-615",
                      "nucleotide binding loop, AA 616-623", "beta2-sheet, AA 624-630",
                      "3' of beta2-sheet, AA > 630"). The table stops at 648, the last residue of
                      exon 15 and of getITD's annotation (exon15_TKD1_3primeOfBeta2Sheet): the
                      ITD calling region ends there, and the end of TKD1 / start of the kinase
                      insert could not be checked against a primary source.
TKD2      829-858     Activation loop of the second kinase domain: the activation segment runs
                      from the DFG motif to the APE motif (WikiKinome glossary, "Activation
                      loop", after Scheeff et al., Structure 2009). In FLT3 these motifs are
                      D829-F830-G831 and A856-P857-E858 (translation of NM_004119.3 from the
                      shared reference), so the segment holds the D835/I836 TKD hotspot
                      (Griffith 2004: "point mutations of Asp835" in the activation loop).
========  ==========  =====================================================================

Residues outside the table are ``other``. A variant's residues are read from its HGVS p. (the first
and last residue named before the change, e.g. p.(Tyr591_Glu596dup) -> 591-596,
p.(Asp835Tyr) -> 835, p.(Trp288CysfsTer12) -> 288); when the p. names no residue (p.?, p.(=)),
from its coding c. positions, codon = ceil(c / 3). Wholly intronic or UTR changes (c.N+k, c.N-k,
c.-N, c.*N only) give no residue, and then no domain.

The label lists the domains the residues touch in N- to C-terminal order, joined by '-':
an ITD duplicating residues 600-611 is ``JMD-TKD1``, one at 568-575 is ``other-JMD``.

Insertion site (FLT3-ITDs)
--------------------------
Beside the domain of the duplicated residues, an ITD has the domain of its *insertion site*,
the residue in front of which the new copy sits; the TKD1-ITD literature classifies ITDs by it
(Kayser et al., Blood 2009;114:2386, Table 2, "localization of ITD integration"; Rücker et al.,
Leukemia 2022;36:90-99, RATIFY: JMD versus TKD1 insertion sites). The site is read as getITD
does ("the WT bp following the insert", getITD's ``set_insertion_site``): the residue of the
first wild-type base after the inserted bases, on the 3'-shifted placement. From the protein
change when it names one (p.(X_Ydup) inserts after residue Y, so the site is Y+1; p.(X_YinsZ)
has its site at Y), since the c. name may have shifted into the intron while the protein was
predicted from the placement inside the exon (c.1809_1837+1dup is p.(Glu604_Gly613dup): site
614); else from the c. name (c.X_Ydup: the codon of c.Y+1; c.A_Bins...: of c.B). An insertion
with neither, such as one whose copy takes intronic bases (c.1826_1837+12dup, p.?), has no
insertion-site domain.
"""

from __future__ import annotations

import re

from npm1_flt3.hgvs import VariantAnnotation

FLT3_DOMAINS: tuple[tuple[str, int, int], ...] = (
    ("JMD", 572, 609),
    ("TKD1", 610, 648),
    ("TKD2", 829, 858),
)
OTHER = "other"

# "p.(Tyr591_Glu596dup)", "p.Asp835Tyr", "p.(Met1?)": residue 1 and, if a range, residue 2.
_P_LOCATION = re.compile(r"^p\.\(?[A-Z][a-z]{2}(\d+)(?:_[A-Z][a-z]{2}(\d+))?")
# c. part of "NM_004119.3:c.1771_1800dup", "c.2503G>T", "c.1837+1G>A".
_C_LOCATION = re.compile(r"c\.([-*]?\d+(?:[+-]\d+)?)(?:_([-*]?\d+(?:[+-]\d+)?))?")


def residue_domain(residue: int) -> str:
    """Domain label of one FLT3 residue (1-based)."""
    for label, first, last in FLT3_DOMAINS:
        if first <= residue <= last:
            return label
    return OTHER


def residues_domain(first: int, last: int) -> str:
    """Label of the residue range first..last: the domains touched, N- to C-terminal."""
    labels: list[str] = []
    for residue in range(min(first, last), max(first, last) + 1):
        label = residue_domain(residue)
        if not labels or labels[-1] != label:
            labels.append(label)
    return "-".join(labels)


def residues_from_hgvs_p(hgvs_p: str) -> tuple[int, int] | None:
    """(first, last) residue named in an HGVS p., or None if it names none (p.?, p.(=), '')."""
    match = _P_LOCATION.match(hgvs_p or "")
    if not match:
        return None
    first = int(match.group(1))
    return first, int(match.group(2)) if match.group(2) else first


def residues_from_hgvs_c(hgvs_c: str) -> tuple[int, int] | None:
    """(first, last) codon of the coding positions of an HGVS c.; None if none is coding.

    Codon = ceil(N / 3). A wholly intronic or UTR change (every position c.N+k, c.N-k, c.-N or
    c.*N) has none. A change that spans an exon border (c.1830_1837+5del) counts the coding
    bases it removes: the intronic end stands for its exonic anchor (c.1837)."""
    match = _C_LOCATION.search(hgvs_c or "")
    if not match:
        return None
    positions = [p for p in match.groups() if p is not None and p[0] not in "-*"]
    if not any(p.isdigit() for p in positions):
        return None
    codons = [-(-int(re.split(r"[+-]", p)[0]) // 3) for p in positions]
    return min(codons), max(codons)


# The last position of a dup ("c.1771_1800dup" -> 1800) or the second one of an insertion
# ("c.1837_1838insGGA" -> 1838); None when that position is intronic or UTR.
_DUP_END = re.compile(r"c\.(?:[-*]?\d+(?:[+-]\d+)?_)?([-*]?\d+(?:[+-]\d+)?)dup")
_INS_AFTER = re.compile(r"c\.[-*]?\d+(?:[+-]\d+)?_([-*]?\d+(?:[+-]\d+)?)ins")


# "p.(Glu604_Gly613dup)" -> 613 + 1; "p.(Gly617_Ser618insTrpLys)" -> 618; "p.(Asp600dup)" -> 601.
_P_DUP = re.compile(r"^p\.\(?(?:[A-Z][a-z]{2}\d+_)?[A-Z][a-z]{2}(\d+)dup\)?$")
_P_INS = re.compile(r"^p\.\(?[A-Z][a-z]{2}\d+_[A-Z][a-z]{2}(\d+)ins")


def insertion_site_residue(hgvs_c: str, hgvs_p: str = "") -> int | None:
    """Residue of the first wild-type base after an insertion or duplication (module docstring),
    from the protein change when it names the insertion, else from the c. name; None when neither
    does (the site is intronic or UTR, or the change is no insertion)."""
    if match := _P_DUP.match(hgvs_p or ""):
        return int(match.group(1)) + 1
    if match := _P_INS.match(hgvs_p or ""):
        return int(match.group(1))
    dup, ins = _DUP_END.search(hgvs_c or ""), _INS_AFTER.search(hgvs_c or "")
    if dup:
        position, following = dup.group(1), 1
    elif ins:
        position, following = ins.group(1), 0
    else:
        return None
    if not position.isdigit():  # c.N+k, c.N-k, c.-N, c.*N: not a coding base
        return None
    return -(-(int(position) + following) // 3)


def flt3_insertion_site_domain(annotation: VariantAnnotation) -> str | None:
    """Domain of an FLT3 insertion's insertion site; None for other variants or a non-coding site."""
    if annotation.gene != "FLT3":
        return None
    residue = insertion_site_residue(annotation.hgvs_c, annotation.hgvs_p)
    return residue_domain(residue) if residue is not None else None


def flt3_domain(annotation: VariantAnnotation) -> str | None:
    """FLT3_DOMAIN of an annotated variant; None for NPM1 and for intronic / UTR variants."""
    if annotation.gene != "FLT3":
        return None
    if annotation.consequence in ("intronic", "utr5", "utr3"):
        return None
    residues = residues_from_hgvs_p(annotation.hgvs_p) or residues_from_hgvs_c(annotation.hgvs_c)
    return residues_domain(*residues) if residues else None
