"""Retries get more memory only after an out-of-memory kill (npm1_flt3/resources.py)."""

import os

from npm1_flt3.resources import job_log_folder, memory_mb

OOM_LOG = "slurmstepd: error: Detected 1 oom_kill event in StepId=42.batch. Some of the step tasks have been OOM Killed.\n"
OTHER_LOG = "samtools: failed to read header from input.bam\n"


def fail(root, rule, wildcards, jobid, text):
    folder = job_log_folder(rule, wildcards, root)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{jobid}.log").write_text(text)


def test_first_attempt_asks_for_the_rules_memory(tmp_path):
    assert memory_mb("bwa_mem", 8000, tmp_path)(["S01", "L1"], 1) == 8000


def test_memory_doubles_after_each_out_of_memory_kill(tmp_path):
    mem_mb = memory_mb("bwa_mem", 8000, tmp_path)
    fail(tmp_path, "bwa_mem", ["S01", "L1"], 101, OOM_LOG)
    assert mem_mb(["S01", "L1"], 2) == 16000
    fail(tmp_path, "bwa_mem", ["S01", "L1"], 102, OOM_LOG)
    assert mem_mb(["S01", "L1"], 3) == 32000


def test_kills_from_earlier_runs_do_not_count(tmp_path):
    # SLURM logs of failed jobs are kept for days: only the last attempt - 1 logs are this run's.
    fail(tmp_path, "bwa_mem", ["S01", "L1"], 90, OOM_LOG)
    os.utime(job_log_folder("bwa_mem", ["S01", "L1"], tmp_path) / "90.log", (1, 1))  # last week
    fail(tmp_path, "bwa_mem", ["S01", "L1"], 101, OTHER_LOG)
    assert memory_mb("bwa_mem", 8000, tmp_path)(["S01", "L1"], 2) == 8000


def test_other_failures_retry_with_the_same_memory(tmp_path):
    fail(tmp_path, "bwa_mem", ["S01", "L1"], 101, OTHER_LOG)
    assert memory_mb("bwa_mem", 8000, tmp_path)(["S01", "L1"], 2) == 8000


def test_only_this_jobs_kills_count(tmp_path):
    fail(tmp_path, "bwa_mem", ["S02", "L1"], 101, OOM_LOG)  # another sample
    fail(tmp_path, "npm1_flt3_call", ["S01"], 102, OOM_LOG)  # another rule
    assert memory_mb("bwa_mem", 8000, tmp_path)(["S01", "L1"], 2) == 8000


def test_log_folders_follow_the_slurm_plugins_naming(tmp_path):
    # snakemake-executor-plugin-slurm: wildcard values joined by "_", "/" replaced by "_".
    assert job_log_folder("bwa_mem", ["S01", "L1"], tmp_path) == tmp_path / "rule_bwa_mem" / "S01_L1"
    assert job_log_folder("multiqc", [], tmp_path) == tmp_path / "rule_multiqc" / ""
