"""Run the npm1-flt3 workflow for a benchmark, the way a user would: own config, own folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
# The workflow's jobs call `npm1-flt3`, installed beside this Python: its bin folder goes first on
# the jobs' PATH, as activating the environment would.
JOB_ENV = {**os.environ, "PATH": os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))}


def run_workflow(workdir: Path, sheet: Path, reference: Path, annotation: Path, resources: Path,
                 cores: int = 2) -> float:
    """Run to completion (keep going past a failing sample); returns wall seconds."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = {"samples": str(sheet.resolve()), "reference": str(reference.resolve()),
              "annotation": str(annotation.resolve()), "resources_dir": str(resources.resolve())}
    config_file = workdir / "benchmark_config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    command = [SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
               "--configfile", str(config_file), "--cores", str(cores), "--keep-going", "--quiet"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=JOB_ENV)
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
