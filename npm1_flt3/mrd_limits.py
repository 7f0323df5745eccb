"""What an MRD count can and cannot say: the test against the error background, the limit of
detection (LOD) that a sample reached, the limit of quantification (LOQ), and DNA input in genome
equivalents. Plain functions; npm1_flt3/mrd.py applies them to every tracked allele.

* **Detected** means significantly above the allele's error background: with ``n`` molecules (or
  fragments) informative at the allele and a background rate ``mu`` with overdispersion ``rho``
  (npm1_flt3/background.py), the one-sided beta-binomial p of seeing ``k`` or more mutant ones is
  at most ``alpha``; and never fewer than ``min_count`` (one molecule is never enough). This is
  the test deepSNV/shearwater make (Gerstung et al. 2012, 2014), for one known allele.
* **The LOD accounts for the background.** ``critical_count`` is the smallest count that the test
  calls detected at this depth and background; the LOD is the smallest VAF at which that count is
  reached with 95% probability (binomial sampling of ``n`` molecules, each mutant with probability
  ``f + mu (1 - f)``). A noisy site or a shallow sample therefore has a high LOD, and a negative
  result there is worth less; ELN 2021 (Heuser et al., Blood 138:2753) asks that the sensitivity of
  each negative result be reported.
* **DNA input** limits the LOD too: 3.3 pg of DNA is one haploid human genome, so ``ng / 0.0033``
  genomes were put into the library, and no depth can sample more molecules than that. The LOD is
  computed on the smaller of the depth and the genome equivalents.
* **LOQ**: a count is quantifiable when its Poisson coefficient of variation 1/sqrt(k) is at most
  ``loq_cv`` (0.35, the precision commonly required of a quantitative PCR at its LOQ; Forootan et
  al. 2017, Biomol Detect Quantif 12:1). Below that, the allele is "detected below LOQ": present,
  but its VAF is imprecise (ELN's "positive, not quantifiable" for qPCR MRD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from npm1_flt3.stats import betabinomial_sf, binomial_sf

PICOGRAMS_PER_HAPLOID_GENOME = 3.3
CONFIDENCE = 0.95


@dataclass(frozen=True)
class ErrorBackground:
    """The error rate of one allele, per molecule or fragment, and what it rests on."""

    rate: float
    rho: float
    source: str  # batch, pon, batch+pon, default, or none (the test is off)
    samples: int  # control samples behind the rate


NO_BACKGROUND = ErrorBackground(0.0, 0.0, "none", 0)


def background_p(alt: int, depth: int, background: ErrorBackground) -> float | None:
    """One-sided p of ``alt`` or more mutant molecules of ``depth`` from the background alone."""
    if background is NO_BACKGROUND or depth <= 0:
        return None
    return betabinomial_sf(alt, depth, background.rate, background.rho)


def critical_count(depth: int, background: ErrorBackground, alpha: float, min_count: int) -> int | None:
    """The smallest mutant count that is significantly above the background (and >= min_count);
    None when no count up to the depth is."""
    if depth < min_count:
        return None
    if background is NO_BACKGROUND:
        return min_count

    def significant(count: int) -> bool:
        return betabinomial_sf(count, depth, background.rate, background.rho) <= alpha

    if not significant(depth):
        return None
    low, high = min_count, depth  # the tail only shrinks as the count grows: bisect
    while low < high:
        middle = (low + high) // 2
        if significant(middle):
            high = middle
        else:
            low = middle + 1
    return low


def detection_limit(sampled: int, count: int | None, background: ErrorBackground) -> float | None:
    """Smallest VAF at which ``sampled`` molecules show ``count`` mutant ones with 95% probability,
    background errors included; None when nothing can be detected."""
    if count is None or sampled < count or sampled <= 0:
        return None
    low, high = 0.0, 1.0
    for _ in range(50):
        middle = (low + high) / 2
        chance = middle + background.rate * (1 - middle)
        if binomial_sf(count, sampled, chance) >= CONFIDENCE:
            high = middle
        else:
            low = middle
    return high


def genome_equivalents(dna_input_ng: float | None) -> float | None:
    """Haploid genomes in the DNA put into the library."""
    return None if dna_input_ng is None else dna_input_ng * 1000 / PICOGRAMS_PER_HAPLOID_GENOME


def sampled_molecules(depth: int, genomes: float | None) -> int:
    """Molecules a sample can have sampled: its depth, at most the genomes put in."""
    return depth if genomes is None else min(depth, math.floor(genomes))


def quantifiable_count(loq_cv: float) -> int:
    """The smallest count whose Poisson CV (1/sqrt(k)) is at most loq_cv."""
    return math.ceil(1 / loq_cv ** 2 - 1e-9)
