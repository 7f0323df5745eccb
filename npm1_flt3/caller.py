"""NPM1 / FLT3 caller: one sample's BAM in, an unannotated VCF and a hotspot-depth table out.

How a call is counted
---------------------
* Only primary, non-duplicate alignments with MAPQ >= min_mapq are read (duplicates are not
  flagged in amplicon BAMs, so amplicon reads all count).
* Alt reads: reads whose CIGAR indel, soft clip (FLT3 ITD region) or base call (TKD sites)
  gives the allele after left-normalisation; each such indel read is then compared with every
  candidate haplotype and the wild type and counted for the one it matches best
  (npm1_flt3/haplotypes.py), since the aligner can place one ITD in different repeat copies.
  A weak near-copy of an allele (about the same length, within one length, at most a quarter of
  its reads) is merged into it, so that a sequencing error inside the inserted bases does not
  split the event or make a second one.
* NPM1 complex alleles (deletion-insertions such as types E and F): the aligner writes them as a
  simple insertion plus mismatches, or as a deletion plus an insertion. Each indel read's local
  haplotype (its indels with every mismatch or indel within a few bases, npm1_flt3/evidence.py)
  is made into one normalised variant; when more than complex_min_share of the reads with the
  same CIGAR indels show exactly that haplotype, it is their allele (a DELINS when it deletes and
  inserts), so the VCF allele, the HGVS and MRD tracking follow the haplotype the reads carry. A
  sequencing error next to a simple insertion is in a few reads only and is left out.
* In the FLT3 ITD region only insertions of at least min_itd_length (3) bases are reported
  (smaller insertions and deletions there are dropped). One is VARTYPE=ITD when it is templated
  (is_tandem_duplication) and in frame or at least 6 bp long (is_itd_length); any other is
  VARTYPE=INS: reported, but not an ITD for the clinic.
* Depth for an NPM1 or TKD-region indel (INS, DEL, DELINS): counted on reads long enough to show
  either allele (delins_counts): ``anchor`` bases on both sides plus the longer allele's changed
  bases, mutant and wild-type reads alike. Counting each allele on the reads that can show it
  alone would favour the shorter one: with 50-bp reads a 4-bp NPM1 insertion needs 34 read bases
  and the wild type 30, which reads a 40% allele as 35%. For an FLT3-ITD, the number of reads
  crossing, with ``anchor`` bases on both sides, the junctions that both alleles share (the
  junctions p|p+1 and p+m|p+m+1 of an insertion after p whose first m bases copy the reference
  after p), before the junction k-mer recount below; when that count comes out no larger than the
  alt reads (short reads: a long ITD's reads are mostly soft-clipped), the reads crossing the
  insertion point without the ITD are added to the alt reads instead (depth_with_wild_type), so
  that a VAF of 1.0 always means that no wild-type read crosses the site. VAF = alt / max(depth, alt).
* NPM1: the aligner soft-clips a complex allele near a read's end where it aligns a wild-type
  read to the end; a clipped read that matches an allele's haplotype (clip included) nearly
  perfectly and far better than the wild type counts for it (haplotypes.rescue_clipped), and
  read spans include the clips for the depth too.
* FLT3-ITDs are then recounted by junction k-mers, per fragment (npm1_flt3/junctions.py): alt =
  fragments containing a k-mer only the ITD has, depth = fragments containing the shared k-mers
  just outside the duplicated segment; the read-based counts stay when the flanks disagree.
* SNV depth: reads with a base of quality >= min_base_quality at the site.
* ITD allelic ratio per clone: AR_i = VAF_i / (1 - sum of ITD VAFs) (fragment-analysis convention).
* Every VAF has a 95% Wilson score interval (AFCI); every AR the interval its VAF's bounds give.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam

from npm1_flt3 import __version__
from npm1_flt3.artefacts import (AlleleEvidence, ArtefactSettings, StrandCounts, artefact_filters,
                                 repeat_context)
from npm1_flt3.atomic import write_text_atomically
from npm1_flt3.background import SiteProfile, write_profile
from npm1_flt3.calls_vcf import CALLER_HEADER, CallRecord, header_lines, unannotated_line
from npm1_flt3.evidence import (
    CIGAR_SKIP,
    CIGAR_SOFT,
    ClipSettings,
    ReadFilter,
    LocalAllele,
    ReferenceWindow,
    aligned_blocks,
    cigar_indels,
    clip_itd,
    local_alleles,
    read_key,
)
from npm1_flt3.haplotypes import EvidenceRead, reassign, rescue_clipped
from npm1_flt3.junctions import count_junction_fragments, design_probes, mutant_sequence
from npm1_flt3.hotspots import FLT3_TKD_CODONS, Hotspot, define_hotspots, flt3_codon_span
from npm1_flt3.reference import GenomeReference
from npm1_flt3.rna_reference import exon_joined_window, spliced_variant
from npm1_flt3.stats import allelic_ratio, allelic_ratio_interval, wilson_interval
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant


@dataclass(frozen=True)
class CallerSettings:
    min_mapq: int = 20
    min_base_quality: int = 20
    min_alt_reads: int = 3
    min_vaf: float = 0.003
    min_vaf_tkd: float = 0.01
    min_depth: int = 100
    # Bases a read needs on both sides of a junction, both to count towards the depth and to count
    # as an indel's alt read: one rule for numerator and denominator keeps the VAF unbiased (with
    # 5 bases for alt reads, NPM1 at 50% read 0.55).
    anchor: int = 15
    # FLT3 ITD region: insertions shorter than this are not reported (ITDs start at 3 bp)...
    min_itd_length: int = 3
    # ... and a complex ITD needs one copied stretch at least this long (is_tandem_duplication).
    min_itd_copy: int = 6
    # ... and one that is not in frame is an ITD from this length on (is_itd_length).
    min_itd_length_any_frame: int = 6
    report_min_alt_reads: int = 2  # weaker candidates are not written at all
    max_sibling_share: float = 0.25  # see merge_error_siblings
    # NPM1: a read's local haplotype (its indel with the mismatches next to it) becomes the allele
    # when more than this share of the reads with the same CIGAR indels shows it (see
    # fold_complex_alleles).
    complex_min_share: float = 0.5
    # RNA reads (assay rna): an ITD's junction k-mers are taken from the exon-joined sequence that
    # the reads carry (npm1_flt3/rna_reference.py), not from the genome, whose intron would sit
    # in a flank near an exon's edge.
    rna: bool = False
    clip: ClipSettings = field(default_factory=ClipSettings)
    artefacts: ArtefactSettings = field(default_factory=ArtefactSettings)


@dataclass(frozen=True)
class CallingRegion:
    """Where reads are fetched (window) and where events are accepted (events)."""

    name: str
    gene: str
    kind: str  # npm1 | flt3_itd | flt3_tkd
    chrom: str
    window: tuple[int, int]
    events: tuple[int, int]


@dataclass
class Call:
    variant: Variant
    gene: str
    vartype: str  # INS | DEL | DELINS | SNV | ITD
    alt_reads: int
    depth: int
    filters: list[str] = field(default_factory=list)
    itd_ar: float | None = None
    itd_ar_ci: tuple[float, float | None] | None = None
    read_keys: frozenset = frozenset()  # the reads (not fragments) that carry the allele
    evidence: AlleleEvidence | None = None  # strand, mapping quality, read position, repeat

    @property
    def vaf(self) -> float:
        return self.alt_reads / self.depth if self.depth else 0.0

    @property
    def vaf_ci(self) -> tuple[float, float]:
        return wilson_interval(self.alt_reads, self.depth)

    @property
    def length(self) -> int:
        return self.variant.length

    def record(self) -> CallRecord:
        """The call as its VCF record holds it (npm1_flt3/calls_vcf.py)."""
        v = self.variant
        return CallRecord(chrom=v.chrom, pos=v.pos, ref=v.ref, alt=v.alt,
                          filter=";".join(self.filters) or "PASS",
                          gene=self.gene, vartype=self.vartype, varlen=self.length,
                          ref_reads=max(self.depth - self.alt_reads, 0), alt_reads=self.alt_reads,
                          depth=self.depth, vaf=self.vaf, vaf_ci=self.vaf_ci,
                          itd_ar=self.itd_ar, itd_ar_ci=self.itd_ar_ci,
                          strand_counts=strand_table(self.evidence),
                          repeat=repeat_label(self.evidence))


def calling_regions(transcripts) -> list[CallingRegion]:
    npm1, flt3 = transcripts["NPM1"], transcripts["FLT3"]
    regions = []
    for legacy in (5, 9, 11, 12):
        exon = npm1.exon_by_legacy(legacy)
        last = exon.cds_end if legacy == 12 else exon.end  # the exon-12 3'UTR is not a target
        regions.append(
            CallingRegion(f"NPM1_exon{legacy}", "NPM1", "npm1", npm1.chrom,
                          (exon.start - 200, last + 200), (exon.start - 2, last + 2))
        )
    exon14, exon15 = flt3.exon(14), flt3.exon(15)
    regions.append(
        CallingRegion("FLT3_ITD", "FLT3", "flt3_itd", flt3.chrom,
                      (exon15.start - 300, exon14.end + 300), (exon15.start - 20, exon14.end + 20))
    )
    codon_first, codon_last = flt3_codon_span(flt3, *FLT3_TKD_CODONS)
    exon20 = flt3.exon(20)
    regions.append(
        CallingRegion("FLT3_TKD", "FLT3", "flt3_tkd", flt3.chrom,
                      (exon20.start - 50, exon20.end + 50), (codon_first - 3, codon_last + 3))
    )
    return regions


class RegionScan:
    """Everything the caller needs from one pass over the reads of one region."""

    def __init__(self, region: CallingRegion):
        self.region = region
        self.alleles: dict[Variant, set] = defaultdict(set)
        self.evidence: dict[tuple, EvidenceRead] = {}  # reads that gave indel evidence
        self.local: dict[tuple, list[LocalAllele]] = {}  # NPM1: each indel read's local haplotypes
        self.clipped: dict[tuple, EvidenceRead] = {}  # NPM1: soft-clipped reads without indel evidence
        self.window_seq = ""
        self.site_bases: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        self.span_first: list[int] = []
        self.span_last: list[int] = []
        self.span_keys: list[tuple] = []
        first, last = region.window
        self.depth = np.zeros(last - first + 2, dtype=np.int64)  # difference array
        self.depth_reverse = np.zeros(last - first + 2, dtype=np.int64)  # the same, reverse-strand reads
        # Reads that gave evidence for any allele: strand, mapping quality (artefact filters).
        self.read_facts: dict[tuple, ReadFacts] = {}
        # TKD sites: each base's reads' distance from the nearer read end (read-position filter).
        self.site_read_ends: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))

    def add_blocks(self, blocks: list[tuple[int, int]], reverse: bool = False) -> None:
        first, last = self.region.window
        for block_first, block_last in blocks:
            lo, hi = max(block_first, first), min(block_last, last)
            if lo <= hi:
                self.depth[lo - first] += 1
                self.depth[hi - first + 1] -= 1
                if reverse:
                    self.depth_reverse[lo - first] += 1
                    self.depth_reverse[hi - first + 1] -= 1

    def depth_between(self, start: int, end: int) -> np.ndarray:
        per_base = np.cumsum(self.depth)[:-1]
        first = self.region.window[0]
        return per_base[max(start - first, 0) : end - first + 1]

    def strand_depth(self, position: int) -> tuple[int, int]:
        """Reads aligned over position: (forward, reverse)."""
        first = self.region.window[0]
        if not 0 <= position - first < len(self.depth) - 1:
            return 0, 0
        total = int(self.depth[: position - first + 1].sum())
        reverse = int(self.depth_reverse[: position - first + 1].sum())
        return total - reverse, reverse

    def strand_depths(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-base (forward, reverse) read depth over start..end (within the window)."""
        first = self.region.window[0]
        total = np.cumsum(self.depth)[:-1][start - first: end - first + 1]
        reverse = np.cumsum(self.depth_reverse)[:-1][start - first: end - first + 1]
        return total - reverse, reverse

    def finish(self) -> "RegionScan":
        """Freeze the collected read spans into arrays for the junction counts."""
        self.span_first = np.asarray(self.span_first)
        self.span_last = np.asarray(self.span_last)
        return self

    def spanning(self, first: int, last: int, excluding: set = frozenset()) -> int:
        """Reads whose span reaches from first (or before) to last (or after), those whose keys
        are in ``excluding`` left out (NPM1 region only: other regions keep no keys)."""
        spans = (self.span_first <= first) & (self.span_last >= last)
        if not excluding:
            return int(np.count_nonzero(spans))
        return sum(1 for i in np.flatnonzero(spans) if self.span_keys[i] not in excluding)

    def crossing(self, position: int, anchor: int) -> int:
        """Reads aligned over position-anchor+1 .. position+anchor (the junction position|position+1)."""
        crossing = (self.span_first <= position - anchor + 1) & (self.span_last >= position + anchor)
        return int(np.count_nonzero(crossing))


def scan_region(bam, genome: GenomeReference, region: CallingRegion, settings: CallerSettings,
                read_filter: ReadFilter, snv_sites: set[int]) -> RegionScan:
    scan = RegionScan(region)
    placement = genome.placement_of(region.chrom, *region.window)
    offset = placement.offset
    fetch = genome.fetch
    clip_window = ReferenceWindow(region.chrom, region.window[0], fetch(region.chrom, *region.window))
    scan.window_seq = clip_window.seq
    local_first = region.window[0] - offset - 1
    local_last = region.window[1] - offset

    def window_fetch(chrom: str, start: int, end: int) -> str:
        # Reference bases from the region's window where it holds them (no per-read cache entries).
        if chrom == region.chrom and region.window[0] <= start and end <= region.window[1]:
            return clip_window.seq[start - region.window[0]: end - region.window[0] + 1]
        return fetch(chrom, start, end)

    for read in bam.fetch(placement.contig, local_first, local_last):
        if not read_filter.accepts(read):
            continue
        key = read_key(read)
        scan.add_blocks(aligned_blocks(read, offset), read.is_reverse)
        if region.kind == "npm1":
            # NPM1: spans with the soft clips, which the aligner leaves where a complex allele lies
            # near a read's end (see haplotypes.rescue_clipped); the bases are the read's all the same.
            evidence = evidence_read(read, offset, settings.rna)
            scan.span_first.append(evidence.first)
            scan.span_last.append(evidence.last)
            scan.span_keys.append(key)
            local = local_alleles(read, offset, region.chrom, window_fetch, settings.anchor)
            found = [core for allele in local for core in allele.cores]
            if local:
                scan.local[key] = local
            elif (evidence.clipped and evidence.first <= region.events[1]
                  and evidence.last >= region.events[0]):
                scan.clipped[key] = evidence
        else:
            scan.span_first.append(read.reference_start + offset + 1)
            scan.span_last.append(read.reference_end + offset)
            scan.span_keys.append(key)
            found = cigar_indels(read, offset, region.chrom, window_fetch, settings.anchor)
        if region.kind == "flt3_itd":
            found += clip_itd(read, offset, clip_window, fetch, settings.clip)
        for variant in found:
            scan.alleles[variant].add(key)
        if found:
            scan.evidence[key] = evidence_read(read, offset, settings.rna and region.kind == "npm1")
        facts = ReadFacts(read.is_reverse, read.mapping_quality)
        if found or key in scan.local:
            scan.read_facts[key] = facts
        if snv_sites:
            for position, (base, read_end) in base_calls_with_ends(read, offset, snv_sites,
                                                                    settings.min_base_quality).items():
                scan.site_bases[position][base].add(key)
                scan.site_read_ends[position][base].append(read_end)
                scan.read_facts[key] = facts
    return scan.finish()


@dataclass(frozen=True)
class ReadFacts:
    """What the artefact filters need to know of one evidence read."""

    reverse: bool
    mapq: int


def base_calls_with_ends(read, offset: int, sites: set[int], min_base_quality: int) -> dict[int, tuple[str, int]]:
    """Base called at each SNV site (quality >= min_base_quality) with its distance, in read bases,
    from the nearer end of the read as sequenced (soft clips count: they are sequenced bases)."""
    calls = {}
    qualities = read.query_qualities
    sequence = read.query_sequence
    length = len(sequence)
    for query_pos, ref_pos in read.get_aligned_pairs(matches_only=True):
        position = ref_pos + offset + 1
        if position in sites and qualities[query_pos] >= min_base_quality:
            calls[position] = (sequence[query_pos], min(query_pos, length - 1 - query_pos))
    return calls


def evidence_read(read, offset: int, collapse_introns: bool = False) -> EvidenceRead:
    """The read's bases placed on GRCh38. With ``collapse_introns`` (NPM1 in RNA reads) a spliced
    read is placed as if its skipped introns were not there, ending where it ends: NPM1's hotspot
    lies in its last exon (legacy exon 12), so the bases before the junction then count as the read
    bases they are, for the anchors of the allele counts (a read with 1 base of exon 11 would
    otherwise reach thousands of GRCh38 positions to the left, for the wild type's wider window as
    for the mutant's narrower one) and for the comparison with each haplotype (npm1_flt3/haplotypes.py)."""
    cigar = read.cigartuples
    leading = cigar[0][1] if cigar[0][0] == CIGAR_SOFT else 0
    trailing = cigar[-1][1] if cigar[-1][0] == CIGAR_SOFT else 0
    skipped = sum(length for op, length in cigar if op == CIGAR_SKIP) if collapse_introns else 0
    return EvidenceRead(read.query_sequence, read.reference_start + offset + 1 - leading + skipped,
                        read.reference_end + offset + trailing,
                        read.reference_start + offset + 1 + skipped, read.reference_end + offset)


def fold_complex_alleles(alleles: dict[Variant, set], local: dict[tuple, list[LocalAllele]],
                         window_start: int, window_seq: str, settings: CallerSettings) -> dict[Variant, set]:
    """Replace the aligner's simple indels by the complex allele the reads really carry.

    BWA-MEM writes an NPM1 deletion-insertion (types E and F replace 5 bases by 9) as a 4-bp
    insertion plus mismatches in most reads, and as a deletion plus an insertion in others. Each
    read's local haplotype (npm1_flt3/evidence.py, local_alleles) is the same for all of them, so
    local haplotypes are counted. One that differs from the read's own CIGAR indels becomes the
    allele of the reads showing it when
    - at least report_min_alt_reads reads show it,
    - more than complex_min_share of the reads with the same CIGAR indels show it (a real complex
      allele shows in nearly all its reads), and
    - it is not an error copy of a better-supported allele: one or two bases away from one with at
      least 1 / max_sibling_share times its reads (a sequencing error that recurs, or that made
      the aligner write other indels, as merge_error_siblings does for simple indels).
    The reads of an error copy go to the allele it copies; other reads whose local haplotype does
    not qualify keep their CIGAR indels, and the haplotype re-assignment that follows moves every
    read to the allele it matches best. A sequencing error next to a simple insertion therefore
    never makes a complex allele."""
    support: dict[Variant, set] = defaultdict(set)  # reads whose local haplotype is not their CIGAR's
    plain: dict[Variant, int] = defaultdict(int)  # reads whose local haplotype is their CIGAR indel
    cores_of: dict[Variant, set] = defaultdict(set)
    for key, events in local.items():
        for event in events:
            if event.extended is None:
                continue
            if event.extended in event.cores:
                plain[event.extended] += 1
            else:
                support[event.extended].add(key)
                cores_of[event.extended].update(event.cores)
    accepted: list[Variant] = []
    target: dict[Variant, Variant] = {}  # local haplotype -> the allele its reads go to
    for variant, keys in sorted(support.items(), key=lambda item: (-len(item[1]), item[0])):
        # (A CIGAR indel's reads that show something else do not make it stronger.)
        stronger = sorted(((len(support[v]), v) for v in accepted
                           if len(support[v]) * settings.max_sibling_share >= len(keys)), reverse=True)
        stronger += sorted(((count, v) for v, count in plain.items()
                            if count * settings.max_sibling_share >= len(keys)), reverse=True)
        copied = next((v for _, v in stronger
                       if _haplotype_distance(window_start, window_seq, variant, v, limit=2) <= 2), None)
        if copied is not None:
            target[variant] = copied  # an error copy: its reads belong to the allele it copies
            continue
        same_cores = set().union(*(alleles.get(core, set()) for core in cores_of[variant]))
        if (len(keys) >= settings.report_min_alt_reads
                and len(keys) > settings.complex_min_share * len(same_cores)):
            accepted.append(variant)
            target[variant] = variant
    if not target:
        return alleles
    folded = {variant: set(keys) for variant, keys in alleles.items()}
    for variant, allele in target.items():
        for key in support[variant]:
            for event in local[key]:
                if event.extended == variant:
                    for core in event.cores:
                        folded[core].discard(key)
            folded.setdefault(allele, set()).add(key)
    return {variant: keys for variant, keys in folded.items() if keys}


def _haplotype_distance(window_start: int, window_seq: str, a: Variant, b: Variant, limit: int) -> int:
    """Edit distance between the haplotypes of two variants, over the stretch around both (at most
    limit + 1: larger distances are not needed)."""
    first = max(min(a.pos, b.pos) - 10, window_start)
    last = min(max(a.pos + len(a.ref), b.pos + len(b.ref)) + 10, window_start + len(window_seq) - 1)
    if not (first <= min(a.pos, b.pos) and max(a.pos + len(a.ref), b.pos + len(b.ref)) - 1 <= last):
        return limit + 1
    stretch = window_seq[first - window_start: last - window_start + 1]
    return _edit_distance(mutant_sequence(first, stretch, a), mutant_sequence(first, stretch, b), limit)


def _edit_distance(x: str, y: str, limit: int) -> int:
    """Levenshtein distance of x and y, or limit + 1 when it is larger than limit."""
    if abs(len(x) - len(y)) > limit:
        return limit + 1
    previous = list(range(len(y) + 1))
    for i, base in enumerate(x, 1):
        current = [i]
        for j, other in enumerate(y, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (base != other)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def merge_error_siblings(alleles: dict[Variant, set], max_share: float) -> dict[Variant, set]:
    """Fold an indel allele into a better-supported one of the same kind and about the same length
    (within max(1 bp, 10%)) lying within one length of it, when it has at most ``max_share`` of
    that allele's reads.

    A sequencing error inside the inserted bases (a substitution, or an indel that changes the
    length by one), or a soft clip that places the same ITD one base off, makes a weak near-copy
    of the real allele; two real clones are rarely that unequal *and* that alike."""
    merged: dict[Variant, set] = {}
    for variant, reads in sorted(alleles.items(), key=lambda item: -len(item[1])):
        target = next(
            (kept for kept in merged
             if kept.kind == variant.kind
             and abs(kept.length - variant.length) <= max(1, kept.length // 10)
             and abs(kept.pos - variant.pos) <= kept.length
             and len(reads) <= max_share * len(merged[kept])),
            None,
        )
        if target is None:
            merged[variant] = set(reads)
        else:
            merged[target] |= reads
    return merged


def templated_length(variant: Variant, fetch) -> int:
    """How many leading inserted bases copy the reference right after the anchor."""
    following = fetch(variant.chrom, variant.pos + 1, variant.pos + len(variant.inserted))
    count = 0
    for inserted_base, ref_base in zip(variant.inserted, following):
        if inserted_base != ref_base:
            break
        count += 1
    return count


def is_itd_length(length: int, settings: CallerSettings) -> bool:
    """In frame (3, 6, 9, ... bp), or at least min_itd_length_any_frame bp in any frame: fragment
    analysis, the assay behind ELN's ITD evidence, calls any length gain of the exon 14-15 amplicon
    an ITD, so a long out-of-frame duplication stays an ITD (its consequence says frameshift);
    a 4- or 5-bp out-of-frame insertion is reported as INS."""
    return length % 3 == 0 or length >= settings.min_itd_length_any_frame


def is_tandem_duplication(variant: Variant, fetch, min_copy: int) -> bool:
    """Templated like an ITD: at least half of the inserted bases copy the neighbouring reference,
    either
    - as the start of the insertion, copying the bases right after it (the left-normalised form of
      a plain tandem duplication, with any extra bases at its end: short ITDs such as 3 bp copied +
      3 extra), or
    - as one stretch of at least min_copy bases found next to the insertion (complex ITDs with the
      copy anywhere inside the inserted bases).
    A non-templated insertion has neither."""
    inserted = variant.inserted
    if 2 * templated_length(variant, fetch) >= len(inserted):
        return True
    around = fetch(variant.chrom, max(1, variant.pos - len(inserted) - 20), variant.pos + len(inserted) + 20)
    return _longest_stretch_in(inserted, around) >= max(min_copy, (len(inserted) + 1) // 2)


def _longest_stretch_in(text: str, reference: str) -> int:
    """Length of the longest substring of text that occurs in reference (binary search on length:
    if a stretch of k bases occurs, so does one of k-1)."""
    low, high = 0, len(text)
    while low < high:
        k = (low + high + 1) // 2
        if any(text[i:i + k] in reference for i in range(len(text) - k + 1)):
            low = k
        else:
            high = k - 1
    return low


@dataclass
class ResolvedAlleles:
    """A region's indel alleles after complex-allele folding, haplotype re-assignment, error-sibling
    merging and clipped-read rescue: each allele with the reads that carry it."""

    alleles: dict[Variant, set]
    evidence: dict[tuple, EvidenceRead]


def resolve_alleles(scan: RegionScan, settings: CallerSettings) -> ResolvedAlleles:
    region = scan.region
    alleles = scan.alleles
    if scan.local:
        alleles = fold_complex_alleles(alleles, scan.local, region.window[0], scan.window_seq, settings)
    alleles = reassign(alleles, scan.evidence, region.window[0], scan.window_seq)
    alleles = merge_error_siblings(alleles, settings.max_sibling_share)
    evidence = scan.evidence
    if scan.clipped:
        alleles, placed = rescue_clipped(alleles, scan.clipped, region.window[0], scan.window_seq,
                                         settings.report_min_alt_reads)
        evidence = {**scan.clipped, **placed, **scan.evidence}
    kept = {variant: reads for variant, reads in alleles.items()
            if region.events[0] <= variant.pos <= region.events[1]
            # the ITD region is searched for ITDs; small indels there are mostly errors
            and not (region.kind == "flt3_itd"
                     and (variant.kind != "INS" or variant.length < settings.min_itd_length))}
    return ResolvedAlleles(kept, evidence)


def indel_calls(scan: RegionScan, fetch, settings: CallerSettings, resolved: ResolvedAlleles) -> list[Call]:
    region = scan.region
    evidence = resolved.evidence
    calls = []
    for variant, reads in resolved.alleles.items():
        vartype = variant.kind
        shared_junctions = [variant.pos]
        if vartype == "INS":
            copied = templated_length(variant, fetch)
            shared_junctions.append(variant.pos + copied)
            if (region.kind == "flt3_itd" and is_itd_length(variant.length, settings)
                    and is_tandem_duplication(variant, fetch, settings.min_itd_copy)):
                vartype = "ITD"  # templated, and in frame or long; any other insertion stays INS
        elif vartype == "DEL":
            shared_junctions.append(variant.pos + variant.length)
        if vartype in ("DELINS", "INS", "DEL"):
            # Counted on reads long enough for either allele (delins_counts): with 50-bp reads a
            # 4-bp NPM1 insertion needs 34 read bases and the wild type only 30 if each is
            # counted on its own, which reads a 40% allele as 35%.
            reads, depth = delins_counts(scan, variant, reads, evidence, settings.anchor)
        else:
            if scan.clipped:
                # Clipped reads count only with anchor bases beyond all its junctions, as depth.
                reads = {key for key in reads if key not in scan.clipped
                         or evidence[key].crosses(shared_junctions, settings.anchor)}
            depth = round(sum(scan.crossing(j, settings.anchor) for j in shared_junctions) / len(shared_junctions))
            if depth <= len(reads) and vartype == "ITD":
                depth = depth_with_wild_type(scan, variant, reads, settings.anchor)
        if len(reads) < settings.report_min_alt_reads:
            continue
        call = Call(variant, region.gene, vartype, len(reads), max(depth, len(reads)),
                    read_keys=frozenset(reads))
        if 2 * depth < len(reads):
            # Far fewer reads cross the site with anchors on both sides than carry the allele: the
            # site is at the end of the reads or of an amplicon, where indel placement is
            # unreliable. (A homozygous ITD in RNA, whose reads are clipped at the exon borders,
            # has somewhat fewer crossing than alt reads; that is not this.)
            call.filters.append("Unanchored")
        calls.append(call)
    return calls


def depth_with_wild_type(scan: RegionScan, variant: Variant, reads: set, anchor: int) -> int:
    """Depth of an insertion whose junction depth came out no larger than its alt reads: its alt
    reads plus the reads that cross the insertion point with ``anchor`` bases on both sides
    without carrying it. With short reads, a long insertion's alt reads are mostly soft-clipped
    and reach neither shared junction with an anchor, so the junction depth can count little
    beyond the mutant reads and give a VAF of 1.0 where the wild type is plainly there; a
    homozygous allele (no wild-type read) still reads 1.0."""
    wild_type = scan.spanning(variant.pos - anchor + 1, variant.pos + anchor, excluding=reads)
    return len(reads) + wild_type


def delins_counts(scan: RegionScan, variant: Variant, reads: set, evidence: dict,
                  anchor: int) -> tuple[set, int]:
    """Alt reads and depth of a DELINS replacing GRCh38 s..e (n bases) by m bases.

    A read tells the two alleles apart when it has ``anchor`` bases on each side of the event
    and the event's own bases: 2 * anchor + m bases for the mutant, 2 * anchor + n for the wild
    type. Counting both with their own length would under-count the longer allele (a 9-for-5
    delins by 7% with 150-bp reads, more with shorter ones), so every read must hold
    2 * anchor + max(m, n) bases: the shorter allele's reads reach the difference further out,
    half on each side. Alt = the allele's reads with that reach; depth = alt + every other read
    with that reach over the wild type."""
    first, last = variant.pos, variant.pos + len(variant.ref) - 1
    longer_alt = max(len(variant.alt) - len(variant.ref), 0)
    longer_ref = max(len(variant.ref) - len(variant.alt), 0)
    alt_lo, alt_hi = first - anchor - longer_ref // 2, last + anchor + (longer_ref - longer_ref // 2)
    ref_lo, ref_hi = first - anchor - longer_alt // 2, last + anchor + (longer_alt - longer_alt // 2)
    alt = {key for key in reads if evidence[key].first <= alt_lo and evidence[key].last >= alt_hi}
    return alt, len(alt) + scan.spanning(ref_lo, ref_hi, excluding=alt)


def recount_itds(bam, genome: GenomeReference, scan: RegionScan, calls: list[Call], read_filter: ReadFilter,
                 settings: CallerSettings, transcript=None) -> None:
    """Replace each ITD's read counts by junction k-mer fragment counts (npm1_flt3/junctions.py),
    which do not depend on the ITD's length. A second pass over the region's reads, made only when there is
    an ITD candidate, so that memory does not grow with depth."""
    itds = [call for call in calls if call.vartype == "ITD"]
    if not itds:
        return
    window_start = scan.region.window[0]
    k = 2 * settings.anchor
    designs = []
    for call in itds:
        others = [other.variant for other in itds if other is not call]
        start, sequence = window_start, scan.window_seq
        variant = call.variant
        if settings.rna:
            variant = spliced_variant(transcript, genome.fetch, variant)
            start, sequence, others = _mrna_window(transcript, genome.fetch, variant, others, (start, sequence))
        design = design_probes(start, sequence, variant, others, k)
        if design is not None:
            designs.append((call, design))
    if not designs:
        return
    placement = genome.placement_of(scan.region.chrom, *scan.region.window)
    reads = ((read.query_name, read.query_sequence)
             for read in bam.fetch(placement.contig, scan.region.window[0] - placement.offset - 1,
                                   scan.region.window[1] - placement.offset)
             if read_filter.accepts(read))
    counts = count_junction_fragments(reads, [design for _, design in designs])
    for (call, _), count in zip(designs, counts):
        if count.flanks_agree():
            call.alt_reads, call.depth = count.mutant, max(count.depth, count.mutant)


def _mrna_window(transcript, fetch, variant: Variant, others: list[Variant], genomic: tuple[int, str]):
    """(start, sequence, others) on the exon-joined sequence when the variant lies in one exon (the
    others kept only when they lie in that exon too: their haplotypes must be placed on the same
    sequence); the genomic window otherwise."""
    last = variant.pos + max(len(variant.ref) - 1, 0)
    joined = exon_joined_window(transcript, fetch, variant.pos, last)
    if joined is None:
        return genomic[0], genomic[1], others
    exon = transcript.exon_at(variant.pos)
    same_exon = [o for o in others if exon.contains(o.pos) and exon.contains(o.pos + max(len(o.ref) - 1, 0))]
    return joined[0], joined[1], same_exon


def snv_calls(scan: RegionScan, fetch, settings: CallerSettings) -> list[Call]:
    calls = []
    for position, bases in scan.site_bases.items():
        ref_base = fetch(scan.region.chrom, position, position)
        depth = sum(len(reads) for reads in bases.values())
        for base, reads in bases.items():
            if base == ref_base or base == "N" or len(reads) < settings.report_min_alt_reads:
                continue
            variant = Variant(scan.region.chrom, position, ref_base, base)
            calls.append(Call(variant, scan.region.gene, "SNV", len(reads), depth, read_keys=frozenset(reads)))
    return calls


def strand_table(evidence: AlleleEvidence | None) -> tuple[int, int, int, int] | None:
    """FORMAT SB: reference forward, reference reverse, alt forward, alt reverse (GATK's order)."""
    if evidence is None:
        return None
    c = evidence.strands
    return c.ref_forward, c.ref_reverse, c.alt_forward, c.alt_reverse


def repeat_label(evidence: AlleleEvidence | None) -> str | None:
    if evidence is None or evidence.repeat is None:
        return None
    return f"{evidence.repeat.copies}x{evidence.repeat.unit}"


def strand_counts(scan: RegionScan, position: int, keys) -> StrandCounts:
    """Alt reads per strand among ``keys`` and the reads aligned over position per strand."""
    reverse = sum(1 for key in keys if scan.read_facts[key].reverse)
    depth_forward, depth_reverse = scan.strand_depth(position)
    return StrandCounts(len(keys) - reverse, reverse, depth_forward, depth_reverse)


def allele_evidence(scan: RegionScan, call: Call, fetch) -> AlleleEvidence:
    variant = call.variant
    keys = [key for key in call.read_keys if key in scan.read_facts]
    counts = strand_counts(scan, variant.pos, keys)
    mapqs = tuple(scan.read_facts[key].mapq for key in keys)
    if call.vartype == "SNV":
        ends = scan.site_read_ends.get(variant.pos, {})
        return AlleleEvidence(counts, mapqs, tuple(ends.get(variant.alt, ())), tuple(ends.get(variant.ref, ())))
    return AlleleEvidence(counts, mapqs, repeat=repeat_context(variant, fetch))


def apply_filters(call: Call, settings: CallerSettings) -> None:
    min_vaf = settings.min_vaf_tkd if call.gene == "FLT3" and call.vartype != "ITD" else settings.min_vaf
    if call.alt_reads < settings.min_alt_reads:
        call.filters.append("LowAltReads")
    if call.vaf < min_vaf:
        call.filters.append("LowVAF")
    if call.evidence is not None:
        call.filters += artefact_filters(call.vartype, call.vaf, call.evidence, settings.artefacts)
    # No depth filter: min_depth decides whether a *negative* can be trusted (wild-type versus
    # no-call). A call with enough alt reads and VAF stands at any depth, with its depth shown.


def assign_allelic_ratios(calls: list[Call]) -> None:
    """AR_i = VAF_i / (1 - sum of all passing ITD VAFs), undefined (None) when the sum reaches 1,
    with a 95% interval from VAF_i's Wilson interval (the other clones held at their estimates)."""
    itds = [c for c in calls if c.vartype == "ITD" and not c.filters]
    total = sum(c.vaf for c in itds)
    for call in itds:
        others = total - call.vaf
        call.itd_ar = allelic_ratio(call.vaf, others)
        call.itd_ar_ci = allelic_ratio_interval(call.vaf_ci, others)


@dataclass(frozen=True)
class HotspotDepth:
    hotspot: Hotspot
    min_depth: int
    mean_depth: float


def call_sample(bam_path: Path, genome: GenomeReference, transcripts, settings: CallerSettings,
                skip_duplicates: bool = True, profile: SiteProfile | None = None,
                ) -> tuple[list[Call], list[HotspotDepth]]:
    """The sample's calls and hotspot depths; fills ``profile``, when given, with its site profile."""
    read_filter = ReadFilter(settings.min_mapq, skip_duplicates)
    flt3 = transcripts["FLT3"]
    codon_first, codon_last = flt3_codon_span(flt3, *FLT3_TKD_CODONS)
    tkd_sites = set(range(codon_first, codon_last + 1))
    calls: list[Call] = []
    scans = []
    with pysam.AlignmentFile(str(bam_path)) as bam:
        for region in calling_regions(transcripts):
            sites = tkd_sites if region.kind == "flt3_tkd" else set()
            scan = scan_region(bam, genome, region, settings, read_filter, sites)
            scans.append(scan)
            resolved = resolve_alleles(scan, settings)
            region_calls = indel_calls(scan, genome.fetch, settings, resolved)
            if region.kind == "flt3_itd":
                recount_itds(bam, genome, scan, region_calls, read_filter, settings, flt3)
            region_calls += snv_calls(scan, genome.fetch, settings)
            for call in region_calls:
                call.evidence = allele_evidence(scan, call, genome.fetch)
            if profile is not None:
                add_to_profile(profile, scan, resolved, region_calls, genome.fetch)
            calls += region_calls
    for call in calls:
        apply_filters(call, settings)
    assign_allelic_ratios(calls)
    calls.sort(key=lambda c: (c.variant.chrom, c.variant.pos, c.variant.ref, c.variant.alt))
    return calls, hotspot_depths(define_hotspots(transcripts), scans)


def add_to_profile(profile: SiteProfile, scan: RegionScan, resolved: ResolvedAlleles, calls: list[Call],
                   fetch) -> None:
    """The region's share of the sample's site profile (npm1_flt3/background.py): reads per strand
    at every position of the event range, and every allele seen with one read or more, counted
    per read and strand as the background test counts a candidate."""
    region = scan.region
    first, last = region.events
    forward, reverse = scan.strand_depths(first, last)
    for offset, (f, r) in enumerate(zip(forward.tolist(), reverse.tolist())):
        profile.depth[region.chrom, first + offset] = (f, r)
    observed = {variant: keys for variant, keys in resolved.alleles.items()}
    for position, bases in scan.site_bases.items():
        ref_base = fetch(region.chrom, position, position)
        for base, keys in bases.items():
            if base not in (ref_base, "N"):
                observed[Variant(region.chrom, position, ref_base, base)] = keys
    for variant, keys in observed.items():
        known = [key for key in keys if key in scan.read_facts]
        reverse_reads = sum(1 for key in known if scan.read_facts[key].reverse)
        profile.alleles[variant.chrom, variant.pos, variant.ref, variant.alt] = (len(known) - reverse_reads,
                                                                                 reverse_reads)
    for call in calls:
        v = call.variant
        profile.reported_vaf[v.chrom, v.pos, v.ref, v.alt] = call.vaf


def hotspot_depths(hotspots: list[Hotspot], scans: list[RegionScan]) -> list[HotspotDepth]:
    results = []
    for spot in hotspots:
        scan = next(s for s in scans if s.region.chrom == spot.chrom
                    and s.region.window[0] <= spot.start and spot.end <= s.region.window[1])
        depth = scan.depth_between(spot.start, spot.end)
        results.append(HotspotDepth(spot, int(depth.min()), round(float(depth.mean()), 1)))
    return results


# --- output -------------------------------------------------------------------------------------

def write_vcf(calls: list[Call], sample: str, genome: GenomeReference, out: Path) -> None:
    lines = [
        "##fileformat=VCFv4.2",
        f"##source=npm1-flt3 {__version__}",
        f"##reference=file://{genome.path.resolve()}",
    ]
    for chrom in ("chr5", "chr13"):
        lines.append(f"##contig=<ID={chrom},length={genome.contig_length(chrom)},assembly=GRCh38>")
    lines += header_lines(CALLER_HEADER)
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]))
    for call in sorted(calls, key=lambda c: (c.variant.chrom != "chr5", c.variant.pos, c.variant.alt)):
        lines.append(unannotated_line(call.record()))
    write_text_atomically(out, "\n".join(lines) + "\n")


HOTSPOT_COLUMNS = ["sample", "hotspot", "gene", "chrom", "start", "end", "role",
                   "min_depth", "mean_depth", "required_depth", "covered"]


def write_hotspot_table(depths: list[HotspotDepth], sample: str, required: int, out: Path) -> None:
    rows = ["\t".join(HOTSPOT_COLUMNS)]
    for d in depths:
        spot = d.hotspot
        covered = "yes" if d.min_depth >= required else "no"
        rows.append("\t".join(map(str, [sample, spot.name, spot.gene, spot.chrom, spot.start, spot.end,
                                        spot.role, d.min_depth, d.mean_depth, required, covered])))
    write_text_atomically(out, "\n".join(rows) + "\n")


def read_hotspot_table(path: Path) -> list[dict]:
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


# --- command line -------------------------------------------------------------------------------

def configure_parser(parser: argparse.ArgumentParser) -> None:
    defaults = CallerSettings()
    parser.add_argument("--bam", required=True, type=Path)
    parser.add_argument("--reference", required=True, help="the FASTA the BAM is aligned to")
    parser.add_argument("--annotation", required=True, help="exons.tsv of the MANE transcripts")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--vcf", required=True, type=Path, help="unannotated VCF to write")
    parser.add_argument("--hotspots", required=True, type=Path, help="hotspot depth table to write")
    parser.add_argument("--profile", type=Path,
                        help="site profile to write (reads per strand per position and allele; "
                             "the error background of npm1-flt3 background and build-pon)")
    parser.add_argument("--keep-duplicates", action="store_true",
                        help="count duplicate-flagged reads (amplicon and RNA data)")
    parser.add_argument("--rna", action="store_true",
                        help="RNA reads (assay rna): ITD fractions measured on the exon-joined sequence")
    for name in ("min_mapq", "min_base_quality", "min_alt_reads", "min_depth", "anchor"):
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=getattr(defaults, name))
    for name in ("min_vaf", "min_vaf_tkd"):
        parser.add_argument("--" + name.replace("_", "-"), type=float, default=getattr(defaults, name))


def run(args: argparse.Namespace) -> int:
    settings = CallerSettings(
        min_mapq=args.min_mapq, min_base_quality=args.min_base_quality, min_alt_reads=args.min_alt_reads,
        min_vaf=args.min_vaf, min_vaf_tkd=args.min_vaf_tkd, min_depth=args.min_depth, anchor=args.anchor,
        rna=args.rna,
    )
    genome = GenomeReference(args.reference)
    transcripts = load_transcripts(args.annotation)
    profile = SiteProfile()
    calls, depths = call_sample(args.bam, genome, transcripts, settings, not args.keep_duplicates, profile)
    write_vcf(calls, args.sample, genome, args.vcf)
    write_hotspot_table(depths, args.sample, settings.min_depth, args.hotspots)
    if args.profile is not None:
        write_profile(profile, args.profile)
    return 0

