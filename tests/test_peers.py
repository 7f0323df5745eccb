"""Peer runner (benchmarks/peers.py): parsers, converters, BAM renaming, km targets, robustness.

No peer tool is needed: the ScanITD and km texts below are written from what scanitd 0.9.2 and
km-walk 2.2.2 really print on the demo set (columns, INFO keys, variant names, Info values).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pysam
import pytest

from benchmarks import peers
from tests.conftest import EXONS, REFERENCE

FLT3_SLICE = "chr13:28003274-28100576"
NPM1_SLICE = "chr5:171387116-171410900"
LENGTHS = {NPM1_SLICE: 23785, FLT3_SLICE: 97303}

SCANITD_VCF = """\
##fileformat=VCFv4.3
##source=ScanITDv0.9.2
##contig=<ID=chr5_171387116_171410900,length=23785>
##contig=<ID=chr13_28003274_28100576,length=97303>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS05
chr13_28003274_28100576\t30827\t1\tT\tTDUP\t.\t.\tSVTYPE=TDUP;OAO=80;AO=80;CHR2=chr13_28003274_28100576;END=30887;DP=697;AF=0.115;SVLEN=60;INSSEQ=.;HOMSEQ=T;SEQ=TTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAGTACTCAT;SVMETHOD=ScanITD2\tGT\t0/1
chr13_28003274_28100576\t30827\t2\tT\tTDUP\t.\t.\tSVTYPE=TDUP;OAO=1;AO=10;CHR2=chr13_28003274_28100576;END=30883;DP=697;AF=0.0143;SVLEN=56;INSSEQ=GCAT;HOMSEQ=.;SEQ=TTGGAAACTCCCATTTGAGATCATATTCATATTCTCTGAAATCAACGTAGAAGTAC;SVMETHOD=ScanITD2\tGT\t0/1
"""

KM_HEADER = (
    "#count:5\n#ratio:0.05\n#target_fn:['NPM1_exon12.fa', 'FLT3_exon14-15.fa', 'FLT3_exon20.fa']\n"
    "Database\tQuery\tType\tVariant_name\trVAF\tExpression\tMin_coverage\tStart_offset\tSequence\t"
    "Reference_expression\tReference_sequence\tInfo\n"
)


def km_line(query, kind, name, rvaf, expr, ref_expr, info="vs_ref", start_off=0):
    return "\t".join(["S06.jf", query, kind, name, rvaf, expr, "160", str(start_off), "ACGT",
                      ref_expr, "ACGT", info]) + "\n"


KM_OUTPUT = (
    KM_HEADER
    + km_line("NPM1_exon12", "Reference", "", "nan", "-1.0", "-1.0")
    + km_line("NPM1_exon12", "Insertion", "48:/TCTG:48", "0.390", "169.0", "264.1")
    + km_line("NPM1_exon12", "Insertion", "48:/TCTG:48", "0.390", "167.0", "261.8",
              info="cluster 1 n=1", start_off=12)
    + km_line("FLT3_exon14-15", "ITD", "293:/ATCATATTCATATTCTCTGAAATCAACGTA:293", "0.252",
              "113.2", "336.7")
    + km_line("FLT3_exon14-15", "Indel", "289:cgtaga/ATTCATATTCTCTGAAATCAACGTAGC:295", "0.110",
              "50.0", "400.0")
    + km_line("FLT3_exon14-15", "Substitution", "311:g/T:312", "0.285", "90.0", "225.0")
    + km_line("FLT3_exon14-15", "Insertion", "200:/AC:200", "0.100", "30.0", "270.0")
    + km_line("FLT3_exon20", "Substitution", "69:c/A:70", "0.121", "45.5", "329.8")
    + km_line("FLT3_exon20", "Substitution", "80:t/G:81", "0.000", "0.0", "330.0")
    + km_line("FLT3_exon20", "Deletion", "100:gac/:103", "nan", "0.0", "0.0")
    + "#Elapsed time:0.078\n"
)


@pytest.fixture(scope="module")
def targets():
    return peers.km_targets(EXONS)


# --- ScanITD ------------------------------------------------------------------------------------


def test_scanitd_vcf_to_grch38_calls():
    mapping = peers.safe_contig_names(list(LENGTHS))
    reverse = {new: old for old, new in mapping.items()}
    rows = peers.scanitd_calls(SCANITD_VCF, "scanitd_lowvaf", "S05", reverse, LENGTHS)
    assert [(r["event"], r["gene"], r["chrom"], r["pos"], r["length"]) for r in rows] == [
        ("ITD", "FLT3", "chr13", 28034100, 60),  # local 30827 + 28003273
        ("ITD", "FLT3", "chr13", 28034100, 60),  # 56 duplicated + 4 non-templated (INSSEQ)
    ]
    assert (rows[0]["vaf"], rows[0]["alt_reads"], rows[0]["depth"]) == (0.115, 80, 697)
    assert (rows[1]["vaf"], rows[1]["alt_reads"], rows[1]["depth"]) == (0.0143, 10, 697)
    assert rows[1]["raw"].startswith("chr13_28003274_28100576\t30827\t2\t")


def test_scanitd_length_variants():
    assert peers.scanitd_length({"SVLEN": "21", "INSSEQ": ".", "SEQ": "A" * 21}) == 21
    assert peers.scanitd_length({"SVLEN": "56", "INSSEQ": "GCAT", "SEQ": "A" * 56}) == 60
    assert peers.scanitd_length({"SEQ": "A" * 30, "INSSEQ": "GG"}) == 32  # no SVLEN
    assert peers.scanitd_length({}) is None


def test_scanitd_unknown_contig_is_an_error():
    vcf = "chrZ\t10\t1\tA\tTDUP\t.\t.\tSVLEN=30;AF=0.1;AO=3;DP=30\tGT\t0/1\n"
    with pytest.raises(ValueError, match="chrZ"):
        peers.scanitd_calls(vcf, "scanitd", "S1", {}, LENGTHS)


def test_safe_contig_names_unique_and_parsable():
    mapping = peers.safe_contig_names([FLT3_SLICE, NPM1_SLICE, "chr13_28003274_28100576", "chr5"])
    assert mapping[FLT3_SLICE] == "chr13_28003274_28100576"
    assert mapping[NPM1_SLICE] == "chr5_171387116_171410900"
    assert mapping["chr5"] == "chr5"
    assert len(set(mapping.values())) == 4
    assert not any(":" in new or "-" in new for new in mapping.values())


def test_sa_and_xa_renaming():
    mapping = {FLT3_SLICE: "flt3slice", NPM1_SLICE: "npm1slice"}
    sa = f"{FLT3_SLICE},30850,+,40S60M,60,0;{NPM1_SLICE},100,-,60M40S,3,1;"
    assert peers.rename_sa(sa, mapping) == "flt3slice,30850,+,40S60M,60,0;npm1slice,100,-,60M40S,3,1;"
    xa = f"{FLT3_SLICE},-30850,100M,2;other,5,100M,3;"
    assert peers.rename_xa(xa, mapping) == "flt3slice,-30850,100M,2;other,5,100M,3;"


def test_rename_bam_header_and_tags(tmp_path):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": NPM1_SLICE, "LN": 23785}, {"SN": FLT3_SLICE, "LN": 97303}],
              "PG": [{"ID": "bwa", "PN": "bwa", "CL": "bwa mem ref.fa r1.fq r2.fq"}]}
    src = tmp_path / "in.bam"
    with pysam.AlignmentFile(str(src), "wb", header=header) as out:
        for i, (tid, pos, tags) in enumerate([
            (0, 100, []),
            (1, 30800, [("SA", f"{FLT3_SLICE},30900,+,50S50M,60,0;", "Z"),
                        ("XA", f"{NPM1_SLICE},+200,100M,4;", "Z"), ("NM", 0, "i")]),
        ]):
            read = pysam.AlignedSegment(out.header)
            read.query_name = f"r{i}"
            read.query_sequence = "A" * 100
            read.query_qualities = pysam.qualitystring_to_array("I" * 100)
            read.reference_id, read.reference_start, read.cigarstring = tid, pos, "100M"
            read.mapping_quality = 60
            read.set_tags(tags)
            out.write(read)
    pysam.index(str(src))
    mapping = peers.safe_contig_names([NPM1_SLICE, FLT3_SLICE])
    dst = tmp_path / "out" / "renamed.bam"
    assert peers.rename_bam(src, dst, mapping) == 2
    assert Path(str(dst) + ".bai").exists()
    with pysam.AlignmentFile(str(dst)) as bam:
        assert list(bam.references) == ["chr5_171387116_171410900", "chr13_28003274_28100576"]
        assert bam.header.to_dict()["PG"][0]["CL"].startswith("bwa mem")
        reads = {r.query_name: r for r in bam.fetch("chr13_28003274_28100576")}
        assert reads["r1"].reference_start == 30800
        assert reads["r1"].get_tag("SA") == "chr13_28003274_28100576,30900,+,50S50M,60,0;"
        assert reads["r1"].get_tag("XA") == "chr5_171387116_171410900,+200,100M,4;"
        assert reads["r1"].get_tag("NM") == 0
        assert [r.query_name for r in bam.fetch("chr5_171387116_171410900")] == ["r0"]


def test_renamed_reference_and_target_bed(tmp_path):
    with pysam.FastaFile(str(REFERENCE)) as fasta:
        mapping = peers.safe_contig_names(list(fasta.references))
        flt3_local = fasta.fetch(FLT3_SLICE, 30612, 30941)
    ref = tmp_path / "ref.fa"
    peers.rename_reference(REFERENCE, ref, mapping)
    line = peers.target_bed_line(peers.scanitd_region(EXONS), REFERENCE, mapping)
    # FLT3 exon 15 start 28033887 .. exon 14 end 28034214, minus the slice offset 28003273
    assert line == "chr13_28003274_28100576\t30613\t30941\tFLT3_exon14-15\n"
    with pysam.FastaFile(str(ref)) as renamed:
        assert list(renamed.references) == [mapping[n] for n in mapping]
        assert renamed.fetch("chr13_28003274_28100576", 30612, 30941) == flt3_local


# --- km -------------------------------------------------------------------------------------------


def test_km_target_regions(targets):
    assert [(t.name, t.gene, t.header) for t in targets] == [
        ("NPM1_exon12", "NPM1", "chr5:171410497-171410595"),  # coding part 171410527-565, +-30
        ("FLT3_exon14-15", "FLT3", "chr13:28033857-28034244"),  # exons 15..14 (+ intron), +-30
        ("FLT3_exon20", "FLT3", "chr13:28018437-28018619"),  # exon 20, +-30
    ]


def test_km_target_fastas(tmp_path, targets):
    from npm1_flt3.reference import GenomeReference

    genome = GenomeReference(REFERENCE)
    paths = peers.write_target_fastas(genome, targets, tmp_path)
    assert [p.name for p in paths] == ["NPM1_exon12.fa", "FLT3_exon14-15.fa", "FLT3_exon20.fa"]
    for path, target in zip(paths, targets):
        lines = path.read_text().splitlines()
        assert lines[0] == f">{target.header}"  # km reads 'location=' from the whole header
        sequence = "".join(lines[1:])
        assert sequence == genome.fetch(target.chrom, target.start, target.end)
        assert len(sequence) == target.end - target.start + 1
    genome.close()


def test_km_output_to_calls(targets):
    rows = peers.km_calls(KM_OUTPUT, "km", "S06", targets)
    got = [(r["gene"], r["event"], r["chrom"], r["pos"], r["length"], r["vaf"]) for r in rows]
    assert got == [
        # 48:/TCTG:48 -> inserted before target base 48 = chr5:171410544; anchor 171410543
        ("NPM1", "NPM1", "chr5", 171410543, 4, 0.39),
        # 293:/30bp:293 on chr13:28033857-... -> after 28034148 (right-shifted; truth 28034118)
        ("FLT3", "ITD", "chr13", 28034148, 30, 0.252),
        # Indel with a net insertion of 21 bp counts as an ITD
        ("FLT3", "ITD", "chr13", 28034144, 21, 0.11),
        # substitution on chr13:28018437-...: target base 69 = 28018505 (D835Y, c.2503G>T)
        ("FLT3", "TKD", "chr13", 28018505, 1, 0.121),
        # nan rVAF (zero-coverage path) is kept with no VAF; anchor base before the deletion
        ("FLT3", "TKD", "chr13", 28018535, 3, None),
    ]
    first = rows[0]
    assert (first["alt_reads"], first["depth"]) == (169, 433)  # k-mer coverage estimates
    assert first["raw"].split("\t")[3] == "48:/TCTG:48"
    assert rows[-1]["alt_reads"] == 0 and rows[-1]["depth"] == 0


def test_km_cluster_rows_are_the_alternative(targets):
    rows = peers.km_calls(KM_OUTPUT, "km", "S06", targets, info="cluster")
    assert [(r["event"], r["pos"]) for r in rows] == [("NPM1", 171410543)]


def test_km_bad_lines(targets):
    with pytest.raises(ValueError, match="unknown target"):
        peers.km_calls(KM_HEADER + km_line("KIT", "Insertion", "5:/AAA:5", "0.1", "1", "9"),
                       "km", "S", targets)
    with pytest.raises(ValueError, match="variant name"):
        peers.parse_km_name("Insertion", "5-AAA")


def test_km_script(tmp_path):
    ctx = peers.Context(tmp_path, tmp_path, REFERENCE, EXONS, tmp_path, Path("/peers/bin"),
                        "/usr/bin/jellyfish", "")
    script = peers.km_script(ctx, "km_lowvaf", [Path("a b_R1.fq.gz"), Path("a_R2.fq")],
                             [Path("t/NPM1_exon12.fa")], Path("S.jf"), Path("out.tsv"))
    assert "zcat -f 'a b_R1.fq.gz' a_R2.fq | /usr/bin/jellyfish count -m 31 -C -s 2M -t 2 " \
           "-o S.jf /dev/stdin" in script
    assert "/peers/bin/km find_mutation -p 0.01 -c 2 t/NPM1_exon12.fa S.jf > out.tsv" in script


# --- sample sheet, robustness ---------------------------------------------------------------------


def test_read_samples_collects_units_and_single_end(tmp_path):
    (tmp_path / "samples.tsv").write_text(
        "sample\tunit\tfq1\tfq2\tassay\n"
        "S1\tL1\tfastq/S1_L1_R1.fq.gz\tfastq/S1_L1_R2.fq.gz\tcapture\n"
        "S1\tL2\tfastq/S1_L2_R1.fq.gz\tfastq/S1_L2_R2.fq.gz\tcapture\n"
        "S2\tL1\t/abs/S2.fq.gz\t\tamplicon\n")
    samples = peers.read_samples(tmp_path)
    assert [s.name for s in samples] == ["S1", "S2"]
    assert [p.name for p in samples[0].fastqs] == ["S1_L1_R1.fq.gz", "S1_L1_R2.fq.gz",
                                                  "S1_L2_R1.fq.gz", "S1_L2_R2.fq.gz"]
    assert samples[0].fastqs[0].parent == tmp_path / "fastq"
    assert samples[1].fastqs == [Path("/abs/S2.fq.gz")]


def test_a_crashing_peer_does_not_stop_the_rest(tmp_path):
    """A fake scanitd that crashes on S1 and reports one ITD on S2; S3 has no BAM."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "scanitd"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$2" in *S1.bam) echo "Traceback: boom" >&2; exit 1;; esac\n'
        'printf "#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\tFORMAT\\tS2\\n'
        'x_1_5\\t12\\t1\\tA\\tTDUP\\t.\\t.\\tSVLEN=21;INSSEQ=.;AO=5;DP=50;AF=0.1\\tGT\\t0/1\\n" > "$6"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    out = tmp_path / "out"
    ctx = peers.Context(tmp_path, tmp_path, REFERENCE, EXONS, out, bin_dir, "jellyfish", "")
    samples = [peers.Sample("S1"), peers.Sample("S2"), peers.Sample("S3")]
    setup = {"reference": tmp_path / "ref.fa", "bed": tmp_path / "t.bed",
             "mapping": {"x:1-5": "x_1_5"}, "reverse": {"x_1_5": "chr13:1-5"},
             "lengths": {"chr13:1-5": 5},
             "bams": {"S1": tmp_path / "S1.bam", "S2": tmp_path / "S2.bam",
                      "S3": FileNotFoundError("BAM not found: S3.bam")}}
    (tmp_path / "t.bed").write_text("x_1_5\t0\t5\tFLT3\n")
    outcomes = peers.run_tool(ctx, "scanitd", samples, setup, jobs=2)
    assert [o.status for o in outcomes] == ["failed", "ok", "failed"]
    assert "boom" in outcomes[0].error and "BAM not found" in outcomes[2].error

    timing = (out / "scanitd" / "timing.tsv").read_text().splitlines()
    assert timing[0].split("\t") == list(peers.TIMING_COLUMNS)
    assert [line.split("\t")[4] for line in timing[1:]] == ["failed", "ok", "failed"]
    calls = (out / "scanitd" / "calls.tsv").read_text().splitlines()
    assert calls[0].split("\t") == list(peers.CALL_COLUMNS)
    assert len(calls) == 2
    assert calls[1].split("\t")[:10] == ["scanitd", "S2", "FLT3", "ITD", "chr13", "12", "21",
                                         "0.1", "5", "50"]
    settings = json.loads((out / "scanitd" / "settings.json").read_text())
    assert settings["tool"] == "scanitd" and settings["thresholds"]["vaf"] == 0.1
    assert any("SA and XA" in note for note in settings["notes"])


def test_cli_rejects_unknown_tool(tmp_path, capsys):
    with pytest.raises(SystemExit):
        peers.main(["--set-dir", str(tmp_path), "--workflow-dir", str(tmp_path), "--reference",
                    str(REFERENCE), "--annotation", str(EXONS), "--out", str(tmp_path / "o"),
                    "--tools", "pindel"])
    assert "unknown tool" in capsys.readouterr().err


def test_timed_reports_failure_tail(tmp_path):
    with pytest.raises(RuntimeError, match="exit 3: oops"):
        peers.timed(["sh", "-c", "echo oops >&2; exit 3"], tmp_path, "")
    wall, rss = peers.timed(["sh", "-c", "true"], tmp_path, "")
    assert wall >= 0 and rss is None
