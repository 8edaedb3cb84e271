"""The benchmarking pages on the demonstration region: every metric of Leicestershire renders.

The demo has every kind of metric (rates, proportions, DSRs, counts, composites), so this
catches a page that works for the hand-made world of test_benchmarking but not for real shapes.
"""

import pytest

from bettercare.demo import LEICESTERSHIRE
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area
from tests.factories import make_user
from tests.integration.web.html import charts, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional_lead(demo):
    area = Area.objects.get(code=LEICESTERSHIRE)
    region = area.parent
    while region.type != Area.Type.REGION:
        region = region.parent
    return make_user("benchmark-lead", (region, "regional_lead"))


def test_every_metric_of_leicestershire_has_a_benchmark_page(client, regional_lead):
    client.force_login(regional_lead)
    codes = (
        MetricValue.objects.filter(area__code=LEICESTERSHIRE, kind="actual")
        .values_list("metric__code", flat=True)
        .distinct()
    )
    funnels = 0
    for code in sorted(set(codes)):
        response = client.get(f"/areas/{LEICESTERSHIRE}/metrics/{code}/benchmark/?period=2017-08")
        assert response.status_code in (200, 404), (code, response.status_code)
        if response.status_code == 404:  # no value by August 2017
            assert "has no value of" in text_of(response)
            continue
        unit = Metric.objects.get(code=code).unit
        found = [c for c in charts(response) if "funnel plot" in c["title"]]
        if unit in ("rate", "proportion", "dsr") and found:
            funnels += 1
            assert len(found[0]["rows"]) > 2  # the header and more than one area
    assert funnels >= 1


def test_the_spine_chart_of_leicestershire_renders(client, regional_lead):
    client.force_login(regional_lead)

    response = client.get(f"/areas/{LEICESTERSHIRE}/benchmark/?period=2017-08")

    assert response.status_code == 200
    [spine] = [c for c in charts(response) if "compared with" in c["title"]]
    assert len(spine["rows"]) > 2
