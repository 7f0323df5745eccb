# The sample manifest (npm1_flt3/samples.py): the sample model built from the sheet (patient,
# timepoint, day, assay, role, baseline) and each sample's result paths, written once. The cohort,
# MRD and report steps read it instead of the sheet; MultiQC reads the file list written with it.


rule sample_manifest:
    input:
        sheet=config["samples"],
    output:
        manifest=layout.MANIFEST,
        multiqc_list=layout.MULTIQC_FILE_LIST,
    params:
        package_version=PACKAGE_VERSION,
    log:
        "logs/sample_manifest/manifest.log",
    benchmark:
        "logs/benchmarks/sample_manifest/manifest.tsv"
    threads: 1
    resources:
        mem_mb=memory_mb("sample_manifest", 1000),
        runtime=10,
    localrule: True  # reads one sheet: not worth a cluster job
    conda:
        "../envs/npm1_flt3.yaml"
    shell:
        "npm1-flt3 manifest --sheet {input.sheet:q} --manifest {output.manifest:q}"
        " --multiqc-list {output.multiqc_list:q} 2> {log:q}"
