"""The office's infra to-dos: problems waiting for someone.

- 待验收: a problem in 验收 waits for the residents' representatives (the worker records it);
- 可实施: a problem in 立项 whose money is in place (the vote passed, the entry approved)
  waits for the worker to start the work.

A problem waiting for the owners' vote or the committee's approval is on *their* lists
(``selfgov`` and ``commons`` to-dos), not here.
"""

from __future__ import annotations

from django.urls import reverse

from linli.core import todos
from linli.core.policy import Capability, can

from . import selectors
from .models import Stage
from .rules import money_blockers

SHOWN = 10


def _inspecting(user):
    if not can(user, Capability.INFRA_MANAGE):
        return None
    return selectors.problems_for(user).filter(stage=Stage.INSPECTING).order_by("stage_at", "id")


def inspect_items(user) -> list[todos.Todo]:
    qs = _inspecting(user)
    if qs is None:
        return []
    return [
        todos.Todo(
            kind="infra.inspect",
            title=f"组织居民代表验收：{p.plan.compound.name} {p.title}",
            url=reverse("infra:problem", args=[p.pk]),
            since=p.stage_at,
        )
        for p in qs[:SHOWN]
    ]


def inspect_count(user):
    qs = _inspecting(user)
    return 0 if qs is None else qs


def _startable(user) -> list:
    if not can(user, Capability.INFRA_MANAGE):
        return []
    approved = selectors.problems_for(user).filter(stage=Stage.APPROVED).order_by("stage_at")
    return [p for p in approved[:50] if not money_blockers(p)]


def start_items(user) -> list[todos.Todo]:
    return [
        todos.Todo(
            kind="infra.start",
            title=f"资金已落实，可以实施：{p.plan.compound.name} {p.title}",
            url=reverse("infra:problem", args=[p.pk]),
            since=p.stage_at,
        )
        for p in _startable(user)[:SHOWN]
    ]


def start_count(user) -> int:
    return len(_startable(user))


def register() -> None:
    todos.register("infra.inspect", inspect_items, count=inspect_count, group="基础设施")
    todos.register("infra.start", start_items, count=start_count, group="基础设施")
