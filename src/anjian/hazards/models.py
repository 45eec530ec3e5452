"""Hazards (隐患) and what hangs off them: events, photos, extensions, supervision listings,
reminders sent, rollups and the enterprise's periodic statistics reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import (
    DEADLINE_STATES,
    Action,
    ExtensionState,
    HazardCategory,
    HazardGrade,
    HazardRoute,
    HazardState,
    ListingLevel,
    PhotoKind,
    ProductionStop,
    ReportState,
)

_USER = settings.AUTH_USER_MODEL


class Hazard(models.Model):
    """One hazard found at one enterprise, from its report to its close (or rejection).

    ``region_code`` copies the enterprise's code so a jurisdiction is a range on an indexed
    column. The treatment fields (measures … contingency plan) are the "five in place"; the
    ``plan_*`` and ``report_*`` fields complete a major hazard's treatment plan and its report to
    the supervising authority (令16号 第十四条、第十五条). State changes go through services only.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="hazards"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)

    found_at = models.DateTimeField(_("发现时间"))
    location = models.CharField(_("隐患部位"), max_length=200)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    found_by = models.ForeignKey(
        _USER, verbose_name=_("发现人"), null=True, on_delete=models.PROTECT, related_name="hazards_found"
    )
    route = models.CharField(_("发现途径"), max_length=30, choices=HazardRoute.choices)
    source_reference = models.CharField(_("来源文书或检查记录编号"), max_length=100, blank=True)
    description = models.TextField(_("隐患描述"))
    category = models.CharField(_("隐患类别"), max_length=20, choices=HazardCategory.choices)

    grade = models.CharField(_("隐患等级"), max_length=10, choices=HazardGrade.choices, blank=True)
    criterion_code = models.CharField(_("判定依据代码"), max_length=40, blank=True)
    criterion_text = models.TextField(_("判定依据"), blank=True)

    state = models.CharField(_("状态"), max_length=30, choices=HazardState.choices, default=HazardState.REPORTED)
    state_changed_at = models.DateTimeField(_("状态变更时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        _USER, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reject_reason = models.TextField(_("不属于隐患的理由"), blank=True)

    # 五到位
    measures = models.TextField(_("整改措施"), blank=True)
    responsible_name = models.CharField(_("整改责任人"), max_length=50, blank=True)
    responsible_user = models.ForeignKey(
        _USER, verbose_name=_("整改责任人账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    funds = models.DecimalField(_("整改资金（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    contingency_plan = models.TextField(_("应急预案"), blank=True)
    # 重大隐患治理方案的其余内容与报告三要素
    plan_goals = models.TextField(_("治理的目标和任务"), blank=True)
    plan_safety_measures = models.TextField(_("治理期间的安全措施"), blank=True)
    production_stop = models.CharField(_("停产停业范围"), max_length=10, choices=ProductionStop.choices, blank=True)
    report_state_cause = models.TextField(_("隐患的现状及其产生原因"), blank=True)
    report_harm_difficulty = models.TextField(_("隐患的危害程度和整改难易程度分析"), blank=True)
    plan_reported_at = models.DateTimeField(_("治理方案报送时间"), null=True, blank=True)

    # 短期内难以整改：临时管控
    monitoring_measures = models.TextField(_("监控措施"), blank=True)
    checkin_interval_days = models.PositiveSmallIntegerField(_("管控检查间隔（天）"), null=True, blank=True)
    next_checkin_due = models.DateField(_("下次管控检查日期"), null=True, blank=True)

    rectification_note = models.TextField(_("整改情况"), blank=True)
    rectified_by = models.ForeignKey(
        _USER, verbose_name=_("整改提交人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rectified_at = models.DateTimeField(_("整改提交时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        _USER, verbose_name=_("验收人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    verification_note = models.TextField(_("验收意见"), blank=True)
    close_out_document = models.CharField(_("销号文号"), max_length=100, blank=True)

    return_count = models.PositiveSmallIntegerField(_("验收退回次数"), default=0)
    accountability_flag = models.BooleanField(_("两次整改不到位（追责）"), default=False)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    is_overdue = models.BooleanField(_("已逾期"), default=False)
    listed = models.BooleanField(_("挂牌督办中"), default=False)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        indexes = [
            models.Index(fields=["enterprise", "-id"], name="hazard_enterprise_id"),
            models.Index(fields=["region_code", "-id"], name="hazard_region_id"),
            models.Index(fields=["state", "-id"], name="hazard_state_id"),
            # The deadline scan reads only hazards with a running deadline, by date.
            models.Index(
                fields=["deadline"],
                name="hazard_open_deadline",
                condition=Q(state__in=sorted(s.value for s in DEADLINE_STATES)),
            ),
            models.Index(
                fields=["next_checkin_due"],
                name="hazard_checkin_due",
                condition=Q(state=HazardState.TEMPORARY_CONTROL),
            ),
            models.Index(
                fields=["accountability_flag"], name="hazard_accountable", condition=Q(accountability_flag=True)
            ),
            # ?overdue=true walks this instead of the table, whatever the planner's statistics say
            # (bench/: 300 ms with statistics from before the scan flagged 1% of rows, 10 ms with it).
            models.Index(fields=["-id"], name="hazard_overdue_id", condition=Q(is_overdue=True)),
        ]
        constraints = [
            models.CheckConstraint(
                name="hazard_major_names_basis",
                condition=~Q(grade=HazardGrade.MAJOR) | ~Q(criterion_text=""),
                violation_error_message=_("重大隐患须写明判定依据。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:30]}"

    @property
    def number(self) -> str:
        return f"YH{self.pk:08d}" if self.pk else ""

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR


class HazardEvent(models.Model):
    """A workflow step as the regulator reads it: who did what, when, from which state to which,
    and why. The tamper-evident audit chain (core.AuditEvent) records the same step too."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=30, blank=True)
    to_state = models.CharField(_("新状态"), max_length=30, blank=True)
    actor = models.ForeignKey(_USER, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=100)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由或说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.hazard_id}:{self.action}"

    def get_action_label(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action

    @property
    def from_state_label(self) -> str:
        return str(HazardState(self.from_state).label) if self.from_state in HazardState.values else self.from_state

    @property
    def to_state_label(self) -> str:
        return str(HazardState(self.to_state).label) if self.to_state in HazardState.values else self.to_state


def photo_path(instance, filename: str) -> str:
    return f"hazards/{instance.hazard_id}/{instance.kind}-{instance.sha256[:16]}.jpg"


class HazardPhoto(models.Model):
    """A photo of the hazard before or after rectification, re-encoded as JPEG without metadata;
    the position the camera recorded (EXIF GPS) is kept here as data."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("类型"), max_length=10, choices=PhotoKind.choices)
    image = models.FileField(_("照片"), upload_to=photo_path)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("字节数"))
    latitude = models.DecimalField(_("拍摄纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("拍摄经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.CharField(_("拍摄时间（相机记录）"), max_length=30, blank=True)
    uploaded_by = models.ForeignKey(_USER, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.hazard_id}:{self.kind}:{self.pk}"


class ExtensionRequest(models.Model):
    """A request to move a hazard's deadline; at most one pending per hazard."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField(_("延期理由"))
    old_deadline = models.DateField(_("原整改期限"))
    new_deadline = models.DateField(_("申请延期至"))
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("状态"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(state=ExtensionState.PENDING),
                name="one_pending_extension_per_hazard",
                violation_error_message=_("该隐患已有待审批的延期申请。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id}→{self.new_deadline}"


class SupervisionListing(models.Model):
    """挂牌督办 of a major hazard by a county, city or province authority; lifted (摘牌) at close-out."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="listings")
    region_code = models.CharField(max_length=12, editable=False)
    level = models.CharField(_("督办层级"), max_length=10, choices=ListingLevel.choices)
    authority = models.ForeignKey("core.Authority", verbose_name=_("挂牌机关"), on_delete=models.PROTECT)
    document_number = models.CharField(_("督办文号"), max_length=100)
    deadline = models.DateField(_("督办期限"))
    government_contact = models.CharField(_("政府督办责任人"), max_length=100)
    publicly_announced = models.BooleanField(_("向社会公告"), default=False)
    listed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    listed_at = models.DateTimeField(_("挂牌时间"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)
    lift_document = models.CharField(_("摘牌文号"), max_length=100, blank=True)
    lifted_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_listing_per_hazard",
                violation_error_message=_("该隐患已在挂牌督办中。"),
            )
        ]
        indexes = [
            models.Index(fields=["-id"], name="listing_public", condition=Q(publicly_announced=True)),
        ]

    def __str__(self) -> str:
        return self.document_number


class HazardReminder(models.Model):
    """One reminder stage sent for one hazard and deadline. The unique key makes each reminder go
    out once, however many scans run and however many workers run them at once."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=30)
    deadline = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hazard", "stage", "deadline"], name="one_reminder_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id}:{self.stage}:{self.deadline}"


class HazardMonthly(models.Model):
    """Flow counters per township (or village) code, sector ('' = all sectors) and month, kept by the
    services as hazards are confirmed and closed; a jurisdiction's figures are a sum over a range."""

    region_code = models.CharField(max_length=12)
    sector = models.CharField(max_length=30, blank=True)
    month = models.DateField()
    found = models.IntegerField(default=0)
    major_found = models.IntegerField(default=0)
    rectified = models.IntegerField(default=0)
    major_rectified = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sector", "region_code", "month"], name="hazard_monthly_key"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code}/{self.sector}/{self.month}"


class HazardGauge(models.Model):
    """Current counts per township code and sector: awaiting confirmation, open (confirmed, not closed),
    major open, listed for supervision, overdue."""

    region_code = models.CharField(max_length=12)
    sector = models.CharField(max_length=30, blank=True)
    reported = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    major_open = models.IntegerField(default=0)
    listed = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sector", "region_code"], name="hazard_gauge_key"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code}/{self.sector}"


class HazardReport(models.Model):
    """The enterprise's quarterly or annual hazard statistics (令16号 第十四条), generated from the
    ledger, signed by the principal (bound to the figures by their hash) and submitted."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="hazard_reports")
    region_code = models.CharField(max_length=12, editable=False)
    period = models.CharField(_("统计期"), max_length=8)
    due_date = models.DateField(_("报送期限"))
    figures = models.JSONField(_("统计数据"))
    content_hash = models.CharField(max_length=64)
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    signed_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐患排查治理统计报表")
        verbose_name_plural = _("隐患排查治理统计报表")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period"], name="one_report_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.period}"

    @property
    def late(self) -> bool:
        return bool(self.submitted_at and timezone.localtime(self.submitted_at).date() > self.due_date)
