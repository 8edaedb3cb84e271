"""The pieces every chart shares: the result object, NHS colours, escaped SVG elements.

Charts are built as SVG strings, not through a drawing library, so that the same markup can
be embedded in a web page, a WeasyPrint PDF and a self-contained HTML file without anything
to load: no fonts, images, stylesheets or scripts, only presentation attributes. Every number
written into the markup goes through :func:`num`, which rounds to two decimal places, so the
same input always gives the same string (charts can be cached and compared in tests).
Measuring and placing text, scales and ticks are in :mod:`bettercare.charts.layout`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape

__all__ = [
    "BLUE",
    "DARK_GREY",
    "FONT",
    "GREEN",
    "MID_GREY",
    "MISSING",
    "ORANGE",
    "PALE_GREY",
    "PURPLE",
    "RED",
    "STRIPE",
    "TEXT",
    "WHITE",
    "YELLOW",
    "Chart",
    "check_id_prefix",
    "check_size",
    "diamond",
    "display",
    "element",
    "num",
    "svg_document",
    "text",
    "tick_mark",
    "title_element",
    "xml_escape",
]

# NHS identity colours (https://www.england.nhs.uk/nhsidentity/identity-guidelines/colours/).
BLUE = "#005EB8"
DARK_GREY = "#425563"
MID_GREY = "#768692"
PALE_GREY = "#E8EDEE"
GREEN = "#007F3B"
YELLOW = "#FFB81C"
ORANGE = "#ED8B00"
RED = "#DA291C"
PURPLE = "#330072"
TEXT = "#212B32"  # NHS.UK frontend body text
WHITE = "#FFFFFF"
STRIPE = "#F0F4F5"  # NHS.UK frontend grey-5, for alternate rows

# Arial and Helvetica only: WeasyPrint, browsers and librsvg all have one of them (or a
# metric-compatible substitute such as Liberation Sans), so text measures the same everywhere.
FONT = "Arial, Helvetica, sans-serif"
FONT_SIZE = 12  # the smallest text any chart draws

#: What a table cell or label shows for a missing value, as ``formatting`` does.
MISSING = "\N{EN DASH}"

_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class Chart:
    """A chart as SVG markup, with the words and the data table that stand in for it.

    Attributes
    ----------
    svg
        The ``<svg>...</svg>`` markup, self-contained, with ``role="img"`` and a title and
        description referenced by ``aria-labelledby``.
    title
        The chart's title (also the SVG ``<title>``).
    description
        One or two sentences a screen-reader user gets (also the SVG ``<desc>``).
    table_headers, table_rows
        The data behind the chart as display strings, for a "data table alternative".
    """

    svg: str
    title: str
    description: str
    table_headers: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


def check_id_prefix(id_prefix: str) -> str:
    """The prefix of a chart's element ids, checked to be a valid, simple XML id."""
    if not isinstance(id_prefix, str) or not _ID_PREFIX.match(id_prefix):
        raise ValueError(
            f"id_prefix must start with a letter and hold only letters, digits, '-' and '_', "
            f"got {id_prefix!r}"
        )
    return id_prefix


def check_size(name: str, value: float, minimum: float) -> float:
    """A width or height in pixels, at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= minimum:
        raise ValueError(f"{name} must be a number of pixels of at least {minimum}, got {value!r}")
    return float(value)


def num(value: float) -> str:
    """A coordinate for the markup: at most two decimal places, no trailing zeros."""
    if not math.isfinite(value):
        raise AssertionError(f"non-finite coordinate {value!r}")  # a layout bug, never input
    written = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if written in ("-0", "") else written


AttributeValue = str | float | int | None
# Characters XML 1.0 does not allow at all (text pasted from spreadsheets can hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_escape(words: str, *, quote: bool = False) -> str:
    """``words`` safe inside an element (or, with ``quote``, an attribute value)."""
    return escape(_NOT_XML.sub(" ", words), quote=quote)


@lru_cache(maxsize=256)
def _attribute_name(name: str) -> str:
    """``stroke_width`` as ``stroke-width``, ``class_`` as ``class`` (a few dozen names)."""
    return name.rstrip("_").replace("_", "-")


@lru_cache(maxsize=4096)
def _attribute_text(value: str) -> str:
    """A string attribute value escaped (colours, classes and dashes repeat on every mark)."""
    return xml_escape(value, quote=True)


def _attributes(attributes: Mapping[str, AttributeValue]) -> str:
    # Called for every mark of every chart: the common types are tested by identity first, and
    # names and string values are escaped once per process, not once per mark (ADR 0117).
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        kind = type(value)
        if kind is float or kind is int:
            written = num(value)  # type: ignore[arg-type]  # a float or int, tested above
        elif kind is str:
            written = _attribute_text(value)
        elif isinstance(value, bool):
            raise AssertionError(f"attribute {name} given a bool")
        elif isinstance(value, int | float):
            written = num(value)
        else:
            written = xml_escape(value, quote=True)
        parts.append(f' {_attribute_name(name)}="{written}"')
    return "".join(parts)


def element(name: str, content: str | None = None, /, **attributes: AttributeValue) -> str:
    """One SVG element; ``content`` is markup (already escaped), attributes are escaped here.

    Attribute names use ``_`` for ``-`` (``stroke_width``) and a trailing ``_`` for Python
    keywords (``class_``); ``None`` values are left out.
    """
    attrs = _attributes(attributes)
    if content is None:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{content}</{name}>"


def text(
    words: str,
    x: float,
    y: float,
    *,
    size: float = FONT_SIZE,
    bold: bool = False,
    anchor: str = "start",
    fill: str = TEXT,
    **attributes: AttributeValue,
) -> str:
    """A ``<text>`` element with its words escaped; ``y`` is the baseline."""
    return element(
        "text",
        xml_escape(words),
        x=x,
        y=y,
        font_size=size,
        font_weight="bold" if bold else None,
        text_anchor=None if anchor == "start" else anchor,
        fill=fill,
        **attributes,
    )


def title_element(words: str) -> str:
    """A ``<title>`` child: the tooltip of a mark in a browser."""
    return element("title", xml_escape(words))


def svg_document(
    *,
    id_prefix: str,
    width: float,
    height: float,
    title: str,
    description: str,
    body: Iterable[str],
    background: str | None = WHITE,
) -> str:
    """The ``<svg>`` root around ``body``: size, viewBox, role and accessible name.

    A chart is drawn on white (``background``) so that it reads the same on any page
    colour; small inline charts pass ``None`` to sit on their table row or card.
    """
    prefix = check_id_prefix(id_prefix)
    head = element(
        "svg",
        None,
        xmlns="http://www.w3.org/2000/svg",
        width=width,
        height=height,
        viewBox=f"0 0 {num(width)} {num(height)}",
        role="img",
        aria_labelledby=f"{prefix}-title {prefix}-desc",
        class_=f"bc-chart {prefix}",
        font_family=FONT,
        font_size=FONT_SIZE,
    )[:-2]
    return "".join(
        [
            head,
            ">",
            element("title", xml_escape(title), id=f"{prefix}-title"),
            element("desc", xml_escape(description), id=f"{prefix}-desc"),
            ""
            if background is None
            else element("rect", None, width=width, height=height, fill=background),
            *body,
            "</svg>",
        ]
    )


def diamond(
    x: float, y: float, half: float, content: str | None = None, **attributes: AttributeValue
) -> str:
    """A diamond marker centred on ``(x, y)``; ``content`` as for :func:`element`."""
    d = (
        f"M{num(x)} {num(y - half)}L{num(x + half)} {num(y)}"
        f"L{num(x)} {num(y + half)}L{num(x - half)} {num(y)}Z"
    )
    return element("path", content, d=d, **attributes)


def tick_mark(x: float, y: float, size: float, **attributes: AttributeValue) -> str:
    """A check mark (tick) centred on ``(x, y)``, drawn as a path rather than a glyph."""
    d = (
        f"M{num(x - size * 0.5)} {num(y)}L{num(x - size * 0.15)} {num(y + size * 0.35)}"
        f"L{num(x + size * 0.5)} {num(y - size * 0.4)}"
    )
    return element(
        "path",
        None,
        d=d,
        fill="none",
        stroke_linecap="round",
        stroke_linejoin="round",
        **attributes,
    )


def display(value: float | None, formatter: Callable[[float], str]) -> str:
    """A value for a table cell: the en dash for none or NaN."""
    if value is None or not math.isfinite(value):
        return MISSING
    return formatter(value)
