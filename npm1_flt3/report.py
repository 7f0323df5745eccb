"""The NPM1/FLT3 section of the MultiQC report (``npm1-flt3 report``): MultiQC custom-content files
written from the cohort tables, so the report shows the same numbers as cohort.tsv.

Written into ``--outdir`` (every file named ``*_mqc.yaml``, which MultiQC picks up from the
workflow's file list), all under one report section, "NPM1 / FLT3":

* general statistics columns: NPM1 status, type and VAF, FLT3-ITD status, length and AR, QC verdict;
* a table, one row per sample: the above plus TKD, hotspot depths, ELN components, QC reasons;
* a bar plot of the VAF of NPM1, FLT3-ITD (all clones) and FLT3-TKD per sample;
* a line plot of the depth at each hotspot per sample, with the no-call threshold drawn in;
* the MRD follow-up: VAF over time per patient and allele (log scale), when the cohort has one;
* ``npm1_flt3_mqc_versions.yaml``: the pipeline version, and the tools' and packages' versions.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
from pathlib import Path

import pandas as pd
import yaml

from npm1_flt3 import __version__
from npm1_flt3.atomic import write_text_atomically

SECTION = {"parent_id": "npm1_flt3", "parent_name": "NPM1 / FLT3",
           "parent_description": "Calls of the npm1-flt3 caller, one row per sample, with the depth "
                                 "that decides wild-type versus no-call and the QC verdict."}
VERDICT_COLOURS = {"pass": "#1b9e77", "warn": "#e6ab02", "fail": "#d95f02"}
PYTHON_PACKAGES = ("pysam", "cyvcf2", "pandas", "numpy")
# How each tool prints its version (the first match in the text the version rule saved).
VERSION_PATTERNS = {
    "fastp": r"fastp\s+([\w.\-]+)",
    "bwa": r"Version:\s*([\w.\-]+)",
    "samtools": r"samtools\s+([\w.\-]+)",
    "mosdepth": r"mosdepth\s+([\w.\-]+)",
}


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def _number(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _percent(value: str) -> float | None:
    number = _number(value)
    return None if number is None else round(100 * number, 3)


# --- general statistics and table -------------------------------------------------------------

STATUS_HEADERS = {
    "npm1_status": {"title": "NPM1", "description": "NPM1 status: mutated, wild-type or no-call"},
    "npm1_type": {"title": "NPM1 type", "description": "Named NPM1 type (A, B, D) or other"},
    "npm1_vaf": {"title": "NPM1 VAF", "description": "VAF of the NPM1 mutation (a transcript fraction where "
                                                     "the VAF source is rna)", "suffix": "%",
                 "max": 100, "min": 0, "format": "{:,.2f}"},
    "flt3_itd_status": {"title": "FLT3-ITD", "description": "FLT3-ITD: present, absent or no-call"},
    "flt3_itd_length": {"title": "ITD bp", "description": "Length of the largest ITD clone (bp)",
                        "format": "{:,.0f}"},
    "flt3_itd_total_ar": {"title": "ITD total AR",
                          "description": "FLT3-ITD allelic ratio of all clones together (mutant / wild type; "
                                         "cohort.tsv flt3_itd_total_ar, the AR ELN 2017 uses)",
                          "format": "{:,.3f}"},
    "qc_status": {"title": "QC", "description": "npm1-flt3 QC verdict (reasons in the NPM1 / FLT3 table)"},
    "vaf_source": {"title": "VAF source", "description": "dna: allele fractions of DNA reads; rna: fractions of "
                                                         "transcripts (expression-weighted; no ELN 2017 AR)"},
}
TABLE_HEADERS = {
    **STATUS_HEADERS,
    "npm1_hgvs_p": {"title": "NPM1 protein", "description": "HGVS p. on NM_002520.7"},
    "flt3_itd_vaf": {"title": "ITD VAF", "description": "VAF of the largest ITD clone (a transcript fraction "
                                                         "where the VAF source is rna)", "suffix": "%",
                     "max": 100, "min": 0, "format": "{:,.2f}"},
    "flt3_tkd_status": {"title": "FLT3-TKD", "description": "FLT3-TKD (D835/I836): present, absent or no-call"},
    "flt3_tkd_hgvs_p": {"title": "TKD protein", "description": "HGVS p. on NM_004119.3"},
    "npm1_hotspot_depth": {"title": "NPM1 depth", "description": "Lowest depth over the NPM1 hotspot",
                           "format": "{:,.0f}"},
    "flt3_itd_hotspot_depth": {"title": "ITD depth", "description": "Lowest depth over FLT3 exons 14-15",
                               "format": "{:,.0f}"},
    "flt3_tkd_hotspot_depth": {"title": "TKD depth", "description": "Lowest depth over D835/I836",
                               "format": "{:,.0f}"},
    "eln2017_npm1_flt3_component": {"title": "ELN 2017 (NPM1/FLT3)",
                                    "description": "NPM1/FLT3 component of the ELN 2017 risk class (not the class)"},
    "eln2022_npm1_flt3_component": {"title": "ELN 2022 (NPM1/FLT3)",
                                    "description": "NPM1/FLT3 component of the ELN 2022 risk class (not the class)"},
    "eln_note": {"title": "ELN note", "description": "What to know before acting on the ELN components "
                                                     "(AR interval spanning 0.5, low-level ITD, baseline not at diagnosis)"},
    "npm1_other_variants": {"title": "NPM1 other", "description": "NPM1 variants that do not make NPM1 'mutated' "
                                                                  "(legacy exons 5, 9, 11; in-frame exon 12)"},
    "flt3_other_variants": {"title": "FLT3 other", "description": "FLT3 variants that are neither ITD nor "
                                                                  "D835/I836 TKD (e.g. synonymous)"},
    "qc_reasons": {"title": "QC reasons", "description": "Why the QC verdict is not pass, and notes that do not "
                                                         "change it (e.g. an RNA sample's uneven exon coverage)"},
}
PERCENT_COLUMNS = {"npm1_vaf", "flt3_itd_vaf"}
NUMBER_COLUMNS = {"flt3_itd_length", "flt3_itd_total_ar", "npm1_hotspot_depth", "flt3_itd_hotspot_depth",
                  "flt3_tkd_hotspot_depth"}


def sample_values(row: pd.Series, columns) -> dict:
    """One sample's cells for MultiQC: fractions as percentages, numbers as numbers, text as is
    (empty cells left out, MultiQC shows them blank)."""
    values = {}
    for column in columns:
        cell = row[column]
        if cell == "":
            continue
        if column in PERCENT_COLUMNS:
            values[column] = _percent(cell)
        elif column in NUMBER_COLUMNS:
            values[column] = _number(cell)
        else:
            values[column] = cell
    return values


def _headers(headers: dict) -> dict:
    # Verdict colours make a failed sample stand out in both tables.
    styled = {column: dict(spec) for column, spec in headers.items()}
    styled["qc_status"]["bgcols"] = VERDICT_COLOURS
    return styled


def general_stats(cohort: pd.DataFrame) -> dict:
    return {"id": "npm1_flt3_general", "plot_type": "generalstats", "namespace": "npm1-flt3",
            "headers": _headers(STATUS_HEADERS),
            "data": {row["sample"]: sample_values(row, STATUS_HEADERS) for _, row in cohort.iterrows()}}


def calls_table(cohort: pd.DataFrame) -> dict:
    return {**SECTION, "id": "npm1_flt3_calls", "section_name": "Calls per sample", "plot_type": "table",
            "description": "One row per sample, as in results/cohort/cohort.tsv. ELN columns are the "
                           "NPM1/FLT3 components of the risk class, on each patient's baseline sample only.",
            "pconfig": {"id": "npm1_flt3_calls_table", "title": "npm1-flt3: calls per sample", "col1_header": "Sample"},
            "headers": _headers(TABLE_HEADERS),
            "data": {row["sample"]: sample_values(row, TABLE_HEADERS) for _, row in cohort.iterrows()}}


# --- plots --------------------------------------------------------------------------------------

def vaf_plot(cohort: pd.DataFrame) -> dict:
    categories = {"npm1_vaf": {"name": "NPM1"}, "flt3_itd_total_vaf": {"name": "FLT3-ITD (all clones)"},
                  "flt3_tkd_vaf": {"name": "FLT3-TKD"}}
    data = {row["sample"]: {column: _percent(row[column]) or 0.0 for column in categories}
            for _, row in cohort.iterrows()}
    return {**SECTION, "id": "npm1_flt3_vaf", "section_name": "VAF per sample", "plot_type": "bargraph",
            "description": "VAF of the NPM1 mutation, of all FLT3-ITD clones together and of the FLT3-TKD "
                           "mutation, per sample (0 where none was called; see the table for no-calls).",
            "categories": categories,
            "pconfig": {"id": "npm1_flt3_vaf_plot", "title": "npm1-flt3: VAF per sample", "stacking": "group",
                        "cpswitch": False, "ylab": "VAF (%)", "ymax": 100, "hide_zero_cats": False},
            "data": data}


def hotspot_depth_plot(hotspots: pd.DataFrame) -> dict:
    status_spots = hotspots[hotspots["role"] != "coverage"]
    order = list(dict.fromkeys(status_spots["hotspot"]))
    data = {sample: {spot: float(group.set_index("hotspot").loc[spot, "min_depth"]) for spot in order}
            for sample, group in status_spots.groupby("sample", sort=False)}
    threshold = int(status_spots["required_depth"].iloc[0]) if len(status_spots) else 0
    return {**SECTION, "id": "npm1_flt3_hotspot_depth", "section_name": "Depth at each hotspot",
            "plot_type": "linegraph",
            "description": f"Lowest depth over each hotspot per sample. Below the dashed line (caller.min_depth "
                           f"= {threshold}) a hotspot cannot show a mutation's absence: its status is no-call.",
            "pconfig": {"id": "npm1_flt3_hotspot_depth_plot", "title": "npm1-flt3: depth at each hotspot",
                        "categories": True, "ylog": True, "xlab": "hotspot", "ylab": "lowest depth (reads)",
                        "style": "lines+markers",
                        "y_lines": [{"value": threshold, "color": "#d62728", "dash": "dash", "width": 2,
                                     "label": f"no-call below {threshold}"}]},
            "data": data}


def mrd_plot(mrd: pd.DataFrame) -> dict:
    """VAF over time per patient and allele; an unseen allele is drawn at its limit of detection, in
    a dashed series of its own, since a log axis has no place for 0."""
    if mrd.empty:
        return {**SECTION, "id": "npm1_flt3_mrd", "section_name": "MRD follow-up", "plot_type": "html",
                "data": "<p>No patient in this cohort has more than one sample (sheet columns patient, "
                        "timepoint, day): there is no follow-up to show.</p>"}
    data, dashes = {}, {}
    dated = mrd["day"].ne("").all()
    for (patient, allele), rows in mrd.groupby(["patient", "hgvs_c"], sort=False):
        label = f"{patient} {rows['gene'].iloc[0]} {allele}"
        for _, row in rows.iterrows():
            x = float(row["day"]) if dated else float(rows.index.get_loc(row.name))
            if row["mrd_status"] in ("detected", "detected below LOQ"):
                data.setdefault(label, {})[x] = float(row["vaf"]) * 100
            elif row["mrd_status"] == "not detected":
                data.setdefault(f"{label}: not detected, below", {})[x] = float(row["lod_vaf"]) * 100
                dashes[f"{label}: not detected, below"] = "dash"
    return {**SECTION, "id": "npm1_flt3_mrd", "section_name": "MRD follow-up", "plot_type": "linegraph",
            "description": "VAF of each baseline allele in every sample of a followed patient (results/cohort/mrd.tsv; "
                           "one SVG per patient in results/mrd/). Dashed: not detected, drawn at the limit of "
                           "detection the depth allows.",
            "pconfig": {"id": "npm1_flt3_mrd_plot", "title": "npm1-flt3: MRD follow-up", "ylog": True,
                        "xlab": "day" if dated else "timepoint", "ylab": "VAF (%)", "style": "lines+markers",
                        "dash_styles": dashes},
            "data": data}


def umi_family_plot(family_files: list[Path]) -> dict:
    """Molecules per family size (read pairs per molecule) of every UMI sample
    (npm1_flt3/consensus.py), with each sample's molecules kept and duplex share in the legend."""
    section = {**SECTION, "id": "npm1_flt3_umi", "section_name": "UMI families"}
    if not family_files:
        return {**section, "plot_type": "html",
                "data": "<p>No sample of this batch has UMIs (sample sheet column umi): reads are counted as "
                        "fragments.</p>"}
    data = {}
    for path in family_files:
        qc = json.loads(Path(path).read_text())
        kept = qc["molecules_kept"]
        label = f"{qc['sample']} ({kept} molecules, {qc['duplex_molecules'] / kept:.0%} duplex)" if kept \
            else f"{qc['sample']} (no molecule kept)"
        data[label] = {int(size): n for size, n in qc["family_sizes"].items()}
    return {**section, "plot_type": "linegraph",
            "description": "Read pairs per molecule after UMI grouping (results/qc/umi/{sample}.families.json). "
                           "Molecules below umi.min_reads read pairs are dropped; duplex: both strands read.",
            "pconfig": {"id": "npm1_flt3_umi_plot", "title": "npm1-flt3: UMI family sizes",
                        "xlab": "read pairs per molecule", "ylab": "molecules", "xlog": True},
            "data": data}


# --- versions -----------------------------------------------------------------------------------

def tool_version(tool: str, text: str) -> str:
    match = re.search(VERSION_PATTERNS[tool], text)
    if not match:
        raise ValueError(f"cannot read the {tool} version from its output: {text.strip()[:200]!r}")
    return match.group(1)


def software_versions(version_files: list[Path], pipeline_version: str, snakemake_version: str) -> dict:
    # errors="replace": some builds print non-UTF-8 bytes in their compile details (samtools).
    tools = {path.name.split(".")[0]: tool_version(path.name.split(".")[0], path.read_text(errors="replace"))
             for path in version_files}
    packages = {name: importlib.metadata.version(name) for name in PYTHON_PACKAGES}
    return {"npm1-flt3": {"npm1-flt3": pipeline_version, "snakemake": snakemake_version, **packages},
            "command-line tools": tools}


# --- command line -------------------------------------------------------------------------------

def write_report_content(args: argparse.Namespace) -> None:
    cohort, hotspots, mrd = read_table(args.cohort), read_table(args.hotspots), read_table(args.mrd)
    contents = {"npm1_flt3_general_mqc.yaml": general_stats(cohort),
                "npm1_flt3_calls_mqc.yaml": calls_table(cohort),
                "npm1_flt3_vaf_mqc.yaml": vaf_plot(cohort),
                "npm1_flt3_hotspot_depth_mqc.yaml": hotspot_depth_plot(hotspots),
                "npm1_flt3_mrd_mqc.yaml": mrd_plot(mrd),
                "npm1_flt3_umi_mqc.yaml": umi_family_plot(args.umi_qc),
                "npm1_flt3_mqc_versions.yaml": software_versions(args.versions, args.pipeline_version,
                                                                 args.snakemake_version)}
    for name, content in contents.items():
        write_text_atomically(args.outdir / name, yaml.safe_dump(content, sort_keys=False, allow_unicode=True))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", required=True, type=Path, help="cohort.tsv")
    parser.add_argument("--hotspots", required=True, type=Path, help="hotspots.tsv (all samples)")
    parser.add_argument("--mrd", required=True, type=Path, help="mrd.tsv")
    parser.add_argument("--umi-qc", nargs="*", default=[], type=Path,
                        help="family QC JSON of each UMI sample (npm1-flt3 consensus --qc)")
    parser.add_argument("--versions", nargs="*", default=[], type=Path,
                        help="each tool's version output, named <tool>.txt (fastp, bwa, samtools, mosdepth)")
    parser.add_argument("--pipeline-version", default=__version__)
    parser.add_argument("--snakemake-version", default="")
    parser.add_argument("--outdir", required=True, type=Path, help="where the *_mqc.yaml files go")


def run(args: argparse.Namespace) -> int:
    write_report_content(args)
    return 0
