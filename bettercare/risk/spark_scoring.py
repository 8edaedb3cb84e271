"""Scoring on Spark per partition, for national scale: nothing is collected to the driver
until the finished scores are written.

The feature query (the same Ibis expression as on DuckDB) runs as a Spark DataFrame. Then:

1. each partition's probabilities are computed where it lies (``mapInArrow`` with the same
   NumPy code as on DuckDB, summed term by term so a patient's score does not depend on
   which other patients share its batch);
2. every patient's rank position comes from a distributed sort by probability, highest
   first, ties by patient identifier (:func:`bettercare.risk.scoring.rank_order`'s rule),
   numbered by ``zipWithIndex``;
3. each partition's bands, segments and cohorts follow from the positions and the size of
   the population (:func:`bettercare.risk.scoring.bands_at`).

The rows are then sorted by patient identifier and typed exactly as DuckDB's, so the two
engines write identical files (the spec tests compare them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from bettercare.risk.model import probabilities_of, scores_table
from bettercare.risk.scoring import bands_at

__all__ = ["score_spark_frame"]

#: As :data:`bettercare.risk.run.OBSERVED` (run imports this module).
OBSERVED = "emergency_admission_observed"


def _columns(batch: pa.RecordBatch) -> dict[str, Any]:
    return {name: batch.column(name).to_numpy(zero_copy_only=False) for name in batch.schema.names}


def _scores_schema(outcomes: bool) -> pa.Schema:
    """The schema of the scores, from an empty table (so it cannot drift from DuckDB's)."""
    from bettercare.risk.model import CONDITION_COLUMNS
    from bettercare.risk.schema import FEATURE_NAMES

    empty: dict[str, Any] = {
        name: np.array([], dtype=np.int64) for name in (*FEATURE_NAMES, *CONDITION_COLUMNS)
    }
    empty |= {
        "patient_id": np.array([], dtype=object),
        "practice_code": np.array([], dtype=object),
    }
    none = np.array([], dtype=np.float64)
    schema = scores_table(empty, none, none, np.array([], dtype=np.int64)).schema
    if outcomes:
        schema = schema.append(pa.field(OBSERVED, pa.bool_()))
    return schema


def score_spark_frame(frame: Any, model: dict[str, Any], *, outcomes: bool) -> pa.Table:
    """The scores of a Spark DataFrame of features (with outcomes when ``outcomes``)."""
    from pyspark.sql import functions
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    def with_probabilities(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            columns = _columns(batch)
            emergency = probabilities_of(model, columns, "emergency_admission")
            high_cost = probabilities_of(model, columns, "high_cost")
            yield pa.RecordBatch.from_arrays(
                [
                    *batch.columns,
                    pa.array(emergency, pa.float64()),
                    pa.array(high_cost, pa.float64()),
                ],
                names=[*batch.schema.names, "p_emergency_admission", "p_high_cost"],
            )

    probability_schema = StructType(
        [
            *frame.schema.fields,
            StructField("p_emergency_admission", DoubleType(), False),
            StructField("p_high_cost", DoubleType(), False),
        ]
    )
    scored = frame.mapInArrow(with_probabilities, probability_schema).persist()
    try:
        population = scored.count()
        positions = (
            scored.select("patient_id", "p_emergency_admission")
            .orderBy(functions.desc("p_emergency_admission"), functions.asc("patient_id"))
            .rdd.zipWithIndex()
            .map(lambda pair: (pair[0][0], pair[1]))
            .toDF(
                StructType(
                    [
                        StructField("ranked_patient_id", frame.schema["patient_id"].dataType),
                        StructField("rank_position", LongType(), False),
                    ]
                )
            )
        )
        ranked = scored.join(
            positions, scored["patient_id"] == positions["ranked_patient_id"]
        ).drop("ranked_patient_id")
        schema = _scores_schema(outcomes)

        def finished(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                columns = _columns(batch)
                bands = bands_at(columns["rank_position"], population)
                table = scores_table(
                    columns, columns["p_emergency_admission"], columns["p_high_cost"], bands
                )
                if outcomes:
                    table = table.append_column(
                        OBSERVED, pa.array(np.asarray(columns["emergency_admission"]) > 0)
                    )
                yield from table.cast(schema).to_batches()

        from pyspark.sql.pandas.types import from_arrow_schema

        result: pa.Table = ranked.mapInArrow(finished, from_arrow_schema(schema)).toArrow()
    finally:
        scored.unpersist()
    return result.cast(schema).sort_by("patient_id").combine_chunks()
