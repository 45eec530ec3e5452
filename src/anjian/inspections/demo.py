"""Demo inspections for `make run`, made through the services with the demo users (so the team, the
signatures and their hashes, the hazards and the audit chain are real): credentials for the officers, a
signed routine inspection of enterprise A with findings turned into hazards, an unannounced one planned for
enterprise B (hidden from B), a dust campaign half walked, a grid patrol and a self-inspection."""

import datetime
import random

from django.utils import timezone

from anjian.accounts.models import User
from anjian.enterprises.models import Enterprise
from anjian.inspections import services
from anjian.inspections.checklists import usable_for
from anjian.inspections.choices import ItemResult
from anjian.inspections.models import ChecklistTemplate, InspectorCredential

FINDINGS = {
    0: "安全生产责任制未覆盖新设车间",
    7: "两名新入职员工未经培训即上岗",
    11: "配电房、叉车通道未设安全警示标志",
}


def _credential(actor_user, user, number):
    today = timezone.localdate()
    return InspectorCredential.objects.create(
        user=user,
        number=number,
        issuer="浙江省人民政府",
        valid_from=today.replace(month=1, day=1),
        valid_until=today + datetime.timedelta(days=900),
        created_by=actor_user,
    )


def _walk(user, inspection, findings: dict[int, str], *, stop_after: int | None = None, rng=None):
    inspection = services.inspection_start(actor=user, inspection=inspection, location=inspection.enterprise.address)
    items = list(inspection.items.order_by("position"))
    for n, item in enumerate(items):
        if stop_after is not None and n >= stop_after:
            return inspection
        if n in findings:
            services.item_answer(actor=user, item=item, result=ItemResult.NON_COMPLIANT, note=findings[n])
        else:
            result = ItemResult.NOT_APPLICABLE if rng and rng.random() < 0.08 else ItemResult.COMPLIANT
            services.item_answer(actor=user, item=item, result=result)
    return inspection


def seed(password: str, rng: random.Random) -> int:
    """About half a dozen inspections; returns how many."""
    by_name = {
        u.username: u
        for u in User.objects.filter(
            username__in=["juzhang", "zhifa", "zhifa2", "zhujian", "jingxin", "wangge1", "anquana", "qiyea", "anquanb"]
        )
    }
    leader, zhifa, zhifa2 = by_name["juzhang"], by_name["zhifa"], by_name["zhifa2"]
    for n, key in enumerate(["juzhang", "zhifa", "zhifa2", "zhujian", "jingxin"], start=1):
        _credential(leader, by_name[key], f"33048120260{n:02d}")
    a = by_name["qiyea"].enterprise
    b = by_name["anquanb"].enterprise
    general = ChecklistTemplate.objects.get(authority__isnull=True, code="general")
    count = 0

    # A's routine inspection: walked, three findings, one made a hazard and graded, signed by everyone.
    template = next((t for t in usable_for(zhifa, a) if t.code == "gongmao_general"), general)
    done = services.inspection_plan(
        actor=zhifa,
        enterprise=a,
        kind="routine",
        template=template,
        members=[zhifa2],
        planned_date=timezone.localdate(),
    )
    done = _walk(zhifa, done, FINDINGS, rng=rng)
    first = done.items.filter(result=ItemResult.NON_COMPLIANT).order_by("position").first()
    services.item_to_hazard(actor=zhifa, item=first, category="management", location="新设车间", grade="general")
    done = services.inspection_complete(
        actor=zhifa, inspection=done, summary="检查发现3项问题，已当场指出并责令限期整改。"
    )
    services.inspection_sign(actor=zhifa, inspection=done, password=password)
    services.inspection_sign(actor=zhifa2, inspection=done, password=password)
    services.inspection_sign(actor=zhifa, inspection=done, username="anquana", password=password)
    count += 1

    # B: 四不两直, planned — B's users neither see it nor are told.
    services.inspection_plan(
        actor=zhifa,
        enterprise=b,
        kind="unannounced",
        template=next(iter(usable_for(zhifa, b)), general),
        members=[zhifa2],
        planned_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    count += 1

    # A dust campaign half walked.
    dust_units = [
        e
        for e in Enterprise.objects.filter(combustible_dust=True, status="operating").order_by("id")[:10]
        if e.pk not in (a.pk, b.pk)
    ]
    if dust_units:
        unit = dust_units[0]
        dust = next((t for t in usable_for(zhifa, unit) if t.code == "dust"), general)
        campaign = services.inspection_plan(
            actor=zhifa2, enterprise=unit, kind="campaign", template=dust, members=[zhifa], campaign="粉尘涉爆专项整治"
        )
        _walk(zhifa2, campaign, {2: "除尘器未设置泄爆装置"}, stop_after=6)
        count += 1

    # A grid patrol by 硖石街道's grid officer, at the first enterprise of the grid.
    grid_officer = by_name.get("wangge1")
    unit = Enterprise.objects.filter(grid__officer=grid_officer, status="operating").order_by("id").first()
    if grid_officer is not None and unit is not None:
        patrol = services.inspection_plan(actor=grid_officer, enterprise=unit, kind="grid_patrol", template=general)
        patrol = _walk(grid_officer, patrol, {4: "安全出口堆放杂物"}, rng=rng)
        services.inspection_complete(actor=grid_officer, inspection=patrol, summary="网格巡查，发现1项问题。")
        services.inspection_sign(actor=grid_officer, inspection=patrol, password=password)
        count += 1

    # A's own quarterly self-inspection.
    small = ChecklistTemplate.objects.get(authority__isnull=True, code="small_self")
    safety = by_name["anquana"]
    own = services.inspection_plan(actor=safety, enterprise=a, kind="self_inspection", template=small)
    own = _walk(safety, own, {}, rng=rng)
    own = services.inspection_complete(actor=safety, inspection=own, summary="季度自查，未发现问题。")
    services.inspection_sign(actor=safety, inspection=own, password=password)
    count += 1
    _planning(by_name, leader, zhifa)
    _documents(done, leader, zhifa)
    return count


def _planning(by_name, leader, zhifa) -> None:
    """The bureau's approved plan for this year, and a published random draw of three 工贸 units."""
    from anjian.inspections import planning

    year = timezone.localdate().year
    plan = planning.plan_create(actor=zhifa, year=year, title=f"海宁市应急管理局{year}年度监督检查计划")
    planning.plan_set_targets(
        actor=zhifa,
        plan=plan,
        targets=[
            {"sector": "hazchem", "supervision_class": "", "planned": 12},
            {"sector": "textile", "supervision_class": "", "planned": 20},
            {"sector": "", "supervision_class": "A", "planned": 30},
        ],
    )
    planning.plan_approve(actor=leader, plan=plan)
    draw = planning.draw_create(
        actor=zhifa,
        title=f"{year}年第四季度工贸企业双随机抽查",
        filters={"sectors": ["textile", "machinery"]},
        enterprise_count=3,
        planned_date=timezone.localdate() + datetime.timedelta(days=7),
        seed="haining-demo-2026",
    )
    planning.draw_publish(actor=leader, draw=draw)


def _documents(inspection, leader, zhifa) -> None:
    """From A's signed inspection: a 责令限期整改指令书 signed by the leader and served, its review due in three
    days (the review scan reminds), and a penalty case opened on it with one proposed fine."""
    from anjian.enforcement import services as enforcement

    today = timezone.localdate()
    order = enforcement.rectification_order_draft(
        actor=zhifa, inspection=inspection, deadline=today + datetime.timedelta(days=3)
    )
    order = enforcement.document_approve(actor=leader, document=order)
    enforcement.document_serve(
        actor=zhifa,
        document=order,
        served_at=timezone.now(),
        method="direct",
        recipient=inspection.enterprise.principal_name or "企业负责人",
    )
    case = enforcement.case_open(
        actor=zhifa,
        enterprise=inspection.enterprise,
        cause="未按规定对从业人员进行安全生产教育和培训",
        facts="两名新入职员工未经安全生产教育和培训即上岗作业。",
        source_inspection=inspection,
    )
    enforcement.item_add(
        actor=zhifa,
        case=case,
        data={
            "violation_code": "aqf2021.97.3",
            "party": "unit",
            "party_name": inspection.enterprise.name,
            "amount": 20000,
        },
    )
