"""The plan chart: target trajectory, baseline and actuals, before and after the first actual."""

from __future__ import annotations

import pytest

from bettercare.charts import PlanPoint, trajectory_chart
from bettercare.charts.base import BLUE, RED

from .svg_checks import by_class, check_chart, f

PLAN = [PlanPoint(label, target=1050.0) for label in ("April 2025", "May 2025", "June 2025")]


def test_before_any_actual_it_draws_the_targets_and_the_baseline() -> None:
    chart = trajectory_chart(
        PLAN,
        title="Emergency admissions 65+: the plan",
        unit="rate",
        multiplier=100_000,
        baseline=1033.3,
        baseline_label="2024-25",
    )
    root = check_chart(chart)
    targets = by_class(root, "plan-target")
    assert len(targets) == 3
    assert {t.get("stroke") for t in targets} == {RED}
    assert len({f(t, "y1") for t in targets}) == 1  # the same target each month
    (baseline,) = by_class(root, "plan-baseline")
    assert f(baseline, "y1") > f(targets[0], "y1")  # 1,033.3 is below 1,050: lower on the page
    assert by_class(root, "plan-actual") == []
    assert chart.description == (
        "3 of 3 periods have a target; no actual value has arrived yet; the baseline is 1,033.30."
    )
    assert chart.table_headers == ("Period", "Target", "Actual", "95% interval")
    assert chart.table_rows[0] == ("April 2025", "1,050.00", "–", "–")


def test_actuals_are_drawn_with_their_intervals() -> None:
    points = [
        PlanPoint("April 2025", 1050.0, 1006.7, 956.6, 1058.6),
        PlanPoint("May 2025", 1050.0),
    ]
    chart = trajectory_chart(points, title="t", unit="rate", multiplier=100_000)
    root = check_chart(chart)
    (actual,) = by_class(root, "plan-actual")
    assert actual.get("fill") == BLUE
    (interval,) = by_class(root, "plan-interval")
    assert f(interval, "y1") > f(actual, "cy") > f(interval, "y2")
    assert chart.description == "2 of 2 periods have a target; 1 has an actual value."
    assert chart.table_rows[0] == ("April 2025", "1,050.00", "1,006.70", "956.60 to 1,058.60")


def test_no_periods_is_refused() -> None:
    with pytest.raises(ValueError, match="points must hold at least one period, got none"):
        trajectory_chart([], title="t", unit="rate")
