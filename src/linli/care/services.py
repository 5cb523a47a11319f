"""Writes to the care registry, care visits (on the grid's one Visit) and events.

Each write checks the actor's scope first (out of scope answers like missing), then the role's
capability, then the input; nothing is written when a check fails (one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can, restrict
from linli.grid.models import VisitMode
from linli.grid.services import visit_save
from linli.ledger.models import SENSITIVE_TAGS, Household, Region, Resident
from linli.ledger.validation import age_on

from . import rules
from .models import TAG_CATEGORIES, Category, Event, EventKind, PartnerKind, Recipient, RecipientLog

MAX_TEXT = 1000


def _require(actor, capability: Capability, message: str) -> None:
    if actor is not None and not can(actor, capability):
        raise Forbidden(message, code="care.forbidden")


def _visible(queryset, actor, action: str = "view"):
    """``queryset`` restricted to ``actor`` (``None``: a command or the demo, everything)."""
    return queryset if actor is None else restrict(queryset, actor, action)


def _categories(values: Iterable[str] | None) -> list[str]:
    cats = []
    for value in values or ():
        value = str(value).strip()
        if value not in Category.values:
            raise Invalid(
                f"没有“{value}”这个关爱类别",
                code="care.unknown_category",
                details=[{"field": "categories", "value": value}],
            )
        if value not in cats:
            cats.append(value)
    if not cats:
        raise Invalid(
            "请至少选择一个关爱类别",
            code="care.category_required",
            details=[{"field": "categories"}],
        )
    return cats


def tag_categories(resident: Resident) -> list[str]:
    """The categories a resident's ledger tags suggest (独居 → 独居老人, 低保 → 低保 …)."""
    return [str(TAG_CATEGORIES[t]) for t in TAG_CATEGORIES if getattr(resident, t, False)]


def tier_for(resident: Resident, categories: Iterable[str], serious_illness: bool, on: dt.date):
    age = age_on(resident.birth_date, on) if resident.birth_date else None
    return rules.derive_tier(
        age=age,
        categories=categories,
        serious_illness=serious_illness,
        high_age=settings.LINLI_CARE_HIGH_AGE,
    )


def _log(recipient, actor, action, before="", after="", reason="") -> None:
    RecipientLog.objects.create(
        recipient=recipient,
        actor=actor,
        action=action,
        before=str(before)[:200],
        after=str(after)[:200],
        reason=reason[:200],
    )


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise Invalid(
            f"{label}不能超过 {MAX_TEXT} 字", code="care.text_too_long", details=[{"field": field}]
        )
    return value


@transaction.atomic
def recipient_register(
    *,
    actor,
    resident: Resident,
    categories: Iterable[str] | None = None,
    serious_illness: bool = False,
    note: str = "",
    registered_on: dt.date | None = None,
) -> Recipient:
    """Put a resident in the registry; without ``categories`` their ledger tags suggest them."""
    if not _visible(Resident.objects.filter(pk=resident.pk), actor).exists():
        raise NotFound("居民不存在或无权查看", details=[{"field": "resident"}])
    _require(actor, Capability.CARE_MANAGE, "当前角色无权登记关爱对象")
    cats = _categories(categories if categories is not None else tag_categories(resident))
    on = registered_on or timezone.localdate()
    existing = Recipient.objects.select_for_update().filter(resident=resident).first()
    if existing is not None and existing.ended_on is None:
        raise Conflict(
            f"{resident.name}已在关爱名册中",
            code="care.already_registered",
            details=[{"field": "resident"}],
        )
    tier = tier_for(resident, cats, serious_illness, on)
    if existing is not None:  # back in the registry after leaving it
        recipient = existing
        recipient.categories, recipient.serious_illness = cats, serious_illness
        recipient.derived_tier = recipient.tier = tier
        recipient.tier_override_reason = ""
        recipient.registered_on, recipient.ended_on, recipient.end_reason = on, None, ""
        recipient.note = _text(note, "note", "情况说明")[:300]
        recipient.save()
    else:
        recipient = Recipient.objects.create(
            resident=resident,
            categories=cats,
            serious_illness=serious_illness,
            derived_tier=tier,
            tier=tier,
            registered_on=on,
            note=_text(note, "note", "情况说明")[:300],
        )
    _log(recipient, actor, RecipientLog.Action.REGISTER, after=f"{','.join(cats)} → {tier}")
    return recipient


def _manageable(actor, recipient: Recipient) -> Recipient:
    """The entry locked for a change, if the actor may see it (else NotFound) and manage it."""
    if not _visible(Recipient.objects.filter(pk=recipient.pk), actor, "manage").exists():
        raise NotFound("关爱对象不存在或无权查看")
    _require(actor, Capability.CARE_MANAGE, "当前角色无权修改关爱名册")
    return Recipient.objects.select_for_update().select_related("resident").get(pk=recipient.pk)


@transaction.atomic
def recipient_change(
    *,
    actor,
    recipient: Recipient,
    categories: Iterable[str],
    serious_illness: bool,
    note: str | None = None,
) -> Recipient:
    """New categories or illness: the rules' tier follows; an override stays until cleared."""
    recipient = _manageable(actor, recipient)
    cats = _categories(categories)
    before = f"{','.join(recipient.categories)} → {recipient.derived_tier}"
    recipient.categories, recipient.serious_illness = cats, serious_illness
    recipient.derived_tier = tier_for(
        recipient.resident, cats, serious_illness, timezone.localdate()
    )
    if not recipient.tier_override_reason:
        recipient.tier = recipient.derived_tier
    if note is not None:
        recipient.note = _text(note, "note", "情况说明")[:300]
    recipient.save()
    _log(
        recipient,
        actor,
        RecipientLog.Action.CHANGE,
        before,
        f"{','.join(cats)} → {recipient.derived_tier}",
    )
    return recipient


@transaction.atomic
def recipient_override(*, actor, recipient: Recipient, tier: str, reason: str) -> Recipient:
    """Set a tier other than the rules' one; the reason is required and logged."""
    recipient = _manageable(actor, recipient)
    if tier not in rules.TIERS:
        raise Invalid(
            "探访分级须为高风险、重点或一般",
            code="care.bad_tier",
            details=[{"field": "tier", "value": str(tier)}],
        )
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "调整分级须填写理由",
            code="care.override_reason_required",
            details=[{"field": "reason"}],
        )
    before = recipient.tier
    recipient.tier, recipient.tier_override_reason = tier, reason[:200]
    recipient.save(update_fields=["tier", "tier_override_reason"])
    _log(recipient, actor, RecipientLog.Action.OVERRIDE, before, tier, reason)
    return recipient


@transaction.atomic
def recipient_override_clear(*, actor, recipient: Recipient, reason: str = "") -> Recipient:
    recipient = _manageable(actor, recipient)
    before = recipient.tier
    recipient.tier, recipient.tier_override_reason = recipient.derived_tier, ""
    recipient.save(update_fields=["tier", "tier_override_reason"])
    _log(recipient, actor, RecipientLog.Action.CLEAR_OVERRIDE, before, recipient.tier, reason)
    return recipient


@transaction.atomic
def recipient_pair(*, actor, recipient: Recipient, partner, kind: str = "") -> Recipient:
    """Pair a party member or volunteer with the person (结对); ``partner=None`` unpairs, and
    their 邻长 is responsible again."""
    recipient = _manageable(actor, recipient)
    if partner is not None:
        if kind not in PartnerKind.values:
            raise Invalid(
                "请选择结对类型（党员或志愿者）",
                code="care.partner_kind",
                details=[{"field": "kind"}],
            )
        if not partner.is_active:
            raise Invalid(
                "该账号已停用", code="care.partner_inactive", details=[{"field": "partner"}]
            )
    before = recipient.partner_id or ""
    recipient.partner = partner
    recipient.partner_kind = kind if partner is not None else ""
    recipient.save(update_fields=["partner", "partner_kind"])
    _log(recipient, actor, RecipientLog.Action.PAIR, before, partner.pk if partner else "")
    return recipient


@transaction.atomic
def recipient_end(
    *, actor, recipient: Recipient, reason: str, ended_on: dt.date | None = None
) -> Recipient:
    recipient = _manageable(actor, recipient)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "请填写退出原因", code="care.end_reason_required", details=[{"field": "reason"}]
        )
    if recipient.ended_on is not None:
        raise Conflict("该关爱对象已退出名册", code="care.already_ended")
    recipient.ended_on, recipient.end_reason = ended_on or timezone.localdate(), reason[:100]
    recipient.save(update_fields=["ended_on", "end_reason"])
    _log(recipient, actor, RecipientLog.Action.END, after=str(recipient.ended_on), reason=reason)
    return recipient


def registry_sync_from_tags(
    *, actor, community: Region, registered_on: dt.date | None = None
) -> int:
    """Register every resident of ``community`` whose ledger tags mark them vulnerable and who
    is not in the registry yet; returns how many were added."""
    if not _visible(Region.objects.filter(pk=community.pk), actor).exists():
        raise NotFound("社区不存在或无权查看", details=[{"field": "community"}])
    _require(actor, Capability.CARE_MANAGE, "当前角色无权登记关爱对象")
    tagged = Q()
    for tag in sorted(SENSITIVE_TAGS):
        tagged |= Q(**{tag: True})
    residents = Resident.objects.filter(
        tagged, household__unit__building__compound__community=community, care__isnull=True
    )
    added = 0
    for resident in residents.order_by("id"):
        recipient_register(actor=actor, resident=resident, registered_on=registered_on)
        added += 1
    return added


# ---------------------------------------------------------------------------- visits


@transaction.atomic
def care_visit_record(
    *,
    actor,
    recipients: Sequence[Recipient],
    visited_on: dt.date,
    mode: str = VisitMode.HOME,
    met: str = "",
    health: str = "",
    living: str = "",
    needs: str = "",
    follow_up: str = "",
    case_category: str | None = None,
    photos: Iterable = (),
    today: dt.date | None = None,
    now: dt.datetime | None = None,
):
    """A care visit (关爱探访) to one or more registry people of one household, written as the
    grid's one :class:`~linli.grid.models.Visit`.

    The visitor must see every person (their 邻长 and the 三长 above, workers of the region,
    or their paired visitor); otherwise the answer is the missing one. With ``case_category``
    the need is reported as a case for the household (the case loop takes it from there).
    """
    if not recipients:
        raise Invalid("请选择探访的关爱对象", code="care.recipient_required")
    ids = {r.pk for r in recipients}
    visible = list(
        _visible(Recipient.objects.filter(pk__in=ids, ended_on__isnull=True), actor, "visit")
        .select_related("resident__household")
        .order_by("id")
    )
    if len(visible) != len(ids):
        raise NotFound("关爱对象不存在或无权查看", details=[{"field": "recipients"}])
    households = {r.resident.household_id for r in visible}
    if len(households) != 1:
        raise Invalid(
            "一次探访只能记录同一户的关爱对象",
            code="care.visit_one_household",
            details=[{"field": "recipients"}],
        )
    household = visible[0].resident.household
    needs = _text(needs, "needs", "需求")
    if case_category and not needs:
        raise Invalid(
            "转为诉求前请填写需求", code="care.need_required", details=[{"field": "needs"}]
        )
    visit = visit_save(
        visitor=actor,
        household=household,
        visited_on=visited_on,
        met=(met or "").strip() or "、".join(r.resident.name for r in visible),
        mode=mode,
        health=_text(health, "health", "身体状况"),
        living=_text(living, "living", "生活状况"),
        needs=needs,
        follow_up=_text(follow_up, "follow_up", "跟进措施"),
        photos=photos,
        today=today,
    )
    visit.care_recipients.set(visible)
    if case_category:
        visit.follow_up_case = _need_to_case(
            actor=actor,
            household=household,
            person=visible[0].resident,
            needs=needs,
            category=case_category,
            when=now,
        )
        visit.save(update_fields=["follow_up_case"])
    return visit


def _need_to_case(*, actor, household: Household, person: Resident, needs: str, category, when):
    """The need found on a visit, reported into the case loop for the household."""
    from linli.cases.models import Channel
    from linli.cases.services import case_report

    # A paired resident does not see the household in the ledger's sense; the case is then
    # reported for the grid (no reporter), on the person's behalf, as the 三长 would.
    sees = actor is not None and restrict(Household.objects.filter(pk=household.pk), actor).exists()
    return case_report(
        actor=actor if sees else None,
        category=category,
        description=f"关爱探访发现需求：{needs}"[:1000],
        household=household,
        on_behalf_of=person,
        channel=Channel.LEADER,
        when=when,
    )


# ---------------------------------------------------------------------------- events


@transaction.atomic
def event_declare(
    *,
    actor,
    region: Region,
    kind: str,
    title: str,
    note: str = "",
    declared_at: dt.datetime | None = None,
) -> Event:
    """Declare an event (寒潮, 高温 …) for a region: its 高风险 people are due within 24 hours."""
    if not _visible(Region.objects.filter(pk=region.pk), actor).exists():
        raise NotFound("区域不存在或无权查看", details=[{"field": "region"}])
    _require(actor, Capability.CARE_MANAGE, "当前角色无权发布关爱事件")
    if kind not in EventKind.values:
        raise Invalid(
            "请选择事件类型",
            code="care.event_kind",
            details=[{"field": "kind", "value": str(kind)}],
        )
    title = (title or "").strip()
    if not title:
        raise Invalid("请填写事件标题", code="care.event_title", details=[{"field": "title"}])
    now = timezone.now()
    declared_at = declared_at or now
    if declared_at > now + dt.timedelta(minutes=5):
        raise Invalid(
            "发布时间不能晚于现在", code="care.event_in_future", details=[{"field": "declared_at"}]
        )
    return Event.objects.create(
        region=region,
        kind=kind,
        title=title[:100],
        note=(note or "").strip()[:300],
        declared_at=declared_at,
        declared_by=actor,
    )


# ---------------------------------------------------------------------------- reminders


def reminders_create(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily reminder job: for each visitor with people due or overdue, one
    :class:`~linli.care.models.Reminder` for the day (rerunning the day updates it)."""
    from .models import Reminder
    from .selectors import overdue_by_visitor, status_rows

    today = today or timezone.localdate()
    rows = status_rows(Recipient.objects.all(), as_of=today)
    totals = {"visitors": 0, "due": 0, "overdue": 0}
    for user_id, owed in overdue_by_visitor(rows).items():
        overdue = sum(1 for r in owed if r.status == rules.OVERDUE)
        Reminder.objects.update_or_create(
            user_id=user_id,
            day=today,
            defaults={
                "due": len(owed) - overdue,
                "overdue": overdue,
                "recipient_ids": [r.recipient.pk for r in owed],
            },
        )
        totals["visitors"] += 1
        totals["due"] += len(owed) - overdue
        totals["overdue"] += overdue
    return totals


def care_view_log(*, user, subject: str, count: int = 1, reason: str = "") -> None:
    """Log a view of people's care facts (categories, tiers, health): PIPL art. 28."""
    from linli.core.services import access_log_record

    if count:
        access_log_record(
            user=user,
            action="view",
            subject=subject,
            fields="关爱类别、探访分级",
            reason=reason or "关爱探访",
            count=count,
        )
