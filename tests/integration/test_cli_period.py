"""``bettercare period open|submit|sign-off``: the periods page's workflow, for scripts."""

import pytest

from bettercare.cli.main import main
from bettercare.core.periods import Month
from bettercare.core.rag import DIMENSIONS
from bettercare.web.programmes.models import Area, ReportingPeriod, Scheme, SchemeStatus
from bettercare.web.programmes.queries import current_month, first_reportable_month
from tests.integration.test_cli import run

pytestmark = pytest.mark.django_db

KENT = "E10000016"


@pytest.fixture
def kent(south_kent_coast, capsys):
    """The South Kent Coast plan (2014-15 and 2015-16), imported from the command line."""
    assert main(["import", str(south_kent_coast)]) == 0
    capsys.readouterr()
    return Area.objects.get(code=KENT)


def state(area, month):
    return ReportingPeriod.objects.get(area=area, month=Month.parse(month).first_day).state


def test_open_submit_and_sign_off_a_past_month_of_the_plan(kent, capsys):
    assert run(capsys, "period", "open", "--area", KENT, "--period", "2015-03") == (
        0,
        "Kent (E10000016) March 2015: open\n",
        "",
    )
    period = ReportingPeriod.objects.get(area=kent)
    assert period.history.get().history_user.username == "bettercare-cli"
    # Every scheme's return is in, as the scheme leads would enter them.
    SchemeStatus.objects.bulk_create(
        SchemeStatus(scheme=scheme, period=period, dimension=dimension, status="G")
        for scheme in Scheme.objects.filter(area=kent)
        for dimension in DIMENSIONS
    )

    submitted = run(capsys, "period", "submit", "--area", KENT, "--period", "2015-03")
    signed = run(capsys, "period", "sign-off", "--area", "e10000016", "--period", "2015-03")

    assert submitted == (0, "Kent (E10000016) March 2015: submitted\n", "")
    assert signed == (0, "Kent (E10000016) March 2015: signed off\n", "")
    assert state(kent, "2015-03") == "signed_off"
    assert [h.history_change_reason for h in period.history.order_by("history_id")] == [
        "opened March 2015",
        "submitted",
        "signed off",
    ]


def test_opening_twice_says_so_and_changes_nothing(kent, capsys):
    assert main(["period", "open", "--area", KENT, "--period", "2014-04"]) == 0
    capsys.readouterr()
    assert run(capsys, "period", "open", "--area", KENT, "--period", "2014-04") == (
        0,
        "Kent (E10000016) April 2014: already open\n",
        "",
    )
    assert ReportingPeriod.history.count() == 1


def test_recorded_as_a_named_user(kent, importer, capsys):
    code, _, _ = run(
        capsys, "period", "open", "--area", KENT, "--period", "2015-01", "--as", "analyst"
    )
    assert code == 0
    assert ReportingPeriod.objects.get(area=kent).history.get().history_user == importer


def test_a_month_outside_the_areas_range_is_one_line_naming_the_range(kent, capsys):
    now = current_month()
    first = first_reportable_month(kent)
    assert first == Month(2014, 4)  # the plan's first financial year, 2014-15
    for month in (str(first - 1), str(now + 1)):
        code, out, err = run(capsys, "period", "open", "--area", KENT, "--period", month)
        assert (code, out) == (1, "")
        assert err == (
            f"bettercare period: error: --period: Kent (E10000016) reports months from {first} "
            f"({first.label}) to {now} ({now.label}); got {month}\n"
        )
    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["period", "submit", "--area", KENT, "--period", "2015-03"],
            "bettercare period: error: Kent (E10000016) has no period for March 2015 to submit: "
            "open it first with `bettercare period open --area E10000016 --period 2015-03`",
        ),
        (
            ["period", "open", "--area", "E10000099", "--period", "2015-03"],
            "bettercare period: error: unknown area 'E10000099' (for example E10000016; "
            "`bettercare areas` lists them)",
        ),
        (
            ["period", "open", "--area", KENT, "--period", "March 2015"],
            "bettercare period: error: --period: expected a month as YYYY-MM (e.g. 2017-08), "
            "got 'March 2015'",
        ),
        (
            ["period", "open", "--area", KENT, "--period", "2015-03", "--as", "nobody"],
            "bettercare period: error: there is no user called 'nobody'",
        ),
    ],
)
def test_user_errors_are_one_line(kent, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err == message + "\n"
    assert not ReportingPeriod.objects.exists()


def test_the_workflow_rules_of_the_periods_page_hold(kent, capsys):
    assert main(["period", "open", "--area", KENT, "--period", "2015-03"]) == 0
    capsys.readouterr()

    submit = run(capsys, "period", "submit", "--area", KENT, "--period", "2015-03")
    sign_off = run(capsys, "period", "sign-off", "--area", KENT, "--period", "2015-03")

    assert submit == (
        1,
        "",
        "bettercare period: error: March 2015 cannot be submitted: 6 scheme(s) have returns "
        "missing (1, 2, 3, 4, 5, ...).\n",
    )
    assert sign_off == (
        1,
        "",
        "bettercare period: error: March 2015 is open; only a submitted period can be signed "
        "off.\n",
    )
    assert state(kent, "2015-03") == "open"


def test_an_unknown_action_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["period", "close", "--area", KENT, "--period", "2015-03"])
    assert exit_.value.code == 2
    assert "invalid choice: 'close'" in capsys.readouterr().err
