# BWA-MEM per unit with read groups from the sheet; units of a sample merged, duplicates marked
# (except for amplicon assays) and indexed in one job. The final BAM is kept: cohorts get re-called
# from it.


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
        "(bwa mem -t {threads} -p -R {params.read_group:q} {params.extra} {input.reference:q} {input.reads:q}"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output:q} -) 2> {log:q}"


rule samtools_merge_markdup:
    input:
        unit_bams,
    output:
        bam=layout.SAMPLE_BAM,
        bai=layout.SAMPLE_BAI,
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
        # --write-index with ##idx## names the index .bai (samtools would write a .csi otherwise).
        "(if [ {params.mark_duplicates} = True ]; then"
        "   samtools merge -u -o - {input:q}"
        "   | samtools markdup -@ {threads} --write-index - {output.bam:q}##idx##{output.bai:q};"
        " else"
        "   samtools merge -@ {threads} --write-index -o {output.bam:q}##idx##{output.bai:q} {input:q};"
        " fi) 2> {log:q}"
