"""N people doing the same thing at the same moment, through the web app: nobody gets an
error page (no 500), and no update is lost (exactly one of N equal edits is saved; the rest are
told someone else saved first).

Each thread has its own database connection, so on PostgreSQL (the second leg of
``make test``) the requests really do overlap; on SQLite they are serialised by its lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from bettercare.core.rag import DIMENSIONS
from bettercare.web.programmes.models import ReportingPeriod, SchemeStatus
from tests.factories import (
    KENT,
    make_area,
    make_milestone,
    make_period,
    make_region,
    make_risk,
    make_scheme,
    make_scheme_status,
    make_user,
)
from tests.integration.pages.forms import return_post

pytestmark = pytest.mark.django_db(transaction=True)

N = 12


def race(user, requests):
    """Send each (path, data) from its own thread and client at once; their status codes."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def one(index: int, path: str, data: dict[str, str]) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait()
            statuses[index] = client.post(path, data).status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=one, args=(index, path, data))
        for index, (path, data) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    scheme = make_scheme(kent)
    return {
        "kent": kent,
        "scheme": scheme,
        "manager": make_user("manager", (kent, "programme_manager")),
    }


def test_opening_the_same_period_at_once(world):
    from bettercare.web.programmes.queries import current_month

    path = f"/areas/{KENT}/periods/{current_month()}/open/"
    statuses = race(world["manager"], [(path, {})] * N)
    assert statuses == {302: N}
    assert ReportingPeriod.objects.filter(area=world["kent"]).count() == 1
    assert ReportingPeriod.history.filter(history_type="+").count() == 1


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        ("open", "submit", "submitted"),
        ("submitted", "sign-off", "signed_off"),
        ("submitted", "reopen", "open"),
    ],
)
def test_moving_a_period_on_at_once(world, start, action, end):
    period = make_period(world["kent"], "2017-08", state=start)
    for dimension in DIMENSIONS:
        make_scheme_status(world["scheme"], period, dimension, "G")
    path = f"/areas/{KENT}/periods/2017-08/{action}/"
    statuses = race(world["manager"], [(path, {})] * N)
    assert statuses == {302: N}  # one moved it; the others are told it already moved
    period.refresh_from_db()
    assert period.state == end
    assert period.history.filter(history_type="~").count() == 1


def test_saving_the_same_return_at_once(world):
    period = make_period(world["kent"], "2017-08")
    scheme = world["scheme"]
    path = f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/"
    posts = [
        (path, return_post(scheme, period, savings_status="A", savings_commentary=f"writer {i}"))
        for i in range(N)
    ]
    statuses = race(world["manager"], posts)
    assert statuses == {302: 1, 409: N - 1}
    saved = SchemeStatus.objects.get(scheme=scheme, period=period, dimension="savings")
    assert saved.version == 1
    assert saved.commentary.startswith("writer ")
    assert SchemeStatus.objects.filter(scheme=scheme, period=period).count() == len(DIMENSIONS)


def test_editing_the_same_milestone_at_once(world):
    milestone = make_milestone(world["kent"])
    path = f"/areas/{KENT}/milestones/{milestone.pk}/"
    posts = [
        (
            path,
            {
                "revised_date": "",
                "completed_date": "",
                "comments": f"writer {i}",
                "version": str(milestone.version),
            },
        )
        for i in range(N)
    ]
    assert race(world["manager"], posts) == {302: 1, 409: N - 1}
    milestone.refresh_from_db()
    assert milestone.version == 2
    assert milestone.history.filter(history_type="~").count() == 1


def test_rescoring_the_same_risk_at_once(world):
    risk = make_risk(world["kent"])
    path = f"/areas/{KENT}/risks/{risk.pk}/"
    posts = [
        (
            path,
            {
                "likelihood": str(1 + i % 5),
                "impact": "3",
                "owner": "Sam",
                "mitigation": f"writer {i}",
                "version": str(risk.version),
            },
        )
        for i in range(N)
    ]
    assert race(world["manager"], posts) == {302: 1, 409: N - 1}
    risk.refresh_from_db()
    assert risk.version == 2
    assert risk.mitigation.startswith("writer ")


ASSURANCE = "area_code,round,criterion,status,comment\n"


def test_importing_assurance_ratings_at_once(world, tmp_path, registry):
    """Imports (the only way ratings are written) racing each other: each succeeds or says
    in one line to try again; every rating is there once."""
    from bettercare.web.assurance.models import AssuranceRating
    from bettercare.web.programmes.imports import import_workbook
    from bettercare.workbook import WorkbookError

    folders = []
    for index in range(6):
        folder = tmp_path / f"plan{index}"
        folder.mkdir()
        (folder / "programme.csv").write_text(f"area_code,area_name,area_type\n{KENT},Kent,HWB\n")
        (folder / "assurance.csv").write_text(
            ASSURANCE
            + "".join(f"{KENT},2017-18 Q2,criterion {c},G,import {index}\n" for c in range(5))
        )
        folders.append(folder)
    barrier = threading.Barrier(len(folders))
    outcomes: list[str] = []

    def one(folder: Path) -> None:
        try:
            barrier.wait()
            result = import_workbook(folder, by=world["manager"])
            outcomes.append("written" if result.written else "errors")
        except WorkbookError as error:
            outcomes.append("try again" if "\n" not in str(error) else "traceback")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(folder,)) for folder in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == len(folders)
    assert "errors" not in outcomes
    assert "written" in outcomes
    assert AssuranceRating.objects.filter(area=world["kent"]).count() == 5
