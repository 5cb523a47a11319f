"""Load benchmark of case submission and listing against gunicorn, with floors in the same run.

    python bench/cases_load.py [--seconds 5] [--clients 16] [--workers 4] [--sqlite]

1. A throwaway database — PostgreSQL ``linli_casesbench`` on the server of ``DATABASE_URL``
   (default postgres://postgres@127.0.0.1:5432/linli), or a temporary SQLite file with
   ``--sqlite`` — migrated and seeded through the services: a community, one compound of
   ``--households`` households in 邻 (every 三长 post held), 16 residents with a login each,
   an Open311 key, and the floor table ``bench_floor`` (raw SQL, indexed by household).
2. gunicorn serves ``linli.wsgi`` with ``bench/floor_settings.py`` (Linli's URLs plus the
   bench-only floor endpoints of ``bench/floor_urls.py``), LINLI_DEBUG=0, on 127.0.0.1.
3. This process (not the server's) runs 16 client threads with ``http.client``, each phase
   for ``--seconds`` (and at most ``--max-requests`` requests):
   - bare Django view (reference only),
   - floor insert: a minimal django-ninja endpoint validating the case-report body, one row,
     authenticated like the product API (session + CSRF, ``django_auth``),
   - case submit: ``POST /api/v1/cases/`` as the residents' phones do (session + CSRF,
     a fresh ``client_key`` each), the resident's own household,
   - Open311 submit: ``POST /open311/v2/requests.json`` (form, api_key, device_id) — printed
     for reference,
   - floor list: 20 rows by the indexed household column (session-authenticated too),
   - case list: ``GET /api/v1/cases/?household=ID&page_size=20`` as the resident.
4. Counts rows afterwards: every 201 is one case, no case twice, no lost submit.

Prints requests/s with p50/p99 latency per phase; the last line is
``ratio: <case submit throughput ÷ minimal insert throughput>``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
DB_NAME = "linli_casesbench"
CATEGORY = "neighbour_dispute"


# ---------------------------------------------------------------- database


def database_url(use_sqlite: bool, folder: Path) -> tuple[str, str | None]:
    if use_sqlite:
        return f"sqlite:///{folder / 'bench.sqlite3'}", None
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/linli"
    if not base.startswith("postgres"):
        raise SystemExit("DATABASE_URL must be PostgreSQL (or pass --sqlite)")
    parts = urllib.parse.urlsplit(base)
    return (
        urllib.parse.urlunsplit(parts._replace(path=f"/{DB_NAME}")),
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
    )


def recreate_pg(admin_url: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def seed(households: int, clients: int) -> dict:
    """Runs inside the child with Django set up: the world, through the services."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection

    from linli.accounts.models import Profile, Role
    from linli.cases.open311 import keys
    from linli.grid import services as grid
    from linli.grid.models import GridLevel
    from linli.ledger import services as ledger
    from linli.ledger.models import RegionLevel

    parent = None
    for name, level in (
        ("湖南省", RegionLevel.PROVINCE),
        ("衡阳市", RegionLevel.CITY),
        ("衡东县", RegionLevel.COUNTY),
    ):
        parent = ledger.region_ensure(name=name, level=level, parent=parent)
    town = ledger.region_ensure(name="洣水镇", level=RegionLevel.TOWN, parent=parent)
    community = ledger.region_ensure(name="兴东社区", level=RegionLevel.COMMUNITY, parent=town)
    compound = ledger.compound_create(community=community, name="粮站宿舍")
    area = grid.grid_create(community=community, level=GridLevel.AREA, name="第1片")
    group = grid.grid_create(community=community, level=GridLevel.GROUP, name="第1组", parent=area)
    user_model = get_user_model()
    homes, neighbour = [], None
    for i in range(households):
        if i % 13 == 0:
            neighbour = grid.grid_create(
                community=community,
                level=GridLevel.NEIGHBOUR,
                name=f"第{i // 13 + 1}邻",
                parent=group,
            )
        h = ledger.household_ensure(
            compound=compound,
            building=f"{i // 24 + 1}栋",
            unit="1单元",
            room=f"{i % 24 + 101}",
            area=Decimal("80.00"),
        )
        grid.household_assign(household=h, neighbour=neighbour)
        r = ledger.resident_save(household=h, name=f"居民{i}")
        if i % 13 == 0:
            leader = user_model.objects.create_user(f"linzhang{i}", password="x")
            Profile.objects.create(user=leader, role=Role.NEIGHBOUR_LEADER, region=community)
            grid.post_assign(grid=neighbour, resident=r, user=leader, reason="推选")
        homes.append(h)
    for g, name in ((group, "zuzhang"), (area, "pianzhang")):
        u = user_model.objects.create_user(name, password="x")
        level = Role.GROUP_LEADER if g is group else Role.AREA_LEADER
        Profile.objects.create(user=u, role=level, region=community)
        grid.post_assign(grid=g, resident=homes[0].residents.first(), user=u, reason="推选")
    residents = []
    for n in range(clients):
        u = user_model.objects.create_user(f"jumin{n}", password="bench-pass-1")
        Profile.objects.create(
            user=u, role=Role.RESIDENT, region=community, household=homes[n * 7 % households]
        )
        residents.append({"username": u.username, "household": homes[n * 7 % households].pk})
    _, raw_key = keys.key_issue(actor=None, name="bench")
    with connection.cursor() as cursor:
        pk = (
            "id INTEGER PRIMARY KEY AUTOINCREMENT"
            if connection.vendor == "sqlite"
            else "id BIGSERIAL PRIMARY KEY"
        )
        cursor.execute(
            f"CREATE TABLE bench_floor ({pk}, household_id BIGINT, category VARCHAR(40) NOT NULL,"
            " description TEXT NOT NULL, client_key VARCHAR(64), created TIMESTAMP NOT NULL)"
        )
        cursor.execute("CREATE INDEX bench_floor_household ON bench_floor (household_id, created)")
    return {"residents": residents, "api_key": raw_key}


def count_cases() -> dict:
    from django.db.models import Count

    from linli.cases.models import Case

    keyed = Case.objects.exclude(client_key=None)
    dup = keyed.values("reporter", "client_key").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        "cases": Case.objects.count(),
        "api_keys": list(
            Case.objects.filter(channel="resident").values_list("client_key", flat=True)
        ),
        "open311": Case.objects.filter(channel="open311").count(),
        "duplicated_keys": dup,
    }


# ---------------------------------------------------------------- HTTP


class Session:
    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        h = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            for value in r.headers.get_all("Set-Cookie") or []:
                m = re.match(r"([^=]+)=([^;]*)", value)
                if m:
                    self.cookies[m.group(1)] = m.group(2)
            return r.status, data
        finally:
            conn.close()

    def login(self, username, password):
        self.request("GET", "/login/")
        token = self.cookies["csrftoken"]
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        status, _ = self.request(
            "POST",
            "/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "/login/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed: {status}")


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def phase(name, sessions, make_request, seconds, max_requests, expect=(200, 201)):
    """Every client runs ``make_request(i, n, session)`` until time or count is up."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    per_client = max_requests // len(sessions)
    results: list[list] = [[] for _ in sessions]

    def run(i):
        mine, counts = [], {}
        n = 0
        while time.monotonic() < stop and n < per_client:
            t0 = time.perf_counter()
            status, data = make_request(i, n, sessions[i])
            mine.append(time.perf_counter() - t0)
            counts[status] = counts.get(status, 0) + 1
            results[i].append((status, data))
            n += 1
        with lock:
            latencies.extend(mine)
            for k, v in counts.items():
                statuses[k] = statuses.get(k, 0) + v

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    rps = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    bad = {k: v for k, v in statuses.items() if k not in expect}
    print(
        f"{name:<16} {len(latencies):>6} req {rps:>8.1f} req/s  p50 {p50:6.1f} ms  "
        f"p99 {p99:6.1f} ms" + (f"  unexpected statuses {bad}" if bad else ""),
        flush=True,
    )
    return {"rps": rps, "p50": p50, "p99": p99, "statuses": statuses, "results": results}


# ---------------------------------------------------------------- main


def child(action: str, households: int, clients: int) -> None:
    import django

    django.setup()
    out = seed(households, clients) if action == "seed" else count_cases()
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--households", type=int, default=130)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite file instead of PostgreSQL")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--child", choices=["seed", "count"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.households, args.clients)
        return

    folder = Path(tempfile.mkdtemp(prefix="linli-casesbench-"))
    url, admin = database_url(args.sqlite, folder)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LINLI_DATA_DIR": str(folder),
        "LINLI_DEBUG": "0",
        "LINLI_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "LINLI_PII_KEY": "YmVuY2gtb25seS1waWkta2V5LTMyLWJ5dGVzLXh4eHg=",
        "LINLI_PII_HASH_KEY": "YmVuY2gtb25seS1oYXNoLWtleS0zMi1ieXRlcy14eHg=",
        "DJANGO_SETTINGS_MODULE": "floor_settings",
        "PYTHONPATH": f"{BENCH}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    env.pop("CELERY_BROKER_URL", None)
    bin_dir = Path(sys.executable).parent
    server = None
    try:
        if admin:
            recreate_pg(admin)
        subprocess.run([bin_dir / "linli", "migrate", "-v0"], env=env, check=True)
        seeded = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child", "seed", "--households", str(args.households),
                 "--clients", str(args.clients)],
                env=env, check=True, stdout=subprocess.PIPE, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        port = args.port
        if not port:
            with socket.socket() as s:
                s.bind((HOST, 0))
                port = s.getsockname()[1]
        server = subprocess.Popen(
            [bin_dir / "gunicorn", "linli.wsgi:application", "--bind", f"{HOST}:{port}",
             "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "warning",
             "--chdir", str(ROOT), "--backlog", "256"],
            env=env, start_new_session=True,
        )  # fmt: skip
        wait_for(port)
        engine = "SQLite" if args.sqlite else "PostgreSQL"
        print(
            f"Linli cases load: {engine}, gunicorn {args.workers} sync workers, "
            f"{args.clients} clients on {HOST}, {args.seconds:g} s per phase, "
            f"{os.cpu_count()} CPUs",
            flush=True,
        )
        residents = seeded["residents"]
        sessions = [Session(port) for _ in range(args.clients)]
        for s, r in zip(sessions, residents, strict=True):
            s.login(r["username"], "bench-pass-1")
        run_id = f"{time.time_ns():x}"
        json_h = {"Content-Type": "application/json"}
        form_h = {"Content-Type": "application/x-www-form-urlencoded"}

        def api_headers(s):
            return {**json_h, "X-CSRFToken": s.cookies["csrftoken"], "Referer": "/"}

        def case_body(i, n):
            return {
                "category": CATEGORY,
                "household": residents[i]["household"],
                "description": f"楼上夜里噪音，第 {n} 次反映（客户端 {i}）",
                "urgency": "normal",
                "client_key": f"b{run_id}-{i}-{n}",
            }

        sp = args.seconds, args.max_requests
        figures = {}
        figures["bare"] = phase(
            "bare view", sessions, lambda i, n, s: s.request("GET", "/bench/bare"), *sp
        )
        figures["floor_insert"] = phase(
            "floor insert",
            sessions,
            lambda i, n, s: s.request(
                "POST", "/bench/floor/insert", json.dumps(case_body(i, n)), api_headers(s)
            ),
            *sp,
        )
        figures["submit"] = phase(
            "case submit",
            sessions,
            lambda i, n, s: s.request(
                "POST", "/api/v1/cases/", json.dumps(case_body(i, n)), api_headers(s)
            ),
            *sp,
            expect=(201,),
        )
        figures["open311"] = phase(
            "open311 submit",
            sessions,
            lambda i, n, s: s.request(
                "POST",
                "/open311/v2/requests.json",
                urllib.parse.urlencode(
                    {
                        "api_key": seeded["api_key"],
                        "service_code": CATEGORY,
                        "address_id": f"H{residents[i]['household']}",
                        "description": f"楼道堆物，第 {n} 次（设备 {i}）",
                        "device_id": f"dev-{run_id}-{i}-{n}",
                    }
                ),
                form_h,
            ),
            *sp,
            expect=(201,),
        )
        figures["floor_list"] = phase(
            "floor list",
            sessions,
            lambda i, n, s: s.request(
                "GET", f"/bench/floor/list?household={residents[i]['household']}"
            ),
            *sp,
        )
        figures["list"] = phase(
            "case list",
            sessions,
            lambda i, n, s: s.request(
                "GET", f"/api/v1/cases/?household={residents[i]['household']}&page_size=20"
            ),
            *sp,
        )
        listed = [
            len(json.loads(d)["items"]) for rs in figures["list"]["results"] for st, d in rs[:1]
        ]
        counts = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child", "count"],
                env=env, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        created = figures["submit"]["statuses"].get(201, 0)
        sent = {
            case_body(i, n)["client_key"]
            for i, rs in enumerate(figures["submit"]["results"])
            for n, (st, _) in enumerate(rs)
            if st == 201
        }
        stored = counts["api_keys"]
        o311 = figures["open311"]["statuses"].get(201, 0)
        print(
            f"check: {created} submits answered 201, {len(stored)} case rows with their keys "
            f"({len(set(stored))} distinct, {len(sent - set(stored))} lost, "
            f"{counts['duplicated_keys']} duplicated); open311 201s {o311}, rows "
            f"{counts['open311']}; case list pages of {min(listed)}–{max(listed)} rows"
        )
        ok = (
            set(stored) == sent
            and len(stored) == created
            and counts["open311"] == o311
            and counts["duplicated_keys"] == 0
        )
        print(f"no lost or duplicated case: {'yes' if ok else 'NO'}")
        sub, ins = figures["submit"], figures["floor_insert"]
        lst, flo = figures["list"], figures["floor_list"]
        print(
            f"submit/floor {sub['rps'] / ins['rps']:.2f}, list/floor {lst['rps'] / flo['rps']:.2f}"
            f" (aim ≥ 0.50); p99 submit {sub['p99']:.0f} ms, list {lst['p99']:.0f} ms"
            " (aim < 100 ms)"
        )
        print(f"ratio: {sub['rps'] / ins['rps']:.2f}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        if admin:
            recreate_pg(admin, drop_only=True)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
