"""UMI consensus (``npm1-flt3 consensus``): aligned raw reads in, one consensus read pair per
molecule out, ready to be aligned again. Every later step (caller, MRD) then counts molecules,
not reads, and a base seen in one PCR copy or one read of a molecule is no longer a mutation.

How (the steps of fgbio's GroupReadsByUmi and CallDuplexConsensusReads, in a simpler form)
-----------------------------------------------------------------------------------------
1. **Fragments.** Reads are read in coordinate order. A pair's fragment is its contig, the
   unclipped 5' end of its forward read (left) and of its reverse read (right); one read gives
   both through its mate's position and MC tag (samtools fixmate -m writes it). A single-end read's
   fragment is its own 5' end and strand. Secondary, supplementary, unmapped and QC-failed reads,
   and pairs not facing each other on one contig within ``MAX_FRAGMENT`` bases, are skipped and
   counted.
2. **Molecules.** Among the reads of one fragment position, UMIs are merged by UMI-tools'
   directional rule (npm1_flt3/umi.py). Dual UMIs 'a-b' and 'b-a' are the two strands of one
   double-stranded molecule (fgbio's "paired" strategy): strand A has read 1 at the left end,
   strand B read 1 at the right end.
3. **Consensus per strand** (single-strand consensus, SSCS; Schmitt et al. 2012, PNAS 109:14508),
   for the left-end reads and the right-end reads separately, cycle by cycle: each base's vote is
   the sum of its Phred qualities; the winner's quality is its votes minus all others' (so two
   reads that disagree at Q30 give Q0), capped at ``MAX_QUALITY``; below ``MIN_QUALITY`` the base
   is N.
4. **Duplex** where both strands were read (Schmitt 2012; Kennedy et al. 2014, Nat Protoc 9:2586):
   strand A's left read and strand B's left read are the same sequence, so they are compared base
   by base: agreeing bases add their qualities, disagreeing ones become N. An 8-oxoG G>T or a
   first-cycle PCR error on one strand cannot survive that.
5. A molecule needs ``min_reads`` read pairs (both strands together) to be kept; smaller ones are
   counted in the QC file only. The consensus reads carry ``cD`` (read pairs of the molecule),
   ``aD`` and ``bD`` (read pairs of strand A and B) as SAM tags through ``bwa mem -C``.

The QC file (JSON) gives reads in, reads used and skipped (by reason), molecules kept and dropped,
duplex molecules, and the family-size histogram (read pairs per molecule) for MultiQC.
"""

from __future__ import annotations

import argparse
import heapq
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam

from npm1_flt3.atomic import open_atomically
from npm1_flt3.umi import UmiError, canonical_pair, directional_clusters, umi_of

MAX_FRAGMENT = 5000  # longer "fragments" are chimeras or structural rearrangements, not molecules
MAX_QUALITY = 60  # fgbio caps consensus qualities similarly; no sequencer error model goes higher
MIN_QUALITY = 10  # below this the consensus is unsure: N, so no caller counts it
N_QUALITY = 2
CODES = np.frombuffer(b"ACGTN", dtype=np.uint8)
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
LEFT, RIGHT = 0, 1
CIGAR_OPS = "MIDNSHP=X"  # pysam's operation codes are the index in this string
CIGAR_PART = re.compile(r"([0-9]+)([MIDNSHP=X])")


@dataclass(frozen=True)
class ReadCopy:
    """One read of a molecule, in sequencing orientation."""

    umi: str  # as in the read name
    strand_a: bool  # read 1 at the left end (strand A) or at the right end (strand B)
    end: int  # LEFT (forward-mapped) or RIGHT (reverse-mapped)
    sequence: str
    qualities: bytes  # Phred, no offset


@dataclass
class ConsensusQc:
    reads_in: int = 0
    reads_used: int = 0
    skipped: Counter = field(default_factory=Counter)
    molecules: int = 0
    molecules_kept: int = 0
    duplex_molecules: int = 0
    umis_merged: int = 0  # UMIs taken for errors of a more frequent UMI at the same position
    family_sizes: Counter = field(default_factory=Counter)  # read pairs per molecule -> molecules

    def as_json(self, sample: str, min_reads: int) -> dict:
        return {"sample": sample, "min_reads": min_reads, "reads_in": self.reads_in,
                "reads_used": self.reads_used, "reads_skipped": dict(sorted(self.skipped.items())),
                "molecules": self.molecules, "molecules_kept": self.molecules_kept,
                "molecules_below_min_reads": self.molecules - self.molecules_kept,
                "duplex_molecules": self.duplex_molecules, "umis_merged": self.umis_merged,
                "family_sizes": {str(size): n for size, n in sorted(self.family_sizes.items())}}


# --- fragments ------------------------------------------------------------------------------------

def _clip(cigar: list[tuple[int, int]], first: bool) -> int:
    op, length = cigar[0] if first else cigar[-1]
    return length if op == 4 else 0


def _cigar_reference_length(cigar: list[tuple[int, int]]) -> int:
    return sum(length for op, length in cigar if op in (0, 2, 3, 7, 8))


def _skip_reason(read: pysam.AlignedSegment) -> str | None:
    if read.is_secondary or read.is_supplementary:
        return None  # not a read of its own: not counted at all
    if read.is_unmapped or read.is_qcfail:
        return "unmapped or QC-failed"
    if read.is_paired and (read.mate_is_unmapped or read.next_reference_id != read.reference_id
                           or read.is_reverse == read.mate_is_reverse or not read.has_tag("MC")):
        return "mate unmapped, elsewhere or same strand"
    return ""


def fragment_of(read: pysam.AlignedSegment) -> tuple[int, int, int] | None:
    """(left, right, flush position) of a read's fragment: 0-based unclipped 5' ends of the forward
    and reverse read; None when the pair is too far apart. The fragment is complete once reads
    start after the flush position."""
    cigar = read.cigartuples
    if not read.is_paired:
        if read.is_reverse:
            end = read.reference_end + _clip(cigar, first=False)
            return end, end, end
        start = read.reference_start - _clip(cigar, first=True)
        return start, start, start + read.query_length
    mate = [(CIGAR_OPS.index(op), int(length)) for length, op in CIGAR_PART.findall(read.get_tag("MC"))]
    if read.is_reverse:
        left = read.next_reference_start - _clip(mate, first=True)
        right = read.reference_end + _clip(cigar, first=False)
    else:
        left = read.reference_start - _clip(cigar, first=True)
        right = read.next_reference_start + _cigar_reference_length(mate) + _clip(mate, first=False)
    if not 0 < right - left <= MAX_FRAGMENT:
        return None
    return left, right, max(right, read.reference_start, read.next_reference_start)


def read_copy(read: pysam.AlignedSegment) -> ReadCopy:
    sequence, qualities = read.query_sequence, bytes(read.query_qualities)
    if read.is_reverse:  # back to the order the sequencer read it
        sequence, qualities = sequence.translate(COMPLEMENT)[::-1], qualities[::-1]
    end = RIGHT if read.is_reverse else LEFT
    first = read.is_read1 or not read.is_paired
    return ReadCopy(umi_of(read.query_name), first == (end == LEFT), end, sequence, qualities)


# --- consensus ------------------------------------------------------------------------------------

def strand_consensus(copies: list[tuple[str, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """Consensus bases (codes into CODES) and qualities of reads of one end of one strand."""
    lengths = sorted((len(sequence) for sequence, _ in copies), reverse=True)
    length = lengths[(len(lengths) + 1) // 2 - 1]  # the length at least half the reads reach
    bases = np.full((len(copies), length), ord("N"), dtype=np.uint8)
    quals = np.zeros((len(copies), length), dtype=np.int32)
    for row, (sequence, qualities) in enumerate(copies):
        n = min(length, len(sequence))
        bases[row, :n] = np.frombuffer(sequence[:n].encode(), dtype=np.uint8)
        quals[row, :n] = np.frombuffer(qualities[:n], dtype=np.uint8)
    votes = np.stack([(quals * (bases == code)).sum(axis=0) for code in CODES[:4]])
    winner = votes.argmax(axis=0)
    best = votes.max(axis=0)
    quality = np.minimum(best - (votes.sum(axis=0) - best), MAX_QUALITY)
    unsure = quality < MIN_QUALITY
    winner[unsure] = 4
    quality[unsure] = N_QUALITY
    return winner, quality


def duplex_consensus(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two strands' consensus of the same end: agreement adds qualities, disagreement is N."""
    (base_a, qual_a), (base_b, qual_b) = a, b
    if len(base_a) < len(base_b):
        (base_a, qual_a), (base_b, qual_b) = (base_b, qual_b), (base_a, qual_a)
    bases, quals = base_a.copy(), qual_a.copy()
    n = len(base_b)
    both = (base_a[:n] != 4) & (base_b != 4)
    agree = both & (base_a[:n] == base_b)
    only_b = (base_a[:n] == 4) & (base_b != 4)
    bases[:n][only_b], quals[:n][only_b] = base_b[only_b], qual_b[only_b]
    quals[:n][agree] = np.minimum(qual_a[:n][agree] + qual_b[agree], MAX_QUALITY)
    disagree = both & ~agree
    bases[:n][disagree], quals[:n][disagree] = 4, N_QUALITY
    return bases, quals


def _fastq_text(bases: np.ndarray, quals: np.ndarray) -> tuple[str, str]:
    return CODES[bases].tobytes().decode(), (quals + 33).astype(np.uint8).tobytes().decode()


@dataclass(frozen=True)
class Molecule:
    umi: str
    reads_a: int  # read pairs (or single reads) of strand A
    reads_b: int
    ends: tuple[tuple[str, str] | None, tuple[str, str] | None]  # (sequence, qualities) left, right

    @property
    def reads(self) -> int:
        return self.reads_a + self.reads_b


def build_molecule(umi: str, copies: list[ReadCopy]) -> Molecule:
    """The consensus of every copy of one molecule (both strands, both ends)."""
    ends = []
    for end in (LEFT, RIGHT):
        strands = [[(c.sequence, c.qualities) for c in copies if c.end == end and c.strand_a == is_a]
                   for is_a in (True, False)]
        sscs = [strand_consensus(s) for s in strands if s]
        if not sscs:
            ends.append(None)
            continue
        combined = duplex_consensus(*sscs) if len(sscs) == 2 else sscs[0]
        ends.append(_fastq_text(*combined))
    # A pair has one read at each end: the larger of the two ends' counts is the pairs seen.
    reads = [max(sum(1 for c in copies if c.end == e and c.strand_a == is_a) for e in (LEFT, RIGHT))
             for is_a in (True, False)]
    return Molecule(umi, reads[0], reads[1], (ends[0], ends[1]))


def molecules_at(copies: list[ReadCopy], qc: ConsensusQc) -> list[Molecule]:
    """The molecules of one fragment position: copies grouped by directional UMI clusters."""
    keys = [canonical_pair(c.umi) for c in copies]
    counts = Counter(key for key, _ in keys)
    molecule_of = directional_clusters(counts)
    qc.umis_merged += sum(1 for umi, molecule in molecule_of.items() if umi != molecule)
    grouped: dict[str, list[ReadCopy]] = defaultdict(list)
    for copy, (key, _) in zip(copies, keys):
        grouped[molecule_of[key]].append(copy)
    return [build_molecule(umi, group) for umi, group in sorted(grouped.items())]


# --- the stream -----------------------------------------------------------------------------------

class ConsensusWriter:
    """Consensus reads as FASTQ, numbered in the order molecules complete; a molecule's two ends
    are written one after the other under one name (``bwa mem -p`` pairs such neighbours and
    aligns a lone read as single-end)."""

    def __init__(self, handle):
        self.handle, self.number = handle, 0

    def write(self, molecule: Molecule) -> None:
        self.number += 1
        tags = f"cD:i:{molecule.reads}\taD:i:{molecule.reads_a}\tbD:i:{molecule.reads_b}"
        name = f"m{self.number}:{molecule.umi}"
        for sequence, qualities in (end for end in molecule.ends if end is not None):
            self.handle.write(f"@{name}\t{tags}\n{sequence}\n+\n{qualities}\n")


def call_consensus(bam, writer: ConsensusWriter, min_reads: int) -> ConsensusQc:
    qc = ConsensusQc()
    pending: dict[tuple, list[ReadCopy]] = defaultdict(list)
    flush_heap: list[tuple[int, tuple]] = []
    contig = None

    def flush(until: int | None) -> None:
        while flush_heap and (until is None or flush_heap[0][0] < until):
            _, key = heapq.heappop(flush_heap)
            for molecule in molecules_at(pending.pop(key), qc):
                qc.molecules += 1
                qc.family_sizes[molecule.reads] += 1
                if molecule.reads >= min_reads:
                    qc.molecules_kept += 1
                    qc.duplex_molecules += bool(molecule.reads_a and molecule.reads_b)
                    writer.write(molecule)

    for read in bam:
        reason = _skip_reason(read)
        if reason is None:
            continue
        qc.reads_in += 1
        if read.reference_id != contig:
            flush(None)
            contig = read.reference_id
        flush(read.reference_start)
        fragment = fragment_of(read) if not reason else None
        if fragment is None:
            qc.skipped[reason or f"mates not facing each other within {MAX_FRAGMENT} bases"] += 1
            continue
        left, right, flush_at = fragment
        key = (left, right, -1 if read.is_paired else int(read.is_reverse))
        if key not in pending:
            heapq.heappush(flush_heap, (flush_at, key))
        pending[key].append(read_copy(read))
        qc.reads_used += 1
    flush(None)
    return qc


# --- command line ---------------------------------------------------------------------------------

def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bam", required=True, help="coordinate-sorted BAM of the raw reads, UMIs in read names ('-' = stdin)")
    parser.add_argument("--out", required=True, help="consensus FASTQ to write, pairs interleaved ('-' = stdout)")
    parser.add_argument("--qc", required=True, type=Path, help="family QC JSON to write")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--min-reads", type=int, default=2,
                        help="read pairs (both strands together) a molecule needs to be kept")


def run(args: argparse.Namespace) -> int:
    out = sys.stdout if args.out == "-" else open(args.out, "w")
    try:
        with pysam.AlignmentFile(args.bam, "rb") as bam:
            qc = call_consensus(bam, ConsensusWriter(out), args.min_reads)
    except UmiError as error:
        print(f"npm1-flt3 consensus: {args.bam}: {error}", file=sys.stderr)
        return 1
    finally:
        if out is not sys.stdout:
            out.close()
    with open_atomically(args.qc, encoding="utf-8") as handle:
        json.dump(qc.as_json(args.sample, args.min_reads), handle, indent=1)
        handle.write("\n")
    return 0
