"""Settings for the test suite: the project's settings with fast password hashing.

The database comes from ``BETTERCARE_DATABASE_URL`` as in production (PostgreSQL in CI),
else SQLite; pytest-django creates and destroys a separate test database.
"""

from bettercare.web.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Each test sees only its own data: no statistics carried over from another test (a rolled
# back SQLite database reuses ids). The cache itself is tested with override_settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Plain HTTP in the test client; the HTTPS settings are tested with override_settings.
SECURE_SSL_REDIRECT = False
# Tests sign in with the test client's login() and force_login(); the tests of lockout and
# two-factor sign-in turn these on for themselves (tests/integration/accounts/).
AXES_ENABLED = False
REQUIRE_TWO_FACTOR = False
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
