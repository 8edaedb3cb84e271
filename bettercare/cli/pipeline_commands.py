"""``bettercare pipeline synth`` and ``bettercare pipeline run``: record-level metrics.

Argument handling only; the work is in :mod:`bettercare.pipeline`. Neither command needs
Django unless ``run --load`` writes to the database.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from bettercare.cli.errors import UserError
from bettercare.core.periods import FinancialYear, Month

__all__ = ["command_pipeline"]


@contextmanager
def _stages(total: int | None = None, unit: str = " stages") -> Iterator[Callable[[str], None]]:
    """A progress callback: a tqdm bar on standard error when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        yield lambda text: None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, unit=unit, file=sys.stderr, leave=False)
    try:

        def step(text: str) -> None:
            bar.set_description_str(text)
            bar.update(1)

        yield step
    finally:
        bar.close()


def _month(option: str, text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise UserError(f"{option}: {error}") from None


def command_pipeline(args: argparse.Namespace, out: TextIO) -> int:
    """Dispatch ``bettercare pipeline ACTION``."""
    if args.pipeline_command == "synth":
        return command_synth(args, out)
    return command_run(args, out)


def command_synth(args: argparse.Namespace, out: TextIO) -> int:
    from bettercare.pipeline.synth import generate

    try:
        first_year = FinancialYear.parse(args.first_year)
    except ValueError as error:
        raise UserError(f"--first-year: {error}") from None
    last_month = None if args.last_month is None else _month("--to", args.last_month)
    started = time.perf_counter()
    progress: Callable[[str, int], None] | None = None
    bar: Any = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=args.years * args.areas, unit=" area-years", file=sys.stderr, leave=False)

        def progress(text: str, rows: int) -> None:
            bar.set_description_str(text)
            bar.update(1)

    try:
        summary = generate(
            Path(args.out),
            years=args.years,
            scale=args.scale,
            seed=args.seed,
            first_year=first_year,
            areas=args.areas,
            file_format=args.format,
            progress=progress,
            last_month=last_month,
        )
    except ValueError as error:
        raise UserError(str(error).replace("last_month", "--to", 1)) from None
    finally:
        if bar is not None:
            bar.close()
    years = f"{summary.years[0]} to {summary.years[-1]}"
    if last_month is not None:
        years += f" (up to {last_month})"
    print(
        f"Synthetic data (seed {args.seed}, scale {args.scale:g}) for {summary.areas} areas, "
        f"{years}, in {summary.directory} ({time.perf_counter() - started:.1f} s):",
        file=out,
    )
    for name, rows in summary.rows.items():
        print(f"  {name}: {rows:,} rows", file=out)
    return 0


def command_run(args: argparse.Namespace, out: TextIO) -> int:
    from bettercare.pipeline.inputs import InputError
    from bettercare.pipeline.run import run_pipeline

    first, last = _month("--from", args.first), _month("--to", args.last)
    if last < first:
        raise UserError(f"--to {last} is before --from {first}")
    output = Path(args.output)
    if output.suffix.lower() not in (".csv", ".parquet"):
        raise UserError(f"--output must end in .csv or .parquet, got {str(output)!r}")
    with _stages(total=9) as step:
        try:
            run = run_pipeline(
                Path(args.input),
                first=first,
                last=last,
                engine=_engine(args),
                output=output,
                step=step,
                years="all" if args.all_years else "in_force",
            )
        except InputError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            raise UserError(
                f"{len(error.problems)} problem(s) in the input files in {args.input}; "
                "nothing was written"
            ) from None
        except ValueError as error:
            raise UserError(str(error)) from None
    seconds = run.timings["total"]
    print(
        f"{len(run.values):,} metric values from {run.input_rows:,} input rows "
        f"({first} to {last}, {run.engine}) in {seconds:.1f} s "
        f"[check {run.timings['check']:.1f} s, {run.engine} {run.timings['aggregate']:.1f} s]: "
        f"{run.output}",
        file=out,
    )
    if args.load:
        _load(run, args, out)
    return 0


def _engine(args: argparse.Namespace) -> Any:
    if args.engine == "spark" and args.spark_master:
        from bettercare.pipeline.engines import SparkEngine

        return SparkEngine(master=args.spark_master)
    return args.engine


def _load(run: Any, args: argparse.Namespace, out: TextIO) -> None:
    from bettercare.cli.commands import _user
    from bettercare.cli.database import ensure_database

    ensure_database()
    from bettercare.web.performance.pipeline_load import LoadError, load_run

    by = _user(args.username)
    try:
        result = load_run(run, by=by, reason=f"bettercare pipeline run (by {getpass.getuser()})")
    except LoadError as error:
        raise UserError(str(error)) from None
    print(
        f"Loaded into the database as actual values ({result.source}): "
        f"{result.created:,} created, {result.updated:,} updated, {result.unchanged:,} unchanged"
        + (f", {result.kept:,} kept (not from the pipeline)" if result.kept else "")
        + (f"; {result.areas_created} area(s) created" if result.areas_created else "")
        + (
            f"; {result.periods_opened:,} reporting month(s) opened"
            if result.periods_opened
            else ""
        ),
        file=out,
    )
