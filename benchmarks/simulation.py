"""Seeded demo cohort: ART-simulated FASTQs with a known truth, for the demo and the benchmarks.

Not part of the npm1_flt3 package (nothing there imports it; tests/test_package_imports.py). Run
from the repository root:

``python -m benchmarks.simulation demo --reference FASTA --annotation EXONS_TSV --outdir DIR
[--seed 1] [--depth-scale 1.0]`` writes, in DIR:

* ``fastq/<sample>_<unit>_R1.fastq.gz`` (+ ``_R2`` when paired), gzip with mtime 0 so that one
  seed always gives byte-identical files;
* ``samples.tsv``: the sample sheet (FASTQ paths relative to the sheet's folder);
* ``truth.tsv``: one row per planted variant (VCF-style, left-normalised, GRCh38);
* ``truth_status.tsv``: what a correct caller must report per sample (including no-calls);
* ``truth_mrd.tsv``: variants planted below the calling thresholds (MRD follow-up only: the
  caller must not report them, the MRD table must find them);
* ``demo.json``: the seed and parameters, so that a second call with the same ones is a no-op.

Reads come from ``art_illumina`` run on haplotype sequences cut from the reference through
GenomeReference.fetch, so a gene-slice FASTA and a whole-genome FASTA give the same reads.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Fetch, Variant, insertion, tandem_duplication

# Bump when the cohort or the read generation changes: demo.json then no longer matches and an
# existing demo folder is regenerated instead of silently reused.
SIMULATOR_VERSION = 3  # 2: patient P06 followed over three timepoints (S06, S10, S11); 3: S10 deeper

CAPTURE_DEPTH = 600.0  # target read depth at the hotspots, before --depth-scale
SHALLOW_DEPTH = 15.0  # S08; fixed so that S08 stays a no-call whatever --depth-scale says
# S10, the remission sample: NPM1 at 0.2% gives about 24 reads (16 fragments), and the lost ITD
# can be 'not detected' down to the 1e-3 that MRD asks for (about 8,000 fragments); the lost TKD
# cannot: without UMIs its site's error background keeps the LOD above 1e-3 (a no-call).
MRD_DEPTH = 12000.0
RELAPSE_DEPTH = 1000.0  # S11: the NPM1 clone is back; too shallow to exclude the lost clones at 1e-3
AMPLICON_PAIRS = 1000  # read pairs per amplicon, before --depth-scale
FLANK = 300  # bp added on each side of the captured exons


@dataclass(frozen=True)
class Sequencing:
    """How art_illumina sequences a sample: instrument profile, read length, library."""

    system: str  # ART's built-in profile (-ss), e.g. HS25, HS20, MSv3
    read_length: int
    fragment_mean: int = 0  # capture libraries only (-m, -s of paired runs)
    fragment_sd: int = 0
    amplicon: bool = False  # ART amplicon mode: each haplotype is one amplicon, read from its ends


# The demo's two assays; a Sample may carry its own Sequencing (the benchmark truth sets do).
CAPTURE_SEQUENCING = Sequencing("HS25", 150, fragment_mean=250, fragment_sd=40)
AMPLICON_SEQUENCING = Sequencing("MSv3", 250, amplicon=True)

# Amplicons of S09 (GRCh38, 1-based inclusive). FLT3: the getITD exon 14-15 amplicon (329 bp);
# NPM1: 280 bp with c.860 (chr5:171410540) near the middle, so both mates cross the hotspot.
NPM1_AMPLICON = ("chr5", 171410401, 171410680)
FLT3_AMPLICON = ("chr13", 28033887, 28034215)

# Targets a caller reports on; 'no-call' when the sample cannot tell (not sequenced, too shallow).
TARGETS = ("NPM1", "ITD", "TKD")
STATUS_WORDS = {
    "NPM1": ("mutated", "wild-type"),
    "ITD": ("present", "absent"),
    "TKD": ("present", "absent"),
}

SHEET_COLUMNS = ["sample", "unit", "fq1", "fq2", "patient", "timepoint", "assay", "day"]
TRUTH_COLUMNS = ["sample", "gene", "chrom", "pos", "ref", "alt", "type", "length", "vaf"]
STATUS_COLUMNS = ["sample", "npm1_status", "flt3_itd_status", "flt3_tkd_status"]


class SimulationError(ValueError):
    """The demo cohort cannot be simulated (missing tool, foreign output folder, ...)."""


@dataclass(frozen=True)
class Planted:
    """One true variant in one sample."""

    gene: str
    target: str  # NPM1, ITD or TKD: which status it makes positive
    kind: str  # INS, DEL, SNV or ITD, as written in truth.tsv
    variant: Variant
    vaf: float
    extra_bases: int = 0  # non-templated bases between the copies of an ITD
    below_threshold: bool = False  # an MRD-level allele: in the reads, not to be called


@dataclass(frozen=True)
class Sample:
    name: str
    patient: str
    assay: str  # capture or amplicon
    paired: bool
    units: tuple[str, ...] = ("L1",)
    depth: float | None = None  # None = CAPTURE_DEPTH * depth scale
    planted: tuple[Planted, ...] = ()
    callable_targets: frozenset[str] = frozenset(TARGETS)
    timepoint: str = "diagnosis"
    sequencing: Sequencing | None = None  # None = the demo's settings for the assay
    regions: tuple[Region, ...] | None = None  # None = the demo's windows for the assay
    amplicon_pairs: float | None = None  # None = AMPLICON_PAIRS * depth scale
    day: int | None = None  # sheet column day (MRD follow-up)


@dataclass(frozen=True)
class Region:
    chrom: str
    start: int  # GRCh38, 1-based inclusive
    end: int
    depth: float | None = None  # capture depth in this window; None = the sample's depth


@dataclass
class Reads:
    """One sample's reads: (seq, qual) per read, or (seq1, qual1, seq2, qual2) per pair."""

    paired: bool
    records: list[tuple[str, ...]] = field(default_factory=list)


# ----------------------------------------------------------------------------------- cohort


def build_cohort(fetch: Fetch) -> list[Sample]:
    """The demo samples; the variants helpers build (and left-normalise) the variants.

    Patient P06 is followed: S06 at diagnosis (NPM1 type A, a 30-bp ITD, D835Y), S10 in remission
    (NPM1 at 0.2%, below min_vaf: only the MRD table may see it) and S11 at relapse (NPM1 back at
    30%, without the ITD and TKD clones)."""
    # NPM1 types A, B, D: c.860_863dup, c.863_864insCATG, c.863_864insCCTG (insert after c.863).
    npm1 = {name: insertion("chr5", 171410543, seq, fetch)
            for name, seq in (("A", "TCTG"), ("B", "CATG"), ("D", "CCTG"))}
    itd21, itd30, itd60 = (tandem_duplication("chr13", first, last, fetch) for first, last in
                           ((28034124, 28034144), (28034119, 28034148), (28034100, 28034159)))
    d835y = Variant("chr13", 28018505, fetch("chr13", 28018505, 28018505), "A")  # c.2503G>T
    return [
        Sample("S01", "P01", "capture", True, units=("L1", "L2"),
               planted=(_npm1(npm1["A"], 0.05),)),
        Sample("S02", "P02", "capture", True, planted=(_npm1(npm1["B"], 0.05),)),
        Sample("S03", "P03", "capture", False, planted=(_npm1(npm1["D"], 0.05),)),
        Sample("S04", "P04", "capture", True, planted=(_itd(itd21, 0.20),)),
        Sample("S05", "P05", "capture", True, planted=(_itd(itd60, 0.20),)),
        Sample("S06", "P06", "capture", True, day=0, planted=(
            _npm1(npm1["A"], 0.40), _itd(itd30, 0.25), Planted("FLT3", "TKD", "SNV", d835y, 0.10))),
        Sample("S07", "P07", "capture", True),
        Sample("S08", "P08", "capture", True, depth=SHALLOW_DEPTH, callable_targets=frozenset()),
        # No exon-20 amplicon: TKD cannot be assessed, so it must be a no-call, not 'absent'.
        Sample("S09", "P09", "amplicon", True, planted=(_itd(itd21, 0.30),),
               callable_targets=frozenset({"NPM1", "ITD"})),
        Sample("S10", "P06", "capture", True, timepoint="remission", day=35, depth=MRD_DEPTH,
               planted=(Planted("NPM1", "NPM1", "INS", npm1["A"], 0.002, below_threshold=True),)),
        Sample("S11", "P06", "capture", True, timepoint="relapse", day=180, depth=RELAPSE_DEPTH,
               planted=(_npm1(npm1["A"], 0.30),)),
    ]


def _npm1(variant: Variant, vaf: float) -> Planted:
    return Planted("NPM1", "NPM1", variant.kind, variant, vaf)


def _itd(variant: Variant, vaf: float) -> Planted:
    return Planted("FLT3", "ITD", "ITD", variant, vaf)


def status_of(sample: Sample) -> dict[str, str]:
    """What a correct caller reports per target: positive, negative or no-call."""
    positive = {p.target for p in sample.planted if not p.below_threshold}
    status = {}
    for target in TARGETS:
        yes, no = STATUS_WORDS[target]
        status[target] = yes if target in positive else no
        if target not in sample.callable_targets:
            status[target] = "no-call"
    return status


def capture_regions(exons_tsv: str | Path) -> list[Region]:
    """Capture windows: NPM1 legacy exons 5, 9, 11, 12 and FLT3 exons 14-15 and 20, +-FLANK."""
    transcripts = load_transcripts(exons_tsv)
    npm1, flt3 = transcripts["NPM1"], transcripts["FLT3"]
    regions = [Region(npm1.chrom, e.start - FLANK, e.end + FLANK)
               for e in map(npm1.exon_by_legacy, (5, 9, 11))]
    # Legacy exon 12 is mostly 3'UTR; only its coding part (the hotspot) is captured.
    last = npm1.exon_by_legacy(12)
    regions.append(Region(npm1.chrom, last.cds_start - FLANK, last.cds_end + FLANK))
    ex14, ex15, ex20 = flt3.exon(14), flt3.exon(15), flt3.exon(20)
    # Exons 14 and 15 with intron 14 in one window: ITDs can reach from exon 14 into exon 15.
    first, last = min(ex14.start, ex15.start), max(ex14.end, ex15.end)
    regions.append(Region(flt3.chrom, first - FLANK, last + FLANK))
    regions.append(Region(flt3.chrom, ex20.start - FLANK, ex20.end + FLANK))
    return regions


def sample_regions(sample: Sample, exons_tsv: str | Path) -> list[Region]:
    if sample.regions is not None:
        return list(sample.regions)
    if sample.assay == "amplicon":
        return [Region(*NPM1_AMPLICON), Region(*FLT3_AMPLICON)]
    return capture_regions(exons_tsv)


def haplotypes(
    region: Region, planted: tuple[Planted, ...], fetch: Fetch
) -> list[tuple[str, float]]:
    """(sequence, fraction) of the wild-type and each mutant haplotype of one region.

    Each variant gets its own haplotype, so the variant VAFs in one region add up with the
    wild type to 1, also when one region holds several (the benchmarks' two ITD clones).
    """
    reference = fetch(region.chrom, region.start, region.end)
    inside = [p for p in planted if _within(p.variant, region)]
    result = [(reference, 1.0 - sum(p.vaf for p in inside))]
    for p in inside:
        head = reference[: p.variant.pos - region.start]
        tail = reference[p.variant.pos - region.start + len(p.variant.ref):]
        result.append((head + p.variant.alt + tail, p.vaf))
    return result


def _within(variant: Variant, region: Region) -> bool:
    return (variant.chrom == region.chrom and region.start < variant.pos
            and variant.pos + len(variant.ref) <= region.end)


# ----------------------------------------------------------------------------------- ART


def derived_seed(seed: int, *parts: object) -> int:
    """A stable per-call seed: independent streams per sample/region/haplotype, same every run."""
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2_000_000_000 + 1


def sequencing_of(sample: Sample) -> Sequencing:
    if sample.sequencing is not None:
        return sample.sequencing
    return AMPLICON_SEQUENCING if sample.assay == "amplicon" else CAPTURE_SEQUENCING


def art_arguments(
    sample: Sample, length: int, depth: float, fraction: float, scale: float
) -> list[str] | None:
    """ART options giving `fraction` of the target depth for one haplotype; None if no reads."""
    sequencing = sequencing_of(sample)
    read_length = sequencing.read_length
    if sequencing.amplicon:
        per_amplicon = (sample.amplicon_pairs if sample.amplicon_pairs is not None
                        else AMPLICON_PAIRS * scale)
        pairs = round(per_amplicon * fraction)  # amplicon mode: -f is pairs per amplicon
        if pairs < 1:
            return None
        return ["-ss", sequencing.system, "-amp", "-p", "-l", str(read_length), "-f", str(pairs)]
    # ART spreads -f over the whole window, but starts are uniform, so the middle (the hotspot)
    # gets f * L / (L - span): scale f down so the hotspot gets the intended depth.
    span = sequencing.fragment_mean if sample.paired else read_length
    fold = depth * fraction * (length - span) / length
    expected_reads = fold * length / read_length
    if expected_reads < (2 if sample.paired else 1):
        return None
    args = ["-ss", sequencing.system, "-l", str(read_length), "-f", f"{fold:.4f}"]
    if sample.paired:
        args += ["-p", "-m", str(sequencing.fragment_mean), "-s", str(sequencing.fragment_sd)]
    return args


def run_art(
    sequence: str, options: list[str], art_seed: int, workdir: Path, paired: bool
) -> list[tuple[str, ...]]:
    """Run art_illumina on one haplotype sequence and return its reads."""
    fasta = workdir / "hap.fa"
    fasta.write_text(">hap\n" + sequence + "\n")
    prefix = workdir / "out"
    # -na: no ALN file (and no -sam): only FASTQ is needed. -rs makes ART reproducible.
    command = ["art_illumina", *options, "-i", str(fasta), "-o", str(prefix),
               "-rs", str(art_seed), "-na", "-q"]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()[-500:]
        raise SimulationError(f"art_illumina failed ({' '.join(command)}): {message}")
    if not paired:
        return [(s, q) for s, q in read_fastq(Path(f"{prefix}.fq"))]
    mates1, mates2 = read_fastq(Path(f"{prefix}1.fq")), read_fastq(Path(f"{prefix}2.fq"))
    if len(mates1) != len(mates2):
        raise SimulationError("art_illumina wrote unequal mate files")
    return [(s1, q1, s2, q2) for (s1, q1), (s2, q2) in zip(mates1, mates2)]


def read_fastq(path: Path) -> list[tuple[str, str]]:
    """(sequence, quality) of each record; ART's names are dropped as they reveal the haplotype."""
    lines = path.read_text().splitlines()
    return [(lines[i + 1], lines[i + 3]) for i in range(0, len(lines) - 3, 4)]


def simulate_sample(
    sample: Sample, ref: GenomeReference, exons_tsv: Path, seed: int, scale: float
) -> Reads:
    reads = Reads(sample.paired)
    depth = sample.depth if sample.depth is not None else CAPTURE_DEPTH * scale
    with tempfile.TemporaryDirectory(prefix="npm1_flt3_art_") as tmp:
        for r_index, region in enumerate(sample_regions(sample, exons_tsv)):
            haps = haplotypes(region, sample.planted, ref.fetch)
            region_depth = depth if region.depth is None else region.depth
            for h_index, (sequence, fraction) in enumerate(haps):
                options = art_arguments(sample, len(sequence), region_depth, fraction, scale)
                if options:
                    art_seed = derived_seed(seed, sample.name, r_index, h_index)
                    reads.records += run_art(sequence, options, art_seed, Path(tmp), sample.paired)
    # Shuffle so that neither file order nor names tell which haplotype a read came from.
    random.Random(derived_seed(seed, sample.name, "shuffle")).shuffle(reads.records)
    return reads


# ----------------------------------------------------------------------------------- output


def write_fastq_gz(path: Path, records: list[tuple[str, str, str]]) -> None:
    """Write (name, seq, qual) records; mtime=0 and no name in the gzip header: reproducible."""
    text = "".join(f"@{name}\n{seq}\n+\n{qual}\n" for name, seq, qual in records)
    with path.open("wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
            gz.write(text.encode())


def write_sample_fastqs(
    sample: Sample, reads: Reads, outdir: Path, read_prefix: str = "demo"
) -> list[dict[str, str]]:
    """Split a sample's reads over its units (lanes) and return its sheet rows.

    Reads are named ``<read_prefix>:<sample>:<n>`` in shuffled order: nothing about the haplotype.
    """
    named = [(f"{read_prefix}:{sample.name}:{n}", record)
             for n, record in enumerate(reads.records, start=1)]
    rows = []
    for u_index, unit in enumerate(sample.units):
        share = named[u_index :: len(sample.units)]
        fq1 = f"fastq/{sample.name}_{unit}_R1.fastq.gz"
        write_fastq_gz(outdir / fq1, [(name, rec[0], rec[1]) for name, rec in share])
        fq2 = ""
        if sample.paired:
            fq2 = f"fastq/{sample.name}_{unit}_R2.fastq.gz"
            write_fastq_gz(outdir / fq2, [(name, rec[2], rec[3]) for name, rec in share])
        rows.append({"sample": sample.name, "unit": unit, "fq1": fq1, "fq2": fq2,
                     "patient": sample.patient, "timepoint": sample.timepoint,
                     "assay": sample.assay, "day": "" if sample.day is None else sample.day})
    return rows


def write_tsv(path: Path, header: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def truth_rows(cohort: list[Sample], below_threshold: bool = False) -> list[dict[str, object]]:
    """truth.tsv rows (what must be called), or truth_mrd.tsv rows with below_threshold."""
    return [
        {"sample": s.name, "gene": p.gene, "chrom": p.variant.chrom, "pos": p.variant.pos,
         "ref": p.variant.ref, "alt": p.variant.alt, "type": p.kind,
         "length": p.variant.length, "vaf": f"{p.vaf:g}"}
        for s in cohort for p in s.planted if p.below_threshold == below_threshold
    ]


def status_rows(cohort: list[Sample]) -> list[dict[str, object]]:
    rows = []
    for sample in cohort:
        status = status_of(sample)
        rows.append({"sample": sample.name, "npm1_status": status["NPM1"],
                     "flt3_itd_status": status["ITD"], "flt3_tkd_status": status["TKD"]})
    return rows


def parameters(seed: int, scale: float) -> dict[str, object]:
    """What demo.json records; equal parameters mean identical output."""
    return {"simulator_version": SIMULATOR_VERSION, "seed": seed, "depth_scale": scale}


def write_cohort(
    outdir: Path, ref: GenomeReference, exons_tsv: Path, seed: int, scale: float
) -> None:
    (outdir / "fastq").mkdir(parents=True)
    cohort = build_cohort(ref.fetch)
    sheet = []
    for sample in cohort:
        reads = simulate_sample(sample, ref, exons_tsv, seed, scale)
        sheet += write_sample_fastqs(sample, reads, outdir)
    write_tsv(outdir / "samples.tsv", SHEET_COLUMNS, sheet)
    write_tsv(outdir / "truth.tsv", TRUTH_COLUMNS, truth_rows(cohort))
    write_tsv(outdir / "truth_mrd.tsv", TRUTH_COLUMNS, truth_rows(cohort, below_threshold=True))
    write_tsv(outdir / "truth_status.tsv", STATUS_COLUMNS, status_rows(cohort))
    # demo.json last: its presence marks a complete folder.
    text = json.dumps(parameters(seed, scale), indent=2, sort_keys=True) + "\n"
    (outdir / "demo.json").write_text(text)


# ----------------------------------------------------------------------------------- folder


def existing_parameters(outdir: Path, marker: str = "demo.json") -> dict[str, object] | None:
    """Parameters of a previous simulation in outdir, None if outdir is absent or empty.

    A non-empty folder without a readable marker file (demo.json) is not ours: refuse rather
    than delete it.
    """
    if not outdir.exists() or (outdir.is_dir() and not any(outdir.iterdir())):
        return None
    try:
        return json.loads((outdir / marker).read_text())
    except (OSError, ValueError):
        kind = marker.removesuffix(".json")
        raise SimulationError(f"{outdir} exists and is not a {kind} folder (no valid {marker}); "
                              "choose another --outdir or remove it") from None


def install(staging: Path, outdir: Path) -> None:
    """Move the finished staging folder into place, replacing an older demo folder if any."""
    if not outdir.exists():
        staging.rename(outdir)
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old-", dir=outdir.parent))
    outdir.rename(trash / "old")
    staging.rename(outdir)
    shutil.rmtree(trash)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True,
                        help="GRCh38 FASTA (gene slices or whole genome), faidx-indexed")
    parser.add_argument("--annotation", required=True,
                        help="exons.tsv of the shared reference folder")
    parser.add_argument("--outdir", required=True,
                        help="output folder (created; left as is if it holds the same seed's demo)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--depth-scale", type=float, default=1.0,
                        help="multiply the capture depth (600x) and the amplicon read count "
                             "(default 1.0); S08 stays at 15x")


def run(args: argparse.Namespace) -> int:
    # resolve(): '.' or 'x/' must still give a folder name to stage next to and rename.
    outdir, scale = Path(args.outdir).resolve(), float(args.depth_scale)
    if not scale > 0:
        raise SimulationError("--depth-scale must be > 0")
    if existing_parameters(outdir) == parameters(args.seed, scale):
        print(f"simulation demo: {outdir} already holds seed {args.seed}, depth scale {scale:g}; "
              "nothing to do", file=sys.stderr)
        return 0
    if shutil.which("art_illumina") is None:
        raise SimulationError("art_illumina not found on PATH "
                              "(Debian: apt install art-nextgen-simulation-tools)")
    started = time.monotonic()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    # Stage next to outdir (same file system, so the final rename is atomic); an interrupted
    # run leaves only a hidden .partial folder, never a complete-looking outdir.
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.partial-", dir=outdir.parent))
    try:
        ref = GenomeReference(args.reference)
        try:
            write_cohort(staging / "demo", ref, Path(args.annotation), args.seed, scale)
        finally:
            ref.close()
        install(staging / "demo", outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"simulation demo: wrote {outdir} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.simulation",
        description="Seeded ART simulations with a known truth (run from the repository root).")
    subparsers = parser.add_subparsers(dest="command", required=True)
    configure_parser(subparsers.add_parser(
        "demo", help="simulate the demo cohort with ART", description="simulate the demo cohort with ART"))
    args = parser.parse_args(argv)
    try:
        return run(args)
    except (ValueError, OSError) as error:  # SimulationError, ReferenceError, ...: user messages
        print(f"simulation {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
