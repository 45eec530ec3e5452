"""The inspection API: the same steps as the pages, with stable error codes, and checklist templates."""

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from anjian.inspections.models import ChecklistTemplate, Inspection
from tests.conftest import PASSWORD
from tests.hazards.conftest import jpeg
from tests.inspections.conftest import plan, shipped, walk


def api(world, key) -> APIClient:
    client = APIClient()
    client.force_login(world.user[key])
    return client


def test_plan_walk_sign_through_the_api(team):
    w = team
    b1 = api(w, "b1")
    template = shipped()
    body = {
        "enterprise": w.e1.pk,
        "kind": "routine",
        "template": template.pk,
        "members": [w.user["leader"].pk],
        "planned_date": None,
    }
    response = b1.post("/api/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    pk = data["id"]
    assert data["number"].startswith("JC") and len(data["items"]) == template.items.count()
    assert {m["username"] for m in data["members"]} == {"b1", "leader"}
    # Answering before the start is a conflict that names the state.
    item_id = data["items"][0]["id"]
    response = b1.post(f"/api/inspections/{pk}/items/{item_id}/", {"result": "compliant"}, format="json")
    assert response.status_code == 409 and response.json()["current_state"] == "planned"
    response = b1.post(
        f"/api/inspections/{pk}/start/", {"location": "厂区", "latitude": "30.51", "longitude": "120.6"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "in_progress"
    response = b1.post(f"/api/inspections/{pk}/complete/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "items_pending"
    for n, item in enumerate(data["items"]):
        result = "non_compliant" if n == 0 else "compliant"
        response = b1.post(f"/api/inspections/{pk}/items/{item['id']}/", {"result": result, "note": "x"}, format="json")
        assert response.status_code == 200 and response.json()["result"] == result
    response = b1.post(f"/api/inspections/{pk}/items/{item_id}/", {"result": "maybe"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["result"][0]["code"] == "invalid_choice"
    response = b1.post(f"/api/inspections/{pk}/items/{item_id}/photos/", {"photos": [jpeg()]}, format="multipart")
    assert response.status_code == 200 and len(response.json()["photos"]) == 1
    photo_url = response.json()["photos"][0]["url"]
    assert b1.get(photo_url).status_code == 200
    assert api(w, "b2").get(photo_url).status_code == 404
    response = b1.post(
        f"/api/inspections/{pk}/items/{item_id}/hazard/", {"category": "management", "grade": "general"}, format="json"
    )
    assert response.status_code == 201 and response.json()["hazard_number"].startswith("YH")
    response = b1.post(f"/api/inspections/{pk}/complete/", {"summary": "发现1项问题"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "completed" and body["record_intact"] is True and len(body["content_hash"]) == 64
    response = b1.post(f"/api/inspections/{pk}/sign/", {"password": "wrong"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "reauth_failed"
    assert b1.post(f"/api/inspections/{pk}/sign/", {"password": PASSWORD}, format="json").status_code == 200
    leader = api(w, "leader")
    assert leader.post(f"/api/inspections/{pk}/sign/", {"password": PASSWORD}, format="json").status_code == 200
    response = b1.post(f"/api/inspections/{pk}/sign/", {"username": "e1", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "signed" and all(s["valid"] for s in body["signatures"])
    response = b1.post(f"/api/inspections/{pk}/addendum/", {"text": "补充：企业已当场整改第1项。"}, format="json")
    assert response.status_code == 201 and response.json()["prev_hash"] == body["content_hash"]


def test_refusal_and_cancel_through_the_api(team):
    w = team
    b1 = api(w, "b1")
    inspection = walk(w, plan(w))
    response = b1.post(
        f"/api/inspections/{inspection.pk}/refuse-signature/", {"representative_name": "王五"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = b1.post(
        f"/api/inspections/{inspection.pk}/refuse-signature/",
        {"representative_name": "王五", "reason": "不认可", "witness_name": "李六"},
        format="json",
    )
    assert response.status_code == 200
    assert [s["kind"] for s in response.json()["signatures"]] == ["refused"]
    other = plan(w)
    assert b1.post(f"/api/inspections/{other.pk}/cancel/", {"reason": "企业停产"}, format="json").status_code == 200


def test_plan_errors_have_field_codes(team):
    w = team
    b1 = api(w, "b1")
    template = shipped()
    response = b1.post(
        "/api/inspections/", {"enterprise": w.e3.pk, "kind": "routine", "template": template.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["fields"]["enterprise"][0]["code"] == "not_found"
    response = b1.post(
        "/api/inspections/", {"enterprise": w.e1.pk, "kind": "routine", "template": template.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["fields"]["members"][0]["code"] == "team_invalid"
    response = api(w, "g1").post(
        "/api/inspections/", {"enterprise": w.e1.pk, "kind": "routine", "template": template.pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["fields"]["kind"][0]["code"] == "kind_not_allowed"
    assert not Inspection.objects.exists()


def test_ledger_filters_and_export(team):
    w = team
    done = walk(w, plan(w))
    planned = plan(w, kind="campaign", campaign="粉尘专项")
    b1 = api(w, "b1")
    ids = {row["id"] for row in b1.get("/api/inspections/").json()["results"]}
    assert ids == {done.pk, planned.pk}
    assert [r["id"] for r in b1.get("/api/inspections/?failed=true").json()["results"]] == [done.pk]
    assert [r["id"] for r in b1.get("/api/inspections/?kind=campaign").json()["results"]] == [planned.pk]
    assert [r["id"] for r in b1.get("/api/inspections/?q=粉尘").json()["results"]] == [planned.pk]
    assert [r["id"] for r in b1.get("/api/inspections/?state=completed").json()["results"]] == [done.pk]
    response = b1.get("/api/inspections/export/?kind=routine")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[3:]
    assert [r[1] for r in rows] == [done.number]
    assert "33048100001" in rows[0][13]


def test_unannounced_inspection_is_404_to_the_enterprise_before_it_starts(team):
    w = team
    inspection = plan(w, kind="unannounced")
    e1 = api(w, "e1")
    assert e1.get(f"/api/inspections/{inspection.pk}/").status_code == 404
    assert e1.get("/api/inspections/").json()["results"] == []
    api(w, "b1").post(f"/api/inspections/{inspection.pk}/start/", {}, format="json")
    assert e1.get(f"/api/inspections/{inspection.pk}/").status_code == 200


def test_templates_copy_edit_publish_and_version(team):
    w = team
    b1 = api(w, "b1")
    original = shipped("dust")
    response = b1.post(f"/api/checklist-templates/{original.pk}/copy/", {}, format="json")
    assert response.status_code == 201
    copy = response.json()
    assert copy["state"] == "draft" and copy["authority"] == w.bureau.pk and copy["version"] == 1
    pk = copy["id"]
    response = b1.patch(f"/api/checklist-templates/{pk}/", {"title": "海宁市涉爆粉尘检查表"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "海宁市涉爆粉尘检查表"
    response = b1.post(
        f"/api/checklist-templates/{pk}/items/",
        {"requirement": "除尘系统每班清灰并记录", "section": "本地要求"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["code"].startswith("dust.")
    bad = b1.post(
        f"/api/checklist-templates/{pk}/items/", {"requirement": "x", "criterion_code": "nope"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["fields"]["criterion_code"][0]["code"] == "invalid_criterion"
    assert b1.post(f"/api/checklist-templates/{pk}/publish/").status_code == 200
    response = b1.patch(f"/api/checklist-templates/{pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "template_published"
    # An inspection keeps the version it was planned with.
    published = ChecklistTemplate.objects.get(pk=pk)
    inspection = plan(w, template=published)
    response = b1.post(f"/api/checklist-templates/{pk}/new-version/")
    assert response.status_code == 201 and response.json()["version"] == 2
    v2 = response.json()["id"]
    b1.post(f"/api/checklist-templates/{v2}/items/", {"requirement": "第2版新增项"}, format="json")
    b1.post(f"/api/checklist-templates/{v2}/publish/")
    published.refresh_from_db()
    assert published.state == "retired"
    assert inspection.items.count() == published.items.count() == original.items.count() + 1
    # Another county's officer neither sees nor edits it; a township officer sees it (the county's own list).
    assert api(w, "b2").get(f"/api/checklist-templates/{pk}/").status_code == 404
    assert api(w, "t1").get(f"/api/checklist-templates/{pk}/").status_code == 200
    assert api(w, "t1").post(f"/api/checklist-templates/{v2}/new-version/").status_code == 403


@pytest.mark.parametrize("key", ["e1", "e1m"])
def test_enterprise_users_see_only_self_inspection_templates(world, key):
    rows = api(world, key).get("/api/checklist-templates/").json()["results"]
    assert rows and {r["audience"] for r in rows} == {"enterprise"}
