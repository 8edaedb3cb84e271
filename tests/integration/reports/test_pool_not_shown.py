"""Funding that does not form one pool: the page and every pack say why the pooled fund is
missing, in core's words, instead of dropping the section (ADR 0121).

The import refuses such lines, so the tests write them directly, as a database edited by hand
or an older release might hold them.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bettercare.core.periods import Month
from bettercare.core.pooled_fund import SpendLine, pooled_fund_problems
from bettercare.reports.model import FundingLine
from bettercare.web.reporting.highlight import plan_finance, stream_line
from bettercare.web.reporting.packs import board_pack
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
from tests.integration.reports.test_board_packs import pdf_text
from tests.integration.web.html import text_of

#: Core's words for the DFG named as part of a stream the year does not have.
NOT_ONE_POOL = (
    "The pooled fund can't be shown: 'Better Care Fund' is not a stream of the pooled fund that "
    "year (its streams: BCF, iBCF)."
)


def line(stream, budget, **where):
    return FundingLine(stream, "", Decimal(budget), None, **where)


SPEND = [SpendLine("spend", Decimal(700), "social_care"), SpendLine("spend", Decimal(300))]


@pytest.mark.parametrize(
    ("funding", "reason"),
    [
        (
            [line("BCF", 1000), line("DFG", 300, part_of="Better Care Fund")],
            "'Better Care Fund' is not a stream of the pooled fund that year (its streams: BCF)",
        ),
        (
            [line("BCF", 1000), line("DFG", 800, part_of="BCF"), line("Other", 300, part_of="BCF")],
            "the parts of BCF add up to £1,100, more than its budget of £1,000",
        ),
        (
            [line("BCF", 1000), line("Grant", 50, pooled=False, passported_to="Districts")],
            "Grant is outside the pooled fund, so it cannot be passported out of it",
        ),
        (
            [
                line("BCF", 1000, pooled=False, part_of="iBCF"),
                line("DFG", 10, part_of="Nothing"),
            ],
            "BCF is outside the pooled fund, so it cannot be part of iBCF; 'Nothing' is not a "
            "stream of the pooled fund that year (its streams: none)",
        ),
    ],
)
def test_funding_that_is_not_one_pool_gives_the_reason_not_nothing(funding, reason):
    found = plan_finance(funding, SPEND)
    assert found is not None
    assert (found.pool, found.reason) == (None, reason)
    assert found.pool_sentence == f"The pooled fund can't be shown: {reason}."
    assert found.passported_sentence == ""
    # Every problem core finds, in its order: the reason is core's, not a second copy.
    assert reason == "; ".join(m for _, _, m in pooled_fund_problems(map(stream_line, funding)))
    # The split does not depend on the pool: still shown.
    assert found.protection is not None
    assert found.protection_reason == ""
    assert [s.amount for s in found.protection.shares] == [0, 700]


def test_a_pool_that_adds_up_has_no_reason():
    found = plan_finance([line("BCF", 1000), line("DFG", 300, part_of="BCF")], SPEND)
    assert found is not None
    assert found.pool is not None
    assert (found.pool.total, found.reason, found.pool_sentence) == (1000, "", "")


def test_an_unknown_protection_category_gives_its_reason_and_keeps_the_pool():
    found = plan_finance([line("BCF", 1000)], [SpendLine("spend", Decimal(5), "housing")])
    assert found is not None
    assert found.pool is not None
    assert found.protection is None
    assert found.protection_sentence == (
        "The protection-of-services split can't be shown: 'housing' is not a protection "
        "category; expected one of nhs_out_of_hospital, social_care or none."
    )


def test_no_funding_is_no_section():
    assert plan_finance([], SPEND) is None


# -- the page and the packs --------------------------------------------------------------------


@pytest.fixture
def world(db):
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2017-08")
    make_funding(kent, "BCF", budget="42600000")
    make_funding(kent, "iBCF", budget="9500000")
    make_funding(kent, "DFG", budget="3300000", part_of="Better Care Fund")
    scheme = make_scheme(kent, "BCF 1", "Protecting social care")
    make_scheme_finance(
        scheme, "spend", recurrent="22030000", non_recurrent="0", protection="social_care"
    )
    return {"kent": kent, "viewer": make_user("viewer", (kent, "viewer"))}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_finance_and_overview_pages_say_why(client, world):
    client.force_login(world["viewer"])
    finance = text_of(client.get(f"/areas/{KENT}/finance/"))
    assert NOT_ONE_POOL in finance
    assert "Pooled fund 2017-18:" not in finance
    assert "Social care maintenance £22,030,000 £22.0m" in finance  # the split is still shown
    overview = text_of(client.get(f"/areas/{KENT}/?period=2017-08"))
    assert NOT_ONE_POOL in overview


def test_the_highlight_packs_say_why(world):
    pack = lambda output: board_pack("highlight", world["kent"], Month(2017, 8), output)  # noqa: E731
    _, text = pdf_text(pack("pdf").content)
    assert NOT_ONE_POOL in flat(text)
    assert "Pooled fund 2017-18:" not in flat(text)
    assert "Social care maintenance £22,030,000" in flat(text)
    html = pack("html").content.decode()
    assert NOT_ONE_POOL.replace("'", "&#39;") in flat(html)
    book = load_workbook(io.BytesIO(pack("xlsx").content))
    rows = [[c.value for c in row] for row in book["Pooled fund"].iter_rows()]
    assert rows == [["financial_year", "not_shown"], ["2017-18", NOT_ONE_POOL]]
    split = [[c.value for c in row] for row in book["Protection of services"].iter_rows(min_row=2)]
    assert split[1] == ["2017-18", "Social care maintenance", 22_030_000]


def test_the_api_says_why_too(client, world):
    """The API's plan gives the same sentences, and a spend line of an unknown category (which
    once made the whole answer fail) gives its reason instead of the split."""
    scheme = make_scheme(world["kent"], "BCF 2", "Housing")
    make_scheme_finance(scheme, "spend", recurrent="10", non_recurrent="0", protection="housing")
    client.force_login(world["viewer"])
    response = client.get(f"/api/areas/{KENT}/plan")
    assert response.status_code == 200
    [year] = response.json()
    assert (year["pooled_fund"], year["retained"]) == (None, None)
    assert year["pooled_fund_not_shown"] == NOT_ONE_POOL
    assert year["protection"] == []
    assert year["protection_not_shown"] == (
        "The protection-of-services split can't be shown: 'housing' is not a protection "
        "category; expected one of nhs_out_of_hospital, social_care or none."
    )
