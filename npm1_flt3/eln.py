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
* the baseline sample is not marked timepoint 'diagnosis' (ELN classifies at diagnosis);
* the sample is RNA (below).

**RNA samples** (assay ``rna``, npm1_flt3/vaf_source.py). The ELN 2017 allelic ratio is a ratio of
genomic DNA: Döhner et al., Blood 2017;129:424-447, Table 5, defines low (< 0.5) and high (>= 0.5)
allelic ratio by semiquantitative DNA fragment analysis (area under the FLT3-ITD peak over the
FLT3 wild-type peak). A ratio of RNA reads is a ratio of transcripts (allele-specific expression,
FLT3-ITD transcripts often over-represented), not that ratio. So, for an RNA sample and unless the
user asks (``rna.allelic_ratio: true``), no AR is computed and the ELN 2017 component is taken over
an *unknown* AR: a present ITD could be low or high, so the component is 'no-call' where the AR
would decide it (NPM1 mutated or wild-type with an ITD) and stays decided where it would not (no
ITD). ELN 2022 (Döhner et al., Blood 2022;140:1345-1377) dropped the AR (any FLT3-ITD is
intermediate), so its component is the same as for DNA. ``eln_note`` says which of the two was done;
when the AR is computed from RNA on request, the note says it is a transcript ratio.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from npm1_flt3.vaf_source import DNA, RNA, allelic_ratio_reported

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


ITD_STATES = ("absent", "low", "high")


def itd_states(itd_status: str, total_ar: Fraction | float | None, ar_known: bool = True) -> tuple[str, ...]:
    """The ITD states the result allows: one (absent, low or high) when known; low or high for a
    present ITD whose AR is not known (an RNA sample: no AR computed); all three for a no-call.
    Pass the AR exactly (a Fraction from the counts): a rounded AR could fall just below 0.5. A
    present ITD with a known AR of None has no wild type left: high."""
    if itd_status == "absent":
        return ("absent",)
    if itd_status == "present":
        if not ar_known:
            return ("low", "high")
        return ("high",) if total_ar is None or total_ar >= AR_CUTOFF_2017 else ("low",)
    return ITD_STATES


def component(table: dict, npm1_status: str, itd: tuple[str, ...]) -> str:
    """The table's value, or no-call when the results the evidence allows would disagree."""
    npm1_options = [npm1_status] if npm1_status in ("mutated", "wild-type") else ["mutated", "wild-type"]
    values = {table[key] for key in product(npm1_options, itd)}
    return values.pop() if len(values) == 1 else "no-call"


def eln_components(npm1_status: str, itd_status: str, total_ar: Fraction | float | None,
                   total_ar_ci: tuple[float | None, float | None], timepoint: str = DIAGNOSIS,
                   vaf_source: str = DNA, rna_allelic_ratio: bool = False) -> dict:
    """The ELN 2017 / 2022 NPM1/FLT3 component columns of one baseline sample. For an RNA sample
    (vaf_source 'rna') the AR is ignored, as unknown, unless rna_allelic_ratio (module docstring)."""
    ar_known = allelic_ratio_reported(vaf_source, rna_allelic_ratio)
    itd = itd_states(itd_status, total_ar, ar_known)
    notes = []
    if vaf_source == RNA:
        notes.append(rna_note(itd_status == "present", ar_known))
    low, high = total_ar_ci
    if ar_known and itd_status == "present" and low is not None and low < AR_CUTOFF_2017 \
            and (high is None or high >= AR_CUTOFF_2017):
        notes.append(f"ITD AR {_ar(total_ar)} (95% CI {_ar(low)}-{_ar(high)}) spans the ELN 2017 "
                     f"cut-off {float(AR_CUTOFF_2017)}: confirm the ELN 2017 component by fragment analysis")
    if itd == ("low",) and total_ar < FRAGMENT_ANALYSIS_MIN_AR:
        notes.append(f"ITD AR {_ar(total_ar, 3)} is below {float(FRAGMENT_ANALYSIS_MIN_AR)}, the fragment-analysis "
                     "positivity cut-off of the studies behind ELN (RATIFY): low-level ITD, the ELN 2022 "
                     "component counts it; confirm before acting on it")
    if timepoint.strip().lower() != DIAGNOSIS:
        notes.append(f"baseline sample is not marked timepoint '{DIAGNOSIS}' (timepoint: "
                     f"'{timepoint or 'not given'}'): ELN classifies the diagnostic sample")
    return {"eln2017_npm1_flt3_component": component(ELN2017, npm1_status, itd),
            "eln2022_npm1_flt3_component": component(ELN2022, npm1_status, itd),
            "eln_note": "; ".join(notes)}


def rna_note(itd_present: bool, ar_computed: bool) -> str:
    """What eln_note says of an RNA sample (module docstring)."""
    note = "RNA sample: allele fractions are transcript fractions"
    if not ar_computed:
        return (note + "; no ELN 2017 allelic ratio computed from RNA (set rna.allelic_ratio: true to "
                "compute it anyway)")
    note += ("; allelic ratios are transcript ratios (rna.allelic_ratio: true), not the genomic-DNA "
             "fragment-analysis ratio of ELN 2017")
    return note + (": confirm the ELN 2017 component on DNA" if itd_present else "")


def _ar(value: Fraction | float | None, digits: int = 2) -> str:
    return "unbounded" if value is None else f"{float(value):.{digits}f}"
