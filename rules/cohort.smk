# Cohort tables: one row per sample (cohort.tsv) and one row per variant (variants.tsv).


rule npm1_flt3_cohort:
    input:
        vcfs=all_sample_files("results/calls/{sample}.vcf.gz"),
        tbis=all_sample_files("results/calls/{sample}.vcf.gz.tbi"),
        hotspots=all_sample_files("results/calls/{sample}.hotspots.tsv"),
        sheet=config["samples"],
        code=PACKAGE_CODE,
    output:
        cohort="results/cohort/cohort.tsv",
        variants="results/cohort/variants.tsv",
    log:
        "logs/npm1_flt3_cohort/cohort.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_cohort/cohort.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    localrule: True
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 cohort --vcfs {input.vcfs} --hotspots {input.hotspots}"
        " --sheet {input.sheet} --cohort {output.cohort} --variants {output.variants} 2> {log}"
