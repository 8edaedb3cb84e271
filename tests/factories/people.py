"""Areas, people, tokens and reporting periods: where every test's world starts.

Writes that have an action (a user, a role, a token, a reporting month) go through it; areas,
which only the workbook import and the registry create in the product, are created directly.
"""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.web.accounts.actions import api_token_create, membership_grant, user_create
from bettercare.web.accounts.models import ApiToken, Role, User
from bettercare.web.programmes.actions import period_open
from bettercare.web.programmes.models import Area, Programme, ReportingPeriod

REGION_CODE = "E12000008"
ICB_CODE = "E54000007"
KENT = "E10000016"
MEDWAY = "E06000035"
PASSWORD = "not-a-real-password"


def make_region(code: str = REGION_CODE, name: str = "South East") -> Area:
    return Area.objects.create(code=code, name=name, type=Area.Type.REGION)


def make_area(
    code: str = KENT,
    name: str = "Kent",
    *,
    parent: Area | None = None,
    type: str = Area.Type.HWB,
    programme: bool = True,
) -> Area:
    """An area; a health and wellbeing board also gets its programme unless ``programme=False``."""
    area = Area.objects.create(code=code, name=name, type=type, parent=parent)
    if programme and type == Area.Type.HWB:
        Programme.objects.create(area=area, name=f"{name} Better Care Fund")
    return area


def make_user(
    username: str,
    *memberships: tuple[Area, str],
    password: str = PASSWORD,
    first_name: str | None = None,
) -> User:
    """A user (first name: the username in title case) with a role in each ``(area, role)``."""
    user = user_create(
        username=username,
        password=password,
        first_name=username.title() if first_name is None else first_name,
        by=None,
    )
    for area, role in memberships:
        membership_grant(user=user, area=area, role=Role(role), by=None)
    return user


def make_token(user: User, name: str = "tests") -> tuple[ApiToken, str]:
    """A personal API token of ``user`` and its key."""
    return api_token_create(user=user, name=name, by=None)


def bearer(key: str) -> dict[str, str]:
    """The header a script sends with its personal token."""
    return {"Authorization": f"Bearer {key}"}


def make_period(area: Area, month: str = "2017-08", state: str = "open") -> ReportingPeriod:
    """A reporting month: opened through ``period_open``, or created already in ``state``.

    Submitting and signing off need complete returns, so a period that starts submitted or
    signed off is created in that state, with one history record (as the import writes it):
    a test that counts the changes it makes to the period then counts only its own.
    """
    if state == ReportingPeriod.State.OPEN:
        return period_open(area=area, month=Month.parse(month), by=None)
    return ReportingPeriod.objects.create(
        area=area, month=Month.parse(month).first_day, state=state
    )
