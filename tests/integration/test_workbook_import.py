"""Importing programme workbooks: all or nothing, idempotent, audited and lossless."""

import csv
import filecmp
import shutil
import textwrap
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from bettercare.web.accounts.models import User
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance
from bettercare.web.performance.models import Metric, MetricCommentary, MetricRebase, MetricValue
from bettercare.web.programmes import imports
from bettercare.web.programmes.exports import export_workbook, workbook_rows
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    Milestone,
    PlannedActivity,
    Programme,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
    SchemeStatus,
    Theme,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Area,
    Programme,
    Theme,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
    SchemeFinance,
    Funding,
    SavingsPlan,
    Metric,
    MetricValue,
    MetricCommentary,
    MetricRebase,
    Milestone,
    Risk,
    ReportingPeriod,
    SchemeStatus,
    ProgrammeStatus,
    Achievement,
    PlannedActivity,
    AssuranceRating,
)
SHEETS = (
    "programme",
    "funding",
    "savings",
    "themes",
    "schemes",
    "scheme_delivery_chain",
    "scheme_investment",
    "scheme_kpis",
    "scheme_finance",
    "metrics",
    "metric_values",
    "metric_commentary",
    "spc_rebase",
    "milestones",
    "risks",
    "status_updates",
    "programme_status",
    "achievements",
    "planned_activities",
    "assurance",
)


def csv_folder(folder, **sheets):
    """A folder of CSV files, one per keyword: sheet name = CSV text (dedented)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def edit_csv(path, row, column, value):
    """Set one cell of a CSV file: ``row`` as Excel numbers it (the header is row 1)."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def snapshot():
    """Every row of every model, and how many history entries each model has."""
    return {
        model.__name__: (
            list(model.objects.order_by("pk").values()),
            model.history.count(),
        )
        for model in MODELS
    } | {"scheme metrics": sorted(Scheme.metrics.through.objects.values_list())}


def counts(result):
    return {sheet: (c.created, c.updated, c.unchanged) for sheet, c in result.counts.items()}


def wipe_programme_data():
    """Delete every area and local metric, so that the database holds no programme."""
    for model in (
        Achievement,
        ProgrammeStatus,
        SchemeStatus,
        ReportingPeriod,
        Risk,
        Milestone,
        MetricValue,
        MetricCommentary,
        MetricRebase,
        SchemeFinance,
        Funding,
        SavingsPlan,
        SchemeDeliveryPartner,
        SchemeInvestment,
        SchemeKpi,
        Scheme,
        Theme,
        Programme,
    ):
        model.objects.all().delete()
    AssuranceRating.objects.all().delete()
    while Area.objects.exists():
        Area.objects.filter(children__isnull=True).delete()
    while Metric.objects.filter(is_national=False).exists():
        Metric.objects.filter(is_national=False, parts__isnull=True).delete()


# -- a richer workbook, with every sheet ----------------------------------------------------

RICH = {
    "programme": """\
        area_code,area_name,area_type,parent_code,programme_name,local_authority,commissioners
        E12000008,South East,region,,,,
        E10000016,Kent,HWB,E12000008,Kent Better Care Fund 2017-19,Kent County Council,NHS Ashford CCG;NHS Canterbury and Coastal CCG
    """,
    "funding": """\
        area_code,financial_year,stream,organisation,budget,minimum_contribution,forecast_outturn,as_at
        E10000016,2017-18,BCF,Kent County Council,"£2,500,000","£2,000,000","£2,512,345.67",2017-08-31
        E10000016,2017-18,iBCF,,"£500,000",,,
    """,
    "savings": """\
        area_code,financial_year,target,achieved_to_date,as_at
        E10000016,2017-18,"£750,000","£312,500.50",2017-08-31
    """,
    "themes": """\
        area_code,code,name,priority
        E10000016,T1,Urgent response,Keeping people independent at home
        E10000016,T2,Enablers,
    """,
    "schemes": """\
        area_code,ref,name,theme_code,lead,enabler,start_date,description,metrics_impacted,strategic_objective,target_cohorts,evidence_base,outcomes,success_factors
        E10000016,BCF 1,Rapid response,T1,Jo Smith,N,2017-04-01,"Two-hour response, seven days a week",bcf_non_elective_admissions;kent_falls_home_night,Fewer avoidable admissions,"Aged 60+ with one or more LTCs in risk bands 3, 4, 5
        Those with dementia",Ham C et al. Avoiding Hospital Admissions (2010),More people still at home 91 days after discharge,"Complete sign-up of practices
        A new information sharing agreement"
        E10000016,BCF 2,Shared care records,T2,,Y,,,,,,,,
        E10000016,BCF 3,Care home support,T1,,N,2018-01-01,,kent_discharge_home,,,,,
    """,
    "scheme_delivery_chain": """\
        area_code,scheme_ref,organisation,role,responsibility
        E10000016,BCF 1,NHS Ashford CCG,commissioner,Pays for the service
        E10000016,BCF 1,Kent Community Health,provider,"Runs the team, seven days a week"
        E10000016,BCF 1,Kent County Council,partner,
        E10000016,BCF 2,Kent County Council,commissioner,
    """,
    "scheme_investment": """\
        area_code,scheme_ref,financial_year,amount
        E10000016,BCF 1,2017-18,"£2,250,000"
        E10000016,BCF 1,2018-19,"2,300,000.50"
    """,
    "scheme_kpis": """\
        area_code,scheme_ref,kpi,level,target,unit,cadence,reported_to
        E10000016,BCF 1,Care plans agreed,practice,80,%,weekly,Practice
        E10000016,BCF 1,Care plans agreed,locality,75.5,%,biweekly,BCF Implementation Group
        E10000016,BCF 1,Emergency admissions from care homes,area,1200,admissions,monthly,JICB
        E10000016,BCF 1,Referrals,area,,,quarterly,
    """,
    "scheme_finance": """\
        area_code,scheme_ref,financial_year,line,recurrent,non_recurrent
        E10000016,BCF 1,2017-18,spend,"2,000,000","250,000"
        E10000016,BCF 1,2017-18,benefit,"-125,000",
        E10000016,BCF 2,2017-18,spend,"500,000",
        E10000016,BCF 3,2017-18,spend,"200,000","50,000"
    """,
    "metrics": """\
        code,name,unit,multiplier,polarity,frequency,parent_code,description
        kent_falls,Falls admissions,count,1,lower_is_better,month,,All admissions for falls
        kent_falls_home,Falls at home,count,1,lower_is_better,month,kent_falls,
        kent_falls_home_night,Falls at home at night,count,1,lower_is_better,month,kent_falls_home,
        kent_discharge_home,Discharged to usual residence,proportion,100,higher_is_better,month,,
    """,
    "metric_values": """\
        area_code,metric_code,period_start,period_end,kind,numerator,denominator,value,note
        E10000016,bcf_dtoc,2016-04-01,2017-03-31,baseline,"13,250","1,200,000",,
        E10000016,bcf_dtoc,2017-04-01,2018-03-31,target,"12,000","1,210,000",,Plan 2017-19
        E10000016,kent_discharge_home,2017-04-01,2017-04-30,actual,912,1000,91.2%,
        E10000016,kent_discharge_home,2017-05-01,2017-05-31,actual,880,1000,90.0%,Provisional
        E10000016,kent_falls_home_night,2017-04-01,2017-04-30,actual,41,,,
        E10000016,kent_falls_home_night,2017-04-01,2018-03-31,target,,,480,
    """,
    "metric_commentary": """\
        area_code,metric_code,period,commentary
        E10000016,bcf_dtoc,2017-08,"Delays awaiting home care reviewed weekly.
        Trajectory agreed with the acute trust."
        E10000016,kent_discharge_home,2017-05,"= provisional, pending the SUS refresh"
        E10000016,kent_discharge_home,2017-04,First month of the new measure
    """,
    "spc_rebase": """\
        area_code,metric_code,period,reason
        E10000016,kent_discharge_home,2017-05,"Home First started: discharge to assess, at home.
        A new service, so a new mean and limits."
    """,
    "milestones": """\
        area_code,ref,scheme_ref,title,baseline_date,revised_date,completed_date,comments
        E10000016,M1,BCF 1,Recruit the night team,2017-06-30,2017-08-31,,"Delayed by recruitment.
        Second advert out."
        E10000016,M2,,Sign the section 75 agreement,2017-05-31,,2017-05-26,
    """,
    "risks": """\
        area_code,ref,title,description,mitigation,owner,likelihood,impact,previous_score,scheme_ref,as_at
        E10000016,R1,Workforce,Not enough staff for nights,Joint recruitment,Director of Adult Social Care,4,4,12,BCF 1,2017-08-31
        E10000016,R2,Data sharing,,,,2,3,,,
    """,
    "status_updates": """\
        area_code,period,scheme_ref,dimension,status,commentary,additional_information,start_date,forecast_outturn,savings_achieved
        E10000016,2017-07,BCF 1,finance,Green,On budget,,,1200000,
        E10000016,2017-08,BCF 1,milestones,Amber,"Night team recruitment is two months late.
        Interim agency cover in place.",Revised date agreed at the July board,,,
        E10000016,2017-08,BCF 1,finance,G,,,,1187500.50,
        E10000016,2017-08,BCF 2,metrics,E,,,,,
        E10000016,2017-08,BCF 3,milestones,N/A,,,2017-10-02,,
    """,
    "programme_status": """\
        area_code,period,dimension,status,summary
        E10000016,2017-08,plan,A,Night team recruitment is two months late
        E10000016,2017-08,benefits,G,
        E10000016,2017-08,budget,Green,
    """,
    "achievements": """\
        area_code,period,text
        E10000016,2017-07,Rapid response live in Ashford
        E10000016,2017-08,Section 75 agreement signed
        E10000016,2017-08,"= 100% of care homes visited"
    """,
    "planned_activities": """\
        area_code,period,group,text,month
        E10000016,2017-08,programme,Quarterly review of the BCF financial position,2017-10
        E10000016,2017-08,BCF Enablers,"DARS application – renew the dataflow, if approved",
    """,
    "assurance": """\
        area_code,round,criterion,status,comment,qualified,footnote
        E10000016,2017-18 Q2,Plan jointly agreed,G,,N,
        E10000016,2017-18 Q2,Spend on protecting social care,Y,Confirmed by the s151 officer,Y,Subject to the final section 75 letter
    """,
}


@pytest.fixture
def rich(tmp_path):
    return csv_folder(tmp_path / "kent-2017", **RICH)


def test_the_rich_workbook_imports_every_sheet(rich, importer):
    result = import_workbook(rich, by=importer)
    assert result.errors == []
    assert [str(m) for m in result.warnings] == [
        "warning: metric_values.csv, sheet metric_values, row 5, column value: published value "
        "90 does not match numerator / denominator x multiplier = 880 / 1,000 x 100 = 88.00; "
        "the published value is kept (got '90.0%')",
        "warning: metric_values.csv, sheet metric_values, row 7, column kind: has no baseline "
        "for the same area and metric (got 'target')",
    ]
    assert counts(result) == {
        "programme": (2, 0, 0),
        "metrics": (4, 0, 0),
        "themes": (2, 0, 0),
        "schemes": (3, 0, 0),
        "scheme_delivery_chain": (4, 0, 0),
        "scheme_investment": (2, 0, 0),
        "scheme_kpis": (4, 0, 0),
        "scheme_finance": (4, 0, 0),
        "funding": (2, 0, 0),
        "savings": (1, 0, 0),
        "metric_values": (6, 0, 0),
        "metric_commentary": (3, 0, 0),
        "spc_rebase": (1, 0, 0),
        "milestones": (2, 0, 0),
        "risks": (2, 0, 0),
        "status_updates": (5, 0, 0),
        "programme_status": (3, 0, 0),
        "achievements": (3, 0, 0),
        "planned_activities": (2, 0, 0),
        "assurance": (2, 0, 0),
    }
    kent = Area.objects.get(code="E10000016")
    assert kent.parent.code == "E12000008"
    assert kent.programme.commissioner_list == ["NHS Ashford CCG", "NHS Canterbury and Coastal CCG"]
    scheme = Scheme.objects.get(ref="BCF 1")
    assert scheme.theme.code == "T1"
    assert sorted(scheme.metrics.values_list("code", flat=True)) == [
        "bcf_non_elective_admissions",
        "kent_falls_home_night",
    ]
    night = Metric.objects.get(code="kent_falls_home_night")
    assert (night.parent.code, night.parent.parent.code) == ("kent_falls_home", "kent_falls")
    provisional = MetricValue.objects.get(metric__code="kent_discharge_home", note="Provisional")
    assert (provisional.value, provisional.version) == (90.0, 1)
    assert provisional.warnings == [
        "published value 90 does not match numerator / denominator x multiplier = "
        "880 / 1,000 x 100 = 88.00; the published value is kept"
    ]
    assert Funding.objects.get(stream="BCF").forecast_outturn == Decimal("2512345.67")
    assert SavingsPlan.objects.get().achieved_to_date == Decimal("312500.50")
    amber = SchemeStatus.objects.get(status="A")
    assert amber.commentary == (
        "Night team recruitment is two months late.\nInterim agency cover in place."
    )
    assert amber.period.month == date(2017, 8, 1)
    august = ReportingPeriod.objects.get(area=kent, month=date(2017, 8, 1))
    assert list(august.achievements.values_list("text", "position")) == [
        ("Section 75 agreement signed", 0),
        ("= 100% of care homes visited", 1),
    ]
    assert list(august.planned_activities.values_list("group", "text", "month")) == [
        ("enablers", "DARS application – renew the dataflow, if approved", None),
        ("programme", "Quarterly review of the BCF financial position", date(2017, 10, 1)),
    ]
    assert Risk.objects.get(ref="R1").score == 16
    note = MetricCommentary.objects.get(metric__code="bcf_dtoc")
    assert (note.area, note.month, note.version) == (kent, date(2017, 8, 1), 1)
    assert note.commentary == (
        "Delays awaiting home care reviewed weekly.\nTrajectory agreed with the acute trust."
    )
    assert note.history.first().history_user == importer


# -- a broken copy of the South Kent Coast plan ---------------------------------------------


def broken_south_kent_coast(south_kent_coast, folder):
    """The plan with a bad date, an unknown scheme and an AMBER status without commentary."""
    broken = shutil.copytree(south_kent_coast, folder)
    edit_csv(broken / "schemes.csv", 5, "start_date", "2015-04-31")
    edit_csv(broken / "scheme_finance.csv", 25, "scheme_ref", "7")
    # ... and a change that would be written if the workbook were valid.
    edit_csv(broken / "risks.csv", 2, "title", "Workforce reconfiguration (revised)")
    csv_folder(
        broken,
        status_updates="""\
            area_code,period,scheme_ref,dimension,status,commentary,additional_information
            E10000016,2014-06,1,milestones,G,,
            E10000016,2014-06,1,finance,Amber,,
        """,
    )
    return broken


def test_a_broken_copy_of_south_kent_coast_is_rejected_and_changes_nothing(
    south_kent_coast, rich, importer, tmp_path
):
    assert import_workbook(south_kent_coast, by=importer).written
    assert import_workbook(rich, by=importer).written
    before = snapshot()

    broken = broken_south_kent_coast(south_kent_coast, tmp_path / "broken")
    result = import_workbook(broken, by=importer)

    assert [str(m) for m in result.errors] == [
        "error: schemes.csv, sheet schemes, row 5, column start_date: is not a real date "
        "(got '2015-04-31'); expected a date as YYYY-MM-DD, e.g. 2017-08-31",
        "error: scheme_finance.csv, sheet scheme_finance, row 25, column scheme_ref: is not a "
        "scheme of this area (got '7'); expected a ref from the schemes sheet (or a scheme "
        "already in bettercare)",
        "error: status_updates.csv, sheet status_updates, row 3, column commentary: Exception "
        "commentary is required for an AMBER status: say what is off track and what is being "
        "done about it; expected exception commentary",
    ]
    # The plan's own flaws are still reported, as warnings.
    assert [(m.sheet, m.row, m.column) for m in result.warnings] == [
        ("metric_values", 2, "value"),
        ("metric_values", 3, "value"),
        ("metric_values", 6, "value"),
        ("metric_values", 7, "value"),
    ]
    assert (result.ok, result.written, result.counts) == (False, False, {})
    assert snapshot() == before


def test_a_broken_workbook_is_rejected_in_an_empty_database(south_kent_coast, importer, tmp_path):
    before = snapshot()
    result = import_workbook(broken_south_kent_coast(south_kent_coast, tmp_path / "b"), by=importer)
    assert [(m.sheet, m.row, m.column) for m in result.errors] == [
        ("schemes", 5, "start_date"),
        ("scheme_finance", 25, "scheme_ref"),
        ("status_updates", 3, "commentary"),
    ]
    assert snapshot() == before


# -- atomicity ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failure_half_way_through_writing_leaves_nothing_written(
    south_kent_coast, rich, importer, monkeypatch
):
    assert import_workbook(south_kent_coast, by=importer).written
    before = snapshot()
    written_before_failure = {}

    def fail(self):
        # Areas, metrics, schemes, finance and metric values have been written by now.
        written_before_failure.update(
            areas=Area.objects.count(), values=MetricValue.objects.count()
        )
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports._Writer, "write_milestones_and_risks", fail)
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_workbook(rich, by=importer)

    assert written_before_failure == {"areas": 2, "values": 12 + 6}  # Kent, and its region
    assert snapshot() == before


# -- idempotence and upserts ----------------------------------------------------------------


def test_reimporting_the_same_workbook_changes_nothing(rich, importer):
    import_workbook(rich, by=importer)
    before = snapshot()
    again = import_workbook(rich, by=importer)
    assert again.written
    assert {sheet: (c.created, c.updated) for sheet, c in again.counts.items()} == dict.fromkeys(
        SHEETS, (0, 0)
    )
    assert (
        sum(c.unchanged for c in again.counts.values()) == 57
    )  # 45, 2 planned activities, 10 scheme description rows
    assert snapshot() == before


def test_an_updated_workbook_changes_exactly_the_changed_rows(rich, importer, tmp_path):
    import_workbook(rich, by=importer)
    values_before = {
        (v.metric.code, v.kind, v.period_start): (v.pk, v.version, v.history.count())
        for v in MetricValue.objects.select_related("metric")
    }
    risks_before = dict(Risk.objects.values_list("ref", "version"))

    updated = shutil.copytree(rich, tmp_path / "kent-2017-august")
    edit_csv(updated / "metric_values.csv", 6, "numerator", "44")
    edit_csv(updated / "risks.csv", 3, "impact", "4")
    with (updated / "risks.csv").open("a", encoding="utf-8") as file:
        file.write("E10000016,R3,Winter pressures,,,,3,3,,,2017-08-31\n")
    with (updated / "metric_values.csv").open("a", encoding="utf-8") as file:
        file.write("E10000016,kent_falls_home_night,2017-05-01,2017-05-31,actual,38,,,\n")
    manager = User.objects.create_user("manager", password="not-used-here")

    result = import_workbook(updated, by=manager, reason="August refresh")

    assert result.errors == []
    assert counts(result)["metric_values"] == (1, 1, 5)
    assert counts(result)["risks"] == (1, 1, 1)
    assert all(
        (created, updated) == (0, 0)
        for sheet, (created, updated, _) in counts(result).items()
        if sheet not in ("metric_values", "risks")
    )
    # The changed value: same row, next version, a history entry saying who and why.
    changed = MetricValue.objects.get(
        metric__code="kent_falls_home_night", kind="actual", period_start=date(2017, 4, 1)
    )
    key = ("kent_falls_home_night", "actual", date(2017, 4, 1))
    assert (changed.pk, changed.numerator, changed.version) == (values_before[key][0], 44, 2)
    latest, first = changed.history.order_by("-history_id")
    assert (latest.history_user, latest.history_change_reason, latest.numerator) == (
        manager,
        "August refresh",
        44,
    )
    assert (first.history_user, first.history_change_reason, first.numerator) == (
        importer,
        "imported from kent-2017",
        41,
    )
    # The others are untouched.
    for value in MetricValue.objects.select_related("metric").exclude(pk=changed.pk):
        identity = (value.metric.code, value.kind, value.period_start)
        if identity in values_before:
            assert (value.pk, value.version, value.history.count()) == values_before[identity]
        else:
            assert identity == ("kent_falls_home_night", "actual", date(2017, 5, 1))
            assert value.history.get().history_change_reason == "August refresh"
    assert dict(Risk.objects.values_list("ref", "version")) == {
        **risks_before,
        "R2": 2,
        "R3": 1,
    }
    assert Risk.objects.get(ref="R2").score == 8


def test_a_scheme_whose_metrics_change_is_updated(rich, importer, tmp_path):
    import_workbook(rich, by=importer)
    updated = shutil.copytree(rich, tmp_path / "kent-2017-september")
    edit_csv(updated / "schemes.csv", 2, "metrics_impacted", "bcf_non_elective_admissions")
    manager = User.objects.create_user("manager", password="not-used-here")

    result = import_workbook(updated, by=manager, reason="Scheme 1 no longer targets falls")

    assert counts(result)["schemes"] == (0, 1, 2)
    scheme = Scheme.objects.get(ref="BCF 1")
    assert list(scheme.metrics.values_list("code", flat=True)) == ["bcf_non_elective_admissions"]
    assert scheme.version == 2
    latest = scheme.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (
        manager,
        "Scheme 1 no longer targets falls",
    )
    assert [s.version for s in Scheme.objects.exclude(pk=scheme.pk)] == [1, 1]


def test_the_same_workbook_under_another_name_changes_nothing(rich, importer, tmp_path):
    import_workbook(rich, by=importer)
    before = snapshot()
    copy = shutil.copytree(rich, tmp_path / "kent-2017 (1)")
    again = import_workbook(copy, by=importer)
    assert sum(c.created + c.updated for c in again.counts.values()) == 0
    assert snapshot() == before
    # Where a value came from stays the file that first gave it.
    assert set(MetricValue.objects.values_list("source", flat=True)) == {"workbook kent-2017"}


def test_dry_run_writes_nothing(rich, importer):
    before = snapshot()
    result = import_workbook(rich, by=importer, dry_run=True)
    assert (result.ok, result.dry_run, result.written, result.counts) == (True, True, False, {})
    assert [(m.sheet, m.row) for m in result.warnings] == [
        ("metric_values", 5),
        ("metric_values", 7),
    ]
    assert snapshot() == before


# -- .xlsx and CSV ----------------------------------------------------------------------------


def excel_cell(text):
    """A CSV cell as Excel would hold it once typed in: numbers, dates and percentages typed."""
    if not text:
        return None, None
    try:
        return datetime.fromisoformat(text), "yyyy-mm-dd"
    except ValueError:
        pass
    plain = text.replace(",", "").lstrip("£")
    try:
        if plain.endswith("%"):
            return float(plain[:-1]) / 100, "0.00%"
        number = float(plain)
    except ValueError:
        return text, None
    if text.startswith("£"):
        return number, '"£"#,##0'
    return (int(number) if number.is_integer() else number), None


def as_excel_workbook(folder, path):
    """The CSV folder as an .xlsx workbook someone typed into Excel."""
    book = Workbook()
    book.remove(book.active)
    for file in sorted(folder.glob("*.csv")):
        worksheet = book.create_sheet(file.stem)
        with file.open(newline="", encoding="utf-8") as lines:
            for number, row in enumerate(csv.reader(lines), start=1):
                for column, text in enumerate(row, start=1):
                    value, number_format = (text, None) if number == 1 else excel_cell(text)
                    cell = worksheet.cell(row=number, column=column, value=value)
                    if number_format:
                        cell.number_format = number_format
    book.save(path)
    return path


def database_contents():
    """What the database holds, independent of primary keys (and of the name of the file each
    metric value came from, its provenance)."""
    rows = workbook_rows(Area.objects.get(code="E10000016"))
    rows["metric_values"] = [
        {k: v for k, v in row.items() if k != "source"} for row in rows["metric_values"]
    ]
    warnings = sorted(
        (v.metric.code, v.kind, v.period_start, tuple(v.warnings))
        for v in MetricValue.objects.select_related("metric")
    )
    return rows, warnings, {model.__name__: model.objects.count() for model in MODELS}


def test_xlsx_and_csv_give_the_same_database(south_kent_coast, importer, tmp_path):
    workbook = as_excel_workbook(south_kent_coast, tmp_path / "south-kent-coast-2014.xlsx")
    from_xlsx = import_workbook(workbook, by=importer)
    assert from_xlsx.errors == []
    assert [(m.sheet, m.row, m.column) for m in from_xlsx.warnings] == [
        ("metric_values", 2, "value"),
        ("metric_values", 3, "value"),
        ("metric_values", 6, "value"),
        ("metric_values", 7, "value"),
    ]
    assert str(from_xlsx.warnings[0]) == (
        "warning: south-kent-coast-2014.xlsx, sheet metric_values, row 2, column value: "
        "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42; the published value is kept (got 156.2)"
    )
    xlsx_database = database_contents()
    # The same plan as CSV, imported over it, changes nothing ...
    again = import_workbook(south_kent_coast, by=importer)
    assert sum(c.created + c.updated for c in again.counts.values()) == 0
    # ... and into an empty database gives the same database.
    wipe_programme_data()
    assert import_workbook(south_kent_coast, by=importer).ok
    assert database_contents() == xlsx_database


# -- the round trip -------------------------------------------------------------------------


def test_round_trip_of_every_sheet_is_lossless(rich, importer, tmp_path):
    assert import_workbook(rich, by=importer).ok
    kent = Area.objects.get(code="E10000016")
    first = export_workbook(kent, tmp_path / "first")
    workbook = export_workbook(kent, tmp_path / "kent.xlsx")
    assert sorted(p.name for p in first.iterdir()) == sorted(f"{name}.csv" for name in SHEETS)

    # The export imported over the database it came from changes nothing.
    again = import_workbook(workbook, by=importer)
    assert again.errors == []
    assert sum(c.created + c.updated for c in again.counts.values()) == 0

    # Into an empty database, from the .xlsx, then out again as CSV: the same files.
    wipe_programme_data()
    result = import_workbook(workbook, by=importer)
    assert result.errors == [], [str(m) for m in result.errors]
    assert [(m.sheet, m.problem) for m in result.warnings] == [
        (
            "metric_values",
            "published value 90 does not match numerator / denominator x multiplier = "
            "880 / 1,000 x 100 = 88.00; the published value is kept",
        ),
        ("metric_values", "has no baseline for the same area and metric"),
    ]
    second = export_workbook(Area.objects.get(code="E10000016"), tmp_path / "second")
    comparison = filecmp.dircmp(first, second)
    assert comparison.left_list == comparison.right_list
    assert filecmp.cmpfiles(first, second, comparison.left_list, shallow=False) == (
        comparison.left_list,
        [],
        [],
    )
    # The return's figures, entered on the form, survive the round trip (ADR 0118).
    assert (first / "status_updates.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "area_code,period,scheme_ref,dimension,status,commentary,additional_information,"
        "start_date,forecast_outturn,savings_achieved"
    )
    figures = {
        (s.period.month.isoformat(), s.scheme.ref, s.dimension): (
            s.start_date,
            s.forecast_outturn,
            s.savings_achieved,
        )
        for s in SchemeStatus.objects.select_related("period", "scheme")
        if s.start_date or s.forecast_outturn or s.savings_achieved
    }
    assert figures == {
        ("2017-07-01", "BCF 1", "finance"): (None, Decimal("1200000.00"), None),
        ("2017-08-01", "BCF 1", "finance"): (None, Decimal("1187500.50"), None),
        ("2017-08-01", "BCF 3", "milestones"): (date(2017, 10, 2), None, None),
    }
    assert (first / "milestones.csv").read_text(encoding="utf-8") == (
        "area_code,ref,scheme_ref,title,baseline_date,revised_date,completed_date,comments\n"
        "E10000016,M2,,Sign the section 75 agreement,2017-05-31,,2017-05-26,\n"
        'E10000016,M1,BCF 1,Recruit the night team,2017-06-30,2017-08-31,,"Delayed by '
        'recruitment.\nSecond advert out."\n'
    )
    # An activity's month (ADR 0133), blank for one during the three months.
    assert (first / "planned_activities.csv").read_text(encoding="utf-8") == (
        "area_code,period,group,text,month\n"
        'E10000016,2017-08,enablers,"DARS application – renew the dataflow, if approved",\n'
        "E10000016,2017-08,programme,Quarterly review of the BCF financial position,2017-10\n"
    )
    assert (first / "spc_rebase.csv").read_text(encoding="utf-8") == (
        "area_code,metric_code,period,reason\n"
        'E10000016,kent_discharge_home,2017-05,"Home First started: discharge to assess, at '
        'home.\nA new service, so a new mean and limits."\n'
    )
    assert (first / "metric_commentary.csv").read_text(encoding="utf-8") == (
        "area_code,metric_code,period,commentary\n"
        'E10000016,bcf_dtoc,2017-08,"Delays awaiting home care reviewed weekly.\n'
        'Trajectory agreed with the acute trust."\n'
        "E10000016,kent_discharge_home,2017-04,First month of the new measure\n"
        # Text a spreadsheet would evaluate is written with an apostrophe (and read back
        # without it: the database holds the text as typed).
        'E10000016,kent_discharge_home,2017-05,"\'= provisional, pending the SUS refresh"\n'
    )
    assert (first / "metrics.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "kent_discharge_home,Discharged to usual residence,proportion,100,higher_is_better,month,,",
        "kent_falls,Falls admissions,count,1,lower_is_better,month,,All admissions for falls",
        "kent_falls_home,Falls at home,count,1,lower_is_better,month,kent_falls,",
        "kent_falls_home_night,Falls at home at night,count,1,lower_is_better,month,"
        "kent_falls_home,",
    ]


def test_the_workbook_proposes_the_statuses_the_return_form_proposes(rich, importer):
    """The validator's facts from the workbook's rows and the form's facts from the database
    give the same proposals for every scheme of the imported workbook (ADR 0108)."""
    from bettercare.core.periods import Month
    from bettercare.core.summary import MetricSpec
    from bettercare.web.programmes.returns import propose
    from bettercare.workbook import read_workbook, validate_workbook
    from bettercare.workbook.proposals import RowProposer

    assert import_workbook(rich, by=importer).ok
    validated = validate_workbook(read_workbook(rich), imports.known_references())
    specs = {
        m.code: MetricSpec(m.code, m.name, m.unit, float(m.multiplier), m.polarity, m.frequency)
        for m in Metric.objects.all()
    }
    sheets = ("schemes", "milestones", "scheme_finance", "metric_values")
    rows = RowProposer({s: [r.values for r in validated.rows(s)] for s in sheets}, specs)
    compared = []
    for period in ReportingPeriod.objects.filter(area__code="E10000016").order_by("month"):
        month = Month.of(period.month)
        for scheme in Scheme.objects.filter(area__code="E10000016").order_by("ref"):
            from_rows = {
                d: (p.assessment and p.assessment.status, p.basis)
                for d, p in rows.propose("E10000016", scheme.ref, month).items()
            }
            from_database = {
                d: (p.assessment and p.assessment.status, p.basis)
                for d, p in propose(scheme, period).items()
            }
            assert from_rows == from_database, (scheme.ref, month)
            compared.append((scheme.ref, str(month), from_rows["milestones"][0]))
    assert compared == [
        ("BCF 1", "2017-07", "R"),
        ("BCF 2", "2017-07", None),
        ("BCF 3", "2017-07", "NA"),
        ("BCF 1", "2017-08", "R"),
        ("BCF 2", "2017-08", None),
        ("BCF 3", "2017-08", "NA"),
    ]


def test_a_workbook_without_the_return_figures_leaves_them_alone(rich, importer, tmp_path):
    """A workbook made before the return's figures were exported (no such columns) changes
    none of them; a blank cell under the column clears one."""
    assert import_workbook(rich, by=importer).ok
    old = tmp_path / "old"
    shutil.copytree(rich, old)
    with (old / "status_updates.csv").open(newline="", encoding="utf-8") as file:
        rows = [row[:-3] for row in csv.reader(file)]
    assert rows[0][-1] == "additional_information"
    with (old / "status_updates.csv").open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    again = import_workbook(old, by=importer)
    assert again.errors == [], [str(m) for m in again.errors]
    assert again.counts["status_updates"].updated == 0
    finance = SchemeStatus.objects.get(
        scheme__ref="BCF 1", dimension="finance", period__month=date(2017, 8, 1)
    )
    assert finance.forecast_outturn == Decimal("1187500.50")

    cleared = tmp_path / "cleared"
    shutil.copytree(rich, cleared)
    edit_csv(cleared / "status_updates.csv", 4, "forecast_outturn", "")
    assert import_workbook(cleared, by=importer).counts["status_updates"].updated == 1
    finance.refresh_from_db()
    assert finance.forecast_outturn is None


# -- an activity's month (ADR 0133) --------------------------------------------------------


def test_a_workbook_without_the_activity_month_leaves_the_months_alone(rich, importer, tmp_path):
    assert import_workbook(rich, by=importer).ok
    old = tmp_path / "old"
    shutil.copytree(rich, old)
    (old / "planned_activities.csv").write_text(
        "area_code,period,group,text\n"
        "E10000016,2017-08,programme,Quarterly review of the BCF financial position\n"
        'E10000016,2017-08,enablers,"DARS application – renew the dataflow, if approved"\n',
        encoding="utf-8",
    )
    again = import_workbook(old, by=importer)
    assert again.errors == [], [str(m) for m in again.errors]
    assert again.counts["planned_activities"].updated == 0
    assert sorted(PlannedActivity.objects.values_list("month", flat=True), key=str) == [
        date(2017, 10, 1),
        None,
    ]


@pytest.mark.parametrize(
    ("month", "shown"),
    [("2017-08", "'2017-08'"), ("2017-12", "'2017-12'"), ("Oct", "'Oct'")],
)
def test_an_activity_month_outside_the_three_months_is_refused_in_one_line(
    rich, importer, tmp_path, month, shown
):
    edit_csv(rich / "planned_activities.csv", 2, "month", month)
    before = snapshot()
    result = import_workbook(rich, by=importer)
    problem, expected = (
        ("is not a reporting period", "a month as YYYY-MM, e.g. 2017-08")
        if month == "Oct"
        else (
            "is not one of the three months after the period 2017-08",
            "2017-09, 2017-10 or 2017-11, or blank",
        )
    )
    assert [str(m) for m in result.errors] == [
        f"error: planned_activities.csv, sheet planned_activities, row 2, column month: "
        f"{problem} (got {shown}); expected {expected}"
    ]
    assert snapshot() == before


# -- a clean metric values sheet by column ----------------------------------------------------


def test_a_clean_metric_values_sheet_written_by_column_is_what_its_records_write(
    importer, tmp_path, monkeypatch
):
    """A sheet whose every row is usable and says nothing goes from the reader to the writer
    by column (ADR 0140); the same sheet written from its records stores the same values and
    history."""
    from bettercare.workbook import validate

    lines = textwrap.dedent(RICH["metric_values"]).splitlines()
    # The local metrics' rows that say nothing (a national metric's are checked by record).
    clean = "\n".join(lines[at] for at in (0, 3, 5)) + "\n"
    folder = csv_folder(
        tmp_path / "clean",
        programme=RICH["programme"],
        metrics=RICH["metrics"],
        metric_values=clean,
    )
    held = []
    by_column = validate.ValidatedWorkbook.by_column

    def spied(self, sheet):
        found = by_column(self, sheet)
        held.append(found is not None)
        return found

    monkeypatch.setattr(validate.ValidatedWorkbook, "by_column", spied)
    found = {}
    for way in ("by column", "by record"):
        if way == "by record":
            monkeypatch.setattr(validate, "BY_COLUMN", frozenset())
        result = import_workbook(folder, by=importer)
        assert (result.errors, result.warnings) == ([], [])
        assert counts(result)["metric_values"] == (2, 0, 0)
        history = sorted(
            MetricValue.history.values_list(
                "metric__code", "kind", "period_start", "value", "note", "warnings", "history_type"
            )
        )
        found[way] = (database_contents(), history)
        wipe_programme_data()
        MetricValue.history.all().delete()
    assert held == [True, False]
    assert found["by column"] == found["by record"]
    values = found["by column"][0][0]["metric_values"]
    assert sorted((v["metric_code"], v["value"]) for v in values) == [
        ("kent_discharge_home", 91.2),
        ("kent_falls_home_night", None),
    ]
