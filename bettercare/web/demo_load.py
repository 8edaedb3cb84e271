"""Loading the demo region into the database, and the demo logins (``bettercare demo``).

The Django half of :mod:`bettercare.demo`, kept in the web layer so that the demo generator
itself imports no Django (ADR 0104): it writes each stage of the generated
region as a programme workbook, imports it the way any workbook is imported (checked, atomic,
idempotent, recorded in the history, areas marked ``is_demo``), moves the reporting periods
on with the period actions, and creates the demo users.

Loading again changes nothing: the importer upserts, rows of signed-off periods are left out
(they are already there and can no longer change), periods only move forwards, and users and
roles are got or created. A database holding real (not demo) data for any of the demo's areas
is refused, so the demo can never overwrite real figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TextIO

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from bettercare.core.periods import Month
from bettercare.demo import DEFAULT_SEED, LATEST, LEICESTERSHIRE, REGION, SNAPSHOT, build_demo
from bettercare.demo.current_programme import returns_from
from bettercare.demo.metrics import DTOC, DTOC_REBASE
from bettercare.demo.timeline import Rows
from bettercare.web.accounts.actions import command_line_user, membership_grant
from bettercare.web.accounts.models import Role, User
from bettercare.web.performance.actions import metric_rebase_add
from bettercare.web.performance.models import Metric, MetricRebase
from bettercare.web.performance.registry import sync_registry
from bettercare.web.programmes.actions import period_sign_off, period_submit
from bettercare.web.programmes.imports import ImportResult, import_workbook, known_references
from bettercare.web.programmes.models import Area, ReportingPeriod, Scheme

__all__ = [
    "DEMO_USERS",
    "DemoError",
    "DemoLoad",
    "DemoUser",
    "create_demo_users",
    "load_demo",
    "print_logins",
]

#: The workbook's name, the same for every stage so that rows are "unchanged" between them.
WORKBOOK = "east-midlands-demo"
RETURN_SHEETS = ("status_updates", "programme_status", "achievements", "planned_activities")
#: Rutland's August return is complete and submitted; every other August is still open.
SUBMITTED_IN_AUGUST = ("E06000017",)
#: The schemes ``lead`` completes returns for (one of them, BCF 14, is missing in August).
LEAD_SCHEMES = ("BCF 10", "BCF 11", "BCF 14")


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo login: its username, name, role and the area the role is in."""

    username: str
    first_name: str
    last_name: str
    role: Role | None
    area: str | None

    @property
    def role_label(self) -> str:
        return "administrator (staff and superuser)" if self.role is None else self.role.label


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("manager", "Sarah", "Pritchard (demo)", Role.PROGRAMME_MANAGER, LEICESTERSHIRE),
    DemoUser("lead", "Jo", "Braithwaite (demo)", Role.SCHEME_LEAD, LEICESTERSHIRE),
    DemoUser("finance", "Kate", "Ashworth (demo)", Role.FINANCE_LEAD, LEICESTERSHIRE),
    DemoUser("viewer", "Peter", "Lang (demo)", Role.VIEWER, LEICESTERSHIRE),
    DemoUser("region", "Ruth", "Adebayo (demo)", Role.REGIONAL_LEAD, REGION[0]),
    DemoUser("admin", "Demo", "Administrator", None, None),
)


class DemoError(Exception):
    """The demo cannot be loaded here (real data in the way, or a workbook that fails)."""


@dataclass
class DemoLoad:
    """What loading the demo did: each stage's import, and whether it was the first load."""

    seed: int
    first_load: bool
    imports: list[tuple[Month, ImportResult]]

    @property
    def warnings(self) -> int:
        return sum(len(result.warnings) for _, result in self.imports)


def _refuse_real_data(rows: Rows) -> None:
    codes = [row["area_code"] for row in rows["programme"]]
    real = list(
        Area.objects.filter(code__in=codes, is_demo=False)
        .order_by("code")
        .values_list("code", "name")
    )
    if real:
        named = ", ".join(f"{name} ({code})" for code, name in real[:3])
        raise DemoError(
            f"the database holds real (not demo) data for {named}"
            f"{' and others' if len(real) > 3 else ''}; load the demo into an empty database "
            "(set BETTERCARE_DATABASE_URL to another database)"
        )


def _without_signed_off(rows: Rows) -> Rows:
    signed_off = known_references().signed_off
    return {
        sheet: [
            row
            for row in sheet_rows
            if sheet not in RETURN_SHEETS or (row["area_code"], row["period"]) not in signed_off
        ]
        for sheet, sheet_rows in rows.items()
    }


def _import(rows: Rows, folder: Path, *, by: User, reason: str) -> ImportResult:
    from bettercare.workbook import write_workbook

    path = write_workbook(folder / WORKBOOK, _without_signed_off(rows))
    result = import_workbook(path, by=by, reason=reason, mark_demo=True)
    if not result.ok:
        problems = "; ".join(str(message) for message in result.errors[:3])
        raise DemoError(f"the demo workbook has {len(result.errors)} error(s): {problems}")
    return result


def _wanted_state(area: str, month: Month, as_at: Month) -> str:
    """The historical stages: before the stage's month signed off; its month submitted at
    the July 2017 snapshot (and for Rutland in August), otherwise open. The current stage:
    the newest month open, the one before it submitted, earlier ones signed off."""
    if as_at > LATEST:
        if month < as_at - 1:
            return ReportingPeriod.State.SIGNED_OFF
        return ReportingPeriod.State.SUBMITTED if month < as_at else ReportingPeriod.State.OPEN
    if month < as_at:
        return ReportingPeriod.State.SIGNED_OFF
    if as_at == SNAPSHOT or area in SUBMITTED_IN_AUGUST:
        return ReportingPeriod.State.SUBMITTED
    return ReportingPeriod.State.OPEN


def _advance_periods(codes: Sequence[str], as_at: Month, by: User) -> None:
    """Submit and sign off the stage's periods up to ``as_at``; periods only move forwards.

    The current stage moves only the current programme's periods: the historical example's
    periods stay as they were at the end of August 2017.
    """
    order: list[str] = [
        ReportingPeriod.State.OPEN,
        ReportingPeriod.State.SUBMITTED,
        ReportingPeriod.State.SIGNED_OFF,
    ]
    first = returns_from(as_at) if as_at > LATEST else Month(1900, 1)
    periods = ReportingPeriod.objects.filter(
        area__code__in=codes, month__gte=first.first_day, month__lte=as_at.first_day
    ).select_related("area")
    for period in periods.order_by("area__code", "month"):
        wanted = order.index(_wanted_state(period.area.code, Month.of(period.month), as_at))
        if order.index(period.state) < 1 <= wanted:
            period = period_submit(period=period, by=by)
        if order.index(period.state) < 2 <= wanted:
            period_sign_off(period=period, by=by)


def _user(demo: DemoUser) -> User:
    user, _ = User.objects.get_or_create(
        username=demo.username,
        defaults={
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            "email": f"{demo.username}@demo.bettercare.invalid",
            "password": make_password(None),  # unusable until create_demo_users sets it
        },
    )
    return user


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    by: User | None = None,
    out: TextIO | None = None,
    today: date | None = None,
) -> DemoLoad:
    """Load (or bring up to date) the demo region as at ``today``; the data, not the logins.

    The first load imports the July 2017 snapshot, signs off September 2016 to June 2017 and
    submits July, then imports August 2017 and signs July off (the worked historical example),
    then imports the current stage, as known at the end of the last complete month before
    ``today``, and moves the current year's periods on: the newest open, the one before it
    submitted, the earlier ones signed off. Later loads import the current stage only, so a
    demo loaded in an earlier month is brought up to date.
    """
    sync_registry()
    demo = build_demo(seed, today)
    _refuse_real_data(demo.latest.rows)
    codes = [row["area_code"] for row in demo.latest.rows["programme"]]
    importer = by or command_line_user()
    with transaction.atomic():
        manager = _user(DEMO_USERS[0])
        first = not Area.objects.filter(code=LEICESTERSHIRE).exists()
        stages = demo.stages if first else (demo.latest,)
        imports = []
        with TemporaryDirectory(prefix="bettercare-demo-") as temporary:
            for number, stage in enumerate(stages):
                label = stage.as_at.label
                result = _import(
                    stage.rows,
                    Path(temporary) / str(number),
                    by=importer,
                    reason=f"bettercare demo: the demonstration region as at {label} (seed {seed})",
                )
                _advance_periods(codes, stage.as_at, manager)
                imports.append((stage.as_at, result))
                if out is not None:
                    counts = result.counts.values()
                    print(
                        f"  {label}: {sum(c.created for c in counts):,} rows created, "
                        f"{sum(c.updated for c in counts):,} updated, "
                        f"{sum(c.unchanged for c in counts):,} unchanged",
                        file=out,
                    )
        _record_rebases(manager)
    return DemoLoad(seed, first, imports)


def _record_rebases(by: User) -> None:
    """Record Leicestershire's DToC rebase at Home First (:data:`DTOC_REBASE`), once."""
    month, reason = DTOC_REBASE
    area = Area.objects.get(code=LEICESTERSHIRE)
    metric = Metric.objects.get(code=DTOC)
    if not MetricRebase.objects.filter(area=area, metric=metric, month=month.first_day).exists():
        metric_rebase_add(area=area, metric=metric, month=month, reason=reason, by=by)


def create_demo_users(password: str) -> list[DemoUser]:
    """Create the demo users (or reset their password) and give them their roles.

    All six share one password hash, so that setting it costs one hash and checking whether
    it changed one more; a user is saved only when something about it changed.
    """
    if not password:
        raise DemoError("the demo password must not be empty")
    with transaction.atomic():
        users = {demo.username: _user(demo) for demo in DEMO_USERS}
        stored = users["manager"].password
        hashed = stored if check_password(password, stored) else make_password(password)
        for demo in DEMO_USERS:
            user = users[demo.username]
            staff = demo.role is None
            if (user.password, user.is_staff, user.is_superuser, user.is_active) != (
                hashed,
                staff,
                staff,
                True,
            ):
                user.password, user.is_staff, user.is_superuser = hashed, staff, staff
                user.is_active = True
                user._change_reason = "bettercare demo: demo login"  # type: ignore[attr-defined]  # simple_history reads it
                user.save()
            area = Area.objects.filter(code=demo.area).first() if demo.area else None
            if demo.role is not None and area is not None:
                membership_grant(user=user, area=area, role=demo.role, by=None)
        lead = users["lead"]
        for scheme in Scheme.objects.filter(area__code=LEICESTERSHIRE, ref__in=LEAD_SCHEMES):
            scheme.lead_users.add(lead)
    return list(DEMO_USERS)


def print_logins(users: Sequence[DemoUser], password: str, *, out: TextIO) -> None:
    """The demo logins as a table, with the password, and what they are for."""
    names = dict(
        Area.objects.filter(code__in=[u.area for u in users if u.area]).values_list("code", "name")
    )
    rows = [("username", "role", "area", "password")]
    rows += [
        (
            user.username,
            user.role_label,
            f"{names.get(user.area, user.area)} ({user.area})" if user.area else "all areas",
            password,
        )
        for user in users
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    print("Demo logins: demonstration data only; never use these accounts for real data.", file=out)
    for number, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)
        if number == 0:
            print("  ".join("-" * width for width in widths), file=out)
