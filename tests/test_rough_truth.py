"""The rough set's realised truth (benchmarks/rough.py): fragment spans from ART's SAM output, the
points a fragment must cover, and reads identical to benchmarks.simulation's."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from benchmarks import rough
from benchmarks import simulation as simulate
from benchmarks.simulation import Planted, Region, Sample
from npm1_flt3.variants import Variant


def _revcomp(seq: str) -> str:
    return seq.translate(str.maketrans("ACGTN", "TGCAN"))[::-1]


def test_sam_fragment_spans(tmp_path):
    sam = tmp_path / "x.sam"
    sam.write_text("@HD\tVN:1.4\n"
                   "p1\t99\thap\t43\t99\t75=\t=\t204\t236\tA\tE\n"
                   "p1\t147\thap\t204\t99\t70=2D5=\t=\t43\t-236\tA\tE\n"
                   "p2\t83\thap\t1004\t99\t10=1I64=\t=\t853\t-226\tA\tE\n"
                   "p2\t163\thap\t853\t99\t75=\t=\t1004\t226\tA\tE\n")
    assert rough.sam_fragment_spans(sam) == {"p1": (42, 42 + 236 + 2 - 1), "p2": (852, 1076)}


def test_points_and_counts():
    region = Region("chr13", 1001, 2000)
    itd = Planted("FLT3", "ITD", "ITD", Variant("chr13", 1101, "A", "A" + "C" * 30), 0.4)
    snv = Planted("FLT3", "TKD", "SNV", Variant("chr13", 1501, "C", "A"), 0.1)
    assert rough.variant_points(itd, region, []) == (100, 101)
    assert rough.variant_points(snv, region, []) == (500, 500)
    assert rough.variant_points(snv, region, [itd]) == (530, 530)  # on the ITD's haplotype
    assert rough.variant_points(itd, region, [snv]) == (100, 101)
    wild = [(0, 199), (90, 100), (101, 300), (100, 101), (450, 650)]  # covers ITD: 1st, 4th; SNV: 5th
    on_itd = [(50, 250), (480, 700)]  # ITD point: 1st; SNV (at 530 here): 2nd
    on_snv = [(0, 600), (501, 700)]  # both points: 1st
    assert rough.realised_counts([itd, snv], region, [wild, on_itd, on_snv]) == [(1, 4), (1, 3)]


def test_simulate_with_truth_reads_are_simulate_sample_reads(reference, tmp_path):
    """Same seeds, same reads in the same order as benchmarks.simulation (the -sam output changes
    nothing), and the spans point at where each read sits on its haplotype."""
    from conftest import EXONS
    from benchmarks import truthsets
    if shutil.which("art_illumina") is None:  # as tests/bwa_sim.py: fail, never skip
        pytest.fail("art_illumina not on PATH; run bash scripts/install.sh")
    itd = truthsets.make_itd(random.Random(3), 60, 0, reference.fetch)
    region = next(r for r in simulate.capture_regions(EXONS) if r.chrom == "chr13" and r.start < itd.pos < r.end)
    sample = Sample("t1", "t1", "capture", True, depth=200.0,
                    planted=(Planted("FLT3", "ITD", "ITD", itd, 0.4),),
                    sequencing=rough.SEQUENCING[75], regions=(region,))
    expected = simulate.simulate_sample(sample, reference, Path(EXONS), 11, 1.0)
    reads, realised = rough.simulate_with_truth(sample, reference, Path(EXONS), 11, 1.0)
    assert reads.records == expected.records
    (own, total), = realised
    assert 0 < own < total and abs(own / total - 0.4) < 0.15

    # Spans: read 1 or its reverse complement sits at one end of its fragment (up to ART's errors).
    haplotype = simulate.haplotypes(region, sample.planted, reference.fetch)[1][0]
    options = simulate.art_arguments(sample, len(haplotype), 200.0, 0.4, 1.0)
    records, spans = rough.run_art_fragments(haplotype, options, 5, tmp_path)
    assert len(records) == len(spans) > 50
    placed = 0
    for (s1, _, s2, _), (start, end) in zip(records, spans):
        left, right = haplotype[start:start + len(s1)], haplotype[end + 1 - len(s2):end + 1]
        forward = sum(a != b for a, b in zip(s1, left)) + sum(a != b for a, b in zip(_revcomp(s2), right))
        reverse = sum(a != b for a, b in zip(s2, left)) + sum(a != b for a, b in zip(_revcomp(s1), right))
        placed += min(forward, reverse) <= 6
    assert placed >= 0.95 * len(records)


def test_itd_vaf_error_against_realised_and_nominal():
    from benchmarks.runner import itd_vaf_error
    from benchmarks.score import Call, Match, TrueVariant

    def match(length, nominal, realised, called):
        truth = TrueVariant("s", "ITD", "chr13", 28034000, length, nominal, "A", realised)
        return Match(truth, None if called is None else Call("npm1-flt3", "s", "ITD", 28034000, length, called))

    itds = [match(21, 0.4, 0.38, 0.37), match(6, 0.05, 0.055, 0.05), match(15, 0.4, 0.42, None),
            match(240, 0.4, 0.41, 0.45)]
    result = itd_vaf_error(itds, 150)
    assert result["1-30"] == {"n": 3, "found": 2, "median": 0.015, "max": 0.03, "median_realised": 0.0075,
                              "max_realised": 0.01, "median_realised_vs_nominal": 0.02,
                              "within_2x_read_length": True}
    assert result["151-300"]["median_realised"] == 0.04 and not result["151-300"]["within_2x_read_length"]


def test_rough_tables_show_realised_and_nominal():
    from benchmarks.report import rough_tables
    entry = {"n": 6, "found": 6, "median": 0.021, "max": 0.05, "median_realised": 0.012, "max_realised": 0.03,
             "median_realised_vs_nominal": 0.015, "within_2x_read_length": True}
    data = {"bins": {}, "false_positives_in_controls": 0, "false_positives": 0, "controls": 4,
            "status": {"agree": 84, "total": 84}, "workflow_wall_s": 40.0, "itd_vaf_error": {"1-30": entry},
            "false_positive_calls": []}
    result = {"samples": 28, "batches": {"75": {"samples": 28, "variants": {"current": data}}},
              "variants": ["current"], "artefacts": {"oxog_rate": 3e-4, "pcr_duplicate_fraction": 0.15,
                                                     "index_hopping_rate": 0.005}}
    text = rough_tables(result)
    assert "| 2x75 | current | **0.012** / 0.021 (max 0.030 / 0.050; 6/6) |" in text
    assert "realised" in text
