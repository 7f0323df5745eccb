"""The MRD trajectory plot: what a reader of the SVG must be able to rely on.

The SVG is parsed, not pixel-compared: markers carry class="point" and data-* attributes, so the
tests check what is drawn where (status, plotted value, shape) and that the y axis is log10.
"""

import xml.etree.ElementTree as ET

import pytest

from npm1_flt3.trajectory import TrajectoryPoint, TrajectorySeries, trajectory_svg, write_trajectory_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def point(x, sample, status, vaf, lod=0.0016, alt=0, depth=3000, label=None):
    return TrajectoryPoint(x=float(x), x_label=label or f"day {x}", sample=sample, alt_reads=alt, depth=depth,
                           vaf=vaf, lod=lod, status=status)


def npm1_series():
    return TrajectorySeries("NPM1 c.860_863dup (type A)", (
        point(0, "S1", "detected", 0.40, alt=1200, label="diagnosis"),
        point(35, "S2", "detected", 0.002, alt=6, lod=0.0016),
        point(90, "S3", "not detected", 0.0, lod=0.0005, depth=9000),
        point(180, "S4", "no-call", 0.0, lod=0.05, depth=60),
    ))


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def markers(root):
    return [el for el in root.iter() if el.get("class") == "point"]


def texts(root):
    return [el.text for el in root.iter(f"{SVG}text")]


def test_output_is_well_formed_svg_with_the_title():
    root = parse(trajectory_svg("MRD follow-up of patient P1 <&>", [npm1_series()], "day"))
    assert "MRD follow-up of patient P1 <&>" in texts(root)
    assert "VAF (log scale)" in texts(root)
    assert "day" in texts(root)


def test_one_marker_per_drawn_point_with_its_status():
    root = parse(trajectory_svg("P1", [npm1_series()], "day"))
    found = [(m.get("data-sample"), m.get("data-status")) for m in markers(root)]
    assert found == [("S1", "detected"), ("S2", "detected"), ("S3", "not detected")]
    assert all(m.get("data-series") == "NPM1 c.860_863dup (type A)" for m in markers(root))
    assert markers(root)[1].get("data-vaf") == "0.0020"
    tooltip = markers(root)[1].find("svg:title", NS).text
    assert "S2" in tooltip and "6/3000 reads" in tooltip and "VAF 0.20%" in tooltip and "detected" in tooltip


def test_detected_points_are_circles_on_a_log10_axis():
    series = TrajectorySeries("FLT3-ITD", tuple(point(i, f"S{i}", "detected", vaf, alt=5)
                                                for i, vaf in enumerate([0.001, 0.01, 0.1])))
    circles = [m for m in markers(parse(trajectory_svg("P", [series], "day"))) if m.tag == f"{SVG}circle"]
    ys = [float(c.get("cy")) for c in circles]
    # Larger VAF is higher on screen (smaller y) ...
    assert ys[0] > ys[1] > ys[2]
    # ... and each tenfold step is the same distance: the axis is log10.
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2], abs=0.02)


def test_not_detected_point_is_a_triangle_at_its_lod():
    root = parse(trajectory_svg("P1", [npm1_series()], "day"))
    negative = next(m for m in markers(root) if m.get("data-status") == "not detected")
    assert negative.tag in (f"{SVG}polygon", f"{SVG}path")
    assert float(negative.get("data-y")) == pytest.approx(0.0005)
    assert negative.get("data-vaf") == "0.0000"


def test_not_detected_without_lod_counts_as_no_call():
    series = TrajectorySeries("NPM1", (point(0, "S1", "detected", 0.3, alt=900),
                                       point(1, "S2", "not detected", 0.0, lod=None, depth=0)))
    root = parse(trajectory_svg("P", [series], "timepoint"))
    assert [m.get("data-sample") for m in markers(root)] == ["S1"]
    assert texts(root).count("n/c") == 1


def test_no_call_point_is_an_nc_text_and_no_marker():
    root = parse(trajectory_svg("P1", [npm1_series()], "day"))
    assert "S4" not in [m.get("data-sample") for m in markers(root)]
    nocalls = [el for el in root.iter(f"{SVG}text") if el.get("class") == "nocall"]
    assert [(el.text, el.get("data-sample")) for el in nocalls] == [("n/c", "S4")]


def test_y_ticks_span_the_decades_of_the_data():
    series = TrajectorySeries("NPM1", (point(0, "S1", "detected", 0.40, alt=1200),
                                       point(1, "S2", "detected", 0.002, alt=6, lod=0.0016)))
    root = parse(trajectory_svg("P", [series], "timepoint"))
    ticks = [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "ytick"]
    assert ticks == ["0.1%", "1%", "10%", "100%"]


def test_y_axis_shows_at_least_two_decades():
    series = TrajectorySeries("NPM1", (point(0, "S1", "detected", 0.40, alt=1200),))
    root = parse(trajectory_svg("P", [series], "timepoint"))
    assert [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "ytick"] == ["1%", "10%", "100%"]


def test_x_ticks_one_per_distinct_x():
    series = [npm1_series(), TrajectorySeries("FLT3-ITD", (point(0, "S1", "detected", 0.1, alt=300,
                                                                 label="diagnosis"),))]
    root = parse(trajectory_svg("P1", series, "day"))
    ticks = [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "xtick"]
    assert ticks == ["diagnosis", "day 35", "day 90", "day 180"]
    legend = [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "legend"]
    assert legend == ["NPM1 c.860_863dup (type A)", "FLT3-ITD"]


def test_output_is_deterministic():
    assert trajectory_svg("P1", [npm1_series()], "day") == trajectory_svg("P1", [npm1_series()], "day")


def test_empty_series_list_says_nothing_to_follow():
    root = parse(trajectory_svg("MRD follow-up of patient P2", [], "day"))
    assert "no mutation found at diagnosis to follow" in texts(root)
    assert markers(root) == []


def test_write_is_atomic_and_leaves_no_tmp(tmp_path):
    out = tmp_path / "plots" / "P1.trajectory.svg"
    write_trajectory_svg(out, "P1", [npm1_series()], "day")
    assert out.read_text() == trajectory_svg("P1", [npm1_series()], "day")
    assert [p.name for p in out.parent.iterdir()] == ["P1.trajectory.svg"]

