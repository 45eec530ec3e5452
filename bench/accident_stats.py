"""Benchmark: accident statistics, the monthly circular, target progress and the accident ledger for a city
bureau over six counties.

    .venv/bin/python bench/accident_stats.py [--enterprises 60000] [--accidents 40000] [--runs 20]

It builds its own data set on the configured database (``DATABASE_URL``; run it on a database of its own), once; a
second run reuses it:

* the bench world of bench/generate.py (江苏省 / 苏州市, six counties, 15 townships each, the bureaus and
  departments) with N enterprises;
* the city bureau's officer ``bench_city_accidents`` (bureau_officer of 苏州市应急管理局: every county);
* M accidents over this year and last year (95% accidents, 5% near misses), at random bench enterprises, with
  deaths / injuries / loss drawn so that ~1% are 较大 and the rest 一般, graded by ``grading.grade_of`` as the
  services grade (rows by ``bulk_create``: a bench, not a user write — no services, no audit events);
* control targets for the city, each county and each county's construction sector this year (13 targets).

M = 40,000 is far more than any Chinese province records in two years; it is the worst case for the GROUP BY
queries. Then, as the city officer, after 3 warm-up calls, K runs each (``--runs``): ``stats.figures`` by region,
sector, type and grade; the statistics page (``GET /accidents/statistics/``); ``circular.circular_data`` and the PDF;
``targets.target_progress``; and the ledger's first page (``GET /accidents/``). Figures: p50 / p95 / max in ms,
server side (``django.test.Client``), single-threaded, DEBUG off, no asserts on timing.

Figures: see bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import enterprise_list as el  # noqa: E402  (timing helpers)
import generate  # noqa: E402  (setup, the bench world)

CITY_USER = "bench_city_accidents"
NUMBER_PREFIX = "SGBENCH"
TYPES = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "15"]


def ensure_city_user(authorities: dict):
    from anjian.accounts.models import User

    bureau = authorities[(generate.CITY[0], generate.BUREAU_NAME.format(generate.CITY[1]))]
    user = User.objects.filter(username=CITY_USER).first()
    if user is None:
        user = User(username=CITY_USER, full_name="基准市局执法人员", role="bureau_officer", authority=bureau)
        user.set_unusable_password()
        user.save()
    return user


def ensure_accidents(count: int, rng: random.Random, out=print) -> int:
    from django.db import connection
    from django.utils import timezone

    from anjian.accidents.grading import grade_of
    from anjian.accidents.models import Accident

    have = Accident.objects.filter(number__startswith=NUMBER_PREFIX).count()
    if have >= count:
        out(f"bench accidents: {have} already there")
        return have
    enterprises = list(generate.bench_enterprises().values_list("id", "region_code"))
    sectors = dict(
        generate.bench_enterprises().filter(sector_links__isnull=False).values_list("id", "sector_links__sector")
    )
    now = timezone.now()
    start = datetime.datetime(now.year - 1, 1, 1, tzinfo=now.tzinfo)
    span = (now - start).total_seconds() - 3600
    rows = []
    t0 = time.perf_counter()
    for serial in range(have, count):
        ent_id, region_code = rng.choice(enterprises)
        near = rng.random() < 0.05
        deaths = 0 if near else rng.choices([0, 1, 2, 3, 4], weights=[55, 35, 9, 0.7, 0.3])[0]
        serious = rng.choices([0, 1, 2, 5], weights=[60, 30, 9, 1])[0]
        minor = rng.randint(0, 3)
        loss = Decimal(rng.choice([5000, 20000, 80000, 150000, 600000, 1200000]))
        occurred = start + datetime.timedelta(seconds=rng.random() * span)
        grade, basis, level = "", {}, ""
        if not near:
            grade, basis, level = grade_of(deaths=deaths, missing=0, serious_injuries=serious, direct_loss_yuan=loss,
                                           missing_counted=True)
        rows.append(Accident(
            number=f"{NUMBER_PREFIX}{serial:08d}", kind="near_miss" if near else "accident",
            enterprise_id=ent_id, region_code=region_code, sector=sectors.get(ent_id, "other"),
            occurred_at=occurred, place="车间", accident_type=rng.choice(TYPES), near_miss_item="1" if near else "",
            deaths=deaths, serious_injuries=serious, minor_injuries=minor, direct_loss_yuan=loss,
            grade=grade, grade_basis=basis, investigating_level=level, account="基准数据", reporter_name="基准",
            county_received_at=occurred + datetime.timedelta(minutes=30), state="reported",
        ))
        if len(rows) == 2000:
            Accident.objects.bulk_create(rows)
            rows = []
    if rows:
        Accident.objects.bulk_create(rows)
    out(f"generated {count - have} accidents in {time.perf_counter() - t0:.1f}s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE accidents_accident")
    return count


def ensure_targets(leader_region_codes: list[str], year: int, user) -> None:
    from anjian.accidents.models import ControlTarget
    from anjian.core.models import Region

    for code in leader_region_codes:
        region = Region.objects.get(code=code)
        for sector in ("", "construction") if code != generate.CITY[0] else ("",):
            ControlTarget.objects.get_or_create(
                region=region, year=year, sector=sector,
                defaults={"max_accidents": 3000, "max_deaths": 1200, "set_by": user},
            )


def timed(fn, runs: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=60_000)
    parser.add_argument("--accidents", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    generate.setup_django()
    from django.test import Client
    from django.utils import timezone

    from anjian.accidents import circular, stats, targets
    from anjian.accidents.models import Accident

    generate.ensure(args.enterprises)
    authorities = generate.ensure_authorities(generate.ensure_regions())
    user = ensure_city_user(authorities)
    rng = random.Random(2026)
    ensure_accidents(args.accidents, rng)
    today = timezone.localdate()
    ensure_targets([generate.CITY[0], *[c for c, _n, _s in generate.COUNTIES]], today.year, user)
    client = Client()
    client.force_login(user)
    year, month = today.year, today.month
    cases = {}
    for by in ("region", "sector", "type", "grade"):
        cases[f"stats.figures(by={by})"] = lambda by=by: stats.figures(user, year=year, month=month, by=by)
    cases["GET /accidents/statistics/"] = lambda: el.get_ok(client, f"/accidents/statistics/?year={year}&month={month}")
    cases["circular_data()"] = lambda: circular.circular_data(user, year, month)
    data = circular.circular_data(user, year, month)
    cases["circular_pdf()"] = lambda: circular.circular_pdf(data)
    cases["target_progress()"] = lambda: targets.target_progress(user, year)
    cases["GET /accidents/ (first page)"] = lambda: el.get_ok(client, "/accidents/")
    print(f"{el.describe_db()}; Python {platform.python_version()}; "
          f"{generate.bench_enterprises().count()} enterprises, "
          f"{Accident.objects.filter(number__startswith=NUMBER_PREFIX).count()} accidents; {args.runs} runs; ms")
    for name, fn in cases.items():
        runs = max(5, args.runs // 4) if "pdf" in name else args.runs
        values = timed(fn, runs)
        print(f"  {name:34s} p50 {el.pct(values, 50):8.1f}  p95 {el.pct(values, 95):8.1f}  max {max(values):8.1f}")


if __name__ == "__main__":
    main()
