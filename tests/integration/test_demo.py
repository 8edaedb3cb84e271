"""`bettercare demo`: the demonstration region loads cleanly, reproduces the worked example of
the real highlight report, carries the current BCF years up to the last complete month, sets
up periods and logins, and loading it again changes nothing.

The demo is loaded once for the module inside a transaction that is rolled back at the end;
each test runs in its own savepoint within it.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from bettercare.cli.main import main
from bettercare.core.periods import Month
from bettercare.core.status import DIMENSION_LABELS
from bettercare.demo import LEICESTERSHIRE, reporting_month
from bettercare.demo.proposals import STATUS_WORDS
from bettercare.web.accounts.models import Membership, User
from bettercare.web.demo_load import DemoError, create_demo_users, load_demo
from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
    Theme,
)

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"
RUTLAND = "E06000017"
#: The demo's newest month: the last complete month before today.
LAST = reporting_month(date.today())


@pytest.fixture(scope="module")
def demo(demo, django_db_blocker):
    """The demo (loaded once per session, ``tests/conftest.py``) and its logins, rolled back
    after the module."""
    with django_db_blocker.unblock():
        create_demo_users(PASSWORD)
    return demo


def _row_counts():
    """Rows in every table of bettercare's apps, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in ("accounts", "programmes", "finance", "performance", "assurance")
    }


def test_the_first_load_imports_three_stages_without_errors_or_warnings(demo):
    assert demo.first_load
    assert [month for month, _ in demo.imports] == [Month(2017, 7), Month(2017, 8), LAST]
    for _, result in demo.imports:
        assert result.ok
        assert result.written
        assert [str(m) for m in result.messages] == []
    assert demo.warnings == 0


def test_the_region_has_ten_demo_hwbs_under_its_icbs(demo):
    region = Area.objects.get(code="E12000004")
    assert (region.name, region.type, region.parent) == ("East Midlands", "region", None)
    icbs = Area.objects.filter(parent=region)
    assert {a.type for a in icbs} == {"ICB"}
    assert icbs.get(code="E54000015").name.startswith("NHS Leicester, Leicestershire and Rutland")
    hwbs = Area.objects.filter(type="HWB")
    # Ten today; in 2017 Northamptonshire stood where North and West Northamptonshire are now.
    now = [hwb for hwb in hwbs if hwb.exists_in(LAST)]
    assert len(now) == 10
    in_2017 = {hwb.code for hwb in hwbs if hwb.exists_in(Month(2017, 8))}
    assert len(in_2017) == 10 - 2 + 1
    assert {"E06000061", "E06000062"} - in_2017 == {"E06000061", "E06000062"}
    northamptonshire = hwbs.get(code="E10000021")
    assert (northamptonshire.valid_from, northamptonshire.valid_to) == (None, date(2021, 3, 31))
    assert hwbs.get(code="E06000061").valid_from == date(2021, 4, 1)
    assert all(hwb.parent.parent == region for hwb in hwbs)
    assert Area.objects.filter(is_demo=False).count() == 0
    assert all(hwb.programme.name.endswith("(demonstration data)") for hwb in hwbs)


def test_leicestershire_has_five_themes_and_about_twenty_schemes(demo):
    leicestershire = Area.objects.get(code=LEICESTERSHIRE)
    assert Theme.objects.filter(area=leicestershire).count() == 5
    schemes = Scheme.objects.filter(area=leicestershire)
    assert 18 <= schemes.count() <= 25
    assert schemes.get(ref="BCF 10").metrics.filter(code="bcf_dtoc").exists()
    assert schemes.filter(enabler=True).count() == 3


def test_metrics_reproduce_the_worked_example(demo, capsys):
    assert main(["metrics", "--area", "E10000018", "--period", "2017-08", "--format", "json"]) == 0
    entries = {e["metric"]: e for e in json.loads(capsys.readouterr().out)}
    dtoc = entries["bcf_dtoc"]
    assert (dtoc["numerator"], dtoc["denominator"]) == (1611, 546195)
    assert (round(dtoc["value"], 2), round(dtoc["lower"], 2), round(dtoc["upper"], 2)) == (
        294.95,
        280.72,
        309.71,
    )
    assert dtoc["target"] == 278.57
    assert (dtoc["comparison"], dtoc["data_rag"]) == ("significantly_worse", "R")
    assert dtoc["variation_icon"] is not None
    assert dtoc["assurance_icon"] is not None
    admissions = entries["bcf_non_elective_admissions"]
    assert admissions["target"] == 737.92
    forecast = admissions["forecast"]
    assert set(forecast) == {"value", "lower", "upper", "target", "probability_meeting_target"}
    assert forecast["target"] == 737.92
    assert forecast["lower"] < forecast["value"] < forecast["upper"]
    assert round(entries["bcf_reablement_91_days"]["value"], 1) == 89.2
    assert entries["bcf_reablement_91_days"]["data_rag"] == "G"
    april_to_august = MetricValue.objects.filter(
        area__code=LEICESTERSHIRE,
        metric__code="bcf_non_elective_admissions",
        kind="actual",
        period_start__gte=date(2017, 4, 1),
        period_end__lte=date(2017, 8, 31),
    )
    assert april_to_august.count() == 5
    assert sum(v.numerator for v in april_to_august) == 26_913


def test_money_is_as_reported_and_spend_adds_up(demo):
    funding = {
        f.stream: f
        for f in Funding.objects.filter(area__code=LEICESTERSHIRE, financial_year="2017-18")
    }
    assert {s: f.budget for s, f in funding.items()} == {
        "BCF": Decimal(42_600_000),
        "iBCF": Decimal(9_500_000),
        "DFG": Decimal(3_300_000),
    }
    assert funding["iBCF"].forecast_outturn == Decimal(9_500_000)
    savings = SavingsPlan.objects.get(area__code=LEICESTERSHIRE, financial_year="2017-18")
    assert (savings.target, savings.achieved_to_date) == (Decimal(1_300_000), Decimal(223_000))
    for area in Area.objects.filter(type="HWB"):
        for year in ("2016-17", "2017-18"):
            spend = sum(
                f.total
                for f in SchemeFinance.objects.filter(
                    scheme__area=area, financial_year=year, line="spend"
                )
            )
            # each pound once: the DFG is within the BCF (ADR 0112)
            budget = sum(
                f.budget for f in Funding.objects.filter(area=area, financial_year=year, part_of="")
            )
            assert spend == budget, (area.code, year)
    dfg = funding["DFG"]
    assert (dfg.part_of, dfg.passported_to) == ("BCF", "Leicestershire district councils")


def test_periods_are_signed_off_to_july_with_august_open(demo):
    for area in (a for a in Area.objects.filter(type="HWB") if a.exists_in(Month(2017, 8))):
        states = dict(
            ReportingPeriod.objects.filter(area=area, month__lte=date(2017, 8, 1)).values_list(
                "month", "state"
            )
        )
        assert sorted(states) == [(Month(2016, 9) + n).first_day for n in range(12)]
        august = states.pop(date(2017, 8, 1))
        assert set(states.values()) == {"signed_off"}, area.code
        assert august == ("submitted" if area.code == RUTLAND else "open"), area.code
    july = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=date(2017, 7, 1))
    assert (july.submitted_by.username, july.signed_off_by.username) == ("manager", "manager")


def test_three_leicestershire_returns_are_missing_in_august(demo):
    august = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=date(2017, 8, 1))
    returned = set(SchemeStatus.objects.filter(period=august).values_list("scheme__ref", flat=True))
    schemes = set(Scheme.objects.filter(area__code=LEICESTERSHIRE).values_list("ref", flat=True))
    assert schemes - returned == {"BCF 3", "BCF 14", "BCF 17"}
    not_started = SchemeStatus.objects.get(
        period=august, scheme__ref="BCF 5", dimension="milestones"
    )
    assert not_started.status == "NA"


def test_the_history_shows_the_july_versions(demo):
    risk = Risk.objects.get(area__code=LEICESTERSHIRE, ref="BCF10")
    assert (risk.likelihood * risk.impact, risk.previous_score, risk.version) == (20, 15, 2)
    assert [h.likelihood for h in risk.history.order_by("history_date")] == [3, 4]
    milestone = Milestone.objects.get(area__code=LEICESTERSHIRE, ref="PM08")
    versions = list(milestone.history.order_by("history_date"))
    assert [h.revised_date for h in versions[:2]] == [date(2017, 8, 31), date(2017, 12, 15)]
    # The current stage records its completion on the revised date, nine years on.
    assert [(h.revised_date, h.completed_date) for h in versions[2:]] == [
        (date(2017, 12, 15), date(2017, 12, 15))
    ]
    july = MetricValue.objects.get(
        area__code=LEICESTERSHIRE,
        metric__code="bcf_dtoc",
        kind="actual",
        period_start=date(2017, 7, 1),
    )
    first, second = july.history.order_by("history_date")
    assert second.numerator - first.numerator == 23
    assert first.history_change_reason.startswith("bettercare demo: ")


def test_the_demo_users_have_their_roles(demo):
    roles = {
        (m.user.username, m.role, m.area.code)
        for m in Membership.objects.select_related("user", "area")
    }
    assert roles == {
        ("manager", "programme_manager", LEICESTERSHIRE),
        ("lead", "scheme_lead", LEICESTERSHIRE),
        ("finance", "finance_lead", LEICESTERSHIRE),
        ("viewer", "viewer", LEICESTERSHIRE),
        ("region", "regional_lead", "E12000004"),
    }
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    for username in ("manager", "lead", "finance", "viewer", "region", "admin"):
        assert User.objects.get(username=username).check_password(PASSWORD)
    lead = User.objects.get(username="lead")
    led = set(lead.led_schemes.values_list("ref", flat=True))
    all_schemes = Scheme.objects.filter(area__code=LEICESTERSHIRE).count()
    assert led == {"BCF 10", "BCF 11", "BCF 14"}
    assert 0 < len(led) < all_schemes


def test_loading_again_changes_nothing(demo, capsys):
    before = _row_counts()
    assert main(["demo", "--password", PASSWORD]) == 0
    output = capsys.readouterr().out
    assert f"{LAST.label}: 0 rows created, 0 updated" in output
    assert _row_counts() == before
    assert "demonstration data only" in output
    admin = next(line for line in output.splitlines() if line.startswith("admin "))
    assert admin.split()[-3:] == ["all", "areas", PASSWORD]


def test_without_a_password_one_is_generated_and_printed(demo, capsys, monkeypatch):
    monkeypatch.delenv("BETTERCARE_DEMO_PASSWORD", raising=False)
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    manager = next(line for line in lines if line.startswith("manager "))
    password = manager.split()[-1]
    assert len(password) >= 16
    assert password != PASSWORD
    assert User.objects.get(username="viewer").check_password(password)


def test_the_password_may_come_from_the_environment(demo, capsys, monkeypatch):
    monkeypatch.setenv("BETTERCARE_DEMO_PASSWORD", "from-the-environment")
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert User.objects.get(username="lead").check_password("from-the-environment")


def test_real_data_is_never_overwritten(demo, capsys):
    Area.objects.filter(code=RUTLAND).update(is_demo=False)
    with pytest.raises(DemoError, match=r"real \(not demo\) data for Rutland \(E06000017\)"):
        load_demo()
    assert main(["demo", "--password", PASSWORD]) == 1
    assert "bettercare demo: error: the database holds real" in capsys.readouterr().err


def test_the_current_year_periods_move_with_the_calendar(demo):
    first = Month(2026, 4) if Month(2026, 4) <= LAST else Month(2025, 4)
    wanted = [first + n for n in range(first.months_until(LAST) + 1)]
    for area in (a for a in Area.objects.filter(type="HWB") if a.exists_in(LAST)):
        states = {
            Month.of(month): state
            for month, state in ReportingPeriod.objects.filter(
                area=area, month__gte=first.first_day
            ).values_list("month", "state")
        }
        assert sorted(states) == wanted, area.code
        assert states.pop(LAST) == "open"
        if LAST - 1 in states:
            assert states.pop(LAST - 1) == "submitted"
        assert set(states.values()) <= {"signed_off"}
    former = ReportingPeriod.objects.filter(area__code="E10000021", month__gte=date(2021, 4, 1))
    assert not former.exists()
    newest = ReportingPeriod.objects.filter(area__code=LEICESTERSHIRE).order_by("-month").first()
    assert Month.of(newest.month) == LAST


def test_the_current_metrics_for_the_newest_month(demo, capsys):
    args = ["metrics", "--area", LEICESTERSHIRE, "--period", str(LAST), "--format", "json"]
    assert main(args) == 0
    entries = {e["metric"]: e for e in json.loads(capsys.readouterr().out)}
    admissions = entries["bcf_emergency_admissions_65"]
    stored = MetricValue.objects.get(
        area__code=LEICESTERSHIRE,
        metric__code="bcf_emergency_admissions_65",
        kind="actual",
        period_start=LAST.first_day,
    )
    assert admissions["value"] == pytest.approx(stored.numerator / stored.denominator * 100_000)
    assert admissions["lower"] < admissions["value"] < admissions["upper"]
    assert admissions["target"] is not None
    delay = entries["bcf_discharge_delay"]
    stored = MetricValue.objects.get(
        area__code=LEICESTERSHIRE,
        metric__code="bcf_discharge_delay",
        kind="actual",
        period_start=LAST.first_day,
    )
    assert delay["value"] == pytest.approx(stored.numerator / stored.denominator)
    assert delay["target"] is not None
    care_homes = entries["bcf_care_home_admissions_65"]
    assert care_homes["value"] is not None
    assert care_homes["target"] is not None


def test_every_demo_return_agrees_with_the_proposal_or_says_why(demo):
    """The saved statuses are those the return form proposes from the same data, or carry
    the reason the lead gave for differing (in the return's additional information)."""
    from bettercare.web.programmes.returns import propose

    statuses = SchemeStatus.objects.select_related("period__area", "scheme").order_by(
        "period_id", "scheme_id"
    )
    proposals: dict[tuple[int, int], dict] = {}
    agreed = overridden = 0
    for status in statuses:
        key = (status.period_id, status.scheme_id)
        if key not in proposals:
            proposals[key] = propose(
                status.scheme,
                status.period,
                forecast_outturn=status.forecast_outturn,
                savings_achieved=status.savings_achieved,
            )
        assessment = proposals[key][status.dimension].assessment
        if assessment is None or assessment.status == status.status:
            agreed += 1
            continue
        overridden += 1
        reason = status.additional_information
        where = (status.period.area.code, str(status.period.reporting_month), status.scheme.ref)
        label = DIMENSION_LABELS[status.dimension]
        assert (
            f"{label} rated {STATUS_WORDS[status.status]} rather than the proposed "
            f"{STATUS_WORDS[assessment.status]}: "
        ) in reason, where
    assert agreed > 7 * overridden > 0


def test_area_lists_match_the_year_shown(demo, client):
    """The region's 2017 assurance round lists Northamptonshire, the current lists of areas
    North and West Northamptonshire; an abolished area keeps its history, listed apart."""
    client.force_login(User.objects.get(username="region"))
    matrix = client.get("/regions/E12000004/assurance/?round=2017-18+Q2").content.decode()
    assert ">Northamptonshire<" in matrix or "Northamptonshire (E10000021)" in matrix
    assert "North Northamptonshire" not in matrix
    assert "West Northamptonshire" not in matrix
    home = client.get("/").content.decode()
    before, after = home.split("Former areas (history only)", 1)
    former = after.split("<h2", 1)[0]
    today = before + after.removeprefix(former)
    assert "North Northamptonshire" in today
    assert "West Northamptonshire" in today
    assert "E10000021" in former
    assert "E10000021" not in today


def test_serving_the_demo_brings_an_older_demo_up_to_date(demo):
    from bettercare.cli.serve import demo_is_behind

    assert not demo_is_behind()
    ReportingPeriod.objects.filter(area__code=LEICESTERSHIRE, month=LAST.first_day).delete()
    assert demo_is_behind()
    Area.objects.filter(code=RUTLAND).update(is_demo=False)
    assert not demo_is_behind(), "a database with real data is never reloaded"


def test_serve_demo_on_the_demo_prints_its_logins(demo, monkeypatch):
    from bettercare.cli.serve import prepare_demo

    monkeypatch.setenv("BETTERCARE_DEMO_PASSWORD", PASSWORD)
    out = io.StringIO()

    assert prepare_demo(out) is True

    lines = out.getvalue().splitlines()
    assert "Demo logins: demonstration data only; never use these accounts for real data." in lines
    [manager] = [line for line in lines if line.startswith("manager ")]
    assert "Leicestershire (E10000018)" in manager
    assert manager.endswith(PASSWORD)
    assert User.objects.get(username="manager").check_password(PASSWORD)


def test_serve_demo_beside_real_data_invents_no_logins(demo, monkeypatch):
    from bettercare.cli.serve import prepare_demo

    Area.objects.filter(code=RUTLAND).update(is_demo=False)
    monkeypatch.setenv("BETTERCARE_DEMO_PASSWORD", "a-new-password-never-set")
    out = io.StringIO()

    assert prepare_demo(out) is False

    lines = out.getvalue().splitlines()
    demo_areas = Area.objects.filter(is_demo=True).count()
    assert (
        "This database holds 1 area(s) that are not demonstration data: Rutland (E06000017), "
        f"beside {demo_areas} demonstration area(s)."
    ) in lines
    assert "Sign in with one of its 6 existing account(s)." in lines
    assert "Demo logins" not in out.getvalue()
    assert "a-new-password-never-set" not in out.getvalue()
    assert User.objects.get(username="admin").check_password(PASSWORD)  # not reset
