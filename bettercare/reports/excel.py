"""Board packs as Excel workbooks: one sheet per table, typed cells, usable as data.

Numbers are numbers (unrounded, formatted for reading), dates are dates, header rows are
frozen with filters, RAG cells are coloured and say their status in words, and columns
are sized, so the file can feed a national return or a Power BI report directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bettercare.core.pooled_fund import PooledFund
from bettercare.core.rag import ON_TRACK_LINE
from bettercare.core.scheme_description import CADENCES, DELIVERY_ROLES, KPI_LEVELS
from bettercare.reports.model import (
    AssuranceReport,
    DashboardReport,
    HighlightReport,
    MetricLine,
    ThemeSection,
)
from bettercare.reports.schemes import SchemeDescriptionsReport

FILLS = {
    "G": "CCE5D8",
    "A": "FFE2A6",
    "R": "F7D4D1",
    "NA": "E8EDEE",
    "E": "D6E6F6",
    "Y": "CCE5D8",
    "N": "F7D4D1",
}
HEADER_FILL = PatternFill("solid", fgColor="005EB8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
MONEY = '"£"#,##0.00'
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """A column: its header, how values are formatted, whether it holds a RAG status."""

    header: str
    number_format: str | None = None
    status: bool = False
    width: float | None = None


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def add_sheet(
    book: Workbook, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
) -> Worksheet:
    """A sheet with a frozen, filtered header row, typed cells and coloured statuses."""
    sheet: Worksheet = book.create_sheet(title[:31])
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = WRAP
    widths = [max(10.0, len(c.header) + 2.0) for c in columns]
    for row in rows:
        sheet.append([_value(v) for v in row])
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            cell = sheet.cell(row=sheet.max_row, column=index + 1)
            if isinstance(value, str) and value.startswith("="):
                cell.value = value
                cell.data_type = "s"  # commentary is text, never a formula
            if column.number_format and isinstance(value, int | float | Decimal):
                cell.number_format = column.number_format
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if column.status and value in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[value])
            text = "" if value is None else str(value)
            widths[index] = min(60.0, max(widths[index], len(text) * 1.05 + 2))
            if len(text) > 60:
                cell.alignment = WRAP
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width or width
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return sheet


def _metric_rows(lines: Sequence[MetricLine]) -> list[list[Any]]:
    return [
        [
            m.code, m.name, m.period_start, m.period_end, m.numerator, m.denominator,
            m.value, m.lower, m.upper, m.method, m.target, m.comparison, m.data_rag,
            m.direction, m.variation_icon, m.assurance_icon,
            m.forecast.value if m.forecast else None,
            m.forecast.lower if m.forecast else None,
            m.forecast.upper if m.forecast else None,
            m.forecast.target if m.forecast else None,
            m.forecast.probability_meeting_target if m.forecast else None,
            m.parent_code, m.source, "; ".join(m.warnings),
            "Data not yet available" if m.awaiting_data else "Measured",
            m.baseline, m.baseline_label or None, m.summary, m.commentary or None,
            "; ".join(f"from {month}: {reason}" for month, reason in m.spc_rebases) or None,
            (f"Forecast {m.forecast.method}" if m.forecast else m.forecast_note) or None,
            " ".join(m.additional_information) or None, m.composition or None,
        ]
        for m in lines
    ]  # fmt: skip


METRIC_COLUMNS = (
    Column("metric"), Column("name", width=50), Column("period_start"), Column("period_end"),
    Column("numerator", "#,##0.##"), Column("denominator", "#,##0.##"), Column("value", "0.00"),
    Column("lower_95", "0.00"), Column("upper_95", "0.00"), Column("method", width=36),
    Column("target", "0.00"), Column("comparison"), Column("data_rag", status=True),
    Column("direction"), Column("variation_icon"), Column("assurance_icon"),
    Column("forecast", "0.00"), Column("forecast_lower", "0.00"), Column("forecast_upper", "0.00"),
    Column("forecast_target", "0.00"), Column("probability_meeting_target", "0.0%"),
    Column("parent_metric"), Column("source", width=36), Column("warnings", width=60),
    Column("status", width=22), Column("baseline", "0.00"), Column("baseline_period"),
    Column("performance_summary", width=80), Column("commentary", width=80),
    Column("spc_rebases", width=80), Column("forecast_method", width=60),
    Column("additional_information", width=80), Column("composition", width=60),
)  # fmt: skip

YEAR_TO_DATE_COLUMNS = (
    Column("metric"), Column("name", width=50), Column("first_month"), Column("last_month"),
    Column("months_compared", "0"), Column("months_left_out", width=30),
    Column("actual", "#,##0"), Column("target", "#,##0"), Column("variance", "#,##0"),
    Column("variance_percent", "0.0"), Column("position"), Column("summary", width=80),
)  # fmt: skip


def _year_to_date_rows(lines: Sequence[MetricLine]) -> list[list[Any]]:
    """The year to date of each metric that has one (ADR 0094): unrounded figures."""
    return [
        [
            m.code, m.name, y.first_label, y.last_label, y.months, "; ".join(y.missing) or None,
            y.actual, y.target, y.variance, y.variance_percent, y.position, y.sentence,
        ]
        for m in lines
        if (y := m.year_to_date) is not None
    ]  # fmt: skip


DIMENSIONS = ("savings", "milestones", "finance", "metrics")


def _scheme_rows(themes: Sequence[ThemeSection]) -> list[list[Any]]:
    return [
        [theme.code, theme.name, s.ref, s.name, s.lead, "Y" if s.enabler else "N",
         *(s.statuses[d] for d in DIMENSIONS),
         *(s.commentary.get(d, "") for d in DIMENSIONS), s.additional_information]
        for theme in themes
        for s in theme.schemes
    ]  # fmt: skip


SCHEME_COLUMNS = (
    Column("theme_code"), Column("theme", width=36), Column("scheme_ref"), Column("scheme", width=40),
    Column("lead"), Column("enabler"),
    *(Column(f"{d}_status", status=True) for d in DIMENSIONS),
    *(Column(f"{d}_commentary", width=50) for d in DIMENSIONS),
    Column("additional_information", width=50),
)  # fmt: skip


def _save(book: Workbook) -> bytes:
    del book[book.sheetnames[0]]  # the empty default sheet
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plan_finance_sheets(book: Workbook, report: HighlightReport) -> None:
    """The pooled fund (each stream, what is within another, passported or outside) and the
    protection-of-services split (ADR 0112)."""
    plan = report.plan_finance
    if plan is None:
        return
    pool = plan.pool
    if pool is None:
        add_sheet(
            book, "Pooled fund", (Column("financial_year"), Column("not_shown", width=100)),
            [[report.funding_year, plan.pool_sentence]],
        )  # fmt: skip
    else:
        _pool_sheet(book, report.funding_year, pool)
    if plan.protection is None:
        add_sheet(
            book, "Protection of services",
            (Column("financial_year"), Column("not_shown", width=100)),
            [[report.funding_year, plan.protection_sentence]],
        )  # fmt: skip
        return
    add_sheet(
        book, "Protection of services",
        (Column("financial_year"), Column("category", width=50), Column("spend", MONEY)),
        [[report.funding_year, s.label, s.amount] for s in plan.protection.shares]
        + [[report.funding_year, "Other spend of the pool", plan.protection.other]],
    )  # fmt: skip


def _pool_sheet(book: Workbook, year: str, pool: PooledFund) -> None:
    """The pooled fund's sheet: each stream, what is within another, what is outside."""
    rows: list[list[object]] = [
        [year, s.stream, "stream of the pool", s.budget, s.passported_to or None]
        for s in pool.streams
    ]
    rows += [
        [year, p.stream, f"within {p.part_of}", p.budget, p.passported_to or None]
        for p in pool.parts
    ]
    rows += [[year, o.stream, "outside the pool", o.budget, None] for o in pool.outside]
    rows += [
        [year, "Pooled fund total", "", pool.total, None],
        [year, "Retained after passporting", "", pool.retained, None],
    ]
    add_sheet(
        book, "Pooled fund",
        (Column("financial_year"), Column("stream", width=40), Column("place", width=24),
         Column("budget", MONEY), Column("passported_to", width=40)),
        rows,
    )  # fmt: skip


def highlight_workbook(report: HighlightReport, themes: Sequence[ThemeSection] = ()) -> bytes:
    """The highlight report's tables: status, metrics, schemes, milestones, risks, money."""
    book = Workbook()
    period = report.period
    add_sheet(
        book, "Programme status",
        (Column("area_code"), Column("period"), Column("dimension"), Column("status", status=True),
         Column("previous_status", status=True), Column("change"), Column("summary", width=80)),
        [[report.area.code, period.month, s.label, s.status, s.previous, s.change, s.summary]
         for s in report.statuses],
    )  # fmt: skip
    add_sheet(book, "Metrics", METRIC_COLUMNS, _metric_rows(report.metrics))
    add_sheet(book, "Year to date", YEAR_TO_DATE_COLUMNS, _year_to_date_rows(report.metrics))
    add_sheet(book, "Scheme statuses", SCHEME_COLUMNS, _scheme_rows(themes))
    add_sheet(
        book, "Milestones",
        (Column("ref"), Column("title", width=50), Column("scheme_ref"), Column("baseline_date"),
         Column("revised_date"), Column("completed_date"), Column("slippage_days", "0"),
         Column("status", status=True), Column("comments", width=60)),
        [[m.ref, m.title, m.scheme_ref, m.baseline_date, m.revised_date, m.completed_date,
          m.slippage_days, m.status, m.comments] for m in report.milestones],
    )  # fmt: skip
    add_sheet(
        book, "Risks",
        (Column("ref"), Column("title", width=40), Column("description", width=60),
         Column("owner"), Column("likelihood", "0"),
         Column("impact", "0"), Column("score", "0"), Column("band"), Column("rating"),
         Column("previous_score", "0"), Column("trend"), Column("mitigation", width=60)),
        [[r.ref, r.title, r.description, r.owner, r.likelihood, r.impact, r.score, r.band, r.rating_label,
          r.previous_score, r.trend, r.mitigation] for r in report.risks],
    )  # fmt: skip
    add_sheet(
        book, "Funding",
        (Column("financial_year"), Column("stream"), Column("organisation", width=40),
         Column("budget", MONEY), Column("forecast_outturn", MONEY), Column("variance", MONEY)),
        [[report.funding_year, f.stream, f.organisation, f.budget, f.forecast_outturn, f.variance]
         for f in report.funding],
    )  # fmt: skip
    savings = report.savings
    add_sheet(
        book, "Savings",
        (Column("financial_year"), Column("target", MONEY), Column("achieved_to_date", MONEY),
         Column("proportion_achieved", "0.0%"), Column("status", status=True),
         Column("assessment", width=70)),
        [[savings.financial_year, savings.target, savings.achieved, savings.proportion_achieved,
          savings.status, savings.reason]] if savings else [],
    )  # fmt: skip
    add_sheet(
        book, "Achievements", (Column("period"), Column("achievement", width=100)),
        [[period.month, text] for text in report.achievements],
    )  # fmt: skip
    add_sheet(
        book, "Next three months",
        (Column("group", width=24), Column("activity", width=80), Column("scheme_ref"),
         Column("due_date"), Column("month", width=16)),
        [row for g in report.upcoming_groups
         for row in ([[g.label, a.text, None, None, a.month] for a in g.activities]
                     + [[g.label, m.title, m.scheme_ref, m.revised_date or m.baseline_date,
                         (m.revised_date or m.baseline_date).strftime("%B %Y")]
                        for m in g.milestones])],
    )  # fmt: skip
    _plan_finance_sheets(book, report)
    return _save(book)


def dashboard_workbook(report: DashboardReport) -> bytes:
    """The integration dashboard's tables: guidelines, metrics, scheme statuses, exceptions."""
    book = Workbook()
    composites = [line for _, parts in report.composites for line in parts]
    add_sheet(book, "Metrics", METRIC_COLUMNS, _metric_rows([*report.metrics, *composites]))
    add_sheet(book, "Scheme statuses", SCHEME_COLUMNS, _scheme_rows(report.themes))
    add_sheet(
        book, "Exceptions",
        (Column("theme", width=36), Column("dimension"), Column("scheme_ref"), Column("scheme", width=40),
         Column("status", status=True), Column("lead"), Column("exception_commentary", width=70),
         Column("additional_information", width=50)),
        [[t.name, e.dimension, e.scheme_ref, e.scheme_name, e.status, e.lead, e.commentary,
          e.additional_information] for t in report.themes for e in t.exceptions],
    )  # fmt: skip
    add_sheet(
        book, "On track",
        (Column("theme", width=36), Column("dimension"), Column("line", width=40)),
        [[t.name, d, ON_TRACK_LINE] for t in report.themes for d in t.on_track],
    )  # fmt: skip
    add_sheet(
        book, "RAG guidelines",
        (Column("dimension"), Column("status", status=True), Column("guideline", width=80),
         Column("notes", width=40)),
        [[g.dimension, g.status, g.guideline, g.note] for g in report.guidelines],
    )  # fmt: skip
    return _save(book)


def assurance_workbook(report: AssuranceReport) -> bytes:
    """The assurance matrix as data: one row per area and criterion, and the matrix itself."""
    book = Workbook()
    add_sheet(
        book, "Assurance ratings",
        (Column("round"), Column("area_code"), Column("area", width=30), Column("criterion", width=50),
         Column("status", status=True), Column("qualified"), Column("comment", width=60),
         Column("footnote", width=60)),
        [[report.round, row.area.code, row.area.name, criterion, cell.status, cell.qualified, cell.comment,
          report.footnotes[cell.footnote - 1] if cell.footnote else ""]
         for row in report.rows for criterion, cell in row.cells.items()],
    )  # fmt: skip
    add_sheet(
        book, "Matrix",
        (Column("area_code"), Column("area", width=30),
         *(Column(c, status=c not in report.headline, width=18) for c in report.criteria),
         Column("programme_status", width=60)),
        [[row.area.code, row.area.name, *(getattr(row.cells.get(c), "label", None) for c in report.criteria),
          row.status_line] for row in report.rows],
    )  # fmt: skip
    add_sheet(
        book, "Summary",
        (Column("summary", width=120),),
        [[report.summary], *([f"{group}: {line}"] for group, line in report.group_summaries),
         *([f"{n}. {note}"] for n, note in enumerate(report.footnotes, 1))],
    )  # fmt: skip
    add_sheet(
        book, "Funnel outliers",
        (Column("metric", width=30), Column("name", width=50), Column("period", width=20),
         Column("region_value"), Column("significantly_high", width=40),
         Column("significantly_low", width=40), Column("within_limits"), Column("not_assessed")),
        [[line.metric, line.name, line.period_label, line.peer_number, "; ".join(line.high),
          "; ".join(line.low), line.within, line.not_assessed] for line in report.outliers],
    )  # fmt: skip
    return _save(book)


def scheme_descriptions_workbook(report: SchemeDescriptionsReport) -> bytes:
    """The scheme descriptions (ADR 0120): a row a scheme with its texts and its investment a
    column a year, then a sheet for each list (delivery chain, local KPIs, metrics impacted)
    with a row an entry, each row naming its scheme; schemes in natural order of reference."""
    book = Workbook()
    schemes = report.schemes
    years = sorted({i.financial_year for s in schemes for i in s.investments})
    add_sheet(
        book, "Schemes",
        (Column("scheme_ref"), Column("scheme", width=40), Column("theme", width=36),
         Column("lead", width=30), Column("enabler"), Column("strategic_objective", width=60),
         Column("overview", width=60), Column("target_cohorts", width=60),
         Column("evidence_base", width=60), Column("metrics_impacted", width=50),
         Column("outcomes", width=50), Column("success_factors", width=60),
         *(Column(f"investment_{year}", MONEY) for year in years),
         Column("investment_total", MONEY)),
        [[s.ref, s.name, s.theme, s.lead, "Y" if s.enabler else "N", s.strategic_objective,
          s.overview, "\n".join(s.target_cohorts), s.evidence_base,
          "; ".join(m.name for m in s.metrics), s.outcomes, "\n".join(s.success_factors),
          *({i.financial_year: i.amount for i in s.investments}.get(year) for year in years),
          s.investment_total if s.investments else None]
         for s in schemes],
    )  # fmt: skip
    add_sheet(
        book, "Delivery chain",
        (Column("scheme_ref"), Column("scheme", width=40), Column("position", "0"),
         Column("organisation", width=50), Column("role"), Column("responsibility", width=70)),
        [[s.ref, s.name, n, p.organisation, DELIVERY_ROLES.get(p.role, p.role),
          p.responsibility or None]
         for s in schemes for n, p in enumerate(s.delivery_chain, start=1)],
    )  # fmt: skip
    add_sheet(
        book, "Local KPIs",
        (Column("scheme_ref"), Column("scheme", width=40), Column("kpi", width=60),
         Column("level"), Column("target", "#,##0.##"), Column("unit"), Column("cadence"),
         Column("reported_to", width=40)),
        [[s.ref, s.name, k.name, KPI_LEVELS.get(k.level, k.level), k.target, k.unit or None,
          CADENCES.get(k.cadence, k.cadence), k.reported_to or None]
         for s in schemes for k in s.kpis],
    )  # fmt: skip
    add_sheet(
        book, "Metrics impacted",
        (Column("scheme_ref"), Column("scheme", width=40), Column("metric"),
         Column("name", width=60), Column("national")),
        [[s.ref, s.name, m.code, m.name, "Y" if m.national else "N"]
         for s in schemes for m in s.metrics],
    )  # fmt: skip
    return _save(book)
