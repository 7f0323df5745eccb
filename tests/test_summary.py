"""Cohort summary: each patient counted once (its baseline sample), follow-ups only in QC counts."""

from __future__ import annotations

from npm1_flt3.summary import CohortSummary


def row(npm1="wild-type", npm1_type=None, itd="absent", tkd="absent", role="baseline", qc="pass",
        eln2017="intermediate", eln2022="none"):
    return {"npm1_status": npm1, "npm1_type": npm1_type, "flt3_itd_status": itd, "flt3_tkd_status": tkd,
            "role": role, "qc_status": qc, "eln2017_npm1_flt3_component": eln2017,
            "eln2022_npm1_flt3_component": eln2022}


def itd(length, filter="PASS"):
    return {"type": "ITD", "length": length, "filter": filter}


def summary_of(samples):
    summary = CohortSummary()
    for sample_row, variants in samples:
        summary.add(sample_row, variants)
    return {(r["section"], r["category"]): r for r in summary.rows()}


COHORT = [
    (row("mutated", "A", "present", eln2017="favourable", eln2022="intermediate"), [itd(21), itd(60)]),
    (row("mutated", "A", eln2017="favourable", eln2022="favourable"), []),
    (row("mutated", "B", eln2017="favourable", eln2022="favourable"), [itd(250, filter="LowVAF")]),
    (row("wild-type", None, "present", eln2017="adverse", eln2022="intermediate"), [itd(120)]),
    (row("no-call", None, "no-call", "no-call", qc="fail", eln2017="no-call", eln2022="no-call"), []),
    (row("wild-type", None, role="follow-up", qc="warn", eln2017=None, eln2022=None), [itd(33)]),
]


def test_patients_and_follow_ups_are_counted_apart():
    table = summary_of(COHORT)
    assert table["samples", "patients (baseline samples)"]["count"] == 5
    assert table["samples", "follow-up samples"]["count"] == 1


def test_npm1_types_are_counted_per_patient():
    table = summary_of(COHORT)
    assert {c: table["npm1_type", c]["count"] for c in ("A", "B", "D", "other", "wild-type", "no-call")} == \
        {"A": 2, "B": 1, "D": 0, "other": 0, "wild-type": 1, "no-call": 1}
    assert table["npm1_type", "A"]["percent"] == "40.0"


def test_itd_lengths_count_passing_clones_of_baseline_samples_only():
    table = summary_of(COHORT)
    counts = {c: table["flt3_itd_length", c]["count"] for c in ("1-30 bp", "31-60 bp", "91-150 bp", "151-300 bp")}
    assert counts == {"1-30 bp": 1, "31-60 bp": 1, "91-150 bp": 1, "151-300 bp": 0}
    assert table["flt3_itd_length", "1-30 bp"]["denominator"] == 3
    assert "median 60" in table["flt3_itd_length", "1-30 bp"]["note"]


def test_co_occurrence_of_npm1_and_itd():
    table = summary_of(COHORT)
    assert table["co_occurrence", "NPM1 mutated, FLT3-ITD present"]["count"] == 1
    assert table["co_occurrence", "NPM1 mutated, FLT3-ITD absent"]["count"] == 2
    assert table["co_occurrence", "NPM1 wild-type, FLT3-ITD present"]["count"] == 1
    assert table["co_occurrence", "NPM1 or FLT3-ITD no-call"]["count"] == 1
    among = table["co_occurrence", "FLT3-ITD among NPM1-mutated"]
    assert (among["count"], among["denominator"], among["percent"]) == (1, 3, "33.3")


def test_eln_components_and_qc_verdicts_are_counted():
    table = summary_of(COHORT)
    assert table["eln2017_npm1_flt3_component", "favourable"]["count"] == 3
    assert table["eln2022_npm1_flt3_component", "intermediate"]["count"] == 2
    assert ("eln2017_npm1_flt3_component", "none") not in table  # ELN 2017 has no 'none'
    assert [table["qc_status", v]["count"] for v in ("pass", "warn", "fail")] == [4, 1, 1]
    assert table["qc_status", "pass"]["denominator"] == 6


def test_variants_that_set_no_status_are_counted_apart_per_patient():
    exon5 = {**row("wild-type"), "npm1_other_variants": "c.394del p.(Ser132ValfsTer5) 35.0%"}
    synonymous = {**row("mutated", "A", eln2017="favourable", eln2022="favourable"),
                  "flt3_other_variants": "c.2505T>C p.(Asp835=) 40.0%"}
    table = summary_of([(exon5, []), (synonymous, []), (row(), [])])
    assert table["reported_not_classifying", "NPM1 variant other than the exon-12 frameshift"]["count"] == 1
    assert table["reported_not_classifying", "FLT3 variant other than ITD or D835/I836 TKD"]["count"] == 1
    assert table["npm1_type", "wild-type"]["count"] == 2  # the exon-5 frameshift is not NPM1-mutated
    assert table["flt3_tkd", "absent"]["count"] == 3
