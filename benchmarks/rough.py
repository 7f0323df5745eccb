"""The "rough" truth set: ART reads at five read lengths, roughened with real runs' artefacts.

``python -m benchmarks.rough [--outdir benchmarks/runs/truthsets] [--seed 7] [--depth-scale 1.0]
[--read-lengths 50,75,100,150,250] [--hopping-rate 0.005] [--jobs 2]`` writes ``<outdir>/rough/``:

* ``truthset.json``: seed and every parameter (the marker: equal parameters, nothing to do);
* ``rl050/``, ``rl075/``, ``rl100/``, ``rl150/``, ``rl250/``: one sequencing batch per read
  length, each a truth-set folder as benchmarks/README.md describes ("Truth set folder":
  samples.tsv, truth.tsv, truth_status.tsv, samples_info.tsv, fastq/) plus ``artefacts.tsv``
  (what was injected into each sample, and how much).

Per read length (capture, ~1000x at the hotspots, 2000x over NPM1 exon 12 where the NPM1 VAF is
<= 0.02, as in benchmarks/truthsets.py): four wild-type controls; NPM1 types A, B, D at VAF 0.4,
0.05, 0.01 and 0.003; FLT3-ITDs of three lengths per ITD length bin of benchmarks/score.py
(6, 15, 21 | 45, 60, 90 | 105, 126, 150 | 180, 240, 300 bp: up to twice the read length and beyond
it for the short reads; the ITD region holds nothing longer than ~300 bp) at VAF 0.4 and 0.05, so
six ITDs per bin, every third with non-templated extra bases; D835Y at 0.05 and 0.02. Variants are
packed as in truthsets.py (one ITD per variant sample, NPM1 and TKD added to random ITD samples):
28 samples per read length.

truth.tsv has two more columns than the other sets' (ROUGH_TRUTH_COLUMNS): ``realised_vaf``, the
allele fraction of the simulated molecules, and ``realised_fragments`` (``variant/all``). ART
samples each haplotype on its own, so the number of fragments covering a point of the mutant
haplotype and of the wild type are independent counts: a nominal 0.4 is realised as 0.36-0.43.
``realised_vaf`` is, of ART's read pairs (before any artefact: no duplicate, no hopped-in pair)
whose fragment covers the variant (an SNV: its base; an insertion: the anchor base and the next
one, each on its own haplotype's coordinates), the share from the variant's haplotype. Fragment
ends come from ART's SAM output (``-sam``, the rough set only; the FASTQs are the same with or
without it). The variants (and where they sit) are the same at every read length; names
(``r050_01``...) follow a seeded shuffle per batch.

2x300 is not simulated: art_illumina's built-in profiles stop at 250 bp (MSv1, MSv3), and there is
no measured 300-cycle profile to give it (UNSUPPORTED_READ_LENGTHS).

Artefacts (benchmarks/artefacts.py, rates and sources there): 8-oxoG G>T in read 1 / C>A in read
2, PCR duplicates, index hopping between the samples of one batch, homopolymer slippage, and five
strand-specific error sites per batch (NPM1 exon 12, one of NPM1 legacy exons 5/9/11, FLT3 exons
14 and 15, FLT3 codons 835-836, never the D835Y allele itself, which is planted as truth).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from benchmarks import artefacts
from benchmarks import simulation as simulate
from benchmarks import truthsets
from benchmarks.simulation import Planted, Reads, Region, Sample, Sequencing, SimulationError, derived_seed
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts

NAME = "rough"
ROUGH_VERSION = 2  # 2: realised_vaf in truth.tsv; three ITD lengths per length bin (28 samples)
MARKER = "truthset.json"

# Read length -> ART profile and library. 50 and 75: NextSeq 500 v2 (ART's NS50 goes to 75 bp);
# 100: HiSeq 2000; 150: HiSeq 2500; 250: MiSeq v3. Fragments: the truth sets' 200 +- 30 and
# 250 +- 40, and 400 +- 60 for 2x250 (MiSeq capture libraries are sized for the longer reads).
SEQUENCING = {
    50: Sequencing("NS50", 50, fragment_mean=200, fragment_sd=30),
    75: Sequencing("NS50", 75, fragment_mean=200, fragment_sd=30),
    100: Sequencing("HS20", 100, fragment_mean=200, fragment_sd=30),
    150: Sequencing("HS25", 150, fragment_mean=250, fragment_sd=40),
    250: Sequencing("MSv3", 250, fragment_mean=400, fragment_sd=60),
}
UNSUPPORTED_READ_LENGTHS = {
    300: "art_illumina (2.5.8) has no built-in profile beyond 250 bp (MSv1/MSv3 stop at 250: "
         "'the requested read length > the max length (250bp) of any built-in profile for MSv3'); "
         "a 2x300 profile would have to be measured from real MiSeq v3 600-cycle FASTQs "
         "(art_profiler_illumina), which this repository does not have",
}
DEFAULT_READ_LENGTHS = tuple(SEQUENCING)

# Three per ITD length bin of benchmarks/score.py (1-30, 31-90, 91-150, 151-300), times two VAFs: six
# ITDs per bin and read length; all in frame (multiples of 3).
ITD_LENGTHS = (6, 15, 21, 45, 60, 90, 105, 126, 150, 180, 240, 300)
ITD_VAFS = (0.40, 0.05)
NPM1_VAFS = (0.40, 0.05, 0.01, 0.003)
TKD = (("D835Y", 0.05), ("D835Y", 0.02))
WILDTYPE_CONTROLS = 4

INFO_COLUMNS = truthsets.INFO_COLUMNS
ROUGH_TRUTH_COLUMNS = truthsets.TRUTH_COLUMNS + ["realised_vaf", "realised_fragments"]
ARTEFACT_COLUMNS = ["sample", "kind", "site", "rate", "injected", "out_of", "detail"]

# Strand-specific error sites: (label, chrom, first, last) windows a site is drawn from; the NPM1
# legacy-exon window is one of 5, 9, 11 (seeded per batch). Coding parts, GRCh38.
D835Y_ALLELE = ("chr13", 28018505, "A")  # planted as truth: never an artefact


def batch_name(read_length: int) -> str:
    return f"rl{read_length:03d}"


def _site_windows(exons_tsv: Path, rng: random.Random) -> list[tuple[str, str, int, int]]:
    transcripts = load_transcripts(exons_tsv)
    npm1, flt3 = transcripts["NPM1"], transcripts["FLT3"]
    exon12 = npm1.exon_by_legacy(12)
    legacy = rng.choice((5, 9, 11))
    other = npm1.exon_by_legacy(legacy)
    ex14, ex15 = flt3.exon(14), flt3.exon(15)
    return [
        ("NPM1 exon 12", npm1.chrom, exon12.cds_start, exon12.cds_end),
        (f"NPM1 legacy exon {legacy}", npm1.chrom, other.cds_start, other.cds_end),
        ("FLT3 exon 14", flt3.chrom, ex14.start, ex14.end),
        ("FLT3 exon 15", flt3.chrom, ex15.start, ex15.end),
        ("FLT3 codons 835-836", flt3.chrom, 28018500, 28018505),
    ]


def strand_sites(read_length: int, seed: int, fetch, exons_tsv: Path) -> list[artefacts.StrandSite]:
    """The batch's systematic error sites: position, alt, strand, mate and rate drawn per batch;
    the k-mers either side must occur once in the captured window (so the site is found once)."""
    rng = random.Random(derived_seed(seed, NAME, read_length, "strand-sites"))
    windows = simulate.capture_regions(exons_tsv)
    sites = []
    for label, chrom, first, last in _site_windows(exons_tsv, rng):
        window = next(w for w in windows if w.chrom == chrom and w.start <= first and last <= w.end)
        text = fetch(chrom, window.start, window.end)
        for _ in range(1000):
            pos = rng.randint(first, last)
            ref = fetch(chrom, pos, pos)
            alt = rng.choice([b for b in "ACGT" if b != ref])
            if (chrom, pos, alt) == D835Y_ALLELE:
                continue
            site = artefacts.make_site(label, chrom, pos, alt, rng.choice("+-"),
                                       rng.choice(artefacts.STRAND_SITE_RATES), fetch,
                                       mate=rng.choice((None, None, "1")))
            if all(_count(text, k) == 1 and _count(text, artefacts.revcomp(k)) == 0
                   for k in (site.left, site.right)):
                sites.append(site)
                break
        else:
            raise SimulationError(f"no unique strand-error site in {label}")
    return sites


def _count(text: str, piece: str) -> int:
    count, start = 0, text.find(piece)
    while start >= 0:
        count, start = count + 1, text.find(piece, start + 1)
    return count


# ----------------------------------------------------------------------------------- design


def design_planted(seed: int, fetch) -> list[tuple[str, list[Planted]]]:
    """(role, planted) of every sample of one batch, before shuffling; the same at every length."""
    def rng(*purpose: object) -> random.Random:
        return random.Random(derived_seed(seed, NAME, *purpose))

    keys = [(length, vaf) for length in ITD_LENGTHS for vaf in ITD_VAFS]
    with_extra = set(rng("extra").sample(keys, len(keys) // 3))
    itds = []
    for length, vaf in keys:
        stream = rng("itd", length, vaf)
        n_extra = (stream.randint(1, min(truthsets.EXTRA_BASES_MAX, length - truthsets.MIN_TEMPLATED))
                   if (length, vaf) in with_extra else 0)
        variant = truthsets.make_itd(stream, length, n_extra, fetch)
        itds.append(Planted("FLT3", "ITD", "ITD", variant, vaf, extra_bases=n_extra))
    npm1 = [Planted("NPM1", "NPM1", "INS", truthsets.npm1_exon12(seq, fetch), vaf)
            for _, seq in truthsets.NPM1_NAMED for vaf in NPM1_VAFS]
    tkds = []
    for name, vaf in TKD:
        variant = truthsets.tkd_variant(name, fetch)
        tkds.append(Planted("FLT3", "TKD", variant.kind, variant, vaf))
    slots = [[itd] for itd in itds]
    for index, planted in zip(rng("npm1-slots").sample(range(len(slots)), len(npm1)), npm1):
        slots[index].insert(0, planted)
    for index, planted in zip(rng("tkd-slots").sample(range(len(slots)), len(tkds)), tkds):
        slots[index].append(planted)
    return [("variant", s) for s in slots] + [("wildtype_control", []) for _ in range(WILDTYPE_CONTROLS)]


def build_batch(read_length: int, seed: int, scale: float, fetch, exons_tsv: Path) -> list[tuple[Sample, str]]:
    sequencing = SEQUENCING[read_length]
    slots = design_planted(seed, fetch)
    random.Random(derived_seed(seed, NAME, read_length, "names")).shuffle(slots)
    windows = simulate.capture_regions(exons_tsv)
    prefix = f"r{read_length:03d}"
    result = []
    for number, (role, planted) in enumerate(slots, start=1):
        name = f"{prefix}_{number:02d}"
        regions = windows
        if any(p.target == "NPM1" and p.vaf <= truthsets.NPM1_DEEP_VAF + 1e-12 for p in planted):
            hotspot = truthsets.NPM1_AFTER[1]
            regions = [replace(r, depth=truthsets.NPM1_DEEP_DEPTH * scale)
                       if r.chrom == truthsets.NPM1_AFTER[0] and r.start <= hotspot <= r.end else r
                       for r in windows]
        sample = Sample(name, name, "capture", True, depth=truthsets.CAPTURE_DEPTH * scale,
                        planted=tuple(planted), sequencing=sequencing, regions=tuple(regions))
        result.append((sample, role))
    return result


# ----------------------------------------------------------------------------------- simulate

_REFERENCES: dict[str, GenomeReference] = {}


def run_art_fragments(sequence: str, options: list[str], art_seed: int, workdir: Path
                      ) -> tuple[list[tuple[str, ...]], list[tuple[int, int]]]:
    """simulation.run_art for read pairs, plus each pair's fragment span on `sequence` (0-based,
    inclusive), from ART's SAM output. The reads are those run_art returns: -sam only adds a file."""
    fasta = workdir / "hap.fa"
    fasta.write_text(">hap\n" + sequence + "\n")
    prefix = workdir / "out"
    command = ["art_illumina", *options, "-i", str(fasta), "-o", str(prefix),
               "-rs", str(art_seed), "-na", "-sam", "-q"]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()[-500:]
        raise SimulationError(f"art_illumina failed ({' '.join(command)}): {message}")
    mates1, mates2 = _named_fastq(Path(f"{prefix}1.fq")), _named_fastq(Path(f"{prefix}2.fq"))
    if len(mates1) != len(mates2):
        raise SimulationError("art_illumina wrote unequal mate files")
    spans = sam_fragment_spans(Path(f"{prefix}.sam"))
    records, fragments = [], []
    for (name1, s1, q1), (name2, s2, q2) in zip(mates1, mates2):
        pair = name1.removesuffix("/1")
        if pair != name2.removesuffix("/2") or pair not in spans:
            raise SimulationError(f"art_illumina: read pair {name1} / {name2} not in its SAM output")
        records.append((s1, q1, s2, q2))
        fragments.append(spans[pair])
    return records, fragments


def _named_fastq(path: Path) -> list[tuple[str, str, str]]:
    lines = path.read_text().splitlines()
    return [(lines[i][1:].split()[0], lines[i + 1], lines[i + 3]) for i in range(0, len(lines) - 3, 4)]


def _reference_length(cigar: str) -> int:
    length, number = 0, ""
    for char in cigar:
        if char.isdigit():
            number += char
        else:
            if char in "M=XDN":
                length += int(number)
            number = ""
    return length


def sam_fragment_spans(sam: Path) -> dict[str, tuple[int, int]]:
    """Pair name -> (first, last) base of the fragment on the haplotype, 0-based inclusive: from the
    leftmost mate's start to the rightmost mate's end."""
    ends: dict[str, list[int]] = {}
    with sam.open() as handle:
        for line in handle:
            if line.startswith("@"):
                continue
            fields = line.split("\t", 6)
            start = int(fields[3]) - 1
            ends.setdefault(fields[0], []).extend((start, start + _reference_length(fields[5]) - 1))
    return {name: (min(points), max(points)) for name, points in ends.items()}


def variant_points(planted: Planted, region: Region, other: list[Planted]) -> tuple[int, int]:
    """The bases (first, last; 0-based on that haplotype) a fragment must cover to count for
    `planted`: an SNV (or equal-length change) its own bases, an insertion or deletion the anchor
    base and the next one (for an ITD: the insertion point). On the haplotype of another variant of
    the region the point moves by that variant's length change when it lies before."""
    variant = planted.variant
    anchor = variant.pos - region.start
    if len(variant.ref) == len(variant.alt):
        first, last = anchor, anchor + len(variant.ref) - 1
    else:
        first, last = anchor, anchor + 1
    shift = sum(len(p.variant.alt) - len(p.variant.ref) for p in other if p.variant.pos < variant.pos)
    return first + shift, last + shift


def realised_counts(inside: list[Planted], region: Region, spans: list[list[tuple[int, int]]]
                    ) -> list[tuple[int, int]]:
    """(fragments of the variant's haplotype, fragments of every haplotype) covering each variant
    of `inside`; spans[0] are the wild type's fragments, spans[i + 1] those of inside[i]."""
    counts = []
    for index, planted in enumerate(inside):
        own = total = 0
        for h_index, fragments in enumerate(spans):
            others = [] if h_index in (0, index + 1) else [inside[h_index - 1]]
            first, last = variant_points(planted, region, others)
            covering = sum(start <= first and last <= end for start, end in fragments)
            total += covering
            if h_index == index + 1:
                own = covering
        counts.append((own, total))
    return counts


def simulate_with_truth(sample: Sample, ref: GenomeReference, exons_tsv: Path, seed: int, scale: float
                        ) -> tuple[Reads, list[tuple[int, int] | None]]:
    """simulation.simulate_sample (the same reads in the same order: same ART seeds, same shuffle) for
    a paired capture sample, plus (variant fragments, all fragments) covering each planted variant,
    in sample.planted order (None: no region holds it)."""
    if not sample.paired or simulate.sequencing_of(sample).amplicon:
        raise SimulationError("the rough set simulates paired capture samples only")
    reads = Reads(True)
    counts: dict[int, tuple[int, int]] = {}
    depth = sample.depth if sample.depth is not None else simulate.CAPTURE_DEPTH * scale
    with tempfile.TemporaryDirectory(prefix="npm1_flt3_art_") as tmp:
        for r_index, region in enumerate(simulate.sample_regions(sample, exons_tsv)):
            haps = simulate.haplotypes(region, sample.planted, ref.fetch)
            inside = [i for i, p in enumerate(sample.planted) if simulate._within(p.variant, region)]
            region_depth = depth if region.depth is None else region.depth
            spans = []
            for h_index, (sequence, fraction) in enumerate(haps):
                options = simulate.art_arguments(sample, len(sequence), region_depth, fraction, scale)
                fragments = []
                if options:
                    art_seed = derived_seed(seed, sample.name, r_index, h_index)
                    records, fragments = run_art_fragments(sequence, options, art_seed, Path(tmp))
                    reads.records += records
                spans.append(fragments)
            for i, count in zip(inside, realised_counts([sample.planted[i] for i in inside], region, spans)):
                counts[i] = count
    random.Random(derived_seed(seed, sample.name, "shuffle")).shuffle(reads.records)
    return reads, [counts.get(i) for i in range(len(sample.planted))]


def _library(job) -> tuple[str, list, dict]:
    """ART reads of one sample with its library artefacts (8-oxoG, PCR duplicates), and the realised
    counts of its variants (before any artefact); worker side."""
    sample, reference, exons_tsv, seed, scale = job
    if reference not in _REFERENCES:
        _REFERENCES[reference] = GenomeReference(reference)
    reads, realised = simulate_with_truth(sample, _REFERENCES[reference], Path(exons_tsv), seed, scale)
    records, oxog = artefacts.oxog(reads.records, random.Random(derived_seed(seed, sample.name, "oxog")))
    records, dups = artefacts.pcr_duplicates(records, random.Random(derived_seed(seed, sample.name, "dup")))
    return sample.name, records, {"oxog": oxog, "duplicates": dups, "realised": realised}


def truth_rows(samples: list[tuple[Sample, str]], realised: dict[str, list]) -> list[dict[str, object]]:
    """truthsets.truth_rows plus realised_vaf and realised_fragments (variant/all)."""
    rows = truthsets.truth_rows(samples)
    counts = [c for s, _ in samples for c in realised[s.name]]
    for row, count in zip(rows, counts, strict=True):
        own, total = count if count else (0, 0)
        row["realised_vaf"] = f"{own / total:.4f}" if total else ""
        row["realised_fragments"] = f"{own}/{total}" if count else ""
    return rows


def _sequencing(job) -> tuple[str, list, dict]:
    """Sequencing artefacts of one sample's pooled reads (slippage, strand sites); worker side."""
    name, records, sites, seed = job
    records, slips = artefacts.homopolymer_slippage(records, random.Random(derived_seed(seed, name, "slip")))
    records, strand = artefacts.strand_errors(records, sites, random.Random(derived_seed(seed, name, "strand")))
    random.Random(derived_seed(seed, name, "shuffle-rough")).shuffle(records)
    return name, records, {"slippage": slips, "strand_sites": strand}


def artefact_rows(name: str, stats: dict, hops: dict, hopping_rate: float,
                  sites: list[artefacts.StrandSite]) -> list[dict[str, object]]:
    ox, dup, slip = stats["oxog"], stats["duplicates"], stats["slippage"]
    rows = [
        {"sample": name, "kind": "oxog", "site": "every G of read 1 (C of read 2)",
         "rate": artefacts.OXOG_RATE, "injected": ox["read1_g_to_t"], "out_of": ox["read1_g"],
         "detail": f"read 2 C>A: {ox['read2_c_to_a']} of {ox['read2_c']} C"},
        {"sample": name, "kind": "pcr_duplicates", "site": "", "rate": artefacts.PCR_DUPLICATE_FRACTION,
         "injected": dup["copies"], "out_of": dup["pairs"] + dup["copies"], "detail": "exact copies (pairs)"},
        {"sample": name, "kind": "index_hopping", "site": "", "rate": hopping_rate,
         "injected": sum(hops.values()), "out_of": dup["pairs"] + dup["copies"],
         "detail": ";".join(f"{donor}:{n}" for donor, n in sorted(hops.items()))},
    ]
    runs, slips = slip["runs_by_length"], slip["slips_by_length"]
    for length in sorted(runs):
        rows.append({"sample": name, "kind": "homopolymer", "site": f"runs of {length}",
                     "rate": round(artefacts.homopolymer_rate(length), 6),
                     "injected": slips.get(length, 0), "out_of": runs[length], "detail": "reads x runs"})
    for site in sites:
        seen = stats["strand_sites"][site.label]
        row = site.row()
        rows.append({"sample": name, "kind": "strand_site", "site": row["site"], "rate": site.rate,
                     "injected": seen["changed_reads"], "out_of": seen["covering_reads"],
                     "detail": f"{site.label}; {row['orientation']}"})
    return rows


def write_batch(outdir: Path, read_length: int, ref: GenomeReference, exons_tsv: Path, seed: int,
                scale: float, hopping_rate: float, pool) -> int:
    (outdir / "fastq").mkdir(parents=True)
    samples = build_batch(read_length, seed, scale, ref.fetch, exons_tsv)
    sites = strand_sites(read_length, seed, ref.fetch, exons_tsv)
    mapper = pool.map if pool else map
    jobs = [(s, str(ref.path), str(exons_tsv), seed, scale) for s, _ in samples]
    library, stats = {}, {}
    for name, records, info in mapper(_library, jobs):
        library[name], stats[name] = records, info
    pooled, hops = artefacts.index_hopping(
        library, random.Random(derived_seed(seed, NAME, read_length, "hopping")), hopping_rate)
    del library
    by_name = {s.name: s for s, _ in samples}
    sheet, rows = [], []
    for name, records, info in mapper(_sequencing, [(n, pooled[n], sites, seed) for n in sorted(pooled)]):
        stats[name].update(info)
        sample = by_name[name]
        sheet += simulate.write_sample_fastqs(sample, Reads(True, records), outdir, truthsets.READ_PREFIX)
        rows += artefact_rows(name, stats[name], hops[name], hopping_rate, sites)
    order = {s.name: i for i, (s, _) in enumerate(samples)}
    sheet.sort(key=lambda row: order[row["sample"]])
    rows.sort(key=lambda row: order[row["sample"]])
    cohort = [s for s, _ in samples]
    simulate.write_tsv(outdir / "samples.tsv", simulate.SHEET_COLUMNS, sheet)
    realised = {name: stats[name]["realised"] for name in stats}
    simulate.write_tsv(outdir / "truth.tsv", ROUGH_TRUTH_COLUMNS, truth_rows(samples, realised))
    simulate.write_tsv(outdir / "truth_status.tsv", simulate.STATUS_COLUMNS, simulate.status_rows(cohort))
    simulate.write_tsv(outdir / "samples_info.tsv", INFO_COLUMNS, [
        {"sample": s.name, "set": NAME, "assay": s.assay, "read_length": read_length, "paired": "true",
         "depth": f"{s.depth:g}", "role": role} for s, role in samples])
    simulate.write_tsv(outdir / "artefacts.tsv", ARTEFACT_COLUMNS, rows)
    return len(samples)


def parameters(seed: int, scale: float, read_lengths: list[int], hopping_rate: float) -> dict[str, object]:
    return {
        "set": NAME, "seed": seed, "depth_scale": scale, "rough_version": ROUGH_VERSION,
        "simulator": "art_illumina via benchmarks.simulation, artefacts by benchmarks.artefacts",
        "simulator_version": simulate.SIMULATOR_VERSION, "truthset_version": truthsets.TRUTHSET_VERSION,
        "read_lengths": list(read_lengths),
        "sequencing": {str(rl): {"art_profile": SEQUENCING[rl].system, "fragment_mean": SEQUENCING[rl].fragment_mean,
                                 "fragment_sd": SEQUENCING[rl].fragment_sd} for rl in read_lengths},
        "unsupported_read_lengths": {str(k): v for k, v in UNSUPPORTED_READ_LENGTHS.items()},
        "depth": {"hotspots": truthsets.CAPTURE_DEPTH * scale, "capture_flank": simulate.FLANK,
                  "npm1_exon12_when_vaf_at_most": {str(truthsets.NPM1_DEEP_VAF): truthsets.NPM1_DEEP_DEPTH * scale}},
        "design": {"itd_lengths": list(ITD_LENGTHS), "itd_vafs": list(ITD_VAFS),
                   "npm1_types": [n for n, _ in truthsets.NPM1_NAMED], "npm1_vafs": list(NPM1_VAFS),
                   "tkd": [list(x) for x in TKD], "wildtype_controls": WILDTYPE_CONTROLS},
        "artefacts": {
            "homopolymer": {"min_length": artefacts.HOMOPOLYMER_MIN_LENGTH, "rate_at_4": artefacts.HOMOPOLYMER_RATE_AT_4,
                            "doubling_per_base": True, "max": artefacts.HOMOPOLYMER_RATE_MAX},
            "strand_site_rates": list(artefacts.STRAND_SITE_RATES), "strand_site_kmer": artefacts.STRAND_SITE_KMER,
            "oxog_rate": artefacts.OXOG_RATE, "pcr_duplicate_fraction": artefacts.PCR_DUPLICATE_FRACTION,
            "index_hopping_rate": hopping_rate,
        },
        "realised_vaf": "of ART's read pairs (no duplicate, no hopped-in pair) whose fragment covers the "
                        "variant (SNV: its base; insertion: anchor and next base, on each haplotype's own "
                        "coordinates; fragment ends from ART's SAM output), the share from the variant's haplotype",
    }


# ----------------------------------------------------------------------------------- CLI


def parse_lengths(text: str) -> list[int]:
    lengths = []
    for part in text.split(","):
        if not part.strip():
            continue
        value = int(part)
        if value in UNSUPPORTED_READ_LENGTHS:
            raise argparse.ArgumentTypeError(f"2x{value}: {UNSUPPORTED_READ_LENGTHS[value]}")
        if value not in SEQUENCING:
            raise argparse.ArgumentTypeError(f"read length {value}: choose from {', '.join(map(str, SEQUENCING))}")
        lengths.append(value)
    return sorted(set(lengths))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rough", description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, default=truthsets.DEFAULT_OUTDIR,
                        help=f"the set goes to <outdir>/{NAME} (default {truthsets.DEFAULT_OUTDIR})")
    parser.add_argument("--seed", type=int, default=truthsets.DEFAULT_SEED)
    parser.add_argument("--depth-scale", type=float, default=1.0)
    parser.add_argument("--read-lengths", type=parse_lengths, default=list(DEFAULT_READ_LENGTHS),
                        help="comma-separated, from " + ",".join(map(str, SEQUENCING)))
    parser.add_argument("--hopping-rate", type=float, default=artefacts.INDEX_HOPPING_RATE,
                        help=f"index hopping per sample, share of its reads (default {artefacts.INDEX_HOPPING_RATE})")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reference", type=Path, default=truthsets.DEFAULT_REFERENCE)
    parser.add_argument("--annotation", type=Path, default=truthsets.DEFAULT_EXONS)
    return parser


def run(args: argparse.Namespace) -> int:
    scale = float(args.depth_scale)
    if not scale > 0:
        raise SimulationError("--depth-scale must be > 0")
    if not 0 <= args.hopping_rate < 1:
        raise SimulationError("--hopping-rate must be in [0, 1)")
    outdir = args.outdir.resolve()
    target = outdir / NAME
    wanted = parameters(args.seed, scale, args.read_lengths, args.hopping_rate)
    if simulate.existing_parameters(target, MARKER) == wanted:
        print(f"rough: {target} already holds these parameters; nothing to do", file=sys.stderr)
        return 0
    if shutil.which("art_illumina") is None:
        raise SimulationError("art_illumina not found on PATH (Debian: apt install art-nextgen-simulation-tools)")
    outdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    staging = Path(tempfile.mkdtemp(prefix=f".{NAME}.partial-", dir=outdir))
    ref = GenomeReference(args.reference)
    pool = ProcessPoolExecutor(max_workers=args.jobs) if args.jobs > 1 else None
    try:
        total = 0
        for read_length in args.read_lengths:
            total += write_batch(staging / NAME / batch_name(read_length), read_length, ref,
                                 args.annotation.resolve(), args.seed, scale, args.hopping_rate, pool)
        (staging / NAME / MARKER).write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n")
        simulate.install(staging / NAME, target)
    finally:
        if pool:
            pool.shutdown()
        ref.close()
        shutil.rmtree(staging, ignore_errors=True)
    print(f"rough: wrote {target}: {total} samples in {len(args.read_lengths)} batches, "
          f"{truthsets.folder_size(target) / 1e6:.1f} MB, {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except (SimulationError, OSError, ValueError) as error:
        print(f"rough: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
