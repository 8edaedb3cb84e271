"""One shared local Spark session for the risk specs."""

import pytest


@pytest.fixture(scope="session")
def spark_session():
    from bettercare.pipeline.engines import spark_session as start

    return start("local[2]")
