"""Hand-made scores files: a refresh whose counts a test can state exactly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bettercare.web.risk.load import REQUIRED

MODEL = {"model_id": "test-model", "outcomes": {}}


def scores_row(
    patient_id: str,
    practice: str,
    segment: str,
    *,
    p: float | None = None,
    admitted: bool | None = None,
) -> dict[str, object]:
    """One patient's row of a scores file (a woman of 70 with diabetes)."""
    row: dict[str, object] = {name: False for name, kind in REQUIRED.items() if kind == "bool"}
    band = {"top_2": 5, "2_to_10": 4, "rest": 1}[segment]
    row |= {
        "patient_id": patient_id,
        "practice_code": practice,
        "p_emergency_admission": p if p is not None else (0.9 if band == 5 else 0.1),
        "p_high_cost": 0.1,
        "risk_band": band,
        "segment": segment,
        "age": 70,
        "sex": "F",
        "ltc_count": 2,
        "conditions": "diabetes",
    }
    if admitted is not None:
        row["emergency_admission_observed"] = admitted
    return row


def write_rows(path: Path, index_date: date, rows: list[dict[str, object]]) -> Path:
    """A scores file of ``rows`` with the provenance ``bettercare risk score`` writes."""
    table = pa.Table.from_pylist(rows).replace_schema_metadata(
        {
            "bettercare.index_date": index_date.isoformat(),
            "bettercare.model_id": "test-model",
            "bettercare.engine": "duckdb",
            "bettercare.model": json.dumps(MODEL),
        }
    )
    pq.write_table(table, path)
    return path


def write_refresh(path: Path, index_date: date, top: dict[str, int], rest: int = 5) -> Path:
    """A refresh with ``top[code]`` of the top 2% and ``rest`` others at each practice."""
    rows = []
    for practice, count in top.items():
        rows += [scores_row(f"{practice}-t{n}", practice, "top_2") for n in range(count)]
        rows += [scores_row(f"{practice}-r{n}", practice, "rest") for n in range(rest)]
    return write_rows(path, index_date, rows)
