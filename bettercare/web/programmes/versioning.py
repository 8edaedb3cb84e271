"""Numbers that change whenever programme data change, for caching what is derived (ADR 0102).

Each area has its own data version (:class:`AreaVersion`) and there is one shared version
(:class:`DataVersion`) for what is in no one area: the metric registry, the area tree and
who may see what. A cached page keys on the shared version and the versions of the areas it
reads (:func:`data_versions`), so a write to one area leaves every other area's pages in the
cache, and writers to different areas never wait for each other on one row.

Who moves them on:

- saving or deleting a bettercare row through the ORM (the actions) moves the version of
  the row's area on (a signal), or the shared version for a row in no area;
- the bulk writer (:mod:`bettercare.web.programmes.bulk`) moves on the versions of the areas
  of the rows it wrote (:func:`rows_changed`), as it sends no signals;
- users and API tokens are not data (a login or a new password changes no version and, see
  :func:`record_login`, a login writes no history row), except what pages show of a user:
  saving a user's name (or deleting a user) moves the shared version, as the periods page
  says who submitted and signed off each return.

Every version moves on inside the writing transaction, so a rollback undoes it too, and
every server process reads them from the database, so a change made through one process is
seen by all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.contrib.auth import user_logged_in
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from bettercare.web.programmes.models import (
    AreaVersion,
    DataVersion,
    ReportingPeriod,
    Scheme,
)

__all__ = [
    "area_id_reading_ahead",
    "area_version",
    "areas_changed",
    "areas_of",
    "connect",
    "data_versions",
    "read_ahead",
    "reading_once",
    "record_login",
    "rows_changed",
    "shared_changed",
    "shared_version",
    "versions_read_once",
]

APPS = ("accounts", "programmes", "finance", "performance", "assurance", "benchmarking")
#: Models whose writes change no cached page: who people are (access keys on memberships,
#: which are versioned) and their API tokens (``last_used_at`` moves on every API call).
NOT_DATA = frozenset({"accounts.User", "accounts.ApiToken"})
#: Models whose writes concern every area: the area tree (region pages, peer sets) and
#: memberships (who may see what: the access cache keys on the shared version).
EVERY_AREA = frozenset({"programmes.Area", "accounts.Membership"})
SHARED = 1  # the primary key of the shared version's row
#: The fields of a user that pages show (``get_full_name() or username``).
USER_SHOWN = frozenset({"username", "first_name", "last_name"})


#: The versions already read while answering one request (see :func:`versions_read_once`);
#: None outside one.
_READ: ContextVar[dict[Any, Any] | None] = ContextVar("bettercare_versions_read", default=None)


@contextmanager
def versions_read_once() -> Iterator[None]:
    """Within, each version is read from the database once: a page asks for the same versions
    several times (the user's access, each cached part), and they do not change while it is
    answered unless it writes, which forgets them (ADR 0124). For requests that read only."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def reading_once() -> bool:
    """Whether versions are being read once (:func:`versions_read_once`): a request that reads
    only, for which a part worth caching costs no query to key."""
    return _READ.get() is not None


def read_ahead(areas: Iterable[int]) -> None:
    """Within :func:`versions_read_once`, read these areas' versions and the shared one now, in
    one query, for what asks for them later (outside it, nothing: no one would reuse them)."""
    if _READ.get() is not None:
        data_versions(areas)


def area_id_reading_ahead(code: str) -> int | None:
    """Within :func:`versions_read_once`, the id of the area with this code, its version and
    the shared one read in one query and remembered as :func:`data_versions` of the area
    (ADR 0137); None outside, or for no such area or one whose version has no row yet."""
    read = _READ.get()
    if read is None:
        return None
    rows = AreaVersion.objects.filter(area__code=code).values_list("area_id", "number")
    shared = DataVersion.objects.filter(pk=SHARED).values_list(
        models.Value(0, output_field=models.BigIntegerField()), "number"
    )
    found = sorted(rows.union(shared, all=True))
    areas = [area for area, _ in found if area != 0]
    if len(areas) != 1:
        return None
    _remember(read, (areas[0],), found)
    return areas[0]


def _remember(read: dict[Any, Any], remembered: tuple[Any, ...], found: list[Any]) -> str:
    """Remember versions read (area, number pairs, the shared one as area 0) under
    ``remembered``, and the shared one; their token."""
    read["shared"] = next((number for area, number in found if area == 0), 0)
    text = ";".join(f"{area}:{number}" for area, number in found)
    token = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    read[remembered] = token
    return token


def _forget() -> None:
    """A version moves on: read them afresh."""
    read = _READ.get()
    if read is not None:
        read.clear()


# -- moving versions on -----------------------------------------------------------------------


def shared_changed() -> None:
    """Move the shared version on: every cached page is recomputed."""
    _forget()
    with transaction.atomic():
        updated = DataVersion.objects.filter(pk=SHARED).update(number=models.F("number") + 1)
        if not updated:
            DataVersion.objects.get_or_create(pk=SHARED)
            DataVersion.objects.filter(pk=SHARED).update(number=models.F("number") + 1)


def areas_changed(area_ids: Iterable[int]) -> None:
    """Move the versions of these areas on (one statement when every area has its row)."""
    wanted = set(area_ids)
    if not wanted:
        return
    _forget()
    with transaction.atomic():
        rows = AreaVersion.objects.filter(area_id__in=sorted(wanted))
        if rows.update(number=models.F("number") + 1) == len(wanted):
            return
        # A new area: make its row at 0 (a concurrent writer may make it first), then count.
        present = set(rows.values_list("area_id", flat=True))
        missing = sorted(wanted - present)
        AreaVersion.objects.bulk_create(
            [AreaVersion(area_id=pk, number=0) for pk in missing], ignore_conflicts=True
        )
        AreaVersion.objects.filter(area_id__in=missing).update(number=models.F("number") + 1)


def areas_of(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> set[int] | None:
    """The areas that rows of ``model`` (field values by attribute name) belong to; None when
    the model is in no one area (its change concerns every area)."""
    if model._meta.label in EVERY_AREA:
        return None
    names = {f.attname for f in model._meta.concrete_fields}
    if "area_id" in names:
        return {row["area_id"] for row in rows if row.get("area_id") is not None}
    for attname, through in (("period_id", ReportingPeriod), ("scheme_id", Scheme)):
        if attname in names:
            ids = {row[attname] for row in rows if row.get(attname) is not None}
            return set(through.objects.filter(pk__in=ids).values_list("area_id", flat=True))
    return None


def rows_changed(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> None:
    """Move on the versions that written rows of ``model`` change (see :func:`areas_of`)."""
    if model._meta.label in NOT_DATA:
        return
    found = areas_of(model, rows)
    if found is None:
        shared_changed()
    else:
        areas_changed(found)


# -- reading them -----------------------------------------------------------------------------


def shared_version() -> int:
    """The shared version (0 before anything has changed)."""
    read = _READ.get()
    if read is not None and "shared" in read:
        return int(read["shared"])
    found = DataVersion.objects.filter(pk=SHARED).values_list("number", flat=True).first()
    if read is not None:
        read["shared"] = found or 0
    return found or 0


def area_version(area_id: int) -> int:
    """An area's version (0 before anything in it has changed)."""
    found = AreaVersion.objects.filter(area_id=area_id).values_list("number", flat=True).first()
    return found or 0


def data_versions(areas: Iterable[int] | models.QuerySet[Any]) -> str:
    """A short token that changes when the shared version or any of ``areas``' versions does
    (one query). ``areas`` is area primary keys, or a query of them such as
    ``Area.objects.descendants(region).values("pk")``."""
    read = _READ.get()
    remembered: tuple[Any, ...]
    if isinstance(areas, models.QuerySet):
        remembered = ("query", str(areas.query))  # the same query asked again in one request
    else:
        areas = sorted(set(areas))
        remembered = tuple(areas)
    if read is not None and remembered in read:
        return str(read[remembered])
    rows = AreaVersion.objects.filter(area_id__in=areas).values_list("area_id", "number")
    shared = DataVersion.objects.filter(pk=SHARED).values_list(
        models.Value(0, output_field=models.BigIntegerField()), "number"
    )
    found = sorted(rows.union(shared, all=True))
    # The shared version came with them.
    return _remember({} if read is None else read, remembered, found)


# -- signals ----------------------------------------------------------------------------------


def _area_of(instance: models.Model) -> int | None:
    """The area a saved or deleted row belongs to; None for the shared version."""
    values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
    found = areas_of(type(instance), [values])
    if found is None or len(found) != 1:
        return None  # in no area, or its period or scheme is already gone: be safe
    return next(iter(found))


def _is_data(model: type[models.Model]) -> bool:
    return not (
        model in (DataVersion, AreaVersion)
        or model._meta.label in NOT_DATA
        or model.__name__.startswith("Historical")
    )


def _changed(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if not _is_data(sender):
        return
    area = _area_of(instance)
    if area is None:
        shared_changed()
    else:
        areas_changed([area])


def _links_changed(sender: Any, instance: models.Model, reverse: bool, **kwargs: Any) -> None:
    if kwargs.get("action", "").startswith("pre_"):
        return
    leads = sender is Scheme.lead_users.through
    if reverse or leads or not isinstance(instance, Scheme):
        shared_changed()  # scheme leads decide who may edit: access keys on the shared one
    if isinstance(instance, Scheme):
        areas_changed([instance.area_id])


def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Django's ``update_last_login`` without a history row or a signal: a login is not an
    edit. (An update of the one column, not a save: the same user object may be signing in
    on several threads at once, so nothing is set on it but ``last_login``.)"""
    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


def _user_saved(
    sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """A user's name as pages show it may have changed: every page is recomputed. A new user
    is named on no page yet; a save of other fields only (``update_fields``) shows nothing."""
    if created or (update_fields is not None and not USER_SHOWN & set(update_fields)):
        return
    shared_changed()


def _user_deleted(sender: Any, **kwargs: Any) -> None:
    shared_changed()  # the pages that named them name nobody now


def connect() -> None:
    """Listen to every bettercare model's saves, deletes and many-to-many changes."""
    user = apps.get_model("accounts", "User")
    post_save.connect(_user_saved, sender=user, dispatch_uid="data-version-user-name")
    post_delete.connect(_user_deleted, sender=user, dispatch_uid="data-version-user-deleted")
    for config in APPS:
        for model in apps.get_app_config(config).get_models():
            if not _is_data(model):
                continue
            post_save.connect(
                _changed, sender=model, dispatch_uid=f"data-version-{model._meta.label}"
            )
            post_delete.connect(
                _changed, sender=model, dispatch_uid=f"data-version-del-{model._meta.label}"
            )
            # A scheme's metrics and leads; a peer group's members (the benchmarking pages'
            # peer sets, cached since ADR 0142).
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    _links_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"data-version-m2m-{model._meta.label}-{field.name}",
                )
    if user_logged_in.disconnect(dispatch_uid="update_last_login"):  # Django's saves the user
        user_logged_in.connect(record_login, dispatch_uid="update_last_login")
