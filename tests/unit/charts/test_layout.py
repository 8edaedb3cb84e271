"""Every chart, at small and large sizes and with awkward data, keeps its text inside the box.

:func:`check_chart` measures each label with the layout's own width estimate (Arial's
advance widths), so these tests catch labels that the layout pushes out of the drawing:
legends that need to wrap, axis labels at the ends, long names, big numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pytest

from bettercare.charts import (
    Chart,
    HeatmapRisk,
    TimelineMilestone,
    bar_comparison,
    league_table,
    milestone_timeline,
    progress_bar,
    risk_heatmap,
    sparkline,
    spc_chart,
)
from bettercare.core.spc import xmr

from .svg_checks import check_chart

MONTHS = [f"September {year}" for year in range(2000, 2060)]


def spc_cases() -> list[tuple[str, Callable[[], Chart]]]:
    cases: list[tuple[str, Callable[[], Chart]]] = []
    for width, height in ((240, 160), (480, 260), (720, 320), (1200, 500)):
        for n in (1, 2, 13, 60):
            values = [1_000_000 + (i % 7) * 12_345 for i in range(n)]
            common = partial(spc_chart, labels=MONTHS[:n], title="t", width=width, height=height)
            counts = partial(common, xmr(values, target=1_050_000), unit="count")
            percent = partial(
                common,
                xmr([v / 20_000 for v in values], improvement="neutral"),
                unit="proportion",
                multiplier=100,
            )
            cases += [(f"spc-count-{width}-{n}", counts), (f"spc-percent-{width}-{n}", percent)]
    return cases


def other_cases() -> list[tuple[str, Callable[[], Chart]]]:
    risks = [HeatmapRisk(f"LONG-REF-{i:04d}", "t", 1 + i % 5, 1 + i * 3 % 5) for i in range(40)]
    slipped = [
        TimelineMilestone(
            f"SCHEME-{i}-MILESTONE", "t", date(2015, 1, 1), date(2020, 1, 1), None, 1826, "R"
        )
        for i in range(3)
    ]
    long_area = [
        ("A very long area name indeed, far too long", 123_456.0, 100_000.0, 150_000.0, True)
    ]
    long_stream = [("A funding stream name that goes on and on and on", 123_456_789, 98_765_432)]
    cases: list[tuple[str, Callable[[], Chart]]] = []
    for w in (360, 500, 720):
        cases += [
            (f"risk-{w}", partial(risk_heatmap, risks, width=w, height=300)),
            (
                f"timeline-{w}",
                partial(milestone_timeline, slipped, as_at=date(2020, 1, 31), width=w),
            ),
            (
                f"timeline-ten-years-long-ref-{w}",
                partial(
                    milestone_timeline,
                    [
                        TimelineMilestone(
                            "A-VERY-LONG-MILESTONE-REFERENCE-0001",
                            "t",
                            date(2012, 1, 1),
                            date(2022, 6, 1),
                            None,
                            3804,
                            "A",
                        )
                    ],
                    as_at=date(2017, 1, 1),
                    width=w,
                ),
            ),
            (
                f"timeline-as-at-first-day-{w}",
                partial(milestone_timeline, slipped[:1], as_at=date(2015, 1, 1), width=w),
            ),
            (
                f"league-{w}",
                partial(
                    league_table,
                    long_area,
                    title="t",
                    unit="count",
                    target=1,
                    benchmark=200_000,
                    width=w,
                ),
            ),
            (f"bars-{w}", partial(bar_comparison, long_stream, title="t", width=w)),
            (
                f"bars-negative-{w}",
                partial(bar_comparison, [("x", -1000, 5000)], title="t", width=w),
            ),
        ]
    cases += [
        ("progress-huge", partial(progress_bar, 999_999_999, 1, title="t", width=120)),
        ("sparkline-one", partial(sparkline, [1.0], labels=["a"], title="t", width=24, height=12)),
    ]
    return cases


CASES = spc_cases() + other_cases()


@pytest.mark.parametrize("build", [build for _, build in CASES], ids=[name for name, _ in CASES])
def test_text_stays_inside_the_chart(build: Callable[[], Chart]) -> None:
    check_chart(build())
