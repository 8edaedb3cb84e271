"""The demo's current BCF years, without a database: relative to today, deterministic for a
month, shaped like a 2025-26/2026-27 plan, with statuses that agree with the proposals."""

import re
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.core.periods import FinancialYear, Month
from bettercare.demo import DEFAULT_SEED, LEICESTERSHIRE, build_demo, reporting_month
from bettercare.demo.areas import hwbs_in
from bettercare.demo.current_metrics import CARE_HOME, DELAY, EMERGENCY
from bettercare.demo.current_programme import stream_name
from bettercare.demo.current_records import current_metric_values
from bettercare.demo.proposals import STATUS_WORDS, Proposer, reason_prefix

TODAY = date(2026, 12, 4)
NOVEMBER = Month(2026, 11)
CURRENT = hwbs_in(NOVEMBER)


@pytest.fixture(scope="module")
def demo():
    return build_demo(today=TODAY)


@pytest.fixture(scope="module")
def rows(demo):
    return demo.latest.rows


def _values(rows, area, metric, kind):
    return [
        r
        for r in rows["metric_values"]
        if (r["area_code"], r["metric_code"], r["kind"]) == (area, metric, kind)
    ]


def test_the_reporting_month_is_the_last_complete_month_before_today():
    assert reporting_month(date(2026, 12, 4)) == NOVEMBER
    assert reporting_month(date(2026, 12, 31)) == NOVEMBER
    assert reporting_month(date(2027, 1, 1)) == Month(2026, 12)
    with pytest.raises(ValueError, match=r"today must be in May 2025 or later .* got 2025-04-30"):
        reporting_month(date(2025, 4, 30))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2025, 5, 1), max_value=date(2099, 12, 31)))
def test_the_reporting_month_is_always_the_month_before_todays(today):
    assert reporting_month(today) + 1 == Month.of(today)
    assert reporting_month(today).last_day < today


def test_the_stages_end_with_the_current_month(demo):
    assert [stage.as_at for stage in demo.stages] == [Month(2017, 7), Month(2017, 8), NOVEMBER]
    with pytest.raises(ValueError, match=r"as_at must be one of the demo's stages"):
        demo.stage(Month(2020, 1))


def test_every_area_carries_the_three_metrics_from_april_2025(rows):
    monthly = [str(Month(2025, 4) + n) for n in range(20)]  # April 2025 to November 2026
    for hwb in CURRENT:
        for metric in (EMERGENCY, DELAY):
            actuals = _values(rows, hwb.code, metric, "actual")
            assert [str(Month.of(r["period_start"])) for r in actuals] == monthly, metric
            assert all(r["numerator"] > 0 and r["denominator"] > 0 for r in actuals)
            targets = _values(rows, hwb.code, metric, "target")
            monthly_targets = [
                r for r in targets if r["period_start"].month == r["period_end"].month
            ]
            assert len(monthly_targets) == 24  # every month of 2025-26 and 2026-27
            assert {r["period_start"] for r in targets} >= {date(2025, 4, 1), date(2026, 4, 1)}
            (baseline,) = _values(rows, hwb.code, metric, "baseline")
            assert baseline["period_start"] == FinancialYear(2024).start
        quarters = _values(rows, hwb.code, CARE_HOME, "actual")
        assert [(r["period_start"], r["period_end"]) for r in quarters][-1] == (
            date(2026, 7, 1),
            date(2026, 9, 30),
        )
        assert len(quarters) == 6
        assert len(_values(rows, hwb.code, CARE_HOME, "target")) == 8


def test_the_rates_are_the_right_size(rows):
    """About 2,000 emergency admissions per 100,000 people aged 65+ a month, a delay of
    around a day on average, and about 140 care home admissions per 100,000 a quarter."""
    for hwb in CURRENT:
        emergency = _values(rows, hwb.code, EMERGENCY, "actual")
        rates = [r["numerator"] / r["denominator"] * 100_000 for r in emergency]
        assert min(rates) > 1_000, hwb.code
        assert max(rates) < 3_500, hwb.code
        delays = [
            r["numerator"] / r["denominator"] for r in _values(rows, hwb.code, DELAY, "actual")
        ]
        assert min(delays) > 0.3, hwb.code
        assert max(delays) < 2.5, hwb.code
        homes = _values(rows, hwb.code, CARE_HOME, "actual")
        assert all(80 < r["numerator"] / r["denominator"] * 100_000 < 230 for r in homes)


def test_a_month_gives_the_same_rows(rows):
    """Generated relative to today and deterministic for its month (later months leave the
    earlier months' figures alone: tests/unit/demo/test_current_records.py)."""
    assert build_demo(today=date(2026, 12, 28)).latest.rows == rows


def test_the_actuals_are_the_pipelines_output_on_the_demos_records(rows):
    computed = current_metric_values(TODAY, seed=DEFAULT_SEED)
    assert len(computed) == 10 * (20 + 20 + 6)
    stored = {
        (r["area_code"], r["metric_code"], r["period_start"], r["period_end"]): r
        for r in rows["metric_values"]
        if r["kind"] == "actual" and r["metric_code"] in (EMERGENCY, DELAY, CARE_HOME)
    }
    assert len(stored) == len(computed)
    for value in computed:
        row = stored[value.sort_key]
        assert (row["numerator"], row["denominator"]) == (value.numerator, value.denominator)
        assert row["source"].startswith("bettercare pipeline")


def test_funding_streams_are_named_as_each_year_names_them(rows):
    assert stream_name("la", FinancialYear(2025)) == "Local Authority Better Care Grant"
    assert stream_name("la", FinancialYear(2026)) == "Local Authority Better Care Fund"
    for hwb in CURRENT:
        by_year: dict[str, set[str]] = {}
        for r in rows["funding"]:
            if r["area_code"] == hwb.code:
                by_year.setdefault(r["financial_year"], set()).add(r["stream"])
        assert by_year["2025-26"] == {
            "NHS minimum contribution",
            "Local Authority Better Care Grant",
            "Disabled Facilities Grant (DFG)",
        }
        assert by_year["2026-27"] == {
            "NHS minimum contribution",
            "Local Authority Better Care Fund",
            "Disabled Facilities Grant (DFG)",
        }
        for year in ("2025-26", "2026-27"):
            budget = sum(
                r["budget"]
                for r in rows["funding"]
                if (r["area_code"], r["financial_year"]) == (hwb.code, year)
            )
            spend = sum(
                r["recurrent"] + r["non_recurrent"]
                for r in rows["scheme_finance"]
                if (r["area_code"], r["financial_year"], r["line"]) == (hwb.code, year, "spend")
            )
            assert spend == budget, (hwb.code, year)


def test_leicestershire_has_its_intermediate_care_capacity_and_demand(rows):
    codes = {r["code"] for r in rows["metrics"]}
    assert codes == {
        "ic_discharge_p1_demand",
        "ic_discharge_p1_capacity",
        "ic_discharge_p2_demand",
        "ic_discharge_p2_capacity",
    }
    for code in codes:
        planned = _values(rows, LEICESTERSHIRE, code, "target")
        assert len(planned) == 24
        assert len(_values(rows, LEICESTERSHIRE, code, "actual")) == 20


def test_every_scheme_returns_every_month_of_the_year_so_far(rows):
    months = {str(Month(2026, 4) + n) for n in range(8)}
    codes = {hwb.code for hwb in CURRENT}
    schemes = {(r["area_code"], r["ref"]) for r in rows["schemes"] if r["area_code"] in codes}
    current = [r for r in rows["status_updates"] if r["period"] >= "2026-04"]
    counts = Counter((r["area_code"], r["scheme_ref"], r["period"]) for r in current)
    assert set(counts) == {(area, ref, month) for area, ref in schemes for month in months}
    assert set(counts.values()) == {4}
    assert all(r["commentary"] for r in current if r["status"] in ("A", "R"))


def test_statuses_agree_with_the_proposals_or_say_why_not(rows):
    proposer = Proposer(rows)
    overridden = 0
    for row in rows["status_updates"]:
        month = Month.parse(row["period"])
        proposal = proposer.propose(row["area_code"], row["scheme_ref"], month)[row["dimension"]]
        if proposal is not None and proposal.status != row["status"]:
            overridden += 1
            reason = f"{reason_prefix(row['dimension'])}{STATUS_WORDS[row['status']]} rather "
            assert (
                reason + f"than the proposed {STATUS_WORDS[proposal.status]}: "
                in (row["additional_information"])
            ), row
    assert 0 < overridden < len(rows["status_updates"]) / 8


def test_a_return_has_one_additional_information_for_its_four_dimensions(rows):
    """As the return form saves it: the same text on each dimension, the reasons (each naming
    its dimension) before the scheme's note, and no sentence twice."""
    texts: dict[tuple[str, str, str], set[str | None]] = {}
    for row in rows["status_updates"]:
        key = (row["area_code"], row["scheme_ref"], row["period"])
        texts.setdefault(key, set()).add(row["additional_information"])
    assert {len(found) for found in texts.values()} == {1}
    for (found,) in (tuple(t) for t in texts.values()):
        sentences = [s for s in re.split(r"(?<=\.) ", found or "") if s]
        assert len(sentences) == len(set(sentences)), found


def test_the_current_schemes_are_linked_to_the_current_metrics(rows):
    home_first = next(
        r for r in rows["schemes"] if (r["area_code"], r["ref"]) == (LEICESTERSHIRE, "BCF 10")
    )
    assert DELAY in home_first["metrics_impacted"]
    assert "bcf_dtoc" in home_first["metrics_impacted"]  # the worked example still links it
    codes = {hwb.code for hwb in CURRENT}
    assert all(
        not r["metrics_impacted"] or set(r["metrics_impacted"]) & {EMERGENCY, DELAY, CARE_HOME}
        for r in rows["schemes"]
        if r["area_code"] in codes
    )


def test_the_areas_are_those_of_the_year_shown(demo):
    """Northamptonshire in the 2017 example; North and West Northamptonshire (created on
    1 April 2021) in the current years, each with its lifetime on the programme sheet."""

    def hwbs(rows):
        return {r["area_name"] for r in rows["programme"] if r["area_type"] == "HWB"}

    northamptonshire = {"Northamptonshire", "North Northamptonshire", "West Northamptonshire"}
    assert hwbs(demo.stage(Month(2017, 8)).rows) & northamptonshire == {"Northamptonshire"}
    assert len(hwbs(demo.stage(Month(2017, 8)).rows)) == 9
    assert northamptonshire <= hwbs(demo.latest.rows)
    assert {hwb.name for hwb in CURRENT} & northamptonshire == northamptonshire - {
        "Northamptonshire"
    }
    assert len(CURRENT) == 10
    lifetimes = {
        r["area_code"]: (r["valid_from"], r["valid_to"])
        for r in demo.latest.rows["programme"]
        if r["area_type"] == "HWB"
    }
    assert lifetimes["E10000021"] == (None, date(2021, 3, 31))
    assert lifetimes["E06000061"] == lifetimes["E06000062"] == (date(2021, 4, 1), None)
    schemes = {r["area_code"] for r in demo.latest.rows["schemes"]}
    assert {"E06000061", "E06000062", "E10000021"} <= schemes
    current = {
        r["area_code"] for r in demo.latest.rows["status_updates"] if r["period"] >= "2026-04"
    }
    assert current == {hwb.code for hwb in CURRENT}
    historical = {
        r["area_code"] for r in demo.latest.rows["status_updates"] if r["period"] < "2018-01"
    }
    assert "E10000021" in historical
    assert not historical & {"E06000061", "E06000062"}


def test_assurance_rounds_cover_every_quarter_ended_and_rate_the_current_metrics(rows):
    rounds: dict[str, set[str]] = {}
    for r in rows["assurance"]:
        rounds.setdefault(r["round"], set()).add(r["area_code"])
    current = sorted(name for name in rounds if name >= "2025")
    assert current == [
        "2025-26 Q1",
        "2025-26 Q2",
        "2025-26 Q3",
        "2025-26 Q4",
        "2026-27 Q1",
        "2026-27 Q2",  # Q3 ends in December, after the newest month
    ]
    codes = {hwb.code for hwb in CURRENT}
    assert all(rounds[name] == codes for name in current)
    assert "E10000021" in rounds["2017-18 Q2"]
    criteria = {r["criterion"] for r in rows["assurance"] if r["round"] == "2026-27 Q2"}
    assert "Metrics: average discharge delay against the plan" in criteria
    leicestershire = {
        r["criterion"]: r["status"]
        for r in rows["assurance"]
        if (r["area_code"], r["round"]) == (LEICESTERSHIRE, "2026-27 Q2")
    }
    headline = {"High-risk plan", "Recommended for final sign-off"}
    assert headline <= set(leicestershire)
    assert {leicestershire[q] for q in headline} <= {"Y", "N"}
    # Every national condition met: no "N" among the ratings.
    assert {s for c, s in leicestershire.items() if c not in headline} <= {"Y", "G", "A", "R"}
