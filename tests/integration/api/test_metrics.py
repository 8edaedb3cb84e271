"""GET /api/areas/{code}/metrics is exactly ``bettercare metrics --format json``."""

import json

import pytest

from bettercare.cli.main import main
from bettercare.web.performance.contract import KEYS
from tests.integration.api.factories import (
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
    make_rate_metric(areas.leicestershire)
    make_proportion_metric(areas.leicestershire)


def cli_metrics(capsys, code: str, period: str) -> list[dict]:
    capsys.readouterr()
    assert main(["metrics", "--area", code, "--period", period, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("period", ["2017-08", "2016-11", "2017-03"])
def test_equals_the_command_line_json(client, areas, metrics, capsys, period):
    client.force_login(make_user("viewer", role="viewer", area=areas.leicestershire))
    response = client.get("/api/areas/E10000018/metrics", {"period": period})
    assert response.status_code == 200
    expected = cli_metrics(capsys, "E10000018", period)
    assert [m["metric"] for m in expected] == ["test_admissions", "test_reablement"]
    assert response.json() == expected


def test_the_objects_have_exactly_the_contract_keys(client, areas, metrics):
    _, key = make_token(make_user("viewer", role="viewer", area=areas.leicestershire))
    answer = client.get("/api/areas/E10000018/metrics?period=2017-08", headers=bearer(key)).json()
    assert len(answer) == 2
    for entry in answer:
        assert list(entry) == list(KEYS)
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
    client.force_login(make_user("viewer", role="viewer", area=areas.leicestershire))
    answer = client.get("/api/areas/E10000018/metrics").json()
    assert answer == cli_metrics(capsys, "E10000018", "2017-01")
    assert answer[0]["period_end"] == "2017-01-31"


def test_a_month_before_any_value_is_an_empty_list(client, areas, metrics, capsys):
    client.force_login(make_user("viewer", role="viewer", area=areas.leicestershire))
    response = client.get("/api/areas/E10000018/metrics", {"period": "2010-01"})
    assert response.status_code == 200
    assert response.json() == [] == cli_metrics(capsys, "E10000018", "2010-01")
