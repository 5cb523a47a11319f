"""Account writes: lifting a login lock, and the TOTP device of a user's second factor."""

from __future__ import annotations

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.core.errors import DomainError, Invalid

log = logging.getLogger("linli.accounts")

TOKEN_LENGTH = 6


def login_unlock(*, username: str | None = None, ip_address: str | None = None) -> int:
    """Forget the failed logins of ``username`` (from any address) and/or of ``ip_address`` (for
    any username), which lifts their lock; returns how many attempt records went. The failure
    log (AccessFailureLog) is kept."""
    if not username and not ip_address:
        raise Invalid("请指定要解锁的用户名或网络地址", code="accounts.unlock_needs_target")
    removed = 0
    if username:
        removed += AxesProxyHandler.reset_attempts(username=username)
    if ip_address:
        removed += AxesProxyHandler.reset_attempts(ip_address=ip_address)
    log.warning("login unlocked: username=%r address=%s records=%d", username, ip_address, removed)
    return removed


def _clean_token(token: str | None) -> str:
    token = (token or "").strip().replace(" ", "")
    if len(token) != TOKEN_LENGTH or not token.isascii() or not token.isdigit():
        raise Invalid(
            f"请输入验证器应用显示的 {TOKEN_LENGTH} 位数字",
            code="accounts.token_format",
            details=[{"field": "token", "reason": "format"}],
        )
    return token


@transaction.atomic
def totp_device_pending(*, user) -> TOTPDevice:
    """The user's TOTP device waiting to be confirmed, created on first call: the same secret
    (and QR code) until a code from it is entered, so a reload does not orphan a phone that has
    already scanned it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=False)
    return device


def _check_token(*, device_pk: int, token: str) -> TOTPDevice | None:
    """Verify ``token`` on one device under a row lock, in its own transaction so that a wrong
    code's throttling count is committed even though the caller then refuses."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_pk)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise DomainError(
                code="accounts.token_throttled",
                message="验证码错误次数过多，请稍候再试",
                status=429,
                details=[{"field": "token", "reason": "throttled"}],
            )
        return device if device.verify_token(token) else None


def _wrong_token(request, what: str) -> DomainError:
    log.warning("%s refused: username=%r", what, request.user.get_username())
    return Invalid(
        "验证码不正确或已过期，请核对手机时间后重试",
        code="accounts.token_wrong",
        details=[{"field": "token", "reason": "mismatch"}],
    )


def totp_device_confirm(*, request, device: TOTPDevice, token: str | None) -> TOTPDevice:
    """Confirm a pending device with a code from it; the session is then verified."""
    token = _clean_token(token)
    if device.user_id != request.user.pk or device.confirmed:
        raise Invalid("该验证器已绑定，请直接验证", code="accounts.device_confirmed")
    checked = _check_token(device_pk=device.pk, token=token)
    if checked is None:
        raise _wrong_token(request, "two-factor setup code")
    with transaction.atomic():
        checked.confirmed = True
        checked.save(update_fields=["confirmed"])
        # An abandoned earlier attempt goes; one confirmed device remains.
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    otp_login(request, checked)
    log.warning("two-factor device set up: username=%r", request.user.get_username())
    return checked


def totp_verify(*, request, token: str | None) -> TOTPDevice:
    """Check a code against the user's confirmed devices; on success the session is verified.
    django-otp throttles each device (the wait doubles after each wrong code)."""
    token = _clean_token(token)
    for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
        checked = _check_token(device_pk=device.pk, token=token)
        if checked is not None:
            otp_login(request, checked)
            return checked
    raise _wrong_token(request, "two-factor code")
