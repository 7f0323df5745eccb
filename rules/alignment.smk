# BWA-MEM per unit with read groups from the sheet; units of a sample merged, duplicates marked
# (except for amplicon assays), indexed. The final BAM is kept: cohorts get re-called from it.


rule bwa_mem:
    input:
        reads=aligner_reads,
        reference=REFERENCE,
        index=BWA_INDEX,
    output:
        temp("results/alignment/{sample}/units/{unit}.bam"),
    params:
        read_group=read_group,
        extra=config["bwa"].get("extra", ""),
    log:
        "logs/bwa_mem/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/bwa_mem/{sample}/{unit}.tsv"
    threads: 4
    resources:
        mem_mb=memory_mb("bwa_mem", 8000),
        runtime=240,
    conda:
        "../envs/bwa.yaml"
    shell:
        # fixmate -m adds the mate tags that markdup needs; bwa output is already name-grouped.
        "(bwa mem -t {threads} -p -R '{params.read_group}' {params.extra} {input.reference} {input.reads}"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output} -) 2> {log}"


rule samtools_merge_markdup:
    input:
        unit_bams,
    output:
        "results/alignment/{sample}.bam",
    params:
        mark_duplicates=marks_duplicates,
    log:
        "logs/samtools_merge_markdup/{sample}.log",
    benchmark:
        "logs/benchmarks/samtools_merge_markdup/{sample}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("samtools_merge_markdup", 2000),
        runtime=60,
    conda:
        "../envs/samtools.yaml"
    shell:
        "(if [ {params.mark_duplicates} = True ]; then"
        "   samtools merge -u -o - {input} | samtools markdup -@ {threads} - {output};"
        " else"
        "   samtools merge -@ {threads} -o {output} {input};"
        " fi) 2> {log}"


rule samtools_index:
    input:
        "results/alignment/{sample}.bam",
    output:
        "results/alignment/{sample}.bam.bai",
    log:
        "logs/samtools_index/{sample}.log",
    benchmark:
        "logs/benchmarks/samtools_index/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("samtools_index", 1000),
        runtime=30,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools index {input} 2> {log}"
