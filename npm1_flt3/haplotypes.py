"""Re-assign evidence reads to the candidate haplotype they really match.

The aligner decides where an indel sits in each read on its own, and inside repeats it sometimes
chooses a different copy and tolerates a few mismatches: one ITD then shows up as two alleles a few
bases apart, or a read's clip is read as a duplication that is not there. Here every read that gave
indel evidence is compared, without gaps, with the wild-type sequence and with each candidate's
mutant sequence, at the places its alignment allows, and goes to whichever it matches with the
fewest mismatches (to none if the wild type matches best).
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


class Haplotype:
    """The region's sequence with one indel applied (or none: the wild type)."""

    def __init__(self, window_start: int, window_seq: str, variant: Variant | None):
        self.variant = variant
        self.window_start = window_start
        self.anchor = variant.pos if variant else None
        if variant is None:
            sequence, self.shift = window_seq, 0
        else:
            cut = variant.pos - window_start + 1  # index just after the anchor base
            removed = len(variant.ref) - 1
            sequence = window_seq[:cut] + variant.alt[1:] + window_seq[cut + removed:]
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

    def _mismatches_at(self, read_bases: np.ndarray, offset: int) -> int:
        n = len(read_bases)
        lo, hi = max(offset, 0), min(offset + n, len(self.bases))
        if hi <= lo:
            return n
        overlap = np.count_nonzero(self.bases[lo:hi] != read_bases[lo - offset: hi - offset])
        return int(overlap) + (n - (hi - lo))  # bases hanging off the window count as mismatches


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
