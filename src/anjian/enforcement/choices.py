"""Enforcement document types and states, penalty case states, and the two tables of allowed moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocType(models.TextChoices):
    """The eight documents of ``anjian.rules.doc_numbers.DOC_TYPES`` (same codes, same names)."""

    INSPECTION_RECORD = "inspection_record", _("现场检查记录")
    RECTIFICATION_ORDER = "rectification_order", _("责令限期整改指令书")
    REVIEW_OPINION = "review_opinion", _("整改复查意见书")
    ONSITE_MEASURES = "onsite_measures", _("现场处理措施决定书")
    COERCIVE_MEASURES = "coercive_measures", _("强制措施决定书")
    PENALTY_NOTICE = "penalty_notice", _("行政处罚告知书")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    REFERRAL = "referral", _("移送书")


# Documents drafted from a penalty case; their derived parts are rebuilt from the case at approval.
CASE_TYPES = frozenset({DocType.PENALTY_NOTICE, DocType.PENALTY_DECISION})


class DocState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已签发")
    SERVED = "served", _("已送达")
    EXECUTED = "executed", _("已执行")
    CLOSED = "closed", _("已终结")
    WITHDRAWN = "withdrawn", _("已撤回")
    VOIDED = "voided", _("已作废")


# The party has received the document: from here on it is visible to the enterprise and never changes.
SERVED_STATES = frozenset({DocState.SERVED, DocState.EXECUTED, DocState.CLOSED})
# Documents that exist only inside the issuing authority.
INTERNAL_STATES = frozenset({DocState.DRAFT, DocState.APPROVED, DocState.WITHDRAWN, DocState.VOIDED})
TERMINAL_STATES = frozenset({DocState.EXECUTED, DocState.CLOSED, DocState.WITHDRAWN, DocState.VOIDED})
# A document that still counts (the partial unique constraints ignore withdrawn drafts and voided documents).
LIVE_STATES = frozenset(set(DocState) - {DocState.WITHDRAWN, DocState.VOIDED})


class DocAction(models.TextChoices):
    """Every recorded step of a document. Those in TRANSITIONS move its state; the rest annotate."""

    CREATE = "create", _("起草")
    UPDATE = "update", _("修改草稿")
    APPROVE = "approve", _("审批签发")
    SERVE = "serve", _("送达")
    EXECUTE = "execute", _("执行完毕")
    CLOSE = "close", _("终结")
    WITHDRAW = "withdraw", _("撤回草稿")
    VOID = "void", _("作废（签发后未送达）")


D = DocState
DA = DocAction
# The transitions table: action -> (states it may start from, state it ends in).
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    DA.APPROVE: (frozenset({D.DRAFT}), D.APPROVED),
    DA.SERVE: (frozenset({D.APPROVED}), D.SERVED),
    DA.EXECUTE: (frozenset({D.SERVED}), D.EXECUTED),
    DA.CLOSE: (frozenset({D.SERVED}), D.CLOSED),
    DA.WITHDRAW: (frozenset({D.DRAFT}), D.WITHDRAWN),
    # A signed document found wrong before it is served: its number stays used (the sequence keeps no gap)
    # and a corrected document is drafted anew.
    DA.VOID: (frozenset({D.APPROVED}), D.VOIDED),
}
# Steps that do not move the state but are allowed only in some states.
ALLOWED_IN: dict[str, frozenset] = {
    DA.UPDATE: frozenset({D.DRAFT}),
}


class ServiceMethod(models.TextChoices):
    """送达方式 (民事诉讼法 第七章第二节, applied through 行政处罚法 第六十一条)."""

    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    MAIL = "mail", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")
    PUBLIC = "public", _("公告送达")
    ENTRUSTED = "entrusted", _("委托送达")


class NextAction(models.TextChoices):
    """What a failed review proposes (整改复查意见书)."""

    NONE = "", _("无")
    PENALTY = "penalty", _("立案查处（行政处罚）")
    SUSPEND = "suspend", _("责令暂时停产停业")
    REFERRAL = "referral", _("移送司法机关")


class CoerciveMeasure(models.TextChoices):
    SEAL = "seal", _("查封")
    SEIZE = "seize", _("扣押")


class Party(models.TextChoices):
    UNIT = "unit", _("生产经营单位")
    PERSON = "person", _("个人")


class FineStage(models.TextChoices):
    IMMEDIATE = "immediate", _("发现违法行为时")
    AFTER_DEADLINE = "after_deadline", _("逾期未改正（拒不改正）")


class CaseState(models.TextChoices):
    OPEN = "open", _("已立案")
    NOTIFIED = "notified", _("已告知")
    HEARING_REQUESTED = "hearing_requested", _("已申请听证")
    HEARING_HELD = "hearing_held", _("听证结束")
    DECIDED = "decided", _("已决定")
    PAID = "paid", _("罚款已缴纳")
    EXECUTED = "executed", _("已执行")
    CLOSED = "closed", _("已结案")


CASE_OPEN_STATES = frozenset(set(CaseState) - {CaseState.CLOSED})


class HearingOutcome(models.TextChoices):
    HELD = "held", _("已举行听证")
    ABANDONED = "abandoned", _("当事人无正当理由未出席，视为放弃")
    WITHDRAWN = "withdrawn", _("当事人撤回听证申请")


class CaseAction(models.TextChoices):
    OPEN = "open", _("立案")
    UPDATE = "update", _("修改案情")
    ITEM = "item", _("编辑处罚项")
    NOTIFY = "notify", _("告知书已送达")
    NOTICE_DRAFT = "notice_draft", _("起草行政处罚告知书")
    DECISION_DRAFT = "decision_draft", _("起草行政处罚决定书")
    REFERRAL_DRAFT = "referral_draft", _("起草移送书")
    STATEMENT = "statement", _("记录陈述申辩")
    WAIVE = "waive", _("当事人放弃权利")
    REQUEST_HEARING = "request_hearing", _("当事人申请听证")
    SCHEDULE_HEARING = "schedule_hearing", _("通知听证")
    HOLD_HEARING = "hold_hearing", _("听证结束")
    DECIDE = "decide", _("决定书已送达")
    PAY = "pay", _("缴纳罚款")
    EXECUTE = "execute", _("执行完毕")
    CLOSE = "close", _("结案")


C = CaseState
CA = CaseAction
CASE_TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    CA.NOTIFY: (frozenset({C.OPEN}), C.NOTIFIED),
    CA.REQUEST_HEARING: (frozenset({C.NOTIFIED}), C.HEARING_REQUESTED),
    CA.HOLD_HEARING: (frozenset({C.HEARING_REQUESTED}), C.HEARING_HELD),
    CA.DECIDE: (frozenset({C.NOTIFIED, C.HEARING_HELD}), C.DECIDED),
    CA.PAY: (frozenset({C.DECIDED}), C.PAID),
    CA.EXECUTE: (frozenset({C.DECIDED, C.PAID}), C.EXECUTED),
    # Closing before a decision is 撤销立案 / 不予行政处罚 / 移送 (a reason is required); a decided case
    # closes only once the decision has been carried out.
    CA.CLOSE: (frozenset({C.OPEN, C.NOTIFIED, C.HEARING_HELD, C.PAID, C.EXECUTED}), C.CLOSED),
}
BEFORE_NOTICE = frozenset({C.OPEN})
AFTER_NOTICE = frozenset({C.NOTIFIED, C.HEARING_REQUESTED, C.HEARING_HELD})
CASE_ALLOWED_IN: dict[str, frozenset] = {
    CA.UPDATE: BEFORE_NOTICE | AFTER_NOTICE,
    # Before the notice: anything; after it only lower amounts or dropped items (a heavier penalty needs
    # a new notice, 行政处罚法 第四十四条).
    CA.ITEM: BEFORE_NOTICE | AFTER_NOTICE,
    CA.STATEMENT: AFTER_NOTICE,
    CA.WAIVE: AFTER_NOTICE,
    CA.SCHEDULE_HEARING: frozenset({C.HEARING_REQUESTED}),
    CA.NOTICE_DRAFT: BEFORE_NOTICE,
    CA.DECISION_DRAFT: frozenset({C.NOTIFIED, C.HEARING_HELD}),
    CA.REFERRAL_DRAFT: CASE_OPEN_STATES,
}

# Penalty measures besides fines, from anjian.rules.procedure.MEASURES; printed after the fine.
MEASURE_TEXT = {
    "warning": _("警告"),
    "suspend": _("责令停产停业整顿"),
    "close": _("提请有关人民政府予以关闭"),
    "revoke_licence": _("吊销有关证照"),
    "restrict_practice": _("限制从业"),
    "confiscate": _("没收违法所得"),
    "confiscate_large": _("没收较大数额违法所得、非法财物"),
}

# Measures a 现场处理措施决定书 may order (安全生产法 第六十五条第一款第（三）项).
ONSITE_MEASURES = (
    _("责令从危险区域内撤出作业人员"),
    _("责令暂时停产停业"),
    _("责令停止使用相关设施、设备"),
)


class ClockStatus(models.TextChoices):
    """Where a procedure clock of a case stands (``clocks.case_clocks``)."""

    OK = "ok", _("期限内")
    DUE = "due", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已完成")
    ENDED = "ended", _("期间已届满")
