# Shared workflow code: configuration and sample sheet, checked before any job runs, and the
# input functions the rules use. No other rule file holds Python logic.

import os
import shlex
import shutil
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake import __version__ as SNAKEMAKE_VERSION
from snakemake.utils import min_version, validate

min_version("9.0")


def fail_before_start(message):
    """Stop with a message for the user (no traceback) before any job is scheduled."""
    sys.stderr.write(f"\nnpm1-flt3: {message}\n\n")
    raise SystemExit(1)


# Under --software-deployment-method conda, envs/npm1_flt3.post-deploy.sh installs the package
# from this clone into its env: it is told where the clone is by this variable (the script runs
# from a copy, in the working directory, and cannot find it otherwise).
os.environ["NPM1_FLT3_SOURCE"] = workflow.basedir

# Declared, so that Snakemake passes it on to jobs on other machines (SLURM) as well.
envvars:
    "NPM1_FLT3_SOURCE",

# The package is installed (scripts/install.sh, or `pip install .`) in the Python that runs
# Snakemake; its jobs call the `npm1-flt3` command. Nothing here changes sys.path or PATH.
try:
    from npm1_flt3 import __version__ as NPM1_FLT3_VERSION
    from npm1_flt3 import layout
    from npm1_flt3.packaged import EXONS_TSV, GENE_SLICES_FASTA
    from npm1_flt3.resources import memory_mb  # mem_mb that doubles only after an out-of-memory kill
    from npm1_flt3.samples import build_samples, followed_patients
    from npm1_flt3.sheet import SheetError, load_sheet
    from npm1_flt3.umi import parse_layout as parse_umi_layout
except ImportError as error:
    fail_before_start(
        f"the npm1_flt3 package is not installed in the Python that runs Snakemake ({sys.executable}): "
        f"{error}. Run `bash scripts/install.sh` and use .venv/bin/snakemake, or `pip install .` "
        "from the repository into your Snakemake environment"
    )

SAFE_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*"

wildcard_constraints:
    sample=SAFE_NAME,
    unit=SAFE_NAME,


# --- configuration: the user's own, checked on its own --------------------------------------------
# No config file is read for the user: every optional key takes its default from the schema
# (documented in config/README.md), and samples and reference must be given.

if not config:
    fail_before_start(
        "no configuration given: run with --configfile YOUR.yaml naming at least 'samples' (your sheet) "
        "and 'reference' (your GRCh38 FASTA); config/config.yaml is a template and config/README.md "
        "lists every key with its default"
    )
CONFIG_SCHEMA = Path(workflow.basedir) / "schemas" / "config.schema.yaml"


def config_problems(config, schema_path):
    """Every way the user's config breaks the schema, one short line each (key: what is wrong)."""
    import yaml
    from jsonschema import Draft202012Validator

    schema = yaml.safe_load(schema_path.read_text())
    errors = sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path))
    return ["  " + (".".join(str(p) for p in error.path) or "config") + f": {error.message}" for error in errors]


problems = config_problems(config, CONFIG_SCHEMA)
if problems:
    fail_before_start(
        "your config does not fit schemas/config.schema.yaml (keys and defaults: config/README.md):\n"
        + "\n".join(problems)
    )
# Every key not given takes its default from the schema.
validate(config, schema=str(CONFIG_SCHEMA), set_default=True)

for key, what in (("samples", "your sample sheet (TSV)"), ("reference", "your GRCh38 FASTA")):
    if not config[key]:
        fail_before_start(
            f"config '{key}' is not set: name {what} in your config file ({key}: PATH) or with "
            f"--config {key}=PATH" + (
                f" (whole genome, or gene slices such as the package's {GENE_SLICES_FASTA})"
                if key == "reference" else ""
            )
        )
# No annotation given: the MANE exon models shipped with the package.
config["annotation"] = config["annotation"] or str(EXONS_TSV)

for key in ("reference", "annotation"):
    if not Path(config[key]).is_file():
        fail_before_start(
            f"config '{key}': file not found: {config[key]} (resolved against {os.getcwd()}); "
            f"set it in your config file or with --config {key}=PATH"
        )


def runs_in_own_software_environment():
    methods = {str(method).lower() for method in workflow.deployment_settings.deployment_method}
    return bool(methods & {"conda", "apptainer"})


if not runs_in_own_software_environment() and shutil.which("npm1-flt3") is None:
    fail_before_start(
        "the npm1-flt3 command is not on PATH, so no job could run it: activate the environment "
        f"it is installed in (e.g. `source .venv/bin/activate`; Snakemake runs from {sys.executable}), "
        "or use --software-deployment-method conda"
    )

# --- the sample model: built once from the sheet (npm1_flt3/samples.py) ---------------------------

try:
    UNITS = load_sheet(config["samples"])
except SheetError as error:
    fail_before_start(f"the sample sheet has problems:\n{error}")

SAMPLE_MODEL = build_samples(UNITS)
SAMPLES = list(SAMPLE_MODEL)
UNITS_BY_SAMPLE = {sample: SAMPLE_MODEL[sample].units for sample in SAMPLES}
# MRD follow-up: patients with more than one sample -> their samples in time order.
FOLLOWED = followed_patients(SAMPLE_MODEL)
FOLLOWED_SAMPLES = [sample for samples in FOLLOWED.values() for sample in samples]

REFERENCE_SOURCE = Path(config["reference"]).resolve()
ANNOTATION = str(Path(config["annotation"]).resolve())
RESOURCES = config["resources_dir"]

# Reference files are named after the source FASTA, so batches with different references can
# share one resources folder without overwriting each other's indexes.
REFERENCE_NAME = REFERENCE_SOURCE.name.removesuffix(".gz").rsplit(".", 1)[0]
REFERENCE = f"{RESOURCES}/reference/{REFERENCE_NAME}.fa"
BWA_INDEX = multiext(REFERENCE, ".amb", ".ann", ".bwt", ".pac", ".sa")
HOTSPOTS_BED = f"{RESOURCES}/reference/{REFERENCE_NAME}.hotspots.bed"
# RNA reads are aligned to the MANE transcripts' exons, joined, before the genome (rules/rna.smk).
RNA_EXON_CONTIGS = f"{RESOURCES}/reference/{REFERENCE_NAME}.rna_exons.fa"
MULTIQC_CONFIG = os.path.join(workflow.basedir, "config", "multiqc.yaml")
# Rules that run the package take its version as a parameter: a new release re-calls the cohort
# from the kept BAMs (Snakemake's params rerun trigger) instead of leaving old calls that look
# current; editing code without a new version does not (use --forcerun for that).
PACKAGE_VERSION = NPM1_FLT3_VERSION


def unit_of(wildcards):
    return next(u for u in UNITS_BY_SAMPLE[wildcards.sample] if u.unit == wildcards.unit)


def assay_of(sample):
    return SAMPLE_MODEL[sample].assay


# --- input functions -----------------------------------------------------------------------------

def fastp_input(wildcards):
    unit = unit_of(wildcards)
    if unit.bam:
        raise WorkflowError(f"sample {unit.sample} is a BAM/CRAM: it is not trimmed again")
    return [str(unit.fq1), str(unit.fq2)] if unit.paired else [str(unit.fq1)]


def input_alignment(wildcards):
    return str(unit_of(wildcards).bam)


def collate_prefix(wildcards, resources):
    # samtools collate's temporary files, in the job's temporary folder.
    return f"{resources.tmpdir}/{wildcards.sample}.{wildcards.unit}.collate"


def fastp_input_flags(wildcards, input):
    """fastp's input options, each path quoted: the paths come from the user's sheet."""
    flags = f"--in1 {shlex.quote(input.reads[0])}"
    if len(input.reads) == 1:
        return flags
    flags += f" --in2 {shlex.quote(input.reads[1])}"
    if not config["fastp"]["pe_overlap_trimming"]:
        # fastp has no switch for its paired-end overlap analysis alone; an overlap longer than
        # any read can never be found. Why it is off: see fastp.pe_overlap_trimming in config/README.md.
        flags += " --overlap_len_require 100000"
    return flags


def fastp_adapters():
    return config["fastp"]["adapters"] or str(Path(workflow.basedir) / "config" / "adapters.fa")


def fastp_report_title(wildcards):
    # MultiQC names fastp samples by --report_title. A multi-lane sample gets one title per lane,
    # otherwise the lanes' reports would overwrite each other in the report.
    if len(UNITS_BY_SAMPLE[wildcards.sample]) == 1:
        return wildcards.sample
    return f"{wildcards.sample}.{wildcards.unit}"


# The read group of a unit, a pattern Snakemake fills in with the job's wildcards (a plain string
# costs nothing per job while the DAG is built; a function is called once per lane).
READ_GROUP = "@RG\\tID:{sample}.{unit}\\tSM:{sample}\\tLB:{sample}\\tPU:{unit}\\tPL:ILLUMINA"


def is_rna(sample):
    return SAMPLE_MODEL[sample].assay == "rna"


def unit_bam(unit):
    # A FASTQ unit is aligned by fastp_bwa_mem (RNA: fastp_bwa_mem_rna, junction-aware); a BAM/CRAM
    # on a compatible reference is re-called from its target reads (import_alignment: spliced
    # alignments of an RNA aligner are read as they are), one realigned goes through
    # realign_alignment (RNA: realign_alignment_rna).
    if unit.assay == "rna" and not unit.bam:
        return f"results/alignment/{unit.sample}/rna_units/{unit.unit}.bam"
    if unit.assay == "rna" and config["realign_alignments"]:
        return f"results/alignment/{unit.sample}/rna_realigned/{unit.unit}.bam"
    if not unit.bam:
        return f"results/alignment/{unit.sample}/units/{unit.unit}.bam"
    if config["realign_alignments"]:
        return f"results/alignment/{unit.sample}/realigned/{unit.unit}.bam"
    return f"results/alignment/{unit.sample}/imported/{unit.unit}.bam"


def raw_unit_bams(wildcards):
    return [unit_bam(unit) for unit in UNITS_BY_SAMPLE[wildcards.sample]]


def unit_bams(wildcards):
    # A sample with UMIs is made from its consensus reads (rules/umi.smk), one pair per molecule.
    if SAMPLE_MODEL[wildcards.sample].umi:
        return [layout.SAMPLE_CONSENSUS_BAM]
    return raw_unit_bams(wildcards)


def umi_layout(sample):
    return parse_umi_layout(SAMPLE_MODEL[sample].umi)


def fastp_umi_flags(wildcards):
    layout_ = umi_layout(wildcards.sample)
    return layout_.fastp_arguments() if layout_ else ""


def marks_duplicates(wildcards):
    # Every read of an amplicon starts at the same place: marking duplicates would discard
    # almost all of them. UMI consensus reads are one per molecule already. RNA: fragments of a
    # highly expressed transcript (NPM1: thousands over exon 12) share their ends by chance far
    # more often than PCR copies do, so marking would cap the depth of exactly the hotspots.
    return assay_of(wildcards.sample) not in KEEPS_DUPLICATES and not SAMPLE_MODEL[wildcards.sample].umi


KEEPS_DUPLICATES = ("amplicon", "rna")


def patient_of(wildcards):
    return SAMPLE_MODEL[wildcards.sample].patient


def caller_duplicate_flag(wildcards):
    return "--keep-duplicates" if assay_of(wildcards.sample) in KEEPS_DUPLICATES else ""


def rna_work_dir(wildcards, resources):
    # The two BWA passes' BAMs of an RNA unit, in the job's temporary folder.
    return f"{resources.tmpdir}/{wildcards.sample}.{wildcards.unit}.rna"


def caller_assay_flag(wildcards):
    # RNA: ITD allele fractions are measured on the exon-joined (mRNA) sequence.
    return "--rna" if is_rna(wildcards.sample) else ""


def count_unit_flag(wildcards):
    # MRD counts what a read of the sample BAM stands for: a molecule after UMI consensus.
    return "--count-unit molecules" if SAMPLE_MODEL[wildcards.sample].umi else "--count-unit fragments"


# The panel of normals, when the config names one, is an input of every annotate job (a new panel
# re-filters every sample) and is passed on by background_args.
PANEL_OF_NORMALS = config["background"]["panel_of_normals"]
PANEL_OF_NORMALS_INPUT = {"pon": str(Path(PANEL_OF_NORMALS).resolve())} if PANEL_OF_NORMALS else {}
if PANEL_OF_NORMALS and not Path(PANEL_OF_NORMALS).is_file():
    raise WorkflowError(f"background.panel_of_normals: {PANEL_OF_NORMALS} not found; build one with "
                        "npm1-flt3 build-pon --reference FASTA --out pon.tsv.gz BAM... (README, Filters) "
                        "or leave the key out")


def background_args():
    # A plain value, as caller_args.
    settings = config["background"]
    args = [f"--alpha {settings['alpha']}", f"--min-samples {settings['min_samples']}",
            f"--contamination-max-vaf {settings['contamination_max_vaf']}",
            f"--max-hop-rate {settings['max_hop_rate']}"]
    if not settings["enabled"]:
        args.append("--no-background")
    if PANEL_OF_NORMALS:
        args.append(f"--pon {shlex.quote(PANEL_OF_NORMALS_INPUT['pon'])}")
    return " ".join(args)


def caller_args():
    # A plain value, not a function of the job: every job's params are evaluated while the DAG is
    # built, and a function costs that time once per sample.
    return " ".join(
        f"--{key.replace('_', '-')} {value}" for key, value in sorted(config["caller"].items())
    )


def all_sample_files(pattern):
    return expand(pattern, sample=SAMPLES)


def umi_sample_files(pattern):
    return [pattern.format(sample=sample) for sample in SAMPLES if SAMPLE_MODEL[sample].umi]


def followed_sample_files(pattern):
    return expand(pattern, sample=FOLLOWED_SAMPLES)


def trajectory_plots():
    return expand(layout.MRD_PLOT, patient=list(FOLLOWED))


def baseline_vcf(wildcards):
    sample = SAMPLE_MODEL[wildcards.sample]
    if not sample.followed:
        raise WorkflowError(f"sample {wildcards.sample} has no follow-up: its patient has one sample")
    return layout.SAMPLE_VCF.format(sample=sample.baseline)


def qc_args():
    return " ".join(f"--qc-{key.replace('_', '-')} {value}" for key, value in sorted(config["qc"].items()))


def mrd_args():
    settings = {key: value for key, value in config["mrd"].items() if key != "background"}
    args = [f"--{key.replace('_', '-')} {value}" for key, value in sorted(settings.items())]
    return " ".join(args + ([] if config["mrd"]["background"] else ["--no-background"]))


def mrd_background_inputs(wildcards):
    """The MRD background test reads every sample's site profile (the other patients' samples are
    each allele's control), the reference and the panel of normals."""
    if not config["mrd"]["background"]:
        return {}
    return {"reference": REFERENCE, "fai": f"{REFERENCE}.fai",
            "profiles": all_sample_files(layout.SAMPLE_PROFILE), **PANEL_OF_NORMALS_INPUT}


def mrd_background_args(wildcards, input):
    if not config["mrd"]["background"]:
        return ""
    return f"--reference {shlex.quote(input.reference)}" + (f" --pon {shlex.quote(input.pon)}" if PANEL_OF_NORMALS else "")


# Tools whose versions the report lists (each runs in its own conda env under conda deployment),
# and how each prints it: bwa only in its usage text, with exit code 1.
VERSION_COMMANDS = {
    "fastp": "fastp --version 2>&1",
    "bwa": "{ bwa 2>&1 || true; } | grep Version",
    "samtools": "samtools --version",
    "mosdepth": "mosdepth --version",
}
VERSIONED_TOOLS = tuple(VERSION_COMMANDS)


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
    return f"../envs/{wildcards.tool}.yaml"  # envs/fastp.yaml, envs/bwa.yaml, ...


def mosdepth_prefix(wildcards, output):
    return output.regions.removesuffix(".regions.bed.gz")


def report_folder(wildcards, output):
    return os.path.dirname(output[0])


def trajectory_plot_folder(wildcards, output):
    # Patients without follow-up have no plot; the folder is then never written to.
    return os.path.dirname(output.plots[0] if output.plots else layout.MRD_PLOT)


def version_command(wildcards):
    return VERSION_COMMANDS[wildcards.tool]


def final_outputs():
    # Every sample's VCF is made for the cohort tables, which list them.
    return (
        [layout.COHORT_TABLE, layout.VARIANTS_TABLE, layout.SUMMARY_TABLE, layout.MRD_TABLE,
           "results/qc/multiqc_report.html"]
        + trajectory_plots()
    )
