"""Per-request account concerns: the user's ``Access``, and what being signed in implies.

``SignedInMiddleware``, for a signed-in user: renews the session while it is used (so it ends
after ``SESSION_COOKIE_AGE`` of inactivity); asks for the second factor before anything else
when the user has an authenticator, or sends them to add one when they must have one; and marks
every answer ``Cache-Control: private, no-store`` so that no shared machine or proxy keeps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from bettercare.web.accounts.access import Access
from bettercare.web.programmes.versioning import versions_read_once

#: Requests that only read: the data versions they ask for are read once each (ADR 0124).
READS = frozenset({"GET", "HEAD"})

#: Seconds between renewals of a session in use (a write each time, not on every request).
RENEW_AFTER = 60
SEEN_KEY = "bettercare_seen"
NOT_NEEDED_KEY = "bettercare_second_factor_not_needed"
VERIFY_URL = "/accounts/two-factor/"
SETUP_URL = "/accounts/two-factor/setup/"
#: Reachable before the second factor: signing out, the two-factor pages and static files.
OPEN_PREFIXES = ("/accounts/logout/", "/accounts/two-factor/", "/static/", "/healthz")


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = SimpleLazyObject(lambda: Access.for_user(request.user))  # type: ignore[attr-defined]  # the attribute pages.access_of reads
        if request.method not in READS:
            return self.get_response(request)
        with versions_read_once():
            return self.get_response(request)


class SignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        if now - int(request.session.get(SEEN_KEY, 0)) >= RENEW_AFTER:
            request.session[SEEN_KEY] = now  # saved with a new expiry: the idle clock restarts
        response = self._second_factor(request) or self.get_response(request)
        response["Cache-Control"] = "private, no-store"
        return response

    def _second_factor(self, request: HttpRequest) -> HttpResponse | None:
        """A redirect (or, for the API, a refusal) until the second factor is given."""
        from bettercare.web.accounts.two_factor import confirmed_devices, two_factor_required

        user = request.user
        if (
            user.is_verified()  # type: ignore[union-attr]  # django-otp's OTPMiddleware adds it
            or request.session.get(NOT_NEEDED_KEY)
            or request.path.startswith(OPEN_PREFIXES)
        ):
            return None
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return None  # a personal API token, not this session, says who is calling
        if confirmed_devices(user):
            target = VERIFY_URL
            message = "Enter the code from your authenticator app to finish signing in."
        elif two_factor_required(user):
            target = SETUP_URL
            message = "Your account must use two-factor sign-in: add an authenticator app first."
        else:
            # Checked once per session, not on every request.
            request.session[NOT_NEEDED_KEY] = True
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": f"{message} ({target})"}, status=403)
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
