"""The API as a whole: health, OpenAPI and docs, the error body, anonymous requests."""

import pytest


def test_health_needs_no_login_and_names_the_database(client, db):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")


def test_openapi_schema_and_docs_need_a_login(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/api/v1/docs")


def test_openapi_schema_object_needs_no_request():
    """Tests (the schemathesis run) may load the schema straight from the API object."""
    from linli.api import api

    assert "/api/v1/ledger/compounds" in api.get_openapi_schema()["paths"]


def test_openapi_schema_lists_the_ledger_endpoints(client, county_official):
    client.force_login(county_official)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/ledger/regions",
        "/api/v1/ledger/compounds",
        "/api/v1/ledger/compounds/{compound_id}",
        "/api/v1/ledger/compounds/{compound_id}/history",
        "/api/v1/ledger/compounds/sanwu-count",
        "/api/v1/ledger/households",
        "/api/v1/ledger/residents",
        "/api/v1/ledger/residents/{resident_id}",
        "/api/v1/ledger/imports",
        "/api/v1/ledger/export",
    ):
        assert path in paths, path
    # Lists are paginated and filterable
    params = {p["name"] for p in paths["/api/v1/ledger/compounds"]["get"]["parameters"]}
    assert {"page", "page_size", "community", "sanwu", "q"} <= params


def test_docs_page_is_served_from_our_own_static_files(client, county_official):
    client.force_login(county_official)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
    assert b"cdn.jsdelivr" not in response.content  # no outside service, nothing the CSP blocks


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/ledger/regions"),
        ("get", "/api/v1/ledger/compounds"),
        ("post", "/api/v1/ledger/compounds"),
        ("get", "/api/v1/ledger/residents/1"),
        ("post", "/api/v1/ledger/imports"),
        ("get", "/api/v1/ledger/export"),
    ],
)
def test_anonymous_gets_401_json(client, db, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "unauthenticated", "message": "请先登录", "details": []}


def test_invalid_input_has_the_common_error_body(client, county_official):
    client.force_login(county_official)
    response = client.get("/api/v1/ledger/compounds", {"page": "zero"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "输入不符合要求"
    assert any(d["field"].endswith("page") for d in body["details"])


def test_csrf_failure_uses_the_common_error_body(db, xingdong_worker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(xingdong_worker)
    response = client.post(
        "/api/v1/ledger/compounds", {"name": "x", "community": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
