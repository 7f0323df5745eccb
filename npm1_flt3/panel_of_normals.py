"""``npm1-flt3 build-pon``: a panel of normals for the error background from any set of BAMs/CRAMs.

Each alignment is read as the caller reads a sample (same read filters and allele counting), its
site profile taken, and the profiles summed into a background model (npm1_flt3/background.py)
with the same robust control as a batch: an alignment that carries an allele (VAF >= 0.1, or far
above the others) does not count towards that allele's noise, so a panel may include samples
with NPM1 or FLT3 mutations. Mutect2's panel of normals is built the same way in spirit: artefact
sites collected from normals run through the caller (GATK CreateSomaticPanelOfNormals).

Use: ``npm1-flt3 build-pon --reference GRCh38.fa --out pon.tsv.gz normal1.bam normal2.bam ...``,
then ``background: {panel_of_normals: pon.tsv.gz}`` in the workflow config. The panel must be
built with the same assay and, ideally, the same library kit and sequencer as the batches.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from npm1_flt3.background import SiteProfile, build_model, write_model
from npm1_flt3.caller import CallerSettings, call_sample
from npm1_flt3.packaged import EXONS_TSV
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("alignments", nargs="+", type=Path, help="indexed BAM or CRAM files")
    parser.add_argument("--reference", required=True, help="the FASTA the alignments are aligned to")
    parser.add_argument("--annotation", help="exons.tsv (default: the one shipped in the package)")
    parser.add_argument("--keep-duplicates", action="store_true", help="count duplicate-flagged reads (amplicons)")
    parser.add_argument("--min-mapq", type=int, default=CallerSettings().min_mapq)
    parser.add_argument("--out", required=True, type=Path, help="panel of normals to write (.tsv.gz)")


def run(args: argparse.Namespace) -> int:
    names = [path.name for path in args.alignments]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"the same file name given twice ({', '.join(duplicates)}): give each alignment once")
    genome = GenomeReference(args.reference)
    transcripts = load_transcripts(args.annotation or EXONS_TSV)
    settings = CallerSettings(min_mapq=args.min_mapq)
    profiles = []
    for number, path in enumerate(args.alignments, start=1):
        if not path.is_file():
            raise ValueError(f"{path}: not found")
        profile = SiteProfile()
        call_sample(path, genome, transcripts, settings, not args.keep_duplicates, profile)
        # Each alignment is its own patient: none is a contamination source of another.
        profiles.append((str(path), str(path), profile))
        print(f"build-pon: {number}/{len(args.alignments)} {path}", file=sys.stderr)
    write_model(build_model(profiles, "pon", genome.fetch), args.out)
    print(f"build-pon: wrote {args.out} from {len(profiles)} alignments", file=sys.stderr)
    return 0
