"""GET /api/areas/{code}/metrics is exactly ``bettercare metrics --format json``."""

import json

import pytest
from django.core.cache import cache
from django.test import override_settings

from bettercare.cli.main import main
from bettercare.core.periods import Month
from bettercare.web.performance.actions import metric_commentary_save
from bettercare.web.performance.contract import KEYS
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.performance.registry import sync_registry
from tests.factories import (
    bearer,
    make_period,
    make_proportion_metric,
    make_rate_metric,
    make_token,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics(areas):
    sync_registry()  # as `bettercare init` does: the national metrics are always there
    make_rate_metric(areas.leicestershire)
    make_proportion_metric(areas.leicestershire)


def measured(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["status"] == "measured"]


def cli_metrics(capsys, code: str, period: str) -> list[dict]:
    capsys.readouterr()
    assert main(["metrics", "--area", code, "--period", period, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("period", ["2017-08", "2016-11", "2017-03"])
def test_equals_the_command_line_json(client, areas, metrics, capsys, period):
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    response = client.get("/api/areas/E10000018/metrics", {"period": period})
    assert response.status_code == 200
    expected = cli_metrics(capsys, "E10000018", period)
    assert [m["metric"] for m in measured(expected)] == ["test_admissions", "test_reablement"]
    # The registry's national metrics in force in the year are listed, awaiting their data.
    year = {"2017-08": "2017-18", "2016-11": "2016-17", "2017-03": "2016-17"}[period]
    awaiting = [m for m in expected if m["status"] == "awaiting_data"]
    assert awaiting
    assert all(m["value"] is None and m["data_rag"] == "NA" for m in awaiting)
    in_force = set(
        Metric.objects.filter(is_national=True, applies_from__lte=year)
        .exclude(applies_to__lt=year)
        .exclude(applies_to="")
        .values_list("code", flat=True)
    ) | set(
        Metric.objects.filter(is_national=True, applies_from__lte=year, applies_to="").values_list(
            "code", flat=True
        )
    )
    assert {m["metric"] for m in awaiting} == in_force
    assert response.json() == expected


def test_the_objects_have_exactly_the_contract_keys(client, areas, metrics):
    _, key = make_token(make_user("viewer", (areas.leicestershire, "viewer")))
    everything = client.get(
        "/api/areas/E10000018/metrics?period=2017-08", headers=bearer(key)
    ).json()
    for entry in everything:
        assert list(entry) == list(KEYS)
    answer = measured(everything)
    assert len(answer) == 2
    rate = answer[0]
    assert rate["forecast"] is not None
    assert set(rate["forecast"]) == {
        "value",
        "lower",
        "upper",
        "target",
        "probability_meeting_target",
    }
    assert (rate["period_start"], rate["period_end"]) == ("2017-08-01", "2017-08-31")
    # The latest actual of the generated series: 180 + (23 * 7) % 23 = 180 per 100,000.
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (180.0, 100000.0, 180.0)
    assert rate["target"] == 190.0


def test_the_period_defaults_to_the_latest_reporting_period(client, areas, metrics, capsys):
    make_period(areas.leicestershire, "2016-12")
    make_period(areas.leicestershire, "2017-01")
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    answer = client.get("/api/areas/E10000018/metrics").json()
    assert answer == cli_metrics(capsys, "E10000018", "2017-01")
    assert measured(answer)[0]["period_end"] == "2017-01-31"


def test_a_month_outside_the_plan_and_data_is_not_found(client, areas, metrics, capsys):
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    response = client.get("/api/areas/E10000018/metrics", {"period": "2010-01"})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("Leicestershire (E10000018) reports months from ")
    assert detail.endswith("; got 2010-01")
    capsys.readouterr()
    assert main(["metrics", "--area", "E10000018", "--period", "2010-01"]) == 1
    assert capsys.readouterr().err == f"bettercare metrics: error: --period: {detail}\n"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_cached_answer_changes_with_the_areas_data_at_once(client, areas, metrics):
    """Kept per version of the area's data (ADR 0137): a commentary saved, a value deleted,
    each shows in the next answer; a month out of range is a 404, never kept."""
    cache.clear()
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    path = "/api/areas/E10000018/metrics?period=2017-08"

    def entry(code: str) -> dict:
        answer = client.get(path)
        assert answer.status_code == 200
        return next(m for m in answer.json() if m["metric"] == code)

    before = entry("test_admissions")
    assert entry("test_admissions") == before  # from the cache
    metric_commentary_save(
        area=areas.leicestershire,
        metric=Metric.objects.get(code="test_admissions"),
        month=Month(2017, 8),
        commentary="Winter pressures came early",
        seen_version=0,
        by=None,
    )
    assert entry("test_admissions")["commentary"] == "Winter pressures came early"
    MetricValue.objects.filter(
        area=areas.leicestershire, metric__code="test_admissions", kind="actual"
    ).order_by("-period_end").first().delete()
    assert entry("test_admissions")["value"] != before["value"]
    for _ in range(2):
        assert client.get("/api/areas/E10000018/metrics?period=2031-01").status_code == 404
