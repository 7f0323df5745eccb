#!/usr/bin/env bash
# Quick start, part 2: install what is missing and run the whole test suite (unit tests and a real
# Snakemake run of the demo). Extra arguments go to pytest. Shared data: $NPM1_FLT3_SHARED or ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --tests
exec .venv/bin/python -m pytest "$@"
