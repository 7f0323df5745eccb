"""MRD follow-up: every mutation found in a patient's baseline sample, measured at exactly that
allele in each of the patient's samples, however low.

Two commands:

* ``npm1-flt3 track`` (npm1_flt3/track.py): one sample's BAM and its patient's baseline VCF in;
  one row per PASS baseline allele out (alt reads, depth, VAF with its 95% interval). Run on every
  sample of a patient with more than one sample, the baseline included, so that every point of a
  trajectory is measured the same way.
* ``npm1-flt3 mrd`` (this module): the sample manifest (npm1_flt3/samples.py: which patients are
  followed, each sample's timepoint, day, role and track table) in; ``mrd.tsv`` (one row per allele and sample,
  with the limit of detection and the MRD status) and one trajectory plot per patient
  (``<patient>.trajectory.svg``, npm1_flt3/trajectory.py).

How an allele is counted
------------------------
No calling thresholds apply: the allele is known, so the question is only how many molecules
carry it. Fragments are counted by junction k-mers (npm1_flt3/junctions.py): alt = fragments
containing a k-mer only the mutant haplotype has; depth = fragments containing the single-copy
k-mers just outside the event (their mean; the larger one where they disagree by more than a
quarter, as at amplicon primers, since a flank loses reads there but never gains them). The same
read filter as the caller (MAPQ, duplicates unless amplicon). This is alignment-independent, so a
few mutant reads the aligner soft-clips or misplaces still count.

Limit of detection (``lod_vaf``): the smallest VAF at which the sample's depth would have shown
at least ``min_alt_reads`` mutant fragments with 95% probability (npm1_flt3/stats.py). Status:
``detected`` (at least min_alt_reads), ``not detected`` (fewer, and the LOD is at most
``max_lod``: negative down to that LOD), ``no-call`` (fewer, and the depth cannot reach max_lod).
"""

from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass
from pathlib import Path

from npm1_flt3.samples import Sample, followed_patients, manifest_rows
from npm1_flt3.stats import detection_limit
from npm1_flt3.tables import TableWriter
from npm1_flt3.track import ALLELE_COLUMNS, MRD_FLOAT_FORMAT
from npm1_flt3.trajectory import TrajectoryPoint, TrajectorySeries, write_trajectory_svg
MRD_COLUMNS = ["patient", "sample", "timepoint", "day", "role", *ALLELE_COLUMNS, "alt_reads", "depth",
               "vaf", "vaf_ci_low", "vaf_ci_high", "lod_vaf", "mrd_status", "baseline_vaf",
               "log10_reduction", "min_log10_reduction", "method"]
# Written as integers also with gaps (an undated sample has no day), where 30 would print as "30.0".
MRD_INTEGER_COLUMNS = ("day", "pos", "length", "alt_reads", "depth")


@dataclass(frozen=True)
class MrdSettings:
    min_alt_reads: int = 2
    max_lod: float = 0.01


# --- the MRD table ------------------------------------------------------------------------


def read_track_table(path: Path) -> list[dict]:
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def mrd_rows(track: dict[str, list[dict]], samples_by_name: dict[str, Sample], settings: MrdSettings) -> list[dict]:
    """mrd.tsv rows: per followed patient, per baseline allele, per sample in time order."""
    rows = []
    for patient, samples in followed_patients(samples_by_name).items():
        baseline = samples_by_name[samples[0]].baseline
        for allele in track.get(baseline, []):
            key = _allele_key(allele)
            baseline_vaf = _number(allele["vaf"])
            for sample in samples:
                measured = next((r for r in track.get(sample, []) if _allele_key(r) == key), None)
                if measured is None:
                    raise ValueError(f"no MRD measurement of {key} in sample {sample}; re-run "
                                     f"'npm1-flt3 track' for it with {baseline}'s VCF")
                rows.append(_mrd_row(patient, samples_by_name[sample], measured, baseline_vaf, settings))
    return rows


def _allele_key(row: dict) -> tuple:
    return row["chrom"], int(row["pos"]), row["ref"], row["alt"]


def _number(value) -> float | None:
    return None if value in (None, "") else float(value)


def _mrd_row(patient: str, meta: Sample, measured: dict, baseline_vaf: float | None, settings: MrdSettings) -> dict:
    alt, depth = int(measured["alt_reads"]), int(measured["depth"])
    vaf = _number(measured["vaf"])
    lod = detection_limit(depth, settings.min_alt_reads)
    if alt >= settings.min_alt_reads:
        status = "detected"
    elif lod is not None and lod <= settings.max_lod:
        status = "not detected"
    else:
        status = "no-call"
    reduction = minimum = None
    if baseline_vaf and status == "detected" and vaf:
        reduction = round(math.log10(baseline_vaf / vaf), 2)
    elif baseline_vaf and status == "not detected":
        minimum = round(math.log10(baseline_vaf / lod), 2)
    return {"patient": patient, "timepoint": meta.timepoint, "day": meta.day, "role": meta.role,
            **{c: measured[c] for c in ("sample", *ALLELE_COLUMNS, "method")},
            "pos": int(measured["pos"]), "length": int(measured["length"]),
            **{c: _number(measured[c]) for c in ("vaf", "vaf_ci_low", "vaf_ci_high")},
            "alt_reads": alt, "depth": depth, "lod_vaf": round(lod, 6) if lod is not None else None,
            "mrd_status": status, "baseline_vaf": baseline_vaf,
            "log10_reduction": reduction, "min_log10_reduction": minimum}


def allele_label(row: dict) -> str:
    """'NPM1 type A (c.860_863dup)', 'FLT3-ITD 30 bp (c.1771_1800dup)', 'FLT3 p.(Asp835Tyr)'."""
    coding = row["hgvs_c"].split(":")[-1]
    if row["type"] == "ITD":
        return f"FLT3-ITD {row['length']} bp ({coding})"
    if row.get("npm1_type") not in (None, "", "other"):
        return f"NPM1 type {row['npm1_type']} ({coding})"
    return f"{row['gene']} {row['hgvs_p'] or coding}"


def trajectory_series(rows: list[dict], samples: list[str], samples_by_name: dict[str, Sample]) -> list[TrajectorySeries]:
    """One series per allele of one patient; x = day when the patient has days, else the index."""
    dated = all(samples_by_name[s].day is not None for s in samples)
    series: dict[tuple, list[TrajectoryPoint]] = {}
    labels: dict[tuple, str] = {}
    for row in rows:
        meta = samples_by_name[row["sample"]]
        index = samples.index(row["sample"])
        x_label = f"{meta.timepoint} (day {meta.day})" if dated else (meta.timepoint or row["sample"])
        point = TrajectoryPoint(x=float(meta.day if dated else index), x_label=x_label, sample=row["sample"],
                                alt_reads=row["alt_reads"], depth=row["depth"], vaf=_number(row["vaf"]) or 0.0,
                                lod=row["lod_vaf"], status=row["mrd_status"])
        key = _allele_key(row)
        series.setdefault(key, []).append(point)
        labels[key] = allele_label(row)
    return [TrajectorySeries(labels[key], tuple(points)) for key, points in series.items()]


def read_manifest_tracks(manifest: Path) -> tuple[dict[str, Sample], dict[str, list[dict]]]:
    """Every sample of the manifest, and the track table rows of each followed one."""
    samples_by_name, track = {}, {}
    for sample, files in manifest_rows(manifest):
        samples_by_name[sample.sample] = sample
        if files.track is not None:
            track[sample.sample] = read_track_table(files.track)
    return samples_by_name, track


def write_mrd(manifest: Path, out: Path, plots_dir: Path, settings: MrdSettings) -> None:
    samples_by_name, track = read_manifest_tracks(manifest)
    rows = mrd_rows(track, samples_by_name, settings)
    for patient, samples in followed_patients(samples_by_name).items():
        dated = all(samples_by_name[s].day is not None for s in samples)
        patient_rows = [r for r in rows if r["patient"] == patient]
        write_trajectory_svg(plots_dir / f"{patient}.trajectory.svg", f"MRD follow-up of patient {patient}",
                             trajectory_series(patient_rows, samples, samples_by_name),
                             "day" if dated else "timepoint (sheet order)")
    with TableWriter(out, MRD_COLUMNS, MRD_INTEGER_COLUMNS, MRD_FLOAT_FORMAT) as table:
        table.add(rows)


# --- command line ------------------------------------------------------------------------------

def configure_parser(parser: argparse.ArgumentParser) -> None:
    defaults = MrdSettings()
    parser.add_argument("--manifest", required=True, type=Path,
                        help="sample manifest (npm1-flt3 manifest): followed patients and their track tables")
    parser.add_argument("--out", required=True, type=Path, help="mrd.tsv to write")
    parser.add_argument("--plots-dir", required=True, type=Path, help="where <patient>.trajectory.svg go")
    parser.add_argument("--min-alt-reads", type=int, default=defaults.min_alt_reads,
                        help="mutant fragments that make an allele 'detected'")
    parser.add_argument("--max-lod", type=float, default=defaults.max_lod,
                        help="largest limit of detection at which an unseen allele is 'not detected' (else no-call)")


def run(args: argparse.Namespace) -> int:
    write_mrd(args.manifest, args.out, args.plots_dir, MrdSettings(args.min_alt_reads, args.max_lod))
    return 0
