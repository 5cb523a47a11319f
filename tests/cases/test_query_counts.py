"""Query budgets of the two hot endpoints (bench/cases_load.py): a regression shows here first.

A resident's submit: session, user with its profile (accounts.backends), household with its
compound, the household's 邻 with whether its post is held, the case, its event (plus
savepoints); the category and the deadline come from memory (cases.categories, calendar). A
household's list: session, user with its profile, the page's ids (on the case table), their
rows (one written-out statement), and the count only when the page is full — however many
cases the household has.
"""

import pytest

from linli.core import calendar

from .conftest import AT

URL = "/api/v1/cases/"


def submit(client, world, n, **extra):
    return client.post(
        URL,
        {
            "category": "neighbour_dispute",
            "description": f"楼上噪音 {n}",
            "household": world["households"]["101"].pk,
            "client_key": f"q-{n}",
            **extra,
        },
        content_type="application/json",
    )


@pytest.fixture
def resident(client, world):
    client.force_login(world["resident_a"])
    calendar.add_working_days(AT.date(), 1)  # the calendar is loaded once per process
    return client


def test_submit_query_budget(resident, world, django_assert_max_num_queries):
    assert submit(resident, world, 0).status_code == 201  # warm: session, content types
    with django_assert_max_num_queries(10):
        r = submit(resident, world, 1)
    assert r.status_code == 201
    body = r.json()
    assert body["timeline"][0]["action"] == "report" and body["actions"] == []
    assert body == resident.get(f"{URL}{body['id']}").json()  # the same as the detail


def test_replayed_submit_stays_cheap(resident, world, django_assert_max_num_queries):
    assert submit(resident, world, 1).status_code == 201
    with django_assert_max_num_queries(15):
        r = submit(resident, world, 1)
    assert r.status_code == 200


@pytest.mark.parametrize(("cases", "budget"), [(3, 4), (30, 5)])
def test_list_query_budget(resident, world, cases, budget, django_assert_max_num_queries):
    for n in range(cases):
        assert submit(resident, world, n).status_code == 201
    household = world["households"]["101"].pk
    with django_assert_max_num_queries(budget):
        r = resident.get(f"{URL}?household={household}&page_size=20")
    assert r.status_code == 200
    page = r.json()
    assert page["count"] == cases and len(page["items"]) == min(cases, 20)
    assert [i["description"] for i in page["items"]][:2] == [
        f"楼上噪音 {cases - 1}",
        f"楼上噪音 {cases - 2}",
    ]
    assert all(i["holder"] == "第1邻邻长" and i["category"] == "邻里纠纷" for i in page["items"])
