"""The per-site error background (npm1_flt3/background.py): a control made of the batch's other
samples, robust to true recurrent alleles, tested per strand; the fallbacks a small batch gets;
cross-sample contamination."""

from __future__ import annotations

import math

import pytest
from conftest import REFERENCE

from npm1_flt3.background import (
    BackgroundSettings,
    SiteProfile,
    build_model,
    contamination_source,
    read_model,
    read_profile,
    against_background as background_test,
    write_model,
    write_profile,
)
from npm1_flt3.reference import GenomeReference
from npm1_flt3.stats import betabinomial_sf, binomial_sf, fisher_combined

GENOME = GenomeReference(REFERENCE)
SITE = ("chr13", 28018505)  # FLT3 D835 (c.2503G>T, D835Y, is C>A on the + strand)
D835Y = (*SITE, "C", "A")
TYPE_A = ("chr5", 171410539, "C", "CTCTG")
HOMOPOLYMER_INS = ("chr5", 171405326, "T", "TA")  # NPM1 legacy exon 9, A6 run


def profile(key, alt_forward: int, alt_reverse: int, depth: int = 1000) -> SiteProfile:
    p = SiteProfile()
    p.depth[key[:2]] = (depth // 2, depth - depth // 2)
    if alt_forward or alt_reverse:
        p.alleles[key] = (alt_forward, alt_reverse)
    return p


def batch(key, counts: list[tuple[int, int]], depth: int = 1000):
    return [(f"S{i}", f"P{i}", profile(key, f, r, depth)) for i, (f, r) in enumerate(counts, start=1)]


def own(key, f, r, depth=1000):
    return (f, r, depth // 2, depth - depth // 2)


def test_betabinomial_tail_approaches_the_binomial_as_rho_vanishes():
    exact = sum(math.comb(1000, x) * 0.001 ** x * 0.999 ** (1000 - x) for x in range(5, 1001))
    assert binomial_sf(5, 1000, 0.001) == pytest.approx(exact)
    assert betabinomial_sf(5, 1000, 0.001, 1e-9) == pytest.approx(exact, rel=0.01)
    assert betabinomial_sf(5, 1000, 0.001, 0.01) > exact  # overdispersion: a heavier tail
    assert betabinomial_sf(0, 1000, 0.001, 0.01) == 1.0


def test_fisher_combination_of_two_p_values():
    # X = -2 ln(0.05^2) = 11.98 on 4 degrees of freedom: P = e^(-X/2) (1 + X/2).
    assert fisher_combined(0.05, 0.05) == pytest.approx(math.exp(-5.9915) * (1 + 5.9915), rel=1e-3)
    assert fisher_combined(1.0, 1.0) == 1.0


def test_an_artefact_every_sample_shows_is_background():
    # A homopolymer insertion at ~0.5% in all twelve samples: the thirteenth's 0.6% is noise.
    samples = batch(HOMOPOLYMER_INS, [(2, 3), (3, 3), (2, 2), (3, 2), (1, 3), (2, 4)] * 2)
    model = build_model(samples, "batch", GENOME.fetch)
    result = background_test(HOMOPOLYMER_INS, "S99", own(HOMOPOLYMER_INS, 3, 3), GENOME.fetch, model, None)
    assert result.source == "batch" and result.samples == 12
    assert not result.passed(BackgroundSettings())


def test_a_recurrent_true_mutation_in_many_patients_is_not_taken_for_noise():
    # NPM1 type A at 30-45% in four of twelve patients, absent from the rest: another patient's
    # 1% is a mutation, not background.
    counts = [(150, 150), (200, 180), (170, 160), (210, 200)] + [(0, 0)] * 8
    model = build_model(batch(TYPE_A, counts), "batch", GENOME.fetch)
    assert model.alleles[TYPE_A].excluded == {"S1", "S2", "S3", "S4"}
    result = background_test(TYPE_A, "S99", own(TYPE_A, 5, 5), GENOME.fetch, model, None)
    assert result.passed(BackgroundSettings())


def test_low_level_follow_ups_do_not_raise_everyone_elses_background():
    # Three MRD follow-ups at 0.3-0.5% (far above the zero of the others) leave the control too.
    counts = [(2, 2), (1, 2), (3, 2)] + [(0, 0)] * 9
    model = build_model(batch(TYPE_A, counts), "batch", GENOME.fetch)
    assert model.alleles[TYPE_A].excluded == {"S1", "S2", "S3"}
    assert model.alleles[TYPE_A].alt == (0, 0)


def test_a_sample_is_never_part_of_its_own_control():
    # Two C>A reads in 1,000 are within the default G>T/C>A rate: S1 stays in the control.
    samples = batch(D835Y, [(1, 1)] + [(0, 0)] * 9)
    model = build_model(samples, "batch", GENOME.fetch)
    assert model.alleles[D835Y].alt == (1, 1)  # S1 is in the control of the others ...
    result = background_test(D835Y, "S1", own(D835Y, 1, 1), GENOME.fetch, model, None)
    assert result.samples == 9  # ... but not in its own
    assert result.rate[0] < 1e-3 / 3 and result.rate[1] < 1e-3 / 3


def test_a_batch_too_small_uses_the_panel_of_normals_and_says_so():
    small = build_model(batch(D835Y, [(0, 0)] * 3), "batch", GENOME.fetch)
    pon = build_model(batch(D835Y, [(0, 1)] * 10), "pon", GENOME.fetch)
    with_panel = background_test(D835Y, "S99", own(D835Y, 10, 10), GENOME.fetch, small, pon)
    assert with_panel.source == "batch+pon" and with_panel.samples == 13
    alone = background_test(D835Y, "S99", own(D835Y, 10, 10), GENOME.fetch, small, None)
    assert alone.source == "default" and alone.samples == 0


def test_a_batch_of_one_falls_back_to_the_shipped_default_model():
    model = build_model(batch(D835Y, [(10, 10)]), "batch", GENOME.fetch)
    result = background_test(D835Y, "S1", own(D835Y, 10, 10), GENOME.fetch, model, None)
    assert result.source == "default"
    assert result.passed(BackgroundSettings())  # D835Y at 2% stands out of the default G>T/C>A rate
    noise = background_test(D835Y, "S1", own(D835Y, 1, 1), GENOME.fetch, model, None)
    assert not noise.passed(BackgroundSettings())


def test_an_allele_hopped_from_another_patient_is_flagged_with_its_source():
    samples = [("S1", "P1", profile(TYPE_A, 200, 200)), ("S2", "P2", profile(TYPE_A, 2, 2))]
    model = build_model(samples, "batch", GENOME.fetch)
    assert contamination_source(TYPE_A, 0.003, "P2", model) == "S1"
    assert contamination_source(TYPE_A, 0.003, "P1", model) is None  # the patient's own sample
    assert contamination_source(TYPE_A, 0.012, "P2", model) is None  # at 1% or more: not checked
    assert contamination_source(TYPE_A, 0.005, "P2", model) is None  # above 1% of 0.4


def test_profiles_and_models_read_back_as_written(tmp_path):
    written = profile(TYPE_A, 3, 4)
    written.reported_vaf[TYPE_A] = 0.007
    write_profile(written, tmp_path / "p.tsv.gz")
    assert read_profile(tmp_path / "p.tsv.gz") == written
    model = build_model(batch(TYPE_A, [(150, 150), (0, 1), (0, 0)]), "batch", GENOME.fetch)
    write_model(model, tmp_path / "m.tsv.gz")
    again = read_model(tmp_path / "m.tsv.gz")
    assert again.depth == model.depth and again.source == "batch"
    assert again.alleles[TYPE_A].alt == model.alleles[TYPE_A].alt
    assert again.alleles[TYPE_A].excluded == model.alleles[TYPE_A].excluded
    assert again.alleles[TYPE_A].carriers == model.alleles[TYPE_A].carriers
