"""The ``bettercare`` command line through ``main``: output, exit codes and one-line errors."""

import calendar
import json
import math
import shutil
import textwrap

import pytest
from scipy import stats

from bettercare.cli.main import main
from bettercare.core.periods import Month
from bettercare.core.summary import MetricSpec, Observation, summarise_metric
from bettercare.web.finance.models import SchemeFinance
from bettercare.web.performance.contract import KEYS, metric_json
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area, Risk, Scheme
from bettercare.web.programmes.queries import current_month as current

pytestmark = pytest.mark.django_db

MESSAGE_KEYS = [
    "severity",
    "source",
    "sheet",
    "row",
    "column",
    "value",
    "problem",
    "expected",
    "message",
]
SKC_WARNINGS = [
    "warning: metric_values.csv, sheet metric_values, row 2, column value: published value 156.2 "
    "does not match numerator / denominator x multiplier = 358 / 43,636 x 100,000 = 820.42; the "
    "published value is kept (got '156.2')",
    "warning: metric_values.csv, sheet metric_values, row 3, column value: published value 154 "
    "does not match numerator / denominator x multiplier = 346 / 44,552 x 100,000 = 776.62; the "
    "published value is kept (got '154')",
    "warning: metric_values.csv, sheet metric_values, row 6, column value: published value 38.5 "
    "does not match numerator / denominator x multiplier = 13 / 200,382 x 100,000 = 6.49; the "
    "published value is kept (got '38.5')",
    "warning: metric_values.csv, sheet metric_values, row 7, column value: published value 36.4 "
    "does not match numerator / denominator x multiplier = 11 / 202,306 x 100,000 = 5.44; the "
    "published value is kept (got '36.4')",
]


def run(capsys, *argv):
    """Exit code, standard output and standard error of ``bettercare ARGV``."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def database_counts():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (Area, Scheme, SchemeFinance, Metric, MetricValue, Risk)
    }


def broken_copy(south_kent_coast, folder):
    broken = shutil.copytree(south_kent_coast, folder)
    schemes = broken / "schemes.csv"
    schemes.write_text(
        schemes.read_text(encoding="utf-8").replace(",N,2015-04-01,", ",N,2015-04-31,"),
        encoding="utf-8",
    )
    return broken


# -- import ---------------------------------------------------------------------------------


def test_import_prints_warnings_and_counts_and_exits_0(south_kent_coast, capsys):
    code, out, err = run(capsys, "import", str(south_kent_coast))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        *SKC_WARNINGS,
        "Imported south-kent-coast-2014 (4 warning(s)):",
        "sheet                  created  updated  unchanged",
        "---------------------  -------  -------  ---------",
        "programme              1        0        0",
        "metrics                6        0        0",
        "schemes                6        0        0",
        "scheme_delivery_chain  6        0        0",
        "scheme_finance         24       0        0",
        "funding                2        0        0",
        "metric_values          12       0        0",
        "risks                  9        0        0",
        "pay_for_performance    5        0        0",
        "plan_details           1        0        0",
        "plan_sign_offs         3        0        0",
        "national_conditions    4        0        0",
    ]
    assert MetricValue.objects.count() == 12
    # Recorded against the command-line account.
    assert {v.history.get().history_user.username for v in MetricValue.objects.all()} == {
        "bettercare-cli"
    }

    code, out, _ = run(capsys, "import", str(south_kent_coast))
    assert code == 0
    assert out.splitlines()[-12:] == [
        "programme              0        0        1",
        "metrics                0        0        6",
        "schemes                0        0        6",
        "scheme_delivery_chain  0        0        6",
        "scheme_finance         0        0        24",
        "funding                0        0        2",
        "metric_values          0        0        12",
        "risks                  0        0        9",
        "pay_for_performance    0        0        5",
        "plan_details           0        0        1",
        "plan_sign_offs         0        0        3",
        "national_conditions    0        0        4",
    ]


def test_import_with_errors_exits_1_and_writes_nothing(south_kent_coast, tmp_path, capsys):
    assert main(["import", str(south_kent_coast)]) == 0
    capsys.readouterr()
    before = database_counts()
    broken = broken_copy(south_kent_coast, tmp_path / "broken")
    code, out, err = run(capsys, "import", str(broken))
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "error: schemes.csv, sheet schemes, row 5, column start_date: is not a real date "
        "(got '2015-04-31'); expected a date as YYYY-MM-DD, e.g. 2017-08-31",
        *SKC_WARNINGS,
        "1 error(s), 4 warning(s): nothing was imported.",
    ]
    assert database_counts() == before


def test_import_as_json(south_kent_coast, tmp_path, capsys):
    code, out, _ = run(capsys, "import", str(south_kent_coast), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert list(report) == ["source", "ok", "dry_run", "written", "errors", "warnings", "counts"]
    assert (report["source"], report["ok"], report["dry_run"], report["written"]) == (
        "south-kent-coast-2014",
        True,
        False,
        True,
    )
    assert report["errors"] == []
    assert [list(w) for w in report["warnings"]] == [MESSAGE_KEYS] * 4
    assert report["warnings"][0] == {
        "severity": "warning",
        "source": "metric_values.csv",
        "sheet": "metric_values",
        "row": 2,
        "column": "value",
        "value": "'156.2'",
        "problem": "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42; the published value is kept",
        "expected": "",
        "message": SKC_WARNINGS[0],
    }
    assert report["counts"]["metric_values"] == {"created": 12, "updated": 0, "unchanged": 0}
    assert report["counts"]["risks"] == {"created": 9, "updated": 0, "unchanged": 0}
    assert {c["updated"] for c in report["counts"].values()} == {0}

    broken = broken_copy(south_kent_coast, tmp_path / "broken")
    code, out, _ = run(capsys, "import", str(broken), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["ok"], report["written"], report["counts"]) == (False, False, {})
    assert report["errors"] == [
        {
            "severity": "error",
            "source": "schemes.csv",
            "sheet": "schemes",
            "row": 5,
            "column": "start_date",
            "value": "'2015-04-31'",
            "problem": "is not a real date",
            "expected": "a date as YYYY-MM-DD, e.g. 2017-08-31",
            "message": "error: schemes.csv, sheet schemes, row 5, column start_date: is not a "
            "real date (got '2015-04-31'); expected a date as YYYY-MM-DD, e.g. 2017-08-31",
        }
    ]
    assert len(report["warnings"]) == 4


def test_dry_run_checks_and_writes_nothing(south_kent_coast, registry, capsys):
    before = database_counts()
    code, out, _ = run(capsys, "import", str(south_kent_coast), "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        *SKC_WARNINGS,
        "south-kent-coast-2014 is valid (4 warning(s)); nothing was written (dry run).",
    ]
    code, out, _ = run(capsys, "import", str(south_kent_coast), "--dry-run", "--format", "json")
    report = json.loads(out)
    assert (code, report["ok"], report["dry_run"], report["written"], report["counts"]) == (
        0,
        True,
        True,
        False,
        {},
    )
    assert database_counts() == before


def test_import_as_a_named_user(south_kent_coast, importer, capsys):
    assert main(["import", str(south_kent_coast), "--as", "analyst"]) == 0
    history = MetricValue.objects.first().history.get()
    assert history.history_user == importer
    assert history.history_change_reason.startswith("bettercare import south-kent-coast-2014 (by ")


# -- areas and export -----------------------------------------------------------------------

PLAN = {
    "programme": """\
        area_code,area_name,area_type,parent_code
        E12000008,South East,region,
        E10000016,Kent,HWB,E12000008
        E06000035,Medway,HWB,E12000008
    """,
}


def csv_folder(folder, **sheets):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def test_areas_as_json_and_as_a_table(tmp_path, capsys):
    assert main(["import", str(csv_folder(tmp_path / "plan", **PLAN))]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "areas", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"code": "E06000035", "name": "Medway", "type": "HWB", "parent": "E12000008"},
        {"code": "E10000016", "name": "Kent", "type": "HWB", "parent": "E12000008"},
        {"code": "E12000008", "name": "South East", "type": "region", "parent": None},
    ]
    code, out, _ = run(capsys, "areas")
    assert code == 0
    assert out == (
        "code       name        type    parent\n"
        "---------  ----------  ------  ---------\n"
        "E06000035  Medway      HWB     E12000008\n"
        "E10000016  Kent        HWB     E12000008\n"
        "E12000008  South East  region\n"
    )


def test_areas_in_an_empty_database(capsys):
    assert run(capsys, "areas", "--format", "json") == (0, "[]\n", "")


def test_export_to_a_workbook_and_to_a_folder(south_kent_coast, tmp_path, capsys):
    assert main(["import", str(south_kent_coast)]) == 0
    capsys.readouterr()

    workbook = tmp_path / "out" / "kent.xlsx"
    code, out, _ = run(capsys, "export", str(workbook), "--area", "e10000016")
    assert (code, out) == (0, f"Exported Kent (E10000016) to {workbook} (workbook)\n")
    folder = tmp_path / "kent"
    code, out, _ = run(capsys, "export", str(folder), "--area", "E10000016")
    assert (code, out) == (0, f"Exported Kent (E10000016) to {folder} (folder of CSV files)\n")
    assert sorted(p.name for p in folder.iterdir()) == [
        "funding.csv",
        "metric_values.csv",
        "metrics.csv",
        "national_conditions.csv",
        "pay_for_performance.csv",
        "plan_details.csv",
        "plan_sign_offs.csv",
        "programme.csv",
        "risks.csv",
        "scheme_delivery_chain.csv",
        "scheme_finance.csv",
        "schemes.csv",
    ]

    # Both import over the database they came from without changing it.
    for exported in (workbook, folder):
        code, out, _ = run(capsys, "import", str(exported), "--format", "json")
        report = json.loads(out)
        assert (code, report["ok"]) == (0, True)
        assert {(c["created"], c["updated"]) for c in report["counts"].values()} == {(0, 0)}


# -- metrics --------------------------------------------------------------------------------

ADMISSIONS = [
    1510,
    1490,
    1530,
    1475,
    1502,
    1520,
    1498,
    1485,
    1512,
    1493,
    1507,
    1480,
    1450,
    1440,
    1430,
    1420,
    1380,
]
POPULATION = 1_500_000


def months_from_april_2016():
    for offset, numerator in enumerate(ADMISSIONS):
        month = Month(2016, 4) + offset
        yield month, numerator


@pytest.fixture
def monthly(tmp_path):
    """Kent with 17 monthly actuals of a rate (April 2016 to August 2017) and a target."""
    lines = [
        "area_code,metric_code,period_start,period_end,kind,numerator,denominator,value",
        *(
            f"E10000016,kent_admissions,{m.first_day},{m.last_day},actual,{n},{POPULATION},"
            for m, n in months_from_april_2016()
        ),
        "E10000016,kent_admissions,2016-04-01,2017-03-31,baseline,,,100",
        "E10000016,kent_admissions,2017-04-01,2018-03-31,target,,,98",
        "E10000016,kent_falls,2017-07-01,2017-07-31,actual,41,,",
        "E10000016,kent_falls,2017-08-01,2017-08-31,actual,38,,",
        # Another area's values are not Kent's.
        "E10000017,kent_falls,2017-08-01,2017-08-31,actual,99,,",
    ]
    return csv_folder(
        tmp_path / "kent-monthly",
        programme="""\
            area_code,area_name,area_type
            E10000016,Kent,HWB
            E10000017,Lancashire,HWB
        """,
        metrics="""\
            code,name,unit,multiplier,polarity,frequency
            kent_admissions,Emergency admissions per 100000,rate,100000,lower_is_better,month
            kent_falls,Falls,count,1,lower_is_better,month
        """,
        metric_values="\n".join(lines) + "\n",
        metric_commentary="""\
            area_code,metric_code,period,commentary
            E10000016,kent_admissions,2017-08,Winter plan started early; fewer admissions
            E10000016,kent_admissions,2017-07,July's note is not August's
            E10000017,kent_falls,2017-08,Lancashire's note is not Kent's
        """,
    )


def byar(count, scale):
    """Byar's 95% limits of a count, times ``scale`` (the PHE technical guide's formula)."""
    z = stats.norm.ppf(0.975)
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * math.sqrt(above))) ** 3
    return lower * scale, upper * scale


def test_metrics_as_json(monthly, capsys):
    assert main(["import", str(monthly)]) == 0
    capsys.readouterr()
    code, out, _ = run(
        capsys, "metrics", "--area", "E10000016", "--period", "2017-08", "--format", "json"
    )
    assert code == 0
    entries = json.loads(out)
    admissions, falls = (e for e in entries if e["status"] == "measured")
    # The registry's national metrics in force in 2017-18 are listed too, awaiting data.
    assert {e["metric"] for e in entries if e["status"] == "awaiting_data"} == {
        "bcf_dtoc",
        "bcf_falls_injuries_65",
        "bcf_non_elective_admissions",
        "bcf_patient_experience",
        "bcf_permanent_admissions_65",
        "bcf_reablement_91_days",
    }
    assert list(admissions) == [
        "metric",
        "name",
        "period_start",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "lower",
        "upper",
        "target",
        "comparison",
        "data_rag",
        "direction",
        "variation_icon",
        "assurance_icon",
        "forecast",
        "warnings",
        "baseline",
        "status",
        "commentary",
    ]
    assert list(admissions) == list(KEYS)

    lower, upper = byar(1380, 100_000 / POPULATION)
    assert admissions | {"lower": None, "upper": None, "forecast": None} == {
        "metric": "kent_admissions",
        "name": "Emergency admissions per 100000",
        "period_start": "2017-08-01",
        "period_end": "2017-08-31",
        "numerator": 1380.0,
        "denominator": 1500000.0,
        "value": 92.0,  # 1,380 / 1,500,000 x 100,000
        "lower": None,
        "upper": None,
        "target": 98.0,
        "comparison": "significantly_better",  # the whole interval is below the target
        "data_rag": "G",
        "direction": "no_significant_change",  # from July's 94.7
        "variation_icon": "improvement_low",
        "assurance_icon": "hit_and_miss",
        "forecast": None,
        "warnings": [],
        # The latest baseline with its period (2016-17 in the workbook).
        "baseline": {"value": 100.0, "period_start": "2016-04-01", "period_end": "2017-03-31"},
        "status": "measured",
        # The month's commentary on the metric, from the metric_commentary sheet.
        "commentary": "Winter plan started early; fewer admissions",
    }
    assert (admissions["lower"], admissions["upper"]) == (
        pytest.approx(lower, rel=1e-12),
        pytest.approx(upper, rel=1e-12),
    )
    assert list(admissions["forecast"]) == [
        "value",
        "lower",
        "upper",
        "target",
        "probability_meeting_target",
    ]
    assert admissions["forecast"]["target"] == 98.0

    lower, upper = byar(38, 1)
    assert falls == {
        "metric": "kent_falls",
        "name": "Falls",
        "period_start": "2017-08-01",
        "period_end": "2017-08-31",
        "numerator": 38.0,
        "denominator": None,
        "value": 38.0,
        "lower": pytest.approx(lower, rel=1e-12),
        "upper": pytest.approx(upper, rel=1e-12),
        "target": None,
        "comparison": None,
        "data_rag": "NA",
        "direction": "no_significant_change",
        "variation_icon": None,  # two months are too few for SPC
        "assurance_icon": None,
        "forecast": None,
        "warnings": [],
        "baseline": None,
        "status": "measured",
        "commentary": None,  # none for Kent in August (Lancashire's is Lancashire's)
    }

    # The library, given the same figures without the database, says exactly the same.
    spec = MetricSpec(
        "kent_admissions",
        "Emergency admissions per 100000",
        "rate",
        100000.0,
        "lower_is_better",
        "month",
    )
    actuals = [
        Observation(m.first_day, m.last_day, numerator=float(n), denominator=float(POPULATION))
        for m, n in months_from_april_2016()
    ]
    target = Observation(Month(2017, 4).first_day, Month(2018, 3).last_day, value=98.0)
    summary = summarise_metric(spec, actuals, [target], Month(2017, 8))
    assert json.loads(
        json.dumps(metric_json(summary, "Winter plan started early; fewer admissions"))
    ) == admissions | {"baseline": None}


def test_metrics_for_an_earlier_period(monthly, capsys):
    assert main(["import", str(monthly)]) == 0
    capsys.readouterr()
    code, out, _ = run(
        capsys, "metrics", "--area", "E10000016", "--period", "2017-06", "--format", "json"
    )
    assert code == 0
    # No falls figures yet in June: the metric is in force but awaits its data.
    admissions, falls = (e for e in json.loads(out) if e["metric"].startswith("kent_"))
    assert (falls["status"], falls["value"], falls["period_start"]) == (
        "awaiting_data",
        None,
        "2017-06-01",
    )
    assert (admissions["period_start"], admissions["numerator"], admissions["value"]) == (
        "2017-06-01",
        1430.0,
        pytest.approx(1430 / POPULATION * 100_000, rel=1e-12),
    )
    last_day = calendar.monthrange(2017, 6)[1]
    assert admissions["period_end"] == f"2017-06-{last_day}"


def test_metrics_as_a_table(monthly, capsys):
    assert main(["import", str(monthly)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "metrics", "--area", "E10000016", "--period", "2017-08")
    assert code == 0
    assert out.splitlines() == [
        "metric                       period                    value          95% CI         "
        "target  comparison            RAG  direction              variation        assurance",
        "---------------------------  ------------------------  -------------  -------------  "
        "------  --------------------  ---  ---------------------  ---------------  ------------",
        "bcf_dtoc                     2017-08-01 to 2017-08-31  awaiting data                 "
        "                              NA",
        "bcf_falls_injuries_65        2017-04-01 to 2018-03-31  awaiting data                 "
        "                              NA",
        "bcf_non_elective_admissions  2017-08-01 to 2017-08-31  awaiting data                 "
        "                              NA",
        "bcf_patient_experience       2017-04-01 to 2018-03-31  awaiting data                 "
        "                              NA",
        "bcf_permanent_admissions_65  2017-04-01 to 2018-03-31  awaiting data                 "
        "                              NA",
        "bcf_reablement_91_days       2017-04-01 to 2018-03-31  awaiting data                 "
        "                              NA",
        "kent_admissions              2017-08-01 to 2017-08-31  92.00          87.21 - 96.99  "
        "98.00   significantly_better  G    no_significant_change  improvement_low  hit_and_miss",
        "kent_falls                   2017-08-01 to 2017-08-31  38.00          26.89 - 52.16  "
        "                              NA   no_significant_change",
    ]


def test_metrics_before_the_plan_and_data_begin(monthly, capsys):
    assert main(["import", str(monthly)]) == 0
    capsys.readouterr()
    code, out, err = run(
        capsys, "metrics", "--area", "E10000016", "--period", "2016-03", "--format", "json"
    )
    assert (code, out) == (1, "")
    assert err == (
        "bettercare metrics: error: --period: Kent (E10000016) reports months from 2016-04 "
        f"(April 2016) to {current()} ({current().label}); got 2016-03\n"
    )


# -- errors the user caused: one line, no traceback, non-zero exit ----------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["metrics", "--area", "E10000099", "--period", "2017-08"],
            "bettercare metrics: error: unknown area 'E10000099' (for example E10000016; "
            "`bettercare areas` lists them)",
        ),
        (
            ["export", "kent.xlsx", "--area", "Kent"],
            "bettercare export: error: unknown area 'Kent' (for example E10000016; "
            "`bettercare areas` lists them)",
        ),
        (
            ["metrics", "--area", "E10000016", "--period", "2017-13"],
            "bettercare metrics: error: --period: expected a month as YYYY-MM with MM from 01 "
            "to 12, got '2017-13'",
        ),
        (
            ["metrics", "--area", "E10000016", "--period", "August 2017"],
            "bettercare metrics: error: --period: expected a month as YYYY-MM (e.g. 2017-08), "
            "got 'August 2017'",
        ),
        (
            ["import", "plan", "--as", "nobody"],
            "bettercare import: error: there is no user called 'nobody'",
        ),
    ],
)
def test_user_errors_are_one_line(south_kent_coast, capsys, argv, message):
    assert main(["import", str(south_kent_coast)]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err == message + "\n"


def test_unknown_area_in_an_empty_database(capsys):
    assert run(capsys, "export", "kent.xlsx", "--area", "E10000016") == (
        1,
        "",
        "bettercare export: error: unknown area 'E10000016'\n",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing", None, "{path} does not exist"),
        (
            "plan.txt",
            "area_code\n",
            "plan.txt is not a programme workbook: expected an .xlsx file, a folder of .csv "
            "files named after the sheets, or one .csv file (metric values, e.g. a month's "
            "actuals)",
        ),
        (
            "plan.xlsx",
            "not a zip",
            "plan.xlsx is not a readable .xlsx workbook (File is not a zip file)",
        ),
    ],
)
def test_import_of_something_that_is_not_a_workbook(
    tmp_path, registry, capsys, name, content, message
):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    before = database_counts()
    code, out, err = run(capsys, "import", str(path))
    assert (code, out) == (1, "")
    assert err == f"bettercare import: error: {message.format(path=path)}\n"
    assert "Traceback" not in err
    assert database_counts() == before


def test_a_missing_required_option_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["metrics", "--period", "2017-08"])
    assert raised.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "bettercare metrics: error: the following arguments are required: --area"
    )
