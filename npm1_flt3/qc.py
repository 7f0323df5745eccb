"""The QC verdict of one sample: pass, warn or fail, with every reason spelled out.

What is checked (thresholds in config ``qc``, the hotspot depth in ``caller.min_depth``):

* few reads: fewer reads in the final BAM than ``min_reads`` -> fail. So few reads make every
  number of the sample a guess, even where a hotspot happens to reach the depth.
* no status hotspot covered -> fail; some not covered -> warn. (The gene statuses already say
  'no-call' there; the verdict says why the sample needs a look.)
* low mapping rate: under ``min_mapped_fraction`` of the reads aligned -> warn (wrong reference,
  contamination, or a panel with many targets outside the reference's genes).
* high duplication: over ``max_duplicate_fraction`` of the reads marked duplicate -> warn (a
  library of few molecules: depth overstates what was sampled). Not applied to amplicon data,
  whose reads all start at the same places and are never marked.

**RNA samples** (assay ``rna``; npm1_flt3/vaf_source.py). Depth there is transcripts, and follows
expression. Where the rule differs from DNA, the reasons say so with a note that leaves the
verdict as it is (level ``pass``):

* duplication is not judged: PCR duplicates cannot be told from the many reads of a highly
  expressed transcript (NPM1 is an abundantly expressed gene), which start at the same places by
  chance.
* the coverage-only hotspots (role ``coverage``: NPM1 legacy exons 5, 9, 11 and FLT3 exon 20, see
  npm1_flt3/hotspots.py) decide no status; their depth follows expression, which is uneven along a
  transcript (3' bias of poly(A) libraries, targeted-RNA primer placement), so they are not called
  uncovered (``uncovered_hotspots``) when below the depth, only named in a note.
* the status hotspots (NPM1 exon 12, FLT3 exons 14-15, codons D835-I836) keep the DNA rule: a
  negative result needs the depth there, so a shallow one is a no-call (npm1_flt3/cohort.py) and a
  QC warning, and all of them shallow fail the sample. Low expression is no excuse for a
  wild-type call.

The read numbers come from ``samtools stats`` of the final BAM (its SN section).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from npm1_flt3.vaf_source import RNA, vaf_source_of

STATUS_ROLES = ("npm1", "flt3_itd", "flt3_tkd")  # hotspot roles that decide a gene status
COVERAGE_ROLE = "coverage"  # reported only (npm1_flt3/hotspots.py)
VERDICT_ORDER = ("pass", "warn", "fail")


@dataclass(frozen=True)
class QcThresholds:
    min_reads: int = 2000
    min_mapped_fraction: float = 0.90
    max_duplicate_fraction: float = 0.50


@dataclass(frozen=True)
class ReadStats:
    reads: int  # primary reads (samtools stats 'raw total sequences')
    mapped: int
    duplicates: int

    @property
    def mapped_fraction(self) -> float:
        return self.mapped / self.reads if self.reads else 0.0

    @property
    def duplicate_fraction(self) -> float:
        return self.duplicates / self.reads if self.reads else 0.0


SN_FIELDS = {"raw total sequences": "reads", "reads mapped": "mapped", "reads duplicated": "duplicates"}


def read_samtools_stats(path: Path) -> ReadStats:
    """The read counts of a samtools stats report (lines 'SN<TAB>name:<TAB>value')."""
    values: dict[str, int] = {}
    with open(path) as handle:
        for line in handle:
            if line.startswith("SN\t"):
                name, value = line.split("\t")[1:3]
                field = SN_FIELDS.get(name.rstrip(":"))
                if field:
                    values[field] = int(value)
    missing = [name for name, field in SN_FIELDS.items() if field not in values]
    if missing:
        raise ValueError(f"{path}: not a samtools stats report (no SN line for {', '.join(missing)}); "
                         "re-run samtools stats for this sample")
    return ReadStats(**values)


@dataclass(frozen=True)
class Finding:
    level: str  # warn | fail; pass: a note that leaves the verdict (an RNA rule differing from DNA)
    reason: str


def qc_findings(hotspots: list[dict], stats: ReadStats | None, assay: str,
                thresholds: QcThresholds) -> list[Finding]:
    """Every QC problem of one sample, in a fixed order (reads, hotspots, mapping, duplicates);
    for an RNA sample, notes where its rule differs (module docstring)."""
    rna = vaf_source_of(assay) == RNA
    findings = []
    if stats is not None and stats.reads < thresholds.min_reads:
        findings.append(Finding("fail", f"few reads ({stats.reads} < {thresholds.min_reads})"))
    findings += _hotspot_findings(hotspots, rna)
    if stats is not None and stats.mapped_fraction < thresholds.min_mapped_fraction:
        findings.append(Finding("warn", f"low mapping rate ({_percent(stats.mapped_fraction)} < "
                                        f"{_percent(thresholds.min_mapped_fraction)})"))
    if stats is not None and assay != "amplicon" and stats.duplicate_fraction > thresholds.max_duplicate_fraction:
        measured = f"{_percent(stats.duplicate_fraction)} > {_percent(thresholds.max_duplicate_fraction)}"
        findings.append(Finding("pass", f"RNA sample: duplication ({measured}) not judged, as duplicates cannot "
                                        "be told from reads of highly expressed transcripts") if rna
                        else Finding("warn", f"high duplication ({measured})"))
    return findings


def _hotspot_findings(hotspots: list[dict], rna: bool = False) -> list[Finding]:
    status_spots = [h for h in hotspots if h["role"] in STATUS_ROLES]
    low = [h for h in status_spots if h["covered"] != "yes"]
    level = "fail" if low and len(low) == len(status_spots) else "warn"
    findings = [Finding(level, f"low depth at {h['hotspot']} ({h['min_depth']} < {h['required_depth']})")
                for h in low]
    expression_only = [h for h in hotspots if rna and h["role"] == COVERAGE_ROLE and h["covered"] != "yes"]
    if expression_only:
        depths = ", ".join(f"{h['hotspot']} ({h['min_depth']} < {h['required_depth']})" for h in expression_only)
        findings.append(Finding("pass", f"RNA sample: low depth at {depths} not called uncovered: depth there "
                                        "follows expression, and these hotspots decide no status"))
    return findings


def uncovered_hotspots(hotspots: list[dict], assay: str) -> list[str]:
    """The hotspots below the minimum depth, as cohort.tsv lists them: every one for DNA; for RNA
    only those whose depth decides a status (module docstring)."""
    rna = vaf_source_of(assay) == RNA
    return [h["hotspot"] for h in hotspots
            if h["covered"] != "yes" and not (rna and h["role"] == COVERAGE_ROLE)]


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def verdict(findings: list[Finding]) -> str:
    """The worst level found; pass when nothing was."""
    return max((f.level for f in findings), key=VERDICT_ORDER.index, default="pass")
