"""Spec tests for HGVS naming (npm1_flt3.hgvs) and the NPM1 type table (npm1_flt3.npm1_types).

Every expected name below was worked out by hand from the reference sequence in
<shared>/reference/grch38_npm1_flt3_loci.fa and the exon table exons.tsv; the comment beside each
case shows the sequence and the reasoning. Transcript orientation ("tx") is the coding strand:
for FLT3 (- strand) it is the reverse complement of the + strand FASTA, and c. numbers run
towards lower GRCh38 positions (c. = 1705 + (28034214 - pos) inside FLT3 exon 14,
c. = 2419 + (28018589 - pos) inside exon 20). NPM1 (+ strand) exon 11 (legacy 12) starts at
chr5:171410527 = c.847, so c. = pos - 171409680 there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from npm1_flt3.hgvs import VariantAnnotation, _Layout, annotate_variant, reverse_complement, translate
from npm1_flt3.npm1_types import NPM1_TYPES, npm1_type
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import Exon, Transcript, load_transcripts
from npm1_flt3.variants import Variant, deletion, insertion, left_normalise, tandem_duplication

SHARED = Path(os.environ.get("NPM1_FLT3_SHARED", Path(__file__).resolve().parents[2] / "shared"))
REFERENCE = SHARED / "reference" / "grch38_npm1_flt3_loci.fa"
EXONS = SHARED / "reference" / "exons.tsv"

# No skip guard: without the shared reference these tests would check nothing (marked 'shared':
# conftest.py fails them with a clear message instead).
pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def genome() -> GenomeReference:
    return GenomeReference(REFERENCE)


@pytest.fixture(scope="module")
def transcripts() -> dict[str, Transcript]:
    return load_transcripts(EXONS)


@pytest.fixture(scope="module")
def npm1(genome, transcripts):
    return lambda variant: annotate_variant(transcripts["NPM1"], genome, variant)


@pytest.fixture(scope="module")
def flt3(genome, transcripts):
    return lambda variant: annotate_variant(transcripts["FLT3"], genome, variant)


def npm1_ann(hgvs_c, hgvs_p, consequence):
    # Every NPM1 case below lies in MANE exon 11 = legacy exon 12.
    return VariantAnnotation("NPM1", "NM_002520.7", f"NM_002520.7:{hgvs_c}", hgvs_p, 11, 12, None,
                             consequence)  # fmt: skip


def flt3_ann(hgvs_c, hgvs_p, consequence, exon=None, intron=None):
    return VariantAnnotation("FLT3", "NM_004119.3", f"NM_004119.3:{hgvs_c}", hgvs_p, exon, exon,
                             intron, consequence)  # fmt: skip


# ------------------------------------------------------------------------------------------------
# The transcript model itself
# ------------------------------------------------------------------------------------------------


def read_fasta(path: Path) -> dict[str, str]:
    records, name = {}, None
    for line in path.read_text().splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            records[name] = ""
        elif name:
            records[name] += line.strip()
    return records


def test_spliced_mrna_and_protein_match_the_shared_derivations(genome, transcripts):
    # The exon assembly (both strands) must give back the mRNA and protein the reference folder
    # derived independently; otherwise every p. name below would be built on sand.
    mrnas = read_fasta(SHARED / "reference" / "derived_transcripts.fa")
    proteins = read_fasta(SHARED / "reference" / "derived_proteins.fa")
    for gene, accession in (("NPM1", "NM_002520.7"), ("FLT3", "NM_004119.3")):
        layout = _Layout(transcripts[gene], genome)
        mrna = layout.mrna()
        expected = next(v for k, v in mrnas.items() if k.startswith(gene) and k.endswith("|mRNA"))
        assert mrna == expected
        assert layout.transcript.accession == accession
        cds = mrna[layout.c1_cdna - 1 : layout.stop_cdna]
        protein = next(v for k, v in proteins.items() if k.startswith(gene + "|"))
        assert translate(cds).rstrip("*") == protein.rstrip("*")


# ------------------------------------------------------------------------------------------------
# NPM1 exon 11 (legacy 12). + strand:  chr5:171410527.. =
#   GCT ATT CAA GAT CTC TGG CAG TGG AGG AAG TCT CTT TAA | GAA AAT AGT TTA ...
#   c.847 ...          c.859-861 = CTC (Leu287), c.862-864 = TGG (Trp288) ... c.883-885 = TAA
#   protein ...Ala283 Ile284 Gln285 Asp286 Leu287 Trp288 Gln289 Trp290 Arg291 Lys292 Ser293 Leu294
#   Ter295
# ------------------------------------------------------------------------------------------------


def test_npm1_type_a(npm1):
    # VCF chr5:171410539 C>CTCTG inserts TCTG after c.859 (the C at 171410539). Shifting 3': the
    # inserted T,C,T,G match the next reference bases c.860-863 (TCTG), then c.864 is G != T, so
    # it ends after c.863 and equals c.860_863 just 5' of it -> c.860_863dup.
    # Mutant: GAT CTC TGT CTG GCA GTG GAG GAA GTC TCT TTA AGA AAA TAG
    #         Asp286 Leu287 Cys Leu Ala Val Glu Glu Val Ser Leu Arg Lys Ter
    # Trp288 -> Cys is residue 1 of the new frame, Ter is residue 12: p.(Trp288CysfsTer12).
    assert npm1(Variant("chr5", 171410539, "C", "CTCTG")) == npm1_ann(
        "c.860_863dup", "p.(Trp288CysfsTer12)", "frameshift"
    )


def test_npm1_type_b(npm1, genome):
    # Type B inserts CATG between c.863 (G, chr5:171410543) and c.864. Left-normalising by hand:
    # last inserted G = anchor G -> GCAT after 171410542 (T); T = T -> TGCA after 171410541 (C);
    # A != C, stop. So the VCF is chr5:171410541 C>CTGCA (variants.insertion agrees).
    variant = Variant("chr5", 171410541, "C", "CTGCA")
    assert insertion("chr5", 171410543, "CATG", genome.fetch) == variant
    # 3' shift: C (first inserted) != c.864 G, so it stays after c.863; the 4 bases 5' of it are
    # TCTG != CATG, so an insertion. Mutant: GAT CTC TGC ATG GCA GTG GAG GAA GTC TCT TTA AGA AAA TAG
    # = Asp Leu Cys Met Ala Val Glu Glu Val Ser Leu Arg Lys Ter: Trp288Cys, Ter at residue 12.
    assert npm1(variant) == npm1_ann("c.863_864insCATG", "p.(Trp288CysfsTer12)", "frameshift")


def test_npm1_type_d(npm1, genome):
    # Type D inserts CCTG after c.863. Left-normalising: G = G -> GCCT after 171410542 (T);
    # T = T -> TGCC after 171410541 (C); C = C -> CTGC after 171410540 (T); C != T, stop:
    # VCF chr5:171410540 T>TCTGC.
    variant = Variant("chr5", 171410540, "T", "TCTGC")
    assert insertion("chr5", 171410543, "CCTG", genome.fetch) == variant
    # Mutant: GAT CTC TGC CTG GCA GTG ... = Asp Leu Cys Leu Ala ... (same tail as type A).
    assert npm1(variant) == npm1_ann("c.863_864insCCTG", "p.(Trp288CysfsTer12)", "frameshift")


def test_npm1_type_a_named_the_same_from_any_placement(npm1, genome):
    # The same event written right-shifted (insertion after c.863) must get the same name.
    assert npm1(Variant("chr5", 171410543, "G", "GTCTG")) == npm1(left_normalise(
        Variant("chr5", 171410543, "G", "GTCTG"), genome.fetch))  # fmt: skip


def test_npm1_nonsense(npm1):
    # c.864G>A (chr5:171410544): Trp288 TGG -> TGA: p.(Trp288Ter).
    assert npm1(Variant("chr5", 171410544, "G", "A")) == npm1_ann(
        "c.864G>A", "p.(Trp288Ter)", "stop_gained"
    )


def test_npm1_stop_lost(npm1):
    # c.883T>C (chr5:171410563): TAA -> CAA (Gln). Reading on through the 3'UTR:
    #   CAA GAA AAT AGT TTA AAC AAT TTG TTA AAA AAT TTT CCG TCT TAT TTC ATT TCT GTA ACA GTT GAT
    #   ATC TGG CTG TCC TTT TTA TAA
    #   = Gln | Glu Asn Ser Leu Asn Asn Leu Leu Lys Asn Phe Pro Ser Tyr Phe Ile Ser Val Thr Val Asp
    #     Ile Trp Leu Ser Phe Leu (27 added residues) Ter = residue 28 of the added sequence.
    assert npm1(Variant("chr5", 171410563, "T", "C")) == npm1_ann(
        "c.883T>C", "p.(Ter295GlnextTer28)", "stop_lost"
    )


def test_npm1_inframe_insertion_before_the_stop(npm1, genome):
    # CAT inserted between c.882 and c.883: ...CTT CAT TAA = Leu294 His Ter. The stop codon is
    # untouched, so this is an insertion, not an extension. 3' shift: C != c.883 T, and the 3
    # bases 5' of it (CTT) are not CAT. Left-normalised VCF: TCA after chr5:171410561.
    variant = insertion("chr5", 171410562, "CAT", genome.fetch)
    assert variant == Variant("chr5", 171410561, "T", "TTCA")
    assert npm1(variant) == npm1_ann(
        "c.882_883insCAT", "p.(Leu294_Ter295insHis)", "inframe_insertion"
    )


def test_npm1_adjacent_substitutions_are_one_delins(npm1):
    # c.864-865 GC>AT: TGG CAG -> TGA TAG; the first changed codon is already a stop.
    assert npm1(Variant("chr5", 171410544, "GC", "AT")) == npm1_ann(
        "c.864_865delinsAT", "p.(Trp288Ter)", "stop_gained"
    )


def test_npm1_3utr(npm1, genome):
    # The stop ends at chr5:171410565 = c.885, so chr5:171410600 is c.*35 (a C on the + strand).
    assert genome.fetch("chr5", 171410600, 171410600) == "C"
    assert npm1(Variant("chr5", 171410600, "C", "G")) == npm1_ann("c.*35C>G", "", "utr3")


def test_npm1_start_and_5utr(npm1, genome):
    # c.1 = chr5:171387949 (A of ATG); exon 1 starts at 171387849, 100 nt of 5'UTR (c.-100..-1).
    start = npm1(Variant("chr5", 171387949, "A", "G"))
    assert (start.hgvs_c, start.hgvs_p, start.exon, start.consequence) == (
        "NM_002520.7:c.1A>G", "p.(Met1?)", 1, "start_lost")  # fmt: skip
    base = genome.fetch("chr5", 171387900, 171387900)
    utr = npm1(Variant("chr5", 171387900, base, "A" if base != "A" else "C"))
    assert utr.hgvs_c.startswith("NM_002520.7:c.-49") and utr.hgvs_p == ""
    assert (utr.exon, utr.consequence) == (1, "utr5")


# ------------------------------------------------------------------------------------------------
# FLT3 exon 20, tx orientation around D835 (+ strand chr13:28018520 down to 28018490, complemented):
#   ...CGA GAT ATC ATG AGT...   c.2500-2502 CGA Arg834, c.2503-2505 GAT Asp835,
#                               c.2506-2508 ATC Ile836, c.2509-2511 ATG Met837, c.2512 AGT Ser838
# c.2503 = chr13:28018505 (+ strand C), c.2505 = 28018503 (+ A), c.2506-2508 = 28018502-28018500.
# ------------------------------------------------------------------------------------------------


def test_flt3_d835y(flt3):
    # + C>A = tx G>T at c.2503: GAT -> TAT, Asp -> Tyr.
    assert flt3(Variant("chr13", 28018505, "C", "A")) == flt3_ann(
        "c.2503G>T", "p.(Asp835Tyr)", "missense", exon=20
    )


def test_flt3_d835h(flt3):
    # + C>G = tx G>C: GAT -> CAT, Asp -> His.
    assert flt3(Variant("chr13", 28018505, "C", "G")) == flt3_ann(
        "c.2503G>C", "p.(Asp835His)", "missense", exon=20
    )


def test_flt3_synonymous(flt3):
    # + A>G at 28018503 = tx c.2505T>C: GAT -> GAC, still Asp: p.(Asp835=).
    assert flt3(Variant("chr13", 28018503, "A", "G")) == flt3_ann(
        "c.2505T>C", "p.(Asp835=)", "synonymous", exon=20
    )


def test_flt3_i836del(flt3, genome):
    # Deleting the Ile836 codon ATC (c.2506-2508 = + chr13:28018500-28018502, + GAT).
    # tx GAT[ATC]ATGAGT: removing ATC, TCA (c.2507-2509) or CAT (c.2508-2510) all leave
    # GATATGAGT; ATG (c.2509-2511) would leave GATATCAGT. 3'-most: c.2508_2510del.
    # Genome: c.2508-2510 = + 28018500..28018498; left-normalised VCF is chr13:28018497 CATG>C
    # (+ strand ..C ATG ATC.., anchor C at 28018497).
    variant = Variant("chr13", 28018497, "CATG", "C")
    assert deletion("chr13", 28018500, 28018502, genome.fetch) == variant
    # Protein: Asp835 Ile836 Met837 -> Asp Met: one residue lost, and Ile != Met so it cannot move.
    expected = flt3_ann("c.2508_2510del", "p.(Ile836del)", "inframe_deletion", exon=20)
    assert flt3(variant) == expected
    # The same deletion written at the codon itself (not left-normalised) is named the same.
    codon = genome.fetch("chr13", 28018499, 28018502)  # anchor + the + strand GAT of Ile836
    assert flt3(Variant("chr13", 28018499, codon, codon[0])) == expected


# ------------------------------------------------------------------------------------------------
# FLT3 exon 14 (c.1705-1837 = chr13:28034214..28034082), tx orientation from c.1705:
#   CAA TTT AGG TAT GAA AGC CAG CTA CAG ATG GTA CAG GTG ACC GGC TCC TCA GAT AAT GAG TAC TTC
#   Gln569 ...                                                  Asp586 Asn587 Glu588 Tyr589 Phe590
#   TAC GTT GAT TTC AGA GAA TAT GAA TAT GAT CTC AAA TGG GAG TTT CCA AGA GAA AAT TTA GAG TTT G
#   Tyr591 Val592 Asp593 Phe594 Arg595 Glu596 Tyr597 Glu598 Tyr599 Asp600 Leu601 Lys602 ...
# ------------------------------------------------------------------------------------------------


def test_flt3_itd_21bp(flt3, genome):
    # Duplicating + chr13:28034124-28034144 = tx c.1775-1795 = TTGATTTCAGAGAATATGAAT.
    # 3' shift: the base after the copy, c.1796 (A), differs from its first base (T), so the name
    # is c.1775_1795dup.
    variant = tandem_duplication("chr13", 28034124, 28034144, genome.fetch)
    assert variant == Variant("chr13", 28034123, "T", "TATTCATATTCTCTGAAATCAA")
    # c.1775 is the 2nd base of codon 592, so the copy is out of codon phase. Mutant from c.1774:
    #   GTT GAT TTC AGA GAA TAT GAA TTT GAT TTC AGA GAA TAT GAA TAT GAT
    #   Val Asp Phe Arg Glu Tyr Glu Phe Asp Phe Arg Glu Tyr Glu Tyr Asp
    # Common prefix ends at Glu598, common suffix starts at Tyr599: PheAspPheArgGluTyrGlu is
    # inserted between them. The 7 residues before it (Val592..Glu598 = VDFREYE) differ from
    # FDFREYE, so at protein level this is an insertion, not a duplication.
    assert flt3(variant) == flt3_ann(
        "c.1775_1795dup", "p.(Glu598_Tyr599insPheAspPheArgGluTyrGlu)", "inframe_insertion", exon=14
    )


def test_flt3_itd_30bp(flt3, genome):
    # + chr13:28034119-28034148 = tx c.1771-1800 = codons 591-600 exactly (c.1771 starts codon 591).
    # 3' shift: c.1801 (C of CTC Leu601) != c.1771 (T): stays c.1771_1800dup.
    variant = tandem_duplication("chr13", 28034119, 28034148, genome.fetch)
    assert variant == Variant("chr13", 28034118, "G", "GATCATATTCATATTCTCTGAAATCAACGTA")
    # Protein: Tyr591..Asp600 repeated in frame; Leu601 != Tyr591 so no further shift.
    assert flt3(variant) == flt3_ann(
        "c.1771_1800dup", "p.(Tyr591_Asp600dup)", "inframe_duplication", exon=14
    )


def test_flt3_itd_at_the_end_of_exon_14_is_named_by_the_3_prime_rule(flt3, genome):
    # Exon 14 is c.1705-c.1837 = + chr13:28034082-28034214 (minus strand: c.1837 = 28034082).
    # Duplicating its last 30 bases, c.1808-c.1837 (+ chr13:28034082-28034111; tx
    # GGGAGTTTCCAAGAGAAAATTTAGAGTTTG): the copy's first base c.1808 (G) equals the base after it,
    # c.1837+1 (the G of the donor GT), so the 3' rule moves the copy one base on:
    # c.1809_1837+1dup. Then c.1809 (G) != c.1837+2 (T): it stops. HGVS does not stop the 3' rule
    # at an exon/intron border (Duplication page: "c.1704+1dup ... (not c.1704dup)").
    variant = tandem_duplication("chr13", 28034082, 28034111, genome.fetch)
    assert variant.pos < 28034082  # the VCF anchor really is intronic
    # The protein comes from the placement that stays in the exon, c.1808_1837dup: the copy
    # repeats the exon's own end, so the donor keeps its sequence. c.1837 is the first base of
    # codon 613 (3 * 612 + 1), so 10 residues ending at Gly613 are duplicated in frame.
    assert flt3(variant) == flt3_ann(
        "c.1809_1837+1dup", "p.(Glu604_Gly613dup)", "inframe_duplication", exon=14
    )


def test_flt3_itd_with_extra_bases_at_the_exon_14_border_keeps_its_protein(flt3):
    # ITDetect P03's event as our caller calls it: 49 bp of exon 14 copied with extra bases, VCF
    # after + 28034080 = between tx c.1837+1 and c.1837+2. That is the 3'-most placement: the
    # first new tx base, C, differs from c.1837+2 (T), so HGVS names it there.
    variant = Variant("chr13", 28034080, "A", "ACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATTG")
    # Slid 5', the new bases end in G, G: the insertion passes c.1837+1 (G) and c.1837 (G) and
    # can sit between c.1836 and c.1837, inside exon 14, so the protein is predictable. Mutant
    # from c.1837: GGC AAT GAA TAT GAT CTC AAA TGG GAG TTT CCA AGA GAA AAT TTA GAG TTT GGG AAG
    #  = Gly Asn Glu Tyr Asp Leu Lys Trp Glu Phe Pro Arg Glu Asn Leu Glu Phe Gly Lys(614):
    # 17 residues after Gly613; the 17 before Lys614 start with Tyr597, not Asn, so not a dup.
    assert flt3(variant) == flt3_ann(
        "c.1837+1_1837+2insCAATGAATATGATCTCAAATGGGAGTTTCCAAGAGAAAATTTAGAGTTTGG",
        "p.(Gly613_Lys614insAsnGluTyrAspLeuLysTrpGluPheProArgGluAsnLeuGluPheGly)",
        "inframe_insertion", exon=14,
    )


def test_flt3_itd_with_non_templated_bases(flt3, genome):
    # The 21-bp copy of the first ITD with GAA (+ strand) between the two copies:
    # + strand: copy GAA copy, tx: copy' TTC copy' (copy' = c.1775-1795 TTGATTTCAGAGAATATGAAT).
    variant = tandem_duplication("chr13", 28034124, 28034144, genome.fetch, extra="GAA")
    assert variant == Variant("chr13", 28034123, "T", "TATTCATATTCTCTGAAATCAAGAA")
    # tx: 24 bases TTC+copy' inserted after c.1795; c.1796 (A) != T so no 3' shift, and the 24
    # bases 5' of the insertion (c.1772-1795) do not start with TTC: an insertion.
    # Mutant from c.1774: GTT GAT TTC AGA GAA TAT GAA TTT CTT GAT TTC AGA GAA TAT GAA TAT GAT
    #                     Val Asp Phe Arg Glu Tyr Glu Phe Leu Asp Phe Arg Glu Tyr Glu Tyr Asp
    # -> PheLeuAspPheArgGluTyrGlu inserted between Glu598 and Tyr599 (in frame, 8 residues).
    assert flt3(variant) == flt3_ann(
        "c.1795_1796insTTCTTGATTTCAGAGAATATGAAT",
        "p.(Glu598_Tyr599insPheLeuAspPheArgGluTyrGlu)",
        "inframe_insertion",
        exon=14,
    )


# ------------------------------------------------------------------------------------------------
# FLT3 intron 14 (chr13:28034081..28033992, 90 bp). tx from the end of exon 14:
#   ...GAGTTTG | GTAAGAATGGAATG...    c.1837 = G (28034082), c.1837+1 = G, +2 = T (donor GT)
#   ...TTTGCAG | GGAAGG...            c.1838-2 = A, -1 = G (acceptor AG), c.1838 = 28033991
# ------------------------------------------------------------------------------------------------


def test_flt3_intronic(flt3):
    # 28034070 is 12 bases into the intron (28034081 = +1): + T = tx A -> c.1837+12A>T.
    assert flt3(Variant("chr13", 28034070, "T", "A")) == flt3_ann(
        "c.1837+12A>T", "", "intronic", intron=14
    )
    # 28034000 is 9 bases before exon 15 (28033992 = c.1838-1): + A = tx T -> c.1838-9T>G.
    assert flt3(Variant("chr13", 28034000, "A", "C")) == flt3_ann(
        "c.1838-9T>G", "", "intronic", intron=14
    )


def test_flt3_intron_middle_and_splice_site(flt3):
    # 90-bp intron: bases 1-45 are c.1837+1..+45, bases 46-90 are c.1838-45..-1.
    assert flt3(Variant("chr13", 28034037, "T", "A")).hgvs_c == "NM_004119.3:c.1837+45A>T"
    assert flt3(Variant("chr13", 28034036, "A", "C")).hgvs_c == "NM_004119.3:c.1838-45T>G"
    # c.1837+2 (the T of the donor GT) is a splice-site change: p.?.
    assert flt3(Variant("chr13", 28034080, "A", "C")) == flt3_ann(
        "c.1837+2T>G", "p.?", "splice_region", intron=14
    )


def test_flt3_deletion_across_the_exon14_donor(flt3, genome):
    # + chr13:28034080-28034085 = tx c.1834..c.1837 (exon 14 end) + c.1837+1..+2 (GT).
    # 3' shift: the next tx base c.1837+3 (+ T -> A) differs from the first deleted (+ A -> T).
    variant = deletion("chr13", 28034080, 28034085, genome.fetch)
    assert variant == Variant("chr13", 28034079, "TACCAAA", "T")
    assert flt3(variant) == flt3_ann(
        "c.1834_1837+2del", "p.?", "splice_region", exon=14, intron=14
    )


# ------------------------------------------------------------------------------------------------
# Exon/intron borders, every kind of crossing. The rules (hgvs.py docstring): the name follows the
# HGVS 3' rule over the genomic sequence, across exon/intron borders (HGVS Numbering page: the
# exon/exon exception "does not apply to ... exon/intron and intron/exon junctions"); the protein
# is predicted from a placement inside one exon if the change has one, else p.? at a border.
# tx sequence at the two borders of intron 14:
#   exon 14 ...c.1820 GAGAAAATTTAGAGTTTG c.1837 | c.1837+1 GTAAGAATGGAATGTG...
#   ...CACCATTTGTCTTTGCAG c.1838-1 | c.1838 GGAAGGTACTAGGATCAGGTGC... exon 15
# Codons: c.1837-1839 GGG Gly613 (c.1837 ends exon 14), AAG Lys614, GTA Val615, CTA Leu616,
# GGA Gly617, TCA Ser618, GGT Gly619.
# ------------------------------------------------------------------------------------------------


def test_flt3_itd_at_the_first_base_of_exon_15_is_an_exonic_dup(flt3, genome):
    # Duplicating c.1838-c.1852 (GGAAGGTACTAGGAT; + chr13:28033977-28033991). Slid 5' the copy
    # would sit in front of c.1838, after the acceptor's G, but the 3' rule takes it to the end of
    # the copied bases (c.1853 C != c.1838 G): c.1838_1852dup, wholly in exon 15.
    variant = tandem_duplication("chr13", 28033977, 28033991, genome.fetch)
    assert variant == Variant("chr13", 28033976, "G", "GATCCTAGTACCTTCC")
    # Mutant from c.1837: GGG AAG GTA CTA GGA TGG AAG GTA CTA GGA TCA GGT
    #   = Gly Lys Val Leu Gly Trp Lys Val Leu Gly Ser Gly: TrpLysValLeuGly after Gly617.
    # The 5 residues before Ser618 are GlyLysValLeuGly, not TrpLysValLeuGly: an insertion.
    assert flt3(variant) == flt3_ann(
        "c.1838_1852dup", "p.(Gly617_Ser618insTrpLysValLeuGly)", "inframe_insertion", exon=15
    )


def test_npm1_dups_at_both_ends_of_an_exon(npm1, genome):
    # + strand. Legacy exon 12 (MANE 11) starts at c.847 = chr5:171410527 (intron ...CCAG|GCT ATT).
    # The copy of c.847-849 (GCT, Ala283) is left-normalised in front of the exon (VCF anchor is
    # the intron's last base); 3' rule: c.850 A != G, so c.847_849dup, p.(Ala283dup).
    start = tandem_duplication("chr5", 171410527, 171410529, genome.fetch)
    assert start == Variant("chr5", 171410526, "G", "GGCT")
    assert npm1(start) == npm1_ann("c.847_849dup", "p.(Ala283dup)", "inframe_duplication")
    # Legacy exon 11 (MANE 10) ends ...CAA GAG c.846 | GTAACT (chr5:171407774 = c.846). The copy of
    # c.844-846 (GAG, Glu282) shifts one base on, since c.844 = c.846+1 = G: c.845_846+1dup; the
    # protein is that of c.844_846dup inside the exon, p.(Glu282dup).
    end = tandem_duplication("chr5", 171407772, 171407774, genome.fetch)
    assert end == Variant("chr5", 171407771, "A", "AGAG")
    assert npm1(end) == VariantAnnotation("NPM1", "NM_002520.7", "NM_002520.7:c.845_846+1dup",
                                          "p.(Glu282dup)", 10, 11, None, "inframe_duplication")


def test_flt3_itd_copying_the_exon_14_donor_gets_no_protein(flt3, genome):
    # Duplicating c.1826-c.1837+12 (ATTTAGAGTTTG GTAAGAATGGAA): c.1837+13 (T) != c.1826 (A), so
    # the name is c.1826_1837+12dup. Slid 5', the copy can start at c.1825 or c.1824 (A = A) but
    # never leaves the intron: every placement copies the donor GT, and the mutant has two donors.
    # Which one is used cannot be predicted: p.?, not an in-frame insertion.
    variant = tandem_duplication("chr13", 28034070, 28034093, genome.fetch)
    assert variant == Variant("chr13", 28034069, "A", "ATTCCATTCTTACCAAACTCTAAAT")
    assert flt3(variant) == flt3_ann(
        "c.1826_1837+12dup", "p.?", "splice_region", exon=14, intron=14
    )


def test_flt3_dup_across_the_exon_15_acceptor_gets_no_protein(flt3, genome):
    # Duplicating c.1838-5-c.1845 (TGCAG GGAAGGTA, + chr13:28033984-28033996): c.1846 (C) != T
    # and c.1838-6 (T) != c.1845 (A), so it cannot move: two acceptors AG, p.?.
    variant = tandem_duplication("chr13", 28033984, 28033996, genome.fetch)
    assert variant == Variant("chr13", 28033983, "G", "GTACCTTCCCTGCA")
    assert flt3(variant) == flt3_ann(
        "c.1838-5_1845dup", "p.?", "splice_region", exon=15, intron=14
    )


def test_flt3_intronic_dups_near_a_border(flt3, genome):
    # The donor GT itself (c.1837+1-2) duplicated: GTGTAAGA; c.1837+3 (A) != G, and c.1837 (G)
    # != c.1837+2 (T), so no placement is inside the exon: splice region.
    gt = tandem_duplication("chr13", 28034080, 28034081, genome.fetch)
    assert gt == Variant("chr13", 28034079, "T", "TAC")
    assert flt3(gt) == flt3_ann("c.1837+1_1837+2dup", "p.?", "splice_region", intron=14)
    # c.1838-8 to -3 (CTTTGC): c.1838-2 (A) != C and c.1838-9 (T) != c.1838-3 (C); 3 or more
    # bases from the exon: intronic, no p.
    deeper = tandem_duplication("chr13", 28033994, 28033999, genome.fetch)
    assert deeper == Variant("chr13", 28033993, "T", "TGCAAAG")
    assert flt3(deeper) == flt3_ann("c.1838-8_1838-3dup", "", "intronic", intron=14)


def test_flt3_new_bases_right_at_a_border_get_no_protein(flt3, genome):
    # CA (+ strand TG) between c.1837 and c.1837+1: C != c.1837+1 (G) and A != c.1837 (G), so it
    # stays at the border, and whether CA is spliced in with exon 14 is not predicted.
    after_exon = insertion("chr13", 28034081, "TG", genome.fetch)
    assert after_exon == Variant("chr13", 28034081, "C", "CTG")
    assert flt3(after_exon) == flt3_ann(
        "c.1837_1837+1insCA", "p.?", "splice_region", exon=14, intron=14
    )
    # TT (+ strand AA) between the acceptor's G (c.1838-1) and c.1838 (G): same reasoning.
    before_exon = insertion("chr13", 28033991, "AA", genome.fetch)
    assert before_exon == Variant("chr13", 28033991, "C", "CAA")
    assert flt3(before_exon) == flt3_ann(
        "c.1838-1_1838insTT", "p.?", "splice_region", exon=15, intron=14
    )


def test_flt3_deletions_at_a_border(flt3, genome):
    # Deleting c.1837 (G): c.1837+1 is G too, so the 3' rule names it c.1837+1del. Placed at
    # c.1837 the donor GT is untouched: exon 14 now ends at c.1836, and exon 15 follows.
    # Mutant from c.1834: TTT GGA AGG TAC TAG = Phe612 Gly613 Arg Tyr Ter: p.(Lys614ArgfsTer3).
    last_base = deletion("chr13", 28034082, 28034082, genome.fetch)
    assert last_base == Variant("chr13", 28034080, "AC", "A")
    assert flt3(last_base) == flt3_ann(
        "c.1837+1del", "p.(Lys614ArgfsTer3)", "frameshift", exon=14
    )
    # Deleting c.1838-2 to c.1839 (AGGG, the acceptor AG and two exon bases): c.1840 (A) = A, so
    # the 3' rule moves it one base on, c.1838-1_1840del (GGGA); c.1841 (A) != G. No placement
    # avoids the acceptor: p.?.
    acceptor = deletion("chr13", 28033990, 28033993, genome.fetch)
    assert acceptor == Variant("chr13", 28033988, "TTCCC", "T")
    assert flt3(acceptor) == flt3_ann(
        "c.1838-1_1840del", "p.?", "splice_region", exon=15, intron=14
    )


def test_flt3_delins_across_the_donor(flt3):
    # c.1837 G and c.1837+1 G replaced by TC (+ strand chr13:28034081-28034082 CC > GA): a delins
    # is not shifted, and it changes an exon base and the donor's G: p.?.
    assert flt3(Variant("chr13", 28034081, "CC", "GA")) == flt3_ann(
        "c.1837_1837+1delinsTC", "p.?", "splice_region", exon=14, intron=14
    )


def test_odd_intron_middle_takes_the_plus_form(genome):
    # Made-up 2-exon transcript on NPM1 sequence with a 9-bp intron (chr5:171410511-171410519):
    # exon 1 = 11 bp (c.1-11), intron base 5 is 5 from either exon -> c.11+5, not c.12-5.
    exons = [Exon(1, 1, 171410500, 171410510, 171410500, 171410510),
             Exon(2, 2, 171410520, 171410540, 171410520, 171410540)]  # fmt: skip
    transcript = Transcript("TEST", "NM_TEST.1", "chr5", "+", exons)
    base = genome.fetch("chr5", 171410515, 171410515)
    alt = "A" if base != "A" else "C"
    result = annotate_variant(transcript, genome, Variant("chr5", 171410515, base, alt))
    assert result.hgvs_c == f"NM_TEST.1:c.11+5{base}>{alt}"
    assert (result.intron, result.consequence) == (1, "intronic")


def test_wrong_ref_is_rejected(flt3):
    with pytest.raises(ValueError, match="REF"):
        flt3(Variant("chr13", 28018505, "G", "A"))


# ------------------------------------------------------------------------------------------------
# NPM1 types
# ------------------------------------------------------------------------------------------------


def test_npm1_types():
    assert npm1_type("NM_002520.7:c.860_863dup") == "A"
    assert npm1_type("c.860_863dup") == "A"
    assert npm1_type("c.860_863dupTCTG") == "A"
    assert npm1_type("NM_002520.7:c.863_864insCATG") == "B"
    assert npm1_type("c.863_864insCCTG") == "D"
    assert npm1_type("NM_002520.7:c.863_864insTTTT") == "other"
    assert npm1_type("NM_002520.7:c.864G>A") == "other"
    with pytest.raises(ValueError):
        npm1_type("NM_002520.6:c.860_863dup")


def test_npm1_types_are_sourced_and_match_the_annotator(npm1):
    # Every table key must be what annotate_variant prints for that type (A, B and D are checked
    # above; C is CGTG after c.863, E and F replace c.869-873 GGAGG), and every entry must say
    # where it comes from. tests/test_npm1_types.py checks the keys against published sequences.
    printed = {
        "A": npm1(Variant("chr5", 171410539, "C", "CTCTG")).hgvs_c,
        "B": npm1(Variant("chr5", 171410541, "C", "CTGCA")).hgvs_c,
        "C": npm1(Variant("chr5", 171410541, "C", "CTGCG")).hgvs_c,
        "D": npm1(Variant("chr5", 171410540, "T", "TCTGC")).hgvs_c,
        "E": npm1(Variant("chr5", 171410549, "GGAGG", "CTCTTGCCC")).hgvs_c,
        "F": npm1(Variant("chr5", 171410549, "GGAGG", "CCCTGGAGA")).hgvs_c,
    }
    assert {entry.letter for entry in NPM1_TYPES} <= set(printed)
    for entry in NPM1_TYPES:
        assert entry.source
        assert npm1_type(printed[entry.letter]) == entry.letter


@pytest.mark.parametrize("exon_number", [14, 15])
def test_every_exonic_flt3_itd_window_is_a_dup_with_a_protein(flt3, genome, transcripts, exon_number):
    # Property behind the border fixes: any copy of 15-90 bases lying wholly in exon 14 or 15
    # (ITD sizes), wherever the VCF puts it, is named a duplication and gets its protein effect in
    # that exon, never p.? (before, copies starting at an exon's first base came out as
    # c.1838-1_1838ins... p.?). Lengths sampled to keep the test quick.
    exon = transcripts["FLT3"].exon(exon_number)
    for length in (15, 16, 17, 21, 30, 45, 60, 90):
        for first in range(exon.start, exon.end - length + 2):
            annotation = flt3(tandem_duplication("chr13", first, first + length - 1, genome.fetch))
            assert annotation.hgvs_c.endswith("dup"), (first, length, annotation)
            assert annotation.exon == exon_number and annotation.hgvs_p.startswith("p.("), annotation


def test_flt3_itd_with_extra_bases_copying_the_donor_gets_no_protein(flt3, genome):
    # biocommons/hgvs issue #714's ITD: CG + a copy of c.1783-c.1837+21 (the end of exon 14 and
    # the first 21 intron bases, GTAAGAATGGAATGTGCCAAA) inserted after c.1837+21. Not a
    # duplication (CG is extra), so it is named as an insertion at its 3'-most place. Slid 5' it fits between two
    # exon 14 bases, but it slides across the donor's GT (c.1837+1_1837+2), so wherever it is put
    # the new bases bring a second donor: p.?, not an in-frame insertion.
    inserted = ("CGAGAGAATATGAATATGATCTCAAATGGGAGTTTCCAAGAGAAAATTTAGAGTTTG"
                "GTAAGAATGGAATGTGCCAAA")
    anchor = genome.fetch("chr13", 28034060, 28034060)  # + strand c.1837+22
    variant = Variant("chr13", 28034060, anchor, anchor + reverse_complement(inserted))
    assert left_normalise(variant, genome.fetch) == variant
    assert flt3(variant) == flt3_ann(
        f"c.1837+21_1837+22ins{inserted}", "p.?", "splice_region", exon=14, intron=14
    )
