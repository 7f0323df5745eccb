# MultiQC over an explicit list of this batch's files (never a folder an earlier batch wrote to).


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
