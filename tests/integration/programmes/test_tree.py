"""The area tree's queries (recursive CTEs) and the parents-first area writer.

Run on SQLite and again on PostgreSQL (``BETTERCARE_DATABASE_URL``): the same SQL on both.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bettercare.web.programmes.models import Area
from bettercare.web.programmes.tree import AreaLoopError, AreaTree, areas_upsert
from bettercare.web.programmes.versioning import shared_version

pytestmark = pytest.mark.django_db


def area(code: str, name: str, type: str, parent: Area | None = None) -> Area:
    return Area.objects.create(code=code, name=name, type=type, parent=parent)


@pytest.fixture
def country() -> dict[str, Area]:
    """Two regions; the South East with an ICB of two HWBs and an HWB straight below it."""
    south_east = area("E40000005", "South East", "region")
    london = area("E40000003", "London", "region")
    kent_icb = area("E54000032", "Kent and Medway ICB", "ICB", south_east)
    return {
        "south_east": south_east,
        "london": london,
        "kent_icb": kent_icb,
        "kent": area("E10000016", "Kent", "HWB", kent_icb),
        "medway": area("E06000035", "Medway", "HWB", kent_icb),
        "surrey": area("E10000030", "Surrey", "HWB", south_east),
        "camden": area("E09000007", "Camden", "HWB", london),
    }


def codes(areas) -> list[str]:
    return sorted(a.code for a in areas)


def test_descendants_are_every_area_below_at_any_depth(country):
    with CaptureQueriesContext(connection) as queries:
        below = codes(Area.objects.descendants(country["south_east"]))
    assert len(queries.captured_queries) == 1
    assert below == ["E06000035", "E10000016", "E10000030", "E54000032"]
    assert codes(Area.objects.descendants(country["kent_icb"])) == ["E06000035", "E10000016"]
    assert codes(Area.objects.descendants(country["kent"])) == []
    hwbs = Area.objects.descendants(country["south_east"]).filter(type="HWB")
    assert codes(hwbs) == ["E06000035", "E10000016", "E10000030"]


def test_ancestors_nearest_first_and_the_region(country):
    with CaptureQueriesContext(connection) as queries:
        chain = Area.objects.ancestors_of(country["kent"])
    assert len(queries.captured_queries) == 1
    assert [a.name for a in chain] == ["Kent and Medway ICB", "South East"]
    assert codes(Area.objects.ancestors(country["surrey"])) == ["E40000005"]
    assert Area.objects.region_of(country["medway"]) == country["south_east"]
    assert Area.objects.region_of(country["south_east"]) is None
    assert Area.objects.ancestors_of(country["london"]) == []


def test_the_tree_of_an_area_is_its_root_and_everything_below_it(country):
    tree = list(Area.objects.tree_of(country["medway"]))
    assert codes(tree) == ["E06000035", "E10000016", "E10000030", "E40000005", "E54000032"]
    assert codes(Area.objects.tree_of(country["camden"])) == ["E09000007", "E40000003"]


def test_the_tree_read_once_answers_without_queries(country):
    tree = AreaTree.of(Area.objects.tree_of(country["kent"]))
    with CaptureQueriesContext(connection) as queries:
        region = tree.region_of(country["kent"])
        hwbs = tree.hwbs_below(country["south_east"])
        ancestors = tree.ancestors(country["kent"])
        below = tree.descendants(country["south_east"])
    assert len(queries.captured_queries) == 0
    assert region == country["south_east"]
    assert [a.name for a in hwbs] == ["Kent", "Medway", "Surrey"]
    assert [a.name for a in ancestors] == ["Kent and Medway ICB", "South East"]
    # Parents first, each parent's children in the order read (by name).
    assert [a.name for a in below] == ["Kent and Medway ICB", "Surrey", "Kent", "Medway"]


def test_areas_are_written_parents_first_whatever_their_order(db):
    rows = [
        {"code": "E10000016", "name": "Kent", "type": "HWB", "parent_code": "E54000032"},
        {"code": "E54000032", "name": "Kent ICB", "type": "ICB", "parent_code": "E40000005"},
        {"code": "E40000005", "name": "South East", "type": "region", "parent_code": None},
    ]
    before = shared_version()
    levels: list[int] = []
    written = areas_upsert(
        rows, known={}, by=None, reason="a test", on_level=lambda done: levels.append(done.created)
    )
    assert (written.created, written.updated, levels) == (3, 0, [1, 1, 1])
    assert Area.objects.get(code="E10000016").parent.code == "E54000032"
    assert Area.objects.get(code="E54000032").parent.code == "E40000005"
    assert set(written.areas) == {"E10000016", "E54000032", "E40000005"}
    assert shared_version() == before + 3  # the tree changed: every page's key moves on
    history = Area.history.filter(code="E10000016").get()
    assert (history.history_type, history.history_change_reason) == ("+", "a test")

    again = areas_upsert(
        [{**rows[0], "name": "Kent County"}], known=written.areas, by=None, reason="a test"
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    assert Area.objects.get(code="E10000016").name == "Kent County"


def test_areas_whose_parents_are_nowhere_are_refused_and_nothing_is_left_half_written(db):
    rows = [
        {"code": "E10000016", "name": "Kent", "type": "HWB", "parent_code": "E54000099"},
        {"code": "E54000099", "name": "Loop ICB", "type": "ICB", "parent_code": "E10000016"},
    ]
    with pytest.raises(AreaLoopError, match="E10000016, E54000099"):
        areas_upsert(rows, known={}, by=None, reason="a test")
    assert not Area.objects.exists()


def test_below_each_gives_every_area_with_all_below_it_in_one_query(country):
    wanted = [country["south_east"].pk, country["kent_icb"].pk, country["camden"].pk]
    with CaptureQueriesContext(connection) as queries:
        below = Area.objects.below_each(wanted)
    assert len(queries.captured_queries) == 1
    names = {pk: {a.name for a in Area.objects.filter(pk__in=ids)} for pk, ids in below.items()}
    assert names == {
        country["south_east"].pk: {
            "South East", "Kent and Medway ICB", "Kent", "Medway", "Surrey"
        },
        country["kent_icb"].pk: {"Kent and Medway ICB", "Kent", "Medway"},
        country["camden"].pk: {"Camden"},
    }  # fmt: skip
    assert Area.objects.below_each([]) == {}
