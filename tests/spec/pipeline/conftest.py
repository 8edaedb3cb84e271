"""One shared local Spark session for the pipeline specs (starting one takes ~10 s)."""

import pytest


@pytest.fixture(scope="session")
def spark_session():
    from bettercare.pipeline.engines import spark_session as start

    return start("local[2]")
