"""The scheme return form prints the RAG guidelines generated from the policy, beside each
dimension, with the statuses the scheme may use."""

from __future__ import annotations

import pytest

from tests.factories import (
    KENT,
    make_area,
    make_period,
    make_region,
    make_scheme,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db


def test_the_return_form_prints_each_dimensions_guidelines(client):
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2017-08")
    lead = make_user("lead", (kent, "scheme_lead"))
    scheme = make_scheme(kent, "BCF 1", "Rapid response", leads=[lead])
    client.force_login(lead)

    response = client.get(f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/")

    assert response.status_code == 200
    text = text_of(response)
    assert "What each status means for action plan milestones" in text
    assert (
        "Amber: There are minor delays in the action plan milestones of up to 30 days. "
        "Exception commentary must be provided."
    ) in text
    assert "N/A: Scheme not yet due to start. Please provide a start date." in text
    assert (
        "Red: Savings are off track by more than 10%. Exception commentary must be provided."
    ) in text
    # Not an enabler: the E guideline is not offered.
    assert "This scheme has been identified as an enabler" not in text
