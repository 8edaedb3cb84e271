"""A signed-off period is read-only: re-importing it unchanged is fine, changing it is refused."""

import textwrap

import pytest

from bettercare.core.periods import Month
from bettercare.web.programmes.actions import period_open, period_sign_off, period_submit
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import Area, SchemeStatus

pytestmark = pytest.mark.django_db

SHEETS = {
    "programme": """\
        area_code,area_name,area_type,parent_code,programme_name,local_authority,commissioners
        E06000017,Rutland,HWB,,Rutland BCF,Rutland County Council,
    """,
    "schemes": """\
        area_code,ref,name,theme_code,lead,enabler,start_date,description,metrics_impacted
        E06000017,BCF 1,Rapid response,,A Lead,N,2016-04-01,,
    """,
    "status_updates": """\
        area_code,period,scheme_ref,dimension,status,commentary,additional_information
        E06000017,2017-08,BCF 1,savings,G,,
        E06000017,2017-08,BCF 1,milestones,A,Night nursing two weeks late,
        E06000017,2017-08,BCF 1,finance,G,,
        E06000017,2017-08,BCF 1,metrics,G,,
    """,
}


def write(folder, sheets):
    folder.mkdir(exist_ok=True)
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text))
    return folder


def test_identical_rows_reimport_but_changes_are_refused(tmp_path, importer):
    workbook = write(tmp_path / "return", SHEETS)
    assert import_workbook(workbook, by=importer).ok
    period = period_open(area=Area.objects.get(code="E06000017"), month=Month(2017, 8), by=importer)
    period_sign_off(period=period_submit(period=period, by=importer), by=importer)

    again = import_workbook(workbook, by=importer)
    assert again.ok, [str(m) for m in again.errors]
    assert again.counts["status_updates"].unchanged == 4

    changed = dict(SHEETS)
    changed["status_updates"] = SHEETS["status_updates"].replace(
        "Night nursing two weeks late", "Night nursing three weeks late"
    )
    refused = import_workbook(write(tmp_path / "changed", changed), by=importer)
    assert [str(m) for m in refused.errors] == [
        "error: status_updates.csv, sheet status_updates, row 3, column period: is signed off, "
        "so it can no longer be changed (got '2017-08'); expected an open or submitted "
        "reporting period"
    ]
    assert SchemeStatus.objects.get(dimension="milestones").commentary == (
        "Night nursing two weeks late"
    )


def test_a_signed_off_returns_figures_are_compared_only_where_the_workbook_has_them(
    tmp_path, importer
):
    figures = dict(SHEETS)
    figures["status_updates"] = (
        SHEETS["status_updates"]
        .replace("additional_information\n", "additional_information,forecast_outturn\n")
        .replace("finance,G,,\n", "finance,G,,,98000\n")
        .replace(",,\n", ",,,\n")
        .replace("two weeks late,\n", "two weeks late,,\n")
    )
    workbook = write(tmp_path / "figures", figures)
    assert import_workbook(workbook, by=importer).ok
    period = period_open(area=Area.objects.get(code="E06000017"), month=Month(2017, 8), by=importer)
    period_sign_off(period=period_submit(period=period, by=importer), by=importer)

    # The same figures, written 98000.00: unchanged. A workbook without the column: unchanged.
    same = write(tmp_path / "same", {**figures, "status_updates": figures["status_updates"]
                                      .replace(",98000\n", ",98000.00\n")})  # fmt: skip
    assert import_workbook(same, by=importer).ok
    assert import_workbook(write(tmp_path / "old", SHEETS), by=importer).ok
    assert SchemeStatus.objects.get(dimension="finance").forecast_outturn == 98000

    changed = write(tmp_path / "changed", {**figures, "status_updates": figures["status_updates"]
                                           .replace(",98000\n", ",99000\n")})  # fmt: skip
    refused = import_workbook(changed, by=importer)
    assert [m.column for m in refused.errors] == ["period"]
    assert SchemeStatus.objects.get(dimension="finance").forecast_outturn == 98000
