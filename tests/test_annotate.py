"""The annotation step on a small VCF written the way the caller writes it: INFO fields, the FLT3
domain, and long ITDs as VCF 4.2 symbolic alleles that bcftools and cyvcf2 read cleanly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import EXONS, PYTHON, REFERENCE
from cyvcf2 import VCF

from npm1_flt3.annotate import annotate_vcf, symbolic_form
from npm1_flt3.caller import Call, write_vcf
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, tandem_duplication

GENOME = GenomeReference(REFERENCE)
TRANSCRIPTS = load_transcripts(EXONS)


def exon14(c: int) -> int:
    """GRCh38 position of FLT3 c.N in exon 14 (c.1705 = chr13:28034214, - strand; exons.tsv)."""
    return 28034214 - (c - 1705)


# Codons 591-600 (c.1771-c.1800, 30 bp) and 600-611 (c.1798-c.1833, 36 bp), as GRCh38 + strand
# ranges, and the same 30 bp with 3 non-templated bases.
ITD_JMD = tandem_duplication("chr13", exon14(1800), exon14(1771), GENOME.fetch)
ITD_JMD_TKD1 = tandem_duplication("chr13", exon14(1833), exon14(1798), GENOME.fetch)
ITD_EXTRA = tandem_duplication("chr13", exon14(1800), exon14(1771), GENOME.fetch, extra="CCC")
NPM1_A = Variant("chr5", 171410539, "C", "CTCTG")
D835Y = Variant("chr13", 28018505, "C", "A")


def calls() -> list[Call]:
    return [
        Call(NPM1_A, "NPM1", "INS", 40, 800),
        Call(ITD_JMD, "FLT3", "ITD", 60, 600, itd_ar=0.1429, itd_ar_ci=(0.11, 0.18)),
        Call(ITD_JMD_TKD1, "FLT3", "ITD", 30, 600),
        Call(ITD_EXTRA, "FLT3", "ITD", 20, 600, filters=["LowVAF"]),
        Call(D835Y, "FLT3", "SNV", 50, 1000),
    ]


@pytest.fixture(scope="module")
def unannotated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("annotate") / "S1.vcf"
    write_vcf(calls(), "S1", GENOME, path)
    return path


@pytest.fixture(scope="module")
def explicit(unannotated) -> Path:
    out = unannotated.with_name("S1.explicit.vcf.gz")
    annotate_vcf(unannotated, out, GENOME, TRANSCRIPTS)
    return out


@pytest.fixture(scope="module")
def symbolic(unannotated) -> Path:
    out = unannotated.with_name("S1.symbolic.vcf.gz")
    annotate_vcf(unannotated, out, GENOME, TRANSCRIPTS, symbolic_min_length=30)
    return out


def records(path: Path) -> dict:
    """cyvcf2 records keyed by their HGVS c."""
    vcf = VCF(str(path))
    found = {r.INFO["HGVSC"]: r for r in vcf}
    return found


def assert_bcftools_reads_cleanly(path: Path) -> str:
    result = subprocess.run(["bcftools", "view", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def test_explicit_output_is_indexed_and_read_without_a_warning(explicit):
    assert Path(str(explicit) + ".tbi").exists()
    assert_bcftools_reads_cleanly(explicit)


def test_every_record_has_hgvs_and_flt3_records_a_domain(explicit):
    found = records(explicit)
    assert set(found) == {
        "NM_002520.7:c.860_863dup", "NM_004119.3:c.1771_1800dup", "NM_004119.3:c.1798_1833dup",
        "NM_004119.3:c.2503G>T", found_extra(found),
    }
    domains = {hgvs_c: r.INFO.get("FLT3_DOMAIN") for hgvs_c, r in found.items()}
    assert domains["NM_002520.7:c.860_863dup"] is None
    assert domains["NM_004119.3:c.2503G>T"] == "TKD2"
    assert domains["NM_004119.3:c.1771_1800dup"] == "JMD"
    assert domains["NM_004119.3:c.1798_1833dup"] == "JMD-TKD1"
    assert domains[found_extra(found)] == "JMD"
    assert found["NM_004119.3:c.1798_1833dup"].INFO["HGVSP"] == "p.(Asp600_Glu611dup)"



def test_every_record_has_its_clinical_class_and_itds_their_insertion_site_domain(explicit):
    found = records(explicit)
    classes = {hgvs_c: r.INFO["CLASS"] for hgvs_c, r in found.items()}
    assert classes == {"NM_002520.7:c.860_863dup": "NPM1-mutated", "NM_004119.3:c.1771_1800dup": "FLT3-ITD",
                       "NM_004119.3:c.1798_1833dup": "FLT3-ITD", "NM_004119.3:c.2503G>T": "FLT3-TKD",
                       found_extra(found): "FLT3-ITD"}
    # Codons 600-611 copied in front of codon 612: JMD-TKD1 span, inserted in TKD1.
    assert found["NM_004119.3:c.1798_1833dup"].INFO["FLT3_INSERTION_DOMAIN"] == "TKD1"
    assert found["NM_004119.3:c.1771_1800dup"].INFO["FLT3_INSERTION_DOMAIN"] == "JMD"
    assert found["NM_004119.3:c.2503G>T"].INFO.get("FLT3_INSERTION_DOMAIN") is None
    assert found["NM_002520.7:c.860_863dup"].INFO["NPM1_TYPE"] == "A"


def found_extra(found: dict) -> str:
    """HGVS c. of the ITD with non-templated bases (named as an insertion, not a duplication)."""
    return next(k for k in found if k.startswith("NM_004119.3:c.") and "ins" in k)


def test_domain_and_symbolic_fields_are_declared(symbolic):
    header = subprocess.run(["bcftools", "view", "-h", str(symbolic)], capture_output=True, text=True,
                            check=True).stdout
    for field in ("FLT3_DOMAIN", "SVTYPE", "END", "SVLEN", "INSSEQ"):
        assert f"##INFO=<ID={field}," in header
    assert "##ALT=<ID=DUP:TANDEM," in header
    assert "##ALT=<ID=INS," in header


def test_default_never_writes_symbolic_alleles(explicit):
    header = subprocess.run(["bcftools", "view", "-h", str(explicit)], capture_output=True, text=True,
                            check=True).stdout
    assert "##ALT=" not in header and "SVTYPE" not in header
    assert all(not alt.startswith("<") for r in records(explicit).values() for alt in r.ALT)


def test_symbolic_output_is_read_without_a_warning(symbolic):
    assert Path(str(symbolic) + ".tbi").exists()
    body = [line for line in assert_bcftools_reads_cleanly(symbolic).splitlines() if not line.startswith("#")]
    assert sum("<DUP:TANDEM>" in line for line in body) == 2


def test_long_pure_itd_is_a_tandem_duplication_as_vcf42_defines_it(symbolic, explicit):
    """VCF 4.2: POS = the padding base before the event, END = last duplicated base,
    SVLEN = duplicated length (its example: POS 18665128, END=18665204, SVLEN=76)."""
    sym = records(symbolic)["NM_004119.3:c.1771_1800dup"]
    plain = records(explicit)["NM_004119.3:c.1771_1800dup"]
    assert sym.ALT == ["<DUP:TANDEM>"]
    # Duplicated bases: GRCh38 exon14(1800)..exon14(1771) = chr13:28034119-28034148.
    assert (sym.POS, sym.INFO["END"], sym.end) == (28034118, 28034148, 28034148)
    assert sym.INFO["SVTYPE"] == "DUP" and sym.INFO["SVLEN"] == 30
    assert sym.INFO["END"] - sym.POS == sym.INFO["SVLEN"]
    assert sym.REF == GENOME.fetch("chr13", 28034118, 28034118)
    # Nothing is lost: REF + INSSEQ is the explicit allele, and the annotation is the explicit one.
    assert (sym.POS, sym.REF, sym.REF + sym.INFO["INSSEQ"]) == (plain.POS, plain.REF, plain.ALT[0])
    for key in ("HGVSC", "HGVSP", "EXON", "CONSEQUENCE", "FLT3_DOMAIN", "VARLEN", "ITD_AR", "ITD_AR_CI"):
        assert sym.INFO[key] == plain.INFO[key], key
    assert sym.format("AD").tolist() == plain.format("AD").tolist()


def test_itd_spanning_into_tkd1_keeps_its_domain_when_symbolic(symbolic):
    sym = records(symbolic)["NM_004119.3:c.1798_1833dup"]
    assert sym.ALT == ["<DUP:TANDEM>"]
    assert (sym.POS, sym.INFO["END"], sym.INFO["SVLEN"]) == (exon14(1833) - 1, exon14(1798), 36)
    assert sym.INFO["FLT3_DOMAIN"] == "JMD-TKD1"


def test_itd_with_non_templated_bases_is_a_symbolic_insertion(symbolic, explicit):
    """Not a pure duplication, so not <DUP:TANDEM>: <INS> with END = POS (REF is one base) and
    SVLEN = the inserted length, as in the VCF 4.2 <INS:ME:L1> example; filters are kept."""
    found, plain_found = records(symbolic), records(explicit)
    sym, plain = found[found_extra(found)], plain_found[found_extra(plain_found)]
    assert sym.ALT == ["<INS>"]
    assert (sym.POS, sym.INFO["END"], sym.INFO["SVTYPE"], sym.INFO["SVLEN"]) == (plain.POS, plain.POS, "INS", 33)
    assert sym.REF + sym.INFO["INSSEQ"] == plain.ALT[0]
    assert sym.FILTER == "LowVAF"


def test_short_variants_stay_explicit(symbolic):
    found = records(symbolic)
    assert found["NM_002520.7:c.860_863dup"].ALT == ["CTCTG"]
    assert found["NM_004119.3:c.2503G>T"].ALT == ["A"]
    assert "SVTYPE" not in dict(found["NM_004119.3:c.2503G>T"].INFO)


def test_threshold_is_inclusive_and_applies_to_the_inserted_length(unannotated, tmp_path):
    out = tmp_path / "S1.vcf.gz"
    annotate_vcf(unannotated, out, GENOME, TRANSCRIPTS, symbolic_min_length=31)  # 30 bp stays explicit
    found = records(out)
    assert found["NM_004119.3:c.1771_1800dup"].ALT[0].startswith("G")
    assert found["NM_004119.3:c.1798_1833dup"].ALT == ["<DUP:TANDEM>"]
    assert found[found_extra(found)].ALT == ["<INS>"]  # 33 bp


def test_duplication_written_after_its_copy_moves_pos_to_the_padding_base():
    """The caller left-normalises (copy first), but a record with the copy after the original is
    the same duplication: its padding base is the base before the duplicated bases."""
    first, last = exon14(1800), exon14(1771)
    copy_after = Variant("chr13", last, GENOME.fetch("chr13", last, last),
                         GENOME.fetch("chr13", last, last) + GENOME.fetch("chr13", first, last))
    form = symbolic_form(copy_after, GENOME)
    assert (form["alt"], form["pos"], form["end"], form["svlen"]) == ("<DUP:TANDEM>", first - 1, last, 30)
    assert form["ref"] == GENOME.fetch("chr13", first - 1, first - 1)


def test_cli_option(unannotated, tmp_path):
    out = tmp_path / "cli.vcf.gz"
    subprocess.run(
        [PYTHON, "-m", "npm1_flt3", "annotate", "--vcf", str(unannotated), "--reference", str(REFERENCE),
         "--annotation", str(EXONS), "--out", str(out), "--symbolic-min-length", "30"],
        check=True, capture_output=True,
    )
    assert sum(r.ALT == ["<DUP:TANDEM>"] for r in records(out).values()) == 2
    assert_bcftools_reads_cleanly(out)
