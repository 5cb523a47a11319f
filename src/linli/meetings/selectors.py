"""Reads of joint meetings and their actions, each starting from what the user may see.

Who sees which meetings is ``Meeting.objects.restrict(user)`` (:mod:`linli.meetings.scopes`);
a department's board and counts show only their department's actions.

Overdue: an action not done or cancelled whose deadline is before ``today`` (the deadline day
itself is still in time). A meeting's carried-over section (上次遗留逾期事项) lists the earlier
actions of the same place that were overdue on the meeting day — open then, deadline before it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as Cases
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from linli.cases.models import DepartmentMember
from linli.core.errors import NotFound
from linli.core.policy import Capability, actor_of, can
from linli.core.roles import Role
from linli.ledger.models import Region, RegionLevel

from .models import OPEN_STATUSES, Action, ActionProgress, ActionStatus, Meeting, Party


def meetings_for(user) -> QuerySet[Meeting]:
    # the rule's joins may repeat a meeting: select by id
    return Meeting.objects.filter(pk__in=Meeting.objects.restrict(user).values("pk"))


def actions_for(user) -> QuerySet[Action]:
    return Action.objects.filter(meeting__in=meetings_for(user).values("pk"))


def meeting_list(*, actor, region: Region | None = None) -> QuerySet[Meeting]:
    qs = meetings_for(actor).select_related("region")
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs.order_by("-held_on", "-id")


def meeting_get_for(*, actor, meeting_id: int) -> Meeting:
    meeting = (
        meetings_for(actor).select_related("region", "created_by").filter(pk=meeting_id).first()
    )
    if meeting is None:
        raise NotFound("会议不存在或无权查看")
    return meeting


def meeting_agenda(*, meeting: Meeting):
    return list(meeting.agenda.select_related("compound").prefetch_related("cases__category").all())


def meeting_actions(*, meeting: Meeting) -> list[Action]:
    return list(
        meeting.actions.select_related("agenda_item__compound", "department").order_by(
            "agenda_item__position", "id"
        )
    )


def meeting_attendees(*, meeting: Meeting):
    return list(meeting.attendees.select_related("department").all())


def parties_present(*, attendees) -> list[tuple[str, str, list]]:
    """Each of the five parties with the people who came for it (empty list: absent)."""
    return [(p.value, p.label, [a for a in attendees if a.party == p.value]) for p in Party]


def carried_over(*, meeting: Meeting) -> list[Action]:
    """上次遗留逾期事项: earlier actions of the same place that were overdue on the meeting day:
    deadline before that day, and not done or cancelled by the end of it (an action closed on
    the meeting day itself is taken as closed at the meeting; the meeting has no clock time)."""
    day = meeting.held_on
    start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return list(
        Action.objects.filter(meeting__region_id=meeting.region_id, deadline__lt=day)
        .exclude(meeting_id=meeting.pk)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .select_related("meeting", "agenda_item__compound", "department")
        .order_by("deadline", "id")
    )


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=today)


def action_board(
    *,
    actor,
    status: str | None = None,
    party: str | None = None,
    overdue: bool = False,
    mine: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Action]:
    """The actions board: overdue first (oldest deadline first), then open by deadline, then
    closed (latest first). A department's staff see their department's actions."""
    today = today or timezone.localdate()
    qs = actions_for(actor)
    if mine is None:
        mine = actor_of(actor).role == Role.DEPARTMENT_STAFF
    if mine:
        ids = DepartmentMember.objects.filter(user=actor).values("department_id")
        qs = qs.filter(department_id__in=ids)
    if status:
        qs = qs.filter(status=status)
    if party:
        qs = qs.filter(responsible_party=party)
    if overdue:
        qs = qs.filter(overdue_q(today))
    rank = Cases(
        When(overdue_q(today), then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        qs.select_related("meeting__region", "agenda_item__compound", "department")
        .annotate(rank=rank)
        .order_by("rank", "deadline", "-closed_at", "id")
    )


def action_counts(*, actor, today: dt.date | None = None) -> dict[str, int]:
    """The board's figures over the same scoped actions."""
    today = today or timezone.localdate()
    qs = actions_for(actor)
    if actor_of(actor).role == Role.DEPARTMENT_STAFF:
        ids = DepartmentMember.objects.filter(user=actor).values("department_id")
        qs = qs.filter(department_id__in=ids)
    counts = dict.fromkeys(ActionStatus.values, 0)
    for status, n in qs.values_list("status").order_by().annotate(n=Count("id")):
        counts[status] = n
    counts["overdue"] = qs.filter(overdue_q(today)).count()
    counts["total"] = sum(counts[s] for s in ActionStatus.values)
    return counts


def action_get_for(*, actor, action_id: int) -> Action:
    action = (
        actions_for(actor)
        .select_related("meeting__region", "agenda_item__compound", "department")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise NotFound("事项不存在或无权查看")
    return action


def action_log(*, action: Action) -> list[ActionProgress]:
    return list(action.progress.order_by("at", "id"))


def regions_for_new_meeting(*, actor) -> QuerySet[Region]:
    """Communities and towns where ``actor`` may convene a meeting."""
    if not can(actor, Capability.MEETINGS_MANAGE):
        return Region.objects.none()
    return (
        Region.objects.restrict(actor)
        .filter(level__in=(RegionLevel.COMMUNITY, RegionLevel.TOWN))
        .order_by("path")
    )
