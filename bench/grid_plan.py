"""Benchmark: plan the 片组邻 grid of a synthetic county.

    python bench/grid_plan.py --households 1000000

Builds a county of about that many households (≈ 167 a compound: walk-up 单位宿舍/房改房
blocks of 2–4 stairwells × 5–7 floors × 2 flats, some larger estates, rows of self-built
houses, tiny compounds and a few oversized stairwells) in a throwaway database — a SQLite
file in a temporary folder, or, when DATABASE_URL is set, a PostgreSQL database
``linli_gridbench`` on that server, created and dropped — by raw ``executemany`` inserts after
``migrate``. Then, community by community and in the same run:

* floor: ``load_keys`` (the one query the planner needs) and sorting the keys by address;
* plan: ``load_keys`` and ``plan_households``.

The two alternate which goes first in each community, so neither gets the warmer cache.
Prints the times, peak RSS, the aggregated quality figures, the 邻 outside the size range with
the reason, and as its last line ``ratio: <plan time ÷ floor time>``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

BENCH_DB = "linli_gridbench"
KINDS = [
    ("work_unit_dormitory", 30),
    ("housing_reform", 30),
    ("resettlement", 15),
    ("commercial", 10),
    ("self_built", 10),
    ("other", 5),
]
ROADS = ["人民路", "建设路", "解放路", "东风路", "向阳路", "新华路", "光明路", "和平路", "胜利路"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- the county


def compound_shape(rng: random.Random) -> tuple[str, list[list[list[str]]]]:
    """(kind, buildings → units → rooms) of one compound."""
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    roll = rng.random()
    if roll < 0.03:  # a tiny compound: one or two houses
        buildings = [[_rooms(1, rng.randint(1, 3))] for _ in range(rng.randint(1, 2))]
    elif kind == "self_built" or roll < 0.10:  # a row of self-built houses
        buildings = [
            [_rooms(rng.randint(2, 4), rng.randint(1, 2))] for _ in range(rng.randint(4, 30))
        ]
    elif roll < 0.22:  # a larger estate
        buildings = [
            [_rooms(rng.randint(6, 7), 2) for _ in range(rng.randint(2, 4))]
            for _ in range(rng.randint(6, 16))
        ]
    else:  # walk-up blocks
        buildings = [
            [_rooms(rng.randint(5, 7), 2) for _ in range(rng.randint(2, 4))]
            for _ in range(rng.randint(2, 6))
        ]
    if rng.random() < 0.02:  # a tower stairwell: 11–18 floors × 2–4 flats
        buildings.append([_rooms(rng.randint(11, 18), rng.randint(2, 4))])
    return kind, buildings


def _rooms(floors: int, per_floor: int) -> list[str]:
    return [f"{f}{d:02d}" for f in range(1, floors + 1) for d in range(1, per_floor + 1)]


def populate(connection, households: int, seed: int) -> dict:
    """Insert regions, compounds, buildings, units and households with executemany."""
    from linli.ledger.models import Building, Compound, Household, Region, RegionLevel, Unit

    rng = random.Random(seed)
    per_community = 20
    per_town = 15
    next_id = {"region": 1, "compound": 1, "building": 1, "unit": 1, "household": 1}
    batches: dict[type, list[dict]] = {Compound: [], Building: [], Unit: [], Household: []}
    communities: list[int] = []
    totals = Counter()

    def region(name: str, level: int, parent: int | None, parent_path: str) -> tuple[int, str]:
        rid = next_id["region"]
        next_id["region"] += 1
        path = f"{parent_path}{rid}/"
        row = {"id": rid, "parent_id": parent, "level": level, "name": name, "path": path}
        _insert(connection, Region, [row])
        return rid, path

    county, county_path = region("基准县", RegionLevel.COUNTY, None, "/")
    town = town_path = community = None
    made = 0
    compounds_in_community = communities_in_town = 0
    while made < households:
        if community is None or compounds_in_community == per_community:
            if town is None or communities_in_town == per_town:
                town, town_path = region(
                    f"第{next_id['region']}镇", RegionLevel.TOWN, county, county_path
                )
                communities_in_town = 0
            community, _ = region(
                f"第{next_id['region']}社区", RegionLevel.COMMUNITY, town, town_path
            )
            communities.append(community)
            communities_in_town += 1
            compounds_in_community = 0
        kind, buildings = compound_shape(rng)
        cid = next_id["compound"]
        next_id["compound"] += 1
        compounds_in_community += 1
        road = ROADS[rng.randrange(len(ROADS))]
        batches[Compound].append(
            {
                "id": cid,
                "community_id": community,
                "name": f"{road}{cid}号院",
                "address": f"{road}{rng.randint(1, 300)}号",
                "construction_background": kind,
            }
        )
        totals["compounds"] += 1
        for b, units in enumerate(buildings, start=1):
            bid = next_id["building"]
            next_id["building"] += 1
            batches[Building].append({"id": bid, "compound_id": cid, "name": f"{b}栋"})
            for u, rooms in enumerate(units, start=1):
                uid = next_id["unit"]
                next_id["unit"] += 1
                batches[Unit].append({"id": uid, "building_id": bid, "name": f"{u}单元"})
                totals["units"] += 1
                for room in rooms:
                    if made == households:
                        break
                    batches[Household].append(
                        {
                            "id": next_id["household"],
                            "unit_id": uid,
                            "room": room,
                            "floor": int(room[:-2]),
                        }
                    )
                    next_id["household"] += 1
                    made += 1
        if len(batches[Household]) >= 50_000:
            _flush(connection, batches)
    _flush(connection, batches)
    totals["households"] = made
    totals["communities"] = len(communities)
    totals["buildings"] = next_id["building"] - 1
    return {"communities": communities, "totals": totals}


def _flush(connection, batches: dict) -> None:
    for model, rows in batches.items():  # parents first (dict order)
        _insert(connection, model, rows)
        rows.clear()


def _insert(connection, model, rows: list[dict]) -> None:
    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    columns = [f.column for f in fields]
    defaults = {}
    for f in fields:
        if f.null:
            defaults[f.attname] = None
        elif f.has_default() or f.empty_strings_allowed:
            value = f.get_default()
            defaults[f.attname] = str(value) if isinstance(value, str) else value
    values = [tuple(row.get(f.attname, defaults.get(f.attname)) for f in fields) for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


# --------------------------------------------------------------------------- the database


def setup_database(use_postgres: bool, workdir: Path) -> str | None:
    """Point Django at a fresh database; returns the admin URL to drop it with (PostgreSQL)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    os.environ["LINLI_DATA_DIR"] = str(workdir)
    if not use_postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'gridbench.sqlite3'}"
        return None
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    # CREATE/DROP DATABASE from the server's maintenance database (the named one may not exist)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return admin_url


def drop_database(admin_url: str | None) -> None:
    if admin_url is None:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


# --------------------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--households-per-neighbour", type=int, default=13)
    parser.add_argument("--neighbours-per-group", type=int, default=27)
    parser.add_argument("--seed", type=int, default=1786)
    args = parser.parse_args()

    use_postgres = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
    with tempfile.TemporaryDirectory(prefix="linli-gridbench-") as tmp:
        admin_url = setup_database(use_postgres, Path(tmp))
        try:
            run(args, use_postgres)
        finally:
            drop_database(admin_url)


def run(args, use_postgres: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from linli.grid.planning import PlanSettings, load_keys, plan_households

    engine = "PostgreSQL" if use_postgres else "SQLite"
    print(f"database: {engine} (throwaway)")
    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    with transaction.atomic():
        county = populate(connection, args.households, args.seed)
    if use_postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    totals = county["totals"]
    print(
        f"county: {totals['households']:,} households, {totals['units']:,} units, "
        f"{totals['buildings']:,} buildings, {totals['compounds']:,} compounds, "
        f"{totals['communities']:,} communities "
        f"(inserted in {time.perf_counter() - t:.1f} s)"
    )

    settings = PlanSettings(
        households_per_neighbour=args.households_per_neighbour,
        neighbours_per_group=args.neighbours_per_group,
    )
    lo, hi = settings.neighbour_range()

    def floor_one(community: int) -> int:
        keys = load_keys(community)
        keys.sort(key=lambda k: (k.compound_order, k.building, k.unit, k.room))
        return len(keys)

    def plan_one(community: int):
        return plan_households(load_keys(community), settings)

    floor_time = plan_time = 0.0
    floor_households = 0
    sizes: list[int] = []
    agg = Counter()
    outside = Counter()
    for i, community in enumerate(county["communities"]):
        for step in (0, 1) if i % 2 == 0 else (1, 0):
            t = time.perf_counter()
            if step == 0:
                floor_households += floor_one(community)
                floor_time += time.perf_counter() - t
            else:
                plan = plan_one(community)
                plan_time += time.perf_counter() - t
        q = plan.quality()
        for key in ("neighbours", "groups", "areas", "split_units", "split_buildings", "moves"):
            agg[key] += q[key]
        sizes.extend(len(n.households) for n in plan.neighbours())
        outside.update(reason for _, reason in plan.outside_range())
        del plan
    assert floor_households == totals["households"]
    assert sum(sizes) == totals["households"], "every household in exactly one 邻"

    quality = {
        "neighbours": agg["neighbours"],
        "groups": agg["groups"],
        "areas": agg["areas"],
        "size_min": min(sizes),
        "size_median": statistics.median(sizes),
        "size_max": max(sizes),
        "split_units": agg["split_units"],
        "split_buildings": agg["split_buildings"],
        "moves": agg["moves"],
    }
    print(
        f"settings: target {settings.households_per_neighbour}, range [{lo}, {hi}], "
        f"{settings.neighbours_per_group} 邻 a 组, {settings.groups_per_area} 组 a 片"
    )
    print("quality: " + ", ".join(f"{k}={v}" for k, v in quality.items()))
    n_out = sum(outside.values())
    why = ", ".join(f"{reason}: {n}" for reason, n in outside.most_common())
    print(f"outside [{lo}, {hi}]: {n_out} of {len(sizes):,} 邻" + (f" — {why}" if why else ""))
    print(f"floor (load_keys + sort, {floor_households:,} households): {floor_time:.2f} s")
    print(f"plan (load_keys + plan_households): {plan_time:.2f} s")
    print(f"peak RSS: {rss_mb():.0f} MB")
    print(f"ratio: {plan_time / floor_time:.2f}")


if __name__ == "__main__":
    main()
