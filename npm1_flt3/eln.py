"""ELN 2017 and ELN 2022 components from NPM1 and FLT3-ITD (../shared/docs/domain.md).

Only NPM1 and FLT3 are seen here, so what is reported is the NPM1/FLT3 *component* of the ELN
risk class, never the class: cytogenetics and other genes (e.g. adverse karyotype, TP53, ASXL1)
can override it. Every column and message says so.

| NPM1 \\ FLT3-ITD | absent       | AR < 0.5     | AR >= 0.5    |
|-----------------|--------------|--------------|--------------|
| ELN 2017 mutated   | favourable   | favourable   | intermediate |
| ELN 2017 wild-type | intermediate | intermediate | adverse      |
| ELN 2022 mutated   | favourable   | intermediate | intermediate |
| ELN 2022 wild-type | none         | intermediate | intermediate |

'none': in ELN 2022, NPM1 wild-type without FLT3-ITD sets no category; other findings decide.
A no-call of NPM1 or FLT3-ITD gives 'no-call' unless every possible result gives the same
component (e.g. any FLT3-ITD makes ELN 2022 intermediate whatever NPM1 is). The AR used is the
sum over all ITD clones (total mutant over wild type, as fragment analysis measures it), computed
exactly from the fragment counts (npm1_flt3/stats.py, total_allelic_ratio): AR >= 0.5 is "high"
in ELN 2017 (Döhner et al., Blood 2017;129:424-447, Table 5: "low allelic ratio (<0.5)", "high
allelic ratio (>=0.5)"), so 100 ITD fragments of 300, AR exactly 0.5, is high.

"NPM1 mutated" is only the legacy exon-12 frameshift that removes the nucleolar signal
(npm1_flt3/classify.py); other NPM1 variants never reach this module.

``eln_note`` says what a reader must know before acting on the component:
* the AR's 95% interval spans 0.5 (the ELN 2017 component could flip: confirm by fragment analysis);
* the ITD is below the fragment-analysis positivity cut-off that ELN's evidence rests on: the
  FLT3 results behind ELN 2017/2022 come from capillary fragment analysis, which calls an ITD
  positive at a mutant/wild-type ratio of 0.05 or more (RATIFY, Stone et al., N Engl J Med
  2017;377:454-464, stratified FLT3-ITD by allelic ratio as low, 0.05-0.7, or high, > 0.7, by
  the fragment assay that became the LeukoStrat CDx FLT3 Mutation Assay; an AR under 0.05 was
  not ITD-positive). An NGS-detected ITD below that still sets the component (it is there), but
  ELN's outcome data never saw such a patient as ITD-positive;
* the baseline sample is not marked timepoint 'diagnosis' (ELN classifies at diagnosis).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

AR_CUTOFF_2017 = Fraction(1, 2)
# Fragment-analysis positivity cut-off (mutant / wild type) of the ITD assays behind ELN's evidence
# (RATIFY, Stone et al. NEJM 2017; module docstring).
FRAGMENT_ANALYSIS_MIN_AR = Fraction(5, 100)
DIAGNOSIS = "diagnosis"

# ITD states: absent, low (AR < 0.5), high (AR >= 0.5 or no wild type left).
ELN2017 = {("mutated", "absent"): "favourable", ("mutated", "low"): "favourable",
           ("mutated", "high"): "intermediate", ("wild-type", "absent"): "intermediate",
           ("wild-type", "low"): "intermediate", ("wild-type", "high"): "adverse"}
ELN2022 = {("mutated", "absent"): "favourable", ("mutated", "low"): "intermediate",
           ("mutated", "high"): "intermediate", ("wild-type", "absent"): "none",
           ("wild-type", "low"): "intermediate", ("wild-type", "high"): "intermediate"}


def itd_state(itd_status: str, total_ar: Fraction | float | None) -> str | None:
    """absent, low, high, or None when not known (no-call). Pass the AR exactly (a Fraction from
    the counts): a rounded AR could fall just below 0.5."""
    if itd_status == "absent":
        return "absent"
    if itd_status == "present":
        return "high" if total_ar is None or total_ar >= AR_CUTOFF_2017 else "low"
    return None


def component(table: dict, npm1_status: str, itd: str | None) -> str:
    """The table's value, or no-call when the unknown results would disagree."""
    npm1_options = [npm1_status] if npm1_status in ("mutated", "wild-type") else ["mutated", "wild-type"]
    itd_options = [itd] if itd else ["absent", "low", "high"]
    values = {table[key] for key in product(npm1_options, itd_options)}
    return values.pop() if len(values) == 1 else "no-call"


def eln_components(npm1_status: str, itd_status: str, total_ar: Fraction | float | None,
                   total_ar_ci: tuple[float | None, float | None], timepoint: str = DIAGNOSIS) -> dict:
    """The ELN 2017 / 2022 NPM1/FLT3 component columns of one baseline sample."""
    itd = itd_state(itd_status, total_ar)
    notes = []
    low, high = total_ar_ci
    if itd in ("low", "high") and low is not None and low < AR_CUTOFF_2017 and (high is None or high >= AR_CUTOFF_2017):
        notes.append(f"ITD AR {_ar(total_ar)} (95% CI {_ar(low)}-{_ar(high)}) spans the ELN 2017 "
                     f"cut-off {float(AR_CUTOFF_2017)}: confirm the ELN 2017 component by fragment analysis")
    if itd == "low" and total_ar < FRAGMENT_ANALYSIS_MIN_AR:
        notes.append(f"ITD AR {_ar(total_ar, 3)} is below {float(FRAGMENT_ANALYSIS_MIN_AR)}, the fragment-analysis "
                     "positivity cut-off of the studies behind ELN (RATIFY): low-level ITD, the ELN 2022 "
                     "component counts it; confirm before acting on it")
    if timepoint.strip().lower() != DIAGNOSIS:
        notes.append(f"baseline sample is not marked timepoint '{DIAGNOSIS}' (timepoint: "
                     f"'{timepoint or 'not given'}'): ELN classifies the diagnostic sample")
    return {"eln2017_npm1_flt3_component": component(ELN2017, npm1_status, itd),
            "eln2022_npm1_flt3_component": component(ELN2022, npm1_status, itd),
            "eln_note": "; ".join(notes)}


def _ar(value: Fraction | float | None, digits: int = 2) -> str:
    return "unbounded" if value is None else f"{float(value):.{digits}f}"
