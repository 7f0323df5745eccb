# Reference preparation into resources/: a link to the FASTA, its faidx and BWA indexes, and the
# hotspot BED in the reference's own coordinates. Reused by every batch that shares resources_dir.


rule reference_link_faidx:
    input:
        str(REFERENCE_SOURCE),
    output:
        fasta=REFERENCE,
        fai=f"{REFERENCE}.fai",
    log:
        f"logs/reference/{REFERENCE_NAME}.faidx.log",
    benchmark:
        f"logs/benchmarks/reference/{REFERENCE_NAME}.faidx.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("reference_link_faidx", 1000),
        runtime=30,
    localrule: True  # a link and an index of the FASTA: seconds, not worth a cluster job
    conda:
        "../envs/samtools.yaml"
    shell:
        # A link, not a copy: a whole genome is gigabytes; its index is built beside the link.
        "(ln -sfn {input:q} {output.fasta:q} && samtools faidx {output.fasta:q}) 2> {log:q}"


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
        "bwa index {input:q} 2> {log:q}"


rule npm1_flt3_targets:
    input:
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        HOTSPOTS_BED,
    params:
        package_version=PACKAGE_VERSION,
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
        "npm1-flt3 targets --reference {input.reference:q} --annotation {input.annotation:q}"
        " --out {output:q} 2> {log:q}"
