"""The bulk writer: keyed upserts with history, optimistic version and the data versions.

Run on SQLite and again on PostgreSQL (where new rows go in by ``COPY``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bettercare.web.accounts.models import User
from bettercare.web.finance.models import SavingsPlan
from bettercare.web.programmes.bulk import StaleRowsError, upsert
from bettercare.web.programmes.models import Area, Theme
from bettercare.web.programmes.versioning import area_version, shared_version
from tests.factories import KENT, MEDWAY, make_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def kent() -> Area:
    return make_area(KENT)


@pytest.fixture
def user() -> User:
    return User.objects.create(username="importer")


def themes(area: Area, **names: str) -> list[dict[str, object]]:
    return [
        {"area_id": area.pk, "code": code, "name": name, "priority": ""}
        for code, name in names.items()
    ]


def write(area: Area, rows: list[dict[str, object]], user: User | None, **options: object):
    return upsert(
        Theme,
        ("area_id", "code"),
        rows,
        existing=Theme.objects.filter(area=area),
        by=user,
        reason="a test",
        **options,  # type: ignore[arg-type]
    )


def test_new_rows_are_created_with_one_history_row_each(kent, user):
    before = (area_version(kent.pk), shared_version())
    result = write(kent, themes(kent, T1="Urgent response", T2="Discharge"), user)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    stored = {t.code: t for t in Theme.objects.filter(area=kent)}
    assert {c: (t.name, t.version) for c, t in stored.items()} == {
        "T1": ("Urgent response", 1),
        "T2": ("Discharge", 1),
    }
    assert result.ids == {(kent.pk, c): t.pk for c, t in stored.items()}
    history = Theme.history.filter(id=stored["T1"].pk).get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        user,
        "a test",
    )
    assert (history.name, history.version, history.area_id) == ("Urgent response", 1, kent.pk)
    # The area's version moves on once for the write; the shared one stays.
    assert (area_version(kent.pk), shared_version()) == (before[0] + 1, before[1])


def test_the_same_rows_again_change_nothing(kent, user):
    write(kent, themes(kent, T1="Urgent response"), user)
    before = (area_version(kent.pk), shared_version())
    result = write(kent, themes(kent, T1="Urgent response"), user)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Theme.history.count() == 1
    assert (area_version(kent.pk), shared_version()) == before


def test_a_changed_row_is_updated_its_version_goes_up_and_history_holds_both(kent, user):
    write(kent, themes(kent, T1="Urgent response", T2="Discharge"), None)
    result = write(kent, themes(kent, T1="Urgent community response", T2="Discharge"), user)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    theme = Theme.objects.get(code="T1")
    assert (theme.name, theme.version) == ("Urgent community response", 2)
    assert Theme.objects.get(code="T2").version == 1
    latest = Theme.history.filter(id=theme.pk).order_by("-history_id")
    assert [(h.history_type, h.name, h.version) for h in latest] == [
        ("~", "Urgent community response", 2),
        ("+", "Urgent response", 1),
    ]
    assert latest[0].history_user == user


def test_provenance_alone_is_not_a_change_but_is_written_with_one(kent, user):
    write(kent, themes(kent, T1="Urgent response"), user)
    renamed = [
        {**row, "priority": "from another file"} for row in themes(kent, T1="Urgent response")
    ]
    result = write(kent, renamed, user, provenance=("priority",))
    assert (result.updated, result.unchanged) == (0, 1)
    assert Theme.objects.get(code="T1").priority == ""
    changed = [{**renamed[0], "name": "Urgent community response"}]
    result = write(kent, changed, user, provenance=("priority",))
    assert result.updated == 1
    theme = Theme.objects.get(code="T1")
    assert (theme.name, theme.priority) == ("Urgent community response", "from another file")


def test_kept_rows_are_left_alone(kent, user):
    write(kent, themes(kent, T1="Urgent response"), user)
    result = write(
        kent, themes(kent, T1="Something else"), user, keep=lambda row: row["code"] == "T1"
    )
    assert (result.kept, result.updated) == (1, 0)
    assert Theme.objects.get(code="T1").name == "Urgent response"


def test_a_row_changed_by_someone_else_meanwhile_stops_the_whole_write(kent, user):
    write(kent, themes(kent, T1="Urgent response", T2="Discharge"), user)
    before = (area_version(kent.pk), shared_version())

    def someone_else_saves(row: dict[str, object]) -> bool:
        # Between the writer's read and its update another edit moves the version on.
        Theme.objects.filter(pk=row["id"]).update(version=row["version"] + 1)  # type: ignore[operator]
        return False

    with pytest.raises(StaleRowsError, match="1 themes changed while this was being written"):
        write(
            kent,
            themes(kent, T1="Urgent community response", T2="Discharge", T3="New"),
            user,
            keep=lambda row: row["code"] == "T1" and someone_else_saves(row),
        )
    assert not Theme.objects.filter(code="T3").exists()
    assert Theme.objects.get(code="T1").name == "Urgent response"
    assert (area_version(kent.pk), shared_version()) == before


def test_defaults_decimals_and_dates_round_trip(kent, user):
    rows = [
        {"area_id": kent.pk, "financial_year": "2025-26", "target": Decimal("1200000.50")},
    ]
    key = ("area_id", "financial_year")
    existing = SavingsPlan.objects.filter(area=kent)
    assert upsert(SavingsPlan, key, rows, existing=existing, by=user, reason="r").created == 1
    plan = SavingsPlan.objects.get()
    assert plan.target == Decimal("1200000.50")
    again = [{**rows[0], "target": Decimal("1200000.5"), "as_at": None}]
    assert upsert(SavingsPlan, key, again, existing=existing, by=user, reason="r").unchanged == 1
    dated = [{**rows[0], "as_at": date(2025, 9, 30)}]
    assert upsert(SavingsPlan, key, dated, existing=existing, by=user, reason="r").updated == 1
    assert SavingsPlan.objects.get().as_at == date(2025, 9, 30)
    assert SavingsPlan.history.filter(history_type="~").get().as_at == date(2025, 9, 30)


def test_rows_reached_through_a_period_move_the_periods_area_on_and_no_other(kent, user):
    from bettercare.web.programmes.models import ProgrammeStatus, ReportingPeriod

    medway = make_area(MEDWAY, "Medway")
    period = ReportingPeriod.objects.create(area=kent, month=date(2017, 8, 1))
    before = {a.pk: area_version(a.pk) for a in (kent, medway)}
    shared = shared_version()
    upsert(
        ProgrammeStatus,
        ("period_id", "dimension"),
        [{"period_id": period.pk, "dimension": "plan", "status": "G", "summary": ""}],
        existing=ProgrammeStatus.objects.filter(period=period),
        by=user,
        reason="a test",
    )
    after = {a.pk: area_version(a.pk) for a in (kent, medway)}
    assert after == {kent.pk: before[kent.pk] + 1, medway.pk: before[medway.pk]}
    assert shared_version() == shared


def test_the_registry_sync_moves_the_shared_version_on_once_it_writes(db):
    from bettercare.web.performance.models import Metric
    from bettercare.web.performance.registry import sync_registry

    before = shared_version()
    created, updated = sync_registry()
    assert (created > 0, updated) == (True, 0)
    assert shared_version() == before + 2  # the definitions, then the links between them
    Metric.objects.filter(code="bcf_dtoc").update(name="Renamed by hand")
    moved = shared_version()
    assert sync_registry() == (0, 1)
    assert shared_version() == moved + 1
    assert sync_registry() == (0, 0)
    assert shared_version() == moved + 1  # nothing written: nothing to recompute
