"""Alert evaluation after a 100,000-value import, against the time of the import itself.

The same programme as ``bench_import`` (10 areas x 50 monthly metrics, 200 months each), with
a target for every financial year, and a subscriber per area. Times, in a fresh SQLite
database: the full CSV import with the after-save evaluation turned off (the floor), then
``run_alerts`` over every area (every rule, recording and notifying what is new), then the
same run again (nothing new: the idempotent path). The aim is evaluation <= 10% of the import.

Run ``uv run python -m benchmarks.bench_alerts [ROWS]``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.bench_import import AREAS, METRICS, workbook_rows

ARGS = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
ROWS = int(ARGS[0]) if ARGS else 100_000
AIM = 0.10
TARGETS = {"rate": 150.0, "proportion": "50%", "count": 250}

T = TypeVar("T")


def timed(function: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def with_targets(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """A target for each area, metric and financial year the values cover."""
    units = {m["code"]: m["unit"] for m in rows["metrics"]}
    years = sorted(
        {
            v["period_start"].year - (v["period_start"].month < 4)
            for v in rows["metric_values"]
            if v["kind"] == "actual"
        }
    )
    pairs = sorted({(v["area_code"], v["metric_code"]) for v in rows["metric_values"]})
    targets = [
        {
            "area_code": area,
            "metric_code": metric,
            "period_start": date(year, 4, 1),
            "period_end": date(year + 1, 3, 31),
            "kind": "target",
            "value": TARGETS[units[metric]],
        }
        for area, metric in pairs
        for year in years
    ]
    return {**rows, "metric_values": rows["metric_values"] + targets}


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bettercare-bench-"))
    try:
        benchmark(scratch)
    finally:
        shutil.rmtree(scratch)


def benchmark(scratch: Path) -> None:
    os.environ["BETTERCARE_DATA_DIR"] = str(scratch)
    os.environ["BETTERCARE_DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["BETTERCARE_ALERTS_ON_SAVE"] = "0"  # the import alone is the floor
    os.environ.pop("BETTERCARE_EMAIL_HOST", None)  # emails are queued, not sent
    from bettercare.cli.database import ensure_database

    ensure_database()
    from bettercare.web.accounts.actions import command_line_user, membership_grant
    from bettercare.web.accounts.models import User
    from bettercare.web.alerts.actions import subscription_create
    from bettercare.web.alerts.engine import run_alerts
    from bettercare.web.programmes.imports import import_workbook
    from bettercare.web.programmes.models import Area
    from bettercare.workbook import write_workbook

    by = command_line_user()
    rows = with_targets(workbook_rows(ROWS))
    actuals = sum(1 for v in rows["metric_values"] if v["kind"] == "actual")
    folder = write_workbook(scratch / "plan", rows)
    print(
        f"Alerts after importing {actuals:,} metric values ({AREAS} areas x {METRICS} metrics, "
        f"with {len(rows['metric_values']) - actuals:,} yearly targets) into {scratch}"
    )
    seconds_import, result = timed(lambda: import_workbook(folder, by=by))
    assert result.ok, [str(m) for m in result.errors[:5]]
    for index, area in enumerate(Area.objects.order_by("code")):
        user = User.objects.create_user(f"manager{index}", email=f"manager{index}@example.org")
        membership_grant(user=user, area=area, role="programme_manager", by=None)
        subscription_create(user=user, area=area, delivery="email", by=user)

    # A server or a command loads its URL configuration once (links in alerts need it);
    # that one-off import is not part of evaluating the rules.
    from django.urls import reverse

    reverse("home")
    today = date(2017, 4, 30)
    seconds_run, report = timed(lambda: run_alerts(today=today, deliver=False))
    seconds_again, again = timed(lambda: run_alerts(today=today, deliver=False))
    assert again.new == [], "a second run over the same data must find nothing new"
    by_rule: dict[str, int] = {}
    for event in report.new:
        by_rule[event.rule] = by_rule.get(event.rule, 0) + 1
    print(f"  {'full CSV import (floor)':<52} {seconds_import:9.3f} s")
    ratio = seconds_run / seconds_import
    verdict = "within" if ratio <= AIM else "OVER"
    print(
        f"  {'alert evaluation, every area and rule':<52} {seconds_run:9.3f} s  "
        f"{ratio:6.1%} of the import ({verdict} the aim of {AIM:.0%})"
    )
    print(
        f"  {'the same run again (nothing new)':<52} {seconds_again:9.3f} s  "
        f"{seconds_again / seconds_import:6.1%} of the import"
    )
    print(
        f"  {len(report.events)} conditions hold, {len(report.new)} new alerts "
        f"({', '.join(f'{rule} {count}' for rule, count in sorted(by_rule.items()))}), "
        f"{report.notifications} notifications, {report.emails_queued} emails queued"
    )


if __name__ == "__main__":
    main()
