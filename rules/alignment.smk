# Alignment, one job per sequencing unit: fastp trims adapters and low-quality ends (QC JSON for
# MultiQC) and streams the reads straight into BWA-MEM with the unit's read group; no trimmed
# FASTQ is written. Reads of a BAM/CRAM being realigned (realign_alignments: true) skip fastp: they
# were trimmed in the run that made the file.


rule fastp_bwa_mem:
    input:
        reads=fastp_input,
        adapters=fastp_adapters(),
        reference=REFERENCE,
        index=BWA_INDEX,
    output:
        bam=temp("results/alignment/{sample}/units/{unit}.bam"),
        json=layout.UNIT_FASTP_JSON,
        html="results/qc/fastp/{sample}/{unit}.fastp.html",
    params:
        inputs=fastp_input_flags,
        umi=fastp_umi_flags,
        title=fastp_report_title,
        fastp_extra=config["fastp"]["extra"],
        read_group=READ_GROUP,
        bwa_extra=config["bwa"]["extra"],
    log:
        fastp="logs/fastp/{sample}/{unit}.log",
        bwa="logs/bwa_mem/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/fastp_bwa_mem/{sample}/{unit}.tsv"
    threads: 4
    resources:
        mem_mb=memory_mb("fastp_bwa_mem", 8000),
        runtime=240,
    conda:
        "../envs/fastp_bwa.yaml"
    shell:
        # fastp --stdout interleaves the pairs for bwa mem -p (a single-end unit comes out plain).
        # fixmate -m adds the mate tags that markdup needs; bwa output is already name-grouped.
        "fastp {params.inputs} --stdout --json {output.json:q} --html {output.html:q}"
        "   --adapter_fasta {input.adapters:q} --report_title {params.title:q} --thread {threads} {params.umi}"
        "   {params.fastp_extra} 2> {log.fastp:q}"
        " | (bwa mem -t {threads} -p -R {params.read_group:q} {params.bwa_extra} {input.reference:q} -"
        "   | samtools fixmate -m -u - -"
        "   | samtools sort -@ {threads} -m 512M -o {output.bam:q} -) 2> {log.bwa:q}"


rule samtools_merge_qc:
    input:
        bams=unit_bams,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        bed=HOTSPOTS_BED,
    output:
        bam=layout.SAMPLE_BAM,
        bai=layout.SAMPLE_BAI,
        stats=layout.SAMPLE_STATS,
        flagstat=layout.SAMPLE_FLAGSTAT,
        idxstats=layout.SAMPLE_IDXSTATS,
        mosdepth=layout.MOSDEPTH_REPORTS,
        regions=layout.MOSDEPTH_REGIONS,
        thresholds=layout.MOSDEPTH_THRESHOLDS,
    params:
        mark_duplicates=marks_duplicates,
        mosdepth_prefix=mosdepth_prefix,
        thresholds=",".join(str(t) for t in config["coverage_thresholds"]),
    log:
        "logs/samtools_merge_qc/{sample}.log",
    benchmark:
        "logs/benchmarks/samtools_merge_qc/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("samtools_merge_qc", 2000),
        runtime=60,
    conda:
        "../envs/alignment_qc.yaml"
    shell:
        # The sample's units merged into its final BAM, duplicates marked (not for amplicons),
        # indexed (--write-index; ##idx## names the index .bai, samtools would write a .csi), then
        # the QC reports MultiQC reads: samtools stats, flagstat, idxstats and hotspot coverage
        # (mosdepth). One job rather than five: each step takes seconds on a panel BAM, and a
        # cluster sees one submission per sample.
        "(if [ {params.mark_duplicates} = True ]; then"
        "   samtools merge -u -o - {input.bams:q}"
        "   | samtools markdup -@ {threads} --write-index - {output.bam:q}##idx##{output.bai:q};"
        " else"
        "   samtools merge -@ {threads} --write-index -o {output.bam:q}##idx##{output.bai:q} {input.bams:q};"
        " fi"
        " && samtools stats --reference {input.reference:q} {output.bam:q} > {output.stats:q}"
        " && samtools flagstat {output.bam:q} > {output.flagstat:q}"
        " && samtools idxstats {output.bam:q} > {output.idxstats:q}"
        " && mosdepth --threads {threads} --by {input.bed:q} --no-per-base"
        "   --thresholds {params.thresholds} {params.mosdepth_prefix:q} {output.bam:q}) 2> {log:q}"
