"""The finance page is made once per version of the area's data (ADR 0121): served from a
real cache, it reads no finance row, and an edit to any of its plan facts (a funding stream,
the savings achieved, a payment period's reduction achieved, a scheme's spend) shows at once,
because the edit moves the area's version on (ADR 0102)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bettercare.web.finance.actions import (
    funding_forecast_update,
    performance_achieved_update,
    savings_achieved_update,
)
from bettercare.web.finance.models import SchemeFinance
from tests.factories import (
    KENT,
    make_area,
    make_funding,
    make_period,
    make_region,
    make_savings_plan,
    make_scheme,
    make_scheme_finance,
    make_user,
)
from tests.factories.plan import make_p4p, make_payment
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

FINANCE = f"/areas/{KENT}/finance/"
#: The tables a finance page reads its money from: none of them when served from the cache.
FINANCE_TABLES = ("finance_", "programmes_reportingperiod", "programmes_scheme")


@pytest.fixture
def world(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2017-08")
    scheme = make_scheme(kent, "BCF 1", "Crisis response")
    manager = make_user("manager", (kent, "programme_manager"))
    return {
        "kent": kent,
        "manager": manager,
        "bcf": make_funding(kent, "BCF", budget="42600000", forecast="42600000"),
        "plan": make_savings_plan(kent, year="2017-18", achieved="100000"),
        "spend": make_scheme_finance(
            scheme, "spend", recurrent="7690000", non_recurrent="0", protection="social_care"
        ),
        "payment": make_payment(
            kent, "October 2017 payment", year="2017-18", available="468000", planned="12"
        ),
    }


def page(client) -> str:
    return text_of(client.get(FINANCE))


def test_a_cached_finance_page_reads_no_finance_row(client, world):
    client.force_login(world["manager"])
    page(client)
    with CaptureQueriesContext(connection) as queries:
        assert "Pooled fund 2017-18: £42,600,000" in page(client)
    read = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in read if any(f'FROM "{t}' in sql for t in FINANCE_TABLES)], read


def test_a_funding_forecast_edited_shows_at_once(client, world):
    client.force_login(world["manager"])
    assert "BCF £42,600,000 – £42,600,000 £0" in page(client)
    funding_forecast_update(
        funding=world["bcf"],
        forecast_outturn=Decimal("43000000"),
        seen_version=1,
        by=world["manager"],
    )
    assert "BCF £42,600,000 – £43,000,000 £400,000" in page(client)


def test_the_savings_achieved_edited_show_at_once(client, world):
    client.force_login(world["manager"])
    assert "£100,000 achieved of" in page(client)
    savings_achieved_update(
        plan=world["plan"], achieved_to_date=Decimal(250_000), seen_version=1, by=world["manager"]
    )
    assert "£250,000 achieved of" in page(client)


def test_a_reduction_achieved_edited_shows_at_once(client, world):
    client.force_login(world["manager"])
    assert "October 2017 payment £468,000 12 Not known yet" in page(client)
    performance_achieved_update(
        payment=world["payment"],
        achieved_reduction=Decimal(9),
        seen_version=1,
        by=world["manager"],
    )
    assert "October 2017 payment £468,000 12 9 £351,000 £117,000" in page(client)


def test_a_new_plan_fact_shows_at_once(client, world):
    """Rows saved outside the finance edits (the plan's import, a test's set-up) move the
    version on too: pay for performance, another stream, a scheme's spend changed."""
    client.force_login(world["manager"])
    before = page(client)
    assert "Admissions to residential and care homes" not in before
    assert "Pooled fund 2017-18: £42,600,000 (BCF £42,600,000)" in before
    make_p4p(
        world["kent"],
        "Admissions to residential and care homes",
        year="2017-18",
        planned_savings="468000",
        maximum_support="468000",
    )
    make_funding(world["kent"], "iBCF", budget="9500000")
    SchemeFinance.objects.filter(pk=world["spend"].pk).update(protection="nhs_out_of_hospital")
    world["spend"].refresh_from_db()
    world["spend"].save()  # the update() above sends no signal; a save does
    after = page(client)
    assert "Admissions to residential and care homes £468,000 £468,000" in after
    assert "Pooled fund 2017-18: £52,100,000 (BCF £42,600,000, iBCF £9,500,000)" in after
    assert "NHS-commissioned out-of-hospital services £7,690,000 £7.7m" in after
