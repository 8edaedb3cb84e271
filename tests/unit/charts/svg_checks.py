"""Reading chart SVG back in tests: parse it, find marks by class, check what every chart owes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bettercare.charts import Chart
from bettercare.charts.layout import text_width

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACE_DECLARATION = 'xmlns="http://www.w3.org/2000/svg"'
# Elements that load or run something, or that WeasyPrint does not draw.
FORBIDDEN_TAGS = {"script", "foreignObject", "image", "use", "style", "a", "iframe", "link"}


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def local(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    """Elements whose class list holds ``name``, in document order."""
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def f(element: ET.Element, name: str) -> float:
    value = element.get(name)
    assert value is not None, f"{local(element)} has no {name}"
    return float(value)


def check_chart(chart: Chart) -> ET.Element:
    """Everything every chart must be: well-formed, accessible, self-contained, legible."""
    root = parse(chart)
    assert local(root) == "svg"
    assert root.get("role") == "img"
    width, height = f(root, "width"), f(root, "height")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"

    # aria-labelledby names a <title> and a <desc> that exist and say what the Chart says.
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert local(by_id[title_id]) == "title"
    assert local(by_id[desc_id]) == "desc"
    assert by_id[title_id].text == chart.title
    assert by_id[desc_id].text == chart.description
    assert root[0] is by_id[title_id]  # the first child, as screen readers expect
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))

    # Nothing external, nothing executable.
    assert not FORBIDDEN_TAGS & {local(e) for e in root.iter()}
    for element in root.iter():
        for name in element.attrib:
            assert "href" not in name, f"{local(element)} has {name}"
            assert not name.startswith("on"), f"{local(element)} has {name}"
    markup = chart.svg.replace(NAMESPACE_DECLARATION, "", 1)
    for external in ("http", "url(", "@import", "javascript:"):
        assert external not in markup

    # Text at least 12px, and inside the drawing (the layout's own width estimate, +/- 2px).
    for element in root.iter(f"{SVG}text"):
        size = f(element, "font-size") if element.get("font-size") else 12.0
        assert size >= 12
        words = "".join(element.itertext())
        extent = text_width(words, size, bold=element.get("font-weight") == "bold")
        x = f(element, "x")
        start = {"middle": x - extent / 2, "end": x - extent}.get(
            element.get("text-anchor") or "start", x
        )
        assert start >= -2, f"{words!r} starts left of the drawing"
        assert start + extent <= width + 2, f"{words!r} overflows the width"
        assert size * 0.7 <= f(element, "y") <= height + 2, f"{words!r} overflows the height"
    return root


def numbers_in(words: str) -> float:
    """The number in a formatted label such as ``"1,611"``, ``"52.50"`` or ``"12.5%"``."""
    match = re.search(r"-?[\d,]+(\.\d+)?", words)
    assert match, words
    return float(match.group(0).replace(",", ""))
