"""Hazard states, grades, routes, and the one table of allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardState(models.TextChoices):
    REPORTED = "reported", _("待确认")
    CONFIRMED = "confirmed", _("已确认待整改")
    REJECTED = "rejected", _("不属于隐患")
    RECTIFYING = "rectifying", _("整改中")
    TEMPORARY_CONTROL = "temporary_control", _("临时管控")
    AWAITING_VERIFICATION = "awaiting_verification", _("待验收")
    CLOSED = "closed", _("已闭环")


# States in which the hazard is still somebody's work; TERMINAL_STATES end it.
OPEN_STATES = frozenset(
    {
        HazardState.REPORTED,
        HazardState.CONFIRMED,
        HazardState.RECTIFYING,
        HazardState.TEMPORARY_CONTROL,
        HazardState.AWAITING_VERIFICATION,
    }
)
TERMINAL_STATES = frozenset({HazardState.REJECTED, HazardState.CLOSED})
# States with a running rectification deadline: the deadline scan reads only these.
DEADLINE_STATES = frozenset({HazardState.RECTIFYING, HazardState.TEMPORARY_CONTROL})


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class HazardCategory(models.TextChoices):
    EQUIPMENT = "equipment", _("设备设施")
    BEHAVIOUR = "behaviour", _("作业行为")
    MANAGEMENT = "management", _("安全管理")
    ENVIRONMENT = "environment", _("作业环境")


class HazardRoute(models.TextChoices):
    SELF_INSPECTION = "self_inspection", _("企业自查")
    EMPLOYEE_REPORT = "employee_report", _("员工随手拍")
    GRID_PATROL = "grid_patrol", _("网格巡查")
    ENFORCEMENT_INSPECTION = "enforcement_inspection", _("执法检查")
    DEPARTMENT_INSPECTION = "department_inspection", _("部门检查")
    EXPERT_CHECK = "expert_check", _("专家检查")
    WHISTLEBLOWER = "whistleblower", _("群众举报")
    ACCIDENT_INVESTIGATION = "accident_investigation", _("事故调查")
    EQUIPMENT_OVERDUE = "equipment_overdue", _("特种设备检验超期（系统）")


class ProductionStop(models.TextChoices):
    NONE = "none", _("不停产")
    PARTIAL = "partial", _("局部停产停业")
    FULL = "full", _("全部停产停业")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("未同意")


class ListingLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")


class Action(models.TextChoices):
    """Every recorded step of a hazard. Those in TRANSITIONS move its state; the rest annotate."""

    REPORT = "report", _("上报隐患")
    CONFIRM = "confirm", _("确认隐患")
    REJECT = "reject", _("认定不属于隐患")
    SAVE_PLAN = "save_plan", _("填写整改方案")
    START = "start", _("开始整改")
    TEMPORARY_CONTROL = "temporary_control", _("转入临时管控")
    CHECKIN = "checkin", _("临时管控检查")
    RESUME = "resume", _("恢复整改")
    SUBMIT = "submit", _("提交整改（申请验收/销号）")
    VERIFY = "verify", _("验收通过（销号）")
    RETURN = "return", _("验收退回")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_DECIDE = "extension_decide", _("审批延期")
    LIST = "list", _("挂牌督办")
    DELIST = "delist", _("摘牌")
    PHOTO = "photo", _("上传照片")


S = HazardState
# The transitions table: action -> (states it may start from, state it ends in).
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    Action.CONFIRM: (frozenset({S.REPORTED}), S.CONFIRMED),
    Action.REJECT: (frozenset({S.REPORTED}), S.REJECTED),
    Action.START: (frozenset({S.CONFIRMED}), S.RECTIFYING),
    Action.TEMPORARY_CONTROL: (frozenset({S.RECTIFYING}), S.TEMPORARY_CONTROL),
    Action.RESUME: (frozenset({S.TEMPORARY_CONTROL}), S.RECTIFYING),
    Action.SUBMIT: (frozenset({S.RECTIFYING}), S.AWAITING_VERIFICATION),
    Action.VERIFY: (frozenset({S.AWAITING_VERIFICATION}), S.CLOSED),
    Action.RETURN: (frozenset({S.AWAITING_VERIFICATION}), S.RECTIFYING),
}
# Steps that do not move the state but are allowed only in some states.
ALLOWED_IN: dict[str, frozenset] = {
    Action.SAVE_PLAN: frozenset({S.CONFIRMED, S.RECTIFYING, S.TEMPORARY_CONTROL}),
    Action.CHECKIN: frozenset({S.TEMPORARY_CONTROL}),
    Action.EXTENSION_REQUEST: frozenset({S.RECTIFYING, S.TEMPORARY_CONTROL}),
    Action.EXTENSION_DECIDE: frozenset({S.RECTIFYING, S.TEMPORARY_CONTROL, S.AWAITING_VERIFICATION}),
    Action.LIST: frozenset(OPEN_STATES - {S.REPORTED}),
    Action.PHOTO: frozenset(OPEN_STATES),
}

# Returns from verification at which a hazard is flagged for accountability (同一处隐患两次整改不到位).
ACCOUNTABILITY_RETURNS = 2
