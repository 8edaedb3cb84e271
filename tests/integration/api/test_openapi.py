"""The OpenAPI document and the interactive docs, and a smoke test of every documented GET."""

import json

import pytest

from bettercare.web.accounts.models import User
from bettercare.web.performance.contract import KEYS
from tests.factories import make_period

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/areas",
    "/api/areas/{code}/metrics",
    "/api/areas/{code}/schemes",
    "/api/areas/{code}/milestones",
    "/api/areas/{code}/activities",
    "/api/areas/{code}/risks",
    "/api/areas/{code}/funding",
    "/api/areas/{code}/plan",
    "/api/areas/{code}/metrics/{metric}/benchmark",
}


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_document_describes_every_path(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "bettercare API"
    assert set(document["paths"]) == PATHS
    for path, operations in document["paths"].items():
        assert set(operations) == {"get"}, path
        get = operations["get"]
        assert get["summary"], path
        assert get["description"], path
        assert "schema" in get["responses"]["200"]["content"]["application/json"], path
        assert "401" in get["responses"], path
        if path != "/api/areas":
            assert {"401", "403", "404"} <= set(get["responses"]), path


def test_the_document_declares_both_ways_to_authenticate(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SignedInSession"]["in"] == "cookie"


def test_the_period_parameter_is_documented_with_its_form(document):
    for page in ("metrics", "schemes", "milestones"):
        get = document["paths"][f"/api/areas/{{code}}/{page}"]["get"]
        period = next(p for p in get["parameters"] if p["name"] == "period")
        assert period["in"] == "query"
        assert not period.get("required", False)
        assert "YYYY-MM" in period["description"]
        assert "422" in get["responses"]


def test_the_metric_schema_has_exactly_the_contract_keys(document):
    schema = document["components"]["schemas"]["MetricOut"]
    assert list(schema["properties"]) == list(KEYS)
    assert set(schema["required"]) == set(KEYS)


def test_the_interactive_docs_are_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"/api/openapi.json" in response.content
    # its assets from this server (ninja's templates and static files, found by path), not a CDN
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
    assert b"cdn" not in response.content.lower()


def test_every_documented_get_answers_json(client, document, areas):
    """For an administrator: 200 for a known area, 404 JSON for an unknown one."""
    make_period(areas.leicestershire, "2017-08")
    client.force_login(User.objects.create_superuser("admin", password="not-used-here"))
    for path in document["paths"]:
        for code, status in (("E10000018", 200), ("E99999999", 404)):
            response = client.get(path.replace("{code}", code))
            if "{code}" not in path:
                status = 200
            if "{metric}" in path:  # no such metric here; tests/integration/api/test_benchmark
                status = 404
            assert response.status_code == status, (path, code, response.content)
            assert response["Content-Type"] == "application/json; charset=utf-8"
            json.loads(response.content)


def test_every_documented_get_is_401_without_credentials(client, document, areas):
    for path in document["paths"]:
        response = client.get(path.replace("{code}", "E10000018"))
        assert response.status_code == 401, path
