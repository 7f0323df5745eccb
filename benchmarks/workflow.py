"""Run the npm1-flt3 workflow for a benchmark, the way a user would: own config, own folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
# The workflow's jobs call `npm1-flt3`, installed beside this Python: its bin folder goes first on
# the jobs' PATH, as activating the environment would.
JOB_ENV = {**os.environ, "PATH": os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))}


@dataclass(frozen=True)
class WorkflowCode:
    """Another version of npm1-flt3 to run: its Snakefile and its environment's Python."""

    snakefile: Path
    python: Path  # bin/python of an environment holding that version's package and Snakemake


def run_workflow(workdir: Path, sheet: Path, reference: Path, annotation: Path, resources: Path,
                 cores: int = 2, extra_config: dict | None = None, code: WorkflowCode | None = None,
                 forcerun: tuple[str, ...] = ()) -> float:
    """Run to completion (keep going past a failing sample); returns wall seconds.

    extra_config: more keys for the benchmark's config file (e.g. {"background": {...}}).
    code: another version of the workflow and package (its Snakefile, and the environment whose
    bin folder goes first on PATH and whose Python runs Snakemake); None = this checkout.
    forcerun: rules to re-run even if their outputs exist (rules re-run on a new package version
    only, not on edited code)."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = {"samples": str(sheet.resolve()), "reference": str(reference.resolve()),
              "annotation": str(annotation.resolve()), "resources_dir": str(resources.resolve()),
              **(extra_config or {})}
    config_file = workdir / "benchmark_config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    if code is None:
        snakemake, snakefile, env, cwd = [SNAKEMAKE], REPO / "Snakefile", JOB_ENV, None
    else:
        # python -m snakemake from the other environment; run from the work folder, not the
        # repository, so that this checkout's npm1_flt3/ is not the first thing on sys.path.
        snakemake, snakefile, cwd = [str(code.python), "-m", "snakemake"], code.snakefile, workdir.resolve()
        # Its bin folder first (its npm1-flt3), then this environment's (MultiQC and the other tools
        # the .pth line lends it), then the rest.
        env = {**os.environ, "PATH": os.pathsep.join((str(code.python.parent), JOB_ENV["PATH"]))}
    command = [*snakemake, "--snakefile", str(snakefile), "--directory", str(workdir.resolve()),
               "--configfile", str(config_file.resolve()), "--cores", str(cores), "--keep-going", "--quiet"]
    if forcerun:
        command += ["--forcerun", *forcerun]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(f"workflow failed in {workdir}:\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def caller_benchmarks(workdir: Path) -> dict[str, dict]:
    """Per sample: the caller's wall seconds and peak memory from Snakemake's benchmark records."""
    records = {}
    for path in sorted((workdir / "logs/benchmarks/npm1_flt3_call").glob("*.tsv")):
        header, values = path.read_text().splitlines()[:2]
        row = dict(zip(header.split("\t"), values.split("\t")))
        records[path.stem] = {"wall_s": float(row["s"]), "max_rss_mb": _number(row.get("max_rss"))}
    return records


def _number(text: str | None) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None  # Snakemake writes NA when a job was too short to sample
