"""Reading simulated FASTQ in tests: names, sequences, and counting reads that carry a k-mer."""

from __future__ import annotations

import gzip
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
