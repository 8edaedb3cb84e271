"""Where a page's time goes: the view run in-process with Django's test client, timed in parts.

Every part is timed inclusively, in wall-clock and CPU time (the CPU time is what matters on a
busy machine, where wall-clock time includes waiting for a core), with the SQL run inside it.
The parts are wrapped for the measurement only (by patching module attributes in this process;
the production code is unchanged). ``--profile`` adds cProfile's top functions.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

#: (label, "module:attribute" or "module:Class.method") of the parts worth timing, outermost
#: first. A function is patched where the caller looks it up (the module that imported it).
PARTS: tuple[tuple[str, str], ...] = (
    ("view: overview", "bettercare.web.programmes.views:overview"),
    ("view: dashboard", "bettercare.web.programmes.views:dashboard"),
    ("  build_highlight_report", "bettercare.web.reporting.cached:build_highlight_report"),
    ("  build_dashboard", "bettercare.web.reporting.cached:build_dashboard"),
    ("    highlight_snapshot", "bettercare.web.reporting.highlight:highlight_snapshot"),
    ("    dashboard_snapshot", "bettercare.web.reporting.dashboard:dashboard_snapshot"),
    (
        "      area_metric_positions",
        "bettercare.web.reporting.queries:area_metric_positions",
    ),
    (
        "        MetricValue.observation",
        "bettercare.web.performance.models:MetricValue.observation",
    ),
    (
        "        metric_position (core maths)",
        "bettercare.web.performance.queries:metric_position",
    ),
    ("      scheme_rows", "bettercare.web.reporting.queries:scheme_rows"),
    ("    highlight_report (assembly)", "bettercare.web.reporting.highlight:highlight_report"),
    ("    dashboard_report (assembly)", "bettercare.web.reporting.dashboard:dashboard_report"),
    ("      metric_summary (narrative)", "bettercare.reports.positions:metric_summary"),
    ("  render_area_page", "bettercare.web.programmes.views:render_area_page"),
    ("    Jinja2 template render", "django.template.backends.jinja2:Template.render"),
)

#: (label, part, minus part): what is left of a part once another inside it is taken away.
DERIVED: tuple[tuple[str, str, str], ...] = (
    (
        "        rest: fetch rows, build models",
        "      area_metric_positions",
        "        metric_position (core maths)",
    ),
)


@dataclass
class Part:
    label: str
    calls: int = 0
    seconds: float = 0.0
    sql_seconds: float = 0.0
    queries: int = 0
    cpu_seconds: float = 0.0


@dataclass
class Recorder:
    """Inclusive timings of the parts, and the SQL run inside each."""

    parts: dict[str, Part] = field(default_factory=dict)
    sql_seconds: float = 0.0
    queries: int = 0
    depth: dict[str, int] = field(default_factory=dict)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        part = self.parts.setdefault(label, Part(label))

        def timed(*args: Any, **kwargs: Any) -> Any:
            # Recursion or re-entry counts once, at the outermost call.
            outer = self.depth.get(label, 0) == 0
            self.depth[label] = self.depth.get(label, 0) + 1
            sql, queries, start = self.sql_seconds, self.queries, time.perf_counter()
            cpu = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.depth[label] -= 1
                if outer:
                    part.calls += 1
                    part.seconds += time.perf_counter() - start
                    part.cpu_seconds += time.thread_time() - cpu
                    part.sql_seconds += self.sql_seconds - sql
                    part.queries += self.queries - queries

        return timed

    def execute(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - start
            self.queries += 1


@contextmanager
def patched(recorder: Recorder) -> Iterator[None]:
    """Wrap every part in PARTS and every SQL query for the duration."""
    from django.db import connection

    undo: list[tuple[Any, str, Any]] = []
    for label, target in PARTS:
        module_name, _, attribute = target.partition(":")
        owner: Any = import_module(module_name)
        *path, name = attribute.split(".")
        for step in path:
            owner = getattr(owner, step)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        undo.append((owner, name, original))
        setattr(owner, name, recorder.wrap(label, original))
    try:
        with connection.execute_wrapper(recorder.execute):
            yield
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def breakdown(paths: dict[str, list[str]], *, username: str, repeats: int, profile: bool) -> None:
    """Request each page's paths ``repeats`` times in turn and print where the time went."""
    from django.test import Client

    from bettercare.web.accounts.models import User

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    for page, page_paths in paths.items():
        statuses = {  # warm up: templates compiled, modules imported
            path: client.get(path).status_code for path in page_paths
        }
        failing = {path: status for path, status in statuses.items() if status != 200}
        if failing:
            print(f"{page}: not broken down, it does not answer 200: {failing}")
            continue
        recorder = Recorder()
        total = Part("whole request (test client)")
        with patched(recorder):
            for number in range(repeats):
                path = page_paths[number % len(page_paths)]
                sql, queries, start = recorder.sql_seconds, recorder.queries, time.perf_counter()
                cpu = time.thread_time()
                response = client.get(path)
                total.cpu_seconds += time.thread_time() - cpu
                total.seconds += time.perf_counter() - start
                total.sql_seconds += recorder.sql_seconds - sql
                total.queries += recorder.queries - queries
                total.calls += 1
                assert response.status_code == 200, (path, response.status_code)
        print(
            f"{page}: {repeats} requests over {len(page_paths)} areas, one at a time, in-process: "
            f"{total.seconds / repeats * 1000:.1f} ms wall, "
            f"{total.cpu_seconds / repeats * 1000:.1f} ms CPU per request"
        )
        print(
            f"  {'part (inclusive), per request':<40} {'calls':>6} {'wall ms':>8} {'CPU ms':>7} "
            f"{'SQL ms':>7} {'queries':>7} {'CPU share':>9}"
        )
        parts = [total, *recorder.parts.values()]
        for label, whole, inner in DERIVED:
            if whole in recorder.parts and inner in recorder.parts:
                big, small = recorder.parts[whole], recorder.parts[inner]
                rest = Part(
                    label,
                    big.calls,
                    big.seconds - small.seconds,
                    big.sql_seconds - small.sql_seconds,
                    big.queries - small.queries,
                    big.cpu_seconds - small.cpu_seconds,
                )
                parts.insert(parts.index(small) + 1, rest)
        for part in parts:
            if not part.calls:
                continue
            print(
                f"  {part.label:<40} {part.calls / repeats:6.0f} "
                f"{part.seconds / repeats * 1000:8.1f} {part.cpu_seconds / repeats * 1000:7.1f} "
                f"{part.sql_seconds / repeats * 1000:7.1f} {part.queries / repeats:7.0f} "
                f"{part.cpu_seconds / total.cpu_seconds:9.0%}"
            )
        print(
            "  (SQL ms: wall time in cursor.execute; fetching the rows and building model "
            "instances from them is in the part's time, not here)"
        )
        if profile:
            print_profile(client, page, page_paths, repeats)


def print_profile(client: Any, page: str, paths: list[str], repeats: int) -> None:
    """cProfile of the same requests (a pass of its own, as profiling slows everything)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(repeats):
        client.get(paths[number % len(paths)])
    profiler.disable()
    for order, restriction, title in (
        ("tottime", (20,), "top 20 functions by own time"),
        ("cumulative", ("bettercare/", 20), "top 20 bettercare functions by cumulative time"),
    ):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(*restriction)
        lines = [line for line in text.getvalue().splitlines() if line.strip()]
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"  cProfile of {page} ({repeats} requests), {title}:")
        print("\n".join("    " + line for line in lines[start:]))
