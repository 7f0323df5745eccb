"""RNA-seq benchmark (issue 15): ART reads from the MANE transcripts of NPM1 and FLT3 with planted
NPM1 insertions and FLT3-ITDs at known transcript fractions, run as ``assay: rna``, and scored.

``python -m benchmarks.rna [--outdir benchmarks/runs/truthsets] [--seed 7]
[--design default|reduced|small] [--jobs 2]`` writes ``<outdir>/rna/``:

* ``fastq/<sample>_L1_R1.fastq.gz``, ``_R2``: ART read pairs named ``rna:<sample>:<n>`` in shuffled
  order (nothing in a name tells where the read came from);
* ``samples.tsv``: the sheet (assay ``rna``, paired FASTQ, paths relative to the sheet);
* ``truth.tsv``: one row per sample and planted variant (TRUTH_COLUMNS): the HGVS c. name, the
  left-normalised GRCh38 VCF allele where the duplicated or inserted bases lie in one exon (empty
  where they span an exon/exon junction), the nominal transcript fraction and the realised one;
* ``samples_info.tsv``: per sample its read length, role, nominal fraction, read pairs per source;
* ``truthset.json``: seed, design and every parameter (the marker: equal parameters, nothing to do).

Transcripts
-----------
NM_002520.7 (NPM1, + strand) and NM_004119.3 (FLT3, - strand) are spliced from the packaged exon
table and gene slices (``npm1_flt3.packaged``): each exon's bases in transcription order, reverse
complemented for FLT3; the mRNA's length must equal the table's last ``cdna_end`` (1320 and 3826)
and c.1 must be an ATG. The same exons over the genome (first to last exon, transcript
orientation) are the gene's "body", from which pre-mRNA and genomic reads come.

Variants
--------
NPM1 types A (c.860_863dup), B (c.863_864insCATG) and D (c.863_864insCCTG), written as 4-bp
insertions after c.863 and named by the HGVS 3' rule (A is then a duplication, as
``npm1_flt3.npm1_types`` keys it). FLT3-ITDs of 15, 21, 30, 42, 60, 90, 120 and 150 bp, tandem
duplications of cDNA bases in the juxtamembrane exons: six within exon 14 (c.1705-c.1837), and the
60- and 150-bp ones across the exon 14/15 junction (c.1808_1867dup, c.1760_1909dup). A real
genomic ITD that duplicates the end of exon 14, intron 14 and the start of exon 15 splices to
exactly such a cDNA duplication (tests/test_rna_benchmark.py), and its HGVS c. name on the genome
is the same, so one name fits both. Each is 3'-normalised on the cDNA and placed so that the
HGVS name on the genome (whose 3' shift may cross into an intron) is the same.

Library
-------
Per gene, three sources, each simulated by ``art_illumina`` on its own (paired, fragments
FRAGMENT_MEAN +- FRAGMENT_SD, shorter on a short sequence): the mature mRNA (read depth DEPTH at
the hotspots: NPM1 is highly expressed, FLT3 less), a pre-mRNA that keeps the introns around the
hotspot exons (PRE_MRNA_EXONS, at PRE_MRNA_SHARE of the mRNA depth) and genomic DNA over the gene
body (GENOMIC_DEPTH). A variant sample carries one ITD and one NPM1 type at the same fraction f:
each source is simulated from the wild-type (1 - f of its depth) and the mutant (f) sequence;
pre-mRNA and DNA carry the variant too (the junction ITD as the genomic duplication it comes
from), at the same fraction (a simplification: a tumour's DNA fraction need not equal its
transcript fraction). Reads of all sources are pooled and shuffled.

Realised fraction: ART samples each sequence on its own, so the fraction the reads hold differs
from the nominal one. ``realised_fraction`` is, of ART's read pairs (from every source) whose
fragment covers the variant site with FLANK bases either side, the share from a mutant sequence;
fragment ends come from ART's SAM output. The site is, on its own sequence's coordinates: for the
wild type the insertion point (the base before and the base after); for a duplication its new
junction (end of the first copy, start of the second); for an insertion that is no duplication the
inserted bases with the bases before and after.

Design (``default``): every ITD (with an NPM1 type riding along, A/B/D in turn) x fractions 0.05,
0.10, 0.25, 0.50 x read lengths 2x50, 2x75 (ART NS50), 2x100 (HS20), 2x150 (HS25): 128 variant
samples, plus WILDTYPE_PER_LENGTH wild-type samples per read length. ``reduced``: all fractions at
2x100, fractions 0.05 and 0.25 at the other lengths. ``small``: five samples, for tests.

Scoring (``score_set``)
-----------------------
The workflow's ``results/cohort/variants.tsv``: a truth variant is found when a PASS call of its
sample has its HGVS c. name, or its VCF chrom/pos/ref/alt; the fraction error is |called vaf -
realised fraction|. Wild-type samples: their PASS calls are artefacts. Per read length x variant
class x fraction: found/total, median and max fraction error; per read length the per-sample job
seconds; the issue's targets, met or not.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks import simulation as simulate
from benchmarks import truthsets
from benchmarks.rough import run_art_fragments
from benchmarks.simulation import Reads, Sample, SimulationError, derived_seed
from npm1_flt3.hgvs import reverse_complement
from npm1_flt3.packaged import EXONS_TSV, GENE_SLICES_FASTA
from npm1_flt3.reference import GenomeReference
from npm1_flt3.variants import Variant, insertion, tandem_duplication

NAME = "rna"
RNA_VERSION = 1
MARKER = "truthset.json"
READ_PREFIX = "rna"
ASSAY = "rna"
GENES = ("NPM1", "FLT3")
ACCESSIONS = {"NPM1": "NM_002520.7", "FLT3": "NM_004119.3"}

# ----------------------------------------------------------------------------------- library

# Read length -> ART built-in profile: NextSeq 500 v2 (NS50 goes to 75 bp), HiSeq 2000, HiSeq 2500
# (as benchmarks/rough.py). Fragments: a typical RNA-seq library, 250 +- 50.
PROFILES = {50: "NS50", 75: "NS50", 100: "HS20", 150: "HS25"}
READ_LENGTHS = tuple(PROFILES)
FRAGMENT_MEAN, FRAGMENT_SD = 250, 50
# Read depth over the hotspots from the mature mRNA: NPM1 is among the most highly expressed genes
# of myeloid cells, FLT3 is expressed several-fold lower (GTEx / AML RNA-seq); both within the
# 300-1000x the issue asks for, and few reads keep the set fast.
DEPTH = {"NPM1": 800.0, "FLT3": 400.0}
# Pre-mRNA (introns retained) around the hotspot exons, as a share of the gene's mRNA depth: NPM1
# MANE exons 9-11 (legacy 9-12), FLT3 exons 13-16 (introns 13, 14 and 15 around the ITD exons).
PRE_MRNA_EXONS = {"NPM1": (9, 11), "FLT3": (13, 16)}
PRE_MRNA_SHARE = 0.02
GENOMIC_DEPTH = 0.5  # genomic DNA in the RNA prep: read depth over each gene body
FLANK = 10  # bases either side of a variant site a fragment must cover to count (realised fraction)

FRACTIONS = (0.05, 0.10, 0.25, 0.50)
WILDTYPE_PER_LENGTH = 3

# NPM1 types, as 4-bp insertions after c.863 (benchmarks/truthsets.py NPM1_NAMED).
NPM1_AFTER_C = 863
NPM1_TYPES = (("A", "TCTG"), ("B", "CATG"), ("D", "CCTG"))
# FLT3-ITDs: (length, first, last duplicated c. position), already 3'-normalised (checked at build).
ITDS = (
    (15, 1781, 1795),
    (21, 1771, 1791),
    (30, 1780, 1809),
    (42, 1760, 1801),
    (60, 1808, 1867),  # exon 14 c.1808-1837 + exon 15 c.1838-1867: spans the junction
    (90, 1730, 1819),
    (120, 1712, 1831),
    (150, 1760, 1909),  # exon 14 c.1760-1837 + exon 15 c.1838-1909: spans the junction
)
ITD_EXONS = (14, 15)

# Targets of issue 15.
TARGET_MIN_FRACTION = 0.05
TARGET_MAX_FRACTION_ERROR = 0.05

TRUTH_COLUMNS = ["sample", "read_length", "gene", "class", "length", "spans_junction", "hgvs_c", "chrom", "pos",
                 "ref", "alt", "fraction", "realised_fraction", "realised_fragments"]
INFO_COLUMNS = ["sample", "read_length", "role", "fraction", "itd", "npm1", "read_pairs", "mrna_pairs",
                "pre_mrna_pairs", "genomic_pairs"]
SHEET_COLUMNS = ["sample", "unit", "fq1", "fq2", "patient", "timepoint", "assay", "day"]


class RnaError(SimulationError):
    """The transcripts or the variants do not agree with the exon table."""


# ----------------------------------------------------------------------------------- transcripts


@dataclass(frozen=True)
class ExonRow:
    number: int
    start: int  # GRCh38, 1-based inclusive
    end: int
    cdna_start: int  # 1-based position in the mRNA
    cdna_end: int


@dataclass(frozen=True)
class TranscriptModel:
    """A spliced MANE transcript and its gene body, both in transcript orientation (5'->3')."""

    gene: str
    accession: str
    chrom: str
    strand: str
    exons: tuple[ExonRow, ...]  # transcription order
    mrna: str
    body: str  # genomic bases from the first to the last exon, transcript orientation
    body_first: int  # GRCh38 position of body[0] (+ strand: lowest, - strand: highest)
    cds_offset: int  # 0-based mRNA index of c.1

    def exon_at(self, index: int) -> ExonRow:
        """The exon holding 0-based mRNA index `index`."""
        for exon in self.exons:
            if exon.cdna_start - 1 <= index <= exon.cdna_end - 1:
                return exon
        raise IndexError(f"{self.gene}: mRNA index {index} outside the transcript")

    def index_of_c(self, c: int) -> int:
        return self.cds_offset + c - 1

    def c_of(self, index: int) -> int:
        c = index - self.cds_offset + 1
        if c < 1:
            raise RnaError(f"{self.gene}: mRNA index {index} is in the 5'UTR (no c. number here)")
        return c

    def genomic(self, index: int) -> int:
        """GRCh38 position of mRNA index `index`."""
        exon = self.exon_at(index)
        offset = index - (exon.cdna_start - 1)
        return exon.start + offset if self.strand == "+" else exon.end - offset

    def body_index(self, index: int) -> int:
        """Index in `body` of mRNA index `index`."""
        position = self.genomic(index)
        return position - self.body_first if self.strand == "+" else self.body_first - position

    def exon_body_span(self, number: int) -> tuple[int, int]:
        exon = next(e for e in self.exons if e.number == number)
        return self.body_index(exon.cdna_start - 1), self.body_index(exon.cdna_end - 1)


def read_exon_table(exons_tsv: Path) -> list[dict[str, str]]:
    with Path(exons_tsv).open() as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def build_transcript(gene: str, fetch, exons_tsv: Path = EXONS_TSV) -> TranscriptModel:
    """Splice the gene's MANE transcript from the exon table and the reference, and check it
    against the table: exon lengths, contiguous cDNA positions, total length, ATG at c.1."""
    rows = [r for r in read_exon_table(exons_tsv) if r["gene"] == gene]
    if not rows:
        raise RnaError(f"{exons_tsv}: no exons of {gene}")
    rows.sort(key=lambda r: int(r["exon_number_current"]))
    strand, chrom, accession = rows[0]["gene_strand"], rows[0]["chrom"], rows[0]["transcript_refseq"]
    exons, pieces, expected_start = [], [], 1
    for row in rows:
        exon = ExonRow(int(row["exon_number_current"]), int(row["exon_start_1based"]), int(row["exon_end_1based"]),
                       int(row["cdna_start"]), int(row["cdna_end"]))
        length = exon.end - exon.start + 1
        if length != int(row["exon_length"]) or exon.cdna_end - exon.cdna_start + 1 != length:
            raise RnaError(f"{gene} exon {exon.number}: genomic, table and cDNA lengths disagree")
        if exon.cdna_start != expected_start:
            raise RnaError(f"{gene} exon {exon.number}: cDNA starts at {exon.cdna_start}, not {expected_start}")
        expected_start = exon.cdna_end + 1
        seq = fetch(chrom, exon.start, exon.end).upper()
        pieces.append(seq if strand == "+" else reverse_complement(seq))
        exons.append(exon)
    mrna = "".join(pieces)
    if len(mrna) != exons[-1].cdna_end:
        raise RnaError(f"{gene}: mRNA of {len(mrna)} bases, the table's last cdna_end is {exons[-1].cdna_end}")
    low, high = min(e.start for e in exons), max(e.end for e in exons)
    body = fetch(chrom, low, high).upper()
    body_first = low if strand == "+" else high
    if strand == "-":
        body = reverse_complement(body)
    # c.1: the first coding base in transcription order.
    first_coding = next(r for r in rows if r["cds_start_in_exon_genomic"].strip())
    exon = next(e for e in exons if e.number == int(first_coding["exon_number_current"]))
    if strand == "+":
        offset = int(first_coding["cds_start_in_exon_genomic"]) - exon.start
    else:
        offset = exon.end - int(first_coding["cds_end_in_exon_genomic"])
    model = TranscriptModel(gene, accession, chrom, strand, tuple(exons), mrna, body, body_first,
                            exon.cdna_start - 1 + offset)
    if mrna[model.cds_offset:model.cds_offset + 3] != "ATG":
        raise RnaError(f"{gene}: c.1-c.3 is {mrna[model.cds_offset:model.cds_offset + 3]}, not ATG")
    for e in exons:  # the body holds every exon where the index maps say
        first, last = model.body_index(e.cdna_start - 1), model.body_index(e.cdna_end - 1)
        if body[first:last + 1] != mrna[e.cdna_start - 1:e.cdna_end]:
            raise RnaError(f"{gene} exon {e.number}: body and mRNA disagree")
    return model


def build_transcripts(fetch, exons_tsv: Path = EXONS_TSV) -> dict[str, TranscriptModel]:
    return {gene: build_transcript(gene, fetch, exons_tsv) for gene in GENES}


# ----------------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class RnaVariant:
    """An insertion into the mRNA (a duplication when the inserted bases repeat those 5' of it),
    3'-normalised: `inserted` goes after 0-based mRNA index `after`."""

    key: str  # variant class: "NPM1 A", "ITD 30", "ITD 150 junction"
    gene: str
    after: int
    inserted: str
    is_dup: bool
    hgvs_c: str
    vcf: Variant | None  # left-normalised GRCh38 allele; None when the change spans an exon junction
    spans_junction: bool

    @property
    def length(self) -> int:
        return len(self.inserted)

    @property
    def first(self) -> int:
        """First duplicated mRNA index (duplications)."""
        return self.after - self.length + 1


def shift_3prime(seq: str, after: int, inserted: str) -> tuple[int, str]:
    """The 3'-most placement of inserting `inserted` after index `after` of `seq` (HGVS 3' rule)."""
    while after + 1 < len(seq) and inserted[0] == seq[after + 1]:
        inserted = inserted[1:] + inserted[0]
        after += 1
    return after, inserted


def make_variant(model: TranscriptModel, key: str, after: int, inserted: str, fetch) -> RnaVariant:
    """Insert `inserted` after mRNA index `after`: 3'-normalised, named, and (where it lies in one
    exon) placed on GRCh38."""
    after, inserted = shift_3prime(model.mrna, after, inserted)
    length = len(inserted)
    is_dup = model.mrna[after - length + 1:after + 1] == inserted
    if is_dup:
        first_c, last_c = model.c_of(after - length + 1), model.c_of(after)
        name = f"c.{first_c}dup" if length == 1 else f"c.{first_c}_{last_c}dup"
        spans = model.exon_at(after - length + 1).number != model.exon_at(after).number
    else:
        name = f"c.{model.c_of(after)}_{model.c_of(after) + 1}ins{inserted}"
        spans = model.exon_at(after).number != model.exon_at(after + 1).number
    vcf = None
    if not spans:
        if model.strand == "+":
            vcf = insertion(model.chrom, model.genomic(after), inserted, fetch)
        else:  # between genomic g(after) - 1 and g(after), as + strand bases
            vcf = insertion(model.chrom, model.genomic(after) - 1, reverse_complement(inserted), fetch)
    return RnaVariant(key, model.gene, after, inserted, is_dup, f"{model.accession}:{name}", vcf, spans)


def npm1_variant(model: TranscriptModel, letter: str, fetch) -> RnaVariant:
    inserted = dict(NPM1_TYPES)[letter]
    return make_variant(model, f"NPM1 {letter}", model.index_of_c(NPM1_AFTER_C), inserted, fetch)


def itd_variant(model: TranscriptModel, first_c: int, last_c: int, fetch) -> RnaVariant:
    first, last = model.index_of_c(first_c), model.index_of_c(last_c)
    variant = make_variant(model, "", last, model.mrna[first:last + 1], fetch)
    return replace(variant, key=f"ITD {variant.length}" + (" junction" if variant.spans_junction else ""))


def design_variants(models: dict[str, TranscriptModel], fetch) -> tuple[dict[str, RnaVariant], dict[str, RnaVariant]]:
    """(NPM1 types by letter, ITDs by class key), checked: names as the design says, ITDs in
    exon 14 or across 14/15, insertion points inside an exon."""
    npm1 = {letter: npm1_variant(models["NPM1"], letter, fetch) for letter, _ in NPM1_TYPES}
    itds = {}
    flt3 = models["FLT3"]
    for length, first_c, last_c in ITDS:
        variant = itd_variant(flt3, first_c, last_c, fetch)
        wanted = f"{flt3.accession}:c.{first_c}_{last_c}dup"
        if variant.hgvs_c != wanted or variant.length != length:
            raise RnaError(f"ITD {length}: 3'-normalised to {variant.hgvs_c}, the design says {wanted}")
        exons = {flt3.exon_at(variant.first).number, flt3.exon_at(variant.after).number}
        if not exons <= set(ITD_EXONS) or 14 not in exons:
            raise RnaError(f"{variant.hgvs_c}: not in FLT3 exon 14 (or 14-15)")
        itds[variant.key] = variant
    for variant in [*npm1.values(), *itds.values()]:
        model = models[variant.gene]
        if model.exon_at(variant.after).number != model.exon_at(variant.after + 1).number:
            raise RnaError(f"{variant.hgvs_c}: the insertion point is an exon junction")
    return npm1, itds


def mutant_mrna(model: TranscriptModel, variant: RnaVariant) -> str:
    return model.mrna[:variant.after + 1] + variant.inserted + model.mrna[variant.after + 1:]


def body_copy(model: TranscriptModel, variant: RnaVariant) -> str:
    """The bases the genomic (pre-mRNA) version of the variant inserts: for a duplication every
    genomic base from its first to its last duplicated exonic base, introns included."""
    if not variant.is_dup:
        return variant.inserted
    return model.body[model.body_index(variant.first):model.body_index(variant.after) + 1]


def mutant_body(model: TranscriptModel, variant: RnaVariant) -> str:
    """The gene body with the genomic version of the variant (the copy right after the original)."""
    cut = model.body_index(variant.after) + 1
    return model.body[:cut] + body_copy(model, variant) + model.body[cut:]


def mrna_sites(variant: RnaVariant) -> tuple[tuple[int, int], tuple[int, int]]:
    """(wild-type site, mutant site) on the mRNA, 0-based inclusive, flanks included."""
    return _sites(variant.after, variant.is_dup, variant.length)


def body_sites(model: TranscriptModel, variant: RnaVariant) -> tuple[tuple[int, int], tuple[int, int]]:
    """(wild-type site, mutant site) on the gene body and on the mutant body."""
    return _sites(model.body_index(variant.after), variant.is_dup, len(body_copy(model, variant)))


def _sites(after: int, is_dup: bool, length: int) -> tuple[tuple[int, int], tuple[int, int]]:
    wild = (after - FLANK, after + 1 + FLANK)
    # A duplication's new junction: end of the first copy | start of the second, at (after, after+1)
    # of the mutant; an insertion: the anchor, every inserted base and the next base.
    mutant = wild if is_dup else (after - FLANK, after + length + 1 + FLANK)
    return wild, mutant


def covering(fragments: list[tuple[int, int]], site: tuple[int, int]) -> int:
    """Fragments (first, last; 0-based inclusive) that hold every base of `site`."""
    first, last = site
    return sum(1 for start, end in fragments if start <= first and last <= end)


def realised_counts(simulated: list[tuple[bool, tuple[int, int] | None, list[tuple[int, int]]]]) -> tuple[int, int]:
    """(mutant, all) fragments covering the variant site, over every sequence simulated: each item
    is (mutant sequence?, the site on that sequence or None, its fragments)."""
    own = total = 0
    for mutant, site, fragments in simulated:
        if site is None:
            continue
        n = covering(fragments, site)
        total += n
        own += n if mutant else 0
    return own, total


# ----------------------------------------------------------------------------------- design


@dataclass(frozen=True)
class RnaSample:
    name: str
    read_length: int
    role: str  # variant or wildtype
    fraction: float  # 0 for wild-type samples
    itd: str  # class key, "" for none
    npm1: str  # NPM1 type letter, "" for none


def design_groups(design: str) -> list[tuple[int, tuple[float, ...]]]:
    if design == "default":
        return [(rl, FRACTIONS) for rl in READ_LENGTHS]
    if design == "reduced":
        return [(rl, FRACTIONS if rl == 100 else (0.05, 0.25)) for rl in READ_LENGTHS]
    raise ValueError(f"unknown design {design}")


DESIGN_NAMES = ("default", "reduced", "small")
# The small design: (read length, fraction, ITD length, NPM1 type) and one wild type at 2x100.
SMALL = ((100, 0.25, 30, "A"), (100, 0.10, 150, "B"), (100, 0.05, 15, "D"), (50, 0.50, 60, "A"))


def itd_keys(itds: dict[str, RnaVariant]) -> dict[int, str]:
    return {v.length: k for k, v in itds.items()}


def design(design_name: str, seed: int, itds: dict[str, RnaVariant]) -> list[RnaSample]:
    """Every sample; names numbered after a seeded shuffle within each read length
    (``rna100_07``), so that a name does not tell what it holds."""
    by_length = itd_keys(itds)
    slots: dict[int, list[tuple[str, float, str, str]]] = {rl: [] for rl in READ_LENGTHS}
    if design_name == "small":
        for rl, fraction, length, letter in SMALL:
            slots[rl].append(("variant", fraction, by_length[length], letter))
        slots[100].append(("wildtype", 0.0, "", ""))
    else:
        group = 0
        letters = [letter for letter, _ in NPM1_TYPES]
        for rl, fractions in design_groups(design_name):
            for fraction in fractions:
                for index, (length, _, _) in enumerate(ITDS):
                    # NPM1 types in turn, shifted per group: each ITD meets every type.
                    slots[rl].append(("variant", fraction, by_length[length], letters[(index + group) % 3]))
                group += 1
            slots[rl] += [("wildtype", 0.0, "", "")] * WILDTYPE_PER_LENGTH
    samples = []
    for rl in READ_LENGTHS:
        entries = slots[rl]
        if not entries:
            continue
        order = list(range(len(entries)))
        random.Random(derived_seed(seed, NAME, "names", rl)).shuffle(order)
        width = max(2, len(str(len(entries))))
        for number, index in enumerate(order, start=1):
            role, fraction, itd, npm1 = entries[index]
            samples.append(RnaSample(f"rna{rl:03d}_{number:0{width}d}", rl, role, fraction, itd, npm1))
    return samples


# ----------------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class SourceSeq:
    """One sequence ART reads from: its kind, allele, bases, read depth, and per variant the site
    a fragment must cover to count (None: the sequence holds no site of that variant)."""

    kind: str  # mrna, pre_mrna, genomic
    mutant: bool
    sequence: str
    depth: float
    site: tuple[int, int] | None


def gene_sources(model: TranscriptModel, variant: RnaVariant | None, fraction: float) -> list[SourceSeq]:
    """The gene's mRNA, pre-mRNA and genomic sequences, wild type (and mutant, at `fraction`)."""
    depth = DEPTH[model.gene]
    first_exon, last_exon = PRE_MRNA_EXONS[model.gene]
    window = (model.exon_body_span(first_exon)[0], model.exon_body_span(last_exon)[1])
    sources = []
    alleles = [(False, 1.0 - fraction if variant else 1.0)]
    if variant:
        alleles.append((True, fraction))
    for mutant, share in alleles:
        if variant is None:
            m_site = b_site = None
            mrna, body, extra = model.mrna, model.body, 0
        else:
            m_sites, b_sites = mrna_sites(variant), body_sites(model, variant)
            m_site, b_site = m_sites[mutant], b_sites[mutant]
            mrna = mutant_mrna(model, variant) if mutant else model.mrna
            body = mutant_body(model, variant) if mutant else model.body
            extra = len(body) - len(model.body)
        pre = body[window[0]:window[1] + 1 + extra]
        pre_site = None
        if b_site is not None and window[0] <= b_site[0] and b_site[1] <= window[1] + extra:
            pre_site = (b_site[0] - window[0], b_site[1] - window[0])
        sources += [SourceSeq("mrna", mutant, mrna, depth * share, m_site),
                    SourceSeq("pre_mrna", mutant, pre, depth * PRE_MRNA_SHARE * share, pre_site),
                    SourceSeq("genomic", mutant, body, GENOMIC_DEPTH * share, b_site)]
    return sources


def fragment_size(length: int, read_length: int) -> tuple[int, int]:
    """FRAGMENT_MEAN +- FRAGMENT_SD, or shorter on a sequence under twice the mean."""
    if length >= 2 * FRAGMENT_MEAN:
        return FRAGMENT_MEAN, FRAGMENT_SD
    mean = max(read_length, length // 2)
    return mean, max(1, mean // 5)


def art_options(length: int, read_length: int, depth: float) -> list[str] | None:
    """Paired ART options giving `depth` reads over the middle of a sequence (ART spreads -f over
    the whole sequence, starts uniform: the middle gets f * L / (L - fragment)); None: no reads."""
    mean, sd = fragment_size(length, read_length)
    if length <= mean + 2 * sd:
        return None
    fold = depth * (length - mean) / length
    if fold * length / read_length < 2:
        return None
    return ["-ss", PROFILES[read_length], "-l", str(read_length), "-f", f"{fold:.4f}", "-p", "-m", str(mean),
            "-s", str(sd)]


@dataclass(frozen=True)
class SimJob:
    sample: RnaSample
    models: dict
    variants: dict  # gene -> RnaVariant or None
    outdir: str
    seed: int


def simulate_sample(job: SimJob) -> dict:
    """One sample's reads (written to its FASTQs, shuffled) and, per planted variant, (mutant,
    all) fragments covering its site; worker side."""
    sample = job.sample
    records: list[tuple[str, ...]] = []
    counts: dict[str, list[int]] = {}
    pairs = {"mrna": 0, "pre_mrna": 0, "genomic": 0}
    with tempfile.TemporaryDirectory(prefix="npm1_flt3_rna_") as tmp:
        for gene in GENES:
            variant = job.variants.get(gene)
            simulated = []
            for source in gene_sources(job.models[gene], variant, sample.fraction):
                options = art_options(len(source.sequence), sample.read_length, source.depth)
                if options is None:
                    continue
                art_seed = derived_seed(job.seed, NAME, sample.name, gene, source.kind, int(source.mutant))
                reads, fragments = run_art_fragments(source.sequence, options, art_seed, Path(tmp))
                records += reads
                pairs[source.kind] += len(reads)
                simulated.append((source.mutant, source.site, fragments))
            if variant is not None:
                counts[gene] = list(realised_counts(simulated))
    random.Random(derived_seed(job.seed, NAME, sample.name, "shuffle")).shuffle(records)
    rows = simulate.write_sample_fastqs(Sample(sample.name, sample.name, ASSAY, True), Reads(True, records),
                                        Path(job.outdir), READ_PREFIX)
    return {"sample": sample.name, "sheet": rows, "counts": counts, "pairs": pairs, "read_pairs": len(records)}


def parameters(seed: int, design_name: str) -> dict:
    return {
        "set": NAME, "rna_version": RNA_VERSION, "seed": seed, "design": design_name,
        "simulator": "art_illumina (benchmarks.rough.run_art_fragments) on MANE transcripts, pre-mRNA and gene bodies",
        "reference": "npm1_flt3.packaged GENE_SLICES_FASTA and EXONS_TSV",
        "read_lengths": {str(rl): {"art_profile": p} for rl, p in PROFILES.items()},
        "fragment": {"mean": FRAGMENT_MEAN, "sd": FRAGMENT_SD},
        "depth": {"mrna": DEPTH, "pre_mrna_share": PRE_MRNA_SHARE,
                  "pre_mrna_exons": {g: list(v) for g, v in PRE_MRNA_EXONS.items()},
                  "genomic": GENOMIC_DEPTH},
        "fractions": list(FRACTIONS),
        "groups": ([[rl, list(f)] for rl, f in design_groups(design_name)] if design_name != "small"
                   else [list(s) for s in SMALL]),
        "wildtype_per_length": WILDTYPE_PER_LENGTH if design_name != "small" else 1,
        "npm1_types": {letter: f"insertion of {seq} after c.{NPM1_AFTER_C}" for letter, seq in NPM1_TYPES},
        "itds": [{"length": n, "dup": f"c.{a}_{b}dup"} for n, a, b in ITDS],
        "flank": FLANK,
        "realised_fraction": "of ART's read pairs (mRNA, pre-mRNA and genomic, each sequence on its own "
                             "coordinates) whose fragment covers the variant site with the flank either side "
                             "(wild type: the insertion point; duplication: its new junction; insertion: the "
                             "inserted bases with the bases before and after), the share from a mutant sequence",
    }


def write_set(target: Path, reference: Path, exons_tsv: Path, seed: int, design_name: str, jobs: int) -> int:
    """Simulate every sample into `target` (a fresh folder); returns the number of samples."""
    ref = GenomeReference(reference)
    try:
        models = build_transcripts(ref.fetch, exons_tsv)
        npm1, itds = design_variants(models, ref.fetch)
    finally:
        ref.close()
    samples = design(design_name, seed, itds)
    (target / "fastq").mkdir(parents=True)
    sim_jobs = [SimJob(s, models, {"NPM1": npm1.get(s.npm1), "FLT3": itds.get(s.itd)}, str(target), seed)
                for s in samples]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as executor:
            results = list(executor.map(simulate_sample, sim_jobs, chunksize=1))
    else:
        results = [simulate_sample(job) for job in sim_jobs]
    by_name = {r["sample"]: r for r in results}
    sheet, truth, info = [], [], []
    for sample in samples:
        result = by_name[sample.name]
        sheet += result["sheet"]
        info.append({"sample": sample.name, "read_length": sample.read_length, "role": sample.role,
                     "fraction": f"{sample.fraction:g}", "itd": sample.itd, "npm1": sample.npm1,
                     "read_pairs": result["read_pairs"], "mrna_pairs": result["pairs"]["mrna"],
                     "pre_mrna_pairs": result["pairs"]["pre_mrna"], "genomic_pairs": result["pairs"]["genomic"]})
        for gene, variant in (("NPM1", npm1.get(sample.npm1)), ("FLT3", itds.get(sample.itd))):
            if variant is None:
                continue
            own, total = result["counts"][gene]
            vcf = variant.vcf
            truth.append({"sample": sample.name, "read_length": sample.read_length, "gene": gene,
                          "class": variant.key, "length": variant.length,
                          "spans_junction": "yes" if variant.spans_junction else "no", "hgvs_c": variant.hgvs_c,
                          "chrom": vcf.chrom if vcf else "", "pos": vcf.pos if vcf else "",
                          "ref": vcf.ref if vcf else "", "alt": vcf.alt if vcf else "",
                          "fraction": f"{sample.fraction:g}",
                          "realised_fraction": f"{own / total:.4f}" if total else "",
                          "realised_fragments": f"{own}/{total}"})
    simulate.write_tsv(target / "samples.tsv", SHEET_COLUMNS, sheet)
    simulate.write_tsv(target / "truth.tsv", TRUTH_COLUMNS, truth)
    simulate.write_tsv(target / "samples_info.tsv", INFO_COLUMNS, info)
    return len(samples)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rna", description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, default=truthsets.DEFAULT_OUTDIR,
                        help=f"the set goes to <outdir>/{NAME} (default {truthsets.DEFAULT_OUTDIR})")
    parser.add_argument("--seed", type=int, default=truthsets.DEFAULT_SEED)
    parser.add_argument("--design", choices=DESIGN_NAMES, default="default",
                        help="default: every ITD x fraction x read length; reduced: all fractions at 2x100, "
                             "0.05 and 0.25 at the other lengths; small: five samples, a quick check")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reference", type=Path, default=GENE_SLICES_FASTA)
    parser.add_argument("--annotation", type=Path, default=EXONS_TSV)
    return parser


def run(args: argparse.Namespace) -> int:
    outdir = args.outdir.resolve()
    target = outdir / NAME
    wanted = parameters(args.seed, args.design)
    if simulate.existing_parameters(target, MARKER) == wanted:
        print(f"rna: {target} already holds these parameters; nothing to do", file=sys.stderr)
        return 0
    if shutil.which("art_illumina") is None:
        raise SimulationError("art_illumina not found on PATH (Debian: apt install art-nextgen-simulation-tools)")
    outdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    staging = Path(tempfile.mkdtemp(prefix=f".{NAME}.partial-", dir=outdir))
    try:
        samples = write_set(staging / NAME, args.reference.resolve(), args.annotation.resolve(), args.seed,
                            args.design, args.jobs)
        (staging / NAME / MARKER).write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n")
        simulate.install(staging / NAME, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"rna: wrote {target}: {samples} samples, {truthsets.folder_size(target) / 1e6:.1f} MB, "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------------- peer case

PEER_CASE = "hamlet_rna_itd30"
# What the sources say (shared/peer-cases/README.md, expected_results.tsv): HAMLET's rose-dt, a
# 30-bp duplication of its FLT3-001 cDNA 1853-1882; VarDict in HAMLET's report fixture (whole
# sample, not this subset): chr13:28034117 A>A+30, g.28034118_28034147dup, AF 0.7083 (VD 1578,
# DP 2228). The shared README's GRCh38 reading of the HAMLET cDNA range, chr13:28034119-28034148,
# is not the same allele (g.28034118 is G, g.28034148 is A: no repeat shifts one into the other),
# so the VCF allele expected here is VarDict's, the one whose coordinates the source states.
PEER_DUP = ("chr13", 28034118, 28034147)
PEER_HAMLET_TEXT = "HAMLET rose-dt: 30-bp duplication, FLT3-001 cDNA 1853-1882"
PEER_VARDICT_AF = 0.7083


def peer_fastqs(peer_dir: Path) -> tuple[Path, Path] | None:
    folder = peer_dir / PEER_CASE
    r1, r2 = folder / f"{PEER_CASE}_R1.fastq.gz", folder / f"{PEER_CASE}_R2.fastq.gz"
    return (r1.resolve(), r2.resolve()) if r1.exists() and r2.exists() else None


def batch_sheet(set_dir: Path, out: Path, peer_dir: Path | None) -> bool:
    """The set's sheet with absolute FASTQ paths, plus the HAMLET MV4-11 RNA case (assay rna) when
    `peer_dir` holds it; returns whether the case was added. The truth set itself is not touched."""
    with (set_dir / "samples.tsv").open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in rows:
        for column in ("fq1", "fq2"):
            if row[column]:
                row[column] = str((set_dir / row[column]).resolve())
    fastqs = peer_fastqs(peer_dir) if peer_dir is not None else None
    if fastqs:
        rows.append({"sample": PEER_CASE, "unit": "L1", "fq1": str(fastqs[0]), "fq2": str(fastqs[1]),
                     "patient": PEER_CASE, "timepoint": "diagnosis", "assay": ASSAY, "day": ""})
    out.parent.mkdir(parents=True, exist_ok=True)
    simulate.write_tsv(out, SHEET_COLUMNS, rows)
    return fastqs is not None


def peer_expected(fetch) -> Variant:
    """The case's 30-bp duplication, left-normalised as the workflow writes it."""
    return tandem_duplication(*PEER_DUP, fetch)


def score_peer(calls: list[dict], expected: Variant | None) -> dict:
    """The workflow's calls in the HAMLET case: every FLT3 call (PASS or not), and whether a PASS
    ITD has the expected allele."""
    mine = [c for c in calls if c["sample"] == PEER_CASE]
    rows = [{"gene": c["gene"], "type": c["type"], "length": _int(c["length"]), "pos": _int(c["pos"]),
             "hgvs_c": c["hgvs_c"], "vaf": _float(c["vaf"]), "alt_reads": _int(c["alt_reads"]),
             "depth": _int(c["depth"]), "filter": c["filter"]} for c in mine]
    exact = None
    if expected is not None:
        exact = next((c for c in mine if c["filter"] == "PASS" and _allele(c) == _variant_key(expected)), None)
    itd30 = [r for r in rows if r["filter"] == "PASS" and r["type"] == "ITD" and r["length"] == 30]
    return {"case": PEER_CASE, "calls": rows,
            "expected": {"length": 30, "vcf": _variant_text(expected) if expected else None,
                         "hamlet": PEER_HAMLET_TEXT, "vardict": "g.28034118_28034147dup",
                         "vardict_af_whole_sample": PEER_VARDICT_AF},
            "exact_allele_pass": exact is not None, "pass_itd_30": bool(itd30),
            "vaf": _float(exact["vaf"]) if exact else (itd30[0]["vaf"] if itd30 else None),
            "alt_reads": _int(exact["alt_reads"]) if exact else (itd30[0]["alt_reads"] if itd30 else None),
            "depth": _int(exact["depth"]) if exact else (itd30[0]["depth"] if itd30 else None)}


def _variant_key(variant: Variant) -> tuple[str, str, str, str]:
    return (variant.chrom, str(variant.pos), variant.ref, variant.alt)


def _variant_text(variant: Variant) -> str:
    inserted = len(variant.alt) - len(variant.ref)
    return f"{variant.chrom}:{variant.pos} {variant.ref}>{variant.alt[:1]}+{inserted}" if inserted > 8 else str(variant)


# ----------------------------------------------------------------------------------- scoring


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _float(text) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _int(text) -> int | None:
    value = _float(text)
    return None if value is None else int(value)


def _allele(call: dict) -> tuple[str, str, str, str]:
    return (call.get("chrom", ""), str(call.get("pos", "")), call.get("ref", ""), call.get("alt", ""))


def _describe(call: dict) -> str:
    length = call.get("length", "")
    return (f"{call['gene']} {call.get('type', '')} {length} bp {call.get('hgvs_c', '')} "
            f"vaf {call.get('vaf', '')} ({call.get('alt_reads', '')}/{call.get('depth', '')}) {call.get('filter', '')}")


def match_truth(truth: dict, calls: list[dict]) -> dict | None:
    """The PASS call of the truth's sample with exactly its allele: the same HGVS c. name, or the
    same VCF chrom/pos/ref/alt."""
    for call in calls:
        if call["sample"] != truth["sample"] or call["filter"] != "PASS":
            continue
        if call.get("hgvs_c") == truth["hgvs_c"]:
            return call
        if truth["chrom"] and _allele(call) == (truth["chrom"], str(truth["pos"]), truth["ref"], truth["alt"]):
            return call
    return None


def score_outcomes(truth: list[dict], calls: list[dict]) -> list[dict]:
    """One outcome per truth row: found (exact allele, PASS), the called vaf, |vaf - realised|,
    and what the sample's calls in that gene were when it was not found."""
    outcomes = []
    for t in truth:
        call = match_truth(t, calls)
        realised = _float(t["realised_fraction"])
        vaf = _float(call["vaf"]) if call else None
        error = abs(vaf - realised) if vaf is not None and realised is not None else None
        others = [] if call else [_describe(c) for c in calls if c["sample"] == t["sample"] and c["gene"] == t["gene"]]
        outcomes.append({"sample": t["sample"], "read_length": int(t["read_length"]), "gene": t["gene"],
                         "call": _allele(call) if call else None,
                         "class": t["class"], "hgvs_c": t["hgvs_c"], "fraction": float(t["fraction"]),
                         "realised": realised, "found": call is not None, "vaf": vaf,
                         "alt_reads": _int(call["alt_reads"]) if call else None,
                         "depth": _int(call["depth"]) if call else None,
                         "error": round(error, 4) if error is not None else None,
                         # Is the realised fraction inside the call's reported 95% interval? Over many
                         # calls ~95% should be: the interval, not a fixed error bound, is what a
                         # count of a few hundred fragments can promise.
                         "in_interval": (_float(call["vaf_ci_low"]) <= realised <= _float(call["vaf_ci_high"])
                                         if call and realised is not None and call.get("vaf_ci_low") else None),
                         "error_vs_nominal": round(abs(vaf - float(t["fraction"])), 4) if vaf is not None else None,
                         "calls_in_gene": others})
    return outcomes


def class_order(key: str) -> tuple:
    parts = key.split()
    if parts[0] == "NPM1":
        return (0, parts[1])
    return (1, int(parts[1]), len(parts) > 2)


def summarise_groups(outcomes: list[dict]) -> list[dict]:
    """Per read length x class x fraction: found/n, median and max |vaf - realised|."""
    keys = sorted({(o["read_length"], o["class"], o["fraction"]) for o in outcomes},
                  key=lambda k: (k[0], class_order(k[1]), k[2]))
    groups = []
    for rl, key, fraction in keys:
        group = [o for o in outcomes if (o["read_length"], o["class"], o["fraction"]) == (rl, key, fraction)]
        errors = [o["error"] for o in group if o["error"] is not None]
        groups.append({"read_length": rl, "class": key, "fraction": fraction, "n": len(group),
                       "found": sum(o["found"] for o in group),
                       "median_error": round(statistics.median(errors), 4) if errors else None,
                       "max_error": round(max(errors), 4) if errors else None,
                       "median_realised": round(statistics.median(o["realised"] for o in group
                                                                  if o["realised"] is not None), 4)})
    return groups


def sample_seconds(workdir: Path) -> dict[str, float]:
    """Per sample: the seconds of its own jobs (every rule's Snakemake benchmark record named after
    it: logs/benchmarks/<rule>/<sample>.tsv or <rule>/<sample>/<unit>.tsv)."""
    seconds: dict[str, float] = {}
    root = workdir / "logs" / "benchmarks"
    if not root.is_dir():
        return seconds
    for rule in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in list(rule.glob("*.tsv")) + list(rule.glob("*/*.tsv")):
            sample = path.stem if path.parent == rule else path.parent.name
            lines = path.read_text().splitlines()
            if len(lines) < 2:
                continue
            row = dict(zip(lines[0].split("\t"), lines[1].split("\t")))
            value = _float(row.get("s"))
            if value is not None:
                seconds[sample] = seconds.get(sample, 0.0) + value
    return seconds


def targets(outcomes: list[dict], wildtype: dict) -> dict:
    """Issue 15's targets: every planted variant at fraction >= 5% found with its exact allele (per
    class); |vaf - realised| <= 0.05 for every call found; no PASS call in a wild-type sample."""
    eligible = [o for o in outcomes if o["fraction"] >= TARGET_MIN_FRACTION]
    missed = [o for o in eligible if not o["found"]]
    by_class = {}
    for key in sorted({o["class"] for o in eligible}, key=class_order):
        mine = [o for o in eligible if o["class"] == key]
        by_class[key] = {"found": sum(o["found"] for o in mine), "n": len(mine)}
    errors = [o for o in outcomes if o["error"] is not None]
    over = [o for o in errors if o["error"] > TARGET_MAX_FRACTION_ERROR]
    artefacts = sum(w["pass_calls"] for w in wildtype.values())
    return {
        "exact_allele_at_5pct": {"met": not missed if eligible else None, "found": len(eligible) - len(missed),
                                 "n": len(eligible), "by_class": by_class},
        "fraction_error_le_0.05": {"met": not over if errors else None, "over": len(over), "n": len(errors),
                                   "max": round(max(o["error"] for o in errors), 4) if errors else None},
        "realised_in_interval": {"inside": sum(1 for o in errors if o.get("in_interval")),
                                 "n": sum(1 for o in errors if o.get("in_interval") is not None)},
        "no_wildtype_artefact": {"met": artefacts == 0 if wildtype else None, "pass_calls": artefacts,
                                 "samples": sum(w["samples"] for w in wildtype.values())},
    }


def score_set(set_dir: Path, workdir: Path, peer_case: bool = False) -> dict:
    """Score a workflow run over the set (and the HAMLET case, when it was in the batch)."""
    truth = read_tsv(set_dir / "truth.tsv")
    info = read_tsv(set_dir / "samples_info.tsv")
    calls = read_tsv(workdir / "results" / "cohort" / "variants.tsv")
    outcomes = score_outcomes(truth, calls)
    matched = {(o["sample"], o["call"]) for o in outcomes if o["found"]}
    role = {row["sample"]: row["role"] for row in info}
    wildtype: dict[str, dict] = {}
    for row in info:
        if row["role"] != "wildtype":
            continue
        entry = wildtype.setdefault(row["read_length"], {"samples": 0, "pass_calls": 0, "calls": []})
        entry["samples"] += 1
        mine = [c for c in calls if c["sample"] == row["sample"] and c["filter"] == "PASS"]
        entry["pass_calls"] += len(mine)
        entry["calls"] += [f"{row['sample']}: {_describe(c)}" for c in mine]
    # PASS calls in variant samples that are not a planted allele.
    extra = [f"{c['sample']}: {_describe(c)}" for c in calls
             if role.get(c["sample"]) == "variant" and c["filter"] == "PASS" and (c["sample"], _allele(c)) not in matched]
    seconds = sample_seconds(workdir)
    timing = {}
    for rl in sorted({int(row["read_length"]) for row in info}):
        walls = [seconds[row["sample"]] for row in info if int(row["read_length"]) == rl and row["sample"] in seconds]
        pairs = [int(row["read_pairs"]) for row in info if int(row["read_length"]) == rl]
        timing[str(rl)] = {"samples": len(pairs), "median_read_pairs": int(statistics.median(pairs)) if pairs else None,
                           "median_s": round(statistics.median(walls), 2) if walls else None,
                           "max_s": round(max(walls), 2) if walls else None}
    result = {"set": NAME, "samples": len(info), "parameters": json.loads((set_dir / MARKER).read_text()),
              "groups": summarise_groups(outcomes), "outcomes": outcomes,
              "missed": [f"{o['sample']} 2x{o['read_length']} {o['class']} at {o['fraction']:g} "
                         f"({o['hgvs_c']}): " + ("; ".join(o["calls_in_gene"]) or "no call in the gene")
                         for o in outcomes if not o["found"]],
              "wildtype": wildtype, "other_pass_calls_in_variant_samples": extra,
              "timing": timing, "targets": targets(outcomes, wildtype)}
    if peer_case:
        ref = GenomeReference(GENE_SLICES_FASTA)
        try:
            expected = peer_expected(ref.fetch)
        finally:
            ref.close()
        result["peer_case"] = score_peer(calls, expected)
        result["peer_case"]["job_s"] = round(seconds[PEER_CASE], 2) if PEER_CASE in seconds else None
    return result


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except (SimulationError, OSError, ValueError) as error:
        print(f"rna: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
