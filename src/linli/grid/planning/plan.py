"""What the planner gives back: the plan (片 ⊃ 组 ⊃ 邻), its quality figures and the 邻
outside the size range with the reason each may be."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .inputs import PlanSettings, UnitKey

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
class PlannedNeighbour:
    """One 邻: its households in natural order and its boundary (compounds and units)."""

    households: list[int]
    compound_ids: set[int]
    label: str  # e.g. "粮站宿舍1栋1-2单元"
    units: list[UnitKey] = field(default_factory=list)  # the boundary, in order
    existing: Hashable | None = None  # rebalance: the current 邻 it continues, if any


@dataclass
class PlannedGroup:
    """One 组: consecutive 邻."""

    neighbours: list[PlannedNeighbour]


@dataclass
class PlannedArea:
    """One 片: consecutive 组."""

    groups: list[PlannedGroup]


class OutsideRange(NamedTuple):
    """A 邻 outside the size range, with the reason it may be (see :meth:`Plan.outside_range`)."""

    neighbour: PlannedNeighbour
    reason: str


class Continued(NamedTuple):
    """The current 邻 a planned 邻 continues, and how many households they share."""

    current: Hashable
    shared: int


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

    def quality(self, current: Mapping[int, object] | None = None) -> dict:
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
            building_seen.update({(u.compound_id, u.building) for u in n.units})
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
            "moves": count_moves(neighbours, current) if current else 0,
        }

    def outside_range(self) -> list[OutsideRange]:
        """Each 邻 outside the size range with the reason it may be:

        ``small_compound``: only compounds smaller than the minimum (no compound next to it,
        of any kind, could take it within the range — e.g. the community is that small);
        ``oversized_unit``: part of one stairwell unit that alone exceeds the maximum;
        ``unpackable_compound``: the compound's units cannot be cut into 邻 within the range
        without splitting a unit that fits (oversized units may be cut anywhere); ``other``:
        none of these (a bug — the tests check there are none).
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
            elif len(n.compound_ids) == 1 and not packable(
                self.compound_units.get(next(iter(n.compound_ids)), []), lo, hi
            ):
                reason = "unpackable_compound"
            else:
                reason = "other"
            out.append(OutsideRange(n, reason))
        return out


def packable(unit_sizes: list[int], lo: int, hi: int) -> bool:
    """Can these units (in order; oversized ones cut anywhere) form 邻 in [lo, hi]?"""
    cuts: list[int] = []  # positions where a 邻 may end
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


def count_moves(neighbours: list[PlannedNeighbour], current: Mapping) -> int:
    """Households of ``current`` whose 邻 changes (see :func:`match_existing`)."""
    matches = match_existing(neighbours, current)
    in_current = sum(1 for n in neighbours for h in n.households if h in current)
    return in_current - sum(m.shared for m in matches.values())


def match_existing(neighbours: list[PlannedNeighbour], current: Mapping) -> dict[int, Continued]:
    """Planned 邻 index → the current 邻 it continues: greedy, largest overlap first, each
    current 邻 continued at most once."""
    first_seen: dict[Hashable, int] = {}
    pairs = []  # (-shared, planned index, current 邻 in first-seen order, current 邻)
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
    taken_new: dict[int, Continued] = {}
    taken_old: set[int] = set()
    for c, k, rank, old in pairs:
        if k in taken_new or rank in taken_old:
            continue
        taken_new[k] = Continued(old, -c)
        taken_old.add(rank)
    return taken_new
