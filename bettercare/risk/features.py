"""The features at an index date, written once in Ibis and run on DuckDB or Spark.

One row per patient born before the index date: the integer features of
:data:`bettercare.risk.schema.FEATURES` and, when asked, the outcomes of the 12 months from the
index date. Every value is an integer, so the engines agree exactly; scoring (floating point)
is then the same NumPy code whatever the engine (ADR 0040).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from bettercare.risk.clusters import CLUSTERS, DEFICITS, LONG_TERM_CONDITIONS
from bettercare.risk.schema import (
    FEATURE_NAMES,
    HISTORY_MONTHS,
    INPUTS,
    OUTCOME_MONTHS,
    OUTCOMES,
    add_months,
)

__all__ = ["ENGINES", "compute_features", "feature_query"]

ENGINES: tuple[str, ...] = ("duckdb", "spark", "reference")


def _any(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 if the condition holds on any row of the group, else 0 (``BOOL_OR``: on DuckDB a
    boolean aggregate costs less than the maximum of a 64-bit 0/1, ADR 0127)."""
    return condition.any().cast("int8")


def _count(table: ir.Table, condition: ir.BooleanValue) -> ir.IntegerValue:
    """The number of the group's rows on which the condition holds (a ``COUNT … FILTER``:
    a 64-bit count, where a sum of 0/1 would accumulate in 128 bits on DuckDB)."""
    return table.count(where=condition)


def feature_query(
    tables: dict[str, ir.Table], index_date: date, *, outcomes: bool = False
) -> ir.Table:
    """The features (and optionally outcomes) of every patient born before ``index_date``.

    Parameters
    ----------
    tables
        The input tables by name (``patients``, ``diagnoses``, ``medications``, ``activity``),
        with the columns of :data:`bettercare.risk.schema.INPUTS`.
    index_date
        The date the features describe: history is before it, outcomes from it.
    outcomes
        Also compute ``emergency_admission`` (any in the 12 months from the index date) and
        ``cost`` (the sum of activity costs starting in them).
    """
    index = ibis.date(index_date)
    history_start = ibis.date(add_months(index_date, -HISTORY_MONTHS))
    outcome_end = ibis.date(add_months(index_date, OUTCOME_MONTHS))
    patients = tables["patients"].filter(tables["patients"].date_of_birth < index)

    diagnoses = tables["diagnoses"]
    # Normalise each code once (a projection), then test it against every cluster's prefixes.
    before = diagnoses.filter(diagnoses.date < index).select(
        patient_id=diagnoses.patient_id, code=diagnoses.code.replace(".", "").strip().upper()
    )
    code = before.code
    flags = before.group_by(d_patient=before.patient_id).aggregate(
        **{
            cluster.name: _any(ibis.or_(*(code.startswith(prefix) for prefix in cluster.prefixes)))
            for cluster in CLUSTERS
        }
    )

    activity = tables["activity"]
    history = activity.filter(
        (activity.start_date >= history_start) & (activity.start_date < index)
    )
    emergency = history.activity_type == "emergency_admission"
    stay_end = ibis.least(history.end_date.fill_null(index), index)
    bed_days = ibis.ifelse(emergency, stay_end.delta(history.start_date, unit="day"), 0)
    used = history.group_by(a_patient=history.patient_id).aggregate(
        prior_emergency_admissions=_count(history, emergency),
        prior_bed_days=bed_days.cast("int64").sum(),
        ae_attendances=_count(history, history.activity_type == "ae_attendance"),
        outpatient_attendances=_count(history, history.activity_type == "outpatient_attendance"),
    )

    medications = tables["medications"]
    issued = medications.filter(
        (medications.issue_date >= history_start) & (medications.issue_date < index)
    )
    medicines = issued.group_by(m_patient=issued.patient_id).aggregate(
        distinct_medicines=issued.medicine_code.nunique().cast("int64")
    )

    joined = (
        patients.left_join(flags, patients.patient_id == flags.d_patient)
        .left_join(used, patients.patient_id == used.a_patient)
        .left_join(medicines, patients.patient_id == medicines.m_patient)
    )
    if outcomes:
        later = activity.filter(
            (activity.start_date >= index) & (activity.start_date < outcome_end)
        )
        outcome = later.group_by(o_patient=later.patient_id).aggregate(
            emergency_admission=_any(later.activity_type == "emergency_admission"),
            cost=later.cost.cast("int64").sum(),
        )
        joined = joined.left_join(outcome, joined.patient_id == outcome.o_patient)

    dob = joined.date_of_birth
    after_birthday = (dob.month() * 100 + dob.day()) > (index_date.month * 100 + index_date.day)
    zero = ibis.literal(0, "int64")
    columns: dict[str, Any] = {
        "patient_id": joined.patient_id,
        "practice_code": joined.practice_code,
        "age": (index_date.year - dob.year() - after_birthday.cast("int64")).cast("int64"),
        "female": (joined.sex == "F").cast("int64"),
        "deprivation_decile": joined.deprivation_decile.cast("int64"),
    }
    for cluster in CLUSTERS:
        columns[cluster.name] = joined[cluster.name].fill_null(zero).cast("int64")
    columns["ltc_count"] = sum(
        (columns[name] for name in LONG_TERM_CONDITIONS[1:]), columns[LONG_TERM_CONDITIONS[0]]
    )
    columns["frailty_deficits"] = sum(
        (columns[name] for name in DEFICITS[1:]), columns[DEFICITS[0]]
    )
    for name in (
        "prior_emergency_admissions",
        "prior_bed_days",
        "ae_attendances",
        "outpatient_attendances",
        "distinct_medicines",
    ):
        columns[name] = joined[name].fill_null(zero).cast("int64")
    columns["care_home"] = (
        joined.care_home_since.notnull() & (joined.care_home_since <= index)
    ).cast("int64")
    if outcomes:
        for name in OUTCOMES:
            columns[name] = joined[name].fill_null(zero).cast("int64")
    names = ("patient_id", "practice_code", *FEATURE_NAMES, *(OUTCOMES if outcomes else ()))
    return joined.select(**{name: columns[name] for name in names}).order_by("patient_id")


def _read_duckdb(backend: Any, path: Path) -> ir.Table:
    return backend.read_parquet(str(path))


def compute_features(
    data: Path,
    index_date: date,
    *,
    engine: str = "duckdb",
    outcomes: bool = False,
    spark_session: Any = None,
) -> pa.Table:
    """The feature table of the inputs in ``data`` at ``index_date``, as Arrow.

    ``engine`` is ``duckdb`` (in process, the default), ``spark`` (the given session, else a
    local one) or ``reference`` (plain Python; small data only). The inputs should have been
    checked (:func:`bettercare.risk.inputs.check_inputs`).
    """
    if engine == "reference":
        from bettercare.risk.reference import reference_features

        return reference_features(data, index_date, outcomes=outcomes)
    if engine == "duckdb":
        backend = ibis.duckdb.connect(
            preserve_insertion_order=False, temp_directory=tempfile.gettempdir()
        )
        try:
            tables = {
                name: _typed(_read_duckdb(backend, data / f"{name}.parquet"), name)
                for name in INPUTS
            }
            # ibis is untyped: its to_pyarrow() of a table expression is a pyarrow Table
            return cast(pa.Table, feature_query(tables, index_date, outcomes=outcomes).to_pyarrow())
        finally:
            backend.disconnect()
    if engine == "spark":
        with spark_feature_query(data, index_date, spark_session, outcomes=outcomes) as query:
            # ibis is untyped: its to_pyarrow() of a table expression is a pyarrow Table
            return cast(pa.Table, query.to_pyarrow())
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")


@contextmanager
def spark_feature_query(
    data: Path, index_date: date, spark_session: Any = None, *, outcomes: bool = False
) -> Iterator[ir.Table]:
    """The feature query on Spark (the given session, else a local one), its inputs read as
    temporary views for as long as the context lasts. ``.to_pyarrow()`` collects it; a
    scorer that works per partition takes its DataFrame (:func:`spark_frame`)."""
    from bettercare.pipeline.engines import spark_session as start

    session = spark_session or start()
    backend = ibis.pyspark.connect(session)
    tables = {}
    for name in INPUTS:
        view = f"bettercare_risk_{name}"
        session.read.parquet(str(data / f"{name}.parquet")).createOrReplaceTempView(view)
        tables[name] = _typed(backend.table(view), name)
    try:
        yield feature_query(tables, index_date, outcomes=outcomes)
    finally:
        for name in INPUTS:
            session.catalog.dropTempView(f"bettercare_risk_{name}")


def spark_frame(query: ir.Table) -> Any:
    """The Spark DataFrame of an Ibis expression on the PySpark backend (not collected)."""
    backend = query._find_backend()
    return backend._session.sql(str(backend.compile(query)))


_IBIS_TYPES = {"string": "string", "date": "date", "integer": "int64"}


def _typed(table: ir.Table, name: str) -> ir.Table:
    """The input's columns with their canonical types (an optional column may be absent)."""
    columns: dict[str, Any] = {}
    for column in INPUTS[name]:
        wanted = _IBIS_TYPES[column.type]
        if column.name not in table.columns:
            columns[column.name] = ibis.null().cast(wanted)
            continue
        value = table[column.name]
        columns[column.name] = (
            value if str(value.type()).rstrip("!") == wanted else value.cast(wanted)
        )
    return table.select(**columns)
