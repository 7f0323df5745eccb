"""Junction-aware alignment of RNA reads (sample sheet ``assay: rna``), with BWA-MEM only.

Why not a splice-aware aligner: HISAT2 or STAR would need a splice-aware index of the user's whole
genome (STAR: about 32 GB of memory; HISAT2 with splice sites: hours to build), and both represent
long insertions (FLT3-ITDs) and an insertion 13 bases past a splice junction (NPM1 type A, legacy
exon 12) differently from BWA-MEM, on which the caller's ITD and NPM1 evidence is built. Instead:

1. Each MANE transcript's exons, joined in GRCh38 order (``exon contigs``, a few kilobases;
   ``write_exon_contigs``), are a tiny BWA reference. Every RNA read is aligned to it first: reads
   that cross an exon-exon junction align end to end there, and the reads of the two genes are
   screened out of a whole transcriptome at the cost of one pass of BWA over a 10-kb index. A pair
   is kept when either mate aligns (``samtools view`` in the rule).
2. The kept reads are aligned again to the configured genome, so that the genome's mapping
   quality (paralogues, pseudogenes) and intronic reads are seen.
3. ``merge_alignments`` takes, per read, the exon-contig alignment when it scores higher (AS) than
   the genome alignment, projected onto GRCh38 with an N (skipped intron) at each junction
   (``project``); otherwise the genome alignment. The projected read's mapping quality is the
   genome alignment's where that lies in the same gene (the genome vouches that the read's
   sequence is unique there), else it is capped by the score margin over the genome's other hit.

Everything after this step sees an ordinary GRCh38 BAM whose spliced reads carry N operations.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pysam

from npm1_flt3.reference import GenomeReference, ReferenceError
from npm1_flt3.rna_reference import ExonContig, exon_contigs
from npm1_flt3.transcripts import load_transcripts

CIGAR_M, CIGAR_I, CIGAR_D, CIGAR_N, CIGAR_S, CIGAR_H = 0, 1, 2, 3, 4, 5
CONSUMES_REFERENCE = {0, 2, 3, 7, 8}
# BWA-MEM's mapping quality grows by about 6 per point of score between the best and the second-best
# hit (bwa mem_approx_mapq_se: 6.02 * (best - second) / match score, match score 1), at most 60.
MAPQ_PER_SCORE_POINT = 6
MAX_MAPQ = 60


# --- projection of one alignment onto GRCh38 -------------------------------------------------------

def project(table: list[int], start: int, cigar: list[tuple[int, int]]) -> tuple[int, list[tuple[int, int]]]:
    """(GRCh38 start, CIGAR) of an alignment at 0-based ``start`` of an exon contig whose base i lies
    at GRCh38 ``table[i]``: an N (skipped region) is put wherever two consecutive reference bases of
    the alignment are not consecutive in GRCh38. Insertions and clips stay where they are."""
    projected: list[tuple[int, int]] = []

    def emit(op: int, length: int) -> None:
        if projected and projected[-1][0] == op:
            projected[-1] = (op, projected[-1][1] + length)
        else:
            projected.append((op, length))

    position = start
    expected = table[start]  # GRCh38 position the next reference base should have
    for op, length in cigar:
        if op not in CONSUMES_REFERENCE:
            emit(op, length)
            continue
        for _ in range(length):
            genomic = table[position]
            if genomic != expected:
                emit(CIGAR_N, genomic - expected)
            emit(op, 1)
            expected = genomic + 1
            position += 1
    return table[start], projected


# --- choosing between the exon-contig and the genome alignment of each read -------------------------

@dataclass
class Placements:
    """Reference contig <-> GRCh38 for the genome BAM, and the exon contigs' lookup tables."""

    reference: GenomeReference
    contigs: dict[str, ExonContig]
    tables: dict[str, list[int]]

    @classmethod
    def load(cls, reference: GenomeReference, contigs: list[ExonContig]) -> "Placements":
        return cls(reference, {c.name: c for c in contigs}, {c.name: c.to_genome_table() for c in contigs})

    def grch38_span(self, read: pysam.AlignedSegment) -> tuple[str, int, int] | None:
        placement = next((p for p in self.reference.placements if p.contig == read.reference_name), None)
        if placement is None:
            return None
        return placement.chrom, read.reference_start + placement.offset + 1, read.reference_end + placement.offset


def _score(read: pysam.AlignedSegment | None) -> int:
    if read is None or read.is_unmapped:
        return -1
    return read.get_tag("AS") if read.has_tag("AS") else 0


def _records_by_mate(records: list[pysam.AlignedSegment]) -> dict[int, list[pysam.AlignedSegment]]:
    by_mate: dict[int, list[pysam.AlignedSegment]] = {}
    for record in records:
        if record.is_secondary:
            continue
        mate = 1 if record.is_read1 else 2 if record.is_read2 else 0
        by_mate.setdefault(mate, []).append(record)
    return by_mate


def _primary(records: list[pysam.AlignedSegment]) -> pysam.AlignedSegment | None:
    return next((r for r in records if not r.is_supplementary), None)


class Merger:
    """Writes, per read, the better of its exon-contig and genome alignments into the genome BAM."""

    def __init__(self, placements: Placements, out: pysam.AlignmentFile):
        self.placements = placements
        self.out = out
        self.projected_reads = 0
        self.genome_reads = 0

    def template(self, exon_records: list[pysam.AlignedSegment], genome_records: list[pysam.AlignedSegment]) -> None:
        exon_by_mate = _records_by_mate(exon_records)
        genome_by_mate = _records_by_mate(genome_records)
        for mate, genome_side in genome_by_mate.items():
            exon_side = exon_by_mate.get(mate, [])
            exon_primary, genome_primary = _primary(exon_side), _primary(genome_side)
            if _score(exon_primary) > _score(genome_primary):
                self.projected_reads += 1
                mapq = self.projected_mapq(exon_primary, genome_primary)
                for record in exon_side:
                    self.out.write(self.projected(record, mapq, genome_primary))
            else:
                self.genome_reads += 1
                for record in genome_side:
                    self.out.write(record)

    def projected_mapq(self, exon_primary: pysam.AlignedSegment, genome_primary: pysam.AlignedSegment | None) -> int:
        exon_mapq = exon_primary.mapping_quality
        if genome_primary is None or genome_primary.is_unmapped:
            return exon_mapq
        contig = self.placements.contigs[exon_primary.reference_name]
        span = self.placements.grch38_span(genome_primary)
        if span is not None and span[0] == contig.chrom and span[1] <= contig.blocks[-1][1] \
                and span[2] >= contig.blocks[0][0]:
            # The genome places the read's unspliced part in this gene: its MAPQ says how unique it is.
            return genome_primary.mapping_quality
        margin = _score(exon_primary) - _score(genome_primary)
        return max(0, min(exon_mapq, MAPQ_PER_SCORE_POINT * margin, MAX_MAPQ))

    def projected(self, record: pysam.AlignedSegment, mapq: int,
                  genome_primary: pysam.AlignedSegment | None) -> pysam.AlignedSegment:
        contig = self.placements.contigs[record.reference_name]
        start, cigar = project(self.placements.tables[contig.name], record.reference_start, record.cigartuples)
        end = start + sum(length for op, length in cigar if op in CONSUMES_REFERENCE) - 1
        placement = self.placements.reference.placement_of(contig.chrom, start, end)
        out = pysam.AlignedSegment(self.out.header)
        out.query_name = record.query_name
        out.flag = record.flag
        out.reference_name = placement.contig
        out.reference_start = start - placement.offset - 1
        out.mapping_quality = mapq if not record.is_supplementary else min(mapq, record.mapping_quality)
        out.cigartuples = cigar
        out.query_sequence = record.query_sequence
        out.query_qualities = record.query_qualities
        # Mate fields are filled in by samtools fixmate after the merge; until then: unknown.
        out.next_reference_id, out.next_reference_start, out.template_length = -1, -1, 0
        tags = [(tag, value) for tag, value in record.get_tags() if tag not in ("SA", "XA", "MC")]
        if record.has_tag("SA"):
            tags.append(("SA", self.projected_sa(record.get_tag("SA"))))
        out.set_tags(tags)
        return out

    def projected_sa(self, sa: str) -> str:
        entries = []
        for entry in filter(None, sa.split(";")):
            name, pos, strand, cigar_text, mapq, nm = entry.split(",")
            contig = self.placements.contigs[name]
            start, projected = project(self.placements.tables[contig.name], int(pos) - 1, _parse_cigar(cigar_text))
            end = start + sum(length for op, length in projected if op in CONSUMES_REFERENCE) - 1
            placement = self.placements.reference.placement_of(contig.chrom, start, end)
            entries.append(f"{placement.contig},{start - placement.offset},{strand},"
                           f"{_cigar_text(projected)},{mapq},{nm}")
        return "".join(entry + ";" for entry in entries)


_CIGAR_OPS = "MIDNSHP=X"


def _parse_cigar(text: str) -> list[tuple[int, int]]:
    cigar, number = [], ""
    for char in text:
        if char.isdigit():
            number += char
        else:
            cigar.append((_CIGAR_OPS.index(char), int(number)))
            number = ""
    return cigar


def _cigar_text(cigar: list[tuple[int, int]]) -> str:
    return "".join(f"{length}{_CIGAR_OPS[op]}" for op, length in cigar)


def merge_alignments(exon_bam: Path, genome_bam: Path, reference: GenomeReference,
                     contigs: list[ExonContig], out_path: str) -> Merger:
    """Both BAMs name-grouped in the same read order (the genome pass aligned the exon pass's reads)."""
    placements = Placements.load(reference, contigs)
    with pysam.AlignmentFile(str(exon_bam), "rb", check_sq=False) as exon_in, \
            pysam.AlignmentFile(str(genome_bam), "rb", check_sq=False) as genome_in:
        missing = [c.name for c in contigs if c.name not in exon_in.references]
        if missing:
            raise ReferenceError(f"{exon_bam}: not aligned to the exon contigs ({', '.join(missing)} missing)")
        with pysam.AlignmentFile(out_path, "wb", header=genome_in.header) as out:
            merger = Merger(placements, out)
            exon_groups = groupby(exon_in.fetch(until_eof=True), key=lambda r: r.query_name)
            for name, genome_records in groupby(genome_in.fetch(until_eof=True), key=lambda r: r.query_name):
                exon_name, exon_records = _next_group(exon_groups, name, exon_bam)
                merger.template(list(exon_records), list(genome_records))
    return merger


def _next_group(groups, name: str, path: Path):
    for group_name, records in groups:
        if group_name == name:
            return group_name, records
        raise ReferenceError(f"{path}: read {group_name} is not in the genome alignment in the same "
                             f"order (expected {name}); both passes must come from one read stream")
    raise ReferenceError(f"{path}: ended before read {name} of the genome alignment")


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exon-bam", required=True, type=Path,
                        help="the RNA reads aligned to the exon contigs (npm1-flt3 rna-reference), name-grouped")
    parser.add_argument("--genome-bam", required=True, type=Path,
                        help="the same reads, in the same order, aligned to the genome reference")
    parser.add_argument("--reference", required=True, type=Path, help="the configured GRCh38 FASTA (faidx-indexed)")
    parser.add_argument("--annotation", required=True, type=Path, help="exon table (exons.tsv)")
    parser.add_argument("--out", default="-", help="merged BAM, name-grouped (default: stdout, uncompressed)")


def run(args: argparse.Namespace) -> int:
    reference = GenomeReference(args.reference)
    contigs = exon_contigs(load_transcripts(args.annotation))
    try:
        merger = merge_alignments(args.exon_bam, args.genome_bam, reference, contigs, args.out)
    except ReferenceError as error:
        sys.stderr.write(f"npm1-flt3 rna-merge: {error}\n")
        return 1
    sys.stderr.write(f"npm1-flt3 rna-merge: {merger.projected_reads} reads from their exon-contig alignment "
                     f"(projected onto GRCh38), {merger.genome_reads} from their genome alignment\n")
    return 0
