"""The enterprise file (一企一档): every regulated unit, legal and illegal alike."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.enterprises.choices import (
    EnterpriseStatus,
    Scale,
    StandardizationGrade,
    SupervisionClass,
)


class Enterprise(models.Model):
    """A regulated unit (生产经营单位) and the facts its supervisors keep on it.

    ``region_code`` copies the region's code so that a jurisdiction's subtree is a range scan on
    an indexed column. ``uscc`` may be empty only for an illegal (unlicensed) unit.
    """

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    principal_name = models.CharField(_("主要负责人"), max_length=50, blank=True)
    principal_phone = models.CharField(_("主要负责人电话"), max_length=30, blank=True)
    safety_contact_name = models.CharField(_("安全管理联系人"), max_length=50, blank=True)
    safety_contact_phone = models.CharField(_("安全管理联系电话"), max_length=30, blank=True)
    address = models.CharField(_("生产经营地址"), max_length=300, blank=True)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所属乡镇（街道）"), on_delete=models.PROTECT, related_name="enterprises"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    grid = models.ForeignKey(
        "core.Grid",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    industry_code = models.CharField(_("国民经济行业代码"), max_length=5, blank=True)
    scale = models.CharField(_("企业规模"), max_length=10, choices=Scale.choices, blank=True)
    employees = models.PositiveIntegerField(_("从业人员数"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    supervision_class = models.CharField(
        _("监管分类"), max_length=1, choices=SupervisionClass.choices, default=SupervisionClass.C
    )

    licence_number = models.CharField(_("安全生产许可证编号"), max_length=60, blank=True)
    licence_issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    licence_valid_from = models.DateField(_("许可证有效期起"), null=True, blank=True)
    licence_valid_until = models.DateField(_("许可证有效期止"), null=True, blank=True)
    standardization_grade = models.CharField(
        _("标准化等级"), max_length=1, choices=StandardizationGrade.choices, blank=True, default=""
    )
    standardization_expiry = models.DateField(_("标准化有效期止"), null=True, blank=True)

    has_safety_body = models.BooleanField(_("设置安全生产管理机构"), default=False)
    full_time_safety_staff = models.PositiveIntegerField(_("专职安全管理人员数"), default=0)
    part_time_safety_staff = models.PositiveIntegerField(_("兼职安全管理人员数"), default=0)

    major_hazard_source = models.BooleanField(_("涉及重大危险源"), default=False)
    combustible_dust = models.BooleanField(_("涉爆粉尘"), default=False)
    dust_worker_count = models.PositiveIntegerField(_("涉爆粉尘作业人数"), default=0)
    ammonia_refrigeration = models.BooleanField(_("涉氨制冷"), default=False)
    confined_space = models.BooleanField(_("有限空间作业"), default=False)
    metal_smelting = models.BooleanField(_("金属冶炼"), default=False)
    cold_storage = models.BooleanField(_("冷库"), default=False)
    hazchem_use = models.BooleanField(_("使用危险化学品"), default=False)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "id"], name="ent_region_id"),
            models.Index(fields=["status", "region_code"], name="ent_status_region"),
            models.Index(fields=["supervision_class", "region_code"], name="ent_class_region"),
            models.Index(fields=["name"], name="ent_name"),
        ]
        constraints = [
            models.CheckConstraint(
                name="enterprise_uscc_unless_illegal",
                condition=Q(uscc__isnull=False) | Q(status=EnterpriseStatus.ILLEGAL),
                violation_error_message=_("除无证无照单位外，须填写统一社会信用代码。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sector_codes(self) -> list[str]:
        return [link.sector for link in self.sector_links.all()]

    def sector_labels(self) -> list[str]:
        return [Sector(code).label for code in self.sector_codes]


class EnterpriseSector(models.Model):
    """One supervision sector of an enterprise (an enterprise may sit in several)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="sector_links")
    sector = models.CharField(_("监管行业"), max_length=20, choices=Sector.choices)
    region_code = models.CharField(_("区划代码"), max_length=12)

    class Meta:
        verbose_name = _("企业监管行业")
        verbose_name_plural = _("企业监管行业")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "sector"], name="enterprise_sector_unique"),
        ]
        indexes = [models.Index(fields=["sector", "region_code", "enterprise"], name="entsector_sector_region")]

    def __str__(self) -> str:
        return self.get_sector_display()
