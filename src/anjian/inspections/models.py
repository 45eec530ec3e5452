"""Checklist templates, inspections with their items, photos, signatures and addenda, and the planning
around them: enforcement credentials, recusals, annual plans and random draws (双随机)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.inspections.choices import (
    DONE_STATES,
    Audience,
    InspectionAction,
    InspectionKind,
    InspectionState,
    ItemResult,
    MemberRole,
    PlanState,
    SignatureKind,
    SignerRole,
    TemplateState,
)

_USER = settings.AUTH_USER_MODEL


class ChecklistTemplate(models.Model):
    """检查表: a versioned list of items. Shipped templates (``authority`` empty) come from
    ``anjian.rules.checklists`` and are loaded after migrate; a bureau copies one to edit it. A published
    version is frozen: an inspection copies its items and keeps the version it used."""

    code = models.CharField(_("代码"), max_length=60)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("名称"), max_length=200)
    theme = models.CharField(_("主题"), max_length=100, blank=True)
    sectors = models.JSONField(_("适用行业"), default=list, blank=True)
    audience = models.CharField(_("用途"), max_length=20, choices=Audience.choices, default=Audience.AUTHORITY)
    source_note = models.TextField(_("来源说明"), blank=True)
    authority = models.ForeignKey(
        "core.Authority", verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=TemplateState.choices, default=TemplateState.DRAFT)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], condition=Q(authority__isnull=True), name="shipped_template_version"
            ),
            models.UniqueConstraint(
                fields=["authority", "code", "version"],
                condition=Q(authority__isnull=False),
                name="authority_template_version",
            ),
        ]

    def __str__(self) -> str:
        return gettext("{title}（第{version}版）").format(title=self.title, version=self.version)

    @property
    def shipped(self) -> bool:
        return self.authority_id is None

    def sector_labels(self) -> list[str]:
        return [str(Sector(code).label) if code in Sector.values else code for code in self.sectors]


class ChecklistTemplateItem(models.Model):
    """One line of a template: what the inspector checks, its basis and, where it is one, the major-hazard
    criterion it maps to (a failed item with a criterion is a candidate 重大事故隐患)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("代码"), max_length=80)
    section = models.CharField(_("分组"), max_length=100, blank=True)
    requirement = models.TextField(_("检查内容"))
    basis = models.TextField(_("依据"), blank=True)
    basis_status = models.CharField(_("依据核实状态"), max_length=20, blank=True)
    criterion_code = models.CharField(_("重大事故隐患判定标准条目"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("检查表条目")
        verbose_name_plural = _("检查表条目")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_item_code")]

    def __str__(self) -> str:
        return self.code


class InspectorCredential(models.Model):
    """行政执法证: an officer may inspect for enforcement only while holding a valid one."""

    user = models.ForeignKey(_USER, verbose_name=_("执法人员"), on_delete=models.CASCADE, related_name="credentials")
    number = models.CharField(_("执法证号"), max_length=40)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政执法证")
        verbose_name_plural = _("行政执法证")
        constraints = [models.UniqueConstraint(fields=["number"], name="credential_number_unique")]

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


class Recusal(models.Model):
    """回避: an officer who must not inspect an enterprise (kin, former employer, a stake in it)."""

    user = models.ForeignKey(_USER, verbose_name=_("执法人员"), on_delete=models.CASCADE, related_name="recusals")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE)
    reason = models.CharField(_("回避理由"), max_length=200)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="recusal_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.enterprise_id}"


class EnforcementPlan(models.Model):
    """年度执法计划 of one authority: planned inspection counts by sector and class."""

    authority = models.ForeignKey("core.Authority", verbose_name=_("机构"), on_delete=models.PROTECT)
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度执法计划")
        verbose_name_plural = _("年度执法计划")
        constraints = [models.UniqueConstraint(fields=["authority", "year"], name="one_plan_per_authority_year")]

    def __str__(self) -> str:
        return self.title


class PlanTarget(models.Model):
    """One line of a plan: how many enterprises of a sector and class (empty = any) to inspect in the year."""

    plan = models.ForeignKey(EnforcementPlan, on_delete=models.CASCADE, related_name="targets")
    sector = models.CharField(_("监管行业"), max_length=20, blank=True)
    supervision_class = models.CharField(_("监管分类"), max_length=1, blank=True)
    planned = models.PositiveIntegerField(_("计划检查家数"))

    class Meta:
        verbose_name = _("计划指标")
        verbose_name_plural = _("计划指标")
        constraints = [
            models.UniqueConstraint(fields=["plan", "sector", "supervision_class"], name="plan_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sector or '*'}/{self.supervision_class or '*'}: {self.planned}"


class RandomDraw(models.Model):
    """双随机: enterprises drawn from a filtered pool and inspectors from the credentialed officers, with
    the seed, the pools and the algorithm recorded so anyone can redo the draw and get the same result."""

    authority = models.ForeignKey("core.Authority", verbose_name=_("机构"), on_delete=models.PROTECT)
    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(
        _("检查类别"), max_length=20, choices=InspectionKind.choices, default=InspectionKind.ROUTINE
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), null=True, blank=True, on_delete=models.PROTECT
    )
    filters = models.JSONField(_("抽取范围"), default=dict)
    seed = models.CharField(_("随机种子"), max_length=64)
    algorithm = models.CharField(_("算法"), max_length=20, default="v1")
    pool = models.JSONField(_("企业名录库"), default=list)
    pool_hash = models.CharField(max_length=64)
    inspector_pool = models.JSONField(_("执法人员名录库"), default=list)
    enterprise_count = models.PositiveIntegerField(_("抽取企业数"))
    inspectors_per_inspection = models.PositiveSmallIntegerField(_("每组执法人员数"), default=2)
    planned_date = models.DateField(_("计划检查日期"), null=True, blank=True)
    created_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        indexes = [models.Index(fields=["-id"], name="draw_public", condition=Q(published_at__isnull=False))]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"SJ{self.pk:06d}" if self.pk else ""


class Inspection(models.Model):
    """One inspection of one enterprise: planned, walked item by item on site, signed by those who took part
    (谁检查谁签字) and kept. ``region_code`` copies the enterprise's code for jurisdiction ranges.

    ``content_hash`` is the SHA-256 of the record as it stood when the walk ended; each signature binds its
    signer to that hash, and a later change to the record shows as a broken signature."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspections"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    # The name as it was when planned: the signed record binds this, so renaming the unit later does not
    # break its signatures.
    enterprise_name = models.CharField(_("被检查单位名称（检查时）"), max_length=200, blank=True, editable=False)
    authority = models.ForeignKey(
        "core.Authority", verbose_name=_("检查机关"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("检查类别"), max_length=20, choices=InspectionKind.choices)
    state = models.CharField(_("状态"), max_length=20, choices=InspectionState.choices, default=InspectionState.PLANNED)
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT)
    campaign = models.CharField(_("专项名称"), max_length=100, blank=True)
    partners = models.ManyToManyField(
        "core.Authority", verbose_name=_("联合检查部门"), blank=True, related_name="joint_inspections"
    )
    draw = models.ForeignKey(
        RandomDraw,
        verbose_name=_("双随机抽查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    planned_date = models.DateField(_("计划检查日期"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    location = models.CharField(_("检查地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("安排人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(_("记录摘要"), max_length=64, blank=True)
    items_total = models.PositiveIntegerField(default=0)
    items_answered = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    hazards_found = models.PositiveIntegerField(default=0)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        indexes = [
            models.Index(fields=["enterprise", "-id"], name="inspection_enterprise_id"),
            models.Index(fields=["region_code", "-id"], name="inspection_region_id"),
            models.Index(fields=["authority", "-id"], name="inspection_authority_id"),
            # Grid coverage: the last patrol of each enterprise in a region.
            models.Index(fields=["kind", "region_code", "ended_at"], name="inspection_kind_region_end"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"JC{self.pk:08d}" if self.pk else ""

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def is_enforcement(self) -> bool:
        from anjian.inspections.choices import ENFORCEMENT_KINDS

        return self.kind in ENFORCEMENT_KINDS


class InspectionMember(models.Model):
    """A person on the inspection team; the credential number is copied as it was that day."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(_USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("分工"), max_length=10, choices=MemberRole.choices, default=MemberRole.INSPECTOR)
    credential_number = models.CharField(_("执法证号"), max_length=40, blank=True)
    name = models.CharField(_("姓名（检查时）"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("检查人员")
        verbose_name_plural = _("检查人员")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="inspection_member_unique")]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.user_id}"


class InspectionItem(models.Model):
    """One checklist line as walked: copied from the template version, answered on site, and linked to the
    hazard it became."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("代码"), max_length=80)
    section = models.CharField(_("分组"), max_length=100, blank=True)
    requirement = models.TextField(_("检查内容"))
    basis = models.TextField(_("依据"), blank=True)
    criterion_code = models.CharField(_("重大事故隐患判定标准条目"), max_length=40, blank=True)
    result = models.CharField(_("检查结果"), max_length=20, choices=ItemResult.choices, default=ItemResult.PENDING)
    note = models.TextField(_("情况说明"), blank=True)
    answered_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_item",
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "code"], name="inspection_item_code")]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.code}"

    @property
    def failed(self) -> bool:
        return self.result == ItemResult.NON_COMPLIANT


def photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.item.inspection_id}/{instance.item_id}-{instance.sha256[:16]}.jpg"


class InspectionPhoto(models.Model):
    """A photo taken at one item, re-encoded as JPEG without metadata (the camera position kept as data)."""

    item = models.ForeignKey(InspectionItem, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=photo_path)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.CharField(max_length=30, blank=True)
    uploaded_by = models.ForeignKey(_USER, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.pk}"


class InspectionSignature(models.Model):
    """谁检查谁签字: one confirmation of the record by an inspector or the enterprise's representative,
    after re-entering their password, bound to the record's hash; or a refusal recorded with a witness
    (安全生产法 第六十八条). ``mac`` (HMAC-SM3 with the audit key) covers the row, so it cannot be made
    up afterwards either."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("签字人身份"), max_length=20, choices=SignerRole.choices)
    kind = models.CharField(_("签字情况"), max_length=10, choices=SignatureKind.choices, default=SignatureKind.SIGNED)
    signer = models.ForeignKey(
        _USER, verbose_name=_("签字人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    content_hash = models.CharField(_("所签记录摘要"), max_length=64)
    mac = models.CharField(max_length=64)
    signed_at = models.DateTimeField(_("时间"), default=timezone.now)
    refusal_reason = models.CharField(_("拒签原因"), max_length=200, blank=True)
    witness = models.ForeignKey(
        _USER, verbose_name=_("见证人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    witness_name = models.CharField(_("见证人姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("签字")
        verbose_name_plural = _("签字")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "signer"], condition=Q(signer__isnull=False), name="one_signature_per_signer"
            ),
            models.UniqueConstraint(
                fields=["inspection"], condition=Q(role=SignerRole.ENTERPRISE), name="one_enterprise_signature"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.name}"


class InspectionAddendum(models.Model):
    """A correction after the walk ended: the signed record stays as it was, the addendum says what to read
    differently, who said so and when; each addendum chains the hash of the one before."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField(_("补充更正内容"))
    author = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("补充更正")
        verbose_name_plural = _("补充更正")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.pk}"


class InspectionEvent(models.Model):
    """A step as the regulator reads it: who did what, when, from which state to which, and why."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=InspectionAction.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(_USER, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=100)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.action}"
