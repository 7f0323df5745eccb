# Cohort tables: one row per sample (cohort.tsv, with ELN components and the QC verdict), one row
# per variant (variants.tsv) and the cohort summary (cohort_summary.tsv).


rule cohort_file_list:
    input:
        vcfs=all_sample_files("results/calls/{sample}.vcf.gz"),
        hotspots=all_sample_files("results/calls/{sample}.hotspots.tsv"),
        stats=all_sample_files("results/qc/samtools/{sample}.stats.txt"),
    output:
        "results/cohort/cohort_inputs.args",
    log:
        "logs/npm1_flt3_cohort/file_list.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_cohort/file_list.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("cohort_file_list", 100),
        runtime=5,
    localrule: True
    run:
        # An argument file (one argument per line, read by the CLI as @file): thousands of
        # samples' paths do not fit on one command line.
        lines = ["--vcfs", *input.vcfs, "--hotspots", *input.hotspots, "--stats", *input.stats]
        Path(output[0]).write_text("".join(f"{line}\n" for line in lines))


rule npm1_flt3_cohort:
    input:
        args="results/cohort/cohort_inputs.args",
        vcfs=all_sample_files("results/calls/{sample}.vcf.gz"),
        tbis=all_sample_files("results/calls/{sample}.vcf.gz.tbi"),
        hotspots=all_sample_files("results/calls/{sample}.hotspots.tsv"),
        stats=all_sample_files("results/qc/samtools/{sample}.stats.txt"),
        sheet=config["samples"],
        code=PACKAGE_CODE,
    output:
        cohort="results/cohort/cohort.tsv",
        variants="results/cohort/variants.tsv",
        summary="results/cohort/cohort_summary.tsv",
        hotspots="results/cohort/hotspots.tsv",
    params:
        qc=qc_args(),
    log:
        "logs/npm1_flt3_cohort/cohort.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_cohort/cohort.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_cohort", 2000),
        runtime=30,
    localrule: True
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 cohort @{input.args}"
        " --sheet {input.sheet} --cohort {output.cohort} --variants {output.variants}"
        " --summary {output.summary} --hotspot-table {output.hotspots} {params.qc} 2> {log}"
