"""Benchmark: the bills of one month for a county of households, and its collection rates.

    python bench/fees.py --households 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli python bench/fees.py

Builds a county (towns → communities → compounds of ≈ 167 households, areas 35–180 m²,
uses 自住/出租/空置/商用, 1 % developer-unsold, 12 % party-member households) in a throwaway
database — a SQLite file in a temporary folder, or, with DATABASE_URL, a PostgreSQL database
``linli_feebench`` created and dropped — by raw ``executemany`` after ``migrate``; each
compound gets a per-area standard and a half-price standard for vacant flats (bulk inserted:
set-up, not measured). Then, in the same run:

* **product**: ``services.bill_run`` for the whole county for one month, as the county
  official (scope checks, overlap check, schedule resolution, the set-based INSERT … SELECT,
  the run's counts); then, after a raw UPDATE marks ≈ 96 % of the bills paid (set-up, not
  measured), ``selectors.collection_rollup`` for the county — total, by compound and by party
  membership, both kinds of rate, in one pass;
* **floor**: the very same bill rows, read back into Python in chunks (not measured), the bill
  table emptied, and the rows inserted raw with ``executemany`` into the same table (same
  indexes, constraints and foreign keys), committed.

Prints the times, peak RSS, the county's rates, and as the last line
``ratio: <product time ÷ floor time>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

BENCH_DB = "linli_feebench"
MONTH = dt.date(2026, 10, 1)
USES = [("owner_occupied", 78), ("rented", 14), ("vacant", 6), ("commercial", 2)]
BILL_COLUMNS = (
    "household_id",
    "compound_id",
    "run_id",
    "schedule_id",
    "period_start",
    "period_end",
    "months",
    "payer",
    "basis",
    "price",
    "area",
    "amount",
    "paid",
    "waived",
    "outstanding",
    "created_at",
)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- the county


def populate(connection, households: int, seed: int) -> dict:
    from linli.ledger.models import (
        Building,
        Compound,
        Household,
        Region,
        RegionLevel,
        Resident,
        Unit,
    )

    rng = random.Random(seed)
    next_id = {"region": 1, "compound": 1, "building": 1, "unit": 1, "household": 1, "res": 1}
    batches: dict[type, list[dict]] = {
        Compound: [],
        Building: [],
        Unit: [],
        Household: [],
        Resident: [],
    }
    uses = [u for u, _ in USES]
    weights = [w for _, w in USES]

    def region(name, level, parent, parent_path):
        rid = next_id["region"]
        next_id["region"] += 1
        path = f"{parent_path}{rid}/"
        _insert(
            connection,
            Region,
            [{"id": rid, "parent_id": parent, "level": level, "name": name, "path": path}],
        )
        return rid, path

    county, county_path = region("基准县", RegionLevel.COUNTY, None, "/")
    town = town_path = community = None
    made = in_community = in_town = 0
    compounds = 0
    while made < households:
        if community is None or in_community == 20:
            if town is None or in_town == 15:
                town, town_path = region(
                    f"第{next_id['region']}镇", RegionLevel.TOWN, county, county_path
                )
                in_town = 0
            community, _ = region(
                f"第{next_id['region']}社区", RegionLevel.COMMUNITY, town, town_path
            )
            in_town += 1
            in_community = 0
        cid = next_id["compound"]
        next_id["compound"] += 1
        in_community += 1
        compounds += 1
        batches[Compound].append(
            {
                "id": cid,
                "community_id": community,
                "name": f"{cid}号院",
                "property_service": "community_custody",
            }
        )
        for b in range(1, rng.randint(3, 5) + 1):
            bid = next_id["building"]
            next_id["building"] += 1
            batches[Building].append({"id": bid, "compound_id": cid, "name": f"{b}栋"})
            for u in range(1, 3):
                uid = next_id["unit"]
                next_id["unit"] += 1
                batches[Unit].append({"id": uid, "building_id": bid, "name": f"{u}单元"})
                for floor in range(1, 7):
                    for door in range(1, 3):
                        if made == households:
                            break
                        hid = next_id["household"]
                        next_id["household"] += 1
                        made += 1
                        batches[Household].append(
                            {
                                "id": hid,
                                "unit_id": uid,
                                "room": f"{floor}{door:02d}",
                                "floor": floor,
                                "area": Decimal(f"{rng.uniform(35, 180):.2f}"),
                                "use": rng.choices(uses, weights)[0],
                                "developer_unsold": rng.random() < 0.01,
                            }
                        )
                        if rng.random() < 0.12:
                            batches[Resident].append(
                                {
                                    "id": next_id["res"],
                                    "household_id": hid,
                                    "name": "党员",
                                    "is_party_member": True,
                                }
                            )
                            next_id["res"] += 1
        if len(batches[Household]) >= 50_000:
            _flush(connection, batches)
    _flush(connection, batches)
    return {
        "county": county,
        "households": made,
        "compounds": compounds,
        "party_households": next_id["res"] - 1,
    }


def _flush(connection, batches: dict) -> None:
    for model, rows in batches.items():  # parents first (dict order)
        _insert(connection, model, rows)
        rows.clear()


def _insert(connection, model, rows: list[dict]) -> None:
    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    defaults = {}
    for f in fields:
        if f.null:
            defaults[f.attname] = None
        elif f.has_default() or f.empty_strings_allowed:
            value = f.get_default()
            defaults[f.attname] = str(value) if isinstance(value, str) else value
    values = [tuple(row.get(f.attname, defaults.get(f.attname)) for f in fields) for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def schedules(connection, county: int) -> int:
    from linli.finance.models import FeeSchedule
    from linli.ledger.models import Compound

    rng = random.Random(1)
    rows = []
    for cid in Compound.objects.values_list("pk", flat=True):
        price = Decimal(rng.choice(["0.35", "0.40", "0.45", "0.50", "0.65", "0.80", "1.20"]))
        rows.append(
            FeeSchedule(
                compound_id=cid, basis="per_area", price=price, valid_from=dt.date(2026, 1, 1)
            )
        )
        rows.append(
            FeeSchedule(
                compound_id=cid,
                use="vacant",
                basis="per_area",
                price=price / 2,
                valid_from=dt.date(2026, 1, 1),
            )
        )
    FeeSchedule.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --------------------------------------------------------------------------- the database


def setup_database(use_postgres: bool, workdir: Path) -> str | None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    os.environ["LINLI_DATA_DIR"] = str(workdir)
    if not use_postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'feebench.sqlite3'}"
        return None
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
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
    parser.add_argument("--seed", type=int, default=1786)
    parser.add_argument("--chunk", type=int, default=100_000, help="floor rows per executemany")
    args = parser.parse_args()
    use_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    with tempfile.TemporaryDirectory(prefix="linli-feebench-") as tmp:
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

    from linli.accounts.models import Profile, Role
    from linli.finance import selectors, services
    from linli.finance.models import Bill
    from linli.ledger.models import Region

    engine = "PostgreSQL" if use_postgres else "SQLite"
    print(f"database: {engine} (throwaway)")
    t = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    with transaction.atomic():
        county = populate(connection, args.households, args.seed)
        n_schedules = schedules(connection, county["county"])
    if use_postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"county: {county['households']:,} households in {county['compounds']:,} compounds, "
        f"{county['party_households']:,} party-member households, {n_schedules:,} fee standards "
        f"(inserted in {time.perf_counter() - t:.1f} s)"
    )
    from django.contrib.auth import get_user_model

    official = get_user_model().objects.create(username="county")
    Profile.objects.create(
        user=official,
        role=Role.COUNTY_OFFICIAL,
        region=Region.objects.get(pk=county["county"]),
    )
    official = get_user_model().objects.select_related("profile__region").get(pk=official.pk)
    region = Region.objects.get(pk=county["county"])

    # ---- product: the bill run
    t = time.perf_counter()
    result = services.bill_run(actor=official, period_start=MONTH, region=region)
    run_time = time.perf_counter() - t
    print(
        f"bill run: {result.bills_created:,} bills, ¥{result.amount_created:,} "
        f"(skipped: no area {result.skipped_no_area}, no standard {result.skipped_no_schedule}) "
        f"in {run_time:.2f} s"
    )
    assert result.bills_created == county["households"]
    again = services.bill_run(actor=official, period_start=MONTH, region=region)
    assert again.bills_created == 0 and again.bills_existing == county["households"]

    # set-up, not measured: ≈ 96 % of the bills paid (more in party-member households)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE finance_bill SET paid = amount, outstanding = 0 WHERE household_id % 25 <> 0"
            " OR household_id IN (SELECT household_id FROM ledger_resident"
            " WHERE is_party_member)"
        )
    if use_postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE finance_bill")

    # ---- product: the county's collection rates
    t = time.perf_counter()
    rollup = selectors.collection_rollup(
        actor=official, start=MONTH, end=MONTH, dims=("compound", "party")
    )
    total, by_compound = rollup["total"][0], rollup["compound"]
    party = {r.key: r for r in rollup["party"]}
    rates_time = time.perf_counter() - t
    print(
        f"rates: total {total.amount_pct} by amount, {total.household_pct} by household "
        f"({total.households_paid:,}/{total.households:,}); party-member households "
        f"{party[True].amount_pct}, others {party[False].amount_pct}; "
        f"{len(by_compound):,} compounds — in {rates_time:.2f} s"
    )
    assert total.households == county["households"]

    # ---- floor: the same rows, raw executemany into the same (emptied) table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE finance_bill SET paid = 0, outstanding = amount"
        )  # as the run wrote them
        cursor.execute(
            f"CREATE TABLE bench_rows AS SELECT {', '.join(BILL_COLUMNS)} FROM finance_bill"
        )
        cursor.execute("DELETE FROM finance_bill")
    columns = ", ".join(BILL_COLUMNS)
    insert = (
        f"INSERT INTO finance_bill ({columns}) VALUES ({', '.join(['%s'] * len(BILL_COLUMNS))})"
    )
    floor_time = 0.0
    inserted = last = 0
    with transaction.atomic():
        while True:
            with connection.cursor() as cursor:  # reading the rows back: not measured
                cursor.execute(
                    f"SELECT {columns} FROM bench_rows WHERE household_id > %s"
                    " ORDER BY household_id LIMIT %s",
                    [last, args.chunk],
                )
                rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
            floor_time += time.perf_counter() - t
            inserted += len(rows)
        t = time.perf_counter()
    floor_time += time.perf_counter() - t  # the commit
    assert inserted == county["households"] == Bill.objects.count()
    product = run_time + rates_time
    print(f"floor (raw executemany of the same {inserted:,} bill rows): {floor_time:.2f} s")
    print(f"product (bill run {run_time:.2f} s + rates {rates_time:.2f} s): {product:.2f} s")
    print(f"bill run alone ÷ floor: {run_time / floor_time:.2f}")
    print(f"peak RSS: {rss_mb():.0f} MB")
    print(f"ratio: {product / floor_time:.2f}")


if __name__ == "__main__":
    main()
