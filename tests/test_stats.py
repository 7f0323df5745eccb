"""Confidence intervals: checked against values worked out by hand from the Wilson formula."""

import pytest

from npm1_flt3.stats import allelic_ratio, allelic_ratio_interval, wilson_interval


def test_wilson_interval_of_20_in_400():
    # p = 0.05, n = 400, z = 1.96: centre = (0.05 + 3.8416/800) / (1 + 3.8416/400) = 0.054277;
    # half = 1.96 * sqrt(0.05*0.95/400 + 3.8416/640000) / 1.009604 = 0.021654.
    low, high = wilson_interval(20, 400)
    assert low == pytest.approx(0.03262, abs=1e-4)
    assert high == pytest.approx(0.07593, abs=1e-4)


def test_wilson_interval_stays_inside_zero_and_one():
    assert wilson_interval(0, 50)[0] == 0.0
    assert wilson_interval(50, 50)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_allelic_ratio_single_and_multiple_clones():
    assert allelic_ratio(0.2, 0.0) == pytest.approx(0.25)
    # Two clones at 0.1 and 0.3: AR of the first = 0.1 / (1 - 0.4).
    assert allelic_ratio(0.1, 0.3) == pytest.approx(1 / 6)
    assert allelic_ratio(0.6, 0.4) is None


def test_allelic_ratio_interval_follows_the_vaf_interval():
    low, high = allelic_ratio_interval((0.15, 0.25), 0.0)
    assert (low, high) == (pytest.approx(0.15 / 0.85), pytest.approx(0.25 / 0.75))
    assert allelic_ratio_interval((0.5, 1.0), 0.0)[1] is None
