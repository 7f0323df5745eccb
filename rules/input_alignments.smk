# Samples given as BAM or CRAM from an earlier run (sheet column bam). On a compatible reference
# (same contigs and lengths) their reads around NPM1 and FLT3 are cut out and re-called; with
# realign_alignments: true all their reads are aligned again with BWA-MEM (without re-trimming).


rule import_alignment:
    input:
        alignment=input_alignment,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        reads=temp("results/alignment/{sample}/imported/{unit}.bam"),
        targets=temp("results/alignment/{sample}/imported/{unit}.targets.bed"),
    params:
        package_version=PACKAGE_VERSION,
        collate_prefix=collate_prefix,
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
        "(npm1-flt3 alignment-targets {input.alignment:q} --reference {input.reference:q}"
        "   --annotation {input.annotation:q} --bed {output.targets:q}"
        " && samtools view -u -T {input.reference:q} -L {output.targets:q} {input.alignment:q}"
        " | samtools collate -u -O - {params.collate_prefix:q}"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output.reads:q} -) 2> {log:q}"


rule realign_alignment:
    input:
        alignment=input_alignment,
        reference=REFERENCE,
        index=BWA_INDEX,
    output:
        temp("results/alignment/{sample}/realigned/{unit}.bam"),
    params:
        collate_prefix=collate_prefix,
        read_group=READ_GROUP,
        bwa_extra=config["bwa"]["extra"],
    log:
        "logs/realign_alignment/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/realign_alignment/{sample}/{unit}.tsv"
    threads: 4
    resources:
        mem_mb=memory_mb("realign_alignment", 8000),
        runtime=240,
    conda:
        "../envs/bwa.yaml"
    shell:
        # Primary records only, grouped by name: mates come out interleaved for bwa mem -p, as
        # fastp's output does for FASTQ units; then the same alignment as rule fastp_bwa_mem.
        "(samtools collate -u -O --reference {input.reference:q} {input.alignment:q}"
        "   {params.collate_prefix:q}"
        " | samtools fastq -n -F 0x900 -"
        " | bwa mem -t {threads} -p -R {params.read_group:q} {params.bwa_extra} {input.reference:q} -"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output:q} -) 2> {log:q}"
