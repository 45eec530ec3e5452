"""The "may work" verdict over real rows: three levels, hours by sector, post changes and absences, principals,
annual retraining, certificates (any enterprise), equipment operators, leaving; may_do; refresh and refresh_due."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.equipment.models import EquipmentOperator, SpecialEquipment
from anjian.people import services, training, verdict
from anjian.people.models import Certificate, Employee
from tests.conftest import SYSTEM
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2024, 9, 1)


def train(enterprise, people, kind, day, hours, result="passed"):
    start = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 8))
    hours = Decimal(str(hours))
    return training.session_record(actor=SYSTEM, enterprise=enterprise, data={
        "kind": kind, "title": f"{kind} {day}", "content": "内容", "trainer": "王安全", "organiser": "", "place": "",
        "starts_at": start, "ends_at": start + datetime.timedelta(hours=float(hours)), "hours": hours,
        "has_exam": True}, participants=[{"employee": p, "result": result, "score": 90} for p in people])


def three_levels(enterprise, people, day=None, hours=(8, 8, 8)):
    day = day or D(2024, 1, 2)
    for kind, h in zip(("company", "workshop", "team"), hours, strict=True):
        train(enterprise, people, kind, day, h)


def codes(result) -> list[str]:
    return [r["code"] for r in result.reasons]


def cert(employee, *, kind="special_operation", item="1.2", valid_until=None, review_due=None,
         enterprise=None, state="active", number=None):
    valid_until = valid_until or D(2030, 1, 1)
    enterprise = enterprise or employee.enterprise
    return Certificate.objects.create(
        employee=employee, enterprise=enterprise, region_code=enterprise.region_code,
        holder_index=employee.id_number_index, kind=kind, item_code=item,
        number=number or f"T{Certificate.objects.count() + 100000}", issuer="发证机关", issued_on=D(2020, 1, 1),
        valid_until=valid_until, review_due=review_due, due_on=review_due or valid_until,
        due_kind="review" if review_due else "renewal", state=state)


def test_missing_level(world, make_employee):
    e = make_employee(world.e1)
    train(world.e1, [e], "company", D(2024, 1, 2), 12)
    train(world.e1, [e], "workshop", D(2024, 1, 3), 12)
    result = verdict.may_work(e, on=ON)
    assert not result.ok and codes(result) == ["missing_level"]
    assert "班组级" in result.reasons[0]["message"]


def test_23_5_hours_is_short_and_24_is_enough(world, make_employee):
    short, enough = make_employee(world.e1), make_employee(world.e1)
    three_levels(world.e1, [short], hours=(8, 8, "7.5"))
    three_levels(world.e1, [enough])
    result = verdict.may_work(short, on=ON)
    assert codes(result) == ["initial_hours_short"] and "23.5" in result.reasons[0]["message"]
    assert verdict.may_work(enough, on=ON).ok


def test_failed_and_absent_records_credit_nothing(world, make_employee):
    e = make_employee(world.e1)
    three_levels(world.e1, [e])
    train(world.e1, [e], "team", D(2024, 2, 1), 8, result="failed")
    assert verdict.may_work(e, on=ON).ok
    f = make_employee(world.e1)
    train(world.e1, [f], "company", D(2024, 1, 2), 8)
    train(world.e1, [f], "workshop", D(2024, 1, 2), 8)
    train(world.e1, [f], "team", D(2024, 1, 2), 8, result="failed")
    assert codes(verdict.may_work(f, on=ON)) == ["missing_level", "initial_hours_short"]


def test_72_hours_in_hazardous_chemicals(world, make_employee):
    e, ok = make_employee(world.e3), make_employee(world.e3)
    three_levels(world.e3, [e])
    three_levels(world.e3, [ok], hours=(24, 24, 24))
    result = verdict.may_work(e, on=ON)
    assert codes(result) == ["initial_hours_short"] and "72" in result.reasons[0]["message"]
    assert verdict.may_work(ok, on=ON).ok


def test_post_change_requires_new_workshop_and_team_training(world, make_employee):
    e = make_employee(world.e1)
    three_levels(world.e1, [e])
    services.employee_post_change(actor=SYSTEM, employee=e, post="机修工", started_on=D(2024, 5, 1))
    result = verdict.may_work(e, on=ON)
    assert codes(result) == ["relevel_required"] and "车间级、班组级" in result.reasons[0]["message"]
    train(world.e1, [e], "workshop", D(2024, 5, 2), 4)
    assert codes(verdict.may_work(e, on=ON)) == ["relevel_required"]  # team still missing
    train(world.e1, [e], "team", D(2024, 5, 3), 4)
    assert verdict.may_work(e, on=ON).ok
    assert verdict.may_work(e, on=D(2024, 4, 30)).ok  # before the change took effect


def test_a_year_away_requires_new_training(world, make_employee):
    e, f = make_employee(world.e1, hired_on=D(2022, 1, 1)), make_employee(world.e1, hired_on=D(2022, 1, 1))
    three_levels(world.e1, [e, f], day=D(2022, 1, 2))
    services.absence_record(actor=SYSTEM, employee=e, left_on=D(2023, 2, 1), returned_on=D(2024, 2, 1))
    services.absence_record(actor=SYSTEM, employee=f, left_on=D(2023, 2, 1), returned_on=D(2024, 1, 31))
    for p in (e, f):
        train(world.e1, [p], "annual", D(2023, 1, 10), 8)  # the 2023 retraining, before leaving
    assert codes(verdict.may_work(e, on=ON)) == ["relevel_required"]
    assert verdict.may_work(f, on=ON).ok  # a day short of a year


def test_principal_32_and_48_hours(world, make_employee):
    p1 = make_employee(world.e1, person_kind="principal", hired_on=D(2023, 6, 1))
    p3 = make_employee(world.e3, person_kind="principal", hired_on=D(2023, 6, 1))
    train(world.e1, [p1], "initial", D(2023, 7, 1), 32)
    train(world.e3, [p3], "initial", D(2023, 7, 1), 32)
    train(world.e1, [p1], "annual", D(2024, 3, 1), 12)
    train(world.e3, [p3], "annual", D(2024, 3, 1), 16)
    on = D(2025, 1, 15)
    assert verdict.may_work(p1, on=on).ok  # no three levels for a principal
    result = verdict.may_work(p3, on=on)
    assert codes(result) == ["initial_hours_short"] and "48" in result.reasons[0]["message"]
    # Within six months of taking office a shortfall is a note for a non-high-risk unit.
    fresh = make_employee(world.e1, person_kind="safety_manager", hired_on=D(2024, 6, 1))
    train(world.e1, [fresh], "initial", D(2024, 6, 5), 16)
    result = verdict.may_work(fresh, on=ON)
    assert result.ok and [n["code"] for n in result.notes] == ["initial_pending"]


def test_annual_shortfall(world, make_employee):
    e, f = make_employee(world.e1, hired_on=D(2023, 1, 1)), make_employee(world.e1, hired_on=D(2023, 1, 1))
    three_levels(world.e1, [e, f], day=D(2023, 1, 2))
    train(world.e1, [e], "annual", D(2024, 4, 1), 6)
    train(world.e1, [f], "annual", D(2024, 4, 1), 6)
    train(world.e1, [f], "special", D(2024, 10, 1), 2)  # 四新及专项培训 counts toward the year
    result = verdict.may_work(e, on=D(2025, 2, 1))
    assert codes(result) == ["annual_hours_short"]
    assert "2024 年度再培训 6 学时，不足 8 学时" in result.reasons[0]["message"]
    assert verdict.may_work(f, on=D(2025, 2, 1)).ok


def test_certificates_of_the_same_person_anywhere(world, make_employee):
    number = id_number()
    e = make_employee(world.e1, number=number)
    three_levels(world.e1, [e])
    assert verdict.may_work(e, on=ON).ok
    elsewhere = make_employee(world.e2, number=number)
    cert(elsewhere, valid_until=D(2024, 8, 31))  # registered by another enterprise
    cert(e, item="1.1", review_due=D(2024, 8, 1), number="T2")
    cert(e, item="2.1", valid_until=D(2024, 8, 1), state="revoked", number="T3")  # revoked: not a reason
    result = verdict.may_work(e, on=ON)
    assert codes(result) == ["certificate_expired", "certificate_review_overdue"]
    assert "特种作业操作证" in result.reasons[0]["message"] and "2024-08-31" in result.reasons[0]["message"]
    assert "2024-08-01" in result.reasons[1]["message"]
    assert verdict.may_work(e, on=D(2024, 8, 1)).ok  # the due day itself is still valid


def test_left_is_not_ok(world, make_employee):
    e = make_employee(world.e1)
    three_levels(world.e1, [e])
    services.employee_leave(actor=SYSTEM, employee=e, left_on=D(2024, 6, 30))
    e.refresh_from_db()
    result = verdict.may_work(e, on=ON)
    assert not result.ok and codes(result) == ["left"]


def _boiler(enterprise, name="1号锅炉"):
    return SpecialEquipment.objects.create(enterprise=enterprise, region_code=enterprise.region_code, kind="boiler",
                                           name=name, location="锅炉房")


def test_equipment_operator_needs_a_certificate_covering_the_kind(world, make_employee):
    e = make_employee(world.e1)
    three_levels(world.e1, [e])
    boiler = _boiler(world.e1)
    EquipmentOperator.objects.create(equipment=boiler, employee=e, assigned_on=D(2024, 2, 1))
    result = verdict.may_work(e, on=ON)
    assert codes(result) == ["equipment_certificate_missing"] and "1号锅炉" in result.reasons[0]["message"]
    cert(e, kind="equipment_operator", item="Q2")  # a crane driver's certificate does not cover a boiler
    assert codes(verdict.may_work(e, on=ON)) == ["equipment_certificate_missing"]
    cert(e, kind="equipment_operator", item="G1", number="G1-000001")
    assert verdict.may_work(e, on=ON).ok
    EquipmentOperator.objects.update(ended_on=D(2024, 3, 1))
    Certificate.objects.filter(item_code="G1").update(valid_until=D(2024, 4, 1))
    assert codes(verdict.may_work(e, on=ON)) == ["certificate_expired"]  # no longer assigned; the expiry remains


def test_may_do(world, make_employee):
    e = make_employee(world.e1)
    three_levels(world.e1, [e])
    result = verdict.may_do(e, certificate_kind="special_operation", item_code="1.2", on=ON)
    assert codes(result) == ["certificate_missing"]
    cert(e, item="1.2", valid_until=D(2024, 8, 1))
    result = verdict.may_do(e, certificate_kind="special_operation", item_code="1.2", on=ON)
    assert codes(result) == ["certificate_missing"] and "2024-08-01" in result.reasons[0]["message"]
    cert(e, item="1.2", number="T9")
    assert verdict.may_do(e, certificate_kind="special_operation", item_code="1.2", on=ON).ok
    assert codes(verdict.may_do(e, certificate_kind="special_operation", item_code="1.1", on=ON)) == [
        "certificate_missing"]
    assert codes(verdict.may_do(e, certificate_kind="equipment_operator", equipment_kind="lifting", on=ON)) == [
        "certificate_missing"]
    cert(e, kind="equipment_operator", item="Q1", number="Q1-000001")
    assert verdict.may_do(e, certificate_kind="equipment_operator", equipment_kind="lifting", on=ON).ok
    untrained = make_employee(world.e1)
    cert(untrained, item="1.2", number="T10")
    assert codes(verdict.may_do(untrained, certificate_kind="special_operation", item_code="1.2", on=ON)) == [
        "missing_level", "initial_hours_short"]
    with pytest.raises(ValueError):
        verdict.may_do(e, certificate_kind="driving_licence")


def test_refresh_keeps_the_copy(world, make_employee):
    people = [make_employee(world.e1) for _ in range(3)]
    three_levels(world.e1, people[:2])
    with CaptureQueriesContext(connection) as queries:
        assert verdict.refresh([p.pk for p in people], on=ON) == 3
    assert len(queries) < 15  # prefetched: the same number of queries for 3 or 300
    rows = {e.pk: e for e in Employee.objects.all()}
    assert rows[people[0].pk].work_ok and rows[people[0].pk].work_checked_on == ON
    assert not rows[people[2].pk].work_ok and rows[people[2].pk].work_reasons[0]["code"] == "missing_level"


def test_refresh_due_reads_only_stale_rows(world, make_employee):
    on = timezone.localdate()
    fresh = make_employee(world.e1)
    stale, never = make_employee(world.e1), make_employee(world.e1)
    left = make_employee(world.e1, state="left", left_on=D(2024, 6, 1))
    # Rows marked fresh keep whatever they say (here a deliberately wrong "ok"): they are not read.
    Employee.objects.filter(pk=fresh.pk).update(work_ok=True, work_checked_on=on)
    Employee.objects.filter(pk=stale.pk).update(work_ok=True, work_checked_on=on - datetime.timedelta(days=1))
    Employee.objects.filter(pk=left.pk).update(work_ok=True, work_checked_on=None)
    with CaptureQueriesContext(connection) as queries:
        assert verdict.refresh_due(on=on, batch=1) == 2
    rows = {e.pk: e for e in Employee.objects.all()}
    assert rows[fresh.pk].work_ok is True
    assert rows[stale.pk].work_ok is False and rows[stale.pk].work_checked_on == on
    assert rows[never.pk].work_ok is False and rows[never.pk].work_checked_on == on
    assert rows[left.pk].work_checked_on is None
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "people_employee" in q["sql"].split(
        "FROM")[1][:30]]
    scans = [s for s in selects if "work_checked_on" in s]
    assert scans and all('"state"' in s for s in scans)
    assert verdict.refresh_due(on=on) == 0
