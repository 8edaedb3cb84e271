"""What every area page needs: the area (scoped to the user), the period, the navigation."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import engines
from django.template.backends.utils import csrf_input
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from bettercare.core.periods import Month
from bettercare.web.accounts.access import Access
from bettercare.web.presenters import period_options, site_header, unread_alerts_label
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.programmes.queries import (
    MonthOutOfRangeError,
    check_reportable,
    current_month,
    latest_period,
    reportable_months,
    reporting_period,
)
from bettercare.web.programmes.versioning import area_id_reading_ahead, read_ahead, reading_once

AREA_PAGES = (
    ("overview", "Overview"),
    ("dashboard", "Dashboard"),
    ("metrics", "Metrics"),
    ("schemes", "Schemes"),
    ("milestones", "Milestones"),
    ("risks", "Risks"),
    ("finance", "Finance"),
    ("periods", "Periods"),
)


def access_of(request: HttpRequest) -> Access:
    return request.access  # type: ignore[attr-defined,no-any-return]  # AccessMiddleware sets it


#: Stands for the CSRF field in HTML cached for more than one request: :func:`with_csrf` puts
#: each request's own field in its place. No text a template escapes can contain it ("<").
CSRF_MARK = "<bettercare-csrf-input>"


def with_csrf(request: HttpRequest, html: str) -> Markup:
    """Cached HTML with this request's CSRF field where :data:`CSRF_MARK` stands."""
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, str(csrf_input(request)))
    return Markup(html)  # noqa: S704 - rendered by our autoescaping templates


#: Stand for the request's own CSRF token and site header (the user's name, their alerts) in a
#: whole page cached for more than one viewer (:func:`cached_page`, ADR 0137).
CSRF_TOKEN_MARK = "<bettercare-csrf-token>"  # noqa: S105 - a mark, not a secret
HEADER_MARK = "<bettercare-site-header>"
_HEADER_BYTES, _CSRF_TOKEN_BYTES, _CSRF_BYTES = (
    mark.encode() for mark in (HEADER_MARK, CSRF_TOKEN_MARK, CSRF_MARK)
)

#: Whether the page being rendered is made for the cache (its per-request parts as marks).
_MARKING: ContextVar[bool] = ContextVar("bettercare_page_marking", default=False)


class _NotKept(Exception):  # noqa: N818 - not an error: a page made for the cache but not kept
    """A page made for the cache that must not be kept (not a plain 200, or it showed a
    message)."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def cached_page(
    request: HttpRequest,
    areas: Iterable[int] | QuerySet[Any],
    build: Callable[[], HttpResponse],
) -> HttpResponse:
    """The page ``build`` makes, kept whole in the cache (``cached.versioned``) under the
    versions of the data of ``areas`` and what else it shows (ADR 0137).

    Keyed on the path with its query, the viewer's access (``Access.signature``: roles by
    area, led schemes, administrator), whether they are a superuser (the footer) and today's
    date. The request's own CSRF field and token and its site header (the user's name and
    unread alerts) are put in place of marks on every request. Made afresh, not from the
    cache, for anything but a signed-in GET or HEAD read once (versions remembered), for
    htmx requests, and when the user has messages to see; a page that is not a 200 with no
    header but its content type, or that shows a message its making added, is served but
    not kept. An exception (404, 403) propagates and nothing is kept. Kept compressed: a
    page is 30-120 KB of HTML, and the cache holds up to 5,000 entries per process.
    """
    if not _may_cache(request):
        return build()
    from bettercare.web.reporting.cached import versioned

    access = access_of(request)
    asked = f"{request.get_full_path()}|{access.signature}|{request.user.is_superuser}"
    name = hashlib.blake2b(asked.encode(), digest_size=12).hexdigest()
    try:
        kept = versioned(
            f"page:{name}:{timezone.localdate()}", areas, lambda: _made_marked(request, build)
        )
    except _NotKept as made:
        made.response.content = personal(request, made.response.content)
        return made.response
    return HttpResponse(personal(request, zlib.decompress(kept)))


def _may_cache(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and reading_once()
        and request.user.is_authenticated
        and not request.headers.get("HX-Request")
        and len(get_messages(request)) == 0  # counts without marking them seen
    )


#: The headers of a page that may be kept: the content type is that of every HttpResponse.
_PLAIN_HEADERS = frozenset({"content-type"})


def _made_marked(request: HttpRequest, build: Callable[[], HttpResponse]) -> bytes:
    marking = _MARKING.set(True)
    try:
        response = build()
    finally:
        _MARKING.reset(marking)
    if (
        response.status_code != 200
        or response.streaming
        or {name.lower() for name in response.headers} != _PLAIN_HEADERS
        or response["Content-Type"] != HttpResponse()["Content-Type"]
        or len(get_messages(request))
    ):
        raise _NotKept(response)
    return zlib.compress(response.content, 1)


def personal(request: HttpRequest, page: bytes) -> bytes:
    """A page made for the cache (UTF-8) with this request's site header, CSRF field and token
    in their marks."""
    page = page.replace(_HEADER_BYTES, str(account_header(request)).encode(), 1)
    if _CSRF_TOKEN_BYTES in page:
        page = page.replace(_CSRF_TOKEN_BYTES, get_token(request).encode())
    if _CSRF_BYTES in page:
        page = page.replace(_CSRF_BYTES, str(csrf_input(request)).encode())
    return page


def account_header(request: HttpRequest) -> Markup:
    """The site header of a signed-in user without navigation, as ``base.jinja`` writes it."""
    user = request.user
    links = (
        (reverse("notifications"), unread_alerts_label(request)),
        (reverse("logout"), "Sign out"),
    )
    environment = engines["jinja2"].env  # type: ignore[attr-defined]  # the Jinja2 backend's
    return site_header(environment, user.get_full_name() or user.username, links)  # type: ignore[union-attr]  # signed in: a User


def area_for(request: HttpRequest, code: str) -> Area:
    """The area with this code: 404 if there is none, 403 if the user may not see it.

    Its parent and grandparent come with it (an HWB's ICB and region), so the pages find the
    region above without another query."""
    area = area_by_code(code)
    if not access_of(request).can_view(area):
        raise PermissionDenied(f"You do not have access to {area.name}.")
    return area


def area_by_code(code: str) -> Area:
    """The area (a programme's, an ICB, a region) with this code, its parent, grandparent and
    programme with it, whoever asks: 404 if there is none."""
    # Within a GET, the area's id with its version and the shared one in one query, before the
    # access (which keys on the shared version) and the page's cached parts ask for them (ADR
    # 0124), and the area with its parents and programme from the cache under them (ADR 0137).
    known = area_id_reading_ahead(code)
    from bettercare.web.reporting.cached import versioned

    if known is not None:
        return versioned(f"area:{known}", [known], lambda: _area_of(code))
    if reading_once():
        # No version row: nothing of the area's own (its programme) has been written since
        # versions began -- a region's or an ICB's, as a rule -- so only the shared version
        # (the area tree) can change it; a first write makes the row (ADR 0142).
        name = hashlib.blake2b(code.encode(), digest_size=8).hexdigest()
        return versioned(f"area-unversioned:{name}", [], lambda: _area_of(code))
    area = _area_of(code)
    read_ahead([area.pk])
    return area


def _area_of(code: str) -> Area:
    area = Area.objects.select_related("parent__parent", "programme").filter(code=code).first()
    if area is None:
        raise Http404(f"There is no area {code}.")
    return area


def parse_month(text: str | None) -> Month | None:
    if text is None or text == "":
        return None
    try:
        return Month.parse(text)
    except ValueError:
        raise Http404(f"{text!r} is not a reporting month (expected YYYY-MM).") from None


def period_for(area: Area, text: str | None) -> ReportingPeriod:
    """The area's period for the month asked for (``YYYY-MM``), or the latest; 404 for a month
    outside the months the area can report. The period may be unopened (not saved)."""
    return period_of(area, parse_month(text))


def period_of(area: Area, month: Month | None) -> ReportingPeriod:
    """The area's period for a month already parsed at the edge (None: the latest); 404 for a
    month outside the months the area can report. The period may be unopened (not saved)."""
    if not reading_once():
        return _find_period(area, month)
    from bettercare.web.reporting.cached import versioned

    # Kept per version of the area's data and current month (the latest may be the current
    # month), as its field values, not the instance with its area (ADR 0124).
    db, values = versioned(
        f"period:{area.pk}:{month or 'latest'}:{current_month()}",
        [area.pk],
        lambda: _period_values(_find_period(area, month)),
    )
    period = (
        ReportingPeriod(**values)
        if db is None
        else ReportingPeriod.from_db(db, list(values), list(values.values()))
    )
    period.area = area
    return period


def _find_period(area: Area, month: Month | None) -> ReportingPeriod:
    if month is None:
        return latest_period(area)
    try:
        check_reportable(area, month)
    except MonthOutOfRangeError as error:
        raise Http404(str(error)) from None
    return reporting_period(area, month)


def _period_values(period: ReportingPeriod) -> tuple[str | None, dict[str, Any]]:
    """A period's database (None when it is not saved) and field values, in field order."""
    values = {f.attname: getattr(period, f.attname) for f in ReportingPeriod._meta.concrete_fields}
    return (None if period._state.adding else period._state.db), values


def period_choices(area: Area) -> list[dict[str, Any]]:
    """The months the selector offers, newest first, grouped by financial year."""
    states = dict(ReportingPeriod.objects.filter(area=area).values_list("month", "state"))
    labels = dict(ReportingPeriod.State.choices)
    groups: list[dict[str, Any]] = []
    for month in reportable_months(area):
        year = str(month.financial_year)
        if not groups or groups[-1]["year"] != year:
            groups.append({"year": year, "months": []})
        state = states.get(month.first_day, ReportingPeriod.State.NOT_OPENED)
        groups[-1]["months"].append(
            {
                "month": str(month),
                "label": month.label,
                "state": state,
                "state_label": labels[state],
            }
        )
    return groups


def period_selector(area: Area, selected: Month) -> Markup:
    """The period selector's options with ``selected`` chosen, rendered once per version of
    the area's data and month of the year (the months run to the current one, ADR 0124)."""
    from bettercare.web.reporting.cached import fragment

    return fragment(
        f"period-options:{area.pk}:{current_month()}:{selected}",
        [area.pk],
        lambda: str(period_options(period_choices(area), str(selected))),
    )


def area_navigation(area: Area, current: str, query: str = "") -> list[dict[str, Any]]:
    items = []
    for name, label in AREA_PAGES:
        href = reverse(f"area-{name}", args=[area.code]) + query
        items.append({"href": href, "text": label, "current": name == current})
    return items


def render_area_page(
    request: HttpRequest,
    template: str,
    area: Area,
    current: str,
    context: dict[str, Any],
    *,
    period: ReportingPeriod | None = None,
    status: int = 200,
) -> HttpResponse:
    query = f"?period={period.reporting_month}" if period is not None else ""
    access = access_of(request)
    context = {
        "area": area,
        "current_page": current,
        "subnav": area_navigation(area, current, query),
        "period": period,
        "period_selector": period_selector(area, period.reporting_month) if period else None,
        "can_manage": access.can_manage(area),
        "can_edit_finance": access.can_edit_finance(area),
        "regions": [
            a
            for a in _ancestors(area)
            if a.type == Area.Type.REGION and access.can_view_assurance(a)
        ],
        **context,
    }
    return render_page(request, template, context, status=status)


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """``render``; while :func:`cached_page` makes the page for the cache, with marks for what
    differs per request."""
    if _MARKING.get():
        return HttpResponse(_render_marked(request, template, context), status=status)
    return render(request, template, context, status=status)


def _render_marked(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    """The page as ``render`` writes it, with marks for the CSRF field and token and the site
    header, which :func:`personal` fills in for each request."""
    page = get_template(template)
    context = {**context, "request": request}
    for processor in page.backend.template_context_processors:  # type: ignore[attr-defined]  # the Jinja2 backend's
        context.update(processor(request))
    context.update(
        csrf_input=Markup(CSRF_MARK),  # noqa: S704 - a constant: each request's own field replaces it
        csrf_token=Markup(CSRF_TOKEN_MARK),  # noqa: S704 - a constant, as above
        header_mark=Markup(HEADER_MARK),  # noqa: S704 - a constant: the request's header replaces it
    )
    return str(page.template.render(context))  # type: ignore[attr-defined]  # the Jinja2 backend's


def region_above(area: Area) -> Area | None:
    """The nearest region above ``area`` (None when it is in none), from its loaded parents."""
    return next((a for a in _ancestors(area) if a.type == Area.Type.REGION), None)


def _ancestors(area: Area) -> list[Area]:
    chain = []
    parent = area.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent if parent.parent_id else None
    return chain
