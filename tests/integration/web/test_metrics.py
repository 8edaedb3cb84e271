"""The metric pages: every metric for a period, and one metric with its SPC chart and region."""

from __future__ import annotations

from collections import Counter

import pytest

from bettercare.core.periods import Month
from bettercare.core.stats import dsr, rate
from bettercare.core.summary import MetricSpec
from bettercare.formatting import VARIATION_WORDS, chance, metric_value
from bettercare.web.performance.models import MetricValue
from bettercare.web.performance.queries import area_metric_summaries
from bettercare.web.performance.views import regional_estimate
from tests.factories import (
    ICB_CODE,
    KENT,
    MEDWAY,
    make_area,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
    make_scheme,
    make_scheme_status,
    make_target,
    make_user,
)
from tests.integration.web.html import charts, count_queries, text_of

pytestmark = pytest.mark.django_db

# Monthly emergency admissions in Kent, April 2016 to August 2017.
KENT_ADMISSIONS = [900, 880, 870, 860, 890, 875, 865, 880, 870, 860, 850, 845]
KENT_ADMISSIONS += [830, 820, 815, 800, 760]
DENOMINATOR = 546_195
DETAIL = f"/areas/{KENT}/metrics/emergency_admissions/?period=2017-08"


def per_100k(value: float) -> str:
    return metric_value(value, "rate", 100_000)


@pytest.fixture
def world():
    """A region of four areas: Kent and Medway (under an ICB the viewer sees), two others."""
    region = make_region()
    icb = make_area(ICB_CODE, "Kent and Medway ICB", parent=region, type="ICB")
    kent = make_area(KENT, "Kent", parent=icb)
    medway = make_area(MEDWAY, "Medway", parent=icb)
    surrey = make_area("E10000030", "Surrey", parent=region)
    sussex = make_area("E10000032", "West Sussex", parent=region)
    metric = make_metric(
        numerator_definition="Emergency admissions of people aged 65 and over",
        denominator_definition="Population aged 65 and over (ONS mid-year estimate)",
        source="Secondary Uses Service",
        defined_by="NHS England BCF team",
        applies_from="2016-17",
    )
    make_monthly_values(kent, metric, KENT_ADMISSIONS)
    make_target(kent, metric, "2017-18", 150.0)
    make_monthly_values(medway, metric, [300] * 17, denominator=200_000)
    make_monthly_values(surrey, metric, [500] * 17, denominator=400_000)
    make_monthly_values(sussex, metric, [420] * 17, denominator=300_000)
    period = make_period(kent, "2017-08")
    scheme = make_scheme(kent, "BCF 4", "Falls prevention", metrics=[metric])
    make_scheme_status(scheme, period, "metrics", "A", "Admissions are above plan in winter")
    viewer = make_user("viewer", (icb, "viewer"))
    return {
        "region": region,
        "kent": kent,
        "metric": metric,
        "viewer": viewer,
        "surrey": surrey,
        "scheme": scheme,
    }


def test_the_metric_list_shows_each_metric_and_composites_with_their_parts(client, world):
    kent = world["kent"]
    parent = make_metric("dtoc", "Delayed transfers of care")
    part = make_metric("dtoc_nhs", "Delayed transfers of care: NHS", parent=parent)
    make_monthly_values(kent, parent, [1611], first="2017-08")
    make_monthly_values(kent, part, [1000], first="2017-08")
    client.force_login(world["viewer"])

    response = client.get(f"/areas/{KENT}/metrics/?period=2017-08")

    assert response.status_code == 200
    text = text_of(response)
    assert "Non-elective admissions" in text
    assert "Delayed transfers of care: its parts" in text
    assert "Composite measure: Delayed transfers of care" in text
    latest = rate(760, DENOMINATOR)
    assert f"{per_100k(latest.lower)} to {per_100k(latest.upper)}" in text
    assert f'href="/areas/{KENT}/metrics/emergency_admissions/?period=2017-08"' in (
        response.content.decode()
    )
    assert 'role="img"' in response.content.decode()  # the trend sparkline


def test_the_metric_detail_traces_the_figure_to_its_definition_values_and_method(client, world):
    client.force_login(world["viewer"])

    response = client.get(DETAIL)

    assert response.status_code == 200
    text = text_of(response)
    latest = rate(760, DENOMINATOR)
    assert f"Value {per_100k(latest.value)}" in text
    assert f"95% confidence interval {per_100k(latest.lower)} to {per_100k(latest.upper)}" in text
    assert "rate per 100,000 (Byar)" in text
    assert "Emergency admissions of people aged 65 and over" in text
    assert "Population aged 65 and over (ONS mid-year estimate)" in text
    assert "Lower is better" in text
    assert "Defined by NHS England BCF team" in text
    assert "Applies From 2016-17" in text
    assert "Performance summary: In August 2017 the figure was" in text
    # Every actual with its history, and the target for the year.
    html = response.content.decode()
    assert html.count(f"/areas/{KENT}/history/metric-value/") == len(KENT_ADMISSIONS) + 1
    assert "2017-18 150.00 Agreed in the plan" in text
    # The schemes expected to affect it, with their status this month.
    assert "BCF 4: Falls prevention" in text
    assert "Amber Admissions are above plan in winter" in text


def test_the_metric_detail_draws_the_spc_chart_with_its_icons_in_words(client, world):
    client.force_login(world["viewer"])
    [(_, summary)] = area_metric_summaries(
        world["kent"], Month.parse("2017-08"), metrics=[world["metric"]]
    )

    response = client.get(DETAIL)

    spc, _ = charts(response)
    assert spc["title"] == "Non-elective admissions, Kent: monthly values"
    assert len(spc["rows"]) == len(KENT_ADMISSIONS) + 1  # a header row and one per month
    assert spc["rows"][-1][0] == "August 2017"
    text = text_of(response)
    assert f"Variation: {VARIATION_WORDS[summary.spc.variation_icon]}." in text
    kinds = Counter(summary.spc.point_type)
    concern, better = kinds["special_cause_concern"], kinds["special_cause_improvement"]
    assert f"{concern + better} of 17 points show special cause variation " in text
    assert f"(concern: {concern}; improvement: {better})" in text
    assert summary.forecast is not None
    # One rule for the chance of meeting the target, on this page and in the metrics table.
    words = chance(summary.forecast.probability_meeting_target)
    assert f"Chance of meeting the target {words}" in text
    listed = text_of(client.get(f"/areas/{KENT}/metrics/?period=2017-08"))
    assert f"{words} chance of meeting the target" in listed


def test_the_region_comparison_names_only_areas_the_user_may_see(client, world):
    client.force_login(world["viewer"])

    response = client.get(DETAIL)

    _, league = charts(response)
    named = [row[0] for row in league["rows"][1:]]
    assert sorted(named) == ["Kent", "Medway"]
    text = text_of(response)
    assert "Surrey" not in text
    assert "West Sussex" not in text
    regional = rate(760 + 300 + 500 + 420, DENOMINATOR + 200_000 + 400_000 + 300_000)
    assert f"South East: {per_100k(regional.value)}" in text
    interval = f"{per_100k(regional.lower)} to {per_100k(regional.upper)}"
    assert f"(95% confidence interval {interval})" in text
    assert "the 4 areas in the region with a value for August 2017" in text
    assert "2 areas you do not have access to are included only in the regional figure" in text


def test_the_regional_figure_is_withheld_when_it_would_reveal_one_hidden_area(client, world):
    sees_three = make_user("three", (world["kent"].parent, "viewer"), (world["surrey"], "viewer"))
    client.force_login(sees_three)

    text = text_of(client.get(DETAIL))

    assert "The regional figure is not shown" in text
    assert "West Sussex" not in text
    assert "South East: " not in text


def test_a_regional_lead_sees_every_area_of_the_region(client, world):
    lead = make_user("lead", (world["region"], "regional_lead"))
    client.force_login(lead)

    _, league = charts(client.get(DETAIL))

    assert sorted(row[0] for row in league["rows"][1:]) == [
        "Kent",
        "Medway",
        "Surrey",
        "West Sussex",
    ]


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = client.get(DETAIL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_in_the_area_is_forbidden(client, world):
    client.force_login(make_user("stranger", (world["surrey"], "viewer")))
    assert client.get(DETAIL).status_code == 403
    assert client.get(f"/areas/{KENT}/metrics/").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/areas/E99999999/metrics/",
        "/areas/E99999999/metrics/emergency_admissions/",
        f"/areas/{KENT}/metrics/no_such_metric/",
        f"/areas/{KENT}/metrics/emergency_admissions/?period=2099-01",
        f"/areas/{KENT}/metrics/emergency_admissions/?period=2010-01",
        f"/areas/{KENT}/metrics/emergency_admissions/?period=August",
    ],
)
def test_unknown_areas_metrics_and_periods_are_not_found(client, world, path):
    client.force_login(make_user("admin-ish", (world["region"], "viewer")))
    assert client.get(path).status_code == 404


def test_a_metric_without_values_for_the_area_is_not_found(client, world):
    make_metric("other", "A metric Kent does not report")
    client.force_login(world["viewer"])
    response = client.get(f"/areas/{KENT}/metrics/other/")
    assert response.status_code == 404
    assert (
        "A metric Kent does not report is not in force for Kent in August 2017 and has no "
        "value by then."
    ) in text_of(response)


def test_the_number_of_queries_does_not_grow_with_values_schemes_or_areas(client, world):
    lead = make_user("lead", (world["region"], "regional_lead"))
    client.force_login(lead)
    small = count_queries(client, DETAIL)
    small_list = count_queries(client, f"/areas/{KENT}/metrics/?period=2017-08")

    kent, metric = world["kent"], world["metric"]
    make_monthly_values(kent, metric, [700] * 24, first="2014-04")
    for number in range(5, 12):
        make_scheme(kent, f"BCF {number}", f"Scheme {number}", metrics=[metric])
    for number in range(3):
        area = make_area(f"E1000004{number}", f"Extra {number}", parent=world["region"])
        make_monthly_values(area, metric, [100] * 17, denominator=90_000)
    for number in range(3):
        other = make_metric(f"extra_{number}", f"Extra metric {number}")
        make_monthly_values(kent, other, [50] * 17)

    assert count_queries(client, DETAIL) == small
    assert count_queries(client, f"/areas/{KENT}/metrics/?period=2017-08") == small_list


def spec_of(unit: str, multiplier: int) -> MetricSpec:
    return MetricSpec("m", "A metric", unit, multiplier, "lower_is_better")


def test_the_regional_figure_sums_counts_and_standardised_rate_bands():
    values = [MetricValue(numerator=12), MetricValue(numerator=30), MetricValue(value=5)]
    estimate, used = regional_estimate(spec_of("count", 1), values)
    expected = rate(42, 1, multiplier=1)
    assert len(used) == 2  # a published value without a numerator cannot be summed
    assert (estimate.value, estimate.lower, estimate.upper) == (
        expected.value,
        expected.lower,
        expected.upper,
    )

    a = {"counts": [10, 20], "populations": [1000, 2000], "standard_population": [60, 40]}
    b = {"counts": [5, 15], "populations": [500, 3000], "standard_population": [60, 40]}
    values = [MetricValue(bands=a), MetricValue(bands=b), MetricValue(numerator=3)]
    estimate, used = regional_estimate(spec_of("dsr", 100_000), values)
    expected = dsr([15, 35], [1500, 5000], [60, 40], multiplier=100_000)
    assert len(used) == 2
    assert estimate.value == pytest.approx(expected.value)
    assert (estimate.lower, estimate.upper) == pytest.approx((expected.lower, expected.upper))
