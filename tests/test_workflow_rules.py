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
