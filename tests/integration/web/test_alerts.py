"""Alerts end to end: rules over the database, idempotent runs, scoping, real SMTP delivery,
the outbox's retries, the after-save hook, the pages and the command."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from bettercare.cli.main import main
from bettercare.web.alerts import actions
from bettercare.web.alerts.engine import run_alerts
from bettercare.web.alerts.models import Alert, Notification, OutboxEmail, Subscription
from bettercare.web.programmes.actions import ActionError, risk_update
from tests.factories import (
    KENT,
    MEDWAY,
    make_area,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
    make_risk,
    make_scheme,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

STABLE = [110.0, 90.0] * 6
SHIFT = [120.0] * 7  # seven points above the mean: special-cause concern (lower is better)
TODAY = date(2017, 11, 5)
NOW = datetime(2017, 11, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    metric = make_metric("admissions", "Emergency admissions", unit="count", multiplier=1)
    make_monthly_values(kent, metric, STABLE + SHIFT, denominator=None)
    make_monthly_values(medway, metric, STABLE + SHIFT, denominator=None)
    people = {
        "kent_pm": make_user("kent_pm", (kent, "programme_manager")),
        "medway_pm": make_user("medway_pm", (medway, "programme_manager")),
        "regional": make_user("regional", (region, "regional_lead")),
        "outsider": make_user("outsider"),
    }
    for user in people.values():
        user.email = f"{user.username}@example.org"
        user.save()
    return {"region": region, "kent": kent, "medway": medway, "metric": metric, **people}


def subscribe(user, area, delivery="email", **options):
    return actions.subscription_create(user=user, area=area, delivery=delivery, by=user, **options)


def keys():
    return sorted(Alert.objects.values_list("key", flat=True))


# -- rules and idempotency -------------------------------------------------------------------


def test_a_shift_fires_once_and_the_same_data_again_fires_nothing(world):
    subscribe(world["kent_pm"], world["kent"])
    first = run_alerts(today=TODAY, now=NOW, deliver=False)
    assert keys() == [
        f"spc_concern:{MEDWAY}:admissions:2017-04",
        f"spc_concern:{KENT}:admissions:2017-04",
    ]
    assert len(first.new) == 2
    again = run_alerts(today=TODAY, now=NOW, deliver=False)
    assert again.new == []
    assert len(again.events) == 2  # the condition still holds: the same events
    assert Alert.objects.count() == 2
    assert Notification.objects.count() == 1


def test_the_shift_fires_when_its_seventh_point_arrives(world):
    kent, metric = world["kent"], world["metric"]
    metric.values.filter(area=world["medway"]).delete()
    metric.values.filter(area=kent, period_start__gte=date(2017, 10, 1)).delete()  # 6 of 7
    assert run_alerts(today=TODAY, now=NOW, deliver=False).new == []
    make_monthly_values(kent, metric, [120.0], first="2017-10", denominator=None)
    assert [e.key for e in run_alerts(today=TODAY, now=NOW, deliver=False).new] == [
        f"spc_concern:{KENT}:admissions:2017-04"
    ]
    make_monthly_values(kent, metric, [120.0], first="2017-11", denominator=None)
    assert run_alerts(today=TODAY, now=NOW, deliver=False).new == []  # the same run goes on


def test_notifications_only_for_areas_the_person_may_see(world):
    subscribe(world["kent_pm"], world["kent"])
    subscribe(world["medway_pm"], world["medway"])
    subscribe(world["regional"], world["region"], delivery="digest")
    run_alerts(today=TODAY, now=NOW, deliver=False)
    seen = {
        (n.user.username, n.alert.area.code, n.delivery)
        for n in Notification.objects.select_related("user", "alert__area")
    }
    assert seen == {
        ("kent_pm", KENT, "email"),
        ("medway_pm", MEDWAY, "email"),
        ("regional", KENT, "digest"),
        ("regional", MEDWAY, "digest"),
    }


def test_a_subscription_to_an_area_one_may_not_see_is_refused(world):
    with pytest.raises(ActionError, match="kent_pm does not have access to Medway"):
        subscribe(world["kent_pm"], world["medway"])
    other = make_scheme(world["medway"], "BCF 9", "Care homes")
    with pytest.raises(ActionError, match="BCF 9: Care homes is not a scheme of Kent"):
        subscribe(world["kent_pm"], world["kent"], scheme=other)


def test_a_person_who_loses_access_is_not_told(world):
    subscribe(world["kent_pm"], world["kent"])
    world["kent_pm"].memberships.all().delete()
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert Notification.objects.count() == 0


def test_narrow_subscriptions_match_only_their_metric_or_rule(world):
    other = make_metric("falls", "Falls")
    subscribe(world["kent_pm"], world["kent"], metric=other)
    subscribe(world["medway_pm"], world["medway"], rule="risk_rose")
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert Notification.objects.count() == 0


def test_a_scheme_subscription_hears_of_the_metrics_the_scheme_affects(world):
    scheme = make_scheme(world["kent"], "BCF 1", "Rapid response", metrics=[world["metric"]])
    subscribe(world["kent_pm"], world["kent"], scheme=scheme, delivery="app")
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert list(Notification.objects.values_list("alert__key", flat=True)) == [
        f"spc_concern:{KENT}:admissions:2017-04"
    ]


def test_other_rules_fire_over_the_database(world):
    kent = world["kent"]
    make_period(kent, "2017-09")  # open, BCF 1 has no return: due 20 October
    make_scheme(kent, "BCF 1", "Rapid response")
    make_risk(kent, "R1", likelihood=4, impact=5, previous_score=12)
    from tests.factories import make_milestone

    make_milestone(kent, "M1", baseline=date(2017, 9, 1), revised=date(2017, 10, 15))
    make_milestone(kent, "M2", baseline=date(2017, 10, 20))  # 16 days late: tolerated
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert set(keys()) - {f"spc_concern:{MEDWAY}:admissions:2017-04"} == {
        f"spc_concern:{KENT}:admissions:2017-04",
        f"return_overdue:{KENT}:BCF 1:2017-09",
        f"risk_rose:{KENT}:R1:12-20:v1",
        f"milestone_slipped:{KENT}:M1:2017-09-01",
    }


# -- email -----------------------------------------------------------------------------------


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "alerts@bettercare.test"
    settings.BASE_URL = "https://bettercare.test"
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    yield inbox
    controller.stop()


def body(message) -> str:
    return message.get_payload(decode=True).decode()


def test_email_reaches_a_real_smtp_server_with_only_the_recipients_area(world, smtp_server):
    subscribe(world["kent_pm"], world["kent"])
    subscribe(world["medway_pm"], world["medway"])
    report = run_alerts(today=TODAY, now=NOW)
    assert report.delivery.sent == 2
    assert report.delivery.failed == 0
    by_recipient = {tuple(to): message for to, message in smtp_server.messages}
    assert sorted(by_recipient) == [("kent_pm@example.org",), ("medway_pm@example.org",)]
    kent = by_recipient[("kent_pm@example.org",)]
    assert kent["From"] == "alerts@bettercare.test"
    assert kent["To"] == "kent_pm@example.org"
    assert kent["Subject"] == "bettercare: Emergency admissions: special-cause concern in Kent"
    text = body(kent)
    assert "Kent" in text
    assert "Medway" not in text
    assert f"https://bettercare.test/areas/{KENT}/metrics/admissions/" in text
    assert "Medway" in body(by_recipient[("medway_pm@example.org",)])
    assert "Kent" not in body(by_recipient[("medway_pm@example.org",)])
    # Sent once: a second run finds nothing new and sends nothing.
    assert run_alerts(today=TODAY, now=NOW + timedelta(hours=1)).delivery.sent == 0
    assert len(smtp_server.messages) == 2


def test_the_monthly_digest_waits_for_the_month_to_end(world, smtp_server):
    subscribe(world["regional"], world["region"], delivery="digest")
    run_alerts(today=TODAY, now=NOW)
    assert smtp_server.messages == []
    Notification.objects.update(created_at=NOW)
    december = datetime(2017, 12, 1, 8, 0, tzinfo=UTC)
    assert run_alerts(today=TODAY, now=december).delivery.sent == 1
    [(to, message)] = smtp_server.messages
    assert to == ["regional@example.org"]
    assert message["Subject"] == "bettercare: your alerts to the end of November 2017"
    assert "special-cause concern in Kent" in body(message)
    assert "special-cause concern in Medway" in body(message)


def test_a_digest_leaves_out_areas_the_person_no_longer_sees(world, smtp_server):
    regional = world["regional"]
    subscribe(regional, world["region"], delivery="digest")
    run_alerts(today=TODAY, now=NOW)
    Notification.objects.update(created_at=NOW)
    # Now a lead for Kent only: Medway's alert, raised while they could see it, is not sent.
    regional.memberships.all().delete()
    from bettercare.web.accounts.models import Membership

    Membership.objects.create(user=regional, area=world["kent"], role="viewer")
    december = datetime(2017, 12, 1, 8, 0, tzinfo=UTC)
    assert run_alerts(today=TODAY, now=december).delivery.sent == 1
    [(_, message)] = smtp_server.messages
    assert "Kent" in body(message)
    assert "Medway" not in body(message)


def test_an_unreachable_mail_server_is_reported_and_retried(world, smtp_settings):
    subscribe(world["kent_pm"], world["kent"])
    report = run_alerts(today=TODAY, now=NOW)  # nothing listens on the port
    assert report.delivery.sent == 0
    assert report.delivery.failed == 1
    assert "Connection refused" in report.delivery.errors[0]
    [email] = OutboxEmail.objects.all()
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.next_attempt_at == NOW + timedelta(minutes=5)
    # Not due yet: not tried again.
    assert run_alerts(today=TODAY, now=NOW + timedelta(minutes=1)).delivery.failed == 0
    # Due, and still down: the wait doubles.
    run_alerts(today=TODAY, now=NOW + timedelta(minutes=5))
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at == NOW + timedelta(minutes=15)
    # The server is back: the same email goes, once.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        assert run_alerts(today=TODAY, now=NOW + timedelta(minutes=20)).delivery.sent == 1
    finally:
        controller.stop()
    email.refresh_from_db()
    assert email.sent_at == NOW + timedelta(minutes=20)
    assert email.attempts == 3
    assert [to for to, _ in inbox.messages] == [["kent_pm@example.org"]]


def test_without_a_mail_server_emails_wait_in_the_outbox(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    subscribe(world["kent_pm"], world["kent"])
    report = run_alerts(today=TODAY, now=NOW)
    assert report.delivery.configured is False
    assert report.delivery.waiting == 1
    assert OutboxEmail.objects.get().attempts == 0


# -- after a save ----------------------------------------------------------------------------


def test_a_risk_review_raises_its_alert_once_committed(world, django_capture_on_commit_callbacks):
    kent = world["kent"]
    risk = make_risk(kent, "R1", likelihood=2, impact=3)
    subscribe(world["kent_pm"], kent, rule="risk_rose", delivery="app")
    with django_capture_on_commit_callbacks(execute=True):
        risk_update(
            risk=risk,
            changes={"likelihood": 4, "impact": 5},
            seen_version=risk.version,
            by=world["kent_pm"],
        )
    assert list(Alert.objects.filter(rule="risk_rose").values_list("title", flat=True)) == [
        "Risk R1 rose from 6 to 20 (Kent)"
    ]
    assert Notification.objects.get().user == world["kent_pm"]


def test_a_failing_evaluation_never_fails_the_save(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("rules broke")

    monkeypatch.setattr("bettercare.web.alerts.engine.run_alerts", broken)
    risk = make_risk(world["kent"], "R1", likelihood=2, impact=3)
    with django_capture_on_commit_callbacks(execute=True):
        saved = risk_update(
            risk=risk, changes={"likelihood": 5}, seen_version=risk.version, by=None
        )
    assert saved.likelihood == 5
    assert "alert rules could not be evaluated after a data change" in caplog.text


# -- pages -----------------------------------------------------------------------------------


def test_notifications_page_lists_only_ones_own_and_marks_read(world, client):
    subscribe(world["kent_pm"], world["kent"], delivery="app")
    subscribe(world["medway_pm"], world["medway"], delivery="app")
    run_alerts(today=TODAY, now=NOW, deliver=False)
    client.force_login(world["kent_pm"])
    page = client.get("/alerts/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Emergency admissions: special-cause concern in Kent" in text
    assert "Medway" not in text
    assert "Alerts (1 unread)" in text
    mine = Notification.objects.get(user=world["kent_pm"])
    theirs = Notification.objects.get(user=world["medway_pm"])
    assert client.post(f"/alerts/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/alerts/{mine.pk}/read/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "No unread alerts." in text_of(client.get("/alerts/"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_subscribing_through_the_form(world, client):
    client.force_login(world["kent_pm"])
    page = client.get("/alerts/subscriptions/")
    assert page.status_code == 200
    assert "Medway" not in text_of(page)  # only visible areas are offered
    assert "Special-cause concern" in text_of(page)
    assert "In the bottom funnel band" in text_of(page)
    refused = client.post(
        "/alerts/subscriptions/", {"area": MEDWAY, "delivery": "email", "rule": ""}
    )
    assert refused.status_code == 400
    assert Subscription.objects.count() == 0
    response = client.post(
        "/alerts/subscriptions/",
        {"area": KENT, "metric": "admissions", "rule": "spc_concern", "delivery": "digest"},
    )
    assert response.status_code == 302
    sub = Subscription.objects.get()
    assert (sub.user, sub.area, sub.metric, sub.rule, sub.delivery) == (
        world["kent_pm"],
        world["kent"],
        world["metric"],
        "spc_concern",
        "digest",
    )
    assert sub.history.get().history_user == world["kent_pm"]
    listed = text_of(client.get("/alerts/subscriptions/"))
    assert "Emergency admissions, Special-cause concern" in listed
    client.force_login(world["medway_pm"])
    assert client.post(f"/alerts/subscriptions/{sub.pk}/delete/").status_code == 404
    client.force_login(world["kent_pm"])
    assert client.post(f"/alerts/subscriptions/{sub.pk}/delete/").status_code == 302
    assert Subscription.objects.count() == 0


def test_alert_pages_need_a_sign_in(client):
    assert client.get("/alerts/").status_code == 302


# -- the command -----------------------------------------------------------------------------


def test_alerts_run_dry_run_then_run(world, capsys):
    subscribe(world["kent_pm"], world["kent"], delivery="app")
    assert main(["alerts", "run", "--dry-run", "--today", "2017-11-05"]) == 0
    out = capsys.readouterr().out
    assert "would record 2 new alert(s)" in out
    assert "would tell: kent_pm (app)" in out
    assert "Dry run: nothing was recorded or sent." in out
    assert Alert.objects.count() == 0
    assert main(["alerts", "run", "--today", "2017-11-05"]) == 0
    assert "recorded 2 new alert(s)" in capsys.readouterr().out
    assert main(["alerts", "run", "--today", "2017-11-05"]) == 0
    assert "recorded 0 new alert(s)" in capsys.readouterr().out


def test_alerts_run_reports_a_mail_failure_in_one_line(world, capsys, smtp_settings):
    subscribe(world["kent_pm"], world["kent"])
    assert main(["alerts", "run", "--today", "2017-11-05"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("bettercare alerts: error: 1 email(s) could not be sent (")
    assert "1 wait in the outbox and will be retried; next try at" in err[0]


def test_alerts_run_rejects_a_bad_day(capsys):
    assert main(["alerts", "run", "--today", "5 Nov"]) == 1
    assert (
        capsys.readouterr().err.strip()
        == "bettercare alerts: error: --today must be a date as YYYY-MM-DD, got '5 Nov'"
    )


# -- every write path evaluates the rules for what it changed --------------------------------


@pytest.fixture
def evaluations(monkeypatch):
    """The area ids each after-save evaluation was asked for (None: every area)."""
    calls = []

    def record(**kwargs):
        assert kwargs["deliver"] is False  # a save never waits for the mail server
        calls.append(kwargs["area_ids"])

    monkeypatch.setattr("bettercare.web.alerts.engine.run_alerts", record)
    return calls


def test_an_import_evaluates_every_area(
    importer, south_kent_coast, evaluations, django_capture_on_commit_callbacks
):
    from bettercare.web.programmes.imports import import_workbook

    with django_capture_on_commit_callbacks(execute=True):
        assert import_workbook(south_kent_coast, by=importer).written
    assert evaluations == [None]


def test_a_dry_run_import_evaluates_nothing(
    importer, south_kent_coast, evaluations, django_capture_on_commit_callbacks
):
    from bettercare.web.programmes.imports import import_workbook

    with django_capture_on_commit_callbacks(execute=True):
        import_workbook(south_kent_coast, by=importer, dry_run=True)
    assert evaluations == []


def test_a_pipeline_load_evaluates_its_areas(
    world, evaluations, django_capture_on_commit_callbacks
):
    from bettercare.pipeline.metrics import MetricValueRow
    from bettercare.web.performance.pipeline_load import load_metric_values

    row = MetricValueRow(KENT, "admissions", date(2017, 11, 1), date(2017, 11, 30), 130, 1, None)
    with django_capture_on_commit_callbacks(execute=True):
        load_metric_values([row], source="pipeline test", by=None, reason="test")
    assert evaluations == [[world["kent"].pk]]


def test_a_scheme_return_and_a_milestone_review_evaluate_their_area(
    world, evaluations, django_capture_on_commit_callbacks
):
    from bettercare.web.programmes.actions import (
        DimensionReturn,
        milestone_update,
        scheme_return_save,
    )
    from tests.factories import make_milestone

    kent = world["kent"]
    period = make_period(kent, "2017-09")
    scheme = make_scheme(kent, "BCF 1", "Rapid response")
    milestone = make_milestone(kent, "M1")
    with django_capture_on_commit_callbacks(execute=True):
        scheme_return_save(
            scheme=scheme,
            period=period,
            dimensions={"finance": DimensionReturn(status="G")},
            seen_versions={},
            by=world["kent_pm"],
        )
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update(
            milestone=milestone,
            changes={"revised_date": date(2017, 9, 30)},
            seen_version=milestone.version,
            by=world["kent_pm"],
        )
    assert evaluations == [[kent.pk], [kent.pk]]


def test_evaluation_after_saves_can_be_turned_off(
    world, evaluations, settings, django_capture_on_commit_callbacks
):
    settings.ALERTS_ON_SAVE = False
    risk = make_risk(world["kent"], "R1", likelihood=2, impact=3)
    with django_capture_on_commit_callbacks(execute=True):
        risk_update(risk=risk, changes={"likelihood": 5}, seen_version=risk.version, by=None)
    assert evaluations == []


# -- funnel plots ----------------------------------------------------------------------------


@pytest.fixture
def funnel_world(world):
    """Six boards reporting a proportion (higher is better): Kent far below the rest."""
    share = make_metric(
        "home_after_discharge",
        "Discharged to usual place of residence",
        unit="proportion",
        multiplier=100,
        polarity="higher_is_better",
    )
    boards = [world["kent"], world["medway"]] + [
        make_area(f"E0600009{i}", f"Board {i}", parent=world["region"]) for i in range(4)
    ]
    for board in boards:
        numerator = 700 if board == world["kent"] else 900
        for month in ("2017-08", "2017-09", "2017-10"):
            make_monthly_values(board, share, [numerator], first=month, denominator=1000)
    return world


def funnel_keys():
    return sorted(Alert.objects.filter(rule="funnel_bottom").values_list("key", flat=True))


def test_the_bottom_funnel_band_fires_for_three_consecutive_months(funnel_world, settings):
    settings.ALERT_RULES = "funnel_bottom:persistence=3"
    subscribe(funnel_world["kent_pm"], funnel_world["kent"], rule="funnel_bottom", delivery="app")
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert funnel_keys() == [f"funnel_bottom:{KENT}:home_after_discharge:2017-08"]
    alert = Alert.objects.get(rule="funnel_bottom")
    assert (
        alert.title == "Discharged to usual place of residence: in the bottom funnel band in Kent"
    )
    assert "(Low (0.001); outside the 95% limits, PHE's method) for 3 months" in alert.detail
    assert Notification.objects.get().alert == alert


def test_two_months_in_the_band_are_not_yet_three(funnel_world, settings):
    settings.ALERT_RULES = "funnel_bottom:persistence=3"
    from bettercare.web.performance.models import MetricValue

    MetricValue.objects.filter(
        metric__code="home_after_discharge", period_start=date(2017, 8, 1)
    ).delete()
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert funnel_keys() == []


def test_an_evaluation_of_one_area_compares_it_with_every_peer(funnel_world):
    """After a change to Kent only, the funnel is still drawn from every board."""
    run_alerts(area_ids=[funnel_world["kent"].pk], today=TODAY, now=NOW, deliver=False)
    assert funnel_keys() == [f"funnel_bottom:{KENT}:home_after_discharge:2017-08"]
    # The whole run finds the same event (and no other board is in the bottom band).
    assert [
        e.key for e in run_alerts(today=TODAY, now=NOW, deliver=False).new if "funnel" in e.key
    ] == []


def test_a_recorded_rebase_at_the_shift_is_a_new_process_not_a_concern(world):
    """ADR 0095: the alert judges the chart the metric page shows, rebased where recorded."""
    from bettercare.core.periods import Month
    from bettercare.web.performance.actions import metric_rebase_add

    metric_rebase_add(
        area=world["kent"],
        metric=world["metric"],
        month=Month(2017, 4),  # the first of the seven points at 120
        reason="The admissions definition changed in April 2017.",
        by=world["kent_pm"],
    )
    run_alerts(today=TODAY, now=NOW, deliver=False)
    assert keys() == [f"spc_concern:{MEDWAY}:admissions:2017-04"]
