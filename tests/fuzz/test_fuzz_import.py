"""Fuzzing the workbook reader, validator and import: whatever the file, the answer is
success or one-line errors, never a traceback, and a failed import changes nothing.

Bounded in `make test` (``BETTERCARE_FUZZ_EXAMPLES``, default 25 per test); run more with e.g.
``BETTERCARE_FUZZ_EXAMPLES=2000 uv run pytest tests/fuzz``.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bettercare.workbook import WorkbookError, read_workbook, validate_workbook

EXAMPLES = int(os.environ.get("BETTERCARE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

PROGRAMME = "area_code,area_name,area_type\nE10000016,Kent,HWB\n"
MILESTONES = "area_code,ref,title,baseline_date\nE10000016,M1,Open the hub,2017-09-30\n"
FUNDING = "area_code,financial_year,stream,budget\nE10000016,2017-18,BCF,1000\n"


def valid_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "programme"
    for line in PROGRAMME.splitlines():
        sheet.append(line.split(","))
    milestones = book.create_sheet("milestones")
    for line in MILESTONES.splitlines():
        milestones.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_XLSX = valid_xlsx()


def check_outcome(path: Path) -> None:
    """Reading and validating ``path``: a result whose messages are one line, or one line."""
    try:
        validated = validate_workbook(read_workbook(path))
    except WorkbookError as error:
        refusal = str(error)
    else:
        refusal = None
    if refusal is not None:
        assert refusal
        assert "\n" not in refusal
        return
    for message in validated.messages:
        assert "\n" not in str(message).replace("\\n", "")


@st.composite
def mutated_xlsx(draw) -> bytes:
    """The valid workbook with bytes flipped, cut short, or a member's XML mangled."""
    how = draw(st.sampled_from(["flip", "truncate", "member"]))
    data = bytearray(VALID_XLSX)
    if how == "flip":
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if how == "truncate":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    victim = draw(st.sampled_from(sorted(members)))
    content = members[victim]
    change = draw(st.sampled_from(["cut", "drop", "junk"]))
    if change == "cut":
        members[victim] = content[: draw(st.integers(0, max(0, len(content) - 1)))]
    elif change == "drop":
        del members[victim]
    else:
        members[victim] = draw(st.binary(max_size=200))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in members.items():
            target.writestr(name, body)
    return out.getvalue()


@FUZZ
@given(mutated_xlsx())
def test_a_damaged_xlsx_is_read_or_refused_in_one_line(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        path.write_bytes(data)
        check_outcome(path)


csv_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.builds(
    lambda base, cut, junk: base[:cut] + junk,
    st.sampled_from([PROGRAMME, MILESTONES, FUNDING]),
    st.integers(0, 80),
    st.text(max_size=40),
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["programme", "milestones", "funding", "risks", "metric_values", "x"]),
        csv_text | st.binary(max_size=100),
        max_size=4,
    )
)
def test_any_csv_folder_is_read_or_refused_in_one_line(files):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan"
        path.mkdir()
        for name, content in files.items():
            target = path / f"{name}.csv"
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        check_outcome(path)


def database_state():
    from django.apps import apps

    return {
        model.__name__: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("bettercare.")
    }


@pytest.mark.django_db
@FUZZ
@given(st.one_of(mutated_xlsx(), st.just(VALID_XLSX)))
def test_a_failed_import_changes_nothing(data):
    from bettercare.web.accounts.actions import command_line_user
    from bettercare.web.programmes.imports import import_workbook

    by = command_line_user()
    before = database_state()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        path.write_bytes(data)
        refusal = None
        try:
            result = import_workbook(path, by=by)
        except WorkbookError as error:
            refusal = str(error)
            written = False
        else:
            written = result.written
            assert all("\n" not in str(m) for m in result.errors)
    assert refusal is None or "\n" not in refusal
    if not written:
        assert database_state() == before
