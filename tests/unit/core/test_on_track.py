"""The "All projects are on track." line of the integration dashboard (seed 000): said for a
dimension of a theme only when every scheme is on track, never when one is an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.rag import ON_TRACK_LINE, STATUSES, on_track


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["G"], True),
        (["G", "G", "G"], True),
        (["G", "E"], True),  # an enabler takes headline commentary only
        (["A", "G"], False),
        (["G", "R"], False),
        (["G", "NA"], False),  # N/A needs exception commentary
        (["G", None], False),  # a scheme with no status is not known to be on track
        (["E", "E"], False),  # nothing rated Green
        ([None], False),
        ([], False),  # no schemes: no line
    ],
)
def test_boundaries(statuses, expected):
    assert on_track(statuses) is expected


def test_the_line_is_the_seeds():
    assert ON_TRACK_LINE == "All projects are on track."


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status"):
        on_track(["G", "Green"])


def reference(statuses: list[str | None]) -> bool:
    """Plainly: some Green, and no exception (A, R, N/A) and no missing status."""
    if not statuses:
        return False
    for status in statuses:
        if status in ("A", "R", "NA") or status is None:
            return False
    return statuses.count("G") > 0


@given(st.lists(st.sampled_from([*STATUSES, None]), max_size=8))
def test_matches_the_plain_reference(statuses):
    assert on_track(statuses) is reference(statuses)


@given(st.lists(st.sampled_from([*STATUSES, None]), max_size=8), st.sampled_from(["A", "R", "NA"]))
def test_any_exception_removes_the_line(statuses, exception):
    assert on_track([*statuses, exception]) is False
