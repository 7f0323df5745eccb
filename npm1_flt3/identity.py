"""Sample identity for MRD follow-up: do two samples of a patient come from the same person?

Method (issue 14, item 4). Common germline SNPs inside the NPM1/FLT3 target regions
(reference_data/identity_snps.tsv; reference_data/README.md says where each comes from) are genotyped in
each sample by counting fragments, as the MRD counts are made (npm1_flt3/track.py), and the
genotypes of a follow-up sample are compared with those of the patient's baseline sample.

* Genotypes come from the alt-allele fraction at depth >= 20 fragments, with a gap between the
  classes so that a borderline fraction is left uncalled rather than called wrong (HOM_REF_MAX,
  HET_RANGE, HOM_ALT_MIN).
* Only opposite homozygotes (0/0 in one sample, 1/1 in the other) count against identity. This is
  somalier's IBS0 (Pedersen et al. 2020, Genome Med 12:62): a person cannot pass on, or lose his
  way into, the allele he does not carry. A het/hom difference does not count: AML cells often lose
  heterozygosity (13q uniparental disomy makes FLT3-ITD homozygous: Whitman et al. 2001, Cancer Res
  61:7233; Fitzgibbon et al. 2005, Cancer Res 65:9152), so a diagnosis sample can be 1/1 where
  the remission sample is 0/1. Such LOH-compatible differences are reported, not held against the
  match.
* Sites that are 0/0 in both samples say almost nothing at a common SNP and are not informative.
* A handful of SNPs cannot tell people apart: NGSCheckMate (Lee et al. 2017, Nucleic Acids Res
  45:e103) and somalier use thousands of common SNPs. Since only opposite homozygotes discriminate
  here, an unrelated pair shows one at a site with probability 2p^2q^2 (Hardy-Weinberg; 0.125 at
  p = 0.5), so MIN_INFORMATIVE = 20 sites give an unrelated sample about a 93 % chance to show at
  least one (1 - 0.875^20). With fewer, the answer is "not enough SNPs", never "match".
  SNPs of one gene are in linkage disequilibrium, so the chance figures in ``detail`` (which assume
  independent sites) are optimistic.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pysam

from npm1_flt3.atomic import write_text_atomically
from npm1_flt3.evidence import ReadFilter, base_calls
from npm1_flt3.packaged import DATA_DIR
from npm1_flt3.reference import GenomeReference, ReferenceError

IDENTITY_SNPS_TSV = DATA_DIR / "identity_snps.tsv"

# Fragments. At 20, a heterozygote shows < 10 % or > 90 % alt by chance with probability ~4e-5
# (binomial, p = 0.5), so it is not called homozygous; fewer fragments are left uncalled.
MIN_DEPTH = 20
# Alt-fraction bands. A germline het sits near 0.5 and a homozygote near 0 or 1 (errors ~1 %).
# The gaps (0.1-0.25, 0.75-0.9) are left uncalled: contamination, allele bias of a capture or
# amplicon, and LOH in part of the cells put a fraction there, and a wrong homozygous call is
# what would fake a mismatch.
HOM_REF_MAX = 0.1
HET_RANGE = (0.25, 0.75)
HOM_ALT_MIN = 0.9
MIN_INFORMATIVE = 20  # see the module docstring
MIN_DISCORDANT = 1  # one opposite homozygote at depth >= 20 is not sequencing error; allele dropout
# of an amplicon can fake one, hence the "flag for review" wording of the detail


@dataclass(frozen=True)
class IdentitySnp:
    chrom: str
    pos: int  # GRCh38, 1-based
    ref: str
    alt: str
    rsid: str
    alt_frequency: float | None  # population allele frequency of alt; None where not found
    where: str


@dataclass(frozen=True)
class SiteGenotype:
    snp: IdentitySnp
    ref_count: int  # fragments with the ref base
    alt_count: int  # fragments with the alt base
    depth: int  # fragments with a confident base call (any base)
    genotype: str | None  # "0/0", "0/1", "1/1", or None (too shallow or between the bands)


@dataclass(frozen=True)
class IdentityResult:
    status: str  # "match", "mismatch" or "not enough SNPs"
    informative: int
    discordant: int
    detail: str


def load_identity_snps(path: Path | None = None) -> list[IdentitySnp]:
    with open(path or IDENTITY_SNPS_TSV, newline="") as handle:
        return [_snp(row) for row in csv.DictReader(handle, delimiter="\t")]


def _snp(row: dict) -> IdentitySnp:
    frequency = row["alt_frequency"].strip()
    return IdentitySnp(row["chrom"], int(row["pos"]), row["ref"], row["alt"], row["rsid"],
                       float(frequency) if frequency else None, row["where"])


def call_genotype(alt_count: int, depth: int, min_depth: int = MIN_DEPTH) -> str | None:
    if depth < min_depth or depth == 0:
        return None
    fraction = alt_count / depth
    if fraction < HOM_REF_MAX:
        return "0/0"
    if HET_RANGE[0] <= fraction <= HET_RANGE[1]:
        return "0/1"
    if fraction > HOM_ALT_MIN:
        return "1/1"
    return None


def genotype_sites(bam_path, genome: GenomeReference, snps: list[IdentitySnp], min_mapq: int = 20,
                   min_base_quality: int = 20, skip_duplicates: bool = True,
                   min_depth: int = MIN_DEPTH) -> list[SiteGenotype]:
    """Fragment counts and genotype at each SNP the reference holds (the others are skipped)."""
    read_filter = ReadFilter(min_mapq, skip_duplicates)
    found = []
    with pysam.AlignmentFile(str(bam_path)) as bam:
        for snp in snps:
            try:
                placement = genome.placement_of(snp.chrom, snp.pos)
            except ReferenceError:
                continue
            if placement.contig not in bam.references:
                continue
            reads = [read for read in bam.fetch(placement.contig, snp.pos - placement.offset - 1,
                                                snp.pos - placement.offset) if read_filter.accepts(read)]
            found.append(_site(snp, _fragment_bases(reads, placement.offset, snp.pos, min_base_quality),
                               min_depth))
    return found


def _fragment_bases(reads, offset: int, pos: int, min_base_quality: int) -> dict[str, str]:
    """One base per fragment; a fragment whose mates disagree is dropped (like an N)."""
    bases: dict[str, str] = {}
    for read in reads:
        base = base_calls(read, offset, {pos}, min_base_quality).get(pos)
        if base is not None:
            bases[read.query_name] = base if bases.get(read.query_name, base) == base else "N"
    return {name: base for name, base in bases.items() if base != "N"}


def _site(snp: IdentitySnp, bases: dict[str, str], min_depth: int) -> SiteGenotype:
    calls = list(bases.values())
    ref, alt = calls.count(snp.ref), calls.count(snp.alt)
    return SiteGenotype(snp, ref, alt, len(calls), call_genotype(alt, len(calls), min_depth))


def compare_genotypes(reference: list[SiteGenotype], other: list[SiteGenotype],
                      min_informative: int = MIN_INFORMATIVE,
                      min_discordant: int = MIN_DISCORDANT) -> IdentityResult:
    """Same person? Informative: genotyped in both and not 0/0 in both. Discordant: 0/0 vs 1/1."""
    theirs = {_key(site.snp): site.genotype for site in other}
    pairs = [(site.snp, site.genotype, theirs.get(_key(site.snp))) for site in reference]
    informative = [(snp, a, b) for snp, a, b in pairs if a and b and (a, b) != ("0/0", "0/0")]
    discordant = [snp for snp, a, b in informative if {a, b} == {"0/0", "1/1"}]
    loh_like = sum(1 for _, a, b in informative if a != b and "0/1" in (a, b))
    counts = (f"{len(informative)} informative SNPs, {len(discordant)} with opposite homozygotes, "
              f"{loh_like} het/hom (LOH-compatible)")
    if discordant and len(discordant) >= min_discordant:
        names = ", ".join(snp.rsid or f"{snp.chrom}:{snp.pos}" for snp in discordant)
        return IdentityResult("mismatch", len(informative), len(discordant),
                              f"{counts}: opposite homozygotes at {names}; the samples look like two "
                              "people: check the sample before any MRD value is reported")
    if len(informative) < min_informative:
        return IdentityResult("not enough SNPs", len(informative), 0,
                              f"{counts}; at least {min_informative} are needed to tell people apart")
    return IdentityResult("match", len(informative), 0, f"{counts}; {_chance_text(informative)}")


def _key(snp: IdentitySnp) -> tuple:
    return snp.chrom, snp.pos, snp.ref, snp.alt


def _chance_text(informative) -> str:
    frequencies = [snp.alt_frequency for snp, _, _ in informative if snp.alt_frequency is not None]
    if not frequencies:
        return "no population frequencies known: chance of a coincidental match not computed"
    no_opposite, identical = chance_match(frequencies)
    return (f"an unrelated person would show no opposite homozygote with probability {no_opposite:.2g} "
            f"and the same genotypes with probability {identical:.2g} at the {len(frequencies)} of these "
            "sites with a known frequency (Hardy-Weinberg, sites taken as independent)")


def chance_match(alt_frequencies: list[float]) -> tuple[float, float]:
    """Probabilities that two unrelated people (Hardy-Weinberg) show no opposite homozygote, and the
    same genotype, at every one of these sites."""
    no_opposite, identical = 1.0, 1.0
    for p in alt_frequencies:
        q = 1 - p
        no_opposite *= 1 - 2 * p * p * q * q
        identical *= p ** 4 + (2 * p * q) ** 2 + q ** 4
    return no_opposite, identical


# --- the per-sample genotype table (written by npm1-flt3 track, read by npm1-flt3 mrd) -------------

GENOTYPE_COLUMNS = ["rsid", "chrom", "pos", "ref", "alt", "ref_count", "alt_count", "depth", "genotype"]


def write_genotypes(sites: list[SiteGenotype], out: Path) -> None:
    lines = ["\t".join(GENOTYPE_COLUMNS)]
    for site in sites:
        snp = site.snp
        lines.append("\t".join(map(str, [snp.rsid, snp.chrom, snp.pos, snp.ref, snp.alt, site.ref_count,
                                         site.alt_count, site.depth, site.genotype or ""])))
    write_text_atomically(out, "\n".join(lines) + "\n")


def read_genotypes(path: Path, snps: list[IdentitySnp] | None = None) -> list[SiteGenotype]:
    """A genotype table back as SiteGenotype rows (the SNPs' frequencies from the packaged table)."""
    known = {_key(snp): snp for snp in (snps if snps is not None else load_identity_snps())}
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    sites = []
    for row in rows:
        key = (row["chrom"], int(row["pos"]), row["ref"], row["alt"])
        snp = known.get(key) or IdentitySnp(*key, row["rsid"], None, "")
        sites.append(SiteGenotype(snp, int(row["ref_count"]), int(row["alt_count"]), int(row["depth"]),
                                  row["genotype"] or None))
    return sites
