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


def _aggregates_for(area, months):
    """One emergency admission at 70 and one delayed discharge in each month."""
    from bettercare.pipeline.aggregates import Aggregates

    keys = [m.year * 100 + m.month for m in months]
    return Aggregates(
        tables={
            "admissions": {(area, key, 14): (1, 0, 0) for key in keys},
            "discharges": {(area, key): (1, 1, 1, 3, 9) for key in keys},
        },
        population={(area, year, band): 1000 for year in (2024, 2025) for band in range(19)},
    )


def test_in_force_years_compute_a_metric_only_in_the_years_its_registry_definition_applies():
    from bettercare.pipeline.metrics import metric_values

    first, last = Month(2024, 10), Month(2025, 6)
    months = [first + k for k in range(first.months_until(last) + 1)]
    aggregates = _aggregates_for("E06000001", months)
    every = metric_values(aggregates, first=first, last=last, areas=["E06000001"])
    in_force = metric_values(
        aggregates, first=first, last=last, areas=["E06000001"], years="in_force"
    )

    def starts(rows, code):
        return [r.period_start for r in rows if r.metric_code == code]

    assert len(starts(every, "bcf_emergency_admissions_65")) == 9
    # 2025-26 metrics from April 2025; 2023-25 ones to March 2025; 2015-20 ones not at all.
    assert starts(in_force, "bcf_emergency_admissions_65") == [
        date(2025, 4, 1),
        date(2025, 5, 1),
        date(2025, 6, 1),
    ]
    assert starts(in_force, "bcf_discharge_delay")[0] == date(2025, 4, 1)
    assert starts(in_force, "bcf_avoidable_admissions")[-1] == date(2025, 3, 1)
    assert starts(in_force, "bcf_non_elective_admissions") == []
    registry = load_registry()
    for row in in_force:
        assert registry[row.metric_code].applies_in(
            Month.parse(str(row.period_start)[:7]).financial_year
        )
    delay = next(r for r in in_force if r.metric_code == "bcf_discharge_delay")
    assert (delay.numerator, delay.denominator, delay.sum_of_squares) == (3, 1, 9)


def test_years_must_be_all_or_in_force():
    import pytest

    from bettercare.pipeline.aggregates import Aggregates
    from bettercare.pipeline.metrics import metric_values

    with pytest.raises(ValueError, match="years must be one of all, in_force; got 'current'"):
        metric_values(
            Aggregates(), first=Month(2025, 4), last=Month(2025, 4), areas=[], years="current"
        )


def test_in_force_rows_are_exactly_the_all_years_rows_of_the_years_in_force():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bettercare.pipeline.aggregates import Aggregates
    from bettercare.pipeline.metrics import metric_values

    registry = load_registry()
    months = [Month(2022, 1) + k for k in range(60)]

    @settings(max_examples=25, deadline=None)
    @given(
        first=st.integers(0, 40),
        length=st.integers(0, 19),
        counts=st.lists(st.integers(0, 9), min_size=60, max_size=60),
    )
    def check(first, length, counts):
        area = "E06000001"
        keys = [(m, c) for m, c in zip(months, counts, strict=True) if c]
        aggregates = Aggregates(
            tables={
                "admissions": {(area, m.year * 100 + m.month, 15): (c, 1, c) for m, c in keys},
                "discharges": {(area, m.year * 100 + m.month): (c, c, c, c, c) for m, c in keys},
                "care_homes": {(area, m.year * 100 + m.month): (c,) for m, c in keys},
                "reablement": {(area, m.year * 100 + m.month): (c, c) for m, c in keys},
            },
            population={(area, y, b): 500 for y in range(2021, 2027) for b in range(19)},
        )
        span = {"first": months[first], "last": months[first + length], "areas": [area]}
        every = metric_values(aggregates, **span)
        in_force = metric_values(aggregates, **span, years="in_force")
        assert in_force == [
            row
            for row in every
            if registry[row.metric_code].applies_in(Month.of(row.period_start).financial_year)
        ]

    check()
