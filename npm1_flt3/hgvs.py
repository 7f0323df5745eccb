"""HGVS c. and p. names for variants on the MANE transcripts of NPM1 and FLT3.

Input is a VCF-shaped, left-normalised GRCh38 ``Variant``; output is a ``VariantAnnotation`` with
the coding DNA name (NM_...:c.), the predicted protein consequence (p.(...), three-letter code),
current and legacy exon numbers and a one-word consequence.

How it works, and the HGVS decisions taken:

* All work is done in *transcript orientation*: a coordinate ``t`` that grows 5'->3' along the
  transcript (``t = pos`` on a + strand gene, ``t = -pos`` on a - strand gene), over the genomic
  (pre-mRNA) sequence. Sequences are read in that orientation, so the HGVS 3' rule is simply
  "shift to higher t", whatever the strand.
* Insertions and deletions are named at their 3'-most placement over the genomic (pre-mRNA)
  sequence: the HGVS 3' rule, which "applies to ALL descriptions" (HGVS recommendations,
  hgvs-nomenclature.org, recommendations/general). Its one exception, for c. references, is the
  exon/exon junction: a change is not shifted out of one exon into the next. The Numbering page
  (background/numbering, coding DNA reference sequences) says this exception "does not apply to a
  deletion/duplication around exon/intron and intron/exon junctions", and the Duplication page
  gives c.1704+1dup (not c.1704dup) and c.1813dup (not c.1813-1dup) as its examples, with
  c.260_264+48dup for a copy that crosses the border. So shifting does cross exon/intron borders
  here: duplicating the last 30 bases of FLT3 exon 14 is c.1809_1837+1dup, since c.1808 and
  c.1837+1 are both G. VEP names such changes the same way (c.949+1dup in ensembl-vep issue
  #1155). Shifting runs over the genome, so it can only reach the next exon by going through the
  whole intron, and the exon/exon exception holds without special handling. Shifting also stops
  where the reference FASTA ends. An insertion is a duplication when, after shifting, it equals
  the sequence right 5' of it. A change that can be written as a duplication must be
  (Duplication page). Substitutions and delins are not shifted. Two or more adjacent substituted
  bases are one delins (c.864_865delinsAT).
* Positions upstream of the transcript start / downstream of its end continue the c.-N / c.*N
  numbering and are reported with consequence ``utr5`` / ``utr3`` (the consequence vocabulary has
  no upstream/downstream term).
* Intronic positions are c.N+k from the preceding exon or c.N-k from the following one, whichever
  is nearer; the middle base of an odd-length intron gets the "+" form.
* Which protein effect, if any: the named placement is one of several equivalent ones, and the
  protein is predicted from the 3'-most placement that keeps the change inside one exon, whatever
  the name looks like. HGVS describes a change at each level on its own terms: the Duplication page
  notes that c.1704+1dup "does not depend on the effect observed on RNA level, giving either
  altered splicing or r.1704dup". Inside one exon means: every replaced base in one exon; for a
  duplication, every copied base in one exon (the copy may then sit right after the exon's last
  base, as in c.1809_1837+1dup p.(Glu604_Gly613dup): it repeats the exon's own end, so the donor
  keeps its sequence); for any other insertion, both flanking bases in one exon, provided it does
  not slide across a whole splice-site GT or AG (next item). So a
  duplication of the first bases of an exon is c.1838_1852dup with its protein change, not an
  insertion in front of the acceptor; deleting c.1837 (G, repeated by c.1837+1) is named
  c.1837+1del but is the frameshift of an exon 14 that ends at c.1836, its donor intact; and an
  ITD with extra bases that the 3' rule pushes to c.1837+1_1837+2ins... keeps its in-frame
  protein when it can also be placed between two exon 14 bases. Such a change is named by its
  protein effect, and exon (not intron) is set; possible splicing effects of exonic changes (a
  cryptic site among new bases included) are not predicted.
* Splice region (``p.?``): a change with no placement inside one exon that touches an exon/intron
  border or lies within ``SPLICE_REGION_BP`` (2) intronic bases of an exon. This covers a
  duplication that copies intronic bases along with exonic ones (c.1826_1837+12dup copies the
  exon 14 donor: which of the two donors is used cannot be predicted, so the invented in-frame
  protein an exonic reading would give is not printed), an insertion that is not a duplication
  but slides across a whole GT or AG of a splice site (its new bases carry a copy of the site
  wherever they are put: an ITD with extra bases whose copy runs into intron 14, such as
  c.1837+21_1837+22ins... of 78 bases), a deletion or delins across a border, and new bases
  inserted exactly between an exon and its intron (c.1837_1837+1insCA): whether they are spliced
  in with the exon depends on splicing, which is not predicted. The Duplication page asks the same
  question of an insertion at a border: "is the 'insertion' in the intron or in the exon?".
  biocommons/hgvs makes the same choice by default (p.? for FLT3-ITDs across the exon 14 donor,
  its issue #714); its opt-in shift_over_boundary EXON preference is the other reading, taking
  the copy as exonic. Deeper intronic changes get consequence ``intronic`` and an empty p. (no
  protein prediction is attempted).
* Protein: the reference and mutant spliced mRNAs are built from the exon model and the reference
  FASTA; translation starts at c.1 and, for frameshifts and stop-loss, reads on into the 3'UTR.
  In-frame changes are found as the longest common prefix, then the longest common suffix, of the
  two proteins, which places the change as far C-terminal as possible (3' rule at protein level);
  the remainder is named as substitution, deletion, duplication, insertion or delins.
* A change that creates a stop at its first changed residue is named p.(Xaa123Ter) and has
  consequence ``stop_gained`` even when the DNA change is a frameshift. An in-frame insertion or
  delins whose new residues end in a stop is named up to that stop (...insGlyTer) and is also
  ``stop_gained``. A silent indel is p.(=); a silent substitution names its codon, p.(Asp835=).
* A change touching the start codon is ``start_lost``, p.(Met1?). A change at the stop codon that
  extends the protein is ``stop_lost``, p.(Ter295GlnextTer17), where the new stop's number counts
  the residues added after the former stop position (HGVS: "position 17 of the added sequence"),
  or ``extTer?`` if the transcript ends first. An in-frame deletion that removes the stop
  together with coding codons is left unnamed: p.?, ``stop_lost``. Frameshifts are
  p.(Trp288CysfsTer12), counting the first changed residue as 1, or ``fsTer?`` without a stop
  before the transcript ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from npm1_flt3.reference import GenomeReference, ReferenceError
from npm1_flt3.transcripts import Exon, Transcript
from npm1_flt3.variants import Variant

CONSEQUENCES = (
    "frameshift",
    "inframe_insertion",
    "inframe_deletion",
    "inframe_duplication",
    "inframe_delins",
    "missense",
    "synonymous",
    "stop_gained",
    "stop_lost",
    "start_lost",
    "splice_region",
    "intronic",
    "utr5",
    "utr3",
)

# Intronic bases this close to an exon are named p.? (splice donor/acceptor dinucleotides).
SPLICE_REGION_BP = 2

# Standard genetic code, codons enumerated in TCAG order.
_AA_TCAG = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {"".join(c): aa for c, aa in zip(product("TCAG", repeat=3), _AA_TCAG)}
THREE_LETTER = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "X": "Xaa",
}  # fmt: skip
_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


@dataclass(frozen=True)
class VariantAnnotation:
    gene: str  # "NPM1" / "FLT3"
    transcript: str  # "NM_002520.7"
    hgvs_c: str  # "NM_002520.7:c.860_863dup"
    hgvs_p: str  # "p.(Trp288CysfsTer12)", "p.?" (splice), "p.(Asp835=)", "" (UTR / deep intron)
    exon: int | None  # current (MANE) exon number, None if intronic
    exon_legacy: int | None  # legacy number (NPM1 AML numbering); FLT3: same as exon
    intron: int | None  # current numbering: intron k lies between exon k and k+1
    consequence: str  # one of CONSEQUENCES


def reverse_complement(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(cds: str, to_stop: bool = False) -> str:
    """Amino acids of the complete codons of ``cds``; '*' for stops, 'X' for unreadable codons."""
    protein = []
    for i in range(0, len(cds) - 2, 3):
        aa = CODON_TABLE.get(cds[i : i + 3], "X")
        protein.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(protein)


def three_letter(protein: str) -> str:
    return "".join(THREE_LETTER[aa] for aa in protein)


# --------------------------------------------------------------------------------------------
# Transcript geometry in transcript orientation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ExonSpan:
    exon: Exon
    first: int  # t of the exon's 5'-most base
    last: int  # t of its 3'-most base
    cdna_start: int  # cDNA number (1-based) of ``first``

    def cdna(self, t: int) -> int:
        return self.cdna_start + t - self.first


class _Layout:
    """Exons, c. numbering and oriented sequence of one transcript."""

    def __init__(self, transcript: Transcript, genome: GenomeReference):
        self.transcript = transcript
        self.genome = genome
        self.sign = 1 if transcript.strand == "+" else -1
        self.spans: list[_ExonSpan] = []
        cdna = 1
        for exon in transcript.exons:  # already in transcription order
            first, last = sorted((self.sign * exon.start, self.sign * exon.end))
            self.spans.append(_ExonSpan(exon, first, last, cdna))
            cdna += last - first + 1
        self.mrna_length = cdna - 1
        # c.1 is the 5'-most CDS base in transcript orientation; the CDS includes the stop codon.
        cds_first, cds_last = sorted(
            (self.sign * transcript.cds_start, self.sign * transcript.cds_end)
        )
        self.c1_cdna = self.cdna(cds_first)
        self.stop_cdna = self.cdna(cds_last)

    # -- coordinates ------------------------------------------------------------------------
    def to_t(self, pos: int) -> int:
        return self.sign * pos

    def span_index(self, t: int) -> int | None:
        return next((i for i, s in enumerate(self.spans) if s.first <= t <= s.last), None)

    def intron_index(self, t: int) -> int | None:
        """k such that t lies between exon spans k and k+1 (0-based), or None."""
        for k in range(len(self.spans) - 1):
            if self.spans[k].last < t < self.spans[k + 1].first:
                return k
        return None

    def cdna(self, t: int) -> int:
        """cDNA number of an exonic t; continues outside the transcript (up- / downstream)."""
        index = self.span_index(t)
        if index is not None:
            return self.spans[index].cdna(t)
        if t < self.spans[0].first:
            return t - self.spans[0].first + 1
        if t > self.spans[-1].last:
            return self.mrna_length + t - self.spans[-1].last
        raise ValueError(f"t={t} is intronic")

    def c_number(self, cdna: int) -> str:
        if cdna < self.c1_cdna:
            return f"-{self.c1_cdna - cdna}"
        if cdna > self.stop_cdna:
            return f"*{cdna - self.stop_cdna}"
        return str(cdna - self.c1_cdna + 1)

    def c_pos(self, t: int) -> str:
        k = self.intron_index(t)
        if k is None:
            return self.c_number(self.cdna(t))
        before, after = self.spans[k], self.spans[k + 1]
        to_donor, to_acceptor = t - before.last, after.first - t
        if to_donor <= to_acceptor:  # ties (middle of an odd intron) take the '+' form
            return f"{self.c_number(before.cdna(before.last))}+{to_donor}"
        return f"{self.c_number(after.cdna(after.first))}-{to_acceptor}"

    def intron_distance(self, t: int) -> int:
        """Bases from t to the nearest exon (0 if exonic or outside introns)."""
        k = self.intron_index(t)
        if k is None:
            return 0
        return min(t - self.spans[k].last, self.spans[k + 1].first - t)

    # -- sequence -------------------------------------------------------------------------
    def seq(self, first: int, last: int) -> str:
        """Genomic sequence t=first..last in transcript orientation ('' if empty)."""
        if last < first:
            return ""
        chrom = self.transcript.chrom
        if self.sign == 1:
            return self.genome.fetch(chrom, first, last)
        return reverse_complement(self.genome.fetch(chrom, -last, -first))

    def base(self, t: int) -> str | None:
        """One oriented base, or None beyond the reference (which stops any shifting)."""
        try:
            return self.seq(t, t)
        except ReferenceError:
            return None

    def mrna(self) -> str:
        return "".join(self.seq(s.first, s.last) for s in self.spans)


# --------------------------------------------------------------------------------------------
# The edit, in transcript orientation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    start: int  # first replaced t; for a pure insertion, the base right after the insertion point
    end: int  # last replaced t; start - 1 for a pure insertion
    ref: str  # replaced bases (transcript orientation)
    alt: str  # inserted bases (transcript orientation)

    @property
    def is_insertion(self) -> bool:
        return not self.ref and bool(self.alt)

    @property
    def is_deletion(self) -> bool:
        return bool(self.ref) and not self.alt


def _edit_from_variant(variant: Variant, layout: _Layout) -> _Edit:
    """Strip the VCF anchor / shared bases and express the change in transcript orientation."""
    ref, alt = variant.ref.upper(), variant.alt.upper()
    if not ref or not alt or set(ref + alt) - set("ACGT"):
        raise ValueError(f"{variant}: only explicit ACGT alleles can be named in HGVS")
    genome_ref = layout.genome.fetch(variant.chrom, variant.pos, variant.pos + len(ref) - 1)
    if genome_ref != ref:
        raise ValueError(f"{variant}: REF does not match the reference ({genome_ref})")
    prefix = 0
    while prefix < min(len(ref), len(alt)) and ref[prefix] == alt[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(ref), len(alt)) - prefix and ref[-1 - suffix] == alt[-1 - suffix]:
        suffix += 1
    first = variant.pos + prefix  # genomic, + strand
    last = variant.pos + len(ref) - 1 - suffix  # first - 1 for a pure insertion
    ref_part, alt_part = ref[prefix : len(ref) - suffix], alt[prefix : len(alt) - suffix]
    if not ref_part and not alt_part:
        raise ValueError(f"{variant}: REF and ALT are identical")
    if layout.sign == 1:
        return _Edit(first, last, ref_part, alt_part)
    # On the - strand the interval reverses; an insertion point stays between the same two bases.
    return _Edit(-last, -first, reverse_complement(ref_part), reverse_complement(alt_part))


def _shift_5prime(edit: _Edit, layout: _Layout) -> _Edit:
    """Move a pure insertion or deletion as far 5' (lower t) as the sequence allows.

    The VCF form is left-normalised in the genome, which for a - strand gene is already the 3'-most
    placement in the transcript; the 5'-most one is where the search for an exonic placement
    (_exonic_placement) starts."""
    start, end = edit.start, edit.end
    if edit.is_deletion or edit.is_insertion:
        seq = edit.ref or edit.alt
        while layout.base(start - 1) == seq[-1]:
            seq, start, end = seq[-1] + seq[:-1], start - 1, end - 1
        return _Edit(start, end, seq if edit.ref else "", "" if edit.ref else seq)
    return edit


def _shift_3prime(edit: _Edit, layout: _Layout) -> _Edit:
    """Move a pure insertion or deletion as far 3' (higher t) as the genomic sequence allows: the
    HGVS 3' rule, across exon/intron borders too (module docstring). Stops where the FASTA ends."""
    start, end = edit.start, edit.end
    if edit.is_deletion:
        seq = edit.ref
        while layout.base(end + 1) == seq[0]:
            seq, start, end = seq[1:] + seq[0], start + 1, end + 1
        return _Edit(start, end, seq, "")
    if edit.is_insertion:
        seq = edit.alt
        while layout.base(start) == seq[0]:
            seq, start, end = seq[1:] + seq[0], start + 1, end + 1
        return _Edit(start, end, "", seq)
    return edit


def _placements(five: _Edit, three: _Edit) -> list[_Edit]:
    """Every equivalent placement of a shifted indel, 3'-most first (just ``three`` otherwise)."""
    steps = three.start - five.start
    if steps == 0 or not (five.is_insertion or five.is_deletion):
        return [three]
    seq = five.ref or five.alt
    placements = []
    for k in range(steps, -1, -1):
        turn = k % len(seq)
        rotated = seq[turn:] + seq[:turn]
        placements.append(_Edit(five.start + k, five.end + k, rotated if five.ref else "",
                                "" if five.ref else rotated))
    return placements


def _splice_site_in_slide(five: _Edit, three: _Edit, layout: _Layout) -> _Region | None:
    """For an insertion that is not a duplication: the splice site whose dinucleotide it can slide
    across, as a splice region, or None.

    The slide covers the bases from the 5'-most to the 3'-most placement. When it holds a whole GT
    (c.N+1_N+2) or AG (c.N-2_N-1), the new bases carry a copy of that splice site wherever they
    are put, so the mutant has two candidate sites and which one is used is not predicted (an ITD
    with extra bases whose copy runs into the intron)."""
    first, last = five.start, three.start - 1
    for k in range(len(layout.spans) - 1):
        donor, acceptor = layout.spans[k].last + 1, layout.spans[k + 1].first - 2
        for site, exon in ((donor, k), (acceptor, k + 1)):
            if first <= site and site + 1 <= last:
                return _Region("splice", exon, k)
    return None


def _exonic_placement(placements: list[_Edit], is_dup: bool, layout: _Layout) -> _Edit | None:
    """The 3'-most placement that keeps the change inside one exon, or None.

    Inside means: every replaced base in one exon; for a duplication, every copied base in one
    exon (the copy may then sit right after the exon's last base: it repeats the exon's own end,
    so the splice site keeps its sequence); for any other insertion, both flanking bases in one
    exon (new bases right at a border could belong to the exon or the intron)."""
    for edit in placements:
        if edit.is_insertion and is_dup:
            # Only placements that read as a copy of the bases just 5' of them are duplications
            # (a tandem copy also slides on to sit in front of the original).
            if _duplicated_range(edit, layout) is None:
                continue
            first, last = edit.start - len(edit.alt), edit.start - 1
        elif edit.is_insertion:
            first, last = edit.start - 1, edit.start
        else:
            first, last = edit.start, edit.end
        index = layout.span_index(first)
        if index is not None and layout.span_index(last) == index:
            return edit
    return None


def _duplicated_range(edit: _Edit, layout: _Layout) -> tuple[int, int] | None:
    """(first, last) t of the copied bases if the (3'-shifted) insertion is a duplication."""
    if not edit.is_insertion:
        return None
    first = edit.start - len(edit.alt)
    try:
        return (first, edit.start - 1) if layout.seq(first, edit.start - 1) == edit.alt else None
    except ReferenceError:
        return None


def _hgvs_c(edit: _Edit, dup: tuple[int, int] | None, layout: _Layout) -> str:
    def span(first: int, last: int) -> str:
        if first == last:
            return layout.c_pos(first)
        return f"{layout.c_pos(first)}_{layout.c_pos(last)}"

    if dup is not None:
        return f"{span(*dup)}dup"
    if edit.is_insertion:
        return f"{layout.c_pos(edit.start - 1)}_{layout.c_pos(edit.start)}ins{edit.alt}"
    if edit.is_deletion:
        return f"{span(edit.start, edit.end)}del"
    if len(edit.ref) == 1 and len(edit.alt) == 1:
        return f"{layout.c_pos(edit.start)}{edit.ref}>{edit.alt}"
    return f"{span(edit.start, edit.end)}delins{edit.alt}"


# --------------------------------------------------------------------------------------------
# Where the edit falls
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    kind: str  # "exonic", "splice", "intronic", "upstream", "downstream"
    span: int | None  # exon span index (exonic / splice)
    intron: int | None  # intron index, 0-based (intronic / splice)
    cdna_first: int = 0  # exonic only: replaced cDNA numbers; for insertions cdna_last = first - 1
    cdna_last: int = 0


def _locate(edit: _Edit, is_dup: bool, layout: _Layout) -> _Region:
    """Where a placement falls. The bases it touches are the replaced ones, a duplication's copied
    ones, or the two bases flanking any other insertion."""
    if edit.is_insertion and is_dup:
        touched = list(range(edit.start - len(edit.alt), edit.start))
    elif edit.is_insertion:
        touched = [edit.start - 1, edit.start]
    else:
        touched = list(range(edit.start, edit.end + 1))
    inside = [t for t in touched if layout.spans[0].first <= t <= layout.spans[-1].last]
    if not inside:
        upstream = touched[0] < layout.spans[0].first
        return _Region("upstream" if upstream else "downstream", None, None)
    touched = inside  # bases beyond the transcript end carry no splice signal
    spans = {layout.span_index(t) for t in touched}
    introns = {layout.intron_index(t) for t in touched} - {None}
    exonic = spans - {None}
    if len(spans) == 1 and exonic:  # wholly inside one exon
        index = exonic.pop()
        if edit.is_insertion:
            after = layout.spans[index].cdna(edit.start - 1)
            return _Region("exonic", index, None, after + 1, after)
        s = layout.spans[index]
        return _Region("exonic", index, None, s.cdna(edit.start), s.cdna(edit.end))
    intron = min(introns) if introns else None
    span = min(exonic) if exonic else None
    if exonic or min(layout.intron_distance(t) for t in touched) <= SPLICE_REGION_BP:
        return _Region("splice", span, intron)
    return _Region("intronic", None, intron)


# --------------------------------------------------------------------------------------------
# Protein consequence
# --------------------------------------------------------------------------------------------


def _aa(protein: str, index: int) -> str:
    """Residue name with its 1-based number, e.g. Trp288."""
    return f"{THREE_LETTER[protein[index]]}{index + 1}"


def _aa_range(protein: str, first: int, last: int) -> str:
    if first == last:
        return _aa(protein, first)
    return f"{_aa(protein, first)}_{_aa(protein, last)}"


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _common_suffix(a: str, b: str, limit: int) -> int:
    n = 0
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _extension(ref: str, mutant: str) -> tuple[str, str]:
    """The stop codon became a sense codon: p.(Ter295GlnextTer17) or ...extTer?."""
    stop = len(ref) - 1
    if len(mutant) <= stop:  # the mRNA ends inside the former stop codon
        return "p.?", "stop_lost"
    new_stop = mutant.find("*", stop)
    length = str(new_stop - stop) if new_stop >= 0 else "?"
    return f"p.({_aa(ref, stop)}{THREE_LETTER[mutant[stop]]}extTer{length})", "stop_lost"


def _frameshift(ref: str, mutant: str) -> tuple[str, str]:
    """Name a frameshift from the first changed residue; ``mutant`` is translated to its stop."""
    first = _common_prefix(ref, mutant)
    if first == len(ref):  # same protein, e.g. a deletion in the stop codon that rebuilds a stop
        return "p.(=)", "synonymous"
    if first == len(ref) - 1:
        return _extension(ref, mutant)
    if first >= len(mutant):
        return "p.?", "frameshift"
    if mutant[first] == "*":
        return f"p.({_aa(ref, first)}Ter)", "stop_gained"
    new_stop = mutant.find("*", first)
    length = str(new_stop - first + 1) if new_stop >= 0 else "?"
    return f"p.({_aa(ref, first)}{THREE_LETTER[mutant[first]]}fsTer{length})", "frameshift"


def _in_frame(
    ref: str, mutant: str, reading_on: str, codons: tuple[int, int] | None
) -> tuple[str, str]:
    """Name an in-frame change.

    ``mutant`` is the translation of the mutant CDS stretch that replaces the reference CDS, stop
    codons and all; ``reading_on`` is the mutant protein read to its first stop, which may lie in
    the 3'UTR. ``codons`` are the 0-based residues a same-length change touches, for
    p.(Asp835=); None for indels, whose silent form is plain p.(=).
    """
    if mutant.startswith(ref):  # same protein up to and including its stop
        return (f"p.({_aa_range(ref, *codons)}=)" if codons else "p.(=)"), "synonymous"
    first = _common_prefix(ref, mutant)  # prefix first: pushes the change C-terminal (3' rule)
    after = _common_suffix(ref, mutant, min(len(ref), len(mutant)) - first)
    deleted = ref[first : len(ref) - after]
    inserted = mutant[first : len(mutant) - after]
    if "*" in deleted:  # the stop codon itself is changed
        if first == len(ref) - 1:
            return _extension(ref, reading_on)
        return "p.?", "stop_lost"  # stop lost together with coding residues: not named
    if "*" in inserted:  # translation stops inside the new sequence
        inserted = inserted[: inserted.index("*") + 1]
        if inserted == "*":
            return f"p.({_aa(ref, first)}Ter)", "stop_gained"
        return _named_change(ref, first, deleted, inserted)[0], "stop_gained"
    return _named_change(ref, first, deleted, inserted)


def _named_change(ref: str, first: int, deleted: str, inserted: str) -> tuple[str, str]:
    """Deletion, duplication, insertion, substitution or delins at residue index ``first``."""
    last = first + len(deleted) - 1
    if not inserted:
        return f"p.({_aa_range(ref, first, last)}del)", "inframe_deletion"
    text = three_letter(inserted)
    if not deleted:
        size = len(inserted)
        if size <= first and ref[first - size : first] == inserted:
            return f"p.({_aa_range(ref, first - size, first - 1)}dup)", "inframe_duplication"
        return f"p.({_aa(ref, first - 1)}_{_aa(ref, first)}ins{text})", "inframe_insertion"
    if len(deleted) == 1 and len(inserted) == 1:
        return f"p.({_aa(ref, first)}{text})", "missense"
    return f"p.({_aa_range(ref, first, last)}delins{text})", "inframe_delins"


def _protein_effect(edit: _Edit, region: _Region, layout: _Layout) -> tuple[str, str]:
    """hgvs_p and consequence of an edit wholly inside one exon."""
    c1, stop = layout.c1_cdna, layout.stop_cdna
    first, last = region.cdna_first, region.cdna_last  # last = first - 1 for insertions
    if last < c1:
        return "", "utr5"
    if first > stop:
        return "", "utr3"
    if first <= c1 + 2 and last >= c1:  # an insertion counts when it falls inside the ATG
        return "p.(Met1?)", "start_lost"
    mrna = layout.mrna()
    mutant_mrna = mrna[: first - 1] + edit.alt + mrna[last:]
    reading_on = translate(mutant_mrna[c1 - 1 :], to_stop=True)  # may run into the 3'UTR
    ref_protein = translate(mrna[c1 - 1 : stop])
    delta = len(edit.alt) - len(edit.ref)
    if delta % 3:
        return _frameshift(ref_protein, reading_on)
    # In frame: translate the same stretch of the mutant CDS, stop codons and all.
    full_length = translate(mutant_mrna[c1 - 1 : stop + delta])
    codons = ((first - c1) // 3, (last - c1) // 3) if delta == 0 else None
    return _in_frame(ref_protein, full_length, reading_on, codons)


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def annotate_variant(
    transcript: Transcript, genome: GenomeReference, variant: Variant
) -> VariantAnnotation:
    """HGVS names, exon/intron and consequence of one variant on one MANE transcript."""
    layout = _Layout(transcript, genome)
    five_prime = _shift_5prime(_edit_from_variant(variant, layout), layout)
    edit = _shift_3prime(five_prime, layout)  # the placement HGVS names (3' rule)
    dup = _duplicated_range(edit, layout)
    hgvs_c = f"{transcript.accession}:c.{_hgvs_c(edit, dup, layout)}"
    # The same change placed inside one exon, if it can be, and if it leaves every splice site
    # single: then its protein effect is predictable.
    splice_site = None
    if edit.is_insertion and dup is None:
        splice_site = _splice_site_in_slide(five_prime, edit, layout)
    exonic = None if splice_site else _exonic_placement(_placements(five_prime, edit),
                                                         dup is not None, layout)
    placed = exonic or edit
    region = splice_site or _locate(placed, dup is not None, layout)

    if region.kind == "exonic":
        hgvs_p, consequence = _protein_effect(placed, region, layout)
    elif region.kind == "splice":
        hgvs_p, consequence = "p.?", "splice_region"
    elif region.kind == "intronic":
        hgvs_p, consequence = "", "intronic"
    else:
        hgvs_p, consequence = "", "utr5" if region.kind == "upstream" else "utr3"

    exon = layout.spans[region.span].exon if region.span is not None else None
    # Intron k follows exon k, and exons are numbered 1..n in transcription order.
    intron_number = region.intron + 1 if region.intron is not None else None
    return VariantAnnotation(
        gene=transcript.gene,
        transcript=transcript.accession,
        hgvs_c=hgvs_c,
        hgvs_p=hgvs_p,
        exon=exon.number if exon else None,
        exon_legacy=exon.legacy_number if exon else None,
        intron=intron_number,
        consequence=consequence,
    )
