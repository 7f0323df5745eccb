"""RNA samples (issue 15): what their numbers mean, and what is not computed from them.

An RNA sample's allele fraction is a fraction of transcripts, not of cells or DNA copies; the
ELN 2017 FLT3-ITD allelic ratio is a genomic-DNA fragment-analysis ratio (Döhner et al. 2017,
Table 5), so it is not computed from RNA unless asked; ELN 2022 does not use the AR. QC judges an
RNA sample's depth where depth decides a result, and not where it only follows expression.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from npm1_flt3.cohort import SampleEvidence, reported_variants, summarise_sample
from npm1_flt3.eln import eln_components
from npm1_flt3.mrd import FollowedRun, MrdSettings, mrd_rows
from npm1_flt3.qc import QcThresholds, ReadStats, qc_findings, uncovered_hotspots, verdict
from npm1_flt3.samples import Sample

AR_COLUMNS = ("flt3_itd_largest_clone_ar", "flt3_itd_largest_clone_ar_ci_low", "flt3_itd_largest_clone_ar_ci_high",
              "flt3_itd_total_ar", "flt3_itd_total_ar_ci_low", "flt3_itd_total_ar_ci_high")
NO_AR_NOTE = ("RNA sample: allele fractions are transcript fractions; no ELN 2017 allelic ratio computed from "
              "RNA (set rna.allelic_ratio: true to compute it anyway)")
ROLES = {"NPM1_exon12": "npm1", "NPM1_exon11": "coverage", "NPM1_exon9": "coverage", "NPM1_exon5": "coverage",
         "FLT3_exon14": "flt3_itd", "FLT3_exon15": "flt3_itd", "FLT3_D835_I836": "flt3_tkd",
         "FLT3_exon20": "coverage"}
GOOD_READS = ReadStats(50_000, 49_500, 5_000)
THRESHOLDS = QcThresholds(min_reads=2000, min_mapped_fraction=0.9, max_duplicate_fraction=0.5)


def hotspots(low: tuple[str, ...] = ()) -> list[dict]:
    return [{"hotspot": name, "role": role, "min_depth": "12" if name in low else "800",
             "required_depth": "100", "covered": "no" if name in low else "yes"} for name, role in ROLES.items()]


def npm1_type_a(vaf=0.4) -> dict:
    return {"gene": "NPM1", "type": "INS", "vaf": vaf, "filter": "PASS", "exon": 11, "exon_legacy": 12,
            "length": 4, "alt_reads": round(vaf * 500), "depth": 500, "npm1_type": "A",
            "hgvs_c": "NM_002520.7:c.860_863dup", "hgvs_p": "p.(Trp288CysfsTer12)", "consequence": "frameshift"}


def flt3_itd(alt_reads=150, depth=500) -> dict:
    """A 30-bp ITD; 150 of 500 fragments is VAF 0.3, AR 0.3 / 0.7 = 0.43 (low)."""
    vaf = alt_reads / depth
    return {"gene": "FLT3", "type": "ITD", "vaf": vaf, "filter": "PASS", "exon": 14, "length": 30,
            "alt_reads": alt_reads, "depth": depth, "consequence": "inframe_duplication",
            "hgvs_c": "NM_004119.3:c.1771_1800dup", "itd_ar": round(vaf / (1 - vaf), 4),
            "itd_ar_ci_low": 0.36, "itd_ar_ci_high": 0.51}


def row_of(variants, assay="rna", low=(), stats=GOOD_READS, rna_allelic_ratio=False, role="baseline",
           timepoint="diagnosis") -> dict:
    evidence = SampleEvidence("S1", {"patient": "P1", "timepoint": timepoint, "assay": assay, "role": role},
                              variants, hotspots(low), stats)
    return summarise_sample(evidence, THRESHOLDS, rna_allelic_ratio=rna_allelic_ratio)


# --- what the allele fractions are ----------------------------------------------------------------

def test_an_rna_samples_rows_say_their_fractions_are_transcript_fractions_and_carry_no_allelic_ratio():
    row = row_of([npm1_type_a(), flt3_itd()])
    assert row["vaf_source"] == "rna"
    assert (row["npm1_vaf"], row["flt3_itd_vaf"]) == (0.4, 0.3)  # the VAFs are still given, under their names
    assert {column: row[column] for column in AR_COLUMNS} == dict.fromkeys(AR_COLUMNS)
    [npm1, itd] = reported_variants([npm1_type_a(), flt3_itd()], "rna")
    assert (npm1["vaf_source"], itd["vaf_source"]) == ("rna", "rna")
    assert (itd["vaf"], itd["itd_ar"], itd["itd_ar_ci_low"], itd["itd_ar_ci_high"]) == (0.3, None, None, None)


@pytest.mark.parametrize("assay", ["capture", "exome", "amplicon", ""])
def test_every_dna_assay_is_a_dna_vaf_with_its_allelic_ratio(assay):
    row = row_of([npm1_type_a(), flt3_itd()], assay=assay)
    assert row["vaf_source"] == "dna"
    assert row["flt3_itd_total_ar"] == pytest.approx(0.3 / 0.7, abs=1e-4)
    assert row["flt3_itd_largest_clone_ar"] == pytest.approx(0.4286)
    [itd] = reported_variants([flt3_itd()], assay)
    assert (itd["vaf_source"], itd["itd_ar"]) == ("dna", pytest.approx(0.4286))


def test_a_dna_sample_is_reported_as_before_whatever_the_rna_setting():
    for variants in ([], [npm1_type_a(), flt3_itd()], [flt3_itd(400, 500)]):
        plain = row_of(variants, assay="capture")
        assert plain == row_of(variants, assay="capture", rna_allelic_ratio=True)
        assert "RNA" not in plain["eln_note"]
    row = row_of([npm1_type_a(), flt3_itd()], assay="capture")
    assert (row["eln2017_npm1_flt3_component"], row["eln2022_npm1_flt3_component"]) == ("favourable", "intermediate")


# --- ELN: no allelic ratio from RNA unless asked --------------------------------------------------

@pytest.mark.parametrize("variants, eln2017, eln2022", [
    # The AR decides ELN 2017 here (favourable or intermediate; intermediate or adverse): unknown.
    ([npm1_type_a(), flt3_itd()], "no-call", "intermediate"),
    ([flt3_itd(400, 500)], "no-call", "intermediate"),
    # No ITD: the AR decides nothing, so ELN 2017 is given.
    ([npm1_type_a()], "favourable", "favourable"),
    ([], "intermediate", "none"),
])
def test_rna_eln_2017_is_a_no_call_where_the_allelic_ratio_decides_and_given_where_it_does_not(
        variants, eln2017, eln2022):
    row = row_of(variants)
    assert (row["eln2017_npm1_flt3_component"], row["eln2022_npm1_flt3_component"]) == (eln2017, eln2022)
    assert row["eln_note"] == NO_AR_NOTE


@pytest.mark.parametrize("variants", [[npm1_type_a(), flt3_itd()], [flt3_itd(400, 500)], [npm1_type_a()], []])
def test_rna_eln_2022_is_what_dna_gives_as_it_does_not_use_the_allelic_ratio(variants):
    assert row_of(variants)["eln2022_npm1_flt3_component"] == \
        row_of(variants, assay="capture")["eln2022_npm1_flt3_component"]


def test_an_rna_no_call_of_npm1_stays_a_no_call():
    row = row_of([], low=("NPM1_exon12",))
    assert row["npm1_status"] == "no-call"
    assert (row["eln2017_npm1_flt3_component"], row["eln2022_npm1_flt3_component"]) == ("no-call", "no-call")


def test_asked_for_the_allelic_ratio_of_rna_it_is_given_and_called_a_transcript_ratio():
    row = row_of([npm1_type_a(), flt3_itd()], rna_allelic_ratio=True)
    assert row["vaf_source"] == "rna"
    assert row["flt3_itd_total_ar"] == pytest.approx(0.4286, abs=1e-4)
    assert row["flt3_itd_largest_clone_ar"] == pytest.approx(0.4286)
    assert row["eln2017_npm1_flt3_component"] == "favourable"  # AR 0.43 < 0.5
    assert row["eln_note"].startswith("RNA sample: allele fractions are transcript fractions; allelic ratios are "
                                      "transcript ratios (rna.allelic_ratio: true), not the genomic-DNA "
                                      "fragment-analysis ratio of ELN 2017: confirm the ELN 2017 component on DNA")
    # The interval 0.36-0.51 spans 0.5: that note stays too.
    assert "spans the ELN 2017 cut-off 0.5" in row["eln_note"]
    [itd] = reported_variants([flt3_itd()], "rna", rna_allelic_ratio=True)
    assert itd["itd_ar"] == pytest.approx(0.4286)


def test_the_eln_rule_itself_takes_an_rna_allelic_ratio_as_unknown():
    # AR 0.9 would be high (NPM1 wild-type: adverse); from RNA it is not read.
    row = eln_components("wild-type", "present", 0.9, (0.8, 1.0), vaf_source="rna")
    assert (row["eln2017_npm1_flt3_component"], row["eln2022_npm1_flt3_component"]) == ("no-call", "intermediate")
    asked = eln_components("wild-type", "present", 0.9, (0.8, 1.0), vaf_source="rna", rna_allelic_ratio=True)
    assert asked["eln2017_npm1_flt3_component"] == "adverse"


def test_an_rna_follow_up_says_what_its_fractions_are():
    row = row_of([npm1_type_a(0.01)], role="follow-up", timepoint="remission")
    assert row["eln2017_npm1_flt3_component"] is None
    assert row["eln_note"] == "follow-up sample: ELN components apply to the baseline sample; " + NO_AR_NOTE


# --- QC -------------------------------------------------------------------------------------------

def qc(assay, low=(), stats=GOOD_READS):
    findings = qc_findings(hotspots(low), stats, assay, THRESHOLDS)
    return verdict(findings), [f.reason for f in findings]


def test_rna_gets_no_duplication_warning_and_the_reasons_say_why():
    duplicated = ReadStats(10_000, 10_000, 8_000)
    assert qc("capture", stats=duplicated) == ("warn", ["high duplication (80.0% > 50.0%)"])
    assert qc("rna", stats=duplicated) == ("pass", [
        "RNA sample: duplication (80.0% > 50.0%) not judged, as duplicates cannot be told from reads of highly "
        "expressed transcripts"])
    assert qc("rna") == ("pass", [])  # nothing to say when the DNA rule would not have fired either


def test_rna_legacy_npm1_exons_5_9_11_below_the_depth_are_not_called_uncovered():
    low = ("NPM1_exon5", "NPM1_exon9", "NPM1_exon11")
    dna = row_of([], assay="capture", low=low)
    assert dna["uncovered_hotspots"] == "NPM1_exon11,NPM1_exon9,NPM1_exon5"
    assert (dna["qc_status"], dna["qc_reasons"]) == ("pass", "")
    rna = row_of([], low=low)
    assert rna["uncovered_hotspots"] == ""
    assert rna["qc_status"] == "pass"
    assert rna["qc_reasons"] == ("RNA sample: low depth at NPM1_exon11 (12 < 100), NPM1_exon9 (12 < 100), "
                                 "NPM1_exon5 (12 < 100) not called uncovered: depth there follows expression, "
                                 "and these hotspots decide no status")
    assert rna["npm1_status"] == "wild-type"  # exon 12 is deep: the NPM1 result stands


def test_an_rna_exon_12_hotspot_below_the_depth_is_still_uncovered_and_a_no_call_never_wild_type():
    row = row_of([], low=("NPM1_exon12",))
    assert row["npm1_status"] == "no-call"
    assert row["uncovered_hotspots"] == "NPM1_exon12"
    assert (row["qc_status"], row["qc_reasons"]) == ("warn", "low depth at NPM1_exon12 (12 < 100)")


def test_rna_status_hotspots_keep_the_dna_rule():
    status_spots = ("NPM1_exon12", "FLT3_exon14", "FLT3_exon15", "FLT3_D835_I836")
    row = row_of([], low=status_spots)
    assert (row["npm1_status"], row["flt3_itd_status"], row["flt3_tkd_status"]) == ("no-call",) * 3
    assert row["qc_status"] == "fail"
    assert uncovered_hotspots(hotspots(status_spots + ("FLT3_exon20",)), "rna") == list(status_spots)
    assert uncovered_hotspots(hotspots(("FLT3_exon20",)), "capture") == ["FLT3_exon20"]


# --- MRD ------------------------------------------------------------------------------------------

ALLELE = {"gene": "NPM1", "type": "INS", "length": "4", "hgvs_c": "NM_002520.7:c.860_863dup",
          "hgvs_p": "p.(Trp288CysfsTer12)", "npm1_type": "A", "chrom": "chr5", "pos": "171410539",
          "ref": "C", "alt": "CTCTG", "method": "junction k-mers"}


def measured(sample, alt, depth):
    return {"sample": sample, **ALLELE, "count_unit": "fragments", "alt_count": str(alt), "depth": str(depth),
            "alt_duplex": "", "vaf": str(alt / depth), "vaf_ci_low": "", "vaf_ci_high": ""}


def mrd_of(assays: dict[str, str]) -> dict[str, dict]:
    names = list(assays)
    samples = {name: Sample(sample=name, patient="P1", timepoint="diagnosis" if i == 0 else "remission", day=30 * i,
                            assay=assays[name], units=(), role="baseline" if i == 0 else "follow-up",
                            baseline=names[0], followed=True) for i, name in enumerate(names)}
    track = {names[0]: [measured(names[0], 200, 500)], **{n: [measured(n, 50, 50_000)] for n in names[1:]}}
    rows = mrd_rows(FollowedRun(samples, track, {}, None), MrdSettings(background=False, max_lod=0.01))
    return {row["sample"]: row for row in rows}


def test_mrd_rows_say_whether_the_vaf_is_a_dna_or_a_transcript_fraction():
    rows = mrd_of({"D": "rna", "M": "rna"})
    assert (rows["D"]["vaf_source"], rows["M"]["vaf_source"]) == ("rna", "rna")
    assert rows["M"]["log10_reduction"] == pytest.approx(2.6)  # 0.4 -> 0.001, transcripts to transcripts


def test_mrd_gives_no_log_reduction_between_a_transcript_fraction_and_a_dna_vaf():
    rows = mrd_of({"D": "capture", "M": "rna", "N": "capture"})
    assert [rows[s]["vaf_source"] for s in "DMN"] == ["dna", "rna", "dna"]
    assert rows["M"]["mrd_status"] == "detected" and rows["M"]["baseline_vaf"] == 0.4
    assert rows["M"]["log10_reduction"] is None
    assert rows["N"]["log10_reduction"] == pytest.approx(2.6)


# --- the command ----------------------------------------------------------------------------------

def write_sample_files(sample: str, itd: bool) -> None:
    from npm1_flt3.calls_vcf import CALLER_HEADER, CallRecord, header_lines, unannotated_line

    calls = Path("results/calls")
    calls.mkdir(parents=True, exist_ok=True)
    lines = ["##fileformat=VCFv4.2", "##contig=<ID=chr13,length=114364328>", *header_lines(CALLER_HEADER),
             f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{sample}"]
    if itd:
        lines.append(unannotated_line(CallRecord(
            chrom="chr13", pos=28034118, ref="G", alt="GATCATATTCATATTCTCTGAAATCAACGTA", filter="PASS",
            gene="FLT3", vartype="ITD", varlen=30, ref_reads=200, alt_reads=300, depth=500, vaf=0.6,
            vaf_ci=(0.56, 0.64), itd_ar=1.5, itd_ar_ci=(1.27, 1.78))))
    (calls / f"{sample}.vcf.gz").write_text("\n".join(lines) + "\n")
    rows = ["sample\thotspot\trole\tmin_depth\trequired_depth\tcovered"]
    rows += [f"{sample}\t{name}\t{role}\t800\t100\tyes" for name, role in ROLES.items()]
    (calls / f"{sample}.hotspots.tsv").write_text("\n".join(rows) + "\n")
    stats = Path("results/qc/samtools")
    stats.mkdir(parents=True, exist_ok=True)
    (stats / f"{sample}.stats.txt").write_text("SN\traw total sequences:\t50000\nSN\treads mapped:\t49500\n"
                                               "SN\treads duplicated:\t30000\n")


@pytest.mark.parametrize("flag, rna_ar, rna_eln2017", [
    ([], "", "no-call"),                                   # the default: no AR from RNA
    (["--rna-allelic-ratio"], "1.5000", "adverse"),        # config rna.allelic_ratio: true
])
def test_the_cohort_command_reports_rna_by_the_setting_and_dna_alike_either_way(tmp_path, monkeypatch, flag, rna_ar,
                                                                                rna_eln2017):
    import csv

    from npm1_flt3.cli import main
    from npm1_flt3.samples import build_samples, write_manifest
    from npm1_flt3.sheet import Unit

    monkeypatch.chdir(tmp_path)
    units = [Unit(sample=name, unit="L1", fq1=Path(f"/data/{name}.fq.gz"), fq2=None, patient=name,
                  timepoint="diagnosis", assay=assay, line=0) for name, assay in (("R", "rna"), ("D", "capture"))]
    write_manifest(build_samples(units), Path("manifest.tsv"))
    for name in ("R", "D"):
        write_sample_files(name, itd=True)
    assert main(["cohort", "--manifest", "manifest.tsv", "--cohort", "cohort.tsv", "--variants", "variants.tsv",
                 *flag]) == 0
    with open("cohort.tsv") as handle:
        cohort = {row["sample"]: row for row in csv.DictReader(handle, delimiter="\t")}
    with open("variants.tsv") as handle:
        variants = {row["sample"]: row for row in csv.DictReader(handle, delimiter="\t")}
    rna, dna = cohort["R"], cohort["D"]
    assert (rna["vaf_source"], variants["R"]["vaf_source"]) == ("rna", "rna")
    assert (rna["flt3_itd_total_ar"], variants["R"]["itd_ar"]) == (rna_ar, rna_ar)
    assert (rna["eln2017_npm1_flt3_component"], rna["eln2022_npm1_flt3_component"]) == (rna_eln2017, "intermediate")
    assert rna["eln_note"].startswith("RNA sample: allele fractions are transcript fractions")
    assert rna["qc_status"] == "pass" and "duplication" in rna["qc_reasons"]  # 60%, not judged for RNA
    assert (dna["vaf_source"], variants["D"]["vaf_source"]) == ("dna", "dna")
    assert (dna["flt3_itd_total_ar"], variants["D"]["itd_ar"]) == ("1.5000", "1.5000")
    assert (dna["eln2017_npm1_flt3_component"], dna["eln2022_npm1_flt3_component"], dna["eln_note"]) == \
        ("adverse", "intermediate", "")
    assert (dna["qc_status"], dna["qc_reasons"]) == ("warn", "high duplication (60.0% > 50.0%)")
