"""Choices of the people app. Codes of PersonKind, TrainingLevel and CertificateKind are the codes of
anjian.rules.training and anjian.rules.certificates."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PersonKind(models.TextChoices):
    PRINCIPAL = "principal", _("主要负责人")
    SAFETY_MANAGER = "safety_manager", _("安全生产管理人员")
    EMPLOYEE = "employee", _("从业人员")


class EmploymentType(models.TextChoices):
    """Who employs the person (安全生产法 第二十八条: dispatched workers and interns are trained like staff)."""

    REGULAR = "regular", _("本单位职工")
    DISPATCHED = "dispatched", _("劳务派遣人员")
    CONTRACTOR = "contractor", _("承包商人员")
    INTERN = "intern", _("实习学生")


class EmployeeState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("employee state", "在职")
    LEFT = "left", pgettext_lazy("employee state", "已离职")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class TrainingKind(models.TextChoices):
    """What a training session counts as. The three levels (三级安全培训教育) come first."""

    COMPANY = "company", _("厂（矿）级安全培训")
    WORKSHOP = "workshop", _("车间（工段、区、队）级安全培训")
    TEAM = "team", _("班组级安全培训")
    INITIAL = "initial", _("主要负责人、安全管理人员初次培训")
    ANNUAL = "annual", _("年度再培训")
    SPECIAL = "special", _("四新及专项培训")
    OTHER = "other", _("其他培训")


LEVEL_KINDS = (TrainingKind.COMPANY, TrainingKind.WORKSHOP, TrainingKind.TEAM)
# Sessions whose hours count toward the annual retraining of the year they were held in (our decision).
ANNUAL_KINDS = (TrainingKind.ANNUAL, TrainingKind.SPECIAL)


class TrainingResult(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    ABSENT = "absent", _("缺考")


class CertificateKind(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", _("特种作业操作证")
    SAFETY_QUALIFICATION = "safety_qualification", _("主要负责人和安全生产管理人员安全合格证")
    EQUIPMENT_OPERATOR = "equipment_operator", _("特种设备安全管理和作业人员证")


class CertificateState(models.TextChoices):
    """The state kept on the row; the validity on a day (valid / review overdue / expired) is computed."""

    ACTIVE = "active", pgettext_lazy("certificate state", "有效登记")
    REVOKED = "revoked", pgettext_lazy("certificate state", "已注销")
