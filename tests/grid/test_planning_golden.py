"""Characterisation: the planner's exact output on fixed generated ledgers.

The property tests in ``test_planning.py`` check what every plan must satisfy; these pin what
the planner *does* produce — every 邻's households in order, label, compounds, units and
``existing``, the 组 and 片, the quality figures and the reasons for 邻 outside the range — for
``plan_households`` and ``rebalance`` (an unchanged ledger, households added, households
removed, a grid planned with other settings, all of these at once) on seeded ledgers under four
settings. The digests were recorded from the planner before it was split into a package;
a refactoring must keep them. When the planner's behaviour is changed on purpose, record the
new table (``digests(seed)`` for each seed) and say in the commit why the plans changed.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter

import pytest

from linli.grid.planning import (
    HouseholdKey,
    Plan,
    PlanSettings,
    compound_order_key,
    plan_households,
    rebalance,
)

KINDS = ("work_unit_dormitory", "housing_reform", "resettlement", "commercial", "self_built")
ROADS = ("人民路", "建设路", "东风路", "向阳路")
CN = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

SETTINGS = {
    "default": PlanSettings(),
    "small": PlanSettings(households_per_neighbour=10, neighbours_per_group=4, groups_per_area=2),
    "wide": PlanSettings(households_per_neighbour=20, neighbour_min=12, neighbour_max=30),
    # min more than half the max: chunks of oversized units may fall outside the range
    "tight": PlanSettings(
        households_per_neighbour=13, neighbour_min=11, neighbour_max=16, neighbours_per_group=6
    ),
}


def _rooms(n: int, per_floor: int) -> list[str]:
    return [f"{i // per_floor + 1}{i % per_floor + 1:02d}" for i in range(n)]


def _building_name(rng: random.Random, b: int) -> str:
    style = rng.random()
    if style < 0.6:
        return f"{b}栋"
    if style < 0.8:
        return f"{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[(b - 1) % 26]}栋"
    return f"{CN[(b - 1) % len(CN)]}号楼"


def _unit_sizes(rng: random.Random, shape: str) -> list[list[int]]:
    """Buildings → unit sizes of one compound."""
    if shape == "one":
        return [[1]]
    if shape == "tiny":
        return [[rng.randint(1, 3)] for _ in range(rng.randint(1, 2))]
    if shape == "row":  # self-built houses
        return [[rng.randint(2, 8)] for _ in range(rng.randint(4, 20))]
    if shape == "estate":
        return [
            [rng.choice([12, 14, 14, 18]) for _ in range(rng.randint(2, 4))]
            for _ in range(rng.randint(4, 9))
        ]
    buildings = [
        [rng.choice([rng.randint(8, 16), rng.randint(1, 24)]) for _ in range(rng.randint(1, 4))]
        for _ in range(rng.randint(1, 6))
    ]
    if shape == "tower":  # an oversized stairwell somewhere in the compound
        b = rng.randrange(len(buildings))
        buildings[b].insert(rng.randint(0, len(buildings[b])), rng.choice([40, 44, 48, 52, 66]))
    return buildings


def county(seed: int) -> list[HouseholdKey]:
    """A community of 3–10 compounds of every shape, in shuffled order."""
    rng = random.Random(seed)
    shapes = ["walkup"] * 4 + ["estate", "row", "tiny", "one", "tower", "tower"]
    keys: list[HouseholdKey] = []
    hid = 1000 + seed * 10_000
    for c in range(rng.randint(3, 10)):
        cid = 100 + c
        kind = rng.choice(KINDS[: rng.randint(2, len(KINDS))])
        road = rng.choice(ROADS)
        name = f"{road}{c}号院" if rng.random() < 0.9 else ""
        order = compound_order_key(f"{road}{rng.randint(1, 40)}号", name)
        unit_style = rng.random()
        for b, units in enumerate(_unit_sizes(rng, rng.choice(shapes)), start=1):
            building = _building_name(rng, b)
            for u, size in enumerate(units, start=1):
                unit = f"{CN[u - 1]}单元" if unit_style < 0.2 else f"{u}单元"
                per_floor = 4 if size >= 40 else 2
                for room in _rooms(size, per_floor):
                    keys.append(HouseholdKey(hid, cid, kind, order, building, unit, room, name))
                    hid += 1
    rng.shuffle(keys)
    return keys


def current_of(plan: Plan, *, as_text: bool) -> dict:
    return {
        h: (f"邻{i}" if as_text else i)
        for i, n in enumerate(plan.neighbours())
        for h in n.households
    }


def scenarios(keys: list[HouseholdKey], s: PlanSettings, seed: int):
    """(name, keys, current) for rebalance: what happens to a ledger between two plans."""
    rng = random.Random(seed * 7 + 1)
    plan = plan_households(keys, s)
    current = current_of(plan, as_text=True)
    yield "unchanged", keys, current

    next_id = 10**7 + seed * 1000
    added: list[HouseholdKey] = []
    for k in rng.sample(keys, min(6, len(keys))):
        for i in range(rng.randint(1, 9)):
            unit = k.unit if rng.random() < 0.7 else f"{k.unit}乙"
            added.append(
                HouseholdKey(
                    next_id,
                    k.compound_id,
                    k.compound_kind,
                    k.compound_order,
                    k.building,
                    unit,
                    f"9{i:02d}",
                    k.compound_name,
                )
            )
            next_id += 1
    yield "added", keys + added, current

    dropped = set(rng.sample([k.household_id for k in keys], len(keys) // 5))
    gone = rng.choice(keys).compound_id  # a compound demolished: its 邻 are left empty
    dropped |= {k.household_id for k in keys if k.compound_id == gone}
    yield "removed", [k for k in keys if k.household_id not in dropped], current

    # a grid drawn by hand: runs of 8–20 households in id order, across compounds and units
    # (each small compound cut after its first household)
    sizes = Counter(k.compound_id for k in keys)
    compound_of = {k.household_id: k.compound_id for k in keys}
    legacy: dict[int, int] = {}
    previous = None
    for i, h in enumerate(sorted(compound_of)):
        if i == 0 or rng.random() < 1 / 13 or (previous == compound_of[h] and sizes[previous] < 8):
            cell = i
        legacy[h] = cell
        previous = compound_of[h]
    yield "legacy", keys, legacy

    other = SETTINGS["small"] if s is not SETTINGS["small"] else SETTINGS["default"]
    yield "other_settings", keys, current_of(plan_households(keys, other), as_text=False)

    mixed = [k for k in keys + added if k.household_id not in dropped]
    yield "mixed", mixed, current_of(plan_households(keys, other), as_text=True)


def describe(plan: Plan, current: dict | None = None) -> list:
    """Everything a plan says, as plain values in a fixed order."""
    return [
        [
            [
                [
                    n.households,
                    n.label,
                    sorted(n.compound_ids),
                    [list(u) for u in n.units],
                    n.existing,
                ]
                for n in g.neighbours
            ]
            for g in a.groups
        ]
        for a in plan.areas
    ] + [
        plan.quality(current),
        [[n.label, reason] for n, reason in plan.outside_range()],
    ]


def digest(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:8]


SCENARIOS = ("plan", "unchanged", "added", "removed", "legacy", "other_settings", "mixed")


def digests(seed: int) -> dict[str, str]:
    """Per settings: the digests of the plan and of each rebalance scenario, in that order."""
    keys = county(seed)
    out = {}
    for name, s in SETTINGS.items():
        row = {"plan": digest(describe(plan_households(keys, s)))}
        for scenario, changed, current in scenarios(keys, s, seed):
            row[scenario] = digest(describe(rebalance(changed, s, current), current))
        assert tuple(row) == SCENARIOS
        out[name] = " ".join(row.values())
    return out


# Recorded from the single-module planner (commit aa79407, src/linli/grid/planning.py).
EXPECTED: dict[int, dict[str, str]] = {
    0: {
        "default": "7f54b437 5fce59bb 26749524 b0a2add6 c3e9600f 38db5ae7 e72b7020",
        "small": "e3b3c14a d6b99f83 d1124cf2 f151a8ad 96d517bf 76bf5901 dadb1e56",
        "wide": "489b539e f391bfd6 bc8b40da bf552336 9414284b ef11fe41 4cd6eab5",
        "tight": "8daa2a50 3b6beacd 7aa1e9f9 6bc85ca1 2b5bb4f4 34e065f7 6633440b",
    },
    1: {
        "default": "f305207b a91415ee 17bf2327 b6bcad62 f6b43089 17dad16e 314d3132",
        "small": "6c9facc4 24684ed8 52301c87 5550bb66 9cbdfcc2 34bcc3f0 735aee6b",
        "wide": "2e0ea8e9 f6543122 806fd1a2 d4de6360 5cfc7dfa 08c72fca 25d1629b",
        "tight": "5d70a678 ca1bebde 4147268b 2fd85a50 88fc89ba 84f46d41 66625f94",
    },
    2: {
        "default": "30c989ee 3fedbd89 df576a36 d9b9ff4f 3f69cfca 7ce16d34 54622019",
        "small": "deeed5e7 e4bd32c8 743455a9 a1cb7aeb 9d5f15f5 4dba491a 0c655007",
        "wide": "ab5d4224 8467bcb7 149a0583 525d5c77 4d546195 2acf3422 74798ca3",
        "tight": "b0c6b75e 08a4066e 68997196 2947129f fdc4dd21 b4611c47 f8a3c503",
    },
    3: {
        "default": "63e08b3b ebb04cd3 583dcd85 6be921e5 45d30399 ab0db686 d6850f13",
        "small": "7481ebf0 568191b2 00180a6b 32c36c65 2a3b4c5f 6affcaad e7b6e8f3",
        "wide": "85c21447 acf6328e 09ec2c96 a83d177d 49f9aa04 bf146566 1ee9042f",
        "tight": "a3473e23 a8a8aaf3 2f3b4061 6dc111f1 d2a85cb0 03241cb2 9c0535ae",
    },
    4: {
        "default": "c63033d8 1c39d296 c4c8821a 49e78319 c34dec2e b5605cbd 56a9797f",
        "small": "f2d73dd8 3084ccff e0414265 877f8898 f68fb05f 2802ce70 b53ae831",
        "wide": "01ae9033 178360d4 59a6cb20 5a0585ec 42d845dc 5872aaee 05cb3395",
        "tight": "0e376c66 5cf2e7be 16e546a8 040303a0 43f547b0 384f23f6 82c18b60",
    },
    5: {
        "default": "0c2bb0f1 1143dcb8 ba9fdee5 2b415349 d9936fb8 447d74d2 f76dbd92",
        "small": "89bd8b14 8f9adc8d 141fb6cd 1ad8f8d5 dc67c78b 89851b5e 1cbc8c3b",
        "wide": "c053890c 6aed3dcb afb7d417 b68a60fd bafead1b cf198b5d 3e6ea8f1",
        "tight": "09ba5ed6 3df3c7ae c3c3d86d af22fdd3 b6725265 a6d48f1f de140a2b",
    },
    6: {
        "default": "f308fc64 342e1bcd f77aacbf fd3ee3ec 3d057763 4fb5671c 3077c0a4",
        "small": "04697d12 913de36f 8c118a2d 39110ae6 83b5a4b2 e56f93ab 67e649b7",
        "wide": "148e48eb 60529cb7 c9489273 ab6a9b74 a76dd0e2 edba333a 4a36ced7",
        "tight": "9ae15065 4cb745fe c78d2858 6ddb9911 e0b11da9 3950259a 0f482101",
    },
    7: {
        "default": "18387325 44866b10 ae835921 de255606 592414e8 f542ca26 b2b69927",
        "small": "7d7b0348 2262eb15 7bd02e9a 85e1bff0 b116b21a a5b828de 3be1e307",
        "wide": "47cbdc97 d9d4adaf c7ece5fc 44283ede 91fc464c dbcce6e6 9624b349",
        "tight": "7589a2cc ddaf3259 3f081841 f0b283d6 64195e72 b12b4311 20f5c5b7",
    },
}


@pytest.mark.parametrize("seed", range(8))
def test_plans_are_unchanged(seed):
    got = digests(seed)
    assert got == EXPECTED[seed]
