"""Sample-sheet loading and validation (``npm1-flt3 validate-sheet SHEET``).

The sheet is a TSV with a header line and one row per sequencing unit (lane). Each row is first
checked against ``npm1_flt3/schemas/samples.schema.yaml`` (draft 2020-12), which is the single source of
column names, required columns, name patterns, allowed values and defaults; then Python checks
what a row schema cannot see: files on disk and agreement between rows.

Every problem is collected before anything is raised, so a user fixes a sheet in one round rather
than one error per run. Each message names the file, the 1-based line, the field, what is wrong
and what to do.
"""

from __future__ import annotations

import argparse
import codecs
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from npm1_flt3.packaged import SAMPLE_SHEET_SCHEMA
from npm1_flt3.umi import UmiError, parse_layout

ASSAYS = ("amplicon", "capture", "exome", "rna")
DEFAULT_SCHEMA = SAMPLE_SHEET_SCHEMA
FASTQ_COLUMNS = ("fq1", "fq2")
READ_FILE_COLUMNS = ("fq1", "fq2", "bam")
ALIGNMENT_SUFFIXES = (".bam", ".cram")
# The workflow merges all units of a sample into one BAM and reports it once, so these describe
# the sample, not the lane, and must agree across its rows.
SAMPLE_COLUMNS = ("patient", "timepoint", "assay", "day", "umi", "dna_input_ng")


@dataclass(frozen=True)
class Unit:
    """One row of the sheet: one sequencing unit (lane) of one sample."""

    sample: str
    unit: str
    fq1: Path | None  # absolute; None when the unit is a BAM/CRAM
    fq2: Path | None  # absolute, None for single-end
    patient: str  # defaults to the sample name
    timepoint: str  # defaults to ""
    assay: str  # one of ASSAYS, defaults to the schema default (capture)
    line: int  # 1-based line in the sheet, for later messages
    bam: Path | None = None  # absolute; a BAM or CRAM from an earlier run instead of FASTQ
    day: int | None = None  # day of the sample within its patient's follow-up (column day)
    umi: str = ""  # UMI layout (npm1_flt3/umi.py), "" for none
    dna_input_ng: float | None = None  # DNA input of the library

    @property
    def paired(self) -> bool:
        return self.fq2 is not None


class SheetError(ValueError):
    """The sample sheet has problems; ``problems`` holds every one, one message each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _Problems:
    """Collects messages with their line, so they can be reported in file order at the end."""

    def __init__(self, name: str):
        self.name = name
        self._items: list[tuple[int, str]] = []

    def add(self, line: int | None, field: str | None, text: str) -> None:
        where = self.name if line is None else f"{self.name} line {line}"
        if field is not None:
            where += f", field {field}"
        self._items.append((line or 0, f"{where}: {text}"))

    def raise_if_any(self) -> None:
        if self._items:
            # Stable sort: problems of one line keep the order in which they were found.
            raise SheetError([text for _, text in sorted(self._items, key=lambda item: item[0])])


# --- reading -------------------------------------------------------------------------------------


def load_schema(schema_path: str | Path | None = None) -> dict:
    """Read the row schema; a broken schema is a bug in the workflow, so it fails loudly."""
    schema = yaml.safe_load(Path(schema_path or DEFAULT_SCHEMA).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def _read_bytes(path: Path, name: str) -> bytes:
    # These end the check at once: without the file's content there is nothing else to report.
    try:
        return path.read_bytes()
    except FileNotFoundError:
        reason = f"file not found (looked for {path.absolute()}); check the path of the sample sheet"
    except IsADirectoryError:
        reason = "is a directory; give the path of the sample sheet (a TSV file)"
    except OSError as error:
        reason = f"cannot be read ({error.strerror}); check its permissions"
    raise SheetError([f"{name}: {reason}"])


def _content_lines(data: bytes, problems: _Problems) -> list[tuple[int, str]]:
    """(line number, text) of every line that is not blank or a comment."""
    if data.startswith(codecs.BOM_UTF8):  # spreadsheet programs like to add one
        data = data[len(codecs.BOM_UTF8) :]
    lines = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8").rstrip("\r")  # tolerate Windows line ends
        except UnicodeDecodeError as error:
            problems.add(number, None, f"is not UTF-8 text (byte {raw[error.start]:#04x}); "
                                       "save the sheet as UTF-8 tab-separated text")
            continue
        if text.strip() and not text.lstrip().startswith("#"):
            lines.append((number, text))
    return lines


def _split(text: str) -> list[str]:
    # Only the line's end is trimmed before splitting: trailing tabs mark empty cells (fq2).
    return [cell.strip() for cell in text.split("\t")]


# --- header --------------------------------------------------------------------------------------


def _not_tabbed_hint(text: str) -> str:
    """Explain a line without tabs; comma-separated sheets are the usual cause."""
    for separator, label in ((",", "comma"), (";", "semicolon")):
        if separator in text:
            return (f"has no tab characters but has {label}s, so the sheet looks {label}-separated; "
                    "save it as tab-separated values (TSV)")
    return "has no tab characters; separate the columns with tabs (not spaces)"


def _check_header(line: int, text: str, schema: dict, problems: _Problems) -> list[str] | None:
    """Column names of the header, or None when rows cannot be read against it."""
    columns = _split(text)
    allowed, required = list(schema["properties"]), list(schema["required"])
    if len(columns) == 1 and len(required) > 1:
        problems.add(line, None, f"header {_not_tabbed_hint(text)}")
        return None
    for index, column in enumerate(columns, start=1):
        if column not in allowed:
            what = f"unknown column {column!r}" if column else f"column {index} has no name"
            problems.add(line, column or f"#{index}",
                         f"{what}; allowed columns are {', '.join(allowed)}; "
                         "fix the spelling or remove the column")
        elif columns.index(column) != index - 1:
            problems.add(line, column, f"column appears twice (columns {columns.index(column) + 1} "
                                       f"and {index}); keep one")
    missing = [column for column in required if column not in columns]
    for column in missing:
        problems.add(line, column, f"required column is missing (columns found: "
                                   f"{', '.join(columns)}); add a {column!r} column to the header")
    return None if missing else columns


# --- rows against the schema ---------------------------------------------------------------------


def _record(columns: list[str], cells: list[str], schema: dict) -> dict[str, str]:
    """The row as the schema sees it: known columns only, empty optional cells left out."""
    # Editors drop trailing empty cells, so a short row means empty trailing cells.
    cells = cells + [""] * (len(columns) - len(cells))
    record: dict[str, str] = {}
    for column, cell in zip(columns, cells):
        if column in schema["properties"] and column not in record:
            if cell or column in schema["required"]:  # absent optional cells take their default
                record[column] = cell
    return record


def _schema_problem(error, record: dict, line: int, problems: _Problems) -> None:
    """Turn one jsonschema error into a message that says what to do."""
    field = error.path[0] if error.path else None
    fix = error.schema.get("x-fix") if isinstance(error.schema, dict) else None
    value = error.instance
    if field == "fq1" and error.validator == "minLength":
        # Which fix applies depends on fq2: reads in the wrong column, or no reads at all.
        if record.get("fq2"):
            problems.add(line, "fq2", f"is set but fq1 is empty; {fix}")
        else:
            problems.add(line, "fq1", f"is empty; every unit needs at least one FASTQ (or a BAM/CRAM "
                                      f"in the bam column): {fix}")
        return
    if error.validator == "enum":
        default = error.schema.get("default")
        what = (f"{value!r} is not an allowed {field}; use one of {', '.join(error.validator_value)}"
                + (f", or leave it empty for {default}" if default else ""))
    elif error.validator in ("pattern", "minLength"):
        problem = error.schema.get("x-what", "is not a safe name")
        what = "is empty" if value == "" else f"{value!r} {problem}"
    else:
        what = error.message
    problems.add(line, field, f"{what}; {fix}" if fix else what)


def _check_record(record: dict, line: int, validator, columns: list[str], problems) -> bool:
    """Report every schema error of one row; True if there was none."""
    order = {column: index for index, column in enumerate(columns)}
    errors = sorted((error for error in validator.iter_errors(record) if not _bam_instead(error, record)),
                    key=lambda error: order.get(error.path[0] if error.path else "", -1))
    for error in errors:
        _schema_problem(error, record, line, problems)
    return not errors


def _bam_instead(error, record: dict) -> bool:
    """An empty fq1 is right on a row that gives a BAM/CRAM instead (fq2 is checked later)."""
    return bool(record.get("bam")) and (error.path[0] if error.path else None) == "fq1" \
        and error.validator == "minLength"


def _check_alignment_rows(records: dict[int, dict], problems: _Problems) -> None:
    for line, record in records.items():
        if not record.get("bam"):
            continue
        given = [field for field in FASTQ_COLUMNS if record.get(field)]
        if given:
            problems.add(line, "bam", f"is set together with {' and '.join(given)}; give a unit's "
                                      "reads either as FASTQ (fq1, fq2) or as BAM/CRAM (bam), not both")
        if not record["bam"].lower().endswith(ALIGNMENT_SUFFIXES):
            problems.add(line, "bam", f"{record['bam']!r} does not end in .bam or .cram; give a "
                                      "BAM or CRAM file (FASTQ go in fq1 and fq2)")


def _check_umi_layouts(records: dict[int, dict], problems: _Problems) -> None:
    for line, record in records.items():
        try:
            layout = parse_layout(record.get("umi", ""))
        except UmiError as error:
            problems.add(line, "umi", str(error))
            continue
        if layout is None:
            continue
        if record.get("assay") == "rna":
            # RNA reads go through the junction-aware alignment (rules/rna.smk), which builds no
            # consensus: counting molecules there is not implemented yet.
            problems.add(line, "umi", "UMI consensus is not available for assay rna yet; leave umi empty "
                                      "(RNA reads are then counted as reads, duplicates kept)")
        elif record.get("bam") and layout.location != "name":
            problems.add(line, "umi", f"{record['umi']!r}: the reads of a BAM/CRAM are not trimmed again, so "
                                      "their UMIs must already be in the read names; write 'name'")
        elif layout.needs_second_read() and not record.get("fq2"):
            problems.add(line, "umi", f"{record['umi']!r} reads a UMI from read 2, but the unit is "
                                      "single-end (fq2 is empty); use read1 or name")


def _check_rna_fields(records: dict[int, dict], problems: _Problems) -> None:
    # RNA input is counted in transcripts, not genomes: ng of RNA give no genome equivalents.
    for line, record in records.items():
        if record.get("assay") == "rna" and record.get("dna_input_ng"):
            problems.add(line, "dna_input_ng", "the DNA input of an RNA library gives no genome equivalents; "
                                               "leave dna_input_ng empty for assay rna")


# --- files ---------------------------------------------------------------------------------------


def _resolve(value: str, base: Path) -> Path:
    # Relative to the sheet, not the current directory: a sheet and its FASTQs move together.
    # normpath, not resolve(): keep the user's (possibly symlinked) names in messages and outputs.
    return Path(os.path.normpath(base / Path(value).expanduser()))


def _is_readable(path: Path) -> bool:
    return os.access(path, os.R_OK)


def _check_fastq(path: Path, line: int, field: str, base: Path, problems: _Problems) -> None:
    if not path.exists():
        problems.add(line, field, f"file {path} does not exist; check the path (relative paths are "
                                  f"resolved against the sheet's folder, {base})")
    elif path.is_dir():
        kind = "BAM or CRAM" if field == "bam" else "FASTQ"
        problems.add(line, field, f"{path} is a directory; give the path of a {kind} file")
    elif not _is_readable(path):
        problems.add(line, field, f"file {path} is not readable; fix its permissions "
                                  "(e.g. chmod a+r) or point to a readable copy")


def _check_fastqs(records: dict[int, dict], base: Path, problems: _Problems) -> None:
    """Every FASTQ exists, is readable and is used only once in the whole sheet."""
    seen: dict[str, tuple[int, str]] = {}
    for line, record in records.items():
        for field in READ_FILE_COLUMNS:
            if not record.get(field):
                continue
            path = _resolve(record[field], base)
            _check_fastq(path, line, field, base, problems)
            # realpath: two symlinks to one file are still the same reads counted twice.
            key = os.path.realpath(path)
            if key in seen:
                first_line, first_field = seen[key]
                where = "this line" if first_line == line else f"line {first_line}"
                kind = "BAM/CRAM" if field == "bam" else "FASTQ"
                problems.add(line, field, f"{kind} {path} is already used on {where} (field "
                                          f"{first_field}); each FASTQ file belongs to exactly one "
                                          "unit and read, so fix the copied path")
            else:
                seen[key] = (line, field)


# --- rows against each other ---------------------------------------------------------------------


def _to_unit(record: dict, line: int, base: Path, schema: dict) -> Unit:
    props = schema["properties"]
    return Unit(
        sample=record["sample"],
        unit=record["unit"],
        fq1=_resolve(record["fq1"], base) if record["fq1"] else None,
        fq2=_resolve(record["fq2"], base) if record["fq2"] else None,
        bam=_resolve(record["bam"], base) if record.get("bam") else None,
        patient=record.get("patient", record["sample"]),
        timepoint=record.get("timepoint", props["timepoint"].get("default", "")),
        assay=record.get("assay", props["assay"].get("default", "")),
        line=line,
        day=int(record["day"]) if record.get("day") else None,
        umi=record.get("umi", "").strip(),
        dna_input_ng=float(record["dna_input_ng"]) if record.get("dna_input_ng") else None,
    )


def units_by_sample(units) -> dict[str, list[Unit]]:
    """Units grouped by sample, samples in order of first appearance."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.sample, []).append(unit)
    return groups


def in_time_order(items: list, day_of) -> list:
    """A patient's samples in time order: by day when the patient has days (the sheet check makes
    that all or none), else in sheet order. The baseline is chosen by ``baseline_of``."""
    return [item for _, item in sorted(enumerate(items), key=lambda pair: (day_of(pair[1]) or 0, pair[0]))]


def baseline_of(items: list, day_of, timepoint_of) -> object:
    """A patient's baseline sample: the one whose timepoint is 'diagnosis' (any case; the sheet
    check allows one per patient), else the first in time order. ELN classifies the diagnostic
    sample, and MRD measures the diagnosis alleles, even when the sheet lists an earlier sample
    (a pre-diagnosis screen, say)."""
    ordered = in_time_order(items, day_of)
    diagnosis = [item for item in ordered if (timepoint_of(item) or "").strip().lower() == "diagnosis"]
    return (diagnosis or ordered)[0]


def samples_by_patient(units) -> dict[str, list[Unit]]:
    """The first unit of each sample, grouped by patient, patients in order of first appearance."""
    groups: dict[str, list[Unit]] = {}
    for sample_units in units_by_sample(units).values():
        groups.setdefault(sample_units[0].patient, []).append(sample_units[0])
    return groups


def _check_follow_up(patient: str, samples: list[Unit], problems: _Problems) -> None:
    # A patient's samples are the points of an MRD trajectory: each needs its own time point, and
    # days must order all of them or none (a half-dated series has no time axis).
    if len(samples) < 2:
        return
    seen: dict[str, Unit] = {}
    for unit in samples:
        if unit.timepoint in seen:
            first = seen[unit.timepoint]
            problems.add(unit.line, "timepoint",
                         f"patient {patient!r} has two samples at timepoint {unit.timepoint!r} "
                         f"({first.sample} on line {first.line}, {unit.sample} here); give each "
                         "sample of a patient its own timepoint (e.g. diagnosis, remission, relapse)")
        else:
            seen[unit.timepoint] = unit
    dated = [unit for unit in samples if unit.day is not None]
    if dated and len(dated) < len(samples):
        undated = next(unit for unit in samples if unit.day is None)
        problems.add(undated.line, "day",
                     f"patient {patient!r} has a day on line {dated[0].line} but none here "
                     f"(sample {undated.sample}); give a day for all of the patient's samples or for none")


def _check_unique_units(units: list[Unit], problems: _Problems) -> None:
    # Unit names become file names; a repeat would make two lanes overwrite each other.
    seen: dict[tuple[str, str], int] = {}
    for unit in units:
        key = (unit.sample, unit.unit)
        if key in seen:
            problems.add(unit.line, "unit", f"sample {unit.sample!r} unit {unit.unit!r} is already "
                                            f"defined on line {seen[key]}; give each unit (lane) of "
                                            "a sample its own name, or remove the repeated row")
        else:
            seen[key] = unit.line


def _lines(units: list[Unit]) -> str:
    return ", ".join(str(unit.line) for unit in units)


def _check_alignment_sample(sample: str, units: list[Unit], problems: _Problems) -> None:
    # A BAM/CRAM is a whole sample's reads: merging it with other units would mix two runs.
    if len(units) > 1 and any(unit.bam for unit in units):
        problems.add(units[1].line, "sample",
                     f"sample {sample!r} has a BAM/CRAM row and other rows (lines {_lines(units)}); a "
                     "sample given as BAM/CRAM has exactly one row: rename one of the samples")


def _check_pairing(sample: str, units: list[Unit], problems: _Problems) -> None:
    # Merged units must be aligned the same way; a half-paired sample is almost always a typo.
    paired = [unit for unit in units if unit.paired]
    single = [unit for unit in units if not unit.paired]
    if paired and single:
        odd = single if units[0].paired else paired
        problems.add(odd[0].line, "fq2",
                     f"sample {sample!r} mixes paired-end units (lines {_lines(paired)}) and "
                     f"single-end units (lines {_lines(single)}); its units are merged after "
                     "alignment, so give fq2 for all of them or for none")


def _check_sample_fields(sample: str, units: list[Unit], records: dict, problems) -> None:
    def shown(unit: Unit, field: str) -> str:
        # A default the user never typed would be puzzling in a message without this note.
        value = repr(getattr(unit, field))
        return value if field in records[unit.line] else f"{value} (empty cell: the default)"

    first = units[0]
    for unit in units[1:]:
        for field in SAMPLE_COLUMNS:
            if getattr(unit, field) != getattr(first, field):
                problems.add(unit.line, field,
                             f"sample {sample!r} has {field} {shown(unit, field)} here but "
                             f"{shown(first, field)} on line {first.line}; all units of a sample "
                             f"must have the same {field}")


# --- entry points --------------------------------------------------------------------------------


def _read_rows(lines, columns, validator, schema, problems) -> dict[int, tuple[dict, bool]]:
    """line -> (record, passed the schema) for every row whose cells line up with the header."""
    rows = {}
    for line, text in lines:
        cells = _split(text)
        if len(cells) == 1 and len(columns) > 1:
            problems.add(line, None, f"row {_not_tabbed_hint(text)}")
        elif len(cells) > len(columns):
            problems.add(line, None, f"row has {len(cells)} tab-separated fields but the header "
                                     f"has {len(columns)} columns; remove the extra tabs or name "
                                     "the extra columns in the header")
        else:
            record = _record(columns, cells, schema)
            rows[line] = (record, _check_record(record, line, validator, columns, problems))
    return rows


def load_sheet(path: str | Path, schema_path: str | Path | None = None) -> list[Unit]:
    """Read and check a sample sheet; raise SheetError listing every problem found."""
    path = Path(path)
    problems = _Problems(str(path))
    schema = load_schema(schema_path)
    lines = _content_lines(_read_bytes(path, str(path)), problems)
    if not lines:
        problems.add(None, None, "has no header line (only comments or blank lines); the first "
                                 f"other line must name the columns: {', '.join(schema['properties'])}")
        problems.raise_if_any()
    (header_line, header), body = lines[0], lines[1:]
    columns = _check_header(header_line, header, schema, problems)
    if columns is None:
        problems.raise_if_any()  # rows cannot be read without their columns
    if not body:
        problems.add(header_line, None, "the sheet has a header but no rows; add one row per "
                                        "sequencing unit (lane)")
    rows = _read_rows(body, columns, Draft202012Validator(schema), schema, problems)
    base = Path(os.path.abspath(path)).parent
    records = {line: record for line, (record, _) in rows.items()}
    _check_alignment_rows(records, problems)
    _check_umi_layouts(records, problems)
    _check_rna_fields(records, problems)
    _check_fastqs(records, base, problems)
    # Cross-row checks only on rows that passed the schema, so one bad cell gives one message.
    units = [_to_unit(record, line, base, schema) for line, (record, ok) in rows.items() if ok]
    _check_unique_units(units, problems)
    for sample, group in units_by_sample(units).items():
        _check_alignment_sample(sample, group, problems)
        _check_pairing(sample, group, problems)
        _check_sample_fields(sample, group, records, problems)
    for patient, samples in samples_by_patient(units).items():
        _check_follow_up(patient, samples, problems)
    problems.raise_if_any()
    return units


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sheet", metavar="SHEET",
                        help="tab-separated sample sheet, one row per sequencing unit (lane)")
    parser.add_argument("--schema", default=None,
                        help=f"row schema (default: {DEFAULT_SCHEMA})")


def run(args: argparse.Namespace) -> int:
    try:
        units = load_sheet(args.sheet, args.schema)
    except SheetError as error:
        # Print every problem on its own line (cli.main would print them as one error).
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{args.sheet}: {len(error.problems)} problem(s), not OK", file=sys.stderr)
        return 1
    print(f"{args.sheet}: {len(units_by_sample(units))} samples, {len(units)} units, OK")
    return 0
