# Shared workflow code: configuration and sample sheet, checked before any job runs, and the
# input functions the rules use. No other rule file holds Python logic.

import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake import __version__ as SNAKEMAKE_VERSION
from snakemake.utils import min_version, validate

min_version("9.0")

# Rules call the package as `python -m npm1_flt3`; make it importable in every job (local or
# cluster) without requiring an install, by putting the workflow folder on PYTHONPATH.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (workflow.basedir, os.environ.get("PYTHONPATH", "")) if p
)
sys.path.insert(0, workflow.basedir)
# Jobs run without conda use the interpreter (and tools) Snakemake itself was installed with; with
# --software-deployment-method conda the job's environment goes in front of this.
os.environ["PATH"] = os.pathsep.join((os.path.dirname(sys.executable), os.environ.get("PATH", "")))

from npm1_flt3 import __version__ as NPM1_FLT3_VERSION  # noqa: E402
from npm1_flt3.packaged import EXONS_TSV  # noqa: E402
from npm1_flt3.sheet import SheetError, baseline_of, in_time_order, load_sheet, samples_by_patient, units_by_sample  # noqa: E402

SAFE_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*"

wildcard_constraints:
    sample=SAFE_NAME,
    unit=SAFE_NAME,


def fail_before_start(message):
    """Stop with a message for the user (no traceback) before any job is scheduled."""
    sys.stderr.write(f"\nnpm1-flt3: {message}\n\n")
    raise SystemExit(1)


validate(config, schema=str(Path(workflow.basedir) / "schemas" / "config.schema.yaml"))
# No annotation given: the MANE exon models shipped with the package.
config["annotation"] = config["annotation"] or str(EXONS_TSV)

if not config["reference"]:
    fail_before_start(
        "config 'reference' is not set: name your GRCh38 FASTA in your config file (reference: PATH) "
        "or with --config reference=PATH (whole genome, or gene slices such as the package's "
        f"{Path(workflow.basedir) / 'npm1_flt3' / 'reference_data' / 'grch38_npm1_flt3_loci.fa'})"
    )

for key in ("reference", "annotation"):
    if not Path(config[key]).is_file():
        fail_before_start(
            f"config '{key}': file not found: {config[key]} (resolved against {os.getcwd()}); "
            "set it in your config file or with --config " + key + "=PATH"
        )

try:
    UNITS = load_sheet(config["samples"])
except SheetError as error:
    fail_before_start(f"the sample sheet has problems:\n{error}")

UNITS_BY_SAMPLE = units_by_sample(UNITS)
SAMPLES = list(UNITS_BY_SAMPLE)
# MRD follow-up: patients with more than one sample -> their samples in time order; each sample's
# baseline is its patient's diagnosis sample, else the first (npm1_flt3/sheet.py, baseline_of).
FOLLOWED = {
    patient: [unit.sample for unit in in_time_order(units, lambda unit: unit.day)]
    for patient, units in samples_by_patient(UNITS).items()
    if len(units) > 1
}
BASELINE_OF = {
    unit.sample: baseline_of(units, lambda u: u.day, lambda u: u.timepoint).sample
    for patient, units in samples_by_patient(UNITS).items()
    if len(units) > 1
    for unit in units
}
REFERENCE_SOURCE = Path(config["reference"]).resolve()
ANNOTATION = str(Path(config["annotation"]).resolve())
RESOURCES = config["resources_dir"]

# Reference files are named after the source FASTA, so batches with different references can
# share one resources folder without overwriting each other's indexes.
REFERENCE_NAME = REFERENCE_SOURCE.name.removesuffix(".gz").rsplit(".", 1)[0]
REFERENCE = f"{RESOURCES}/reference/{REFERENCE_NAME}.fa"
BWA_INDEX = multiext(REFERENCE, ".amb", ".ann", ".bwt", ".pac", ".sa")
HOTSPOTS_BED = f"{RESOURCES}/reference/{REFERENCE_NAME}.hotspots.bed"
MULTIQC_CONFIG = os.path.join(workflow.basedir, "config", "multiqc.yaml")
# The package's code is an input of the rules that run it: a new caller version re-calls the
# cohort from the kept BAMs instead of leaving old calls that look current.
PACKAGE_CODE = sorted(str(p) for p in Path(workflow.basedir, "npm1_flt3").glob("*.py"))


def unit_of(wildcards):
    return next(u for u in UNITS_BY_SAMPLE[wildcards.sample] if u.unit == wildcards.unit)


def assay_of(sample):
    return UNITS_BY_SAMPLE[sample][0].assay


# --- resources -----------------------------------------------------------------------------------

from npm1_flt3.resources import memory_mb  # mem_mb that doubles only after an out-of-memory kill


# --- input functions -----------------------------------------------------------------------------

def fastp_input(wildcards):
    unit = unit_of(wildcards)
    if unit.bam:
        raise WorkflowError(f"sample {unit.sample} is a BAM/CRAM: it is not trimmed again")
    return [str(unit.fq1), str(unit.fq2)] if unit.paired else [str(unit.fq1)]


def input_alignment(wildcards):
    return str(unit_of(wildcards).bam)


def aligner_reads(wildcards):
    # Reads of a BAM/CRAM being realigned were trimmed in the run that made it.
    if unit_of(wildcards).bam:
        return f"results/realign/{wildcards.sample}/{wildcards.unit}.fastq.gz"
    return f"results/trimmed/{wildcards.sample}/{wildcards.unit}.fastq.gz"


def fastp_reads_args(wildcards, input):
    if len(input.reads) == 1:
        return f"--in1 {input.reads[0]}"
    args = f"--in1 {input.reads[0]} --in2 {input.reads[1]}"
    if not config["fastp"]["pe_overlap_trimming"]:
        # fastp has no switch for its paired-end overlap analysis alone; an overlap longer than
        # any read can never be found. Why it is off: see fastp.pe_overlap_trimming in config/README.md.
        args += " --overlap_len_require 100000"
    return args


def fastp_adapters():
    return config["fastp"]["adapters"] or str(Path(workflow.basedir) / "config" / "adapters.fa")


def fastp_report_title(wildcards):
    # MultiQC names fastp samples by --report_title. A multi-lane sample gets one title per lane,
    # otherwise the lanes' reports would overwrite each other in the report.
    if len(UNITS_BY_SAMPLE[wildcards.sample]) == 1:
        return wildcards.sample
    return f"{wildcards.sample}.{wildcards.unit}"


def read_group(wildcards):
    unit = unit_of(wildcards)
    return (
        f"@RG\\tID:{unit.sample}.{unit.unit}\\tSM:{unit.sample}\\tLB:{unit.sample}"
        f"\\tPU:{unit.unit}\\tPL:ILLUMINA"
    )


def unit_bams(wildcards):
    # A BAM/CRAM on a compatible reference is re-called from its target reads ("imported"); one
    # that is realigned, and every FASTQ unit, goes through bwa_mem.
    return [
        f"results/alignment/{wildcards.sample}/imported/{u.unit}.bam"
        if u.bam and not config["realign_alignments"]
        else f"results/alignment/{wildcards.sample}/units/{u.unit}.bam"
        for u in UNITS_BY_SAMPLE[wildcards.sample]
    ]


def marks_duplicates(wildcards):
    # Every read of an amplicon starts at the same place: marking duplicates would discard
    # almost all of them.
    return assay_of(wildcards.sample) != "amplicon"


def caller_duplicate_flag(wildcards):
    return "--keep-duplicates" if assay_of(wildcards.sample) == "amplicon" else ""


def caller_args(wildcards):
    settings = config.get("caller", {})
    return " ".join(
        f"--{key.replace('_', '-')} {value}" for key, value in sorted(settings.items())
    )


def all_sample_files(pattern):
    return expand(pattern, sample=SAMPLES)


def followed_sample_files(pattern):
    return expand(pattern, sample=list(BASELINE_OF))


def trajectory_plots():
    return expand("results/mrd/{patient}.trajectory.svg", patient=list(FOLLOWED))


def baseline_vcf(wildcards):
    if wildcards.sample not in BASELINE_OF:
        raise WorkflowError(f"sample {wildcards.sample} has no follow-up: its patient has one sample")
    return f"results/calls/{BASELINE_OF[wildcards.sample]}.vcf.gz"


def qc_args():
    return " ".join(f"--qc-{key.replace('_', '-')} {value}" for key, value in sorted(config["qc"].items()))


def mrd_args():
    return " ".join(f"--{key.replace('_', '-')} {value}" for key, value in sorted(config["mrd"].items()))


# Tools whose versions the report lists (each runs in its own conda env under conda deployment),
# and how each prints it: bwa only in its usage text, with exit code 1.
VERSION_COMMANDS = {
    "fastp": "fastp --version 2>&1",
    "bwa": "{ bwa 2>&1 || true; } | grep Version",
    "samtools": "samtools --version",
    "mosdepth": "mosdepth --version",
}
VERSIONED_TOOLS = tuple(VERSION_COMMANDS)
NPM1_FLT3_REPORT_FILES = [
    f"results/qc/npm1_flt3/npm1_flt3_{name}_mqc.yaml"
    for name in ("general", "calls", "vaf", "hotspot_depth", "mrd")
] + ["results/qc/npm1_flt3/npm1_flt3_mqc_versions.yaml"]


def pipeline_version():
    """The package version, with the git commit when the workflow runs from a git checkout."""
    import subprocess

    done = subprocess.run(
        ["git", "-C", workflow.basedir, "describe", "--always", "--dirty"],
        capture_output=True, text=True,
    )
    commit = done.stdout.strip() if done.returncode == 0 else ""
    return f"{NPM1_FLT3_VERSION} ({commit})" if commit else NPM1_FLT3_VERSION


def tool_env(wildcards):
    return "../envs/" + wildcards.tool + ".yaml"  # envs/fastp.yaml, envs/bwa.yaml, ...


def version_command(wildcards):
    return VERSION_COMMANDS[wildcards.tool]


def multiqc_inputs(wildcards):
    files = list(NPM1_FLT3_REPORT_FILES) + [
        f"results/qc/fastp/{u.sample}/{u.unit}.fastp.json" for u in UNITS if not u.bam
    ]
    for sample in SAMPLES:
        files += [
            f"results/qc/samtools/{sample}.stats.txt",
            f"results/qc/samtools/{sample}.flagstat.txt",
            f"results/qc/samtools/{sample}.idxstats.txt",
            f"results/qc/mosdepth/{sample}.mosdepth.global.dist.txt",
            f"results/qc/mosdepth/{sample}.mosdepth.region.dist.txt",
            f"results/qc/mosdepth/{sample}.mosdepth.summary.txt",
        ]
    return files


def final_outputs():
    return (
        all_sample_files("results/calls/{sample}.vcf.gz")
        + all_sample_files("results/calls/{sample}.vcf.gz.tbi")
        + ["results/cohort/cohort.tsv", "results/cohort/variants.tsv",
           "results/cohort/cohort_summary.tsv", "results/cohort/mrd.tsv",
           "results/qc/multiqc_report.html"]
        + trajectory_plots()
    )
