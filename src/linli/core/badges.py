"""Badges later apps put on a household's card or a building's line (e.g. 2026年最美家庭).

The grid and ledger pages sit below the apps that give honours, so they cannot import them;
each such app registers, in its ``AppConfig.ready()``, a function that takes the objects shown
and returns ``{pk: [label, …]}`` for one kind of place (``"household"`` or ``"building"``).
The pages ask :func:`badges_for` and show whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Badges = Callable[[Iterable[Any]], dict[int, list[str]]]
_BADGES: dict[str, list[Badges]] = {}


def register(place: str, fn: Badges) -> None:
    if fn not in _BADGES.setdefault(place, []):
        _BADGES[place].append(fn)


def badges_for(place: str, objects: Iterable[Any]) -> dict[int, list[str]]:
    """``{pk: [label, …]}`` from every registered app (objects without a badge are absent)."""
    shown = list(objects)
    out: dict[int, list[str]] = {}
    for fn in _BADGES.get(place, []):
        for pk, labels in fn(shown).items():
            out.setdefault(pk, []).extend(labels)
    return out
