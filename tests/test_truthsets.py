"""Spec tests for the benchmark truth sets (bash benchmarks/simulate; benchmarks/README.md,
"Truth set folder"). Shallow (--depth-scale 0.05): these check the design and the files, the
benchmarks themselves measure accuracy."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from npm1_flt3.sheet import load_sheet
from npm1_flt3.variants import Variant, left_normalise

from sim_files import count_containing, md5_tree, read_tsv, fastq_names_and_seqs, sample_reads
from conftest import EXONS, REFERENCE, REPO

SCALE = "0.05"
SETS = ("capture150", "capture100", "amplicon")
PREFIX = {"capture150": "c150", "capture100": "c100", "amplicon": "amp"}
READ_LENGTH = {"capture150": 150, "capture100": 100, "amplicon": 250}
ITD_LENGTHS = [6, 12, 21, 30, 45, 60, 90, 120, 150, 180, 240, 300]
ITD_FIRST, ITD_LAST = 28033887, 28034214  # FLT3 exons 15..14 with intron 14
FILES = ["samples.tsv", "truth.tsv", "truth_status.tsv", "samples_info.tsv", "truthset.json"]


def simulate(
    outdir: Path, *extra: str, seed: int = 7, check: bool = True
) -> subprocess.CompletedProcess:
    """Through the documented wrapper, from another working folder (it must cd itself)."""
    command = ["bash", str(REPO / "benchmarks" / "simulate"), "--outdir", str(outdir),
               "--seed", str(seed), "--depth-scale", SCALE, "--reference", str(REFERENCE),
               "--annotation", str(EXONS), *extra]
    done = subprocess.run(command, capture_output=True, text=True, cwd=outdir.parent)
    if check and done.returncode != 0:
        raise AssertionError(f"benchmarks/simulate failed ({done.returncode}):\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def truthsets(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("truthsets") / "sets"
    simulate(outdir)
    return outdir


def truth_by_sample(set_dir: Path) -> dict[str, list[dict[str, str]]]:
    rows = defaultdict(list)
    for row in read_tsv(set_dir / "truth.tsv"):
        rows[row["sample"]].append(row)
    return rows


def roles(set_dir: Path) -> dict[str, str]:
    return {r["sample"]: r["role"] for r in read_tsv(set_dir / "samples_info.tsv")}


def smallest_itd_split(row: dict[str, str], fetch) -> int | None:
    """Fewest non-templated bases with which the row reads as copy + extra + copy of the
    adjacent reference (brute force over every placement), None if it is no duplication."""
    pos, inserted = int(row["pos"]), row["alt"][1:]
    flank = 2 * len(inserted) + 40
    start = pos - flank
    ref = fetch(row["chrom"], start, pos + flank)
    cut = pos - start + 1
    mutant = ref[:cut] + inserted + ref[cut:]
    for extra in range(len(inserted)):
        size = len(inserted) - extra
        for a in range(len(ref) - size):
            # mutant == ref[:a] + S + E + S + ref[a + size:], with S = ref[a:a + size]
            if mutant[: a + size] == ref[: a + size] and mutant[a + size + extra:] == ref[a:]:
                return extra
    return None


# --- folders -----------------------------------------------------------------------------------


def test_every_set_has_the_contract_files(truthsets):
    assert sorted(p.name for p in truthsets.iterdir()) == sorted(SETS)  # no staging left over
    for name in SETS:
        folder = truthsets / name
        for file in FILES:
            assert (folder / file).is_file(), (name, file)
        header = {f: (folder / f).read_text().splitlines()[0].split("\t") for f in FILES[:4]}
        assert header["truth.tsv"] == ["sample", "gene", "chrom", "pos", "ref", "alt", "type",
                                       "length", "vaf", "extra_bases"]
        assert header["truth_status.tsv"] == ["sample", "npm1_status", "flt3_itd_status",
                                              "flt3_tkd_status"]
        assert header["samples_info.tsv"] == ["sample", "set", "assay", "read_length", "paired",
                                              "depth", "role"]
        meta = json.loads((folder / "truthset.json").read_text())
        assert meta["seed"] == 7 and meta["depth_scale"] == 0.05 and meta["set"] == name
        assert "simulator_version" in meta


def test_sheet_is_accepted_and_lists_every_sample(truthsets):
    for name in SETS:
        units = load_sheet(truthsets / name / "samples.tsv")
        info = read_tsv(truthsets / name / "samples_info.tsv")
        assert sorted(u.sample for u in units) == sorted(r["sample"] for r in info)
        assay = "amplicon" if name == "amplicon" else "capture"
        assert all(u.paired and u.assay == assay for u in units)
        assert all(r["set"] == name and r["assay"] == assay and r["paired"] == "true"
                   and r["read_length"] == str(READ_LENGTH[name]) for r in info)


def test_same_seed_gives_the_same_bytes_whatever_the_parallelism(truthsets, tmp_path):
    again = tmp_path / "again"
    simulate(again, "--sets", "capture150", "--jobs", "1")
    assert md5_tree(again / "capture150") == md5_tree(truthsets / "capture150")


def test_another_seed_gives_another_set(truthsets, tmp_path):
    simulate(tmp_path / "other", "--sets", "amplicon", seed=8)
    other = read_tsv(tmp_path / "other" / "amplicon" / "truth.tsv")
    assert other != read_tsv(truthsets / "amplicon" / "truth.tsv")


def test_rerun_with_the_same_parameters_leaves_the_sets_untouched(truthsets):
    before = {p: p.stat().st_mtime_ns for p in truthsets.rglob("*")}
    done = simulate(truthsets)
    assert "nothing to do" in done.stderr
    assert {p: p.stat().st_mtime_ns for p in truthsets.rglob("*")} == before


def test_a_foreign_folder_is_refused_not_replaced(tmp_path):
    foreign = tmp_path / "sets" / "amplicon"
    foreign.mkdir(parents=True)
    (foreign / "mine.txt").write_text("user data\n")
    done = simulate(tmp_path / "sets", "--sets", "amplicon", check=False)
    assert done.returncode != 0 and "truthset.json" in done.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["mine.txt"]


def test_unknown_set_is_a_usage_error(tmp_path):
    done = simulate(tmp_path / "sets", "--sets", "capture150,exome", check=False)
    assert done.returncode == 2 and "exome" in done.stderr


# --- names -------------------------------------------------------------------------------------


def test_sample_names_are_neutral_running_numbers(truthsets):
    for name in SETS:
        info = read_tsv(truthsets / name / "samples_info.tsv")
        samples = [r["sample"] for r in info]
        assert samples == [f"{PREFIX[name]}_{n:03d}" for n in range(1, len(samples) + 1)]
        # The numbering is shuffled: neither roles nor ITD lengths follow it.
        assert [r["role"] for r in info] != sorted(r["role"] for r in info), name
        lengths = [int(r["length"]) for r in read_tsv(truthsets / name / "truth.tsv")
                   if r["type"] == "ITD"]
        assert lengths != sorted(lengths) and lengths != sorted(lengths, reverse=True), name


def test_read_names_are_neutral_and_mates_share_them(truthsets):
    for name in SETS:
        seen: set[str] = set()
        for r1 in sorted((truthsets / name / "fastq").glob("*_R1.fastq.gz")):
            sample = r1.name.split("_L1_")[0]
            names1, seqs1 = fastq_names_and_seqs(r1)
            assert names1 and all(re.fullmatch(rf"@sim:{sample}:\d+", n) for n in names1), r1.name
            names2, seqs2 = fastq_names_and_seqs(r1.with_name(r1.name.replace("_R1.", "_R2.")))
            assert names2 == names1
            assert {len(s) for s in seqs1 + seqs2} == {READ_LENGTH[name]}
            assert not seen & set(names1)
            seen |= set(names1)


# --- truth -------------------------------------------------------------------------------------


def test_truth_rows_are_left_normalised_reference_matching_variants(truthsets, reference):
    for name in SETS:
        for row in read_tsv(truthsets / name / "truth.tsv"):
            variant = Variant(row["chrom"], int(row["pos"]), row["ref"], row["alt"])
            assert left_normalise(variant, reference.fetch) == variant, row
            last = variant.pos + len(variant.ref) - 1
            assert reference.fetch(variant.chrom, variant.pos, last) == variant.ref, row
            assert row["type"] in {"INS", "DEL", "DELINS", "SNV", "ITD"}
            assert int(row["length"]) == variant.length
            if row["type"] != "ITD":
                assert row["type"] == variant.kind and row["extra_bases"] == "0", row


def test_itds_are_in_frame_duplications_inside_exons_14_15(truthsets, reference):
    for name in SETS:
        itds = [r for r in read_tsv(truthsets / name / "truth.tsv") if r["type"] == "ITD"]
        with_extra = 0
        for row in itds:
            length, extra = int(row["length"]), int(row["extra_bases"])
            assert row["gene"] == "FLT3" and row["chrom"] == "chr13"
            assert len(row["alt"]) - 1 == length and len(row["ref"]) == 1
            assert length % 3 == 0 and length in ITD_LENGTHS, row
            # The inserted bases minus the extra ones are a copy of the adjacent reference,
            # and no fewer extra bases would do (they are truly non-templated).
            assert smallest_itd_split(row, reference.fetch) == extra, row
            assert 0 <= extra <= 6 and length - extra >= 3
            with_extra += extra > 0
            # Inside the region: the insertion point, and the copy next to it.
            pos = int(row["pos"])
            assert ITD_FIRST < pos and pos + length - extra <= ITD_LAST, row
        assert len(itds) // 3 - 1 <= with_extra <= len(itds) // 3 + 1, name


def test_capture150_holds_the_designed_variants(truthsets):
    rows = read_tsv(truthsets / "capture150" / "truth.tsv")
    itds = Counter((int(r["length"]), r["vaf"]) for r in rows if r["type"] == "ITD")
    expected = Counter((n, v) for n in ITD_LENGTHS for v in ("0.4", "0.1", "0.05", "0.01"))
    expected.update([(30, "0.2"), (90, "0.1")])  # the two-clone sample
    assert itds == expected
    npm1 = Counter((r["pos"], r["alt"], r["vaf"]) for r in rows
                   if r["gene"] == "NPM1" and int(r["pos"]) >= 171410526)
    assert len(npm1) == 36 and set(npm1.values()) == {1}
    assert ("171410539", "CTCTG", "0.005") in npm1  # type A = c.860_863dup
    assert {(p, a) for p, a, _ in npm1} >= {("171410541", "CTGCA"), ("171410540", "TCTGC")}
    assert {v for _, _, v in npm1} == {"0.5", "0.2", "0.05", "0.02", "0.01", "0.005"}
    other_exons = [r for r in rows if r["gene"] == "NPM1" and int(r["pos"]) < 171410526]
    assert len(other_exons) == 6 and {r["vaf"] for r in other_exons} == {"0.2", "0.05"}
    tkd = Counter((r["pos"], r["ref"], r["alt"]) for r in rows
                  if r["gene"] == "FLT3" and r["type"] != "ITD")
    assert tkd == {("28018505", "C", "A"): 3, ("28018505", "C", "G"): 3,
                   ("28018497", "CATG", "C"): 3}


def test_capture150_other_npm1_exons_are_inside_legacy_exons_5_9_11(truthsets):
    exons = {5: (171392710, 171392816), 9: (171405302, 171405403), 11: (171407700, 171407774)}
    found = set()
    for row in read_tsv(truthsets / "capture150" / "truth.tsv"):
        if row["gene"] == "NPM1" and int(row["pos"]) < 171410526:
            changed = int(row["pos"]) + 1  # first base after the VCF anchor
            found |= {e for e, (a, b) in exons.items() if a <= changed <= b}
    assert found == {5, 9, 11}


def test_capture100_and_amplicon_hold_the_designed_variants(truthsets):
    for name, npm1_vafs, tkd in (("capture100", {"0.05"}, 1), ("amplicon", {"0.05", "0.01"}, 0)):
        rows = read_tsv(truthsets / name / "truth.tsv")
        itds = Counter((int(r["length"]), r["vaf"]) for r in rows if r["type"] == "ITD")
        assert itds == Counter((n, v) for n in ITD_LENGTHS for v in ("0.4", "0.05"))
        npm1 = {(r["pos"], r["alt"], r["vaf"]) for r in rows if r["gene"] == "NPM1"}
        assert npm1 == {(p, a, v) for p, a in (("171410539", "CTCTG"), ("171410541", "CTGCA"),
                                               ("171410540", "TCTGC")) for v in npm1_vafs}
        assert sum(r["gene"] == "FLT3" and r["type"] != "ITD" for r in rows) == tkd


def test_samples_pack_at_most_one_variant_per_region(truthsets):
    for name in SETS:
        truth, role = truth_by_sample(truthsets / name), roles(truthsets / name)
        for sample, rows in truth.items():
            assert role[sample] == "variant"
            kinds = Counter("ITD" if r["type"] == "ITD" else r["gene"] for r in rows)
            assert kinds["NPM1"] <= 1 and kinds["FLT3"] <= 1, (sample, rows)
            assert kinds["ITD"] <= 1 or (name == "capture150" and kinds == {"ITD": 2})
        assert all(s in truth for s, r in role.items() if r == "variant")
    counts = Counter(roles(truthsets / "capture150").values())
    assert counts == {"variant": 51, "wildtype_control": 4, "low_coverage": 1}
    for name in ("capture100", "amplicon"):
        assert Counter(roles(truthsets / name).values()) == {"variant": 24, "wildtype_control": 2}


def test_two_itd_clones_in_one_sample_add_up_below_one(truthsets):
    truth = truth_by_sample(truthsets / "capture150")
    double = [rows for rows in truth.values() if sum(r["type"] == "ITD" for r in rows) == 2]
    assert len(double) == 1
    assert sorted((int(r["length"]), float(r["vaf"])) for r in double[0]) == [(30, 0.2), (90, 0.1)]


# --- status ------------------------------------------------------------------------------------


def test_truth_status_agrees_with_truth(truthsets):
    for name in SETS:
        truth, role = truth_by_sample(truthsets / name), roles(truthsets / name)
        for row in read_tsv(truthsets / name / "truth_status.tsv"):
            sample, rows = row["sample"], truth.get(row["sample"], [])
            if role[sample] == "low_coverage":
                continue
            npm1 = any(r["gene"] == "NPM1" for r in rows)
            itd = any(r["type"] == "ITD" for r in rows)
            tkd = any(r["gene"] == "FLT3" and r["type"] != "ITD" for r in rows)
            assert row["npm1_status"] == ("mutated" if npm1 else "wild-type"), row
            assert row["flt3_itd_status"] == ("present" if itd else "absent"), row
            expected_tkd = "no-call" if name == "amplicon" else ("present" if tkd else "absent")
            assert row["flt3_tkd_status"] == expected_tkd, row


def test_low_coverage_sample_is_a_no_call_everywhere_and_shallow(truthsets, reference):
    folder = truthsets / "capture150"
    low = [s for s, r in roles(folder).items() if r == "low_coverage"]
    assert len(low) == 1
    status = {r["sample"]: r for r in read_tsv(folder / "truth_status.tsv")}[low[0]]
    assert [status[k] for k in ("npm1_status", "flt3_itd_status", "flt3_tkd_status")] == [
        "no-call"] * 3
    assert low[0] not in truth_by_sample(folder)
    info = {r["sample"]: r for r in read_tsv(folder / "samples_info.tsv")}
    assert info[low[0]]["depth"] == "20"  # fixed, whatever --depth-scale says
    kmer = reference.fetch("chr5", 171410530, 171410550)
    assert count_containing(sample_reads(folder, low[0]), kmer) < 40


def test_amplicon_set_has_no_exon20_reads(truthsets, reference):
    kmer = reference.fetch("chr13", 28018494, 28018514)
    folder = truthsets / "amplicon"
    for sample in list(roles(folder))[:3]:
        assert count_containing(sample_reads(folder, sample), kmer) == 0


def test_low_vaf_npm1_samples_are_sequenced_deeper_over_exon_12(truthsets, reference):
    folder = truthsets / "capture150"
    info = {r["sample"]: r for r in read_tsv(folder / "samples_info.tsv")}
    assert {info[s]["depth"] for s, r in roles(folder).items() if r != "low_coverage"} == {"50"}
    assert json.loads((folder / "truthset.json").read_text())["depth"][
        "npm1_exon12_when_vaf_at_most"] == {"0.02": 100.0}
    npm1_kmer = reference.fetch("chr5", 171410500, 171410520)  # exon 12, off the insertions
    tkd_kmer = reference.fetch("chr13", 28018494, 28018514)
    ratio = defaultdict(list)
    for sample, rows in truth_by_sample(folder).items():
        vafs = [float(r["vaf"]) for r in rows if r["gene"] == "NPM1" and int(r["pos"]) > 171410526]
        if vafs:
            reads = sample_reads(folder, sample)
            deep = vafs[0] <= 0.02
            npm1, tkd = count_containing(reads, npm1_kmer), count_containing(reads, tkd_kmer)
            ratio[deep].append(npm1 / tkd)
    mean = {deep: sum(v) / len(v) for deep, v in ratio.items()}
    assert len(ratio[True]) == 18 and mean[True] > 1.6 * mean[False]


def test_planted_itds_are_in_the_reads_and_not_in_the_controls(truthsets, reference):
    folder = truthsets / "capture150"
    controls = [s for s, r in roles(folder).items() if r == "wildtype_control"]
    control_reads = [read for s in controls for read in sample_reads(folder, s)]
    checked = 0
    for sample, rows in truth_by_sample(folder).items():
        for row in rows:
            if row["type"] == "ITD" and row["vaf"] == "0.4" and int(row["length"]) <= 60:
                pos = int(row["pos"])
                # Mutant-only k-mer: the end of the inserted bases, then the reference after them
                # (for a duplication, the end of one copy and the start of the other).
                junction = row["alt"][1:][-12:] + reference.fetch("chr13", pos + 1, pos + 12)
                assert junction not in reference.fetch("chr13", pos - 400, pos + 400)
                assert count_containing(sample_reads(folder, sample), junction) >= 3, row
                assert count_containing(control_reads, junction) == 0, row
                checked += 1
    assert checked == 6
