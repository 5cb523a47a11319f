"""Activities with their shifts (RFC 5545 rules expanded), and sign-ups: create, confirm,
decline, withdraw, substitute, no-show, each under the shift's row lock.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linli.core.errors import Conflict, Invalid, NotFound
from linli.ledger.models import Region

from ..models import (
    ACTIVE_SIGNUPS,
    Activity,
    Shift,
    SignUp,
    SignUpStatus,
    Team,
    Volunteer,
)
from .rules import (
    _local,
    _now,
    _require_community,
    _require_manager,
    _require_organiser,
    volunteer_of,
)

# --- activities, shifts and their rules -------------------------------------------------------


def expand_rrule(rule: str, dtstart: dt.datetime, *, limit: int | None = None) -> list[dt.datetime]:
    """The start times an RFC 5545 ``RRULE`` gives from ``dtstart`` (local time), at most
    ``LINLI_VOLUNTEER_RRULE_MAX``. A rule without ``COUNT`` or ``UNTIL`` is refused: an activity
    has an end."""
    from dateutil.rrule import rrulestr

    limit = limit or settings.LINLI_VOLUNTEER_RRULE_MAX
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    bad = {"field": "rrule", "value": rule}
    if not text:
        raise Invalid("请填写重复规则", code="volunteers.bad_rrule", details=[bad])
    parts = {p.split("=", 1)[0].strip().upper() for p in text.split(";") if p.strip()}
    if not parts & {"COUNT", "UNTIL"}:
        raise Invalid(
            "重复规则须有结束条件（COUNT 次数或 UNTIL 截止日期），例如 FREQ=WEEKLY;COUNT=10",
            code="volunteers.bad_rrule",
            details=[bad],
        )
    local = timezone.localtime(dtstart).replace(tzinfo=None)
    try:
        try:
            starts = list(itertools.islice(rrulestr(text, dtstart=local), limit + 1))
        except ValueError as exc:
            if "UTC" not in str(exc):
                raise
            starts = [
                timezone.localtime(s).replace(tzinfo=None)
                for s in itertools.islice(
                    rrulestr(text, dtstart=timezone.localtime(dtstart)), limit + 1
                )
            ]
    except (ValueError, TypeError, OverflowError) as exc:
        raise Invalid(
            f"重复规则无法识别：{rule}（例如 FREQ=WEEKLY;BYDAY=SA;COUNT=10）",
            code="volunteers.bad_rrule",
            details=[{**bad, "reason": str(exc)}],
        ) from None
    if len(starts) > limit:
        raise Invalid(
            f"重复规则展开后超过{limit}次，请缩短截止日期或减少次数",
            code="volunteers.rrule_too_long",
            details=[bad],
        )
    if not starts:
        raise Invalid("重复规则没有产生任何日期", code="volunteers.bad_rrule", details=[bad])
    tz = timezone.get_current_timezone()
    return [timezone.make_aware(s, tz) for s in starts]


@dataclass(frozen=True)
class ShiftIn:
    start: dt.datetime
    end: dt.datetime
    places: int
    role: str = "志愿者"


def _check_shift(shift: ShiftIn, index: int = 0) -> None:
    where = {"field": "shifts", "index": index}
    if shift.end <= shift.start:
        raise Invalid(
            f"班次结束时间（{_local(shift.end)}）须晚于开始时间（{_local(shift.start)}）",
            code="volunteers.shift_ends_before_start",
            details=[where],
        )
    if shift.end - shift.start > dt.timedelta(hours=24):
        raise Invalid("一个班次不能超过24小时", code="volunteers.shift_too_long", details=[where])
    if shift.places < 1:
        raise Invalid("名额至少为1", code="volunteers.bad_places", details=[where])


@transaction.atomic
def activity_create(
    *,
    actor,
    community: Region,
    title: str,
    kind: str,
    place: str,
    organiser=None,
    team: Team | None = None,
    description: str = "",
    shifts: Sequence[ShiftIn] = (),
    rrule: str = "",
    first_start: dt.datetime | None = None,
    duration: dt.timedelta | None = None,
    places: int = 10,
    role: str = "志愿者",
) -> Activity:
    """An activity with its shifts: given one by one, or by an RFC 5545 rule from
    ``first_start`` (each shift lasting ``duration`` with ``places`` places)."""
    _require_community(community)
    _require_manager(actor, community.pk)
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise Invalid(
            "请填写活动名称", code="volunteers.missing_title", details=[{"field": "title"}]
        )
    if not place:
        raise Invalid(
            "请填写活动地点", code="volunteers.missing_place", details=[{"field": "place"}]
        )
    if team is not None and team.community_id != community.pk:
        raise Invalid(f"“{team.name}”不是本社区的队伍", code="volunteers.not_in_community")
    planned = list(shifts)
    if rrule:
        if first_start is None or duration is None:
            raise Invalid("按规则重复的活动须给出首次开始时间和时长", code="volunteers.bad_rrule")
        planned += [
            ShiftIn(start=s, end=s + duration, places=places, role=role)
            for s in expand_rrule(rrule, first_start)
        ]
    if not planned:
        raise Invalid(
            "活动至少要有一个班次", code="volunteers.no_shifts", details=[{"field": "shifts"}]
        )
    for i, shift in enumerate(planned):
        _check_shift(shift, i)
    activity = Activity.objects.create(
        community=community,
        team=team,
        title=title,
        kind=kind,
        place=place,
        description=description,
        organiser=organiser or actor,
        rrule=rrule.strip(),
    )
    Shift.objects.bulk_create(
        Shift(activity=activity, start=s.start, end=s.end, places=s.places, role=s.role)
        for s in planned
    )
    return activity


# --- sign-ups ---------------------------------------------------------------------------------


def _lock_shift(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("activity").get(pk=shift.pk)


def _taken(shift: Shift) -> int:
    return shift.signups.filter(status__in=ACTIVE_SIGNUPS).count()


@transaction.atomic
def signup_create(*, actor, shift: Shift, when: dt.datetime | None = None) -> SignUp:
    """The actor (a volunteer) signs up for a shift that has not begun and has a place."""
    volunteer = volunteer_of(actor)
    shift = _lock_shift(shift)
    now = _now(when)
    if shift.cancelled:
        raise Conflict("该班次已取消", code="volunteers.shift_cancelled")
    if shift.activity.community_id != volunteer.community_id:
        raise NotFound()
    if shift.start <= now:
        raise Conflict("该班次已开始，不能再报名", code="volunteers.shift_started")
    existing = SignUp.objects.filter(shift=shift, volunteer=volunteer).first()
    if existing is not None and existing.status in ACTIVE_SIGNUPS:
        raise Conflict("您已报名该班次", code="volunteers.already_signed_up")
    if _taken(shift) >= shift.places:
        raise Conflict(f"该班次{shift.places}个名额已满", code="volunteers.shift_full")
    if existing is not None:
        if existing.status == SignUpStatus.DECLINED:
            raise Conflict("组织人已婉拒您的报名", code="volunteers.declined")
        existing.status = SignUpStatus.SIGNED_UP
        existing.created_at = now
        existing.save(update_fields=["status", "created_at"])
        return existing
    return SignUp.objects.create(shift=shift, volunteer=volunteer, created_at=now)


def _signup_for_organiser(actor, signup: SignUp, allowed: tuple[str, ...], verb: str) -> SignUp:
    signup = SignUp.objects.select_for_update().select_related("shift__activity").get(pk=signup.pk)
    _require_organiser(actor, signup.shift.activity)
    if signup.status not in allowed:
        raise Conflict(
            f"报名{signup.get_status_display()}，不能{verb}", code="volunteers.signup_state"
        )
    return signup


@transaction.atomic
def signup_confirm(*, actor, signup: SignUp) -> SignUp:
    signup = _signup_for_organiser(actor, signup, (SignUpStatus.SIGNED_UP,), "确认")
    signup.status = SignUpStatus.CONFIRMED
    signup.save(update_fields=["status"])
    return signup


@transaction.atomic
def signup_decline(*, actor, signup: SignUp) -> SignUp:
    signup = _signup_for_organiser(actor, signup, ACTIVE_SIGNUPS, "婉拒")
    if signup.shift.records.filter(volunteer_id=signup.volunteer_id).exists():
        raise Conflict("该志愿者已签到，不能婉拒", code="volunteers.signup_state")
    signup.status = SignUpStatus.DECLINED
    signup.save(update_fields=["status"])
    return signup


@transaction.atomic
def signup_withdraw(*, actor, signup: SignUp, when: dt.datetime | None = None) -> SignUp:
    """The volunteer cancels their own sign-up before the shift begins."""
    volunteer = volunteer_of(actor)
    signup = SignUp.objects.select_for_update().select_related("shift").get(pk=signup.pk)
    if signup.volunteer_id != volunteer.pk:
        raise NotFound()
    if signup.status not in ACTIVE_SIGNUPS:
        raise Conflict(f"报名{signup.get_status_display()}", code="volunteers.signup_state")
    if signup.shift.start <= _now(when):
        raise Conflict("班次已开始，请联系组织人", code="volunteers.shift_started")
    signup.status = SignUpStatus.WITHDRAWN
    signup.save(update_fields=["status"])
    return signup


@transaction.atomic
def signup_substitute(
    *, actor, signup: SignUp, substitute: Volunteer, when: dt.datetime | None = None
) -> SignUp:
    """找人替补: the organiser (or the volunteer who cannot come) puts another volunteer of the
    community in their place; the place passes over, the count of places does not change."""
    signup = (
        SignUp.objects.select_for_update()
        .select_related("shift__activity", "volunteer")
        .get(pk=signup.pk)
    )
    is_own = signup.volunteer.user_id is not None and signup.volunteer.user_id == actor.pk
    if not is_own:
        _require_organiser(actor, signup.shift.activity)
    if signup.status not in ACTIVE_SIGNUPS:
        raise Conflict(
            f"报名{signup.get_status_display()}，不能替补", code="volunteers.signup_state"
        )
    if substitute.pk == signup.volunteer_id:
        raise Invalid("替补人不能是本人", code="volunteers.bad_substitute")
    if substitute.community_id != signup.shift.activity.community_id:
        raise Invalid(f"{substitute.name}不是本社区的志愿者", code="volunteers.bad_substitute")
    other = SignUp.objects.filter(shift=signup.shift, volunteer=substitute).first()
    if other is not None and other.status in ACTIVE_SIGNUPS:
        raise Conflict(f"{substitute.name}已报名该班次", code="volunteers.already_signed_up")
    signup.status = SignUpStatus.SUBSTITUTED
    signup.save(update_fields=["status"])
    if other is not None:
        other.status, other.substitute_for, other.created_at = (
            SignUpStatus.CONFIRMED,
            signup,
            _now(when),
        )
        other.save(update_fields=["status", "substitute_for", "created_at"])
        return other
    return SignUp.objects.create(
        shift=signup.shift,
        volunteer=substitute,
        status=SignUpStatus.CONFIRMED,
        substitute_for=signup,
        created_at=_now(when),
    )


@transaction.atomic
def signup_no_show(*, actor, signup: SignUp, when: dt.datetime | None = None) -> SignUp:
    """未到: after the shift began, the organiser marks a volunteer who did not come."""
    signup = _signup_for_organiser(actor, signup, ACTIVE_SIGNUPS, "记为未到")
    if signup.shift.start > _now(when):
        raise Conflict("班次尚未开始", code="volunteers.shift_not_started")
    if signup.shift.records.filter(volunteer_id=signup.volunteer_id).exists():
        raise Conflict("该志愿者已有服务记录，不能记为未到", code="volunteers.signup_state")
    signup.status = SignUpStatus.NO_SHOW
    signup.save(update_fields=["status"])
    return signup
