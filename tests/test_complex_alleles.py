"""Complex NPM1 alleles (deletion-insertions) on ART reads aligned with bwa mem.

BWA-MEM writes type E (c.869_873delinsCTCTTGCCC) as a 4-bp insertion plus four mismatches in most
reads and as a 10-bp insertion plus a 6-bp deletion in some; the caller must report the one
allele the reads carry, with its VAF, and MRD tracking must find it again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bwa_sim import genome, measured_vaf, planted, reference, simulated_bam  # noqa: F401 (fixtures)
from conftest import EXONS
from npm1_flt3.caller import CallerSettings, call_sample
from npm1_flt3.hgvs import annotate_variant
from npm1_flt3.npm1_types import npm1_type
from npm1_flt3.reference import GenomeReference
from benchmarks.simulation import Region
from npm1_flt3.track import measure_alleles
from npm1_flt3.transcripts import load_transcripts
from npm1_flt3.variants import Variant

TRANSCRIPTS = load_transcripts(EXONS)
NPM1_WINDOW = Region("chr5", 171410150, 171410890)  # the exon-12 hotspot with 390 / 340 bp around
VAF = 0.4
DEPTH = 1000.0
# The caller against the VAF the reads hold (bwa_sim.measured_vaf), and against the planted VAF
# (about 2.5 standard deviations of ART's sampling at this depth).
EXACT, PLANTED = 0.02, 0.06

TYPE_A = Variant("chr5", 171410539, "C", "CTCTG")
TYPE_E = Variant("chr5", 171410549, "GGAGG", "CTCTTGCCC")
DELINS = {
    "E": TYPE_E,
    "F": Variant("chr5", 171410549, "GGAGG", "CCCTGGAGA"),
    # c.863_873delinsCCCGGGCAGT: CCCG inserted before c.863 and GGAGG deleted 6 bases further
    # on, one allele (net -1).
    "other": Variant("chr5", 171410543, "GGCAGTGGAGG", "CCCGGGCAGT"),
}


def npm1_calls(bam: Path, genome: GenomeReference):
    calls, _ = call_sample(bam, genome, TRANSCRIPTS, CallerSettings())
    return [call for call in calls if call.gene == "NPM1"]


@pytest.mark.parametrize("name", DELINS)
def test_a_delins_is_one_exact_allele_at_its_vaf(name, reference, genome, tmp_path):
    variant = DELINS[name]
    bam = simulated_bam(reference, tmp_path, f"delins_{name}", (planted("NPM1", variant, VAF),),
                        NPM1_WINDOW, DEPTH)
    [call] = npm1_calls(bam, genome)  # no leftover insertion or deletion
    truth = measured_vaf(bam, genome, variant)
    print(f"{name}: {call.variant} {call.alt_reads}/{call.depth} = {call.vaf:.3f} (reads hold {truth:.3f})")
    assert (call.variant, call.vartype, call.filters) == (variant, "DELINS", [])
    assert abs(call.vaf - truth) < EXACT and abs(call.vaf - VAF) < PLANTED
    annotation = annotate_variant(TRANSCRIPTS["NPM1"], genome, call.variant)
    assert annotation.consequence == "frameshift"
    assert npm1_type(annotation.hgvs_c) == name


def test_type_a_with_sequencing_errors_stays_type_a(reference, genome, tmp_path):
    # ART puts errors in some reads next to the insertion: they must not make a delins.
    bam = simulated_bam(reference, tmp_path, "type_a", (planted("NPM1", TYPE_A, VAF),), NPM1_WINDOW, DEPTH)
    [call] = npm1_calls(bam, genome)
    truth = measured_vaf(bam, genome, TYPE_A)
    print(f"A: {call.variant} {call.alt_reads}/{call.depth} = {call.vaf:.3f} (reads hold {truth:.3f})")
    assert (call.variant, call.vartype) == (TYPE_A, "INS")
    assert abs(call.vaf - truth) < EXACT and abs(call.vaf - VAF) < PLANTED


def test_mrd_tracking_follows_the_delins(reference, genome, tmp_path):
    diagnosis = simulated_bam(reference, tmp_path, "diagnosis", (planted("NPM1", TYPE_E, VAF),),
                              NPM1_WINDOW, DEPTH)
    [call] = npm1_calls(diagnosis, genome)
    remission = simulated_bam(reference, tmp_path, "remission", (planted("NPM1", TYPE_E, 0.02),),
                              NPM1_WINDOW, 2000.0, seed=2)
    # What the aligner's CIGAR alone suggests: an insertion of TCTC after c.867, which no
    # molecule carries.
    cigar_only = Variant("chr5", 171410547, "G", "GTCTC")
    alleles = [{"chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt} for v in (call.variant, cigar_only)]
    settings = CallerSettings()
    found, truth = {}, {}
    for name, bam in (("diagnosis", diagnosis), ("remission", remission)):
        real, fake = measure_alleles(bam, genome, TRANSCRIPTS, alleles, settings, True)
        found[name] = real.alt / real.depth
        truth[name] = measured_vaf(bam, genome, TYPE_E, fragments=True)
        print(f"MRD {name}: {real.alt}/{real.depth} = {found[name]:.4f} (fragments hold {truth[name]:.4f}); "
              f"CIGAR-only allele {fake.alt}")
        assert fake.alt == 0
    assert abs(found["diagnosis"] - truth["diagnosis"]) < EXACT and abs(found["diagnosis"] - VAF) < PLANTED
    assert abs(found["remission"] - truth["remission"]) < 0.005 and 0.01 < found["remission"] < 0.03
