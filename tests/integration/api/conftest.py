"""Fixtures for the API tests: the areas of two regions, built afresh for each test."""

import pytest

from tests.factories import (
    Areas,
    make_areas,
)


@pytest.fixture
def areas(db) -> Areas:
    return make_areas()
