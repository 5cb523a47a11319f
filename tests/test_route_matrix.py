"""The generated permission matrix: every route × every persona (issue 11).

``route_enum.routes()`` reads every page from the URL resolver, every operation from the ninja
router and every Open311 view; ``ROUTES`` below must have exactly one entry per route, so a new
route without an entry — or an entry for a route that is gone — fails
``test_every_route_has_an_entry`` with its name.

Each entry says who may use the route, by **audience**:

==============  ============================================================================
``public``      everyone, anonymous included
``any``         every signed-in persona
``office``      superuser, county, town and both community workers (兴东 and 新塘)
``office@A``    the office over 兴东社区 (side A): superuser, county, town, 兴东 worker
``department``  the county fire department's staff member
``grid``        the 三长: 片长 A, 组长 A, 邻长 A, 邻长 B
``grid@101``    the 三长 over household 101 (邻 A): 片长 A, 组长 A, 邻长 A
``home``        the owners' committee member of 粮站宿舍 and residents A (101) and B (201)
``committee``   the owners' committee member
``resident@101`` resident A
==============  ============================================================================

The world is ``matrix_world``'s (both communities, every kind of object on both sides), built
once for the module inside one transaction that is rolled back at the end. A route's path
parameters are filled from side A (兴东社区, household 101) unless the entry says otherwise.

GET: a persona in the audience gets 200; anyone else signed in 404 (Linli answers "not yours"
like "missing"); anonymous is sent to the login page (302) from a page and gets 401 from the
API. ``expect`` overrides a persona's status where the product answers otherwise, with the
reason beside it.

Other methods: an empty body (an empty form, ``{}`` as JSON) never answers 500, never 2xx to a
persona outside the audience, never 2xx to anonymous, and a refused request stores nothing
(row counts of every Linli table before and after). Each request runs in a savepoint rolled
back afterwards, so one persona's request never changes what the next one sees.
"""

import dataclasses
import datetime as dt
import io

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings

from .factories import region_tree
from .matrix_world import (
    build_care_world,
    build_civility_world,
    build_grid_world,
    build_infra_world,
    build_jobs_world,
    build_later_world,
    build_money_world,
    build_oracle_world,
    build_services_world,
    build_stairwell_world,
    build_volunteer_world,
    build_world,
)
from .route_enum import routes

PERSONAS = (
    "superuser",
    "county",
    "town",
    "xd_worker",
    "xt_worker",
    "department",
    "area_leader",
    "group_leader",
    "leader_a",
    "leader_b",
    "committee",
    "resident_a",
    "resident_b",
    "anonymous",
)
SIGNED_IN = PERSONAS[:-1]
AUDIENCES = {
    "public": set(PERSONAS),
    "any": set(SIGNED_IN),
    "office": {"superuser", "county", "town", "xd_worker", "xt_worker"},
    "office@A": {"superuser", "county", "town", "xd_worker"},
    "department": {"department"},
    "grid": {"area_leader", "group_leader", "leader_a", "leader_b"},
    "grid@101": {"area_leader", "group_leader", "leader_a"},
    "home": {"committee", "resident_a", "resident_b"},
    "committee": {"committee"},
    "resident@101": {"resident_a"},
    "nobody": set(),
}


@dataclasses.dataclass(frozen=True)
class R:
    """One route's entry: its audience (tokens of ``AUDIENCES``, space-separated), how to fill
    path parameters not filled by name, per-persona status overrides, and why."""

    audience: str
    fill: dict = dataclasses.field(default_factory=dict)
    expect: dict = dataclasses.field(default_factory=dict)
    query: str = ""

    def members(self) -> set[str]:
        out: set[str] = set()
        for token in self.audience.split():
            out |= AUDIENCES[token] if token in AUDIENCES else {PERSONAS[PERSONAS.index(token)]}
        return out

    def status(self, persona: str, kind: str) -> int:
        """The GET status this persona must get."""
        if persona in self.expect:
            return self.expect[persona]
        if persona in self.members():
            return 200
        if persona == "anonymous":
            return 302 if kind == "page" else 401
        return 404


# A path parameter's value by its name (ids of side A unless the entry fills it otherwise).
BY_NAME = {
    "community_id": "community",
    "region_id": "community",
    "compound_id": "compound",
    "household_id": "household",
    "resident_id": "resident",
    "grid_id": "grid",
    "case_id": "case",
    "vote_id": "vote",
    "meeting_id": "meeting",
    "action_id": "action",
    "request_id": "export_request",
    "bill_id": "bill",
    "waiver_id": "waiver",
    "payment_id": "payment",
    "void_id": "void",
    "account_id": "account",
    "entry_id": "entry",
    "notice_id": "notice",
    "voucher_id": "voucher",
    "fmt": "json",
    "code": "sanitation",
    "date": "2026-10-01",
    "token": "no-such-token",
    "path": "nothing-here",
    "shift_id": "shift",
    "signup_id": "signup",
    "record_id": "record",
    "correction_id": "correction",
    "item_id": "reward_item",
    "recipient_id": "recipient",
    "campaign_id": "campaign",
    "nomination_id": "nomination",
    "objection_id": "objection",
    "plan_id": "infra_plan",
    "problem_id": "infra_problem",
    "posting_id": "posting",
    "seeker_id": "seeker",
    "application_id": "application",
    "course_id": "course",
    "service_item_id": "service_item",
    "point_id": "service_point",
}

TO_START_PAGE = dict.fromkeys(SIGNED_IN, 302)  # a landing page that sends each role on
# volunteers.own: every role but the superuser and department staff (not registered: a page
# asking them to register); the two registered volunteers: 居民 A and 邻长 A (on 王桂兰's record)
OWN_VOLUNTEER_PAGES = "county town xd_worker xt_worker grid home"
VOLUNTEERS_OF_A = "resident@101 leader_a"

ROUTES: dict[str, R] = {
    # ------------------------------------------------------------------ core, accounts, login
    "GET /": R("committee", expect=TO_START_PAGE),
    "GET /healthz": R("public"),
    # an /api/ path that matches nothing: the API's JSON 404 for everyone, signed in or not
    "GET /api/{rest}": R(
        "", fill={"rest": "v1/no-such-thing"}, expect=dict.fromkeys(PERSONAS, 404)
    ),
    "GET /access-log/": R("superuser county town"),
    "GET /todo/": R("any"),
    "GET /login/": R("public"),
    "POST /login/": R("public"),
    "PUT /login/": R("public"),  # Django's LoginView takes PUT like POST
    "POST /logout/": R("public"),
    "GET /account/2fa/setup/": R("nobody", expect=TO_START_PAGE),  # 2FA off in tests: sent on
    "POST /account/2fa/setup/": R("any"),
    "GET /account/2fa/verify/": R("nobody", expect=TO_START_PAGE),
    "POST /account/2fa/verify/": R("any"),
    # ------------------------------------------------------------------------------ ledger
    "GET /ledger/": R("office department"),
    "GET /ledger/sanwu-as-of/": R("office department"),
    "GET /ledger/community/{community_id}/": R("office@A department"),
    "GET /ledger/compound/{compound_id}/": R("office@A department"),
    "GET /ledger/import/": R("office"),
    "POST /ledger/import/": R("office"),
    "GET /ledger/export/": R("office department"),
    "POST /ledger/export/": R("office department"),
    "POST /ledger/export/{request_id}/decide/": R("office@A"),
    # the request is still pending: the office is sent back to the export page
    "GET /ledger/export/{request_id}/file/": R(
        "nobody", expect=dict.fromkeys(("superuser", "county", "town", "xd_worker"), 302)
    ),
    # -------------------------------------------------------------------------------- grid
    "GET /grid/": R("office grid"),
    "GET /grid/community/{community_id}/": R("office@A"),
    "GET /grid/community/{community_id}/plan/": R("office@A"),
    "POST /grid/community/{community_id}/plan/": R("office@A"),
    "GET /grid/household/{household_id}/": R("office@A grid@101 committee resident@101"),
    "POST /grid/household/{household_id}/visit/": R("office@A grid@101"),
    "POST /grid/resident/{resident_id}/phone/": R("office@A grid@101"),
    "GET /grid/cell/{grid_id}/card/": R("office@A grid@101"),
    # the committee sees visit photos of its compound's households (as ``test_file_matrix``)
    "GET /grid/visit-photos/{photo_id}/": R(
        "office@A grid@101 committee resident@101", fill={"photo_id": "visit_photo"}
    ),
    # ------------------------------------------------------------------------------- party
    "GET /party/community/{community_id}/": R("office@A department grid home"),
    # ------------------------------------------------------------------------------- cases
    "GET /cases/": R("nobody", expect=TO_START_PAGE),  # each role to its own case list
    "GET /cases/new/": R("any"),
    "GET /cases/new/{code}/": R("office grid resident@101 resident_b"),
    "POST /cases/new/{code}/": R("office grid resident@101 resident_b"),
    "GET /cases/mine/": R("any"),
    "GET /cases/inbox/": R("grid"),
    "GET /cases/board/": R("office"),
    "GET /cases/department/": R("department"),
    "GET /cases/measures/": R("office department grid"),
    "GET /cases/photos/{photo_id}/": R(
        "office@A grid@101 resident@101", fill={"photo_id": "case_photo"}
    ),
    "GET /cases/{case_id}/": R("office@A grid@101 resident@101"),
    "POST /cases/{case_id}/{action}/": R(
        "office@A grid@101 resident@101", fill={"action": "accept"}
    ),
    # ----------------------------------------------------------------------------- selfgov
    "GET /selfgov/": R("any", expect={"committee": 302}),  # the committee goes to its compound
    "GET /selfgov/compounds/{compound_id}/": R("office@A department grid home"),
    "POST /selfgov/compounds/{compound_id}/{action}/": R("office@A", fill={"action": "sync"}),
    "GET /selfgov/votes/{vote_id}/": R("office@A department grid home"),
    "POST /selfgov/votes/{vote_id}/{action}/": R("office@A", fill={"action": "close"}),
    # ---------------------------------------------------------------------------- meetings
    "GET /meetings/": R("office department"),
    "GET /meetings/new/": R("office"),
    "POST /meetings/new/": R("office"),
    "GET /meetings/actions/": R("office department"),
    "GET /meetings/actions/{action_id}/": R("office@A"),
    "POST /meetings/actions/{action_id}/{what}/": R("office@A", fill={"what": "progress"}),
    "GET /meetings/{meeting_id}/": R("office@A"),
    "GET /meetings/{meeting_id}/minutes.{fmt}": R("office@A", fill={"fmt": "pdf"}),
    "POST /meetings/{meeting_id}/add/{what}/": R("office@A", fill={"what": "attendee"}),
    # ----------------------------------------------------------------------------- finance
    "GET /finance/mine/": R("any"),
    "GET /finance/desk/": R("office"),
    "GET /finance/desk/households/{household_id}/": R("office@A"),
    "POST /finance/desk/households/{household_id}/pay/": R("office@A"),
    "POST /finance/desk/bills/{bill_id}/waiver/": R("office@A"),
    "GET /finance/desk/waivers/": R("office"),
    "POST /finance/desk/waivers/{waiver_id}/decide/": R("office@A"),
    "POST /finance/desk/payments/{payment_id}/void/": R("office@A"),
    "POST /finance/desk/voids/{void_id}/decide/": R("office@A"),
    "GET /finance/desk/run/": R("office"),
    "POST /finance/desk/run/": R("office"),
    "POST /finance/desk/schedules/": R("office"),
    "GET /finance/desk/rates/": R("office"),
    "GET /finance/receipts/{payment_id}/": R("office@A grid@101 resident@101"),
    "GET /finance/arrears/": R("office grid"),
    # ----------------------------------------------------------------------------- commons
    # to their compound's account
    "GET /commons/": R(
        "office department",
        expect=dict.fromkeys(
            (
                "area_leader",
                "group_leader",
                "leader_a",
                "leader_b",
                "committee",
                "resident_a",
                "resident_b",
            ),
            302,
        ),
    ),
    "POST /commons/open/": R("office@A"),
    "GET /commons/queue/": R("committee"),
    "GET /commons/{account_id}/": R("office@A department grid home"),
    "GET /commons/{account_id}/entries/": R("office@A department grid home"),
    "GET /commons/{account_id}/entries/new/": R("xd_worker committee"),
    "POST /commons/{account_id}/entries/new/": R("xd_worker committee"),
    "GET /commons/{account_id}/notices/new/": R("committee"),
    "POST /commons/{account_id}/notices/new/": R("committee"),
    "GET /commons/entries/{entry_id}/": R("office@A department grid home"),
    "POST /commons/entries/{entry_id}/{action}/": R("committee", fill={"action": "approve"}),
    "GET /commons/notices/{notice_id}/": R("office@A department grid home"),
    "GET /commons/notices/{notice_id}/pdf/": R("office@A department grid home"),
    "GET /commons/vouchers/{voucher_id}/": R("office@A committee"),
    # -------------------------------------------------------------------------- volunteers
    # one's own volunteer pages: every role with ``volunteers.own`` (not the superuser, not
    # department staff); a role not registered gets the "please register" page (200)
    "GET /volunteers/": R(OWN_VOLUNTEER_PAGES),
    "GET /volunteers/hours/": R(OWN_VOLUNTEER_PAGES),
    "GET /volunteers/points/": R(OWN_VOLUNTEER_PAGES),
    "POST /volunteers/points/": R(OWN_VOLUNTEER_PAGES),
    "POST /volunteers/shifts/{shift_id}/signup/": R(
        VOLUNTEERS_OF_A, fill={"shift_id": "upcoming_shift"}
    ),
    "POST /volunteers/signups/{signup_id}/withdraw/": R("resident@101"),
    # ODDITY: docs/volunteers.md says "signed-in volunteers of the shift's community", the view
    # shows the shift (title, time, place; never a person) to anyone signed in who holds the
    # token (the QR code on the organiser's screen); a check-in by a stranger is refused
    "GET /volunteers/checkin/{token}/": R("any", fill={"token": "checkin_token"}),
    "POST /volunteers/checkin/{token}/": R(VOLUNTEERS_OF_A, fill={"token": "checkin_token"}),
    "POST /volunteers/records/{record_id}/correction/": R("resident@101"),
    "GET /volunteers/certificates/{pk}.pdf": R("office@A resident@101", fill={"pk": "certificate"}),
    "GET /volunteers/desk/": R("office"),
    "GET /volunteers/desk/approvals/": R("office"),
    "POST /volunteers/desk/approvals/": R("office"),
    "GET /volunteers/desk/shifts/{shift_id}/": R("office@A"),
    "POST /volunteers/desk/shifts/{shift_id}/": R("office@A"),
    "GET /v/{token}/": R("public", fill={"token": "certificate_token"}),  # certificate check
    # ---------------------------------------------------------------------------- civility
    # CIVILITY_TAKE_PART (三长 and residents), CIVILITY_SCORE (组长/片长), CIVILITY_MANAGE (the
    # office); a nomination of another community is a 404 like a missing one
    "GET /civility/": R("grid home"),
    "POST /civility/campaign/{campaign_id}/nominate/": R("grid home"),
    "POST /civility/nomination/{nomination_id}/vote/": R("grid home"),
    "POST /civility/nomination/{nomination_id}/object/": R("office@A grid home"),
    "GET /civility/scoring/": R("area_leader group_leader"),
    "GET /civility/nomination/{nomination_id}/score/": R("area_leader group_leader"),
    "POST /civility/nomination/{nomination_id}/score/": R("area_leader group_leader"),
    "GET /civility/desk/": R("office"),
    "POST /civility/desk/campaign/": R("office"),
    "POST /civility/nomination/{nomination_id}/act/": R("office@A"),
    "POST /civility/objection/{objection_id}/decide/": R("office@A"),
    # -------------------------------------------------------------------------------- jobs
    # the board and a posting are public; 居民 A is 兴东's job seeker (his own page, his
    # applications, enrolling); the committee member is the account of 粮站宿舍's property
    # service (its postings, its applicants); the station is the office of the region
    "GET /jobs/": R("public"),
    "GET /jobs/posting/{posting_id}/": R("public"),
    "POST /jobs/posting/{posting_id}/apply/": R("resident@101"),
    "GET /jobs/me/": R("grid home"),  # the page says how to register when one is not a seeker
    "POST /jobs/course/{course_id}/enrol/": R("resident@101"),
    "GET /jobs/employer/": R("office@A committee"),
    "GET /jobs/employer/post/": R("office@A committee"),
    "POST /jobs/employer/post/": R("office@A committee"),
    "POST /jobs/application/{application_id}/advance/": R("office@A committee"),
    "GET /jobs/station/": R("office"),
    "GET /jobs/station/posting/{posting_id}/": R("office@A"),
    "POST /jobs/station/posting/{posting_id}/recommend/": R("office@A"),
    # --------------------------------------------------------------------------- stairwell
    # the 楼道码 page needs no login (a bad token is the standard 404); an empty report is a
    # 400 with the form again, nothing stored
    "GET /s/{token}/": R("public", fill={"token": "stairwell_token"}),
    "POST /s/{token}/": R("public", fill={"token": "stairwell_token"}),
    # the reports to confirm: the 三长 (CASES_INBOX) and the office (CASES_MANAGE); the one
    # waiting is 1栋1单元's, held by 邻长 A, seen by his 组长/片长 and 兴东's office
    "GET /stairwell/reports/": R("office grid"),
    "POST /stairwell/reports/{case_id}/decide/": R(
        "office@A grid@101", fill={"case_id": "stairwell_case"}
    ),
    # ---------------------------------------------------------------------------- services
    # the catalogue is public: anyone, anonymous included, finds the nearest point (就近办)
    "GET /services/": R("public"),
    "GET /services/items/": R("public"),
    "GET /services/items/{service_item_id}/": R("public"),
    "GET /services/items/{service_item_id}/guide.pdf": R("public"),
    "GET /services/points/{point_id}/": R("public"),
    # -------------------------------------------------------------------------------- care
    # the office goes on to its registry (a community worker: its one community's); 邻长 B
    # has nobody to visit (404, "没有需要探访的关爱对象")
    "GET /care/": R("office grid@101", expect={"xd_worker": 302, "xt_worker": 302}),
    "GET /care/person/{recipient_id}/": R("office@A grid@101"),
    "GET /care/person/{recipient_id}/visit/": R("office@A grid@101"),
    "POST /care/person/{recipient_id}/visit/": R("office@A grid@101"),
    "POST /care/person/{recipient_id}/manage/": R("office@A"),
    "GET /care/community/{community_id}/": R("office@A grid"),
    "POST /care/community/{community_id}/sync/": R("office@A"),
    "GET /care/events/": R("office grid"),
    "POST /care/events/": R("office"),
    # ------------------------------------------------------------------------------- infra
    # INFRA_VIEW: a compound's plan (一小区一对策) for whoever sees the compound — its office,
    # department staff, the 三长, the committee, residents; INFRA_MANAGE (the region roles) acts;
    # an empty form is refused (400) and stores nothing
    "GET /infra/": R("office"),
    "GET /infra/compound/{compound_id}/": R("office@A department grid home"),
    "POST /infra/compound/{compound_id}/": R("office@A"),
    "GET /infra/problem/{problem_id}/": R("office@A department grid home"),
    "POST /infra/problem/{problem_id}/": R("office@A"),
    "GET /infra/photo/{photo_id}/": R(
        "office@A department grid home", fill={"photo_id": "infra_photo"}
    ),
    "GET /infra/region/{region_id}/": R("office@A"),
    # ------------------------------------------------------------------- the API's own pages
    "GET /api/v1/": R("nobody", expect={"anonymous": 404}),  # ninja's root: nothing there
    "GET /api/v1/openapi.json": R("any"),
    "GET /api/v1/docs": R("any", expect={"anonymous": 302}),
    "GET /api/v1/health": R("public"),
    # ---------------------------------------------------------------------------- API ledger
    "GET /api/v1/ledger/regions": R("any"),
    "POST /api/v1/ledger/regions": R("superuser county town"),
    "GET /api/v1/ledger/regions/{region_id}": R("office@A department grid home"),
    "GET /api/v1/ledger/compounds": R("any"),
    "POST /api/v1/ledger/compounds": R("office"),
    "GET /api/v1/ledger/compounds/sanwu-count": R("any"),
    "GET /api/v1/ledger/compounds/{compound_id}": R("office@A department grid home"),
    "PATCH /api/v1/ledger/compounds/{compound_id}": R("office@A"),
    "GET /api/v1/ledger/compounds/{compound_id}/history": R("office@A department grid home"),
    "GET /api/v1/ledger/households": R("any"),
    "POST /api/v1/ledger/households": R("office"),
    "GET /api/v1/ledger/households/{household_id}": R("office@A grid@101 committee resident@101"),
    "PATCH /api/v1/ledger/households/{household_id}": R("office@A"),
    "GET /api/v1/ledger/residents": R("any"),
    "POST /api/v1/ledger/residents": R("office"),
    "GET /api/v1/ledger/residents/{resident_id}": R("office@A grid@101 committee resident@101"),
    "PATCH /api/v1/ledger/residents/{resident_id}": R("office@A"),
    "POST /api/v1/ledger/imports": R("office"),
    # unmasked roles need an approved request (403 names the rule); masked roles download
    # their own masked view directly
    "GET /api/v1/ledger/export": R(
        "department home",
        expect=dict.fromkeys(
            (
                "superuser",
                "county",
                "town",
                "xd_worker",
                "xt_worker",
                "area_leader",
                "group_leader",
                "leader_a",
                "leader_b",
            ),
            403,
        ),
    ),
    "GET /api/v1/ledger/export-requests": R("any"),
    "POST /api/v1/ledger/export-requests": R("office"),
    "POST /api/v1/ledger/export-requests/{request_id}/decision": R("office@A"),
    # ------------------------------------------------------------------------------ API grid
    "GET /api/v1/grid/cells": R("any"),
    "POST /api/v1/grid/cells": R("office"),
    "GET /api/v1/grid/cells/{grid_id}": R("office@A grid@101"),
    "POST /api/v1/grid/memberships": R("office"),
    "POST /api/v1/grid/cells/{grid_id}/holder": R("office@A"),
    "GET /api/v1/grid/visits": R("any"),
    "POST /api/v1/grid/visits": R("office grid"),
    # the report is the office's: for anyone else out of scope, 404 like a community not theirs
    "GET /api/v1/grid/communities/{community_id}/report": R("office@A"),
    # ----------------------------------------------------------------------------- API cases
    "GET /api/v1/cases/categories": R("any"),
    "GET /api/v1/cases/departments": R("any"),
    "GET /api/v1/cases/": R("any"),
    "POST /api/v1/cases/": R("any"),
    "POST /api/v1/cases/with-photos": R("any"),
    "GET /api/v1/cases/measures": R("any"),
    "GET /api/v1/cases/calendar": R("any", query="year=2026"),
    "PUT /api/v1/cases/calendar/{date}": R("superuser county town"),
    "GET /api/v1/cases/{case_id}": R("office@A grid@101 resident@101"),
    "GET /api/v1/cases/{case_id}/timeline": R("office@A grid@101 resident@101"),
    "POST /api/v1/cases/{case_id}/{action}": R("office@A leader_a", fill={"action": "accept"}),
    # --------------------------------------------------------------------------- API selfgov
    "GET /api/v1/selfgov/votes": R("any"),
    "GET /api/v1/selfgov/votes/{vote_id}": R("office@A department grid home"),
    "POST /api/v1/selfgov/votes/{vote_id}/ballot": R("grid home"),
    # the vote is not closed yet: everyone who sees it is told so (409)
    "GET /api/v1/selfgov/votes/{vote_id}/tally": R(
        "nobody", expect={p: 409 for p in SIGNED_IN if p != "xt_worker"}
    ),
    # -------------------------------------------------------------------------- API meetings
    "GET /api/v1/meetings/": R("any"),
    "POST /api/v1/meetings/": R("office department"),
    "GET /api/v1/meetings/actions": R("any"),
    "GET /api/v1/meetings/actions/{action_id}": R("office@A"),
    "POST /api/v1/meetings/actions/{action_id}/progress": R("office@A"),
    "POST /api/v1/meetings/actions/{action_id}/complete": R("office@A"),
    "POST /api/v1/meetings/actions/{action_id}/cancel": R("office@A"),
    "GET /api/v1/meetings/{meeting_id}": R("office@A"),
    "POST /api/v1/meetings/{meeting_id}/attendees": R("office@A"),
    "POST /api/v1/meetings/{meeting_id}/agenda": R("office@A"),
    "POST /api/v1/meetings/{meeting_id}/decisions": R("office@A"),
    "GET /api/v1/meetings/{meeting_id}/minutes.{fmt}": R("office@A", fill={"fmt": "pdf"}),
    # --------------------------------------------------------------------------- API finance
    "GET /api/v1/finance/schedules": R("any"),
    "POST /api/v1/finance/schedules": R("office"),
    "POST /api/v1/finance/bill-runs": R("office"),
    "GET /api/v1/finance/households/{household_id}/bills": R(
        "office@A grid@101 committee resident@101"
    ),
    "POST /api/v1/finance/payments": R("office"),
    "GET /api/v1/finance/payments/{payment_id}": R("office@A grid@101 resident@101"),
    "POST /api/v1/finance/payments/{payment_id}/void": R("office@A"),
    # the desk's queue: 404 for a role without the desk, as its pages
    "GET /api/v1/finance/payment-voids": R("office"),
    "POST /api/v1/finance/payment-voids/{void_id}/decide": R("office@A"),
    "GET /api/v1/finance/collection-rates": R("any", query="start=2026-01&end=2026-02"),
    # --------------------------------------------------------------------------- API commons
    "GET /api/v1/commons/accounts": R("any"),
    "GET /api/v1/todo": R("any"),
    "POST /api/v1/commons/accounts": R("office"),
    "GET /api/v1/commons/accounts/{account_id}": R("office@A department grid home"),
    "GET /api/v1/commons/accounts/{account_id}/entries": R("office@A department grid home"),
    "POST /api/v1/commons/accounts/{account_id}/entries": R("xd_worker committee"),
    "GET /api/v1/commons/entries/{entry_id}": R("office@A department grid home"),
    "POST /api/v1/commons/entries/{entry_id}/vouchers": R("xd_worker committee"),
    "POST /api/v1/commons/entries/{entry_id}/approve": R("committee"),
    "POST /api/v1/commons/entries/{entry_id}/reject": R("committee"),
    "POST /api/v1/commons/entries/{entry_id}/reverse": R("xd_worker committee"),
    "GET /api/v1/commons/accounts/{account_id}/notices": R("office@A department grid home"),
    "POST /api/v1/commons/accounts/{account_id}/notices": R("committee"),
    "GET /api/v1/commons/notices/{notice_id}": R("office@A department grid home"),
    "GET /api/v1/commons/accounts/{account_id}/verify": R("office@A department grid home"),
    # -------------------------------------------------------------------------- API civility
    # the lists answer everyone, empty outside one's community (the criteria are public)
    "GET /api/v1/civility/criteria": R("any"),
    "GET /api/v1/civility/campaigns": R("any"),
    "GET /api/v1/civility/nominations": R("any"),
    "GET /api/v1/civility/objections": R("any"),
    "GET /api/v1/civility/honours": R("any"),
    "POST /api/v1/civility/campaigns": R("office"),
    "POST /api/v1/civility/nominations": R("grid home"),
    # household 101's nomination, suspended by 居民 B's objection: seen by 兴东's office, its
    # 三长, 居民 A (his own household) and the compound's residents (on the 公示)
    "GET /api/v1/civility/nominations/{nomination_id}": R("office@A grid home"),
    "POST /api/v1/civility/nominations/{nomination_id}/score": R("area_leader group_leader"),
    "POST /api/v1/civility/nominations/{nomination_id}/vote": R("grid home"),
    "POST /api/v1/civility/nominations/{nomination_id}/objections": R("office@A grid home"),
    "POST /api/v1/civility/nominations/{nomination_id}/publicise": R("office@A"),
    "POST /api/v1/civility/nominations/{nomination_id}/reject": R("office@A"),
    "POST /api/v1/civility/nominations/{nomination_id}/award": R("office@A"),
    "POST /api/v1/civility/objections/{objection_id}/decide": R("office@A"),
    # ------------------------------------------------------------------------ API volunteers
    "GET /api/v1/volunteers/me": R(VOLUNTEERS_OF_A),  # 404 not_a_volunteer for the others
    "GET /api/v1/volunteers/me/records": R(VOLUNTEERS_OF_A),
    "GET /api/v1/volunteers/me/points": R(VOLUNTEERS_OF_A),
    "GET /api/v1/volunteers/me/certificates": R(VOLUNTEERS_OF_A),
    "GET /api/v1/volunteers/items": R(VOLUNTEERS_OF_A),
    "GET /api/v1/volunteers/shifts": R("any"),  # the shifts of the communities one sees
    "POST /api/v1/volunteers/shifts/{shift_id}/signup": R(
        VOLUNTEERS_OF_A, fill={"shift_id": "upcoming_shift"}
    ),
    "POST /api/v1/volunteers/signups/{signup_id}/withdraw": R("resident@101"),
    "POST /api/v1/volunteers/checkin": R(VOLUNTEERS_OF_A),
    "POST /api/v1/volunteers/me/records/{record_id}/corrections": R("resident@101"),
    "POST /api/v1/volunteers/items/{item_id}/redeem": R(VOLUNTEERS_OF_A),
    # ODDITY: docs/volunteers.md says "others 404"; the lists answer everyone, empty for those
    # who organise nothing (the same rows a 404 would hide, so nothing leaks)
    "GET /api/v1/volunteers/activities": R("any"),
    "GET /api/v1/volunteers/pending": R("any"),
    "GET /api/v1/volunteers/corrections": R("any"),
    "GET /api/v1/volunteers/volunteers": R("any"),  # the register: empty outside the office
    "POST /api/v1/volunteers/activities": R("office"),
    "GET /api/v1/volunteers/shifts/{shift_id}/roll": R("office@A"),
    "POST /api/v1/volunteers/shifts/{shift_id}/roll": R("office@A"),
    "GET /api/v1/volunteers/shifts/{shift_id}/checkin-token": R("office@A"),
    "POST /api/v1/volunteers/records/approve": R("office"),
    "POST /api/v1/volunteers/records/{record_id}/reject": R(
        "office@A", fill={"record_id": "pending_record"}
    ),
    "POST /api/v1/volunteers/corrections/{correction_id}/decide": R("office@A"),
    "POST /api/v1/volunteers/signups/{signup_id}/{action}": R(
        "office@A", fill={"action": "confirm"}
    ),
    "POST /api/v1/volunteers/volunteers": R("office"),
    "POST /api/v1/volunteers/certificates": R("office"),
    # the office's figures: 404 for a role without volunteers.manage, like a community not theirs
    "GET /api/v1/volunteers/stats": R(
        "office@A",
        query="community_id={community}&start=2026-01-01&end=2026-12-31",
    ),
    # ------------------------------------------------------------------------------ API jobs
    "GET /api/v1/jobs/postings": R("public"),
    "GET /api/v1/jobs/postings/{posting_id}": R("public"),
    "POST /api/v1/jobs/postings": R("office committee"),
    "POST /api/v1/jobs/postings/{posting_id}/close": R("office@A committee"),
    "GET /api/v1/jobs/postings/{posting_id}/matches": R("office@A"),
    "GET /api/v1/jobs/postings/{posting_id}/applications": R("office@A committee"),
    "GET /api/v1/jobs/employers": R("any"),  # empty for those with no employer in scope
    "POST /api/v1/jobs/employers": R("office"),
    "GET /api/v1/jobs/seekers": R("office"),
    "GET /api/v1/jobs/seekers/{seeker_id}": R("office@A resident@101"),
    "POST /api/v1/jobs/seekers": R("office"),
    "POST /api/v1/jobs/applications": R("office resident@101"),
    "POST /api/v1/jobs/applications/{application_id}/advance": R("office@A committee"),
    "GET /api/v1/jobs/mine": R("any"),  # empty for one who is not a seeker
    "GET /api/v1/jobs/courses": R("any"),
    "POST /api/v1/jobs/courses": R("office"),
    "POST /api/v1/jobs/courses/{course_id}/enrol": R("office@A resident@101"),
    "POST /api/v1/jobs/courses/{course_id}/attendance": R("office@A"),
    "POST /api/v1/jobs/sales": R("office"),
    "GET /api/v1/jobs/figures": R("office"),
    # ------------------------------------------------------------------------- API stairwell
    "GET /api/v1/stairwell/units/{token}": R("public", fill={"token": "stairwell_token"}),
    "POST /api/v1/stairwell/units/{token}/reports": R("public", fill={"token": "stairwell_token"}),
    "GET /api/v1/stairwell/reports": R("any"),  # empty for a role without the duty
    "POST /api/v1/stairwell/reports/{case_id}/confirm": R(
        "office@A grid@101", fill={"case_id": "stairwell_case"}
    ),
    # -------------------------------------------------------------------------- API services
    "GET /api/v1/services/items": R("public"),
    "GET /api/v1/services/items/{service_item_id}": R("public"),
    "GET /api/v1/services/points": R("public"),
    "GET /api/v1/services/points/{point_id}": R("public"),
    "GET /api/v1/services/nearest": R("public", query="lat=27.083&lng=112.948"),
    "POST /api/v1/services/organizations": R("office"),
    "POST /api/v1/services/items": R("office"),
    "POST /api/v1/services/points": R("office"),
    # the item is the county department's: only the county (and the superuser) may change it
    "PATCH /api/v1/services/items/{service_item_id}": R("superuser county"),
    "PATCH /api/v1/services/points/{point_id}": R("office@A"),
    "PUT /api/v1/services/points/{point_id}/hours": R("office@A"),
    "PUT /api/v1/services/points/{point_id}/items": R("office@A"),
    # ------------------------------------------------------------------------ API indicators
    # 洣水镇's figures: the superuser and the officials over the town; the 兴东 worker (a
    # community below it) and everyone else get the unknown code's 404
    "GET /api/v1/indicators": R(
        "superuser county town", query="region=430424100000&period=2026-03"
    ),
    # ------------------------------------------------------------------------------ API care
    # the registry the caller's duty covers: empty for the committee, residents, department
    "GET /api/v1/care/recipients": R("any"),
    "GET /api/v1/care/recipients/{recipient_id}": R("office@A grid@101"),
    "POST /api/v1/care/recipients": R("office"),
    "POST /api/v1/care/recipients/{recipient_id}/override": R("office@A"),
    "DELETE /api/v1/care/recipients/{recipient_id}/override": R("office@A"),
    "POST /api/v1/care/recipients/{recipient_id}/pair": R("office@A"),
    "POST /api/v1/care/recipients/{recipient_id}/end": R("office@A"),
    "POST /api/v1/care/visits": R("office grid"),
    "GET /api/v1/care/mine": R("any"),  # empty for a role without the duty
    "GET /api/v1/care/communities/{community_id}/status": R("office@A grid"),
    "GET /api/v1/care/communities/{community_id}/rates": R("office@A grid"),
    "GET /api/v1/care/events": R("any"),  # empty for roles without the duty
    "POST /api/v1/care/events": R("office"),
    # ------------------------------------------------------------------------------ Open311
    "GET /open311/v2/discovery.{fmt}": R("public"),
    # ----------------------------------------------------------------------------- API infra
    "GET /api/v1/infra/plans": R("any"),  # empty for those who see no plan
    "POST /api/v1/infra/plans": R("office"),
    "GET /api/v1/infra/plans/{plan_id}": R("office@A department grid home"),
    "GET /api/v1/infra/problems": R("any"),
    "POST /api/v1/infra/problems": R("office"),
    "GET /api/v1/infra/problems/{problem_id}": R("office@A department grid home"),
    "GET /api/v1/infra/problems/{problem_id}/history": R("office@A department grid home"),
    # an empty body changes nothing: office@A gets the problem back as it was
    "POST /api/v1/infra/problems/{problem_id}/details": R("office@A"),
    "PUT /api/v1/infra/problems/{problem_id}/funding": R("office@A"),
    "POST /api/v1/infra/problems/{problem_id}/advance": R("office@A"),
    "POST /api/v1/infra/problems/{problem_id}/vote": R("office@A"),  # 409: no 维修资金 share
    "POST /api/v1/infra/problems/{problem_id}/entry": R("office@A"),  # 409: not at 论证/立项
    "POST /api/v1/infra/problems/{problem_id}/actual": R("office@A"),
    "POST /api/v1/infra/problems/{problem_id}/accept": R("office@A"),
    "GET /api/v1/infra/figures": R("any"),
    "GET /open311/v2/services.{fmt}": R("public"),
    "GET /open311/v2/services/{code}.{fmt}": R("public"),
    "GET /open311/v2/requests.{fmt}": R("public"),
    "POST /open311/v2/requests.{fmt}": R("nobody"),  # only with an api_key (403 without)
    "GET /open311/v2/requests/{request_id}.{fmt}": R("public", fill={"request_id": "case_number"}),
    # an unknown token
    "GET /open311/v2/tokens/{token}.{fmt}": R("nobody", expect=dict.fromkeys(PERSONAS, 404)),
    "GET /open311/v2/{path}": R("nobody", expect=dict.fromkeys(PERSONAS, 404)),  # the JSON 404
}


# --------------------------------------------------------------------------------- the world


def _jpeg(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), "orange").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _build():
    from django.utils import timezone

    from linli.cases import services as case_services
    from linli.commons import services as commons_services
    from linli.commons.models import PublicAccount
    from linli.grid import services as grid_services
    from linli.ledger import services

    regions = region_tree()
    compound = services.compound_create(community=regions["xingdong"], name="粮站宿舍")
    other = services.compound_create(community=regions["xintang"], name="新塘小区")
    grid_world = build_grid_world(regions, compound)
    world = build_world(grid_world, regions, compound, other)
    later = build_later_world(world, regions, compound)
    money = build_money_world(later, compound)
    people, sides, _fixed = build_oracle_world(money, regions, compound, other)
    ids = dict(sides["A"])
    h101 = grid_world["households"]["101"]
    case = case_services.case_report(
        actor=grid_world["resident_a"],
        household=h101,
        category="sanitation",
        description="楼道堆放杂物",
        photos=[_jpeg("stairs.jpg")],
    )
    visit = grid_services.visit_record(
        actor=grid_world["leader_a"],
        household=h101,
        visited_on=timezone.localdate(),
        met="刘建国",
        photos=[_jpeg("visit.jpg")],
    )
    entry = commons_services.entry_create(
        actor=people["xd_worker"],
        account=PublicAccount.objects.get(compound=compound),
        kind="parking",
        amount="300.00",
        date=timezone.localdate() - dt.timedelta(days=1),
        counterparty="院内停车管理员",
        description="院内泊车费",
        vouchers=[_jpeg("receipt.jpg")],
    )
    ids.update(build_volunteer_world(people, grid_world))
    ids.update(build_care_world(people, grid_world))
    ids.update(build_civility_world(people, grid_world))
    ids.update(build_infra_world(people, grid_world, compound, _jpeg("roof.jpg")))
    ids.update(build_jobs_world(people, grid_world))
    ids.update(build_stairwell_world(grid_world))
    ids.update(build_services_world(people, grid_world))
    ids.update(
        case_photo=case.photos.get().pk,
        visit_photo=visit.photos.get().pk,
        voucher=entry.vouchers.get().pk,
        case_number=_case_number(ids["case"]),
    )
    return people, ids


def _case_number(case_id: int) -> str:
    from linli.cases.models import Case

    return Case.objects.get(pk=case_id).number


@dataclasses.dataclass
class World:
    people: dict
    ids: dict
    clients: dict
    media: object


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and one signed-in client per persona, built once for the module inside a
    transaction rolled back when the module is done."""
    media = tmp_path_factory.mktemp("route-matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media,
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            people, ids = _build()
            clients = {}
            for persona in PERSONAS:
                clients[persona] = Client(raise_request_exception=False)
                if people[persona] is not None:
                    clients[persona].force_login(people[persona])
            yield World(people=people, ids=ids, clients=clients, media=media)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(matrix, db, settings):
    settings.MEDIA_ROOT = matrix.media  # the world's files, not this test's empty folder
    return matrix


# ------------------------------------------------------------------------------- requesting


def _url(key: str, entry: R, ids: dict) -> str:
    _method, pattern = key.split(" ", 1)
    names = {}
    for name in _params(pattern):
        value = entry.fill.get(name, BY_NAME.get(name))
        if value is None:
            raise KeyError(f"{key}: no value for {{{name}}}; add it to the entry's fill")
        names[name] = ids.get(value, value)
    query = entry.query.format_map(ids)  # "community_id={community}": an id of the world
    return pattern.format(**names) + (("?" + query) if query else "")


def _params(pattern: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


def _send(client, method: str, kind: str, url: str):
    if method == "GET":
        return client.get(url)
    if kind == "api":
        return client.generic(method, url, "{}", content_type="application/json")
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def _tables() -> list[str]:
    skip = {"core_accesslog"}
    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m.__module__.startswith("linli.") and m._meta.db_table not in skip
    )


def _counts(tables: list[str]) -> dict[str, int]:
    q = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _status(world, persona: str, method: str, kind: str, url: str) -> int:
    response = _send(world.clients[persona], method, kind, url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


# ------------------------------------------------------------------------------------ tests

ALL_ROUTES = routes()
# A fresh signed-in client for the routes that change the session itself.
SESSION_ROUTES = {"POST /login/", "PUT /login/", "POST /logout/"}


def test_every_route_has_an_entry():
    missing = sorted(set(ALL_ROUTES) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(ALL_ROUTES))
    assert not missing, f"routes without an entry in ROUTES (add one): {missing}"
    assert not stale, f"entries in ROUTES for routes that are gone (remove them): {stale}"


def test_the_matrix_covers_pages_operations_and_open311():
    kinds = {}
    for key, kind in ALL_ROUTES.items():
        kinds.setdefault(kind, set()).add(key)
    assert len(kinds["page"]) > 80 and len(kinds["api"]) > 80 and len(kinds["open311"]) == 8
    for entry in ROUTES.values():
        assert set(entry.expect) <= set(PERSONAS)
        entry.members()  # every token is an audience or a persona


GETS = sorted(k for k in ALL_ROUTES if k.startswith("GET "))
WRITES = sorted(k for k in ALL_ROUTES if not k.startswith("GET "))


@pytest.mark.parametrize("key", GETS)
def test_get_route(world, key):
    """Every persona's status on one GET route is the one its audience implies."""
    entry, kind = ROUTES[key], ALL_ROUTES[key]
    url = _url(key, entry, world.ids)
    got = {p: _status(world, p, "GET", kind, url) for p in PERSONAS}
    want = {p: entry.status(p, kind) for p in PERSONAS}
    assert got == want, f"{key} ({url})"


@pytest.mark.parametrize("key", WRITES)
def test_write_route(world, key):
    """An empty body: never a 500, never a 2xx outside the audience or for anonymous, and a
    refused request stores nothing."""
    entry, kind = ROUTES[key], ALL_ROUTES[key]
    method = key.split(" ", 1)[0]
    url = _url(key, entry, world.ids)
    tables = _tables()
    members = entry.members()
    wrong = {}
    for persona in PERSONAS:
        with transaction.atomic():
            before = _counts(tables)
            if key in SESSION_ROUTES:
                client = Client(raise_request_exception=False)
                if world.people[persona] is not None:
                    client.force_login(world.people[persona])
                before = _counts(tables)
                status = _send(client, method, kind, url).status_code
            else:
                status = _status(world, persona, method, kind, url)
            changed = {t: (n, m) for t, (n, m) in _diff(before, _counts(tables)).items()}
            transaction.set_rollback(True)
        refused = not 200 <= status < 300
        if persona in entry.expect:
            ok = status == entry.expect[persona]
        elif status >= 500:
            ok = False
        elif persona == "anonymous" and "public" not in entry.audience.split():
            ok = status in (302, 401, 403)
        elif persona not in members:
            ok = refused
        else:
            ok = True
        if changed and (persona not in members or status >= 400):
            ok = False  # a refusal (or a stranger's request) stored something
        if not ok:
            wrong[persona] = (status, changed)
    assert wrong == {}, f"{key} ({url})"


# A read answers 403 only under a documented rule that names no object (docs/roles-and-scoping.md,
# "403 stays"); anything else a role may not read is out of its scope: 404 like missing.
READ_403_RULES = {
    # an unmasked export needs an approved request first (four eyes, docs/security.md)
    "GET /api/v1/ledger/export": "ledger.export_needs_approval",
}


def test_reads_answer_403_only_under_a_documented_rule(world):
    with_403 = {k for k in GETS if 403 in ROUTES[k].expect.values()}
    assert with_403 == set(READ_403_RULES), "a GET entry expects 403 without a documented rule"
    for key, code in READ_403_RULES.items():
        url = _url(key, ROUTES[key], world.ids)
        for persona, status in ROUTES[key].expect.items():
            if status == 403:
                response = world.clients[persona].get(url)
                assert (response.status_code, response.json()["code"]) == (403, code), persona


def _diff(before: dict, after: dict) -> dict:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


# ------------------------------------------------- what the volunteers and care routes show

# the new apps' routes, and the grid's (where the 三长's care box is)
NEW_APP_PREFIXES = (
    "/care/",
    "/volunteers/",
    "/v/",
    "/api/v1/care/",
    "/api/v1/volunteers/",
    "/grid/",
)
NEW_APP_GETS = [k for k in GETS if k.split(" ", 1)[1].startswith(NEW_APP_PREFIXES)]
# care facts (PIPL art. 28) are for the duty roles only: never for these, on any page
NO_CARE_FACTS = ("committee", "resident_a", "resident_b", "department", "xt_worker", "anonymous")
# a volunteer's record (number, the correction asked) is their own and the office's
VOLUNTEER_A_SEEN_BY = {"superuser", "county", "town", "xd_worker", "resident_a"}


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("key", NEW_APP_GETS)
def test_no_care_facts_or_other_volunteers_records(world, key):
    """A route that answers 200 still shows care categories and tiers only to the duty roles,
    and 居民 A's volunteer record (number, correction) only to himself and 兴东's office —
    except the public certificate check, which shows the number (never the ID number) by
    design."""
    from linli.care.models import Category

    url = _url(key, ROUTES[key], world.ids)
    care_words = [str(label) for label in Category.labels] + ["高风险", '"tier": "']
    record_words = [world.ids["volunteer_number_a"], "9:30 才到"]
    found = {}
    for persona in PERSONAS:
        body = _text(world.clients[persona].get(url))
        hits = []
        if persona in NO_CARE_FACTS:
            hits += [w for w in care_words if w in body]
        if persona not in VOLUNTEER_A_SEEN_BY and key != "GET /v/{token}/":
            hits += [w for w in record_words if w in body]
        if hits:
            found[persona] = hits
    if key == "GET /care/events/":
        found.pop("xt_worker", None)  # "高风险对象须在 24 小时内探访": the form's text, no one's
    assert found == {}, f"{key} ({url})"


# -------------------------------------------- writes with a valid body, by every persona

ALL_404 = dict.fromkeys(SIGNED_IN, 404) | {"anonymous": 401}
OFFICE_A = ("superuser", "county", "town", "xd_worker")
GRID_101 = ("area_leader", "group_leader", "leader_a")


def _valid_writes(ids: dict) -> dict:
    """(url, body, the status each persona must get) for writes the empty-body matrix cannot
    tell apart (a 422 from the schema comes before the scope check)."""
    import datetime as dt

    from django.utils import timezone

    from linli.volunteers.models import ServiceRecord

    record = ServiceRecord.objects.select_related("shift").get(pk=ids["record"])
    later = (record.check_in + dt.timedelta(minutes=15)).isoformat()
    served_on = timezone.localtime(record.shift.start).date().isoformat()
    today = timezone.localdate().isoformat()
    return {
        # another volunteer's record: 404 like missing; 居民 A's own waits on his correction
        "correction": (
            f"/api/v1/volunteers/me/records/{ids['record']}/corrections",
            {"reason": "晚到", "check_in": later, "check_out": record.check_out.isoformat()},
            ALL_404 | {"resident_a": 409},
        ),
        # approving 邻长 A's hours: the office of 兴东 only (not 邻长 A himself, no organiser)
        "approve": (
            "/api/v1/volunteers/records/approve",
            {"record_ids": [ids["pending_record"]]},
            ALL_404 | dict.fromkeys(OFFICE_A, 200),
        ),
        # a certificate for 居民 A: 兴东's office (refused while his correction waits)
        "certificate": (
            "/api/v1/volunteers/certificates",
            {
                "volunteer_id": ids["volunteer_a"],
                "period_start": served_on,
                "period_end": served_on,
                "person_in_charge": "李主任",
                "handler": "王干事",
                "contact": "0734-5212345",
            },
            ALL_404 | dict.fromkeys(OFFICE_A, 409),
        ),
        # a care visit to 刘建国: his 三长 and 兴东's office; everyone else as missing
        "visit": (
            "/api/v1/care/visits",
            {"recipient_ids": [ids["recipient"]], "visited_on": today, "mode": "home"},
            ALL_404 | dict.fromkeys(OFFICE_A + GRID_101, 201),
        ),
        # pairing: the office; his 三长 see him but may not manage the registry (403)
        "pair": (
            f"/api/v1/care/recipients/{ids['recipient']}/pair",
            {"partner_user_id": None, "kind": ""},
            ALL_404 | dict.fromkeys(OFFICE_A, 200) | dict.fromkeys(GRID_101, 403),
        ),
        # voiding 101's payment: 兴东's desk (a void already waits: 409); 101's 三长 and 居民 A
        # see the payment but may not void it (403); everyone else as missing
        "void": (
            f"/api/v1/finance/payments/{ids['payment']}/void",
            {"reason": "错收到其他户"},
            ALL_404 | dict.fromkeys(OFFICE_A, 409) | dict.fromkeys((*GRID_101, "resident_a"), 403),
        ),
        # deciding that void: the desk sees it; the 兴东 worker asked for it (403, four eyes);
        # a void is the desk's only, so every other role gets 404
        "void_decide": (
            f"/api/v1/finance/payment-voids/{ids['void']}/decide",
            {"approve": False, "note": "核对无误，不予作废"},
            ALL_404 | dict.fromkeys(("superuser", "county", "town"), 200) | {"xd_worker": 403},
        ),
    }


@pytest.mark.parametrize(
    "name", ["correction", "approve", "certificate", "visit", "pair", "void", "void_decide"]
)
def test_valid_write(world, name):
    import json

    url, body, want = _valid_writes(world.ids)[name]
    got = {}
    for persona in PERSONAS:
        with transaction.atomic():
            response = world.clients[persona].post(
                url, json.dumps(body), content_type="application/json"
            )
            got[persona] = response.status_code
            transaction.set_rollback(True)
    assert got == want, url


# ------------------------------------------------------- what the civility routes show

CIVILITY_GETS = [k for k in GETS if "/civility/" in k]
# an objection (its reason) is the raiser's (居民 B) and the office's of the community
OBJECTION_SEEN_BY = {"superuser", "county", "town", "xd_worker", "resident_b"}


@pytest.mark.parametrize("key", CIVILITY_GETS)
def test_objections_only_to_the_raiser_and_the_office(world, key):
    """居民 B's objection to household 101's nomination: its reason on no page or answer of
    anyone but 居民 B and 兴东's office (not the nominee 居民 A, not the 三长, not 新塘)."""
    url = _url(key, ROUTES[key], world.ids)
    found = [
        persona
        for persona in PERSONAS
        if persona not in OBJECTION_SEEN_BY
        and "该户曾在楼道堆放杂物" in _text(world.clients[persona].get(url))
    ]
    assert found == [], f"{key} ({url})"
