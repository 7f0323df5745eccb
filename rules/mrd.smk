# MRD follow-up (npm1_flt3/track.py, npm1_flt3/mrd.py): for every patient with more than one
# sample, each PASS allele of the baseline sample is measured at exactly that allele in every
# sample of the patient (the baseline too, so every point is measured alike), then gathered into
# mrd.tsv with limits of detection, and one trajectory plot per patient.


rule npm1_flt3_track:
    input:
        bam=layout.SAMPLE_BAM,
        bai=layout.SAMPLE_BAI,
        baseline_vcf=baseline_vcf,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        track=layout.SAMPLE_TRACK,
        identity=layout.SAMPLE_IDENTITY,
    params:
        package_version=PACKAGE_VERSION,
        duplicates=caller_duplicate_flag,
        count_unit=count_unit_flag,
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
        "npm1-flt3 track --bam {input.bam:q} --baseline-vcf {input.baseline_vcf:q}"
        " --reference {input.reference:q} --annotation {input.annotation:q} --sample {wildcards.sample}"
        " --min-mapq {params.min_mapq} --min-base-quality {params.min_base_quality}"
        " {params.duplicates} {params.count_unit} --out {output.track:q} --identity-out {output.identity:q}"
        " 2> {log:q}"


rule npm1_flt3_mrd:
    input:
        unpack(mrd_background_inputs),
        manifest=layout.MANIFEST,
        tables=followed_sample_files(layout.SAMPLE_TRACK),
        identity=followed_sample_files(layout.SAMPLE_IDENTITY),
    output:
        table=layout.MRD_TABLE,
        plots=trajectory_plots(),
    params:
        package_version=PACKAGE_VERSION,
        plots_dir=trajectory_plot_folder,
        settings=mrd_args(),
        background=mrd_background_args,
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
        "npm1-flt3 mrd --manifest {input.manifest:q} --out {output.table:q}"
        " --plots-dir {params.plots_dir:q} {params.settings} {params.background} 2> {log:q}"
