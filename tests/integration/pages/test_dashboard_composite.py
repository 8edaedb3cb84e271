"""A composite measure on the dashboard and in its pack: its own figures, each part's, and how
it is formed, in the registry's words (seed 000's avoidable emergency admissions composite)."""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.core.stats import rate
from bettercare.registry import composition_words, load_registry
from bettercare.reports.render import render_html
from bettercare.web.performance.models import MetricValue
from bettercare.web.reporting.dashboard import build_dashboard
from tests.factories import KENT, make_area, make_metric, make_period, make_region, make_user
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

COMPOSITE = "bcf_avoidable_admissions_composite"
POPULATION, CHILDREN = 684_138.0, 151_020.0
#: Each part's admissions in 2014-15 and its denominator; the composite is their sum.
PARTS = {
    "bcf_avoidable_acsc": (5_206.0, POPULATION),
    "bcf_avoidable_children_asthma_diabetes_epilepsy": (302.0, CHILDREN),
    "bcf_avoidable_acute_conditions": (3_998.0, POPULATION),
    "bcf_avoidable_children_lrti": (407.0, CHILDREN),
}


def actual(area, metric, numerator, denominator):
    return MetricValue.objects.create(
        area=area,
        metric=metric,
        kind=MetricValue.Kind.ACTUAL,
        period_start=date(2014, 4, 1),
        period_end=date(2015, 3, 31),
        numerator=numerator,
        denominator=denominator,
    )


def make_composite(area):
    """The composite with its 2014-15 figures and target, and its four parts: (the composite,
    the parts by code)."""
    registry = load_registry()
    parent = make_metric(COMPOSITE, registry[COMPOSITE].name, frequency="year")
    actual(area, parent, sum(n for n, _ in PARTS.values()), POPULATION)
    MetricValue.objects.create(
        area=area,
        metric=parent,
        kind=MetricValue.Kind.TARGET,
        period_start=date(2014, 4, 1),
        period_end=date(2015, 3, 31),
        value=1_400.0,
    )
    parts = {}
    for code, (numerator, denominator) in PARTS.items():
        parts[code] = make_metric(code, registry[code].name, frequency="year", parent=parent)
        actual(area, parts[code], numerator, denominator)
    return parent, parts


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    period = make_period(kent, "2015-08")
    make_composite(kent)
    return {"kent": kent, "period": period, "viewer": make_user("viewer", (kent, "viewer"))}


def test_the_report_model_holds_the_composite_its_parts_and_how_it_is_formed(world):
    report = build_dashboard(world["period"])
    [(parent, parts)] = report.composites
    assert parent.code == COMPOSITE
    assert parent.numerator == 9_913.0  # the seed's annual activity baseline
    expected = rate(9_913, POPULATION)
    assert parent.value == pytest.approx(expected.value)
    assert (parent.lower, parent.upper) == pytest.approx((expected.lower, expected.upper))
    assert parent.comparison == "significantly_worse"  # 1,448.98 (1,420.59 to 1,477.79) > 1,400
    assert parent.composition == composition_words(COMPOSITE, load_registry())
    assert parent.composition.startswith(
        "A composite of 4 parts: the sum of its parts' numerators over its own denominator"
    )
    assert [p.code for p in parts] == list(PARTS)  # in the registry's order, as its words
    for part in parts:
        numerator, denominator = PARTS[part.code]
        assert part.value == pytest.approx(rate(numerator, denominator).value)
        assert part.lower is not None
        assert part.composition == ""
    # The composite is the sum of its parts' numerators, as the registry says.
    assert sum(p.numerator for p in parts) == parent.numerator


def test_the_dashboard_page_shows_the_composite_with_its_parts(client, world):
    client.force_login(world["viewer"])
    text = text_of(client.get(f"/areas/{KENT}/dashboard/?period=2015-08"))
    section = text.split("Composite measures", 1)[1].split("Schemes by theme", 1)[0].strip()
    assert section.startswith(
        "Avoidable emergency admissions (composite measure): A composite of 4 parts"
    )
    assert (
        "Composite measure: Avoidable emergency admissions (composite measure), and its parts"
        in (section)
    )
    assert "1,448.98" in section  # the composite's own value
    assert "760.96" in section  # chronic ACSC: 5,206 of 684,138
    assert "Emergency admissions for children with lower respiratory tract infection" in section


def test_the_pack_shows_the_composite_and_how_it_is_formed(world):
    html = render_html(build_dashboard(world["period"]))
    assert "Composite measures" in html
    assert "A composite of 4 parts: the sum of its parts&#39; numerators" in html
    assert "1,448.98" in html


def test_the_composites_metric_page_shows_how_it_is_formed_and_its_parts(client, world):
    client.force_login(world["viewer"])
    text = text_of(client.get(f"/areas/{KENT}/metrics/{COMPOSITE}/?period=2015-08"))
    section = text.split("Composite measure", 1)[1].split("Commentary, August 2015", 1)[0]
    assert "A composite of 4 parts: the sum of its parts' numerators" in section
    assert "The parts of Avoidable emergency admissions (composite measure), August 2015" in (
        section
    )
    assert "760.96" in section  # chronic ACSC: 5,206 of 684,138
    assert (
        "Additional information The latest data are for 2014-15, 5 months before August 2015."
        in (text)
    )


def test_a_parts_metric_page_names_its_composite(client, world):
    client.force_login(world["viewer"])
    text = text_of(client.get(f"/areas/{KENT}/metrics/bcf_avoidable_acsc/?period=2015-08"))
    assert (
        "A part of the composite measure Avoidable emergency admissions (composite measure) . "
        "A composite of 4 parts"
    ) in text
