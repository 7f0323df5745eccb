"""The RNA-seq benchmark (benchmarks/rna.py, issue 15): transcripts, planted variants, realised
fractions, the small design's sheet, and the scoring; fast, no workflow run."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import report, rna
from npm1_flt3.hgvs import annotate_variant, reverse_complement, translate
from npm1_flt3.packaged import EXONS_TSV, GENE_SLICES_FASTA
from npm1_flt3.reference import GenomeReference
from npm1_flt3.sheet import load_sheet
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import tandem_duplication

REPO = Path(__file__).resolve().parents[1]

# FLT3 (- strand): exon 14 is c.1705-c.1837 = chr13:28034214-28034082, intron 14 chr13:28034081-
# 28033992, exon 15 c.1838-c.1942 = chr13:28033991-28033887 (packaged exons.tsv).
EX14 = ("chr13", 28034082, 28034214)
INTRON14 = ("chr13", 28033992, 28034081)
EX15 = ("chr13", 28033887, 28033991)


@pytest.fixture(scope="module")
def ref():
    reference = GenomeReference(GENE_SLICES_FASTA)
    yield reference
    reference.close()


@pytest.fixture(scope="module")
def models(ref):
    return rna.build_transcripts(ref.fetch)


@pytest.fixture(scope="module")
def variants(models, ref):
    return rna.design_variants(models, ref.fetch)


def minus(ref, region) -> str:
    """A - strand gene's bases of a GRCh38 region, in transcript orientation."""
    return reverse_complement(ref.fetch(*region))


def c_index(model, c: int) -> int:
    return model.index_of_c(c)


# ----------------------------------------------------------------------------------- transcripts


def test_transcripts_equal_the_exon_table(models, ref):
    rows = [r for r in rna.read_exon_table(EXONS_TSV)]
    for gene, length, accession in (("NPM1", 1320, "NM_002520.7"), ("FLT3", 3826, "NM_004119.3")):
        model = models[gene]
        mine = [r for r in rows if r["gene"] == gene]
        assert model.accession == accession
        assert len(model.mrna) == length == max(int(r["cdna_end"]) for r in mine)
        for row in mine:  # every exon at its cDNA place, read on the gene's strand
            bases = ref.fetch(row["chrom"], int(row["exon_start_1based"]), int(row["exon_end_1based"]))
            if row["gene_strand"] == "-":
                bases = reverse_complement(bases)
            assert model.mrna[int(row["cdna_start"]) - 1:int(row["cdna_end"])] == bases
    npm1, flt3 = models["NPM1"], models["FLT3"]
    # First and last bases: NPM1 (+) from chr5:171387849 to 171410900; FLT3 (-) from chr13:28100576
    # down to 28003274, complemented.
    assert npm1.mrna[0] == ref.fetch("chr5", 171387849, 171387849)
    assert npm1.mrna[-1] == ref.fetch("chr5", 171410900, 171410900)
    assert flt3.mrna[0] == reverse_complement(ref.fetch("chr13", 28100576, 28100576))
    assert flt3.mrna[-1] == reverse_complement(ref.fetch("chr13", 28003274, 28003274))
    # c.1 after the 5'UTR (NPM1 100 bases, FLT3 66), an ATG; the CDS translates to its stop.
    assert (npm1.cds_offset, flt3.cds_offset) == (100, 66)
    for model, cds_length in ((npm1, 885), (flt3, 2982)):
        cds = model.mrna[model.cds_offset:model.cds_offset + cds_length]
        assert cds[:3] == "ATG"
        protein = translate(cds)
        assert protein.endswith("*") and "*" not in protein[:-1]
    # NPM1 legacy exon 12 (MANE 11) around the hotspot: c.856-c.875 (npm1_flt3/npm1_types.py).
    assert npm1.mrna[c_index(npm1, 856):c_index(npm1, 875) + 1] == "GATCTCTGGCAGTGGAGGAA"
    assert npm1.mrna[c_index(npm1, 860):c_index(npm1, 863) + 1] == "TCTG"
    assert npm1.exon_at(c_index(npm1, 860)).number == 11
    # FLT3 exons 14 and 15 as the genome has them.
    assert flt3.mrna[c_index(flt3, 1705):c_index(flt3, 1837) + 1] == minus(ref, EX14)
    assert flt3.mrna[c_index(flt3, 1838):c_index(flt3, 1942) + 1] == minus(ref, EX15)


def test_body_maps_mrna_positions_to_grch38(models, ref):
    flt3 = models["FLT3"]
    assert flt3.genomic(c_index(flt3, 1705)) == 28034214 and flt3.genomic(c_index(flt3, 1838)) == 28033991
    i = c_index(flt3, 1837)
    assert flt3.body_index(i + 1) - flt3.body_index(i) == 28034082 - 28033991  # intron 14 in between
    assert flt3.body[flt3.body_index(i) + 1:flt3.body_index(i + 1)] == minus(ref, INTRON14)


# ----------------------------------------------------------------------------------- variants


def test_npm1_types(models, variants, ref):
    npm1_types, _ = variants
    npm1 = models["NPM1"]
    a = npm1_types["A"]
    assert a.hgvs_c == "NM_002520.7:c.860_863dup" and a.is_dup and a.length == 4
    assert (a.vcf.chrom, a.vcf.pos, a.vcf.ref, a.vcf.alt) == ("chr5", 171410539, "C", "CTCTG")  # domain.md
    mutant = rna.mutant_mrna(npm1, a)
    start = c_index(npm1, 856)
    assert mutant[start:start + 24] == "GATCTCTGTCTGGCAGTGGAGGAA"
    assert npm1_types["B"].hgvs_c == "NM_002520.7:c.863_864insCATG" and not npm1_types["B"].is_dup
    assert npm1_types["D"].hgvs_c == "NM_002520.7:c.863_864insCCTG"
    assert rna.mutant_mrna(npm1, npm1_types["B"])[start:start + 12] == "GATCTCTGCATG"
    transcripts = load_transcripts(EXONS_TSV)
    for variant in npm1_types.values():  # the workflow's annotator names the VCF allele the same
        assert annotate_variant(transcripts["NPM1"], ref, variant.vcf).hgvs_c == variant.hgvs_c
        assert not variant.spans_junction


def test_exon14_itds(models, variants, ref):
    _, itds = variants
    flt3 = models["FLT3"]
    transcripts = load_transcripts(EXONS_TSV)
    within = [v for v in itds.values() if not v.spans_junction]
    assert sorted(v.length for v in within) == [15, 21, 30, 42, 90, 120]
    assert sorted(v.length for v in itds.values() if v.spans_junction) == [60, 150]
    itd30 = itds["ITD 30"]
    assert itd30.hgvs_c == "NM_004119.3:c.1780_1809dup"
    first, last = c_index(flt3, 1780), c_index(flt3, 1809)
    mutant = rna.mutant_mrna(flt3, itd30)
    wild = flt3.mrna
    assert mutant == wild[:last + 1] + wild[first:last + 1] + wild[last + 1:]
    for variant in within:
        # c. -> GRCh38 on the - strand: c.X of exon 14 is 28034214 - (X - 1705).
        first_c, last_c = (int(x) for x in variant.hgvs_c.split("c.")[1].removesuffix("dup").split("_"))
        assert 1705 <= first_c and last_c < 1837
        genomic = tandem_duplication("chr13", 28034214 - (last_c - 1705), 28034214 - (first_c - 1705), ref.fetch)
        assert variant.vcf == genomic
        # Applying the VCF allele to exon 14 and reading it on the - strand gives the mutant mRNA.
        exon = ref.fetch(*EX14)
        cut = variant.vcf.pos - EX14[1]
        mutated = exon[:cut] + variant.vcf.alt + exon[cut + len(variant.vcf.ref):]
        mutant = rna.mutant_mrna(flt3, variant)
        assert reverse_complement(mutated) == mutant[c_index(flt3, 1705):c_index(flt3, 1837) + variant.length + 1]
        assert annotate_variant(transcripts["FLT3"], ref, variant.vcf).hgvs_c == variant.hgvs_c


@pytest.mark.parametrize("key, first_c, last_c", [("ITD 150 junction", 1760, 1909), ("ITD 60 junction", 1808, 1867)])
def test_junction_itd_is_the_spliced_genomic_duplication(models, variants, ref, key, first_c, last_c):
    """A genomic ITD copying exon 14's end, intron 14 and exon 15's start: spliced (both intron
    copies removed), it is exactly the planted cDNA duplication, and HGVS names it the same."""
    _, itds = variants
    flt3 = models["FLT3"]
    variant = itds[key]
    assert variant.spans_junction and variant.vcf is None
    assert variant.hgvs_c == f"NM_004119.3:c.{first_c}_{last_c}dup" and variant.length == last_c - first_c + 1
    ex14, intron, ex15 = minus(ref, EX14), minus(ref, INTRON14), minus(ref, EX15)
    pre = ex14 + intron + ex15  # c.1705 ... c.1837, intron 14, c.1838 ... c.1942
    a = first_c - 1705  # index of c.first_c in pre (exon 14)
    b = len(ex14) + len(intron) + (last_c - 1838)  # index of c.last_c in pre (exon 15)
    genomic_mutant = pre[:b + 1] + pre[a:b + 1] + pre[b + 1:]
    assert genomic_mutant.count(intron) == 2
    spliced = genomic_mutant.replace(intron, "")
    mutant = rna.mutant_mrna(flt3, variant)
    assert spliced == mutant[c_index(flt3, 1705):c_index(flt3, 1942) + variant.length + 1]
    # The simulator's pre-mRNA / genomic mutant is that genomic duplication.
    start = flt3.body_index(c_index(flt3, 1705))
    body = rna.mutant_body(flt3, variant)
    assert body[start:start + len(genomic_mutant)] == genomic_mutant
    # On the genome the same change is c.first_last dup too (the workflow's annotator).
    genomic = tandem_duplication("chr13", 28033991 - (last_c - 1838), 28034214 - (first_c - 1705), ref.fetch)
    assert annotate_variant(load_transcripts(EXONS_TSV)["FLT3"], ref, genomic).hgvs_c == variant.hgvs_c


def test_sites_are_the_insertion_point_and_the_new_junction(models, variants):
    npm1_types, itds = variants
    flt3 = models["FLT3"]
    itd = itds["ITD 30"]
    wild_site, mutant_site = rna.mrna_sites(itd)
    mutant = rna.mutant_mrna(flt3, itd)
    assert wild_site == mutant_site == (itd.after - rna.FLANK, itd.after + 1 + rna.FLANK)
    # The mutant's site holds the new junction (end of copy 1, start of copy 2) and is found in no
    # wild-type transcript.
    assert mutant[itd.after] == flt3.mrna[itd.after] and mutant[itd.after + 1] == flt3.mrna[itd.first]
    assert mutant[mutant_site[0]:mutant_site[1] + 1] not in flt3.mrna
    # On the body (exon 14 ITD: the same bases).
    body_wild, body_mutant = rna.body_sites(flt3, itd)
    mutant_body = rna.mutant_body(flt3, itd)
    assert mutant_body[body_mutant[0]:body_mutant[1] + 1] == mutant[mutant_site[0]:mutant_site[1] + 1]
    assert flt3.body[body_wild[0]:body_wild[1] + 1] == flt3.mrna[wild_site[0]:wild_site[1] + 1]
    # An insertion that is no duplication: the site holds every inserted base.
    b = npm1_types["B"]
    _, site = rna.mrna_sites(b)
    assert site == (b.after - rna.FLANK, b.after + 4 + 1 + rna.FLANK)
    assert "CATG" in rna.mutant_mrna(models["NPM1"], b)[site[0]:site[1] + 1]


def test_realised_fraction_counting_by_hand():
    fragments = [(0, 50), (10, 40), (20, 60), (15, 35), (16, 35)]
    assert rna.covering(fragments, (15, 35)) == 3  # (0,50), (10,40), (15,35); not (20,60), (16,35)
    simulated = [
        (False, (15, 35), fragments),  # wild type: 3 cover its site
        (True, (15, 45), [(0, 100), (30, 90), (15, 45)]),  # mutant: 2 cover its (longer) site
        (True, None, [(0, 1000)]),  # a sequence without the site counts for nothing
        (False, (5, 8), [(0, 4), (9, 20)]),  # none covers
    ]
    assert rna.realised_counts(simulated) == (2, 5)


# ----------------------------------------------------------------------------------- design


def test_designs(variants):
    _, itds = variants
    default = rna.design("default", 7, itds)
    assert len(default) == 8 * 4 * 4 + rna.WILDTYPE_PER_LENGTH * 4 == 140
    for rl in rna.READ_LENGTHS:
        mine = [s for s in default if s.read_length == rl]
        assert sum(s.role == "wildtype" for s in mine) == rna.WILDTYPE_PER_LENGTH
        for fraction in rna.FRACTIONS:
            group = [s for s in mine if s.fraction == fraction]
            assert sorted(itds[s.itd].length for s in group) == [15, 21, 30, 42, 60, 90, 120, 150]
            assert {s.npm1 for s in group} == {"A", "B", "D"}
    assert len({s.name for s in default}) == len(default)
    # Each ITD meets every NPM1 type somewhere.
    for key in itds:
        assert {s.npm1 for s in default if s.itd == key} == {"A", "B", "D"}
    reduced = rna.design("reduced", 7, itds)
    assert len(reduced) == 8 * 4 + 8 * 2 * 3 + rna.WILDTYPE_PER_LENGTH * 4 == 92
    assert rna.design("default", 7, itds) == default  # seeded


@pytest.fixture(scope="module")
def small_set(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("rna_small")
    command = [sys.executable, "-m", "benchmarks.rna", "--outdir", str(outdir), "--design", "small", "--jobs", "2"]
    subprocess.run(command, check=True, capture_output=True, cwd=REPO)
    return outdir / rna.NAME, command


def test_small_design_sheet_validates_and_truth_is_complete(small_set):
    set_dir, command = small_set
    units = load_sheet(set_dir / "samples.tsv")
    assert len(units) == 5 and all(u.assay == "rna" and u.paired for u in units)
    with (set_dir / "truth.tsv").open() as handle:
        truth = list(csv.DictReader(handle, delimiter="\t"))
    assert len(truth) == 8
    for row in truth:
        own, total = (int(x) for x in row["realised_fragments"].split("/"))
        assert total > 300 and float(row["realised_fraction"]) == pytest.approx(own / total, abs=1e-4)
        assert float(row["realised_fraction"]) == pytest.approx(float(row["fraction"]), abs=0.06)
        assert bool(row["chrom"]) == (row["spans_junction"] == "no")
    parameters = json.loads((set_dir / rna.MARKER).read_text())
    assert parameters["design"] == "small"
    again = subprocess.run(command, check=True, capture_output=True, text=True, cwd=REPO)
    assert "nothing to do" in again.stderr


# ----------------------------------------------------------------------------------- scoring


def _write_tsv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _truth(sample, gene, key, hgvs, vcf, fraction, realised):
    chrom, pos, ref, alt = vcf or ("", "", "", "")
    return {"sample": sample, "read_length": 100, "gene": gene, "class": key, "length": 30,
            "spans_junction": "no" if vcf else "yes", "hgvs_c": hgvs, "chrom": chrom, "pos": pos, "ref": ref,
            "alt": alt, "fraction": fraction, "realised_fraction": realised, "realised_fragments": "1/2"}


def _call(sample, gene, pos, hgvs, vaf, filter_="PASS", alt="CTCTG"):
    return {"sample": sample, "gene": gene, "chrom": "chr5" if gene == "NPM1" else "chr13", "pos": pos, "ref": "C",
            "alt": alt, "type": "INS" if gene == "NPM1" else "ITD", "length": 4, "hgvs_c": hgvs, "alt_reads": 10,
            "depth": 100, "vaf": vaf, "filter": filter_}


def test_score_set_and_report(tmp_path):
    set_dir, workdir = tmp_path / "set", tmp_path / "work"
    _write_tsv(set_dir / "truth.tsv", [
        _truth("s1", "NPM1", "NPM1 A", "NM_002520.7:c.860_863dup", ("chr5", 171410539, "C", "CTCTG"), 0.25, 0.26),
        _truth("s1", "FLT3", "ITD 150 junction", "NM_004119.3:c.1760_1909dup", None, 0.25, 0.24),
        _truth("s2", "NPM1", "NPM1 B", "NM_002520.7:c.863_864insCATG", ("chr5", 171410541, "C", "CTGCA"), 0.05, 0.05),
        _truth("s2", "FLT3", "ITD 30", "NM_004119.3:c.1780_1809dup", ("chr13", 28034109, "C", "CC"), 0.05, 0.06),
    ])
    _write_tsv(set_dir / "samples_info.tsv", [
        {"sample": s, "read_length": 100, "role": role, "fraction": f, "itd": "", "npm1": "", "read_pairs": 1000,
         "mrna_pairs": 900, "pre_mrna_pairs": 60, "genomic_pairs": 40}
        for s, role, f in (("s1", "variant", 0.25), ("s2", "variant", 0.05), ("w1", "wildtype", 0))])
    (set_dir / rna.MARKER).write_text(json.dumps(rna.parameters(7, "default")))
    _write_tsv(workdir / "results/cohort/variants.tsv", [
        _call("s1", "NPM1", 171410539, "NM_002520.7:c.860_863dup", 0.30),  # found by HGVS and VCF
        _call("s1", "FLT3", 28033919, "NM_004119.3:c.1760_1909dup", 0.02),  # found by HGVS, vaf far off
        _call("s2", "NPM1", 171410541, "NM_002520.7:c.863_864insCATG", 0.04, filter_="LowVAF", alt="CTGCA"),
        _call("s2", "FLT3", 28034109, "NM_004119.3:c.1780_1810dup", 0.05, alt="CC"),  # VCF matches, name not
        _call("w1", "FLT3", 28034000, "NM_004119.3:c.1800_1815dup", 0.02),  # artefact in a wild type
    ])
    (workdir / "logs/benchmarks/npm1_flt3_call").mkdir(parents=True)
    (workdir / "logs/benchmarks/npm1_flt3_call/s1.tsv").write_text("s\th:m:s\n2.5\t0:00:02\n")
    (workdir / "logs/benchmarks/fastp_bwa_mem/s1").mkdir(parents=True)
    (workdir / "logs/benchmarks/fastp_bwa_mem/s1/L1.tsv").write_text("s\th:m:s\n1.5\t0:00:01\n")
    result = rna.score_set(set_dir, workdir)
    found = {(o["sample"], o["class"]): o for o in result["outcomes"]}
    assert found[("s1", "NPM1 A")]["found"] and found[("s1", "NPM1 A")]["error"] == pytest.approx(0.04)
    assert found[("s1", "ITD 150 junction")]["found"] and found[("s1", "ITD 150 junction")]["error"] == pytest.approx(0.22)
    assert not found[("s2", "NPM1 B")]["found"]  # only a filtered call
    assert "LowVAF" in found[("s2", "NPM1 B")]["calls_in_gene"][0]
    assert found[("s2", "ITD 30")]["found"]
    targets = result["targets"]
    assert targets["exact_allele_at_5pct"] == {"met": False, "found": 3, "n": 4, "by_class": {
        "NPM1 A": {"found": 1, "n": 1}, "NPM1 B": {"found": 0, "n": 1}, "ITD 30": {"found": 1, "n": 1},
        "ITD 150 junction": {"found": 1, "n": 1}}}
    assert targets["fraction_error_le_0.05"]["met"] is False and targets["fraction_error_le_0.05"]["over"] == 1
    assert targets["no_wildtype_artefact"] == {"met": False, "pass_calls": 1, "samples": 1}
    assert result["other_pass_calls_in_variant_samples"] == []
    assert result["timing"]["100"]["median_s"] == 4.0  # only s1 has records: 2.5 + 1.5
    text = report.rna_tables(result)
    assert text.startswith("### RNA-seq (issue 15)")
    assert "| NPM1 A/B/D and ITDs 15-150 bp found with the exact allele at transcript fraction >= 5% | **not met** | 3/4" in text
    assert "| fraction error <= 0.05 | **not met** |" in text
    assert "| no PASS artefact in wild-type RNA samples | **not met** | 1 PASS" in text
    assert "| 2x100 | ITD 150 junction |  | 1/1, 0.220 (0.220) |" in text  # columns 0.05, 0.25


@pytest.mark.shared
def test_peer_case_joins_the_batch_as_rna(tmp_path, ref):
    from tests.conftest import PEER_CASES

    sheet = tmp_path / "batch.tsv"
    set_dir = tmp_path / "set"
    (set_dir / "fastq").mkdir(parents=True)
    for mate in (1, 2):
        (set_dir / "fastq" / f"x_L1_R{mate}.fastq.gz").write_bytes(b"")
    _write_tsv(set_dir / "samples.tsv", [{"sample": "x", "unit": "L1", "fq1": "fastq/x_L1_R1.fastq.gz",
                                          "fq2": "fastq/x_L1_R2.fastq.gz", "patient": "x", "timepoint": "diagnosis",
                                          "assay": "rna", "day": ""}])
    assert rna.batch_sheet(set_dir, sheet, PEER_CASES)
    units = {u.sample: u for u in load_sheet(sheet)}
    assert units[rna.PEER_CASE].assay == "rna" and units[rna.PEER_CASE].paired
    assert units["x"].fq1 == (set_dir / "fastq/x_L1_R1.fastq.gz").resolve()
    # The expected allele is VarDict's, as expected_results.tsv states it.
    with (PEER_CASES / "expected_results.tsv").open() as handle:
        vardict = next(r for r in csv.DictReader(handle, delimiter="\t")
                       if r["case"] == rna.PEER_CASE and r["tool_or_source"].startswith("VarDict"))
    expected = rna.peer_expected(ref.fetch)
    assert (expected.pos, f"{expected.ref}>{expected.alt}") == (int(vardict["pos_hg38"]),
                                                                vardict["inserted_or_alt"].split(";")[0])
