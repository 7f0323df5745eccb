"""MRD follow-up logic: limits of detection, statuses, baselines, and the report's version parsing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from npm1_flt3.mrd import MrdSettings, allele_label, mrd_rows
from npm1_flt3.report import tool_version
from npm1_flt3.samples import Sample
from npm1_flt3.stats import detection_limit

ALLELE = {"gene": "NPM1", "type": "INS", "length": "4", "hgvs_c": "NM_002520.7:c.860_863dup",
          "hgvs_p": "p.(Trp288CysfsTer12)", "npm1_type": "A", "chrom": "chr5", "pos": "171410539",
          "ref": "C", "alt": "CTCTG", "method": "junction k-mers"}


def measured(sample, alt, depth):
    return {"sample": sample, **ALLELE, "alt_reads": str(alt), "depth": str(depth),
            "vaf": str(alt / depth) if depth else "", "vaf_ci_low": "", "vaf_ci_high": ""}


def followed(*samples: tuple[str, str, int | None]) -> dict[str, Sample]:
    """One followed patient's samples (name, timepoint, day); the first one given is the baseline."""
    baseline = samples[0][0]
    return {name: Sample(sample=name, patient="P1", timepoint=timepoint, day=day, assay="capture", units=(),
                         role="baseline" if name == baseline else "follow-up", baseline=baseline, followed=True)
            for name, timepoint, day in samples}


def test_the_limit_of_detection_follows_the_binomial():
    assert detection_limit(1000, 1) == pytest.approx(1 - 0.05 ** (1 / 1000), rel=1e-6)  # 'rule of three'
    assert detection_limit(1000, 2) == pytest.approx(0.00473, abs=2e-5)
    assert detection_limit(3000, 2) < detection_limit(1000, 2)
    assert detection_limit(0, 2) is None and detection_limit(1, 2) is None


def test_the_rows_follow_the_baseline_alleles_through_the_patients_samples_in_time_order():
    # A pre-diagnosis screen at day -20 comes first in time; the diagnosis is still the baseline.
    samples = followed(("D", "diagnosis", 0), ("M", "remission", 30), ("S", "screen", -20))
    track = {s: [measured(s, 10, 500)] for s in "SDM"}
    rows = mrd_rows(track, samples, MrdSettings())
    assert [(r["sample"], r["role"]) for r in rows] == [("S", "follow-up"), ("D", "baseline"), ("M", "follow-up")]
    assert {r["baseline_vaf"] for r in rows} == {0.02}


def test_status_detected_not_detected_and_no_call():
    samples = followed(("D", "diagnosis", 0), ("A", "a", 10), ("B", "b", 20), ("C", "c", 30))
    track = {"D": [measured("D", 200, 500)], "A": [measured("A", 3, 3000)],
             "B": [measured("B", 1, 3000)], "C": [measured("C", 0, 50)]}
    rows = {r["sample"]: r for r in mrd_rows(track, samples, MrdSettings(min_alt_reads=2, max_lod=0.01))}
    assert [rows[s]["mrd_status"] for s in "DABC"] == ["detected", "detected", "not detected", "no-call"]
    assert rows["A"]["log10_reduction"] == pytest.approx(2.6, abs=0.01)  # 40% -> 0.1%
    assert rows["B"]["min_log10_reduction"] == pytest.approx(2.4, abs=0.01)  # 40% -> below LOD 0.16%
    assert rows["C"]["lod_vaf"] > 0.01  # 50 fragments cannot exclude 1%
    assert [r["sample"] for r in mrd_rows(track, samples, MrdSettings())] == ["D", "A", "B", "C"]


def test_a_follow_up_without_its_measurement_is_an_error_not_a_gap():
    samples = followed(("D", "diagnosis", 0), ("A", "a", 10))
    with pytest.raises(ValueError, match="no MRD measurement .* in sample A; re-run 'npm1-flt3 track'"):
        mrd_rows({"D": [measured("D", 200, 500)]}, samples, MrdSettings())


def test_the_mrd_command_reads_the_followed_samples_and_their_track_tables_from_the_manifest(tmp_path, monkeypatch):
    from npm1_flt3.cli import main
    from npm1_flt3.samples import build_samples, write_manifest
    from npm1_flt3.sheet import Unit
    from npm1_flt3.track import TRACK_COLUMNS

    monkeypatch.chdir(tmp_path)  # the manifest's paths are relative to the working folder
    rows = [("R", "P1", "relapse", 90), ("D", "P1", "diagnosis", 0), ("X", "P2", "diagnosis", None)]
    units = [Unit(sample=name, unit="L1", fq1=Path(f"/data/{name}.fq.gz"), fq2=None, patient=patient,
                  timepoint=timepoint, assay="capture", line=0, day=day) for name, patient, timepoint, day in rows]
    write_manifest(build_samples(units), Path("manifest.tsv"))
    Path("results/mrd").mkdir(parents=True)
    for sample, alt in (("D", 200), ("R", 3)):  # X's patient is not followed: no track table
        row = measured(sample, alt, 3000)
        Path(f"results/mrd/{sample}.track.tsv").write_text(
            "\t".join(TRACK_COLUMNS) + "\n" + "\t".join(row[c] for c in TRACK_COLUMNS) + "\n")
    assert main(["mrd", "--manifest", "manifest.tsv", "--out", "mrd.tsv", "--plots-dir", "plots"]) == 0
    with open("mrd.tsv") as handle:
        table = list(csv.DictReader(handle, delimiter="\t"))
    assert [(r["sample"], r["role"], r["mrd_status"]) for r in table] == \
        [("D", "baseline", "detected"), ("R", "follow-up", "detected")]
    assert sorted(p.name for p in Path("plots").iterdir()) == ["P1.trajectory.svg"]


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
