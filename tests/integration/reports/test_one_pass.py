"""One pass down: a report's snapshot reads everything; assembling the report reads nothing.

The highlight report and the dashboard are built from their snapshots (ADR 0107), so after
the snapshot no query runs, and the report is exactly the one ``build_*`` gives.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bettercare.core.periods import Month
from bettercare.reports.model import AreaRef, FundingLine, PeriodRef
from bettercare.web.reporting.dashboard import build_dashboard, dashboard_report
from bettercare.web.reporting.highlight import build_highlight_report, highlight_report
from bettercare.web.reporting.queries import (
    DimensionReturnRow,
    HighlightSnapshot,
    MilestoneRow,
    ProgrammeStatusRow,
    RiskRow,
    SavingsRow,
    SchemeRow,
    ThemeRow,
    dashboard_snapshot,
    highlight_snapshot,
)
from tests.factories import KENT, build_programme, make_area, make_region

AUGUST = Month(2017, 8)
TAKEN = datetime(2017, 9, 5, 10, 0)


def milestone(ref: str, baseline: date, **fields: object) -> MilestoneRow:
    values: dict[str, object] = {
        "id": None,
        "ref": ref,
        "title": f"Milestone {ref}",
        "scheme_ref": None,
        "baseline_date": baseline,
        "revised_date": None,
        "completed_date": None,
        "comments": "",
    }
    return MilestoneRow(**{**values, **fields})  # type: ignore[arg-type]


def risk(ref: str, likelihood: int | None, impact: int | None, rating: str = "") -> RiskRow:
    return RiskRow(None, ref, f"Risk {ref}", "", "", "", likelihood, impact, None, rating, None)


SNAPSHOT = HighlightSnapshot(
    area=AreaRef("E10000018", "Leicestershire", "HWB"),
    programme_name="Leicestershire BCF",
    period=PeriodRef("2017-08", "August 2017", "open", "2017-18"),
    month=AUGUST,
    statuses=(
        ProgrammeStatusRow("plan", "Plan", "A", "G", "Two milestones late."),
        ProgrammeStatusRow("benefits", "Benefits", None, "G", ""),
    ),
    achievements=("Discharge hub opened",),
    milestones=(
        milestone("M1", date(2017, 8, 31)),  # due at the month's end: on target
        milestone("M2", date(2017, 8, 10)),  # 21 days late: amber
        milestone("M3", date(2017, 6, 30)),  # 62 days late: red
        milestone("M4", date(2017, 7, 1), completed_date=date(2017, 7, 20)),
        milestone("M5", date(2017, 10, 15)),  # within the next three months
        milestone("M6", date(2017, 9, 1), scheme_ref="BCF 1"),
    ),
    risks=(risk("R1", 2, 2), risk("R2", 5, 4), risk("R3", None, None, "high")),
    metrics=(),
    funding=(FundingLine("BCF pooled", "Leicestershire CC", Decimal(1000), Decimal(1100)),),
    savings=SavingsRow("2017-18", Decimal(1200), Decimal(400)),
    periods=(PeriodRef("2017-08", "August 2017", "open", "2017-18"),),
    taken_at=TAKEN,
)


def test_the_highlight_report_is_assembled_from_plain_rows_with_core_rules(db):
    with CaptureQueriesContext(connection) as queries:
        report = highlight_report(SNAPSHOT)
    assert len(queries) == 0
    assert [(m.ref, m.status, m.slippage_days) for m in report.milestones] == [
        ("M3", "R", 62),
        ("M4", "complete", 19),  # finished 19 days late
        ("M2", "A", 21),
        ("M1", "G", 0),
        ("M5", "G", 0),
        ("M6", "G", 0),
    ]  # the programme's own milestones by date, then the schemes' (issue 11)
    assert [m.ref for m in report.upcoming] == ["M6", "M5"]
    assert report.upcoming_months == ("September 2017", "October 2017", "November 2017")
    assert [(r.ref, r.score, r.band) for r in report.risks] == [
        ("R2", 20, "extreme"),
        ("R1", 4, "moderate"),
        ("R3", None, None),  # rated by the plan, not scored: after the scored risks
    ]
    assert [(s.dimension, s.change) for s in report.statuses] == [
        ("plan", "worse"),
        ("benefits", None),
    ]
    assert report.savings is not None
    assert (report.savings.target, report.savings.achieved) == (Decimal(1200), Decimal(400))
    assert report.savings.status == "R"  # 400 against 5/12 of 1,200 (500) is 20% behind
    assert report.funding_year == "2017-18"
    assert report.generated_at == TAKEN


def test_the_dashboard_groups_schemes_by_theme_with_their_exceptions(db):
    urgent = ThemeRow(1, "T1", "Integrated urgent response", "Fewer admissions")
    rows = (
        SchemeRow(1, "BCF 10", "Hub", "Jo", False, urgent, {}),
        SchemeRow(
            2,
            "BCF 2",
            "Reablement",
            "Sam",
            False,
            urgent,
            {"finance": DimensionReturnRow("A", "Overspend of 6%.", "")},
        ),
        SchemeRow(3, "BCF 1", "Carers", "Ann", False, None, {}),
    )
    snapshot = dashboard_snapshot_of(rows)
    with CaptureQueriesContext(connection) as queries:
        report = dashboard_report(snapshot)
    assert len(queries) == 0
    assert [(t.code, [s.ref for s in t.schemes]) for t in report.themes] == [
        ("T1", ["BCF 2", "BCF 10"]),
        ("", ["BCF 1"]),
    ]
    assert report.themes[0].roll_up["finance"] == "A"
    assert [(e.scheme_ref, e.dimension, e.status) for e in report.themes[0].exceptions] == [
        ("BCF 2", "finance", "A")
    ]
    assert report.themes[1].name == "Schemes without a theme"


def dashboard_snapshot_of(rows: tuple[SchemeRow, ...]):
    from bettercare.web.reporting.queries import DashboardSnapshot

    return DashboardSnapshot(
        area=SNAPSHOT.area,
        programme_name=SNAPSHOT.programme_name,
        period=SNAPSHOT.period,
        metrics=(),
        schemes=rows,
        taken_at=TAKEN,
    )


@pytest.fixture
def programme(db):
    region = make_region()
    return build_programme(make_area(KENT, "Kent", parent=region), schemes=3, months=12)


@pytest.mark.parametrize(
    ("snapshot", "assemble", "build"),
    [
        (highlight_snapshot, highlight_report, build_highlight_report),
        (dashboard_snapshot, dashboard_report, build_dashboard),
    ],
)
def test_after_the_snapshot_no_query_runs_and_the_report_is_the_built_one(
    programme, snapshot, assemble, build
):
    period = programme.periods[-1]
    taken = snapshot(period)
    assert taken.metrics  # the programme's metric is in the snapshot
    with CaptureQueriesContext(connection) as queries:
        report = assemble(taken)
    assert len(queries) == 0
    built = build(period)
    assert dataclasses.replace(report, generated_at=built.generated_at) == built


def _model_instances(value, seen=None):
    """Every Django model instance reachable through dataclasses, tuples, lists and dicts."""
    from django.db.models import Model

    if isinstance(value, Model):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            found
            for f in dataclasses.fields(value)
            for found in _model_instances(getattr(value, f.name))
        ]
    if isinstance(value, (tuple, list)):
        return [found for item in value for found in _model_instances(item)]
    if isinstance(value, dict):
        return [found for item in value.values() for found in _model_instances(item)]
    return []


def test_the_metric_page_snapshot_has_the_values_position_and_schemes(programme):
    from bettercare.web.performance.queries import metric_detail_snapshot

    period = programme.periods[-1]
    month = period.reporting_month
    snapshot = metric_detail_snapshot(programme.area, month, programme.metric.code)
    assert snapshot is not None
    assert _model_instances(snapshot) == []  # plain values only (ADR 0109)
    assert (snapshot.metric.code, snapshot.metric.name) == (
        programme.metric.code,
        programme.metric.name,
    )
    assert snapshot.metric.spec == programme.metric.spec
    actuals = [v for v in snapshot.stored if v.kind == "actual"]
    assert len(actuals) == 12
    assert [v.period_start for v in actuals] == sorted(v.period_start for v in actuals)
    assert snapshot.position is not None
    assert snapshot.position.status == "measured"
    assert snapshot.commentary is None
    assert [(s.scheme.ref, s.status.status) for s in snapshot.schemes] == [
        ("BCF 1", "G"),
        ("BCF 2", "G"),
        ("BCF 3", "G"),
    ]
    # The regional comparison's figures come with it: the area's own latest actual.
    latest = snapshot.position.latest
    assert snapshot.region is not None
    assert (snapshot.region.period_start, snapshot.region.period_end) == (
        latest.period_start,
        latest.period_end,
    )
    assert [(v.area.code, v.observed) for v in snapshot.region.values] == [
        (programme.area.code, actuals[-1].observation())
    ]
    assert metric_detail_snapshot(programme.area, month, "no_such_metric") is None
