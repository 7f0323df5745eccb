"""FLT3 domain of a variant (npm1_flt3.domains), checked residue by residue by hand and against
getITD's published exon 14-15 annotation."""

from __future__ import annotations

import csv

import pytest
from conftest import EXONS, PEER_CASES, REFERENCE

from npm1_flt3.domains import (
    FLT3_DOMAINS,
    flt3_domain,
    flt3_insertion_site_domain,
    insertion_site_residue,
    residue_domain,
    residues_domain,
    residues_from_hgvs_c,
    residues_from_hgvs_p,
)
from npm1_flt3.hgvs import VariantAnnotation, annotate_variant, translate
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, insertion

# FLT3 is on the - strand; exon 14 holds c.1705-c.1837 at chr13:28034082-28034214 (exons.tsv),
# so c.N of exon 14 is chr13:28034214 - (N - 1705).
EXON14_C1705 = 28034214


def exon14_genomic(c: int) -> int:
    return EXON14_C1705 - (c - 1705)


@pytest.fixture(scope="module")
def genome():
    return GenomeReference(str(REFERENCE))


@pytest.fixture(scope="module")
def transcripts():
    return load_transcripts(str(EXONS))


def tandem_duplication(genome, c_first: int, c_last: int) -> Variant:
    """Tandem duplication of FLT3 exon-14 coding bases c_first..c_last, as the caller writes it."""
    low, high = exon14_genomic(c_last), exon14_genomic(c_first)
    return insertion("chr13", high, genome.fetch("chr13", low, high), genome.fetch)


@pytest.mark.parametrize(
    "residue, label",
    [(571, "other"), (572, "JMD"), (595, "JMD"), (609, "JMD"), (610, "TKD1"), (648, "TKD1"),
     (649, "other"), (828, "other"), (829, "TKD2"), (835, "TKD2"), (836, "TKD2"), (842, "TKD2"),
     (858, "TKD2"), (859, "other")],
)
def test_residue_table(residue, label):
    assert residue_domain(residue) == label


def test_ranges_join_the_domains_they_touch_in_order():
    assert residues_domain(591, 600) == "JMD"
    assert residues_domain(600, 611) == "JMD-TKD1"
    assert residues_domain(568, 575) == "other-JMD"
    assert residues_domain(835, 835) == "TKD2"


def test_table_motifs_are_where_the_reference_protein_has_them(genome, transcripts):
    """The TKD2 bounds are the DFG and APE motifs of the activation segment; check them on the
    NM_004119.3 translation rather than trusting the numbers."""
    from npm1_flt3.hgvs import _Layout

    layout = _Layout(transcripts["FLT3"], genome)
    mrna = layout.mrna()
    protein = translate(mrna[layout.c1_cdna - 1 : layout.stop_cdna])
    assert len(protein) == 994 and protein.endswith("*")  # 993 aa + stop (P36888 length)
    tkd2 = next((first, last) for label, first, last in FLT3_DOMAINS if label == "TKD2")
    assert protein[tkd2[0] - 1 : tkd2[0] + 2] == "DFG"
    assert protein[tkd2[1] - 3 : tkd2[1]] == "APE"
    assert protein[834:836] == "DI"  # D835, I836


@pytest.mark.shared
def test_jmd_and_tkd1_agree_with_getitd_annotation():
    """getITD's amplicon_kayser.tsv (read at run time from the shared peer cases) labels each
    amplicon base with its region (exon14_JMD_*, exon14/15_TKD1_*) and residue."""
    path = PEER_CASES / "getitd_read_vectors" / "amplicon_kayser.tsv"
    with open(path) as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["protein_as"] != "."]
    assert rows
    for row in rows:
        residue, region = int(row["protein_as"]), row["region"]
        expected = "JMD" if "_JMD_" in region else "TKD1" if "_TKD1_" in region else "other"
        assert residue_domain(residue) == expected, row


@pytest.mark.parametrize(
    "hgvs_p, residues",
    [("p.(Tyr591_Glu596dup)", (591, 596)), ("p.(Asp835Tyr)", (835, 835)),
     ("p.(Trp288CysfsTer12)", (288, 288)), ("p.(Glu598_Tyr599insPheGlu)", (598, 599)),
     ("p.(Asp835=)", (835, 835)), ("p.(Met1?)", (1, 1)), ("p.?", None), ("p.(=)", None), ("", None)],
)
def test_residues_from_hgvs_p(hgvs_p, residues):
    assert residues_from_hgvs_p(hgvs_p) == residues


@pytest.mark.parametrize(
    "hgvs_c, residues",
    [("NM_004119.3:c.2503G>T", (835, 835)), ("NM_004119.3:c.1771_1800dup", (591, 600)),
     ("NM_004119.3:c.1837+1G>A", None), ("NM_004119.3:c.1837+1_1837+2insA", None),
     ("NM_004119.3:c.-12C>T", None), ("NM_004119.3:c.*5del", None),
     ("NM_004119.3:c.1830_1837+5del", (610, 613))],
)
def test_residues_from_hgvs_c(hgvs_c, residues):
    assert residues_from_hgvs_c(hgvs_c) == residues


def test_d835y_is_tkd2(genome, transcripts):
    annotation = annotate_variant(transcripts["FLT3"], genome, Variant("chr13", 28018505, "C", "A"))
    assert annotation.hgvs_p == "p.(Asp835Tyr)"
    assert flt3_domain(annotation) == "TKD2"


def test_itd_in_codons_591_600_is_jmd(genome, transcripts):
    variant = tandem_duplication(genome, 1771, 1800)  # codons 591-600
    annotation = annotate_variant(transcripts["FLT3"], genome, variant)
    assert annotation.consequence == "inframe_duplication"
    first, last = residues_from_hgvs_p(annotation.hgvs_p)
    assert 591 <= first and last <= 603  # the 3' rule may slide it, never out of the JMD
    assert flt3_domain(annotation) == "JMD"


def test_duplication_reaching_into_tkd1_is_jmd_tkd1(genome, transcripts):
    variant = tandem_duplication(genome, 1798, 1833)  # codons 600-611
    annotation = annotate_variant(transcripts["FLT3"], genome, variant)
    first, last = residues_from_hgvs_p(annotation.hgvs_p)
    assert first <= 609 < 610 <= last, annotation.hgvs_p
    assert flt3_domain(annotation) == "JMD-TKD1"


def test_npm1_variants_get_no_flt3_domain(genome, transcripts):
    annotation = annotate_variant(transcripts["NPM1"], genome, Variant("chr5", 171410539, "C", "CTCTG"))
    assert annotation.hgvs_c == "NM_002520.7:c.860_863dup"
    assert flt3_domain(annotation) is None


@pytest.mark.parametrize("consequence", ["intronic", "utr5", "utr3"])
def test_intronic_and_utr_variants_get_no_domain(consequence):
    annotation = VariantAnnotation("FLT3", "NM_004119.3", "NM_004119.3:c.1837+10G>A", "", None, None, 14,
                                   consequence)
    assert flt3_domain(annotation) is None


def test_splice_region_variant_uses_its_coding_codons():
    annotation = VariantAnnotation("FLT3", "NM_004119.3", "NM_004119.3:c.1836_1837+2del", "p.?",
                                   None, None, 14, "splice_region")
    assert flt3_domain(annotation) == "TKD1"  # codons 612-613


@pytest.mark.parametrize("hgvs_c, hgvs_p, residue", [
    ("NM_004119.3:c.1771_1800dup", "p.(Tyr591_Asp600dup)", 601),  # copy inserted after codon 600
    ("NM_004119.3:c.1771_1800dup", "", 601),                 # from c.: first wild-type base c.1801
    ("NM_004119.3:c.1800_1826dup", "", 609),                 # c.1827 is codon 609, the JMD hinge
    ("NM_004119.3:c.1801_1827dup", "", 610),                 # c.1828 is codon 610: TKD1 beta1-sheet
    ("NM_004119.3:c.1838_1852dup", "p.(Gly617_Ser618insTrpLysValLeuGly)", 618),  # exon 15's first base
    ("NM_004119.3:c.1799_1800insGAATTC", "", 600),
    # The c. name shifted into intron 14 (c.1808 = c.1837+1), the protein from the exon placement.
    ("NM_004119.3:c.1809_1837+1dup", "p.(Glu604_Gly613dup)", 614),
    ("NM_004119.3:c.1826_1837+12dup", "p.?", None),          # the copy takes intronic bases
    ("NM_004119.3:c.2503G>T", "p.(Asp835Tyr)", None),
])
def test_insertion_site_is_the_first_wild_type_residue_after_the_copy(hgvs_c, hgvs_p, residue):
    assert insertion_site_residue(hgvs_c, hgvs_p) == residue


def test_insertion_site_domain_beside_the_duplicated_span():
    def annotation(hgvs_c, hgvs_p):
        return VariantAnnotation("FLT3", "NM_004119.3", hgvs_c, hgvs_p, 14, 14, None, "inframe_duplication")

    # Residues 600-609 duplicated (JMD), the copy inserted in front of residue 610 (TKD1).
    itd = annotation("NM_004119.3:c.1798_1827dup", "p.(Asp600_Asn609dup)")
    assert (flt3_domain(itd), flt3_insertion_site_domain(itd)) == ("JMD", "TKD1")
    jmd = annotation("NM_004119.3:c.1771_1800dup", "p.(Tyr591_Asp600dup)")
    assert (flt3_domain(jmd), flt3_insertion_site_domain(jmd)) == ("JMD", "JMD")
    npm1 = VariantAnnotation("NPM1", "NM_002520.7", "NM_002520.7:c.860_863dup", "p.(Trp288CysfsTer12)",
                             11, 12, None, "frameshift")
    assert flt3_insertion_site_domain(npm1) is None
