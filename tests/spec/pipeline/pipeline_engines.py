"""The engines every pipeline spec runs on; Spark on the shared session of conftest.py."""

import pytest

ENGINES = ["reference", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def make(engine_name, request):
    """The engine called ``engine_name``; Spark on the shared session."""
    from bettercare.pipeline.engines import SparkEngine, make_engine

    if engine_name == "spark":
        return SparkEngine(request.getfixturevalue("spark_session"))
    return make_engine(engine_name)
