"""The rules of a scheme description (seed 003): delivery chain, investment, local KPIs and
their feedback loop."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.scheme_description import (
    CADENCES,
    DELIVERY_ROLES,
    KPI_LEVELS,
    DeliveryPartner,
    Investment,
    LocalKpi,
    description_problems,
    feedback_loop,
    investment_total,
    legacy_partners,
    lines,
)
from bettercare.formatting import kpi_target


def test_the_seeds_risk_stratification_scheme_is_a_valid_description():
    partners = [
        DeliveryPartner("Leicester City CCG", "commissioner", "Pays the licence fee"),
        DeliveryPartner("Johns Hopkins University", "provider", "The ACG software"),
        DeliveryPartner("Greater East Midlands CSU", "provider", "The data processing"),
    ]
    investments = [
        Investment("2014-15", Decimal(54_000)),
        Investment("2015-16", Decimal(54_000)),
    ]
    kpis = [
        LocalKpi("Care plans agreed", "practice", "weekly", Decimal(80), "%", "Practice"),
        LocalKpi("Integrated Care Performance Dashboard", "area", "biweekly"),
        LocalKpi("National BCF metrics", "area", "monthly", reported_to="JICB"),
    ]
    assert description_problems(partners, investments, kpis) == []
    assert investment_total(investments) == Decimal(108_000)
    # Practice weekly, operational bi-weekly, strategic monthly: most frequent first.
    assert [(cadence, [k.name for k in group]) for cadence, group in feedback_loop(kpis)] == [
        ("weekly", ["Care plans agreed"]),
        ("biweekly", ["Integrated Care Performance Dashboard"]),
        ("monthly", ["National BCF metrics"]),
    ]


def test_each_broken_rule_is_one_sentence_naming_the_entry():
    problems = description_problems(
        [
            DeliveryPartner("  ", "provider"),
            DeliveryPartner("GEM CSU", "landlord"),
            DeliveryPartner("Leicester City CCG", "commissioner"),
            DeliveryPartner("leicester city ccg ", "commissioner"),
        ],
        [Investment("2014", Decimal(1)), Investment("2015-16", Decimal(-1))],
        [
            LocalKpi("", "practice", "weekly"),
            LocalKpi("Care plans", "ward", "weekly"),
            LocalKpi("Care plans", "practice", "daily"),
            LocalKpi("Care plans", "locality", "weekly", Decimal("100.5"), "%"),
            LocalKpi("Referrals", "area", "monthly", Decimal(5000), "referrals"),
        ],
    )
    assert problems == [
        "The delivery chain has a provider role without an organisation: name it",
        "GEM CSU: the role must be one of commissioner, provider, partner, not 'landlord'",
        "The investment year must be a financial year such as 2014-15, not '2014'",
        "The investment for 2015-16 must be £0 or more",
        "A local KPI needs a name (what is counted)",
        "Care plans: the level must be one of practice, locality, area, not 'ward'",
        "Care plans: the reporting cadence must be one of weekly, biweekly, monthly, "
        "quarterly, not 'daily'",
        "Care plans: a target in per cent must be from 0 to 100, not 100.5",
        "The description gives leicester city ccg as commissioner twice: give it once",
    ]


def test_lists_held_as_text_drop_their_markers_and_blank_lines():
    assert lines("1. Those aged 18-59\n\n2. Those aged 60+\n- Those with dementia\n• Carers") == [
        "Those aged 18-59",
        "Those aged 60+",
        "Those with dementia",
        "Carers",
    ]
    assert lines("2.1-10% highest risk") == ["2.1-10% highest risk"]  # not a list marker


def test_a_kpi_target_reads_as_the_plan_writes_it():
    assert kpi_target(Decimal("80.0000"), "%") == "80%"
    assert kpi_target(Decimal("1200"), "referrals") == "1,200 referrals"
    assert kpi_target(Decimal("3.5"), "") == "3.5"
    assert kpi_target(None, "%") == "No target set"


def _reference_feedback_loop(kpis):
    """The same grouping, plainly: for each cadence in order, its KPIs sorted by level."""
    out = []
    for cadence in ("weekly", "biweekly", "monthly", "quarterly"):
        group = [k for k in kpis if k.cadence == cadence]
        group.sort(key=lambda k: (["practice", "locality", "area"].index(k.level), k.name.lower()))
        if group:
            out.append((cadence, group))
    return out


kpi_strategy = st.builds(
    LocalKpi,
    name=st.text(min_size=1, max_size=8),
    level=st.sampled_from(sorted(KPI_LEVELS)),
    cadence=st.sampled_from(sorted(CADENCES)),
    target=st.none() | st.decimals(min_value=0, max_value=100, places=2),
    unit=st.sampled_from(["%", "", "referrals"]),
)


@given(st.lists(kpi_strategy, max_size=12))
def test_the_feedback_loop_keeps_every_kpi_once_in_the_reference_order(kpis):
    grouped = feedback_loop(kpis)
    assert grouped == _reference_feedback_loop(kpis)
    assert sorted(map(id, (k for _, group in grouped for k in group))) == sorted(map(id, kpis))


@given(
    st.lists(
        st.builds(
            DeliveryPartner,
            organisation=st.text(min_size=1, max_size=6).filter(str.strip),
            role=st.sampled_from(sorted(DELIVERY_ROLES)),
        ),
        max_size=8,
    )
)
def test_a_chain_is_refused_exactly_when_an_organisation_repeats_in_a_role(partners):
    keys = [(p.organisation.strip().lower(), p.role) for p in partners]
    problems = description_problems(partners, [], [])
    assert bool(problems) == (len(set(keys)) != len(keys))


# -- the former single commissioner and provider fields (ADR 0120) ----------------------------


def test_the_former_fields_join_the_chain_unless_it_already_names_them_so():
    chain = [
        DeliveryPartner("Leicester City CCG", "commissioner", "Pays the licence fee"),
        DeliveryPartner("GEM CSU", "partner"),
    ]
    assert legacy_partners(chain, " leicester  city CCG ", "GEM CSU") == [
        DeliveryPartner("GEM CSU", "provider")  # a partner before, a provider now
    ]
    assert legacy_partners([], "Kent County Council", "Kent County Council") == [
        DeliveryPartner("Kent County Council", "commissioner"),
        DeliveryPartner("Kent County Council", "provider"),  # an in-house service
    ]
    assert legacy_partners(chain, "", "  ") == []


organisations = st.sampled_from(["Kent CCG", " kent ccg", "KCHFT", "Kent County Council", "", " "])
partners = st.builds(
    DeliveryPartner, organisations.filter(str.strip), st.sampled_from(list(DELIVERY_ROLES))
)


@given(st.lists(partners, unique_by=lambda p: (p.organisation.strip().lower(), p.role)),
       organisations, organisations)  # fmt: skip
def test_the_merged_chain_is_valid_and_names_each_former_field_in_its_role(
    chain, commissioner, provider
):
    added = legacy_partners(chain, commissioner, provider)
    merged = [*chain, *added]
    assert description_problems(merged, [], []) == []
    names = {(p.organisation.strip().lower(), p.role) for p in merged}
    for value, role in ((commissioner, "commissioner"), (provider, "provider")):
        if value.strip():
            assert (value.strip().lower(), role) in names
    assert all(p.responsibility == "" for p in added)
    assert len(added) <= 2
