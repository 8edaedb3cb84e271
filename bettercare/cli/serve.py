"""``bettercare serve``: the web app under gunicorn, with WhiteNoise serving static files.

In production (the default) it refuses to start with an insecure setting and says which. With
``--demo`` (what ``make run`` uses) it runs on this machine only, loads the demonstration
region into an empty database and prints the demo logins; on a database that holds real
(not demo) areas it makes no logins, and says what it found and how to see the demo.
"""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any, TextIO

from bettercare.cli.errors import UserError

MINIMUM_SECRET_KEY_LENGTH = 50


def production_problems() -> list[str]:
    """What stops these settings being safe to serve to a network (empty when they are)."""
    from django.conf import settings

    problems = []
    if settings.DEBUG:
        problems.append("BETTERCARE_DEBUG is on: turn it off (unset it) in production.")
    if settings.USING_DEVELOPMENT_SECRET_KEY:
        problems.append(
            "BETTERCARE_SECRET_KEY is not set: set it to a long random value, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
    elif len(settings.SECRET_KEY) < MINIMUM_SECRET_KEY_LENGTH or len(set(settings.SECRET_KEY)) < 5:
        problems.append(
            f"BETTERCARE_SECRET_KEY is too weak: use at least {MINIMUM_SECRET_KEY_LENGTH} "
            "random characters."
        )
    if not os.environ.get("BETTERCARE_ALLOWED_HOSTS"):
        problems.append(
            "BETTERCARE_ALLOWED_HOSTS is not set: list the host names the site is served as, "
            "e.g. bettercare.example.nhs.uk."
        )
    elif "*" in settings.ALLOWED_HOSTS:
        problems.append("BETTERCARE_ALLOWED_HOSTS must name the hosts, not '*'.")
    if not settings.SECURE_HSTS_SECONDS and not settings.HSTS_DISABLED_REASON:
        problems.append(
            "HSTS is off (BETTERCARE_HSTS_SECONDS=0): leave it on (a year by default), or turn "
            "it off saying why with BETTERCARE_HSTS_DISABLED_REASON (e.g. 'a proxy sets it')."
        )
    if not settings.SECURE_SSL_REDIRECT and not settings.SECURE_PROXY_SSL_HEADER:
        problems.append(
            "BETTERCARE_SSL_REDIRECT is off and no proxy is trusted to say the request came over "
            "HTTPS: leave it on, or set BETTERCARE_TRUST_X_FORWARDED_PROTO=1 behind a proxy that "
            "redirects to HTTPS itself."
        )
    if not settings.REQUIRE_TWO_FACTOR:
        problems.append(
            "BETTERCARE_REQUIRE_TWO_FACTOR is off: administrators must sign in with two factors."
        )
    if not settings.SESSION_COOKIE_SECURE:
        problems.append(
            "BETTERCARE_SECURE_COOKIES is off: cookies must only travel over HTTPS in production."
        )
    return problems


def _demo_password() -> str:
    return os.environ.get("BETTERCARE_DEMO_PASSWORD") or secrets.token_urlsafe(12)


def demo_is_behind() -> bool:
    """Whether the database holds only the demo, loaded before the current reporting month
    (the demo moves with the calendar: a later month brings it up to date)."""
    from datetime import date

    from bettercare.demo import LEICESTERSHIRE, reporting_month
    from bettercare.web.programmes.models import Area, ReportingPeriod

    if Area.objects.filter(is_demo=False).exists():
        return False
    newest = ReportingPeriod.objects.filter(area__code=LEICESTERSHIRE).order_by("-month").first()
    return newest is not None and newest.month < reporting_month(date.today()).first_day


def prepare_demo(out: TextIO) -> bool:
    """Load the demo region into an empty database; (re)set and print the demo logins.

    A database that holds any area that is not demonstration data gets no demo logins: they
    would be shared accounts with a printed password (one an administrator) beside real
    figures. It says what it found, how to sign in and how to see the demo instead, and
    returns ``False``; otherwise it returns ``True`` once the logins are printed.

    The demonstration is insecure by design and serves this machine only: plain HTTP, and
    the demo administrator signs in without a second factor (which production requires).
    """
    from bettercare.web.demo_load import create_demo_users, load_demo, print_logins
    from bettercare.web.programmes.models import Area

    real = list(Area.objects.filter(is_demo=False).order_by("code"))
    if real:
        print_real_data_found(real, out)
        return False
    if not Area.objects.exists():
        print("The database is empty: loading the demonstration region...", file=out)
        load_demo(out=out)
    elif demo_is_behind():
        print("Bringing the demonstration region up to date...", file=out)
        load_demo(out=out)
    password = _demo_password()
    users = create_demo_users(password)
    print_logins(users, password, out=out)
    print(
        "This local demonstration does not ask for two-factor sign-in; in production "
        "administrators must add an authenticator app when they first sign in.",
        file=out,
    )
    return True


def print_real_data_found(real: list[Any], out: TextIO) -> None:
    """Say which areas are not demonstration data, and how to sign in or see the demo."""
    from django.conf import settings
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from bettercare.web.accounts.actions import COMMAND_LINE_USERNAME
    from bettercare.web.accounts.models import User
    from bettercare.web.programmes.models import Area

    named = ", ".join(f"{area.name} ({area.code})" for area in real[:3])
    more = f" and {len(real) - 3} more" if len(real) > 3 else ""
    demo_areas = Area.objects.filter(is_demo=True).count()
    beside = f", beside {demo_areas} demonstration area(s)" if demo_areas else ""
    print(
        f"This database holds {len(real)} area(s) that are not demonstration data: "
        f"{named}{more}{beside}.",
        file=out,
    )
    print(
        "No demo logins were created or reset: shared demo accounts with a printed password "
        "do not belong beside real data.",
        file=out,
    )
    accounts = (
        User.objects.filter(is_active=True)
        .exclude(username=COMMAND_LINE_USERNAME)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .count()
    )
    if accounts:
        print(f"Sign in with one of its {accounts} existing account(s).", file=out)
    else:
        print(
            "It has no account that can sign in yet: create one with "
            "`python manage.py createsuperuser`.",
            file=out,
        )
    database = settings.DATABASES["default"]
    where = (
        database["NAME"]
        if "sqlite" in database["ENGINE"]
        else f"{database['HOST']}/{database['NAME']}"
    )
    if os.environ.get("BETTERCARE_DATABASE_URL"):
        how = "set BETTERCARE_DATABASE_URL to an empty database and run `bettercare serve --demo`"
    else:
        how = "run `BETTERCARE_DATA_DIR=var/demo bettercare serve --demo` (a new SQLite database)"
    print(
        f"To see the demonstration region instead, serve another, empty database (this one is "
        f"{where}): {how}.",
        file=out,
    )


def _static_fingerprint() -> str:
    """The static files' names, sizes and times: whether collecting them again would differ."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(out: TextIO | None = None) -> bool:
    """Collect (and compress) the static files, unless nothing has changed since last time.

    ``make setup`` does this once, so a first ``serve`` normally finds them ready; when it
    must do it (a new data folder, changed assets) it says so on ``out``, as it takes a while.
    Returns whether it collected.
    """
    import time
    from io import StringIO
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    marker = Path(settings.STATIC_ROOT) / ".bettercare-collected"
    fingerprint = _static_fingerprint()
    if marker.exists() and marker.read_text() == fingerprint:
        return False
    if out is not None:
        print(
            f"Collecting and compressing the static files into {settings.STATIC_ROOT} "
            "(once for this data folder; `make setup` does it ahead)...",
            file=out,
        )
        out.flush()
    start = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
    marker.write_text(fingerprint)
    if out is not None:
        print(f"Static files ready ({time.perf_counter() - start:.1f} s).", file=out)
    return True


def main() -> None:
    """``python -m bettercare.cli.serve``: collect the static files (what ``make setup`` runs)."""
    from bettercare.cli.database import setup_django

    setup_django()
    collect_static(sys.stdout)


class _Server:
    """gunicorn, configured from code rather than a config file."""

    def __init__(self, bind: str, workers: int, threads: int) -> None:
        from gunicorn.app.base import BaseApplication

        from bettercare.web.config.wsgi import application

        options = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "forwarded_allow_ips": os.environ.get("BETTERCARE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        }

        class Application(BaseApplication):
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.application = Application()

    def run(self) -> None:
        self.application.run()


def serve(host: str | None, port: int, *, demo: bool, out: TextIO = sys.stdout) -> int:
    """Run the web app; return only when the server stops."""
    from bettercare.cli.database import ensure_database

    if not demo:
        problems = production_problems()
        if problems:
            lines = "\n".join(f"  - {p}" for p in problems)
            raise UserError(
                "refusing to serve with insecure settings:\n"
                f"{lines}\n(For a local demonstration use `bettercare serve --demo` or `make run`.)"
            )
    host = host or ("127.0.0.1" if demo else "0.0.0.0")  # noqa: S104 - production listens on all interfaces behind a proxy
    if demo and host not in ("127.0.0.1", "localhost", "::1"):
        raise UserError("--demo serves this machine only: use --host 127.0.0.1 (the default).")
    for line in ensure_database():
        print(line, file=out)
    collect_static(out)
    if demo:
        prepare_demo(out)
    workers = int(os.environ.get("BETTERCARE_WORKERS") or (os.cpu_count() or 1) + 1)
    threads = int(os.environ.get("BETTERCARE_THREADS") or 4)
    print(f"Serving bettercare on http://{host}:{port}/ (Ctrl+C to stop)", file=out)
    out.flush()
    _Server(f"{host}:{port}", workers, threads).run()
    return 0


if __name__ == "__main__":
    main()
