"""Login throttling on django-axes: who is locked, for how long, from which address, and the page.

Two counts, both over the last ``LINLI_LOGIN_COOLDOWN_MINUTES``:

* **per username, from any address** — ``LINLI_LOGIN_FAILURE_LIMIT`` (5) wrong passwords lock
  the account. This is the "限制非法登录次数" of 等保 2.0 (GB/T 22239-2019 8.1.4.1): a guesser
  who spreads over many addresses (a botnet, a phone changing towers) still gets 5 tries per
  account, not 5 per address. The cost is that anyone can lock a known username for the
  cooldown; the lock lifts by itself and ``linli accounts unlock USERNAME`` lifts it at once.
* **per address, for any usernames** — ``LINLI_LOGIN_ADDRESS_FAILURE_LIMIT`` (20) failures lock
  the address: one machine trying one common password on every account (spraying). The limit is
  higher than the account's because many honest people share one address — a community office
  behind one NAT, and the carrier-grade NAT that puts a county's phones behind a few addresses.

Not the pair (username, address): locking only the pair gives a guesser 5 tries per account
*per address*, which is no limit for anyone with many addresses. django-axes knows one failure
limit; ``LoginAttemptHandler`` reads the two counts separately and applies each its own.

A right password clears that username's failures only (``reset_user_attempts``), never the
address's: otherwise a guesser with one real account could wipe the address count between
rounds of spraying by signing in as himself.

The client address is ``REMOTE_ADDR`` unless ``LINLI_PROXY_COUNT`` says how many reverse
proxies stand in front (``client_ip``). Every failure is kept (axes' ``AccessAttempt`` counts and
``AccessFailureLog`` rows, in the admin under 访问尝试/失败记录) and logged on the
``linli.accounts`` logger with the username and address; so is every lockout.
"""

from __future__ import annotations

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render

log = logging.getLogger("linli.accounts")

LOCKED_CODE = "login_locked"


def lockout_message() -> str:
    minutes = settings.LINLI_LOGIN_COOLDOWN_MINUTES
    return (
        f"登录失败次数过多，该账号或本机地址已被暂时锁定。请在 {minutes} 分钟后再试"
        "（锁定期间再次尝试会重新计时），或请系统管理员解锁。"
    )


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``LINLI_PROXY_COUNT`` trusted proxies the
    address the outermost of them saw (the N-th entry from the right of X-Forwarded-For; the
    entries further left are whatever the client sent and are never believed)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.LINLI_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote  # not through all the proxies we expect: the nearest peer is all we know
    return forwarded[-proxies][:45]  # 45: the longest textual IPv6 address


class LoginAttemptHandler(AxesDatabaseHandler):
    """axes' database handler with a separate limit per username and per address."""

    def get_failures(self, request, credentials=None) -> int:
        # AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]: one queryset for each, in order.
        by_username, by_address = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for qs in self.get_user_attempts(request, credentials)
        )
        limit = settings.LINLI_LOGIN_FAILURE_LIMIT
        if by_address >= settings.LINLI_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_username, limit)
        return by_username

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The lockout answer: a Chinese page (429), or the JSON error shape for scripts."""
    message = lockout_message()
    wants_json = (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or "application/json" in request.headers.get("Accept", "")
    )
    if wants_json:
        minutes = settings.LINLI_LOGIN_COOLDOWN_MINUTES
        return JsonResponse(
            {
                "code": LOCKED_CODE,
                "message": message,
                "details": [{"field": "username", "reason": f"cooldown_minutes={minutes}"}],
            },
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {"message": message, "minutes": settings.LINLI_LOGIN_COOLDOWN_MINUTES}
    return render(request, "registration/locked.html", context, status=429)


@receiver(user_login_failed, dispatch_uid="linli.accounts.log_login_failed")
def _log_login_failed(sender, credentials, request=None, **kwargs):
    address = client_ip(request) if request is not None else None
    log.warning("login failed: username=%r address=%s", credentials.get("username"), address)


@receiver(user_locked_out, dispatch_uid="linli.accounts.log_locked_out")
def _log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    log.warning("login locked out: username=%r address=%s", username, ip_address)
