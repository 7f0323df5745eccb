# Adapter and quality trimming with fastp, one job per sequencing unit. Trimmed reads go out as
# one interleaved FASTQ (paired) or a plain FASTQ (single-end); bwa mem -p reads both.


rule fastp:
    input:
        reads=fastp_input,
        adapters=fastp_adapters(),
    output:
        reads=temp("results/trimmed/{sample}/{unit}.fastq.gz"),
        json="results/qc/fastp/{sample}/{unit}.fastp.json",
        html="results/qc/fastp/{sample}/{unit}.fastp.html",
    params:
        reads=fastp_reads_args,
        title=fastp_report_title,
        extra=config["fastp"].get("extra", ""),
    log:
        "logs/fastp/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/fastp/{sample}/{unit}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("fastp", 2000),
        runtime=60,
    conda:
        "../envs/fastp.yaml"
    shell:
        "fastp {params.reads} --stdout --json {output.json} --html {output.html}"
        " --adapter_fasta {input.adapters} --report_title {params.title} --thread {threads} {params.extra}"
        " 2> {log}"
        " | gzip -1 > {output.reads}"
