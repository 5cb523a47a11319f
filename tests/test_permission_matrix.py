"""Every role against every page and API endpoint: status codes, and counts that don't leak.

兴东社区 holds 粮站宿舍 with households 101 and 102 (邻 A) and 201 (邻 B); 新塘社区 holds one
household. Each row of EXPECTED is one persona; each column one endpoint. For list endpoints
the cell is the number of items the persona must see; otherwise an HTTP status.
"""

import pytest
from django.contrib.auth import get_user_model

from linli.accounts.models import Role
from linli.ledger import services

from .factories import make_user

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
    "department":   (200, 200, 200, 404, 404, 404, 404, 404, 404, 200, 2,   0,  0,  404, 0,   403, 200, 404, 404, 404, 0,   404),
    "area_leader":  (404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 1,   3,  3,  200, 4,   403, 200, 200, 404, 200, 2,   200),
    "group_leader": (404, 404, 404, 404, 200, 404, 200, 200, 200, 200, 1,   3,  3,  200, 3,   403, 200, 200, 404, 200, 2,   200),
    "leader_a":     (404, 404, 404, 404, 200, 404, 200, 404, 200, 200, 1,   2,  2,  200, 1,   403, 200, 200, 404, 200, 1,   200),
    "leader_b":     (404, 404, 404, 404, 200, 404, 404, 200, 404, 200, 1,   1,  1,  404, 1,   403, 200, 200, 404, 404, 1,   404),
    "committee":    (404, 404, 404, 404, 404, 404, 200, 200, 404, 200, 1,   3,  3,  200, 0,   403, 200, 404, 404, 404, 0,   404),
    "resident_a":   (404, 404, 404, 404, 404, 404, 200, 404, 404, 200, 1,   1,  1,  200, 0,   403, 200, 404, 404, 200, 1,   200),
    "resident_b":   (404, 404, 404, 404, 404, 404, 404, 200, 404, 200, 1,   1,  1,  404, 0,   403, 200, 404, 404, 404, 1,   404),
    "anonymous":    (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 401, 401, 401, 401, 401, 401, 302, 302, 302, 302, 401, 401),
}
# fmt: on


@pytest.fixture
def world(grid_world, regions, compound, other_compound):
    h = services.household_ensure(compound=other_compound, building="1栋", unit="1单元", room="101")
    services.resident_save(household=h, name="李四", id_number="360426199101010071")
    people = {
        "superuser": get_user_model().objects.create_superuser("root", password="x"),
        "county": make_user("county", Role.COUNTY_OFFICIAL, regions["county"]),
        "town": make_user("town", Role.TOWN_OFFICIAL, regions["town"]),
        "xd_worker": make_user("xd", Role.COMMUNITY_WORKER, regions["xingdong"]),
        "xt_worker": make_user("xt", Role.COMMUNITY_WORKER, regions["xintang"]),
        "department": make_user("fire", Role.DEPARTMENT_STAFF, regions["county"]),
        "committee": make_user("ywh", Role.COMMITTEE_MEMBER, regions["xingdong"]),
        "anonymous": None,
    }
    people["committee"].profile.compound = compound
    people["committee"].profile.save()
    for key in ("area_leader", "group_leader", "leader_a", "leader_b", "resident_a", "resident_b"):
        people[key] = grid_world[key]
    ids = {
        "xd": regions["xingdong"].pk,
        "compound": compound.pk,
        "h101": grid_world["households"]["101"].pk,
        "h201": grid_world["households"]["201"].pk,
        "n_a": grid_world["n_a"].pk,
        "case101": _cases(grid_world),
    }
    return people, ids


def _cases(grid_world) -> int:
    """One case from 101 (邻 A) and one from 201 (邻 B); returns 101's."""
    from linli.cases import services as case_services

    case_services.case_report(
        actor=grid_world["resident_b"],
        household=grid_world["households"]["201"],
        category="sanitation",
        description="楼道积水",
    )
    return case_services.case_report(
        actor=grid_world["resident_a"],
        household=grid_world["households"]["101"],
        category="sanitation",
        description="垃圾满溢",
    ).pk


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
# compound's public account).
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
    "department":   (200, 200, 1,   200, 404, 0,   302, 1,   200, 403, 403, 404),
    "area_leader":  (200, 200, 1,   404, 404, 0,   302, 1,   200, 403, 200, 200),
    "group_leader": (200, 200, 1,   404, 404, 0,   302, 1,   200, 403, 200, 200),
    "leader_a":     (200, 200, 1,   404, 404, 0,   302, 1,   200, 403, 200, 200),
    "leader_b":     (200, 200, 1,   404, 404, 0,   302, 1,   200, 403, 200, 404),
    "committee":    (302, 200, 1,   404, 404, 0,   302, 1,   200, 403, 403, 200),
    "resident_a":   (200, 200, 1,   404, 404, 0,   302, 1,   200, 403, 403, 200),
    "resident_b":   (200, 200, 1,   404, 404, 0,   302, 1,   200, 403, 403, 404),
    "anonymous":    (302, 302, 401, 302, 302, 401, 302, 401, 302, 302, 302, 401),
}
# fmt: on


@pytest.fixture
def later_world(world, regions, compound):
    import datetime as dt

    from django.utils import timezone

    from linli.commons import services as commons_services
    from linli.meetings import services as meeting_services
    from linli.selfgov import services as selfgov_services

    people, ids = world
    worker = people["xd_worker"]
    for h in compound.buildings.first().units.first().households.all():
        h.area = "89.37"
        h.save()
    selfgov_services.owners_sync(compound=compound, actor=worker)
    proposal = selfgov_services.proposal_create(
        actor=worker, compound=compound, item=4, title="续聘物业服务", body="续聘现物业公司"
    )
    selfgov_services.proposal_publish(actor=worker, proposal=proposal)
    now = timezone.now()
    vote = selfgov_services.vote_announce(
        actor=worker,
        proposal=proposal,
        opens_at=now + dt.timedelta(days=16),
        closes_at=now + dt.timedelta(days=30),
    )
    meeting = meeting_services.meeting_create(
        actor=worker,
        region=regions["xingdong"],
        held_on=timezone.localdate(),
        place="兴东社区会议室",
        compounds=[compound],
    )
    commons_services.account_open(actor=worker, compound=compound)
    return people, {**ids, "vote": vote.pk, "meeting": meeting.pk}


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
