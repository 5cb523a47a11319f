"""Fee pages: a resident's bills and receipts; the worker's fee desk (find a household, take a
payment in a few taps, print the receipt, approve waivers, run billing, see collection); the
三长's arrears list by 邻 (names masked) to follow up — by visiting and talking: nothing here
suggests cutting water, power, heat or gas to force payment (民法典 art. 944)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core.bounds import id_param
from linli.core.errors import DomainError, Invalid
from linli.core.http import get_or_404, is_htmx
from linli.core.policy import Capability, can
from linli.ledger.models import Region, RegionLevel

from . import selectors, services
from .models import USE_CHOICES, Basis, Method, PaymentVoid, Waiver, WaiverKind
from .money import AGE_BUCKETS, add_months, month_start, parse_month


def _require_desk(request) -> None:
    # a 404 like every other page a role does not have (nothing tells "exists" from "not yours")
    if not services.is_desk(request.user):
        raise Http404("只有社区工作人员或干部可以使用收费台")


_rate_pct = selectors.pct

# ------------------------------------------------------------------ resident


@login_required
def mine(request):
    """My bills, payments and receipts (read-only)."""
    profile = getattr(request.user, "profile", None)
    household_id = getattr(profile, "household_id", None)
    context = {"household": None}
    if household_id:
        household = get_or_404(
            selectors.household_get_for, actor=request.user, household_id=household_id
        )
        bills = selectors.household_bills(actor=request.user, household_id=household_id)[:36]
        context.update(
            household=household,
            address=selectors.address(household),
            balance=selectors.household_balance(household=household),
            bills=bills,
            # their own reductions (their own data); the column only when there is one
            show_waived=any(b.waived for b in bills),
            payments=selectors.household_payments(actor=request.user, household_id=household_id)[
                :24
            ],
            buckets=AGE_BUCKETS,
            compound=household.unit.building.compound,
            fees_here=selectors.fees_collected_here(household.unit.building.compound),
        )
    return render(request, "finance/mine.html", context)


@login_required
def receipt(request, payment_id: int):
    """A printable receipt (收据), for the desk and for the payer's household."""
    payment = get_or_404(selectors.payment_get_for, actor=request.user, payment_id=payment_id)
    household = payment.household
    return render(
        request,
        "finance/receipt.html",
        {
            "payment": payment,
            "address": selectors.address(household),
            "community": household.unit.building.compound.community,
            "desk": services.is_desk(request.user),
        },
    )


# ------------------------------------------------------------------ the desk


def _period_default():
    today = timezone.localdate()
    end = add_months(month_start(today), -1)
    return add_months(end, -11), end


@login_required
def desk(request):
    _require_desk(request)
    start, end = _period_default()
    rollup = selectors.collection_rollup(actor=request.user, start=start, end=end, dims=("party",))
    total = rollup["total"]
    party = {r.key: r for r in rollup["party"]}
    context = {
        "q": request.GET.get("q", ""),
        "results": selectors.household_search(actor=request.user, text=request.GET.get("q", "")),
        "total": total[0] if total else None,
        "party": party.get(True),
        "others": party.get(False),
        "start": start,
        "end": end,
        "pending": len(selectors.pending_waivers(actor=request.user))
        + len(selectors.pending_voids(actor=request.user)),
        "by_age": selectors.arrears_by_age(actor=request.user),
        "buckets": AGE_BUCKETS,
        "pct": _rate_pct,
    }
    if is_htmx(request):
        return render(request, "finance/_search_results.html", context)
    return render(request, "finance/desk.html", context)


def _household_context(request, household_id: int, **extra):
    household = get_or_404(
        selectors.household_get_for, actor=request.user, household_id=household_id
    )
    balance = selectors.household_balance(household=household)
    bills = selectors.household_bills(actor=request.user, household_id=household_id)
    context = {
        "household": household,
        "address": selectors.address(household),
        "head": selectors.head_name(household),
        "balance": balance,
        "buckets": AGE_BUCKETS,
        "open_bills": [b for b in bills if b.outstanding > 0][::-1],
        "bills": bills[:24],
        "payments": selectors.household_payments(actor=request.user, household_id=household_id)[
            :12
        ],
        "methods": Method.choices,
        "kinds": WaiverKind.choices,
        "client_token": uuid.uuid4().hex,
        "amount": f"{balance.owed:.2f}" if balance.owed else "",
        "pending": Waiver.objects.filter(
            bill__household=household, status=Waiver.Status.PENDING
        ).select_related("bill", "requested_by__profile"),
        "void_pending": set(
            PaymentVoid.objects.filter(
                payment__household=household, status=PaymentVoid.Status.PENDING
            ).values_list("payment_id", flat=True)
        ),
    }
    context.update(extra)
    return context


@login_required
def household(request, household_id: int):
    _require_desk(request)
    return render(request, "finance/household.html", _household_context(request, household_id))


@login_required
@require_POST
def pay(request, household_id: int):
    """Take a payment (htmx: the payment panel is swapped with the receipt link or the error)."""
    _require_desk(request)
    household = get_or_404(
        selectors.household_get_for, actor=request.user, household_id=household_id
    )
    form = request.POST
    try:
        payment = services.payment_record(
            actor=request.user,
            household=household,
            amount=form.get("amount", ""),
            method=form.get("method", ""),
            client_token=form.get("client_token") or None,
            prepay=form.get("prepay") == "1",
            payer_name=form.get("payer_name", ""),
        )
    except DomainError as exc:
        context = _household_context(
            request,
            household_id,
            error=exc.message,
            amount=form.get("amount", ""),
            method=form.get("method", ""),
            client_token=form.get("client_token") or uuid.uuid4().hex,
        )
        template = "finance/_pay_panel.html" if is_htmx(request) else "finance/household.html"
        return render(request, template, context, status=400 if not is_htmx(request) else 200)
    if is_htmx(request):
        context = _household_context(request, household_id, paid=payment)
        return render(request, "finance/_pay_panel.html", context)
    messages.success(request, f"已收款 ¥{payment.amount}，收据号 {payment.receipt_no}")
    return redirect("finance:receipt", payment_id=payment.pk)


@login_required
@require_POST
def waiver_request(request, bill_id: int):
    _require_desk(request)
    bill = selectors.bills_for(request.user).filter(pk=bill_id).select_related("household").first()
    if bill is None:
        raise Http404("账单不存在或无权查看")
    try:
        services.waiver_request(
            actor=request.user,
            bill=bill,
            amount=request.POST.get("amount", ""),
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "减免申请已提交，待另一位工作人员审批")
    return redirect("finance:household", household_id=bill.household_id)


@login_required
def waivers(request):
    _require_desk(request)
    return render(
        request,
        "finance/waivers.html",
        {
            "waivers": selectors.pending_waivers(actor=request.user),
            "voids": selectors.pending_voids(actor=request.user),
        },
    )


@login_required
@require_POST
def waiver_decide(request, waiver_id: int):
    _require_desk(request)
    waiver = next(
        (w for w in selectors.pending_waivers(actor=request.user) if w.pk == waiver_id), None
    )
    if waiver is None:
        messages.error(request, "该减免不存在、已审批或无权查看")
        return redirect("finance:waivers")
    try:
        services.waiver_decide(
            actor=request.user,
            waiver=waiver,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审批")
    return redirect("finance:waivers")


@login_required
@require_POST
def payment_void(request, payment_id: int):
    """Ask to void a payment (from the household page); another person approves it."""
    _require_desk(request)
    payment = get_or_404(selectors.payment_get_for, actor=request.user, payment_id=payment_id)
    try:
        services.payment_void(
            actor=request.user, payment=payment, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"收据 {payment.receipt_no} 的作废申请已提交，待另一位工作人员审批"
        )
    return redirect("finance:household", household_id=payment.household_id)


@login_required
@require_POST
def void_decide(request, void_id: int):
    _require_desk(request)
    void = next((v for v in selectors.pending_voids(actor=request.user) if v.pk == void_id), None)
    if void is None:
        messages.error(request, "该作废申请不存在、已审批或无权查看")
        return redirect("finance:waivers")
    approve = request.POST.get("decision") == "approve"
    try:
        services.payment_void_decide(
            actor=request.user, void=void, approve=approve, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"收据 {void.payment.receipt_no} 已作废，相应账单恢复为欠费"
            if approve
            else "已驳回作废申请",
        )
    return redirect("finance:waivers")


@login_required
def run(request):
    """Run billing for a compound or a community; lists the recent runs and the standards."""
    _require_desk(request)
    compounds = list(selectors.compounds_for(request.user).order_by("community__path", "name"))
    communities = list(
        Region.objects.restrict(request.user).filter(level=RegionLevel.COMMUNITY).order_by("path")
    )
    context = {
        "compounds": compounds,
        "communities": communities,
        "runs": selectors.runs_for(request.user).select_related("compound", "region")[:20],
        "schedules": selectors.schedules_for(request.user).order_by(
            "compound__name", "use", "valid_from"
        )[:100],
        "month": f"{month_start(timezone.localdate()):%Y-%m}",
        "uses": USE_CHOICES,
        "bases": Basis.choices,
        "form": {},
    }
    if request.method == "POST":
        form = request.POST
        context["form"] = form
        target = form.get("target", "")
        compound = region = None
        if target.startswith("c"):
            compound = next((c for c in compounds if f"c{c.pk}" == target), None)
        elif target.startswith("r"):
            region = next((r for r in communities if f"r{r.pk}" == target), None)
        try:
            if compound is None and region is None:
                raise Invalid("请选择出账的小区或社区", code="finance.bad_scope")
            try:
                months = int(form.get("months") or 1)
            except ValueError:
                raise Invalid("月数应为1到12", code="finance.bad_months") from None
            result = services.bill_run(
                actor=request.user,
                period_start=form.get("period_start", ""),
                months=months,
                compound=compound,
                region=region,
            )
        except DomainError as exc:
            context["error"] = exc.message
        else:
            messages.success(
                request,
                f"出账完成：{result.period_start:%Y-%m}起{result.months}个月，"
                f"新生成 {result.bills_created} 张（¥{result.amount_created}），"
                f"已有 {result.bills_existing} 张未重复生成"
                + (f"，缺面积 {result.skipped_no_area} 户" if result.skipped_no_area else "")
                + (
                    f"，无适用标准 {result.skipped_no_schedule} 户"
                    if result.skipped_no_schedule
                    else ""
                ),
            )
            return redirect("finance:run")
    return render(request, "finance/run.html", context)


@login_required
@require_POST
def schedule_create(request):
    """Add a fee standard (from the run page)."""
    _require_desk(request)
    form = request.POST
    compound = selectors.compounds_for(request.user).filter(pk=form.get("compound") or 0).first()
    try:
        if compound is None:
            raise Invalid("请选择小区", code="finance.bad_scope")
        schedule = services.schedule_create(
            actor=request.user,
            compound=compound,
            basis=form.get("basis", ""),
            price=form.get("price", ""),
            use=form.get("use", ""),
            valid_from=form.get("valid_from", ""),
            valid_to=form.get("valid_to") or None,
            name=form.get("name") or "物业服务费",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已新增收费标准：{schedule}")
    return redirect("finance:run")


@login_required
def rates(request):
    """Collection rates, both kinds, by compound / building / 邻 / party membership."""
    _require_desk(request)
    default_start, default_end = _period_default()
    by = request.GET.get("by", "compound")
    if by not in dict(selectors.GROUPS):
        by = "compound"
    try:
        start = parse_month(request.GET.get("start") or default_start)
        end = parse_month(request.GET.get("end") or default_end)
    except DomainError:
        start, end = default_start, default_end
    if end < start:
        start, end = end, start
    dims = (by,) if by == "party" else (by, "party")
    rollup = selectors.collection_rollup(actor=request.user, start=start, end=end, dims=dims)
    rows, total, party = rollup[by], rollup["total"], rollup["party"]
    return render(
        request,
        "finance/rates.html",
        {
            "rows": rows,
            "total": total[0] if total else None,
            "party": party,
            "by": by,
            "groups": [g for g in selectors.GROUPS if g[0] != "total"],
            "start": start,
            "end": end,
            "pct": _rate_pct,
        },
    )


# ------------------------------------------------------------------ the 三长


@login_required
def arrears(request):
    if not (services.is_desk(request.user) or can(request.user, Capability.FINANCE_ARREARS)):
        raise Http404("欠费名单仅供三长和社区工作人员跟进")
    compound_id = request.GET.get("compound")
    compound_id = id_param(compound_id)
    if services.is_desk(request.user) and compound_id is None:
        compounds = list(selectors.compounds_for(request.user).order_by("name"))
        if len(compounds) > 1:
            with_bills = set(
                selectors.bills_for(request.user)
                .filter(outstanding__gt=0)
                .values_list("compound_id", flat=True)
                .distinct()
            )
            compounds = [c for c in compounds if c.pk in with_bills]
            if compounds:
                compound_id = compounds[0].pk
    else:
        compounds = []
    groups = selectors.arrears(actor=request.user, compound_id=compound_id)
    return render(
        request,
        "finance/arrears.html",
        {
            "groups": groups,
            "buckets": AGE_BUCKETS,
            "households": sum(len(g["households"]) for g in groups),
            "owed": sum((g["owed"] for g in groups), 0),
            "compounds": compounds,
            "compound_id": compound_id,
            "desk": services.is_desk(request.user),
            "desk_url": reverse("finance:desk"),
        },
    )
