"""Hotspots: the regions whose coverage decides between 'wild-type' and 'no-call'.

Derived at run time from the MANE exon models (exons.tsv), so coordinates are never typed in by
hand. Each hotspot has a *role*: the gene status it decides. A status is only 'wild-type' /
'absent' when every hotspot of its role is covered at the minimum depth.

| hotspot           | region                                   | role     |
|-------------------|------------------------------------------|----------|
| NPM1_exon12       | coding part of legacy exon 12 (c.847-885)| npm1     |
| NPM1_exon11       | legacy exon 11 (= MANE exon 10)          | coverage |
| NPM1_exon9        | legacy exon 9                            | coverage |
| NPM1_exon5        | legacy exon 5                            | coverage |
| FLT3_exon14       | FLT3 exon 14 (juxtamembrane)             | flt3_itd |
| FLT3_exon15       | FLT3 exon 15                             | flt3_itd |
| FLT3_D835_I836    | codons 835-836 (c.2503-2508)             | flt3_tkd |
| FLT3_exon20       | FLT3 exon 20                             | coverage |

Legacy exons 5, 9 and 11 are called and their coverage reported, but the NPM1 status follows the
exon-12 hotspot, where over 95% of NPM1 mutations lie: an exon-12 amplicon assay can then still say
'wild-type'. Uncovered coverage-only hotspots are listed per sample in the cohort table.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from npm1_flt3.atomic import write_text_atomically
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import Transcript, load_transcripts

ROLES = ("npm1", "flt3_itd", "flt3_tkd", "coverage")

# FLT3 codons 835 and 836 are c.2503-c.2508.
FLT3_TKD_CODONS = (835, 836)


@dataclass(frozen=True)
class Hotspot:
    name: str
    gene: str
    chrom: str
    start: int  # GRCh38, 1-based inclusive
    end: int
    role: str


def define_hotspots(transcripts: dict[str, Transcript]) -> list[Hotspot]:
    npm1, flt3 = transcripts["NPM1"], transcripts["FLT3"]
    spots = []
    exon12 = npm1.exon_by_legacy(12)
    spots.append(Hotspot("NPM1_exon12", "NPM1", npm1.chrom, exon12.cds_start, exon12.cds_end, "npm1"))
    for legacy in (11, 9, 5):
        exon = npm1.exon_by_legacy(legacy)
        spots.append(Hotspot(f"NPM1_exon{legacy}", "NPM1", npm1.chrom, exon.start, exon.end, "coverage"))
    for number in (14, 15):
        exon = flt3.exon(number)
        spots.append(Hotspot(f"FLT3_exon{number}", "FLT3", flt3.chrom, exon.start, exon.end, "flt3_itd"))
    codon_start, codon_end = flt3_codon_span(flt3, *FLT3_TKD_CODONS)
    spots.append(Hotspot("FLT3_D835_I836", "FLT3", flt3.chrom, codon_start, codon_end, "flt3_tkd"))
    exon20 = flt3.exon(20)
    spots.append(Hotspot("FLT3_exon20", "FLT3", flt3.chrom, exon20.start, exon20.end, "coverage"))
    return spots


def flt3_codon_span(flt3: Transcript, first_codon: int, last_codon: int) -> tuple[int, int]:
    """GRCh38 span of codons first..last of a minus-strand transcript whose codons lie in one exon."""
    c_first, c_last = 3 * first_codon - 2, 3 * last_codon
    positions = [genomic_position_of_c(flt3, c) for c in (c_first, c_last)]
    return min(positions), max(positions)


def genomic_position_of_c(transcript: Transcript, c_pos: int) -> int:
    """GRCh38 position of coding position c.N (N >= 1), walking the coding exons in order."""
    remaining = c_pos
    for exon in transcript.exons:
        if exon.cds_start is None:
            continue
        size = exon.cds_end - exon.cds_start + 1
        if remaining <= size:
            if transcript.strand == "+":
                return exon.cds_start + remaining - 1
            return exon.cds_end - remaining + 1
        remaining -= size
    raise ValueError(f"c.{c_pos} lies beyond the CDS of {transcript.accession}")


def write_targets_bed(hotspots: list[Hotspot], genome: GenomeReference, out: Path) -> None:
    """BED of hotspots in the coordinates of the reference in use (for mosdepth --by)."""
    lines = []
    for spot in hotspots:
        placement = genome.placement_of(spot.chrom, spot.start, spot.end)
        local_start = spot.start - placement.offset - 1
        local_end = spot.end - placement.offset
        lines.append(f"{placement.contig}\t{local_start}\t{local_end}\t{spot.name}\n")
    write_text_atomically(out, "".join(lines))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="reference FASTA (faidx-indexed)")
    parser.add_argument("--annotation", required=True, help="exons.tsv of the MANE transcripts")
    parser.add_argument("--out", required=True, type=Path, help="BED to write")


def run(args: argparse.Namespace) -> int:
    genome = GenomeReference(args.reference)
    write_targets_bed(define_hotspots(load_transcripts(args.annotation)), genome, args.out)
    return 0
