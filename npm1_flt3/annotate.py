"""Annotation step: unannotated VCF in, bgzipped and indexed annotated VCF out.

Adds HGVS c./p. on the MANE transcripts, current and legacy exon (or intron), the consequence,
for NPM1 the named mutation type and for FLT3 the protein domain (npm1_flt3.domains).

Long ITDs as symbolic alleles (``--symbolic-min-length N``, default 0 = never): after the record
has been annotated from its explicit allele, an ITD (INFO VARTYPE=ITD) inserting N or more bases is
rewritten following VCF 4.2 (samtools/hts-specs VCFv4.2.tex, "Fixed fields" REF/POS, "INFO keys
used for structural variants", and the SV example
``4 18665128 . T <DUP:TANDEM> ... SVTYPE=DUP;END=18665204;SVLEN=76``):

* a pure tandem duplication (the inserted bases are exactly the reference bases next to the
  insertion point) becomes REF = the padding base, the base before the duplicated segment, whose
  coordinate is POS ("If any of the ALT alleles is a symbolic allele ... the padding base is
  required and POS denotes the coordinate of the base preceding the polymorphism"); ALT
  ``<DUP:TANDEM>``; SVTYPE=DUP; END = the last duplicated base; SVLEN = the duplicated length,
  positive since the ALT haplotype is longer ("Longer ALT alleles (e.g. insertions) have positive
  values"), so END - POS = SVLEN as in the spec's example;
* an ITD that is not a pure duplication (non-templated bases, or a copy that is not adjacent)
  becomes ALT ``<INS>`` with SVTYPE=INS, END = POS ("For precise variants, END is POS + length of
  REF allele - 1") and SVLEN = the inserted length, as in the spec's ``<INS:ME:L1>`` example;
* either way INFO INSSEQ keeps the inserted bases (+ strand, as they followed REF in the explicit
  ALT), so REF + INSSEQ is the explicit ALT again and nothing is lost.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pysam

from npm1_flt3.atomic import AtomicOutput
from npm1_flt3.calls_vcf import ANNOTATION_HEADER, SYMBOLIC_HEADER, copy_record, header_lines
from npm1_flt3.classify import NPM1_MUTATED, clinical_class
from npm1_flt3.domains import flt3_domain, flt3_insertion_site_domain
from npm1_flt3.hgvs import annotate_variant
from npm1_flt3.npm1_types import npm1_type
from npm1_flt3.reference import GenomeReference, ReferenceError
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant

def annotate_vcf(
    vcf_in: Path, vcf_out: Path, genome: GenomeReference, transcripts, symbolic_min_length: int = 0
) -> None:
    """Annotate every record; ITDs inserting >= symbolic_min_length bases become symbolic
    (0 = never)."""
    # The index is renamed into place first (the inner block ends first): a VCF without its index
    # is visibly incomplete, the reverse is not.
    with AtomicOutput(vcf_out, suffix=".tmp.vcf.gz") as tmp:
        _write_annotated(vcf_in, tmp, genome, transcripts, symbolic_min_length)
        with AtomicOutput(Path(str(vcf_out) + ".tbi")) as tmp_index:
            pysam.tabix_index(str(tmp), preset="vcf", force=True, index=str(tmp_index))


def _write_annotated(vcf_in: Path, out: Path, genome: GenomeReference, transcripts,
                     symbolic_min_length: int) -> None:
    with pysam.VariantFile(str(vcf_in)) as source:
        header = source.header.copy()
        symbolic = SYMBOLIC_HEADER if symbolic_min_length > 0 else ()
        for line in header_lines(ANNOTATION_HEADER + symbolic):
            header.add_line(line)
        with pysam.VariantFile(str(out), "wz", header=header) as sink:
            records = []
            for record in source:
                annotated = sink.new_record()
                copy_record(record, annotated)
                # HGVS and domain come from the explicit allele, before any symbolic rewrite.
                _add_annotation(annotated, genome, transcripts)
                if symbolic_min_length > 0:
                    _to_symbolic(annotated, genome, symbolic_min_length)
                records.append(annotated)
            # A rewritten duplication may start before its explicit form: keep POS order.
            contigs = list(header.contigs)
            for annotated in sorted(records, key=lambda r: (contigs.index(r.chrom), r.pos)):
                sink.write(annotated)


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
    domain = flt3_domain(annotation)
    if domain is not None:
        record.info["FLT3_DOMAIN"] = domain
    vartype = record.info.get("VARTYPE", "")
    insertion_domain = flt3_insertion_site_domain(annotation) if vartype in ("ITD", "INS") else None
    if insertion_domain is not None:
        record.info["FLT3_INSERTION_DOMAIN"] = insertion_domain
    record.info["CLASS"] = clinical_class(gene, vartype, annotation.consequence, annotation.exon_legacy,
                                          annotation.hgvs_p)
    # A type (A, B, D, ..., other) names an NPM1 mutation in the ELN sense only: an exon-5
    # frameshift is not an "other" NPM1 mutation type.
    if record.info["CLASS"] == NPM1_MUTATED:
        record.info["NPM1_TYPE"] = npm1_type(annotation.hgvs_c)


def symbolic_form(variant: Variant, genome: GenomeReference) -> dict:
    """VCF 4.2 symbolic form of an insertion: pos, ref (padding base), alt, svtype, end, svlen.

    A pure tandem duplication is <DUP:TANDEM> over the duplicated bases; anything else is <INS>
    at the insertion point (see the module docstring for the spec text)."""
    inserted = variant.alt[1:]
    size = len(inserted)
    after = variant.pos  # the insertion follows this base
    fetch = genome.fetch
    # The copy precedes the original (the form left-normalisation gives): after+1 .. after+size.
    if _reference(fetch, variant.chrom, after + 1, after + size) == inserted.upper():
        first, last = after + 1, after + size
    # The copy follows the original: after-size+1 .. after.
    elif after - size >= 1 and _reference(fetch, variant.chrom, after - size + 1, after) == inserted.upper():
        first, last = after - size + 1, after
    else:
        return {"pos": after, "ref": variant.ref, "alt": "<INS>", "svtype": "INS",
                "end": after, "svlen": size}
    return {"pos": first - 1, "ref": fetch(variant.chrom, first - 1, first - 1), "alt": "<DUP:TANDEM>",
            "svtype": "DUP", "end": last, "svlen": size}


def _reference(fetch, chrom: str, first: int, last: int) -> str | None:
    try:
        return fetch(chrom, first, last).upper()
    except ReferenceError:  # beyond the FASTA record: cannot be a duplication of it
        return None


def _to_symbolic(record, genome: GenomeReference, min_length: int) -> None:
    """Rewrite an explicit ITD insertion of >= min_length bases as a symbolic allele, in place."""
    if record.info.get("VARTYPE") != "ITD" or len(record.alts or ()) != 1:
        return
    variant = Variant(record.chrom, record.pos, record.ref, record.alts[0])
    if variant.kind != "INS" or len(variant.inserted) < min_length:
        return
    form = symbolic_form(variant, genome)
    record.pos = form["pos"]
    record.alleles = (form["ref"], form["alt"])
    record.info["SVTYPE"] = form["svtype"]
    record.info["SVLEN"] = form["svlen"]
    record.info["INSSEQ"] = variant.inserted
    record.stop = form["end"]  # pysam keeps INFO END and the record length in step


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vcf", required=True, type=Path, help="unannotated VCF from 'call'")
    parser.add_argument("--reference", required=True)
    parser.add_argument("--annotation", required=True, help="exons.tsv of the MANE transcripts")
    parser.add_argument("--out", required=True, type=Path, help="annotated .vcf.gz (a .tbi is written beside it)")
    parser.add_argument("--symbolic-min-length", type=int, default=0, metavar="N",
                        help="write ITDs inserting N or more bases as symbolic <DUP:TANDEM> (or <INS> "
                             "if not a pure duplication) with END, SVLEN and INSSEQ; 0 = never (default)")


def run(args: argparse.Namespace) -> int:
    if args.symbolic_min_length < 0:
        raise SystemExit("--symbolic-min-length must be 0 (never) or a positive length")
    annotate_vcf(args.vcf, args.out, GenomeReference(args.reference), load_transcripts(args.annotation),
                 symbolic_min_length=args.symbolic_min_length)
    return 0
