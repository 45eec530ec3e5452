"""The special-equipment services: registering (validation, the unique registration code, the first inspection
from commissioning), inspections with the rules' proposal per kind and the check of the entered date, exceeding the
maximum refused then accepted with confirmation, usability, state moves and operators with their certificates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import AuditEvent
from anjian.equipment import services
from anjian.equipment.models import EquipmentDue, EquipmentInspection, EquipmentOperator, SpecialEquipment
from anjian.rules._dates import add_months, add_years
from tests.conftest import SYSTEM
from tests.equipment.conftest import boiler_data, days, inspection_data, register

pytestmark = pytest.mark.django_db
D = datetime.date


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def record(world, equipment, actor_key="e1m", **overrides):
    return services.inspection_record(actor=world.user[actor_key], equipment=equipment,
                                      data=inspection_data(**overrides))


def dues(equipment) -> dict[str, D]:
    return dict(EquipmentDue.objects.filter(equipment=equipment).values_list("inspection_kind", "due_on"))


def fresh(equipment) -> SpecialEquipment:
    return SpecialEquipment.objects.get(pk=equipment.pk)


# --- register --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"kind": ""}, "kind", "required"),
    ({"kind": "rocket"}, "kind", "invalid_choice"),
    ({"name": "  "}, "name", "required"),
    ({"location": ""}, "location", "required"),
    ({"kind": "lifting", "subtype": ""}, "subtype", "required"),
    ({"kind": "lifting", "subtype": "fixed"}, "subtype", "invalid_choice"),
    ({"kind": "elevator", "subtype": "bridge", "installed_on": D(2020, 1, 1)}, "subtype", "not_applicable"),
    ({"molten_metal": True}, "molten_metal", "not_applicable"),
    ({"schedule": "legacy_yearly"}, "schedule", "not_applicable"),
    ({"kind": "elevator", "schedule": "tsg_t7001_2023"}, "installed_on", "required"),
    ({"kind": "elevator", "schedule": "weekly", "installed_on": D(2020, 1, 1)}, "schedule", "invalid_choice"),
    ({"safety_grade": 2}, "safety_grade", "not_applicable"),
    ({"kind": "pressure_vessel", "safety_grade": 6}, "safety_grade", "out_of_range"),
    ({"kind": "pressure_vessel", "safety_grade": "二级"}, "safety_grade", "invalid"),
    ({"commissioned_on": "2024-13-01"}, "commissioned_on", "invalid"),
    ({"commissioned_on": days(3)}, "commissioned_on", "future"),
    ({"installed_on": days(1)}, "installed_on", "future"),
    ({"name": "设" * 101}, "name", "max_length"),
])
def test_register_refuses_bad_facts_with_a_field_code_and_writes_nothing(world, overrides, field, code):
    with pytest.raises(ValidationError) as exc:
        register(world, **overrides)
    assert code in codes(exc.value)[field]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in exc.value.messages)  # Chinese messages
    assert not SpecialEquipment.objects.exists()


def test_the_registration_code_is_unique_across_the_platform(world):
    register(world, registration_code="11013304812024000001")
    with pytest.raises(ValidationError) as exc:
        services.equipment_register(actor=world.user["e2"], enterprise=world.e2,
                                    data=boiler_data(registration_code=" 11013304812024000001 "))
    assert codes(exc.value) == {"registration_code": ["registration_code_taken"]}
    assert SpecialEquipment.objects.count() == 1
    # no code at all is allowed for as many as need it
    register(world, registration_code="")
    register(world, registration_code=None)
    assert SpecialEquipment.objects.filter(registration_code__isnull=True).count() == 2


def test_only_keepers_of_the_unit_register(world):
    for key in ("e1w", "e2", "g1", "t2", "b2"):
        with pytest.raises(PermissionDeniedError):
            register(world, actor_key=key)
    for key in ("e1", "e1m", "b1", "t1"):
        assert register(world, actor_key=key).enterprise == world.e1
    assert not SpecialEquipment.objects.filter(created_by=world.user["e1w"]).exists()


def test_defaults_subtypes_and_schedule(world):
    boiler = register(world)
    assert boiler.subtype == "industrial" and boiler.schedule == ""
    vessel = register(world, kind="pressure_vessel", safety_grade=2)
    assert vessel.subtype == "fixed" and vessel.safety_grade == 2
    lift = register(world, kind="elevator", installed_on=D(2019, 1, 10), commissioned_on=D(2019, 1, 20))
    assert lift.schedule == "tsg_t7001_2023"
    crane = register(world, kind="lifting", subtype="bridge", molten_metal=True)
    assert crane.molten_metal


def test_a_new_boiler_gets_its_first_inspections_from_commissioning(world):
    start = days(-30)
    boiler = register(world, commissioned_on=start)
    assert dues(boiler) == {"external": add_months(start, 12), "internal": add_months(start, 12)}
    assert boiler.next_due == add_months(start, 12) and boiler.usable
    vessel = register(world, kind="pressure_vessel", commissioned_on=start)
    assert dues(vessel) == {"periodic": add_months(start, 36)}
    lift = register(world, kind="elevator", installed_on=start, commissioned_on=start)
    assert dues(lift) == {"periodic": add_years(start, 1)}


def test_old_equipment_registered_without_its_report_is_not_usable_until_one_is_recorded(world):
    boiler = register(world, commissioned_on=days(-2000))
    assert dues(boiler) == {} and boiler.next_due is None
    assert not boiler.usable and "未录入外部检验记录" in boiler.unusable_reason
    assert "未录入内部检验记录" in boiler.unusable_reason
    record(world, boiler, inspection_kind="external", inspected_on=days(-20), next_due=add_months(days(-20), 12))
    boiler = fresh(boiler)
    assert not boiler.usable and boiler.unusable_reason == "未录入内部检验记录"
    record(world, boiler, inspection_kind="internal", inspected_on=days(-40), next_due=add_months(days(-40), 24))
    boiler = fresh(boiler)
    assert boiler.usable and boiler.unusable_reason == ""
    assert boiler.next_due == add_months(days(-20), 12) and boiler.next_due_kind == "external"


def test_register_may_start_from_the_last_report(world):
    on = days(-15)
    data = boiler_data(last_inspection=inspection_data(inspected_on=on, next_due=add_months(on, 12)))
    boiler = services.equipment_register(actor=world.user["e1m"], enterprise=world.e1, data=data)
    inspection = boiler.inspections.get()
    assert inspection.proposed_due == add_months(on, 12) and inspection.rule_code == "boiler_external"
    assert dues(boiler)["external"] == add_months(on, 12)


def test_errors_of_the_last_report_are_keyed_and_nothing_is_written(world):
    data = boiler_data(last_inspection=inspection_data(inspection_kind="periodic", body="", next_due=None))
    with pytest.raises(ValidationError) as exc:
        services.equipment_register(actor=world.user["e1m"], enterprise=world.e1, data=data)
    found = codes(exc.value)
    assert found["last_inspection.inspection_kind"] == ["invalid_choice"]
    assert found["last_inspection.body"] == ["required"]
    assert not SpecialEquipment.objects.exists() and not EquipmentInspection.objects.exists()


# --- proposals per kind ----------------------------------------------------------------------------------------


def proposal(equipment, **data):
    return services.inspection_proposal(equipment=equipment, data=data)


def test_boiler_external_yearly_and_internal_every_two_years(world):
    boiler = register(world)
    on = D(2026, 3, 31)
    external = proposal(boiler, inspection_kind="external", inspected_on=on)
    assert (external.default_due, external.max_due) == (D(2027, 3, 31), D(2027, 3, 31))
    internal = proposal(boiler, inspection_kind="internal", inspected_on=on)
    assert (internal.default_due, internal.max_due) == (D(2028, 3, 31), D(2028, 3, 31))
    station = register(world, subtype="power_station")
    overhaul = proposal(station, inspection_kind="internal", inspected_on=on)
    assert (overhaul.default_due, overhaul.max_due) == (D(2029, 3, 31), D(2032, 3, 31))


@pytest.mark.parametrize(("grade", "default", "maximum"), [
    (1, D(2032, 5, 1), D(2032, 5, 1)),
    (2, D(2032, 5, 1), D(2032, 5, 1)),
    (3, D(2029, 5, 1), D(2032, 5, 1)),
    (4, None, D(2029, 5, 1)),
])
def test_fixed_vessels_by_safety_grade(world, grade, default, maximum):
    vessel = register(world, kind="pressure_vessel", commissioned_on=D(2020, 1, 1))
    p = proposal(vessel, inspection_kind="periodic", inspected_on=D(2026, 5, 1), safety_grade=grade)
    assert (p.default_due, p.max_due) == (default, maximum)


def test_a_vessel_report_needs_its_grade_and_grade_five_may_not_be_used(world):
    vessel = register(world, kind="pressure_vessel", commissioned_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        proposal(vessel, inspection_kind="periodic", inspected_on=D(2026, 5, 1))
    assert codes(exc.value) == {"safety_grade": ["required"]}
    five = proposal(vessel, inspection_kind="periodic", inspected_on=D(2026, 5, 1), safety_grade=5)
    assert five.default_due is None and not five.usable
    record(world, vessel, inspection_kind="periodic", inspected_on=D(2026, 5, 1), safety_grade=5,
           conclusion="conditional", next_due=D(2027, 5, 1))
    vessel = fresh(vessel)
    assert vessel.safety_grade == 5 and not vessel.usable and "安全状况等级为5级" in vessel.unusable_reason
    record(world, vessel, inspection_kind="periodic", inspected_on=D(2026, 6, 1), safety_grade=2,
           next_due=D(2032, 6, 1))
    vessel = fresh(vessel)
    assert vessel.safety_grade == 2 and vessel.usable


def test_elevators_under_tsg_t7001_2023_alternate_inspection_and_self_test(world):
    lift = register(world, kind="elevator", installed_on=D(2018, 12, 20), commissioned_on=D(2018, 12, 28))
    # year 7 (to 2025-12-20) is an inspection year; done 7 weeks early it counts for year 7, year 8 is a self-test
    p = proposal(lift, inspection_kind="periodic", inspected_on=D(2025, 11, 1))
    assert (p.default_due, p.next_kind, p.year_number) == (D(2026, 12, 20), "self_test", 8)
    record(world, lift, inspection_kind="periodic", inspected_on=D(2025, 11, 1), next_due=D(2026, 12, 20))
    assert dues(lift) == {"self_test": D(2026, 12, 20)}
    # the self-test of year 8, 19 days early: year 9 is an inspection year
    p = proposal(lift, inspection_kind="self_test", inspected_on=D(2026, 12, 1))
    assert (p.default_due, p.next_kind) == (D(2027, 12, 20), "periodic")
    record(world, lift, inspection_kind="self_test", inspected_on=D(2026, 12, 1), next_due=D(2027, 12, 20))
    assert dues(lift) == {"periodic": D(2027, 12, 20)}  # one clock: the next event under its kind
    assert fresh(lift).next_due_kind == "periodic"


def test_elevators_past_fifteen_years_and_legacy_records_are_yearly(world):
    old = register(world, kind="elevator", installed_on=D(2008, 3, 1), commissioned_on=D(2008, 3, 5))
    p = proposal(old, inspection_kind="periodic", inspected_on=D(2025, 6, 1))
    assert (p.default_due, p.next_kind) == (D(2026, 3, 1), "periodic")
    legacy = register(world, kind="elevator", schedule="legacy_yearly", commissioned_on=D(2012, 1, 1))
    p = proposal(legacy, inspection_kind="periodic", inspected_on=D(2023, 6, 1))
    assert (p.default_due, p.max_due, p.rule.code) == (D(2024, 6, 1), D(2024, 6, 1), "elevator_legacy")
    with pytest.raises(ValidationError) as exc:
        proposal(legacy, inspection_kind="self_test", inspected_on=D(2023, 6, 1))
    assert codes(exc.value) == {"inspection_kind": ["invalid_choice"]}


@pytest.mark.parametrize(("subtype", "molten", "months"), [
    ("tower", False, 12), ("hoist", False, 12), ("mobile", False, 12),
    ("bridge", False, 24), ("gantry", False, 24), ("parking", False, 24),
    ("bridge", True, 12),
])
def test_lifting_machinery_by_type_and_molten_metal(world, subtype, molten, months):
    crane = register(world, kind="lifting", subtype=subtype, molten_metal=molten, commissioned_on=D(2020, 1, 1))
    p = proposal(crane, inspection_kind="periodic", inspected_on=D(2026, 4, 15))
    assert p.default_due == p.max_due == add_months(D(2026, 4, 15), months)


def test_a_cycle_shorter_than_six_months_for_cranes_needs_confirmation(world):
    crane = register(world, kind="lifting", subtype="bridge", commissioned_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        record(world, crane, inspection_kind="periodic", inspected_on=D(2026, 4, 15), next_due=D(2026, 8, 1))
    assert codes(exc.value) == {"next_due": ["below_min_interval"]}
    record(world, crane, inspection_kind="periodic", inspected_on=D(2026, 4, 15), next_due=D(2026, 8, 1),
           confirm_exceeds=True)
    assert dues(crane) == {"periodic": D(2026, 8, 1)}


# --- recording inspections -------------------------------------------------------------------------------------


def test_exceeding_the_maximum_is_refused_then_accepted_with_confirmation(world):
    boiler = register(world)
    on = days(-30)
    late = add_months(on, 13)
    with pytest.raises(ValidationError) as exc:
        record(world, boiler, inspected_on=on, next_due=late)
    assert codes(exc.value) == {"next_due": ["exceeds_max_interval"]}
    message = exc.value.messages[0]
    assert add_months(on, 12).isoformat() in message and "TSG G7002-2015" in message
    assert not EquipmentInspection.objects.exists()
    inspection = record(world, boiler, inspected_on=on, next_due=late, confirm_exceeds=True)
    assert inspection.exceeds_max and inspection.max_due == add_months(on, 12)
    assert inspection.proposed_due == add_months(on, 12) and inspection.rule_code == "boiler_external"
    assert dues(boiler)["external"] == late
    event = AuditEvent.objects.filter(action="equipment.inspection").latest("seq")
    assert event.changes["exceeds_max"] is True and event.changes["confirmed"] is True


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"inspection_kind": "periodic"}, "inspection_kind", "invalid_choice"),
    ({"inspection_kind": ""}, "inspection_kind", "required"),
    ({"inspected_on": None}, "inspected_on", "required"),
    ({"inspected_on": "明天"}, "inspected_on", "invalid"),
    ({"conclusion": "great"}, "conclusion", "invalid_choice"),
    ({"report_number": ""}, "report_number", "required"),
    ({"body": ""}, "body", "required"),
    ({"safety_grade": 3}, "safety_grade", "not_applicable"),
    ({"next_due": None}, "next_due", "required"),
    ({"next_kind": "internal"}, "next_kind", "invalid_choice"),
])
def test_bad_inspections_are_refused_with_a_code(world, overrides, field, code):
    boiler = register(world)
    data = {"next_due": days(300), **overrides}
    with pytest.raises(ValidationError) as exc:
        record(world, boiler, **data)
    assert code in codes(exc.value)[field]
    assert not EquipmentInspection.objects.exists()


def test_dates_of_an_inspection(world):
    boiler = register(world, commissioned_on=D(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        record(world, boiler, inspected_on=days(2), next_due=days(400))
    assert codes(exc.value) == {"inspected_on": ["future"]}
    with pytest.raises(ValidationError) as exc:
        record(world, boiler, inspected_on=D(2024, 4, 1), next_due=D(2025, 4, 1))
    assert codes(exc.value) == {"inspected_on": ["before_commissioning"]}
    with pytest.raises(ValidationError) as exc:
        record(world, boiler, inspected_on=days(-10), next_due=days(-10))
    assert codes(exc.value) == {"next_due": ["before_inspection"]}


def test_a_failed_report_makes_it_not_usable_and_a_passed_one_usable_again(world):
    boiler = register(world, commissioned_on=days(-30))
    assert fresh(boiler).usable
    record(world, boiler, inspected_on=days(-5), conclusion="fail", next_due=days(60))
    boiler = fresh(boiler)
    assert not boiler.usable and "不合格" in boiler.unusable_reason
    record(world, boiler, inspected_on=days(-1), next_due=add_months(days(-1), 12))
    boiler = fresh(boiler)
    assert boiler.usable and boiler.unusable_reason == ""


@pytest.mark.skipif(not services.next_due_nullable(), reason="EquipmentInspection.next_due is not nullable yet")
def test_a_failed_report_needs_no_next_date(world):
    boiler = register(world, commissioned_on=days(-30))
    before = dues(boiler)
    record(world, boiler, inspected_on=days(-5), conclusion="fail", next_due=None)
    assert dues(boiler) == before and not fresh(boiler).usable


def test_a_past_due_date_makes_it_not_usable_until_a_new_inspection(world):
    boiler = register(world, commissioned_on=days(-900))
    record(world, boiler, inspection_kind="internal", inspected_on=days(-100), next_due=add_months(days(-100), 24))
    record(world, boiler, inspected_on=days(-400), next_due=days(-400) + datetime.timedelta(days=365))
    boiler = fresh(boiler)
    assert not boiler.usable
    assert boiler.unusable_reason == f"外部检验已超期（{(days(-35)).isoformat()}）"
    record(world, boiler, inspected_on=days(-2), next_due=add_months(days(-2), 12))
    boiler = fresh(boiler)
    assert boiler.usable and boiler.next_due == add_months(days(-2), 12) and boiler.next_due_kind == "external"


def test_an_older_report_entered_late_does_not_move_the_clock_back(world):
    boiler = register(world)
    record(world, boiler, inspected_on=days(-10), next_due=add_months(days(-10), 12))
    record(world, boiler, inspected_on=days(-375), next_due=days(-10))
    assert dues(boiler)["external"] == add_months(days(-10), 12)
    assert boiler.inspections.count() == 2


def test_readers_and_other_units_cannot_record(world):
    boiler = register(world)
    for key in ("e1w", "e2", "g1", "b2"):
        with pytest.raises(PermissionDeniedError):
            record(world, boiler, actor_key=key, next_due=days(300))
    assert not EquipmentInspection.objects.exists()


# --- update and state ------------------------------------------------------------------------------------------


def test_update_changes_facts_and_keeps_the_kind_once_inspected(world):
    boiler = register(world)
    other = register(world)
    services.equipment_update(actor=world.user["e1m"], equipment=boiler, data={"location": "二号锅炉房"})
    assert fresh(boiler).location == "二号锅炉房"
    assert AuditEvent.objects.filter(action="equipment.update").latest("seq").changes == {
        "location": ["动力车间", "二号锅炉房"]}
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(actor=world.user["e1m"], equipment=boiler,
                                  data={"registration_code": other.registration_code})
    assert codes(exc.value) == {"registration_code": ["registration_code_taken"]}
    record(world, boiler, next_due=days(300))
    with pytest.raises(ValidationError) as exc:
        services.equipment_update(actor=world.user["e1m"], equipment=boiler,
                                  data={"kind": "pressure_vessel", "subtype": "fixed"})
    assert codes(exc.value) == {"kind": ["kind_locked"]}
    with pytest.raises(PermissionDeniedError):
        services.equipment_update(actor=world.user["e1w"], equipment=boiler, data={"location": "x"})


def test_state_moves_and_scrapped_stays_scrapped(world, make_employee, operator_certificate):
    crane = register(world, kind="lifting", subtype="bridge")
    worker = make_employee(world.e1)
    operator_certificate(worker, item="Q2")
    services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker)
    actor = world.user["e1m"]
    assert services.equipment_state(actor=actor, equipment=crane, state="stopped", reason="检修").state == "stopped"
    with pytest.raises(ConflictError) as exc:
        services.equipment_state(actor=actor, equipment=crane, state="stopped")
    assert exc.value.code == "invalid_transition"
    assert services.equipment_state(actor=actor, equipment=crane, state="in_use").state == "in_use"
    services.equipment_state(actor=actor, equipment=crane, state="scrapped")
    assert EquipmentOperator.objects.get().ended_on == services.today()
    for target in ("in_use", "stopped"):
        with pytest.raises(ConflictError) as exc:
            services.equipment_state(actor=actor, equipment=crane, state=target)
        assert exc.value.code == "invalid_transition" and "报废" in str(exc.value.message)
    with pytest.raises(ValidationError):
        services.equipment_state(actor=actor, equipment=crane, state="flying")
    with pytest.raises(ConflictError):
        record(world, crane, inspection_kind="periodic", next_due=days(300))


# --- operators -------------------------------------------------------------------------------------------------


def test_an_operator_without_a_valid_certificate_is_refused(world, make_employee, operator_certificate):
    crane = register(world, kind="lifting", subtype="bridge")
    worker = make_employee(world.e1, name="李司机")

    def refused(code="operator_certificate_required"):
        with pytest.raises(ValidationError) as exc:
            services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker)
        assert codes(exc.value) == {"employee": [code]}
        return exc.value.messages[0]

    message = refused()
    assert "Q2 起重机司机" in message and "第十四条" in message and "李司机" in message
    operator_certificate(worker, item="N1")  # a forklift driver's certificate does not cover cranes
    refused()
    operator_certificate(worker, item="Q2", issued_on=days(-1500), valid_until=days(-1))  # expired
    refused()
    operator_certificate(worker, item="Q1", review_due=days(-3))  # review overdue
    refused()
    operator_certificate(worker, item="Q2", state="revoked")
    refused()
    assert not EquipmentOperator.objects.exists()
    operator_certificate(worker, item="q2")
    operator = services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker,
                                        assigned_on=days(-1))
    assert operator.assigned_on == days(-1) and operator.assigned_by == world.user["e1m"]
    worker.refresh_from_db()
    assert worker.work_checked_on == services.today()  # the verdict was refreshed
    with pytest.raises(ConflictError) as exc:
        services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker)
    assert exc.value.code == "already_assigned"


def test_operators_are_people_of_the_unit(world, make_employee, operator_certificate):
    crane = register(world, kind="lifting", subtype="tower")
    outsider = make_employee(world.e2)
    operator_certificate(outsider)
    with pytest.raises(ValidationError) as exc:
        services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=outsider)
    assert codes(exc.value) == {"employee": ["other_enterprise"]}
    worker = make_employee(world.e1, hired_on=days(-10))
    operator_certificate(worker)
    with pytest.raises(ValidationError) as exc:
        services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker, assigned_on=days(-20))
    assert codes(exc.value) == {"assigned_on": ["before_hire"]}
    with pytest.raises(ValidationError) as exc:
        services.operator_assign(actor=world.user["e1m"], equipment=crane, employee=worker, assigned_on=days(5))
    assert codes(exc.value) == {"assigned_on": ["future"]}
    with pytest.raises(PermissionDeniedError):
        services.operator_assign(actor=world.user["e1w"], equipment=crane, employee=worker)


def test_release_an_operator_once(world, make_employee, operator_certificate):
    forklift = register(world, kind="in_plant_vehicle")
    driver = make_employee(world.e1)
    operator_certificate(driver, item="N1")
    operator = services.operator_assign(actor=world.user["e1m"], equipment=forklift, employee=driver,
                                        assigned_on=days(-30))
    with pytest.raises(ValidationError) as exc:
        services.operator_release(actor=world.user["e1m"], operator=operator, ended_on=days(-40))
    assert codes(exc.value) == {"ended_on": ["before_assignment"]}
    services.operator_release(actor=world.user["e1m"], operator=operator)
    assert EquipmentOperator.objects.get().ended_on == services.today()
    with pytest.raises(ConflictError) as exc:
        services.operator_release(actor=world.user["e1m"], operator=operator)
    assert exc.value.code == "already_released"
    # released, the person may be named again
    services.operator_assign(actor=SYSTEM, equipment=forklift, employee=driver)
    assert EquipmentOperator.objects.filter(ended_on__isnull=True).count() == 1


def test_the_safety_management_item_alone_does_not_make_an_operator(world, make_employee, operator_certificate):
    """Item A (特种设备安全管理) and F (安全阀校验) are not operating items: a boiler needs G1/G2/G3."""
    boiler = register(world)
    manager = make_employee(world.e1, hired_on=days(-400))
    operator_certificate(manager, item="A")
    operator_certificate(manager, item="F")
    with pytest.raises(ValidationError) as exc:
        services.operator_assign(actor=world.user["e1m"], equipment=boiler, employee=manager)
    assert codes(exc.value) == {"employee": ["operator_certificate_required"]}
    operator_certificate(manager, item="G1")
    assert services.operator_assign(actor=world.user["e1m"], equipment=boiler, employee=manager).pk


def test_leaving_ends_the_operator_assignment(world, make_employee, operator_certificate):
    from anjian.people import services as people_services

    forklift = register(world, kind="in_plant_vehicle")
    driver = make_employee(world.e1, hired_on=days(-400))
    operator_certificate(driver, item="N1")
    services.operator_assign(actor=world.user["e1m"], equipment=forklift, employee=driver, assigned_on=days(-30))
    people_services.employee_leave(actor=world.user["e1m"], employee=driver, left_on=days(-1))
    assert EquipmentOperator.objects.get().ended_on == days(-1)
