"""Shared fixtures: small, readable builders rather than one giant shared fixture."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# No timings in tests: hypothesis judges examples by their values, never by how long they took
# (its deadline and "too slow" health check would fail a correct test on a busy machine).
settings.register_profile("bettercare", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bettercare")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def south_kent_coast() -> Path:
    """The South Kent Coast 2014 plan as a folder of CSVs, with its real inconsistencies."""
    return FIXTURES / "south-kent-coast-2014"


@pytest.fixture
def registry(db):
    """The national metrics from the registry, in the test database."""
    from bettercare.web.performance.registry import sync_registry

    sync_registry()


@pytest.fixture
def importer(db, registry):
    """A user who imports, recorded in the history."""
    from bettercare.web.accounts.models import User

    return User.objects.create_user("analyst", password="not-used-here")


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo region (its data, not its logins), loaded once per session (per xdist worker).

    Loading takes long; restoring the rows it wrote takes a fraction of that (``tests.snapshot``).
    """
    from bettercare.web.demo_load import load_demo
    from tests.snapshot import Snapshot

    with django_db_blocker.unblock():
        return Snapshot.take(load_demo)


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker):
    """The demo region for a module, restored from the session's load and rolled back after it.

    Each test runs in its own savepoint within the module's transaction (``django_db``); a module
    that also needs the demo's logins overrides this fixture, asking for it by name.
    """
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_snapshot.restore()
        transaction.set_rollback(True)
