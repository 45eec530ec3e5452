"""The employee services: registration with its checks (GB 11643, phone, age, duplicates), sealed storage and the
blind-index search, corrections, post changes, leaving and periods away; permission and atomicity."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from anjian.core import audit
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import AuditEvent
from anjian.people import services
from anjian.people.models import Absence, Certificate, Employee, PostAssignment
from anjian.rules.id_card import check_digit
from tests.conftest import SYSTEM
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db
D = datetime.date


def data(**overrides) -> dict:
    out = {
        "name": "李四", "id_number": id_number(birth="19900315"), "phone": "138 0013 8000", "gender": "",
        "person_kind": "employee", "employment_type": "regular", "employer_name": "", "department": "一车间",
        "team": "甲班", "post": "挡车工", "hired_on": D(2024, 3, 1), "note": "",
    }
    out.update(overrides)
    return out


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errs] for name, errs in exc.error_dict.items()}


def register(world, key="e1m", enterprise=None, **overrides):
    return services.employee_register(actor=world.user[key], enterprise=enterprise or world.e1, data=data(**overrides))


# --- registration ---------------------------------------------------------------------------------------------------


def test_register_seals_indexes_and_opens_the_first_post(world):
    number = id_number(birth="19900315")
    e = register(world, id_number=number.lower(), phone="138-0013-8000")
    e.refresh_from_db()
    assert e.id_number == number and e.phone == "13800138000"
    assert number not in e.id_number_sealed and "13800138000" not in e.phone_sealed
    assert e.id_number_sealed.startswith("sm4gcm:") and e.phone_sealed.startswith("sm4gcm:")
    assert e.id_number_index == services.id_index(number) and e.phone_index == services.phone_index("13800138000")
    assert e.gender == ("male" if int(number[16]) % 2 else "female")  # derived from the number when blank
    assert e.region_code == world.e1.region_code and e.created_by == world.user["e1m"]
    (post,) = e.posts.all()
    assert (post.post, post.department, post.team, post.started_on, post.is_change) == (
        "挡车工", "一车间", "甲班", D(2024, 3, 1), False)
    # The verdict is kept on the row at once: no training yet.
    assert e.work_checked_on is not None and e.work_ok is False
    assert "missing_level" in [r["code"] for r in e.work_reasons]


def test_audit_holds_no_plaintext(world):
    number = id_number(birth="19851111")
    e = register(world, id_number=number, phone="13900001111")
    event = AuditEvent.objects.filter(action="people.employee.register", object_id=str(e.pk)).get()
    text = str(event.changes)
    assert number not in text and "13900001111" not in text
    assert event.changes["id_number"] == number[:3] + "*" * 11 + number[-4:]
    assert event.changes["phone"] == "139****1111"


def test_wrong_check_digit_is_refused_with_the_rule_message(world):
    first17 = "33048119900315001"
    wrong = first17 + ("0" if check_digit(first17) != "0" else "1")
    with pytest.raises(ValidationError) as info:
        register(world, id_number=wrong)
    assert codes(info.value) == {"id_number": ["id_check_digit"]}
    assert info.value.error_dict["id_number"][0].messages == ["身份证号码校验位不正确，请核对。"]
    assert not Employee.objects.exists() and not PostAssignment.objects.exists()


@pytest.mark.parametrize(("number", "code"), [
    ("", "id_length"), ("12345", "id_length"), ("33048119900315001A", "id_characters"),
    ("33048119901315001X", "id_birth_date"),
])
def test_other_id_problems(world, number, code):
    with pytest.raises(ValidationError) as info:
        register(world, id_number=number)
    assert codes(info.value)["id_number"] == [code]


@pytest.mark.parametrize("phone", ["138001", "1380013800012345678901", "138abc00000", "+8613800138000"])
def test_bad_phone(world, phone):
    with pytest.raises(ValidationError) as info:
        register(world, phone=phone)
    assert codes(info.value) == {"phone": ["phone_invalid"]}
    assert "联系电话" in info.value.error_dict["phone"][0].messages[0]


def test_phone_is_optional_and_landlines_pass(world):
    e = register(world, phone="")
    assert e.phone == "" and e.phone_sealed == "" and e.phone_index == ""
    e2 = register(world, phone="0573-8765 4321")
    assert e2.phone == "057387654321"


def test_several_errors_at_once_and_no_rows(world):
    with pytest.raises(ValidationError) as info:
        register(world, name="", post="", hired_on=None, employment_type="dispatched", person_kind="boss")
    assert codes(info.value) == {
        "name": ["required"], "post": ["required"], "hired_on": ["required"], "person_kind": ["invalid_choice"],
        "employer_name": ["required"],
    }
    assert "劳务派遣人员须填写" in info.value.error_dict["employer_name"][0].messages[0]
    assert not Employee.objects.exists()


def test_name_too_long_and_garbage_date(world):
    with pytest.raises(ValidationError) as info:
        register(world, name="张" * 51, hired_on="2026-13-45")
    assert codes(info.value) == {"name": ["max_length"], "hired_on": ["invalid"]}


def test_hired_in_the_future_or_under_sixteen(world):
    with pytest.raises(ValidationError) as info:
        register(world, hired_on=services.today() + datetime.timedelta(days=1))
    assert codes(info.value) == {"hired_on": ["future"]}
    with pytest.raises(ValidationError) as info:
        register(world, id_number=id_number(birth="20100601"), hired_on=D(2026, 5, 31))
    assert codes(info.value) == {"hired_on": ["under_age"]}
    assert "入职时未满16周岁" in info.value.error_dict["hired_on"][0].messages[0]
    e = register(world, id_number=id_number(birth="20100601"), hired_on=D(2026, 6, 1))  # the 16th birthday
    assert e.pk


def test_dispatched_worker_names_the_agency(world):
    e = register(world, employment_type="dispatched", employer_name="嘉兴人力资源公司")
    assert e.employment_type == "dispatched" and e.employer_name == "嘉兴人力资源公司"


def test_duplicate_in_the_same_enterprise_only(world):
    number = id_number()
    register(world, id_number=number)
    with pytest.raises(ValidationError) as info:
        register(world, id_number=number.replace("X", "x"), name="别名")
    assert codes(info.value) == {"id_number": ["duplicate_employee"]}
    assert number not in info.value.error_dict["id_number"][0].messages[0]
    assert Employee.objects.count() == 1
    other = register(world, "e2", world.e2, id_number=number)  # the same person at another enterprise
    assert other.enterprise == world.e2


def test_blind_index_search_is_exact(world, make_employee):
    number = id_number()
    e = register(world, id_number=number, phone="13812345678")
    make_employee(world.e1, phone="13812345679")
    qs = Employee.objects.all()
    assert list(services.find_by_id_number(qs, f" {number[:6]} {number[6:]} ")) == [e]
    assert list(services.find_by_id_number(qs, number[:-1])) == []
    assert list(services.find_by_id_number(qs, "")) == []
    assert list(services.find_by_phone(qs, "138-1234-5678")) == [e]
    assert list(services.find_by_phone(qs, "1381234567")) == []


def test_database_holds_no_plaintext(world):
    number = id_number(birth="19770707")
    register(world, id_number=number, phone="13577778888")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_employee")
        rows = cursor.fetchall()
        cursor.execute("SELECT changes FROM core_auditevent")
        rows += cursor.fetchall()
    dump = repr(rows)
    assert number not in dump and "13577778888" not in dump


def test_readers_and_other_scopes_may_not_register(world):
    with pytest.raises(PermissionDeniedError):
        register(world, "e1w")  # an employee reads the ledger
    with pytest.raises(PermissionDeniedError):
        register(world, "b2")  # another county's officer
    with pytest.raises(PermissionDeniedError):
        register(world, "e2")  # another enterprise's principal
    assert register(world, "b1").pk  # the county officer may keep it
    assert register(world, "t1", id_number=id_number()).pk


def test_a_failure_after_the_first_write_leaves_nothing(world, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        register(world)
    assert not Employee.objects.exists() and not PostAssignment.objects.exists()


# --- corrections ----------------------------------------------------------------------------------------------------


def test_update_corrects_and_audits(world):
    e = register(world)
    new_number = id_number(birth="19920202")
    Certificate.objects.create(
        employee=e, enterprise=world.e1, region_code=world.e1.region_code, holder_index=e.id_number_index,
        kind="special_operation", item_code="1.2", number="T" + new_number[:10], issuer="嘉兴市应急管理局",
        issued_on=D(2024, 1, 1), valid_until=D(2030, 1, 1), due_on=D(2027, 1, 1), due_kind="review")
    e = services.employee_update(actor=world.user["e1"], employee=e, data={
        "name": "李思", "id_number": new_number, "phone": "", "post": "挡车工"})
    e.refresh_from_db()
    assert e.name == "李思" and e.id_number == new_number and e.phone == "" and e.phone_index == ""
    assert Certificate.objects.get().holder_index == services.id_index(new_number)
    event = AuditEvent.objects.filter(action="people.employee.update").get()
    assert event.changes["name"] == ["李四", "李思"] and new_number not in str(event.changes)


def test_update_refuses_a_post_change_and_a_duplicate(world):
    e = register(world)
    other = register(world, id_number=id_number())
    with pytest.raises(ValidationError) as info:
        services.employee_update(actor=world.user["e1m"], employee=e, data={"post": "机修工"})
    assert codes(info.value) == {"post": ["post_change_required"]}
    with pytest.raises(ValidationError) as info:
        services.employee_update(actor=world.user["e1m"], employee=e, data={"id_number": other.id_number})
    assert codes(info.value) == {"id_number": ["duplicate_employee"]}
    with pytest.raises(PermissionDeniedError):
        services.employee_update(actor=world.user["e1w"], employee=e, data={"name": "王五"})


def test_update_of_the_hire_date_moves_the_first_post(world):
    e = register(world)
    services.employee_update(actor=world.user["e1m"], employee=e, data={"hired_on": D(2024, 2, 1)})
    assert e.posts.get().started_on == D(2024, 2, 1)
    services.employee_post_change(actor=world.user["e1m"], employee=e, post="机修工", started_on=D(2024, 6, 1))
    with pytest.raises(ValidationError) as info:
        services.employee_update(actor=world.user["e1m"], employee=e, data={"hired_on": D(2024, 7, 1)})
    assert codes(info.value) == {"hired_on": ["after_post_change"]}


# --- posts, leaving, absences -----------------------------------------------------------------------------------------


def test_post_change_closes_the_open_post(world):
    e = register(world)
    row = services.employee_post_change(actor=world.user["e1m"], employee=e, post="机修工", department="机修车间",
                                        team="", started_on=D(2025, 5, 10))
    first, second = e.posts.order_by("started_on")
    assert (first.ended_on, second.started_on, second.ended_on, second.is_change) == (
        D(2025, 5, 9), D(2025, 5, 10), None, True)
    assert row == second
    e.refresh_from_db()
    assert (e.post, e.department, e.team) == ("机修工", "机修车间", "")
    assert AuditEvent.objects.filter(action="people.employee.post_change").exists()
    with pytest.raises(ValidationError) as info:
        services.employee_post_change(actor=world.user["e1m"], employee=e, post="电工", started_on=D(2025, 5, 1))
    assert codes(info.value) == {"started_on": ["before_current"]}
    with pytest.raises(ValidationError) as info:
        services.employee_post_change(actor=world.user["e1m"], employee=e, post="机修工", department="机修车间",
                                      started_on=D(2025, 6, 1))
    assert codes(info.value) == {"post": ["post_unchanged"]}
    with pytest.raises(ValidationError) as info:
        services.employee_post_change(actor=world.user["e1m"], employee=e, post="", started_on="garbage")
    assert codes(info.value) == {"post": ["required"], "started_on": ["invalid"]}
    assert e.posts.count() == 2


def test_leave_once(world):
    e = register(world)
    with pytest.raises(ValidationError) as info:
        services.employee_leave(actor=world.user["e1m"], employee=e, left_on=D(2024, 1, 1))
    assert codes(info.value) == {"left_on": ["before_hired"]}
    services.employee_leave(actor=world.user["e1m"], employee=e, left_on=D(2025, 1, 31))
    e.refresh_from_db()
    assert (e.state, e.left_on, e.work_ok) == ("left", D(2025, 1, 31), False)
    assert e.work_reasons == [{"code": "left", "message": "已于 2025-01-31 离职"}]
    assert e.posts.get().ended_on == D(2025, 1, 31)
    with pytest.raises(ConflictError) as info:
        services.employee_leave(actor=world.user["e1m"], employee=e, left_on=D(2025, 2, 1))
    assert info.value.code == "invalid_transition"
    with pytest.raises(ConflictError):
        services.employee_post_change(actor=world.user["e1m"], employee=e, post="电工", started_on=D(2025, 1, 1))


def test_absences_do_not_overlap_and_only_one_is_open(world):
    e = register(world)
    a = services.absence_record(actor=world.user["e1m"], employee=e, left_on=D(2024, 5, 1),
                                returned_on=D(2024, 6, 1), reason="病假")
    with pytest.raises(ValidationError) as info:
        services.absence_record(actor=world.user["e1m"], employee=e, left_on=D(2024, 5, 20))
    assert codes(info.value) == {"left_on": ["absence_overlap"]}
    open_one = services.absence_record(actor=world.user["e1m"], employee=e, left_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as info:
        services.absence_record(actor=world.user["e1m"], employee=e, left_on=D(2025, 3, 1))
    assert codes(info.value) == {"returned_on": ["absence_open"]}
    with pytest.raises(ValidationError) as info:  # a closed period after the open one's start overlaps it
        services.absence_record(actor=world.user["e1m"], employee=e, left_on=D(2025, 3, 1), returned_on=D(2025, 4, 1))
    assert codes(info.value) == {"left_on": ["absence_overlap"]}
    with pytest.raises(ValidationError) as info:
        services.absence_record(actor=world.user["e1m"], employee=e, left_on=D(2024, 8, 1), returned_on=D(2024, 7, 1))
    assert codes(info.value) == {"returned_on": ["before_left"]}
    with pytest.raises(ValidationError) as info:
        services.absence_return(actor=world.user["e1m"], absence=open_one, returned_on=D(2024, 12, 1))
    assert codes(info.value) == {"returned_on": ["before_left"]}
    services.absence_return(actor=world.user["e1m"], absence=open_one, returned_on=D(2025, 2, 1))
    with pytest.raises(ConflictError):
        services.absence_return(actor=world.user["e1m"], absence=open_one, returned_on=D(2025, 2, 2))
    with pytest.raises(ConflictError):
        services.absence_return(actor=world.user["e1m"], absence=a, returned_on=D(2024, 6, 2))
    assert Absence.objects.count() == 2
    assert AuditEvent.objects.filter(action__startswith="people.employee.absence").count() == 3
    with pytest.raises(PermissionDeniedError):
        services.absence_record(actor=world.user["e1w"], employee=e, left_on=D(2025, 6, 1))


def test_reveal_is_for_keepers_and_audited(world):
    e = register(world, phone="13800001234")
    assert services.reveal(actor=world.user["e1m"], employee=e) == {"id_number": e.id_number, "phone": "13800001234"}
    event = AuditEvent.objects.filter(action="people.employee.reveal").get()
    assert e.id_number not in str(event.changes)
    with pytest.raises(PermissionDeniedError):
        services.reveal(actor=world.user["e1w"], employee=e)
    assert services.reveal(actor=SYSTEM, employee=e)["phone"] == "13800001234"


def test_a_person_who_left_may_be_registered_again(world):
    number = id_number(birth="19880808")
    first = register(world, id_number=number, hired_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        register(world, id_number=number)
    assert codes(exc.value) == {"id_number": ["duplicate_employee"]}
    services.employee_leave(actor=world.user["e1m"], employee=first, left_on=D(2023, 6, 30))
    again = register(world, id_number=number, hired_on=D(2024, 3, 1))
    assert again.pk != first.pk and again.state == "active"
    assert Employee.objects.filter(id_number_index=first.id_number_index).count() == 2


def test_a_certificate_never_prints_an_id_number(world):
    from anjian.people import certificates

    number = id_number(birth="19850101")
    employee = register(world, id_number=number)
    cert = certificates.certificate_register(actor=world.user["e1m"], employee=employee, data={
        "kind": "special_operation", "item_code": "1.2", "number": number, "issuer": "嘉兴市应急管理局",
        "issued_on": D(2024, 1, 5)})
    assert number not in str(cert) and number[-4:] in str(cert)
