"""MRD measurement of one sample (``npm1-flt3 track``): its patient's baseline alleles, counted
at exactly those alleles in the sample's BAM, however low (npm1_flt3/mrd.py says how and why).

Insertions, deletions and ITDs: alt = fragments containing a junction k-mer only the mutant
haplotype has; depth = fragments containing the single-copy k-mers just outside the event
(npm1_flt3/junctions.py). SNVs (FLT3-TKD): fragments with a confident base call at the site; where
both reads of a fragment cover it and disagree, the fragment is left out (an error of one read).

What a count is (column count_unit): ``fragments`` (read pairs after duplicate marking, or every
read pair of an amplicon), or ``molecules`` when the BAM holds one UMI consensus pair per molecule
(npm1_flt3/consensus.py). ``alt_duplex``: of the mutant molecules, those read on both strands
(consensus tags aD and bD both above 0); empty for fragments.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pysam

from npm1_flt3.caller import CallerSettings, calling_regions
from npm1_flt3.calls_vcf import CallRecord, read_calls
from npm1_flt3.evidence import ReadFilter, base_calls
from npm1_flt3.identity import genotype_sites, load_identity_snps, write_genotypes
from npm1_flt3.junctions import JunctionCounts, count_junction_fragments, design_probes
from npm1_flt3.reference import GenomeReference
from npm1_flt3.stats import wilson_interval
from npm1_flt3.tables import TableWriter
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant

ALLELE_COLUMNS = ["gene", "type", "length", "hgvs_c", "hgvs_p", "npm1_type", "chrom", "pos", "ref", "alt"]
# MRD fractions reach 0.01%: six decimals, where the cohort tables keep four.
MRD_FLOAT_FORMAT = "%.6f"
TRACK_COLUMNS = ["sample", *ALLELE_COLUMNS, "count_unit", "alt_count", "depth", "alt_duplex", "vaf",
                 "vaf_ci_low", "vaf_ci_high", "method"]
TRACK_INTEGER_COLUMNS = ("pos", "length", "alt_count", "depth", "alt_duplex")
COUNT_UNITS = ("fragments", "molecules")


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
    alt_duplex: int = 0  # of the alt fragments, UMI consensus reads made from both strands


NO_COUNT = AlleleCount(0, 0, "no unique k-mer: not measurable")


def is_duplex(read) -> bool:
    """A UMI consensus read made from both strands of its molecule (npm1_flt3/consensus.py tags)."""
    return read.has_tag("aD") and read.has_tag("bD") and read.get_tag("aD") > 0 and read.get_tag("bD") > 0


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
        duplex = {read.query_name for read, _ in reads if is_duplex(read)}
        for (variant, _), count in zip(usable, junctions):
            counts[variant] = AlleleCount(count.mutant, fragments_depth(count), "junction k-mers",
                                          len(count.mutant_fragments & duplex))
    return [counts.get(v) for v in variants]


def _snv_count(reads, variant: Variant, min_base_quality: int) -> AlleleCount:
    """Fragments whose base at the site (quality >= min_base_quality) is ALT, over fragments with
    one such base: what the caller counts, by fragment. A fragment whose two reads disagree at the
    site is left out: one of them is wrong, and at MRD levels such errors are the background.
    (A k-mer cannot tell a confident base from a sequencing error.)"""
    bases: dict[str, set[str]] = {}
    duplex: set[str] = set()
    for read, offset in reads:
        base = base_calls(read, offset, {variant.pos}, min_base_quality).get(variant.pos)
        if base is not None:
            bases.setdefault(read.query_name, set()).add(base)
            if is_duplex(read):
                duplex.add(read.query_name)
    agreed = {name: seen.pop() for name, seen in bases.items() if len(seen) == 1}
    alt = {name for name, base in agreed.items() if base == variant.alt}
    return AlleleCount(len(alt), len(agreed), f"base calls (quality >= {min_base_quality}, mates agreeing)",
                       len(alt & duplex))


def fragments_depth(count: JunctionCounts) -> int:
    """Mean of the two flank counts; the larger where they disagree (a flank at an amplicon primer
    loses reads, it never gains them); never below the alt count."""
    depth = count.depth if count.flanks_agree() else max(count.left, count.right)
    return max(depth, count.mutant)


def track_rows(sample: str, alleles: list[dict], counts: list[AlleleCount], count_unit: str) -> list[dict]:
    rows = []
    for allele, count in zip(alleles, counts):
        low, high = wilson_interval(count.alt, count.depth)
        measured = count.depth > 0
        rows.append({"sample": sample, **allele, "count_unit": count_unit, "alt_count": count.alt,
                     "depth": count.depth, "alt_duplex": count.alt_duplex if count_unit == "molecules" else None,
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
    parser.add_argument("--identity-out", type=Path,
                        help="the sample's genotypes at the identity SNPs to write (npm1_flt3/identity.py)")
    parser.add_argument("--keep-duplicates", action="store_true", help="count duplicate-flagged reads (amplicon)")
    parser.add_argument("--count-unit", choices=COUNT_UNITS, default="fragments",
                        help="what a read pair of the BAM stands for: molecules after UMI consensus")
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
        table.add(track_rows(args.sample, alleles, counts, args.count_unit))
    if args.identity_out is not None:
        sites = genotype_sites(args.bam, genome, load_identity_snps(), settings.min_mapq, settings.min_base_quality,
                               not args.keep_duplicates)
        write_genotypes(sites, args.identity_out)
    return 0
