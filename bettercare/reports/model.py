"""The report models: plain, frozen data that every output renders the same way.

The web pages, the PDF, the self-contained HTML and the Excel board packs are all drawn
from these objects, built once from the database (``bettercare.web.reporting``), so the
paper and the screen cannot disagree. Nothing here knows about Django or any file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from bettercare.charts import HeatmapRisk, TimelineMilestone
from bettercare.core.assurance import answer_label
from bettercare.core.pooled_fund import PooledFund, ProtectionSplit
from bettercare.core.rag import MilestoneStatus, Status
from bettercare.formatting import money

Change = Literal["better", "worse", "same"]


@dataclass(frozen=True, slots=True)
class AreaRef:
    code: str
    name: str
    type: str
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class PeriodRef:
    month: str  # YYYY-MM
    label: str  # August 2017
    state: str  # open / submitted / signed_off
    financial_year: str  # 2017-18

    @property
    def is_signed_off(self) -> bool:
        return self.state == "signed_off"


@dataclass(frozen=True, slots=True)
class ProgrammeStatusLine:
    """Overall status on one dimension (plan, benefits, budget) and its change."""

    dimension: str
    label: str
    status: Status | None
    previous: Status | None
    change: Change | None
    summary: str = ""


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    ref: str
    title: str
    scheme_ref: str | None
    baseline_date: date
    revised_date: date | None
    completed_date: date | None
    slippage_days: int
    status: MilestoneStatus  # G/A/R by the milestone guidelines, or "complete"
    comments: str
    id: int | None = None

    def for_timeline(self) -> TimelineMilestone:
        """The milestone as :func:`bettercare.charts.milestone_timeline` draws it."""
        return TimelineMilestone(
            ref=self.ref,
            title=self.title,
            baseline_date=self.baseline_date,
            revised_date=self.revised_date,
            completed_date=self.completed_date,
            slippage_days=self.slippage_days,
            status=self.status,
        )


@dataclass(frozen=True, slots=True)
class Forecast:
    value: float
    lower: float
    upper: float
    target: float | None
    probability_meeting_target: float | None
    method: str


@dataclass(frozen=True, slots=True)
class YearToDateLine:
    """The financial year to the report month against its target, like for like (ADR 0094).

    Counts: a rate's numerators and the counts its target rate implies. ``missing`` names the
    months of the year to date left out of both sides: ``missing_actual`` (no actual) and
    ``missing_target`` (an actual but no target) together.
    """

    first_label: str
    last_label: str
    months: int
    missing: tuple[str, ...]
    missing_actual: tuple[str, ...]
    missing_target: tuple[str, ...]
    actual: float
    target: float
    variance: float
    variance_percent: float | None
    #: "above", "below" or "on" the plan.
    position: str
    #: On the plan's better side for the metric's polarity (None: exactly on plan).
    better_than_plan: bool | None
    #: The sentence every output shows (reports.narrative.year_to_date_sentence).
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class MetricLine:
    """A metric's position, with everything needed to show and trace it."""

    code: str
    name: str
    unit: str
    multiplier: float
    polarity: str
    period_start: date
    period_end: date
    period_label: str
    numerator: float | None
    denominator: float | None
    value: float | None
    lower: float | None
    upper: float | None
    method: str
    target: float | None
    comparison: str | None
    data_rag: str
    direction: str | None
    variation_icon: str | None
    assurance_icon: str | None
    forecast: Forecast | None
    trend: tuple[float, ...] = ()
    trend_labels: tuple[str, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = ()
    parent_code: str | None = None
    summary: str = ""
    id: int | None = None
    #: "measured", or "awaiting_data" for a metric in force with no actual value yet.
    status: str = "measured"
    baseline: float | None = None
    baseline_label: str = ""
    #: What the metric's owner or the programme manager wrote about it for the month.
    commentary: str = ""
    #: The year to date against the year-to-date target, for monthly counts and rates.
    year_to_date: YearToDateLine | None = None
    #: The SPC chart's rebases (ADR 0095): the first month of each new period and the reason.
    spc_rebases: tuple[tuple[str, str], ...] = ()
    #: Why there is no forecast ("" when there is one, or the metric awaits data; ADR 0111).
    forecast_note: str = ""
    #: The dashboard's "Additional information" for the metric: sentences generated from its
    #: statistics (how recent the data are, the year to date, the SPC reading), never typed.
    additional_information: tuple[str, ...] = ()
    #: For a composite measure: how it is formed from its parts, from the metric registry.
    composition: str = ""

    @property
    def awaiting_data(self) -> bool:
        return self.status == "awaiting_data"


@dataclass(frozen=True, slots=True)
class FundingLine:
    stream: str
    organisation: str
    budget: Decimal
    forecast_outturn: Decimal | None
    #: Where the line sits in the pooled fund (ADR 0112).
    pooled: bool = True
    part_of: str = ""
    passported_to: str = ""

    @property
    def variance(self) -> Decimal | None:
        if self.forecast_outturn is None:
            return None
        return self.forecast_outturn - self.budget


@dataclass(frozen=True, slots=True)
class SavingsLine:
    financial_year: str
    target: Decimal
    achieved: Decimal
    status: Status
    reason: str

    @property
    def proportion_achieved(self) -> float:
        return float(self.achieved / self.target) if self.target else 0.0


@dataclass(frozen=True, slots=True)
class RiskLine:
    ref: str
    title: str
    description: str
    mitigation: str
    owner: str
    likelihood: int | None
    impact: int | None
    score: int | None
    band: str | None
    previous_score: int | None
    trend: str | None
    scheme_ref: str | None = None
    id: int | None = None
    #: The plan's own rating ("high", "medium" or "low"), beside or instead of a score.
    rating: str | None = None

    @property
    def rating_label(self) -> str | None:
        return self.rating.capitalize() if self.rating else None

    def for_heatmap(self) -> HeatmapRisk:
        """The risk as :func:`bettercare.charts.risk_heatmap` draws it."""
        return HeatmapRisk(
            ref=self.ref,
            title=self.title,
            likelihood=self.likelihood,
            impact=self.impact,
            score=self.score,
            band=self.band,
            trend=self.trend,
            rating=self.rating,
        )


# -- the plan's money (ADR 0112): kept apart from the milestones and activities -------------


@dataclass(frozen=True, slots=True)
class PlanFinance:
    """The pooled fund of the report's year as the plan structures it (streams counted once,
    what is passported out of it) and its protection-of-services split.

    Either may be missing, and then its reason says why, in core's words (as a metric's
    ``forecast_basis`` says why it has no forecast): funding lines that do not form one pool
    (a part of a stream that is not in it, parts larger than their whole), or a spend line of
    an unknown protection category. The pages and packs show the sentence in its place.
    """

    pool: PooledFund | None
    protection: ProtectionSplit | None
    #: Why the pool cannot be shown (empty when it is).
    reason: str = ""
    #: Why the protection-of-services split cannot be shown (empty when it is).
    protection_reason: str = ""

    @property
    def pool_sentence(self) -> str:
        """What the report says in place of the pool ("" when the pool is shown)."""
        return f"The pooled fund can't be shown: {self.reason}." if self.pool is None else ""

    @property
    def protection_sentence(self) -> str:
        """What the report says in place of the split ("" when the split is shown)."""
        if self.protection is not None:
            return ""
        return f"The protection-of-services split can't be shown: {self.protection_reason}."

    @property
    def passported_sentence(self) -> str:
        """The financial summary's line, e.g. "£3.3m DFG passported to Leicestershire
        district councils." (empty when nothing is passported)."""
        if self.pool is None:
            return ""
        return " ".join(
            f"{money(p.amount, short=True)} {p.stream} passported to {p.to}."
            for p in self.pool.passported
        )


@dataclass(frozen=True, slots=True)
class ActivityLine:
    """A planned activity of the next three months: its text and the month it falls in, as
    ``upcoming_months`` names it ("October 2017"), or None: during the three (ADR 0133)."""

    text: str
    month: str | None = None


@dataclass(frozen=True, slots=True)
class UpcomingGroup:
    """One group of the key activity over the next three months (ADR 0111): the activities
    the programme manager wrote for it, then the milestones of the group falling due."""

    group: str
    label: str
    activities: tuple[ActivityLine, ...]
    milestones: tuple[MilestoneLine, ...]


@dataclass(frozen=True, slots=True)
class HighlightReport:
    """The programme highlight report for an area and month."""

    area: AreaRef
    programme_name: str
    period: PeriodRef
    statuses: tuple[ProgrammeStatusLine, ...]
    achievements: tuple[str, ...]
    milestones: tuple[MilestoneLine, ...]
    upcoming: tuple[MilestoneLine, ...]
    upcoming_months: tuple[str, ...]
    metrics: tuple[MetricLine, ...]
    funding: tuple[FundingLine, ...]
    funding_year: str
    savings: SavingsLine | None
    risks: tuple[RiskLine, ...]
    generated_at: datetime
    periods: tuple[PeriodRef, ...] = field(default=())
    #: The next three months by group (Programme management, Schemes, Enablers), as the
    #: seed's table: the written activities and the milestones due.
    upcoming_groups: tuple[UpcomingGroup, ...] = field(default=())
    #: The pooled fund and its protection split (ADR 0112); None when no funding is recorded.
    plan_finance: PlanFinance | None = None


@dataclass(frozen=True, slots=True)
class SchemeLine:
    """A scheme's four dimension statuses for a period."""

    id: int
    ref: str
    name: str
    lead: str
    enabler: bool
    statuses: dict[str, Status | None]
    commentary: dict[str, str]
    additional_information: str


@dataclass(frozen=True, slots=True)
class ExceptionLine:
    """A non-green status with its exception commentary, as boards read it."""

    dimension: str
    scheme_ref: str
    scheme_name: str
    lead: str
    status: Status
    commentary: str
    additional_information: str


@dataclass(frozen=True, slots=True)
class ThemeSection:
    code: str
    name: str
    priority: str
    schemes: tuple[SchemeLine, ...]
    roll_up: dict[str, Status]
    exceptions: tuple[ExceptionLine, ...]
    #: The dimensions where every scheme is on track (``core.rag.on_track``), in the order of
    #: the dimensions: each is printed "All projects are on track." instead of exceptions.
    on_track: tuple[str, ...] = ()
    #: The theme's "Additional information" cell of the seed: each scheme's note from its
    #: return ("ref: name", text), in scheme order, whatever its statuses.
    additional_information: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class GuidelineLine:
    dimension: str
    status: Status
    guideline: str
    note: str


@dataclass(frozen=True, slots=True)
class DashboardReport:
    """The integration executive dashboard for an area and month."""

    area: AreaRef
    programme_name: str
    period: PeriodRef
    guidelines: tuple[GuidelineLine, ...]
    metrics: tuple[MetricLine, ...]
    composites: tuple[tuple[MetricLine, tuple[MetricLine, ...]], ...]
    themes: tuple[ThemeSection, ...]
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class AssuranceCell:
    """One rating: its status, comment and, for a qualified answer (``Y*``), the number of its
    footnote in :attr:`AssuranceReport.footnotes` (1-based; 0 when not qualified)."""

    status: str
    comment: str
    qualified: bool = False
    footnote: int = 0

    @property
    def label(self) -> str:
        """``Y``, or ``Y*`` when qualified."""
        return answer_label(self.status, self.qualified)


@dataclass(frozen=True, slots=True)
class AssuranceRow:
    area: AreaRef
    cells: dict[str, AssuranceCell]
    programme_status: dict[str, str]
    status_line: str
    #: The headline answers: is this a high-risk plan, is it recommended for sign-off.
    high_risk: AssuranceCell | None = None
    sign_off: AssuranceCell | None = None


@dataclass(frozen=True, slots=True)
class OutlierLine:
    """One metric across a region by PHE's funnel-plot method: who is a real outlier."""

    metric: str
    name: str
    period_label: str
    peer_value: str
    peer_number: float
    high: tuple[str, ...]
    low: tuple[str, ...]
    within: int
    not_assessed: int
    polarity: str


@dataclass(frozen=True, slots=True)
class AssuranceReport:
    """The regional assurance matrix for one round."""

    region: AreaRef
    round: str
    rounds: tuple[str, ...]
    criteria: tuple[str, ...]
    rows: tuple[AssuranceRow, ...]
    generated_at: datetime
    outliers: tuple[OutlierLine, ...] = ()
    #: The headline questions answered in this round (high-risk plan, sign-off), shown first.
    headline: tuple[str, ...] = ()
    #: The footnotes of the qualified answers, numbered from 1 in the order of the matrix.
    footnotes: tuple[str, ...] = ()
    #: The round counted in a sentence or two (``bettercare.core.assurance.summary_line``).
    summary: str = ""
    #: One line for each group of criteria: (the group, its line), counted likewise
    #: (``bettercare.core.assurance.group_summaries``).
    group_summaries: tuple[tuple[str, str], ...] = ()

    @property
    def conditions(self) -> tuple[str, ...]:
        """The criteria other than the headline questions."""
        return tuple(c for c in self.criteria if c not in self.headline)
