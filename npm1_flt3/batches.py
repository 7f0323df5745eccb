"""Combine the cohort tables of several batches (``npm1-flt3 combine-batches``).

Each batch is a working folder of its own workflow run. Its finished tables are read as they are:
nothing is re-called, so combining a hundred batches takes seconds. A sample name found in two
batches stops the command (the same sample twice would be counted twice in any summary); the
message names both batches.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from npm1_flt3.atomic import open_atomically

TABLES = ("cohort.tsv", "variants.tsv")


class BatchError(ValueError):
    """A batch cannot be combined."""


def read_table(path: Path) -> tuple[list[str], list[dict]]:
    if not path.is_file():
        raise BatchError(f"{path} not found: is {path.parents[2]} a finished workflow run? Run the "
                         "workflow there first (the cohort tables are its last step)")
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return list(reader.fieldnames or []), list(reader)


def combine(batches: list[Path], table: str) -> tuple[list[str], list[dict]]:
    header: list[str] | None = None
    rows: list[dict] = []
    owner: dict[str, Path] = {}
    for batch in batches:
        columns, batch_rows = read_table(batch / "results" / "cohort" / table)
        if header is None:
            header = columns
        elif columns != header:
            raise BatchError(f"{batch}: its {table} has other columns than {batches[0]}'s (made by "
                             "another version?); re-run its cohort step with this version")
        for row in batch_rows:
            first = owner.setdefault(row["sample"], batch)
            if first != batch and table == "cohort.tsv":
                raise BatchError(f"sample {row['sample']!r} is in both {first} and {batch}; rename it "
                                 "in one batch's sheet or leave one batch out")
        rows += [{"batch": str(batch), **row} for row in batch_rows]
    return ["batch", *(header or [])], rows


def write_table(out: Path, header: list[str], rows: list[dict]) -> None:
    # The rows are the batches' own cells, written back as read (not re-formatted by pandas as
    # npm1_flt3/tables.py would); an interrupted run never leaves a partial table.
    with open_atomically(out, newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batches", nargs="+", type=Path, help="working folders of finished runs")
    parser.add_argument("--outdir", type=Path, required=True,
                        help="where the combined cohort.tsv and variants.tsv go")


def run(args: argparse.Namespace) -> int:
    combined = [(table, *combine(args.batches, table)) for table in TABLES]  # check all, then write
    for table, header, rows in combined:
        write_table(args.outdir / table, header, rows)
    print(f"combined {len(args.batches)} batches into {args.outdir}")
    return 0
