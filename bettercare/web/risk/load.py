"""Loading a monthly refresh of scores (``bettercare risk load``): atomic and idempotent.

The file is checked first (columns, values, provenance in its metadata); then, in one
transaction, practices it names are created if new, its rows are stored against a keyed
pseudonym of each patient identifier, and the practice's identifiers are kept apart. Loading
the same file again changes nothing (its SHA-256 is recorded); loading another file for the
same index date and model replaces that refresh. A failed load writes nothing. The load
also writes the refresh's care-plan share metric per board (:mod:`bettercare.web.risk.metrics`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from bettercare.web.risk.metrics import care_plan_share_write
from bettercare.web.risk.models import PatientIdentifier, PatientScore, Practice, Refresh

__all__ = ["LoadResult", "ScoresError", "load_scores", "pseudonym"]

REQUIRED = {
    "patient_id": "string",
    "practice_code": "string",
    "p_emergency_admission": "double",
    "p_high_cost": "double",
    "risk_band": "int64",
    "segment": "string",
    "cohort_1": "bool",
    "cohort_2": "bool",
    "cohort_3": "bool",
    "cohort_4": "bool",
    "cohort_5": "bool",
    "complex_diabetes": "bool",
    "polypharmacy": "bool",
    "care_home": "bool",
    "over_75_high_risk": "bool",
    "age": "int64",
    "sex": "string",
    "ltc_count": "int64",
    "conditions": "string",
}
#: Optional: in the scores of a past index date, with its 12 months of outcomes.
OBSERVED = "emergency_admission_observed"
FLAGS = [name for name, kind in REQUIRED.items() if kind == "bool"]
BATCH = 5000


class ScoresError(ValueError):
    """A scores file that cannot be loaded; nothing was written."""


@dataclass(frozen=True)
class LoadResult:
    index_date: date
    model_id: str
    patients: int
    practices: int
    unchanged: bool


def _key() -> bytes:
    explicit = os.environ.get("BETTERCARE_RISK_PSEUDONYM_KEY")
    if explicit:
        return explicit.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"bettercare.risk.pseudonym", "sha256").digest()


def pseudonym(patient_id: str) -> str:
    """The stored pseudonym of a patient identifier: HMAC-SHA256 under the deployment's key."""
    return hmac.new(_key(), patient_id.encode(), hashlib.sha256).hexdigest()


def _read(path: Path) -> tuple[Any, dict[str, str]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise ScoresError(f"{path}: no such scores file") from None
    except Exception as error:  # pyarrow raises several types for a bad file
        raise ScoresError(
            f"{path}: not a readable Parquet file ({str(error).splitlines()[0]})"
        ) from None
    for column, kind in REQUIRED.items():
        if column not in table.column_names:
            raise ScoresError(f"{path.name}, column {column}: is missing; expected a {kind} column")
        actual = str(table.schema.field(column).type)
        if actual not in (kind, "large_string" if kind == "string" else kind):
            raise ScoresError(f"{path.name}, column {column}: has type {actual}; expected {kind}")
    if OBSERVED in table.column_names and str(table.schema.field(OBSERVED).type) != "bool":
        raise ScoresError(
            f"{path.name}, column {OBSERVED}: has type {table.schema.field(OBSERVED).type}; "
            "expected bool"
        )
    metadata = {
        key.decode().removeprefix("bettercare."): value.decode()
        for key, value in (table.schema.metadata or {}).items()
        if key.startswith(b"bettercare.")
    }
    for key in ("index_date", "model_id", "engine", "model"):
        if not metadata.get(key):
            raise ScoresError(
                f"{path.name}: metadata bettercare.{key} is missing; expected a file written by "
                "bettercare risk score"
            )
    return table, metadata


def _check_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        where = f"{path.name}, row {number}"
        if not row["patient_id"]:
            raise ScoresError(f"{where}, column patient_id: is empty; expected an identifier")
        if row["patient_id"] in seen:
            raise ScoresError(
                f"{where}, column patient_id: is a duplicate patient (got {row['patient_id']!r})"
            )
        seen.add(row["patient_id"])
        if row["risk_band"] not in (1, 2, 3, 4, 5):
            raise ScoresError(
                f"{where}, column risk_band: got {row['risk_band']!r}; expected 1 to 5"
            )
        if row["segment"] not in ("top_2", "2_to_10", "rest"):
            raise ScoresError(
                f"{where}, column segment: got {row['segment']!r}; expected top_2, 2_to_10 or rest"
            )
        for column in ("p_emergency_admission", "p_high_cost"):
            value = row[column]
            if value is None or not 0.0 <= value <= 1.0:
                raise ScoresError(
                    f"{where}, column {column}: got {value!r}; expected a probability from 0 to 1"
                )
        if not row["practice_code"]:
            raise ScoresError(f"{where}, column practice_code: is empty; expected a practice code")


def load_scores(path: Path, *, by: Any) -> LoadResult:
    """Load the scores file at ``path`` as a refresh; :class:`ScoresError` if it cannot be."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    table, metadata = _read(path)
    try:
        index_date = date.fromisoformat(metadata["index_date"])
        model = json.loads(metadata["model"])
    except ValueError as error:
        raise ScoresError(f"{path.name}: metadata is not valid ({error})") from None
    model_id = metadata["model_id"]
    existing = Refresh.objects.filter(sha256=digest).first()
    if existing is not None:
        return LoadResult(existing.index_date, existing.model_id, existing.patients, 0, True)
    rows = table.to_pylist()
    _check_rows(path, rows)
    with transaction.atomic():
        Refresh.objects.filter(index_date=index_date, model_id=model_id).delete()
        refresh = Refresh.objects.create(
            index_date=index_date,
            model_id=model_id,
            model=model,
            engine=metadata["engine"],
            source=str(path),
            sha256=digest,
            patients=len(rows),
            loaded_by=by,
        )
        codes = sorted({row["practice_code"] for row in rows})
        known = {p.code: p for p in Practice.objects.filter(code__in=codes)}
        for code in codes:
            if code not in known:
                known[code] = Practice.objects.create(code=code, name=code)
        identifiers: dict[str, tuple[int, str]] = {}
        scores = []
        for row in rows:
            practice = known[row["practice_code"]]
            key = pseudonym(row["patient_id"])
            identifiers[key] = (practice.pk, row["patient_id"])
            scores.append(
                PatientScore(
                    refresh=refresh,
                    practice=practice,
                    pseudonym=key,
                    p_emergency_admission=row["p_emergency_admission"],
                    p_high_cost=row["p_high_cost"],
                    risk_band=row["risk_band"],
                    segment=row["segment"],
                    age=row["age"],
                    sex=row["sex"],
                    ltc_count=row["ltc_count"],
                    conditions=f";{row['conditions']};" if row["conditions"] else "",
                    emergency_admission_observed=row.get(OBSERVED),
                    **{flag: bool(row[flag]) for flag in FLAGS},
                )
            )
        PatientScore.objects.bulk_create(scores, batch_size=BATCH)
        # The identifiers: new patients added, a moved patient's practice updated.
        current = dict(
            PatientIdentifier.objects.filter(pseudonym__in=list(identifiers)).values_list(
                "pseudonym", "practice_id"
            )
        )
        PatientIdentifier.objects.bulk_create(
            [
                PatientIdentifier(pseudonym=key, practice_id=practice_id, patient_id=patient_id)
                for key, (practice_id, patient_id) in identifiers.items()
                if key not in current
            ],
            batch_size=BATCH,
        )
        moved = [
            key
            for key, (practice_id, _) in identifiers.items()
            if key in current and current[key] != practice_id
        ]
        for key in moved:
            PatientIdentifier.objects.filter(pseudonym=key).update(practice_id=identifiers[key][0])
        # The aggregates that feed the metrics (the top 2% with a care plan, per board).
        care_plan_share_write(refresh, by=by, reason=f"risk load {path.name}")
    return LoadResult(index_date, model_id, len(rows), len(codes), False)
