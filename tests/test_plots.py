"""The report's histograms as SVG: well-formed XML, one bar per bin centred
on each score a student can earn, bar heights proportional to the counts,
the median where it is, every text escaped, the same bytes every time."""
from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest

from autograder.course.plots import (COLUMNS, Histogram, bin_counts, bin_edges, grid_svg,
                                     totals_svg)
from autograder.course.report import draw_plots

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    return root


def with_class(element: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [e for e in element.iter(f"{SVG}{tag}") if e.get("class") == css_class]


def bars(element: ET.Element) -> list[ET.Element]:
    (group,) = with_class(element, "g", "bars")
    return list(group)


def score_to_x(element: ET.Element):
    """The x axis as its tick labels place it: score -> px."""
    ticks = [(float(t.text), float(t.get("x"))) for t in with_class(element, "text", "x-tick")]
    (v0, x0), (v1, x1) = ticks[0], ticks[-1]
    assert len(ticks) >= 2 and v0 == 0
    return lambda score: x0 + (score - v0) * (x1 - x0) / (v1 - v0)


def earnable(maximum: float) -> list[float]:
    step = 0.5 if maximum <= 10 else 1.0
    return [i * step for i in range(int(maximum / step) + 1)]


def histogram_svg(scores, maximum) -> str:
    return totals_svg(Histogram(scores, maximum), title="t", x_label="x", y_label="y", median=None)


@pytest.mark.parametrize("maximum", [0.5, 1, 3, 4.5, 10, 18, 34])
def test_one_bar_per_bin_centred_on_each_earnable_score(maximum):
    root = parse(histogram_svg([0, maximum], maximum))
    drawn = bars(root)
    assert len(drawn) == len(bin_edges(maximum)) - 1 == len(earnable(maximum))
    x_of = score_to_x(root)
    for bar, score in zip(drawn, earnable(maximum)):
        centre = float(bar.get("x")) + float(bar.get("width")) / 2
        assert centre == pytest.approx(x_of(score), abs=0.02), (maximum, score)


def test_bar_heights_are_proportional_to_the_counts():
    scores = [0] * 3 + [0.5] + [1.5] * 7 + [2.5] * 2 + [3] * 12  # nothing at 1, 2
    root = parse(histogram_svg(scores, 3))
    heights = [float(bar.get("height")) for bar in bars(root)]
    counts = [3, 1, 0, 7, 0, 2, 12]
    assert bin_counts(scores, 3) == counts
    unit = heights[-1] / 12
    assert unit > 0
    assert heights == pytest.approx([count * unit for count in counts], abs=0.02)
    # the y axis agrees: the tallest bar reaches its count on the tick labels
    ticks = [(float(t.text), float(t.get("y"))) for t in with_class(root, "text", "y-tick")]
    (zero, y_zero), (top, y_top) = ticks[0], ticks[-1]
    assert zero == 0 and top >= 12
    assert unit == pytest.approx((y_zero - y_top) / top, abs=0.01)
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 2) for b in bars(root)}
    assert len(bottoms) == 1  # every bar stands on the axis


def test_a_score_beyond_the_axis_still_counts_and_a_half_point_sits_on_its_bin():
    assert sum(bin_counts([-1, 0, 3, 3.5, 40], 3)) == 5
    assert bin_counts([-1, 3.5], 3) == [1, 0, 0, 0, 0, 0, 1]
    assert bin_counts([0.25, 0.2499], 3)[:2] == [1, 1]  # a bin holds its left edge
    assert bin_counts([11.5, 12], 12)[-2:] == [0, 2]  # whole-point bins beyond 10 points


def test_the_median_line_sits_at_the_median_and_is_labelled():
    totals = [10, 20, 27.5, 30]
    questions = {"2.a": 30, "2.b": 4}
    per_question = {"2.a": [8, 18, 25, 27], "2.b": [2, 2, 2.5, 3]}
    totals_plot, _ = draw_plots(totals, per_question, questions)
    root = parse(totals_plot.svg)
    (line,) = with_class(root, "line", "median")
    assert line.get("x1") == line.get("x2")
    assert float(line.get("x1")) == pytest.approx(score_to_x(root)(23.75), abs=0.02)
    (label,) = with_class(root, "text", "median-label")
    assert label.text == "median 23.75"
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"total points (out of 34)", "submissions"} <= texts


def test_an_empty_class_draws_empty_axes_without_a_median():
    totals_plot, questions_plot = draw_plots([], {"2.a": []}, {"2.a": 3})
    root = parse(totals_plot.svg)
    assert not with_class(root, "line", "median")
    assert all(float(bar.get("height")) == 0 for bar in bars(root))
    assert [t.text for t in with_class(root, "text", "y-tick")] == ["0", "1"]
    assert len(with_class(parse(questions_plot.svg), "g", "panel")) == 1


def test_the_grid_has_one_titled_panel_per_question_four_to_a_row():
    questions = {f"Q{n}": 2 + n for n in range(1, 6)}
    _, plot = draw_plots([1.0] * 3, {q: [1.0, 2.0, 2.0] for q in questions}, questions)
    root = parse(plot.svg)
    panels = with_class(root, "g", "panel")
    assert len(panels) == len(questions)  # the row's three empty cells draw nothing
    titles = [with_class(panel, "text", "panel-title")[0] for panel in panels]
    assert [t.text for t in titles] == [f"{q} (out of {p})" for q, p in questions.items()]
    assert len({t.get("y") for t in titles[:COLUMNS]}) == 1
    assert titles[COLUMNS].get("x") == titles[0].get("x")
    assert float(titles[COLUMNS].get("y")) > float(titles[0].get("y"))
    for panel, points in zip(panels, questions.values()):
        assert len(bars(panel)) == len(earnable(points))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"points", "submissions"} <= texts


def test_every_text_is_escaped():
    name = 'Q<1> & "the rest" \x01'
    svg = grid_svg([Histogram([1.0], 2, name)], title="<b>t</b>", x_label="a & b", y_label="<y>")
    assert "<1>" not in svg and "<b>" not in svg and "<y>" not in svg and "\x01" not in svg
    root = parse(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert 'Q<1> & "the rest" ' in texts and "a & b" in texts and "<y>" in texts
    assert root.find(f"{SVG}title").text == "<b>t</b>"


def test_the_same_class_gives_the_same_bytes_in_any_order():
    rng = random.Random(3)
    questions = {"2.a": 3, "2.g": 18}
    per_question = {q: [rng.randint(0, 2 * p) / 2 for _ in range(200)] for q, p in questions.items()}
    totals = [a + g for a, g in zip(*per_question.values())]
    first = draw_plots(totals, per_question, questions)
    assert draw_plots(totals, per_question, questions) == first
    shuffled = {q: sorted(scores) for q, scores in per_question.items()}
    assert draw_plots(sorted(totals), shuffled, questions) == first
