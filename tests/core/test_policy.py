"""The one scoping policy (``linli.core.policy``): rows through ``restrict``, actions through
``can``. Checked against the personas of the grid world and against what the ledger's and the
grid's selectors have always answered."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from linli.core import policy
from linli.core.policy import Capability, can, restrict
from linli.core.roles import Role
from linli.grid.models import Grid, Membership, Visit
from linli.ledger import selectors
from linli.ledger.models import Building, Compound, Household, Region, Resident, Unit

from ..factories import UserFactory, make_user

SCOPED = [Region, Compound, Building, Unit, Household, Resident, Grid, Membership, Visit]


def personas(grid_world, county_official, xingdong_worker, xintang_worker, compound):
    committee = make_user("yeweihui", Role.COMMITTEE_MEMBER, None, "业委会")
    committee.profile.compound = compound
    committee.profile.save()
    staff = make_user("bumen", Role.DEPARTMENT_STAFF, grid_world["community"], "部门")
    people = {
        "county": county_official,
        "xingdong": xingdong_worker,
        "xintang": xintang_worker,
        "committee": committee,
        "staff": staff,
    }
    for key in ("area_leader", "group_leader", "leader_a", "leader_b", "resident_a"):
        people[key] = grid_world[key]
    return people


@pytest.fixture
def people(grid_world, county_official, xingdong_worker, xintang_worker, compound):
    return personas(grid_world, county_official, xingdong_worker, xintang_worker, compound)


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_nobody_sees_anything(grid_world, model):
    profileless = UserFactory(username="nobody")
    for user in (None, AnonymousUser(), profileless):
        assert not restrict(model.objects.all(), user).exists()
        assert restrict(model.objects.all(), user).query.is_empty()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_superuser_sees_everything(grid_world, model):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert restrict(model.objects.all(), root).count() == model.objects.count()


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_restrict_agrees_with_the_ledger_selectors(people):
    for name, user in people.items():
        assert ids(Household.objects.restrict(user)) == ids(selectors.households_for(user)), name
        assert ids(Resident.objects.restrict(user)) == ids(selectors.residents_for(user)), name
        assert ids(Compound.objects.restrict(user)) == ids(selectors.compounds_for(user)), name


def test_each_persona_sees_its_own_place(people, grid_world, compound, other_compound):
    h = grid_world["households"]
    leader_a = ids(Household.objects.restrict(people["leader_a"]))
    assert leader_a == {h["101"].pk, h["102"].pk}
    assert ids(Household.objects.restrict(people["resident_a"])) == {h["101"].pk}
    assert ids(Compound.objects.restrict(people["committee"])) == {compound.pk}
    assert not Household.objects.restrict(people["staff"]).exists()
    assert ids(Compound.objects.restrict(people["staff"])) == {compound.pk}
    assert ids(Compound.objects.restrict(people["xintang"])) == {other_compound.pk}
    area = ids(Grid.objects.restrict(people["area_leader"]))
    assert grid_world["n_a"].pk in area and grid_world["n_b"].pk in area
    assert ids(Grid.objects.restrict(people["leader_b"])) == {grid_world["n_b"].pk}
    assert not Grid.objects.restrict(people["committee"]).exists()


def test_get_or_404_answers_missing_and_out_of_scope_alike(people, grid_world):
    from linli.core.errors import NotFound

    theirs = grid_world["households"]["201"]
    for pk in (theirs.pk, 10**9, 2**63, "x"):
        with pytest.raises(NotFound) as caught:
            policy.get_or_404(Household.objects.all(), people["leader_a"], pk=pk)
        assert (caught.value.status, caught.value.code) == (404, "not_found")
    mine = grid_world["households"]["101"]
    assert policy.get_or_404(Household.objects.all(), people["leader_a"], pk=mine.pk) == mine


def test_an_unregistered_model_is_refused_not_shown(db):
    from linli.core.models import AccessLog

    with pytest.raises(LookupError, match=r"scopes\.py"):
        restrict(AccessLog.objects.all(), None)


def test_any_of_never_widens_nothing_into_everything(people):
    rule = policy.any_of(lambda a, _: None, lambda a, _: None)
    assert rule(policy.actor_of(people["resident_a"]), "view") is None
    rule = policy.any_of(lambda a, _: None, lambda a, _: Q(pk=1))
    assert rule(policy.actor_of(people["resident_a"]), "view") == Q(pk=1)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("county", {"ledger.view", "ledger.edit", "ledger.see_tags", "core.access_log"}),
        ("xingdong", {"ledger.view", "ledger.edit", "ledger.see_tags", "grid.work"}),
        ("staff", {"ledger.view", "cases.department", "meetings.view"}),
        ("leader_a", {"grid.work", "cases.inbox", "finance.arrears", "personal.unmask_phone"}),
        ("committee", {"cases.report_own", "selfgov.vote", "finance.own", "commons.view"}),
        ("resident_a", {"ledger.my_household", "finance.own", "selfgov.vote"}),
    ],
)
def test_capabilities_by_role(people, persona, allowed):
    granted = {c.value for c in Capability if can(people[persona], c)}
    assert allowed <= granted, granted
    if persona in ("staff", "leader_a", "committee", "resident_a"):
        assert not can(people[persona], Capability.UNMASK_ID_NUMBER)
        assert not can(people[persona], Capability.LEDGER_EDIT)
    if persona in ("staff", "committee", "resident_a"):
        assert not can(people[persona], Capability.SEE_TAGS)


def test_the_menu_is_the_capability_table(people, rf):
    from linli.core.context_processors import navigation

    def menu(user):
        request = rf.get("/")
        request.user = user
        return [label for label, _ in navigation(request)["nav"]]

    assert menu(people["resident_a"]) == [
        "反映问题",
        "投票",
        "缴费",
        "公共收益",
        "志愿服务",
        "评选",
        "就近办",
        "我家",
    ]
    assert menu(people["leader_a"]) == ["网格", "诉求", "欠费", "志愿服务", "评选"]
    assert menu(people["staff"]) == ["派遣件", "联席会", "台账"]
    assert "导入" in menu(people["xingdong"]) and "访问日志" not in menu(people["xingdong"])
    assert "访问日志" in menu(people["county"])
    assert "评选表彰" in menu(people["xingdong"]) and "评分" not in menu(people["xingdong"])
    assert "便民服务" in menu(people["xingdong"]) and "就近办" not in menu(people["leader_a"])


def test_restrict_agrees_with_the_grid_selectors(people, grid_world):
    from linli.grid import selectors as grid_selectors

    community = grid_world["community"]
    for name, user in people.items():
        actor = policy.actor_of(user)
        cells = policy.grid_q(actor)
        want = set() if cells is None else ids(Grid.objects.current().filter(cells))
        assert ids(grid_selectors.grids_for(user)) == want, name
        households = ids(selectors.households_for(user))
        assert ids(grid_selectors.my_households(actor=user)) == households, name
        loose = grid_selectors.households_without_neighbour(actor=user, community=community)
        assert ids(loose) <= households, name
        visits = ids(Visit.objects.filter(household__in=households))
        assert ids(Visit.objects.restrict(user)) == visits, name
    assert ids(grid_selectors.grids_for(people["leader_b"])) == {grid_world["n_b"].pk}
    assert not grid_selectors.grids_for(people["staff"]).exists()
