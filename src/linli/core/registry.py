"""Per-object lookups a higher app provides and a lower page shows.

Imports go one way (ARCHITECTURE.md, "Layers"): the party page cannot import volunteers, nor
the grid card civility. Where a lower page must show something a higher app knows (a party
member's volunteer hours, a household's 最美家庭 honour), the lower side names a :class:`Slot`
here, the higher app registers a function on it from its ``AppConfig.ready()``, and the page
asks the slot. Nothing is shown for an app that is not installed.

A function takes the objects the page shows (one query for all of them, never one per object)
and returns ``{pk: value}``; objects without a value are absent. Registering the same
``(slot, name)`` again replaces the function (``ready()`` may run twice in tests).

| slot | name → value | shown on |
|---|---|---|
| :data:`PARTY_MEMBER` | ``volunteer_hours`` → hours (volunteers) | the party tree's 亮身份 list |
| :data:`HOUSEHOLD_BADGES` | ``civility`` → ``[label, …]`` | the 邻长's household card |
| :data:`BUILDING_BADGES` | ``civility`` → ``[label, …]`` | the compound page's building lines |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Lookup = Callable[[Sequence[Any]], Mapping[int, Any]]


class Slot:
    """One place a lower page reads: the lookups registered on it, by name, in order."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._lookups: dict[str, Lookup] = {}

    def __repr__(self) -> str:
        return f"Slot({self.key!r}: {', '.join(self._lookups) or 'empty'})"

    def register(self, name: str, fn: Lookup) -> None:
        """Add (or replace) the lookup ``name``."""
        self._lookups[name] = fn

    def unregister(self, name: str) -> None:
        self._lookups.pop(name, None)

    def names(self) -> list[str]:
        return list(self._lookups)

    def values(self, objects: Iterable[Any]) -> dict[str, Mapping[int, Any]]:
        """``{name: {pk: value}}``, each registered lookup called once with all the objects."""
        shown = list(objects)
        return {name: fn(shown) for name, fn in self._lookups.items()}

    def annotate(self, objects: Iterable[Any]) -> None:
        """Set each lookup's value as the attribute ``name`` of every object (``None`` when it
        has none), for templates that read ``member.volunteer_hours``."""
        shown = list(objects)
        for name, found in self.values(shown).items():
            for obj in shown:
                setattr(obj, name, found.get(obj.pk))

    def merged(self, objects: Iterable[Any]) -> dict[int, list[Any]]:
        """``{pk: [item, …]}``: the lists every lookup returns, joined in registration order
        (badges from several apps on one card)."""
        out: dict[int, list[Any]] = {}
        for found in self.values(objects).values():
            for pk, items in found.items():
                out.setdefault(pk, []).extend(items)
        return out


PARTY_MEMBER = Slot("party.member")
HOUSEHOLD_BADGES = Slot("ledger.household.badges")
BUILDING_BADGES = Slot("ledger.building.badges")
