"""The hazard API: every step through HTTP, its error shapes (409 with the current state, 400 with
what is missing), photos, the ledger export, counters, reports and the public listing notice."""

import datetime
import io

from openpyxl import load_workbook

from anjian.hazards.models import Hazard
from tests.hazards.conftest import MAJOR_PLAN, jpeg, rectifying_major, report, today


def _post(client, url, data=None, **kw):
    return client.post(url, data or {}, content_type="application/json", **kw)


def test_full_general_cycle_over_the_api(world):
    worker, manager, principal = world.client("e1w"), world.client("e1m"), world.client("e1")
    r = worker.post(
        "/api/hazards/",
        {
            "enterprise": world.e1.pk,
            "location": "仓库",
            "description": "消防通道堵塞",
            "category": "environment",
            "photos": [jpeg(gps=(30.1, 120.2))],
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    hid = body["id"]
    assert body["state"] == "reported" and body["route"] == "employee_report" and len(body["photos"]) == 1
    assert worker.get(body["photos"][0]["url"]).status_code == 200
    assert world.client("e2").get(body["photos"][0]["url"]).status_code == 404

    assert _post(manager, f"/api/hazards/{hid}/confirm/", {"grade": "general"}).status_code == 200
    r = _post(manager, f"/api/hazards/{hid}/start/", {})
    assert r.status_code == 400 and r.json()["code"] == "plan_incomplete"
    assert r.json()["missing"] == ["measures", "responsible_name", "deadline"]
    deadline = (today() + datetime.timedelta(days=7)).isoformat()
    r = _post(
        manager,
        f"/api/hazards/{hid}/start/",
        {
            "measures": "清理通道",
            "responsible_name": "王五",
            "deadline": deadline,
            "responsible_user": world.user["e1w"].pk,
        },
    )
    assert r.status_code == 200 and r.json()["state"] == "rectifying"
    r = worker.post(f"/api/hazards/{hid}/submit/", {"note": "已清理", "photos": [jpeg("after.jpg")]})
    assert r.status_code == 200 and r.json()["state"] == "awaiting_verification"
    assert _post(manager, f"/api/hazards/{hid}/return/", {"reason": "未设置标识"}).json()["return_count"] == 1
    assert worker.post(f"/api/hazards/{hid}/submit/", {"note": "已设置标识"}).status_code == 200
    r = _post(principal, f"/api/hazards/{hid}/verify/", {"note": "合格"})
    assert r.status_code == 200 and r.json()["state"] == "closed"
    assert [e["action"] for e in r.json()["events"]][-1] == "verify"

    r = _post(principal, f"/api/hazards/{hid}/verify/", {})
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition" and r.json()["current_state"] == "closed"


def test_major_start_lists_what_is_missing(world):
    hazard = report(world, key="b1", route="enforcement_inspection")
    manager = world.client("e1m")
    r = _post(manager, f"/api/hazards/{hazard.pk}/confirm/", {"grade": "major"})
    assert r.status_code == 400 and "criterion_code" in r.json()["fields"]
    r = _post(manager, f"/api/hazards/{hazard.pk}/confirm/", {"grade": "major", "criterion_code": "gongmao_2023.3.2"})
    assert r.status_code == 200 and r.json()["grade"] == "major"
    r = _post(manager, f"/api/hazards/{hazard.pk}/start/", {"measures": "培训取证"})
    assert r.status_code == 400 and r.json()["code"] == "plan_incomplete"
    assert "funds" in r.json()["missing"] and "report_state_cause" in r.json()["missing"]
    assert "资金" in r.json()["message"]
    assert Hazard.objects.get(pk=hazard.pk).measures == ""
    deadline = (today() + datetime.timedelta(days=30)).isoformat()
    r = _post(manager, f"/api/hazards/{hazard.pk}/start/", {**MAJOR_PLAN, "deadline": deadline})
    assert r.status_code == 200 and r.json()["plan_reported_at"]


def test_listing_public_notice_and_close_out(world, client):
    hazard = rectifying_major(world)
    officer = world.client("b1")
    deadline = (today() + datetime.timedelta(days=60)).isoformat()
    r = _post(
        officer,
        f"/api/hazards/{hazard.pk}/listing/",
        {
            "document_number": "海应急督〔2026〕7号",
            "deadline": deadline,
            "government_contact": "王局长",
            "publicly_announced": True,
        },
    )
    assert r.status_code == 201 and r.json()["level"] == "county"
    public = client.get("/api/public/listings/")  # no login
    assert public.status_code == 200
    row = public.json()["results"][0]
    assert row["enterprise_name"] == "企业1" and row["status"] == "rectifying" and "government_contact" not in row
    page = client.get("/public/listings/")
    assert page.status_code == 200 and "海应急督〔2026〕7号" in page.content.decode()

    world.client("e1m").post(f"/api/hazards/{hazard.pk}/submit/", {"note": "改造完成", "photos": [jpeg()]})
    r = _post(world.client("e1"), f"/api/hazards/{hazard.pk}/verify/", {"close_out_document": "x"})
    assert r.status_code == 403
    r = _post(officer, f"/api/hazards/{hazard.pk}/verify/", {"close_out_document": "海应急销〔2026〕7号"})
    assert r.status_code == 200 and r.json()["listings"][0]["lifted_at"]
    assert client.get("/api/public/listings/").json()["results"][0]["status"] == "lifted"


def test_unannounced_listings_stay_private(world, client):
    hazard = rectifying_major(world)
    _post(
        world.client("b1"),
        f"/api/hazards/{hazard.pk}/listing/",
        {
            "document_number": "内部督办1号",
            "deadline": (today() + datetime.timedelta(days=9)).isoformat(),
            "government_contact": "张",
        },
    )
    assert client.get("/api/public/listings/").json()["results"] == []
    assert "内部督办1号" not in client.get("/public/listings/").content.decode()


def test_extension_over_the_api(world):
    hazard = rectifying_major(world)
    r = _post(
        world.client("e1m"),
        f"/api/hazards/{hazard.pk}/extensions/",
        {"new_deadline": (hazard.deadline + datetime.timedelta(days=10)).isoformat(), "reason": "设备延迟到货"},
    )
    assert r.status_code == 201
    ext = r.json()["id"]
    assert (
        _post(world.client("e1"), f"/api/hazards/{hazard.pk}/extensions/{ext}/decide/", {"grant": True}).status_code
        == 403
    )
    r = _post(world.client("b1"), f"/api/hazards/{hazard.pk}/extensions/{ext}/decide/", {"grant": True, "note": "同意"})
    assert r.status_code == 200 and r.json()["state"] == "granted"
    assert Hazard.objects.get(pk=hazard.pk).extension_count == 1


def test_photo_validation(world, settings):
    client = world.client("e1w")
    base = {"enterprise": world.e1.pk, "location": "a", "description": "b", "category": "equipment"}
    r = client.post("/api/hazards/", {**base, "photos": [io.BytesIO(b"%PDF-1.4 not an image")]})
    assert r.status_code == 400 and r.json()["fields"]["photos"][0]["code"] == "photo_invalid"
    settings.ANJIAN_PHOTO_MAX_BYTES = 100
    r = client.post("/api/hazards/", {**base, "photos": [jpeg(size=(400, 400))]})
    assert r.status_code == 400 and r.json()["fields"]["photos"][0]["code"] == "photo_too_large"
    assert Hazard.objects.count() == 0


def test_bad_json_and_unknown_enterprise(world):
    client = world.client("b1")
    r = client.post("/api/hazards/", "{", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "parse_error"
    r = _post(
        client,
        "/api/hazards/",
        {"enterprise": world.e3.pk, "location": "a", "description": "b", "category": "equipment"},
    )
    assert r.status_code == 400 and "enterprise" in r.json()["fields"]
    r = _post(
        client,
        "/api/hazards/",
        {
            "enterprise": world.e1.pk,
            "location": "a",
            "description": "b",
            "category": "equipment",
            "route": "employee_report",
        },
    )
    assert r.status_code == 400 and r.json()["fields"]["route"][0]["code"] == "route_not_allowed"


def test_ledger_filters_and_export(world):
    h1 = report(world)
    h2 = rectifying_major(world)
    client = world.client("b1")
    ids = {row["id"] for row in client.get("/api/hazards/?grade=major").json()["results"]}
    assert ids == {h2.pk}
    ids = {row["id"] for row in client.get("/api/hazards/?state=open").json()["results"]}
    assert ids == {h1.pk, h2.pk}
    assert client.get("/api/hazards/?state=closed").json()["results"] == []
    assert client.get(f"/api/hazards/?region={world.t2.code}").json()["results"] == []
    r = client.get("/api/hazards/?state=bogus")
    assert r.status_code == 400
    r = client.get("/api/hazards/export/?grade=major")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[2][:3] == ("序号", "隐患编号", "企业名称")
    assert [row[1] for row in rows[3:]] == [h2.number]


def test_counters_and_criteria(world):
    rectifying_major(world)
    report(world)
    c = world.client("b1").get("/api/hazards/counters/").json()
    assert (c["found"], c["major_found"], c["open"], c["reported"], c["major_open"]) == (1, 1, 1, 1, 1)
    assert world.client("b2").get("/api/hazards/counters/").json()["found"] == 0
    assert world.client("e1").get("/api/hazards/counters/").json()["found"] == 1
    assert world.client("b1").get("/api/hazards/counters/?since=bad").status_code == 400
    crit = world.client("e1m").get(f"/api/hazards/criteria/?enterprise={world.e1.pk}").json()
    assert any(c["code"] == "gongmao_2023.9.1" for c in crit) and not any(c["code"].startswith("coal") for c in crit)
    assert world.client("e2").get(f"/api/hazards/criteria/?enterprise={world.e1.pk}").status_code == 404


def test_notifications_inbox_api(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(world)
    client = world.client("e1m")
    rows = client.get("/api/notifications/?unread=1").json()["results"]
    assert len(rows) == 1 and rows[0]["kind"] == "hazard.reported"
    assert _post(client, f"/api/notifications/{rows[0]['id']}/read/").json()["read_at"]
    assert client.get("/api/notifications/?unread=1").json()["results"] == []
    assert world.client("e1").get(f"/api/notifications/{rows[0]['id']}/").status_code == 404


def test_token_client_fetches_photos_through_the_api(world):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    hazard = report(world)
    services_photo = world.client("e1w").post(
        f"/api/hazards/{hazard.pk}/photos/", {"kind": "before", "photos": [jpeg()]}
    )
    assert services_photo.status_code == 200
    url = services_photo.json()["photos"][0]["url"]
    assert url.startswith("/api/hazards/")
    token = Token.objects.create(user=world.user["b1"])
    response = Client().get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    other = Token.objects.create(user=world.user["b2"])
    assert Client().get(url, HTTP_AUTHORIZATION=f"Token {other.key}").status_code == 404


def test_reports_over_the_api(world):
    from anjian.rules.hazard_schedule import latest_closed_periods

    key = latest_closed_periods(today())[0].key
    manager, principal, officer = world.client("e1m"), world.client("e1"), world.client("b1")
    r = _post(manager, "/api/hazard-reports/generate/", {"period": "2026Q9"})
    assert r.status_code == 400 and "period" in r.json()["fields"]
    r = _post(manager, "/api/hazard-reports/generate/", {"period": key})
    assert r.status_code == 201 and r.json()["state"] == "draft"
    rid = r.json()["id"]
    assert _post(manager, f"/api/hazard-reports/{rid}/submit/").status_code == 403
    r = _post(principal, f"/api/hazard-reports/{rid}/submit/")
    assert r.status_code == 200 and r.json()["state"] == "submitted" and r.json()["signed_by"] == world.user["e1"].pk
    r = _post(principal, f"/api/hazard-reports/{rid}/submit/")
    assert r.status_code == 409 and r.json()["current_state"] == "submitted"
    missing = officer.get(f"/api/hazard-reports/missing/?period={key}").json()["results"]
    assert [row["name"] for row in missing] == ["企业2"]
    assert officer.get("/api/hazard-reports/missing/?period=bad").status_code == 400
    assert [row["id"] for row in officer.get("/api/hazard-reports/").json()["results"]] == [rid]
    assert world.client("b2").get(f"/api/hazard-reports/{rid}/").status_code == 404


def test_a_year_one_moment_is_a_400_not_a_500(world):
    """DRF cannot make 0001-01-01T00:00 aware east of UTC (OverflowError): the API answers 400 out_of_range."""
    body = {"enterprise": world.e1.pk, "location": "a", "description": "b", "category": "equipment",
            "found_at": "0001-01-01T00:00:00"}
    r = _post(world.client("b1"), "/api/hazards/", body)
    assert r.status_code == 400 and r.json()["code"] == "out_of_range"
    assert Hazard.objects.count() == 0
