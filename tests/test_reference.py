"""GRCh38 coordinates from either kind of reference: gene slices or whole chromosomes."""

import pysam
import pytest

from conftest import REFERENCE
from npm1_flt3.reference import GenomeReference, ReferenceError, place_contig


def test_slice_contig_is_placed_by_its_name():
    placement = place_contig("chr5:171387116-171410900", 23785)
    assert (placement.chrom, placement.offset) == ("chr5", 171387115)
    assert placement.grch38_end == 171410900


@pytest.mark.parametrize("name", ["chr13", "13"])
def test_whole_chromosome_is_placed_at_offset_zero(name):
    placement = place_contig(name, 114364328)
    assert (placement.chrom, placement.offset) == ("chr13", 0)


def test_alt_and_decoy_contigs_are_ignored():
    assert place_contig("chrUn_KI270302v1", 2274) is None
    assert place_contig("HLA-A*01:01:01:01", 3503) is None


def test_slice_whose_length_disagrees_with_its_name_is_rejected():
    with pytest.raises(ReferenceError, match="holds 100 bp"):
        place_contig("chr5:1000-2000", 100)


def test_fetch_speaks_grch38_on_the_slice_reference():
    genome = GenomeReference(REFERENCE)
    # features.tsv: NPM1 type A duplicates TCTG at chr5:171410540-171410543; D835 codon (+ strand) ATC.
    assert genome.fetch("chr5", 171410540, 171410543) == "TCTG"
    assert genome.fetch("chr13", 28018503, 28018505) == "ATC"
    assert genome.contig_length("chr13") == 114364328


def test_fetch_speaks_grch38_on_a_whole_chromosome_reference(tmp_path):
    # A '13' contig as long as GRCh38 up to the FLT3 end: N before the gene, the real FLT3 sequence
    # at its GRCh38 place. Only coordinates are under test, so the N padding stands in for chr13.
    slice_genome = GenomeReference(REFERENCE)
    flt3 = slice_genome.fetch("chr13", 28003274, 28100576)
    fasta = tmp_path / "whole.fa"
    with fasta.open("w") as handle:
        handle.write(">13\n" + "N" * 28003273 + flt3 + "\n")
    pysam.faidx(str(fasta))
    whole = GenomeReference(fasta)
    assert whole.fetch("chr13", 28018503, 28018505) == "ATC"
    assert whole.placement_of("13", 28018503).contig == "13"


def test_a_reference_without_the_genes_is_refused(tmp_path):
    fasta = tmp_path / "other.fa"
    fasta.write_text(">chr1\nACGT\n")
    pysam.faidx(str(fasta))
    with pytest.raises(ReferenceError, match="no contig covering GRCh38 chr5"):
        GenomeReference(fasta).fetch("chr5", 171410540, 171410543)
