"""The benchmark scorer must tell a good call set from a degraded one."""

from __future__ import annotations

from benchmarks.score import Call, TrueVariant, class_bins, score_tool, status_concordance

TRUTH = [
    TrueVariant("s1", "NPM1", "chr5", 171410539, 4, 0.05, "CTCTG"),
    TrueVariant("s2", "NPM1", "chr5", 171410541, 4, 0.01, "CTGCA"),
    TrueVariant("s1", "ITD", "chr13", 28034123, 21, 0.20, "T" + "A" * 21),
    TrueVariant("s2", "ITD", "chr13", 28033950, 150, 0.05, "T" + "A" * 150),
    TrueVariant("s3", "ITD", "chr13", 28034100, 30, 0.20, "T" + "A" * 30),
    TrueVariant("s3", "ITD", "chr13", 28034050, 90, 0.10, "T" + "A" * 90),
    TrueVariant("s2", "TKD", "chr13", 28018505, 1, 0.05, "A"),
]
CONTROLS = {"wt1"}


def perfect_calls(tool="t") -> list[Call]:
    return [Call(tool, v.sample, v.event, v.pos, v.length, v.vaf) for v in TRUTH]


def test_perfect_calls_score_perfectly():
    score = score_tool("t", TRUTH, perfect_calls(), CONTROLS)
    bins = class_bins(score)
    assert all(b["sensitivity"] == 1.0 for b in bins.values())
    assert all(b["exact_length"] == 1.0 for b in bins.values())
    assert all(b["median_abs_vaf_error"] == 0.0 for b in bins.values())
    assert score.false_positives == [] and score.false_positives_in_controls == []


def test_degraded_calls_lose_sensitivity_length_and_vaf_accuracy():
    calls = perfect_calls()
    degraded = [
        calls[0],                                             # NPM1 5%: kept
        # NPM1 1%: missed
        Call("t", "s1", "ITD", 28034123, 22, 0.30),            # 21 bp called 22 bp, VAF off by 0.10
        # ITD 150 bp: missed
        Call("t", "s3", "ITD", 28034100, 30, 0.20),            # first clone right
        Call("t", "s3", "ITD", 28034050, 60, 0.10),            # second clone: wrong length, no match
        calls[6],                                              # TKD kept
        Call("t", "wt1", "ITD", 28034100, 30, 0.02),           # false positive in a control
    ]
    score = score_tool("t", TRUTH, degraded, CONTROLS)
    bins = class_bins(score)
    assert bins["NPM1 VAF 0.01"]["sensitivity"] == 0.0
    assert bins["NPM1 VAF 0.05"]["sensitivity"] == 1.0
    assert bins["ITD 91-150 bp"]["sensitivity"] == 0.0
    assert bins["ITD 1-30 bp"]["sensitivity"] == 1.0
    assert bins["ITD 1-30 bp"]["exact_length"] == 0.5
    assert bins["ITD 31-90 bp"]["found"] == 0
    assert bins["ITD VAF 0.2"]["median_abs_vaf_error"] == 0.05
    assert len(score.false_positives) == 1            # the 60-bp call in s3
    assert len(score.false_positives_in_controls) == 1


def test_one_call_cannot_match_two_clones():
    one_call = [Call("t", "s3", "ITD", 28034060, 90, 0.1)]
    score = score_tool("t", [v for v in TRUTH if v.sample == "s3"], one_call, CONTROLS)
    assert sum(m.found for m in score.matches) == 1


def test_peer_without_no_call_is_discordant_on_an_uncovered_sample():
    truth_status = [{"sample": "low", "npm1_status": "no-call", "flt3_itd_status": "no-call",
                     "flt3_tkd_status": "no-call"}]
    result = status_concordance("peer", [], truth_status, None, {"ITD"})
    assert (result["agree"], result["total"]) == (0, 1)
    assert result["disagreements"] == ["low flt3_itd_status: absent (truth no-call)"]


# --- classification set (benchmarks/score_classification.py) ----------------------------------

from benchmarks import classification as cls  # noqa: E402
from benchmarks.score_classification import classification_table, score_sample, totals  # noqa: E402


def _expected(case_name: str, sample: str = "cls_01") -> dict:
    return {"sample": sample, **cls.expected_row(cls.CASE_BY_NAME[case_name])}


EXON5_VARIANT = {"sample": "cls_01", "case": "npm1_exon5_fs", "gene": "NPM1", "chrom": "chr5",
                 "pos": "171392759", "ref": "AC", "alt": "A", "type": "DEL", "vaf": "0.35",
                 "hgvs_c": "NM_002520.7:c.403del", "hgvs_p": "p.(Leu135SerfsTer2)",
                 "clinical_class": "NPM1-other", "single_call": "no"}


def _cohort_row(**changes) -> dict:
    row = {"sample": "cls_01", "npm1_status": "wild-type", "npm1_type": "", "flt3_itd_status": "absent",
           "flt3_tkd_status": "absent", "flt3_mutated": "no", "eln2017_npm1_flt3_component": "intermediate",
           "eln2022_npm1_flt3_component": "none", "eln_note": "",
           "npm1_other_variants": "c.403del p.(Leu135SerfsTer2) 34.8%", "flt3_other_variants": ""}
    return {**row, **changes}


def _variant_row(**changes) -> dict:
    row = {"sample": "cls_01", "gene": "NPM1", "chrom": "chr5", "pos": "171392759", "ref": "AC", "alt": "A",
           "type": "DEL", "hgvs_c": "NM_002520.7:c.403del", "hgvs_p": "p.(Leu135SerfsTer2)",
           "alt_reads": "340", "depth": "980", "vaf": "0.3469", "filter": "PASS",
           "clinical_class": "NPM1-other"}
    return {**row, **changes}


def test_classification_right_cohort_row_scores_right():
    result = score_sample(_expected("npm1_exon5_fs"), [EXON5_VARIANT], _cohort_row(), [_variant_row()])
    assert result["ok"], [c for c in result["checks"] if not c["ok"]]
    assert result["extra_calls"] == []
    assert {c["category"] for c in result["checks"]} == {"status", "eln", "hgvs", "call"}
    assert totals([result])["cases"] == {"correct": 1, "total": 1}


def test_classification_wrong_cohort_row_and_hgvs_score_wrong():
    # The exon-5 frameshift counted as NPM1-mutated (the bug issue 11 fixes), and a 5'-placed name.
    row = _cohort_row(npm1_status="mutated", npm1_type="other", eln2017_npm1_flt3_component="favourable",
                      eln2022_npm1_flt3_component="favourable", npm1_other_variants="")
    call = _variant_row(hgvs_c="NM_002520.7:c.402del", clinical_class="NPM1-mutated")
    result = score_sample(_expected("npm1_exon5_fs"), [EXON5_VARIANT], row, [call])
    wrong = {c["field"] for c in result["checks"] if not c["ok"]}
    assert wrong == {"npm1_status", "npm1_type", "eln2017_npm1_flt3_component",
                     "eln2022_npm1_flt3_component", "npm1_other_variants", "hgvs_c", "clinical_class"}
    assert not result["ok"]
    counts = totals([result])
    assert counts["eln"] == {"correct": 2, "total": 4}  # the two note flags are right
    assert counts["hgvs"] == {"correct": 1, "total": 2}
    table = classification_table({"samples": 1, "workflow_wall_s": 1.0, "cases": [result], "totals": counts})
    assert "| 1. npm1_exon5_fs" in table and "**no** (7 of" in table and "NPM1 **mutated**" in table


def test_classification_missing_call_and_split_delins_are_wrong():
    want = {**EXON5_VARIANT, "case": "npm1_type_e", "pos": "171410549", "ref": "GGAGG", "alt": "CTCTTGCCC",
            "type": "DELINS", "hgvs_c": "NM_002520.7:c.869_873delinsCTCTTGCCC",
            "hgvs_p": "p.(Trp290SerfsTer10)", "clinical_class": "NPM1-mutated", "single_call": "yes"}
    expected = _expected("npm1_type_e")
    row = _cohort_row(npm1_status="mutated", npm1_type="E", eln2017_npm1_flt3_component="favourable",
                      eln2022_npm1_flt3_component="favourable", npm1_other_variants="")
    pieces = [_variant_row(pos="171410548", ref="T", alt="TCTCT", type="INS", hgvs_c="NM_002520.7:c.868_869insCTCT",
                           clinical_class="NPM1-mutated"),
              _variant_row(pos="171410553", ref="G", alt="C", type="SNV")]
    result = score_sample(expected, [want], row, pieces)
    checks = {c["field"]: c for c in result["checks"]}
    assert not checks["allele"]["ok"] and not checks["single_call"]["ok"]
    assert checks["single_call"]["got"] == "2 calls"
    assert checks["npm1_status"]["ok"]
    missing = score_sample(expected, [want], row, [])
    assert {c["got"] for c in missing["checks"] if c["category"] == "hgvs"} == {"not called"}


def test_classification_ar_cases_follow_the_reported_counts():
    expected = _expected("ar_one_third")
    base = _cohort_row(npm1_status="mutated", npm1_type="A", flt3_itd_status="present", flt3_mutated="yes",
                       eln2022_npm1_flt3_component="intermediate", npm1_other_variants="")

    def itd(alt, depth):
        return _variant_row(gene="FLT3", chrom="chr13", pos="28034118", type="ITD", alt_reads=str(alt),
                            depth=str(depth), hgvs_c="x", clinical_class="FLT3-ITD")

    spans = "ITD AR 0.50 (95% CI 0.42-0.60) spans the ELN 2017 cut-off 0.5: confirm ..."
    # 100 of 300 fragments: AR exactly 0.5, high -> intermediate; the interval spans 0.5.
    high = score_sample(expected, [], {**base, "eln2017_npm1_flt3_component": "intermediate", "eln_note": spans},
                        [itd(100, 300)])
    assert all(c["ok"] for c in high["checks"]), [c for c in high["checks"] if not c["ok"]]
    assert "100/300" in high["ar_from_counts"]
    # 99 of 300: AR 0.4925, low -> favourable; reporting intermediate is wrong.
    low = score_sample(expected, [], {**base, "eln2017_npm1_flt3_component": "intermediate", "eln_note": spans},
                       [itd(99, 300)])
    eln2017 = next(c for c in low["checks"] if c["field"] == "eln2017_npm1_flt3_component")
    assert (eln2017["expected"], eln2017["ok"]) == ("favourable", False)
    # 3000 of 10000: AR 0.43 with a narrow interval (0.41-0.45): no note expected; one given is wrong.
    narrow = score_sample(expected, [], {**base, "eln2017_npm1_flt3_component": "favourable", "eln_note": spans},
                          [itd(3000, 10000)])
    note = next(c for c in narrow["checks"] if c["field"] == "note_ar_spans_cutoff")
    assert (note["expected"], note["got"], note["ok"]) == ("no", "yes", False)


def test_classification_low_level_note_is_recognised():
    expected = _expected("itd_low_level")
    assert expected["note_low_level_itd"] == "yes"
    note = ("ITD AR 0.010 is below 0.05, the fragment-analysis positivity cut-off of the studies behind "
            "ELN (RATIFY): low-level ITD, the ELN 2022 component counts it; confirm before acting on it")
    row = _cohort_row(eln_note=note)
    check = next(c for c in score_sample(expected, [], row, [])["checks"] if c["field"] == "note_low_level_itd")
    assert check["ok"] and check["got"] == "yes"
    check = next(c for c in score_sample(expected, [], _cohort_row(), [])["checks"]
                 if c["field"] == "note_low_level_itd")
    assert not check["ok"]


def test_results_md_gets_a_classification_section(tmp_path):
    from benchmarks.report import write_json, write_results_md

    result = score_sample(_expected("npm1_exon5_fs"), [EXON5_VARIANT], _cohort_row(), [_variant_row()])
    write_json(tmp_path / "classification.json",
               {"set": "classification", "samples": 1, "workflow_wall_s": 2.0, "cases": [result],
                "totals": totals([result])})
    out = tmp_path / "RESULTS.md"
    write_results_md(tmp_path, out, ["capture150", "classification"], total_minutes=1.0)
    text = out.read_text()
    assert "### Classification (1 samples; workflow 2.0 s)" in text
    assert "cases entirely right 1/1" in text and "| 1. npm1_exon5_fs (cls_01)" in text
