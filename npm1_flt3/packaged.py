"""Data shipped inside the package, so that a clone or a pip install runs on its own: the NPM1/FLT3
gene slices of GRCh38 and the MANE exon models (npm1_flt3/reference_data/README.md), and the
sample-sheet schema (schemas/samples.schema.yaml at the top of the repository links to it)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
GENE_SLICES_FASTA = DATA_DIR / "grch38_npm1_flt3_loci.fa"
EXONS_TSV = DATA_DIR / "exons.tsv"
FEATURES_TSV = DATA_DIR / "features.tsv"

# Found beside the code, not beside the repository: `pip install .` copies only the package.
SAMPLE_SHEET_SCHEMA = Path(__file__).resolve().parent / "schemas" / "samples.schema.yaml"
