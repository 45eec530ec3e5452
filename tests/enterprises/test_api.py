"""The enterprise endpoints: create, update, validation codes, permissions, no half-written rows."""

import pytest

from anjian.core.models import AuditEvent
from anjian.enterprises.models import Enterprise, EnterpriseSector
from tests.conftest import PASSWORD, uscc


def payload(world, **overrides):
    body = {
        "uscc": uscc(77), "name": "新登记化工有限公司", "region": world.t1.code, "sectors": ["hazchem"],
        "employees": 120, "status": "operating", "supervision_class": "A", "has_safety_body": True,
        "full_time_safety_staff": 2, "licence_valid_from": "2024-01-01", "licence_valid_until": "2027-01-01",
    }
    body.update(overrides)
    return body


def test_officer_creates_an_enterprise_and_it_is_audited(world):
    client = world.client("b1")
    response = client.post("/api/enterprises/", payload(world), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region_code"] == "330481001" and body["sectors"] == ["hazchem"]
    ent = Enterprise.objects.get(pk=body["id"])
    assert ent.created_by == world.user["b1"]
    assert list(EnterpriseSector.objects.filter(enterprise=ent).values_list("region_code", flat=True)) == ["330481001"]
    event = AuditEvent.objects.filter(action="enterprise.create", object_id=str(ent.pk)).get()
    assert event.actor == world.user["b1"] and event.changes["name"] == [None, "新登记化工有限公司"]


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"uscc": "91330481MA0000001X"}, "uscc", "uscc_invalid"),
        ({"uscc": ""}, "uscc", "required"),
        ({"name": ""}, "name", "blank"),
        ({"sectors": []}, "sectors", "empty"),
        ({"sectors": ["nuclear"]}, "sectors", "invalid_choice"),
        ({"licence_valid_until": "2020-01-01"}, "licence_valid_until", "date_order"),
        ({"dust_worker_count": 5}, "dust_worker_count", "dust_without_flag"),
        ({"industry_code": "ZZ99"}, "industry_code", "industry_code_invalid"),
        ({"region": "330482001"}, "region", "does_not_exist"),
        ({"region": "330481"}, "region", "region_level"),
        ({"employees": -3}, "employees", "min_value"),
        ({"licence_valid_from": "2024-13-01"}, "licence_valid_from", "invalid"),
    ],
)
def test_bad_input_gets_a_field_error_with_a_stable_code_and_writes_nothing(world, overrides, field, code):
    client = world.client("b1")
    before = (Enterprise.objects.count(), AuditEvent.objects.count())
    response = client.post("/api/enterprises/", payload(world, **overrides), content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    key = next(k for k in body["fields"] if k.split(".")[0] == field)
    assert body["fields"][key][0]["code"] == code, body
    assert body["message"]
    assert (Enterprise.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_uscc_is_refused_with_the_holder_named(world):
    response = world.client("b1").post(
        "/api/enterprises/", payload(world, uscc=world.e1.uscc.lower()), content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["fields"]["uscc"][0]
    assert error["code"] == "uscc_duplicate" and "企业1" in error["message"]


def test_illegal_unit_may_be_registered_without_uscc(world):
    response = world.client("t1").post(
        "/api/enterprises/", payload(world, uscc=None, status="illegal", name="无名作坊"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["uscc"] is None


def test_department_registers_only_its_sectors(world):
    client = world.client("d1")
    response = client.post("/api/enterprises/", payload(world), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"]["sectors"][0]["code"] == "sector_out_of_scope"
    response = client.post("/api/enterprises/", payload(world, sectors=["construction"]),
                           content_type="application/json")
    assert response.status_code == 201


def test_enterprise_user_updates_own_contacts_but_not_supervision_fields(world):
    client = world.client("e1m")
    url = f"/api/enterprises/{world.e1.pk}/"
    response = client.patch(url, {"safety_contact_phone": "13800000000", "full_time_safety_staff": 1},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    world.e1.refresh_from_db()
    assert world.e1.safety_contact_phone == "13800000000"
    response = client.patch(url, {"supervision_class": "D"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied" and "监管分类" in response.json()["message"]
    response = client.patch(url, {"sectors": ["hazchem"]}, content_type="application/json")
    assert response.status_code == 403
    world.e1.refresh_from_db()
    assert world.e1.supervision_class == "C" and world.e1.sector_codes == ["textile"]


@pytest.mark.parametrize("key", ["e1w", "g1", "x1"])
def test_read_only_roles_cannot_write(world, key):
    client = world.client(key)
    response = client.patch(f"/api/enterprises/{world.e1.pk}/", {"name": "改名"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = client.post("/api/enterprises/", payload(world), content_type="application/json")
    assert response.status_code == 403


def test_officer_update_records_before_and_after(world):
    client = world.client("t1")
    response = client.patch(f"/api/enterprises/{world.e1.pk}/", {"employees": 130, "sectors": ["textile", "other"]},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.filter(action="enterprise.update").latest("seq")
    assert event.changes["employees"] == [50, 130]
    assert event.changes["sectors"] == [["textile"], ["other", "textile"]]
    assert set(EnterpriseSector.objects.filter(enterprise=world.e1).values_list("sector", flat=True)) == {
        "textile", "other"}


def test_no_delete(world):
    response = world.client("b1").delete(f"/api/enterprises/{world.e1.pk}/")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_filters_and_cursor_pagination(world):
    client = world.client("b1")
    assert [r["name"] for r in client.get("/api/enterprises/?sector=construction").json()["results"]] == ["企业2"]
    assert [r["name"] for r in client.get(f"/api/enterprises/?region={world.t1.code}").json()["results"]] == ["企业1"]
    assert [r["name"] for r in client.get(f"/api/enterprises/?q={world.e2.uscc}").json()["results"]] == ["企业2"]
    assert client.get("/api/enterprises/?region=999999").json()["results"] == []
    assert client.get("/api/enterprises/?status=nonsense").status_code == 400
    first = client.get("/api/enterprises/?page_size=1").json()
    assert "count" not in first and len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert second["results"][0]["id"] < first["results"][0]["id"]


def test_token_authentication(world, client):
    response = client.post("/api/auth/token/", {"username": "b1", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    api = type(client)()
    listing = api.get("/api/enterprises/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200 and len(listing.json()["results"]) == 2
    bad = api.get("/api/enterprises/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401 and bad.json()["code"] == "authentication_failed"
    wrong = client.post("/api/auth/token/", {"username": "b1", "password": "x"}, content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"
    missing = client.post("/api/auth/token/", {}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"


def test_malformed_json_is_a_clear_error(world):
    response = world.client("b1").post("/api/enterprises/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_schema_and_docs(world):
    client = world.client("b1")
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/api/enterprises/", "/api/enterprises/{id}/", "/api/regions/", "/api/authorities/",
                 "/api/grids/", "/api/auth/token/"]:
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_embedded_organisation_code_is_only_a_warning(world):
    from anjian.rules.uscc import complete, org_code_warning

    code = next(c for c in (complete(f"91330481MA{n:07d}") for n in range(100, 200)) if org_code_warning(c))
    client = world.client("b1")
    response = client.post("/api/enterprises/", payload(world, uscc=code), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["uscc_warning"]
    page = client.get(f"/enterprises/{response.json()['id']}/").content.decode()
    assert 'data-testid="uscc-warning"' in page
