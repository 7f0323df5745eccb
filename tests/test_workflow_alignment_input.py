"""Samples given as BAM or CRAM from an earlier run (sheet column bam).

A BAM/CRAM aligned to the configured reference is re-called from its reads around NPM1 and FLT3
and gives the same calls as the FASTQ it came from; with realign_alignments its reads are aligned
again; a file aligned to another reference stops the run with a message saying what to do.
"""

from __future__ import annotations

import subprocess

import pandas as pd
import pytest

from conftest import REFERENCE, run_workflow

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): real Snakemake runs

# From the demo: NPM1 type A + FLT3-ITD 30 bp + D835Y (S06), and a 60-bp ITD (S05).
SAMPLES = ("S05", "S06")
CALL_COLUMNS = ["npm1_status", "npm1_hgvs_c", "flt3_itd_status", "flt3_itd_length", "flt3_tkd_status",
                "flt3_tkd_hgvs_p"]


def sheet_of(folder, files: dict[str, str]) -> str:
    path = folder / "samples.tsv"
    lines = ["sample\tunit\tfq1\tfq2\tpatient\ttimepoint\tassay\tbam"]
    lines += [f"{sample}\tL1\t\t\t{sample}\tdiagnosis\tcapture\t{file}" for sample, file in files.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def cohort(workdir) -> pd.DataFrame:
    return pd.read_csv(workdir / "results/cohort/cohort.tsv", sep="\t", index_col="sample")


@pytest.fixture(scope="module")
def earlier_run(demo_run):
    """The demo's final BAMs as files from an earlier run, one also as CRAM."""
    bams = {sample: demo_run / f"results/alignment/{sample}.bam" for sample in SAMPLES}
    return demo_run, bams


def test_bam_and_cram_are_recalled_with_the_same_calls(earlier_run, tmp_path):
    demo_run, bams = earlier_run
    cram = tmp_path / "S06.cram"
    subprocess.run(["samtools", "view", "-C", "-T", str(REFERENCE), "-o", str(cram), str(bams["S06"])],
                   check=True)
    sheet = sheet_of(tmp_path, {"S05": str(bams["S05"]), "S06": str(cram)})
    run_workflow(tmp_path, sheet)
    recalled, original = cohort(tmp_path), cohort(demo_run)
    pd.testing.assert_frame_equal(recalled.loc[list(SAMPLES), CALL_COLUMNS], original.loc[list(SAMPLES), CALL_COLUMNS],
                                  check_dtype=False)
    # Re-called from the same reads: the same counts, not just the same verdicts.
    assert list(recalled.loc[list(SAMPLES), "flt3_itd_alt_reads"]) == list(original.loc[list(SAMPLES), "flt3_itd_alt_reads"])
    # No fastp step for them: nothing was trimmed again.
    assert not (tmp_path / "results/qc/fastp").exists()


def test_realigned_bam_gives_the_same_calls(earlier_run, tmp_path):
    demo_run, bams = earlier_run
    sheet = sheet_of(tmp_path, {"S06": str(bams["S06"])})
    run_workflow(tmp_path, sheet, realign_alignments=True)
    assert (tmp_path / "logs/realign_alignment/S06/L1.log").exists()  # really aligned again
    pd.testing.assert_frame_equal(cohort(tmp_path).loc[["S06"], CALL_COLUMNS],
                                  cohort(demo_run).loc[["S06"], CALL_COLUMNS], check_dtype=False)


def test_bam_from_another_reference_is_refused_with_what_to_do(earlier_run, tmp_path):
    _, bams = earlier_run
    header = subprocess.run(["samtools", "view", "-H", str(bams["S05"])], check=True, capture_output=True,
                            text=True).stdout
    # As if aligned to another build: the FLT3 contig has another length.
    other = "\n".join(line.replace("LN:97303", "LN:97999") if line.startswith("@SQ") else line
                      for line in header.splitlines()) + "\n"
    (tmp_path / "header.sam").write_text(other)
    foreign = tmp_path / "foreign.bam"
    subprocess.run(["samtools", "reheader", str(tmp_path / "header.sam"), str(bams["S05"])],
                   check=True, stdout=foreign.open("wb"))
    sheet = sheet_of(tmp_path, {"S05": str(foreign)})
    result = run_workflow(tmp_path, sheet, check=False)
    assert result.returncode != 0
    log = (tmp_path / "logs/import_alignment/S05/L1.log").read_text()
    assert "aligned to another reference" in log and "realign_alignments: true" in log
    assert not (tmp_path / "results/calls/S05.vcf.gz").exists()
