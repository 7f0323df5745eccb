"""MRD follow-up logic: limits of detection, statuses, baselines, and the report's version parsing."""

from __future__ import annotations

import pytest

from npm1_flt3.mrd import MrdSettings, allele_label, followed_patients, mrd_rows
from npm1_flt3.report import tool_version
from npm1_flt3.stats import detection_limit

ALLELE = {"gene": "NPM1", "type": "INS", "length": "4", "hgvs_c": "NM_002520.7:c.860_863dup",
          "hgvs_p": "p.(Trp288CysfsTer12)", "npm1_type": "A", "chrom": "chr5", "pos": "171410539",
          "ref": "C", "alt": "CTCTG", "method": "junction k-mers"}


def measured(sample, alt, depth):
    return {"sample": sample, **ALLELE, "alt_reads": str(alt), "depth": str(depth),
            "vaf": str(alt / depth) if depth else "", "vaf_ci_low": "", "vaf_ci_high": ""}


def meta(patient, timepoint, day, role="follow-up"):
    return {"patient": patient, "timepoint": timepoint, "day": day, "role": role, "assay": "capture"}


def test_the_limit_of_detection_follows_the_binomial():
    assert detection_limit(1000, 1) == pytest.approx(1 - 0.05 ** (1 / 1000), rel=1e-6)  # 'rule of three'
    assert detection_limit(1000, 2) == pytest.approx(0.00473, abs=2e-5)
    assert detection_limit(3000, 2) < detection_limit(1000, 2)
    assert detection_limit(0, 2) is None and detection_limit(1, 2) is None


def test_baseline_is_the_earliest_day_whatever_the_sheet_order():
    metadata = {"R": meta("P1", "relapse", 200), "D": meta("P1", "diagnosis", 0),
                "M": meta("P1", "remission", 30), "X": meta("P2", "diagnosis", None)}
    assert followed_patients(metadata) == {"P1": ["D", "M", "R"]}


def test_the_diagnosis_sample_is_the_baseline_even_when_an_earlier_sample_exists(tmp_path):
    # A pre-diagnosis screen at day -20: MRD follows the diagnosis alleles, ELN classifies diagnosis.
    from npm1_flt3.cohort import read_metadata

    sheet = tmp_path / "samples.tsv"
    sheet.write_text("sample\tunit\tfq1\tfq2\tpatient\ttimepoint\tday\n"
                     "S\tL1\ta\t\tP1\tscreen\t-20\nD\tL1\tb\t\tP1\tdiagnosis\t0\n"
                     "M\tL1\tc\t\tP1\tremission\t30\nX\tL1\td\t\tP2\trelapse\t\n")
    metadata = read_metadata(sheet)
    assert {s: m["role"] for s, m in metadata.items()} == \
        {"S": "follow-up", "D": "baseline", "M": "follow-up", "X": "baseline"}
    track = {s: [measured(s, 10, 500)] for s in "SDM"}
    rows = mrd_rows(track, metadata, MrdSettings())
    assert [(r["sample"], r["role"]) for r in rows] == [("S", "follow-up"), ("D", "baseline"), ("M", "follow-up")]
    assert {r["baseline_vaf"] for r in rows} == {0.02}


def test_status_detected_not_detected_and_no_call():
    metadata = {"D": meta("P1", "diagnosis", 0, "baseline"), "A": meta("P1", "a", 10),
                "B": meta("P1", "b", 20), "C": meta("P1", "c", 30)}
    track = {"D": [measured("D", 200, 500)], "A": [measured("A", 3, 3000)],
             "B": [measured("B", 1, 3000)], "C": [measured("C", 0, 50)]}
    rows = {r["sample"]: r for r in mrd_rows(track, metadata, MrdSettings(min_alt_reads=2, max_lod=0.01))}
    assert [rows[s]["mrd_status"] for s in "DABC"] == ["detected", "detected", "not detected", "no-call"]
    assert rows["A"]["log10_reduction"] == pytest.approx(2.6, abs=0.01)  # 40% -> 0.1%
    assert rows["B"]["min_log10_reduction"] == pytest.approx(2.4, abs=0.01)  # 40% -> below LOD 0.16%
    assert rows["C"]["lod_vaf"] > 0.01  # 50 fragments cannot exclude 1%
    assert [r["sample"] for r in mrd_rows(track, metadata, MrdSettings())] == ["D", "A", "B", "C"]


def test_a_follow_up_without_its_measurement_is_an_error_not_a_gap():
    metadata = {"D": meta("P1", "diagnosis", 0, "baseline"), "A": meta("P1", "a", 10)}
    with pytest.raises(ValueError, match="no MRD measurement .* in sample A; re-run 'npm1-flt3 track'"):
        mrd_rows({"D": [measured("D", 200, 500)]}, metadata, MrdSettings())


def test_alleles_are_labelled_as_a_clinician_names_them():
    assert allele_label(ALLELE) == "NPM1 type A (c.860_863dup)"
    itd = {**ALLELE, "gene": "FLT3", "type": "ITD", "length": "30", "hgvs_c": "NM_004119.3:c.1771_1800dup",
           "npm1_type": ""}
    assert allele_label(itd) == "FLT3-ITD 30 bp (c.1771_1800dup)"
    tkd = {**itd, "type": "SNV", "hgvs_p": "p.(Asp835Tyr)"}
    assert allele_label(tkd) == "FLT3 p.(Asp835Tyr)"


@pytest.mark.parametrize("tool, text, version", [
    ("fastp", "fastp 0.23.2\n", "0.23.2"),
    ("bwa", "Version: 0.7.17-r1188\n", "0.7.17-r1188"),
    ("samtools", "samtools 1.16.1\nUsing htslib 1.16\n", "1.16.1"),
    ("mosdepth", "mosdepth 0.3.3\n", "0.3.3"),
])
def test_tool_versions_are_read_from_what_each_tool_prints(tool, text, version):
    assert tool_version(tool, text) == version


def test_an_unreadable_version_is_an_error():
    with pytest.raises(ValueError, match="cannot read the fastp version"):
        tool_version("fastp", "command not found")
