"""A CSV column parsed by text, its plain figures all at once (ADR 0135), against each cell
parsed alone (the plain reference); and a whole sheet of metric values read and checked a
column at a time against the row-at-a-time reference, for random mixes of good and bad
cells: blanks, whitespace, thousands separators, percentages, exponents, negative and huge
numbers, dates good and bad, unknown codes, national metrics out of their years, duplicate
keys, a byte order mark and a wrong header.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bettercare.workbook import Known, MetricInfo
from bettercare.workbook.messages import Message
from bettercare.workbook.reader import RawSheet, RawWorkbook, read_workbook
from bettercare.workbook.validate import _Checker, _limited
from bettercare.workbook.values import BLANK, PARSERS, Cell, CellError, parse_one, parse_texts
from tests.unit.workbook.test_columnar_reference import ReferenceChecker, reference_rows

#: Texts people write in figure, date and code columns, well-formed and not.
EDGES = [
    "",
    " ",
    " \t ",
    "0",
    "-0",
    "00",
    "12",
    "-12",
    "007",
    "1,234",
    "1,23",
    "-1,234.5",
    "12.5",
    "-12.5",
    ".5",
    "-.5",
    "5.",
    "-",
    ".",
    "12.5%",
    " 12.5% ",
    "-3%",
    "%",
    "5.%",
    "0.9%",
    "1e3",
    "1E-2",
    "inf",
    "-Infinity",
    "nan",
    "1_000",
    "١٢",
    "123456789012345",
    "1234567890123456",
    "-999999999999999",
    "1" * 30,
    "1" * 31,
    "9" * 400,
    "0." + "1" * 30,
    "12 345",
    "£1,250",
    "(12)",
    "'=1",
    "2024-04-01",
    " 2024-04-01 ",
    "2024-02-30",
    "01/04/2024",
    "2024-04",
    "2024-25",
    "E10000016",
    "e10000016",
    "actual",
    "Target",
    "guess",
    "Y",
    "no",
    "x" * 70,
]
TEXTS = st.one_of(
    st.sampled_from(EDGES),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.decimals(-1000, 1000, places=1).map(lambda d: f"{d}%"),
    st.text(max_size=6),
    st.none(),  # a cell the row did not have
)


def comparable(result: Any) -> Any:
    """A parse result to compare: a problem by its words, a value by its type and text."""
    if result is BLANK:
        return "blank"
    if isinstance(result, CellError):
        return ("problem", result.problem, result.expected)
    return (type(result).__name__, repr(result))


@settings(max_examples=300, deadline=None)
@given(
    column_type=st.sampled_from(sorted(PARSERS)),
    texts=st.lists(TEXTS, max_size=25),
    limit=st.one_of(st.none(), st.integers(1, 12)),
    blank=st.sampled_from([BLANK, None, "actual"]),
)
def test_a_column_parsed_by_text_is_each_cell_parsed_alone(column_type, texts, limit, blank):
    parse = PARSERS[column_type] if limit is None else _limited(column_type, limit)
    texts = [*texts, *texts[:3]]  # some texts twice
    results, bad = parse_texts(column_type, texts, parse, blank)
    alone = [parse_one(parse, Cell(text)) for text in texts]
    alone = [blank if result is BLANK else result for result in alone]
    assert list(map(comparable, results)) == list(map(comparable, alone))
    assert bad == {
        text
        for text, result in zip(texts, alone, strict=True)
        if result is BLANK or isinstance(result, CellError)
    }


COLUMNS = [
    "area_code",
    "metric_code",
    "period_start",
    "period_end",
    "kind",
    "numerator",
    "denominator",
    "value",
    "sum_of_squares",
    "note",
]
FIGURES = ["12", "1,200", "0", "", "120", "2", "7", "1200", "100", "50", "3.5", "1000", "-3"]
#: Each column's texts: mostly ones that parse, sometimes the edges above.
GOOD = {
    "area_code": ["E10000016", "E06000035", "e10000016"],
    "metric_code": ["admissions", "falls", "people", "delay", "dsr", "national", "per_1000"],
    "period_start": [f"{year}-{month:02d}-01" for year in (2024, 2026) for month in range(1, 13)],
    "period_end": [f"{year}-{month:02d}-28" for year in (2024, 2026) for month in range(1, 13)],
    "kind": ["actual", "target", "baseline", "forecast", ""],
    "numerator": FIGURES,
    "denominator": FIGURES,
    "value": [
        *FIGURES,
        *["12%", "7%", "1.2%", "12.0%", "0.1%", "0.07%", "0.57%", "1.15%", "-2%", " 7% "],
        *["2400", "1200.5", "0.6", "600", "583.3", "1,200.0", "12.00"],
    ],
    "sum_of_squares": ["", "", "", "200", "50", "1"],
    "note": ["", "checked", " ", "x" * 30],
}
METRICS = {
    "admissions": MetricInfo("rate", 100_000.0),
    "falls": MetricInfo("proportion", 100.0),
    "people": MetricInfo("count", 1.0),
    "delay": MetricInfo("mean", 1.0),
    "dsr": MetricInfo("dsr", 100_000.0),
    "per_1000": MetricInfo("proportion", 1000.0),
    "national": MetricInfo(
        "proportion", 100.0, national=True, applies_from="2025-26", applies_to="2025-26"
    ),
}
LENGTHS = {("metric_values", "note"): 20}
#: Numerators, denominators and values that agree for one metric or another (or nearly).
FIGURE_ROWS = [
    ("12", "1000", "1200"),
    ("12", "1,000", "1,200.0"),
    ("-3", "1000", "-300"),
    ("7", "100", "7%"),
    ("7", "100", "7.0"),
    ("7", "100", "70"),
    ("57", "10000", "0.57%"),
    ("7", "10000", "0.07%"),
    ("115", "10000", "1.15%"),
    ("201", "10000", "2.01%"),  # 20.1 per 1,000 in decimal (20.099999999999998 in float)
    ("403", "10000", "4.03%"),
    ("7", "12", "583.3"),
    ("7", "12", "58.3%"),
    ("5", "4", "125%"),
    ("11", "10", "110"),
    ("12", "", ""),
    ("-3", "", ""),
    ("0", "", ""),
    ("", "", "12"),
    ("", "", "-2"),
    ("12", "0", ""),
    ("3.5", "7", "50"),
    ("1001", "1000", ""),  # a proportion's numerator just above its denominator
    # Figures beyond 2**53, where floats round neighbours together (read as floats either way).
    ("9007199254740993", "9007199254740992", ""),
    ("9007199254740992", "9007199254740993", ""),
]


def cell_texts(name: str) -> st.SearchStrategy[str | None]:
    """Mostly texts of the column that parse (so that rows reach the checks), at times any."""
    good = st.sampled_from(GOOD[name])
    return st.integers(0, 9).flatmap(lambda draw: TEXTS if draw == 9 else good)


@st.composite
def sheets(draw: Any) -> tuple[list[str], list[list[str]]]:
    every = len(COLUMNS) - 4  # as often every column as some of the optional ones
    optional = draw(st.permutations(COLUMNS[4:]))[: draw(st.sampled_from([every, *range(every)]))]
    header = draw(st.permutations([*COLUMNS[:4], *optional]))
    if draw(st.integers(0, 9)) == 0:  # a wrong header
        header[0] = draw(st.sampled_from(["area", "metric code", "area_code"]))
    named = [name for name in header if name in GOOD]
    row = st.fixed_dictionaries({name: cell_texts(name) for name in named})
    clean_row = st.fixed_dictionaries({name: st.sampled_from(GOOD[name]) for name in named})
    table = []
    for _ in range(draw(st.integers(1, 30))):
        clean = draw(st.integers(0, 3)) < 3  # mostly rows that reach the checks
        values = draw(clean_row if clean else row)
        if clean and {"period_start", "period_end"} <= values.keys() and draw(st.booleans()):
            values["period_end"] = values["period_start"][:8] + "28"  # the same month
        if draw(st.booleans()):  # figures that agree, or nearly
            figures = dict(zip(COLUMNS[5:8], draw(st.sampled_from(FIGURE_ROWS)), strict=True))
            values = {**values, **{k: v for k, v in figures.items() if k in values}}
        texts = ["" if values.get(name) is None else values[name] for name in header]
        if draw(st.integers(0, 9)) == 0:
            texts = texts[: draw(st.integers(0, len(texts)))]  # a short row
        table.append(texts)
    for _ in range(draw(st.integers(0, 2))):  # a row again: a duplicate key
        table.append(list(draw(st.sampled_from(table))))
    return header, table


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheet=sheets(), bom=st.booleans(), baselines=st.booleans())
def test_metric_values_read_and_checked_a_column_at_a_time_match_the_reference(
    tmp_path, sheet, bom, baselines
):
    header, table = sheet
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *table])
    path = tmp_path / "metric_values.csv"
    path.write_text(text.getvalue(), encoding="utf-8-sig" if bom else "utf-8")

    workbook = read_workbook(path)
    raw = workbook.sheets.get("metric_values")
    if raw is None:  # the header was refused: nothing else is read
        assert workbook.messages
        assert all(m.row == 1 for m in workbook.messages)
        return
    assert raw.columns == header  # the byte order mark is not part of the first name
    written = list(csv.reader(io.StringIO(text.getvalue(), newline="")))
    messages: list[Message] = []
    reference = RawSheet(raw.name, raw.source, raw.columns)
    expected_rows = reference_rows(reference, written[1:], messages)
    assert raw.rows == expected_rows
    assert workbook.messages == messages
    reference.numbers = [number for number, _ in expected_rows]
    reference.cells = {
        name: [cells[name] for _, cells in expected_rows] for name in raw.columns if name
    }

    known = Known(
        areas={"E10000016", "E06000035"},
        metrics=METRICS,
        lengths=LENGTHS,
        baselines={("E10000016", "admissions")} if baselines else set(),
    )
    fast = _Checker(workbook, known).run()
    slow = ReferenceChecker(
        RawWorkbook(workbook.source, {raw.name: reference}, messages), known
    ).run()
    assert fast.messages == slow.messages
    assert [(r.row, r.values, r.warnings) for r in fast.rows("metric_values")] == [
        (r.row, r.values, r.warnings) for r in slow.rows("metric_values")
    ]
    for record in fast.rows("metric_values"):  # the published value kept as a number
        assert record["value"] is None or type(record["value"]) is float
