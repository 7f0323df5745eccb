"""BAM or CRAM from an earlier run as a sample's input (``npm1-flt3 alignment-targets``).

Such a file is re-called directly when it was aligned to a compatible reference: its header lists
the contigs that hold NPM1 and FLT3 in the configured reference FASTA, with the same lengths (so
the same coordinates). Anything else (another build, other contig names) is refused with a message
saying how to go on: point ``reference`` at the FASTA the file was aligned to, or set
``realign_alignments`` so that its reads are aligned again.

The command checks that and writes the BED of the calling windows (padded), which the workflow
uses to cut the targets out of the input before re-calling.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pysam

from npm1_flt3.atomic import write_text_atomically
from npm1_flt3.caller import calling_regions
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts

# Reads are kept this far around every calling window, so that mates and clipped long ITDs stay.
PADDING = 1000


class AlignmentInputError(ValueError):
    """The input BAM/CRAM cannot be re-called against the configured reference."""


def header_lengths(alignment: Path, reference: Path) -> dict[str, int]:
    try:
        with pysam.AlignmentFile(str(alignment), reference_filename=str(reference)) as handle:
            return dict(zip(handle.references, handle.lengths))
    except (ValueError, OSError) as error:
        raise AlignmentInputError(f"{alignment}: cannot be read as BAM or CRAM ({error}); "
                                  "check the path in the sheet's bam column") from error


def target_windows(genome: GenomeReference, transcripts) -> list[tuple[str, int, int]]:
    """(contig, 0-based start, end) of every calling window in the reference's own contigs."""
    windows = []
    for region in calling_regions(transcripts):
        placement = genome.placement_of(region.chrom, *region.window)
        first = max(region.window[0] - PADDING, placement.grch38_start)
        last = min(region.window[1] + PADDING, placement.grch38_end)
        windows.append((placement.contig, first - placement.offset - 1, last - placement.offset))
    return windows


def check_compatible(alignment: Path, reference: Path, windows: list[tuple[str, int, int]],
                     genome: GenomeReference) -> None:
    """Every contig the calling windows lie on is in the file's header with the reference's length."""
    lengths = header_lengths(alignment, reference)
    expected = {p.contig: p.length for p in genome.placements}
    for contig in sorted({contig for contig, _, _ in windows}):
        found = lengths.get(contig)
        if found == expected[contig]:
            continue
        what = (f"has no contig {contig!r}" if found is None
                else f"has contig {contig!r} with length {found}, the reference {expected[contig]}")
        raise AlignmentInputError(
            f"{alignment} {what}: it was aligned to another reference than {reference}. Set "
            "'reference' to the FASTA it was aligned to (GRCh38 whole genome or gene slices), or "
            "set 'realign_alignments: true' in the config to align its reads again")


def write_bed(windows: list[tuple[str, int, int]], out: Path) -> None:
    write_text_atomically(out, "".join(f"{contig}\t{start}\t{end}\n" for contig, start, end in windows))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("alignment", type=Path, help="BAM or CRAM from an earlier run")
    parser.add_argument("--reference", type=Path, required=True, help="the workflow's reference FASTA")
    parser.add_argument("--annotation", type=Path, required=True, help="exons.tsv")
    parser.add_argument("--bed", type=Path, required=True, help="output: calling windows to cut out")


def run(args: argparse.Namespace) -> int:
    genome = GenomeReference(args.reference)
    try:
        windows = target_windows(genome, load_transcripts(args.annotation))
        check_compatible(args.alignment, args.reference, windows, genome)
        write_bed(windows, args.bed)
    finally:
        genome.close()
    return 0
