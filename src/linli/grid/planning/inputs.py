"""What the planner is given: one key per household, and the settings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple


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


class UnitKey(NamedTuple):
    """A stairwell unit (单元) of the ledger, as the plan names it."""

    compound_id: int
    building: str
    unit: str


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
        """(min, max) households of a 邻."""
        t = self.households_per_neighbour
        lo = self.neighbour_min if self.neighbour_min is not None else max(1, _half_up(t * 0.6))
        hi = self.neighbour_max if self.neighbour_max is not None else _half_up(t * 1.5)
        return lo, hi

    def group_range(self) -> tuple[int, int]:
        """(min, max) 邻 of a 组."""
        return _range(self.neighbours_per_group, self.group_min, self.group_max)

    def area_range(self) -> tuple[int, int]:
        """(min, max) 组 of a 片."""
        return _range(self.groups_per_area, self.area_min, self.area_max)


def _range(target: int, lo: int | None, hi: int | None) -> tuple[int, int]:
    lo = lo if lo is not None else max(1, _half_up(target * 0.5))
    hi = hi if hi is not None else max(lo, math.floor(target * 1.5))
    return lo, hi
