"""benchmarks/run: simulate truth sets, run npm1-flt3 and the peers on them, score, run the peer
cases, print the tables and write JSON to benchmarks/results/ and benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import classification, peer_cases, report, score_classification
from benchmarks.score import OUR_TOOL, our_calls, peer_calls, read_truth, read_tsv, score_tool, summarise
from benchmarks.workflow import REPO, caller_benchmarks, run_workflow
from npm1_flt3.transcripts import load_transcripts

SETS = ("capture150", "capture100", "amplicon", classification.NAME)
PEER_TOOLS = ("scanitd", "scanitd_lowvaf", "km", "km_lowvaf")
# Which events each tool looks for: a bin is scored only for tools that claim it.
TOOL_EVENTS = {
    OUR_TOOL: {"NPM1", "NPM1_other_exon", "ITD", "TKD"},
    "scanitd": {"ITD"}, "scanitd_lowvaf": {"ITD"},
    "km": {"NPM1", "ITD", "TKD"}, "km_lowvaf": {"NPM1", "ITD", "TKD"},
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    shared = Path(os.environ.get("NPM1_FLT3_SHARED", REPO.parent / "shared"))
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=shared, help="shared folder (reference, peer cases)")
    parser.add_argument("--runs", type=Path, default=REPO / "benchmarks/runs", help="work folder")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks/results", help="JSON output folder")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--depth-scale", type=float, default=1.0)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-peers", action="store_true", help="score npm1-flt3 only")
    parser.add_argument("--no-peer-cases", action="store_true")
    parser.add_argument("--no-scale", action="store_true",
                        help="skip the scale benchmark (benchmarks/scale.py: 1,000- and 10,000-sample dry runs and cohorts)")
    parser.add_argument("--no-speed", action="store_true",
                        help="skip the speed and memory benchmark (benchmarks/speed.py)")
    parser.add_argument("--report-only", action="store_true",
                        help="only rebuild RESULTS.md from the JSON in --results (e.g. after editing discussion.md)")
    parser.add_argument("--results-md", type=Path, default=REPO / "benchmarks/RESULTS.md",
                        help="the Markdown report to (re)write (default benchmarks/RESULTS.md)")
    return parser.parse_args(argv)


def simulate(args: argparse.Namespace, sets: list[str]) -> None:
    reference = args.shared / "reference"
    subprocess.run([sys.executable, "-m", "benchmarks.truthsets", "--outdir", str(args.runs / "truthsets"),
                    "--seed", str(args.seed), "--depth-scale", str(args.depth_scale), "--sets", ",".join(sets),
                    "--jobs", str(args.cores),
                    "--reference", str(reference / "grch38_npm1_flt3_loci.fa"),
                    "--annotation", str(reference / "exons.tsv")], check=True, cwd=REPO)


def run_peers(args: argparse.Namespace, name: str) -> None:
    reference = args.shared / "reference"
    subprocess.run([sys.executable, "-m", "benchmarks.peers",
                    "--set-dir", str(args.runs / "truthsets" / name),
                    "--workflow-dir", str(args.runs / "workflow" / name),
                    "--reference", str(reference / "grch38_npm1_flt3_loci.fa"),
                    "--annotation", str(reference / "exons.tsv"),
                    "--out", str(args.runs / "peers" / name), "--jobs", str(args.cores)],
                   check=True, cwd=REPO)


def timing_summary(per_sample: list[dict]) -> dict:
    walls = [r["wall_s"] for r in per_sample if r.get("wall_s") is not None]
    memory = [r["max_rss_mb"] for r in per_sample if r.get("max_rss_mb") is not None]
    failed = [r["sample"] for r in per_sample if r.get("status", "ok") != "ok"]
    return {"samples": len(per_sample), "median_wall_s": round(statistics.median(walls), 3) if walls else None,
            "max_wall_s": round(max(walls), 3) if walls else None,
            "max_rss_mb": round(max(memory), 1) if memory else None, "failed_samples": failed}


def score_set(args: argparse.Namespace, name: str, exon12_start: int, workflow_wall_s: float) -> dict:
    set_dir = args.runs / "truthsets" / name
    workdir = args.runs / "workflow" / name
    truth = read_truth(set_dir, exon12_start)
    truth_status = read_tsv(set_dir / "truth_status.tsv")
    info = read_tsv(set_dir / "samples_info.tsv")
    controls = {row["sample"] for row in info if row["role"] == "wildtype_control"}
    cohort = read_tsv(workdir / "results/cohort/cohort.tsv")

    ours = our_calls(workdir / "results/cohort/variants.tsv")
    timing = [{"sample": s, **t} for s, t in caller_benchmarks(workdir).items()]
    tools = {OUR_TOOL: (ours, timing)}
    for tool in () if args.no_peers else PEER_TOOLS:
        folder = args.runs / "peers" / name / tool
        if (folder / "calls.tsv").exists():
            tools[tool] = (peer_calls(folder / "calls.tsv"), _peer_timing(folder / "timing.tsv"))
    result = {"set": name, "samples": len(info), "workflow_wall_s": round(workflow_wall_s, 1), "tools": {}}
    for tool, (calls, per_sample) in tools.items():
        events = TOOL_EVENTS[tool]
        score = score_tool(tool, [t for t in truth if t.event in events], calls, controls)
        result["tools"][tool] = {**summarise(score, calls, truth_status, cohort, events),
                                 "timing": timing_summary(per_sample)}
        settings = args.runs / "peers" / name / tool / "settings.json"
        if settings.exists():
            result["tools"][tool]["settings"] = json.loads(settings.read_text())
    return result


def _peer_timing(path: Path) -> list[dict]:
    rows = read_tsv(path) if path.exists() else []
    return [{"sample": r["sample"], "wall_s": _float(r.get("wall_s")), "max_rss_mb": _float(r.get("max_rss_mb")),
             "status": r.get("status") or "ok"} for r in rows]


def _float(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def run_speed(args: argparse.Namespace) -> dict:
    """benchmarks/speed.py: the caller and ScanITD (not with --no-peers) timed on panel-like BAMs
    (cached in runs/speed)."""
    out = args.results / "speed.json"
    subprocess.run([sys.executable, "-m", "benchmarks.speed", "--shared", str(args.shared),
                    "--runs", str(args.runs), "--out", str(out), "--seed", str(args.seed)]
                   + (["--no-scanitd"] if args.no_peers else []),
                   check=True, cwd=REPO, stdout=subprocess.DEVNULL)  # its table is printed below
    return json.loads(out.read_text())


def run_scale(args: argparse.Namespace) -> dict:
    """benchmarks/scale.py: dry runs of 1,000- and 10,000-sample sheets (jobs per sample), cohort aggregation of 1,000 and 10,000
    samples (inputs cached in runs/scale/cohort)."""
    out = args.results / "scale.json"
    subprocess.run([sys.executable, "-m", "benchmarks.scale", "--shared", str(args.shared),
                    "--runs", str(args.runs), "--out", str(out)],
                   check=True, cwd=REPO, stdout=subprocess.DEVNULL)  # its table is printed below
    return json.loads(out.read_text())


def run_peer_cases(args: argparse.Namespace) -> dict:
    peer_dir = args.shared / "peer-cases"
    reference = args.shared / "reference"
    sheet = args.runs / "peer_cases" / "samples.tsv"
    peer_cases.write_sheet(peer_cases.runnable_cases(peer_dir), sheet)
    workdir = args.runs / "peer_cases" / "workflow"
    wall = run_workflow(workdir, sheet, reference / "grch38_npm1_flt3_loci.fa", reference / "exons.tsv",
                        args.runs / "resources", args.cores)
    return {"workflow_wall_s": round(wall, 1), "cases": peer_cases.compare(peer_dir, workdir)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    sets = [s for s in args.sets.split(",") if s]
    if args.report_only:
        report.write_results_md(args.results, args.results_md, sets, total_minutes=None)
        return 0
    exon12_start = load_transcripts(args.shared / "reference/exons.tsv")["NPM1"].exon_by_legacy(12).start
    if sets:
        simulate(args, sets)
    reference = args.shared / "reference"
    for name in sets:
        wall = run_workflow(args.runs / "workflow" / name, args.runs / "truthsets" / name / "samples.tsv",
                            reference / "grch38_npm1_flt3_loci.fa", reference / "exons.tsv",
                            args.runs / "resources", args.cores)
        if name == classification.NAME:  # what the cohort table says, not detection: no peers
            result = score_classification.score_set(args.runs / "truthsets" / name, args.runs / "workflow" / name,
                                                    wall)
            report.write_json(args.results / f"{name}.json", result)
            print(score_classification.classification_table(result))
            continue
        if not args.no_peers:
            run_peers(args, name)
        result = score_set(args, name, exon12_start, wall)
        report.write_json(args.results / f"{name}.json", result)
        print(report.set_tables(result))
    if not args.no_speed:
        print(report.speed_table(run_speed(args)))
    if not args.no_scale:
        print(report.scale_table(run_scale(args)))
    if not args.no_peer_cases:
        cases = run_peer_cases(args)
        report.write_json(args.results / "peer_cases.json", cases)
        print(report.peer_case_table(cases))
    report.write_results_md(args.results, args.results_md, sets,
                            total_minutes=(time.monotonic() - started) / 60)
    print(f"benchmarks/run: done in {(time.monotonic() - started) / 60:.1f} min; "
          f"JSON in {args.results}, tables in {args.results_md}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
