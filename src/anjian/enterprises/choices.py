"""Enterprise statuses, scales, classes and grades."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("正常生产经营")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("关闭")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    ILLEGAL = "illegal", _("无证无照（非法）")


# An illegal unit is registered even when it has no credit code.
STATUSES_WITHOUT_USCC = frozenset({EnterpriseStatus.ILLEGAL})


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class SupervisionClass(models.TextChoices):
    """分级分类监管: A is watched most closely."""

    A = "A", _("A类（重点监管）")
    B = "B", _("B类")
    C = "C", _("C类")
    D = "D", _("D类")


class StandardizationGrade(models.TextChoices):
    NONE = "", _("未达标")
    GRADE_1 = "1", _("一级")
    GRADE_2 = "2", _("二级")
    GRADE_3 = "3", _("三级")


RISK_FLAGS = (
    "major_hazard_source",
    "combustible_dust",
    "ammonia_refrigeration",
    "confined_space",
    "metal_smelting",
    "cold_storage",
    "hazchem_use",
)
