"""The case-mix-adjusted report: observed against expected emergency admissions per practice.

A hand-made past refresh: Kent's practice K1 has 100 patients of probability 0.1 (10
expected) and 20 admitted; K2 has 50 of 0.1 (5 expected) and 3 admitted; Medway's M1 has 40
of 0.25 (10 expected) and 12 admitted (shown as 10).
"""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.risk.run import OBSERVED
from bettercare.web.accounts.access import Access
from bettercare.web.accounts.models import Role
from bettercare.web.risk.actions import practice_staff_set
from bettercare.web.risk.load import ScoresError, load_scores
from bettercare.web.risk.models import PatientScore, Practice
from bettercare.web.risk.queries import area_casemix, latest_observed_refresh
from tests.factories import make_area, make_region, make_user
from tests.factories.people import MEDWAY
from tests.integration.risk.scores_files import scores_row, write_refresh, write_rows

pytestmark = pytest.mark.django_db

PRACTICES = {"K1": (100, 0.1, 20), "K2": (50, 0.1, 3), "M1": (40, 0.25, 12)}


@pytest.fixture
def boards(tmp_path):
    region = make_region()
    kent = make_area(parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    for code, area in (("K1", kent), ("K2", kent), ("M1", medway)):
        Practice.objects.create(code=code, name=f"Practice {code}", area=area)
    rows = [
        scores_row(f"{code}-{n}", code, "rest", p=p, admitted=n < admitted)
        for code, (patients, p, admitted) in PRACTICES.items()
        for n in range(patients)
    ]
    load_scores(write_rows(tmp_path / "past.parquet", date(2025, 4, 1), rows), by=None)
    # A later refresh without outcomes does not replace the past one in the report.
    load_scores(write_refresh(tmp_path / "now.parquet", date(2026, 4, 1), {"K1": 2}), by=None)
    return kent, medway


def shown(rows):
    return {
        row.code: (
            row.patients,
            row.observed,
            round(row.expected, 3),
            None
            if row.ratio is None
            else (
                round(row.ratio.ratio, 2),
                round(row.ratio.lower, 2),
                round(row.ratio.upper, 2),
                row.ratio.funnel,
            ),
        )
        for row in rows
    }


def test_an_area_user_sees_suppressed_ratios_of_its_practices(boards):
    kent, _ = boards
    refresh = latest_observed_refresh()
    assert refresh.index_date == date(2025, 4, 1)
    viewer = make_user("viewer", (kent, Role.VIEWER.value))
    assert shown(area_casemix(Access.for_user(viewer), refresh)) == {
        "K1": ("100", "20", 10.0, (2.0, 1.22, 3.09, "High (0.025)")),
        "K2": ("50", "*", 5.0, None),
    }


def test_the_practice_sees_its_own_figures_exactly(boards):
    refresh = latest_observed_refresh()
    gp = make_user("gp")
    practice_staff_set(user=gp, practice=Practice.objects.get(code="K2"), by=None)
    assert shown(area_casemix(Access.for_user(gp), refresh)) == {
        "K2": ("50", "3", 5.0, (0.6, 0.12, 1.75, "Not significant")),
    }


def test_a_rounded_count_gives_the_ratio_of_the_rounded_count(boards):
    _, medway = boards
    viewer = make_user("viewer", (medway, Role.VIEWER.value))
    assert shown(area_casemix(Access.for_user(viewer), latest_observed_refresh())) == {
        "M1": ("40", "10", 10.0, (1.0, 0.48, 1.84, "Not significant")),
    }


def test_the_page_shows_aggregates_and_no_patient(boards, client):
    kent, _ = boards
    client.force_login(make_user("viewer", (kent, Role.VIEWER.value)))
    body = client.get("/risk/casemix/").content.decode()
    assert "2.00 (1.22 to 3.09)" in body
    assert "High (0.025)" in body
    assert "(K1)" in body
    assert "(M1)" not in body
    assert not [n for n in range(100) if f"K1-{n}<" in body or f'K1-{n}"' in body]


def test_an_observed_column_of_another_type_is_named(tmp_path):
    rows = [scores_row("a", "K1", "rest") | {OBSERVED: 1}]
    bad = write_rows(tmp_path / "bad.parquet", date(2025, 4, 1), rows)
    with pytest.raises(
        ScoresError, match=rf"^bad.parquet, column {OBSERVED}: has type int64; expected bool$"
    ):
        load_scores(bad, by=None)
    assert not PatientScore.objects.exists()
