"""Scale: the workflow's DAG for a large sample sheet, and cohort aggregation against cohort size.

    python -m benchmarks.scale [--shared ../shared] [--runs benchmarks/runs] \
        [--out benchmarks/results/scale.json] [--dag-samples 1000,10000] [--cohort-sizes 1000,10000] \
        [--repeats 3]

Targets (issue "HPC", item 2; issue 12, item 8): the DAG of a 1,000-sample sheet builds and a dry
run completes in under 30 s, one of 10,000 samples in under 60 s, growing linearly; a cluster sees
at most 6 jobs per sample; cohort aggregation over 10,000 samples' results takes seconds, with
memory that does not grow with the cohort beyond the table itself.

DAG: for each ``--dag-samples`` size, a sheet of realistic shape (paired FASTQ; every 20th sample with two
lanes; some patients with a diagnosis and a relapse sample; capture, a few amplicon and exome
samples) pointing at tiny but valid gzipped FASTQs (one read pair each, every file used once, as
the sheet check demands), and a config naming the shared gene-slice reference. Timed:
``snakemake --snakefile Snakefile --configfile ... --directory <runs>/scale/dag --dry-run --quiet``
(the real Snakefile: config and sheet checks, DAG, dry run), from a fresh ``.snakemake`` folder.
The job count comes from a second, untimed ``--dry-run --quiet rules`` run (its job table). Jobs
per sample are counted, at the smallest size, from an untimed full dry run's job list: every job
whose wildcards name a sample and that is not a local rule (the jobs a cluster would be sent).

Cohort: every sample's per-sample outputs as the ``npm1_flt3_cohort`` rule consumes them
(``results/calls/{sample}.vcf.gz`` + ``.tbi``, ``results/calls/{sample}.hotspots.tsv`` and the
samtools stats) plus the sample manifest naming them, written from the sheet's rows by the
package's own code as the manifest step writes it (npm1_flt3/samples.py). One template set per
kind of sample (NPM1 types A/B/D, ITD, two ITD clones, TKD, combinations, wild type with filtered
noise candidates, shallow no-call, amplicon-like partial coverage) is written by the package's
own code (caller.write_vcf, write_hotspot_table, annotate.annotate_vcf); each sample is a copy of
its kind's template with its own name in the VCF header and the hotspot table, bgzipped and
tabix-indexed. The inputs are cached in
``<runs>/scale/cohort`` (``inputs.json``, written last). Timed: ``python -m npm1_flt3 cohort``
with the arguments the rule gives it, for every cohort size (the first N samples of the pool, in
a manifest of their own).

Timing: GNU time (``%e %M``: wall seconds, peak RSS of the process and its children), median of
``--repeats`` runs. Memory is also given above the baseline of the same command doing nothing
(``npm1-flt3 cohort --help``: interpreter, pandas, cyvcf2, pysam), next to the size of the tables
written, so that "memory beyond the table itself" can be judged. The rule's shell command line is
checked too: Snakemake runs it as one ``bash -c`` argument, which Linux limits to 128 KiB
(MAX_ARG_STRLEN).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import peers
from benchmarks.report import write_json

REPO = Path(__file__).resolve().parents[1]

# Bump when the cohort-input recipe changes: inputs.json then no longer matches and they are rebuilt.
SCALE_VERSION = 2
COHORT_SIZES = (1000, 10_000)
REPEATS = 3

# The targets.
MAX_DRY_RUN_S = 30.0  # at TARGET_SAMPLES
TARGET_SAMPLES = 1000
MAX_LARGE_DRY_RUN_S = 60.0  # at LARGE_DAG_SAMPLES (issue 12)
LARGE_DAG_SAMPLES = 10_000
MAX_CLUSTER_JOBS_PER_SAMPLE = 6  # issue 12, item 8
DAG_SAMPLES = (1000, 10_000)
MAX_COHORT_S = 10.0  # "seconds" at the largest cohort size
# "Memory does not grow with the cohort beyond the table itself": the growth of peak RSS between
# the smallest and the largest cohort, per MB of table written, at most this.
MAX_RSS_GROWTH_PER_TABLE_MB = 1.0

# Linux's limit on one argument string (MAX_ARG_STRLEN = 32 pages); Snakemake runs a rule's shell
# command as one argument of bash -c.
MAX_ARG_STRLEN = 131072
SNAKEMAKE_SHELL_PREFIX = "set -euo pipefail;  "

TEMPLATE_SAMPLE = "TEMPLATE"
MIN_DEPTH = 100  # config caller.min_depth

# Kinds of sample and how many of every 20 samples are of that kind (roughly an AML cohort: NPM1
# mutated in 35%, FLT3-ITD in 30%, TKD in 10%, 5% too shallow for any status, 5% amplicon-like
# with the TKD hotspot uncovered).
KIND_WEIGHTS = {
    "npm1_A": 2, "npm1_B": 1, "npm1_D": 1, "npm1_A_itd": 2, "itd": 1, "itd_two_clones": 1,
    "tkd": 1, "npm1_itd_tkd": 1, "wild_type": 8, "no_call": 1, "partial_amplicon_itd": 1,
}
KIND_CYCLE = [kind for kind, weight in KIND_WEIGHTS.items() for _ in range(weight)]


# ---------------------------------------------------------------------------------------------
# Sample sheet


def sample_name(index: int) -> str:
    return f"S{index:05d}"


def kind_of(index: int) -> str:
    """The kind of sample ``index``; 7 is coprime to 20, so kinds are interleaved, not in runs."""
    return KIND_CYCLE[(index * 7) % len(KIND_CYCLE)]


def sheet_rows(samples: int) -> list[dict[str, str]]:
    """One row per unit (lane) of ``samples`` samples: paired FASTQs named fastq/<sample>_<unit>_R<n>
    (relative to the sheet), every 20th sample with two lanes, the first two samples of every ten
    one patient's diagnosis and relapse, every 25th sample amplicon and every 50th exome."""
    rows = []
    patient = 0
    for index in range(samples):
        sample = sample_name(index)
        if index % 10 != 1:  # sample 1 of every ten is the relapse of sample 0's patient
            patient += 1
        timepoint = "relapse" if index % 10 == 1 else "diagnosis"
        assay = "amplicon" if index % 25 == 7 else ("exome" if index % 50 == 13 else "capture")
        units = ("L1", "L2") if index % 20 == 3 else ("L1",)
        for unit in units:
            rows.append({"sample": sample, "unit": unit,
                         "fq1": f"fastq/{sample}_{unit}_R1.fastq.gz",
                         "fq2": f"fastq/{sample}_{unit}_R2.fastq.gz",
                         "patient": f"P{patient:05d}", "timepoint": timepoint, "assay": assay})
    return rows


SHEET_COLUMNS = ("sample", "unit", "fq1", "fq2", "patient", "timepoint", "assay")


def write_sheet(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(SHEET_COLUMNS)] + ["\t".join(row[c] for c in SHEET_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def write_fastqs(rows: list[dict[str, str]], folder: Path) -> int:
    """A tiny valid gzipped FASTQ (one read) for every fq1 / fq2 of the sheet in ``folder``;
    returns how many files were written."""
    read = "ACGT" * 25
    quality = "I" * len(read)
    written = 0
    for row in rows:
        for mate, column in ((1, "fq1"), (2, "fq2")):
            if not row[column]:
                continue
            path = folder / row[column]
            path.parent.mkdir(parents=True, exist_ok=True)
            text = f"@{row['sample']}.{row['unit']}:1 {mate}:N:0:1\n{read}\n+\n{quality}\n"
            path.write_bytes(gzip.compress(text.encode(), mtime=0))
            written += 1
    return written


def write_dag_config(path: Path, sheet: Path) -> None:
    # The gene slices shipped in the package: a dry run needs no ../shared.
    from npm1_flt3.packaged import GENE_SLICES_FASTA

    path.write_text("\n".join([
        f"samples: {sheet.resolve()}",
        f"reference: {GENE_SLICES_FASTA}",
        "resources_dir: resources",
    ]) + "\n")


# ---------------------------------------------------------------------------------------------
# DAG and dry run


def snakemake_command(workdir: Path, config: Path, quiet: list[str]) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
            "--configfile", str(config), "--directory", str(workdir), "--dry-run", "--quiet", *quiet]


def job_count(stdout: str) -> tuple[int | None, dict[str, int]]:
    """Total and per-rule jobs from Snakemake's 'Job stats' table."""
    per_rule: dict[str, int] = {}
    total = None
    in_table = False
    for line in stdout.splitlines():
        fields = line.split()
        if line.startswith("Job stats"):
            in_table, per_rule, total = True, {}, None
        elif in_table and len(fields) == 2 and fields[1].isdigit():
            if fields[0] == "total":
                total = int(fields[1])
                in_table = False
            else:
                per_rule[fields[0]] = int(fields[1])
    return total, per_rule


def cluster_jobs_per_sample(dry_run_text: str) -> dict[str, int]:
    """Sample -> jobs a cluster would be sent for it, from a full dry run's job list: blocks that
    start 'rule NAME:' (local rules start 'localrule NAME:' and run on the submit host) and name the
    sample in their wildcards."""
    counts: dict[str, int] = {}
    submitted = False
    for line in dry_run_text.splitlines():
        if line.startswith(("rule ", "localrule ")) and line.endswith(":"):
            submitted = line.startswith("rule ")
        elif submitted and line.strip().startswith("wildcards:"):
            wildcards = dict(item.split("=", 1) for item in line.split(":", 1)[1].strip().split(", "))
            if "sample" in wildcards:
                counts[wildcards["sample"]] = counts.get(wildcards["sample"], 0) + 1
    return counts


def prepare_dag_inputs(work: Path, samples: int) -> tuple[Path, list[dict[str, str]], int]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rows = sheet_rows(samples)
    sheet = work / "samples.tsv"
    write_sheet(rows, sheet)
    fastqs = write_fastqs(rows, work)
    config = work / "config.yaml"
    write_dag_config(config, sheet)
    return config, rows, fastqs


def time_dag(args: argparse.Namespace, samples: int, count_per_sample: bool) -> dict:
    work = args.runs / "scale" / f"dag{samples}"
    config, rows, fastqs = prepare_dag_inputs(work, samples)
    runs = []
    for _ in range(args.repeats):
        shutil.rmtree(work / ".snakemake", ignore_errors=True)  # every run from a fresh folder
        runs.append(peers.timed(snakemake_command(work, config, []), work, args.time_bin))
    # Untimed: the same dry run with its job table printed.
    counted = subprocess.run(snakemake_command(work, config, ["rules"]),
                             capture_output=True, text=True, check=True)
    total, per_rule = job_count(counted.stdout + counted.stderr)
    result = {"samples": len({row["sample"] for row in rows}), "units": len(rows), "fastq_files": fastqs,
              "jobs": total, "jobs_per_rule": per_rule, **summarise_runs(runs),
              "command": "snakemake --snakefile Snakefile --configfile config.yaml --directory DIR "
                         "--dry-run --quiet (fresh .snakemake)"}
    result["jobs_per_sample"] = round(total / result["samples"], 2)
    if count_per_sample:
        listed = subprocess.run(snakemake_command(work, config, [])[:-1],  # without --quiet
                                capture_output=True, text=True, check=True)
        per_sample = cluster_jobs_per_sample(listed.stdout + listed.stderr)
        result["cluster_jobs_per_sample"] = {
            "max": max(per_sample.values()), "mean": round(statistics.mean(per_sample.values()), 2),
            "samples_counted": len(per_sample)}
    shutil.rmtree(work / ".snakemake", ignore_errors=True)
    return result


def time_dags(args: argparse.Namespace) -> list[dict]:
    sizes = sorted(args.dag_samples)
    dags = [time_dag(args, size, count_per_sample=size == sizes[0]) for size in sizes]
    for dag in dags:  # linear growth: seconds per 1,000 samples stay about the same
        dag["wall_s_per_1000_samples"] = round(dag["wall_s"] * 1000 / dag["samples"], 2)
    return dags


# ---------------------------------------------------------------------------------------------
# Cohort inputs


def kind_calls(kind: str, fetch) -> list:
    """The caller's Call objects of a template sample of ``kind`` (filters and ITD allelic
    ratios applied by the caller's own functions)."""
    from npm1_flt3.caller import Call, CallerSettings, apply_filters, assign_allelic_ratios
    from npm1_flt3.variants import Variant, insertion, tandem_duplication

    npm1 = {name: insertion("chr5", 171410543, seq, fetch)
            for name, seq in (("A", "TCTG"), ("B", "CATG"), ("D", "CCTG"))}
    noise = insertion("chr5", 171410543, "TCTC", fetch)  # a 2-read NPM1 candidate: filtered
    itd21, itd30, itd60 = (tandem_duplication("chr13", first, last, fetch) for first, last in
                           ((28034124, 28034144), (28034119, 28034148), (28034100, 28034159)))
    d835y = Variant("chr13", 28018505, fetch("chr13", 28018505, 28018505), "A")  # c.2503G>T

    def npm1_call(name: str, alt: int, depth: int) -> Call:
        return Call(npm1[name], "NPM1", "INS", alt, depth)

    def itd(variant, alt: int, depth: int) -> Call:
        return Call(variant, "FLT3", "ITD", alt, depth)

    calls = {
        "npm1_A": [npm1_call("A", 189, 452), Call(noise, "NPM1", "INS", 2, 446)],
        "npm1_B": [npm1_call("B", 160, 471)],
        "npm1_D": [npm1_call("D", 98, 502)],
        "npm1_A_itd": [npm1_call("A", 201, 488), itd(itd30, 116, 455)],
        "itd": [itd(itd21, 88, 430)],
        "itd_two_clones": [itd(itd21, 41, 410), itd(itd60, 127, 423)],
        "tkd": [Call(d835y, "FLT3", "SNV", 54, 489)],
        "npm1_itd_tkd": [npm1_call("A", 189, 452), itd(itd30, 116, 455),
                         Call(d835y, "FLT3", "SNV", 54, 489)],
        "wild_type": [Call(noise, "NPM1", "INS", 2, 512), Call(d835y, "FLT3", "SNV", 3, 530)],
        "no_call": [],
        "partial_amplicon_itd": [itd(itd21, 640, 2110)],
    }[kind]
    settings = CallerSettings(min_depth=MIN_DEPTH)
    for call in calls:
        apply_filters(call, settings)
    assign_allelic_ratios(calls)
    return calls


def kind_depths(kind: str, hotspots) -> list:
    """HotspotDepth of every hotspot for a template sample of ``kind``."""
    from npm1_flt3.caller import HotspotDepth

    depths = []
    for index, spot in enumerate(hotspots):
        if kind == "no_call":  # a shallow library: below min_depth everywhere
            low = 8 + 3 * index
        elif kind == "partial_amplicon_itd":  # NPM1 exon 12 and FLT3 exons 14-15 amplicons only
            low = 1900 + 40 * index if spot.name in ("NPM1_exon12", "FLT3_exon14", "FLT3_exon15") else 0
        else:
            low = 430 + 17 * index
        depths.append(HotspotDepth(spot, low, round(low * 1.2 + 0.3, 1)))
    return depths


def write_templates(folder: Path, reference: Path, annotation: Path) -> dict[str, dict[str, str]]:
    """Every kind's annotated VCF and hotspot table for TEMPLATE_SAMPLE, written by the package's
    own writers; returns kind -> {"vcf": decompressed VCF text, "hotspots": table text}."""
    import pysam

    from npm1_flt3.annotate import annotate_vcf
    from npm1_flt3.caller import write_hotspot_table, write_vcf
    from npm1_flt3.hotspots import define_hotspots
    from npm1_flt3.reference import GenomeReference
    from npm1_flt3.transcripts import load_transcripts

    folder.mkdir(parents=True, exist_ok=True)
    genome = GenomeReference(reference)
    transcripts = load_transcripts(annotation)
    hotspots = define_hotspots(transcripts)
    templates = {}
    try:
        for kind in KIND_WEIGHTS:
            raw = folder / f"{kind}.unannotated.vcf"
            vcf = folder / f"{kind}.vcf.gz"
            table = folder / f"{kind}.hotspots.tsv"
            write_vcf(kind_calls(kind, genome.fetch), TEMPLATE_SAMPLE, genome, raw)
            annotate_vcf(raw, vcf, genome, transcripts, symbolic_min_length=0)
            write_hotspot_table(kind_depths(kind, hotspots), TEMPLATE_SAMPLE, MIN_DEPTH, table)
            with pysam.BGZFile(str(vcf), "rb") as handle:
                text = handle.read().decode()
            templates[kind] = {"vcf": text, "hotspots": table.read_text()}
    finally:
        genome.close()
    return templates


def renamed(template: dict[str, str], sample: str) -> tuple[str, str]:
    """(VCF text, hotspot table text) of a template with ``sample`` as its sample name."""
    header = f"\tFORMAT\t{TEMPLATE_SAMPLE}\n"
    if template["vcf"].count(header) != 1:
        raise ValueError("template VCF: no single #CHROM line ending in the template sample")
    vcf = template["vcf"].replace(header, f"\tFORMAT\t{sample}\n")
    first, *rows = template["hotspots"].splitlines(keepends=True)
    table = first + "".join(sample + row[len(TEMPLATE_SAMPLE):] for row in rows)
    return vcf, table


# The three samtools stats numbers the QC verdict reads (a real report has many more lines; the
# cohort step reads only its SN section).
STATS_TEXT = ("SN\traw total sequences:\t20000\nSN\treads mapped:\t19950\n"
              "SN\treads duplicated:\t1500\n")


def write_sample_outputs(calls: Path, sample: str, template: dict[str, str]) -> None:
    """results/calls/<sample>.vcf.gz (+ .tbi), <sample>.hotspots.tsv and results/qc/samtools/
    <sample>.stats.txt, as the workflow leaves them."""
    import pysam

    stats = calls.parent / "qc" / "samtools"
    stats.mkdir(parents=True, exist_ok=True)
    (stats / f"{sample}.stats.txt").write_text(STATS_TEXT)
    vcf_text, table = renamed(template, sample)
    plain = calls / f"{sample}.vcf"
    plain.write_text(vcf_text)
    pysam.tabix_index(str(plain), preset="vcf", force=True)  # bgzips (removing plain) and indexes
    (calls / f"{sample}.hotspots.tsv").write_text(table)


def cohort_parameters(samples: int, shared: Path) -> dict:
    return {"scale_version": SCALE_VERSION, "samples": samples, "kinds": KIND_WEIGHTS,
            "reference": str((shared / "reference").resolve())}


def prepare_cohort_inputs(folder: Path, samples: int, shared: Path) -> bool:
    """The per-sample outputs of (at least) ``samples`` samples in folder/results/calls; True if
    the cached ones were reused (same recipe, as many samples or more)."""
    parameters = cohort_parameters(samples, shared)
    record = folder / "inputs.json"
    if record.exists():
        cached = json.loads(record.read_text())
        if cached.get("samples", 0) >= samples and {**cached, "samples": samples} == parameters:
            return True
    shutil.rmtree(folder, ignore_errors=True)
    calls = folder / "results" / "calls"
    calls.mkdir(parents=True)
    reference = shared / "reference"
    templates = write_templates(folder / "templates", reference / "grch38_npm1_flt3_loci.fa",
                                reference / "exons.tsv")
    for index in range(samples):
        write_sample_outputs(calls, sample_name(index), templates[kind_of(index)])
    write_json(record, parameters)
    return False


def sheet_units(rows: list[dict[str, str]]) -> list:
    """The sheet's rows as units, as load_sheet reads them but without its file checks: the cohort
    step never opens a FASTQ, so the cohort inputs have none."""
    from npm1_flt3.sheet import Unit

    return [Unit(sample=row["sample"], unit=row["unit"], fq1=Path(row["fq1"]), fq2=Path(row["fq2"]),
                 patient=row["patient"], timepoint=row["timepoint"], assay=row["assay"], line=line)
            for line, row in enumerate(rows, start=2)]


def write_cohort_manifest(samples: int, path: Path) -> None:
    """The manifest that rule sample_manifest writes for the first ``samples`` samples (paths
    relative to the working folder)."""
    from npm1_flt3.samples import build_samples, write_manifest

    write_manifest(build_samples(sheet_units(sheet_rows(samples))), path)


def cohort_command(manifest: str, out: str) -> list[str]:
    """The rule's command: the samples and their files come from the manifest."""
    return ["python", "-m", "npm1_flt3", "cohort", "--manifest", manifest,
            "--cohort", f"{out}/cohort.tsv", "--variants", f"{out}/variants.tsv",
            "--summary", f"{out}/cohort_summary.tsv", "--hotspot-table", f"{out}/hotspots.tsv"]


def rule_shell_string(command: list[str]) -> str:
    """The string Snakemake hands to bash -c for the rule (its prefix, the command, the log)."""
    return SNAKEMAKE_SHELL_PREFIX + " ".join(command) + " 2> logs/npm1_flt3_cohort/cohort.log"


def shell_string_accepted(text: str, cwd: Path) -> tuple[bool, str]:
    """Whether the OS starts ``bash -c text`` at all; ``exit 0;`` in front, so nothing of it runs."""
    try:
        subprocess.run(["/bin/bash", "-c", "exit 0; " + text], check=True, cwd=cwd)
    except OSError as error:
        return False, f"{type(error).__name__}: {error.strerror}"
    return True, ""


def cohort_env() -> dict[str, str]:
    # As the rule does: the workflow folder on PYTHONPATH, the interpreter Snakemake runs with first.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["PATH"] = os.pathsep.join((os.path.dirname(sys.executable), env.get("PATH", "")))
    return env


def table_stats(path: Path) -> dict:
    with path.open() as handle:
        rows = sum(1 for _ in handle) - 1
    return {"rows": rows, "mb": round(path.stat().st_size / 1e6, 3)}


def time_cohort(args: argparse.Namespace) -> dict:
    from npm1_flt3.layout import MANIFEST

    folder = args.runs / "scale" / "cohort"
    sizes = sorted(args.cohort_sizes)
    started = time.monotonic()
    reused = prepare_cohort_inputs(folder, sizes[-1], args.shared)
    prepared = time.monotonic()
    timing = folder / "timing"
    shutil.rmtree(timing, ignore_errors=True)
    timing.mkdir()
    saved = dict(os.environ)
    os.environ.update(cohort_env())  # peers.timed runs its command in this environment
    try:
        baseline_dir = timing / "baseline"
        baseline_dir.mkdir()
        baseline = [peers.timed(["python", "-m", "npm1_flt3", "cohort", "--help"], baseline_dir,
                                args.time_bin, stdout=baseline_dir / "help.txt")
                    for _ in range(args.repeats)]
        results = []
        for n in sizes:
            out = timing / f"n{n}"
            out.mkdir()
            manifest = out / "manifest.tsv"
            write_cohort_manifest(n, manifest)
            command = cohort_command(str(manifest), str(out))
            runs = [peers.timed(command, folder, args.time_bin) for _ in range(args.repeats)]
            shutil.move(str(folder / "log.txt"), str(out / "log.txt"))
            shell = rule_shell_string(cohort_command(MANIFEST, "results/cohort"))
            accepted, error = shell_string_accepted(shell, out)
            cohort, variants = table_stats(out / "cohort.tsv"), table_stats(out / "variants.tsv")
            results.append({"samples": n, **summarise_runs(runs), "cohort_table": cohort,
                            "variants_table": variants,
                            "tables_mb": round(cohort["mb"] + variants["mb"], 3),
                            "argv_chars": sum(len(a) + 1 for a in command),
                            "manifest_chars": manifest.stat().st_size,
                            "rule_shell_command": {"chars": len(shell), "limit": MAX_ARG_STRLEN,
                                                   "accepted_by_bash_c": accepted, "error": error}})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    base = summarise_runs(baseline)
    for entry in results:
        if entry["max_rss_mb"] is not None and base["max_rss_mb"] is not None:
            entry["rss_above_baseline_mb"] = round(entry["max_rss_mb"] - base["max_rss_mb"], 1)
    return {"sizes": results, "baseline": {**base, "command": "python -m npm1_flt3 cohort --help"},
            "growth": memory_growth(results), "kinds": KIND_WEIGHTS,
            "reused_cached_inputs": reused, "prepare_s": round(prepared - started, 1),
            "command": f"python -m npm1_flt3 cohort --manifest {MANIFEST} "
                       "--cohort OUT --variants OUT (as the rule; the manifest names the samples' "
                       "VCFs, hotspot tables and samtools stats)"}


# ---------------------------------------------------------------------------------------------
# Summaries


def summarise_runs(runs: list[tuple[float, float | None]]) -> dict:
    walls = [wall for wall, _ in runs]
    memory = [rss for _, rss in runs if rss is not None]
    return {"wall_s": round(statistics.median(walls), 2),
            "max_rss_mb": round(statistics.median(memory), 1) if memory else None,
            "runs": [list(run) for run in runs]}


def memory_growth(sizes: list[dict]) -> dict:
    """Peak RSS growth from the smallest to the largest cohort against the growth of the tables
    written (MB per MB)."""
    if len(sizes) < 2 or sizes[0]["max_rss_mb"] is None or sizes[-1]["max_rss_mb"] is None:
        return {"from_samples": None, "to_samples": None, "rss_mb": None, "tables_mb": None,
                "rss_per_table_mb": None}
    first, last = sizes[0], sizes[-1]
    rss = last["max_rss_mb"] - first["max_rss_mb"]
    tables = last["tables_mb"] - first["tables_mb"]
    return {"from_samples": first["samples"], "to_samples": last["samples"], "rss_mb": round(rss, 1),
            "tables_mb": round(tables, 3), "rss_per_table_mb": round(rss / tables, 2) if tables > 0 else None}


def dag_at(dags: list[dict], samples: int) -> dict | None:
    return next((dag for dag in dags if dag["samples"] == samples), None)


def targets_met(dags: list[dict], cohort: dict) -> dict:
    largest = cohort["sizes"][-1]
    growth = cohort["growth"]["rss_per_table_mb"]
    at_1000, at_10000 = dag_at(dags, TARGET_SAMPLES), dag_at(dags, LARGE_DAG_SAMPLES)
    counted = next((dag["cluster_jobs_per_sample"] for dag in dags if "cluster_jobs_per_sample" in dag), None)
    return {
        "dry_run_under_30s": at_1000["wall_s"] < MAX_DRY_RUN_S if at_1000 else None,
        "dry_run_wall_s": at_1000["wall_s"] if at_1000 else None,
        "dry_run_10000_under_60s": at_10000["wall_s"] < MAX_LARGE_DRY_RUN_S if at_10000 else None,
        "dry_run_10000_wall_s": at_10000["wall_s"] if at_10000 else None,
        "at_most_6_cluster_jobs_per_sample": counted["max"] <= MAX_CLUSTER_JOBS_PER_SAMPLE if counted else None,
        "cohort_in_seconds": largest["wall_s"] <= MAX_COHORT_S,
        "cohort_wall_s": largest["wall_s"], "cohort_samples": largest["samples"],
        "cohort_memory_within_table": None if growth is None else growth <= MAX_RSS_GROWTH_PER_TABLE_MB,
        "rule_command_fits": largest["rule_shell_command"]["accepted_by_bash_c"],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    shared = Path(os.environ.get("NPM1_FLT3_SHARED", REPO.parent / "shared"))
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=shared, help="shared folder (reference)")
    parser.add_argument("--runs", type=Path, default=REPO / "benchmarks/runs",
                        help="work folder (everything under <runs>/scale)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/scale.json")
    parser.add_argument("--dag-samples", type=lambda t: sorted({int(x) for x in t.split(",") if x}),
                        default=list(DAG_SAMPLES), help="samples in the DAG sheets, comma list")
    parser.add_argument("--cohort-sizes", type=lambda t: sorted({int(x) for x in t.split(",") if x}),
                        default=list(COHORT_SIZES), help="cohort sizes, comma list")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs per measurement (median)")
    parser.add_argument("--time", dest="time_bin", default=peers.DEFAULT_TIME, help="GNU time")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict:
    started = time.monotonic()
    dags = time_dags(args)
    cohort = time_cohort(args)
    return {"dags": dags, "cohort": cohort, "targets_met": targets_met(dags, cohort),
            "targets": {"max_dry_run_s": MAX_DRY_RUN_S, "at_samples": TARGET_SAMPLES,
                        "max_large_dry_run_s": MAX_LARGE_DRY_RUN_S, "at_large_samples": LARGE_DAG_SAMPLES,
                        "max_cluster_jobs_per_sample": MAX_CLUSTER_JOBS_PER_SAMPLE,
                        "max_cohort_s": MAX_COHORT_S,
                        "max_rss_growth_per_table_mb": MAX_RSS_GROWTH_PER_TABLE_MB},
            "repeats": args.repeats, "cpus": os.cpu_count(),
            "timer": f"{args.time_bin} -f '%e %M', median of {args.repeats}",
            "total_s": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.runs, args.out, args.shared = args.runs.resolve(), args.out.resolve(), args.shared.resolve()
    # The workflow checks that its jobs' `npm1-flt3` command is on PATH: this environment's.
    os.environ["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
    data = run(args)
    write_json(args.out, data)
    print(json.dumps({"dags": [{k: dag.get(k) for k in ("samples", "jobs", "jobs_per_sample",
                                                           "cluster_jobs_per_sample", "wall_s", "max_rss_mb")}
                               for dag in data["dags"]],
                      "cohort": [{k: s[k] for k in ("samples", "wall_s", "max_rss_mb", "tables_mb")}
                                 for s in data["cohort"]["sizes"]],
                      "targets_met": data["targets_met"]}, indent=1))
    print(f"scale: wrote {args.out} in {data['total_s']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
