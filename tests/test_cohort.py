"""Cohort status rules: found means mutated; not found means wild-type only where coverage allows."""

from __future__ import annotations

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
            "length": length, "alt_reads": int(vaf * 500), "depth": 500, **extra}


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
    row = summary([variant("NPM1", "INS", 0.3, npm1_type="A")], low=("NPM1_exon12",))
    assert row["npm1_status"] == "mutated"
    assert row["npm1_type"] == "A"


def test_filtered_calls_do_not_make_a_sample_mutated():
    row = summary([variant("NPM1", "INS", 0.004, filter="LowVAF")])
    assert row["npm1_status"] == "wild-type"


def test_a_coverage_only_hotspot_is_listed_but_does_not_decide():
    row = summary([], low=("NPM1_exon9",))
    assert row["npm1_status"] == "wild-type"
    assert row["uncovered_hotspots"] == "NPM1_exon9"


def test_two_itd_clones_report_the_largest_and_the_total():
    row = summary([
        variant("FLT3", "ITD", 0.10, length=21, itd_ar=0.1 / 0.6),
        variant("FLT3", "ITD", 0.30, length=60, itd_ar=0.3 / 0.6),
    ])
    assert row["flt3_itd_status"] == "present"
    assert (row["flt3_itd_count"], row["flt3_itd_length"], row["flt3_itd_vaf"]) == (2, 60, 0.30)
    assert row["flt3_itd_ar"] == pytest.approx(0.5)
    assert row["flt3_itd_total_vaf"] == pytest.approx(0.4)


def test_tkd_is_an_exon_20_call_not_an_itd():
    row = summary([variant("FLT3", "SNV", 0.05, exon=20, hgvs_p="p.(Asp835Tyr)"),
                   variant("FLT3", "INS", 0.05, exon=14)])
    assert row["flt3_tkd_status"] == "present"
    assert row["flt3_tkd_hgvs_p"] == "p.(Asp835Tyr)"
    assert row["flt3_itd_status"] == "absent"


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


def test_tables_written_in_chunks_are_the_bytes_of_the_whole_table(tmp_path):
    # The command streams its tables a chunk of rows at a time; the bytes must not depend on where
    # the chunks fall: a float column missing in one chunk, integers with gaps, text that needs quotes.
    import pandas as pd

    from npm1_flt3.cohort import VARIANT_COLUMNS, TableWriter, _with_integer_columns, write_table

    rows = [{"sample": f"S{i}", "pos": 100 + i, "vaf": None if i < 3 else i / 7,
             "exon": None if i % 2 else 14, "hgvs_p": 'p."odd"' if i == 4 else None,
             "itd_ar_ci_high": None} for i in range(8)]
    write_table(_with_integer_columns(pd.DataFrame(rows, columns=VARIANT_COLUMNS)), tmp_path / "whole.tsv")
    expected = (tmp_path / "whole.tsv").read_bytes()
    for chunk in (1, 3, 500):
        writer = TableWriter(tmp_path / f"chunk{chunk}.tsv", VARIANT_COLUMNS, chunk_rows=chunk)
        for row in rows:
            writer.add([row])
        writer.commit()
        assert (tmp_path / f"chunk{chunk}.tsv").read_bytes() == expected
    empty = TableWriter(tmp_path / "empty.tsv", VARIANT_COLUMNS)
    empty.commit()
    assert (tmp_path / "empty.tsv").read_text() == "\t".join(VARIANT_COLUMNS) + "\n"


def test_a_failed_run_leaves_no_tables(tmp_path):
    from npm1_flt3.cohort import CohortOutputs, write_tables

    sheet = tmp_path / "samples.tsv"
    sheet.write_text("sample\tunit\tfq1\tfq2\nS1\tL1\ta.fq.gz\t\n")
    with pytest.raises(OSError):
        write_tables([tmp_path / "missing.vcf.gz"], [tmp_path / "missing.hotspots.tsv"], sheet,
                     CohortOutputs(tmp_path / "out" / "cohort.tsv", tmp_path / "out" / "variants.tsv",
                                   tmp_path / "out" / "cohort_summary.tsv"))
    assert list((tmp_path / "out").iterdir()) == []
