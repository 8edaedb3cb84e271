"""Board packs: a report built from the database and rendered to PDF, HTML or Excel.

The web's "Download board pack" and ``bettercare report`` both come here, so a pack is the
same whichever way it is made, and the same as the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Literal

from bettercare.core.periods import Month
from bettercare.reports.pdf import PdfWriter, write_pdf
from bettercare.reports.render import render_html, render_pdf
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.queries import (
    MonthOutOfRangeError,
    check_reportable,
    latest_period,
    reporting_period,
)
from bettercare.web.reporting.dashboard import build_assurance, build_dashboard, theme_sections
from bettercare.web.reporting.highlight import build_highlight_report

Kind = Literal["highlight", "dashboard", "assurance", "schemes"]
Format = Literal["pdf", "html", "xlsx"]
KINDS: tuple[Kind, ...] = ("highlight", "dashboard", "assurance", "schemes")
FORMATS: tuple[Format, ...] = ("pdf", "html", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TITLES = {
    "highlight": "highlight-report",
    "dashboard": "integration-dashboard",
    "assurance": "assurance-matrix",
    "schemes": "scheme-descriptions",
}


class PackError(Exception):
    """A pack that cannot be made: the reason in words a user understands."""


@dataclass(frozen=True)
class Pack:
    content: bytes
    filename: str
    content_type: str


def _render(report: object, output: Format, writer: PdfWriter) -> bytes:
    if output == "pdf":
        return render_pdf(report, writer=writer)  # type: ignore[arg-type]  # report is one of the packs' report types
    return render_html(report).encode("utf-8")  # type: ignore[arg-type]  # report is one of the packs' report types


def excel() -> ModuleType:
    """The Excel pack writers, imported when asked for (openpyxl is slow to import)."""
    from bettercare.reports import excel as writers

    return writers


def board_pack(
    kind: Kind,
    area: Area,
    month: Month | None,
    output: Format,
    *,
    round_name: str | None = None,
    pdf_writer: PdfWriter = write_pdf,
) -> Pack:
    """Build and render one pack; ``month`` None means the latest period (for assurance,
    ``round_name`` None means the latest round). A PDF is written by ``pdf_writer``: in this
    process, or by a :class:`~bettercare.reports.pdf.PdfProcess` started ahead."""
    if kind not in KINDS:
        raise PackError(
            f"unknown report {kind!r}: choose highlight, dashboard, assurance or schemes"
        )
    if output not in FORMATS:
        raise PackError(f"unknown format {output!r}: choose pdf, html or xlsx")
    label = "latest"
    if kind == "schemes":
        # The plan's detailed scheme descriptions (seed 003): of no month.
        from bettercare.web.programmes.descriptions import scheme_descriptions_report

        described = scheme_descriptions_report(area)
        content = (
            excel().scheme_descriptions_workbook(described)
            if output == "xlsx"
            else _render(described, output, pdf_writer)
        )
        return Pack(content, f"{area.code}-{TITLES[kind]}.{output}", CONTENT_TYPES[output])
    if kind == "assurance":
        if area.type != Area.Type.REGION:
            raise PackError(
                f"{area.name} ({area.code}) is not a region: assurance packs are for regions"
            )
        report = build_assurance(area, round_name)
        if round_name and round_name not in report.rounds:
            raise PackError(f"{area.name} has no assurance round {round_name!r}")
        if not report.rows:
            raise PackError(f"{area.name} has no areas under it to report on")
        content = (
            excel().assurance_workbook(report)
            if output == "xlsx"
            else _render(report, output, pdf_writer)
        )
        label = report.round.replace(" ", "-")
    else:
        if month is None:
            period = latest_period(area)
        else:
            try:
                check_reportable(area, month)
            except MonthOutOfRangeError as error:
                raise PackError(str(error)) from None
            period = reporting_period(area, month)
        if kind == "highlight":
            highlight = build_highlight_report(period)
            content = (
                excel().highlight_workbook(highlight, theme_sections(period))
                if output == "xlsx"
                else _render(highlight, output, pdf_writer)
            )
        else:
            dashboard = build_dashboard(period)
            content = (
                excel().dashboard_workbook(dashboard)
                if output == "xlsx"
                else _render(dashboard, output, pdf_writer)
            )
        label = str(period.reporting_month)
    filename = f"{area.code}-{TITLES[kind]}-{label}.{output}"
    return Pack(content, filename, CONTENT_TYPES[output])
