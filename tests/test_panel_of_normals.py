"""`npm1-flt3 build-pon`: a panel of normals from any set of BAMs, read as the caller reads a
sample, and used by `npm1-flt3 filter` where a batch is too small for its own background."""

from __future__ import annotations

import pysam
import pytest
from conftest import EXONS, REFERENCE
from test_caller import GENOME, TYPE_A, BamBuilder, type_a_sample

from npm1_flt3.background import read_model, read_profile
from npm1_flt3.cli import main


D835 = 28018505  # FLT3 c.2503 (D835), C on the + strand


def tkd_sample(errors: int, reference_reads: int = 200) -> BamBuilder:
    """Reads across D835; `errors` of them carry C>A there (as an 8-oxoG-like artefact would)."""
    builder = BamBuilder()
    start = D835 - 50
    sequence = GENOME.fetch("chr13", start, start + 99)
    mutant = sequence[:50] + "A" + sequence[51:]
    for number in range(reference_reads):
        builder.add("chr13", start, [(0, 100)], mutant if number < errors else sequence)
    return builder


def test_build_pon_counts_every_alignment_and_leaves_carriers_out_of_the_noise(tmp_path):
    bams = []
    for number, errors in enumerate((1, 0, 2, 1, 0)):
        bams.append(tkd_sample(errors).write(tmp_path / f"normal{number}.bam"))
    bams.append(type_a_sample(40, 60).write(tmp_path / "carrier.bam"))  # NPM1 type A at 40%
    pon = tmp_path / "pon.tsv.gz"
    assert main(["build-pon", "--reference", str(REFERENCE), "--out", str(pon), *map(str, bams)]) == 0
    model = read_model(pon)
    assert model.source == "pon" and len(model.samples) == 6
    d835y = model.alleles["chr13", D835, "C", "A"]
    assert d835y.alt == (4, 0) and d835y.samples == 5  # the five TKD normals cover D835
    assert model.alleles[TYPE_A.chrom, TYPE_A.pos, TYPE_A.ref, TYPE_A.alt].excluded == {str(bams[-1])}


def test_the_filter_uses_the_panel_where_the_batch_is_a_single_sample(tmp_path):
    normals = [tkd_sample(errors).write(tmp_path / f"n{i}.bam") for i, errors in enumerate((2, 3, 2, 3, 2, 3))]
    pon = tmp_path / "pon.tsv.gz"
    main(["build-pon", "--reference", str(REFERENCE), "--out", str(pon), *map(str, normals)])
    # The sample: the same artefact at 2.5% (5 reads of 200), which the normals show at 1-1.5%.
    sample = tkd_sample(5).write(tmp_path / "sample.bam")
    candidates, profile = tmp_path / "S1.candidates.vcf", tmp_path / "S1.profile.tsv.gz"
    assert main(["call", "--bam", str(sample), "--reference", str(REFERENCE), "--annotation",
                 str(EXONS), "--sample", "S1", "--vcf", str(candidates),
                 "--hotspots", str(tmp_path / "S1.hotspots.tsv"), "--profile", str(profile)]) == 0
    assert read_profile(profile).alleles["chr13", D835, "C", "A"] == (5, 0)
    filtered = tmp_path / "S1.filtered.vcf"
    assert main(["filter", "--vcf", str(candidates), "--profile", str(profile), "--patient", "P1",
                 "--reference", str(REFERENCE), "--pon", str(pon), "--out", str(filtered)]) == 0
    with pysam.VariantFile(str(filtered)) as vcf:
        [record] = [r for r in vcf if r.pos == D835]
    assert record.info["BG_SOURCE"] == "pon" and record.info["BG_SAMPLES"] == 6
    assert "ErrorBackground" in record.filter


def test_build_pon_names_a_missing_file(tmp_path, capsys):
    assert main(["build-pon", "--reference", str(REFERENCE), "--out", str(tmp_path / "pon.tsv.gz"),
                 str(tmp_path / "missing.bam")]) == 1
    assert "missing.bam: not found" in capsys.readouterr().err
    assert not (tmp_path / "pon.tsv.gz").exists()
