"""From 邻 to a plan: each 邻 named by its boundary, 邻 grouped into 组 and 组 into 片 — and
:func:`plan_households`, the fresh plan."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .inputs import HouseholdKey, PlanSettings
from .ordering import Ledger, Segment
from .partition import fresh_segments
from .plan import Plan, PlannedArea, PlannedGroup, PlannedNeighbour

LABEL_MAX = 100  # a 邻 label fits a grid name (Grid.name is 100 characters)
_INF = float("inf")


def plan_households(keys: Iterable[HouseholdKey], settings: PlanSettings) -> Plan:
    """Propose 片/组/邻 for these households (one community). Deterministic.

    The whole community is planned as one run (a 邻 may cross a change of compound kind, at
    a cost, when that keeps it in range). An empty input gives an empty plan (the caller
    reports "no households")."""
    ledger = Ledger(keys, settings)
    segments = fresh_segments(ledger, 0, len(ledger.hids))
    return assemble(ledger, segments, [neighbour(ledger, seg) for seg in segments])


# --------------------------------------------------------------------------- 邻 and labels


def neighbour(ledger: Ledger, seg: Segment) -> PlannedNeighbour:
    """The PlannedNeighbour of consecutive parts."""
    households = [h for a, b, _ in seg for h in ledger.hids[a:b]]
    units: list[int] = []
    for _, _, u in seg:
        if not units or units[-1] != u:
            units.append(u)
    label = _label(ledger, seg, units)
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


def _label(ledger: Ledger, seg: Segment, units: list[int]) -> str:
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
    size = sum(b - a for a, b, _ in seg)
    if size == ledger.compound_size[ci]:
        return name
    first_u, last_u = units[0], units[-1]
    fk, lk = ledger.unit_keys[first_u], ledger.unit_keys[last_u]
    if len(units) == 1 and size < ledger.unit_size(first_u):  # a chunk of one unit
        label = _range_label(ledger.rooms[seg[0].first], ledger.rooms[seg[-1].end - 1])
        suffix = "室" if label[-1:].isdigit() else ""
        return f"{name}{fk.building}{fk.unit}{label}{suffix}"
    whole_first = _covers_building(ledger, seg, first_u)
    whole_last = _covers_building(ledger, seg, last_u)
    if fk.building == lk.building:
        if whole_first and whole_last:
            return f"{name}{fk.building}"
        return f"{name}{fk.building}{_range_label(fk.unit, lk.unit)}"
    if whole_first and whole_last:
        return f"{name}{_range_label(fk.building, lk.building)}"
    return f"{name}{fk.building}{fk.unit}至{lk.building}{lk.unit}"


def _covers_building(ledger: Ledger, seg: Segment, u: int) -> bool:
    """Do the parts cover all of unit u's building?"""
    b = ledger.unit_building[u]
    return seg[0].first <= ledger.building_start[b] and seg[-1].end >= ledger.building_start[b + 1]


# --------------------------------------------------------------------------- 组 and 片


def assemble(ledger: Ledger, segments: list[Segment], neighbours: list[PlannedNeighbour]) -> Plan:
    """Group the 邻 (in order; ``segments``: the parts of each) into 组 and 片."""
    s = ledger.settings
    plan = Plan(
        areas=[],
        settings=s,
        unit_sizes=ledger.unit_sizes(),
        compound_units=ledger.compound_units(),
    )
    if not neighbours:
        return plan
    first_unit = [seg[0].unit for seg in segments]
    comp_of = [ledger.unit_compound[u] for u in first_unit]
    kinds = [ledger.compound_kind[c] for c in comp_of]
    costs = _boundary_costs(ledger, segments)
    group_runs = _runs(
        costs,
        _group_candidates(ledger, first_unit, s.group_range()[0]),
        _kind_changes(kinds, list(range(len(kinds)))),
        target=s.neighbours_per_group,
        size_range=s.group_range(),
        mix_cost=s.group_kind_mix_cost,
    )
    area_runs = _runs(
        [costs[a] for a, _ in group_runs],
        list(range(len(group_runs) + 1)),
        _kind_changes(kinds, [a for a, _ in group_runs]),
        target=s.groups_per_area,
        size_range=s.area_range(),
        mix_cost=s.group_kind_mix_cost,
    )
    for ga, gb in area_runs:
        plan.areas.append(
            PlannedArea(
                groups=[PlannedGroup(neighbours=neighbours[a:b]) for a, b in group_runs[ga:gb]]
            )
        )
    return plan


def _boundary_costs(ledger: Ledger, segments: list[Segment]) -> list[float]:
    """Cost of a 组/片 boundary before each 邻."""
    s = ledger.settings
    costs = [0.0] * len(segments)
    for k in range(1, len(segments)):
        u_prev = segments[k - 1][-1].unit
        u_next = segments[k][0].unit
        if ledger.unit_compound[u_prev] == ledger.unit_compound[u_next]:
            costs[k] = s.group_compound_cut_cost
            if ledger.unit_building[u_prev] == ledger.unit_building[u_next]:
                costs[k] += s.building_cut_cost
    return costs


def _group_candidates(ledger: Ledger, first_unit: list[int], group_min: int) -> list[int]:
    """Where a 组 may start: compound boundaries; building boundaries inside compounds, and
    any boundary inside buildings, only where the run of 邻 is long enough to need them (0
    and the number of 邻 included)."""
    comp_of = [ledger.unit_compound[u] for u in first_unit]
    bld_of = [ledger.unit_building[u] for u in first_unit]
    comp_run = _run_lengths(comp_of)
    bld_run = _run_lengths(bld_of)
    half = max(1, group_min // 2)
    candidates = [0]
    for k in range(1, len(first_unit)):
        if (
            comp_of[k] != comp_of[k - 1]
            or (comp_run[k] > half and bld_of[k] != bld_of[k - 1])
            or bld_run[k] > half
        ):
            candidates.append(k)
    candidates.append(len(first_unit))
    return candidates


def _kind_changes(kinds: list[str], starts: list[int]) -> list[int]:
    """For each item (given by the index of its first 邻), the changes of compound kind
    between the first item's first 邻 and its own."""
    changes = [0] * len(starts)
    for g in range(1, len(starts)):
        k = starts[g]
        changes[g] = changes[g - 1] + (kinds[k] != kinds[k - 1])
    return changes


def _runs(
    costs: list[float],
    candidates: list[int],
    changes: list[int],
    *,
    target: int,
    size_range: tuple[int, int],
    mix_cost: float,
) -> list[tuple[int, int]]:
    """Cut items into consecutive runs of about ``target``, only at ``candidates``
    (sorted positions, 0 and the number of items included): DP, cost
    ((len - target)/target)² per run, 100 per item outside ``size_range``, ``mix_cost`` per
    change of kind inside a run (``changes[k]``: the number of changes among items 0..k), plus
    the cost of each boundary (``costs[k]``: before item k). Returns (first, end) per run."""
    lo, hi = size_range
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
