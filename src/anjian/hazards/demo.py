"""Demo hazards for `make run`: every state of the lifecycle, made through the services (so events,
audit and counters are real), a publicly listed major hazard, and some overdue ones."""

import datetime
import random

from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.hazards import services
from anjian.hazards.models import Hazard
from anjian.hazards.scan import scan_deadlines

FINDINGS = [
    ("一号车间", "配电箱门未关闭，箱内线路裸露", "equipment"),
    ("成品仓库", "消防通道堆放货物，通道宽度不足", "environment"),
    ("冲压工位", "冲床双手按钮被短接", "equipment"),
    ("危化品库", "危险化学品未分区分类存放", "management"),
    ("厂区道路", "叉车司机无证驾驶", "behaviour"),
    ("配电房", "绝缘垫破损，未配置绝缘手套", "equipment"),
    ("除尘间", "除尘器泄爆口朝向人员通道", "equipment"),
    ("食堂", "燃气报警器未与切断阀联锁", "equipment"),
    ("车间二楼", "安全出口上锁", "environment"),
    ("员工宿舍", "宿舍与车间未有效分隔", "management"),
    ("有限空间", "污水池未设置警示标识", "management"),
    ("焊接区", "动火作业未办理作业票", "behaviour"),
]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days, hours=3)


def seed(actor, rng: random.Random) -> int:
    """About 60 hazards over the demo county; returns how many."""
    today = timezone.localdate()
    enterprises = list(Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).order_by("id"))
    own = list(Enterprise.objects.filter(users__role=Role.ENTERPRISE_PRINCIPAL).distinct().order_by("id"))
    count = 0

    def report(ent, days_ago, route="enforcement_inspection"):
        nonlocal count
        location, description, category = rng.choice(FINDINGS)
        count += 1
        return services.hazard_report(
            actor=actor,
            enterprise=ent,
            data={
                "location": location,
                "description": description,
                "category": category,
                "route": route,
                "found_at": _ago(days_ago),
            },
        )

    def plan(days):
        return {
            "measures": "立即整改并落实防护措施",
            "responsible_name": "车间主任",
            "deadline": today + datetime.timedelta(days=days),
        }

    # General hazards across the county, in every state.
    for i, ent in enumerate(rng.sample(enterprises, min(50, len(enterprises)))):
        hazard = report(
            ent, rng.randint(1, 300), rng.choice(["enforcement_inspection", "grid_patrol", "self_inspection"])
        )
        stage = i % 6
        if stage == 0:
            continue  # awaiting confirmation
        if stage == 1 and i % 12 == 1:
            services.hazard_reject(actor=actor, hazard=hazard, reason="经核实已整改到位，不构成隐患")
            continue
        services.hazard_confirm(actor=actor, hazard=hazard, grade="general")
        services.hazard_start(actor=actor, hazard=hazard, data=plan(rng.randint(1, 30)))
        if stage in (2, 3):
            services.hazard_submit(actor=actor, hazard=hazard, note="已按措施整改完毕")
            if stage == 3:
                services.hazard_verify(actor=actor, hazard=hazard, note="验收合格")
        elif stage == 4:  # overdue: the deadline has passed without rectification
            Hazard.objects.filter(pk=hazard.pk).update(deadline=today - datetime.timedelta(days=rng.randint(1, 20)))

    # The enterprises with accounts: a major hazard listed for supervision and announced, a hazard
    # under temporary control, one returned twice (accountability), one waiting for verification.
    officer = User.objects.filter(role=Role.BUREAU_OFFICER).order_by("id").first()
    for ent in own:
        hazard = report(ent, 20)
        criteria = services.criteria_for_hazard(hazard)
        services.hazard_confirm(
            actor=actor,
            hazard=hazard,
            grade="major",
            criterion_code=criteria[0].code if criteria else "",
            basis="" if criteria else "依据《安全生产事故隐患排查治理暂行规定》第三条判定",
        )
        services.hazard_start(
            actor=actor,
            hazard=hazard,
            data={
                **plan(60),
                "funds": "25.00",
                "contingency_plan": "专项应急预案（2026版）",
                "plan_goals": "60日内完成改造，消除隐患",
                "plan_safety_measures": "改造区域停用，设置警戒",
                "production_stop": "partial",
                "report_state_cause": "设施设计缺陷，长期未改造",
                "report_harm_difficulty": "可能导致群死群伤，需停产改造",
            },
        )
        if officer is not None and ent == own[0]:
            services.listing_create(
                actor=officer,
                hazard=hazard,
                document_number="海应急督〔2026〕1号",
                deadline=today + datetime.timedelta(days=60),
                government_contact="周局长",
                publicly_announced=True,
            )
        control = report(ent, 40)
        services.hazard_confirm(actor=actor, hazard=control, grade="general")
        services.hazard_start(actor=actor, hazard=control, data=plan(45))
        services.hazard_temporary_control(
            actor=actor,
            hazard=control,
            contingency_plan="临时停用并设置围挡",
            monitoring_measures="每班巡检两次并记录",
            checkin_interval_days=7,
            reason="需等待停产检修窗口",
        )
        twice = report(ent, 30)
        services.hazard_confirm(actor=actor, hazard=twice, grade="general")
        services.hazard_start(actor=actor, hazard=twice, data=plan(10))
        for note in ("已整改", "已再次整改"):
            services.hazard_submit(actor=actor, hazard=twice, note=note)
            services.hazard_return(actor=actor, hazard=twice, reason="现场复查仍不符合要求")
        fresh = report(ent, 2, "self_inspection")
        services.hazard_confirm(actor=actor, hazard=fresh, grade="general")
        services.hazard_start(actor=actor, hazard=fresh, data=plan(3))
        services.hazard_submit(actor=actor, hazard=fresh, note="已完成整改，请验收")
    scan_deadlines(today=today, actor=actor)
    return count
