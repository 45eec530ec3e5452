"""The equipment deadline scan run daily over a window: the request reminder once a month before each due date
(特种设备安全法 第四十条), and once overdue the equipment marked not usable and exactly one hazard opened and linked,
across repeated runs; a new due date that passes opens a second one."""

import datetime
import io

import pytest
from django.core.management import call_command

from anjian.core.models import Notification
from anjian.equipment import scan, services, tasks
from anjian.equipment.models import EquipmentReminder, SpecialEquipment
from anjian.equipment.scan import scan_equipment
from anjian.hazards.models import Hazard
from anjian.rules._dates import add_months
from anjian.rules.equipment import request_by
from tests.equipment.conftest import days, inspection_data, register

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def boiler_due_in(world, n: int, **overrides):
    """A boiler whose external inspection falls due in ``n`` days (the internal one a year later)."""
    boiler = register(world, commissioned_on=days(-900), **overrides)
    actor = world.user["e1m"]
    services.inspection_record(actor=actor, equipment=boiler, data=inspection_data(
        inspection_kind="internal", inspected_on=days(-100), next_due=add_months(days(-100), 24)))
    services.inspection_record(actor=actor, equipment=boiler, data=inspection_data(
        inspected_on=days(-300), next_due=days(n), confirm_exceeds=True))
    return SpecialEquipment.objects.get(pk=boiler.pk)


def test_sixty_days_run_daily_remind_once_then_open_one_hazard(world):
    boiler = boiler_due_in(world, 35)
    due = boiler.next_due
    ask_by = request_by(due)
    start = services.today()
    reminded_on, opened_on = [], []
    for n in range(61):
        day = start + n * ONE_DAY
        result = scan_equipment(today=day)
        if result.stages["request_due"]:
            reminded_on.append(day)
        if result.hazards:
            opened_on.append(day)
        if day > due:
            assert not SpecialEquipment.objects.get(pk=boiler.pk).usable
    assert reminded_on == [ask_by]
    assert opened_on == [due + ONE_DAY]

    request = EquipmentReminder.objects.get(stage="request_due")
    assert (request.due_on, request.inspection_kind, request.recipients) == (due, "external", 2)
    assert "equipment.request_due" in kinds(world.user["e1"]) and "equipment.request_due" in kinds(world.user["e1m"])
    assert "equipment.request_due" not in kinds(world.user["e1w"]) and not kinds(world.user["e2"])
    title = Notification.objects.get(recipient=world.user["e1m"], kind="equipment.request_due").title
    assert boiler.registration_code in title and due.isoformat() in title

    hazard = Hazard.objects.get()
    overdue = EquipmentReminder.objects.get(stage="overdue")
    assert overdue.hazard == hazard and overdue.due_on == due
    assert hazard.route == "equipment_overdue" and hazard.category == "equipment" and hazard.state == "reported"
    assert hazard.enterprise == world.e1 and hazard.location == boiler.location and hazard.found_by is None
    assert hazard.source_reference == boiler.registration_code
    for text in (boiler.name, boiler.registration_code, due.isoformat(), "第四十条"):
        assert text in hazard.description
    assert kinds(world.user["e1m"]).count("hazard.reported") == 1  # told once, by the hazard services

    boiler = SpecialEquipment.objects.get(pk=boiler.pk)
    assert not boiler.usable and boiler.unusable_reason == f"外部检验已超期（{due.isoformat()}）"


def test_a_new_due_date_that_passes_opens_a_second_hazard(world):
    boiler = boiler_due_in(world, -3)
    assert not boiler.usable  # recorded already past its date: the services said so at once
    first = scan_equipment()
    assert first.hazards == 1 and first.marked_unusable == 0
    assert scan_equipment().hazards == 0 and scan_equipment(today=days(5)).hazards == 0
    services.inspection_record(actor=world.user["e1m"], equipment=boiler, data=inspection_data(
        inspected_on=services.today(), next_due=days(50)))
    assert SpecialEquipment.objects.get(pk=boiler.pk).usable
    assert scan_equipment(today=days(30)).stages["request_due"] == 1
    assert scan_equipment(today=days(51)).hazards == 1
    assert scan_equipment(today=days(52)).hazards == 0
    assert Hazard.objects.filter(route="equipment_overdue").count() == 2
    assert sorted(EquipmentReminder.objects.filter(stage="overdue").values_list("due_on", flat=True)) == [
        days(-3), days(50)]


def test_two_scans_at_the_same_time_record_each_step_once(world):
    boiler = boiler_due_in(world, -1)
    due = boiler.dues.get(inspection_kind="external")
    managers = [world.user["e1"], world.user["e1m"]]
    result = scan.EquipmentScanResult()
    for _run in range(2):  # as if both had read the reminders before either committed
        scan._overdue(result, boiler, due, managers)
        scan._request_due(result, boiler, boiler.dues.get(inspection_kind="internal"), managers)
    assert result.hazards == 1 and result.stages["request_due"] == 1
    assert Hazard.objects.count() == 1 and EquipmentReminder.objects.count() == 2


def test_a_periodic_clock_is_named_as_such(world):
    vessel = register(world, kind="pressure_vessel", commissioned_on=days(-2000), registration_code="")
    services.inspection_record(actor=world.user["e1m"], equipment=vessel, data=inspection_data(
        inspection_kind="periodic", inspected_on=days(-800), safety_grade=3, next_due=days(-1)))
    scan_equipment()
    vessel = SpecialEquipment.objects.get(pk=vessel.pk)
    assert vessel.unusable_reason == f"定期检验已超期（{days(-1).isoformat()}）"
    assert Hazard.objects.get().source_reference == f"设备#{vessel.pk}"


def test_only_equipment_in_use_and_due_is_read(world):
    boiler_due_in(world, 200)
    stopped = boiler_due_in(world, -10)
    services.equipment_state(actor=world.user["e1m"], equipment=stopped, state="stopped")
    result = scan_equipment()
    assert result.examined == 0 and result.reminders == 0 and not Hazard.objects.exists()


def test_the_command_and_the_task_print_and_return_figures(world):
    boiler_due_in(world, 20)
    boiler_due_in(world, -2)
    out = io.StringIO()
    call_command("equipment_scan", stdout=out)
    text = out.getvalue()
    assert "examined 2" in text and "1 hazards opened" in text and "request_due 1" in text
    assert tasks.scan_equipment() == {"examined": 2, "reminders": 0, "hazards": 0, "marked_unusable": 0,
                                      "notifications": 0}
    with pytest.raises(Exception, match="not a date"):
        call_command("equipment_scan", "--today", "tomorrow")


def test_two_clocks_overdue_on_the_same_day_open_one_hazard(world):
    """A boiler's external and internal inspections due the same day: one hazard, linked from both rows."""
    boiler = register(world, commissioned_on=days(-900))
    actor = world.user["e1m"]
    for kind, inspected in (("internal", days(-700)), ("external", days(-370))):
        services.inspection_record(actor=actor, equipment=boiler, data=inspection_data(
            inspection_kind=kind, inspected_on=inspected, next_due=days(-2), confirm_exceeds=True))
    result = scan_equipment()
    assert result.hazards == 1 and result.stages["overdue"] == 2
    rows = EquipmentReminder.objects.filter(equipment=boiler, stage="overdue")
    assert rows.count() == 2 and len({r.hazard_id for r in rows}) == 1
    assert Hazard.objects.filter(route="equipment_overdue").count() == 1
    assert scan_equipment().hazards == 0
