"""Junction k-mer counting (npm1_flt3/junctions.py): the ITD allele fraction that does not depend
on the ITD's length."""

import random

import pytest

from npm1_flt3.junctions import (
    JunctionCounts,
    contains,
    count_junction_fragments,
    design_probes,
    mutant_sequence,
)
from npm1_flt3.variants import Variant

WINDOW_START = 1001
K = 30


@pytest.fixture(scope="module")
def window() -> str:
    rng = random.Random(11)
    return "".join(rng.choice("ACGT") for _ in range(1200))


def duplication(window: str, anchor_index: int, length: int) -> Variant:
    """A plain tandem duplication of the `length` bases after window[anchor_index]."""
    pos = WINDOW_START + anchor_index
    copied = window[anchor_index + 1: anchor_index + 1 + length]
    return Variant("chr13", pos, window[anchor_index], window[anchor_index] + copied)


def tiled_fragments(sequence: str, fragment: int, read: int, step: int, prefix: str):
    """Paired fragments starting every `step` bases: (name, read1), (name, read2) per fragment."""
    for start in range(0, len(sequence) - fragment + 1, step):
        piece = sequence[start:start + fragment]
        name = f"{prefix}{start}"
        yield name, piece[:read]
        yield name, piece[-read:]


def test_probes_separate_the_haplotypes(window):
    variant = duplication(window, 500, 60)
    design = design_probes(WINDOW_START, window, variant, [], K)
    mutant = mutant_sequence(WINDOW_START, window, variant)
    assert design.mutant in mutant and design.mutant not in window
    for flank in (design.left, design.right):
        assert window.count(flank) == 1 and mutant.count(flank) == 1


def test_shared_flanks_lie_outside_both_copies(window):
    # Inside the duplicated segment every k-mer is doubled in the mutant, so the right flank must
    # reach past the end of the segment.
    variant = duplication(window, 500, 60)
    design = design_probes(WINDOW_START, window, variant, [], K)
    right_start = window.index(design.right)
    assert right_start + K > 500 + 60
    assert window.index(design.left) + K <= 501


def test_a_second_clone_keeps_the_flanks_single_copy(window):
    first, second = duplication(window, 500, 60), duplication(window, 530, 21)
    design = design_probes(WINDOW_START, window, first, [second], K)
    other = mutant_sequence(WINDOW_START, window, second)
    assert other.count(design.left) == 1 and other.count(design.right) == 1


@pytest.mark.parametrize("length", [3, 6, 21, 90, 150, 240, 300])
@pytest.mark.parametrize("vaf, mutant_step, wild_step", [(0.4, 3, 2), (0.2, 4, 1)])
def test_vaf_is_exact_for_every_length_even_longer_than_the_reads(window, length, vaf, mutant_step, wild_step):
    """Evenly spaced 250-bp fragments with 2x150 reads from each haplotype, in proportion to the
    VAF (a mutant fragment every mutant_step bases, a wild-type one every wild_step): the mutant
    fragment count over the mean flank count gives the VAF back, whether the ITD is 6 bp or
    twice the read length."""
    variant = duplication(window, 450, length)
    mutant = mutant_sequence(WINDOW_START, window, variant)
    reads = [*tiled_fragments(mutant, 250, 150, mutant_step, "m"),
             *tiled_fragments(window, 250, 150, wild_step, "w")]
    design = design_probes(WINDOW_START, window, variant, [], K)
    (count,) = count_junction_fragments(reads, [design])
    assert count.mutant / count.depth == pytest.approx(vaf, abs=0.02)


def test_overlapping_mates_count_their_fragment_once(window):
    variant = duplication(window, 500, 30)
    mutant = mutant_sequence(WINDOW_START, window, variant)
    design = design_probes(WINDOW_START, window, variant, [], K)
    junction = mutant.index(design.mutant)
    piece = mutant[junction - 60: junction + 90]  # both mates contain the junction probe
    (count,) = count_junction_fragments([("pair", piece[:120]), ("pair", piece[-120:])], [design])
    assert count.mutant == 1


def test_one_mismatch_is_tolerated_only_when_the_probes_allow_it(window):
    variant = duplication(window, 500, 60)
    design = design_probes(WINDOW_START, window, variant, [], K)
    assert design.max_mismatches == 1  # random sequence: every probe is far from all other k-mers
    probe = design.mutant
    one_error = probe[:7] + ("A" if probe[7] != "A" else "C") + probe[8:]
    two_errors = one_error[:20] + ("A" if one_error[20] != "A" else "C") + one_error[21:]
    assert contains("GG" + one_error + "TT", probe, 1)
    assert not contains("GG" + one_error + "TT", probe, 0)
    assert not contains("GG" + two_errors + "TT", probe, 1)


def test_repeats_make_probes_exact_only():
    # A window of a short repeat: every k-mer has near-copies, so no mismatch may be tolerated.
    unit = "ACGTTGCA"
    rng = random.Random(3)
    window = "".join(rng.choice("ACGT") for _ in range(300)) + unit * 40 + "".join(rng.choice("ACGT") for _ in range(300))
    variant = duplication(window, 300 + 8 * 20 - 1, 10)
    design = design_probes(WINDOW_START, window, variant, [], K)
    assert design is None or design.max_mismatches == 0


def test_flank_counts_that_disagree_are_not_trusted():
    assert JunctionCounts(mutant=40, left=100, right=96).flanks_agree()
    assert not JunctionCounts(mutant=40, left=30, right=100).flanks_agree()
    assert not JunctionCounts(mutant=0, left=0, right=0).flanks_agree()


def delins(window: str, first_index: int, deleted: int, inserted: str) -> Variant:
    """Window bases first_index .. first_index + deleted - 1 replaced by `inserted` (no anchor)."""
    return Variant("chr5", WINDOW_START + first_index, window[first_index:first_index + deleted], inserted)


def test_a_delins_gets_probes_across_its_new_bases(window):
    # NPM1 type E's shape: five bases replaced by nine; REF and ALT share no base.
    variant = delins(window, 500, 5, "CTCTTGCCC")
    design = design_probes(WINDOW_START, window, variant, [], K)
    mutant = mutant_sequence(WINDOW_START, window, variant)
    assert mutant == window[:500] + "CTCTTGCCC" + window[505:]
    assert design.mutant in mutant and design.mutant not in window
    start = mutant.index(design.mutant)
    assert start < 500 + 9 and start + K > 500  # it holds some of the new bases
    assert window.index(design.left) + K <= 500  # the flanks lie outside the replaced bases
    assert window.index(design.right) >= 505
    for flank in (design.left, design.right):
        assert window.count(flank) == 1 and mutant.count(flank) == 1


@pytest.mark.parametrize("inserted", ["CTCTTGCCC", "CCCG"])
def test_delins_vaf_is_exact(window, inserted):
    variant = delins(window, 450, 5, inserted)
    mutant = mutant_sequence(WINDOW_START, window, variant)
    reads = [*tiled_fragments(mutant, 250, 150, 3, "m"), *tiled_fragments(window, 250, 150, 2, "w")]
    design = design_probes(WINDOW_START, window, variant, [], K)
    (count,) = count_junction_fragments(reads, [design])
    assert count.mutant / count.depth == pytest.approx(0.4, abs=0.02)
