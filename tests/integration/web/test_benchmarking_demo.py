"""The benchmarking pages on the demonstration region: every metric of Leicestershire renders.

The demo has every kind of metric (rates, proportions, DSRs, counts, composites), so this
catches a page that works for the hand-made world of test_benchmarking but not for real shapes.
"""

import pytest

from bettercare.demo import LEICESTERSHIRE, REGION
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.reporting.dashboard import build_assurance, build_dashboard
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


PERMANENT = "bcf_permanent_admissions_65"


def test_an_annual_metric_is_compared_on_its_annual_figure_not_its_monthly_ones(
    client, regional_lead
):
    # Leicestershire holds monthly figures of permanent admissions from April 2017; they
    # forecast the year and are never compared with other areas' annual figures (ADR 0119).
    client.force_login(regional_lead)
    response = client.get(f"/areas/{LEICESTERSHIRE}/metrics/{PERMANENT}/benchmark/?period=2017-08")
    text = text_of(response)
    assert "East Midlands region, 2016-17" in text
    [funnel] = [c for c in charts(response) if "funnel plot" in c["title"]]
    assert len(funnel["rows"]) == 1 + 9  # the header and the nine areas of 2016-17
    # The area's place in the words its dashboard uses (core's one rule).
    period = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month="2017-08-01")
    line = next(m for m in build_dashboard(period).metrics if m.code == PERMANENT)
    [sentence] = [s for s in line.additional_information if "funnel plot" in s]
    assert f"Leicestershire: {sentence}" in text
    assert sentence.startswith("Above the 95% limit (within the 99.8%) of the funnel plot of the 9")

    region = Area.objects.get(code=REGION[0])
    [outlier] = [o for o in build_assurance(region, "2017-18 Q2").outliers if o.metric == PERMANENT]
    assert outlier.period_label.endswith("to March 2017")
    assert outlier.within + len(outlier.high) + len(outlier.low) + outlier.not_assessed >= 9
