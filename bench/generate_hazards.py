"""Bench data generator for hazards: the bench prefecture of generate.py plus M hazards over 24 months.

    .venv/bin/python bench/generate_hazards.py --enterprises 200000 --hazards 2000000 --overdue 20000
        [--enterprise-users 3000] [--reset-hazards]

The database is the one the settings pick (``DATABASE_URL``; default SQLite at ``var/anjian.sqlite3``).
``--hazards`` and ``--overdue`` default to 2,000,000 / 20,000 on PostgreSQL and 200,000 / 2,000 on
SQLite. The enterprises come from ``generate.ensure`` (bench/generate.py), which runs ``migrate``.

What it adds to the bench world (province 32, never the demo data's 33):

* a province bureau (江苏省应急管理厅, region 320000) with ``bench_prov_officer`` (bureau_officer),
  whose scope is the whole province, next to generate.py's county officer ``bench_officer`` (320583);
* bureau leaders (``bench_leader_city`` for 苏州市, ``bench_leader_<county>`` for each county): the
  audience of the scan's ``overdue_7`` escalation;
* enterprise users: a principal and a safety manager (``bench_e<id>_p`` / ``bench_e<id>_m``, unusable
  passwords) for ``--enterprise-users`` enterprises, two thirds of them taken from the enterprises
  that hold overdue hazards, so the scan has recipients at both enterprise stages;
* M hazards, ids in the order of ``found_at`` (as when they are registered as found), spread evenly
  over the last 730 days, over the enterprises with a skewed weight (a few enterprises have many);
  ``region_code`` copied from the enterprise. The state depends on the age: a hazard is open with
  probability 0.9·exp(-age/90 days) + 0.04 (≈15% open overall, most of them recent), the rest
  closed (≈1% of those rejected instead). Open ones are reported / confirmed / rectifying /
  temporary control / awaiting verification, weighted by age. ≈3% of the graded hazards are major.
* exactly ``--overdue`` of the rectifying / temporary-control hazards (chosen among those found at
  least 8 days ago) have a deadline between found + 7 days and yesterday, with ``is_overdue`` False
  and no HazardReminder: the deadline scan's first run finds them all. The other rectifying /
  temporary-control hazards have deadlines 4–120 days ahead and check-ins 1–7 days ahead, beyond the
  scan's reach (today + 3 with the default policy), so the scan touches exactly the overdue rows
  when it runs on the day the data was generated (up to three days later; after that hazards
  whose deadline has come within reach join in, which bench/hazards.py prints).

**It bypasses the services on purpose**, like generate.py: ``bulk_create`` in batches of 10,000,
one transaction per batch (an interrupted run resumes where it stopped), no HazardEvent, photo or
audit rows. It keeps the invariants the services keep: region_code copies, ``grade`` empty until
confirmed, a major hazard names its basis (the check constraint) and has a full treatment plan
once started, closed hazards have rectified/verified times, ``is_overdue`` and ``listed`` False
(no supervision listings are generated), temporary control has its check-in date. ``created_at``,
``state_changed_at`` and ``updated_at`` are set to plausible times instead of the load time (their
``auto_now*`` is switched off for the load, in this process only).

Then ``anjian.hazards.rollups.rebuild()`` fills HazardMonthly / HazardGauge from the table, and on
PostgreSQL the hazard, rollup and user tables are ``VACUUM ANALYZE``d.

Re-running: skipped when enough bench hazards exist (rollups are rebuilt only if empty, or with
``--rebuild-rollups``). When
fewer exist, the deterministic plan for M continues from the count already there.
``--reset-hazards`` deletes the bench hazards and what hangs off them first (the enterprises stay;
to reset those with generate.py --reset, reset the hazards first: the foreign key protects them).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime
import math
import random
import sys
import time
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (bench/generate.py, next to this file)

SEED = 2027
BATCH = 10_000
DAYS = 730  # found_at spread over the last 24 months
OVERDUE_MIN_AGE = 8  # an overdue hazard was found at least this many days ago
FUTURE_DEADLINE = (4, 120)  # days ahead for open hazards that are not overdue (scan reach is today + 3)

PROVINCE_BUREAU = "江苏省应急管理厅"
PROVINCE_OFFICER = "bench_prov_officer"
CITY_LEADER = "bench_leader_city"
LEADER_PREFIX = "bench_leader_"
ENTERPRISE_USER_PREFIX = "bench_e"

# Open sub-states by age (days): (upper age bound, weights of
# reported, confirmed, rectifying, temporary_control, awaiting_verification)
OPEN_STATES_BY_AGE = [
    (3, (40, 25, 30, 0, 5)),
    (14, (10, 15, 55, 5, 15)),
    (math.inf, (2, 5, 63, 10, 20)),
]
# State codes in the plan (a bytearray, one byte per hazard).
REPORTED, CONFIRMED, RECTIFYING, TEMPORARY, AWAITING, CLOSED, REJECTED = range(7)
STATE_VALUES = ["reported", "confirmed", "rectifying", "temporary_control", "awaiting_verification", "closed",
                "rejected"]
MAJOR_SHARE = 0.031  # of the graded (confirmed or later) hazards: ≈3% of all

ROUTES = {"self_inspection": 45, "employee_report": 5, "grid_patrol": 15, "enforcement_inspection": 15,
          "department_inspection": 10, "expert_check": 7, "whistleblower": 2, "accident_investigation": 1}
CATEGORIES = {"equipment": 40, "behaviour": 20, "management": 25, "environment": 15}
LOCATIONS = ["一号车间", "二号车间", "三号车间", "仓库", "配电房", "危化品仓库", "锅炉房", "喷涂车间", "空压机房",
             "食堂", "宿舍楼", "办公楼", "原料堆场", "成品仓库", "除尘系统", "污水池（有限空间）", "冷库",
             "氨制冷机房", "消防通道", "厂区道路", "装卸平台", "焊接区", "机加工区", "包装车间"]
GENERAL = ["灭火器过期未更换", "安全出口被货物堵塞", "电气线路私拉乱接", "安全警示标志缺失",
           "作业人员未按规定佩戴劳动防护用品", "设备防护罩缺失", "应急照明损坏", "消防栓被遮挡",
           "配电箱未上锁且无漏电保护", "叉车司机无证驾驶", "货物超高堆放", "安全培训记录不全",
           "特种设备未按期检验", "易燃物品与火源距离不足", "应急预案未组织演练"]
MAJOR = ["粉尘爆炸危险场所未按规定安装使用泄爆装置", "有限空间作业未落实作业审批制度",
         "涉氨制冷系统未设置紧急泄氨装置", "危险化学品仓库超量储存", "金属熔融作业区域存在积水",
         "动火作业未办理审批且现场无监护"]
MEASURES = ["立即更换并建立定期检查制度", "清理通道并落实专人巡查", "重新规范布线并加装漏电保护",
            "补设警示标志", "组织全员培训并加强现场监督", "停用设备，加装防护装置后恢复使用"]


def setup_django() -> None:
    generate.setup_django()


def bench_hazards():
    from anjian.core.models import subtree_q
    from anjian.hazards.models import Hazard

    return Hazard.objects.filter(subtree_q(generate.BENCH_PREFIX))


def default_sizes(vendor: str) -> tuple[int, int]:
    return (2_000_000, 20_000) if vendor == "postgresql" else (200_000, 2_000)


# --- users ------------------------------------------------------------------------------------------


def _new_user(username: str, full_name: str, role: str, *, authority=None, enterprise_id=None):
    from anjian.accounts.models import User

    user = User(username=username, full_name=full_name, role=role, authority=authority, enterprise_id=enterprise_id)
    user.set_unusable_password()
    return user


def ensure_officers() -> dict:
    """The province bureau and its officer, and the bureau leaders. Returns {username: User}."""
    from anjian.accounts.models import User
    from anjian.core.models import Authority, Region

    province = Region.objects.get(code=generate.PROVINCE[0])
    prov_bureau, _ = Authority.objects.get_or_create(
        region=province, name=PROVINCE_BUREAU, defaults={"kind": "emergency_bureau", "sectors": []}
    )
    wanted = [(PROVINCE_OFFICER, "基准省厅执法人员", "bureau_officer", prov_bureau)]
    city_bureau = Authority.objects.get(region__code=generate.CITY[0],
                                        name=generate.BUREAU_NAME.format(generate.CITY[1]))
    wanted.append((CITY_LEADER, "基准市局领导", "bureau_leader", city_bureau))
    for code, name, _share in generate.COUNTIES:
        bureau = Authority.objects.get(region__code=code, name=generate.BUREAU_NAME.format(name))
        wanted.append((LEADER_PREFIX + code, f"基准{name}局领导", "bureau_leader", bureau))
    users = {}
    for username, full_name, role, authority in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = _new_user(username, full_name, role, authority=authority)
            user.save()
        elif (user.role, user.authority_id, user.enterprise_id) != (role, authority.pk, None):
            raise SystemExit(f"user {username!r} exists but is not the bench {role}; use another database")
        users[username] = user
    return users


def ensure_enterprise_users(preferred: list[int], others: list[int], count: int, rng: random.Random,
                            out=print) -> dict[int, int]:
    """A principal and a safety manager for ``count`` enterprises (2/3 from ``preferred``).

    Returns {enterprise id: safety manager's user id} for every bench enterprise user there is."""
    from anjian.accounts.models import User

    existing = User.objects.filter(username__startswith=ENTERPRISE_USER_PREFIX, enterprise__isnull=False)
    have = {eid for eid in existing.values_list("enterprise_id", flat=True)}
    if len(have) < count:
        need = count - len(have)
        pick = [e for e in preferred if e not in have][: (2 * need) // 3]
        chosen = set(pick)
        pool = [e for e in others if e not in have and e not in chosen]
        pick += rng.sample(pool, min(need - len(pick), len(pool)))
        rows = []
        for eid in pick:
            rows.append(_new_user(f"{ENTERPRISE_USER_PREFIX}{eid}_p", rng.choice(generate.SURNAMES) + "总",
                                  "enterprise_principal", enterprise_id=eid))
            rows.append(_new_user(f"{ENTERPRISE_USER_PREFIX}{eid}_m", rng.choice(generate.SURNAMES) + "安全员",
                                  "enterprise_safety_manager", enterprise_id=eid))
        started = time.perf_counter()
        User.objects.bulk_create(rows, batch_size=2000)
        out(f"created {len(rows)} enterprise users for {len(pick)} enterprises in "
            f"{time.perf_counter() - started:.1f}s")
    return dict(existing.filter(role="enterprise_safety_manager").values_list("enterprise_id", "id"))


# --- the plan -------------------------------------------------------------------------------------------


class Plan:
    """Per hazard index i (ids ascend with i): found time, enterprise index, state; and the overdue set.

    Deterministic for (total, overdue, enterprises, the day it is made)."""

    def __init__(self, total: int, overdue: int, enterprise_count: int, now: datetime.datetime):
        rng = random.Random(SEED)
        self.total, self.now = total, now
        self.start = now - datetime.timedelta(days=DAYS)
        step = DAYS * 86400 / total
        # Seconds from start; strictly increasing since the jitter stays within one step.
        self.offset = array("d", ((i + rng.random() * 0.999) * step for i in range(total)))
        # Enterprise activity: lognormal weights, so some enterprises report many hazards.
        cum, acc = [], 0.0
        for _ in range(enterprise_count):
            acc += rng.lognormvariate(0.0, 1.0)
            cum.append(acc)
        self.enterprise = array("i", (bisect.bisect_right(cum, rng.random() * acc) for _ in range(total)))
        self.state = bytearray(total)
        eligible = []
        for i in range(total):
            age = DAYS - self.offset[i] / 86400
            if rng.random() < 0.9 * math.exp(-age / 90) + 0.04:
                weights = next(w for bound, w in OPEN_STATES_BY_AGE if age < bound)
                s = rng.choices((REPORTED, CONFIRMED, RECTIFYING, TEMPORARY, AWAITING), weights)[0]
                if s in (RECTIFYING, TEMPORARY) and age >= OVERDUE_MIN_AGE:
                    eligible.append(i)
            else:
                s = REJECTED if rng.random() < 0.01 else CLOSED
            self.state[i] = s
        if len(eligible) < overdue:
            print(f"warning: only {len(eligible)} rectifying hazards old enough to be overdue; wanted {overdue}")
        self.overdue = set(rng.sample(eligible, min(overdue, len(eligible))))

    def found_at(self, i: int) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=self.offset[i])

    def overdue_enterprises(self) -> list[int]:
        """Enterprise indexes holding overdue hazards, in a fixed shuffled order."""
        seen = sorted({self.enterprise[i] for i in self.overdue})
        random.Random(SEED + 1).shuffle(seen)
        return seen


@contextlib.contextmanager
def plain_timestamps(model, *names):
    """Turn off auto_now / auto_now_add on ``names`` for the load, so the generator sets them."""
    fields = [model._meta.get_field(n) for n in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _hazard(plan: Plan, i: int, rng: random.Random, enterprise, manager_id, today: datetime.date):
    from anjian.hazards.models import Hazard

    enterprise_id, region_code = enterprise
    state = plan.state[i]
    found = plan.found_at(i)
    age = (plan.now - found).total_seconds() / 86400
    day = datetime.timedelta(days=1)

    def after(lo: float, hi: float, cap: float = 1.0) -> datetime.datetime:
        """found + a random span in [lo, hi] days, never later than found + cap·age."""
        return found + day * min(rng.uniform(lo, hi), age * cap)

    location = rng.choice(LOCATIONS)
    graded = state not in (REPORTED, REJECTED)
    major = graded and rng.random() < MAJOR_SHARE
    text = rng.choice(MAJOR if major else GENERAL)
    h = Hazard(
        enterprise_id=enterprise_id,
        region_code=region_code,
        found_at=found,
        location=location,
        route=rng.choices(list(ROUTES), list(ROUTES.values()))[0],
        description=f"{location}{text}，现场检查发现，需按要求整改。",
        category=rng.choices(list(CATEGORIES), list(CATEGORIES.values()))[0],
        state=STATE_VALUES[state],
        created_at=found,
    )
    changed = found
    if state == REJECTED:
        h.reject_reason = "经核实不属于安全生产事故隐患。"
        changed = after(0.1, 3)
    if graded:
        h.grade = "major" if major else "general"
        if major:
            h.criterion_text = f"重大事故隐患判定标准：{text}"
        h.confirmed_at = after(0.05, 3, 0.5)
        changed = h.confirmed_at
    if state in (RECTIFYING, TEMPORARY, AWAITING, CLOSED):
        h.measures = rng.choice(MEASURES)
        h.responsible_name = rng.choice(generate.SURNAMES) + rng.choice(generate.GIVEN)
        h.responsible_user_id = manager_id
        if i in plan.overdue:
            first = found.date() + 7 * day
            last = today - day
            h.deadline = first + day * rng.randint(0, (last - first).days) if first < last else last
            h.extension_count = 1 if rng.random() < 0.1 else 0
        elif state in (RECTIFYING, TEMPORARY):
            h.deadline = today + day * rng.randint(*FUTURE_DEADLINE)
        else:
            h.deadline = found.date() + day * rng.randint(7, 60)
        h.funds = round(rng.uniform(0.1, 50), 2) if (major or rng.random() < 0.3) else None
        changed = after(0.1, 5, 0.6)
        if major:
            h.contingency_plan = "设置警戒区域，落实专人监护，制定应急处置方案。"
            h.plan_goals = "彻底消除重大事故隐患。"
            h.plan_safety_measures = "治理期间停止相关作业，设置警戒并安排专人值守。"
            h.production_stop = rng.choice(["partial", "full"])
            h.report_state_cause = "隐患现状及产生原因：日常管理不到位。"
            h.report_harm_difficulty = "危害程度较高，整改难度一般。"
            h.plan_reported_at = changed
    if state == TEMPORARY:
        h.contingency_plan = h.contingency_plan or "落实临时管控措施和应急处置方案。"
        h.monitoring_measures = "每日专人巡查并记录。"
        h.checkin_interval_days = 7
        h.next_checkin_due = today + day * rng.randint(1, 7)
    if state in (AWAITING, CLOSED):
        h.rectification_note = "已按整改措施完成整改。"
        h.rectified_at = after(1, 40, 0.9)
        changed = h.rectified_at
        h.return_count = 1 if rng.random() < 0.03 else 0
    if state == CLOSED:
        h.verified_at = min(h.rectified_at + day * rng.uniform(0.1, 7), plan.now)
        h.verification_note = "经现场复查，整改到位，同意销号。"
        if major:
            h.close_out_document = f"苏应急销〔{h.verified_at.year}〕{i % 10000:04d}号"
        changed = h.verified_at
    h.state_changed_at = changed
    h.updated_at = changed
    return h


def create_hazards(plan: Plan, start: int, enterprises: list, managers: dict[int, int], today: datetime.date,
                   out=print) -> tuple[int, float]:
    from django.db import transaction

    from anjian.hazards.models import Hazard

    made = 0
    started = last = time.perf_counter()
    with plain_timestamps(Hazard, "created_at", "state_changed_at", "updated_at"):
        for lo in range(start, plan.total, BATCH):
            hi = min(lo + BATCH, plan.total)
            rng = random.Random(SEED * 1_000_003 + lo)  # per batch: a resumed run builds the same rows
            objs = []
            for i in range(lo, hi):
                ent = enterprises[plan.enterprise[i]]
                objs.append(_hazard(plan, i, rng, ent, managers.get(ent[0]), today))
            with transaction.atomic():
                Hazard.objects.bulk_create(objs, batch_size=2000)
            made += hi - lo
            now = time.perf_counter()
            if now - last >= 15 or hi == plan.total:
                last = now
                rate = made / (now - started)
                eta = (plan.total - hi) / rate if rate else 0
                out(f"  {hi:>9,} / {plan.total:,} hazards  {now - started:7.1f}s  {rate:,.0f} rows/s  "
                    f"eta {eta / 60:.1f} min")
    return made, time.perf_counter() - started


def reset_hazards(out=print) -> int:
    """Delete the bench hazards and every row that refers to them (raw DELETEs on the region range)."""
    from django.db import connection, transaction

    from anjian.hazards import models as hm

    low, high = generate.subtree_bounds()
    cond, params = "region_code >= %s", [low]
    if high is not None:
        cond, params = cond + " AND region_code < %s", [low, high]
    qn = connection.ops.quote_name
    hazard_table = qn(hm.Hazard._meta.db_table)
    sub = f"SELECT id FROM {hazard_table} WHERE {cond}"
    with transaction.atomic(), connection.cursor() as cur:
        for model in (hm.HazardReminder, hm.HazardEvent, hm.HazardPhoto, hm.ExtensionRequest,
                      hm.SupervisionListing):
            cur.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE hazard_id IN ({sub})", params)
        for model in (hm.HazardMonthly, hm.HazardGauge):
            cur.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE {cond}", params)
        cur.execute(f"DELETE FROM {hazard_table} WHERE {cond}", params)
        deleted = cur.rowcount
    out(f"reset: deleted {deleted} bench hazards")
    return deleted


def analyze(out=print) -> None:
    from django.db import connection

    from anjian.accounts.models import User
    from anjian.hazards.models import Hazard, HazardGauge, HazardMonthly

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cur:
        for model in (Hazard, HazardMonthly, HazardGauge, User):
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    out(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f}s")


def rebuild_rollups(out=print) -> None:
    from anjian.hazards import rollups
    from anjian.hazards.models import HazardGauge, HazardMonthly

    started = time.perf_counter()
    rollups.rebuild()
    out(f"rollups.rebuild(): {time.perf_counter() - started:.1f}s "
        f"({HazardMonthly.objects.count()} monthly rows, {HazardGauge.objects.count()} gauge rows)")


def ensure(enterprises: int, hazards: int | None = None, overdue: int | None = None, *,
           enterprise_users: int = 3000, reset: bool = False, rebuild: bool = False, out=print) -> dict:
    """Make the bench world with at least ``hazards`` hazards exist. Returns the bench users by name:
    ``bench_officer`` (county 320583), ``bench_prov_officer`` (province), the leaders."""
    from django.db import connection
    from django.utils import timezone

    from anjian.enterprises.models import Enterprise
    from anjian.hazards.models import HazardGauge

    officer, _dept = generate.ensure(enterprises, out=out)
    users = ensure_officers()
    users[generate.OFFICER] = officer
    default_total, default_overdue = default_sizes(connection.vendor)
    hazards = default_total if hazards is None else hazards
    overdue = default_overdue if overdue is None else overdue
    if reset:
        reset_hazards(out=out)
    have = bench_hazards().count()
    if have >= hazards:
        out(f"bench data: {have} hazards already on {connection.vendor} (wanted {hazards}); nothing to add")
        if rebuild or not HazardGauge.objects.exists():
            rebuild_rollups(out=out)
            analyze(out=out)
        return users

    rows = list(generate.bench_enterprises().order_by("id").values_list("id", "region_code"))
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    plan = Plan(hazards, overdue, len(rows), now)
    open_count = sum(1 for s in plan.state if s not in (CLOSED, REJECTED))
    out(f"planned {hazards:,} hazards over {len(rows):,} enterprises in {time.perf_counter() - started:.1f}s: "
        f"{open_count:,} open ({open_count / hazards:.1%}), {len(plan.overdue):,} overdue (deadline before {today})")
    preferred = [rows[k][0] for k in plan.overdue_enterprises()]
    managers = ensure_enterprise_users(preferred, [r[0] for r in rows], enterprise_users, random.Random(SEED + 2),
                                       out=out)
    if have:
        out(f"resuming: {have} bench hazards already there; adding plan rows {have}..{hazards - 1}")
    out(f"generating {hazards - have:,} hazards on {connection.vendor} ({connection.settings_dict['NAME']}) "
        f"in batches of {BATCH:,}")
    made, seconds = create_hazards(plan, have, rows, managers, today, out=out)
    out(f"generated {made:,} hazards in {seconds:.1f}s: {made / seconds:,.0f} rows/s")
    rebuild_rollups(out=out)
    analyze(out=out)
    total = Enterprise.objects.count()
    out(f"bench world: {total} enterprises, {bench_hazards().count()} bench hazards")
    return users


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=200_000, help="how many bench enterprises to have")
    parser.add_argument("--hazards", type=int, default=None,
                        help="how many bench hazards to have (default 2,000,000 on PostgreSQL, 200,000 on SQLite)")
    parser.add_argument("--overdue", type=int, default=None,
                        help="how many of them overdue (default 20,000 on PostgreSQL, 2,000 on SQLite)")
    parser.add_argument("--enterprise-users", type=int, default=3000,
                        help="enterprises that get a principal and a safety manager account")
    parser.add_argument("--reset-hazards", action="store_true", help="delete the bench hazards first")
    parser.add_argument("--rebuild-rollups", action="store_true",
                        help="run rollups.rebuild() even when nothing was generated (after a change to it)")
    args = parser.parse_args(argv)
    setup_django()
    ensure(args.enterprises, args.hazards, args.overdue, enterprise_users=args.enterprise_users,
           reset=args.reset_hazards, rebuild=args.rebuild_rollups,
           out=lambda *a: print(*a, flush=True))


if __name__ == "__main__":
    main()
