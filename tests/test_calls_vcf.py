"""The VCF record model: what our VCFs declare is what the model defines, and every call reads
back as it was written, a long ITD in symbolic form included."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from conftest import EXONS, REFERENCE

from npm1_flt3.annotate import annotate_vcf
from npm1_flt3.background import SiteProfile, write_profile
from npm1_flt3.caller import Call, write_vcf
from npm1_flt3.calls_vcf import (
    ALL_FIELDS,
    ANNOTATION_HEADER,
    BACKGROUND_HEADER,
    CALLER_HEADER,
    CallRecord,
    header_lines,
    read_calls,
    read_sample_calls,
    unannotated_line,
)
from npm1_flt3.filtering import filter_vcf
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, tandem_duplication

GENOME = GenomeReference(REFERENCE)
TRANSCRIPTS = load_transcripts(EXONS)
# FLT3 c.1771_1800dup (30 bp, codons 591-600): chr13:28034119-28034148 on the + strand.
ITD = tandem_duplication("chr13", 28034119, 28034148, GENOME.fetch)


def calls() -> list[Call]:
    return [
        Call(Variant("chr5", 171410539, "C", "CTCTG"), "NPM1", "INS", 40, 800),
        Call(ITD, "FLT3", "ITD", 60, 600, itd_ar=0.1429, itd_ar_ci=(0.11, None)),
        Call(Variant("chr13", 28018505, "C", "A"), "FLT3", "SNV", 2, 1000, filters=["LowAltReads", "LowVAF"]),
    ]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> dict[str, Path]:
    """The caller's VCF, its batch-level filtering (one sample: the default background model), and
    the annotation of that with explicit and with symbolic long ITDs, as the workflow makes them."""
    folder = tmp_path_factory.mktemp("calls_vcf")
    unannotated = folder / "S1.vcf"
    write_vcf(calls(), "S1", GENOME, unannotated)
    profile = SiteProfile()
    for call in calls():
        v = call.variant
        profile.depth[v.chrom, v.pos] = (call.depth // 2, call.depth - call.depth // 2)
        profile.alleles[v.chrom, v.pos, v.ref, v.alt] = (call.alt_reads // 2, call.alt_reads - call.alt_reads // 2)
    write_profile(profile, folder / "S1.profile.tsv.gz")
    filtered = folder / "S1.filtered.vcf"
    filter_vcf(unannotated, filtered, folder / "S1.profile.tsv.gz", "P1", GENOME, None, None, background=True)
    explicit, symbolic = folder / "S1.explicit.vcf.gz", folder / "S1.symbolic.vcf.gz"
    annotate_vcf(filtered, explicit, GENOME, TRANSCRIPTS)
    annotate_vcf(filtered, symbolic, GENOME, TRANSCRIPTS, symbolic_min_length=30)
    return {"unannotated": unannotated, "filtered": filtered, "explicit": explicit, "symbolic": symbolic}


def declared(path: Path) -> set[tuple[str, str]]:
    """(section, ID) of every INFO, FORMAT, FILTER and ALT line of a VCF header."""
    with pysam.VariantFile(str(path)) as vcf:
        header = vcf.header
        return ({("INFO", key) for key in header.info} | {("FORMAT", key) for key in header.formats}
                | {("FILTER", key) for key in header.filters if key != "PASS"}  # pysam's implicit PASS
                | {("ALT", key) for key in header.alts})


def header_text(path: Path) -> list[str]:
    with pysam.VariantFile(str(path)) as vcf:
        return str(vcf.header).splitlines()


def model(fields) -> set[tuple[str, str]]:
    return {(field.section, field.id) for field in fields}


def test_the_caller_declares_exactly_the_caller_fields_with_the_model_lines(annotated):
    assert declared(annotated["unannotated"]) == model(CALLER_HEADER)
    assert set(header_lines(CALLER_HEADER)) <= set(header_text(annotated["unannotated"]))


def test_filtering_adds_exactly_the_background_fields(annotated):
    assert declared(annotated["filtered"]) == model(CALLER_HEADER + BACKGROUND_HEADER)


def test_annotation_adds_exactly_the_annotation_fields(annotated):
    assert declared(annotated["explicit"]) == model(CALLER_HEADER + BACKGROUND_HEADER + ANNOTATION_HEADER)


def test_symbolic_annotation_declares_every_field_the_model_defines_with_its_line(annotated):
    assert declared(annotated["symbolic"]) == model(ALL_FIELDS)
    assert set(header_lines(ALL_FIELDS)) <= set(header_text(annotated["symbolic"]))


def test_a_symbolic_tandem_duplication_reads_back_as_its_explicit_allele(annotated):
    with pysam.VariantFile(str(annotated["symbolic"])) as vcf:
        assert [record.alts[0] for record in vcf if record.info["VARTYPE"] == "ITD"] == ["<DUP:TANDEM>"]
    [itd] = [call for call in read_calls(annotated["symbolic"]) if call.vartype == "ITD"]
    assert (itd.pos, itd.ref, itd.alt) == (ITD.pos, ITD.ref, ITD.alt)
    # Nothing else differs from the explicit record either.
    assert sorted(read_calls(annotated["symbolic"]), key=str) == sorted(read_calls(annotated["explicit"]), key=str)


def test_an_annotated_call_carries_the_annotation(annotated):
    npm1 = next(call for call in read_calls(annotated["explicit"]) if call.gene == "NPM1")
    assert (npm1.hgvs_c, npm1.exon, npm1.exon_legacy, npm1.npm1_type, npm1.clinical_class) == \
        ("NM_002520.7:c.860_863dup", 11, 12, "A", "NPM1-mutated")
    assert (npm1.alt_reads, npm1.ref_reads, npm1.depth, npm1.vaf) == (40, 760, 800, 0.05)


def test_the_sample_name_comes_with_the_calls(annotated):
    sample, found = read_sample_calls(annotated["explicit"])
    assert sample == "S1" and len(found) == 3
    # Two reads of 1,000 at a C>A site are within the default model's background (one sample).
    assert [call.filter for call in found if not call.passed] == ["LowAltReads;LowVAF;ErrorBackground"]


def test_what_the_caller_writes_reads_back_as_the_same_call(tmp_path):
    written = CallRecord(chrom="chr13", pos=ITD.pos, ref=ITD.ref, alt=ITD.alt, filter="Unanchored",
                         gene="FLT3", vartype="ITD", varlen=30, ref_reads=300, alt_reads=100, depth=400,
                         vaf=0.25, vaf_ci=(0.2103, 0.2945), itd_ar=0.3333, itd_ar_ci=(0.2663, None))
    vcf = tmp_path / "S1.vcf"
    vcf.write_text("\n".join([
        "##fileformat=VCFv4.2", "##contig=<ID=chr13,length=114364328>", *header_lines(CALLER_HEADER),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1", unannotated_line(written),
    ]) + "\n")
    assert "ITD_AR_CI=0.2663,.\t" in vcf.read_text()  # an unbounded interval end is '.'
    assert list(read_calls(vcf)) == [written]
