"""Reads of the risk app, always scoped: patients to their own practice's staff only;
everyone else sees aggregates, with small numbers suppressed.

**Suppression rule** (:mod:`bettercare.core.disclosure`, the practice of NHS England's
statistical releases): in aggregates, a count from 1 to 7 is shown as ``*``; every other count
is rounded to the nearest 5, so that a suppressed count cannot be recovered by subtracting the
others from a total; a percentage is shown only when its numerator and denominator are both
shown, and is computed from the rounded counts. The care-plan share metric follows the same
rule (:mod:`bettercare.web.risk.metrics`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum

from bettercare.core.casemix import StandardisedRatio, standardised_ratios
from bettercare.core.disclosure import LARGEST_WITHHELD, disclosed_count
from bettercare.risk.scoring import COHORTS
from bettercare.web.accounts.access import Access
from bettercare.web.risk.models import (
    InterventionStatus,
    PatientIdentifier,
    PatientScore,
    Practice,
    PracticeStaff,
    Refresh,
)

__all__ = [
    "CONDITIONS",
    "SMALL_NUMBER",
    "CaseMixRow",
    "PatientFilter",
    "area_aggregates",
    "area_casemix",
    "latest_observed_refresh",
    "latest_refresh",
    "practice_of",
    "practice_patients",
    "suppressed",
]

SMALL_NUMBER = LARGEST_WITHHELD
CONDITIONS: dict[str, str] = {
    "asthma": "Asthma",
    "atrial_fibrillation": "Atrial fibrillation",
    "cancer": "Cancer",
    "chd": "Coronary heart disease",
    "ckd": "Chronic kidney disease",
    "copd": "COPD",
    "dementia": "Dementia",
    "depression": "Depression",
    "diabetes": "Diabetes",
    "epilepsy": "Epilepsy",
    "heart_failure": "Heart failure",
    "hypertension": "Hypertension",
    "serious_mental_illness": "Serious mental illness",
    "stroke": "Stroke or TIA",
}
SORTS = ("p_emergency_admission", "p_high_cost", "risk_band", "age", "ltc_count")


def suppressed(count: int) -> str:
    """A count as an aggregate shows it: ``*`` for 1 to 7, else rounded to the nearest 5.

    >>> [suppressed(n) for n in (0, 1, 7, 8, 12, 13)]
    ['0', '*', '*', '10', '10', '15']
    """
    shown = disclosed_count(count)
    return "*" if shown is None else str(shown)


def shown_percent(numerator: int, denominator: int) -> str:
    top, bottom = suppressed(numerator), suppressed(denominator)
    if top == "*" or bottom in ("*", "0"):
        return "*" if bottom != "0" else "–"
    return f"{100 * int(top) / int(bottom):.0f}%"


def practice_of(user: Any) -> Practice | None:
    """The one practice the user works at, or None."""
    if not user.is_authenticated:
        return None
    staff = PracticeStaff.objects.select_related("practice").filter(user=user).first()
    return staff.practice if staff else None


def latest_refresh() -> Refresh | None:
    return Refresh.objects.order_by("-index_date", "-loaded_at").first()


@dataclass(frozen=True)
class PatientFilter:
    """What the practice's filter builder asks for; every field optional."""

    cohort: str = ""
    sex: str = ""
    condition: str = ""
    bands: tuple[int, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    sort: str = "p_emergency_admission"
    descending: bool = True

    @classmethod
    def from_query(cls, query: Any) -> PatientFilter:
        def number(name: str) -> int | None:
            text = query.get(name, "").strip()
            return int(text) if text.isdigit() else None

        cohort = query.get("cohort", "")
        bands = tuple(
            sorted({int(b) for b in query.getlist("band") if b in {"1", "2", "3", "4", "5"}})
        )
        sort = query.get("sort", "p_emergency_admission")
        return cls(
            cohort=cohort if cohort in COHORTS or cohort in ("top_2", "2_to_10") else "",
            sex=query.get("sex", "") if query.get("sex", "") in ("F", "M") else "",
            condition=query.get("condition", "")
            if query.get("condition", "") in CONDITIONS
            else "",
            bands=bands,
            min_age=number("min_age"),
            max_age=number("max_age"),
            sort=sort if sort in SORTS else "p_emergency_admission",
            descending=query.get("order", "desc") != "asc",
        )


def _scores(practice: Practice, refresh: Refresh) -> QuerySet[PatientScore]:
    return PatientScore.objects.filter(refresh=refresh, practice=practice)


def practice_patients(
    user: Any, refresh: Refresh, chosen: PatientFilter, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """The user's practice's patients matching the filter, with their identifiers and markers.

    Empty for anyone who is not staff of a practice: there is no other way to patient rows.
    """
    practice = practice_of(user)
    if practice is None:
        return []
    scores = _scores(practice, refresh)
    if chosen.cohort in ("top_2", "2_to_10"):
        scores = scores.filter(segment=chosen.cohort)
    elif chosen.cohort:
        scores = scores.filter(**{chosen.cohort: True})
    if chosen.sex:
        scores = scores.filter(sex=chosen.sex)
    if chosen.condition:
        scores = scores.filter(conditions__contains=f";{chosen.condition};")
    if chosen.bands:
        scores = scores.filter(risk_band__in=chosen.bands)
    if chosen.min_age is not None:
        scores = scores.filter(age__gte=chosen.min_age)
    if chosen.max_age is not None:
        scores = scores.filter(age__lte=chosen.max_age)
    order = f"-{chosen.sort}" if chosen.descending else chosen.sort
    # Plain dicts, not the checker's TypedDict of the model's columns: keys are added below.
    rows = cast(
        list[dict[str, Any]],
        list(
            scores.order_by(order, "pseudonym").values()[:limit]
            if limit
            else scores.order_by(order, "pseudonym").values()
        ),
    )
    keys = [row["pseudonym"] for row in rows]
    # Identifiers and markers of this practice only (a patient who moved belongs to the new one).
    identifiers = dict(
        PatientIdentifier.objects.filter(practice=practice, pseudonym__in=keys).values_list(
            "pseudonym", "patient_id"
        )
    )
    statuses = {
        s.pseudonym: s
        for s in InterventionStatus.objects.filter(practice=practice, pseudonym__in=keys)
    }
    result = []
    for row in rows:
        if row["pseudonym"] not in identifiers:
            continue
        status = statuses.get(row["pseudonym"])
        row["patient_id"] = identifiers[row["pseudonym"]]
        row["conditions"] = [name for name in row["conditions"].strip(";").split(";") if name]
        row["care_plan_completed"] = bool(status and status.care_plan_completed)
        row["target_group_member"] = bool(status and status.target_group_member)
        row["care_plan_review_due"] = status.care_plan_review_due if status else None
        result.append(row)
    return result


def visible_practices(access: Access) -> QuerySet[Practice]:
    """Practices whose aggregates the user may see: in their areas (all for administrators)."""
    practices = Practice.objects.select_related("area").order_by("code")
    ids = access.visible_area_ids()
    if ids is None:
        return practices
    own = practice_of(access.user)
    return practices.filter(Q(area_id__in=ids) | Q(pk=own.pk if own else None))


def area_aggregates(access: Access, refresh: Refresh) -> list[dict[str, Any]]:
    """Per visible practice: patients, segments and cohorts, with small numbers suppressed."""
    practices = list(visible_practices(access))
    # Mapping: the cohort counts are annotated under names the checker cannot see.
    counts: dict[int, Mapping[str, Any]] = {
        row["practice_id"]: row
        for row in PatientScore.objects.filter(refresh=refresh, practice__in=practices)
        .values("practice_id")
        .annotate(
            patients=Count("id"),
            top_2=Count("id", filter=Q(segment="top_2")),
            next_8=Count("id", filter=Q(segment="2_to_10")),
            **{name: Count("id", filter=Q(**{name: True})) for name in COHORTS},
        )
    }
    care_plans = dict(
        InterventionStatus.objects.filter(
            care_plan_completed=True,
            practice__in=practices,
            pseudonym__in=PatientScore.objects.filter(refresh=refresh, segment="top_2").values(
                "pseudonym"
            ),
        )
        .values("practice_id")
        .annotate(n=Count("id"))
        .values_list("practice_id", "n")
    )
    rows = []
    for practice in practices:
        found = counts.get(practice.pk)
        if not found:
            continue
        plans = care_plans.get(practice.pk, 0)
        rows.append(
            {
                "code": practice.code,
                "name": practice.name,
                "area": practice.area.name if practice.area else "",
                "patients": suppressed(found["patients"]),
                "top_2": suppressed(found["top_2"]),
                "next_8": suppressed(found["next_8"]),
                "cohorts": {name: suppressed(found[name]) for name in COHORTS},
                "top_2_care_plans": suppressed(plans),
                "top_2_care_plan_share": shown_percent(plans, found["top_2"]),
            }
        )
    return rows


def latest_observed_refresh() -> Refresh | None:
    """The latest refresh whose 12 months of outcomes were observed (a past index date)."""
    observed = PatientScore.objects.filter(emergency_admission_observed__isnull=False)
    return (
        Refresh.objects.filter(pk__in=observed.values("refresh_id"))
        .order_by("-index_date", "-loaded_at")
        .first()
    )


@dataclass(frozen=True)
class CaseMixRow:
    """One practice's observed against expected emergency admissions, as the user may see them.

    For the user's own practice the figures are exact; for any other, counts are disclosed
    by the aggregates' rule and the ratio is computed from the disclosed observed count
    (withheld, ``None``, when that count is from 1 to 7).
    """

    code: str
    name: str
    area: str
    own: bool
    patients: str
    observed: str
    expected: float
    ratio: StandardisedRatio | None


def area_casemix(access: Access, refresh: Refresh) -> list[CaseMixRow]:
    """Per visible practice: observed and expected emergency admissions and their ratio.

    Expected is the sum of the model's probabilities of the practice's patients (indirect
    standardisation, :mod:`bettercare.core.casemix`); observed, the patients admitted in
    the 12 months after the refresh's index date.
    """
    practices = list(visible_practices(access))
    own = practice_of(access.user)
    found = {
        row["practice_id"]: row
        for row in PatientScore.objects.filter(
            refresh=refresh, practice__in=practices, emergency_admission_observed__isnull=False
        )
        .values("practice_id")
        .annotate(
            patients=Count("id"),
            observed=Count("id", filter=Q(emergency_admission_observed=True)),
            expected=Sum("p_emergency_admission"),
        )
    }
    shown: list[tuple[Practice, int, int | None, float]] = []
    for practice in practices:
        row = found.get(practice.pk)
        if not row:
            continue
        mine = own is not None and practice.pk == own.pk
        observed = row["observed"] if mine else disclosed_count(row["observed"])
        shown.append((practice, row["patients"], observed, float(row["expected"])))
    computable = [(o, e) for _, _, o, e in shown if o is not None]
    ratios = iter(
        standardised_ratios([o for o, _ in computable], [e for _, e in computable])
        if computable
        else []
    )
    rows = []
    for practice, patients, observed, expected in shown:
        mine = own is not None and practice.pk == own.pk
        rows.append(
            CaseMixRow(
                code=practice.code,
                name=practice.name,
                area=practice.area.name if practice.area else "",
                own=mine,
                patients=str(patients) if mine else suppressed(patients),
                observed="*" if observed is None else str(observed),
                expected=expected,
                ratio=None if observed is None else next(ratios),
            )
        )
    return rows
