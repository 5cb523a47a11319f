"""Every role against every page and API endpoint: status codes, and counts that don't leak.

兴东社区 holds 粮站宿舍 with households 101 and 102 (邻 A) and 201 (邻 B); 新塘社区 holds one
household. Each row of EXPECTED is one persona; each column one endpoint. For list endpoints
the cell is the number of items the persona must see; otherwise an HTTP status.
"""

import pytest

from linli.ledger.models import SENSITIVE_TAGS

from .matrix_world import build_later_world, build_money_world, build_oracle_world, build_world

ENDPOINTS = {
    # pages
    "ledger_index": ("page", "/ledger/"),
    "ledger_community": ("page", "/ledger/community/{xd}/"),
    "ledger_compound": ("page", "/ledger/compound/{compound}/"),
    "ledger_import": ("page", "/ledger/import/"),
    "grid_mine": ("page", "/grid/"),
    "grid_community": ("page", "/grid/community/{xd}/"),
    "household_101": ("page", "/grid/household/{h101}/"),
    "household_201": ("page", "/grid/household/{h201}/"),
    "card_n_a": ("page", "/grid/cell/{n_a}/card/"),
    "party_tree": ("page", "/party/community/{xd}/"),
    # API
    "api_compounds": ("count", "/api/v1/ledger/compounds"),
    "api_households": ("count", "/api/v1/ledger/households"),
    "api_residents": ("count", "/api/v1/ledger/residents"),
    "api_household_101": ("api", "/api/v1/ledger/households/{h101}"),
    "api_cells": ("count", "/api/v1/grid/cells"),
    "api_report": ("api", "/api/v1/grid/communities/{xd}/report"),
    # cases
    "cases_mine": ("page", "/cases/mine/"),
    "cases_inbox": ("page", "/cases/inbox/"),
    "cases_board": ("page", "/cases/board/"),
    "case_101": ("page", "/cases/{case101}/"),
    "api_cases": ("count", "/api/v1/cases/"),
    "api_case_101": ("api", "/api/v1/cases/{case101}"),
}

COLUMNS = list(ENDPOINTS)
# fmt: off
EXPECTED = {
    #                idx  com  cpd  imp  grd  gcm  101  201  crd  pty  cpds hh  res  a101 cell rep  mine inbx brd  c101 cses ac101
    "superuser":    (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 2,   4,  4,  200, 4,   200, 200, 404, 200, 200, 2,   200),
    "county":       (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 2,   4,  4,  200, 4,   200, 200, 404, 200, 200, 2,   200),
    "town":         (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 2,   4,  4,  200, 4,   200, 200, 404, 200, 200, 2,   200),
    "xd_worker":    (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 1,   3,  3,  200, 4,   200, 200, 404, 200, 200, 2,   200),
    "xt_worker":    (200, 404, 404, 200, 200, 404, 404, 404, 404, 404, 1,   1,  1,  404, 0,   404, 200, 404, 200, 404, 0,   404),
    "department":   (200, 200, 200, 404, 404, 404, 404, 404, 404, 200, 2,   0,  0,  404, 0,   404, 200, 404, 404, 404, 0,   404),
    "area_leader":  (404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 1,   3,  3,  200, 4,   404, 200, 200, 404, 200, 2,   200),
    "group_leader": (404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 1,   3,  3,  200, 3,   404, 200, 200, 404, 200, 2,   200),
    "leader_a":     (404, 404, 404, 404, 200, 404, 200, 404, 200, 200, 1,   2,  2,  200, 1,   404, 200, 200, 404, 200, 1,   200),
    "leader_b":     (404, 404, 404, 404, 200, 404, 404, 200, 404, 200, 1,   1,  1,  404, 1,   404, 200, 200, 404, 404, 1,   404),
    "committee":    (404, 404, 404, 404, 404, 404, 200, 200, 404, 200, 1,   3,  3,  200, 0,   404, 200, 404, 404, 404, 0,   404),
    "resident_a":   (404, 404, 404, 404, 404, 404, 200, 404, 404, 200, 1,   1,  1,  200, 0,   404, 200, 404, 404, 200, 1,   200),
    "resident_b":   (404, 404, 404, 404, 404, 404, 404, 200, 404, 200, 1,   1,  1,  404, 0,   404, 200, 404, 404, 404, 1,   404),
    "anonymous":    (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 401, 401, 401, 401, 401, 401, 302, 302, 302, 302, 401, 401),
}
# fmt: on


@pytest.fixture
def world(grid_world, regions, compound, other_compound):
    return build_world(grid_world, regions, compound, other_compound)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_permission_matrix(client, world, persona):
    people, ids = world
    user = people[persona]
    if user is not None:
        client.force_login(user)
    got, want = {}, {}
    for column, expected in zip(COLUMNS, EXPECTED[persona], strict=True):
        kind, template = ENDPOINTS[column]
        response = client.get(template.format(**ids))
        if kind == "count" and response.status_code == 200:
            got[column] = response.json()["count"]
        else:
            got[column] = response.status_code
        want[column] = expected
    assert got == want


# Self-governance, joint meetings and money: the same personas against the later apps' pages
# and endpoints (one vote announced in 粮站宿舍, one joint meeting of 兴东社区 about it, the
# compound's public account). A page a role does not have is a 404 like any other "not yours"
# (the fee desk and the arrears list were 403 before issue 10).
LATER_ENDPOINTS = {
    "selfgov_index": ("page", "/selfgov/"),
    "selfgov_vote": ("page", "/selfgov/votes/{vote}/"),
    "api_votes": ("count", "/api/v1/selfgov/votes"),
    "meetings_index": ("page", "/meetings/"),
    "meeting_xd": ("page", "/meetings/{meeting}/"),
    "api_meetings": ("count", "/api/v1/meetings/"),
    "commons_index": ("page", "/commons/"),
    "api_accounts": ("count", "/api/v1/commons/accounts"),
    "finance_mine": ("page", "/finance/mine/"),
    "finance_desk": ("page", "/finance/desk/"),
    "finance_arrears": ("page", "/finance/arrears/"),
    "api_bills_101": ("api", "/api/v1/finance/households/{h101}/bills"),
}
LATER_COLUMNS = list(LATER_ENDPOINTS)
# fmt: off
LATER_EXPECTED = {
    #                sgi  vote avot mti  mtg  amtg cmi  acct fmin fdsk farr bill
    "superuser":    (200, 200, 1,   200, 200, 1,   200, 1,   200, 200, 200, 200),
    "county":       (200, 200, 1,   200, 200, 1,   200, 1,   200, 200, 200, 200),
    "town":         (200, 200, 1,   200, 200, 1,   200, 1,   200, 200, 200, 200),
    "xd_worker":    (200, 200, 1,   200, 200, 1,   200, 1,   200, 200, 200, 200),
    "xt_worker":    (200, 404, 0,   200, 404, 0,   200, 0,   200, 200, 200, 404),
    "department":   (200, 200, 1,   200, 404, 0,   302, 1,   200, 404, 404, 404),
    "area_leader":  (200, 200, 1,   404, 404, 0,   302, 1,   200, 404, 200, 200),
    "group_leader": (200, 200, 1,   404, 404, 0,   302, 1,   200, 404, 200, 200),
    "leader_a":     (200, 200, 1,   404, 404, 0,   302, 1,   200, 404, 200, 200),
    "leader_b":     (200, 200, 1,   404, 404, 0,   302, 1,   200, 404, 200, 404),
    "committee":    (302, 200, 1,   404, 404, 0,   302, 1,   200, 404, 404, 200),
    "resident_a":   (200, 200, 1,   404, 404, 0,   302, 1,   200, 404, 404, 200),
    "resident_b":   (200, 200, 1,   404, 404, 0,   302, 1,   200, 404, 404, 404),
    "anonymous":    (302, 302, 401, 302, 302, 401, 302, 401, 302, 302, 302, 401),
}
# fmt: on


@pytest.fixture
def later_world(world, regions, compound):
    return build_later_world(world, regions, compound)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_permission_matrix_later_apps(client, later_world, persona):
    people, ids = later_world
    user = people[persona]
    if user is not None:
        client.force_login(user)
    got = {}
    for column in LATER_COLUMNS:
        kind, template = LATER_ENDPOINTS[column]
        response = client.get(template.format(**ids))
        if kind == "count" and response.status_code == 200:
            body = response.json()
            got[column] = len(body) if isinstance(body, list) else body["count"]
        else:
            got[column] = response.status_code
    assert got == dict(zip(LATER_COLUMNS, LATER_EXPECTED[persona], strict=True))


# ---------------------------------------------------------------------------------------------
# Money, and no vulnerable-person tag through a side door (issue 10, item 2).
#
# 居民 A's household 101 (刘建国: 独居老人 and now 低保) is billed January and February 2026;
# ¥20 of January's ¥44.69 is reduced for 低保 (asked by the 兴东 worker, approved by the town official)
# and the other half paid; February waits on a reduction not yet decided; the payment has a
# void request waiting. A reduction tells a vulnerable-person fact, so the roles without the
# tag duty (a department, the committee, residents — except a household on its own bills)
# must find nothing derived from it in anything they get.

FINANCE_ENDPOINTS = {
    "receipt": ("page", "/finance/receipts/{payment}/"),
    "api_payment": ("api", "/api/v1/finance/payments/{payment}"),
    "api_rates": ("api", "/api/v1/finance/collection-rates?start=2026-01&end=2026-02"),
    "fin_household": ("page", "/finance/desk/households/{h101}/"),
    "fin_rates": ("page", "/finance/desk/rates/?start=2026-01&end=2026-02"),
    "fin_waivers": ("page", "/finance/desk/waivers/"),
    "api_voids": ("api", "/api/v1/finance/payment-voids"),
}
FINANCE_COLUMNS = list(FINANCE_ENDPOINTS)
# fmt: off
FINANCE_EXPECTED = {
    #                rcpt apay rate fhh  frat fwai avoid
    "superuser":    (200, 200, 200, 200, 200, 200, 200),
    "county":       (200, 200, 200, 200, 200, 200, 200),
    "town":         (200, 200, 200, 200, 200, 200, 200),
    "xd_worker":    (200, 200, 200, 200, 200, 200, 200),
    "xt_worker":    (404, 404, 200, 404, 200, 200, 200),
    "department":   (404, 404, 200, 404, 404, 404, 404),
    "area_leader":  (200, 200, 200, 404, 404, 404, 404),
    "group_leader": (200, 200, 200, 404, 404, 404, 404),
    "leader_a":     (200, 200, 200, 404, 404, 404, 404),
    "leader_b":     (404, 404, 200, 404, 404, 404, 404),
    "committee":    (404, 404, 200, 404, 404, 404, 404),
    "resident_a":   (200, 200, 200, 404, 404, 404, 404),
    "resident_b":   (404, 404, 200, 404, 404, 404, 404),
    "anonymous":    (302, 401, 401, 302, 302, 302, 401),
}
# fmt: on

# What a reduction or a tag would show itself by: the field, the words, the tag names and labels.
TAG_WORDS = (
    "waived",
    "减免",
    "低保",
    "特困",
    "low_income",
    "extreme_poverty",
    "空巢",
    "独居",
    "留守",
    "残疾",
    *sorted(SENSITIVE_TAGS),
)
# A household's own reduction is its own data: 居民 A sees it on its own bills (never its kind).
OWN_REDUCTION_WORDS = {"waived", "减免"}
OWN_HOUSEHOLD_ENDPOINTS = {"api_bills_101", "finance_mine"}


@pytest.fixture
def money_world(later_world, compound):
    return build_money_world(later_world, compound)


def _get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", "replace")


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_permission_matrix_money(client, money_world, persona):
    people, ids = money_world
    user = people[persona]
    if user is not None:
        client.force_login(user)
    got = {
        column: _get(client, FINANCE_ENDPOINTS[column][1].format(**ids))[0]
        for column in FINANCE_COLUMNS
    }
    assert got == dict(zip(FINANCE_COLUMNS, FINANCE_EXPECTED[persona], strict=True))


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_no_tag_through_a_side_door(client, money_world, persona):
    """Every page and endpoint of the matrix: a role without the tag duty gets nothing that
    names a tag or shows a reduction; the roles with it do see the reduction (the world has
    one)."""
    from linli.core.policy import Capability, can

    def sees_sensitive_tags(user):
        return can(user, Capability.SEE_TAGS)

    people, ids = money_world
    user = people[persona]
    if user is not None:
        client.force_login(user)
    endpoints = {**ENDPOINTS, **LATER_ENDPOINTS, **FINANCE_ENDPOINTS}
    bodies = {column: _get(client, url.format(**ids)) for column, (_, url) in endpoints.items()}
    if user is not None and sees_sensitive_tags(user):
        status, body = bodies["api_bills_101"]
        if status == 200:  # the desk and the 三长 over 101 see the reduction
            assert '"waived"' in body
        return
    leaks = {}
    for column, (_status, body) in bodies.items():
        words = set(TAG_WORDS)
        if persona == "resident_a" and column in OWN_HOUSEHOLD_ENDPOINTS:
            words -= OWN_REDUCTION_WORDS
        found = sorted(w for w in words if w in body)
        if found:
            leaks[column] = found
    assert leaks == {}
    if persona == "resident_a":  # their own reduction, on their own bills
        assert '"waived"' in bodies["api_bills_101"][1]
        assert "减免" in bodies["finance_mine"][1]
    if persona == "committee":  # 101's bills, the reduction shown as paid: settled in full
        bills = client.get(f"/api/v1/finance/households/{ids['h101']}/bills").json()["bills"]
        january = next(b for b in bills if b["period_start"] == "2026-01-01")
        assert january["paid"] == january["amount"] and january["outstanding"] == "0.00"


# ---------------------------------------------------------------------------------------------
# One answer for "not yours" (issue 10, item 8): for every page and endpoint that takes an
# object id (in the path, the body or a filter), an object the persona cannot see answers
# exactly like an id that does not exist — the same status, the same body, the same redirect
# and flash message. The world has each kind of object on both sides: in 兴东社区 (side A,
# household 101 where it is a household's) and in 新塘社区 (side B).

MISSING = 987654321
TODAY = "2026-12-01"

# (method, url, body); "{id}" is the object probed, other names come from side A.
ORACLE_PAGES = {
    "community": [
        ("GET", "/ledger/community/{id}/", None),
        ("GET", "/grid/community/{id}/", None),
        ("GET", "/grid/community/{id}/plan/", None),
        ("GET", "/party/community/{id}/", None),
    ],
    "compound": [
        ("GET", "/ledger/compound/{id}/", None),
        ("GET", "/selfgov/compounds/{id}/", None),
        ("POST", "/selfgov/compounds/{id}/sync/", {}),
    ],
    "household": [
        ("GET", "/grid/household/{id}/", None),
        ("POST", "/grid/household/{id}/visit/", {"visited_on": TODAY, "met": "本人"}),
        ("GET", "/finance/desk/households/{id}/", None),
        ("POST", "/finance/desk/households/{id}/pay/", {"amount": "1.00", "method": "cash"}),
    ],
    "resident": [("POST", "/grid/resident/{id}/phone/", {"reason": "联系"})],
    "grid": [("GET", "/grid/cell/{id}/card/", None)],
    "case": [
        ("GET", "/cases/{id}/", None),
        ("POST", "/cases/{id}/accept/", {"note": "受理"}),
    ],
    "vote": [
        ("GET", "/selfgov/votes/{id}/", None),
        ("POST", "/selfgov/votes/{id}/close/", {}),
    ],
    "meeting": [
        ("GET", "/meetings/{id}/", None),
        ("GET", "/meetings/{id}/minutes.pdf", None),
        ("POST", "/meetings/{id}/add/attendee/", {"party": "community", "name": "张三"}),
    ],
    "action": [
        ("GET", "/meetings/actions/{id}/", None),
        ("POST", "/meetings/actions/{id}/progress/", {"note": "进展"}),
    ],
    "meeting_compound": [
        ("POST", "/meetings/{meeting}/add/agenda/", {"title": "议题", "compound": "{id}"}),
    ],
    "meeting_case": [
        ("POST", "/meetings/{meeting}/add/agenda/", {"title": "议题", "cases": "{id}"}),
    ],
    "bill": [
        (
            "POST",
            "/finance/desk/bills/{id}/waiver/",
            {"amount": "1.00", "kind": "hardship", "reason": "x"},
        )
    ],
    "waiver": [("POST", "/finance/desk/waivers/{id}/decide/", {"decision": "reject"})],
    "payment": [
        ("GET", "/finance/receipts/{id}/", None),
        ("POST", "/finance/desk/payments/{id}/void/", {"reason": "x"}),
    ],
    "void": [("POST", "/finance/desk/voids/{id}/decide/", {"decision": "reject"})],
    "account": [
        ("GET", "/commons/{id}/", None),
        ("GET", "/commons/{id}/entries/", None),
        ("GET", "/commons/{id}/entries/new/", None),
        ("GET", "/commons/{id}/notices/new/", None),
    ],
    "entry": [
        ("GET", "/commons/entries/{id}/", None),
        ("POST", "/commons/entries/{id}/approve/", {}),
    ],
    "notice": [
        ("GET", "/commons/notices/{id}/", None),
        ("GET", "/commons/notices/{id}/pdf/", None),
    ],
    "export_request": [
        ("POST", "/ledger/export/{id}/decide/", {"decision": "approve"}),
        ("GET", "/ledger/export/{id}/file/", None),
    ],
}
NOTE = {"note": "x"}
ORACLE_API = {
    "community": [
        ("GET", "/api/v1/ledger/regions/{id}", None),
        ("GET", "/api/v1/ledger/compounds/sanwu-count?region={id}", None),
        ("GET", "/api/v1/grid/communities/{id}/report", None),
        ("GET", "/api/v1/meetings/?region={id}", None),
        ("POST", "/api/v1/meetings/", {"region": "{id}", "held_on": TODAY, "place": "会议室"}),
        ("POST", "/api/v1/finance/bill-runs", {"period_start": "2026-03", "region": "{id}"}),
        ("POST", "/api/v1/ledger/export-requests", {"community": "{id}", "reason": "核对"}),
    ],
    "compound": [
        ("GET", "/api/v1/ledger/compounds/{id}", None),
        ("GET", "/api/v1/ledger/compounds/{id}/history", None),
        ("PATCH", "/api/v1/ledger/compounds/{id}", {}),
        (
            "POST",
            "/api/v1/cases/",
            {"category": "sanitation", "description": "", "compound": "{id}"},
        ),
        (
            "POST",
            "/api/v1/finance/schedules",
            {"compound": "{id}", "basis": "per_area", "price": "1", "valid_from": "2030-01"},
        ),
        ("POST", "/api/v1/finance/bill-runs", {"period_start": "2026-03", "compound": "{id}"}),
        ("POST", "/api/v1/commons/accounts", {"compound_id": "{id}"}),
        (
            "POST",
            "/api/v1/meetings/",
            {"region": "{xd}", "held_on": TODAY, "place": "会议室", "compounds": ["{id}"]},
        ),
        ("POST", "/api/v1/meetings/{meeting}/agenda", {"title": "议题", "compound": "{id}"}),
    ],
    "household": [
        ("GET", "/api/v1/ledger/households/{id}", None),
        ("PATCH", "/api/v1/ledger/households/{id}", {}),
        ("GET", "/api/v1/finance/households/{id}/bills", None),
        (
            "POST",
            "/api/v1/finance/payments",
            {"household": "{id}", "amount": "1.00", "method": "cash", "client_token": ""},
        ),
        ("POST", "/api/v1/grid/visits", {"household": "{id}", "visited_on": TODAY, "met": ""}),
        ("POST", "/api/v1/grid/memberships", {"household": "{id}", "neighbour": "{n_b}"}),
        (
            "POST",
            "/api/v1/cases/",
            {"category": "nonsense", "description": "", "household": "{id}", "compound": MISSING},
        ),
        (
            "POST",
            "/api/v1/ledger/residents",
            {"household": "{id}", "name": "张三", "id_number": "11010519491231002X"},
        ),
    ],
    "resident": [
        ("GET", "/api/v1/ledger/residents/{id}", None),
        ("GET", "/api/v1/ledger/residents/{id}?unmask=true&reason=x", None),
        ("PATCH", "/api/v1/ledger/residents/{id}", {}),
        ("POST", "/api/v1/grid/cells/{n_b}/holder", {"resident": "{id}"}),
    ],
    "grid": [
        ("GET", "/api/v1/grid/cells/{id}", None),
        ("POST", "/api/v1/grid/cells/{id}/holder", {"resident": MISSING}),
        ("POST", "/api/v1/grid/memberships", {"household": "{h201}", "neighbour": "{id}"}),
    ],
    "case": [
        ("GET", "/api/v1/cases/{id}", None),
        ("GET", "/api/v1/cases/{id}/timeline", None),
        ("POST", "/api/v1/cases/{id}/accept", NOTE),
        ("POST", "/api/v1/cases/{id}/nonsense", NOTE),
        ("POST", "/api/v1/cases/{case201}/merge", {"into": "{id}"}),
    ],
    "vote": [
        ("GET", "/api/v1/selfgov/votes/{id}", None),
        ("POST", "/api/v1/selfgov/votes/{id}/ballot", {"choice": "yes"}),
        ("GET", "/api/v1/selfgov/votes/{id}/tally", None),
    ],
    "meeting": [
        ("GET", "/api/v1/meetings/{id}", None),
        ("GET", "/api/v1/meetings/{id}/minutes.pdf", None),
        ("POST", "/api/v1/meetings/{id}/attendees", {"party": "community", "name": "张三"}),
        ("POST", "/api/v1/meetings/{id}/agenda", {"title": "议题", "problem": "x"}),
        (
            "POST",
            "/api/v1/meetings/{id}/decisions",
            {
                "decision": "x",
                "responsible_party": "community",
                "responsible_person": "张三",
                "deadline": "2026-12-31",
            },
        ),
    ],
    "meeting_case": [
        ("POST", "/api/v1/meetings/{meeting}/agenda", {"title": "议题", "cases": ["{id}"]}),
    ],
    "action": [
        ("GET", "/api/v1/meetings/actions/{id}", None),
        ("POST", "/api/v1/meetings/actions/{id}/progress", NOTE),
        ("POST", "/api/v1/meetings/actions/{id}/complete", NOTE),
        ("POST", "/api/v1/meetings/actions/{id}/cancel", NOTE),
    ],
    "payment": [
        ("GET", "/api/v1/finance/payments/{id}", None),
        ("POST", "/api/v1/finance/payments/{id}/void", {"reason": "x"}),
    ],
    "void": [("POST", "/api/v1/finance/payment-voids/{id}/decide", {"approve": False})],
    "account": [
        ("GET", "/api/v1/commons/accounts/{id}", None),
        ("GET", "/api/v1/commons/accounts/{id}/entries", None),
        (
            "POST",
            "/api/v1/commons/accounts/{id}/entries",
            {"kind": "x", "amount": "1", "date": "x", "counterparty": "x", "description": "x"},
        ),
        ("GET", "/api/v1/commons/accounts/{id}/notices", None),
        ("POST", "/api/v1/commons/accounts/{id}/notices", {"year": 2026, "quarter": 9}),
        ("GET", "/api/v1/commons/accounts/{id}/verify", None),
    ],
    "entry": [
        ("GET", "/api/v1/commons/entries/{id}", None),
        ("POST", "/api/v1/commons/entries/{id}/approve", {}),
        ("POST", "/api/v1/commons/entries/{id}/reject", {"reason": ""}),
        ("POST", "/api/v1/commons/entries/{id}/reverse", {"reason": ""}),
    ],
    "notice": [("GET", "/api/v1/commons/notices/{id}", None)],
    "export_request": [
        ("POST", "/api/v1/ledger/export-requests/{id}/decision", {"approve": True}),
        ("GET", "/api/v1/ledger/export?request_id={id}", None),
    ],
}

# Which side's objects each persona cannot see: all of the other community's, and for the
# 邻长 and the resident of 201 also 101's household-level objects (and 邻 A).
HOUSEHOLD_LEVEL = {"household", "resident", "case", "meeting_case", "bill", "waiver"}
HOUSEHOLD_LEVEL |= {"payment", "void", "grid"}
ORACLE_PERSONAS = {
    "xt_worker": [("A", None)],
    "xd_worker": [("B", None)],
    "committee": [("B", None)],
    "leader_b": [("B", None), ("A", HOUSEHOLD_LEVEL)],
    "resident_b": [("B", None), ("A", HOUSEHOLD_LEVEL)],
}


@pytest.fixture
def oracle_world(money_world, regions, compound, other_compound):
    return build_oracle_world(money_world, regions, compound, other_compound)


def _fill(value, names: dict):
    """``"{id}"`` → the id itself; other strings formatted; lists and dicts filled through."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in names:
            return names[value[1:-1]]
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _answer(client, kind: str, method: str, url: str, body) -> tuple:
    """Everything a client learns: status, redirect, flash messages and body."""
    import json

    from django.contrib.messages import get_messages

    client.cookies.pop("messages", None)  # only this request's flash messages
    if method == "GET":
        response = client.get(url)
    elif kind == "page":
        response = client.post(url, body)
    else:
        response = client.generic(method, url, json.dumps(body), content_type="application/json")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    kind = response.get("Content-Type", "")
    if response.status_code == 200 and not kind.startswith(("text/", "application/json")):
        content = kind.encode()  # a file (a masked role's own export): stamped with its time
    return response.status_code, response.get("Location"), flashed, content.decode()


@pytest.mark.parametrize("persona", list(ORACLE_PERSONAS))
def test_out_of_scope_answers_like_missing(client, oracle_world, persona):
    people, sides, fixed = oracle_world
    client.force_login(people[persona])
    probes = 0
    differ = {}
    statuses = []
    for kind, table in (("page", ORACLE_PAGES), ("api", ORACLE_API)):
        for key, specs in table.items():
            for method, url, body in specs:
                missing = _answer(
                    client,
                    kind,
                    method,
                    _fill(url, {**fixed, "id": MISSING}),
                    _fill(body, {**fixed, "id": MISSING}),
                )
                statuses.append(missing[0])
                for side, keys in ORACLE_PERSONAS[persona]:
                    if keys is not None and key not in keys:
                        continue
                    names = {**fixed, "id": sides[side][key]}
                    got = _answer(client, kind, method, _fill(url, names), _fill(body, names))
                    probes += 1
                    if got != missing:
                        differ[f"{method} {url} [{key} {side}]"] = (got[:3], missing[:3])
    assert differ == {}
    assert probes > 80 and statuses.count(404) > len(statuses) // 2
