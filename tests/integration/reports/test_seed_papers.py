"""The demo's papers against the seed papers they reproduce (docs/seed-papers.md): what a
person wrote beside the figures says no more than the figures shown with it."""

from __future__ import annotations

import re

import pytest

from bettercare.core.periods import Month
from bettercare.web.programmes.models import ReportingPeriod
from bettercare.web.reporting.dashboard import build_dashboard
from tests.integration.reports.test_board_packs import LEICESTERSHIRE

pytestmark = pytest.mark.django_db

#: "… 6.8% above plan for the year to date": a year-to-date variance quoted in words.
QUOTED = re.compile(r"(\d+(?:\.\d+)?)% (above|below) plan for the year")


@pytest.mark.parametrize("month", [Month(2017, m) for m in range(4, 9)], ids=str)
def test_an_exception_commentary_quotes_the_year_to_date_the_dashboard_shows(demo, month):
    """The crisis response's commentary on non-elective admissions quotes their year to date
    only as the dashboard computes it in that month (it once said 6.8% in every month from
    April to August 2017, when the year to date was 8.5%, 7.1%, 6.8%, 6.9% and 6.6%)."""
    period = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=month.first_day)
    report = build_dashboard(period)
    admissions = next(m for m in report.metrics if m.code == "bcf_non_elective_admissions")
    assert admissions.year_to_date is not None
    commentaries = [
        e.commentary
        for theme in report.themes
        for e in theme.exceptions
        if "non-elective admissions" in e.commentary.lower()
    ]
    assert commentaries, "the crisis response's metric exception is in the dashboard"
    for text in commentaries:
        for percent, side in QUOTED.findall(text):
            assert f"({percent}% {side} plan" in admissions.year_to_date.sentence, text
