"""The ``bettercare`` commands: each parses nothing, calls the library and prints the result."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bettercare.cli.database import ensure_database, setup_django
from bettercare.cli.errors import UserError
from bettercare.core.periods import Month


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str], out: TextIO) -> None:
    """Print rows as aligned columns under their headers."""
    text = [[("" if cell is None else str(cell)) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    print(line, file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in text:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


def _user(username: str | None) -> Any:
    from bettercare.web.accounts.actions import command_line_user, user_by_username

    if username is None:
        return command_line_user()
    user = user_by_username(username)
    if user is None:
        raise UserError(f"there is no user called {username!r}")
    return user


def _area(code: str) -> Any:
    from bettercare.web.programmes.models import Area

    area = Area.objects.filter(code=code.strip().upper()).select_related("parent").first()
    if area is None:
        known = ", ".join(Area.objects.order_by("code").values_list("code", flat=True)[:5])
        hint = f" (for example {known}; `bettercare areas` lists them)" if known else ""
        raise UserError(f"unknown area {code!r}{hint}")
    return area


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise UserError(f"--period: {error}") from None


def _reportable_month(area: Any, text: str) -> Month:
    """``--period`` as a month the area can report; a one-line error naming the range."""
    from bettercare.web.programmes.queries import MonthOutOfRangeError, check_reportable

    month = _month(text)
    try:
        check_reportable(area, month)
    except MonthOutOfRangeError as error:
        raise UserError(f"--period: {error}") from None
    return month


def command_init(out: TextIO) -> int:
    from django.conf import settings

    done = ensure_database(verbose=False)
    database = settings.DATABASES["default"]
    where = (
        database["NAME"]
        if "sqlite" in database["ENGINE"]
        else f"{database['HOST']}/{database['NAME']}"
    )
    print(f"Database ready: {where}", file=out)
    for line in done or ["already up to date"]:
        print(f"  {line}", file=out)
    return 0


def _progress_bar(out: TextIO) -> Callable[[str, int], None] | None:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc="Writing", unit=" rows", file=sys.stderr, leave=False)

    def progress(sheet: str, rows: int) -> None:
        bar.set_postfix_str(sheet)
        bar.update(rows)

    return progress


def command_import(
    path: Path, *, dry_run: bool, output_format: str, username: str | None, out: TextIO
) -> int:
    from bettercare.web.programmes.imports import import_workbook
    from bettercare.workbook import WorkbookError

    ensure_database()
    by = _user(username)
    try:
        result = import_workbook(
            path,
            by=by,
            dry_run=dry_run,
            reason=f"bettercare import {Path(path).name} (by {getpass.getuser()})",
            progress=_progress_bar(out),
        )
    except WorkbookError as error:
        raise UserError(str(error)) from None
    if output_format == "json":
        print(
            json.dumps(
                {
                    "source": result.source,
                    "ok": result.ok,
                    "dry_run": result.dry_run,
                    "written": result.written,
                    "errors": [m.as_dict() for m in result.errors],
                    "warnings": [m.as_dict() for m in result.warnings],
                    "counts": {
                        sheet: {
                            "created": c.created,
                            "updated": c.updated,
                            "unchanged": c.unchanged,
                        }
                        for sheet, c in result.counts.items()
                    },
                },
                indent=2,
            ),
            file=out,
        )
    else:
        for message in result.messages:
            print(message, file=out)
        if not result.ok:
            print(
                f"{len(result.errors)} error(s), {len(result.warnings)} warning(s): "
                "nothing was imported.",
                file=out,
            )
        elif dry_run:
            print(
                f"{result.source} is valid ({len(result.warnings)} warning(s)); "
                "nothing was written (dry run).",
                file=out,
            )
        else:
            print(f"Imported {result.source} ({len(result.warnings)} warning(s)):", file=out)
            print_table(
                [
                    (sheet, c.created, c.updated, c.unchanged)
                    for sheet, c in result.counts.items()
                    if c.total
                ],
                ("sheet", "created", "updated", "unchanged"),
                out,
            )
    return 0 if result.ok else 1


def command_areas(output_format: str, out: TextIO) -> int:
    ensure_database()
    from bettercare.web.programmes.models import Area

    areas = [
        {
            "code": a.code,
            "name": a.name,
            "type": a.type,
            "parent": a.parent.code if a.parent else None,
        }
        for a in Area.objects.select_related("parent").order_by("code")
    ]
    if output_format == "json":
        print(json.dumps(areas, indent=2), file=out)
    else:
        print_table(
            [(a["code"], a["name"], a["type"], a["parent"]) for a in areas],
            ("code", "name", "type", "parent"),
            out,
        )
    return 0


def command_export(path: Path, area_code: str, out: TextIO) -> int:
    ensure_database()
    from bettercare.web.programmes.exports import export_workbook

    area = _area(area_code)
    path = Path(path)
    if path.suffix.lower() != ".xlsx" and path.exists() and not path.is_dir():
        raise UserError(f"{path} is a file: give a folder for CSV files, or a path ending in .xlsx")
    written = export_workbook(area, path)
    kind = "workbook" if written.suffix.lower() == ".xlsx" else "folder of CSV files"
    print(f"Exported {area.name} ({area.code}) to {written} ({kind})", file=out)
    return 0


def command_metrics(area_code: str, period: str, output_format: str, out: TextIO) -> int:
    ensure_database()
    from bettercare.web.performance.contract import metric_json
    from bettercare.web.performance.queries import area_metric_positions, metric_commentaries

    area = _area(area_code)
    month = _reportable_month(area, period)
    notes = metric_commentaries(area, month)
    entries = [
        metric_json(position, notes.get(metric.code))
        for metric, position in area_metric_positions(area, month)
    ]
    if output_format == "json":
        print(json.dumps(entries, indent=2), file=out)
        return 0

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:,.2f}"

    print_table(
        [
            (
                e["metric"],
                f"{e['period_start']} to {e['period_end']}",
                number(e["value"]) if e["status"] == "measured" else "awaiting data",
                f"{number(e['lower'])} - {number(e['upper'])}" if e["lower"] is not None else "",
                number(e["target"]),
                e["comparison"] or "",
                e["data_rag"],
                e["direction"] or "",
                e["variation_icon"] or "",
                e["assurance_icon"] or "",
            )
            for e in entries
        ],
        (
            "metric",
            "period",
            "value",
            "95% CI",
            "target",
            "comparison",
            "RAG",
            "direction",
            "variation",
            "assurance",
        ),
        out,
    )
    for entry in entries:
        for warning in entry["warnings"]:
            print(f"warning: {entry['metric']}: {warning}", file=out)
    return 0


__all__ = [
    "command_areas",
    "command_export",
    "command_import",
    "command_init",
    "command_metrics",
    "setup_django",
]


def command_peers_load(path: Path, username: str | None, out: TextIO) -> int:
    """Load peer groups (e.g. nearest statistical neighbours) for the benchmarking pages."""
    ensure_database()
    from bettercare.web.benchmarking.actions import (
        PeerGroupError,
        peer_groups_load,
        read_peer_group_file,
    )

    by = _user(username)
    try:
        groups = peer_groups_load(
            groups=read_peer_group_file(Path(path)), by=by, file_name=Path(path).name
        )
    except PeerGroupError as error:
        raise UserError(str(error)) from None
    for group in groups:
        print(f"{group.code}: {group.name} ({group.members.count()} areas)", file=out)
    print(f"Loaded {len(groups)} peer group{'s' if len(groups) != 1 else ''}.", file=out)
    return 0


def command_demo(password: str | None, out: TextIO) -> int:
    """Load the demonstration region and (re)set the demo logins, then print them."""
    import os
    import secrets
    import time

    ensure_database()
    from bettercare.web.demo_load import DemoError, create_demo_users, load_demo, print_logins

    if password is not None and not password.strip():
        raise UserError("--password must not be empty")
    password = password or os.environ.get("BETTERCARE_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    started = time.perf_counter()
    print("Loading the East Midlands demonstration region (demonstration data):", file=out)
    try:
        loaded = load_demo(out=out)
        users = create_demo_users(password)
    except DemoError as error:
        raise UserError(str(error)) from None
    latest = loaded.imports[-1][0]
    print(
        f"Done in {time.perf_counter() - started:.1f} s, {loaded.warnings} warning(s); the latest "
        f"reporting period is {latest.label} (Leicestershire, E10000018, is the fully worked "
        "example; August 2017 is its historical worked example).",
        file=out,
    )
    print(file=out)
    print_logins(users, password, out=out)
    return 0


def command_report(
    kind: str,
    area_code: str,
    period: str | None,
    output_format: str,
    output: Path,
    out: TextIO,
    *,
    round_name: str | None = None,
) -> int:
    """Write a board pack. A month is asked of the monthly packs only and a round of the
    assurance pack only: an option the pack cannot use is refused, never ignored."""
    # A PDF's WeasyPrint starts in its own process now, beside Django's start-up (ADR 0126).
    from bettercare.reports.pdf import PdfProcess, write_pdf

    writer = PdfProcess() if output_format == "pdf" else None
    try:
        ensure_database()
        from bettercare.web.programmes.models import Area
        from bettercare.web.reporting.packs import PackError, board_pack

        area = _area(area_code)
        if round_name and kind != "assurance":
            raise UserError(f"--round: only the assurance pack has rounds, not the {kind} pack")
        if period and kind == "schemes":
            raise UserError("--period: the scheme descriptions are of no month; leave it out")
        if period and kind == "assurance" and area.type == Area.Type.REGION:
            raise UserError(
                "--period: the assurance pack is of a round, not a month; give --round "
                "(e.g. --round '2017-18 Q2'), or neither for the latest round"
            )
        month = _month(period) if period else None
        try:
            pack = board_pack(
                kind,  # type: ignore[arg-type]  # board_pack refuses an unknown kind or format
                area,
                month,
                output_format,  # type: ignore[arg-type]
                round_name=round_name,
                pdf_writer=writer or write_pdf,
            )
        except PackError as error:
            raise UserError(str(error)) from None
    finally:
        if writer:
            writer.close()
    output = Path(output)
    if output.is_dir():
        output = output / pack.filename
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(pack.content)
    print(f"Wrote {output} ({len(pack.content):,} bytes)", file=out)
    return 0
