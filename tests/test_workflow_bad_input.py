"""Bad input stops the workflow before any job runs, with a message that says what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_workflow

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs


def write_sheet(folder: Path, rows: list[str], header: str = "sample\tunit\tfq1\tfq2") -> Path:
    for name in ("a_R1.fq.gz", "a_R2.fq.gz", "b_R1.fq.gz"):
        (folder / name).write_bytes(b"")
    sheet = folder / "samples.tsv"
    sheet.write_text("\n".join([header, *rows]) + "\n")
    return sheet


BAD_SHEETS = {
    "missing FASTQ": (["A\tL1\tnot_there.fq.gz\t"], "line 2, field fq1: file"),
    "duplicate sample+unit": (
        ["A\tL1\ta_R1.fq.gz\t", "A\tL1\tb_R1.fq.gz\t"], "line 3, field unit"),
    "fq2 without fq1": (["A\tL1\t\ta_R2.fq.gz"], "line 2, field fq2: is set but fq1 is empty"),
    "unsafe sample name": (["A;rm\tL1\ta_R1.fq.gz\t"], "line 2, field sample"),
    "unknown assay": (["A\tL1\ta_R1.fq.gz\t\twgs"], "line 2, field assay"),
}


@pytest.mark.parametrize("case", sorted(BAD_SHEETS))
def test_bad_sheet_stops_before_any_job(tmp_path, case):
    rows, expected = BAD_SHEETS[case]
    header = "sample\tunit\tfq1\tfq2\tassay" if case == "unknown assay" else "sample\tunit\tfq1\tfq2"
    sheet = write_sheet(tmp_path, rows, header)
    workdir = tmp_path / "run"
    workdir.mkdir()
    result = run_workflow(workdir, sheet, check=False)
    assert result.returncode != 0
    assert expected in result.stderr
    assert not (workdir / "results").exists()
    assert not (workdir / "resources").exists()


def test_missing_column_is_named(tmp_path):
    sheet = write_sheet(tmp_path, ["A\tL1\ta_R1.fq.gz"], header="sample\tunit\tfq1")
    result = run_workflow(tmp_path, sheet, check=False)
    assert result.returncode != 0
    assert "field fq2: required column is missing" in result.stderr


def test_an_unset_reference_stops_the_run_with_what_to_do(tmp_path):
    sheet = write_sheet(tmp_path, ["A\tL1\ta_R1.fq.gz\t"])
    result = run_workflow(tmp_path, sheet, reference="", check=False)
    assert result.returncode != 0
    assert "config 'reference' is not set: name your GRCh38 FASTA" in result.stderr
    assert not (tmp_path / "results").exists()


def test_missing_reference_is_named(tmp_path):
    sheet = write_sheet(tmp_path, ["A\tL1\ta_R1.fq.gz\t"])
    result = run_workflow(tmp_path, sheet, reference="/nowhere/genome.fa", check=False)
    assert result.returncode != 0
    assert "config 'reference': file not found: /nowhere/genome.fa" in result.stderr
