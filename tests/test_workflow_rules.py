"""Every rule is runnable on a cluster and debuggable: log, benchmark, threads and resources."""

from __future__ import annotations

import re

import pytest

from conftest import REPO

RULE_FILES = sorted((REPO / "rules").glob("*.smk"))


def rule_blocks():
    for path in RULE_FILES:
        text = path.read_text()
        for match in re.finditer(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)+)", text, re.MULTILINE):
            yield path.name, match.group(1), match.group(2)


RULES = list(rule_blocks())


def test_rules_were_found():
    assert len(RULES) >= 12


@pytest.mark.parametrize("file_name, rule, body", RULES, ids=[r[1] for r in RULES])
def test_rule_declares_log_benchmark_threads_resources(file_name, rule, body):
    for directive in ("log:", "benchmark:", "threads:", "resources:"):
        assert f"\n    {directive}" in "\n" + body, f"{file_name}: rule {rule} has no {directive}"
    assert "mem_mb=" in body and "runtime=" in body, f"{file_name}: rule {rule} lacks mem_mb/runtime"


@pytest.mark.parametrize("file_name, rule, body", RULES, ids=[r[1] for r in RULES])
def test_rule_has_no_lambda(file_name, rule, body):
    # Input functions live in rules/common.smk, where they can be read and tested.
    assert "lambda" not in body


@pytest.mark.parametrize("file_name, rule, body", RULES, ids=[r[1] for r in RULES])
def test_a_rule_that_runs_the_package_reruns_on_a_new_package_version(file_name, rule, body):
    # Snakemake re-runs a job whose params changed: a new release re-calls the kept BAMs, while an
    # edit to a module (or to the demo simulator) without one re-runs nothing.
    if "npm1-flt3 " in body:
        assert "package_version=PACKAGE_VERSION" in body, f"{file_name}: rule {rule}"


@pytest.mark.parametrize("file_name, rule, body", RULES, ids=[r[1] for r in RULES])
def test_rules_call_the_installed_command_not_a_module_path(file_name, rule, body):
    assert "python -m" not in body and "PYTHONPATH" not in body, f"{file_name}: rule {rule}"


@pytest.mark.parametrize("file_name, rule, body", RULES, ids=[r[1] for r in RULES])
def test_rules_write_no_argument_files_from_python(file_name, rule, body):
    # A run: block re-parses the whole workflow in a new process for every job.
    assert "\n    run:" not in "\n" + body, f"{file_name}: rule {rule}"


def test_nothing_rewrites_the_python_path_or_path_at_parse_time():
    for path in [REPO / "Snakefile", *RULE_FILES]:
        text = path.read_text()
        for forbidden in ('os.environ["PATH"]', "os.environ['PATH']", 'os.environ["PYTHONPATH"]',
                          "sys.path.insert", "sys.path.append"):
            assert forbidden not in text, f"{path.name} contains {forbidden}"
