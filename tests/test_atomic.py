"""Final outputs appear whole or not at all: a failed write leaves no trace, and no damage."""

from __future__ import annotations

import pytest

from npm1_flt3.atomic import AtomicOutput, open_atomically, write_text_atomically


class WriteFailed(Exception):
    pass


def test_a_written_output_appears_under_its_name_only(tmp_path):
    out = tmp_path / "results" / "S1.vcf"  # the folder is made too
    write_text_atomically(out, "whole\n")
    assert out.read_text() == "whole\n"
    assert [path.name for path in out.parent.iterdir()] == ["S1.vcf"]


def test_while_being_written_the_output_is_only_a_temporary_file_beside_it(tmp_path):
    out = tmp_path / "S1.vcf"
    with AtomicOutput(out) as tmp:
        tmp.write_text("half")
        assert tmp.parent == out.parent and not out.exists()
    assert out.read_text() == "half"


def test_a_failing_writer_leaves_neither_the_target_nor_the_temporary_file(tmp_path):
    with pytest.raises(WriteFailed):
        with open_atomically(tmp_path / "cohort.tsv") as handle:
            handle.write("sample\tgene\n")
            raise WriteFailed
    assert list(tmp_path.iterdir()) == []


def test_an_existing_target_survives_a_failed_rewrite_untouched(tmp_path):
    out = tmp_path / "cohort.tsv"
    out.write_bytes(b"previous run\n")
    with pytest.raises(WriteFailed):
        with AtomicOutput(out) as tmp:
            tmp.write_text("new, unfinished")
            raise WriteFailed
    assert out.read_bytes() == b"previous run\n"
    assert list(tmp_path.iterdir()) == [out]


def test_an_interrupt_also_removes_the_temporary_file(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with AtomicOutput(tmp_path / "S1.vcf.gz", suffix=".tmp.vcf.gz") as tmp:
            tmp.write_bytes(b"\x1f\x8b")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
