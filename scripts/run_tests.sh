#!/usr/bin/env bash
# Quick start, part 2: install what is missing and run the tests, by tier (README, "Tests"):
#
#   bash scripts/run_tests.sh [unit|workflow|slurm|all] [pytest arguments]
#
#   unit      fast tests: no Snakemake runs, no SLURM (under a minute on 2 cores; at most 2)
#   workflow  real Snakemake runs, benchmark smoke tests, the browser test (the slow ones)
#   slurm     the demo on a one-node SLURM cluster started on this machine. Changes the host:
#             installs Debian packages (slurm-wlm, munge) and writes /etc/slurm, as root
#   all       the whole suite: unit + workflow + slurm (what CI runs)
#   (none)    unit + workflow; slurm too only when the CI variable is set
#
# Without --slurm or CI, pytest deselects the SLURM tests (tests/conftest.py) and says so in its
# summary line. Extra arguments go to pytest (e.g. -x, -k name). Shared data: $NPM1_FLT3_SHARED or
# ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."

tier=default
case "${1:-}" in
    unit|workflow|slurm|all) tier=$1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

bash scripts/install.sh --tests

case $tier in
    unit) exec .venv/bin/python -m pytest -m "not workflow and not slurm" "$@" ;;
    workflow) exec .venv/bin/python -m pytest -m workflow "$@" ;;
    slurm) exec .venv/bin/python -m pytest --slurm -m slurm "$@" ;;
    all) exec .venv/bin/python -m pytest --slurm "$@" ;;
    default) exec .venv/bin/python -m pytest "$@" ;;
esac
