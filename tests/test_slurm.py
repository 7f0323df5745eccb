"""The workflow on a real SLURM cluster, the way README's "Running on SLURM" tells users to run it.

A one-node cluster on this machine (scripts/slurm_test_cluster.sh: slurmctld + slurmd + munge, no
accounting, so job states come from squeue) runs the demo cohort through profiles/slurm. What is
promised: every job that is not a local rule goes through sbatch, the run finishes, and its results
are the ones a local run gives.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import EXONS, REFERENCE, REPO, SNAKEMAKE

# The SLURM tier: installs Debian packages and writes /etc/slurm (scripts/slurm_test_cluster.sh), so
# it runs only when asked (pytest --slurm, or CI set; tests/conftest.py), deselected otherwise.
pytestmark = pytest.mark.slurm

SAMPLES = [f"S{i:02d}" for i in range(1, 12)]
FOLLOWED = ["S06", "S10", "S11"]  # patient P06: MRD tracking jobs
CLUSTER_SCRIPT = REPO / "scripts" / "slurm_test_cluster.sh"
# Rules that run once per sample (or lane) and must reach SLURM, not the submit host.
PER_SAMPLE_RULES = ["fastp_bwa_mem", "samtools_merge_qc", "npm1_flt3_call"]
MAX_JOBS_PER_SAMPLE = 6  # issue 12: a cluster sees at most 6 submissions per sample
RUN_TIMEOUT = 1200  # seconds; a healthy run takes a few minutes, a lost job would hang forever


@pytest.fixture(scope="module")
def slurm_cluster() -> dict:
    """A usable SLURM cluster: started here (or found running). Never skipped: a machine that
    cannot run it fails with the script's reason."""
    result = subprocess.run(["bash", str(CLUSTER_SCRIPT), "start"], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(
            f"{CLUSTER_SCRIPT.name} start failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    cpus, memory = subprocess.run(
        ["sinfo", "-h", "-N", "-o", "%c %m"], capture_output=True, text=True, check=True
    ).stdout.split()[:2]
    return {"cpus": int(cpus), "mem_mb": int(memory)}


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, demo_dir, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The demo cohort through profiles/slurm, in its own working folder (like run_workflow in
    conftest, plus a time limit: a job that SLURM loses must fail the test, not hang CI)."""
    workdir = tmp_path_factory.mktemp("slurm_run")
    config_file = workdir / "config.yaml"
    config_file.write_text(yaml.safe_dump(
        {"samples": str(demo_dir / "samples.tsv"), "reference": str(REFERENCE), "annotation": str(EXONS)}
    ))
    command = [
        SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
        "--configfile", str(config_file), "--profile", str(REPO / "profiles" / "slurm"),
        # This cluster has no accounting database (no sacct) and no accounts.
        "--slurm-status-command", "squeue", "--slurm-no-account",
        # Keep every job's SLURM log: the evidence that the job went through sbatch.
        "--slurm-keep-successful-logs",
        # Demo jobs last seconds: ask SLURM often instead of every 40 s (the plugin's default).
        "--slurm-init-seconds-before-status-checks", "3", "--seconds-between-status-checks", "3",
        # Nothing is slow to appear on a local disk.
        "--latency-wait", "5",
        # One thread per job: demo jobs are tiny, and on a small test node single-threaded jobs
        # run side by side instead of one after the other (each job costs seconds of Snakemake
        # start-up, whatever its size).
        "--max-threads", "1",
        # No job may ask for more memory than the node has (bwa_mem asks 8 GB; CI machines may
        # have less); a real cluster has nodes that big.
        "--resources", f"mem_mb={slurm_cluster['mem_mb']}",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        log = error.stderr.decode(errors="replace") if isinstance(error.stderr, bytes) else error.stderr or ""
        run_id = re.search(r"SLURM run ID: (\S+)", log)
        if run_id:  # Snakemake was killed: cancel the jobs it left in the queue
            subprocess.run(["scancel", "--name", run_id.group(1)], check=False)
        pytest.fail(f"the SLURM run did not finish in {RUN_TIMEOUT} s:\n{log[-5000:]}", pytrace=False)
    return result, workdir


def test_the_run_succeeds(slurm_run):
    """Snakemake exits 0 with every job done."""
    result, _ = slurm_run
    assert result.returncode == 0, f"snakemake failed ({result.returncode}):\n{result.stderr[-8000:]}"
    assert "(100%) done" in result.stderr


def test_final_outputs_exist(slurm_run):
    """The cohort table, the QC report and a VCF per sample are written."""
    _, workdir = slurm_run
    expected = ["results/cohort/cohort.tsv", "results/cohort/mrd.tsv", "results/mrd/P06.trajectory.svg",
                "results/qc/multiqc_report.html"]
    expected += [f"results/calls/{sample}.vcf.gz" for sample in SAMPLES]
    missing = [path for path in expected if not (workdir / path).is_file()]
    assert not missing, f"missing outputs: {missing}"


def test_per_sample_jobs_went_through_sbatch(slurm_run):
    """Each per-sample job was submitted with sbatch and ran as a SLURM job: Snakemake reports its
    SLURM job id, and SLURM wrote the job's log (the job step ran Snakemake's slurm-jobstep)."""
    result, workdir = slurm_run
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+) \(log: (\S+)\)", result.stderr)
    assert submitted, "no job was submitted to SLURM"
    logs = workdir / ".snakemake" / "slurm_logs"
    for rule in [*PER_SAMPLE_RULES, "npm1_flt3_track"]:
        rule_logs = sorted((logs / f"rule_{rule}").glob("*/*.log"))
        samples = {log.parent.name.split("_")[0] for log in rule_logs}
        expected = FOLLOWED if rule == "npm1_flt3_track" else SAMPLES
        assert samples == set(expected), f"{rule}: SLURM logs for {sorted(samples)}"
        for log in rule_logs:
            assert any(log.name == f"{job_id}.log" for job_id, _ in submitted), f"{log} has no SLURM job id"
            assert "--executor slurm-jobstep" in log.read_text(), f"{log} is not a SLURM job step"


def test_a_sample_is_at_most_six_cluster_jobs(slurm_run):
    """Counted from SLURM's own job logs: every submitted job of a sample (one per lane for the
    alignment), and no more than six for any sample, the two-lane ones included."""
    _, workdir = slurm_run
    jobs_per_sample: dict[str, int] = {}
    for log in (workdir / ".snakemake" / "slurm_logs").glob("rule_*/*/*.log"):
        sample = log.parent.name.split("_")[0]
        if sample in SAMPLES:
            jobs_per_sample[sample] = jobs_per_sample.get(sample, 0) + 1
    assert set(jobs_per_sample) == set(SAMPLES)
    assert max(jobs_per_sample.values()) <= MAX_JOBS_PER_SAMPLE, jobs_per_sample


def test_slurm_reports_the_jobs_completed(slurm_run):
    """SLURM itself lists the run's jobs (those younger than MinJobAge) as COMPLETED, each one
    named after its rule and wildcards."""
    result, _ = slurm_run
    run_id = re.search(r"SLURM run ID: (\S+)", result.stderr).group(1)
    listed = subprocess.run(
        ["squeue", "-h", "--states=all", "--name", run_id, "-o", "%i|%T|%k"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert listed, "squeue lists none of this run's jobs"
    for line in listed:
        job_id, state, comment = line.split("|")
        assert state == "COMPLETED", line
        assert comment.startswith("rule_"), line


def test_cohort_table_matches_a_local_run(slurm_run, demo_run):
    """SLURM changes where jobs run, not what they compute: the cohort table is the one a local
    run of the same demo gives."""
    _, workdir = slurm_run

    def table(folder):
        return pd.read_csv(folder / "results/cohort/cohort.tsv", sep="\t", dtype=str, keep_default_na=False)

    pd.testing.assert_frame_equal(table(workdir), table(demo_run))
