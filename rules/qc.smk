# Alignment QC for MultiQC in one job per sample: samtools stats, flagstat and idxstats of the
# final BAM, and hotspot coverage with mosdepth. One job rather than four: a cluster sees fewer
# submissions per sample, and each of these takes seconds on a panel BAM.


rule alignment_qc:
    input:
        bam=layout.SAMPLE_BAM,
        bai=layout.SAMPLE_BAI,
        reference=REFERENCE,
        bed=HOTSPOTS_BED,
    output:
        stats=layout.SAMPLE_STATS,
        flagstat=layout.SAMPLE_FLAGSTAT,
        idxstats=layout.SAMPLE_IDXSTATS,
        mosdepth=layout.MOSDEPTH_REPORTS,
        regions=layout.MOSDEPTH_REGIONS,
        thresholds=layout.MOSDEPTH_THRESHOLDS,
    params:
        mosdepth_prefix=mosdepth_prefix,
        thresholds=",".join(str(t) for t in config["coverage_thresholds"]),
    log:
        "logs/alignment_qc/{sample}.log",
    benchmark:
        "logs/benchmarks/alignment_qc/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("alignment_qc", 2000),
        runtime=30,
    conda:
        "../envs/alignment_qc.yaml"
    shell:
        "(samtools stats --reference {input.reference:q} {input.bam:q} > {output.stats:q}"
        " && samtools flagstat {input.bam:q} > {output.flagstat:q}"
        " && samtools idxstats {input.bam:q} > {output.idxstats:q}"
        " && mosdepth --threads {threads} --by {input.bed:q} --no-per-base"
        "   --thresholds {params.thresholds} {params.mosdepth_prefix:q} {input.bam:q}) 2> {log:q}"
