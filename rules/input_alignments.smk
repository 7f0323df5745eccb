# Samples given as BAM or CRAM from an earlier run (sheet column bam). On a compatible reference
# (same contigs and lengths) their reads around NPM1 and FLT3 are cut out and re-called; with
# realign_alignments: true all their reads are aligned again like FASTQ (without re-trimming).


rule import_alignment:
    input:
        alignment=input_alignment,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        reads=temp("results/alignment/{sample}/imported/{unit}.bam"),
        targets=temp("results/alignment/{sample}/imported/{unit}.targets.bed"),
    log:
        "logs/import_alignment/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/import_alignment/{sample}/{unit}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("import_alignment", 2000),
        runtime=120,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        # The check refuses a file aligned to another reference before anything is cut out.
        # collate + fixmate -m give the mate tags that markdup needs, as for bwa_mem output.
        "(python -m npm1_flt3 alignment-targets {input.alignment} --reference {input.reference}"
        "   --annotation {input.annotation} --bed {output.targets}"
        " && samtools view -u -T {input.reference} -L {output.targets} {input.alignment}"
        " | samtools collate -u -O - {resources.tmpdir}/{wildcards.sample}.{wildcards.unit}.collate"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output.reads} -) 2> {log}"


rule alignment_to_reads:
    input:
        alignment=input_alignment,
        reference=REFERENCE,
    output:
        temp("results/realign/{sample}/{unit}.fastq.gz"),
    log:
        "logs/alignment_to_reads/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/alignment_to_reads/{sample}/{unit}.tsv"
    threads: 2
    resources:
        mem_mb=memory_mb("alignment_to_reads", 2000),
        runtime=240,
    conda:
        "../envs/samtools.yaml"
    shell:
        # Primary records only, grouped by name: mates come out interleaved for bwa mem -p.
        "(samtools collate -u -O --reference {input.reference} {input.alignment}"
        "   {resources.tmpdir}/{wildcards.sample}.{wildcards.unit}.collate"
        " | samtools fastq -n -F 0x900 - | gzip -1 > {output}) 2> {log}"
