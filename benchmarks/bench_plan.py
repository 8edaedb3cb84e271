"""A plan before its actuals: the metric page of an awaiting-data metric against a measured one.

Imports a 2025-26 plan for one area (the three headline metrics with monthly or quarterly
targets and 2024-25 baselines), then twelve months of actuals for one metric only. Times the
metric page of the measured metric (SPC chart, intervals, forecast) and of an awaiting-data
metric (the plan's trajectory chart) in-process with Django's test client, alternating them,
with the statistics cache cleared before every request (the cost when the data have just
changed) and kept (the cost of a repeat view). Aim: an awaiting-data page no slower than a
measured one. Runs on a throwaway SQLite database.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

WORKDIR = Path(tempfile.mkdtemp(prefix="bettercare-bench-plan-"))
os.environ["BETTERCARE_DATA_DIR"] = str(WORKDIR)
os.environ["BETTERCARE_DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
# Pages in-process, with the production cache but without collected static files.
os.environ["BETTERCARE_STATIC_MANIFEST"] = "0"
# In-process requests over plain HTTP, by an administrator without an authenticator.
os.environ["BETTERCARE_SSL_REDIRECT"] = "0"
os.environ["BETTERCARE_REQUIRE_TWO_FACTOR"] = "0"

AREA = "E10000018"
POPULATION = 150_000
REPEATS = 40


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def _plan(folder: Path) -> Path:
    from bettercare.core.periods import FinancialYear

    folder.mkdir()
    _write(
        folder / "programme.csv",
        [["area_code", "area_name", "area_type"], [AREA, "Leicestershire", "HWB"]],
    )
    year = FinancialYear(2025)
    rows: list[list[object]] = [
        ["area_code", "metric_code", "period_start", "period_end", "kind", "value"],
        [AREA, "bcf_emergency_admissions_65", "2024-04-01", "2025-03-31", "baseline", 1040],
        [AREA, "bcf_discharge_delay", "2024-04-01", "2025-03-31", "baseline", 2.3],
        [AREA, "bcf_care_home_admissions_65", "2024-04-01", "2025-03-31", "baseline", 300],
    ]
    for month in year.months():
        rows.append(
            [AREA, "bcf_emergency_admissions_65", month.first_day, month.last_day, "target", 1050]
        )
        rows.append([AREA, "bcf_discharge_delay", month.first_day, month.last_day, "target", 2.1])
    for quarter in range(4):
        first = year.months()[quarter * 3]
        rows.append(
            [
                AREA,
                "bcf_care_home_admissions_65",
                first.first_day,
                (first + 2).last_day,
                "target",
                70,
            ]
        )
    _write(folder / "metric_values.csv", rows)
    actuals: list[list[object]] = [
        ["area_code", "metric_code", "period_start", "period_end", "numerator", "denominator"]
    ]
    for index, month in enumerate(year.months()):
        count = 1500 + (index * 37) % 180
        actuals.append(
            [
                AREA,
                "bcf_emergency_admissions_65",
                month.first_day,
                month.last_day,
                count,
                POPULATION,
            ]
        )
    _write(folder.parent / "actuals.csv", actuals)
    return folder


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files
    from bettercare.cli.database import ensure_database

    ensure_database()
    from django.core.cache import cache
    from django.test import Client

    from bettercare.web.accounts.models import User
    from bettercare.web.programmes.imports import import_workbook

    plan = _plan(WORKDIR / "plan")
    assert import_workbook(plan, by=None).ok
    assert import_workbook(WORKDIR / "actuals.csv", by=None).ok
    admin = User.objects.create_superuser("bench", password="bench-password-not-used")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    pages = {
        "measured (SPC chart)": f"/areas/{AREA}/metrics/bcf_emergency_admissions_65/?period=2026-03",
        "awaiting data (plan chart)": f"/areas/{AREA}/metrics/bcf_discharge_delay/?period=2026-03",
    }
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert b"Data not yet available" in client.get(pages["awaiting data (plan chart)"]).content

    print(f"Metric page, in-process, median of {REPEATS} requests each, alternating")
    print(f"  {'page':<30} {'cold ms':>9} {'warm ms':>9}")
    results: dict[str, tuple[float, float]] = {}
    cold: dict[str, list[float]] = {name: [] for name in pages}
    warm: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(REPEATS):
        for name, url in pages.items():
            cache.clear()
            started = time.perf_counter()
            client.get(url)
            cold[name].append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(url)
            warm[name].append(time.perf_counter() - started)
    for name in pages:
        results[name] = (_median_ms(cold[name]), _median_ms(warm[name]))
        print(f"  {name:<30} {results[name][0]:9.1f} {results[name][1]:9.1f}")
    measured, awaiting = results["measured (SPC chart)"], results["awaiting data (plan chart)"]
    print(
        f"  awaiting / measured: {awaiting[0] / measured[0]:.2f}x cold, "
        f"{awaiting[1] / measured[1]:.2f}x warm (aim: at most 1.00x)"
    )


if __name__ == "__main__":
    sys.exit(main())
