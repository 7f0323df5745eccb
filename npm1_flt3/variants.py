"""Variant representation shared by the caller, the simulator and the annotation.

A ``Variant`` is VCF-shaped: GRCh38 chrom, 1-based pos, REF and ALT with a shared anchor base for
indels. ``left_normalise`` puts every indel in its left-most (VCF) position, so that one event seen
as a CIGAR insertion in one read and as a soft clip in another ends up as one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# fetch(chrom, start, end) -> + strand sequence, 1-based inclusive (GenomeReference.fetch)
Fetch = Callable[[str, int, int], str]


@dataclass(frozen=True, order=True)
class Variant:
    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def kind(self) -> str:
        """SNV, INS, DEL or DELINS (ITD is decided by the caller, which knows the context)."""
        if len(self.ref) == 1 and len(self.alt) == 1:
            return "SNV"
        if len(self.ref) == 1 and self.alt[0] == self.ref[0]:
            return "INS"
        if len(self.alt) == 1 and self.alt[0] == self.ref[0]:
            return "DEL"
        return "DELINS"

    @property
    def inserted(self) -> str:
        return self.alt[1:] if self.kind == "INS" else ""

    @property
    def length(self) -> int:
        """Inserted or deleted length; 1 for an SNV; the longer side for a DELINS."""
        if self.kind == "INS":
            return len(self.alt) - 1
        if self.kind == "DEL":
            return len(self.ref) - 1
        return max(len(self.ref), len(self.alt))

    def __str__(self) -> str:
        return f"{self.chrom}:{self.pos} {self.ref}>{self.alt}"


def insertion(chrom: str, after: int, inserted: str, fetch: Fetch) -> Variant:
    """Insertion of ``inserted`` after GRCh38 position ``after``, left-normalised."""
    anchor = fetch(chrom, after, after)
    return left_normalise(Variant(chrom, after, anchor, anchor + inserted), fetch)


def deletion(chrom: str, first: int, last: int, fetch: Fetch) -> Variant:
    """Deletion of GRCh38 bases first..last, left-normalised."""
    seq = fetch(chrom, first - 1, last)
    return left_normalise(Variant(chrom, first - 1, seq, seq[0]), fetch)


def tandem_duplication(chrom: str, first: int, last: int, fetch: Fetch, extra: str = "") -> Variant:
    """Duplication of GRCh38 bases first..last, with ``extra`` non-templated bases between copies."""
    return insertion(chrom, last, extra + fetch(chrom, first, last), fetch)


def left_normalise(variant: Variant, fetch: Fetch) -> Variant:
    """Shift a pure insertion or deletion to its left-most equivalent position.

    SNVs and DELINS are returned unchanged. Uses the standard rotation: while the last inserted
    (or deleted) base equals the anchor base, move one base left and rotate the sequence.
    """
    kind = variant.kind
    if kind not in ("INS", "DEL"):
        return variant
    pos = variant.pos
    if kind == "INS":
        seq = variant.alt[1:]
    else:
        seq = variant.ref[1:]
    anchor = variant.ref[0]
    while pos > 1 and seq[-1] == anchor:
        seq = anchor + seq[:-1]
        pos -= 1
        anchor = fetch(variant.chrom, pos, pos)
    if kind == "INS":
        return Variant(variant.chrom, pos, anchor, anchor + seq)
    return Variant(variant.chrom, pos, anchor + seq, anchor)


def local_change(chrom: str, start: int, ref_seq: str, alt_seq: str, fetch: Fetch) -> Variant | None:
    """The one variant that turns GRCh38 ``ref_seq`` (starting at ``start``) into ``alt_seq``, in
    its normalised VCF form: the common suffix, then the common prefix, is trimmed (the left-most
    parsimonious form, as vt and bcftools norm write it); a pure insertion or deletion is then
    left-normalised with its anchor base; a DELINS keeps no shared base (REF and ALT differ in
    their first and last bases). None when the two sequences are equal.

    Any window around the same change gives the same variant, as long as the window holds all of
    it: that is what lets reads whose aligner placed one complex change differently (an insertion
    here plus mismatches there, or a deletion plus an insertion) agree on one allele."""
    ref, alt = ref_seq.upper(), alt_seq.upper()
    suffix = 0
    while suffix < min(len(ref), len(alt)) and ref[-1 - suffix] == alt[-1 - suffix]:
        suffix += 1
    ref, alt = ref[: len(ref) - suffix], alt[: len(alt) - suffix]
    prefix = 0
    while prefix < min(len(ref), len(alt)) and ref[prefix] == alt[prefix]:
        prefix += 1
    ref, alt, first = ref[prefix:], alt[prefix:], start + prefix
    if not ref and not alt:
        return None
    if not ref:
        return insertion(chrom, first - 1, alt, fetch)
    if not alt:
        return deletion(chrom, first, first + len(ref) - 1, fetch)
    return Variant(chrom, first, ref, alt)


def right_shift(variant: Variant, fetch: Fetch) -> tuple[int, str]:
    """Right-most placement of a pure insertion or deletion (for HGVS's 3' rule on + strand genes).

    Returns (position after which the sequence is inserted / first deleted position, sequence).
    """
    kind = variant.kind
    if kind == "INS":
        after, seq = variant.pos, variant.alt[1:]
        while seq[0] == fetch(variant.chrom, after + 1, after + 1):
            seq = seq[1:] + seq[0]
            after += 1
        return after, seq
    if kind == "DEL":
        first, seq = variant.pos + 1, variant.ref[1:]
        while seq[0] == fetch(variant.chrom, first + len(seq), first + len(seq)):
            seq = seq[1:] + seq[0]
            first += 1
        return first, seq
    raise ValueError(f"right_shift needs an insertion or deletion, not {variant}")
