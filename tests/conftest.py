"""Shared test fixtures: where the shared reference lives, and one real demo workflow run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from npm1_flt3.packaged import EXONS_TSV, GENE_SLICES_FASTA

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NPM1_FLT3_SHARED", REPO.parent / "shared"))
# The reference data shipped in the package (tests/test_packaged_data.py checks it against the
# shared copy); ../shared is still needed for the peer cases.
REFERENCE = GENE_SLICES_FASTA
EXONS = EXONS_TSV
PEER_CASES = SHARED / "peer-cases"
PYTHON = sys.executable
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def pytest_sessionstart(session):
    # The shared data is a hard requirement: without it the suite would test nothing real.
    if not PEER_CASES.exists():
        raise pytest.UsageError(
            f"shared peer cases not found at {PEER_CASES}; put the shared folder beside the repo "
            "or set NPM1_FLT3_SHARED"
        )


def run_workflow(workdir: Path, sheet: Path, *extra: str, check: bool = True, **settings) -> subprocess.CompletedProcess:
    """Run the real workflow the way README tells users to: their own config file, their own
    working folder (so outputs stay out of the repo). ``settings`` adds or overrides config keys."""
    # No annotation: the workflow's default, the exon models shipped in the package.
    config = {"samples": str(sheet), "reference": str(REFERENCE), **settings}
    config_file = workdir / "config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    command = [
        SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
        "--configfile", str(config_file), "--cores", "2", *extra,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed ({result.returncode}):\n{result.stderr[-5000:]}")
    return result


@pytest.fixture(scope="session")
def reference():
    """The shared reference in GRCh38 coordinates."""
    from npm1_flt3.reference import GenomeReference

    genome = GenomeReference(REFERENCE)
    yield genome
    genome.close()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("demo") / "demo"
    subprocess.run(
        [PYTHON, "-m", "npm1_flt3", "simulate-demo", "--reference", str(REFERENCE),
         "--annotation", str(EXONS), "--outdir", str(outdir)],
        check=True, capture_output=True,
    )
    return outdir


@pytest.fixture(scope="session")
def demo_run(demo_dir, tmp_path_factory) -> Path:
    """Working folder of one complete workflow run over the demo cohort."""
    workdir = tmp_path_factory.mktemp("demo_run")
    run_workflow(workdir, demo_dir / "samples.tsv")
    return workdir
