"""The whole workflow on the simulated demo cohort: the calls a user sees must be the right ones.

The demo's truth comes from the simulator (demo/truth.tsv, demo/truth_status.tsv), so a wrong call,
a missed call or an extra call fails here.
"""

from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest
from cyvcf2 import VCF

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs

SAMPLES = [f"S{i:02d}" for i in range(1, 12)]


@pytest.fixture(scope="module")
def cohort(demo_run) -> pd.DataFrame:
    return pd.read_csv(demo_run / "results/cohort/cohort.tsv", sep="\t", dtype=str,
                       keep_default_na=False).set_index("sample")


@pytest.fixture(scope="module")
def variants(demo_run) -> pd.DataFrame:
    return pd.read_csv(demo_run / "results/cohort/variants.tsv", sep="\t", keep_default_na=False)


@pytest.fixture(scope="module")
def truth(demo_dir) -> pd.DataFrame:
    return pd.read_csv(demo_dir / "truth.tsv", sep="\t")


def test_every_sample_has_one_cohort_row(cohort):
    assert sorted(cohort.index) == SAMPLES


@pytest.mark.parametrize("column", ["npm1_status", "flt3_itd_status", "flt3_tkd_status"])
def test_statuses_match_the_truth(cohort, demo_dir, column):
    expected = pd.read_csv(demo_dir / "truth_status.tsv", sep="\t", dtype=str).set_index("sample")
    assert cohort[column].to_dict() == expected[column].to_dict()


@pytest.mark.parametrize(
    "sample, npm1_type, hgvs_c",
    [
        ("S01", "A", "NM_002520.7:c.860_863dup"),
        ("S02", "B", "NM_002520.7:c.863_864insCATG"),
        ("S03", "D", "NM_002520.7:c.863_864insCCTG"),
        ("S06", "A", "NM_002520.7:c.860_863dup"),
    ],
)
def test_npm1_types_are_named(cohort, sample, npm1_type, hgvs_c):
    row = cohort.loc[sample]
    assert (row.npm1_type, row.npm1_hgvs_c) == (npm1_type, hgvs_c)
    assert row.npm1_hgvs_p == "p.(Trp288CysfsTer12)"


@pytest.mark.parametrize("sample, length", [("S04", 21), ("S05", 60), ("S06", 30), ("S09", 21)])
def test_itd_length_is_exact(cohort, sample, length):
    assert int(cohort.loc[sample, "flt3_itd_length"]) == length
    assert int(cohort.loc[sample, "flt3_itd_count"]) == 1


def test_tkd_is_named(cohort):
    assert cohort.loc["S06", "flt3_tkd_hgvs_p"] == "p.(Asp835Tyr)"


def test_every_true_variant_passes_and_nothing_else_does(variants, truth):
    passing = variants[variants["filter"] == "PASS"]
    found = set(zip(passing["sample"], passing["chrom"], passing["pos"], passing["ref"], passing["alt"]))
    expected = set(zip(truth["sample"], truth["chrom"], truth["pos"], truth["ref"], truth["alt"]))
    assert found == expected


def test_vaf_is_close_to_the_simulated_fraction(variants, truth):
    merged = truth.merge(variants, on=["sample", "chrom", "pos", "ref", "alt"], suffixes=("_true", ""))
    # The simulator draws reads at random, so the fraction in the reads varies around the target.
    errors = (merged["vaf"] - merged["vaf_true"]).abs()
    assert errors.max() < 0.05, merged[["sample", "vaf_true", "vaf"]]


def test_itd_allelic_ratio_follows_the_vaf(cohort):
    row = cohort.loc["S04"]
    vaf, ar = float(row.flt3_itd_vaf), float(row.flt3_itd_largest_clone_ar)
    assert ar == pytest.approx(vaf / (1 - vaf), abs=2e-3)
    assert float(row.flt3_itd_largest_clone_ar_ci_low) < ar < float(row.flt3_itd_largest_clone_ar_ci_high)


def test_every_fraction_has_a_95_percent_interval_around_it(variants):
    assert (variants["vaf_ci_low"] <= variants["vaf"]).all()
    assert (variants["vaf"] <= variants["vaf_ci_high"]).all()
    # 19 of 482 reads (S01's type A at about 4%): the interval is a couple of points wide.
    s01 = variants[(variants["sample"] == "S01") & (variants["filter"] == "PASS")].iloc[0]
    assert 0.01 < s01.vaf_ci_high - s01.vaf_ci_low < 0.05


def test_counts_come_with_every_fraction(cohort):
    row = cohort.loc["S01"]
    assert int(row.npm1_alt_reads) >= 10
    assert float(row.npm1_vaf) == pytest.approx(int(row.npm1_alt_reads) / int(row.npm1_depth), abs=1e-3)


def test_uncovered_hotspots_are_no_call_never_wild_type(cohort):
    assert cohort.loc["S08", "qc_status"] == "fail"
    amplicon = cohort.loc["S09"]
    assert amplicon.flt3_tkd_status == "no-call"
    assert "FLT3_D835_I836" in amplicon.uncovered_hotspots
    assert amplicon.qc_status == "warn"
    assert amplicon.qc_reasons == "low depth at FLT3_D835_I836 (0 < 100)"


def test_bcftools_reads_every_vcf_without_a_warning(demo_run):
    for sample in SAMPLES:
        vcf = demo_run / f"results/calls/{sample}.vcf.gz"
        assert (demo_run / f"results/calls/{sample}.vcf.gz.tbi").exists()
        result = subprocess.run(["bcftools", "view", str(vcf)], capture_output=True, text=True)
        assert result.returncode == 0 and result.stderr == "", (sample, result.stderr)


def test_vcf_reports_grch38_contigs_and_declares_its_fields(demo_run):
    header = subprocess.run(["bcftools", "view", "-h", str(demo_run / "results/calls/S06.vcf.gz")],
                            capture_output=True, text=True, check=True).stdout
    assert "##contig=<ID=chr5,length=181538259" in header
    assert "##contig=<ID=chr13,length=114364328" in header
    for field in ("AD", "DP", "AF"):
        assert f"##FORMAT=<ID={field}," in header
    records = list(VCF(str(demo_run / "results/calls/S06.vcf.gz")))
    assert {r.CHROM for r in records} <= {"chr5", "chr13"}
    d835y = next(r for r in records if r.POS == 28018505)
    assert (d835y.REF, d835y.ALT[0], d835y.INFO["EXON"], d835y.INFO["HGVSC"]) == (
        "C", "A", 20, "NM_004119.3:c.2503G>T")


def test_wild_type_sample_still_gets_a_valid_vcf(demo_run):
    records = [r for r in VCF(str(demo_run / "results/calls/S07.vcf.gz")) if r.FILTER is None]
    assert records == []


def test_multiqc_report_has_each_section_with_sheet_names(demo_run):
    html = (demo_run / "results/qc/multiqc_report.html").read_text()
    for section in ("fastp", "samtools", "mosdepth"):
        assert re.search(rf'id="{section}"', html, re.IGNORECASE), section
    stats = pd.read_csv(demo_run / "results/qc/multiqc_report_data/multiqc_general_stats.txt", sep="\t")
    names = set(stats["Sample"])
    assert set(SAMPLES) <= names
    # The two-lane sample shows each lane's fastp QC under the sample's name.
    assert {"S01.L1", "S01.L2"} <= names


def planned_jobs(dry_run_output: str) -> dict[str, int]:
    """The 'Job stats' table of a dry run: rule name -> number of jobs."""
    table = dry_run_output.split("Job stats:", 1)[1].split("Reasons:", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.MULTILINE)}


def test_a_second_batch_reuses_the_reference_indexes(demo_run, demo_dir, tmp_path):
    from conftest import run_workflow

    resources = demo_run / "resources"
    plan = run_workflow(tmp_path, demo_dir / "samples.tsv", "--dry-run", resources_dir=str(resources))
    jobs = planned_jobs(plan.stdout)
    assert "bwa_index" not in jobs and "reference_link_faidx" not in jobs
    assert jobs["fastp_bwa_mem"] == 12


def test_a_finished_run_has_nothing_left_to_do(demo_run, demo_dir):
    from conftest import run_workflow

    plan = run_workflow(demo_run, demo_dir / "samples.tsv", "--dry-run")
    assert "Nothing to be done" in plan.stdout + plan.stderr


def test_editing_package_code_without_a_new_version_recalls_nothing(demo_run, demo_dir):
    # Re-runs follow the package version (a rule parameter), not the modification time of every
    # module: touching the caller or the demo simulator leaves the finished batch as it is.
    from conftest import REPO, run_workflow

    for module in (REPO / "npm1_flt3" / "caller.py", REPO / "benchmarks" / "simulation.py"):
        module.touch()
    plan = run_workflow(demo_run, demo_dir / "samples.tsv", "--dry-run")
    assert "Nothing to be done" in plan.stdout + plan.stderr
