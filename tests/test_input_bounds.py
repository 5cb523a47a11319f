"""The crafted requests that used to answer 500 (issue 10, item 5), each replayed: the exact
status, the caller's error shape (API JSON, Open311's list, a Chinese page), nothing stored.
Runs on SQLite and, with ``DATABASE_URL``, PostgreSQL (where a NUL made psycopg raise)."""

import logging

import pytest

from linli.ledger.models import Compound, Household

BIG = (2**63, 2**64)
NOT_FOUND_PAGE = "页面或对象不存在，或您无权查看"


def _invalid(response, field_end: str | None = None):
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "invalid_input"
    assert body["details"] and all({"field", "reason"} <= set(d) for d in body["details"])
    if field_end:
        assert any(d["field"].endswith(field_end) for d in body["details"]), body
    return body


@pytest.fixture
def official(client, county_official):
    client.force_login(county_official)
    return client


# --- API: ids, filters, pages, offsets, years ----------------------------------------------


@pytest.mark.parametrize("number", BIG)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/ledger/households/{n}",
        "/api/v1/ledger/regions/{n}",
        "/api/v1/cases/{n}",
        "/api/v1/grid/cells/{n}",
        "/api/v1/finance/payments/{n}",
        "/api/v1/selfgov/votes/{n}",
    ],
)
def test_path_ids_beyond_bigint_are_422(official, path, number):
    _invalid(official.get(path.format(n=number)), "_id")


def test_path_id_zero_is_422(official):
    _invalid(official.get("/api/v1/ledger/households/0"), "household_id")


@pytest.mark.parametrize("number", BIG)
def test_filter_ids_beyond_bigint_are_422(official, number):
    _invalid(official.get("/api/v1/ledger/residents", {"household": number}), "household")
    _invalid(official.get("/api/v1/ledger/compounds", {"community": number}), "community")
    _invalid(official.get("/api/v1/cases/", {"household": number}), "household")


@pytest.mark.parametrize(
    "path", ["/api/v1/ledger/compounds", "/api/v1/cases/", "/api/v1/grid/cells"]
)
def test_page_2_to_the_63_is_422(official, path):
    _invalid(official.get(path, {"page": 2**63}), "page")
    _invalid(official.get(path, {"page_size": 2**64}), "page_size")


def test_negative_offset_and_huge_limit_are_422(official):
    url = "/api/v1/commons/accounts/1/entries"
    assert official.get(url, {"offset": 0}).status_code == 404  # valid input, no such account
    _invalid(official.get(url, {"offset": -1}), "offset")
    _invalid(official.get(url, {"limit": 2**63}), "limit")


@pytest.mark.parametrize("year", [0, -1, 10000, 2**63])
def test_calendar_year_out_of_range_is_422(official, year):
    _invalid(official.get("/api/v1/cases/calendar", {"year": year}), "year")


def test_calendar_year_in_range_still_answers(official, cases_seeded):
    assert official.get("/api/v1/cases/calendar", {"year": 2026}).status_code == 200


def test_anonymous_crafted_id_is_401_not_500(client, db):
    response = client.get(f"/api/v1/ledger/households/{2**64}")
    assert response.status_code in (401, 422)
    assert response.json()["code"] in ("unauthenticated", "invalid_input")


# --- API: NUL bytes --------------------------------------------------------------------------


def test_nul_in_json_text_is_422_and_nothing_is_stored(official, regions):
    before = Compound.objects.count()
    response = official.post(
        "/api/v1/ledger/compounds",
        {"community": regions["xingdong"].pk, "name": "粮站\x00宿舍"},
        content_type="application/json",
    )
    body = _invalid(response, "body")
    assert "NUL" in body["message"]
    assert Compound.objects.count() == before


def test_nul_in_a_query_value_is_422(official):
    _invalid(official.get("/api/v1/ledger/residents", {"q": "刘\x00"}), "query.q")


def test_nul_in_an_api_path_segment_is_422(official):
    _invalid(official.get("/api/v1/ledger/households/1%00"), "path")


def test_unknown_api_path_is_the_json_404(official):
    response = official.get("/api/v1/ledger/households/-1")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "对象不存在或无权查看",
        "details": [],
    }


def test_missing_and_out_of_scope_still_answer_alike(client, xintang_worker, compound):
    """The bounds change no scoping answer: out of scope is the missing object's 404."""
    client.force_login(xintang_worker)
    out_of_scope = client.get(f"/api/v1/ledger/compounds/{compound.pk}")
    missing = client.get("/api/v1/ledger/compounds/999999")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


# --- API: a 500 keeps the shape and is logged ------------------------------------------------


def test_an_unexpected_error_is_a_logged_json_500(official, monkeypatch, caplog):
    from linli.ledger import selectors

    def boom(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(selectors, "visible_regions", boom)
    with caplog.at_level(logging.ERROR, logger="linli.api"):
        response = official.get("/api/v1/ledger/regions")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": "服务器内部错误", "details": []}
    assert any("kaputt" in (r.exc_text or "") for r in caplog.records)


def test_every_operation_documents_401_and_422(official):
    schema = official.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path.endswith("/health"):
                continue
            statuses = set(operation["responses"])
            # a public operation (no ``security``: the job board, 就近办, the 楼道码) has no 401
            expected = {"401", "422"} if operation.get("security") else {"422"}
            assert expected <= statuses, (method, path, statuses)
            if method != "get" and operation.get("security"):
                assert "403" in statuses, (method, path)  # CSRF (the session-cookie auth checks it)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message", "details"}


# --- Open311 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "1899-12-31T00:00:00+08:00"},
    ],
)
def test_open311_dates_out_of_range_are_400_in_the_spec_list(client, db, params):
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == 400
    assert "年之间" in body[0]["description"]


def test_open311_nul_is_400_in_the_spec_list(client, db):
    response = client.get("/open311/v2/requests.json", {"service_code": "a\x00"})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    response = client.get("/open311/v2/requests/1%00.json")
    assert response.status_code == 400


def test_open311_unexpected_error_is_a_logged_500_in_the_spec_list(client, db, monkeypatch):
    from linli.cases.open311 import georeport

    def boom():
        raise RuntimeError("kaputt")

    monkeypatch.setattr(georeport, "service_list", boom)
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 500
    assert response.json() == [{"code": 500, "description": "服务器内部错误"}]


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", BIG)
@pytest.mark.parametrize(
    "path",
    ["/ledger/compound/{n}/", "/grid/household/{n}/", "/cases/{n}/", "/finance/receipts/{n}/"],
)
def test_page_ids_beyond_bigint_are_a_chinese_404(official, path, number):
    response = official.get(path.format(n=number))
    assert response.status_code == 404
    assert NOT_FOUND_PAGE in response.content.decode()


def test_nul_in_a_page_path_or_query_is_a_chinese_400(official):
    for response in (
        official.get("/ledger/compound/1%00/"),
        official.get("/ledger/", {"as_of": "2023\x00"}),
    ):
        assert response.status_code == 400
        assert "空字符" in response.content.decode()


def test_nul_in_a_login_form_is_400_without_login(client, db):
    response = client.post("/login/", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_in_a_page_form_stores_nothing(client, grid_world):
    client.force_login(grid_world["leader_a"])
    household = grid_world["households"]["101"]
    before = household.visits.count()
    response = client.post(
        f"/grid/household/{household.pk}/visit/",
        {"visited_on": "2026-03-01", "met": "本人\x00", "raised": ""},
    )
    assert response.status_code == 400
    assert Household.objects.get(pk=household.pk).visits.count() == before


def test_page_number_and_year_out_of_range_on_pages(official):
    response = official.get("/ledger/", {"as_of": "0001-01-01"})
    assert response.status_code == 200
    assert "年之间" in response.content.decode()
    assert official.get("/access-log/", {"page": 2**63}).status_code in (200, 404)


def test_a_value_the_database_refuses_is_422_not_500(official, monkeypatch):
    """A bound no schema caught (a text longer than its column on PostgreSQL) is still the
    input's fault: 422 in the error shape."""
    from django.db import DataError

    from linli.ledger import selectors

    def too_long(*args, **kwargs):
        raise DataError("value too long for type character varying(50)")

    monkeypatch.setattr(selectors, "visible_regions", too_long)
    response = official.get("/api/v1/ledger/regions")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
