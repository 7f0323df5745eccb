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
        "( {params.command} ) > {output} 2> {log}"


rule npm1_flt3_report:
    input:
        cohort="results/cohort/cohort.tsv",
        hotspots="results/cohort/hotspots.tsv",
        mrd="results/cohort/mrd.tsv",
        versions=expand("results/qc/versions/{tool}.txt", tool=VERSIONED_TOOLS),
        code=PACKAGE_CODE,
    output:
        NPM1_FLT3_REPORT_FILES,
    params:
        outdir="results/qc/npm1_flt3",
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
        "python -m npm1_flt3 report --cohort {input.cohort} --hotspots {input.hotspots} --mrd {input.mrd}"
        " --versions {input.versions} --pipeline-version '{params.pipeline_version}'"
        " --snakemake-version {params.snakemake_version} --outdir {params.outdir} 2> {log}"


rule multiqc_file_list:
    input:
        multiqc_inputs,
    output:
        "results/qc/multiqc_inputs.txt",
    log:
        "logs/multiqc/file_list.log",
    benchmark:
        "logs/benchmarks/multiqc/file_list.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("multiqc_file_list", 100),
        runtime=5,
    localrule: True
    run:
        # Written from Python: at a few hundred samples the list no longer fits on a command line.
        Path(output[0]).write_text("".join(f"{path}\n" for path in input))


rule multiqc:
    input:
        files=multiqc_inputs,
        file_list="results/qc/multiqc_inputs.txt",
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
        "multiqc --force --config {input.config} --file-list {input.file_list}"
        " --outdir results/qc --filename multiqc_report.html 2> {log}"
