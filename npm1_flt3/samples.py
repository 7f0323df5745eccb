"""The sample model: who each sample is and what part it plays (``npm1-flt3 manifest``).

One owner for these facts: the workflow builds them from the sheet at parse time
(``build_samples``), and the manifest step writes them once, with each sample's result paths
(npm1_flt3/layout.py), to ``results/samples/manifest.tsv``. The cohort and MRD steps read that
manifest instead of reading the sheet again or receiving thousands of paths as arguments.

Role: each patient has one baseline sample, chosen by npm1_flt3/sheet.py ``baseline_of``: its
'diagnosis' sample, else its earliest by day, else its first in the sheet. The patient's other
samples are follow-ups. A patient with more than one sample is followed: every one of its
samples, the baseline included, is measured for MRD.

Paths in the manifest are relative to the workflow's working directory, as the rules name them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from npm1_flt3 import layout
from npm1_flt3.atomic import open_atomically
from npm1_flt3.sheet import Unit, baseline_of, in_time_order, load_sheet, samples_by_patient, units_by_sample

BASELINE, FOLLOW_UP = "baseline", "follow-up"
MANIFEST_COLUMNS = ("sample", "patient", "timepoint", "day", "assay", "units", "role", "baseline",
                    "followed", "umi", "dna_input_ng", "vcf", "hotspots", "samtools_stats", "track",
                    "identity", "profile", "umi_qc")
YES, NO = "yes", "no"


class ManifestError(ValueError):
    """The manifest cannot be read; the message names the file and how to write it again."""


@dataclass(frozen=True)
class Sample:
    """One sample of the batch (all its units share these; the sheet check makes them agree)."""

    sample: str
    patient: str
    timepoint: str
    day: int | None
    assay: str
    units: tuple[Unit, ...]  # the sheet's rows of this sample; empty when read from a manifest
    role: str  # BASELINE or FOLLOW_UP
    baseline: str  # the patient's baseline sample (this sample's own name when it is the baseline)
    followed: bool  # the patient has more than one sample: an MRD follow-up
    umi: str = ""  # UMI layout (npm1_flt3/umi.py); "" when reads are counted as fragments
    dna_input_ng: float | None = None  # DNA input of the library (sheet column dna_input_ng)


@dataclass(frozen=True)
class SampleFiles:
    """Where the aggregate steps find one sample's results."""

    vcf: Path
    hotspots: Path
    samtools_stats: Path
    track: Path | None  # None unless the sample's patient is followed
    identity: Path | None  # genotypes at the identity SNPs (npm1_flt3/identity.py); as track
    profile: Path  # the caller's site profile (npm1_flt3/background.py)
    umi_qc: Path | None = None  # UMI family QC (npm1_flt3/consensus.py); None without UMIs


# --- the model ------------------------------------------------------------------------------------


def build_samples(units: list[Unit]) -> dict[str, Sample]:
    """Every sample of the sheet, in sheet order (of first appearance)."""
    baselines = _baseline_of_each_sample(units)
    return {name: _sample(sample_units, *baselines[name])
            for name, sample_units in units_by_sample(units).items()}


def _baseline_of_each_sample(units: list[Unit]) -> dict[str, tuple[str, bool]]:
    """sample -> (its patient's baseline sample, whether the patient is followed)."""
    baselines = {}
    for first_units in samples_by_patient(units).values():
        baseline = baseline_of(first_units, lambda unit: unit.day, lambda unit: unit.timepoint).sample
        for unit in first_units:
            baselines[unit.sample] = (baseline, len(first_units) > 1)
    return baselines


def _sample(units: list[Unit], baseline: str, followed: bool) -> Sample:
    first = units[0]
    return Sample(sample=first.sample, patient=first.patient, timepoint=first.timepoint, day=first.day,
                  assay=first.assay, units=tuple(units), role=BASELINE if baseline == first.sample else FOLLOW_UP,
                  baseline=baseline, followed=followed, umi=first.umi, dna_input_ng=first.dna_input_ng)


def followed_patients(samples: dict[str, Sample]) -> dict[str, list[str]]:
    """Followed patients -> their samples' names in time order (by day; without days, sheet order)."""
    by_patient: dict[str, list[Sample]] = {}
    for sample in samples.values():
        if sample.followed:
            by_patient.setdefault(sample.patient, []).append(sample)
    return {patient: [sample.sample for sample in in_time_order(group, lambda sample: sample.day)]
            for patient, group in by_patient.items()}


def sample_files(sample: Sample) -> SampleFiles:
    """The sample's results, at the paths the rules write them to (npm1_flt3/layout.py)."""
    def path(pattern: str) -> Path:
        return Path(pattern.format(sample=sample.sample))

    return SampleFiles(vcf=path(layout.SAMPLE_VCF), hotspots=path(layout.SAMPLE_HOTSPOTS),
                       samtools_stats=path(layout.SAMPLE_STATS),
                       track=path(layout.SAMPLE_TRACK) if sample.followed else None,
                       identity=path(layout.SAMPLE_IDENTITY) if sample.followed else None,
                       profile=path(layout.SAMPLE_PROFILE),
                       umi_qc=path(layout.SAMPLE_UMI_QC) if sample.umi else None)


# --- writing --------------------------------------------------------------------------------------


def _write_lines_atomically(path: Path, lines: Iterable[str]) -> None:
    with open_atomically(Path(path), encoding="utf-8", newline="\n") as handle:
        for line in lines:
            handle.write(line + "\n")


def _manifest_cells(sample: Sample) -> list[str]:
    files = sample_files(sample)
    # Cells come from the sheet, which has no tabs or line breaks inside a cell: no quoting needed.
    return [sample.sample, sample.patient, sample.timepoint, _cell(sample.day), sample.assay,
            str(len(sample.units)), sample.role, sample.baseline, YES if sample.followed else NO,
            sample.umi, _cell(sample.dna_input_ng), str(files.vcf), str(files.hotspots),
            str(files.samtools_stats), _cell(files.track), _cell(files.identity), str(files.profile),
            _cell(files.umi_qc)]


def _cell(value) -> str:
    return "" if value is None else str(value)  # an empty cell: no day, no track table


def write_manifest(samples: dict[str, Sample], path: Path) -> None:
    """One row per sample, in the order given (sheet order when built by build_samples)."""
    _write_lines_atomically(path, _manifest_lines(samples))


def _manifest_lines(samples: dict[str, Sample]) -> Iterator[str]:
    # A generator, so a 10,000-sample manifest is written without a second copy in memory.
    yield "\t".join(MANIFEST_COLUMNS)
    for sample in samples.values():
        yield "\t".join(_manifest_cells(sample))


def multiqc_files(samples: dict[str, Sample], units: list[Unit]) -> list[str]:
    """Every file MultiQC reads: the NPM1/FLT3 sections, fastp per FASTQ unit (in sheet order; a
    BAM/CRAM unit was trimmed in the run that made it, so it has no fastp report), then each
    sample's samtools and mosdepth reports."""
    files = list(layout.NPM1_FLT3_REPORT_FILES)
    files += [(layout.UNIT_FASTP_RNA_JSON if unit.assay == "rna" else layout.UNIT_FASTP_JSON).format(
        sample=unit.sample, unit=unit.unit) for unit in units if not unit.bam]
    for name in samples:
        files += [pattern.format(sample=name) for pattern in layout.SAMPLE_QC_REPORTS]
    return files


def write_multiqc_file_list(samples: dict[str, Sample], units: list[Unit], path: Path) -> None:
    """The explicit list MultiQC reads (--file-list), one path a line: never a folder that an
    earlier batch may have written to."""
    _write_lines_atomically(path, multiqc_files(samples, units))


# --- reading --------------------------------------------------------------------------------------


def _rewrite_hint(path: Path) -> str:
    return (f"write it again with `npm1-flt3 manifest --sheet SHEET --manifest {path} --multiqc-list LIST` "
            "(in the workflow: delete it and re-run, and the manifest step writes it)")


def manifest_rows(path: Path) -> Iterator[tuple[Sample, SampleFiles]]:
    """Each sample of a manifest with its result paths, one row at a time (a 10,000-sample
    manifest is never held whole by the cohort step)."""
    path = Path(path)
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: sample manifest not found; {_rewrite_hint(path)}") from None
    with handle:
        header = handle.readline().rstrip("\n").split("\t")
        if tuple(header) != MANIFEST_COLUMNS:
            raise ManifestError(f"{path}: not a sample manifest this version reads (header: "
                                f"{' '.join(header) or 'none'}; expected: {' '.join(MANIFEST_COLUMNS)}); "
                                f"{_rewrite_hint(path)}")
        for number, line in enumerate(handle, start=2):
            yield _parse_row(line.rstrip("\n").split("\t"), path, number)


def _parse_row(cells: list[str], path: Path, number: int) -> tuple[Sample, SampleFiles]:
    if len(cells) != len(MANIFEST_COLUMNS):
        raise ManifestError(f"{path} line {number}: {len(cells)} fields, expected {len(MANIFEST_COLUMNS)}; "
                            f"{_rewrite_hint(path)}")
    row = dict(zip(MANIFEST_COLUMNS, cells))
    if row["role"] not in (BASELINE, FOLLOW_UP) or row["followed"] not in (YES, NO):
        raise ManifestError(f"{path} line {number}: role {row['role']!r} / followed {row['followed']!r} "
                            f"are not values the manifest step writes; {_rewrite_hint(path)}")
    sample = Sample(sample=row["sample"], patient=row["patient"], timepoint=row["timepoint"],
                    day=int(row["day"]) if row["day"] else None, assay=row["assay"], units=(),
                    role=row["role"], baseline=row["baseline"], followed=row["followed"] == YES,
                    umi=row["umi"], dna_input_ng=float(row["dna_input_ng"]) if row["dna_input_ng"] else None)
    files = SampleFiles(vcf=Path(row["vcf"]), hotspots=Path(row["hotspots"]),
                        samtools_stats=Path(row["samtools_stats"]),
                        track=Path(row["track"]) if row["track"] else None,
                        identity=Path(row["identity"]) if row["identity"] else None, profile=Path(row["profile"]),
                        umi_qc=Path(row["umi_qc"]) if row["umi_qc"] else None)
    return sample, files


def read_manifest(path: Path) -> dict[str, Sample]:
    """Every sample of a manifest, in its order (units are not kept there: ``units`` is empty)."""
    return {sample.sample: sample for sample, _ in manifest_rows(path)}


# --- command line ---------------------------------------------------------------------------------


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sheet", required=True, type=Path, help="sample sheet (checked as validate-sheet does)")
    parser.add_argument("--manifest", required=True, type=Path,
                        help=f"sample manifest to write (the workflow's: {layout.MANIFEST})")
    parser.add_argument("--multiqc-list", required=True, type=Path,
                        help=f"MultiQC's input file list to write (the workflow's: {layout.MULTIQC_FILE_LIST})")


def run(args: argparse.Namespace) -> int:
    units = load_sheet(args.sheet)  # a SheetError lists every problem (printed by cli.main)
    samples = build_samples(units)
    write_manifest(samples, args.manifest)
    write_multiqc_file_list(samples, units, args.multiqc_list)
    return 0
