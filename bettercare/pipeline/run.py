"""One pipeline run: check the inputs, aggregate on an engine, assemble, write.

On DuckDB the engine starts first: the inputs are checked on its connection while it compiles
its query in a thread (ADR 0134); any other engine starts once the inputs are good.

Framework-free (no Django): ``bettercare pipeline run`` calls :func:`run_pipeline`, and with
``--load`` hands the rows to :mod:`bettercare.web.performance.pipeline_load`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

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

__all__ = ["PipelineRun", "population_problems", "run_pipeline"]

Step = Callable[[str], None]


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


def _prepare(engine: DuckDBEngine, directory: Path, first: Month, last: Month) -> None:
    """Let ``engine`` compile its query for the inputs in ``directory`` while they are checked
    (nothing to prepare where they cannot be found: the checks say why)."""
    try:
        files, _ = find_inputs(directory)
    except InputError:
        return
    engine.prepare(files, first.first_day, last.last_day)


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
        With every problem in the inputs, before any computation.
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
    try:
        connection = None
        if engine == "duckdb" or isinstance(engine, DuckDBEngine):
            # DuckDB starts first: the checks run on its connection while it compiles its
            # query (ADR 0134). Other engines start only once the inputs are good.
            step("starting duckdb")
            duckdb_engine = engine if isinstance(engine, DuckDBEngine) else DuckDBEngine()
            runner, connection = duckdb_engine, duckdb_engine.connection
            _prepare(duckdb_engine, Path(directory), first, last)
            timings["start"] = time.perf_counter() - started
            mark = time.perf_counter()
        step("checking the input files")
        inputs = check_inputs(Path(directory), today=today, connection=connection)
        problems = population_problems(inputs, first)
        if problems:
            raise InputError(problems)
        timings["check"] = time.perf_counter() - mark
        mark = time.perf_counter()
        if runner is None:
            step(f"starting {engine if isinstance(engine, str) else engine.name}")
            runner = make_engine(engine) if isinstance(engine, str) else engine
        tables = runner.tables(inputs, first.first_day, last.last_day, step=step)
        timings["aggregate"] = time.perf_counter() - mark + timings.get("start", 0.0)
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
        values = assemble(tables, first=first, last=last, areas=inputs.areas, years=years)
    timings["assemble"] = time.perf_counter() - mark
    run = PipelineRun(runner.name, inputs, first, last, values, tables, timings=timings)
    if output is not None:
        mark = time.perf_counter()
        step(f"writing {Path(output).name}")
        run.output = write_metric_values(values, Path(output))
        timings["write"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return run
