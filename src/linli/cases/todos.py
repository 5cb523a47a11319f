"""The cases a person holds, by deadline: a 三长's inbox, a department's dispatched cases, the
community's (level 社区) cases on the office's board. Overdue as the board counts it: a
working stage and the deadline day past."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from linli.core import todos
from linli.core.policy import Capability, can

from . import selectors
from .models import WORKING_STAGES, HandlerLevel

SHOWN = 20  # cases listed one by one; the rest as one line to the full list


def _held(user) -> tuple[QuerySet, str] | None:
    if can(user, Capability.CASES_INBOX):
        return selectors.inbox(actor=user), reverse("cases:inbox")
    if can(user, Capability.CASES_DEPARTMENT):
        return selectors.department_cases(actor=user), reverse("cases:department")
    if can(user, Capability.CASES_BOARD) and not user.is_superuser:
        qs = selectors.board(actor=user, level=HandlerLevel.COMMUNITY)
        return qs.order_by("deadline", "reported_at", "id"), reverse("cases:board")
    return None


def case_items(user) -> list[todos.Todo]:
    held = _held(user)
    if held is None:
        return []
    qs, list_url = held
    today = timezone.localdate()
    cases = list(qs[: SHOWN + 1])
    items = [
        todos.Todo(
            kind="cases.case",
            title=f"{c.number} {c.category.name}：{_short(c.description)}",
            url=reverse("cases:detail", args=[c.pk]),
            due=todos.end_of_day(c.deadline),
            overdue=c.deadline < today and c.stage in WORKING_STAGES,
        )
        for c in cases[:SHOWN]
    ]
    if len(cases) > SHOWN:
        rest = qs.count() - SHOWN
        first = cases[SHOWN]
        items.append(
            todos.Todo(
                kind="cases.more",
                title=f"另有 {rest} 件诉求，见诉求列表",
                url=list_url,
                due=todos.end_of_day(first.deadline),
                overdue=first.deadline < today and first.stage in WORKING_STAGES,
                count=rest,
            )
        )
    return items


def _short(text: str, n: int = 24) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[:n] + "…"


def case_count(user) -> QuerySet | int:
    held = _held(user)
    return 0 if held is None else held[0]


def register() -> None:
    todos.register("cases.case", case_items, count=case_count, group="诉求")
