"""Sample-sheet loading and validation: one good sheet, and one bad sheet per check.

Each bad sheet is written into tmp_path next to real tiny FASTQ files; it must raise SheetError
whose message names the line and field, and the validate-sheet command must exit 1 with the same
message on stderr.
"""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from npm1_flt3 import sheet
from npm1_flt3.sheet import ASSAYS, SheetError, Unit, load_sheet, units_by_sample

FASTQ = "@read1\nACGT\n+\nIIII\n"
FASTQ_NAMES = ("a_L1_R1.fq", "a_L1_R2.fq", "a_L2_R1.fq", "a_L2_R2.fq", "b_R1.fq", "b_R2.fq", "c.fq")
HEADER = "sample\tunit\tfq1\tfq2\tpatient\ttimepoint\tassay"
A1 = "A\tL1\ta_L1_R1.fq\ta_L1_R2.fq\tP1\tdx\tcapture"  # a good paired unit, used as line 2


def rows(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def write_sheet(folder: Path, text: str | bytes, name: str = "samples.tsv") -> Path:
    """Write the sheet and the FASTQs it may name; "{dir}" in the text becomes the folder."""
    for fastq in FASTQ_NAMES:
        (folder / fastq).write_text(FASTQ)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text.replace("{dir}", str(folder)))
    return path


def validate(path: Path, capsys) -> tuple[int, str, str]:
    """Run the validate-sheet command the way cli.main would, without needing the other modules."""
    parser = argparse.ArgumentParser()
    sheet.configure_parser(parser)
    code = sheet.run(parser.parse_args([str(path)]))
    out, err = capsys.readouterr()
    return code, out, err


# id, sheet text, line, field (None: the problem is not about one field), text that must follow.
# "{dir}" in the expected text stands for the folder holding the sheet.
BAD_SHEETS = [
    ("missing_column", rows("sample\tunit\tfq1", "A\tL1\tc.fq"), 1, "fq2",
     "required column is missing (columns found: sample, unit, fq1); add a 'fq2' column"),
    ("unknown_column", rows(HEADER + "\tpatinet", A1), 1, "patinet",
     "unknown column 'patinet'; allowed columns are sample, unit, fq1, fq2, patient, timepoint, "
     "assay, bam, day, umi, dna_input_ng; fix the spelling"),
    ("unnamed_column", rows(HEADER + "\t", A1), 1, "#8", "column 8 has no name"),
    ("duplicate_column", rows("sample\tunit\tfq1\tfq2\tunit", "A\tL1\tc.fq\t\tL2"), 1, "unit",
     "column appears twice (columns 2 and 5)"),
    ("unsafe_sample", rows(HEADER, A1, "B/1\tL1\tb_R1.fq\tb_R2.fq"), 3, "sample",
     "'B/1' is not a safe name; use only letters, digits, '_', '.' and '-', starting with a "
     "letter or digit"),
    ("sample_starts_with_dash", rows(HEADER, "-B\tL1\tb_R1.fq\tb_R2.fq"), 2, "sample",
     "'-B' is not a safe name"),
    ("unsafe_unit", rows(HEADER, "B\tL1;rm\tb_R1.fq\tb_R2.fq"), 2, "unit",
     "'L1;rm' is not a safe name; use only letters, digits"),
    ("empty_sample", rows(HEADER, "\tL1\tb_R1.fq\tb_R2.fq"), 2, "sample",
     "is empty; use only letters, digits"),
    ("unsafe_name_after_comments", rows("# run 42", HEADER, "", "# lane 1", "B C\tL1\tc.fq"), 5,
     "sample", "'B C' is not a safe name"),
    ("unknown_assay", rows(HEADER, "B\tL1\tb_R1.fq\tb_R2.fq\t\t\twgs"), 2, "assay",
     "'wgs' is not an allowed assay; use one of amplicon, capture, exome, rna, or leave it empty for "
     "capture"),
    ("fq2_without_fq1", rows(HEADER, A1, "B\tL1\t\tb_R2.fq"), 3, "fq2",
     "is set but fq1 is empty; put the first-read FASTQ in fq1"),
    ("no_fastq_at_all", rows(HEADER, "B\tL1\t\t"), 2, "fq1",
     "is empty; every unit needs at least one FASTQ"),
    ("no_fastq_short_row", rows(HEADER, "B\tL1"), 2, "fq1", "is empty"),
    ("fastq_missing", rows(HEADER, "B\tL1\tb_R1.fq\tmissing_R2.fq"), 2, "fq2",
     "file {dir}/missing_R2.fq does not exist; check the path (relative paths are resolved "
     "against the sheet's folder, {dir})"),
    ("fastq_missing_subfolder", rows(HEADER, "B\tL1\traw/../raw/b.fq"), 2, "fq1",
     "file {dir}/raw/b.fq does not exist"),
    ("fastq_is_directory", rows(HEADER, "B\tL1\t."), 2, "fq1",
     "{dir} is a directory; give the path of a FASTQ file"),
    ("duplicate_unit", rows(HEADER, A1, "A\tL1\ta_L2_R1.fq\ta_L2_R2.fq\tP1\tdx"), 3, "unit",
     "sample 'A' unit 'L1' is already defined on line 2; give each unit (lane) of a sample its "
     "own name"),
    ("fastq_used_twice", rows(HEADER, A1, "B\tL1\ta_L1_R2.fq\tb_R2.fq"), 3, "fq1",
     "FASTQ {dir}/a_L1_R2.fq is already used on line 2 (field fq2); each FASTQ file belongs to "
     "exactly one unit and read"),
    ("fastq_used_twice_other_spelling", rows(HEADER, "B\tL1\tc.fq", "C\tL1\t{dir}/./c.fq"), 3,
     "fq1", "FASTQ {dir}/c.fq is already used on line 2 (field fq1)"),
    ("fq1_equals_fq2", rows(HEADER, "B\tL1\tb_R1.fq\tb_R1.fq"), 2, "fq2",
     "FASTQ {dir}/b_R1.fq is already used on this line (field fq1)"),
    ("paired_and_single_mixed", rows(HEADER, A1, "A\tL2\ta_L2_R1.fq\t\tP1\tdx"), 3, "fq2",
     "sample 'A' mixes paired-end units (lines 2) and single-end units (lines 3); its units are "
     "merged after alignment, so give fq2 for all of them or for none"),
    ("patient_disagrees", rows(HEADER, A1, "A\tL2\ta_L2_R1.fq\ta_L2_R2.fq\tP2\tdx"), 3, "patient",
     "sample 'A' has patient 'P2' here but 'P1' on line 2"),
    ("patient_default_disagrees", rows(HEADER, A1, "A\tL2\ta_L2_R1.fq\ta_L2_R2.fq\t\tdx"), 3,
     "patient", "sample 'A' has patient 'A' (empty cell: the default) here but 'P1' on line 2"),
    ("timepoint_disagrees", rows(HEADER, A1, "A\tL2\ta_L2_R1.fq\ta_L2_R2.fq\tP1\trelapse"), 3,
     "timepoint", "sample 'A' has timepoint 'relapse' here but 'dx' on line 2; all units of a "
     "sample must have the same timepoint"),
    ("assay_disagrees", rows(HEADER, A1, "A\tL2\ta_L2_R1.fq\ta_L2_R2.fq\tP1\tdx\tamplicon"), 3,
     "assay", "sample 'A' has assay 'amplicon' here but 'capture' on line 2"),
    ("two_samples_at_one_timepoint", rows(HEADER, A1, "B\tL1\tb_R1.fq\tb_R2.fq\tP1\tdx"), 3, "timepoint",
     "patient 'P1' has two samples at timepoint 'dx' (A on line 2, B here); give each sample of a "
     "patient its own timepoint"),
    ("day_not_a_number", rows(HEADER + "\tday", A1 + "\t2 weeks"), 2, "day",
     "'2 weeks' is not a whole number of days; give a whole number of days (e.g. 0, 35, 180)"),
    ("day_for_some_samples_only", rows(HEADER + "\tday", A1 + "\t0", "B\tL1\tb_R1.fq\tb_R2.fq\tP1\tremission"),
     3, "day", "patient 'P1' has a day on line 2 but none here (sample B); give a day for all of the "
     "patient's samples or for none"),
    ("header_only", rows("# nothing yet", HEADER), 2, None,
     "the sheet has a header but no rows; add one row per sequencing unit"),
    ("comma_separated", rows("sample,unit,fq1,fq2", "A,L1,a_L1_R1.fq,a_L1_R2.fq"), 1, None,
     "header has no tab characters but has commas, so the sheet looks comma-separated; save it "
     "as tab-separated values (TSV)"),
    ("space_separated", rows("sample unit fq1 fq2"), 1, None,
     "header has no tab characters; separate the columns with tabs"),
    ("row_comma_separated", rows(HEADER, A1, "B,L1,b_R1.fq,b_R2.fq"), 3, None,
     "row has no tab characters but has commas"),
    ("row_too_wide", rows("sample\tunit\tfq1\tfq2", "B\tL1\tb_R1.fq\tb_R2.fq\textra"), 2, None,
     "row has 5 tab-separated fields but the header has 4 columns"),
    ("no_header", rows("# only a comment", ""), None, None,
     "has no header line (only comments or blank lines); the first other line must name the "
     "columns: sample, unit, fq1, fq2"),
    ("not_utf8", (HEADER + "\n" + A1 + "\nB\tL1\tc\xe9.fq\n").encode("latin-1"), 3, None,
     "is not UTF-8 text (byte 0xe9); save the sheet as UTF-8"),
]


def expected_message(path: Path, line: int | None, field: str | None, text: str) -> str:
    where = str(path) if line is None else f"{path} line {line}"
    if field is not None:
        where += f", field {field}"
    return f"{where}: {text.format(dir=path.parent)}"


@pytest.mark.parametrize("text, line, field, message", [case[1:] for case in BAD_SHEETS],
                         ids=[case[0] for case in BAD_SHEETS])
def test_bad_sheet_raises_sheet_error(tmp_path, text, line, field, message):
    path = write_sheet(tmp_path, text)
    with pytest.raises(SheetError) as raised:
        load_sheet(path)
    expected = expected_message(path, line, field, message)
    assert any(problem.startswith(expected) for problem in raised.value.problems), \
        raised.value.problems
    assert expected in str(raised.value)  # the message itself lists the problems, one per line


@pytest.mark.parametrize("text, line, field, message", [case[1:] for case in BAD_SHEETS],
                         ids=[case[0] for case in BAD_SHEETS])
def test_bad_sheet_cli_exits_1(tmp_path, capsys, text, line, field, message):
    path = write_sheet(tmp_path, text)
    code, out, err = validate(path, capsys)
    assert code == 1
    assert out == ""
    expected = expected_message(path, line, field, message)
    assert any(row.startswith(expected) for row in err.splitlines()), err


def test_each_problem_is_one_line_with_file_line_field(tmp_path):
    """Every problem of a sheet is reported at once, in file order, each on its own line."""
    text = rows(HEADER, A1, "B/1\tL1\tb_R1.fq\tb_R2.fq", "C\tL1\t\tc.fq\t\t\twgs",
                "A\tL1\tmissing.fq\ta_L2_R2.fq\tP1\tdx")
    path = write_sheet(tmp_path, text)
    with pytest.raises(SheetError) as raised:
        load_sheet(path)
    problems = raised.value.problems
    assert [p.split(":")[0] for p in problems] == [
        f"{path} line 3, field sample",
        f"{path} line 4, field fq2",  # fq2 set, fq1 empty
        f"{path} line 4, field assay",
        f"{path} line 5, field fq1",  # does not exist
        f"{path} line 5, field unit",  # A/L1 repeated
    ]
    assert str(raised.value).splitlines() == problems


def test_file_not_found(tmp_path, capsys):
    path = tmp_path / "nope.tsv"
    with pytest.raises(SheetError, match="file not found") as raised:
        load_sheet(path)
    assert raised.value.problems == [
        f"{path}: file not found (looked for {path}); check the path of the sample sheet"]
    code, _, err = validate(path, capsys)
    assert code == 1 and f"{path}: file not found" in err


def test_sheet_is_a_directory(tmp_path):
    with pytest.raises(SheetError, match="is a directory; give the path of the sample sheet"):
        load_sheet(tmp_path)


def test_unreadable_fastq(tmp_path, capsys, monkeypatch):
    path = write_sheet(tmp_path, rows(HEADER, A1, "B\tL1\tb_R1.fq\tb_R2.fq"))
    target = tmp_path / "b_R2.fq"
    target.chmod(0)
    if os.geteuid() == 0:  # root reads anything, so judge by the permission bits instead
        monkeypatch.setattr(sheet, "_is_readable", lambda p: bool(p.stat().st_mode & stat.S_IRUSR))
    expected = (f"{path} line 3, field fq2: file {target} is not readable; fix its permissions")
    with pytest.raises(SheetError) as raised:
        load_sheet(path)
    assert [p for p in raised.value.problems if p.startswith(expected)], raised.value.problems
    code, _, err = validate(path, capsys)
    assert code == 1 and expected in err


GOOD_SHEET = """\
# NPM1/FLT3 demo cohort
# sample A: two lanes, paired-end; sample C: one single-end lane
sample\tunit\tfq1\tfq2\tpatient\ttimepoint\tassay

A\tL1\ta_L1_R1.fq\ta_L1_R2.fq\tP1\tdiagnosis\t
A\tL2\ta_L2_R1.fq\ta_L2_R2.fq\tP1\tdiagnosis\r
# single-end amplicon run, absolute path, trailing cells dropped by the editor
C\t1\t{dir}/c.fq\t\t\t\tamplicon
B.2-x_y\tL1\tb_R1.fq\tb_R2.fq
"""


def test_good_sheet_loads_with_absolute_paths(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    write_sheet(folder, GOOD_SHEET)
    monkeypatch.chdir(tmp_path)  # relative FASTQ paths follow the sheet, not the working folder
    units = load_sheet(Path("project") / "samples.tsv")
    assert units == [
        Unit("A", "L1", folder / "a_L1_R1.fq", folder / "a_L1_R2.fq", "P1", "diagnosis", "capture", 5),
        Unit("A", "L2", folder / "a_L2_R1.fq", folder / "a_L2_R2.fq", "P1", "diagnosis", "capture", 6),
        Unit("C", "1", folder / "c.fq", None, "C", "", "amplicon", 8),
        Unit("B.2-x_y", "L1", folder / "b_R1.fq", folder / "b_R2.fq", "B.2-x_y", "", "capture", 9),
    ]
    assert all(u.fq1.is_absolute() and (u.fq2 is None or u.fq2.is_absolute()) for u in units)
    assert [u.paired for u in units] == [True, True, False, True]
    groups = units_by_sample(units)
    assert list(groups) == ["A", "C", "B.2-x_y"]
    assert [u.unit for u in groups["A"]] == ["L1", "L2"]


def test_good_sheet_cli_reports_counts(tmp_path, capsys):
    path = write_sheet(tmp_path, GOOD_SHEET)
    code, out, err = validate(path, capsys)
    assert (code, out, err) == (0, f"{path}: 3 samples, 4 units, OK\n", "")


def test_utf8_bom_is_accepted(tmp_path):
    path = write_sheet(tmp_path, ("\ufeff" + rows(HEADER, A1)).encode("utf-8"))
    assert [u.sample for u in load_sheet(path)] == ["A"]


def test_schema_is_the_source_of_columns_and_assays():
    schema = yaml.safe_load(sheet.DEFAULT_SCHEMA.read_text())
    assert tuple(schema["properties"]["assay"]["enum"]) == ASSAYS
    assert schema["properties"]["assay"]["default"] == "capture"
    assert schema["required"] == ["sample", "unit", "fq1", "fq2"]
    assert HEADER.split("\t") + ["bam", "day", "umi", "dna_input_ng"] == list(schema["properties"])


def test_custom_schema_path_is_used(tmp_path):
    """Python takes required columns from the schema it is given, not from a copy of its own."""
    schema = yaml.safe_load(sheet.DEFAULT_SCHEMA.read_text())
    schema["required"].append("patient")
    schema_path = tmp_path / "strict.schema.yaml"
    schema_path.write_text(yaml.safe_dump(schema))
    path = write_sheet(tmp_path, rows("sample\tunit\tfq1\tfq2", "B\tL1\tb_R1.fq\tb_R2.fq"))
    with pytest.raises(SheetError, match="field patient: required column is missing"):
        load_sheet(path, schema_path)


def test_python_m_npm1_flt3_validate_sheet(tmp_path):
    """The real entry point."""
    path = write_sheet(tmp_path, rows(HEADER, A1, "A\tL1\ta_L2_R1.fq\ta_L2_R2.fq\tP1\tdx"))
    done = subprocess.run([sys.executable, "-m", "npm1_flt3", "validate-sheet", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert f"{path} line 3, field unit: sample 'A' unit 'L1' is already defined on line 2" in done.stderr


def test_umi_layout_and_dna_input_are_read_per_sample(tmp_path):
    (tmp_path / "a_R1.fq.gz").write_bytes(b"")
    (tmp_path / "a_R2.fq.gz").write_bytes(b"")
    sheet_path = tmp_path / "samples.tsv"
    sheet_path.write_text("sample\tunit\tfq1\tfq2\tumi\tdna_input_ng\nA\tL1\ta_R1.fq.gz\ta_R2.fq.gz\t8M2S+T 8M2S+T\t50\n")
    unit, = sheet.load_sheet(sheet_path)
    assert (unit.umi, unit.dna_input_ng) == ("8M2S+T 8M2S+T", 50.0)


@pytest.mark.parametrize("umi, fq2, message", [
    ("8M+T 6M+T", "a_R2.fq.gz", "fastp cuts UMIs of the same length"),
    ("read2:8", "", "single-end"),
    ("somewhere", "a_R2.fq.gz", "not understood"),
])
def test_a_umi_layout_that_cannot_work_names_the_line_and_field(tmp_path, umi, fq2, message):
    (tmp_path / "a_R1.fq.gz").write_bytes(b"")
    (tmp_path / "a_R2.fq.gz").write_bytes(b"")
    sheet_path = tmp_path / "samples.tsv"
    sheet_path.write_text(f"sample\tunit\tfq1\tfq2\tumi\nA\tL1\ta_R1.fq.gz\t{fq2}\t{umi}\n")
    with pytest.raises(sheet.SheetError, match=f"line 2, field umi: .*{message}"):
        sheet.load_sheet(sheet_path)


def test_umis_on_rna_are_refused_until_rna_builds_a_consensus(tmp_path):
    (tmp_path / "a_R1.fq.gz").write_bytes(b"")
    (tmp_path / "a_R2.fq.gz").write_bytes(b"")
    sheet_path = tmp_path / "samples.tsv"
    sheet_path.write_text("sample\tunit\tfq1\tfq2\tassay\tumi\nA\tL1\ta_R1.fq.gz\ta_R2.fq.gz\trna\tname\n")
    with pytest.raises(sheet.SheetError, match="line 2, field umi: UMI consensus is not available for assay rna"):
        sheet.load_sheet(sheet_path)


def test_an_rna_sample_is_read_with_its_assay(tmp_path):
    (tmp_path / "a_R1.fq.gz").write_bytes(b"")
    (tmp_path / "a_R2.fq.gz").write_bytes(b"")
    sheet_path = tmp_path / "samples.tsv"
    sheet_path.write_text("sample\tunit\tfq1\tfq2\tassay\nA\tL1\ta_R1.fq.gz\ta_R2.fq.gz\trna\n")
    unit, = sheet.load_sheet(sheet_path)
    assert unit.assay == "rna"


def test_dna_input_on_an_rna_library_is_refused(tmp_path):
    (tmp_path / "a_R1.fq.gz").write_bytes(b"")
    (tmp_path / "a_R2.fq.gz").write_bytes(b"")
    sheet_path = tmp_path / "samples.tsv"
    sheet_path.write_text("sample\tunit\tfq1\tfq2\tassay\tdna_input_ng\nA\tL1\ta_R1.fq.gz\ta_R2.fq.gz\trna\t50\n")
    with pytest.raises(sheet.SheetError, match="line 2, field dna_input_ng: .*leave dna_input_ng empty for assay rna"):
        sheet.load_sheet(sheet_path)
