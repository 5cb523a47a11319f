"""Two-factor pages: set up an authenticator app (the QR code is drawn here, no outside
service), and enter its code after the password. Thin: the work is in ``services``."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.core.errors import DomainError

from . import policy, services


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _to(name: str, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': _next_url(request)})}")


def _has_device(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


@never_cache
@login_required
def two_factor_setup(request):
    """First sign-in of a user who must use two-factor: scan the QR code, enter a code."""
    if not policy.requires_two_factor(request.user):
        return redirect(_next_url(request))  # not asked of this role here: nothing to set up
    if _has_device(request.user):
        return _to("accounts:two_factor_verify", request)
    device = services.totp_device_pending(user=request.user)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.totp_device_confirm(
                request=request, device=device, token=request.POST.get("token")
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect(_next_url(request))
    secret = b32encode(device.bin_key).decode("ascii")
    context = {
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "error": error,
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@never_cache
@login_required
def two_factor_verify(request):
    """After the password: the 6-digit code from the authenticator app."""
    if not policy.requires_two_factor(request.user):
        return redirect(_next_url(request))
    if not _has_device(request.user):
        return _to("accounts:two_factor_setup", request)
    if request.user.is_verified():
        return redirect(_next_url(request))
    error, status = None, 200
    if request.method == "POST":
        try:
            services.totp_verify(request=request, token=request.POST.get("token"))
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect(_next_url(request))
    context = {"error": error, "next": _next_url(request)}
    return render(request, "accounts/two_factor_verify.html", context, status=status)
