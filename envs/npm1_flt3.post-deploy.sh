#!/usr/bin/env bash
# Snakemake runs this once, right after creating the conda env of envs/npm1_flt3.yaml, inside that
# env ($CONDA_PREFIX) and from a copy of this file in the conda env folder, so it finds the workflow
# through NPM1_FLT3_SOURCE (its folder, exported by rules/common.smk), not through its own path.
# It installs the npm1_flt3 package and its `npm1-flt3` command; the dependencies come from the
# pins in npm1_flt3.yaml (--no-deps).
#
# Snakemake names the env after a hash of npm1_flt3.yaml and this script: the package version
# below (kept equal to npm1_flt3.__version__ by tests/test_envs.py) makes every release a new env.
# Code edited without a new version is not reinstalled into an existing env.
set -euo pipefail
version=0.4.0

source_dir=${NPM1_FLT3_SOURCE:-}
if [ -z "$source_dir" ] || [ ! -f "$source_dir/pyproject.toml" ] || [ ! -d "$source_dir/npm1_flt3" ]; then
  echo "npm1_flt3.post-deploy.sh: NPM1_FLT3_SOURCE='$source_dir' is not the npm1-flt3 workflow folder;" \
    "rules/common.smk sets it when Snakemake loads the workflow" >&2
  exit 1
fi

# pip builds in the folder it is given (build/, *.egg-info): build from a copy, not the clone.
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
cp -R "$source_dir/pyproject.toml" "$source_dir/npm1_flt3" "$copy/"
"$CONDA_PREFIX/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$copy"

printed=$("$CONDA_PREFIX/bin/npm1-flt3" --version)
if [ "$printed" != "npm1-flt3 $version" ]; then
  echo "npm1_flt3.post-deploy.sh: installed '$printed' from $source_dir, expected npm1-flt3 $version" >&2
  exit 1
fi
