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
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant, left_normalise

from sim_files import count_containing, md5_tree, read_tsv, fastq_names_and_seqs, sample_reads
from conftest import EXONS, REFERENCE, REPO

pytestmark = pytest.mark.workflow  # test tier (README, "Tests"): simulates benchmark truth sets

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


NPM1_EXON12_START = load_transcripts(EXONS)["NPM1"].exon_by_legacy(12).start


def test_truth_status_agrees_with_truth(truthsets):
    for name in SETS:
        truth, role = truth_by_sample(truthsets / name), roles(truthsets / name)
        for row in read_tsv(truthsets / name / "truth_status.tsv"):
            sample, rows = row["sample"], truth.get(row["sample"], [])
            if role[sample] == "low_coverage":
                continue
            # Only the legacy exon-12 insertions make NPM1 "mutated" (npm1_flt3/classify.py); the
            # small indels planted in legacy exons 5, 9 and 11 are detected but set no status.
            npm1 = any(r["gene"] == "NPM1" and int(r["pos"]) >= NPM1_EXON12_START - 1 for r in rows)
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


# --- classification set (benchmarks/classification.py): design only, no ART -------------------

from benchmarks import classification as cls  # noqa: E402
from benchmarks import truthsets as truthset_module  # noqa: E402  (not 'truthsets': the fixture)

_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def _exon_table() -> dict[str, list[dict]]:
    """exons.tsv read here (not through npm1_flt3): gene -> exon rows in transcript order."""
    lines = [line for line in EXONS.read_text().splitlines() if not line.startswith("#")]
    rows = [dict(zip(lines[0].split("\t"), line.split("\t"))) for line in lines[1:]]
    table: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        table[row["gene"]].append(row)
    for gene in table:
        table[gene].sort(key=lambda r: int(r["exon_number_current"]))
    return table


def _c_to_g(gene: str, position: str) -> int:
    """GRCh38 position of a c. position ('1838', '1837+12', '1838-3') of the MANE transcript,
    from the exon table's coding spans (cds_span_c, e.g. 'c.1838-c.1942')."""
    match = re.fullmatch(r"(\d+)([+-]\d+)?", position)
    number, offset = int(match.group(1)), int(match.group(2) or 0)
    for row in _exon_table()[gene]:
        first, last = (int(x) for x in re.findall(r"\d+", row["cds_span_c"]))
        if first <= number <= last:
            plus = row["gene_strand"] == "+"
            start = int(row["cds_start_in_exon_genomic"]) if plus else int(row["cds_end_in_exon_genomic"])
            g = start + (number - first) if plus else start - (number - first)
            return g + offset if plus else g - offset
    raise AssertionError(f"c.{position} is not coding")


def _apply_hgvs_c(gene: str, hgvs_c: str, fetch) -> tuple[tuple[int, int], str, str]:
    """((low, high) GRCh38 window, reference, mutant) on the + strand, the mutant built from the
    HGVS c. name alone."""
    name = hgvs_c.split(":c.")[1]
    match = re.fullmatch(r"([\d+-]+?)(?:_([\d+-]+))?(del|dup|ins|delins|[ACGT]>)([ACGT]*)", name)
    first, last, op, bases = match.groups()
    g1, g2 = _c_to_g(gene, first), _c_to_g(gene, last or first)
    plus = _exon_table()[gene][0]["gene_strand"] == "+"
    low, high = min(g1, g2) - 60, max(g1, g2) + 60
    ref = fetch("chr5" if gene == "NPM1" else "chr13", low, high)
    tx = ref if plus else ref[::-1].translate(_COMPLEMENT)  # transcript orientation
    index = (lambda g: g - low) if plus else (lambda g: high - g)
    a, b = sorted((index(g1), index(g2)))
    if op.endswith(">"):
        assert tx[a] == op[0], (hgvs_c, tx[a])
        mutant = tx[:a] + bases + tx[a + 1:]
    elif op == "del":
        mutant = tx[:a] + tx[b + 1:]
    elif op == "dup":
        mutant = tx[:b + 1] + tx[a:b + 1] + tx[b + 1:]
    elif op == "ins":
        assert b == a + 1, hgvs_c  # between two adjacent bases
        mutant = tx[:a + 1] + bases + tx[b:]
    else:
        mutant = tx[:a] + bases + tx[b + 1:]
    return (low, high), ref, mutant if plus else mutant[::-1].translate(_COMPLEMENT)


def _classification_samples(reference, seed=7):
    return cls.build_samples(seed, 1.0, reference.fetch, EXONS)


def test_classification_cases_cover_issue_11():
    names = {c.name for c in cls.CASES}
    assert {c.group for c in cls.CASES} == {0, 1, 2, 3, 4, 5, 6, 7}
    assert {"npm1_exon5_fs", "npm1_exon9_dup", "npm1_exon9_inframe_del", "npm1_exon11_fs",
            "npm1_exon12_inframe_ins", "flt3_d835_synonymous", "flt3_d835y", "flt3_i836del",
            "itd_exon15_start", "itd_exon14_end", "itd_exon14_intron14", "npm1_type_e",
            "npm1_type_f", "ar_one_third", "ar_030", "ar_036", "itd_3bp", "itd_6bp", "itd_9bp",
            "dup_4bp", "itd_low_level", "wildtype"} <= names
    # One planted event per sample, or a designed pair (NPM1 type A + one ITD).
    for case in cls.CASES:
        assert len(case.events) <= 2, case.name
        if len(case.events) == 2:
            assert [e.clinical_class for e in case.events] == [cls.NPM1_MUTATED, cls.FLT3_ITD]
            assert case.events[0].npm1_type == "A"


def test_classification_expected_outcomes_are_written_for_every_case(reference):
    samples = _classification_samples(reference)
    rows = {r["case"]: r for r in cls.expected_rows(samples)}
    assert len(rows) == len(cls.CASES) and set(rows) == {c.name for c in cls.CASES}
    for row in rows.values():
        assert list(row) == cls.EXPECTED_COLUMNS
        assert all(row[c] for c in cls.EXPECTED_COLUMNS if c not in ("npm1_type", "why")), row
    for name in ("npm1_exon5_fs", "npm1_exon9_dup", "npm1_exon9_inframe_del", "npm1_exon11_fs",
                 "npm1_exon12_inframe_ins"):
        assert (rows[name]["npm1_status"], rows[name]["npm1_other_variants"],
                rows[name]["eln2017_npm1_flt3_component"], rows[name]["eln2022_npm1_flt3_component"],
                rows[name]["flt3_itd_status"]) == ("wild-type", "non-empty", "intermediate", "none", "absent")
    syn = rows["flt3_d835_synonymous"]
    assert (syn["flt3_tkd_status"], syn["flt3_mutated"], syn["flt3_other_variants"]) == ("absent", "no", "non-empty")
    for name in ("flt3_d835y", "flt3_i836del"):
        assert (rows[name]["flt3_tkd_status"], rows[name]["flt3_mutated"]) == ("present", "yes")
    for name in ("npm1_type_e", "npm1_type_f"):
        assert (rows[name]["npm1_status"], rows[name]["npm1_type"]) == ("mutated", name[-1].upper())
    for name in ("ar_one_third", "ar_030", "ar_036"):
        assert rows[name]["eln2017_npm1_flt3_component"] == cls.FROM_COUNTS
        assert rows[name]["note_ar_spans_cutoff"] == cls.FROM_COUNTS
        assert rows[name]["eln2022_npm1_flt3_component"] == "intermediate"
    for name in ("itd_3bp", "itd_6bp", "itd_9bp"):
        assert rows[name]["flt3_itd_status"] == "present"
    assert (rows["dup_4bp"]["flt3_itd_status"], rows["dup_4bp"]["flt3_other_variants"]) == ("absent", "non-empty")
    low = rows["itd_low_level"]
    assert (low["eln2022_npm1_flt3_component"], low["note_low_level_itd"], low["npm1_status"]) == (
        "intermediate", "yes", "mutated")
    variants = cls.expected_variant_rows(samples)
    assert len(variants) == sum(len(c.events) for c in cls.CASES)
    assert all(v["hgvs_c"] and v["hgvs_p"] and v["type"] and v["clinical_class"] for v in variants)
    types = {v["case"]: v["type"] for v in variants if v["gene"] == "FLT3"}
    assert types["dup_4bp"] == "INS" and types["itd_3bp"] == "ITD"
    complex_alleles = [v for v in variants if v["type"] == "DELINS"]
    assert len(complex_alleles) >= 2 and all(v["single_call"] == "yes" for v in complex_alleles)


def test_classification_set_is_seeded(reference):
    def layout(seed):
        return [(s.name, case.name, tuple(p.variant for p in s.planted))
                for s, _, case in _classification_samples(reference, seed)]
    first = layout(7)
    assert first == layout(7)
    assert layout(8) != first and sorted(x[1:] for x in layout(8)) == sorted(x[1:] for x in first)
    names = [name for name, _, _ in first]
    assert names == [f"cls_{n:02d}" for n in range(1, len(first) + 1)]
    assert [case for _, case, _ in first] != [c.name for c in cls.CASES]  # shuffled


def test_classification_planted_alleles_are_what_the_hgvs_names_say(reference):
    """Each expected c. name, applied to the reference through this test's own c.-to-GRCh38
    mapping, gives the same sequence as the planted VCF allele."""
    checked = 0
    for sample, _, case in _classification_samples(reference):
        for event, planted in zip(case.events, sample.planted):
            variant = planted.variant
            assert left_normalise(variant, reference.fetch) == variant
            (low, high), ref, mutant = _apply_hgvs_c(event.gene, event.hgvs_c, reference.fetch)
            cut = variant.pos - low
            assert ref[cut:cut + len(variant.ref)] == variant.ref
            assert ref[:cut] + variant.alt + ref[cut + len(variant.ref):] == mutant, (case.name, event.hgvs_c)
            checked += 1
    assert checked == sum(len(c.events) for c in cls.CASES)


def test_classification_duplications_and_deletions_are_named_3_prime_most(reference):
    """HGVS 3' rule: the base after a duplicated / deleted stretch (transcript orientation) differs
    from its first base, so the name cannot move 3'."""
    for case in cls.CASES:
        for event in case.events:
            match = re.search(r"c\.([\d+-]+?)(?:_([\d+-]+))?(del|dup)$", event.hgvs_c)
            if not match:
                continue
            first, last = match.group(1), match.group(2) or match.group(1)
            g_first, g_last = _c_to_g(event.gene, first), _c_to_g(event.gene, last)
            chrom, step = ("chr5", 1) if event.gene == "NPM1" else ("chr13", -1)
            base = lambda g: reference.fetch(chrom, g, g)  # noqa: E731
            assert base(g_first) != base(g_last + step), (case.name, event.hgvs_c)


def test_classification_d835_change_is_synonymous(reference):
    event = cls.CASE_BY_NAME["flt3_d835_synonymous"].events[0]
    assert event.hgvs_c.endswith("c.2505T>C") and event.hgvs_p == "p.(Asp835=)"
    # Codon 835 = c.2503-c.2505 (minus strand: GRCh38 28018505 down to 28018503).
    assert [_c_to_g("FLT3", str(c)) for c in (2503, 2504, 2505)] == [28018505, 28018504, 28018503]
    codon = reference.fetch("chr13", 28018503, 28018505)[::-1].translate(_COMPLEMENT)
    variant = cls.build_variant(event.spec, reference.fetch)
    mutant_genomic = variant.alt + reference.fetch("chr13", 28018504, 28018505)
    mutant = mutant_genomic[::-1].translate(_COMPLEMENT)
    assert codon == "GAT" and mutant == "GAC"  # both Asp
    d835y = cls.build_variant(cls.CASE_BY_NAME["flt3_d835y"].events[0].spec, reference.fetch)
    assert (d835y.pos, d835y.alt) == (28018505, "A")  # c.2503G>T: GAT -> TAT (Tyr)


def test_classification_exon_border_itds_sit_at_the_border(reference):
    exons = {int(r["exon_number_current"]): r for r in _exon_table()["FLT3"]}
    ex14_low, ex14_high = int(exons[14]["exon_start_1based"]), int(exons[14]["exon_end_1based"])
    ex15_low, ex15_high = int(exons[15]["exon_start_1based"]), int(exons[15]["exon_end_1based"])

    def span(name):
        kind, _, first, last = cls.CASE_BY_NAME[name].events[0].spec
        assert kind == "dup"
        return first, last

    # Minus strand: exon 15's first base (c.1838) is its highest coordinate.
    first, last = span("itd_exon15_start")
    assert last == ex15_high and last - first + 1 == 15 and _c_to_g("FLT3", "1838") == ex15_high
    assert _c_to_g("FLT3", "1852") == first
    # Ends at c.1837, exon 14's last base (its lowest coordinate), wholly inside exon 14.
    first, last = span("itd_exon14_end")
    assert first == ex14_low == _c_to_g("FLT3", "1837") and last <= ex14_high
    # The next bases on both sides of the border differ from the copy's first base (c.1817):
    # neither the intron (c.1837+1) nor exon 15 (c.1838) lets the duplication shift 3'.
    copy_first = reference.fetch("chr13", last, last)
    assert reference.fetch("chr13", first - 1, first - 1) != copy_first
    assert reference.fetch("chr13", ex15_high, ex15_high) != copy_first
    # Exon 14 end + intron 14 start: 12 exonic and 12 intronic bases.
    first, last = span("itd_exon14_intron14")
    assert first < ex14_low <= last and last - ex14_low + 1 == 12 and ex14_low - first == 12
    assert first > ex15_high  # intron 14 only, not exon 15
    for name in ("itd_3bp", "itd_6bp", "itd_9bp", "dup_4bp", "ar_030", "itd_low_level"):
        first, last = next(e.spec for e in cls.CASE_BY_NAME[name].events if e.gene == "FLT3")[2:]
        assert ex14_low < first and last < ex14_high, name  # inside exon 14


def test_classification_folder_holds_the_expectations(reference, tmp_path, monkeypatch):
    """write_classification_set without ART (reads faked): the truth files carry the expectations."""
    def fake_reads(job):
        sample = job[0]
        return [{"sample": sample.name, "unit": "L1", "fq1": f"fastq/{sample.name}_L1_R1.fastq.gz",
                 "fq2": f"fastq/{sample.name}_L1_R2.fastq.gz", "patient": sample.patient,
                 "timepoint": sample.timepoint, "assay": sample.assay, "day": ""}]
    monkeypatch.setattr(truthset_module, "_simulate_one", fake_reads)
    folder = tmp_path / "classification"
    count = truthset_module.write_classification_set(folder, reference, EXONS, 7, 1.0, None)
    assert count == len(cls.CASES)
    expected = read_tsv(folder / "expected.tsv")
    assert list(expected[0]) == cls.EXPECTED_COLUMNS and len(expected) == count
    variants = read_tsv(folder / "expected_variants.tsv")
    assert list(variants[0]) == cls.EXPECTED_VARIANT_COLUMNS
    truth = read_tsv(folder / "truth.tsv")
    assert [(r["sample"], r["pos"], r["alt"]) for r in truth] == [(r["sample"], r["pos"], r["alt"]) for r in variants]
    status = {r["sample"]: r for r in read_tsv(folder / "truth_status.tsv")}
    for row in expected:
        assert status[row["sample"]]["npm1_status"] == row["npm1_status"]
        assert status[row["sample"]]["flt3_itd_status"] == row["flt3_itd_status"]
        assert status[row["sample"]]["flt3_tkd_status"] == row["flt3_tkd_status"]
    info = read_tsv(folder / "samples_info.tsv")
    assert {r["role"] for r in info} == {"variant", "wildtype_control"}
    assert all(r["depth"] == "1000" and r["read_length"] == "150" for r in info)
    meta = json.loads((folder / "truthset.json").read_text())
    assert meta == truthset_module.classification_parameters(7, 1.0)
    assert len(meta["design"]["cases"]) == len(cls.CASES)
    assert truthset_module.parse_sets("classification") == ["classification"]
