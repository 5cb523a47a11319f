"""Writes to volunteer service: every rule of the 办法 that the records must keep.

- **Hours are actual service time**: the minutes counted are the overlap of [check-in,
  check-out] with the shift — never travel, never beyond the shift (check-in 08:52, check-out
  11:40, shift 09:00–11:30 → 150 min = 2.5 h; 09:10–10:55 → 105 min = 1.75 h).
- **谁组织谁记录、谁记录谁证明**: the activity's organiser (or the community's office) records
  and approves; nobody approves their own hours (``core.approval.require_second_person``).
- **An approved record changes only through a correction** the volunteer asks for with a reason
  and the organiser decides; every change is kept (django-simple-history).
- **Points** are an append-only ledger; a redemption locks the volunteer's row, then the
  item's, so two at once cannot spend the same points or the last item.

Every function validates first and writes nothing when it refuses.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from linli.core import changes
from linli.core.approval import require_second_person
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can
from linli.ledger.models import Region, RegionLevel

from .models import (
    ACTIVE_SIGNUPS,
    Activity,
    Award,
    Certificate,
    CertificateSequence,
    Correction,
    CorrectionStatus,
    Evaluation,
    IdType,
    Method,
    PointEntry,
    PointKind,
    RecordStatus,
    RewardItem,
    ServiceRecord,
    Shift,
    SignUp,
    SignUpStatus,
    Team,
    Training,
    Volunteer,
    minutes_to_hours,
)

CHECKIN_SALT = "linli.volunteers.checkin"


# --- small rules ------------------------------------------------------------------------------


def _now(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def counted_minutes(shift: Shift, check_in: dt.datetime, check_out: dt.datetime) -> int:
    """The minutes of [check_in, check_out] inside the shift (the only time that is service)."""
    start = max(check_in, shift.start)
    end = min(check_out, shift.end)
    if end <= start:
        return 0
    return int((end - start).total_seconds() // 60)


def points_for(minutes: int) -> int:
    """Points earned by ``minutes`` of approved service (half-up, at the configured rate)."""
    rate = Decimal(settings.LINLI_VOLUNTEER_POINTS_PER_HOUR)
    return int((Decimal(minutes) * rate / 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def star_level(hours: Decimal | int) -> int:
    """0–5 stars from cumulative approved hours (``LINLI_VOLUNTEER_STAR_HOURS``)."""
    return sum(1 for threshold in settings.LINLI_VOLUNTEER_STAR_HOURS if hours >= threshold)


def _require_community(community: Region) -> None:
    if community.level != RegionLevel.COMMUNITY:
        raise Invalid(f"“{community.name}”不是社区", code="volunteers.not_a_community")


def _require_manager(actor, community_id: int) -> None:
    """The office of the community (a worker or official whose region holds it)."""
    if not can(actor, Capability.VOLUNTEERS_MANAGE) or not (
        Region.objects.restrict(actor).filter(pk=community_id).exists()
    ):
        raise Forbidden("只有本社区工作人员可以办理", code="volunteers.forbidden")


def may_organise(actor, activity: Activity) -> bool:
    if actor is None or not getattr(actor, "pk", None):
        return False
    if activity.organiser_id == actor.pk:
        return True
    return can(actor, Capability.VOLUNTEERS_MANAGE) and (
        Activity.objects.restrict(actor).filter(pk=activity.pk).exists()
    )


def _require_organiser(actor, activity: Activity) -> None:
    if not may_organise(actor, activity):
        raise Forbidden(
            f"只有活动“{activity.title}”的组织人或本社区工作人员可以记录和确认",
            code="volunteers.not_organiser",
        )


def volunteer_of(user) -> Volunteer:
    """The volunteer registered for this account, or a clear refusal."""
    volunteer = (
        # an anonymous user's pk None filters as IS NULL: no volunteer
        Volunteer.objects.filter(user_id=getattr(user, "pk", None)).first()  # type: ignore[misc]
        if user is not None
        else None
    )
    if volunteer is None:
        raise Forbidden("您尚未登记为志愿者，请联系社区", code="volunteers.not_a_volunteer")
    return volunteer


# --- teams and volunteers ---------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, community: Region, name: str, kind: str, leader_name: str = "") -> Team:
    _require_community(community)
    _require_manager(actor, community.pk)
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写队名", code="volunteers.missing_name", details=[{"field": "name"}])
    if Team.objects.filter(community=community, name=name).exists():
        raise Conflict(f"{community.name}已有“{name}”", code="volunteers.duplicate_team")
    return Team.objects.create(community=community, name=name, kind=kind, leader_name=leader_name)


@transaction.atomic
def volunteer_register(
    *,
    actor,
    community: Region,
    resident=None,
    unit=None,
    name: str = "",
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    phone: str = "",
    is_party_member: bool | None = None,
    user=None,
    teams: Iterable[Team] = (),
    skills: str = "",
    when: dt.date | None = None,
) -> Volunteer:
    """Register a volunteer: a resident of the community's ledger, or a person from a party
    co-building unit. The number is given here, once (``ZY`` + community + serial)."""
    _require_community(community)
    _require_manager(actor, community.pk)
    if (resident is None) == (unit is None):
        raise Invalid(
            "志愿者须是本社区居民或联建单位人员（二选一）", code="volunteers.resident_or_unit"
        )
    if resident is not None:
        if not resident.household.unit.building.compound.community.path.startswith(community.path):
            raise Invalid(
                f"{resident.name}不是{community.name}的居民",
                code="volunteers.not_in_community",
                details=[{"field": "resident"}],
            )
        if Volunteer.objects.filter(resident=resident).exists():
            raise Conflict(f"{resident.name}已登记为志愿者", code="volunteers.already_registered")
        name = resident.name
        id_type, id_number = IdType.RESIDENT_ID, ""
        phone = phone or resident.phone
        if is_party_member is None:
            is_party_member = resident.is_party_member or hasattr(resident, "party_membership")
    else:
        if unit.organisation.community_id != community.pk:
            raise Invalid(
                f"“{unit.name}”不是{community.name}的联建单位",
                code="volunteers.not_in_community",
                details=[{"field": "unit"}],
            )
        name = (name or "").strip()
        if not name:
            raise Invalid("请填写姓名", code="volunteers.missing_name", details=[{"field": "name"}])
    teams = list(teams)
    for team in teams:
        if team.community_id != community.pk:
            raise Invalid(f"“{team.name}”不是本社区的队伍", code="volunteers.not_in_community")
    if user is not None and Volunteer.objects.filter(user=user).exists():
        raise Conflict("该账号已关联其他志愿者", code="volunteers.already_registered")
    volunteer = Volunteer.objects.create(
        community=community,
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        resident=resident,
        unit=unit,
        name=name,
        id_type=id_type,
        id_number=(id_number or "").strip(),
        phone=phone,
        is_party_member=bool(is_party_member),
        user=user,
        skills=skills,
        registered_on=when or timezone.localdate(),
    )
    volunteer.number = f"ZY{community.pk:04d}{volunteer.pk:07d}"
    volunteer.save(update_fields=["number"])
    if teams:
        volunteer.teams.set(teams)
    return volunteer


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


# --- check-in by QR code ----------------------------------------------------------------------


def checkin_token(shift: Shift) -> str:
    """The signed token the activity's QR code carries (it expires:
    ``LINLI_VOLUNTEER_CHECKIN_MAX_AGE``)."""
    return signing.dumps({"shift": shift.pk}, salt=CHECKIN_SALT, compress=True)


def checkin_token_read(token: str) -> Shift:
    try:
        data = signing.loads(
            token, salt=CHECKIN_SALT, max_age=settings.LINLI_VOLUNTEER_CHECKIN_MAX_AGE
        )
    except signing.SignatureExpired:
        raise Invalid(
            "签到码已过期，请让组织人刷新二维码", code="volunteers.token_expired"
        ) from None
    except signing.BadSignature:
        raise Invalid("签到码无效", code="volunteers.bad_token") from None
    shift = Shift.objects.select_related("activity").filter(pk=data.get("shift")).first()
    if shift is None or shift.cancelled:
        raise Invalid("签到码对应的班次不存在或已取消", code="volunteers.bad_token")
    return shift


def _mark_attended(shift: Shift, volunteers: Sequence[Volunteer], when: dt.datetime) -> None:
    """Sign-ups of those who came become confirmed; walk-ins get one (bulk)."""
    existing = {
        s.volunteer_id: s
        for s in SignUp.objects.filter(shift=shift, volunteer__in=[v.pk for v in volunteers])
    }
    changed = [s for s in existing.values() if s.status not in (SignUpStatus.CONFIRMED,)]
    for s in changed:
        s.status = SignUpStatus.CONFIRMED
    if changed:
        SignUp.objects.bulk_update(changed, ["status"])
    new = [
        SignUp(shift=shift, volunteer=v, status=SignUpStatus.CONFIRMED, created_at=when)
        for v in volunteers
        if v.pk not in existing
    ]
    if new:
        SignUp.objects.bulk_create(new)


@transaction.atomic
def record_check_in(*, actor, shift: Shift, when: dt.datetime | None = None) -> ServiceRecord:
    """The volunteer scanned the activity's code: check in (from an hour before the start,
    ``LINLI_VOLUNTEER_CHECKIN_EARLY_MINUTES``, until the shift ends)."""
    volunteer = volunteer_of(actor)
    now = _now(when)
    shift = _lock_shift(shift)
    if shift.activity.community_id != volunteer.community_id:
        raise NotFound()
    early = dt.timedelta(minutes=settings.LINLI_VOLUNTEER_CHECKIN_EARLY_MINUTES)
    if now < shift.start - early:
        raise Conflict(
            f"签到尚未开始（{_local(shift.start - early)}起可签到）",
            code="volunteers.checkin_not_open",
        )
    if now >= shift.end:
        raise Conflict("班次已结束，请联系组织人补记", code="volunteers.checkin_closed")
    if ServiceRecord.objects.filter(volunteer=volunteer, shift=shift).exists():
        raise Conflict("您已签到过该班次", code="volunteers.already_checked_in")
    signup = SignUp.objects.filter(shift=shift, volunteer=volunteer).first()
    if signup is not None and signup.status == SignUpStatus.DECLINED:
        raise Conflict("组织人已婉拒您的报名", code="volunteers.declined")
    if signup is None and _taken(shift) >= shift.places:
        raise Conflict(f"该班次{shift.places}个名额已满", code="volunteers.shift_full")
    _mark_attended(shift, [volunteer], now)
    record = ServiceRecord(
        volunteer=volunteer,
        shift=shift,
        check_in=now,
        method=Method.QR,
        status=RecordStatus.CHECKED_IN,
        recorded_by=actor,
    )
    record.save()
    return record


@transaction.atomic
def record_check_out(*, actor, shift: Shift, when: dt.datetime | None = None) -> ServiceRecord:
    """Check out: the record waits for the organiser with the minutes inside the shift."""
    volunteer = volunteer_of(actor)
    now = _now(when)
    record = (
        ServiceRecord.objects.select_for_update()
        .select_related("shift")
        .filter(volunteer=volunteer, shift=shift)
        .first()
    )
    if record is None or record.check_in is None:
        raise Conflict("尚未签到，不能签退", code="volunteers.not_checked_in")
    if record.status != RecordStatus.CHECKED_IN:
        raise Conflict(
            f"该记录{record.get_status_display()}，不能再签退", code="volunteers.record_state"
        )
    if now <= record.check_in:
        raise Invalid(
            f"签退时间（{_local(now)}）须晚于签到时间（{_local(record.check_in)}）",
            code="volunteers.checkout_before_checkin",
        )
    record.check_out = now
    record.minutes = counted_minutes(record.shift, record.check_in, now)
    record.status = RecordStatus.PENDING
    record.save()
    return record


# --- the organiser's roll ---------------------------------------------------------------------


@dataclass(frozen=True)
class RollEntry:
    """One line of the organiser's roll: a volunteer present, with the times if known
    (none: the whole shift), or the hours served when only those are known."""

    volunteer: Volunteer
    check_in: dt.datetime | None = None
    check_out: dt.datetime | None = None
    hours: Decimal | None = None
    content: str = ""


def _roll_times(shift: Shift, entry: RollEntry, index: int) -> tuple[dt.datetime, dt.datetime, int]:
    where = [{"field": "entries", "index": index, "volunteer": entry.volunteer.number}]
    if entry.hours is not None:
        minutes = Decimal(entry.hours) * 60
        if minutes <= 0:
            raise Invalid("服务时长须大于0", code="volunteers.bad_hours", details=where)
        if minutes > shift.minutes:
            raise Invalid(
                f"{entry.volunteer.name}的服务时长{entry.hours}小时超过班次时长"
                f"{minutes_to_hours(shift.minutes)}小时（时长只计班次内的实际服务）",
                code="volunteers.hours_beyond_shift",
                details=where,
            )
        whole = int(minutes.to_integral_value(rounding=ROUND_HALF_UP))
        check_in = entry.check_in or shift.start
        return check_in, check_in + dt.timedelta(minutes=whole), whole
    check_in = entry.check_in or shift.start
    check_out = entry.check_out or shift.end
    if check_out <= check_in:
        raise Invalid(
            f"{entry.volunteer.name}的签退时间（{_local(check_out)}）须晚于签到时间（{_local(check_in)}）",
            code="volunteers.checkout_before_checkin",
            details=where,
        )
    return check_in, check_out, counted_minutes(shift, check_in, check_out)


@transaction.atomic
def roll_record_batch(  # noqa: C901 (14; issue 11: to split)
    *, actor, shift: Shift, entries: Sequence[RollEntry], when: dt.datetime | None = None
) -> list[ServiceRecord]:
    """The organiser ticks the roll (点名): one record per volunteer present, waiting for
    approval. All lines are checked first; one bad line refuses the whole roll."""
    shift = _lock_shift(shift)
    _require_organiser(actor, shift.activity)
    now = _now(when)
    if shift.cancelled:
        raise Conflict("该班次已取消", code="volunteers.shift_cancelled")
    if shift.start > now:
        raise Conflict("班次尚未开始，不能记录时长", code="volunteers.shift_not_started")
    seen: set[int] = set()
    planned = []
    for i, entry in enumerate(entries):
        if entry.volunteer.community_id != shift.activity.community_id:
            raise Invalid(
                f"{entry.volunteer.name}不是本社区的志愿者",
                code="volunteers.not_in_community",
                details=[{"field": "entries", "index": i}],
            )
        if entry.volunteer.pk in seen:
            raise Invalid(
                f"{entry.volunteer.name}在名单中重复",
                code="volunteers.duplicate_entry",
                details=[{"field": "entries", "index": i}],
            )
        seen.add(entry.volunteer.pk)
        planned.append((entry, *_roll_times(shift, entry, i)))
    existing = {
        r.volunteer_id: r
        for r in ServiceRecord.objects.select_for_update().filter(
            shift=shift, volunteer_id__in=seen
        )
    }
    for entry, *_ in planned:
        record = existing.get(entry.volunteer.pk)
        if record is not None and record.status == RecordStatus.APPROVED:
            raise Conflict(
                f"{entry.volunteer.name}的记录已确认，只能通过更正申请修改",
                code="volunteers.record_approved",
            )
    declined = set(
        SignUp.objects.filter(
            shift=shift, volunteer_id__in=seen, status=SignUpStatus.DECLINED
        ).values_list("volunteer_id", flat=True)
    )
    if declined:
        raise Conflict("名单中有已婉拒报名的志愿者", code="volunteers.declined")
    new, changed = [], []
    for entry, check_in, check_out, minutes in planned:
        record = existing.get(entry.volunteer.pk)
        if record is None:
            record = ServiceRecord(volunteer=entry.volunteer, shift=shift, method=Method.ROLL)
            new.append(record)
        else:
            changed.append(record)
        record.check_in, record.check_out, record.minutes = check_in, check_out, minutes
        record.status = RecordStatus.PENDING
        record.recorded_by = actor
        record.content = entry.content or record.content
        record.reject_reason = ""
    _mark_attended(shift, [e.volunteer for e, *_ in planned], now)
    if new:
        ServiceRecord.objects.bulk_create(new)
        if any(r.pk is None for r in new):  # a database that returns no ids from a bulk insert
            new = list(
                ServiceRecord.objects.filter(
                    shift=shift, volunteer_id__in=[r.volunteer_id for r in new]
                )
            )
        ServiceRecord.history.bulk_history_create(new, default_user=actor, default_date=now)
    if changed:
        bulk_update_with_history(
            changed,
            ServiceRecord,
            [
                "check_in",
                "check_out",
                "minutes",
                "status",
                "recorded_by",
                "content",
                "reject_reason",
            ],
            default_user=actor,
            default_date=now,
        )
    changes.community_changed(shift.activity.community_id, since=shift.start)
    return new + changed


def roll_record(
    *,
    actor,
    shift: Shift,
    volunteer: Volunteer,
    check_in: dt.datetime | None = None,
    check_out: dt.datetime | None = None,
    hours: Decimal | None = None,
    when: dt.datetime | None = None,
) -> ServiceRecord:
    entry = RollEntry(volunteer=volunteer, check_in=check_in, check_out=check_out, hours=hours)
    return roll_record_batch(actor=actor, shift=shift, entries=[entry], when=when)[0]


# --- approval ---------------------------------------------------------------------------------


def _points_entries_for(records: Sequence[ServiceRecord], actor, now) -> list[PointEntry]:
    """What each record's approved minutes are worth, less what was already given for it."""
    given = dict(
        PointEntry.objects.filter(record__in=[r.pk for r in records])
        .values("record_id")
        .annotate(total=Sum("points"))
        .values_list("record_id", "total")
    )
    entries = []
    for r in records:
        due = points_for(r.minutes) if r.status == RecordStatus.APPROVED else 0
        delta = due - (given.get(r.pk) or 0)
        if delta:
            kind = PointKind.CORRECTION if r.pk in given else PointKind.SERVICE
            entries.append(
                PointEntry(
                    volunteer_id=r.volunteer_id,
                    record=r,
                    points=delta,
                    kind=kind,
                    note=f"{r.shift.activity.title} {minutes_to_hours(r.minutes)}小时",
                    at=now,
                    by=actor,
                )
            )
    return entries


@transaction.atomic
def record_approve_batch(
    *, actor, records: Sequence[ServiceRecord], when: dt.datetime | None = None
) -> list[ServiceRecord]:
    """The organiser confirms records (谁记录谁证明); nobody confirms their own hours. The
    approved minutes earn points at ``LINLI_VOLUNTEER_POINTS_PER_HOUR``."""
    now = _now(when)
    ids = [r.pk for r in records]
    locked = list(
        ServiceRecord.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("shift__activity", "volunteer")
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise NotFound()
    checked_activities: set[int] = set()
    for record in locked:
        if record.shift.activity_id not in checked_activities:
            _require_organiser(actor, record.shift.activity)
            checked_activities.add(record.shift.activity_id)
        require_second_person(
            actor,
            record.volunteer.user_id,
            code="volunteers.self_approval",
            message="不能确认本人的服务时长，请由其他组织人或社区工作人员确认",
            what="确认",
        )
        if record.status != RecordStatus.PENDING:
            raise Conflict(
                f"{record.volunteer.name}的记录{record.get_status_display()}，不能确认",
                code="volunteers.record_state",
            )
    for record in locked:
        record.status = RecordStatus.APPROVED
        record.approved_by = actor
        record.approved_at = now
    # one UPDATE for the lot (all take the same values), then one history row each
    ServiceRecord.objects.filter(pk__in=[r.pk for r in locked]).update(
        status=RecordStatus.APPROVED, approved_by=actor, approved_at=now
    )
    ServiceRecord.history.bulk_history_create(
        locked, update=True, default_user=actor, default_date=now
    )
    PointEntry.objects.bulk_create(_points_entries_for(locked, actor, now))
    for community_id, start in {(r.shift.activity.community_id, r.shift.start) for r in locked}:
        changes.community_changed(community_id, since=start)
    return locked


def record_approve(
    *, actor, record: ServiceRecord, when: dt.datetime | None = None
) -> ServiceRecord:
    return record_approve_batch(actor=actor, records=[record], when=when)[0]


@transaction.atomic
def record_reject(*, actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    record = (
        ServiceRecord.objects.select_for_update()
        .select_related("shift__activity", "volunteer")
        .get(pk=record.pk)
    )
    _require_organiser(actor, record.shift.activity)
    require_second_person(
        actor,
        record.volunteer.user_id,
        code="volunteers.self_approval",
        message="不能审核本人的服务时长",
        what="审核",
    )
    if record.status != RecordStatus.PENDING:
        raise Conflict(f"该记录{record.get_status_display()}", code="volunteers.record_state")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请填写不予确认的理由", code="volunteers.missing_reason")
    record.status, record.reject_reason = RecordStatus.REJECTED, reason[:200]
    record._history_user = actor
    record.save()
    return record


# --- corrections ------------------------------------------------------------------------------


@transaction.atomic
def correction_request(
    *,
    actor,
    record: ServiceRecord,
    reason: str,
    check_in: dt.datetime,
    check_out: dt.datetime,
    when: dt.datetime | None = None,
) -> Correction:
    """The volunteer asks for their own record to be corrected, with a reason."""
    record = (
        ServiceRecord.objects.select_for_update()
        .select_related("volunteer", "shift")
        .get(pk=record.pk)
    )
    if record.volunteer.user_id is None or record.volunteer.user_id != getattr(actor, "pk", None):
        raise Forbidden("只能对本人的服务记录申请更正", code="volunteers.not_your_record")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "请填写更正理由", code="volunteers.missing_reason", details=[{"field": "reason"}]
        )
    if record.status == RecordStatus.CHECKED_IN:
        raise Conflict("尚未签退，请先签退", code="volunteers.record_state")
    if check_in is None or check_out is None or check_out <= check_in:
        raise Invalid(
            "更正后的签退时间须晚于签到时间",
            code="volunteers.checkout_before_checkin",
            details=[{"field": "check_out"}],
        )
    if record.corrections.filter(status=CorrectionStatus.PENDING).exists():
        raise Conflict("已有一项更正申请待处理", code="volunteers.correction_pending")
    return Correction.objects.create(
        record=record,
        requested_by=actor,
        requested_at=_now(when),
        reason=reason[:300],
        check_in=check_in,
        check_out=check_out,
    )


@transaction.atomic
def correction_decide(
    *,
    actor,
    correction: Correction,
    accept: bool,
    note: str = "",
    when: dt.datetime | None = None,
) -> Correction:
    """The organiser checks the request: accepted, the record takes the corrected times (and
    counts as confirmed); refused, nothing changes but the answer. Points follow the record."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    record = (
        ServiceRecord.objects.select_for_update()
        .select_related("shift__activity", "volunteer")
        .get(pk=correction.record_id)
    )
    _require_organiser(actor, record.shift.activity)
    require_second_person(
        actor,
        record.volunteer.user_id,
        code="volunteers.self_approval",
        message="不能处理本人服务记录的更正申请",
        what="处理",
    )
    if correction.status != CorrectionStatus.PENDING:
        raise Conflict(
            f"该申请{correction.get_status_display()}", code="volunteers.correction_decided"
        )
    now = _now(when)
    if not accept and not (note or "").strip():
        raise Invalid("不予更正须说明理由", code="volunteers.missing_reason")
    correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    correction.decided_by, correction.decided_at = actor, now
    correction.decision_note = (note or "").strip()[:300]
    correction.save()
    if accept:
        check_in, check_out = correction.check_in, correction.check_out
        if check_in is None or check_out is None:  # a correction names both times
            raise AssertionError("correction without its times")
        record.check_in, record.check_out = check_in, check_out
        record.minutes = counted_minutes(record.shift, check_in, check_out)
        record.status = RecordStatus.APPROVED
        record.approved_by, record.approved_at = actor, now
        record.reject_reason = ""
        record._history_user = actor
        record._change_reason = f"更正：{correction.reason}"[:100]
        record.save()
        PointEntry.objects.bulk_create(_points_entries_for([record], actor, now))
    return correction


# --- the other parts of the record: training, awards, evaluation ------------------------------


@transaction.atomic
def training_add(
    *, actor, volunteer: Volunteer, title: str, date: dt.date, hours: Decimal, provider: str = ""
) -> Training:
    _require_manager(actor, volunteer.community_id)
    if not (title or "").strip():
        raise Invalid("请填写培训名称", code="volunteers.missing_title")
    return Training.objects.create(
        volunteer=volunteer, title=title.strip(), date=date, hours=hours, provider=provider
    )


@transaction.atomic
def award_grant(
    *,
    actor,
    volunteer: Volunteer,
    title: str,
    date: dt.date,
    issuer: str,
    points: int = 0,
    when: dt.datetime | None = None,
) -> Award:
    """表彰奖励, worth ``points`` once (a line in the points ledger)."""
    _require_manager(actor, volunteer.community_id)
    if not (title or "").strip():
        raise Invalid("请填写表彰名称", code="volunteers.missing_title")
    if points < 0:
        raise Invalid("奖励积分不能为负", code="volunteers.bad_points")
    award = Award.objects.create(
        volunteer=volunteer, title=title.strip(), date=date, issuer=issuer, points=points
    )
    if points:
        PointEntry.objects.create(
            volunteer=volunteer,
            points=points,
            kind=PointKind.AWARD,
            award=award,
            note=award.title,
            at=_now(when),
            by=actor,
        )
    return award


@transaction.atomic
def evaluation_record(
    *, actor, volunteer: Volunteer, year: int, rating: str, comment: str = ""
) -> Evaluation:
    _require_manager(actor, volunteer.community_id)
    evaluation, _ = Evaluation.objects.update_or_create(
        volunteer=volunteer,
        year=year,
        defaults={"rating": rating, "comment": comment, "evaluated_by": actor},
    )
    return evaluation


# --- certificates -----------------------------------------------------------------------------


def _next_serial(community_id: int, year: int) -> int:
    seq = (
        CertificateSequence.objects.select_for_update()
        .filter(community_id=community_id, year=year)
        .first()
    )
    if seq is None:
        try:
            with transaction.atomic():
                CertificateSequence.objects.create(community_id=community_id, year=year)
        except IntegrityError:
            pass
        seq = CertificateSequence.objects.select_for_update().get(
            community_id=community_id, year=year
        )
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


def period_records(volunteer: Volunteer, start: dt.date, end: dt.date):
    return ServiceRecord.objects.filter(
        volunteer=volunteer, shift__start__date__gte=start, shift__start__date__lte=end
    )


@transaction.atomic
def certificate_issue(
    *,
    actor,
    volunteer: Volunteer,
    period_start: dt.date,
    period_end: dt.date,
    person_in_charge: str,
    handler: str,
    contact: str,
    full_id_number: bool = False,
    when: dt.date | None = None,
) -> Certificate:
    """志愿服务记录证明 for a period, issued by the volunteer's community (a 居委会 may issue
    them). Refused while any record of the period waits for approval or correction."""
    _require_manager(actor, volunteer.community_id)
    volunteer = (
        Volunteer.objects.select_for_update().select_related("community").get(pk=volunteer.pk)
    )
    if period_end < period_start:
        raise Invalid("证明期间的止日不能早于起日", code="volunteers.bad_period")
    for value, field in (
        (person_in_charge, "person_in_charge"),
        (handler, "handler"),
        (contact, "contact"),
    ):
        if not (value or "").strip():
            raise Invalid(
                "请填写出具单位负责人、经办人和联系电话",
                code="volunteers.missing_issuer",
                details=[{"field": field}],
            )
    records = period_records(volunteer, period_start, period_end)
    open_records = (
        records.filter(status__in=(RecordStatus.CHECKED_IN, RecordStatus.PENDING)).count()
        + Correction.objects.filter(record__in=records, status=CorrectionStatus.PENDING).count()
    )
    if open_records:
        raise Conflict(
            f"{period_start}至{period_end}有{open_records}条服务记录尚未确认或更正未处理，"
            "请先确认后再出具证明",
            code="volunteers.unapproved_records",
            details=[{"field": "period", "unapproved": open_records}],
        )
    approved = list(
        records.filter(status=RecordStatus.APPROVED)
        .select_related("shift__activity")
        .order_by("shift__start")
    )
    if not approved:
        raise Invalid("该期间没有已确认的服务记录", code="volunteers.no_service")
    by_activity: dict[int, dict] = {}
    for r in approved:
        a = r.shift.activity
        row = by_activity.setdefault(
            a.pk,
            {
                "title": a.title,
                "kind": a.get_kind_display(),
                "first": None,
                "last": None,
                "times": 0,
                "minutes": 0,
            },
        )
        day = timezone.localtime(r.shift.start).date().isoformat()
        row["first"] = row["first"] or day
        row["last"] = day
        row["times"] += 1
        row["minutes"] += r.minutes
    issued_on = when or timezone.localdate()
    serial = _next_serial(volunteer.community_id, issued_on.year)
    number = f"{volunteer.community.name}志证〔{issued_on.year}〕{serial:04d}号"
    return Certificate.objects.create(
        volunteer=volunteer,
        community=volunteer.community,
        year=issued_on.year,
        serial=serial,
        number=number,
        period_start=period_start,
        period_end=period_end,
        minutes=sum(r.minutes for r in approved),
        activities=list(by_activity.values()),
        person_in_charge=person_in_charge.strip(),
        handler=handler.strip(),
        contact=contact.strip(),
        full_id_number=full_id_number,
        issued_on=issued_on,
        issued_by=actor,
        token=secrets.token_urlsafe(18),
    )


# --- points and the 积分超市 ------------------------------------------------------------------


def points_balance(volunteer: Volunteer) -> int:
    return PointEntry.objects.filter(volunteer=volunteer).aggregate(t=Sum("points"))["t"] or 0


@transaction.atomic
def reward_item_create(
    *, actor, community: Region, name: str, points: int, stock: int
) -> RewardItem:
    _require_manager(actor, community.pk)
    if points < 1 or stock < 0 or not (name or "").strip():
        raise Invalid("请填写物品名称、所需积分（≥1）和库存（≥0）", code="volunteers.bad_item")
    return RewardItem.objects.create(
        community=community, name=name.strip(), points=points, stock=stock
    )


@transaction.atomic
def points_redeem(
    *,
    actor,
    volunteer: Volunteer,
    item: RewardItem,
    quantity: int = 1,
    when: dt.datetime | None = None,
) -> PointEntry:
    """Spend points at the 积分超市: the volunteer themself, or the community's office at the
    counter. The volunteer's row is locked first, then the item's (always in that order), so
    two redemptions at once are taken one after the other: the balance never goes below zero
    and the stock never below none."""
    if quantity < 1:
        raise Invalid("兑换数量至少为1", code="volunteers.bad_quantity")
    is_own = volunteer.user_id is not None and volunteer.user_id == getattr(actor, "pk", None)
    if not is_own:
        _require_manager(actor, volunteer.community_id)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    item = RewardItem.objects.select_for_update().get(pk=item.pk)
    if item.community_id != volunteer.community_id or not item.active:
        raise NotFound()
    if item.stock < quantity:
        raise Conflict(
            f"“{item.name}”库存{item.stock}件，不够兑换{quantity}件", code="volunteers.out_of_stock"
        )
    cost = item.points * quantity
    balance = points_balance(volunteer)
    if balance < cost:
        raise Conflict(
            f"积分不足：兑换需{cost}分，当前余额{balance}分", code="volunteers.insufficient_points"
        )
    item.stock -= quantity
    item.save(update_fields=["stock"])
    return PointEntry.objects.create(
        volunteer=volunteer,
        points=-cost,
        kind=PointKind.REDEEM,
        item=item,
        quantity=quantity,
        note=f"兑换{item.name}×{quantity}",
        at=_now(when),
        by=actor,
    )
