# Adapter and quality trimming with fastp, one job per sequencing unit. Trimmed reads go out as
# one interleaved FASTQ (paired) or a plain FASTQ (single-end); bwa mem -p reads both.


rule fastp:
    input:
        reads=fastp_input,
        adapters=fastp_adapters(),
    output:
        reads=temp("results/trimmed/{sample}/{unit}.fastq.gz"),
        json=layout.UNIT_FASTP_JSON,
        html="results/qc/fastp/{sample}/{unit}.fastp.html",
    params:
        inputs=fastp_input_flags,
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
        "fastp {params.inputs} --stdout --json {output.json:q} --html {output.html:q}"
        " --adapter_fasta {input.adapters:q} --report_title {params.title:q} --thread {threads} {params.extra}"
        " 2> {log:q}"
        " | gzip -1 > {output.reads:q}"
