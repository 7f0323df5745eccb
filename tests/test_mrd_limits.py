"""The statistics behind an MRD result (npm1_flt3/mrd_limits.py): what counts as detected over a
background, the limit of detection a sample reached, genome equivalents and the LOQ."""

import pytest

from npm1_flt3.mrd_limits import (NO_BACKGROUND, ErrorBackground, background_p, critical_count, detection_limit,
                                  genome_equivalents, quantifiable_count, sampled_molecules)

QUIET = ErrorBackground(1e-6, 1e-5, "batch", 20)  # an ITD junction: errors essentially never make one
NOISY = ErrorBackground(3e-4, 1e-4, "batch", 20)  # a substitution at raw-read error rates


def test_more_mutant_molecules_are_needed_over_a_noisy_background():
    assert critical_count(10_000, QUIET, 1e-3, 2) == 2
    assert critical_count(10_000, NOISY, 1e-3, 2) > 10


def test_the_needed_count_is_significant_and_one_fewer_is_not():
    needed = critical_count(10_000, NOISY, 1e-3, 2)
    assert background_p(needed, 10_000, NOISY) <= 1e-3 < background_p(needed - 1, 10_000, NOISY)


def test_without_a_background_the_minimum_count_alone_decides():
    assert critical_count(10_000, NO_BACKGROUND, 1e-3, 2) == 2
    assert background_p(5, 10_000, NO_BACKGROUND) is None


def test_the_lod_is_where_the_needed_count_is_reached_95_percent_of_the_time():
    # Two molecules over a negligible background: the binomial LOD, ~4.7/n.
    assert detection_limit(10_000, 2, QUIET) == pytest.approx(4.74e-4, rel=0.02)
    noisy_lod = detection_limit(10_000, critical_count(10_000, NOISY, 1e-3, 2), NOISY)
    assert noisy_lod > 1e-3  # a raw-read SNV site cannot reach ELN's 1e-3 at 10,000 fragments


def test_1e_3_is_reachable_at_10000_quiet_molecules_and_1e_4_needs_more():
    assert detection_limit(10_000, critical_count(10_000, QUIET, 1e-3, 2), QUIET) < 1e-3
    assert detection_limit(10_000, critical_count(10_000, QUIET, 1e-3, 2), QUIET) > 1e-4
    # At 100,000 molecules the overdispersion (rho 1e-5) asks for 6 mutant ones: the LOD is ~1e-4.
    assert detection_limit(100_000, critical_count(100_000, QUIET, 1e-3, 2), QUIET) == pytest.approx(1e-4, rel=0.1)
    assert detection_limit(200_000, critical_count(200_000, QUIET, 1e-3, 2), QUIET) < 1e-4


def test_nothing_can_be_detected_below_the_minimum_count():
    assert critical_count(1, QUIET, 1e-3, 2) is None
    assert detection_limit(1, None, QUIET) is None


def test_dna_input_caps_the_molecules_a_sample_can_have_sampled():
    assert genome_equivalents(33.0) == pytest.approx(10_000)
    assert genome_equivalents(None) is None
    assert sampled_molecules(100_000, genome_equivalents(10.0)) == 3030
    assert sampled_molecules(2_000, genome_equivalents(10.0)) == 2_000


def test_a_count_is_quantifiable_from_nine_molecules_at_a_cv_of_35_percent():
    assert quantifiable_count(0.35) == 9
    assert quantifiable_count(0.5) == 4
