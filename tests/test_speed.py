"""Speed benchmark (benchmarks/speed.py) and its RESULTS.md table: arithmetic, aggregation, parsing.

No timing is asserted here: speed and memory are measured by the benchmark only.
"""

from __future__ import annotations

import pytest

from benchmarks import report, speed
from npm1_flt3.reference import GenomeReference
from tests.conftest import REFERENCE


def test_art_fold_gives_the_wanted_pairs():
    # ART draws length * f / (2 * read length) pairs: 32,434 at f=100 over 97,303 bp (2x150).
    assert round(97303 * speed.art_fold(32434, 97303) / 300) == 32434
    assert speed.art_fold(1_000_000, 121088) == pytest.approx(2477.5, abs=0.1)


def test_subsample_fraction():
    assert speed.subsample_fraction(250_000, 1_000_000) == 0.25
    assert speed.subsample_fraction(1_000_000, 1_000_000) == 1.0
    with pytest.raises(ValueError):
        speed.subsample_fraction(2_000_000, 1_000_000)


def test_contig_regions_and_planted_variants_of_the_shared_reference():
    regions = speed.contig_regions(REFERENCE)
    assert [(r.chrom, r.start, r.end) for r in regions] == [
        ("chr5", 171387116, 171410900), ("chr13", 28003274, 28100576)]
    genome = GenomeReference(REFERENCE)
    try:
        planted = speed.planted_variants(genome.fetch)
    finally:
        genome.close()
    assert [(p.gene, p.kind, p.variant.length) for p in planted] == [("NPM1", "INS", 4), ("FLT3", "ITD", 60)]
    assert speed.planted_labels(planted) == ["NPM1 type A 4 bp at 10%", "FLT3 ITD 60 bp at 30%"]


def test_bam_parameters_change_with_what_changes_the_bams(tmp_path):
    genome = GenomeReference(REFERENCE)
    try:
        planted = speed.planted_variants(genome.fetch)
    finally:
        genome.close()
    base = speed.bam_parameters([1_000_000, 250_000], 7, REFERENCE, planted)
    assert base == speed.bam_parameters([250_000, 1_000_000], 7, REFERENCE, planted)
    assert base != speed.bam_parameters([250_000, 1_000_000], 8, REFERENCE, planted)
    assert base != speed.bam_parameters([250_000], 7, REFERENCE, planted)
    assert base != speed.bam_parameters([250_000, 1_000_000], 7, REFERENCE, planted[:1])


def test_summarise_runs_takes_medians():
    summary = speed.summarise_runs([(1.2, 40.0), (0.9, 41.0), (1.0, 39.5)])
    assert summary["wall_s"] == 1.0
    assert summary["max_rss_mb"] == 40.0
    assert summary["runs"] == [[1.2, 40.0], [0.9, 41.0], [1.0, 39.5]]
    # GNU time missing: wall clock only, no memory.
    assert speed.summarise_runs([(0.5, None), (0.7, None)])["max_rss_mb"] is None
    assert speed.summarise_runs([]) == {"wall_s": None, "max_rss_mb": None, "runs": []}


def test_memory_flatness():
    flat = speed.memory_flatness({250_000: 35.0, 1_000_000: 37.0})
    assert flat["flat"] is True and flat["ratio"] == pytest.approx(1.057, abs=0.001)
    assert (flat["from_pairs"], flat["to_pairs"]) == (250_000, 1_000_000)
    assert speed.memory_flatness({250_000: 35.0, 1_000_000: 140.0})["flat"] is False
    assert speed.memory_flatness({250_000: 35.0, 1_000_000: None})["flat"] is None


def _bam(pairs, ours, theirs=None):
    tools = {speed.OURS: {"wall_s": ours, "max_rss_mb": 36.0}}
    if theirs is not None:
        tools[speed.SCANITD] = {"wall_s": theirs, "max_rss_mb": 60.0}
    return {"pairs": pairs, "read_pairs": pairs - 100, "tools": tools,
            "hotspot_depth": {"NPM1_exon12": {"min": pairs // 400, "mean": 1.0},
                              "FLT3_exon14": {"min": pairs // 420, "mean": 1.0}}}


def test_targets_met():
    flat = speed.memory_flatness({250_000: 35.0, 1_000_000: 37.0})
    met = speed.targets_met([_bam(250_000, 0.3, 0.7), _bam(1_000_000, 0.9, 2.9)], flat)
    assert met == {"caller_wall_s_at_1M": 0.9, "caller_le_2s_at_1M": True,
                   "faster_than_scanitd": True, "memory_flat": True}
    slow = speed.targets_met([_bam(250_000, 0.8, 0.7), _bam(1_000_000, 2.5, 2.9)], flat)
    assert slow["caller_le_2s_at_1M"] is False and slow["faster_than_scanitd"] is False
    alone = speed.targets_met([_bam(250_000, 0.3)], flat)
    assert alone["caller_le_2s_at_1M"] is None and alone["faster_than_scanitd"] is None


def test_hotspot_depths_and_vcf_calls(tmp_path):
    table = tmp_path / "speed.hotspots.tsv"
    table.write_text(
        "sample\thotspot\tgene\tchrom\tstart\tend\trole\tmin_depth\tmean_depth\trequired_depth\tcovered\n"
        "speed\tNPM1_exon12\tNPM1\tchr5\t171410527\t171410565\tnpm1\t2434\t2458.4\t100\tyes\n")
    assert speed.hotspot_depths(table) == {"NPM1_exon12": {"min": 2434, "mean": 2458.4}}
    vcf = tmp_path / "speed.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tspeed\n"
                   "chr13\t28034099\t.\tC\tCTT\t.\tPASS\tGENE=FLT3;VARTYPE=ITD;VARLEN=60;ITD_AR=0.44\t"
                   "GT:AD:DP:AF:AFCI\t0/1:1600,700:2300:0.3066:0.29,0.32\n")
    assert speed.our_vcf_calls(vcf) == ["FLT3 ITD 60 AF 0.3066 PASS"]


def _data(with_scanitd=True):
    bams = [_bam(1_000_000, 0.85, 2.91 if with_scanitd else None),
            _bam(250_000, 0.28, 0.66 if with_scanitd else None)]
    flat = speed.memory_flatness({b["pairs"]: b["tools"][speed.OURS]["max_rss_mb"] for b in bams})
    return {"bams": bams, "memory_flat": flat, "targets_met": speed.targets_met(bams, flat),
            "targets": {"max_wall_s": 2.0, "at_pairs": 1_000_000, "flat_ratio": 1.25},
            "repeats": 3, "prepare_s": 120.0, "timing_s": 15.0, "total_s": 135.0,
            "simulation": {"planted_labels": ["NPM1 type A 4 bp at 10%", "FLT3 ITD 60 bp at 30%"],
                           "planted": []}}


def test_speed_table():
    table = report.speed_table(_data())
    assert table.startswith("### Speed and memory\n")
    rows = [line for line in table.splitlines() if line.startswith("| 2")]
    assert rows == ["| 250,000 | 499,800 | 625 / 595 | 0.28 | 36.0 | 0.66 | 60.0 |"]
    assert "| 1,000,000 | 1,999,800 | 2500 / 2380 | 0.85 | 36.0 | 2.91 | 60.0 |" in table
    assert "ScanITD s" in table and "faster than ScanITD on every BAM: yes" in table
    assert "(0.85 s)" in table and "memory flat" in table and "= 1.0," in table


def test_speed_table_without_scanitd():
    table = report.speed_table(_data(with_scanitd=False))
    assert "ScanITD s" not in table
    assert "faster than ScanITD on every BAM: n/a" in table


def test_results_md_includes_the_speed_table(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    out = tmp_path / "RESULTS.md"
    report.write_results_md(results, out, [], total_minutes=1.0)
    assert "### Speed and memory" not in out.read_text()
    report.write_json(results / "speed.json", _data())
    report.write_results_md(results, out, [], total_minutes=1.0)
    assert "### Speed and memory" in out.read_text()
