"""The array assembly gives exactly what the plain reference (dicts, loops, csv module) gives."""

import math
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.core.periods import Month
from bettercare.pipeline.aggregates import Aggregates
from bettercare.pipeline.assembly import assemble, rounded_array
from bettercare.pipeline.metrics import metric_values, rounded
from bettercare.pipeline.output import arrow_table, csv_text, values_arrow_table, values_csv_text

AREAS = ("E06000001", "E06000002", "E06000003")
MONTHS = [Month(2022, 1) + k for k in range(48)]
NAMES = ("admissions", "discharges", "care_homes", "reablement")

counts = st.integers(0, 40)


@st.composite
def consistent(draw, name):
    """A cell's measures as real records give them: parts no more than their whole, a sum
    of squared delays at least its square over the discharges."""
    whole = draw(counts)
    if name == "admissions":
        return (whole, draw(st.integers(0, whole)), draw(st.integers(0, whole)))
    if name == "discharges":
        ready = draw(counts)
        delay = draw(counts) if ready else 0
        return (whole, draw(st.integers(0, whole)), ready, delay, delay * delay)
    if name == "reablement":
        return (whole, draw(st.integers(0, whole)))
    return (whole,)


@st.composite
def aggregates(draw):
    """Random monthly aggregates: some inputs missing, sparse cells, populations with gaps
    (estimates missing for some years, some bands empty) and a stray area."""
    names = draw(st.sets(st.sampled_from(NAMES)))
    tables = {}
    for name in names:
        cells = draw(
            st.lists(
                st.tuples(
                    st.sampled_from((*AREAS, "E06000099")),
                    st.sampled_from(MONTHS),
                    st.integers(0, 18),
                ),
                max_size=40,
            )
        )
        table = {}
        for area, month, band in cells:
            key = (area, month.year * 100 + month.month)
            if name == "admissions":
                key = (*key, band)
            table[key] = draw(consistent(name))
        tables[name] = table
    population = {}
    for area in AREAS:
        for year in draw(st.sets(st.sampled_from((2021, 2022, 2023, 2024)))):
            for band in range(19):
                population[(area, year, band)] = draw(st.sampled_from((0, 1, 250, 4000)))
    return Aggregates(tables, population)


@settings(max_examples=150, deadline=None)
@given(
    found=aggregates(),
    first=st.integers(0, 30),
    length=st.integers(0, 17),
    years=st.sampled_from(("all", "in_force")),
    areas=st.lists(st.sampled_from(AREAS), unique=True),
)
def test_the_arrays_give_the_reference_rows(found, first, length, years, areas):
    span = {"first": MONTHS[first], "last": MONTHS[first + length], "areas": sorted(areas)}
    expected = metric_values(found, **span, years=years)
    values = assemble(found.to_tables(), **span, years=years)
    assert values.rows() == expected
    assert values_csv_text(values) == csv_text(expected)
    assert values_arrow_table(values).equals(arrow_table(expected))


def test_the_tables_give_back_the_same_aggregates():
    found = Aggregates(
        {"admissions": {("E06000001", 202204, 13): (1, 0, 1)}, "care_homes": {}},
        {("E06000001", 2022, 13): 500, ("E06000001", 2022, 0): 0},
    )
    assert found.to_tables().aggregates() == found


def _floats(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=-1e6, max_value=1e6),
            # exact and near halves at the sixth decimal place
            st.integers(-(10**12), 10**12).map(lambda k: (k + 0.5) / 1e6),
            st.integers(0, 2**64 - 1).map(_floats),
        ),
        max_size=50,
    )
)
def test_rounding_a_whole_array_is_pythons_round(values):
    import numpy as np

    found = rounded_array(np.array(values, dtype=np.float64))
    expected = rounded(np.array(values, dtype=np.float64))
    assert len(found) == len(expected)
    for got, wanted in zip(found, expected, strict=True):
        if wanted is None:
            assert got is None
        else:
            assert got == wanted
            assert math.copysign(1.0, got) == math.copysign(1.0, wanted)


def test_rounding_ties_go_to_the_even_digit_as_round_does():
    import numpy as np

    values = [0.0078125, 2.5e-06, 3.5e-06, 1234567.0000005, 1e15 + 0.5, -2.5e-06]
    assert rounded_array(np.array(values)) == [round(v, 6) for v in values]
