"""The package carries its own data: installed with pip (not editable, away from the repository),
it still finds the sample-sheet schema and the reference data beside its code."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import PYTHON, REPO

from npm1_flt3.packaged import SAMPLE_SHEET_SCHEMA

PACKAGED_FILES = ("SAMPLE_SHEET_SCHEMA", "GENE_SLICES_FASTA", "EXONS_TSV", "FEATURES_TSV")


def test_the_top_level_sample_schema_is_a_link_to_the_packaged_one():
    # Snakemake users look for it in schemas/; the package reads its own copy: one file, two names.
    top_level = REPO / "schemas" / "samples.schema.yaml"
    assert top_level.is_symlink() and not os.path.isabs(os.readlink(top_level))
    assert top_level.resolve() == SAMPLE_SHEET_SCHEMA


def pip_install(tmp_path):
    """pip install --no-deps --target of the package; returns the folder it was installed into."""
    # pip builds in the source folder (build/, *.egg-info), so it builds a copy, not the working tree.
    source = tmp_path / "source"
    shutil.copytree(REPO / "npm1_flt3", source / "npm1_flt3", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", source)
    target = tmp_path / "installed"
    done = subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                           "--target", str(target), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return target


@pytest.mark.workflow  # slow tier: pip builds and installs the package
def test_a_pip_installed_package_checks_a_sheet_and_finds_its_data_from_any_folder(tmp_path):
    target = pip_install(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "r1.fq.gz").write_bytes(b"")
    (elsewhere / "samples.tsv").write_text("sample\tunit\tfq1\tfq2\nS1\tL1\tr1.fq.gz\t\n")
    env = {**os.environ, "PYTHONPATH": str(target)}  # only the installed copy, never the repository

    def run(*args):
        return subprocess.run([PYTHON, *args], cwd=elsewhere, env=env, capture_output=True, text=True)

    checked = run("-m", "npm1_flt3", "validate-sheet", "samples.tsv")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "samples.tsv: 1 samples, 1 units, OK"
    found = run("-c", "import npm1_flt3.packaged as p; print(p.__file__); "
                      f"print(*[getattr(p, name) for name in {PACKAGED_FILES!r}], sep='\\n')")
    assert found.returncode == 0, found.stderr
    module, *files = found.stdout.splitlines()
    assert module.startswith(str(target))
    assert len(files) == len(PACKAGED_FILES)
    assert all(path.startswith(str(target)) and os.path.isfile(path) for path in files), files
