"""Benchmark truth sets: seeded, ART-simulated cohorts with a known truth (``benchmarks/simulate``).

``bash benchmarks/simulate [--outdir benchmarks/runs/truthsets] [--seed 7] [--depth-scale 1.0]
[--sets capture150,capture100,amplicon] [--jobs 2]`` writes one folder per set, laid out as
benchmarks/README.md ("Truth set folder") says: ``samples.tsv``, ``truth.tsv``,
``truth_status.tsv``, ``samples_info.tsv``, ``truthset.json`` and ``fastq/``.

The sets (all variants VCF-style, GRCh38, left-normalised by npm1_flt3.variants):

* ``capture150``: HS25 2x150, fragments 250 +- 40, 1000x at the hotspots. 48 FLT3-ITDs (12
  lengths x 4 VAFs), one sample with two ITD clones, 36 NPM1 exon-12 insertions (types A, B, D
  and three unnamed ones x 6 VAFs, 2000x over exon 12 when the VAF is <= 0.02), 6 small indels
  in NPM1 legacy exons 5, 9 and 11, 9 FLT3-TKDs (D835Y, D835H, I836del x 3 VAFs), packed at
  random into 50 samples (at most one NPM1, one ITD and one TKD each); 4 wild-type controls and
  one wild-type sample at 20x (every status a no-call).
* ``capture100``: HS20 2x100, fragments 200 +- 30, 1000x: 24 ITDs (12 lengths x VAF 0.40 and
  0.05) with NPM1 A, B, D at 0.05 and D835Y at 0.05 packed in; 2 wild-type controls.
* ``amplicon``: MSv3 2x250 amplicon mode over the demo's NPM1 exon-12 and FLT3 exon 14-15
  amplicons (no exon-20 amplicon: TKD is a no-call), 2000 read pairs per amplicon: 24 ITDs with
  NPM1 A, B, D at 0.05 and 0.01 packed in; 2 wild-type controls.
* ``classification`` (only with ``--sets``; ``benchmarks/run`` includes it): HS25 2x150 at 1000x,
  one planted event or designed pair per sample, each with its expected cohort row and HGVS names
  (benchmarks/classification.py); its folder also holds ``expected.tsv`` and
  ``expected_variants.tsv``.

Each ITD duplicates a seeded-random stretch of chr13:28033887-28034214 (FLT3 exons 14-15 with
intron 14); every third one (seeded choice) carries 1-6 random non-templated bases between the
copies, chosen so that they cannot be read as part of a longer copy. ``length`` in truth.tsv is
the whole inserted length (a multiple of 3), ``extra_bases`` its non-templated part.

Sample names (``c150_001``...) are numbered after a seeded shuffle and read names are
``sim:<sample>:<n>`` in shuffled order, so neither tells what was planted. Every random choice
comes from a seed derived from (seed, set, purpose), and every sample's reads from seeds derived
from its name, so the output does not depend on the order in which samples are simulated.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks import classification
from benchmarks import simulation as simulate
from npm1_flt3.reference import GenomeReference
from benchmarks.simulation import Planted, Region, Sample, Sequencing, SimulationError, derived_seed
from npm1_flt3.variants import Fetch, Variant, deletion, insertion, tandem_duplication

# Bump when a design or the files written change, so that older folders are regenerated.
TRUTHSET_VERSION = 2  # 2: NPM1 variants outside legacy exon 12 no longer make truth_status 'mutated'

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NPM1_FLT3_SHARED", REPO.parent / "shared"))
DEFAULT_REFERENCE = SHARED / "reference" / "grch38_npm1_flt3_loci.fa"
DEFAULT_EXONS = SHARED / "reference" / "exons.tsv"
DEFAULT_OUTDIR = Path("benchmarks/runs/truthsets")
DEFAULT_SEED = 7
MARKER = "truthset.json"
READ_PREFIX = "sim"

SETS = ("capture150", "capture100", "amplicon")  # the default of --sets (detection)
CLASSIFICATION = classification.NAME
ALL_SETS = SETS + (CLASSIFICATION,)

ITD_LENGTHS = (6, 12, 21, 30, 45, 60, 90, 120, 150, 180, 240, 300)
# FLT3 exon 15 start .. exon 14 end (minus strand gene), intron 14 included.
ITD_REGION = ("chr13", 28033887, 28034214)
EXTRA_BASES_MAX = 6
MIN_TEMPLATED = 3  # a 6-bp ITD keeps at least 3 duplicated bases

# NPM1 exon 12: inserted after c.863 (chr5:171410543); A is TCTG (= c.860_863dup).
NPM1_AFTER = ("chr5", 171410543)
NPM1_NAMED = (("A", "TCTG"), ("B", "CATG"), ("D", "CCTG"))
NPM1_UNNAMED = ("CAGG", "CTTG", "TATG")  # 4-bp insertions after c.863 that are not A, B or D
NPM1_VAFS = (0.50, 0.20, 0.05, 0.02, 0.01, 0.005)
NPM1_DEEP_VAF = 0.02  # NPM1 VAF at or below which the exon-12 window is sequenced deeper
# Small indels inside the coding parts of NPM1 legacy exons 5, 9 and 11 (MANE 5, 9, 10).
NPM1_OTHER_EXONS = (
    (5, "DEL", ("chr5", 171392760, 171392760)),  # 1-bp deletion
    (9, "INS", ("chr5", 171405350, "CT")),  # 2-bp insertion
    (11, "DEL", ("chr5", 171407735, 171407737)),  # 3-bp deletion
)
NPM1_OTHER_VAFS = (0.20, 0.05)

# FLT3-TKD, exon 20 (c.2503 = chr13:28018505; codon 836 = chr13:28018500-28018502).
D835 = ("chr13", 28018505)
I836 = ("chr13", 28018500, 28018502)
TKD_VAFS = (0.20, 0.05, 0.02)

CAPTURE_DEPTH = 1000.0  # read depth at the hotspots, before --depth-scale
NPM1_DEEP_DEPTH = 2000.0  # over NPM1 exon 12 when the NPM1 VAF <= NPM1_DEEP_VAF
LOW_COVERAGE_DEPTH = 20.0  # fixed: stays a no-call whatever --depth-scale says
AMPLICON_PAIRS = 2000.0  # read pairs per amplicon, before --depth-scale

HS25_150 = Sequencing("HS25", 150, fragment_mean=250, fragment_sd=40)
HS20_100 = Sequencing("HS20", 100, fragment_mean=200, fragment_sd=30)
MSV3_AMPLICON = Sequencing("MSv3", 250, amplicon=True)

INFO_COLUMNS = ["sample", "set", "assay", "read_length", "paired", "depth", "role"]
TRUTH_COLUMNS = simulate.TRUTH_COLUMNS + ["extra_bases"]


@dataclass(frozen=True)
class SetDesign:
    name: str
    prefix: str  # sample names: <prefix>_001, ...
    assay: str  # capture or amplicon (the sheet's assay column)
    sequencing: Sequencing
    itd_vafs: tuple[float, ...]
    double_itd: tuple[tuple[int, float], ...] = ()  # (length, vaf) of a two-clone sample
    npm1: tuple[tuple[str, float], ...] = ()  # (inserted bases, vaf) at exon 12
    npm1_other_exons: bool = False
    tkd: tuple[tuple[str, float], ...] = ()  # (D835Y | D835H | I836del, vaf)
    wildtype_controls: int = 2
    low_coverage: int = 0
    itd_free_slots: int = 0  # variant samples without an ITD (they get an NPM1 variant)

    @property
    def callable_targets(self) -> frozenset[str]:
        if self.sequencing.amplicon:  # no exon-20 amplicon
            return frozenset({"NPM1", "ITD"})
        return frozenset(simulate.TARGETS)


def _all_npm1_exon12() -> tuple[tuple[str, float], ...]:
    inserted = [seq for _, seq in NPM1_NAMED] + list(NPM1_UNNAMED)
    return tuple((seq, vaf) for seq in inserted for vaf in NPM1_VAFS)


DESIGNS = {
    "capture150": SetDesign(
        "capture150", "c150", "capture", HS25_150, itd_vafs=(0.40, 0.10, 0.05, 0.01),
        double_itd=((30, 0.20), (90, 0.10)), npm1=_all_npm1_exon12(), npm1_other_exons=True,
        tkd=tuple((name, vaf) for name in ("D835Y", "D835H", "I836del") for vaf in TKD_VAFS),
        wildtype_controls=4, low_coverage=1, itd_free_slots=2),
    "capture100": SetDesign(
        "capture100", "c100", "capture", HS20_100, itd_vafs=(0.40, 0.05),
        npm1=tuple((seq, 0.05) for _, seq in NPM1_NAMED), tkd=(("D835Y", 0.05),)),
    "amplicon": SetDesign(
        "amplicon", "amp", "amplicon", MSV3_AMPLICON, itd_vafs=(0.40, 0.05),
        npm1=tuple((seq, vaf) for vaf in (0.05, 0.01) for _, seq in NPM1_NAMED)),
}


@dataclass
class Slot:
    """One sample before it gets its name."""

    role: str  # variant, wildtype_control or low_coverage
    planted: list[Planted] = field(default_factory=list)


# ----------------------------------------------------------------------------------- variants


def itd_templated_overlap(variant: Variant, fetch: Fetch) -> int:
    """How many inserted bases can be read as a copy of the adjacent reference.

    With H the mutant and R the reference around the insertion, P the length of their common
    prefix and S of their common suffix, H = R[:a] + copy + extra + copy + R[b:] holds for some a
    exactly when len(copy) <= P + S - len(R). So an insertion of L bases is a tandem duplication
    with max(0, L - overlap) non-templated bases at the least.
    """
    flank = 2 * variant.length + 50
    start = variant.pos - flank
    reference = fetch(variant.chrom, start, variant.pos + flank)
    cut = variant.pos - start + 1
    mutant = reference[:cut] + variant.inserted + reference[cut:]
    prefix = _common_prefix(reference, mutant)
    suffix = _common_prefix(reference[::-1], mutant[::-1])
    return prefix + suffix - len(reference)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def make_itd(rng: random.Random, length: int, n_extra: int, fetch: Fetch) -> Variant:
    """An in-frame ITD of `length` bases, `n_extra` of them non-templated, inside ITD_REGION."""
    chrom, low, high = ITD_REGION
    size = length - n_extra
    for _ in range(10_000):
        first = rng.randint(low + 1, high - size + 1)
        last = first + size - 1
        extra = "".join(rng.choice("ACGT") for _ in range(n_extra))
        variant = tandem_duplication(chrom, first, last, fetch, extra)
        # Inside the region (and the FLT3 amplicon) even after left-normalisation, and the extra
        # bases must not extend the copy on either side (then the ITD would be another one).
        if variant.pos > low and length - itd_templated_overlap(variant, fetch) == n_extra:
            return variant
    raise SimulationError(f"cannot place a {length}-bp ITD with {n_extra} extra bases")


def npm1_exon12(inserted: str, fetch: Fetch) -> Variant:
    return insertion(NPM1_AFTER[0], NPM1_AFTER[1], inserted, fetch)


def npm1_other_exon(kind: str, spec: tuple, fetch: Fetch) -> Variant:
    if kind == "DEL":
        return deletion(*spec, fetch)
    chrom, after, inserted = spec
    return insertion(chrom, after, inserted, fetch)


def tkd_variant(name: str, fetch: Fetch) -> Variant:
    if name == "I836del":
        return deletion(*I836, fetch)
    chrom, pos = D835
    alt = {"D835Y": "A", "D835H": "G"}[name]  # c.2503G>T and G>C on the minus strand
    return Variant(chrom, pos, fetch(chrom, pos, pos), alt)


# ----------------------------------------------------------------------------------- design


def design_slots(design: SetDesign, seed: int, fetch: Fetch) -> list[Slot]:
    """Every sample of a set, in a seeded-random order that becomes its name."""
    def rng(*purpose: object) -> random.Random:
        return random.Random(derived_seed(seed, design.name, *purpose))

    itd_keys = [(length, vaf) for length in ITD_LENGTHS for vaf in design.itd_vafs]
    with_extra = set(rng("extra").sample(itd_keys, len(itd_keys) // 3))
    itds = [_itd_planted(design, key, key in with_extra, rng, fetch) for key in itd_keys]

    npm1 = [Planted("NPM1", "NPM1", "INS", npm1_exon12(seq, fetch), vaf)
            for seq, vaf in design.npm1]
    if design.npm1_other_exons:
        for _exon, kind, spec in NPM1_OTHER_EXONS:
            variant = npm1_other_exon(kind, spec, fetch)
            # Detected and scored as NPM1 variants, but none makes the sample "NPM1 mutated":
            # that is the legacy exon-12 frameshift only (npm1_flt3/classify.py).
            npm1 += [Planted("NPM1", "OTHER", variant.kind, variant, vaf) for vaf in NPM1_OTHER_VAFS]
    tkds = []
    for name, vaf in design.tkd:
        variant = tkd_variant(name, fetch)
        tkds.append(Planted("FLT3", "TKD", variant.kind, variant, vaf))

    # Pack: ITDs fill the first slots, the ITD-free slots get an NPM1 variant first, the other
    # NPM1 and TKD variants go to random slots; independent shuffles keep bins uncorrelated.
    n_slots = len(itds) + design.itd_free_slots
    slots = [Slot("variant") for _ in range(n_slots)]
    rng("itd-order").shuffle(itds)
    for slot, planted in zip(slots, itds):
        slot.planted.append(planted)
    pack = rng("npm1-order")
    pack.shuffle(npm1)
    free = list(range(len(itds), n_slots))
    if len(npm1) < len(free) or len(npm1) - len(free) > len(itds):
        raise SimulationError(f"{design.name}: cannot pack {len(npm1)} NPM1 variants")
    for index, planted in zip(free + pack.sample(range(len(itds)), len(npm1) - len(free)), npm1):
        slots[index].planted.insert(0, planted)
    for index, planted in zip(rng("tkd-slots").sample(range(n_slots), len(tkds)), tkds):
        slots[index].planted.append(planted)

    if design.double_itd:
        clones = [_itd_planted(design, key, False, rng, fetch, "double")
                  for key in design.double_itd]
        slots.append(Slot("variant", clones))
    slots += [Slot("wildtype_control") for _ in range(design.wildtype_controls)]
    slots += [Slot("low_coverage") for _ in range(design.low_coverage)]
    rng("names").shuffle(slots)
    return slots


def _itd_planted(design, key, has_extra, rng, fetch, *tag) -> Planted:
    length, vaf = key
    # One stream per ITD: its position does not depend on which other ITDs the set holds.
    stream = rng("itd", *tag, length, vaf)
    n_extra = stream.randint(1, min(EXTRA_BASES_MAX, length - MIN_TEMPLATED)) if has_extra else 0
    variant = make_itd(stream, length, n_extra, fetch)
    return Planted("FLT3", "ITD", "ITD", variant, vaf, extra_bases=n_extra)


def build_set(
    design: SetDesign, seed: int, scale: float, fetch: Fetch, exons_tsv: Path
) -> list[tuple[Sample, str]]:
    """(sample, role) of every sample of a set, sorted by name."""
    slots = design_slots(design, seed, fetch)
    width = max(3, len(str(len(slots))))
    windows = (simulate.capture_regions(exons_tsv) if not design.sequencing.amplicon
               else [Region(*simulate.NPM1_AMPLICON), Region(*simulate.FLT3_AMPLICON)])
    result = []
    for number, slot in enumerate(slots, start=1):
        name = f"{design.prefix}_{number:0{width}d}"
        depth = LOW_COVERAGE_DEPTH if slot.role == "low_coverage" else CAPTURE_DEPTH * scale
        regions = windows
        deep = any(p.target == "NPM1" and p.vaf <= NPM1_DEEP_VAF + 1e-12 for p in slot.planted)
        if deep and not design.sequencing.amplicon:
            hotspot = NPM1_AFTER[1]
            regions = [replace(r, depth=NPM1_DEEP_DEPTH * scale)
                       if r.chrom == NPM1_AFTER[0] and r.start <= hotspot <= r.end else r
                       for r in windows]
        sample = Sample(
            name, name, design.assay, True, depth=depth, planted=tuple(slot.planted),
            callable_targets=(frozenset() if slot.role == "low_coverage"
                              else design.callable_targets),
            sequencing=design.sequencing, regions=tuple(regions),
            amplicon_pairs=AMPLICON_PAIRS * scale if design.sequencing.amplicon else None)
        result.append((sample, slot.role))
    return result


def nominal_depth(sample: Sample) -> float:
    """samples_info.tsv 'depth': read depth at the hotspots (capture), pairs per amplicon."""
    return sample.amplicon_pairs if sample.sequencing.amplicon else sample.depth


# ----------------------------------------------------------------------------------- output


def parameters(design: SetDesign, seed: int, scale: float) -> dict[str, object]:
    """What truthset.json records; equal parameters mean identical output."""
    seq = design.sequencing
    return {
        "set": design.name, "seed": seed, "depth_scale": scale,
        "simulator": "art_illumina via benchmarks.simulation",
        "simulator_version": simulate.SIMULATOR_VERSION, "truthset_version": TRUTHSET_VERSION,
        "sequencing": {"art_profile": seq.system, "read_length": seq.read_length,
                       "paired": True, "amplicon_mode": seq.amplicon,
                       **({} if seq.amplicon else {"fragment_mean": seq.fragment_mean,
                                                   "fragment_sd": seq.fragment_sd})},
        "depth": ({"read_pairs_per_amplicon": AMPLICON_PAIRS * scale} if seq.amplicon else
                  {"hotspots": CAPTURE_DEPTH * scale, "capture_flank": simulate.FLANK,
                   "npm1_exon12_when_vaf_at_most": {str(NPM1_DEEP_VAF): NPM1_DEEP_DEPTH * scale},
                   "low_coverage": LOW_COVERAGE_DEPTH}),
        "design": {
            "itd_region": "{}:{}-{}".format(*ITD_REGION), "itd_lengths": list(ITD_LENGTHS),
            "itd_vafs": list(design.itd_vafs), "itd_extra_bases": f"1-{EXTRA_BASES_MAX} in a "
            "third of the ITDs (seeded), included in length",
            "double_itd": [list(x) for x in design.double_itd],
            "npm1_exon12": [list(x) for x in design.npm1],
            "npm1_other_exons": ([f"legacy exon {e} {k}, VAF {'/'.join(map(str, NPM1_OTHER_VAFS))}"
                                  for e, k, _ in NPM1_OTHER_EXONS]
                                 if design.npm1_other_exons else []),
            "tkd": [list(x) for x in design.tkd],
            "wildtype_controls": design.wildtype_controls, "low_coverage": design.low_coverage,
        },
    }


def truth_rows(samples: list[tuple[Sample, str]]) -> list[dict[str, object]]:
    return [
        {"sample": s.name, "gene": p.gene, "chrom": p.variant.chrom, "pos": p.variant.pos,
         "ref": p.variant.ref, "alt": p.variant.alt, "type": p.kind,
         "length": p.variant.length, "vaf": f"{p.vaf:g}", "extra_bases": p.extra_bases}
        for s, _ in samples for p in s.planted
    ]


def info_rows(design: SetDesign, samples: list[tuple[Sample, str]]) -> list[dict[str, object]]:
    return [{"sample": s.name, "set": design.name, "assay": s.assay,
             "read_length": design.sequencing.read_length,
             "paired": "true" if s.paired else "false",
             "depth": f"{nominal_depth(s):g}", "role": role} for s, role in samples]


_REFERENCES: dict[str, GenomeReference] = {}


def _simulate_one(job: tuple[Sample, str, str, int, float, str]) -> list[dict[str, str]]:
    """Simulate and write one sample (runs in a worker process); returns its sheet rows."""
    sample, reference, exons_tsv, seed, scale, outdir = job
    if reference not in _REFERENCES:  # one open FASTA per process
        _REFERENCES[reference] = GenomeReference(reference)
    reads = simulate.simulate_sample(sample, _REFERENCES[reference], Path(exons_tsv), seed, scale)
    return simulate.write_sample_fastqs(sample, reads, Path(outdir), READ_PREFIX)


def write_set(
    outdir: Path, design: SetDesign, ref: GenomeReference, exons_tsv: Path, seed: int,
    scale: float, pool: ProcessPoolExecutor | None,
) -> int:
    (outdir / "fastq").mkdir(parents=True)
    samples = build_set(design, seed, scale, ref.fetch, exons_tsv)
    jobs = [(s, str(ref.path), str(exons_tsv), seed, scale, str(outdir)) for s, _ in samples]
    sheet: list[dict[str, str]] = []
    for rows in (pool.map(_simulate_one, jobs) if pool else map(_simulate_one, jobs)):
        sheet += rows
    cohort = [s for s, _ in samples]
    simulate.write_tsv(outdir / "samples.tsv", simulate.SHEET_COLUMNS, sheet)
    simulate.write_tsv(outdir / "truth.tsv", TRUTH_COLUMNS, truth_rows(samples))
    simulate.write_tsv(outdir / "truth_status.tsv", simulate.STATUS_COLUMNS,
                       simulate.status_rows(cohort))
    simulate.write_tsv(outdir / "samples_info.tsv", INFO_COLUMNS, info_rows(design, samples))
    # The marker last: its presence means a complete folder.
    text = json.dumps(parameters(design, seed, scale), indent=2, sort_keys=True) + "\n"
    (outdir / MARKER).write_text(text)
    return len(samples)


def classification_parameters(seed: int, scale: float) -> dict[str, object]:
    """truthset.json of the classification set; equal parameters mean identical output."""
    seq = simulate.CAPTURE_SEQUENCING
    return {
        "set": CLASSIFICATION, "seed": seed, "depth_scale": scale,
        "simulator": "art_illumina via benchmarks.simulation",
        "simulator_version": simulate.SIMULATOR_VERSION, "truthset_version": TRUTHSET_VERSION,
        "sequencing": {"art_profile": seq.system, "read_length": seq.read_length, "paired": True,
                       "amplicon_mode": False, "fragment_mean": seq.fragment_mean,
                       "fragment_sd": seq.fragment_sd},
        "depth": {"hotspots": classification.DEPTH * scale, "capture_flank": simulate.FLANK},
        "design": {"cases": classification.design_parameters()},
    }


def write_classification_set(
    outdir: Path, ref: GenomeReference, exons_tsv: Path, seed: int, scale: float,
    pool: ProcessPoolExecutor | None,
) -> int:
    """The classification set: the usual files plus expected.tsv and expected_variants.tsv."""
    (outdir / "fastq").mkdir(parents=True)
    samples = classification.build_samples(seed, scale, ref.fetch, exons_tsv)
    jobs = [(s, str(ref.path), str(exons_tsv), seed, scale, str(outdir)) for s, _, _ in samples]
    sheet: list[dict[str, str]] = []
    for rows in (pool.map(_simulate_one, jobs) if pool else map(_simulate_one, jobs)):
        sheet += rows
    cohort = [s for s, _, _ in samples]
    seq = simulate.CAPTURE_SEQUENCING
    simulate.write_tsv(outdir / "samples.tsv", simulate.SHEET_COLUMNS, sheet)
    simulate.write_tsv(outdir / "truth.tsv", TRUTH_COLUMNS, truth_rows([(s, r) for s, r, _ in samples]))
    simulate.write_tsv(outdir / "truth_status.tsv", simulate.STATUS_COLUMNS,
                       simulate.status_rows(cohort))
    simulate.write_tsv(outdir / "samples_info.tsv", INFO_COLUMNS, [
        {"sample": s.name, "set": CLASSIFICATION, "assay": s.assay, "read_length": seq.read_length,
         "paired": "true", "depth": f"{s.depth:g}", "role": role} for s, role, _ in samples])
    simulate.write_tsv(outdir / "expected.tsv", classification.EXPECTED_COLUMNS,
                       classification.expected_rows(samples))
    simulate.write_tsv(outdir / "expected_variants.tsv", classification.EXPECTED_VARIANT_COLUMNS,
                       classification.expected_variant_rows(samples))
    text = json.dumps(classification_parameters(seed, scale), indent=2, sort_keys=True) + "\n"
    (outdir / MARKER).write_text(text)  # the marker last: its presence means a complete folder
    return len(samples)


def set_parameters(name: str, seed: int, scale: float) -> dict[str, object]:
    if name == CLASSIFICATION:
        return classification_parameters(seed, scale)
    return parameters(DESIGNS[name], seed, scale)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# ----------------------------------------------------------------------------------- CLI


def parse_sets(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in ALL_SETS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown set(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_SETS)}")
    return list(dict.fromkeys(names))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmarks/simulate", description="Simulate the benchmark truth sets (seeded).")
    parser.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR,
                        help=f"one folder per set is written here (default {DEFAULT_OUTDIR})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--depth-scale", type=float, default=1.0,
                        help="multiply capture depths and amplicon read pairs (default 1.0); "
                             f"the low-coverage sample stays at {LOW_COVERAGE_DEPTH:g}x")
    parser.add_argument("--sets", type=parse_sets, default=list(SETS),
                        help=f"comma-separated sets (default {','.join(SETS)}; also: "
                             f"{CLASSIFICATION})")
    parser.add_argument("--jobs", type=int, default=2,
                        help="samples simulated in parallel (default 2); "
                             "the output does not depend on it")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE,
                        help="GRCh38 FASTA, faidx-indexed (default: the shared reference)")
    parser.add_argument("--annotation", type=Path, default=DEFAULT_EXONS,
                        help="exons.tsv of the shared reference folder")
    return parser


def run(args: argparse.Namespace) -> int:
    scale = float(args.depth_scale)
    if not scale > 0:
        raise SimulationError("--depth-scale must be > 0")
    if args.jobs < 1:
        raise SimulationError("--jobs must be >= 1")
    outdir = args.outdir.resolve()
    todo = []
    for name in args.sets:
        target = outdir / name
        if simulate.existing_parameters(target, MARKER) == set_parameters(name, args.seed, scale):
            print(f"simulate: {target} already holds seed {args.seed}, depth scale {scale:g}; "
                  "nothing to do", file=sys.stderr)
        else:
            todo.append(name)
    if not todo:
        return 0
    if shutil.which("art_illumina") is None:
        raise SimulationError("art_illumina not found on PATH "
                              "(Debian: apt install art-nextgen-simulation-tools)")
    outdir.mkdir(parents=True, exist_ok=True)
    ref = GenomeReference(args.reference)
    pool = ProcessPoolExecutor(max_workers=args.jobs) if args.jobs > 1 else None
    try:
        for name in todo:
            started = time.monotonic()
            # Staged next to the final folder, so the rename is atomic and an interrupted run
            # leaves only a hidden .partial folder.
            staging = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=outdir))
            try:
                if name == CLASSIFICATION:
                    count = write_classification_set(staging / name, ref, args.annotation.resolve(),
                                                     args.seed, scale, pool)
                else:
                    count = write_set(staging / name, DESIGNS[name], ref, args.annotation.resolve(),
                                      args.seed, scale, pool)
                simulate.install(staging / name, outdir / name)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            size = folder_size(outdir / name) / 1e6
            print(f"simulate: wrote {outdir / name}: {count} samples, {size:.1f} MB, "
                  f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    finally:
        if pool:
            pool.shutdown()
        ref.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except (SimulationError, OSError, ValueError) as error:
        print(f"simulate: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
