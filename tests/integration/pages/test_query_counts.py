"""The number of SQL queries a page runs does not grow with the size of the programme.

Kent has 3 schemes and 12 months (periods, returns and metric values); Medway has 12 schemes
and 36 months. Each page must run the same number of queries for both.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.factories import (
    KENT,
    MEDWAY,
    build_programme,
    make_area,
    make_region,
    make_user,
)
from tests.integration.web.html import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        region = make_region()
        kent = make_area(KENT, "Kent", parent=region)
        medway = make_area(MEDWAY, "Medway", parent=region)
        manager = make_user("manager", (region, "programme_manager"))
        yield {
            "manager": manager,
            "small": build_programme(kent, schemes=3, months=12, lead=manager),
            "large": build_programme(medway, schemes=12, months=36, lead=manager),
        }
        transaction.set_rollback(True)


PAGES = {
    "overview": lambda p: "",
    "dashboard": lambda p: "dashboard/",
    "dashboard filtered": lambda p: "dashboard/?status=A",
    "schemes": lambda p: "schemes/",
    "scheme detail": lambda p: f"schemes/{p.schemes[0].pk}/",
    "scheme return": lambda p: f"schemes/{p.schemes[0].pk}/return/2017-08/",
    "periods": lambda p: "periods/",
    "metrics": lambda p: "metrics/",
    "metric detail": lambda p: f"metrics/{p.metric.code}/",
    "metric benchmark": lambda p: f"metrics/{p.metric.code}/benchmark/",
    "benchmark": lambda p: "benchmark/",
    "milestones": lambda p: "milestones/",
    "risks": lambda p: "risks/",
    "finance": lambda p: "finance/",
    "scheme history": lambda p: f"history/scheme/{p.schemes[0].pk}/",
}


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_schemes_and_months(client, world, page):
    client.force_login(world["manager"])
    counts = {}
    for size in ("small", "large"):
        programme = world[size]
        counts[size] = count_queries(
            client, f"/areas/{programme.area.code}/" + PAGES[page](programme)
        )
    assert counts["large"] == counts["small"], counts


def test_the_large_programme_is_really_larger(world):
    small, large = world["small"], world["large"]
    assert (len(small.schemes), len(small.periods)) == (3, 12)
    assert (len(large.schemes), len(large.periods)) == (12, 36)
    assert large.metric.values.filter(area=large.area).count() == 36 + 1  # and a target
