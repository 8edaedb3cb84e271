"""One write path (ADR 0101): every action takes the acting user as ``by=`` (keyword only)
and refuses what it cannot do with ActionError, in the form's words where a form asks too.
That every action records ``by`` is tested in ``accounts/test_audit.py``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from decimal import Decimal

import pytest

import bettercare.web
from bettercare.web.alerts.actions import subscription_create
from bettercare.web.benchmarking.actions import PeerGroupError, PeerGroupSpec, peer_groups_load
from bettercare.web.benchmarking.models import PeerGroup
from bettercare.web.finance.actions import funding_forecast_update, savings_achieved_update
from bettercare.web.programmes.actions import ActionError
from tests.factories import (
    KENT,
    make_area,
    make_funding,
    make_region,
    make_savings_plan,
    make_user,
)

#: Public functions of ``actions`` modules that are not actions: they read or parse.
NOT_ACTIONS = {
    "bettercare.web.accounts.actions.command_line_user",
    "bettercare.web.accounts.actions.user_by_username",
    "bettercare.web.benchmarking.actions.parse_peer_group_rows",
    "bettercare.web.benchmarking.actions.read_peer_group_file",
    "bettercare.web.programmes.actions.missing_returns",
    # The text-length check every action runs before it writes (ADR 0128).
    "bettercare.web.programmes.actions.check_lengths",
    "bettercare.web.programmes.actions.length_problem",
    "bettercare.web.programmes.actions.max_length",
}


def public_functions():
    for module_info in pkgutil.walk_packages(bettercare.web.__path__, "bettercare.web."):
        if module_info.name.endswith(".actions"):
            module = importlib.import_module(module_info.name)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if not name.startswith("_") and function.__module__ == module.__name__:
                    yield f"{module.__name__}.{name}", function


def test_every_action_takes_by_as_a_keyword_without_a_default():
    wrong = {}
    for name, function in public_functions():
        if name in NOT_ACTIONS:
            continue
        by = inspect.signature(function).parameters.get("by")
        if by is None or by.kind is not by.KEYWORD_ONLY or by.default is not by.empty:
            wrong[name] = str(by)
    assert wrong == {}
    assert {name for name, _ in public_functions()} >= NOT_ACTIONS


@pytest.fixture
def kent(db):
    return make_area(KENT, "Kent", parent=make_region())


def refused(message: str):
    return pytest.raises(ActionError, match=f"^{re.escape(message)}$")


def test_savings_refuse_what_the_form_refuses(kent):
    lead = make_user("lead", (kent, "finance_lead"))
    plan = make_savings_plan(kent, achieved="100")
    version = plan.version
    with refused("The savings achieved must be £0 or more"):
        savings_achieved_update(
            plan=plan, achieved_to_date=Decimal(-1), seen_version=plan.version, by=lead
        )
    with refused("Enter the savings achieved in pounds and pence, like £250,000.50 (not 1.005)."):
        savings_achieved_update(
            plan=plan, achieved_to_date=Decimal("1.005"), seen_version=plan.version, by=lead
        )
    plan.refresh_from_db()
    assert (plan.achieved_to_date, plan.version) == (Decimal(100), version)


def test_a_forecast_the_database_cannot_hold_is_refused(kent):
    lead = make_user("lead", (kent, "finance_lead"))
    funding = make_funding(kent, forecast="5")
    version = funding.version
    with refused("Enter the forecast outturn below £1,000,000,000,000 (not £1,000,000,000,000)."):
        funding_forecast_update(
            funding=funding,
            forecast_outturn=Decimal(10) ** 12,
            seen_version=funding.version,
            by=lead,
        )
    with refused("Enter the forecast outturn in pounds and pence, like £250,000.50 (not NaN)."):
        funding_forecast_update(
            funding=funding, forecast_outturn=Decimal("NaN"), seen_version=funding.version, by=lead
        )
    saved = funding_forecast_update(
        funding=funding, forecast_outturn=Decimal("7.25"), seen_version=funding.version, by=lead
    )
    assert (saved.forecast_outturn, saved.version) == (Decimal("7.25"), version + 1)
    assert saved.history.order_by("-history_id").first().history_user == lead


def test_a_subscription_with_an_unknown_rule_or_delivery_is_refused(kent):
    viewer = make_user("viewer", (kent, "viewer"))
    with refused("There is no delivery 'pigeon': choose app, email, digest."):
        subscription_create(user=viewer, area=kent, delivery="pigeon", by=viewer)
    with pytest.raises(ActionError) as error:
        subscription_create(user=viewer, area=kent, rule="gossip", by=viewer)
    assert str(error.value).startswith("There is no alert rule 'gossip': choose ")
    assert not viewer.alert_subscriptions.exists()


def test_a_peer_group_error_is_an_action_error_and_loads_nothing(kent):
    admin = make_user("admin")
    groups = [
        PeerGroupSpec("near", "Nearest", KENT, "CIPFA", "a", [KENT]),
        PeerGroupSpec("far", "Farthest", "", "CIPFA", "a", ["E99999999"]),
    ]
    with pytest.raises(ActionError) as error:
        peer_groups_load(groups=groups, by=admin, file_name="peers.csv")
    assert isinstance(error.value, PeerGroupError)
    assert str(error.value).startswith("peers.csv, group 'far': unknown area 'E99999999'")
    assert not PeerGroup.objects.exists()
