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
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = PROJECT_DIR / "bettercare"
DATA_DIR = Path(os.environ.get("BETTERCARE_DATA_DIR") or PROJECT_DIR / "var")

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
    "ninja",  # serves the API docs' assets locally, not from a CDN
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "bettercare.web.accounts.middleware.AccessMiddleware",
]

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
        "DIRS": [],
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
