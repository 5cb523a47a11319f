"""Writes of the stairwell app: the codes made for printing, the anonymous report from a
stairwell's page (rate-limited) and the leader's decision on it.

The report itself is the cases app's: ``cases.services.case_report`` with the unit, channel
楼道码 and ``unverified``; it lands with the unit's 邻长 (or the nearest held post above a
vacant one), who confirms it real or dismisses it (``cases.services.case_verify``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from linli.cases import services as case_services
from linli.cases.models import Case, Channel
from linli.core.cache import rate_hit
from linli.core.errors import Invalid
from linli.ledger.models import Region, Unit

from . import selectors
from .models import StairwellCode

RATE_LIMITED = "stairwell.rate_limited"  # the code of a refused flood (views compare with it)


def public_url(code: StairwellCode) -> str:
    """The address printed in the code: ``LINLI_PUBLIC_URL`` + ``/s/<token>/``."""
    return settings.LINLI_PUBLIC_URL + reverse("stairwell_page", args=[code.token])


@transaction.atomic
def codes_for_community(*, community: Region) -> list[tuple[Unit, StairwellCode]]:
    """Every stairwell of ``community`` with its code, making the codes still missing (a
    reprint gets the same codes). Printing is an office task (the command, the worker's
    page), so no actor: the callers decide who may print."""
    units = list(selectors.units_of(community))
    have = {c.unit_id: c for c in StairwellCode.objects.filter(unit__in=[u.pk for u in units])}
    missing = [StairwellCode(unit=u) for u in units if u.pk not in have]
    StairwellCode.objects.bulk_create(missing)
    for c in missing:
        have[c.unit_id] = c
    return [(u, have[u.pk]) for u in units]


@dataclass(frozen=True)
class Sender:
    """Who is posting an anonymous report, as far as a server can tell: the device's cookie
    token (None without one) and the client address (``accounts.throttle.client_ip``)."""

    device: str | None
    address: str | None


def _key(kind: str, value: str) -> str:
    # hashed: the cache holds no addresses
    return f"stairwell:{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def limit_message() -> str:
    minutes = settings.LINLI_STAIRWELL_WINDOW_MINUTES
    return (
        f"这台手机（或这个网络）刚才已经反映过多次，请 {minutes} 分钟后再试。"
        "急事请直接打电话给邻长，或拨打社区电话。"
    )


def _check_rate(sender: Sender) -> None:
    """Count this report against the device and the address; over either limit → 429 and
    nothing is stored. A sender without a device cookie counts as one device per address."""
    seconds = settings.LINLI_STAIRWELL_WINDOW_MINUTES * 60
    address = sender.address or "unknown"
    device = sender.device or f"no-cookie:{address}"
    ok_device = rate_hit(
        _key("device", device),
        limit=settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE,
        seconds=seconds,
    )
    ok_address = rate_hit(
        _key("address", address),
        limit=settings.LINLI_STAIRWELL_REPORTS_PER_ADDRESS,
        seconds=seconds,
    )
    if not (ok_device and ok_address):
        raise Invalid(limit_message(), code="stairwell.rate_limited", status=429)


def stairwell_report(
    *,
    code: StairwellCode,
    category,
    description: str,
    sender: Sender,
    client_key: str | None = None,
    when=None,
) -> Case:
    """An anonymous report from a stairwell's page: checked like any report, counted against
    the sender's limits, then stored unverified with the unit's 邻长 to confirm."""
    category = case_services.category_get(key=category)  # a bad category costs no quota
    if not (description or "").strip():
        raise Invalid(
            "请描述遇到的问题",
            code="cases.description_required",
            details=[{"field": "description"}],
        )
    _check_rate(sender)
    return case_services.case_report(
        actor=None,
        unit=code.unit,
        category=category,
        description=description,
        channel=Channel.STAIRWELL,
        unverified=True,
        client_key=client_key,
        when=when,
    )


def report_decide(*, actor, case: Case, real: bool, note: str = "", version: int | None = None):
    """The holder confirms (``real``) or dismisses an anonymous report (cases' ``case_verify``:
    the holder's check, the row lock, the event)."""
    return case_services.case_verify(
        actor=actor, case=case, real=real, note=note, expected_version=version
    )
