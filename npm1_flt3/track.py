"""MRD measurement of one sample (``npm1-flt3 track``): its patient's baseline alleles, counted
at exactly those alleles in the sample's BAM, however low (npm1_flt3/mrd.py says how and why).

Insertions, deletions and ITDs: alt = fragments containing a junction k-mer only the mutant
haplotype has; depth = fragments containing the single-copy k-mers just outside the event
(npm1_flt3/junctions.py). SNVs (FLT3-TKD): fragments with a confident base call at the site.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pysam

from npm1_flt3.caller import CallerSettings, calling_regions
from npm1_flt3.calls_vcf import CallRecord, read_calls
from npm1_flt3.evidence import ReadFilter, base_calls
from npm1_flt3.junctions import JunctionCounts, count_junction_fragments, design_probes
from npm1_flt3.reference import GenomeReference
from npm1_flt3.stats import wilson_interval
from npm1_flt3.tables import TableWriter
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant

ALLELE_COLUMNS = ["gene", "type", "length", "hgvs_c", "hgvs_p", "npm1_type", "chrom", "pos", "ref", "alt"]
# MRD fractions reach 0.01%: six decimals, where the cohort tables keep four.
MRD_FLOAT_FORMAT = "%.6f"
TRACK_COLUMNS = ["sample", *ALLELE_COLUMNS, "alt_reads", "depth", "vaf", "vaf_ci_low", "vaf_ci_high", "method"]
TRACK_INTEGER_COLUMNS = ("pos", "length", "alt_reads", "depth")


def baseline_alleles(vcf_path: Path) -> list[dict]:
    """The PASS alleles of a baseline VCF, as ALLELE_COLUMNS rows."""
    return [allele_row(call) for call in read_calls(vcf_path) if call.passed]


def allele_row(call: CallRecord) -> dict:
    return {"gene": call.gene, "type": call.vartype, "length": call.varlen, "hgvs_c": call.hgvs_c,
            "hgvs_p": call.hgvs_p, "npm1_type": call.npm1_type, "chrom": call.chrom, "pos": call.pos,
            "ref": call.ref, "alt": call.alt}


@dataclass(frozen=True)
class AlleleCount:
    alt: int  # fragments with the allele
    depth: int  # fragments informative at it
    method: str  # how they were counted (the method column)


NO_COUNT = AlleleCount(0, 0, "no unique k-mer: not measurable")


def measure_alleles(bam_path: Path, genome: GenomeReference, transcripts, alleles: list[dict],
                    settings: CallerSettings, skip_duplicates: bool) -> list[AlleleCount]:
    """Fragment counts of each allele, one pass over the reads of each calling region holding one."""
    variants = [Variant(a["chrom"], int(a["pos"]), a["ref"], a["alt"]) for a in alleles]
    counts: list[AlleleCount | None] = [None] * len(variants)
    read_filter = ReadFilter(settings.min_mapq, skip_duplicates)
    with pysam.AlignmentFile(str(bam_path)) as bam:
        for region in calling_regions(transcripts):
            inside = [i for i, v in enumerate(variants) if counts[i] is None  # windows overlap: count once
                      and v.chrom == region.chrom and region.window[0] < v.pos < region.window[1]]
            if inside:
                reads = _region_reads(bam, genome, region, read_filter)
                found = _count_in_region(reads, genome, region, [variants[i] for i in inside], settings)
                for i, count in zip(inside, found):
                    counts[i] = count
    return [count or NO_COUNT for count in counts]


def _region_reads(bam, genome: GenomeReference, region, read_filter: ReadFilter) -> list:
    placement = genome.placement_of(region.chrom, *region.window)
    return [(read, placement.offset)
            for read in bam.fetch(placement.contig, region.window[0] - placement.offset - 1,
                                  region.window[1] - placement.offset)
            if read_filter.accepts(read)]


def _count_in_region(reads, genome, region, variants, settings) -> list[AlleleCount | None]:
    """SNVs by base calls, everything else by junction k-mers."""
    counts: dict[Variant, AlleleCount] = {}
    for variant in variants:
        if variant.kind == "SNV":
            counts[variant] = _snv_count(reads, variant, settings.min_base_quality)
    others = [v for v in variants if v.kind != "SNV"]
    window_seq = genome.fetch(region.chrom, *region.window)
    designs = [design_probes(region.window[0], window_seq, v, [o for o in others if o != v], 2 * settings.anchor)
               for v in others]
    usable = [(v, d) for v, d in zip(others, designs) if d is not None]
    if usable:
        junctions = count_junction_fragments(((read.query_name, read.query_sequence) for read, _ in reads),
                                             [d for _, d in usable])
        for (variant, _), count in zip(usable, junctions):
            counts[variant] = AlleleCount(count.mutant, fragments_depth(count), "junction k-mers")
    return [counts.get(v) for v in variants]


def _snv_count(reads, variant: Variant, min_base_quality: int) -> AlleleCount:
    """Fragments whose base at the site (quality >= min_base_quality) is ALT, over fragments with
    any such base: what the caller counts, by fragment. (A k-mer cannot tell a confident base from
    a sequencing error, which at MRD levels is the background itself.)"""
    alt, informative = set(), set()
    for read, offset in reads:
        base = base_calls(read, offset, {variant.pos}, min_base_quality).get(variant.pos)
        if base is not None:
            informative.add(read.query_name)
            if base == variant.alt:
                alt.add(read.query_name)
    return AlleleCount(len(alt), len(informative), f"base calls (quality >= {min_base_quality})")


def fragments_depth(count: JunctionCounts) -> int:
    """Mean of the two flank counts; the larger where they disagree (a flank at an amplicon primer
    loses reads, it never gains them); never below the alt count."""
    depth = count.depth if count.flanks_agree() else max(count.left, count.right)
    return max(depth, count.mutant)


def track_rows(sample: str, alleles: list[dict], counts: list[AlleleCount]) -> list[dict]:
    rows = []
    for allele, count in zip(alleles, counts):
        low, high = wilson_interval(count.alt, count.depth)
        measured = count.depth > 0
        rows.append({"sample": sample, **allele, "alt_reads": count.alt, "depth": count.depth,
                     "vaf": round(count.alt / count.depth, 6) if measured else None,
                     "vaf_ci_low": round(low, 6) if measured else None,
                     "vaf_ci_high": round(high, 6) if measured else None, "method": count.method})
    return rows


def configure_parser(parser: argparse.ArgumentParser) -> None:
    defaults = CallerSettings()
    parser.add_argument("--bam", required=True, type=Path, help="the sample's final BAM")
    parser.add_argument("--baseline-vcf", required=True, type=Path,
                        help="annotated VCF of the patient's baseline sample (its PASS alleles are measured)")
    parser.add_argument("--reference", required=True, help="the FASTA the BAM is aligned to")
    parser.add_argument("--annotation", required=True, help="exons.tsv of the MANE transcripts")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--out", required=True, type=Path, help="the sample's track table to write")
    parser.add_argument("--keep-duplicates", action="store_true", help="count duplicate-flagged reads (amplicon)")
    parser.add_argument("--min-mapq", type=int, default=defaults.min_mapq)
    parser.add_argument("--min-base-quality", type=int, default=defaults.min_base_quality)
    parser.add_argument("--anchor", type=int, default=defaults.anchor)


def run(args: argparse.Namespace) -> int:
    settings = CallerSettings(min_mapq=args.min_mapq, min_base_quality=args.min_base_quality, anchor=args.anchor)
    alleles = baseline_alleles(args.baseline_vcf)
    genome = GenomeReference(args.reference)
    counts = measure_alleles(args.bam, genome, load_transcripts(args.annotation), alleles, settings,
                             not args.keep_duplicates)
    with TableWriter(args.out, TRACK_COLUMNS, TRACK_INTEGER_COLUMNS, MRD_FLOAT_FORMAT) as table:
        table.add(track_rows(args.sample, alleles, counts))
    return 0
