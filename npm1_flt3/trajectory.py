"""MRD trajectory plot: per patient, the VAF of every mutation found at diagnosis across the
patient's follow-up samples, as a standalone, deterministic SVG (same input, same bytes).

Why a log10 y axis: measurable residual disease spans from ~50% VAF at diagnosis down to 0.01% or
less in remission; on a linear axis everything after induction would sit on the floor. Each decade
is one log of reduction, the unit in which MRD response is judged.

Why triangles at the limit of detection: a negative MRD result is only as good as its depth. A
mutation not seen in 3,000 reads is "below ~0.1%", not "0". So a not-detected point is an open
downward triangle drawn at the LOD the depth allows (meaning "somewhere below this"), joined with
a dashed line. Detected points are filled circles at the measured VAF, joined with solid lines.
No-call points (depth too low to say anything useful) are left off the line and marked "n/c" at
the bottom of the plot, so the gap is visible rather than silently bridged by a value.

Every marker carries data-* attributes (series, sample, status, VAF, plotted y) and a <title>
tooltip, so the plot can be inspected in a browser and checked by tests without pixel reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from npm1_flt3.atomic import write_text_atomically

WIDTH, HEIGHT = 720, 420
# Plot area; the right margin holds the legend, the bottom one the (rotated) tick labels.
LEFT, RIGHT, TOP, BOTTOM = 70, 480, 40, 320
# Okabe-Ito palette (colour-blind safe); yellow last because it is faint on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
GREY = "#888888"
EMPTY_MESSAGE = "no mutation found at diagnosis to follow"


@dataclass(frozen=True)
class TrajectoryPoint:
    x: float            # days since the first sample, or the timepoint's index when no days are known
    x_label: str        # tick label, e.g. "diagnosis" or "day 35"
    sample: str
    alt_reads: int
    depth: int
    vaf: float          # measured VAF at that allele (may be 0.0)
    lod: float | None   # limit of detection (VAF) the depth allows; None when depth is 0
    status: str         # "detected" | "not detected" | "no-call"


@dataclass(frozen=True)
class TrajectorySeries:
    label: str
    points: tuple[TrajectoryPoint, ...]   # in time order


def plotted_status(point: TrajectoryPoint) -> str:
    """The status as drawn: a negative without a LOD says nothing, so it is a no-call."""
    if point.status == "detected" and point.vaf <= 0:
        raise ValueError(f"{point.sample}: detected with VAF 0")
    if point.status == "not detected" and not (point.lod and point.lod > 0):
        return "no-call"
    return point.status


def plotted_value(point: TrajectoryPoint) -> float | None:
    status = plotted_status(point)
    return point.vaf if status == "detected" else point.lod if status == "not detected" else None


def percent(value: float) -> str:
    pct = value * 100
    return f"{pct:.1f}%" if pct >= 1 else f"{pct:.2f}%" if pct >= 0.01 else f"{pct:.2g}%"


def decade_label(exponent: int) -> str:
    """10**exponent as a percentage without float noise: -4 -> "0.01%", 0 -> "100%"."""
    shift = exponent + 2
    return f"{10 ** shift}%" if shift >= 0 else "0." + "0" * (-shift - 1) + "1%"


class Axes:
    """Maps data to pixels: x linear over the points' x, y log10 from 10**low to 100%."""

    def __init__(self, series: list[TrajectorySeries]):
        values = [v for s in series for p in s.points if (v := plotted_value(p))]
        # Floor of the smallest plotted value, with a tolerance for log10 rounding (0.001 -> -3);
        # at least two decades so a flat trajectory does not fill the whole height.
        self.low = min([-2] + [math.floor(math.log10(v) + 1e-9) for v in values])
        xs = [p.x for s in series for p in s.points]
        self.x_min, self.x_max = min(xs), max(xs)

    def px(self, x: float) -> float:
        if self.x_max == self.x_min:
            return (LEFT + RIGHT) / 2
        pad = 0.06 * (RIGHT - LEFT)   # keeps the first and last points off the axes
        return LEFT + pad + (x - self.x_min) / (self.x_max - self.x_min) * (RIGHT - LEFT - 2 * pad)

    def py(self, value: float) -> float:
        fraction = (math.log10(min(value, 1.0)) - self.low) / -self.low
        return BOTTOM - fraction * (BOTTOM - TOP)


def text(x: float, y: float, content: str, extra: str = "") -> str:
    return f'<text x="{x:.2f}" y="{y:.2f}"{extra}>{escape(content)}</text>'


def y_axis(axes: Axes) -> list[str]:
    out = []
    for exponent in range(axes.low, 1):
        y = axes.py(10.0 ** exponent)
        out.append(f'<line x1="{LEFT}" y1="{y:.2f}" x2="{RIGHT}" y2="{y:.2f}" stroke="#dddddd"/>')
        out.append(text(LEFT - 6, y + 4, decade_label(exponent), ' class="ytick" text-anchor="end"'))
    mid = (TOP + BOTTOM) / 2
    out.append(text(18, mid, "VAF (log scale)", f' text-anchor="middle" transform="rotate(-90 18 {mid})"'))
    return out


def x_axis(axes: Axes, series: list[TrajectorySeries], x_title: str) -> list[str]:
    labels: dict[float, str] = {}
    for point in (p for s in series for p in s.points):
        labels.setdefault(point.x, point.x_label)   # shared x: the first label, once
    out = [f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#333333"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="#333333"/>']
    for x in sorted(labels):
        px, y = axes.px(x), BOTTOM + 14
        out.append(f'<line x1="{px:.2f}" y1="{BOTTOM}" x2="{px:.2f}" y2="{BOTTOM + 4}" stroke="#333333"/>')
        # Slanted so that long labels of close timepoints do not overlap; down-right, away from the y axis.
        out.append(text(px - 3, y, labels[x], f' class="xtick" font-size="11" transform="rotate(30 {px - 3:.2f} {y})"'))
    out.append(text((LEFT + RIGHT) / 2, HEIGHT - 8, x_title, ' text-anchor="middle"'))
    return out


def marker(series: TrajectorySeries, point: TrajectoryPoint, px: float, py: float, colour: str) -> str:
    status, value = plotted_status(point), plotted_value(point)
    lod = percent(point.lod) if point.lod else "n/a"
    tip = (f"{point.sample} {point.x_label}: {series.label} {point.alt_reads}/{point.depth} reads, "
           f"VAF {percent(point.vaf)}, LOD {lod}, {status}")
    data = (f' class="point" data-series={quoteattr(series.label)} data-sample={quoteattr(point.sample)}'
            f' data-status={quoteattr(status)} data-vaf="{point.vaf:.4f}" data-y="{value:.6g}"')
    if status == "detected":
        shape = f'<circle cx="{px:.2f}" cy="{py:.2f}" r="4.5" fill="{colour}" stroke="{colour}"{data}>'
        return f"{shape}<title>{escape(tip)}</title></circle>"
    corners = f"{px - 5:.2f},{py - 4:.2f} {px + 5:.2f},{py - 4:.2f} {px:.2f},{py + 5:.2f}"
    shape = f'<polygon points="{corners}" fill="white" stroke="{colour}" stroke-width="1.5"{data}>'
    return f"{shape}<title>{escape(tip)}</title></polygon>"


def series_elements(axes: Axes, series: TrajectorySeries, index: int) -> list[str]:
    colour = PALETTE[index % len(PALETTE)]
    drawn, out = [], []
    for point in series.points:
        value = plotted_value(point)
        if value is None:
            # Stack the n/c marks of several series at the same x instead of overprinting.
            y = BOTTOM - 6 - 12 * index
            out.append(f'<text class="nocall" x="{axes.px(point.x):.2f}" y="{y}" text-anchor="middle" font-size="10"'
                       f' fill="{GREY}" data-series={quoteattr(series.label)} data-sample={quoteattr(point.sample)}>'
                       f"n/c<title>{escape(f'{point.sample}: {series.label} no-call ({point.depth} reads)')}"
                       "</title></text>")
            continue
        drawn.append((point, axes.px(point.x), axes.py(value)))
    for (a, ax, ay), (b, bx, by) in zip(drawn, drawn[1:]):
        # Dashed as soon as one end is only an upper bound (the LOD).
        dash = "" if plotted_status(a) == plotted_status(b) == "detected" else ' stroke-dasharray="5,4"'
        out.append(f'<line x1="{ax:.2f}" y1="{ay:.2f}" x2="{bx:.2f}" y2="{by:.2f}" stroke="{colour}"'
                   f' stroke-width="1.5"{dash}/>')
    out.extend(marker(series, p, x, y, colour) for p, x, y in drawn)   # markers on top of lines
    return out


def legend(series: list[TrajectorySeries]) -> list[str]:
    out, x, y = [], RIGHT + 20, TOP + 10
    for index, entry in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        out.append(f'<circle cx="{x + 5}" cy="{y - 4}" r="4.5" fill="{colour}"/>')
        out.append(text(x + 16, y, entry.label, ' class="legend" font-size="11"'))
        y += 18
    notes = ["filled circle: detected", "open triangle: not detected,", "below the limit of detection shown",
             "n/c: no-call (depth too low)"]
    for note in notes:
        y += 14
        out.append(text(x, y, note, f' class="legend-note" font-size="10" fill="{GREY}"'))
    return out


def trajectory_svg(title: str, series: list[TrajectorySeries], x_title: str) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">')
    body = ['<rect width="100%" height="100%" fill="white"/>',
            text(WIDTH / 2, 22, title, ' class="title" text-anchor="middle" font-size="15" font-weight="bold"')]
    series = [s for s in series if s.points]
    if not series:
        body.append(text(WIDTH / 2, HEIGHT / 2, EMPTY_MESSAGE, f' class="message" text-anchor="middle" fill="{GREY}"'))
    else:
        axes = Axes(series)
        body += y_axis(axes) + x_axis(axes, series, x_title) + legend(series)
        for index, entry in enumerate(series):
            body += series_elements(axes, entry, index)
    return "\n".join([head, *body, "</svg>"]) + "\n"


def write_trajectory_svg(out: Path, title: str, series: list[TrajectorySeries], x_title: str) -> None:
    """Written atomically (npm1_flt3/atomic.py): a killed job never leaves half an SVG."""
    write_text_atomically(out, trajectory_svg(title, series, x_title))
