"""``bettercare peers load FILE``: peer groups from a CSV, all or nothing, one-line errors."""

import pytest

from bettercare.cli.main import main
from bettercare.web.benchmarking.models import PeerGroup
from bettercare.web.programmes.models import Area

pytestmark = pytest.mark.django_db

HEADER = "group,name,anchor,member,source,defined_by\n"


@pytest.fixture
def areas():
    region = Area.objects.create(code="E12000008", name="South East", type="region")
    for code, name in (("E10000016", "Kent"), ("E10000030", "Surrey"), ("E10000014", "Hampshire")):
        Area.objects.create(code=code, name=name, type="HWB", parent=region)


def test_loading_creates_the_groups_with_their_members(tmp_path, capsys, areas):
    path = tmp_path / "neighbours.csv"
    path.write_text(
        HEADER
        + "kent-nn,Kent's nearest neighbours,E10000016,E10000030,CIPFA 2024,Analyst\n"
        + "kent-nn,Kent's nearest neighbours,E10000016,e10000014,CIPFA 2024,Analyst\n"
    )

    assert main(["peers", "load", str(path)]) == 0

    out = capsys.readouterr().out
    assert "kent-nn: Kent's nearest neighbours (2 areas)" in out
    group = PeerGroup.objects.get()
    assert group.anchor.code == "E10000016"
    assert sorted(group.members.values_list("code", flat=True)) == ["E10000014", "E10000030"]
    assert group.source == "CIPFA 2024"
    assert group.history.count() == 1


def test_a_bad_row_is_one_line_naming_file_row_and_column(tmp_path, capsys, areas):
    path = tmp_path / "neighbours.csv"
    path.write_text(HEADER + "g,G,,E10000030,,\ng,G,,,,\n")

    assert main(["peers", "load", str(path)]) == 1

    err = capsys.readouterr().err
    assert err == (
        "bettercare peers: error: neighbours.csv row 3, column member: is empty; expected a value\n"
    )
    assert not PeerGroup.objects.exists()


def test_an_unknown_area_loads_nothing(tmp_path, capsys, areas):
    path = tmp_path / "neighbours.csv"
    path.write_text(HEADER + "g,G,,E10000030,,\nh,H,,E99999999,,\n")

    assert main(["peers", "load", str(path)]) == 1

    assert "group 'h': unknown area 'E99999999'" in capsys.readouterr().err
    assert not PeerGroup.objects.exists()
