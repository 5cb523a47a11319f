"""The meetings' registered rule (``linli.meetings.scopes``) against the app's former
hand-written ``meeting_q`` (kept here as the reference), for every persona."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from linli.accounts.models import Role
from linli.cases.models import DepartmentMember
from linli.ledger.models import Compound, Region
from linli.meetings import selectors, services
from linli.meetings.models import Action, Attendee, Meeting

from ..factories import UserFactory
from .conftest import D0, record

REGION_ROLES = {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL, Role.COMMUNITY_WORKER}


def reference_meeting_q(user):
    """``meetings.selectors.meeting_q`` as it was before the policy."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    profile = getattr(user, "profile", None)
    role = profile.role if profile else None
    if role in REGION_ROLES:
        if not profile.region_id:
            return None
        path = profile.region.path
        return Q(region__in=Region.objects.filter(path__startswith=path)) | Q(
            compounds__in=Compound.objects.filter(community__path__startswith=path)
        )
    if role == Role.DEPARTMENT_STAFF:
        ids = DepartmentMember.objects.filter(user=user).values("department_id")
        return Q(attendees__department_id__in=ids) | Q(actions__department_id__in=ids)
    return None


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_meeting_rule_agrees_with_the_former_filter(world, meeting):
    town = services.meeting_create(
        actor=world["town_official"],
        region=world["regions"]["town"],
        held_on=D0,
        place="镇政府",
        compounds=[world["other_compound"]],
    )
    xintang = services.meeting_create(
        actor=world["xt_worker"], region=world["regions"]["xintang"], held_on=D0, place="新塘"
    )
    services.attendee_add(
        actor=world["xt_worker"],
        meeting=xintang,
        party="county_department",
        name="王工",
        department=world["fire"],
    )
    record(
        meeting,
        world["worker"],
        deadline=D0,
        party="county_department",
        department=world["housing"],
    )
    assert town.pk and xintang.pk
    people = {
        k: world[k]
        for k in (
            "worker",
            "xt_worker",
            "county",
            "town_official",
            "housing_staff",
            "fire_staff",
            "leader_a",
            "resident_a",
        )
    }
    people["root"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    people["norole"] = UserFactory(username="norole")
    seen = {}
    for name, user in people.items():
        expected = reference_meeting_q(user)
        want = set() if expected is None else ids(Meeting.objects.filter(expected))
        seen[name] = want
        assert ids(Meeting.objects.restrict(user)) == want, name
        assert ids(selectors.meetings_for(user)) == want, name
        assert ids(Action.objects.restrict(user)) == ids(Action.objects.filter(meeting__in=want)), (
            name
        )
        assert ids(Attendee.objects.restrict(user)) == ids(
            Attendee.objects.filter(meeting__in=want)
        ), name
    assert seen["housing_staff"] == {meeting.pk} and seen["fire_staff"] == {xintang.pk}
    assert seen["xt_worker"] == {xintang.pk, town.pk} and not seen["leader_a"]
    for user in (None, AnonymousUser()):
        assert not Meeting.objects.restrict(user).exists()
