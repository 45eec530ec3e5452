"""The hazard pages: report from a phone, every step form, the rectify page, ledger, stats,
listings, reports and the inbox — rendered for the right people, refusing the wrong ones."""

import datetime

import pytest

from anjian.hazards.models import Hazard, HazardReport
from tests.hazards.conftest import jpeg, rectifying_general, rectifying_major, report, today


def test_report_page_phone_flow(world):
    client = world.client("e1w")
    page = client.get("/hazards/new/")
    html = page.content.decode()
    assert page.status_code == 200 and 'capture="environment"' in html and 'accept="image/*"' in html
    r = client.post(
        "/hazards/new/",
        {
            "enterprise": world.e1.pk,
            "location": "二号车间",
            "description": "皮带轮无防护罩",
            "category": "equipment",
            "route": "employee_report",
            "photos": [jpeg(), jpeg("b.jpg")],
        },
    )
    assert r.status_code == 302
    hazard = Hazard.objects.get()
    assert r["Location"] == f"/hazards/{hazard.pk}/" and hazard.photos.count() == 2
    detail = client.get(r["Location"]).content.decode()
    assert "皮带轮无防护罩" in detail and f"/hazards/{hazard.pk}/photos/" in detail


def test_report_page_shows_errors_and_keeps_input(world):
    client = world.client("e1w")
    r = client.post(
        "/hazards/new/",
        {
            "enterprise": world.e1.pk,
            "location": "",
            "description": "漏油",
            "category": "",
            "route": "employee_report",
            "photos": [jpeg()],
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "漏油" in html and "invalid-feedback" in html
    assert Hazard.objects.count() == 0


def test_step_forms_walk_a_general_hazard(world):
    hazard = report(world)
    manager = world.client("e1m")
    html = manager.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'data-testid="step-confirm"' in html and 'data-testid="step-reject"' in html
    assert 'data-testid="step-confirm"' not in world.client("e1w").get(f"/hazards/{hazard.pk}/").content.decode()
    r = manager.post(f"/hazards/{hazard.pk}/confirm/", {"confirm-grade": "general"})
    assert r.status_code == 302
    r = manager.post(f"/hazards/{hazard.pk}/start/", {"plan-measures": "加装防护"})
    html = r.content.decode()
    assert r.status_code == 400 and "请先落实整改措施、责任人和期限，缺少：整改责任人、整改期限" in html
    assert 'data-testid="missing-plan"' not in html and html.count("此项为必填项") == 2
    deadline = (today() + datetime.timedelta(days=5)).isoformat()
    r = manager.post(
        f"/hazards/{hazard.pk}/start/",
        {
            "plan-measures": "加装防护",
            "plan-responsible_name": "赵六",
            "plan-responsible_user": world.user["e1w"].pk,
            "plan-deadline": deadline,
        },
    )
    assert r.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).state == "rectifying"
    worker = world.client("e1w")
    assert worker.get(f"/hazards/{hazard.pk}/rectify/").status_code == 200
    r = worker.post(f"/hazards/{hazard.pk}/rectify/", {"note": "已加装", "photos": [jpeg("after.jpg")]})
    assert r.status_code == 302
    r = manager.post(f"/hazards/{hazard.pk}/return/", {"return-reason": ""})
    assert r.status_code == 400
    r = world.client("e1").post(f"/hazards/{hazard.pk}/verify/", {"verify-note": "合格"})
    assert r.status_code == 302 and Hazard.objects.get(pk=hazard.pk).state == "closed"
    r = world.client("e1").post(f"/hazards/{hazard.pk}/verify/", {"verify-note": "again"})
    assert r.status_code == 400 and "已闭环" in r.content.decode()


def test_major_hazard_pages(world):
    hazard = rectifying_major(world)
    officer = world.client("b1")
    html = officer.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'data-testid="step-listing"' in html and "第十一条第2项" in html
    r = officer.post(
        f"/hazards/{hazard.pk}/listing/",
        {
            "listing-document_number": "海应急督〔2026〕3号",
            "listing-deadline": (today() + datetime.timedelta(days=30)).isoformat(),
            "listing-government_contact": "王",
            "listing-publicly_announced": "on",
        },
    )
    assert r.status_code == 302
    assert "海应急督〔2026〕3号" in officer.get("/hazards/listings/").content.decode()
    assert 'data-testid="step-listing"' not in world.client("t1").get(f"/hazards/{hazard.pk}/").content.decode()


@pytest.mark.parametrize(
    "url", ["/hazards/", "/hazards/stats/", "/hazards/listings/", "/hazards/reports/", "/notifications/"]
)
@pytest.mark.parametrize("key", ["b1", "leader", "d1", "t1", "g1", "x1", "e1", "e1m", "e1w"])
def test_pages_render_for_every_role(world, key, url):
    rectifying_general(world)
    rectifying_major(world)
    assert world.client(key).get(url).status_code == 200


def test_ledger_page_filters_and_export(world):
    h1 = report(world)
    h2 = rectifying_major(world)
    client = world.client("b1")
    html = client.get("/hazards/?grade=major").content.decode()
    assert f"/hazards/{h2.pk}/" in html and f"/hazards/{h1.pk}/" not in html
    partial = client.get("/hazards/?grade=major", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and f"/hazards/{h2.pk}/" in partial
    r = client.get("/hazards/export/?grade=major")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_stats_page_shows_counters(world):
    rectifying_major(world)
    html = world.client("b1").get("/hazards/stats/").content.decode()
    assert 'data-testid="major-open">1<' in html and 'data-testid="by-region"' in html


def test_statistics_report_generate_sign_and_missing(world, settings):
    quarter_key = _last_quarter_key()
    manager, principal = world.client("e1m"), world.client("e1")
    r = manager.post("/hazards/reports/generate/", {"period": quarter_key})
    assert r.status_code == 302
    report_row = HazardReport.objects.get()
    assert report_row.state == "draft" and report_row.figures["period"] == quarter_key
    html = world.client("b1").get(f"/hazards/reports/?period={quarter_key}").content.decode()
    assert "企业1" in html and "企业2" in html  # both still missing (a draft is not a submission)
    assert manager.post(f"/hazards/reports/{report_row.pk}/submit/").status_code == 302
    assert HazardReport.objects.get().state == "draft"  # only the principal signs
    principal.post(f"/hazards/reports/{report_row.pk}/submit/")
    report_row.refresh_from_db()
    assert report_row.state == "submitted" and report_row.signed_by == world.user["e1"]
    html = world.client("b1").get(f"/hazards/reports/?period={quarter_key}").content.decode()
    missing = html.split('data-testid="missing-reports"')[1]
    assert "企业2" in missing and "企业1" not in missing
    r = manager.post("/hazards/reports/generate/", {"period": quarter_key})
    assert HazardReport.objects.get().figures == report_row.figures  # a submitted report is not regenerated


def _last_quarter_key():
    from anjian.rules.hazard_schedule import latest_closed_periods

    return latest_closed_periods(today())[0].key


def test_inbox_marks_read_and_follows_link(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hazard = report(world)
    client = world.client("e1m")
    assert 'data-testid="unread-count">1<' in client.get("/hazards/").content.decode()
    note = world.user["e1m"].notifications.get()
    r = client.post("/notifications/", {"id": note.pk, "next": f"/hazards/{hazard.pk}/"})
    assert r.status_code == 302 and r["Location"] == f"/hazards/{hazard.pk}/"
    r = client.post("/notifications/", {"id": note.pk, "next": "https://evil.example/"})
    assert r["Location"] == "/notifications/"
    assert 'data-testid="unread-count"' not in client.get("/hazards/").content.decode()


def test_public_page_needs_no_login_and_other_pages_do(client, world):
    assert client.get("/public/listings/").status_code == 200
    assert client.get("/hazards/").status_code == 302
    assert client.get("/api/hazards/").status_code == 401


def test_user_sets_own_notification_email(world):
    from anjian.core.models import AuditEvent

    client = world.client("e1m")
    r = client.post("/notifications/", {"email": "not-an-address"})
    assert r.status_code == 302
    world.user["e1m"].refresh_from_db()
    assert world.user["e1m"].email == ""
    client.post("/notifications/", {"email": "anquan@example.com"})
    world.user["e1m"].refresh_from_db()
    assert world.user["e1m"].email == "anquan@example.com"
    assert AuditEvent.objects.filter(action="user.email", object_id=str(world.user["e1m"].pk)).exists()


def test_grid_officer_records_a_checkin_from_the_page(world):
    from anjian.hazards import services

    hazard = rectifying_general(world, days=30)
    services.hazard_temporary_control(
        actor=world.user["e1m"],
        hazard=hazard,
        contingency_plan="预案",
        monitoring_measures="巡检",
        checkin_interval_days=7,
        reason="等待检修",
    )
    client = world.client("g1")
    assert 'data-testid="step-checkin"' in client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert client.post(f"/hazards/{hazard.pk}/checkin/", {"checkin-note": "现场管控到位"}).status_code == 302
    assert hazard.events.filter(action="checkin").count() == 1


@pytest.mark.parametrize(
    "url", ["/hazards/", "/hazards/new/", "/hazards/stats/", "/hazards/reports/", "/notifications/"]
)
def test_hazard_pages_in_english(world, url):
    from django.conf import settings as django_settings

    hazard = rectifying_major(world)
    client = world.client("e1m")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert 'lang="en"' in html
    detail = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "Rectifying" in detail or "rectif" in detail.lower()
