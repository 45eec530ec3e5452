"""The equipment API: the register (list, filters, retrieve, create, partial update), inspections (POST with the
rules' check, GET), the proposal without writing, operators, release, state; the read-only inspection list; the
house error format, 403 for readers, 404 outside the scope; the schema."""

import pytest

from anjian.equipment import services
from anjian.equipment.models import EquipmentInspection, EquipmentOperator, SpecialEquipment
from anjian.rules._dates import add_months
from tests.equipment.conftest import days, inspection_data, register

pytestmark = pytest.mark.django_db
URL = "/api/special-equipment/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def field_codes(response) -> dict[str, list[str]]:
    body = response.json()
    assert body["code"] == "invalid", body
    return {name: [e["code"] for e in errors] for name, errors in body["fields"].items()}


def payload(**overrides) -> dict:
    data = {"kind": "boiler", "name": "API锅炉", "location": "锅炉房", "registration_code": "11013304812025000101",
            "commissioned_on": days(-60).isoformat()}
    data.update(overrides)
    return data


def iso(d) -> str:
    return d.isoformat()


def ids(client, url) -> set[int]:
    out, next_url = set(), url
    while next_url:
        body = client.get(next_url).json()
        out |= {row["id"] for row in body["results"]}
        next_url = body["next"]
    return out


def test_list_scope_and_filters(world):
    mine = register(world, name="甲")
    crane = register(world, kind="lifting", subtype="tower", name="乙", commissioned_on=days(-10))
    theirs = register(world, actor_key="e2", enterprise=world.e2, name="丙")
    assert ids(world.client("e1m"), URL) == {mine.pk, crane.pk}
    assert ids(world.client("b1"), URL) == {mine.pk, crane.pk, theirs.pk}
    assert ids(world.client("b2"), URL) == set() and ids(world.client("d1"), URL) == {theirs.pk}
    client = world.client("b1")
    assert ids(client, f"{URL}?kind=lifting") == {crane.pk}
    assert ids(client, f"{URL}?enterprise={world.e2.pk}") == {theirs.pk}
    assert ids(client, f"{URL}?usable=false") == {mine.pk, theirs.pk}  # old boilers with no report on record
    assert ids(client, f"{URL}?registration_code={mine.registration_code[:12]}") >= {mine.pk}
    row = client.get(f"{URL}?kind=lifting").json()["results"][0]
    assert row["kind_label"] == "起重机械" and row["subtype_label"] == "塔式起重机"
    assert client.get(f"{URL}?enterprise=abc").status_code == 400
    assert client.get(f"{URL}?due=never").status_code == 400


def test_retrieve_and_404_outside_the_scope(world):
    boiler = register(world)
    body = world.client("e1w").get(f"{URL}{boiler.pk}/").json()
    assert body["name"] == boiler.name and body["dues"] == [] and body["usable"] is False
    for key in ("e2", "b2", "t2", "g2"):
        response = world.client(key).get(f"{URL}{boiler.pk}/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert post(world.client(key), f"{URL}{boiler.pk}/state/", {"state": "stopped"}).status_code == 404
    assert world.client("b1").get(f"{URL}abc/").status_code == 404
    assert world.client("b1").get(f"{URL}99999999999999999999/").status_code == 404


def test_create_update_and_errors(world):
    client = world.client("e1m")
    response = post(client, URL, payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["enterprise"] == world.e1.pk
    assert {d["inspection_kind"] for d in body["dues"]} == {"external", "internal"}
    assert body["dues"][0]["request_by"]
    taken = post(client, URL, payload())
    assert field_codes(taken) == {"registration_code": ["registration_code_taken"]}
    bad = post(client, URL, payload(kind="lifting", registration_code="", commissioned_on="2099-01-01"))
    assert field_codes(bad) == {"subtype": ["required"], "commissioned_on": ["future"]}
    assert field_codes(post(client, URL, payload(kind="rocket")))["kind"] == ["invalid_choice"]
    assert post(client, URL, [1, 2]).status_code == 400
    officer = world.client("b1")
    assert field_codes(post(officer, URL, payload(registration_code="")))["enterprise"] == ["required"]
    assert field_codes(post(officer, URL, payload(registration_code="", enterprise=world.e3.pk)))["enterprise"] == [
        "not_found"]
    assert post(officer, URL, payload(registration_code="", enterprise=world.e2.pk)).status_code == 201
    reader = post(world.client("e1w"), URL, payload(registration_code=""))
    assert reader.status_code == 403 and reader.json()["code"] == "permission_denied"
    assert SpecialEquipment.objects.count() == 2

    pk = body["id"]
    changed = patch(client, f"{URL}{pk}/", {"location": "新锅炉房"})
    assert changed.status_code == 200 and changed.json()["location"] == "新锅炉房"
    assert field_codes(patch(client, f"{URL}{pk}/", {"schedule": "legacy_yearly"})) == {"schedule": ["not_applicable"]}
    assert patch(world.client("e1w"), f"{URL}{pk}/", {"location": "x"}).status_code == 403
    assert world.client("e1m").put(f"{URL}{pk}/", {}, content_type="application/json").status_code == 405


def test_create_with_the_last_report(world):
    on = days(-30)
    data = payload(last_inspection={"inspection_kind": "external", "inspected_on": iso(on), "body": "检测院",
                                    "conclusion": "pass", "report_number": "R-9",
                                    "next_due": iso(add_months(on, 13))})
    refused = post(world.client("e1m"), URL, data)
    assert field_codes(refused) == {"last_inspection.next_due": ["exceeds_max_interval"]}
    data["last_inspection"]["confirm_exceeds"] = True
    assert post(world.client("e1m"), URL, data).status_code == 201
    assert EquipmentInspection.objects.get().exceeds_max


def test_inspections_and_the_proposal(world):
    vessel = register(world, kind="pressure_vessel", commissioned_on=days(-2000))
    client = world.client("e1m")
    on = days(-3)
    proposal = client.get(f"{URL}{vessel.pk}/propose/", {"inspected_on": iso(on), "safety_grade": 4})
    assert proposal.status_code == 200, proposal.json()
    body = proposal.json()
    assert body["default_due"] is None and body["max_due"] == iso(add_months(on, 36))
    assert body["rule_code"] == "vessel_fixed_grade4" and "TSG 21-2016" in body["citation"]
    assert not EquipmentInspection.objects.exists()
    no_grade = client.get(f"{URL}{vessel.pk}/propose/", {"inspected_on": iso(on)})
    assert field_codes(no_grade) == {"safety_grade": ["required"]}
    assert field_codes(client.get(f"{URL}{vessel.pk}/propose/", {"inspected_on": "x"}))["inspected_on"] == [
        "invalid"]

    url = f"{URL}{vessel.pk}/inspections/"
    report = {"inspection_kind": "periodic", "inspected_on": iso(on), "body": "特检院", "conclusion": "pass",
              "report_number": "RQ-1", "safety_grade": 4, "next_due": iso(add_months(on, 40))}
    assert field_codes(post(client, url, report)) == {"next_due": ["exceeds_max_interval"]}
    created = post(client, url, {**report, "confirm_exceeds": True})
    assert created.status_code == 201 and created.json()["exceeds_max"] is True
    assert field_codes(post(client, url, {**report, "inspected_on": iso(days(2))}))["inspected_on"] == ["future"]
    assert post(world.client("e1w"), url, report).status_code == 403
    listed = client.get(url).json()
    assert [row["report_number"] for row in listed] == ["RQ-1"]
    detail = client.get(f"{URL}{vessel.pk}/").json()
    assert detail["safety_grade"] == 4 and detail["next_due"] == iso(add_months(on, 40)) and detail["usable"]


def test_operators_release_and_state(world, make_employee, operator_certificate):
    crane = register(world, kind="lifting", subtype="bridge", commissioned_on=days(-10))
    client = world.client("e1m")
    worker = make_employee(world.e1, name="赵司机")
    outsider = make_employee(world.e2)
    url = f"{URL}{crane.pk}/operators/"
    refused = post(client, url, {"employee": worker.pk})
    assert field_codes(refused) == {"employee": ["operator_certificate_required"]}
    assert "Q2 起重机司机" in refused.json()["message"]
    assert field_codes(post(client, url, {"employee": outsider.pk})) == {"employee": ["not_found"]}
    operator_certificate(worker, item="Q2")
    done = post(client, url, {"employee": worker.pk})
    assert done.status_code == 201 and done.json()["operators"][0]["employee_name"] == "赵司机"
    again = post(client, url, {"employee": worker.pk})
    assert again.status_code == 409 and again.json()["code"] == "already_assigned"
    operator = EquipmentOperator.objects.get()
    assert field_codes(post(client, f"{URL}{crane.pk}/release-operator/", {"operator": 999999})) == {
        "operator": ["not_found"]}
    released = post(client, f"{URL}{crane.pk}/release-operator/", {"operator": operator.pk})
    assert released.status_code == 200 and released.json()["operators"][0]["ended_on"] == iso(services.today())

    state = f"{URL}{crane.pk}/state/"
    assert post(client, state, {"state": "scrapped", "reason": "到期报废"}).json()["state"] == "scrapped"
    conflict = post(client, state, {"state": "in_use"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "invalid_transition"
    assert conflict.json()["current_state"] == "scrapped"
    assert field_codes(post(client, state, {"state": "flying"})) == {"state": ["invalid_choice"]}
    assert post(world.client("e1w"), state, {"state": "stopped"}).status_code == 403


def test_the_inspection_list_is_scoped(world):
    mine = register(world)
    services.inspection_record(actor=world.user["e1m"], equipment=mine, data=inspection_data(next_due=days(300)))
    theirs = register(world, actor_key="e2", enterprise=world.e2)
    services.inspection_record(actor=world.user["e2"], equipment=theirs, data=inspection_data(next_due=days(300)))
    url = "/api/equipment-inspections/"
    assert len(ids(world.client("e1m"), url)) == 1 and len(ids(world.client("b1"), url)) == 2
    assert ids(world.client("b1"), f"{url}?equipment={theirs.pk}") == {theirs.inspections.get().pk}
    other = theirs.inspections.get().pk
    assert world.client("e1m").get(f"{url}{other}/").status_code == 404
    assert world.client("e1m").post(url, {}).status_code == 405


def test_the_schema_documents_the_endpoints(world):
    schema = world.client("b1").get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in ("/api/special-equipment/", "/api/special-equipment/{id}/inspections/",
                 "/api/special-equipment/{id}/propose/", "/api/special-equipment/{id}/operators/",
                 "/api/special-equipment/{id}/release-operator/", "/api/special-equipment/{id}/state/",
                 "/api/equipment-inspections/"):
        assert path in paths, path
    assert "EquipmentKindEnum" in schema["components"]["schemas"]
