"""Write the parts of the documentation that the code already says, and check they are current.

The workbook's sheet reference (``docs/workbook.md``) comes from the sheet and column specs of
``bettercare.workbook.schema``; the key table of the metrics JSON contract
(``docs/metrics-json.md``) from ``bettercare.web.performance.contract_keys``. Each generated
part sits between two markers::

    <!-- generated:NAME start -->
    ...
    <!-- generated:NAME end -->

and the prose around them is written by hand. ``python -m bettercare.docs`` rewrites the
generated parts; ``python -m bettercare.docs --check`` changes nothing and exits 1 naming the
documents that differ from what it would write (the test suite runs the check).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bettercare.web.performance.contract_keys import CONTRACT_KEYS
from bettercare.workbook.schema import SHEETS, Column, Sheet

#: The repository's ``docs`` folder (bettercare is installed from its checkout).
DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "python -m bettercare.docs"

_BLOCK = re.compile(
    r"<!-- generated:(?P<name>[\w-]+) start -->\n.*?<!-- generated:(?P=name) end -->",
    re.DOTALL,
)


def _start(name: str) -> str:
    return f"<!-- generated:{name} start -->"


def _end(name: str) -> str:
    return f"<!-- generated:{name} end -->"


def _codes(names: Sequence[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def column_row(column: Column) -> str:
    """A column's row of its sheet's table: required columns in bold."""
    name = f"**{column.name}**" if column.required else column.name
    kind = column.type.replace("_", " ")
    return f"| {name} | {kind}{': ' + column.note if column.note else ''} |"


def sheet_reference(sheet: Sheet) -> str:
    """A sheet's heading, description, natural key and table of columns."""
    lines = [
        f"### `{sheet.name}`",
        "",
        f"{sheet.description}. Key: {_codes(sheet.key)}.",
        "",
        "| column | type |",
        "|---|---|",
        *(column_row(column) for column in sheet.columns),
    ]
    return "\n".join(lines)


def contract_key_table() -> str:
    """The key table of the metrics JSON contract."""
    lines = ["| key | type | meaning |", "|---|---|---|"]
    lines += [f"| {_codes(key.names)} | {key.type} | {key.meaning} |" for key in CONTRACT_KEYS]
    return "\n".join(lines)


def workbook_blocks() -> dict[str, str]:
    return {f"workbook-sheet-{sheet.name}": sheet_reference(sheet) for sheet in SHEETS}


def contract_blocks() -> dict[str, str]:
    return {"metrics-json-keys": contract_key_table()}


@dataclass(frozen=True, slots=True)
class GeneratedDoc:
    """A document and the generated parts it holds, by marker name, in order."""

    path: str
    blocks: Callable[[], dict[str, str]]


GENERATED_DOCS: tuple[GeneratedDoc, ...] = (
    GeneratedDoc("workbook.md", workbook_blocks),
    GeneratedDoc("metrics-json.md", contract_blocks),
)


def render(text: str, blocks: dict[str, str]) -> str:
    """``text`` with each generated part replaced by its block.

    A block the text has no markers for yet (a new sheet) goes after the last generated part,
    so that the next run keeps it in place; a generated part the code no longer has is
    removed. Without any markers the text cannot say where its blocks belong: a ``ValueError``.
    """
    found = [match.group("name") for match in _BLOCK.finditer(text)]
    if not found:
        raise ValueError(
            f"text has no generated parts: expected markers such as {_start(next(iter(blocks)))!r}"
        )

    kept = [name for name in found if name in blocks]
    last = kept[-1] if kept else found[-1]

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        block = f"{_start(name)}\n{blocks[name]}\n{_end(name)}" if name in blocks else ""
        if name == last:
            block += "".join(
                f"\n\n{_start(new)}\n{blocks[new]}\n{_end(new)}"
                for new in blocks
                if new not in found
            )
        return block

    rendered = _BLOCK.sub(replace, text)
    return re.sub(r"\n{3,}", "\n\n", rendered)


def stale_docs(docs: Path = DOCS) -> list[Path]:
    """The generated documents under ``docs`` that differ from what the code says."""
    return [
        docs / doc.path
        for doc in GENERATED_DOCS
        if (docs / doc.path).read_text(encoding="utf-8")
        != render((docs / doc.path).read_text(encoding="utf-8"), doc.blocks())
    ]


def write_docs(docs: Path = DOCS) -> list[Path]:
    """Rewrite the generated parts of the documents under ``docs``; the documents changed."""
    changed = stale_docs(docs)
    for path in changed:
        doc = next(doc for doc in GENERATED_DOCS if docs / doc.path == path)
        path.write_text(render(path.read_text(encoding="utf-8"), doc.blocks()), encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bettercare.docs", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a document is stale"
    )
    parser.add_argument("--docs", type=Path, default=DOCS, help="the docs folder (%(default)s)")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_docs(args.docs)
        for path in stale:
            print(
                f"{path} is out of date with the code: run `{REGENERATE}` and commit it",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path in write_docs(args.docs):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
