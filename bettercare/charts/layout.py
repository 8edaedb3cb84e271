"""Laying out charts without a rendering engine: text widths, scales, ticks, keys.

Text is measured with Arial's advance widths (the charts ask for Arial or Helvetica, which
every renderer in use has or substitutes metric-compatibly), so labels can be cut, spaced
and wrapped before anything is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bettercare.charts.base import FONT_SIZE, MISSING, element, num, text

__all__ = [
    "LEGEND_LINE",
    "LinearScale",
    "centred_label_x",
    "fit_text",
    "fitting_ticks",
    "legend",
    "legend_lines",
    "min_step",
    "nice_ticks",
    "spread_labels",
    "text_width",
]


# Advance widths of Helvetica (= Arial) in thousandths of an em, from the Adobe AFM file,
# to lay out labels without a font engine. Unlisted characters take the width of a digit.
_AFM_CHARACTERS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~"
)
_AFM_WIDTHS = """
    278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278
    556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556
    1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778
    667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556
    333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556
    556 556 333 500 278 556 500 722 500 500 500 334 260 334 584
"""
_WIDTHS = dict(zip(_AFM_CHARACTERS, map(int, _AFM_WIDTHS.split()), strict=True))
_WIDTHS.update(
    {
        "\N{POUND SIGN}": 556,
        MISSING: 556,
        "\N{EM DASH}": 1000,
        "\N{HORIZONTAL ELLIPSIS}": 1000,
        "\N{RIGHT SINGLE QUOTATION MARK}": 222,
    }
)


def text_width(words: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """The approximate rendered width of ``words`` in pixels (Arial at ``size`` px)."""
    width = sum(_WIDTHS.get(character, 556) for character in words) * size / 1000
    return width * 1.08 if bold else width  # Arial Bold is about 8% wider


def fit_text(words: str, width: float, size: float = FONT_SIZE, *, bold: bool = False) -> str:
    """``words`` cut with an ellipsis so that they fit in ``width`` pixels."""
    if text_width(words, size, bold=bold) <= width:
        return words
    cut = words
    while cut and text_width(cut + "…", size, bold=bold) > width:
        cut = cut[:-1]
    return cut.rstrip() + "…" if cut else ""


@dataclass(frozen=True)
class LinearScale:
    """Maps a data interval onto a pixel interval (either may run backwards)."""

    domain_start: float
    domain_end: float
    range_start: float
    range_end: float

    def __call__(self, value: float) -> float:
        span = self.domain_end - self.domain_start
        if span == 0:
            return (self.range_start + self.range_end) / 2
        fraction = (value - self.domain_start) / span
        return self.range_start + fraction * (self.range_end - self.range_start)


def nice_ticks(
    low: float, high: float, *, count: int = 5, min_step: float = 0.0
) -> tuple[float, ...]:
    """Round tick values (steps of 1, 2 or 5 x 10^k) covering ``low`` to ``high``.

    The first and last ticks enclose the data, so they serve as the axis ends. An empty
    interval is widened around its value. ``min_step`` stops steps finer than the numbers
    can be shown (e.g. 1 for whole counts).
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise AssertionError(f"ticks of a non-finite interval {low!r}..{high!r}")
    if high < low:
        low, high = high, low
    if high - low <= 1e-9 * max(abs(low), abs(high), 1.0):  # one value, or float noise
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    step = max(step, min_step)
    digits = max(0, 2 - math.floor(math.log10(step)))  # drops float noise such as 0.30000000004
    first = round(math.floor(low / step) * step, digits)
    last = round(math.ceil(high / step) * step, digits)
    first -= step if first > low else 0  # the rounding may have moved an end inside the data
    last += step if last < high else 0
    steps = round((last - first) / step)
    return tuple(round(first + i * step, digits) + 0.0 for i in range(steps + 1))


def fitting_ticks(
    low: float,
    high: float,
    *,
    length: float,
    formatter: Callable[[float], str],
    count: int = 5,
    min_step: float = 0.0,
) -> tuple[float, ...]:
    """:func:`nice_ticks` with as many ticks (up to ``count``) as leave room for the labels.

    ``length`` is the axis length in pixels; labels are centred on their ticks, and each
    needs its width plus 10px.
    """
    for fewer in range(count, 1, -1):
        ticks = nice_ticks(low, high, count=fewer, min_step=min_step)
        spacing = length / (len(ticks) - 1)
        if max(text_width(formatter(tick)) for tick in ticks) + 10 <= spacing:
            return ticks
    return nice_ticks(low, high, count=1, min_step=min_step)  # the ends, at least


def spread_labels(
    positions: Sequence[float], *, gap: float, low: float, high: float
) -> tuple[float, ...]:
    """Move label positions (in any order) apart to at least ``gap``, within ``low..high``.

    Used for labels at the ends of lines that may lie close together; each label stays as
    near its line as the others allow, and the input order of the result is kept.
    """
    order = sorted(range(len(positions)), key=lambda i: (positions[i], i))
    placed = [min(max(positions[i], low), high) for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    overflow = placed[-1] - high if placed else 0.0
    if overflow > 0:
        placed[-1] -= overflow
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    result = [0.0] * len(positions)
    for rank, index in enumerate(order):
        result[index] = placed[rank]
    return tuple(result)


LEGEND_LINE = 18.0  # line spacing of a key that wraps


def _legend_places(
    items: Sequence[tuple[str, str]], left: float, right: float, marker_room: float
) -> list[tuple[float, int]]:
    """Where each key item starts (x, line), laid left to right and wrapped at ``right``."""
    places = []
    x, line = left, 0
    for _, words in items:
        item = marker_room + text_width(words)
        if x > left and x + item > right:
            x, line = left, line + 1
        places.append((x, line))
        x += item + 18
    return places


def legend_lines(
    items: Sequence[tuple[str, str]], *, left: float, right: float, marker_room: float = 20
) -> int:
    """How many lines :func:`legend` takes for ``items`` between ``left`` and ``right``."""
    places = _legend_places(items, left, right, marker_room)
    return places[-1][1] + 1 if places else 0


def legend(
    items: Sequence[tuple[str, str]],
    *,
    left: float,
    right: float,
    baseline: float,
    class_: str,
    marker_room: float = 20,
) -> str:
    """A key: ``(marker markup drawn around (0, 0), words)`` per item, wrapping as needed.

    ``baseline`` is that of the first line; each further line is :data:`LEGEND_LINE` lower.
    """
    parts = []
    for (marker, words), (x, line) in zip(
        items, _legend_places(items, left, right, marker_room), strict=True
    ):
        y = baseline + line * LEGEND_LINE
        centre = x + (marker_room - 4) / 2
        parts.append(element("g", marker, transform=f"translate({num(centre)} {num(y - 4)})"))
        parts.append(text(words, x + marker_room, y))
    return element("g", "".join(parts), class_=class_)


def centred_label_x(x: float, words: str, width: float, size: float = FONT_SIZE) -> float:
    """``x`` moved, if need be, so that text centred on it stays inside ``0..width``."""
    half = text_width(words, size) / 2
    return min(max(x, half + 1), width - half - 1)


def min_step(unit: str, multiplier: float) -> float:
    """The finest tick step that :func:`bettercare.formatting.metric_value` shows."""
    if unit == "count":
        return 1.0
    if unit == "mean" or (unit == "proportion" and multiplier == 100):
        return 0.1
    return 0.01
