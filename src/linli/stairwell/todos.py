"""A leader's to-do: the anonymous 楼道码 reports waiting for them to confirm, oldest first
("已等 2 天"). A 三长 gets those of their own cell; the office only those that reached the
community because every post above the stairwell is vacant (no leader to ask)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from linli.cases.models import HandlerLevel
from linli.core import todos
from linli.core.policy import Capability, can

from . import selectors


def _waiting(user) -> QuerySet | None:
    if can(user, Capability.CASES_INBOX):
        return selectors.pending_reports(actor=user)
    if can(user, Capability.CASES_MANAGE) and not user.is_superuser:
        return selectors.pending_reports(actor=user).filter(level=HandlerLevel.COMMUNITY)
    return None


def report_items(user) -> list[todos.Todo]:
    qs = _waiting(user)
    if qs is None:
        return []
    return todos.waiting(
        qs,
        kind="stairwell.report",
        title="{n} 条楼道码反映待您核实",
        url=reverse("stairwell:reports"),
        since="reported_at",
    )


def report_count(user) -> QuerySet | int:
    qs = _waiting(user)
    return 0 if qs is None else qs


def register() -> None:
    todos.register("stairwell.report", report_items, count=report_count, group="诉求")
