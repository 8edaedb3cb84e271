"""The generated parts of the documentation: current with the code, and written as specified."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bettercare.core.periods import Month
from bettercare.core.summary import AwaitingData, MetricSpec, Observation, summarise_metric
from bettercare.docs import (
    REGENERATE,
    column_row,
    contract_key_table,
    main,
    render,
    sheet_reference,
    stale_docs,
    write_docs,
)
from bettercare.web.performance.contract import KEYS, metric_json
from bettercare.web.performance.contract_keys import CONTRACT_KEYS, contract_key_names
from bettercare.workbook.schema import SHEETS_BY_NAME, Column

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_docs_are_what_the_code_says():
    stale = [str(path.relative_to(DOCS.parent)) for path in stale_docs(DOCS)]
    assert stale == [], (
        f"{', '.join(stale)} differ from the code's specs: run `{REGENERATE}` and commit the result"
    )


# -- the workbook's sheet reference ----------------------------------------------------------


def test_a_column_row_is_bold_when_required_and_carries_its_note():
    assert column_row(Column("area_code", "area_code", True)) == "| **area_code** | area code |"
    assert column_row(Column("period", "month", True, note="`YYYY-MM`")) == (
        "| **period** | month: `YYYY-MM` |"
    )
    assert column_row(Column("as_at", "date")) == "| as_at | date |"


def test_a_sheet_reference_has_heading_description_key_and_columns():
    assert sheet_reference(SHEETS_BY_NAME["achievements"]) == (
        "### `achievements`\n"
        "\n"
        "Key achievements of the period. Key: `area_code`, `period`, `text`.\n"
        "\n"
        "| column | type |\n"
        "|---|---|\n"
        "| **area_code** | area code |\n"
        "| **period** | month |\n"
        "| **text** | text |"
    )


# -- the metrics JSON contract ---------------------------------------------------------------


def test_the_key_table_has_one_row_per_key_group_in_order():
    lines = contract_key_table().splitlines()
    assert lines[:2] == ["| key | type | meaning |", "|---|---|---|"]
    assert len(lines) == 2 + len(CONTRACT_KEYS) == 2 + 17  # 20 keys, three pairs share a row
    assert lines[4] == (
        "| `period_start`, `period_end` | date (ISO) | the period of the latest actual value; "
        "awaiting data, the period the first value will cover |"
    )


def test_the_specified_keys_are_the_contract_keys():
    assert contract_key_names() == KEYS


SPEC = MetricSpec("kent_admissions", "Emergency admissions", "rate", 100_000.0, "lower_is_better")


def test_a_measured_metric_has_exactly_the_specified_keys_in_order():
    actuals = [
        Observation(month.first_day, month.last_day, numerator=150.0 + n, denominator=100_000.0)
        for n, month in enumerate(Month(2017, 4) + offset for offset in range(5))
    ]
    target = Observation(date(2017, 4, 1), date(2018, 3, 31), value=140.0)
    summary = summarise_metric(SPEC, actuals, [target], Month(2017, 8))
    assert summary is not None
    assert list(metric_json(summary, "A note")) == list(contract_key_names())


def test_a_metric_awaiting_data_has_exactly_the_specified_keys_in_order():
    awaiting = AwaitingData(SPEC, date(2017, 8, 1), date(2017, 8, 31), None, None, None)
    assert list(metric_json(awaiting)) == list(contract_key_names())


# -- writing between the markers -------------------------------------------------------------

BLOCKS = {"one": "First table", "two": "Second table"}


def marked(name: str, body: str) -> str:
    return f"<!-- generated:{name} start -->\n{body}\n<!-- generated:{name} end -->"


def test_render_replaces_the_generated_parts_and_keeps_the_prose():
    text = (
        f"# Title\n\nProse.\n\n{marked('one', 'old')}\n\nMiddle.\n\n{marked('two', '')}\n\nEnd.\n"
    )
    assert render(text, BLOCKS) == (
        f"# Title\n\nProse.\n\n{marked('one', 'First table')}\n\nMiddle.\n\n"
        f"{marked('two', 'Second table')}\n\nEnd.\n"
    )


def test_render_adds_a_new_part_after_the_last_and_drops_one_the_code_no_longer_has():
    text = f"Prose.\n\n{marked('one', 'old')}\n\n{marked('gone', 'old')}\n\nEnd.\n"
    assert render(text, BLOCKS) == (
        f"Prose.\n\n{marked('one', 'First table')}\n\n{marked('two', 'Second table')}\n\nEnd.\n"
    )


def test_render_refuses_a_text_without_markers():
    with pytest.raises(ValueError, match="no generated parts"):
        render("# Title\n\nProse only.\n", BLOCKS)


def test_the_check_names_a_stale_document_and_how_to_regenerate_it(tmp_path, capsys):
    for name in ("workbook.md", "metrics-json.md"):
        (tmp_path / name).write_text((DOCS / name).read_text(encoding="utf-8"), encoding="utf-8")
    stale = tmp_path / "metrics-json.md"
    stale.write_text(stale.read_text().replace("| `name` | string |", "| `name` | text |"))

    assert main(["--check", "--docs", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"{stale} is out of date with the code: run `python -m bettercare.docs` and commit it\n"
    )
    assert write_docs(tmp_path) == [stale]
    assert stale.read_text() == (DOCS / "metrics-json.md").read_text()
    assert main(["--check", "--docs", str(tmp_path)]) == 0
