"""Reference FASTA access in GRCh38 coordinates.

The workflow accepts two kinds of reference:

* a whole-genome GRCh38 FASTA whose contigs are named ``chr5``/``chr13`` or ``5``/``13``;
* a reference made of gene slices whose contigs are named after the GRCh38 region they hold,
  e.g. ``chr5:171387116-171410900`` (1-based, inclusive), as in ../shared/reference.

Everything downstream of alignment speaks GRCh38 (``chr5``, 1-based positions). This module is
the only place that knows how a GRCh38 position maps onto a contig of the reference in use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pysam

# Lengths of the GRCh38 primary assembly chromosomes the workflow reports on. VCF headers carry
# these, whatever the reference in use holds, so that VCFs from different references agree.
GRCH38_LENGTHS = {"chr5": 181538259, "chr13": 114364328}

_SLICE_NAME = re.compile(r"^(?:chr)?(?P<chrom>[0-9XYM]+):(?P<start>\d+)-(?P<end>\d+)$")
_WHOLE_NAME = re.compile(r"^(?:chr)?(?P<chrom>[0-9XYM]+)$")


class ReferenceError(ValueError):
    """The reference FASTA cannot serve GRCh38 coordinates."""


@dataclass(frozen=True)
class ContigPlacement:
    """Where one reference contig sits on GRCh38."""

    contig: str  # name in the FASTA / BAM header
    chrom: str  # GRCh38 chromosome, always with the 'chr' prefix
    offset: int  # GRCh38 position = local 1-based position + offset
    length: int  # contig length in the FASTA

    @property
    def grch38_start(self) -> int:
        return self.offset + 1

    @property
    def grch38_end(self) -> int:
        return self.offset + self.length


def place_contig(name: str, length: int) -> ContigPlacement | None:
    """Read a contig name as a GRCh38 placement, or None for contigs we do not use (alts, decoys)."""
    match = _SLICE_NAME.match(name)
    if match:
        start, end = int(match["start"]), int(match["end"])
        if end - start + 1 != length:
            raise ReferenceError(
                f"contig {name!r} is named as a {end - start + 1}-bp GRCh38 region but holds "
                f"{length} bp; rename it or fix the FASTA"
            )
        return ContigPlacement(name, "chr" + match["chrom"], start - 1, length)
    match = _WHOLE_NAME.match(name)
    if match:
        return ContigPlacement(name, "chr" + match["chrom"], 0, length)
    return None


def placements_from_lengths(lengths: dict[str, int]) -> list[ContigPlacement]:
    placements = [p for name, n in lengths.items() if (p := place_contig(name, n)) is not None]
    return placements


class GenomeReference:
    """GRCh38 view of a reference FASTA (indexed with samtools faidx)."""

    def __init__(self, fasta_path: str | Path):
        self.path = Path(fasta_path)
        if not self.path.exists():
            raise ReferenceError(f"reference FASTA not found: {self.path}")
        self._fasta = pysam.FastaFile(str(self.path))
        lengths = dict(zip(self._fasta.references, self._fasta.lengths))
        self.placements = placements_from_lengths(lengths)
        self._cache: dict[tuple[str, int, int], str] = {}

    def placement_of(self, chrom: str, start: int, end: int | None = None) -> ContigPlacement:
        """The contig holding GRCh38 chrom:start-end (1-based, inclusive)."""
        end = start if end is None else end
        chrom = normalise_chrom(chrom)
        for placement in self.placements:
            if (
                placement.chrom == chrom
                and placement.grch38_start <= start
                and end <= placement.grch38_end
            ):
                return placement
        raise ReferenceError(
            f"{self.path} has no contig covering GRCh38 {chrom}:{start}-{end}; the reference must "
            "hold NPM1 and FLT3 (whole chromosomes or gene slices named like chr5:171387116-171410900)"
        )

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """Uppercase + strand sequence of GRCh38 chrom:start-end (1-based, inclusive)."""
        key = (normalise_chrom(chrom), start, end)
        if key not in self._cache:
            placement = self.placement_of(key[0], start, end)
            local_start = start - placement.offset - 1
            local_end = end - placement.offset
            self._cache[key] = self._fasta.fetch(placement.contig, local_start, local_end).upper()
        return self._cache[key]

    def contig_length(self, chrom: str) -> int:
        """GRCh38 length for VCF headers."""
        chrom = normalise_chrom(chrom)
        if chrom in GRCH38_LENGTHS:
            return GRCH38_LENGTHS[chrom]
        return max(p.grch38_end for p in self.placements if p.chrom == chrom)

    def close(self) -> None:
        self._fasta.close()


def normalise_chrom(chrom: str) -> str:
    return chrom if chrom.startswith("chr") else "chr" + chrom
