# MultiQC over an explicit list of this batch's files (never a folder an earlier batch wrote to),
# with the NPM1/FLT3 section (npm1_flt3/report.py) and the versions of the pipeline and its tools.


rule tool_version:
    output:
        "results/qc/versions/{tool}.txt",
    log:
        "logs/tool_version/{tool}.log",
    benchmark:
        "logs/benchmarks/tool_version/{tool}.tsv"
    wildcard_constraints:
        tool="|".join(VERSIONED_TOOLS),
    threads: 1
    resources:
        mem_mb=memory_mb("tool_version", 100),
        runtime=5,
    localrule: True  # a second's work: not worth a cluster job
    params:
        command=version_command,
    conda:
        tool_env
    shell:
        "( {params.command} ) > {output:q} 2> {log:q}"


rule npm1_flt3_report:
    input:
        cohort=layout.COHORT_TABLE,
        hotspots=layout.HOTSPOTS_TABLE,
        mrd=layout.MRD_TABLE,
        umi_qc=umi_sample_files(layout.SAMPLE_UMI_QC),
        versions=expand("results/qc/versions/{tool}.txt", tool=VERSIONED_TOOLS),
    output:
        layout.NPM1_FLT3_REPORT_FILES,
    params:
        package_version=PACKAGE_VERSION,
        outdir=report_folder,
        pipeline_version=pipeline_version(),
        snakemake_version=SNAKEMAKE_VERSION,
    log:
        "logs/npm1_flt3_report/report.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_report/report.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_report", 1000),
        runtime=10,
    localrule: True
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "npm1-flt3 report --cohort {input.cohort:q} --hotspots {input.hotspots:q} --mrd {input.mrd:q}"
        " --umi-qc {input.umi_qc:q} --versions {input.versions:q} --pipeline-version {params.pipeline_version:q}"
        " --snakemake-version {params.snakemake_version:q} --outdir {params.outdir:q} 2> {log:q}"


rule multiqc:
    input:
        # MultiQC reads the files named in the list. Snakemake is given one per job that writes
        # them: the NPM1/FLT3 section, and each sample's samtools stats, written with its other QC
        # reports, after its lanes' fastp reports (rule samtools_merge_qc).
        npm1_flt3=layout.NPM1_FLT3_REPORT_FILES,
        stats=all_sample_files(layout.SAMPLE_STATS),
        file_list=layout.MULTIQC_FILE_LIST,
        config=MULTIQC_CONFIG,
    output:
        report="results/qc/multiqc_report.html",
        data=directory("results/qc/multiqc_report_data"),
    log:
        "logs/multiqc/multiqc.log",
    benchmark:
        "logs/benchmarks/multiqc/multiqc.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("multiqc", 4000),
        runtime=30,
    conda:
        "../envs/multiqc.yaml"
    shell:
        "multiqc --force --config {input.config:q} --file-list {input.file_list:q}"
        " --outdir results/qc --filename multiqc_report.html 2> {log:q}"
