"""The batch-level filters in the workflow: a panel of normals from `npm1-flt3 build-pon` given in
the config is used where the batch is too small, the background test can be switched off, and a
panel that is not there stops the run before any job."""

from __future__ import annotations

import subprocess

import pysam
import pytest

from conftest import REFERENCE, REPO, run_workflow
from test_workflow_batches import demo_bams, write_sheet  # noqa: F401 (fixture)

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs

TYPE_A = ("chr5", 171410539, "C", "CTCTG")


def npm1_record(vcf_path):
    with pysam.VariantFile(str(vcf_path)) as vcf:
        [record] = [r for r in vcf if (r.chrom, r.pos, r.ref, r.alts[0]) == TYPE_A]
        return record


def test_a_single_sample_batch_uses_the_panel_of_normals(demo_bams, tmp_path):  # noqa: F811
    pon = tmp_path / "pon.tsv.gz"
    built = subprocess.run([str(REPO / ".venv/bin/npm1-flt3"), "build-pon", "--reference", str(REFERENCE),
                            "--out", str(pon), demo_bams["S04"], demo_bams["S05"]],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    sheet = write_sheet(tmp_path, {"S01": demo_bams["S01"]})
    run_workflow(tmp_path, sheet, background={"panel_of_normals": str(pon), "min_samples": 2})
    record = npm1_record(tmp_path / "results/calls/S01.vcf.gz")
    assert record.info["BG_SOURCE"] == "pon" and record.info["BG_SAMPLES"] == 2
    assert list(record.filter) == ["PASS"]  # type A at ~3% is far above two wild-type normals


def test_the_background_test_can_be_switched_off(demo_bams, tmp_path):  # noqa: F811
    sheet = write_sheet(tmp_path, {"S01": demo_bams["S01"]})
    run_workflow(tmp_path, sheet, background={"enabled": False})
    record = npm1_record(tmp_path / "results/calls/S01.vcf.gz")
    assert "BG_P" not in record.info and list(record.filter) == ["PASS"]


def test_a_missing_panel_of_normals_stops_the_run_before_any_job(demo_bams, tmp_path):  # noqa: F811
    sheet = write_sheet(tmp_path, {"S01": demo_bams["S01"]})
    result = run_workflow(tmp_path, sheet, "--dry-run", check=False,
                          background={"panel_of_normals": str(tmp_path / "nowhere.tsv.gz")})
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "background.panel_of_normals" in message and "npm1-flt3 build-pon" in message
    assert not (tmp_path / "results").exists()
