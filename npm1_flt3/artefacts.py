"""Artefact filters that one sample's reads can decide: strand bias, read position, mapping quality
and repeat slippage. Each failed test adds a named FILTER (declared in npm1_flt3/calls_vcf.py and
explained in README, "Filters"). The batch-level tests (error background, cross-sample
contamination) are in npm1_flt3/background.py.

Sources of the rules and defaults
---------------------------------
* StrandBias: LoFreq's compound strand-bias rule (CSB5/lofreq, lofreq_filter.c: Fisher's exact
  test of alt versus reference reads on the two strands significant at 0.001, *and* at least 85%
  of the alt reads on one strand), with one condition of ours: the site's minor strand must hold at
  least 20% of all its reads, so that an amplicon or a site read on one strand only is not called
  biased for being what it is. (GATK's FisherStrand is the same test.) SNVs only, as LoFreq's
  default (indels only with --sb-incl-indels): an indel or ITD junction near one end of an
  amplicon is read by one strand's reads only, while the other strand's reads cover its position
  without reaching the junction (real getITD amplicon data: a 21-bp ITD at 70% in 1,725 reverse
  and 2 forward reads).
* ReadEnd (SNVs): the median distance of the alt bases from the nearer read end is under 5 bases
  (VarDict's read-position filter -P 5; Mutect2's --min-median-read-position was 5 in GATK 4.0)
  while the reference bases' median is at least twice that (ours: at an amplicon end every base is
  near a read end). Indel alleles need ``anchor`` (15) aligned
  bases on both sides to count at all (npm1_flt3/caller.py), so no indel evidence lies at a read end.
* LowMapQ: the median mapping quality of the alt reads is under 30, Mutect2's default
  (FilterMutectCalls --min-median-mapping-quality 30). Reads under the caller's min_mapq (20) are
  never counted.
* RepeatSlippage: an insertion or deletion of whole copies of a repeat unit, in a reference run of
  that unit, is the polymerase-slippage error of PCR and cluster amplification, whose rate grows
  steeply with the run length: "increased to up to 2% in homopolymers" (Minoche et al. 2011,
  Genome Biol 12:R112); Strelka's per-read homopolymer indel error model grows as about L^7
  (Illumina/strelka, starling_indel_error_prob.cpp: ~2e-4 at 6 bases, 1e-3 at 8, 5e-3 at 10);
  Mutect2 flags repeat-count changes in runs of 8+ bases (PolymeraseSlippageFilter). No source
  gives a closed-form threshold, so ours stays ~25-40 times above Strelka's per-read rate from
  6 bases on, to cover library PCR cycles and run-to-run variation. The VAF an indel must
  reach doubles with every further copy: 0.2% at 4 copies of one base, 0.8% at 6, 3.2% at 8, and 0.2% at 3 copies of a 2-6 base unit,
  doubling per copy; capped at 20%. A true NPM1 type A (a 4-bp duplication of TCTG, one copy in
  the reference) is not in a run and is never touched.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from npm1_flt3.stats import fisher_exact
from npm1_flt3.variants import Fetch, Variant


@dataclass(frozen=True)
class ArtefactSettings:
    strand_bias_p: float = 1e-3
    strand_bias_alt_share: float = 0.15  # alt's minor strand under this share ...
    strand_bias_depth_share: float = 0.20  # ... while the depth's minor strand is at least this
    min_read_end: int = 5
    min_median_mapq: int = 30
    slippage_base_vaf: float = 0.002
    slippage_max_vaf: float = 0.20
    homopolymer_min_copies: int = 4
    repeat_min_copies: int = 3
    max_repeat_unit: int = 6


@dataclass(frozen=True)
class StrandCounts:
    """Read counts of one allele at its site, per strand of the read (not of the fragment)."""

    alt_forward: int
    alt_reverse: int
    depth_forward: int
    depth_reverse: int

    @property
    def ref_forward(self) -> int:
        return max(self.depth_forward - self.alt_forward, 0)

    @property
    def ref_reverse(self) -> int:
        return max(self.depth_reverse - self.alt_reverse, 0)


@dataclass(frozen=True)
class Repeat:
    """A run of a repeat unit in the reference, starting right after an indel's anchor base."""

    unit: str
    copies: int


@dataclass(frozen=True)
class AlleleEvidence:
    strands: StrandCounts
    alt_mapqs: tuple[int, ...] = ()
    alt_read_ends: tuple[int, ...] = ()  # SNVs: each alt base's distance from the nearer read end
    ref_read_ends: tuple[int, ...] = ()
    repeat: Repeat | None = None


def artefact_filters(vartype: str, vaf: float, evidence: AlleleEvidence,
                     settings: ArtefactSettings = ArtefactSettings()) -> list[str]:
    """The FILTER names this allele fails, in a fixed order."""
    filters = []
    if vartype == "SNV" and strand_biased(evidence.strands, settings):
        filters.append("StrandBias")
    if vartype == "SNV" and at_read_ends(evidence, settings):
        filters.append("ReadEnd")
    if evidence.alt_mapqs and statistics.median(evidence.alt_mapqs) < settings.min_median_mapq:
        filters.append("LowMapQ")
    if evidence.repeat is not None and vaf < slippage_min_vaf(evidence.repeat, settings):
        filters.append("RepeatSlippage")
    return filters


def strand_biased(counts: StrandCounts, settings: ArtefactSettings) -> bool:
    alt = counts.alt_forward + counts.alt_reverse
    depth = counts.depth_forward + counts.depth_reverse
    if alt == 0 or depth == 0:
        return False
    if min(counts.depth_forward, counts.depth_reverse) < settings.strand_bias_depth_share * depth:
        return False  # the site is read on one strand: no bias can be told
    if min(counts.alt_forward, counts.alt_reverse) >= settings.strand_bias_alt_share * alt:
        return False
    p = fisher_exact(counts.alt_forward, counts.alt_reverse, counts.ref_forward, counts.ref_reverse)
    return p < settings.strand_bias_p


def at_read_ends(evidence: AlleleEvidence, settings: ArtefactSettings) -> bool:
    if not evidence.alt_read_ends:
        return False
    alt_median = statistics.median(evidence.alt_read_ends)
    ref_median = statistics.median(evidence.ref_read_ends) if evidence.ref_read_ends else math.inf
    return alt_median < settings.min_read_end and ref_median >= 2 * settings.min_read_end


def slippage_min_vaf(repeat: Repeat, settings: ArtefactSettings) -> float:
    """VAF an indel in this run must reach; 0 when the run is too short to slip."""
    first = settings.homopolymer_min_copies if len(repeat.unit) == 1 else settings.repeat_min_copies
    if repeat.copies < first:
        return 0.0
    return min(settings.slippage_base_vaf * 2 ** (repeat.copies - first), settings.slippage_max_vaf)


def repeat_context(variant: Variant, fetch: Fetch, max_unit: int = 6) -> Repeat | None:
    """The repeat run an insertion or deletion changes the length of, or None.

    The changed bases must be whole copies of a unit of at most max_unit bases, and the reference
    right after the (left-normalised) anchor base must hold that unit; copies counts the reference
    run (for a deletion, including the deleted copies)."""
    if variant.kind not in ("INS", "DEL"):
        return None
    changed = variant.inserted if variant.kind == "INS" else variant.ref[1:]
    unit = smallest_unit(changed)
    if len(unit) > max_unit:
        return None
    following = fetch(variant.chrom, variant.pos + 1, variant.pos + len(unit) * 60)
    copies = 0
    while following[copies * len(unit):(copies + 1) * len(unit)] == unit:
        copies += 1
    if copies < 2:
        return None  # one copy is no run: nothing to slip on (NPM1 type A duplicates a single TCTG)
    return Repeat(unit, copies)


def smallest_unit(sequence: str) -> str:
    """Shortest string whose repeats make up sequence exactly (ATAT -> AT, AAA -> A)."""
    for size in range(1, len(sequence) + 1):
        if len(sequence) % size == 0 and sequence[:size] * (len(sequence) // size) == sequence:
            return sequence[:size]
    return sequence
