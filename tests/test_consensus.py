"""UMI consensus (npm1_flt3/consensus.py): one read pair per molecule, errors of one read or one
strand voted out, duplex where both strands were read."""

import io
import random

import numpy as np
import pysam
import pytest

from npm1_flt3.consensus import ConsensusWriter, call_consensus, duplex_consensus, strand_consensus

HEADER = pysam.AlignmentHeader.from_dict({"SQ": [{"SN": "chrT", "LN": 10_000}]})
COMPLEMENT = str.maketrans("ACGT", "TGCA")
random.seed(7)
GENOME = "".join(random.choice("ACGT") for _ in range(10_000))


def reverse_complement(sequence: str) -> str:
    return sequence.translate(COMPLEMENT)[::-1]


def pair(name: str, left: int, length: int, strand_a: bool, fragment: str, read_length: int = 100):
    """A read pair of one strand of a fragment [left, left+length): strand A has read 1 at the left."""
    right_start = left + length - read_length
    forward = _segment(name, left, fragment[:read_length], reverse=False, mate=right_start)
    reverse = _segment(name, right_start, fragment[-read_length:], reverse=True, mate=left)
    forward.is_read1, reverse.is_read2 = strand_a, strand_a
    forward.is_read2, reverse.is_read1 = not strand_a, not strand_a
    return [forward, reverse]


def _segment(name, start, sequence, reverse, mate):
    read = pysam.AlignedSegment(HEADER)
    read.query_name, read.reference_id, read.reference_start = name, 0, start
    read.query_sequence, read.cigarstring = sequence, f"{len(sequence)}M"
    read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
    read.is_paired, read.is_reverse, read.mate_is_reverse = True, reverse, not reverse
    read.next_reference_id, read.next_reference_start = 0, mate
    read.set_tag("MC", f"{len(sequence)}M")
    return read


def consensus_of(reads, min_reads=2):
    out = io.StringIO()
    qc = call_consensus(sorted(reads, key=lambda r: r.reference_start), ConsensusWriter(out), min_reads)
    records = out.getvalue().split("\n")
    return qc, [(records[i], records[i + 1]) for i in range(0, len(records) - 1, 4)]


def family(umi_a, umi_b, left=1000, length=250, reads_a=3, reads_b=2, edit=None):
    fragment = GENOME[left:left + length]
    reads = []
    for strand_a, count, umi in ((True, reads_a, f"{umi_a}-{umi_b}"), (False, reads_b, f"{umi_b}-{umi_a}")):
        for i in range(count):
            sequence = edit(fragment, strand_a, i) if edit else fragment
            reads += pair(f"r{umi}{i}{strand_a}:{umi}", left, length, strand_a, sequence)
    return reads


def test_every_copy_of_a_molecule_becomes_one_read_pair_with_its_family_sizes():
    qc, records = consensus_of(family("AAAAAAAA", "CCCCCCCC"))
    assert qc.molecules == qc.molecules_kept == qc.duplex_molecules == 1
    assert [name for name, _ in records] == ["@m1:AAAAAAAA-CCCCCCCC\tcD:i:5\taD:i:3\tbD:i:2"] * 2
    left, right = (sequence for _, sequence in records)
    assert left == GENOME[1000:1100] and right == reverse_complement(GENOME[1150:1250])
    assert qc.family_sizes == {5: 1}


def test_an_error_in_one_read_of_a_strand_is_voted_out():
    def one_bad_read(fragment, strand_a, i):
        return fragment[:50] + ("A" if fragment[50] != "A" else "C") + fragment[51:] if i == 0 and strand_a else fragment
    _, records = consensus_of(family("AAAAAAAA", "CCCCCCCC", edit=one_bad_read))
    assert records[0][1] == GENOME[1000:1100]


def test_an_error_on_one_whole_strand_becomes_n_in_the_duplex():
    # A first-cycle PCR error or 8-oxoG: every read of strand A carries it, strand B does not.
    def strand_a_error(fragment, strand_a, i):
        return fragment[:50] + ("A" if fragment[50] != "A" else "C") + fragment[51:] if strand_a else fragment
    _, records = consensus_of(family("AAAAAAAA", "CCCCCCCC", edit=strand_a_error))
    assert records[0][1][50] == "N" and records[0][1][:50] == GENOME[1000:1050]


def test_a_true_variant_on_both_strands_is_kept():
    def variant(fragment, strand_a, i):
        return fragment[:50] + ("A" if fragment[50] != "A" else "C") + fragment[51:]
    _, records = consensus_of(family("AAAAAAAA", "CCCCCCCC", edit=variant))
    assert records[0][1][50] != GENOME[1050] and records[0][1][50] != "N"


def test_umis_one_error_apart_are_one_molecule_and_distinct_umis_are_two():
    reads = family("AAAAAAAA", "CCCCCCCC", reads_a=4, reads_b=0)
    reads += pair("x:AAAAAAAT-CCCCCCCC", 1000, 250, True, GENOME[1000:1250])  # UMI sequencing error
    reads += family("GGGGGGGG", "TTTTTTTT", reads_a=2, reads_b=0)  # another molecule, same position
    qc, records = consensus_of(reads)
    assert qc.molecules == 2 and qc.umis_merged == 1 and qc.duplex_molecules == 0
    assert sorted(name.split("\t")[1] for name, _ in records[::2]) == ["cD:i:2", "cD:i:5"]


def test_molecules_with_fewer_read_pairs_than_min_reads_are_counted_not_written():
    qc, records = consensus_of(family("AAAAAAAA", "CCCCCCCC", reads_a=1, reads_b=0), min_reads=2)
    assert (qc.molecules, qc.molecules_kept, records) == (1, 0, [])
    assert qc.as_json("S1", 2)["molecules_below_min_reads"] == 1


def test_molecules_at_different_positions_are_never_merged():
    reads = family("AAAAAAAA", "CCCCCCCC") + family("AAAAAAAA", "CCCCCCCC", left=1001)
    qc, _ = consensus_of(reads)
    assert qc.molecules == 2


def test_two_reads_that_disagree_give_an_n_not_a_guess():
    bases, quals = strand_consensus([("ACGT", bytes([30] * 4)), ("ACTT", bytes([30] * 4))])
    assert "".join("ACGTN"[b] for b in bases) == "ACNT" and quals[2] == 2


def test_the_consensus_is_as_long_as_at_least_half_the_reads():
    bases, _ = strand_consensus([("ACGTAC", bytes([30] * 6)), ("ACGT", bytes([30] * 4)), ("ACG", bytes([30] * 3))])
    assert len(bases) == 4


def test_duplex_qualities_add_up_where_the_strands_agree():
    a = (np.array([0, 1, 2]), np.array([30, 30, 30]))
    b = (np.array([0, 1, 3]), np.array([40, 20, 30]))
    bases, quals = duplex_consensus(a, b)
    assert list(bases) == [0, 1, 4] and list(quals) == [60, 50, 2]


@pytest.mark.parametrize("flag", ["is_secondary", "is_supplementary"])
def test_secondary_and_supplementary_records_are_not_reads_of_their_own(flag):
    reads = family("AAAAAAAA", "CCCCCCCC")
    extra = pair("s:AAAAAAAA-CCCCCCCC", 1000, 250, True, GENOME[1000:1250])[0]
    setattr(extra, flag, True)
    qc, _ = consensus_of(reads + [extra])
    assert qc.reads_in == len(reads)


def test_a_pair_whose_mate_is_unmapped_is_skipped_and_counted():
    lone = pair("u:AAAAAAAA-CCCCCCCC", 3000, 250, True, GENOME[3000:3250])[0]
    lone.mate_is_unmapped = True
    qc, _ = consensus_of(family("AAAAAAAA", "CCCCCCCC") + [lone])
    assert qc.skipped == {"mate unmapped, elsewhere or same strand": 1}


def test_the_report_plots_each_umi_samples_family_sizes_and_says_when_there_are_none(tmp_path):
    import json

    from npm1_flt3.report import umi_family_plot

    qc, _ = consensus_of(family("AAAAAAAA", "CCCCCCCC"))
    path = tmp_path / "S1.families.json"
    path.write_text(json.dumps(qc.as_json("S1", 2)))
    plot = umi_family_plot([path])
    assert plot["plot_type"] == "linegraph"
    assert plot["data"] == {"S1 (1 molecules, 100% duplex)": {5: 1}}
    assert "No sample of this batch has UMIs" in umi_family_plot([])["data"]


def test_single_end_reads_become_one_consensus_read_per_molecule():
    reads = []
    for i in range(3):
        read = _segment(f"s{i}:AAAAAAAA", 2000, GENOME[2000:2100], reverse=False, mate=0)
        read.is_paired = False
        read.next_reference_id = -1
        reads.append(read)
    qc, records = consensus_of(reads)
    assert (qc.molecules_kept, len(records)) == (1, 1)
    assert records[0] == ("@m1:AAAAAAAA\tcD:i:3\taD:i:3\tbD:i:0", GENOME[2000:2100])
