"""Checking a workbook: every error and warning rule, each in a small workbook written here.

Each test writes a folder of CSVs (the same reader and checks serve .xlsx) and asserts the
exact messages a user would see: sheet, row as Excel numbers it, column, value and what was
expected.
"""

import textwrap
from datetime import date

import pytest

from bettercare.core.periods import FinancialYear, Month
from bettercare.workbook import Known, MetricInfo, read_workbook, validate_workbook

KENT = "E10000016"
PROGRAMME = """\
    area_code,area_name,area_type
    E10000016,Kent,HWB
    E10000017,Lancashire,HWB
"""
SCHEMES = """\
    area_code,ref,name,start_date
    E10000016,S1,Rapid response,2017-04-01
    E10000016,S2,Care homes,
"""
METRICS = """\
    code,name,unit,multiplier,polarity,frequency
    admissions,Emergency admissions per 100000,rate,100000,lower_is_better,month
    home91,Still at home 91 days after discharge,proportion,100,higher_is_better,year
    falls,Falls,count,1,lower_is_better,month
    eq5d,EQ-5D,mean,1,higher_is_better,year
"""
VALUES = "area_code,metric_code,period_start,period_end,kind,numerator,denominator,value\n"
STATUS = "area_code,period,scheme_ref,dimension,status,commentary\n"


def check(tmp_path, known=None, **sheets):
    """Validate a workbook of CSV sheets (each dedented); the programme sheet by default."""
    sheets.setdefault("programme", PROGRAMME)
    folder = tmp_path / "plan"
    folder.mkdir(exist_ok=True)
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return validate_workbook(read_workbook(folder), known)


def texts(validated):
    return [str(message) for message in validated.messages]


def values(*rows):
    """A metric_values sheet with the given data lines."""
    return VALUES + "".join(f"{row}\n" for row in rows)


def statuses(*rows):
    return STATUS + "".join(f"{row}\n" for row in rows)


# -- a valid workbook -----------------------------------------------------------------------


def test_a_valid_workbook_has_no_messages_and_typed_records(tmp_path):
    validated = check(
        tmp_path,
        themes="""\
            area_code,code,name,priority
            E10000016,T1,Urgent response,Keeping people at home
        """,
        schemes="""\
            area_code,ref,name,theme_code,enabler,start_date,metrics_impacted
            e10000016,S1,Rapid response,T1,Y,2017-04-01,admissions; home91
            E10000016,S2,Care homes,,,,
        """,
        metrics=METRICS,
        scheme_finance="""\
            area_code,scheme_ref,financial_year,line,recurrent
            E10000016,S1,2017-18,spend,"£1,250,000"
        """,
        metric_values=values(
            "E10000016,home91,2016-04-01,2017-03-31,baseline,1401,1590,88.1%",
            "E10000016,home91,2017-04-01,2018-03-31,target,,,90%",
        ),
    )
    assert validated.ok
    assert validated.messages == []
    [scheme, other] = validated.rows("schemes")
    assert scheme.values == {
        "area_code": KENT,
        "ref": "S1",
        "name": "Rapid response",
        "theme_code": "T1",
        "lead": None,
        "enabler": True,
        "start_date": date(2017, 4, 1),
        "description": None,
        "metrics_impacted": ("admissions", "home91"),
        "strategic_objective": None,
        "target_cohorts": None,
        "evidence_base": None,
        "outcomes": None,
        "success_factors": None,
        "commissioner": None,
        "provider": None,
    }
    # Blank optional cells get the format's defaults.
    assert (other["enabler"], other["metrics_impacted"], other["start_date"]) == (False, (), None)
    [finance] = validated.rows("scheme_finance")
    assert finance["financial_year"] == FinancialYear(2017)
    assert (finance["recurrent"], finance["non_recurrent"]) == (1_250_000, 0)
    baseline, target = validated.rows("metric_values")
    assert (baseline["numerator"], baseline["denominator"], baseline["value"]) == (
        1401.0,
        1590.0,
        88.1,
    )
    assert target["value"] == 90.0
    assert (baseline.row, target.row) == (2, 3)
    assert baseline.warnings == target.warnings == []


# -- values that cannot be read -------------------------------------------------------------


def test_unparseable_number_date_period_year_and_money(tmp_path):
    validated = check(
        tmp_path,
        funding="""\
            area_code,financial_year,stream,budget
            E10000016,2017-19,BCF,"£1,000"
            E10000016,2018-19,BCF,"1,25,0"
        """,
        schemes="""\
            area_code,ref,name,start_date
            E10000016,S1,Rapid response,2014-02-30
            E10000016,S2,Care homes,01/04/2017
        """,
        metrics=METRICS,
        metric_values=values("E10000016,falls,2017-08-01,2017-08-31,actual,lots,,"),
        status_updates=statuses("E10000016,Aug 2017,S1,finance,G,"),
    )
    assert texts(validated) == [
        "error: funding.csv, sheet funding, row 2, column financial_year: is not a financial year "
        "(got '2017-19'); expected a financial year as YYYY-YY, e.g. 2017-18",
        "error: funding.csv, sheet funding, row 3, column budget: has thousands separators in "
        "the wrong places (got '1,25,0'); expected an amount in pounds, e.g. 1250000, "
        "£1,250,000 or -42042.50",
        "error: schemes.csv, sheet schemes, row 2, column start_date: is not a real date "
        "(got '2014-02-30'); expected a date as YYYY-MM-DD, e.g. 2017-08-31",
        "error: schemes.csv, sheet schemes, row 3, column start_date: is not a date "
        "(got '01/04/2017'); expected a date as YYYY-MM-DD, e.g. 2017-08-31",
        "error: metric_values.csv, sheet metric_values, row 2, column numerator: is not a number "
        "(got 'lots'); expected a number, e.g. 1611 or 1,611 or 546195.5",
        "error: status_updates.csv, sheet status_updates, row 2, column period: is not a "
        "reporting period (got 'Aug 2017'); expected a month as YYYY-MM, e.g. 2017-08",
    ]
    assert not validated.ok
    # Rows that cannot be read are left out of the records.
    assert validated.rows("schemes") == []
    assert validated.rows("status_updates") == []


def test_references_to_a_row_that_cannot_be_read_are_not_also_unknown(tmp_path):
    validated = check(
        tmp_path,
        programme="""\
            area_code,area_name,area_type
            E10000016,Kent,HWB
            E10000017,Lancashire,CCG
        """,
        themes="""\
            area_code,code,name,priority
            E10000017,T1,Urgent response,
            E10000016,T1,,
        """,
        schemes="""\
            area_code,ref,name,theme_code,start_date,metrics_impacted
            E10000016,S1,Rapid response,T1,2017-04-31,falls
            E10000017,S1,Rapid response,T1,,
        """,
        metrics="""\
            code,name,unit,multiplier,polarity,frequency
            falls,Falls,count,one,lower_is_better,month
        """,
        scheme_finance="""\
            area_code,scheme_ref,financial_year,line,recurrent
            E10000016,S1,2017-18,spend,100
        """,
        metric_values=values("E10000016,falls,2017-08-01,2017-08-31,actual,3,,"),
    )
    # One error for each unreadable row, none for the rows that refer to it.
    assert texts(validated) == [
        "error: programme.csv, sheet programme, row 3, column area_type: is not an area type "
        "(got 'CCG'); expected HWB, ICB or region",
        "error: themes.csv, sheet themes, row 3, column name: a value is required; "
        "expected a value",
        "error: schemes.csv, sheet schemes, row 2, column start_date: is not a real date "
        "(got '2017-04-31'); expected a date as YYYY-MM-DD, e.g. 2017-08-31",
        "error: metrics.csv, sheet metrics, row 2, column multiplier: is not a number "
        "(got 'one'); expected a whole number",
    ]


def test_a_row_with_several_bad_cells_names_each(tmp_path):
    validated = check(
        tmp_path,
        risks="""\
            area_code,ref,title,likelihood,impact,as_at
            E10000016,R1,Workforce,High,2.5,13/03/2014
        """,
    )
    assert texts(validated) == [
        "error: risks.csv, sheet risks, row 2, column likelihood: is not a number (got 'High'); "
        "expected a whole number",
        "error: risks.csv, sheet risks, row 2, column impact: is not a whole number "
        "(got '2.5'); expected a whole number",
        "error: risks.csv, sheet risks, row 2, column as_at: is not a date (got '13/03/2014'); "
        "expected a date as YYYY-MM-DD, e.g. 2017-08-31",
    ]


def test_required_values_missing(tmp_path):
    validated = check(
        tmp_path,
        programme="""\
            area_code,area_name,area_type
            E10000016,Kent,HWB
            ,Lancashire,HWB
        """,
        schemes="""\
            area_code,ref,name
            E10000016,S1,
        """,
        metrics=METRICS,
        metric_values=values("E10000016,falls,,2017-08-31,actual,3,,"),
    )
    assert texts(validated) == [
        "error: programme.csv, sheet programme, row 3, column area_code: a value is required; "
        "expected an ONS area code",
        "error: schemes.csv, sheet schemes, row 2, column name: a value is required; "
        "expected a value",
        "error: metric_values.csv, sheet metric_values, row 2, column period_start: a value is "
        "required; expected a date as YYYY-MM-DD",
    ]


# -- references -----------------------------------------------------------------------------


def test_unknown_area(tmp_path):
    validated = check(
        tmp_path,
        programme="""\
            area_code,area_name,area_type,parent_code
            E10000016,Kent,HWB,E12000008
            E10000017,Lancashire,HWB,E10000017
        """,
        themes="""\
            area_code,code,name
            E10000099,T1,Urgent response
        """,
    )
    assert texts(validated) == [
        "error: programme.csv, sheet programme, row 2, column parent_code: is not another known "
        "area (got 'E12000008'); expected the code of an area on the programme sheet or already "
        "in bettercare",
        "error: programme.csv, sheet programme, row 3, column parent_code: is not another known "
        "area (got 'E10000017'); expected the code of an area on the programme sheet or already "
        "in bettercare",
        "error: themes.csv, sheet themes, row 2, column area_code: is not a known area "
        "(got 'E10000099'); expected an area listed on the programme sheet or already in "
        "bettercare",
    ]


def test_an_area_ends_on_or_after_it_begins(tmp_path):
    validated = check(
        tmp_path,
        programme="""\
            area_code,area_name,area_type,valid_from,valid_to
            E10000021,Northamptonshire,HWB,,2021-03-31
            E06000061,North Northamptonshire,HWB,2021-04-01,
            E06000062,West Northamptonshire,HWB,2021-04-01,2021-03-31
        """,
    )
    assert texts(validated) == [
        "error: programme.csv, sheet programme, row 4, column valid_to: is before valid_from "
        "(got '2021-03-31'); expected a date on or after valid_from",
    ]


def test_unknown_scheme(tmp_path):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        scheme_finance="""\
            area_code,scheme_ref,financial_year,line,recurrent
            E10000016,S1,2017-18,spend,100
            E10000016,S9,2017-18,spend,100
        """,
        milestones="""\
            area_code,ref,scheme_ref,title,baseline_date
            E10000016,M1,S9,Go live,2017-10-01
            E10000016,M2,,Programme board,2017-05-01
        """,
        risks="""\
            area_code,ref,title,scheme_ref
            E10000016,R1,Workforce,S9
        """,
        # Lancashire has no scheme S1: a ref belongs to its area.
        status_updates=statuses("E10000017,2017-08,S1,finance,G,"),
    )
    unknown = "is not a scheme of this area"
    expected = "expected a ref from the schemes sheet (or a scheme already in bettercare)"
    assert texts(validated) == [
        f"error: scheme_finance.csv, sheet scheme_finance, row 3, column scheme_ref: {unknown} "
        f"(got 'S9'); {expected}",
        f"error: milestones.csv, sheet milestones, row 2, column scheme_ref: {unknown} "
        f"(got 'S9'); {expected}",
        f"error: risks.csv, sheet risks, row 2, column scheme_ref: {unknown} (got 'S9'); "
        f"{expected}",
        f"error: status_updates.csv, sheet status_updates, row 2, column scheme_ref: {unknown} "
        f"(got 'S1'); {expected}",
    ]


def test_unknown_theme(tmp_path):
    validated = check(
        tmp_path,
        themes="""\
            area_code,code,name
            E10000017,T1,Urgent response
        """,
        schemes="""\
            area_code,ref,name,theme_code
            E10000016,S1,Rapid response,T1
        """,
    )
    assert texts(validated) == [
        "error: schemes.csv, sheet schemes, row 2, column theme_code: is not a theme of this "
        "area (got 'T1'); expected a code from the themes sheet (or a theme already in "
        "bettercare)"
    ]


def test_unknown_metric(tmp_path):
    validated = check(
        tmp_path,
        schemes="""\
            area_code,ref,name,metrics_impacted
            E10000016,S1,Rapid response,admissions;nope;nada
        """,
        metrics="""\
            code,name,unit,multiplier,polarity,frequency,parent_code
            admissions,Emergency admissions per 100000,rate,100000,lower_is_better,month,
            falls,Falls,count,1,lower_is_better,month,
            falls_home,Falls at home,count,1,lower_is_better,month,falls
            falls_away,Falls away from home,count,1,lower_is_better,month,falls_total
        """,
        metric_values=values("E10000016,nope,2017-08-01,2017-08-31,actual,3,,"),
    )
    assert texts(validated) == [
        "error: schemes.csv, sheet schemes, row 2, column metrics_impacted: names unknown "
        "metric(s) nope, nada (got 'admissions;nope;nada'); expected metric codes from the "
        "registry or the metrics sheet, separated by ';'",
        "error: metrics.csv, sheet metrics, row 5, column parent_code: is not a known metric "
        "(got 'falls_total'); expected a metric code",
        "error: metric_values.csv, sheet metric_values, row 2, column metric_code: is not a "
        "known metric (got 'nope'); expected a code from the metric registry or the metrics "
        "sheet",
    ]


def test_references_to_what_the_database_already_holds(tmp_path):
    known = Known(
        areas={"E10000018"},
        schemes={("E10000018", "BCF 4"): date(2017, 4, 1), ("E10000018", "BCF 5"): None},
        themes={("E10000018", "T1")},
        metrics={"bcf_dtoc": MetricInfo("rate", 100000.0, "lower_is_better", "month", True)},
        baselines={("E10000018", "bcf_dtoc")},
    )
    validated = check(
        tmp_path,
        known,
        schemes="""\
            area_code,ref,name,theme_code,metrics_impacted
            E10000018,BCF 6,Falls prevention,T1,bcf_dtoc
        """,
        metric_values=values("E10000018,bcf_dtoc,2017-04-01,2018-03-31,target,,,9.4"),
        status_updates=statuses(
            "E10000018,2017-08,BCF 4,milestones,N/A,",
            "E10000018,2017-08,BCF 5,finance,Green,",
            "E10000018,2017-08,BCF 6,metrics,G,",
        ),
    )
    # Every reference resolves; the target has its baseline in the database (no warning);
    # BCF 4 has a start date in the database, so N/A (not yet due to start) is accepted.
    assert texts(validated) == []
    assert [r["status"] for r in validated.rows("status_updates")] == ["NA", "G", "G"]
    # Without the database, the same workbook refers to nothing.
    alone = validate_workbook(read_workbook(tmp_path / "plan"))
    assert [(m.sheet, m.row, m.column) for m in alone.errors] == [
        ("schemes", 2, "area_code"),
        ("schemes", 2, "theme_code"),
        ("schemes", 2, "metrics_impacted"),
        ("metric_values", 2, "area_code"),
        ("metric_values", 2, "metric_code"),
        ("status_updates", 2, "area_code"),
        ("status_updates", 2, "scheme_ref"),
        ("status_updates", 2, "status"),  # and so no start date for N/A
        ("status_updates", 3, "area_code"),
        ("status_updates", 3, "scheme_ref"),
        ("status_updates", 4, "area_code"),
    ]


def test_an_area_in_the_database_needs_no_programme_row_but_others_do(tmp_path):
    validated = check(
        tmp_path,
        Known(areas={"E10000018"}),
        themes="""\
            area_code,code,name
            E10000018,T1,Urgent response
            E10000019,T1,Urgent response
        """,
    )
    assert [(m.sheet, m.row, m.column, m.value) for m in validated.errors] == [
        ("themes", 3, "area_code", "E10000019")
    ]


# -- duplicate keys -------------------------------------------------------------------------


def test_duplicate_keys(tmp_path):
    validated = check(
        tmp_path,
        programme=PROGRAMME + "    e10000016,Kent again,HWB\n",
        schemes="""\
            area_code,ref,name
            E10000016,S1,Rapid response
            E10000016,S2,Care homes
            E10000016, S1 ,Rapid response (copy)
        """,
        metrics=METRICS,
        metric_values=values(
            "E10000016,falls,2017-08-01,2017-08-31,actual,3,,",
            "E10000016,falls,2017-08-01,2017-08-31,forecast,2,,",
            "E10000016,falls,2017-08-01,2017-08-31,actual,4,,",
        ),
        achievements="""\
            area_code,period,text
            E10000016,2017-08,Opened the hub
            E10000016,2017-08,Opened the hub
            E10000016,2017-09,Opened the hub
        """,
    )
    assert texts(validated) == [
        "error: programme.csv, sheet programme, row 4: duplicates row 2: the same area_code; "
        "expected one row for each area_code",
        "error: schemes.csv, sheet schemes, row 4: duplicates row 2: the same area_code, ref; "
        "expected one row for each area_code and ref",
        "error: metric_values.csv, sheet metric_values, row 4: duplicates row 2: the same "
        "area_code, metric_code, period_start, period_end, kind; expected one row for each "
        "area_code and metric_code and period_start and period_end and kind",
        "error: achievements.csv, sheet achievements, row 3: duplicates row 2: the same "
        "area_code, period, text; expected one row for each area_code and period and text",
    ]


# -- metric values --------------------------------------------------------------------------


def test_numerator_above_denominator_for_a_proportion(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values(
            "E10000016,home91,2016-04-01,2017-03-31,baseline,1600,1590,",
            "E10000016,home91,2017-04-01,2018-03-31,baseline,1200001,1000000,",
            # A rate's numerator may exceed its denominator.
            "E10000016,admissions,2017-08-01,2017-08-31,actual,1200,1000,",
        ),
    )
    assert texts(validated) == [
        "error: metric_values.csv, sheet metric_values, row 2, column numerator: is greater "
        "than the denominator (1,590) (got '1600'); expected a numerator no greater than the "
        "denominator for a proportion",
        "error: metric_values.csv, sheet metric_values, row 3, column numerator: is greater "
        "than the denominator (1,000,000) (got '1200001'); expected a numerator no greater than "
        "the denominator for a proportion",
    ]
    assert [r.row for r in validated.rows("metric_values")] == [4]


def test_negative_counts_and_zero_denominator(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values(
            "E10000016,falls,2017-08-01,2017-08-31,actual,-3,,",
            "E10000016,admissions,2017-08-01,2017-08-31,actual,12,-1000,",
            "E10000016,eq5d,2016-04-01,2017-03-31,baseline,,,-0.2",
            "E10000016,admissions,2017-09-01,2017-09-30,actual,12,0,",
        ),
    )
    negative = "is negative"
    expected = "expected a count or value of zero or more"
    assert texts(validated) == [
        f"error: metric_values.csv, sheet metric_values, row 2, column numerator: {negative} "
        f"(got '-3'); {expected}",
        f"error: metric_values.csv, sheet metric_values, row 3, column denominator: {negative} "
        f"(got '-1000'); {expected}",
        f"error: metric_values.csv, sheet metric_values, row 4, column value: {negative} "
        f"(got '-0.2'); {expected}",
        "error: metric_values.csv, sheet metric_values, row 5, column denominator: is zero "
        "(got '0'); expected a denominator greater than zero",
    ]


def test_negative_budgets_targets_and_outturns_are_refused(tmp_path):
    validated = check(
        tmp_path,
        funding="""\
            area_code,financial_year,stream,budget,minimum_contribution,forecast_outturn
            E10000016,2017-18,iBCF,-1,(5),-£2.50
            E10000016,2017-18,DFG,0,0,0
        """,
        savings="""\
            area_code,financial_year,target,achieved_to_date
            E10000016,2017-18,-999999999,-1
        """,
        scheme_finance="""\
            area_code,scheme_ref,financial_year,line,recurrent
            E10000016,S1,2017-18,benefit,-5000
        """,
        schemes=SCHEMES,
    )
    expected = "expected an amount of £0 or more (negative amounts mean nothing here)"
    assert texts(validated) == [
        f"error: funding.csv, sheet funding, row 2, column {column}: is negative (got {got}); "
        f"{expected}"
        for column, got in (
            ("budget", "'-1'"),
            ("minimum_contribution", "'(5)'"),
            ("forecast_outturn", "'-£2.50'"),
        )
    ] + [
        f"error: savings.csv, sheet savings, row 2, column {column}: is negative (got {got}); "
        f"{expected}"
        for column, got in (("target", "'-999999999'"), ("achieved_to_date", "'-1'"))
    ]


def test_a_value_or_its_numerator_and_denominator_is_required(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values(
            "E10000016,admissions,2017-08-01,2017-08-31,actual,120,,",
            "E10000016,falls,2017-08-01,2017-08-31,actual,,,",
            "E10000016,falls,2017-09-01,2017-09-30,actual,7,,",  # a count needs no denominator
        ),
    )
    assert texts(validated) == [
        "error: metric_values.csv, sheet metric_values, row 2, column value: there is no value; "
        "expected a value, or a numerator and denominator",
        "error: metric_values.csv, sheet metric_values, row 3, column value: there is no value; "
        "expected a value or numerator",
    ]


def test_period_end_before_period_start(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values("E10000016,falls,2017-04-01,2017-03-31,actual,3,,"),
    )
    assert texts(validated) == [
        "error: metric_values.csv, sheet metric_values, row 2, column period_end: is before "
        "period_start (got '2017-03-31'); expected a date on or after period_start"
    ]


def test_a_percent_sign_only_for_a_proportion(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS
        + "    home91_per_1000,Still at home per 1000,proportion,1000,higher_is_better,year\n",
        metric_values=values(
            "E10000016,admissions,2017-08-01,2017-08-31,actual,,,12.5%",
            "E10000016,home91,2016-04-01,2017-03-31,baseline,,,88.1%",
            "E10000016,home91_per_1000,2016-04-01,2017-03-31,baseline,,,8.1%",
        ),
    )
    assert texts(validated) == [
        "error: metric_values.csv, sheet metric_values, row 2, column value: has a % sign but "
        "admissions is a rate (got '12.5%'); expected a plain number (a % sign only for a "
        "proportion)"
    ]
    # "88.1%" is 88.1 for a multiplier of 100, 81 per 1000 for a multiplier of 1000.
    assert [r["value"] for r in validated.rows("metric_values")] == [88.1, 81.0]


def test_published_value_that_disagrees_is_kept_with_a_warning(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values(
            "E10000016,home91,2016-04-01,2017-03-31,baseline,1401,1590,90%",
            "E10000016,admissions,2016-04-01,2017-03-31,baseline,358,43636,156.2",
            # As published, rounded: no warning.
            "E10000016,home91,2015-04-01,2016-03-31,baseline,1401,1590,88.1%",
            "E10000016,admissions,2015-04-01,2016-03-31,baseline,358,43636,820",
        ),
    )
    assert texts(validated) == [
        "warning: metric_values.csv, sheet metric_values, row 2, column value: published value "
        "90 does not match numerator / denominator x multiplier = 1,401 / 1,590 x 100 = 88.11; "
        "the published value is kept (got '90%')",
        "warning: metric_values.csv, sheet metric_values, row 3, column value: published value "
        "156.2 does not match numerator / denominator x multiplier = 358 / 43,636 x 100,000 = "
        "820.42; the published value is kept (got '156.2')",
    ]
    assert validated.ok
    kept = validated.rows("metric_values")
    assert [(r.row, r["value"]) for r in kept] == [(2, 90.0), (3, 156.2), (4, 88.1), (5, 820.0)]
    assert kept[0].warnings == [
        "published value 90 does not match numerator / denominator x multiplier = "
        "1,401 / 1,590 x 100 = 88.11; the published value is kept"
    ]
    assert kept[2].warnings == kept[3].warnings == []


@pytest.mark.parametrize(
    ("numerator", "denominator", "published"),
    [(9, 1000, "0.9%"), (331, 10000, "3.3%"), (7, 100, "7%"), (131, 1000, "13.1%")],
)
def test_a_percentage_rounded_as_published_agrees(tmp_path, numerator, denominator, published):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values(
            f"E10000016,home91,2016-04-01,2017-03-31,baseline,{numerator},{denominator},{published}"
        ),
    )
    assert texts(validated) == []
    [record] = validated.rows("metric_values")
    assert record["value"] == float(published.rstrip("%"))


def test_target_without_a_baseline(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values(
            "E10000016,falls,2017-04-01,2018-03-31,target,,,1200",
            "E10000016,admissions,2016-04-01,2017-03-31,baseline,,,800",
            "E10000016,admissions,2017-04-01,2018-03-31,target,,,780",
            # Lancashire's baseline is not Kent's.
            "E10000017,admissions,2017-04-01,2018-03-31,target,,,700",
        ),
    )
    assert texts(validated) == [
        "warning: metric_values.csv, sheet metric_values, row 2, column kind: has no baseline "
        "for the same area and metric (got 'target')",
        "warning: metric_values.csv, sheet metric_values, row 5, column kind: has no baseline "
        "for the same area and metric (got 'target')",
    ]
    assert validated.ok
    assert [r.warnings for r in validated.rows("metric_values")] == [
        ["has no baseline for the same area and metric"],
        [],
        [],
        ["has no baseline for the same area and metric"],
    ]


# -- metric definitions ---------------------------------------------------------------------


NATIONAL_DTOC = MetricInfo("rate", 100000.0, "lower_is_better", "month", national=True)


def test_metric_multiplier_must_be_positive(tmp_path):
    validated = check(
        tmp_path,
        metrics="""\
            code,name,unit,multiplier,polarity,frequency
            falls,Falls,count,0,lower_is_better,month
        """,
    )
    assert texts(validated) == [
        "error: metrics.csv, sheet metrics, row 2, column multiplier: must be greater than zero "
        "(got '0'); expected e.g. 1, 100 or 100000"
    ]


def test_a_national_metric_cannot_be_redefined(tmp_path):
    validated = check(
        tmp_path,
        Known(metrics={"bcf_dtoc": NATIONAL_DTOC}),
        metrics="""\
            code,name,unit,multiplier,polarity,frequency
            bcf_dtoc,Delayed transfers per 1000,rate,1000,lower_is_better,month
        """,
    )
    assert texts(validated) == [
        "error: metrics.csv, sheet metrics, row 2, column code: is a national metric with a "
        "different definition (got 'bcf_dtoc'); expected a new code for a local metric, or the "
        "national definition unchanged"
    ]


def test_a_national_metric_may_be_repeated_unchanged(tmp_path):
    validated = check(
        tmp_path,
        Known(metrics={"bcf_dtoc": NATIONAL_DTOC}),
        metrics="""\
            code,name,unit,multiplier,polarity,frequency
            bcf_dtoc,Delayed transfers of care (our name for it),rate,100000,lower_is_better,month
        """,
        metric_values=values("E10000016,bcf_dtoc,2017-08-01,2017-08-31,actual,13,200382,6.5"),
    )
    assert texts(validated) == []


def test_the_workbook_redefines_a_local_metric_it_imported_before(tmp_path):
    # Imported last year as a count; this workbook makes it a proportion and uses a % sign.
    stored = MetricInfo("count", 1.0, "lower_is_better", "month", national=False)
    validated = check(
        tmp_path,
        Known(metrics={"falls_local": stored}),
        metrics="""\
            code,name,unit,multiplier,polarity,frequency
            falls_local,Falls as a share of admissions,proportion,100,lower_is_better,month
        """,
        metric_values=values("E10000016,falls_local,2017-08-01,2017-08-31,actual,125,1000,12.5%"),
    )
    assert texts(validated) == []
    assert validated.rows("metric_values")[0]["value"] == 12.5


# -- returns: statuses, commentary and periods ----------------------------------------------


def test_amber_or_red_without_commentary(tmp_path):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        status_updates=statuses(
            "E10000016,2017-08,S1,finance,Amber,",
            "E10000016,2017-08,S1,savings,RED,   ",
            "E10000016,2017-08,S1,metrics,R,Admissions 12% above plan; recovery plan agreed",
            "E10000016,2017-08,S1,milestones,G,",
        ),
        programme_status="""\
            area_code,period,dimension,status,summary
            E10000016,2017-08,plan,A,
            E10000016,2017-08,budget,Red,Overspend on care homes
            E10000016,2017-08,benefits,G,
        """,
    )
    assert texts(validated) == [
        "error: status_updates.csv, sheet status_updates, row 2, column commentary: Exception "
        "commentary is required for an AMBER status: say what is off track and what is being "
        "done about it; expected exception commentary",
        "error: status_updates.csv, sheet status_updates, row 3, column commentary: Exception "
        "commentary is required for a RED status: say what is off track and what is being done "
        "about it (got '   '); expected exception commentary",
        "error: programme_status.csv, sheet programme_status, row 2, column summary: a summary "
        "is required for an AMBER or RED programme status; expected what is off track and what "
        "is being done about it",
    ]


def test_status_e_is_not_used_for_finance_or_milestones(tmp_path):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        status_updates=statuses(
            "E10000016,2017-08,S1,finance,E,",
            "E10000016,2017-08,S1,milestones,Enabler,",
            "E10000016,2017-08,S1,metrics,E,",
            "E10000016,2017-08,S1,savings,E,",
        ),
    )
    assert texts(validated) == [
        "error: status_updates.csv, sheet status_updates, row 2, column status: status 'E' is "
        "not used for finance; use one of G, A, R, NA (got 'E'); expected a status used for "
        "this dimension",
        "error: status_updates.csv, sheet status_updates, row 3, column status: status 'E' is "
        "not used for milestones; use one of G, A, R, NA (got 'Enabler'); expected a status "
        "used for this dimension",
    ]


def test_na_milestones_need_a_scheme_start_date(tmp_path):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        status_updates=statuses(
            "E10000016,2017-08,S1,milestones,N/A,",
            "E10000016,2017-08,S2,milestones,n/a,",
            "E10000016,2017-08,S2,savings,NA,",
            "E10000016,2017-08,S2,finance,NA,",
        ),
    )
    assert texts(validated) == [
        "error: status_updates.csv, sheet status_updates, row 3, column status: is N/A (not yet "
        "due to start) but scheme S2 has no start date (got 'n/a'); expected a start_date on "
        "this row or for the scheme on the schemes sheet",
        "error: status_updates.csv, sheet status_updates, row 4, column commentary: Exception "
        "commentary is required for an N/A status: say what is off track and what is being done "
        "about it; expected exception commentary",
    ]


def test_a_signed_off_period_cannot_be_changed(tmp_path):
    known = Known(
        areas={KENT}, schemes={(KENT, "S1"): date(2017, 4, 1)}, signed_off={(KENT, "2017-07")}
    )
    validated = check(
        tmp_path,
        known,
        status_updates=statuses(
            "E10000016,2017-07,S1,finance,G,", "E10000016,2017-08,S1,finance,G,"
        ),
        programme_status="""\
            area_code,period,dimension,status
            E10000016,2017-07,plan,G
        """,
        achievements="""\
            area_code,period,text
            E10000016,2017-07,Opened the hub
            E10000017,2017-07,Lancashire's July is open
        """,
    )
    problem = "is signed off, so it can no longer be changed (got '2017-07'); expected an open "
    assert texts(validated) == [
        f"error: status_updates.csv, sheet status_updates, row 2, column period: {problem}"
        "or submitted reporting period",
        f"error: programme_status.csv, sheet programme_status, row 2, column period: {problem}"
        "or submitted reporting period",
        f"error: achievements.csv, sheet achievements, row 2, column period: {problem}"
        "or submitted reporting period",
    ]
    assert [r["period"] for r in validated.rows("achievements")] == [
        Month(2017, 7),
        Month(2017, 7),
    ]


# -- risks ----------------------------------------------------------------------------------


def test_likelihood_and_impact_from_1_to_5(tmp_path):
    validated = check(
        tmp_path,
        risks="""\
            area_code,ref,title,likelihood,impact,previous_score
            E10000016,R1,Workforce,6,3,
            E10000016,R2,Skills,3,0,
            E10000016,R3,Governance,5,5,26
            E10000016,R4,Communication,1,1,25
        """,
    )
    assert texts(validated) == [
        "error: risks.csv, sheet risks, row 2, column likelihood: is outside 1 to 5 (got '6'); "
        "expected a whole number from 1 to 5",
        "error: risks.csv, sheet risks, row 3, column impact: is outside 1 to 5 (got '0'); "
        "expected a whole number from 1 to 5",
        "error: risks.csv, sheet risks, row 4, column previous_score: is outside 1 to 25 "
        "(got '26'); expected a whole number from 1 to 25",
    ]


def test_a_risk_rating_is_high_medium_or_low_in_any_case(tmp_path):
    validated = check(
        tmp_path,
        risks="""\
            area_code,ref,title,likelihood,impact,rating
            E10000016,R1,Workforce,,,High
            E10000016,R2,Skills,,,medium
            E10000016,R3,Governance,3,4, LOW
            E10000016,R4,Communication,,,Severe
            E10000016,R5,IT,,,
        """,
    )
    assert texts(validated) == [
        "error: risks.csv, sheet risks, row 5, column rating: is not a risk rating "
        "(got 'Severe'); expected High, Medium or Low",
    ]
    ratings = [record["rating"] for record in validated.records["risks"]]
    assert ratings == ["high", "medium", "low", None]  # the bad row is not kept


# -- totals ---------------------------------------------------------------------------------


def test_scheme_spend_that_does_not_add_up_to_the_budget(tmp_path):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        funding="""\
            area_code,financial_year,stream,organisation,budget
            E10000016,2017-18,BCF,Kent County Council,"£150,000"
            E10000016,2017-18,iBCF,Kent County Council,"£50,000"
            E10000016,2018-19,BCF,Kent County Council,"£100,000"
        """,
        scheme_finance="""\
            area_code,scheme_ref,financial_year,line,recurrent,non_recurrent
            E10000016,S1,2017-18,benefit,"-42,042",
            E10000016,S1,2017-18,spend,"100,000","25,000"
            E10000016,S2,2017-18,spend,"50,000",
            E10000016,S1,2018-19,spend,"60,000",
            E10000016,S2,2018-19,spend,"39,999.50",0.50
            E10000016,S1,2019-20,spend,"1,000",
        """,
    )
    # 2017-18: 175,000 of 200,000; 2018-19 adds up; 2019-20 has no budget to compare with.
    assert texts(validated) == [
        "warning: scheme_finance.csv, sheet scheme_finance, row 3: scheme spend for E10000016 "
        "in 2017-18 totals £175,000 but the funding budgets total £200,000"
    ]
    assert validated.ok
    assert validated.rows("scheme_finance")[1].warnings == [
        "scheme spend for E10000016 in 2017-18 totals £175,000 but the funding budgets total "
        "£200,000"
    ]


# -- the messages themselves ----------------------------------------------------------------


def test_messages_come_in_sheet_order_then_row_order(tmp_path):
    validated = check(
        tmp_path,
        schemes="""\
            area_code,ref,name,start_date
            E10000016,S1,Rapid response,2017-04-31
        """,
        themes="""\
            area_code,code,name
            E10000099,T1,Urgent response
            E10000016,T2,
        """,
        funding="""\
            area_code,financial_year,stream,budget
            E10000016,2017-18,BCF,lots
        """,
    )
    assert [(m.sheet, m.row, m.column) for m in validated.messages] == [
        ("funding", 2, "budget"),
        ("themes", 2, "area_code"),
        ("themes", 3, "name"),
        ("schemes", 2, "start_date"),
    ]


def test_message_as_dict(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=values("E10000016,admissions,2016-04-01,2017-03-31,baseline,358,43636,156.2"),
    )
    [warning] = validated.warnings
    assert warning.as_dict() == {
        "severity": "warning",
        "source": "metric_values.csv",
        "sheet": "metric_values",
        "row": 2,
        "column": "value",
        "value": "'156.2'",
        "problem": "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42; the published value is kept",
        "expected": "",
        "message": str(warning),
    }
    assert validated.errors == []


def test_unknown_sheets_and_columns_are_errors_of_the_workbook(tmp_path):
    validated = check(
        tmp_path,
        schemse="area_code,ref,name\n",
        themes="""\
            area_code,code,name,owner
            E10000016,T1,Urgent response,Jo Smith
        """,
        risks="""\
            area_code,ref,title,likelihood
            E10000016,R1,Workforce,9
        """,
    )
    assert texts(validated) == [
        "error: themes.csv, sheet themes, row 1, column owner: unknown column 'owner'; expected "
        "only the columns area_code, code, name, priority",
        "error: risks.csv, sheet risks, row 2, column likelihood: is outside 1 to 5 (got '9'); "
        "expected a whole number from 1 to 5",
        "error: schemse.csv, sheet schemse: unknown sheet 'schemse' (file schemse.csv) (did you "
        "mean 'schemes'?); expected CSV files named after the sheets: programme, funding, "
        "savings, themes, schemes, scheme_delivery_chain, scheme_investment, scheme_kpis, "
        "scheme_finance, metrics, metric_values, metric_commentary, "
        "spc_rebase, milestones, risks, status_updates, programme_status, achievements, "
        "planned_activities, assurance, pay_for_performance, performance_payments, plan_details, "
        "plan_sign_offs, national_conditions",
    ]
    assert not validated.ok
    assert validated.rows("themes") == []  # a sheet with a bad header is not read


def test_metric_commentary_names_a_known_metric_a_month_and_some_text(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_commentary="""\
            area_code,metric_code,period,commentary
            E10000016,admissions,2017-08,Winter plan started early
            E10000016,nope,2017-08,About nothing
            E10000016,falls,Aug 2017,A month written out
            E10000016,falls,2017-07,
            E99999999,falls,2017-08,Another area
        """,
    )
    assert texts(validated) == [
        "error: metric_commentary.csv, sheet metric_commentary, row 3, column metric_code: is "
        "not a known metric (got 'nope'); expected a code from the metric registry or the "
        "metrics sheet",
        "error: metric_commentary.csv, sheet metric_commentary, row 4, column period: is not a "
        "reporting period (got 'Aug 2017'); expected a month as YYYY-MM, e.g. 2017-08",
        "error: metric_commentary.csv, sheet metric_commentary, row 5, column commentary: a "
        "value is required; expected a value",
        "error: metric_commentary.csv, sheet metric_commentary, row 6, column area_code: is not "
        "a known area (got 'E99999999'); expected an area listed on the programme sheet or "
        "already in bettercare",
    ]
    good = validated.rows("metric_commentary")[0]
    assert (good["metric_code"], good["period"], good["commentary"]) == (
        "admissions",
        Month(2017, 8),
        "Winter plan started early",
    )


def test_a_sum_of_squares_only_for_a_mean_with_its_sum_and_count(tmp_path):
    header = (
        "area_code,metric_code,period_start,period_end,kind,numerator,denominator,sum_of_squares\n"
    )
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=header
        + "E10000016,eq5d,2016-04-01,2017-03-31,actual,140,200,110\n"  # >= 140² / 200 = 98
        + "E10000016,admissions,2017-08-01,2017-08-31,actual,12,1000,150\n"
        + "E10000016,eq5d,2017-04-01,2018-03-31,actual,,,5\n"
        + "E10000016,eq5d,2018-04-01,2019-03-31,actual,140,200,97\n"
        + "E10000016,eq5d,2019-04-01,2020-03-31,actual,140,200,-1\n",
    )
    where = "error: metric_values.csv, sheet metric_values"
    assert texts(validated) == [
        f"{where}, row 3, column sum_of_squares: is given but admissions is a rate, not a mean "
        "(got '150'); expected a sum of squares only for a mean (leave it blank)",
        f"{where}, row 4, column sum_of_squares: is given without the numerator and denominator "
        "it goes with (got '5'); expected the sum of the values (numerator) and their count "
        "(denominator) too",
        f"{where}, row 4, column value: there is no value; expected a value, or a "
        "numerator and denominator",
        f"{where}, row 5, column sum_of_squares: is less than numerator squared / denominator "
        "(98), which no real values give (got '97'); expected the sum of the squared record "
        "values, at least numerator² / denominator",
        f"{where}, row 6, column sum_of_squares: is negative (got '-1'); expected a count or "
        "value of zero or more",
    ]
    [kept] = validated.rows("metric_values")
    assert kept["sum_of_squares"] == 110


def test_a_qualified_answer_needs_its_footnote_and_a_headline_question_y_or_n(tmp_path):
    validated = check(
        tmp_path,
        assurance="""\
            area_code,round,criterion,status,comment,qualified,footnote
            E10000016,2017-18 Q2,Plan jointly agreed,G,,N,
            E10000016,2017-18 Q2,Recommended for final sign-off,Y,,Y,
            E10000016,2017-18 Q2,High-risk plan,A,Financial risk,,
            E10000016,2017-18 Q3,High-risk plan,N,,yes,Impact on providers not agreed
        """,
    )
    assert texts(validated) == [
        "error: assurance.csv, sheet assurance, row 3, column footnote: is empty but the "
        "answer is qualified (qualified is yes); expected the footnote that explains the "
        "qualification",
        "error: assurance.csv, sheet assurance, row 4, column status: the answer must be Y or "
        "N, not 'A' (got 'A'); expected Y or N",
    ]


def test_an_spc_rebase_falls_within_the_metrics_monthly_data(tmp_path):
    validated = check(
        tmp_path,
        metrics=METRICS,
        metric_values=VALUES
        + "E10000016,falls,2017-04-01,2017-04-30,actual,41,,\n"
        + "E10000016,falls,2017-05-01,2017-05-31,actual,38,,\n"
        + "E10000016,falls,2017-06-01,2017-06-30,actual,30,,\n",
        spc_rebase="""\
            area_code,metric_code,period,reason
            E10000016,falls,2017-05,Night falls team started
            E10000016,falls,2017-04,Too early: no point before it
            E10000016,falls,2017-07,After the last value
            E10000016,admissions,2017-05,No monthly values
            E10000016,nope,2017-05,Unknown metric
            E10000016,falls,2017-06,
        """,
    )
    where = "error: spc_rebase.csv, sheet spc_rebase"
    assert texts(validated) == [
        f"{where}, row 3, column period: is outside the monthly data of falls for E10000016 "
        "(got '2017-04'); expected a month from 2017-05 to 2017-06",
        f"{where}, row 4, column period: is outside the monthly data of falls for E10000016 "
        "(got '2017-07'); expected a month from 2017-05 to 2017-06",
        f"{where}, row 5, column period: is a rebase of admissions, which has fewer than two "
        "monthly values for E10000016 (got '2017-05'); expected a metric with monthly actual "
        "values for the area",
        f"{where}, row 6, column metric_code: is not a known metric (got 'nope'); expected a "
        "code from the metric registry or the metrics sheet",
        f"{where}, row 7, column reason: a value is required; expected a value",
    ]
    good = validated.rows("spc_rebase")[0]
    assert (good["metric_code"], good["period"], good["reason"]) == (
        "falls",
        Month(2017, 5),
        "Night falls team started",
    )


# -- scheme descriptions (seed 003) ---------------------------------------------------------


def test_scheme_description_sheets_read_roles_levels_and_cadences_as_the_plan_writes_them(
    tmp_path,
):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        scheme_delivery_chain="""\
            area_code,scheme_ref,organisation,role,responsibility
            E10000016,S1,Leicester City CCG,Commissioners,Pays the licence fee
            E10000016,S1,Johns Hopkins University,provider,The ACG software
        """,
        scheme_investment="""\
            area_code,scheme_ref,financial_year,amount
            E10000016,S1,2014-15,"£54,000"
        """,
        scheme_kpis="""\
            area_code,scheme_ref,kpi,level,target,unit,cadence,reported_to
            E10000016,S1,Care plans agreed,Practice level,80,%,Weekly,Practice
            E10000016,S1,Care plans agreed,locality,75,%,bi-weekly,BCF Implementation Group
        """,
    )
    assert validated.messages == []
    roles = [(r["organisation"], r["role"]) for r in validated.rows("scheme_delivery_chain")]
    assert roles == [
        ("Leicester City CCG", "commissioner"),
        ("Johns Hopkins University", "provider"),
    ]
    [investment] = validated.rows("scheme_investment")
    assert (investment["financial_year"], investment["amount"]) == (FinancialYear(2014), 54_000)
    kpis = [(r["level"], r["target"], r["cadence"]) for r in validated.rows("scheme_kpis")]
    assert kpis == [("practice", 80.0, "weekly"), ("locality", 75.0, "biweekly")]


def test_bad_scheme_description_rows_are_named_one_line_each(tmp_path):
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        scheme_delivery_chain="""\
            area_code,scheme_ref,organisation,role,responsibility
            E10000016,S1,,provider,Software
            E10000016,S1,GEM CSU,landlord,
            E10000016,S9,GEM CSU,provider,
        """,
        scheme_investment="""\
            area_code,scheme_ref,financial_year,amount
            E10000016,S1,2014,54000
            E10000016,S1,2015-16,-1
        """,
        scheme_kpis="""\
            area_code,scheme_ref,kpi,level,target,unit,cadence,reported_to
            E10000016,S1,Care plans,ward,,,weekly,
            E10000016,S1,Care plans,practice,120,%,weekly,
            E10000016,S1,Vaccinations,practice,,,daily,
        """,
    )
    where = "error: scheme_delivery_chain.csv, sheet scheme_delivery_chain"
    assert texts(validated) == [
        f"{where}, row 2, column organisation: a value is required; expected the organisation "
        "that has this role (a role in the delivery chain needs an organisation)",
        f"{where}, row 3, column role: is not a delivery-chain role (got 'landlord'); expected "
        "commissioner, provider, partner",
        f"{where}, row 4, column scheme_ref: is not a scheme of this area (got 'S9'); expected "
        "a ref from the schemes sheet (or a scheme already in bettercare)",
        "error: scheme_investment.csv, sheet scheme_investment, row 2, column financial_year: "
        "is not a financial year (got '2014'); expected a financial year as YYYY-YY, e.g. 2017-18",
        "error: scheme_investment.csv, sheet scheme_investment, row 3, column amount: is negative "
        "(got '-1'); expected an amount of £0 or more (negative amounts mean nothing here)",
        "error: scheme_kpis.csv, sheet scheme_kpis, row 2, column level: is not a KPI level "
        "(got 'ward'); expected practice, locality, area",
        "error: scheme_kpis.csv, sheet scheme_kpis, row 3, column target: a target in per cent "
        "must be from 0 to 100, not 120 (got '120'); expected a target from 0 to 100 for a unit "
        "of %",
        "error: scheme_kpis.csv, sheet scheme_kpis, row 4, column cadence: is not a reporting "
        "cadence (got 'daily'); expected weekly, biweekly, monthly, quarterly",
    ]


def test_na_milestones_take_the_start_date_on_the_return_row(tmp_path):
    """The return form records when a scheme not yet due to start will start; the workbook
    carries it on the status row (ADR 0118), which satisfies the rule as the scheme's would."""
    validated = check(
        tmp_path,
        schemes=SCHEMES,
        status_updates=(
            "area_code,period,scheme_ref,dimension,status,commentary,additional_information,"
            "start_date\n"
            "E10000016,2017-08,S2,milestones,N/A,,,2017-11-01\n"
        ),
    )
    assert texts(validated) == []
    assert validated.rows("status_updates")[0]["start_date"] == date(2017, 11, 1)


# -- a clean metric values sheet held by column (ADR 0140) -----------------------------------


CLEAN_VALUES = (
    "E10000016,admissions,2017-04-01,2017-04-30,actual,120,1500000,8",
    "E10000016,home91,2017-04-01,2018-03-31,actual,80,100,80%",
    "E10000017,falls,2017-04-01,2017-04-30,actual,12,,",
    "E10000017,home91,2017-04-01,2018-03-31,forecast,,,0.5",
)


def test_a_clean_metric_values_sheet_is_held_by_column_as_its_records_would_hold_it(tmp_path):
    validated = check(tmp_path, metrics=METRICS, metric_values=values(*CLEAN_VALUES))
    assert texts(validated) == []
    held = validated.by_column("metric_values")
    assert held is not None
    assert held["area_code"] == ["E10000016", "E10000016", "E10000017", "E10000017"]
    assert held["value"] == [8.0, 80.0, None, 0.5]  # a proportion's 80% is kept as 80.0
    assert held["numerator"] == [120.0, 80.0, 12.0, None]
    assert held["period_end"][1] == date(2018, 3, 31)
    assert validated.distinct("metric_values", "metric_code") == {"admissions", "home91", "falls"}
    assert validated.sheet_names == {"programme", "metrics", "metric_values"}
    # Asked for by record: the same values, row numbers and no warnings; then no longer held.
    records = validated.rows("metric_values")
    assert [(r.row, r.warnings) for r in records] == [(2, []), (3, []), (4, []), (5, [])]
    assert [r["value"] for r in records] == [8.0, 80.0, None, 0.5]
    assert [r["kind"] for r in records] == ["actual", "actual", "actual", "forecast"]
    assert validated.by_column("metric_values") is None
    assert validated.rows("metric_values") is records


def test_a_sheet_is_checked_by_record_where_a_row_has_something_to_say(tmp_path):
    """An unknown area, a warning, a bad cell or a duplicate key: records, with the same
    messages as ever."""
    for bad, message in (
        ("E99999999,falls,2017-05-01,2017-05-31,actual,3,,", "is not a known area"),
        ("E10000016,falls,2017-04-01,2018-03-31,target,,,1200", "has no baseline"),
        ("E10000016,falls,2017-05-01,2017-05-31,actual,three,,", "a number"),
        (CLEAN_VALUES[0], "duplicates row 2"),
    ):
        validated = check(tmp_path, metrics=METRICS, metric_values=values(*CLEAN_VALUES, bad))
        assert validated.by_column("metric_values") is None
        assert len(validated.messages) == 1
        assert message in str(validated.messages[0])
        assert validated.messages[0].row == 6
