"""Samples with UMIs in the workflow: reads become one consensus pair per molecule before calling,
MRD counts molecules, the family QC is written, and a UMI cut from the read sequence by fastp ends
up in the same place as one already in the read name."""

from __future__ import annotations

import gzip
import json
import subprocess

import pandas as pd
import pysam
import pytest

from conftest import PYTHON, REPO, run_workflow

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs


@pytest.fixture(scope="module")
def umi_set(tmp_path_factory):
    """The MRD benchmark's 'small' design: 2 patients, each a baseline at 40% and two follow-ups of
    2,000 duplex-UMI molecules per site (negatives, 1e-3 and 1e-2), UMIs in the read names."""
    target = tmp_path_factory.mktemp("umi_set") / "mrd"
    subprocess.run([PYTHON, "-m", "benchmarks.mrd", "--outdir", str(target.parent), "--design", "small",
                    "--jobs", "2"], check=True, capture_output=True, cwd=REPO)
    return target


@pytest.fixture(scope="module")
def umi_run(umi_set, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("umi_run")
    run_workflow(workdir, umi_set / "samples_umi.tsv")
    return workdir


def read_tsv(path):
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def test_every_umi_sample_has_its_family_qc(umi_set, umi_run):
    sheet = read_tsv(umi_set / "samples_umi.tsv")
    for sample in sheet["sample"]:
        qc = json.loads((umi_run / f"results/qc/umi/{sample}.families.json").read_text())
        assert qc["molecules_kept"] > 0 and qc["duplex_molecules"] > 0
        assert qc["molecules"] == qc["molecules_kept"] + qc["molecules_below_min_reads"]
        assert sum(qc["family_sizes"].values()) == qc["molecules"]


def test_the_sample_bam_holds_one_consensus_pair_per_molecule(umi_set, umi_run):
    sample = read_tsv(umi_set / "samples_umi.tsv")["sample"].iloc[0]
    with pysam.AlignmentFile(str(umi_run / f"results/alignment/{sample}.bam")) as bam:
        reads = [read for read in bam.fetch() if not read.is_secondary and not read.is_supplementary]
    assert reads and all(read.has_tag("cD") and read.has_tag("aD") and read.has_tag("bD") for read in reads)
    assert not any(read.is_duplicate for read in reads)  # families are molecules: nothing to mark
    qc = json.loads((umi_run / f"results/qc/umi/{sample}.families.json").read_text())
    assert len({read.query_name for read in reads}) == qc["molecules_kept"]


def test_mrd_counts_molecules_not_reads(umi_set, umi_run):
    mrd = read_tsv(umi_run / "results/cohort/mrd.tsv")
    truth = read_tsv(umi_set / "truth.tsv")
    assert set(mrd["count_unit"]) == {"molecules"}
    follow_ups = mrd[mrd["role"] == "follow-up"]
    # 2,000 molecules per site were simulated; a read-level count would be ~8 times more.
    for _, row in follow_ups.iterrows():
        assert 1000 <= int(row.depth) <= 2100, (row.sample, row.type, row.depth)
        assert row.genome_equivalents != ""  # the sheet gives the DNA input
    high = truth[(truth["level"] == "0.01") & (truth["role"] == "follow-up")]
    detected = follow_ups[follow_ups["mrd_status"].isin(["detected", "detected below LOQ"])]
    assert set(high["sample"]) <= set(detected["sample"])
    negatives = truth[(truth["level"] == "0") & (truth["role"] == "follow-up")]["sample"]
    assert not set(negatives) & set(detected["sample"])


def test_a_umi_at_the_start_of_the_reads_is_cut_by_fastp_and_collapsed_the_same_way(umi_set, tmp_path):
    # Move the name's dual UMI into the first 8 bases of each read, as an inline-UMI kit writes it.
    sheet = read_tsv(umi_set / "samples_umi.tsv")
    row = sheet.iloc[0]
    for mate, index in (("fq1", 0), ("fq2", 1)):
        with gzip.open(umi_set / row[mate], "rt") as source, gzip.open(tmp_path / f"inline_{mate}.fq.gz", "wt") as out:
            for header, sequence, plus, quality in zip(*[source] * 4):
                name, umi = header[1:].split()[0].rsplit(":", 1)
                inline = umi.split("-")[index]
                out.write(f"@{name}\n{inline}{sequence.strip()}\n+\n{'I' * len(inline)}{quality.strip()}\n")
    (tmp_path / "samples.tsv").write_text(
        "sample\tunit\tfq1\tfq2\tumi\n"
        f"inline\tL1\t{tmp_path / 'inline_fq1.fq.gz'}\t{tmp_path / 'inline_fq2.fq.gz'}\t8M+T 8M+T\n"
        f"named\tL1\t{umi_set / row.fq1}\t{umi_set / row.fq2}\tname\n")
    run_workflow(tmp_path, tmp_path / "samples.tsv", "--until", "samtools_merge_qc")
    inline = json.loads((tmp_path / "results/qc/umi/inline.families.json").read_text())
    named = json.loads((tmp_path / "results/qc/umi/named.families.json").read_text())
    assert inline["molecules_kept"] == pytest.approx(named["molecules_kept"], rel=0.02)
    assert inline["duplex_molecules"] == pytest.approx(named["duplex_molecules"], rel=0.02)
