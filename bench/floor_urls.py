"""Bench-only URLs (never in the product): Linli's URLs plus the floors of bench/cases_load.py.

- ``/bench/bare``: a bare Django view (reference only).
- ``/bench/floor/insert``: a minimal django-ninja endpoint validating the case-report body and
  inserting one row into ``bench_floor`` (a table the bench creates by raw SQL).
- ``/bench/floor/list?household=ID``: 20 rows of ``bench_floor`` by its indexed column.

The floors authenticate exactly as ``/api/v1/`` does (``django_auth``: the session cookie, and
CSRF on POST), so floor and product pay the same session and user lookups.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.security import django_auth

from linli.urls import urlpatterns as linli_urlpatterns

api = NinjaAPI(urls_namespace="benchfloor", docs_url=None, auth=django_auth)


class FloorIn(Schema):  # the same body as the cases API's report
    category: str = Field(min_length=1, max_length=40)
    household: int | None = None
    compound: int | None = None
    description: str = Field(min_length=1, max_length=2000)
    urgency: str = "normal"
    client_key: str | None = Field(None, max_length=64)


class FloorOut(Schema):
    id: int
    category: str
    description: str
    created: str


@api.post("/insert", response={201: dict})
def floor_insert(request, payload: FloorIn):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (household_id, category, description, client_key, created)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                payload.household,
                payload.category,
                payload.description,
                payload.client_key,
                timezone.now(),
            ],
        )
    return 201, {"ok": True}


@api.get("/list", response=list[FloorOut])
def floor_list(request, household: int):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, category, description, created FROM bench_floor"
            " WHERE household_id = %s ORDER BY created DESC LIMIT 20",
            [household],
        )
        rows = cursor.fetchall()
    return [{"id": r[0], "category": r[1], "description": r[2], "created": str(r[3])} for r in rows]


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare", bare),
    path("bench/floor/", api.urls),
    *linli_urlpatterns,
]
