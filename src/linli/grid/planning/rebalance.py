"""Re-planning after the ledger changed, moving as few households as possible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .assembly import assemble, neighbour
from .inputs import HouseholdKey, PlanSettings
from .ordering import Ledger, Part, Segment, chunk_sizes
from .partition import MoveAwarePartition, fresh_segments, outside, violation
from .plan import Plan, match_existing


def rebalance(
    keys: Iterable[HouseholdKey], settings: PlanSettings, current: Mapping[int, Hashable]
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
       runs of consecutive households with a move-aware DP (:class:`MoveAwarePartition`). A
       run still outside the range, or moving households, is widened by the 邻 next to it
       (left, right or both, up to three steps) when that helps. A run with only size problems
       is re-planned with the plan's own chunking and kept unless that strictly reduces the
       households outside the range, so an unchanged ledger moves nobody;
    4. if that leaves more households outside the range than :func:`plan_households` would,
       the whole community is re-planned move-aware;
    5. 组 and 片 are formed again over the resulting 邻 (the apply step maps them).

    Each planned 邻 records in ``existing`` the current 邻 it continues (the same matching
    that :meth:`Plan.quality` uses to count moves).
    """
    ledger = Ledger(keys, settings)
    grid = _current_grid(ledger, current)
    _place_new_households(ledger, grid)  # 1
    _judge_current(ledger, grid)  # 2
    replanned = _repair(ledger, grid)  # 3
    segments = _final_segments(ledger, grid, replanned)  # 4
    neighbours = [neighbour(ledger, seg) for seg in segments]
    for k, match in match_existing(neighbours, current).items():
        neighbours[k].existing = match.current
    return assemble(ledger, segments, neighbours)  # 5


@dataclass(eq=False)
class _Grid:
    """The current grid over the ledger's positions, as :func:`rebalance` repairs it."""

    cell: list[int]  # current 邻 of each position, as an index in first-seen order (-1: new)
    size: list[int]  # households of each current 邻
    unit_of: list[int]  # unit index of each position
    members: list[list[int]] = field(default_factory=list)  # positions of each current 邻
    # per position: to be re-planned (a new household, or its 邻 is not valid)
    free: list[bool] = field(default_factory=list)
    # per position: must be re-planned (a new household, or its 邻 is broken beyond sizes)
    must: list[bool] = field(default_factory=list)
    taken: list[bool] = field(default_factory=list)  # per position: in a re-planned 邻 already


def _current_grid(ledger: Ledger, current: Mapping[int, Hashable]) -> _Grid:
    cell_ids: dict[Hashable, int] = {}
    cell = [-1] * len(ledger.hids)
    for p, h in enumerate(ledger.hids):
        old = current.get(h)
        if old is not None:
            c = cell_ids.get(old)
            if c is None:
                c = cell_ids[old] = len(cell_ids)
            cell[p] = c
    size = [0] * len(cell_ids)
    for c in cell:
        if c >= 0:
            size[c] += 1
    return _Grid(cell, size, ledger.position_units(), taken=[False] * len(cell))


# --------------------------------------------------------------------------- 1. new households


def _place_new_households(ledger: Ledger, grid: _Grid) -> None:
    """New households join the current 邻 of their unit (or of the unit next to theirs in the
    same building; in an oversized unit, that of the nearest room) when that keeps it within
    the maximum and does not split the unit."""
    cell, us = grid.cell, ledger.unit_start
    for u in range(len(ledger.unit_keys)):
        a, b = us[u], us[u + 1]
        new = [p for p in range(a, b) if cell[p] < 0]
        if not new:
            continue
        if b - a > ledger.hi:
            _join_nearest_rooms(grid, new, a, b, ledger.hi)
        else:
            _join_together(grid, new, _unit_options(ledger, cell, u), ledger.hi)


def _join_nearest_rooms(grid: _Grid, new: list[int], a: int, b: int, hi: int) -> None:
    """In an oversized unit (positions [a, b)), each new household joins the 邻 of the nearest
    room below it, else above it, unless that 邻 is full."""
    cell, size = grid.cell, grid.size
    for p in new:
        for q in (*range(p - 1, a - 1, -1), *range(p + 1, b)):
            c = cell[q]
            if c >= 0:
                if size[c] < hi:
                    cell[p] = c
                    size[c] += 1
                break


def _unit_options(ledger: Ledger, cell: list[int], u: int) -> list[int]:
    """The current 邻 the new households of unit u may join, best first: the 邻 of the
    unit's other households; for a new unit, those of the units next to it in the building
    (the nearest chunk of an oversized one)."""
    us = ledger.unit_start
    here = {cell[p] for p in range(us[u], us[u + 1]) if cell[p] >= 0}
    if here:
        return [next(iter(here))] if len(here) == 1 else []
    options = []
    for v in (u - 1, u + 1):
        if 0 <= v < len(ledger.unit_keys) and ledger.unit_building[v] == ledger.unit_building[u]:
            near = {cell[p] for p in range(us[v], us[v + 1]) if cell[p] >= 0}
            if len(near) == 1:
                options.append(next(iter(near)))
            elif near:
                options.append(cell[us[v + 1] - 1] if v < u else cell[us[v]])
    return options


def _join_together(grid: _Grid, new: list[int], options: list[int], hi: int) -> None:
    """The new households of a unit that fits join the first option with room for all."""
    for c in options:
        if c >= 0 and grid.size[c] + len(new) <= hi:
            for p in new:
                grid.cell[p] = c
            grid.size[c] += len(new)
            return


# --------------------------------------------------------------------------- 2. valid 邻

_OK, _SIZE, _BROKEN = "ok", "size", "broken"


def _judge_current(ledger: Ledger, grid: _Grid) -> None:
    """Which current 邻 stay: sets ``members``, ``free`` and ``must``."""
    cell = grid.cell
    members: list[list[int]] = [[] for _ in grid.size]
    for p, c in enumerate(cell):
        if c >= 0:
            members[c].append(p)
    broken = _splitting_units(ledger, cell, len(members))
    valid = [False] * len(members)
    for c, ps in enumerate(members):
        if ps:
            verdict = _verdict(ledger, ps, grid.unit_of)
            broken[c] = broken[c] or verdict == _BROKEN
            valid[c] = not broken[c] and verdict == _OK
    grid.members = members
    grid.free = [c < 0 or not valid[c] for c in cell]
    grid.must = [c < 0 or broken[c] for c in cell]


def _splitting_units(ledger: Ledger, cell: list[int], n_cells: int) -> list[bool]:
    """Per current 邻: does it share a unit that fits within the maximum with another 邻?"""
    out = [False] * n_cells
    us = ledger.unit_start
    for u in range(len(ledger.unit_keys)):
        a, b = us[u], us[u + 1]
        if b - a <= ledger.hi:
            cells_here = set(cell[a:b])
            if len(cells_here) > 1:
                for c in cells_here:
                    if c >= 0:
                        out[c] = True
    return out


def _verdict(ledger: Ledger, ps: list[int], unit_of: list[int]) -> str:
    """A current 邻 (its positions) is ``_BROKEN`` beyond sizes (two compounds that are not
    small, or a small compound split), of the wrong ``_SIZE``, or ``_OK``: within the range,
    or a small compound on its own, or a chunk of an oversized unit."""
    lo, hi = ledger.lo, ledger.hi
    in_cell = Counter(ledger.unit_compound[unit_of[p]] for p in ps)
    big = [x for x in in_cell if not ledger.tiny[x]]
    if len(big) > 1:
        return _BROKEN
    if any(ledger.tiny[x] and n != ledger.compound_size[x] for x, n in in_cell.items()):
        return _BROKEN  # a small compound is split
    n = len(ps)
    if lo <= n <= hi or (not big and n <= hi):  # in range, or small compounds on their own
        return _OK
    units_here = {unit_of[p] for p in ps}
    if len(units_here) == 1 and ledger.unit_size(next(iter(units_here))) > hi and n <= hi:
        return _OK  # a chunk of an oversized unit
    return _SIZE


# --------------------------------------------------------------------------- 3. repairs


class _Repair(NamedTuple):
    """A re-planning of some positions, compared by (outside, moves)."""

    outside: int  # households outside the range
    moves: int  # current households that change 邻
    segments: list[Segment]


class _Option(NamedTuple):
    """A re-planning of positions [first, end)."""

    repair: _Repair
    first: int
    end: int


def _repair(ledger: Ledger, grid: _Grid) -> list[Segment]:
    """Re-plan the free positions, in runs of consecutive ones: runs with only size problems
    first (widening them may take in new households next to them), then the runs that must be
    re-planned (new households, broken 邻). Returns the re-planned 邻."""
    replanned: list[Segment] = []
    for must_pass in (False, True):
        for p, q in _free_runs(grid):
            must = any(grid.must[p:q])
            if must == must_pass:
                replanned.extend(_settle(ledger, grid, p, q, must))
    return replanned


def _free_runs(grid: _Grid) -> Iterator[tuple[int, int]]:
    """[p, q) runs of consecutive free positions not re-planned yet, found as the repairs go
    (a repair may take in positions after the run)."""
    free, taken = grid.free, grid.taken
    npos = len(free)
    p = 0
    while p < npos:
        if not free[p] or taken[p]:
            p += 1
            continue
        q = p
        while q < npos and free[q] and not taken[q]:
            q += 1
        yield p, q
        p = q


def _settle(ledger: Ledger, grid: _Grid, p: int, q: int, must: bool) -> list[Segment]:
    """Re-plan positions [p, q) (widened when that helps); the 邻 made, or none when the run
    need not be re-planned and re-planning does not help (its 邻 stay as they are)."""
    repair = _replan(ledger, p, q, grid.cell, must)
    if repair.outside or repair.moves:
        repair = _widen(ledger, grid, _Option(repair, p, q), must)
    if not must:
        cells = {grid.cell[x] for x in range(p, q)}
        before = sum(outside(len(grid.members[c]), ledger.lo, ledger.hi) for c in cells)
        if repair.outside >= before:
            return []
    for seg in repair.segments:
        for x0, x1, _ in seg:
            for x in range(x0, x1):
                grid.taken[x] = True
    return repair.segments


def _replan(ledger: Ledger, start: int, end: int, cell: list[int], fine: bool) -> _Repair:
    parts = _run_parts(ledger, start, end, cell, fine)
    segments = MoveAwarePartition(ledger, parts, cell).segments()
    return _Repair(violation(ledger, segments), _moves(segments, cell), segments)


def _run_parts(ledger: Ledger, start: int, end: int, cell: list[int], fine: bool) -> list[Part]:
    """Parts for re-planning positions [start, end): whole units that fit; the households of
    a unit that exceeds the maximum either one by one (``fine``: the DP may cut it wherever
    fewest move) or in pieces of one current 邻 each, chunked as the plan would chunk them
    (so that re-planning an unchanged ledger finds nothing better than the plan did)."""
    out = []
    hi = ledger.hi
    us = ledger.unit_start
    for u in ledger.units_between(start, end):
        a, b = max(us[u], start), min(us[u + 1], end)
        if ledger.unit_size(u) <= hi:
            out.append(Part(a, b, u))
        elif fine:
            out.extend(Part(x, x + 1, u) for x in range(a, b))
        else:
            x = a
            while x < b:
                y = x + 1
                while y < b and cell[y] == cell[x]:
                    y += 1
                for c in chunk_sizes(y - x, hi):
                    out.append(Part(x, x + c, u))
                    x += c
    return out


def _widen(ledger: Ledger, grid: _Grid, option: _Option, fine: bool) -> _Repair:
    """Re-plan the run together with the 邻 next to it (left, right or both; up to three
    steps, each from the best span so far) when that puts fewer households outside the range,
    or moves fewer households.

    The widened span may take in free households of later runs, never households already
    re-planned nor part of a 邻 that reaches outside the span. Options are compared by the
    households outside the range — counting a broken 邻 met next to a span when the option
    takes every neighbour it could still be mended with — then by households moved."""
    cell, members, free = grid.cell, grid.members, grid.free
    evaluated = [option]
    met: set[int] = set()  # broken 邻 seen next to a span
    a, b = option.first, option.end
    for _step in range(3):
        left = cell[a - 1] if a > 0 else -1
        right = cell[b] if b < len(cell) else -1
        met.update(c for c in (left, right) if c >= 0 and free[members[c][0]])
        options = []
        for grow in ([left], [right], [left, right]):
            span = _grown_span(grid, a, b, grow)
            if span is not None:
                na, nb = span
                span_fine = fine or any(grid.must[na:nb])  # search as finely as a must-run
                options.append(_Option(_replan(ledger, na, nb, cell, span_fine), na, nb))
        if not options:
            break
        evaluated.extend(options)
        options.sort(key=lambda o: (o.repair.outside, o.repair.moves, o.first, o.end))
        a, b = options[0].first, options[0].end
    return min(evaluated, key=lambda o: _score(ledger, grid, o, met)).repair  # the narrowest


def _grown_span(grid: _Grid, a: int, b: int, grow: list[int]) -> tuple[int, int] | None:
    """Span [a, b) grown to take in the current 邻 ``grow`` and the free households right
    next to it (else they would be stranded); ``None`` when that is not possible."""
    cell, members, free, taken = grid.cell, grid.members, grid.free, grid.taken
    if any(c < 0 for c in grow):
        return None
    na = min(a, *(members[c][0] for c in grow))
    nb = max(b, *(members[c][-1] + 1 for c in grow))
    while na > 0 and free[na - 1] and not taken[na - 1]:
        na -= 1
    while nb < len(cell) and free[nb] and not taken[nb]:
        nb += 1
    if any(
        taken[x] or (not free[x] and (members[cell[x]][0] < na or members[cell[x]][-1] >= nb))
        for x in range(na, nb)
        if not a <= x < b
    ):
        return None
    return na, nb


def _score(ledger: Ledger, grid: _Grid, option: _Option, met: set[int]) -> tuple[int, int]:
    """(households outside the range, counting the broken 邻 ``met`` that the option leaves
    outside its span with every neighbour taken; households moved)."""
    members, na, nb = grid.members, option.first, option.end
    stranded = sum(
        outside(len(members[c]), ledger.lo, ledger.hi)
        for c in met
        if (members[c][0] >= nb or members[c][-1] < na)
        and all(na <= x < nb for x in _neighbours_of(grid, c))
    )
    return (option.repair.outside + stranded, option.repair.moves)


def _neighbours_of(grid: _Grid, c: int) -> list[int]:
    """The positions right next to current 邻 c that are not re-planned yet."""
    first, last = grid.members[c][0], grid.members[c][-1]
    out = []
    if first > 0 and not grid.taken[first - 1]:
        out.append(first - 1)
    if last + 1 < len(grid.cell) and not grid.taken[last + 1]:
        out.append(last + 1)
    return out


def _moves(segments: list[Segment], cell: list[int]) -> int:
    """Current households in these segments that would change 邻 (greedy matching)."""
    scored: list[tuple[int, int, int]] = []  # (-votes, segment, current 邻)
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


# --------------------------------------------------------------------------- 4. never worse


def _final_segments(ledger: Ledger, grid: _Grid, replanned: list[Segment]) -> list[Segment]:
    """The current 邻 that stay and the re-planned ones — unless they leave more households
    outside the range than a fresh plan would: then the whole community re-planned
    move-aware, over parts that include the fresh plan's own cuts."""
    segments = [
        _parts_of_positions(ps, grid.unit_of)
        for ps in ([x for x in m if not grid.taken[x]] for m in grid.members)
        if ps
    ]
    segments += replanned
    npos = len(ledger.hids)
    fresh = fresh_segments(ledger, 0, npos)
    if violation(ledger, segments) > violation(ledger, fresh):
        starts = {seg[0].first for seg in fresh}
        parts = _union_parts(ledger, 0, npos, grid.cell, starts)
        segments = MoveAwarePartition(ledger, parts, grid.cell).segments()
    segments.sort(key=lambda seg: seg[0].first)
    return segments


def _parts_of_positions(ps: list[int], unit_of: list[int]) -> Segment:
    """Runs of consecutive positions within one unit, as parts (for labels and boundaries)."""
    parts: Segment = []
    a = ps[0]
    prev = a
    for x in [*ps[1:], None]:
        if x is not None and x == prev + 1 and unit_of[x] == unit_of[a]:
            prev = x
            continue
        parts.append(Part(a, prev + 1, unit_of[a]))
        if x is not None:
            a = prev = x
    return parts


def _union_parts(
    ledger: Ledger, start: int, end: int, cell: list[int], plan_cuts: set[int]
) -> list[Part]:
    """Parts for positions [start, end) (whole units): units that fit; an oversized unit cut
    where the plan would chunk it (near-equal chunks, and ``plan_cuts``: where the fresh plan's
    邻 start) and where its current 邻 change."""
    out = []
    hi = ledger.hi
    us = ledger.unit_start
    for u in ledger.units_between(start, end):
        a, b = us[u], us[u + 1]
        if b - a <= hi:
            out.append(Part(a, b, u))
            continue
        cuts = {b}
        x = a
        for c in chunk_sizes(b - a, hi):
            x += c
            cuts.add(x)
        cuts.update(x for x in range(a + 1, b) if cell[x] != cell[x - 1] or x in plan_cuts)
        prev = a
        for x in sorted(cuts):
            out.append(Part(prev, x, u))
            prev = x
    return out
