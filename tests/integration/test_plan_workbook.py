"""The plan's money and details in the workbook (ADR 0112): the pooled fund's structure, the
protection category of spend, pay for performance and the plan's details import, refuse bad
rows with one clear line each, and round-trip losslessly with every new field filled."""

import filecmp
import textwrap
from datetime import date
from decimal import Decimal

import pytest

from bettercare.web.finance.models import (
    Funding,
    NationalCondition,
    PayForPerformance,
    PerformancePayment,
    PlanDetails,
    PlanSignOff,
    SchemeFinance,
)
from bettercare.web.programmes.exports import export_workbook
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import Area
from tests.integration.test_workbook_import import RICH, csv_folder, wipe_programme_data

pytestmark = pytest.mark.django_db

PLAN = {
    **RICH,
    "funding": """\
        area_code,financial_year,stream,organisation,budget,minimum_contribution,forecast_outturn,as_at,pooled,part_of,passported_to
        E10000016,2017-18,BCF,Kent County Council,"£2,500,000","£2,000,000","£2,512,345.67",2017-08-31,Y,,
        E10000016,2017-18,DFG,,"£300,000",,,,Y,BCF,Kent district councils
        E10000016,2017-18,iBCF,,"£500,000",,,,N,,
    """,
    "scheme_finance": """\
        area_code,scheme_ref,financial_year,line,recurrent,non_recurrent,protection
        E10000016,BCF 1,2017-18,spend,"2,000,000","250,000",nhs_out_of_hospital
        E10000016,BCF 1,2017-18,benefit,"-125,000",,
        E10000016,BCF 2,2017-18,spend,"500,000",,Social care maintenance
        E10000016,BCF 3,2017-18,spend,"200,000","50,000",
    """,
    "pay_for_performance": """\
        area_code,financial_year,metric,planned_savings,maximum_support,ongoing_savings,ongoing_support,reduction,unit_cost,periods,basis
        E10000016,2015-16,Admissions to residential and care homes,"468,000","468,000","468,000","468,000",12,750,52,"£750 nursing care cost per week, as per the CHC team"
        E10000016,2015-16,Delayed transfers of care,0,0,0,0,,,,"Assume that beds will be filled by additional patients, therefore no savings"
    """,
    "performance_payments": """\
        area_code,financial_year,period,covers,available,planned_reduction,achieved_reduction
        E10000016,2015-16,April 2015 payment,April - December 2014,"£234,000",6,4.5
        E10000016,2015-16,October 2015 payment,January - June 2015,"£234,000",6,
    """,
    "plan_details": """\
        area_code,financial_year,hwb_agreed_on,hwb_note,submitted_on,approved_on
        E10000016,2015-16,2014-02-12,1st draft,2014-03-13,2014-10-30
    """,
    "plan_sign_offs": """\
        area_code,financial_year,on_behalf_of,signed_by,position,signed_on
        E10000016,2015-16,NHS South Kent Coast CCG,Hazel Carpenter,Accountable Officer,2014-02-03
        E10000016,2015-16,Kent County Council,,,
    """,
    "national_conditions": """\
        area_code,financial_year,condition,met,statement
        E10000016,2015-16,Protecting social care services,Y,"By managing to reable people back to a level of care that means they can manage in the community."
        E10000016,2015-16,Data sharing,N,"NHS number in 80% of social care records; the rest by March 2015."
    """,
}


@pytest.fixture
def plan(tmp_path):
    return csv_folder(tmp_path / "kent-plan", **PLAN)


def test_the_plan_sheets_import_every_field(plan, importer):
    result = import_workbook(plan, by=importer)
    assert result.errors == [], [str(m) for m in result.errors]
    dfg = Funding.objects.get(stream="DFG")
    assert (dfg.pooled, dfg.part_of, dfg.passported_to) == (True, "BCF", "Kent district councils")
    assert Funding.objects.get(stream="iBCF").pooled is False
    assert sorted(SchemeFinance.objects.values_list("protection", flat=True)) == [
        "",
        "",
        "nhs_out_of_hospital",
        "social_care",
    ]
    homes = PayForPerformance.objects.get(metric__startswith="Admissions")
    assert (homes.planned_savings, homes.reduction, homes.unit_cost, homes.periods) == (
        468_000,
        12,
        750,
        52,
    )
    april = PerformancePayment.objects.get(period="April 2015 payment")
    assert (april.available, april.achieved_reduction) == (234_000, Decimal("4.5"))
    details = PlanDetails.objects.get()
    assert (details.hwb_agreed_on, details.hwb_note) == (date(2014, 2, 12), "1st draft")
    assert PlanSignOff.objects.get(signed_by="Hazel Carpenter").position == "Accountable Officer"
    assert list(NationalCondition.objects.values_list("met", flat=True)) == [True, False]
    entry = NationalCondition.objects.get(condition="Data sharing").history.get()
    assert entry.history_user == importer


def test_round_trip_with_every_plan_field_filled(plan, importer, tmp_path):
    assert import_workbook(plan, by=importer).ok
    kent = Area.objects.get(code="E10000016")
    first = export_workbook(kent, tmp_path / "first")
    workbook = export_workbook(kent, tmp_path / "kent.xlsx")
    again = import_workbook(workbook, by=importer)
    assert again.errors == []
    assert sum(c.created + c.updated for c in again.counts.values()) == 0
    wipe_programme_data()
    assert import_workbook(workbook, by=importer).errors == []
    second = export_workbook(Area.objects.get(code="E10000016"), tmp_path / "second")
    names = sorted(p.name for p in first.iterdir())
    assert {
        "pay_for_performance.csv",
        "performance_payments.csv",
        "plan_details.csv",
        "plan_sign_offs.csv",
        "national_conditions.csv",
    } <= set(names)
    assert filecmp.cmpfiles(first, second, names, shallow=False) == (names, [], [])
    assert (first / "pay_for_performance.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "E10000016,2015-16,Admissions to residential and care homes,468000.00,468000.00,"
        '468000.00,468000.00,12,750.00,52,"£750 nursing care cost per week, as per the CHC team"'
    )
    funding = (first / "funding.csv").read_text(encoding="utf-8").splitlines()
    assert [line.rsplit(",", 3)[1:] for line in funding] == [
        ["pooled", "part_of", "passported_to"],
        ["Y", "", ""],
        ["Y", "BCF", "Kent district councils"],
        ["N", "", ""],
    ]


BAD = [
    (
        "funding",
        """\
        area_code,financial_year,stream,budget,part_of
        E10000016,2017-18,BCF,"£100",
        E10000016,2017-18,DFG,"£300",BCF
        """,
        "error: funding.csv, sheet funding, row 3, column part_of: the parts of BCF add up to "
        "£300, more than its budget of £100 (got 'BCF'); expected a stream of the pooled fund "
        "that year, or blank",
    ),
    (
        "scheme_finance",
        """\
        area_code,scheme_ref,financial_year,line,recurrent,protection
        E10000016,BCF 1,2017-18,spend,100,housing
        """,
        "error: scheme_finance.csv, sheet scheme_finance, row 2, column protection: is not a "
        "protection category (got 'housing'); expected nhs_out_of_hospital or social_care "
        "(or blank)",
    ),
    (
        "pay_for_performance",
        """\
        area_code,financial_year,metric,planned_savings,maximum_support,reduction,unit_cost,periods
        E10000016,2015-16,Care homes,"460,000","468,000",12,750,52
        """,
        "error: pay_for_performance.csv, sheet pay_for_performance, row 2, column "
        "planned_savings: £460,000.00 is not the basis 12 x £750 x 52 = £468,000.00 (got "
        "'460,000'); expected reduction x unit cost x periods",
    ),
    (
        "national_conditions",
        """\
        area_code,financial_year,condition,met,statement
        E10000016,2015-16,Data sharing,N,
        """,
        "error: national_conditions.csv, sheet national_conditions, row 2, column statement: "
        "'Data sharing' is marked not met, so its statement must say why and by when it will "
        "be met; expected the plan's statement for the condition",
    ),
    (
        "plan_sign_offs",
        """\
        area_code,financial_year,on_behalf_of,signed_by,signed_on
        E10000016,2015-16,Kent County Council,,2014-02-03
        """,
        "error: plan_sign_offs.csv, sheet plan_sign_offs, row 2, column signed_by: signed on "
        "03 February 2014 by nobody; name the signatory; expected the signatory and a date",
    ),
]


@pytest.mark.parametrize(("sheet", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_plan_row_is_refused_with_one_line_and_nothing_written(
    sheet, text, message, importer, tmp_path
):
    folder = csv_folder(tmp_path / "bad", **{**RICH, sheet: textwrap.dedent(text)})
    result = import_workbook(folder, by=importer)
    assert [str(m) for m in result.errors] == [message]
    assert not Area.objects.filter(code="E10000016").exists()


def test_south_kent_coasts_pay_for_performance_and_plan_details(south_kent_coast, importer):
    """Seed 002's figures: planned savings against the maximum support needed, each saving's
    basis (12 x £750 x 52 = £468,000), the plan's dates, sign-off and national conditions."""
    result = import_workbook(south_kent_coast, by=importer)
    assert result.errors == []
    lines = {p.metric: p for p in PayForPerformance.objects.all()}
    assert {m: (p.planned_savings, p.maximum_support) for m, p in lines.items()} == {
        "Admissions to residential and care homes": (468_000, 468_000),
        "Effectiveness of reablement": (42_000, 42_000),
        "Delayed transfers of care": (0, 0),
        "Avoidable emergency admissions": (19_650, 19_650),
        "Patient and service user experience": (0, 0),
    }
    homes = lines["Admissions to residential and care homes"]
    assert (homes.reduction, homes.unit_cost, homes.periods) == (12, 750, 52)
    details = PlanDetails.objects.get()
    assert (details.hwb_agreed_on, details.hwb_note, details.submitted_on) == (
        date(2014, 2, 12),
        "1st draft",
        date(2014, 3, 13),
    )
    ccg = PlanSignOff.objects.get(signed_by="Hazel Carpenter")
    assert (ccg.on_behalf_of, ccg.position, ccg.signed_on) == (
        "NHS South Kent Coast CCG",
        "Accountable Officer",
        date(2014, 2, 3),
    )
    assert dict(NationalCondition.objects.values_list("condition", "met")) == {
        "a) Protecting social care services": True,
        "b) 7 day services to support discharge": True,
        "c) Data sharing": False,
        "d) Joint assessment and accountable lead professional": True,
    }
