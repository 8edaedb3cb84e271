"""The ``bettercare`` command line: argument parsing only; the commands call the library."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from bettercare import __version__
from bettercare.cli.errors import UserError
from bettercare.cli.token_commands import add_token_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bettercare",
        description="Better Care Fund programme performance: data, statistics and board packs.",
    )
    parser.add_argument("--version", action="version", version=f"bettercare {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("init", help="create or migrate the database and load the metric registry")

    demo = commands.add_parser("demo", help="load the demonstration region and its demo users")
    demo.add_argument(
        "--password",
        help="password for the demo users (default: $BETTERCARE_DEMO_PASSWORD, else generated)",
    )

    load = commands.add_parser("import", help="import a programme workbook (.xlsx or CSV folder)")
    load.add_argument("path", type=Path, help="an .xlsx workbook or a folder of .csv files")
    load.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    load.add_argument("--format", choices=("text", "json"), default="text")
    load.add_argument("--as", dest="username", help="record the changes as this user")

    areas = commands.add_parser("areas", help="list the areas (code, name, type, parent)")
    areas.add_argument("--format", choices=("table", "json"), default="table")

    export = commands.add_parser("export", help="export an area's programme workbook")
    export.add_argument("path", type=Path, help="a .xlsx file, or a folder for CSV files")
    export.add_argument("--area", required=True, help="the area's ONS code, e.g. E10000018")

    metrics = commands.add_parser(
        "metrics", help="each metric's latest value, interval, target, RAG and trend"
    )
    metrics.add_argument("--area", required=True, help="the area's ONS code")
    metrics.add_argument("--period", required=True, help="the reporting month, YYYY-MM")
    metrics.add_argument("--format", choices=("table", "json"), default="table")

    period = commands.add_parser(
        "period", help="open, submit or sign off an area's reporting period (for scripts)"
    )
    period.add_argument(
        "action",
        choices=("open", "submit", "sign-off"),
        help="open the month; submit it (every scheme's return is in); sign it off (read-only)",
    )
    period.add_argument("--area", required=True, help="the area's ONS code, e.g. E10000016")
    period.add_argument("--period", required=True, help="the reporting month, YYYY-MM")
    period.add_argument("--as", dest="username", help="record the change as this user")

    serve = commands.add_parser("serve", help="serve the web app (gunicorn, production settings)")
    serve.add_argument("--host", help="address to listen on (default 0.0.0.0; --demo 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="local demonstration: this machine only, demo data and printed demo logins",
    )

    report = commands.add_parser(
        "report",
        help="a board pack: highlight report, integration dashboard, assurance matrix or the "
        "scheme descriptions",
    )
    report.add_argument("kind", choices=("highlight", "dashboard", "assurance", "schemes"))
    report.add_argument(
        "--area", required=True, help="the area's ONS code (a region for assurance)"
    )
    report.add_argument(
        "--period",
        help="the reporting month, YYYY-MM (default: the latest); not for assurance or schemes",
    )
    report.add_argument(
        "--round",
        dest="round_name",
        help="assurance only: the round, e.g. '2017-18 Q2' (default: the latest)",
    )
    report.add_argument("--format", choices=("pdf", "html", "xlsx"), required=True)
    report.add_argument("--output", type=Path, required=True, help="the file to write")

    pipeline = commands.add_parser(
        "pipeline", help="record-level metrics: synthetic inputs, and runs on DuckDB or Spark"
    )
    pipeline_commands = pipeline.add_subparsers(
        dest="pipeline_command", metavar="ACTION", required=True
    )
    synth = pipeline_commands.add_parser(
        "synth", help="write synthetic national record-level inputs (deterministic by seed)"
    )
    synth.add_argument("--out", required=True, type=Path, help="the folder to write")
    synth.add_argument("--years", type=int, default=5, help="financial years (default 5)")
    synth.add_argument(
        "--scale", type=float, default=0.01, help="fraction of England's size (default 0.01)"
    )
    synth.add_argument("--seed", type=int, default=20261123, help="random seed")
    synth.add_argument(
        "--first-year", default="2021-22", help="the first financial year (default 2021-22)"
    )
    synth.add_argument("--areas", type=int, default=150, help="HWB areas (default 150)")
    synth.add_argument(
        "--to",
        dest="last_month",
        help="stop after this month, YYYY-MM (e.g. the last complete one; default: the end "
        "of the last year)",
    )
    synth.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    pipeline_run = pipeline_commands.add_parser(
        "run", help="compute metric values from record-level inputs"
    )
    pipeline_run.add_argument("--input", required=True, type=Path, help="the inputs' folder")
    pipeline_run.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    pipeline_run.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
    pipeline_run.add_argument("--to", dest="last", required=True, help="last month, YYYY-MM")
    pipeline_run.add_argument(
        "--output", required=True, type=Path, help="a .csv or .parquet file to write"
    )
    pipeline_run.add_argument(
        "--load", action="store_true", help="also load the values into the database as actuals"
    )
    pipeline_run.add_argument(
        "--all-years",
        action="store_true",
        help="compute every metric for every period in the range, for history (default: only "
        "the financial years each metric's registry definition applies in)",
    )
    pipeline_run.add_argument("--as", dest="username", help="record the load as this user")
    pipeline_run.add_argument(
        "--spark-master", help="Spark master URL (default: configured, else local[*])"
    )

    peers = commands.add_parser("peers", help="peer groups for benchmarking")
    peers_commands = peers.add_subparsers(dest="peers_command", metavar="ACTION", required=True)
    peers_load = peers_commands.add_parser(
        "load", help="create or replace peer groups from a CSV (one row per member area)"
    )
    peers_load.add_argument(
        "path", type=Path, help="CSV with columns group,name,anchor,member,source,defined_by"
    )
    peers_load.add_argument("--as", dest="username", help="record the change as this user")
    alerts = commands.add_parser("alerts", help="alert rules, notifications and their emails")
    alert_commands = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    alerts_run = alert_commands.add_parser(
        "run", help="evaluate the rules, notify subscribers and send queued emails (scheduler)"
    )
    alerts_run.add_argument(
        "--dry-run",
        action="store_true",
        help="show the new alerts and who would hear; change nothing",
    )
    alerts_run.add_argument(
        "--today", help="judge the rules as at this day, YYYY-MM-DD (default: today)"
    )
    from bettercare.cli.risk_commands import add_risk_parser

    add_risk_parser(commands)
    backup = commands.add_parser("backup", help="back the database up to a file")
    backup.add_argument("path", type=Path, help="the backup file to write (must not exist)")
    restore = commands.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("path", type=Path, help="a file written by `bettercare backup`")

    user = commands.add_parser("user", help="user accounts: create, set a password, unlock")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    user_create = user_commands.add_parser("create", help="create a user (asks for a password)")
    user_create.add_argument("username")
    user_create.add_argument("--email", default="")
    user_create.add_argument("--first-name", default="")
    user_create.add_argument("--last-name", default="")
    user_create.add_argument(
        "--admin", action="store_true", help="an administrator (must add two-factor sign-in)"
    )
    user_create.add_argument(
        "--practice",
        metavar="CODE",
        help="staff of this GP practice: sees its patients (must add two-factor sign-in)",
    )
    user_create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    set_password = user_commands.add_parser("set-password", help="set a user's password")
    set_password.add_argument("username")
    set_password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    unlock = user_commands.add_parser(
        "unlock", help="clear the failed sign-ins that locked a username (or an address)"
    )
    unlock.add_argument("username", nargs="?", help="the locked username")
    unlock.add_argument("--address", help="also unlock this IP address")

    add_token_parser(commands)
    return parser


def run(args: argparse.Namespace) -> int:
    from bettercare.cli import commands
    from bettercare.cli.database import setup_django
    from bettercare.cli.extras import require_extras

    require_extras(args)
    if args.command == "pipeline":  # Django only for --load, set up there
        from bettercare.cli.pipeline_commands import command_pipeline

        return command_pipeline(args, sys.stdout)
    if args.command == "risk":  # Django only for load, set up there
        from bettercare.cli.risk_commands import command_risk

        return command_risk(args, sys.stdout)
    if args.command == "serve" and args.demo:
        # A local demonstration over plain HTTP on this machine only (serve refuses any other
        # address): the cookies cannot be HTTPS-only, there is no HTTPS to redirect to or
        # insist on, and the demo administrator signs in without a second factor.
        os.environ.setdefault("BETTERCARE_SECURE_COOKIES", "0")
        os.environ.setdefault("BETTERCARE_SSL_REDIRECT", "0")
        os.environ.setdefault("BETTERCARE_HSTS_DISABLED_REASON", "local demonstration over HTTP")
        os.environ.setdefault("BETTERCARE_REQUIRE_TWO_FACTOR", "0")
    setup_django()
    out = sys.stdout
    if args.command == "init":
        return commands.command_init(out)
    if args.command == "demo":
        return commands.command_demo(args.password, out)
    if args.command == "import":
        return commands.command_import(
            args.path,
            dry_run=args.dry_run,
            output_format=args.format,
            username=args.username,
            out=out,
        )
    if args.command == "areas":
        return commands.command_areas(args.format, out)
    if args.command == "export":
        return commands.command_export(args.path, args.area, out)
    if args.command == "metrics":
        return commands.command_metrics(args.area, args.period, args.format, out)
    if args.command == "period":
        from bettercare.cli.period_commands import command_period

        return command_period(args.action, args.area, args.period, args.username, out)
    if args.command == "serve":
        from bettercare.cli.serve import serve

        return serve(args.host, args.port, demo=args.demo, out=out)
    if args.command == "report":
        return commands.command_report(
            args.kind,
            args.area,
            args.period,
            args.format,
            args.output,
            out,
            round_name=args.round_name,
        )
    if args.command == "peers":
        return commands.command_peers_load(args.path, args.username, out)
    if args.command == "alerts":
        from bettercare.cli.alert_commands import command_alerts_run

        return command_alerts_run(dry_run=args.dry_run, today=args.today, out=out)
    if args.command in ("backup", "restore"):
        from bettercare.cli import backup

        if args.command == "backup":
            return backup.command_backup(args.path, out)
        return backup.command_restore(args.path, out)
    if args.command == "user":
        from bettercare.cli import user_commands

        return user_commands.command_user(args, out)
    if args.command == "token":
        from bettercare.cli.token_commands import command_token

        return command_token(args, out)
    raise AssertionError(f"unhandled command {args.command!r}")


#: Commands that hold nothing an orderly interpreter shutdown must release once they have
#: returned: the pack is written and its file closed, and any PDF process has been waited
#: for. The console script ends them at once (ADR 0138).
ENDED_AT_ONCE = frozenset({"report"})


def console() -> NoReturn:
    """The ``bettercare`` console script: :func:`main`, then the exit.

    Tearing the interpreter down (every module's objects freed one by one, Django's and
    WeasyPrint's among them) takes a tenth to a fifth of a second after a board pack is
    written, which is all the command has left to do. A command of :data:`ENDED_AT_ONCE`
    that returned normally flushes its output and the logs, closes the database connections
    and ends the process there; every other command, and any error, exits as usual.
    """
    argv = sys.argv[1:]
    code = main(argv)
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if code == 0 and command in ENDED_AT_ONCE:
        end_at_once(code)
    sys.exit(code)


def end_at_once(code: int) -> NoReturn:
    """Flush the streams and logs, close the database connections, end the process."""
    import logging

    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return run(args)
    except UserError as error:
        print(f"bettercare {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except ModuleNotFoundError as error:
        # An optional extra's module that a command reached without our check predicting it.
        from bettercare.cli.extras import extra_for_module, missing_extra_error

        extra = extra_for_module(error.name)
        if extra is None or error.name is None:
            raise
        print(
            f"bettercare {args.command}: error: {missing_extra_error(extra, error.name)}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
