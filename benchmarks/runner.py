"""benchmarks/run: simulate truth sets, run npm1-flt3 and the peers on them, score, run the peer
cases, print the tables and write JSON to benchmarks/results/ and benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

import yaml

from benchmarks import classification, mrd, peer_cases, report, rna, rough, score_classification
from benchmarks.score import (ITD_LENGTH_BINS, OUR_TOOL, bin_summary, length_bin, our_calls, peer_calls,
                              read_truth, read_tsv, score_tool, summarise)
from benchmarks.workflow import JOB_ENV, REPO, WorkflowCode, caller_benchmarks, run_workflow
from npm1_flt3.packaged import EXONS_TSV, GENE_SLICES_FASTA
from npm1_flt3.transcripts import load_transcripts

# The rough set: artefact-laden reads at five read lengths, run with the previous caller, the
# current one, and the current one with its background model off (about 17 of the ~33 minutes).
ROUGH = rough.NAME
SETS = ("capture150", "capture100", "amplicon", classification.NAME, ROUGH)
# The MRD set (benchmarks/mrd.py): duplex-UMI follow-ups run twice (with and without UMIs), each
# scored with and without the background test; about 35 minutes, so run on request (--sets mrd).
MRD = mrd.NAME
# The RNA-seq set (benchmarks/rna.py, issue 15): ART reads from the NPM1/FLT3 transcripts run as assay
# rna, with the HAMLET MV4-11 RNA case in the same batch; opt-in like mrd (--sets rna).
RNA = rna.NAME
ALL_SETS = SETS + (MRD, RNA)
PREVIOUS_COMMIT = "7b23bb9"  # the caller before the background / artefact-filter work
BACKGROUND_OFF = {"background": {"enabled": False, "panel_of_normals": ""}}
# Rules whose outputs depend on the package's code: re-run every time (Snakemake re-runs them on a
# new package version only, and the code under test changes without one).
CALLING_RULES = ("npm1_flt3_call",)
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
    parser.add_argument("--no-background-comparison", action="store_true",
                        help="rough set: skip the run with the background model off (config "
                             "background.enabled false), e.g. while the workflow's schema lacks that key")
    parser.add_argument("--previous-commit", default=PREVIOUS_COMMIT,
                        help=f"rough set: the earlier caller run as a column (default {PREVIOUS_COMMIT}), "
                             "built once into its own venv under <runs>/prev/")
    parser.add_argument("--no-previous", action="store_true", help="rough set: skip the previous caller")
    parser.add_argument("--rough-read-lengths", default=",".join(map(str, rough.DEFAULT_READ_LENGTHS)),
                        help="rough set: read lengths to simulate and run (default %(default)s)")
    parser.add_argument("--mrd-design", choices=sorted(mrd.DESIGNS), default="no-large",
                        help="mrd set: which design to simulate (default %(default)s: 10,000 molecules; "
                             "'default' adds the 100,000-molecule follow-ups)")
    parser.add_argument("--mrd-hopping-rate", type=float, default=mrd.HOPPING_RATE,
                        help="mrd set: index hopping, share of each library's read pairs (default %(default)s)")
    parser.add_argument("--rna-design", choices=rna.DESIGN_NAMES, default="default",
                        help="rna set: which design to simulate (default %(default)s: every ITD x fraction x read "
                             "length; reduced: all fractions at 2x100, 0.05 and 0.25 at the other lengths; small: five "
                             "samples)")
    return parser.parse_args(argv)


def simulate_rough(args: argparse.Namespace) -> None:
    reference = args.shared / "reference"
    subprocess.run([sys.executable, "-m", "benchmarks.rough", "--outdir", str(args.runs / "truthsets"),
                    "--seed", str(args.seed), "--depth-scale", str(args.depth_scale),
                    "--read-lengths", args.rough_read_lengths, "--jobs", str(args.cores),
                    "--reference", str(reference / "grch38_npm1_flt3_loci.fa"),
                    "--annotation", str(reference / "exons.tsv")], check=True, cwd=REPO)


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


# ----------------------------------------------------------------------------------- rough set


def _git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def build_previous(runs: Path, commit: str) -> tuple[WorkflowCode, str]:
    """The caller at `commit`, built once into <runs>/prev/<sha>/: its source (git archive), a venv
    holding that package (wheel, no dependencies) and, through a .pth line, this environment's
    site-packages for Snakemake, pysam and the rest. Returns its WorkflowCode and the full sha."""
    sha = _git("rev-parse", "--verify", f"{commit}^{{commit}}")
    root = (runs / "prev" / sha[:12]).resolve()
    python = root / "venv" / "bin" / "python"
    marker = root / "installed.json"
    code = WorkflowCode(root / "src" / "Snakefile", python)
    if marker.exists() and json.loads(marker.read_text()).get("sha") == sha and python.exists():
        return code, sha
    shutil.rmtree(root, ignore_errors=True)
    (root / "src").mkdir(parents=True)
    archive = subprocess.run(["git", "archive", sha], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root / "src")], input=archive, check=True)
    # The package alone (--no-deps; pip fetches only its build backend from PyPI), into a fresh venv,
    # before the .pth line exists: pip there never sees, nor touches, this checkout's editable install.
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(root / "src")],
                   check=True, cwd=root)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "zz_npm1_flt3_benchmark_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run([str(python), "-c", "import npm1_flt3, snakemake; print(npm1_flt3.__file__)"],
                           check=True, capture_output=True, text=True, cwd=root).stdout.strip()
    if not where.startswith(str(root / "venv")):
        raise RuntimeError(f"previous caller environment imports npm1_flt3 from {where}, not its own venv")
    marker.write_text(json.dumps({"sha": sha, "package": where}) + "\n")
    return code, sha


def rough_variants(args: argparse.Namespace) -> list[tuple[str, WorkflowCode | None, dict]]:
    """(name, code, extra config) of each run of the rough set, in report order."""
    variants = []
    if not args.no_previous:
        code, _ = build_previous(args.runs, args.previous_commit)
        variants.append(("prev", code, {}))
    variants.append(("current", None, {}))
    if not args.no_background_comparison:
        variants.append(("current_no_background", None, BACKGROUND_OFF))
    return variants


def score_rough_batch(set_dir: Path, workdir: Path, exon12_start: int, read_length: int) -> dict:
    """npm1-flt3's PASS calls in one batch against its truth, with the rough set's extra views: ITD
    bins within / beyond twice the read length, |VAF error| median and max per ITD length bin, and
    false positives in the wild-type controls by event."""
    truth = read_truth(set_dir, exon12_start)
    info = read_tsv(set_dir / "samples_info.tsv")
    controls = {row["sample"] for row in info if row["role"] == "wildtype_control"}
    calls = our_calls(workdir / "results/cohort/variants.tsv")
    events = TOOL_EVENTS[OUR_TOOL]
    score = score_tool(OUR_TOOL, [t for t in truth if t.event in events], calls, controls)
    summary = summarise(score, calls, read_tsv(set_dir / "truth_status.tsv"),
                        read_tsv(workdir / "results/cohort/cohort.tsv"), events)
    itds = [m for m in score.matches if m.truth.event == "ITD"]
    limit = 2 * read_length
    summary["bins"][f"ITD <= 2x read length ({limit} bp)"] = bin_summary([m for m in itds if m.truth.length <= limit])
    beyond = [m for m in itds if m.truth.length > limit]
    if beyond:
        summary["bins"][f"ITD > 2x read length ({limit} bp)"] = bin_summary(beyond)
    summary["itd_vaf_error"] = itd_vaf_error(itds, limit)
    summary["false_positives_in_controls_by_event"] = dict(Counter(c.event for c in score.false_positives_in_controls))
    summary["false_positives_by_event"] = dict(Counter(c.event for c in score.false_positives))
    summary["controls"] = len(controls)
    summary["timing"] = timing_summary([{"sample": k, **v} for k, v in caller_benchmarks(workdir).items()])
    return summary


def itd_vaf_error(itds: list, limit: int) -> dict:
    """Per ITD length bin: planted, found, median and max |VAF error| against the nominal VAF
    (median, max) and against the realised one (median_realised, max_realised: what the caller can
    be held to, benchmarks/README.md), and median |realised - nominal| of the bin's ITDs (the
    simulator's own scatter)."""
    def rounded(values, how):
        return round(how(values), 4) if values else None

    result = {}
    for low, high in ITD_LENGTH_BINS:
        group = [m for m in itds if low <= m.truth.length <= high]
        if not group:
            continue
        found = [m for m in group if m.found]
        nominal = [m.vaf_error for m in found if m.vaf_error is not None]
        realised = [m.realised_vaf_error for m in found if m.realised_vaf_error is not None]
        scatter = [abs(m.truth.realised_vaf - m.truth.vaf) for m in group if m.truth.realised_vaf is not None]
        result[length_bin(low)] = {
            "n": len(group), "found": len(found),
            "median": rounded(nominal, statistics.median), "max": rounded(nominal, max),
            "median_realised": rounded(realised, statistics.median), "max_realised": rounded(realised, max),
            "median_realised_vs_nominal": rounded(scatter, statistics.median),
            "within_2x_read_length": high <= limit}
    return result


def run_rough(args: argparse.Namespace, exon12_start: int) -> dict:
    started = time.monotonic()
    variants = rough_variants(args)
    simulate_rough(args)
    set_root = args.runs / "truthsets" / ROUGH
    parameters = json.loads((set_root / rough.MARKER).read_text())
    reference = args.shared / "reference"
    result = {"set": ROUGH, "variants": [name for name, _, _ in variants], "batches": {},
              "read_lengths": parameters["read_lengths"],
              "unsupported_read_lengths": parameters["unsupported_read_lengths"],
              "artefacts": parameters["artefacts"], "code": _code_state(args), "samples": 0}
    for read_length in parameters["read_lengths"]:
        batch = rough.batch_name(read_length)
        set_dir = set_root / batch
        result["samples"] += len(read_tsv(set_dir / "samples_info.tsv"))
        entry = {"samples": len(read_tsv(set_dir / "samples_info.tsv")), "variants": {}}
        for name, code, extra in variants:
            workdir = args.runs / "workflow" / ROUGH / name / batch
            resources = (code.snakefile.parents[1] / "resources") if code else args.runs / "resources"
            wall = run_workflow(workdir, set_dir / "samples.tsv", reference / "grch38_npm1_flt3_loci.fa",
                                reference / "exons.tsv", resources, args.cores, extra_config=extra, code=code,
                                forcerun=() if code else CALLING_RULES)  # a fixed commit needs no re-run
            summary = score_rough_batch(set_dir, workdir, exon12_start, read_length)
            summary["workflow_wall_s"] = round(wall, 1)
            entry["variants"][name] = summary
            print(f"rough: 2x{read_length} {name}: workflow {wall:.0f} s, "
                  f"{summary['false_positives_in_controls']} PASS false positives in wild-type controls",
                  file=sys.stderr)
        result["batches"][str(read_length)] = entry
    result["wall_s"] = round(time.monotonic() - started, 1)
    return result


def _code_state(args: argparse.Namespace) -> dict:
    """Which code the columns are: the previous commit, and this checkout (HEAD plus any
    uncommitted change to the caller, rules, schemas or config at run time)."""
    changed = subprocess.run(["git", "status", "--porcelain", "--", "npm1_flt3", "rules", "schemas", "config",
                              "Snakefile"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    paths = [line[3:] for line in changed.splitlines()]
    # A fingerprint of those changes (diff plus untracked files), to tell two runs' code apart.
    digest = hashlib.sha256(_git("diff", "HEAD", "--", "npm1_flt3", "rules", "schemas", "config", "Snakefile").encode())
    for path in sorted(paths):
        if (REPO / path).is_file() and line_is_untracked(changed, path):
            digest.update((REPO / path).read_bytes())
    state = {"current_head": _git("rev-parse", "HEAD"), "current_uncommitted": paths,
             "current_uncommitted_sha256": digest.hexdigest()[:16] if paths else None}
    if not args.no_previous:
        state["previous_commit"] = _git("rev-parse", "--verify", f"{args.previous_commit}^{{commit}}")
    return state


def line_is_untracked(status: str, path: str) -> bool:
    return f"?? {path}" in status.splitlines()


# ----------------------------------------------------------------------------------- MRD set

# (arm of the sheet, sheet file): the same FASTQs with umi = name, and without a umi column value.
MRD_SHEETS = (("umi", "samples_umi.tsv"), ("noumi", "samples_noumi.tsv"))


def simulate_mrd(args: argparse.Namespace) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.mrd", "--outdir", str(args.runs / "truthsets"),
                    "--seed", str(args.seed), "--design", args.mrd_design,
                    "--hopping-rate", str(args.mrd_hopping_rate), "--jobs", str(args.cores),
                    "--reference", str(args.shared / "reference" / "grch38_npm1_flt3_loci.fa")],
                   check=True, cwd=REPO)


def mrd_settings() -> list[str]:
    """The workflow's npm1_flt3_mrd settings (config mrd.*, here the schema's defaults, as the
    benchmark's config sets none), as that rule passes them (rules/common.smk mrd_args)."""
    schema = yaml.safe_load((REPO / "schemas/config.schema.yaml").read_text())
    properties = schema["properties"]["mrd"]["properties"]
    return [part for key, spec in sorted(properties.items()) if key != "background" and "default" in spec
            for part in (f"--{key.replace('_', '-')}", str(spec["default"]))]


def mrd_without_background(workdir: Path) -> Path | None:
    """Score the run's track tables again without the background test (`npm1-flt3 mrd
    --no-background`: >= min_alt_count fragments / molecules), with the rule's other settings;
    None if the command lacks the option."""
    tool = str(Path(sys.executable).with_name("npm1-flt3"))
    usage = subprocess.run([tool, "mrd", "--help"], capture_output=True, text=True).stdout
    if "--no-background" not in usage:
        print("mrd: npm1-flt3 mrd has no --no-background; that arm is left out", file=sys.stderr)
        return None
    out = workdir / "mrd_no_background" / "mrd.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool, "mrd", "--manifest", str(workdir / "results/samples/manifest.tsv"), "--out", str(out),
                    "--plots-dir", str(out.parent / "plots"), *mrd_settings(), "--no-background"],
                   check=True, cwd=workdir, env=JOB_ENV)
    return out


def run_mrd(args: argparse.Namespace) -> dict:
    """Simulate the MRD set, run the workflow on each sheet (own batch each, so that one arm's
    background never holds the other arm's copy of the same reads), re-score each run without the
    background test, and score all four arms against truth.tsv."""
    started = time.monotonic()
    simulate_mrd(args)
    simulated = time.monotonic() - started
    set_dir = args.runs / "truthsets" / MRD
    reference = args.shared / "reference"
    tables, walls = {}, {}
    for arm, sheet in MRD_SHEETS:
        workdir = args.runs / "workflow" / MRD / arm
        wall = run_workflow(workdir, set_dir / sheet, reference / "grch38_npm1_flt3_loci.fa", reference / "exons.tsv",
                            args.runs / "resources", args.cores, forcerun=CALLING_RULES)
        walls[arm] = round(wall, 1)
        tables[f"{arm}_background"] = workdir / "results/cohort/mrd.tsv"
        again = time.monotonic()
        plain = mrd_without_background(workdir)
        if plain is not None:
            tables[f"{arm}_no_background"] = plain
        walls[f"{arm}_no_background_rescore"] = round(time.monotonic() - again, 1)
        print(f"mrd: {arm} workflow {wall:.0f} s", file=sys.stderr)
    result = mrd.score_set(set_dir, tables)
    result.update({"set": MRD, "workflow_wall_s": walls, "simulation_wall_s": round(simulated, 1),
                   "wall_s": round(time.monotonic() - started, 1), "code": _code_state_current()})
    return result


def _code_state_current() -> dict:
    changed = subprocess.run(["git", "status", "--porcelain", "--", "npm1_flt3", "rules", "schemas", "config",
                              "Snakefile"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    return {"current_head": _git("rev-parse", "HEAD"), "current_uncommitted": [line[3:] for line in changed.splitlines()]}


# ----------------------------------------------------------------------------------- RNA set


def simulate_rna(args: argparse.Namespace) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.rna", "--outdir", str(args.runs / "truthsets"),
                    "--seed", str(args.seed), "--design", args.rna_design, "--jobs", str(args.cores)],
                   check=True, cwd=REPO)


def run_rna(args: argparse.Namespace) -> dict:
    """Simulate the RNA set, run the workflow once over its sheet plus the HAMLET MV4-11 RNA case
    (when the shared folder holds it), against the packaged gene slices and exon models, and score."""
    started = time.monotonic()
    simulate_rna(args)
    simulated = time.monotonic() - started
    set_dir = args.runs / "truthsets" / RNA
    workdir = args.runs / "workflow" / RNA
    sheet = workdir / "samples.tsv"
    peer = rna.batch_sheet(set_dir, sheet, args.shared / "peer-cases")
    # Its own resources folder: the packaged FASTA has the shared one's name but another path.
    wall = run_workflow(workdir, sheet, GENE_SLICES_FASTA, EXONS_TSV, args.runs / "resources_packaged", args.cores,
                        forcerun=CALLING_RULES)
    print(f"rna: workflow {wall:.0f} s", file=sys.stderr)
    result = rna.score_set(set_dir, workdir, peer_case=peer)
    result.update({"workflow_wall_s": round(wall, 1), "simulation_wall_s": round(simulated, 1),
                   "wall_s": round(time.monotonic() - started, 1), "code": _code_state_current()})
    return result


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
    unknown = [name for name in sets if name not in ALL_SETS]
    if unknown:
        raise SystemExit(f"benchmarks/run: unknown set(s) {', '.join(unknown)}; choose from {', '.join(ALL_SETS)}")
    exon12_start = load_transcripts(args.shared / "reference/exons.tsv")["NPM1"].exon_by_legacy(12).start
    detection = [name for name in sets if name not in (ROUGH, MRD, RNA)]
    if detection:
        simulate(args, detection)
    reference = args.shared / "reference"
    if ROUGH in sets:
        result = run_rough(args, exon12_start)
        report.write_json(args.results / f"{ROUGH}.json", result)
        print(report.rough_tables(result))
    if MRD in sets:
        result = run_mrd(args)
        report.write_json(args.results / f"{MRD}.json", result)
        print(report.mrd_tables(result))
    if RNA in sets:
        result = run_rna(args)
        report.write_json(args.results / f"{RNA}.json", result)
        print(report.rna_tables(result))
    for name in detection:
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
