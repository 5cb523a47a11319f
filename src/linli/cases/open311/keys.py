"""Open311 API keys: issued by officials, stored as a SHA-256 hash, revocable by name."""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.errors import Conflict, Forbidden, Invalid
from linli.core.policy import Capability, can

from ..models import Open311ApiKey

KEY_PREFIX = "l311_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_issuer(actor) -> None:
    if actor is not None and not can(actor, Capability.CASES_ISSUE_KEYS):
        raise Forbidden("只有干部和社区工作人员可以签发接口密钥")


@transaction.atomic
def key_issue(*, actor, name: str, region=None) -> tuple[Open311ApiKey, str]:
    """A new key named ``name``; returns the row and the raw key (shown once, never stored).

    ``region`` defaults to the issuer's own region; ``actor=None`` is the server console.
    """
    _check_issuer(actor)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise Invalid("密钥名称须为 1–60 个字符", code="open311.bad_name")
    if region is None and actor is not None and not actor.is_superuser:
        region = actor.profile.region
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = Open311ApiKey(
        name=name, prefix=raw[:12], key_hash=hash_key(raw), region=region, issued_by=actor
    )
    try:
        with transaction.atomic():
            key.save()
    except IntegrityError:
        raise Conflict(
            f"已有名为“{name}”的有效密钥，请先吊销（revoke-key）", code="open311.name_taken"
        ) from None
    return key, raw


@transaction.atomic
def key_revoke(*, actor, name: str) -> int:
    """Revoke the active key named ``name``; returns how many were revoked (0 or 1)."""
    _check_issuer(actor)
    return Open311ApiKey.objects.filter(name=(name or "").strip(), revoked__isnull=True).update(
        revoked=timezone.now()
    )


def key_authenticate(raw: str | None) -> Open311ApiKey | None:
    """The active key for ``raw``, or None."""
    if not raw:
        return None
    return (
        Open311ApiKey.objects.filter(key_hash=hash_key(raw.strip()), revoked__isnull=True)
        .select_related("region")
        .first()
    )
