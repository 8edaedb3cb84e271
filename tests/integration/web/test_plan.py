"""The pooled fund and protection split on the finance page, pay for performance, and the plan
page with its national conditions edit (ADR 0112)."""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.web.finance.models import NationalCondition
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import Area
from tests.factories import (
    KENT,
    make_area,
    make_funding,
    make_period,
    make_region,
    make_scheme,
    make_scheme_finance,
    make_user,
)
from tests.factories.plan import (
    make_condition,
    make_p4p,
    make_payment,
    make_plan_details,
    make_sign_off,
)
from tests.integration.web.html import count_queries, error_summary, text_of

pytestmark = pytest.mark.django_db

FINANCE = f"/areas/{KENT}/finance/"
PLAN = f"/areas/{KENT}/plan/"


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    make_period(kent, "2017-08")
    make_funding(kent, "BCF", budget="42600000", forecast="42600000")
    make_funding(
        kent,
        "DFG",
        budget="3300000",
        forecast="3300000",
        part_of="BCF",
        passported_to="Kent district councils",
    )
    make_funding(kent, "iBCF", budget="9500000", forecast="9500000")
    crisis = make_scheme(kent, "BCF 1", "Crisis response")
    care = make_scheme(kent, "BCF 2", "Protecting social care")
    other = make_scheme(kent, "BCF 3", "Disabled Facilities Grant")
    make_scheme_finance(
        crisis, "spend", recurrent="7690000", non_recurrent="0", protection="nhs_out_of_hospital"
    )
    make_scheme_finance(
        crisis, "benefit", recurrent="-1000000", non_recurrent="0", protection="nhs_out_of_hospital"
    )
    make_scheme_finance(
        care, "spend", recurrent="22030000", non_recurrent="0", protection="social_care"
    )
    make_scheme_finance(other, "spend", recurrent="22380000", non_recurrent="0")
    make_p4p(
        kent,
        "Admissions to residential and care homes",
        year="2017-18",
        planned_savings="468000",
        maximum_support="468000",
        reduction="12",
        unit_cost="750",
        periods="52",
        basis="Nursing care at £750 a week",
    )
    make_payment(
        kent,
        "October 2017 payment",
        year="2017-18",
        covers="April - September 2017",
        available="468000",
        planned="12",
        achieved="9",
    )
    make_payment(kent, "April 2018 payment", year="2017-18", available="100000", planned="4")
    make_plan_details(
        kent,
        hwb_agreed_on=date(2017, 9, 7),
        hwb_note="BCF plan 2017-19",
        submitted_on=date(2017, 9, 8),
    )
    make_sign_off(
        kent,
        "NHS South Kent Coast CCG",
        signed_by="Hazel Carpenter",
        position="Accountable Officer",
        signed_on=date(2017, 9, 3),
    )
    make_sign_off(kent, "Kent County Council")
    make_condition(kent, "Plans to be jointly agreed", statement="Agreed by all partners.")
    data = make_condition(
        kent, "Data sharing", met=False, statement="The NHS number in social care by March."
    )
    return {
        "kent": kent,
        "data": data,
        "manager": make_user("manager", (kent, "programme_manager")),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def test_the_finance_page_counts_the_dfg_once_and_shows_the_protection_split(client, world):
    client.force_login(world["viewer"])
    text = text_of(client.get(FINANCE))
    assert "DFG within BCF, not added to the total" in text
    assert "Total £52,100,000" in text
    assert (
        "Pooled fund 2017-18: £52,100,000 (BCF £42,600,000, iBCF £9,500,000); DFG £3,300,000 "
        "is within BCF, not added to it." in text
    )
    assert (
        "£3.3m DFG passported to Kent district councils. Retained in the pool: £48,800,000." in text
    )
    assert "NHS-commissioned out-of-hospital services £7,690,000 £7.7m" in text
    assert "Social care maintenance £22,030,000 £22.0m" in text
    assert "Other spend of the pool £22,380,000 £22.4m" in text
    # pay for performance: the basis, and the payment due from the reduction achieved
    assert (
        "Admissions to residential and care homes £468,000 £468,000 – – 12 x £750 x 52. "
        "Nursing care at £750 a week" in text
    )
    assert "October 2017 payment April - September 2017 £468,000 12 9 £351,000 £117,000" in text
    assert "April 2018 payment £100,000 4 Not known yet – –" in text


def test_the_plan_page_shows_dates_sign_offs_and_conditions(client, world):
    client.force_login(world["viewer"])
    response = client.get(PLAN)
    assert response.status_code == 200
    text = text_of(response)
    assert "Plan details, 2017-18" in text
    assert "Agreed at the Health and Wellbeing Board 7 September 2017 (BCF plan 2017-19)" in text
    assert "Submitted 8 September 2017 Approved Not yet" in text
    assert "NHS South Kent Coast CCG Hazel Carpenter Accountable Officer 3 September 2017" in text
    assert "Kent County Council Not yet signed –" in text
    assert "1 of 2 national conditions are met." in text
    assert "Data sharing Not met The NHS number in social care by March." in text
    assert "Change the statement" not in text


def test_the_programme_manager_changes_a_statement_with_history(client, world):
    client.force_login(world["manager"])
    condition = world["data"]
    page = f"{PLAN}conditions/{condition.pk}/"
    assert client.get(page).status_code == 200
    response = client.post(
        page, {"met": "yes", "statement": "NHS number in use everywhere.", "version": 1}
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert (condition.met, condition.statement, condition.version) == (
        True,
        "NHS number in use everywhere.",
        2,
    )
    entry = condition.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        world["manager"],
        "national condition statement updated",
    )
    assert "All 2 national conditions are met." in text_of(client.get(PLAN))


def test_a_condition_not_met_needs_its_statement(client, world):
    client.force_login(world["manager"])
    page = f"{PLAN}conditions/{world['data'].pk}/"
    response = client.post(page, {"met": "no", "statement": " ", "version": 1})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#statement", "Enter why the condition is not met and by when it will be")
    ]
    assert NationalCondition.objects.get(pk=world["data"].pk).version == 1


def test_a_stale_statement_is_409_and_saves_nothing(client, world):
    client.force_login(world["manager"])
    page = f"{PLAN}conditions/{world['data'].pk}/"
    assert client.post(page, {"met": "no", "statement": "First.", "version": 1}).status_code == 302
    stale = client.post(page, {"met": "no", "statement": "Second.", "version": 1})
    assert stale.status_code == 409
    assert NationalCondition.objects.get(pk=world["data"].pk).statement == "First."


def test_a_viewer_may_not_change_a_statement(client, world):
    client.force_login(world["viewer"])
    page = f"{PLAN}conditions/{world['data'].pk}/"
    assert client.post(page, {"met": "yes", "statement": "", "version": 1}).status_code == 403


def test_the_plan_page_queries_do_not_grow_with_the_rows(client, world):
    client.force_login(world["viewer"])
    small = count_queries(client, PLAN)
    for n in range(5):
        make_sign_off(world["kent"], f"Body {n}", signed_by="A", signed_on=date(2017, 9, 1))
        make_condition(world["kent"], f"Condition {n}", statement="Met.")
    assert count_queries(client, PLAN) == small


def test_the_reduction_achieved_is_recorded_and_a_bad_one_refused(world):
    from decimal import Decimal

    from bettercare.web.finance.actions import performance_achieved_update
    from bettercare.web.finance.models import PerformancePayment
    from bettercare.web.programmes.actions import ActionError, StaleEditError

    payment = PerformancePayment.objects.get(period="April 2018 payment")
    with pytest.raises(ActionError, match=r"at most two decimal places \(not 1\.125\)"):
        performance_achieved_update(
            payment=payment, achieved_reduction=Decimal("1.125"), seen_version=1, by=None
        )
    saved = performance_achieved_update(
        payment=payment, achieved_reduction=Decimal(2), seen_version=1, by=world["manager"]
    )
    assert (saved.achieved_reduction, saved.version) == (2, 2)
    assert saved.history.first().history_change_reason == "reduction achieved updated"
    with pytest.raises(StaleEditError):
        performance_achieved_update(
            payment=payment, achieved_reduction=Decimal(3), seen_version=1, by=None
        )


def test_the_finance_lead_records_the_reduction_achieved_on_the_plan_page(client, world):
    from bettercare.web.finance.models import PerformancePayment

    payment = PerformancePayment.objects.get(period="April 2018 payment")
    client.force_login(world["manager"])
    plan = text_of(client.get(PLAN))
    assert "Not known yet Change the reduction achieved for the April 2018 payment" in plan
    page = f"{PLAN}payments/{payment.pk}/"
    form = text_of(client.get(page))
    assert "£100,000 at stake against a planned reduction of 4" in form

    refused = client.post(page, {"achieved_reduction": "three", "version": 1})
    assert refused.status_code == 400
    assert error_summary(refused) == [
        ("#achieved_reduction", "Enter the reduction achieved as a number, like 120 or 87.5")
    ]
    assert client.post(page, {"achieved_reduction": "3", "version": 1}).status_code == 302
    payment.refresh_from_db()
    assert (payment.achieved_reduction, payment.version) == (3, 2)
    assert payment.history.first().history_user == world["manager"]
    # Core's payment due from it: 100,000 x 3 / 4 = 75,000 due, 25,000 withheld.
    assert (
        "April 2018 payment £100,000 4 3 Change the reduction achieved for the April 2018 "
        "payment £75,000 £25,000"
    ) in text_of(client.get(PLAN))

    stale = client.post(page, {"achieved_reduction": "", "version": 1})
    assert stale.status_code == 409
    payment.refresh_from_db()
    assert payment.achieved_reduction == 3


def test_a_viewer_may_not_record_the_reduction_achieved(client, world):
    from bettercare.web.finance.models import PerformancePayment

    payment = PerformancePayment.objects.get(period="April 2018 payment")
    client.force_login(world["viewer"])
    assert "Change the reduction achieved" not in text_of(client.get(PLAN))
    page = f"{PLAN}payments/{payment.pk}/"
    assert client.post(page, {"achieved_reduction": "3", "version": 1}).status_code == 403


def test_the_plan_summary_gives_seed_002s_partners_and_pooled_budget(
    client, south_kent_coast, importer
):
    """The planning template's summary (seed 002): the local authority, the clinical
    commissioning groups, and the pooled budget's minimum required and total agreed values
    for the plan's year and the next (£3,884,000 in 2014/15, £13,283,000 in 2015/16)."""
    assert import_workbook(south_kent_coast, by=importer).errors == []
    client.force_login(make_user("skc-viewer", (Area.objects.get(code=KENT), "viewer")))
    text = text_of(client.get("/areas/E10000016/plan/?year=2014-15"))
    assert (
        "Summary of the plan Local authority Kent County Council "
        "Clinical commissioning groups NHS South Kent Coast CCG"
    ) in text
    assert (
        "Pooled budget 2014-15 2015-16 "
        "Minimum required value £3,884,000 £13,283,000 "
        "Total agreed value £3,884,000 £13,283,000"
    ) in text
    # The last year of the plan has no next year's funding: only its own column.
    assert "Pooled budget 2015-16 Minimum required value £13,283,000 Total agreed value" in (
        text_of(client.get("/areas/E10000016/plan/?year=2015-16"))
    )


def test_the_pooled_budget_counts_each_pound_once_and_says_what_is_not_recorded(client, world):
    """The agreed value is core's pool (the DFG within the BCF is not added again); a year
    whose streams give no minimum contribution says so rather than showing £0."""
    client.force_login(world["viewer"])
    text = text_of(client.get(PLAN))
    assert (
        "Pooled budget 2017-18 Minimum required value Not recorded Total agreed value £52,100,000"
    ) in text


def test_a_published_value_that_disagrees_with_its_counts_is_shown_beside_the_computed(
    client, south_kent_coast, importer
):
    """Seed 002 publishes a baseline of 156.2 from 358 / 43,636 (820.42 per 100,000): the
    import keeps the published value with a warning, and the metric page shows the computed
    value with "published as" beside it, never the note "As published in the plan" alone."""
    assert import_workbook(south_kent_coast, by=importer).errors == []
    client.force_login(make_user("skc-analyst", (Area.objects.get(code=KENT), "viewer")))
    page = f"/areas/{KENT}/metrics/skc_perm_admissions/?period=2015-03"
    text = text_of(client.get(page))
    assert "2014-15 776.62 published as 154.00 October 2015 payment" in text
    assert "2012-13 820.42 published as 156.20 737.63 to 909.97 As published in the plan" in text
    # A value that agrees with its counts says nothing more.
    text = text_of(client.get(f"/areas/{KENT}/metrics/skc_reablement_91/?period=2015-03"))
    assert "published as" not in text
