"""The special-equipment deadline scan (特种设备安全法 第四十条).

For each clock (``EquipmentDue``) of equipment in use whose due date D is near or past:

* from :func:`anjian.rules.equipment.request_by` (one month before D) until D: one ``request_due`` reminder to the
  unit's principal and safety manager — the duty to request the periodic inspection one month before (第一款);
* once D has passed: the equipment is marked not usable (第三款: 「未经定期检验……不得继续使用」) and one hazard is
  opened by the system (route ``equipment_overdue``), recorded in the ``overdue`` reminder row; the hazard services
  tell the managers.

Each reminder row is unique per (equipment, stage, inspection kind, due date) and is written in the same
transaction as its notifications or its hazard, so each goes out once even when two scans run at the same time;
a new inspection gives a new due date, which is reminded (and, if it passes too, opens a hazard) afresh. Only
equipment in use whose earliest due date is within about a month or past is read, through the (state, next_due)
index, so the scan costs what is due, not the size of the register.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit, notify
from anjian.core.audit import SystemActor
from anjian.equipment import services
from anjian.equipment.choices import EquipmentState, ReminderStage
from anjian.equipment.models import EquipmentReminder, SpecialEquipment
from anjian.hazards.choices import HazardCategory, HazardRoute
from anjian.hazards.services import enterprise_managers, hazard_report
from anjian.rules import equipment as rules
from anjian.rules._dates import add_months

SCAN_ACTOR = SystemActor("equipment-scan")
# Read a few days past a month ahead: request_by() clamps to the end of a month (D = 03-31 → 02-28).
HORIZON_SLACK = datetime.timedelta(days=4)
LAW_40 = "《中华人民共和国特种设备安全法》第四十条"


@dataclass
class EquipmentScanResult:
    examined: int = 0
    reminders: int = 0
    notifications: int = 0
    hazards: int = 0
    marked_unusable: int = 0
    stages: Counter = field(default_factory=Counter)


def equipment_url(equipment: SpecialEquipment) -> str:
    return reverse("equipment:equipment_detail", args=[equipment.pk])


def message(equipment: SpecialEquipment, stage: str, title: str, body: str = "") -> notify.Message:
    return notify.Message(
        kind=f"equipment.{stage}",
        title=title,
        body=body or f"{equipment.enterprise.name}：{equipment.name}（{equipment.location}）",
        url=equipment_url(equipment),
        object_type="equipment.specialequipment",
        object_id=str(equipment.pk),
    )


def _code(equipment: SpecialEquipment) -> str:
    return equipment.registration_code or f"设备#{equipment.pk}"


def _request_due(result: EquipmentScanResult, equipment: SpecialEquipment, due, managers) -> None:
    kind_label = services.inspection_kind_label(due.inspection_kind)
    by = rules.request_by(due.due_on)
    title = _("特种设备应申请{kind}：{name}（{code}）下次检验日期 {day}").format(
        kind=kind_label, name=equipment.name, code=_code(equipment), day=due.due_on.isoformat())
    body = _(
        "{enterprise}的{name}（{location}）{kind}有效期至 {day}。依据{law}，使用单位应在检验合格有效期届满前一个月"
        "（{by}前）向特种设备检验机构提出定期检验要求。"
    ).format(enterprise=equipment.enterprise.name, name=equipment.name, location=equipment.location, kind=kind_label,
             day=due.due_on.isoformat(), law=LAW_40, by=by.isoformat())
    recipients = sorted({u.pk for u in managers})
    try:
        with transaction.atomic():
            EquipmentReminder.objects.create(equipment=equipment, stage=ReminderStage.REQUEST_DUE,
                                             inspection_kind=due.inspection_kind, due_on=due.due_on,
                                             recipients=len(recipients))
            rows = notify.notify(recipients, message(equipment, ReminderStage.REQUEST_DUE, title, body))
    except IntegrityError:  # recorded already (an earlier run, or another scan at the same time)
        return
    result.reminders += 1
    result.notifications += len(rows)
    result.stages[ReminderStage.REQUEST_DUE] += 1


def hazard_description(equipment: SpecialEquipment, due) -> str:
    return _(
        "特种设备{kind_name}「{name}」（设备代码 {code}，使用地点 {location}）的{kind}已超期：下次检验日期为 {day}，"
        "至今未录入新的检验记录。依据{law}，使用单位应在检验合格有效期届满前一个月提出定期检验要求，未经定期检验的"
        "特种设备不得继续使用；平台已将该设备标记为不可使用。"
    ).format(kind_name=services.kind_label(equipment.kind), name=equipment.name, code=_code(equipment),
             location=equipment.location, kind=services.inspection_kind_label(due.inspection_kind),
             day=due.due_on.isoformat(), law=LAW_40)


def _overdue(result: EquipmentScanResult, equipment: SpecialEquipment, due, managers) -> None:
    """One hazard for this due date, opened by the system and linked in the ``overdue`` reminder row."""
    try:
        with transaction.atomic():
            reminder = EquipmentReminder.objects.create(
                equipment=equipment, stage=ReminderStage.OVERDUE, inspection_kind=due.inspection_kind,
                due_on=due.due_on, recipients=len({u.pk for u in managers}))
            # A boiler's external and internal inspections can fall due on the same day: one hazard for that day.
            same_day = (
                EquipmentReminder.objects.filter(
                    equipment=equipment, stage=ReminderStage.OVERDUE, due_on=due.due_on, hazard__isnull=False)
                .exclude(pk=reminder.pk).select_related("hazard").first()
            )
            if same_day is not None:
                reminder.hazard = same_day.hazard
                reminder.save(update_fields=["hazard"])
                result.reminders += 1
                result.stages[ReminderStage.OVERDUE] += 1
                return
            hazard = hazard_report(
                actor=SCAN_ACTOR,
                enterprise=equipment.enterprise,
                data={
                    "route": HazardRoute.EQUIPMENT_OVERDUE,
                    "category": HazardCategory.EQUIPMENT,
                    "location": equipment.location[:200],
                    "description": hazard_description(equipment, due),
                    "source_reference": _code(equipment)[:100],
                    "found_at": timezone.now(),
                },
            )
            reminder.hazard = hazard
            reminder.save(update_fields=["hazard"])
            audit.record(actor=SCAN_ACTOR, action="equipment.overdue_hazard", obj=equipment,
                         changes={"due_on": due.due_on, "inspection_kind": due.inspection_kind, "hazard": hazard.pk},
                         region_code=equipment.region_code, object_repr=equipment.name)
    except IntegrityError:  # opened already for this due date
        return
    result.reminders += 1
    result.hazards += 1
    result.notifications += reminder.recipients
    result.stages[ReminderStage.OVERDUE] += 1


def _mark(result: EquipmentScanResult, equipment: SpecialEquipment, today: datetime.date) -> None:
    was_usable = equipment.usable
    with transaction.atomic():
        changed = services.refresh(equipment, on=today)
        if changed and was_usable and not equipment.usable:
            audit.record(actor=SCAN_ACTOR, action="equipment.unusable", obj=equipment,
                         changes={"usable": [True, False], "reason": equipment.unusable_reason},
                         region_code=equipment.region_code, object_repr=equipment.name)
            result.marked_unusable += 1


def scan_equipment(*, today: datetime.date | None = None) -> EquipmentScanResult:
    """Remind once a month before each due date, and once past it mark the equipment not usable and open a hazard."""
    today = today or timezone.localdate()
    horizon = add_months(today, rules.REQUEST_LEAD_MONTHS) + HORIZON_SLACK
    result = EquipmentScanResult()
    rows = (
        SpecialEquipment.objects.filter(state=EquipmentState.IN_USE, next_due__lte=horizon)
        .select_related("enterprise")
        .prefetch_related("dues")
        .order_by("id")
    )
    for equipment in rows.iterator(chunk_size=500):
        result.examined += 1
        sent = set(equipment.reminders.values_list("stage", "inspection_kind", "due_on"))
        dues = sorted(equipment.dues.all(), key=lambda d: d.due_on)
        if any(today > due.due_on for due in dues):
            _mark(result, equipment, today)
        managers = None
        for due in dues:
            if today > due.due_on:
                stage, step = ReminderStage.OVERDUE, _overdue
            elif rules.request_by(due.due_on) <= today:
                stage, step = ReminderStage.REQUEST_DUE, _request_due
            else:
                continue
            if (stage, due.inspection_kind, due.due_on) in sent:
                continue
            managers = managers if managers is not None else list(enterprise_managers(equipment.enterprise_id))
            step(result, equipment, due, managers)
    return result
