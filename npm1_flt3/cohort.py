"""Cohort tables: every sample's annotated VCF and hotspot depths in, two TSVs out.

* cohort.tsv: one row per sample, NPM1 / FLT3-ITD / FLT3-TKD status with the numbers behind it.
* variants.tsv: one row per variant record (filtered candidates included, with the reason).
* hotspots.tsv: every sample's hotspot depth table, one after the other (for the report).
* cohort_summary.tsv: counts per NPM1 type, ITD length, NPM1 x FLT3-ITD, ELN components
  (npm1_flt3/summary.py).

Each row also carries the sample's QC verdict with its reasons (npm1_flt3/qc.py) and, for each
patient's first sample (its baseline: the diagnosis, in a cohort with follow-ups), the ELN 2017 /
2022 NPM1/FLT3 components (npm1_flt3/eln.py). Follow-up samples get no ELN component: a
remission sample's genotype says nothing about the patient's risk group.

Status rules: a gene is 'mutated' / 'present' when a PASS call exists (positive evidence wins even at
low depth); otherwise 'wild-type' / 'absent' only if every hotspot of that role reached the minimum
depth, and 'no-call' if not. Nothing is wild-type by default. The same holds for RNA samples.

RNA samples (assay 'rna', issue 15): every row says what its allele fractions are a fraction of
(``vaf_source``: 'dna' or 'rna', npm1_flt3/vaf_source.py), and an RNA sample gets no FLT3-ITD
allelic ratio (cohort AR columns and variants.tsv ``itd_ar`` empty; ELN 2017 taken over an unknown
AR, npm1_flt3/eln.py) unless ``rna_allelic_ratio`` is set (config ``rna.allelic_ratio``).

Which samples, their metadata (patient, timepoint, assay, day, role) and where their files are
come from the sample manifest (npm1_flt3/samples.py). Samples are read one at a time, the manifest
a row at a time, and the tables are written as they go, a few hundred rows at a time, so memory
does not grow with the cohort (benchmarks/scale.py measures it on 10,000 samples).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from npm1_flt3.caller import HOTSPOT_COLUMNS, read_hotspot_table
from npm1_flt3.calls_vcf import CallRecord, read_sample_calls
from npm1_flt3.classify import FLT3_ITD, FLT3_OTHER, FLT3_TKD, NPM1_MUTATED, NPM1_OTHER, clinical_class
from npm1_flt3.eln import eln_components, rna_note
from npm1_flt3.qc import QcThresholds, ReadStats, qc_findings, read_samtools_stats, uncovered_hotspots, verdict
from npm1_flt3.samples import Sample, manifest_rows
from npm1_flt3.stats import allelic_ratio, total_allelic_ratio, total_fraction, wilson_interval
from npm1_flt3.summary import SUMMARY_COLUMNS, CohortSummary
from npm1_flt3.tables import TableWriter, table_of
from npm1_flt3.vaf_source import RNA, allelic_ratio_reported, vaf_source_of

VARIANT_COLUMNS = [
    "sample", "gene", "chrom", "pos", "ref", "alt", "type", "length", "exon", "exon_legacy",
    "hgvs_c", "hgvs_p", "alt_reads", "depth", "vaf", "filter",
    "consequence", "npm1_type", "itd_ar", "domain",
    "vaf_ci_low", "vaf_ci_high", "itd_ar_ci_low", "itd_ar_ci_high",
    # Issue 11: which status a variant can set (npm1_flt3/classify.py), and an ITD's insertion site.
    "clinical_class", "insertion_site_domain",
    # Issue 13: the evidence behind the artefact and background filters.
    "ref_forward", "ref_reverse", "alt_forward", "alt_reverse", "repeat",
    "background_p", "background_source", "contamination_source",
    # Issue 15: what vaf is a fraction of, dna (copies of genomic DNA) or rna (transcripts).
    "vaf_source",
]

COHORT_COLUMNS = [
    "sample", "patient", "timepoint", "npm1_status", "npm1_type", "npm1_hgvs_c", "npm1_hgvs_p",
    "npm1_vaf", "npm1_alt_reads", "npm1_depth", "flt3_itd_status", "flt3_itd_count",
    "flt3_itd_length", "flt3_itd_vaf", "flt3_itd_largest_clone_ar", "flt3_tkd_status", "flt3_tkd_hgvs_p",
    "flt3_tkd_vaf", "qc_status",
    # Added beyond the agreed minimum; documented in README.
    "assay", "npm1_hotspot_depth", "flt3_itd_alt_reads", "flt3_itd_depth", "flt3_itd_hgvs_c",
    "flt3_itd_total_vaf", "flt3_itd_hotspot_depth", "flt3_tkd_hgvs_c", "flt3_tkd_alt_reads",
    "flt3_tkd_depth", "flt3_tkd_hotspot_depth", "uncovered_hotspots", "qc_reasons",
    "npm1_vaf_ci_low", "npm1_vaf_ci_high", "flt3_itd_vaf_ci_low", "flt3_itd_vaf_ci_high",
    "flt3_itd_largest_clone_ar_ci_low", "flt3_itd_largest_clone_ar_ci_high", "flt3_tkd_vaf_ci_low", "flt3_tkd_vaf_ci_high",
    # Clinical reading (issue 6): baseline or follow-up, ELN components, QC numbers.
    "day", "role", "flt3_itd_total_ar", "flt3_itd_total_ar_ci_low", "flt3_itd_total_ar_ci_high",
    "eln2017_npm1_flt3_component", "eln2022_npm1_flt3_component", "eln_note", "flt3_mutated",
    "reads", "mapped_fraction", "duplicate_fraction",
    # Issue 11: variants that are reported but set no status (npm1_flt3/classify.py).
    "npm1_other_variants", "flt3_other_variants",
    # Issue 15: what the VAF columns are a fraction of, dna (copies of genomic DNA) or rna (transcripts).
    "vaf_source",
]

INTEGER_COLUMNS = [
    "pos", "length", "exon", "exon_legacy", "alt_reads", "depth", "npm1_alt_reads", "npm1_depth",
    "flt3_itd_count", "flt3_itd_length", "npm1_hotspot_depth", "flt3_itd_alt_reads", "flt3_itd_depth",
    "flt3_itd_hotspot_depth", "flt3_tkd_alt_reads", "flt3_tkd_depth", "flt3_tkd_hotspot_depth",
    "day", "reads", "count", "denominator", "ref_forward", "ref_reverse", "alt_forward", "alt_reverse",
]

# Which hotspot role decides which status, and the words for a found / not-found result.
STATUS_ROLES = {"npm1": ("mutated", "wild-type"), "flt3_itd": ("present", "absent"),
                "flt3_tkd": ("present", "absent")}


def read_variants(vcf_path: Path) -> list[dict]:
    """variants.tsv rows of one sample's annotated VCF."""
    return read_sample_vcf(vcf_path)[1]


def read_sample_vcf(vcf_path: Path) -> tuple[str, list[dict]]:
    """The sample name of one sample's annotated VCF and its variants.tsv rows (one pass, closed)."""
    sample, calls = read_sample_calls(vcf_path)
    return sample, [variant_row(sample, call) for call in calls]


def variant_row(sample: str, call: CallRecord) -> dict:
    """One variants.tsv row; what the call does not have (an unbounded ITD_AR_CI bound included)
    is an empty cell."""
    ar_low, ar_high = call.itd_ar_ci or (None, None)
    row = {
        "sample": sample, "gene": call.gene, "chrom": call.chrom, "pos": call.pos, "ref": call.ref,
        "alt": call.alt, "type": call.vartype, "length": call.varlen, "exon": call.exon,
        "exon_legacy": call.exon_legacy, "hgvs_c": call.hgvs_c, "hgvs_p": call.hgvs_p,
        "alt_reads": call.alt_reads, "depth": call.depth, "vaf": call.vaf, "filter": call.filter,
        "consequence": call.consequence, "npm1_type": call.npm1_type, "domain": call.flt3_domain,
        "itd_ar": call.itd_ar, "insertion_site_domain": call.insertion_site_domain,
        "vaf_ci_low": call.vaf_ci[0], "vaf_ci_high": call.vaf_ci[1],
        "itd_ar_ci_low": ar_low, "itd_ar_ci_high": ar_high,
        "repeat": call.repeat, "background_p": call.background_p,
        "background_source": call.background_source, "contamination_source": call.contamination_source,
    }
    strands = call.strand_counts or (None,) * 4
    row.update(zip(("ref_forward", "ref_reverse", "alt_forward", "alt_reverse"), strands))
    row["clinical_class"] = class_of(row)
    return row


def class_of(variant: dict) -> str:
    """The variant's clinical class (npm1_flt3/classify.py), derived from its fields rather than read
    from INFO CLASS, so that VCFs annotated before the class existed follow today's rules too."""
    return clinical_class(variant["gene"], variant["type"], variant.get("consequence"),
                          variant.get("exon_legacy"), variant.get("hgvs_p"))


# The FLT3-ITD allelic ratio columns of variants.tsv, empty for an RNA sample unless asked.
VARIANT_AR_COLUMNS = ("itd_ar", "itd_ar_ci_low", "itd_ar_ci_high")


def reported_variants(variants: list[dict], assay: str, rna_allelic_ratio: bool = False) -> list[dict]:
    """The sample's variants.tsv rows as reported for its assay: each with its vaf_source, and for an
    RNA sample no ITD allelic ratio unless asked (npm1_flt3/eln.py says why). New dicts; applying
    it twice gives the same rows."""
    source = vaf_source_of(assay)
    withheld = dict.fromkeys(VARIANT_AR_COLUMNS) if not allelic_ratio_reported(source, rna_allelic_ratio) else {}
    return [{**v, "vaf_source": source, **withheld} for v in variants]


@dataclass
class SampleEvidence:
    sample: str
    metadata: dict
    variants: list[dict]
    hotspots: list[dict]
    read_stats: ReadStats | None = None  # samtools stats of the final BAM (None: not given)


def summarise_sample(evidence: SampleEvidence, thresholds: QcThresholds = QcThresholds(),
                     rna_allelic_ratio: bool = False) -> dict:
    """One cohort.tsv row. rna_allelic_ratio: compute the ITD allelic ratio of an RNA sample too
    (a transcript ratio; without it an RNA sample has no AR)."""
    assay = evidence.metadata.get("assay", "")
    source = vaf_source_of(assay)
    ar_reported = allelic_ratio_reported(source, rna_allelic_ratio)
    variants = reported_variants(evidence.variants, assay, rna_allelic_ratio)
    passing = [v for v in variants if v["filter"] == "PASS"]
    by_class: dict[str, list[dict]] = {name: [] for name in (NPM1_MUTATED, NPM1_OTHER, FLT3_ITD, FLT3_TKD, FLT3_OTHER)}
    for v in passing:  # read_sample_vcf has classified them; rows built elsewhere may not be
        by_class[v.get("clinical_class") or class_of(v)].append(v)
    itds = by_class[FLT3_ITD]
    role_depth = {role: _role_depth(evidence.hotspots, role) for role in STATUS_ROLES}
    row = {"sample": evidence.sample, "day": None, "role": "baseline", **evidence.metadata}
    row.update(_npm1_columns(by_class[NPM1_MUTATED], role_depth["npm1"], evidence.hotspots))
    row.update(_itd_columns(itds, role_depth["flt3_itd"], evidence.hotspots))
    row.update(_tkd_columns(by_class[FLT3_TKD], role_depth["flt3_tkd"], evidence.hotspots))
    total_ar = total_allelic_ratio([(v["alt_reads"], v["depth"]) for v in itds]) if ar_reported else None
    row.update(_total_ar_columns(itds if ar_reported else [], total_ar))
    row.update(_clinical_columns(row, total_ar, itds, source, rna_allelic_ratio))
    row.update(_qc_columns(evidence, thresholds))
    row["npm1_other_variants"] = _listed(by_class[NPM1_OTHER])
    row["flt3_other_variants"] = _listed(by_class[FLT3_OTHER])
    row["vaf_source"] = source
    return row


def _listed(variants: list[dict]) -> str | None:
    """'c.700dup p.(Val234GlyfsTer8) 12.1%; ...': variants reported beside the status columns."""
    if not variants:
        return None
    def described(v: dict) -> str:
        parts = [v["hgvs_c"].split(":")[-1], v["hgvs_p"], f"{100 * v['vaf']:.1f}%"]
        return " ".join(part for part in parts if part)

    return "; ".join(described(v) for v in variants)


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
        "flt3_itd_vaf": top.get("vaf"), "flt3_itd_largest_clone_ar": top.get("itd_ar"),
        "flt3_itd_alt_reads": top.get("alt_reads"), "flt3_itd_depth": top.get("depth"),
        "flt3_itd_hgvs_c": top.get("hgvs_c"),
        "flt3_itd_total_vaf": round(float(total_fraction([(v["alt_reads"], v["depth"]) for v in itds])), 4)
        if itds else None,
        "flt3_itd_hotspot_depth": hotspot_depth,
        "flt3_itd_vaf_ci_low": top.get("vaf_ci_low"), "flt3_itd_vaf_ci_high": top.get("vaf_ci_high"),
        "flt3_itd_largest_clone_ar_ci_low": top.get("itd_ar_ci_low"),
        "flt3_itd_largest_clone_ar_ci_high": top.get("itd_ar_ci_high"),
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


def _total_ar_columns(itds, total_ar) -> dict:
    """AR of all ITD clones together (total mutant over wild type, as fragment analysis reads it;
    exact, from the counts: npm1_flt3/eln.py), its interval from the Wilson interval of the summed
    alt fragments over the deepest clone's depth."""
    if not itds:
        return {"flt3_itd_total_ar": None, "flt3_itd_total_ar_ci_low": None, "flt3_itd_total_ar_ci_high": None}
    low, high = wilson_interval(sum(v["alt_reads"] for v in itds), max(v["depth"] for v in itds))
    return {"flt3_itd_total_ar": _rounded(None if total_ar is None else float(total_ar)),
            "flt3_itd_total_ar_ci_low": _rounded(allelic_ratio(low, 0.0) or 0.0),
            "flt3_itd_total_ar_ci_high": _rounded(allelic_ratio(high, 0.0))}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _clinical_columns(row: dict, total_ar, itds: list[dict], source: str, rna_allelic_ratio: bool) -> dict:
    itd, tkd = row["flt3_itd_status"], row["flt3_tkd_status"]
    # FLT3 inhibitors (midostaurin, gilteritinib) count ITD and TKD alike.
    flt3 = "yes" if "present" in (itd, tkd) else ("no" if itd == tkd == "absent" else "no-call")
    columns = {"flt3_mutated": flt3}
    if row["role"] == "baseline":
        columns.update(eln_components(row["npm1_status"], itd, total_ar,
                                      (row["flt3_itd_total_ar_ci_low"], row["flt3_itd_total_ar_ci_high"]),
                                      timepoint=row.get("timepoint") or "", vaf_source=source,
                                      rna_allelic_ratio=rna_allelic_ratio))
        out_of_frame = [v["hgvs_c"].split(":")[-1] for v in itds if v.get("consequence") == "frameshift"]
        if out_of_frame:
            # Fragment analysis counts it as an ITD (so does ELN), but the protein is truncated.
            note = (f"FLT3-ITD {', '.join(out_of_frame)} is out of frame (frameshift): counted as an ITD as "
                    "fragment analysis counts it, but it does not encode a duplicated juxtamembrane domain")
            columns["eln_note"] = "; ".join(filter(None, [columns["eln_note"], note]))
    else:
        note = "follow-up sample: ELN components apply to the baseline sample"
        if source == RNA:  # no component here to confirm, so only what the fractions are
            note += "; " + rna_note(False, allelic_ratio_reported(source, rna_allelic_ratio))
        columns.update({"eln2017_npm1_flt3_component": None, "eln2022_npm1_flt3_component": None,
                        "eln_note": note})
    return columns


def _qc_columns(evidence: SampleEvidence, thresholds: QcThresholds) -> dict:
    """pass / warn / fail with every reason (npm1_flt3/qc.py), and the read numbers behind them."""
    assay = evidence.metadata.get("assay", "")
    findings = qc_findings(evidence.hotspots, evidence.read_stats, assay, thresholds)
    uncovered = uncovered_hotspots(evidence.hotspots, assay)
    stats = evidence.read_stats
    return {"qc_status": verdict(findings), "qc_reasons": "; ".join(f.reason for f in findings),
            "uncovered_hotspots": ",".join(uncovered),
            "reads": stats.reads if stats else None,
            "mapped_fraction": round(stats.mapped_fraction, 4) if stats else None,
            "duplicate_fraction": round(stats.duplicate_fraction, 4) if stats else None}


def cohort_metadata(sample: Sample) -> dict:
    """What cohort.tsv takes from the sample model (npm1_flt3/samples.py)."""
    return {"patient": sample.patient, "timepoint": sample.timepoint, "assay": sample.assay,
            "day": sample.day, "role": sample.role}


def iter_samples(manifest: Path, thresholds: QcThresholds = QcThresholds(), rna_allelic_ratio: bool = False
                 ) -> Iterator[tuple[dict, list[dict], list[dict]]]:
    """(cohort.tsv row, variants.tsv rows, hotspot rows) of one sample at a time, in manifest order."""
    for sample, files in manifest_rows(manifest):
        vcf_sample, variants = read_sample_vcf(files.vcf)
        if vcf_sample != sample.sample:
            raise ValueError(f"{files.vcf} holds sample {vcf_sample!r}, but the manifest {manifest} lists it "
                             f"for sample {sample.sample!r}; re-run the caller for {sample.sample}")
        variants = reported_variants(variants, sample.assay, rna_allelic_ratio)
        evidence = SampleEvidence(sample.sample, cohort_metadata(sample), variants,
                                  read_hotspot_table(files.hotspots), read_samtools_stats(files.samtools_stats))
        yield summarise_sample(evidence, thresholds, rna_allelic_ratio), variants, evidence.hotspots


def build_tables(manifest: Path, thresholds: QcThresholds = QcThresholds(), rna_allelic_ratio: bool = False
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables in memory (for interactive use; the command writes them with write_tables)."""
    all_variants, cohort_rows = [], []
    for row, variants, _ in iter_samples(manifest, thresholds, rna_allelic_ratio):
        cohort_rows.append(row)
        all_variants += variants
    cohort = table_of(cohort_rows, COHORT_COLUMNS, INTEGER_COLUMNS)
    variants = table_of(all_variants, VARIANT_COLUMNS, INTEGER_COLUMNS)
    return cohort, variants


@dataclass(frozen=True)
class CohortOutputs:
    cohort: Path
    variants: Path
    summary: Path | None = None
    hotspots: Path | None = None


def write_tables(manifest: Path, outputs: CohortOutputs, thresholds: QcThresholds = QcThresholds(),
                 rna_allelic_ratio: bool = False) -> None:
    """All tables, streamed: one sample in memory at a time; none is left half-written."""
    writers: list[TableWriter] = []
    try:
        variants = _open(writers, outputs.variants, VARIANT_COLUMNS)
        cohort = _open(writers, outputs.cohort, COHORT_COLUMNS)
        hotspots = _open(writers, outputs.hotspots, HOTSPOT_COLUMNS) if outputs.hotspots else None
        summary = CohortSummary()
        for row, sample_variants, sample_hotspots in iter_samples(manifest, thresholds, rna_allelic_ratio):
            variants.add(sample_variants)
            cohort.add([row])
            summary.add(row, sample_variants)
            if hotspots:
                hotspots.add(sample_hotspots)
        if outputs.summary is not None:
            _open(writers, outputs.summary, SUMMARY_COLUMNS).add(summary.rows())
        for writer in writers:
            writer.commit()
    except BaseException:
        for writer in writers:
            writer.discard()
        raise


def _open(writers: list[TableWriter], out: Path, columns: list[str]) -> TableWriter:
    writer = TableWriter(out, columns, INTEGER_COLUMNS)
    writers.append(writer)
    return writer


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manifest", required=True, type=Path,
                        help="sample manifest (npm1-flt3 manifest): the samples, their metadata and files")
    parser.add_argument("--cohort", required=True, type=Path, help="cohort.tsv to write")
    parser.add_argument("--variants", required=True, type=Path, help="variants.tsv to write")
    parser.add_argument("--summary", type=Path, help="cohort_summary.tsv to write")
    parser.add_argument("--hotspot-table", type=Path, help="hotspots.tsv (all samples' hotspot depths) to write")
    defaults = QcThresholds()
    parser.add_argument("--qc-min-reads", type=int, default=defaults.min_reads)
    parser.add_argument("--qc-min-mapped-fraction", type=float, default=defaults.min_mapped_fraction)
    parser.add_argument("--qc-max-duplicate-fraction", type=float, default=defaults.max_duplicate_fraction)
    parser.add_argument("--rna-allelic-ratio", action="store_true",
                        help="compute the FLT3-ITD allelic ratio of RNA samples too (a transcript ratio, not the "
                             "genomic-DNA ratio of ELN 2017; config rna.allelic_ratio). Without it an RNA sample "
                             "has no AR and its ELN 2017 component is no-call where the AR would decide it")


def run(args: argparse.Namespace) -> int:
    thresholds = QcThresholds(args.qc_min_reads, args.qc_min_mapped_fraction, args.qc_max_duplicate_fraction)
    outputs = CohortOutputs(args.cohort, args.variants, args.summary, args.hotspot_table)
    write_tables(args.manifest, outputs, thresholds, args.rna_allelic_ratio)
    return 0
