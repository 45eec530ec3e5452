"""Benchmark: the enterprise list API (`GET /api/enterprises/`) at scale, against its own SQL.

    .venv/bin/python bench/enterprise_list.py --enterprises 100000 [--requests 200] [--explain] [--sql]

Generates the bench world first when the database holds fewer bench enterprises than asked
(see bench/generate.py; the database is DATABASE_URL's, default SQLite var/anjian.sqlite3).

Cases, all as users of the bench county (昆山市 320583, 30% of the enterprises):

  a  bureau officer, first page, ?region=<county>&sector=textile
  b  the same list, a deep page: `next` followed 20 times, then that page's URL requested again
  c  department officer (工业和信息化局: machinery, light industry, textile, building materials),
     first page, no filter: the scope itself is region subtree + sectors
  d  (extra) bureau officer, first page, ?region=<county>&sector=fireworks: a rare sector (1%),
     where a plan that walks the primary key backwards must skip the most rows
  e  (extra) bureau officer, first page, no filter: the list as it first opens (scope only)

For each case the request is timed with django.test.Client (force_login; time.perf_counter around
client.get, so URL routing, middleware, session, auth, filtering, the queries, serialization and
JSON rendering are all in it). Then every SQL statement that request ran is captured (with its
parameters, through connection.execute_wrapper) and replayed K times on the driver's own cursor
(connection.create_cursor(): no Django wrapper, no model instances), both all statements in
order ("raw all") and the page query alone ("raw page"). Ratios are ours / raw at p50 and p95.

Single-threaded, DEBUG off (ANJIAN_DEBUG=0 unless set), warm-up before every timed loop, no
asserts on timing. The test client does not close the connection after a request (the real
handler does when CONN_MAX_AGE=0, which is the SQLite setting), so on SQLite these figures leave
out one connection open per request.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py, next to this file)

WARMUP = 20
DEEP_PAGES = 20


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Captured:
    """Records (sql, params, many) of every statement Django sends to the driver."""

    def __init__(self):
        self.statements: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def get_ok(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    return response


def is_page_query(sql: str) -> bool:
    return 'FROM "enterprises_enterprise"' in sql and "LIMIT" in sql


def replay(cur, raw_conn, statements) -> None:
    for sql, params, many in statements:
        if many:
            cur.executemany(sql, params)
        else:
            cur.execute(sql, params)
        if cur.description is not None:
            cur.fetchall()
    # SQLite: Django opens its atomic blocks with an explicit BEGIN, captured above, and commits
    # on the connection (not a statement); do the same. PostgreSQL runs these in autocommit.
    if getattr(raw_conn, "in_transaction", False):
        raw_conn.commit()


def time_raw(statements, k: int) -> list[float]:
    from django.db import connection

    connection.ensure_connection()
    raw_conn = connection.connection
    cur = connection.create_cursor()
    try:
        for _ in range(WARMUP):
            replay(cur, raw_conn, statements)
        out = []
        for _ in range(k):
            t0 = time.perf_counter()
            replay(cur, raw_conn, statements)
            out.append((time.perf_counter() - t0) * 1000)
        return out
    finally:
        cur.close()


def run_case(client, url: str, k: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        get_ok(client, url)

    captured = Captured()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(captured):
        response = get_ok(client, url)
    logged = [q["sql"] for q in ctx.captured_queries]  # now: the next request clears the log
    body = response.json()
    statements = captured.statements
    page = [s for s in statements if is_page_query(s[0])]
    if len(page) != 1:
        raise SystemExit(f"expected one page query for {url}, found {len(page)}")

    ours = []
    for _ in range(k):
        t0 = time.perf_counter()
        get_ok(client, url)
        ours.append((time.perf_counter() - t0) * 1000)

    raw_all = time_raw(statements, k)
    raw_page = time_raw(page, k)
    return {
        "url": url,
        "rows": len(body["results"]),
        "queries": len(logged),
        "sql": logged,
        "page": page[0],
        "ours": ours,
        "raw_all": raw_all,
        "raw_page": raw_page,
    }


def deep_url(client, url: str, pages: int) -> tuple[str, int]:
    """Follow `next` up to ``pages`` times; returns the URL reached and its page number."""
    page = 1
    while page <= pages:
        nxt = get_ok(client, url).json()["next"]
        if not nxt:  # a small data set: stay on the last page
            break
        url, page = path_of(nxt), page + 1
    return url, page


def explain(statement) -> str:
    from django.db import connection

    sql, params, _many = statement
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cur:
        cur.execute(prefix + sql, params)
        rows = cur.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(r[0] for r in rows)
    return "\n".join(str(r[-1]) for r in rows)  # EXPLAIN QUERY PLAN: the detail column


def describe_db() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            version = "PostgreSQL " + cur.fetchone()[0]
        else:
            cur.execute("select sqlite_version()")
            version = "SQLite " + cur.fetchone()[0]
    return f"{version} ({connection.settings_dict['NAME']})"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Time GET /api/enterprises/ against its own SQL.")
    parser.add_argument("--enterprises", type=int, default=100_000, help="generate bench data up to this many")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    parser.add_argument("--explain", action="store_true", help="print each case's page query plan")
    parser.add_argument("--sql", action="store_true", help="print the statements each case runs")
    args = parser.parse_args(argv)

    generate.setup_django()
    from django.conf import settings
    from django.test import Client

    from anjian.enterprises.models import Enterprise, EnterpriseSector

    officer, dept = generate.ensure(args.enterprises)
    county = generate.BENCH_COUNTY

    officer_client, dept_client = Client(), Client()
    officer_client.force_login(officer)
    dept_client.force_login(dept)

    url_a = "/api/enterprises/?" + urlencode({"region": county, "sector": "textile"})
    url_d = "/api/enterprises/?" + urlencode({"region": county, "sector": "fireworks"})
    url_b, deep_page = deep_url(officer_client, url_a, DEEP_PAGES)
    cases = [
        ("a", "bureau officer, county + sector=textile, page 1", officer_client, url_a),
        ("b", f"bureau officer, same filter, page {deep_page} (cursor)", officer_client, url_b),
        ("c", "department officer (4 sectors), page 1", dept_client, "/api/enterprises/"),
        ("d", "bureau officer, county + sector=fireworks, page 1 (extra)", officer_client, url_d),
        ("e", "bureau officer, no filter (scope only), page 1 (extra)", officer_client, "/api/enterprises/"),
    ]

    bench_total = generate.bench_enterprises().count()
    print()
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(f"machine   {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python    {platform.python_version()}, Django {__import__('django').get_version()}, "
          f"DEBUG={settings.DEBUG}")
    print(f"database  {describe_db()}")
    print(f"data      {Enterprise.objects.count()} enterprises ({bench_total} bench), "
          f"{EnterpriseSector.objects.count()} sector rows; county {county}: "
          f"{Enterprise.objects.filter(region_code__startswith=county).count()} enterprises")
    print(f"timing    {args.requests} requests per case after {WARMUP} warm-up; ms; "
          "raw = the same statements on the driver cursor")
    print()

    results = []
    for key, label, client, url in cases:
        print(f"running {key}: {label} ...", flush=True)
        results.append((key, label, run_case(client, url, args.requests)))

    print()
    head = (f"{'case':<4} {'rows':>4} {'q/req':>5} | {'ours p50':>8} {'p95':>7} {'p99':>7} {'max':>7} | "
            f"{'raw-all p50':>11} {'p95':>6} | {'ours/raw p50':>12} {'p95':>5} | "
            f"{'raw-page p50':>12} {'p95':>6} | {'ours/page p50':>13} {'p95':>6}")
    print(head)
    print("-" * len(head))
    for key, _label, r in results:
        o50, o95, o99, omax = pct(r["ours"], 50), pct(r["ours"], 95), pct(r["ours"], 99), max(r["ours"])
        a50, a95 = pct(r["raw_all"], 50), pct(r["raw_all"], 95)
        p50, p95 = pct(r["raw_page"], 50), pct(r["raw_page"], 95)
        print(f"{key:<4} {r['rows']:>4} {r['queries']:>5} | {o50:>8.2f} {o95:>7.2f} {o99:>7.2f} {omax:>7.2f} | "
              f"{a50:>11.2f} {a95:>6.2f} | {o50 / a50:>11.1f}x {o95 / a95:>4.1f}x | "
              f"{p50:>12.2f} {p95:>6.2f} | {o50 / p50:>12.1f}x {o95 / p95:>5.1f}x")
    print()
    for key, label, r in results:
        print(f"{key}: {label}\n   {r['url']}")
    print("q/req: statements connection.queries logs per request (SELECTs, and the session UPDATE with its")
    print("BEGIN/COMMIT). raw-all: all of them replayed on the driver cursor; raw-page: the page query alone.")
    print("target: ours p95 < 50 ms and ours/raw < 3x")

    if args.sql:
        for key, _label, r in results:
            print(f"\n--- {key}: {r['queries']} statements")
            for i, sql in enumerate(r["sql"], 1):
                print(f"{i:>2}. {sql}")
    if args.explain:
        for key, _label, r in results:
            print(f"\n--- {key}: page query plan\n{explain(r['page'])}")


if __name__ == "__main__":
    main()
