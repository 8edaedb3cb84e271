"""``bettercare serve --demo`` on a database that already holds real (not demo) areas: it
invents no logins, says what it found, and how to see the demo instead."""

from typing import ClassVar

import pytest

from bettercare.cli import serve as serve_module
from bettercare.cli.main import main
from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import Area
from tests.factories import make_user

pytestmark = pytest.mark.django_db


class FakeServer:
    """Stands in for gunicorn: records where it would listen instead of listening."""

    started: ClassVar[list[str]] = []

    def __init__(self, bind: str, workers: int, threads: int) -> None:
        self.bind = bind

    def run(self) -> None:
        FakeServer.started.append(self.bind)


@pytest.fixture
def served(monkeypatch, capsys):
    """Run ``bettercare serve --demo`` without gunicorn or collecting static files."""
    monkeypatch.setattr(serve_module, "_Server", FakeServer)
    monkeypatch.setattr(serve_module, "collect_static", lambda out=None: None)
    monkeypatch.setenv("BETTERCARE_SECURE_COOKIES", "0")
    monkeypatch.delenv("BETTERCARE_DATABASE_URL", raising=False)
    FakeServer.started = []

    def serve():
        code = main(["serve", "--demo", "--port", "8123"])
        return code, capsys.readouterr().out

    return serve


@pytest.fixture
def kent(south_kent_coast, capsys):
    assert main(["import", str(south_kent_coast)]) == 0
    capsys.readouterr()
    return Area.objects.get(code="E10000016")


def test_real_data_gets_no_demo_logins_and_a_way_to_the_demo(kent, served):
    users = set(User.objects.values_list("username", flat=True))

    code, out = served()

    assert code == 0
    assert FakeServer.started == ["127.0.0.1:8123"]  # it still serves this database
    lines = out.splitlines()
    assert (
        "This database holds 1 area(s) that are not demonstration data: Kent (E10000016)." in lines
    )
    assert (
        "No demo logins were created or reset: shared demo accounts with a printed password "
        "do not belong beside real data."
    ) in lines
    assert (
        "It has no account that can sign in yet: create one with "
        "`python manage.py createsuperuser`."
    ) in lines
    [how] = [line for line in lines if line.startswith("To see the demonstration region")]
    assert how.endswith(
        ": run `BETTERCARE_DATA_DIR=var/demo bettercare serve --demo` (a new SQLite database)."
    )
    assert "Demo logins" not in out
    assert "password" not in out.lower().replace("printed password", "")
    assert set(User.objects.values_list("username", flat=True)) == users
    assert not Area.objects.filter(is_demo=True).exists()
    assert lines[-1] == "Serving bettercare on http://127.0.0.1:8123/ (Ctrl+C to stop)"


def test_existing_accounts_are_counted_and_a_configured_database_is_named(
    kent, served, monkeypatch
):
    make_user("pat", (kent, "programme_manager"))
    make_user("sam", (kent, "viewer"))
    User.objects.create_user("gone", password="x", is_active=False)
    monkeypatch.setenv("BETTERCARE_DATABASE_URL", "postgres://somewhere/bettercare")

    code, out = served()

    assert code == 0
    assert "Sign in with one of its 2 existing account(s)." in out.splitlines()
    assert (
        "set BETTERCARE_DATABASE_URL to an empty database and run `bettercare serve --demo`." in out
    )


def test_many_real_areas_are_named_three_by_code_then_counted(kent, served):
    for code, name in (("E06000035", "Medway"), ("E10000030", "Surrey"), ("E06000043", "Brighton")):
        Area.objects.create(code=code, name=name, type=Area.Type.HWB)

    _, out = served()

    assert (
        "This database holds 4 area(s) that are not demonstration data: Medway (E06000035), "
        "Brighton (E06000043), Kent (E10000016) and 1 more."
    ) in out.splitlines()
