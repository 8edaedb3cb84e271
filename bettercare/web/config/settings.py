"""Django settings, all from environment variables (see ``docs/configuration.md``).

- ``BETTERCARE_DATABASE_URL``: e.g. ``postgres://user@host:5432/name`` or
  ``sqlite:///absolute/path.sqlite3``; default: SQLite in ``var/bettercare.sqlite3``.
- ``BETTERCARE_SECRET_KEY``: required by ``bettercare serve``; otherwise a development key is
  generated once into ``var/`` (never into the repository).
- ``BETTERCARE_ALLOWED_HOSTS``: comma-separated host names for ``bettercare serve``.
- ``BETTERCARE_DEBUG``: ``1``/``true`` for Django's debug mode (off unless set).
- ``BETTERCARE_DATA_DIR``: where the SQLite database and generated files live (``var/``).
- ``BETTERCARE_EMAIL_HOST``, ``_PORT`` (25), ``_USER``, ``_PASSWORD``, ``_USE_TLS``,
  ``_USE_SSL``, ``_TIMEOUT`` (10 s), ``_FROM``: the SMTP server alert emails go through;
  without a host, emails wait in the outbox (see ``docs/alerts.md``).
- ``BETTERCARE_BASE_URL``: the site's address, for links in emails (e.g.
  ``https://bettercare.example.org``).
- ``BETTERCARE_ALERT_RULES``: per-rule persistence and smoothing, e.g.
  ``spc_concern:persistence=3;data_rag_worsened:smoothing=3``.
- ``BETTERCARE_ALERTS_ON_SAVE``: evaluate the alert rules after each data change (default on).
- ``BETTERCARE_SSL_REDIRECT``: send plain HTTP requests to HTTPS (on unless debugging).
- ``BETTERCARE_TRUST_X_FORWARDED_PROTO``: the proxy in front says ``X-Forwarded-Proto: https``.
- ``BETTERCARE_HSTS_SECONDS``: Strict-Transport-Security max-age (a year unless debugging);
  ``BETTERCARE_HSTS_DISABLED_REASON``: turn HSTS off, saying why (``bettercare serve`` refuses
  production without HSTS otherwise); ``BETTERCARE_HSTS_PRELOAD``: add ``preload``.
- ``BETTERCARE_SESSION_IDLE_MINUTES``: sign out after this long without a request (30; the
  session is renewed once a minute while in use).
- ``BETTERCARE_LOCKOUT_FAILURES``: failed sign-ins (per username, and per address) before that
  username or address is locked (5); ``BETTERCARE_LOCKOUT_MINUTES``: for how long (30).
- ``BETTERCARE_REQUIRE_TWO_FACTOR``: administrators, and roles that can see patient-level data,
  must sign in with a TOTP code (on); ``BETTERCARE_TWO_FACTOR_ROLES``: more roles (by value,
  comma-separated) that must.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bettercare.web.config.packages import package_dir

PROJECT_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = PROJECT_DIR / "bettercare"
DATA_DIR = Path(os.environ.get("BETTERCARE_DATA_DIR") or PROJECT_DIR / "var")

#: django-ninja's package folder, located without importing it (see TEMPLATES).
NINJA_DIR = package_dir("ninja")

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), got {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum}, got {raw!r}"
        )
    return value


def development_secret_key() -> str:
    """A random key kept in the data directory, so sessions survive restarts in development."""
    path = DATA_DIR / "development-secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("BETTERCARE_DEBUG")
SECRET_KEY = os.environ.get("BETTERCARE_SECRET_KEY") or development_secret_key()
USING_DEVELOPMENT_SECRET_KEY = not os.environ.get("BETTERCARE_SECRET_KEY")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("BETTERCARE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'bettercare.sqlite3'}"
DATABASE_URL = os.environ.get("BETTERCARE_DATABASE_URL") or DEFAULT_DATABASE_URL
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
except ValueError as error:
    raise ImproperlyConfigured(
        f"BETTERCARE_DATABASE_URL is not a database URL ({error}); expected e.g. "
        "postgres://user@host:5432/name or sqlite:////absolute/path.sqlite3"
    ) from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each server process keeps computed statistics in memory until the data change.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "bettercare.web.accounts",
    "bettercare.web.programmes",
    "bettercare.web.finance",
    "bettercare.web.performance",
    "bettercare.web.assurance",
    "bettercare.web.benchmarking",
    "bettercare.web.alerts",
    "bettercare.web.risk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "bettercare.web.accounts.middleware.SignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "bettercare.web.accounts.middleware.AccessMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after BETTERCARE_LOCKOUT_FAILURES failures for a username,
# or from an address, that username or address is locked for BETTERCARE_LOCKOUT_MINUTES. A
# success resets the count. An administrator unlocks with the admin ("Access attempts") or
# `bettercare user unlock`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BETTERCARE_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BETTERCARE_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bettercare.web.accounts.views.locked_out"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp, TOTP): anyone may add an authenticator app; administrators and
# the roles in TWO_FACTOR_ROLES (those that can see patient-level data) must.
REQUIRE_TWO_FACTOR = env_bool("BETTERCARE_REQUIRE_TWO_FACTOR", True)
TWO_FACTOR_ROLES = frozenset(
    role.strip()
    for role in os.environ.get("BETTERCARE_TWO_FACTOR_ROLES", "").split(",")
    if role.strip()
)
OTP_TOTP_ISSUER = "bettercare"

# Sessions end after BETTERCARE_SESSION_IDLE_MINUTES without a request: SignedInMiddleware
# renews a session in use once a minute (accounts.middleware.RENEW_AFTER), not on every request,
# which wrote the session row (a database write, serialised on SQLite) for every page (ADR 0117).
SESSION_COOKIE_AGE = 60 * env_int("BETTERCARE_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

ROOT_URLCONF = "bettercare.web.config.urls"
WSGI_APPLICATION = "bettercare.web.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        # Pages: Jinja2 with the NHS.UK frontend macros (nhsuk-frontend-jinja).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "bettercare.web.jinja2.environment"},
    },
    {
        # Django's own admin.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # django-ninja's API docs pages (ninja/swagger.html), so they use its local assets, not
        # a CDN; found by path, not by installing "ninja" as an app, which would import all of
        # ninja and pydantic on every start (ADR 0117).
        "DIRS": [NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bettercare.web.accounts.password_validation.PlaceNamePasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# Static files: our compiled stylesheet and scripts (built from the published npm packages
# by `make setup`, never copied into the repository) and NHS.UK frontend's images.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    PACKAGE_DIR / "web" / "static",
    ("nhsuk/assets", NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk" / "assets"),
    NINJA_DIR / "static",  # the API docs' assets, ninja/... (see TEMPLATES)
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or not env_bool("BETTERCARE_STATIC_MANIFEST", True)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Source maps are for developers' tools, fetched rarely: compressing them (megabytes each) made
# the first start of a fresh data folder take a minute for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg",
    "mpg", "webm", "wmv", "map",
)  # fmt: skip

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Secure by default: cookies are HTTP-only, and secure unless in debug mode.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("BETTERCARE_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS: plain HTTP is redirected, and browsers are told (HSTS) to use only HTTPS from then on.
SECURE_SSL_REDIRECT = env_bool("BETTERCARE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env_bool("BETTERCARE_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = ("HTTP_X_FORWARDED_PROTO", "https")
HSTS_DISABLED_REASON = os.environ.get("BETTERCARE_HSTS_DISABLED_REASON", "").strip()
SECURE_HSTS_SECONDS = (
    0 if HSTS_DISABLED_REASON else env_int("BETTERCARE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BETTERCARE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("BETTERCARE_HSTS_PRELOAD", False)
# Joining the browsers' preload list is a decision about the whole domain, which the
# deployer makes with BETTERCARE_HSTS_PRELOAD; Django's reminder about it is not a defect.
SILENCED_SYSTEM_CHECKS = ["security.W021"]


# Content-Security-Policy (django-csp): only this site's own scripts, styles, images and fonts;
# no inline scripts or styles anywhere, no frames, forms posting only here.
def nhsuk_inline_script_hash() -> str:
    """The CSP hash of the one inline script in NHS.UK frontend's page template.

    The template (nhsuk-frontend-jinja) marks the page as having JavaScript with a one-line
    script that it cannot take from a file; allowing exactly that script by its hash keeps
    every other inline script refused. Read from the installed template, so an update of the
    library that changes it changes the hash with it.
    """
    import base64
    import hashlib
    import re

    import nhsuk_frontend_jinja

    template = Path(nhsuk_frontend_jinja.__file__).parent / "templates" / "nhsuk" / "template.jinja"
    match = re.search(r"<script[^>]*>(.*?)</script>", template.read_text(encoding="utf-8"))
    if match is None:
        raise ImproperlyConfigured(f"{template} has no inline script to allow")
    digest = hashlib.sha256(match[1].encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", nhsuk_inline_script_hash()],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Alert emails: Django's SMTP backend, configured from the environment (docs/alerts.md).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("BETTERCARE_EMAIL_HOST", "")
try:
    EMAIL_PORT = int(os.environ.get("BETTERCARE_EMAIL_PORT") or 25)
    EMAIL_TIMEOUT = float(os.environ.get("BETTERCARE_EMAIL_TIMEOUT") or 10)
except ValueError:
    raise ImproperlyConfigured(
        "BETTERCARE_EMAIL_PORT must be a port number and BETTERCARE_EMAIL_TIMEOUT a number of "
        f"seconds, got {os.environ.get('BETTERCARE_EMAIL_PORT')!r} and "
        f"{os.environ.get('BETTERCARE_EMAIL_TIMEOUT')!r}"
    ) from None
EMAIL_HOST_USER = os.environ.get("BETTERCARE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BETTERCARE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BETTERCARE_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("BETTERCARE_EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("BETTERCARE_EMAIL_FROM", "bettercare@localhost")
BASE_URL = os.environ.get("BETTERCARE_BASE_URL", "").rstrip("/")
ALERT_RULES = os.environ.get("BETTERCARE_ALERT_RULES", "")
ALERTS_ON_SAVE = env_bool("BETTERCARE_ALERTS_ON_SAVE", True)

# Errors go to the console (gunicorn's stderr), where a service manager collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "bettercare": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
