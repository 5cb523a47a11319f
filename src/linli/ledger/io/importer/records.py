"""The named records pass 1 hands to pass 2: what the file says, checked and parsed.

Pass 1 spools each checked resident-sheet row with :mod:`marshal`, which takes only plain
built-in types, so a spooled row is the plain triple ``(row, house index, person)``: the Excel
row, the index of its :class:`HouseKey` in :attr:`ResidentSheet.house_keys`, and
``tuple(person)`` of a :class:`Person` (``None`` for a house row without a person). Pass 2 turns
the person back into a :class:`Person` with ``Person._make``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple


class HouseKey(NamedTuple):
    """A house's natural key, as the file names it (names read as :mod:`..values` reads them).

    Equal to, and hashed as, the plain tuple of its fields, so a plain tuple finds it in a dict.
    """

    community_id: int
    compound: str
    building: str
    unit: str
    room: str


@dataclass(slots=True)
class House:
    """What the file says about one house, gathered over its rows (one row per person)."""

    row: int
    index: int  # its key's place in ResidentSheet.house_keys (spooled rows carry it)
    area: Decimal | None = None
    area_row: int = 0
    use: str | None = None
    use_row: int = 0
    note: str | None = None
    floor: int | None = None
    area_source: str | None = None
    vacant: bool = False


class Person(NamedTuple):
    """One checked person of the resident sheet; ``None`` = the file says nothing (leave it)."""

    name: str
    id_number: str | None
    sex: str | None  # "M" / "F"
    birth: int | None  # the birth date's ordinal (from the ID number)
    phone: str | None
    relation: str | None
    is_owner: bool | None
    residence: str | None
    tags: tuple[bool, ...] | None  # one flag per ledger.models.TAG_FIELDS
    other_tags: str | None
    note: str | None


@dataclass
class CompoundRow:
    """One checked row of the compound sheet (三无小区台账)."""

    row: int
    community_id: int
    name: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class CompoundSheet:
    """The compound sheet, checked: its rows, and which communities each compound name is in."""

    rows: list[CompoundRow] = field(default_factory=list)
    communities_of: dict[str, set[int]] = field(default_factory=dict)


@dataclass
class ResidentSheet:
    """The resident sheet, checked (its rows are in the spool)."""

    houses: dict[HouseKey, House] = field(default_factory=dict)
    house_keys: list[HouseKey] = field(default_factory=list)  # house index → key
    referenced: set[tuple[int, str]] = field(default_factory=set)  # (community id, compound)
    new_compounds: set[tuple[int, str]] = field(default_factory=set)  # named nowhere else


@dataclass
class CheckedFile:
    """Pass 1's result: what pass 2 writes (with the spool)."""

    compounds: CompoundSheet = field(default_factory=CompoundSheet)
    residents: ResidentSheet = field(default_factory=ResidentSheet)
