"""Enforcement documents (执法文书) with their numbering counters and events, penalty cases (行政处罚案件)
with their items and events, the per-authority settings printed on the documents, and the review
reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.enforcement.choices import (
    LIVE_STATES,
    SERVED_STATES,
    CaseAction,
    CaseState,
    DocAction,
    DocState,
    DocType,
    FineStage,
    HearingOutcome,
    Party,
    ServiceMethod,
)

_USER = settings.AUTH_USER_MODEL
_LIVE = sorted(s.value for s in LIVE_STATES)


class AuthorityProfile(models.Model):
    """What an authority prints on its documents where the derived default is not right: the short name
    in document numbers (default: the region's name without 省/市/县/区, see numbering.authority_short), the
    place fines are paid, the review body (复议机关) and the court, and the contact line."""

    authority = models.OneToOneField(
        "core.Authority", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="enforcement_profile"
    )
    short_name = models.CharField(_("文号机关简称"), max_length=10, blank=True)
    payment_place = models.CharField(_("罚款缴纳地点"), max_length=200, blank=True)
    review_body = models.CharField(_("行政复议机关"), max_length=100, blank=True)
    court = models.CharField(_("管辖人民法院"), max_length=100, blank=True)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("执法文书设置")
        verbose_name_plural = _("执法文书设置")

    def __str__(self) -> str:
        return str(self.authority_id)


class DocumentCounter(models.Model):
    """The last serial number given to one authority's documents of one type in one calendar year. The row
    is locked (SELECT … FOR UPDATE) while a number is taken, inside the approval's transaction, so numbers
    are gap-free: a refused or rolled-back approval gives its number back."""

    authority = models.ForeignKey("core.Authority", on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(max_length=30, choices=DocType.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("文书编号计数器")
        verbose_name_plural = _("文书编号计数器")
        constraints = [
            models.UniqueConstraint(fields=["authority", "doc_type", "year"], name="one_counter_per_type_year"),
        ]

    def __str__(self) -> str:
        return f"{self.authority_id}/{self.doc_type}/{self.year}: {self.last}"


class PenaltyCase(models.Model):
    """行政处罚案件: opened (立案) by an authority against one enterprise, carried through the notice
    (告知书), the party's statement or hearing, the decision (决定书) and its execution. ``region_code``
    copies the enterprise's code. Dates are the ones the procedure clocks count from."""

    authority = models.ForeignKey("core.Authority", verbose_name=_("立案机关"), on_delete=models.PROTECT)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="penalty_cases"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    cause = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法事实"), blank=True)
    evidence = models.TextField(_("证据"), blank=True)
    opened_on = models.DateField(_("立案日期"))
    opened_by = models.ForeignKey(
        _USER, verbose_name=_("立案人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    source_inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("案件来源检查"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    source_document = models.ForeignKey(
        "enforcement.EnforcementDocument", verbose_name=_("案件来源文书"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases_opened",
    )
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.OPEN)
    state_changed_at = models.DateTimeField(auto_now_add=True)

    notice_served_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    statement_deadline = models.DateField(_("陈述申辩期限"), null=True, blank=True)
    hearing_right = models.BooleanField(_("有听证权利"), default=False)
    hearing_deadline = models.DateField(_("申请听证期限"), null=True, blank=True)

    statement_text = models.TextField(_("陈述申辩内容"), blank=True)
    statement_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    statement_review = models.TextField(_("复核意见"), blank=True)
    statement_waived = models.BooleanField(_("放弃陈述申辩"), default=False)
    hearing_waived = models.BooleanField(_("放弃听证"), default=False)
    waiver_note = models.TextField(_("放弃权利的说明"), blank=True)

    hearing_requested_on = models.DateField(_("申请听证日期"), null=True, blank=True)
    hearing_date = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_place = models.CharField(_("听证地点"), max_length=200, blank=True)
    hearing_notified_on = models.DateField(_("听证通知日期"), null=True, blank=True)
    hearing_held_on = models.DateField(_("听证结束日期"), null=True, blank=True)
    hearing_outcome = models.CharField(_("听证结果"), max_length=20, choices=HearingOutcome.choices, blank=True)
    hearing_summary = models.TextField(_("听证情况"), blank=True)

    decision_on = models.DateField(_("作出决定日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定书送达日期"), null=True, blank=True)
    total_fine = models.PositiveIntegerField(_("罚款合计（元）"), default=0)
    payment_due = models.DateField(_("缴款期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    paid_amount = models.PositiveIntegerField(_("实缴金额（元）"), null=True, blank=True)
    closed_reason = models.TextField(_("结案说明"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        indexes = [
            models.Index(fields=["enterprise", "-id"], name="case_enterprise_id"),
            models.Index(fields=["region_code", "-id"], name="case_region_id"),
            models.Index(fields=["authority", "state", "-id"], name="case_authority_state_id"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.cause[:30]}"

    @property
    def number(self) -> str:
        return f"AJ{self.pk:08d}" if self.pk else ""


class EnforcementDocument(models.Model):
    """One enforcement document, drafted from its source (an inspection, an order, a case), approved by
    a leader (which gives it its number and fixes ``content_hash``), served on the party and then executed
    or closed. ``content`` holds the type's body exactly as the PDF contract names it, ``party`` the
    enterprise as printed, ``inspectors`` the officers as printed. A served document never changes; a
    correction is a new document."""

    authority = models.ForeignKey("core.Authority", verbose_name=_("制作机关"), on_delete=models.PROTECT)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("当事人"), on_delete=models.PROTECT,
        related_name="enforcement_documents",
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    doc_type = models.CharField(_("文书类型"), max_length=30, choices=DocType.choices)
    state = models.CharField(_("状态"), max_length=20, choices=DocState.choices, default=DocState.DRAFT)
    state_changed_at = models.DateTimeField(auto_now_add=True)

    year = models.PositiveSmallIntegerField(_("文号年份"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("文号序号"), null=True, blank=True)
    number = models.CharField(_("文书编号"), max_length=60, blank=True)

    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("来源检查"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="enforcement_documents",
    )
    case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("关联文书"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    content = models.JSONField(_("文书内容"), default=dict)
    party = models.JSONField(_("当事人信息"), default=dict)
    inspectors = models.JSONField(_("执法人员"), default=list)
    content_hash = models.CharField(_("内容摘要"), max_length=64, blank=True)
    issued_on = models.DateField(_("文书日期"), null=True, blank=True)
    deadline = models.DateField(_("期限"), null=True, blank=True)
    review_due = models.DateField(_("复查日期"), null=True, blank=True)

    drafted_by = models.ForeignKey(_USER, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        _USER, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=20, choices=ServiceMethod.choices, blank=True)
    recipient = models.CharField(_("受送达人"), max_length=100, blank=True)
    service_note = models.CharField(_("送达说明"), max_length=300, blank=True)
    served_by = models.ForeignKey(
        _USER, verbose_name=_("送达人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        indexes = [
            models.Index(fields=["enterprise", "-id"], name="doc_enterprise_id"),
            models.Index(fields=["region_code", "-id"], name="doc_region_id"),
            models.Index(fields=["authority", "doc_type", "-id"], name="doc_authority_type_id"),
            # The review scan reads only served orders whose review is due, by date.
            models.Index(
                fields=["review_due"],
                name="doc_review_due",
                condition=Q(doc_type=DocType.RECTIFICATION_ORDER, state=DocState.SERVED),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "doc_type", "year", "serial"],
                condition=Q(serial__isnull=False),
                name="document_number_unique",
                violation_error_message=_("该文书编号已被使用。"),
            ),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=Q(doc_type=DocType.INSPECTION_RECORD, state__in=_LIVE),
                name="one_record_per_inspection",
                violation_error_message=_("该检查已有现场检查记录。"),
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(doc_type=DocType.REVIEW_OPINION, state__in=_LIVE),
                name="one_review_per_order",
                violation_error_message=_("该指令书已有整改复查意见书。"),
            ),
            models.UniqueConstraint(
                fields=["case", "doc_type"],
                condition=Q(doc_type__in=[DocType.PENALTY_NOTICE, DocType.PENALTY_DECISION], state__in=_LIVE),
                name="one_notice_and_decision_per_case",
                violation_error_message=_("该案件已有同类文书。"),
            ),
            models.CheckConstraint(
                name="issued_document_has_number",
                condition=Q(state__in=[DocState.DRAFT, DocState.WITHDRAWN]) | ~Q(number=""),
                violation_error_message=_("已签发的文书必须有编号。"),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_doc_type_display()}（{_('草稿')} #{self.pk}）"

    @property
    def served(self) -> bool:
        return self.state in SERVED_STATES

    @property
    def title(self) -> str:
        return str(self.get_doc_type_display())


class DocumentEvent(models.Model):
    """A step of a document as the regulator reads it: who, when, from which state to which, and why. The
    audit chain records the same step too."""

    document = models.ForeignKey(EnforcementDocument, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=DocAction.choices)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(_USER, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=100)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由或说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("文书处理记录")
        verbose_name_plural = _("文书处理记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.action}"

    @property
    def from_state_label(self) -> str:
        return str(DocState(self.from_state).label) if self.from_state in DocState.values else self.from_state

    @property
    def to_state_label(self) -> str:
        return str(DocState(self.to_state).label) if self.to_state in DocState.values else self.to_state


class PenaltyItem(models.Model):
    """One proposed penalty of a case: a violation of the library (``anjian.rules.violations``), on the unit
    or a named person, the fine (whole 元) and other measures, with the fine check's verdict as last saved.
    ``notified_amount`` is the amount the notice told the party; the decision may not exceed it."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    violation_code = models.CharField(_("违法行为"), max_length=40)
    party = models.CharField(_("被处罚人类别"), max_length=10, choices=Party.choices, default=Party.UNIT)
    party_name = models.CharField(_("被处罚人"), max_length=100)
    amount = models.PositiveIntegerField(_("罚款（元）"), default=0)
    stage = models.CharField(_("适用情形"), max_length=20, choices=FineStage.choices, default=FineStage.IMMEDIATE)
    illegal_gains = models.PositiveIntegerField(_("违法所得（元）"), null=True, blank=True)
    last_year_income = models.PositiveIntegerField(_("上一年年收入（元）"), null=True, blank=True)
    aggravated = models.BooleanField(_("情节特别严重、影响特别恶劣"), default=False)
    measures = models.JSONField(_("其他处罚"), default=list, blank=True)
    verdict_ok = models.BooleanField(_("罚款在法定幅度内"), default=False)
    verdict_message = models.TextField(_("罚款核对结果"), blank=True)
    notified_amount = models.PositiveIntegerField(_("告知的罚款（元）"), null=True, blank=True)

    class Meta:
        verbose_name = _("处罚项")
        verbose_name_plural = _("处罚项")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.violation_code}:{self.amount}"


class CaseEvent(models.Model):
    """A step of a case: who, when, from which state to which, and why."""

    case = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=CaseAction.choices)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(_USER, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=100)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由或说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("案件处理记录")
        verbose_name_plural = _("案件处理记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.action}"

    @property
    def from_state_label(self) -> str:
        return str(CaseState(self.from_state).label) if self.from_state in CaseState.values else self.from_state

    @property
    def to_state_label(self) -> str:
        return str(CaseState(self.to_state).label) if self.to_state in CaseState.values else self.to_state


class ReviewReminder(models.Model):
    """One reminder stage sent for one order's review due date; the unique key makes it go out once."""

    document = models.ForeignKey(EnforcementDocument, on_delete=models.CASCADE, related_name="review_reminders")
    stage = models.CharField(max_length=20)
    due = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "stage", "due"], name="one_review_reminder_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.stage}:{self.due}"
