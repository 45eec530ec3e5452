"""The people pages: overview, register (filters, keyset paging, masked numbers, the audited reveal), one employee
with the verdict and the step forms, the people who may not work, the training ledger, the session form with its
participant picker, the exports (no plaintext ID numbers), the enterprise tab; readers, other scopes, bad input."""

import datetime
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from anjian.core.models import AuditEvent
from anjian.people import services, training, verdict, views
from anjian.people.models import Absence, Employee, TrainingSession
from anjian.rules.id_card import check_digit
from tests.conftest import SYSTEM
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    out = {"name": "钱七", "id_number": id_number(birth="19950505"), "phone": "13700002222", "gender": "",
           "person_kind": "employee", "employment_type": "regular", "employer_name": "", "department": "三车间",
           "team": "丙班", "post": "叉车司机", "hired_on": "2024-05-01", "note": ""}
    out.update(overrides)
    return out


def session(world, people, **data):
    start = timezone.make_aware(datetime.datetime(2024, 4, 1, 9))
    base = {"kind": "company", "title": "厂级教育", "content": "规章制度", "trainer": "王安全", "organiser": "",
            "place": "", "starts_at": start, "ends_at": start + datetime.timedelta(hours=8), "hours": Decimal(8),
            "has_exam": True}
    base.update(data)
    return training.session_record(actor=SYSTEM, enterprise=people[0].enterprise, data=base,
                                   participants=[{"employee": p, "result": "passed", "score": 90} for p in people])


def text(response) -> str:
    return response.content.decode()


# --- overview and lists ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["e1m", "e1w", "b1", "t1", "g1", "d1", "b2"])
def test_pages_render_for_every_scope(world, key, make_employee):
    make_employee(world.e1)
    c = world.client(key)
    for url in ("/people/", "/people/employees/", "/people/blocked/", "/people/training/"):
        r = c.get(url)
        assert r.status_code == 200, (key, url)


def test_overview_counts(world, make_employee):
    a = make_employee(world.e1)
    make_employee(world.e1, state="left", left_on=datetime.date(2024, 6, 1))
    verdict.refresh([a.pk])
    r = world.client("e1m").get("/people/")
    body = text(r)
    assert 'data-testid="count-employees">1<' in body and 'data-testid="count-blocked">1<' in body
    assert world.client("b2").get("/people/").context["employees"] == 0


def test_register_list_masks_and_filters(world, make_employee):
    number = id_number()
    make_employee(world.e1, name="周八", number=number, phone="13512341234")
    make_employee(world.e1, name="吴九")
    other = make_employee(world.e2, name="郑十")
    c = world.client("b1")
    body = text(c.get("/people/employees/"))
    assert "周八" in body and "郑十" in body and number not in body and number[:3] + "*" * 11 + number[-4:] in body
    body = text(c.get(f"/people/employees/?id_index={services.id_index(number)}"))
    assert "周八" in body and "吴九" not in body and 'data-testid="exact-active"' in body
    body = text(c.get(f"/people/employees/?phone_index={services.phone_index('13512341234')}"))
    assert "周八" in body and "吴九" not in body
    body = text(c.get(f"/people/employees/?enterprise={world.e2.pk}"))
    assert "郑十" in body and "周八" not in body
    assert "周八" not in text(world.client("e2").get("/people/employees/"))
    for garbage in ("enterprise=abc", "enterprise=99999999999999999999", "work_ok=maybe", "state=gone",
                    "after=%C2%B2", "person_kind=boss", "region=nowhere"):
        r = c.get(f"/people/employees/?{garbage}")
        assert r.status_code == 200, garbage
    r = c.get("/people/employees/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in text(r) and "employee-table" in text(r)
    assert other.pk


# --- the exact search: a POST, so the full numbers stay out of URLs ---------------------------------------------------


def _query(response) -> dict[str, list[str]]:
    assert response.status_code == 303, response.status_code
    return parse_qs(urlsplit(response["Location"]).query)


def test_exact_search_posts_and_lands_on_a_url_with_only_the_index(world, make_employee):
    number = id_number()
    make_employee(world.e1, name="周八", number=number, phone="13512341234")
    make_employee(world.e1, name="吴九")
    c = world.client("b1")
    form = text(c.get("/people/employees/"))
    assert 'data-testid="exact-search"' in form and 'name="csrfmiddlewaretoken"' in form
    r = c.post(f"/people/employees/?enterprise={world.e1.pk}&after=7&id_number=x",
               {"id_number": f" {number[:6]} {number[6:-1]}{number[-1].lower()} "})
    location = r["Location"]
    assert location.startswith("/people/employees/?") and number not in location and number[6:14] not in location
    assert _query(r) == {"enterprise": [str(world.e1.pk)], "id_index": [services.id_index(number)]}
    page = c.get(location)
    body = text(page)
    assert [e.name for e in page.context["page"].items] == ["周八"]
    assert number not in body and number[6:14] not in body
    assert 'data-testid="exact-active"' in body and "按身份证号码精确查找" in body
    assert f'href="/people/employees/?enterprise={world.e1.pk}" data-testid="exact-clear"' in body
    assert f'name="id_index" value="{services.id_index(number)}"' in body  # kept when the other filters change
    assert f"id_index={services.id_index(number)}" in page.context["first_query"]  # export and paging links
    rows = c.get(location, HTTP_HX_REQUEST="true")
    assert [e.name for e in rows.context["page"].items] == ["周八"] and number not in text(rows)
    # the phone, on the register and on the list of people who may not work
    r = c.post("/people/employees/", {"phone": "135-1234 1234"})
    assert _query(r) == {"phone_index": [services.phone_index("13512341234")]} and "1234" not in r["Location"]
    assert [e.name for e in c.get(r["Location"]).context["page"].items] == ["周八"]
    r = c.post("/people/blocked/", {"id_number": number})
    assert r["Location"].startswith("/people/blocked/?") and _query(r) == {"id_index": [services.id_index(number)]}
    assert "按身份证号码精确查找" in text(c.get(r["Location"]))
    # a new exact search replaces the earlier one; a number nobody has finds nobody
    r = c.post(f"/people/employees/?id_index={services.id_index(number)}", {"phone": "13900000000"})
    assert set(_query(r)) == {"phone_index"} and c.get(r["Location"]).context["page"].items == []


def test_exact_search_blank_scope_and_csrf(world, make_employee):
    number = id_number()
    make_employee(world.e1, name="周八", number=number)
    c = world.client("b1")
    r = c.post(f"/people/employees/?enterprise={world.e1.pk}", {"id_number": "  ", "phone": ""})
    assert _query(r) == {"enterprise": [str(world.e1.pk)]}
    assert "请填写完整的身份证号码或联系电话。" in text(c.get(r["Location"]))
    r = c.post("/people/employees/", {"id_number": "1" * 61})
    assert _query(r) == {}
    other = world.client("b2")  # another county: the same number finds nobody there
    r = other.post("/people/employees/", {"id_number": number})
    assert other.get(r["Location"]).context["page"].items == []
    strict = world.client("b1")
    strict.handler.enforce_csrf_checks = True
    assert strict.post("/people/employees/", {"id_number": number}).status_code == 403


def test_plaintext_numbers_in_the_url_are_refused(world, make_employee):
    number = id_number()
    make_employee(world.e1, name="周八", number=number, phone="13512341234")
    make_employee(world.e1, name="吴九")
    c = world.client("b1")
    for url in (f"/people/employees/?id_number={number}", "/people/employees/?phone=13512341234",
                f"/people/blocked/?id_number={number}"):
        r = c.get(url)
        body = text(r)
        assert r.status_code == 200 and r.context["page"].items == [], url
        assert "不能放在网址中查找" in body and "周八" not in body and "吴九" not in body, url
        main = body.split('id="filters"')[1]  # (the header's language switch returns to the URL as typed)
        assert number not in main and "13512341234" not in main and "id_number" not in r.context["first_query"], url
    r = c.get(f"/people/employees/?id_number={number}", HTTP_HX_REQUEST="true")
    assert r.context["page"].items == [] and "不能放在网址中查找" in text(r) and number not in text(r)
    assert c.get(f"/people/employees/export.xlsx?id_number={number}").status_code == 302
    r = c.get("/people/employees/?id_number=&phone=")  # the empty fields of the old form: no condition
    assert {e.name for e in r.context["page"].items} == {"周八", "吴九"}


@pytest.mark.parametrize("param, message", [("id_index", "身份证号码精确查找的条件无效"),
                                            ("phone_index", "联系电话精确查找的条件无效")])
@pytest.mark.parametrize("value", ["abc", "A" * 64, "0" * 63, "0" * 65, "g" * 64, "%00", "0" * 63 + "%C2%B2"])
def test_bad_index_values_give_a_chinese_message(world, make_employee, param, value, message):
    make_employee(world.e1, name="周八")
    for url in ("/people/employees/", "/people/blocked/"):
        r = world.client("b1").get(f"{url}?{param}={value}")
        assert r.status_code == 200 and r.context["page"].items == [] and message in text(r), (url, value)
        assert 'data-testid="exact-active"' not in text(r)
    assert world.client("b1").get(f"/people/employees/export.xlsx?{param}={value}").status_code == 302
    r = world.client("b1").get(f"/people/employees/?{param}={'0' * 64}")  # well-formed, nobody's
    assert r.status_code == 200 and r.context["page"].items == [] and message not in text(r)


def test_keyset_paging(world, make_employee):
    people = [make_employee(world.e1, name=f"员工{i:02d}") for i in range(55)]
    c = world.client("e1m")
    first = c.get("/people/employees/")
    assert len(first.context["page"].items) == 50 and first.context["next_query"]
    second = c.get("/people/employees/?" + first.context["next_query"])
    assert len(second.context["page"].items) == 5
    assert {e.pk for e in second.context["page"].items} == {p.pk for p in people[:5]}


def test_blocked_list(world, make_employee):
    this_year = timezone.localdate().replace(month=1, day=1)  # no annual retraining owed yet
    a, b = make_employee(world.e1, name="未培训", hired_on=this_year), make_employee(world.e1, name="已培训",
                                                                                  hired_on=this_year)
    session(world, [b])
    session(world, [b], kind="workshop")
    session(world, [b], kind="team")
    verdict.refresh([a.pk, b.pk])
    body = text(world.client("b1").get("/people/blocked/"))
    assert "未培训" in body and "已培训" not in body and 'data-testid="reason-missing_level"' in body
    assert "未培训" not in text(world.client("b2").get("/people/blocked/"))


# --- one employee ----------------------------------------------------------------------------------------------------


def test_detail_masks_and_reveal(world, make_employee):
    number = id_number()
    e = make_employee(world.e1, number=number, phone="13611112222")
    keeper = world.client("e1m")
    r = keeper.get(f"/people/employees/{e.pk}/")
    assert r.status_code == 200 and number not in text(r) and "136****2222" in text(r)
    assert 'data-testid="reveal"' in text(r) and 'data-testid="verdict"' in text(r)
    r = keeper.post(f"/people/employees/{e.pk}/reveal/")
    assert r.status_code == 200 and number in text(r) and "13611112222" in text(r)
    assert "no-store" in r["Cache-Control"]
    assert AuditEvent.objects.filter(action="people.employee.reveal", object_id=str(e.pk)).count() == 1
    reader = world.client("e1w")
    r = reader.get(f"/people/employees/{e.pk}/")
    assert r.status_code == 200 and 'data-testid="reveal"' not in text(r) and "step-leave" not in text(r)
    assert reader.post(f"/people/employees/{e.pk}/reveal/").status_code == 403
    assert reader.get(f"/people/employees/{e.pk}/reveal/").status_code in (403, 405)
    assert world.client("b2").get(f"/people/employees/{e.pk}/").status_code == 404
    assert world.client("e2").post(f"/people/employees/{e.pk}/reveal/").status_code == 404
    assert keeper.get("/people/employees/999999/").status_code == 404


def test_register_form(world):
    c = world.client("e1m")
    assert c.get("/people/employees/new/").status_code == 200
    assert world.client("e1w").get("/people/employees/new/").status_code == 403
    assert world.client("g1").get("/people/employees/new/").status_code == 403
    first17 = "33048119950505001"
    wrong = first17 + ("1" if check_digit(first17) == "0" else "0")
    r = c.post("/people/employees/new/", form_data(id_number=wrong, enterprise=world.e1.pk))
    assert r.status_code == 400 and "身份证号码校验位不正确" in text(r)
    r = c.post("/people/employees/new/", form_data(hired_on="2026-13-45", enterprise=world.e1.pk))
    assert r.status_code == 400 and "有效的日期" in text(r)
    r = c.post("/people/employees/new/", form_data(enterprise=world.e1.pk, name="", phone="12"))
    assert r.status_code == 400 and "请填写姓名" in text(r) and "联系电话应为7至20位数字" in text(r)
    r = c.post("/people/employees/new/", form_data(enterprise=world.e3.pk))
    assert r.status_code == 400 and "不在您的管辖范围内" in text(r)
    r = c.post("/people/employees/new/", form_data(enterprise="abc", employment_type="alien"))
    assert r.status_code == 400
    assert not Employee.objects.exists()
    r = c.post("/people/employees/new/", form_data(enterprise=world.e1.pk))
    e = Employee.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/people/employees/{e.pk}/"
    r = c.post("/people/employees/new/", form_data(enterprise=world.e1.pk, id_number=e.id_number))
    assert r.status_code == 400 and "同一人在一个单位只登记一次" in text(r)


def test_officer_registers_for_an_enterprise(world):
    c = world.client("b1")
    r = c.get(f"/people/employees/new/?enterprise={world.e2.pk}")
    assert r.status_code == 200
    r = c.post("/people/employees/new/", form_data(enterprise=world.e2.pk))
    assert r.status_code == 302 and Employee.objects.get().enterprise == world.e2


def test_edit_form(world, make_employee):
    e = make_employee(world.e1, phone="13600000000")
    c = world.client("e1m")
    assert c.get(f"/people/employees/{e.pk}/edit/").status_code == 200
    assert world.client("e1w").get(f"/people/employees/{e.pk}/edit/").status_code == 403
    assert world.client("b2").get(f"/people/employees/{e.pk}/edit/").status_code == 404
    r = c.post(f"/people/employees/{e.pk}/edit/", {"name": "", "person_kind": "employee",
                                                   "employment_type": "regular", "hired_on": "2024-01-01"})
    assert r.status_code == 400 and "请填写姓名" in text(r)
    r = c.post(f"/people/employees/{e.pk}/edit/", {"name": "新名", "person_kind": "employee",
                                                   "employment_type": "regular", "hired_on": "2024-01-01",
                                                   "id_number": "", "phone": ""})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.name == "新名" and e.phone == "13600000000"  # blank keeps the stored number
    c.post(f"/people/employees/{e.pk}/edit/", {"name": "新名", "person_kind": "employee",
                                               "employment_type": "regular", "hired_on": "2024-01-01",
                                               "clear_phone": "on"})
    e.refresh_from_db()
    assert e.phone == ""


def test_step_forms(world, make_employee):
    e = make_employee(world.e1)
    c = world.client("e1m")
    r = c.post(f"/people/employees/{e.pk}/post-change/", {"post_change-post": "", "post_change-started_on": "x"})
    assert r.status_code == 400 and "有效的日期" in text(r)
    r = c.post(f"/people/employees/{e.pk}/post-change/", {"post_change-post": "",
                                                         "post_change-started_on": "2024-06-01"})
    assert r.status_code == 400 and "请填写岗位" in text(r)
    r = c.post(f"/people/employees/{e.pk}/post-change/", {"post_change-post": "电工",
                                                         "post_change-started_on": "2024-06-01"})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.post == "电工"
    r = c.post(f"/people/employees/{e.pk}/absences/", {"absence-left_on": "2024-07-01",
                                                      "absence-returned_on": "2024-06-01"})
    assert r.status_code == 400 and "返岗日期不能早于离岗日期" in text(r)
    r = c.post(f"/people/employees/{e.pk}/absences/", {"absence-left_on": "2024-07-01"})
    assert r.status_code == 302
    absence = Absence.objects.get()
    r = c.post(f"/people/employees/{e.pk}/absences/{absence.pk}/return/", {"absence_return-returned_on": "2026-13-45"})
    assert r.status_code == 400
    r = c.post(f"/people/employees/{e.pk}/absences/{absence.pk}/return/", {"absence_return-returned_on": "2024-08-01"})
    assert r.status_code == 302
    other = make_employee(world.e1)
    r = c.post(f"/people/employees/{other.pk}/absences/{absence.pk}/return/",
               {"absence_return-returned_on": "2024-08-01"})
    assert r.status_code == 404  # someone else's absence
    assert world.client("e1w").post(f"/people/employees/{e.pk}/leave/", {"leave-left_on": "2024-09-01"}).status_code \
        == 403
    r = c.post(f"/people/employees/{e.pk}/leave/", {"leave-left_on": "2024-09-01"})
    assert r.status_code == 302
    r = c.post(f"/people/employees/{e.pk}/leave/", {"leave-left_on": "2024-09-02"}, follow=True)
    assert "离职" in text(r)  # the refusal comes back as a message, not a 500
    body = text(c.get(f"/people/employees/{e.pk}/"))
    assert 'data-testid="reason-left"' in body and "step-leave" not in body


# --- training --------------------------------------------------------------------------------------------------------


def _session_post(enterprise, people, **overrides):
    out = {"enterprise": enterprise.pk, "kind": "company", "title": "厂级教育", "content": "规章制度",
           "trainer": "王安全",
           "organiser": "", "place": "", "starts_at": "2024-04-01T09:00", "ends_at": "2024-04-01T17:00",
           "hours": "8", "has_exam": "on"}
    for p in people:
        out.update({f"p_{p.pk}": "on", f"result_{p.pk}": "passed", f"score_{p.pk}": "88", f"hours_{p.pk}": ""})
    out.update(overrides)
    return out


def test_session_form_with_the_picker(world, make_employee):
    a, b = make_employee(world.e1, name="甲"), make_employee(world.e1, name="乙")
    make_employee(world.e2, name="外单位")
    c = world.client("e1m")
    r = c.get("/people/training/new/")
    assert r.status_code == 200 and "甲" in text(r) and "外单位" not in text(r) and "<script>" not in text(r)
    r = c.post("/people/training/new/", _session_post(world.e1, [a, b], **{f"result_{b.pk}": "absent"}))
    assert r.status_code == 302, text(r)
    s = TrainingSession.objects.get()
    assert {(x.employee_id, x.result, x.hours) for x in s.records.all()} == {
        (a.pk, "passed", Decimal("8.0")), (b.pk, "absent", Decimal("0.0"))}
    r = c.get(f"/people/training/{s.pk}/")
    assert r.status_code == 200 and "甲" in text(r) and "缺考 1" in text(r)
    r = c.get(f"/people/training/{s.pk}/edit/")
    assert r.status_code == 200 and f'name="p_{a.pk}" id="p_{a.pk}" checked' in text(r)
    r = c.post(f"/people/training/{s.pk}/edit/", _session_post(world.e1, [a], title="厂级教育（更正）"))
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.title == "厂级教育（更正）" and [x.employee_id for x in s.records.all()] == [a.pk]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"hours": "abc"}, "学时须为数字"),
    ({"starts_at": "2026-13-45T09:00"}, "有效的日期"),
    ({"ends_at": "2024-04-01T08:00"}, "结束时间须晚于开始时间"),
    ({"hours": "0"}, "学时须大于0"),
    ({"hours": "20"}, "按每学时不少于45分钟计"),
    ({"kind": "party"}, "有效"),
    ({"title": ""}, "请填写培训主题"),
])
def test_session_form_bad_input(world, make_employee, overrides, message):
    a = make_employee(world.e1)
    r = world.client("e1m").post("/people/training/new/", _session_post(world.e1, [a], **overrides))
    assert r.status_code == 400 and message in text(r)
    assert not TrainingSession.objects.exists()


def test_session_form_participant_problems(world, make_employee):
    a = make_employee(world.e1, name="甲")
    c = world.client("e1m")
    r = c.post("/people/training/new/", _session_post(world.e1, []))
    assert r.status_code == 400 and "请至少选择一名参加人员" in text(r)
    r = c.post("/people/training/new/", _session_post(world.e1, [a], **{f"score_{a.pk}": "abc"}))
    assert r.status_code == 400 and "甲" in text(r) and "成绩须为数字" in text(r)
    r = c.post("/people/training/new/", _session_post(world.e1, [a], **{f"score_{a.pk}": "120"}))
    assert r.status_code == 400 and "0至100" in text(r)
    assert not TrainingSession.objects.exists()


def test_session_permissions_and_scope(world, make_employee):
    a = make_employee(world.e1)
    s = session(world, [a])
    assert world.client("e1w").get("/people/training/new/").status_code == 403
    assert world.client("e1w").get(f"/people/training/{s.pk}/edit/").status_code == 403
    assert world.client("e1w").post(f"/people/training/{s.pk}/delete/").status_code == 403
    assert world.client("b2").get(f"/people/training/{s.pk}/").status_code == 404
    assert world.client("b2").post(f"/people/training/{s.pk}/delete/").status_code == 404
    r = world.client("b1").get(f"/people/training/new/?enterprise={world.e3.pk}")
    assert r.status_code == 400 and "不在您的管辖范围内" in text(r)
    r = world.client("b1").get("/people/training/new/?enterprise=abc")
    assert r.status_code == 400
    assert world.client("b1").get("/people/training/new/").status_code == 200  # choose the enterprise first
    assert world.client("b1").get(f"/people/training/new/?enterprise={world.e1.pk}").status_code == 200
    r = world.client("e1m").post(f"/people/training/{s.pk}/delete/")
    assert r.status_code == 302 and not TrainingSession.objects.exists()


def test_session_list_filters(world, make_employee):
    a = make_employee(world.e1)
    session(world, [a], title="四月厂级")
    session(world, [a], kind="annual", title="九月复训",
            starts_at=timezone.make_aware(datetime.datetime(2024, 9, 1, 9)),
            ends_at=timezone.make_aware(datetime.datetime(2024, 9, 1, 17)))
    c = world.client("b1")
    body = text(c.get("/people/training/?kind=annual"))
    assert "九月复训" in body and "四月厂级" not in body
    body = text(c.get("/people/training/?date_from=2024-04-01&date_to=2024-04-30"))
    assert "四月厂级" in body and "九月复训" not in body
    r = c.get("/people/training/?date_from=2026-13-45")
    assert r.status_code == 200 and "筛选条件有误" in text(r)
    assert "四月厂级" not in text(world.client("b2").get("/people/training/"))


# --- exports and the enterprise tab ---------------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def test_exports_hold_no_plaintext(world, make_employee):
    number = id_number()
    a = make_employee(world.e1, name="孙一", number=number, phone="13988887777")
    session(world, [a], title="导出测试")
    c = world.client("e1m")
    rows = _sheet(c.get("/people/employees/export.xlsx"))
    dump = repr(rows)
    assert "孙一" in dump and number not in dump and "13988887777" not in dump and number[-4:] in dump
    rows = _sheet(c.get("/people/training/export.xlsx"))
    header = rows[2]
    assert list(header[:3]) == ["序号", "单位", "培训日期"] and "姓名" in header and "考核结果" in header
    assert any("导出测试" in repr(r) and "孙一" in repr(r) and "合格" in repr(r) for r in rows[3:])
    assert number not in repr(rows)
    r = c.get("/people/employees/export.xlsx?enterprise=abc")
    assert r.status_code == 302
    assert _sheet(world.client("b2").get("/people/employees/export.xlsx"))[3:] == []


def test_enterprise_tab(world, make_employee):
    a = make_employee(world.e1, name="待培训")
    verdict.refresh([a.pk])
    session(world, [a], title="最近一次")
    request = RequestFactory().get("/")
    request.user = world.user["e1m"]
    context = views.enterprise_tab_context(world.user["e1m"], world.e1)
    assert context["people_counts"]["employees"] == 1 and [e.pk for e in context["people_blocked"]] == [a.pk]
    html = render_to_string("people/_enterprise_tab.html", context, request=request)
    assert "待培训" in html and "最近一次" in html
    assert views.enterprise_tab_context(world.user["b2"], world.e1)["people_counts"]["employees"] == 0
