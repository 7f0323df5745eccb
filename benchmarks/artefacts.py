"""Artefacts of real runs, injected into simulated reads (the "rough" set, benchmarks/rough.py).

ART gives reads with its instrument's substitution and (rare) indel errors, nothing else. Real
capture runs add errors that a caller's filters exist for; this module adds five of them to the
``Reads`` records of benchmarks/simulation.py ((seq, qual) per read, or (seq1, qual1, seq2, qual2)
per pair, read 2 being the reverse strand of the fragment). Every injector takes a
``random.Random`` (seeded by the caller from simulation.derived_seed) and returns the new records
and what it did, so tests can check the rates. Rates are named constants below, each with its
source; where a source gives a range, the value chosen inside it is said.

Order in a sample's library (rough.py): 8-oxoG damage (on the DNA, before PCR) -> PCR duplicates
(copies share the damage) -> index hopping within the sequencing batch (pairs of other libraries of
the pool) -> sequencing errors: homopolymer slippage and the batch's strand-specific error sites
(both happen to each read on the instrument, copies included).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

Record = tuple[str, ...]  # (seq, qual) or (seq1, qual1, seq2, qual2)

# ---------------------------------------------------------------------------------- rates

# Homopolymer slippage: probability that one homopolymer run of length L in a read gains or loses
# one base = HOMOPOLYMER_RATE_AT_4 * 2 ** (L - 4), at most HOMOPOLYMER_RATE_MAX.
# Ross et al. 2013 (Genome Biology 14:R51, "Characterizing and measuring bias in sequence data"):
# Illumina insertion and deletion rates both rise with homopolymer length; Minoche et al. 2011
# (Genome Biology 12:R112): HiSeq/GAIIx indels are "very low on average but increased to up to 2%
# in homopolymers"; Schirmer et al. 2015 (NAR 43:e37): MiSeq indel errors far rarer than
# substitutions outside homopolymers. Chosen: 0.05% per run at L=4, doubling per base (0.4% at
# L=7, 0.8% at L=8), capped at Minoche's 2%.
HOMOPOLYMER_MIN_LENGTH = 4
HOMOPOLYMER_RATE_AT_4 = 0.0005
HOMOPOLYMER_RATE_MAX = 0.02
HOMOPOLYMER_INSERTION_SHARE = 0.5  # Ross 2013: both insertions and deletions rise on Illumina
PAD_BASE, PAD_QUAL = "N", "#"  # a deletion shifts the read: its last base is unknown (Q2 N)

# Strand-specific systematic errors: a few fixed sites per batch where reads of one alignment
# strand (optionally one mate only) show one substitution. Nakamura et al. 2011 (NAR 39:e90,
# "Sequence-specific error profile of Illumina sequencers"): sequence-specific errors after GGC
# motifs and inverted repeats, on one strand; Minoche et al. 2011: per-strand error rates "up to
# 18.7%" at such positions. Chosen much lower: 1-2% of the reads of the affected orientation,
# i.e. 0.5-1% of all reads at the site when both mates of that strand carry it.
STRAND_SITE_RATES = (0.01, 0.02)
STRAND_SITE_KMER = 13  # reference bases next to the site used to find it in an unaligned read

# 8-oxoG: G>T in read 1 (C>A at the same fragment base in read 2), per G of the read-1 strand.
# Costello et al. 2013 (NAR 41:e67): C>A/G>T transversions at low allelic fractions in deep
# targeted capture data, from oxidation during acoustic shearing, seen in one read orientation
# only (G>T in read 1, C>A in read 2; GATK/Picard "OxoG" metrics, CollectOxoGMetrics). The brief's
# range is 1e-4 to 1e-3 per base; chosen 3e-4 (a damaged, not a pathological, library).
OXOG_RATE = 3e-4

# Index hopping: each sample receives this fraction of its own read count as pairs of the other
# libraries of its sequencing pool. Illumina (knowledge article 1928 and the white paper "Effects
# of Index Misassignment on Multiplexing and Downstream Analysis"): up to ~1% on non-patterned and
# up to ~2% on patterned (ExAmp) flow cells; van der Valk et al. 2017 (HiSeq X): 0.47% on average;
# Sinha et al. 2017 (bioRxiv 125724, HiSeq 4000): up to 5-10% with free adapter. Default 0.5%.
INDEX_HOPPING_RATE = 0.005

# PCR duplicates: share of the output pairs that are extra exact copies of another pair (what
# samtools markdup reports as duplicates). Exome services quote ~5% for good DNA (e.g. Eurofins);
# small capture panels sequenced deep run far higher (>70% at 50,000x, PMC6440665) as depth nears
# library complexity. Chosen 15% (the brief's 10-20%): modest for a ~1000x panel.
PCR_DUPLICATE_FRACTION = 0.15

_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
_RUN = re.compile(r"A{4,}|C{4,}|G{4,}|T{4,}")


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def _hits(rng: random.Random, n: int, rate: float) -> list[int]:
    """Indexes among n Bernoulli(rate) trials that come up, by geometric skips (fast at low rate)."""
    if rate <= 0 or n <= 0:
        return []
    if rate >= 1:
        return list(range(n))
    log_miss = math.log1p(-rate)
    hits, index = [], -1
    while True:
        index += 1 + int(math.log(1.0 - rng.random()) / log_miss)
        if index >= n:
            return hits
        hits.append(index)


# ---------------------------------------------------------------------------------- slippage


def homopolymer_rate(length: int) -> float:
    """Chance that one homopolymer run of this length slips by one base in one read."""
    if length < HOMOPOLYMER_MIN_LENGTH:
        return 0.0
    return min(HOMOPOLYMER_RATE_MAX, HOMOPOLYMER_RATE_AT_4 * 2 ** (length - HOMOPOLYMER_MIN_LENGTH))


def slip_read(seq: str, qual: str, rng: random.Random, rate_of=homopolymer_rate) -> tuple[str, str, list]:
    """One read with its homopolymer runs slipped at rate_of(L); the length stays the same.

    An insertion adds one base of the run at its end (quality of the run's last base) and drops
    the read's last base; a deletion removes the run's last base and pads the read's end with a
    Q2 N. The read's 5' end (what duplicate marking uses) never moves. Returns the events as
    (offset of the run, run length, 'ins' | 'del')."""
    events = []
    for match in _RUN.finditer(seq):
        length = match.end() - match.start()
        if rng.random() < rate_of(length):
            kind = "ins" if rng.random() < HOMOPOLYMER_INSERTION_SHARE else "del"
            events.append((match.start(), length, kind))
    if not events:
        return seq, qual, events
    size = len(seq)
    # Apply from the 3' end, so earlier offsets stay valid.
    for start, length, kind in reversed(events):
        end = start + length
        if kind == "ins":
            seq = seq[:end] + seq[end - 1] + seq[end:]
            qual = qual[:end] + qual[end - 1] + qual[end:]
        else:
            seq = seq[:end - 1] + seq[end:]
            qual = qual[:end - 1] + qual[end:]
    seq, qual = seq[:size], qual[:size]
    missing = size - len(seq)
    return seq + PAD_BASE * missing, qual + PAD_QUAL * missing, events


def homopolymer_slippage(records: list[Record], rng: random.Random, rate_of=homopolymer_rate) -> tuple[list[Record], dict]:
    """Every read (both mates) slipped independently. Returns (records, counts)."""
    out, runs, events = [], {}, {}
    for record in records:
        new = []
        for seq, qual in zip(record[0::2], record[1::2]):
            for match in _RUN.finditer(seq):
                length = match.end() - match.start()
                runs[length] = runs.get(length, 0) + 1
            seq, qual, happened = slip_read(seq, qual, rng, rate_of)
            for _, length, _ in happened:
                events[length] = events.get(length, 0) + 1
            new += [seq, qual]
        out.append(tuple(new))
    return out, {"runs_by_length": runs, "slips_by_length": events}


# ---------------------------------------------------------------------------------- strand sites


@dataclass(frozen=True)
class StrandSite:
    """A systematic error: reads of one alignment strand show ref>alt at chrom:pos.

    strand '+': reads whose sequence is the genome's plus strand (aligned forward) carry it;
    '-': reads aligned reverse (their sequence shows the complement). mate None: both mates of
    that orientation; '1' or '2': only that mate (e.g. read 1 forward)."""

    label: str
    chrom: str
    pos: int  # GRCh38, 1-based
    ref: str  # plus-strand bases
    alt: str
    strand: str
    rate: float  # share of the affected orientation's reads covering the site that show alt
    left: str  # plus-strand reference k-mer ending just before pos
    right: str  # plus-strand reference k-mer starting just after pos
    mate: str | None = None

    def row(self) -> dict[str, object]:
        return {"kind": "strand_site", "site": f"{self.chrom}:{self.pos}{self.ref}>{self.alt}",
                "label": self.label, "orientation": f"{self.strand} strand, "
                f"{'both mates' if self.mate is None else 'read ' + self.mate}", "rate": self.rate}


def make_site(label: str, chrom: str, pos: int, alt: str, strand: str, rate: float, fetch,
              mate: str | None = None, k: int = STRAND_SITE_KMER) -> StrandSite:
    ref = fetch(chrom, pos, pos)
    if alt == ref:
        raise ValueError(f"{label}: alt equals the reference base {ref}")
    return StrandSite(label, chrom, pos, ref, alt, strand, rate,
                      fetch(chrom, pos - k, pos - 1), fetch(chrom, pos + 1, pos + k), mate)


def site_offsets(seq: str, site: StrandSite) -> list[int]:
    """Offsets in the read's own sequence of the site, for a read of the site's orientation.

    The read is searched (or its reverse complement, for '-') for the k-mer before the site, else
    the k-mer after it; every occurrence counts (a duplicated stretch holds the site twice)."""
    view = seq if site.strand == "+" else revcomp(seq)
    k = len(site.left)
    found = set()
    start = view.find(site.left)
    while start >= 0:
        if start + k < len(view):
            found.add(start + k)
        start = view.find(site.left, start + 1)
    start = view.find(site.right)
    while start >= 0:
        if start >= 1:
            found.add(start - 1)
        start = view.find(site.right, start + 1)
    ref = site.ref
    hits = sorted(i for i in found if view[i] == ref)
    if site.strand == "+":
        return hits
    return [len(seq) - 1 - i for i in hits]


def strand_errors(records: list[Record], sites: list[StrandSite], rng: random.Random) -> tuple[list[Record], dict]:
    """Each read of a site's orientation (and mate) that covers it shows alt with the site's rate.

    Returns (records, per label: [reads of that orientation covering the site, reads changed])."""
    counts = {site.label: [0, 0] for site in sites}
    out = []
    for record in records:
        fields = list(record)
        for mate_index in range(len(fields) // 2):
            mate = str(mate_index + 1)
            seq = fields[2 * mate_index]
            for site in sites:
                if site.mate is not None and site.mate != mate:
                    continue
                offsets = site_offsets(seq, site)
                if not offsets:
                    continue
                counts[site.label][0] += 1
                if rng.random() >= site.rate:
                    continue
                counts[site.label][1] += 1
                base = site.alt if site.strand == "+" else revcomp(site.alt)
                for offset in offsets:
                    seq = seq[:offset] + base + seq[offset + 1:]
            fields[2 * mate_index] = seq
        out.append(tuple(fields))
    return out, {label: {"covering_reads": n, "changed_reads": c} for label, (n, c) in counts.items()}


# ---------------------------------------------------------------------------------- 8-oxoG


def mate_shift(seq1: str, seq2: str, probe: int = 12, max_mismatch: float = 0.1) -> int | None:
    """s with read 1 = fragment[0:L1] and revcomp(read 2) = fragment[s:s+L2], when the mates overlap."""
    other = revcomp(seq2)
    for at in (0, probe, 2 * probe):
        piece = other[at:at + probe]
        if len(piece) < probe:
            break
        where = seq1.find(piece)
        if where < 0:
            continue
        shift = where - at
        if shift < 0:
            continue
        overlap = min(len(seq1) - shift, len(other))
        if overlap < probe:
            continue
        mismatches = sum(a != b for a, b in zip(seq1[shift:shift + overlap], other[:overlap]))
        if mismatches <= max_mismatch * overlap:
            return shift
    return None


def oxog(records: list[Record], rng: random.Random, rate: float = OXOG_RATE) -> tuple[list[Record], dict]:
    """8-oxoG damage on the read-1 strand of each fragment: G>T in read 1, C>A in read 2.

    Each G of the fragment's read-1 strand is damaged with `rate`. Where the mates overlap, one
    damaged base shows in both (G>T in read 1, C>A at the same base in read 2); elsewhere each
    mate's part of the fragment is drawn on its own. Read 2's own G's and read 1's C's are never
    touched: the artefact is in one read orientation only. Returns (records, counts)."""
    counts = {"read1_g": 0, "read1_g_to_t": 0, "read2_c": 0, "read2_c_to_a": 0}
    out = []
    for record in records:
        seq1 = record[0]
        g1 = [i for i, b in enumerate(seq1) if b == "G"]
        counts["read1_g"] += len(g1)
        damaged = {g1[i] for i in _hits(rng, len(g1), rate)}  # fragment offsets (= read-1 offsets)
        if len(record) == 2:
            counts["read1_g_to_t"] += len(damaged)
            out.append((_substitute(seq1, damaged, "T"), record[1]))
            continue
        seq2 = record[2]
        size2 = len(seq2)
        shift = mate_shift(seq1, seq2)
        c2 = [i for i, b in enumerate(seq2) if b == "C"]
        counts["read2_c"] += len(c2)
        changed2 = set()
        if shift is None:  # no overlap: read 2's part of the fragment drawn on its own
            changed2 = {c2[i] for i in _hits(rng, len(c2), rate)}
        else:
            # Read-2 offset i is fragment offset shift + (L2 - 1 - i).
            beyond = [i for i in c2 if shift + size2 - 1 - i >= len(seq1)]
            changed2 = {beyond[i] for i in _hits(rng, len(beyond), rate)}
            for j in damaged:
                i = shift + size2 - 1 - j
                if 0 <= i < size2 and seq2[i] == "C":
                    changed2.add(i)
        counts["read1_g_to_t"] += len(damaged)
        counts["read2_c_to_a"] += len(changed2)
        out.append((_substitute(seq1, damaged, "T"), record[1], _substitute(seq2, changed2, "A"), record[3]))
    return out, counts


def _substitute(seq: str, offsets, base: str) -> str:
    if not offsets:
        return seq
    chars = list(seq)
    for i in offsets:
        chars[i] = base
    return "".join(chars)


# ---------------------------------------------------------------------------------- duplicates


def pcr_duplicates(records: list[Record], rng: random.Random,
                   fraction: float = PCR_DUPLICATE_FRACTION) -> tuple[list[Record], dict]:
    """Add exact copies (both mates, qualities too) so that `fraction` of the output is copies.

    Originals are drawn with replacement (a molecule may be copied more than once); copies are
    appended, the caller shuffles. Returns (records, counts)."""
    if not records or fraction <= 0:
        return list(records), {"pairs": len(records), "copies": 0}
    extra = round(len(records) * fraction / (1.0 - fraction))
    copies = [records[rng.randrange(len(records))] for _ in range(extra)]
    return list(records) + copies, {"pairs": len(records), "copies": extra}


# ---------------------------------------------------------------------------------- hopping


def index_hopping(batch: dict[str, list[Record]], rng: random.Random,
                  rate: float = INDEX_HOPPING_RATE) -> tuple[dict[str, list[Record]], dict]:
    """Within one sequencing batch, each sample receives round(rate * its reads) records drawn
    uniformly from the other samples' reads (so a donor gives in proportion to its size).

    Donors are the records as given (before any hop). Samples are visited in sorted order, so
    the result depends only on the batch and the seed. Returns (records per sample,
    {receiver: {donor: records received}})."""
    names = sorted(batch)
    out, log = {}, {}
    for receiver in names:
        donors = [n for n in names if n != receiver and batch[n]]
        received: list[Record] = []
        counts: dict[str, int] = {}
        total = sum(len(batch[n]) for n in donors)
        want = round(rate * len(batch[receiver])) if total else 0
        for _ in range(want):
            pick = rng.randrange(total)
            for donor in donors:
                if pick < len(batch[donor]):
                    received.append(batch[donor][pick])
                    counts[donor] = counts.get(donor, 0) + 1
                    break
                pick -= len(batch[donor])
        out[receiver] = list(batch[receiver]) + received
        log[receiver] = counts
    return out, log
