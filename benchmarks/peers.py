"""Run the peer tools (ScanITD, km) on a truth set, the same reads as ours, and normalise their calls.

    python -m benchmarks.peers --set-dir runs/truthsets/<set> --workflow-dir runs/workflow/<set> \
        --reference grch38_npm1_flt3_loci.fa --annotation exons.tsv --out runs/peers/<set>

Writes, for each tool, ``<out>/<tool>/calls.tsv``, ``timing.tsv`` and ``settings.json`` (see
benchmarks/README.md, "Peer calls"), plus the tool's own raw output under ``<out>/<tool>/work/``.

Tools (``--tools``, default all):

* ``scanitd`` / ``scanitd_lowvaf``: ScanITD (FLT3-ITD only) on our BWA-MEM BAM of each sample, with
  its defaults and with its documented low-VAF settings ``--vaf 0.01 --ao 2 --depth 5``. ScanITD
  cannot parse contig names containing ':' (our gene-slice contigs are named ``chr13:28003274-
  28100576``), and it compares the contig named in each read's SA tag with the read's own contig,
  so a renamed copy of the BAM is made (header, SA and XA tags) together with a renamed reference.
* ``km`` / ``km_lowvaf``: Jellyfish k-mer counts of the sample's raw FASTQ, then
  ``km find_mutation`` on contiguous GRCh38 DNA targets (km's catalog targets are RNA targets that
  join exons and never match DNA reads).

A peer failing on one sample is recorded in timing.tsv (``status``, ``error``) and the run goes on.
Peer executables come from a separate venv (benchmarks/install_peers.sh), never from ours.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from npm1_flt3.reference import GenomeReference, place_contig
from npm1_flt3.transcripts import load_transcripts

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PEERS_BIN = Path(os.environ.get("PEERS_VENV", REPO / ".venv-peers")) / "bin"
DEFAULT_JELLYFISH = "/usr/bin/jellyfish"  # Debian's; .venv-peers/bin also holds one (pyjellyfish)
DEFAULT_TIME = "/usr/bin/time"  # GNU time (Debian package 'time')

TOOLS = ("scanitd", "scanitd_lowvaf", "km", "km_lowvaf")
CALL_COLUMNS = ("tool", "sample", "gene", "event", "chrom", "pos", "length", "vaf", "alt_reads",
                "depth", "raw")
TIMING_COLUMNS = ("tool", "sample", "wall_s", "max_rss_mb", "status", "error")

# ScanITD: defaults, and the low-VAF settings its README documents.
SCANITD_ARGS = {"scanitd": [], "scanitd_lowvaf": ["--vaf", "0.01", "--ao", "2", "--depth", "5"]}
SCANITD_THRESHOLDS = {
    "scanitd": {"mapq": 15, "ao": 4, "depth": 10, "vaf": 0.1, "length": 10,
                "aln_mismatches": 1, "ins_mismatches": 2},
    "scanitd_lowvaf": {"mapq": 15, "ao": 2, "depth": 5, "vaf": 0.01, "length": 10,
                       "aln_mismatches": 1, "ins_mismatches": 2},
}
# km: defaults (-c 5 -p 0.05), and a low-VAF variant. km documents no low-VAF setting; a branch of
# the k-mer walk is explored when its count >= max(p * sum of sibling counts, c). The low-VAF
# variant mirrors ScanITD's documented low-VAF floor (--vaf 0.01 --ao 2): p = 0.01, c = 2.
# (p = 0.005 was tried on the demo set: it opens dozens of sequencing-error branches per sample.)
KM_ARGS = {"km": [], "km_lowvaf": ["-p", "0.01", "-c", "2"]}
KM_THRESHOLDS = {
    "km": {"count": 5, "ratio": 0.05, "steps": 500, "branchs": 10},
    "km_lowvaf": {"count": 2, "ratio": 0.01, "steps": 500, "branchs": 10},
}
JELLYFISH_ARGS = ["count", "-m", "31", "-C", "-s", "2M", "-t", "2"]
TARGET_PAD = 30  # bp either side of the km target exons
KM_MIN_ITD = 3  # FLT3 exon 14-15 insertions shorter than this are not ITDs


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass
class Sample:
    name: str
    fastqs: list[Path] = field(default_factory=list)


def read_samples(set_dir: Path) -> list[Sample]:
    """Samples of a truth set's sheet, in sheet order, with all their FASTQ files (all units)."""
    sheet = set_dir / "samples.tsv"
    samples: dict[str, Sample] = {}
    with sheet.open() as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")),
                                  delimiter="\t"):
            sample = samples.setdefault(row["sample"], Sample(row["sample"]))
            for column in ("fq1", "fq2"):
                value = (row.get(column) or "").strip()
                if value:
                    path = Path(value)
                    sample.fastqs.append(path if path.is_absolute() else set_dir / path)
    return list(samples.values())


@dataclass(frozen=True)
class Target:
    """A contiguous GRCh38 region (1-based, inclusive), + strand."""

    name: str
    gene: str
    chrom: str
    start: int
    end: int

    @property
    def header(self) -> str:
        return f"{self.chrom}:{self.start}-{self.end}"


def km_targets(annotation: Path, pad: int = TARGET_PAD) -> list[Target]:
    """km DNA targets: NPM1 last exon coding part, FLT3 exons 14-15 with intron 14, FLT3 exon 20."""
    transcripts = load_transcripts(annotation)
    npm1, flt3 = transcripts["NPM1"], transcripts["FLT3"]
    last = npm1.exon_by_legacy(12)
    e14, e15, e20 = flt3.exon(14), flt3.exon(15), flt3.exon(20)
    return [
        Target("NPM1_exon12", "NPM1", npm1.chrom, last.cds_start - pad, last.cds_end + pad),
        Target("FLT3_exon14-15", "FLT3", flt3.chrom, min(e14.start, e15.start) - pad,
               max(e14.end, e15.end) + pad),
        Target("FLT3_exon20", "FLT3", flt3.chrom, e20.start - pad, e20.end + pad),
    ]


def scanitd_region(annotation: Path) -> Target:
    """ScanITD --target: FLT3 exons 14-15 and intron 14 (GRCh38)."""
    flt3 = load_transcripts(annotation)["FLT3"]
    e14, e15 = flt3.exon(14), flt3.exon(15)
    return Target("FLT3_exon14-15", "FLT3", flt3.chrom, min(e14.start, e15.start),
                  max(e14.end, e15.end))


def write_target_fastas(genome: GenomeReference, targets: list[Target], folder: Path) -> list[Path]:
    """One FASTA per target, header ``chr:start-end`` (GRCh38), file named after the target (km
    reports the file name as the query)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for target in targets:
        sequence = genome.fetch(target.chrom, target.start, target.end)
        kmers = [sequence[i:i + 31] for i in range(len(sequence) - 30)]
        if len(set(kmers)) != len(kmers):
            raise ValueError(f"km target {target.name} repeats a 31-mer; km would refuse it")
        path = folder / f"{target.name}.fa"
        lines = [sequence[i:i + 60] for i in range(0, len(sequence), 60)]
        path.write_text(f">{target.header}\n" + "\n".join(lines) + "\n")
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# ScanITD: renaming contigs

_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


def safe_contig_names(names: list[str]) -> dict[str, str]:
    """Map each contig name to one ScanITD can parse (no ':' or '-'), unique, e.g.
    ``chr13:28003274-28100576`` -> ``chr13_28003274_28100576``."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        new = _UNSAFE.sub("_", name)
        base, n = new, 1
        while new in used:
            n += 1
            new = f"{base}_{n}"
        used.add(new)
        mapping[name] = new
    return mapping


def rename_sa(value: str, mapping: dict[str, str]) -> str:
    """SA:Z:(rname,pos,strand,CIGAR,mapQ,NM;)+ with rname renamed."""
    return _rename_first_field(value, mapping)


def rename_xa(value: str, mapping: dict[str, str]) -> str:
    """XA:Z:(chr,pos,CIGAR,NM;)+ with chr renamed."""
    return _rename_first_field(value, mapping)


def _rename_first_field(value: str, mapping: dict[str, str]) -> str:
    out = []
    for item in value.split(";"):
        if item:
            # Match known names rather than splitting on ',' (a contig name may hold commas).
            name = next((old for old in mapping if item.startswith(old + ",")), None)
            if name is not None:
                item = mapping[name] + item[len(name):]
        out.append(item)
    return ";".join(out)


def rename_bam(src: Path, dst: Path, mapping: dict[str, str]) -> int:
    """Copy a BAM with renamed header contigs and renamed SA/XA tags; index it. Returns reads."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp.bam")
    count = 0
    with pysam.AlignmentFile(str(src), "rb") as bam:
        header = bam.header.to_dict()
        for sq in header.get("SQ", []):
            sq["SN"] = mapping.get(sq["SN"], sq["SN"])
        with pysam.AlignmentFile(str(tmp), "wb", header=header) as out:
            for read in bam.fetch(until_eof=True):
                for tag, rename in (("SA", rename_sa), ("XA", rename_xa)):
                    if read.has_tag(tag):
                        read.set_tag(tag, rename(read.get_tag(tag), mapping), value_type="Z")
                out.write(read)
                count += 1
    tmp.replace(dst)
    pysam.index(str(dst))
    return count


def rename_reference(src: Path, dst: Path, mapping: dict[str, str]) -> None:
    """Copy a FASTA with renamed contigs (headers reduced to the name) and faidx it."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    with pysam.FastaFile(str(src)) as fasta, tmp.open("w") as out:
        for name in fasta.references:
            sequence = fasta.fetch(name)
            out.write(f">{mapping.get(name, name)}\n")
            for i in range(0, len(sequence), 60):
                out.write(sequence[i:i + 60] + "\n")
    tmp.replace(dst)
    pysam.faidx(str(dst))


def target_bed_line(region: Target, reference: Path, mapping: dict[str, str]) -> str:
    """BED line of a GRCh38 region in the renamed reference's local coordinates."""
    with pysam.FastaFile(str(reference)) as fasta:
        lengths = dict(zip(fasta.references, fasta.lengths))
    for name, length in lengths.items():
        placement = place_contig(name, length)
        if (placement and placement.chrom == region.chrom
                and placement.grch38_start <= region.start and region.end <= placement.grch38_end):
            start = region.start - placement.offset - 1
            end = region.end - placement.offset
            return f"{mapping.get(name, name)}\t{start}\t{end}\t{region.name}\n"
    raise ValueError(f"reference {reference} holds no contig covering {region.header}")


# ---------------------------------------------------------------------------------------------
# ScanITD: VCF -> calls


def parse_info(info: str) -> dict[str, str]:
    fields = {}
    for item in info.split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            fields[key] = value
        elif item:
            fields[item] = ""
    return fields


def _seq(value: str | None) -> str:
    return "" if value in (None, "", ".") else value


def scanitd_length(info: dict[str, str]) -> int | None:
    """Whole inserted length of a ScanITD record. ScanITD 0.9 writes the duplicated part as SVLEN
    (= len(SEQ)) and non-templated bases at the breakpoint separately as INSSEQ, e.g.
    ``SVLEN=56;INSSEQ=GCAT`` for a 60-bp insertion: the whole length is both together."""
    seq, insseq = _seq(info.get("SEQ")), _seq(info.get("INSSEQ"))
    svlen = info.get("SVLEN")
    if svlen not in (None, "", "."):
        duplicated = abs(int(svlen))
    elif seq:
        duplicated = len(seq)
    else:
        return None
    return duplicated + len(insseq)


def scanitd_calls(vcf_text: str, tool: str, sample: str, reverse: dict[str, str],
                  lengths: dict[str, int]) -> list[dict[str, object]]:
    """Rows of calls.tsv from a ScanITD VCF. ``reverse`` maps renamed contigs back to the original
    names, ``lengths`` gives original contig lengths (to place them on GRCh38)."""
    rows = []
    for line in vcf_text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        contig, pos = reverse.get(fields[0], fields[0]), int(fields[1])
        placement = place_contig(contig, lengths[contig]) if contig in lengths else None
        if placement is None:
            raise ValueError(f"ScanITD reported contig {fields[0]!r}, not placed on GRCh38")
        info = parse_info(fields[7])
        rows.append({
            "tool": tool, "sample": sample, "gene": gene_of(placement.chrom), "event": "ITD",
            "chrom": placement.chrom, "pos": pos + placement.offset,
            "length": scanitd_length(info),
            "vaf": _number(info.get("AF", info.get("AB"))),
            "alt_reads": _number(info.get("AO")), "depth": _number(info.get("DP")),
            "raw": line,
        })
    return rows


def gene_of(chrom: str) -> str:
    return {"chr5": "NPM1", "chr13": "FLT3"}.get(chrom, "")


def _number(value: str | None) -> float | int | None:
    if value in (None, "", ".", "nan", "NaN"):
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return int(number) if number.is_integer() and "." not in value else number


# ---------------------------------------------------------------------------------------------
# km: find_mutation output -> calls

_KM_NAME = re.compile(r"^(?P<start>\d+):(?P<deleted>[A-Za-z]*)/(?P<inserted>[A-Za-z]*):(?P<end>\d+)$")


@dataclass(frozen=True)
class KmVariant:
    """A km variant name ``start:deleted/inserted:end`` placed on GRCh38.

    km numbers target positions from 1; ``start`` is the first target base after the change
    begins: deleted/substituted bases start at target position ``start``, inserted bases go just
    before it (km's own find_report places an insertion at ``header start + start - 1``, the base
    after the insertion)."""

    kind: str
    start: int
    deleted: str
    inserted: str
    end: int

    def vcf_pos(self, target_start: int) -> int:
        """GRCh38 VCF-style position: first changed base for substitutions, the base before the
        event (the VCF anchor base) for insertions, deletions and indels."""
        first_changed = target_start + self.start - 1
        if self.kind == "Substitution":
            return first_changed
        return first_changed - 1

    @property
    def net_inserted(self) -> int:
        return len(self.inserted) - len(self.deleted)


def parse_km_name(kind: str, name: str) -> KmVariant:
    match = _KM_NAME.match(name)
    if not match:
        raise ValueError(f"unexpected km variant name {name!r}")
    return KmVariant(kind, int(match["start"]), match["deleted"].upper(),
                     match["inserted"].upper(), int(match["end"]))


def km_event(target: Target, variant: KmVariant) -> tuple[str, int] | None:
    """(event, length) of a km variant, or None when it is not an NPM1 / FLT3-ITD / TKD event."""
    if target.gene == "NPM1":
        return "NPM1", len(variant.inserted) if variant.inserted else len(variant.deleted)
    if target.name.startswith("FLT3_exon14"):
        if variant.kind in ("ITD", "Insertion") and len(variant.inserted) >= KM_MIN_ITD:
            return "ITD", len(variant.inserted)
        if variant.kind == "Indel" and variant.net_inserted >= KM_MIN_ITD:
            return "ITD", variant.net_inserted
        return None
    if target.name.startswith("FLT3_exon20"):
        return "TKD", len(variant.inserted) if variant.kind != "Deletion" else len(variant.deleted)
    return None


def km_calls(output_text: str, tool: str, sample: str, targets: list[Target],
             info: str = "vs_ref") -> list[dict[str, object]]:
    """Rows of calls.tsv from ``km find_mutation`` output.

    km prints every variant twice: quantified against the whole target (Info ``vs_ref``) and
    jointly with the overlapping paths of its cluster (``cluster N n=M``). Its own report tool
    (``km find_report``) keeps ``vs_ref`` rows by default, and so do we."""
    by_name = {t.name: t for t in targets}
    rows = []
    for line in output_text.splitlines():
        if not line or line.startswith("#") or line.startswith("Database\t"):
            continue
        fields = line.split("\t")
        if len(fields) < 12:
            raise ValueError(f"unexpected km output line: {line[:120]!r}")
        query, kind, name = fields[1], fields[2], fields[3]
        if kind == "Reference" or not fields[11].startswith(info):
            continue
        target = by_name.get(query)
        if target is None:
            raise ValueError(f"km reported an unknown target {query!r}")
        variant = parse_km_name(kind, name)
        event = km_event(target, variant)
        if event is None:
            continue
        rvaf, expression, ref_expression = (_number(fields[i]) for i in (4, 5, 9))
        if rvaf == 0:
            continue  # km quantified this path at zero; its find_report table shows it as absent
        alt = round(expression) if expression is not None and expression >= 0 else None
        ref = round(ref_expression) if ref_expression is not None and ref_expression >= 0 else None
        rows.append({
            "tool": tool, "sample": sample, "gene": target.gene, "event": event[0],
            "chrom": target.chrom, "pos": variant.vcf_pos(target.start), "length": event[1],
            "vaf": rvaf, "alt_reads": alt,
            "depth": alt + ref if alt is not None and ref is not None else None,
            "raw": "\t".join(fields[:8] + [fields[11]]),
        })
    return rows


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Context:
    set_dir: Path
    workflow_dir: Path
    reference: Path
    annotation: Path
    out: Path
    peers_bin: Path
    jellyfish: str
    time_bin: str


@dataclass
class Outcome:
    sample: str
    wall_s: float | None = None
    max_rss_mb: float | None = None
    status: str = "ok"
    error: str = ""
    calls: list[dict[str, object]] = field(default_factory=list)


def timed(command: list[str], workdir: Path, time_bin: str, stdout: Path | None = None
          ) -> tuple[float, float]:
    """Run a command under GNU time; return (wall seconds, peak RSS MB of the command and all its
    descendants). Raises RuntimeError with the tail of its log on failure."""
    time_file = workdir / "time.txt"
    time_file.unlink(missing_ok=True)
    log = workdir / "log.txt"
    # Without GNU time (time_bin ""), only the wall clock is measured.
    full = [time_bin, "-f", "%e %M", "-o", str(time_file), *command] if time_bin else command
    with log.open("w") as err, (stdout.open("w") if stdout else log.open("a")) as out:
        started = time.monotonic()
        result = subprocess.run(full, cwd=workdir, stdout=out, stderr=err)
        wall = time.monotonic() - started
    measured = time_file.read_text().split() if time_file.exists() else []
    if result.returncode != 0:
        tail = [line for line in log.read_text().splitlines() if line.strip()][-3:]
        raise RuntimeError(f"exit {result.returncode}: " + " | ".join(tail)[-400:])
    if len(measured) >= 2 and measured[-2].replace(".", "").isdigit():
        wall, rss_kb = float(measured[-2]), float(measured[-1])
        return wall, round(rss_kb / 1024, 1)
    return round(wall, 2), None


def run_scanitd_sample(ctx: Context, tool: str, sample: Sample, setup: dict) -> Outcome:
    outcome = Outcome(sample.name)
    work = ctx.out / tool / "work" / sample.name
    work.mkdir(parents=True, exist_ok=True)
    try:
        bam = setup["bams"][sample.name]  # raises KeyError if setup failed for this sample
        if isinstance(bam, Exception):
            raise bam
        vcf = work / f"{sample.name}.vcf"
        vcf.unlink(missing_ok=True)
        command = [str(ctx.peers_bin / "scanitd"), "-i", str(bam), "-r", str(setup["reference"]),
                   "-o", str(vcf), "-t", str(setup["bed"]), *SCANITD_ARGS[tool]]
        (work / "command.sh").write_text(shlex.join(command) + "\n")
        outcome.wall_s, outcome.max_rss_mb = timed(command, work, ctx.time_bin)
        if not vcf.exists():
            raise RuntimeError("ScanITD wrote no VCF")
        outcome.calls = scanitd_calls(vcf.read_text(), tool, sample.name, setup["reverse"],
                                      setup["lengths"])
    except Exception as error:  # noqa: BLE001 - one sample's failure must not stop the rest
        outcome.status, outcome.error = "failed", f"{type(error).__name__}: {error}"
        outcome.calls = []
    return outcome


def km_script(ctx: Context, tool: str, fastqs: list[Path], target_fastas: list[Path],
              jf: Path, output: Path) -> str:
    """The shell script of one km sample run: jellyfish over the decompressed FASTQ, then km."""
    reads = " ".join(shlex.quote(str(p)) for p in fastqs)
    count = shlex.join([ctx.jellyfish, *JELLYFISH_ARGS, "-o", str(jf), "/dev/stdin"])
    find = shlex.join([str(ctx.peers_bin / "km"), "find_mutation", *KM_ARGS[tool],
                       *map(str, target_fastas), str(jf)])
    return (
        "set -euo pipefail\n"
        f"zcat -f {reads} | {count}\n"
        f"{find} > {shlex.quote(str(output))}\n"
    )


def run_km_sample(ctx: Context, tool: str, sample: Sample, setup: dict) -> Outcome:
    outcome = Outcome(sample.name)
    work = ctx.out / tool / "work" / sample.name
    work.mkdir(parents=True, exist_ok=True)
    try:
        missing = [str(p) for p in sample.fastqs if not p.exists()]
        if not sample.fastqs or missing:
            raise FileNotFoundError(f"FASTQ missing: {', '.join(missing) or 'none in sheet'}")
        jf, output = work / f"{sample.name}.jf", work / "km_find_mutation.tsv"
        script = work / "run.sh"
        script.write_text(km_script(ctx, tool, sample.fastqs, setup["fastas"], jf, output))
        outcome.wall_s, outcome.max_rss_mb = timed(["bash", str(script)], work, ctx.time_bin)
        outcome.calls = km_calls(output.read_text(), tool, sample.name, setup["targets"])
        jf.unlink(missing_ok=True)  # the database is large on real data and rebuilt on demand
    except Exception as error:  # noqa: BLE001
        outcome.status, outcome.error = "failed", f"{type(error).__name__}: {error}"
        outcome.calls = []
    return outcome


def setup_scanitd(ctx: Context, samples: list[Sample]) -> dict:
    """Renamed reference + BED (once), renamed BAM per sample (shared by both ScanITD runs)."""
    folder = ctx.out / "_scanitd_input"
    with pysam.FastaFile(str(ctx.reference)) as fasta:
        lengths = dict(zip(fasta.references, fasta.lengths))
    mapping = safe_contig_names(list(lengths))
    reference = folder / "reference.fa"
    rename_reference(ctx.reference, reference, mapping)
    bed = folder / "flt3_exon14-15.bed"
    bed.write_text(target_bed_line(scanitd_region(ctx.annotation), ctx.reference, mapping))
    bams: dict[str, object] = {}
    for sample in samples:
        src = ctx.workflow_dir / "results" / "alignment" / f"{sample.name}.bam"
        try:
            if not src.exists():
                raise FileNotFoundError(f"BAM not found: {src}")
            dst = folder / f"{sample.name}.bam"
            rename_bam(src, dst, mapping)
            bams[sample.name] = dst
        except Exception as error:  # noqa: BLE001
            bams[sample.name] = error
    return {"reference": reference, "bed": bed, "mapping": mapping, "lengths": lengths,
            "reverse": {new: old for old, new in mapping.items()}, "bams": bams}


def setup_km(ctx: Context) -> dict:
    targets = km_targets(ctx.annotation)
    genome = GenomeReference(ctx.reference)
    try:
        fastas = write_target_fastas(genome, targets, ctx.out / "_km_targets")
    finally:
        genome.close()
    return {"targets": targets, "fastas": fastas}


def peer_version(ctx: Context, package: str) -> str:
    python = ctx.peers_bin / "python"
    try:
        result = subprocess.run(
            [str(python), "-c", f"import importlib.metadata as m; print(m.version({package!r}))"],
            capture_output=True, text=True, check=True)
        return result.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def jellyfish_version(ctx: Context) -> str:
    try:
        return subprocess.run([ctx.jellyfish, "--version"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _shown(path: Path) -> str:
    """A path as settings.json shows it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def settings_for(ctx: Context, tool: str, setup: dict) -> dict:
    if tool.startswith("scanitd"):
        region = scanitd_region(ctx.annotation)
        return {
            "tool": tool, "peer": "ScanITD", "package": "scanitd",
            "version": peer_version(ctx, "scanitd"),
            "input": "our BWA-MEM BAM of each sample (results/alignment/<sample>.bam), contigs "
                     "renamed",
            "commands": [
                "python -m benchmarks.peers (setup, not timed): rename contigs of the reference, "
                "the BAM header and the SA/XA tags of every read",
                f"{_shown(ctx.peers_bin)}/scanitd -i <out>/_scanitd_input/<sample>.bam -r "
                f"<out>/_scanitd_input/reference.fa -o <out>/{tool}/work/<sample>/<sample>.vcf "
                f"-t <out>/_scanitd_input/flt3_exon14-15.bed {' '.join(SCANITD_ARGS[tool])}".strip(),
            ],
            "thresholds": SCANITD_THRESHOLDS[tool],
            "target": {"grch38": region.header, "bed": (setup["bed"].read_text().strip()
                                                       if setup else None)},
            "contig_renaming": setup["mapping"] if setup else None,
            "notes": [
                "ScanITD cannot parse contig names containing ':' in --target, and it compares "
                "the contig of each read's SA tag with the read's own contig: the BAM header, "
                "the SA and XA tags and the reference FASTA (+ .fai) were renamed "
                "(':' and '-' -> '_'); without the tag renaming it silently reports nothing.",
                "--target covers FLT3 exons 14-15 and intron 14 only (ScanITD calls ITDs, no NPM1 "
                "or TKD).",
                "Run as its README shows (scanitd -i BAM -r REF -o VCF), plus -t; "
                + ("defaults otherwise." if tool == "scanitd" else
                   "low-VAF settings --vaf 0.01 --ao 2 --depth 5 as documented."),
                "Calls: every VCF record is an ITD; pos = VCF POS + slice offset (GRCh38); "
                "length = SVLEN (duplicated length) + len(INSSEQ) (non-templated bases), i.e. "
                "the whole inserted length; vaf = AF, alt_reads = AO, depth = DP as ScanITD "
                "writes them (DP counts secondary/supplementary records).",
                "Timing: the scanitd process only (renaming is setup, not timed).",
            ],
        }
    km_targets_info = [{"name": t.name, "gene": t.gene, "header": t.header}
                       for t in (setup["targets"] if setup else km_targets(ctx.annotation))]
    return {
        "tool": tool, "peer": "km", "package": "km-walk",
        "version": peer_version(ctx, "km-walk"), "jellyfish": jellyfish_version(ctx),
        "input": "the sample's raw FASTQ, all units and mates (same reads as ours)",
        "commands": [
            f"zcat -f <fastq ...> | {ctx.jellyfish} {' '.join(JELLYFISH_ARGS)} -o <sample>.jf "
            "/dev/stdin",
            f"{_shown(ctx.peers_bin)}/km find_mutation {' '.join(KM_ARGS[tool])} "
            "<out>/_km_targets/NPM1_exon12.fa <out>/_km_targets/FLT3_exon14-15.fa "
            "<out>/_km_targets/FLT3_exon20.fa <sample>.jf > km_find_mutation.tsv".replace("  ", " "),
        ],
        "thresholds": KM_THRESHOLDS[tool],
        "targets": km_targets_info,
        "notes": [
            "km's catalog targets are RNA targets that join exons; their junction k-mers never "
            "occur in DNA reads. Contiguous GRCh38 DNA targets were built from the reference "
            f"(chr:start-end headers, + strand, +-{TARGET_PAD} bp): NPM1 last exon coding part, "
            "FLT3 exons 14-15 with intron 14, FLT3 exon 20.",
            "Jellyfish is Debian's (count -m 31 -C, -s 2M hash, 2 threads), not the one "
            "pyjellyfish ships in the peers venv.",
            "Rows: km's vs_ref quantification (the default of km's own find_report); its cluster "
            "rows are kept in the raw output only. Paths km quantifies at rVAF 0 are dropped "
            "(km's own find_report table prints them as absent, '.').",
            "Events: every variant in the NPM1 target -> NPM1; insertions/ITDs >= 3 bp (Indel: "
            "net insertion >= 3 bp) in the FLT3 exon 14-15 target -> ITD, other variants there "
            "dropped; every variant in the exon-20 target -> TKD.",
            "pos: GRCh38 = header start + km position - 1 for the first changed base; insertions, "
            "deletions and indels are given the VCF anchor base before it (km places them "
            "right-shifted, not left-normalised). length = inserted length (deleted length for "
            "deletions).",
            "vaf = rVAF (empty when km prints nan); alt_reads = round(Expression) and depth = "
            "round(Expression + Reference_expression): k-mer coverage estimates, not read counts.",
            ("Default thresholds (-c 5 -p 0.05)." if tool == "km" else
             "Low-VAF variant: -p 0.01 -c 2. km documents no low-VAF setting; a branch is "
             "explored when its k-mer count >= max(p * sum of sibling counts, c). The values "
             "mirror ScanITD's documented low-VAF floor (--vaf 0.01 --ao 2). Alleles near 1% "
             "give sibling ratios that fluctuate around 0.01, so its floor is about 1-2%; "
             "p = 0.005 was tried and opened dozens of sequencing-error branches per sample."),
            "Timing: jellyfish and km find_mutation together (one GNU time over both).",
        ],
    }


def write_tsv(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                            escapechar="\\")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in columns])
    tmp.replace(path)


def _cell(value: object) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text.replace("\t", " | ").replace("\n", " ")


def run_tool(ctx: Context, tool: str, samples: list[Sample], setup: dict | Exception,
             jobs: int) -> list[Outcome]:
    runner = run_scanitd_sample if tool.startswith("scanitd") else run_km_sample
    if isinstance(setup, Exception):
        outcomes = [Outcome(s.name, status="failed", error=f"setup: {type(setup).__name__}: "
                                                           f"{setup}") for s in samples]
    else:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            outcomes = list(pool.map(lambda s: runner(ctx, tool, s, setup), samples))
    folder = ctx.out / tool
    write_tsv(folder / "calls.tsv", CALL_COLUMNS, [c for o in outcomes for c in o.calls])
    write_tsv(folder / "timing.tsv", TIMING_COLUMNS,
              [{"tool": tool, "sample": o.sample, "wall_s": o.wall_s, "max_rss_mb": o.max_rss_mb,
                "status": o.status, "error": o.error} for o in outcomes])
    settings = settings_for(ctx, tool, None if isinstance(setup, Exception) else setup)
    (folder / "settings.json").write_text(json.dumps(settings, indent=2, default=str) + "\n")
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set-dir", required=True, type=Path, help="truth set (samples.tsv)")
    parser.add_argument("--workflow-dir", required=True, type=Path,
                        help="our workflow's working folder for the set (results/alignment/*.bam)")
    parser.add_argument("--reference", required=True, type=Path, help="gene-slice reference FASTA")
    parser.add_argument("--annotation", required=True, type=Path, help="exons.tsv")
    parser.add_argument("--out", required=True, type=Path, help="writes <out>/<tool>/...")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma list (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="samples run in parallel")
    parser.add_argument("--peers-bin", type=Path, default=DEFAULT_PEERS_BIN,
                        help="bin folder of the peers venv (default: .venv-peers/bin)")
    parser.add_argument("--jellyfish", default=DEFAULT_JELLYFISH)
    parser.add_argument("--time", dest="time_bin", default=DEFAULT_TIME, help="GNU time")
    args = parser.parse_args(argv)

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    ctx = Context(args.set_dir.resolve(), args.workflow_dir.resolve(), args.reference.resolve(),
                  args.annotation.resolve(), args.out.resolve(), args.peers_bin.resolve(),
                  args.jellyfish, args.time_bin)
    samples = read_samples(ctx.set_dir)
    ctx.out.mkdir(parents=True, exist_ok=True)

    setups: dict[str, dict | Exception] = {}
    for family, make in (("scanitd", lambda: setup_scanitd(ctx, samples)),
                         ("km", lambda: setup_km(ctx))):
        if any(t.startswith(family) for t in tools):
            try:
                setups[family] = make()
            except Exception as error:  # noqa: BLE001
                setups[family] = error

    failed = 0
    for tool in tools:
        outcomes = run_tool(ctx, tool, samples, setups["scanitd" if tool.startswith("scanitd")
                                                       else "km"], args.jobs)
        for o in outcomes:
            events = ", ".join(f"{c['event']}:{c['length']}@{c['pos']}"
                               f"(vaf {_cell(c['vaf']) if c['vaf'] is not None else 'NA'})"
                               for c in o.calls) or "-"
            print(f"{tool}\t{o.sample}\t{o.status}\t{o.wall_s}s\t{o.max_rss_mb}MB\t{events}"
                  + (f"\t{o.error}" if o.error else ""))
            failed += o.status != "ok"
    print(f"peers: wrote {', '.join(str(ctx.out / t) for t in tools)}"
          + (f"; {failed} sample run(s) failed (see timing.tsv)" if failed else ""),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
