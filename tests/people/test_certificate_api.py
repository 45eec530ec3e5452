"""Certificate API: register (201), the refusals with their codes (400), readers (403), scope (404), corrections,
reviews and renewals, revocation (409 the second time), the ledger's filters and export, and the catalogue."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from anjian.people import certificates
from anjian.people.filters_certificates import number_index
from anjian.people.models import Certificate
from anjian.rules import certificates as rules
from anjian.rules._dates import add_years
from tests.conftest import SYSTEM
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ISSUED = TODAY - datetime.timedelta(days=400)


def payload(holder, **overrides):
    out = {"employee": holder.pk, "kind": "special_operation", "item_code": "1.2", "number": "T2024000123",
           "issuer": "嘉兴市应急管理局", "issued_on": ISSUED.isoformat()}
    out.update(overrides)
    return out


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def field_codes(response, field) -> list[str]:
    return [e["code"] for e in response.json()["fields"][field]]


def test_register_and_read_back(world, make_employee):
    number = id_number()
    emp = make_employee(world.e1, name="王电工", number=number)
    client = world.client("e1m")
    response = post(client, "/api/certificates/", payload(emp, number=number))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["employee_name"] == "王电工" and body["kind"] == "special_operation" and body["item_code"] == "1.2"
    assert body["number"] != number and body["number"].startswith("330") and number not in response.content.decode()
    assert body["holder_id_number"] == body["number"]
    assert body["valid_until"] == add_years(ISSUED, 6).isoformat()
    assert body["review_due"] == add_years(ISSUED, 3).isoformat() and body["due_kind"] == "review"
    assert body["status"] == "valid" and body["reviews"] == [] and body["reminders"] == []
    one = client.get(f"/api/certificates/{body['id']}/")
    assert one.status_code == 200 and one.json()["id"] == body["id"]
    listing = client.get("/api/certificates/")
    assert listing.status_code == 200 and [r["id"] for r in listing.json()["results"]] == [body["id"]]


def test_refusals_have_codes_and_chinese_messages(world, make_employee):
    emp = make_employee(world.e1)
    client = world.client("e1m")
    assert post(client, "/api/certificates/", payload(emp)).status_code == 201
    other = make_employee(world.e1, name="李四")
    cases = [
        (payload(other), "number", "number_taken"),
        (payload(other, number=id_number()), "number", "not_holder_id"),
        (payload(other, number="T1"), "number", "length"),
        (payload(other, item_code="99.9"), "item_code", "invalid_item"),
        (payload(other, kind="safety_qualification", item_code="principal"), "item_code", "person_kind_mismatch"),
        (payload(other, issued_on=(TODAY + datetime.timedelta(days=3)).isoformat()), "issued_on", "future"),
        (payload(other, valid_until=add_years(ISSUED, 7).isoformat()), "valid_until", "validity_too_long"),
        (payload(other, issued_on="2024-02-30"), "issued_on", "invalid"),
        (payload(other, employee=None), "employee", "null"),
        (payload(other, employee=999999), "employee", "not_found"),
    ]
    for data, field, code in cases:
        response = post(client, "/api/certificates/", data)
        assert response.status_code == 400, (data, response.content)
        body = response.json()
        assert body["code"] == "invalid" and code in field_codes(response, field), (code, body)
        assert any(ord(ch) > 127 for ch in body["message"]), body
    assert Certificate.objects.count() == 1
    assert post(client, "/api/certificates/", payload(emp)).json()["fields"]["number"][0]["code"] == \
        "already_registered"
    assert post(client, "/api/certificates/", [1, 2]).status_code == 400


def test_readers_get_403_and_other_scopes_404(world, make_employee):
    emp = make_employee(world.e1)
    cert = post(world.client("e1m"), "/api/certificates/", payload(emp)).json()
    for key in ("e1w", "g1"):
        client = world.client(key)
        assert client.get(f"/api/certificates/{cert['id']}/").status_code == 200
        response = post(client, "/api/certificates/", payload(emp, number="T2024000555"))
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        assert post(client, f"/api/certificates/{cert['id']}/revoke/", {"reason": "x"}).status_code == 403
        patch = client.patch(f"/api/certificates/{cert['id']}/", {"issuer": "x"}, content_type="application/json")
        assert patch.status_code == 403
    for key in ("e2", "b2", "d1"):
        client = world.client(key)
        assert client.get(f"/api/certificates/{cert['id']}/").status_code == 404
        assert post(client, f"/api/certificates/{cert['id']}/review/", {"reviewed_on": TODAY.isoformat()}
                    ).status_code == 404
        assert client.get("/api/certificates/").json()["results"] == []
    # an employee out of scope is not found (e2 registering for e1's employee)
    response = post(world.client("e2"), "/api/certificates/", payload(emp, number="T2024000555"))
    assert response.status_code == 400 and field_codes(response, "employee") == ["not_found"]
    assert world.client("e1m").get("/api/certificates/99999999999999999999/").status_code == 404
    assert world.client("e1m").get("/api/certificates/abc/").status_code == 404


def test_patch_review_renew_and_revoke(world, make_employee):
    emp = make_employee(world.e1)
    issued = add_years(TODAY, -6) + datetime.timedelta(days=10)  # the renewal falls due in 10 days
    client = world.client("e1m")
    cert = post(client, "/api/certificates/", payload(emp, issued_on=issued.isoformat(), extended_review=True)).json()
    assert cert["due_kind"] == "renewal" and cert["status"] == "due_soon" and cert["apply_from"]
    url = f"/api/certificates/{cert['id']}/"
    patched = client.patch(url, {"issuer": "浙江省应急管理厅", "number": ""}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["issuer"] == "浙江省应急管理厅"
    assert patched.json()["number"] == "T2024000123"
    bad = client.patch(url, {"extended_review": True, "item_code": "N1"}, content_type="application/json")
    assert bad.status_code == 400 and field_codes(bad, "item_code") == ["invalid_item"]
    need = post(client, url + "review/", {"reviewed_on": TODAY.isoformat()})
    assert need.status_code == 400 and field_codes(need, "valid_until") == ["renewal_required"]
    new_until = add_years(datetime.date.fromisoformat(cert["valid_until"]), 6)
    renewed = post(client, url + "review/", {"reviewed_on": TODAY.isoformat(), "valid_until": new_until.isoformat(),
                                             "note": "延期复审"})
    assert renewed.status_code == 201, renewed.json()
    body = renewed.json()
    assert body["valid_until"] == new_until.isoformat() and body["due_on"] == new_until.isoformat()
    assert body["reviews"][0]["valid_until"] == new_until.isoformat() and body["status"] == "valid"
    dates = client.patch(url, {"issued_on": ISSUED.isoformat()}, content_type="application/json")
    assert dates.status_code == 400 and field_codes(dates, "issued_on") == ["has_reviews"]
    revoked = post(client, url + "revoke/", {"reason": "调离"})
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked" and revoked.json()["status"] == "revoked"
    again = post(client, url + "revoke/", {"reason": "调离"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_filters_and_export(world, make_employee):
    client = world.client("b1")
    e1 = make_employee(world.e1, name="王电工")
    e2 = make_employee(world.e2, name="孙焊工")
    post(world.client("e1m"), "/api/certificates/", payload(e1, issued_on=add_years(TODAY, -3).isoformat()))
    post(world.client("e2"), "/api/certificates/", payload(e2, number="T2024000999", item_code="2.1"))
    names = lambda q: {r["employee_name"] for r in client.get("/api/certificates/?" + q).json()["results"]}  # noqa: E731
    assert names("") == {"王电工", "孙焊工"}
    assert names("status=due_soon") == {"王电工"} and names("status=valid") == {"孙焊工"}
    assert names(f"enterprise={world.e2.pk}") == {"孙焊工"} and names("item=2.1") == {"孙焊工"}
    assert names("holder=电工") == {"王电工"} and names(f"number_index={number_index('T2024000999')}") == {"孙焊工"}
    plain = client.get("/api/certificates/?number=T2024000999")
    assert plain.status_code == 400 and field_codes(plain, "number") == ["plaintext_not_allowed"]
    assert "不能放在网址中查找" in plain.json()["message"]
    bad = client.get("/api/certificates/?number_index=T2024000999")
    assert bad.status_code == 400 and field_codes(bad, "number_index") == ["invalid_index"]
    assert "证书编号精确查找的条件无效" in bad.json()["message"]
    assert client.get("/api/certificates/export/?number=T2024000999").status_code == 400
    assert client.get("/api/certificates/?status=bogus").status_code == 400
    export = client.get("/api/certificates/export/?kind=special_operation")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_search_by_full_number_in_the_body(world, make_employee):
    number = id_number()
    e1 = make_employee(world.e1, name="王电工", number=number)
    e2 = make_employee(world.e2, name="孙焊工")
    e3 = make_employee(world.e3, name="李司机")  # another county
    mine = post(world.client("e1m"), "/api/certificates/", payload(e1, number=number)).json()
    theirs = post(world.client("e2"), "/api/certificates/", payload(e2, number="T2024000999", item_code="2.1")).json()
    far = certificates.certificate_register(actor=SYSTEM, employee=e3, data={
        "kind": "equipment_operator", "item_code": "N1", "number": "TS330482001", "issuer": "局", "issued_on": ISSUED})

    def found(body, key="b1"):
        response = post(world.client(key), "/api/certificates/search/", body)
        assert response.status_code == 200, response.json()
        assert set(response.json()) == {"results"}
        return [row["id"] for row in response.json()["results"]]

    assert found({"number": " t2024000999 "}) == [theirs["id"]]
    assert found({"number": "T2024000999", "kind": "special_operation"}) == [theirs["id"]]
    assert found({"number": "T2024000999", "kind": "equipment_operator"}) == []
    assert found({"number": "T2024000998"}) == [] and found({"number": "T2024"}) == []
    assert found({"number": number.lower()}) == [mine["id"]]
    row = post(world.client("b1"), "/api/certificates/search/", {"number": number}).json()["results"][0]
    assert row["employee_name"] == "王电工" and number not in repr(row)
    assert row["number"] == certificates.display_number(number)
    # scope: another county's certificate is not found; nor another enterprise's by an enterprise user
    assert found({"number": "TS330482001"}) == [] and found({"number": "TS330482001"}, "b2") == [far.pk]
    assert found({"number": number}, "e2") == [] and found({"number": number}, "e1w") == [mine["id"]]


@pytest.mark.parametrize("body, field, code", [
    ({}, "number", "required"),
    ({"number": "  "}, "number", "required"),
    ({"kind": "special_operation"}, "number", "required"),
    ({"number": "T2024000999", "kind": "driver"}, "kind", "invalid_choice"),
    ({"number": "T" * 61}, "number", "max_length"),
])
def test_search_refusals(world, body, field, code):
    response = post(world.client("b1"), "/api/certificates/search/", body)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert field_codes(response, field) == [code]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


def test_search_needs_an_object_and_a_login(world):
    response = post(world.client("b1"), "/api/certificates/search/", ["T2024000999"])
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert world.client("b1").get("/api/certificates/search/").status_code == 405
    assert Client().post("/api/certificates/search/", {"number": "T1"}, content_type="application/json"
                         ).status_code in (401, 403)


def test_catalogue(world):
    response = world.client("e1w").get("/api/certificate-catalogue/")
    assert response.status_code == 200
    kinds = {k["kind"]: k for k in response.json()}
    assert set(kinds) == set(rules.KINDS)
    special = kinds["special_operation"]
    assert special["validity_years"] == 6 and special["review_years"] == 3 and special["apply_window_days"] == 60
    assert {"code": "1.2", "name": "低压电工作业"}.items() <= next(
        i for i in special["items"] if i["code"] == "1.2").items()
    assert kinds["safety_qualification"]["apply_window_kind"] == "at_least"
    assert {i["code"] for i in kinds["safety_qualification"]["items"]} == {"principal", "safety_manager"}
    assert "N1" in {i["code"] for i in kinds["equipment_operator"]["items"]}
    assert world.client("e1w").post("/api/certificate-catalogue/", {}).status_code == 405
    assert Client().get("/api/certificate-catalogue/").status_code in (401, 403)


@pytest.mark.parametrize(
    "key", ["b1", "leader", "b2", "d1", "t1", "t2", "g1", "g2", "x1", "sys", "sec", "aud", "e1", "e1m", "e1w", "e2"]
)
def test_every_role_sees_the_certificates_of_its_enterprises_only(world, make_employee, key):
    by_enterprise = {}
    for n, enterprise in enumerate(world.all_enterprises):
        emp = make_employee(enterprise, name=f"持证人{n}")
        by_enterprise[enterprise.pk] = certificates.certificate_register(
            actor=SYSTEM, employee=emp, data={"kind": "special_operation", "item_code": "1.1",
                                              "number": f"T20240001{n:02d}", "issuer": "局", "issued_on": ISSUED})
    client = world.client(key)
    expected = {by_enterprise[e.pk].pk for e in world.visible[key]}
    assert {r["id"] for r in client.get("/api/certificates/?page_size=200").json()["results"]} == expected
    page = client.get("/people/certificates/")
    assert page.status_code == 200 and {c.pk for c in page.context["page"].items} == expected
    for cert in by_enterprise.values():
        status = 200 if cert.pk in expected else 404
        assert client.get(f"/api/certificates/{cert.pk}/").status_code == status
        assert client.get(f"/people/certificates/{cert.pk}/").status_code == status
