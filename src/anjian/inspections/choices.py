"""Inspection kinds, states and results, and the one table of allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常执法检查")
    CAMPAIGN = "campaign", _("专项检查")
    UNANNOUNCED = "unannounced", _("四不两直")
    COVERT = "covert", _("明察暗访")
    EXPERT = "expert", _("专家检查")
    JOINT = "joint", _("联合检查")
    GRID_PATROL = "grid_patrol", _("网格巡查")
    SELF_INSPECTION = "self_inspection", _("企业自查")


K = InspectionKind
# Inspections that are administrative enforcement: at least two inspectors holding a valid enforcement
# credential (行政处罚法 第四十二条; 安全生产法 第六十七条第二款 — 出示有效的行政执法证件).
ENFORCEMENT_KINDS = frozenset({K.ROUTINE, K.CAMPAIGN, K.UNANNOUNCED, K.COVERT, K.JOINT})
# Kinds the enterprise must not learn of before the inspection reaches the given state (四不两直: no notice
# beforehand; 暗访: nothing until the visit is over). Until then its users neither see nor are told of it.
HIDDEN_UNTIL = {K.UNANNOUNCED: "in_progress", K.COVERT: "completed"}
# Kinds whose record the enterprise's representative signs (安全生产法 第六十八条). A covert visit is recorded
# without the enterprise; a self-inspection is the enterprise's own record.
ENTERPRISE_SIGNS = frozenset({K.ROUTINE, K.CAMPAIGN, K.UNANNOUNCED, K.EXPERT, K.JOINT, K.GRID_PATROL})


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    COMPLETED = "completed", _("待签字")
    SIGNED = "signed", _("已签字归档")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATES = frozenset({InspectionState.PLANNED, InspectionState.IN_PROGRESS, InspectionState.COMPLETED})
# Inspections that took place: counted in plans, patrols, the public results and "what was missed".
DONE_STATES = frozenset({InspectionState.COMPLETED, InspectionState.SIGNED})


class ItemResult(models.TextChoices):
    PENDING = "pending", _("未检查")
    COMPLIANT = "compliant", _("符合")
    NON_COMPLIANT = "non_compliant", _("不符合")
    NOT_APPLICABLE = "not_applicable", _("不适用")


ANSWERS = frozenset({ItemResult.COMPLIANT, ItemResult.NON_COMPLIANT, ItemResult.NOT_APPLICABLE})


class MemberRole(models.TextChoices):
    LEAD = "lead", _("带队")
    INSPECTOR = "inspector", _("检查人员")
    EXPERT = "expert", _("专家")


class SignerRole(models.TextChoices):
    INSPECTOR = "inspector", _("检查人员")
    ENTERPRISE = "enterprise", _("被检查单位负责人")


class SignatureKind(models.TextChoices):
    SIGNED = "signed", _("已签字")
    REFUSED = "refused", _("拒绝签字")


class TemplateState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class Audience(models.TextChoices):
    AUTHORITY = "authority", _("监管部门检查")
    ENTERPRISE = "enterprise", _("企业自查")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")


class InspectionAction(models.TextChoices):
    """Every recorded step of an inspection. Those in TRANSITIONS move its state; the rest annotate."""

    PLAN = "plan", _("安排检查")
    START = "start", _("开始检查")
    ANSWER = "answer", _("记录检查项")
    PHOTO = "photo", _("上传照片")
    TO_HAZARD = "to_hazard", _("转为隐患")
    COMPLETE = "complete", _("结束检查")
    SIGN = "sign", _("签字确认")
    REFUSE = "refuse", _("记录拒绝签字")
    ARCHIVE = "archive", _("签字齐全归档")
    ADDENDUM = "addendum", _("补充更正")
    CANCEL = "cancel", _("取消检查")


S = InspectionState
A = InspectionAction
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    A.START: (frozenset({S.PLANNED}), S.IN_PROGRESS),
    A.COMPLETE: (frozenset({S.IN_PROGRESS}), S.COMPLETED),
    A.ARCHIVE: (frozenset({S.COMPLETED}), S.SIGNED),
    A.CANCEL: (frozenset({S.PLANNED}), S.CANCELLED),
}
ALLOWED_IN: dict[str, frozenset] = {
    A.ANSWER: frozenset({S.IN_PROGRESS}),
    A.PHOTO: frozenset({S.IN_PROGRESS}),
    A.TO_HAZARD: frozenset({S.IN_PROGRESS, S.COMPLETED, S.SIGNED}),
    A.SIGN: frozenset({S.COMPLETED}),
    A.REFUSE: frozenset({S.COMPLETED}),
    A.ADDENDUM: frozenset({S.COMPLETED, S.SIGNED}),
}
