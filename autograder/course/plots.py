"""The class report's histograms, written as SVG text.

Two pictures: the distribution of totals (with a dashed line at the
median) and a grid of small histograms, one per question. Every bin is
centred on a score a student can earn (`bin_edges`), a bar's height is
proportional to its count, and the axes carry ticks at round numbers.

This is our own small writer rather than a plotting library: matplotlib,
which drew these before, took longer to import (0.8 s of CPU) than the rest
of a class regrade's report takes to build. The output is deterministic
(coordinates rounded to 0.01 px, no ids, no dates), so the same class gives
the same bytes, and every text is XML-escaped: question names come from
the spec, and the report inlines these pictures in its HTML page.
"""
from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

#: Bins are half a point wide up to this many points, one point beyond.
HALF_POINT_BINS_UP_TO = 10
#: Text falls back to what every system has; DejaVu Sans first, as matplotlib drew.
FONT_FAMILY = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
#: Both pictures are this wide, in px (7.5 in at 96 dpi); the page scales them down.
WIDTH = 720
#: The grid of question histograms has this many columns.
COLUMNS = 4

_TOTALS_HEIGHT = 270
_GRID_CELL_HEIGHT = 180
_TOTALS_COLOUR, _QUESTIONS_COLOUR, _MEDIAN_COLOUR = "#4c72b0", "#55a868", "#c44e52"
_INK = "#222"
_TICK_LENGTH = 4
#: Characters XML 1.0 cannot hold at all, even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Histogram:
    """Scores to count, each out of `maximum` (the bins run from 0 to it)."""

    scores: Sequence[float]
    maximum: float
    title: str = ""


def bin_edges(maximum: float) -> list[float]:
    """Bins centred on the scores a student can earn: every half point up
    to `HALF_POINT_BINS_UP_TO` points, every point beyond."""
    width = _bin_width(maximum)
    count = int(maximum / width) + 1
    return [(i - 0.5) * width for i in range(count + 1)]


def bin_counts(scores: Sequence[float], maximum: float) -> list[int]:
    """How many scores fall in each of `bin_edges(maximum)`'s bins (a bin
    holds its left edge). A score beyond the edges, which only a results
    file disagreeing with the spec could give, counts in the nearest bin,
    so that every submission is counted."""
    width = _bin_width(maximum)
    counts = [0] * (len(bin_edges(maximum)) - 1)
    last = len(counts) - 1
    for score, count in Counter(scores).items():  # a class's scores take few values
        counts[min(max(math.floor(score / width + 0.5), 0), last)] += count
    return counts


def totals_svg(histogram: Histogram, *, title: str, x_label: str, y_label: str,
               median: tuple[float, str] | None) -> str:
    """One histogram across the page, with a dashed line at `median`'s value
    labelled with its text (none for an empty class)."""
    area = _Area(left=64, top=30, width=WIDTH - 64 - 16, height=_TOTALS_HEIGHT - 30 - 48)
    parts = _histogram(area, histogram, _TOTALS_COLOUR, x_ticks=9, y_ticks=6)
    if median is not None:
        value, label = median
        x = area.x(value, histogram.maximum)
        parts.append(f'<line class="median" x1="{_n(x)}" y1="{_n(area.bottom)}" x2="{_n(x)}" '
                     f'y2="{_n(area.top - 16)}" stroke="{_MEDIAN_COLOUR}" stroke-width="1.5" '
                     f'stroke-dasharray="5 3"/>')
        on_the_left = x > area.left + 0.8 * area.width  # near the right edge: label on the left
        parts.append(_text(x - 5 if on_the_left else x + 5, area.top - 8, label,
                           anchor="end" if on_the_left else "start", css_class="median-label",
                           fill=_MEDIAN_COLOUR))
    parts.append(_text(area.left + area.width / 2, _TOTALS_HEIGHT - 10, x_label))
    parts.append(_text(18, area.top + area.height / 2, y_label, rotate=True))
    return _svg(title, _TOTALS_HEIGHT, parts)


def grid_svg(histograms: Sequence[Histogram], *, title: str, x_label: str,
             y_label: str) -> str:
    """One small titled histogram per entry, `COLUMNS` to a row (the cells
    after the last are left empty), with the axes' labels once for all."""
    left, right, top, bottom = 36, 8, 4, 36
    rows = max(1, -(-len(histograms) // COLUMNS))
    cell_width = (WIDTH - left - right) / COLUMNS
    height = top + rows * _GRID_CELL_HEIGHT + bottom
    parts = []
    for index, histogram in enumerate(histograms):
        row, column = divmod(index, COLUMNS)
        cell_x, cell_y = left + column * cell_width, top + row * _GRID_CELL_HEIGHT
        area = _Area(left=cell_x + 34, top=cell_y + 28, width=cell_width - 34 - 14,
                     height=_GRID_CELL_HEIGHT - 28 - 26)
        panel = [_text(area.left + area.width / 2, cell_y + 16, histogram.title,
                       css_class="panel-title")]
        panel += _histogram(area, histogram, _QUESTIONS_COLOUR, x_ticks=5, y_ticks=5)
        parts.append('<g class="panel">' + "".join(panel) + "</g>")
    parts.append(_text(left + (WIDTH - left - right) / 2, height - 10, x_label))
    parts.append(_text(14, top + rows * _GRID_CELL_HEIGHT / 2, y_label, rotate=True))
    return _svg(title, height, parts)


# --------------------------------------------------------------------------
# Drawing


@dataclass(frozen=True)
class _Area:
    """Where a histogram's bars go, in px from the picture's top left."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, score: float, maximum: float) -> float:
        """The axis runs from half a point below 0 to half a point above
        `maximum`, so the outer bins are whole."""
        return self.left + (score + 0.5) / (maximum + 1) * self.width

    def y(self, count: float, top_count: float) -> float:
        return self.bottom - count / top_count * self.height


def _histogram(area: _Area, histogram: Histogram, colour: str, *, x_ticks: int,
               y_ticks: int) -> list[str]:
    """The bars (one per bin, empty ones 0 high), then the left and bottom
    axes with at most `x_ticks` and `y_ticks` ticks."""
    maximum = histogram.maximum
    edges = bin_edges(maximum)
    counts = bin_counts(histogram.scores, maximum)
    count_step = _step(max(counts, default=0), y_ticks - 1, smallest=1)
    top_count = count_step * max(1, math.ceil(max(counts, default=0) / count_step))
    bars = []
    for (low, high), count in zip(zip(edges, edges[1:]), counts):
        x, x_end = area.x(low, maximum), area.x(high, maximum)
        y = area.y(count, top_count)
        bars.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(x_end - x)}" '
                    f'height="{_n(area.bottom - y)}"/>')
    parts = [f'<g class="bars" fill="{colour}" stroke="#fff" stroke-width="1">'
             + "".join(bars) + "</g>"]
    axes = [f"M{_n(area.left)} {_n(area.top)}V{_n(area.bottom)}H{_n(area.left + area.width)}"]
    labels = []
    for value in _ticks(maximum, _step(maximum, x_ticks - 1, smallest=0.5)):
        x = area.x(value, maximum)
        axes.append(f"M{_n(x)} {_n(area.bottom)}v{_TICK_LENGTH}")
        labels.append(_text(x, area.bottom + _TICK_LENGTH + 12, _tick_label(value),
                            css_class="x-tick"))
    for value in _ticks(top_count, count_step):
        y = area.y(value, top_count)
        axes.append(f"M{_n(area.left)} {_n(y)}h-{_TICK_LENGTH}")
        labels.append(_text(area.left - _TICK_LENGTH - 3, y + 4, _tick_label(value),
                            anchor="end", css_class="y-tick"))
    parts.append(f'<path class="axes" d="{"".join(axes)}" fill="none" stroke="{_INK}"/>')
    parts.append('<g class="tick-labels" font-size="11">' + "".join(labels) + "</g>")
    return parts


def _svg(title: str, height: float, parts: Sequence[str]) -> str:
    """The picture: sized in px with a matching viewBox (the page scales it),
    its title for screen readers and as a tooltip."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{_n(height)}" '
            f'viewBox="0 0 {WIDTH} {_n(height)}" font-family="{FONT_FAMILY}" font-size="12" '
            f'fill="{_INK}" role="img">\n<title>{_escape(title)}</title>\n'
            + "\n".join(parts) + "\n</svg>\n")


def _text(x: float, y: float, content: str, *, anchor: str = "middle", rotate: bool = False,
          css_class: str | None = None, fill: str | None = None) -> str:
    """A text element at (x, y), its baseline there; `rotate` reads it upwards."""
    extra = f' class="{css_class}"' if css_class else ""
    if fill:
        extra += f' fill="{fill}"'
    if rotate:
        extra += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>'
            f"{_escape(content)}</text>")


def _escape(text: str) -> str:
    """Text as XML character data: markup characters escaped, and the
    control characters XML cannot hold at all dropped."""
    return html.escape(_NOT_XML.sub("", text))


# --------------------------------------------------------------------------
# Numbers


def _bin_width(maximum: float) -> float:
    return 0.5 if maximum <= HALF_POINT_BINS_UP_TO else 1.0


def _step(span: float, intervals: int, *, smallest: float) -> float:
    """The smallest round step (1, 2 or 5 times a power of ten, at least
    `smallest`) that cuts 0..`span` into at most `intervals` pieces."""
    exponent = math.floor(math.log10(smallest))
    while True:
        for mantissa in (1, 2, 5):
            step = mantissa * 10.0 ** exponent
            if step >= smallest and span / step <= intervals + 1e-9:
                return step
        exponent += 1


def _ticks(span: float, step: float) -> list[float]:
    return [i * step for i in range(int(span / step + 1e-9) + 1)]


def _tick_label(value: float) -> str:
    """A tick's number: steps are whole or half points, so one decimal is exact."""
    return f"{value:.1f}".removesuffix(".0")


def _n(value: float) -> str:
    """A coordinate, to 0.01 px: short, and the same on every machine."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
