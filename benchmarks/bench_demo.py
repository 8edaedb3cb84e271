"""Loading the current-year demo into a fresh SQLite database, as `make run` does first.

Prints, from the same run: generating the demo's rows without a database (the floor: the
work every load must do before writing anything), the first load of all three stages
(migrations already applied), the first page a user sees (the overview of Leicestershire's
newest month, through Django's test client), and loading again (the idempotent path).
Aim: `make run` serves its first page within 60 s of the install finishing on two cores.

Run ``uv run python -m benchmarks.bench_demo``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

WORKDIR = Path(tempfile.mkdtemp(prefix="bettercare-bench-demo-"))
os.environ["BETTERCARE_DATA_DIR"] = str(WORKDIR)
os.environ["BETTERCARE_DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
# The first page is asked for in-process over plain HTTP, as `serve --demo` serves it.
os.environ.setdefault("BETTERCARE_SSL_REDIRECT", "0")
os.environ.setdefault("BETTERCARE_REQUIRE_TWO_FACTOR", "0")

AIM_SECONDS = 60.0


def _line(label: str, seconds: float, floor: float | None = None, note: str = "") -> None:
    ratio = f"  {seconds / floor:6.2f}x floor" if floor else ""
    print(f"  {label:<48} {seconds:8.2f} s{ratio}{note}")


def main() -> None:
    started = time.perf_counter()
    from bettercare.cli.database import ensure_database

    ensure_database()
    migrated = time.perf_counter() - started
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)  # as `bettercare serve` does
    collected = time.perf_counter() - started

    from bettercare.demo import build_demo

    started = time.perf_counter()
    demo = build_demo()
    generated = time.perf_counter() - started

    from django.test import Client

    from bettercare.web.accounts.models import User
    from bettercare.web.demo_load import create_demo_users, load_demo

    started = time.perf_counter()
    load_demo()
    create_demo_users("bench-demo-password")
    first_load = time.perf_counter() - started

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="manager"))
    started = time.perf_counter()
    response = client.get("/areas/E10000018/")
    first_page = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    assert demo.latest.as_at.label in response.content.decode()  # the current year first

    started = time.perf_counter()
    again = load_demo()
    reload = time.perf_counter() - started
    rows = sum(len(rows) for rows in demo.latest.rows.values())

    print(f"The current-year demo ({demo.latest.as_at.label}, {rows:,} rows), on {WORKDIR}:")
    _line("create the database (migrations, registry)", migrated)
    _line("collect static files (not the demo's)", collected)
    _line("generate the rows, no database (floor)", generated)
    _line("first load: three stages, periods, logins", first_load, generated)
    _line("first page: Leicestershire's overview", first_page)
    _line("load again (nothing changes)", reload, generated, f"  {again.warnings} warning(s)")
    for label, total in (
        ("database, demo and first page", migrated + first_load + first_page),
        ("all of it, static files included", migrated + collected + first_load + first_page),
    ):
        print(
            f"  {label:<48} {total:8.2f} s  {total / AIM_SECONDS:6.2f}x the aim of "
            f"{AIM_SECONDS:.0f} s"
        )


if __name__ == "__main__":
    main()
