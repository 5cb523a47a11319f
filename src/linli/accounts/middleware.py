"""Two login rules applied to every request of a signed-in user (after the session, the user and
django-otp's verification are known):

* **Session length.** Office roles (``policy.is_office``) are signed out after
  ``LINLI_OFFICE_SESSION_IDLE_MINUTES`` without a request and ``LINLI_OFFICE_SESSION_HOURS`` after
  signing in; the others keep Django's ``SESSION_COOKIE_AGE`` (``LINLI_SESSION_DAYS``). The last
  request's time is written to the session at most once a minute, so a page of htmx requests
  does not write the session row on each.
* **The two-factor gate.** When ``policy.requires_two_factor(user)`` and the session is not yet
  verified by a TOTP code, every page but the set-up/verify pages and logout sends the user
  there (an API call gets the JSON error, an htmx request an HX-Redirect).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import policy

SIGNED_IN_AT = "linli_signed_in_at"
SEEN_AT = "linli_seen_at"
TOUCH_EVERY = 60  # seconds: how stale the "last request" stamp may get


def _now() -> int:
    return int(time.time())


@receiver(user_logged_in, dispatch_uid="linli.accounts.session_start")
def _session_start(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    if policy.is_office(user):
        request.session.set_expiry(settings.LINLI_OFFICE_SESSION_IDLE_MINUTES * 60)


def _office_session_over(request) -> str | None:
    """Why this office session is over (a Chinese sentence), or None while it lasts."""
    session = request.session
    now = _now()
    idle = settings.LINLI_OFFICE_SESSION_IDLE_MINUTES * 60
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        # A session from before this rule: it starts counting now.
        session[SIGNED_IN_AT] = signed_in if isinstance(signed_in, int) else now
        session[SEEN_AT] = now
        session.set_expiry(idle)
        return None
    if now - signed_in >= settings.LINLI_OFFICE_SESSION_HOURS * 3600:
        return f"登录已超过 {settings.LINLI_OFFICE_SESSION_HOURS} 小时，请重新登录。"
    if now - seen >= idle:
        return (
            f"已有 {settings.LINLI_OFFICE_SESSION_IDLE_MINUTES} 分钟未操作，"
            "为保护居民信息已自动退出，请重新登录。"
        )
    if now - seen >= TOUCH_EVERY:
        session[SEEN_AT] = now
        session.set_expiry(idle)
    return None


EXEMPT_PREFIXES = ("/static/", "/healthz")


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/")


def _elsewhere(request, url: str, *, code: str, message: str, status: int):
    """Send the user to ``url``: JSON for the API, HX-Redirect for htmx, a redirect otherwise."""
    if _wants_json(request):
        return JsonResponse(
            {"code": code, "message": message, "details": []},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class LoginPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._apply(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _apply(self, request, user):
        path = request.path_info
        if path.startswith(EXEMPT_PREFIXES):
            return None
        if policy.is_office(user):
            why = _office_session_over(request)
            if why is not None:
                logout(request)
                if not _wants_json(request):
                    messages.info(request, why)
                return _elsewhere(
                    request, reverse("login"), code="session_expired", message=why, status=401
                )
        if policy.requires_two_factor(user) and not user.is_verified():
            request.two_factor_pending = (
                True  # the menu shows nothing to open (core.context_processors)
            )
            allowed = {
                reverse("accounts:two_factor_setup"),
                reverse("accounts:two_factor_verify"),
                reverse("logout"),
                reverse("admin:logout"),
            }
            if path in allowed:
                return None
            return _elsewhere(
                request,
                reverse("accounts:two_factor_verify"),
                code="two_factor_required",
                message="请先完成两步验证（输入验证器应用中的6位验证码）",
                status=403,
            )
        return None
