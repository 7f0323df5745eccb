# Reference preparation into resources/: a link to the FASTA, its faidx and BWA indexes, and the
# hotspot BED in the reference's own coordinates. Reused by every batch that shares resources_dir.


rule reference_link:
    input:
        str(REFERENCE_SOURCE),
    output:
        REFERENCE,
    log:
        f"logs/reference/{REFERENCE_NAME}.link.log",
    benchmark:
        f"logs/benchmarks/reference/{REFERENCE_NAME}.link.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("reference_link", 100),
        runtime=5,
    localrule: True
    shell:
        "ln -sfn {input} {output} 2> {log}"


rule samtools_faidx:
    input:
        REFERENCE,
    output:
        f"{REFERENCE}.fai",
    log:
        f"logs/reference/{REFERENCE_NAME}.faidx.log",
    benchmark:
        f"logs/benchmarks/reference/{REFERENCE_NAME}.faidx.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("samtools_faidx", 1000),
        runtime=30,
    conda:
        "../envs/samtools.yaml"
    shell:
        "samtools faidx {input} 2> {log}"


rule bwa_index:
    input:
        REFERENCE,
    output:
        BWA_INDEX,
    log:
        f"logs/reference/{REFERENCE_NAME}.bwa_index.log",
    benchmark:
        f"logs/benchmarks/reference/{REFERENCE_NAME}.bwa_index.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("bwa_index", 8000),
        runtime=180,
    conda:
        "../envs/bwa.yaml"
    shell:
        "bwa index {input} 2> {log}"


rule npm1_flt3_targets:
    input:
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        HOTSPOTS_BED,
    log:
        f"logs/reference/{REFERENCE_NAME}.hotspots.log",
    benchmark:
        f"logs/benchmarks/reference/{REFERENCE_NAME}.hotspots.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_targets", 500),
        runtime=5,
    localrule: True
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 targets --reference {input.reference} --annotation {input.annotation}"
        " --out {output} 2> {log}"
