"""Cohort summary (cohort_summary.tsv): what a cohort looks like, one patient counted once.

Counts are over *baseline* samples (each patient's first sample: its diagnosis, in a cohort with
follow-ups), so that a patient followed over three timepoints is not counted three times; only the
QC verdicts count every sample. Sections:

* samples: patients (baseline samples) and follow-up samples;
* npm1_type: A, B, D, other, wild-type, no-call (NPM1-mutated as ELN defines it: the legacy
  exon-12 frameshift, npm1_flt3/classify.py);
* reported_not_classifying: patients with an NPM1 variant that is not that (legacy exons 5, 9,
  11, in-frame exon 12), and with an FLT3 variant that is neither ITD nor TKD (a synonymous
  change at D835, say): counted apart, never in npm1_type or flt3_tkd;
* flt3_itd_length: passing ITD clones of baseline samples per length bin (min / median / max in
  the note);
* co_occurrence: NPM1 x FLT3-ITD, and FLT3-ITD among NPM1-mutated patients;
* flt3_tkd, eln2017_npm1_flt3_component, eln2022_npm1_flt3_component: counts per value;
* qc_status: pass / warn / fail over all samples.

Only counters are kept, so memory does not grow with the cohort (the ITD lengths excepted: one
integer per ITD clone).
"""

from __future__ import annotations

import statistics
from collections import Counter

SUMMARY_COLUMNS = ["section", "category", "count", "denominator", "percent", "note"]
ITD_LENGTH_BINS = ((1, 30), (31, 60), (61, 90), (91, 150), (151, 300), (301, None))
NPM1_CATEGORIES = ("A", "B", "D", "other", "wild-type", "no-call")
CO_OCCURRENCE = (
    ("mutated", "present", "NPM1 mutated, FLT3-ITD present"),
    ("mutated", "absent", "NPM1 mutated, FLT3-ITD absent"),
    ("wild-type", "present", "NPM1 wild-type, FLT3-ITD present"),
    ("wild-type", "absent", "NPM1 wild-type, FLT3-ITD absent"),
)
# cohort.tsv columns of variants that are reported but set no status (npm1_flt3/classify.py).
REPORTED_NOT_CLASSIFYING = {
    "npm1_other_variants": "NPM1 variant other than the exon-12 frameshift",
    "flt3_other_variants": "FLT3 variant other than ITD or D835/I836 TKD",
}
COMPONENT_VALUES = ("favourable", "intermediate", "adverse", "none", "no-call")


class CohortSummary:
    """Add every cohort row (with its variants); ``rows`` gives the summary table."""

    def __init__(self):
        self.baseline = 0
        self.follow_up = 0
        self.counts: dict[str, Counter] = {name: Counter() for name in (
            "npm1_type", "co_occurrence", "flt3_tkd", "eln2017_npm1_flt3_component",
            "eln2022_npm1_flt3_component", "qc_status", "reported_not_classifying")}
        self.itd_lengths: list[int] = []

    def add(self, row: dict, variants: list[dict]) -> None:
        self.counts["qc_status"][row["qc_status"]] += 1
        if row["role"] != "baseline":
            self.follow_up += 1
            return
        self.baseline += 1
        npm1 = row["npm1_status"]
        self.counts["npm1_type"][row["npm1_type"] if npm1 == "mutated" else npm1] += 1
        self.counts["co_occurrence"][npm1, row["flt3_itd_status"]] += 1
        self.counts["flt3_tkd"][row["flt3_tkd_status"]] += 1
        for column in ("eln2017_npm1_flt3_component", "eln2022_npm1_flt3_component"):
            self.counts[column][row[column]] += 1
        for column in REPORTED_NOT_CLASSIFYING:
            self.counts["reported_not_classifying"][column] += bool(row.get(column))
        self.itd_lengths += [int(v["length"]) for v in variants
                             if v["filter"] == "PASS" and v["type"] == "ITD"]

    def rows(self) -> list[dict]:
        rows = [_row("samples", "patients (baseline samples)", self.baseline, None,
                     "each patient's baseline: its diagnosis sample, else its first; every other count but qc_status is over these"),
                _row("samples", "follow-up samples", self.follow_up, None)]
        rows += [_row("npm1_type", name, self.counts["npm1_type"][name], self.baseline)
                 for name in NPM1_CATEGORIES]
        rows += [_row("reported_not_classifying", label, self.counts["reported_not_classifying"][column],
                      self.baseline, "patients; reported in variants.tsv, sets no status or ELN component")
                 for column, label in REPORTED_NOT_CLASSIFYING.items()]
        rows += self._itd_length_rows()
        rows += self._co_occurrence_rows()
        rows += [_row("flt3_tkd", name, self.counts["flt3_tkd"][name], self.baseline)
                 for name in ("present", "absent", "no-call")]
        for column in ("eln2017_npm1_flt3_component", "eln2022_npm1_flt3_component"):
            rows += [_row(column, name, self.counts[column][name], self.baseline,
                          "NPM1/FLT3 component only, not the ELN risk class")
                     for name in COMPONENT_VALUES if name != "none" or column.startswith("eln2022")]
        total = self.baseline + self.follow_up
        rows += [_row("qc_status", name, self.counts["qc_status"][name], total, "all samples")
                 for name in ("pass", "warn", "fail")]
        return rows

    def _itd_length_rows(self) -> list[dict]:
        lengths = self.itd_lengths
        note = (f"{len(lengths)} ITD clones; length min {min(lengths)}, median "
                f"{statistics.median(lengths):g}, max {max(lengths)} bp" if lengths else "no ITD")
        rows = []
        for low, high in ITD_LENGTH_BINS:
            count = sum(1 for n in lengths if n >= low and (high is None or n <= high))
            rows.append(_row("flt3_itd_length", f"{low}-{high} bp" if high else f">{low - 1} bp",
                             count, len(lengths), note))
        return rows

    def _co_occurrence_rows(self) -> list[dict]:
        pairs = self.counts["co_occurrence"]
        rows = [_row("co_occurrence", label, pairs[npm1, itd], self.baseline)
                for npm1, itd, label in CO_OCCURRENCE]
        known = sum(pairs[npm1, itd] for npm1, itd, _ in CO_OCCURRENCE)
        rows.append(_row("co_occurrence", "NPM1 or FLT3-ITD no-call", self.baseline - known, self.baseline))
        mutated = pairs["mutated", "present"] + pairs["mutated", "absent"]
        rows.append(_row("co_occurrence", "FLT3-ITD among NPM1-mutated", pairs["mutated", "present"],
                         mutated, "patients with NPM1 mutated and FLT3-ITD called (present or absent)"))
        return rows


def _row(section: str, category: str, count: int, denominator: int | None, note: str = "") -> dict:
    # Text, one decimal: the table writer would print a float with four.
    percent = f"{100 * count / denominator:.1f}" if denominator else None
    return {"section": section, "category": category, "count": count,
            "denominator": denominator, "percent": percent, "note": note}
