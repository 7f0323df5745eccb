"""QC verdict: pass, warn or fail, each with its reason and the threshold it missed."""

from __future__ import annotations

import pytest

from npm1_flt3.qc import QcThresholds, ReadStats, qc_findings, read_samtools_stats, verdict

THRESHOLDS = QcThresholds(min_reads=2000, min_mapped_fraction=0.9, max_duplicate_fraction=0.5)


def hotspots(low=()):
    roles = {"NPM1_exon12": "npm1", "FLT3_exon14": "flt3_itd", "FLT3_D835_I836": "flt3_tkd",
             "NPM1_exon9": "coverage"}
    return [{"hotspot": name, "role": role, "min_depth": "20" if name in low else "600",
             "required_depth": "100", "covered": "no" if name in low else "yes"} for name, role in roles.items()]


def check(stats=ReadStats(50_000, 49_500, 5_000), low=(), assay="capture"):
    findings = qc_findings(hotspots(low), stats, assay, THRESHOLDS)
    return verdict(findings), [f.reason for f in findings]


def test_a_good_sample_passes_with_no_reason():
    assert check() == ("pass", [])


def test_few_reads_fail():
    assert check(ReadStats(700, 700, 10)) == ("fail", ["few reads (700 < 2000)"])


def test_low_mapping_rate_warns():
    assert check(ReadStats(10_000, 8_000, 0)) == ("warn", ["low mapping rate (80.0% < 90.0%)"])


def test_high_duplication_warns_except_for_amplicons():
    assert check(ReadStats(10_000, 10_000, 6_000)) == ("warn", ["high duplication (60.0% > 50.0%)"])
    assert check(ReadStats(10_000, 10_000, 6_000), assay="amplicon") == ("pass", [])


def test_some_hotspots_low_warns_all_low_fails_coverage_only_spots_do_not_count():
    assert check(low=("FLT3_D835_I836",)) == ("warn", ["low depth at FLT3_D835_I836 (20 < 100)"])
    status, reasons = check(low=("NPM1_exon12", "FLT3_exon14", "FLT3_D835_I836"))
    assert status == "fail" and len(reasons) == 3
    assert check(low=("NPM1_exon9",)) == ("pass", [])


def test_every_reason_is_listed_and_the_worst_level_wins():
    status, reasons = check(ReadStats(1_000, 800, 600), low=("FLT3_D835_I836",))
    assert status == "fail"
    assert reasons == ["few reads (1000 < 2000)", "low depth at FLT3_D835_I836 (20 < 100)",
                       "low mapping rate (80.0% < 90.0%)", "high duplication (60.0% > 50.0%)"]


def test_samtools_stats_numbers_are_read_from_the_sn_section(tmp_path):
    report = tmp_path / "S1.stats.txt"
    report.write_text("# comment\nSN\traw total sequences:\t1234\nSN\treads mapped:\t1200\t# note\n"
                      "SN\treads duplicated:\t34\nFFQ\t1\t2\n")
    assert read_samtools_stats(report) == ReadStats(1234, 1200, 34)
    report.write_text("SN\treads mapped:\t1200\n")
    with pytest.raises(ValueError, match="not a samtools stats report"):
        read_samtools_stats(report)
