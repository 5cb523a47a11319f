"""The cases' registered rules (``linli.cases.scopes``) against what the app has always
answered: the former hand-written ``case_q`` (kept here as the reference) for ``view``, and
``may_act`` on each loaded case for ``act``, for every persona."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from linli.accounts.models import Role
from linli.cases import selectors, services
from linli.cases.models import Case, CaseEvent, CasePhoto, DepartmentMember
from linli.core.policy import restrict

from ..factories import UserFactory, make_user
from .conftest import category


def reference_case_q(user):
    """``cases.selectors.case_q`` as it was before the policy (role dispatch by hand)."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    profile = getattr(user, "profile", None)
    own = Q(reporter=user)
    if profile is None:
        return own
    role = profile.role
    region_roles = {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL, Role.COMMUNITY_WORKER}
    grid_roles = {Role.AREA_LEADER, Role.GROUP_LEADER, Role.NEIGHBOUR_LEADER}
    if role in region_roles and profile.region_id:
        return own | Q(community__path__startswith=profile.region.path)
    if role in grid_roles and profile.grid_id:
        path = profile.grid.path
        return own | Q(origin_grid__path__startswith=path) | Q(grid__path__startswith=path)
    if role == Role.DEPARTMENT_STAFF:
        ids = DepartmentMember.objects.filter(user=user).values("department_id")
        return own | Q(department_id__in=ids)
    if role == Role.RESIDENT and profile.household_id:
        return own | Q(household_id=profile.household_id)
    return own


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def _cases(world, report):
    """Cases at every level: with 邻长 A, 邻长 B, the community, a department, and one a
    department staff member reported for a compound the resident cannot see."""
    at_a = report()
    at_b = report(household="201", actor=world["leader_b"])
    up = report("flying_lead_charging", description="飞线充电")
    up = services.case_accept(actor=world["leader_a"], case=up)
    for who in ("leader_a", "group_leader", "area_leader"):
        up = services.case_escalate(actor=world[who], case=up, reason="上报")
    sent = report("flying_lead_charging", description="楼道飞线")
    sent = services.case_accept(actor=world["leader_a"], case=sent)
    for who in ("leader_a", "group_leader", "area_leader"):
        sent = services.case_escalate(actor=world[who], case=sent, reason="上报")
    sent = services.case_dispatch(actor=world["worker"], case=sent, department=world["fire"])
    desk = services.case_report(
        actor=world["worker"],
        compound=world["households"]["101"].unit.building.compound,
        category=category("neighbour_dispute"),
        description="小区门口积水",
    )
    return [at_a, at_b, up, sent, desk]


def _people(world, regions):
    people = {
        k: world[k]
        for k in (
            "area_leader",
            "group_leader",
            "leader_a",
            "leader_b",
            "resident_a",
            "fire_staff",
            "urban_staff",
            "worker",
            "xt_worker",
        )
    }
    people["county"] = make_user("xian", Role.COUNTY_OFFICIAL, regions["county"], "县干部")
    people["norole"] = UserFactory(username="norole")
    people["root"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return people


def test_view_rule_agrees_with_the_former_case_filter(world, regions, report):
    cases = _cases(world, report)
    people = _people(world, regions)
    # a reporter whose profile lost its role still sees the case they reported
    Case.objects.filter(pk=cases[1].pk).update(reporter=people["norole"])
    for name, user in people.items():
        expected = reference_case_q(user)
        want = set() if expected is None else ids(Case.objects.filter(expected))
        assert ids(Case.objects.restrict(user)) == want, name
        assert ids(selectors.cases_for(user)) == want, name
        assert ids(CaseEvent.objects.restrict(user)) == ids(
            CaseEvent.objects.filter(case__in=want)
        ), name
    a, b = (ids(Case.objects.restrict(people[k])) for k in ("leader_a", "leader_b"))
    assert a and b and a != b
    assert ids(Case.objects.restrict(people["norole"])) == {cases[1].pk}
    for user in (None, AnonymousUser()):
        assert not Case.objects.restrict(user).exists()
        assert restrict(CasePhoto.objects.all(), user).query.is_empty()


def test_act_rule_agrees_with_may_act(world, regions, report):
    cases = _cases(world, report)
    for name, user in _people(world, regions).items():
        held = ids(Case.objects.restrict(user, "act"))
        for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
            assert (case.pk in held) == services.may_act(user, case), (name, case.pk)
