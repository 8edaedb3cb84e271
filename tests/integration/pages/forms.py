"""Readers of the page tests' forms: a complete return to post, what was saved, and what a
browser would submit from a page. The data the pages show comes from ``tests.factories``.
"""

from __future__ import annotations

from html.parser import HTMLParser

from bettercare.core.rag import DIMENSIONS
from bettercare.web.programmes.models import ReportingPeriod, Scheme, SchemeStatus


def return_post(scheme: Scheme, period: ReportingPeriod, **changes: str) -> dict[str, str]:
    """A complete, valid return (all Green) from the versions saved now, with ``changes``."""
    saved = {s.dimension: s for s in SchemeStatus.objects.filter(scheme=scheme, period=period)}
    data = {"additional_information": "", "forecast_outturn": "", "savings_achieved": ""}
    data["start_date"] = ""
    for dimension in DIMENSIONS:
        data[f"{dimension}_status"] = "G"
        data[f"{dimension}_commentary"] = ""
        data[f"{dimension}_version"] = str(saved[dimension].version if dimension in saved else 0)
    return {**data, **changes}


def saved_return(scheme: Scheme, period: ReportingPeriod) -> dict[str, tuple[str, str, int]]:
    """Each dimension's saved (status, commentary, version)."""
    return {
        s.dimension: (s.status, s.commentary, s.version)
        for s in SchemeStatus.objects.filter(scheme=scheme, period=period)
    }


class _FormReader(HTMLParser):
    """What a browser would submit from each ``<form method="post">`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.data: dict[str, str] | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method", "").lower() == "post":
            self.data = {}
            self.forms.append(self.data)
        if self.data is None or "disabled" in found:
            return
        name = found.get("name")
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in found:
                    self.data[name] = found.get("value", "on")
            elif kind != "submit":
                self.data[name] = found.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None and self.data is not None:
            self.data[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        if tag == "form":
            self.data = None


def form_fields(response, containing: str) -> dict[str, str]:
    """What a browser would post from the page's POST form with a field ``containing``."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    [data] = [form for form in reader.forms if containing in form]
    data.pop("csrfmiddlewaretoken", None)
    # A textarea's first newline is not part of its value (HTML parsing rules).
    return {name: value[1:] if value.startswith("\n") else value for name, value in data.items()}
