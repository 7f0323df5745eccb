"""The sample model (npm1_flt3/samples.py): each patient's baseline and follow-ups, decided once,
and the manifest and MultiQC file list the aggregate steps read instead of the sheet."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from npm1_flt3 import layout
from npm1_flt3.cli import main
from npm1_flt3.samples import (
    MANIFEST_COLUMNS, ManifestError, build_samples, followed_patients, manifest_rows, multiqc_files,
    read_manifest, write_manifest, write_multiqc_file_list,
)
from npm1_flt3.sheet import Unit


def unit(sample, patient=None, timepoint="", day=None, name="L1", bam=False, assay="capture") -> Unit:
    reads = Path(f"/data/{sample}_{name}")
    return Unit(sample=sample, unit=name, fq1=None if bam else reads.with_suffix(".fq.gz"), fq2=None,
                patient=patient or sample, timepoint=timepoint, assay=assay, line=0,
                bam=reads.with_suffix(".bam") if bam else None, day=day)


def roles(units) -> dict[str, tuple[str, str]]:
    return {name: (s.role, s.baseline) for name, s in build_samples(units).items()}


# --- role and baseline ----------------------------------------------------------------------------


def test_the_diagnosis_sample_is_the_baseline_even_when_an_earlier_sample_exists():
    # A pre-diagnosis screen at day -20: MRD follows the diagnosis alleles, ELN classifies diagnosis.
    units = [unit("S", "P1", "screen", -20), unit("D", "P1", "Diagnosis", 0), unit("M", "P1", "remission", 30)]
    assert roles(units) == {"S": ("follow-up", "D"), "D": ("baseline", "D"), "M": ("follow-up", "D")}


def test_without_a_diagnosis_the_earliest_day_is_the_baseline():
    units = [unit("R", "P1", "relapse", 200), unit("A", "P1", "screen", 5), unit("M", "P1", "remission", 30)]
    assert roles(units) == {"R": ("follow-up", "A"), "A": ("baseline", "A"), "M": ("follow-up", "A")}


def test_without_a_diagnosis_or_days_the_first_sample_in_the_sheet_is_the_baseline():
    units = [unit("X", "P1", "remission"), unit("Y", "P1", "relapse")]
    assert roles(units) == {"X": ("baseline", "X"), "Y": ("follow-up", "X")}


def test_a_single_sample_patient_is_its_own_baseline_and_not_followed():
    sample = build_samples([unit("S1", "P9", "relapse", 40)])["S1"]
    assert (sample.role, sample.baseline, sample.followed) == ("baseline", "S1", False)
    assert followed_patients({"S1": sample}) == {}


def test_samples_keep_sheet_order_and_every_unit_of_the_sample():
    units = [unit("B", name="L1"), unit("A"), unit("B", name="L2")]
    samples = build_samples(units)
    assert list(samples) == ["B", "A"]
    assert [u.unit for u in samples["B"].units] == ["L1", "L2"]
    assert (samples["B"].patient, samples["B"].assay, samples["B"].day) == ("B", "capture", None)


def test_followed_patients_list_their_samples_by_day_whatever_the_sheet_order():
    units = [unit("R", "P1", "relapse", 200), unit("D", "P1", "diagnosis", 0), unit("M", "P1", "remission", 30),
             unit("X", "P2", "diagnosis")]
    samples = build_samples(units)
    assert followed_patients(samples) == {"P1": ["D", "M", "R"]}
    assert [samples[s].followed for s in "RDMX"] == [True, True, True, False]


# --- the manifest ---------------------------------------------------------------------------------


def two_patients():
    return build_samples([unit("D", "P1", "diagnosis", 0), unit("R", "P1", "relapse", 90, name="L1"),
                          unit("R", "P1", "relapse", 90, name="L2"), unit("S", assay="amplicon")])


def test_the_manifest_reads_back_the_samples_written_without_their_units(tmp_path):
    samples = two_patients()
    write_manifest(samples, tmp_path / "manifest.tsv")
    assert read_manifest(tmp_path / "manifest.tsv") == {name: replace(s, units=()) for name, s in samples.items()}
    assert list(read_manifest(tmp_path / "manifest.tsv")) == ["D", "R", "S"]


def test_the_manifest_names_each_samples_files_where_the_workflow_writes_them(tmp_path):
    write_manifest(two_patients(), tmp_path / "manifest.tsv")
    lines = (tmp_path / "manifest.tsv").read_text().splitlines()
    assert lines[0].split("\t") == list(MANIFEST_COLUMNS)
    assert lines[2].split("\t")[:9] == ["R", "P1", "relapse", "90", "capture", "2", "follow-up", "D", "yes"]
    files = {sample.sample: files for sample, files in manifest_rows(tmp_path / "manifest.tsv")}
    assert files["R"].vcf == Path(layout.SAMPLE_VCF.format(sample="R"))
    assert files["R"].hotspots == Path(layout.SAMPLE_HOTSPOTS.format(sample="R"))
    assert files["R"].samtools_stats == Path(layout.SAMPLE_STATS.format(sample="R"))
    assert files["R"].track == Path(layout.SAMPLE_TRACK.format(sample="R"))
    assert files["S"].track is None  # a single-sample patient has no MRD follow-up


def test_a_manifest_with_a_wrong_header_names_the_file_and_how_to_write_it_again(tmp_path):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("sample\tvcf\nS1\tresults/calls/S1.vcf.gz\n")
    named = re.escape(str(manifest))
    with pytest.raises(ManifestError, match=rf"{named}: not a sample manifest .*`npm1-flt3 manifest"):
        read_manifest(manifest)
    manifest.write_text("")
    with pytest.raises(ManifestError, match=rf"{named}: .*header: none"):
        read_manifest(manifest)


def test_a_missing_manifest_says_how_to_write_it(tmp_path):
    with pytest.raises(ManifestError, match="manifest not found; write it again with `npm1-flt3 manifest"):
        read_manifest(tmp_path / "manifest.tsv")


def test_a_failed_write_leaves_the_previous_manifest_and_no_temporary_file(tmp_path):
    manifest = tmp_path / "manifest.tsv"
    write_manifest(two_patients(), manifest)
    before = manifest.read_bytes()
    broken = {**two_patients(), "X": object()}  # fails after the header and three rows are written
    with pytest.raises(AttributeError):
        write_manifest(broken, manifest)
    assert manifest.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.tsv"]
    with pytest.raises(AttributeError):
        write_manifest(broken, tmp_path / "new" / "manifest.tsv")
    assert list((tmp_path / "new").iterdir()) == []


# --- MultiQC's file list --------------------------------------------------------------------------


def test_the_multiqc_list_skips_fastp_for_bam_units_and_keeps_the_order(tmp_path):
    units = [unit("A", name="L1"), unit("B", bam=True), unit("A", name="L2")]
    write_multiqc_file_list(build_samples(units), units, tmp_path / "multiqc_inputs.txt")
    listed = (tmp_path / "multiqc_inputs.txt").read_text().splitlines()
    reports = len(layout.NPM1_FLT3_REPORT_FILES)
    assert listed[:reports] == list(layout.NPM1_FLT3_REPORT_FILES)
    assert listed[reports:reports + 2] == ["results/qc/fastp/A/L1.fastp.json", "results/qc/fastp/A/L2.fastp.json"]
    per_sample = listed[reports + 2:]
    assert per_sample == [p.format(sample=s) for s in "AB" for p in layout.SAMPLE_QC_REPORTS]
    assert per_sample[:3] == ["results/qc/samtools/A.stats.txt", "results/qc/samtools/A.flagstat.txt",
                              "results/qc/samtools/A.idxstats.txt"]
    assert listed == multiqc_files(build_samples(units), units)


# --- the command ----------------------------------------------------------------------------------


def test_the_manifest_command_writes_both_files_from_a_checked_sheet(tmp_path):
    for name in ("d.fq.gz", "r.fq.gz"):
        (tmp_path / name).write_bytes(b"")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text("sample\tunit\tfq1\tfq2\tpatient\ttimepoint\tday\n"
                     "D\tL1\td.fq.gz\t\tP1\tdiagnosis\t0\nR\tL1\tr.fq.gz\t\tP1\trelapse\t90\n")
    out = tmp_path / "results"
    assert main(["manifest", "--sheet", str(sheet), "--manifest", str(out / "manifest.tsv"),
                 "--multiqc-list", str(out / "multiqc_inputs.txt")]) == 0
    samples = read_manifest(out / "manifest.tsv")
    assert [(s.sample, s.role, s.day, s.followed) for s in samples.values()] == \
        [("D", "baseline", 0, True), ("R", "follow-up", 90, True)]
    assert "results/qc/fastp/R/L1.fastp.json" in (out / "multiqc_inputs.txt").read_text().splitlines()


def test_the_manifest_command_lists_the_sheets_problems_and_writes_nothing(tmp_path, capsys):
    sheet = tmp_path / "samples.tsv"
    sheet.write_text("sample\tunit\tfq1\tfq2\nS1\tL1\tmissing.fq.gz\t\n")
    assert main(["manifest", "--sheet", str(sheet), "--manifest", str(tmp_path / "m.tsv"),
                 "--multiqc-list", str(tmp_path / "l.txt")]) == 1
    assert "missing.fq.gz does not exist" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.tsv"]
