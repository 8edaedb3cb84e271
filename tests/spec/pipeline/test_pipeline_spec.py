"""Hand-checked tiny inputs for each metric, run on every engine.

Each case has its own areas, so all cases are written into one input folder and every engine
runs once over it (Spark is slow to start a query, not to count a few rows). Populations are
1,000 people of each sex in every five-year band unless a case says otherwise: 12,000 people
aged 65 and over and 38,000 of all ages.
"""

import math
from datetime import date

import pytest
from pipeline_engines import ENGINES, make

from bettercare.core.means import mean
from bettercare.core.periods import Month
from bettercare.core.stats import dsr
from bettercare.pipeline.run import run_pipeline
from tests.unit.pipeline.builders import (
    admission,
    care_home,
    population,
    reablement,
    write_inputs,
)

FIRST, LAST = Month(2023, 4), Month(2024, 6)
A, B, C, D, E, F, G, H, K, J, L = (f"E060000{n:02d}" for n in range(1, 12))
YEARS = (2023, 2024)
OLDER_FALLS_POPULATION = [1000] * 13 + [2000, 1500, 1200, 800, 400, 100]  # per sex

ADMISSIONS = [
    # A: emergency admissions of people 65+ and of all ages.
    admission(A, "2023-04-10", age=70),
    admission(A, "2023-04-11", age=40),
    admission(A, "2023-04-12", age=80, method="elective"),
    admission(A, "2023-05-02", age=65),
    admission(A, "2023-05-03", age=64),
    # B: a month of 2024-25 uses the mid-2024 population (half the size).
    admission(B, "2024-04-30", age=90),
    # C: chronic ambulatory care sensitive conditions.
    *(
        admission(C, "2023-06-15", diagnosis=code, method=method)
        for code, method in [
            ("J44.1", "emergency"),
            ("i50", "emergency"),
            ("I10", "emergency"),
            ("E11.0", "emergency"),
            ("E11.9", "emergency"),
            ("J20.9", "emergency"),
            ("J45.0", "elective"),
            (None, "emergency"),
        ]
    ),
    # D: discharge delays from the discharge ready date, adults only, by discharge month.
    admission(D, "2023-04-01", discharged="2023-04-10", ready="2023-04-07"),
    admission(D, "2023-04-01", discharged="2023-04-12", ready="2023-04-12"),
    admission(D, "2023-04-01", discharged="2023-04-15", ready="2023-04-20"),
    admission(D, "2023-04-01", discharged="2023-04-16"),
    admission(D, "2023-04-01", discharged="2023-04-17", ready="2023-04-10", age=17),
    admission(D, "2023-04-01", discharged="2023-05-03", ready="2023-04-30"),
    admission(D, "2023-04-01"),
    # E: discharges to the usual place of residence, deaths left out.
    *(
        admission(E, "2023-07-01", discharged="2023-07-05", destination=code)
        for code in ("19", "19", "54", "79", None)
    ),
    # H: falls of people 65+ by band (3, 2, 0, 4, 0, 1), and two that do not count.
    *(
        admission(H, "2023-09-01", age=age, diagnosis="W01.0")
        for age in (65, 66, 69, 70, 74, 80, 81, 82, 84, 95)
    ),
    admission(H, "2023-09-01", age=50, diagnosis="W19"),
    admission(H, "2023-09-01", age=75, diagnosis="W19", method="elective"),
    # K: nine falls: too few for a directly standardised rate.
    *(admission(K, "2024-01-10", age=70, diagnosis="W10.9") for _ in range(9)),
    # J: no mid-2023 estimate, so the mid-2022 one is used.
    admission(J, "2023-04-03", age=70),
    # L: delays of 0, 0, 1, 2 and 7 days in May 2024 (total 10, sum of squares 54); a death
    # with a ready date is still a discharge with a delay.
    *(
        admission(L, "2024-04-20", discharged="2024-05-10", ready=ready, destination=code)
        for ready, code in [
            ("2024-05-10", "19"),
            ("2024-05-12", "19"),
            ("2024-05-09", "54"),
            ("2024-05-08", "19"),
            ("2024-05-03", "79"),
        ]
    ),
]
CARE_HOMES = [
    care_home(F, "2023-04-05", age=70),
    care_home(F, "2023-05-05", age=64),
    care_home(F, "2023-05-06", age=80, duration="short_term"),
    care_home(F, "2023-06-30", age=90),
]
REABLEMENT = [
    reablement(G, "2023-10-05", age=70),
    reablement(G, "2023-11-05", age=80, at_home=False),
    reablement(G, "2024-02-05", age=66),
    reablement(G, "2023-10-06", age=60),
]
POPULATION = [
    *(row for area in (A, C, D, E, F, G, K) for row in population(area, YEARS)),
    *population(B, [2023]),
    *population(B, [2024], 500),
    *population(H, YEARS, OLDER_FALLS_POPULATION),
    *population(J, [2022]),
    *population(L, YEARS),
]


@pytest.fixture(scope="module", params=ENGINES)
def results(request, tmp_path_factory):
    folder = write_inputs(
        tmp_path_factory.mktemp("spec"),
        admissions=ADMISSIONS,
        care_homes=CARE_HOMES,
        reablements=REABLEMENT,
        populations=POPULATION,
    )
    engine = make(request.param, request)
    try:
        run = run_pipeline(folder, first=FIRST, last=LAST, engine=engine)
    finally:
        engine.close()
    return {(r.area_code, r.metric_code, r.period_start, r.period_end): r for r in run.rows}


def month(text):
    found = Month.parse(text)
    return found.first_day, found.last_day


def quarter(text):
    first = Month.parse(text)
    return first.first_day, (first + 2).last_day


YEAR = (date(2023, 4, 1), date(2024, 3, 31))


def figures(results, area, metric, period):
    row = results[(area, metric, *period)]
    return row.numerator, row.denominator, row.value


def test_emergency_admissions_65_count_emergencies_from_age_65(results):
    metric = "bcf_emergency_admissions_65"
    assert figures(results, A, metric, month("2023-04")) == (1, 12000, 8.333333)
    assert figures(results, A, metric, month("2023-05")) == (1, 12000, 8.333333)
    assert figures(results, A, metric, month("2023-06")) == (0, 12000, 0.0)


def test_a_month_uses_the_mid_year_estimate_of_its_financial_year(results):
    metric = "bcf_emergency_admissions_65"
    assert figures(results, B, metric, month("2024-03")) == (0, 12000, 0.0)
    assert figures(results, B, metric, month("2024-04")) == (1, 6000, 16.666667)


def test_non_elective_admissions_are_emergencies_of_all_ages(results):
    metric = "bcf_non_elective_admissions"
    assert figures(results, A, metric, month("2023-04")) == (2, 38000, 5.263158)
    assert figures(results, A, metric, month("2023-05")) == (2, 38000, 5.263158)


def test_avoidable_admissions_match_chronic_acsc_prefixes_in_any_case_with_or_without_dot(results):
    # J44.1, i50, I10 and E11.0 count; E11.9, J20.9, an elective J45 and no diagnosis do not.
    assert figures(results, C, "bcf_avoidable_admissions", month("2023-06")) == (
        4,
        38000,
        10.526316,
    )


def test_discharge_delay_is_the_mean_of_days_past_the_ready_date(results):
    metric = "bcf_discharge_delay"
    # April: 3 + 0 + 0 (ready after discharge counts as no delay) days over three adults.
    assert figures(results, D, metric, month("2023-04")) == (3, 3, 1.0)
    assert figures(results, D, metric, month("2023-05")) == (3, 1, 3.0)
    assert (D, metric, *month("2023-06")) not in results  # no discharges: nothing to divide


def test_discharge_delay_carries_the_sum_of_squares_of_the_delays(results):
    metric = "bcf_discharge_delay"
    assert results[(D, metric, *month("2023-04"))].sum_of_squares == 9  # 3**2 + 0 + 0
    assert results[(D, metric, *month("2023-05"))].sum_of_squares == 9
    row = results[(L, metric, *month("2024-05"))]
    assert (row.numerator, row.denominator, row.sum_of_squares, row.value) == (10, 5, 54, 2.0)
    found = mean(row.numerator, row.denominator, row.sum_of_squares)
    assert (round(found.lower, 2), round(found.upper, 2)) == (-1.62, 5.62)


def test_only_means_carry_a_sum_of_squares(results):
    carrying = {row.metric_code for row in results.values() if row.sum_of_squares is not None}
    assert carrying == {"bcf_discharge_delay"}


def test_discharges_to_usual_residence_leave_out_deaths(results):
    metric = "bcf_discharge_usual_residence"
    assert figures(results, E, metric, month("2023-07")) == (2, 4, 50.0)
    assert figures(results, D, metric, month("2023-04")) == (5, 5, 100.0)


def test_care_home_admissions_count_long_term_65_plus_by_quarter_and_year(results):
    assert figures(results, F, "bcf_care_home_admissions_65", quarter("2023-04")) == (
        2,
        12000,
        16.666667,
    )
    assert figures(results, F, "bcf_care_home_admissions_65", quarter("2023-07")) == (0, 12000, 0.0)
    assert figures(results, F, "bcf_residential_admissions_65", YEAR) == (2, 12000, 16.666667)


def test_only_whole_quarters_and_years_in_the_range(results):
    quarters = {k[2] for k in results if k[:2] == (F, "bcf_care_home_admissions_65")}
    assert quarters == {
        date(2023, 4, 1),
        date(2023, 7, 1),
        date(2023, 10, 1),
        date(2024, 1, 1),
        date(2024, 4, 1),
    }
    years = {k[2:] for k in results if k[:2] == (F, "bcf_residential_admissions_65")}
    assert years == {YEAR}


def test_reablement_proportions_for_the_year_and_for_october_to_december(results):
    assert figures(results, G, "bcf_reablement_65", YEAR) == (2, 3, 66.666667)
    assert figures(results, G, "bcf_reablement_91_days", YEAR) == (1, 2, 50.0)


def test_falls_dsr_is_core_dsr_with_the_esp2013_weights_of_the_65_plus_bands(results):
    counts = [3, 2, 0, 4, 0, 1]
    populations = [4000, 3000, 2400, 1600, 800, 200]
    weights = [5500, 5000, 4000, 2500, 1500, 1000]
    row = results[(H, "bcf_falls_65", *YEAR)]
    by_hand = sum(w * x / n for w, x, n in zip(weights, counts, populations, strict=True)) / sum(
        weights
    )
    assert row.value == round(dsr(counts, populations, weights).value, 6)
    assert math.isclose(row.value, by_hand * 100_000, abs_tol=1e-6)
    assert row.value == 95.940171
    assert (row.numerator, row.denominator) == (10, 12000)
    assert row.bands == {
        "labels": ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"],
        "counts": counts,
        "populations": populations,
        "standard_population": weights,
    }


def test_a_dsr_from_fewer_than_10_falls_has_no_value_but_keeps_its_bands(results):
    row = results[(K, "bcf_falls_65", *YEAR)]
    assert (row.numerator, row.value) == (9, None)
    assert row.bands["counts"] == [0, 9, 0, 0, 0, 0]


def test_an_area_without_the_years_estimate_uses_its_latest_and_says_so(results):
    row = results[(J, "bcf_emergency_admissions_65", *month("2023-04"))]
    assert (row.numerator, row.denominator, row.value) == (1, 12000, 8.333333)
    assert row.note == "population: mid-2022 estimate, the latest available (no mid-2023)"
