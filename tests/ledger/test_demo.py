"""The demo county: 9 communities, 107 compounds, 43 三无 at the survey, 兴东 1,786 households."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from linli.accounts.models import Role
from linli.demo import county, names
from linli.demo.build import build_county
from linli.demo.logins import DEMO_USERS
from linli.ledger.models import (
    Compound,
    Household,
    PropertyService,
    Region,
    RegionLevel,
    Resident,
)
from linli.ledger.selectors import sanwu_count_as_of
from linli.ledger.validation import age_on, normalise_phone, parse_id_number

SEED = 7
SCALE = 0.02  # other communities get 2 % of their households; 兴东 is always complete


# --- The plan, in memory: fast, no database ------------------------------------------------


@pytest.fixture(scope="module")
def plan():
    return county.plan_demo(seed=SEED, scale=SCALE)


def people(plans):
    return [p for c in plans for h in c.households for p in h.people]


def test_plan_has_the_article_numbers(plan):
    assert len(plan) == 107
    assert sum(c.sanwu for c in plan) == 43
    assert Counter(c.community for c in plan)["兴东社区"] == 11
    xingdong = [c for c in plan if c.community == "兴东社区"]
    assert sum(len(c.households) for c in xingdong) == 1786
    assert sum(c.facts["surveyed_households"] for c in xingdong) == 1786
    assert all(c.households for c in plan), "every compound has some households"
    assert len({(c.community, c.name) for c in plan}) == 107


def test_plan_is_reproducible_and_xingdong_does_not_depend_on_scale(plan):
    again = county.plan_demo(seed=SEED, scale=SCALE)
    assert [p.id_number for p in people(again)] == [p.id_number for p in people(plan)]
    assert [p.name for p in people(again)] == [p.name for p in people(plan)]
    other = county.plan_demo(seed=SEED, scale=0)
    xingdong = [p.id_number for c in other if c.community == "兴东社区" for p in people([c])]
    assert xingdong == [p.id_number for c in plan if c.community == "兴东社区" for p in people([c])]
    assert [p.id_number for p in people(county.plan_demo(seed=SEED + 1, scale=0))] != xingdong


def test_plan_people_are_valid_and_plausible(plan):
    everyone = people(plan)
    ids = [p.id_number for p in everyone]
    assert len(ids) == len(set(ids))
    ref = names.REFERENCE_DATE
    for person in everyone:
        info = parse_id_number(person.id_number, today=dt.date(2026, 7, 1))
        assert (info.sex, info.birth_date) == (person.sex, person.birth_date)
        assert person.id_number[:4] == "4304"  # 衡阳市, nearly all 衡东县 (430424)
        if person.phone:
            assert normalise_phone(person.phone) == person.phone
            assert age_on(person.birth_date, ref) >= 18
        if person.relation == "head" and person.residence == "resident":
            assert 25 <= age_on(person.birth_date, ref) <= 90
    assert sum(i.startswith("430424") for i in ids) / len(ids) > 0.9
    households = [h for c in plan for h in c.households]
    for h in households:
        assert 1 <= h.floor <= 7
        assert h.room == f"{h.floor}{h.room[-2:]}"
        assert h.area.as_tuple().exponent == -2
        assert 45 <= h.area <= 140
        assert h.people[0].relation == "head"
    occupied = [h for h in households if h.use in ("owner_occupied", "rented")]
    living = [p for h in occupied for p in h.people if p.residence != "registered_only"]
    assert 2.2 <= len(living) / len(occupied) <= 2.8
    adults = [p for p in everyone if age_on(p.birth_date, ref) >= 18]
    tags = Counter(t for p in everyone for t in p.tags)
    assert 0.06 <= tags["is_party_member"] / len(adults) <= 0.10
    for tag in ("is_disabled", "is_low_income", "is_veteran"):
        assert 0.01 <= tags[tag] / len(adults) <= 0.04, tag
    for tag in ("is_empty_nest", "lives_alone", "is_left_behind_child", "is_study_companion"):
        assert tags[tag] > 0, tag
    for h in households:  # a 留守儿童 lives with grandparents while the parents are away
        if any("is_left_behind_child" in p.tags for p in h.people):
            parents = [p for p in h.people if p.relation == "child"]
            assert parents and all(p.residence == "registered_only" for p in parents)


def test_families_share_the_surname(plan):
    for c in plan:
        for h in c.households:
            men = [p for p in h.people if p.relation in ("head", "spouse") and p.sex == "M"]
            for child in (p for p in h.people if p.relation == "child"):
                assert men and child.surname == men[0].surname


# --- Building it in the database ---------------------------------------------------------


def snapshot():
    return {
        "ids": sorted(Resident.objects.values_list("id_number", flat=True)),
        "names": sorted(Resident.objects.values_list("name", flat=True)),
        "compounds": sorted(Compound.objects.values_list("community__name", "name", "address")),
        "households": Household.objects.count(),
        "areas": sorted(Household.objects.values_list("area", flat=True)),
    }


@pytest.mark.django_db
def test_demo_builds_the_county_and_rebuilds_it_identically():
    out = StringIO()
    call_command("demo", "--seed", str(SEED), "--scale", str(SCALE), stdout=out)
    printed = out.getvalue()
    for text in ("http://127.0.0.1:8000/", "linli-admin", "兴东社区", "1786 户", "摸底时"):
        assert text in printed

    admin = get_user_model().objects.get(username="admin")
    town = Region.objects.get(code="430424100000")
    assert town.full_name() == "湖南省衡阳市衡东县洣水镇"
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY, path__startswith=town.path)
    assert communities.count() == 9
    assert sorted(communities.values_list("code", flat=True)) == [
        f"43042410000{i}" for i in range(1, 10)
    ]
    assert Compound.objects.filter(community__in=communities).count() == 107

    now = timezone.now()
    assert sanwu_count_as_of(actor=admin, when=names.SURVEY_AT) == 43
    today = sanwu_count_as_of(actor=admin, when=now)
    assert 0 < today < 43
    assert Compound.objects.sanwu().count() == today

    xingdong = Region.objects.get(name="兴东社区")
    xd_compounds = Compound.objects.filter(community=xingdong)
    assert xd_compounds.count() == 11
    assert Household.objects.filter(unit__building__compound__community=xingdong).count() == 1786
    assert sanwu_count_as_of(actor=admin, when=names.SURVEY_AT, region=xingdong) > 0
    assert sanwu_count_as_of(actor=admin, when=now, region=xingdong) == 0
    assert not xd_compounds.filter(property_service=PropertyService.NONE).exists()
    custody = Compound.history.filter(history_change_reason__contains="社区托管")
    assert custody.filter(history_date__year__gte=2024).exists()
    for community in communities:
        assert Household.objects.filter(unit__building__compound__community=community).exists()

    for r in Resident.objects.all():
        info = parse_id_number(r.id_number)
        assert (info.sex, info.birth_date) == (r.sex, r.birth_date)

    # the logins: each sees its own part of the county (a login form's request: django-axes
    # throttles logins per address and needs one)
    def login(username, password):
        return authenticate(RequestFactory().post("/login/"), username=username, password=password)

    logins = {u: p for u, p, *_ in DEMO_USERS}
    assert login("admin", "linli-admin").is_superuser
    roles = {
        "county": (Role.COUNTY_OFFICIAL, "衡东县"),
        "town": (Role.TOWN_OFFICIAL, "洣水镇"),
        "xingdong": (Role.COMMUNITY_WORKER, "兴东社区"),
    }
    for username, (role, region) in roles.items():
        user = login(username, logins[username])
        assert (user.profile.role, user.profile.region.name) == (role, region)
    assert (
        sanwu_count_as_of(
            actor=get_user_model().objects.get(username="county"), when=names.SURVEY_AT
        )
        == 43
    )
    resident = login("resident", logins["resident"])
    assert resident.profile.role == Role.RESIDENT and resident.profile.region is None
    assert resident.profile.household.unit.building.compound.community == xingdong

    first = snapshot()
    history_rows = Compound.history.count()
    build_county(seed=SEED, scale=SCALE)
    assert snapshot() == first
    assert Compound.history.count() == history_rows
    assert sanwu_count_as_of(actor=admin, when=names.SURVEY_AT) == 43
    assert sanwu_count_as_of(actor=admin, when=timezone.now()) == today
    assert get_user_model().objects.filter(username__in=logins).count() == 5


def test_serve_is_a_thin_runserver_wrapper(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "linli.core.management.commands.serve.call_command",
        lambda *args, **kwargs: calls.append((args, kwargs)),
    )
    out = StringIO()
    call_command("serve", stdout=out)
    call_command("serve", "--port", "8123", "--host", "0.0.0.0", stdout=out)
    assert calls == [
        (("runserver", "127.0.0.1:8000"), {"use_reloader": False}),
        (("runserver", "0.0.0.0:8123"), {"use_reloader": False}),
    ]
    assert "http://127.0.0.1:8000/" in out.getvalue()
