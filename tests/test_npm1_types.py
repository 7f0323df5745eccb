"""The NPM1 type table (npm1_flt3/npm1_types.py) against the sequences the literature prints.

Each type is given as the published mutant sequence of c.856-c.875...; the test turns it into the
caller's VCF variant (variants.local_change) and the annotator's HGVS, which must be the table key.
"""

from __future__ import annotations

import pytest

from conftest import EXONS, REFERENCE
from npm1_flt3.hgvs import annotate_variant
from npm1_flt3.npm1_types import NPM1_TRANSCRIPT, NPM1_TYPES, npm1_type
from npm1_flt3.reference import GenomeReference
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, local_change

GENOME = GenomeReference(REFERENCE)
NPM1 = load_transcripts(EXONS)["NPM1"]
C856 = 171410536  # GRCh38 position of NPM1 c.856 (chr5, + strand)
# c.856-c.875: GATCTCT G GCAGT GGAGG AAG..., as the type tables split it.
WILD_TYPE = "GATCTCT" "G" "GCAGT" "GGAGG" "AAGTCTCTTTAAGAAAATAG"
PUBLISHED = {  # Adv Hyg Exp Med 2022 (doi:10.2478/ahem-2022-0034), table of NPM1 mutations
    "A": "GATCTCT" "G" "TCTG" "GCAGT" "GGAGG" "AAGTCTCTTTAAGAAAATAG",
    "B": "GATCTCT" "G" "CATG" "GCAGT" "GGAGG" "AAGTCTCTTTAAGAAAATAG",
    "C": "GATCTCT" "G" "CGTG" "GCAGT" "GGAGG" "AAGTCTCTTTAAGAAAATAG",
    "D": "GATCTCT" "G" "CCTG" "GCAGT" "GGAGG" "AAGTCTCTTTAAGAAAATAG",
    "E": "GATCTCT" "G" "GCAGT" "CTCTTGCCC" "AAGTCTCTTTAAGAAAATAG",
    "F": "GATCTCT" "G" "GCAGT" "CCCTGGAGA" "AAGTCTCTTTAAGAAAATAG",
}


def published_variant(letter: str) -> Variant:
    return local_change("chr5", C856, WILD_TYPE, PUBLISHED[letter], GENOME.fetch)


def test_the_wild_type_is_the_reference():
    assert GENOME.fetch("chr5", C856, C856 + len(WILD_TYPE) - 1) == WILD_TYPE


@pytest.mark.parametrize("entry", NPM1_TYPES, ids=lambda entry: entry.letter)
def test_each_key_is_what_the_annotator_prints_for_the_published_sequence(entry):
    annotation = annotate_variant(NPM1, GENOME, published_variant(entry.letter))
    assert annotation.hgvs_c == f"{NPM1_TRANSCRIPT}:{entry.hgvs_c}"
    assert npm1_type(annotation.hgvs_c) == entry.letter
    assert annotation.consequence == "frameshift"
    assert entry.source and entry.change


def test_e_and_f_are_deletion_insertions_in_vcf_form():
    # REF and ALT share no base, so no anchor base: the left-most parsimonious form.
    assert published_variant("E") == Variant("chr5", 171410549, "GGAGG", "CTCTTGCCC")
    assert published_variant("F") == Variant("chr5", 171410549, "GGAGG", "CCCTGGAGA")
    assert published_variant("E").kind == "DELINS"
    assert annotate_variant(NPM1, GENOME, published_variant("E")).hgvs_p == "p.(Trp290SerfsTer10)"


def test_every_letter_once_and_nothing_after_f():
    letters = [entry.letter for entry in NPM1_TYPES]
    assert letters == sorted(set(letters)) == ["A", "B", "C", "D", "E", "F"]


def test_unlisted_changes_are_other():
    # c.869_873delinsCTCTTTCTA is "J" in one table and unnamed elsewhere: HGVS only.
    assert npm1_type("NM_002520.7:c.869_873delinsCTCTTTCTA") == "other"
    assert npm1_type("NM_002520.7:c.869_873delinsCTCTTGCCC") == "E"
