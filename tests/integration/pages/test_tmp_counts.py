import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.integration.pages.test_query_counts import PAGES, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_print(client, world, settings):  # noqa: F811
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(world["manager"])
    client.get("/")
    out = []
    for page in PAGES:
        path = f"/areas/{world['large'].area.code}/" + PAGES[page](world["large"])
        cache.clear()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as c:
                assert client.get(path).status_code == 200
            counts.append(len(c.captured_queries))
        out.append(f"{page}: {counts}")
    print("\nCOUNTS\n" + "\n".join(out))
