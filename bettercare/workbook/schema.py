"""The programme workbook format: its sheets, their columns, types and natural keys.

One format, two containers: an ``.xlsx`` workbook with one sheet per table, or a folder of
``.csv`` files named after the sheets. Every sheet except ``programme`` is optional; column
names are exactly these (extra columns are an error, missing optional columns are fine).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal[
    "text",
    "area_code",
    "code",
    "date",
    "month",
    "financial_year",
    "money",
    "amount",
    "number",
    "measure",
    "integer",
    "yes_no",
    "code_list",
    "area_type",
    "unit",
    "polarity",
    "frequency",
    "kind",
    "line",
    "scheme_dimension",
    "programme_dimension",
    "activity_group",
    "status",
    "programme_status",
    "assurance_status",
    "risk_rating",
    "protection",
    "delivery_role",
    "kpi_level",
    "cadence",
]


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name, type, whether every row must have a value, and what it holds
    beyond its type (``note``, printed in the sheet reference of ``docs/workbook.md``)."""

    name: str
    type: ColumnType
    required: bool = False
    note: str = ""
    #: A column of older workbooks: still read, never written (ADR 0120).
    legacy: bool = False


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sheet: its columns in order and the columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column a workbook may have, older workbooks' included."""
        return tuple(column.name for column in self.columns)

    @property
    def written_names(self) -> tuple[str, ...]:
        """The columns an export writes: all but the older workbooks' columns."""
        return tuple(column.name for column in self.columns if not column.legacy)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _sheet(name: str, key: tuple[str, ...], description: str, *columns: Column) -> Sheet:
    return Sheet(name, columns, key, description)


C = Column
SHEETS: tuple[Sheet, ...] = (
    _sheet(
        "programme",
        ("area_code",),
        "Areas and their programmes",
        C("area_code", "area_code", True),
        C("area_name", "text", True),
        C("area_type", "area_type", True),
        C("parent_code", "area_code"),
        C("programme_name", "text"),
        C("local_authority", "text"),
        C("commissioners", "text"),
        C("valid_from", "date"),
        C("valid_to", "date"),
    ),
    _sheet(
        "funding",
        ("area_code", "financial_year", "stream", "organisation"),
        "Funding streams: budget, minimum contribution and forecast outturn",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("stream", "text", True),
        C("organisation", "text"),
        C("budget", "amount", True),
        C("minimum_contribution", "amount"),
        C("forecast_outturn", "amount"),
        C("as_at", "date"),
        C(
            "pooled",
            "yes_no",
            note="N for a stream outside the pooled fund (not in its total); Y when blank",
        ),
        C(
            "part_of",
            "text",
            note="the pooled stream whose budget already includes this one (the 2017-18 DFG "
            "inside the BCF), so it is not counted twice",
        ),
        C(
            "passported_to",
            "text",
            note="the body the stream is passed on to in full (the DFG to the district councils)",
        ),
    ),
    _sheet(
        "savings",
        ("area_code", "financial_year"),
        "The savings (cost improvement) plan",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("target", "amount", True),
        C("achieved_to_date", "amount"),
        C("as_at", "date"),
    ),
    _sheet(
        "themes",
        ("area_code", "code"),
        "Themes and the strategic priority each serves",
        C("area_code", "area_code", True),
        C("code", "code", True),
        C("name", "text", True),
        C("priority", "text"),
    ),
    _sheet(
        "schemes",
        ("area_code", "ref"),
        "Schemes",
        C("area_code", "area_code", True),
        C("ref", "code", True),
        C("name", "text", True),
        C("theme_code", "code"),
        C("lead", "text"),
        C("enabler", "yes_no"),
        C("start_date", "date"),
        C("description", "text", note="the overview: the model of care and support"),
        C("metrics_impacted", "code_list"),
        C("strategic_objective", "text"),
        C("target_cohorts", "text", note="one cohort a line"),
        C("evidence_base", "text"),
        C("outcomes", "text", note="anticipated outcomes beyond the headline metrics"),
        C("success_factors", "text", note="one key success factor a line"),
        *(
            C(
                role,
                "text",
                note=f"older workbooks only, never written: a non-blank value joins the "
                f"scheme's delivery chain as {role} (unless the chain already names it so)",
                legacy=True,
            )
            for role in ("commissioner", "provider")
        ),
    ),
    _sheet(
        "scheme_delivery_chain",
        ("area_code", "scheme_ref", "organisation", "role"),
        "The organisations in each scheme's delivery chain, in order, and their roles",
        C("area_code", "area_code", True),
        C("scheme_ref", "code", True),
        C("organisation", "text", True),
        C("role", "delivery_role", True, note="`commissioner`, `provider` or `partner`"),
        C("responsibility", "text", note="what the organisation does in the scheme"),
    ),
    _sheet(
        "scheme_investment",
        ("area_code", "scheme_ref", "financial_year"),
        "The investment each scheme's description says it needs, by financial year",
        C("area_code", "area_code", True),
        C("scheme_ref", "code", True),
        C("financial_year", "financial_year", True),
        C("amount", "amount", True),
    ),
    _sheet(
        "scheme_kpis",
        ("area_code", "scheme_ref", "kpi", "level"),
        "Each scheme's local KPIs: level, target and unit, and how often each is reported",
        C("area_code", "area_code", True),
        C("scheme_ref", "code", True),
        C("kpi", "text", True, note="what is counted"),
        C("level", "kpi_level", True, note="`practice`, `locality` or `area`"),
        C("target", "number", note="a number; a per-cent target (unit `%`) from 0 to 100"),
        C("unit", "text", note="e.g. `%`, `referrals`, `care plans`"),
        C(
            "cadence",
            "cadence",
            True,
            note="the feedback loop: `weekly`, `biweekly`, `monthly` or `quarterly`",
        ),
        C("reported_to", "text", note="e.g. `BCF Implementation Group`"),
    ),
    _sheet(
        "scheme_finance",
        ("area_code", "scheme_ref", "financial_year", "line"),
        "Scheme spend and benefits (negative for savings) by year",
        C("area_code", "area_code", True),
        C("scheme_ref", "code", True),
        C("financial_year", "financial_year", True),
        C("line", "line", True),
        C("recurrent", "money"),
        C("non_recurrent", "money"),
        C(
            "protection",
            "protection",
            note="the services a spend line protects: `nhs_out_of_hospital` "
            "(NHS-commissioned out-of-hospital services) or `social_care` (social care "
            "maintenance); blank for neither",
        ),
    ),
    _sheet(
        "metrics",
        ("code",),
        "Local metric definitions (national ones come from the registry)",
        C("code", "code", True),
        C("name", "text", True),
        C("unit", "unit", True),
        C("multiplier", "integer", True),
        C("polarity", "polarity", True),
        C("frequency", "frequency", True),
        C("parent_code", "code"),
        C("description", "text"),
    ),
    _sheet(
        "metric_values",
        ("area_code", "metric_code", "period_start", "period_end", "kind"),
        "Baselines, targets, actuals and forecasts of metrics",
        C("area_code", "area_code", True),
        C("metric_code", "code", True),
        C("period_start", "date", True),
        C("period_end", "date", True),
        C(
            "kind",
            "kind",
            note="`baseline`, `target`, `actual` or `forecast`; `actual` when blank or the column is absent",
        ),
        C("numerator", "number"),
        C("denominator", "number"),
        C(
            "value",
            "measure",
            note="the published value, optional when a numerator and denominator are given",
        ),
        C("note", "text"),
        C(
            "source",
            "text",
            note="where the figures came from (e.g. `SUS, extract of 2026-11-12`); `workbook FILE` when blank",
        ),
        C(
            "sum_of_squares",
            "number",
            note="for a mean (e.g. the average discharge delay), the sum of the squared record values whose sum is the numerator and whose count the denominator; gives the mean its 95% interval (Student's t), which is otherwise not shown",
        ),
    ),
    _sheet(
        "metric_commentary",
        ("area_code", "metric_code", "period"),
        "What the metric's owner or the programme manager says about a metric in a month",
        C("area_code", "area_code", True),
        C("metric_code", "code", True),
        C("period", "month", True, note="`YYYY-MM`"),
        C("commentary", "text", True),
    ),
    _sheet(
        "spc_rebase",
        ("area_code", "metric_code", "period"),
        "SPC rebase points: the first month of a new period of a metric's chart, and why",
        C("area_code", "area_code", True),
        C("metric_code", "code", True),
        C("period", "month", True),
        C("reason", "text", True),
    ),
    _sheet(
        "milestones",
        ("area_code", "ref"),
        "Programme and scheme milestones",
        C("area_code", "area_code", True),
        C("ref", "code", True),
        C("scheme_ref", "code"),
        C("title", "text", True),
        C("baseline_date", "date", True),
        C("revised_date", "date"),
        C("completed_date", "date"),
        C("comments", "text"),
    ),
    _sheet(
        "risks",
        ("area_code", "ref"),
        "The risk register",
        C("area_code", "area_code", True),
        C("ref", "code", True),
        C("title", "text", True),
        C("description", "text"),
        C("mitigation", "text"),
        C("owner", "text"),
        C("likelihood", "integer"),
        C("impact", "integer"),
        C("previous_score", "integer"),
        C("rating", "risk_rating"),
        C("scheme_ref", "code"),
        C("as_at", "date"),
    ),
    _sheet(
        "status_updates",
        ("area_code", "period", "scheme_ref", "dimension"),
        "Monthly scheme RAG returns, per dimension, with commentary",
        C("area_code", "area_code", True),
        C("period", "month", True),
        C("scheme_ref", "code", True),
        C("dimension", "scheme_dimension", True),
        C("status", "status", True),
        C("commentary", "text"),
        C("additional_information", "text"),
        C("start_date", "date", note="milestones N/A: when the scheme will start"),
        C("forecast_outturn", "amount", note="finance: the scheme's forecast outturn for the year"),
        C("savings_achieved", "amount", note="savings: the savings achieved to date"),
    ),
    _sheet(
        "programme_status",
        ("area_code", "period", "dimension"),
        "Overall programme status on plan, benefits and budget",
        C("area_code", "area_code", True),
        C("period", "month", True),
        C("dimension", "programme_dimension", True),
        C("status", "programme_status", True),
        C("summary", "text"),
    ),
    _sheet(
        "achievements",
        ("area_code", "period", "text"),
        "Key achievements of the period",
        C("area_code", "area_code", True),
        C("period", "month", True),
        C("text", "text", True),
    ),
    _sheet(
        "planned_activities",
        ("area_code", "period", "group", "text"),
        "Key activity planned over the next three months, by group, for the period's "
        "highlight report",
        C("area_code", "area_code", True),
        C("period", "month", True, note="the report's month; the activity is in the three after"),
        C("group", "activity_group", True),
        C("text", "text", True, note="one line of the report, at most 500 characters"),
        C("month", "month", note="one of the three months after the period; blank: during them"),
    ),
    _sheet(
        "assurance",
        ("area_code", "round", "criterion"),
        "Regional assurance ratings",
        C("area_code", "area_code", True),
        C("round", "text", True),
        C(
            "criterion",
            "text",
            True,
            note="the headline questions are `High-risk plan` and `Recommended for final "
            "sign-off`, answered Y or N; a national condition is named `NC1: …` or `National "
            "condition: …` (the matrix sums up the national conditions and, apart, the other "
            "criteria, the overall assessment)",
        ),
        C("status", "assurance_status", True),
        C("comment", "text", note="for `High-risk plan`: why, and the remedial actions"),
        C("qualified", "yes_no", note="a qualified answer, shown `Y*` or `N*`"),
        C("footnote", "text", note="required when `qualified` is Y"),
    ),
)

#: The plan's pay for performance and details (seed 002's planning template), ADR 0112.
PLAN_SHEETS: tuple[Sheet, ...] = (
    _sheet(
        "pay_for_performance",
        ("area_code", "financial_year", "metric"),
        "Pay for performance: each metric's planned savings and the maximum support needed "
        "for other services if its target is not achieved",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("metric", "text", True, note="the metric as the plan names it"),
        C("planned_savings", "amount", True, note="if the target is fully achieved"),
        C("maximum_support", "amount", True, note="for other services if it is not"),
        C("ongoing_savings", "amount"),
        C("ongoing_support", "amount"),
        C("reduction", "number", note="the basis: people (or events) fewer"),
        C("unit_cost", "amount", note="the basis: the cost of each, per period"),
        C(
            "periods",
            "number",
            note="the basis: periods (e.g. 52 weeks), 1 when blank; the planned savings must "
            "be reduction x unit cost x periods",
        ),
        C("basis", "text", note="how the saving was worked out, in the plan's words"),
    ),
    _sheet(
        "performance_payments",
        ("area_code", "financial_year", "period"),
        "Payment periods of the performance fund: the amount at stake and the reduction "
        "planned and achieved",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("period", "text", True, note="e.g. `October 2015 payment`"),
        C("covers", "text", note="the months the payment is judged on"),
        C("available", "amount", True),
        C("planned_reduction", "number", True),
        C(
            "achieved_reduction",
            "number",
            note="blank until known; the payment due is available x achieved / planned",
        ),
    ),
    _sheet(
        "plan_details",
        ("area_code", "financial_year"),
        "The plan's dates: agreed at the Health and Wellbeing Board, submitted, approved",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("hwb_agreed_on", "date"),
        C("hwb_note", "text", note="e.g. `1st draft`"),
        C("submitted_on", "date"),
        C("approved_on", "date"),
    ),
    _sheet(
        "plan_sign_offs",
        ("area_code", "financial_year", "on_behalf_of"),
        "Who signed the plan, on behalf of which body, in what position and when",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("on_behalf_of", "text", True),
        C("signed_by", "text", note="required when `signed_on` is given"),
        C("position", "text"),
        C("signed_on", "date", note="not after the plan's `submitted_on`"),
    ),
    _sheet(
        "national_conditions",
        ("area_code", "financial_year", "condition"),
        "Each national condition of the plan's year: met or not, and the plan's statement",
        C("area_code", "area_code", True),
        C("financial_year", "financial_year", True),
        C("condition", "text", True),
        C("met", "yes_no", True),
        C("statement", "text", note="required when `met` is N: why, and by when"),
    ),
)
SHEETS = SHEETS + PLAN_SHEETS

SHEETS_BY_NAME: dict[str, Sheet] = {sheet.name: sheet for sheet in SHEETS}
SHEET_NAMES: tuple[str, ...] = tuple(SHEETS_BY_NAME)
