"""What a user hands the workflow, taken as given: their own config checked on its own, paths with
spaces and quotes, and a Snakefile that `snakemake --lint` finds nothing to say about."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REFERENCE, REPO, SNAKEMAKE, run_workflow

pytestmark = pytest.mark.workflow

# A folder and file names a shell would split or end a string at.
ODD = "odd dir/it's"


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    command = [SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir), *args]
    return subprocess.run(command, capture_output=True, text=True)


def odd_copy(source: Path, folder: Path, name: str) -> Path:
    target = folder / f"{ODD} {name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def write_sheet(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join("\t".join(row) for row in [header, *rows]) + "\n")
    return path


def test_without_a_config_the_run_stops_saying_what_to_give(tmp_path):
    result = snakemake(tmp_path, "--cores", "1", "--dry-run")
    assert result.returncode != 0
    assert "no configuration given: run with --configfile" in result.stderr
    assert not (tmp_path / "results").exists()


def test_a_config_without_samples_is_not_completed_from_the_demo(tmp_path):
    config = tmp_path / "mine.yaml"
    config.write_text(yaml.safe_dump({"reference": str(REFERENCE)}))
    result = snakemake(tmp_path, "--configfile", str(config), "--cores", "1", "--dry-run")
    assert result.returncode != 0
    assert "'samples' is a required property" in result.stderr
    assert "demo/samples.tsv" not in result.stderr


def test_an_unknown_config_key_stops_the_run(tmp_path, demo_dir):
    result = run_workflow(tmp_path, demo_dir / "samples.tsv", "--dry-run", check=False, caller_min_depth=5)
    assert result.returncode != 0
    assert "caller_min_depth" in result.stderr


def test_samples_and_reference_alone_make_a_complete_config(tmp_path, demo_dir):
    result = run_workflow(tmp_path, demo_dir / "samples.tsv", "--dry-run", "--quiet", "rules")
    assert "npm1_flt3_call" in result.stdout + result.stderr


def test_fastq_bam_sheet_and_reference_paths_with_spaces_and_quotes_work(tmp_path, demo_dir):
    inputs = tmp_path / "inputs"
    reference = odd_copy(REFERENCE, inputs, "genome.fa")
    fastqs = [odd_copy(demo_dir / "fastq" / f"S02_L1_{read}.fastq.gz", inputs, f"S02 {read}.fastq.gz")
              for read in ("R1", "R2")]
    sheet = write_sheet(inputs / f"{ODD} samples.tsv", ["sample", "unit", "fq1", "fq2"],
                        [["S02", "L1", str(fastqs[0]), str(fastqs[1])]])
    first = tmp_path / "from_fastq"
    first.mkdir()
    run_workflow(first, sheet, "results/calls/S02.vcf.gz", reference=str(reference))
    assert (first / "results/calls/S02.vcf.gz").stat().st_size > 0

    # The BAM it made, under an odd name, as input of a second batch (re-called on the same reference).
    bam = odd_copy(first / "results/alignment/S02.bam", inputs, "S02.bam")
    odd_copy(first / "results/alignment/S02.bam.bai", inputs, "S02.bam.bai")
    bam_sheet = write_sheet(inputs / f"{ODD} bam samples.tsv", ["sample", "unit", "fq1", "fq2", "bam"],
                            [["S02", "L1", "", "", str(bam)]])
    second = tmp_path / "from_bam"
    second.mkdir()
    run_workflow(second, bam_sheet, "results/calls/S02.vcf.gz", reference=str(reference))
    assert (second / "results/calls/S02.vcf.gz").stat().st_size > 0
    third = tmp_path / "realigned"
    third.mkdir()
    run_workflow(third, bam_sheet, "results/calls/S02.vcf.gz", reference=str(reference), realign_alignments=True)
    assert (third / "results/calls/S02.vcf.gz").stat().st_size > 0


def test_snakemake_lint_finds_nothing(tmp_path, demo_dir):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"samples": str(demo_dir / "samples.tsv"), "reference": str(REFERENCE)}))
    result = snakemake(tmp_path, "--configfile", str(config), "--lint")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Lints for" not in output, output
    assert "Congratulations" in output
