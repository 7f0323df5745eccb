"""Peer cases: run the workflow on every runnable case in shared/peer-cases and put our result
beside what the case's source expects (shared/peer-cases/expected_results.tsv).

Not runnable: km's k-mer databases (k-mer counts, not reads). Orphan reads of paired cases
(``*_single.fastq.gz``) are left out, since a sample's units are all paired or all single.
"""

from __future__ import annotations

import csv
from pathlib import Path

from benchmarks.score import read_tsv

AMPLICON_CASES = {"getitd_amplicon_itd21", "getitd_read_vectors", "itdseek_sim_itd100", "itdseek_sim_itd20"}
# RNA-seq (HAMLET's MV4-11 FLT3 reads): junction-aware alignment (rules/rna.smk).
RNA_CASES = {"hamlet_rna_itd30"}
NOT_RUNNABLE = {"km_kmer_dbs": "k-mer databases, not reads"}
# Which statements to show as the expectation: the source's own, then the team's peer runs.
SHOWN_STATEMENTS = ("source-stated", "team run", "fixture", "our observation")


def assay_of(case: str) -> str:
    if case in AMPLICON_CASES:
        return "amplicon"
    return "rna" if case in RNA_CASES else "capture"


def runnable_cases(peer_dir: Path) -> list[dict]:
    cases = []
    for row in read_tsv(peer_dir / "manifest.tsv"):
        name = row["case"]
        if name in NOT_RUNNABLE:
            continue
        folder = (peer_dir / name).resolve()
        r1, r2, single = (folder / f"{name}_{s}.fastq.gz" for s in ("R1", "R2", "single"))
        if r1.exists() and r2.exists():
            fq1, fq2 = r1, r2
        elif single.exists():
            fq1, fq2 = single, None
        else:
            continue
        cases.append({"sample": name, "fq1": fq1, "fq2": fq2, "assay": assay_of(name)})
    return cases


def write_sheet(cases: list[dict], sheet: Path) -> None:
    sheet.parent.mkdir(parents=True, exist_ok=True)
    with sheet.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["sample", "unit", "fq1", "fq2", "assay"])
        for case in cases:
            writer.writerow([case["sample"], "L1", case["fq1"], case["fq2"] or "", case["assay"]])


def expectations(peer_dir: Path) -> dict[str, list[str]]:
    """Readable expectations per case, best-sourced first."""
    by_case: dict[str, list[tuple[int, str]]] = {}
    for row in read_tsv(peer_dir / "expected_results.tsv"):
        kind = row["statement_type"]
        rank = next((i for i, s in enumerate(SHOWN_STATEMENTS) if kind.startswith(s)), None)
        if rank is None:
            continue
        parts = [row["event"]]
        if row["length_bp"]:
            parts.append(f"{row['length_bp']} bp")
        if row["pos_hg38"]:
            parts.append(f"at {row['pos_hg38']}")
        if row["vaf_or_af"]:
            parts.append(row["vaf_or_af"])
        by_case.setdefault(row["case"], []).append((rank, f"{row['tool_or_source']} ({kind}): {' '.join(parts)}"))
    return {case: [text for _, text in sorted(items)] for case, items in by_case.items()}


def expected_lengths(peer_dir: Path) -> dict[str, list[int]]:
    """Source-stated ITD lengths per case (the numbers a call can be checked against)."""
    lengths: dict[str, list[int]] = {}
    for row in read_tsv(peer_dir / "expected_results.tsv"):
        if row["statement_type"].startswith("source-stated") and row["gene"] == "FLT3":
            digits = row["length_bp"].split(" ")[0]
            if digits.isdigit() and int(digits) > 1:
                lengths.setdefault(row["case"], []).append(int(digits))
    return lengths


def our_results(workdir: Path) -> dict[str, dict]:
    cohort = {row["sample"]: row for row in read_tsv(workdir / "results/cohort/cohort.tsv")}
    passing = [row for row in read_tsv(workdir / "results/cohort/variants.tsv") if row["filter"] == "PASS"]
    results = {}
    for sample, row in cohort.items():
        calls = [f"{v['type']} {v['length']} bp at {v['pos']} VAF {v['vaf']} ({v['alt_reads']}/{v['depth']})"
                 + (f" {v['hgvs_p']}" if v["type"] != "ITD" and v["hgvs_p"] else "")
                 for v in passing if v["sample"] == sample]
        itd_lengths = [int(v["length"]) for v in passing if v["sample"] == sample and v["type"] == "ITD"]
        results[sample] = {
            "npm1_status": row["npm1_status"], "flt3_itd_status": row["flt3_itd_status"],
            "flt3_tkd_status": row["flt3_tkd_status"], "calls": calls, "itd_lengths": itd_lengths,
        }
    return results


def length_agreement(ours: list[int], expected: list[int]) -> str:
    """'exact' / 'close' (within 10%) / 'no' for the first stated length; 'n/a' if none stated."""
    if not expected:
        return "n/a"
    target = expected[0]
    if target in ours:
        return "exact"
    if any(abs(length - target) <= max(3, 0.1 * target) for length in ours):
        return "close"
    return "no"


def compare(peer_dir: Path, workdir: Path) -> list[dict]:
    ours = our_results(workdir)
    expected = expectations(peer_dir)
    lengths = expected_lengths(peer_dir)
    rows = []
    for case in sorted(set(expected) | set(ours)):
        if case in NOT_RUNNABLE:
            rows.append({"case": case, "expected": expected.get(case, []), "ours": None,
                         "length_agreement": "not run: " + NOT_RUNNABLE[case]})
            continue
        mine = ours.get(case)
        rows.append({"case": case, "expected": expected.get(case, []), "ours": mine,
                     "length_agreement": length_agreement(mine["itd_lengths"] if mine else [], lengths.get(case, []))})
    return rows
