"""RNA samples (assay rna) through the same Snakefile: reads crossing exon junctions are aligned
across them, the planted alleles come out exactly, their fractions are transcript fractions near
the realised ones, and a wild-type RNA sample has no PASS call. Accuracy targets over many samples
are the RNA benchmark's (benchmarks/rna.py, RESULTS.md); this is the small design as a gate."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pysam
import pytest

from conftest import PYTHON, REPO, run_workflow

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs

# A transcript fraction is measured on a few hundred fragments: a sane one is this close to the
# fraction the reads hold (the benchmark's target, 0.05, is measured over 140 samples).
SANE_FRACTION_ERROR = 0.08
INTRON_14 = 90  # bases of FLT3 intron 14, inside the genomic form of an ITD across exons 14/15


@pytest.fixture(scope="module")
def rna_set(tmp_path_factory):
    """The RNA benchmark's small design: 2x100 samples with NPM1 A/B/D and ITDs of 30, 150 (across
    the exon 14/15 junction) and 15 bp at 25%, 10% and 5%, a 2x50 sample with NPM1 A and a 60-bp
    junction ITD at 50%, and a wild-type sample, with pre-mRNA and genomic reads mixed in."""
    target = tmp_path_factory.mktemp("rna_set")
    subprocess.run([PYTHON, "-m", "benchmarks.rna", "--outdir", str(target), "--design", "small", "--jobs", "2"],
                   check=True, capture_output=True, cwd=REPO)
    return target / "rna"


@pytest.fixture(scope="module")
def rna_run(rna_set, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("rna_run")
    run_workflow(workdir, rna_set / "samples.tsv")
    return workdir


def read_tsv(path):
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def passed_calls(run, sample):
    variants = read_tsv(run / "results/cohort/variants.tsv")
    return variants[(variants["sample"] == sample) & (variants["filter"] == "PASS")]


def test_every_planted_allele_is_called_exactly_with_a_sane_transcript_fraction(rna_set, rna_run):
    truth = read_tsv(rna_set / "truth.tsv")
    assert len(truth) == 8
    for _, planted in truth.iterrows():
        calls = passed_calls(rna_run, planted["sample"])
        match = calls[calls["hgvs_c"] == planted["hgvs_c"]]
        assert len(match) == 1, (planted["sample"], planted["hgvs_c"], list(calls["hgvs_c"]))
        call = match.iloc[0]
        if planted["pos"]:  # duplicated or inserted bases in one exon: the VCF allele too
            assert (call.chrom, call.pos, call.ref, call.alt) == (planted.chrom, planted.pos, planted.ref, planted.alt)
        error = abs(float(call.vaf) - float(planted["realised_fraction"]))
        assert error <= SANE_FRACTION_ERROR, (planted["sample"], planted["hgvs_c"], call.vaf, planted["realised_fraction"])
        assert call.vaf_source == "rna"


def test_an_itd_across_the_exon_junction_is_the_genomic_duplication_it_is_spliced_from(rna_set, rna_run):
    truth = read_tsv(rna_set / "truth.tsv")
    across = truth[truth["spans_junction"] == "yes"]
    assert len(across) == 2
    for _, planted in across.iterrows():
        call = passed_calls(rna_run, planted["sample"]).set_index("hgvs_c").loc[planted["hgvs_c"]]
        # The same HGVS c. name; the VCF allele copies the whole of intron 14 with the exon bases.
        assert int(call["length"]) == int(planted["length"]) + INTRON_14
        assert call["type"] == "ITD"


def test_a_wild_type_rna_sample_has_no_pass_call(rna_set, rna_run):
    info = read_tsv(rna_set / "samples_info.tsv")
    wild_types = info[info["role"] == "wildtype"]["sample"]
    assert len(wild_types) == 1
    for sample in wild_types:
        assert passed_calls(rna_run, sample).empty
        row = read_tsv(rna_run / "results/cohort/cohort.tsv").set_index("sample").loc[sample]
        assert (row.npm1_status, row.flt3_itd_status) == ("wild-type", "absent")


def test_junction_reads_are_aligned_across_the_junction_and_duplicates_are_kept(rna_set, rna_run):
    sample = read_tsv(rna_set / "samples.tsv")["sample"].iloc[0]
    with pysam.AlignmentFile(str(rna_run / f"results/alignment/{sample}.bam")) as bam:
        reads = [read for read in bam.fetch() if not read.is_secondary and not read.is_supplementary]
    spliced = [read for read in reads if any(op == 3 for op, _ in read.cigartuples)]
    assert len(spliced) > 0.1 * len(reads)  # 250-bp fragments of exons of 80-180 bp cross junctions
    assert not any(read.is_duplicate for read in reads)
    fastp = json.loads((rna_run / f"results/qc/fastp_rna/{sample}/L1.fastp.json").read_text())
    assert fastp["summary"]["before_filtering"]["total_reads"] > 0


def test_rna_rows_say_transcript_fraction_and_give_no_eln_2017_ar(rna_set, rna_run):
    cohort = read_tsv(rna_run / "results/cohort/cohort.tsv")
    assert set(cohort["vaf_source"]) == {"rna"} and set(cohort["assay"]) == {"rna"}
    with_itd = cohort[cohort["flt3_itd_status"] == "present"]
    assert len(with_itd) == 4
    assert set(with_itd["flt3_itd_total_ar"]) == {""} and set(with_itd["flt3_itd_largest_clone_ar"]) == {""}
    assert set(with_itd["eln2017_npm1_flt3_component"]) == {"no-call"}
    assert set(with_itd["eln2022_npm1_flt3_component"]) == {"intermediate"}
    assert all("no ELN 2017 allelic ratio" in note for note in with_itd["eln_note"])


def test_an_rna_bam_realigned_goes_through_the_same_passes_and_gives_the_same_calls(rna_set, rna_run, tmp_path):
    # An earlier run's BAM of an RNA sample, realigned (realign_alignments: true): its reads are
    # aligned again to the exon contigs and the genome (rule realign_alignment_rna).
    truth = read_tsv(rna_set / "truth.tsv")
    sample = truth["sample"].iloc[0]
    sheet = tmp_path / "samples.tsv"
    bam = rna_run / f"results/alignment/{sample}.bam"
    sheet.write_text(f"sample\tunit\tfq1\tfq2\tbam\tassay\nagain\tL1\t\t\t{bam}\trna\n")
    run_workflow(tmp_path, sheet, realign_alignments=True)
    assert (tmp_path / "logs/realign_alignment_rna/again/L1.log").exists()
    before = passed_calls(rna_run, sample).set_index("hgvs_c")
    after = passed_calls(tmp_path, "again").set_index("hgvs_c")
    assert set(after.index) == set(before.index) == set(truth[truth["sample"] == sample]["hgvs_c"])
    for name in after.index:
        assert abs(int(after.loc[name, "alt_reads"]) - int(before.loc[name, "alt_reads"])) <= 2
