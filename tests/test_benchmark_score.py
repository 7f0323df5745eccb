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
