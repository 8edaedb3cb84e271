"""Rendering the report models to HTML (self-contained), PDF (WeasyPrint) and Excel.

The HTML is one file with its CSS and SVG charts inline and no external requests, for
email and the intranet; the PDF is the same HTML laid out for A4 with page numbers, the area
and period in the header and a DRAFT watermark until the period is signed off.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bettercare import charts, formatting
from bettercare.core.rag import ON_TRACK_LINE
from bettercare.reports.model import (
    AssuranceReport,
    DashboardReport,
    HighlightReport,
    MetricLine,
)
from bettercare.reports.pdf import TEMPLATES, PdfWriter, write_pdf
from bettercare.reports.schemes import (
    CADENCE_NAMES,
    LEVEL_NAMES,
    ROLE_NAMES,
    SchemeDescriptionsReport,
)

Report = HighlightReport | DashboardReport | AssuranceReport | SchemeDescriptionsReport
Medium = Literal["html", "pdf"]
TAG_CLASSES = {"G": "g", "A": "a", "R": "r", "NA": "na", "E": "e", "Y": "g", "N": "r"}


def _tag(status: str | None) -> Markup:
    if not status:
        return Markup('<span class="missing">Not reported</span>')
    css = TAG_CLASSES.get(status, "na")
    words = formatting.STATUS_NAMES.get(status, status)
    return Markup(f'<span class="tag tag-{css}">{Markup.escape(words)}</span>')  # noqa: S704


def _spark(line: MetricLine) -> Markup:
    if not line.trend:
        return Markup('<span class="missing">–</span>')
    chart = charts.sparkline(
        line.trend,
        labels=line.trend_labels,
        title=f"{line.name}: recent trend",
        unit=line.unit,
        multiplier=line.multiplier,
        polarity=line.polarity,
        target=line.target,
        id_prefix="pack-spark-" + "".join(c if c.isalnum() else "-" for c in line.code),
        width=96,
        height=26,
    )
    return Markup(chart.svg)  # noqa: S704 - bettercare.charts escapes all text


def _svg(chart: charts.Chart) -> Markup:
    return Markup(chart.svg)  # noqa: S704 - bettercare.charts escapes all text


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=formatting.money,
        money_short=lambda v: formatting.money(v, short=True),
        number=formatting.number,
        metric_value=formatting.metric_value,
        day=formatting.day,
        short_day=formatting.short_day,
        percent=formatting.percent,
        kpi_target=formatting.kpi_target,
        tag=_tag,
        spark=_spark,
        svg=_svg,
    )
    env.globals.update(
        charts=charts,
        STATUS_NAMES=formatting.STATUS_NAMES,
        DIRECTION_ARROWS=formatting.DIRECTION_ARROWS,
        DIRECTION_WORDS=formatting.DIRECTION_WORDS,
        VARIATION_WORDS=formatting.VARIATION_WORDS,
        ASSURANCE_WORDS=formatting.ASSURANCE_WORDS,
        on_track_line=ON_TRACK_LINE,
        css=(TEMPLATES / "pack.css").read_text(encoding="utf-8"),
    )
    return env


TEMPLATE_FOR: dict[type, str] = {
    HighlightReport: "highlight.html.jinja",
    DashboardReport: "dashboard.html.jinja",
    AssuranceReport: "assurance.html.jinja",
    SchemeDescriptionsReport: "schemes.html.jinja",
}


#: Why a pack is a draft, by the state of its period, in words for the front page.
DRAFT_REASONS = {
    "open": "is open for returns and has not been signed off",
    "submitted": "has been submitted and awaits sign-off",
    "not_opened": "has not been opened for returns and has not been signed off",
}


def _frame(report: Report) -> dict[str, Any]:
    """What every pack's header and footer say: area, period, whether it is signed off."""
    if isinstance(report, SchemeDescriptionsReport):
        # The plan's annex: of no reporting month, so never a draft of one.
        return {
            "area": report.area,
            "period_label": "scheme descriptions",
            "signed_off": True,
            "draft_reason": "",
            "caption": report.programme_name,
            "generated_at": report.generated_at,
            "role_names": ROLE_NAMES,
            "level_names": LEVEL_NAMES,
            "cadence_names": CADENCE_NAMES,
        }
    if isinstance(report, AssuranceReport):
        return {
            "area": report.region,
            "period_label": report.round or "no assessment round",
            "signed_off": True,
            "draft_reason": "",
            "caption": f"{report.region.name} regional assurance",
            "generated_at": report.generated_at,
        }
    return {
        "area": report.area,
        "period_label": report.period.label,
        "signed_off": report.period.is_signed_off,
        "draft_reason": DRAFT_REASONS.get(report.period.state, "has not been signed off"),
        "caption": report.programme_name,
        "generated_at": report.generated_at,
    }


def render_html(report: Report, *, medium: Medium = "html", **extra: Any) -> str:
    """The report as one self-contained HTML document."""
    template = environment().get_template(TEMPLATE_FOR[type(report)])
    return template.render(report=report, medium=medium, **_frame(report), **extra)


def render_pdf(report: Report, *, writer: PdfWriter = write_pdf, **extra: Any) -> bytes:
    """The report as an A4 PDF (WeasyPrint), laid out from the same HTML: in this process,
    or by ``writer``, a :class:`~bettercare.reports.pdf.PdfProcess` started ahead."""
    return writer(render_html(report, medium="pdf", **extra))
