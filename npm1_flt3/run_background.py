"""The error background of an allele followed for MRD, from the run's own samples
(npm1_flt3/mrd.py uses it; npm1_flt3/mrd_limits.py tests a count against it).

Where it comes from, in order:

1. **The site**: the run's samples of patients who do *not* carry the allele (no sample of theirs
   shows it at 10% or more), through the same compound control as the ErrorBackground filter
   (npm1_flt3/background.py, allele_control), pooled with the panel of normals if one is given.
   A patient carrying the allele is left out whole: their follow-ups hold true residual disease
   at any level, which is not noise. In an MRD run of NPM1 patients most carry type A, so this
   is often too few samples.
2. **The error class** where fewer than ``min_samples`` such samples exist: the run's rate of the
   same kind of change over every position where the caller profiles it, in every sample (a
   substitution class such as C>A/G>T, strand-collapsed as in mutational-signature work, or an
   insertion or deletion of 1, 2, or 3+ bases), leaving out every allele that some sample shows
   at 1% or more (real variants). Indels are profiled over the whole calling regions, substitutions
   at the FLT3-TKD codons only (the positions where any sample shows one). The overdispersion is the spread of that rate between positions
   (method of moments, as shearwater estimates it between samples), so a site hotter than the
   class average is allowed for. This measures the errors of *this* run's chemistry: UMI
   consensus reads get their own, much lower, rate.
3. **The default model** (background.default_rate) when the run has no profile to learn from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from npm1_flt3.background import (DEFAULT_RHO, BackgroundModel, BackgroundSettings, SiteProfile, allele_control,
                                  control_of, default_rate, moment_rho)
from npm1_flt3.mrd_limits import ErrorBackground

COMPLEMENT = str.maketrans("ACGT", "TGCA")
REAL_VARIANT_VAF = 0.01  # an allele some sample shows at 1% or more is a variant, not an error


def error_class(key: tuple) -> tuple:
    """('SNV', 'C', 'A') for C>A and G>T alike; ('INS'|'DEL', 1|2|3) by length, 3 meaning 3 or more."""
    _, _, ref, alt = key
    if len(ref) == len(alt) == 1:
        if ref in "AG":  # name the change from the pyrimidine of the base pair
            ref, alt = ref.translate(COMPLEMENT), alt.translate(COMPLEMENT)
        return "SNV", ref, alt
    kind = "INS" if len(alt) > len(ref) else "DEL"
    return kind, min(abs(len(alt) - len(ref)) or len(ref), 3)


def _class_applies(klass: tuple, ref_base: str) -> bool:
    """Whether a position with this reference base can show errors of the class."""
    if klass[0] != "SNV":
        return True
    pyrimidine = ref_base.translate(COMPLEMENT) if ref_base in "AG" else ref_base
    return pyrimidine == klass[1]


@dataclass(frozen=True)
class ClassRate:
    alt: int
    depth: int
    positions: int
    rho: float


class ErrorClasses:
    """The run's error rate per class (computed once per class, on first use)."""

    def __init__(self, profiles: list[SiteProfile], fetch, settings: BackgroundSettings):
        self.settings = settings
        self.depth: dict[tuple, int] = defaultdict(int)  # (chrom, pos) -> reads, all samples
        self.alt: dict[tuple, int] = defaultdict(int)  # allele key -> reads, all samples
        self.real: set[tuple] = set()
        # The caller profiles substitutions at the FLT3-TKD codons only (indels everywhere): the
        # positions where any sample shows one are where substitution errors were looked for.
        self.substitution_positions: set[tuple] = set()
        for profile in profiles:
            for position, (forward, reverse) in profile.depth.items():
                self.depth[position] += forward + reverse
            for key, (forward, reverse) in profile.alleles.items():
                self.alt[key] += forward + reverse
                if len(key[2]) == len(key[3]) == 1:
                    self.substitution_positions.add(key[:2])
                if profile.vaf(key) >= REAL_VARIANT_VAF:
                    self.real.add(key)
        self.ref_base = {position: fetch(position[0], position[1], position[1]).upper() for position in self.depth}
        self.samples = len(profiles)
        self.cache: dict[tuple, ClassRate] = {}

    def rate(self, klass: tuple) -> ClassRate:
        if klass not in self.cache:
            self.cache[klass] = self._rate(klass)
        return self.cache[klass]

    def _rate(self, klass: tuple) -> ClassRate:
        per_position: dict[tuple, int] = defaultdict(int)
        skipped: set[tuple] = set()
        for key, reads in self.alt.items():
            if error_class(key) == klass:
                if key in self.real:
                    skipped.add(key[:2])  # a real variant's position says nothing about errors
                else:
                    per_position[key[:2]] += reads
        looked_at = self.substitution_positions if klass[0] == "SNV" else self.depth
        positions = [p for p in looked_at if p not in skipped and _class_applies(klass, self.ref_base[p])]
        alt = sum(per_position[p] for p in positions)
        depth = sum(self.depth[p] for p in positions)
        rho = moment_rho([(per_position[p], self.depth[p]) for p in positions if per_position[p]], alt, depth,
                         len(positions), self.settings)
        return ClassRate(alt, depth, len(positions), rho)


class RunBackground:
    """Every sample's site profile of the run, and the panel of normals."""

    def __init__(self, profiles: list[tuple[str, str, SiteProfile]], pon: BackgroundModel | None, fetch,
                 settings: BackgroundSettings):
        self.profiles, self.pon, self.fetch, self.settings = profiles, pon, fetch, settings
        self.classes = ErrorClasses([profile for _, _, profile in profiles], fetch, settings)

    def of(self, key: tuple, patient: str) -> tuple[ErrorBackground, tuple]:
        """(background, carriers in other patients) of one allele followed in one patient."""
        others = [(s, p, profile) for s, p, profile in self.profiles if p != patient]
        carrier_patients = {p for _, p, profile in others
                            if key in profile.alleles and profile.vaf(key) >= self.settings.truncate}
        control = self._site_control(key, [o for o in others if o[1] not in carrier_patients])
        carriers = self._carriers(key, others)
        pon_samples, pon_alt, pon_depth, pon_rho = control_of(self.pon, key, "", (0, 0, 0, 0))
        samples = control.samples + pon_samples
        prior = default_rate(key, self.fetch)
        if samples >= self.settings.min_samples:
            alt, depth = sum(control.alt) + sum(pon_alt), sum(control.depth) + sum(pon_depth)
            rate = self._with_prior(alt, depth, prior)
            rho = max(*control.rho, *(pon_rho if pon_samples else (0.0, 0.0)))
            source = "+".join(name for name, n in (("batch", control.samples), ("pon", pon_samples)) if n)
            return ErrorBackground(rate, rho, source, samples), carriers
        klass = self.classes.rate(error_class(key))
        if klass.depth > 0:
            return ErrorBackground(self._with_prior(klass.alt, klass.depth, prior), klass.rho, "class",
                                   self.classes.samples), carriers
        return ErrorBackground(prior, DEFAULT_RHO, "default", 0), carriers

    def _site_control(self, key: tuple, controls: list):
        forward = sum(profile.depth.get(key[:2], (0, 0))[0] for _, _, profile in controls)
        reverse = sum(profile.depth.get(key[:2], (0, 0))[1] for _, _, profile in controls)
        covering = sum(1 for _, _, profile in controls if sum(profile.depth.get(key[:2], (0, 0))))
        return allele_control(key, [c for c in controls if key in c[2].alleles], (forward, reverse, covering),
                              default_rate(key, self.fetch), self.settings)

    def _carriers(self, key: tuple, others: list) -> tuple:
        """Other patients' samples showing the allele at carrier_vaf or more: possible sources."""
        return tuple(sorted((s, p, round(profile.vaf(key), 4)) for s, p, profile in others
                            if key in profile.alleles and profile.vaf(key) >= self.settings.carrier_vaf))

    def _with_prior(self, alt: int, depth: int, prior: float) -> float:
        """The observed rate with the default model as a weak prior (prior_depth pseudo-reads)."""
        prior_depth = self.settings.prior_depth
        return max((alt + prior * prior_depth) / (depth + prior_depth), self.settings.mu_min)
