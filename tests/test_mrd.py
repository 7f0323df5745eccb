"""MRD follow-up logic: limits of detection, statuses, baselines, and the report's version parsing."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from npm1_flt3.background import SiteProfile
from npm1_flt3.identity import IdentitySnp, SiteGenotype
from npm1_flt3.background import BackgroundSettings
from npm1_flt3.mrd import FollowedRun, MrdSettings, allele_label, contamination_source, mrd_rows
from npm1_flt3.run_background import RunBackground
from npm1_flt3.mrd_limits import ErrorBackground
from npm1_flt3.report import tool_version
from npm1_flt3.samples import Sample
from npm1_flt3.stats import detection_limit

ALLELE = {"gene": "NPM1", "type": "INS", "length": "4", "hgvs_c": "NM_002520.7:c.860_863dup",
          "hgvs_p": "p.(Trp288CysfsTer12)", "npm1_type": "A", "chrom": "chr5", "pos": "171410539",
          "ref": "C", "alt": "CTCTG", "method": "junction k-mers"}
KEY = ("chr5", 171410539, "C", "CTCTG")
NO_TEST = MrdSettings(background=False, max_lod=0.01)


def measured(sample, alt, depth, unit="fragments", duplex=""):
    return {"sample": sample, **ALLELE, "count_unit": unit, "alt_count": str(alt), "depth": str(depth),
            "alt_duplex": str(duplex), "vaf": str(alt / depth) if depth else "", "vaf_ci_low": "", "vaf_ci_high": ""}


def followed(*samples: tuple, patient="P1") -> dict[str, Sample]:
    """One followed patient's samples (name, timepoint, day[, dna_input_ng]); the first is the baseline."""
    baseline = samples[0][0]
    return {name: Sample(sample=name, patient=patient, timepoint=rest[0], day=rest[1], assay="capture", units=(),
                         role="baseline" if name == baseline else "follow-up", baseline=baseline, followed=True,
                         dna_input_ng=rest[2] if len(rest) > 2 else None)
            for name, *rest in samples}


def run_of(samples, track, background=None, identity=None):
    return FollowedRun(samples, track, identity or {}, background)


class FixedBackground:
    """A run background that gives every allele the same rate (and optionally carriers)."""

    def __init__(self, rate, rho=1e-5, carriers=()):
        self.background, self.carriers = ErrorBackground(rate, rho, "batch", 20), carriers

    def of(self, key, patient):
        return self.background, self.carriers


def test_the_limit_of_detection_follows_the_binomial():
    assert detection_limit(1000, 1) == pytest.approx(1 - 0.05 ** (1 / 1000), rel=1e-6)  # 'rule of three'
    assert detection_limit(1000, 2) == pytest.approx(0.00473, abs=2e-5)
    assert detection_limit(3000, 2) < detection_limit(1000, 2)
    assert detection_limit(0, 2) is None and detection_limit(1, 2) is None


def test_the_rows_follow_the_baseline_alleles_through_the_patients_samples_in_time_order():
    # A pre-diagnosis screen at day -20 comes first in time; the diagnosis is still the baseline.
    samples = followed(("D", "diagnosis", 0), ("M", "remission", 30), ("S", "screen", -20))
    track = {s: [measured(s, 10, 500)] for s in "SDM"}
    rows = mrd_rows(run_of(samples, track), NO_TEST)
    assert [(r["sample"], r["role"]) for r in rows] == [("S", "follow-up"), ("D", "baseline"), ("M", "follow-up")]
    assert {r["baseline_vaf"] for r in rows} == {0.02}


def test_without_the_background_test_two_fragments_are_detected_as_before():
    samples = followed(("D", "diagnosis", 0), ("A", "a", 10), ("B", "b", 20), ("C", "c", 30))
    track = {"D": [measured("D", 200, 500)], "A": [measured("A", 3, 3000)],
             "B": [measured("B", 1, 3000)], "C": [measured("C", 0, 50)]}
    rows = {r["sample"]: r for r in mrd_rows(run_of(samples, track), NO_TEST)}
    assert [rows[s]["mrd_status"] for s in "DABC"] == ["detected", "detected below LOQ", "not detected", "no-call"]
    assert rows["A"]["log10_reduction"] == pytest.approx(2.6, abs=0.01)  # 40% -> 0.1%
    assert rows["B"]["min_log10_reduction"] == pytest.approx(2.4, abs=0.01)  # 40% -> below LOD 0.16%
    assert rows["C"]["lod_vaf"] > 0.01  # 50 fragments cannot exclude 1%
    assert rows["A"]["background_source"] == "none" and rows["A"]["p_value"] is None


def test_detected_means_significantly_above_the_background_not_two_reads():
    # 10,000 fragments at a site whose background is 3e-4: three mutant reads are the noise.
    samples = followed(("D", "diagnosis", 0), ("F", "follow-up", 30))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 3, 10000)]}
    row = mrd_rows(run_of(samples, track, FixedBackground(3e-4)), MrdSettings())[1]
    assert row["p_value"] > 0.001 and row["mrd_status"] != "detected"
    assert row["background_rate"] == 3e-4 and row["background_source"] == "batch"


def test_the_lod_rises_with_the_background_and_a_noisy_site_is_a_no_call():
    samples = followed(("D", "diagnosis", 0), ("F", "follow-up", 30))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 0, 10000)]}
    quiet = mrd_rows(run_of(samples, track, FixedBackground(1e-6)), MrdSettings())[1]
    noisy = mrd_rows(run_of(samples, track, FixedBackground(1e-3, rho=1e-3)), MrdSettings())[1]
    assert quiet["mrd_status"] == "not detected" and quiet["lod_vaf"] < 1e-3
    assert noisy["mrd_status"] == "no-call" and noisy["lod_vaf"] > 1e-3


def test_detected_below_loq_when_significant_but_too_few_to_quantify():
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30), ("G", "g", 60))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 4, 50000, "molecules", 3)],
             "G": [measured("G", 30, 50000, "molecules", 25)]}
    rows = {r["sample"]: r for r in mrd_rows(run_of(samples, track, FixedBackground(1e-6)), MrdSettings())}
    assert rows["F"]["mrd_status"] == "detected below LOQ" and rows["G"]["mrd_status"] == "detected"
    assert (rows["G"]["count_unit"], rows["G"]["alt_duplex"]) == ("molecules", 25)


def test_dna_input_limits_the_lod_and_gives_it_in_genome_equivalents():
    # 10 ng is ~3,030 haploid genomes: 100,000 fragments cannot sample more molecules than that.
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30, 10.0), ("G", "g", 60))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 0, 100000)], "G": [measured("G", 0, 100000)]}
    rows = {r["sample"]: r for r in mrd_rows(run_of(samples, track, FixedBackground(1e-6)), MrdSettings(max_lod=0.01))}
    assert rows["F"]["genome_equivalents"] == 3030
    assert rows["F"]["lod_vaf"] > 10 * rows["G"]["lod_vaf"]
    assert rows["F"]["lod_genome_equivalents"] == pytest.approx(rows["F"]["lod_vaf"] * 3030, abs=0.1)
    assert rows["G"]["genome_equivalents"] is None and rows["G"]["lod_genome_equivalents"] is None


def test_an_amplicon_without_umis_or_dna_input_has_no_lod_so_no_negative():
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30), ("G", "g", 60, 50.0))
    samples = {name: replace(sample, assay="amplicon") for name, sample in samples.items()}
    track = {"D": [measured("D", 40000, 100000)], "F": [measured("F", 0, 100000)],
             "G": [measured("G", 0, 100000)]}
    rows = {r["sample"]: r for r in mrd_rows(run_of(samples, track, FixedBackground(1e-6)), MrdSettings())}
    assert rows["F"]["lod_vaf"] is None and rows["F"]["mrd_status"] == "no-call"
    assert rows["G"]["mrd_status"] == "not detected"  # 50 ng: ~15,000 genomes sampled at most


def test_rna_reads_keep_their_duplicates_so_an_unseen_allele_is_no_negative():
    # Without UMIs an RNA read count is no count of molecules: no LOD, so no "not detected".
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30))
    samples = {name: replace(sample, assay="rna") for name, sample in samples.items()}
    track = {"D": [measured("D", 40000, 100000)], "F": [measured("F", 0, 100000)]}
    rows = {r["sample"]: r for r in mrd_rows(run_of(samples, track, FixedBackground(1e-6)), MrdSettings())}
    assert rows["F"]["lod_vaf"] is None and rows["F"]["mrd_status"] == "no-call"
    assert rows["F"]["vaf_source"] == "rna"


def test_a_low_signal_beside_a_high_carrier_of_another_patient_names_it_as_a_possible_source():
    settings = MrdSettings(max_hop_rate=0.01)
    carriers = (("X1", "P2", 0.45),)
    assert contamination_source(0.002, carriers, settings) == "X1"
    assert contamination_source(0.01, carriers, settings) is None
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 20, 10000)]}
    rows = mrd_rows(run_of(samples, track, FixedBackground(1e-6, carriers=carriers)), settings)
    assert rows[1]["contamination_source"] == "X1" and rows[0]["contamination_source"] is None


def snp_site(genotype, pos=28050157):
    snp = IdentitySnp("chr13", pos, "G", "A", "rs1", 0.5, "")
    return SiteGenotype(snp, 10, 10, 20, genotype)


def test_an_identity_mismatch_turns_the_sample_into_a_no_call():
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 300, 10000)]}
    identity = {"D": [snp_site("0/0")], "F": [snp_site("1/1")]}
    rows = mrd_rows(run_of(samples, track, FixedBackground(1e-6), identity), MrdSettings())
    assert rows[1]["mrd_status"] == "no-call" and rows[1]["identity"].startswith("mismatch")
    assert rows[0]["identity"] == "baseline"


def test_too_few_identity_snps_is_said_and_does_not_stop_the_value():
    samples = followed(("D", "diagnosis", 0), ("F", "f", 30))
    track = {"D": [measured("D", 4000, 10000)], "F": [measured("F", 300, 10000)]}
    identity = {"D": [snp_site("0/1")], "F": [snp_site("0/1")]}
    row = mrd_rows(run_of(samples, track, FixedBackground(1e-6), identity), MrdSettings())[1]
    assert row["mrd_status"] == "detected" and row["identity"].startswith("not enough SNPs")


def profile(alt, depth):
    sites = SiteProfile()
    sites.depth[KEY[:2]] = (depth // 2, depth - depth // 2)
    if alt:
        sites.alleles[KEY] = (alt // 2, alt - alt // 2)
    return sites


def test_the_control_is_the_other_patients_samples_never_the_patients_own():
    # P1's own remission sample shows the allele at 0.5%: it must not raise P1's background.
    profiles = [("D", "P1", profile(4000, 10000)), ("F", "P1", profile(50, 10000))]
    profiles += [(f"O{i}", f"P{i + 2}", profile(1 if i < 3 else 0, 10000)) for i in range(8)]
    background, _ = RunBackground(profiles, None, lambda *a: "C", BackgroundSettings(rho_min=1e-5)).of(KEY, "P1")
    assert background.source == "batch" and background.samples == 8
    assert background.rate < 1e-4


def test_another_patients_carrier_is_left_out_of_the_control_and_kept_as_a_possible_source():
    profiles = [("D", "P1", profile(4000, 10000))]
    profiles += [(f"O{i}", f"P{i + 2}", profile(0, 10000)) for i in range(6)] + [("X", "P9", profile(4500, 10000))]
    background, carriers = RunBackground(profiles, None, lambda *a: "C", BackgroundSettings(rho_min=1e-5)).of(KEY, "P1")
    assert background.rate < 1e-4 and [c[0] for c in carriers] == ["X"]


def test_without_profiles_to_learn_from_the_default_model_decides():
    profiles = [("D", "P1", profile(4000, 10000)), ("O", "P2", profile(0, 10000))]
    # The only position is the allele's own, a real variant: nothing to learn an error rate from.
    background, _ = RunBackground(profiles, None, lambda *a: "C", BackgroundSettings(rho_min=1e-5)).of(KEY, "P1")
    assert (background.source, background.samples) == ("default", 0)


SNV_KEY = ("chr13", 1000, "C", "A")


def class_profile(errors: int, vaf_at_site: float = 0.0):
    """A sample with 200 C positions of 10,000 reads, ``errors`` C>A reads spread over them, and the
    tracked C>A at position 1000 at ``vaf_at_site``."""
    sites = SiteProfile()
    for pos in range(1000, 1200):
        sites.depth["chr13", pos] = (5000, 5000)
    for i in range(errors):
        key = ("chr13", 1001 + i % 199, "C", "A")
        sites.alleles[key] = (sites.alleles.get(key, (0, 0))[0] + 1, 0)
    if vaf_at_site:
        sites.alleles[SNV_KEY] = (int(vaf_at_site * 5000), int(vaf_at_site * 5000))
    return sites


def test_when_every_patient_carries_the_allele_the_runs_error_rate_for_its_class_decides():
    # An MRD run of D835Y patients: each one's diagnosis carries it, each one's follow-ups may hold
    # true residual disease. No site control exists; the run's C>A rate elsewhere is the yardstick.
    profiles = []
    for i in range(6):
        profiles.append((f"D{i}", f"P{i}", class_profile(40, vaf_at_site=0.4)))
        profiles.append((f"F{i}", f"P{i}", class_profile(40, vaf_at_site=0.001)))
    background, carriers = RunBackground(profiles, None, lambda *a: "C",
                                         BackgroundSettings(rho_min=1e-5)).of(SNV_KEY, "P0")
    assert background.source == "class" and background.samples == 12
    # 480 C>A error reads over 12 samples x 40 positions x 10,000 reads: substitutions count where
    # some sample shows one (the caller profiles them at the TKD codons only); the tracked site,
    # a real variant, is left out.
    assert background.rate == pytest.approx(480 / (12 * 40 * 10_000), rel=0.05)
    assert [c[0] for c in carriers] == [f"D{i}" for i in range(1, 6)]


def test_a_patient_carrying_the_allele_is_left_out_of_the_site_control_whole():
    # P2's follow-up holds true MRD at 0.1%: it must not raise anyone's background.
    profiles = [("D", "P1", profile(4000, 10000))]
    profiles += [(f"O{i}", f"P{i + 3}", profile(0, 10000)) for i in range(5)]
    profiles += [("X", "P2", profile(4000, 10000)), ("Y", "P2", profile(10, 10000))]
    background, _ = RunBackground(profiles, None, lambda *a: "C", BackgroundSettings(rho_min=1e-5)).of(KEY, "P1")
    assert background.source == "batch" and background.samples == 5


def test_a_follow_up_without_its_measurement_is_an_error_not_a_gap():
    samples = followed(("D", "diagnosis", 0), ("A", "a", 10))
    with pytest.raises(ValueError, match="no MRD measurement .* in sample A; re-run 'npm1-flt3 track'"):
        mrd_rows(run_of(samples, {"D": [measured("D", 200, 500)]}), NO_TEST)


def test_the_mrd_command_reads_the_followed_samples_and_their_track_tables_from_the_manifest(tmp_path, monkeypatch):
    from npm1_flt3.background import write_profile
    from npm1_flt3.cli import main
    from npm1_flt3.packaged import GENE_SLICES_FASTA
    from npm1_flt3.samples import build_samples, write_manifest
    from npm1_flt3.sheet import Unit
    from npm1_flt3.track import TRACK_COLUMNS

    monkeypatch.chdir(tmp_path)  # the manifest's paths are relative to the working folder
    rows = [("R", "P1", "relapse", 90), ("D", "P1", "diagnosis", 0), ("X", "P2", "diagnosis", None)]
    units = [Unit(sample=name, unit="L1", fq1=Path(f"/data/{name}.fq.gz"), fq2=None, patient=patient,
                  timepoint=timepoint, assay="capture", line=0, day=day) for name, patient, timepoint, day in rows]
    write_manifest(build_samples(units), Path("manifest.tsv"))
    Path("results/mrd").mkdir(parents=True)
    Path("results/calls").mkdir(parents=True)
    for sample, alt in (("D", 200), ("R", 30)):  # X's patient is not followed: no track table
        row = measured(sample, alt, 3000)
        Path(f"results/mrd/{sample}.track.tsv").write_text(
            "\t".join(TRACK_COLUMNS) + "\n" + "\t".join(row[c] for c in TRACK_COLUMNS) + "\n")
        Path(f"results/mrd/{sample}.identity.tsv").write_text(
            "rsid\tchrom\tpos\tref\talt\tref_count\talt_count\tdepth\tgenotype\n")
    for sample in "DRX":
        write_profile(profile(0, 3000), Path(f"results/calls/{sample}.profile.tsv.gz"))
    assert main(["mrd", "--manifest", "manifest.tsv", "--out", "mrd.tsv", "--plots-dir", "plots",
                 "--reference", str(GENE_SLICES_FASTA)]) == 0
    with open("mrd.tsv") as handle:
        table = list(csv.DictReader(handle, delimiter="\t"))
    assert [(r["sample"], r["role"], r["mrd_status"], r["background_source"]) for r in table] == \
        [("D", "baseline", "detected", "class"), ("R", "follow-up", "detected", "class")]
    assert sorted(p.name for p in Path("plots").iterdir()) == ["P1.trajectory.svg"]


def test_alleles_are_labelled_as_a_clinician_names_them():
    assert allele_label(ALLELE) == "NPM1 type A (c.860_863dup)"
    itd = {**ALLELE, "gene": "FLT3", "type": "ITD", "length": "30", "hgvs_c": "NM_004119.3:c.1771_1800dup",
           "npm1_type": ""}
    assert allele_label(itd) == "FLT3-ITD 30 bp (c.1771_1800dup)"
    tkd = {**itd, "type": "SNV", "hgvs_p": "p.(Asp835Tyr)"}
    assert allele_label(tkd) == "FLT3 p.(Asp835Tyr)"


@pytest.mark.parametrize("tool, text, version", [
    ("fastp", "fastp 0.23.2\n", "0.23.2"),
    ("bwa", "Version: 0.7.17-r1188\n", "0.7.17-r1188"),
    ("samtools", "samtools 1.16.1\nUsing htslib 1.16\n", "1.16.1"),
    ("mosdepth", "mosdepth 0.3.3\n", "0.3.3"),
])
def test_tool_versions_are_read_from_what_each_tool_prints(tool, text, version):
    assert tool_version(tool, text) == version


def test_an_unreadable_version_is_an_error():
    with pytest.raises(ValueError, match="cannot read the fastp version"):
        tool_version("fastp", "command not found")


def test_errors_are_classed_by_the_change_on_either_strand_and_indels_by_length():
    from npm1_flt3.run_background import error_class

    assert error_class(("c", 1, "C", "A")) == error_class(("c", 1, "G", "T")) == ("SNV", "C", "A")
    assert error_class(("c", 1, "A", "G")) == ("SNV", "T", "C")
    assert error_class(("c", 1, "C", "CTCTG")) == ("INS", 3)  # NPM1 type A: 4 bases, '3 or more'
    assert error_class(("c", 1, "CA", "C")) == ("DEL", 1)
