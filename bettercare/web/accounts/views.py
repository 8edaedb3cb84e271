"""Signing in and out, and the error pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.jinja"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/logout.jinja"
    http_method_names = ("get", "post", "options")  # type: ignore[assignment]

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return render(request, self.template_name, {"page_title": "Sign out"})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if str(exception) else ""
    return render(request, "403.jinja", {"exception": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    return render(request, "404.jinja", {"exception": message}, status=404)


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """A trivial page for load balancers and monitoring: the app is up (no database query)."""
    return HttpResponse("ok", content_type="text/plain")
