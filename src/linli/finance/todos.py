"""The fee desk's to-dos: reductions (减免) and payment voids (作废) another worker asked for.

Only a desk worker decides, and never on their own request (``core.approval``): the requester
does not see it as his to-do; a colleague of the same community does.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from linli.core import todos

from . import selectors
from .services import is_desk


def _waivers(user):
    if not is_desk(user):
        return None
    return selectors.pending_waivers_qs(actor=user).exclude(requested_by=user)


def _voids(user):
    if not is_desk(user):
        return None
    return selectors.pending_voids_qs(actor=user).exclude(requested_by=user)


def waiver_items(user) -> list[todos.Todo]:
    qs = _waivers(user)
    if qs is None:
        return []
    return todos.waiting(
        qs,
        kind="finance.waiver",
        title="{n} 项费用减免待您审批",
        url=reverse("finance:waivers"),
        since="requested_at",
    )


def waiver_count(user) -> QuerySet | int:
    qs = _waivers(user)
    return 0 if qs is None else qs


def void_items(user) -> list[todos.Todo]:
    qs = _voids(user)
    if qs is None:
        return []
    return todos.waiting(
        qs,
        kind="finance.void",
        title="{n} 张收据的作废申请待您审批",
        url=reverse("finance:waivers") + "#voids",
        since="requested_at",
    )


def void_count(user) -> QuerySet | int:
    qs = _voids(user)
    return 0 if qs is None else qs


def register() -> None:
    todos.register("finance.waiver", waiver_items, count=waiver_count, group="审批")
    todos.register("finance.void", void_items, count=void_count, group="审批")
