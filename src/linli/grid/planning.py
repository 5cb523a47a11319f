"""Planning the 片组邻 grid: partition a community's households into 邻, 组 and 片.

The article's rule is 地域相邻、类型相近、规模适当 (neighbouring, similar, the right size).
This module turns it into a deterministic algorithm over plain values, so that it can be
tested on generated ledgers and run over a county of a million households:

* every household is in exactly one 邻;
* a stairwell unit (单元) is never split across 邻 unless it alone exceeds the maximum, and
  then into the fewest near-equal chunks of consecutive rooms — or chunks of unequal size
  when only that keeps every 邻 within the range;
* a 邻 boundary prefers a building boundary, then a unit boundary; small adjacent buildings
  of one compound may share a 邻; a compound smaller than the minimum may share a 邻 with
  the next compounds of the same kind, when the result stays within the range — or, when none
  of its kind can take it, with the compound next to it in order of another kind;
* buildings, units and rooms are in natural order ("2栋" < "10栋", "301" < "1201");
* compounds are ordered by (kind, locality); consecutive 邻 form 组 and 组 form 片, cutting
  between compounds (best: where the kind changes) rather than inside one.

Only :func:`load_keys` touches the database. See ``docs/grid-planning.md``.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "QUALITY_KEYS",
    "HouseholdKey",
    "Plan",
    "PlanSettings",
    "PlannedArea",
    "PlannedGroup",
    "PlannedNeighbour",
    "compound_order_key",
    "load_keys",
    "natural_key",
    "plan_households",
    "rebalance",
]

UnitKey = tuple[int, str, str]  # (compound_id, building, unit)

_INF = float("inf")
# A household outside the size range costs this much: far more than anything else can save.
_OUT_OF_RANGE = 1_000_000.0
# A 邻 of small compounds only may stay below the minimum (the rules allow it); each missing
# household still costs more than any shape cost, so small compounds join when they can.
_SMALL_ALONE = 1_000.0
# A 邻 across a change of compound kind (类型相近 is a preference, the size range the rule):
# more than any shape cost, far less than a household outside the range.
_KIND_MIX = 5.0
# A cut inside an oversized unit when its chunks may be of any size: more than any shape cost,
# so that it is still cut into the fewest chunks that keep every 邻 in range.
_CHUNK_CUT = 2.0
LABEL_MAX = 100  # a 邻 label fits a grid name (Grid.name is 100 characters)


# --------------------------------------------------------------------------- input values


@dataclass(frozen=True, slots=True)
class HouseholdKey:
    """What the planner needs to know about one household (户)."""

    household_id: int
    compound_id: int
    compound_kind: str  # construction_background: 类型相近
    compound_order: str  # locality sort key of the compound (see compound_order_key): 地域相邻
    building: str
    unit: str
    room: str
    compound_name: str = ""  # only for the 邻 labels


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


@dataclass
class PlanSettings:
    """Every size is a setting. ``None`` bounds are derived from the targets."""

    households_per_neighbour: int = 13  # target 邻 size (the article: 1786/133 ≈ 13)
    neighbour_min: int | None = None  # default round(target × 0.6)
    neighbour_max: int | None = None  # default round(target × 1.5)
    neighbours_per_group: int = 27  # ≈ 27 邻 per 组 in the article
    group_min: int | None = None  # default round(neighbours_per_group × 0.5)
    group_max: int | None = None  # default ⌊neighbours_per_group × 1.5⌋
    groups_per_area: int = 1  # 兴东: 5 片, 5 组
    area_min: int | None = None
    area_max: int | None = None
    # Costs, in units of "one 邻 (组, 片) off its target by 100 %" (squared relative deviation).
    building_cut_cost: float = 0.25  # a 邻 boundary inside a building
    compound_join_cost: float = 0.5  # a 邻 joining two compounds (only small compounds join)
    group_compound_cut_cost: float = 1.0  # a 组/片 boundary inside a compound
    group_kind_mix_cost: float = 0.25  # a change of compound kind inside a 组/片
    move_cost: float = 10.0  # rebalance: a household that changes 邻

    def __post_init__(self) -> None:
        for name in ("households_per_neighbour", "neighbours_per_group", "groups_per_area"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        lo, hi = self.neighbour_range()
        if not 1 <= lo <= hi:
            raise ValueError(f"neighbour size range [{lo}, {hi}] is empty or below 1")
        if not lo <= self.households_per_neighbour <= hi:
            raise ValueError(
                f"households_per_neighbour={self.households_per_neighbour} is outside [{lo}, {hi}]"
            )
        for name, (a, b) in (("group", self.group_range()), ("area", self.area_range())):
            if not 1 <= a <= b:
                raise ValueError(f"{name} size range [{a}, {b}] is empty or below 1")
        for name in (
            "building_cut_cost",
            "compound_join_cost",
            "group_compound_cut_cost",
            "group_kind_mix_cost",
            "move_cost",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")

    def neighbour_range(self) -> tuple[int, int]:
        t = self.households_per_neighbour
        lo = self.neighbour_min if self.neighbour_min is not None else max(1, _half_up(t * 0.6))
        hi = self.neighbour_max if self.neighbour_max is not None else _half_up(t * 1.5)
        return lo, hi

    def group_range(self) -> tuple[int, int]:
        return _range(self.neighbours_per_group, self.group_min, self.group_max)

    def area_range(self) -> tuple[int, int]:
        return _range(self.groups_per_area, self.area_min, self.area_max)


def _range(target: int, lo: int | None, hi: int | None) -> tuple[int, int]:
    lo = lo if lo is not None else max(1, _half_up(target * 0.5))
    hi = hi if hi is not None else max(lo, math.floor(target * 1.5))
    return lo, hi


# --------------------------------------------------------------------------- the plan


@dataclass
class PlannedNeighbour:
    """One 邻: its households in natural order and its boundary (compounds and units)."""

    households: list[int]
    compound_ids: set[int]
    label: str  # e.g. "粮站宿舍1栋1-2单元"
    units: list[UnitKey] = field(default_factory=list)  # the boundary, in order
    existing: Hashable | None = None  # rebalance: the current 邻 it continues, if any


@dataclass
class PlannedGroup:
    neighbours: list[PlannedNeighbour]


@dataclass
class PlannedArea:
    groups: list[PlannedGroup]


QUALITY_KEYS = (
    "neighbours",
    "groups",
    "areas",
    "size_min",
    "size_median",
    "size_max",
    "split_units",
    "split_buildings",
    "moves",
)


@dataclass
class Plan:
    areas: list[PlannedArea]
    settings: PlanSettings = field(default_factory=PlanSettings)
    # facts of the ledger the plan was made from, for quality() and outside_range()
    unit_sizes: dict[UnitKey, int] = field(default_factory=dict, repr=False)
    compound_units: dict[int, list[int]] = field(default_factory=dict, repr=False)

    def neighbours(self) -> Iterator[PlannedNeighbour]:
        for area in self.areas:
            for group in area.groups:
                yield from group.neighbours

    def groups(self) -> Iterator[PlannedGroup]:
        for area in self.areas:
            yield from area.groups

    def quality(self, current: dict[int, object] | None = None) -> dict:
        """The figures ``linli grid plan`` prints; keys exactly :data:`QUALITY_KEYS`.

        ``split_units``: stairwell units whose households are in more than one 邻 although
        the unit fits within the maximum. ``split_buildings``: buildings whose households are
        in more than one 邻. ``moves``: households in ``current`` (household id → current 邻)
        whose 邻 would change; each planned 邻 continues the current 邻 it shares the most
        households with (each current 邻 continued at most once).
        """
        neighbours = list(self.neighbours())
        sizes = sorted(len(n.households) for n in neighbours)
        _, hi = self.settings.neighbour_range()
        unit_seen: Counter[UnitKey] = Counter()
        building_seen: Counter[tuple[int, str]] = Counter()
        for n in neighbours:
            unit_seen.update(set(n.units))
            building_seen.update({(u[0], u[1]) for u in n.units})
        split_units = sum(
            1 for u, c in unit_seen.items() if c > 1 and self.unit_sizes.get(u, 0) <= hi
        )
        return {
            "neighbours": len(neighbours),
            "groups": sum(len(a.groups) for a in self.areas),
            "areas": len(self.areas),
            "size_min": sizes[0] if sizes else 0,
            "size_median": statistics.median(sizes) if sizes else 0,
            "size_max": sizes[-1] if sizes else 0,
            "split_units": split_units,
            "split_buildings": sum(1 for c in building_seen.values() if c > 1),
            "moves": _count_moves(neighbours, current) if current else 0,
        }

    def outside_range(self) -> list[tuple[PlannedNeighbour, str]]:
        """Each 邻 outside the size range with the reason it may be:

        ``small_compound``: only compounds smaller than the minimum (no compound next to it,
        of any kind, could take it within the range — e.g. the community is that small);
        ``oversized_unit``: part of one stairwell unit that alone exceeds the maximum;
        ``unpackable_compound``: the compound's units cannot be cut into 邻 within the range
        without splitting a unit that fits (oversized units may be cut anywhere); ``other``:
        none of these (a
        bug — the tests check there are none).
        """
        lo, hi = self.settings.neighbour_range()
        out = []
        for n in self.neighbours():
            size = len(n.households)
            if lo <= size <= hi:
                continue
            sizes = {cid: sum(self.compound_units.get(cid, ())) for cid in n.compound_ids}
            if all(s < lo for s in sizes.values()) and size <= hi:
                reason = "small_compound"
            elif len(set(n.units)) == 1 and self.unit_sizes.get(n.units[0], 0) > hi:
                reason = "oversized_unit"
            elif len(n.compound_ids) == 1 and not _packable(
                self.compound_units.get(next(iter(n.compound_ids)), []), lo, hi
            ):
                reason = "unpackable_compound"
            else:
                reason = "other"
            out.append((n, reason))
        return out


def _packable(unit_sizes: list[int], lo: int, hi: int) -> bool:
    """Can these units (in order; oversized ones cut anywhere) form 邻 in [lo, hi]?"""
    cuts = []  # positions where a 邻 may end
    total = 0
    for s in unit_sizes:
        if s > hi:
            cuts.extend(range(total + 1, total + s))
        total += s
        cuts.append(total)
    ok = {0}
    for p in cuts:
        if any(q in ok for q in range(max(0, p - hi), p - lo + 1)):
            ok.add(p)
    return total in ok


def _count_moves(neighbours: list[PlannedNeighbour], current: dict) -> int:
    matches = _match_existing(neighbours, current)
    in_current = sum(1 for n in neighbours for h in n.households if h in current)
    return in_current - sum(overlap for _, overlap in matches.values())


def _match_existing(
    neighbours: list[PlannedNeighbour], current: dict
) -> dict[int, tuple[Hashable, int]]:
    """Planned 邻 index → (current 邻 it continues, households shared): greedy, largest first."""
    first_seen: dict[Hashable, int] = {}
    pairs = []
    for k, n in enumerate(neighbours):
        votes: Counter = Counter()
        for h in n.households:
            old = current.get(h)
            if old is not None:
                votes[old] += 1
        for old, c in votes.items():
            rank = first_seen.setdefault(old, len(first_seen))
            pairs.append((-c, k, rank, old))
    pairs.sort(key=lambda p: p[:3])
    taken_new: dict[int, tuple[Hashable, int]] = {}
    taken_old: set[int] = set()
    for c, k, rank, old in pairs:
        if k in taken_new or rank in taken_old:
            continue
        taken_new[k] = (old, -c)
        taken_old.add(rank)
    return taken_new


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


class _Ledger:
    """The households of one plan in natural order, as parallel lists.

    Households are numbered by position in the global order: compounds by (kind, locality, id),
    then buildings, units and rooms in natural order. Units are consecutive position ranges.
    """

    def __init__(self, keys: Iterable[HouseholdKey], settings: PlanSettings):
        self.settings = settings
        self.lo, self.hi = settings.neighbour_range()
        by_unit: dict[UnitKey, list] = {}
        compounds: dict[int, tuple[str, str, str]] = {}
        count = 0
        for k in keys:
            uk = (k.compound_id, k.building, k.unit)
            rooms = by_unit.get(uk)
            if rooms is None:
                by_unit[uk] = rooms = []
                if k.compound_id not in compounds:
                    compounds[k.compound_id] = (k.compound_kind, k.compound_order, k.compound_name)
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
        for uk in by_unit:
            per_compound.setdefault(uk[0], []).append(uk)
        order = sorted(compounds, key=lambda c: (compounds[c][0], compounds[c][1], c))

        self.compound_ids: list[int] = order
        self.compound_kind = [compounds[c][0] for c in order]
        self.compound_name = [compounds[c][2] or f"小区{c}" for c in order]
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
            units.sort(key=lambda uk: (nk(uk[1]), nk(uk[2])))
            last_building = None
            for uk in units:
                if uk[1] != last_building:
                    last_building = uk[1]
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

    def kind_runs(self) -> list[tuple[int, int]]:
        """(first, end) compound index ranges planned independently: the whole community, as
        one run (a 邻 may cross a change of kind, at a cost, when that keeps it in range)."""
        return [(0, len(self.compound_ids))] if self.compound_ids else []

    def parts(
        self, start: int, end: int, units: Iterable[int] | None = None, fine: bool = False
    ) -> list[tuple]:
        """The DP items for positions [start, end): whole units, or near-equal chunks of the
        households of a unit in the range when they exceed the maximum (``fine``: each of
        their households, so that the DP may cut them into chunks of any size).

        Each part is (first position, end position, unit index)."""
        if units is None:
            units = range(self.unit_of(start), self.unit_of(end - 1) + 1) if end > start else ()
        out = []
        hi = self.hi
        us = self.unit_start
        for u in units:
            a, b = max(us[u], start), min(us[u + 1], end)
            if b <= a:
                continue
            size = b - a
            if size <= hi:
                out.append((a, b, u))
            elif fine:
                out.extend((x, x + 1, u) for x in range(a, b))
            else:
                for c in _chunk_sizes(size, hi):
                    out.append((a, a + c, u))
                    a += c
        return out

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


def _ranks(texts: set[str]) -> dict[str, int]:
    return {t: i for i, t in enumerate(sorted(texts, key=natural_key))}


def _chunk_sizes(size: int, hi: int) -> list[int]:
    """The fewest near-equal chunks of at most ``hi`` (larger ones first)."""
    k = max(1, -(-size // hi))
    q, r = divmod(size, k)
    return [q + 1] * r + [q] * (k - r)


# --------------------------------------------------------------------------- 邻: the DP


def _arrays(ledger: _Ledger, parts: list[tuple], chunk_cut: float = 0.0):
    """Per part: size, unit, compound index, small compound?, and the cost of a cut before it."""
    n = len(parts)
    b_cut = ledger.settings.building_cut_cost
    size = [b - a for a, b, _ in parts]
    unit = [u for _, _, u in parts]
    comp = [ledger.unit_compound[u] for u in unit]
    bld = [ledger.unit_building[u] for u in unit]
    tiny = [ledger.tiny[c] for c in comp]
    kinds = ledger.compound_kind
    cut = [0.0] * n  # cost of a boundary just before part i
    # cost of a 邻 that contains parts i-1 and i, when the kind changes between them
    mix = [0.0] * n
    for i in range(1, n):
        if comp[i] != comp[i - 1] and kinds[comp[i]] != kinds[comp[i - 1]]:
            mix[i] = _KIND_MIX
        if comp[i] == comp[i - 1]:
            if tiny[i]:
                cut[i] = _INF
            elif unit[i] != unit[i - 1] and bld[i] == bld[i - 1]:
                cut[i] = b_cut
            elif unit[i] == unit[i - 1]:
                cut[i] = chunk_cut
    return size, comp, tiny, cut, mix


def _partition(
    ledger: _Ledger, parts: list[tuple], chunk_cut: float = 0.0
) -> list[tuple[int, int]]:
    """Cut a sequence of parts into 邻: (first part, end part) ranges of least total cost.

    Linear-partition DP. A 邻 of size S costs ((S - target)/target)², plus a prohibitive cost
    per household outside [min, max]; a cut inside a building costs ``building_cut_cost``
    (a cut between chunks of one oversized unit costs nothing); a 邻 spanning k compounds
    costs (k-1) × ``compound_join_cost`` and is allowed only when all but one are small
    compounds and its size stays in range (only small compounds ⇒ at most the maximum).
    No cut inside a small compound. A cut between two parts of one unit costs ``chunk_cut``.
    O(parts × parts-per-邻).
    """
    n = len(parts)
    if not n:
        return []
    s = ledger.settings
    lo, hi, target = ledger.lo, ledger.hi, s.households_per_neighbour
    inv = 1.0 / target
    join = s.compound_join_cost
    limit = hi + lo
    size, comp, tiny, cut, mix_cost = _arrays(ledger, parts, chunk_cut)
    best = [0.0] + [_INF] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        total = 0
        ncomp = nbig = 0
        last = -1
        bj = _INF
        bi = j - 1
        kmix = 0.0
        i = j
        while i > 0:
            i -= 1
            total += size[i]
            if i + 1 < j:
                kmix += mix_cost[i + 1]
            c = comp[i]
            if c != last:
                last = c
                ncomp += 1
                if not tiny[i]:
                    nbig += 1
                    if nbig > 1:
                        break
            base = best[i] + cut[i]
            if base < bj:
                if total < lo:
                    if ncomp > 1 and nbig:
                        continue
                    penalty = (_OUT_OF_RANGE if nbig else _SMALL_ALONE) * (lo - total)
                elif total > hi:
                    if ncomp > 1:
                        break
                    penalty = _OUT_OF_RANGE * (total - hi)
                else:
                    penalty = 0.0
                d = (total - target) * inv
                cost = base + d * d + penalty + join * (ncomp - 1) + kmix
                if cost < bj:
                    bj = cost
                    bi = i
            if total >= limit:
                break
        best[j] = bj
        back[j] = bi
    cuts = []
    j = n
    while j > 0:
        i = back[j]
        cuts.append((i, j))
        j = i
    cuts.reverse()
    return cuts


def _fresh(ledger: _Ledger, start: int, end: int) -> list[list[tuple]]:
    """The plan's 邻 for positions [start, end) (whole units) as lists of parts: oversized
    units in the fewest near-equal chunks; when that leaves households outside the range,
    again with oversized units cut anywhere (the fewest chunks, of unequal size if need be),
    kept if it does better."""
    parts = ledger.parts(start, end)
    segments = [parts[i:j] for i, j in _partition(ledger, parts)]
    score = _shortfall(ledger, segments)
    if any(score) and any(ledger.unit_size(u) > ledger.hi for _, _, u in parts):
        fine = ledger.parts(start, end, fine=True)
        other = [fine[i:j] for i, j in _partition(ledger, fine, _CHUNK_CUT)]
        if _shortfall(ledger, other) < score:
            segments = [_merge_parts(seg) for seg in other]
    return segments


def _shortfall(ledger: _Ledger, segments: list[list[tuple]]) -> tuple[int, int]:
    """(households outside the range, not counting small compounds on their own; households
    missing to the minimum in 邻 of small compounds on their own)."""
    alone = 0
    for seg in segments:
        n = sum(b - a for a, b, _ in seg)
        if n < ledger.lo and all(ledger.tiny[ledger.unit_compound[u]] for _, _, u in seg):
            alone += ledger.lo - n
    return _violation(ledger, segments), alone


def _merge_parts(seg: list[tuple]) -> list[tuple]:
    """Join consecutive parts of one unit (households cut one by one) into one part."""
    out: list[tuple] = []
    for a, b, u in seg:
        if out and out[-1][2] == u and out[-1][1] == a:
            out[-1] = (out[-1][0], b, u)
        else:
            out.append((a, b, u))
    return out


def _partition_keep(ledger: _Ledger, parts: list[tuple], cell: list[int]) -> list[tuple[int, int]]:
    """:func:`_partition` plus ``move_cost`` per household that changes 邻 (rebalance).

    ``cell[x]``: the current 邻 (an index, -1 for a new household) of position x. Each new 邻
    continues at most one current 邻 — the one it shares most households with that is still
    free; the others' households in it move. With current 邻 that are consecutive runs this is
    exact with two states per boundary: whether the current 邻 that straddles the boundary was
    already continued by the 邻 that ends there.
    """
    n = len(parts)
    if not n:
        return []
    s = ledger.settings
    lo, hi, target = ledger.lo, ledger.hi, s.households_per_neighbour
    inv = 1.0 / target
    join, move = s.compound_join_cost, s.move_cost
    limit = hi + lo
    size, comp, tiny, cut, mix_cost = _arrays(ledger, parts)
    mix: list[list[tuple[int, int]]] = []  # (cell, households) per part
    for a, b, _ in parts:
        counts: Counter = Counter(cell[a:b])
        mix.append(list(counts.items()))
    # the current 邻 that straddles the boundary before part i: the last one seen before it,
    # when it has households after it too (new households in between do not matter)
    last_part: dict[int, int] = {}
    for i, m in enumerate(mix):
        for c, _ in m:
            last_part[c] = i
    straddle = [-1] * (n + 1)
    seen = -1
    for i in range(1, n):
        a, b, _ = parts[i - 1]
        for x in range(b - 1, a - 1, -1):
            if cell[x] >= 0:
                seen = cell[x]
                break
        if seen >= 0 and last_part[seen] >= i:
            straddle[i] = seen
    best = [[0.0] + [_INF] * n, [_INF] * (n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (n + 1), [(0, 0)] * (n + 1)]
    for j in range(1, n + 1):
        sj = straddle[j] if j < n else -1
        counts: dict[int, int] = {}
        total = 0
        ncomp = nbig = 0
        last = -1
        kmix = 0.0
        i = j
        while i > 0:
            i -= 1
            total += size[i]
            if i + 1 < j:
                kmix += mix_cost[i + 1]
            for c, k in mix[i]:
                counts[c] = counts.get(c, 0) + k
            c = comp[i]
            if c != last:
                last = c
                ncomp += 1
                if not tiny[i]:
                    nbig += 1
                    if nbig > 1:
                        break
            if total < lo:
                if ncomp > 1 and nbig:
                    continue
                penalty = (_OUT_OF_RANGE if nbig else _SMALL_ALONE) * (lo - total)
            elif total > hi:
                if ncomp > 1:
                    break
                penalty = _OUT_OF_RANGE * (total - hi)
            else:
                penalty = 0.0
            d = (total - target) * inv
            seg = d * d + penalty + join * (ncomp - 1) + kmix + cut[i]
            old = total - counts.get(-1, 0)
            for fi in (0, 1):
                base = best[fi][i]
                if base == _INF:
                    continue
                blocked = straddle[i] if fi else -1  # already continued by an earlier 邻
                carried = sj >= 0 and sj == blocked
                if sj >= 0 and not carried:  # continue the 邻 across the end boundary
                    cost = base + seg + move * (old - counts.get(sj, 0))
                    if cost < best[1][j]:
                        best[1][j] = cost
                        back[1][j] = (i, fi)
                keep = 0
                for c, k in counts.items():
                    if k > keep and c >= 0 and c != blocked and c != sj:
                        keep = k
                cost = base + seg + move * (old - keep)
                f = 1 if carried else 0
                if cost < best[f][j]:
                    best[f][j] = cost
                    back[f][j] = (i, fi)
            if total >= limit:
                break
    cuts = []
    j, f = n, 0 if best[0][n] <= best[1][n] else 1
    while j > 0:
        i, fi = back[f][j]
        cuts.append((i, j))
        j, f = i, fi
    cuts.reverse()
    return cuts


def _neighbour(ledger: _Ledger, parts: list[tuple], hids: list[int] | None = None):
    """A PlannedNeighbour from consecutive parts (or from explicit household positions)."""
    households = hids if hids is not None else [h for a, b, _ in parts for h in ledger.hids[a:b]]
    units: list[int] = []
    for _, _, u in parts:
        if not units or units[-1] != u:
            units.append(u)
    label = _label(ledger, parts, units)
    if len(label) > LABEL_MAX:
        label = label[: LABEL_MAX - 1] + "…"
    return PlannedNeighbour(
        households=households,
        compound_ids={ledger.compound_ids[ledger.unit_compound[u]] for u in units},
        label=label,
        units=[ledger.unit_keys[u] for u in units],
    )


def _range_label(first: str, last: str) -> str:
    if first == last:
        return first
    m1 = re.fullmatch(r"(\D*?)(\d+)(\D*)", first)
    m2 = re.fullmatch(r"(\D*?)(\d+)(\D*)", last)
    if m1 and m2 and m1.group(1) == m2.group(1) and m1.group(3) == m2.group(3):
        return f"{m1.group(1)}{m1.group(2)}-{m2.group(2)}{m1.group(3)}"
    return f"{first}至{last}"


def _label(ledger: _Ledger, parts: list[tuple], units: list[int]) -> str:
    """A human name for the boundary: "粮站宿舍1栋1-2单元", "粮站宿舍1-3栋", "A、B小区"."""
    comps: list[int] = []
    for u in units:
        c = ledger.unit_compound[u]
        if not comps or comps[-1] != c:
            comps.append(c)
    if len(comps) > 1:
        names = [ledger.compound_name[c] for c in comps]
        return (
            "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:2])}等{len(names)}个小区"
        )
    ci = comps[0]
    name = ledger.compound_name[ci]
    size = sum(b - a for a, b, _ in parts)
    if size == ledger.compound_size[ci]:
        return name
    first_u, last_u = units[0], units[-1]
    fk, lk = ledger.unit_keys[first_u], ledger.unit_keys[last_u]
    if len(units) == 1 and size < ledger.unit_size(first_u):  # a chunk of one unit
        rooms = _rooms(ledger, parts)
        label = _range_label(rooms[0], rooms[1])
        suffix = "室" if label[-1:].isdigit() else ""
        return f"{name}{fk[1]}{fk[2]}{label}{suffix}"
    whole_first = _covers_building(ledger, parts, first_u)
    whole_last = _covers_building(ledger, parts, last_u)
    if fk[1] == lk[1]:
        if whole_first and whole_last:
            return f"{name}{fk[1]}"
        return f"{name}{fk[1]}{_range_label(fk[2], lk[2])}"
    if whole_first and whole_last:
        return f"{name}{_range_label(fk[1], lk[1])}"
    return f"{name}{fk[1]}{fk[2]}至{lk[1]}{lk[2]}"


def _rooms(ledger: _Ledger, parts: list[tuple]) -> tuple[str, str]:
    return ledger.rooms[parts[0][0]], ledger.rooms[parts[-1][1] - 1]


def _covers_building(ledger: _Ledger, parts: list[tuple], u: int) -> bool:
    """Do the parts cover all of unit u's building?"""
    b = ledger.unit_building[u]
    return parts[0][0] <= ledger.building_start[b] and parts[-1][1] >= ledger.building_start[b + 1]


# --------------------------------------------------------------------------- 组 and 片


def _boundary_costs(ledger: _Ledger, spans: list[tuple[int, int]]) -> list[float]:
    """Cost of a 组/片 boundary before each 邻 (given as (first, last) positions)."""
    s = ledger.settings
    costs = [0.0] * len(spans)
    for k in range(1, len(spans)):
        u_prev = ledger.unit_of(spans[k - 1][1])
        u_next = ledger.unit_of(spans[k][0])
        c_prev, c_next = ledger.unit_compound[u_prev], ledger.unit_compound[u_next]
        if c_prev == c_next:
            costs[k] = s.group_compound_cut_cost
            if ledger.unit_building[u_prev] == ledger.unit_building[u_next]:
                costs[k] += s.building_cut_cost
    return costs


def _group(
    n: int,
    costs: list[float],
    candidates: list[int],
    target: int,
    lo: int,
    hi: int,
    changes: list[int],
    mix_cost: float,
) -> list[tuple[int, int]]:
    """Cut n items into consecutive runs of about ``target``, only at ``candidates``
    (sorted positions, 0 and n included): DP, cost ((len - target)/target)² per run, 100 per
    item outside [lo, hi], ``mix_cost`` per change of kind inside a run (``changes[k]``: the
    number of changes among items 0..k), plus the cost of each boundary."""
    m = len(candidates)
    best = [0.0] + [_INF] * (m - 1)
    back = [0] * m
    inv = 1.0 / target
    for t in range(1, m):
        end = candidates[t]
        bt, bs = _INF, t - 1
        for s_ in range(t - 1, -1, -1):
            length = end - candidates[s_]
            if length > hi and s_ < t - 1:
                break
            d = (length - target) * inv
            start = candidates[s_]
            cost = best[s_] + costs[start] + d * d + mix_cost * (changes[end - 1] - changes[start])
            if length < lo:
                cost += 100.0 * (lo - length)
            elif length > hi:
                cost += 100.0 * (length - hi)
            if cost < bt:
                bt, bs = cost, s_
        best[t], back[t] = bt, bs
    runs = []
    t = m - 1
    while t > 0:
        runs.append((candidates[back[t]], candidates[t]))
        t = back[t]
    runs.reverse()
    return runs


def _assemble(
    ledger: _Ledger, neighbours: list[PlannedNeighbour], spans: list[tuple[int, int]]
) -> Plan:
    """Group 邻 (in order, each with its (first, last) position) into 组 and 片."""
    s = ledger.settings
    plan = Plan(
        areas=[],
        settings=s,
        unit_sizes=ledger.unit_sizes(),
        compound_units=ledger.compound_units(),
    )
    n = len(neighbours)
    if not n:
        return plan
    costs = _boundary_costs(ledger, spans)
    g_lo, g_hi = s.group_range()
    # cut candidates: compound boundaries; building boundaries inside compounds, and any
    # boundary inside buildings, only where the run of 邻 is long enough to need them
    comp_of = [ledger.unit_compound[ledger.unit_of(a)] for a, _ in spans]
    bld_of = [ledger.unit_building[ledger.unit_of(a)] for a, _ in spans]
    comp_run = _run_lengths(comp_of)
    bld_run = _run_lengths(bld_of)
    half = max(1, g_lo // 2)
    candidates = [0]
    for k in range(1, n):
        if (
            comp_of[k] != comp_of[k - 1]
            or (comp_run[k] > half and bld_of[k] != bld_of[k - 1])
            or bld_run[k] > half
        ):
            candidates.append(k)
    candidates.append(n)
    kinds = [ledger.compound_kind[c] for c in comp_of]
    changes = [0] * n
    for k in range(1, n):
        changes[k] = changes[k - 1] + (kinds[k] != kinds[k - 1])
    mix = s.group_kind_mix_cost
    group_runs = _group(n, costs, candidates, s.neighbours_per_group, g_lo, g_hi, changes, mix)
    a_lo, a_hi = s.area_range()
    g_costs = [costs[a] for a, _ in group_runs]
    g_changes = [0] * len(group_runs)
    for g in range(1, len(group_runs)):
        k = group_runs[g][0]
        g_changes[g] = g_changes[g - 1] + (kinds[k] != kinds[k - 1])
    area_runs = _group(
        len(group_runs),
        g_costs,
        list(range(len(group_runs) + 1)),
        s.groups_per_area,
        a_lo,
        a_hi,
        g_changes,
        mix,
    )
    for ga, gb in area_runs:
        plan.areas.append(
            PlannedArea(
                groups=[PlannedGroup(neighbours=neighbours[a:b]) for a, b in group_runs[ga:gb]]
            )
        )
    return plan


def _run_lengths(values: list) -> list[int]:
    """For each index, the length of the run of equal values it belongs to."""
    out = [0] * len(values)
    start = 0
    for k in range(1, len(values) + 1):
        if k == len(values) or values[k] != values[start]:
            for x in range(start, k):
                out[x] = k - start
            start = k
    return out


# --------------------------------------------------------------------------- public API


def plan_households(keys: Iterable[HouseholdKey], settings: PlanSettings) -> Plan:
    """Propose 片/组/邻 for these households (one community). Deterministic.

    An empty input gives an empty plan (the caller reports "no households")."""
    ledger = _Ledger(keys, settings)
    neighbours: list[PlannedNeighbour] = []
    spans: list[tuple[int, int]] = []
    for c_first, c_end in ledger.kind_runs():
        u_first, u_end = ledger.compound_start[c_first], ledger.compound_start[c_end]
        for seg in _fresh(ledger, ledger.unit_start[u_first], ledger.unit_start[u_end]):
            neighbours.append(_neighbour(ledger, seg))
            spans.append((seg[0][0], seg[-1][1] - 1))
    return _assemble(ledger, neighbours, spans)


def rebalance(
    keys: Iterable[HouseholdKey], settings: PlanSettings, current: dict[int, Hashable]
) -> Plan:
    """Re-plan after the ledger changed, moving as few households as possible.

    ``current``: household id → id of its current 邻 (households not in ``keys`` are gone;
    households of ``keys`` not in ``current`` are new). Range first, then moves:

    1. new households join the current 邻 of their unit (or of the unit next to theirs in the
       same building; in an oversized unit, that of the nearest room) when that keeps it
       within the maximum and does not split the unit;
    2. a current 邻 stays as it is when it is valid: within the size range (or a small
       compound on its own, or a chunk of an oversized unit), no unit that fits within the
       maximum shared with another 邻, at most one compound that is not small, no small
       compound split;
    3. the rest — new households without a place, households of invalid 邻 — is re-planned in
       runs of consecutive households with a move-aware DP (:func:`_partition_keep`). A run
       still outside the range, or moving households, is widened by the 邻 next to it (left,
       right or both, up to three steps) when that helps. A run with only size problems is
       re-planned with the plan's own chunking and kept unless that strictly reduces the
       households outside the range, so an unchanged ledger moves nobody;
    4. if that leaves more households outside the range than :func:`plan_households` would,
       the whole community is re-planned move-aware;
    5. 组 and 片 are formed again over the resulting 邻 (the apply step maps them).

    Each planned 邻 records in ``existing`` the current 邻 it continues (the same matching
    that :meth:`Plan.quality` uses to count moves).
    """
    ledger = _Ledger(keys, settings)
    lo, hi = ledger.lo, ledger.hi
    hids = ledger.hids
    npos = len(hids)
    # current 邻 of each position, as an index in first-seen order (-1: a new household)
    cell_ids: dict[Hashable, int] = {}
    cell = [-1] * npos
    for p, h in enumerate(hids):
        old = current.get(h)
        if old is not None:
            c = cell_ids.get(old)
            if c is None:
                c = cell_ids[old] = len(cell_ids)
            cell[p] = c
    old_of_cell = list(cell_ids)
    size = [0] * len(old_of_cell)
    for c in cell:
        if c >= 0:
            size[c] += 1

    # 1. place new households
    n_units = len(ledger.unit_keys)
    us = ledger.unit_start
    for u in range(n_units):
        a, b = us[u], us[u + 1]
        new = [p for p in range(a, b) if cell[p] < 0]
        if not new:
            continue
        if b - a > hi:  # oversized unit: each new household joins the chunk of a neighbour room
            for p in new:
                for q in (*range(p - 1, a - 1, -1), *range(p + 1, b)):
                    c = cell[q]
                    if c >= 0:
                        if size[c] < hi:
                            cell[p] = c
                            size[c] += 1
                        break
            continue
        here = {cell[p] for p in range(a, b) if cell[p] >= 0}
        options: list[int] = []
        if len(here) == 1:
            options = [next(iter(here))]
        elif not here:
            for v in (u - 1, u + 1):
                if 0 <= v < n_units and ledger.unit_building[v] == ledger.unit_building[u]:
                    near = {cell[p] for p in range(us[v], us[v + 1]) if cell[p] >= 0}
                    if len(near) == 1:
                        options.append(next(iter(near)))
                    elif near:  # the chunk of an oversized unit nearest to this one
                        options.append(cell[us[v + 1] - 1] if v < u else cell[us[v]])
        for c in options:
            if c >= 0 and size[c] + len(new) <= hi:
                for p in new:
                    cell[p] = c
                size[c] += len(new)
                break

    # 2. validity of each current 邻
    structural = [False] * len(old_of_cell)  # broken beyond sizes
    members: list[list[int]] = [[] for _ in old_of_cell]
    for p, c in enumerate(cell):
        if c >= 0:
            members[c].append(p)
    for u in range(n_units):
        a, b = us[u], us[u + 1]
        if b - a <= hi:
            cells_here = set(cell[a:b])
            if len(cells_here) > 1:
                for c in cells_here:
                    if c >= 0:
                        structural[c] = True
    unit_of = _position_units(ledger)
    sized_ok = [True] * len(old_of_cell)
    for c, ps in enumerate(members):
        if not ps:
            continue
        comps = {ledger.unit_compound[unit_of[p]] for p in ps}
        big = [x for x in comps if not ledger.tiny[x]]
        if len(big) > 1:
            structural[c] = True
            continue
        in_cell = Counter(ledger.unit_compound[unit_of[p]] for p in ps)
        if any(ledger.tiny[x] and in_cell[x] != ledger.compound_size[x] for x in comps):
            structural[c] = True  # a small compound is split
            continue
        n = len(ps)
        if lo <= n <= hi:
            continue
        if not big and n <= hi:
            continue  # small compounds on their own
        units_here = {unit_of[p] for p in ps}
        if len(units_here) == 1 and ledger.unit_size(next(iter(units_here))) > hi and n <= hi:
            continue  # a chunk of an oversized unit
        sized_ok[c] = False
    valid = [bool(members[c]) and not structural[c] and sized_ok[c] for c in range(len(members))]

    # 3. re-plan the rest, in runs of consecutive free positions
    kind_end = _kind_ends(ledger)
    free = [c < 0 or not valid[c] for c in cell]
    must_pos = [c < 0 or structural[c] for c in cell]
    taken = [False] * npos  # positions of re-planned 邻
    replanned: list[list[tuple]] = []

    def settle(p: int, q: int, must: bool) -> None:
        option = _replan(ledger, p, q, cell, must)
        if option[0] or option[1]:
            option = _widen(
                ledger, (p, q), option, cell, members, free, must_pos, kind_end, taken, must
            )
        before = sum(_outside(len(members[c]), lo, hi) for c in {cell[x] for x in range(p, q)})
        if must or option[0] < before:
            for seg in option[2]:
                replanned.append(seg)
                for x0, x1, _ in seg:
                    for x in range(x0, x1):
                        taken[x] = True
        # else: re-planning does not help; the run's 邻 stay as they are

    # runs with only size problems first (widening them may take in new households next to
    # them), then the runs that must be re-planned: new households, broken 邻
    for must_pass in (False, True):
        p = 0
        while p < npos:
            if not free[p] or taken[p]:
                p += 1
                continue
            q = p
            while q < npos and free[q] and not taken[q] and kind_end[q] == kind_end[p]:
                q += 1
            must = any(must_pos[x] for x in range(p, q))
            if must == must_pass:
                settle(p, q, must)
            p = q

    # 4. the current 邻 that stay and the re-planned ones. Never worse in range than a fresh
    # plan: per planned run (:meth:`_Ledger.kind_runs`: the whole community), when the local
    # repairs leave more households outside the range than a fresh plan would, re-plan the
    # whole run move-aware, over parts
    # that include the fresh plan's own cuts.
    by_run: dict[int, list[list[tuple]]] = {}
    for cell_members in members:
        ps = [x for x in cell_members if not taken[x]]
        if ps:
            by_run.setdefault(kind_end[ps[0]], []).append(_parts_of_positions(ledger, ps, unit_of))
    for seg in replanned:
        by_run.setdefault(kind_end[seg[0][0]], []).append(seg)
    final: list[list[tuple]] = []
    cs = ledger.compound_start
    for c_first, c_end in ledger.kind_runs():
        a, b = us[cs[c_first]], us[cs[c_end]]
        segments = by_run.get(b, [])
        fresh = _fresh(ledger, a, b)
        if _violation(ledger, segments) > _violation(ledger, fresh):
            starts = {seg[0][0] for seg in fresh}
            parts = _union_parts(ledger, a, b, cell, starts)
            segments = [parts[i:j] for i, j in _partition_keep(ledger, parts, cell)]
        final.extend(segments)
    final.sort(key=lambda seg: seg[0][0])
    neighbours = [_neighbour(ledger, seg) for seg in final]
    for k, (old, _) in _match_existing(neighbours, current).items():
        neighbours[k].existing = old
    return _assemble(ledger, neighbours, [(seg[0][0], seg[-1][1] - 1) for seg in final])


def _union_parts(
    ledger: _Ledger, start: int, end: int, cell: list[int], plan_cuts: set[int]
) -> list[tuple]:
    """Parts for positions [start, end) (whole units): units that fit; an oversized unit cut
    where the plan would chunk it (near-equal chunks, and ``plan_cuts``: where the fresh plan's
    邻 start) and where its current 邻 change."""
    out = []
    hi = ledger.hi
    us = ledger.unit_start
    for u in range(ledger.unit_of(start), ledger.unit_of(end - 1) + 1) if end > start else ():
        a, b = us[u], us[u + 1]
        if b - a <= hi:
            out.append((a, b, u))
            continue
        cuts = {b}
        x = a
        for c in _chunk_sizes(b - a, hi):
            x += c
            cuts.add(x)
        cuts.update(x for x in range(a + 1, b) if cell[x] != cell[x - 1] or x in plan_cuts)
        prev = a
        for x in sorted(cuts):
            out.append((prev, x, u))
            prev = x
    return out


def _outside(n: int, lo: int, hi: int) -> int:
    return lo - n if n < lo else n - hi if n > hi else 0


def _violation(ledger: _Ledger, segments: list[list[tuple]]) -> int:
    """Households outside the range, not counting small compounds on their own."""
    total = 0
    for seg in segments:
        n = sum(b - a for a, b, _ in seg)
        if n < ledger.lo and all(ledger.tiny[ledger.unit_compound[u]] for _, _, u in seg):
            continue
        total += _outside(n, ledger.lo, ledger.hi)
    return total


def _run_parts(ledger: _Ledger, start: int, end: int, cell: list[int], fine: bool) -> list:
    """Parts for re-planning positions [start, end): whole units that fit; the households of
    a unit that exceeds the maximum either one by one (``fine``: the DP may cut it wherever
    fewest move) or in pieces of one current 邻 each, chunked as the plan would chunk them
    (so that re-planning an unchanged ledger finds nothing better than the plan did)."""
    if end <= start:
        return []
    out = []
    hi = ledger.hi
    us = ledger.unit_start
    for u in range(ledger.unit_of(start), ledger.unit_of(end - 1) + 1):
        a, b = max(us[u], start), min(us[u + 1], end)
        if ledger.unit_size(u) <= hi:
            out.append((a, b, u))
        elif fine:
            out.extend((x, x + 1, u) for x in range(a, b))
        else:
            x = a
            while x < b:
                y = x + 1
                while y < b and cell[y] == cell[x]:
                    y += 1
                for c in _chunk_sizes(y - x, hi):
                    out.append((x, x + c, u))
                    x += c
    return out


def _replan(ledger: _Ledger, start: int, end: int, cell: list[int], fine: bool):
    """(households outside the range, households moved, segments) for positions [start, end)."""
    parts = _run_parts(ledger, start, end, cell, fine)
    segments = [parts[i:j] for i, j in _partition_keep(ledger, parts, cell)]
    return (_violation(ledger, segments), _moves(segments, cell), segments)


def _widen(ledger, run, option, cell, members, free, must_pos, kind_end, taken, fine):
    """Re-plan the run together with the 邻 next to it (left, right or both; up to three
    steps, each from the best span so far) when that puts fewer households outside the range,
    or moves fewer households.

    The widened span may take in free households of later runs, never households already
    re-planned nor part of a 邻 that reaches outside the span. Options are compared by the
    households outside the range — counting a broken 邻 met next to a span when the option
    takes every neighbour it could still be mended with — then by households moved."""
    p, q = run
    lo, hi = ledger.lo, ledger.hi
    evaluated = [(option, p, q)]
    met: set[int] = set()  # broken 邻 seen next to a span
    a, b = run
    for _step in range(3):
        options = []
        left = cell[a - 1] if a > 0 and kind_end[a - 1] == kind_end[p] else -1
        right = cell[b] if b < len(cell) and kind_end[b] == kind_end[p] else -1
        met.update(c for c in (left, right) if c >= 0 and free[members[c][0]])
        for take_left, take_right in ((True, False), (False, True), (True, True)):
            grow = [c for c, t in ((left, take_left), (right, take_right)) if t]
            if not grow or any(c < 0 for c in grow):
                continue
            na = min(a, *(members[c][0] for c in grow))
            nb = max(b, *(members[c][-1] + 1 for c in grow))
            # free households right next to the span come along (else they would be stranded)
            while na > 0 and free[na - 1] and not taken[na - 1] and kind_end[na - 1] == kind_end[p]:
                na -= 1
            while nb < len(cell) and free[nb] and not taken[nb] and kind_end[nb] == kind_end[p]:
                nb += 1
            if any(
                taken[x]
                or (not free[x] and (members[cell[x]][0] < na or members[cell[x]][-1] >= nb))
                for x in range(na, nb)
                if not a <= x < b
            ):
                continue
            # new households or broken 邻 in the span: search as finely as for a must-run
            span_fine = fine or any(must_pos[x] for x in range(na, nb))
            options.append((_replan(ledger, na, nb, cell, span_fine), na, nb))
        if not options:
            break
        evaluated.extend(options)
        options.sort(key=lambda o: (o[0][0], o[0][1], o[1], o[2]))
        a, b = options[0][1], options[0][2]

    def neighbours_of(c: int) -> list[int]:
        first, last = members[c][0], members[c][-1]
        out = []
        if first > 0 and kind_end[first - 1] == kind_end[first] and not taken[first - 1]:
            out.append(first - 1)
        if last + 1 < len(cell) and kind_end[last + 1] == kind_end[last] and not taken[last + 1]:
            out.append(last + 1)
        return out

    def score(entry):
        (v, moves, _), na, nb = entry
        stranded = sum(  # broken 邻 outside the span whose every neighbour the span takes
            _outside(len(members[c]), lo, hi)
            for c in met
            if (members[c][0] >= nb or members[c][-1] < na)
            and all(na <= x < nb for x in neighbours_of(c))
        )
        return (v + stranded, moves)

    return min(evaluated, key=score)[0]  # the first of equals: the narrowest


def _moves(segments: list[list[tuple]], cell: list[int]) -> int:
    """Current households in these segments that would change 邻 (greedy matching)."""
    scored = []
    total = 0
    for k, seg in enumerate(segments):
        votes: Counter = Counter()
        for x0, x1, _ in seg:
            votes.update(cell[x0:x1])
        votes.pop(-1, None)
        total += sum(votes.values())
        scored.extend((-v, k, c) for c, v in votes.items())
    scored.sort()
    used_k: set[int] = set()
    used_c: set[int] = set()
    stay = 0
    for v, k, c in scored:
        if k not in used_k and c not in used_c:
            used_k.add(k)
            used_c.add(c)
            stay -= v
    return total - stay


def _position_units(ledger: _Ledger) -> list[int]:
    out = [0] * len(ledger.hids)
    us = ledger.unit_start
    for u in range(len(ledger.unit_keys)):
        for x in range(us[u], us[u + 1]):
            out[x] = u
    return out


def _kind_ends(ledger: _Ledger) -> list[int]:
    """For each position, the end position of its planned run (:meth:`_Ledger.kind_runs`)."""
    out = [0] * len(ledger.hids)
    us, cs = ledger.unit_start, ledger.compound_start
    for c_first, c_end in ledger.kind_runs():
        a, b = us[cs[c_first]], us[cs[c_end]]
        for x in range(a, b):
            out[x] = b
    return out


def _parts_of_positions(ledger: _Ledger, ps: list[int], unit_of: list[int]) -> list[tuple]:
    """Runs of consecutive positions within one unit, as parts (for labels and boundaries)."""
    parts: list[tuple] = []
    a = ps[0]
    prev = a
    for x in [*ps[1:], None]:
        if x is not None and x == prev + 1 and unit_of[x] == unit_of[a]:
            prev = x
            continue
        parts.append((a, prev + 1, unit_of[a]))
        if x is not None:
            a = prev = x
    return parts


# --------------------------------------------------------------------------- the database


def load_keys(community) -> list[HouseholdKey]:
    """The planning keys of every household of a community (a Region or its id): one query."""
    from linli.ledger.models import Household

    community_id = getattr(community, "pk", community)
    rows = (
        Household.objects.filter(unit__building__compound__community_id=community_id)
        .order_by("unit__building__compound_id", "unit__building_id", "unit_id", "id")
        .values_list(
            "id",
            "unit__building__compound_id",
            "unit__building__compound__construction_background",
            "unit__building__compound__address",
            "unit__building__compound__name",
            "unit__building__name",
            "unit__name",
            "room",
        )
    )
    compounds: dict[int, tuple[str, str, str]] = {}
    texts: dict[str, str] = {}
    keys = []
    append = keys.append
    for hid, cid, kind, address, name, building, unit, room in rows.iterator(chunk_size=5000):
        info = compounds.get(cid)
        if info is None:
            info = compounds[cid] = (kind, compound_order_key(address, name), name)
        # share equal strings: the plan hashes them, and a county has a million of them
        building = texts.setdefault(building, building)
        unit = texts.setdefault(unit, unit)
        room = texts.setdefault(room, room)
        append(HouseholdKey(hid, cid, info[0], info[1], building, unit, room, info[2]))
    return keys
