"""The examples in the README run and print what the README says they print."""

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example(block):
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"README example failed:\n{block}"
    assert runner.tries > 0


def test_readme_starts_with_the_two_commands():
    head = README.read_text().split("## ")[0]
    assert "make run" in head
    assert "make test" in head


def test_the_workbook_document_lists_every_sheet_and_column():
    from bettercare.workbook.schema import SHEETS

    document = (README.parent / "docs" / "workbook.md").read_text()
    for sheet in SHEETS:
        assert f"### `{sheet.name}`" in document
        section = document.split(f"### `{sheet.name}`")[1].split("### ")[0]
        for column in sheet.columns:
            assert column.name in section, (sheet.name, column.name)


def test_the_metrics_json_document_lists_the_contract_keys():
    from bettercare.web.performance.contract import KEYS

    document = (README.parent / "docs" / "metrics-json.md").read_text()
    for key in KEYS:
        assert f"`{key}`" in document, key
