# RNA-seq units (sample sheet assay: rna): junction-aware alignment with BWA-MEM, one job per unit
# (npm1_flt3/rna_alignment.py says why not a splice-aware aligner); a BAM/CRAM realigned
# (realign_alignments: true) goes through the same passes in realign_alignment_rna.
#
# 1. fastp trims as for DNA; every read is aligned to the exon contigs (each MANE transcript's
#    exons joined, rule rna_exon_contigs), so that reads crossing exon-exon junctions align end to
#    end; pairs with no mate there are dropped: this screens a whole transcriptome down to the
#    NPM1/FLT3 reads at the cost of one BWA pass over a 5-kb reference.
# 2. The kept reads are aligned again to the configured genome (mapping quality, intronic reads).
# 3. npm1-flt3 rna-merge keeps, per read, the better-scoring alignment, the exon-contig one
#    projected onto GRCh38 with an N at each junction; then mate tags and sorting as for DNA.


rule rna_exon_contigs:
    input:
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        fasta=RNA_EXON_CONTIGS,
        index=multiext(RNA_EXON_CONTIGS, ".amb", ".ann", ".bwt", ".pac", ".sa"),
    params:
        package_version=PACKAGE_VERSION,
    log:
        f"logs/reference/{REFERENCE_NAME}.rna_exon_contigs.log",
    benchmark:
        f"logs/benchmarks/reference/{REFERENCE_NAME}.rna_exon_contigs.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("rna_exon_contigs", 1000),
        runtime=10,
    localrule: True  # seconds: a 5-kb FASTA and its index
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "(npm1-flt3 rna-reference --reference {input.reference:q} --annotation {input.annotation:q}"
        "   --out {output.fasta:q} && bwa index {output.fasta:q}) 2> {log:q}"


rule fastp_bwa_mem_rna:
    input:
        reads=fastp_input,
        adapters=fastp_adapters(),
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        index=BWA_INDEX,
        exon_contigs=RNA_EXON_CONTIGS,
        exon_index=multiext(RNA_EXON_CONTIGS, ".amb", ".ann", ".bwt", ".pac", ".sa"),
        annotation=ANNOTATION,
    output:
        bam=temp("results/alignment/{sample}/rna_units/{unit}.bam"),
        json=layout.UNIT_FASTP_RNA_JSON,
        html="results/qc/fastp_rna/{sample}/{unit}.fastp.html",
    params:
        package_version=PACKAGE_VERSION,
        inputs=fastp_input_flags,
        title=fastp_report_title,
        fastp_extra=config["fastp"]["extra"],
        read_group=READ_GROUP,
        bwa_extra=config["bwa"]["extra"],
        work=rna_work_dir,
    log:
        reads="logs/fastp_rna/{sample}/{unit}.log",
        align="logs/bwa_mem_rna/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/fastp_bwa_mem_rna/{sample}/{unit}.tsv"
    threads: 4
    resources:
        mem_mb=memory_mb("fastp_bwa_mem_rna", 8000),
        runtime=240,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        # The exon-contig pass keeps a pair when either mate aligned (a single read: when it did);
        # samtools fastq gives the kept reads back, interleaved, in the same order for the genome pass.
        "(mkdir -p {params.work:q}"
        " && fastp {params.inputs} --stdout --json {output.json:q} --html {output.html:q}"
        "   --adapter_fasta {input.adapters:q} --report_title {params.title:q} --thread {threads}"
        "   {params.fastp_extra} 2> {log.reads:q}"
        " | bwa mem -t {threads} -p -R {params.read_group:q} {params.bwa_extra} {input.exon_contigs:q} -"
        " | samtools view -u -e '!(flag.unmap && (flag.munmap || !flag.paired))' -o {params.work:q}/exons.bam -"
        " && samtools fastq -n {params.work:q}/exons.bam"
        " | bwa mem -t {threads} -p -R {params.read_group:q} {params.bwa_extra} {input.reference:q} -"
        " | samtools view -u -o {params.work:q}/genome.bam -"
        " && npm1-flt3 rna-merge --exon-bam {params.work:q}/exons.bam --genome-bam {params.work:q}/genome.bam"
        "   --reference {input.reference:q} --annotation {input.annotation:q}"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output.bam:q} -"
        " && rm -r {params.work:q}) 2> {log.align:q}"


rule realign_alignment_rna:
    input:
        alignment=input_alignment,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        index=BWA_INDEX,
        exon_contigs=RNA_EXON_CONTIGS,
        exon_index=multiext(RNA_EXON_CONTIGS, ".amb", ".ann", ".bwt", ".pac", ".sa"),
        annotation=ANNOTATION,
    output:
        temp("results/alignment/{sample}/rna_realigned/{unit}.bam"),
    params:
        package_version=PACKAGE_VERSION,
        collate_prefix=collate_prefix,
        read_group=READ_GROUP,
        bwa_extra=config["bwa"]["extra"],
        work=rna_work_dir,
    log:
        "logs/realign_alignment_rna/{sample}/{unit}.log",
    benchmark:
        "logs/benchmarks/realign_alignment_rna/{sample}/{unit}.tsv"
    threads: 4
    resources:
        mem_mb=memory_mb("realign_alignment_rna", 8000),
        runtime=240,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        # A BAM/CRAM's primary reads, grouped by name (as rule realign_alignment), not trimmed
        # again; then the same passes as fastp_bwa_mem_rna.
        "(mkdir -p {params.work:q}"
        " && samtools collate -u -O --reference {input.reference:q} {input.alignment:q} {params.collate_prefix:q}"
        " | samtools fastq -n -F 0x900 -"
        " | bwa mem -t {threads} -p -R {params.read_group:q} {params.bwa_extra} {input.exon_contigs:q} -"
        " | samtools view -u -e '!(flag.unmap && (flag.munmap || !flag.paired))' -o {params.work:q}/exons.bam -"
        " && samtools fastq -n {params.work:q}/exons.bam"
        " | bwa mem -t {threads} -p -R {params.read_group:q} {params.bwa_extra} {input.reference:q} -"
        " | samtools view -u -o {params.work:q}/genome.bam -"
        " && npm1-flt3 rna-merge --exon-bam {params.work:q}/exons.bam --genome-bam {params.work:q}/genome.bam"
        "   --reference {input.reference:q} --annotation {input.annotation:q}"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 512M -o {output:q} -"
        " && rm -r {params.work:q}) 2> {log:q}"
