"""The table writer: one TSV format for every table, the same bytes however the rows are chunked,
and never half a table under the real name."""

from __future__ import annotations

import pytest

from npm1_flt3.tables import TableWriter

COLUMNS = ["sample", "pos", "exon", "vaf", "hgvs_p", "itd_ar_ci_high"]
INTEGERS = ["pos", "exon"]


def rows() -> list[dict]:
    # A float column missing in the first chunks, an integer column with gaps, text that needs quotes,
    # a column that is empty throughout.
    return [{"sample": f"S{i}", "pos": 100 + i, "vaf": None if i < 3 else i / 7,
             "exon": None if i % 2 else 14, "hgvs_p": 'p."odd"' if i == 4 else None,
             "itd_ar_ci_high": None} for i in range(8)]


def written(path, chunk_rows: int, **options) -> bytes:
    with TableWriter(path, COLUMNS, INTEGERS, chunk_rows=chunk_rows, **options) as table:
        for row in rows():
            table.add([row])
    return path.read_bytes()


def test_the_format_empty_cells_fixed_decimals_and_integers_with_gaps(tmp_path):
    lines = written(tmp_path / "t.tsv", chunk_rows=500).decode().splitlines()
    assert lines[0] == "\t".join(COLUMNS)
    assert lines[1] == "S0\t100\t14\t\t\t"
    assert lines[2] == "S1\t101\t\t\t\t"  # exon missing: an empty cell, and 14 elsewhere is not "14.0"
    assert lines[5] == 'S4\t104\t14\t0.5714\t"p.""odd"""\t'
    assert written(tmp_path / "six.tsv", 500, float_format="%.6f").decode().splitlines()[4] == "S3\t103\t\t0.428571\t\t"


def test_chunk_size_does_not_change_the_bytes(tmp_path):
    whole = written(tmp_path / "whole.tsv", chunk_rows=500)  # one chunk: the whole table at once
    for chunk_rows in (1, 3):
        assert written(tmp_path / f"chunk{chunk_rows}.tsv", chunk_rows) == whole


def test_an_empty_table_is_its_header_line(tmp_path):
    with TableWriter(tmp_path / "empty.tsv", COLUMNS):
        pass
    assert (tmp_path / "empty.tsv").read_text() == "\t".join(COLUMNS) + "\n"


def test_a_failing_writer_leaves_neither_the_table_nor_its_temporary_file(tmp_path):
    with pytest.raises(ValueError):
        with TableWriter(tmp_path / "out" / "variants.tsv", COLUMNS, chunk_rows=1) as table:
            table.add(rows()[:3])  # already flushed to the temporary file
            raise ValueError("a VCF that cannot be read")
    assert list((tmp_path / "out").iterdir()) == []


def test_an_existing_table_survives_a_failed_rewrite_untouched(tmp_path):
    out = tmp_path / "variants.tsv"
    before = written(out, chunk_rows=500)
    with pytest.raises(ValueError):
        with TableWriter(out, COLUMNS, chunk_rows=1) as table:
            table.add([{"sample": "new"}])
            raise ValueError
    assert out.read_bytes() == before
    assert list(tmp_path.iterdir()) == [out]
