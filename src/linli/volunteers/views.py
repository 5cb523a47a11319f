"""Pages: the volunteer's phone (my activities, sign up, check in, my hours, my certificate,
my points), the organiser's roll and approvals, and the public certificate check ``/v/<token>/``.
Thin: each view is scope → selector or service → template; a DomainError a view leaves
becomes the Chinese error page (core.middleware)."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError, NotFound
from linli.core.policy import Capability, can, get_or_404
from linli.core.privacy import mask_name
from linli.core.services import access_log_record

from . import selectors, services
from .models import Certificate, PointEntry, RecordStatus, Shift, SignUp, SignUpStatus
from .pdf import certificate_pdf

PAGE_ROWS = 100


def _own_capability(request) -> None:
    if not can(request.user, Capability.VOLUNTEERS_OWN):
        raise Http404()


def _organiser(request):
    """The activities the user organises; a user who organises none and is not the office
    finds no organiser page (404, as missing)."""
    activities = selectors.organised_activities(request.user)
    if not can(request.user, Capability.VOLUNTEERS_MANAGE) and not activities.exists():
        raise Http404()
    return activities


def _local_dt(value: str, field: str) -> dt.datetime:
    parsed = parse_datetime(value or "")
    if parsed is None:
        from linli.core.errors import Invalid

        raise Invalid(
            f"时间格式不对：{value}", code="volunteers.bad_time", details=[{"field": field}]
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# --- the volunteer's phone --------------------------------------------------------------------


@login_required
def mine(request):
    """我的志愿服务: hours, stars, points; the shifts to sign up for; my sign-ups."""
    _own_capability(request)
    volunteer = selectors.my_volunteer(request.user)
    if volunteer is None:
        return render(request, "volunteers/not_volunteer.html")
    now = timezone.now()
    my_signups = {
        s.shift_id: s
        for s in SignUp.objects.filter(volunteer=volunteer, shift__end__gt=now).select_related(
            "shift__activity"
        )
    }
    shifts = list(selectors.upcoming_shifts(user=request.user, now=now)[:30])
    for s in shifts:
        s.mine = my_signups.get(s.pk)
    context = {
        **selectors.summary(volunteer),
        "shifts": shifts,
        "certificates": volunteer.certificates.all()[:5],
        "now": now,
    }
    return render(request, "volunteers/mine.html", context)


@login_required
@require_POST
def signup(request, shift_id: int):
    _own_capability(request)
    shift = get_or_404(Shift.objects.all(), request.user, pk=shift_id)
    services.signup_create(actor=request.user, shift=shift)
    messages.success(request, f"已报名：{shift.activity.title}")
    return redirect("volunteers:mine")


@login_required
@require_POST
def withdraw(request, signup_id: int):
    _own_capability(request)
    mine_ = SignUp.objects.filter(pk=signup_id, volunteer__user=request.user).first()
    if mine_ is None:
        raise Http404()
    services.signup_withdraw(actor=request.user, signup=mine_)
    messages.success(request, "已取消报名")
    return redirect("volunteers:mine")


@login_required
def checkin(request, token: str):
    """The page the activity's QR code opens on the volunteer's phone: 签到 / 签退."""
    shift = services.checkin_token_read(token)
    volunteer = selectors.my_volunteer(request.user)
    record = shift.records.filter(volunteer=volunteer).first() if volunteer is not None else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "in":
                record = services.record_check_in(actor=request.user, shift=shift)
                messages.success(request, f"签到成功：{timezone.localtime(record.check_in):%H:%M}")
            elif action == "out":
                record = services.record_check_out(actor=request.user, shift=shift)
                messages.success(request, f"签退成功，本次计 {record.hours} 小时，待组织人确认")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("volunteers:checkin", token=token)
    context = {"shift": shift, "volunteer": volunteer, "record": record, "token": token}
    return render(request, "volunteers/checkin.html", context)


@login_required
def hours(request):
    """我的时长: every record, its status, and a correction form for each."""
    _own_capability(request)
    volunteer = selectors.my_volunteer(request.user)
    if volunteer is None:
        return render(request, "volunteers/not_volunteer.html")
    records = list(
        volunteer.records.select_related("shift__activity").prefetch_related("corrections")[
            :PAGE_ROWS
        ]
    )
    for r in records:
        r.pending_correction = any(c.status == "pending" for c in r.corrections.all())
        r.last_correction = max(r.corrections.all(), key=lambda c: c.requested_at, default=None)
    context = {**selectors.summary(volunteer), "records": records, "Status": RecordStatus}
    return render(request, "volunteers/hours.html", context)


@login_required
@require_POST
def correction(request, record_id: int):
    _own_capability(request)
    record = selectors.my_record(user=request.user, pk=record_id)
    services.correction_request(
        actor=request.user,
        record=record,
        reason=request.POST.get("reason", ""),
        check_in=_local_dt(request.POST.get("check_in", ""), "check_in"),
        check_out=_local_dt(request.POST.get("check_out", ""), "check_out"),
    )
    messages.success(request, "更正申请已提交，等待组织人核实")
    return redirect("volunteers:hours")


@login_required
def points(request):
    """我的积分 and the 积分超市."""
    _own_capability(request)
    volunteer = selectors.my_volunteer(request.user)
    if volunteer is None:
        return render(request, "volunteers/not_volunteer.html")
    if request.method == "POST":
        item = selectors.reward_items(volunteer).filter(pk=request.POST.get("item")).first()
        if item is None:
            raise Http404()
        try:
            services.points_redeem(actor=request.user, volunteer=volunteer, item=item)
            messages.success(request, f"已兑换：{item.name}")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("volunteers:points")
    context = {
        "volunteer": volunteer,
        "balance": services.points_balance(volunteer),
        "entries": PointEntry.objects.filter(volunteer=volunteer)[:PAGE_ROWS],
        "items": selectors.reward_items(volunteer),
    }
    return render(request, "volunteers/points.html", context)


@login_required
def certificate_pdf_view(request, pk: int):
    """The PDF, for the volunteer themself or the community's office (a full ID number is
    logged as a view of personal data)."""
    cert = Certificate.objects.select_related("volunteer__resident", "community").filter(pk=pk)
    own = cert.filter(volunteer__user=request.user).first()
    if own is None:
        try:
            own = get_or_404(cert, request.user)
        except NotFound:
            raise Http404() from None
    if own.full_id_number:
        access_log_record(
            user=request.user,
            action="export",
            subject=f"志愿者#{own.volunteer_id}",
            fields="id_number",
            reason=f"志愿服务记录证明 {own.number}",
        )
    url = request.build_absolute_uri(reverse("certificate_verify", args=[own.token]))
    response = HttpResponse(certificate_pdf(own, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{own.pk}.pdf"'
    return response


def certificate_verify(request, token: str):
    """Public (no login): is this certificate genuine? Name masked, never the ID number."""
    try:
        cert = selectors.certificate_by_token(token)
    except NotFound:
        return render(request, "volunteers/verify.html", {"found": False}, status=404)
    context = {"found": True, "cert": cert, "name": mask_name(cert.volunteer.name)}
    return render(request, "volunteers/verify.html", context)


# --- the organiser ----------------------------------------------------------------------------


@login_required
def desk(request):
    """组织人: my activities' shifts (today and coming), what waits for approval."""
    activities = _organiser(request)
    now = timezone.now()
    shifts = (
        Shift.objects.filter(activity__in=activities, end__gt=now - dt.timedelta(days=7))
        .select_related("activity")
        .order_by("start")[:30]
    )
    context = {
        "shifts": shifts,
        "pending": selectors.pending_for_organiser(request.user).count(),
        "corrections": selectors.corrections_for_organiser(request.user).count(),
    }
    return render(request, "volunteers/desk.html", context)


@login_required
def roll(request, shift_id: int):
    """点名册: the QR code to scan, who signed up, who came; tick the roll."""
    try:
        shift = selectors.shift_for_organiser(user=request.user, pk=shift_id)
    except NotFound:
        raise Http404() from None
    if request.method == "POST":
        from .models import Volunteer

        ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        volunteers = Volunteer.objects.filter(community=shift.activity.community_id, pk__in=ids)
        entries = [services.RollEntry(v) for v in volunteers]
        if entries:
            services.roll_record_batch(actor=request.user, shift=shift, entries=entries)
            messages.success(request, f"已记录 {len(entries)} 人，按班次时长计，待确认")
        return redirect("volunteers:roll", shift_id=shift.pk)
    token = services.checkin_token(shift)
    url = request.build_absolute_uri(reverse("volunteers:checkin", args=[token]))
    records = {r.volunteer_id: r for r in shift.records.select_related("volunteer")}
    signups = list(shift.signups.select_related("volunteer").exclude(status=SignUpStatus.WITHDRAWN))
    for s in signups:
        s.record = records.get(s.volunteer_id)
    context = {
        "shift": shift,
        "qr": segno.make(url, error="m").svg_data_uri(scale=6, border=2),
        "url": url,
        "signups": signups,
        "walk_ins": [
            r for r in records.values() if r.volunteer_id not in {s.volunteer_id for s in signups}
        ],
        "started": shift.start <= timezone.now(),
    }
    return render(request, "volunteers/roll.html", context)


@login_required
def approvals(request):
    """待确认: records to approve in one go (never one's own), corrections to decide."""
    _organiser(request)
    if request.method == "POST":
        if "correction" in request.POST:
            c = selectors.correction_for_organiser(user=request.user, pk=request.POST["correction"])
            services.correction_decide(
                actor=request.user,
                correction=c,
                accept=request.POST.get("accept") == "1",
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已处理更正申请")
        else:
            ids = [int(v) for v in request.POST.getlist("record") if v.isdigit()]
            records = [selectors.record_for_organiser(user=request.user, pk=pk) for pk in ids]
            if records:
                services.record_approve_batch(actor=request.user, records=records)
                messages.success(request, f"已确认 {len(records)} 条服务记录")
        return redirect("volunteers:approvals")
    context = {
        "records": selectors.pending_for_organiser(request.user)[:PAGE_ROWS],
        "corrections": selectors.corrections_for_organiser(request.user)[:PAGE_ROWS],
    }
    return render(request, "volunteers/approvals.html", context)
