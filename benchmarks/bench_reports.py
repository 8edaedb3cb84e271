"""Board packs for the demo region: seconds per report and reports per minute.

Times building the report model from the database (the baseline) and rendering it to HTML,
PDF and Excel, for the fully worked area, then a batch of highlight PDFs for every area of
the region. Runs on a throwaway SQLite database.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

WORKDIR = Path(tempfile.mkdtemp(prefix="bettercare-bench-reports-"))
os.environ["BETTERCARE_DATA_DIR"] = str(WORKDIR)
os.environ["BETTERCARE_DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"

from benchmarks._timing import best_of  # noqa: E402


def main() -> None:
    from bettercare.cli.database import ensure_database

    ensure_database()
    from bettercare.core.periods import Month
    from bettercare.reports import excel
    from bettercare.reports.render import render_html, render_pdf
    from bettercare.web.demo_load import load_demo
    from bettercare.web.programmes.models import Area, ReportingPeriod
    from bettercare.web.programmes.queries import first_reportable_month
    from bettercare.web.reporting.dashboard import build_dashboard, theme_sections
    from bettercare.web.reporting.highlight import build_highlight_report
    from bettercare.web.reporting.packs import board_pack

    started = time.perf_counter()
    load_demo()
    print(f"Demo region loaded in {time.perf_counter() - started:.1f} s ({WORKDIR})")
    august = Month(2017, 8)
    area = Area.objects.get(code="E10000018")
    period = ReportingPeriod.objects.get(area=area, month=august.first_day)

    print(f"\nLeicestershire, {august.label} (best of 3)")
    print(f"  {'report':<34} {'seconds':>8} {'per minute':>11} {'x model':>8}")
    for name, build in (("highlight", build_highlight_report), ("dashboard", build_dashboard)):
        model_seconds, report = best_of(3, lambda build=build: build(period))
        renders = {
            "model only (baseline)": lambda build=build: build(period),
            "HTML": lambda report=report: render_html(report),
            "PDF": lambda report=report: render_pdf(report),
            "Excel": lambda report=report, name=name: (
                excel.highlight_workbook(report, theme_sections(period))
                if name == "highlight"
                else excel.dashboard_workbook(report)
            ),
            "PDF end to end (query + render)": lambda name=name: board_pack(
                name, area, august, "pdf"
            ),
        }
        for label, render in renders.items():
            seconds, _ = best_of(3, render)
            print(
                f"  {name + ' ' + label:<34} {seconds:8.3f} {60 / seconds:11.1f} {seconds / model_seconds:8.1f}"
            )

    # The areas of the region that existed in August 2017 (later ones report from their
    # creation: ADR 0080).
    areas = [
        area
        for area in Area.objects.filter(type=Area.Type.HWB).order_by("name")
        if first_reportable_month(area) <= august
    ]
    started = time.perf_counter()
    for each in areas:
        board_pack("highlight", each, august, "pdf")
    batch = time.perf_counter() - started
    print(
        f"\nBatch: highlight PDFs for all {len(areas)} areas of the region in {batch:.1f} s "
        f"({batch / len(areas):.2f} s per report, {60 * len(areas) / batch:.0f} reports per minute)"
    )
    print("Aim: a highlight report PDF in under 3 s on a 2-core machine.")
    command_line(august)


def command_line(month: object) -> None:
    """The CLI's start-up: ``bettercare --help``, and ``bettercare report`` end to end against
    building and rendering the same pack in this (warm) process, the floor. Beside the wall
    time, the CPU time of the command and the processes it started (a PDF's WeasyPrint runs
    in a second process beside Django's start-up: ADR 0126), which a busy machine inflates
    less than the wall time; and the load average, which says how busy it was."""
    import resource
    import subprocess

    from bettercare.web.programmes.models import Area
    from bettercare.web.reporting.packs import board_pack

    def run(command: list[str]) -> tuple[float, float]:
        """Wall and CPU seconds of one run of ``command``."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return wall, cpu

    def best(command: list[str], repeats: int = 3) -> tuple[float, float]:
        runs = [run(command) for _ in range(repeats)]
        return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)

    area = Area.objects.get(code="E10000018")
    executable = str(Path(sys.executable).with_name("bettercare"))
    print(
        f"\nThe command line, in a new process each time (best of 3; load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)"
    )
    help_wall, help_cpu = best([executable, "--help"])
    print(
        f"  {'bettercare --help':<44} {help_wall:8.3f} s  {help_wall / 0.3:5.2f}x the aim of "
        f"0.3 s; CPU {help_cpu:.3f} s"
    )
    for output in ("html", "pdf"):
        floor, _ = best_of(
            3,
            lambda output=output: board_pack("highlight", area, month, output),  # type: ignore[arg-type]
        )
        command = [
            executable,
            "report",
            "highlight",
            "--area",
            area.code,
            "--period",
            "2017-08",
            "--format",
            output,
            "--output",
            str(WORKDIR / f"pack.{output}"),
        ]
        wall, cpu = best(command)
        print(
            f"  {'bettercare report highlight --format ' + output:<44} {wall:8.3f} s  "
            f"{wall / 1.5:5.2f}x the aim of 1.5 s  {wall / floor:5.1f}x the pack built "
            f"in-process ({floor:.3f} s); CPU {cpu:.3f} s"
        )
    print(f"  (load average {os.getloadavg()[0]:.2f} at the end)")


if __name__ == "__main__":
    sys.exit(main())
