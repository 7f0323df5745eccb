"""Re-assign evidence reads to the candidate haplotype they really match.

The aligner decides where an indel sits in each read on its own, and inside repeats it sometimes
chooses a different copy and tolerates a few mismatches: one ITD then shows up as two alleles a few
bases apart, or a read's clip is read as a duplication that is not there. Here every read that gave
indel evidence is compared, without gaps, with the wild-type sequence and with each candidate's
mutant sequence, at the places its alignment allows, and goes to whichever it matches with the
fewest mismatches (to none if the wild type matches best). Candidates may be insertions,
deletions or DELINS (complex NPM1 alleles, npm1_flt3/caller.py). In NPM1, soft-clipped reads
without indel evidence are then given to the allele they match (rescue_clipped).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from npm1_flt3.variants import Variant


@dataclass(frozen=True)
class EvidenceRead:
    sequence: str
    first: int  # GRCh38 position where the read's first base would sit (aligned start - leading clip)
    last: int  # GRCh38 position of its last base (aligned end + trailing clip)
    aligned_first: int = 0  # GRCh38 span of its aligned bases (0: not known)
    aligned_last: int = 0

    @property
    def clipped(self) -> bool:
        return self.first < self.aligned_first or self.last > self.aligned_last

    def crosses(self, junctions: list[int], anchor: int) -> bool:
        """Do the read's bases (soft clips included) reach ``anchor`` bases beyond every junction
        p|p+1 given?"""
        return self.first <= min(junctions) - anchor + 1 and self.last >= max(junctions) + anchor


class Haplotype:
    """The region's sequence with one variant applied (or none: the wild type). REF is replaced by
    ALT, so an indel with its shared anchor base and a DELINS without one both work."""

    def __init__(self, window_start: int, window_seq: str, variant: Variant | None):
        self.variant = variant
        self.window_start = window_start
        if variant is None:
            sequence, self.shift = window_seq, 0
        else:
            start = variant.pos - window_start
            sequence = window_seq[:start] + variant.alt + window_seq[start + len(variant.ref):]
            self.shift = len(variant.alt) - len(variant.ref)
        self.bases = np.frombuffer(sequence.encode(), dtype=np.uint8)

    def offsets(self, read: EvidenceRead) -> set[int]:
        """Where the read may start in this haplotype: anchored on its start or its end, on either
        side of the indel (the aligner may have put the read on either copy)."""
        n = len(read.sequence)
        starts = {read.first - self.window_start, read.last - self.window_start - n + 1}
        return starts | {s + self.shift for s in starts}

    def mismatches(self, read: EvidenceRead, read_bases: np.ndarray) -> int:
        return min(self._mismatches_at(read_bases, offset) for offset in self.offsets(read))

    def placement(self, read: EvidenceRead, read_bases: np.ndarray) -> tuple[int, int]:
        """(mismatches, offset) of the read's best placement in this haplotype."""
        return min((self._mismatches_at(read_bases, offset), offset) for offset in sorted(self.offsets(read)))

    def to_reference(self, index: int, after: bool) -> int:
        """GRCh38 position of haplotype base ``index``; inside the variant's ALT bases, the first
        (after=False) or last (after=True) base of its REF, so that no anchor is gained there."""
        if self.variant is None:
            return self.window_start + index
        start = self.variant.pos - self.window_start
        if index < start:
            return self.window_start + index
        if index >= start + len(self.variant.alt):
            return self.window_start + index - self.shift
        return self.variant.pos + (len(self.variant.ref) - 1 if after else 0)

    def _mismatches_at(self, read_bases: np.ndarray, offset: int) -> int:
        n = len(read_bases)
        lo, hi = max(offset, 0), min(offset + n, len(self.bases))
        if hi <= lo:
            return n
        overlap = np.count_nonzero(self.bases[lo:hi] != read_bases[lo - offset: hi - offset])
        return int(overlap) + (n - (hi - lo))  # bases hanging off the window count as mismatches


# A soft-clipped read is an allele's read when it matches the allele's haplotype with at most
# this many mismatches (sequencing errors) ...
CLIPPED_MAX_MISMATCHES = 3
# ... and the wild type with at least this many more.
CLIPPED_MARGIN = 3


def rescue_clipped(alleles: dict[Variant, set], clipped: dict, window_start: int, window_seq: str,
                   min_candidate_reads: int = 2) -> tuple[dict[Variant, set], dict]:
    """Give soft-clipped reads without indel evidence to the allele they match.

    Near a read's end an aligner clips a complex allele (a deletion-insertion costs it more than a
    clip) while it aligns a wild-type read at the same place to the end: without these reads a
    complex allele's VAF reads low. Each clipped read is compared, clip included, with every
    candidate's haplotype and the wild type; it goes to the one candidate it matches nearly
    perfectly, far better than the wild type (a clipped adapter or low-quality tail matches
    neither).

    Returns the alleles and, for each read given to one, its EvidenceRead with first and last
    where its bases really reach in GRCh38 (a clip holding inserted bases reaches less far than
    its length says)."""
    candidates = [v for v, keys in alleles.items() if len(keys) >= min_candidate_reads]
    if not candidates or not clipped:
        return alleles, {}
    haplotypes = {variant: Haplotype(window_start, window_seq, variant) for variant in candidates}
    wild_type = Haplotype(window_start, window_seq, None)
    result = {variant: set(keys) for variant, keys in alleles.items()}
    placed = {}
    for key, read in clipped.items():
        bases = np.frombuffer(read.sequence.encode(), dtype=np.uint8)
        scores = {variant: haplotype.placement(read, bases) for variant, haplotype in haplotypes.items()}
        best = min(score for score, _ in scores.values())
        winners = [variant for variant, (score, _) in scores.items() if score == best]
        if (len(winners) == 1 and best <= CLIPPED_MAX_MISMATCHES
                and wild_type.mismatches(read, bases) >= best + CLIPPED_MARGIN):
            haplotype, offset = haplotypes[winners[0]], scores[winners[0]][1]
            result[winners[0]].add(key)
            placed[key] = EvidenceRead(read.sequence, haplotype.to_reference(offset, after=False),
                                       haplotype.to_reference(offset + len(bases) - 1, after=True),
                                       read.aligned_first, read.aligned_last)
    return result, placed


def reassign(alleles: dict[Variant, set], evidence: dict, window_start: int, window_seq: str,
             min_candidate_reads: int = 2) -> dict[Variant, set]:
    """Each read goes to the allele it matches best; a read matching the wild type best is dropped.

    Candidates are the alleles with at least ``min_candidate_reads`` reads (plus the read's own).
    A read keeps its own allele when that is among the best (ties never move reads)."""
    haplotypes = {variant: Haplotype(window_start, window_seq, variant) for variant in alleles}
    candidates = [v for v, keys in alleles.items() if len(keys) >= min_candidate_reads]
    wild_type = Haplotype(window_start, window_seq, None)
    result: dict[Variant, set] = {variant: set() for variant in alleles}
    for variant, keys in alleles.items():
        for key in keys:
            read = evidence[key]
            bases = np.frombuffer(read.sequence.encode(), dtype=np.uint8)
            scores = {v: haplotypes[v].mismatches(read, bases) for v in {*candidates, variant}}
            best = min(scores.values())
            if wild_type.mismatches(read, bases) < best:
                continue
            target = variant if scores[variant] == best else min(scores, key=scores.get)
            result[target].add(key)
    return {variant: keys for variant, keys in result.items() if keys}
