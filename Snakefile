# npm1-flt3: NPM1 and FLT3 (ITD, TKD) mutations from AML sequencing batches.
# FASTQ -> fastp -> BWA-MEM (RNA: exon contigs, then genome; rules/rna.smk)
#       -> samtools (merge, duplicates, index; stats and hotspot coverage)
#       -> caller and annotation -> bgzipped VCF per sample -> cohort tables, MRD follow-up -> MultiQC.
# All logic lives in rules/common.smk and the npm1_flt3 package; this file only wires them.

# No configfile here: the user's own config (--configfile) is validated on its own and every other
# key takes its default from schemas/config.schema.yaml (config/README.md).

include: "rules/common.smk"

# With --software-deployment-method apptainer every job runs in this image (envs/apptainer.def).
if config["container"]:

    container: config["container"]

include: "rules/reference.smk"
include: "rules/samples.smk"
include: "rules/input_alignments.smk"
include: "rules/alignment.smk"
include: "rules/rna.smk"
include: "rules/umi.smk"
include: "rules/calling.smk"
include: "rules/cohort.smk"
include: "rules/mrd.smk"
include: "rules/report.smk"


rule all:
    input:
        final_outputs(),
    localrule: True
