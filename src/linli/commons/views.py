"""Public-account pages: a resident sees the compound's account and their share; a worker or
committee member enters income and spending; the committee approves and publishes the
quarter's notice (page and A4 PDF); officials see the balances of the compounds in scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core import uploads
from linli.core.bounds import int_param
from linli.core.errors import DomainError
from linli.core.http import get_or_404
from linli.core.policy import Capability, can
from linli.ledger.models import Compound

from . import selectors, services
from .chain import verify_chain
from .models import INCOME_KINDS, SPENDING_KINDS, EntryStatus
from .pdf import notice_pdf, notice_title

RECENT = 20
PAGE = 100


def _account(request, account_id):
    return get_or_404(selectors.account_get_for, actor=request.user, account_id=account_id)


def _entry(request, entry_id):
    return get_or_404(selectors.entry_get_for, actor=request.user, entry_id=entry_id)


@login_required
def index(request):
    """Residents and committee members land on their compound's account; officials and
    workers see the compounds in scope with their balances."""
    office = can(request.user, Capability.COMMONS_OVERSEE)
    committee = can(request.user, Capability.COMMONS_APPROVE)
    accounts = selectors.accounts_overview(actor=request.user)
    if not office and len(accounts) == 1:
        return redirect("commons:account", account_id=accounts[0].pk)
    openable = []
    if office:
        openable = list(selectors.compounds_without_account(actor=request.user)[:200])
    elif committee and not accounts:  # a committee sees its own compound only
        openable = list(Compound.objects.restrict(request.user))
    total = sum((a.bal for a in accounts), selectors.ZERO)
    return render(
        request,
        "commons/index.html",
        {
            "accounts": accounts,
            "openable": openable,
            "office": office,
            "total": total,
            "pending": sum(a.pending for a in accounts),
            "queue": selectors.approval_queue(actor=request.user).count() if committee else 0,
        },
    )


@login_required
@require_POST
def account_open(request):
    compound = (
        Compound.objects.restrict(request.user).filter(pk=request.POST.get("compound") or 0).first()
    )
    if compound is None:
        raise Http404("小区不存在或无权查看")
    try:
        account = services.account_open(actor=request.user, compound=compound)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("commons:index")
    messages.success(request, f"已开设{account}")
    return redirect("commons:account", account_id=account.pk)


def _may_enter(user, account) -> bool:
    return services.may_enter(user, account)


@login_required
def account(request, account_id: int):
    account = _account(request, account_id)
    today = timezone.localdate()
    balance = selectors.balance(account)
    year_start = today.replace(month=1, day=1)
    statement = selectors.statement(account=account, start=year_start, end=today)
    notices = list(selectors.notices_for(actor=request.user, account=account)[:8])
    latest = notices[0] if notices else None
    share = selectors.my_share(actor=request.user, account=account, net=balance)
    notice_share = (
        selectors.my_share(actor=request.user, account=account, net=Decimal(latest.snapshot["net"]))
        if latest and share
        else None
    )
    drafts = selectors.sees_drafts(request.user, account)
    entries = list(
        selectors.entries_for(actor=request.user, account=account, status=EntryStatus.APPROVED)[
            :RECENT
        ]
    )
    committee = services.is_committee_of(request.user, account.compound_id)
    context = {
        "account": account,
        "compound": account.compound,
        "balance": balance,
        "statement": statement,
        "year": today.year,
        "notices": notices,
        "latest": latest,
        "share": share,
        "notice_share": notice_share,
        "entries": entries,
        "drafts": drafts,
        "pending": account.entries.filter(status=EntryStatus.PENDING).count() if drafts else 0,
        "may_enter": _may_enter(request.user, account),
        "committee": committee,
        "chain": verify_chain(account),
        "masked": not drafts,
    }
    return render(request, "commons/account.html", context)


@login_required
def entries(request, account_id: int):
    account = _account(request, account_id)
    status = request.GET.get("status") or ""
    if status not in EntryStatus.values:
        status = ""
    qs = selectors.entries_for(actor=request.user, account=account, status=status or None)
    page = int_param(request.GET.get("page"))
    rows = list(qs[(page - 1) * PAGE : page * PAGE + 1])
    return render(
        request,
        "commons/entries.html",
        {
            "account": account,
            "entries": rows[:PAGE],
            "more": len(rows) > PAGE,
            "page": page,
            "status": status,
            "statuses": EntryStatus.choices,
            "drafts": selectors.sees_drafts(request.user, account),
            "masked": not selectors.sees_drafts(request.user, account),
        },
    )


@login_required
def entry_new(request, account_id: int):
    account = _account(request, account_id)
    if not _may_enter(request.user, account):
        raise Http404("只有社区工作人员或本小区业委会成员可以录入")
    form = {"date": timezone.localdate().isoformat()}
    error = None
    if request.method == "POST":
        form = request.POST
        try:
            entry = services.entry_create(
                actor=request.user,
                account=account,
                kind=request.POST.get("kind", ""),
                amount=request.POST.get("amount", ""),
                date=request.POST.get("date", ""),
                counterparty=request.POST.get("counterparty", ""),
                counterparty_is_person=request.POST.get("counterparty_is_person") == "1",
                description=request.POST.get("description", ""),
                vouchers=request.FILES.getlist("vouchers"),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"已录入，待业委会审核（{entry.get_kind_display()} ¥{entry.amount}）"
            )
            return redirect("commons:entry", entry_id=entry.pk)
    return render(
        request,
        "commons/entry_form.html",
        {
            "account": account,
            "form": form,
            "error": error,
            "income_kinds": [(k.value, k.label) for k in INCOME_KINDS],
            "spending_kinds": [(k.value, k.label) for k in SPENDING_KINDS],
        },
    )


@login_required
def entry(request, entry_id: int):
    entry = _entry(request, entry_id)
    account = entry.account
    committee = services.is_committee_of(request.user, account.compound_id)
    pending = entry.status == EntryStatus.PENDING
    drafts = selectors.sees_drafts(request.user, account)
    return render(
        request,
        "commons/entry.html",
        {
            "entry": entry,
            "account": account,
            "vouchers": list(entry.vouchers.all()) if drafts else [],
            "may_decide": pending and committee and entry.entered_by_id != request.user.pk,
            "own_entry": pending and committee and entry.entered_by_id == request.user.pk,
            "may_reverse": entry.status == EntryStatus.APPROVED
            and not entry.is_reversal
            and _may_enter(request.user, account)
            and not entry.reversals.exclude(status=EntryStatus.REJECTED).exists(),
            "reversals": list(entry.reversals.all()) if drafts else [],
            "may_add_vouchers": pending and _may_enter(request.user, account),
            "masked": not drafts,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def entry_act(request, entry_id: int, action: str):
    entry = _entry(request, entry_id)
    back = request.POST.get("next") or ""
    try:
        if action == "approve":
            services.entry_approve(actor=request.user, entry=entry)
            messages.success(request, "已审核入账")
        elif action == "reject":
            services.entry_reject(
                actor=request.user, entry=entry, reason=request.POST.get("reason", "")
            )
            messages.success(request, "已驳回，记录保留")
        elif action == "reverse":
            reversal = services.entry_reverse(
                actor=request.user,
                entry=entry,
                reason=request.POST.get("reason", ""),
                date=request.POST.get("date") or None,
            )
            messages.success(request, "已录入冲正记录，待业委会审核")
            return redirect("commons:entry", entry_id=reversal.pk)
        elif action == "vouchers":
            services.voucher_add(
                actor=request.user, entry=entry, vouchers=request.FILES.getlist("vouchers")
            )
            messages.success(request, "已上传凭证")
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    if back == "queue":
        return redirect("commons:queue")
    return redirect("commons:entry", entry_id=entry.pk)


@login_required
def queue(request):
    """The committee's approval queue: pending entries of my compound, oldest first."""
    if not can(request.user, Capability.COMMONS_APPROVE):
        raise Http404("只有业委会成员审核")
    items = list(selectors.approval_queue(actor=request.user)[:200])
    account = selectors.accounts_for(request.user).first()
    return render(
        request, "commons/queue.html", {"items": items, "account": account, "me": request.user.pk}
    )


@login_required
def notice_new(request, account_id: int):
    account = _account(request, account_id)
    if not services.is_committee_of(request.user, account.compound_id):
        raise Http404("只有本小区业委会成员发布公示")
    today = timezone.localdate()
    year, quarter = services.last_full_quarter(today)
    form = {
        "year": year,
        "quarter": quarter,
        "display_until": (today + dt.timedelta(days=services.MIN_DISPLAY_DAYS)).isoformat(),
    }
    error = None
    if request.method == "POST":
        form = request.POST
        try:
            notice = services.notice_publish(
                actor=request.user,
                account=account,
                year=request.POST.get("year", ""),
                quarter=request.POST.get("quarter", ""),
                display_until=request.POST.get("display_until") or None,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已发布{notice}")
            return redirect("commons:notice", notice_id=notice.pk)
    start, end = services.quarter_bounds(year, quarter)
    preview = selectors.statement(account=account, start=start, end=end)
    published = (
        selectors.notices_for(actor=request.user, account=account)
        .filter(year=year, quarter=quarter)
        .first()
    )
    return render(
        request,
        "commons/notice_form.html",
        {
            "account": account,
            "form": form,
            "error": error,
            "preview": preview,
            "published": published,
            "year": year,
            "quarter": quarter,
            "min_days": services.MIN_DISPLAY_DAYS,
        },
    )


@login_required
def notice(request, notice_id: int):
    notice = get_or_404(selectors.notice_get_for, actor=request.user, notice_id=notice_id)
    s = notice.snapshot
    today = timezone.localdate()
    share = selectors.my_share(actor=request.user, account=notice.account, net=Decimal(s["net"]))
    return render(
        request,
        "commons/notice.html",
        {
            "notice": notice,
            "s": s,
            "title": notice_title(s, notice.year, notice.quarter),
            "up": notice.published_on <= today <= notice.display_until,
            "share": share,
        },
    )


@login_required
def notice_pdf_view(request, notice_id: int):
    notice = get_or_404(selectors.notice_get_for, actor=request.user, notice_id=notice_id)
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    name = f"gongshi-{notice.account_id}-{notice.year}Q{notice.quarter}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def voucher(request, voucher_id: int):
    """A voucher file, for those who see the account's drafts (vouchers may carry names);
    out of scope answers exactly like a missing id. Headers: ``linli.core.uploads``."""
    v = get_or_404(selectors.voucher_get_for, actor=request.user, voucher_id=voucher_id)
    return uploads.file_response(v.file, download_name=v.name or f"凭证-{v.pk}")
