"""Natural order of references, against a plain reference implementation."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.ordering import natural_key


def reference_less(a: str, b: str) -> bool:
    """``a`` before ``b`` by walking both strings run by run (the alphanum algorithm)."""
    runs_a = re.findall(r"\d+|\D+", a)
    runs_b = re.findall(r"\d+|\D+", b)
    for x, y in zip(runs_a, runs_b, strict=False):
        x_digits, y_digits = x.isdigit(), y.isdigit()
        if x_digits and y_digits:
            if int(x) != int(y):
                return int(x) < int(y)
        elif x_digits != y_digits:
            return x_digits  # a number before text in the same place
        elif x.casefold() != y.casefold():
            return x.casefold() < y.casefold()
    if len(runs_a) != len(runs_b):
        return len(runs_a) < len(runs_b)
    return a < b


def test_the_schemes_of_the_seed_papers_sort_as_people_number_them():
    text_order = sorted(f"BCF {n}" for n in range(1, 24))
    assert text_order[:4] == ["BCF 1", "BCF 10", "BCF 11", "BCF 12"]
    assert sorted(text_order, key=natural_key) == [f"BCF {n}" for n in range(1, 24)]


def test_letters_numbers_and_case():
    refs = ["S10", "s2", "2b", "10", "2a", "2", "BCF 2", "bcf 1", "Scheme", ""]
    assert sorted(refs, key=natural_key) == [
        "",
        "2",
        "2a",
        "2b",
        "10",
        "bcf 1",
        "BCF 2",
        "s2",
        "S10",
        "Scheme",
    ]


def test_equal_numbers_written_differently_still_have_one_order():
    assert sorted(["BCF 1", "BCF 01", "bcf 1"], key=natural_key) == ["BCF 01", "BCF 1", "bcf 1"]


def test_a_non_string_is_refused_naming_the_argument():
    with pytest.raises(ValueError, match="text must be a string such as 'BCF 10', got 10"):
        natural_key(10)  # type: ignore[arg-type]


REFS = st.text(alphabet="AB b0129 -", max_size=8)


@given(REFS, REFS)
def test_the_key_agrees_with_the_reference_implementation(a, b):
    if a == b:
        return
    assert (natural_key(a) < natural_key(b)) == reference_less(a, b)


@given(st.lists(st.integers(0, 10_000), unique=True), st.sampled_from(["BCF ", "S", ""]))
def test_numbered_references_sort_by_their_number(numbers, prefix):
    refs = [f"{prefix}{n}" for n in numbers]
    assert sorted(refs, key=natural_key) == [f"{prefix}{n}" for n in sorted(numbers)]
