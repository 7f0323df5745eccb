# MRD follow-up (npm1_flt3/track.py, npm1_flt3/mrd.py): for every patient with more than one
# sample, each PASS allele of the baseline sample is measured at exactly that allele in every
# sample of the patient (the baseline too, so every point is measured alike), then gathered into
# mrd.tsv with limits of detection, and one trajectory plot per patient.


rule npm1_flt3_track:
    input:
        bam="results/alignment/{sample}.bam",
        bai="results/alignment/{sample}.bam.bai",
        baseline_vcf=baseline_vcf,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
        code=PACKAGE_CODE,
    output:
        "results/mrd/{sample}.track.tsv",
    params:
        duplicates=caller_duplicate_flag,
        min_mapq=config["caller"]["min_mapq"],
        min_base_quality=config["caller"]["min_base_quality"],
    log:
        "logs/npm1_flt3_track/{sample}.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_track/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_track", 1000),
        runtime=15,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 track --bam {input.bam} --baseline-vcf {input.baseline_vcf}"
        " --reference {input.reference} --annotation {input.annotation} --sample {wildcards.sample}"
        " --min-mapq {params.min_mapq} --min-base-quality {params.min_base_quality}"
        " {params.duplicates} --out {output} 2> {log}"


rule mrd_file_list:
    input:
        followed_sample_files("results/mrd/{sample}.track.tsv"),
    output:
        "results/mrd/mrd_inputs.args",
    log:
        "logs/npm1_flt3_mrd/file_list.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_mrd/file_list.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("mrd_file_list", 100),
        runtime=5,
    localrule: True
    run:
        # An argument file, as for the cohort: a long follow-up list does not fit on a command line.
        Path(output[0]).write_text("".join(f"{line}\n" for line in ["--tables", *input]))


rule npm1_flt3_mrd:
    input:
        args="results/mrd/mrd_inputs.args",
        tables=followed_sample_files("results/mrd/{sample}.track.tsv"),
        sheet=config["samples"],
        code=PACKAGE_CODE,
    output:
        table="results/cohort/mrd.tsv",
        plots=trajectory_plots(),
    params:
        plots_dir="results/mrd",
        settings=mrd_args(),
    log:
        "logs/npm1_flt3_mrd/mrd.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_mrd/mrd.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_mrd", 1000),
        runtime=15,
    localrule: True
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "python -m npm1_flt3 mrd @{input.args} --sheet {input.sheet} --out {output.table}"
        " --plots-dir {params.plots_dir} {params.settings} 2> {log}"
