"""Exon models of the two MANE Select transcripts (NM_002520.7, NM_004119.3).

They are read at run time from exons.tsv in the shared reference folder (configurable), never
copied into the repository. Coordinates are GRCh38, 1-based, inclusive.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED_COLUMNS = (
    "gene",
    "transcript_refseq",
    "chrom",
    "exon_start_1based",
    "exon_end_1based",
    "gene_strand",
    "exon_number_current",
    "exon_number_legacy",
    "cds_start_in_exon_genomic",
    "cds_end_in_exon_genomic",
)


class AnnotationError(ValueError):
    """The exon table is missing or malformed."""


@dataclass(frozen=True)
class Exon:
    number: int  # MANE / RefSeq numbering, in transcription order
    legacy_number: int  # historic AML numbering (NPM1 "exon 12"); equals number for FLT3
    start: int  # GRCh38, 1-based inclusive, start <= end whatever the strand
    end: int
    cds_start: int | None  # coding part of the exon (stop codon included), None if non-coding
    cds_end: int | None

    def contains(self, pos: int) -> bool:
        return self.start <= pos <= self.end


@dataclass
class Transcript:
    gene: str
    accession: str  # RefSeq, e.g. NM_002520.7
    chrom: str
    strand: str  # '+' or '-'
    exons: list[Exon] = field(default_factory=list)  # in transcription order

    @property
    def cds_start(self) -> int:
        """Lowest GRCh38 coordinate of the CDS (stop codon included)."""
        return min(e.cds_start for e in self.exons if e.cds_start is not None)

    @property
    def cds_end(self) -> int:
        return max(e.cds_end for e in self.exons if e.cds_end is not None)

    @property
    def start(self) -> int:
        return min(e.start for e in self.exons)

    @property
    def end(self) -> int:
        return max(e.end for e in self.exons)

    def exon(self, number: int) -> Exon:
        return next(e for e in self.exons if e.number == number)

    def exon_by_legacy(self, legacy_number: int) -> Exon:
        return next(e for e in self.exons if e.legacy_number == legacy_number)

    def exon_at(self, pos: int) -> Exon | None:
        return next((e for e in self.exons if e.contains(pos)), None)


def load_transcripts(exons_tsv: str | Path) -> dict[str, Transcript]:
    """Transcripts keyed by gene symbol (NPM1, FLT3)."""
    path = Path(exons_tsv)
    if not path.exists():
        raise AnnotationError(
            f"exon table not found: {path}; set 'annotation' in the config to the exons.tsv of "
            "the shared reference folder"
        )
    with path.open() as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    if not rows:
        raise AnnotationError(f"{path}: no exon rows")
    missing = [c for c in REQUIRED_COLUMNS if c not in rows[0]]
    if missing:
        raise AnnotationError(f"{path}: missing column(s) {', '.join(missing)}")

    transcripts: dict[str, Transcript] = {}
    for line_no, row in enumerate(rows, start=2):
        try:
            transcript = transcripts.setdefault(
                row["gene"],
                Transcript(row["gene"], row["transcript_refseq"], row["chrom"], row["gene_strand"]),
            )
            transcript.exons.append(
                Exon(
                    number=int(row["exon_number_current"]),
                    legacy_number=int(row["exon_number_legacy"]),
                    start=int(row["exon_start_1based"]),
                    end=int(row["exon_end_1based"]),
                    cds_start=_optional_int(row["cds_start_in_exon_genomic"]),
                    cds_end=_optional_int(row["cds_end_in_exon_genomic"]),
                )
            )
        except (KeyError, ValueError) as error:
            raise AnnotationError(f"{path}: data row {line_no - 1} is malformed ({error})") from error
    for transcript in transcripts.values():
        transcript.exons.sort(key=lambda e: e.number)
    return transcripts


def _optional_int(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text and text not in {".", "NA"} else None
