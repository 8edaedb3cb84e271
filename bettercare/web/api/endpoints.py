"""The read-only JSON API at ``/api/``: its operations, errors and OpenAPI document.

Scoped exactly like the pages (``pages.area_for``): an unknown area is 404, one the caller
may not see 403. Every operation is a GET; nothing here writes except a token's
``last_used_at``.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.params.functions import Path, Query

from bettercare.core.periods import Month
from bettercare.web.api import queries
from bettercare.web.api.auth import SIGN_IN, BearerToken, InvalidTokenError, SignedInSession
from bettercare.web.api.schemas import (
    AreaOut,
    Error,
    FinanceOut,
    MetricOut,
    MilestoneOut,
    PlannedActivityOut,
    PlanYearOut,
    RiskOut,
    SchemeOut,
)
from bettercare.web.benchmarking.api import BenchmarkOut, benchmark_json
from bettercare.web.pages import access_of, area_for, period_of
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.queries import MonthOutOfRangeError, check_reportable, current_month

DESCRIPTION = """\
Read-only JSON for Power BI, Excel and scripts: the same figures as the pages, scoped to
the areas you may see.

**Authentication.** Either sign in to bettercare (the browser's session), or send a personal
token as the header `Authorization: Bearer <key>`; an administrator creates one with
`bettercare token create USERNAME`. Without credentials every operation answers 401.

**Errors** are JSON `{"detail": "..."}`: 401 not signed in or a bad token; 403 an area you may
not see; 404 an unknown area or reporting period; 422 a malformed parameter (a `period` must
be written `YYYY-MM`, e.g. `2017-08`).

**Values.** Money is a JSON number in pounds rounded to the penny (two decimal places).
Dates are ISO `YYYY-MM-DD`, months `YYYY-MM`, financial years `YYYY-YY`. Missing values are
`null`. RAG statuses are `G`, `A`, `R`, `NA` (not applicable) and `E` (enabler).
"""

CODE = "The area's ONS code, e.g. E10000018 (GET /api/areas lists yours)."
LATEST_PERIOD = "The reporting month, YYYY-MM; by default the area's latest period."
AS_AT_PERIOD = (
    "The reporting month, YYYY-MM: any month from the start of the area's plan or data to the "
    "current month; by default the area's latest reporting period (or, with none opened, the "
    "last month of its plan or data up to the current month)."
)
AREA_ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error}
PERIOD_ERRORS: dict[int, Any] = {**AREA_ERRORS, 422: Error}


class BettercareAPI(NinjaAPI):
    """NinjaAPI whose views answer 401 themselves rather than redirect to the sign-in page."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                login_not_required(pattern.callback)
        return patterns, app_name, namespace


class LocalSwagger(Swagger):
    """The interactive docs with ninja's own copies of Swagger UI, served from here, never a CDN.

    ninja chooses its CDN template unless "ninja" is an installed app; it is not one (installing
    it imported all of ninja and pydantic on every start, ADR 0117): its templates and static
    files are found by path (settings ``TEMPLATES``, ``STATICFILES_DIRS``).
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # Swagger.render_page with ninja's render_template's installed-app branch.
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = BettercareAPI(
    title="bettercare API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[BearerToken(), SignedInSession()],
    docs=LocalSwagger(),
)


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    invalid = isinstance(exc, InvalidTokenError)
    response = _error(request, 401, str(exc) if invalid else SIGN_IN)
    # RFC 6750: say which scheme to use, and whether the token sent was the problem.
    challenge = 'Bearer realm="bettercare"'
    response["WWW-Authenticate"] = challenge + (', error="invalid_token"' if invalid else "")
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You do not have access to this.")


def parse_period(text: str | None) -> Month | None:
    """The ``period`` parameter: None if absent, 422 (naming ``YYYY-MM``) if malformed."""
    if text is None or not text.strip():
        return None
    try:
        return Month.parse(text)
    except ValueError as error:
        raise HttpError(422, f"period: {error}") from None


def _as_at(area: Area, month: Month | None) -> Month:
    """The month the answer is as at: the one asked for (404 outside the area's reportable
    months), or by default the area's latest."""
    if month is None:
        return queries.latest_month(area)
    try:
        check_reportable(area, month)
    except MonthOutOfRangeError as error:
        raise HttpError(404, str(error)) from None
    return month


@api.get(
    "/areas",
    response={200: list[AreaOut], 401: Error},
    operation_id="list_areas",
    summary="The areas you may see",
    description="Every area you have a role in, and the areas below them (a regional lead "
    "sees every area of the region; an administrator sees all), in order of code.",
)
def list_areas(request: HttpRequest) -> list[dict[str, Any]]:
    return queries.visible_areas(access_of(request))


@api.get(
    "/areas/{code}/metrics",
    response={200: list[MetricOut], **PERIOD_ERRORS},
    operation_id="area_metrics",
    summary="Each metric's latest position",
    description="Each metric with an actual value ending in or before the month: value, 95% "
    "interval, target, RAG, direction, SPC icons and year-end forecast. Exactly the objects "
    "of `bettercare metrics --area CODE --period YYYY-MM --format json` (documented in "
    "docs/metrics-json.md).",
)
def area_metrics(
    request: HttpRequest,
    code: str = Path(..., description=CODE, example="E10000018"),
    period: str | None = Query(None, description=AS_AT_PERIOD, example="2017-08"),
) -> list[dict[str, Any]]:
    area = area_for(request, code)
    asked = parse_period(period)
    from bettercare.web.reporting.cached import versioned

    # The same for everyone who may see the area: made once per version of its data (its
    # values, commentary and periods) and month of the year (the latest period may be the
    # current month), as the pages' parts are (ADR 0137). A month out of range is a 404, kept
    # by no one.
    return versioned(
        f"api-metrics:{area.pk}:{asked or 'latest'}:{current_month()}",
        [area.pk],
        lambda: queries.area_metrics(area, _as_at(area, asked)),
    )


@api.get(
    "/areas/{code}/schemes",
    response={200: list[SchemeOut], **PERIOD_ERRORS},
    operation_id="area_schemes",
    summary="Each scheme's monthly return",
    description="The schemes (by theme, then reference) with their status on the four "
    "dimensions (savings, milestones, finance, metrics), commentary and additional "
    "information for the reporting period. 404 if the area has no such period.",
)
def area_schemes(
    request: HttpRequest,
    code: str = Path(..., description=CODE, example="E10000018"),
    period: str | None = Query(None, description=LATEST_PERIOD, example="2017-08"),
) -> list[dict[str, Any]]:
    area = area_for(request, code)
    return queries.area_schemes(period_of(area, parse_period(period)))


@api.get(
    "/areas/{code}/milestones",
    response={200: list[MilestoneOut], **PERIOD_ERRORS},
    operation_id="area_milestones",
    summary="The milestones with their slippage and RAG",
    description="Each programme and scheme milestone of the plan year in force at the month "
    "(and an earlier year's still open when that year began), by baseline date, with its "
    "slippage in days and its status (G, A, R or complete) at the end of the month, by the "
    "BCF milestone guidelines.",
)
def area_milestones(
    request: HttpRequest,
    code: str = Path(..., description=CODE, example="E10000018"),
    period: str | None = Query(None, description=AS_AT_PERIOD, example="2017-08"),
) -> list[dict[str, Any]]:
    area = area_for(request, code)
    return queries.area_milestones(area, _as_at(area, parse_period(period)))


@api.get(
    "/areas/{code}/activities",
    response={200: list[PlannedActivityOut], **PERIOD_ERRORS},
    operation_id="area_planned_activities",
    summary="The key activity planned over the next three months",
    description="The activities the programme manager wrote for the period's highlight "
    "report, by group (programme management, schemes, enablers) in their order. The "
    "milestones due in the same months are at /milestones. 404 if the area has no such "
    "period.",
)
def area_planned_activities(
    request: HttpRequest,
    code: str = Path(..., description=CODE, example="E10000018"),
    period: str | None = Query(None, description=LATEST_PERIOD, example="2017-08"),
) -> list[dict[str, Any]]:
    area = area_for(request, code)
    return queries.area_planned_activities(period_of(area, parse_period(period)))


@api.get(
    "/areas/{code}/risks",
    response={200: list[RiskOut], **AREA_ERRORS},
    operation_id="area_risks",
    summary="The risk register",
    description="Each risk in order of reference with its likelihood, impact, score and "
    "band on the NHS 5x5 matrix, the plan's own High/Medium/Low rating where it gave one, "
    "and its trend since the previous review.",
)
def area_risks(
    request: HttpRequest, code: str = Path(..., description=CODE, example="E10000018")
) -> list[dict[str, Any]]:
    return queries.area_risks(area_for(request, code))


@api.get(
    "/areas/{code}/funding",
    response={200: FinanceOut, **AREA_ERRORS},
    operation_id="area_funding",
    summary="Funding streams and the savings plan",
    description="Each funding stream by financial year with its budget, minimum "
    "contribution, forecast outturn and variance, and the savings plan of each year.",
)
def area_funding(
    request: HttpRequest, code: str = Path(..., description=CODE, example="E10000018")
) -> dict[str, Any]:
    return queries.area_finance(area_for(request, code))


@api.get(
    "/areas/{code}/plan",
    response={200: list[PlanYearOut], **AREA_ERRORS},
    operation_id="area_plan",
    summary="The plan's pooled fund, protection split, details and pay for performance",
    description="Each financial year: the pooled fund with each stream counted once and what "
    "is passported out of it (the DFG to the district councils), the pool's spend by "
    "protection-of-services category, the Health and Wellbeing Board and submission dates, "
    "the sign-offs, each national condition (met or not, and the statement), and pay for "
    "performance (planned savings against the maximum support needed, and each payment "
    "period with the payment due from the reduction achieved).",
)
def area_plan(
    request: HttpRequest, code: str = Path(..., description=CODE, example="E10000018")
) -> list[dict[str, Any]]:
    return queries.area_plans(area_for(request, code))


@api.get(
    "/areas/{code}/metrics/{metric}/benchmark",
    response={200: BenchmarkOut, **PERIOD_ERRORS},
    operation_id="area_metric_benchmark",
    summary="A metric compared with the area's peers (PHE funnel plot)",
    description="The metric's latest actual ending in or before the month, for each area of "
    "the peer set you may see, with its 95% interval and PHE's funnel-plot significance "
    "(PHEindicatormethods 2.0.2) against the peer set's pooled figure, and the funnel's "
    "plotting table. Counts of 1 to 7 are withheld. `peers` is region (default), icb or a "
    "peer group's code; 404 if the area has no such peer set or no value.",
)
def area_metric_benchmark(
    request: HttpRequest,
    code: str = Path(..., description=CODE, example="E10000018"),
    metric: str = Path(..., description="The metric's code.", example="emergency_admissions"),
    period: str | None = Query(None, description=AS_AT_PERIOD, example="2017-08"),
    peers: str | None = Query(None, description="The peer set: region, icb or a group's code."),
) -> dict[str, Any]:
    from bettercare.web.benchmarking.queries import (
        latest_period,
        metric_benchmark,
        peer_set_or_404,
    )
    from bettercare.web.performance.models import Metric

    area = area_for(request, code)
    month = _as_at(area, parse_period(period))
    found = Metric.objects.filter(code=metric).first()
    if found is None:
        raise Http404(f"There is no metric {metric!r}.")
    chosen, _ = peer_set_or_404(area, peers)
    dates = latest_period(area, found, month.last_day)
    if dates is None:
        raise Http404(f"{area.name} has no value of {found.name} by {month.label}.")
    bench = metric_benchmark(access_of(request), found, chosen, dates)
    return benchmark_json(bench)
