"""Conda envs (envs/*.yaml): each rule's env has every program its shell command runs, at the
versions that scripts/install.sh gives CI and the Apptainer image.

The rules are read the way Snakemake reads them: the workflow is loaded in-process through
Snakemake's API (a tiny sheet and the package's gene slices as config) and each rule's shell
command and conda env are taken from its Rule object, the env resolved as Snakemake resolves it.
A command taken from a parameter (rule tool_version runs `{params.command}` in envs/<tool>.yaml)
is expanded for each value its wildcard may take.

How the npm1_flt3 package gets into its env: envs/npm1_flt3.post-deploy.sh installs it from the
workflow folder that rules/common.smk exports as NPM1_FLT3_SOURCE (why not a pip line or
PYTHONPATH: the comment in envs/npm1_flt3.yaml).
"""

from __future__ import annotations

import gzip
import os
import re
import shlex
import string
import subprocess
import sys
import tomllib
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import REFERENCE, REPO

import npm1_flt3

ENVS = REPO / "envs"
REQUIREMENTS = dict(
    line.split("==") for line in (REPO / "requirements.txt").read_text().splitlines()
    if "==" in line and not line.startswith("#")
)

# The package that puts each program in a conda env (conda-forge / bioconda, or the pip section).
PROGRAM_PACKAGES = {
    "bwa": "bwa",
    "fastp": "fastp",
    "gzip": "gzip",
    "mosdepth": "mosdepth",
    "multiqc": "multiqc",
    "samtools": "samtools",
}
# The workflow's own command: in an env whose <name>.post-deploy.sh installs the package.
PACKAGE_COMMAND = "npm1-flt3"

# What a job may take from the node instead of its env. Under --software-deployment-method conda
# a job runs on the node with the env's bin/ first in PATH; these are POSIX utilities, on every
# Linux node and in the Debian image. gzip is not one (POSIX has compress), so envs list it.
HOST_PROGRAMS = {"cat", "cp", "grep", "ln", "mkdir", "mv", "rm"}
# Bash itself: keywords and builtins.
SHELL_BUILTINS = {":", "[", "cd", "echo", "exit", "false", "printf", "set", "test", "true"}
# Words after which the next word is again a command; words that close a compound command.
OPENERS = {"if", "then", "else", "elif", "do", "while", "until", "{", "!", "time", "exec", "command"}
CLOSERS = {"fi", "done", "}", "esac"}
SEPARATORS = {"|", "||", "&&", ";", "&", "|&", "(", "$("}
OPERATORS = sorted(["&&", "||", ";;", ">>", ">&", "<&", "&>", ">|", "|&", "|", ";", "&", "(", ")", "<", ">"],
                   key=len, reverse=True)
REDIRECTIONS = {">", ">>", "<", ">&", "<&", "&>", ">|"}

# How each conda-pinned program prints its version (bwa: in its usage text, with exit code 1).
VERSION_COMMANDS = {
    "bwa": ["bwa"],
    "fastp": ["fastp", "--version"],
    "gzip": ["gzip", "--version"],
    "mosdepth": ["mosdepth", "--version"],
    "python": ["python3", "--version"],
    "samtools": ["samtools", "--version"],
}


# --- reading envs ----------------------------------------------------------------------------------

def env_spec(env_file: Path) -> dict:
    return yaml.safe_load(env_file.read_text())


def conda_pins(env_file: Path) -> dict[str, str | None]:
    """Conda packages -> pinned version (None unpinned); the pip section's packages -> version."""
    pins: dict[str, str | None] = {}
    for item in env_spec(env_file)["dependencies"]:
        if isinstance(item, dict):
            pins.update(line.split("==") for line in item["pip"])
        else:
            name, _, version = item.partition("=")
            pins[name] = version or None
    return pins


def post_deploy_script(env_file: Path) -> Path:
    return env_file.with_name(env_file.name.removesuffix(".yaml") + ".post-deploy.sh")


def programs_in_env(env_file: Path) -> set[str]:
    packages = set(conda_pins(env_file))
    programs = {program for program, package in PROGRAM_PACKAGES.items() if package in packages}
    if post_deploy_script(env_file).exists():
        programs.add(PACKAGE_COMMAND)
    return programs


ENV_FILES = sorted(ENVS.glob("*.yaml"))


# --- reading shell commands ------------------------------------------------------------------------

def placeholder(index: int) -> str:
    return f"SNAKEMAKEFIELD{index}X"


def mask_fields(template: str) -> tuple[str, dict[str, str]]:
    """A rule's shell template with each {field} replaced by one word, and word -> field name.
    Doubled braces ({{ }}) are literal braces, as in Snakemake's formatting."""
    text, fields = "", {}
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        text += literal
        if field is not None:
            word = placeholder(len(fields))
            fields[word] = field
            text += word
    return text, fields


def shell_words(command: str) -> list[str]:
    assert "`" not in command, f"backquotes in {command!r}: use $(...)"
    lexer = shlex.shlex(command.replace("$(", " $( "), posix=True, punctuation_chars="();<>|&")
    lexer.whitespace_split = True
    lexer.commenters = ""
    words = []
    for token in lexer:
        if token and set(token) <= set("();<>|&"):  # a run of operators, e.g. ";}" is not one
            while token:
                operator = next(op for op in OPERATORS if token.startswith(op))
                words.append(operator)
                token = token[len(operator):]
        else:
            words.append(token)
    return words


def commands_called(command: str) -> list[str]:
    """The first word of every simple command: after a pipe, &&, ||, ;, (, $( and after if, then,
    else, do, {, ...; without variable assignments and redirections."""
    called, expect_command, skip_next = [], True, False
    for word in shell_words(command):
        if skip_next:
            skip_next = False
        elif word in REDIRECTIONS:
            skip_next = True  # its target
        elif word in SEPARATORS:
            expect_command = True
        elif word == ")":
            expect_command = False
        elif not expect_command:
            continue
        elif word in OPENERS:
            pass
        elif word in CLOSERS:
            expect_command = False
        elif re.fullmatch(r"[A-Za-z_]\w*=.*", word):
            pass  # VAR=value before the command
        else:
            called.append(word)
            expect_command = False
    return called


@pytest.mark.parametrize("command, expected", [
    ("fastp --in1 a 2> log | gzip -1 > out", ["fastp", "gzip"]),
    ("(bwa mem -p ref r | samtools fixmate -m - - | samtools sort -o o -) 2> log", ["bwa", "samtools", "samtools"]),
    ("(if [ True = True ]; then samtools merge -o - a | samtools markdup - o##idx##i; else samtools merge;"
     " fi) 2> log", ["[", "samtools", "samtools", "samtools"]),
    ("{ bwa 2>&1 || true; } | grep Version", ["bwa", "true", "grep"]),
    ("a && b; c |& d $(e x) && LC_ALL=C f > g < h", ["a", "b", "c", "d", "e", "f"]),
])
def test_commands_called(command, expected):
    assert commands_called(command) == expected


# --- the workflow's rules --------------------------------------------------------------------------

@dataclass
class RuleCommand:
    rule: str
    label: str  # the rule, or rule[wildcard=value] for a command that depends on a wildcard
    command: str  # fields masked (SNAKEMAKEFIELD<n>X), parameters at a command's place filled in
    env: Path | None
    unresolved: list[str]  # fields at a command's place that the test could not fill in


@dataclass
class LoadedWorkflow:
    commands: list[RuleCommand]
    rules_without_shell: dict[str, Path | None]  # name -> its env
    exported_source: str | None  # NPM1_FLT3_SOURCE once the Snakefile has run


def wildcard_values(rule) -> list[dict[str, str]]:
    """Each value a rule's wildcard may take, where its constraint lists them (tool="a|b|c")."""
    names = sorted(rule.wildcard_names)
    if not names:
        return [{}]
    assert len(names) == 1, f"rule {rule.name}: the test expands one wildcard, not {names}"
    constraint = rule.wildcard_constraints.get(names[0], "")
    assert re.fullmatch(r"[\w.-]+(\|[\w.-]+)*", constraint), (
        f"rule {rule.name}: its command or env depends on wildcard {names[0]}, whose values the "
        f"test cannot list (constraint {constraint!r}); give the rule a constraint like a|b|c"
    )
    return [{names[0]: value} for value in constraint.split("|")]


def rule_env(rule, wildcards) -> Path | None:
    spec = rule.expand_conda_env(wildcards)
    if spec is None:
        return None
    assert spec.is_file, f"rule {rule.name}: conda env {spec} is not a file in envs/"
    return Path(os.path.normpath(spec.file.get_path_or_uri(secret_free=True)))


def rule_commands(rule) -> list[RuleCommand]:
    from snakemake.iocontainers import Wildcards

    text, fields = mask_fields(rule.shellcmd)
    at_command = {word: fields[word] for word in commands_called(text) if word in fields}
    depends_on_wildcard = callable(rule.conda_env) or any(
        callable(getattr(rule.params, field.split(".", 1)[1], None))
        for field in at_command.values() if field.startswith("params.")
    )
    values = wildcard_values(rule) if depends_on_wildcard else [{}]
    commands = []
    for value in values:
        wildcards = Wildcards(fromdict=value)
        filled, unresolved = text, []
        for word, field in at_command.items():
            name = field.split(".", 1)[1] if field.startswith("params.") else None
            param = getattr(rule.params, name, None) if name else None
            if param is None:
                unresolved.append(field)
                continue
            filled = filled.replace(word, param(wildcards) if callable(param) else str(param))
        label = rule.name + "".join(f"[{k}={v}]" for k, v in value.items())
        commands.append(RuleCommand(rule.name, label, filled, rule_env(rule, wildcards), unresolved))
    return commands


@pytest.fixture(scope="module")
def loaded_workflow(tmp_path_factory) -> LoadedWorkflow:
    """The workflow loaded in-process with a one-sample sheet, as `snakemake --sdm conda` loads it."""
    from snakemake.api import SnakemakeApi
    from snakemake.iocontainers import Wildcards
    from snakemake.settings.types import (
        ConfigSettings, DeploymentSettings, OutputSettings, Quietness, ResourceSettings,
    )
    from snakemake_interface_executor_plugins.settings import DeploymentMethod

    folder = tmp_path_factory.mktemp("envs_workflow")
    fastq = folder / "S1.fastq.gz"
    with gzip.open(fastq, "wt") as out:
        out.write("@r1\nACGTACGTAC\n+\nIIIIIIIIII\n")
    sheet = folder / "samples.tsv"
    sheet.write_text(f"sample\tunit\tfq1\tfq2\nS1\tL1\t{fastq}\t\n")
    workdir = folder / "run"
    workdir.mkdir()

    cwd, environ = os.getcwd(), dict(os.environ)
    try:
        with SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api:
            workflow = api.workflow(
                resource_settings=ResourceSettings(),
                config_settings=ConfigSettings(config={"samples": str(sheet), "reference": str(REFERENCE)}),
                deployment_settings=DeploymentSettings(deployment_method={DeploymentMethod.CONDA}),
                snakefile=REPO / "Snakefile",
                workdir=workdir,
            )._workflow
            commands, without_shell = [], {}
            for rule in workflow.rules:
                if rule.is_shell:
                    commands += rule_commands(rule)
                else:
                    without_shell[rule.name] = None if rule.conda_env is None else rule_env(rule, Wildcards())
            exported = os.environ.get("NPM1_FLT3_SOURCE")
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)
    return LoadedWorkflow(commands, without_shell, exported)


def test_rules_were_loaded(loaded_workflow):
    rules = {command.rule for command in loaded_workflow.commands}
    assert len(rules) >= 12, sorted(rules)
    assert {"fastp_bwa_mem", "samtools_merge_qc", "npm1_flt3_call", "multiqc", "tool_version"} <= rules


def test_only_shell_rules_have_envs(loaded_workflow):
    # A run: block executes inside Snakemake's own Python, where no conda env applies.
    with_env = {name: env for name, env in loaded_workflow.rules_without_shell.items() if env}
    assert not with_env, f"rules with a conda env but no shell command (the test cannot check them): {with_env}"


def test_every_rule_env_has_every_program_it_runs(loaded_workflow):
    problems = []
    for command in loaded_workflow.commands:
        if command.unresolved:
            problems.append(f"{command.label}: runs a command from {command.unresolved}, which the test cannot see")
        if command.env and not command.env.exists():
            problems.append(f"{command.label}: its env {command.env} does not exist")
            continue
        provided = programs_in_env(command.env) if command.env else set()
        env_name = command.env.relative_to(REPO) if command.env else "no conda env"
        for program in dict.fromkeys(commands_called(command.command)):
            if program in SHELL_BUILTINS or program in HOST_PROGRAMS or program in provided:
                continue
            known = program in PROGRAM_PACKAGES or program == PACKAGE_COMMAND
            problems.append(
                f"{command.label}: runs {program}, which {env_name} does not provide"
                + ("" if known else " (nor does the test know a conda package for it: add it to PROGRAM_PACKAGES)")
            )
    assert not problems, "\n".join(problems)


def test_every_env_a_rule_names_exists(loaded_workflow):
    missing = {f"{c.label}: {c.env}" for c in loaded_workflow.commands if c.env and not c.env.exists()}
    assert not missing, sorted(missing)


def test_every_env_file_is_used(loaded_workflow):
    used = {command.env for command in loaded_workflow.commands if command.env}
    orphans = [env.name for env in ENV_FILES if env not in used]
    assert not orphans, f"envs/ files no rule uses: {orphans}"
    # A post-deploy script runs only beside its env file.
    for script in ENVS.glob("*.post-deploy.sh"):
        assert script.with_name(script.name.replace(".post-deploy.sh", ".yaml")).exists(), script.name


# --- the package's own env -------------------------------------------------------------------------

PACKAGE_ENV = ENVS / "npm1_flt3.yaml"
POST_DEPLOY = post_deploy_script(PACKAGE_ENV)


def test_package_env_has_samtools_and_the_package():
    # import_alignment pipes `npm1-flt3 alignment-targets` into samtools, in this env.
    assert "samtools" in conda_pins(PACKAGE_ENV)
    assert POST_DEPLOY.exists() and os.access(POST_DEPLOY, os.X_OK)


def test_post_deploy_script_names_the_package_version():
    """The version in the script is part of Snakemake's env hash: a release gets a fresh env."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    script_version = re.search(r"^version=(\S+)$", POST_DEPLOY.read_text(), re.MULTILINE).group(1)
    assert script_version == npm1_flt3.__version__ == pyproject["version"]


def test_package_dependencies_are_pinned_in_its_env():
    # The script installs with --no-deps: the env's pins must cover the package's dependencies.
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {name.lower() for name in conda_pins(PACKAGE_ENV)}
    for requirement in dependencies:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        assert name in pinned, f"{PACKAGE_ENV.name} does not pin {name}, a dependency of the package"


def test_workflow_exports_its_folder_for_the_post_deploy_script(loaded_workflow):
    # Snakemake runs the script from a copy in .snakemake/conda/, with the Snakemake process's
    # environment: rules/common.smk must export the workflow folder for it.
    assert loaded_workflow.exported_source is not None, (
        "rules/common.smk does not set os.environ['NPM1_FLT3_SOURCE'] = workflow.basedir; "
        "envs/npm1_flt3.post-deploy.sh cannot find the package without it"
    )
    assert Path(loaded_workflow.exported_source).resolve() == REPO


def build_files() -> set[Path]:
    return {*REPO.glob("*.egg-info"), *REPO.glob("build")}


def test_post_deploy_script_installs_the_command(tmp_path):
    """Run the script as Snakemake does: a copy elsewhere, from another folder, CONDA_PREFIX set.

    A Python venv stands in for the conda env (no conda here); it sees the test's own Python
    packages for the package's dependencies, which the conda env gets from its pins."""
    prefix = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(prefix)
    site = next(prefix.glob("lib/python*/site-packages"))
    dependencies = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "test-dependencies.pth").write_text("\n".join(dependencies) + "\n")
    copy = tmp_path / "conda" / "0123abcd.post-deploy.sh"
    copy.parent.mkdir()
    copy.write_bytes(POST_DEPLOY.read_bytes())
    elsewhere = tmp_path / "workdir"
    elsewhere.mkdir()
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environ.update(CONDA_PREFIX=str(prefix), NPM1_FLT3_SOURCE=str(REPO),
                   PATH=f"{prefix / 'bin'}{os.pathsep}{environ['PATH']}")
    interpreter = POST_DEPLOY.read_text().splitlines()[0].removeprefix("#!").split()  # as Snakemake reads it
    before = build_files()

    done = subprocess.run([*interpreter, str(copy)], cwd=elsewhere, env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    command = prefix / "bin" / PACKAGE_COMMAND
    printed = subprocess.run([str(command), "--version"], cwd=elsewhere, env=environ, capture_output=True, text=True)
    assert printed.stdout.strip() == f"npm1-flt3 {npm1_flt3.__version__}"
    located = subprocess.run([str(prefix / "bin" / "python"), "-c", "import npm1_flt3; print(npm1_flt3.__file__)"],
                             cwd=elsewhere, env=environ, capture_output=True, text=True, check=True)
    assert Path(located.stdout.strip()).is_relative_to(site), "the package ran from the clone, not the env"
    assert build_files() == before, "installing built in the clone"

    # Without the workflow's folder it stops with a message, not a pip traceback.
    del environ["NPM1_FLT3_SOURCE"]
    done = subprocess.run([*interpreter, str(copy)], cwd=elsewhere, env=environ, capture_output=True, text=True)
    assert done.returncode != 0 and "NPM1_FLT3_SOURCE" in done.stderr


# --- versions: the same as CI's Debian tools and requirements.txt ----------------------------------

CONDA_TOOL_PINS = [
    (env.name, name, version)
    for env in ENV_FILES
    for item in env_spec(env)["dependencies"] if isinstance(item, str) and item != "pip"
    for name, _, version in [item.partition("=")]
]


@pytest.mark.parametrize("env_file, tool, pinned", CONDA_TOOL_PINS, ids=[f"{e}-{t}" for e, t, _ in CONDA_TOOL_PINS])
def test_conda_tool_version_is_the_installed_one(env_file, tool, pinned):
    assert pinned, f"{env_file}: {tool} is not pinned"
    assert tool in VERSION_COMMANDS, f"{env_file}: the test does not know how {tool} prints its version"
    done = subprocess.run(VERSION_COMMANDS[tool], capture_output=True, text=True, errors="replace")
    printed = done.stdout + done.stderr
    assert re.search(rf"\b{re.escape(pinned)}\b", printed), f"{tool}: {env_file} pins {pinned}, installed: {printed[:200]}"


@pytest.mark.parametrize("env_file", [env.name for env in ENV_FILES])
def test_python_pins_agree_with_requirements(env_file):
    for item in env_spec(ENVS / env_file)["dependencies"]:
        if isinstance(item, dict):
            for name, version in (line.split("==") for line in item["pip"]):
                assert name in REQUIREMENTS, f"{env_file}: {name} is not in requirements.txt"
                assert REQUIREMENTS[name] == version, f"{env_file}: {name} {version} vs requirements {REQUIREMENTS[name]}"


# --- the Apptainer image ---------------------------------------------------------------------------

def test_apptainer_image_installs_what_ci_installs(loaded_workflow):
    """The image is built by the same install script as CI, so it cannot drift from the pins, and
    it has every program a rule runs, `npm1-flt3` on its PATH."""
    definition = (ENVS / "apptainer.def").read_text()
    post = definition.split("%post", 1)[1].split("%environment", 1)[0]
    assert "bash scripts/install.sh" in post
    environment = definition.split("%environment", 1)[1].split("%", 1)[0]
    assert re.search(r"export PATH=/opt/npm1-flt3/\.venv/bin:", environment)

    install = (REPO / "scripts" / "install.sh").read_text()
    apt_packages = set(re.search(r"APT_PACKAGES=\((.*?)\n\)", install, re.DOTALL).group(1).split())
    assert re.search(r"\.venv/bin/python -m pip install .*-e \.$", install, re.MULTILINE), "install.sh installs the package"
    python_commands = {"multiqc"} if "multiqc" in REQUIREMENTS else set()
    # gzip and the POSIX utilities are in Debian's essential set, in every debian:12 image.
    in_image = apt_packages | python_commands | {PACKAGE_COMMAND} | HOST_PROGRAMS | {"gzip"}
    called = {p for c in loaded_workflow.commands for p in commands_called(c.command)} - SHELL_BUILTINS
    assert called <= in_image, f"programs the rules run that the image lacks: {sorted(called - in_image)}"
    # install.sh's .venv gives the command that %environment puts on PATH.
    assert (REPO / ".venv" / "bin" / PACKAGE_COMMAND).exists()
