"""Cohort status rules: found means mutated; not found means wild-type only where coverage allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from npm1_flt3.cohort import SampleEvidence, summarise_sample

ROLES = {"NPM1_exon12": "npm1", "NPM1_exon9": "coverage", "FLT3_exon14": "flt3_itd",
         "FLT3_exon15": "flt3_itd", "FLT3_D835_I836": "flt3_tkd"}


def hotspots(low: tuple[str, ...] = ()) -> list[dict]:
    return [
        {"hotspot": name, "role": role, "min_depth": "20" if name in low else "500",
         "required_depth": "100", "covered": "no" if name in low else "yes"}
        for name, role in ROLES.items()
    ]


def variant(gene, vartype, vaf, filter="PASS", exon=None, length=4, **extra) -> dict:
    return {"gene": gene, "type": vartype, "vaf": vaf, "filter": filter, "exon": exon,
            "length": length, "alt_reads": round(vaf * 500), "depth": 500, **extra}


def npm1_type_a(vaf, filter="PASS") -> dict:
    return variant("NPM1", "INS", vaf, filter, exon=11, exon_legacy=12, npm1_type="A",
                   hgvs_c="NM_002520.7:c.860_863dup", hgvs_p="p.(Trp288CysfsTer12)", consequence="frameshift")


def flt3_itd(vaf, length, **extra) -> dict:
    return variant("FLT3", "ITD", vaf, exon=14, length=length, consequence="inframe_duplication", **extra)


def flt3_snv(vaf, hgvs_p, consequence) -> dict:
    return variant("FLT3", "SNV", vaf, exon=20, hgvs_c="NM_004119.3:c.2505T>C", hgvs_p=hgvs_p,
                   consequence=consequence)


def summary(variants, low=()):
    return summarise_sample(SampleEvidence("S1", {"patient": "P1", "timepoint": "dx", "assay": "capture"},
                                           variants, hotspots(low)))


def test_nothing_found_at_good_depth_is_wild_type():
    row = summary([])
    assert (row["npm1_status"], row["flt3_itd_status"], row["flt3_tkd_status"]) == ("wild-type", "absent", "absent")
    assert row["qc_status"] == "pass"


def test_nothing_found_at_low_depth_is_no_call():
    row = summary([], low=("NPM1_exon12", "FLT3_exon15"))
    assert (row["npm1_status"], row["flt3_itd_status"], row["flt3_tkd_status"]) == ("no-call", "no-call", "absent")
    assert row["qc_status"] == "warn"
    assert "low depth at FLT3_exon15 (20 < 100)" in row["qc_reasons"]


def test_a_passing_call_wins_even_at_low_depth():
    row = summary([npm1_type_a(0.3)], low=("NPM1_exon12",))
    assert row["npm1_status"] == "mutated"
    assert row["npm1_type"] == "A"


def test_filtered_calls_do_not_make_a_sample_mutated():
    row = summary([npm1_type_a(0.004, filter="LowVAF")])
    assert row["npm1_status"] == "wild-type"


def test_a_coverage_only_hotspot_is_listed_but_does_not_decide():
    row = summary([], low=("NPM1_exon9",))
    assert row["npm1_status"] == "wild-type"
    assert row["uncovered_hotspots"] == "NPM1_exon9"


def test_two_itd_clones_report_the_largest_and_the_total():
    row = summary([flt3_itd(0.10, 21, itd_ar=0.1 / 0.6), flt3_itd(0.30, 60, itd_ar=0.3 / 0.6)])
    assert row["flt3_itd_status"] == "present"
    assert (row["flt3_itd_count"], row["flt3_itd_length"], row["flt3_itd_vaf"]) == (2, 60, 0.30)
    assert row["flt3_itd_largest_clone_ar"] == pytest.approx(0.5)
    assert row["flt3_itd_total_vaf"] == pytest.approx(0.4)
    assert row["flt3_itd_total_ar"] == pytest.approx(0.4 / 0.6, abs=1e-4)


def test_tkd_is_a_d835_i836_protein_change_not_an_itd():
    row = summary([flt3_snv(0.05, "p.(Asp835Tyr)", "missense"),
                   variant("FLT3", "INS", 0.05, exon=14, consequence="frameshift", hgvs_c="NM_004119.3:c.1772_1775dup",
                           hgvs_p="p.(Tyr591Ter)")])
    assert row["flt3_tkd_status"] == "present"
    assert row["flt3_tkd_hgvs_p"] == "p.(Asp835Tyr)"
    assert row["flt3_itd_status"] == "absent"
    assert row["flt3_mutated"] == "yes"


def test_a_synonymous_change_at_d835_is_reported_but_is_no_tkd():
    row = summary([flt3_snv(0.40, "p.(Asp835=)", "synonymous")])
    assert (row["flt3_tkd_status"], row["flt3_mutated"]) == ("absent", "no")
    assert row["flt3_other_variants"] == "c.2505T>C p.(Asp835=) 40.0%"


def test_an_npm1_frameshift_outside_exon_12_does_not_make_npm1_mutated():
    exon5 = variant("NPM1", "DEL", 0.35, exon=5, exon_legacy=5, hgvs_c="NM_002520.7:c.394del",
                    hgvs_p="p.(Ser132ValfsTer5)", consequence="frameshift")
    row = summary([exon5])
    assert (row["npm1_status"], row["npm1_type"]) == ("wild-type", None)
    assert row["npm1_other_variants"] == "c.394del p.(Ser132ValfsTer5) 35.0%"
    assert (row["eln2017_npm1_flt3_component"], row["eln2022_npm1_flt3_component"]) == ("intermediate", "none")


def test_an_in_frame_exon_12_change_does_not_make_npm1_mutated():
    in_frame = variant("NPM1", "INS", 0.3, exon=11, exon_legacy=12, hgvs_c="NM_002520.7:c.863_864insCTTCCG",
                       hgvs_p="p.(Trp288_Cys289insSerSer)", consequence="inframe_insertion")
    assert summary([in_frame])["npm1_status"] == "wild-type"


def test_an_exon_12_frameshift_after_trp290_keeps_the_nucleolar_signal():
    late = variant("NPM1", "DEL", 0.3, exon=11, exon_legacy=12, hgvs_c="NM_002520.7:c.875del",
                   hgvs_p="p.(Lys292SerfsTer4)", consequence="frameshift")
    assert summary([late])["npm1_status"] == "wild-type"


def test_allelic_ratio_exactly_one_half_is_high_for_eln_2017():
    # 100 ITD fragments of 300: AR = 100 / 200 = 0.5 exactly; ELN 2017 counts >= 0.5 as high.
    itd = flt3_itd(0.3333, 30)
    itd.update(alt_reads=100, depth=300)
    row = summary([npm1_type_a(0.4), itd])
    assert row["flt3_itd_total_ar"] == 0.5
    assert row["eln2017_npm1_flt3_component"] == "intermediate"


def test_a_low_level_itd_sets_the_component_with_a_note():
    itd = flt3_itd(0.003, 30)
    itd.update(alt_reads=3, depth=1000)
    row = summary([npm1_type_a(0.4), itd])
    assert row["eln2022_npm1_flt3_component"] == "intermediate"
    assert "below 0.05, the fragment-analysis positivity cut-off" in row["eln_note"]


def test_a_symbolic_itd_record_reads_back_as_its_explicit_allele(tmp_path):
    from npm1_flt3.cohort import read_variants

    vcf = tmp_path / "s.vcf"
    vcf.write_text("\n".join([
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr13,length=114364328>",
        '##ALT=<ID=DUP:TANDEM,Description="Tandem duplication">',
        '##INFO=<ID=GENE,Number=1,Type=String,Description="g">',
        '##INFO=<ID=VARTYPE,Number=1,Type=String,Description="t">',
        '##INFO=<ID=VARLEN,Number=1,Type=Integer,Description="l">',
        '##INFO=<ID=INSSEQ,Number=1,Type=String,Description="i">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="e">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="a">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="f">',
        '##FORMAT=<ID=AFCI,Number=2,Type=Float,Description="c">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
        "chr13\t28034118\t.\tG\t<DUP:TANDEM>\t.\tPASS\tGENE=FLT3;VARTYPE=ITD;VARLEN=30;END=28034148;"
        "INSSEQ=ATCATATTCATATTCTCTGAAATCAACGTA\tGT:AD:DP:AF:AFCI\t0/1:300,100:400:0.25:0.21,0.29",
    ]) + "\n")
    [row] = read_variants(vcf)
    assert (row["pos"], row["ref"], row["alt"]) == (28034118, "G", "GATCATATTCATATTCTCTGAAATCAACGTA")
    assert (row["length"], row["vaf_ci_low"]) == (30, 0.21)


def manifest_of(tmp_path, *units) -> Path:
    """A sample manifest of these sheet rows; its paths are relative to tmp_path, the working folder."""
    from npm1_flt3.samples import build_samples, write_manifest

    write_manifest(build_samples(list(units)), tmp_path / "manifest.tsv")
    return tmp_path / "manifest.tsv"


def sheet_row(sample, patient=None, timepoint="", day=None, assay="capture"):
    from npm1_flt3.sheet import Unit

    return Unit(sample=sample, unit="L1", fq1=Path(f"/data/{sample}.fq.gz"), fq2=None, patient=patient or sample,
                timepoint=timepoint, assay=assay, line=0, day=day)


def test_a_cohort_row_takes_patient_timepoint_assay_day_and_role_from_the_sample_model():
    from npm1_flt3.cohort import cohort_metadata
    from npm1_flt3.samples import build_samples

    samples = build_samples([sheet_row("D", "P1", "diagnosis", 0), sheet_row("R", "P1", "relapse", 90, "amplicon")])
    rows = {name: summarise_sample(SampleEvidence(name, cohort_metadata(sample), [], hotspots()))
            for name, sample in samples.items()}
    assert [rows["R"][c] for c in ("patient", "timepoint", "assay", "day", "role")] == \
        ["P1", "relapse", "amplicon", 90, "follow-up"]
    # ELN classifies the baseline only (wild type here: ELN 2017 intermediate).
    assert (rows["D"]["role"], rows["D"]["eln2017_npm1_flt3_component"]) == ("baseline", "intermediate")
    assert rows["R"]["eln2017_npm1_flt3_component"] is None


def test_a_failed_run_leaves_no_tables(tmp_path, monkeypatch):
    from npm1_flt3.cohort import CohortOutputs, write_tables

    monkeypatch.chdir(tmp_path)  # the manifest's results/calls/S1.vcf.gz does not exist here
    with pytest.raises(OSError):
        write_tables(manifest_of(tmp_path, sheet_row("S1")),
                     CohortOutputs(tmp_path / "out" / "cohort.tsv", tmp_path / "out" / "variants.tsv",
                                   tmp_path / "out" / "cohort_summary.tsv"))
    assert list((tmp_path / "out").iterdir()) == []


def test_a_vcf_of_another_sample_is_an_error_naming_both(tmp_path, monkeypatch):
    from npm1_flt3.cohort import build_tables

    monkeypatch.chdir(tmp_path)
    calls = tmp_path / "results" / "calls"
    calls.mkdir(parents=True)
    (calls / "S2.vcf.gz").write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
                                     "\tFORMAT\tS1\n")
    with pytest.raises(ValueError, match="results/calls/S2.vcf.gz holds sample 'S1', but the manifest .* "
                                         "lists it for sample 'S2'; re-run the caller for S2"):
        build_tables(manifest_of(tmp_path, sheet_row("S2")))


def test_an_out_of_frame_itd_counts_as_fragment_analysis_counts_it_with_a_note():
    itd = flt3_itd(0.3, 20, hgvs_c="NM_004119.3:c.1780_1799dup")
    itd["consequence"] = "frameshift"
    row = summary([itd])
    assert row["flt3_itd_status"] == "present"
    assert "FLT3-ITD c.1780_1799dup is out of frame (frameshift)" in row["eln_note"]
