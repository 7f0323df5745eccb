"""Job memory that grows only after an out-of-memory kill (rules' ``mem_mb``).

Snakemake retries a failed job (``retries:`` in profiles/slurm) with ``attempt`` one higher, but
it does not say why the job failed, and snakemake-executor-plugin-slurm cannot either on clusters
without accounting. The job's SLURM log can: slurmstepd writes an oom_kill line into it when the
cgroup killed the job for its memory, and the plugin keeps the logs of failed jobs under
``.snakemake/slurm_logs/rule_<rule>/<wildcards>/<jobid>.log``. So a retry gets twice the memory
per earlier attempt killed that way, and the same memory after any other failure: a job that fails
for a bad input does not climb to a node's whole memory.
"""

from __future__ import annotations

import os
from pathlib import Path

SLURM_LOGS = Path(".snakemake") / "slurm_logs"  # relative to the working directory, as the plugin's
# What slurmstepd (and the kernel) write when a job went over its memory.
OUT_OF_MEMORY_MARKERS = ("oom_kill event", "oom-kill", "out of memory", "exceeded memory limit")


def job_log_folder(rule: str, wildcards, root: Path = SLURM_LOGS) -> Path:
    """Where the plugin keeps this job's SLURM logs (its own naming: values joined by '_')."""
    return root / f"rule_{rule}" / "_".join(map(str, wildcards)).replace("/", "_")


def out_of_memory_kills(rule: str, wildcards, attempt: int, root: Path = SLURM_LOGS) -> int:
    """Of this job's last ``attempt - 1`` SLURM logs (the earlier attempts of this run; older
    failures kept from earlier runs do not count), how many show a kill for memory. The job's own
    log is skipped: resources are evaluated inside the SLURM job too."""
    folder = job_log_folder(rule, wildcards, root)
    if attempt == 1 or not folder.is_dir():
        return 0
    own = f"{os.environ.get('SLURM_JOB_ID')}.log"
    logs = sorted((log for log in folder.glob("*.log") if log.name != own), key=lambda log: log.stat().st_mtime)
    return sum(
        any(marker in log.read_text(errors="replace").lower() for marker in OUT_OF_MEMORY_MARKERS)
        for log in logs[-(attempt - 1):]
    )


def memory_mb(rule: str, base_mb: int, root: Path = SLURM_LOGS):
    """mem_mb for a rule: base_mb on the first attempt; on a retry, doubled once for every earlier
    attempt of this job that was killed for memory."""

    def mem_mb(wildcards, attempt):
        return base_mb * 2 ** out_of_memory_kills(rule, wildcards, attempt, root)

    return mem_mb
