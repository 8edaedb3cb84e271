"""One pipeline run: check the inputs, aggregate on an engine, assemble, write.

On DuckDB the engine starts first: the inputs are checked on its database in a thread while it
compiles and runs its query, whose result is kept only once they pass (ADR 0139); any other
engine starts once the inputs are good.

Framework-free (no Django): ``bettercare pipeline run`` calls :func:`run_pipeline`, and with
``--load`` hands the rows to :mod:`bettercare.web.performance.pipeline_load`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bettercare.core.periods import Month
from bettercare.pipeline.aggregates import Aggregates, AggregateTables
from bettercare.pipeline.assembly import MetricValues, assemble
from bettercare.pipeline.engines import DuckDBEngine, Engine, make_engine
from bettercare.pipeline.inputs import InputError, Inputs, Problem, check_inputs, find_inputs
from bettercare.pipeline.metrics import (
    MetricValueRow,
    Years,
    check_years,
    metric_values,
    population_year,
)
from bettercare.pipeline.output import FORMATS, write_metric_values
from bettercare.registry import MetricDefinition, load_registry

if TYPE_CHECKING:
    import duckdb

__all__ = ["PipelineRun", "population_problems", "run_pipeline"]

Step = Callable[[str], None]
Registry = dict[str, MetricDefinition]


@dataclass
class PipelineRun:
    """What a run did: its engine, inputs, months, values, output and the time of each stage.

    ``values`` are columns; :attr:`rows` (one object a value) and :attr:`aggregates` (as
    dicts) are built from them and from ``tables`` when first asked for.
    """

    engine: str
    inputs: Inputs
    first: Month
    last: Month
    values: MetricValues | list[MetricValueRow]
    tables: AggregateTables
    output: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @cached_property
    def rows(self) -> list[MetricValueRow]:
        """Every value as a :class:`MetricValueRow`, sorted by area, metric and period."""
        if isinstance(self.values, MetricValues):
            return self.values.rows()
        return self.values

    @cached_property
    def aggregates(self) -> Aggregates:
        """The monthly aggregates and populations as plain dicts."""
        return self.tables.aggregates()

    @property
    def input_rows(self) -> int:
        return sum(count for name, count in self.inputs.rows.items() if name != "areas")


def population_problems(inputs: Inputs, first: Month) -> list[Problem]:
    """Areas without any population estimate usable for ``first`` (that year or earlier)."""
    wanted = population_year(first)
    label = inputs.files["population"].label
    return [
        Problem(
            label,
            f"has no estimate for area {area} for mid-{wanted} or earlier, needed from {first}",
            column="year",
            expected=f"an estimate for mid-{wanted} (or an earlier year) for every area",
        )
        for area, years in sorted(inputs.population_years.items())
        if not years or min(years) > wanted
    ]


def _checked(
    directory: Path,
    first: Month,
    today: date | None,
    connection: duckdb.DuckDBPyConnection | None,
) -> Inputs:
    """The checked inputs in ``directory``, with a population for ``first`` in every area."""
    inputs = check_inputs(directory, today=today, connection=connection)
    problems = population_problems(inputs, first)
    if problems:
        raise InputError(problems)
    return inputs


def _duckdb_tables(
    engine: DuckDBEngine,
    directory: Path,
    first: Month,
    last: Month,
    today: date | None,
    step: Step,
    timings: dict[str, float],
) -> tuple[Inputs, Registry, AggregateTables]:
    """Check the inputs in ``directory`` on a cursor of ``engine`` in a thread while the
    engine compiles and runs its query on the files found (ADR 0139); the thread then reads
    the metric registry the assembly needs, while DuckDB still computes.

    The query only reads, and its result is kept only once the checks pass: a problem raises
    :class:`InputError` (stopping the query) and nothing is written. An error of the engine on
    inputs with problems is theirs; on good inputs it is the engine's own.
    """
    files, problems = find_inputs(directory)
    if problems:  # check_inputs names them, with every other problem, before any work
        check_inputs(directory, today=today, connection=engine.connection)
        raise InputError(problems)  # not reached: check_inputs raises
    cursor = engine.connection.cursor()
    started = time.perf_counter()

    def checked() -> tuple[Inputs, Registry]:
        try:
            inputs = _checked(directory, first, today, cursor)
        finally:
            cursor.close()
            timings["check"] = time.perf_counter() - started
        return inputs, load_registry()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bettercare-checks")
    checking = pool.submit(checked)
    pool.shutdown(wait=False)  # the thread ends with its one task

    def stop_engine_on_problems(done: Future[tuple[Inputs, Registry]]) -> None:
        if done.exception() is not None:
            engine.interrupt()

    checking.add_done_callback(stop_engine_on_problems)

    def step_unless_stopped(text: str) -> None:
        # Called just before the query starts: problems found by then stop the run here.
        if checking.done() and checking.exception() is not None:
            checking.result()
        step(text)

    try:
        tables = engine.files_tables(
            files, first.first_day, last.last_day, step=step_unless_stopped
        )
    except Exception:
        checking.result()  # bad inputs: their problems, not what the engine made of them
        raise
    if not checking.done():
        step("waiting for the input checks")
    inputs, registry = checking.result()
    return inputs, registry, tables


def run_pipeline(
    directory: Path,
    *,
    first: Month,
    last: Month,
    engine: str | Engine = "duckdb",
    output: Path | None = None,
    step: Step | None = None,
    today: date | None = None,
    years: Years = "all",
) -> PipelineRun:
    """Check the inputs in ``directory``, compute every metric from ``first`` to ``last``.

    ``years="in_force"`` computes each metric only for the periods of the financial years its
    registry definition applies in (what ``bettercare pipeline run`` does by default);
    ``"all"`` computes every metric for every period, for history.

    Raises
    ------
    InputError
        With every problem in the inputs, before any metric value is computed or written.
    ValueError
        For a range that ends before it starts or an output that is not .csv or .parquet.
    """
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    check_years(years)
    if output is not None and Path(output).suffix.lower() not in FORMATS:
        raise ValueError(
            f"--output must end in .csv or .parquet to choose its format; got {str(output)!r}"
        )
    step = step or (lambda text: None)
    timings: dict[str, float] = {}
    started = mark = time.perf_counter()
    owned = isinstance(engine, str)
    runner: Engine | None = None
    registry: Registry | None = None  # read by assemble unless read already
    try:
        if engine == "duckdb" or isinstance(engine, DuckDBEngine):
            # DuckDB starts first: the inputs are checked on its database while it computes
            # (ADR 0139). Other engines start only once the inputs are good.
            step("starting duckdb")
            duckdb_engine = engine if isinstance(engine, DuckDBEngine) else DuckDBEngine()
            runner = duckdb_engine
            timings["start"] = time.perf_counter() - started
            step("checking inputs, compiling the query")
            inputs, registry, tables = _duckdb_tables(
                duckdb_engine, Path(directory), first, last, today, step, timings
            )
        else:
            step("checking the input files")
            inputs = _checked(Path(directory), first, today, None)
            timings["check"] = time.perf_counter() - mark
            mark = time.perf_counter()
            step(f"starting {engine if isinstance(engine, str) else engine.name}")
            runner = make_engine(engine) if isinstance(engine, str) else engine
            tables = runner.tables(inputs, first.first_day, last.last_day, step=step)
        timings["aggregate"] = time.perf_counter() - mark
    finally:
        if owned and runner is not None:
            runner.close()
    mark = time.perf_counter()
    step("computing the metric values")
    values: MetricValues | list[MetricValueRow]
    if runner.name == "reference":
        # The oracle stays plain Python all the way: dict aggregates, row by row, csv module.
        values = metric_values(
            tables.aggregates(), first=first, last=last, areas=inputs.areas, years=years
        )
    else:
        values = assemble(
            tables, first=first, last=last, areas=inputs.areas, registry=registry, years=years
        )
    timings["assemble"] = time.perf_counter() - mark
    run = PipelineRun(runner.name, inputs, first, last, values, tables, timings=timings)
    if output is not None:
        mark = time.perf_counter()
        step(f"writing {Path(output).name}")
        run.output = write_metric_values(values, Path(output))
        timings["write"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return run
