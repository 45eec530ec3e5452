"""Bench data generator: a synthetic prefecture with N enterprises, on the configured database.

    .venv/bin/python bench/generate.py --enterprises 100000 [--reset]

The database is the one the settings pick (``DATABASE_URL``; default SQLite at
``var/anjian.sqlite3``). The generator runs ``migrate`` itself, so it works on an empty database.

What it builds, all under the province code 32 (江苏省 / 苏州市), which the demo data (浙江 33)
never uses, so bench rows never mix with demo rows and are found again by their region subtree:

* regions: one province, one city, six counties, 15 townships each (GB/T 2260 six-digit and
  GB/T 10114 nine-digit codes; ``prefix`` computed with ``Region.prefix_for``, the function
  ``Region.save()`` uses);
* authorities: a city and a county emergency bureau, three departments per county (住建, 交通,
  经信 with their sectors) and one township authority per township;
* two users in the largest county, 320583: ``bench_officer`` (bureau_officer of the county's
  emergency bureau) and ``bench_dept`` (department_officer of its 经信局);
* enterprises: spread unevenly over the counties (the largest holds 30%) and evenly over each
  county's townships, one supervision sector each drawn with realistic weights (textile, light
  industry and machinery dominate; fireworks, tobacco and mines are rare), ~12% with a second
  sector; valid and unique credit codes (``anjian.rules.uscc.complete``); ``region_code`` equal
  to the township's code, on the enterprise and on every ``EnterpriseSector`` row.

**This bypasses the services on purpose.** It is a data generator, not a user write: rows go in by
``bulk_create`` in batches, without the per-row validation and without audit events, which would
make 100k rows take an hour. It keeps the invariants the services keep (region_code copies,
credit-code validity and uniqueness, the user role/home constraint).

Re-running: regions, authorities and users are reused (get-or-create). Enterprises are topped up
to N when fewer exist; ``--reset`` first deletes every bench enterprise and its sector rows
(``--reset --enterprises 0`` only deletes). Bench users and authorities are kept on reset: a
user who has signed in is referenced by the append-only audit chain.

On PostgreSQL the two tables are ``VACUUM ANALYZE``d after loading, as autovacuum would do soon
after a real bulk import; on SQLite no ``ANALYZE`` is run, since nothing runs it in a real
deployment either.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure and start Django for a script (not a web process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    # DEBUG off: no query log growing in memory, the production code paths.
    os.environ.setdefault("ANJIAN_DEBUG", "0")
    src = str(ROOT / "src")
    if src not in sys.path:  # the editable install normally puts it there already
        sys.path.insert(0, src)
    (ROOT / "var").mkdir(exist_ok=True)  # the default SQLite file lives there
    import django

    django.setup()


# --- the synthetic prefecture -------------------------------------------------------------

PROVINCE = ("320000", "江苏省")
CITY = ("320500", "苏州市")
# (code, name, share of the enterprises)
COUNTIES = [
    ("320583", "昆山市", 30),
    ("320582", "张家港市", 20),
    ("320581", "常熟市", 15),
    ("320509", "吴江区", 15),
    ("320506", "吴中区", 10),
    ("320507", "相城区", 10),
]
BENCH_COUNTY = "320583"  # the largest: the users' county, the worst case for a subtree scan
STREETS = 4  # township codes 001..004 are streets (街道), 101.. are towns (镇)
TOWNSHIPS_PER_COUNTY = 15
TOWN_WORDS = list("东西南北新城河湖山桥港塘泾浦庄")

BENCH_PREFIX = PROVINCE[0][:2]
BUREAU_NAME = "{}应急管理局"
DEPARTMENTS = [
    ("{}住房和城乡建设局", ["construction"]),
    ("{}交通运输局", ["transport"]),
    ("{}工业和信息化局", ["machinery", "light_industry", "textile", "building_materials"]),
]
OFFICER = "bench_officer"
DEPT_OFFICER = "bench_dept"

SECTOR_WEIGHTS = {
    "textile": 18, "light_industry": 16, "machinery": 16, "hazchem": 8, "commerce": 8, "construction": 8,
    "building_materials": 6, "transport": 6, "other": 6, "metallurgy": 3, "nonferrous": 2,
    "non_coal_mine": 1, "fireworks": 1, "tobacco": 1,
}
SECTOR_WORDS = {
    "hazchem": "化工", "non_coal_mine": "矿业", "metallurgy": "钢铁", "nonferrous": "铝业",
    "building_materials": "建材", "machinery": "机械", "light_industry": "电子", "textile": "纺织",
    "tobacco": "烟草", "commerce": "商贸", "fireworks": "烟花爆竹", "construction": "建设工程",
    "transport": "物流", "other": "服务",
}
# A plausible second sector for some enterprises.
SECOND_SECTOR = {
    "hazchem": "commerce", "textile": "light_industry", "machinery": "metallurgy", "light_industry": "commerce",
    "building_materials": "non_coal_mine", "transport": "commerce", "construction": "building_materials",
}
INDUSTRY = {
    "hazchem": "C2614", "textile": "C1751", "light_industry": "C3974", "machinery": "C3311",
    "building_materials": "C3021", "metallurgy": "C3120", "nonferrous": "C3252", "construction": "4790",
    "transport": "5430", "commerce": "5191", "non_coal_mine": "B1019", "fireworks": "C2672",
    "tobacco": "C1620", "other": "8190",
}
NAME_PARTS = list("华海宁盛鑫恒远达瑞丰通嘉润泰兴新源诚昆虞吴苏")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何沈顾陆"
GIVEN = ["伟", "芳", "军", "敏", "强", "磊", "洁", "斌", "峰", "静", "涛", "华", "明", "娟"]

# Credit-code bodies: serial number n -> 9 characters of USCC_CHARS, scrambled by an affine
# bijection modulo 31**9 so consecutive enterprises do not get consecutive codes.
_BODY_MOD = 31**9
_BODY_MUL = 2654435761  # odd and not a multiple of 31, so invertible modulo 31**9
_BODY_ADD = 123456789


def uscc_for(serial: int, county: str) -> str:
    from anjian.rules.uscc import USCC_CHARS, complete

    value = (serial * _BODY_MUL + _BODY_ADD) % _BODY_MOD
    body = []
    for _ in range(9):
        value, digit = divmod(value, 31)
        body.append(USCC_CHARS[digit])
    # Registering authority 9 (工商), category 1 (企业), the county's code, the body, the check.
    return complete("91" + county + "".join(body))


def subtree_bounds() -> tuple[str, str | None]:
    from anjian.core.models import subtree_range

    return subtree_range(BENCH_PREFIX)


def bench_enterprises():
    from anjian.core.models import subtree_q
    from anjian.enterprises.models import Enterprise

    return Enterprise.objects.filter(subtree_q(BENCH_PREFIX))


# --- reference data -----------------------------------------------------------------------


def ensure_regions() -> dict:
    """The region tree, created once (bulk, level by level). Returns {code: Region}."""
    from anjian.core.models import Region

    wanted = [(PROVINCE[0], PROVINCE[1], "province", None), (CITY[0], CITY[1], "city", PROVINCE[0])]
    for code, name, _share in COUNTIES:
        wanted.append((code, name, "county", CITY[0]))
        for t in range(TOWNSHIPS_PER_COUNTY):
            if t < STREETS:
                suffix, tname = f"{t + 1:03d}", f"{name[:-1]}{TOWN_WORDS[t]}街道"
            else:
                suffix, tname = f"{100 + t - STREETS + 1:03d}", f"{name[:-1]}{TOWN_WORDS[t]}镇"
            wanted.append((code + suffix, tname, "township", code))

    existing = {r.code: r for r in Region.objects.filter(code__in=[w[0] for w in wanted])}
    for level in ("province", "city", "county", "township"):
        rows = [w for w in wanted if w[2] == level and w[0] not in existing]
        new = [
            Region(code=code, name=name, level=lvl, parent=existing[parent] if parent else None,
                   prefix=Region.prefix_for(code, lvl))
            for code, name, lvl, parent in rows
        ]
        for region in Region.objects.bulk_create(new, batch_size=500):
            existing[region.code] = region
    return existing


def ensure_authorities(regions: dict) -> dict:
    """Bureaus, departments, township authorities. Returns {(region code, name): Authority}."""
    from anjian.core.models import Authority

    existing = {(a.region.code, a.name): a for a in Authority.objects.select_related("region")
                .filter(region__code__in=list(regions))}

    def make(level_rows):
        new = [r for r in level_rows if (r.region.code, r.name) not in existing]
        for a in Authority.objects.bulk_create(new, batch_size=500):
            existing[(a.region.code, a.name)] = a

    city = regions[CITY[0]]
    city_bureau_name = BUREAU_NAME.format(CITY[1])
    make([Authority(name=city_bureau_name, kind="emergency_bureau", region=city, sectors=[])])
    city_bureau = existing[(CITY[0], city_bureau_name)]

    county_rows = []
    for code, name, _share in COUNTIES:
        county = regions[code]
        county_rows.append(Authority(name=BUREAU_NAME.format(name), kind="emergency_bureau", region=county,
                                     parent=city_bureau, sectors=[]))
        for dname, sectors in DEPARTMENTS:
            county_rows.append(Authority(name=dname.format(name), kind="department", region=county,
                                         sectors=list(sectors)))
    make(county_rows)

    township_rows = []
    for code, name, _share in COUNTIES:
        bureau = existing[(code, BUREAU_NAME.format(name))]
        for r in regions.values():
            if r.level == "township" and r.code.startswith(code):
                suffix = "街道办事处" if r.name.endswith("街道") else "人民政府"
                township_rows.append(Authority(name=r.name + suffix, kind="township", region=r, parent=bureau,
                                               sectors=[]))
    make(township_rows)
    return existing


def ensure_users(authorities: dict):
    """The two officers of the bench county. Returns (bureau officer, department officer)."""
    from anjian.accounts.models import User

    county_name = next(name for code, name, _ in COUNTIES if code == BENCH_COUNTY)
    bureau = authorities[(BENCH_COUNTY, BUREAU_NAME.format(county_name))]
    dept = authorities[(BENCH_COUNTY, DEPARTMENTS[2][0].format(county_name))]
    users = []
    for username, full_name, role, authority in (
        (OFFICER, "基准执法人员", "bureau_officer", bureau),
        (DEPT_OFFICER, "基准经信科员", "department_officer", dept),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, role=role, authority=authority)
            user.set_unusable_password()
            user.save()
        elif (user.role, user.authority_id, user.enterprise_id) != (role, authority.pk, None):
            raise SystemExit(f"user {username!r} exists but is not the bench {role}; use another database")
        users.append(user)
    return users[0], users[1]


# --- enterprises --------------------------------------------------------------------------


def _townships_by_weight(regions: dict) -> tuple[list, list[float]]:
    townships, weights = [], []
    for code, _name, share in COUNTIES:
        mine = sorted((r for r in regions.values() if r.level == "township" and r.code.startswith(code)),
                      key=lambda r: r.code)
        for t in mine:
            townships.append(t)
            weights.append(share / len(mine))
    return townships, weights


def _enterprise(rng: random.Random, serial: int, township, sector: str, now_day: datetime.date):
    from anjian.enterprises.models import Enterprise

    roll = rng.random()
    status = ("illegal" if roll < 0.04 else "closed" if roll < 0.09 else "suspended" if roll < 0.13
              else "under_construction" if roll < 0.16 else "operating")
    employees = int(min(20000, max(1, rng.lognormvariate(3.3, 1.2))))
    hazardous = sector in ("hazchem", "fireworks")
    dust = sector in ("light_industry", "metallurgy", "textile") and rng.random() < 0.2
    county = township.code[:6]
    word = SECTOR_WORDS[sector]
    if status == "illegal":
        name = f"{township.name}无名{word}作坊{serial}"
        uscc = None if rng.random() < 0.6 else uscc_for(serial, county)
    else:
        name = "{}{}{}{}有限公司".format(township.name[:2], "".join(rng.sample(NAME_PARTS, 2)), word,
                                     "科技" if serial % 3 == 0 else "")
        uscc = uscc_for(serial, county)
    principal = rng.choice(SURNAMES) + rng.choice(GIVEN)
    e = Enterprise(
        uscc=uscc,
        name=name,
        legal_representative=principal,
        principal_name=principal,
        principal_phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
        safety_contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        safety_contact_phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
        address=f"{PROVINCE[1]}{CITY[1]}{township.name}{rng.randint(1, 999)}号",
        region=township,
        region_code=township.code,
        industry_code=INDUSTRY[sector],
        scale="large" if employees >= 1000 else "medium" if employees >= 300 else "small" if employees >= 20
        else "micro",
        employees=employees,
        status=status,
        supervision_class="A" if (hazardous or dust) else rng.choices("BCD", (20, 60, 20))[0],
        has_safety_body=employees > 100 and rng.random() < 0.7,
        full_time_safety_staff=rng.choice([0, 1, 1, 2, 3]) if employees > 20 else rng.choice([0, 1]),
        part_time_safety_staff=rng.choice([0, 1, 2]),
        major_hazard_source=hazardous and rng.random() < 0.3,
        combustible_dust=dust,
        dust_worker_count=min(employees, rng.randint(3, 40)) if dust else 0,
        ammonia_refrigeration=sector == "commerce" and rng.random() < 0.15,
        cold_storage=sector == "commerce" and rng.random() < 0.25,
        confined_space=rng.random() < 0.2,
        metal_smelting=sector in ("metallurgy", "nonferrous") and rng.random() < 0.6,
        hazchem_use=hazardous or rng.random() < 0.1,
    )
    if hazardous and status != "illegal":
        start = now_day - datetime.timedelta(days=rng.randrange(1000))
        e.licence_number = f"(苏)WH安许证字[{start.year}]{serial:07d}"
        e.licence_issuer = CITY[1] + "应急管理局"
        e.licence_valid_from = start
        e.licence_valid_until = start + datetime.timedelta(days=3 * 365)
    return e


def create_enterprises(count: int, start_serial: int, regions: dict, *, batch: int = 2000,
                       seed: int = 2026, out=print) -> tuple[int, int, float]:
    """Bulk-insert ``count`` enterprises (serials from ``start_serial``) and their sector rows.

    Returns (enterprises, sector rows, seconds)."""
    from django.db import transaction

    from anjian.enterprises.models import Enterprise, EnterpriseSector

    rng = random.Random(seed + start_serial)
    townships, weights = _townships_by_weight(regions)
    sectors = list(SECTOR_WEIGHTS)
    sector_weights = [SECTOR_WEIGHTS[s] for s in sectors]
    today = datetime.date.today()
    made = links = 0
    started = time.perf_counter()
    with transaction.atomic():
        while made < count:
            n = min(batch, count - made)
            chosen = rng.choices(townships, weights, k=n)
            primary = rng.choices(sectors, sector_weights, k=n)
            objs = [_enterprise(rng, start_serial + made + i, chosen[i], primary[i], today) for i in range(n)]
            Enterprise.objects.bulk_create(objs, batch_size=batch)  # sets pk on PostgreSQL and SQLite
            sector_rows = []
            for e, sector in zip(objs, primary, strict=True):
                sector_rows.append(EnterpriseSector(enterprise_id=e.pk, sector=sector, region_code=e.region_code))
                second = SECOND_SECTOR.get(sector)
                if second and rng.random() < 0.25:
                    sector_rows.append(EnterpriseSector(enterprise_id=e.pk, sector=second,
                                                        region_code=e.region_code))
            EnterpriseSector.objects.bulk_create(sector_rows, batch_size=batch * 2)
            made += n
            links += len(sector_rows)
            if made % 20000 < batch or made == count:
                out(f"  {made:>8} enterprises  {links:>8} sector rows  {time.perf_counter() - started:6.1f}s")
    return made, links, time.perf_counter() - started


def reset_enterprises(out=print) -> int:
    """Delete every bench enterprise and its sector rows (plain DELETEs on the region range)."""
    from django.db import connection, transaction

    from anjian.enterprises.models import Enterprise, EnterpriseSector

    low, high = subtree_bounds()
    cond, params = "region_code >= %s", [low]
    if high is not None:
        cond, params = cond + " AND region_code < %s", [low, high]
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        # Sector rows first (their FK), then the enterprises. A raw DELETE instead of
        # QuerySet.delete(), which would load 100k objects to cascade in Python.
        cur.execute(f"DELETE FROM {qn(EnterpriseSector._meta.db_table)} WHERE {cond}", params)
        cur.execute(f"DELETE FROM {qn(Enterprise._meta.db_table)} WHERE {cond}", params)
        deleted = cur.rowcount
    out(f"reset: deleted {deleted} bench enterprises")
    return deleted


def analyze(out=print) -> None:
    from django.db import connection

    from anjian.enterprises.models import Enterprise, EnterpriseSector

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cur:
        for model in (Enterprise, EnterpriseSector):
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    out(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f}s")


def ensure(enterprises: int, *, reset: bool = False, migrate: bool = True, out=print):
    """Make the bench world exist with at least ``enterprises`` enterprises.

    Returns (bureau officer, department officer)."""
    from django.core.management import call_command
    from django.db import connection

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    regions = ensure_regions()
    authorities = ensure_authorities(regions)
    users = ensure_users(authorities)
    if reset:
        reset_enterprises(out=out)
    have = bench_enterprises().count()
    if have >= enterprises:
        out(f"bench data: {have} enterprises already on {connection.vendor} (wanted {enterprises}); nothing to add")
        return users
    todo = enterprises - have
    out(f"generating {todo} enterprises on {connection.vendor} ({connection.settings_dict['NAME']}), "
        f"{have} already there")
    made, links, seconds = create_enterprises(todo, have, regions, out=out)
    rows = made + links
    out(f"generated {made} enterprises + {links} sector rows = {rows} rows in {seconds:.1f}s: "
        f"{rows / seconds:,.0f} rows/s ({made / seconds:,.0f} enterprises/s)")
    analyze(out=out)
    return users


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000, help="how many bench enterprises to have")
    parser.add_argument("--reset", action="store_true", help="delete the bench enterprises first")
    args = parser.parse_args(argv)
    setup_django()
    ensure(args.enterprises, reset=args.reset)


if __name__ == "__main__":
    main()
