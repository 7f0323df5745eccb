# Alignment QC (samtools stats, flagstat, idxstats) and hotspot coverage (mosdepth), for MultiQC.


rule samtools_stats:
    input:
        bam="results/alignment/{sample}.bam",
        bai="results/alignment/{sample}.bam.bai",
        reference=REFERENCE,
    output:
        "results/qc/samtools/{sample}.stats.txt",
    log:
        "logs/samtools_stats/{sample}.log",
    benchmark:
        "logs/benchmarks/samtools_stats/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("samtools_stats", 1000),
        runtime=30,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools stats --reference {input.reference} {input.bam} > {output} 2> {log}"


rule samtools_flagstat:
    input:
        bam="results/alignment/{sample}.bam",
        bai="results/alignment/{sample}.bam.bai",
    output:
        "results/qc/samtools/{sample}.flagstat.txt",
    log:
        "logs/samtools_flagstat/{sample}.log",
    benchmark:
        "logs/benchmarks/samtools_flagstat/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("samtools_flagstat", 1000),
        runtime=30,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools flagstat {input.bam} > {output} 2> {log}"


rule samtools_idxstats:
    input:
        bam="results/alignment/{sample}.bam",
        bai="results/alignment/{sample}.bam.bai",
    output:
        # MultiQC finds idxstats output by 'idxstat' in the file name.
        "results/qc/samtools/{sample}.idxstats.txt",
    log:
        "logs/samtools_idxstats/{sample}.log",
    benchmark:
        "logs/benchmarks/samtools_idxstats/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("samtools_idxstats", 1000),
        runtime=30,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools idxstats {input.bam} > {output} 2> {log}"


rule mosdepth_hotspots:
    input:
        bam="results/alignment/{sample}.bam",
        bai="results/alignment/{sample}.bam.bai",
        bed=HOTSPOTS_BED,
    output:
        multiext(
            "results/qc/mosdepth/{sample}.mosdepth",
            ".global.dist.txt", ".region.dist.txt", ".summary.txt",
        ),
        regions="results/qc/mosdepth/{sample}.regions.bed.gz",
        thresholds="results/qc/mosdepth/{sample}.thresholds.bed.gz",
    params:
        prefix="results/qc/mosdepth/{sample}",
        thresholds=",".join(str(t) for t in config["coverage_thresholds"]),
    log:
        "logs/mosdepth/{sample}.log",
    benchmark:
        "logs/benchmarks/mosdepth/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("mosdepth_hotspots", 2000),
        runtime=30,
    conda:
        "../envs/mosdepth.yaml"
    shell:
        "mosdepth --threads {threads} --by {input.bed} --no-per-base"
        " --thresholds {params.thresholds} {params.prefix} {input.bam} 2> {log}"
