"""The milestone timeline: dates where they fall, status in colour and in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from bettercare.charts import TimelineMilestone, milestone_timeline
from bettercare.charts.base import (
    GREEN,
    RED,
    WHITE,
)
from bettercare.charts.layout import text_width

from .svg_checks import by_class, check_chart, f

AS_AT = date(2017, 9, 8)


def milestone(
    ref: str,
    status: str,
    baseline: date,
    revised: date | None = None,
    completed: date | None = None,
) -> TimelineMilestone:
    slippage = (revised - baseline).days if revised else 0
    return TimelineMilestone(
        ref=ref,
        title=f"Milestone {ref}",
        baseline_date=baseline,
        revised_date=revised,
        completed_date=completed,
        slippage_days=slippage,
        status=status,
    )


MILESTONES = [
    milestone("M1", "complete", date(2017, 4, 30), date(2017, 5, 15), date(2017, 5, 12)),
    milestone("M2", "G", date(2017, 9, 30)),
    milestone("M3", "A", date(2017, 8, 31), date(2017, 10, 15)),
    milestone("M4", "R", date(2017, 7, 31), date(2018, 1, 31)),
]


def row(root: ET.Element, ref: str) -> ET.Element:
    (found,) = [g for g in by_class(root, "milestone") if g.get("data-ref") == ref]
    return found


def diamond_x(path: ET.Element) -> float:
    """The centre x of a diamond path ``M x y-h L x+h y ...``."""
    return float((path.get("d") or "")[1:].split()[0])


def test_red_milestone_is_marked_red_and_says_so() -> None:
    root = check_chart(milestone_timeline(MILESTONES, as_at=AS_AT))
    red = row(root, "M4")
    assert red.get("data-status") == "R"
    (bar,) = by_class(red, "timeline-slippage")
    (tag,) = by_class(red, "timeline-status")
    assert bar.get("fill") == RED
    assert tag.get("fill") == RED
    assert "Red" in ["".join(e.itertext()) for e in red.iter() if e.tag.endswith("text")]
    (green_tag,) = by_class(row(root, "M2"), "timeline-status")
    assert green_tag.get("fill") == GREEN


def test_markers_and_bar_sit_at_their_dates() -> None:
    root = check_chart(milestone_timeline(MILESTONES, as_at=AS_AT))
    red = row(root, "M4")
    (baseline,) = by_class(red, "timeline-baseline")
    (revised,) = by_class(red, "timeline-revised")
    (bar,) = by_class(red, "timeline-slippage")
    assert baseline.get("fill") == WHITE  # hollow
    assert revised.get("fill") not in (None, WHITE, "none")  # filled
    assert f(bar, "x") == pytest.approx(diamond_x(baseline), abs=0.02)
    assert f(bar, "x") + f(bar, "width") == pytest.approx(diamond_x(revised), abs=0.02)
    # x is linear in the date: compare with M3's markers.
    (m3_baseline,) = by_class(row(root, "M3"), "timeline-baseline")
    per_day = (diamond_x(revised) - diamond_x(baseline)) / (
        date(2018, 1, 31) - date(2017, 7, 31)
    ).days
    days = (date(2017, 8, 31) - date(2017, 7, 31)).days
    assert diamond_x(m3_baseline) == pytest.approx(diamond_x(baseline) + days * per_day, abs=0.05)
    # The "as at" line falls between M3's baseline (31 Aug) and M2's (30 Sep).
    (as_at,) = by_class(root, "timeline-as-at")
    (m2_baseline,) = by_class(row(root, "M2"), "timeline-baseline")
    assert diamond_x(m3_baseline) < f(as_at, "x1") < diamond_x(m2_baseline)
    # No slippage, no bar and no revised marker; completion gets a tick.
    assert by_class(row(root, "M2"), "timeline-slippage") == []
    assert by_class(row(root, "M2"), "timeline-revised") == []
    assert len(by_class(row(root, "M1"), "timeline-completed")) == 1


def test_height_grows_with_the_count() -> None:
    two = check_chart(milestone_timeline(MILESTONES[:2], as_at=AS_AT))
    four = check_chart(milestone_timeline(MILESTONES, as_at=AS_AT))
    assert f(four, "height") - f(two, "height") == pytest.approx(2 * 28)


def test_table_and_description() -> None:
    chart = milestone_timeline(MILESTONES, as_at=AS_AT, title="Plan")
    assert chart.table_headers == (
        "Ref",
        "Title",
        "Baseline",
        "Revised",
        "Completed",
        "Slippage days",
        "Status",
    )
    assert chart.table_rows[0] == (
        "M1",
        "Milestone M1",
        "30 Apr 2017",
        "15 May 2017",
        "12 May 2017",
        "15",
        "Complete",
    )
    assert chart.table_rows[3][-2:] == ("184", "Red")
    assert chart.description == (
        "Plan: 4 milestones as at 8 Sep 2017 (1 complete, 1 red, 1 amber, 1 green). "
        "Most slippage: M4, 184 days."
    )


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="milestone status"):
        milestone_timeline([milestone("M1", "X", date(2017, 1, 1))], as_at=AS_AT)


def test_empty_deterministic_and_escaped() -> None:
    empty = milestone_timeline([], as_at=AS_AT, title="None <&> nothing")
    check_chart(empty)
    assert empty.table_rows == ()
    tricky = [milestone("<M&1>", "A", date(2017, 8, 1), date(2017, 9, 1))]
    first = milestone_timeline(tricky, as_at=AS_AT, title="A & B")
    assert first == milestone_timeline(tricky, as_at=AS_AT, title="A & B")
    root = check_chart(first)
    assert row(root, "<M&1>") is not None


@pytest.mark.parametrize("years", [1, 3, 10])
def test_month_labels_never_overlap(years: int) -> None:
    long = [milestone("M1", "A", date(2012, 1, 1), date(2012 + years, 1, 1))]
    root = check_chart(milestone_timeline(long, as_at=date(2012, 6, 1), width=500))
    labels = by_class(root, "timeline-month")
    assert len(labels) >= 2
    xs = [f(label, "x") for label in labels]
    widths = [text_width(label.text or "") for label in labels]
    assert all(b - a > w for a, b, w in zip(xs, xs[1:], widths, strict=False))
