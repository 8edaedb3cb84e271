"""One rule for the chance of meeting a target, wherever it is shown."""

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import bettercare
from bettercare.formatting import chance

PACKAGE = Path(bettercare.__file__).parent
TEMPLATES = [PACKAGE / "web" / "templates", PACKAGE / "reports" / "templates"]


def test_chance_in_words():
    assert [chance(p) for p in (None, 0.0, 0.004, 0.01, 0.346, 0.99, 0.996, 1.0)] == [
        "–",
        "less than 1%",
        "less than 1%",
        "about 1%",
        "about 35%",
        "about 99%",
        "more than 99%",
        "more than 99%",
    ]


@given(st.floats(0, 1))
def test_a_chance_is_never_shown_as_certain_either_way(probability):
    assert chance(probability) not in ("about 0%", "about 100%")


def test_every_template_shows_the_probability_of_meeting_the_target_with_chance():
    uses = [
        (path.name, match.group(0))
        for folder in TEMPLATES
        for path in folder.rglob("*.jinja")
        for match in re.finditer(r"probability_meeting_target\s*\|\s*\w+", path.read_text())
    ]
    assert uses, "no template shows the probability"
    assert [use for use in uses if not use[1].endswith("chance")] == []
