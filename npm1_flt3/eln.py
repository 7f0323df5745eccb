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
sum over all ITD clones (total mutant over wild type, as fragment analysis measures it).
"""

from __future__ import annotations

from itertools import product

AR_CUTOFF_2017 = 0.5

# ITD states: absent, low (AR < 0.5), high (AR >= 0.5 or no wild type left).
ELN2017 = {("mutated", "absent"): "favourable", ("mutated", "low"): "favourable",
           ("mutated", "high"): "intermediate", ("wild-type", "absent"): "intermediate",
           ("wild-type", "low"): "intermediate", ("wild-type", "high"): "adverse"}
ELN2022 = {("mutated", "absent"): "favourable", ("mutated", "low"): "intermediate",
           ("mutated", "high"): "intermediate", ("wild-type", "absent"): "none",
           ("wild-type", "low"): "intermediate", ("wild-type", "high"): "intermediate"}


def itd_state(itd_status: str, total_ar: float | None) -> str | None:
    """absent, low, high, or None when not known (no-call)."""
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


def eln_components(npm1_status: str, itd_status: str, total_ar: float | None,
                   total_ar_ci: tuple[float | None, float | None]) -> dict:
    """The ELN 2017 / 2022 NPM1/FLT3 component columns of one diagnosis sample."""
    itd = itd_state(itd_status, total_ar)
    notes = []
    low, high = total_ar_ci
    if itd in ("low", "high") and low is not None and low < AR_CUTOFF_2017 and (high is None or high >= AR_CUTOFF_2017):
        notes.append(f"ITD AR {_ar(total_ar)} (95% CI {_ar(low)}-{_ar(high)}) spans the ELN 2017 "
                     f"cut-off {AR_CUTOFF_2017}: confirm the ELN 2017 component by fragment analysis")
    return {"eln2017_npm1_flt3_component": component(ELN2017, npm1_status, itd),
            "eln2022_npm1_flt3_component": component(ELN2022, npm1_status, itd),
            "eln_note": "; ".join(notes)}


def _ar(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:.2f}"
