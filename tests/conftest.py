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
# The workflow's jobs call `npm1-flt3`, installed beside this Python: put its bin folder first on
# PATH for every subprocess, as activating the environment would (the workflow never changes PATH).
os.environ["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))


def pytest_addoption(parser):
    parser.addoption(
        "--slurm", action="store_true", default=False,
        help="also run the SLURM tier (tests marked slurm: tests/test_slurm.py), which installs "
             "Debian packages and writes /etc/slurm as root; implied when the CI variable is set",
    )


def slurm_asked(config) -> bool:
    """The SLURM tier changes the host: it runs only when asked (--slurm) or in CI."""
    return config.getoption("--slurm") or os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected theirs
def pytest_collection_modifyitems(config, items):
    # Tiers (README, "Tests"): unit = not workflow and not slurm; workflow; slurm. SLURM tests are
    # deselected, not skipped, unless asked for: pytest's summary line counts them as deselected.
    if not slurm_asked(config):
        deselected = [item for item in items if item.get_closest_marker("slurm")]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if not item.get_closest_marker("slurm")]


@pytest.hookimpl(tryfirst=True)  # before any fixture reads the folder
def pytest_runtest_setup(item):
    """The shared folder is a hard requirement of the tests that read it (marked 'shared'): without
    it they fail, saying so; never skipped, since they would then test nothing real."""
    if item.get_closest_marker("shared") and not PEER_CASES.exists():
        pytest.fail(f"this test reads the shared folder, not found ({PEER_CASES} is missing); put it "
                    "beside the repo or set NPM1_FLT3_SHARED", pytrace=False)


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
        [PYTHON, "-m", "benchmarks.simulation", "demo", "--reference", str(REFERENCE),
         "--annotation", str(EXONS), "--outdir", str(outdir)],
        check=True, capture_output=True, cwd=REPO,  # benchmarks/ is imported from the repo root
    )
    return outdir


@pytest.fixture(scope="session")
def demo_run(demo_dir, tmp_path_factory) -> Path:
    """Working folder of one complete workflow run over the demo cohort."""
    workdir = tmp_path_factory.mktemp("demo_run")
    run_workflow(workdir, demo_dir / "samples.tsv")
    return workdir
