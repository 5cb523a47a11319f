import datetime as dt

import pytest
from django.urls import reverse

from linli.core.errors import DomainError
from linli.party import services
from linli.party.models import OrgKind


@pytest.fixture
def tree(grid_world, compound):
    community = grid_world["community"]
    top = services.organisation_create(
        community=community, kind=OrgKind.GENERAL_BRANCH, name="兴东社区党总支"
    )
    joint = services.organisation_create(
        community=community,
        kind=OrgKind.JOINT_BRANCH,
        name="第一联建党支部",
        parent=top,
        grid=grid_world["area"],
    )
    group = services.organisation_create(
        community=community,
        kind=OrgKind.SMALL_GROUP,
        name="粮站宿舍党小组",
        parent=joint,
        compound=compound,
    )
    unit = services.co_building_unit_add(organisation=joint, name="县粮食局", kind="department")
    return {"top": top, "joint": joint, "group": group, "unit": unit}


def test_three_levels_and_rules(tree, grid_world):
    assert tree["group"].path.startswith(tree["joint"].path)
    with pytest.raises(DomainError, match="不能设在"):
        services.organisation_create(
            community=grid_world["community"],
            kind=OrgKind.JOINT_BRANCH,
            name="x",
            parent=tree["group"],
        )
    with pytest.raises(DomainError, match="联建单位只能"):
        services.co_building_unit_add(organisation=tree["group"], name="x", kind="school")


def test_member_from_a_resident_gets_the_tag_and_only_once(tree, grid_world):
    resident = grid_world["residents"]["b"]
    member = services.member_add(
        organisation=tree["group"],
        resident=resident,
        contact_households=[grid_world["households"]["101"]],
    )
    resident.refresh_from_db()
    assert resident.is_party_member and member.shows_identity
    assert list(member.contact_households.all()) == [grid_world["households"]["101"]]
    with pytest.raises(DomainError, match="已在其他党组织"):
        services.member_add(organisation=tree["joint"], resident=resident)


def test_member_of_a_co_building_unit(tree):
    m = services.member_add(organisation=tree["joint"], name="李局长", unit=tree["unit"])
    assert m.resident is None and m.unit.name == "县粮食局"


def test_theme_day_once_a_month(tree, grid_world):
    m = services.member_add(organisation=tree["joint"], name="李局长", unit=tree["unit"])
    day = services.theme_day_record(
        organisation=tree["joint"],
        month=dt.date(2026, 10, 15),
        lesson="学习民法典物业篇",
        practice="清理楼道杂物",
        area=grid_world["area"],
        attendees=[m],
    )
    assert day.month == dt.date(2026, 10, 1) and day.attendance == 1
    with pytest.raises(DomainError, match="已记录"):
        services.theme_day_record(
            organisation=tree["joint"], month=dt.date(2026, 10, 2), lesson="x", practice="y"
        )


def test_tree_page_is_scoped(client, tree, xingdong_worker, xintang_worker):
    url = reverse("party:tree", args=[tree["top"].community_id])
    client.force_login(xingdong_worker)
    body = client.get(url).content.decode()
    assert "第一联建党支部" in body and "县粮食局" in body
    client.force_login(xintang_worker)
    assert client.get(url).status_code == 404


def test_restrict_agrees_with_the_party_selectors(
    tree, grid_world, xingdong_worker, xintang_worker
):
    from linli.core.policy import restrict
    from linli.ledger.models import Region
    from linli.party import selectors
    from linli.party.models import CoBuildingUnit, Organisation

    services.member_add(organisation=tree["joint"], name="张三", unit=tree["unit"])
    people = [xingdong_worker, xintang_worker, None] + [
        grid_world[k] for k in ("area_leader", "leader_a", "leader_b", "resident_a")
    ]
    for user in people:
        communities = Region.objects.restrict(user)
        expected = Organisation.objects.filter(community__in=communities)
        assert set(selectors.organisations_for(user)) == set(expected)
        assert set(restrict(CoBuildingUnit.objects.all(), user)) == set(
            CoBuildingUnit.objects.filter(organisation__in=expected)
        )
    assert selectors.organisations_for(xingdong_worker).count() == 3
    assert not selectors.organisations_for(xintang_worker).exists()
    assert selectors.organisations_for(grid_world["leader_a"]).count() == 3


def test_the_services_check_the_actor(tree, grid_world, xingdong_worker, xintang_worker):
    from django.contrib.auth.models import AnonymousUser

    from linli.core.errors import Forbidden, NotFound

    community = grid_world["community"]
    with pytest.raises(NotFound):
        services.organisation_create(
            actor=xintang_worker, community=community, kind=OrgKind.BRANCH, name="x"
        )
    with pytest.raises(Forbidden):
        services.co_building_unit_add(
            actor=grid_world["leader_a"], organisation=tree["joint"], name="x", kind="school"
        )
    with pytest.raises(NotFound):
        services.member_add(actor=AnonymousUser(), organisation=tree["top"], name="x")
    org = services.organisation_create(
        actor=xingdong_worker, community=community, kind=OrgKind.BRANCH, name="第二党支部"
    )
    assert org.parent is None and org.community == community
