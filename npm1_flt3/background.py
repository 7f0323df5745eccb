"""Per-site error background: is a candidate allele above what this batch's (or a panel of
normals') other samples show at that site and allele, strand by strand?

What we follow (each cited in README, "Filters"):
* The control is shearwater's "compound control" (Gerstung, Papaemmanuil & Campbell 2014,
  Bioinformatics 30:1198; deepSNV package, R/shearwater-functions.R): for each site, allele and
  strand, the summed counts of the *other* samples in which the allele is below ``truncate``
  (0.1): a sample that carries the allele (NPM1 type A in many patients) does not count as noise.
  We add one step shearwater leaves out: a control sample far above the lower half of the
  control (one-sided binomial p < 1e-6 against the pooled rate of the samples at or below the
  median rate, or the default model's rate if that is higher) is taken out too, so that patients
  followed at a low level (a recurrent allele at 0.5% in several follow-ups) do not raise the
  background of the others, while an artefact that every sample shows stays in it.
* Overdispersion between samples: a beta-binomial whose rho is the method-of-moments estimate
  over the control samples, clipped to [1e-4, 0.1] (shearwater's estimateRho, rho.min, rho.max).
* Each strand is tested on its own (one-sided: the candidate's rate above the control's) and the
  two p-values are combined with Fisher's method, deepSNV's default combine.method (Gerstung et
  al. 2012, Nat Commun 3:811): an allele seen on both strands above a per-strand background
  passes; one seen only where one strand is noisy does not.
* A candidate is filtered (FILTER ErrorBackground) when the combined p is above ``alpha``
  (1e-5: 0.05 over the ~5,000 site-alleles of the target regions, as LoFreq and deepSNV correct
  for the tests made).
* Where the batch has fewer than ``min_samples`` control samples at a site, a panel of normals
  (``npm1-flt3 build-pon``, the same counts from any set of BAMs, as Mutect2's
  CreateSomaticPanelOfNormals collects artefact sites from normals) is added; where neither
  gives enough, the shipped default model alone (DEFAULT_MODEL below) is used. Every candidate
  says which in INFO BG_SOURCE. The default model's rates are also a weak prior (``prior_depth``
  pseudo-reads) under every control, so that a control with no alt read does not claim a rate of
  zero.
* Cross-sample contamination (FILTER CrossSample): an allele under ``contamination_max_vaf`` (1%)
  here, at most ``max_hop_rate`` (1%) of its VAF in another patient's sample of the batch, could
  have hopped from there: it is flagged, not called. The same patient's samples never count as a
  source. Index misassignment is 0.2-6% of a run's reads (Costello et al. 2018, BMC Genomics
  19:332), spread over every sample of the pool, so the share of one given sample's reads that
  lands in another is lower; 1% covers the 0.1-1% between two samples that labs see, and runs
  without unique dual indexes may need more (background.max_hop_rate). With 2%, the benchmark's
  true 1% NPM1 calls measured at 0.93-0.99% were flagged beside a 50% carrier of the same type.

Files
-----
* Site profile (one per sample, written by the caller): the reads per strand at every position of
  the calling windows' event ranges, and every allele seen there with one read or more.
* Background model (one per batch, ``npm1-flt3 background``; a panel of normals has the same
  format, ``npm1-flt3 build-pon``): per position the summed depth, per allele the control's
  counts, rho, the samples left out of the control and the samples carrying it at >= 5%.
"""

from __future__ import annotations

import argparse
import gzip
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from npm1_flt3.artefacts import repeat_context
from npm1_flt3.atomic import open_atomically
from npm1_flt3.stats import betabinomial_sf, binomial_sf, fisher_combined
from npm1_flt3.variants import Variant

PROFILE_COLUMNS = ["record", "chrom", "pos", "ref", "alt", "forward", "reverse", "reported_vaf"]
MODEL_COLUMNS = ["record", "chrom", "pos", "ref", "alt", "samples", "alt_forward", "alt_reverse",
                 "depth_forward", "depth_reverse", "rho_forward", "rho_reverse", "excluded", "carriers"]
FORMAT_LINE = "##npm1-flt3 background model v1"


@dataclass(frozen=True)
class BackgroundSettings:
    alpha: float = 1e-5
    truncate: float = 0.1
    outlier_p: float = 1e-6
    rho_min: float = 1e-4
    rho_max: float = 0.1
    min_samples: int = 5
    prior_depth: float = 2000.0
    mu_min: float = 1e-6
    carrier_vaf: float = 0.05  # samples listed as possible contamination sources
    contamination_max_vaf: float = 0.01
    max_hop_rate: float = 0.01


AlleleKey = tuple  # (chrom, pos, ref, alt)


# --- site profiles ------------------------------------------------------------------------------

@dataclass
class SiteProfile:
    """One sample's per-strand reads at each position and for each allele it shows."""

    depth: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    alleles: dict[AlleleKey, tuple[int, int]] = field(default_factory=dict)
    reported_vaf: dict[AlleleKey, float] = field(default_factory=dict)

    def vaf(self, key: AlleleKey) -> float:
        if key in self.reported_vaf:
            return self.reported_vaf[key]
        forward, reverse = self.alleles.get(key, (0, 0))
        depth = sum(self.depth.get(key[:2], (0, 0)))
        return (forward + reverse) / depth if depth else 0.0


def write_profile(profile: SiteProfile, out: Path) -> None:
    lines = ["\t".join(PROFILE_COLUMNS)]
    for (chrom, pos), (forward, reverse) in sorted(profile.depth.items()):
        lines.append(f"depth\t{chrom}\t{pos}\t.\t.\t{forward}\t{reverse}\t")
    for key, (forward, reverse) in sorted(profile.alleles.items()):
        chrom, pos, ref, alt = key
        vaf = profile.reported_vaf.get(key)
        lines.append(f"allele\t{chrom}\t{pos}\t{ref}\t{alt}\t{forward}\t{reverse}\t"
                     + ("" if vaf is None else f"{vaf:.6f}"))
    with open_atomically(out, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as stream:
            stream.write(("\n".join(lines) + "\n").encode())


def read_profile(path: Path) -> SiteProfile:
    profile = SiteProfile()
    with gzip.open(path, "rt") as stream:
        header = stream.readline().rstrip("\n").split("\t")
        if header != PROFILE_COLUMNS:
            raise BackgroundError(f"{path}: not a site profile of this version (header {header[:3]}...); "
                                  "re-run the call step")
        for number, line in enumerate(stream, start=2):
            fields = line.rstrip("\n").split("\t")
            try:
                record, chrom, pos, ref, alt = fields[0], fields[1], int(fields[2]), fields[3], fields[4]
                counts = (int(fields[5]), int(fields[6]))
            except (IndexError, ValueError):
                raise BackgroundError(f"{path}, line {number}: malformed site-profile row") from None
            if record == "depth":
                profile.depth[chrom, pos] = counts
            else:
                profile.alleles[chrom, pos, ref, alt] = counts
                if fields[7]:
                    profile.reported_vaf[chrom, pos, ref, alt] = float(fields[7])
    return profile


class BackgroundError(ValueError):
    """A profile or model cannot be read or built."""


def moment_rho(per_sample: list[tuple[int, int]], total_alt: int, total_depth: int, samples: int,
               settings: BackgroundSettings) -> float:
    """Method-of-moments overdispersion over the control samples, clipped to [rho_min, rho_max].
    ``per_sample`` lists (alt, depth) of the control samples with an alt read; the others have
    none, so they add depth * mu^2 to the sum of squares, which the totals give."""
    if samples < 2 or total_depth == 0 or total_alt == 0:
        return settings.rho_min
    mu = total_alt / total_depth
    squares = sum(alt * alt / depth for alt, depth in per_sample if depth) - 2 * mu * total_alt + mu * mu * total_depth
    mean_depth = total_depth / samples
    if mean_depth <= 1:
        return settings.rho_min
    dispersion_ratio = squares / (samples - 1) / (mu * (1 - mu))
    rho = (dispersion_ratio - 1) / (mean_depth - 1)
    return min(max(rho, settings.rho_min), settings.rho_max)


# --- the default model --------------------------------------------------------------------------

def default_rate(key: AlleleKey, fetch) -> float:
    """Error rate per read and strand assumed for an allele where no control exists.

    * Substitutions: 1e-3 per base at base quality >= 20 split over three alternatives (3.3e-4),
      G>T and C>A (8-oxoG damage, Costello et al. 2013 NAR 41:e67) 5e-4.
    * Indels in a homopolymer of L bases: Strelka's per-read indel error model
      (Illumina/strelka, starling_indel_error_prob.cpp, deletion curve 1.1e-5 L + 5.2e-10 L^7,
      the larger of its insertion and deletion curves), times 3 for library PCR slippage;
      other 1-2 bp indels 5e-5 (Strelka's L = 1 rate); longer indels 1e-6 (shearwater's mu.min).
    """
    chrom, pos, ref, alt = key
    if len(ref) == len(alt) == 1:
        return 5e-4 if (ref, alt) in (("G", "T"), ("C", "A")) else 1e-3 / 3
    variant = Variant(chrom, pos, ref, alt)
    repeat = repeat_context(variant, fetch) if variant.kind in ("INS", "DEL") else None
    if repeat is not None and len(repeat.unit) == 1:
        length = repeat.copies
        return min(3 * (1.09814e-5 * length + 5.19742e-10 * length ** 6.99256), 0.2)
    if abs(len(ref) - len(alt)) <= 2:
        return 5e-5
    return 1e-6


DEFAULT_RHO = 1e-3  # the default model is a guess about other runs: ten times shearwater's rho.min


# --- the model ------------------------------------------------------------------------------------

@dataclass
class AlleleControl:
    samples: int
    alt: tuple[int, int]
    depth: tuple[int, int]
    rho: tuple[float, float]
    excluded: frozenset[str]
    carriers: tuple[tuple[str, str, float], ...]  # (sample, patient, vaf) at >= carrier_vaf


@dataclass
class BackgroundModel:
    """Control counts per position (all samples) and per allele (the control samples)."""

    source: str  # batch or pon
    samples: frozenset[str] = frozenset()  # every sample the model was built from
    depth: dict[tuple[str, int], tuple[int, int, int]] = field(default_factory=dict)  # fwd, rev, samples
    alleles: dict[AlleleKey, AlleleControl] = field(default_factory=dict)


def build_model(profiles: list[tuple[str, str, SiteProfile]], source: str, fetch,
                settings: BackgroundSettings = BackgroundSettings()) -> BackgroundModel:
    """The control of every allele seen in any profile; ``profiles`` are (sample, patient, profile)."""
    model = BackgroundModel(source, frozenset(sample for sample, _, _ in profiles))
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for _, _, profile in profiles:
        for position, (forward, reverse) in profile.depth.items():
            total = totals[position]
            total[0] += forward
            total[1] += reverse
            total[2] += 1 if forward + reverse else 0
    model.depth = {position: tuple(total) for position, total in totals.items()}
    keys = sorted({key for _, _, profile in profiles for key in profile.alleles})
    for key in keys:
        model.alleles[key] = allele_control(key, profiles, model.depth.get(key[:2], (0, 0, 0)),
                                            default_rate(key, fetch), settings)
    return model


def allele_control(key: AlleleKey, profiles, position_depth: tuple[int, int, int], floor_rate: float,
                   settings: BackgroundSettings) -> AlleleControl:
    """The control of one allele: every sample covering the site, less
    - those carrying it at >= truncate (shearwater), and
    - those far above the lower half of the others (binomial p < outlier_p against the pooled rate of
      the samples at or below the median rate, or the default model's rate if higher): true
      low-level alleles, such as MRD follow-ups, which several samples may show at once, so that
      the lower half, not the rest, is the yardstick."""
    seen = {}  # sample -> (alt_f, alt_r, depth_f, depth_r), samples with the allele
    excluded: set[str] = set()
    carriers = []
    for sample, patient, profile in profiles:
        if key not in profile.alleles:
            continue
        forward, reverse = profile.alleles[key]
        seen[sample] = (forward, reverse, *profile.depth.get(key[:2], (0, 0)))
        vaf = profile.vaf(key)
        if vaf >= settings.truncate:
            excluded.add(sample)
        if vaf >= settings.carrier_vaf:
            carriers.append((sample, patient, round(vaf, 4)))
    reference_rate = max(lower_half_rate(seen, excluded, position_depth), floor_rate, settings.mu_min)
    for sample, (a_f, a_r, n_f, n_r) in seen.items():
        # Binomial (no overdispersion) for this screen: at rates near mu_min a beta-binomial's tail
        # is so heavy that a follow-up sample's few true reads would stay in everyone's control.
        if sample not in excluded and binomial_sf(a_f + a_r, n_f + n_r, reference_rate) < settings.outlier_p:
            excluded.add(sample)
    kept = {sample: counts for sample, counts in seen.items() if sample not in excluded}
    alt_f, alt_r = sum(c[0] for c in kept.values()), sum(c[1] for c in kept.values())
    depth_f = position_depth[0] - sum(seen[s][2] for s in excluded)
    depth_r = position_depth[1] - sum(seen[s][3] for s in excluded)
    samples = position_depth[2] - len(excluded)
    rho_f = moment_rho([(c[0], c[2]) for c in kept.values() if c[0]], alt_f, depth_f, samples, settings)
    rho_r = moment_rho([(c[1], c[3]) for c in kept.values() if c[1]], alt_r, depth_r, samples, settings)
    return AlleleControl(samples, (alt_f, alt_r), (max(depth_f, 0), max(depth_r, 0)), (rho_f, rho_r),
                         frozenset(excluded), tuple(sorted(carriers)))


def lower_half_rate(seen: dict, excluded: set, position_depth: tuple[int, int, int]) -> float:
    """Pooled alt rate of the samples at or below the median rate (samples covering the site without
    the allele have rate 0)."""
    candidates = {s: c for s, c in seen.items() if s not in excluded}
    zeros = position_depth[2] - len(seen)
    total = zeros + len(candidates)
    if total == 0 or zeros * 2 >= total:
        return 0.0
    by_rate = sorted(candidates.values(), key=lambda c: (c[0] + c[1]) / max(c[2] + c[3], 1))
    lower = by_rate[: (total + 1) // 2 - zeros]
    alt, depth = sum(c[0] + c[1] for c in lower), sum(c[2] + c[3] for c in lower)
    # The zero samples' depth is not needed: they add no alt reads, and their depth would only
    # lower the rate further; leaving it out keeps the yardstick conservative (higher).
    return alt / depth if depth else 0.0


def write_model(model: BackgroundModel, out: Path) -> None:
    lines = [FORMAT_LINE, f"##source={model.source}", "##samples=" + ",".join(sorted(model.samples)),
             "\t".join(MODEL_COLUMNS)]
    for (chrom, pos), (forward, reverse, samples) in sorted(model.depth.items()):
        lines.append(f"depth\t{chrom}\t{pos}\t.\t.\t{samples}\t\t\t{forward}\t{reverse}\t\t\t\t")
    for (chrom, pos, ref, alt), c in sorted(model.alleles.items()):
        carriers = ",".join(f"{s}|{p}|{v}" for s, p, v in c.carriers)
        lines.append("\t".join(map(str, ["allele", chrom, pos, ref, alt, c.samples, c.alt[0], c.alt[1],
                                         c.depth[0], c.depth[1], f"{c.rho[0]:.6g}", f"{c.rho[1]:.6g}",
                                         ",".join(sorted(c.excluded)), carriers])))
    with open_atomically(out, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as stream:
            stream.write(("\n".join(lines) + "\n").encode())


def read_model(path: Path) -> BackgroundModel:
    with gzip.open(path, "rt") as stream:
        if stream.readline().rstrip("\n") != FORMAT_LINE:
            raise BackgroundError(f"{path}: not an npm1-flt3 background model or panel of normals "
                                  "(build one with npm1-flt3 build-pon)")
        source = stream.readline().rstrip("\n").removeprefix("##source=")
        names = stream.readline().rstrip("\n").removeprefix("##samples=")
        model = BackgroundModel(source, frozenset(name for name in names.split(",") if name))
        stream.readline()
        for number, line in enumerate(stream, start=5):
            f = line.rstrip("\n").split("\t")
            try:
                if f[0] == "depth":
                    model.depth[f[1], int(f[2])] = (int(f[8]), int(f[9]), int(f[5]))
                    continue
                carriers = tuple((s, p, float(v)) for s, p, v in
                                 (item.split("|") for item in f[13].split(",") if item))
                model.alleles[f[1], int(f[2]), f[3], f[4]] = AlleleControl(
                    int(f[5]), (int(f[6]), int(f[7])), (int(f[8]), int(f[9])), (float(f[10]), float(f[11])),
                    frozenset(x for x in f[12].split(",") if x), carriers)
            except (IndexError, ValueError):
                raise BackgroundError(f"{path}, line {number}: malformed background-model row") from None
    return model


# --- testing a candidate --------------------------------------------------------------------------

@dataclass(frozen=True)
class BackgroundResult:
    p: float  # Fisher-combined one-sided p of the two strands
    source: str  # batch, pon, batch+pon or default
    rate: tuple[float, float]  # background rate per read, forward and reverse
    samples: int  # control samples behind the rate (0 for the default model)

    def passed(self, settings: BackgroundSettings) -> bool:
        return self.p <= settings.alpha


def control_of(model: BackgroundModel | None, key: AlleleKey, sample: str,
                own: tuple[int, int, int, int]) -> tuple[int, tuple[int, int], tuple[int, int], tuple[float, float]]:
    """(samples, alt, depth, rho) of one model's control for key, without ``sample`` itself."""
    if model is None:
        return 0, (0, 0), (0, 0), (0.0, 0.0)
    control = model.alleles.get(key)
    if control is None:  # nobody in the model shows the allele: its whole depth at the site is control
        forward, reverse, samples = model.depth.get(key[:2], (0, 0, 0))
        control = AlleleControl(samples, (0, 0), (forward, reverse), (0.0, 0.0), frozenset(), ())
    samples, (alt_f, alt_r), (depth_f, depth_r) = control.samples, control.alt, control.depth
    if sample in model.samples and sample not in control.excluded:
        samples -= 1  # leave the sample itself out of its own control
        alt_f, alt_r = alt_f - own[0], alt_r - own[1]
        depth_f, depth_r = depth_f - own[2], depth_r - own[3]
    return max(samples, 0), (max(alt_f, 0), max(alt_r, 0)), (max(depth_f, 0), max(depth_r, 0)), control.rho


def against_background(key: AlleleKey, sample: str, own: tuple[int, int, int, int], fetch,
                    batch: BackgroundModel | None, pon: BackgroundModel | None,
                    settings: BackgroundSettings = BackgroundSettings()) -> BackgroundResult:
    """Test one sample's allele (own = alt forward, alt reverse, depth forward, depth reverse)."""
    batch_n, batch_alt, batch_depth, batch_rho = control_of(batch, key, sample, own)
    pon_n, pon_alt, pon_depth, pon_rho = control_of(pon, key, sample, own)
    # Every control there is is pooled; too few samples in all of them and the default model decides.
    parts = [part for part in (("batch", batch_n, batch_alt, batch_depth, batch_rho),
                               ("pon", pon_n, pon_alt, pon_depth, pon_rho)) if part[1] > 0]
    if sum(part[1] for part in parts) < settings.min_samples:
        parts = []
    prior = default_rate(key, fetch)
    samples = sum(p[1] for p in parts)
    rates, rhos, ps = [], [], []
    for strand in (0, 1):
        alt = sum(p[2][strand] for p in parts)
        depth = sum(p[3][strand] for p in parts)
        mu = max((alt + prior * settings.prior_depth) / (depth + settings.prior_depth), settings.mu_min)
        rho = max((p[4][strand] for p in parts), default=DEFAULT_RHO) if parts else DEFAULT_RHO
        rates.append(mu)
        rhos.append(rho)
        ps.append(betabinomial_sf(own[strand], own[2 + strand], mu, max(rho, settings.rho_min)))
    source = "+".join(p[0] for p in parts) or "default"
    return BackgroundResult(fisher_combined(*ps), source, (rates[0], rates[1]), samples)


def contamination_source(key: AlleleKey, vaf: float, patient: str, model: BackgroundModel | None,
                         settings: BackgroundSettings = BackgroundSettings()) -> str | None:
    """Another patient's sample of the batch from which this allele could have hopped, or None."""
    if model is None or vaf >= settings.contamination_max_vaf or key not in model.alleles:
        return None
    for sample, other_patient, other_vaf in sorted(model.alleles[key].carriers, key=lambda c: -c[2]):
        if other_patient != patient and vaf <= settings.max_hop_rate * other_vaf:
            return sample
    return None


# --- command line: npm1-flt3 background -----------------------------------------------------------

def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manifest", required=True, type=Path,
                        help="the batch's sample manifest (npm1-flt3 manifest); its profile column names each "
                             "sample's site profile")
    parser.add_argument("--reference", required=True, help="the FASTA the samples were called on")
    parser.add_argument("--out", required=True, type=Path, help="background model to write (.tsv.gz)")


def run(args: argparse.Namespace) -> int:
    from npm1_flt3.samples import manifest_rows

    from npm1_flt3.reference import GenomeReference

    profiles = [(sample.sample, sample.patient, read_profile(files.profile))
                for sample, files in manifest_rows(args.manifest)]
    genome = GenomeReference(args.reference)
    write_model(build_model(profiles, "batch", genome.fetch), args.out)
    return 0
