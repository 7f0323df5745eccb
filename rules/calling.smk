# Calling, batch-level filtering and annotation.
#
# 1. npm1_flt3_call (per sample): the NPM1 / FLT3 caller (npm1_flt3/caller.py) writes the candidate
#    calls with the filters one sample's reads decide (depth, VAF, strand, read end, mapping
#    quality, repeat slippage), the depth at every hotspot (wild-type versus no-call), and the
#    sample's site profile: reads per strand at every site and allele.
# 2. npm1_flt3_background (per batch): every sample's site profile summed into the batch's per-site
#    error background (npm1_flt3/background.py).
# 3. npm1_flt3_annotate (per sample): each call tested against that background and against the
#    other patients' samples of the batch (cross-sample contamination), then annotated
#    (npm1_flt3/annotate.py: HGVS on NM_002520.7 / NM_004119.3, current and legacy exons, NPM1
#    types, clinical classes) into the bgzipped, indexed VCF.


rule npm1_flt3_call:
    input:
        bam=layout.SAMPLE_BAM,
        bai=layout.SAMPLE_BAI,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
    output:
        candidates=layout.SAMPLE_CANDIDATES,
        profile=layout.SAMPLE_PROFILE,
        hotspots=layout.SAMPLE_HOTSPOTS,
    params:
        package_version=PACKAGE_VERSION,
        duplicates=caller_duplicate_flag,
        assay=caller_assay_flag,
        settings=caller_args(),
    log:
        "logs/npm1_flt3_call/{sample}.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_call/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_call", 2000),
        runtime=30,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "npm1-flt3 call --bam {input.bam:q} --reference {input.reference:q}"
        " --annotation {input.annotation:q} --sample {wildcards.sample}"
        " --vcf {output.candidates:q} --hotspots {output.hotspots:q} --profile {output.profile:q}"
        " {params.duplicates} {params.assay} {params.settings} 2> {log:q}"


rule npm1_flt3_background:
    input:
        manifest=layout.MANIFEST,
        profiles=all_sample_files(layout.SAMPLE_PROFILE),
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
    output:
        layout.BACKGROUND_MODEL,
    params:
        package_version=PACKAGE_VERSION,
    log:
        "logs/npm1_flt3_background/background.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_background/background.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_background", 2000),
        runtime=30,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "npm1-flt3 background --manifest {input.manifest:q} --reference {input.reference:q}"
        " --out {output:q} 2> {log:q}"


rule npm1_flt3_annotate:
    input:
        candidates=layout.SAMPLE_CANDIDATES,
        profile=layout.SAMPLE_PROFILE,
        background=layout.BACKGROUND_MODEL,
        reference=REFERENCE,
        fai=f"{REFERENCE}.fai",
        annotation=ANNOTATION,
        **PANEL_OF_NORMALS_INPUT,
    output:
        filtered=temp("results/calls/{sample}.filtered.vcf"),
        vcf=layout.SAMPLE_VCF,
        tbi=layout.SAMPLE_TBI,
    params:
        package_version=PACKAGE_VERSION,
        patient=patient_of,
        settings=background_args(),
        symbolic_min_length=config["symbolic_min_length"],
    log:
        "logs/npm1_flt3_annotate/{sample}.log",
    benchmark:
        "logs/benchmarks/npm1_flt3_annotate/{sample}.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("npm1_flt3_annotate", 1000),
        runtime=15,
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "(npm1-flt3 filter --vcf {input.candidates:q} --profile {input.profile:q} --patient {params.patient:q}"
        "   --reference {input.reference:q} --background {input.background:q} {params.settings}"
        "   --out {output.filtered:q}"
        " && npm1-flt3 annotate --vcf {output.filtered:q} --reference {input.reference:q}"
        "   --annotation {input.annotation:q} --symbolic-min-length {params.symbolic_min_length}"
        "   --out {output.vcf:q}) 2> {log:q}"
