"""Writes to the public accounts: open an account, enter an entry (with vouchers), approve or
reject it, reverse a posted one, publish a quarter's notice.

Every function is keyword-only and atomic: it checks everything first and raises
:class:`DomainError` (``commons.*``) with nothing written, or writes it all. Approval takes a
row lock on the account (``select_for_update``; SQLite's ``IMMEDIATE`` transactions do the same)
and only then reads the head, so two approvals at once get consecutive sequence numbers.

``when`` backdates the step (the demo); it defaults to now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core import money
from linli.core.approval import require_second_person
from linli.core.errors import Conflict, Forbidden, Invalid
from linli.core.policy import Capability, actor_of, can
from linli.core.privacy import mask_name
from linli.core.uploads import IMAGES_AND_PDF, AcceptedFile, accept_uploads
from linli.ledger.models import Compound

from . import chain, selectors
from .models import (
    KIND_DIRECTION,
    Direction,
    Entry,
    EntryStatus,
    Kind,
    Notice,
    PublicAccount,
    Voucher,
)

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
MAX_VOUCHERS = 6
MIN_DISPLAY_DAYS = 15  # each notice stays up at least 15 days (domain rules §5)
MAX_TEXT = 500


# ---------------------------------------------------------------- helpers


def _now(when: dt.datetime | None) -> dt.datetime:
    return (when or timezone.now()).replace(microsecond=0)


def person_name(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()


def is_committee_of(user, compound_id: int) -> bool:
    """A 业委会 member of that compound (``Capability.COMMONS_APPROVE``, profile.compound)."""
    return can(user, Capability.COMMONS_APPROVE) and actor_of(user).compound_id == compound_id


def _in_scope(user, compound_id: int) -> bool:
    return Compound.objects.restrict(user).filter(pk=compound_id).exists()


def may_enter(user, account: PublicAccount) -> bool:
    """Entries are entered by a community worker of the compound's region or a committee member
    of the compound."""
    if is_committee_of(user, account.compound_id):
        return True
    return can(user, Capability.COMMONS_ENTER) and _in_scope(user, account.compound_id)


def may_open(user, compound: Compound) -> bool:
    if is_committee_of(user, compound.pk):
        return True
    return can(user, Capability.COMMONS_OVERSEE) and _in_scope(user, compound.pk)


def parse_amount(value, *, field: str = "amount") -> Decimal:
    """A positive amount in 元 with at most two decimals (``linli.core.money``)."""
    return money.parse_amount(
        value, app="commons", field=field, hint="支出请选择支出类别，不要填负数"
    )


def _parse_date(value, *, field: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(
            f"日期“{value}”应为 YYYY-MM-DD",
            code="commons.bad_date",
            details=[{"field": field, "value": str(value)}],
        ) from None


def _text(value, *, field: str, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(f"请填写{what}", code=f"commons.{field}_required", details=[{"field": field}])
    if len(value) > limit:
        raise Invalid(
            f"{what}不能超过 {limit} 字",
            code=f"commons.{field}_too_long",
            details=[{"field": field}],
        )
    return value


def _check_open_date(account: PublicAccount, day: dt.date, *, today: dt.date) -> None:
    if day > today:
        raise Invalid(
            f"发生日期 {day} 晚于今天",
            code="commons.future_date",
            details=[{"field": "date", "value": day.isoformat()}],
        )
    if account.closed_through and day <= account.closed_through:
        raise Invalid(
            f"{account.closed_through} 及以前的收支已公示，不能再入账；"
            "更正请在之后的期间录入冲正记录",
            code="commons.period_closed",
            details=[{"field": "date", "value": day.isoformat()}],
        )


def _validate_vouchers(files: Iterable) -> list[AcceptedFile]:
    """A photo of the receipt (JPEG/PNG/WebP, re-encoded) or a PDF, sniffed from the bytes
    (``linli.core.uploads``); the uploader's name and declared type are never kept."""
    files = [f for f in files if f]
    if len(files) > MAX_VOUCHERS:
        raise Invalid(
            f"每笔最多上传 {MAX_VOUCHERS} 个凭证",
            code="commons.too_many_vouchers",
            details=[{"field": "vouchers"}],
        )
    return accept_uploads(
        files, app="commons", kinds=IMAGES_AND_PDF, field_name="vouchers", what="凭证"
    )


def _save_vouchers(entry: Entry, files: list[AcceptedFile]) -> list[Voucher]:
    """Store each accepted file; ``sha256`` is of the bytes stored (what the chain covers)."""
    saved = []
    for accepted in files:
        voucher = Voucher(
            entry=entry,
            file=accepted.as_file(),
            name=accepted.display_name[:200],
            content_type=accepted.kind.content_type,
            size=accepted.size,
            sha256=accepted.sha256,
        )
        voucher.save()
        saved.append(voucher)
    return saved


def _lock_account(account: PublicAccount) -> PublicAccount:
    return (
        PublicAccount.objects.select_for_update(of=("self",))
        .select_related("compound")
        .get(pk=account.pk)
    )


def _lock_entry(entry: Entry) -> Entry:
    return Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)


# ---------------------------------------------------------------- accounts


@transaction.atomic
def account_open(*, actor, compound: Compound, when: dt.datetime | None = None) -> PublicAccount:
    """Open the compound's public account (one per compound)."""
    if not may_open(actor, compound):
        raise Forbidden(
            "只有本小区业委会成员或辖区干部、社区工作人员可以开设公共收益账户",
            code="commons.not_allowed",
        )
    if PublicAccount.objects.filter(compound=compound).exists():
        raise Conflict(
            f"{compound.name}已开设公共收益账户",
            code="commons.account_exists",
            details=[{"field": "compound", "value": compound.pk}],
        )
    try:
        with transaction.atomic():
            return PublicAccount.objects.create(
                compound=compound,
                name=f"{compound.name}公共收益账户",
                opened_at=_now(when),
                opened_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            f"{compound.name}已开设公共收益账户", code="commons.account_exists"
        ) from None


# ---------------------------------------------------------------- entries


@transaction.atomic
def entry_create(
    *,
    actor,
    account: PublicAccount,
    kind: str,
    amount,
    date,
    counterparty: str,
    description: str,
    counterparty_is_person: bool = False,
    vouchers: Iterable = (),
    when: dt.datetime | None = None,
) -> Entry:
    """Enter an income or spending; it waits for the committee's approval (待审核)."""
    if not may_enter(actor, account):
        raise Forbidden(
            "只有社区工作人员或本小区业委会成员可以录入公共收益收支", code="commons.not_allowed"
        )
    if kind not in Kind.values:
        raise Invalid(
            f"没有“{kind}”这个收支类别",
            code="commons.bad_kind",
            details=[{"field": "kind", "value": str(kind)}],
        )
    amount = parse_amount(amount)
    now = _now(when)
    day = _parse_date(date)
    _check_open_date(account, day, today=timezone.localdate(now))
    counterparty = _text(counterparty, field="counterparty", what="对方单位或个人", limit=100)
    description = _text(description, field="description", what="摘要（收支事由）")
    files = _validate_vouchers(vouchers)
    entry = Entry.objects.create(
        account=account,
        direction=KIND_DIRECTION[Kind(kind)],
        kind=kind,
        amount=amount,
        date=day,
        counterparty=counterparty,
        counterparty_is_person=bool(counterparty_is_person),
        description=description,
        entered_by=actor,
        entered_by_name=person_name(actor),
        entered_at=now,
    )
    _save_vouchers(entry, files)
    return entry


@transaction.atomic
def voucher_add(*, actor, entry: Entry, vouchers: Iterable) -> list[Voucher]:
    """Attach more vouchers to an entry still waiting for approval."""
    entry = _lock_entry(entry)
    if not may_enter(actor, entry.account):
        raise Forbidden("无权为该记录添加凭证", code="commons.not_allowed")
    if entry.status != EntryStatus.PENDING:
        raise Conflict(
            f"该记录{entry.get_status_display()}，不能再添加凭证", code="commons.not_pending"
        )
    files = _validate_vouchers(vouchers)
    if not files:
        raise Invalid(
            "请选择凭证文件", code="commons.vouchers_required", details=[{"field": "vouchers"}]
        )
    if entry.vouchers.count() + len(files) > MAX_VOUCHERS:
        raise Invalid(
            f"每笔最多 {MAX_VOUCHERS} 个凭证",
            code="commons.too_many_vouchers",
            details=[{"field": "vouchers"}],
        )
    return _save_vouchers(entry, files)


def _check_decider(actor, entry: Entry, account: PublicAccount, what: str) -> None:
    if not is_committee_of(actor, account.compound_id):
        raise Forbidden(
            f"只有{account.compound.name}业委会成员可以{what}", code="commons.not_committee"
        )
    require_second_person(
        actor,
        entry.entered_by_id,
        code="commons.self_approval",
        message=f"录入人不能{what}自己录入的记录，请由另一位业委会成员{what}",
        what=what,
    )


@transaction.atomic
def entry_approve(*, actor, entry: Entry, when: dt.datetime | None = None) -> Entry:
    """The committee approves: the entry is posted (入账), numbered and chained."""
    account = _lock_account(entry.account)  # the lock serialises the account's head
    entry = _lock_entry(entry)
    _check_decider(actor, entry, account, "审核")
    if entry.status != EntryStatus.PENDING:
        raise Conflict(
            f"该记录{entry.get_status_display()}，不能再审核",
            code="commons.not_pending",
            details=[{"field": "status", "value": entry.status}],
        )
    now = _now(when)
    if account.closed_through and entry.date <= account.closed_through:
        raise Conflict(
            f"该记录发生于 {entry.date}，该期间已公示，不能再入账；请驳回后按新的日期重新录入",
            code="commons.period_closed",
        )
    if entry.reverses_id is not None:
        original = Entry.objects.get(pk=entry.reverses_id)
        if original.status != EntryStatus.APPROVED:
            raise Conflict("被冲正的原记录未入账", code="commons.bad_reversal")
    entry.status = EntryStatus.APPROVED
    entry.decided_by = actor
    entry.decided_by_name = person_name(actor)
    entry.decided_at = now
    entry.sequence = account.head_sequence + 1
    entry.prev_hash = account.head_hash
    entry.hash = chain.entry_hash(entry, list(entry.vouchers.values_list("sha256", flat=True)))
    entry.save()
    account.head_sequence = entry.sequence
    account.head_hash = entry.hash
    account.save(update_fields=["head_sequence", "head_hash"])
    return entry


@transaction.atomic
def entry_reject(*, actor, entry: Entry, reason: str, when: dt.datetime | None = None) -> Entry:
    """The committee rejects a draft; it is kept with the reason and never counts."""
    account = entry.account
    entry = _lock_entry(entry)
    _check_decider(actor, entry, account, "驳回")
    reason = _text(reason, field="reason", what="驳回理由")
    if entry.status != EntryStatus.PENDING:
        raise Conflict(
            f"该记录{entry.get_status_display()}，不能驳回",
            code="commons.not_pending",
            details=[{"field": "status", "value": entry.status}],
        )
    entry.status = EntryStatus.REJECTED
    entry.decided_by = actor
    entry.decided_by_name = person_name(actor)
    entry.decided_at = _now(when)
    entry.reject_reason = reason
    entry.save()
    return entry


@transaction.atomic
def entry_reverse(
    *,
    actor,
    entry: Entry,
    reason: str,
    date=None,
    vouchers: Iterable = (),
    when: dt.datetime | None = None,
) -> Entry:
    """Enter the reversal (冲正) of a posted entry: same kind and amount, the opposite effect,
    dated in an open period (today by default). It must be approved like any entry."""
    original = _lock_entry(entry)
    account = original.account
    if not may_enter(actor, account):
        raise Forbidden(
            "只有社区工作人员或本小区业委会成员可以录入冲正记录", code="commons.not_allowed"
        )
    if original.status != EntryStatus.APPROVED:
        raise Conflict(
            "只能冲正已入账的记录；待审核的记录请直接驳回", code="commons.reverse_not_posted"
        )
    if original.reverses_id is not None:
        raise Conflict(
            "冲正记录不能再被冲正；如需恢复，请重新录入一笔", code="commons.reverse_reversal"
        )
    if original.reversals.filter(status__in=[EntryStatus.PENDING, EntryStatus.APPROVED]).exists():
        raise Conflict(f"记录 {original.number} 已有冲正记录", code="commons.already_reversed")
    reason = _text(reason, field="reason", what="冲正理由")
    now = _now(when)
    day = _parse_date(date) if date else timezone.localdate(now)
    _check_open_date(account, day, today=timezone.localdate(now))
    if day < original.date:
        raise Invalid(
            "冲正日期不能早于原记录的日期",
            code="commons.reverse_before_original",
            details=[{"field": "date", "value": day.isoformat()}],
        )
    files = _validate_vouchers(vouchers)
    try:
        with transaction.atomic():
            reversal = Entry.objects.create(
                account=account,
                direction=original.direction,
                kind=original.kind,
                amount=original.amount,
                date=day,
                counterparty=original.counterparty,
                counterparty_is_person=original.counterparty_is_person,
                description=f"冲正 {original.number}：{reason}"[:MAX_TEXT],
                reverses=original,
                entered_by=actor,
                entered_by_name=person_name(actor),
                entered_at=now,
            )
    except IntegrityError:
        raise Conflict(
            f"记录 {original.number} 已有冲正记录", code="commons.already_reversed"
        ) from None
    _save_vouchers(reversal, files)
    return reversal


# ---------------------------------------------------------------- notices


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise Invalid(
            "季度应为 1–4",
            code="commons.bad_quarter",
            details=[{"field": "quarter", "value": str(quarter)}],
        )
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def last_full_quarter(today: dt.date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if q == 1 else (today.year, q - 1)


@transaction.atomic
def notice_publish(
    *,
    actor,
    account: PublicAccount,
    year: int,
    quarter: int,
    display_until=None,
    when: dt.datetime | None = None,
) -> Notice:
    """Publish the quarter's notice (公示): a frozen snapshot and the chain head at publication.

    The quarter must be over, with nothing dated on or before its end still waiting for
    approval; afterwards nothing dated on or before its end can be posted (the account's
    ``closed_through``), so the figures printed stay the figures of the ledger.
    """
    account = _lock_account(account)
    if not is_committee_of(actor, account.compound_id):
        raise Forbidden(
            f"只有{account.compound.name}业委会成员可以发布公示", code="commons.not_committee"
        )
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise Invalid("年度或季度不是数字", code="commons.bad_quarter") from None
    if not 2000 <= year <= 2100:
        raise Invalid(
            "年度不正确",
            code="commons.bad_quarter",
            details=[{"field": "year", "value": str(year)}],
        )
    start, end = quarter_bounds(year, quarter)
    now = _now(when)
    today = timezone.localdate(now)
    if end >= today:
        raise Invalid(
            f"{year}年第{quarter}季度尚未结束，结束后才能公示",
            code="commons.quarter_not_over",
            details=[{"field": "quarter", "value": str(quarter)}],
        )
    if Notice.objects.filter(account=account, year=year, quarter=quarter).exists():
        raise Conflict(
            f"{year}年第{quarter}季度已公示，公示发布后不能修改", code="commons.notice_exists"
        )
    if account.closed_through and end <= account.closed_through:
        raise Conflict(
            f"{account.closed_through} 以前已有更晚的公示，不能再公示更早的季度",
            code="commons.period_closed",
        )
    pending = Entry.objects.filter(account=account, status=EntryStatus.PENDING, date__lte=end)
    if pending.exists():
        raise Conflict(
            f"截至 {end} 还有 {pending.count()} 笔收支待审核，请先审核或驳回",
            code="commons.pending_in_period",
        )
    until = _parse_date(display_until, field="display_until") if display_until else None
    until = until or today + dt.timedelta(days=MIN_DISPLAY_DAYS)
    earliest = today + dt.timedelta(days=MIN_DISPLAY_DAYS)
    if until < earliest:
        raise Invalid(
            f"公示期不少于 {MIN_DISPLAY_DAYS} 天（至少到 {earliest}）",
            code="commons.display_too_short",
            details=[{"field": "display_until", "value": until.isoformat()}],
        )
    snapshot = selectors.notice_snapshot(account=account, start=start, end=end)
    snapshot.update(
        {
            "year": year,
            "quarter": quarter,
            "published_on": today.isoformat(),
            "display_until": until.isoformat(),
            "published_by": mask_name(person_name(actor)),
            "head_sequence": account.head_sequence,
            "head_hash": account.head_hash,
        }
    )
    notice = Notice.objects.create(
        account=account,
        year=year,
        quarter=quarter,
        period_start=start,
        period_end=end,
        published_at=now,
        published_on=today,
        display_until=until,
        published_by=actor,
        published_by_name=person_name(actor),
        snapshot=snapshot,
        snapshot_hash=chain.snapshot_hash(snapshot),
        head_sequence=account.head_sequence,
        head_hash=account.head_hash,
    )
    account.closed_through = end
    account.save(update_fields=["closed_through"])
    return notice


__all__ = [
    "Direction",
    "account_open",
    "entry_approve",
    "entry_create",
    "entry_reject",
    "entry_reverse",
    "last_full_quarter",
    "notice_publish",
    "parse_amount",
    "quarter_bounds",
    "voucher_add",
]
