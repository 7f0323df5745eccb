"""envs/*.yaml (for conda users) pin the same versions that scripts/install.sh gives CI."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from conftest import REPO

REQUIREMENTS = dict(
    line.split("==") for line in (REPO / "requirements.txt").read_text().splitlines()
    if "==" in line and not line.startswith("#")
)

# Tool, its conda env, and the command that prints the installed (Debian) version.
TOOLS = [
    ("fastp", "fastp.yaml", ["fastp", "--version"]),
    ("bwa", "bwa.yaml", ["bwa"]),
    ("samtools", "samtools.yaml", ["samtools", "--version"]),
    ("samtools", "bwa.yaml", ["samtools", "--version"]),
    ("mosdepth", "mosdepth.yaml", ["mosdepth", "--version"]),
]


def conda_pins(env_file: str) -> dict[str, str]:
    env = yaml.safe_load((REPO / "envs" / env_file).read_text())
    pins = {}
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pins.update(line.split("==") for line in item["pip"])
        elif "=" in item:
            name, version = item.split("=", 1)
            pins[name] = version
    return pins


@pytest.mark.parametrize("tool, env_file, command", TOOLS)
def test_conda_tool_version_is_the_installed_one(tool, env_file, command):
    done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    printed = done.stdout + done.stderr
    pinned = conda_pins(env_file)[tool]
    assert re.search(rf"\b{re.escape(pinned)}\b", printed), f"{tool}: env pins {pinned}, installed: {printed[:200]}"


@pytest.mark.parametrize("env_file", ["npm1_flt3.yaml", "multiqc.yaml"])
def test_python_pins_agree_with_requirements(env_file):
    for name, version in conda_pins(env_file).items():
        if name in REQUIREMENTS:
            assert REQUIREMENTS[name] == version, f"{env_file}: {name} {version} vs requirements {REQUIREMENTS[name]}"


def test_every_rule_names_an_existing_env():
    for rule_file in (REPO / "rules").glob("*.smk"):
        for env in re.findall(r'"\.\./envs/([^"]+)"', rule_file.read_text()):
            assert (REPO / "envs" / env).exists(), f"{rule_file.name} names missing envs/{env}"


def test_apptainer_image_installs_what_ci_installs():
    """The image is built by the same install script as CI, so it cannot drift from the pins."""
    definition = (REPO / "envs" / "apptainer.def").read_text()
    post = definition.split("%post", 1)[1].split("%environment", 1)[0]
    assert "bash scripts/install.sh" in post
    assert "/opt/npm1-flt3/.venv/bin" in definition.split("%environment", 1)[1]
