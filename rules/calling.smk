# The NPM1 / FLT3 caller (npm1_flt3/caller.py): an unannotated VCF in GRCh38 coordinates and the
# depth at every hotspot, which decides wild-type versus no-call.


rule npm1_flt3_call:
    input:
        bam="results/alignment/{sample}.bam",
        bai="results/alignment/{sample}.bam.bai",
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
        code=PACKAGE_CODE,
    output:
        vcf=temp("results/calls/{sample}.unannotated.vcf"),
        hotspots="results/calls/{sample}.hotspots.tsv",
    params:
        duplicates=caller_duplicate_flag,
        settings=caller_args,
    log:
        "logs/npm1_flt3_call/{sample}.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_call/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_call", 2000),
        runtime=30,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 call --bam {input.bam} --reference {input.reference}"
        " --annotation {input.annotation} --sample {wildcards.sample}"
        " --vcf {output.vcf} --hotspots {output.hotspots} {params.duplicates} {params.settings}"
        " 2> {log}"
