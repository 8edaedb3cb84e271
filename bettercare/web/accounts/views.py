"""Signing in and out, and the error pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme

from bettercare.web.accounts import two_factor


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.jinja"
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """The sign-in page when django-axes has locked the username or the address out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Sign-in is locked after {settings.AXES_FAILURE_LIMIT} failed attempts for this "
        f"username or from this address. Try again in {minutes} minutes, or ask an "
        "administrator to unlock it (`bettercare user unlock USERNAME`)."
    )
    return render(
        request,
        "accounts/login.jinja",
        {"form": None, "locked_out": message, "next": ""},
        status=429,
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the user's authenticator app."""
    if request.user.is_verified():  # type: ignore[union-attr]  # django-otp's OTPMiddleware adds it
        return redirect(_next(request))
    if not two_factor.confirmed_devices(request.user):
        return redirect(f"/accounts/two-factor/setup/?{urlencode({'next': _next(request)})}")
    error = ""
    if request.method == "POST":
        device = two_factor.totp_verify(user=request.user, code=request.POST.get("code", ""))
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        error = "Enter the 6-digit code your authenticator app shows now"
    return render(
        request,
        "accounts/two_factor_verify.jinja",
        {"error": error, "next": _next(request), "page_title": "Two-factor sign-in"},
        status=400 if error else 200,
    )


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: its secret to type in, then a code from it to confirm."""
    has_device = bool(two_factor.confirmed_devices(request.user))
    if has_device and request.user.is_verified():  # type: ignore[union-attr]  # django-otp's OTPMiddleware adds it
        return render(
            request,
            "accounts/two_factor_setup.jinja",
            {"enabled": True, "page_title": "Two-factor sign-in"},
        )
    if has_device:
        return redirect(f"/accounts/two-factor/?{urlencode({'next': _next(request)})}")
    device = two_factor.totp_device_start(user=request.user)
    error = ""
    if request.method == "POST":
        confirmed = two_factor.totp_device_confirm(
            user=request.user, code=request.POST.get("code", "")
        )
        if confirmed is not None:
            django_otp.login(request, confirmed)
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(_next(request))
        error = "Enter the 6-digit code your authenticator app shows now"
    return render(
        request,
        "accounts/two_factor_setup.jinja",
        {
            "enabled": False,
            "required": two_factor.two_factor_required(request.user),
            "secret": two_factor.grouped_secret(device),
            "config_url": device.config_url,
            "error": error,
            "next": _next(request),
            "page_title": "Add two-factor sign-in",
        },
        status=400 if error else 200,
    )


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/logout.jinja"
    http_method_names = ("get", "post", "options")

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
