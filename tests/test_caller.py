"""The caller on BAMs built read by read, so that every count below can be checked by hand."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from conftest import EXONS, REFERENCE
from npm1_flt3.caller import CallerSettings, call_sample
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, tandem_duplication

GENOME = GenomeReference(REFERENCE)
TRANSCRIPTS = load_transcripts(EXONS)
SETTINGS = CallerSettings(min_depth=10, min_alt_reads=3)
READ_LENGTH = 100


class BamBuilder:
    """Writes reads given in GRCh38 coordinates onto the slice reference's contigs."""

    def __init__(self):
        self.reads = []
        fasta = pysam.FastaFile(str(REFERENCE))
        self.header = pysam.AlignmentHeader.from_dict({
            "HD": {"VN": "1.6", "SO": "coordinate"},
            "SQ": [{"SN": name, "LN": length} for name, length in zip(fasta.references, fasta.lengths)],
        })

    def add(self, chrom: str, start: int, cigar: list[tuple[int, int]], sequence: str, duplicate=False):
        placement = GENOME.placement_of(chrom, start)
        read = pysam.AlignedSegment(self.header)
        read.query_name = f"r{len(self.reads)}"
        read.flag = 1024 if duplicate else 0
        read.reference_name = placement.contig
        read.reference_start = start - placement.offset - 1
        read.mapping_quality = 60
        read.cigartuples = cigar
        read.query_sequence = sequence
        read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
        self.reads.append(read)

    def reference_read(self, chrom: str, start: int, **kwargs):
        self.add(chrom, start, [(0, READ_LENGTH)], GENOME.fetch(chrom, start, start + READ_LENGTH - 1), **kwargs)

    def write(self, path: Path) -> Path:
        with pysam.AlignmentFile(str(path), "wb", header=self.header) as bam:
            for read in sorted(self.reads, key=lambda r: (r.reference_id, r.reference_start)):
                bam.write(read)
        pysam.index(str(path))
        return path


def call(builder: BamBuilder, tmp_path: Path, **kwargs):
    calls, depths = call_sample(builder.write(tmp_path / "test.bam"), GENOME, TRANSCRIPTS, SETTINGS, **kwargs)
    return calls, {d.hotspot.name: d for d in depths}


# NPM1 type A: TCTG duplicated at chr5:171410540-171410543; VCF chr5:171410539 C>CTCTG.
TYPE_A = Variant("chr5", 171410539, "C", "CTCTG")


def type_a_read(builder: BamBuilder, start: int):
    """A 104-base read starting at `start` carrying TCTG after 171410543 (50 bases before it)."""
    before = GENOME.fetch("chr5", start, 171410543)
    after = GENOME.fetch("chr5", 171410544, 171410544 + (READ_LENGTH - len(before)) - 1)
    builder.add("chr5", start, [(0, len(before)), (1, 4), (0, len(after))], before + "TCTG" + after)


def type_a_sample(alt_reads: int, reference_reads: int, duplicate_references=False) -> BamBuilder:
    """Type A reads and wild-type reads, all crossing c.863 with at least 15 bases each side."""
    builder = BamBuilder()
    for shift in range(alt_reads):
        type_a_read(builder, 171410494 + shift)
    for shift in range(reference_reads):
        builder.reference_read("chr5", 171410480 + shift, duplicate=duplicate_references)
    return builder


def test_npm1_insertion_counts_alt_and_reference_reads(tmp_path):
    calls, _ = call(type_a_sample(4, 16), tmp_path)
    [found] = calls
    assert found.variant == TYPE_A
    # Every one of the 20 reads crosses the junction with 15 bases on both sides.
    assert (found.alt_reads, found.depth, found.vaf) == (4, 20, 0.2)
    assert found.filters == []


def test_duplicates_are_not_counted_unless_asked(tmp_path):
    builder = type_a_sample(4, 10, duplicate_references=True)
    calls, _ = call(builder, tmp_path)
    assert calls[0].depth == 4
    calls, _ = call(builder, tmp_path, skip_duplicates=False)
    assert calls[0].depth == 14


def test_too_few_alt_reads_are_reported_but_filtered(tmp_path):
    calls, _ = call(type_a_sample(2, 30), tmp_path)
    assert calls[0].filters == ["LowAltReads"]


# FLT3-ITD: duplication of chr13:28034124-28034144 (21 bp), the getITD MOLM-13-like event.
DUP_FIRST, DUP_LAST = 28034124, 28034144
ITD21 = tandem_duplication("chr13", DUP_FIRST, DUP_LAST, GENOME.fetch)


def mutant_haplotype(first: int, last: int) -> str:
    """+ strand sequence of chr13:first-last with the 21-bp copy inserted after DUP_LAST."""
    return (GENOME.fetch("chr13", first, DUP_LAST) + GENOME.fetch("chr13", DUP_FIRST, DUP_LAST)
            + GENOME.fetch("chr13", DUP_LAST + 1, last))


def test_itd_seen_as_insertion_and_as_soft_clips_is_one_event(tmp_path):
    builder = BamBuilder()
    # Three reads with the copy as a CIGAR insertion after DUP_LAST.
    for start in (28034084, 28034090, 28034096):
        aligned_before = DUP_LAST - start + 1
        seq = mutant_haplotype(start, start + READ_LENGTH - 21 - 1)
        builder.add("chr13", start, [(0, aligned_before), (1, 21), (0, len(seq) - aligned_before - 21)], seq)
    # Two reads aligned up to DUP_LAST whose last 20 bases are the start of the second copy.
    for start in (28034065, 28034066):
        seq = GENOME.fetch("chr13", start, DUP_LAST) + GENOME.fetch("chr13", DUP_FIRST, DUP_FIRST + 19)
        builder.add("chr13", start, [(0, DUP_LAST - start + 1), (4, 20)], seq)
    # Two reads aligned from the second copy's start (DUP_FIRST) whose first 20 bases are clipped.
    for end in (28034210, 28034211):
        seq = GENOME.fetch("chr13", DUP_LAST - 19, DUP_LAST) + GENOME.fetch("chr13", DUP_FIRST, end)
        builder.add("chr13", DUP_FIRST, [(4, 20), (0, end - DUP_FIRST + 1)], seq)
    calls, _ = call(builder, tmp_path)
    itds = [c for c in calls if c.vartype == "ITD"]
    assert len(itds) == 1
    assert itds[0].variant == ITD21
    assert itds[0].alt_reads == 7
    assert itds[0].length == 21


def test_itd_with_extra_bases_keeps_them_in_its_length(tmp_path):
    extra = "GGA"
    builder = BamBuilder()
    for start in (28034070, 28034071, 28034072):
        # Aligned to DUP_LAST, then the extra bases and 20 bases of the second copy, clipped.
        seq = GENOME.fetch("chr13", start, DUP_LAST) + extra + GENOME.fetch("chr13", DUP_FIRST, DUP_FIRST + 19)
        builder.add("chr13", start, [(0, DUP_LAST - start + 1), (4, 23)], seq)
    calls, _ = call(builder, tmp_path)
    [itd] = [c for c in calls if c.vartype == "ITD"]
    assert itd.length == 24
    assert itd.variant == tandem_duplication("chr13", DUP_FIRST, DUP_LAST, GENOME.fetch, extra=extra)


def test_clip_that_continues_downstream_is_not_an_itd(tmp_path):
    builder = BamBuilder()
    for start in (28034070, 28034071, 28034072):
        # The clipped bases are simply the next reference bases (a clipped read end, not an ITD).
        seq = GENOME.fetch("chr13", start, DUP_LAST + 20)
        builder.add("chr13", start, [(0, DUP_LAST - start + 1), (4, 20)], seq)
    calls, _ = call(builder, tmp_path)
    assert [c for c in calls if c.vartype == "ITD"] == []


def test_tkd_snv_counts_bases_at_the_codon(tmp_path):
    builder = BamBuilder()
    site = 28018505  # c.2503G>T (D835Y) is C>A on the + strand
    for shift in range(5):
        start = site - 50 + shift
        seq = GENOME.fetch("chr13", start, site - 1) + "A" + GENOME.fetch("chr13", site + 1, start + READ_LENGTH - 1)
        builder.add("chr13", start, [(0, READ_LENGTH)], seq)
    for shift in range(15):
        builder.reference_read("chr13", site - 60 + shift)
    calls, hotspots = call(builder, tmp_path)
    [snv] = calls
    assert snv.variant == Variant("chr13", site, "C", "A")
    assert (snv.alt_reads, snv.depth) == (5, 20)
    assert hotspots["FLT3_D835_I836"].min_depth == 20


def test_hotspot_depth_is_the_minimum_over_the_hotspot(tmp_path):
    builder = BamBuilder()
    # Reads covering only the first half of the NPM1 exon-12 coding part (chr5:171410527-171410565).
    for shift in range(12):
        builder.reference_read("chr5", 171410446 + shift)
    _, hotspots = call(builder, tmp_path)
    exon12 = hotspots["NPM1_exon12"]
    assert exon12.min_depth == 0
    assert exon12.mean_depth > 0
    assert hotspots["FLT3_exon14"].min_depth == 0


def test_whole_chromosome_reference_gives_the_same_grch38_call(tmp_path):
    # FLT3 on a contig named like a whole chromosome ('13', offset 0), N before the gene; NPM1
    # stays a named slice (references may mix both kinds).
    flt3 = GENOME.fetch("chr13", 28003274, 28100576)
    npm1 = GENOME.fetch("chr5", 171387116, 171410900)
    fasta = tmp_path / "genome.fa"
    fasta.write_text(f">13\n{'N' * 28003273}{flt3}\n>chr5:171387116-171410900\n{npm1}\n")
    pysam.faidx(str(fasta))
    whole = GenomeReference(fasta)
    header = pysam.AlignmentHeader.from_dict(
        {"SQ": [{"SN": "13", "LN": 28100576}, {"SN": "chr5:171387116-171410900", "LN": 23785}]})
    site = 28018505
    bam_path = tmp_path / "whole.bam"
    with pysam.AlignmentFile(str(bam_path), "wb", header=header) as bam:
        for shift in range(20):
            start = site - 50 + shift
            read = pysam.AlignedSegment(header)
            read.query_name, read.flag, read.reference_id = f"r{shift}", 0, 0
            read.reference_start, read.mapping_quality = start - 1, 60  # offset 0: local = GRCh38
            base = "A" if shift < 5 else "C"
            read.query_sequence = whole.fetch("chr13", start, site - 1) + base + whole.fetch("chr13", site + 1, start + 99)
            read.cigartuples = [(0, 100)]
            read.query_qualities = pysam.qualitystring_to_array("I" * 100)
            bam.write(read)
    pysam.index(str(bam_path))
    calls, _ = call_sample(bam_path, whole, TRANSCRIPTS, SETTINGS)
    [snv] = calls
    assert (snv.variant, snv.alt_reads, snv.depth) == (Variant("chr13", site, "C", "A"), 5, 20)


def test_a_real_call_at_low_depth_passes(tmp_path):
    # 5 alt reads of 25 is a call, even though 25 is below min_depth: depth only decides no-call.
    settings = CallerSettings(min_depth=100, min_alt_reads=3)
    builder = type_a_sample(5, 20)
    calls, depths = call_sample(builder.write(tmp_path / "low.bam"), GENOME, TRANSCRIPTS, settings)
    assert calls[0].filters == [] and calls[0].depth == 25


def test_an_indel_at_the_edge_of_every_read_is_not_counted(tmp_path):
    # Four reads start 6 bases before the insertion (as at an amplicon's first bases): no read has
    # 15 bases on both sides of it, so neither alt reads nor depth can be counted there.
    builder = BamBuilder()
    for _ in range(4):
        start = 171410543 - 5
        before = GENOME.fetch("chr5", start, 171410543)
        after = GENOME.fetch("chr5", 171410544, 171410544 + 80)
        builder.add("chr5", start, [(0, len(before)), (1, 4), (0, len(after))], before + "TCTG" + after)
    calls, _ = call(builder, tmp_path)
    assert calls == []


def test_an_error_inside_the_inserted_bases_does_not_make_a_second_allele(tmp_path):
    builder = type_a_sample(8, 20)
    # One more type A read whose inserted TCTG was read as TCAG (a sequencing error).
    before = GENOME.fetch("chr5", 171410494, 171410543)
    after = GENOME.fetch("chr5", 171410544, 171410544 + 49)
    builder.add("chr5", 171410494, [(0, 50), (1, 4), (0, 50)], before + "TCAG" + after)
    calls, _ = call(builder, tmp_path)
    assert [(c.variant, c.alt_reads) for c in calls] == [(TYPE_A, 9)]


def test_small_indels_in_the_itd_region_are_not_reported(tmp_path):
    builder = BamBuilder()
    for start in range(28034070, 28034080):
        # A 2-bp insertion after 28034120, 50 bases into each read.
        seq = GENOME.fetch("chr13", start, 28034120) + "GG" + GENOME.fetch("chr13", 28034121, start + 97)
        builder.add("chr13", start, [(0, 28034120 - start + 1), (1, 2), (0, start + 97 - 28034120)], seq)
    calls, _ = call(builder, tmp_path)
    assert calls == []


def test_evidence_the_aligner_misplaced_joins_the_true_itd(tmp_path):
    builder = BamBuilder()
    for start in (28034084, 28034090, 28034096, 28034100):
        aligned_before = DUP_LAST - start + 1
        seq = mutant_haplotype(start, start + READ_LENGTH - 21 - 1)
        builder.add("chr13", start, [(0, aligned_before), (1, 21), (0, len(seq) - aligned_before - 21)], seq)
    # A true mutant read, but aligned with the 21 inserted bases 25 bases too early (outside the
    # repeat, so with mismatches after them): its CIGAR alone implies another 21-bp allele.
    seq = mutant_haplotype(28034084, 28034084 + READ_LENGTH - 21 - 1)
    before = DUP_LAST - 28034084 + 1 - 25
    builder.add("chr13", 28034084, [(0, before), (1, 21), (0, READ_LENGTH - before - 21)], seq)
    calls, _ = call(builder, tmp_path)
    assert [(c.variant, c.alt_reads) for c in calls if c.alt_reads >= 2] == [(ITD21, 5)]


@pytest.mark.parametrize(
    "inserted, is_itd",
    [
        # 15 bp copying the 15 bases after the insertion point, then 9 other bases: a complex ITD.
        (GENOME.fetch("chr13", DUP_LAST + 1, DUP_LAST + 15) + "GACTTAGCA", True),
        # 9 bases with no long stretch from the neighbourhood: an insertion, not a duplication.
        ("GACTTAGCA", False),
        # A 6-bp ITD: 3 bases copying the 3 after the insertion point, then 3 extra bases.
        (GENOME.fetch("chr13", DUP_LAST + 1, DUP_LAST + 3) + "GGC", True),
    ],
)
def test_an_itd_is_an_insertion_mostly_copied_from_next_door(inserted, is_itd):
    from npm1_flt3.caller import is_tandem_duplication
    from npm1_flt3.variants import insertion

    variant = insertion("chr13", DUP_LAST, inserted, GENOME.fetch)
    assert is_tandem_duplication(variant, GENOME.fetch, 6) is is_itd


# --- complex NPM1 alleles (deletion-insertions) ----------------------------------------------

# NPM1 type E: c.869_873 (GGAGG, chr5:171410549-171410553) replaced by CTCTTGCCC.
TYPE_E = Variant("chr5", 171410549, "GGAGG", "CTCTTGCCC")


def type_e_sequence(start: int, length: int = READ_LENGTH) -> str:
    haplotype = GENOME.fetch("chr5", start, 171410548) + "CTCTTGCCC" + GENOME.fetch("chr5", 171410554, 171410554 + length)
    return haplotype[:length]


def test_a_delins_the_aligner_wrote_two_ways_is_one_allele(tmp_path):
    builder = BamBuilder()
    for shift in range(10):
        # As BWA-MEM writes most type E reads: TCTC inserted after c.867 (chr5:171410547), then
        # four mismatches (TTGCCC against TGGAGG).
        start = 171410494 + shift
        before = 171410547 - start + 1
        builder.add("chr5", start, [(0, before), (1, 4), (0, READ_LENGTH - before - 4)], type_e_sequence(start))
    for shift in range(2):
        # ... and some: 10 bases inserted after c.868, one mismatch, 6 bases deleted.
        start = 171410490 + shift
        before = 171410548 - start + 1
        sequence = type_e_sequence(start)
        aligned_after = len(sequence) - before - 10 - 1
        builder.add("chr5", start, [(0, before), (1, 10), (0, 1), (2, 6), (0, aligned_after)], sequence)
    for shift in range(20):
        builder.reference_read("chr5", 171410480 + shift)
    calls, _ = call(builder, tmp_path)
    assert [(c.variant, c.vartype, c.alt_reads, c.depth) for c in calls] == [(TYPE_E, "DELINS", 12, 32)]


def type_a_read_with_error(builder: BamBuilder, start: int, position: int):
    """A type A read (as type_a_read) with a sequencing error at GRCh38 `position`."""
    before = GENOME.fetch("chr5", start, 171410543)
    after = GENOME.fetch("chr5", 171410544, 171410544 + (READ_LENGTH - len(before)) - 1)
    sequence = before + "TCTG" + after
    index = position - start if position <= 171410543 else position - start + 4
    wrong = "A" if sequence[index] != "A" else "C"
    builder.add("chr5", start, [(0, len(before)), (1, 4), (0, len(after))],
                sequence[:index] + wrong + sequence[index + 1:])


def test_sequencing_errors_next_to_an_insertion_do_not_make_a_delins(tmp_path):
    builder = type_a_sample(30, 20)
    type_a_read_with_error(builder, 171410494, 171410546)  # one read: 3 bases after the insertion
    for shift in range(3):  # three reads with the same error 2 bases before it (a recurring error)
        type_a_read_with_error(builder, 171410500 + shift, 171410541)
    calls, _ = call(builder, tmp_path)
    assert [(c.variant, c.vartype, c.alt_reads) for c in calls] == [(TYPE_A, "INS", 34)]


def test_a_real_delins_is_not_taken_for_an_error_of_a_stronger_insertion(tmp_path):
    # Type A in 30 reads and a delins clone in 8 (two NPM1 clones): far apart in sequence, so the
    # delins stands on its own.
    builder = type_a_sample(30, 20)
    for shift in range(8):
        start = 171410494 + shift
        before = 171410547 - start + 1
        builder.add("chr5", start, [(0, before), (1, 4), (0, READ_LENGTH - before - 4)], type_e_sequence(start))
    calls, _ = call(builder, tmp_path)
    assert [(c.variant, c.alt_reads) for c in calls] == [(TYPE_A, 30), (TYPE_E, 8)]


# --- short FLT3-ITDs ---------------------------------------------------------------------------


@pytest.mark.parametrize("length, vartype", [(3, "ITD"), (4, "INS"), (5, "INS"), (6, "ITD")])
def test_itd_region_insertions_from_3_bp_are_itds_only_in_frame(length, vartype, tmp_path):
    first = 28034119  # exon 14
    variant = tandem_duplication("chr13", first, first + length - 1, GENOME.fetch)
    copy = GENOME.fetch("chr13", first, first + length - 1)
    builder = BamBuilder()
    for start in range(28034070, 28034080):
        # The copy as a CIGAR insertion after its original (chr13:first + length - 1).
        before = GENOME.fetch("chr13", start, first + length - 1)
        after = GENOME.fetch("chr13", first + length, start + READ_LENGTH - length - 1)
        builder.add("chr13", start, [(0, len(before)), (1, length), (0, len(after))], before + copy + after)
    for start in range(28034060, 28034080):
        builder.reference_read("chr13", start)
    calls, _ = call(builder, tmp_path)
    assert [(c.variant, c.vartype, c.length) for c in calls] == [(variant, vartype, length)]
    assert (calls[0].itd_ar is not None) == (vartype == "ITD")


def test_an_itd_seen_only_in_clipped_reads_never_reads_vaf_1_from_mutant_reads_alone(tmp_path):
    # Short reads and a 60-bp ITD (chr13:28034085-28034144 duplicated): the 5 mutant reads are
    # aligned up to the copy's end and clipped, so they cross neither shared junction with 15
    # bases each side; 10 wild-type 45-base reads cross the insertion point and not the far
    # junction. Junction depth alone would be 5 = the alt reads: VAF 1.0 (the 2x50 case).
    first, last = 28034085, 28034144
    itd = tandem_duplication("chr13", first, last, GENOME.fetch)
    builder = BamBuilder()
    for start in range(28034100, 28034105):
        seq = GENOME.fetch("chr13", start, last) + GENOME.fetch("chr13", first, first + 19)
        builder.add("chr13", start, [(0, last - start + 1), (4, 20)], seq)
    for start in range(itd.pos - 25, itd.pos - 15):
        builder.add("chr13", start, [(0, 45)], GENOME.fetch("chr13", start, start + 44))
    calls, _ = call(builder, tmp_path)
    [found] = [c for c in calls if c.vartype == "ITD"]
    assert found.variant == itd
    assert (found.alt_reads, found.depth) == (5, 15)  # the 10 wild-type reads are in the depth


def test_a_wild_type_read_too_short_to_show_the_insertion_is_not_in_the_depth(tmp_path):
    # A type A read needs 15 + 4 + 15 read bases around c.863; a wild-type read holding only the
    # 30 bases around the junction could not have shown it, and counting it would lower the VAF
    # of short reads (2x50: 40% read as 35%).
    builder = type_a_sample(4, 16)
    for _ in range(10):  # 15 bases on each side of the insertion point: 30 bases, not 34
        builder.add("chr5", TYPE_A.pos - 14, [(0, 30)], GENOME.fetch("chr5", TYPE_A.pos - 14, TYPE_A.pos + 15))
    calls, _ = call(builder, tmp_path)
    [found] = calls
    assert (found.alt_reads, found.depth) == (4, 20)
