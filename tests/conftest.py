"""Shared fixtures: small, readable builders rather than one giant shared fixture."""

from pathlib import Path

import pytest

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
