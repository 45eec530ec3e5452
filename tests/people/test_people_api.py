"""The employees and training API: create, list, filters (exact ID-card number and phone through the blind index),
masked reads and the audited reveal, the steps, the verdict endpoints, sessions with nested participants, the error
codes, 403 for readers and 404 outside the scope; the OpenAPI schema."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from anjian.core.models import AuditEvent
from anjian.people import services
from anjian.people.models import Certificate, Employee, TrainingSession
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def field_codes(response) -> dict[str, list[str]]:
    body = response.json()
    assert body["code"] == "invalid", body
    return {name: [e["code"] for e in errors] for name, errors in body["fields"].items()}


def payload(**overrides):
    out = {"name": "赵六", "id_number": id_number(birth="19880808"), "phone": "13600001111", "post": "操作工",
           "hired_on": "2024-03-01", "department": "二车间", "team": "乙班"}
    out.update(overrides)
    return out


def session_payload(people, **overrides):
    start = timezone.make_aware(datetime.datetime(2024, 3, 2, 9))
    out = {
        "kind": "company", "title": "厂级安全教育", "content": "规章制度与事故案例", "trainer": "王安全",
        "starts_at": start.isoformat(), "ends_at": (start + datetime.timedelta(hours=8)).isoformat(), "hours": "8",
        "participants": [{"employee": p.pk, "result": "passed", "score": "92"} for p in people],
    }
    out.update(overrides)
    return out


def test_create_masks_and_reveal_is_audited(world):
    c = world.client("e1m")
    number = id_number(birth="19880808")
    r = _post(c, "/api/employees/", payload(id_number=number))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["enterprise"] == world.e1.pk and body["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    assert body["phone_masked"] == "136****1111" and "id_number" not in body and "phone" not in body
    assert number not in r.content.decode()
    assert body["posts"][0]["post"] == "操作工" and body["work_ok"] is False
    assert body["work_reasons"][0]["code"] == "missing_level"
    r = _post(c, f"/api/employees/{body['id']}/reveal/")
    assert r.status_code == 200 and r.json() == {"id_number": number, "phone": "13600001111"}
    assert AuditEvent.objects.filter(action="people.employee.reveal").count() == 1
    # A reader of the same enterprise sees the masked row, may not reveal or write.
    reader = world.client("e1w")
    assert reader.get(f"/api/employees/{body['id']}/").json()["id_number_masked"] == body["id_number_masked"]
    r = _post(reader, f"/api/employees/{body['id']}/reveal/")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert _patch(reader, f"/api/employees/{body['id']}/", {"name": "改名"}).status_code == 403
    assert _post(reader, "/api/employees/", payload(id_number=id_number())).status_code == 403


def test_error_codes(world):
    c = world.client("e1m")
    first17 = "33048119880808001"
    from anjian.rules.id_card import check_digit

    wrong = first17 + ("1" if check_digit(first17) == "0" else "0")
    r = _post(c, "/api/employees/", payload(id_number=wrong, phone="12"))
    assert r.status_code == 400
    assert field_codes(r) == {"id_number": ["id_check_digit"], "phone": ["phone_invalid"]}
    assert r.json()["fields"]["id_number"][0]["message"] == "身份证号码校验位不正确，请核对。"
    r = _post(c, "/api/employees/", payload(hired_on="2026-13-45", person_kind="boss"))
    assert field_codes(r) == {"hired_on": ["invalid"], "person_kind": ["invalid_choice"]}
    number = id_number()
    assert _post(c, "/api/employees/", payload(id_number=number)).status_code == 201
    r = _post(c, "/api/employees/", payload(id_number=number))
    assert field_codes(r) == {"id_number": ["duplicate_employee"]}
    r = _post(c, "/api/employees/", [1, 2])
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    r = _post(world.client("b1"), "/api/employees/", payload(id_number=id_number()))
    assert field_codes(r) == {"enterprise": ["required"]}
    r = _post(world.client("b1"), "/api/employees/", payload(id_number=id_number(), enterprise=world.e3.pk))
    assert field_codes(r) == {"enterprise": ["not_found"]}
    r = _post(world.client("b1"), "/api/employees/", payload(id_number=id_number(), enterprise=world.e2.pk))
    assert r.status_code == 201 and r.json()["enterprise"] == world.e2.pk
    assert Employee.objects.count() == 2


def test_list_filters_and_scope(world, make_employee):
    number = id_number()
    a = make_employee(world.e1, name="张三丰", number=number, phone="13912345678")
    b = make_employee(world.e1, name="李四", employment_type="dispatched", employer_name="派遣公司")
    e2 = make_employee(world.e2, name="王五")
    c = world.client("b1")

    def ids(url):
        r = c.get(url)
        assert r.status_code == 200, r.json()
        return {row["id"] for row in r.json()["results"]}

    assert ids("/api/employees/") == {a.pk, b.pk, e2.pk}
    assert ids(f"/api/employees/?enterprise={world.e1.pk}") == {a.pk, b.pk}
    assert ids("/api/employees/?name=三丰") == {a.pk}
    assert ids(f"/api/employees/?id_index={services.id_index(number)}") == {a.pk}
    assert ids(f"/api/employees/?phone_index={services.phone_index('13912345678')}") == {a.pk}
    assert ids(f"/api/employees/?phone_index={services.phone_index('1391234567')}") == set()
    assert ids(f"/api/employees/blocked/?id_index={services.id_index(number)}") == {a.pk}
    assert ids("/api/employees/?employment_type=dispatched") == {b.pk}
    assert ids("/api/employees/?work_ok=false") == {a.pk, b.pk, e2.pk}
    r = c.get("/api/employees/?enterprise=abc")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert {row["id"] for row in world.client("e1w").get("/api/employees/").json()["results"]} == {a.pk, b.pk}
    assert world.client("b2").get("/api/employees/").json()["results"] == []
    assert world.client("b2").get(f"/api/employees/{a.pk}/").status_code == 404
    assert world.client("e2").get(f"/api/employees/{a.pk}/may-work/").status_code == 404
    assert _post(world.client("b2"), f"/api/employees/{a.pk}/leave/", {"left_on": "2025-01-01"}).status_code == 404
    assert c.get("/api/employees/99999999999999999999/").status_code == 404
    blocked = c.get("/api/employees/blocked/").json()["results"]
    # Never judged yet (work_checked_on empty): not cleared to work until the verdict says so.
    assert {row["id"] for row in blocked} == {a.pk, b.pk, e2.pk} and not blocked[0]["work_reasons"]
    from anjian.people import verdict

    verdict.refresh([a.pk, b.pk, e2.pk])
    blocked = c.get(f"/api/employees/blocked/?enterprise={world.e1.pk}").json()["results"]
    assert {row["id"] for row in blocked} == {a.pk, b.pk} and blocked[0]["work_reasons"]


def test_plaintext_query_parameters_are_refused_and_bad_indexes_are_a_400(world, make_employee):
    number = id_number()
    make_employee(world.e1, name="张三丰", number=number, phone="13912345678")
    c = world.client("b1")
    for url, field in ((f"/api/employees/?id_number={number}", "id_number"),
                       ("/api/employees/?phone=13912345678", "phone"),
                       (f"/api/employees/blocked/?id_number={number}", "id_number")):
        r = c.get(url)
        assert r.status_code == 400 and field_codes(r) == {field: ["plaintext_not_allowed"]}, url
        assert "不能放在网址中查找" in r.json()["message"] and number not in r.content.decode()
    for bad in ("abc", "A" * 64, "0" * 65, "%00"):
        r = c.get(f"/api/employees/?id_index={bad}")
        assert r.status_code == 400 and field_codes(r)["id_index"][0] == "invalid_index", bad
        assert "身份证号码精确查找的条件无效" in r.json()["message"]
        r = c.get(f"/api/employees/?phone_index={bad}")
        assert r.status_code == 400 and field_codes(r)["phone_index"][0] == "invalid_index", bad


def test_search_by_full_number_in_the_body(world, make_employee):
    number = id_number()
    a = make_employee(world.e1, name="张三丰", number=number, phone="13912345678")
    make_employee(world.e1, name="李四")
    far = make_employee(world.e3, name="王五", number=id_number(), phone="13700000000")  # another county
    c = world.client("b1")

    def found(body, client=c):
        r = _post(client, "/api/employees/search/", body)
        assert r.status_code == 200, r.json()
        assert set(r.json()) == {"results"}
        return [row["id"] for row in r.json()["results"]]

    assert found({"id_number": f"{number[:6]} {number[6:-1]}{number[-1].lower()}"}) == [a.pk]
    assert found({"phone": "139-1234-5678"}) == [a.pk]
    assert found({"id_number": number, "phone": "13912345678"}) == [a.pk]
    assert found({"id_number": number, "phone": "13800000000"}) == []  # both given: both must match
    assert found({"id_number": number[:-1] + ("0" if number[-1] != "0" else "1")}) == []
    assert found({"phone": "1391234567"}) == []
    row = _post(c, "/api/employees/search/", {"id_number": number}).json()["results"][0]
    assert row["name"] == "张三丰" and number not in repr(row) and row["id_number_masked"].endswith(number[-4:])
    # scope: another county's person is not found, nor e1's by e2 or by the other county's bureau
    assert found({"id_number": far.id_number}) == [] and found({"phone": "13700000000"}) == []
    assert found({"id_number": far.id_number}, world.client("b2")) == [far.pk]
    assert found({"id_number": number}, world.client("e2")) == [] and found({"id_number": number},
                                                                            world.client("b2")) == []
    assert found({"id_number": number}, world.client("e1w")) == [a.pk]  # readers may look up
    # at most 50 rows
    for n in range(51):
        make_employee(world.e2, name=f"同号{n}", phone="13600009999")
    assert len(found({"phone": "13600009999"})) == 50


@pytest.mark.parametrize("body", [{}, {"id_number": "", "phone": "  "}, {"name": "张三丰"}])
def test_search_without_a_number_is_a_400(world, body):
    r = _post(world.client("b1"), "/api/employees/search/", body)
    assert r.status_code == 400 and field_codes(r) == {"non_field_errors": ["required"]}
    assert "身份证号码" in r.json()["message"]


def test_search_bad_bodies(world):
    c = world.client("b1")
    r = _post(c, "/api/employees/search/", ["330481199001010011"])
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    r = _post(c, "/api/employees/search/", {"id_number": "1" * 61})
    assert r.status_code == 400 and "id_number" in field_codes(r)
    assert c.get("/api/employees/search/").status_code == 405
    assert Client().post("/api/employees/search/", {"id_number": "1"}, content_type="application/json"
                         ).status_code in (401, 403)


def test_steps_and_verdicts(world, make_employee):
    e = make_employee(world.e1)
    c = world.client("e1m")
    r = _post(c, f"/api/employees/{e.pk}/post-change/", {"post": "机修工", "started_on": "2024-06-01"})
    assert r.status_code == 201, r.json()
    assert r.json()["posts"][-1]["is_change"] is True and r.json()["post"] == "机修工"
    r = _patch(c, f"/api/employees/{e.pk}/", {"post": "电工"})
    assert field_codes(r) == {"post": ["post_change_required"]}
    r = _patch(c, f"/api/employees/{e.pk}/", {"name": "张叁", "enterprise": world.e2.pk})
    assert field_codes(r) == {"enterprise": ["read_only"]}
    r = _patch(c, f"/api/employees/{e.pk}/", {"name": "张叁"})
    assert r.status_code == 200 and r.json()["name"] == "张叁"
    r = _post(c, f"/api/employees/{e.pk}/absences/", {"left_on": "2024-07-01"})
    assert r.status_code == 201
    absence = r.json()["absences"][0]["id"]
    r = _post(c, f"/api/employees/{e.pk}/absences/{absence}/return/", {"returned_on": "2024-06-01"})
    assert field_codes(r) == {"returned_on": ["before_left"]}
    r = _post(c, f"/api/employees/{e.pk}/absences/{absence}/return/", {"returned_on": "2024-08-01"})
    assert r.status_code == 200 and r.json()["absences"][0]["returned_on"] == "2024-08-01"
    r = _post(c, f"/api/employees/{e.pk}/absences/{absence}/return/", {"returned_on": "2024-08-02"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = c.get(f"/api/employees/{e.pk}/may-work/?on=2024-09-01")
    body = r.json()
    assert r.status_code == 200 and body["ok"] is False and body["on"] == "2024-09-01"
    assert [x["code"] for x in body["reasons"]] == ["missing_level", "initial_hours_short"]
    assert c.get(f"/api/employees/{e.pk}/may-work/?on=2026-13-45").status_code == 400
    r = c.get(f"/api/employees/{e.pk}/may-do/?certificate_kind=special_operation&item_code=1.2&on=2024-09-01")
    assert "certificate_missing" in [x["code"] for x in r.json()["reasons"]]
    r = c.get(f"/api/employees/{e.pk}/may-do/?certificate_kind=licence")
    assert field_codes(r) == {"certificate_kind": ["invalid_choice"]}
    r = c.get(f"/api/employees/{e.pk}/may-do/?certificate_kind=equipment_operator&equipment_kind=rocket")
    assert field_codes(r) == {"equipment_kind": ["invalid_choice"]}
    r = c.get(f"/api/employees/{e.pk}/may-do/")
    assert field_codes(r) == {"certificate_kind": ["required"]}
    r = _post(c, f"/api/employees/{e.pk}/leave/", {"left_on": "2024-10-01"})
    assert r.status_code == 200 and r.json()["state"] == "left"
    r = _post(c, f"/api/employees/{e.pk}/leave/", {"left_on": "2024-10-02"})
    assert r.status_code == 409
    assert _post(world.client("e1w"), f"/api/employees/{e.pk}/absences/", {"left_on": "2024-07-01"}).status_code == 403


def test_may_work_reports_an_expired_certificate(world, make_employee):
    e = make_employee(world.e1)
    Certificate.objects.create(
        employee=e, enterprise=world.e1, region_code=world.e1.region_code, holder_index=e.id_number_index,
        kind="special_operation", item_code="1.2", number="T123456", issuer="发证机关",
        issued_on=datetime.date(2018, 1, 1),
        valid_until=datetime.date(2024, 1, 1), due_on=datetime.date(2024, 1, 1), due_kind="renewal")
    r = world.client("e1w").get(f"/api/employees/{e.pk}/may-work/?on=2024-09-01")
    assert "certificate_expired" in [x["code"] for x in r.json()["reasons"]]


def test_sessions_crud_with_participants(world, make_employee):
    a, b = make_employee(world.e1), make_employee(world.e1)
    c = world.client("e1m")
    r = _post(c, "/api/training-sessions/", session_payload([a, b]))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["enterprise"] == world.e1.pk and body["hours"] == "8.0"
    assert {p["employee"] for p in body["participants"]} == {a.pk, b.pk}
    pk = body["id"]
    r = _patch(c, f"/api/training-sessions/{pk}/", {"participants": [{"employee": b.pk, "result": "absent"}]})
    assert r.status_code == 200 and [(p["employee"], p["hours"]) for p in r.json()["participants"]] == [
        (b.pk, "0.0")]
    r = c.get("/api/training-sessions/")
    assert r.json()["results"][0]["participant_count"] == 1
    r = c.get(f"/api/training-records/?employee={b.pk}")
    assert [row["result"] for row in r.json()["results"]] == ["absent"]
    assert c.get(f"/api/training-records/?session={pk}&result=passed").json()["results"] == []
    assert c.get("/api/training-sessions/?date_from=2024-03-02&date_to=2024-03-02").json()["results"]
    assert c.get("/api/training-sessions/?date_from=2024-03-03").json()["results"] == []
    assert c.get("/api/training-sessions/?date_from=2026-13-45").status_code == 400
    assert _post(world.client("e1w"), "/api/training-sessions/", session_payload([a])).status_code == 403
    assert world.client("e1w").delete(f"/api/training-sessions/{pk}/").status_code == 403
    assert world.client("b2").get(f"/api/training-sessions/{pk}/").status_code == 404
    assert world.client("b2").delete(f"/api/training-sessions/{pk}/").status_code == 404
    assert c.delete(f"/api/training-sessions/{pk}/").status_code == 204
    assert not TrainingSession.objects.exists()


def test_session_error_codes(world, make_employee):
    a, other = make_employee(world.e1), make_employee(world.e2)
    c = world.client("e1m")
    start = timezone.make_aware(datetime.datetime(2024, 3, 2, 9))
    r = _post(c, "/api/training-sessions/", session_payload(
        [a], ends_at=(start - datetime.timedelta(hours=1)).isoformat(), hours="0"))
    assert field_codes(r) == {"ends_at": ["ends_before_start"], "hours": ["hours_not_positive"]}
    r = _post(c, "/api/training-sessions/", session_payload([a], hours="abc"))
    assert field_codes(r) == {"hours": ["invalid"]}
    r = _post(c, "/api/training-sessions/", session_payload([a], hours="20"))
    assert field_codes(r) == {"hours": ["hours_exceed_duration"]}
    r = _post(c, "/api/training-sessions/", session_payload([a, other]))
    assert field_codes(r) == {"participants": ["participant_other_enterprise"]}
    r = _post(c, "/api/training-sessions/", session_payload([]))
    assert field_codes(r) == {"participants": ["participants_required"]}
    r = _post(c, "/api/training-sessions/", session_payload([a], starts_at="2026-13-45T09:00"))
    assert field_codes(r) == {"starts_at": ["invalid"]}
    assert not TrainingSession.objects.exists()


def test_openapi_schema_has_no_warnings(world, tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/employees/{id}/may-do/" in text and "/api/training-sessions/" in text


# =================================================================================================================
# Out-of-range input (numbers, dates, ids): a 400 with the house error body, never a 500. Kept apart from the tests
# above; new tests of this kind go below.
# =================================================================================================================


@pytest.mark.parametrize("on", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_verdict_dates_outside_1900_to_2100_are_refused(world, make_employee, on):
    e = make_employee(world.e1)
    c = world.client("e1m")
    r = c.get(f"/api/employees/{e.pk}/may-work/?on={on}")
    assert r.status_code == 400 and field_codes(r) == {"on": ["min_value" if on < "2000" else "max_value"]}
    assert "核验日期超出允许范围" in r.json()["message"]
    r = c.get(f"/api/employees/{e.pk}/may-do/?certificate_kind=special_operation&item_code=1.2&on={on}")
    assert r.status_code == 400 and list(field_codes(r)) == ["on"]


def test_verdict_dates_at_the_edges_are_answered(world, make_employee):
    e = make_employee(world.e1)
    c = world.client("e1m")
    for on in ("1900-01-01", "2100-12-31"):
        r = c.get(f"/api/employees/{e.pk}/may-work/?on={on}")
        assert r.status_code == 200 and r.json()["on"] == on


@pytest.mark.parametrize(("employee", "code"), [(0, "min_value"), (-1, "min_value"), (2**63, "max_value"),
                                                (10**30, "max_value")])
def test_a_participant_id_beyond_the_bigint_range(world, make_employee, employee, code):
    c = world.client("e1m")
    payload_ = session_payload([make_employee(world.e1)])
    payload_["participants"][0]["employee"] = employee
    r = _post(c, "/api/training-sessions/", payload_)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid" and code in str(body["fields"])
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"hours": "1e30"}, "hours"), ({"hours": "1E+999999"}, "hours"), ({"hours": "NaN"}, "hours"),
    ({"hours": "Infinity"}, "hours"), ({"hours": "1e-30"}, "hours"),
    ({"starts_at": "1800-01-01T09:00:00+08:00"}, "starts_at"), ({"ends_at": "2101-01-01T09:00:00+08:00"}, "ends_at"),
])
def test_session_numbers_and_moments_out_of_range(world, make_employee, overrides, field):
    r = _post(world.client("e1m"), "/api/training-sessions/", session_payload([make_employee(world.e1)], **overrides))
    assert r.status_code == 400 and list(field_codes(r)) == [field]
    assert not TrainingSession.objects.exists()


def test_session_moments_in_year_1_are_a_400(world, make_employee):
    a = make_employee(world.e1)
    c = world.client("e1m")
    for moment in ("0001-01-01T00:00", "0001-01-01T00:00:00+08:00"):
        r = _post(c, "/api/training-sessions/", session_payload([a], starts_at=moment))
        assert r.status_code == 400 and r.json()["code"] in ("invalid", "out_of_range"), r.content
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("score", ["1e30", "-1e30", "NaN", "Infinity", "100.5"])
def test_participant_scores_out_of_range(world, make_employee, score):
    payload_ = session_payload([make_employee(world.e1)])
    payload_["participants"][0]["score"] = score
    r = _post(world.client("e1m"), "/api/training-sessions/", payload_)
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid", body
    assert [k for k in body["fields"] if not k.startswith("participants")] == [], body
    assert not TrainingSession.objects.exists()
