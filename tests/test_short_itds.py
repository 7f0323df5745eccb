"""FLT3-ITDs of 3 to 6 bp on ART reads aligned with bwa mem: reported as ITDs when in frame, with
the junction k-mer VAF; an out-of-frame duplication of 4 bp is an insertion, not an ITD."""

from __future__ import annotations

import pytest

from bwa_sim import genome, measured_vaf, planted, reference, simulated_bam  # noqa: F401 (fixtures)
from conftest import EXONS
from npm1_flt3.caller import CallerSettings, call_sample
from npm1_flt3.hgvs import annotate_variant
from benchmarks.simulation import Region
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import tandem_duplication

TRANSCRIPTS = load_transcripts(EXONS)
FIRST = 28034119  # exon 14: c.1800 (the last base of codon Asp600), on the - strand
WINDOW = Region("chr13", FIRST - 400, FIRST + 400)
VAF = 0.3
DEPTH = 1000.0
EXACT, PLANTED = 0.02, 0.06  # as in test_complex_alleles.py


def flt3_calls(genome, reference, folder, length):
    variant = tandem_duplication("chr13", FIRST, FIRST + length - 1, genome.fetch)
    bam = simulated_bam(reference, folder, f"dup{length}", (planted("FLT3", variant, VAF, "ITD"),), WINDOW, DEPTH)
    calls, _ = call_sample(bam, genome, TRANSCRIPTS, CallerSettings())
    return variant, bam, [call for call in calls if call.gene == "FLT3"]


@pytest.mark.parametrize("length, hgvs_p", [(3, "p.(Asp600dup)"), (6, "p.(Tyr599_Asp600dup)")])
def test_in_frame_duplications_of_3_and_6_bp_are_itds(length, hgvs_p, genome, reference, tmp_path):
    variant, bam, calls = flt3_calls(genome, reference, tmp_path, length)
    [itd] = calls
    # ITDs are counted by junction k-mers per fragment (caller.recount_itds).
    truth = measured_vaf(bam, genome, variant, fragments=True)
    print(f"{length} bp: {itd.variant} {itd.vartype} {itd.alt_reads}/{itd.depth} = {itd.vaf:.3f} "
          f"(fragments hold {truth:.3f}); AR {itd.itd_ar:.3f}")
    assert (itd.variant, itd.vartype, itd.length, itd.filters) == (variant, "ITD", length, [])
    assert abs(itd.vaf - truth) < EXACT and abs(itd.vaf - VAF) < PLANTED
    assert itd.itd_ar == pytest.approx(itd.vaf / (1 - itd.vaf))
    assert annotate_variant(TRANSCRIPTS["FLT3"], genome, itd.variant).hgvs_p == hgvs_p


def test_a_4_bp_duplication_is_an_insertion_not_an_itd(genome, reference, tmp_path):
    variant, bam, calls = flt3_calls(genome, reference, tmp_path, 4)
    [insertion] = calls
    truth = measured_vaf(bam, genome, variant)
    print(f"4 bp: {insertion.variant} {insertion.vartype} {insertion.alt_reads}/{insertion.depth} = "
          f"{insertion.vaf:.3f} (reads hold {truth:.3f})")
    assert (insertion.variant, insertion.vartype, insertion.filters) == (variant, "INS", [])
    assert insertion.itd_ar is None  # no allelic ratio: it is not an ITD
    assert abs(insertion.vaf - truth) < EXACT
