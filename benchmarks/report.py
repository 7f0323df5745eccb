"""Markdown tables from the benchmark JSON; benchmarks/RESULTS.md is built from them.

RESULTS.md = generated tables + benchmarks/discussion.md (written by hand, kept as is), so that
regenerating the numbers never overwrites the analysis.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from benchmarks.score import OUR_TOOL
from benchmarks.score_classification import classification_table

CLASSIFICATION = "classification"  # benchmarks/classification.py: scored per case, not per bin
ROUGH = "rough"  # benchmarks/rough.py: one batch per read length, several code versions
ROUGH_VARIANT_NAMES = {"prev": "previous caller", "current": "current",
                       "current_no_background": "current, background off"}

MRD = "mrd"  # benchmarks/mrd.py: UMI follow-ups scored per level, allele and arm
MRD_ARM_NAMES = {"umi_background": "UMI + background", "umi_no_background": "UMI, no background",
                 "noumi_background": "no UMI + background", "noumi_no_background": "no UMI, no background"}

RNA = "rna"  # benchmarks/rna.py: RNA-seq, scored per read length, variant class and transcript fraction

DISCUSSION = Path(__file__).with_name("discussion.md")


def write_json(path: Path, data: dict) -> None:
    """Benchmark JSON, written beside the target and renamed: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


def _bin_order(name: str) -> tuple:
    """NPM1 by falling VAF, other NPM1 exons, ITD by length, by VAF, by both, then TKD."""
    numbers = [float(x) for x in re.findall(r"\d+\.?\d*", name.split(" ", 1)[-1])]  # not the "1" of NPM1
    if name.startswith("NPM1 VAF"):
        return (0, 0, -numbers[0])
    if name.startswith("NPM1"):
        return (1, 0)
    if name.startswith("ITD VAF"):
        return (2, 1, -numbers[0])
    if name.startswith("ITD") and "VAF" in name:
        return (2, 2, numbers[0], -numbers[-1])
    if name.startswith("ITD"):
        return (2, 0, numbers[0])
    return (3, 0, -numbers[0] if numbers else 0)


def _cell(summary: dict | None) -> str:
    if summary is None:
        return "n/a"
    text = f"{summary['found']}/{summary['n']}"
    if summary.get("exact_length") is not None and summary.get("found"):
        text += f", exact {summary['exact_length']:.0%}"
    if summary.get("median_abs_vaf_error") is not None:
        text += f", VAF err {summary['median_abs_vaf_error']:.3f}"
    return text


def ordered_tools(names) -> list[str]:
    """npm1-flt3 first, then the peers in a fixed order (JSON keys come back sorted)."""
    return sorted(names, key=lambda name: (name != OUR_TOOL, name))


def set_tables(result: dict) -> str:
    tools = ordered_tools(result["tools"])
    bins = sorted({b for t in result["tools"].values() for b in t["bins"]}, key=_bin_order)
    lines = [f"### {result['set']} ({result['samples']} samples; workflow {result['workflow_wall_s']} s)", "",
             "Found / true variants, share of found ITDs with the exact length, median |VAF error|.", "",
             "| bin | " + " | ".join(tools) + " |", "|---|" + "---|" * len(tools)]
    for name in bins:
        cells = [_cell(result["tools"][t]["bins"].get(name)) for t in tools]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "| tool | false positives in wild-type controls | other false positives | per-sample status agreement | median s/sample | max s | peak MB |",
              "|---|---|---|---|---|---|---|"]
    for tool in tools:
        data = result["tools"][tool]
        status = data["status"]
        timing = data["timing"]
        agreement = f"{status['agree']}/{status['total']}" if status["total"] else "n/a"
        lines.append(f"| {tool} | {data['false_positives_in_controls']} | {data['false_positives']} | {agreement} | "
                     f"{timing['median_wall_s']} | {timing['max_wall_s']} | {timing['max_rss_mb']} |")
    lines += ["", f"{OUR_TOOL}'s seconds per sample are its `npm1_flt3_call` job, the caller alone since "
              "issue 13 (filtering against the batch's error background and annotation are the "
              "`npm1_flt3_annotate` job; see the discussion below); the peers' are their calling step."]
    missed = _missed_lines(result)
    if missed:
        lines += ["", *missed]
    return "\n".join(lines) + "\n"


def _missed_lines(result: dict) -> list[str]:
    ours = result["tools"].get(OUR_TOOL)
    if not ours:
        return []
    lines = []
    if ours["false_positive_calls"]:
        lines.append("npm1-flt3 false positives: " + "; ".join(ours["false_positive_calls"][:10]))
    if ours["status"]["disagreements"]:
        lines.append("npm1-flt3 status disagreements: " + "; ".join(ours["status"]["disagreements"][:15]))
    return lines


def _short(summary: dict | None) -> str:
    if not summary:
        return "n/a"
    return f"{summary['found']}/{summary['n']}"


def _vaf_cell(entry: dict | None) -> str:
    """Median |VAF error| against the realised VAF, then against the nominal one, (max each;
    found/planted); results from before the realised VAF show the nominal one only."""
    if not entry:
        return ""
    if entry["median"] is None:
        text = f"{entry['found']}/{entry['n']} found"
    elif entry.get("median_realised") is not None:
        text = (f"**{entry['median_realised']:.3f}** / {entry['median']:.3f} (max {entry['max_realised']:.3f} / "
                f"{entry['max']:.3f}; {entry['found']}/{entry['n']})")
    else:
        text = f"{entry['median']:.3f} (max {entry['max']:.3f}; {entry['found']}/{entry['n']})"
    return text if entry["within_2x_read_length"] else text + " &dagger;"


def rough_tables(result: dict) -> str:
    """### rough: per read length and code version, false positives, sensitivity and ITD VAF error."""
    variants = result["variants"]
    names = [ROUGH_VARIANT_NAMES.get(v, v) for v in variants]
    code = result.get("code", {})
    lines = [f"### rough ({result['samples']} samples in {len(result['batches'])} batches; {result.get('wall_s', 'n/a')} s "
             "including simulation and every run)", "",
             "ART reads with the artefacts of real runs injected (benchmarks/artefacts.py): 8-oxoG G>T in read 1 "
             f"(per G {result['artefacts']['oxog_rate']:g}), PCR duplicates ({result['artefacts']['pcr_duplicate_fraction']:.0%} "
             f"of pairs), index hopping within each read-length batch ({result['artefacts']['index_hopping_rate']:.1%} "
             "of each sample's reads), homopolymer slippage (rising with run length) and five strand-specific "
             "error sites per batch (`artefacts.tsv` in each batch folder). One batch per read length; "
             "each batch is run by " + ", ".join(names) + ". Columns: PASS calls only.", ""]
    if code:
        current = code.get("current_head", "")[:7]
        dirty = code.get("current_uncommitted") or []
        lines += [f"Code: previous caller = {code.get('previous_commit', 'not run')[:7]}; current = {current}"
                  + (f" plus uncommitted changes to {', '.join(dirty)}" if dirty else " (no uncommitted change)")
                  + ".", ""]
    unsupported = result.get("unsupported_read_lengths") or {}
    for length, why in unsupported.items():
        lines += [f"2x{length} not simulated: {why}.", ""]
    lines += ["| reads | caller | PASS false positives in wild-type controls | other false positives | "
              "NPM1 0.003 | NPM1 0.01 | NPM1 0.05 | NPM1 0.4 | ITD <= 2x read length | ITD > 2x read length | "
              "TKD 0.02 | TKD 0.05 | status agreement | workflow s |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for length, batch in sorted(result["batches"].items(), key=lambda kv: int(kv[0])):
        for variant, label in zip(variants, names):
            data = batch["variants"].get(variant)
            if data is None:
                continue
            bins = data["bins"]
            within = next((v for k, v in bins.items() if k.startswith("ITD <= 2x")), None)
            beyond = next((v for k, v in bins.items() if k.startswith("ITD > 2x")), None)
            controls = data["false_positives_in_controls"]
            by_event = data.get("false_positives_in_controls_by_event") or {}
            fp_controls = f"{controls}" + (f" ({', '.join(f'{k} {n}' for k, n in sorted(by_event.items()))})" if controls else "")
            other = data["false_positives"]
            by_other = data.get("false_positives_by_event") or {}
            fp_other = f"{other}" + (f" ({', '.join(f'{k} {n}' for k, n in sorted(by_other.items()))})" if other else "")
            status = data["status"]
            lines.append(
                f"| 2x{length} | {label} | {fp_controls} of {data.get('controls', '?')} controls | {fp_other} | "
                f"{_short(bins.get('NPM1 VAF 0.003'))} | {_short(bins.get('NPM1 VAF 0.01'))} | "
                f"{_short(bins.get('NPM1 VAF 0.05'))} | {_short(bins.get('NPM1 VAF 0.4'))} | {_short(within)} | "
                f"{_short(beyond) if beyond else 'none'} | {_short(bins.get('TKD VAF 0.02'))} | "
                f"{_short(bins.get('TKD VAF 0.05'))} | {status['agree']}/{status['total']} | {data['workflow_wall_s']} |")
    length_bins = sorted({b for batch in result["batches"].values() for data in batch["variants"].values()
                          for b in data["itd_vaf_error"]}, key=lambda b: int(b.split("-")[0].lstrip(">")))
    realised = any(e.get("median_realised") is not None for batch in result["batches"].values()
                   for data in batch["variants"].values() for e in data["itd_vaf_error"].values())
    measure = ("median against the **realised** VAF (the simulated molecules' fraction at the insertion "
               "point, truth.tsv realised_vaf: the caller's error) / against the nominal VAF (the caller's plus "
               "the simulator's scatter) (max of each; found/planted)" if realised else
               "median (max; found/planted)")
    lines += ["", f"ITD |VAF error| per length bin: {measure}, VAF 0.4 and 0.05 together. "
              "&dagger;: the bin holds ITDs longer than twice the read length (the short-read target, "
              "median error <= 0.03, covers ITDs up to twice the read length).", "",
              "| reads | caller | " + " | ".join(f"ITD {b} bp" for b in length_bins) + " |",
              "|---|---|" + "---|" * len(length_bins)]
    for length, batch in sorted(result["batches"].items(), key=lambda kv: int(kv[0])):
        for variant, label in zip(variants, names):
            data = batch["variants"].get(variant)
            if data is None:
                continue
            cells = [_vaf_cell(data["itd_vaf_error"].get(b)) for b in length_bins]
            lines.append(f"| 2x{length} | {label} | " + " | ".join(cells) + " |")
    details = []
    for length, batch in sorted(result["batches"].items(), key=lambda kv: int(kv[0])):
        for variant, label in zip(variants, names):
            data = batch["variants"].get(variant)
            if data and data["false_positive_calls"]:
                details.append(f"- 2x{length}, {label}: " + "; ".join(data["false_positive_calls"][:12]))
    if details:
        lines += ["", "False positive PASS calls (sample event position length VAF; first 12 per run):", "", *details]
    return "\n".join(lines) + "\n"


def _level(level: float) -> str:
    return "negative" if level == 0 else f"{level:g}"


def mrd_tables(result: dict) -> str:
    """### mrd: detection per molecules, level and allele for each arm; false detections in the
    true negatives, median LOD and the issue's targets per arm."""
    params = result["parameters"]
    rates, library = params["rates"], params["library"]
    arms = [a for a in MRD_ARM_NAMES if a in result["arms"]]
    walls = result.get("workflow_wall_s", {})
    cohorts = "; ".join(f"{c['molecules']:,} molecules: " + ", ".join(
        f"{n} {'negative' if float(level) == 0 else 'at ' + level}" for level, n in c["followups"].items())
        for c in params["cohorts"])
    lines = [f"### mrd ({result['samples']} samples; {result.get('wall_s', 'n/a')} s including simulation "
             f"({result.get('simulation_wall_s', 'n/a')} s) and every run: workflow with UMIs "
             f"{walls.get('umi', 'n/a')} s, without {walls.get('noumi', 'n/a')} s)", "",
             "Simulated duplex-UMI capture libraries (benchmarks/mrd.py; every rate there with its source), "
             "2x150, over three sites: NPM1 type A, a 30-bp FLT3-ITD in exon 14 (one per patient) and FLT3 "
             f"D835Y. Each patient: a baseline ({params['baseline']['molecules']:,} molecules per site, all three "
             f"alleles at {params['baseline']['fraction']:g}) and follow-ups; {cohorts}. Every follow-up carries "
             "all three alleles at its level (mutant molecules drawn from Binomial(molecules, level)). Per "
             f"molecule two 8-nt UMIs; read pairs per strand negative binomial (mean "
             f"{library['family_mean_per_strand']:g}, shape {library['family_shape']:g}: ~11% of strands unread); "
             f"PCR errors {rates['pcr_error_per_base_per_doubling']:g} per base per doubling along a "
             f"{rates['pcr_cycles']}-cycle genealogy (early errors are jackpots); 8-oxoG G>T on one strand "
             f"{rates['oxog_per_g_per_strand']:g} per G (D835Y is such a G>T); sequencing errors from "
             f"per-base qualities (Q{rates['quality']['start']:g} falling to Q{rates['quality']['end_r2']:g}-"
             f"Q{rates['quality']['end_r1']:g}, {rates['quality']['dip_rate']:.1%} low-quality dips; ~0.1% per base); "
             f"UMI base errors {rates['umi_error_per_base']:g}; index hopping {rates['index_hopping']:.2%} of each "
             "library's read pairs to the other libraries of the pool. `dna_input_ng` = molecules x 3.3 pg. "
             "The same FASTQs are run twice, as two batches: with `umi: name` (molecules counted) and "
             "without (fragments counted after duplicate marking); each run's track tables are scored with the "
             "background test and again with `npm1-flt3 mrd --no-background` (>= 2 fragments / molecules). "
             "Detected = `detected` or `detected below LOQ`.", ""]
    code = result.get("code") or {}
    if code:
        dirty = code.get("current_uncommitted") or []
        lines += [f"Code: {code.get('current_head', '')[:7]}" + (f" plus uncommitted changes to {', '.join(dirty)}"
                                                                  if dirty else " (no uncommitted change)") + ".", ""]
    lines += ["Detected / follow-ups per molecules, level and allele (no-calls and alleles without an MRD row "
              "in brackets); the last column is how many of those follow-ups held >= 1 mutant molecule "
              "(>= 1 read on both strands): the most any method could find.", "",
              "| molecules | level | allele | " + " | ".join(MRD_ARM_NAMES[a] for a in arms) +
              " | >= 1 mutant molecule (duplex) |", "|---|---|---|" + "---|" * (len(arms) + 1)]
    groups = result["groups"]
    keys = []
    for g in groups:
        key = (g["molecules"], g["level"], g["allele"])
        if key not in keys:
            keys.append(key)
    for molecules, level, allele in keys:
        cells, realised = [], ""
        for arm in arms:
            g = next((x for x in groups if x["arm"] == arm and (x["molecules"], x["level"], x["allele"])
                      == (molecules, level, allele)), None)
            if g is None:
                cells.append("n/a")
                continue
            extra = [f"{g['no_call']} no-call" if g["no_call"] else "", f"{g['untracked']} untracked" if g["untracked"] else ""]
            extra = ", ".join(e for e in extra if e)
            cells.append(f"{g['detected']}/{g['n']}" + (f" ({extra})" if extra else ""))
            realised = f"{g['with_mutant_molecule']}/{g['n']} ({g['with_duplex_mutant']})"
        lines.append(f"| {molecules:,} | {_level(level)} | {allele} | " + " | ".join(cells) + f" | {realised} |")
    lines += ["", "| arm | true-negative follow-ups with a false detection | false detections (of alleles) | "
              "median lod_vaf of follow-ups | baselines detected | 0 false detections | 1e-3 in >= 95% at 10,000 | "
              "detected at 1e-4 |", "|---|---|---|---|---|---|---|---|"]
    for arm in arms:
        data, met = result["arms"][arm], result["targets"][arm]

        def verdict(value):
            return "n/a" if value is None else ("yes" if value else "**no**")
        at_1e4 = "; ".join(f"{k} {v}" for k, v in met["at_1e-4"].items()) or "n/a"
        lod = "n/a" if data["median_lod_vaf"] is None else f"{data['median_lod_vaf']:.2g}"
        lines.append(f"| {MRD_ARM_NAMES[arm]} | {data['negative_samples_with_false_detection']}/{data['negative_samples']} | "
                     f"{data['false_detections']}/{data['negative_alleles']} | {lod} | "
                     f"{data['baselines_detected']}/{data['baselines']} | {verdict(met['no_false_detection'])} | "
                     f"{verdict(met['detects_1e-3_at_10000'])} | {at_1e4} |")
    realised = result.get("realised") or {}
    if realised:
        lines += ["", f"In the true negatives, index hopping brought {realised['hopped_in_mutant_pairs_in_negatives']} "
                  "read pairs carrying one of the patient's own alleles (from its baseline and the other patients' "
                  f"samples), and 8-oxoG put D835Y on one strand of {realised['oxog_d835y_strands_in_negatives']} "
                  f"molecules; median read pairs per follow-up {realised['median_read_pairs']:,}."]
    details = [f"- {MRD_ARM_NAMES[arm]}: " + "; ".join(result["arms"][arm]["false_detection_list"][:12])
               for arm in arms if result["arms"][arm]["false_detection_list"]]
    if details:
        lines += ["", "False detections in true negatives (sample allele (status, count unit); first 12 per arm):",
                  "", *details]
    return "\n".join(lines) + "\n"


def _fraction(value: float) -> str:
    return f"{value:g}"


def rna_tables(result: dict) -> str:
    """### RNA-seq (issue 15): the simulation's design, the targets met or not, found / planted and
    |vaf - realised fraction| per read length x variant class x fraction, wild-type artefacts,
    seconds per sample and the HAMLET MV4-11 case."""
    params = result["parameters"]
    depth = params["depth"]
    profiles = ", ".join(f"2x{rl} {p['art_profile']}" for rl, p in sorted(params["read_lengths"].items(),
                                                                          key=lambda kv: int(kv[0])))
    itds = ", ".join(f"{i['length']} bp {i['dup']}" for i in params["itds"])
    if params["design"] == "small":
        groups = "; ".join(f"2x{rl} {f:g} ITD {n} + NPM1 {t}" for rl, f, n, t in params["groups"])
    else:
        groups = "; ".join(f"2x{rl} at {', '.join(_fraction(f) for f in fractions)}" for rl, fractions in params["groups"])
    lines = [f"### RNA-seq (issue 15) ({result['samples']} samples; {result.get('wall_s', 'n/a')} s including "
             f"simulation ({result.get('simulation_wall_s', 'n/a')} s); workflow {result.get('workflow_wall_s', 'n/a')} s)", "",
             "ART reads (benchmarks/rna.py) from the MANE transcripts NM_002520.7 (NPM1) and NM_004119.3 (FLT3), "
             "spliced from the packaged exon table and gene slices, run as `assay: rna` against the packaged gene "
             f"slices. Design `{params['design']}`: each variant sample holds one FLT3-ITD and one NPM1 type (A, B, D in "
             f"turn) at the same transcript fraction; {groups}; " + (
                 "one wild-type sample (2x100)" if params["design"] == "small" else
                 f"{params['wildtype_per_length']} wild-type samples per read length") + f". ITDs: {itds} (60 and 150 bp across the exon 14/15 junction: no VCF form, the cDNA "
             f"duplication a genomic ITD over exon 14 end, intron 14 and exon 15 start splices to). Library per gene: "
             f"mRNA (read depth over the hotspots NPM1 {depth['mrna']['NPM1']:g}x, FLT3 {depth['mrna']['FLT3']:g}x), "
             f"pre-mRNA with the introns around the hotspot exons ({depth['pre_mrna_share']:.0%} of that depth) and "
             f"genomic DNA ({depth['genomic']:g}x), mutant and wild type each simulated on its own (paired, fragments "
             f"{params['fragment']['mean']} +- {params['fragment']['sd']}); {profiles}. "
             "The realised fraction (truth.tsv) is, of ART's read pairs whose fragment covers the variant site with "
             f"{params['flank']} bases either side, the share from a mutant sequence; fraction errors are "
             "|called vaf - realised fraction|. Found = a PASS call with the exact allele (HGVS c. or VCF).", ""]
    code = result.get("code") or {}
    if code:
        dirty = code.get("current_uncommitted") or []
        lines += [f"Code: {code.get('current_head', '')[:7]}" + (f" plus uncommitted changes to {', '.join(dirty)}"
                                                                  if dirty else " (no uncommitted change)") + ".", ""]
    met = result["targets"]

    def verdict(value):
        return "n/a" if value is None else ("**met**" if value else "**not met**")
    exact, error, artefact = met["exact_allele_at_5pct"], met["fraction_error_le_0.05"], met["no_wildtype_artefact"]
    short = [f"{k} {v['found']}/{v['n']}" for k, v in exact["by_class"].items() if v["found"] < v["n"]]
    lines += ["| target (issue 15) | verdict | measured |", "|---|---|---|",
              f"| NPM1 A/B/D and ITDs 15-150 bp found with the exact allele at transcript fraction >= 5% | "
              f"{verdict(exact['met'])} | {exact['found']}/{exact['n']}" + (f"; short: {', '.join(short)}" if short else "") + " |",
              f"| fraction error <= 0.05 | {verdict(error['met'])} | {error['n'] - error['over']}/{error['n']} calls within; "
              f"max {error['max'] if error['max'] is not None else 'n/a'} |",
              f"| no PASS artefact in wild-type RNA samples | {verdict(artefact['met'])} | {artefact['pass_calls']} PASS "
              f"call(s) in {artefact['samples']} wild-type samples |", ""]
    interval = met.get("realised_in_interval")
    if interval and interval["n"]:
        lines += [f"The realised fraction lies inside the call's reported 95% interval (`vaf_ci_low`-`vaf_ci_high`) "
                  f"for {interval['inside']}/{interval['n']} calls ({interval['inside'] / interval['n']:.1%}): "
                  "how far a fraction counted on a few hundred fragments can be from the truth is what that "
                  "interval says.", ""]
    fractions = sorted({g["fraction"] for g in result["groups"]})
    lines += ["Found / planted, then median (max) |vaf - realised fraction| of the found ones, per read length, "
              "variant class and nominal transcript fraction.", "",
              "| reads | variant | " + " | ".join(_fraction(f) for f in fractions) + " |",
              "|---|---|" + "---|" * len(fractions)]
    keys = []
    for g in result["groups"]:
        if (g["read_length"], g["class"]) not in keys:
            keys.append((g["read_length"], g["class"]))
    for rl, key in keys:
        cells = []
        for fraction in fractions:
            g = next((x for x in result["groups"] if (x["read_length"], x["class"], x["fraction"]) == (rl, key, fraction)), None)
            if g is None:
                cells.append("")
                continue
            cell = f"{g['found']}/{g['n']}"
            if g["median_error"] is not None:
                cell += f", {g['median_error']:.3f} ({g['max_error']:.3f})"
            cells.append(cell)
        lines.append(f"| 2x{rl} | {key} | " + " | ".join(cells) + " |")
    lines += ["", "| reads | samples | median read pairs | median s per sample (max) | wild-type samples | "
              "PASS calls in wild-type samples |", "|---|---|---|---|---|---|"]
    for rl, timing in sorted(result["timing"].items(), key=lambda kv: int(kv[0])):
        wild = result["wildtype"].get(rl, {"samples": 0, "pass_calls": 0})
        seconds = "n/a" if timing["median_s"] is None else f"{timing['median_s']} ({timing['max_s']})"
        lines.append(f"| 2x{rl} | {timing['samples']} | {timing['median_read_pairs']:,} | {seconds} | "
                     f"{wild['samples']} | {wild['pass_calls']} |")
    lines += ["", "Seconds per sample: the sum of the sample's own jobs (Snakemake benchmark records: alignment, "
              "merge and QC, calling, annotation)."]
    artefacts = [c for w in result["wildtype"].values() for c in w["calls"]]
    if artefacts:
        lines += ["", "PASS calls in wild-type samples: " + "; ".join(artefacts[:12])]
    if result["missed"]:
        lines += ["", f"Not found ({len(result['missed'])}; first 15, with the sample's calls in that gene): "
                  + "; ".join(result["missed"][:15])]
    over = [o for o in result["outcomes"] if o["error"] is not None and o["error"] > 0.05]
    if over:
        lines += ["", f"Fraction error > 0.05 ({len(over)}; first 15): " + "; ".join(
            f"{o['sample']} {o['class']} vaf {o['vaf']:.3f} ({o['alt_reads']}/{o['depth']}) vs realised "
            f"{o['realised']:.3f}" for o in over[:15])]
    if result.get("other_pass_calls_in_variant_samples"):
        lines += ["", "Other PASS calls in variant samples: " + "; ".join(result["other_pass_calls_in_variant_samples"][:12])]
    peer = result.get("peer_case")
    if peer:
        calls = "; ".join(f"{c['type']} {c['length']} bp at {c['pos']} {c['hgvs_c']} vaf {c['vaf']} "
                          f"({c['alt_reads']}/{c['depth']}) {c['filter']}" for c in peer["calls"]) or "no call"
        expected = peer["expected"]
        lines += ["", f"Real RNA-seq, same batch: `{peer['case']}` (MV4-11, 2x101, FLT3 reads). Expected: 30-bp ITD; "
                  f"{expected['hamlet']}; VarDict {expected['vardict']} ({expected['vcf']}), AF "
                  f"{expected['vardict_af_whole_sample']} in the whole sample (not this subset). Exact allele, PASS: "
                  f"{'yes' if peer['exact_allele_pass'] else '**no**'}; VAF {peer['vaf']} ({peer['alt_reads']}/"
                  f"{peer['depth']}). Every call: {calls}."]
    return "\n".join(lines) + "\n"


def peer_case_table(cases: dict) -> str:
    lines = [f"### Peer cases (real and peer-simulated data; workflow {cases['workflow_wall_s']} s)", "",
             "| case | what the source (or the team) expects | npm1-flt3 | ITD length |", "|---|---|---|---|"]
    for row in cases["cases"]:
        expected = "<br>".join(row["expected"][:3]) or "(no stated expectation)"
        ours = row["ours"]
        if ours is None:
            mine = "not run"
        else:
            statuses = f"NPM1 {ours['npm1_status']}, ITD {ours['flt3_itd_status']}, TKD {ours['flt3_tkd_status']}"
            mine = statuses + ("<br>" + "<br>".join(ours["calls"]) if ours["calls"] else "")
        lines.append(f"| {row['case']} | {expected} | {mine} | {row['length_agreement']} |")
    return "\n".join(lines) + "\n"


def scale_table(data: dict) -> str:
    """### Scale: dry run of a large sheet, cohort aggregation against cohort size (benchmarks/scale.py)."""
    dags, cohort, met, targets = data["dags"], data["cohort"], data["targets_met"], data["targets"]

    def verdict(value) -> str:
        return "n/a" if value is None else ("yes" if value else "**no**")

    lines = ["### Scale", "",
             "Dry runs (`snakemake --dry-run --quiet`, real Snakefile, fresh `.snakemake`) of sheets of "
             "realistic shape (every 20th sample two lanes, a fifth of patients followed). Cluster jobs "
             "per sample: the non-local jobs naming the sample, counted in the smallest sheet's job list.",
             "", "| samples | lanes | jobs | jobs per sample | cluster jobs per sample (max / mean) | "
             "wall s | s per 1,000 samples | peak MB |", "|---|---|---|---|---|---|---|---|"]
    for dag in dags:
        jobs = "n/a" if dag["jobs"] is None else f"{dag['jobs']:,}"
        counted = dag.get("cluster_jobs_per_sample")
        cluster = f"{counted['max']} / {counted['mean']}" if counted else ""
        lines.append(f"| {dag['samples']:,} | {dag['units']:,} | {jobs} | {dag['jobs_per_sample']} | {cluster} | "
                     f"{dag['wall_s']} | {dag['wall_s_per_1000_samples']} | {dag['max_rss_mb']} |")
    lines += ["", f"Targets: {targets['at_samples']:,} samples < {targets['max_dry_run_s']:g} s: "
              f"{verdict(met['dry_run_under_30s'])}; {targets['at_large_samples']:,} samples < "
              f"{targets['max_large_dry_run_s']:g} s: {verdict(met['dry_run_10000_under_60s'])}; at most "
              f"{targets['max_cluster_jobs_per_sample']} cluster jobs per sample: "
              f"{verdict(met['at_most_6_cluster_jobs_per_sample'])}.", "",
             "Cohort aggregation (`python -m npm1_flt3 cohort` with the rule's arguments) over synthetic "
             "per-sample outputs; peak RSS also above the same command's baseline (`--help`: "
             f"{cohort['baseline']['max_rss_mb']} MB). Median of {data['repeats']} runs.", "",
             "| samples | wall s | peak MB | above baseline MB | tables written MB (cohort + variants) | "
             "rule command chars (limit 131,072) |",
             "|---|---|---|---|---|---|"]
    for size in cohort["sizes"]:
        shell = size["rule_shell_command"]
        fits = "" if shell["accepted_by_bash_c"] else " **too long for bash -c**"
        lines.append(f"| {size['samples']:,} | {size['wall_s']} | {size['max_rss_mb']} | "
                     f"{size.get('rss_above_baseline_mb', 'n/a')} | {size['tables_mb']} "
                     f"({size['cohort_table']['mb']} + {size['variants_table']['mb']}) | "
                     f"{shell['chars']:,}{fits} |")
    growth = cohort["growth"]
    lines += ["", f"Targets: cohort of {met['cohort_samples']:,} in <= {targets['max_cohort_s']:g} s: "
              f"{verdict(met['cohort_in_seconds'])} ({met['cohort_wall_s']} s); peak RSS growth "
              f"{growth['from_samples'] or 0:,} -> {growth['to_samples'] or 0:,} samples "
              f"{growth['rss_mb']} MB for {growth['tables_mb']} MB more table "
              f"({growth['rss_per_table_mb']} MB per MB, within the table if <= "
              f"{targets['max_rss_growth_per_table_mb']:g}): {verdict(met['cohort_memory_within_table'])}; "
              f"the rule's command line fits at {met['cohort_samples']:,} samples: "
              f"{verdict(met['rule_command_fits'])}."]
    return "\n".join(lines) + "\n"


def speed_table(data: dict) -> str:
    """### Speed and memory: per BAM, our caller and ScanITD (medians of the repeats) and the targets."""
    bams = sorted(data["bams"], key=lambda b: b["pairs"])
    scanitd = any("scanitd" in b["tools"] for b in bams)
    lines = ["### Speed and memory", "",
             "Panel-like BAMs: ART 2x150 reads over the whole 121-kb gene-slice reference (planted: "
             + ", ".join(data["simulation"].get("planted_labels", data["simulation"]["planted"])) + "), BWA-MEM, markdup. Median of "
             f"{data['repeats']} runs under GNU time: wall seconds and peak RSS of the whole "
             "`python -m npm1_flt3 call` process; ScanITD with its defaults on the same BAM (renamed "
             f"copy, renaming not timed). Speed step: {data['total_s']} s "
             f"({data['prepare_s']} s preparing BAMs, {data['timing_s']} s timing).", "",
             "| BAM (read pairs) | reads | hotspot min depth NPM1 / FLT3 exon 14 | npm1-flt3 s | "
             "npm1-flt3 peak MB |" + (" ScanITD s | ScanITD peak MB |" if scanitd else ""),
             "|---|---|---|---|---|" + ("---|---|" if scanitd else "")]
    for bam in bams:
        depth = bam["hotspot_depth"]
        depths = " / ".join(str(depth[h]["min"]) if h in depth else "n/a"
                            for h in ("NPM1_exon12", "FLT3_exon14"))
        ours = bam["tools"][OUR_TOOL]
        row = (f"| {bam['pairs']:,} | {2 * bam['read_pairs']:,} | {depths} | {ours['wall_s']} | "
               f"{ours['max_rss_mb']} |")
        if scanitd:
            theirs = bam["tools"].get("scanitd", {})
            row += f" {theirs.get('wall_s', 'n/a')} | {theirs.get('max_rss_mb', 'n/a')} |"
        lines.append(row)
    met, flat = data["targets_met"], data["memory_flat"]
    targets = data["targets"]

    def verdict(value) -> str:
        return "n/a" if value is None else ("yes" if value else "**no**")

    lines += ["", f"Targets: caller <= {targets['max_wall_s']:g} s at {targets['at_pairs']:,} read pairs: "
              f"{verdict(met['caller_le_2s_at_1M'])} ({met['caller_wall_s_at_1M']} s); faster than ScanITD "
              f"on every BAM: {verdict(met['faster_than_scanitd'])}; memory flat in depth (peak MB at "
              f"{flat['to_pairs'] or 0:,} / {flat['from_pairs'] or 0:,} pairs = {flat['ratio']}, "
              f"flat if <= {targets['flat_ratio']:g}): {verdict(met['memory_flat'])}."]
    return "\n".join(lines) + "\n"


def write_results_md(results_dir: Path, out: Path, sets: list[str], total_minutes: float | None) -> None:
    """total_minutes None keeps the run line of the existing RESULTS.md (a --report-only rebuild)."""
    run_line = (f"Generated by `bash benchmarks/run` on {date.today().isoformat()} ({total_minutes:.1f} min on "
                "this machine, 2 cores).") if total_minutes is not None else _previous_run_line(out)
    parts = ["# Benchmark results", "",
             run_line + " Do not edit the tables by hand: edit `benchmarks/discussion.md` for the text "
             "below them.", ""]
    for name in sets:
        path = results_dir / f"{name}.json"
        if name not in (CLASSIFICATION, ROUGH, MRD, RNA) and path.exists():
            parts.append(set_tables(json.loads(path.read_text())))
    rough = results_dir / f"{ROUGH}.json"
    if rough.exists():
        parts.append(rough_tables(json.loads(rough.read_text())))
    mrd = results_dir / f"{MRD}.json"
    if mrd.exists():
        parts.append(mrd_tables(json.loads(mrd.read_text())))
    rna = results_dir / f"{RNA}.json"
    if rna.exists():
        parts.append(rna_tables(json.loads(rna.read_text())))
    classification = results_dir / f"{CLASSIFICATION}.json"
    if classification.exists():
        parts.append(classification_table(json.loads(classification.read_text())))
    cases = results_dir / "peer_cases.json"
    if cases.exists():
        parts.append(peer_case_table(json.loads(cases.read_text())))
    speed = results_dir / "speed.json"
    if speed.exists():
        parts.append(speed_table(json.loads(speed.read_text())))
    scale = results_dir / "scale.json"
    if scale.exists():
        parts.append(scale_table(json.loads(scale.read_text())))
    settings = _peer_settings(results_dir, sets)
    if settings:
        parts += ["### How the peers were run", "", *settings, ""]
    if DISCUSSION.exists():
        parts.append(DISCUSSION.read_text())
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("\n".join(parts))
    tmp.replace(out)


def _previous_run_line(out: Path) -> str:
    if out.exists():
        for line in out.read_text().splitlines():
            if line.startswith("Generated by"):
                return line.split(" Do not edit")[0]
    return "Generated by `bash benchmarks/run`."


def _peer_settings(results_dir: Path, sets: list[str]) -> list[str]:
    for name in sets:
        path = results_dir / f"{name}.json"
        if name in (CLASSIFICATION, ROUGH, MRD, RNA) or not path.exists():
            continue
        tools = json.loads(path.read_text())["tools"]
        return [f"- **{tool}**: `{json.dumps(data['settings'], sort_keys=True)[:600]}`"
                for tool, data in tools.items() if "settings" in data]
    return []
