"""Risk stratification in the browser: a practice's staff (signing in with two factors) and an
area user, who sees only suppressed aggregates and no patient."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bettercare.web.accounts.actions import user_create
from bettercare.web.programmes.models import Area
from bettercare.web.risk.actions import practice_staff_set
from bettercare.web.risk.load import load_scores, pseudonym
from bettercare.web.risk.models import InterventionStatus, Practice
from tests.functional.support import LEICESTERSHIRE, PASSWORD, sign_in
from tests.integration.risk.scores_files import scores_row, write_rows

pytestmark = pytest.mark.browser


def patient_rows() -> list[dict[str, object]]:
    """60 patients of practice P0001: bands 5 (2), 4 (4), 3 (6) and 1; alternately women and
    men; every third with diabetes, the others with asthma."""
    rows = []
    for n in range(60):
        segment = "top_2" if n < 2 else "2_to_10" if n < 6 else "rest"
        row = scores_row(f"pat{n:03d}", "P0001", segment, p=round(0.9 - n / 100, 2))
        row["risk_band"] = 5 if n < 2 else 4 if n < 6 else 3 if n < 12 else 1
        row["sex"] = "F" if n % 2 == 0 else "M"
        row["conditions"] = "diabetes" if n % 3 == 0 else "asthma"
        rows.append(row)
    return rows


#: Bands 3 and 4 are patients 2 to 11; women are the even ones, diabetes every third.
WOMEN_WITH_DIABETES_IN_BANDS_3_AND_4 = {
    f"pat{n:03d}" for n in range(2, 12) if n % 2 == 0 and n % 3 == 0
}


@pytest.fixture
def refresh(tmp_path):
    practice = Practice.objects.create(
        code="P0001",
        name="Harbour Surgery",
        area=Area.objects.get(code=LEICESTERSHIRE),
    )
    load_scores(write_rows(tmp_path / "scores.parquet", date(2026, 4, 1), patient_rows()), by=None)
    return practice


@pytest.fixture
def practice_user(refresh, settings):
    settings.REQUIRE_TWO_FACTOR = True
    user = user_create(username="gp", password=PASSWORD, first_name="Gill", by=None)
    practice_staff_set(user=user, practice=refresh, by=None)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_a_practice_finds_its_top_2_builds_a_filter_marks_and_downloads(page, practice_user):
    user, device = practice_user
    sign_in(page, "gp", then="/risk/")
    assert "/accounts/two-factor/" in page.url, "practice staff must use a second factor"
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/risk/practice/"), page.url

    page.get_by_role("link", name="Top 2% (Unplanned Admissions)").click()
    ids = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert ids == ["pat000", "pat001"]

    # The filter builder: women with diabetes in risk bands 3 and 4.
    page.goto("/risk/practice/")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("Condition").select_option("diabetes")
    page.get_by_label("Band 3").check()
    page.get_by_label("Band 4").check()
    page.get_by_role("button", name="Show patients").click()
    ids = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert set(ids) == WOMEN_WITH_DIABETES_IN_BANDS_3_AND_4 == {"pat006"}

    # A status marker, kept with its history.
    page.get_by_role("link", name="Edit markers for pat006").click()
    page.get_by_label("Care plan completed").check()
    page.get_by_label("Care plan review due (YYYY-MM-DD)").fill("2026-10-01")
    page.get_by_role("button", name="Save markers").click()
    row = page.locator("table tbody tr", has_text="pat006")
    assert "Care plan completed. Review due 2026-10-01." in row.inner_text()
    status = InterventionStatus.objects.get(pseudonym=pseudonym("pat006"))
    assert (status.care_plan_completed, status.history.first().history_user) == (True, user)

    # The download holds the filtered list.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("patient_id,age,sex,risk_band,segment,")
    assert [line.split(",")[0] for line in lines[1:]] == ["pat006"]
    assert lines[1].endswith(",True,False,2026-10-01")


def test_an_area_user_sees_only_suppressed_aggregates(page, refresh):
    sign_in(page, "viewer", then="/risk/")
    assert page.url.endswith("/risk/areas/"), page.url
    row = page.locator("table tbody tr", has_text="Harbour Surgery (P0001)")
    cells = row.locator("td").all_inner_texts()
    # 60 patients (shown as 60), top 2% of 2 (1 to 7: *), the 2.1-10% of 4 (*).
    assert cells[:4] == ["60", "*", "0 (*)", "*"]
    body = page.content()
    assert "pat0" not in body
    assert page.goto("/risk/practice/").status == 403
    assert page.goto("/risk/practice/patients.csv").status == 403
