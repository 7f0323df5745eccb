"""Reading simulator output in tests: FASTQ names and sequences, k-mer counts, TSVs, file hashes."""

from __future__ import annotations

import csv
import gzip
import hashlib
from pathlib import Path


def fastq_names_and_seqs(path: Path) -> tuple[list[str], list[str]]:
    with gzip.open(path, "rt") as handle:
        lines = handle.read().splitlines()
    return lines[0::4], lines[1::4]


def sample_reads(folder: Path, sample: str) -> list[str]:
    """Every read sequence of a sample, from folder/fastq/<sample>_*.fastq.gz."""
    seqs = []
    for path in sorted((folder / "fastq").glob(f"{sample}_*.fastq.gz")):
        seqs += fastq_names_and_seqs(path)[1]
    return seqs


def revcomp(seq: str) -> str:
    return seq[::-1].translate(str.maketrans("ACGTN", "TGCAN"))


def count_containing(reads: list[str], kmer: str) -> int:
    """Reads carrying kmer on either strand."""
    both = (kmer, revcomp(kmer))
    return sum(1 for read in reads if both[0] in read or both[1] in read)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def md5_tree(folder: Path) -> dict[str, str]:
    """Relative path -> md5 of every file below folder (same seed, same bytes)."""
    return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
