"""The demo generator, without a database: deterministic, valid, and faithful to the seed papers."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bettercare.core.periods import Month
from bettercare.core.rag import milestone_slippage_days, risk_trend
from bettercare.core.summary import MetricSpec, Observation, summarise_metric
from bettercare.demo import LEICESTERSHIRE, build_demo
from bettercare.registry import load_registry
from bettercare.workbook import Known, MetricInfo, read_workbook, validate_workbook, write_workbook

AUGUST = Month(2017, 8)


@pytest.fixture(scope="module")
def demo():
    return build_demo()


@pytest.fixture(scope="module")
def latest(demo):
    """The worked historical example: the region as known at the end of August 2017."""
    return demo.stage(AUGUST).rows


def _values(rows, area, metric, kind="actual"):
    return [
        r
        for r in rows["metric_values"]
        if (r["area_code"], r["metric_code"], r["kind"]) == (area, metric, kind)
    ]


def _monthly(rows, area, metric):
    return {
        Month.of(r["period_start"]): (r["numerator"], r["denominator"])
        for r in _values(rows, area, metric)
    }


def test_the_generator_uses_no_framework_or_database():
    code = (
        "import sys, bettercare.demo; bettercare.demo.build_demo(1); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'psycopg', 'sqlite3'}))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_the_same_seed_gives_the_same_rows(latest):
    again = build_demo().stage(AUGUST).rows
    assert again == latest


def test_a_different_seed_gives_different_numbers_but_the_same_worked_example(latest):
    other = build_demo(seed=7).stage(AUGUST).rows
    ours = _monthly(latest, LEICESTERSHIRE, "bcf_dtoc")
    theirs = _monthly(other, LEICESTERSHIRE, "bcf_dtoc")
    assert ours.keys() == theirs.keys()
    differing = [month for month in ours if ours[month] != theirs[month]]
    assert len(differing) > 0.75 * len(ours)
    assert ours[AUGUST] == theirs[AUGUST] == (1611, 546195)
    assert other["schemes"] != latest["schemes"]  # the lighter programmes are drawn too


def test_the_worked_example_of_the_highlight_report(latest):
    dtoc = _monthly(latest, LEICESTERSHIRE, "bcf_dtoc")
    assert dtoc[AUGUST] == (1611, 546195)
    # From the first year the metric applies in (2014-15): the importer refuses a national
    # metric's actuals outside its years.
    assert min(dtoc) == Month(2014, 4)
    assert len(dtoc) == 41  # April 2014 to August 2017
    nel = _monthly(latest, LEICESTERSHIRE, "bcf_non_elective_admissions")
    april_to_august = [nel[Month(2017, m)][0] for m in range(4, 9)]
    assert sum(april_to_august) == 26_913

    def target(metric):
        (row,) = [
            r
            for r in _values(latest, LEICESTERSHIRE, metric, "target")
            if r["period_start"] == date(2017, 4, 1)
        ]
        assert row["period_end"] == date(2018, 3, 31)
        return row["value"]

    assert target("bcf_dtoc") == 278.57
    assert target("bcf_non_elective_admissions") == 737.92
    assert target("bcf_permanent_admissions_65") == 630.6
    assert target("bcf_reablement_91_days") == 87.0
    (reablement,) = [
        r
        for r in _values(latest, LEICESTERSHIRE, "bcf_reablement_91_days")
        if r["period_start"] == date(2017, 4, 1)
    ]
    assert round(reablement["numerator"] / reablement["denominator"] * 100, 1) == 89.2


def test_every_area_has_monthly_dtoc_and_admissions_with_targets_and_baselines(latest):
    areas = [r["area_code"] for r in latest["programme"] if r["area_type"] == "HWB"]
    # The HWBs of 2017: Northamptonshire, not North and West Northamptonshire (April 2021).
    assert len(areas) == 9
    assert "E10000021" in areas
    for area in areas:
        for metric, months in (("bcf_dtoc", 41), ("bcf_non_elective_admissions", 29)):
            # April 2014 (DTOC) and April 2015 (admissions), the metrics' first BCF years,
            # to August 2017.
            assert len(_monthly(latest, area, metric)) == months, (area, metric)
            years = {r["period_start"].year for r in _values(latest, area, metric, "target")}
            assert {2015, 2016, 2017} <= years
            assert len(_values(latest, area, metric, "baseline")) == 1


def _known():
    return Known(
        metrics={
            code: MetricInfo(d.unit, float(d.multiplier), d.polarity, d.frequency, True)
            for code, d in load_registry().items()
        }
    )


@pytest.mark.parametrize("stage", [0, 1, 2], ids=["July 2017", "August 2017", "current"])
def test_each_stage_is_a_valid_workbook_without_warnings(demo, stage, tmp_path: Path):
    path = write_workbook(tmp_path / "demo", demo.stages[stage].rows)
    validated = validate_workbook(read_workbook(path), _known())
    assert [str(m) for m in validated.messages] == []


def test_everything_says_it_is_demonstration_data(latest):
    programmes = [r["programme_name"] for r in latest["programme"] if r["area_type"] == "HWB"]
    assert all(name.endswith("(demonstration data)") for name in programmes)
    assert all(r.get("programme_name") is None for r in latest["programme"][:6])


def test_leicestershire_is_shaped_like_the_real_programme(latest):
    themes = [r for r in latest["themes"] if r["area_code"] == LEICESTERSHIRE]
    schemes = [r for r in latest["schemes"] if r["area_code"] == LEICESTERSHIRE]
    assert len(themes) == 5
    assert all(t["priority"] for t in themes)
    assert 18 <= len(schemes) <= 25
    assert {s["theme_code"] for s in schemes} == {t["code"] for t in themes}
    assert sum(s["enabler"] for s in schemes) == 3
    not_started = [s["ref"] for s in schemes if s["start_date"] > AUGUST.last_day]
    assert not_started == ["BCF 5", "BCF 18"]
    assert all(s["lead"] and s["description"] for s in schemes)


def test_the_other_programmes_are_lighter(latest):
    for area in {r["area_code"] for r in latest["schemes"]} - {LEICESTERSHIRE}:
        themes = [r for r in latest["themes"] if r["area_code"] == area]
        schemes = [r for r in latest["schemes"] if r["area_code"] == area]
        assert 2 <= len(themes) <= 4, area
        assert 4 <= len(schemes) <= 8, area


def test_leicestershire_money_matches_the_report(latest):
    funding = {
        (r["financial_year"], r["stream"]): r
        for r in latest["funding"]
        if r["area_code"] == LEICESTERSHIRE
    }
    budgets = {stream: funding[("2017-18", stream)]["budget"] for stream in ("BCF", "iBCF", "DFG")}
    assert budgets == {"BCF": 42_600_000, "iBCF": 9_500_000, "DFG": 3_300_000}
    assert funding[("2017-18", "BCF")]["forecast_outturn"] == 42_600_000
    (savings,) = [
        r
        for r in latest["savings"]
        if (r["area_code"], r["financial_year"]) == (LEICESTERSHIRE, "2017-18")
    ]
    assert (savings["target"], savings["achieved_to_date"]) == (1_300_000, 223_000)
    spend = sum(
        r["recurrent"] + r["non_recurrent"]
        for r in latest["scheme_finance"]
        if (r["area_code"], r["financial_year"], r["line"]) == (LEICESTERSHIRE, "2017-18", "spend")
    )
    # the pooled fund: BCF £42.6m (the £3.3m DFG within it) and iBCF £9.5m, not £55.4m
    assert spend == 52_100_000


def test_milestones_slip_by_different_amounts(latest):
    as_at = AUGUST.last_day
    kinds = set()
    for m in (r for r in latest["milestones"] if r["area_code"] == LEICESTERSHIRE):
        days = milestone_slippage_days(
            m["baseline_date"],
            revised=m["revised_date"],
            completed=m["completed_date"],
            as_at=as_at,
        )
        if m["completed_date"] and m["completed_date"] < m["baseline_date"]:
            kinds.add("completed early")
        elif days == 0:
            kinds.add("on time")
        elif not m["revised_date"] and not m["completed_date"]:
            kinds.add("overdue without a revised date")
        else:
            kinds.add("up to 30 days late" if days <= 30 else "more than 30 days late")
    assert kinds == {
        "completed early",
        "on time",
        "overdue without a revised date",
        "up to 30 days late",
        "more than 30 days late",
    }


def test_risk_scores_rise_hold_and_fall(demo):
    trends = {
        risk_trend(r["likelihood"] * r["impact"], r["previous_score"])
        for r in demo.stage(AUGUST).rows["risks"]
        if r["area_code"] == LEICESTERSHIRE
    }
    assert trends == {"increased", "no_change", "decreased"}
    july = {r["ref"]: r for r in demo.stages[0].rows["risks"]}
    august = {r["ref"]: r for r in demo.stage(AUGUST).rows["risks"]}
    # Each review's previous score is the score at the review before.
    for ref, risk in august.items():
        if ref.startswith("BCF"):
            assert risk["previous_score"] == july[ref]["likelihood"] * july[ref]["impact"]


def test_returns_cover_twelve_months_with_three_missing_in_august(demo):
    rows = [
        r for r in demo.stage(AUGUST).rows["status_updates"] if r["area_code"] == LEICESTERSHIRE
    ]
    assert {r["period"] for r in rows} == {str(Month(2016, 9) + n) for n in range(12)}
    schemes = {
        r["ref"] for r in demo.stage(AUGUST).rows["schemes"] if r["area_code"] == LEICESTERSHIRE
    }
    august = {r["scheme_ref"] for r in rows if r["period"] == "2017-08"}
    assert schemes - august == {"BCF 3", "BCF 14", "BCF 17"}
    july = [r for r in demo.stages[0].rows["status_updates"] if r["period"] == "2017-08"]
    assert july == []
    statuses = {(r["dimension"], r["status"]) for r in rows}
    assert {("savings", "E"), ("metrics", "E"), ("milestones", "NA"), ("finance", "R")} <= statuses
    assert all(r["commentary"] for r in rows if r["status"] in ("A", "R"))


def test_the_monthly_series_have_genuine_special_causes(latest):
    definition = load_registry()["bcf_dtoc"]
    spec = MetricSpec("bcf_dtoc", definition.name, "rate", 100_000.0, "lower_is_better")
    actuals = [
        Observation(r["period_start"], r["period_end"], r["numerator"], r["denominator"])
        for r in _values(latest, LEICESTERSHIRE, "bcf_dtoc")
    ]
    summary = summarise_metric(spec, actuals, [], AUGUST)
    assert summary is not None
    assert summary.spc is not None
    points = dict(zip(summary.spc_months, summary.spc.point_type, strict=True))
    assert points[Month(2017, 1)] == "special_cause_concern"  # the winter surge
    after_home_first = [points[Month(2015, 10) + n] for n in range(6)]
    assert after_home_first == ["special_cause_improvement"] * 6  # the step down
