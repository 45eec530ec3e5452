"""Choices of the equipment app. Kind, subtype and inspection-kind codes are those of anjian.rules.equipment."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EquipmentKind(models.TextChoices):
    BOILER = "boiler", _("锅炉")
    PRESSURE_VESSEL = "pressure_vessel", _("压力容器")
    GAS_CYLINDER = "gas_cylinder", _("气瓶")
    PRESSURE_PIPELINE = "pressure_pipeline", _("压力管道")
    ELEVATOR = "elevator", _("电梯")
    LIFTING = "lifting", _("起重机械")
    IN_PLANT_VEHICLE = "in_plant_vehicle", _("场（厂）内专用机动车辆")
    ROPEWAY = "ropeway", _("客运索道")
    AMUSEMENT = "amusement", _("大型游乐设施")


class InspectionKind(models.TextChoices):
    PERIODIC = "periodic", _("定期检验")
    EXTERNAL = "external", _("外部检验")
    INTERNAL = "internal", _("内部检验")
    SELF_TEST = "self_test", _("自行检测")


class Conclusion(models.TextChoices):
    """The report's conclusion; only FAIL makes the equipment unusable by itself."""

    PASS = "pass", _("合格")
    CONDITIONAL = "conditional", _("基本符合要求（有条件监控使用）")
    FAIL = "fail", _("不合格")


class EquipmentState(models.TextChoices):
    IN_USE = "in_use", pgettext_lazy("equipment state", "在用")
    STOPPED = "stopped", pgettext_lazy("equipment state", "停用")
    SCRAPPED = "scrapped", pgettext_lazy("equipment state", "报废")


class Schedule(models.TextChoices):
    """Which elevator rule a record follows (empty for other kinds)."""

    NONE = "", _("—")
    ELEVATOR_2023 = "tsg_t7001_2023", _("TSG T7001-2023（检验与自行检测交替）")
    ELEVATOR_LEGACY = "legacy_yearly", _("每年定期检验（旧规则）")


class ReminderStage(models.TextChoices):
    REQUEST_DUE = "request_due", _("应提出定期检验要求")
    OVERDUE = "overdue", _("检验已超期")
