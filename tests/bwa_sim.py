"""Simulated BAMs for caller tests: ART reads of chosen haplotypes (benchmarks.simulation, as the demo
makes them) aligned with bwa mem and sorted with samtools, as the workflow does. The aligner, not
the test, decides how a complex allele shows in the CIGARs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXONS, REFERENCE
from npm1_flt3.reference import GenomeReference
from benchmarks.simulation import Planted, Region, Sample, simulate_sample, write_fastq_gz
from npm1_flt3.variants import Variant

TOOLS = ("bwa", "samtools", "art_illumina")


def indexed_reference(folder: Path) -> Path:
    """A copy of the shared reference with a bwa index (a few seconds for the gene slices)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        # A missing tool fails the test: scripts/install.sh installs them, and a skipped check
        # would let CI pass without ever aligning a read.
        pytest.fail(f"not on PATH: {', '.join(missing)}; run bash scripts/install.sh")
    folder.mkdir(parents=True, exist_ok=True)
    fasta = folder / "reference.fa"
    shutil.copy(REFERENCE, fasta)
    shutil.copy(f"{REFERENCE}.fai", f"{fasta}.fai")
    subprocess.run(["bwa", "index", str(fasta)], check=True, capture_output=True)
    return fasta


def planted(gene: str, variant: Variant, vaf: float, kind: str | None = None) -> Planted:
    target = "NPM1" if gene == "NPM1" else "ITD"
    return Planted(gene, target, kind or variant.kind, variant, vaf)


def simulated_bam(reference: Path, folder: Path, name: str, variants: tuple[Planted, ...],
                  region: Region, depth: float, seed: int = 1) -> Path:
    """150-bp pairs (ART HS25, 250-bp fragments) of one region at `depth`, with `variants` at
    their VAFs, aligned to `reference`; returns the indexed BAM."""
    sample = Sample(name, "P", "capture", True, depth=depth, planted=variants, regions=(region,))
    genome = GenomeReference(reference)
    reads = simulate_sample(sample, genome, EXONS, seed, 1.0)
    genome.close()
    records = []
    for number, (seq1, qual1, seq2, qual2) in enumerate(reads.records):
        records += [(f"{name}_{number}/1", seq1, qual1), (f"{name}_{number}/2", seq2, qual2)]
    fastq = folder / f"{name}.fastq.gz"
    write_fastq_gz(fastq, records)
    bam = folder / f"{name}.bam"
    subprocess.run(f"bwa mem -p {reference} {fastq} 2>/dev/null | samtools sort -o {bam} -",
                   shell=True, check=True)
    subprocess.run(["samtools", "index", str(bam)], check=True)
    return bam


def measured_vaf(bam: Path, genome: GenomeReference, variant: Variant, anchor: int = 15,
                 fragments: bool = False) -> float:
    """The VAF the simulated reads really hold: reads (or fragments) containing, exactly, the
    mutant or the wild-type sequence of the event with ``anchor`` bases on each side, both made
    equally long (a sequencing error hides a read from either count alike). ART samples its
    fragments at random, so this is what a caller should be compared with, not the planted VAF."""
    import pysam

    pos, ref, alt = variant.pos, variant.ref, variant.alt
    if variant.kind in ("INS", "DEL"):  # drop the shared anchor base
        pos, ref, alt = pos + 1, ref[1:], alt[1:]
    longer = max(len(ref), len(alt))
    pad_mut, pad_ref = longer - len(alt), longer - len(ref)
    fetch, chrom = genome.fetch, variant.chrom
    mutant = (fetch(chrom, pos - anchor - pad_mut // 2, pos - 1) + alt
              + fetch(chrom, pos + len(ref), pos + len(ref) + anchor + pad_mut - pad_mut // 2 - 1))
    wild = fetch(chrom, pos - anchor - pad_ref // 2, pos + len(ref) + anchor + pad_ref - pad_ref // 2 - 1)
    assert len(mutant) == len(wild)
    found: dict[str, set] = {"mutant": set(), "wild": set()}
    with pysam.AlignmentFile(str(bam)) as reads:
        for number, read in enumerate(reads.fetch(until_eof=True)):
            if read.is_secondary or read.is_supplementary or read.query_sequence is None:
                continue
            name = read.query_name if fragments else (read.query_name, read.is_read1, number)
            for label, probe in (("mutant", mutant), ("wild", wild)):
                if probe in read.query_sequence:
                    found[label].add(name)
    return len(found["mutant"]) / (len(found["mutant"]) + len(found["wild"]))


# Module-scoped fixtures for the test files that align simulated reads: import them by name
# (``from bwa_sim import reference, genome``) so that they replace conftest's plain reference.
@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The shared reference with a bwa index, once per test module."""
    return indexed_reference(tmp_path_factory.mktemp("bwa"))


@pytest.fixture(scope="module")
def genome(reference):
    genome = GenomeReference(reference)
    yield genome
    genome.close()
