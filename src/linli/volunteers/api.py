"""The volunteers API at ``/api/v1/volunteers/``.

Three kinds of caller, each reaching rows its own way:

- **the volunteer** (``/me…``, ``/checkin``, ``/shifts``, ``/items``): their own rows through
  their account (``selectors.my_volunteer``); anyone else's record is 404;
- **the organiser** (``/activities…``, ``/shifts/{id}/roll``, ``/pending``, ``/records/…``,
  ``/corrections/…``, ``/signups/…``): the activities they organise, or — the community's
  office — every activity of their region; others 404;
- **the office** (``/volunteers``, ``/certificates``, ``/stats``): ``restrict(user)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from ninja import Query, Router
from ninja.responses import Status

from linli.core.bounds import Id
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can, get_or_404, readable_or_404
from linli.core.privacy import mask_id_number, mask_phone
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS
from linli.ledger.models import Region, Resident
from linli.party.models import CoBuildingUnit

from . import selectors, services
from .models import (
    Activity,
    Certificate,
    Correction,
    PointEntry,
    ServiceRecord,
    Shift,
    SignUp,
    Team,
    Volunteer,
    minutes_to_hours,
)
from .schemas import (
    ActivityIn,
    ActivityOut,
    ApproveIn,
    CertificateIn,
    CertificateOut,
    CheckInIn,
    CorrectionIn,
    CorrectionOut,
    DecideIn,
    ItemOut,
    PointsOut,
    ReasonIn,
    RecordOut,
    RedeemIn,
    RedeemOut,
    RollIn,
    ShiftOut,
    SignUpOut,
    StatsOut,
    StatsQuery,
    SubstituteIn,
    SummaryOut,
    TokenOut,
    VolunteerIn,
    VolunteerOut,
)

router = Router(tags=["志愿服务"])

MAX_LIST = 500


# --- helpers ----------------------------------------------------------------------------------


def _me(user) -> Volunteer:
    volunteer = selectors.my_volunteer(user)
    if volunteer is None:
        raise NotFound("您尚未登记为志愿者", code="volunteers.not_a_volunteer")
    return volunteer


def _require_manage(user) -> None:
    if not can(user, Capability.VOLUNTEERS_MANAGE):
        raise Forbidden("只有社区工作人员可以办理", code="volunteers.forbidden")


def _hours(value: str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise Invalid(
            f"服务时长“{value}”不是数字", code="volunteers.bad_hours", details=[{"field": "hours"}]
        ) from None
    if not hours.is_finite():
        raise Invalid("服务时长不是数字", code="volunteers.bad_hours", details=[{"field": "hours"}])
    return hours


def shift_out(s: Shift) -> dict:
    a = s.activity
    return {
        "id": s.pk,
        "activity_id": a.pk,
        "activity": a.title,
        "kind": a.get_kind_display(),
        "place": a.place,
        "start": s.start,
        "end": s.end,
        "role": s.role,
        "places": s.places,
        "taken": getattr(s, "taken", None),
    }


def signup_out(s: SignUp) -> dict:
    return {
        "id": s.pk,
        "shift_id": s.shift_id,
        "volunteer_id": s.volunteer_id,
        "volunteer": s.volunteer.name,
        "status": s.status,
        "status_label": s.get_status_display(),
        "substitute_for_id": s.substitute_for_id,
    }


def record_out(r: ServiceRecord) -> dict:
    return {
        "id": r.pk,
        "shift_id": r.shift_id,
        "activity": r.shift.activity.title,
        "volunteer_id": r.volunteer_id,
        "volunteer": r.volunteer.name,
        "volunteer_number": r.volunteer.number,
        "check_in": r.check_in,
        "check_out": r.check_out,
        "hours": str(r.hours),
        "method": r.method,
        "status": r.status,
        "status_label": r.get_status_display(),
        "reject_reason": r.reject_reason,
    }


def correction_out(c: Correction) -> dict:
    return {
        "id": c.pk,
        "record_id": c.record_id,
        "reason": c.reason,
        "check_in": c.check_in,
        "check_out": c.check_out,
        "status": c.status,
        "status_label": c.get_status_display(),
        "decision_note": c.decision_note,
    }


def certificate_out(request, c: Certificate) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "volunteer_id": c.volunteer_id,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "hours": str(c.hours),
        "issued_on": c.issued_on,
        "pdf_url": reverse("volunteers:certificate_pdf", args=[c.pk]),
        "verify_url": request.build_absolute_uri(reverse("certificate_verify", args=[c.token])),
    }


def volunteer_out(v: Volunteer, minutes: int | None = None) -> dict:
    hours = minutes_to_hours(minutes if minutes is not None else selectors.approved_minutes(v))
    return {
        "id": v.pk,
        "number": v.number,
        "name": v.name,
        "community_id": v.community_id,
        "id_type": v.id_type,
        "id_number": mask_id_number(v.identity_number),
        "phone": mask_phone(v.phone),
        "is_party_member": v.is_party_member,
        "teams": [t.name for t in v.teams.all()],
        "hours": str(hours),
        "stars": services.star_level(hours),
    }


# --- the volunteer ----------------------------------------------------------------------------


@router.get(
    "/me", response={200: SummaryOut, **READ_ERRORS}, summary="我的志愿服务（时长、星级、积分）"
)
def me(request):
    s = selectors.summary(_me(request.user))
    v = s["volunteer"]
    return {
        "volunteer_id": v.pk,
        "number": v.number,
        "name": v.name,
        "community": v.community.name,
        "hours": str(s["hours"]),
        "stars": s["stars"],
        "points": s["points"],
        "waiting": s["waiting"],
    }


@router.get("/shifts", response={200: list[ShiftOut], **READ_ERRORS}, summary="可报名的班次")
def shifts(request):
    return [shift_out(s) for s in selectors.upcoming_shifts(user=request.user)[:MAX_LIST]]


@router.post("/shifts/{shift_id}/signup", response={201: SignUpOut, **WRITE_ERRORS}, summary="报名")
def signup(request, shift_id: Id):
    shift = get_or_404(Shift.objects.all(), request.user, pk=shift_id)
    return Status(201, signup_out(services.signup_create(actor=request.user, shift=shift)))


@router.post(
    "/signups/{signup_id}/withdraw", response={200: SignUpOut, **WRITE_ERRORS}, summary="取消报名"
)
def withdraw(request, signup_id: Id):
    mine = SignUp.objects.filter(volunteer__user=request.user, pk=signup_id).first()
    if mine is None:
        raise NotFound()
    return signup_out(services.signup_withdraw(actor=request.user, signup=mine))


@router.post("/checkin", response={200: RecordOut, **WRITE_ERRORS}, summary="扫码签到/签退")
def checkin(request, payload: CheckInIn):
    shift = services.checkin_token_read(payload.token)
    if payload.action == "in":
        record = services.record_check_in(actor=request.user, shift=shift)
    elif payload.action == "out":
        record = services.record_check_out(actor=request.user, shift=shift)
    else:
        raise Invalid(
            "action 须为 in 或 out", code="volunteers.bad_action", details=[{"field": "action"}]
        )
    return record_out(record)


@router.get("/me/records", response={200: list[RecordOut], **READ_ERRORS}, summary="我的服务记录")
def my_records(request):
    volunteer = _me(request.user)
    rows = volunteer.records.select_related("shift__activity", "volunteer")[:MAX_LIST]
    return [record_out(r) for r in rows]


@router.post(
    "/me/records/{record_id}/corrections",
    response={201: CorrectionOut, **WRITE_ERRORS},
    summary="申请更正本人服务记录",
)
def correction_request(request, record_id: Id, payload: CorrectionIn):
    record = selectors.my_record(user=request.user, pk=record_id)
    correction = services.correction_request(
        actor=request.user,
        record=record,
        reason=payload.reason,
        check_in=payload.check_in,
        check_out=payload.check_out,
    )
    return Status(201, correction_out(correction))


@router.get("/me/points", response={200: PointsOut, **READ_ERRORS}, summary="我的积分")
def my_points(request):
    volunteer = _me(request.user)
    entries = PointEntry.objects.filter(volunteer=volunteer)[:MAX_LIST]
    return {
        "balance": services.points_balance(volunteer),
        "entries": [
            {
                "id": e.pk,
                "points": e.points,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "note": e.note,
                "at": e.at,
            }
            for e in entries
        ],
    }


@router.get("/items", response={200: list[ItemOut], **READ_ERRORS}, summary="积分超市")
def items(request):
    volunteer = _me(request.user)
    return [
        {"id": i.pk, "name": i.name, "points": i.points, "stock": i.stock}
        for i in selectors.reward_items(volunteer)
    ]


@router.post("/items/{item_id}/redeem", response={201: RedeemOut, **WRITE_ERRORS}, summary="兑换")
def redeem(request, item_id: Id, payload: RedeemIn):
    volunteer = _me(request.user)
    item = selectors.reward_items(volunteer).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    entry = services.points_redeem(
        actor=request.user, volunteer=volunteer, item=item, quantity=payload.quantity
    )
    return Status(
        201, {"id": entry.pk, "points": entry.points, "balance": services.points_balance(volunteer)}
    )


@router.get(
    "/me/certificates", response={200: list[CertificateOut], **READ_ERRORS}, summary="我的证明"
)
def my_certificates(request):
    volunteer = _me(request.user)
    return [certificate_out(request, c) for c in volunteer.certificates.all()]


# --- the organiser ----------------------------------------------------------------------------


@router.get("/activities", response={200: list[ActivityOut], **READ_ERRORS}, summary="我组织的活动")
def activities(request):
    rows = (
        selectors.organised_activities(request.user)
        .select_related("team", "organiser__profile")
        .prefetch_related("shifts")[:MAX_LIST]
    )
    return [activity_out(a) for a in rows]


def activity_out(a: Activity) -> dict:
    organiser = getattr(a.organiser, "profile", None)
    return {
        "id": a.pk,
        "community_id": a.community_id,
        "title": a.title,
        "kind": a.kind,
        "place": a.place,
        "team": a.team.name if a.team_id and a.team is not None else None,
        "organiser": (organiser.display_name if organiser else "") or a.organiser.get_username(),
        "rrule": a.rrule,
        "shifts": [shift_out(s) for s in a.shifts.all()],
    }


@router.post(
    "/activities", response={201: ActivityOut, **WRITE_ERRORS}, summary="新建活动（可按规则重复）"
)
def activity_create(request, payload: ActivityIn):
    _require_manage(request.user)
    community = get_or_404(Region.objects.all(), request.user, pk=payload.community_id)
    team = None
    if payload.team_id is not None:
        team = get_or_404(Team.objects.all(), request.user, pk=payload.team_id)
    activity = services.activity_create(
        actor=request.user,
        community=community,
        title=payload.title,
        kind=payload.kind,
        place=payload.place,
        team=team,
        description=payload.description,
        shifts=[services.ShiftIn(s.start, s.end, s.places, s.role) for s in payload.shifts],
        rrule=payload.rrule,
        first_start=payload.first_start,
        duration=dt.timedelta(minutes=payload.duration_minutes)
        if payload.duration_minutes
        else None,
        places=payload.places,
        role=payload.role,
    )
    return Status(201, activity_out(activity))


@router.get("/shifts/{shift_id}/roll", response={200: dict, **READ_ERRORS}, summary="点名册")
def roll(request, shift_id: Id):
    shift = selectors.shift_for_organiser(user=request.user, pk=shift_id)
    return {
        "shift": shift_out(shift),
        "signups": [signup_out(s) for s in shift.signups.select_related("volunteer")],
        "records": [
            record_out(r) for r in shift.records.select_related("volunteer", "shift__activity")
        ],
    }


@router.post(
    "/shifts/{shift_id}/roll",
    response={200: list[RecordOut], **WRITE_ERRORS},
    summary="点名记录时长",
)
def roll_record(request, shift_id: Id, payload: RollIn):
    shift = selectors.shift_for_organiser(user=request.user, pk=shift_id)
    community = shift.activity.community_id
    by_id = {
        v.pk: v
        for v in Volunteer.objects.filter(
            community_id=community, pk__in=[e.volunteer_id for e in payload.entries]
        )
    }
    entries = []
    for i, line in enumerate(payload.entries):
        volunteer = by_id.get(line.volunteer_id)
        if volunteer is None:
            raise NotFound(details=[{"field": "entries", "index": i}])
        entries.append(
            services.RollEntry(
                volunteer, line.check_in, line.check_out, _hours(line.hours), line.content
            )
        )
    records = services.roll_record_batch(actor=request.user, shift=shift, entries=entries)
    return [record_out(r) for r in records]


@router.get(
    "/shifts/{shift_id}/checkin-token",
    response={200: TokenOut, **READ_ERRORS},
    summary="签到二维码内容",
)
def checkin_token(request, shift_id: Id):
    shift = selectors.shift_for_organiser(user=request.user, pk=shift_id)
    token = services.checkin_token(shift)
    return {
        "token": token,
        "url": request.build_absolute_uri(reverse("volunteers:checkin", args=[token])),
        "expires_in": settings.LINLI_VOLUNTEER_CHECKIN_MAX_AGE,
    }


@router.get("/pending", response={200: list[RecordOut], **READ_ERRORS}, summary="待确认的服务记录")
def pending(request):
    return [record_out(r) for r in selectors.pending_for_organiser(request.user)[:MAX_LIST]]


@router.post(
    "/records/approve", response={200: list[RecordOut], **WRITE_ERRORS}, summary="确认服务记录"
)
def approve(request, payload: ApproveIn):
    records = [
        selectors.record_for_organiser(user=request.user, pk=pk) for pk in payload.record_ids
    ]
    done = services.record_approve_batch(actor=request.user, records=records)
    return [record_out(r) for r in done]


@router.post(
    "/records/{record_id}/reject", response={200: RecordOut, **WRITE_ERRORS}, summary="不予确认"
)
def reject(request, record_id: Id, payload: ReasonIn):
    record = selectors.record_for_organiser(user=request.user, pk=record_id)
    return record_out(
        services.record_reject(actor=request.user, record=record, reason=payload.reason)
    )


@router.get(
    "/corrections", response={200: list[CorrectionOut], **READ_ERRORS}, summary="待处理的更正申请"
)
def corrections(request):
    return [correction_out(c) for c in selectors.corrections_for_organiser(request.user)]


@router.post(
    "/corrections/{correction_id}/decide",
    response={200: CorrectionOut, **WRITE_ERRORS},
    summary="处理更正申请",
)
def correction_decide(request, correction_id: Id, payload: DecideIn):
    correction = selectors.correction_for_organiser(user=request.user, pk=correction_id)
    done = services.correction_decide(
        actor=request.user, correction=correction, accept=payload.accept, note=payload.note
    )
    return correction_out(done)


def _signup_for_organiser(user, signup_id: Id) -> SignUp:
    signup = (
        SignUp.objects.select_related("volunteer")
        .filter(pk=signup_id, shift__activity__in=selectors.organised_activities(user))
        .first()
    )
    if signup is None:
        raise NotFound()
    return signup


@router.post(
    "/signups/{signup_id}/{action}",
    response={200: SignUpOut, **WRITE_ERRORS},
    summary="确认/婉拒/未到/替补",
)
def signup_act(request, signup_id: Id, action: str, payload: SubstituteIn | None = None):
    signup = _signup_for_organiser(request.user, signup_id)
    if action == "confirm":
        done = services.signup_confirm(actor=request.user, signup=signup)
    elif action == "decline":
        done = services.signup_decline(actor=request.user, signup=signup)
    elif action == "no-show":
        done = services.signup_no_show(actor=request.user, signup=signup)
    elif action == "substitute":
        if payload is None:
            raise Invalid("请指定替补志愿者", code="volunteers.bad_substitute")
        substitute = Volunteer.objects.filter(
            pk=payload.volunteer_id, community_id=signup.volunteer.community_id
        ).first()
        if substitute is None:
            raise NotFound(details=[{"field": "volunteer_id"}])
        done = services.signup_substitute(actor=request.user, signup=signup, substitute=substitute)
    else:
        raise NotFound()
    return signup_out(done)


# --- the office -------------------------------------------------------------------------------


@router.get("/volunteers", response={200: list[VolunteerOut], **READ_ERRORS}, summary="志愿者名册")
def volunteers(request):
    rows = list(Volunteer.objects.restrict(request.user).prefetch_related("teams")[:MAX_LIST])
    minutes = dict(
        ServiceRecord.objects.filter(volunteer__in=rows, status="approved")
        .values("volunteer_id")
        .annotate(m=Sum("minutes"))
        .values_list("volunteer_id", "m")
    )
    return [volunteer_out(v, minutes.get(v.pk, 0)) for v in rows]


@router.post("/volunteers", response={201: VolunteerOut, **WRITE_ERRORS}, summary="登记志愿者")
def volunteer_register(request, payload: VolunteerIn):
    _require_manage(request.user)
    community = get_or_404(Region.objects.all(), request.user, pk=payload.community_id)
    resident = unit = None
    if payload.resident_id is not None:
        residents = Resident.objects.select_related(
            "household__unit__building__compound__community"
        )
        resident = get_or_404(residents, request.user, pk=payload.resident_id)
    if payload.unit_id is not None:
        unit = CoBuildingUnit.objects.filter(
            pk=payload.unit_id, organisation__community=community
        ).first()
        if unit is None:
            raise NotFound(details=[{"field": "unit_id"}])
    teams = list(Team.objects.restrict(request.user).filter(pk__in=payload.team_ids))
    volunteer = services.volunteer_register(
        actor=request.user,
        community=community,
        resident=resident,
        unit=unit,
        name=payload.name,
        id_type=payload.id_type,
        id_number=payload.id_number,
        phone=payload.phone,
        teams=teams,
    )
    return Status(201, volunteer_out(volunteer, 0))


@router.post(
    "/certificates", response={201: CertificateOut, **WRITE_ERRORS}, summary="出具志愿服务记录证明"
)
def certificate_issue(request, payload: CertificateIn):
    volunteer = get_or_404(Volunteer.objects.all(), request.user, pk=payload.volunteer_id)
    cert = services.certificate_issue(
        actor=request.user,
        volunteer=volunteer,
        period_start=payload.period_start,
        period_end=payload.period_end,
        person_in_charge=payload.person_in_charge,
        handler=payload.handler,
        contact=payload.contact,
        full_id_number=payload.full_id_number,
    )
    return Status(201, certificate_out(request, cert))


@router.get("/stats", response={200: StatsOut, **READ_ERRORS}, summary="志愿服务统计")
def stats(request, filters: Query[StatsQuery]):
    readable_or_404(request.user, Capability.VOLUNTEERS_MANAGE)  # as a community not theirs
    community = get_or_404(Region.objects.all(), request.user, pk=filters.community_id)
    start, end = filters.start, filters.end
    figures = selectors.stats(community=community, start=start, end=end)
    cases = selectors.cases_resolved_by_volunteers(community=community, start=start, end=end)
    return {
        **figures,
        "cases_resolved_by_volunteers": cases["by_volunteer"],
        "cases_resolved_by_party_members": cases["by_party_member"],
    }
