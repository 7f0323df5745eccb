"""Sample identity for MRD follow-up (npm1_flt3/identity.py): the packaged SNP table, genotype
calls from fragment counts, and the comparison that must flag two people before an MRD value is
reported, without mistaking a leukaemia's loss of heterozygosity for another person."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pysam
import pytest

from conftest import PEER_CASES
from npm1_flt3.identity import (MIN_DEPTH, MIN_INFORMATIVE, IdentitySnp, SiteGenotype, call_genotype,
                                chance_match, compare_genotypes, genotype_sites, load_identity_snps)
from npm1_flt3.reference import GenomeReference

SLICES = {"chr5": (171387116, 171410900), "chr13": (28003274, 28100576)}
T227M = IdentitySnp("chr13", 28050157, "G", "A", "rs1933437", 0.60, "FLT3 exon 6 (p.Thr227Met)")
FLT3_CONTIG = "chr13:28003274-28100576"
FLT3_OFFSET = 28003273


# --- the packaged table -------------------------------------------------------------------------

def test_the_packaged_table_loads_with_its_columns():
    snps = load_identity_snps()
    assert snps, "identity_snps.tsv is empty"
    for snp in snps:
        assert snp.rsid.startswith("rs") and snp.where
        assert snp.alt_frequency is None or 0.1 <= snp.alt_frequency <= 0.9  # informative SNPs only


def test_every_snp_lies_inside_a_gene_slice():
    for snp in load_identity_snps():
        start, end = SLICES[snp.chrom]
        assert start <= snp.pos <= end, f"{snp.rsid} at {snp.chrom}:{snp.pos} is outside the slice"


def test_every_snp_is_a_biallelic_snv_whose_ref_base_is_the_packaged_fasta_base(reference):
    # The check that catches a GRCh37 position (FLT3 sits 574,137 bp higher there) or a wrong strand.
    for snp in load_identity_snps():
        assert len(snp.ref) == len(snp.alt) == 1 and snp.ref != snp.alt and {snp.ref, snp.alt} <= set("ACGT")
        assert reference.fetch(snp.chrom, snp.pos, snp.pos) == snp.ref, snp.rsid


def test_rows_are_unique():
    keys = [(snp.chrom, snp.pos) for snp in load_identity_snps()]
    assert len(keys) == len(set(keys))


# --- genotype calls -----------------------------------------------------------------------------

@pytest.mark.parametrize("alt, depth, expected", [
    (0, 40, "0/0"), (3, 40, "0/0"),  # < 10 %: errors
    (20, 40, "0/1"), (10, 40, "0/1"), (30, 40, "0/1"),  # 25-75 %
    (37, 40, "1/1"), (40, 40, "1/1"),  # > 90 %
    (6, 40, None), (33, 40, None),  # between the bands: uncertain, not a wrong homozygote
    (10, 19, None), (0, 0, None),  # too shallow
])
def test_genotype_bands(alt, depth, expected):
    assert call_genotype(alt, depth) == expected


def test_depth_below_the_minimum_is_uncalled_even_when_unanimous():
    assert call_genotype(MIN_DEPTH - 1, MIN_DEPTH - 1) is None
    assert call_genotype(MIN_DEPTH, MIN_DEPTH) == "1/1"


# --- comparison ---------------------------------------------------------------------------------

def snp(number: int, frequency: float | None = 0.5) -> IdentitySnp:
    return IdentitySnp("chr13", 28010000 + number, "A", "G", f"rs{number}", frequency, "test")


def sites(*genotypes: str | None, frequency: float | None = 0.5) -> list[SiteGenotype]:
    return [SiteGenotype(snp(i, frequency), 10, 10, 20, genotype) for i, genotype in enumerate(genotypes)]


def test_identical_genotypes_at_enough_sites_match():
    genotypes = ["0/1", "1/1", "0/0"] * 10
    result = compare_genotypes(sites(*genotypes), sites(*genotypes))
    assert result.status == "match" and result.discordant == 0
    assert result.informative == 20  # the 10 sites 0/0 in both are not informative
    assert "probability" in result.detail


def test_opposite_homozygotes_are_a_mismatch_even_among_few_sites():
    result = compare_genotypes(sites("0/0", "0/1"), sites("1/1", "0/1"))
    assert result.status == "mismatch" and result.discordant == 1 and "rs0" in result.detail


def test_het_to_hom_differences_alone_are_loh_compatible_and_match():
    # A diagnosis sample with 13q UPD is homozygous where the remission sample is heterozygous.
    remission = sites(*["0/1"] * 25)
    diagnosis = sites(*["1/1"] * 12 + ["0/0"] * 13)
    result = compare_genotypes(remission, diagnosis)
    assert result.status == "match" and result.discordant == 0
    assert "25 het/hom (LOH-compatible)" in result.detail


def test_too_few_informative_sites_is_not_enough_snps():
    result = compare_genotypes(sites(*["0/1"] * (MIN_INFORMATIVE - 1)), sites(*["0/1"] * (MIN_INFORMATIVE - 1)))
    assert result.status == "not enough SNPs" and result.informative == MIN_INFORMATIVE - 1


def test_uncalled_and_hom_ref_in_both_sites_are_not_informative():
    result = compare_genotypes(sites("0/0", None, "0/1"), sites("0/0", "1/1", None))
    assert result.informative == 0 and result.status == "not enough SNPs"


def test_sites_missing_from_the_other_sample_are_not_informative():
    result = compare_genotypes(sites("0/1", "1/1"), sites("0/1"))
    assert result.informative == 1


def test_the_packaged_table_alone_cannot_yet_tell_people_apart():
    # Honest default: with the SNPs found so far, even identical samples are 'not enough SNPs'.
    table = [SiteGenotype(s, 10, 10, 20, "0/1") for s in load_identity_snps()]
    assert compare_genotypes(table, table).status == "not enough SNPs"


def test_chance_match_follows_hardy_weinberg():
    no_opposite, identical = chance_match([0.5])
    assert no_opposite == pytest.approx(1 - 0.125) and identical == pytest.approx(0.375)
    assert chance_match([0.5] * 20)[0] == pytest.approx(0.875 ** 20)


def test_unknown_frequencies_are_left_out_of_the_chance_figure():
    genotypes = ["0/1"] * MIN_INFORMATIVE
    result = compare_genotypes(sites(*genotypes, frequency=None), sites(*genotypes, frequency=None))
    assert result.status == "match" and "not computed" in result.detail


# --- fragment counts from a BAM -----------------------------------------------------------------

def aligned_read(genome, name: str, base: str, start: int, *, read2: bool = False, mapq: int = 60,
            duplicate: bool = False, quality: int = 30) -> pysam.AlignedSegment:
    """A 50-bp read of the FLT3 slice starting at GRCh38 `start`, with `base` at T227M's site."""
    read = pysam.AlignedSegment()
    read.query_name = name
    sequence = list(genome.fetch("chr13", start, start + 49))
    sequence[T227M.pos - start] = base
    read.query_sequence = "".join(sequence)
    read.flag = 1 | (128 if read2 else 64) | (1024 if duplicate else 0)
    read.reference_id, read.reference_start = 0, start - FLT3_OFFSET - 1
    read.mapping_quality, read.cigartuples = mapq, [(0, 50)]
    read.query_qualities = pysam.qualitystring_to_array(chr(33 + quality) * 50)
    return read


@pytest.fixture()
def small_bam(tmp_path, reference) -> Path:
    start = T227M.pos - 20

    def aligned(*args, **kwargs):
        return aligned_read(reference, *args, **kwargs)

    reads = [aligned(f"ref{i}", "G", start) for i in range(12)]
    reads += [aligned(f"alt{i}", "A", start) for i in range(10)]
    reads += [aligned(f"alt{i}", "A", start + 5, read2=True) for i in range(10)]  # mates: same fragments
    reads += [aligned("torn", "G", start), aligned("torn", "A", start + 5, read2=True)]  # mates disagree
    reads += [aligned("lowmapq", "A", start, mapq=5), aligned("dup", "A", start, duplicate=True)]
    reads += [aligned("lowqual", "A", start, quality=10), aligned("other", "C", start)]
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": FLT3_CONTIG, "LN": 97303}]}
    path = tmp_path / "small.bam"
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for read in sorted(reads, key=lambda r: r.reference_start):
            bam.write(read)
    pysam.index(str(path))
    return path


def test_genotype_sites_counts_fragments_not_reads(small_bam, reference):
    (site,) = genotype_sites(small_bam, reference, [T227M])
    # 12 ref + 10 alt fragments (mates once) + 1 C; the torn pair, MAPQ 5, the duplicate and
    # the quality-10 base are not counted.
    assert (site.ref_count, site.alt_count, site.depth) == (12, 10, 23)
    assert site.genotype == "0/1"


def test_duplicates_count_when_asked(small_bam, reference):
    (site,) = genotype_sites(small_bam, reference, [T227M], skip_duplicates=False)
    assert site.alt_count == 11


def test_snps_the_reference_does_not_hold_are_skipped(small_bam, reference):
    elsewhere = IdentitySnp("chr7", 140753336, "A", "T", "rs0", 0.5, "not in the gene slices")
    npm1 = IdentitySnp("chr5", 171400000, "A", "G", "rs1", 0.5, "NPM1, no contig in this BAM")
    assert [s.snp for s in genotype_sites(small_bam, reference, [elsewhere, T227M, npm1])] == [T227M]


# --- real reads (shared peer cases) -------------------------------------------------------------

@pytest.fixture(scope="module")
def peer_genotypes(tmp_path_factory) -> dict[str, dict[str, str | None]]:
    """Genotypes of the packaged SNPs in three real samples realigned to the gene slices."""
    from bwa_sim import indexed_reference

    folder = tmp_path_factory.mktemp("identity_peers")
    fasta = indexed_reference(folder / "ref")
    genome = GenomeReference(fasta)
    found = {}
    for case in ("itdetect_P01", "itdetect_P02", "hamlet_rna_itd30"):
        fastqs = [str(PEER_CASES / case / f"{case}_R{n}.fastq.gz") for n in (1, 2)]
        bam = folder / f"{case}.bam"
        subprocess.run(f"bwa mem {fasta} {' '.join(fastqs)} 2>/dev/null | samtools sort -o {bam} -",
                       shell=True, check=True)
        pysam.index(str(bam))
        found[case] = {s.snp.rsid: s for s in genotype_sites(bam, genome, load_identity_snps())}
    genome.close()
    return found


@pytest.mark.shared
def test_real_samples_carry_the_snps_and_two_people_are_told_apart(peer_genotypes):
    p01, p02, mv411 = (peer_genotypes[c] for c in ("itdetect_P01", "itdetect_P02", "hamlet_rna_itd30"))
    assert p01["rs1933437"].genotype == "1/1" and p01["rs2491231"].genotype == "1/1"
    assert p02["rs1933437"].genotype == "0/1" and p02["rs2491231"].genotype == "0/1"
    assert mv411["rs1933437"].genotype == "0/0"  # MV4-11 RNA: Thr227 homozygous
    # Two patients: the opposite homozygotes at rs1933437 flag them, however few the SNPs.
    result = compare_genotypes(list(p01.values()), list(mv411.values()))
    assert result.status == "mismatch" and "rs1933437" in result.detail
    # Het vs hom alone (P02 vs P01) is not held against a match: too few SNPs to say more.
    assert compare_genotypes(list(p02.values()), list(p01.values())).status == "not enough SNPs"
