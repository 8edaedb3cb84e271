"""Builders and readers shared by the page tests of overview, dashboard, schemes and periods.

``build_programme`` sets up a complete area (themes, schemes, milestones, risks, finance, metric
values, periods with their returns) whose size is a parameter, so that the access matrix and
the query counts use the same shape at different scales. The rest of the test data comes
from the colleague's factories in ``tests.integration.web.factories``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from bettercare.core.periods import Month
from bettercare.core.rag import DIMENSIONS
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    ProgrammeStatus,
    ReportingPeriod,
    Scheme,
    SchemeStatus,
    Theme,
)
from tests.integration.web.factories import (
    make_funding,
    make_milestone,
    make_risk,
    make_savings_plan,
    make_scheme,
    make_scheme_finance,
    make_target,
)

LATEST = "2017-08"


def make_theme(area: Area, code: str = "T1", name: str = "Integrated urgent response", **fields):
    return Theme.objects.create(area=area, code=code, name=name, **fields)


def dtoc_metric() -> Metric:
    """Delayed transfers of care per 100,000: the metric of the worked example (one per test DB)."""
    metric, _ = Metric.objects.get_or_create(
        code="bcf_dtoc",
        defaults={
            "name": "Delayed transfers of care per 100,000 population",
            "unit": "rate",
            "multiplier": 100_000,
            "polarity": "lower_is_better",
            "frequency": "month",
        },
    )
    return metric


def monthly_values(
    area: Area, metric: Metric, numerators: list[float], *, last: str, denominator: float
) -> list[MetricValue]:
    """Actual values for consecutive months ending at ``last`` (bulk: set-up, so no history)."""
    end = Month.parse(last)
    start = end - (len(numerators) - 1)
    return MetricValue.objects.bulk_create(
        MetricValue(
            area=area,
            metric=metric,
            kind=MetricValue.Kind.ACTUAL,
            period_start=(start + offset).first_day,
            period_end=(start + offset).last_day,
            numerator=numerator,
            denominator=denominator,
            source="SUS extract",
        )
        for offset, numerator in enumerate(numerators)
    )


@dataclass
class Programme:
    """What ``build_programme`` made, to build URLs and posts from."""

    area: Area
    periods: list[ReportingPeriod]
    schemes: list[Scheme]
    themes: list[Theme]
    metric: Metric
    milestone: object
    risk: object
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
    first scheme only.
    """
    metric = dtoc_metric()
    themes = [
        make_theme(area, "T1", "Integrated urgent response"),
        make_theme(area, "T2", "Prevention", priority="JHWS: early intervention"),
    ]
    made = []
    for number in range(1, schemes + 1):
        scheme = make_scheme(
            area,
            f"BCF {number}",
            f"Scheme number {number}",
            leads=[lead] if (lead is not None and number == 1) else [],
            metrics=[metric],
        )
        scheme.theme = themes[number % 2]
        scheme.save()
        make_milestone(area, f"M{number}", title=f"Milestone of scheme {number}", scheme=scheme)
        make_risk(area, f"R{number}", title=f"Risk of scheme {number}", scheme=scheme)
        make_scheme_finance(scheme, "spend", recurrent="100000", non_recurrent="0")
        make_scheme_finance(scheme, "benefit", recurrent="-120000", non_recurrent="0")
        made.append(scheme)
    programme_milestone = make_milestone(area, "PM1", title="Section 75 agreement signed")
    programme_risk = make_risk(area, "PR1", title="Programme not delivered", previous_score=15)
    end = Month.parse(last)
    periods = []
    for offset in range(months - 1, -1, -1):
        month = end - offset
        periods.append(
            ReportingPeriod.objects.create(
                area=area,
                month=month.first_day,
                state="open" if offset == 0 else "signed_off",
            )
        )
    statuses = []
    programme_statuses = []
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
        for dimension in ("plan", "benefits", "budget"):
            programme_statuses.append(
                ProgrammeStatus(period=period, dimension=dimension, status="G")
            )
        Achievement.objects.create(period=period, text=f"Achievement of {period.label}")
    SchemeStatus.objects.bulk_create(statuses)
    ProgrammeStatus.objects.bulk_create(programme_statuses)
    values = monthly_values(
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
