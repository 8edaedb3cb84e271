"""The pooled fund's totals, its protection split, pay for performance and the national
conditions line (ADR 0112), on the worked examples of seeds 001 and 002."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.pay_for_performance import (
    pay_for_performance_problem,
    performance_payment,
    planned_saving,
)
from bettercare.core.plan_details import condition_problem, conditions_line, sign_off_problem
from bettercare.core.pooled_fund import (
    FundingStreamLine,
    SpendLine,
    pooled_fund,
    pooled_fund_problems,
    protection_problem,
    protection_split,
)

M = Decimal(1_000_000)
LEICESTERSHIRE_2017 = [
    FundingStreamLine("BCF", Decimal("42.6") * M),
    FundingStreamLine(
        "DFG", Decimal("3.3") * M, part_of="BCF", passported_to="Leicestershire district councils"
    ),
    FundingStreamLine("iBCF", Decimal("9.5") * M),
]


def test_the_dfg_is_passported_out_of_the_bcf_not_added_on_top():
    pool = pooled_fund(LEICESTERSHIRE_2017)
    assert pool.total == Decimal("52.1") * M  # not £55.4m
    assert [s.stream for s in pool.streams] == ["BCF", "iBCF"]
    assert [(p.stream, p.to, p.amount) for p in pool.passported] == [
        ("DFG", "Leicestershire district councils", Decimal("3.3") * M)
    ]
    assert pool.retained == Decimal("48.8") * M
    assert pool.outside == ()


def test_a_dfg_stream_of_its_own_is_in_the_pool_and_passported():
    # 2026-27: NHS minimum, Local Authority BCF and DFG are each a stream of the pool
    pool = pooled_fund(
        [
            FundingStreamLine("NHS minimum contribution", Decimal(60_000_000)),
            FundingStreamLine("Local Authority Better Care Fund", Decimal(25_000_000)),
            FundingStreamLine(
                "Disabled Facilities Grant (DFG)", Decimal(5_000_000), passported_to="districts"
            ),
            FundingStreamLine("Additional ICB contribution", Decimal(1_000_000), pooled=False),
        ]
    )
    assert pool.total == 90_000_000
    assert pool.passported_total == 5_000_000
    assert pool.retained == 85_000_000
    assert pool.outside_total == 1_000_000


def test_the_problems_of_a_pool_name_the_line_and_field():
    lines = [
        FundingStreamLine("BCF", Decimal(100)),
        FundingStreamLine("DFG", Decimal(60), part_of="BCF"),
        FundingStreamLine("Carers", Decimal(50), part_of="BCF"),
        FundingStreamLine("Other", Decimal(1), part_of="iBCF"),
        FundingStreamLine("Grant", Decimal(1), pooled=False, passported_to="districts"),
    ]
    assert pooled_fund_problems(lines) == [
        (2, "part_of", "the parts of BCF add up to £110, more than its budget of £100"),
        (3, "part_of", "'iBCF' is not a stream of the pooled fund that year (its streams: BCF)"),
        (
            4,
            "passported_to",
            "Grant is outside the pooled fund, so it cannot be passported out of it",
        ),
    ]
    with pytest.raises(ValueError, match=r"^lines: the parts of BCF"):
        pooled_fund(lines)


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@given(st.lists(st.tuples(money, st.booleans(), st.booleans(), st.booleans()), max_size=8))
def test_the_pool_counts_each_pound_once(rows):
    """Reference: the pool is the sum of the pooled streams; a part adds nothing."""
    lines = []
    for k, (amount, pooled, is_part, passported) in enumerate(rows):
        part_of = "S0" if is_part and pooled and k > 0 and lines[0].pooled else ""
        lines.append(
            FundingStreamLine(
                f"S{k}",
                amount,
                pooled=pooled,
                part_of=part_of,
                passported_to="them" if passported and pooled else "",
            )
        )
    if pooled_fund_problems(lines):
        return
    pool = pooled_fund(lines)
    assert pool.total == sum(
        (line.budget for line in lines if line.pooled and not line.part_of), Decimal(0)
    )
    assert pool.total + pool.outside_total == sum(
        (line.budget for line in lines if not line.part_of), Decimal(0)
    )
    assert pool.retained + pool.passported_total == pool.total


def test_the_protection_split_of_the_highlight_report():
    lines = [
        SpendLine("spend", Decimal(3_200_000), "nhs_out_of_hospital"),
        SpendLine("spend", Decimal(4_490_000), "nhs_out_of_hospital"),
        SpendLine("spend", Decimal(22_030_000), "social_care"),
        SpendLine("benefit", Decimal(-1_150_000), "nhs_out_of_hospital"),
        SpendLine("spend", Decimal(22_380_000)),
    ]
    split = protection_split(lines)
    assert [(s.label, s.amount) for s in split.shares] == [
        ("NHS-commissioned out-of-hospital services", Decimal(7_690_000)),
        ("Social care maintenance", Decimal(22_030_000)),
    ]
    assert split.other == 22_380_000
    assert split.protected == 29_720_000


def test_an_unknown_protection_category_is_refused():
    with pytest.raises(ValueError, match=r"^protection: 'housing' is not a protection category"):
        protection_split([SpendLine("spend", Decimal(1), "housing")])


def test_the_problem_behind_the_refusal_is_named_alone():
    """What a page says in place of the split; a benefit's category counts for nothing."""
    assert protection_problem([SpendLine("benefit", Decimal(-1), "housing")]) == ""
    assert protection_problem([SpendLine("spend", Decimal(1), "social_care")]) == ""
    assert protection_problem([SpendLine("spend", Decimal(1), "housing")]) == (
        "'housing' is not a protection category; expected one of nhs_out_of_hospital, "
        "social_care or none"
    )


@given(
    st.lists(
        st.tuples(
            money,
            st.sampled_from(["", "nhs_out_of_hospital", "social_care"]),
            st.sampled_from(["spend", "benefit"]),
        )
    )
)
def test_the_split_adds_up_to_the_spend(rows):
    split = protection_split([SpendLine(line, amount, cat) for amount, cat, line in rows])
    spend = sum((amount for amount, _, line in rows if line == "spend"), Decimal(0))
    assert split.protected + split.other == spend


@pytest.mark.parametrize(
    ("reduction", "unit_cost", "periods", "saving"),
    [(12, 750, 52, 468_000), (30, 1_400, 1, 42_000), (30, 655, 1, 19_650), (0, 0, 1, 0)],
)
def test_the_planning_templates_planned_savings(reduction, unit_cost, periods, saving):
    assert planned_saving(reduction, unit_cost, periods) == saving


def test_a_saving_that_does_not_match_its_basis_is_refused():
    assert (
        pay_for_performance_problem(
            planned_savings=Decimal(468_000),
            maximum_support=Decimal(468_000),
            reduction=Decimal(12),
            unit_cost=Decimal(750),
            periods=Decimal(52),
        )
        is None
    )
    assert pay_for_performance_problem(
        planned_savings=Decimal(460_000),
        maximum_support=Decimal(468_000),
        reduction=Decimal(12),
        unit_cost=Decimal(750),
        periods=Decimal(52),
    ) == ("planned_savings", "£460,000.00 is not the basis 12 x £750 x 52 = £468,000.00")
    assert pay_for_performance_problem(planned_savings=Decimal(1), maximum_support=Decimal(-1)) == (
        "maximum_support",
        "£-1.00 is negative; expected £0 or more",
    )
    assert pay_for_performance_problem(
        planned_savings=Decimal(1), maximum_support=Decimal(1), reduction=Decimal(3)
    ) == ("unit_cost", "the basis of a saving needs both the reduction and the unit cost")


def test_the_payment_follows_the_reduction_achieved():
    payment = performance_payment(Decimal(468_000), Decimal(12), Decimal(9))
    assert (payment.share, payment.due, payment.withheld) == (
        Decimal("0.75"),
        Decimal("351000.00"),
        Decimal("0.00") + 117_000,
    )
    assert performance_payment(Decimal(468_000), Decimal(12), Decimal(15)).due == 468_000
    assert performance_payment(Decimal(468_000), Decimal(12), Decimal(-2)).due == 0
    # delayed transfers in seed 002: no saving planned, nothing at stake
    assert performance_payment(Decimal(0), Decimal(0), Decimal(0)).withheld == 0


@given(
    money,
    st.decimals(min_value=0, max_value=10**6, places=1),
    st.decimals(min_value=-(10**6), max_value=10**6, places=1),
)
def test_the_payment_is_never_more_than_the_amount_at_stake(available, planned, achieved):
    payment = performance_payment(available, planned, achieved)
    assert 0 <= payment.due <= available
    assert payment.due + payment.withheld == available
    if planned and achieved >= planned:
        assert payment.due == available


def test_national_conditions_line_and_problems():
    assert conditions_line([True, True, True, True]) == "All 4 national conditions are met"
    assert conditions_line([True, False, True]) == "2 of 3 national conditions are met"
    assert conditions_line([False]) == "The national condition is not met"
    assert conditions_line([]) == "No national conditions are recorded for this plan"
    assert condition_problem(condition="Data sharing", met=False, statement=" ") == (
        "statement",
        "'Data sharing' is marked not met, so its statement must say why and by when it will be met",
    )
    assert condition_problem(condition="Data sharing", met=True, statement="") is None


def test_sign_off_problems():
    assert (
        sign_off_problem(
            on_behalf_of="NHS South Kent Coast CCG",
            signed_by="Hazel Carpenter",
            signed_on=date(2014, 2, 3),
            submitted_on=date(2014, 3, 13),
        )
        is None
    )
    assert sign_off_problem(
        on_behalf_of="Kent County Council",
        signed_by="",
        signed_on=date(2014, 2, 3),
        submitted_on=None,
    ) == ("signed_by", "signed on 03 February 2014 by nobody; name the signatory")
    assert sign_off_problem(
        on_behalf_of="CCG",
        signed_by="A",
        signed_on=date(2014, 3, 14),
        submitted_on=date(2014, 3, 13),
    ) == ("signed_on", "14 March 2014 is after the plan was submitted on 13 March 2014")
