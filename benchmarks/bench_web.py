"""The main pages of a large instance under concurrent load, served by the production server.

Builds a large instance (``--areas`` HWB areas, 150 by default, each with 5 themes, 30 schemes,
10 metrics x 60 months of actuals, targets, milestones, risks, funding, savings and 12
reporting periods of scheme returns: see ``benchmarks/web/instance.py``) as workbook rows,
imports it with ``import_workbook`` into a fresh SQLite database in a temporary folder (or into
the PostgreSQL database ``bench_web``, created and dropped here, with ``--database``), starts
``bettercare serve`` (gunicorn gthread + WhiteNoise, production settings, its default workers
and threads) on a free loopback port, signs in as a programme manager of ``--rotate`` areas of
the first region (and that region's assurance lead) and drives each page with ``wrk`` (Debian's
package): ``--clients`` keep-alive connections, each requesting the page for the next area as
soon as it has the last answer, for ``--seconds``. ``/healthz`` (no database query) is the
baseline. The pages are the area pages, the API's metrics, the home page, the region's
assurance matrix, the benchmarking pages, the plan, the key activities, a scheme's page and
the alerts.

Prints, per page: requests, errors (any status but 200, socket errors and time-outs), requests/s
and p50/p95/p99 latency, with the ratio of the page's p95 to ``/healthz``'s p95 under the same
load, and the server's CPU time per request (gunicorn's master and workers, read from /proc,
until the server is idle again: the figure that holds when other work shares the machine).
Each page starts on an idle server. Aim: overview and dashboard p95 under 150 ms at 20 clients on a 2-core machine. When one
misses it (or with ``--profile``), the overview, the dashboard, the metric page (whose aim is
10 ms of server time in-process), the scheme return and the periods page are run in-process with Django's test client against the same
database and the time is split into queries, core maths and template rendering (``--profile``
adds cProfile's top functions).

The load generator shares the machine with the server (as the aim asks) and so does anything
else running: the load average is printed before and after.

Run ``uv run python -m benchmarks.bench_web [--areas 150] [--clients 20] [--seconds 10]
[--rotate 8] [--pages overview,dashboard] [--database postgres://user@host:5432/postgres]
[--data-dir DIR] [--profile]``. ``--data-dir`` keeps the SQLite database there and reuses it
next time (skipping the import). Needs ``wrk``: ``apt-get install wrk``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from benchmarks.web.instance import (
    DEFAULT_SEED,
    HWBS_PER_ICB,
    ICBS_PER_REGION,
    LATEST,
    METRICS,
    REVISION,
    SCHEMES,
    hwb_code,
    instance_rows,
    region_code,
)
from benchmarks.web.load import LoadResult, drive, wrk_path

AIM_MS = 150.0
AIM_PAGES = ("overview", "dashboard")
#: Pages also broken down in-process: the metric page's aim is its server time there (10 ms);
#: the form pages were the furthest from /healthz (ADR 0130).
BROKEN_DOWN = (*AIM_PAGES, "metric detail", "scheme return", "periods")
USERNAME = "bench-manager"
#: The database created and dropped on --database's server (another name for a shared server).
POSTGRES_NAME = os.environ.get("BETTERCARE_BENCH_DATABASE_NAME", "bench_web")
#: Seconds ``bettercare serve`` may take to answer: collectstatic compresses every file first.
STARTUP_LIMIT = 300
#: (page, path template): {code} the area, {metric} a metric code, {scheme} a scheme id,
#: {month} the latest reporting month and {region} region 1 (the home page, the assurance
#: matrix and the alerts are one path each).
PAGES: tuple[tuple[str, str], ...] = (
    ("healthz", "/healthz"),
    ("overview", "/areas/{code}/"),
    ("dashboard", "/areas/{code}/dashboard/"),
    ("metrics", "/areas/{code}/metrics/"),
    ("metric detail", "/areas/{code}/metrics/{metric}/"),
    ("schemes", "/areas/{code}/schemes/"),
    ("scheme return", "/areas/{code}/schemes/{scheme}/return/{month}/"),
    ("milestones", "/areas/{code}/milestones/"),
    ("risks", "/areas/{code}/risks/"),
    ("finance", "/areas/{code}/finance/"),
    ("periods", "/areas/{code}/periods/"),
    ("api metrics", "/api/areas/{code}/metrics?period={month}"),
    ("home", "/"),
    ("assurance", "/regions/{region}/assurance/"),
    ("benchmark", "/areas/{code}/benchmark/"),
    ("metric benchmark", "/areas/{code}/metrics/{metric}/benchmark/"),
    ("plan", "/areas/{code}/plan/"),
    ("activities", "/areas/{code}/activities/"),
    ("scheme detail", "/areas/{code}/schemes/{scheme}/"),
    ("alerts", "/alerts/"),
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_web", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--areas", type=int, default=150, help="HWB areas (default 150)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument(
        "--seconds", type=float, default=10, help="load per page, 1 to 120 (default 10)"
    )
    parser.add_argument(
        "--rotate",
        type=int,
        default=8,
        help="areas the manager runs and the clients rotate over (default 8, all in region 1)",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="comma-separated pages to drive (default all): "
        + ", ".join(name for name, _ in PAGES),
    )
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds (default 5)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--database",
        help="a PostgreSQL server URL (postgres://user@host:5432/postgres): the benchmark "
        f"creates, uses and drops the database {POSTGRES_NAME} there (default: SQLite)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="keep the SQLite database here and reuse it when it holds the same instance",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="always break the overview and dashboard down, with cProfile's top functions",
    )
    parser.add_argument(
        "--repeats", type=int, default=30, help="in-process requests per page (default 30)"
    )
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120 or not 1 <= args.clients <= 200 or args.areas < 1:
        parser.error("--seconds must be 1 to 120, --clients 1 to 200, --areas at least 1")
    region_size = min(args.areas, HWBS_PER_ICB * ICBS_PER_REGION)
    if not 1 <= args.rotate <= region_size:
        parser.error(f"--rotate must be 1 to {region_size} (the HWBs of region 1)")
    names = [name for name, _ in PAGES]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()] or names
    unknown = [p for p in args.pages if p not in names]
    if unknown:
        parser.error(f"unknown page(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    if "healthz" not in args.pages:
        args.pages.insert(0, "healthz")  # the baseline is always measured
    if args.database and args.data_dir:
        parser.error("--data-dir keeps a SQLite database; it cannot be used with --database")
    return args


# -- the database ---------------------------------------------------------------------------


@contextmanager
def postgres_database(server_url: str, name: str = POSTGRES_NAME) -> Iterator[str]:
    """Create the database ``name`` on the server, yield its URL and drop it after."""
    import psycopg

    parts = urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--database must be a postgres:// URL, not {parts.scheme}://")
    admin_path = parts.path if parts.path not in ("", "/", f"/{name}") else "/postgres"
    admin = urlunsplit(parts._replace(path=admin_path))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists:
            raise SystemExit(
                f"the database {name} already exists (left by an interrupted run?): "
                f"drop it (DROP DATABASE {name}) and run again"
            )
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        print(f"Dropped the PostgreSQL database {name}.")


def production_environment(data_dir: Path, database_url: str) -> dict[str, str]:
    """The settings ``bettercare serve`` accepts as production, for loopback only."""
    return {
        "BETTERCARE_SECRET_KEY": secrets.token_urlsafe(64),
        "BETTERCARE_ALLOWED_HOSTS": "127.0.0.1",
        # Left on, as production_problems insists: the cookies are marked Secure, which the
        # load generator (sending the Cookie header itself over loopback HTTP) ignores.
        "BETTERCARE_SECURE_COOKIES": "1",
        # As behind a TLS-terminating proxy: the load generator speaks plain HTTP on loopback.
        "BETTERCARE_SSL_REDIRECT": "0",
        "BETTERCARE_TRUST_X_FORWARDED_PROTO": "1",
        "BETTERCARE_DATA_DIR": str(data_dir),
        "BETTERCARE_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bettercare.web.config.settings",
    }


def build_instance(args: argparse.Namespace, data_dir: Path) -> None:
    """Generate the instance's workbook rows and import them (or reuse a kept database)."""
    from bettercare.cli.database import ensure_database, setup_django

    setup_django()
    marker = data_dir / "bench-web-instance.txt"
    wanted = f"areas={args.areas} seed={args.seed} revision={REVISION}\n"
    if args.data_dir and marker.exists() and marker.read_text() == wanted:
        ensure_database()
        print(f"Reusing the instance in {data_dir} ({wanted.strip()}): not imported again")
        return
    start = time.perf_counter()
    rows = instance_rows(args.areas, args.seed)
    generated = time.perf_counter()
    from bettercare.web.accounts.actions import command_line_user
    from bettercare.web.programmes.imports import import_workbook
    from bettercare.workbook import write_workbook

    folder = write_workbook(data_dir / "workbook", rows)
    written = time.perf_counter()
    ensure_database()
    migrated = time.perf_counter()
    result = import_workbook(
        folder, by=command_line_user(), reason="bench_web: the benchmark instance"
    )
    imported = time.perf_counter()
    if not result.ok:
        problems = "; ".join(str(m) for m in result.errors[:5])
        raise SystemExit(f"the benchmark workbook has {len(result.errors)} error(s): {problems}")
    shutil.rmtree(folder)
    count = sum(len(sheet) for sheet in rows.values())
    print(
        f"Built {args.areas} areas: {count:,} workbook rows "
        f"({len(rows['metric_values']):,} metric values, "
        f"{len(rows['status_updates']):,} scheme statuses), {len(result.warnings)} warning(s)"
    )
    print(f"  generate rows                 {generated - start:7.1f} s")
    print(f"  write the CSV workbook        {written - generated:7.1f} s")
    print(f"  create the database (migrate) {migrated - written:7.1f} s")
    print(
        f"  import_workbook               {imported - migrated:7.1f} s  "
        f"({count / (imported - migrated):,.0f} rows/s)"
    )
    print(f"  total                         {imported - start:7.1f} s")
    if args.data_dir:
        marker.write_text(wanted)


def prepare_periods_and_user(args: argparse.Namespace) -> tuple[str, dict[str, list[int]]]:
    """Sign off every period but the latest; create the manager (also region 1's assurance
    lead); return its password and the rotated areas' scheme ids (S01 to S30 in order)."""
    from django.db import transaction
    from django.utils import timezone

    from bettercare.web.accounts.actions import command_line_user, membership_grant
    from bettercare.web.accounts.models import Role, User
    from bettercare.web.programmes.models import Area, ReportingPeriod, Scheme

    by = command_line_user()
    now = timezone.now()
    with transaction.atomic():
        # Not part of the workbook: the benchmark moves the periods on in one update (the
        # period actions would take minutes for 1,650 periods); the latest stays open.
        ReportingPeriod.objects.filter(month__lt=LATEST.first_day).exclude(
            state=ReportingPeriod.State.SIGNED_OFF
        ).update(
            state=ReportingPeriod.State.SIGNED_OFF,
            submitted_at=now,
            submitted_by=by,
            signed_off_at=now,
            signed_off_by=by,
        )
        user, _ = User.objects.get_or_create(
            username=USERNAME, defaults={"first_name": "Bench", "last_name": "Manager"}
        )
        password = secrets.token_urlsafe(16)
        user.set_password(password)
        user.save()
        codes = [hwb_code(index) for index in range(args.rotate)]
        for area in Area.objects.filter(code__in=codes):
            membership_grant(user=user, area=area, role=Role.PROGRAMME_MANAGER, by=None)
        # And region 1's assurance lead, to see its assurance matrix (and its areas).
        region = Area.objects.get(code=region_code(0))
        membership_grant(user=user, area=region, role=Role.REGIONAL_LEAD, by=None)
        schemes: dict[str, list[int]] = {code: [] for code in codes}
        for code, pk in (
            Scheme.objects.filter(area__code__in=codes)
            .order_by("ref")
            .values_list("area__code", "pk")
        ):
            schemes[code].append(pk)
    return password, schemes


def page_paths(args: argparse.Namespace, schemes: dict[str, list[int]]) -> dict[str, list[str]]:
    """Each page's paths, one per rotated area (metric and scheme vary with the area too)."""
    paths = {}
    for name, template in PAGES:
        if name not in args.pages:
            continue
        found = []
        for index, code in enumerate(schemes):
            path = template.format(
                code=code,
                metric=METRICS[index % len(METRICS)].code,
                scheme=schemes[code][(index * 7) % SCHEMES],
                month=str(LATEST),
                region=region_code(0),
            )
            if path not in found:
                found.append(path)
        paths[name] = found
    return paths


# -- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, dict[str, list[str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        found: dict[str, list[str]] = {}
        for key, value in response.getheaders():
            found.setdefault(key.lower(), []).append(value)
        return response.status, found, response.read()
    finally:
        connection.close()


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """``bettercare serve`` on a free loopback port, stopped with SIGTERM (gunicorn's
    graceful shutdown) when done."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bettercare", "serve", "--host", "127.0.0.1", f"--port={port}"],
            env={k: v for k, v in os.environ.items() if k != "BETTERCARE_DEBUG"} | env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        start = time.monotonic()
        while True:
            if process.poll() is not None:
                raise SystemExit(
                    f"bettercare serve stopped ({process.returncode}):\n{log.read_text()}"
                )
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - start > STARTUP_LIMIT:
                raise SystemExit(
                    f"bettercare serve did not answer /healthz in {STARTUP_LIMIT} s:\n"
                    f"{log.read_text()}"
                )
            time.sleep(0.2)
        print(
            f"bettercare serve answered /healthz {time.monotonic() - start:.1f} s after starting "
            "(it migrates, loads the registry and runs collectstatic first)",
            flush=True,
        )
        yield port, process.pid
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        print(f"Server stopped (exit {process.returncode}); its log: {log.name}")


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) used so far by the gunicorn master and its workers."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (command) "
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def settle(pid: int, limit: float = 60) -> None:
    """Wait until the server is idle: requests a finished load left in its queues are done.

    Otherwise the next page would be measured while the server still works on the last one.
    """
    deadline = time.monotonic() + limit
    before = server_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = server_cpu_seconds(pid)
        if now - before < 0.02:  # under 8% of a core: idle but for gunicorn's heartbeats
            return
        before = now


def answered(log: Path, offset: int) -> tuple[int, int]:
    """Requests gunicorn logged (one access-log line each) since ``offset``; the new offset."""
    with log.open("rb") as file:
        file.seek(offset)
        text = file.read()
    return text.count(b'] "GET '), offset + len(text)


def sign_in(port: int, password: str) -> str:
    """POST the sign-in form with its CSRF token; return the Cookie header of the session."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    cookies = SimpleCookie()
    for value in headers.get("set-cookie", []):
        cookies.load(value)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None or "csrftoken" not in cookies:
        raise SystemExit(f"the sign-in page did not offer a CSRF token (HTTP {status})")
    form = urlencode(
        {
            "username": USERNAME,
            "password": password,
            "csrfmiddlewaretoken": match[1].decode(),
        }
    )
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
        },
        body=form,
    )
    for value in headers.get("set-cookie", []):
        cookies.load(value)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"signing in failed (HTTP {status})")
    return f"sessionid={cookies['sessionid'].value}; csrftoken={cookies['csrftoken'].value}"


# -- reporting ------------------------------------------------------------------------------


def print_results(
    results: dict[str, LoadResult],
    sizes: dict[str, float],
    cpu_ms: dict[str, float],
    args: argparse.Namespace,
) -> None:
    baseline = results["healthz"].p95
    cores = os.cpu_count() or 1
    print()
    print(
        f"{'page':<16} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p95/healthz':>12} {'CPU ms/req':>11} {'KB':>6}"
    )
    for name, result in results.items():
        ratio = "baseline" if name == "healthz" else f"{result.p95 / baseline:11.1f}x"
        print(
            f"{name:<16} {result.requests:9,} {result.errors:7,} {result.rps:8.1f} "
            f"{result.p50:8.1f} {result.p95:8.1f} {result.p99:8.1f} {ratio:>12} "
            f"{cpu_ms.get(name, 0):11.1f} {sizes.get(name, 0):6.0f}"
        )
        if result.errors:
            print(
                f"  {'':<14} statuses other than 200 seen: {result.statuses or '(socket errors)'}"
            )
    print(
        f"(CPU ms/req: the server's CPU time (all workers) per request it answered; "
        f"{cores} cores serve at most about {cores} x 1000 / that many requests a second. "
        "KB: one answer's size.)"
    )
    print()
    for name in AIM_PAGES:
        if name in results:
            p95 = results[name].p95
            verdict = "met" if p95 < AIM_MS else "MISSED"
            print(
                f"Aim {name}: p95 {p95:.0f} ms at {args.clients} clients, aim < {AIM_MS:.0f} ms: "
                f"{verdict} (server CPU {cpu_ms.get(name, 0):.0f} ms/request)"
            )
    # Closed loop: each client asks again as soon as it is answered, so the server always
    # holds ``clients`` requests and latency ~ clients / throughput (Little's law).
    needed = args.clients / (AIM_MS / 1000)
    print(
        f"(With {args.clients} clients asking again as soon as they are answered, "
        f"p95 < {AIM_MS:.0f} ms needs roughly {needed:.0f} requests/s or more, which {cores} "
        f"cores give only at <= {cores * 1000 / needed:.0f} ms of server CPU per request; "
        f"/healthz takes {cpu_ms.get('healthz', 0):.1f}.)"
    )


def main() -> None:
    args = arguments()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress as it goes
    wrk_path()  # fail before building anything if wrk is missing
    scratch = Path(tempfile.mkdtemp(prefix="bettercare-bench-web-"))
    data_dir = args.data_dir.resolve() if args.data_dir else scratch
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        if args.database:
            with postgres_database(args.database) as url:
                run(args, scratch, data_dir, url)
        else:
            run(args, scratch, data_dir, f"sqlite:///{data_dir / 'bench.sqlite3'}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path, data_dir: Path, database_url: str) -> None:
    env = production_environment(data_dir, database_url)
    os.environ.update(env)  # before Django starts in this process
    os.environ.pop("BETTERCARE_DEBUG", None)
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"bench_web: {args.areas} areas on {engine}, seed {args.seed}")
    build_instance(args, data_dir)
    password, schemes = prepare_periods_and_user(args)
    paths = page_paths(args, schemes)
    from django.db import connections

    connections.close_all()  # the server has the database to itself while it is measured

    cores = os.cpu_count() or 1
    workers = os.environ.get("BETTERCARE_WORKERS") or str(cores + 1)
    threads = os.environ.get("BETTERCARE_THREADS") or "4"
    results: dict[str, LoadResult] = {}
    sizes: dict[str, float] = {}
    cpu_ms: dict[str, float] = {}
    log = scratch / "server.log"
    with server(env, log) as (port, pid):
        cookie = sign_in(port, password)
        base = f"http://127.0.0.1:{port}"
        print(
            f"Serving on {base} with gunicorn gthread: {workers} workers x {threads} threads; "
            f"{cores} cores; load generator wrk on the same machine"
        )
        print(
            f"Signed in as {USERNAME}, programme manager of {args.rotate} areas of region 1 "
            f"({', '.join(schemes)}) and region 1's assurance lead; each page rotates over them"
        )
        for name, page in paths.items():
            status, _, body = request(port, "GET", page[0], headers={"Cookie": cookie})
            sizes[name] = len(body) / 1024
            if status != 200:
                print(f"  warning: {name} {page[0]} answered HTTP {status}")
        everything = [path for page in paths.values() for path in page]
        drive(
            base,
            everything,
            cookie=cookie,
            clients=args.clients,
            seconds=args.warmup,
            scratch=scratch,
            name="warmup",
        )
        load = os.getloadavg()
        print(
            f"Load average before: {load[0]:.2f} (1 min) on {cores} cores"
            + (
                "  -- the machine is busy: latencies will be inflated"
                if load[0] > cores / 2
                else ""
            )
        )
        print(
            f"Driving each page with {args.clients} clients for {args.seconds:.0f} s "
            f"(after a {args.warmup:.0f} s warm-up of all pages):"
        )
        settle(pid)
        _, offset = answered(log, 0)
        for name, page in paths.items():
            cpu = server_cpu_seconds(pid)
            result = drive(
                base,
                page,
                cookie=cookie,
                clients=args.clients,
                seconds=args.seconds,
                scratch=scratch,
                name=re.sub(r"\W+", "-", name),
            )
            results[name] = result
            settle(pid)  # and count the CPU of the requests still in flight when wrk stopped
            served, offset = answered(log, offset)
            cpu_ms[name] = (server_cpu_seconds(pid) - cpu) * 1000 / max(1, served)
            print(
                f"  {name:<16} {result.rps:7.1f} req/s  p50 {result.p50:7.1f} ms  "
                f"p95 {result.p95:7.1f} ms  errors {result.errors}  "
                f"server CPU {cpu_ms[name]:.1f} ms/request",
                flush=True,
            )
        load = os.getloadavg()
        print(f"Load average after: {load[0]:.2f} (1 min)")
    print_results(results, sizes, cpu_ms, args)
    missed = any(n in results and results[n].p95 >= AIM_MS for n in AIM_PAGES)
    if missed or args.profile:
        from benchmarks.web.breakdown import breakdown

        print()
        print(
            "Where the time goes (in-process, no concurrency, same database"
            + ("; the aim was missed" if missed else "")
            + "):"
        )
        wanted = {n: paths.get(n) or page_paths_for(n, args, schemes) for n in BROKEN_DOWN}
        breakdown(wanted, username=USERNAME, repeats=args.repeats, profile=args.profile)


def page_paths_for(name: str, args: argparse.Namespace, schemes: dict[str, list[int]]) -> list[str]:
    every = argparse.Namespace(**{**vars(args), "pages": [name]})
    return page_paths(every, schemes)[name]


if __name__ == "__main__":
    main()
