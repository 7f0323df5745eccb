# HGVS (NM_002520.7, NM_004119.3), current and legacy exons, NPM1 types; bgzipped, indexed VCF.


rule npm1_flt3_annotate:
    input:
        vcf="results/calls/{sample}.unannotated.vcf",
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
        code=PACKAGE_CODE,
    output:
        vcf="results/calls/{sample}.vcf.gz",
        tbi="results/calls/{sample}.vcf.gz.tbi",
    params:
        symbolic_min_length=config.get("symbolic_min_length", 0),
    log:
        "logs/npm1_flt3_annotate/{sample}.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_annotate/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_annotate", 1000),
        runtime=15,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 annotate --vcf {input.vcf} --reference {input.reference}"
        " --annotation {input.annotation} --symbolic-min-length {params.symbolic_min_length}"
        " --out {output.vcf} 2> {log}"
