"""邻: cutting a run of households into 邻 — a linear-partition DP over the ledger's parts.

:func:`partition` is the plan's DP; :class:`MoveAwarePartition` the same DP plus the cost of
each household that changes 邻 (``rebalance``); :func:`fresh_segments` the plan's 邻 for a
range of positions, with the second, finer run for oversized units.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from .ordering import Ledger, Part, Segment

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


# --------------------------------------------------------------------------- the DP's costs


class PartFacts(NamedTuple):
    """What the DP needs of each part, as parallel lists.

    The parts of one compound are consecutive: a 邻 of parts i..j-1 spans
    ``run[j-1] - run[i] + 1`` compounds, ``big_through[j-1] - big_before[i]`` of them not
    small."""

    size: list[int]  # households
    run: list[int]  # which run of parts of one compound the part is in (0, 1, 2, …)
    big_before: list[int]  # compounds that are not small in the runs before the part's run
    big_through: list[int]  # … in the runs up to and including the part's run
    cut: list[float]  # cost of a 邻 boundary just before the part
    kind_mix: list[float]  # cost of a 邻 containing the part and the one before it


def part_facts(ledger: Ledger, parts: list[Part], chunk_cut: float = 0.0) -> PartFacts:
    """The sizes, compound runs and costs of these parts. A cut inside a small compound is
    forbidden; inside a building it costs ``building_cut_cost``; between two parts of one
    unit, ``chunk_cut``; a 邻 across a change of compound kind costs ``_KIND_MIX``."""
    n = len(parts)
    b_cut = ledger.settings.building_cut_cost
    size = [b - a for a, b, _ in parts]
    unit = [u for _, _, u in parts]
    comp = [ledger.unit_compound[u] for u in unit]
    bld = [ledger.unit_building[u] for u in unit]
    tiny = [ledger.tiny[c] for c in comp]
    kinds = ledger.compound_kind
    cut = [0.0] * n
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
    run, big_before, big_through = _compound_runs(comp, tiny)
    return PartFacts(size, run, big_before, big_through, cut, mix)


def _compound_runs(comp: list[int], tiny: list[bool]) -> tuple[list[int], ...]:
    """Per part: its run of one compound, and the compounds not small before / through it."""
    n = len(comp)
    run = [0] * n
    big_before = [0] * n
    big_through = [0] * n
    r = before = through = 0
    for i in range(n):
        if i and comp[i] != comp[i - 1]:
            r += 1
            before = through
        if i == 0 or comp[i] != comp[i - 1]:
            through = before + (not tiny[i])
        run[i], big_before[i], big_through[i] = r, before, through
    return run, big_before, big_through


def range_penalty(total: int, lo: int, hi: int, nbig: int) -> float:
    """The cost of a 邻 of ``total`` households for being outside [lo, hi]: prohibitive, or
    high when it holds small compounds only and is below the minimum (allowed, not good)."""
    if total < lo:
        return (_OUT_OF_RANGE if nbig else _SMALL_ALONE) * (lo - total)
    if total > hi:
        return _OUT_OF_RANGE * (total - hi)
    return 0.0


# --------------------------------------------------------------------------- the plan's DP


def partition(ledger: Ledger, parts: list[Part], chunk_cut: float = 0.0) -> list[Segment]:
    """Cut a sequence of parts into 邻 of least total cost.

    Linear-partition DP. A 邻 of size S costs ((S - target)/target)², plus a prohibitive cost
    per household outside [min, max]; a cut inside a building costs ``building_cut_cost``
    (a cut between chunks of one oversized unit costs nothing); a 邻 spanning k compounds
    costs (k-1) × ``compound_join_cost`` and is allowed only when all but one are small
    compounds and its size stays in range (only small compounds ⇒ at most the maximum).
    No cut inside a small compound. A cut between two parts of one unit costs ``chunk_cut``.
    O(parts × parts-per-邻): it looks back only while the 邻 is below max + min households.
    """
    n = len(parts)
    s = ledger.settings
    lo, hi, target = ledger.lo, ledger.hi, s.households_per_neighbour
    inv = 1.0 / target
    join = s.compound_join_cost
    limit = hi + lo
    size, run, big_before, big_through, cut, mix_cost = part_facts(ledger, parts, chunk_cut)
    best = [0.0] + [_INF] * n  # best[j]: least cost of parts 0..j-1
    back = [0] * (n + 1)  # back[j]: where the last 邻 of that best starts
    for j in range(1, n + 1):
        total = 0
        run_j, big_j = run[j - 1], big_through[j - 1]
        bj = _INF
        bi = j - 1
        kmix = 0.0
        i = j
        while i > 0:  # the last 邻 is parts i..j-1
            i -= 1
            total += size[i]
            if i + 1 < j:
                kmix += mix_cost[i + 1]
            nbig = big_j - big_before[i]
            if nbig > 1:  # two compounds that are not small never share a 邻
                break
            base = best[i] + cut[i]
            if base < bj:
                ncomp = run_j - run[i] + 1
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
    return _segments(parts, back)


def _segments(parts: list[Part], back: list[int]) -> list[Segment]:
    segments = []
    j = len(parts)
    while j > 0:
        i = back[j]
        segments.append(parts[i:j])
        j = i
    segments.reverse()
    return segments


class Shortfall(NamedTuple):
    """How far a set of 邻 is from the size range; less is better (compared in this order)."""

    outside: int  # households outside the range, not counting small compounds on their own
    missing_alone: int  # households missing to the minimum in 邻 of small compounds only


def fresh_segments(ledger: Ledger, start: int, end: int) -> list[Segment]:
    """The plan's 邻 for positions [start, end) (whole units): oversized units in the fewest
    near-equal chunks; when that leaves households outside the range, again with oversized
    units cut anywhere (the fewest chunks, of unequal size if need be), kept if it does
    better."""
    parts = ledger.parts(start, end)
    segments = partition(ledger, parts)
    score = shortfall(ledger, segments)
    if any(score) and any(ledger.unit_size(u) > ledger.hi for _, _, u in parts):
        fine = ledger.parts(start, end, fine=True)
        other = partition(ledger, fine, _CHUNK_CUT)
        if shortfall(ledger, other) < score:
            segments = [merge_parts(seg) for seg in other]
    return segments


def shortfall(ledger: Ledger, segments: list[Segment]) -> Shortfall:
    alone = 0
    for seg in segments:
        n = sum(b - a for a, b, _ in seg)
        if n < ledger.lo and ledger.only_small(seg):
            alone += ledger.lo - n
    return Shortfall(violation(ledger, segments), alone)


def violation(ledger: Ledger, segments: list[Segment]) -> int:
    """Households outside the range, not counting small compounds on their own."""
    total = 0
    for seg in segments:
        n = sum(b - a for a, b, _ in seg)
        if n < ledger.lo and ledger.only_small(seg):
            continue
        total += outside(n, ledger.lo, ledger.hi)
    return total


def outside(n: int, lo: int, hi: int) -> int:
    """Households a 邻 of n is outside [lo, hi] by."""
    return lo - n if n < lo else n - hi if n > hi else 0


def merge_parts(seg: Segment) -> Segment:
    """Join consecutive parts of one unit (households cut one by one) into one part."""
    out: Segment = []
    for a, b, u in seg:
        if out and out[-1].unit == u and out[-1].end == a:
            out[-1] = Part(out[-1].first, b, u)
        else:
            out.append(Part(a, b, u))
    return out


# --------------------------------------------------------------------------- rebalance's DP


class MoveAwarePartition:
    """:func:`partition` plus ``move_cost`` per household that changes 邻 (rebalance).

    ``cell[x]``: the current 邻 (an index, -1 for a new household) of position x. Each new 邻
    continues at most one current 邻 — the one it shares most households with that is still
    free; the others' households in it move. With current 邻 that are consecutive runs this is
    exact with two states per boundary: whether the current 邻 that straddles the boundary was
    already continued by the 邻 that ends there.
    """

    def __init__(self, ledger: Ledger, parts: list[Part], cell: list[int]):
        self.ledger = ledger
        self.parts = parts
        self.facts = part_facts(ledger, parts)
        # per part: (current 邻, households) pairs
        self.cells = [list(Counter(cell[a:b]).items()) for a, b, _ in parts]
        self.straddle = _straddles(parts, cell, self.cells)
        n = len(parts)
        # best[f][j]: least cost of parts 0..j-1, where f says whether the current 邻
        # straddling boundary j was continued by the 邻 that ends there; back[f][j]: the
        # (start, state at the start) of that 邻
        self.best = ([0.0] + [_INF] * n, [_INF] * (n + 1))
        self.back: tuple[list[tuple[int, int]], ...] = ([(0, 0)] * (n + 1), [(0, 0)] * (n + 1))

    def segments(self) -> list[Segment]:
        n = len(self.parts)
        for j in range(1, n + 1):
            self._end_at(j)
        segments = []
        j, f = n, 0 if self.best[0][n] <= self.best[1][n] else 1
        while j > 0:
            i, fi = self.back[f][j]
            segments.append(self.parts[i:j])
            j, f = i, fi
        segments.reverse()
        return segments

    def _end_at(self, j: int) -> None:
        """Try every 邻 that ends just before part j."""
        ledger, s = self.ledger, self.ledger.settings
        lo, hi, target = ledger.lo, ledger.hi, s.households_per_neighbour
        inv = 1.0 / target
        join = s.compound_join_cost
        limit = hi + lo
        size, run, big_before, big_through, cut, mix_cost = self.facts
        run_j, big_j = run[j - 1], big_through[j - 1]
        cells = self.cells
        counts: dict[int, int] = {}  # households per current 邻 in the 邻
        total = 0
        kmix = 0.0
        for i in range(j - 1, -1, -1):  # the 邻 is parts i..j-1
            total += size[i]
            if i + 1 < j:
                kmix += mix_cost[i + 1]
            for c, k in cells[i]:
                counts[c] = counts.get(c, 0) + k
            nbig = big_j - big_before[i]
            ncomp = run_j - run[i] + 1
            if nbig > 1 or (ncomp > 1 and total > hi):
                break
            if ncomp > 1 and nbig and total < lo:
                continue
            d = (total - target) * inv
            seg = d * d + range_penalty(total, lo, hi, nbig) + join * (ncomp - 1) + kmix + cut[i]
            self._relax(i, j, seg, total - counts.get(-1, 0), counts)
            if total >= limit:
                break

    def _relax(self, i: int, j: int, seg: float, old: int, counts: dict[int, int]) -> None:
        """Improve best[.][j] with the 邻 of parts i..j-1 (cost ``seg`` before moves, ``old``
        households already in some current 邻), from either state at boundary i."""
        best, back = self.best, self.back
        move = self.ledger.settings.move_cost
        sj = self.straddle[j] if j < len(self.parts) else -1
        for fi in (0, 1):
            base = best[fi][i]
            if base == _INF:
                continue
            blocked = self.straddle[i] if fi else -1  # already continued by an earlier 邻
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


def _straddles(parts: list[Part], cell: list[int], cells: list[list[tuple[int, int]]]) -> list[int]:
    """Per boundary before part i: the current 邻 that straddles it — the last one seen before
    it, when it has households after it too (new households in between do not matter); -1:
    none."""
    n = len(parts)
    last_part: dict[int, int] = {}
    for i, m in enumerate(cells):
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
    return straddle
