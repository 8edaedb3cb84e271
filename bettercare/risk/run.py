"""The steps the ``bettercare risk`` commands run: check, compute features, train or score."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from bettercare.risk.features import compute_features, spark_feature_query, spark_frame
from bettercare.risk.inputs import check_inputs
from bettercare.risk.model import score, train
from bettercare.risk.schema import OUTCOME_MONTHS, add_months
from bettercare.risk.spark_scoring import score_spark_frame

__all__ = [
    "OBSERVED",
    "SCORE_METADATA",
    "data_end",
    "score_population",
    "train_model",
    "write_scores",
]

#: The optional column of a past refresh: admitted in the 12 months after the index date.
OBSERVED = "emergency_admission_observed"
#: Keys of the provenance stored in a scores file's Parquet metadata.
SCORE_METADATA = ("index_date", "model_id", "feature_version", "engine", "data")


def data_end(data: Path) -> date:
    """The first day of the month after the last activity in the data: the latest index date
    whose 12 months of history are complete."""
    path = str(data / "activity.parquet").replace("'", "''")
    connection = duckdb.connect()
    try:
        last = connection.execute(
            f"SELECT max(CAST(start_date AS DATE)) FROM read_parquet('{path}')"  # noqa: S608
        ).fetchone()
    finally:
        connection.close()
    if last is None or last[0] is None:
        raise ValueError(f"{data / 'activity.parquet'}: has no activity; expected at least a year")
    day: date = last[0]
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def train_model(
    data: Path,
    *,
    index_date: date | None = None,
    engine: str = "duckdb",
    spark_session: Any = None,
    compare_boosted: bool = True,
) -> dict[str, Any]:
    """Check the inputs, fit at ``index_date`` and evaluate 12 months later.

    The default index date is 24 months before :func:`data_end`, the latest with a complete
    held-out year of outcomes after the training year.
    """
    check_inputs(data)
    end = data_end(data)
    index_date = index_date or add_months(end, -2 * OUTCOME_MONTHS)
    held_out = add_months(index_date, OUTCOME_MONTHS)
    if add_months(held_out, OUTCOME_MONTHS) > end:
        raise ValueError(
            f"--index-date {index_date.isoformat()}: the held-out year's outcomes run to "
            f"{add_months(held_out, OUTCOME_MONTHS).isoformat()}, after the data end "
            f"{end.isoformat()}; expected an index date on or before "
            f"{add_months(end, -2 * OUTCOME_MONTHS).isoformat()}"
        )
    options = {"engine": engine, "outcomes": True, "spark_session": spark_session}
    training = compute_features(data, index_date, **options)
    evaluation = compute_features(data, held_out, **options)
    return train(training, evaluation, index_date=index_date, compare_boosted=compare_boosted)


def score_population(
    data: Path,
    model: dict[str, Any],
    *,
    index_date: date | None = None,
    engine: str = "duckdb",
    spark_session: Any = None,
    check: bool = True,
) -> pa.Table:
    """Scores of every patient at ``index_date`` (default :func:`data_end`), with provenance.

    When the data hold the 12 months after ``index_date`` (a past index date), the scores
    also carry ``emergency_admission_observed``: whether the patient was admitted in them,
    for the case-mix-adjusted report (observed against expected admissions per practice).
    """
    if check:
        check_inputs(data)
    end = data_end(data)
    index_date = index_date or end
    observed = add_months(index_date, OUTCOME_MONTHS) <= end
    if engine == "spark":
        # Scored per partition; only the finished scores reach the driver.
        with spark_feature_query(data, index_date, spark_session, outcomes=observed) as query:
            scores = score_spark_frame(spark_frame(query), model, outcomes=observed)
    else:
        features = compute_features(data, index_date, engine=engine, outcomes=observed)
        scores = score(model, features)
        if observed:
            admitted = features["emergency_admission"].to_numpy() > 0
            scores = scores.append_column(OBSERVED, pa.array(admitted, pa.bool_()))
    metadata = {
        "index_date": index_date.isoformat(),
        "model_id": str(model.get("model_id", "")),
        "feature_version": str(model["feature_version"]),
        "engine": engine,
        "data": str(data),
    }
    return scores.replace_schema_metadata(
        {f"bettercare.{key}": value for key, value in metadata.items()}
        | {"bettercare.model": json.dumps(_model_summary(model))}
    )


def _model_summary(model: dict[str, Any]) -> dict[str, Any]:
    """What a loaded refresh keeps of its model: enough for the model page."""
    outcomes = {}
    for name, entry in model["outcomes"].items():
        performance = dict(entry["performance"])
        outcomes[name] = {
            "predicts": entry["predicts"],
            "performance": performance,
            "intercept": entry["intercept"],
            "terms": entry["terms"],
            "subgroups": entry.get("subgroups", []),
        }
    return {
        key: model.get(key)
        for key in ("model_id", "created", "method", "training", "evaluation", "feature_version")
    } | {"outcomes": outcomes}


def write_scores(table: pa.Table, path: Path) -> None:
    """Write a scores table atomically."""
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, temporary)
    temporary.replace(path)
