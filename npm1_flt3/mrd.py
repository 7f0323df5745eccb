"""MRD follow-up: every mutation found in a patient's baseline sample, measured at exactly that
allele in each of the patient's samples, however low, and judged against its error background.

Two commands:

* ``npm1-flt3 track`` (npm1_flt3/track.py): one sample's BAM and its patient's baseline VCF in;
  one row per PASS baseline allele out (mutant and informative molecules or fragments), and the
  sample's genotypes at the identity SNPs (npm1_flt3/identity.py). Run on every sample of a patient
  with more than one sample, the baseline included, so every point is measured the same way.
* ``npm1-flt3 mrd`` (this module): the sample manifest in; ``mrd.tsv`` (one row per allele and
  sample) and one trajectory plot per patient (``<patient>.trajectory.svg``).

How an allele is counted: npm1_flt3/track.py (junction k-mers for indels and ITDs, base calls with
agreeing mates for SNVs; molecules after UMI consensus, fragments otherwise: column count_unit).

How it is judged (npm1_flt3/mrd_limits.py for the statistics):

* **Error background** of the allele (npm1_flt3/run_background.py): the run's samples of other
  patients who do not carry the allele, at that site (pooled with the panel of normals when one
  is configured); where fewer than ``min_samples`` exist, the run's rate for that class of error
  over all positions; the default model only without profiles. The patient's own samples never
  count. The test is one-sided beta-binomial (p_value).
* **Categories** (mrd_status): ``detected`` (p <= alpha, at least min_alt_count, and a count
  precise enough to quantify: Poisson CV <= loq_cv), ``detected below LOQ`` (significant but
  fewer), ``not detected`` (not significant, and the LOD this sample reached is at most max_lod:
  1e-3 by default, the sensitivity ELN 2021 asks of molecular MRD; Heuser et al., Blood
  138:2753), ``no-call`` (not significant and the LOD is above max_lod; or the sample's identity
  does not match the baseline's).
* **LOD** (lod_vaf): the smallest VAF this sample would have shown as detected with 95%
  probability, given its depth, the background and, when the sheet gives ``dna_input_ng``, the
  genome equivalents put in (3.3 pg per haploid genome).
* **Contamination**: a detected allele at no more than ``max_hop_rate`` of its VAF in another
  patient's sample of the run (index hopping, Costello et al. 2018, BMC Genomics 19:332) names that
  sample in contamination_source: it could have come from there.
* **Identity**: the follow-up's identity-SNP genotypes against the baseline's; a mismatch turns
  every value of the sample into a no-call.
* **What the VAF is** (vaf_source, npm1_flt3/vaf_source.py): ``dna`` (a fraction of DNA molecules)
  or ``rna`` (assay rna: a fraction of transcripts). NPM1 MRD by transcript is the standard of
  molecular MRD (ELN 2021, Heuser et al.), but a transcript fraction is not a DNA VAF: a log
  reduction is given only between a sample and a baseline of the same vaf_source.
"""

from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass
from pathlib import Path

from npm1_flt3.background import BackgroundSettings, read_model, read_profile
from npm1_flt3.identity import IdentityResult, compare_genotypes, read_genotypes
from npm1_flt3.mrd_limits import (NO_BACKGROUND, ErrorBackground, background_p, critical_count,
                                  detection_limit, genome_equivalents, quantifiable_count, sampled_molecules)
from npm1_flt3.reference import GenomeReference
from npm1_flt3.run_background import RunBackground
from npm1_flt3.samples import Sample, followed_patients, manifest_rows
from npm1_flt3.tables import TableWriter
from npm1_flt3.track import ALLELE_COLUMNS, MRD_FLOAT_FORMAT
from npm1_flt3.trajectory import TrajectoryPoint, TrajectorySeries, write_trajectory_svg
from npm1_flt3.vaf_source import vaf_source_of

MRD_COLUMNS = ["patient", "sample", "timepoint", "day", "role", *ALLELE_COLUMNS, "count_unit", "alt_count",
               "depth", "alt_duplex", "vaf", "vaf_ci_low", "vaf_ci_high", "background_rate", "background_source",
               "background_samples", "p_value", "lod_vaf", "dna_input_ng", "genome_equivalents",
               "lod_genome_equivalents", "mrd_status", "contamination_source", "identity", "baseline_vaf",
               "log10_reduction", "min_log10_reduction", "method",
               # Issue 15: what vaf is a fraction of, dna (DNA molecules) or rna (transcripts).
               "vaf_source"]
# Written as integers also with gaps (an undated sample has no day), where 30 would print as "30.0".
MRD_INTEGER_COLUMNS = ("day", "pos", "length", "alt_count", "depth", "alt_duplex", "background_samples")
DETECTED, BELOW_LOQ, NOT_DETECTED, NO_CALL = "detected", "detected below LOQ", "not detected", "no-call"


@dataclass(frozen=True)
class MrdSettings:
    min_alt_count: int = 2
    max_lod: float = 1e-3
    alpha: float = 1e-3
    loq_cv: float = 0.35
    max_hop_rate: float = 0.01
    rho_min: float = 1e-5
    background: bool = True


# --- the MRD table ------------------------------------------------------------------------------------

def read_track_table(path: Path) -> list[dict]:
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@dataclass(frozen=True)
class FollowedRun:
    """What the MRD step reads from a run: its samples, their track tables, identity genotypes and
    site profiles."""

    samples: dict[str, Sample]
    track: dict[str, list[dict]]
    identity: dict[str, list]
    background: RunBackground | None


def mrd_rows(run: FollowedRun, settings: MrdSettings) -> list[dict]:
    """mrd.tsv rows: per followed patient, per baseline allele, per sample in time order."""
    rows = []
    for patient, samples in followed_patients(run.samples).items():
        baseline = run.samples[samples[0]].baseline
        identities = {sample: identity_of(run, baseline, sample) for sample in samples}
        for allele in run.track.get(baseline, []):
            key = _allele_key(allele)
            background, carriers = (run.background.of(key, patient) if run.background and settings.background
                                    else (NO_BACKGROUND, ()))
            baseline_vaf = _number(allele["vaf"])
            for sample in samples:
                measured = next((r for r in run.track.get(sample, []) if _allele_key(r) == key), None)
                if measured is None:
                    raise ValueError(f"no MRD measurement of {key} in sample {sample}; re-run "
                                     f"'npm1-flt3 track' for it with {baseline}'s VCF")
                rows.append(_mrd_row(patient, run.samples[sample], measured, baseline_vaf, background,
                                     carriers, identities[sample], settings,
                                     baseline_source=vaf_source_of(run.samples[baseline].assay)))
    return rows


def identity_of(run: FollowedRun, baseline: str, sample: str) -> IdentityResult | None:
    """The sample's identity against its baseline; None for the baseline itself."""
    if sample == baseline:
        return None
    return compare_genotypes(run.identity.get(baseline, []), run.identity.get(sample, []))


def _allele_key(row: dict) -> tuple:
    return row["chrom"], int(row["pos"]), row["ref"], row["alt"]


def _number(value) -> float | None:
    return None if value in (None, "") else float(value)


def _mrd_row(patient: str, meta: Sample, measured: dict, baseline_vaf: float | None, background: ErrorBackground,
             carriers: tuple, identity: IdentityResult | None, settings: MrdSettings,
             baseline_source: str | None = None) -> dict:
    alt, depth = int(measured["alt_count"]), int(measured["depth"])
    vaf = _number(measured["vaf"])
    genomes = genome_equivalents(meta.dna_input_ng)
    needed = critical_count(depth, background, settings.alpha, settings.min_alt_count)
    lod = detection_limit(sampled_molecules(depth, genomes), needed, background)
    if meta.assay in ("amplicon", "rna") and measured["count_unit"] == "fragments" and genomes is None:
        # Every read of an amplicon is a PCR copy, and RNA reads keep their duplicates: without UMIs
        # or the DNA input, how many molecules were sampled is unknown, and so is the sensitivity of
        # a negative result.
        lod = None
    status = mrd_status(alt, needed, lod, settings)
    if identity is not None and identity.status == "mismatch":
        status = NO_CALL
    reduction = minimum = None
    vaf_source = vaf_source_of(meta.assay)
    # A transcript fraction against a DNA VAF (or the reverse) is no log reduction of the disease.
    comparable_baseline = baseline_vaf if baseline_source in (None, vaf_source) else None
    if comparable_baseline and status in (DETECTED, BELOW_LOQ) and vaf:
        reduction = round(math.log10(baseline_vaf / vaf), 2)
    elif comparable_baseline and status == NOT_DETECTED:
        minimum = round(math.log10(baseline_vaf / lod), 2)
    p_value = background_p(alt, depth, background)
    source = (contamination_source(vaf, carriers, settings) if status in (DETECTED, BELOW_LOQ) else None)
    return {"patient": patient, "timepoint": meta.timepoint, "day": meta.day, "role": meta.role,
            **{c: measured[c] for c in ("sample", *ALLELE_COLUMNS, "count_unit", "method")},
            "pos": int(measured["pos"]), "length": int(measured["length"]),
            **{c: _number(measured[c]) for c in ("vaf", "vaf_ci_low", "vaf_ci_high")},
            "alt_count": alt, "depth": depth, "alt_duplex": _number(measured["alt_duplex"]),
            "background_rate": float(f"{background.rate:.3g}") if background is not NO_BACKGROUND else None,
            "background_source": background.source, "background_samples": background.samples,
            "p_value": float(f"{p_value:.3g}") if p_value is not None else None,
            "lod_vaf": float(f"{lod:.3g}") if lod is not None else None,
            "dna_input_ng": meta.dna_input_ng,
            "genome_equivalents": round(genomes) if genomes is not None else None,
            "lod_genome_equivalents": round(lod * genomes, 1) if lod is not None and genomes is not None else None,
            "mrd_status": status, "contamination_source": source,
            "identity": "baseline" if identity is None else f"{identity.status}: {identity.detail}",
            "baseline_vaf": baseline_vaf, "log10_reduction": reduction, "min_log10_reduction": minimum,
            "vaf_source": vaf_source}


def mrd_status(alt: int, needed: int | None, lod: float | None, settings: MrdSettings) -> str:
    if needed is not None and alt >= needed:
        return DETECTED if alt >= quantifiable_count(settings.loq_cv) else BELOW_LOQ
    if lod is not None and lod <= settings.max_lod:
        return NOT_DETECTED
    return NO_CALL


def contamination_source(vaf: float | None, carriers: tuple, settings: MrdSettings) -> str | None:
    """Another patient's sample of the run whose level of this allele, hopping at max_hop_rate,
    could give all of this signal; None if none could."""
    for sample, _, carrier_vaf in sorted(carriers, key=lambda c: -c[2]):
        if vaf is not None and vaf <= settings.max_hop_rate * carrier_vaf:
            return sample
    return None


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
        # Detected below the LOQ is drawn as detected: the point is real, its height imprecise.
        status = DETECTED if row["mrd_status"] == BELOW_LOQ else row["mrd_status"]
        point = TrajectoryPoint(x=float(meta.day if dated else index), x_label=x_label, sample=row["sample"],
                                alt_reads=row["alt_count"], depth=row["depth"], vaf=_number(row["vaf"]) or 0.0,
                                lod=row["lod_vaf"], status=status)
        key = _allele_key(row)
        series.setdefault(key, []).append(point)
        labels[key] = allele_label(row)
    return [TrajectorySeries(labels[key], tuple(points)) for key, points in series.items()]


def read_run(manifest: Path, pon: Path | None, reference: str | None, settings: MrdSettings) -> FollowedRun:
    """Every sample of the manifest; the track tables and identity genotypes of the followed ones;
    every sample's site profile when the background test is on."""
    samples, track, identity, profiles = {}, {}, {}, []
    for sample, files in manifest_rows(manifest):
        samples[sample.sample] = sample
        if files.track is not None:
            track[sample.sample] = read_track_table(files.track)
            identity[sample.sample] = read_genotypes(files.identity) if files.identity else []
        if settings.background:
            profiles.append((sample.sample, sample.patient, read_profile(files.profile)))
    background = None
    if settings.background:
        if reference is None:
            raise ValueError("the MRD background test needs the reference (--reference); or give --no-background")
        background = RunBackground(profiles, read_model(pon) if pon else None, GenomeReference(reference).fetch,
                                   BackgroundSettings(rho_min=settings.rho_min))
    return FollowedRun(samples, track, identity, background)


def write_mrd(run: FollowedRun, out: Path, plots_dir: Path, settings: MrdSettings) -> None:
    rows = mrd_rows(run, settings)
    for patient, samples in followed_patients(run.samples).items():
        dated = all(run.samples[s].day is not None for s in samples)
        patient_rows = [r for r in rows if r["patient"] == patient]
        write_trajectory_svg(plots_dir / f"{patient}.trajectory.svg", f"MRD follow-up of patient {patient}",
                             trajectory_series(patient_rows, samples, run.samples),
                             "day" if dated else "timepoint (sheet order)")
    with TableWriter(out, MRD_COLUMNS, MRD_INTEGER_COLUMNS, MRD_FLOAT_FORMAT) as table:
        table.add(rows)


# --- command line ------------------------------------------------------------------------------

def configure_parser(parser: argparse.ArgumentParser) -> None:
    defaults = MrdSettings()
    parser.add_argument("--manifest", required=True, type=Path,
                        help="sample manifest (npm1-flt3 manifest): followed patients, track tables, site profiles")
    parser.add_argument("--out", required=True, type=Path, help="mrd.tsv to write")
    parser.add_argument("--plots-dir", required=True, type=Path, help="where <patient>.trajectory.svg go")
    parser.add_argument("--reference", help="the FASTA the samples were called on (for the default error model)")
    parser.add_argument("--pon", type=Path, help="panel of normals (npm1-flt3 build-pon), pooled into every control")
    parser.add_argument("--no-background", dest="background", action="store_false",
                        help="no background test: detected = at least --min-alt-count mutant molecules or fragments")
    parser.add_argument("--min-alt-count", type=int, default=defaults.min_alt_count,
                        help="mutant molecules (or fragments) an allele needs at least to be detected")
    parser.add_argument("--max-lod", type=float, default=defaults.max_lod,
                        help="largest LOD at which an unseen allele is 'not detected' (else no-call)")
    parser.add_argument("--alpha", type=float, default=defaults.alpha,
                        help="largest background p-value at which an allele is detected")
    parser.add_argument("--loq-cv", type=float, default=defaults.loq_cv,
                        help="largest Poisson CV (1/sqrt(count)) of a quantifiable count")
    parser.add_argument("--max-hop-rate", type=float, default=defaults.max_hop_rate,
                        help="share of another sample's allele that may hop into this one (contamination_source)")
    parser.add_argument("--rho-min", type=float, default=defaults.rho_min,
                        help="smallest overdispersion of the background's beta-binomial")


def run(args: argparse.Namespace) -> int:
    settings = MrdSettings(min_alt_count=args.min_alt_count, max_lod=args.max_lod, alpha=args.alpha,
                           loq_cv=args.loq_cv, max_hop_rate=args.max_hop_rate, rho_min=args.rho_min,
                           background=args.background)
    write_mrd(read_run(args.manifest, args.pon, args.reference, settings), args.out, args.plots_dir, settings)
    return 0
