"""Test tiers (README, "Tests"): unit, workflow, slurm. The SLURM tier changes the host, so it must
run only when asked (--slurm, or CI set) and otherwise be deselected, visibly; slow tests must be
marked so that the unit tier stays fast."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import PYTHON, REPO

# What makes a test module slow: a real Snakemake run, the demo cohort or a browser.
SLOW = re.compile(r"\brun_workflow\(|\bSNAKEMAKE\b|\bdemo_run\b|\bdemo_dir\b|open_in_chromium")


def collect(*args: str, ci: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([PYTHON, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/test_slurm.py", "tests/test_eln.py", *args],
                          cwd=REPO, env=env, capture_output=True, text=True)


def slurm_tests(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith("tests/test_slurm.py::")]


def test_slurm_tests_are_deselected_unless_asked():
    done = collect()
    assert done.returncode == 0, done.stdout + done.stderr
    assert slurm_tests(done) == []
    assert re.search(r"\d+ deselected", done.stdout), done.stdout  # said in the summary, not hidden
    assert "tests/test_eln.py::" in done.stdout


@pytest.mark.parametrize("args, ci", [(("--slurm",), None), ((), "1"), ((), "true")])
def test_slurm_tests_run_with_the_option_or_in_ci(args, ci):
    done = collect(*args, ci=ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert slurm_tests(done)
    assert "deselected" not in done.stdout


def test_ci_false_does_not_select_slurm():
    assert slurm_tests(collect(ci="false")) == []


def test_slurm_tier_selects_only_slurm_tests():
    done = collect("--slurm", "-m", "slurm")
    assert slurm_tests(done) and "tests/test_eln.py::" not in done.stdout


def test_slow_test_modules_are_marked_workflow_or_slurm():
    unmarked = [path.name for path in sorted((REPO / "tests").glob("test_*.py"))
                if path.name != "test_tiers.py" and SLOW.search(path.read_text())
                and not re.search(r"pytest\.mark\.(workflow|slurm)\b", path.read_text())]
    assert unmarked == [], "mark these `pytestmark = pytest.mark.workflow` (README, \"Tests\")"


def test_tier_markers_are_registered():
    text = (REPO / "pyproject.toml").read_text()
    for marker in ("workflow", "slurm", "shared"):
        assert re.search(rf'^\s*"{marker}: ', text, re.MULTILINE), marker
    assert "--strict-markers" in text
