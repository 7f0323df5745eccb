"""Evidence for variants, read by read, in GRCh38 coordinates.

Three kinds of evidence are taken from each primary alignment:

* CIGAR insertions and deletions (small NPM1 insertions, short ITDs, TKD deletions);
* base calls at fixed SNV sites (FLT3 D835/I836);
* soft clips in the FLT3 ITD region. BWA-MEM clips a read at an ITD junction when the junction
  lies near the read's end or the ITD is longer than the read. The clipped bases continue with
  the *other* copy of the duplicated segment, so finding them in the nearby reference tells where
  the duplicated segment starts (right clip) or ends (left clip), and so the ITD itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pysam

from npm1_flt3.variants import Fetch, Variant, deletion, insertion, local_change

CIGAR_MATCH = {0, 7, 8}  # M, =, X
CIGAR_INS, CIGAR_DEL, CIGAR_SKIP, CIGAR_SOFT = 1, 2, 3, 4


@dataclass(frozen=True)
class ReadFilter:
    min_mapq: int = 20
    skip_duplicates: bool = True

    def accepts(self, read: pysam.AlignedSegment) -> bool:
        # Primary alignments only: secondary/supplementary records would count a read twice.
        if read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_qcfail:
            return False
        if self.skip_duplicates and read.is_duplicate:
            return False
        return read.mapping_quality >= self.min_mapq


def read_key(read: pysam.AlignedSegment) -> tuple[str, int]:
    """One identity per read (mates are counted separately, as depth is)."""
    return read.query_name, 1 if read.is_read1 else (2 if read.is_read2 else 0)


def aligned_blocks(read: pysam.AlignedSegment, offset: int) -> list[tuple[int, int]]:
    """Aligned reference blocks as GRCh38 (first, last), 1-based inclusive."""
    return [(start + offset + 1, end + offset) for start, end in read.get_blocks()]


def cigar_indels(
    read: pysam.AlignedSegment, offset: int, chrom: str, fetch: Fetch, min_flank: int
) -> list[Variant]:
    """Left-normalised indels of one read, ignoring those with under ``min_flank`` aligned bases
    on either side (the aligner's placement of an indel at a read's edge is unreliable)."""
    return [e.variant for e in _differences(read, offset, chrom, fetch, min_flank, None) if e.variant]


@dataclass(frozen=True)
class _Difference:
    first: int  # reference positions it touches; an insertion after p touches (p + 1, p): none
    last: int
    variant: Variant | None  # anchored CIGAR indels only


def _differences(read, offset: int, chrom: str, fetch: Fetch, min_flank: int,
                 reference: str | None) -> list[_Difference]:
    """The read's CIGAR indels and, given the reference over its aligned span, its mismatches."""
    found = []
    ref_pos = read.reference_start + offset + 1  # GRCh38 position of the next reference base
    span_first, span_last = ref_pos, read.reference_end + offset
    query_pos = 0
    sequence = read.query_sequence
    for op, length in read.cigartuples:
        if op == CIGAR_INS:
            variant = None
            if ref_pos - span_first >= min_flank and span_last - ref_pos + 1 >= min_flank:
                inserted = sequence[query_pos : query_pos + length]
                if "N" not in inserted:
                    variant = insertion(chrom, ref_pos - 1, inserted, fetch)
            found.append(_Difference(ref_pos, ref_pos - 1, variant))
            query_pos += length
        elif op == CIGAR_DEL:
            variant = None
            if ref_pos - span_first >= min_flank and span_last - (ref_pos + length) + 1 >= min_flank:
                variant = deletion(chrom, ref_pos, ref_pos + length - 1, fetch)
            found.append(_Difference(ref_pos, ref_pos + length - 1, variant))
            ref_pos += length
        elif op in CIGAR_MATCH:
            if reference is not None:
                for i in range(length):
                    if sequence[query_pos + i] != reference[ref_pos + i - span_first]:
                        found.append(_Difference(ref_pos + i, ref_pos + i, None))
            ref_pos += length
            query_pos += length
        elif op == CIGAR_SKIP:
            ref_pos += length
        elif op == CIGAR_SOFT:
            query_pos += length
    return found


# Local haplotypes (complex NPM1 alleles): differences from the reference this close to a CIGAR
# indel (at most this many matching reference bases in between) belong to the same event...
LOCAL_GAP = 12
# ... as long as the whole event stays this short (the longest published NPM1 delins replace about
# 13 bases); a longer run of differences is a misaligned read end, not an allele.
LOCAL_MAX_SPAN = 30


@dataclass(frozen=True)
class LocalAllele:
    """One read's view of one event: the anchored CIGAR indels the aligner wrote for it
    (``cores``, as ``cigar_indels`` gives them) and the read's local haplotype of the event
    (``extended``: those indels together with the mismatches and other indels next to them, as one
    normalised variant; None when the read does not show the whole event)."""

    cores: tuple[Variant, ...]
    extended: Variant | None


def local_alleles(read: pysam.AlignedSegment, offset: int, chrom: str, fetch: Fetch, min_flank: int,
                  gap: int = LOCAL_GAP, max_span: int = LOCAL_MAX_SPAN) -> list[LocalAllele]:
    """The read's anchored CIGAR indels, each grouped with every other difference from the
    reference within ``gap`` reference bases of it (chained), and the read's bases over that
    stretch made into one variant.

    Whether a folded mismatch is real or a sequencing error is not decided here: one read cannot
    tell. The caller keeps an extended allele only when most reads of the event show it."""
    span_first, span_last = read.reference_start + offset + 1, read.reference_end + offset
    if not any(op in (CIGAR_INS, CIGAR_DEL) for op, _ in read.cigartuples):
        return []
    differences = _differences(read, offset, chrom, fetch, min_flank, fetch(chrom, span_first, span_last))
    if not any(d.variant for d in differences):
        return []
    differences.sort(key=lambda d: (d.first, d.last))
    clusters: list[list] = []  # [first, last, cores]
    for d in differences:
        if clusters and d.first - clusters[-1][1] - 1 <= gap:
            clusters[-1][1] = max(clusters[-1][1], d.last)
        else:
            clusters.append([d.first, d.last, []])
        if d.variant:
            clusters[-1][2].append(d.variant)
    found = []
    for first, last, cores in clusters:
        if not cores:
            continue
        extended = None
        # The read must show `gap` matching bases on each side, or the event may go on beyond it.
        if last - first + 1 <= max_span and first - span_first >= gap and span_last - last >= gap:
            alt = _read_bases(read, offset, first, last)
            if alt is not None:
                ref = fetch(chrom, first, last) if last >= first else ""
                extended = local_change(chrom, first, ref, alt, fetch)
        found.append(LocalAllele(tuple(cores), extended))
    return found


def _read_bases(read: pysam.AlignedSegment, offset: int, first: int, last: int) -> str | None:
    """The read's bases aligned from GRCh38 position first to last, with the insertions between
    them (first - 1 < insertion point <= last); None if one of them is an N."""
    bases = []
    sequence = read.query_sequence
    ref_pos, query_pos = read.reference_start + offset + 1, 0
    for op, length in read.cigartuples:
        if op == CIGAR_INS:
            if first - 1 <= ref_pos - 1 <= last:
                bases.append(sequence[query_pos:query_pos + length])
            query_pos += length
        elif op in CIGAR_MATCH:
            lo, hi = max(ref_pos, first), min(ref_pos + length - 1, last)
            if lo <= hi:
                bases.append(sequence[query_pos + lo - ref_pos: query_pos + hi - ref_pos + 1])
            ref_pos += length
            query_pos += length
        elif op in (CIGAR_DEL, CIGAR_SKIP):
            ref_pos += length
        elif op == CIGAR_SOFT:
            query_pos += length
    text = "".join(bases)
    return None if "N" in text else text


def base_calls(
    read: pysam.AlignedSegment, offset: int, sites: set[int], min_base_quality: int
) -> dict[int, str]:
    """Base called at each SNV site this read aligns over, if its quality is high enough."""
    calls = {}
    qualities = read.query_qualities
    sequence = read.query_sequence
    for query_pos, ref_pos in read.get_aligned_pairs(matches_only=True):
        position = ref_pos + offset + 1
        if position in sites and qualities[query_pos] >= min_base_quality:
            calls[position] = sequence[query_pos]
    return calls


@dataclass(frozen=True)
class ReferenceWindow:
    """A stretch of GRCh38 sequence in which clipped bases are looked up."""

    chrom: str
    start: int  # GRCh38 position of seq[0]
    seq: str

    def unique_hit(self, probe: str) -> int | None:
        """GRCh38 start of the only occurrence of probe, or None (absent or repeated)."""
        first = self.seq.find(probe)
        if first < 0 or self.seq.find(probe, first + 1) >= 0:
            return None
        return self.start + first


@dataclass(frozen=True)
class ClipSettings:
    min_clip: int = 15  # clipped bases needed to place the other copy
    probe_length: int = 15
    max_extra_bases: int = 30  # non-templated bases allowed between the copies
    min_duplication: int = 3


def clip_itd(
    read: pysam.AlignedSegment, offset: int, window: ReferenceWindow, fetch: Fetch, settings: ClipSettings
) -> list[Variant]:
    """ITDs implied by this read's soft clips (0, 1 or 2 of them)."""
    found = []
    cigar = read.cigartuples
    sequence = read.query_sequence
    if cigar[-1][0] == CIGAR_SOFT and cigar[-1][1] >= settings.min_clip:
        clip = sequence[len(sequence) - cigar[-1][1] :]
        last_aligned = read.reference_end + offset
        variant = _itd_from_right_clip(clip, last_aligned, window, fetch, settings)
        if variant:
            found.append(variant)
    if cigar[0][0] == CIGAR_SOFT and cigar[0][1] >= settings.min_clip:
        clip = sequence[: cigar[0][1]]
        first_aligned = read.reference_start + offset + 1
        variant = _itd_from_left_clip(clip, first_aligned, window, fetch, settings)
        if variant:
            found.append(variant)
    return found


def _itd_from_right_clip(clip, last_aligned, window, fetch, settings) -> Variant | None:
    # Mutant: ...[dup][extra][dup]... The read is aligned through the first copy up to
    # last_aligned; its clip is extra bases followed by the start of the second copy.
    for extra in range(0, min(settings.max_extra_bases, len(clip) - settings.probe_length) + 1):
        dup_start = window.unique_hit(clip[extra : extra + settings.probe_length])
        if dup_start is None:
            continue
        if last_aligned - dup_start + 1 < settings.min_duplication:
            return None  # the clip continues downstream: not a duplication
        inserted = clip[:extra] + fetch(window.chrom, dup_start, last_aligned)
        return insertion(window.chrom, last_aligned, inserted, fetch)
    return None


def _itd_from_left_clip(clip, first_aligned, window, fetch, settings) -> Variant | None:
    # The read is aligned from the start of the second copy; its clip is the end of the first
    # copy followed by the extra bases.
    for extra in range(0, min(settings.max_extra_bases, len(clip) - settings.probe_length) + 1):
        probe_end = len(clip) - extra
        hit = window.unique_hit(clip[probe_end - settings.probe_length : probe_end])
        if hit is None:
            continue
        dup_end = hit + settings.probe_length - 1
        if dup_end - first_aligned + 1 < settings.min_duplication:
            return None
        inserted = clip[probe_end:] + fetch(window.chrom, first_aligned, dup_end)
        return insertion(window.chrom, dup_end, inserted, fetch)
    return None
