"""A shared local Spark session, so that the commands under test reuse it (not stop it)."""

import pytest


@pytest.fixture(scope="session")
def spark_session():
    from bettercare.pipeline.engines import spark_session as start

    return start("local[2]")
