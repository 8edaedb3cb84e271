"""Alert rules on hand-made series, at their boundaries, and fast against reference."""

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.core.alerts import (
    RULE_NAMES,
    RULES,
    Onset,
    RuleSettings,
    assurance_fail_onset,
    assurance_fail_onsets,
    data_rag_worsened,
    funnel_bottom,
    funnel_bottom_onset,
    funnel_labels,
    milestone_slipped,
    monthly_data_rag,
    parse_rule_settings,
    rag_worsened_onset,
    return_due_date,
    return_overdue,
    risk_rose,
    spc_concern_onset,
    spc_concern_onsets,
    trailing_onset,
)
from bettercare.core.periods import Month
from bettercare.core.summary import MetricSpec, Observation

STABLE = [11.0, 9.0] * 6  # twelve points, no special cause
SHIFTED = [*STABLE, *[12.0] * 7]  # then seven points above the mean: a shift


# -- the rules' definitions ------------------------------------------------------------------


def test_every_rule_is_named_and_defined():
    assert RULE_NAMES == (
        "spc_concern",
        "data_rag_worsened",
        "assurance_fail",
        "funnel_bottom",
        "return_overdue",
        "milestone_slipped",
        "risk_rose",
    )
    for name, rule in RULES.items():
        assert rule.name == name
        assert len(rule.definition) > 60


# -- runs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "persistence", "lookback", "expected"),
    [
        ([], 1, 12, None),
        ([False], 1, 12, None),
        ([True], 1, 12, Onset(0, 1)),
        ([True, False], 1, 12, None),
        ([False, True, True], 3, 12, None),  # one short of persistence
        ([False, True, True, True], 3, 12, Onset(1, 3)),  # exactly persistence
        ([True] * 12, 1, 12, Onset(0, 12)),  # exactly lookback
        ([True] * 13, 1, 12, None),  # began longer ago than lookback
    ],
)
def test_trailing_onset_boundaries(flags, persistence, lookback, expected):
    assert trailing_onset(flags, persistence=persistence, lookback=lookback) == expected


@given(st.lists(st.booleans(), max_size=30), st.integers(1, 5))
def test_more_points_in_the_run_keep_its_start(flags, persistence):
    """The event's name (its start) does not change as the run goes on."""
    first = trailing_onset([*flags, True], persistence=1, lookback=100)
    later = trailing_onset([*flags, True, True], persistence=1, lookback=100)
    assert first is not None
    assert later is not None
    assert later.start == first.start
    assert later.length == first.length + 1


# -- special-cause concern -------------------------------------------------------------------


def test_a_shift_of_seven_points_fires_once():
    """Fed month by month, the shift gives exactly one event (one start), at its seventh point."""
    onsets = [spc_concern_onset(SHIFTED[:n], polarity="lower_is_better") for n in range(1, 20)]
    fired = [(n + 1, o) for n, o in enumerate(onsets) if o is not None]
    assert fired == [(19, Onset(start=12, length=7))]
    # More months in the shift continue the same event (the same start), not a new one.
    more = spc_concern_onset([*SHIFTED, 12.0, 12.0], polarity="lower_is_better")
    assert more == Onset(start=12, length=9)


def test_six_points_do_not_make_a_shift():
    assert spc_concern_onset(SHIFTED[:18], polarity="lower_is_better") is None


def test_a_shift_in_the_better_direction_is_not_concern():
    assert spc_concern_onset(SHIFTED, polarity="higher_is_better") is None


def test_persistence_is_counted_in_points_of_concern():
    shift = RuleSettings(persistence=7)
    assert spc_concern_onset(SHIFTED, polarity="lower_is_better", settings=shift) == Onset(12, 7)
    longer = RuleSettings(persistence=8, lookback=12)
    assert spc_concern_onset(SHIFTED, polarity="lower_is_better", settings=longer) is None


def test_fewer_than_twelve_points_never_fire():
    assert spc_concern_onset([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 90], polarity="lower_is_better") is None


def test_an_astronomical_point_fires():
    assert spc_concern_onset([*STABLE, 40.0], polarity="lower_is_better") == Onset(12, 1)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=0, max_size=30), min_size=1, max_size=5))
def test_the_batch_agrees_with_the_reference(series):
    ids, positions, values, improvements = [], [], [], []
    for key, points in enumerate(series):
        for position, value in enumerate(points):
            ids.append(key)
            positions.append(position)
            values.append(float(value))
            improvements.append("decrease" if key % 2 else "increase")
    found = spc_concern_onsets(ids, positions, values, improvement=improvements)
    for key, points in enumerate(series):
        polarity = "lower_is_better" if key % 2 else "higher_is_better"
        expected = spc_concern_onset(points, polarity=polarity) if points else None
        assert found.get(key) == expected


# -- assurance -------------------------------------------------------------------------------


def test_assurance_fails_when_the_target_moves_out_of_reach():
    """A target of 5 for a process around 10 (limits about 4.7 to 15.3): hit and miss, then a
    stricter target of 4 from month 15 is below the lower limit: fail from then on."""
    values = [*STABLE, 11.0, 9.0, 11.0, 9.0]
    targets = [5.0] * 14 + [4.0] * 2
    onset = assurance_fail_onset(values, targets, polarity="lower_is_better")
    assert onset == Onset(14, 2)
    persistent = RuleSettings(persistence=3)
    assert (
        assurance_fail_onset(values, targets, polarity="lower_is_better", settings=persistent)
        is None
    )


def test_no_target_no_assurance_alert():
    assert assurance_fail_onset(STABLE, [None] * 12, polarity="lower_is_better") is None


def test_assurance_batch_agrees_with_the_reference():
    rng = np.random.default_rng(7)
    ids, positions, values, targets, improvements = [], [], [], [], []
    cases = {}
    for key in range(12):
        n = int(rng.integers(5, 30))
        points = rng.normal(10, 1, n).round(1).tolist()
        change = n - int(rng.integers(1, 8))
        polarity = "lower_is_better" if key % 2 else "higher_is_better"
        out_of_reach = 6.0 if key % 2 else 14.0
        target = [10.0 if i < change else out_of_reach for i in range(n)]
        if key == 3:
            target = [float("nan")] * n
        cases[key] = (points, target, polarity)
        for i, value in enumerate(points):
            ids.append(key)
            positions.append(i)
            values.append(value)
            targets.append(target[i])
            improvements.append("decrease" if key % 2 else "increase")
    short = RuleSettings(lookback=5)
    found = assurance_fail_onsets(
        ids, positions, values, targets, improvement=improvements, settings=short
    )
    assert found  # some fail
    for key, (points, target, polarity) in cases.items():
        reference = assurance_fail_onset(
            points,
            [None if np.isnan(t) else t for t in target],
            polarity=polarity,
            settings=short,
        )
        assert found.get(key) == reference, key


# -- data RAG --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "persistence", "expected"),
    [
        (["G", "A"], 1, (1, "G", "A")),
        (["G", "R"], 1, (1, "G", "R")),
        (["A", "R", "R"], 2, (1, "A", "R")),
        (["A", "R"], 2, None),  # not yet for two months
        (["R", "A"], 1, None),  # better is not worse
        (["A", "A"], 1, None),  # no change
        (["A"], 1, None),  # nothing before it
        (["G", None, "A", None], 1, (2, "G", "A")),  # unrated months are skipped
    ],
)
def test_rag_worsened_boundaries(statuses, persistence, expected):
    found = rag_worsened_onset(statuses, settings=RuleSettings(persistence=persistence))
    if expected is None:
        assert found is None
    else:
        assert (found.onset.start, found.before, found.after) == expected


def test_rag_worsened_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="statuses must be one of 'G', 'A', 'R'; got 'X'"):
        rag_worsened_onset(["G", "X"])


def _month(m: Month, numerator: float, denominator: float | None = None) -> Observation:
    return Observation(m.first_day, m.last_day, numerator=numerator, denominator=denominator)


def test_monthly_data_rag_rates_each_month_against_its_target():
    spec = MetricSpec("c", "Admissions", "count", 1.0, "lower_is_better")
    year = [Month(2025, 4) + i for i in range(4)]
    actuals = {m: _month(m, n) for m, n in zip(year, [80, 95, 140, 100], strict=True)}
    target = Observation(date(2025, 4, 1), date(2026, 3, 31), value=1200.0)  # 100 a month
    rated = monthly_data_rag(spec, actuals, [target], year)
    assert rated == ["G", "G", "R", "G"]
    smoothed = monthly_data_rag(spec, actuals, [target], year, smoothing=2)
    # 80+95 = 175 <= 200 G; 95+140 = 235 vs 200 R; 140+100 = 240 R; the first has a gap.
    assert smoothed == [None, "G", "R", "R"]


def test_monthly_data_rag_without_target_is_unrated():
    spec = MetricSpec("c", "Admissions", "count", 1.0, "lower_is_better")
    m = Month(2025, 4)
    assert monthly_data_rag(spec, {m: _month(m, 5)}, [], [m]) == [None]


def test_smoothing_pools_numerators_and_denominators():
    spec = MetricSpec("p", "Share", "proportion", 100.0, "higher_is_better")
    months = [Month(2025, 4), Month(2025, 5)]
    actuals = {months[0]: _month(months[0], 90, 100), months[1]: _month(months[1], 10, 1000)}
    target = Observation(date(2025, 4, 1), date(2026, 3, 31), value=50.0)
    # Pooled 100/1100 = 9%, far below 50%: RED (a mean of the two rates would be 45.5%).
    assert monthly_data_rag(spec, actuals, [target], months, smoothing=2) == [None, "R"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([80, 95, 100, 105, 140, None]), min_size=1, max_size=20),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(3, 6),
)
def test_the_backward_walk_agrees_with_rating_every_month(counts, persistence, smoothing, lookback):
    spec = MetricSpec("c", "Admissions", "count", 1.0, "lower_is_better")
    months = [Month(2025, 4) + i for i in range(len(counts))]
    actuals = {m: _month(m, n) for m, n in zip(months, counts, strict=True) if n is not None}
    target = Observation(date(2025, 4, 1), date(2027, 3, 31), value=2400.0)  # 100 a month
    setting = RuleSettings(persistence=persistence, smoothing=smoothing, lookback=lookback)
    tail = months[-(lookback + 1) :]
    reference = rag_worsened_onset(
        monthly_data_rag(spec, actuals, [target], tail, smoothing=smoothing), settings=setting
    )
    fast = data_rag_worsened(spec, actuals, [target], months, settings=setting)
    if reference is None:
        assert fast is None
    else:
        assert fast == (tail[reference.onset.start], reference)


# -- funnel ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "polarity", "level", "bottom"),
    [
        ("Low (0.025)", "higher_is_better", "2s", True),
        ("Low (0.001)", "higher_is_better", "2s", True),
        ("Low (0.025)", "higher_is_better", "3s", False),
        ("Low (0.001)", "higher_is_better", "3s", True),
        ("High (0.025)", "higher_is_better", "2s", False),
        ("High (0.025)", "lower_is_better", "2s", True),
        ("Low (0.001)", "lower_is_better", "2s", False),
        ("Not significant", "lower_is_better", "2s", False),
    ],
)
def test_funnel_bottom_band(label, polarity, level, bottom):
    assert funnel_bottom(label, polarity=polarity, level=level) is bottom


def test_funnel_bottom_for_three_consecutive_months():
    labels = ["Not significant", "Low (0.025)", "Low (0.001)", "Low (0.025)"]
    three = RuleSettings(persistence=3)
    assert funnel_bottom_onset(labels, polarity="higher_is_better", settings=three) == Onset(1, 3)
    assert funnel_bottom_onset(labels[:3], polarity="higher_is_better", settings=three) is None
    assert funnel_bottom_onset([*labels, None], polarity="higher_is_better") is None


def test_funnel_labels_are_phes_for_proportions():
    """PHEindicatormethods' own example for assign_funnel_significance (proportions)."""
    labels = funnel_labels(
        [10232, 12321, 15123, 13213],
        [15232, 16123, 17932, 18475],
        unit="proportion",
        multiplier=100,
    )
    assert labels == ["Low (0.001)", "High (0.001)", "High (0.001)", "Low (0.001)"]


def test_funnel_labels_for_crude_rates_compare_with_the_pooled_rate():
    # 80 per 100,000 on average: 80 is not significant, 40 and 160 are, 60 only at 95%.
    labels = funnel_labels(
        [80, 40, 160, 60, 80, 80, 80, 80],
        [100_000] * 8,
        unit="rate",
        multiplier=100_000,
    )
    assert labels[1] == "Low (0.001)"
    assert labels[2] == "High (0.001)"
    assert labels[4] == "Not significant"


def test_funnel_labels_refuse_what_has_no_funnel():
    with pytest.raises(ValueError, match="unit must be one of 'proportion', 'rate'; got 'count'"):
        funnel_labels([1], [2], unit="count", multiplier=1)
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        funnel_labels([1, 2], [3], unit="rate", multiplier=1)
    assert funnel_labels([], [], unit="rate", multiplier=1) == []


# -- returns, milestones, risks --------------------------------------------------------------


def test_return_due_and_overdue_boundary():
    april = Month(2025, 4)
    assert return_due_date(april, due_days=20) == date(2025, 5, 20)
    assert not return_overdue(april, as_at=date(2025, 5, 20), complete=False, due_days=20)
    assert return_overdue(april, as_at=date(2025, 5, 21), complete=False, due_days=20)
    assert not return_overdue(april, as_at=date(2025, 9, 1), complete=True, due_days=20)


def test_milestone_slipped_boundary():
    baseline = date(2025, 6, 1)
    on_the_limit = milestone_slipped(
        baseline, revised=date(2025, 7, 1), completed=None, as_at=date(2025, 6, 15),
        tolerance_days=30,
    )  # fmt: skip
    assert on_the_limit is None  # 30 days is within tolerance
    over = milestone_slipped(
        baseline, revised=date(2025, 7, 2), completed=None, as_at=date(2025, 6, 15),
        tolerance_days=30,
    )  # fmt: skip
    assert over == 31
    overdue = milestone_slipped(
        baseline, revised=None, completed=None, as_at=date(2025, 8, 1), tolerance_days=30
    )
    assert overdue == 61


@pytest.mark.parametrize(
    ("score", "previous", "rose"),
    [(12, 8, True), (8, 8, False), (6, 8, False), (12, None, False), (None, 8, False)],
)
def test_risk_rose(score, previous, rose):
    assert risk_rose(score, previous) is rose


# -- settings --------------------------------------------------------------------------------


def test_settings_parse_per_rule():
    parsed = parse_rule_settings(
        "spc_concern:persistence=3; data_rag_worsened:smoothing=3,persistence=2;"
        "funnel_bottom:funnel_level=3s"
    )
    assert parsed["spc_concern"] == RuleSettings(persistence=3)
    assert parsed["data_rag_worsened"] == RuleSettings(smoothing=3, persistence=2)
    assert parsed["funnel_bottom"].funnel_level == "3s"
    assert parse_rule_settings("") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("spc:persistence=3", "rule must be one of 'spc_concern'"),
        ("spc_concern:days=3", "setting must be one of 'persistence'"),
        ("spc_concern:persistence=three", "spc_concern setting persistence must be a whole"),
        ("spc_concern:persistence=0", "persistence must be a whole number of 1 or more, got 0"),
        ("spc_concern:persistence=13", "lookback must be at least persistence (13), got 12"),
        ("funnel_bottom:funnel_level=4s", "funnel_level must be one of '2s', '3s'; got '4s'"),
    ],
)
def test_bad_settings_name_the_setting(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_rule_settings(text)


def test_a_recorded_rebase_turns_a_step_from_a_shift_into_a_new_process():
    """ADR 0095: twelve months around 10, then seven around 20 (lower is better, target 15).
    On one set of limits the step is a shift (concern) and the wide limits straddle the
    target; rebased at the step, the new process is steady and its lower limit (about 17.3)
    is above the target, so it fails from the second month of the new period."""
    values = [*STABLE, *[20.5, 19.5] * 3, 20.5]
    count = len(values)
    ids, positions = [0] * count, list(range(count))
    improvements, targets = ["decrease"] * count, [15.0] * count
    flags = [position == 12 for position in positions]
    assert spc_concern_onsets(ids, positions, values, improvement=improvements) == {0: Onset(12, 7)}
    assert spc_concern_onsets(ids, positions, values, improvement=improvements, rebase=flags) == {}
    assert assurance_fail_onsets(ids, positions, values, targets, improvement=improvements) == {}
    assert assurance_fail_onsets(
        ids, positions, values, targets, improvement=improvements, rebase=flags
    ) == {0: Onset(13, 6)}
