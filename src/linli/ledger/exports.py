"""Bulk export of personal data with a second person's approval (shared/domain-rules.md §3).

``export_request_create`` → another official whose region covers the export decides with
``export_request_decide`` → the requester downloads once with ``export_request_consume``
within ``DOWNLOAD_WINDOW`` of the approval. Every step names who, and the download itself is
written to the access log by the exporter.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from linli.core.approval import require_second_person
from linli.core.errors import DomainError, Forbidden, NotFound
from linli.core.policy import Capability, actor_of, can, may_unmask

from .models import ExportRequest, Region, RegionLevel

DOWNLOAD_WINDOW = dt.timedelta(hours=24)


def needs_approval(user) -> bool:
    """An export by this user carries unmasked ID numbers or phones."""
    return may_unmask(user, "id_number") or may_unmask(user, "phone")


def _own_region(user) -> Region | None:
    profile = getattr(user, "profile", None)
    return profile.region if profile else None


@transaction.atomic
def export_request_create(*, actor, community: Region | None, reason: str) -> ExportRequest:
    if not can(actor, Capability.LEDGER_EDIT):
        raise Forbidden("当前角色无权导出台账")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            code="ledger.export_reason_required",
            message="请填写导出事由",
            details=[{"field": "reason"}],
        )
    region: Region | None
    if community is not None:
        if (
            community.level != RegionLevel.COMMUNITY
            or not Region.objects.restrict(actor).filter(pk=community.pk).exists()
        ):
            raise NotFound("社区不存在或无权查看")
        region = community
    else:
        region = _own_region(actor)
        if region is None:
            region = Region.objects.filter(parent__isnull=True).order_by("pk").first()
        if region is None:
            raise DomainError(code="ledger.nothing_to_export", message="没有可导出的台账")
    return ExportRequest.objects.create(
        requested_by=actor, community=community, region=region, reason=reason[:200]
    )


def _covers(approver, region: Region) -> bool:
    actor = actor_of(approver)
    if actor.is_superuser:
        return True
    return actor.in_region and region.path.startswith(actor.region_path)


def requests_for(user) -> QuerySet[ExportRequest]:
    """The user's own requests and the ones waiting for their decision."""
    qs = ExportRequest.objects.select_related("requested_by__profile", "region", "decided_by")
    if user.is_superuser:
        return qs
    actor = actor_of(user)
    mine = Q(requested_by=user)
    if actor.in_region:
        mine |= Q(region__path__startswith=actor.region_path)
    return qs.filter(mine)


def request_get_for(*, actor, request_id: int) -> ExportRequest:
    found = requests_for(actor).filter(pk=request_id).first()
    if found is None:
        raise NotFound("导出申请不存在或无权查看")
    return found


@transaction.atomic
def export_request_decide(
    *, actor, export_request: ExportRequest, approve: bool, note: str = ""
) -> ExportRequest:
    req = ExportRequest.objects.select_for_update().get(pk=export_request.pk)
    require_second_person(
        actor,
        req.requested_by_id,
        code="ledger.export_self_approval",
        message="导出申请须由申请人以外的人审批",
    )
    if not _covers(actor, req.region):
        raise DomainError(
            code="forbidden", message=f"您的范围不包含“{req.region.name}”，不能审批", status=403
        )
    if req.status != ExportRequest.Status.PENDING:
        raise DomainError(
            code="ledger.export_already_decided",
            message=f"该申请已{req.get_status_display()}，不能重复审批",
            status=409,
        )
    req.status = ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REJECTED
    req.decided_by = actor
    req.decided_at = timezone.now()
    req.decision_note = (note or "").strip()[:200]
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return req


@transaction.atomic
def export_request_consume(*, actor, export_request: ExportRequest) -> ExportRequest:
    """Mark an approved request as used; the caller then writes the file (once)."""
    req = ExportRequest.objects.select_for_update().get(pk=export_request.pk)
    if req.requested_by_id != actor.pk:
        raise DomainError(code="forbidden", message="只有申请人可以下载", status=403)
    if req.status == ExportRequest.Status.DOWNLOADED:
        raise DomainError(
            code="ledger.export_used", message="该申请已下载过一次，请重新申请", status=409
        )
    if req.status != ExportRequest.Status.APPROVED:
        raise DomainError(
            code="ledger.export_not_approved",
            message=f"该申请{req.get_status_display()}，尚不能下载",
            status=409,
        )
    if req.decided_at is None:  # an approved request always has its decision time
        raise RuntimeError(f"export request {req.pk} approved without decided_at")
    if timezone.now() - req.decided_at > DOWNLOAD_WINDOW:
        raise DomainError(
            code="ledger.export_expired", message="批准已超过24小时，请重新申请", status=409
        )
    req.status = ExportRequest.Status.DOWNLOADED
    req.downloaded_at = timezone.now()
    req.save(update_fields=["status", "downloaded_at"])
    return req
