"""The natural order of a community's households, and the ledger index the planner works on.

Buildings, units and rooms are in natural order ("2栋" < "10栋", "301" < "1201"); compounds
by (kind, locality, id). Each household gets a *position* in that order; a stairwell unit is
a run of consecutive positions, and the planner's DP works on :class:`Part` s of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple, cast

from .inputs import HouseholdKey, PlanSettings, UnitKey

# --------------------------------------------------------------------------- natural order

_NUMBER_RE = re.compile(r"(\d+|[〇零一二两三四五六七八九十百千]+)")
_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if not any(ch in _CN_UNITS for ch in text):  # "一二" read digit by digit
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = current = 0
    for ch in text:
        if ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


def natural_key(text: str) -> tuple:
    """Sort key that reads numbers as numbers: "2栋" < "10栋", "A栋" < "B栋", "301" < "1201".

    Chinese numerals count too ("二单元" < "十单元"); ties are broken by the text itself.
    """
    parts: list[tuple] = []
    for i, piece in enumerate(_NUMBER_RE.split(text)):
        if i % 2:
            parts.append((0, _number(piece), ""))
        elif piece:
            parts.append((1, 0, piece))
    return (tuple(parts), text)


_DIGITS_RE = re.compile(r"\d+")
_SPACE_RE = re.compile(r"\s+")


def compound_order_key(address: str, name: str) -> str:
    """Locality sort key for a compound: its address normalised (full-width → half-width, no
    spaces, numbers zero-padded so that "东风路8号" < "东风路12号"), then its name."""

    def norm(text: str) -> str:
        text = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text or ""))
        return _DIGITS_RE.sub(lambda m: f"{int(m.group()):012d}", text)

    return f"{norm(address)}\x1f{norm(name)}"


# --------------------------------------------------------------------------- the ledger index


class Part(NamedTuple):
    """An item of the 邻 DP: the households at positions [first, end), all of one unit."""

    first: int
    end: int
    unit: int  # unit index in the ledger


Segment = list[Part]  # the parts of one 邻, in order


class _Compound(NamedTuple):
    kind: str
    order: str
    name: str


class Ledger:
    """The households of one plan in natural order, as parallel lists.

    Households are numbered by position in the global order: compounds by (kind, locality, id),
    then buildings, units and rooms in natural order. Units are consecutive position ranges.
    """

    def __init__(self, keys: Iterable[HouseholdKey], settings: PlanSettings):
        self.settings = settings
        self.lo, self.hi = settings.neighbour_range()
        by_unit: dict[tuple[int, str, str], list[tuple[str, int]]] = {}
        compounds: dict[int, _Compound] = {}
        count = 0
        for k in keys:
            uk = (k.compound_id, k.building, k.unit)
            rooms = by_unit.get(uk)
            if rooms is None:
                by_unit[UnitKey(*uk)] = rooms = []
                if k.compound_id not in compounds:
                    compounds[k.compound_id] = _Compound(
                        k.compound_kind, k.compound_order, k.compound_name
                    )
            rooms.append((k.room, k.household_id))
            count += 1

        room_rank = _ranks({r for rooms in by_unit.values() for r, _ in rooms})
        name_key: dict[str, tuple] = {}

        def nk(text: str) -> tuple:
            key = name_key.get(text)
            if key is None:
                key = name_key[text] = natural_key(text)
            return key

        per_compound: dict[int, list[UnitKey]] = {}
        # the keys are stored as UnitKey (and looked up by plain tuples above)
        for uk in cast("dict[UnitKey, list[tuple[str, int]]]", by_unit):
            per_compound.setdefault(uk.compound_id, []).append(uk)
        order = sorted(compounds, key=lambda c: (compounds[c].kind, compounds[c].order, c))

        self.compound_ids: list[int] = order
        self.compound_kind = [compounds[c].kind for c in order]
        self.compound_name = [compounds[c].name or f"小区{c}" for c in order]
        self.compound_size: list[int] = []
        self.compound_start: list[int] = []  # first unit index of each compound
        self.unit_keys: list[UnitKey] = []
        self.unit_start: list[int] = []  # first position of each unit
        self.unit_compound: list[int] = []  # compound index of each unit
        self.unit_building: list[int] = []  # global building index of each unit
        self.building_size: list[int] = []
        self.building_start: list[int] = []  # first position of each building
        hids: list[int] = []
        room_names: list[str] = []
        for ci, cid in enumerate(order):
            self.compound_start.append(len(self.unit_keys))
            start = len(hids)
            units = per_compound[cid]
            units.sort(key=lambda uk: (nk(uk.building), nk(uk.unit)))
            last_building = None
            for uk in units:
                if uk.building != last_building:
                    last_building = uk.building
                    self.building_size.append(0)
                    self.building_start.append(len(hids))
                rooms = by_unit[uk]
                rooms.sort(key=lambda rh: (room_rank[rh[0]], rh[1]))
                self.unit_keys.append(uk)
                self.unit_start.append(len(hids))
                self.unit_compound.append(ci)
                self.unit_building.append(len(self.building_size) - 1)
                self.building_size[-1] += len(rooms)
                hids.extend(h for _, h in rooms)
                room_names.extend(r for r, _ in rooms)
            self.compound_size.append(len(hids) - start)
        self.compound_start.append(len(self.unit_keys))
        self.unit_start.append(len(hids))
        self.building_start.append(len(hids))
        self.hids = hids
        self.rooms = room_names
        if len(set(hids)) != count:
            dup = next(h for h, c in Counter(hids).items() if c > 1)
            raise ValueError(f"household {dup} appears more than once")
        self.tiny = [s < self.lo for s in self.compound_size]

    def unit_size(self, u: int) -> int:
        return self.unit_start[u + 1] - self.unit_start[u]

    def unit_sizes(self) -> dict[UnitKey, int]:
        return {uk: self.unit_size(u) for u, uk in enumerate(self.unit_keys)}

    def compound_units(self) -> dict[int, list[int]]:
        return {
            cid: [
                self.unit_size(u)
                for u in range(self.compound_start[ci], self.compound_start[ci + 1])
            ]
            for ci, cid in enumerate(self.compound_ids)
        }

    def parts(self, start: int, end: int, fine: bool = False) -> list[Part]:
        """The DP items for positions [start, end): whole units, or near-equal chunks of the
        households of a unit in the range when they exceed the maximum (``fine``: each of
        their households, so that the DP may cut them into chunks of any size)."""
        out = []
        hi = self.hi
        us = self.unit_start
        for u in self.units_between(start, end):
            a, b = max(us[u], start), min(us[u + 1], end)
            if b <= a:
                continue
            size = b - a
            if size <= hi:
                out.append(Part(a, b, u))
            elif fine:
                out.extend(Part(x, x + 1, u) for x in range(a, b))
            else:
                for c in chunk_sizes(size, hi):
                    out.append(Part(a, a + c, u))
                    a += c
        return out

    def units_between(self, start: int, end: int) -> range:
        """The indexes of the units with households at positions [start, end)."""
        if end <= start:
            return range(0)
        return range(self.unit_of(start), self.unit_of(end - 1) + 1)

    def unit_of(self, position: int) -> int:
        lo, hi = 0, len(self.unit_keys) - 1
        us = self.unit_start
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if us[mid] <= position:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def position_units(self) -> list[int]:
        """The unit index of each position."""
        out = [0] * len(self.hids)
        us = self.unit_start
        for u in range(len(self.unit_keys)):
            for x in range(us[u], us[u + 1]):
                out[x] = u
        return out

    def only_small(self, seg: Segment) -> bool:
        """Are all the households of these parts in compounds smaller than the minimum?"""
        return all(self.tiny[self.unit_compound[u]] for _, _, u in seg)


def _ranks(texts: set[str]) -> dict[str, int]:
    return {t: i for i, t in enumerate(sorted(texts, key=natural_key))}


def chunk_sizes(size: int, hi: int) -> list[int]:
    """The fewest near-equal chunks of at most ``hi`` (larger ones first)."""
    k = max(1, -(-size // hi))
    q, r = divmod(size, k)
    return [q + 1] * r + [q] * (k - r)
