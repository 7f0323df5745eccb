"""Command-line entry point: ``npm1-flt3 <command>`` (or ``python -m npm1_flt3 <command>``).

Each command lives in its own module, which provides ``configure_parser(parser)`` and
``run(args) -> int``. Errors meant for the user are raised as ``UserError`` (or one of the
ValueError subclasses below) and printed without a traceback, with exit code 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from npm1_flt3 import __version__

COMMANDS = {
    "validate-sheet": ("npm1_flt3.sheet", "check a sample sheet and list every problem"),
    "manifest": ("npm1_flt3.samples", "write the sample manifest and MultiQC's file list from a sheet"),
    "targets": ("npm1_flt3.hotspots", "write the hotspot BED for a reference"),
    "alignment-targets": ("npm1_flt3.alignment_input",
                          "check an input BAM/CRAM against the reference; write its target BED"),
    "rna-reference": ("npm1_flt3.rna_reference", "write the exon contigs that RNA reads are aligned to first"),
    "rna-merge": ("npm1_flt3.rna_alignment",
                  "per RNA read, the better of its exon-contig (projected onto GRCh38) and genome alignments"),
    "consensus": ("npm1_flt3.consensus", "one consensus read pair per UMI molecule, from aligned raw reads"),
    "call": ("npm1_flt3.caller", "call NPM1 / FLT3 variants in one sample's BAM"),
    "background": ("npm1_flt3.background", "build the batch's per-site error background from its site profiles"),
    "build-pon": ("npm1_flt3.panel_of_normals", "build a panel of normals (error background) from BAM/CRAM files"),
    "filter": ("npm1_flt3.filtering", "apply the error-background and cross-sample filters to one sample's calls"),
    "annotate": ("npm1_flt3.annotate", "add HGVS, exons and NPM1 types; write bgzipped VCF"),
    "cohort": ("npm1_flt3.cohort", "combine per-sample results into cohort tables"),
    "report": ("npm1_flt3.report", "write the NPM1/FLT3 section of the MultiQC report"),
    "track": ("npm1_flt3.track", "measure a patient's baseline alleles in one sample (MRD)"),
    "mrd": ("npm1_flt3.mrd", "MRD table and trajectory plots of every followed patient"),
    "combine-batches": ("npm1_flt3.batches", "combine the cohort tables of several finished runs"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; only ``command``'s module is imported (all of them when None), so a
    command starts fast and does not depend on the others' imports."""
    # No @FILE argument files: commands that need every sample's files read the sample manifest.
    parser = argparse.ArgumentParser(prog="npm1-flt3", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"npm1-flt3 {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(_module=module_name)
        if command in (None, name):
            importlib.import_module(module_name).configure_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(command if command in COMMANDS else None).parse_args(argv)
    module = importlib.import_module(args._module)
    try:
        return module.run(args)
    except (ValueError, OSError) as error:
        # ValueError subclasses (SheetError, ReferenceError, AnnotationError, ...) carry messages
        # written for the user; a traceback would only hide them.
        print(f"npm1-flt3 {args.command}: error: {error}", file=sys.stderr)
        return 1
