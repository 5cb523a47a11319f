"""The public accounts' to-dos: entries another committee member entered, waiting for review."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from linli.core import todos

from . import selectors


def _awaiting(user):
    return selectors.approval_queue(actor=user).exclude(entered_by=user)


def entry_items(user) -> list[todos.Todo]:
    return todos.waiting(
        _awaiting(user),
        kind="commons.entry",
        title="{n} 笔公共收益收支待您审核",
        url=reverse("commons:queue"),
        since="entered_at",
    )


def entry_count(user) -> QuerySet | int:
    return _awaiting(user)


def register() -> None:
    todos.register("commons.entry", entry_items, count=entry_count, group="审批")
