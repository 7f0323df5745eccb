"""Where the workflow keeps each result, relative to its working directory.

One owner for every path that more than one step needs: the rules (rules/*.smk) name their
outputs with these patterns, and the sample manifest (npm1_flt3/samples.py) writes the same
paths per sample, so the cohort, MRD and report steps read the manifest instead of receiving
thousands of paths on a command line or an argument file.
"""

from __future__ import annotations

# One row per sample of the batch: the sample model (patient, timepoint, day, assay, role,
# baseline) and the paths below. Written once, by `npm1-flt3 manifest`.
MANIFEST = "results/samples/manifest.tsv"

# Per sample.
SAMPLE_BAM = "results/alignment/{sample}.bam"
SAMPLE_BAI = "results/alignment/{sample}.bam.bai"
SAMPLE_VCF = "results/calls/{sample}.vcf.gz"
SAMPLE_TBI = "results/calls/{sample}.vcf.gz.tbi"
SAMPLE_HOTSPOTS = "results/calls/{sample}.hotspots.tsv"
# The caller's output before the batch-level filters (error background, cross-sample contamination)
# and annotation, and its reads per strand at every site: the batch's error background is built
# from all samples' profiles (npm1_flt3/background.py).
SAMPLE_CANDIDATES = "results/calls/{sample}.candidates.vcf"
SAMPLE_PROFILE = "results/calls/{sample}.profile.tsv.gz"
SAMPLE_TRACK = "results/mrd/{sample}.track.tsv"  # only samples of a patient with a follow-up
SAMPLE_IDENTITY = "results/mrd/{sample}.identity.tsv"  # genotypes at the identity SNPs, the same samples
# Samples with UMIs: the reads collapsed into one consensus pair per molecule, aligned again (the
# sample BAM is made from it), and the family-size QC of that step (npm1_flt3/consensus.py).
SAMPLE_CONSENSUS_BAM = "results/alignment/{sample}/consensus.bam"
SAMPLE_UMI_QC = "results/qc/umi/{sample}.families.json"

# Per sample, for MultiQC. MultiQC finds idxstats output by 'idxstat' in the file name.
SAMPLE_STATS = "results/qc/samtools/{sample}.stats.txt"
SAMPLE_FLAGSTAT = "results/qc/samtools/{sample}.flagstat.txt"
SAMPLE_IDXSTATS = "results/qc/samtools/{sample}.idxstats.txt"
MOSDEPTH_PREFIX = "results/qc/mosdepth/{sample}"
MOSDEPTH_REPORTS = (
    f"{MOSDEPTH_PREFIX}.mosdepth.global.dist.txt",
    f"{MOSDEPTH_PREFIX}.mosdepth.region.dist.txt",
    f"{MOSDEPTH_PREFIX}.mosdepth.summary.txt",
)
# mosdepth's per-hotspot depths and the fraction of each hotspot at each coverage threshold.
MOSDEPTH_REGIONS = f"{MOSDEPTH_PREFIX}.regions.bed.gz"
MOSDEPTH_THRESHOLDS = f"{MOSDEPTH_PREFIX}.thresholds.bed.gz"
SAMPLE_QC_REPORTS = (SAMPLE_STATS, SAMPLE_FLAGSTAT, SAMPLE_IDXSTATS, *MOSDEPTH_REPORTS)

# Per sequencing unit given as FASTQ.
UNIT_FASTP_JSON = "results/qc/fastp/{sample}/{unit}.fastp.json"
# An RNA unit's (rules/rna.smk): another folder, so that no file name could come from both rules.
UNIT_FASTP_RNA_JSON = "results/qc/fastp_rna/{sample}/{unit}.fastp.json"

# The batch.
BACKGROUND_MODEL = "results/background/background.tsv.gz"
COHORT_TABLE = "results/cohort/cohort.tsv"
VARIANTS_TABLE = "results/cohort/variants.tsv"
SUMMARY_TABLE = "results/cohort/cohort_summary.tsv"
HOTSPOTS_TABLE = "results/cohort/hotspots.tsv"
MRD_TABLE = "results/cohort/mrd.tsv"
MRD_PLOT = "results/mrd/{patient}.trajectory.svg"
NPM1_FLT3_REPORT_DIR = "results/qc/npm1_flt3"
NPM1_FLT3_REPORT_FILES = tuple(
    f"{NPM1_FLT3_REPORT_DIR}/npm1_flt3_{name}_mqc.yaml"
    for name in ("general", "calls", "vaf", "hotspot_depth", "mrd", "umi")
    # MultiQC reads software versions from files named *_mqc_versions.yaml.
) + (f"{NPM1_FLT3_REPORT_DIR}/npm1_flt3_mqc_versions.yaml",)
# The explicit list of this batch's files that MultiQC reads (never a folder an earlier batch
# wrote to), written with the manifest.
MULTIQC_FILE_LIST = "results/qc/multiqc_inputs.txt"
