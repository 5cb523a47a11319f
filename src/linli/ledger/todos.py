"""The ledger's to-dos: bulk export requests waiting for a second person (domain-rules §3).

A request waits for an official whose region covers it (``exports.requests_for``), never for
the one who asked.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from linli.core import todos

from . import exports
from .models import ExportRequest


def _awaiting(user):
    return (
        exports.requests_for(user)
        .filter(status=ExportRequest.Status.PENDING)
        .exclude(requested_by=user)
    )


def export_items(user) -> list[todos.Todo]:
    return todos.waiting(
        _awaiting(user),
        kind="ledger.export",
        title="{n} 项台账导出申请待您审批",
        url=reverse("ledger:export"),
        since="created_at",
    )


def export_count(user) -> QuerySet | int:
    return _awaiting(user)


def register() -> None:
    todos.register("ledger.export", export_items, count=export_count, group="审批")
