"""Published names of NPM1 and FLT3 variants, each run through the whole annotation path.

Every row of ``TABLE`` is one variant as it was published (``published``: the c. and p. names, or
the GRCh37 record, exactly as the source wrote them; ``source``: a key of ``SOURCES`` and the
record in it), the left-normalised GRCh38 VCF record our caller would write for it, and what the
annotated VCF must then hold: INFO HGVSC (on NM_002520.7 / NM_004119.3), HGVSP, CONSEQUENCE, EXON,
EXON_LEGACY and INTRON. Each record goes through ``caller.write_vcf`` (INFO GENE, VARTYPE and
VARLEN as the caller writes them), ``annotate.annotate_vcf``, and is read back with cyvcf2.

Where the published c. name is not what current HGVS rules give, ``why`` says which rule and the
row expects the current form; a test checks that every such disagreement is explained. The rules
themselves are in the npm1_flt3.hgvs docstring (HGVS 3' rule over the genome, also across
exon/intron borders; a duplication is written as dup; protein only from a placement inside one
exon).

Coordinate conversions. Papaemmanuil 2016 published GRCh37 records. Around FLT3, GRCh38 =
GRCh37 - 574,137: its D835Y at GRCh37 chr13:28592642 is c.2503, which exons.tsv places at GRCh38
chr13:28018505; ``test_grch37_records_convert_to_the_vcf_rows`` checks every converted row against
the reference. Its c. names are on CCDS4376.1 (NPM1) and CCDS31953.1 (FLT3), the coding sequences
of NM_002520.7 and NM_004119.3, so c. numbers carry over unchanged (every row below confirms it).
biocommons/hgvs names FLT3 on NM_004119.2, whose coding sequence and exons are those of
NM_004119.3 (same c. numbers, same protein NP_004110.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EXONS, REFERENCE
from cyvcf2 import VCF

from npm1_flt3.annotate import annotate_vcf
from npm1_flt3.caller import Call, write_vcf
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, left_normalise

GENOME = GenomeReference(REFERENCE)
TRANSCRIPTS = load_transcripts(EXONS)
ACCESSION = {"NPM1": "NM_002520.7", "FLT3": "NM_004119.3"}
CHROM = {"NPM1": "chr5", "FLT3": "chr13"}
GRCH37_TO_38 = {"13": -574137}  # FLT3 region, see the module docstring

SOURCES = {
    "P2016": (
        "Papaemmanuil E, Gerstung M, Bullinger L, et al. Genomic classification and prognosis in "
        "acute myeloid leukemia. N Engl J Med 2016;374:2209-2221. Calls as released with the "
        "paper's code, github.com/gerstung-lab/AML-multistage: data/AMLSG_Genetic.txt (commit "
        "948882b; columns CDNA_CHANGE, AA_CHANGE; record = Study_Variant_ID) and "
        "data/AMLSG_FLT3ITD.txt (commit bb61872; ITD = GRCh37 Insertion_pt and + strand "
        "Inserted_sequence, which follows the base at Insertion_pt; record = sample)"
    ),
    "LAB": (
        "public clinical-laboratory NPM1 probe list (Python dict mut_dict keyed 'c.... p.(...)' on "
        "NM_002520, with each mutant's probe sequence), found by code search of public GitHub in "
        "this project's reference library, repository name not shown; npm1_types.py cites the "
        "same list"
    ),
    "AHEM2022": (
        "Adv Hyg Exp Med 2022, doi:10.2478/ahem-2022-0034, table 'The most common mutations in the "
        "NPM1 gene' (reference-global.com/article/10.2478/ahem-2022-0034): mutants A-N written into "
        "the wild-type sequence GATCTCT G GCAGT GGAGG AAGTCTC... (c.856-)"
    ),
    "YAMAMOTO2001": (
        "Yamamoto Y, et al. Activating mutation of D835 within the activation loop of FLT3 in human "
        "hematologic malignancies. Blood 2001;97:2434-2439, table 'Analysis of the FLT3 gene "
        "mutations in hematologic malignancies' (ash-sap.org/view-large/9233408): D835 Y, V, E, H "
        "and N, protein level only"
    ),
    "SERASEQ": (
        "FLT3 ITDs of the SeraCare Seraseq Myeloid Mutation DNA control as the Oncomine Myeloid "
        "assay names them, in a public laboratory QC script (R list of expected loci: "
        "'FLT3:c.1759_1800dup', 'FLT3:c.1806_1807insGGGGC...', and the 42-bp ITD also as "
        "'FLT3:c.1799_1800insTAATGAG...'); code search, repository name not shown"
    ),
    "HGVS714": (
        "biocommons/hgvs, tests/issues/test_714.py and docs 'Boundary-Spanning Variants: "
        "shift_over_boundary' (issue #714, PR #719): FLT3 ITDs at the exon 14 donor on NM_004119.2; "
        "p.? under the library's default, a protein only with its opt-in EXON preference"
    ),
    "ISSUE11": (
        "constructed for issue 11 (exon-border ITDs); no published name was found for these exact "
        "copies, the rule cases are in the npm1_flt3.hgvs docstring"
    ),
}

FRAMESHIFT_W288 = "p.(Trp288CysfsTer12)"


@dataclass(frozen=True)
class Row:
    id: str
    gene: str
    pos: int  # the VCF record, GRCh38, left-normalised
    ref: str
    alt: str
    vartype: str  # INFO VARTYPE as the caller writes it
    hgvs_c: str  # expected HGVSC without the accession
    hgvs_p: str  # expected HGVSP ("" = not written)
    consequence: str
    exon: tuple[int, int] | None  # (EXON, EXON_LEGACY)
    intron: int | None
    published: str  # as published: "c.... p...." or a GRCh37 record "13:pos REF>ALT" / "13:pos ins SEQ"
    source: str  # "KEY: record" (KEY in SOURCES)
    why: str = ""  # why the expected c. differs from the published one ("" = it does not)


TABLE = [
    # --- NPM1 legacy exon 12 (MANE exon 11): insertions after c.863 and the other published types
    Row("npm1_type_A", "NPM1", 171410539, "C", "CTCTG", "INS",
        "c.860_863dup", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insTCTG p.W288fs*12", "P2016: 1546101 (PD7627a); also written c.859_860insTCTG "
        "(1546104) and, by LAB, c.860_863dupTCTG p.(Trp288CysfsTer12)",
        why="TCTG repeats c.860-863, so HGVS writes a dup, 3'-shifted, without the bases "
            "(Duplication page)"),
    Row("npm1_type_B", "NPM1", 171410541, "C", "CTGCA", "INS",
        "c.863_864insCATG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insCATG p.W288fs*12", "P2016: 1546138 (PD7955a); LAB"),
    Row("npm1_type_C", "NPM1", 171410541, "C", "CTGCG", "INS",
        "c.863_864insCGTG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insCGTG p.W288fs*12", "P2016: 1546221 (PD9292a); LAB; AHEM2022 type C"),
    Row("npm1_type_D", "NPM1", 171410540, "T", "TCTGC", "INS",
        "c.863_864insCCTG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insCCTG p.W288fs*12", "P2016: 1546129 (PD8091a); LAB; AHEM2022 type D"),
    Row("npm1_ins_CTTG", "NPM1", 171410541, "C", "CTGCT", "INS",
        "c.863_864insCTTG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insCTTG p.W288fs*12", "P2016: 1546202 (PD8324a); LAB"),
    Row("npm1_ins_TATG", "NPM1", 171410541, "C", "CTGTA", "INS",
        "c.863_864insTATG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insTATG p.W288fs*12", "P2016: 1546122 (PD11206a); LAB"),
    Row("npm1_ins_CAGA", "NPM1", 171410543, "G", "GCAGA", "INS",
        "c.863_864insCAGA", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insCAGA p.W288fs*12", "P2016: 1546171 (PD8386a); LAB"),
    Row("npm1_ins_CAGG", "NPM1", 171410542, "T", "TGCAG", "INS",
        "c.863_864insCAGG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insCAGG p.W288fs*12", "P2016: 1546243 (PD8260a); LAB"),
    Row("npm1_ins_TTTG", "NPM1", 171410541, "C", "CTGTT", "INS",
        "c.863_864insTTTG", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.863_864insTTTG p.(Trp288CysfsTer12)", "LAB"),
    Row("npm1_ins_TTGC_after_c860", "NPM1", 171410540, "T", "TTTGC", "INS",
        "c.860_861insTTGC", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.860_861insTTGC p.W288fs*12", "P2016: 1546270 (PD8004a)"),
    Row("npm1_ins_AGGA_after_c867", "NPM1", 171410547, "G", "GAGGA", "INS",
        "c.867_868insAGGA", "p.(Trp290ArgfsTer10)", "frameshift", (11, 12), None,
        "c.867_868insAGGA p.(Trp290ArgfsTer10)", "LAB"),
    Row("npm1_dup_c868_871", "NPM1", 171410547, "G", "GTGGA", "INS",
        "c.868_871dup", "p.(Arg291MetfsTer9)", "frameshift", (11, 12), None,
        "c.868_871dup p.(Arg291MetfsTer9)", "LAB"),
    # Deletion-insertions: E and F replace GGAGG (c.869-873) by nine bases.
    Row("npm1_type_E_delins", "NPM1", 171410549, "GGAGG", "CTCTTGCCC", "DELINS",
        "c.869_873delinsCTCTTGCCC", "p.(Trp290SerfsTer10)", "frameshift", (11, 12), None,
        "c.869_873delinsCTCTTGCCC p.(Trp290SerfsTer10)", "LAB; AHEM2022 type E"),
    Row("npm1_type_F_delins", "NPM1", 171410549, "GGAGG", "CCCTGGAGA", "DELINS",
        "c.869_873delinsCCCTGGAGA", "p.(Trp290SerfsTer10)", "frameshift", (11, 12), None,
        "c.869_873delinsCCCTGGAGA p.(Trp290SerfsTer10)", "LAB; AHEM2022 type F"),
    # In frame: AHEM2022 writes it as GGAGG -> GCTTCGCC (its "G"); the shared first G is not part
    # of the change, so c.870_873. Not an ELN "mutated NPM1" (no frameshift).
    Row("npm1_inframe_delins", "NPM1", 171410550, "GAGG", "CTTCGCC", "DELINS",
        "c.870_873delinsCTTCGCC", "p.(Trp290_Arg291delinsCysPheAla)", "inframe_delins", (11, 12),
        None, "c.870_873delinsCTTCGCC p.(Trp290_Arg291delinsCysPheAla)", "LAB; AHEM2022 type G"),
    Row("npm1_delins_c864", "NPM1", 171410544, "G", "CCGTT", "DELINS",
        "c.864delinsCCGTT", FRAMESHIFT_W288, "frameshift", (11, 12), None,
        "c.864delinsCCGTT p.(Trp288CysfsTer12)", "LAB"),
    Row("npm1_delins_c861_863", "NPM1", 171410541, "CTG", "ATGC", "DELINS",
        "c.861_863delinsATGC", "p.(Trp288CysfsTer11)", "frameshift", (11, 12), None,
        "c.861_863delinsATGC p.(Trp288CysfsTer11)", "LAB"),
    # --- FLT3 TKD (exon 20) and other point mutations
    Row("flt3_D835Y", "FLT3", 28018505, "C", "A", "SNV",
        "c.2503G>T", "p.(Asp835Tyr)", "missense", (20, 20), None,
        "c.2503G>T p.D835Y", "P2016: 1543244 (PD8466a; GRCh37 13:28592642 C>A); YAMAMOTO2001"),
    Row("flt3_D835V", "FLT3", 28018504, "T", "A", "SNV",
        "c.2504A>T", "p.(Asp835Val)", "missense", (20, 20), None,
        "c.2504A>T p.D835V", "P2016: 1543356 (PD9197a; GRCh37 13:28592641 T>A); YAMAMOTO2001"),
    Row("flt3_D835E", "FLT3", 28018503, "A", "C", "SNV",
        "c.2505T>G", "p.(Asp835Glu)", "missense", (20, 20), None,
        "c.2505T>G p.D835E", "P2016: 1543324 (PD11283a; GRCh37 13:28592640 A>C); YAMAMOTO2001"),
    Row("flt3_D835H", "FLT3", 28018505, "C", "G", "SNV",
        "c.2503G>C", "p.(Asp835His)", "missense", (20, 20), None,
        "p.D835H", "YAMAMOTO2001",
        why="published at protein level only; GAT (Asp835, c.2503-2505) becomes CAT (His) only by "
            "c.2503G>C"),
    Row("flt3_I836del", "FLT3", 28018497, "CATG", "C", "DEL",
        "c.2508_2510del", "p.(Ile836del)", "inframe_deletion", (20, 20), None,
        "c.2508_2510delCAT p.I836delI", "P2016: 1546208 (PD8550a; GRCh37 13:28592635-28592637 del)",
        why="HGVS no longer spells the deleted bases (c.2508_2510del); same position, 3'-most"),
    Row("flt3_D839G", "FLT3", 28018492, "T", "C", "SNV",
        "c.2516A>G", "p.(Asp839Gly)", "missense", (20, 20), None,
        "c.2516A>G p.D839G", "P2016: 1543492 (PD8335a; GRCh37 13:28592629 T>C)"),
    Row("flt3_N841I", "FLT3", 28018486, "T", "A", "SNV",
        "c.2522A>T", "p.(Asn841Ile)", "missense", (20, 20), None,
        "c.2522A>T p.N841I", "P2016: 1543426 (PD8407a; GRCh37 13:28592623 T>A)"),
    Row("flt3_N676K", "FLT3", 28028203, "G", "T", "SNV",
        "c.2028C>A", "p.(Asn676Lys)", "missense", (16, 16), None,
        "c.2028C>A p.N676K", "P2016: 1543216 (PD8020a; GRCh37 13:28602340 G>T)"),
    Row("flt3_V592D_jmd", "FLT3", 28034144, "A", "T", "SNV",
        "c.1775T>A", "p.(Val592Asp)", "missense", (14, 14), None,
        "c.1775T>A p.V592D", "P2016: 1543271 (PD8203a; GRCh37 13:28608281 A>T)"),
    Row("flt3_S451F_exon11", "FLT3", 28036001, "G", "A", "SNV",
        "c.1352C>T", "p.(Ser451Phe)", "missense", (11, 11), None,
        "c.1352C>T p.S451F", "P2016: 1543421 (PD7732a; GRCh37 13:28610138 G>A)"),
    # --- FLT3-ITDs published with HGVS names
    Row("flt3_itd_seraseq_42bp", "FLT3", 28034118, "G",
        "GATCATATTCATATTCTCTGAAATCAACGTAGAAGTACTCATT", "ITD",
        "c.1759_1800dup", "p.(Asn587_Asp600dup)", "inframe_duplication", (14, 14), None,
        "c.1799_1800insTAATGAGTACTTCTACGTTGATTTCAGAGAATATGAATATGA",
        "SERASEQ (the same ITD is also listed as c.1759_1800dup)",
        why="the inserted bases repeat c.1759-1800 and the 3' rule moves them one base on: a dup"),
    Row("flt3_itd_seraseq_33bp", "FLT3", 28034112, "A", "ATTTGAGATCATATTCATATTCTCTGAAAGCCCC",
        "ITD", "c.1806_1807insGGGGCTTTCAGAGAATATGAATATGATCTCAAA",
        "p.(Lys602_Trp603insGlyAlaPheArgGluTyrGluTyrAspLeuLys)", "inframe_insertion", (14, 14),
        None, "c.1806_1807insGGGGCTTTCAGAGAATATGAATATGATCTCAAA", "SERASEQ"),
    Row("flt3_itd_donor_dup_hgvs714", "FLT3", 28034078, "T", "TTACCAA", "ITD",
        "c.1835_1837+3dup", "p.?", "splice_region", (14, 14), 14,
        "c.1835_1837+3dup p.?", "HGVS714 (NM_004119.2; EXON mode: p.(Gly613_Lys614insIleGly))"),
    Row("flt3_itd_intron_ins_hgvs714", "FLT3", 28034060, "A",
        "ATTTGGCACATTCCATTCTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTCG", "ITD",
        "c.1837+21_1837+22insCGAGAGAATATGAATATGATCTCAAATGGGAGTTTCCAAGAGAAAATTTAGAGTTTGGTAAGAATGG"
        "AATGTGCCAAA", "p.?", "splice_region", (14, 14), 14,
        "c.1837+21_1837+22insCGAGAGAATATGAATATGATCTCAAATGGGAGTTTCCAAGAGAAAATTTAGAGTTTGGTAAGAATGG"
        "AATGTGCCAAA p.?", "HGVS714 (NM_004119.2; EXON mode: a 26-residue insertion after Lys614)"),
    # --- FLT3-ITDs published as GRCh37 sequence (Papaemmanuil 2016); names by current rules
    Row("flt3_itd_PD11045a", "FLT3", 28034123, "T", "TATTCATATTCTCTGA", "ITD",
        "c.1781_1795dup", "p.(Phe594_Glu598dup)", "inframe_duplication", (14, 14), None,
        "13:28608276 ins TTCATATTCTCTGAA", "P2016: PD11045a", why="published as sequence only"),
    Row("flt3_itd_PD10947a", "FLT3", 28034092, "A", "ATTTTCTCTTGGAAACTCC", "ITD",
        "c.1809_1826dup", "p.(Glu608_Asn609insLysGluPheProArgGlu)", "inframe_insertion", (14, 14),
        None, "13:28608247 ins TTTTCTCTTGGAAACTCC", "P2016: PD10947a",
        why="published as sequence only"),
    Row("flt3_itd_PD10802a", "FLT3", 28034125, "T", "TTCATATTCTCTGAAATCAACGTAG", "ITD",
        "c.1770_1793dup", "p.(Tyr597_Glu598insAspTyrValAspPheArgGluTyr)", "inframe_insertion",
        (14, 14), None, "13:28608286 ins TCATATTCTCTGAAATCAACGTAG", "P2016: PD10802a",
        why="published as sequence only"),
    # GGT of the published sequence is non-templated (column NTS): an insertion, not a dup.
    Row("flt3_itd_PD10942a_extra_bases", "FLT3", 28034137, "G", "GAAATCAACGTAGGGT", "ITD",
        "c.1781_1782insACCCTACGTTGATTT", "p.(Asp593_Phe594insLeuProTyrValAsp)", "inframe_insertion",
        (14, 14), None, "13:28608286 ins GGTAAATCAACGTAG", "P2016: PD10942a",
        why="published as sequence only"),
    # Copy of c.1795-1836, next to the exon end: the 3' rule stops at c.1836 (c.1837 G != T).
    Row("flt3_itd_PD10958a", "FLT3", 28034082, "C", "CAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATA",
        "ITD", "c.1795_1836dup", "p.(Tyr599_Phe612dup)", "inframe_duplication", (14, 14), None,
        "13:28608261 ins AAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATA", "P2016: PD10958a",
        why="published as sequence only"),
    Row("flt3_itd_PD10975a", "FLT3", 28034124, "A",
        "ATTCATATTCTCTGAAATCAACGTAGAAGTACTCATTATCTGAGGAGCCGGTCACCTGTACCATCTGTAGCTG", "ITD",
        "c.1723_1794dup", "p.(Gln575_Glu598dup)", "inframe_duplication", (14, 14), None,
        "13:28608333 ins TTCATATTCTCTGAAATCAACGTAGAAGTACTCATTATCTGAGGAGCCGGTCACCTGTACCATCTGTAGCTG",
        "P2016: PD10975a", why="published as sequence only"),
    Row("flt3_itd_PD10795a", "FLT3", 28034096, "T",
        "TCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAGTACTCATTATCTGAGGAGC", "ITD",
        "c.1748_1822dup", "p.(Gly583_Arg607dup)", "inframe_duplication", (14, 14), None,
        "13:28608309 ins TCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAGTACTCATTATCTGAGGAGCC",
        "P2016: PD10795a", why="published as sequence only"),
    # Exon end with extra bases (AGAT, column NTS): named at the border by the 3' rule, but the new
    # bases end with the exon's own last bases, so they also fit between two exon 14 bases: protein.
    Row("flt3_itd_PD10868a_exon_end_extra_bases", "FLT3", 28034081, "C",
        "CCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATAGAT", "ITD",
        "c.1837_1837+1insATCTATATGATCTCAAATGGGAGTTTCCAAGAGAAAATTTAGAGTTTG",
        "p.(Phe612_Gly613insAspLeuTyrAspLeuLysTrpGluPheProArgGluAsnLeuGluPhe)", "inframe_insertion",
        (14, 14), None, "13:28608262 ins AGATCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATAT",
        "P2016: PD10868a", why="published as sequence only"),
    # Copies running into intron 14 carry the donor GT (c.1837+1_1837+2) wherever they are put, so
    # the mutant has two donors: p.?. PD10812a (a copy of c.1781-c.1837+4, then AA, + strand TT)
    # is an insertion that slides across that GT; the others are duplications whose every copy
    # includes it.
    Row("flt3_itd_PD10812a_donor_extra_bases", "FLT3", 28034077, "C",
        "CTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGATT", "ITD",
        "c.1837+4_1837+5insAATCAGAGAATATGAATATGATCTCAAATGGGAGTTTCCAAGAGAAAATTTAGAGTTTGGTAA",
        "p.?", "splice_region", (14, 14), 14,
        "13:28608275 ins TTTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGA",
        "P2016: PD10812a", why="published as sequence only"),
    Row("flt3_itd_PD10895a_donor", "FLT3", 28034079, "T",
        "TACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAA", "ITD",
        "c.1780_1837+2dup", "p.?", "splice_region", (14, 14), 14,
        "13:28608277 ins CCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAA",
        "P2016: PD10895a", why="published as sequence only"),
    Row("flt3_itd_PD10905a_donor", "FLT3", 28034046, "A",
        "AATGCTGCAGAAACATTTGGCACATTCCATTCTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTC", "ITD",
        "c.1792_1837+35dup", "p.?", "splice_region", (14, 14), 14,
        "13:28608266 ins GCTGCAGAAACATTTGGCACATTCCATTCTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATA"
        "TTCAT", "P2016: PD10905a", why="published as sequence only"),
    # Copies spanning the whole of intron 14 (c.1837+1 to c.1838-1) and both of its splice sites.
    Row("flt3_itd_PD10853a_across_intron14", "FLT3", 28033989, "T",
        "TCCCTGCAAAGACAAATGGTGAGTACGTGCATTTTAAAGATTTTCCAATGGAAAAGAAATGCTGCAGAAACATTTGGCACATTCCATTC"
        "TTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAGTACTCATTATCT"
        "GAGGAGCCGGTCACCTGTAC", "ITD",
        "c.1735_1839dup", "p.?", "splice_region", (14, 14), 14,
        "13:28608322 ins CCTGCAAAGACAAATGGTGAGTACGTGCATTTTAAAGATTTTCCAATGGAAAAGAAATGCTGCAGAAACATTTGG"
        "CACATTCCATTCTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAG"
        "TACTCATTATCTGAGGAGCCGGTCACCTGTACC", "P2016: PD10853a", why="published as sequence only"),
    Row("flt3_itd_PD10881a_across_intron14", "FLT3", 28033945, "T",
        "TGTTGCGTTCATCACTTTTCCAAAAGCACCTGATCCTAGTACCTTCCCTGCAAAGACAAATGGTGAGTACGTGCATTTTAAAGATTTTC"
        "CAATGGAAAAGAAATGCTGCAGAAACATTTGGCACATTCCATTCTTACCAAACTCTAAATTTTCTCTTGGAAACTCCCATTTG",
        "ITD", "c.1803_1883dup", "p.?", "splice_region", (14, 14), 14,
        "13:28608253 ins GTTGCGTTCATCACTTTTCCAAAAGCACCTGATCCTAGTACCTTCCCTGCAAAGACAAATGGTGAGTACGTGC"
        "ATTTTAAAGATTTTCCAATGGAAAAGAAATGCTGCAGAAACATTTGGCACATTCCATTCTTACCAAACTCTAAATTTTCTCTTGGAA"
        "ACTCCCATTTG", "P2016: PD10881a", why="published as sequence only"),
    # --- Issue 11's exon-border shapes (constructed; see SOURCES["ISSUE11"])
    Row("flt3_itd_exon15_first_base", "FLT3", 28033976, "G", "GATCCTAGTACCTTCC", "ITD",
        "c.1838_1852dup", "p.(Gly617_Ser618insTrpLysValLeuGly)", "inframe_insertion", (15, 15),
        None, "", "ISSUE11: item 3", why="not published"),
    Row("flt3_itd_exon14_last_base", "FLT3", 28034080, "A", "ACCAAACTCTAAATTTTCTCTTGGAAACTCC",
        "ITD", "c.1809_1837+1dup", "p.(Glu604_Gly613dup)", "inframe_duplication", (14, 14), None,
        "", "ISSUE11: copy of c.1808-1837, which c.1837+1 (G) lets the 3' rule move one base on",
        why="not published"),
    Row("flt3_itd_exon14_donor_copy", "FLT3", 28034069, "A", "ATTCCATTCTTACCAAACTCTAAAT", "ITD",
        "c.1826_1837+12dup", "p.?", "splice_region", (14, 14), 14,
        "", "ISSUE11: item 4", why="not published"),
]

IDS = [row.id for row in TABLE]


def annotated_info(row: Row, workdir: Path) -> dict:
    """Write the row as a one-record VCF the way the caller does, annotate it, read INFO back."""
    variant = Variant(CHROM[row.gene], row.pos, row.ref, row.alt)
    unannotated = workdir / f"{row.id}.vcf"
    write_vcf([Call(variant, row.gene, row.vartype, 30, 600)], "S1", GENOME, unannotated)
    annotated = workdir / f"{row.id}.annotated.vcf.gz"
    annotate_vcf(unannotated, annotated, GENOME, TRANSCRIPTS)
    records = list(VCF(str(annotated)))
    assert len(records) == 1
    info = records[0].INFO
    return {key: info.get(key) for key in ("HGVSC", "HGVSP", "CONSEQUENCE", "EXON", "EXON_LEGACY",
                                           "INTRON")}


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_published_variant_is_named_as_expected(row, tmp_path):
    expected = {
        "HGVSC": f"{ACCESSION[row.gene]}:{row.hgvs_c}",
        "HGVSP": row.hgvs_p or None,
        "CONSEQUENCE": row.consequence,
        "EXON": row.exon[0] if row.exon else None,
        "EXON_LEGACY": row.exon[1] if row.exon else None,
        "INTRON": row.intron,
    }
    assert annotated_info(row, tmp_path) == expected


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_vcf_record_is_left_normalised_on_the_reference(row):
    variant = Variant(CHROM[row.gene], row.pos, row.ref, row.alt)
    assert GENOME.fetch(variant.chrom, row.pos, row.pos + len(row.ref) - 1) == row.ref
    assert left_normalise(variant, GENOME.fetch) == variant


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_every_difference_from_the_published_name_is_explained(row):
    # The published c. name is the expected one unless the row says why not, and a row that says
    # why really differs (so the table cannot hide a silent disagreement).
    published_c = row.published.split(" ")[0]
    assert (published_c == row.hgvs_c) == (row.why == ""), (published_c, row.hgvs_c, row.why)
    assert re.match(r"[A-Z0-9]+", row.source).group() in SOURCES


def _grch38_record(published: str) -> Variant:
    """GRCh37 record of Papaemmanuil 2016 ("13:pos REF>ALT", "13:pos ins SEQ" = SEQ after pos,
    or a deletion "13:first-last del") as the left-normalised GRCh38 VCF record."""
    location, kind = published.split(" ", 1)
    chrom, span = location.split(":")
    offset = GRCH37_TO_38[chrom]
    if kind.startswith("ins "):
        after = int(span) + offset
        base = GENOME.fetch("chr" + chrom, after, after)
        return left_normalise(Variant("chr" + chrom, after, base, base + kind[4:]), GENOME.fetch)
    if kind == "del":
        first, last = (int(x) + offset for x in span.split("-"))
        seq = GENOME.fetch("chr" + chrom, first - 1, last)
        return left_normalise(Variant("chr" + chrom, first - 1, seq, seq[0]), GENOME.fetch)
    ref, alt = kind.split(">")
    return Variant("chr" + chrom, int(span) + offset, ref, alt)


def _grch37_records() -> list[tuple[str, str]]:
    found = []
    for row in TABLE:
        if row.published[:3] == "13:":
            found.append((row.id, row.published))
        elif match := re.search(r"GRCh37 ([^)]*)\)", row.source):
            found.append((row.id, match.group(1)))
    return found


@pytest.mark.parametrize("row_id, published", _grch37_records(), ids=[r for r, _ in _grch37_records()])
def test_grch37_records_convert_to_the_vcf_rows(row_id, published):
    # Each Papaemmanuil 2016 record, moved to GRCh38 by the fixed offset and left-normalised, is
    # the row's VCF record: the offset is right and the ITD sequences are read the right way round.
    row = next(r for r in TABLE if r.id == row_id)
    assert _grch38_record(published) == Variant(CHROM[row.gene], row.pos, row.ref, row.alt)


def test_table_covers_what_the_issue_asks_for():
    consequences = {row.consequence for row in TABLE}
    assert len(TABLE) >= 30
    assert {"frameshift", "missense", "inframe_deletion", "inframe_duplication", "inframe_insertion",
            "inframe_delins", "splice_region"} <= consequences
    assert sum(row.vartype == "DELINS" for row in TABLE) >= 1
    assert sum(row.vartype == "ITD" for row in TABLE) >= 10
