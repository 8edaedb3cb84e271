"""The engines: DuckDB (embedded, the default) and Apache Spark, both running the Ibis queries.

An engine reads the checked input files with their canonical types and returns the monthly
aggregates of :func:`bettercare.pipeline.definitions.aggregate_queries` and the populations,
all from one query (:func:`~bettercare.pipeline.definitions.combined_query`). Only that small
table comes back to Python, as Arrow; the records stream through the engine.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from bettercare.pipeline.aggregates import Aggregates, AggregateTables
from bettercare.pipeline.definitions import AGGREGATES, combined_query
from bettercare.pipeline.inputs import InputFile, Inputs
from bettercare.pipeline.schema import DATASETS, EARLIEST_DATE, Dataset

if TYPE_CHECKING:
    import duckdb

__all__ = ["ENGINES", "DuckDBEngine", "Engine", "SparkEngine", "make_engine"]

EngineName = Literal["duckdb", "spark", "reference"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")
Step = Callable[[str], None]
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
IBIS_TYPES = {"string": dt.string, "date": dt.date, "integer": dt.int64, "boolean": dt.boolean}
#: The same types in DuckDB's SQL, for the DuckDB engine's views.
SQL_TYPES = {"string": "VARCHAR", "date": "DATE", "integer": "BIGINT", "boolean": "BOOLEAN"}


class Engine(Protocol):
    """Computes the monthly aggregates of checked inputs for the months ``first`` to ``last``."""

    name: str

    def aggregates(
        self, inputs: Inputs, first: date, last: date, *, step: Step | None = None
    ) -> Aggregates: ...

    def tables(
        self, inputs: Inputs, first: date, last: date, *, step: Step | None = None
    ) -> AggregateTables: ...

    def close(self) -> None: ...


def _canonical(table: ir.Table, input_file: InputFile) -> ir.Table:
    """The dataset's columns only, each cast to its type where the file holds another."""
    columns = {}
    for field in input_file.dataset.fields:
        column = table[field.name]
        wanted = IBIS_TYPES[field.type]
        columns[field.name] = column if column.type() == wanted else column.cast(wanted)
    return table.select(**columns)


def _computed(datasets: Iterable[str]) -> list[str]:
    """The datasets of ``datasets`` an engine reads (all but the areas), in a fixed order."""
    return [name for name in DATASETS if name in set(datasets) and name != "areas"]


def _aggregate_names(datasets: Iterable[str]) -> list[str]:
    """The aggregates computed from ``datasets``, in :data:`AGGREGATES` order."""
    found = set(datasets)
    return [name for name, aggregate in AGGREGATES.items() if aggregate.dataset in found]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _IbisEngine(ABC):
    name = "ibis"

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    @abstractmethod
    def read(self, input_file: InputFile) -> ir.Table:
        """One input as a table on this backend (each backend reads files its own way)."""

    def aggregates(
        self, inputs: Inputs, first: date, last: date, *, step: Step | None = None
    ) -> Aggregates:
        return self.tables(inputs, first, last, step=step).aggregates()

    def tables(
        self, inputs: Inputs, first: date, last: date, *, step: Step | None = None
    ) -> AggregateTables:
        """The aggregates and populations as Arrow tables, from one query on the engine."""
        step = step or (lambda text: None)
        tables = {
            name: _canonical(self.read(input_file), input_file)
            for name, input_file in inputs.files.items()
            if name != "areas"
        }
        step(f"{self.name}: aggregates and population")
        query = combined_query(tables, first, last, _years(last))
        return split_combined(query.to_pyarrow(), _aggregate_names(tables))

    def close(self) -> None:
        disconnect = getattr(self.backend, "disconnect", None)
        if disconnect is not None:
            disconnect()


def _years(last: date) -> tuple[int, int]:
    """The population years read: every estimate up to the last year (a later month may use
    an earlier estimate)."""
    return (EARLIEST_DATE.year, last.year)


def split_combined(combined: pa.Table, aggregates: list[str]) -> AggregateTables:
    """The combined query's result (:func:`combined_query`) as one table an aggregate of
    ``aggregates`` (an empty one where it has no rows)."""
    names = combined.column("aggregate")
    found: dict[str, pa.Table] = {}
    for name in aggregates:
        aggregate = AGGREGATES[name]
        rows = combined.filter(pc.equal(names, pa.scalar(name)))
        keys = ["area_code", "month", "band"] if aggregate.banded else ["area_code", "month"]
        columns = {key: rows.column(key) for key in keys}
        for index, measure in enumerate(aggregate.measures):
            columns[measure] = rows.column(f"m{index}")
        found[name] = pa.table(columns)
    rows = combined.filter(pc.equal(names, pa.scalar("population")))
    population = pa.table(
        {
            "area_code": rows.column("area_code"),
            "year": rows.column("month"),
            "age_band": rows.column("age_band"),
            "population": rows.column("m0"),
        }
    )
    return AggregateTables(found, population)


class DuckDBEngine(_IbisEngine):
    """DuckDB in this process: no server, streams Parquet and CSV, uses every core.

    Its database also serves the input checks (on a cursor of :attr:`connection`), and the
    combined query is written against views of the inputs' canonical columns, not the files
    themselves: so it can be compiled and run from the files found while the inputs are being
    checked (ADR 0134, ADR 0139). The views cast each column to its type, as
    :func:`_canonical` does.
    """

    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        config: dict[str, Any] = {"preserve_insertion_order": False}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        super().__init__(ibis.duckdb.connect(**config))

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection the engine runs on (in UTC)."""
        connection: duckdb.DuckDBPyConnection = self.backend.con
        return connection

    def read(self, input_file: InputFile) -> ir.Table:
        """The input as a view of its canonical columns, and that view as an unbound table."""
        dataset = input_file.dataset
        columns = ", ".join(
            f"CAST({_quoted(field.name)} AS {SQL_TYPES[field.type]}) AS {_quoted(field.name)}"
            for field in dataset.fields
        )
        self.connection.execute(
            f"CREATE OR REPLACE TEMP VIEW {_quoted(_view(dataset))} AS "  # noqa: S608 - quoted
            f"SELECT {columns} FROM {input_file.duckdb_source()}"
        )
        return _canonical_table(dataset)

    def _compile(self, datasets: tuple[str, ...], first: date, last: date) -> tuple[ir.Table, str]:
        tables = {name: _canonical_table(DATASETS[name]) for name in datasets}
        query = combined_query(tables, first, last, _years(last))
        return query, self.backend.compile(query)

    def tables(
        self, inputs: Inputs, first: date, last: date, *, step: Step | None = None
    ) -> AggregateTables:
        """The aggregates and populations as Arrow tables, from one query on the engine."""
        return self.files_tables(inputs.files, first, last, step=step)

    def files_tables(
        self, files: dict[str, InputFile], first: date, last: date, *, step: Step | None = None
    ) -> AggregateTables:
        """The same for input files found but not necessarily checked yet: a run checks them
        on another connection meanwhile and keeps nothing of this unless they pass (ADR 0139).

        The query is compiled against unbound tables of the canonical schemas (it needs only
        the datasets' names and the months) and run on views of the files.
        """
        from ibis.backends.duckdb.converter import DuckDBPyArrowData

        step = step or (lambda text: None)
        datasets = tuple(_computed(files))
        query, sql = self._compile(datasets, first, last)
        for name in datasets:
            self.read(files[name])
        step(f"{self.name}: aggregates and population")
        found = self.connection.sql(sql).to_arrow_table()
        combined = query.__pyarrow_result__(found, data_mapper=DuckDBPyArrowData)
        return split_combined(combined, _aggregate_names(datasets))

    def interrupt(self) -> None:
        """Stop the query running on the engine's connection, if any (from another thread;
        nothing to stop once the engine is closed)."""
        import duckdb

        with contextlib.suppress(duckdb.ConnectionException):
            self.connection.interrupt()


def _view(dataset: Dataset) -> str:
    return f"bettercare_{dataset.name}"


def _canonical_table(dataset: Dataset) -> ir.Table:
    """An unbound table named like the DuckDB engine's view of ``dataset``, with its columns'
    canonical types."""
    return ibis.table(
        {field.name: IBIS_TYPES[field.type] for field in dataset.fields}, name=_view(dataset)
    )


def spark_session(master: str | None = None) -> Any:
    """A Spark session: the given master, else the configured one, else local mode.

    Quiet (no UI, no progress bars, errors only in the log), UTC, and with its warehouse in a
    temporary folder so that nothing is written where it runs.
    """
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    master = master or SparkConf().get("spark.master", None) or "local[*]"
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Python workers (risk scoring's Arrow batches) run this interpreter, with its
        # packages, not whichever ``python3`` is first on the PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.appName("bettercare-pipeline")
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="bettercare-spark-"))
        .config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}"
        )
    )
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2)).config(
            "spark.driver.memory", "4g"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine(_IbisEngine):
    """Apache Spark through PySpark: local mode on one machine, or a cluster's master."""

    name = "spark"

    def __init__(self, session: Any = None, *, master: str | None = None) -> None:
        from pyspark.sql import SparkSession

        # Stop the session on close only if this engine started it (not a shared one).
        self._owns_session = session is None and SparkSession.getActiveSession() is None
        self.session = session if session is not None else spark_session(master)
        self._views = 0
        super().__init__(ibis.pyspark.connect(self.session))

    def read(self, input_file: InputFile) -> ir.Table:
        paths = [str(path) for path in input_file.paths]
        reader = self.session.read
        if input_file.format == "parquet":
            frame = reader.parquet(*paths)
        else:
            frame = reader.csv(paths, header=True, inferSchema=False)
        self._views += 1
        view = f"bettercare_{input_file.dataset.name}_{self._views}"
        frame.createOrReplaceTempView(view)
        return self.backend.table(view)

    def close(self) -> None:
        if self._owns_session:
            self.session.stop()
            return
        # A shared session (tests, notebooks) stays up: only this engine's views go.
        for table in self.session.catalog.listTables():
            if table.name.startswith("bettercare_") and table.isTemporary:
                self.session.catalog.dropTempView(table.name)


def make_engine(name: str, *, spark_master: str | None = None) -> Engine:
    """The engine called ``name``: ``duckdb``, ``spark`` or ``reference``."""
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(master=spark_master)
    if name == "reference":
        from bettercare.pipeline.reference import ReferenceEngine

        return ReferenceEngine()
    raise ValueError(f"engine must be one of duckdb, spark or reference; got {name!r}")
