"""Attach the user's ``Access`` to each request, so views and templates share one lookup."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from bettercare.web.accounts.access import Access


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = SimpleLazyObject(lambda: Access.for_user(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)
