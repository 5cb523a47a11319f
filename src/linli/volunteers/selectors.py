"""Reads of volunteer service. Lists start from ``Model.objects.restrict(user)``; a volunteer's
own pages start from ``my_volunteer(user)`` (their account), the organiser's from the
activities they organise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linli.core.errors import NotFound
from linli.core.policy import Capability, can, get_or_404

from .models import (
    Activity,
    Certificate,
    Correction,
    CorrectionStatus,
    PointEntry,
    RecordStatus,
    RewardItem,
    ServiceRecord,
    Shift,
    Volunteer,
    minutes_to_hours,
)
from .services import star_level


def my_volunteer(user) -> Volunteer | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("community").filter(user=user).first()


def approved_minutes(volunteer: Volunteer) -> int:
    return (
        volunteer.records.filter(status=RecordStatus.APPROVED).aggregate(m=Sum("minutes"))["m"] or 0
    )


def summary(volunteer: Volunteer) -> dict:
    """Cumulative approved hours, stars, points and what waits (the volunteer's own card)."""
    minutes = approved_minutes(volunteer)
    hours = minutes_to_hours(minutes)
    waiting = volunteer.records.filter(
        status__in=(RecordStatus.CHECKED_IN, RecordStatus.PENDING)
    ).count()
    return {
        "volunteer": volunteer,
        "minutes": minutes,
        "hours": hours,
        "stars": star_level(hours),
        "points": PointEntry.objects.filter(volunteer=volunteer).aggregate(t=Sum("points"))["t"]
        or 0,
        "waiting": waiting,
    }


def upcoming_shifts(*, user, now: dt.datetime | None = None) -> QuerySet[Shift]:
    """Shifts of the activities the user sees that have not ended and are not cancelled."""
    now = now or timezone.now()
    return (
        Shift.objects.restrict(user)
        .filter(end__gt=now, cancelled=False)
        .select_related("activity")
        .annotate(
            taken=Count(
                "signups", filter=Q(signups__status__in=("signed_up", "confirmed")), distinct=True
            )
        )
        .order_by("start")
    )


def organised_activities(user) -> QuerySet[Activity]:
    """What the user organises: as named organiser, or (the office) every activity in scope."""
    if can(user, Capability.VOLUNTEERS_MANAGE):
        return Activity.objects.restrict(user)
    return Activity.objects.filter(organiser=user)


def activity_for_organiser(*, user, pk: int) -> Activity:
    """One activity the user may organise; any other is 404 (as missing)."""
    try:
        return organised_activities(user).select_related("community", "team").get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def shift_for_organiser(*, user, pk: int) -> Shift:
    activities = organised_activities(user)
    try:
        return Shift.objects.select_related("activity").get(pk=pk, activity__in=activities)
    except (Shift.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def pending_for_organiser(user) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(
            status=RecordStatus.PENDING, shift__activity__in=organised_activities(user)
        )
        .exclude(volunteer__user=user)
        .select_related("volunteer", "shift__activity")
        .order_by("shift__start", "volunteer__number")
    )


def corrections_for_organiser(user) -> QuerySet[Correction]:
    return (
        Correction.objects.filter(
            status=CorrectionStatus.PENDING, record__shift__activity__in=organised_activities(user)
        )
        .exclude(record__volunteer__user=user)
        .select_related("record__volunteer", "record__shift__activity")
    )


def record_for_organiser(*, user, pk: int) -> ServiceRecord:
    try:
        return ServiceRecord.objects.select_related("volunteer", "shift__activity").get(
            pk=pk, shift__activity__in=organised_activities(user)
        )
    except (ServiceRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def correction_for_organiser(*, user, pk: int) -> Correction:
    try:
        return Correction.objects.select_related("record").get(
            pk=pk, record__shift__activity__in=organised_activities(user)
        )
    except (Correction.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def my_record(*, user, pk: int) -> ServiceRecord:
    """A record of the user's own (a volunteer's); anyone else's is 404."""
    try:
        return ServiceRecord.objects.select_related("shift__activity", "volunteer").get(
            pk=pk, volunteer__user=user, volunteer__user__isnull=False
        )
    except (ServiceRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def volunteer_get_for(*, user, pk: int) -> Volunteer:
    return get_or_404(Volunteer.objects.select_related("community", "resident"), user, pk=pk)


def certificate_by_token(token: str) -> Certificate:
    try:
        return Certificate.objects.select_related("volunteer", "community").get(token=token)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise NotFound(message="证明不存在或编号有误") from None


def reward_items(volunteer: Volunteer) -> QuerySet[RewardItem]:
    return RewardItem.objects.filter(community=volunteer.community_id, active=True)


# --- figures ----------------------------------------------------------------------------------


def stats(*, community, start: dt.date, end: dt.date) -> dict:
    """The community's volunteer service in a period, from **approved** records only (a
    provincial platform counts a record once the organiser has approved it):

    - ``activities``: activities with an approved record in the period,
    - ``person_times`` (人次): approved records (one volunteer in one shift),
    - ``volunteers``: distinct volunteers among them,
    - ``hours``: their approved service time, a decimal string with two places,
    - ``party_member_person_times``: the person-times of party members.

    The period is by the shift's local start date, both ends included.
    """
    records = ServiceRecord.objects.filter(
        status=RecordStatus.APPROVED,
        shift__activity__community__path__startswith=community.path,
        shift__start__date__gte=start,
        shift__start__date__lte=end,
    )
    figures = records.aggregate(
        person_times=Count("pk"),
        volunteers=Count("volunteer", distinct=True),
        activities=Count("shift__activity", distinct=True),
        minutes=Sum("minutes"),
        party=Count("pk", filter=Q(volunteer__is_party_member=True)),
    )
    return {
        "activities": figures["activities"],
        "person_times": figures["person_times"],
        "volunteers": figures["volunteers"],
        "hours": str(minutes_to_hours(figures["minutes"])),
        "party_member_person_times": figures["party"],
    }


def cases_resolved_by_volunteers(*, community, start: dt.date, end: dt.date) -> dict:
    """Cases (诉求) resolved in the period whose resolver — the user on the 办理完毕 step — is
    a registered volunteer or a party member (through a 三长 post held by a party member, or a
    volunteer who is one): the article's "1,400 cases cleared by party members and volunteers".
    """
    from linli.cases.models import Case, CaseEvent
    from linli.grid.models import Holding

    volunteer_users = Volunteer.objects.filter(user__isnull=False).values("user_id")
    party_users = Holding.objects.filter(
        Q(resident__is_party_member=True) | Q(resident__party_membership__isnull=False),
        user__isnull=False,
    ).values("user_id")
    party_volunteer_users = Volunteer.objects.filter(
        user__isnull=False, is_party_member=True
    ).values("user_id")
    resolved = CaseEvent.objects.filter(
        action=CaseEvent.Action.RESOLVE,
        case__community__path__startswith=community.path,
        at__date__gte=start,
        at__date__lte=end,
    )
    by_volunteer = resolved.filter(actor_id__in=volunteer_users).values("case_id")
    by_party = resolved.filter(
        Q(actor_id__in=party_users) | Q(actor_id__in=party_volunteer_users)
    ).values("case_id")
    return {
        "by_volunteer": Case.objects.filter(pk__in=by_volunteer).count(),
        "by_party_member": Case.objects.filter(pk__in=by_party).count(),
        "by_either": Case.objects.filter(Q(pk__in=by_volunteer) | Q(pk__in=by_party)).count(),
    }


def hours_by_party_member(members) -> dict[int, Decimal]:
    """Approved volunteer hours of party members (``party.Member`` → its resident's
    volunteer), for the 亮身份 list: ``{member_id: hours}``; members who are not volunteers
    are left out."""
    rows = (
        ServiceRecord.objects.filter(
            status=RecordStatus.APPROVED,
            volunteer__resident__party_membership__in=[m.pk for m in members],
        )
        .values("volunteer__resident__party_membership")
        .annotate(m=Sum("minutes"))
    )
    return {r["volunteer__resident__party_membership"]: minutes_to_hours(r["m"]) for r in rows}
