"""Overdue joint-meeting actions (议定事项) for the office that follows them up — a department's
staff see their department's, as on their board (``selectors.action_board``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from linli.core import todos
from linli.core.policy import Capability, can

from . import selectors

SHOWN = 10


def _overdue(user):
    if not can(user, Capability.MEETINGS):
        return None
    return selectors.action_board(actor=user, overdue=True)


def action_items(user) -> list[todos.Todo]:
    qs = _overdue(user)
    if qs is None:
        return []
    actions = list(qs[: SHOWN + 1])
    items = [
        todos.Todo(
            kind="meetings.action",
            title=f"联席会议定事项：{_short(a.decision)}（{a.responsible_person}）",
            url=reverse("meetings:action", args=[a.pk]),
            due=todos.end_of_day(a.deadline),
            overdue=True,
        )
        for a in actions[:SHOWN]
    ]
    if len(actions) > SHOWN:
        rest = qs.count() - SHOWN
        items.append(
            todos.Todo(
                kind="meetings.more",
                title=f"另有 {rest} 项超期议定事项，见事项列表",
                url=reverse("meetings:board") + "?overdue=1",
                due=todos.end_of_day(actions[SHOWN].deadline),
                overdue=True,
                count=rest,
            )
        )
    return items


def _short(text: str, n: int = 24) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n] + "…"


def action_count(user) -> QuerySet | int:
    qs = _overdue(user)
    return 0 if qs is None else qs


def register() -> None:
    todos.register("meetings.action", action_items, count=action_count, group="联席会事项")
