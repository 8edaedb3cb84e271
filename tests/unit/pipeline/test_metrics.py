"""Periods and population years of the assembled metric values."""

from datetime import date

from bettercare.core.periods import Month
from bettercare.pipeline.definitions import ACSC_PREFIXES, DSR_WEIGHTS, METRICS
from bettercare.pipeline.metrics import periods, population_year
from bettercare.registry import load_registry


def test_monthly_periods_run_from_the_first_to_the_last_day_of_each_month():
    found = periods("month", Month(2024, 1), Month(2024, 3))
    assert [(p.start, p.end) for p in found] == [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 31)),
    ]


def test_only_whole_financial_quarters_and_years_within_the_range():
    quarters = periods("quarter", Month(2023, 5), Month(2024, 4))
    assert [(p.start, p.end) for p in quarters] == [
        (date(2023, 7, 1), date(2023, 9, 30)),
        (date(2023, 10, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 3, 31)),
    ]
    assert periods("year", Month(2023, 5), Month(2025, 3))[0].start == date(2024, 4, 1)
    assert periods("year", Month(2023, 4), Month(2024, 2)) == []


def test_a_month_uses_the_estimate_of_the_year_its_financial_year_starts():
    assert population_year(Month(2023, 4)) == 2023
    assert population_year(Month(2024, 3)) == 2023
    assert population_year(Month(2024, 4)) == 2024


def test_every_definition_is_a_registry_metric_of_the_matching_unit():
    registry = load_registry()
    for query in METRICS:
        definition = registry[query.code]
        assert (definition.unit == "dsr") == query.standardised, query.code
        if definition.unit == "mean":
            assert query.code == "bcf_discharge_delay"
    assert len({q.code for q in METRICS}) == len(METRICS)


def test_the_falls_standard_population_is_the_esp2013_65_plus_bands():
    assert DSR_WEIGHTS == (5500, 5000, 4000, 2500, 1500, 1000)


def test_the_acsc_list_has_four_character_diabetes_codes_without_the_unspecified_ninth():
    assert "E110" in ACSC_PREFIXES
    assert "E118" in ACSC_PREFIXES
    assert "E119" not in ACSC_PREFIXES
