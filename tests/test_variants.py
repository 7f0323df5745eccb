"""Variant normalisation: one event, one representation, however the reads showed it."""

from npm1_flt3.variants import (
    Variant,
    deletion,
    insertion,
    left_normalise,
    local_change,
    right_shift,
    tandem_duplication,
)

# A toy chromosome: position 1 is 'G'.
#          1234567890123
SEQUENCE = "GATCTGTCTGAAC"


def fetch(chrom, start, end):
    return SEQUENCE[start - 1 : end]


def test_insertion_in_a_repeat_moves_to_its_leftmost_place():
    # TCTG inserted after position 10 (the second TCTG copy ends there) is the same haplotype as
    # TCTG inserted after position 2 (A), where the repeat starts.
    assert insertion("t", 10, "TCTG", fetch) == Variant("t", 2, "A", "ATCTG")


def test_deletion_in_a_repeat_moves_to_its_leftmost_place():
    # Deleting 7-10 (TCTG) equals deleting 3-6 (TCTG).
    assert deletion("t", 7, 10, fetch) == Variant("t", 2, "ATCTG", "A")


def test_tandem_duplication_is_an_insertion_of_the_copy():
    # Duplicating 3-6 (TCTG): haplotype GATCTG|TCTG|TCTGAAC, left-normalised after position 2.
    assert tandem_duplication("t", 3, 6, fetch) == Variant("t", 2, "A", "ATCTG")


def test_extra_bases_between_copies_stay_in_the_event():
    variant = tandem_duplication("t", 3, 6, fetch, extra="GG")
    assert variant.length == 6
    assert variant.kind == "INS"


def test_snv_is_left_alone():
    snv = Variant("t", 5, "T", "A")
    assert left_normalise(snv, fetch) is snv


def test_right_shift_gives_the_hgvs_3prime_placement():
    # The leftmost insertion after 2 shifts right to after 10 (end of the repeat).
    assert right_shift(Variant("t", 2, "A", "ATCTG"), fetch) == (10, "TCTG")


def test_kinds_and_lengths():
    assert Variant("t", 2, "A", "ATCTG").kind == "INS"
    assert Variant("t", 2, "ATCTG", "A").kind == "DEL"
    assert Variant("t", 2, "AT", "GC").kind == "DELINS"
    assert Variant("t", 2, "A", "C").length == 1


# local_change: a read's bases over a stretch of reference, made into one normalised variant.


def test_a_replacement_is_one_delins_without_shared_bases():
    # Positions 3-6 (TCTG) read as AAC: nothing shared at either end.
    assert local_change("t", 3, "TCTG", "AAC", fetch) == Variant("t", 3, "TCTG", "AAC")
    # The same change seen through a wider window (shared bases on both sides) is the same variant.
    assert local_change("t", 2, "ATCTGT", "AAACT", fetch) == Variant("t", 3, "TCTG", "AAC")
    assert local_change("t", 2, "ATCTGT", "AAACT", fetch).kind == "DELINS"
    # A shared last base is trimmed: TCTG -> AAG is TCT -> AA.
    assert local_change("t", 3, "TCTG", "AAG", fetch) == Variant("t", 3, "TCT", "AA")


def test_a_window_holding_only_an_insertion_gives_the_left_normalised_insertion():
    # TCTG read in after position 10 (inside the repeat): the same as after 2, as insertion() says.
    assert local_change("t", 9, "TG", "TGTCTG", fetch) == Variant("t", 2, "A", "ATCTG")
    assert local_change("t", 11, "", "TCTG", fetch) == Variant("t", 2, "A", "ATCTG")


def test_a_window_holding_only_a_deletion_gives_the_left_normalised_deletion():
    assert local_change("t", 7, "TCTGA", "A", fetch) == Variant("t", 2, "ATCTG", "A")


def test_one_or_no_changed_base():
    assert local_change("t", 4, "CTG", "CAG", fetch) == Variant("t", 5, "T", "A")
    assert local_change("t", 4, "CTG", "CTG", fetch) is None


def test_trimming_takes_the_common_suffix_first():
    # GATCTG -> GATCTCTG could be CT inserted anywhere in the TC/CT run; the suffix-first trim
    # and left-normalisation give the left-most placement.
    assert local_change("t", 1, "GATCTG", "GATCTCTG", fetch) == Variant("t", 2, "A", "ATC")
