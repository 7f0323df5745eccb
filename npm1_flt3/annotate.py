"""Annotation step: unannotated VCF in, bgzipped and indexed annotated VCF out.

Adds HGVS c./p. on the MANE transcripts, current and legacy exon (or intron), the consequence
and, for NPM1, the named mutation type.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pysam

from npm1_flt3.hgvs import annotate_variant
from npm1_flt3.npm1_types import npm1_type
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant

ANNOTATION_HEADER = [
    '##INFO=<ID=HGVSC,Number=1,Type=String,Description="HGVS c. on the MANE Select transcript (NM_002520.7 or NM_004119.3), 3\' shifted">',
    '##INFO=<ID=HGVSP,Number=1,Type=String,Description="Predicted HGVS p. (three-letter amino acids)">',
    '##INFO=<ID=EXON,Number=1,Type=Integer,Description="Exon number on the MANE transcript">',
    '##INFO=<ID=EXON_LEGACY,Number=1,Type=Integer,Description="Legacy exon number used in the AML literature (NPM1 exon 12 = MANE exon 11)">',
    '##INFO=<ID=INTRON,Number=1,Type=Integer,Description="Intron number on the MANE transcript, if intronic">',
    '##INFO=<ID=CONSEQUENCE,Number=1,Type=String,Description="Predicted consequence (frameshift, inframe_duplication, missense, ...)">',
    '##INFO=<ID=NPM1_TYPE,Number=1,Type=String,Description="Named NPM1 mutation type (A, B, D) or other">',
]


def annotate_vcf(vcf_in: Path, vcf_out: Path, genome: GenomeReference, transcripts) -> None:
    tmp = vcf_out.with_name(vcf_out.name + ".tmp.vcf.gz")
    with pysam.VariantFile(str(vcf_in)) as source:
        header = source.header.copy()
        for line in ANNOTATION_HEADER:
            header.add_line(line)
        with pysam.VariantFile(str(tmp), "wz", header=header) as sink:
            for record in source:
                annotated = sink.new_record()
                _copy_record(record, annotated)
                _add_annotation(annotated, genome, transcripts)
                sink.write(annotated)
    pysam.tabix_index(str(tmp), preset="vcf", force=True)
    # Rename the index first: a VCF without its index is visibly incomplete, the reverse is not.
    Path(str(tmp) + ".tbi").replace(str(vcf_out) + ".tbi")
    tmp.replace(vcf_out)


def _copy_record(source, target) -> None:
    target.chrom, target.pos, target.id = source.chrom, source.pos, source.id
    target.alleles = source.alleles
    for name in source.filter:
        target.filter.add(name)
    for key, value in source.info.items():
        target.info[key] = value
    for sample in source.samples:
        for key, value in source.samples[sample].items():
            target.samples[sample][key] = value


def _add_annotation(record, genome: GenomeReference, transcripts) -> None:
    gene = record.info["GENE"]
    variant = Variant(record.chrom, record.pos, record.ref, record.alts[0])
    annotation = annotate_variant(transcripts[gene], genome, variant)
    record.info["HGVSC"] = annotation.hgvs_c
    if annotation.hgvs_p:
        record.info["HGVSP"] = annotation.hgvs_p
    if annotation.exon is not None:
        record.info["EXON"] = annotation.exon
    if annotation.exon_legacy is not None:
        record.info["EXON_LEGACY"] = annotation.exon_legacy
    if annotation.intron is not None:
        record.info["INTRON"] = annotation.intron
    record.info["CONSEQUENCE"] = annotation.consequence
    if gene == "NPM1":
        record.info["NPM1_TYPE"] = npm1_type(annotation.hgvs_c)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vcf", required=True, type=Path, help="unannotated VCF from 'call'")
    parser.add_argument("--reference", required=True)
    parser.add_argument("--annotation", required=True, help="exons.tsv of the MANE transcripts")
    parser.add_argument("--out", required=True, type=Path, help="annotated .vcf.gz (a .tbi is written beside it)")


def run(args: argparse.Namespace) -> int:
    annotate_vcf(args.vcf, args.out, GenomeReference(args.reference), load_transcripts(args.annotation))
    return 0
