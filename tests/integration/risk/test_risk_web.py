"""Risk stratification in the web app: loading, practice scoping, suppression, the model page.

A practice user must see no other practice's patient in any page, API answer or download;
area users see only suppressed aggregates.
"""

from __future__ import annotations

import io
from datetime import date

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from bettercare.risk.run import score_population, train_model, write_scores
from bettercare.risk.synth import generate
from bettercare.web.risk.actions import practice_staff_set
from bettercare.web.risk.load import ScoresError, load_scores, pseudonym
from bettercare.web.risk.models import InterventionStatus, PatientScore, Practice, Refresh
from bettercare.web.risk.queries import suppressed
from tests.factories import (
    make_area,
    make_region,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scores_file(tmp_path_factory):
    directory = tmp_path_factory.mktemp("risk")
    generate(directory / "data", patients=400, practices=3, seed=5)
    model = train_model(directory / "data", compare_boosted=False)
    path = directory / "scores.parquet"
    write_scores(score_population(directory / "data", model, check=False), path)
    return path


@pytest.fixture
def loaded(scores_file):
    load_scores(scores_file, by=None)
    return pq.read_table(scores_file).to_pylist()


@pytest.fixture
def practice_user(loaded):
    user = make_user("gp")
    practice_staff_set(user=user, practice=Practice.objects.get(code="Z00001"), by=None)
    return user


def ids_of(rows, practice):
    return {row["patient_id"] for row in rows if row["practice_code"] == practice}


PRACTICE_URLS = [
    "/risk/practice/",
    "/risk/practice/?cohort=top_2",
    "/risk/practice/?sex=F&condition=diabetes&band=3&band=4",
    "/risk/practice/patients.csv",
    "/risk/practice/patients.json",
]


def test_load_is_atomic_idempotent_and_keeps_provenance(scores_file, tmp_path):
    first = load_scores(scores_file, by=None)
    assert (first.patients, first.practices, first.unchanged) == (400, 3, False)
    again = load_scores(scores_file, by=None)
    assert again.unchanged
    assert PatientScore.objects.count() == 400
    refresh = Refresh.objects.get()
    assert refresh.index_date == date(2026, 4, 1)
    assert refresh.engine == "duckdb"
    assert refresh.model["outcomes"]["emergency_admission"]["performance"]["auroc"] > 0.5
    # Scores are stored under pseudonyms, never the identifier itself.
    rows = pq.read_table(scores_file).to_pylist()
    assert not PatientScore.objects.filter(pseudonym=rows[0]["patient_id"]).exists()
    assert PatientScore.objects.filter(pseudonym=pseudonym(rows[0]["patient_id"])).exists()


def test_a_file_missing_a_column_writes_nothing(scores_file, tmp_path):
    table = pq.read_table(scores_file).drop_columns(["risk_band"])
    bad = tmp_path / "bad.parquet"
    pq.write_table(table, bad)
    with pytest.raises(
        ScoresError, match=r"^bad.parquet, column risk_band: is missing; expected a int64 column$"
    ):
        load_scores(bad, by=None)
    assert not Refresh.objects.exists()
    assert not PatientScore.objects.exists()


@pytest.mark.parametrize("url", PRACTICE_URLS)
def test_a_practice_user_sees_only_their_own_patients(client, loaded, practice_user, url):
    client.force_login(practice_user)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    others = ids_of(loaded, "Z00002") | ids_of(loaded, "Z00003")
    assert not [pid for pid in others if pid in body]
    for row in loaded:
        assert pseudonym(row["patient_id"]) not in body or row["practice_code"] == "Z00001"
    if url == "/risk/practice/patients.csv":
        listed = {line.split(",")[0] for line in body.splitlines()[1:]}
        assert listed == ids_of(loaded, "Z00001")


def test_the_xlsx_download_holds_only_the_practice(client, loaded, practice_user):
    client.force_login(practice_user)
    response = client.get("/risk/practice/patients.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    listed = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert listed == ids_of(loaded, "Z00001")


def test_the_filter_builder_women_with_diabetes_in_bands_3_and_4(client, loaded, practice_user):
    client.force_login(practice_user)
    data = client.get("/risk/practice/patients.json?sex=F&condition=diabetes&band=3&band=4").json()
    expected = {
        row["patient_id"]
        for row in loaded
        if row["practice_code"] == "Z00001"
        and row["sex"] == "F"
        and "diabetes" in row["conditions"].split(";")
        and row["risk_band"] in (3, 4)
    }
    assert {p["patient_id"] for p in data["patients"]} == expected
    sorted_rows = client.get("/risk/practice/patients.json?sort=age&order=asc").json()["patients"]
    assert [p["age"] for p in sorted_rows] == sorted(p["age"] for p in sorted_rows)


def test_a_cohort_list_is_one_click(client, loaded, practice_user):
    client.force_login(practice_user)
    data = client.get("/risk/practice/patients.json?cohort=top_2").json()
    expected = {
        r["patient_id"]
        for r in loaded
        if r["practice_code"] == "Z00001" and r["segment"] == "top_2"
    }
    assert {p["patient_id"] for p in data["patients"]} == expected
    assert client.get("/risk/practice/").content.decode().count("?cohort=") >= 11


@pytest.mark.parametrize("url", [*PRACTICE_URLS, "/risk/practice/patients.xlsx"])
def test_area_users_and_strangers_get_no_patient_rows(client, loaded, url):
    kent = make_area(parent=make_region())
    Practice.objects.filter(code="Z00001").update(area=kent)
    client.force_login(make_user("manager", (kent, "programme_manager")))
    assert client.get(url).status_code == 403


def test_area_aggregates_are_suppressed_and_name_no_patient(client, loaded):
    kent = make_area(parent=make_region())
    Practice.objects.filter(code__in=["Z00001", "Z00002"]).update(area=kent)
    client.force_login(make_user("manager", (kent, "programme_manager")))
    response = client.get("/risk/areas/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Z00001" in body
    assert "Z00002" in body
    assert "Z00003" not in body
    assert not [row for row in loaded if row["patient_id"] in body]
    top_2 = sum(1 for r in loaded if r["practice_code"] == "Z00001" and r["segment"] == "top_2")
    assert 1 <= top_2 <= 7  # so the page must show it as *
    assert ">*<" in body


def test_the_suppression_rule():
    assert [suppressed(n) for n in range(0, 9)] == ["0", "*", "*", "*", "*", "*", "*", "*", "10"]
    assert [suppressed(n) for n in (12, 13, 17, 18, 1234)] == ["10", "15", "15", "20", "1235"]


def test_markers_are_kept_by_the_practice_with_history(client, loaded, practice_user):
    mine = next(r for r in loaded if r["practice_code"] == "Z00001")
    theirs = next(r for r in loaded if r["practice_code"] == "Z00002")
    client.force_login(practice_user)
    url = f"/risk/practice/patients/{pseudonym(mine['patient_id'])}/markers/"
    response = client.post(
        url, {"care_plan_completed": "yes", "care_plan_review_due": "2026-06-01"}
    )
    assert response.status_code == 302
    status = InterventionStatus.objects.get(pseudonym=pseudonym(mine["patient_id"]))
    assert (status.care_plan_completed, status.care_plan_review_due) == (True, date(2026, 6, 1))
    assert status.history.first().history_user == practice_user
    other = f"/risk/practice/patients/{pseudonym(theirs['patient_id'])}/markers/"
    assert client.post(other, {"care_plan_completed": "yes"}).status_code == 404
    assert client.get(other).status_code == 404
    assert not InterventionStatus.objects.filter(pseudonym=pseudonym(theirs["patient_id"])).exists()


def test_the_model_page_shows_performance_and_a_calibration_plot(client, loaded):
    client.force_login(make_user("someone"))
    body = client.get("/risk/model/").content.decode()
    assert "AUROC" in body
    assert "Calibration slope" in body
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "2026" in body


def test_downloaded_cells_cannot_be_formulas():
    from bettercare.web.risk.views import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert (_cell("P000000001"), _cell(-1), _cell(0.25)) == ("P000000001", -1, 0.25)
