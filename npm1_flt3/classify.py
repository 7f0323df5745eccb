"""Clinical class of an annotated variant: what it counts as in the cohort table and for ELN.

Every variant stays in the VCF and in variants.tsv with its HGVS and consequence; only its class
decides which status column it can set. The classes and their sources:

| class          | rule                                                              | sets                |
|----------------|-------------------------------------------------------------------|---------------------|
| NPM1-mutated   | NPM1 frameshift in legacy exon 12 (MANE exon 11) whose first       | npm1_status, ELN    |
|                | changed residue is at or before Trp290, so that the tryptophans    |                     |
|                | of the nucleolar localisation signal (W288 and/or W290) are lost   |                     |
| NPM1-other     | any other NPM1 variant: legacy exons 5, 9, 11, in-frame or         | npm1_other_variants |
|                | synonymous exon-12 changes, frameshifts after W290, UTR, intronic   |                     |
| FLT3-ITD       | the caller's VARTYPE=ITD (an in-frame tandem duplication in exons   | flt3_itd_status     |
|                | 14-15, npm1_flt3/caller.py)                                        |                     |
| FLT3-TKD       | a protein-changing, in-frame change (missense, in-frame deletion,  | flt3_tkd_status     |
|                | insertion, duplication or delins) touching codon D835 or I836       |                     |
| FLT3-other     | any other FLT3 variant, synonymous changes at D835/I836 included    | flt3_other_variants |

Sources:
* NPM1: "AML with mutated NPM1" (WHO) and ELN's "mutated NPM1" are the exon-12 C-terminal
  mutations that remove the nucleolar localisation signal (W288, W290) and add a nuclear export
  signal, so that NPM1 goes to the cytoplasm (Falini et al., N Engl J Med 2005;352:254-266;
  Döhner et al., ELN 2022 recommendations, Blood 2022;140:1345-1377, Table 6). A variant in
  legacy exon 5, 9 or 11, or an exon-12 change that keeps the reading frame, does not do that.
  Every frameshift starting at or before residue 290 replaces W290 (and W288 when it starts
  there); one starting after W290 keeps both.
* FLT3-TKD: the FDA-approved companion diagnostic for midostaurin and gilteritinib detects
  "tyrosine kinase domain (TKD) mutations D835 and I836" (LeukoStrat CDx FLT3 Mutation Assay,
  intended use, PMA P160040), and gilteritinib is approved for FLT3-ITD and "D835/I836 TKD
  mutations" (McMahon et al., Blood Adv 2020;4:514-524). A synonymous change does not change
  the protein and is not a TKD mutation (../shared/docs/domain.md). Non-canonical activation-loop
  changes elsewhere (McMahon 2020 calls them "noncanonical") are FLT3-other: reported, never
  counted as TKD, since the approved definition names only D835 and I836.
"""

from __future__ import annotations

from npm1_flt3.domains import residues_from_hgvs_p

NPM1_MUTATED = "NPM1-mutated"
NPM1_OTHER = "NPM1-other"
FLT3_ITD = "FLT3-ITD"
FLT3_TKD = "FLT3-TKD"
FLT3_OTHER = "FLT3-other"
CLASSES = (NPM1_MUTATED, NPM1_OTHER, FLT3_ITD, FLT3_TKD, FLT3_OTHER)

NPM1_NES_EXON_LEGACY = 12
NPM1_LAST_NLS_TRYPTOPHAN = 290  # W288 and W290 (Falini 2005)
FLT3_TKD_RESIDUES = (835, 836)  # D835, I836 (LeukoStrat CDx FLT3; McMahon 2020)
PROTEIN_CHANGING_IN_FRAME = ("missense", "inframe_deletion", "inframe_insertion",
                             "inframe_duplication", "inframe_delins")

def clinical_class(gene: str, vartype: str, consequence: str, exon_legacy: int | None,
                   hgvs_p: str | None) -> str:
    """The class of one annotated variant (table in the module docstring)."""
    if gene == "NPM1":
        return NPM1_MUTATED if is_npm1_nes_frameshift(consequence, exon_legacy, hgvs_p) else NPM1_OTHER
    if vartype == "ITD":
        return FLT3_ITD
    return FLT3_TKD if is_flt3_tkd(consequence, hgvs_p) else FLT3_OTHER


def is_npm1_nes_frameshift(consequence: str, exon_legacy: int | None, hgvs_p: str | None) -> bool:
    """A legacy exon-12 frameshift that replaces W290 (and W288 if it starts there)."""
    if consequence != "frameshift" or exon_legacy != NPM1_NES_EXON_LEGACY:
        return False
    residues = residues_from_hgvs_p(hgvs_p)
    return residues is not None and residues[0] <= NPM1_LAST_NLS_TRYPTOPHAN


def is_flt3_tkd(consequence: str, hgvs_p: str | None) -> bool:
    """A protein-changing in-frame change that touches D835 or I836."""
    if consequence not in PROTEIN_CHANGING_IN_FRAME:
        return False
    residues = residues_from_hgvs_p(hgvs_p)
    if residues is None:
        return False
    first, last = residues
    return any(first <= residue <= last for residue in FLT3_TKD_RESIDUES)
