"""Spec tests for the seeded demo-cohort simulator (python -m benchmarks.simulation demo; benchmarks/simulation.py)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from benchmarks import simulation as simulate
from npm1_flt3.variants import Variant, left_normalise

from sim_files import count_containing, md5_tree, read_tsv, fastq_names_and_seqs, sample_reads
from conftest import EXONS, REFERENCE

SAMPLES = [f"S{i:02d}" for i in range(1, 12)]


def simulate_into(outdir: Path, seed: int = 1, scale: float = 1.0) -> int:
    # Through the module's own parser: exercises the documented options.
    parser = argparse.ArgumentParser()
    simulate.configure_parser(parser)
    args = parser.parse_args([
        "--reference", str(REFERENCE), "--annotation", str(EXONS), "--outdir", str(outdir),
        "--seed", str(seed), "--depth-scale", str(scale),
    ])
    return simulate.run(args)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("sim") / "demo"
    assert simulate_into(outdir) == 0
    return outdir


def test_same_seed_gives_byte_identical_files(demo, tmp_path):
    assert simulate_into(tmp_path / "again") == 0
    assert md5_tree(tmp_path / "again") == md5_tree(demo)


def test_rerun_with_same_seed_leaves_folder_untouched(demo):
    before = {p: p.stat().st_mtime_ns for p in demo.rglob("*")}
    assert simulate_into(demo) == 0
    assert {p: p.stat().st_mtime_ns for p in demo.rglob("*")} == before


def test_no_staging_folders_left_behind(demo):
    assert sorted(p.name for p in demo.parent.iterdir()) == ["demo"]


def test_foreign_non_empty_outdir_is_refused(tmp_path):
    (tmp_path / "mine.txt").write_text("user data\n")
    with pytest.raises(simulate.SimulationError):
        simulate_into(tmp_path)
    assert (tmp_path / "mine.txt").exists()


def test_other_parameters_replace_an_older_demo(tmp_path):
    # A tiny depth keeps this quick; what matters is the replacement, not the reads.
    outdir = tmp_path / "demo"
    assert simulate_into(outdir, seed=2, scale=0.05) == 0
    first = md5_tree(outdir)
    assert simulate_into(outdir, seed=3, scale=0.05) == 0
    assert '"seed": 3' in (outdir / "demo.json").read_text()
    second = md5_tree(outdir)
    assert first.keys() == second.keys() and first["fastq/S04_L1_R1.fastq.gz"] != second[
        "fastq/S04_L1_R1.fastq.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_seeds_are_independent_per_call():
    assert simulate.derived_seed(1, "S04", 4, 1) != simulate.derived_seed(2, "S04", 4, 1)
    assert simulate.derived_seed(1, "S04", 4, 1) != simulate.derived_seed(1, "S04", 4, 0)


def test_sheet_lists_every_sample_with_its_units_and_pairedness(demo):
    rows = read_tsv(demo / "samples.tsv")
    assert list(rows[0]) == ["sample", "unit", "fq1", "fq2", "patient", "timepoint", "assay", "day"]
    units = {(r["sample"], r["unit"]) for r in rows}
    assert units == {("S01", "L1"), ("S01", "L2")} | {(s, "L1") for s in SAMPLES[1:]}
    for row in rows:
        assert not Path(row["fq1"]).is_absolute() and (demo / row["fq1"]).is_file()
        assert (row["fq2"] == "") == (row["sample"] == "S03")
        if row["fq2"]:
            assert (demo / row["fq2"]).is_file()
        # S10 and S11 follow patient P06 (S06); every other sample is its own patient.
        assert row["patient"] == ("P06" if row["sample"] in ("S10", "S11") else "P" + row["sample"][1:])
        assert row["assay"] == ("amplicon" if row["sample"] == "S09" else "capture")


def test_read_names_are_neutral_and_mates_share_them(demo):
    pattern = re.compile(r"^@demo:S\d\d:\d+$")
    for r1 in sorted((demo / "fastq").glob("*_R1.fastq.gz")):
        names1, seqs1 = fastq_names_and_seqs(r1)
        assert names1 and all(pattern.match(n) for n in names1), r1.name
        r2 = r1.with_name(r1.name.replace("_R1.", "_R2."))
        if r2.exists():
            assert fastq_names_and_seqs(r2)[0] == names1
    # The two lanes of S01 are one library: read names must not repeat across them.
    lanes = [fastq_names_and_seqs(demo / f"fastq/S01_{u}_R1.fastq.gz")[0] for u in ("L1", "L2")]
    assert not set(lanes[0]) & set(lanes[1])


def test_read_lengths_follow_the_assay(demo):
    assert {len(s) for s in fastq_names_and_seqs(demo / "fastq/S04_L1_R1.fastq.gz")[1]} == {150}
    assert {len(s) for s in fastq_names_and_seqs(demo / "fastq/S09_L1_R2.fastq.gz")[1]} == {250}


def test_truth_rows_are_left_normalised(demo, reference):
    rows = read_tsv(demo / "truth.tsv")
    assert list(rows[0]) == [
        "sample", "gene", "chrom", "pos", "ref", "alt", "type", "length", "vaf"]
    for row in rows:
        variant = Variant(row["chrom"], int(row["pos"]), row["ref"], row["alt"])
        assert left_normalise(variant, reference.fetch) == variant
        last = variant.pos + len(variant.ref) - 1
        assert reference.fetch(variant.chrom, variant.pos, last) == variant.ref


def test_truth_table_holds_the_cohort(demo):
    rows = {(r["sample"], r["type"], r["chrom"], r["pos"], r["ref"], r["alt"][:5], r["length"],
             r["vaf"]) for r in read_tsv(demo / "truth.tsv")}
    assert ("S01", "INS", "chr5", "171410539", "C", "CTCTG", "4", "0.05") in rows
    assert ("S02", "INS", "chr5", "171410541", "C", "CTGCA", "4", "0.05") in rows
    assert ("S06", "SNV", "chr13", "28018505", "C", "A", "1", "0.1") in rows
    assert ("S03", "INS", "chr5", "171410540", "T", "TCTGC", "4", "0.05") in rows
    itd_lengths = {r[0]: int(r[6]) for r in rows if r[1] == "ITD"}
    assert itd_lengths == {"S04": 21, "S05": 60, "S06": 30, "S09": 21}
    assert {r[0] for r in rows} == {"S01", "S02", "S03", "S04", "S05", "S06", "S09", "S11"}


def test_truth_status_says_what_a_caller_must_report(demo):
    status = {r["sample"]: (r["npm1_status"], r["flt3_itd_status"], r["flt3_tkd_status"])
              for r in read_tsv(demo / "truth_status.tsv")}
    assert status == {
        "S01": ("mutated", "absent", "absent"),
        "S02": ("mutated", "absent", "absent"),
        "S03": ("mutated", "absent", "absent"),
        "S04": ("wild-type", "present", "absent"),
        "S05": ("wild-type", "present", "absent"),
        "S06": ("mutated", "present", "present"),
        "S07": ("wild-type", "absent", "absent"),
        "S08": ("no-call", "no-call", "no-call"),
        "S09": ("wild-type", "present", "no-call"),
        "S10": ("wild-type", "absent", "absent"),  # NPM1 at 0.2%: below min_vaf, MRD only
        "S11": ("mutated", "absent", "absent"),
    }


def test_the_followed_patient_has_three_dated_timepoints_and_an_mrd_level_allele(demo):
    sheet = {r["sample"]: (r["patient"], r["timepoint"], r["day"]) for r in read_tsv(demo / "samples.tsv")}
    assert [sheet[s] for s in ("S06", "S10", "S11")] == [
        ("P06", "diagnosis", "0"), ("P06", "remission", "35"), ("P06", "relapse", "180")]
    [mrd] = read_tsv(demo / "truth_mrd.tsv")
    assert (mrd["sample"], mrd["gene"], mrd["pos"], mrd["alt"], mrd["vaf"]) == ("S10", "NPM1", "171410539", "CTCTG", "0.002")


def test_s04_itd_is_in_the_reads_at_about_its_vaf(demo, reference):
    segment = reference.fetch("chr13", 28034124, 28034144)
    reads = sample_reads(demo, "S04")
    # The copy-to-copy junction exists only in ITD reads; the segment with 10 bp on each side
    # only in wild-type reads (in ITD reads the segment is followed by its second copy).
    mutant = count_containing(reads, segment[-15:] + segment[:15])
    wild_type = count_containing(reads, reference.fetch("chr13", 28034124 - 10, 28034144 + 10))
    assert mutant + wild_type > 200
    assert 0.12 <= mutant / (mutant + wild_type) <= 0.30


def test_s07_has_no_itd_junction(demo, reference):
    segment = reference.fetch("chr13", 28034124, 28034144)
    assert count_containing(sample_reads(demo, "S07"), segment[-15:] + segment[:15]) == 0


def test_s08_is_shallow_and_s07_deep(demo, reference):
    # Reads over the NPM1 hotspot and over D835: ~15x in S08 against ~600x in S07.
    for chrom, pos in (("chr5", 171410540), ("chr13", 28018504)):
        kmer = reference.fetch(chrom, pos - 10, pos + 10)
        assert count_containing(sample_reads(demo, "S08"), kmer) < 40
        assert count_containing(sample_reads(demo, "S07"), kmer) > 300


def test_amplicon_sample_has_no_exon20_reads(demo, reference):
    kmer = reference.fetch("chr13", 28018494, 28018514)
    assert count_containing(sample_reads(demo, "S09"), kmer) == 0


def test_demo_samples_keep_the_demo_sequencing_settings():
    capture = simulate.Sample("X01", "P", "capture", True)
    args = simulate.art_arguments(capture, 1000, 600.0, 1.0, 1.0)
    assert args[:4] == ["-ss", "HS25", "-l", "150"] and args[-5:] == ["-p", "-m", "250", "-s", "40"]
    amplicon = simulate.Sample("X02", "P", "amplicon", True)
    assert simulate.art_arguments(amplicon, 329, 600.0, 0.5, 2.0) == [
        "-ss", "MSv3", "-amp", "-p", "-l", "250", "-f", "1000"]


def test_a_sample_can_carry_its_own_sequencing_and_amplicon_read_count():
    hs20 = simulate.Sequencing("HS20", 100, fragment_mean=200, fragment_sd=30)
    sample = simulate.Sample("X03", "P", "capture", True, sequencing=hs20)
    args = simulate.art_arguments(sample, 1000, 1000.0, 1.0, 1.0)
    assert args[:4] == ["-ss", "HS20", "-l", "100"] and args[-4:] == ["-m", "200", "-s", "30"]
    # The hotspot correction uses this sample's fragment length: f = depth * (L - 200) / L.
    assert float(args[args.index("-f") + 1]) == pytest.approx(800.0)
    amplicon = simulate.Sample("X04", "P", "amplicon", True, amplicon_pairs=2000.0,
                               sequencing=simulate.Sequencing("MSv3", 250, amplicon=True))
    assert simulate.art_arguments(amplicon, 329, 0.0, 0.05, 1.0)[-2:] == ["-f", "100"]


def test_a_sample_can_carry_its_own_windows_with_their_own_depth(reference):
    deep = simulate.Region("chr13", 28018200, 28018800, depth=200.0)
    plain = simulate.Region("chr13", 28033600, 28034500)
    sample = simulate.Sample("X05", "P", "capture", True, depth=50.0, regions=(deep, plain))
    assert simulate.sample_regions(sample, EXONS) == [deep, plain]
    reads = simulate.simulate_sample(sample, reference, EXONS, seed=1, scale=1.0)
    seqs = [seq for record in reads.records for seq in (record[0], record[2])]
    in_deep = count_containing(seqs, reference.fetch("chr13", 28018494, 28018514))
    in_plain = count_containing(seqs, reference.fetch("chr13", 28034120, 28034140))
    assert 2.5 < in_deep / in_plain < 6
    # Nothing outside the sample's own windows (the demo's NPM1 windows are not simulated).
    assert count_containing(seqs, reference.fetch("chr5", 171410530, 171410550)) == 0


def test_read_names_take_the_given_prefix(tmp_path):
    sample = simulate.Sample("X06", "P", "capture", True)
    reads = simulate.Reads(True, [("ACGT", "IIII", "TTTT", "IIII")] * 2)
    (tmp_path / "fastq").mkdir()
    rows = simulate.write_sample_fastqs(sample, reads, tmp_path, "sim")
    assert fastq_names_and_seqs(tmp_path / rows[0]["fq1"])[0] == ["@sim:X06:1", "@sim:X06:2"]
