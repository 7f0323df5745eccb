"""Reference data shipped inside the package (npm1_flt3/reference_data/README.md): the NPM1/FLT3
gene slices of GRCh38 and the MANE exon models, so that a clone or a pip install runs on its own."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
GENE_SLICES_FASTA = DATA_DIR / "grch38_npm1_flt3_loci.fa"
EXONS_TSV = DATA_DIR / "exons.tsv"
FEATURES_TSV = DATA_DIR / "features.tsv"
