"""One flattening of a metric's position, three outputs that stay exactly as they were.

The metrics JSON contract (``bettercare metrics --format json``, docs/metrics-json.md), the
report lines of the pages and packs (``MetricLine``) and the API's ``/metrics`` answer are all
drawn from one flat record (:mod:`bettercare.reports.positions`). The golden file holds what
each of them gave for the demo (as at a fixed day) before they shared it; they must give
exactly that still.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from bettercare.core.periods import Month
from bettercare.web.accounts.models import User
from bettercare.web.api.queries import area_metrics
from bettercare.web.demo_load import load_demo
from bettercare.web.performance.contract import metric_json
from bettercare.web.performance.queries import area_metric_positions, metric_commentaries
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.queries import reporting_period
from bettercare.web.reporting.common import metric_lines
from bettercare.web.reporting.dashboard import build_dashboard
from bettercare.web.reporting.highlight import build_highlight_report

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "metric_outputs.json"
REPORTS = Path(__file__).parent / "golden" / "report_models.json"
#: The demo as loaded on this day: its newest reporting month is December 2025.
TODAY = date(2026, 1, 15)
AREAS = ("E10000018", "E06000016", "E06000017")
MONTHS = (Month(2016, 3), Month(2017, 8), Month(2025, 6), Month(2025, 12))


@pytest.fixture(scope="module")
def fixed_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(today=TODAY)
        transaction.set_rollback(True)


def plain(value: Any) -> Any:
    """A value as JSON keeps it, with its Python type beside numbers (Decimal is not float)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A row's database id depends on the database's sequences, not on the code: left out.
        return {
            f.name: "<database id>" if f.name == "id" else plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        raise TypeError(f"value: a datetime {value!r} depends on when the test runs")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return ["Decimal", str(value)]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return ["int", value]
    raise TypeError(f"value: cannot record {type(value).__name__} {value!r}")


def outputs(client: Any) -> dict[str, Any]:
    """Each output for each area and month: the contract, the report lines and the API."""
    admin = User.objects.create_user("flattening-admin", is_superuser=True)
    client.force_login(admin)
    found: dict[str, Any] = {}
    for code in AREAS:
        area = Area.objects.get(code=code)
        for month in MONTHS:
            notes = metric_commentaries(area, month)
            contract = [
                metric_json(position, notes.get(metric.code))
                for metric, position in area_metric_positions(area, month)
            ]
            response = client.get(f"/api/areas/{code}/metrics", {"period": str(month)})
            assert response.status_code == 200, response.content
            found[f"{code} {month}"] = {
                "contract": plain(contract),
                "contract_json": json.dumps(contract, sort_keys=True),
                "api_queries": plain(area_metrics(area, month)),
                "api": response.json(),
                "lines": plain(metric_lines(area, month)),
            }
    return found


def report_models() -> dict[str, Any]:
    """The highlight report and the dashboard of each area and month, less when made."""
    found: dict[str, Any] = {}
    for code in AREAS:
        area = Area.objects.get(code=code)
        for month in MONTHS:
            period = reporting_period(area, month)
            for name, build in (
                ("highlight", build_highlight_report),
                ("dashboard", build_dashboard),
            ):
                report = build(period)
                found[f"{code} {month} {name}"] = {
                    f.name: plain(getattr(report, f.name))
                    for f in dataclasses.fields(report)
                    if f.name != "generated_at"
                }
    return found


def test_the_highlight_report_and_dashboard_are_what_they_were(fixed_demo):
    expected = json.loads(REPORTS.read_text())
    found = json.loads(json.dumps(report_models()))
    assert sorted(found) == sorted(expected)
    for key in expected:
        assert found[key] == expected[key], key


def test_the_three_outputs_are_what_they_were(client, fixed_demo):
    expected = json.loads(GOLDEN.read_text())
    found = json.loads(json.dumps(outputs(client)))
    assert sorted(found) == sorted(expected)
    for key in expected:
        for output in expected[key]:
            assert found[key][output] == expected[key][output], (key, output)


def test_the_golden_file_covers_measured_awaiting_and_commented_metrics():
    expected = json.loads(GOLDEN.read_text())
    entries = [e for outputs in expected.values() for e in outputs["api"]]
    assert {e["status"] for e in entries} == {"measured", "awaiting_data"}
    assert any(e["commentary"] for e in entries)
    assert any(e["forecast"] for e in entries)
    assert any(e["baseline"] for e in entries)
    lines = [line for outputs in expected.values() for line in outputs["lines"]]
    assert any(line["trend"] for line in lines)
