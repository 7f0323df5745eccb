"""The reference data shipped in the package (npm1_flt3/reference_data): what a clone runs with
when nothing is beside it. It must be the curated mini-reference, byte for byte, with its
provenance and licence, and the workflow must use it when the config names no annotation."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from conftest import REPO, SHARED

from npm1_flt3.packaged import DATA_DIR, EXONS_TSV, FEATURES_TSV, GENE_SLICES_FASTA
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts

SHIPPED = ["grch38_npm1_flt3_loci.fa", "grch38_npm1_flt3_loci.fa.fai", "exons.tsv", "features.tsv",
           "PROVENANCE.md"]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.shared
def test_shipped_files_are_the_curated_reference_byte_for_byte():
    for name in SHIPPED:
        assert sha256(DATA_DIR / name) == sha256(SHARED / "reference" / name), name


def test_shipped_data_is_small_and_carries_its_licence():
    total = sum(p.stat().st_size for p in DATA_DIR.iterdir())
    assert total < 200_000  # small files only: nothing large is copied
    assert "Copyright (c) 2019 LUMC" in (DATA_DIR / "LICENSE-HAMLET").read_text()
    assert "LUMC/HAMLET" in (DATA_DIR / "README.md").read_text()


def test_the_gene_slices_and_exon_models_load():
    genome = GenomeReference(GENE_SLICES_FASTA)
    transcripts = load_transcripts(EXONS_TSV)
    npm1 = transcripts["NPM1"]
    # NPM1 type A site: c.860_863 = chr5:171410540-171410543 is TCTG (features.tsv says the same).
    assert genome.fetch("chr5", 171410540, 171410543) == "TCTG"
    assert npm1.exon_by_legacy(12).number == 11
    assert "171410539" in FEATURES_TSV.read_text()


def test_package_data_is_declared_for_pip_install():
    pyproject = (REPO / "pyproject.toml").read_text()
    # The sample-sheet schema too (tests/test_installed_package.py installs the package and uses both).
    assert 'npm1_flt3 = ["reference_data/*", "schemas/*"]' in pyproject


def test_the_annotation_defaults_to_the_shipped_exon_models():
    schema = yaml.safe_load((REPO / "schemas" / "config.schema.yaml").read_text())
    assert schema["properties"]["annotation"]["default"] == ""  # "" = EXONS_TSV (rules/common.smk)
