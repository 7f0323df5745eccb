"""Trimming keeps the reads that show an FLT3-ITD.

fastp's paired-end overlap analysis finds a false overlap between the mates of a fragment that
spans a tandem duplication and cuts the second copy off as adapter read-through. The workflow
therefore trims adapters by sequence only (config/README.md, fastp.pe_overlap_trimming).
"""

from __future__ import annotations

import gzip
import random
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_workflow

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): a Snakemake dry run, then fastp

FLT3_EXON14_START = 28034082  # GRCh38, minus strand: exon 14 spans 28034082-28034214
ADAPTER_R1 = "AGATCGGAAGAGCACACGTCTGAACTCCAGTCA"
ADAPTER_R2 = "AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT"


def reverse_complement(sequence: str) -> str:
    return sequence[::-1].translate(str.maketrans("ACGT", "TGCA"))


def write_pairs(folder: Path, pairs: list[tuple[str, str]]) -> tuple[Path, Path]:
    paths = folder / "R1.fastq.gz", folder / "R2.fastq.gz"
    for index, path in enumerate(paths):
        with gzip.open(path, "wt") as handle:
            for number, pair in enumerate(pairs):
                read = pair[index]
                handle.write(f"@pair{number}/{index + 1}\n{read}\n+\n{'I' * len(read)}\n")
    return paths


def itd_fragments(reference, length: int) -> list[tuple[str, str]]:
    """2x150 pairs from fragments of 160-400 bp at every position across an ITD of ``length`` bp.
    (The false overlap needs a fragment at least 50 bp longer than the ITD and shorter than the
    ITD plus both reads.)"""
    start = FLT3_EXON14_START - 400
    wild = reference.fetch("chr13", start, start + 1000)
    cut = 450
    mutant = wild[:cut] + wild[cut:cut + length] + wild[cut:]
    return [(mutant[i:i + size][:150], reverse_complement(mutant[i:i + size][-150:]))
            for size in range(160, 401, 40) for i in range(200, len(mutant) - size - 200, 3)]


@pytest.fixture(scope="module")
def fastp_options(tmp_path_factory) -> list[str]:
    """The options the workflow gives fastp, from a dry run that prints its shell commands."""
    workdir = tmp_path_factory.mktemp("trimming_dry_run")
    r1, r2 = write_pairs(workdir, [("ACGT" * 10, "ACGT" * 10)])
    sheet = workdir / "samples.tsv"
    sheet.write_text("sample\tunit\tpatient\ttimepoint\tassay\tfq1\tfq2\n"
                     f"P1\tL1\tP1\tdiagnosis\tcapture\t{r1}\t{r2}\n")
    printed = run_workflow(workdir, sheet, "--dry-run", "--printshellcmds").stdout
    command = next(line for line in printed.splitlines() if "fastp --in1" in line)
    words = shlex.split(command[command.index("fastp --in1"):].split("2>")[0])
    keep = []
    for option in ("--adapter_fasta", "--overlap_len_require"):
        keep += [option, words[words.index(option) + 1]]
    return keep


def run_fastp(folder: Path, pairs: list[tuple[str, str]], options: list[str]) -> list[str]:
    r1, r2 = write_pairs(folder, pairs)
    done = subprocess.run(["fastp", "--in1", str(r1), "--in2", str(r2), "--stdout", "--json",
                           str(folder / "fastp.json"), "--html", str(folder / "fastp.html"), *options],
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[1::4]


def test_the_workflow_trims_by_the_bundled_adapters_without_overlap_analysis(fastp_options):
    assert Path(fastp_options[1]) == REPO / "config" / "adapters.fa"
    assert int(fastp_options[3]) > 1000  # no overlap can be that long: overlap analysis is off


# A read whose last bases happen to match the start of an adapter loses them (as with any
# sequence-based trimmer); nothing more may go.
MOST_A_TAIL_MATCH_TAKES = 10


@pytest.mark.parametrize("length", [60, 240])
def test_no_read_of_an_itd_is_cut(reference, fastp_options, tmp_path, length):
    pairs = itd_fragments(reference, length)
    trimmed = run_fastp(tmp_path, pairs, fastp_options)
    assert len(trimmed) == 2 * len(pairs)
    assert min(map(len, trimmed)) >= 150 - MOST_A_TAIL_MATCH_TAKES


def test_fastp_defaults_would_cut_them(reference, tmp_path):
    """Why the options exist: with its defaults fastp cuts reads across the 240-bp ITD."""
    trimmed = run_fastp(tmp_path, itd_fragments(reference, 240), [])
    assert sum(len(read) < 150 - MOST_A_TAIL_MATCH_TAKES for read in trimmed) > 20


def test_adapter_read_through_is_still_trimmed(fastp_options, tmp_path):
    rng = random.Random(5)
    pairs = []
    for _ in range(20):
        insert = "".join(rng.choice("ACGT") for _ in range(100))
        pairs.append(((insert + ADAPTER_R1 + "A" * 50)[:150],
                      (reverse_complement(insert) + ADAPTER_R2 + "A" * 50)[:150]))
    trimmed = run_fastp(tmp_path, pairs, fastp_options)
    assert trimmed and all(len(read) == 100 for read in trimmed)
