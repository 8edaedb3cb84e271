"""The shared helpers: escaped elements, number writing, ticks, label spreading, text widths."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.charts.base import check_id_prefix, element, num, text, xml_escape
from bettercare.charts.layout import fit_text, nice_ticks, spread_labels, text_width

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(finite, finite)
def test_nice_ticks_enclose_the_interval_in_round_equal_steps(a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low
    assert ticks[-1] >= high
    assert 2 <= len(ticks) <= 12
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert max(steps) - min(steps) <= 1e-6 * max(abs(ticks[0]), abs(ticks[-1]), 1)
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 5, 10)


def test_nice_ticks_examples() -> None:
    assert nice_ticks(48, 80) == (40, 50, 60, 70, 80)
    assert nice_ticks(5, 5, min_step=1) == (4, 5, 6)
    assert nice_ticks(0.0, 0.3, min_step=1) == (0, 1)


@given(
    st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=6),
    st.floats(min_value=5, max_value=20),
)
def test_spread_labels_keep_their_gap_and_order(positions: list[float], gap: float) -> None:
    low, high = 0.0, 300.0
    placed = spread_labels(positions, gap=gap, low=low, high=high)
    order = sorted(range(len(positions)), key=lambda i: (positions[i], i))
    ranked = [placed[i] for i in order]
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ranked))
    assert ranked[-1] <= high + 1e-9


def test_spread_labels_leave_distant_labels_alone() -> None:
    assert spread_labels([10, 100, 50], gap=14, low=0, high=200) == (10, 100, 50)
    assert spread_labels([50, 55], gap=14, low=0, high=200) == (50, 64)


def test_num_is_short_and_has_no_negative_zero() -> None:
    assert [num(1.0), num(2.5), num(-0.001), num(1 / 3), num(100)] == [
        "1",
        "2.5",
        "0",
        "0.33",
        "100",
    ]
    with pytest.raises(AssertionError):
        num(math.nan)


def test_element_and_text_escape_what_they_are_given() -> None:
    assert element("rect", None, class_='a"b', stroke_width=1.5) == (
        '<rect class="a&quot;b" stroke-width="1.5"/>'
    )
    assert (
        text("<&>", 1, 2) == '<text x="1" y="2" font-size="12" fill="#212B32">&lt;&amp;&gt;</text>'
    )


@pytest.mark.parametrize("prefix", ["", "1a", 'a"b', "a b", "a<b"])
def test_id_prefixes_that_would_break_the_markup_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        check_id_prefix(prefix)


def test_text_width_and_fit() -> None:
    assert text_width("0000") == pytest.approx(4 * 0.556 * 12)
    assert text_width("W", bold=True) > text_width("W")
    cut = fit_text("Bath and North East Somerset", 80)
    assert cut.endswith("…")
    assert text_width(cut) <= 80
    assert fit_text("Kent", 80) == "Kent"


def test_characters_xml_forbids_are_replaced() -> None:
    assert xml_escape("Line\x0bbreak & <tab>\t") == "Line break &amp; &lt;tab&gt;\t"
    assert element("g", None, data_ref="a\x00b") == '<g data-ref="a b"/>'
