"""Our per-sample VCF, defined once: the header line of every field it carries, the record the
caller writes, and one call as the readers see it.

* The caller (npm1_flt3/caller.py) declares CALLER_HEADER and writes ``unannotated_line`` records.
* Annotation (npm1_flt3/annotate.py) declares ANNOTATION_HEADER, and SYMBOLIC_HEADER when it writes
  long ITDs as symbolic alleles.
* The cohort tables (npm1_flt3/cohort.py) and MRD tracking (npm1_flt3/track.py) read CallRecords
  (``read_calls``), whichever form an ITD was written in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HeaderField:
    section: str  # INFO, FORMAT, FILTER or ALT
    id: str
    description: str
    number: str = ""  # INFO and FORMAT only
    type: str = ""

    @property
    def line(self) -> str:
        shape = f",Number={self.number},Type={self.type}" if self.number else ""
        return f'##{self.section}=<ID={self.id}{shape},Description="{self.description}">'


def _info(id: str, number: str, type: str, description: str) -> HeaderField:
    return HeaderField("INFO", id, description, number, type)


def _format(id: str, number: str, type: str, description: str) -> HeaderField:
    return HeaderField("FORMAT", id, description, number, type)


# --- the caller's fields ----------------------------------------------------------------------

CALLER_INFO = (
    _info("GENE", "1", "String", "Gene symbol (NPM1 or FLT3)"),
    _info("VARTYPE", "1", "String", "INS, DEL, DELINS, SNV or ITD. ITD: an insertion in FLT3 exons 14-15 "
          "templated from the neighbouring sequence, in frame (3, 6, 9, ... bases) or of 6 or more bases; "
          "any other insertion of 3 or more bases there is INS"),
    _info("VARLEN", "1", "Integer", "Inserted or deleted length; for an ITD the whole inserted length, "
          "non-templated bases included; for a DELINS the longer of REF and ALT"),
    _info("ITD_AR", "1", "Float", "FLT3-ITD allelic ratio of this clone: VAF / (1 - sum of passing ITD VAFs)"),
    _info("ITD_AR_CI", "2", "Float", "95% interval of ITD_AR, from the Wilson interval of this clone's VAF "
          "with the other clones held at their estimates; . = unbounded"),
    _info("REPEAT", "1", "String", "Insertions and deletions of whole repeat units: the reference run they "
          "change, as copies x unit (6xA = a run of six A)"),
)
CALLER_FILTERS = (
    HeaderField("FILTER", "LowAltReads", "Fewer alt reads than min_alt_reads"),
    HeaderField("FILTER", "LowVAF", "VAF below min_vaf (min_vaf_tkd for TKD)"),
    HeaderField("FILTER", "Unanchored", "Under half as many reads cross the site with anchor bases on both "
                "sides as carry the allele (end of reads or amplicon)"),
    HeaderField("FILTER", "StrandBias", "SNV: at least 85% of the alt reads on one strand while both strands cover "
                "the site (each >= 20% of its reads); Fisher exact p < 0.001"),
    HeaderField("FILTER", "ReadEnd", "SNV: median alt base under 5 bases from a read end, reference bases not"),
    HeaderField("FILTER", "LowMapQ", "Median mapping quality of the alt reads under 30"),
    HeaderField("FILTER", "RepeatSlippage", "Indel of whole repeat units in a reference run (INFO REPEAT) below "
                "the VAF slippage reaches there: 0.2% at 4 copies of one base or 3 of a 2-6 base unit, "
                "doubling per further copy, at most 20%"),
)
# Added by npm1-flt3 filter (npm1_flt3/filtering.py), from the batch's error background.
BACKGROUND_HEADER = (
    HeaderField("FILTER", "ErrorBackground", "Not above the per-site, per-strand error background "
                "(beta-binomial per strand, Fisher-combined p > alpha; INFO BG_*)"),
    HeaderField("FILTER", "CrossSample", "Below 1% here and at most 1% of its VAF in another patient's sample "
                "of the batch (INFO CONTAM_SOURCE): possible index hopping or contamination"),
    _info("BG_P", "1", "Float", "Error-background test: Fisher-combined one-sided p of the two strands"),
    _info("BG_SOURCE", "1", "String", "Control of the error background: batch, pon, batch+pon or default "
          "(the shipped model, when fewer than min_samples control samples cover the site)"),
    _info("BG_RATE", "2", "Float", "Background error rate per read: forward, reverse strand"),
    _info("BG_SAMPLES", "1", "Integer", "Control samples behind BG_RATE (0 = default model)"),
    _info("CONTAM_SOURCE", "1", "String", "Sample of the batch this allele could have hopped from"),
)
CALLER_FORMAT = (
    _format("GT", "1", "String", "Genotype (0/1 for every somatic call)"),
    _format("AD", "R", "Integer", "Reads supporting reference and alt allele (for FLT3-ITDs, fragments: "
            "see README, How counts are made)"),
    _format("DP", "1", "Integer", "Informative depth (see the caller documentation)"),
    _format("AF", "A", "Float", "Alt allele fraction, AD alt / DP"),
    _format("AFCI", "2", "Float", "95% Wilson score interval of AF (lower, upper)"),
    _format("SB", "4", "Integer", "Reads by strand: reference forward, reference reverse, alt forward, alt "
            "reverse (alt = reads carrying the allele; reference = the other reads aligned over POS)"),
)
CALLER_HEADER = (*CALLER_INFO, *CALLER_FILTERS, *CALLER_FORMAT)

# --- annotation ---------------------------------------------------------------------------------

ANNOTATION_HEADER = (
    _info("HGVSC", "1", "String", "HGVS c. on the MANE Select transcript (NM_002520.7 or NM_004119.3), 3' shifted"),
    _info("HGVSP", "1", "String", "Predicted HGVS p. (three-letter amino acids)"),
    _info("EXON", "1", "Integer", "Exon number on the MANE transcript"),
    _info("EXON_LEGACY", "1", "Integer", "Legacy exon number used in the AML literature "
          "(NPM1 exon 12 = MANE exon 11)"),
    _info("INTRON", "1", "Integer", "Intron number on the MANE transcript, if intronic"),
    _info("CONSEQUENCE", "1", "String", "Predicted consequence (frameshift, inframe_duplication, missense, ...)"),
    _info("NPM1_TYPE", "1", "String", "NPM1-mutated class only: named NPM1 mutation type (A, B, D, ...) or other"),
    _info("FLT3_DOMAIN", "1", "String", "FLT3 protein domain of the changed residues (from HGVSP, else the c. "
          "codons): JMD (aa 572-609), TKD1 (aa 610-648), TKD2 (activation loop, aa 829-858), other, or several "
          "joined N- to C-terminal (JMD-TKD1); see npm1_flt3/domains.py"),
    _info("FLT3_INSERTION_DOMAIN", "1", "String", "FLT3 insertions (ITDs): domain of the insertion site, the "
          "residue of the first wild-type coding base after the inserted bases (JMD, TKD1, ...; Kayser et al. "
          "Blood 2009); see npm1_flt3/domains.py"),
    _info("CLASS", "1", "String", "Clinical class: NPM1-mutated (legacy exon-12 frameshift losing W288/W290: "
          "ELN mutated NPM1), NPM1-other, FLT3-ITD, FLT3-TKD (protein-changing in-frame change at D835/I836), "
          "FLT3-other; see npm1_flt3/classify.py"),
)

# Declared only when annotation writes symbolic ITDs. END, SVTYPE and SVLEN are the VCF 4.2 reserved
# definitions (VCFv4.2.tex, "INFO keys used for structural variants"); DUP:TANDEM and INS are
# among its reserved symbolic ALT IDs. INSSEQ is ours: REF + INSSEQ is the explicit ALT.
SYMBOLIC_HEADER = (
    HeaderField("ALT", "DUP:TANDEM", "Tandem duplication"),
    HeaderField("ALT", "INS", "Insertion of novel sequence"),
    _info("SVTYPE", "1", "String", "Type of structural variant"),
    _info("END", "1", "Integer", "End position of the variant described in this record"),
    _info("SVLEN", ".", "Integer", "Difference in length between REF and ALT alleles"),
    _info("INSSEQ", "1", "String", "Inserted bases of a symbolic ITD record (+ strand, following REF): "
          "REF + INSSEQ is the explicit ALT"),
)

ALL_FIELDS = (*CALLER_HEADER, *BACKGROUND_HEADER, *ANNOTATION_HEADER, *SYMBOLIC_HEADER)


def header_lines(fields: tuple[HeaderField, ...]) -> list[str]:
    return [field.line for field in fields]


def copy_record(source, target) -> None:
    """Copy one pysam VariantRecord into a new record of another header (one with more fields)."""
    target.chrom, target.pos, target.id = source.chrom, source.pos, source.id
    target.alleles = source.alleles
    for name in source.filter:
        target.filter.add(name)
    for key, value in source.info.items():
        target.info[key] = value
    for sample in source.samples:
        for key, value in source.samples[sample].items():
            target.samples[sample][key] = value


# --- one call -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallRecord:
    """One call of one sample's VCF. ``alt`` is always the explicit allele (a symbolic ITD record
    is REF + INSSEQ at POS); numbers are as written (four decimals); the annotation fields are
    None in an unannotated VCF, as are the ITD ratio fields for anything but a passing ITD."""

    chrom: str
    pos: int
    ref: str
    alt: str
    filter: str  # PASS, or the failed filters joined by ';'
    gene: str
    vartype: str  # INS | DEL | DELINS | SNV | ITD
    varlen: int
    ref_reads: int
    alt_reads: int
    depth: int
    vaf: float
    vaf_ci: tuple[float, float]
    itd_ar: float | None = None
    itd_ar_ci: tuple[float | None, float | None] | None = None  # None bound: unbounded
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    exon: int | None = None
    exon_legacy: int | None = None
    intron: int | None = None
    consequence: str | None = None
    npm1_type: str | None = None
    flt3_domain: str | None = None
    insertion_site_domain: str | None = None
    clinical_class: str | None = None  # INFO CLASS as annotated (absent in VCFs older than it)
    strand_counts: tuple[int, int, int, int] | None = None  # FORMAT SB
    repeat: str | None = None
    background_p: float | None = None
    background_source: str | None = None
    contamination_source: str | None = None

    @property
    def passed(self) -> bool:
        return self.filter == "PASS"


def read_calls(vcf_path: Path) -> Iterator[CallRecord]:
    """The calls of one sample's VCF (plain or bgzipped), in file order."""
    with _opened(vcf_path) as vcf:
        for record in vcf:
            yield call_from_record(record)


def read_sample_calls(vcf_path: Path) -> tuple[str, list[CallRecord]]:
    """The sample a VCF is of and its calls, in one pass."""
    with _opened(vcf_path) as vcf:
        return vcf.samples[0], [call_from_record(record) for record in vcf]


@contextmanager
def _opened(vcf_path: Path) -> Iterator:
    # Imported here: the caller writes through this module and should not load the reader's
    # library (cyvcf2 costs ~6 MB and an import per sample; benchmarks/speed.py).
    from cyvcf2 import VCF

    vcf = VCF(str(vcf_path))
    try:
        yield vcf
    finally:
        vcf.close()


def call_from_record(record) -> CallRecord:
    """A CallRecord from a cyvcf2 record."""
    info = record.INFO
    ref_reads, alt_reads = (int(reads) for reads in record.format("AD")[0])
    vaf_low, vaf_high = (_as_written(bound) for bound in record.format("AFCI")[0])
    return CallRecord(
        chrom=record.CHROM, pos=record.POS, ref=record.REF, alt=explicit_alt(record),
        filter=record.FILTER or "PASS",
        gene=info.get("GENE"), vartype=info.get("VARTYPE"), varlen=info.get("VARLEN"),
        ref_reads=ref_reads, alt_reads=alt_reads, depth=int(record.format("DP")[0][0]),
        vaf=_as_written(record.format("AF")[0][0]), vaf_ci=(vaf_low, vaf_high),
        itd_ar=_as_written(info.get("ITD_AR")), itd_ar_ci=_interval(info.get("ITD_AR_CI")),
        hgvs_c=info.get("HGVSC"), hgvs_p=info.get("HGVSP"),
        exon=info.get("EXON"), exon_legacy=info.get("EXON_LEGACY"), intron=info.get("INTRON"),
        consequence=info.get("CONSEQUENCE"), npm1_type=info.get("NPM1_TYPE"),
        flt3_domain=info.get("FLT3_DOMAIN"), insertion_site_domain=info.get("FLT3_INSERTION_DOMAIN"),
        clinical_class=info.get("CLASS"),
        strand_counts=_strand_counts(record), repeat=info.get("REPEAT"),
        background_p=_as_float(info.get("BG_P")), background_source=info.get("BG_SOURCE"),
        contamination_source=info.get("CONTAM_SOURCE"),
    )


def _strand_counts(record) -> tuple[int, int, int, int] | None:
    if "SB" not in record.FORMAT:
        return None
    values = record.format("SB")[0]
    return tuple(int(v) for v in values) if min(values) >= 0 else None


def _as_float(value) -> float | None:
    return None if value is None or value != value else float(value)


def explicit_alt(record) -> str:
    """The ALT allele as bases, also for a long ITD written as <DUP:TANDEM> / <INS> (INSSEQ)."""
    alt = record.ALT[0]
    return record.REF + record.INFO["INSSEQ"] if alt.startswith("<") else alt


def _as_written(value) -> float | None:
    # cyvcf2 reads floats as float32 (0.4217 -> 0.42170000076...); the VCF holds four decimals.
    # '.' reads as missing or NaN (NaN != NaN).
    return None if value is None or value != value else round(float(value), 4)


def _interval(value) -> tuple[float | None, float | None] | None:
    return tuple(_as_written(bound) for bound in value) if isinstance(value, tuple) else None


# --- the caller's record ------------------------------------------------------------------------

FORMAT_KEYS = ":".join(field.id for field in CALLER_FORMAT)


def unannotated_line(call: CallRecord) -> str:
    """The record line the caller writes: its INFO fields and the sample's FORMAT values (the
    annotation fields are added by npm1_flt3/annotate.py, which writes through pysam)."""
    info = f"GENE={call.gene};VARTYPE={call.vartype};VARLEN={call.varlen}"
    if call.itd_ar is not None:
        info += f";ITD_AR={call.itd_ar:.4f}"
    if call.itd_ar_ci is not None:
        info += ";ITD_AR_CI=" + ",".join("." if bound is None else f"{bound:.4f}" for bound in call.itd_ar_ci)
    if call.repeat is not None:
        info += f";REPEAT={call.repeat}"
    low, high = call.vaf_ci
    strands = ",".join(map(str, call.strand_counts)) if call.strand_counts else ".,.,.,."
    sample = f"0/1:{call.ref_reads},{call.alt_reads}:{call.depth}:{call.vaf:.4f}:{low:.4f},{high:.4f}:{strands}"
    return "\t".join([call.chrom, str(call.pos), ".", call.ref, call.alt, ".", call.filter, info,
                      FORMAT_KEYS, sample])
