"""The special-equipment register (特种设备): each unit's equipment, its inspections, its due dates, the operators
linked to it, and the reminders sent for it.

``next_due`` / ``next_due_kind`` are the earliest of the equipment's ``EquipmentDue`` rows (a boiler has an
external and an internal clock; the others one), kept by the services; ``usable`` is False while an inspection is
overdue, the last report failed it, or a vessel is of safety grade 5. The deadline scan reads (state, next_due).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.equipment.choices import (
    Conclusion,
    EquipmentKind,
    EquipmentState,
    InspectionKind,
    ReminderStage,
    Schedule,
)

_USER = settings.AUTH_USER_MODEL


class SpecialEquipment(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("使用单位"), on_delete=models.PROTECT, related_name="equipment"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    kind = models.CharField(_("设备种类"), max_length=20, choices=EquipmentKind.choices)
    subtype = models.CharField(_("设备类别"), max_length=20, blank=True)
    molten_metal = models.BooleanField(_("吊运熔融金属"), default=False)
    name = models.CharField(_("设备名称"), max_length=100)
    model_number = models.CharField(_("型号规格"), max_length=100, blank=True)
    registration_code = models.CharField(_("设备代码"), max_length=40, null=True, blank=True, unique=True)
    use_registration_number = models.CharField(_("使用登记证编号"), max_length=40, blank=True)
    location = models.CharField(_("使用地点"), max_length=200)
    manufacturer = models.CharField(_("制造单位"), max_length=200, blank=True)
    factory_number = models.CharField(_("出厂编号"), max_length=60, blank=True)
    commissioned_on = models.DateField(_("投入使用日期"), null=True, blank=True)
    installed_on = models.DateField(_("安装监督检验日期"), null=True, blank=True)
    schedule = models.CharField(_("检验规则"), max_length=20, choices=Schedule.choices, blank=True, default="")
    safety_grade = models.PositiveSmallIntegerField(_("安全状况等级"), null=True, blank=True)
    state = models.CharField(
        _("使用状态"), max_length=10, choices=EquipmentState.choices, default=EquipmentState.IN_USE
    )
    next_due = models.DateField(_("下次检验日期"), null=True, blank=True)
    next_due_kind = models.CharField(_("下次检验类别"), max_length=20, choices=InspectionKind.choices, blank=True)
    usable = models.BooleanField(_("可以使用"), default=True)
    unusable_reason = models.CharField(_("不可使用原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("特种设备")
        verbose_name_plural = _("特种设备")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "id"], name="equip_region_id"),
            models.Index(fields=["state", "next_due"], name="equip_state_due"),
            models.Index(fields=["enterprise", "kind"], name="equip_enterprise_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                name="equipment_grade_1_to_5",
                condition=Q(safety_grade__isnull=True) | Q(safety_grade__gte=1, safety_grade__lte=5),
                violation_error_message=_("安全状况等级为1至5级。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EquipmentDue(models.Model):
    """One inspection clock of an equipment: the next date of one inspection kind, as entered from the report."""

    equipment = models.ForeignKey(SpecialEquipment, on_delete=models.CASCADE, related_name="dues")
    inspection_kind = models.CharField(_("检验类别"), max_length=20, choices=InspectionKind.choices)
    due_on = models.DateField(_("下次检验日期"))

    class Meta:
        verbose_name = _("检验周期")
        verbose_name_plural = _("检验周期")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["equipment", "inspection_kind"], name="equipment_due_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_inspection_kind_display()} {self.due_on}"


class EquipmentInspection(models.Model):
    """An inspection (or elevator self-test) with its report; ``proposed_due`` and ``max_due`` are what the rules
    said when it was recorded, ``exceeds_max`` that the entered date went past the maximum interval."""

    equipment = models.ForeignKey(SpecialEquipment, on_delete=models.CASCADE, related_name="inspections")
    inspection_kind = models.CharField(_("检验类别"), max_length=20, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("检验日期"))
    body = models.CharField(_("检验机构"), max_length=200)
    conclusion = models.CharField(_("检验结论"), max_length=20, choices=Conclusion.choices)
    report_number = models.CharField(_("报告编号"), max_length=60)
    safety_grade = models.PositiveSmallIntegerField(_("安全状况等级"), null=True, blank=True)
    # Empty only for a report that does not give one (a failed inspection, a grade 5 vessel).
    next_due = models.DateField(_("下次检验日期"), null=True, blank=True)
    next_kind = models.CharField(_("下次检验类别"), max_length=20, choices=InspectionKind.choices)
    proposed_due = models.DateField(_("规则建议日期"), null=True, blank=True)
    max_due = models.DateField(_("规则最迟日期"), null=True, blank=True)
    exceeds_max = models.BooleanField(_("超过最长周期"), default=False)
    rule_code = models.CharField(_("适用规则"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检验记录")
        verbose_name_plural = _("检验记录")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="inspection_grade_1_to_5",
                condition=Q(safety_grade__isnull=True) | Q(safety_grade__gte=1, safety_grade__lte=5),
                violation_error_message=_("安全状况等级为1至5级。"),
            ),
            models.CheckConstraint(
                name="inspection_next_after_inspection",
                condition=Q(next_due__isnull=True) | Q(next_due__gt=models.F("inspected_on")),
                violation_error_message=_("下次检验日期须晚于检验日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.report_number


class EquipmentOperator(models.Model):
    """A person assigned to operate an equipment (特种设备安全法 第十四条: with a valid operator certificate)."""

    equipment = models.ForeignKey(SpecialEquipment, on_delete=models.CASCADE, related_name="operators")
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="equipment_assignments")
    assigned_on = models.DateField(_("指定日期"))
    ended_on = models.DateField(_("解除日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("设备作业人员")
        verbose_name_plural = _("设备作业人员")
        ordering = ["equipment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "employee"], condition=Q(ended_on__isnull=True), name="operator_once_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_id}:{self.employee_id}"


class EquipmentReminder(models.Model):
    """A reminder (or the overdue hazard) for one due date: one row per (equipment, stage, due date), so each goes
    out once; the overdue row links the hazard it opened."""

    equipment = models.ForeignKey(SpecialEquipment, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=20, choices=ReminderStage.choices)
    due_on = models.DateField()
    inspection_kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    hazard = models.ForeignKey(
        "hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL, related_name="equipment_reminders"
    )
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("设备检验提醒")
        verbose_name_plural = _("设备检验提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "stage", "inspection_kind", "due_on"], name="equipment_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_id}:{self.stage}:{self.due_on}"
