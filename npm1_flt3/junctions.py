"""Allele fraction of an ITD from junction k-mers: the same measure for every ITD length.

Why not count evidence reads against aligned depth
-------------------------------------------------
A read shows an ITD only when it crosses the new junction where one copy of the duplicated
segment runs into the next. How much of the read must lie on each side depends on how the
aligner treats it: a short ITD sits inside the read as a CIGAR insertion, a long one leaves a
soft clip, and a clip of 15-20 bases is often shortened or absorbed by chance matches. Counting
those reads against the reads aligned across the site therefore loses more of the mutant reads
the longer the ITD is (at 40% VAF, 151-300 bp ITDs read about 0.33).

What is counted instead
-----------------------
Each candidate's mutant haplotype has k-mers that the wild type and the other candidates lack: the
ones crossing the new junction. Every haplotype, mutant or not, also carries the k-mers just
outside the duplicated segment, once. A read is counted for a k-mer when its sequence contains
it (at most one mismatch where that cannot confuse it with any other k-mer of the haplotypes).
Any fixed k-mer is contained in the reads of the same share of the molecules that carry it,
whatever the ITD's length or the aligner's choices, so with fragments (read pairs) counted once

    VAF = fragments with the mutant k-mer / mean(fragments with the left, with the right shared k-mer)

is unbiased; sequencing errors hit both counts alike.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from npm1_flt3.variants import Variant

# Hamming distance a probe keeps from every other k-mer of the haplotypes before one mismatch in a
# read is tolerated: a read that is one error away from the probe is then at least two from the rest.
MIN_DISTANCE_FOR_MISMATCH = 3
# Smallest left/right flank count ratio for which the k-mer counts are used (see flanks_agree).
FLANK_AGREEMENT = 0.75
# How far from the event a flank with room for a mismatch is looked for.
FLANK_SEARCH = 60


def mutant_sequence(window_start: int, window_seq: str, variant: Variant) -> str:
    """The window with REF replaced by ALT (indels keep their shared anchor base; SNVs work too)."""
    start = variant.pos - window_start
    return window_seq[:start] + variant.alt + window_seq[start + len(variant.ref):]


def kmer_counts(sequence: str, k: int) -> Counter:
    return Counter(sequence[i:i + k] for i in range(len(sequence) - k + 1))


@dataclass(frozen=True)
class JunctionProbes:
    """The k-mers that measure one candidate: its own new junction and the two shared flanks."""

    variant: Variant
    mutant: str
    left: str
    right: str
    max_mismatches: int  # 0 or 1, the same for all three so that errors cost each count alike

    @property
    def probes(self) -> tuple[str, str, str]:
        return self.mutant, self.left, self.right


def design_probes(window_start: int, window_seq: str, variant: Variant, others: list[Variant],
                  k: int) -> JunctionProbes | None:
    """Probes for ``variant``; None when its haplotypes leave no usable k-mer (then the caller keeps
    its read-based counts). ``others`` are the other candidates in the window: a shared probe must
    occur once in each of their haplotypes too."""
    mutant = mutant_sequence(window_start, window_seq, variant)
    haplotypes = [window_seq, mutant] + [mutant_sequence(window_start, window_seq, o) for o in others]
    counts = [kmer_counts(h, k) for h in haplotypes]
    # Index of the first changed base: after the shared anchor base of an insertion or deletion,
    # at POS for a DELINS (REF and ALT share no first base) or an SNV.
    shared = 1 if variant.ref[0] == variant.alt[0] and variant.kind in ("INS", "DEL") else 0
    cut = variant.pos - window_start + shared
    novel = [mutant[i:i + k]
             for i in range(max(cut - k + 1, 0), min(cut + len(variant.alt) - shared, len(mutant) - k + 1))
             if counts[0][mutant[i:i + k]] == 0 and counts[1][mutant[i:i + k]] == 1]
    if not novel:
        return None
    mutant_probe = novel[len(novel) // 2]  # any fixed novel k-mer will do; the middle one is the most central

    def shared(kmer: str) -> bool:
        return all(c[kmer] == 1 for c in counts)

    lefts = [window_seq[e - k:e] for e in range(cut, k - 1, -1)]
    rights = [window_seq[s:s + k] for s in range(cut, len(window_seq) - k + 1)]
    left, right = _nearest_flank(lefts, shared, haplotypes, k), _nearest_flank(rights, shared, haplotypes, k)
    if left is None or right is None:
        return None
    probes = (mutant_probe, left, right)
    tolerant = all(_distance_to_others(p, haplotypes, k) >= MIN_DISTANCE_FOR_MISMATCH for p in probes)
    return JunctionProbes(variant, mutant_probe, left, right, 1 if tolerant else 0)


def _nearest_flank(kmers: list[str], shared, haplotypes: list[str], k: int) -> str | None:
    """The first shared k-mer (nearest the event) that is also MIN_DISTANCE_FOR_MISMATCH from all
    others, within FLANK_SEARCH bases; else the first shared one. (Right at the end of a
    duplicated segment a shared k-mer differs from the copy-to-copy junction by one base.)"""
    single = [kmer for kmer in kmers[:FLANK_SEARCH] if shared(kmer)]
    distinct = (kmer for kmer in single if _distance_to_others(kmer, haplotypes, k) >= MIN_DISTANCE_FOR_MISMATCH)
    return next(distinct, None) or next(iter(single), None) or next((kmer for kmer in kmers if shared(kmer)), None)


def _distance_to_others(probe: str, haplotypes: list[str], k: int) -> int:
    """Smallest Hamming distance from probe to any *different* k-mer in the haplotypes."""
    target = np.frombuffer(probe.encode(), dtype=np.uint8)
    best = k
    for sequence in haplotypes:
        bases = np.frombuffer(sequence.encode(), dtype=np.uint8)
        if len(bases) < k:
            continue
        windows = np.lib.stride_tricks.sliding_window_view(bases, k)
        distances = np.count_nonzero(windows != target, axis=1)
        distances = distances[distances > 0]
        if distances.size:
            best = min(best, int(distances.min()))
    return best


def contains(read: str, probe: str, max_mismatches: int) -> bool:
    """Does read contain probe, allowing max_mismatches (0 or 1) substitutions? With one mismatch
    allowed, one half of the probe is intact, so its exact hits are the only places to check."""
    if probe in read:
        return True
    if max_mismatches == 0:
        return False
    half = len(probe) // 2
    for piece, shift in ((probe[:half], 0), (probe[half:], half)):
        hit = read.find(piece)
        while hit >= 0:
            start = hit - shift
            if 0 <= start <= len(read) - len(probe):
                if sum(a != b for a, b in zip(read[start:start + len(probe)], probe)) <= max_mismatches:
                    return True
            hit = read.find(piece, hit + 1)
    return False


@dataclass(frozen=True)
class JunctionCounts:
    """Fragments (read pairs, or single reads) in which either read contains each probe."""

    mutant: int
    left: int
    right: int
    mutant_fragments: frozenset[str] = field(default=frozenset(), compare=False)  # their names

    @property
    def depth(self) -> int:
        return round((self.left + self.right) / 2)

    def flanks_agree(self, min_ratio: float = FLANK_AGREEMENT) -> bool:
        """Both flanks lie in the same molecules, so their counts should nearly agree. When they do
        not, a flank sits where reads are unreliable (the error-rich first bases of reads that all
        start at an amplicon primer, for instance) and the k-mer counts are not to be trusted."""
        return min(self.left, self.right) >= min_ratio * max(self.left, self.right) > 0


def count_junction_fragments(reads: Iterable[tuple[str, str]], designs: list[JunctionProbes]) -> list[JunctionCounts]:
    """Count, for each design, the fragments whose reads contain its mutant, left and right probe.

    ``reads`` are (fragment name, sequence) pairs. Fragments, not reads: where the two mates of a
    fragment overlap they may both contain a probe, and counting that twice would weigh some
    molecules double; in amplicon data a long ITD's junction is often in one mate only while
    both mates cover the wild type's."""
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    # A read containing a probe (with at most one mismatch) contains one of its halves exactly:
    # one regular-expression search per read skips the many reads near no probe.
    halves = {piece for design in designs for probe in design.probes
              for piece in (probe[:len(probe) // 2], probe[len(probe) // 2:])}
    near_a_probe = re.compile("|".join(sorted(halves)))
    for name, sequence in reads:
        if not near_a_probe.search(sequence):
            continue
        for row, design in enumerate(designs):
            for column, probe in enumerate(design.probes):
                if contains(sequence, probe, design.max_mismatches):
                    found[row, column].add(name)
    return [JunctionCounts(*(len(found[row, column]) for column in range(3)), frozenset(found[row, 0]))
            for row in range(len(designs))]
