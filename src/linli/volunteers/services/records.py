"""Service records: check-in and check-out by QR code, the organiser's roll (点名), approval
by a second person, rejection, and corrections of an approved record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Sum
from simple_history.utils import bulk_update_with_history

from linli.core import changes
from linli.core.approval import require_second_person
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound

from ..models import (
    Correction,
    CorrectionStatus,
    Method,
    PointEntry,
    PointKind,
    RecordStatus,
    ServiceRecord,
    Shift,
    SignUp,
    SignUpStatus,
    Volunteer,
    minutes_to_hours,
)
from .activities import _lock_shift, _taken
from .rules import _local, _now, _require_organiser, counted_minutes, points_for, volunteer_of

CHECKIN_SALT = "linli.volunteers.checkin"


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


def _roll_lines(
    shift: Shift, entries: Sequence[RollEntry]
) -> list[tuple[RollEntry, dt.datetime, dt.datetime, int]]:
    """Each line of the roll checked on its own: a volunteer of the activity's community,
    named once, with times inside the shift."""
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
    return planned


def _roll_refusals(shift: Shift, planned, existing: dict[int, ServiceRecord]) -> None:
    """The roll against what is already recorded: an approved record changes only through a
    correction; a declined sign-up is not on the roll."""
    for entry, *_ in planned:
        record = existing.get(entry.volunteer.pk)
        if record is not None and record.status == RecordStatus.APPROVED:
            raise Conflict(
                f"{entry.volunteer.name}的记录已确认，只能通过更正申请修改",
                code="volunteers.record_approved",
            )
    declined = SignUp.objects.filter(
        shift=shift,
        volunteer_id__in=[entry.volunteer.pk for entry, *_ in planned],
        status=SignUpStatus.DECLINED,
    )
    if declined.exists():
        raise Conflict("名单中有已婉拒报名的志愿者", code="volunteers.declined")


def _roll_save(
    *, actor, shift: Shift, new: list[ServiceRecord], changed: list[ServiceRecord], now
) -> list[ServiceRecord]:
    """Write the roll's new and changed records with their history rows."""
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
    return new + changed


@transaction.atomic
def roll_record_batch(
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
    planned = _roll_lines(shift, entries)
    existing = {
        r.volunteer_id: r
        for r in ServiceRecord.objects.select_for_update().filter(
            shift=shift, volunteer_id__in=[entry.volunteer.pk for entry, *_ in planned]
        )
    }
    _roll_refusals(shift, planned, existing)
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
    saved = _roll_save(actor=actor, shift=shift, new=new, changed=changed, now=now)
    changes.community_changed(shift.activity.community_id, since=shift.start)
    return saved


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
