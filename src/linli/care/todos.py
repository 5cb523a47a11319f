"""A visitor's to-dos: the care visits they owe (their 邻长 duty or their pairs, 结对), overdue
first, then those whose window is open, from the one due/overdue computation
(``selectors.rows_for_visitor``). The office keeps the registry and is not the visitor.

Not one ``COUNT``: due dates are calendar-month arithmetic done in Python (see
``care.selectors``), so the count runs the visitor's status query (one query plus the events').
"""

from __future__ import annotations

from django.urls import reverse

from linli.core import todos
from linli.core.policy import Capability, can

from . import rules, selectors, services


def _owed(user) -> list[selectors.Row]:
    if not can(user, Capability.CARE_VISIT) or can(user, Capability.CARE_MANAGE):
        return []
    rows = selectors.rows_for_visitor(actor=user)["mine"]
    return [r for r in rows if r.status in (rules.OVERDUE, rules.DUE)]


def visit_items(user) -> list[todos.Todo]:
    rows = _owed(user)
    if rows and can(user, Capability.CARE_VIEW):
        services.care_view_log(user=user, subject="待办：关爱探访", count=len(rows))
    return [
        todos.Todo(
            kind="care.visit",
            title=f"探访 {r.recipient.resident.name}（{selectors.address(r.recipient)}）",
            url=reverse("care:visit", args=[r.recipient.pk]),
            due=todos.end_of_day(r.window.latest),
            overdue=r.status == rules.OVERDUE,
        )
        for r in rows
    ]


def visit_count(user) -> int:
    return len(_owed(user))


def register() -> None:
    todos.register("care.visit", visit_items, count=visit_count, group="关爱走访")
