"""Reprocessing many batches safely.

Batches combine into one cohort table without re-calling anything; a sample added to a batch is
the only one processed on the next run; a failing sample does not cost the others their results
(--keep-going); an interrupted run resumes and finishes cleanly. The batches re-call the demo's
BAMs (sheet column bam), which keeps these runs short.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pandas as pd
import pytest

from conftest import PYTHON, REPO, SNAKEMAKE, run_workflow

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs


def write_sheet(folder, bams: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "samples.tsv"
    lines = ["sample\tunit\tfq1\tfq2\tpatient\ttimepoint\tassay\tbam"]
    lines += [f"{sample}\tL1\t\t\t{sample}\tdiagnosis\tcapture\t{bam}" for sample, bam in bams.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def demo_bams(demo_run):
    return {s: str(demo_run / f"results/alignment/{s}.bam") for s in ("S01", "S02", "S04", "S05", "S06")}


def planned_rules(workdir, sheet) -> dict[str, int]:
    """Rule -> job count that a dry run plans (Snakemake's job-stats table)."""
    out = run_workflow(workdir, sheet, "--dry-run").stdout
    counts, in_table = {}, False
    for line in out.splitlines():
        words = line.split()
        if words[:2] == ["job", "count"]:
            in_table = True
        elif in_table and len(words) == 2 and words[1].isdigit():
            counts[words[0]] = int(words[1])
        elif in_table and counts and not words:
            break
    return counts


def test_batches_combine_into_one_cohort_table_without_recalling(demo_bams, tmp_path):
    first, second = tmp_path / "batch1", tmp_path / "batch2"
    run_workflow(first, write_sheet(first, {s: demo_bams[s] for s in ("S01", "S04")}))
    run_workflow(second, write_sheet(second, {s: demo_bams[s] for s in ("S05", "S06")}))
    before = {p: p.stat().st_mtime_ns for p in tmp_path.glob("batch*/results/calls/*.vcf.gz")}
    subprocess.run([PYTHON, "-m", "npm1_flt3", "combine-batches", str(first), str(second),
                    "--outdir", str(tmp_path / "all")], check=True, cwd=REPO)
    combined = pd.read_csv(tmp_path / "all/cohort.tsv", sep="\t")
    assert list(combined["sample"]) == ["S01", "S04", "S05", "S06"]
    assert list(combined["batch"]) == [str(first)] * 2 + [str(second)] * 2
    one = pd.read_csv(first / "results/cohort/cohort.tsv", sep="\t")
    pd.testing.assert_frame_equal(combined.iloc[:2].drop(columns="batch").reset_index(drop=True), one,
                                  check_dtype=False)
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing was re-called


def test_a_sample_in_two_batches_is_refused(demo_bams, tmp_path):
    first, second = tmp_path / "batch1", tmp_path / "batch2"
    run_workflow(first, write_sheet(first, {"S05": demo_bams["S05"]}))
    run_workflow(second, write_sheet(second, {"S05": demo_bams["S05"]}))
    done = subprocess.run([PYTHON, "-m", "npm1_flt3", "combine-batches", str(first), str(second),
                           "--outdir", str(tmp_path / "all")], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 1
    assert "sample 'S05' is in both" in done.stderr
    assert not (tmp_path / "all/cohort.tsv").exists()


def test_adding_a_sample_aligns_and_calls_only_the_new_one(demo_bams, tmp_path):
    run_workflow(tmp_path, write_sheet(tmp_path, {"S01": demo_bams["S01"]}))
    called = (tmp_path / "results/calls/S01.candidates.vcf").stat().st_mtime_ns
    sheet = write_sheet(tmp_path, {"S01": demo_bams["S01"], "S02": demo_bams["S02"]})
    planned = planned_rules(tmp_path, sheet)
    assert planned["npm1_flt3_call"] == 1 and planned["import_alignment"] == 1  # S02 only
    # The batch's error background now has S02 in it: every sample is filtered against it again
    # (a second per sample), nothing is aligned or called again.
    assert planned["npm1_flt3_background"] == 1 and planned["npm1_flt3_annotate"] == 2
    run_workflow(tmp_path, sheet)
    assert (tmp_path / "results/calls/S01.candidates.vcf").stat().st_mtime_ns == called
    assert len(pd.read_csv(tmp_path / "results/cohort/cohort.tsv", sep="\t")) == 2


def test_a_failing_sample_does_not_lose_the_others(demo_bams, tmp_path):
    broken = tmp_path / "broken.bam"
    broken.write_bytes(open(demo_bams["S02"], "rb").read()[:5000])  # truncated copy
    sheet = write_sheet(tmp_path, {"S01": demo_bams["S01"], "S02": str(broken)})
    result = run_workflow(tmp_path, sheet, "--keep-going", check=False)
    assert result.returncode != 0
    # S01 is aligned and called; its final VCF waits for the batch's error background, which needs
    # every sample: a fixed (or removed) S02 then costs S02's jobs and the batch steps only.
    assert (tmp_path / "results/calls/S01.candidates.vcf").exists()
    assert (tmp_path / "results/calls/S01.profile.tsv.gz").exists()
    assert not (tmp_path / "results/calls/S02.vcf.gz").exists()
    assert not (tmp_path / "results/cohort/cohort.tsv").exists()  # never a cohort missing a sample
    sheet = write_sheet(tmp_path, {"S01": demo_bams["S01"]})
    planned = planned_rules(tmp_path, sheet)
    assert "npm1_flt3_call" not in planned and "import_alignment" not in planned


def test_an_interrupted_run_resumes_cleanly(demo_bams, tmp_path):
    sheet = write_sheet(tmp_path, {s: demo_bams[s] for s in ("S01", "S02", "S04", "S05")})
    config = tmp_path / "config.yaml"
    run_workflow(tmp_path, sheet, "--dry-run")  # writes config.yaml the way every run does
    command = [SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(tmp_path),
               "--configfile", str(config), "--cores", "2"]
    runner = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob("results/alignment/*.bam")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(runner.pid, signal.SIGKILL)  # as a killed job or a dropped session would
    runner.wait()
    assert not (tmp_path / "results/cohort/cohort.tsv").exists()
    # The documented recovery (README): release the killed run's lock, redo what it left unfinished.
    run_workflow(tmp_path, sheet, "--unlock")
    run_workflow(tmp_path, sheet, "--rerun-incomplete")
    cohort = pd.read_csv(tmp_path / "results/cohort/cohort.tsv", sep="\t")
    assert list(cohort["sample"]) == ["S01", "S02", "S04", "S05"]
    assert "Nothing to be done" in run_workflow(tmp_path, sheet, "--dry-run").stdout
