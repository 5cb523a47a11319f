"""The care API at ``/api/v1/care/``: the registry, visits, the visitor's list, figures, events.

Every handler is scope → selector or service → schema. A person, community or region outside
the caller's duty is a 404 with the same body as a missing id (roles without the duty —
committee members, residents, department staff — see no one). Care categories and tiers are
sensitive (PIPL art. 28): returned only to ``Capability.CARE_VIEW`` roles, each view logged;
a paired visitor gets the dates, with those fields null.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from linli.core.bounds import Date, Id
from linli.core.errors import Invalid, NotFound
from linli.core.policy import Capability, can, get_or_404, restrict
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS
from linli.grid.models import GridLevel
from linli.ledger.models import Region, RegionLevel, Resident

from . import selectors, services
from .models import Event, EventKind, Recipient
from .schemas import (
    CellRateOut,
    EndIn,
    EventIn,
    EventOut,
    MineOut,
    OverrideIn,
    PairIn,
    RecipientDetailOut,
    RecipientIn,
    RecipientOut,
    StatusOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["care"])


def _as_of(day: dt.date | None) -> dt.date:
    """The day asked for (ninja has checked it is a date in 1900…2100), else today."""
    return day or timezone.localdate()


def _community(user, community_id: Id) -> Region:
    """A community the caller's duty covers: others (and roles without the duty) as missing."""
    if not can(user, Capability.CARE_VIEW):
        raise NotFound("社区不存在或无权查看")
    return get_or_404(Region.objects.filter(level=RegionLevel.COMMUNITY), user, pk=community_id)


def _visible_person(user, recipient_id: Id):
    if not can(user, Capability.CARE_VISIT):
        raise NotFound("关爱对象不存在或无权查看")
    return selectors.recipient_get_for(actor=user, recipient_id=recipient_id)


def _rows_out(user, rows, reason: str) -> list[dict]:
    sensitive = can(user, Capability.CARE_VIEW)
    if sensitive:
        services.care_view_log(user=user, subject="关爱名册", count=len(rows), reason=reason)
    return [selectors.row_data(r, sensitive=sensitive) for r in rows]


def _visit_out(v) -> dict:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "visited_on": v.visited_on,
        "mode": v.mode,
        "met": v.met,
        "health": v.health,
        "living": v.living,
        "needs": v.needs,
        "follow_up": v.follow_up,
        "follow_up_case_id": v.follow_up_case_id,
        "recipient_ids": [r.pk for r in v.care_recipients.all()],
    }


def _detail(user, recipient, as_of: dt.date) -> dict:
    rows = selectors.status_rows(
        selectors.recipients_for(user, "visit").filter(pk=recipient.pk), as_of=as_of
    )
    if not rows:  # out of the registry on that day
        raise NotFound("关爱对象不存在或无权查看")
    sensitive = can(user, Capability.CARE_VIEW)
    data = selectors.row_data(rows[0], sensitive=sensitive)
    r = rows[0].recipient
    data.update(
        serious_illness=r.serious_illness if sensitive else None,
        derived_tier=r.derived_tier if sensitive else None,
        tier_override_reason=r.tier_override_reason if sensitive else None,
        note=r.note if sensitive else None,
        partner_kind=r.partner_kind,
        registered_on=r.registered_on,
        visits=[_visit_out(v) for v in selectors.visits_of(r)] if sensitive else [],
    )
    services.care_view_log(user=user, subject=f"关爱对象#{r.pk}", count=1 if sensitive else 0)
    return data


@router.get(
    "/recipients",
    response={200: list[RecipientOut], **READ_ERRORS},
    summary="关爱名册（含下次探访窗口）",
)
def recipients_list(
    request,
    community_id: Id | None = None,
    tier: str | None = None,
    status: str | None = None,
    as_of: Date | None = None,
):
    if not can(request.user, Capability.CARE_VISIT):
        return []
    qs = selectors.recipients_for(request.user, "visit")
    if community_id is not None:
        qs = qs.filter(resident__household__unit__building__compound__community_id=community_id)
    if tier and can(request.user, Capability.CARE_VIEW):
        qs = qs.filter(tier=tier)
    rows = selectors.status_rows(qs, as_of=_as_of(as_of))
    if status:
        rows = [r for r in rows if r.status == status]
    return _rows_out(request.user, rows, "查看关爱名册")


@router.get(
    "/recipients/{recipient_id}",
    response={200: RecipientDetailOut, **READ_ERRORS},
    summary="关爱对象详情（每次查看记入访问日志）",
)
def recipient_detail(request, recipient_id: Id, as_of: Date | None = None):
    recipient = _visible_person(request.user, recipient_id)
    return _detail(request.user, recipient, _as_of(as_of))


@router.post(
    "/recipients", response={201: RecipientDetailOut, **WRITE_ERRORS}, summary="登记关爱对象"
)
def recipient_create(request, payload: RecipientIn):
    resident = get_or_404(Resident.objects.all(), request.user, pk=payload.resident_id)
    recipient = services.recipient_register(
        actor=request.user,
        resident=resident,
        categories=payload.categories,
        serious_illness=payload.serious_illness,
        note=payload.note,
        registered_on=payload.registered_on,
    )
    return Status(201, _detail(request.user, recipient, timezone.localdate()))


@router.post(
    "/recipients/{recipient_id}/override",
    response={200: RecipientDetailOut, **WRITE_ERRORS},
    summary="调整探访分级（须填理由，记入变更记录）",
)
def recipient_override(request, recipient_id: Id, payload: OverrideIn):
    recipient = _visible_person(request.user, recipient_id)
    services.recipient_override(
        actor=request.user, recipient=recipient, tier=payload.tier, reason=payload.reason
    )
    return _detail(request.user, recipient, timezone.localdate())


@router.delete(
    "/recipients/{recipient_id}/override",
    response={200: RecipientDetailOut, **WRITE_ERRORS},
    summary="恢复按规则分级",
)
def recipient_override_clear(request, recipient_id: Id):
    recipient = _visible_person(request.user, recipient_id)
    services.recipient_override_clear(actor=request.user, recipient=recipient)
    return _detail(request.user, recipient, timezone.localdate())


@router.post(
    "/recipients/{recipient_id}/pair",
    response={200: RecipientDetailOut, **WRITE_ERRORS},
    summary="结对（党员或志愿者）；partner_user_id 为空则解除，由邻长负责",
)
def recipient_pair(request, recipient_id: Id, payload: PairIn):
    recipient = _visible_person(request.user, recipient_id)
    partner = None
    if payload.partner_user_id is not None:
        partner = get_user_model().objects.filter(pk=payload.partner_user_id).first()
        if partner is None:
            raise NotFound("账号不存在", details=[{"field": "partner_user_id"}])
    services.recipient_pair(
        actor=request.user, recipient=recipient, partner=partner, kind=payload.kind
    )
    return _detail(request.user, recipient, timezone.localdate())


@router.post(
    "/recipients/{recipient_id}/end",
    response={200: RecipientDetailOut, **WRITE_ERRORS},
    summary="退出关爱名册",
)
def recipient_end(request, recipient_id: Id, payload: EndIn):
    recipient = _visible_person(request.user, recipient_id)
    services.recipient_end(
        actor=request.user, recipient=recipient, reason=payload.reason, ended_on=payload.ended_on
    )
    recipient.refresh_from_db()
    day = min(timezone.localdate(), recipient.ended_on - dt.timedelta(days=1))
    return _detail(request.user, recipient, max(day, recipient.registered_on))


@router.post(
    "/visits", response={201: VisitOut, **WRITE_ERRORS}, summary="记录关爱探访（需求可转诉求）"
)
def visit_create(request, payload: VisitIn):
    recipients = list(
        restrict(Recipient.objects.filter(pk__in=payload.recipient_ids), request.user, "visit")
    )
    if len(recipients) != len(set(payload.recipient_ids)):
        raise NotFound("关爱对象不存在或无权查看", details=[{"field": "recipient_ids"}])
    visit = services.care_visit_record(
        actor=request.user,
        recipients=recipients,
        visited_on=payload.visited_on,
        mode=payload.mode,
        met=payload.met,
        health=payload.health,
        living=payload.living,
        needs=payload.needs,
        follow_up=payload.follow_up,
        case_category=payload.case_category or None,
    )
    return Status(201, _visit_out(visit))


@router.get("/mine", response={200: MineOut, **READ_ERRORS}, summary="我负责的关爱探访（逾期在前）")
def mine(request, as_of: Date | None = None):
    """Empty for a role without the duty (as for a visitor with no one to visit)."""
    data = selectors.rows_for_visitor(actor=request.user, as_of=_as_of(as_of))
    shown = data["mine"] + data["cell_overdue"]
    sensitive = can(request.user, Capability.CARE_VIEW)
    if sensitive:
        services.care_view_log(user=request.user, subject="我的关爱探访", count=len(shown))
    return {
        "summary": data["summary"],
        "mine": [selectors.row_data(r, sensitive=sensitive) for r in data["mine"]],
        "cell_overdue": [selectors.row_data(r, sensitive=sensitive) for r in data["cell_overdue"]],
    }


@router.get(
    "/communities/{community_id}/status",
    response={200: StatusOut, **READ_ERRORS},
    summary="社区关爱探访情况（与 linli care status 相同）",
)
def community_status(request, community_id: Id, as_of: Date | None = None):
    community = _community(request.user, community_id)
    rows = selectors.community_rows(actor=request.user, community=community, as_of=_as_of(as_of))
    return selectors.summarise(rows)


@router.get(
    "/communities/{community_id}/rates",
    response={200: list[CellRateOut], **READ_ERRORS},
    summary="月探访率（按邻、组、片）",
)
def community_rates(request, community_id: Id, level: int | None = None, as_of: Date | None = None):
    community = _community(request.user, community_id)
    if level is not None and level not in GridLevel.values:
        raise Invalid("层级须为 1（片）、2（组）或 3（邻）", code="care.bad_level")
    rows = selectors.community_rows(actor=request.user, community=community, as_of=_as_of(as_of))
    return [
        {
            "grid_id": c["grid"].pk,
            "grid_name": c["grid"].name,
            "level": c["grid"].level,
            **{k: c[k] for k in ("registered", "due", "overdue", "visited_this_month")},
            "monthly_visit_rate": c["monthly_visit_rate"],
        }
        for c in selectors.rates_by_cell(rows, level=level)
    ]


def _event_out(e: Event) -> dict:
    return {
        "id": e.pk,
        "region_id": e.region_id,
        "region_name": e.region.name,
        "kind": e.kind,
        "kind_label": EventKind(e.kind).label,
        "title": e.title,
        "note": e.note,
        "declared_at": e.declared_at,
    }


@router.get("/events", response={200: list[EventOut], **READ_ERRORS}, summary="关爱事件")
def events_list(request):
    return [_event_out(e) for e in selectors.events_for(request.user)[:100]]


@router.post(
    "/events",
    response={201: EventOut, **WRITE_ERRORS},
    summary="发布关爱事件（区域内高风险对象须在 24 小时内探访）",
)
def event_create(request, payload: EventIn):
    region = get_or_404(Region.objects.all(), request.user, pk=payload.region_id)
    event = services.event_declare(
        actor=request.user,
        region=region,
        kind=payload.kind,
        title=payload.title,
        note=payload.note,
    )
    return Status(201, _event_out(event))
