"""The grid planner: invariants on generated ledgers, the 兴东 case, rebalance, load_keys."""

from __future__ import annotations

import itertools
import os
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.grid.planning import (
    QUALITY_KEYS,
    HouseholdKey,
    PlanSettings,
    compound_order_key,
    load_keys,
    natural_key,
    plan_households,
    rebalance,
)
from linli.ledger import services

KINDS = ("work_unit_dormitory", "housing_reform", "commercial")
# LINLI_HYPOTHESIS_EXAMPLES=2000 for a long run; the default keeps the file under a few seconds
FAST = settings(
    max_examples=int(os.environ.get("LINLI_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,  # no .hypothesis/ folder in the checkout
)


# --------------------------------------------------------------------------- generated ledgers


def rooms_for(n: int, per_floor: int) -> list[str]:
    return [f"{i // per_floor + 1}{i % per_floor + 1:02d}" for i in range(n)]


@st.composite
def ledgers(draw):
    """Random compounds: normal ones, tiny ones, one-household ones, oversized units (40)."""
    keys: list[HouseholdKey] = []
    hid = 1000
    n_compounds = draw(st.integers(1, 7))
    for c in range(n_compounds):
        cid = 10 + c
        kind = draw(st.sampled_from(KINDS))
        shape = draw(st.sampled_from(["normal", "normal", "normal", "tiny", "one", "oversized"]))
        if shape == "one":
            buildings = [[1]]
        elif shape == "tiny":
            buildings = draw(
                st.lists(
                    st.lists(st.integers(1, 3), min_size=1, max_size=2), min_size=1, max_size=2
                )
            )
        else:
            buildings = draw(
                st.lists(
                    st.lists(
                        st.one_of(st.integers(8, 16), st.integers(1, 20)), min_size=1, max_size=4
                    ),
                    min_size=1,
                    max_size=5,
                )
            )
            if shape == "oversized":
                b = draw(st.integers(0, len(buildings) - 1))
                buildings[b].insert(draw(st.integers(0, len(buildings[b]))), 40)
        letters = draw(st.booleans())
        numbers = draw(st.permutations(range(1, 13)))
        name = f"小区{c}"
        order = compound_order_key(f"东风路{draw(st.integers(1, 30))}号", name)
        for b, units in enumerate(buildings):
            building = f"{'ABCDEFGHIJKL'[numbers[b] - 1] if letters else numbers[b]}栋"
            for u, size in enumerate(units):
                per_floor = 4 if size == 40 else 2
                for room in rooms_for(size, per_floor):
                    keys.append(
                        HouseholdKey(hid, cid, kind, order, building, f"{u + 1}单元", room, name)
                    )
                    hid += 1
    perm = draw(st.permutations(range(len(keys))))
    return [keys[i] for i in perm]


plan_settings = st.sampled_from(
    [
        PlanSettings(),
        PlanSettings(households_per_neighbour=10, neighbours_per_group=4, groups_per_area=2),
        PlanSettings(households_per_neighbour=20, neighbour_min=12, neighbour_max=30),
    ]
)


def structure(plan):
    return [[[n.households for n in g.neighbours] for g in a.groups] for a in plan.areas]


def packable(sizes: tuple[int, ...], lo: int, hi: int) -> bool:
    """Independent oracle: can these units (oversized ones cut anywhere) be cut into
    consecutive runs of [lo, hi] households?"""
    return feasible([(0, False, s) for s in sizes], lo, hi)


def feasible(units: list[tuple[int, bool, int]], lo: int, hi: int) -> bool:
    """Independent oracle: can this sequence of units (compound, compound is small, size) be
    cut into runs of [lo, hi] households without splitting a unit that fits or a small
    compound, with at most one compound that is not small in a run? Oversized units may be
    cut anywhere."""
    # every position where a run may start or end, with the compound before and after it
    pos = 0
    cuts = {0}
    owner: list[tuple[int, bool]] = []  # per household: (compound, small)
    for i, (c, small, size) in enumerate(units):
        if size > hi:
            cuts.update(range(pos + 1, pos + size))
        pos += size
        owner += [(c, small)] * size
        nxt = units[i + 1][0] if i + 1 < len(units) else None
        if not small or nxt != c:
            cuts.add(pos)
    total = pos

    ok = [False] * (total + 1)  # ok[p]: households from p on can be cut so
    ok[total] = True
    for p in sorted(cuts - {total}, reverse=True):
        big: set[int] = set()
        for q in range(p + 1, min(total, p + hi) + 1):
            c, small = owner[q - 1]
            if not small:
                big.add(c)
            if len(big) > 1:
                break
            if q - p >= lo and q in cuts and ok[q]:
                ok[p] = True
                break
    return ok[0]


def planner_order(keys, lo: int) -> list[tuple[int, bool, int]]:
    """The units of a community in the planner's order: (compound, compound is small, size)."""
    comp: dict[int, tuple] = {}
    sizes: dict[tuple, int] = {}
    for k in keys:
        comp[k.compound_id] = (k.compound_kind, k.compound_order, k.compound_id)
        uk = (k.compound_id, k.building, k.unit)
        sizes[uk] = sizes.get(uk, 0) + 1
    totals: dict[int, int] = Counter()
    for (c, _, _), n in sizes.items():
        totals[c] += n
    out = []
    for c in sorted(comp, key=lambda c: comp[c]):
        uks = [uk for uk in sizes if uk[0] == c]
        uks.sort(key=lambda uk: (natural_key(uk[1]), natural_key(uk[2])))
        out += [(c, totals[c] < lo, sizes[uk]) for uk in uks]
    return out


def facts(keys):
    units: dict[tuple, list[int]] = {}
    compounds: dict[int, list[tuple]] = {}
    for k in keys:
        uk = (k.compound_id, k.building, k.unit)
        units.setdefault(uk, []).append(k.household_id)
        compounds.setdefault(k.compound_id, [])
        if uk not in compounds[k.compound_id]:
            compounds[k.compound_id].append(uk)
    for uks in compounds.values():
        uks.sort(key=lambda uk: (natural_key(uk[1]), natural_key(uk[2])))
    return units, compounds


def outside(plan, s: PlanSettings) -> int:
    """Households outside the size range, not counting small compounds on their own."""
    lo, hi = s.neighbour_range()
    small = {id(n) for n, reason in plan.outside_range() if reason == "small_compound"}
    return sum(
        max(lo - len(n.households), len(n.households) - hi, 0)
        for n in plan.neighbours()
        if id(n) not in small
    )


def check_invariants(keys, plan, s: PlanSettings):
    lo, hi = s.neighbour_range()
    by_id = {k.household_id: k for k in keys}
    planned = [h for n in plan.neighbours() for h in n.households]
    assert sorted(planned) == sorted(by_id), "every household in exactly one 邻"
    units, compounds = facts(keys)
    in_range_possible = len(keys) >= lo and feasible(planner_order(keys, lo), lo, hi)
    where = {h: i for i, n in enumerate(plan.neighbours()) for h in n.households}
    for uk, hids in units.items():
        if len(hids) <= hi:
            assert len({where[h] for h in hids}) == 1, f"unit {uk} split"
    for n in plan.neighbours():
        assert n.households, "no empty 邻"
        assert n.compound_ids == {by_id[h].compound_id for h in n.households}
        assert set(n.units) == {
            (by_id[h].compound_id, by_id[h].building, by_id[h].unit) for h in n.households
        }
        size = len(n.households)
        if lo <= size <= hi:
            continue
        one_big_unit = len(set(n.units)) == 1 and len(units[n.units[0]]) > hi
        # the stronger invariant: in range unless one stairwell alone exceeds the maximum, or
        # the community is smaller than the minimum — whenever such a plan exists at all
        assert not in_range_possible or one_big_unit, (
            f"邻 of {size} outside [{lo}, {hi}] although every 邻 could be in range: {n.label}"
        )
        totals = {c: sum(len(units[uk]) for uk in compounds[c]) for c in n.compound_ids}
        only_small = all(t < lo for t in totals.values())
        unpackable = len(n.compound_ids) == 1 and not packable(
            tuple(len(units[uk]) for uk in compounds[next(iter(n.compound_ids))]), lo, hi
        )
        assert (only_small and size < lo) or one_big_unit or unpackable, (
            f"邻 of {size} outside [{lo}, {hi}] without a reason: {n.label}"
        )
        assert len(n.compound_ids) == 1 or size <= hi
    assert all(reason != "other" for _, reason in plan.outside_range())
    # rooms of one unit within a 邻 are consecutive in natural order
    for n in plan.neighbours():
        seen = [
            (by_id[h].compound_id, by_id[h].building, by_id[h].unit, by_id[h].room)
            for h in n.households
        ]
        for (c1, b1, u1, r1), (c2, b2, u2, r2) in itertools.pairwise(seen):
            if (c1, b1, u1) == (c2, b2, u2):
                assert natural_key(r1) < natural_key(r2)


@FAST
@given(keys=ledgers(), s=plan_settings)
def test_plan_invariants(keys, s):
    plan = plan_households(keys, s)
    check_invariants(keys, plan, s)
    q = plan.quality()
    assert tuple(q) == QUALITY_KEYS
    assert q["split_units"] == 0
    assert q["moves"] == 0
    assert q["neighbours"] == sum(1 for _ in plan.neighbours())
    assert q["groups"] >= q["areas"] >= 1
    assert all(g.neighbours for g in plan.groups())
    assert all(a.groups for a in plan.areas)


@FAST
@given(keys=ledgers(), s=plan_settings, seed=st.integers(0, 10**6))
def test_plan_is_deterministic(keys, s, seed):
    shuffled = list(keys)
    random.Random(seed).shuffle(shuffled)
    a, b = plan_households(keys, s), plan_households(shuffled, s)
    assert structure(a) == structure(b)
    assert [n.label for n in a.neighbours()] == [n.label for n in b.neighbours()]


@FAST
@given(keys=ledgers(), s=plan_settings)
def test_rebalance_unchanged_ledger_moves_nothing(keys, s):
    plan = plan_households(keys, s)
    current = {h: f"邻{i}" for i, n in enumerate(plan.neighbours()) for h in n.households}
    again = rebalance(keys, s, current)
    assert again.quality(current)["moves"] == 0
    assert sorted(sorted(n.households) for n in again.neighbours()) == sorted(
        sorted(n.households) for n in plan.neighbours()
    )
    assert {n.existing for n in again.neighbours()} == set(current.values())


@FAST
@given(keys=ledgers(), s=plan_settings, data=st.data())
def test_rebalance_after_new_households_moves_few(keys, s, data):
    plan = plan_households(keys, s)
    current = {h: i for i, n in enumerate(plan.neighbours()) for h in n.households}
    target = data.draw(st.sampled_from(sorted({(k.compound_id, k.building) for k in keys})))
    in_building = [k for k in keys if (k.compound_id, k.building) == target]
    added = []
    for i in range(data.draw(st.integers(1, 4))):
        k = data.draw(st.sampled_from(in_building))
        added.append(
            HouseholdKey(
                10**6 + i,
                k.compound_id,
                k.compound_kind,
                k.compound_order,
                k.building,
                k.unit,
                f"9{i:02d}",
                k.compound_name,
            )
        )
    changed = keys + added
    fresh = plan_households(changed, s)
    again = rebalance(changed, s, current)
    _, hi = s.neighbour_range()
    planned = [h for n in again.neighbours() for h in n.households]
    assert sorted(planned) == sorted(k.household_id for k in changed)
    units, _ = facts(changed)
    where = {h: i for i, n in enumerate(again.neighbours()) for h in n.households}
    for hids in units.values():
        if len(hids) <= hi:
            assert len({where[h] for h in hids}) == 1
    moves = again.quality(current)["moves"]
    assert moves <= len(in_building) + 2 * hi, "only the changed building and its neighbours"
    # range first: never more households outside the range than a fresh plan
    assert outside(again, s) <= outside(fresh, s)


@FAST
@given(keys=ledgers(), s=plan_settings, data=st.data())
def test_rebalance_after_removals_keeps_every_household_once(keys, s, data):
    plan = plan_households(keys, s)
    current = {h: i for i, n in enumerate(plan.neighbours()) for h in n.households}
    drop = set(data.draw(st.lists(st.sampled_from([k.household_id for k in keys]), max_size=30)))
    left = [k for k in keys if k.household_id not in drop]
    again = rebalance(left, s, current)
    assert sorted(h for n in again.neighbours() for h in n.households) == sorted(
        k.household_id for k in left
    )
    assert again.quality(current)["split_units"] == 0
    assert outside(again, s) <= outside(plan_households(left, s), s)


# --------------------------------------------------------------------------- worked cases


def key(hid, building, unit, room, cid=1, kind="commercial", name="粮站宿舍", address=""):
    return HouseholdKey(
        hid, cid, kind, compound_order_key(address, name), building, unit, room, name
    )


def test_natural_sort():
    assert sorted(["10栋", "2栋", "1栋"], key=natural_key) == ["1栋", "2栋", "10栋"]
    assert sorted(["B栋", "A栋"], key=natural_key) == ["A栋", "B栋"]
    assert sorted(["2单元", "1单元"], key=natural_key) == ["1单元", "2单元"]
    assert sorted(["1201", "301"], key=natural_key) == ["301", "1201"]
    assert sorted(["十单元", "二单元"], key=natural_key) == ["二单元", "十单元"]
    assert sorted(["A栋", "2栋"], key=natural_key) == ["2栋", "A栋"]
    assert compound_order_key("东风路8号", "甲") < compound_order_key("东风路12号", "甲")
    assert compound_order_key("东风路１２号", "甲") == compound_order_key("东风路 12号", "甲")


def test_plan_follows_natural_order_and_labels():
    keys = []
    for b in ("10栋", "2栋"):
        for u in ("2单元", "1单元"):
            for r in ("1201", "301", "302", "101", "102", "201", "202", "401", "402", "501"):
                keys.append(key(len(keys) + 1, b, u, r))
    plan = plan_households(keys, PlanSettings(households_per_neighbour=10))
    labels = [n.label for n in plan.neighbours()]
    assert labels == [
        "粮站宿舍2栋1单元",
        "粮站宿舍2栋2单元",
        "粮站宿舍10栋1单元",
        "粮站宿舍10栋2单元",
    ]
    by_id = {k.household_id: k for k in keys}
    rooms = [by_id[h].room for h in next(plan.neighbours()).households]
    assert rooms == ["101", "102", "201", "202", "301", "302", "401", "402", "501", "1201"]


def test_small_buildings_share_a_neighbour_and_oversized_unit_is_chunked():
    keys = []
    for b, units in (("1栋", [6]), ("2栋", [7]), ("3栋", [40])):
        for u, size in enumerate(units):
            for r in rooms_for(size, 4):
                keys.append(key(len(keys) + 1, b, f"{u + 1}单元", r))
    plan = plan_households(keys, PlanSettings())
    assert [len(n.households) for n in plan.neighbours()] == [13, 20, 20]
    first = next(plan.neighbours())
    assert first.label == "粮站宿舍1-2栋"
    assert first.units == [(1, "1栋", "1单元"), (1, "2栋", "1单元")]
    assert plan.quality()["split_units"] == 0
    assert plan.quality()["split_buildings"] == 1
    assert list(plan.neighbours())[1].label == "粮站宿舍3栋1单元101-504室"


def test_long_labels_are_cut_to_fit_a_grid_name():
    name = "很长的小区名称" * 20
    keys = [key(i + 1, "1栋", "1单元", f"{i + 1:03d}", name=name) for i in range(30)]
    labels = [n.label for n in plan_households(keys, PlanSettings()).neighbours()]
    assert all(len(label) <= 100 and label.endswith("…") for label in labels)


def tiny_keys(compounds):
    keys = []
    for cid, name, kind, size in compounds:
        for r in rooms_for(size, 1):
            keys.append(key(len(keys) + 1, "1栋", "1单元", r, cid=cid, kind=kind, name=name))
    return keys


def test_tiny_compounds_join_their_kind_first_then_another():
    # same kind first: 丁+丙 and 乙+甲 are both in range
    keys = tiny_keys(
        (
            (1, "甲院", "self_built", 4),
            (2, "乙院", "self_built", 5),
            (3, "丙院", "commercial", 2),
            (4, "丁院", "commercial", 10),
        )
    )
    plan = plan_households(keys, PlanSettings())
    got = sorted((sorted(n.compound_ids), len(n.households)) for n in plan.neighbours())
    assert got == [([1, 2], 9), ([3, 4], 12)]
    assert plan.outside_range() == []
    # no compound of its kind can take 丙院 within the range: it joins the next one in order
    keys = tiny_keys(
        ((1, "甲院", "self_built", 3), (2, "乙院", "self_built", 4), (3, "丙院", "commercial", 2))
    )
    plan = plan_households(keys, PlanSettings())
    got = sorted((sorted(n.compound_ids), len(n.households)) for n in plan.neighbours())
    assert got == [([1, 2, 3], 9)]
    assert next(plan.neighbours()).label == "丙院、乙院、甲院"
    # a community smaller than the minimum is one small 邻
    plan = plan_households(keys[:3], PlanSettings())
    assert [reason for _, reason in plan.outside_range()] == ["small_compound"]


def test_oversized_unit_is_cut_unequally_when_that_keeps_every_neighbour_in_range():
    keys = []
    for b, size in (("1栋", 48), ("2栋", 2), ("3栋", 3)):
        for r in rooms_for(size, 4 if size > 20 else 1):
            keys.append(key(len(keys) + 1, b, "1单元", r))
    plan = plan_households(keys, PlanSettings())
    # still the fewest chunks (3), as equal as the range allows: 18 + 18 + (12 + 2 + 3)
    assert [len(n.households) for n in plan.neighbours()] == [18, 18, 17]
    assert list(plan.neighbours())[-1].label == "粮站宿舍1栋1单元至3栋1单元"
    assert plan.outside_range() == []
    assert plan.quality()["split_units"] == 0
    check_invariants(keys, plan, PlanSettings())


def test_settings_are_validated():
    assert PlanSettings().neighbour_range() == (8, 20)
    assert PlanSettings().group_range() == (14, 40)
    assert PlanSettings().area_range() == (1, 1)
    with pytest.raises(ValueError, match="households_per_neighbour"):
        PlanSettings(households_per_neighbour=0)
    with pytest.raises(ValueError, match="outside"):
        PlanSettings(households_per_neighbour=13, neighbour_max=10)
    with pytest.raises(ValueError, match="empty"):
        PlanSettings(neighbour_min=15, neighbour_max=12, households_per_neighbour=13)


def test_empty_and_duplicate_input():
    plan = plan_households([], PlanSettings())
    assert plan.areas == []
    assert plan.quality() == dict.fromkeys(QUALITY_KEYS, 0)
    k = key(1, "1栋", "1单元", "101")
    with pytest.raises(ValueError, match="more than once"):
        plan_households([k, k], PlanSettings())


def xingdong_keys() -> list[HouseholdKey]:
    """11 compounds, 1,786 households, mostly 6–7 storey walk-ups with two flats a landing."""
    rng = random.Random(1786)
    kinds = ["work_unit_dormitory"] * 4 + ["housing_reform"] * 4 + ["resettlement"] * 3
    totals = [216, 180, 168, 144, 192, 156, 132, 120, 168, 144, 166]
    keys = []
    for c, (kind, total) in enumerate(zip(kinds, totals, strict=True)):
        name = f"兴东{c + 1}号院"
        order = compound_order_key(f"兴东路{c * 3 + 1}号", name)
        left, b = total, 0
        while left:
            b += 1
            for u in range(rng.choice([2, 3])):
                size = min(left, rng.choice([12, 14]))
                if 0 < left - size < 8:
                    size = left
                for room in rooms_for(size, 2):
                    keys.append(
                        HouseholdKey(
                            len(keys) + 1, c + 1, kind, order, f"{b}栋", f"{u + 1}单元", room, name
                        )
                    )
                left -= size
                if not left:
                    break
    assert len(keys) == 1786
    return keys


def test_xingdong_like_community():
    keys = xingdong_keys()
    s = PlanSettings(households_per_neighbour=13, neighbours_per_group=27)
    plan = plan_households(keys, s)
    q = plan.quality()
    assert 133 <= q["neighbours"] <= 140
    assert q["groups"] == 5
    assert q["areas"] == 5
    assert q["size_min"] >= 8 and q["size_max"] <= 20
    assert q["split_units"] == 0
    check_invariants(keys, plan, s)
    # similar compounds grouped: each 组 holds one kind, each compound in one 组 where it fits
    kind_of = {k.household_id: k.compound_kind for k in keys}
    for g in plan.groups():
        assert len({kind_of[n.households[0]] for n in g.neighbours}) == 1


def old_street_keys() -> list[HouseholdKey]:
    """A row of 40 low-rise houses (3–6 households each): each 邻 combines a few of them, so
    a fresh plan shifts every boundary after a change at the start of the street."""
    rng = random.Random(7)
    keys = []
    order = compound_order_key("", "老街")
    for b in range(1, 41):
        for room in rooms_for(rng.randint(3, 6), 2):
            keys.append(
                HouseholdKey(len(keys) + 1, 1, "self_built", order, f"{b}栋", "1单元", room)
            )
    return keys


@pytest.mark.parametrize(("extra", "most"), [(3, 0), (8, 8)])
def test_rebalance_moves_far_fewer_than_a_fresh_plan(extra, most):
    keys = old_street_keys()
    s = PlanSettings()
    plan = plan_households(keys, s)
    current = {h: f"邻{i}" for i, n in enumerate(plan.neighbours()) for h in n.households}
    k = next(k for k in keys if k.building == "2栋")
    changed = keys + [
        HouseholdKey(9000 + i, 1, k.compound_kind, k.compound_order, "2栋", "1单元", f"9{i:02d}")
        for i in range(extra)
    ]
    fresh = plan_households(changed, s).quality(current)["moves"]
    again = rebalance(changed, s, current)
    q = again.quality(current)
    assert fresh >= 20
    assert q["moves"] <= most
    assert outside(again, s) == 0
    assert sorted(h for n in again.neighbours() for h in n.households) == sorted(
        k.household_id for k in changed
    )
    # the 邻 that did not change keep their current id
    assert (
        sum(1 for n in again.neighbours() if n.existing is not None)
        >= len(set(current.values())) - 1
    )


def test_rebalance_when_no_current_household_is_left_plans_afresh():
    # the current grid's households have all left the ledger: every household is new (this
    # raised IndexError before the planner became a package)
    keys = old_street_keys()
    s = PlanSettings()
    again = rebalance(keys, s, {10**6: "邻1", 10**6 + 1: "邻2"})
    fresh = plan_households(keys, s)
    assert [n.households for n in again.neighbours()] == [n.households for n in fresh.neighbours()]
    assert all(n.existing is None for n in again.neighbours())


# --------------------------------------------------------------------------- load_keys


@pytest.mark.django_db
def test_load_keys_one_query(regions, compound, other_compound, django_assert_num_queries):
    compound.address = "洣水镇兴东路 12 号"
    compound.construction_background = "work_unit_dormitory"
    compound.save()
    for b, u, r in (("10栋", "1单元", "101"), ("2栋", "2单元", "301"), ("2栋", "1单元", "1201")):
        services.household_ensure(compound=compound, building=b, unit=u, room=r)
    services.household_ensure(compound=other_compound, building="1栋", unit="1单元", room="101")
    with django_assert_num_queries(1):
        keys = load_keys(regions["xingdong"])
    assert len(keys) == 3
    assert {(k.building, k.unit, k.room) for k in keys} == {
        ("10栋", "1单元", "101"),
        ("2栋", "2单元", "301"),
        ("2栋", "1单元", "1201"),
    }
    k = keys[0]
    assert k.compound_id == compound.pk
    assert k.compound_kind == "work_unit_dormitory"
    assert k.compound_order == compound_order_key("洣水镇兴东路 12 号", "粮站宿舍")
    assert k.compound_name == "粮站宿舍"
    assert load_keys(regions["xingdong"].pk) == keys
    assert load_keys(regions["xintang"])[0].compound_id == other_compound.pk
    plan = plan_households(keys, PlanSettings(households_per_neighbour=3, neighbour_min=1))
    assert [n.label for n in plan.neighbours()] == ["粮站宿舍"]
