# Cohort tables: one row per sample (cohort.tsv, with ELN components and the QC verdict), one row
# per variant (variants.tsv) and the cohort summary (cohort_summary.tsv). The sample manifest
# names each sample's files. Snakemake is given one file per job that writes them (the VCF: its
# index and hotspot table come from the same job; the samtools stats), so that it makes them
# first: at 10,000 samples every listed file costs DAG time (benchmarks/scale.py).


rule npm1_flt3_cohort:
    input:
        manifest=layout.MANIFEST,
        vcfs=all_sample_files(layout.SAMPLE_VCF),
        stats=all_sample_files(layout.SAMPLE_STATS),
    output:
        cohort=layout.COHORT_TABLE,
        variants=layout.VARIANTS_TABLE,
        summary=layout.SUMMARY_TABLE,
        hotspots=layout.HOTSPOTS_TABLE,
    params:
        package_version=PACKAGE_VERSION,
        qc=qc_args(),
        rna="--rna-allelic-ratio" if config["rna"]["allelic_ratio"] else "",
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
        "npm1-flt3 cohort --manifest {input.manifest:q}"
        " --cohort {output.cohort:q} --variants {output.variants:q}"
        " --summary {output.summary:q} --hotspot-table {output.hotspots:q} {params.qc} {params.rna} 2> {log:q}"
