"""The MRD benchmark's simulator and scoring (benchmarks/mrd.py): fast, no workflow run."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pytest

from benchmarks import mrd, report
from npm1_flt3.reference import GenomeReference


@pytest.fixture(scope="module")
def ref():
    reference = GenomeReference(mrd.DEFAULT_REFERENCE)
    yield reference
    reference.close()


@pytest.fixture(scope="module")
def alleles(ref):
    specs = mrd.design(7, ref.fetch, mrd.DESIGNS["small"])
    return {a.label: a for a in mrd.sample_alleles(specs[0], ref.fetch, mrd.contig_ends(ref))}


COMPLEMENT = str.maketrans("ACGT", "TGCA")


def text(codes: np.ndarray) -> str:
    return mrd._LETTERS[codes].tobytes().decode()


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


# ----------------------------------------------------------------------------------- design


def test_alleles_are_the_issue_s_three(alleles):
    npm1, tkd, itd = alleles["NPM1"].variant, alleles["TKD"].variant, alleles["ITD"].variant
    assert (npm1.chrom, npm1.pos, npm1.ref, npm1.alt) == ("chr5", 171410539, "C", "CTCTG")
    assert (tkd.chrom, tkd.pos, tkd.ref, tkd.alt) == ("chr13", 28018505, "C", "A")
    assert itd.chrom == "chr13" and len(itd.alt) - len(itd.ref) == mrd.ITD_LENGTH
    assert mrd.EXON14[1] <= itd.pos <= mrd.EXON14[2]
    # The ITD is a tandem copy: the inserted bases follow the anchor in the reference.
    a = alleles["ITD"]
    anchor = a.wild_site[0]
    assert a.wild[anchor + 1:anchor + 1 + mrd.ITD_LENGTH] == itd.alt[1:]
    assert a.mutant[:anchor + 1] == a.wild[:anchor + 1]


def test_default_design_sizes_and_patients(ref):
    specs = mrd.design(7, ref.fetch, mrd.DESIGNS["default"])
    follow = [s for s in specs if s.role == "follow-up"]
    at = {(m, lv): sum(1 for s in follow if (s.molecules, s.level) == (m, lv))
          for m, lv in {(s.molecules, s.level) for s in follow}}
    assert at == {(10_000, 0.0): 20, (10_000, 1e-4): 10, (10_000, 1e-3): 20, (10_000, 1e-2): 10,
                  (100_000, 0.0): 5, (100_000, 1e-4): 5, (100_000, 1e-3): 5}
    baselines = [s for s in specs if s.role == "baseline"]
    assert len(baselines) == 15 and all(s.level == 0.4 and s.molecules == 3000 and s.day == 0 for s in baselines)
    assert len({s.itd for s in baselines}) == 15  # one ITD per patient
    for patient in {s.patient for s in specs}:
        mine = [s for s in specs if s.patient == patient]
        assert len({s.timepoint for s in mine}) == len(mine) and len({s.day for s in mine}) == len(mine)
        assert len({s.itd for s in mine}) == 1
    assert mrd.design(7, ref.fetch, mrd.DESIGNS["default"]) == specs  # seeded


def test_dna_input_is_one_genome_per_molecule():
    assert mrd.dna_input_ng(10_000) == 33.0
    assert mrd.dna_input_ng(3000) == 9.9


# ----------------------------------------------------------------------------------- library


def test_family_sizes_negative_binomial():
    sizes = mrd.family_sizes(np.random.default_rng(1), 200_000)
    assert sizes.mean() == pytest.approx(mrd.FAMILY_MEAN, rel=0.02)
    assert sizes.var() == pytest.approx(mrd.FAMILY_MEAN + mrd.FAMILY_MEAN ** 2 / mrd.FAMILY_SHAPE, rel=0.05)
    assert np.mean(sizes == 0) == pytest.approx(1 / 9, abs=0.005)  # (2/6)^2
    assert np.mean(sizes == 1) == pytest.approx(4 / 27, abs=0.005)


def test_fragments_cover_the_site_with_margin():
    rng = np.random.default_rng(2)
    n = 5000
    first, last = np.full(n, 500), np.full(n, 531)
    start, length = mrd.fragment_layout(rng, n, first, last, np.full(n, 1032))
    assert length.min() >= mrd.FRAGMENT_MIN and length.max() <= mrd.FRAGMENT_MAX
    assert np.all(start <= 500 - mrd.SITE_MARGIN) and np.all(start + length - 1 >= 531 + mrd.SITE_MARGIN)
    assert np.all(start >= 0) and np.all(start + length <= 1032)
    assert abs(length.mean() - mrd.FRAGMENT_MEAN) < 3
    # A window cut short (NPM1 near the end of its slice) still fits.
    start, length = mrd.fragment_layout(rng, n, np.full(n, 500), np.full(n, 505), np.full(n, 866))
    assert np.all(start + length <= 866)


def test_reads_without_errors_come_from_the_right_strand_and_end(alleles):
    a = alleles["NPM1"]
    site = mrd.simulate_site(np.random.default_rng(3), a, 300, 0.5, oxog_rate=0, pcr_rate=0,
                             umi_error_rate=0, sequencing=False)
    haps = {0: a.wild, 1: a.mutant}
    top_umis, bottom_umis = set(), set()
    for r1, r2, umi, mutant in zip(site.r1, site.r2, site.umi, site.mutant):
        hap = haps[int(mutant)]
        s1, s2 = text(r1), text(r2)
        assert len(s1) == len(s2) == mrd.READ_LENGTH
        assert re.fullmatch(r"[ACGT]{8}-[ACGT]{8}", umi)
        if s1 in hap:  # top strand: read 1 forward from the left end, read 2 reverse from the right
            assert revcomp(s2) in hap and hap.index(s1) < hap.index(revcomp(s2)) + 1
            top_umis.add(umi)
        else:  # bottom strand: read 1 from the right end (reverse complement), read 2 from the left
            assert revcomp(s1) in hap and s2 in hap
            bottom_umis.add(umi)
    assert top_umis and bottom_umis
    swapped = {"-".join(u.split("-")[::-1]) for u in bottom_umis}
    assert len(swapped & top_umis) > 0.7 * len(bottom_umis)  # duplex molecules: beta-alpha = alpha-beta swapped
    assert not (top_umis & bottom_umis)


def test_mutant_molecules_binomial_and_reads_carry_the_allele(alleles):
    a = alleles["NPM1"]
    site = mrd.simulate_site(np.random.default_rng(4), a, 3000, 0.4, sequencing=False)
    assert site.counts["mutant_molecules"] == pytest.approx(1200, abs=4 * (3000 * 0.24) ** 0.5)
    assert 0.37 < site.mutant.mean() < 0.43
    inserted = a.mutant[a.mutant_site[0] - 10:a.mutant_site[1] + 10]
    pairs = list(zip(site.r1[site.mutant][:200], site.r2[site.mutant][:200]))
    carrying = sum(any(inserted in text(r) or inserted in revcomp(text(r)) for r in pair) for pair in pairs)
    assert carrying > 180  # nearly every pair of a mutant molecule has a read over the insertion
    none = mrd.simulate_site(np.random.default_rng(4), a, 3000, 0.0, sequencing=False)
    assert none.counts["mutant_molecules"] == 0 and not none.mutant.any()


def test_simulation_is_seeded(alleles):
    one = mrd.simulate_site(np.random.default_rng(5), alleles["TKD"], 200, 0.1)
    two = mrd.simulate_site(np.random.default_rng(5), alleles["TKD"], 200, 0.1)
    assert np.array_equal(one.r1, two.r1) and np.array_equal(one.q2, two.q2) and one.umi == two.umi


def test_qualities_fall_toward_the_read_end():
    rng = np.random.default_rng(6)
    for mate in (0, 1):
        q = mrd.quality_matrix(rng, 20_000, mate)
        assert q.min() >= mrd.Q_MIN and q.max() <= mrd.Q_MAX
        assert np.median(q[:, 0]) == pytest.approx(mrd.Q_START, abs=1)
        assert np.median(q[:, -1]) == pytest.approx(mrd.Q_END[mate], abs=1)


def test_sequencing_errors_follow_the_qualities():
    rng = np.random.default_rng(7)
    codes = np.zeros((20_000, mrd.READ_LENGTH), dtype=np.uint8)
    quals = mrd.quality_matrix(rng, 20_000, 1)
    expected = np.power(10.0, -quals.astype(float) / 10.0).sum()
    n = mrd.sequencing_errors(rng, codes, quals)
    assert n == int((codes != 0).sum())
    assert n == pytest.approx(expected, rel=0.05)
    assert 5e-4 < n / codes.size < 2e-3  # ~0.1% per base


def test_oxog_is_g_to_t_on_one_strand(alleles):
    a = alleles["TKD"]
    site = mrd.simulate_site(np.random.default_rng(8), a, 400, 0.0, oxog_rate=0.02, pcr_rate=0,
                             umi_error_rate=0, sequencing=False)
    changes = {"r1": set(), "r2": set()}
    for r1, r2 in zip(site.r1, site.r2):
        s1, s2 = text(r1), text(r2)
        for name, read in (("r1", s1), ("r2", s2)):
            # Find where the read sits on the wild type, in its own orientation.
            for hap in (a.wild, revcomp(a.wild)):
                # Placed by the first of four 16-mers found exactly (damage is sparse).
                starts = [hap.find(read[k:k + 16]) - k for k in (0, 45, 90, 134) if hap.find(read[k:k + 16]) >= 0]
                if not starts:
                    continue
                original = hap[starts[0]:starts[0] + len(read)]
                if len(original) == len(read) and sum(x != y for x, y in zip(read, original)) <= 6:
                    changes[name] |= {(x, y) for x, y in zip(original, read) if x != y}
                    break
    assert changes["r1"] == {("G", "T")}  # damage on the strand read 1 reads: G>T
    assert changes["r2"] == {("C", "A")}  # the same base seen by read 2
    assert site.counts["strand_changes"] > 0


def test_pcr_errors_are_shared_along_the_genealogy():
    rng = np.random.default_rng(9)
    families = 4000
    sizes = np.full(families, 8)
    family = np.repeat(np.arange(families), sizes)
    lengths = np.full(families, 250)
    rate = 2e-4
    errors = mrd.pcr_genealogy_errors(rng, family, lengths, rate=rate, cycles=12)
    assert errors
    for reads, pos, shift in errors:
        assert len(set(family[reads])) == 1  # never across molecules
        assert 0 <= pos < 250 and 1 <= shift <= 3
    inherited = sum(len(reads) for reads, _, _ in errors)
    # Each read inherits the errors of one new copy per cycle it descends from (about half the
    # cycles): rate * length * cycles / 2 per read.
    assert inherited / len(family) == pytest.approx(rate * 250 * 12 / 2, rel=0.15)
    shares = [len(reads) / 8 for reads, _, _ in errors]
    assert max(shares) >= 0.5  # jackpots: an early error in half a family or more


def test_sample_fastqs_names_and_hopping(tmp_path, ref):
    specs = mrd.design(7, ref.fetch, mrd.DESIGNS["small"])
    small = [mrd.SampleSpec(s.name, s.patient, s.role, s.timepoint, s.day, 150, s.level, s.itd) for s in specs[:2]]
    pool = tuple((s.name, s.molecules) for s in small)
    out = mrd.simulate_sample(mrd.SimJob(small[1], str(mrd.DEFAULT_REFERENCE), str(tmp_path), 7, 0.2, pool))
    name_form = re.compile(rf"^@mrd:{small[1].name}:\d+:[ACGT]{{8}}-[ACGT]{{8}}$")
    with gzip.open(tmp_path / "fastq" / f"{small[1].name}_R1.fastq.gz", "rt") as h1, \
            gzip.open(tmp_path / "fastq" / f"{small[1].name}_R2.fastq.gz", "rt") as h2:
        one, two = h1.read().splitlines(), h2.read().splitlines()
    assert len(one) == len(two) == 4 * out["read_pairs"]
    assert all(name_form.match(line) for line in one[::4])
    assert one[::4] == two[::4]
    assert {len(line) for line in one[1::4]} == {mrd.READ_LENGTH}
    assert out["lost_to_hopping"] == pytest.approx(0.2 * (out["read_pairs"] + out["lost_to_hopping"]), rel=0.2)
    hopped = tmp_path / "hop" / small[0].name / f"{small[1].name}_R1.gz"
    assert hopped.exists() and out["hops"][small[0].name]["pairs"] == out["lost_to_hopping"]
    assert [a["allele"] for a in out["alleles"]] == list(mrd.ALLELES)


# ----------------------------------------------------------------------------------- scoring


def truth_row(sample, role, molecules, level, allele, mutant=1, duplex=1):
    alleles = {"NPM1": ("chr5", 171410539, "C", "CTCTG"), "TKD": ("chr13", 28018505, "C", "A"),
               "ITD": ("chr13", 28034103, "G", "G" + "A" * 30)}
    chrom, pos, ref_base, alt = alleles[allele]
    return {"sample": sample, "role": role, "molecules": str(molecules), "level": f"{level:g}", "allele": allele,
            "chrom": chrom, "pos": str(pos), "ref": ref_base, "alt": alt, "mutant_molecules": str(mutant),
            "duplex_mutant_molecules": str(duplex)}


def mrd_row(sample, allele, status, lod="0.0003", **extra):
    row = {"sample": sample, "mrd_status": status, "lod_vaf": lod, "alt_count": "2", "count_unit": "molecules"}
    t = truth_row(sample, "", 0, 0, allele)
    row.update({k: t[k] for k in ("chrom", "pos", "ref", "alt")})
    row.update({"gene": "NPM1" if allele == "NPM1" else "FLT3", "type": "ITD" if allele == "ITD" else ""})
    row.update(extra)
    return row


def test_scoring_counts_detections_per_group_and_false_ones_in_negatives():
    truth = [truth_row("B", "baseline", 3000, 0.4, a, 1200, 900) for a in mrd.ALLELES]
    truth += [truth_row(f"N{i}", "follow-up", 10_000, 0.0, a, 0, 0) for i in range(2) for a in mrd.ALLELES]
    truth += [truth_row(f"L{i}", "follow-up", 10_000, 1e-3, a, 10, 8) for i in range(2) for a in mrd.ALLELES]
    rows = [mrd_row("B", a, "detected") for a in mrd.ALLELES]
    rows += [mrd_row("N0", a, "not detected") for a in mrd.ALLELES]
    rows += [mrd_row("N1", "NPM1", "not detected"), mrd_row("N1", "TKD", "detected below LOQ"),
             mrd_row("N1", "ITD", "no-call", lod="0.02")]
    # The ITD placed elsewhere by the caller still matches by gene, type and length.
    rows += [mrd_row("L0", "NPM1", "detected"), mrd_row("L0", "TKD", "not detected"),
             {**mrd_row("L0", "ITD", "detected"), "pos": "28034090", "alt": "G" + "C" * 30, "length": "30"}]
    rows += [mrd_row("L1", "NPM1", "detected"), mrd_row("L1", "TKD", "detected")]  # L1's ITD: no row
    summary = mrd.summarise({"umi_background": mrd.score_arm(truth, rows)})
    groups = {(g["level"], g["allele"]): g for g in summary["groups"]}
    assert (groups[(1e-3, "NPM1")]["detected"], groups[(1e-3, "NPM1")]["n"]) == (2, 2)
    assert groups[(1e-3, "TKD")]["detected"] == 1
    assert groups[(1e-3, "ITD")]["detected"] == 1 and groups[(1e-3, "ITD")]["untracked"] == 1
    assert groups[(0.0, "ITD")]["no_call"] == 1 and groups[(0.0, "TKD")]["detected"] == 1
    assert groups[(1e-3, "NPM1")]["with_duplex_mutant"] == 2
    arm = summary["arms"]["umi_background"]
    assert arm["negative_samples"] == 2 and arm["negative_samples_with_false_detection"] == 1
    assert arm["false_detections"] == 1 and arm["false_detection_list"][0].startswith("N1 TKD")
    assert arm["baselines_detected"] == 3
    met = summary["targets"]["umi_background"]
    assert met["no_false_detection"] is False and met["detects_1e-3_at_10000"] is False
    table = report.mrd_tables({**summary, "samples": 5, "parameters": _parameters()})
    assert "| 10,000 | 0.001 | ITD | 1/2 (1 untracked) |" in table
    assert "1/2 | 1/6 |" in table


def _parameters():
    return mrd.parameters(7, "small", mrd.HOPPING_RATE)
