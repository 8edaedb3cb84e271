"""The care-plan share of the top 2% feeds the metrics: values, suppression, provenance, pages.

A hand-made refresh: Kent's practices K1 and K2 hold 20 and 3 of the top 2% (23, shown as
25); Medway's practice M1 holds 5 (withheld). Care plans are marked for 9 of Kent's top 2%
(shown as 10, so 40%).
"""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.core.stats import proportion
from bettercare.web.accounts.models import Role
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.risk.actions import intervention_status_update, practice_staff_set
from bettercare.web.risk.load import load_scores, pseudonym
from bettercare.web.risk.metrics import CARE_PLAN_SHARE
from bettercare.web.risk.models import Practice
from tests.factories import make_area, make_region, make_user
from tests.factories.people import MEDWAY
from tests.integration.risk.scores_files import write_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards():
    region = make_region()
    kent = make_area(parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    for code, area in (("K1", kent), ("K2", kent), ("M1", medway)):
        Practice.objects.create(code=code, name=f"Practice {code}", area=area)
    return kent, medway


def mark(user, practice_code: str, patient_ids, *, done: bool = True) -> None:
    practice = Practice.objects.get(code=practice_code)
    for patient_id in patient_ids:
        intervention_status_update(
            practice=practice,
            pseudonym=pseudonym(patient_id),
            care_plan_completed=done,
            target_group_member=False,
            care_plan_review_due=None,
            by=user,
        )


def values(area):
    return {
        (v.period_start, v.numerator, v.denominator, v.note)
        for v in MetricValue.objects.filter(area=area, metric__code=CARE_PLAN_SHARE)
    }


def test_load_writes_the_share_per_board_suppressed_with_provenance(boards, tmp_path):
    kent, medway = boards
    april = write_refresh(
        tmp_path / "april.parquet", date(2026, 4, 1), {"K1": 20, "K2": 3, "M1": 5}
    )
    load_scores(april, by=None)
    assert values(kent) == {(date(2026, 4, 1), 0.0, 25.0, "")}
    assert values(medway) == {(date(2026, 4, 1), None, None, "Withheld: a count from 1 to 7.")}
    value = MetricValue.objects.get(area=kent, metric__code=CARE_PLAN_SHARE)
    assert value.period_end == date(2026, 4, 30)
    assert value.kind == MetricValue.Kind.ACTUAL
    assert value.source.startswith("risk refresh 2026-04-01 test-model sha256=")
    assert value.history.get().history_change_reason == "risk load april.parquet"
    metric = Metric.objects.get(code=CARE_PLAN_SHARE)
    assert (metric.unit, metric.multiplier, metric.polarity, metric.is_national) == (
        "proportion",
        100,
        "higher_is_better",
        False,
    )


def test_marker_changes_rewrite_the_latest_share_of_the_board(boards, tmp_path):
    kent, medway = boards
    load_scores(
        write_refresh(tmp_path / "april.parquet", date(2026, 4, 1), {"K1": 20, "K2": 3, "M1": 5}),
        by=None,
    )
    k1, k2 = make_user("k1"), make_user("k2")
    practice_staff_set(user=k1, practice=Practice.objects.get(code="K1"), by=None)
    practice_staff_set(user=k2, practice=Practice.objects.get(code="K2"), by=None)
    mark(k1, "K1", [f"K1-t{n}" for n in range(3)])
    # 3 of 23: the numerator is withheld, so the whole value is.
    assert values(kent) == {(date(2026, 4, 1), None, None, "Withheld: a count from 1 to 7.")}
    mark(k1, "K1", [f"K1-t{n}" for n in range(3, 7)])
    mark(k2, "K2", ["K2-t0", "K2-t1", "K2-r0"])  # a patient outside the top 2% does not count
    # 9 of 23, shown as 10 of 25 (40%), with its Wilson interval on the metrics pages.
    assert values(kent) == {(date(2026, 4, 1), 10.0, 25.0, "")}
    assert values(medway) == {(date(2026, 4, 1), None, None, "Withheld: a count from 1 to 7.")}
    value = MetricValue.objects.get(area=kent, metric__code=CARE_PLAN_SHARE)
    assert value.history.first().history_user == k2
    estimate = proportion(10, 25, multiplier=100)
    assert (round(estimate.value, 1), round(estimate.lower, 1), round(estimate.upper, 1)) == (
        40.0,
        23.4,
        59.3,
    )
    # A later refresh adds May; April keeps its share.
    may = write_refresh(tmp_path / "may.parquet", date(2026, 5, 1), {"K1": 20, "K2": 3, "M1": 5})
    load_scores(may, by=None)
    assert values(kent) == {(date(2026, 4, 1), 10.0, 25.0, ""), (date(2026, 5, 1), 10.0, 25.0, "")}
    mark(k1, "K1", ["K1-t0", "K1-t1"], done=False)  # 7 of 23 in May
    assert values(kent) == {
        (date(2026, 4, 1), 10.0, 25.0, ""),
        (date(2026, 5, 1), None, None, "Withheld: a count from 1 to 7."),
    }


def test_loading_the_same_refresh_again_writes_nothing(boards, tmp_path):
    kent, _ = boards
    april = write_refresh(
        tmp_path / "april.parquet", date(2026, 4, 1), {"K1": 20, "K2": 3, "M1": 5}
    )
    load_scores(april, by=None)
    value = MetricValue.objects.get(area=kent, metric__code=CARE_PLAN_SHARE)
    load_scores(april, by=None)
    again = MetricValue.objects.get(area=kent, metric__code=CARE_PLAN_SHARE)
    assert (again.version, again.history.count()) == (value.version, 1)


def test_the_share_shows_on_the_metrics_pages_with_its_interval(boards, tmp_path, client):
    kent, _ = boards
    load_scores(
        write_refresh(tmp_path / "april.parquet", date(2026, 4, 1), {"K1": 20, "K2": 3, "M1": 5}),
        by=None,
    )
    k1 = make_user("k1")
    practice_staff_set(user=k1, practice=Practice.objects.get(code="K1"), by=None)
    mark(k1, "K1", [f"K1-t{n}" for n in range(9)])
    viewer = make_user("viewer", (kent, Role.VIEWER.value))
    client.force_login(viewer)
    page = client.get(f"/areas/{kent.code}/metrics/{CARE_PLAN_SHARE}/?month=2026-04")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Share of the top 2% highest-risk patients with a completed care plan" in body
    assert "40.0" in body
    assert "23.4" in body
    assert "59.3" in body
