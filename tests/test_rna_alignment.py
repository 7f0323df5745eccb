"""RNA reads (assay rna): alignments to the exon contigs are projected onto GRCh38 with an N at each
junction, and each read keeps the better of its exon-contig and genome alignments
(npm1_flt3/rna_alignment.py, npm1_flt3/rna_reference.py)."""

from __future__ import annotations

import pysam
import pytest

from npm1_flt3.packaged import EXONS_TSV, GENE_SLICES_FASTA
from npm1_flt3.reference import GenomeReference
from npm1_flt3.rna_alignment import Merger, Placements, project
from npm1_flt3.rna_reference import ExonContig, exon_contigs, exon_joined_window, write_exon_contigs
from npm1_flt3.transcripts import load_transcripts

M, I, D, N, S = 0, 1, 2, 3, 4

# Two exons, 101-110 and 201-210 (GRCh38), joined: contig bases 0-9 then 10-19.
TWO_EXONS = ExonContig("G_NM_1_exons", "G", "chr5", ((101, 110), (201, 210)))
TABLE = TWO_EXONS.to_genome_table()


@pytest.fixture(scope="module")
def genome():
    return GenomeReference(GENE_SLICES_FASTA)


@pytest.fixture(scope="module")
def transcripts():
    return load_transcripts(EXONS_TSV)


def test_an_alignment_inside_one_exon_keeps_its_cigar():
    assert project(TABLE, 2, [(M, 6)]) == (103, [(M, 6)])


def test_an_alignment_across_a_junction_gets_the_intron_as_n():
    # 5 bases at the end of exon 1 (106-110), 5 at the start of exon 2 (201-205).
    assert project(TABLE, 5, [(S, 3), (M, 10), (S, 2)]) == (106, [(S, 3), (M, 5), (N, 90), (M, 5), (S, 2)])


def test_an_insertion_at_the_junction_stays_before_the_intron():
    assert project(TABLE, 5, [(M, 5), (I, 4), (M, 5)]) == (106, [(M, 5), (I, 4), (N, 90), (M, 5)])


def test_a_deletion_across_the_junction_is_split_around_the_intron():
    assert project(TABLE, 7, [(M, 2), (D, 3), (M, 3)]) == (108, [(M, 2), (D, 1), (N, 90), (D, 2), (M, 3)])


def test_an_alignment_starting_on_the_second_exon_starts_there():
    assert project(TABLE, 10, [(M, 4)]) == (201, [(M, 4)])


def test_exon_contigs_are_the_mane_exons_joined_in_genome_order(genome, transcripts, tmp_path):
    contigs = {c.gene: c for c in exon_contigs(transcripts)}
    assert contigs["NPM1"].name == "NPM1_NM_002520.7_exons"
    # The joined exons are as long as the mRNA (exons.tsv cdna_end of the last exon).
    assert contigs["FLT3"].length == 3826
    out = tmp_path / "exons.fa"
    write_exon_contigs(genome, list(contigs.values()), out)
    with pysam.FastaFile(str(out)) as fasta:
        npm1 = fasta.fetch("NPM1_NM_002520.7_exons")
    exon12 = transcripts["NPM1"].exon_by_legacy(12)
    exon11 = transcripts["NPM1"].exon_by_legacy(11)
    junction = genome.fetch("chr5", exon11.end - 9, exon11.end) + genome.fetch("chr5", exon12.start, exon12.start + 9)
    assert junction in npm1  # a read across legacy exons 11/12 reads this


def test_the_mrna_window_keeps_an_exon_positions(genome, transcripts):
    flt3 = transcripts["FLT3"]
    exon14 = flt3.exon(14)
    start, sequence = exon_joined_window(flt3, genome.fetch, exon14.start + 10, exon14.start + 20)
    assert sequence[exon14.start + 10 - start: exon14.start + 21 - start] == genome.fetch("chr13", exon14.start + 10,
                                                                                          exon14.start + 20)
    # Right before exon 14 (FLT3 is on the minus strand: lower coordinates) comes exon 15, not intron 14.
    exon15 = flt3.exon(15)
    assert sequence[exon14.start - 5 - start: exon14.start - start] == genome.fetch("chr13", exon15.end - 4, exon15.end)


def test_a_position_in_an_intron_has_no_mrna_window(genome, transcripts):
    flt3 = transcripts["FLT3"]
    assert exon_joined_window(flt3, genome.fetch, flt3.exon(14).start - 5, flt3.exon(14).start - 5) is None


# --- choosing, per read, between the exon-contig and the genome alignment ------------------------------

class Collected:
    def __init__(self, header):
        self.header = header
        self.records = []

    def write(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def placements(genome, transcripts):
    return Placements.load(genome, exon_contigs(transcripts))


def header_with(names_lengths):
    return pysam.AlignmentHeader.from_dict({"SQ": [{"SN": n, "LN": length} for n, length in names_lengths]})


def record(header, name, contig, start, cigar, score, mapq=60, flag=0x41):
    read = pysam.AlignedSegment(header)
    read.query_name, read.flag = name, flag
    length = sum(n for op, n in cigar if op in (M, I, S))
    read.query_sequence, read.query_qualities = "A" * length, pysam.qualitystring_to_array("I" * length)
    if contig is None:
        read.flag |= 0x4
        return read
    read.reference_name, read.reference_start, read.cigartuples = contig, start, cigar
    read.mapping_quality = mapq
    read.set_tag("AS", score)
    return read


def genome_header(genome):
    return header_with([(p.contig, p.length) for p in genome.placements])


def exon_header(placements):
    return header_with([(c.name, c.length) for c in placements.contigs.values()])


def merge_one(placements, genome, exon_read, genome_read):
    out = Collected(genome_header(genome))
    merger = Merger(placements, out)
    merger.template([exon_read], [genome_read])
    return out.records


def npm1_junction_read(placements, exon_header_, score, mapq=60):
    # 20 bases at the end of legacy exon 11, 30 at the start of exon 12 (the type A site is there).
    contig = placements.contigs["NPM1_NM_002520.7_exons"]
    table = placements.tables[contig.name]
    exon12_first = next(i for i, g in enumerate(table) if g == contig.blocks[-1][0])
    return record(exon_header_, "r1", contig.name, exon12_first - 20, [(M, 50)], score, mapq)


def test_a_junction_read_takes_its_projected_alignment_and_the_genome_mapq(genome, placements, transcripts):
    exon12 = transcripts["NPM1"].exon_by_legacy(12)
    exon11 = transcripts["NPM1"].exon_by_legacy(11)
    npm1_slice = genome.placement_of("chr5", exon12.start)
    clipped = record(genome_header(genome), "r1", npm1_slice.contig, exon12.start - npm1_slice.offset - 1,
                     [(S, 20), (M, 30)], 30, mapq=37)
    spliced = npm1_junction_read(placements, exon_header(placements), 50)
    [merged] = merge_one(placements, genome, spliced, clipped)
    assert merged.reference_name == npm1_slice.contig
    assert merged.reference_start + npm1_slice.offset + 1 == exon11.end - 19
    assert merged.cigartuples == [(M, 20), (N, exon12.start - exon11.end - 1), (M, 30)]
    assert merged.mapping_quality == 37  # the genome vouches for the read's unspliced part
    assert merged.next_reference_id == -1  # mate fields are samtools fixmate's job


def test_an_exonic_read_scoring_the_same_keeps_its_genome_alignment(genome, placements, transcripts):
    exon12 = transcripts["NPM1"].exon_by_legacy(12)
    npm1_slice = genome.placement_of("chr5", exon12.start)
    plain = record(genome_header(genome), "r1", npm1_slice.contig, exon12.start - npm1_slice.offset + 5,
                   [(M, 50)], 50)
    contig = placements.contigs["NPM1_NM_002520.7_exons"]
    exon_read = record(exon_header(placements), "r1", contig.name, 1200, [(M, 50)], 50)
    [merged] = merge_one(placements, genome, exon_read, plain)
    assert merged is plain


def test_a_read_placed_elsewhere_by_the_genome_gets_the_score_margin_as_mapq(genome, placements):
    elsewhere = record(genome_header(genome), "r1", genome.placements[1].contig, 500, [(M, 50)], 46, mapq=60)
    spliced = npm1_junction_read(placements, exon_header(placements), 50)
    [merged] = merge_one(placements, genome, spliced, elsewhere)
    assert merged.mapping_quality == 24  # 6 per point of alignment score over the other hit


def test_a_read_the_genome_cannot_align_keeps_the_exon_contig_mapq(genome, placements):
    unaligned = record(genome_header(genome), "r1", None, 0, [], 0)
    spliced = npm1_junction_read(placements, exon_header(placements), 50, mapq=55)
    [merged] = merge_one(placements, genome, spliced, unaligned)
    assert merged.mapping_quality == 55


def test_an_itd_copying_an_intron_is_spliced_out_of_both_copies_in_the_mrna(genome, transcripts):
    # A genomic duplication of exon-15 end + intron 14 + exon-14 start (FLT3, minus strand): both
    # copies carry the splice sites, so the transcripts duplicate only the exonic bases.
    from npm1_flt3.rna_reference import spliced_variant
    from npm1_flt3.variants import Variant

    flt3 = transcripts["FLT3"]
    exon15, exon14 = flt3.exon(15), flt3.exon(14)
    first, last = exon15.end - 59, exon14.start + 89  # 60 + intron + 90 bases
    dup = Variant("chr13", first - 1, genome.fetch("chr13", first - 1, first - 1),
                  genome.fetch("chr13", first - 1, last))
    spliced = spliced_variant(flt3, genome.fetch, dup)
    assert spliced.inserted == genome.fetch("chr13", first, exon15.end) + genome.fetch("chr13", exon14.start, last)
    assert len(spliced.inserted) == 150
    inside_exon = Variant("chr13", exon14.start + 9, genome.fetch("chr13", exon14.start + 9, exon14.start + 9),
                          genome.fetch("chr13", exon14.start + 9, exon14.start + 39))
    assert spliced_variant(flt3, genome.fetch, inside_exon) == inside_exon


def test_a_spliced_npm1_read_is_placed_as_the_read_bases_it_has_before_the_junction():
    # 3 bases of exon 11, a 2,752-base intron, 47 bases of exon 12: counted as 50 read bases ending
    # where the read ends, not as a read reaching 2,752 positions further left.
    from npm1_flt3.caller import evidence_read

    header = header_with([("chr5", 200_000_000)])
    read = record(header, "r1", "chr5", 1000, [(M, 3), (N, 2752), (M, 47)], 50)
    spliced = evidence_read(read, 0, collapse_introns=True)
    assert (spliced.first, spliced.last) == (1001 + 2752, 1000 + 3 + 2752 + 47)
    assert spliced.last - spliced.first + 1 == 50
    assert evidence_read(read, 0).first == 1001  # DNA reads (and FLT3) keep their GRCh38 span
