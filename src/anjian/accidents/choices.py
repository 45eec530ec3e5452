"""Accident kinds, states, sources, roles and the one table of allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.rules import accidents as rules


class AccidentKind(models.TextChoices):
    ACCIDENT = "accident", _("生产安全事故")
    NEAR_MISS = "near_miss", _("较大涉险事故")


class AccidentState(models.TextChoices):
    REPORTED = "reported", _("已快报")
    INVESTIGATING = "investigating", _("调查中")
    REPORT_SUBMITTED = "report_submitted", _("调查报告已提交")
    REPLIED = "replied", _("已批复")
    CLOSED = "closed", _("已结案")


OPEN_STATES = frozenset(
    {AccidentState.REPORTED, AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED, AccidentState.REPLIED}
)


class AccidentGradeChoice(models.TextChoices):
    """The four grades of 条例 第三条 (values are :class:`anjian.rules.accidents.AccidentGrade`)."""

    ORDINARY = rules.AccidentGrade.ORDINARY.value, _("一般事故")
    LARGE = rules.AccidentGrade.LARGE.value, _("较大事故")
    SERIOUS = rules.AccidentGrade.SERIOUS.value, _("重大事故")
    ESPECIALLY_SERIOUS = rules.AccidentGrade.ESPECIALLY_SERIOUS.value, _("特别重大事故")


class SupplementKind(models.TextChoices):
    """Which 补报 window of 第十三条第二款 applies."""

    GENERAL = "general", _("一般（30日）")
    ROAD_TRAFFIC = "road_traffic", _("道路交通事故（7日）")
    FIRE = "fire", _("火灾事故（7日）")


class ReportSource(models.TextChoices):
    """How the county department first learned of the accident."""

    UNIT = "unit", _("事故单位报告")
    PUBLIC = "public", _("群众举报")
    MEDIA = "media", _("媒体或网络")
    HOSPITAL = "hospital", _("医疗机构")
    POLICE = "police", _("公安、消防")
    OTHER_DEPARTMENT = "other_department", _("其他部门通报")
    SUPERIOR = "superior", _("上级交办")
    INSPECTION = "inspection", _("监督检查发现")


class ReportingFinding(models.TextChoices):
    """The follow-up finding on the unit's report (条例 第三十五条、第三十六条; 第三十九条 for the terms)."""

    NONE = "none", _("未发现违法报告行为")
    LATE = "late", _("迟报")
    OMITTED = "omitted", _("漏报")
    FALSE = "false", _("谎报")
    CONCEALED = "concealed", _("瞒报")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    EXPERT = "expert", _("专家")


class PenaltyTarget(models.TextChoices):
    UNIT = "unit", _("事故发生单位")
    PRINCIPAL = "principal", _("主要负责人")
    OTHER_PERSON = "other_person", _("其他责任人员")


class PenaltyMeasure(models.TextChoices):
    FINE = "fine", _("罚款")
    SANCTION = "sanction", _("党纪政务处分")
    LICENCE = "licence", _("暂扣或吊销证照")
    REFERRAL = "referral", _("移送司法机关")
    OTHER = "other", _("其他处理")


class MeasureState(models.TextChoices):
    OPEN = "open", _("未落实")
    DONE = "done", _("已落实")


class ListingLevel(models.TextChoices):
    CITY = "city", _("市级督办")
    PROVINCE = "province", _("省级督办")
    STATE = "state", _("国家级督办")


class Action(models.TextChoices):
    REPORT = "report", _("快报")
    RECEIVE = "receive", _("接报")
    TRANSMIT = "transmit", _("上报")
    NOTIFY = "notify", _("通报同级")
    SUPPLEMENT = "supplement", _("续报")
    REGRADE = "regrade", _("重新定级")
    FINDING = "finding", _("认定报告情况")
    OPEN_INVESTIGATION = "open_investigation", _("成立调查组")
    EDIT_INVESTIGATION = "edit_investigation", _("维护调查")
    EXTEND = "extend", _("延长调查期限")
    PAUSE = "pause", _("技术鉴定（期限中止）")
    RESUME = "resume", _("技术鉴定结束")
    SUBMIT_REPORT = "submit_report", _("提交调查报告")
    REPLY = "reply", _("批复")
    PUBLISH = "publish", _("公布调查处理结果")
    PENALTY = "penalty", _("记录责任追究")
    MEASURE = "measure", _("登记整改措施")
    MEASURE_DONE = "measure_done", _("整改措施落实")
    LIST = "list", _("挂牌督办")
    DELIST = "delist", _("摘牌")
    CLOSE = "close", _("结案")


# action → (states it may start from, state it leads to)
TRANSITIONS = {
    Action.OPEN_INVESTIGATION: (frozenset({AccidentState.REPORTED}), AccidentState.INVESTIGATING),
    Action.SUBMIT_REPORT: (frozenset({AccidentState.INVESTIGATING}), AccidentState.REPORT_SUBMITTED),
    Action.REPLY: (frozenset({AccidentState.REPORT_SUBMITTED}), AccidentState.REPLIED),
    Action.CLOSE: (frozenset({AccidentState.REPLIED, AccidentState.REPORTED}), AccidentState.CLOSED),
}
# action → states it is allowed in without changing the state
ALLOWED_IN = {
    Action.RECEIVE: OPEN_STATES,
    Action.TRANSMIT: OPEN_STATES,
    Action.NOTIFY: OPEN_STATES,
    Action.SUPPLEMENT: OPEN_STATES,
    Action.FINDING: OPEN_STATES | {AccidentState.CLOSED},
    Action.EDIT_INVESTIGATION: frozenset({AccidentState.INVESTIGATING}),
    Action.EXTEND: frozenset({AccidentState.INVESTIGATING}),
    Action.PAUSE: frozenset({AccidentState.INVESTIGATING}),
    Action.RESUME: frozenset({AccidentState.INVESTIGATING}),
    Action.PUBLISH: frozenset({AccidentState.REPLIED, AccidentState.CLOSED}),
    Action.PENALTY: frozenset({AccidentState.REPLIED}),
    Action.MEASURE: frozenset({AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED, AccidentState.REPLIED}),
    Action.MEASURE_DONE: frozenset(
        {AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED, AccidentState.REPLIED}
    ),
    Action.LIST: frozenset({AccidentState.REPORTED, AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED}),
    Action.DELIST: OPEN_STATES | {AccidentState.CLOSED},
}

ACCIDENT_TYPE_CHOICES = [(code, f"{code} {name}") for code, name in rules.ACCIDENT_TYPES.items()]
NEAR_MISS_ITEM_CHOICES = [(str(i + 1), text) for i, text in enumerate(rules.LARGE_NEAR_MISS_ITEMS)]
REPORT_LEVEL_CHOICES = [(code, rules.LEVELS[code]) for code in ("county", "city", "province", "state_council")]
INVESTIGATION_LEVEL_CHOICES = list(rules.INVESTIGATION_LEVEL_LABELS.items())
