"""Accidents (生产安全事故) and near misses (较大涉险事故): the case, its reporting clock, supplementary
reports, investigation, accountability, corrective measures, supervision listings and control targets.

State changes go through the services only (``reporting.py``, ``investigation.py``, ``targets.py``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import (
    ACCIDENT_TYPE_CHOICES,
    INVESTIGATION_LEVEL_CHOICES,
    NEAR_MISS_ITEM_CHOICES,
    REPORT_LEVEL_CHOICES,
    AccidentGradeChoice,
    AccidentKind,
    AccidentState,
    ListingLevel,
    MeasureState,
    MemberRole,
    PenaltyMeasure,
    PenaltyTarget,
    ReportingFinding,
    ReportSource,
    SupplementKind,
)
from anjian.core.choices import Sector

_USER = settings.AUTH_USER_MODEL


class Accident(models.Model):
    """One accident or near miss at one unit, from the first report (快报) to the case's close.

    The casualty and loss figures are the current ones (after the last 续报); ``grade`` is always
    computed from them by :func:`anjian.rules.accidents.classify`, and ``grade_basis`` keeps the
    figures, the missing-persons setting and the reasons it was computed from. A near miss has no grade.
    """

    number = models.CharField(_("事故编号"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=AccidentKind.choices, default=AccidentKind.ACCIDENT)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("事故发生单位"), on_delete=models.PROTECT, related_name="accidents"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    unit_was_unregistered = models.BooleanField(_("事发前未在册"), default=False)
    sector = models.CharField(_("行业领域"), max_length=20, choices=Sector.choices)

    occurred_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("发生地点"), max_length=200)
    accident_type = models.CharField(_("事故类别（GB 6441）"), max_length=2, choices=ACCIDENT_TYPE_CHOICES)
    supplement_kind = models.CharField(
        _("补报时限类别"), max_length=20, choices=SupplementKind.choices, default=SupplementKind.GENERAL
    )
    near_miss_item = models.CharField(_("涉险情形"), max_length=2, choices=NEAR_MISS_ITEM_CHOICES, blank=True)

    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    missing = models.PositiveIntegerField(_("下落不明人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数（含急性工业中毒）"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    direct_loss_yuan = models.DecimalField(_("直接经济损失（元）"), max_digits=16, decimal_places=2, default=0)
    missing_count_as_deaths = models.BooleanField(_("下落不明计入死亡"), default=True)
    grade = models.CharField(_("事故等级"), max_length=20, choices=AccidentGradeChoice.choices, blank=True)
    grade_basis = models.JSONField(_("定级依据"), default=dict, blank=True)
    investigating_level = models.CharField(
        _("负责调查的人民政府"), max_length=20, choices=INVESTIGATION_LEVEL_CHOICES, blank=True
    )
    level_changed_from = models.CharField(
        _("原负责调查的人民政府"), max_length=20, choices=INVESTIGATION_LEVEL_CHOICES, blank=True
    )
    level_changed_at = models.DateTimeField(_("调查级别变更时间"), null=True, blank=True)

    account = models.TextField(_("事故简要经过"))
    measures_taken = models.TextField(_("已经采取的措施"), blank=True)
    reporter_name = models.CharField(_("报告人"), max_length=50)
    reporter_phone = models.CharField(_("报告人电话"), max_length=30, blank=True)
    reported_by = models.ForeignKey(
        _USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="accidents_reported"
    )
    source = models.CharField(_("接报来源"), max_length=20, choices=ReportSource.choices, default=ReportSource.UNIT)

    # The clock (条例 第九条): when the unit's principal learned of it, when the county department received it.
    unit_learned_at = models.DateTimeField(_("单位负责人接到报告时间"), null=True, blank=True)
    county_received_at = models.DateTimeField(_("县级部门接到报告时间"), null=True, blank=True)
    county_received_by = models.ForeignKey(
        _USER, verbose_name=_("接报人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_report_minutes_late = models.PositiveIntegerField(_("单位报告迟延（分钟）"), null=True, blank=True)
    # Reported from elsewhere and never by the unit: suspected omitted or concealed report, for follow-up.
    suspected_unreported = models.BooleanField(_("疑似漏报瞒报"), default=False)
    reporting_finding = models.CharField(
        _("报告情况认定"), max_length=20, choices=ReportingFinding.choices, blank=True
    )
    reporting_finding_note = models.TextField(_("认定说明"), blank=True)
    reporting_finding_by = models.ForeignKey(
        _USER, verbose_name=_("认定人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporting_finding_at = models.DateTimeField(_("认定时间"), null=True, blank=True)

    state = models.CharField(_("状态"), max_length=20, choices=AccidentState.choices, default=AccidentState.REPORTED)
    state_changed_at = models.DateTimeField(_("状态变更时间"), auto_now_add=True)
    listed = models.BooleanField(_("调查挂牌督办中"), default=False)

    # 四不放过: code → evidence text (see anjian.rules.accidents.FOUR_NOT_LET_GO)
    closure_evidence = models.JSONField(_("四不放过落实情况"), default=dict, blank=True)
    closing_note = models.TextField(_("结案说明"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        _USER, verbose_name=_("结案人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["region_code", "occurred_at"], name="accident_region_time"),
            models.Index(fields=["state", "region_code"], name="accident_state_region"),
        ]
        constraints = [
            # A grade is never stored without the figures it came from; a near miss has none.
            models.CheckConstraint(
                condition=(Q(kind=AccidentKind.ACCIDENT) & ~Q(grade="") & ~Q(grade_basis={}))
                | (Q(kind=AccidentKind.NEAR_MISS) & Q(grade="")),
                name="accident_grade_with_basis",
            ),
            models.CheckConstraint(condition=Q(direct_loss_yuan__gte=0), name="accident_loss_not_negative"),
            # … and the basis holds the figures themselves, not just anything.
            models.CheckConstraint(
                condition=Q(kind=AccidentKind.NEAR_MISS)
                | Q(grade_basis__has_keys=["deaths", "missing", "serious_injuries", "direct_loss_yuan", "reasons"]),
                name="accident_basis_has_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise.name if self.enterprise_id else ''}"

    @property
    def is_near_miss(self) -> bool:
        return self.kind == AccidentKind.NEAR_MISS

    @property
    def injuries(self) -> int:
        return self.serious_injuries + self.minor_injuries


class AccidentEvent(models.Model):
    """What happened to the case, by whom and when (the case's own log, next to the audit chain)."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(_USER, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=100)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["accident", "at"], name="accident_event_time")]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.action}"


class Transmission(models.Model):
    """One upward report along the chain of 条例 第十条、第十一条 (``step`` is a code of ``rules.CHAIN``)."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="transmissions")
    step = models.CharField(_("上报环节"), max_length=40)
    received_at = models.DateTimeField(_("本级接到报告时间"))
    sent_at = models.DateTimeField(_("上报时间"))
    deadline = models.DateTimeField(_("上报时限"), null=True, blank=True)
    minutes_late = models.PositiveIntegerField(_("迟报（分钟）"), default=0)
    recipient = models.CharField(_("接收机关"), max_length=100, blank=True)
    sender_name = models.CharField(_("上报人"), max_length=100)
    sent_by = models.ForeignKey(_USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["accident", "step"], name="transmission_once_per_step")]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.step}"


class SameLevelNotice(models.Model):
    """A notice to public security, labour, trade union, procuratorate or the same-level government (第十条)."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="notices")
    level = models.CharField(_("层级"), max_length=20, choices=REPORT_LEVEL_CHOICES)
    party = models.CharField(_("通知对象"), max_length=30)
    notified_at = models.DateTimeField(_("通知时间"))
    by = models.ForeignKey(_USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["level", "party"]
        constraints = [models.UniqueConstraint(fields=["accident", "level", "party"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.level} {self.party}"


class Supplement(models.Model):
    """A 续报: the figures after it, and the grade and investigating level before and after."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="supplements")
    reported_at = models.DateTimeField(_("续报时间"))
    deaths = models.PositiveIntegerField(_("死亡人数"))
    missing = models.PositiveIntegerField(_("下落不明人数"))
    serious_injuries = models.PositiveIntegerField(_("重伤人数（含急性工业中毒）"))
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"))
    direct_loss_yuan = models.DecimalField(_("直接经济损失（元）"), max_digits=16, decimal_places=2)
    note = models.TextField(_("续报内容"))
    grade_before = models.CharField(max_length=20, blank=True)
    grade_after = models.CharField(max_length=20, blank=True)
    level_before = models.CharField(max_length=20, blank=True)
    level_after = models.CharField(max_length=20, blank=True)
    by = models.ForeignKey(_USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.accident_id} 续报 {self.reported_at:%Y-%m-%d %H:%M}"


class Investigation(models.Model):
    """The investigation (第十九条–第三十条): who, the deadline clock, and the report's six parts (第三十条)."""

    accident = models.OneToOneField(Accident, on_delete=models.CASCADE, related_name="investigation")
    level = models.CharField(_("负责调查的人民政府"), max_length=20, choices=INVESTIGATION_LEVEL_CHOICES)
    team_name = models.CharField(_("事故调查组"), max_length=200)
    organised_by = models.ForeignKey(
        "core.Authority", verbose_name=_("组织调查的机关"), on_delete=models.PROTECT, related_name="+"
    )
    entrusted_to_unit = models.BooleanField(_("委托事故发生单位调查"), default=False)
    formed_on = models.DateField(_("调查组成立日期"))
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    extension_approved_by = models.CharField(_("批准延长的人民政府"), max_length=100, blank=True)
    deadline = models.DateField(_("调查报告提交期限"))

    report_unit_overview = models.TextField(_("事故发生单位概况"), blank=True)
    report_course_rescue = models.TextField(_("事故发生经过和事故救援情况"), blank=True)
    report_casualties_loss = models.TextField(_("事故造成的人员伤亡和直接经济损失"), blank=True)
    report_cause_nature = models.TextField(_("事故发生的原因和事故性质"), blank=True)
    report_responsibility = models.TextField(_("事故责任的认定以及对事故责任者的处理建议"), blank=True)
    report_prevention = models.TextField(_("事故防范和整改措施"), blank=True)
    report_submitted_on = models.DateField(_("调查报告提交日期"), null=True, blank=True)

    reply_extension_days = models.PositiveSmallIntegerField(_("批复延长天数"), default=0)
    reply_deadline = models.DateField(_("批复期限"), null=True, blank=True)
    reply_document = models.CharField(_("批复文号"), max_length=100, blank=True)
    reply_authority = models.CharField(_("批复机关"), max_length=100, blank=True)
    replied_on = models.DateField(_("批复日期"), null=True, blank=True)
    reply_summary = models.TextField(_("批复要点"), blank=True)

    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    publication = models.CharField(_("公布途径"), max_length=300, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    REPORT_PARTS = (
        "report_unit_overview",
        "report_course_rescue",
        "report_casualties_loss",
        "report_cause_nature",
        "report_responsibility",
        "report_prevention",
    )

    def __str__(self) -> str:
        return self.team_name


class AppraisalPause(models.Model):
    """Technical appraisal time, not counted in the investigation deadline (条例 第二十七条)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("鉴定事项"), max_length=200)
    started_on = models.DateField(_("鉴定开始日期"))
    ended_on = models.DateField(_("鉴定结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return self.reason

    @property
    def days(self) -> int | None:
        return None if self.ended_on is None else (self.ended_on - self.started_on).days


class TeamMember(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("组内职务"), max_length=10, choices=MemberRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("单位"), max_length=100)
    position = models.CharField(_("职务"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class Penalty(models.Model):
    """A decided accountability measure; a fine is checked against the range of its article."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="penalties")
    target = models.CharField(_("对象"), max_length=20, choices=PenaltyTarget.choices)
    person_name = models.CharField(_("责任人或单位名称"), max_length=200)
    measure = models.CharField(_("处理方式"), max_length=20, choices=PenaltyMeasure.choices)
    amount_yuan = models.PositiveBigIntegerField(_("罚款金额（元）"), null=True, blank=True)
    last_year_income_yuan = models.PositiveBigIntegerField(_("上一年年收入（元）"), null=True, blank=True)
    aggravated = models.BooleanField(_("情节特别严重、影响特别恶劣"), default=False)
    check_message = models.TextField(_("金额核对"), blank=True)
    document_number = models.CharField(_("决定文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(_USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_measure_display()}"


class CorrectiveMeasure(models.Model):
    """One 防范和整改措施 from the report or reply; tracked as a hazard when ``hazard`` is set."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="measures")
    description = models.TextField(_("整改措施"))
    responsible = models.CharField(_("责任单位或责任人"), max_length=100)
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=MeasureState.choices, default=MeasureState.OPEN)
    hazard = models.ForeignKey(
        "hazards.Hazard", verbose_name=_("跟踪隐患"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField(_("落实日期"), null=True, blank=True)
    done_note = models.TextField(_("落实情况"), blank=True)
    by = models.ForeignKey(_USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:50]


class InvestigationListing(models.Model):
    """挂牌督办 of an accident's investigation by a higher level; one open listing per accident."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="listings")
    region_code = models.CharField(max_length=12, editable=False)
    level = models.CharField(_("督办层级"), max_length=10, choices=ListingLevel.choices)
    authority = models.ForeignKey("core.Authority", verbose_name=_("挂牌机关"), on_delete=models.PROTECT)
    document_number = models.CharField(_("督办文号"), max_length=100)
    deadline = models.DateField(_("督办期限"))
    requirements = models.TextField(_("督办要求"), blank=True)
    listed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    listed_at = models.DateTimeField(_("挂牌时间"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)
    lift_document = models.CharField(_("摘牌文号"), max_length=100, blank=True)
    lifted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-listed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["accident"], condition=Q(lifted_at__isnull=True), name="one_open_investigation_listing"
            )
        ]

    def __str__(self) -> str:
        return self.document_number


class ControlTarget(models.Model):
    """An annual control target (控制指标) for one jurisdiction, optionally for one sector."""

    region = models.ForeignKey("core.Region", verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    sector = models.CharField(_("行业领域"), max_length=20, choices=Sector.choices, blank=True)
    max_accidents = models.PositiveIntegerField(_("事故起数控制指标"), null=True, blank=True)
    max_deaths = models.PositiveIntegerField(_("死亡人数控制指标"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(_USER, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("下达时间"), auto_now=True)

    class Meta:
        verbose_name = _("控制指标")
        verbose_name_plural = _("控制指标")
        ordering = ["-year", "region__code", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "sector"], name="one_target_per_region_year_sector"),
            models.CheckConstraint(
                condition=Q(max_accidents__isnull=False) | Q(max_deaths__isnull=False), name="target_has_a_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.sector}"


class TargetWarning(models.Model):
    """A warning sent at a threshold (80%, 100%) of a target; each is sent once."""

    target = models.ForeignKey(ControlTarget, on_delete=models.CASCADE, related_name="warnings")
    measure = models.CharField(max_length=10)  # "accidents" | "deaths"
    threshold = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "measure", "threshold"], name="target_warning_once")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.measure} {self.threshold}%"


class AccidentReminder(models.Model):
    """A clock reminder sent for an accident (an upward report overdue, the investigation due or overdue, the reply
    overdue, a corrective measure overdue); ``key`` names the step, deadline or measure, so each goes out once."""

    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=30)
    key = models.CharField(max_length=60)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["accident", "stage", "key"], name="accident_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.stage} {self.key}"
