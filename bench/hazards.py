"""Benchmark: the hazard ledger API, the jurisdiction counters and the deadline scan at scale.

    .venv/bin/python bench/hazards.py --enterprises 200000 --hazards 2000000 --overdue 20000
        [--requests 200] [--explain] [--sql] [--no-scan] [--today YYYY-MM-DD]

Generates the bench world first when the database holds fewer bench hazards than asked (see
bench/generate_hazards.py, which builds on bench/generate.py; the database is DATABASE_URL's,
default SQLite var/anjian.sqlite3; on SQLite the defaults are 200,000 hazards and 2,000 overdue).

1. The deadline scan, ``anjian.hazards.scan.scan_deadlines(today=...)``, first, because it sets
   ``is_overdue`` on the overdue hazards, which the ledger's ``?overdue=true`` filter then reads.
   Before it, the scan's traces from any earlier run are removed: HazardReminder rows of bench
   hazards, the ``hazard.reminder.*`` notifications of bench users, the ``overdue`` HazardEvents,
   ``is_overdue`` and the gauges' ``overdue`` counts (all 0 as generated). Then the first run (sends
   every reminder) and a second run (must send none) are timed with ``time.perf_counter``; every
   statement each run sends is timed through ``connection.execute_wrapper`` (driver + database
   time, by statement kind). The candidate selection (the ``deadline <= today + reach`` and
   ``next_checkin_due <= today`` queries the scan starts with) is replayed alone on the driver's
   cursor: that is the scan's "raw" figure.
2. ``GET /api/hazards/`` as the county bureau officer (``bench_officer``, 昆山市 320583, 30% of the
   hazards) and the province bureau officer (``bench_prov_officer``, 江苏省 320000: every bench
   hazard): page 1 and page 21 (``next`` followed 20 times, then that URL requested repeatedly),
   with no filter, with ``?state=open&grade=major`` and with ``?overdue=true``.
3. ``GET /api/hazards/counters/`` (from the HazardMonthly / HazardGauge rollups) for the county,
   the province, and two extras (the province officer narrowed to the county with ``?region=``,
   the county since a month eleven months back with ``?since=``).

Requests are timed as in bench/enterprise_list.py (whose helpers this imports): django.test.Client
with force_login, 20 warm-up requests, K timed requests; every statement of one request is
captured with its parameters and replayed K times on ``connection.create_cursor()`` ("raw all"),
and the main query alone ("raw main": the page query for the list, the two rollup sums for the
counters). Single-threaded, DEBUG off, no asserts on timing: targets are printed beside the figures.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import enterprise_list as el  # noqa: E402  (the request-timing helpers)
import generate  # noqa: E402
import generate_hazards as gh  # noqa: E402

DEEP_PAGES = 20
LIST_TARGET_MS = 80
COUNTERS_TARGET_MS = 50
SCAN_TARGET_S = 5.0


# --- requests -----------------------------------------------------------------------------------------


def is_list_page(sql: str) -> bool:
    return 'FROM "hazards_hazard"' in sql and "LIMIT" in sql


def is_rollup_sum(sql: str) -> bool:
    return '"hazards_hazardmonthly"' in sql or '"hazards_hazardgauge"' in sql


def run_case(client, url: str, k: int, is_main) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(el.WARMUP):
        el.get_ok(client, url)

    captured = el.Captured()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(captured):
        response = el.get_ok(client, url)
    logged = [q["sql"] for q in ctx.captured_queries]
    body = response.json()
    statements = captured.statements
    main = [s for s in statements if is_main(s[0])]
    if not main:
        raise SystemExit(f"no main query found for {url}")

    ours = []
    for _ in range(k):
        t0 = time.perf_counter()
        el.get_ok(client, url)
        ours.append((time.perf_counter() - t0) * 1000)
    return {
        "url": url,
        "rows": len(body["results"]) if isinstance(body, dict) and "results" in body else 1,
        "body": body,
        "queries": len(logged),
        "sql": logged,
        "main": main,
        "ours": ours,
        "raw_all": el.time_raw(statements, k),
        "raw_main": el.time_raw(main, k),
    }


def print_request_table(results) -> None:
    pct = el.pct
    head = (f"{'case':<4} {'rows':>4} {'q/req':>5} | {'ours p50':>8} {'p95':>7} {'p99':>7} {'max':>7} | "
            f"{'raw-all p50':>11} {'p95':>6} | {'ours/raw p50':>12} {'p95':>5} | "
            f"{'raw-main p50':>12} {'p95':>7} | target p95")
    print(head)
    print("-" * len(head))
    for key, _label, target, r in results:
        o50, o95, o99, omax = pct(r["ours"], 50), pct(r["ours"], 95), pct(r["ours"], 99), max(r["ours"])
        a50, a95 = pct(r["raw_all"], 50), pct(r["raw_all"], 95)
        m50, m95 = pct(r["raw_main"], 50), pct(r["raw_main"], 95)
        verdict = "met" if o95 <= target else "MISSED"
        print(f"{key:<4} {r['rows']:>4} {r['queries']:>5} | {o50:>8.2f} {o95:>7.2f} {o99:>7.2f} {omax:>7.2f} | "
              f"{a50:>11.2f} {a95:>6.2f} | {o50 / a50:>11.1f}x {o95 / a95:>4.1f}x | "
              f"{m50:>12.2f} {m95:>7.2f} | {target} ms {verdict}")


# --- the scan -------------------------------------------------------------------------------------------


class Timed:
    """execute_wrapper that keeps (sql, params, many, seconds) of every statement."""

    def __init__(self):
        self.statements: list[tuple[str, object, bool, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, many, time.perf_counter() - t0))


def _kind(sql: str) -> str:
    """'SELECT hazards_hazard' etc.: the verb and the first table named."""
    words = sql.split()
    verb = words[0].upper() if words else "?"
    table = ""
    for marker in ("FROM", "INTO", "UPDATE"):
        if marker in words:
            nxt = words[words.index(marker) + 1] if words.index(marker) + 1 < len(words) else ""
            table = nxt.strip('"')
            break
    return f"{verb} {table}".strip()


def _bench_cond() -> tuple[str, list]:
    low, high = generate.subtree_bounds()
    if high is None:
        return "region_code >= %s", [low]
    return "region_code >= %s AND region_code < %s", [low, high]


def reset_scan(out=print) -> None:
    """Undo what a scan did to the bench data (as generated: nothing flagged, nothing sent)."""
    from django.db import connection, transaction

    from anjian.accounts.models import User
    from anjian.core.models import Notification
    from anjian.hazards.models import Hazard, HazardEvent, HazardGauge, HazardReminder

    qn = connection.ops.quote_name
    cond, params = _bench_cond()
    hazard_t = qn(Hazard._meta.db_table)
    bench = f"SELECT id FROM {hazard_t} WHERE {cond}"
    started = time.perf_counter()
    counts = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {qn(HazardReminder._meta.db_table)} WHERE hazard_id IN ({bench})", params)
        counts["reminders"] = cur.rowcount
        cur.execute(
            f"DELETE FROM {qn(Notification._meta.db_table)} WHERE kind LIKE %s AND recipient_id IN "
            f"(SELECT id FROM {qn(User._meta.db_table)} WHERE username LIKE %s)",
            ["hazard.reminder.%", "bench%"],
        )
        counts["notifications"] = cur.rowcount
        cur.execute(f"DELETE FROM {qn(HazardEvent._meta.db_table)} WHERE action = %s AND hazard_id IN ({bench})",
                    ["overdue", *params])
        counts["overdue events"] = cur.rowcount
        cur.execute(f"UPDATE {hazard_t} SET is_overdue = %s WHERE is_overdue AND {cond}", [False, *params])
        counts["is_overdue cleared"] = cur.rowcount
        cur.execute(f"UPDATE {qn(HazardGauge._meta.db_table)} SET overdue = 0 WHERE overdue <> 0 AND {cond}",
                    params)
        counts["gauge rows"] = cur.rowcount
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for model in (HazardReminder, Notification, HazardEvent, Hazard, HazardGauge):
                cur.execute(f"VACUUM ANALYZE {qn(model._meta.db_table)}")
    out("reset before the scan: " + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f" ({time.perf_counter() - started:.1f}s)")


def scan_candidates(today: datetime.date) -> dict:
    from anjian.hazards.choices import DEADLINE_STATES
    from anjian.hazards.scan import policy

    reach = today + datetime.timedelta(days=max(policy().before_days))
    open_deadline = gh.bench_hazards().filter(state__in=sorted(DEADLINE_STATES))
    return {
        "in_reach": open_deadline.filter(deadline__lte=reach).count(),
        "overdue_unflagged": open_deadline.filter(deadline__lt=today, is_overdue=False).count(),
        "checkins_due": open_deadline.filter(state="temporary_control", next_checkin_due__lte=today).count(),
        "reach": reach,
    }


def timed_scan(today: datetime.date) -> dict:
    from django.db import connection

    from anjian.hazards.scan import scan_deadlines

    timed = Timed()
    with connection.execute_wrapper(timed):
        t0 = time.perf_counter()
        result = scan_deadlines(today=today)
        seconds = time.perf_counter() - t0
    return {"result": result, "seconds": seconds, "statements": timed.statements}


def is_candidate_query(sql: str) -> bool:
    return ('FROM "hazards_hazard"' in sql and "FOR UPDATE" not in sql
            and ('"deadline" <=' in sql or '"next_checkin_due" <=' in sql))


def print_scan(runs, candidates, raw_candidates, today) -> None:
    pct = el.pct
    print(f"scan day {today}; reach {candidates['reach']}; bench hazards in a deadline state with the deadline in "
          f"reach: {candidates['in_reach']}, of them overdue and not flagged: {candidates['overdue_unflagged']}; "
          f"check-ins due: {candidates['checkins_due']}")
    head = (f"{'run':<7} {'seconds':>8} | {'examined':>8} {'reminders':>9} {'notifs':>7} {'overdue':>7} "
            f"{'retried':>7} | {'stmts':>6} {'in-driver s':>11} {'python s':>8} | target")
    print(head)
    print("-" * len(head))
    for name, run in runs:
        r = run["result"]
        in_db = sum(s[3] for s in run["statements"])
        verdict = "met" if run["seconds"] <= SCAN_TARGET_S else "MISSED"
        print(f"{name:<7} {run['seconds']:>8.2f} | {r.examined:>8} {r.reminders:>9} {r.notifications:>7} "
              f"{r.newly_overdue:>7} {r.retried_chunks:>7} | {len(run['statements']):>6} {in_db:>11.2f} "
              f"{run['seconds'] - in_db:>8.2f} | {SCAN_TARGET_S:.0f} s {verdict}")
    for name, run in runs:
        print(f"{name}: stages {dict(run['result'].stages)}")
        groups: dict[str, list[float]] = defaultdict(list)
        for sql, _params, _many, sec in run["statements"]:
            groups[_kind(sql)].append(sec)
        top = sorted(groups.items(), key=lambda kv: -sum(kv[1]))[:10]
        print("   statements by kind (count, total s): "
              + "; ".join(f"{k} {len(v)} {sum(v):.2f}" for k, v in top))
    for i, (sql, times) in enumerate(raw_candidates, 1):
        print(f"candidate query {i} (raw cursor, ms): p50 {pct(times, 50):.2f}  p95 {pct(times, 95):.2f}  "
              f"max {max(times):.2f}\n   {sql[:300]}")


# --- main -----------------------------------------------------------------------------------------------


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Time the hazard list, counters and deadline scan.")
    parser.add_argument("--enterprises", type=int, default=200_000, help="generate bench enterprises up to this many")
    parser.add_argument("--hazards", type=int, default=None,
                        help="generate bench hazards up to this many (default 2,000,000 PostgreSQL, 200,000 SQLite)")
    parser.add_argument("--overdue", type=int, default=None,
                        help="overdue hazards when generating (default 20,000 PostgreSQL, 2,000 SQLite)")
    parser.add_argument("--enterprise-users", type=int, default=3000, help="enterprises with user accounts")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per case")
    parser.add_argument("--scan-raw", type=int, default=50, help="raw replays of the scan's candidate queries")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                        help="the scan's day (default: today)")
    parser.add_argument("--no-scan", action="store_true", help="skip the deadline scan")
    parser.add_argument("--stale-stats", action="store_true",
                        help="PostgreSQL: do not ANALYZE the hazard table after the scan flagged the overdue rows")
    parser.add_argument("--explain", action="store_true",
                        help="print the plans of the page queries, the rollup sums and the scan's candidate queries")
    parser.add_argument("--sql", action="store_true", help="print the statements each case runs")
    args = parser.parse_args(argv)

    gh.setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from anjian.enterprises.models import Enterprise
    from anjian.hazards.models import Hazard, HazardGauge, HazardMonthly

    users = gh.ensure(args.enterprises, args.hazards, args.overdue, enterprise_users=args.enterprise_users,
                      out=lambda *a: print(*a, flush=True))
    county = generate.BENCH_COUNTY
    today = args.today or timezone.localdate()

    print()
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(f"machine   {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python    {platform.python_version()}, Django {__import__('django').get_version()}, "
          f"DEBUG={settings.DEBUG}")
    print(f"database  {el.describe_db()}")
    bench_total = gh.bench_hazards().count()
    print(f"data      {Enterprise.objects.count()} enterprises, {Hazard.objects.count()} hazards "
          f"({bench_total} bench); "
          f"county {county}: {Hazard.objects.filter(region_code__startswith=county).count()} hazards; "
          f"{HazardMonthly.objects.count()} monthly + {HazardGauge.objects.count()} gauge rollup rows")
    print()

    # 1. the scan
    if not args.no_scan:
        print("--- deadline scan", flush=True)
        reset_scan()
        candidates = scan_candidates(today)
        first = timed_scan(today)
        second = timed_scan(today)
        found = [s for s in first["statements"] if is_candidate_query(s[0])]
        raw_candidates = [(s[0], el.time_raw([s[:3]], args.scan_raw)) for s in found]
        print()
        print_scan([("first", first), ("second", second)], candidates, raw_candidates, today)
        if args.explain:
            for sql, params, many, _sec in found:
                print(f"\n--- scan candidate query plan\n{el.explain((sql, params, many))}")
            chunk_q = [s for s in first["statements"] if 'FROM "hazards_hazard"' in s[0] and "FOR UPDATE" in s[0]]
            if chunk_q:
                print(f"\n--- scan chunk query plan (the first of {len(chunk_q)})\n{el.explain(chunk_q[0][:3])}")
        print(flush=True)
        if connection.vendor == "postgresql" and not args.stale_stats:
            # The scan just flagged ~1% of the table; autovacuum would not re-analyze for that (its
            # threshold is 10% of the rows changed), but in a running system the statistics have long
            # seen a steady ~1% of is_overdue rows. Without this the planner believes no row is
            # flagged and reads ?overdue=true by a sequential scan (see --stale-stats).
            t0 = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {connection.ops.quote_name(Hazard._meta.db_table)}")
            print(f"ANALYZE hazards_hazard after the scan: {time.perf_counter() - t0:.1f}s")
    print(f"hazards flagged overdue now: {gh.bench_hazards().filter(is_overdue=True).count()}")

    # 2. and 3. the requests
    county_client, prov_client = Client(), Client()
    county_client.force_login(users[generate.OFFICER])
    prov_client.force_login(users[gh.PROVINCE_OFFICER])

    major = "/api/hazards/?" + urlencode({"state": "open", "grade": "major"})
    overdue = "/api/hazards/?overdue=true"
    since = today.replace(day=1)
    for _ in range(11):
        since = (since - datetime.timedelta(days=1)).replace(day=1)
    list_cases = []
    for prefix, who, client in (("c", "county officer", county_client), ("p", "province officer", prov_client)):
        for n, (name, url) in enumerate((("no filter", "/api/hazards/"), ("state=open&grade=major", major),
                                         ("overdue=true", overdue)), 1):
            deep, page = el.deep_url(client, url, DEEP_PAGES)
            list_cases.append((f"{prefix}{n}", f"{who}, {name}, page 1", client, url))
            list_cases.append((f"{prefix}{n}d", f"{who}, {name}, page {page} (cursor)", client, deep))
    counter_cases = [
        ("k1", "county officer: the county", county_client, "/api/hazards/counters/"),
        ("k2", "province officer: the province", prov_client, "/api/hazards/counters/"),
        ("k3", f"province officer, ?region={county} (extra)", prov_client, f"/api/hazards/counters/?region={county}"),
        ("k4", f"county officer, ?since={since} (extra)", county_client, f"/api/hazards/counters/?since={since}"),
    ]

    print(f"timing    {args.requests} requests per case after {el.WARMUP} warm-up; ms; "
          "raw = the same statements on the driver cursor", flush=True)
    list_results, counter_results = [], []
    for key, label, client, url in list_cases:
        print(f"running {key}: {label} ...", flush=True)
        list_results.append((key, label, LIST_TARGET_MS, run_case(client, url, args.requests, is_list_page)))
    for key, label, client, url in counter_cases:
        print(f"running {key}: {label} ...", flush=True)
        counter_results.append((key, label, COUNTERS_TARGET_MS, run_case(client, url, args.requests, is_rollup_sum)))

    print("\nGET /api/hazards/ (raw-main: the page query)")
    print_request_table(list_results)
    print("\nGET /api/hazards/counters/ (raw-main: the HazardMonthly and HazardGauge sums)")
    print_request_table(counter_results)
    print()
    for key, label, _t, r in list_results + counter_results:
        print(f"{key}: {label}\n   {r['url']}")
    for key, _label, _t, r in counter_results:
        print(f"{key} answer: {r['body']}")
    print("q/req: statements connection.queries logs per request. raw-all: all of them replayed on the driver")
    print("cursor; raw-main: the page query (list) or the two rollup sums (counters) alone.")

    if args.sql:
        for key, _label, _t, r in list_results + counter_results:
            print(f"\n--- {key}: {r['queries']} statements")
            for i, sql in enumerate(r["sql"], 1):
                print(f"{i:>2}. {sql}")
    if args.explain:
        for key, _label, _t, r in list_results + counter_results:
            for statement in r["main"]:
                print(f"\n--- {key}: plan\n{el.explain(statement)}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE relname = %s "
                        "ORDER BY indexrelname", [Hazard._meta.db_table])
            print("\nhazards_hazard index scans since the statistics were reset: "
                  + ", ".join(f"{name} {n}" for name, n in cur.fetchall()))


if __name__ == "__main__":
    main()
