"""The rest of a volunteer's record and what it earns: training, awards, evaluations,
certificates (a number per issuer and year), points and the 积分超市.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from linli.core.errors import Conflict, Invalid, NotFound
from linli.ledger.models import Region

from ..models import (
    Award,
    Certificate,
    CertificateSequence,
    Correction,
    CorrectionStatus,
    Evaluation,
    PointEntry,
    PointKind,
    RecordStatus,
    RewardItem,
    ServiceRecord,
    Training,
    Volunteer,
)
from .rules import _now, _require_manager

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
