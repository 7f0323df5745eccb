"""Cohort tables: every sample's annotated VCF and hotspot depths in, two TSVs out.

* cohort.tsv: one row per sample, NPM1 / FLT3-ITD / FLT3-TKD status with the numbers behind it.
* variants.tsv: one row per variant record (filtered candidates included, with the reason).

Status rules: a gene is 'mutated' / 'present' when a PASS call exists (positive evidence wins even at
low depth); otherwise 'wild-type' / 'absent' only if every hotspot of that role reached the minimum
depth, and 'no-call' if not. Nothing is wild-type by default.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from cyvcf2 import VCF

from npm1_flt3.caller import read_hotspot_table

VARIANT_COLUMNS = [
    "sample", "gene", "chrom", "pos", "ref", "alt", "type", "length", "exon", "exon_legacy",
    "hgvs_c", "hgvs_p", "alt_reads", "depth", "vaf", "filter",
    "consequence", "npm1_type", "itd_ar", "domain",
    "vaf_ci_low", "vaf_ci_high", "itd_ar_ci_low", "itd_ar_ci_high",
]

COHORT_COLUMNS = [
    "sample", "patient", "timepoint", "npm1_status", "npm1_type", "npm1_hgvs_c", "npm1_hgvs_p",
    "npm1_vaf", "npm1_alt_reads", "npm1_depth", "flt3_itd_status", "flt3_itd_count",
    "flt3_itd_length", "flt3_itd_vaf", "flt3_itd_ar", "flt3_tkd_status", "flt3_tkd_hgvs_p",
    "flt3_tkd_vaf", "qc_status",
    # Added beyond the agreed minimum; documented in README.
    "assay", "npm1_hotspot_depth", "flt3_itd_alt_reads", "flt3_itd_depth", "flt3_itd_hgvs_c",
    "flt3_itd_total_vaf", "flt3_itd_hotspot_depth", "flt3_tkd_hgvs_c", "flt3_tkd_alt_reads",
    "flt3_tkd_depth", "flt3_tkd_hotspot_depth", "uncovered_hotspots", "qc_reasons",
    "npm1_vaf_ci_low", "npm1_vaf_ci_high", "flt3_itd_vaf_ci_low", "flt3_itd_vaf_ci_high",
    "flt3_itd_ar_ci_low", "flt3_itd_ar_ci_high", "flt3_tkd_vaf_ci_low", "flt3_tkd_vaf_ci_high",
]

INTEGER_COLUMNS = [
    "pos", "length", "exon", "exon_legacy", "alt_reads", "depth", "npm1_alt_reads", "npm1_depth",
    "flt3_itd_count", "flt3_itd_length", "npm1_hotspot_depth", "flt3_itd_alt_reads", "flt3_itd_depth",
    "flt3_itd_hotspot_depth", "flt3_tkd_alt_reads", "flt3_tkd_depth", "flt3_tkd_hotspot_depth",
]

# Which hotspot role decides which status, and the words for a found / not-found result.
STATUS_ROLES = {"npm1": ("mutated", "wild-type"), "flt3_itd": ("present", "absent"),
                "flt3_tkd": ("present", "absent")}
TKD_EXON = 20


def read_variants(vcf_path: Path) -> list[dict]:
    """variants.tsv rows of one sample's annotated VCF."""
    rows = []
    vcf = VCF(str(vcf_path))
    sample = vcf.samples[0]
    for record in vcf:
        ad = record.format("AD")[0]
        rows.append({
            "sample": sample, "gene": record.INFO.get("GENE"), "chrom": record.CHROM,
            "pos": record.POS, "ref": record.REF, "alt": explicit_alt(record),
            "type": record.INFO.get("VARTYPE"), "length": record.INFO.get("VARLEN"),
            "exon": record.INFO.get("EXON"), "exon_legacy": record.INFO.get("EXON_LEGACY"),
            "hgvs_c": record.INFO.get("HGVSC"), "hgvs_p": record.INFO.get("HGVSP"),
            "alt_reads": int(ad[1]), "depth": int(record.format("DP")[0][0]),
            "vaf": round(float(record.format("AF")[0][0]), 4),
            "filter": record.FILTER or "PASS",
            "consequence": record.INFO.get("CONSEQUENCE"), "npm1_type": record.INFO.get("NPM1_TYPE"),
            "domain": record.INFO.get("FLT3_DOMAIN"),
            "itd_ar": record.INFO.get("ITD_AR"),
            **_intervals(record),
        })
    vcf.close()
    return rows


def explicit_alt(record) -> str:
    """The ALT allele as bases, also for a long ITD written as <DUP:TANDEM> / <INS> (INSSEQ)."""
    alt = record.ALT[0]
    return record.REF + record.INFO["INSSEQ"] if alt.startswith("<") else alt


def _intervals(record) -> dict:
    """95% intervals from FORMAT AFCI and INFO ITD_AR_CI ('.' = unbounded reads as missing)."""
    low, high = (float(x) for x in record.format("AFCI")[0])
    ar = record.INFO.get("ITD_AR_CI")
    ar_low, ar_high = ar if isinstance(ar, tuple) else (None, None)
    return {"vaf_ci_low": round(low, 4), "vaf_ci_high": round(high, 4),
            "itd_ar_ci_low": _finite(ar_low), "itd_ar_ci_high": _finite(ar_high)}


def _finite(value) -> float | None:
    return None if value is None or value != value else round(float(value), 4)  # NaN != NaN


@dataclass
class SampleEvidence:
    sample: str
    metadata: dict
    variants: list[dict]
    hotspots: list[dict]


def summarise_sample(evidence: SampleEvidence) -> dict:
    """One cohort.tsv row."""
    passing = [v for v in evidence.variants if v["filter"] == "PASS"]
    npm1 = [v for v in passing if v["gene"] == "NPM1"]
    itds = [v for v in passing if v["gene"] == "FLT3" and v["type"] == "ITD"]
    tkds = [v for v in passing if v["gene"] == "FLT3" and v["type"] != "ITD" and v["exon"] == TKD_EXON]
    role_depth = {role: _role_depth(evidence.hotspots, role) for role in STATUS_ROLES}
    row = {"sample": evidence.sample, **evidence.metadata}
    row.update(_npm1_columns(npm1, role_depth["npm1"], evidence.hotspots))
    row.update(_itd_columns(itds, role_depth["flt3_itd"], evidence.hotspots))
    row.update(_tkd_columns(tkds, role_depth["flt3_tkd"], evidence.hotspots))
    row.update(_qc_columns(evidence.hotspots))
    return row


def _role_depth(hotspots: list[dict], role: str) -> int:
    return min(int(h["min_depth"]) for h in hotspots if h["role"] == role)


def _status(found: bool, role: str, hotspots: list[dict]) -> str:
    positive, negative = STATUS_ROLES[role]
    if found:
        return positive
    covered = all(h["covered"] == "yes" for h in hotspots if h["role"] == role)
    return negative if covered else "no-call"


def _top(variants: list[dict]) -> dict:
    return max(variants, key=lambda v: (v["vaf"], v["alt_reads"])) if variants else {}


def _npm1_columns(npm1, hotspot_depth, hotspots) -> dict:
    top = _top(npm1)
    return {
        "npm1_status": _status(bool(npm1), "npm1", hotspots),
        "npm1_type": top.get("npm1_type"), "npm1_hgvs_c": top.get("hgvs_c"),
        "npm1_hgvs_p": top.get("hgvs_p"), "npm1_vaf": top.get("vaf"),
        "npm1_alt_reads": top.get("alt_reads"), "npm1_depth": top.get("depth"),
        "npm1_hotspot_depth": hotspot_depth,
        "npm1_vaf_ci_low": top.get("vaf_ci_low"), "npm1_vaf_ci_high": top.get("vaf_ci_high"),
    }


def _itd_columns(itds, hotspot_depth, hotspots) -> dict:
    # The largest clone is the one with the highest VAF; every clone is in variants.tsv.
    top = _top(itds)
    return {
        "flt3_itd_status": _status(bool(itds), "flt3_itd", hotspots),
        "flt3_itd_count": len(itds), "flt3_itd_length": top.get("length"),
        "flt3_itd_vaf": top.get("vaf"), "flt3_itd_ar": top.get("itd_ar"),
        "flt3_itd_alt_reads": top.get("alt_reads"), "flt3_itd_depth": top.get("depth"),
        "flt3_itd_hgvs_c": top.get("hgvs_c"),
        "flt3_itd_total_vaf": round(sum(v["vaf"] for v in itds), 4) if itds else None,
        "flt3_itd_hotspot_depth": hotspot_depth,
        "flt3_itd_vaf_ci_low": top.get("vaf_ci_low"), "flt3_itd_vaf_ci_high": top.get("vaf_ci_high"),
        "flt3_itd_ar_ci_low": top.get("itd_ar_ci_low"), "flt3_itd_ar_ci_high": top.get("itd_ar_ci_high"),
    }


def _tkd_columns(tkds, hotspot_depth, hotspots) -> dict:
    top = _top(tkds)
    return {
        "flt3_tkd_status": _status(bool(tkds), "flt3_tkd", hotspots),
        "flt3_tkd_hgvs_p": top.get("hgvs_p"), "flt3_tkd_vaf": top.get("vaf"),
        "flt3_tkd_hgvs_c": top.get("hgvs_c"), "flt3_tkd_alt_reads": top.get("alt_reads"),
        "flt3_tkd_depth": top.get("depth"), "flt3_tkd_hotspot_depth": hotspot_depth,
        "flt3_tkd_vaf_ci_low": top.get("vaf_ci_low"), "flt3_tkd_vaf_ci_high": top.get("vaf_ci_high"),
    }


def _qc_columns(hotspots) -> dict:
    """pass: every status hotspot covered; partial: some; fail: none."""
    status_spots = [h for h in hotspots if h["role"] in STATUS_ROLES]
    low = [h for h in status_spots if h["covered"] != "yes"]
    verdict = "pass" if not low else ("fail" if len(low) == len(status_spots) else "partial")
    reasons = [f"low depth at {h['hotspot']} ({h['min_depth']} < {h['required_depth']})" for h in low]
    uncovered = [h["hotspot"] for h in hotspots if h["covered"] != "yes"]
    return {"qc_status": verdict, "qc_reasons": "; ".join(reasons), "uncovered_hotspots": ",".join(uncovered)}


def read_metadata(sheet: Path) -> dict[str, dict]:
    """patient, timepoint and assay per sample (first unit's row; the sheet check made them agree)."""
    table = pd.read_csv(sheet, sep="\t", comment="#", dtype=str, keep_default_na=False)
    metadata = {}
    for _, row in table.iterrows():
        metadata.setdefault(row["sample"], {
            "patient": row.get("patient") or row["sample"],
            "timepoint": row.get("timepoint", ""),
            "assay": row.get("assay") or "capture",
        })
    return metadata


def build_tables(vcfs: list[Path], hotspot_tables: list[Path], sheet: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    metadata = read_metadata(sheet)
    hotspots_by_sample: dict[str, list[dict]] = {}
    for path in hotspot_tables:
        rows = read_hotspot_table(path)
        hotspots_by_sample[rows[0]["sample"]] = rows
    all_variants, cohort_rows = [], []
    for vcf in vcfs:
        variants = read_variants(vcf)
        sample = VCF(str(vcf)).samples[0]
        all_variants += variants
        evidence = SampleEvidence(sample, metadata.get(sample, {"patient": sample, "timepoint": "", "assay": ""}),
                                  variants, hotspots_by_sample[sample])
        cohort_rows.append(summarise_sample(evidence))
    cohort = _with_integer_columns(pd.DataFrame(cohort_rows, columns=COHORT_COLUMNS))
    variants = _with_integer_columns(pd.DataFrame(all_variants, columns=VARIANT_COLUMNS))
    return cohort, variants


def _with_integer_columns(table: pd.DataFrame) -> pd.DataFrame:
    # Missing values would otherwise turn counts into floats ("25.0").
    for column in INTEGER_COLUMNS:
        if column in table:
            table[column] = table[column].astype("Int64")
    return table


def write_table(table: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    # Empty cells mean 'not applicable' (e.g. no NPM1 type for a wild-type sample).
    table.to_csv(tmp, sep="\t", index=False, na_rep="", float_format="%.4f")
    tmp.replace(out)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vcfs", nargs="+", required=True, type=Path, help="annotated VCFs, one per sample")
    parser.add_argument("--hotspots", nargs="+", required=True, type=Path, help="hotspot depth tables")
    parser.add_argument("--sheet", required=True, type=Path, help="sample sheet (patient, timepoint, assay)")
    parser.add_argument("--cohort", required=True, type=Path, help="cohort.tsv to write")
    parser.add_argument("--variants", required=True, type=Path, help="variants.tsv to write")


def run(args: argparse.Namespace) -> int:
    cohort, variants = build_tables(args.vcfs, args.hotspots, args.sheet)
    write_table(variants, args.variants)
    write_table(cohort, args.cohort)
    return 0
