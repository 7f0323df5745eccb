"""ELN 2017 / 2022 NPM1/FLT3 components: the table of docs/domain.md, and no guessing on no-calls."""

from __future__ import annotations

from fractions import Fraction

import pytest

from npm1_flt3.eln import eln_components

NO_CI = (None, None)


@pytest.mark.parametrize("npm1, itd, ar, eln2017, eln2022", [
    ("mutated", "absent", None, "favourable", "favourable"),
    ("mutated", "present", 0.3, "favourable", "intermediate"),
    ("mutated", "present", 0.5, "intermediate", "intermediate"),   # AR >= 0.5 is high
    ("wild-type", "absent", None, "intermediate", "none"),         # ELN 2022: NPM1/FLT3 set nothing
    ("wild-type", "present", 0.2, "intermediate", "intermediate"),
    ("wild-type", "present", 1.5, "adverse", "intermediate"),      # ELN 2022: ITD alone not adverse
    ("wild-type", "present", None, "adverse", "intermediate"),     # no wild type left: AR unbounded
])
def test_components_follow_the_eln_table(npm1, itd, ar, eln2017, eln2022):
    row = eln_components(npm1, itd, ar, NO_CI)
    assert (row["eln2017_npm1_flt3_component"], row["eln2022_npm1_flt3_component"]) == (eln2017, eln2022)


def test_a_no_call_gives_no_call_where_the_missing_result_would_matter():
    row = eln_components("no-call", "absent", None, NO_CI)
    assert row["eln2017_npm1_flt3_component"] == "no-call"
    assert row["eln2022_npm1_flt3_component"] == "no-call"
    row = eln_components("mutated", "no-call", None, NO_CI)
    assert row["eln2017_npm1_flt3_component"] == "no-call"


def test_a_no_call_is_resolved_when_every_possible_result_agrees():
    # Any FLT3-ITD makes the ELN 2022 component intermediate, whatever NPM1 would have been.
    row = eln_components("no-call", "present", 0.8, NO_CI)
    assert row["eln2022_npm1_flt3_component"] == "intermediate"
    assert row["eln2017_npm1_flt3_component"] == "no-call"  # favourable? no: intermediate or adverse


def test_an_allelic_ratio_whose_interval_spans_the_cutoff_is_flagged():
    row = eln_components("mutated", "present", 0.48, (0.40, 0.57))
    assert row["eln2017_npm1_flt3_component"] == "favourable"
    assert "spans the ELN 2017 cut-off 0.5" in row["eln_note"]
    assert eln_components("mutated", "present", 0.2, (0.15, 0.26))["eln_note"] == ""


def test_allelic_ratio_from_counts_at_exactly_one_half_is_high():
    # 100 ITD fragments of 300: a VAF rounded to 0.3333 would give AR 0.49996 and "low".
    from npm1_flt3.stats import total_allelic_ratio

    ar = total_allelic_ratio([(100, 300)])
    assert ar == Fraction(1, 2)
    assert eln_components("mutated", "present", ar, NO_CI)["eln2017_npm1_flt3_component"] == "intermediate"
    assert total_allelic_ratio([(40, 400), (60, 300)]) == Fraction(3, 7)  # 0.1 + 0.2 over 0.7
    assert total_allelic_ratio([(300, 300)]) is None  # no wild type left: unbounded


def test_an_itd_below_the_fragment_analysis_cutoff_is_flagged_but_counted():
    row = eln_components("mutated", "present", Fraction(3, 997), NO_CI)
    assert row["eln2022_npm1_flt3_component"] == "intermediate"
    assert "ITD AR 0.003 is below 0.05, the fragment-analysis positivity cut-off" in row["eln_note"]
    assert "below 0.05" not in eln_components("mutated", "present", Fraction(1, 20), NO_CI)["eln_note"]


def test_a_baseline_not_marked_diagnosis_says_so():
    assert "not marked timepoint 'diagnosis' (timepoint: 'remission')" in \
        eln_components("mutated", "absent", None, NO_CI, timepoint="remission")["eln_note"]
    assert "timepoint: 'not given'" in eln_components("mutated", "absent", None, NO_CI, timepoint="")["eln_note"]
    assert eln_components("mutated", "absent", None, NO_CI, timepoint="Diagnosis")["eln_note"] == ""
