"""Scale benchmark (benchmarks/scale.py): its sample sheet passes the workflow's sheet check and its
synthetic per-sample outputs are what the cohort command reads.

No timing or memory is asserted here: they are measured by the benchmark only.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys

import pytest
from cyvcf2 import VCF

from benchmarks import scale
from npm1_flt3.sheet import load_sheet, units_by_sample
from tests.conftest import SHARED
from tests.sim_files import read_tsv


def test_sheet_passes_the_sheet_check(tmp_path):
    rows = scale.sheet_rows(40)
    sheet = tmp_path / "samples.tsv"
    scale.write_sheet(rows, sheet)
    assert scale.write_fastqs(rows, tmp_path) == 2 * len(rows)
    units = load_sheet(sheet)  # raises SheetError listing every problem
    samples = units_by_sample(units)
    assert len(samples) == 40 and len(units) == 42  # samples 3 and 23 have two lanes
    assert [u.unit for u in samples["S00003"]] == ["L1", "L2"]
    assert all(u.paired for u in units)
    # Sample 1 of every ten is a relapse of sample 0's patient; the others are their own patients.
    relapse, diagnosis = samples["S00001"][0], samples["S00000"][0]
    assert (relapse.patient, relapse.timepoint) == (diagnosis.patient, "relapse")
    assert len({u.patient for u in units}) == 36
    assert {u.assay for u in units} == {"capture", "amplicon", "exome"}
    with gzip.open(units[0].fq2, "rt") as handle:
        name, seq, plus, qual = handle.read().splitlines()
    assert name.startswith("@S00000.L1:1 2:") and plus == "+" and len(seq) == len(qual)


def test_job_count_reads_the_job_stats_table():
    text = "Job stats:\njob      count\n-----  -------\nfastp        3\nall          1\ntotal        4\n"
    assert scale.job_count("Building DAG of jobs...\n" + text + "\nReasons:\n") == (4, {"fastp": 3, "all": 1})
    assert scale.job_count("nothing") == (None, {})


@pytest.mark.shared
def test_synthetic_cohort_is_read_by_the_cohort_command(tmp_path):
    n = 20  # every kind of sample at least once (kind_of cycles through all 20 slots)
    assert {scale.kind_of(i) for i in range(n)} == set(scale.KIND_WEIGHTS)
    assert scale.prepare_cohort_inputs(tmp_path, n, SHARED) is False
    assert scale.prepare_cohort_inputs(tmp_path, n, SHARED) is True  # cached
    assert scale.prepare_cohort_inputs(tmp_path, n - 5, SHARED) is True  # a smaller cohort: the first n - 5
    calls = tmp_path / "results" / "calls"
    for i in (0, 19):
        name = scale.sample_name(i)
        assert (calls / f"{name}.vcf.gz.tbi").exists()
        assert VCF(str(calls / f"{name}.vcf.gz")).samples == [name]
        assert {row["sample"] for row in read_tsv(calls / f"{name}.hotspots.tsv")} == {name}
    scale.write_cohort_manifest(n, tmp_path / "out" / "manifest.tsv")
    command = scale.cohort_command("out/manifest.tsv", "out")
    env = {**os.environ, **scale.cohort_env()}
    subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, env=env, check=True)

    cohort = read_tsv(tmp_path / "out" / "cohort.tsv")
    assert [row["sample"] for row in cohort] == [scale.sample_name(i) for i in range(n)]
    # Sample 1 of every ten is the relapse of sample 0's patient (the sheet's metadata, via the manifest).
    assert [(row["patient"], row["timepoint"], row["role"]) for row in cohort[:2]] == \
        [("P00001", "diagnosis", "baseline"), ("P00001", "relapse", "follow-up")]
    by_kind = {scale.kind_of(i): row for i, row in enumerate(cohort)}
    assert (by_kind["npm1_B"]["npm1_status"], by_kind["npm1_B"]["npm1_type"]) == ("mutated", "B")
    assert by_kind["itd_two_clones"]["flt3_itd_count"] == "2"
    assert by_kind["tkd"]["flt3_tkd_hgvs_p"] == "p.(Asp835Tyr)"
    statuses = ("npm1_status", "flt3_itd_status", "flt3_tkd_status", "qc_status")
    assert [by_kind["wild_type"][k] for k in statuses] == ["wild-type", "absent", "absent", "pass"]
    assert [by_kind["no_call"][k] for k in statuses] == ["no-call", "no-call", "no-call", "fail"]
    assert [by_kind["partial_amplicon_itd"][k] for k in statuses] == ["wild-type", "present", "no-call", "warn"]
    variants = read_tsv(tmp_path / "out" / "variants.tsv")
    assert {v["filter"] for v in variants} >= {"PASS", "LowAltReads"}


def test_the_rule_command_line_limit_is_real(tmp_path):
    # Snakemake runs a rule's shell command as one argument of bash -c; Linux refuses one over
    # 128 KiB. That is why the cohort rule reads its sample files from the sample manifest.
    assert scale.shell_string_accepted("echo " + "x" * 1000, tmp_path) == (True, "")
    accepted, error = scale.shell_string_accepted("echo " + "x" * scale.MAX_ARG_STRLEN, tmp_path)
    assert not accepted and "too long" in error
    rule = scale.rule_shell_string(scale.cohort_command("results/samples/manifest.tsv", "results/cohort"))
    assert len(rule) < 1000


def test_memory_growth_per_table_mb():
    sizes = [{"samples": 1000, "max_rss_mb": 130.0, "tables_mb": 0.5},
             {"samples": 10000, "max_rss_mb": 150.0, "tables_mb": 4.5}]
    assert scale.memory_growth(sizes) == {"from_samples": 1000, "to_samples": 10000, "rss_mb": 20.0,
                                          "tables_mb": 4.0, "rss_per_table_mb": 5.0}
    assert scale.memory_growth(sizes[:1])["rss_per_table_mb"] is None


def test_cluster_jobs_are_counted_per_sample_from_the_dry_run_job_list():
    listing = "\n".join([
        "rule fastp_bwa_mem:", "    jobid: 3", "    wildcards: sample=S00001, unit=L1",
        "rule fastp_bwa_mem:", "    wildcards: sample=S00001, unit=L2",
        "rule npm1_flt3_call:", "    wildcards: sample=S00001",
        "localrule tool_version:", "    wildcards: tool=bwa",
        "localrule sample_manifest:",
        "rule bwa_index:",
        "rule npm1_flt3_call:", "    wildcards: sample=S00002",
    ])
    assert scale.cluster_jobs_per_sample(listing) == {"S00001": 3, "S00002": 1}
