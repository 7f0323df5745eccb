#!/usr/bin/env bash
# Quick start, part 1: install what is missing, simulate the demo cohort, run the whole workflow.
# Extra arguments go to snakemake (e.g. --cores 8). Runs on the repository alone: the reference is
# the NPM1/FLT3 gene slices shipped in npm1_flt3/reference_data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

reference=npm1_flt3/reference_data/grch38_npm1_flt3_loci.fa
annotation=npm1_flt3/reference_data/exons.tsv

.venv/bin/python -m benchmarks.simulation demo --reference "$reference" --annotation "$annotation" --outdir demo
# The workflow's jobs call `npm1-flt3`, installed in .venv: put it on PATH, as activating it would.
export PATH="$PWD/.venv/bin:$PATH"
snakemake --cores "$(nproc)" --config samples=demo/samples.tsv reference="$reference" "$@"

cat <<MSG

npm1-flt3 demo finished. Results:
  results/cohort/cohort.tsv       one row per sample (NPM1, FLT3-ITD, FLT3-TKD status)
  results/cohort/variants.tsv     one row per variant
  results/calls/<sample>.vcf.gz   annotated VCF per sample
  results/qc/multiqc_report.html  QC report
The demo's truth is in demo/truth.tsv and demo/truth_status.tsv.
MSG
