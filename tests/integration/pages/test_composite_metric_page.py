"""A composite's or a part's metric page reads and computes only the composite and its parts
(ADR 0121), and shows exactly what it showed when it made every metric line of the area and
picked them out: that computation (``metric_lines``, still the metric list's) is the
reference here."""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.core.periods import Month
from bettercare.web.performance.models import MetricCommentary, MetricRebase
from bettercare.web.performance.queries import metric_detail_snapshot
from bettercare.web.performance.views import composite_section
from bettercare.web.reporting.common import metric_lines
from bettercare.web.reporting.queries import registry_order
from tests.factories import (
    KENT,
    dtoc_metric,
    make_area,
    make_monthly_values,
    make_period,
    make_region,
    make_user,
)
from tests.integration.pages.test_dashboard_composite import COMPOSITE, PARTS, make_composite
from tests.integration.web.html import count_queries, text_of

pytestmark = pytest.mark.django_db

AUGUST_2015 = Month(2015, 8)


@pytest.fixture
def world():
    """Seed 000's composite with its four parts, commentary on the composite and on a part,
    a rebase recorded for a part, and metrics outside the family (which the page leaves)."""
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2015-08")
    parent, parts = make_composite(kent)
    make_monthly_values(kent, dtoc_metric(), [1500 + n * 10 for n in range(15)], last="2015-08")
    for metric, text in (
        (parent, "The composite fell after the winter."),
        (parts["bcf_avoidable_acsc"], "Chronic conditions: the practices' registers grew."),
        (parts["bcf_avoidable_children_lrti"], ""),  # a blank row is no commentary
    ):
        MetricCommentary.objects.create(
            area=kent, metric=metric, month=date(2015, 8, 1), commentary=text
        )
    MetricRebase.objects.create(
        area=kent,
        metric=parts["bcf_avoidable_acute_conditions"],
        month=date(2015, 4, 1),
        reason="New coding rules from April 2015.",
    )
    return {"kent": kent, "viewer": make_user("viewer", (kent, "viewer"))}


def reference(area, month, code):
    """What the page showed before: every metric line of the area, the family picked out."""
    others = metric_lines(area, month)
    this = next(line for line in others if line.code == code)
    parts = sorted(
        (other for other in others if other.parent_code == code),
        key=lambda other: registry_order(other.code),
    )
    parent = next((other for other in others if other.code == this.parent_code), None)
    return parts, parent


@pytest.mark.parametrize("code", [COMPOSITE, *PARTS])
def test_the_composite_section_is_the_reference_computation(world, code):
    snapshot = metric_detail_snapshot(world["kent"], AUGUST_2015, code)
    parts, parent = composite_section(snapshot, AUGUST_2015)
    assert (parts, parent) == reference(world["kent"], AUGUST_2015, code)
    if code == COMPOSITE:
        assert [p.code for p in parts] == list(PARTS)
        assert parts[0].commentary == "Chronic conditions: the practices' registers grew."
        assert parent is None
    else:
        assert parts == []
        assert (parent.code, parent.commentary) == (
            COMPOSITE,
            "The composite fell after the winter.",
        )


def test_only_the_family_is_in_the_snapshot(world):
    composite = metric_detail_snapshot(world["kent"], AUGUST_2015, COMPOSITE)
    assert sorted(m.code for m in composite.family) == sorted(PARTS)
    rebased = {m.code: m.rebase_reasons for m in composite.family}
    assert rebased["bcf_avoidable_acute_conditions"] == (
        (Month(2015, 4), "New coding rules from April 2015."),
    )
    part = metric_detail_snapshot(world["kent"], AUGUST_2015, "bcf_avoidable_acsc")
    assert [m.code for m in part.family] == [COMPOSITE]
    plain = metric_detail_snapshot(world["kent"], AUGUST_2015, "bcf_dtoc")
    assert plain.family == ()


def test_the_pages_show_the_reference_section(client, world):
    client.force_login(world["viewer"])
    parts, _ = reference(world["kent"], AUGUST_2015, COMPOSITE)
    text = text_of(client.get(f"/areas/{KENT}/metrics/{COMPOSITE}/?period=2015-08"))
    section = text.split("Composite measure", 1)[1].split("Commentary, August 2015", 1)[0]
    for line in parts:
        assert line.name in section
        assert f"{line.value:,.2f}" in section
    part = text_of(client.get(f"/areas/{KENT}/metrics/bcf_avoidable_acsc/?period=2015-08"))
    assert "A part of the composite measure Avoidable emergency admissions" in part


def test_a_composites_page_runs_no_more_queries_than_a_plain_metrics(client, world):
    """The family's commentary and rebases come with the page's own (same queries)."""
    client.force_login(world["viewer"])
    plain = count_queries(client, f"/areas/{KENT}/metrics/bcf_dtoc/?period=2015-08")
    for code in (COMPOSITE, "bcf_avoidable_acsc"):
        assert count_queries(client, f"/areas/{KENT}/metrics/{code}/?period=2015-08") <= plain
