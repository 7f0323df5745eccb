# Calling and annotation, one job per sample. The NPM1 / FLT3 caller (npm1_flt3/caller.py) writes
# an unannotated VCF in GRCh38 coordinates and the depth at every hotspot, which decides wild-type
# versus no-call; annotation (npm1_flt3/annotate.py) adds HGVS on NM_002520.7 / NM_004119.3,
# current and legacy exons, NPM1 types and clinical classes, and writes the bgzipped, indexed VCF.


rule npm1_flt3_call:
    input:
        bam=layout.SAMPLE_BAM,
        bai=layout.SAMPLE_BAI,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        unannotated=temp("results/calls/{sample}.unannotated.vcf"),
        vcf=layout.SAMPLE_VCF,
        tbi=layout.SAMPLE_TBI,
        hotspots=layout.SAMPLE_HOTSPOTS,
    params:
        package_version=PACKAGE_VERSION,
        duplicates=caller_duplicate_flag,
        settings=caller_args(),
        symbolic_min_length=config["symbolic_min_length"],
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
        "(npm1-flt3 call --bam {input.bam:q} --reference {input.reference:q}"
        "   --annotation {input.annotation:q} --sample {wildcards.sample}"
        "   --vcf {output.unannotated:q} --hotspots {output.hotspots:q} {params.duplicates} {params.settings}"
        " && npm1-flt3 annotate --vcf {output.unannotated:q} --reference {input.reference:q}"
        "   --annotation {input.annotation:q} --symbolic-min-length {params.symbolic_min_length}"
        "   --out {output.vcf:q}) 2> {log:q}"
