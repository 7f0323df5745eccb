"""Confidence intervals for the fractions the caller reports, and the tests its filters make
(npm1_flt3/artefacts.py, npm1_flt3/background.py)."""

from __future__ import annotations

import math
from fractions import Fraction

Z_95 = 1.959964  # two-sided 95%


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion.

    Chosen over the plain normal interval because VAFs are often near 0 (low-level clones, MRD) or
    near 1, and counts are small: there the normal interval leaves [0, 1] or collapses to a point.
    """
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # At 0 or all successes the bound is exactly 0 or 1 (the formula leaves a rounding residue).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes >= trials else min(1.0, centre + half)
    return (low, high)


def allelic_ratio(vaf: float, other_itd_vaf: float) -> float | None:
    """AR = VAF / (1 - all ITD VAFs): mutant over wild-type; None when no wild type is left."""
    wild_type = 1 - other_itd_vaf - vaf
    return vaf / wild_type if wild_type > 0 else None


def total_fraction(counts: list[tuple[int, int]]) -> Fraction:
    """Sum of alt / depth over clones, exactly (no rounding on the way to a clinical cut-off)."""
    return sum((Fraction(alt, depth) for alt, depth in counts if depth > 0), Fraction(0))


def total_allelic_ratio(counts: list[tuple[int, int]]) -> Fraction | None:
    """AR of all clones together, exactly: total / (1 - total), from (alt, depth) counts; None
    when no wild type is left (or no clone). 100 ITD fragments of 300 give exactly 1/2."""
    if not counts:
        return None
    total = total_fraction(counts)
    return total / (1 - total) if total < 1 else None


def allelic_ratio_interval(vaf_interval: tuple[float, float], other_itd_vaf: float) -> tuple[float, float | None]:
    """AR bounds from the VAF bounds (AR grows with VAF), the other clones held at their estimates.
    The upper bound is None (unbounded) when the upper VAF leaves no wild type."""
    low, high = vaf_interval
    return (allelic_ratio(low, other_itd_vaf) or 0.0, allelic_ratio(high, other_itd_vaf))


def detection_limit(depth: int, min_alt_reads: int, confidence: float = 0.95) -> float | None:
    """Smallest VAF that ``depth`` reads would show with at least ``min_alt_reads`` mutant reads
    with probability ``confidence`` (exact binomial, by bisection); None without depth.

    A follow-up sample in which the allele is not seen is negative only down to this VAF: at
    depth 1,000 and one read needed it is about 0.3% (the 'rule of three'), at two reads 0.47%."""
    if depth <= 0 or min_alt_reads > depth:
        return None
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if binomial_sf(min_alt_reads, depth, middle) >= confidence:
            high = middle
        else:
            low = middle
    return high


def binomial_sf(successes: int, trials: int, p: float) -> float:
    """P(X >= successes) for X ~ Binomial(trials, p), terms in log space (depths reach 10^5)."""
    if successes <= 0 or p >= 1:
        return 1.0
    if p <= 0:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    below = sum(math.exp(_log_choose(trials, k) + k * log_p + (trials - k) * log_q) for k in range(successes))
    return 1.0 - below


# --- tests of the filters ------------------------------------------------------------------------

def betabinomial_sf(successes: int, trials: int, mu: float, rho: float) -> float:
    """P(X >= successes) for X ~ BetaBinomial(trials, mean mu, overdispersion rho)."""
    if successes <= 0:
        return 1.0
    if successes > trials:
        return 0.0
    mu = min(max(mu, 1e-12), 1 - 1e-12)
    dispersion = (1 - rho) / rho
    a, b = mu * dispersion, (1 - mu) * dispersion
    log_pmf = (_log_choose(trials, successes) + math.lgamma(successes + a) + math.lgamma(trials - successes + b)
               - math.lgamma(trials + a + b) + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))
    term = math.exp(log_pmf)
    total = term
    x = successes
    while x < trials:
        # P(x + 1) / P(x) = (n - x)(x + a) / ((x + 1)(n - x - 1 + b))
        term *= (trials - x) * (x + a) / ((x + 1) * (trials - x - 1 + b))
        total += term
        x += 1
        if term < total * 1e-12:
            break
    return min(total, 1.0)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_combined(p_forward: float, p_reverse: float) -> float:
    """Fisher's method for two p-values: chi-square with 4 degrees of freedom,
    P = exp(-X/2) (1 + X/2) with X = -2 ln(p1 p2)."""
    p_forward, p_reverse = max(p_forward, 1e-300), max(p_reverse, 1e-300)
    half = -(math.log(p_forward) + math.log(p_reverse))
    return min(math.exp(-half) * (1 + half), 1.0)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p-value of the table [[a, b], [c, d]] (sum of the probabilities of
    all tables with the same margins that are no more likely than this one)."""
    row1, col1, total = a + b, a + c, a + b + c + d
    low, high = max(0, row1 + col1 - total), min(row1, col1)

    def log_p(x: int) -> float:
        return (_log_choose(col1, x) + _log_choose(total - col1, row1 - x) - _log_choose(total, row1))

    observed = log_p(a)
    p = sum(math.exp(log_p(x)) for x in range(low, high + 1) if log_p(x) <= observed + 1e-9)
    return min(p, 1.0)
