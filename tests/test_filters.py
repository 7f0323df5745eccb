"""Artefact filters one sample's reads decide (npm1_flt3/artefacts.py): each named FILTER fires on
the pattern it is named for and leaves a true allele alone."""

from __future__ import annotations

import math

import pytest
from conftest import REFERENCE

from npm1_flt3.artefacts import (
    AlleleEvidence,
    ArtefactSettings,
    Repeat,
    StrandCounts,
    artefact_filters,
    repeat_context,
    slippage_min_vaf,
    smallest_unit,
)
from npm1_flt3.reference import GenomeReference
from npm1_flt3.stats import fisher_exact
from npm1_flt3.variants import Variant, insertion

GENOME = GenomeReference(REFERENCE)
BALANCED = StrandCounts(10, 10, 500, 500)


def evidence(strands=BALANCED, mapqs=(60,) * 20, alt_ends=(), ref_ends=(), repeat=None) -> AlleleEvidence:
    return AlleleEvidence(strands, tuple(mapqs), tuple(alt_ends), tuple(ref_ends), repeat)


def test_fisher_exact_matches_the_hypergeometric_by_hand():
    # [[10, 0], [0, 10]]: only this table and its mirror are as extreme: 2 / C(20, 10).
    assert fisher_exact(10, 0, 0, 10) == pytest.approx(2 / math.comb(20, 10))
    assert fisher_exact(5, 5, 5, 5) == pytest.approx(1.0)


def test_alt_reads_all_on_one_strand_of_a_site_read_on_both_are_strand_biased():
    assert artefact_filters("SNV", 0.02, evidence(StrandCounts(20, 0, 500, 500))) == ["StrandBias"]


def test_alt_reads_on_both_strands_are_not_strand_biased():
    assert artefact_filters("SNV", 0.02, evidence(StrandCounts(12, 8, 500, 500))) == []


def test_a_site_read_on_one_strand_only_cannot_be_strand_biased():
    # An amplicon read from one end: every read, mutant or not, is forward.
    assert artefact_filters("SNV", 0.02, evidence(StrandCounts(20, 0, 980, 20))) == []


def test_few_alt_reads_on_one_strand_are_no_evidence_of_bias():
    assert artefact_filters("SNV", 0.004, evidence(StrandCounts(3, 0, 500, 500))) == []


def test_indels_are_never_strand_biased():
    # Real getITD amplicon data: a 21-bp ITD at 70% in 1,725 reverse reads and 2 forward ones, the
    # forward reads covering the position without reaching the junction.
    assert artefact_filters("ITD", 0.70, evidence(StrandCounts(2, 1725, 2402, 2482))) == []


def test_snv_bases_only_at_read_ends_fail_the_read_position_filter():
    found = artefact_filters("SNV", 0.02, evidence(alt_ends=(0, 1, 2, 3, 2), ref_ends=(30, 50, 12, 70)))
    assert found == ["ReadEnd"]


def test_snv_near_read_ends_where_every_read_ends_there_is_not_flagged():
    # The site sits at an amplicon end: the reference bases are at the read ends too.
    assert artefact_filters("SNV", 0.02, evidence(alt_ends=(1, 2, 3), ref_ends=(1, 2, 3, 4))) == []


def test_indels_are_never_read_end_artefacts():
    # Indel evidence needs `anchor` aligned bases on both sides (npm1_flt3/caller.py).
    assert artefact_filters("INS", 0.02, evidence(alt_ends=(0, 1, 2), ref_ends=(40, 50))) == []


def test_alt_reads_with_a_median_mapping_quality_under_30_fail():
    assert artefact_filters("INS", 0.02, evidence(mapqs=(25, 27, 29, 60))) == ["LowMapQ"]
    assert artefact_filters("INS", 0.02, evidence(mapqs=(25, 30, 60, 60))) == []


def test_the_slippage_threshold_doubles_with_each_copy_from_four_bases_or_three_units():
    settings = ArtefactSettings()
    assert slippage_min_vaf(Repeat("A", 3), settings) == 0
    assert [slippage_min_vaf(Repeat("A", n), settings) for n in (4, 5, 6, 8)] == pytest.approx(
        [0.002, 0.004, 0.008, 0.032])
    assert slippage_min_vaf(Repeat("AT", 2), settings) == 0
    assert slippage_min_vaf(Repeat("AT", 4), settings) == pytest.approx(0.004)
    assert slippage_min_vaf(Repeat("A", 30), settings) == settings.slippage_max_vaf


def test_npm1_exon9_homopolymer_insertion_at_06_percent_is_slippage():
    # The real-data case: a 1-bp insertion in the A6 run of legacy exon 9, 8 reads of ~1,200.
    variant = insertion("chr5", 171405326, "A", GENOME.fetch)
    repeat = repeat_context(variant, GENOME.fetch)
    assert repeat == Repeat("A", 6)
    assert artefact_filters("INS", 8 / 1200, evidence(repeat=repeat)) == ["RepeatSlippage"]
    assert artefact_filters("INS", 0.02, evidence(repeat=repeat)) == []


def test_npm1_type_a_duplicates_a_single_tctg_and_is_not_in_a_run():
    type_a = Variant("chr5", 171410539, "C", "CTCTG")
    assert repeat_context(type_a, GENOME.fetch) is None


def test_a_deletion_counts_the_run_it_shortens():
    # Deleting one A of the A6 run: REF = anchor + A.
    anchor = GENOME.fetch("chr5", 171405326, 171405326)
    deletion = Variant("chr5", 171405326, anchor + "A", anchor)
    assert repeat_context(deletion, GENOME.fetch) == Repeat("A", 6)


def test_smallest_unit():
    assert [smallest_unit(s) for s in ("AAA", "ATAT", "TCTG", "ATA")] == ["A", "AT", "TCTG", "ATA"]
