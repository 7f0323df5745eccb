# UMI consensus, for samples whose sheet row gives a umi layout: the sample's aligned raw reads
# (fastp has moved the UMIs into the read names) become one consensus read pair per molecule
# (npm1_flt3/consensus.py), aligned again with BWA-MEM. The sample BAM is made from these
# (samtools_merge_qc, without duplicate marking), so the caller and MRD count molecules.


rule umi_consensus:
    input:
        bams=raw_unit_bams,
        reference=REFERENCE,
        index=BWA_INDEX,
    output:
        bam=temp(layout.SAMPLE_CONSENSUS_BAM),
        qc=layout.SAMPLE_UMI_QC,
    params:
        package_version=PACKAGE_VERSION,
        min_reads=config["umi"]["min_reads"],
        read_group="@RG\\tID:{sample}\\tSM:{sample}\\tLB:{sample}\\tPU:consensus\\tPL:ILLUMINA",
        bwa_extra=config["bwa"]["extra"],
    log:
        "logs/umi_consensus/{sample}.log",
    benchmark:
        "logs/benchmarks/umi_consensus/{sample}.tsv"
    threads: 4
    resources:
        mem_mb=memory_mb("umi_consensus", 4000),
        runtime=240,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        # bwa mem -p pairs the two ends of a molecule (single-end molecules stay single); -C keeps
        # the consensus reads' family sizes (cD, aD, bD) as SAM tags.
        "(samtools merge -u -o - {input.bams:q}"
        " | npm1-flt3 consensus --bam - --out - --qc {output.qc:q} --sample {wildcards.sample}"
        "   --min-reads {params.min_reads}"
        " | bwa mem -t {threads} -p -C -R {params.read_group:q} {params.bwa_extra} {input.reference:q} -"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output.bam:q} -) 2> {log:q}"
