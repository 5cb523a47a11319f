"""The organiser's to-dos (谁组织谁记录、谁记录谁证明): service records to confirm and
corrections to decide, never the organiser's own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from linli.core import todos
from linli.core.policy import Capability, can

from . import selectors


def _concerned(user) -> bool:
    return can(user, Capability.VOLUNTEERS_OWN) or can(user, Capability.VOLUNTEERS_MANAGE)


def record_items(user) -> list[todos.Todo]:
    if not _concerned(user):
        return []
    return todos.waiting(
        selectors.pending_for_organiser(user),
        kind="volunteers.record",
        title="{n} 条志愿服务时长待您确认",
        url=reverse("volunteers:approvals"),
        since="shift__end",
    )


def record_count(user) -> QuerySet | int:
    return selectors.pending_for_organiser(user) if _concerned(user) else 0


def correction_items(user) -> list[todos.Todo]:
    if not _concerned(user):
        return []
    return todos.waiting(
        selectors.corrections_for_organiser(user),
        kind="volunteers.correction",
        title="{n} 项志愿记录更正申请待您处理",
        url=reverse("volunteers:approvals"),
        since="requested_at",
    )


def correction_count(user) -> QuerySet | int:
    return selectors.corrections_for_organiser(user) if _concerned(user) else 0


def register() -> None:
    todos.register("volunteers.record", record_items, count=record_count, group="审批")
    todos.register("volunteers.correction", correction_items, count=correction_count, group="审批")
