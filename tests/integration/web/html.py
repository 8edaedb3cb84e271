"""Reading the pages back in tests: the text people see, and the charts with their tables."""

from __future__ import annotations

import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

FIGURE = re.compile(r'<figure class="bc-chart">(.*?)</figure>\s*(<details.*?</details>)', re.S)
TAG = re.compile(r"<[^>]+>")


def text_of(response) -> str:
    """The page's visible words with the markup taken out and the spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(TAG.sub(" ", html))).strip()


def charts(response) -> list[dict[str, object]]:
    """Each chart on the page: its title, and the rows of its "Show the data as a table"."""
    found = []
    for svg, details in FIGURE.findall(response.content.decode()):
        assert 'role="img"' in svg
        assert "<figcaption" in svg
        assert "Show the data as a table" in details
        title = re.search(r'<title id="[^"]+-title">(.*?)</title>', svg, re.S)
        assert title is not None, "a chart without an accessible title"
        rows = [
            [re.sub(r"\s+", " ", unescape(TAG.sub("", cell))).strip() for cell in cells]
            for cells in (
                re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)
                for row in re.findall(r"<tr>(.*?)</tr>", details, re.S)
            )
        ]
        found.append({"title": unescape(title.group(1)), "rows": rows})
    return found


def count_queries(client, path: str) -> int:
    """How many SQL queries a GET of ``path`` runs (after a first GET warms the session)."""
    client.get(path)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def error_summary(response) -> list[tuple[str, str]]:
    """The NHS error summary's links: (href, words), checking each names a field on the page."""
    html = response.content.decode()
    start = html.index('class="nhsuk-error-summary"')
    block = html[start : html.index("</ul>", start)]
    links = [
        (href, re.sub(r"\s+", " ", unescape(words)).strip())
        for href, words in re.findall(r'<a href="(#[^"]+)"\s*>(.*?)</a>', block, re.S)
    ]
    for href, _ in links:
        assert re.search(rf'\sid="{re.escape(href[1:])}"', html), f"no field {href} on the page"
    return links
