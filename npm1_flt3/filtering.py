"""Batch-level filters of one sample's calls (``npm1-flt3 filter``): the per-site error background
and cross-sample contamination (npm1_flt3/background.py), which need the other samples of the
batch, so they run after every sample's call step and before annotation.

The ITD allelic ratios are recomputed afterwards: an ITD that fails here no longer counts in the
other clones' denominators (npm1_flt3/caller.py, assign_allelic_ratios).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pysam

from npm1_flt3.atomic import AtomicOutput
from npm1_flt3.background import (BackgroundModel, BackgroundSettings, contamination_source, read_model,
                                  read_profile, against_background)
from npm1_flt3.calls_vcf import BACKGROUND_HEADER, copy_record, header_lines
from npm1_flt3.reference import GenomeReference
from npm1_flt3.stats import allelic_ratio, allelic_ratio_interval


def filter_vcf(vcf_in: Path, vcf_out: Path, profile_path: Path, patient: str, genome: GenomeReference,
               batch: BackgroundModel | None, pon: BackgroundModel | None, background: bool,
               settings: BackgroundSettings = BackgroundSettings()) -> None:
    profile = read_profile(profile_path)
    with pysam.VariantFile(str(vcf_in)) as source:
        header = source.header.copy()
        for line in header_lines(BACKGROUND_HEADER):
            header.add_line(line)
        sample = list(header.samples)[0]
        records = []
        newly_filtered_itd = False
        for record in source:
            copy = header.new_record()
            copy_record(record, copy)
            key = (record.chrom, record.pos, record.ref, record.alts[0])
            forward, reverse = profile.alleles.get(key, (0, 0))
            depth = profile.depth.get(key[:2], (0, 0))
            if background:
                result = against_background(key, sample, (forward, reverse, *depth), genome.fetch, batch, pon, settings)
                copy.info["BG_P"] = float(f"{result.p:.3g}")
                copy.info["BG_SOURCE"] = result.source
                copy.info["BG_RATE"] = tuple(float(f"{rate:.3g}") for rate in result.rate)
                copy.info["BG_SAMPLES"] = result.samples
                if not result.passed(settings):
                    _add_filter(copy, "ErrorBackground")
            vaf = float(record.samples[sample]["AF"][0])
            hopped_from = contamination_source(key, vaf, patient, batch, settings)
            if hopped_from is not None:
                copy.info["CONTAM_SOURCE"] = hopped_from
                _add_filter(copy, "CrossSample")
            newly_filtered_itd |= (copy.info.get("VARTYPE") == "ITD" and list(record.filter) == ["PASS"]
                                   and list(copy.filter) != ["PASS"])
            records.append(copy)
        if newly_filtered_itd:
            reassign_allelic_ratios(records, sample)
        with AtomicOutput(vcf_out, suffix=".tmp.vcf") as tmp:
            with pysam.VariantFile(str(tmp), "w", header=header) as sink:
                for record in records:
                    sink.write(record)


def _add_filter(record, name: str) -> None:
    if "PASS" in record.filter:
        record.filter.clear()
    record.filter.add(name)


def reassign_allelic_ratios(records: list, sample: str) -> None:
    """AR of every passing ITD against the passing ITDs only; a filtered ITD has none."""
    itds = [r for r in records if r.info.get("VARTYPE") == "ITD"]
    passing = [r for r in itds if list(r.filter) in ([], ["PASS"])]
    total = sum(float(r.samples[sample]["AF"][0]) for r in passing)
    for record in itds:
        for key in ("ITD_AR", "ITD_AR_CI"):
            if key in record.info:
                del record.info[key]
    for record in passing:
        vaf = float(record.samples[sample]["AF"][0])
        interval = tuple(float(b) for b in record.samples[sample]["AFCI"])
        others = total - vaf
        ratio = allelic_ratio(vaf, others)
        if ratio is not None:
            record.info["ITD_AR"] = round(ratio, 4)
        low, high = allelic_ratio_interval(interval, others)
        record.info["ITD_AR_CI"] = (round(low, 4), None if high is None else round(high, 4))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vcf", required=True, type=Path, help="the caller's VCF of one sample")
    parser.add_argument("--profile", required=True, type=Path, help="the same sample's site profile")
    parser.add_argument("--patient", required=True, help="the sample's patient (its own samples are no contamination source)")
    parser.add_argument("--reference", required=True, help="the FASTA the sample was called on")
    parser.add_argument("--background", type=Path, help="the batch's background model (npm1-flt3 background)")
    parser.add_argument("--pon", type=Path, help="a panel of normals (npm1-flt3 build-pon)")
    parser.add_argument("--no-background", action="store_true",
                        help="do not test against the error background (cross-sample contamination is still flagged)")
    defaults = BackgroundSettings()
    parser.add_argument("--alpha", type=float, default=defaults.alpha,
                        help="largest combined p for a call above the error background")
    parser.add_argument("--min-samples", type=int, default=defaults.min_samples,
                        help="fewest control samples (batch + panel) before the default model is used instead")
    parser.add_argument("--contamination-max-vaf", type=float, default=defaults.contamination_max_vaf)
    parser.add_argument("--max-hop-rate", type=float, default=defaults.max_hop_rate)
    parser.add_argument("--out", required=True, type=Path, help="filtered VCF to write (plain text)")


def run(args: argparse.Namespace) -> int:
    batch = read_model(args.background) if args.background else None
    pon = read_model(args.pon) if args.pon else None
    genome = GenomeReference(args.reference)
    settings = BackgroundSettings(alpha=args.alpha, min_samples=args.min_samples,
                                  contamination_max_vaf=args.contamination_max_vaf, max_hop_rate=args.max_hop_rate)
    filter_vcf(args.vcf, args.out, args.profile, args.patient, genome, batch, pon, not args.no_background, settings)
    return 0
