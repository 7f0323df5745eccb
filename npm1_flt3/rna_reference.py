"""The exon contigs of RNA alignment (npm1_flt3/rna_alignment.py): each MANE transcript's exons
joined in GRCh38 order, + strand whatever the gene's strand, so that a read crossing an exon-exon
junction aligns end to end and its alignment projects back onto GRCh38 base by base.

``npm1-flt3 rna-reference --reference FASTA --annotation exons.tsv --out exons.fa``
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import Transcript, load_transcripts
from npm1_flt3.variants import Variant


@dataclass(frozen=True)
class ExonContig:
    """A transcript's exons joined in GRCh38 order (+ strand whatever the gene's strand)."""

    name: str
    gene: str
    chrom: str
    blocks: tuple[tuple[int, int], ...]  # GRCh38 exons (start, end), 1-based inclusive, ascending

    @property
    def length(self) -> int:
        return sum(end - start + 1 for start, end in self.blocks)

    def to_genome(self, position: int) -> int:
        """GRCh38 position of the contig's 0-based ``position``."""
        for start, end in self.blocks:
            size = end - start + 1
            if position < size:
                return start + position
            position -= size
        raise ValueError(f"position beyond the end of {self.name}")

    def to_genome_table(self) -> list[int]:
        """GRCh38 position of every contig base, in order (a lookup table for projection)."""
        return [position for start, end in self.blocks for position in range(start, end + 1)]


def exon_contigs(transcripts: dict[str, Transcript]) -> list[ExonContig]:
    return [
        ExonContig(f"{gene}_{t.accession}_exons", gene, t.chrom,
                   tuple(sorted((e.start, e.end) for e in t.exons)))
        for gene, t in sorted(transcripts.items())
    ]


def write_exon_contigs(reference: GenomeReference, contigs: list[ExonContig], out: Path) -> None:
    with out.open("w") as handle:
        for contig in contigs:
            sequence = "".join(reference.fetch(contig.chrom, start, end) for start, end in contig.blocks)
            handle.write(f">{contig.name} {contig.gene} exons of {contig.chrom} joined in GRCh38 order\n")
            for i in range(0, len(sequence), 60):
                handle.write(sequence[i:i + 60] + "\n")



def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, type=Path, help="the configured GRCh38 FASTA (faidx-indexed)")
    parser.add_argument("--annotation", required=True, type=Path, help="exon table (exons.tsv)")
    parser.add_argument("--out", required=True, type=Path, help="FASTA of the exon contigs")


def run(args: argparse.Namespace) -> int:
    reference = GenomeReference(args.reference)
    contigs = exon_contigs(load_transcripts(args.annotation))
    partial = args.out.with_name(args.out.name + ".partial")
    write_exon_contigs(reference, contigs, partial)
    partial.replace(args.out)
    return 0


def exon_joined_window(transcript: Transcript, fetch, first: int, last: int) -> tuple[int, str] | None:
    """The transcript's exons joined in GRCh38 order (its mRNA, + strand), as a window in which
    GRCh38 positions first..last (one exon) keep their offsets: position p is at index
    p - virtual_start. None when first..last is not inside one exon. An RNA read holds this
    sequence, not the genome's, wherever it crosses a junction (the ITD k-mer counts of
    npm1_flt3/junctions.py need the sequence the reads carry)."""
    blocks = sorted((e.start, e.end) for e in transcript.exons)
    joined_before = 0
    for start, end in blocks:
        if start <= first and last <= end:
            sequence = "".join(fetch(transcript.chrom, s, e) for s, e in blocks)
            return start - joined_before, sequence
        joined_before += end - start + 1
    return None


def spliced_variant(transcript: Transcript, fetch, variant: Variant) -> Variant:
    """The variant as the transcripts carry it. A tandem duplication of genomic bases that span an
    intron (the longest FLT3-ITDs copy exon-14 end, intron 14 and exon-15 start) duplicates both
    splice sites, so both copies are spliced: the mRNA holds a duplication of the exonic bases only.
    Any other variant is returned as it is."""
    inserted = variant.inserted
    first, last = variant.pos + 1, variant.pos + len(inserted)
    if not inserted or fetch(variant.chrom, first, last) != inserted:
        return variant
    exonic = "".join(fetch(variant.chrom, max(start, first), min(end, last))
                     for start, end in sorted((e.start, e.end) for e in transcript.exons)
                     if start <= last and end >= first)
    return variant if exonic == inserted else Variant(variant.chrom, variant.pos, variant.ref, variant.ref + exonic)
