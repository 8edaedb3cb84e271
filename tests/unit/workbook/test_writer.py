"""Writing a workbook: the format's sheets and columns; reading back exactly what was written."""

import csv
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bettercare.core.periods import FinancialYear, Month
from bettercare.workbook import SHEETS_BY_NAME, read_workbook, validate_workbook, write_workbook

KENT = {"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB"}


def test_csv_folder_has_the_sheets_with_rows_and_exactly_their_columns(tmp_path):
    written = write_workbook(
        tmp_path / "out",
        {
            "programme": [KENT],
            "themes": [],
            "funding": [
                {
                    "area_code": "E10000016",
                    "financial_year": FinancialYear(2017),
                    "stream": "BCF",
                    "budget": Decimal("1250000.50"),
                    "as_at": date(2017, 8, 31),
                    "not_a_column": "ignored",
                }
            ],
        },
    )
    assert written == tmp_path / "out"
    assert sorted(p.name for p in written.iterdir()) == ["funding.csv", "programme.csv"]
    assert (written / "funding.csv").read_text(encoding="utf-8") == (
        "area_code,financial_year,stream,organisation,budget,minimum_contribution,"
        "forecast_outturn,as_at,pooled,part_of,passported_to\n"
        "E10000016,2017-18,BCF,,1250000.50,,,2017-08-31,,,\n"
    )
    assert (written / "programme.csv").read_text(encoding="utf-8") == (
        "area_code,area_name,area_type,parent_code,programme_name,local_authority,commissioners,"
        "valid_from,valid_to\n"
        "E10000016,Kent,HWB,,,,,,\n"
    )


def test_programme_sheet_is_always_written(tmp_path):
    written = write_workbook(tmp_path / "out", {})
    assert [p.name for p in written.iterdir()] == ["programme.csv"]
    assert (written / "programme.csv").read_text(encoding="utf-8").count("\n") == 1


def test_xlsx_holds_typed_cells_in_the_format_order(tmp_path):
    path = write_workbook(
        tmp_path / "nested" / "out.xlsx",
        {
            "schemes": [
                {
                    "area_code": "E10000016",
                    "ref": "1",
                    "name": "=Rapid response",
                    "enabler": True,
                    "start_date": date(2014, 4, 1),
                    "metrics_impacted": ("skc_dtoc", "skc_eq5d"),
                }
            ],
            "programme": [KENT],
            "metric_values": [
                {
                    "area_code": "E10000016",
                    "metric_code": "skc_dtoc",
                    "period_start": date(2012, 4, 1),
                    "period_end": date(2013, 3, 31),
                    "kind": "baseline",
                    "numerator": 13.0,
                    "value": 38.5,
                }
            ],
        },
    )
    book = load_workbook(path)
    assert book.sheetnames == ["programme", "schemes", "metric_values"]
    schemes = book["schemes"]
    # Every column but the older workbooks' commissioner and provider (ADR 0120).
    assert [c.value for c in schemes[1]] == [
        name
        for name in SHEETS_BY_NAME["schemes"].column_names
        if name not in ("commissioner", "provider")
    ]
    assert [c.value for c in schemes[2]] == [
        "E10000016",
        "1",
        "=Rapid response",
        None,
        None,
        "Y",
        datetime(2014, 4, 1),
        None,
        "skc_dtoc;skc_eq5d",
        None,  # the description's headings (ADR 0113), blank here
        None,
        None,
        None,
        None,
    ]
    assert schemes["C2"].data_type == "s"  # text, not a formula
    assert schemes["G2"].number_format == "yyyy-mm-dd"
    assert schemes["A1"].font.bold
    values = book["metric_values"]
    assert (values["F2"].value, values["H2"].value) == (13, 38.5)


# -- any valid row reads back as written ----------------------------------------------------

# What an .xlsx cell can hold: no control characters (but line breaks and tabs), surrogates or
# the noncharacters U+FFFE and U+FFFF, which the writer leaves out (see the next test).
xlsx_safe = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc"),
    include_characters="\n\t",
    exclude_characters="\ufffe\uffff",
)
text = st.text(xlsx_safe, min_size=1, max_size=40).filter(lambda t: t == t.strip())
codes = text.filter(lambda t: ";" not in t)
area_codes = st.from_regex(r"[EWSN][0-9]{8}", fullmatch=True)
days = st.dates(min_value=date(1900, 3, 1))  # Excel has no dates before 1900
money = st.integers(-(10**14) + 1, 10**14 - 1).map(lambda p: Decimal(p).scaleb(-2))
amounts = st.integers(0, 10**14 - 1).map(lambda p: Decimal(p).scaleb(-2))  # never negative
counts = st.floats(min_value=0, max_value=1e12, allow_nan=False)
optional = st.none().__or__


@st.composite
def period(draw):
    start = draw(days)
    end = draw(st.dates(min_value=start))
    return start, end


@st.composite
def workbook_rows(draw):
    area = draw(area_codes)
    scheme = draw(codes)
    metric = draw(codes)
    start, end = draw(period())
    rows = {
        "programme": [
            {
                "area_code": area,
                "area_name": draw(text),
                "area_type": draw(st.sampled_from(["HWB", "ICB", "region"])),
                "parent_code": None,
                "programme_name": draw(optional(text)),
                "local_authority": draw(optional(text)),
                "commissioners": draw(optional(text)),
                "valid_from": draw(optional(days)),
                "valid_to": None,
            }
        ],
        "funding": [
            {
                "area_code": area,
                "financial_year": FinancialYear(draw(st.integers(1901, 9998))),
                "stream": draw(text),
                "organisation": draw(optional(text)),
                "budget": draw(amounts),
                "minimum_contribution": draw(optional(amounts)),
                "forecast_outturn": draw(optional(amounts)),
                "as_at": draw(optional(days)),
                "pooled": draw(st.booleans()),
                "part_of": None,
                "passported_to": None,
            }
        ],
        "schemes": [
            {
                "area_code": area,
                "ref": scheme,
                "name": draw(text),
                "theme_code": None,
                "lead": draw(optional(text)),
                "enabler": draw(st.booleans()),
                "start_date": draw(optional(days)),
                "description": draw(optional(text)),
                "metrics_impacted": draw(st.sampled_from([(), (metric,)])),
                "strategic_objective": draw(optional(text)),
                "target_cohorts": draw(optional(text)),
                "evidence_base": draw(optional(text)),
                "outcomes": draw(optional(text)),
                "success_factors": draw(optional(text)),
                # Older workbooks' columns (ADR 0120): never written, so read back blank.
                "commissioner": None,
                "provider": None,
            }
        ],
        "scheme_delivery_chain": [
            {
                "area_code": area,
                "scheme_ref": scheme,
                "organisation": draw(text),
                "role": draw(st.sampled_from(["commissioner", "provider", "partner"])),
                "responsibility": draw(optional(text)),
            }
        ],
        "scheme_investment": [
            {
                "area_code": area,
                "scheme_ref": scheme,
                "financial_year": FinancialYear(draw(st.integers(1901, 9998))),
                "amount": draw(amounts),
            }
        ],
        "scheme_kpis": [
            {
                "area_code": area,
                "scheme_ref": scheme,
                "kpi": draw(text),
                "level": draw(st.sampled_from(["practice", "locality", "area"])),
                "target": draw(optional(st.floats(0, 100, allow_nan=False))),
                "unit": draw(optional(st.sampled_from(["%", "referrals"]))),
                "cadence": draw(st.sampled_from(["weekly", "biweekly", "monthly", "quarterly"])),
                "reported_to": draw(optional(text)),
            }
        ],
        "metrics": [
            {
                "code": metric,
                "name": draw(text),
                "unit": "count",
                "multiplier": draw(st.integers(1, 10**6)),
                "polarity": draw(st.sampled_from(["lower_is_better", "higher_is_better"])),
                "frequency": draw(st.sampled_from(["month", "quarter", "year"])),
                "parent_code": None,
                "description": draw(optional(text)),
            }
        ],
        "metric_values": [
            {
                "area_code": area,
                "metric_code": metric,
                "period_start": start,
                "period_end": end,
                "kind": draw(st.sampled_from(["baseline", "actual", "forecast"])),
                "numerator": draw(counts),
                "denominator": draw(optional(counts.filter(bool))),
                "value": draw(optional(counts)),
                "note": draw(optional(text)),
                "source": draw(optional(text)),
                "sum_of_squares": None,  # checked against the unit: see test_validate
            }
        ],
        "risks": [
            {
                "area_code": area,
                "ref": draw(codes),
                "title": draw(text),
                "description": draw(optional(text)),
                "mitigation": draw(optional(text)),
                "owner": draw(optional(text)),
                "likelihood": draw(optional(st.integers(1, 5))),
                "impact": draw(optional(st.integers(1, 5))),
                "previous_score": draw(optional(st.integers(1, 25))),
                "rating": draw(optional(st.sampled_from(["high", "medium", "low"]))),
                "scheme_ref": draw(optional(st.just(scheme))),
                "as_at": draw(optional(days)),
            }
        ],
        "status_updates": [
            {
                "area_code": area,
                "period": Month(draw(st.integers(1900, 9999)), draw(st.integers(1, 12))),
                "scheme_ref": scheme,
                "dimension": "finance",
                "status": draw(st.sampled_from(["G", "A", "R", "NA"])),
                "commentary": draw(text),
                "additional_information": draw(optional(text)),
                "start_date": draw(optional(days)),
                "forecast_outturn": draw(optional(amounts)),
                "savings_achieved": draw(optional(amounts)),
            }
        ],
        "assurance": [
            {
                "area_code": area,
                "round": draw(text),
                "criterion": draw(text),
                "status": draw(st.sampled_from(["G", "A", "R", "Y", "N"])),
                "comment": draw(optional(text)),
                "qualified": (qualified := draw(optional(st.booleans()))),
                # A qualified answer has its footnote (the validator refuses one without).
                "footnote": draw(text.filter(str.strip) if qualified else optional(text)),
            }
        ],
    }
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbook_rows(), st.sampled_from(["plan.xlsx", "plan"]))
def test_any_valid_row_reads_back_as_written(rows, name):
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(Path(folder) / name, rows)
        validated = validate_workbook(read_workbook(path))
    assert validated.errors == []
    for sheet, expected in rows.items():
        [record] = validated.rows(sheet)
        assert record.values == expected[0], sheet


def test_csv_cells_with_quotes_commas_and_line_breaks_read_back(tmp_path):
    name = 'Kent, "East"\r\nand\rcoast\n'.strip()
    path = write_workbook(tmp_path / "out", {"programme": [{**KENT, "area_name": name}]})
    with (path / "programme.csv").open(newline="", encoding="utf-8") as file:
        assert list(csv.reader(file))[1][1] == name
    [record] = validate_workbook(read_workbook(path)).rows("programme")
    assert record["area_name"] == name


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "'=already", "''"]


def test_csv_text_a_spreadsheet_would_evaluate_is_neutralised_and_read_back(tmp_path):
    rows = [
        {**KENT, "area_code": f"E1000{index:04d}", "area_name": name}
        for index, name in enumerate(FORMULAS)
    ]
    path = write_workbook(tmp_path / "out", {"programme": rows})
    with (path / "programme.csv").open(newline="", encoding="utf-8") as file:
        written = [row[1] for row in list(csv.reader(file))[1:]]
    assert written == ["'" + name for name in FORMULAS]
    assert not any(cell[0] in "=+-@\t\r" for cell in written)
    read = [
        record["area_name"] for record in validate_workbook(read_workbook(path)).rows("programme")
    ]
    assert read == FORMULAS


def test_negative_money_in_csv_stays_a_number(tmp_path):
    path = write_workbook(
        tmp_path / "out",
        {
            "programme": [KENT],
            "scheme_finance": [
                {
                    "area_code": "E10000016",
                    "scheme_ref": "S1",
                    "financial_year": FinancialYear(2017),
                    "line": "benefit",
                    "recurrent": Decimal("-5000.00"),
                }
            ],
        },
    )
    assert (path / "scheme_finance.csv").read_text().splitlines()[1] == (
        "E10000016,S1,2017-18,benefit,-5000.00,,"
    )


@given(st.text(max_size=20))
def test_neutralise_is_undone_by_restore_and_never_starts_a_formula(text):
    from bettercare.workbook.csvsafe import FORMULA_STARTS, neutralise, restore

    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe or safe[0] not in FORMULA_STARTS


def test_characters_an_xlsx_cannot_hold_are_left_out_rather_than_break_the_file(tmp_path):
    rows = {
        "programme": [{"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB"}],
        "achievements": [
            {"area_code": "E10000016", "period": Month(2017, 8), "text": "A\ufffeB\x07C\uffffD"}
        ],
    }
    path = write_workbook(tmp_path / "plan.xlsx", rows)
    [record] = validate_workbook(read_workbook(path)).rows("achievements")
    assert record["text"] == "ABCD"
