"""Score call sets against a truth set, per variant class and bin, for us and for the peers.

Every tool's calls arrive in one shape (benchmarks/README.md, "Peer calls"): tool, sample, gene,
event (NPM1 | ITD | TKD | other), chrom, pos, length, vaf. Ours are converted from
results/cohort/variants.tsv (PASS records only).

Matching, one call to at most one true variant, per sample:
* NPM1 and TKD: same event, same length, position within POSITION_SLACK bases.
* ITD: an ITD call whose position lies in the affected stretch (anchor .. anchor + length, with
  POSITION_SLACK either side: tools place an ITD at either copy) and whose length is within
  max(3 bp, 10%) of the truth. The length is 'exact' when it is equal.
Calls left unmatched are false positives; those in wild-type controls are counted apart.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

POSITION_SLACK = 10
NPM1_VAF_BINS = (0.5, 0.2, 0.05, 0.02, 0.01, 0.005)
ITD_VAF_BINS = (0.4, 0.1, 0.05, 0.01)
ITD_LENGTH_BINS = ((1, 30), (31, 90), (91, 150), (151, 300))
NPM1_HOTSPOT_EXON_LEGACY = 12
OUR_TOOL = "npm1-flt3"


@dataclass(frozen=True)
class TrueVariant:
    sample: str
    event: str  # NPM1, NPM1_other_exon, ITD, TKD
    chrom: str
    pos: int
    length: int
    vaf: float
    alt: str
    realised_vaf: float | None = None  # the rough set's truth.tsv: the simulated molecules' fraction


@dataclass(frozen=True)
class Call:
    tool: str
    sample: str
    event: str
    pos: int
    length: int | None
    vaf: float | None


@dataclass
class Match:
    truth: TrueVariant
    call: Call | None

    @property
    def found(self) -> bool:
        return self.call is not None

    @property
    def exact_length(self) -> bool:
        return self.found and self.call.length == self.truth.length

    @property
    def vaf_error(self) -> float | None:
        if not self.found or self.call.vaf is None:
            return None
        return abs(self.call.vaf - self.truth.vaf)

    @property
    def realised_vaf_error(self) -> float | None:
        """|called - realised VAF| (truth sets with a realised_vaf column; None otherwise)."""
        if not self.found or self.call.vaf is None or self.truth.realised_vaf is None:
            return None
        return abs(self.call.vaf - self.truth.realised_vaf)


@dataclass
class ToolScore:
    tool: str
    matches: list[Match] = field(default_factory=list)
    false_positives: list[Call] = field(default_factory=list)
    false_positives_in_controls: list[Call] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------

def read_tsv(path: Path) -> list[dict]:
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def read_truth(set_dir: Path, npm1_exon12_start: int) -> list[TrueVariant]:
    """True variants; NPM1 ones before legacy exon 12 (at npm1_exon12_start) are legacy exons 5/9/11."""
    truth = []
    for row in read_tsv(set_dir / "truth.tsv"):
        truth.append(TrueVariant(
            sample=row["sample"], event=truth_event(row, npm1_exon12_start), chrom=row["chrom"],
            pos=int(row["pos"]), length=int(row["length"]), vaf=float(row["vaf"]), alt=row["alt"],
            realised_vaf=float(row["realised_vaf"]) if row.get("realised_vaf") else None,
        ))
    return truth


def truth_event(row: dict, npm1_exon12_start: int) -> str:
    if row["gene"] == "NPM1":
        # A left-normalised indel may sit on the base just before the exon.
        return "NPM1" if int(row["pos"]) >= npm1_exon12_start - 1 else "NPM1_other_exon"
    return "ITD" if row["type"] == "ITD" else "TKD"


def our_calls(variants_tsv: Path) -> list[Call]:
    calls = []
    for row in read_tsv(variants_tsv):
        if row["filter"] != "PASS":
            continue
        calls.append(Call(OUR_TOOL, row["sample"], our_event(row), int(row["pos"]),
                          int(row["length"]), float(row["vaf"]) if row["vaf"] else None))
    return calls


def our_event(row: dict) -> str:
    if row["gene"] == "NPM1":
        return "NPM1" if row["exon_legacy"] == str(NPM1_HOTSPOT_EXON_LEGACY) else "NPM1_other_exon"
    if row["type"] == "ITD":
        return "ITD"
    return "TKD" if row["exon"] == "20" else "other"


def peer_calls(calls_tsv: Path) -> list[Call]:
    calls = []
    for row in read_tsv(calls_tsv):
        calls.append(Call(row["tool"], row["sample"], row["event"], int(row["pos"]),
                          int(row["length"]) if row["length"] else None,
                          float(row["vaf"]) if row["vaf"] else None))
    return calls


# --- matching ---------------------------------------------------------------------------------

def matches_truth(call: Call, truth: TrueVariant) -> bool:
    if call.sample != truth.sample:
        return False
    if truth.event == "ITD":
        if call.event != "ITD" or call.length is None:
            return False
        in_place = truth.pos - POSITION_SLACK <= call.pos <= truth.pos + truth.length + POSITION_SLACK
        return in_place and abs(call.length - truth.length) <= max(3, 0.1 * truth.length)
    if call.event != truth.event:
        return False
    return call.length == truth.length and abs(call.pos - truth.pos) <= POSITION_SLACK


def score_tool(tool: str, truth: list[TrueVariant], calls: list[Call], controls: set[str]) -> ToolScore:
    score = ToolScore(tool)
    unused = list(calls)
    for variant in truth:
        candidates = [c for c in unused if matches_truth(c, variant)]
        # Prefer the call whose length is closest (two ITD clones in one sample), then the one whose
        # position is (a true D835Y beside an artefact at codon 835's next base).
        best = min(candidates, key=lambda c: (abs((c.length or 0) - variant.length), abs(c.pos - variant.pos)),
                   default=None)
        if best is not None:
            unused.remove(best)
        score.matches.append(Match(variant, best))
    for call in unused:
        (score.false_positives_in_controls if call.sample in controls else score.false_positives).append(call)
    return score


# --- summaries --------------------------------------------------------------------------------

def bin_summary(matches: list[Match]) -> dict:
    found = [m for m in matches if m.found]
    errors = [m.vaf_error for m in found if m.vaf_error is not None]
    return {
        "n": len(matches),
        "found": len(found),
        "sensitivity": round(len(found) / len(matches), 4) if matches else None,
        "exact_length": round(sum(m.exact_length for m in found) / len(found), 4) if found else None,
        "median_abs_vaf_error": round(statistics.median(errors), 4) if errors else None,
    }


def length_bin(length: int) -> str:
    for low, high in ITD_LENGTH_BINS:
        if low <= length <= high:
            return f"{low}-{high}"
    return f">{ITD_LENGTH_BINS[-1][1]}"


def class_bins(score: ToolScore) -> dict[str, dict]:
    """Bin name -> summary. Bins: NPM1 by VAF, NPM1 other exons, ITD by length, by VAF and both, TKD by VAF."""
    groups: dict[str, list[Match]] = {}

    def add(name: str, match: Match) -> None:
        groups.setdefault(name, []).append(match)

    for match in score.matches:
        variant = match.truth
        if variant.event == "NPM1":
            add(f"NPM1 VAF {variant.vaf:g}", match)
        elif variant.event == "NPM1_other_exon":
            add("NPM1 legacy exons 5/9/11", match)
        elif variant.event == "ITD":
            add(f"ITD {length_bin(variant.length)} bp", match)
            add(f"ITD VAF {variant.vaf:g}", match)
            add(f"ITD {length_bin(variant.length)} bp VAF {variant.vaf:g}", match)
        else:
            add(f"TKD VAF {variant.vaf:g}", match)
    return {name: bin_summary(matches) for name, matches in sorted(groups.items())}


STATUS_COLUMNS = (("npm1_status", "NPM1", ("mutated", "wild-type")),
                  ("flt3_itd_status", "ITD", ("present", "absent")),
                  ("flt3_tkd_status", "TKD", ("present", "absent")))


def status_concordance(tool: str, calls: list[Call], truth_status: list[dict],
                       our_cohort: list[dict] | None, events: set[str]) -> dict:
    """Per-sample status agreement. Peers have no coverage-based no-call: 'nothing found' is their
    only negative, so a sample that truly is no-call counts against them."""
    ours = {row["sample"]: row for row in our_cohort} if our_cohort else {}
    agree = total = 0
    disagreements = []
    for expected in truth_status:
        sample = expected["sample"]
        for column, event, words in STATUS_COLUMNS:
            if event not in events:
                continue
            if tool == OUR_TOOL:
                observed = ours[sample][column]
            else:
                found = any(c.sample == sample and c.event == event for c in calls)
                observed = words[0] if found else words[1]
            total += 1
            if observed == expected[column]:
                agree += 1
            else:
                disagreements.append(f"{sample} {column}: {observed} (truth {expected[column]})")
    return {"agree": agree, "total": total, "rate": round(agree / total, 4) if total else None,
            "disagreements": disagreements}


def summarise(score: ToolScore, calls: list[Call], truth_status: list[dict],
              our_cohort: list[dict] | None, events: set[str]) -> dict:
    relevant = [m for m in score.matches if m.truth.event in events]
    score_in_scope = ToolScore(score.tool, relevant, score.false_positives, score.false_positives_in_controls)
    return {
        "events": sorted(events),
        "bins": class_bins(score_in_scope),
        "false_positives": len(score.false_positives),
        "false_positives_in_controls": len(score.false_positives_in_controls),
        "false_positive_calls": [f"{c.sample} {c.event} {c.pos} len {c.length} vaf {c.vaf}"
                                 for c in score.false_positives + score.false_positives_in_controls][:50],
        "status": status_concordance(score.tool, calls, truth_status, our_cohort, events),
    }
