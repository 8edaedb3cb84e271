"""SPC rebase points: recorded by the programme manager with a reason, refused outside the
metric's data, audited, applied to the chart and shown on the metric page (ADR 0095)."""

from __future__ import annotations

import pytest

from bettercare.core.periods import Month
from bettercare.web.performance.actions import metric_rebase_add, metric_rebase_remove
from bettercare.web.performance.models import MetricRebase
from bettercare.web.performance.queries import area_metric_summaries
from bettercare.web.programmes.actions import ActionError
from tests.factories import (
    KENT,
    make_area,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

MARCH_2018 = Month(2018, 3)
PAGE = f"/areas/{KENT}/metrics/emergency_admissions/?period=2018-03"
EDIT = f"/areas/{KENT}/metrics/emergency_admissions/rebases/?period=2018-03"
#: April 2016 to March 2017, then a step down from April 2017 (a new service).
BEFORE = [900, 880, 870, 860, 890, 875, 865, 880, 870, 900, 880, 870]
AFTER = [700, 690, 710, 705, 695, 700, 690, 710, 705, 695, 700, 690]
ADULTS = 546_195
REASON = "The falls response service started in April 2017."


def rate(count: float) -> float:
    return count / ADULTS * 100_000


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    metric = make_metric(applies_from="2016-17")
    make_monthly_values(kent, metric, BEFORE + AFTER, denominator=ADULTS)
    make_period(kent, "2018-03")
    return {
        "kent": kent,
        "metric": metric,
        "manager": make_user("manager", (kent, "programme_manager")),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def test_the_action_records_with_history_and_refuses_bad_points(world):
    kent, metric, manager = world["kent"], world["metric"], world["manager"]
    row = metric_rebase_add(
        area=kent, metric=metric, month=Month(2017, 4), reason=f"  {REASON}\n", by=manager
    )
    assert (row.month, row.reason, row.version) == (Month(2017, 4).first_day, REASON, 1)
    record = row.history.first()
    assert (record.history_user, record.history_change_reason) == (
        manager,
        "rebased emergency_admissions from April 2017",
    )
    refusals = [
        (
            Month(2016, 4),  # the first value: a period needs a point before it
            REASON,
            "April 2016 is outside the monthly data of emergency_admissions for Kent: "
            "a rebase must fall from May 2016 to March 2018.",
        ),
        (
            Month(2018, 4),
            REASON,
            "April 2018 is outside the monthly data of emergency_admissions for Kent: "
            "a rebase must fall from May 2016 to March 2018.",
        ),
        (
            Month(2017, 4),
            REASON,
            "emergency_admissions is already rebased from April 2017 for Kent.",
        ),
        (
            Month(2017, 6),
            "   ",
            "Give the reason for rebasing emergency_admissions from June 2017: "
            "the change that explains a new mean and limits.",
        ),
    ]
    for month, reason, message in refusals:
        with pytest.raises(ActionError) as refused:
            metric_rebase_add(area=kent, metric=metric, month=month, reason=reason, by=manager)
        assert str(refused.value) == message
    assert MetricRebase.objects.count() == 1

    metric_rebase_remove(area=kent, metric=metric, month=Month(2017, 4), by=manager)
    assert MetricRebase.objects.count() == 0
    removed = MetricRebase.history.filter(history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (
        manager,
        "removed the rebase of emergency_admissions from April 2017",
    )
    with pytest.raises(ActionError) as refused:
        metric_rebase_remove(area=kent, metric=metric, month=Month(2017, 4), by=manager)
    assert str(refused.value) == (
        "emergency_admissions has no rebase from April 2017 for Kent to remove."
    )


def test_the_rebase_splits_the_chart_into_two_means(world):
    kent, metric = world["kent"], world["metric"]
    [(_, before)] = area_metric_summaries(kent, MARCH_2018)
    assert before.spc is not None
    assert before.spc.mean[-1] == pytest.approx(sum(rate(c) for c in BEFORE + AFTER) / 24)
    metric_rebase_add(
        area=kent, metric=metric, month=Month(2017, 4), reason=REASON, by=world["manager"]
    )
    [(_, after)] = area_metric_summaries(kent, MARCH_2018)  # the cache moved on with the data
    assert after.spc is not None
    assert after.spc_rebases == (Month(2017, 4),)
    assert after.spc.mean[0] == pytest.approx(sum(rate(c) for c in BEFORE) / 12)  # 160.81
    assert after.spc.mean[-1] == pytest.approx(sum(rate(c) for c in AFTER) / 12)  # 128.01
    assert list(after.spc.period) == [0] * 12 + [1] * 12


def test_the_manager_rebases_on_the_metric_page_without_javascript(client, world):
    client.force_login(world["manager"])
    text = text_of(client.get(PAGE))
    assert "No rebase point is recorded: the chart has one mean and one set of limits." in text
    # One set of limits from 2016 to 2018: the step reads as special cause at the latest point.
    assert "Mean: 144.41; process limits" in text
    assert "Special cause: the latest point (March 2018) is below the lower process limit." in text

    response = client.post(EDIT, {"action": "add", "month": "2017-04", "reason": REASON})
    assert response.status_code == 302
    assert response["Location"].endswith("emergency_admissions/?period=2018-03#spc")
    text = text_of(client.get(PAGE))
    assert f"From April 2017: {REASON} (recorded by Manager)" in text
    assert "Mean since April 2017: 128.01; process limits" in text
    assert (
        "Common cause: no rule fires at the latest point (March 2018); 0 of 12 points in the "
        "current period (April 2017 to March 2018) are special cause." in text
    )

    refused = client.post(EDIT, {"action": "add", "month": "2016-04", "reason": REASON})
    assert refused.status_code == 400
    assert "a rebase must fall from May 2016 to March 2018." in text_of(refused)
    missing = client.post(EDIT, {"action": "add", "month": "", "reason": REASON})
    assert missing.status_code == 400
    assert "Choose the first month of the new period" in text_of(missing)

    assert client.post(EDIT, {"action": "remove", "month": "2017-04"}).status_code == 302
    assert "No rebase point is recorded" in text_of(client.get(PAGE))


def test_a_viewer_sees_the_rebase_but_may_not_record_one(client, world):
    metric_rebase_add(
        area=world["kent"],
        metric=world["metric"],
        month=Month(2017, 4),
        reason=REASON,
        by=world["manager"],
    )
    client.force_login(world["viewer"])
    text = text_of(client.get(PAGE))
    assert f"From April 2017: {REASON} (recorded by Manager)" in text
    assert "Record or remove a rebase point" not in text
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"action": "remove", "month": "2017-04"}).status_code == 403
    assert MetricRebase.objects.count() == 1
