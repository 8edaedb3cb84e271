"""Nothing on the dashboard says more than its statistics: for every metric of the demo, in
every area's current period (and Leicestershire's worked August 2017), each sentence, icon and
colour of the report model is backed by the figure behind it — and the same checks over every
reporting period the demo holds; one HTML check of the page. The position among the region's
areas (ADR 0119) is checked against the benchmark page's own comparison."""

from __future__ import annotations

import re
from functools import cache

import pytest
from django.contrib.auth.models import AnonymousUser

from bettercare.core.benchmarking import FunnelPosition, funnel_position
from bettercare.core.periods import Month
from bettercare.core.rag import STATUS_LABELS, data_rag, on_track
from bettercare.core.status import DIMENSION_LABELS
from bettercare.core.summary import MIN_SPC_POINTS
from bettercare.demo.areas import LEICESTERSHIRE
from bettercare.formatting import DIRECTION_WORDS
from bettercare.reports.model import DashboardReport, MetricLine
from bettercare.reports.positions import TREND_POINTS
from bettercare.web.accounts.access import Access
from bettercare.web.benchmarking.queries import PeerSet, metric_benchmark, peer_set
from bettercare.web.performance.models import Metric
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.programmes.queries import reporting_period
from bettercare.web.reporting.dashboard import build_dashboard
from tests.factories import make_user
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

SIGNIFICANT = re.compile(r"\bsignificant(ly)?\b", re.IGNORECASE)
POSITION = re.compile(r"^(Within|Above|Below) the (95|99\.8)% limit")


def reports() -> list[DashboardReport]:
    """The dashboard of every HWB area's current (latest) period, and Leicestershire's
    worked example."""
    periods = []
    for area in Area.objects.filter(type="HWB").order_by("code"):
        latest = ReportingPeriod.objects.filter(area=area).order_by("-month").first()
        if latest is not None:
            periods.append(latest)
    leicestershire = Area.objects.get(code=LEICESTERSHIRE)
    periods.append(ReportingPeriod.objects.get(area=leicestershire, month="2017-08-01"))
    # March 2016: the avoidable admissions composite and its parts are in force.
    periods.append(reporting_period(leicestershire, Month(2016, 3)))
    return [build_dashboard(period) for period in periods]


def lines(report: DashboardReport) -> list[MetricLine]:
    return [*report.metrics, *(part for _, parts in report.composites for part in parts)]


def excludes(line: MetricLine) -> str | None:
    """Which side of the target the whole interval lies ("better"/"worse"), or None."""
    assert line.lower is not None
    assert line.upper is not None
    assert line.target is not None
    if line.polarity == "lower_is_better":
        if line.upper <= line.target:
            return "better"
        return "worse" if line.lower > line.target else None
    if line.lower >= line.target:
        return "better"
    return "worse" if line.upper < line.target else None


def check_line(line: MetricLine, where: str) -> None:
    has_interval = line.lower is not None and line.upper is not None
    if line.awaiting_data:
        assert line.value is None, where
        assert (line.comparison, line.direction, line.forecast) == (None, None, None), where
        assert (line.variation_icon, line.assurance_icon, line.trend) == (None, None, ()), where
        assert line.data_rag == "NA", where
        assert "Data not yet available" in line.summary, where
    # A RAG colour only when core gives one, from the comparison with the target.
    assert line.data_rag == ("NA" if line.comparison is None else data_rag(line.comparison)), where
    # "Significantly" better or worse only when the interval excludes the target, that side.
    if line.comparison in ("significantly_better", "significantly_worse"):
        assert has_interval, where
        assert excludes(line) == line.comparison.removeprefix("significantly_"), where
        assert "statistically significantly" in line.summary, where
    if "not significantly different" in line.summary:
        assert has_interval, where
        assert excludes(line) is None, where
    if SIGNIFICANT.search(line.summary):
        assert has_interval, where
    # A direction of travel only with this period's interval (and the previous one's).
    if line.direction is not None:
        assert has_interval, where
        assert not line.awaiting_data, where
        assert f"Compared with the previous period: {DIRECTION_WORDS[line.direction]}." in (
            line.summary
        ), where
    else:
        assert "Compared with the previous period" not in line.summary, where
    # An SPC icon only with its chart, of enough points, and the reading said beside it.
    readings = [s for s in line.additional_information if s.startswith("SPC reading: ")]
    if line.variation_icon is not None:
        assert len(line.trend) >= min(MIN_SPC_POINTS, TREND_POINTS), where
        assert len(readings) == 1, where
    else:
        assert line.assurance_icon is None, where
        assert not readings, where
    # A chance of meeting the target only with a forecast against a target.
    if "chance of meeting the target" in line.summary:
        assert line.forecast is not None, where
        assert line.forecast.target is not None, where
        assert line.forecast.probability_meeting_target is not None, where
    # The year to date said only when core computed one, and as its sentence.
    said = [s for s in line.additional_information if s.startswith("Year to date")]
    assert said == ([line.year_to_date.sentence] if line.year_to_date else []), where
    # How recent the data are: the line's own period.
    if not line.awaiting_data:
        assert any(
            s.startswith(f"The latest data are for {line.period_label}")
            for s in line.additional_information
        ), where


@pytest.fixture(autouse=True)
def _fresh_lookups():
    """The areas and metrics looked up below are this test's (its demo's rows)."""
    region_of.cache_clear()
    metric_named.cache_clear()


@cache
def region_of(code: str) -> tuple[Area, PeerSet]:
    area = Area.objects.get(code=code)
    peers, _ = peer_set(area, "region")
    assert peers is not None
    return area, peers


@cache
def metric_named(code: str) -> Metric:
    return Metric.objects.get(code=code)


def expected_position(code: str, line: MetricLine) -> FunnelPosition | None:
    """The line's position as the benchmark page compares it (region, for a reader who may
    see every area): its own label among the areas with a value for the line's period."""
    area, peers = region_of(code)
    metric = metric_named(line.code)
    bench = metric_benchmark(
        Access(AnonymousUser(), is_admin=True),
        metric,
        peers,
        (line.period_start, line.period_end),
    )
    own = next((row for row in bench.rows if row.area == area), None)
    position = funnel_position(
        own.significance if own is not None else None,
        peers=peers.name,
        areas=bench.contributing,
        polarity=metric.polarity,
    )
    if position is not None:
        # The side said is the side of the funnel's centre the area's value is on.
        assert bench.funnel is not None
        assert own is not None
        assert own.value is not None
        if position.side == "above":
            assert own.value > bench.funnel.average
        elif position.side == "below":
            assert own.value < bench.funnel.average
    return position


def check_benchmark(line: MetricLine, code: str, where: str) -> bool:
    """The position among the region's areas is said once, as the benchmark page's own
    comparison gives it, and nothing is said without one. True when one is said."""
    said = [s for s in line.additional_information if POSITION.match(s)]
    if line.awaiting_data:
        assert not said, where
        return False
    expected = expected_position(code, line)
    assert said == ([expected.sentence] if expected else []), where
    return expected is not None


def test_every_metric_of_the_demo_is_backed_by_its_statistic(demo):
    seen: dict[str, int] = dict.fromkeys(
        (
            "interval",
            "no_interval_target",
            "direction",
            "icon",
            "awaiting",
            "year_to_date",
            "composite",
            "benchmark",
            "no_benchmark",
        ),
        0,
    )
    for report in reports():
        for line in lines(report):
            where = f"{report.area.code} {report.period.month} {line.code}"
            check_line(line, where)
            placed = check_benchmark(line, report.area.code, where)
            seen["benchmark"] += placed
            seen["no_benchmark"] += not placed and not line.awaiting_data
            has_interval = line.lower is not None
            seen["interval"] += has_interval
            seen["no_interval_target"] += (
                not has_interval and not line.awaiting_data and line.target is not None
            )
            seen["direction"] += line.direction is not None
            seen["icon"] += line.variation_icon is not None
            seen["awaiting"] += line.awaiting_data
            seen["year_to_date"] += line.year_to_date is not None
        for parent, parts in report.composites:
            assert parent.composition
            assert parts
            seen["composite"] += 1
            # Formed as the registry says: the sum of its parts' numerators.
            assert parent.numerator == sum(part.numerator or 0 for part in parts)
        for line in report.metrics:
            if line.code not in {parent.code for parent, _ in report.composites}:
                assert line.composition == "", line.code
    # Every kind of claim is in the demo, so each check above has something to check.
    assert all(seen.values()), seen


def test_every_period_of_the_demo_is_backed_by_its_statistics(demo):
    """The same checks of every line over every reporting period of every area (the issue's
    "every demo metric and period"), not only the current ones."""
    periods = list(ReportingPeriod.objects.select_related("area").order_by("area__code", "month"))
    assert len({p.area_id for p in periods}) >= 10
    checked = placed = 0
    for period in periods:
        report = build_dashboard(period)
        for line in lines(report):
            where = f"{period.area.code} {period.month} {line.code}"
            check_line(line, where)
            placed += check_benchmark(line, period.area.code, where)
            checked += 1
        check_no_sentence_repeated(report, f"{period.area.code} {period.month}")
    assert checked > 4 * len(periods)  # about five metrics a period
    assert checked > placed > len(periods)  # most periods place a metric among the region


SENTENCE_END = re.compile(r"(?<=[.;:])\s+")


def sentences(*texts: str) -> list[str]:
    return [s for text in texts for s in SENTENCE_END.split(text) if s]


def check_no_sentence_repeated(report: DashboardReport, where: str) -> None:
    """No line of the dashboard says a sentence twice: a scheme's additional information, an
    exception's commentary beside it, a metric's sentences."""
    said: list[list[str]] = []
    for theme in report.themes:
        said += [sentences(line.additional_information) for line in theme.schemes]
        said += [sentences(e.commentary, e.additional_information) for e in theme.exceptions]
        said += [sentences(note) for _, note in theme.additional_information]
    said += [list(line.additional_information) for line in lines(report)]
    for found in said:
        assert len(found) == len(set(found)), (where, found)


def test_bcf_13_says_its_august_2017_note_once(demo):
    """The worked example's case: BCF 13's return overrides a proposal and has a note; its
    one additional information gives the reason, naming its dimension, then the note, once."""
    period = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month="2017-08-01")
    [line] = [s for t in build_dashboard(period).themes for s in t.schemes if s.ref == "BCF 13"]
    note = "Services in place."
    assert line.additional_information.count(note) == 1
    reason, rest = line.additional_information.split(note)
    assert " rated " in reason, reason
    assert "rather than the proposed" in reason, reason
    assert reason.split(" rated ")[0] in DIMENSION_LABELS.values(), reason
    assert rest.startswith(" Hospital social workers")


def test_on_track_lines_only_where_every_scheme_is_on_track(demo):
    said = 0
    for report in reports():
        for theme in report.themes:
            for dimension in ("savings", "milestones", "finance", "metrics"):
                statuses = [line.statuses[dimension] for line in theme.schemes]
                assert (dimension in theme.on_track) is on_track(statuses)
                if dimension in theme.on_track:
                    said += 1
                    assert not [e for e in theme.exceptions if e.dimension == dimension]
            notes = [line for line in theme.schemes if line.additional_information]
            assert [label for label, _ in theme.additional_information] == [
                f"{line.ref}: {line.name}" for line in notes
            ]
    assert said


def test_the_dashboard_page_shows_what_the_model_says(client, demo):
    area = Area.objects.get(code=LEICESTERSHIRE)
    client.force_login(make_user("claims-viewer", (area, "viewer")))
    period = ReportingPeriod.objects.get(area=area, month="2017-08-01")
    report = build_dashboard(period)
    html = client.get(f"/areas/{LEICESTERSHIRE}/dashboard/?period=2017-08").content.decode()
    table = html.split("bc-metrics-table", 1)[1].split("</table>", 1)[0]
    rows = [text_of_html(row) for row in table.split("<tr>")[2:]]
    assert len(rows) == len(report.metrics)
    for row, line in zip(rows, report.metrics, strict=True):
        assert row.startswith(line.name), row
        assert STATUS_LABELS[line.data_rag] in row, row  # type: ignore[index]
        assert ("Data not yet available" in row) is line.awaiting_data, row
        if SIGNIFICANT.search(row):  # "No significant change": a direction, with its interval
            assert line.lower is not None, row
            assert line.direction is not None, row
        for sentence in line.additional_information:
            assert text_of_html(sentence) in row, row


class _Response:
    def __init__(self, html: str) -> None:
        self.content = html.encode()


def text_of_html(html: str) -> str:
    return text_of(_Response(html))
