"""What a party member's 亮身份 profile shows of their service in later apps.

The party app sits below the apps that record service (volunteers, …), so it cannot import
them; instead each such app registers, in its ``AppConfig.ready()``, a function that takes the
members shown and returns ``{member_id: value}`` under a label. The party page shows every
registered contribution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Contribution = Callable[[Iterable[Any]], dict[int, Any]]
_CONTRIBUTIONS: dict[str, Contribution] = {}


def register(name: str, fn: Contribution) -> None:
    """``name`` is the attribute the page reads on each member (e.g. ``volunteer_hours``)."""
    _CONTRIBUTIONS[name] = fn


def annotate(members: list) -> None:
    """Set every registered contribution on each member (``None`` when it has none)."""
    for name, fn in _CONTRIBUTIONS.items():
        values = fn(members)
        for member in members:
            setattr(member, name, values.get(member.pk))
