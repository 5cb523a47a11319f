"""Public-accounts API: accounts in the viewer's scope, entries (create, approve, reject,
reverse, vouchers), quarterly notices and the chain check. Out of scope is 404."""

from __future__ import annotations

from django.urls import reverse
from ninja import File, Query, Router, Status, UploadedFile

from linli.core.bounds import Id, Limit, Offset
from linli.core.errors import Invalid, NotFound
from linli.core.privacy import mask_name
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS
from linli.ledger.models import Compound

from . import selectors, services
from .chain import verify_chain
from .models import Entry, EntryStatus, Notice, PublicAccount
from .schemas import (
    AccountIn,
    AccountOut,
    ChainOut,
    EntryIn,
    EntryOut,
    NoticeIn,
    NoticeOut,
    ReasonIn,
    ReverseIn,
)

router = Router(tags=["公共收益"])
MAX_LIST = 500


def account_out(account: PublicAccount, *, user=None, balance=None, pending=None) -> dict:
    balance = selectors.balance(account) if balance is None else balance
    out = {
        "id": account.pk,
        "compound_id": account.compound_id,
        "compound": account.compound.name,
        "community": account.compound.community.name,
        "balance": str(selectors._money(balance)),
        "head_sequence": account.head_sequence,
        "head_hash": account.head_hash,
        "closed_through": account.closed_through,
        "pending": pending,
    }
    if user is not None:
        share = selectors.my_share(actor=user, account=account, net=balance)
        if share:
            out["my_share"] = {
                "household_id": share["household"].pk,
                "area": str(share["area"]),
                "total_area": str(share["total_area"]),
                "households": share["households"],
                "net": str(share["net"]),
                "share": str(share["share"]),
            }
    return out


def entry_out(entry: Entry, *, full: bool) -> dict:
    """``full``: the committee and officials; others see persons' names masked."""

    def person(name: str) -> str:
        return name if full else mask_name(name)

    return {
        "id": entry.pk,
        "number": entry.number,
        "account_id": entry.account_id,
        "direction": entry.direction,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "amount": str(entry.amount),
        "signed_amount": str(entry.signed_amount),
        "date": entry.date,
        "counterparty": entry.counterparty
        if full or not entry.counterparty_is_person
        else mask_name(entry.counterparty),
        "description": entry.description,
        "status": entry.status,
        "status_label": entry.get_status_display(),
        "reverses_id": entry.reverses_id,
        "reverses_number": (
            entry.reverses.number if entry.reverses_id and entry.reverses is not None else None
        ),
        "entered_by": person(entry.entered_by_name),
        "entered_at": entry.entered_at,
        "decided_by": person(entry.decided_by_name),
        "decided_at": entry.decided_at,
        "reject_reason": entry.reject_reason,
        "sequence": entry.sequence,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "vouchers": [
            {
                "id": v.pk,
                "name": v.name,
                "content_type": v.content_type,
                "size": v.size,
                "sha256": v.sha256,
                "url": reverse("commons:voucher", args=[v.pk]),
            }
            for v in entry.vouchers.all()
        ],
    }


def notice_out(notice: Notice) -> dict:
    return {
        "id": notice.pk,
        "account_id": notice.account_id,
        "year": notice.year,
        "quarter": notice.quarter,
        "period_start": notice.period_start,
        "period_end": notice.period_end,
        "published_on": notice.published_on,
        "display_until": notice.display_until,
        "head_sequence": notice.head_sequence,
        "head_hash": notice.head_hash,
        "snapshot_hash": notice.snapshot_hash,
        "snapshot": notice.snapshot,
        "pdf_url": reverse("commons:notice_pdf", args=[notice.pk]),
    }


def _entry(request, entry_id: Id) -> Entry:
    return selectors.entry_get_for(actor=request.user, entry_id=entry_id)


def _full(request, entry: Entry) -> bool:
    return selectors.sees_drafts(request.user, entry.account)


@router.get(
    "/accounts",
    response={200: list[AccountOut], **READ_ERRORS},
    summary="可见范围内的公共收益账户及结余",
)
def account_list(request):
    return [
        account_out(a, balance=a.bal, pending=a.pending)
        for a in selectors.accounts_overview(actor=request.user)
    ]


@router.post(
    "/accounts", response={201: AccountOut, **WRITE_ERRORS}, summary="开设小区公共收益账户"
)
def account_create(request, payload: AccountIn):
    compound = Compound.objects.restrict(request.user).filter(pk=payload.compound_id).first()
    if compound is None:
        raise NotFound("小区不存在或无权查看")
    account = services.account_open(actor=request.user, compound=compound)
    return Status(201, account_out(account, balance=selectors.ZERO))


@router.get(
    "/accounts/{int:account_id}",
    response={200: AccountOut, **READ_ERRORS},
    summary="账户结余与本户份额",
)
def account_detail(request, account_id: Id):
    account = selectors.account_get_for(actor=request.user, account_id=account_id)
    return account_out(account, user=request.user)


@router.get(
    "/accounts/{int:account_id}/entries",
    response={200: list[EntryOut], **READ_ERRORS},
    summary="收支记录（居民只见已入账的）",
)
def entry_list(
    request,
    account_id: Id,
    status: str | None = Query(None, max_length=20),
    limit: Limit = 100,
    offset: Offset = 0,
):
    account = selectors.account_get_for(actor=request.user, account_id=account_id)
    if status and status not in EntryStatus.values:
        raise Invalid(
            "状态应为 pending / approved / rejected",
            code="commons.bad_status",
            details=[{"field": "status", "value": status}],
        )
    limit = max(1, min(limit, MAX_LIST))
    qs = selectors.entries_for(actor=request.user, account=account, status=status)
    full = selectors.sees_drafts(request.user, account)
    return [
        entry_out(e, full=full) for e in qs.prefetch_related("vouchers")[offset : offset + limit]
    ]


@router.post(
    "/accounts/{int:account_id}/entries",
    response={201: EntryOut, **WRITE_ERRORS},
    summary="录入收支（待审核）",
)
def entry_create(request, account_id: Id, payload: EntryIn):
    account = selectors.account_get_for(actor=request.user, account_id=account_id)
    entry = services.entry_create(actor=request.user, account=account, **payload.dict())
    return Status(201, entry_out(entry, full=True))


@router.get(
    "/entries/{int:entry_id}", response={200: EntryOut, **READ_ERRORS}, summary="收支记录详情"
)
def entry_detail(request, entry_id: Id):
    entry = _entry(request, entry_id)
    return entry_out(entry, full=_full(request, entry))


@router.post(
    "/entries/{int:entry_id}/vouchers",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="上传凭证（图片或PDF）",
)
def entry_vouchers(request, entry_id: Id, files: File[list[UploadedFile]]):
    entry = _entry(request, entry_id)
    services.voucher_add(actor=request.user, entry=entry, vouchers=files)
    return entry_out(_entry(request, entry_id), full=True)


@router.post(
    "/entries/{int:entry_id}/approve",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="业委会审核入账",
)
def entry_approve(request, entry_id: Id):
    entry = services.entry_approve(actor=request.user, entry=_entry(request, entry_id))
    return entry_out(entry, full=True)


@router.post(
    "/entries/{int:entry_id}/reject",
    response={200: EntryOut, **WRITE_ERRORS},
    summary="业委会驳回（保留记录）",
)
def entry_reject(request, entry_id: Id, payload: ReasonIn):
    entry = services.entry_reject(
        actor=request.user, entry=_entry(request, entry_id), reason=payload.reason
    )
    return entry_out(entry, full=True)


@router.post(
    "/entries/{int:entry_id}/reverse",
    response={201: EntryOut, **WRITE_ERRORS},
    summary="冲正已入账记录（待审核）",
)
def entry_reverse(request, entry_id: Id, payload: ReverseIn):
    reversal = services.entry_reverse(
        actor=request.user,
        entry=_entry(request, entry_id),
        reason=payload.reason,
        date=payload.date,
    )
    return Status(201, entry_out(reversal, full=True))


@router.get(
    "/accounts/{int:account_id}/notices",
    response={200: list[NoticeOut], **READ_ERRORS},
    summary="已发布的公示",
)
def notice_list(request, account_id: Id):
    account = selectors.account_get_for(actor=request.user, account_id=account_id)
    return [notice_out(n) for n in selectors.notices_for(actor=request.user, account=account)]


@router.post(
    "/accounts/{int:account_id}/notices",
    response={201: NoticeOut, **WRITE_ERRORS},
    summary="发布季度公示（业委会）",
)
def notice_create(request, account_id: Id, payload: NoticeIn):
    account = selectors.account_get_for(actor=request.user, account_id=account_id)
    notice = services.notice_publish(actor=request.user, account=account, **payload.dict())
    return Status(201, notice_out(notice))


@router.get(
    "/notices/{int:notice_id}", response={200: NoticeOut, **READ_ERRORS}, summary="公示详情"
)
def notice_detail(request, notice_id: Id):
    return notice_out(selectors.notice_get_for(actor=request.user, notice_id=notice_id))


@router.get(
    "/accounts/{int:account_id}/verify",
    response={200: ChainOut, **READ_ERRORS},
    summary="校验哈希链（防篡改）",
)
def account_verify(request, account_id: Id):
    account = selectors.account_get_for(actor=request.user, account_id=account_id)
    return verify_chain(account).as_dict()
