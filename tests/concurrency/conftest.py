"""The races need a database that lets requests overlap: PostgreSQL. On SQLite (one writer at
a time, and an in-memory test database shared between threads) they are deselected, not
skipped: `make test` runs them in its PostgreSQL leg (see the Makefile's pytest target)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    here = [item for item in items if "tests/concurrency/" in item.nodeid]
    if here:
        config.hook.pytest_deselected(items=here)
        items[:] = [item for item in items if item not in here]
