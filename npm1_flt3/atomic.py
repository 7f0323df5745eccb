"""Final outputs appear whole or not at all.

Each output is written beside its target (``<name>.tmp``) and renamed into place only once it is
complete; a failed or interrupted write removes the temporary file and leaves the target as it was.
A rename within one folder is atomic, so neither Snakemake nor a user ever sees half a VCF, table
or plot under the real name, and a failed rewrite does not destroy the previous result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class AtomicOutput:
    """One output file in the making: write to ``tmp``; ``commit`` renames it to ``out``,
    ``discard`` removes it. As a context manager it gives ``tmp`` and commits when the block
    succeeds, discards when it raises."""

    def __init__(self, out: Path, suffix: str = ".tmp"):
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        # Some writers infer the format from the name (pysam: .vcf.gz), hence the suffix.
        self.tmp = self.out.with_name(self.out.name + suffix)

    def commit(self) -> None:
        try:
            self.tmp.replace(self.out)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> Path:
        return self.tmp

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            self.commit()
        else:
            self.discard()


@contextmanager
def open_atomically(out: Path, mode: str = "w", **open_args) -> Iterator[IO]:
    """A handle to write ``out`` through: it appears under its name when the block succeeds."""
    with AtomicOutput(out) as tmp, open(tmp, mode, **open_args) as handle:
        yield handle


def write_text_atomically(out: Path, text: str) -> None:
    with AtomicOutput(out) as tmp:
        tmp.write_text(text)
