#!/usr/bin/env bash
# Install what is missing, and nothing else: Debian packages for the command-line tools, and the
# pinned Python packages (requirements.txt) in a virtual environment at .venv. Safe to re-run.
# Needs root (or sudo) only when a Debian package is missing. --tests adds the test suite's needs.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-pip   # the virtual environment
  fastp bwa samtools bcftools tabix  # trimming, alignment, VCF checks
  mosdepth libhts-dev                # Debian's mosdepth loads libhts.so, which libhts-dev provides
  art-nextgen-simulation-tools       # ART, the read simulator behind the demo and the benchmarks
)
# --tests: also what only the test suite needs (a real browser to open the MultiQC report).
if [ "${1:-}" = "--tests" ]; then
  APT_PACKAGES+=(chromium)
fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "install.sh: installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install.sh: run as root to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rebuild the environment only when the pins change.
wanted=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
stamp=.venv/.installed-requirements
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "install.sh: installing Python packages into .venv"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$wanted" > "$stamp"
fi
