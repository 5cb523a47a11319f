"""Benchmark of the ledger import against a floor measured in the same run.

    python bench/ledger_import.py --households 100000

1. Generates a workbook (三无小区台账 + 居民台账, canonical headers from ``columns.py``,
   ~2.5 residents per household, valid random ID numbers and phones) in a temporary folder.
2. **import**: a fresh database (a temporary SQLite file; with ``DATABASE_URL`` pointing at
   PostgreSQL, a throwaway database ``linli_bench_import``), migrated, with the region tree;
   times ``ledger_import`` on the file.
3. **floor**: a second fresh database (``linli_bench_floor``), the same file read with
   python-calamine and the same rows inserted raw (``executemany`` of plain tuples into the
   same tables — ledger tables and their history tables — no validation, no look-ups). The
   import encrypts and hashes ID numbers and phones as in production (fresh random
   ``LINLI_PII_KEY`` / ``LINLI_PII_HASH_KEY`` per run); the floor inserts them in clear.

Each phase runs in its own subprocess, so the peak RSS printed is that phase's. The last line
is ``ratio: <import time ÷ floor time>``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWN = "洣水镇"
COMMUNITIES = [
    f"{name}社区"
    for name in ("兴东", "新塘", "东城", "西湖", "南岳", "北站", "城关", "江滨", "白莲")
]
REGION_CODES = ["430424", "430421", "430426", "430482", "110105", "440524"]
MOBILE_PREFIXES = "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 166 177 180 "
MOBILE_PREFIXES += "181 182 183 186 187 188 189 191 198 199"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰德福春花海燕小宝一诺子涵"
RELATIONS = ["户主", "配偶", "子女", "子女", "父母", "孙子女", "儿媳/女婿", "兄弟姐妹", "其他"]
TAGS = ["党员", "空巢老人", "独居老人", "留守儿童", "残疾", "低保", "退役军人", "陪读家庭"]


# -- the workbook ------------------------------------------------------------------------------


def generate(path: Path, households: int, seed: int) -> dict:
    from openpyxl import Workbook
    from stdnum.cn import ric

    from linli.ledger import columns as c

    rnd = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(c.COMPOUND_SHEET)
    keys = ("seq", "community", "name", "address", "year_built", "construction_background")
    keys += ("surveyed_buildings", "surveyed_households", "property_service", "responsible_unit")
    keys += ("guards", "security", "surveyed_party_members", "party_organisation", "note")
    sheet.append(["洣水镇“三无小区”基础信息台账"])
    sheet.append([c.COMPOUND_COLUMNS[k][0] for k in keys])
    per_compound = 240  # 5 buildings × 2 units × 6 floors × 4 rooms
    compounds = (households + per_compound - 1) // per_compound
    names = []
    for i in range(compounds):
        community = COMMUNITIES[i % len(COMMUNITIES)]
        name = f"{rnd.choice('东西南北中新老')}{rnd.choice('门湖岭园坪塘桥')}小区{i + 1}"
        names.append((community, name))
        sanwu = rnd.random() < 0.4
        sheet.append(
            [
                i + 1,
                community,
                name,
                f"{TOWN}建设路{i + 1}号",
                rnd.randint(1980, 2015),
                rnd.choice(["单位宿舍", "房改房", "拆迁安置", "商品房", "自建房"]),
                5,
                per_compound,
                "无" if sanwu else rnd.choice(["社区托管", "专业物业公司"]),
                "无",
                "无门卫" if sanwu else "有门卫",
                "无围墙、无监控" if sanwu else "有门禁、有监控",
                rnd.randint(0, 20),
                rnd.choice(["未建立", "小区党小组"]),
                "",
            ]
        )
    sheet = book.create_sheet(c.RESIDENT_SHEET)
    keys = ("seq", "community", "compound", "building", "unit", "room", "area", "name", "sex")
    keys += ("id_number", "phone", "relation", "tags", "note")
    sheet.append(["洣水镇居民基础信息台账"])
    sheet.append([c.RESIDENT_COLUMNS[k][0] for k in keys])
    mobiles = MOBILE_PREFIXES.split()
    seen: set[str] = set()
    rows = people = 0
    made = 0
    for community, compound in names:
        for building in range(1, 6):
            for unit in range(1, 3):
                for floor in range(1, 7):
                    for room in range(1, 5):
                        if made >= households:
                            break
                        made += 1
                        area = round(rnd.uniform(45, 140), 2)
                        area_cell = rnd.choice([area, area, f"{area}㎡", f"{area}平方米"])
                        house = [community, compound, f"{building}栋", f"{unit}单元"]
                        house += [f"{floor}{room:02d}", area_cell]
                        size = rnd.choices([0, 1, 2, 3, 4, 5], [3, 15, 35, 25, 15, 7])[0]
                        if size == 0:
                            rows += 1
                            sheet.append([rows, *house, "", "", "", "", "", "", "空置"])
                            continue
                        for member in range(size):
                            number = _id_number(rnd, seen, ric)
                            sex = "男" if int(number[16]) % 2 else "女"
                            year = int(number[6:10])
                            phone = "" if year > 2010 else _phone(rnd, mobiles)
                            relation = "户主" if member == 0 else rnd.choice(RELATIONS[1:])
                            tags = "、".join(rnd.sample(TAGS, rnd.choice([0, 0, 0, 0, 1, 1, 2])))
                            rows += 1
                            people += 1
                            name = rnd.choice(SURNAMES) + "".join(
                                rnd.choice(GIVEN) for _ in range(rnd.choice([1, 2, 2]))
                            )
                            sheet.append(
                                [rows, *house, name, sex, number, phone, relation, tags, ""]
                            )
    sheet.append(["合计", "", "", "", "", "", "", f"{people}人"])
    sheet.append(["填表人：", "", "", "", "", "", "", "审核人："])
    book.save(path)
    return {"rows": rows, "residents": people, "households": made, "compounds": compounds}


def _id_number(rnd, seen, ric) -> str:
    while True:
        birth = dt.date(1935, 1, 1) + dt.timedelta(days=rnd.randint(0, 32000))
        body = f"{rnd.choice(REGION_CODES)}{birth:%Y%m%d}{rnd.randint(0, 999):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in seen:
            seen.add(number)
            return number


def _phone(rnd, mobiles) -> str:
    kind = rnd.random()
    if kind < 0.06:
        return f"0734-{rnd.randint(5200000, 5299999)}"
    number = f"{rnd.choice(mobiles)}{rnd.randint(0, 99_999_999):08d}"
    if kind < 0.15:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return number


# -- databases -------------------------------------------------------------------------------


def database_url(base: str | None, phase: str, folder: Path) -> str:
    if not base or base.startswith("sqlite"):
        return f"sqlite:///{folder / (phase + '.sqlite3')}"
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(base)
    name = f"linli_bench_{phase}"
    with psycopg.connect(_maintenance_dsn(config), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}"


def drop_database(base: str | None, phase: str) -> None:
    if not base or base.startswith("sqlite"):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(base)
    with psycopg.connect(_maintenance_dsn(config), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "linli_bench_{phase}"')


def _maintenance_dsn(config) -> str:
    parts = [f"dbname=postgres host={config['HOST'] or 'localhost'}"]
    if config.get("PORT"):
        parts.append(f"port={config['PORT']}")
    if config.get("USER"):
        parts.append(f"user={config['USER']}")
    if config.get("PASSWORD"):
        parts.append(f"password={config['PASSWORD']}")
    return " ".join(parts)


BENCH_PII_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
BENCH_PII_HASH_KEY = base64.b64encode(secrets.token_bytes(32)).decode()


def phase_env(url: str, folder: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        LINLI_DATA_DIR=str(folder),
        LINLI_DEBUG="0",
        LINLI_SECRET_KEY="bench-not-secret",
        # the ID numbers and phones are encrypted and hashed as in production (random keys)
        LINLI_PII_KEY=BENCH_PII_KEY,
        LINLI_PII_HASH_KEY=BENCH_PII_HASH_KEY,
        DJANGO_SETTINGS_MODULE="linli.settings",
        LINLI_IMPORT_MAX_BYTES=str(1 << 31),
    )
    return env


# -- the phases (each in its own process) ------------------------------------------------------


def setup_regions():
    from linli.ledger import services
    from linli.ledger.models import RegionLevel

    province = services.region_ensure(name="湖南省", level=RegionLevel.PROVINCE)
    city = services.region_ensure(name="衡阳市", level=RegionLevel.CITY, parent=province)
    county = services.region_ensure(name="衡东县", level=RegionLevel.COUNTY, parent=city)
    town = services.region_ensure(name=TOWN, level=RegionLevel.TOWN, parent=county)
    return {
        name: services.region_ensure(name=name, level=RegionLevel.COMMUNITY, parent=town).pk
        for name in COMMUNITIES
    }


def run_import(file: Path) -> dict:
    from linli.ledger.io import ledger_import

    setup_regions()
    start = time.perf_counter()
    result = ledger_import(source=str(file))
    seconds = time.perf_counter() - start
    if not result.ok:
        for error in result.errors[:20]:
            print(error, file=sys.stderr)
        raise SystemExit("the import reported errors")
    return {"seconds": seconds, "counts": result.counts, "warnings": len(result.warnings)}


def run_floor(file: Path, *, copy: bool = False) -> dict:
    """python-calamine + executemany of plain tuples, in one transaction, no validation.

    ``copy``: PostgreSQL's COPY instead of executemany (the import uses COPY there), to show
    the import's overhead over the fastest insert too."""
    import python_calamine
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.ledger.models import Building, Compound, Household, Resident, Unit

    communities = setup_regions()
    start = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(file))
    compounds, buildings, units, households, residents = [], {}, {}, {}, []
    compound_ids: dict[str, int] = {}
    for values in list(book.get_sheet_by_name("三无小区台账").iter_rows())[2:]:
        compound_ids[values[2]] = len(compound_ids) + 1
        compounds.append(
            {
                "id": compound_ids[values[2]],
                "community_id": communities[values[1]],
                "name": values[2],
                "address": values[3],
                "year_built": int(values[4]),
                "surveyed_buildings": int(values[6]),
                "surveyed_households": int(values[7]),
                "guards_note": values[10],
                "security_note": values[11],
                "surveyed_party_members": int(values[12]),
                "party_organisation": values[13],
            }
        )
    for values in book.get_sheet_by_name("居民台账").iter_rows():
        room = values[5]
        if not room or values[0] == "序号":
            continue
        bkey = (values[2], values[3])
        if bkey not in buildings:
            buildings[bkey] = {"id": len(buildings) + 1, "compound_id": compound_ids[bkey[0]]}
            buildings[bkey]["name"] = values[3]
        ukey = (*bkey, values[4])
        if ukey not in units:
            units[ukey] = {"id": len(units) + 1, "building_id": buildings[bkey]["id"]}
            units[ukey]["name"] = values[4]
        hkey = (*ukey, room)
        if hkey not in households:
            area = values[6]
            area = str(area).removesuffix("㎡").removesuffix("平方米")
            households[hkey] = {
                "id": len(households) + 1,
                "unit_id": units[ukey]["id"],
                "room": room,
                "area": area,
                "note": values[13],
            }
        if values[7]:
            number = values[9]
            residents.append(
                {
                    "id": len(residents) + 1,
                    "household_id": households[hkey]["id"],
                    "name": values[7],
                    "id_number": number,
                    "sex": "M" if values[8] == "男" else "F",
                    "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                    "phone": values[10].replace(" ", ""),
                    "note": values[13],
                }
            )
    read = time.perf_counter() - start
    now = timezone.now()
    tables = [
        (Compound, compounds),
        (Building, list(buildings.values())),
        (Unit, list(units.values())),
        (Household, list(households.values())),
        (Resident, residents),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        insert = _copy_rows if copy else _executemany
        for model, rows in tables:
            insert(cursor, *_plain_insert(model, rows))
        ledger = time.perf_counter() - start - read
        for model, rows in tables:
            if hasattr(model, "history"):
                insert(cursor, *_plain_insert(model.history.model, rows, history_date=now))
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "read": read,
        "insert_ledger": ledger,
        "insert_history": seconds - read - ledger,
        "rows": len(residents),
    }


def _plain_insert(model, rows, history_date=None):
    fields = [f for f in model._meta.concrete_fields if f.attname != "history_id"]
    extra = {
        "history_date": str(history_date) if history_date else None,
        "history_change_reason": "bench",
        "history_type": "+",
        "history_user_id": None,
    }
    defaults = {
        f.attname: (extra[f.attname] if f.attname in extra else f.get_default()) for f in fields
    }
    names = [f.attname for f in fields]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({marks})'
    return sql, [tuple(row.get(n, defaults[n]) for n in names) for row in rows]


def _executemany(cursor, sql, params):
    cursor.executemany(sql, params)


def _copy_rows(cursor, sql, params):
    head = sql.partition(" VALUES ")[0].replace("INSERT INTO", "COPY", 1)
    with cursor.cursor.copy(f"{head} FROM STDIN") as copy:
        for row in params:
            copy.write_row(row)


def child(phase: str, file: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    copy = phase == "floor_copy"
    result = run_import(file) if phase == "import" else run_floor(file, copy=copy)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result))


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--file", type=Path, help="use this workbook instead of generating one")
    parser.add_argument(
        "--phase", choices=["import", "floor", "floor_copy"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.phase:
        child(args.phase, args.file)
        return

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    base = os.environ.get("DATABASE_URL")
    engine = "PostgreSQL" if base and base.startswith("postgres") else "SQLite"
    with tempfile.TemporaryDirectory(prefix="linli-bench-") as tmp:
        folder = Path(tmp)
        file = args.file
        if file is None:
            file = folder / "ledger.xlsx"
            started = time.perf_counter()
            made = generate(file, args.households, args.seed)
            print(
                f"workbook: {made['rows']:,} resident-sheet rows ({made['residents']:,} residents,"
                f" {made['households']:,} households, {made['compounds']:,} compounds), "
                f"{file.stat().st_size / 1048576:.1f} MB, generated in "
                f"{time.perf_counter() - started:.1f} s"
            )
        results = {}
        phases = ["import", "floor"] + (["floor_copy"] if engine == "PostgreSQL" else [])
        for phase in phases:
            url = database_url(base, phase, folder)
            env = phase_env(url, folder)
            try:
                subprocess.run(
                    [sys.executable, "-m", "linli", "migrate", "--no-input", "-v", "0"],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
                out = subprocess.run(
                    [sys.executable, __file__, "--phase", phase, "--file", str(file)],
                    env=env,
                    check=True,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
            except subprocess.CalledProcessError as exc:
                sys.stderr.write(exc.stderr or "")
                drop_database(base, phase)
                raise
            line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
            results[phase] = json.loads(line[len("RESULT ") :])
            drop_database(base, phase)
    imp, floor = results["import"], results["floor"]
    rows = floor["rows"]
    counts = imp["counts"]
    print(f"database: {engine}")
    print(
        f"import: {imp['seconds']:.2f} s, {rows / imp['seconds']:,.0f} residents/s, "
        f"peak RSS {imp['peak_rss_mb']:.0f} MB"
    )
    print(
        "  created: "
        + ", ".join(f"{kind} {n['created']:,}" for kind, n in counts.items())
        + f"; warnings listed {imp['warnings']}"
    )
    print(
        f"floor: {floor['seconds']:.2f} s (calamine read {floor['read']:.2f} s, insert ledger "
        f"{floor['insert_ledger']:.2f} s, insert history {floor['insert_history']:.2f} s), "
        f"{rows / floor['seconds']:,.0f} residents/s, peak RSS {floor['peak_rss_mb']:.0f} MB"
    )
    if "floor_copy" in results:
        fc = results["floor_copy"]
        print(
            f"floor with COPY (what the import uses on PostgreSQL): {fc['seconds']:.2f} s "
            f"(read {fc['read']:.2f} s, insert ledger {fc['insert_ledger']:.2f} s, insert "
            f"history {fc['insert_history']:.2f} s), peak RSS {fc['peak_rss_mb']:.0f} MB; "
            f"ratio to it: {imp['seconds'] / fc['seconds']:.2f}"
        )
    without_history = floor["seconds"] - floor["insert_history"]
    print(f"ratio to a floor without history rows: {imp['seconds'] / without_history:.2f}")
    print(f"ratio: {imp['seconds'] / floor['seconds']:.2f}")


if __name__ == "__main__":
    main()
