"""Demo accidents for `make run`, made through the services: a closed case with its whole investigation, a case
re-graded by a 续报 from 一般 to 较大 (so the city must investigate), a near miss, a report from the public about an
unregistered workshop, last year's and this year's accidents for the statistics, and control targets."""

import datetime
import random

from django.utils import timezone

from anjian.accidents import investigation, reporting, targets
from anjian.accidents.models import Accident
from anjian.accounts import services as account_services
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import services as core_services
from anjian.core.choices import AuthorityKind, RegionLevel
from anjian.core.models import Authority, Region
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise

CITY = "330400"
CITY_BUREAU = "嘉兴市应急管理局"

# (GB 6441 type, place, account) for the background accidents
STORIES = [
    ("03", "冲压车间", "操作工违规将手伸入冲床模具区，被压伤。"),
    ("09", "厂房屋面", "维修工更换采光板时未系安全带，从屋面坠落。"),
    ("04", "装配车间", "行车吊运钢材时吊索断裂，钢材砸中地面人员。"),
    ("05", "配电房", "电工带电检修配电柜，触电。"),
    ("02", "厂区道路", "叉车倒车时撞伤行人。"),
    ("01", "仓库", "货架上的纸箱坠落，砸伤搬运工。"),
    ("10", "基坑", "基坑边坡未放坡，土方坍塌掩埋作业人员。"),
    ("07", "热处理车间", "淬火油槽起火，操作工被烫伤。"),
]


def _at(days: int, hour: int = 9, minute: int = 30) -> datetime.datetime:
    now = timezone.localtime()
    moment = (now - datetime.timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return min(moment, now - datetime.timedelta(hours=2))


def _sector(enterprise: Enterprise) -> str:
    codes = list(enterprise.sector_links.values_list("sector", flat=True))
    return codes[0] if codes else "other"


def _data(enterprise, occurred, *, story, deaths=0, serious=0, minor=0, loss_wan="5", **extra) -> dict:
    code, place, account = story
    return {
        "kind": "accident",
        "sector": _sector(enterprise),
        "occurred_at": occurred,
        "place": place,
        "accident_type": code,
        "deaths": deaths,
        "serious_injuries": serious,
        "minor_injuries": minor,
        "direct_loss": loss_wan,
        "direct_loss_unit": "wan_yuan",
        "account": account,
        "measures_taken": "立即停止作业，组织救援，伤员送医，保护现场。",
        "reporter_name": enterprise.safety_contact_name or enterprise.principal_name or "值班人员",
        "reporter_phone": enterprise.safety_contact_phone or "",
        "unit_learned_at": occurred + datetime.timedelta(minutes=8),
        "county_received_at": occurred + datetime.timedelta(minutes=35),
        **extra,
    }


def city_users(actor, password: str) -> dict:
    """The city bureau above the demo county and its officer ``shiju`` (to receive upward reports)."""
    city = Region.objects.get(code=CITY)
    bureau = Authority.objects.filter(name=CITY_BUREAU).first() or core_services.authority_create(
        actor=actor, name=CITY_BUREAU, kind=AuthorityKind.EMERGENCY_BUREAU, region=city
    )
    existing = User.objects.filter(username="shiju").first()
    officer = existing or account_services.user_create(
        actor=actor, username="shiju", password=password, full_name="钱科长（市应急局）",
        role=Role.BUREAU_OFFICER, authority=bureau,
    )
    return {"bureau": bureau, "officer": officer}


def seed(actor, password: str, rng: random.Random) -> int:
    """About 20 accidents; returns how many."""
    city_users(actor, password)
    users = {u.username: u for u in User.objects.filter(username__in=["juzhang", "zhifa", "zhifa2", "anquana",
                                                                      "qiyeb", "xiashi"])}
    officer, leader = users["zhifa"], users["juzhang"]
    a_ent = users["anquana"].enterprise
    b_ent = users["qiyeb"].enterprise
    pool = list(
        Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).exclude(pk__in=[a_ent.pk, b_ent.pk]).order_by("id")
    )
    made: list[Accident] = []

    # Background: last year's and this year's accidents for the statistics and the circular.
    today = timezone.localdate()
    for year_back, n in ((1, 9), (0, 7)):
        for _i in range(n):
            ent = rng.choice(pool)
            day_of_year = rng.randint(5, max(6, (today - datetime.date(today.year, 1, 1)).days - 25))
            occurred_day = datetime.date(today.year - year_back, 1, 1) + datetime.timedelta(days=day_of_year)
            occurred = _at((today - occurred_day).days, hour=rng.randint(8, 17))
            made.append(reporting.report_accident(
                actor=officer, enterprise=ent,
                data=_data(ent, occurred, story=rng.choice(STORIES), deaths=rng.choice([0, 0, 1, 1, 2]),
                           serious=rng.choice([0, 1, 2]), minor=rng.randint(0, 3),
                           loss_wan=str(rng.choice([8, 15, 32, 60, 120]))),
            ))

    # Enterprise A's fatal accident 40 days ago, entered by the bureau from the unit's telephone report; its whole
    # investigation follows (see _investigate).
    story = ("03", "二号车间", "操作工在未停机的情况下清理卷布机，衣袖被卷入，经抢救无效死亡。")
    closed_case = reporting.report_accident(
        actor=officer, enterprise=a_ent,
        data=_data(a_ent, _at(40, 10, 15), story=story, deaths=1, minor=1, loss_wan="156.8"),
    )
    made.append(closed_case)
    received = closed_case.county_received_at
    reporting.transmit(actor=officer, accident=closed_case, step="county_to_city",
                       sent_at=received + datetime.timedelta(minutes=70), recipient=CITY_BUREAU)
    for party in ("public_security", "labour", "trade_union", "procuratorate", "government"):
        reporting.record_notice(actor=officer, accident=closed_case, level="county", party=party,
                                notified_at=received + datetime.timedelta(minutes=30))
    _investigate(closed_case, leader, a_ent)

    # Enterprise A reports a minor accident through the platform just now (received by the county at once).
    made.append(reporting.report_accident(
        actor=users["anquana"], enterprise=a_ent,
        data=_data(a_ent, timezone.now() - datetime.timedelta(minutes=50),
                   story=("01", "原料仓库", "叉车卸货时布卷滑落，砸伤一名搬运工的左脚。"), minor=1, loss_wan="0.6",
                   unit_learned_at=timezone.now() - datetime.timedelta(minutes=42)),
    ))

    # A bureau entry re-graded by a 续报: 2 deaths → 3 deaths, 较大; the city must now investigate.
    ent = pool[3]
    occurred = _at(6, 14, 5)
    big = reporting.report_accident(
        actor=officer, enterprise=ent,
        data=_data(ent, occurred, story=("10", "新建厂房基坑", "基坑东侧边坡坍塌，3名作业人员被埋。"),
                   deaths=2, serious=1, minor=2, loss_wan="430",
                   unit_learned_at=occurred + datetime.timedelta(minutes=12),
                   county_received_at=occurred + datetime.timedelta(minutes=95)),  # the unit reported 23 min late
    )
    reporting.record_notice(actor=officer, accident=big, level="county", party="public_security",
                            notified_at=occurred + datetime.timedelta(minutes=110))
    reporting.record_notice(actor=officer, accident=big, level="county", party="government",
                            notified_at=occurred + datetime.timedelta(minutes=100))
    reporting.supplement(actor=officer, accident=big, data={
        "reported_at": occurred + datetime.timedelta(hours=20), "deaths": 3, "missing": 0, "serious_injuries": 1,
        "minor_injuries": 2, "direct_loss": "610", "direct_loss_unit": "wan_yuan",
        "note": "重伤1人经抢救无效死亡；直接经济损失修正为610万元。",
    })
    big.refresh_from_db()
    reporting.transmit(actor=officer, accident=big, step="county_to_city",
                       sent_at=occurred + datetime.timedelta(hours=21), recipient=CITY_BUREAU,
                       note="续报后为较大事故，报市应急管理局。")
    made.append(big)

    # A near miss at enterprise B: 12 people trapped in a lift shaft fire, all rescued.
    made.append(reporting.report_accident(
        actor=users["qiyeb"], enterprise=b_ent,
        data={**_data(b_ent, _at(12, 20, 40),
                      story=("08", "成品仓库", "仓库电气线路起火，12名夜班员工被困，消防救出，无人伤亡。")),
              "kind": "near_miss", "near_miss_item": "1", "direct_loss": "18"},
    ))

    # Reported by the public about a workshop nobody had on file: registered as 无证无照, flagged for follow-up.
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith="330481").order_by("code").first()
    made.append(reporting.report_accident(
        actor=officer, enterprise=None,
        unit={"name": "无名塑料加工作坊", "address": "许村镇某村民房一楼", "region": township,
              "principal_name": "王某"},
        data={**_data(a_ent, _at(3, 16, 20), story=("07", "民房一楼", "注塑机加热圈短路起火，1人烧伤。"), serious=1,
                      loss_wan="3.5", source="public", unit_learned_at=None,
                      county_received_at=_at(3, 18, 5)),
              "sector": "light_industry", "reporter_name": "群众（匿名）", "reporter_phone": ""},
    ))
    _targets(leader, today.year)
    return len(made)


def _targets(leader: User, year: int) -> None:
    """This year's control targets: the county, two townships and the construction sector."""
    county = leader.authority.region
    targets.set_target(actor=leader, region=county, year=year, max_accidents=10, max_deaths=6,
                       note="市政府下达的年度控制指标")
    targets.set_target(actor=leader, region=county, year=year, sector="construction", max_accidents=2, max_deaths=1)
    for township in Region.objects.filter(parent=county).order_by("code")[:2]:
        targets.set_target(actor=leader, region=township, year=year, max_accidents=2, max_deaths=1)


def _investigate(accident: Accident, leader: User, enterprise: Enterprise) -> None:
    """The county's investigation of an ordinary fatal accident, from the team to the close (四不放过)."""
    day = timezone.localtime(accident.occurred_at).date()
    investigation.open_investigation(
        actor=leader, accident=accident, team_name="海宁市“机械伤害”事故调查组",
        formed_on=day + datetime.timedelta(days=1),
        members=[
            {"role": "leader", "name": "周局长", "organisation": "海宁市应急管理局", "position": "副局长"},
            {"role": "member", "name": "陈执法", "organisation": "海宁市应急管理局", "position": "执法大队"},
            {"role": "member", "name": "李警官", "organisation": "海宁市公安局"},
            {"role": "expert", "name": "何专家", "organisation": "嘉兴市安全生产专家库", "position": "高级工程师"},
        ],
    )
    investigation.save_report(actor=leader, accident=accident, parts={
        "report_unit_overview": f"{enterprise.name}，纺织企业，从业人员{enterprise.employees}人。",
        "report_course_rescue": "10时15分，操作工在卷布机运行中清理布屑，衣袖被卷入；"
                                "车间主任立即停机并拨打120，伤者经抢救无效死亡。",
        "report_casualties_loss": "死亡1人，轻伤1人，直接经济损失156.8万元。",
        "report_cause_nature": "直接原因：未停机清理设备；间接原因：卷布机防护罩缺失，安全培训不到位。"
                               "事故性质：一般生产安全责任事故。",
        "report_responsibility": "企业主要负责人未履行安全生产管理职责，建议依照安全生产法第九十五条处以罚款；"
                                 "对企业依照第一百一十四条处以罚款。",
        "report_prevention": "加装联锁防护罩；修订设备清理操作规程；全员开展停机检修专题培训。",
    })
    investigation.submit_report(actor=leader, accident=accident, submitted_on=day + datetime.timedelta(days=20))
    investigation.record_reply(
        actor=leader, accident=accident, document="海政函〔2026〕88号", authority="海宁市人民政府",
        replied_on=day + datetime.timedelta(days=27), summary="同意调查报告对事故原因、性质和责任的认定及处理建议。",
    )
    decided = day + datetime.timedelta(days=30)
    investigation.record_penalty(
        actor=leader, accident=accident, target="unit", person_name=enterprise.name, measure="fine",
        amount_yuan=400000, document_number="（海宁）应急罚〔2026〕21号", decided_on=decided,
    )
    investigation.record_penalty(
        actor=leader, accident=accident, target="principal", person_name=enterprise.principal_name or "主要负责人",
        measure="fine", amount_yuan=120000, last_year_income_yuan=300000,
        document_number="（海宁）应急罚〔2026〕22号", decided_on=decided,
    )
    measure = investigation.add_measure(
        actor=leader, accident=accident, description="全部卷布机加装联锁防护罩", responsible="企业设备科",
    )
    investigation.complete_measure(actor=leader, accident=accident, measure=measure, done_on=decided,
                                   note="12台卷布机已加装联锁防护罩，经复查合格。")
    investigation.publish(actor=leader, accident=accident, published_on=decided,
                          publication="海宁市人民政府门户网站“安全生产”栏目")
    investigation.close_accident(actor=leader, accident=accident, evidence={
        "cause_found": "调查报告（海政函〔2026〕88号批复）认定直接原因和间接原因。",
        "responsible_handled": "对企业罚款40万元、对主要负责人罚款12万元（应急罚〔2026〕21、22号）。",
        "measures_done": "联锁防护罩全部加装，复查合格。",
        "people_educated": "全员停机检修专题培训，签到和考试记录存档。",
    }, note="四不放过均已落实，结案。")
