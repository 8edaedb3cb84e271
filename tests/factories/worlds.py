"""Whole worlds built from the small factories: the API's two regions, a complete programme of
any size, and a region of six areas for benchmarking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bettercare.core.periods import Month
from bettercare.core.rag import DIMENSIONS
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    Milestone,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
    Theme,
)
from tests.factories.metrics import dtoc_metric, make_metric, make_monthly_values, make_target
from tests.factories.people import (
    ICB_CODE,
    KENT,
    MEDWAY,
    make_area,
    make_period,
    make_region,
)
from tests.factories.programme import (
    make_funding,
    make_milestone,
    make_risk,
    make_savings_plan,
    make_scheme,
    make_scheme_finance,
    make_theme,
)

LATEST = "2017-08"


# -- two regions (the API tests) -------------------------------------------------------------


@dataclass
class Areas:
    """Two regions: East Midlands (an ICB with two HWBs) and East of England (one HWB)."""

    midlands: Area
    icb: Area
    leicestershire: Area
    leicester: Area
    east: Area
    hertfordshire: Area

    @property
    def all(self) -> list[Area]:
        return [
            self.midlands,
            self.icb,
            self.leicestershire,
            self.leicester,
            self.east,
            self.hertfordshire,
        ]


def make_areas() -> Areas:
    """The two regions, their areas without programmes (the API reads the areas themselves)."""
    midlands = make_region("E12000004", "East Midlands")
    icb = make_area(
        "E54000015", "Leicester, Leicestershire and Rutland ICB", type="ICB", parent=midlands
    )
    east = make_region("E12000006", "East of England")
    return Areas(
        midlands=midlands,
        icb=icb,
        leicestershire=make_area("E10000018", "Leicestershire", parent=icb, programme=False),
        leicester=make_area("E06000016", "Leicester", parent=icb, programme=False),
        east=east,
        hertfordshire=make_area("E10000015", "Hertfordshire", parent=east, programme=False),
    )


# -- a complete programme (the page tests) ---------------------------------------------------


@dataclass
class Programme:
    """What ``build_programme`` made, to build URLs and posts from."""

    area: Area
    periods: list[ReportingPeriod]
    schemes: list[Scheme]
    themes: list[Theme]
    metric: Metric
    milestone: Milestone
    risk: Risk
    value: MetricValue

    @property
    def latest(self) -> ReportingPeriod:
        return self.periods[-1]


def build_programme(
    area: Area,
    *,
    schemes: int = 3,
    months: int = 12,
    last: str = LATEST,
    lead: User | None = None,
    returns_in_latest: bool = True,
) -> Programme:
    """A complete programme: every page of the area has something real to show.

    ``months`` reporting periods end at ``last`` (all signed off but the last, which is open),
    each with a return from every scheme, the overall programme status and an achievement;
    ``months`` monthly values of the DTOC metric end at ``last`` too. ``lead`` leads the
    first scheme only. The returns are bulk-created: the access matrix and the query counts
    build this at scale, and what they test is reading it.
    """
    metric = dtoc_metric()
    themes = [
        make_theme(area, "T1", "Integrated urgent response"),
        make_theme(area, "T2", "Prevention", priority="JHWS: early intervention"),
    ]
    made: list[Scheme] = []
    for number in range(1, schemes + 1):
        scheme = make_scheme(
            area,
            f"BCF {number}",
            f"Scheme number {number}",
            theme=themes[number % 2],
            leads=[lead] if (lead is not None and number == 1) else [],
            metrics=[metric],
        )
        make_milestone(area, f"M{number}", title=f"Milestone of scheme {number}", scheme=scheme)
        make_risk(area, f"R{number}", title=f"Risk of scheme {number}", scheme=scheme)
        make_scheme_finance(scheme, "spend", recurrent="100000", non_recurrent="0")
        make_scheme_finance(scheme, "benefit", recurrent="-120000", non_recurrent="0")
        made.append(scheme)
    programme_milestone = make_milestone(area, "PM1", title="Section 75 agreement signed")
    programme_risk = make_risk(area, "PR1", title="Programme not delivered", previous_score=15)
    end = Month.parse(last)
    periods = [
        make_period(area, str(end - offset), "open" if offset == 0 else "signed_off")
        for offset in range(months - 1, -1, -1)
    ]
    statuses: list[SchemeStatus] = []
    programme_statuses: list[ProgrammeStatus] = []
    for period in periods:
        if period is periods[-1] and not returns_in_latest:
            continue
        for scheme in made:
            for dimension in DIMENSIONS:
                statuses.append(
                    SchemeStatus(
                        period=period,
                        scheme=scheme,
                        dimension=dimension,
                        status="A" if dimension == "milestones" else "G",
                        commentary="Recruitment is slow" if dimension == "milestones" else "",
                    )
                )
        programme_statuses += [
            ProgrammeStatus(period=period, dimension=overall, status="G")
            for overall in ("plan", "benefits", "budget")
        ]
        Achievement.objects.create(period=period, text=f"Achievement of {period.label}")
    SchemeStatus.objects.bulk_create(statuses)
    ProgrammeStatus.objects.bulk_create(programme_statuses)
    values = make_monthly_values(
        area, metric, [1500 + (n % 7) * 20 for n in range(months)], last=last, denominator=546_195
    )
    make_target(area, metric, str(end.financial_year), 278.57)
    make_funding(area, "BCF", year=str(end.financial_year), forecast="1000000")
    make_savings_plan(area, year=str(end.financial_year), achieved="100000")
    return Programme(
        area=area,
        periods=periods,
        schemes=made,
        themes=themes,
        metric=metric,
        milestone=programme_milestone,
        risk=programme_risk,
        value=values[-1],
    )


# -- a region of six areas (benchmarking) ----------------------------------------------------

SURREY, SUSSEX, BRIGHTON, HAMPSHIRE = "E10000030", "E10000032", "E06000043", "E10000014"
#: August 2017 emergency admissions and populations: Kent high, Brighton low, others near.
FIGURES = {
    KENT: ("Kent", 1300, 546_195),
    MEDWAY: ("Medway", 420, 200_000),
    SURREY: ("Surrey", 830, 400_000),
    SUSSEX: ("West Sussex", 640, 300_000),
    BRIGHTON: ("Brighton and Hove", 3, 120_000),
    HAMPSHIRE: ("Hampshire", 700, 560_000),
}


def make_benchmark_world() -> dict[str, Any]:
    """South East: Kent and Medway in an ICB, four more areas, one month of admissions each."""
    region = make_region()
    icb = make_area(ICB_CODE, "Kent and Medway ICB", parent=region, type="ICB")
    areas: dict[str, Area] = {}
    for code, (name, _, _) in FIGURES.items():
        parent = icb if code in (KENT, MEDWAY) else region
        areas[code] = make_area(code, name, parent=parent)
    metric = make_metric("admissions", "Emergency admissions 65+")
    for code, (_, numerator, denominator) in FIGURES.items():
        make_monthly_values(
            areas[code], metric, [numerator], first="2017-08", denominator=denominator
        )
    make_period(areas[KENT], "2017-08")
    return {"region": region, "icb": icb, "areas": areas, "metric": metric}
