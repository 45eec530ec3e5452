"""Benchmark: walking a 120-item inspection on the phone page and through the API, one round trip per item.

    .venv/bin/python bench/inspection_walk.py [--enterprises 66700] [--background 3000] [--walks 5]
        [--items 120] [--sql] [--profile]

The target (issue 4): "A 120-item inspection walked on a phone-width page: each item saved in one round trip
under 100 ms server time at p95", on PostgreSQL. Run it on a throw-away database (see bench/README.md); the
database is DATABASE_URL's, default SQLite var/anjian.sqlite3. It runs ``migrate`` itself.

The world it builds (reused when it is already there):

* the bench prefecture of bench/generate.py with ``--enterprises`` enterprises (66,700 by default, so the
  bench county 昆山市 320583, 30% of them, holds about 20,000), by ``bulk_create``;
* two background bureau officers per county (``bench_bg_<county>_1`` / ``_2``) and a second officer in the
  bench county's bureau, ``bench_officer2``, next to generate.py's ``bench_officer``;
* ``--background`` earlier inspections (3,000) over the last 365 days, half of them in the bench county, by
  ``bulk_create`` (it bypasses the services, as the other generators do): items copied from the shipped
  checklist that fits the enterprise's sector and answered (≈85% compliant, 10% non-compliant with a note,
  5% not applicable), the team with its credential numbers, InspectionEvents, the record hash
  (``services.content_hash``) for ended walks and signatures with their MAC for signed ones; and the audit
  chain those steps would have written (plan, start, one ``inspection.answer`` per answered item, complete,
  sign, archive), appended to the real chain with real HMAC-SM3 links, so ``verify_audit`` still passes. A
  signed record's enterprise signature names the enterprise's principal without a user row (the bench
  enterprises have no accounts).

Then, through the services and by real users:

* the enterprise-officer credentials (行政执法证) of every bench officer: ``planning.credential_create`` by a
  SystemActor;
* a 120-item checklist of the county bureau: ``checklists.template_copy`` of the shipped 工贸通用 list by
  ``bench_officer`` (a SystemActor has no authority to own the copy), ``item_add`` with the items of the other
  shipped 工贸 lists and then plain extra items until it has ``--items``, ``template_publish``;
* per walk, a routine (enforcement) inspection of another enterprise of the county (one whose sector the list
  covers, with a principal and a safety manager account so the plan notifies someone):
  ``services.inspection_plan`` by ``bench_officer`` with ``bench_officer2`` on the team, and
  ``services.inspection_start``.

What is timed (``time.perf_counter()`` around ``django.test.Client`` calls: URL routing, the whole middleware
stack with the session and the user, the view, the service, rendering; in process, so no network, no WSGI
server and no TLS — in-process server time):

  a  the page: ``POST /inspections/<pk>/items/<item>/`` with ``HX-Request: true`` (answers the re-rendered item
     fragment and the out-of-band progress bar), the form fields ``i<item>-result`` / ``i<item>-note``;
  b  the API: ``POST /api/inspections/<pk>/items/<item>/`` with JSON ``{"result": ..., "note": ...}``;
  w  the walk page itself, ``GET /inspections/<pk>/walk/`` with 120 items, when the walk opens, after every 40
     saves and before it ends;
  c  ending the walk: the page's ``POST /inspections/<pk>/complete/`` (a redirect) and the API's
     ``POST /api/inspections/<pk>/complete/`` (answers the whole inspection), both ``services.inspection_complete``;
  p  (extra) planning and starting, the service calls alone.

Each variant walks ``--walks`` inspections (5) of ``--items`` items in position order, ≈80% compliant, 15%
non-compliant with a note, 5% not applicable; after every tenth item one or two earlier items are answered again
(another result, or the note edited), so ≈12% of the saves are changes. ``bench_officer`` answers two items in
three and ``bench_officer2``, on their own phone (client), the third. Before the timed walks each variant walks
a warm-up inspection (20 saves and three page loads), on which one save of each kind is captured with
``CaptureQueriesContext`` (the statements, printed with ``--sql``). During the timed walks every statement goes
through a ``connection.execute_wrapper`` that counts and times it ("q" and "sql ms": driver + database time),
and ``services.item_answer`` / ``services.inspection_complete`` are wrapped to time the service alone. DEBUG is
off; after the warm-up the objects loaded so far are frozen out of the garbage collector (``gc.freeze()``), as
``anjian/wsgi.py`` does at start-up. Nothing asserts on timing: the target is printed beside the figures.

``--profile`` walks one more inspection per variant under pyinstrument (not a project dependency: install it
into the venv for the run) and prints where the time goes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import json
import os
import platform
import random
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import enterprise_list as el  # noqa: E402  (percentiles, database description)
import generate  # noqa: E402
import generate_hazards as gh  # noqa: E402  (plain_timestamps, _new_user)

SEED = 2028
TARGET_MS = 100
TEMPLATE_CODE = "bench_walk"
TEMPLATE_TITLE = "基准逐项检查表（120项）"
SHIPPED_BASE = "gongmao_general"
SHIPPED_EXTRA = ("dust", "ammonia", "confined_space")
OFFICER2 = "bench_officer2"
BG_PREFIX = "bench_bg_"
WALK_USER_PREFIX = "bench_w"
WARMUP_SAVES = 20
PAGE_EVERY = 40
BATCH = 250  # background inspections per bulk batch

# Answers while walking (first answer of an item).
ANSWER_WEIGHTS = {"compliant": 80, "non_compliant": 15, "not_applicable": 5}
FAIL_NOTES = [
    "现场发现灭火器压力不足，已要求立即更换。",
    "安全出口被成品堆放堵塞，责令当场清理。",
    "配电箱未上锁且无漏电保护，要求限期整改。",
    "作业人员未佩戴防护用品，已现场纠正并要求加强培训。",
    "未能提供近一年的培训记录和考核资料。",
    "除尘系统未按规定定期清理，积尘明显。",
    "有限空间作业审批单缺少气体检测记录。",
    "应急预案未组织演练，无演练记录。",
]
NA_NOTES = ["企业无该类设施。", "本项不适用于该企业生产工艺。", ""]
OK_NOTES = ["", "", "", "", "资料齐全。", "现场查看符合要求。"]
EXTRA_SECTIONS = ["八、现场设备设施补充检查", "九、作业现场补充检查", "十、仓储与物流补充检查",
                  "十一、消防与应急补充检查", "十二、职业健康补充检查"]
EXTRA_REQUIREMENTS = [
    "{}区域的设备防护罩、防护栏等安全防护设施齐全完好",
    "{}区域的安全警示标志、标识设置齐全、清晰",
    "{}区域电气线路敷设规范，无私拉乱接，配电箱完好并上锁",
    "{}区域通道畅通，物料堆放整齐，未堵塞安全出口和疏散通道",
    "{}区域的消防器材配置合理、定期检查并在有效期内",
    "{}区域作业人员按规定佩戴劳动防护用品",
]
EXTRA_PLACES = ["一号车间", "二号车间", "三号车间", "仓库", "配电房", "锅炉房", "空压机房", "装卸平台",
                "焊接区", "机加工区", "包装车间", "成品仓库"]
EXTRA_BASIS = ["《中华人民共和国安全生产法》第三十六条", "《中华人民共和国安全生产法》第三十五条",
               "《中华人民共和国安全生产法》第四十二条", "《中华人民共和国安全生产法》第四十五条"]


# --- users and credentials -----------------------------------------------------------------------------------


def county_bureau(code: str):
    from anjian.core.models import Authority

    name = next(n for c, n, _ in generate.COUNTIES if c == code)
    return Authority.objects.get(region__code=code, name=generate.BUREAU_NAME.format(name))


def ensure_user(username: str, full_name: str, role: str, *, authority=None, enterprise_id=None):
    from anjian.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = gh._new_user(username, full_name, role, authority=authority, enterprise_id=enterprise_id)
        user.save()
    elif (user.role, user.authority_id, user.enterprise_id) != (role, getattr(authority, "pk", None), enterprise_id):
        raise SystemExit(f"user {username!r} exists but is not the bench {role}; use another database")
    return user


def ensure_officers(officer) -> dict[str, list]:
    """{county code: [officers]}: two background officers per county; the bench county also has the two
    walkers. Users only (no audit rows): the credentials come later, through the service."""
    teams: dict[str, list] = {}
    for code, name, _share in generate.COUNTIES:
        bureau = county_bureau(code)
        teams[code] = [ensure_user(f"{BG_PREFIX}{code}_{n}", f"{name[:2]}执法{n}", "bureau_officer", authority=bureau)
                       for n in (1, 2)]
    second = ensure_user(OFFICER2, "基准执法人员二", "bureau_officer", authority=county_bureau(generate.BENCH_COUNTY))
    teams[generate.BENCH_COUNTY] += [officer, second]
    return teams


def credential_number(user) -> str:
    return f"苏执{user.authority.region.code}{user.pk:05d}"


def ensure_credentials(users, out=print) -> None:
    from django.utils import timezone

    from anjian.core.audit import SystemActor
    from anjian.inspections import planning, services

    today = timezone.localdate()
    actor = SystemActor("bench")
    made = 0
    for user in users:
        if services.valid_credential(user.pk, today) is None:
            planning.credential_create(actor=actor, user=user, number=credential_number(user), issuer="苏州市人民政府",
                                       valid_from=today - datetime.timedelta(days=3 * 365),
                                       valid_until=today + datetime.timedelta(days=2 * 365))
            made += 1
    if made:
        out(f"credentials: {made} created through planning.credential_create (SystemActor)")


# --- the background: earlier inspections and their audit trail --------------------------------------------------


def background_inspections():
    from anjian.inspections.models import Inspection

    return Inspection.objects.filter(created_by__username__startswith=BG_PREFIX)


def _shipped_templates() -> dict:
    from anjian.inspections.models import ChecklistTemplate

    out = {}
    for t in ChecklistTemplate.objects.filter(authority__isnull=True, audience="authority", state="published"):
        out[t.code] = (t, list(t.items.order_by("position", "id")))
    return out


def _templates_by_sector(shipped: dict) -> dict[str, list[str]]:
    by_sector: dict[str, list[str]] = defaultdict(list)
    for code, (t, _items) in sorted(shipped.items()):
        for s in t.sectors:
            by_sector[s].append(code)
    return by_sector


def _background_enterprises(by_sector: dict, rng: random.Random, count: int) -> list[tuple]:
    """(id, region_code, address, principal_name, primary sector) for ``count`` draws: half from the bench
    county, the rest from the other counties, only enterprises whose sector a shipped list covers."""
    from anjian.enterprises.models import EnterpriseSector

    sector_of: dict[int, str] = {}
    for eid, sector in (EnterpriseSector.objects.filter(region_code__startswith=generate.BENCH_PREFIX)
                        .order_by("id").values_list("enterprise_id", "sector")):
        sector_of.setdefault(eid, sector)
    rows = (generate.bench_enterprises().filter(status__in=["operating", "under_construction", "suspended"])
            .order_by("id").values_list("id", "region_code", "address", "principal_name"))
    home, away = [], []
    for eid, region_code, address, principal in rows:
        sector = sector_of.get(eid)
        if sector not in by_sector:
            continue
        (home if region_code.startswith(generate.BENCH_COUNTY) else away).append(
            (eid, region_code, address, principal, sector))
    half = count // 2
    return [rng.choice(home) for _ in range(half)] + [rng.choice(away) for _ in range(count - half)]


class Chain:
    """Audit events to append, kept with their time so the chain is written in time order."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, at, actor, action: str, inspection_id: int, region_code: str, changes: dict) -> None:
        self.rows.append({"created_at": at, "actor": actor, "action": action, "object_id": str(inspection_id),
                          "object_repr": f"JC{inspection_id:08d}", "region_code": region_code,
                          "changes": changes})


def _append_chain(chain: Chain, rng: random.Random, out=print) -> int:
    from django.db import transaction

    from anjian.core import audit
    from anjian.core.crypto import get_provider
    from anjian.core.models import AuditEvent, AuditHead

    provider = get_provider()
    chain.rows.sort(key=lambda r: r["created_at"])
    started = time.perf_counter()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        seq, prev = head.last_seq, head.last_hash
        batch = []
        request_id = uuid.uuid4().hex
        for n, r in enumerate(chain.rows):
            if n % 8 == 0:  # request ids: a new one every eight events (plausible, not exact)
                request_id = uuid.UUID(int=rng.getrandbits(128)).hex
            seq += 1
            actor = r["actor"]
            event = AuditEvent(
                seq=seq, created_at=r["created_at"], actor=actor, actor_label=actor.get_username(),
                action=r["action"], object_type="inspections.inspection", object_id=r["object_id"],
                object_repr=r["object_repr"], changes=audit._jsonable(r["changes"]), region_code=r["region_code"],
                request_id=request_id, ip_address=f"10.32.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                prev_hash=prev,
            )
            event.hash = provider.mac(audit._canonical(event))
            prev = event.hash
            batch.append(event)
            if len(batch) >= 5000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    out(f"  audit chain: appended {len(chain.rows):,} events in {time.perf_counter() - started:.1f}s "
        f"(head #{seq})")
    return len(chain.rows)


def _answer(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.85:
        return "compliant", rng.choice(OK_NOTES)
    if roll < 0.95:
        return "non_compliant", rng.choice(FAIL_NOTES)
    return "not_applicable", rng.choice(NA_NOTES)


def create_background(count: int, teams: dict, out=print) -> None:
    """``count`` earlier inspections with their items, teams, events, hashes, signatures and audit events."""
    from django.db import transaction
    from django.utils import timezone

    from anjian.inspections import services, signing
    from anjian.inspections.models import (
        Inspection,
        InspectionEvent,
        InspectionItem,
        InspectionMember,
        InspectionSignature,
    )

    rng = random.Random(SEED)
    shipped = _shipped_templates()
    by_sector = _templates_by_sector(shipped)
    picks = _background_enterprises(by_sector, rng, count)
    bureaus = {code: county_bureau(code) for code, _n, _s in generate.COUNTIES}
    numbers = {u.pk: credential_number(u) for team in teams.values() for u in team}
    now = timezone.now()
    start = now - datetime.timedelta(days=365)
    span = (now - start).total_seconds() - 86400
    kinds = {"routine": 60, "campaign": 15, "unannounced": 15, "covert": 10}
    chain = Chain()
    made_items = 0
    t0 = time.perf_counter()
    out(f"generating {count:,} background inspections ...")
    plan_at = sorted(start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    with gh.plain_timestamps(Inspection, "created_at", "state_changed_at", "updated_at"), \
            gh.plain_timestamps(InspectionEvent, "at"), transaction.atomic():
        for lo in range(0, count, BATCH):
            hi = min(lo + BATCH, count)
            specs = []
            for i in range(lo, hi):
                eid, region_code, address, principal, sector = picks[i]
                county = region_code[:6]
                lead = rng.choice(teams[county][:2])  # a background officer leads: that is how they are found
                team = [lead, rng.choice([u for u in teams[county] if u.pk != lead.pk])]
                kind = rng.choices(list(kinds), list(kinds.values()))[0]
                code = rng.choice(by_sector[sector])
                template, titems = shipped[code]
                created = plan_at[i]
                planned = created + datetime.timedelta(days=rng.uniform(0.5, 6))
                age = (now - planned).total_seconds() / 86400
                if age > 10:
                    state = rng.choices(["signed", "completed", "cancelled"], [93, 3, 4])[0]
                elif planned > now:
                    state = rng.choices(["planned", "cancelled"], [95, 5])[0]
                else:
                    state = rng.choices(["planned", "in_progress", "completed", "signed"], [20, 15, 25, 40])[0]
                specs.append((eid, region_code, address, principal, county, team, kind, template, titems,
                              created, planned, state))
            rows = []
            for eid, region_code, address, _p, county, team, kind, template, _ti, created, planned, state in specs:
                rows.append(Inspection(
                    enterprise_id=eid, region_code=region_code, authority=bureaus[county], kind=kind, state=state,
                    template=template, campaign="2026年工贸行业安全生产专项检查" if kind == "campaign" else "",
                    planned_date=planned.date(), location=address[:200] if state != "planned" else "",
                    created_by=team[0], created_at=created, state_changed_at=created, updated_at=created,
                ))
            Inspection.objects.bulk_create(rows)
            members, items, events = [], [], []
            for insp, spec in zip(rows, specs, strict=True):
                _eid, region_code, _a, _p, _c, team, kind, template, titems, created, planned, state = spec
                for n, user in enumerate(team):
                    members.append(InspectionMember(inspection=insp, user=user, role="lead" if n == 0 else "inspector",
                                                    credential_number=numbers[user.pk], name=user.display_name))
                events.append(InspectionEvent(inspection=insp, action="plan", actor=team[0],
                                              actor_name=team[0].display_name, at=created,
                                              data={"kind": kind, "template": f"{template.code} v{template.version}",
                                                    "members": [u.username for u in team]}))
                chain.add(created, team[0], "inspection.plan", insp.pk, region_code,
                          {"from": "", "to": "", "kind": kind, "members": [u.username for u in team]})
                started_at = ended_at = None
                if state in ("in_progress", "completed", "signed"):
                    started_at = planned.replace(hour=1) + datetime.timedelta(minutes=rng.randint(0, 360))
                    started_at = min(max(started_at, created + datetime.timedelta(hours=2)),
                                     now - datetime.timedelta(minutes=30))
                    events.append(InspectionEvent(inspection=insp, action="start", from_state="planned",
                                                  to_state="in_progress", actor=team[0],
                                                  actor_name=team[0].display_name, at=started_at,
                                                  data={"location": insp.location}))
                    chain.add(started_at, team[0], "inspection.start", insp.pk, region_code,
                              {"from": "planned", "to": "in_progress", "location": insp.location})
                answered = failed = 0
                share = 1.0 if state in ("completed", "signed") else (rng.uniform(0.2, 0.8) if started_at else 0.0)
                at = started_at
                for k, ti in enumerate(titems):
                    item = InspectionItem(inspection=insp, position=ti.position, code=ti.code, section=ti.section,
                                          requirement=ti.requirement, basis=ti.basis,
                                          criterion_code=ti.criterion_code)
                    if started_at and k < round(share * len(titems)):
                        item.result, item.note = _answer(rng)
                        at = at + datetime.timedelta(seconds=rng.randint(40, 240))
                        who = team[0] if k % 3 != 2 else team[1]
                        item.answered_by, item.answered_at = who, at
                        answered += 1
                        failed += item.result == "non_compliant"
                        chain.add(at, who, "inspection.answer", insp.pk, region_code,
                                  {"item": ti.code, "result": ["pending", item.result], "note": item.note})
                    items.append(item)
                insp.items_total, insp.items_answered, insp.items_failed = len(titems), answered, failed
                insp.started_at = started_at
                changed = started_at or created
                if state in ("completed", "signed"):
                    ended_at = at + datetime.timedelta(minutes=rng.randint(5, 30))
                    insp.ended_at = ended_at
                    insp.summary = f"共检查{len(titems)}项，发现不符合项{failed}项，已当场反馈企业。"
                    events.append(InspectionEvent(inspection=insp, action="complete", from_state="in_progress",
                                                  to_state="completed", actor=team[0],
                                                  actor_name=team[0].display_name, at=ended_at,
                                                  data={"failed": failed}))
                    chain.add(ended_at, team[0], "inspection.complete", insp.pk, region_code,
                              {"from": "in_progress", "to": "completed", "failed": failed})
                    changed = ended_at
                if state == "cancelled":
                    changed = created + datetime.timedelta(days=rng.uniform(0.1, 2))
                    events.append(InspectionEvent(inspection=insp, action="cancel", from_state="planned",
                                                  to_state="cancelled", actor=team[0],
                                                  actor_name=team[0].display_name, at=changed,
                                                  reason="企业停产，改期检查。"))
                    chain.add(changed, team[0], "inspection.cancel", insp.pk, region_code,
                              {"from": "planned", "to": "cancelled", "reason": "企业停产，改期检查。"})
                insp.state_changed_at = insp.updated_at = changed
            InspectionMember.objects.bulk_create(members)
            InspectionItem.objects.bulk_create(items, batch_size=2000)
            InspectionEvent.objects.bulk_create(events)
            Inspection.objects.bulk_update(rows, ["items_total", "items_answered", "items_failed", "started_at",
                                                  "ended_at", "summary", "state_changed_at", "updated_at"])
            made_items += len(items)
            # The record hash of each ended walk, by the service's own function; then the signatures.
            ended = {r.pk: spec for r, spec in zip(rows, specs, strict=True) if spec[-1] in ("completed", "signed")}
            sigs, hashed = [], []
            for insp in (Inspection.objects.filter(pk__in=list(ended)).select_related("enterprise", "template")
                         .order_by("id")):
                insp.content_hash = services.content_hash(insp)
                hashed.append(insp)
                _eid, region_code, _a, principal, _c, team, kind, _t, _ti, _cr, _pl, state = ended[insp.pk]
                signers = team if state == "signed" else team[:1]
                at = insp.ended_at
                for user in signers:
                    at = at + datetime.timedelta(minutes=rng.randint(1, 20))
                    sigs.append(signing.InspectionSignature(
                        inspection=insp, role="inspector", kind="signed", signer=user, name=user.display_name,
                        content_hash=insp.content_hash, signed_at=at))
                    chain.add(at, team[0], "inspection.sign", insp.pk, region_code,
                              {"from": "", "to": "", "signer": user.username, "role": "inspector"})
                if state == "signed" and kind in signing.ENTERPRISE_SIGNS:
                    at = at + datetime.timedelta(minutes=rng.randint(1, 20))
                    sigs.append(signing.InspectionSignature(
                        inspection=insp, role="enterprise", kind="signed", signer=None, name=principal[:50],
                        content_hash=insp.content_hash, signed_at=at))
                    chain.add(at, team[0], "inspection.sign", insp.pk, region_code,
                              {"from": "", "to": "", "signer": principal, "role": "enterprise"})
                if state == "signed":
                    chain.add(at, team[0], "inspection.archive", insp.pk, region_code,
                              {"from": "completed", "to": "signed"})
            for sig in sigs:
                sig.mac = signing.get_provider().mac(signing._signature_payload(sig))
            Inspection.objects.bulk_update(hashed, ["content_hash"])
            InspectionSignature.objects.bulk_create(sigs)
            out(f"  {hi:>6,} / {count:,} inspections, {made_items:,} items  {time.perf_counter() - t0:6.1f}s")
        _append_chain(chain, rng, out=out)
    out(f"generated {count:,} background inspections with {made_items:,} items in {time.perf_counter() - t0:.1f}s")


def analyze(out=print) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    tables = ["inspections_inspection", "inspections_inspectionitem", "inspections_inspectionmember",
              "inspections_inspectionevent", "inspections_inspectionsignature", "core_auditevent",
              "accounts_user", "inspections_inspectorcredential"]
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    out(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f}s")


# --- the 120-item checklist, through the services ----------------------------------------------------------------


def ensure_template(officer, size: int, out=print):
    from django.core.exceptions import ValidationError

    from anjian.inspections import checklists
    from anjian.inspections.models import ChecklistTemplate

    have = (ChecklistTemplate.objects.filter(authority=officer.authority, code=TEMPLATE_CODE, state="published")
            .order_by("-version").first())
    if have is not None and have.items.count() == size:
        return have
    started = time.perf_counter()
    base = ChecklistTemplate.objects.get(authority__isnull=True, code=SHIPPED_BASE)
    draft = ChecklistTemplate.objects.filter(authority=officer.authority, code=TEMPLATE_CODE, state="draft").first()
    if draft is None:
        if have is not None:  # a published one of another size: a new version, trimmed below
            draft = checklists.template_new_version(actor=officer, template=have)
        else:
            draft = checklists.template_copy(actor=officer, template=base, code=TEMPLATE_CODE, title=TEMPLATE_TITLE)
    extra = [i for code in SHIPPED_EXTRA
             for i in ChecklistTemplate.objects.get(authority__isnull=True, code=code).items.order_by("position")]
    rng = random.Random(SEED + 1)
    n = draft.items.count()
    while n > size:
        checklists.item_delete(actor=officer, item=draft.items.order_by("-position", "-id").first())
        n -= 1
    k = 0
    while n < size:
        if k < len(extra):
            src = extra[k]
            data = {"section": src.section, "requirement": src.requirement, "basis": src.basis,
                    "criterion_code": src.criterion_code}
        else:
            j = k - len(extra)
            data = {"section": EXTRA_SECTIONS[(j // 10) % len(EXTRA_SECTIONS)],
                    "requirement": rng.choice(EXTRA_REQUIREMENTS).format(EXTRA_PLACES[j % len(EXTRA_PLACES)]),
                    "basis": rng.choice(EXTRA_BASIS)}
        k += 1
        try:
            checklists.item_add(actor=officer, template=draft, data=data)
        except ValidationError:
            data["criterion_code"] = ""  # a criterion outside the list's sectors: keep the line without it
            checklists.item_add(actor=officer, template=draft, data=data)
        n += 1
    template = checklists.template_publish(actor=officer, template=draft)
    out(f"checklist {template.code} v{template.version}: {template.items.count()} items "
        f"(template_copy of {SHIPPED_BASE}, item_add, template_publish) in {time.perf_counter() - started:.1f}s")
    return template


def walk_enterprises(template, count: int) -> list:
    """``count`` operating enterprises of the bench county that the list fits, spread over the id range, each
    with a principal and a safety manager account (created here when missing)."""
    from anjian.enterprises.models import Enterprise, EnterpriseSector

    ids = list(EnterpriseSector.objects.filter(region_code__startswith=generate.BENCH_COUNTY,
                                               sector__in=list(template.sectors))
               .values_list("enterprise_id", flat=True).distinct().order_by("enterprise_id"))
    ids = list(Enterprise.objects.filter(pk__in=ids, status="operating").order_by("id").values_list("id", flat=True))
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} enterprises fit the list in {generate.BENCH_COUNTY}; need {count}")
    step = len(ids) // count
    chosen = list(Enterprise.objects.filter(pk__in=[ids[i * step] for i in range(count)]).order_by("id"))
    for e in chosen:
        ensure_user(f"{WALK_USER_PREFIX}{e.pk}_p", e.principal_name or "企业负责人", "enterprise_principal",
                    enterprise_id=e.pk)
        ensure_user(f"{WALK_USER_PREFIX}{e.pk}_m", e.safety_contact_name or "安全员", "enterprise_safety_manager",
                    enterprise_id=e.pk)
    return chosen


# --- services._lock on PostgreSQL ---------------------------------------------------------------------------------


def lock_works(inspection) -> bool:
    """Does ``services._lock`` run here? It selects the row FOR UPDATE with ``select_related("enterprise",
    "authority")``; ``Inspection.authority`` is nullable, so that is a LEFT OUTER JOIN, and PostgreSQL refuses
    FOR UPDATE on the nullable side of an outer join (SQLite has no FOR UPDATE and never sees it)."""
    from django.db import NotSupportedError, transaction

    from anjian.inspections import services

    try:
        with transaction.atomic():
            services._lock(inspection)
    except NotSupportedError:
        return False
    return True


def install_lock_shim() -> None:
    """In this process only: ``_lock`` with ``select_for_update(of=("self",))``, which locks the inspection row
    alone (PostgreSQL allows that next to the outer join). Every other line of the services is unchanged."""
    from anjian.inspections import services
    from anjian.inspections.models import Inspection

    def _lock(inspection):
        return (Inspection.objects.select_for_update(of=("self",)).select_related("enterprise", "authority")
                .get(pk=inspection.pk))

    services._lock = _lock


# --- timing -------------------------------------------------------------------------------------------------------


class Meter:
    """execute_wrapper: counts and times the statements of the current request."""

    def __init__(self):
        self.n = 0
        self.seconds = 0.0

    def reset(self) -> None:
        self.n, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.n += 1
            self.seconds += time.perf_counter() - t0


class ServiceTimer:
    """Wraps ``services.<name>`` (views and the API call it through the module) to time the service alone."""

    def __init__(self, name: str):
        self.name = name
        self.last = 0.0

    @contextlib.contextmanager
    def installed(self):
        from anjian.inspections import services

        original = getattr(services, self.name)

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.last = time.perf_counter() - t0

        setattr(services, self.name, timed)
        try:
            yield self
        finally:
            setattr(services, self.name, original)


class Sample:
    __slots__ = ("kind", "result", "ms", "service_ms", "q", "sql_ms")

    def __init__(self, kind, result, ms, service_ms, q, sql_ms):
        self.kind, self.result, self.ms, self.service_ms, self.q, self.sql_ms = kind, result, ms, service_ms, q, sql_ms


class Variant:
    """How one variant saves an item and ends the walk."""

    def __init__(self, key: str, label: str):
        self.key, self.label = key, label

    def save(self, client, inspection_pk: int, item_pk: int, result: str, note: str):
        if self.key == "a":
            response = client.post(f"/inspections/{inspection_pk}/items/{item_pk}/",
                                   {f"i{item_pk}-result": result, f"i{item_pk}-note": note}, HTTP_HX_REQUEST="true")
            ok = response.status_code == 200 and f'id="item-{item_pk}"'.encode() in response.content
        else:
            response = client.post(f"/api/inspections/{inspection_pk}/items/{item_pk}/",
                                   json.dumps({"result": result, "note": note}), content_type="application/json")
            ok = response.status_code == 200 and response.json().get("result") == result
        if not ok:
            raise SystemExit(f"{self.label}: save of item {item_pk} answered {response.status_code}: "
                             f"{response.content[:400]!r}")
        return response

    def complete(self, client, inspection_pk: int, summary: str):
        if self.key == "a":
            response = client.post(f"/inspections/{inspection_pk}/complete/", {"complete-summary": summary})
            ok = response.status_code == 302
        else:
            response = client.post(f"/api/inspections/{inspection_pk}/complete/", json.dumps({"summary": summary}),
                                   content_type="application/json")
            ok = response.status_code == 200 and response.json().get("state") == "completed"
        if not ok:
            raise SystemExit(f"{self.label}: complete answered {response.status_code}: {response.content[:400]!r}")
        return response


VARIANTS = [Variant("a", "page (htmx) item save"), Variant("b", "API item save")]


def plan_and_start(officer, second, enterprise, template, samples=None):
    from django.utils import timezone

    from anjian.inspections import services

    t0 = time.perf_counter()
    inspection = services.inspection_plan(actor=officer, enterprise=enterprise, kind="routine", template=template,
                                          members=[second], planned_date=timezone.localdate())
    t1 = time.perf_counter()
    inspection = services.inspection_start(actor=officer, inspection=inspection, location=enterprise.address[:200],
                                           latitude="31.385000", longitude="120.980000")
    t2 = time.perf_counter()
    if samples is not None:
        samples["plan"].append(Sample("plan", "", (t1 - t0) * 1000, (t1 - t0) * 1000, 0, 0))
        samples["start"].append(Sample("start", "", (t2 - t1) * 1000, (t2 - t1) * 1000, 0, 0))
    return inspection


def answer_script(item_pks: list[int], rng: random.Random, limit: int | None = None) -> list[tuple]:
    """[(kind, item pk, result, note, walker index)]: the items in order, and after every tenth item one or two
    earlier ones answered again (another result, or the same with the note edited)."""
    script, last = [], {}
    results, weights = list(ANSWER_WEIGHTS), list(ANSWER_WEIGHTS.values())
    for n, pk in enumerate(item_pks, 1):
        result = rng.choices(results, weights)[0]
        note = (rng.choice(FAIL_NOTES) if result == "non_compliant" else
                rng.choice(NA_NOTES) if result == "not_applicable" else rng.choice(OK_NOTES))
        script.append(("first", pk, result, note, 0 if n % 3 else 1))
        last[pk] = (result, note)
        if n % 10 == 0:
            for pk2 in rng.sample(item_pks[: n - 1], rng.choice((1, 2))):
                before, old_note = last[pk2]
                if rng.random() < 0.6:
                    result = "non_compliant" if before != "non_compliant" else "compliant"
                    note = rng.choice(FAIL_NOTES) if result == "non_compliant" else "复查后符合要求。"
                else:
                    result, note = before, (old_note + "已拍照留存。").strip()
                script.append(("change", pk2, result, note, rng.choice((0, 1))))
                last[pk2] = (result, note)
    return script[:limit] if limit else script


def timed_walk(variant: Variant, clients, inspection, rng, samples, meter, saver, completer, *, page_every=PAGE_EVERY):
    from django.db import connection

    item_pks = list(inspection.items.order_by("position", "id").values_list("pk", flat=True))
    script = answer_script(item_pks, rng)

    def page():
        meter.reset()
        t0 = time.perf_counter()
        response = clients[0].get(f"/inspections/{inspection.pk}/walk/")
        ms = (time.perf_counter() - t0) * 1000
        if response.status_code != 200 or response.content.count(b'data-testid="item"') != len(item_pks):
            raise SystemExit(f"walk page answered {response.status_code} ({len(response.content)} bytes)")
        samples["page"].append(Sample("page", "", ms, None, meter.n, meter.seconds * 1000))

    with connection.execute_wrapper(meter):
        page()
        for n, (kind, pk, result, note, who) in enumerate(script, 1):
            meter.reset()
            saver.last = 0.0
            t0 = time.perf_counter()
            variant.save(clients[who], inspection.pk, pk, result, note)
            ms = (time.perf_counter() - t0) * 1000
            samples[variant.key].append(Sample(kind, result, ms, saver.last * 1000, meter.n, meter.seconds * 1000))
            if n % page_every == 0:
                page()
        page()
        meter.reset()
        t0 = time.perf_counter()
        variant.complete(clients[0], inspection.pk, f"共检查{len(item_pks)}项，详见检查记录。")
        ms = (time.perf_counter() - t0) * 1000
        samples["c" + variant.key].append(Sample("complete", "", ms, completer.last * 1000, meter.n,
                                                 meter.seconds * 1000))
    return len(script)


def warm_up(variant: Variant, clients, inspection, rng) -> dict[str, list[str]]:
    """20 saves and three page loads, untimed; one save of each kind captured with CaptureQueriesContext."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item_pks = list(inspection.items.order_by("position", "id").values_list("pk", flat=True))
    captured: dict[str, list[str]] = {}
    for _ in range(3):
        clients[0].get(f"/inspections/{inspection.pk}/walk/")
    for n, pk in enumerate(item_pks[:WARMUP_SAVES]):
        variant.save(clients[n % 2], inspection.pk, pk, "compliant", "")
    cases = [("first answer, compliant", item_pks[WARMUP_SAVES], "compliant", ""),
             ("first answer, non-compliant with a note", item_pks[WARMUP_SAVES + 1], "non_compliant", FAIL_NOTES[0]),
             ("change (compliant -> non-compliant)", item_pks[0], "non_compliant", FAIL_NOTES[1]),
             ("note edited, same result", item_pks[1], "compliant", "资料齐全。")]
    for label, pk, result, note in cases:
        with CaptureQueriesContext(connection) as ctx:
            variant.save(clients[0], inspection.pk, pk, result, note)
        captured[label] = [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        response = clients[0].get(f"/inspections/{inspection.pk}/walk/")
    assert response.status_code == 200
    captured["walk page GET"] = [q["sql"] for q in ctx.captured_queries]
    return captured


def _profiler():
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    return Profiler(interval=0.0002)


def profile_walk(variant: Variant, clients, inspection, rng) -> str | None:
    """Every save of one walk under one profiler: where a save's time goes, summed over the walk."""
    profiler = _profiler()
    if profiler is None:
        return None
    item_pks = list(inspection.items.order_by("position", "id").values_list("pk", flat=True))
    script = answer_script(item_pks, rng)
    profiler.start()
    for _kind, pk, result, note, who in script:
        variant.save(clients[who], inspection.pk, pk, result, note)
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


def profile_page(client, inspection, loads: int = 10) -> str | None:
    profiler = _profiler()
    if profiler is None:
        return None
    profiler.start()
    for _ in range(loads):
        client.get(f"/inspections/{inspection.pk}/walk/")
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


# --- output ------------------------------------------------------------------------------------------------------


def _row(key: str, label: str, samples: list[Sample], target: float | None) -> str:
    pct = el.pct
    ms = [s.ms for s in samples]
    q = [s.q for s in samples]
    sql = [s.sql_ms for s in samples]
    service = [s.service_ms for s in samples if s.service_ms is not None]
    qtext = "-" if not max(q) else f"{min(q)}" if min(q) == max(q) else f"{min(q)}-{max(q)}"
    svc = f"{pct(service, 50):>7.2f} {pct(service, 95):>7.2f}" if service else f"{'-':>7} {'-':>7}"
    sqlt = f"{pct(sql, 50):>7.2f} {pct(sql, 95):>7.2f}" if any(sql) else f"{'-':>7} {'-':>7}"
    verdict = "" if target is None else (f"{target} ms met" if pct(ms, 95) <= target else f"{target} ms MISSED")
    return (f"{key:<3} {label:<38} {len(ms):>5} {qtext:>7} | {pct(ms, 50):>7.2f} {pct(ms, 95):>7.2f} "
            f"{pct(ms, 99):>7.2f} {max(ms):>7.2f} | {svc} | {sqlt} | {verdict}")


def print_table(samples: dict) -> None:
    head = (f"{'':<3} {'variant':<38} {'n':>5} {'q/req':>7} | {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} | "
            f"{'svc p50':>7} {'p95':>7} | {'sql p50':>7} {'p95':>7} | target p95")
    print(head)
    print("-" * len(head))
    for v in VARIANTS:
        rows = samples[v.key]
        print(_row(v.key, v.label + " (all)", rows, TARGET_MS))
        for kind, label in (("first", "first answers"), ("change", "changes (answered again)")):
            sub = [s for s in rows if s.kind == kind]
            if sub:
                print(_row(v.key + kind[0], "  " + label, sub, None))
        for result, short in zip(ANSWER_WEIGHTS, ("co", "nc", "na"), strict=True):
            sub = [s for s in rows if s.result == result]
            if sub:
                print(_row(f"{v.key}.{short}", "  saved as " + result.replace("_", "-"), sub, None))
    print(_row("w", "walk page GET (120 items)", samples["page"], None))
    print(_row("ca", "complete, page (302)", samples["ca"], None))
    print(_row("cb", "complete, API (whole inspection)", samples["cb"], None))
    print(_row("p1", "inspection_plan (service, extra)", samples["plan"], None))
    print(_row("p2", "inspection_start (service, extra)", samples["start"], None))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Time a 120-item inspection walk, page and API.")
    parser.add_argument("--enterprises", type=int, default=66_700,
                        help="bench enterprises to have (30%% land in the bench county; default ≈20,000 there)")
    parser.add_argument("--background", type=int, default=3000, help="earlier inspections to have")
    parser.add_argument("--walks", type=int, default=5, help="timed inspections per variant")
    parser.add_argument("--items", type=int, default=120, help="checklist size")
    parser.add_argument("--sql", action="store_true", help="print the statements of the captured saves")
    parser.add_argument("--no-lock-shim", action="store_true",
                        help="do not patch services._lock when it fails on PostgreSQL: stop instead")
    parser.add_argument("--profile", action="store_true",
                        help="walk one more inspection per variant under pyinstrument and print the profile")
    args = parser.parse_args(argv)

    generate.setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from anjian.core.models import AuditEvent
    from anjian.enterprises.models import Enterprise
    from anjian.inspections.models import Inspection, InspectionItem

    out = lambda *a: print(*a, flush=True)  # noqa: E731
    officer, _dept = generate.ensure(args.enterprises, out=out)
    teams = ensure_officers(officer)
    second = teams[generate.BENCH_COUNTY][-1]
    have = background_inspections().count()
    if have < args.background:
        if have:
            raise SystemExit(f"{have} background inspections exist, fewer than {args.background}: use a new database")
        create_background(args.background, teams, out=out)
        analyze(out=out)
    else:
        out(f"background: {have} inspections already there")
    ensure_credentials([u for team in teams.values() for u in team], out=out)
    template = ensure_template(officer, args.items, out=out)
    walks = args.walks + 1 + (1 if args.profile else 0)  # + warm-up (+ profiled walk)
    enterprises = walk_enterprises(template, walks * len(VARIANTS) + 1)
    from anjian.inspections import services

    probe = services.inspection_plan(actor=officer, enterprise=enterprises.pop(), kind="routine", template=template,
                                     members=[second])
    shim = not lock_works(probe)
    if shim:
        if args.no_lock_shim:
            raise SystemExit("services._lock fails on this database (FOR UPDATE on the nullable side of an outer "
                             "join); run without --no-lock-shim to patch it in process")
        install_lock_shim()
        out("WARNING: services._lock fails on PostgreSQL: NotSupportedError 'FOR UPDATE cannot be applied to the "
            "nullable side of an outer join' (select_related('enterprise', 'authority'), authority is nullable). "
            "inspection_start and inspection_complete cannot run as they are; this run patches _lock in process "
            "with select_for_update(of=('self',)). Item saves do not call _lock.")

    county = generate.BENCH_COUNTY
    print()
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %z}")
    print(f"machine   {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python    {platform.python_version()}, Django {__import__('django').get_version()}, "
          f"DEBUG={settings.DEBUG}")
    print(f"database  {el.describe_db()}")
    print(f"data      {Enterprise.objects.count():,} enterprises (county {county}: "
          f"{Enterprise.objects.filter(region_code__startswith=county).count():,}); "
          f"{Inspection.objects.count():,} inspections, {InspectionItem.objects.count():,} items; "
          f"{AuditEvent.objects.count():,} audit events")
    print(f"checklist {template} ({template.items.count()} items), by {officer.username} + {second.username}")
    if shim:
        print("services  _lock PATCHED in process: select_for_update(of=('self',)) (the original fails on PostgreSQL)")
    print(f"timing    {args.walks} walks per variant after a warm-up walk; ms; in-process server time "
          "(django.test.Client: middleware, session, view, service, rendering; no network, no WSGI server)")
    print(flush=True)

    clients = []
    for user in (officer, second):
        client = Client()
        client.force_login(user)
        clients.append(client)

    rng = random.Random(SEED + 2)
    meter = Meter()
    saver, completer = ServiceTimer("item_answer"), ServiceTimer("inspection_complete")
    samples: dict[str, list[Sample]] = defaultdict(list)
    captured = {}
    queue = list(enterprises)
    walked = defaultdict(int)
    with saver.installed(), completer.installed():
        for v in VARIANTS:
            inspection = plan_and_start(officer, second, queue.pop(0), template)
            captured[v.key] = warm_up(v, clients, inspection, rng)
        gc.collect()
        gc.freeze()
        # Alternate the variants walk by walk, so drift of the shared VM touches both alike.
        for n in range(args.walks):
            for v in VARIANTS:
                inspection = plan_and_start(officer, second, queue.pop(0), template, samples)
                out(f"walk {n + 1}/{args.walks} {v.label}: {inspection.number} ({inspection.enterprise.name}) ...")
                walked[v.key] += timed_walk(v, clients, inspection, rng, samples, meter, saver, completer)

    print()
    print_table(samples)
    print()
    print("q/req: statements per request (every timed request, counted through connection.execute_wrapper);")
    print("svc: inside services.item_answer / services.inspection_complete; sql: driver + database time of the")
    print("request's statements. a/b: every save (first answers and changes); .co/.nc/.na: by the result saved.")
    print("The session's expiry is renewed at most once a minute (IdleTimeoutMiddleware): one save in ~60 s")
    print("carries a session UPDATE.")
    for v in VARIANTS:
        print(f"\nSQL per request captured with CaptureQueriesContext on the warm-up walk, {v.label} (this list also "
              "shows BEGIN and COMMIT, which the execute_wrapper count above does not see):")
        for label, stmts in captured[v.key].items():
            print(f"  {len(stmts):>3}  {label}")
    if args.sql:
        for v in VARIANTS:
            for label, stmts in captured[v.key].items():
                print(f"\n--- {v.label}: {label}: {len(stmts)} statements")
                for i, sql in enumerate(stmts, 1):
                    print(f"{i:>3}. {sql[:600]}")
    if args.profile:
        for v in VARIANTS:
            inspection = plan_and_start(officer, second, queue.pop(0), template)
            text = profile_walk(v, clients, inspection, rng)
            if text is None:
                print("\n--profile: pyinstrument is not installed (.venv/bin/pip install pyinstrument)")
                break
            print(f"\n--- profile: one walk, {v.label} ({inspection.number})\n{text}")
            if v.key == "a":
                print(f"\n--- profile: the walk page of {inspection.number}, loaded 10 times\n"
                      f"{profile_page(clients[0], inspection)}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"\ndatabase size {cur.fetchone()[0]}")


if __name__ == "__main__":
    main()
