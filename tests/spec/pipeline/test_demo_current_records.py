"""The demo's current-year values are the pipeline's output on its records, on every engine."""

from datetime import date

import pytest
from pipeline_engines import ENGINES, make

from bettercare.core.periods import Month
from bettercare.demo.current_records import (
    CURRENT_METRICS,
    FIRST_MONTH,
    current_metric_values,
    write_current_records,
)
from bettercare.pipeline.run import run_pipeline

TODAY = date(2025, 8, 14)  # April to July 2025: four months, one whole quarter
#: Two of the ten areas (their records are the same as in the whole region's): the smallest,
#: and one created in 2021, so that the reference and Spark engines run in seconds.
AREAS = ("E06000017", "E06000061")


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """The reference engine's output on the demo's records, run as `bettercare pipeline` does."""
    folder = tmp_path_factory.mktemp("demo-records")
    records = write_current_records(folder, today=TODAY, areas=AREAS)
    assert (records.first, records.last) == (FIRST_MONTH, Month(2025, 7))
    run = run_pipeline(
        folder,
        first=records.first,
        last=records.last,
        engine="reference",
        today=TODAY,
        years="in_force",
    )
    return run.rows


@pytest.mark.parametrize("engine_name", ENGINES)
def test_the_demo_values_are_the_pipelines_output_on_the_demo_records(
    engine_name, request, expected
):
    engine = make(engine_name, request)
    try:
        found = current_metric_values(TODAY, engine=engine, areas=AREAS)
    finally:
        engine.close()
    assert found == expected
    assert {row.metric_code for row in found} == set(CURRENT_METRICS)
    assert {row.area_code for row in found} == set(AREAS)
    monthly = [r for r in found if r.metric_code == "bcf_emergency_admissions_65"]
    assert len(monthly) == 4 * len(AREAS)
    quarters = {r.period_start for r in found if r.metric_code == "bcf_care_home_admissions_65"}
    assert quarters == {date(2025, 4, 1)}
    delays = [r for r in found if r.metric_code == "bcf_discharge_delay"]
    assert len(delays) == 4 * len(AREAS)
    assert all(r.sum_of_squares is not None and r.sum_of_squares >= r.numerator for r in delays)
