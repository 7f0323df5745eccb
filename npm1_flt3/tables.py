"""The TSV tables the pipeline writes (cohort, variants, hotspots, summary, track, MRD).

One format for all: tab-separated, a header line, empty cells for missing values ('not
applicable', e.g. no NPM1 type for a wild-type sample), floats with a fixed number of decimals,
counts as integers even in a column with gaps. Tables are written a chunk of rows at a time, so
memory does not grow with the cohort, and renamed into place only when whole
(npm1_flt3/atomic.py).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from npm1_flt3.atomic import AtomicOutput

# Rows handed to pandas at a time (memory only: the bytes written do not depend on it).
WRITE_CHUNK_ROWS = 500
FLOAT_FORMAT = "%.4f"


def table_of(rows: list[dict], columns: list[str], integer_columns: Collection[str] = ()) -> pd.DataFrame:
    """Rows as the table they are written as: these columns, in this order, and counts as Int64
    (a missing value would otherwise turn 25 into "25.0")."""
    table = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column in integer_columns:
            table[column] = table[column].astype("Int64")
    return table


class TableWriter:
    """Writes one table a chunk of rows at a time beside its target; ``commit`` renames it into
    place, ``discard`` removes it. As a context manager it commits when the block succeeds and
    discards when it raises: never half a table under the real name.

    Each chunk goes through the same DataFrame and to_csv as a whole table would, so the bytes do
    not depend on the chunk size: integer columns are Int64 either way (a missing value would
    otherwise turn 25 into "25.0"), and a float column is written with float_format whether its
    chunk also holds missing values or not."""

    def __init__(self, out: Path, columns: list[str], integer_columns: Collection[str] = (),
                 float_format: str = FLOAT_FORMAT, chunk_rows: int = WRITE_CHUNK_ROWS):
        self.columns, self.float_format, self.chunk_rows = columns, float_format, chunk_rows
        self.integer_columns = frozenset(integer_columns)
        self._output = AtomicOutput(out)
        self._handle = open(self._output.tmp, "w", encoding="utf-8", newline="")
        self._rows: list[dict] = []
        self._header = True

    def add(self, rows: list[dict]) -> None:
        self._rows += rows
        if len(self._rows) >= self.chunk_rows:
            self._flush()

    def commit(self) -> None:
        try:
            self._flush()
            self._handle.close()
        except BaseException:
            self.discard()
            raise
        self._output.commit()

    def discard(self) -> None:
        self._handle.close()
        self._output.discard()

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            self.commit()
        else:
            self.discard()

    def _flush(self) -> None:
        if self._rows or self._header:  # an empty table is still its header line
            table = table_of(self._rows, self.columns, self.integer_columns)
            table.to_csv(self._handle, sep="\t", index=False, header=self._header, na_rep="",
                         float_format=self.float_format)
            self._rows, self._header = [], False
