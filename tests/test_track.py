"""Counting a known allele in one sample (npm1_flt3/track.py): by fragment, with the mates of a
fragment agreeing, and duplex support of UMI consensus reads."""

import pysam

from npm1_flt3.track import _snv_count, track_rows
from npm1_flt3.variants import Variant

HEADER = pysam.AlignmentHeader.from_dict({"SQ": [{"SN": "chrT", "LN": 1000}]})
SITE = Variant("chrT", 101, "C", "A")  # 1-based; the reads below start at 0-based 90


def read(name, base, duplex=None, quality=30):
    segment = pysam.AlignedSegment(HEADER)
    segment.query_name, segment.reference_id, segment.reference_start = name, 0, 90
    segment.query_sequence, segment.cigarstring = "G" * 10 + base + "G" * 9, "20M"
    segment.query_qualities = pysam.qualitystring_to_array(chr(33 + quality) * 20)
    if duplex is not None:
        segment.set_tag("aD", duplex[0])
        segment.set_tag("bD", duplex[1])
    return segment, 0


def test_a_fragment_counts_once_however_many_of_its_reads_cover_the_site():
    count = _snv_count([read("f1", "A"), read("f1", "A"), read("f2", "C")], SITE, 20)
    assert (count.alt, count.depth) == (1, 2)


def test_a_fragment_whose_mates_disagree_is_left_out_as_an_error_of_one_read():
    count = _snv_count([read("f1", "A"), read("f1", "C"), read("f2", "C")], SITE, 20)
    assert (count.alt, count.depth) == (0, 1)


def test_low_quality_bases_are_not_counted():
    count = _snv_count([read("f1", "A", quality=10), read("f2", "C")], SITE, 20)
    assert (count.alt, count.depth) == (0, 1)


def test_duplex_support_counts_mutant_molecules_read_on_both_strands():
    reads = [read("m1", "A", (3, 2)), read("m2", "A", (4, 0)), read("m3", "C", (2, 2))]
    count = _snv_count(reads, SITE, 20)
    assert (count.alt, count.alt_duplex) == (2, 1)


def test_rows_say_what_a_count_is_and_give_duplex_support_only_for_molecules():
    count = _snv_count([read("m1", "A", (3, 2))], SITE, 20)
    allele = {"gene": "FLT3", "chrom": "chrT", "pos": 101, "ref": "C", "alt": "A"}
    [molecules] = track_rows("S1", [allele], [count], "molecules")
    [fragments] = track_rows("S1", [allele], [count], "fragments")
    assert (molecules["count_unit"], molecules["alt_duplex"]) == ("molecules", 1)
    assert (fragments["count_unit"], fragments["alt_duplex"]) == ("fragments", None)
