"""The one scoping policy: who may see which rows, and who may do what.

Two questions, answered here and nowhere else:

- **Which rows?** ``restrict(queryset, user, action)`` — NetBox's ``RestrictedQuerySet`` shape:
  it always returns a queryset, ``none()`` when nothing is allowed. Each app declares, in its
  ``AppConfig.ready()`` (its ``scopes.py``), how its models reach a household, a compound, a
  region or a grid cell (``register(Model, via_household("household"))``); lists, details,
  counts and exports all start from ``restrict``, so no total leaks what a list hides.
- **Which actions?** ``can(user, capability)`` over one table, ``CAPABILITIES``; the navigation
  and every page's access read the same table.

The filters always join on *the requesting user's own* place — never on "any leader of the
place". Out of scope is answered as missing (``get_or_404``), so a response never tells which.

| role | households | compounds | sensitive tags | may unmask |
|---|---|---|---|---|
| 县/镇干部, 社区工作人员 | region subtree | region subtree | yes | ID and phone (logged) |
| 部门工作人员 | none | region subtree | no | nothing |
| 片长/组长/邻长 | their grid subtree | compounds of those households | yes | phone (logged) |
| 业委会成员 | their compound | their compound | no | nothing |
| 居民 | their own household | their compound | no | nothing |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from .errors import NotFound
from .roles import GRID_ROLES, OFFICE_ROLES, REGION_ROLES, RESIDENT_ROLES, Role

# --- the actor -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """What the policy needs to know of a user: the role and the place it holds."""

    role: Role | None
    region_id: int | None = None
    grid_id: int | None = None
    compound_id: int | None = None
    household_id: int | None = None
    #: the user behind the actor (rows one made oneself, e.g. cases one reported, a care
    #: pairing 结对; one's department memberships); None for the anonymous
    user_id: int | None = None
    profile: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def region_path(self) -> str:
        """The materialised path of the actor's region, read only when a filter needs it."""
        return self.profile.region.path if self.region_id and self.profile else ""

    @cached_property
    def grid_path(self) -> str:
        return self.profile.grid.path if self.grid_id and self.profile else ""

    @property
    def is_superuser(self) -> bool:
        return self.role == Role.SUPERUSER

    @property
    def in_region(self) -> bool:
        """An official or community worker with a region."""
        return self.role in REGION_ROLES and self.region_id is not None

    @property
    def in_office(self) -> bool:
        """An official, a worker or department staff with a region (the back office)."""
        return self.role in OFFICE_ROLES and self.region_id is not None

    @property
    def in_grid(self) -> bool:
        """A 片长, 组长 or 邻长 with a grid cell."""
        return self.role in GRID_ROLES and self.grid_id is not None


NOBODY = Actor(role=None)


def actor_of(user: Any) -> Actor:
    """The actor behind a Django user (anonymous: ``NOBODY``; no profile or role: no role and
    no place, only the user id, which reaches nothing but rows of their own)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    if user.is_superuser:
        return Actor(role=Role.SUPERUSER, user_id=user.pk)
    profile = getattr(user, "profile", None)
    if profile is None or not profile.role:
        return Actor(role=None, user_id=user.pk)  # no role, no place: only rows of one's own
    return Actor(
        role=Role(profile.role),
        user_id=user.pk,
        region_id=profile.region_id,
        grid_id=profile.grid_id,
        compound_id=profile.compound_id,
        household_id=profile.household_id,
        profile=profile,
    )


def role_of(user: Any) -> Role | None:
    return actor_of(user).role


# --- anchors: how a row reaches the places an actor holds ---------------------------------

Filter = Q | None  # None: nothing at all (never an empty Q, which would mean everything)


def _p(prefix: str) -> str:
    return f"{prefix}__" if prefix else ""


def household_q(actor: Actor, prefix: str = "") -> Filter:
    """Households (``prefix`` leads from the scoped model to a ``ledger.Household``)."""
    p = _p(prefix)
    if actor.is_superuser:
        return Q()
    if actor.in_region:
        return Q(**{f"{p}unit__building__compound__community__path__startswith": actor.region_path})
    if actor.in_grid:
        return Q(
            **{
                f"{p}grid_memberships__end__isnull": True,
                f"{p}grid_memberships__neighbour__path__startswith": actor.grid_path,
            }
        )
    if actor.role == Role.COMMITTEE_MEMBER and actor.compound_id:
        return Q(**{f"{p}unit__building__compound_id": actor.compound_id})
    if actor.role == Role.RESIDENT and actor.household_id:
        return Q(**{f"{p}pk": actor.household_id})
    return None


def compound_q(actor: Actor, prefix: str = "") -> Filter:
    """Compounds: the office's region, the committee's compound, else those of one's households."""
    p = _p(prefix)
    if actor.is_superuser:
        return Q()
    if actor.in_office:
        return Q(**{f"{p}community__path__startswith": actor.region_path})
    if actor.role == Role.COMMITTEE_MEMBER and actor.compound_id:
        return Q(**{f"{p}pk": actor.compound_id})
    households = household_q(actor)
    if households is None:
        return None
    household = apps.get_model("ledger", "Household")
    ids = household.objects.filter(households).values("unit__building__compound_id")
    return Q(**{f"{p}pk__in": ids})


def region_q(actor: Actor, prefix: str = "") -> Filter:
    """Regions: the office's subtree, else the communities of the compounds one sees."""
    p = _p(prefix)
    if actor.is_superuser:
        return Q()
    if actor.in_office:
        return Q(**{f"{p}path__startswith": actor.region_path})
    compounds = compound_q(actor)
    if compounds is None:
        return None
    compound = apps.get_model("ledger", "Compound")
    return Q(**{f"{p}pk__in": compound.objects.filter(compounds).values("community_id")})


def grid_q(actor: Actor, prefix: str = "") -> Filter:
    """Grid cells: the region roles' grids of their region, the 三长's own subtree."""
    p = _p(prefix)
    if actor.is_superuser:
        return Q()
    if actor.in_region:
        return Q(**{f"{p}community__path__startswith": actor.region_path})
    if actor.in_grid:
        return Q(**{f"{p}path__startswith": actor.grid_path})
    return None


# --- the registry: how each scoped model reaches an anchor --------------------------------

Rule = Callable[[Actor, str], Filter]
_RULES: dict[type[models.Model], Rule] = {}


def via_household(path: str = "") -> Rule:
    return lambda actor, action: household_q(actor, path)


def via_compound(path: str = "") -> Rule:
    return lambda actor, action: compound_q(actor, path)


def via_region(path: str = "") -> Rule:
    return lambda actor, action: region_q(actor, path)


def via_grid(path: str = "") -> Rule:
    return lambda actor, action: grid_q(actor, path)


def any_of(*rules: Rule) -> Rule:
    """Rows that any of ``rules`` allows (e.g. a case by its household *or* its compound)."""

    def rule(actor: Actor, action: str) -> Filter:
        allowed = [q for q in (r(actor, action) for r in rules) if q is not None]
        if not allowed:
            return None
        combined = allowed[0]
        for q in allowed[1:]:
            combined |= q
        return combined

    return rule


def register(model: type[models.Model], rule: Rule) -> None:
    """Declare how ``model``'s rows reach a place (call from the app's ``AppConfig.ready``)."""
    _RULES[model] = rule


def registered() -> dict[type[models.Model], Rule]:
    return dict(_RULES)


def rule_for(model: type[models.Model]) -> Rule:
    for klass in model.__mro__:
        if klass in _RULES:
            return _RULES[klass]
    raise LookupError(f"{model.__name__} has no scope: register it in its app's scopes.py")


def restrict(queryset: models.QuerySet, user: Any, action: str = "view") -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may ``action``; ``none()`` when none."""
    q = rule_for(queryset.model)(actor_of(user), action)
    return queryset.none() if q is None else queryset.filter(q)


def get_or_404(queryset: models.QuerySet, user: Any, action: str = "view", **lookup: Any):
    """One row in scope, or ``NotFound`` — the same answer for missing and out of scope."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows its scope: ``Model.objects.restrict(user)``."""

    def restrict(self, user: Any, action: str = "view") -> models.QuerySet:
        return restrict(self, user, action)


# --- capabilities: who may do what ---------------------------------------------------------


class Capability(StrEnum):
    LEDGER_VIEW = "ledger.view"  # the 台账 pages (lists of compounds and households)
    LEDGER_EDIT = "ledger.edit"  # import, create and change ledger rows in one's region
    SEE_TAGS = "ledger.see_tags"  # vulnerable-person tags (独居, 留守, 残疾, 低保 …)
    UNMASK_ID_NUMBER = "personal.unmask_id_number"  # full ID numbers, each view logged
    UNMASK_PHONE = "personal.unmask_phone"  # full phones, each view logged
    READ_ACCESS_LOG = "core.access_log"
    GRID_WORK = "grid.work"  # 片组邻 pages, visits
    CASES_BOARD = "cases.board"  # the office's case board
    CASES_INBOX = "cases.inbox"  # the 三长's inbox
    CASES_DEPARTMENT = "cases.department"  # cases dispatched to one's department
    CASES_REPORT_OWN = "cases.report_own"  # a resident reports and follows their own
    SELFGOV_MANAGE = "selfgov.manage"  # votes, rolls, committee terms
    SELFGOV_VOTE = "selfgov.vote"
    FINANCE_DESK = "finance.desk"  # bills, payments, reductions
    FINANCE_ARREARS = "finance.arrears"  # the 三长's list of who owes
    FINANCE_OWN = "finance.own"  # one's own bills
    COMMONS_VIEW = "commons.view"  # public accounts and their 公示
    MEETINGS = "meetings.view"  # 五方联席会
    MY_HOUSEHOLD = "ledger.my_household"
    LEDGER_CREATE_REGION = "ledger.create_region"  # add towns and communities to the tree
    VOLUNTEERS_MANAGE = "volunteers.manage"  # teams, activities, rolls, approvals, certificates
    VOLUNTEERS_OWN = "volunteers.own"  # one's own volunteer pages (sign up, check in, hours)
    CARE_VIEW = "care.view"  # care categories and tiers (PIPL art. 28 sensitive), views logged
    CARE_MANAGE = "care.manage"  # the registry: register, override tiers, pair, declare events
    CARE_VISIT = "care.visit"  # record care visits (a paired resident sees only their pairs)
    # commons
    COMMONS_OVERSEE = "commons.oversee"  # every account of one's region, drafts; opens accounts
    COMMONS_ENTER = "commons.enter"  # enter entries and vouchers (one's region or compound)
    COMMONS_APPROVE = "commons.approve"  # approve entries, publish notices: one's own compound
    # selfgov
    SELFGOV_COMMITTEE = "selfgov.committee"  # a committee runs its own compound's votes, drafts
    SELFGOV_ACT_AS_OWNER = "selfgov.act_as_owner"  # a resident acts for their household's owner
    # party
    PARTY_EDIT = "party.edit"  # organisations, members, theme days of one's region
    # cases
    CASES_MANAGE = "cases.manage"  # act on any case of one's region, record 回访, staff departments
    CASES_REPORT_FOR = "cases.report_for"  # report for a household of one's own list (三长, desk)
    CASES_MEASURES = "cases.measures"  # 办理指标 pages (响应率, 解决率, 满意率)
    CASES_CALENDAR = "cases.calendar"  # maintain the working calendar (调休, holidays)
    CASES_ISSUE_KEYS = "cases.issue_keys"  # issue and revoke Open311 API keys
    # meetings
    MEETINGS_MANAGE = "meetings.manage"  # convene and run 五方联席会 of one's region
    # grid
    GRID_MANAGE = "grid.manage"  # a community's grid: tree, plan, cells, posts, 网格体检
    GRID_LEAD = "grid.lead"  # a 三长's own cell: my households, the roll-up of the 邻 below
    # civility
    CIVILITY_MANAGE = "civility.manage"  # campaigns, 公示, objections decided, awards given
    CIVILITY_SCORE = "civility.score"  # the 组长/片长 score nominations of their cells
    CIVILITY_TAKE_PART = "civility.take_part"  # nominate, vote (a household), object in 公示
    # infra
    INFRA_VIEW = "infra.view"  # the plan (一小区一对策) of the compounds one sees
    INFRA_MANAGE = "infra.manage"  # plans, problems, money, stages, acceptance of one's region
    # jobs
    JOBS_STATION = "jobs.station"  # the 就业驿站: seekers, matching, the pipeline, courses, figures
    JOBS_POST = (
        "jobs.post"  # post jobs for an employer one is an account of (the place: Employer.staff)
    )
    JOBS_SEEK = "jobs.seek"  # one's own applications and courses (the seeker's phone page)
    # services
    SERVICES_EDIT = "services.edit"  # service points, items and hours of one's region
    SERVICES_FIND = "services.find"  # 就近办 in the menu (the catalogue itself is public)


_OFFICE = OFFICE_ROLES
_REGION = REGION_ROLES
_GRID = GRID_ROLES
_HOME = RESIDENT_ROLES
_SUPER = frozenset({Role.SUPERUSER})

CAPABILITIES: dict[Capability, frozenset[Role]] = {
    Capability.LEDGER_VIEW: _SUPER | _OFFICE,
    Capability.LEDGER_EDIT: _SUPER | _REGION,
    Capability.SEE_TAGS: _SUPER | _REGION | _GRID,
    Capability.UNMASK_ID_NUMBER: _SUPER | _REGION,
    Capability.UNMASK_PHONE: _SUPER | _REGION | _GRID,
    Capability.READ_ACCESS_LOG: _SUPER | {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL},
    Capability.GRID_WORK: _SUPER | _REGION | _GRID,
    Capability.CASES_BOARD: _SUPER | _REGION,
    Capability.CASES_INBOX: _GRID,
    Capability.CASES_DEPARTMENT: frozenset({Role.DEPARTMENT_STAFF}),
    Capability.CASES_REPORT_OWN: _HOME,
    Capability.SELFGOV_MANAGE: _SUPER | _REGION,
    Capability.SELFGOV_VOTE: _HOME,
    Capability.FINANCE_DESK: _SUPER | _REGION,
    Capability.FINANCE_ARREARS: _GRID,
    Capability.FINANCE_OWN: _HOME,
    Capability.COMMONS_VIEW: _SUPER | _REGION | _HOME,
    Capability.MEETINGS: _SUPER | _OFFICE,
    Capability.MY_HOUSEHOLD: frozenset({Role.RESIDENT}),
    Capability.LEDGER_CREATE_REGION: _SUPER | {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL},
    Capability.VOLUNTEERS_MANAGE: _SUPER | _REGION,
    Capability.VOLUNTEERS_OWN: _HOME | _GRID | _REGION,
    Capability.CARE_VIEW: _SUPER | _REGION | _GRID,
    Capability.CARE_MANAGE: _SUPER | _REGION,
    Capability.CARE_VISIT: _SUPER | _REGION | _GRID | _HOME,
    # commons
    Capability.COMMONS_OVERSEE: _SUPER | _REGION,
    Capability.COMMONS_ENTER: frozenset({Role.COMMUNITY_WORKER, Role.COMMITTEE_MEMBER}),
    Capability.COMMONS_APPROVE: frozenset({Role.COMMITTEE_MEMBER}),
    # selfgov
    Capability.SELFGOV_COMMITTEE: frozenset({Role.COMMITTEE_MEMBER}),
    Capability.SELFGOV_ACT_AS_OWNER: frozenset({Role.RESIDENT}),
    # party
    Capability.PARTY_EDIT: _SUPER | _REGION,
    # cases
    Capability.CASES_MANAGE: _SUPER | _REGION,
    Capability.CASES_REPORT_FOR: _SUPER | _REGION | _GRID,
    Capability.CASES_MEASURES: _SUPER | _OFFICE | _GRID,
    Capability.CASES_CALENDAR: _SUPER | {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL},
    Capability.CASES_ISSUE_KEYS: _SUPER | _REGION,
    # meetings
    Capability.MEETINGS_MANAGE: _SUPER | _REGION,
    # grid
    Capability.GRID_MANAGE: _SUPER | _REGION,
    Capability.GRID_LEAD: _GRID,
    # civility
    Capability.CIVILITY_MANAGE: _SUPER | _REGION,
    Capability.CIVILITY_SCORE: frozenset({Role.GROUP_LEADER, Role.AREA_LEADER}),
    Capability.CIVILITY_TAKE_PART: _HOME | _GRID,
    # infra
    Capability.INFRA_VIEW: _SUPER | _OFFICE | _GRID | _HOME,
    Capability.INFRA_MANAGE: _SUPER | _REGION,
    # jobs
    Capability.JOBS_STATION: _SUPER | _REGION,
    Capability.JOBS_POST: _SUPER | _REGION | _GRID | _HOME,
    Capability.JOBS_SEEK: _HOME | _GRID,
    # services (reading the catalogue is public: no capability)
    Capability.SERVICES_EDIT: _SUPER | _REGION,
    Capability.SERVICES_FIND: _HOME,
}


def roles_with(capability: Capability) -> frozenset[Role]:
    return CAPABILITIES[capability]


def can(user: Any, capability: Capability) -> bool:
    """Whether ``user``'s role carries ``capability`` (the place is checked by ``restrict``)."""
    role = actor_of(user).role
    return role is not None and role in CAPABILITIES[capability]


def readable_or_404(user: Any, capability: Capability, message: str | None = None) -> None:
    """A read the role does not have answers like a missing object (``NotFound``, the body of
    :func:`get_or_404`): what a role may not read is out of its scope. ``Forbidden`` (403) is
    for an object the user sees but may not change (docs/roles-and-scoping.md)."""
    if not can(user, capability):
        raise NotFound(message) if message else NotFound()


UNMASK = {"id_number": Capability.UNMASK_ID_NUMBER, "phone": Capability.UNMASK_PHONE}


def may_unmask(user: Any, field: str) -> bool:
    """Whether ``user``'s duty lets them see ``field`` (``id_number``, ``phone``) in full."""
    return field in UNMASK and can(user, UNMASK[field])
