"""A real area goes from its own plan to its board pack without a hand-made step.

Two plans: the South Kent Coast 2014 plan as published (targets and baselines, no actuals)
and a 2025-26 plan in the shape of today's BCF year, built here from the registry, followed
month by month by a CSV of actuals.
"""

import csv
import io
import json
import math
import re
from datetime import date

import pytest
from pypdf import PdfReader
from scipy import stats

from bettercare.cli.main import main
from bettercare.core.periods import FinancialYear, Month
from bettercare.web.accounts.models import Membership, Role, User
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.actions import period_open, period_sign_off, period_submit
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import Area
from bettercare.web.reporting.packs import board_pack
from tests.integration.test_cli import byar

pytestmark = pytest.mark.django_db

KENT = "E10000016"
MARCH_2015 = Month(2015, 3)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def cli_json(capsys, *argv: str):
    capsys.readouterr()
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def viewer_of(area: Area) -> User:
    user = User.objects.create_user(f"viewer-{area.code}", password="not-used-here")
    Membership.objects.create(user=user, area=area, role=Role.VIEWER)
    return user


# -- the South Kent Coast 2014 plan: targets and baselines before any actual ---------------------


@pytest.fixture
def kent(south_kent_coast, importer):
    assert import_workbook(south_kent_coast, by=importer).ok
    return Area.objects.get(code=KENT)


def test_the_plan_lists_its_metrics_with_targets_and_baselines(kent, capsys):
    entries = {
        e["metric"]: e for e in cli_json(capsys, "metrics", "--area", KENT, "--period", "2015-03")
    }
    admissions = entries["skc_perm_admissions"]
    assert admissions["status"] == "awaiting_data"
    assert (admissions["period_start"], admissions["period_end"]) == ("2014-04-01", "2015-03-31")
    assert (admissions["value"], admissions["lower"], admissions["data_rag"]) == (None, None, "NA")
    # The plan's target (its numerator and denominator, 346 / 44,552 x 100,000) and baseline.
    assert admissions["target"] == pytest.approx(346 / 44_552 * 100_000)
    assert admissions["baseline"] == {
        "value": pytest.approx(358 / 43_636 * 100_000),
        "period_start": "2012-04-01",
        "period_end": "2013-03-31",
    }
    # The monthly delayed transfers: March 2015 falls in the January to June 2015 target.
    dtoc = entries["skc_dtoc"]
    assert (dtoc["period_start"], dtoc["period_end"]) == ("2015-03-01", "2015-03-31")
    assert dtoc["target"] == pytest.approx(11 / 202_306 * 100_000)
    # A value-only target and baseline (no numerator or denominator in the plan).
    assert entries["skc_avoidable_admissions"]["target"] == 1759.7
    assert entries["skc_avoidable_admissions"]["baseline"]["value"] == 1774.9
    # The reablement proportion, stated as percentages in the plan.
    assert entries["skc_reablement_91"]["target"] == pytest.approx(1431 / 1590 * 100)
    # The registry's national metrics of 2014-15 are in force too, with no target in this plan.
    assert entries["bcf_permanent_admissions_65"]["status"] == "awaiting_data"
    assert entries["bcf_permanent_admissions_65"]["target"] is None
    assert {e["status"] for e in entries.values()} == {"awaiting_data"}


def test_the_metric_page_draws_the_plan_before_the_first_actual(kent, client):
    client.force_login(viewer_of(kent))
    response = client.get(f"/areas/{KENT}/metrics/skc_perm_admissions/?period=2015-03")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Data not yet available: 2014-15" in page
    assert 'class="bc-chart plan' in page  # the trajectory chart
    assert "Target, 2014-15: 776.62" in page  # 346 / 44,552 x 100,000
    assert "Baseline 2012-13: 820.42" in page
    assert "No actual value has arrived yet." in page
    listing = client.get(f"/areas/{KENT}/metrics/?period=2015-03").content.decode()
    assert listing.count("Data not yet available") >= 6


def test_every_page_shows_a_month_nobody_opened(kent, client):
    client.force_login(viewer_of(kent))
    for page in (
        "",
        "dashboard/",
        "metrics/",
        "schemes/",
        "milestones/",
        "risks/",
        "finance/",
        "periods/",
    ):
        response = client.get(f"/areas/{KENT}/{page}?period=2015-03")
        assert response.status_code == 200, page
    overview = client.get(f"/areas/{KENT}/?period=2015-03").content.decode()
    assert "Not opened" in overview
    # With no period opened, the overview opens on the last month of the plan.
    response = client.get(f"/areas/{KENT}/")
    assert response.status_code == 200
    assert "March 2016" in response.content.decode()


def test_all_three_packs_render_with_the_targets(kent):
    region = Area.objects.create(code="E12000008", name="South East", type=Area.Type.REGION)
    kent.parent = region
    kent.save()
    highlight = pdf_text(board_pack("highlight", kent, MARCH_2015, "pdf").content)
    assert (
        "DRAFT: March 2015 has not been opened for returns and has not been signed off."
        in highlight
    )
    for figure in (
        "776.62",
        "1,759.70",
        "90.0%",
        "Baseline 820.42 (2012-13)",
        "Data not yet available",
    ):
        assert figure in highlight, figure
    dashboard = pdf_text(board_pack("dashboard", kent, MARCH_2015, "pdf").content)
    for figure in ("776.62", "5.44", "1,759.70", "Data not yet available"):
        assert figure in dashboard, figure
    assurance = pdf_text(board_pack("assurance", region, None, "pdf").content)
    assert "South East: regional assurance matrix" in assurance
    assert "Kent" in assurance
    assert "No assurance ratings recorded for this region." in assurance


# -- a 2025-26 plan: plan, then a CSV of actuals, then a signed-off pack ---------------------------

AREA = "E10000018"
POPULATION_65 = 150_000
YEAR = FinancialYear(2025)
ADMISSIONS = [1510, 1480, 1530, 1495, 1470, 1560, 1620, 1700, 1850, 1760, 1640, 1590]
DELAY_DAYS = [3120, 2980, 3050, 2900, 2870, 3010, 3150, 3300, 3600, 3420, 3200, 3100]
DISCHARGES = [1400, 1390, 1420, 1380, 1360, 1410, 1430, 1450, 1500, 1470, 1440, 1420]
CARE_HOME = [110, 98, 104, 121]


def write_csv(path, rows):
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerows(rows)


def plan_2025(folder):
    """A 2025-26 plan for one area: its programme and the three headline metrics' targets."""
    folder.mkdir()
    write_csv(
        folder / "programme.csv",
        [
            ["area_code", "area_name", "area_type", "programme_name"],
            [AREA, "Leicestershire", "HWB", "Leicestershire Better Care Fund plan 2025-26"],
        ],
    )
    values = [
        [
            "area_code",
            "metric_code",
            "period_start",
            "period_end",
            "kind",
            "numerator",
            "denominator",
            "value",
            "note",
        ]
    ]
    values.append(
        [
            AREA,
            "bcf_emergency_admissions_65",
            "2024-04-01",
            "2025-03-31",
            "baseline",
            18_600,
            POPULATION_65 * 12,
            "",
            "2024-25 outturn",
        ]
    )
    values.append(
        [
            AREA,
            "bcf_discharge_delay",
            "2024-04-01",
            "2025-03-31",
            "baseline",
            37_000,
            16_800,
            "",
            "",
        ]
    )
    values.append(
        [
            AREA,
            "bcf_care_home_admissions_65",
            "2024-04-01",
            "2025-03-31",
            "baseline",
            450,
            POPULATION_65,
            "",
            "",
        ]
    )
    for month in YEAR.months():
        values.append(
            [
                AREA,
                "bcf_emergency_admissions_65",
                month.first_day,
                month.last_day,
                "target",
                "",
                "",
                1050,
                "",
            ]
        )
        values.append(
            [
                AREA,
                "bcf_discharge_delay",
                month.first_day,
                month.last_day,
                "target",
                "",
                "",
                2.1,
                "",
            ]
        )
    for quarter in range(4):
        first = YEAR.months()[quarter * 3]
        values.append(
            [
                AREA,
                "bcf_care_home_admissions_65",
                first.first_day,
                (first + 2).last_day,
                "target",
                "",
                "",
                70,
                "",
            ]
        )
    write_csv(folder / "metric_values.csv", values)
    return folder


def actuals_2025(path):
    header = ["area_code", "metric_code", "period_start", "period_end", "numerator"]
    rows = [[*header, "denominator", "source", "sum_of_squares"]]
    months = zip(YEAR.months(), ADMISSIONS, DELAY_DAYS, DISCHARGES, strict=True)
    for month, admissions, days, discharges in months:
        span = [month.first_day, month.last_day]
        rows.append(
            [AREA, "bcf_emergency_admissions_65", *span, admissions, POPULATION_65, "SUS", ""]
        )
        # Delays with a variance of 9 days²: the sum of squares is n x mean² + (n - 1) x 9.
        squares = days * days / discharges + 9 * (discharges - 1)
        rows.append([AREA, "bcf_discharge_delay", *span, days, discharges, "SUS", squares])
    for quarter, placements in enumerate(CARE_HOME):
        first = YEAR.months()[quarter * 3]
        span = [first.first_day, (first + 2).last_day]
        rows.append(
            [
                AREA,
                "bcf_care_home_admissions_65",
                *span,
                placements,
                POPULATION_65,
                "Client Level Data",
                "",
            ]
        )
    write_csv(path, rows)
    return path


def test_a_2025_26_plan_then_its_actuals_then_a_signed_off_pack(tmp_path, importer, capsys):
    assert import_workbook(plan_2025(tmp_path / "plan"), by=importer).ok
    before = {
        e["metric"]: e for e in cli_json(capsys, "metrics", "--area", AREA, "--period", "2026-03")
    }
    assert {m: e["status"] for m, e in before.items()} == {
        "bcf_care_home_admissions_65": "awaiting_data",
        "bcf_discharge_delay": "awaiting_data",
        "bcf_emergency_admissions_65": "awaiting_data",
    }
    assert before["bcf_emergency_admissions_65"]["target"] == 1050
    assert before["bcf_care_home_admissions_65"]["period_start"] == "2026-01-01"

    # A year of actuals in one CSV, in one step; importing it again changes nothing.
    actuals = actuals_2025(tmp_path / "actuals-2025-26.csv")
    capsys.readouterr()
    assert main(["import", str(actuals)]) == 0
    assert "metric_values  28       0        0" in capsys.readouterr().out
    assert main(["import", str(actuals)]) == 0
    assert MetricValue.objects.filter(kind="actual").count() == 28
    assert set(MetricValue.objects.filter(kind="actual").values_list("source", flat=True)) == {
        "SUS",
        "Client Level Data",
    }

    after = {
        e["metric"]: e for e in cli_json(capsys, "metrics", "--area", AREA, "--period", "2026-03")
    }
    admissions = after["bcf_emergency_admissions_65"]
    assert admissions["status"] == "measured"
    lower, upper = byar(1590, 100_000 / POPULATION_65)
    assert admissions["value"] == pytest.approx(1590 / POPULATION_65 * 100_000)
    assert (admissions["lower"], admissions["upper"]) == (
        pytest.approx(lower),
        pytest.approx(upper),
    )
    # 1,060 against 1,050, but 1,050 lies inside the 95% interval (1,009 to 1,113).
    assert (admissions["comparison"], admissions["data_rag"]) == ("worse", "A")
    assert admissions["variation_icon"] is not None  # twelve months: an SPC chart
    assert admissions["baseline"]["period_start"] == "2024-04-01"
    delay = after["bcf_discharge_delay"]
    assert delay["value"] == pytest.approx(3100 / 1420)
    # A mean of days with its sum of squares: Student's t interval, mean ± t * 3 / sqrt(n).
    half = stats.t.ppf(0.975, 1419) * 3 / math.sqrt(1420)
    assert (delay["lower"], delay["upper"]) == (
        pytest.approx(3100 / 1420 - half),
        pytest.approx(3100 / 1420 + half),
    )
    care_home = after["bcf_care_home_admissions_65"]
    assert (care_home["period_start"], care_home["value"]) == (
        "2026-01-01",
        pytest.approx(121 / POPULATION_65 * 100_000),
    )

    area = Area.objects.get(code=AREA)
    period = period_open(area=area, month=Month(2026, 3), by=importer)
    period = period_submit(period=period, by=importer)
    period_sign_off(period=period, by=importer)
    text = pdf_text(board_pack("highlight", area, Month(2026, 3), "pdf").content)
    assert "DRAFT" not in text
    assert "1,060.00" in text  # 1,590 / 150,000 x 100,000


# -- bad input: one line each, nothing written --------------------------------------------------


def test_actuals_outside_the_metric_years_or_for_unknown_areas_are_refused(
    tmp_path, importer, capsys
):
    assert import_workbook(plan_2025(tmp_path / "plan"), by=importer).ok
    before = MetricValue.objects.count()
    path = tmp_path / "wrong.csv"
    write_csv(
        path,
        [
            ["area_code", "metric_code", "period_start", "period_end", "numerator", "denominator"],
            [AREA, "bcf_emergency_admissions_65", "2025-04-01", "2025-04-30", 1500, POPULATION_65],
            [AREA, "bcf_dtoc", "2025-04-01", "2025-04-30", 40, 560_000],
            [
                "E99999999",
                "bcf_emergency_admissions_65",
                "2025-05-01",
                "2025-05-31",
                1500,
                POPULATION_65,
            ],
        ],
    )
    capsys.readouterr()
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().out.splitlines()
    assert (
        "error: wrong.csv, sheet metric_values, row 3, column period_start: is after the last "
        "year bcf_dtoc applies in (2014-15 to 2019-20): the national metric is not in force "
        "then, so it has no actual (got '2025-04-01'); expected a period in the years it "
        "applies (2014-15 to 2019-20), or a local metric defined on the metrics sheet"
    ) in err
    assert (
        "error: wrong.csv, sheet metric_values, row 4, column area_code: is not a known area "
        "(got 'E99999999'); expected an area listed on the programme sheet or already in "
        "bettercare"
    ) in err
    assert MetricValue.objects.count() == before


def test_history_before_a_national_metric_applies_is_accepted(tmp_path, importer):
    folder = plan_2025(tmp_path / "plan")
    with (folder / "metric_values.csv").open("a", newline="") as out:
        csv.writer(out).writerow(
            [
                AREA,
                "bcf_emergency_admissions_65",
                "2024-04-01",
                "2024-04-30",
                "actual",
                1500,
                POPULATION_65,
                "",
                "history",
            ]
        )
    assert import_workbook(folder, by=importer).ok


def test_a_target_for_a_year_the_metric_does_not_apply_in_is_refused(tmp_path, importer):
    folder = plan_2025(tmp_path / "plan")
    with (folder / "metric_values.csv").open("a", newline="") as out:
        csv.writer(out).writerow(
            [AREA, "bcf_discharge_delay", "2023-04-01", "2024-03-31", "target", "", "", 2.0, ""]
        )
    result = import_workbook(folder, by=importer)
    assert not result.ok
    [error] = result.errors
    assert (error.sheet, error.column, error.value) == (
        "metric_values",
        "period_start",
        "2023-04-01",
    )
    assert error.problem == (
        "is outside the years bcf_discharge_delay applies in (from 2025-26): the national "
        "metric is not in force then, so it has no target"
    )
    assert not Area.objects.filter(code=AREA).exists()


def test_the_actuals_template_lists_each_metric_in_force(tmp_path, importer, client):
    assert import_workbook(plan_2025(tmp_path / "plan"), by=importer).ok
    client.force_login(viewer_of(Area.objects.get(code=AREA)))
    response = client.get(f"/areas/{AREA}/metrics/actuals-template.csv?period=2025-12")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{AREA}-actuals-2025-12.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        [
            "area_code",
            "metric_code",
            "period_start",
            "period_end",
            "kind",
            "numerator",
            "denominator",
            "value",
            "note",
            "source",
        ],
        [
            AREA,
            "bcf_care_home_admissions_65",
            "2025-10-01",
            "2025-12-31",
            "actual",
            "",
            "",
            "",
            "",
            "",
        ],
        [AREA, "bcf_discharge_delay", "2025-12-01", "2025-12-31", "actual", "", "", "", "", ""],
        [
            AREA,
            "bcf_emergency_admissions_65",
            "2025-12-01",
            "2025-12-31",
            "actual",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    # The template, filled in, imports as it is.
    filled = tmp_path / "filled.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    for row, (numerator, denominator) in zip(
        rows[1:], ((101, POPULATION_65), (3300, 1500), (1800, POPULATION_65)), strict=True
    ):
        row[5], row[6] = str(numerator), str(denominator)
    write_csv(filled, rows)
    assert import_workbook(filled, by=importer).ok
    assert MetricValue.objects.filter(kind="actual", period_end=date(2025, 12, 31)).count() == 3
