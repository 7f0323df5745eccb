"""What a haematologist and a lab reviewer read, from one real run of the demo cohort: ELN
components, the cohort summary, the QC verdicts, the MRD follow-up of patient P06 (S06 diagnosis,
S10 remission, S11 relapse) and the NPM1/FLT3 section of the MultiQC report.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest
import yaml


pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): Snakemake runs, a browser

SVG = "{http://www.w3.org/2000/svg}"


def read_tsv(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def cohort(demo_run) -> pd.DataFrame:
    return read_tsv(demo_run / "results/cohort/cohort.tsv").set_index("sample")


@pytest.fixture(scope="module")
def summary(demo_run) -> dict:
    table = read_tsv(demo_run / "results/cohort/cohort_summary.tsv")
    return {(row.section, row.category): row for row in table.itertuples()}


@pytest.fixture(scope="module")
def mrd(demo_run) -> pd.DataFrame:
    return read_tsv(demo_run / "results/cohort/mrd.tsv")


def mrd_row(mrd: pd.DataFrame, sample: str, allele_type: str) -> pd.Series:
    [row] = [r for _, r in mrd.iterrows() if r["sample"] == sample and r["type"] == allele_type]
    return row


# --- ELN components -------------------------------------------------------------------------------

@pytest.mark.parametrize("sample, eln2017, eln2022", [
    ("S01", "favourable", "favourable"),      # NPM1 type A, no ITD
    ("S04", "intermediate", "intermediate"),  # ITD alone, AR 0.25: ELN 2017 low AR
    ("S06", "favourable", "intermediate"),    # NPM1 + ITD with AR < 0.5
    ("S07", "intermediate", "none"),          # neither: ELN 2022 takes nothing from NPM1/FLT3
    ("S08", "no-call", "no-call"),            # too shallow to tell
])
def test_baseline_samples_get_their_eln_components(cohort, sample, eln2017, eln2022):
    row = cohort.loc[sample]
    assert (row.role, row.eln2017_npm1_flt3_component, row.eln2022_npm1_flt3_component) == \
        ("baseline", eln2017, eln2022)


def test_follow_up_samples_get_no_eln_component(cohort):
    for sample in ("S10", "S11"):
        row = cohort.loc[sample]
        assert row.role == "follow-up"
        assert row.eln2017_npm1_flt3_component == row.eln2022_npm1_flt3_component == ""
        assert "follow-up sample" in row.eln_note


def test_itd_allelic_ratio_comes_with_its_interval(cohort):
    row = cohort.loc["S06"]
    ar, low, high = (float(row[c]) for c in ("flt3_itd_total_ar", "flt3_itd_total_ar_ci_low",
                                             "flt3_itd_total_ar_ci_high"))
    assert low < ar < high
    assert ar == pytest.approx(float(row.flt3_itd_vaf) / (1 - float(row.flt3_itd_vaf)), abs=1e-3)
    assert row.flt3_mutated == "yes"


# --- cohort summary -----------------------------------------------------------------------------

def test_summary_counts_each_patient_once(summary):
    assert summary["samples", "patients (baseline samples)"].count == "9"
    assert summary["samples", "follow-up samples"].count == "2"
    types = {c: summary["npm1_type", c].count for c in ("A", "B", "D", "other", "wild-type", "no-call")}
    assert types == {"A": "2", "B": "1", "D": "1", "other": "0", "wild-type": "4", "no-call": "1"}


def test_summary_gives_itd_lengths_and_co_occurrence(summary):
    lengths = {c: summary["flt3_itd_length", c].count for c in ("1-30 bp", "31-60 bp", "61-90 bp")}
    assert lengths == {"1-30 bp": "3", "31-60 bp": "1", "61-90 bp": "0"}  # 21, 21, 30 and 60 bp
    assert summary["co_occurrence", "NPM1 mutated, FLT3-ITD present"].count == "1"
    assert summary["co_occurrence", "NPM1 wild-type, FLT3-ITD present"].count == "3"
    among = summary["co_occurrence", "FLT3-ITD among NPM1-mutated"]
    assert (among.count, among.denominator) == ("1", "4")


# --- QC verdict ---------------------------------------------------------------------------------

def test_qc_verdict_says_why(cohort):
    shallow = cohort.loc["S08"]
    assert shallow.qc_status == "fail"
    assert shallow.qc_reasons.startswith(f"few reads ({shallow.reads} < 2000); low depth at NPM1_exon12")
    assert cohort.loc["S01"].qc_status == "pass" and cohort.loc["S01"].qc_reasons == ""
    for _, row in cohort.iterrows():
        assert (row.qc_status == "pass") == (row.qc_reasons == "")
        assert float(row.mapped_fraction) > 0.99


def test_qc_and_mrd_settings_reach_the_commands_from_the_config(demo_dir, tmp_path):
    from conftest import run_workflow

    plan = run_workflow(tmp_path, demo_dir / "samples.tsv", "--dry-run", "--printshellcmds",
                        qc={"min_reads": 123, "min_mapped_fraction": 0.5, "max_duplicate_fraction": 0.7},
                        mrd={"min_alt_count": 4, "max_lod": 0.02, "background": False})
    assert "--qc-max-duplicate-fraction 0.7 --qc-min-mapped-fraction 0.5 --qc-min-reads 123" in plan.stdout
    assert "--max-lod 0.02 --min-alt-count 4" in plan.stdout and "--no-background" in plan.stdout


def test_qc_thresholds_change_the_verdict(demo_run, tmp_path, monkeypatch):
    from npm1_flt3 import layout
    from npm1_flt3.cohort import CohortOutputs, write_tables
    from npm1_flt3.qc import QcThresholds

    monkeypatch.chdir(demo_run)  # the manifest's paths are relative to the run's working folder
    out = CohortOutputs(tmp_path / "cohort.tsv", tmp_path / "variants.tsv")
    write_tables(demo_run / layout.MANIFEST, out, QcThresholds(min_reads=10**9))
    row = read_tsv(out.cohort).set_index("sample").loc["S01"]
    assert row.qc_status == "fail" and row.qc_reasons.startswith("few reads (")


# --- MRD follow-up ------------------------------------------------------------------------------

def test_every_baseline_allele_is_measured_in_every_sample_of_the_patient(mrd):
    assert set(mrd["patient"]) == {"P06"}
    assert sorted(mrd["sample"].value_counts().items()) == [("S06", 3), ("S10", 3), ("S11", 3)]
    assert set(mrd["type"]) == {"INS", "ITD", "SNV"}
    assert list(mrd[mrd["type"] == "INS"]["timepoint"]) == ["diagnosis", "remission", "relapse"]


def test_remission_npm1_is_found_below_the_calling_thresholds(mrd, cohort, demo_dir):
    truth = read_tsv(demo_dir / "truth_mrd.tsv").iloc[0]
    row = mrd_row(mrd, "S10", "INS")
    assert (row.chrom, row.pos, row.alt) == (truth.chrom, truth.pos, truth.alt)
    assert row.mrd_status == "detected" and int(row.alt_count) >= 9  # quantifiable (Poisson CV <= 0.35)
    assert float(row.p_value) < 0.001 and row.background_source == "batch"
    assert row.count_unit == "fragments" and row.alt_duplex == ""  # no UMIs: fragments, said so
    assert float(row.vaf) < 0.003  # below caller.min_vaf: the caller does not report it
    assert cohort.loc["S10"].npm1_status == "wild-type"
    assert float(row.vaf_ci_low) <= float(truth.vaf) <= float(row.vaf_ci_high)
    assert float(row.log10_reduction) > 2


def test_a_cleared_clone_is_not_detected_only_where_the_lod_reaches_1e_3(mrd):
    # S10 has ~7,000 fragments: the lost ITD (background ~1e-6) is excluded down to 1e-3. The lost
    # TKD is not: its site's error background (~2e-4 per read, from the batch's other patients)
    # keeps the LOD above 1e-3, so it is a no-call, not a negative.
    itd = mrd_row(mrd, "S10", "ITD")
    assert itd.mrd_status == "not detected" and int(itd.alt_count) == 0
    assert float(itd.lod_vaf) <= 0.001 and float(itd.min_log10_reduction) > 2
    tkd = mrd_row(mrd, "S10", "SNV")
    assert tkd.mrd_status == "no-call" and float(tkd.lod_vaf) > 0.001
    assert float(tkd.background_rate) > 10 * float(itd.background_rate)
    # S11 (relapse, ~700 fragments) is too shallow to exclude either at 1e-3.
    for allele_type in ("ITD", "SNV"):
        row = mrd_row(mrd, "S11", allele_type)
        assert row.mrd_status == "no-call" and float(row.lod_vaf) > 0.001
        assert row.min_log10_reduction == ""


def test_every_follow_up_says_what_its_identity_check_found(mrd):
    assert set(mrd[mrd["role"] == "baseline"]["identity"]) == {"baseline"}
    # The demo's capture targets hold no identity SNP: the check says so instead of passing.
    assert all(value.startswith("not enough SNPs") for value in mrd[mrd["role"] == "follow-up"]["identity"])


def test_relapse_shows_the_npm1_clone_back(mrd):
    row = mrd_row(mrd, "S11", "INS")
    assert row.mrd_status == "detected"
    assert float(row.vaf) == pytest.approx(0.30, abs=0.06)


def test_trajectory_plot_shows_each_allele_over_time_on_a_log_axis(demo_run):
    svg = ET.parse(demo_run / "results/mrd/P06.trajectory.svg").getroot()
    points = [e for e in svg.iter() if e.get("class") == "point"]
    assert len(points) == 6  # the three no-calls are marked n/c at the bottom, not drawn as values
    assert len([e for e in svg.iter() if e.get("class") == "nocall"]) == 3
    status = {(p.get("data-sample"), p.get("data-series").split(" ")[0]): p.get("data-status") for p in points}
    assert status["S10", "NPM1"] == "detected"
    assert status["S10", "FLT3-ITD"] == "not detected"
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "ytick"]
    assert ticks == ["0.01%", "0.1%", "1%", "10%", "100%"]
    assert "remission (day 35)" in [t.text for t in svg.iter(f"{SVG}text")]


# --- MultiQC ------------------------------------------------------------------------------------

def test_report_has_an_npm1_flt3_row_per_sample_in_general_statistics_and_its_table(demo_run, cohort):
    data = demo_run / "results/qc/multiqc_report_data"
    stats = read_tsv(data / "multiqc_general_stats.txt").set_index("Sample")
    column = "custom_content_npm1_flt3-npm1_status"
    assert stats.loc[list(cohort.index), column].to_dict() == cohort["npm1_status"].to_dict()
    table = read_tsv(data / "multiqc_npm1_flt3_calls_table.txt").set_index("Sample")
    assert set(table.index) == set(cohort.index)
    assert table.loc["S06", "flt3_itd_length"] in ("30", "30.0")
    assert table.loc["S08", "qc_status"] == "fail"
    # The AR column is the total of all clones, the one ELN uses, and the ELN note is shown.
    assert float(table.loc["S06", "flt3_itd_total_ar"]) == pytest.approx(float(cohort.loc["S06", "flt3_itd_total_ar"]),
                                                                        abs=1e-3)
    assert "follow-up sample" in table.loc["S10", "eln_note"]


def test_report_plots_vaf_and_hotspot_depth_against_the_no_call_threshold(demo_run):
    content = demo_run / "results/qc/npm1_flt3"
    vaf = yaml.safe_load((content / "npm1_flt3_vaf_mqc.yaml").read_text())
    assert vaf["plot_type"] == "bargraph" and len(vaf["data"]) == 11
    assert vaf["data"]["S06"]["npm1_vaf"] == pytest.approx(40, abs=8)
    depth = yaml.safe_load((content / "npm1_flt3_hotspot_depth_mqc.yaml").read_text())
    assert depth["pconfig"]["y_lines"][0]["value"] == 100
    assert depth["data"]["S08"]["NPM1_exon12"] < 100 < depth["data"]["S01"]["NPM1_exon12"]
    mrd = yaml.safe_load((content / "npm1_flt3_mrd_mqc.yaml").read_text())
    assert mrd["pconfig"]["ylog"] is True
    html = (demo_run / "results/qc/multiqc_report.html").read_text()
    for plot in ("npm1_flt3_vaf_plot", "npm1_flt3_hotspot_depth_plot", "npm1_flt3_mrd_plot"):
        assert plot in html


def test_report_lists_pipeline_and_tool_versions(demo_run):
    versions = read_tsv(demo_run / "results/qc/multiqc_report_data/multiqc_software_versions.txt")
    listed = set(versions.columns)
    assert {"npm1-flt3", "snakemake", "pysam", "cyvcf2", "fastp", "bwa", "samtools", "mosdepth"} <= listed
    row = versions.set_index("Sample").loc["npm1-flt3"]
    from npm1_flt3 import __version__
    assert row["npm1-flt3"].startswith(__version__)


def test_report_opens_in_a_real_browser_without_errors_and_shows_the_section_and_plots(demo_run):
    from browser import open_in_chromium

    plots = ["npm1_flt3_vaf_plot", "npm1_flt3_hotspot_depth_plot", "npm1_flt3_mrd_plot"]
    # A plot is drawn when Plotly has put its SVG into the plot's element.
    expression = f"""({{
        section: document.getElementById('npm1_flt3')?.textContent.trim(),
        table: document.querySelectorAll('#npm1_flt3_calls_table_table tbody tr').length,
        general: document.querySelectorAll('[id^="header_custom_content_npm1_flt3-"]').length,
        drawn: {plots}.filter(id => document.querySelector('#' + id + ' .main-svg') !== null),
        traces: {plots}.map(id => (document.getElementById(id)?.data || []).length),
    }})"""
    check = open_in_chromium(demo_run / "results/qc/multiqc_report.html", expression, settle_seconds=3)
    assert check.console_errors == [] and check.exceptions == []
    page = check.value
    assert page["section"] == "NPM1 / FLT3"
    assert page["table"] == 11
    assert page["general"] >= 7
    assert page["drawn"] == plots
    assert all(traces > 0 for traces in page["traces"]), page["traces"]
