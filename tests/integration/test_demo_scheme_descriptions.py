"""The demonstration's scheme descriptions: every Leicestershire scheme described in the shape
of seed 003, shown on its page (labelled as demonstration data) and in the API."""

from __future__ import annotations

import re

import pytest

from bettercare.demo import LEICESTERSHIRE
from bettercare.web.programmes.models import Scheme
from tests.factories import make_user
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db


def test_every_leicestershire_scheme_carries_a_description(demo):
    schemes = Scheme.objects.filter(area__code=LEICESTERSHIRE).prefetch_related(
        "delivery_chain", "investments", "kpis", "metrics"
    )
    assert len(schemes) >= 20
    for scheme in schemes:
        assert scheme.strategic_objective, scheme.ref
        assert scheme.target_cohorts, scheme.ref
        assert scheme.evidence_base, scheme.ref
        assert scheme.success_factors, scheme.ref
        roles = {p.role for p in scheme.delivery_chain.all()}
        assert {"commissioner", "provider"} <= roles, scheme.ref
        assert scheme.investments.all(), scheme.ref
        assert scheme.kpis.all(), scheme.ref


def test_home_first_reads_in_full_on_its_page_as_demonstration_data(demo, client):
    area = Scheme.objects.get(area__code=LEICESTERSHIRE, ref="BCF 10").area
    client.force_login(make_user("reader", (area, "viewer")))
    scheme = Scheme.objects.get(area=area, ref="BCF 10")

    response = client.get(f"/areas/{LEICESTERSHIRE}/schemes/{scheme.pk}/description/")
    text = text_of(response)
    # Each metric it affects links to the metric's page, where the area has its figures.
    links = re.findall(
        rf'href="(/areas/{LEICESTERSHIRE}/metrics/[^"/]+/)"', response.content.decode()
    )
    assert links
    assert all(client.get(link).status_code == 200 for link in links)

    assert "Demonstration" in text
    assert "Nobody waits in a hospital bed for an assessment that could be done at home" in text
    assert (
        "Leicestershire County Council Commissioner Commissions home care and social work "
        "University Hospitals of Leicester NHS Trust Partner Identifies patients medically fit "
        "for discharge"
    ) in text
    assert "Assessments completed at home within 72 hours Locality 90% Weekly" in text
    assert "Delayed days (all reasons) Area 1,200 days a month Monthly" in text


def test_the_api_gives_the_demo_descriptions(demo, client):
    area = Scheme.objects.get(area__code=LEICESTERSHIRE, ref="BCF 9").area
    client.force_login(make_user("reader", (area, "viewer")))
    schemes = client.get(f"/api/areas/{LEICESTERSHIRE}/schemes").json()
    [primary] = [s for s in schemes if s["ref"] == "BCF 9"]
    assert primary["description"]["target_cohorts"][2] == "Those with dementia"
    assert [k["level"] for k in primary["description"]["local_kpis"]] == [
        "practice",
        "locality",
        "practice",
        "area",
    ]
