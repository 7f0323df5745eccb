"""Artefact injectors of the rough benchmark set (benchmarks/artefacts.py): rates within tolerance,
one orientation only where the artefact is stranded, hopping within a batch, same seed same reads.
Tiny synthetic reads: no ART, no workflow."""

from __future__ import annotations

import random

import pytest

from benchmarks import artefacts
from benchmarks.artefacts import revcomp

BASES = "ACGT"


def random_seq(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(BASES) for _ in range(n))


def pairs_from(genome: str, rng: random.Random, n: int, length: int, fragment: int) -> list[tuple[str, ...]]:
    """(seq1, qual1, seq2, qual2) of random fragments of `genome`, half from each strand."""
    records = []
    for _ in range(n):
        start = rng.randrange(len(genome) - fragment)
        frag = genome[start:start + fragment]
        if rng.random() < 0.5:
            frag = revcomp(frag)
        records.append((frag[:length], "I" * length, revcomp(frag[-length:]), "I" * length))
    return records


# ------------------------------------------------------------------------------- slippage

def test_homopolymer_rate_doubles_per_base_and_is_capped():
    assert artefacts.homopolymer_rate(3) == 0
    assert artefacts.homopolymer_rate(4) == artefacts.HOMOPOLYMER_RATE_AT_4
    assert artefacts.homopolymer_rate(7) == pytest.approx(8 * artefacts.HOMOPOLYMER_RATE_AT_4)
    assert 0.001 <= artefacts.homopolymer_rate(7) <= 0.01 and 0.001 <= artefacts.homopolymer_rate(8) <= 0.01
    assert artefacts.homopolymer_rate(30) == artefacts.HOMOPOLYMER_RATE_MAX


def test_slipped_read_keeps_its_length_and_5prime_end():
    rng = random.Random(1)
    seq, qual = "ACGT" + "A" * 8 + "CGTCGT", "ABCD" + "E" * 8 + "FGHIJK"
    kinds = set()
    for _ in range(200):
        new_seq, new_qual, events = artefacts.slip_read(seq, qual, rng, rate_of=lambda n: 1.0)
        assert len(new_seq) == len(seq) and len(new_qual) == len(qual)
        assert new_seq[:4] == "ACGT"
        (start, length, kind), = events
        kinds.add(kind)
        if kind == "ins":
            assert new_seq == "ACGT" + "A" * 9 + "CGTCG" and new_qual[12] == "E"
        else:
            assert new_seq == "ACGT" + "A" * 7 + "CGTCGT" + artefacts.PAD_BASE
            assert new_qual.endswith(artefacts.PAD_QUAL)
    assert kinds == {"ins", "del"}


def test_slippage_rate_by_run_length():
    rng = random.Random(2)
    records = [("C" * 10 + "G" * 7 + "T" * 20, "I" * 37)] * 20000
    out, counts = artefacts.homopolymer_slippage(records, rng)
    assert counts["runs_by_length"] == {10: 20000, 7: 20000, 20: 20000}
    slips = counts["slips_by_length"]
    for length in (7, 10):
        expected = 20000 * artefacts.homopolymer_rate(length)
        assert abs(slips.get(length, 0) - expected) < 4 * expected ** 0.5 + 2
    changed = sum(r[0] != records[0][0] for r in out)
    assert 0 < changed <= sum(slips.values())  # a read may slip in two runs


# ------------------------------------------------------------------------------- strand sites

@pytest.fixture(scope="module")
def genome() -> str:
    return random_seq(random.Random(3), 3000)


def fetch_from(genome: str):
    return lambda chrom, start, end: genome[start - 1:end]  # 1-based inclusive, like GenomeReference


@pytest.mark.parametrize("strand", ["+", "-"])
def test_strand_site_only_on_its_orientation_at_its_rate(genome, strand):
    fetch = fetch_from(genome)
    pos = 1500
    ref = genome[pos - 1]
    alt = next(b for b in BASES if b != ref)
    site = artefacts.make_site("s", "chrT", pos, alt, strand, 0.2, fetch)
    rng = random.Random(4)
    records = pairs_from(genome[1300:1700], rng, 6000, 100, 250)
    out, counts = artefacts.strand_errors(records, [site], random.Random(5))
    plus = minus = 0
    for record in out:
        for seq in record[0::2]:
            fwd = seq.find(site.left) >= 0 or seq.find(site.right) >= 0
            forward_view = seq if fwd else revcomp(seq)
            where = forward_view.find(site.left)
            if where < 0 or where + 13 >= len(forward_view):
                continue
            base = forward_view[where + 13]
            if base == alt:
                plus += fwd
                minus += not fwd
    seen = counts["s"]
    assert seen["covering_reads"] > 1000
    rate = seen["changed_reads"] / seen["covering_reads"]
    assert abs(rate - 0.2) < 0.04
    # Every changed base is on the site's own orientation.
    assert (minus if strand == "+" else plus) == 0
    assert (plus if strand == "+" else minus) > 0


def test_strand_site_mate_restriction(genome):
    fetch = fetch_from(genome)
    pos = 1500
    alt = next(b for b in BASES if b != genome[pos - 1])
    site = artefacts.make_site("r1", "chrT", pos, alt, "+", 1.0, fetch, mate="1")
    records = pairs_from(genome[1300:1700], random.Random(6), 2000, 100, 250)
    out, _ = artefacts.strand_errors(records, [site], random.Random(7))
    for before, after in zip(records, out):
        assert after[2] == before[2]  # read 2 never changed
    assert any(a[0] != b[0] for a, b in zip(records, out))


def test_site_offsets_find_both_copies_in_a_duplication(genome):
    fetch = fetch_from(genome)
    site = artefacts.make_site("d", "chrT", 1000, next(b for b in BASES if b != genome[999]), "+", 1.0, fetch)
    stretch = genome[980:1020]
    read = stretch + stretch
    assert artefacts.site_offsets(read, site) == [19, 59]
    assert artefacts.site_offsets(revcomp(read), site) == []  # a '-' read of a '+' site: untouched


# ------------------------------------------------------------------------------- 8-oxoG

def test_oxog_only_g_to_t_in_read1_and_c_to_a_in_read2(genome):
    records = pairs_from(genome, random.Random(8), 4000, 100, 150)  # mates overlap by 50
    rate = 0.01
    out, counts = artefacts.oxog(records, random.Random(9), rate)
    g_to_t = c_to_a = 0
    for before, after in zip(records, out):
        for a, b in zip(before[0], after[0]):
            if a != b:
                assert (a, b) == ("G", "T")
                g_to_t += 1
        for a, b in zip(before[2], after[2]):
            if a != b:
                assert (a, b) == ("C", "A")
                c_to_a += 1
        assert before[1] == after[1] and before[3] == after[3]
    assert g_to_t == counts["read1_g_to_t"]
    assert abs(g_to_t / counts["read1_g"] - rate) < 0.002
    assert abs(c_to_a / counts["read2_c"] - rate) < 0.002


def test_oxog_in_the_mate_overlap_is_one_damaged_base_seen_twice(genome):
    # Fragment 150, reads 100: fragment offsets 50-99 are read by both mates.
    records = pairs_from(genome, random.Random(10), 3000, 100, 150)
    out, _ = artefacts.oxog(records, random.Random(11), 0.02)
    both = only_one = 0
    for before, after in zip(records, out):
        for j in range(50, 100):
            i = 50 + 100 - 1 - j  # read-2 offset of fragment offset j (shift 50)
            hit1 = before[0][j] != after[0][j]
            hit2 = before[2][i] != after[2][i]
            if hit1 and hit2:
                both += 1
            elif hit1 or hit2:
                only_one += 1
    assert both > 100 and only_one == 0


def test_mate_shift(genome):
    frag = genome[100:260]
    assert artefacts.mate_shift(frag[:100], revcomp(frag[-100:])) == 60
    far = genome[100:500]
    assert artefacts.mate_shift(far[:100], revcomp(far[-100:])) is None


# ------------------------------------------------------------------------------- duplicates

def test_pcr_duplicates_exact_copies_at_the_fraction(genome):
    records = pairs_from(genome, random.Random(12), 5000, 50, 200)
    out, counts = artefacts.pcr_duplicates(records, random.Random(13), 0.15)
    assert out[:5000] == records
    copies = out[5000:]
    assert counts["copies"] == len(copies)
    assert abs(len(copies) / len(out) - 0.15) < 0.001
    originals = set(records)
    assert all(c in originals for c in copies)  # both mates and qualities identical


# ------------------------------------------------------------------------------- hopping

def batch_of(tag: str, sizes: dict[str, int]) -> dict[str, list]:
    return {name: [(f"{tag}{name}{i}", "I", f"{tag}{name}{i}", "I") for i in range(n)]
            for name, n in sizes.items()}


def test_index_hopping_moves_reads_within_one_batch_only():
    sizes = {"a": 20000, "b": 10000, "c": 10000}
    one, two = batch_of("x", sizes), batch_of("y", {"d": 20000, "e": 20000})
    out1, log1 = artefacts.index_hopping(one, random.Random(14), 0.01)
    out2, _ = artefacts.index_hopping(two, random.Random(15), 0.01)
    for name, records in out1.items():
        extra = records[len(one[name]):]
        assert len(extra) == round(0.01 * sizes[name])
        assert all(r[0].startswith("x") and not r[0].startswith(f"x{name}") for r in extra)
        assert sum(log1[name].values()) == len(extra)
    assert all(r[0].startswith("y") for records in out2.values() for r in records)
    # Donors give in proportion to their size: 'a' gets b and c evenly; 'b' gets twice as much from a.
    assert abs(log1["b"]["a"] / log1["b"]["c"] - 2) < 0.6


def test_every_injector_is_reproducible_by_seed(genome):
    records = pairs_from(genome, random.Random(16), 500, 100, 180)
    site = artefacts.make_site("s", "chrT", 1500, next(b for b in BASES if b != genome[1499]), "-",
                               0.5, fetch_from(genome))
    for run in (
        lambda seed: artefacts.oxog(records, random.Random(seed), 0.01),
        lambda seed: artefacts.pcr_duplicates(records, random.Random(seed)),
        lambda seed: artefacts.homopolymer_slippage(records, random.Random(seed), lambda n: 0.3),
        lambda seed: artefacts.strand_errors(records, [site], random.Random(seed)),
        lambda seed: artefacts.index_hopping({"a": records, "b": records[::-1]}, random.Random(seed), 0.1),
    ):
        assert run(17) == run(17)
        assert run(17) != run(18)


# ------------------------------------------------------------------------------- the rough set

@pytest.fixture(scope="module")
def reference():
    from npm1_flt3.reference import GenomeReference
    from conftest import REFERENCE
    genome = GenomeReference(REFERENCE)
    yield genome
    genome.close()


def test_rough_design_per_read_length(reference):
    from benchmarks import rough
    from conftest import EXONS
    slots = rough.design_planted(7, reference.fetch)
    roles = [role for role, _ in slots]
    assert roles.count("wildtype_control") >= 4
    planted = [p for _, ps in slots for p in ps]
    npm1 = sorted((p.variant.alt, p.vaf) for p in planted if p.target == "NPM1")
    assert len(npm1) == 3 * len(rough.NPM1_VAFS) and {v for _, v in npm1} == {0.4, 0.05, 0.01, 0.003}
    itds = sorted((len(p.variant.alt) - 1, p.vaf) for p in planted if p.target == "ITD")
    assert itds == sorted((n, v) for n in rough.ITD_LENGTHS for v in rough.ITD_VAFS)
    assert sorted(p.vaf for p in planted if p.target == "TKD") == [0.02, 0.05]
    for read_length in rough.DEFAULT_READ_LENGTHS:
        samples = rough.build_batch(read_length, 7, 1.0, reference.fetch, EXONS)
        assert all(s.sequencing.read_length == read_length for s, _ in samples)
        assert max(rough.ITD_LENGTHS) >= min(2 * read_length, 300)
    assert 300 not in rough.SEQUENCING and 300 in rough.UNSUPPORTED_READ_LENGTHS


def test_rough_strand_sites_in_targets_never_the_d835y_allele(reference):
    from benchmarks import rough
    from conftest import EXONS
    for read_length in rough.DEFAULT_READ_LENGTHS:
        sites = rough.strand_sites(read_length, 7, reference.fetch, EXONS)
        assert len(sites) == 5 and {s.strand for s in sites} <= {"+", "-"}
        for site in sites:
            assert (site.chrom, site.pos, site.alt) != rough.D835Y_ALLELE
            assert site.ref == reference.fetch(site.chrom, site.pos, site.pos) != site.alt
        assert any(28018500 <= s.pos <= 28018505 for s in sites)


def test_rough_tables_render():
    from benchmarks.report import rough_tables
    data = {"bins": {"NPM1 VAF 0.003": {"n": 3, "found": 1}, "ITD <= 2x read length (100 bp)": {"n": 8, "found": 8},
                     "ITD > 2x read length (100 bp)": {"n": 6, "found": 5}},
            "false_positives_in_controls": 2, "false_positives_in_controls_by_event": {"TKD": 2},
            "false_positives": 0, "false_positives_by_event": {}, "controls": 4,
            "status": {"agree": 50, "total": 54}, "workflow_wall_s": 40.0,
            "itd_vaf_error": {"1-30": {"n": 4, "found": 4, "median": 0.01, "max": 0.02, "within_2x_read_length": True},
                              "151-300": {"n": 4, "found": 3, "median": 0.05, "max": 0.1, "within_2x_read_length": False}},
            "false_positive_calls": ["r050_03 TKD 28018504 len 0 vaf 0.011"]}
    result = {"samples": 18, "batches": {"50": {"samples": 18, "variants": {"current": data}}},
              "variants": ["current"], "artefacts": {"oxog_rate": 3e-4, "pcr_duplicate_fraction": 0.15,
                                                     "index_hopping_rate": 0.005},
              "unsupported_read_lengths": {"300": "no profile"}, "wall_s": 1.0}
    text = rough_tables(result)
    assert "| 2x50 | current | 2 (TKD 2) of 4 controls | 0 | 1/3 |" in text
    assert "0.050 (max 0.100; 3/4) &dagger;" in text and "2x300 not simulated" in text
