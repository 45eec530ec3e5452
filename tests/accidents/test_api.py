"""The accident API, reporting side: the 快报 for a unit from the file or an unregistered one, the case with its
grade, reasons, clock and flags, each reporting step, the error codes, the filters, the export and the scope."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accidents import reporting
from anjian.accidents.models import Accident
from anjian.core.models import Notification
from tests.accidents.conftest import ago, report

pytestmark = pytest.mark.django_db

MIN = datetime.timedelta(minutes=1)


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def payload(**overrides) -> dict:
    occurred = ago(hours=3)
    data = {
        "sector": "textile",
        "occurred_at": _iso(occurred),
        "place": "一号车间",
        "accident_type": "03",
        "deaths": 1,
        "serious_injuries": 0,
        "minor_injuries": 2,
        "direct_loss": "120",
        "direct_loss_unit": "wan_yuan",
        "account": "操作工清理设备时被卷入。",
        "measures_taken": "停机、送医。",
        "reporter_name": "张安全",
        "unit_learned_at": _iso(occurred + 10 * MIN),
        "county_received_at": _iso(occurred + 40 * MIN),
    }
    data.update(overrides)
    return data


def field_codes(response) -> dict[str, list[str]]:
    body = response.json()
    assert body["code"] == "invalid", body
    return {name: [e["code"] for e in errors] for name, errors in body["fields"].items()}


def _ids(client, url):
    ids, next_url = set(), url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        next_url = body["next"]
    return ids


# --- create -------------------------------------------------------------------------------------------------------


def test_officer_reports_for_a_unit_in_the_file(aw):
    occurred = ago(minutes=50)  # the county received it 10 minutes ago: nothing is overdue yet
    r = _post(aw.client("b1"), "/api/accidents/", payload(
        enterprise=aw.e1.pk, deaths=3, occurred_at=_iso(occurred), unit_learned_at=_iso(occurred + 10 * MIN),
        county_received_at=_iso(occurred + 40 * MIN)))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["number"].startswith("SG330481") and body["enterprise"] == aw.e1.pk
    assert body["grade"] == "large" and body["grade_label"] == "较大事故" and body["investigating_level"] == "city"
    assert body["grade_reasons"] == body["grade_basis"]["reasons"] and "死亡3人" in body["grade_reasons"][0]
    assert body["grade_basis"]["missing_count_as_deaths"] is True
    assert body["direct_loss_yuan"] == "1200000.00"
    assert body["unit_report_minutes_late"] == 0 and body["source"] == "unit"
    assert [s["step"] for s in body["clock"]["steps"]] == ["county_to_city", "city_to_province"]
    assert body["clock"]["steps"][0]["done"] is False and body["clock"]["steps"][0]["deadline"]
    assert len(body["clock"]["missing_notices"]) == 5
    assert body["flags"] == {"late": False, "suspected_unreported": False, "needs_follow_up": False,
                             "level_changed": False}
    assert [e["action"] for e in body["events"]] == ["report"]
    late = _post(aw.client("b1"), "/api/accidents/", payload(enterprise=aw.e1.pk)).json()  # received 2h20m ago
    assert late["clock"]["steps"][0]["overdue"] is True and late["flags"]["late"] is True
    assert Accident.objects.get(pk=body["id"]).county_received_by == aw.user["b1"]


def test_officer_reports_an_unregistered_unit(aw):
    unit = {"name": "无照加工点", "address": "某村", "region": aw.t1.code, "principal_name": "王某"}
    r = _post(aw.client("t1"), "/api/accidents/", payload(unit=unit, source="public"))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["unit_was_unregistered"] is True and body["enterprise_name"] == "无照加工点"
    assert body["flags"]["suspected_unreported"] is True and body["flags"]["needs_follow_up"] is True
    r = _post(aw.client("b1"), "/api/accidents/", payload(unit={"name": "外县单位", "region": aw.t3.code}))
    assert r.status_code == 400 and "region_out_of_scope" in field_codes(r)["unit_region"]


def test_enterprise_reports_for_itself_and_is_received_at_once(aw):
    r = _post(aw.client("e1"), "/api/accidents/", payload(county_received_at=None, source="media"))
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["enterprise"] == aw.e1.pk and body["source"] == "unit" and body["county_received_at"]
    # Not its own unit: e2 is not even visible to e1.
    r = _post(aw.client("e1"), "/api/accidents/", payload(enterprise=aw.e2.pk))
    assert r.status_code == 400 and field_codes(r) == {"enterprise": ["not_found"]}
    r = _post(aw.client("e1"), "/api/accidents/", payload(unit={"name": "别家", "region": aw.t1.code}))
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = _post(aw.client("e1w"), "/api/accidents/", payload())
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert Accident.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"direct_loss_unit": None}, "direct_loss_unit", "loss_unit_required"),
        ({"direct_loss_unit": "jiao"}, "direct_loss_unit", "loss_unit_required"),
        ({"direct_loss": None}, "direct_loss", "null"),
        ({"direct_loss": "-5"}, "direct_loss", "negative"),
        ({"deaths": -1}, "deaths", "negative"),
        ({"serious_injuries": "many"}, "serious_injuries", "invalid"),
        ({"occurred_at": "2099-01-01T08:00:00+08:00"}, "occurred_at", "future"),
        ({"occurred_at": "yesterday"}, "occurred_at", "invalid"),
        ({"accident_type": "21"}, "accident_type", "invalid_choice"),
        ({"kind": "near_miss"}, "near_miss_item", "required"),
        ({"county_received_at": None}, "county_received_at", "required"),
    ],
)
def test_bad_input_answers_400_with_a_field_code(aw, overrides, field, code):
    data = payload(enterprise=aw.e1.pk, **overrides)
    data = {k: v for k, v in data.items() if not (k == "direct_loss_unit" and v is None)}
    r = _post(aw.client("b1"), "/api/accidents/", data)
    assert r.status_code == 400
    assert code in field_codes(r)[field]
    assert r.json()["message"]
    assert Accident.objects.count() == 0


def test_unit_choice_errors(aw):
    client = aw.client("b1")
    r = _post(client, "/api/accidents/", payload(enterprise=aw.e3.pk))
    assert r.status_code == 400 and field_codes(r) == {"enterprise": ["not_found"]}
    r = _post(client, "/api/accidents/", payload(enterprise=aw.e1.pk, unit={"name": "x", "region": aw.t1.code}))
    assert r.status_code == 400 and field_codes(r) == {"unit": ["ambiguous_unit"]}
    r = _post(client, "/api/accidents/", payload())
    assert r.status_code == 400 and field_codes(r) == {"enterprise": ["required"]}
    r = _post(aw.client("d1"), "/api/accidents/", payload(enterprise=aw.e2.pk, sector="textile"))
    assert r.status_code == 400 and field_codes(r) == {"sector": ["sector_out_of_scope"]}


# --- retrieve and scope -------------------------------------------------------------------------------------------


def test_retrieve_and_actions_outside_scope_are_404(aw):
    a = report(aw)
    assert aw.client("b1").get(f"/api/accidents/{a.pk}/").status_code == 200
    assert aw.client("e1").get(f"/api/accidents/{a.pk}/").status_code == 200
    for key in ("b2", "e2", "t2", "d1", "sys"):
        client = aw.client(key)
        r = client.get(f"/api/accidents/{a.pk}/")
        assert r.status_code == 404 and r.json()["code"] == "not_found", key
        assert _post(client, f"/api/accidents/{a.pk}/finding/", {"finding": "late", "note": "x"}).status_code == 404
        assert _post(client, f"/api/accidents/{a.pk}/transmissions/",
                     {"step": "county_to_city", "sent_at": _iso(ago(minutes=5))}).status_code == 404
    assert aw.client("b1").get("/api/accidents/abc/").status_code == 404
    assert aw.client("b1").get("/api/accidents/99999999999999999999/").status_code == 404
    assert aw.client("city").get(f"/api/accidents/{a.pk}/").status_code == 200  # the city sees its counties


def test_login_required(client, aw):
    a = report(aw)
    for url in ("/api/accidents/", f"/api/accidents/{a.pk}/"):
        r = client.get(url)
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


# --- the reporting steps ------------------------------------------------------------------------------------------


def test_reporting_steps_over_the_api(aw, django_capture_on_commit_callbacks):
    occurred = ago(hours=10)
    a = report(aw, occurred_at=occurred, unit_learned_at=None, county_received_at=occurred + 100 * MIN)
    client = aw.client("b1")
    base = f"/api/accidents/{a.pk}"

    r = _post(client, f"{base}/unit-learned/", {"unit_learned_at": _iso(occurred + 10 * MIN)})
    assert r.status_code == 200, r.json()
    assert r.json()["unit_report_minutes_late"] == 30 and r.json()["flags"]["late"] is True
    assert r.json()["flags"]["needs_follow_up"] is True

    received = a.county_received_at
    r = _post(client, f"{base}/transmissions/", {"step": "county_to_city", "sent_at": _iso(received + 150 * MIN),
                                               "recipient": "嘉兴市应急管理局"})
    assert r.status_code == 201, r.json()
    row = r.json()["transmissions"][0]
    assert row["minutes_late"] == 30 and row["step_label"] and row["received_at"]
    step = r.json()["clock"]["steps"][0]
    assert step["done"] is True and step["minutes_late"] == 30 and step["sent_at"]
    r = _post(client, f"{base}/transmissions/", {"step": "county_to_city", "sent_at": _iso(received + 160 * MIN)})
    assert r.status_code == 409 and r.json()["code"] == "already_transmitted" and r.json()["current_state"]
    r = _post(client, f"{base}/transmissions/", {"step": "county_to_city", "sent_at": "soon"})
    assert r.status_code == 400 and field_codes(r) == {"sent_at": ["invalid"]}
    r = _post(client, f"{base}/transmissions/", {"step": "unit_to_county", "sent_at": _iso(received)})
    assert r.status_code == 400 and field_codes(r) == {"step": ["invalid_choice"]}

    r = _post(client, f"{base}/notices/", {"level": "county", "party": "procuratorate",
                                          "notified_at": _iso(received + 20 * MIN)})
    assert r.status_code == 201
    assert [n["party_label"] for n in r.json()["notices"]] == ["人民检察院"]
    missing = {(m["level"], m["party"]) for m in r.json()["clock"]["missing_notices"]}
    assert ("county", "procuratorate") not in missing and ("city", "procuratorate") in missing
    r = _post(client, f"{base}/notices/", {"level": "county", "party": "procuratorate",
                                          "notified_at": _iso(received + 25 * MIN)})
    assert r.status_code == 409 and r.json()["code"] == "already_notified"

    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, f"{base}/supplements/", {"deaths": 3, "note": "伤者死亡"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["grade"] == "large" and body["level_changed_from"] == "county" and body["flags"]["level_changed"]
    assert body["minor_injuries"] == 2 and body["direct_loss_yuan"] == "1200000.00"  # left out: kept
    assert body["supplements"][0]["grade_before"] == "ordinary" and body["supplements"][0]["grade_after"] == "large"
    assert Notification.objects.filter(recipient=aw.user["city"], kind="accident.level_changed").exists()

    r = _post(client, f"{base}/finding/", {"finding": "late", "note": "单位负责人接报后1.5小时才报告。"})
    assert r.status_code == 200
    assert r.json()["reporting_finding"] == "late" and r.json()["flags"]["needs_follow_up"] is False
    assert [e["action"] for e in r.json()["events"]] == [
        "report", "receive", "transmit", "notify", "supplement", "regrade", "finding"]


def test_supplement_input_errors(aw):
    a = report(aw)
    client = aw.client("b1")
    url = f"/api/accidents/{a.pk}/supplements/"
    r = _post(client, url, {"direct_loss": "10", "note": "x"})
    assert r.status_code == 400 and field_codes(r) == {"direct_loss_unit": ["loss_unit_required"]}
    r = _post(client, url, {"direct_loss_unit": "yuan", "note": "x"})
    assert r.status_code == 400 and field_codes(r) == {"direct_loss": ["required"]}
    r = _post(client, url, {"serious_injuries": -1, "note": ""})
    assert r.status_code == 400 and field_codes(r) == {"serious_injuries": ["negative"], "note": ["required"]}
    r = _post(client, url, {"direct_loss": "2", "direct_loss_unit": "wan_yuan", "note": "核实损失"})
    assert r.status_code == 201 and r.json()["direct_loss_yuan"] == "20000.00"


def test_supplement_after_the_window_is_refused(aw):
    occurred = ago(days=31)
    a = report(aw, occurred_at=occurred, unit_learned_at=occurred + MIN, county_received_at=occurred + 20 * MIN)
    r = _post(aw.client("b1"), f"/api/accidents/{a.pk}/supplements/", {"deaths": 2, "note": "死亡"})
    assert r.status_code == 400 and field_codes(r) == {"deaths": ["supplement_window_closed"]}
    r = _post(aw.client("b1"), f"/api/accidents/{a.pk}/supplements/", {"note": "情况说明"})
    assert r.status_code == 201 and r.json()["deaths"] == 1


def test_roles_without_rights_get_403(aw):
    a = report(aw)
    base = f"/api/accidents/{a.pk}"
    for key in ("t1", "e1", "g1", "x1"):
        client = aw.client(key)
        assert _post(client, f"{base}/transmissions/", {"step": "county_to_city",
                                                       "sent_at": _iso(ago(minutes=1))}).status_code == 403, key
        assert _post(client, f"{base}/finding/", {"finding": "late", "note": "x"}).status_code == 403, key
        assert _post(client, f"{base}/unit-learned/", {"unit_learned_at": _iso(ago(hours=2))}).status_code == 403
    assert _post(aw.client("g1"), f"{base}/supplements/", {"note": "x"}).status_code == 403
    assert _post(aw.client("e1w"), f"{base}/supplements/", {"note": "x"}).status_code == 403
    assert _post(aw.client("e1"), f"{base}/supplements/", {"minor_injuries": 3, "note": "轻伤增加"}).status_code == 201


# --- the list -----------------------------------------------------------------------------------------------------


def test_list_filters(aw):
    old = ago(days=400)
    ordinary = report(aw)
    large = report(aw, deaths=3, accident_type="04")
    near = report(aw, kind="near_miss", near_miss_item="2", deaths=0)
    reported_elsewhere = report(aw, source="public")
    late_at = ago(hours=5)
    late = report(aw, occurred_at=late_at, unit_learned_at=late_at, county_received_at=late_at + 120 * MIN)
    last_year = report(aw, occurred_at=old, unit_learned_at=old + MIN, county_received_at=old + 30 * MIN)
    construction = report(aw, "d1", enterprise=aw.e2, sector="construction")
    changed = report(aw)
    reporting.supplement(actor=aw.user["b1"], accident=changed, data={
        "deaths": 4, "missing": 0, "serious_injuries": 0, "minor_injuries": 2, "direct_loss": "120",
        "direct_loss_unit": "wan_yuan", "note": "死亡增加"})
    step_late_at = ago(hours=10)
    step_late = report(aw, occurred_at=step_late_at, unit_learned_at=step_late_at + MIN,
                       county_received_at=step_late_at + 20 * MIN)
    reporting.transmit(actor=aw.user["b1"], accident=step_late, step="county_to_city",
                       sent_at=step_late_at + 300 * MIN)
    client = aw.client("b1")
    everything = _ids(client, "/api/accidents/")
    assert len(everything) == 9

    def ids(query):
        return _ids(client, f"/api/accidents/?{query}")

    assert ids("kind=near_miss") == {near.pk}
    assert ids("grade=large") == {large.pk, changed.pk}
    assert ids("accident_type=04") == {large.pk}
    assert ids("sector=construction") == {construction.pk}
    assert ids(f"region={aw.t2.code}") == {construction.pk}
    assert ids(f"region={aw.county.code}") == everything
    assert ids("region=999999") == set()
    assert ids("suspected_unreported=true") == {reported_elsewhere.pk}
    assert ids("late=true") == {late.pk, step_late.pk}
    assert ids("needs_follow_up=true") == {reported_elsewhere.pk, late.pk}
    assert ids("level_changed=true") == {changed.pk}
    local_old = timezone.localtime(old)
    assert ids(f"year={local_old.year}") == {last_year.pk}
    assert ids(f"year={local_old.year}&month={local_old.month}") == {last_year.pk}
    assert ids(f"year={local_old.year}&month={local_old.month % 12 + 1}") == set()
    assert ids("year=1999") == set()
    assert ordinary.pk in ids("state=open") and ids("state=closed") == set()
    assert ids(f"q={ordinary.number}") == {ordinary.pk}
    r = client.get("/api/accidents/?grade=huge")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    row = client.get(f"/api/accidents/?q={late.number}").json()["results"][0]
    assert row["needs_follow_up"] is True and row["unit_report_minutes_late"] == 60


def test_lists_follow_scope(aw):
    mine = report(aw)
    theirs = report(aw, "b2", enterprise=aw.e3, sector="hazchem")
    construction = report(aw, "b1", enterprise=aw.e2, sector="construction")
    assert _ids(aw.client("b1"), "/api/accidents/") == {mine.pk, construction.pk}
    assert _ids(aw.client("b2"), "/api/accidents/") == {theirs.pk}
    assert _ids(aw.client("d1"), "/api/accidents/") == {construction.pk}
    assert _ids(aw.client("e1"), "/api/accidents/") == {mine.pk}
    assert _ids(aw.client("city"), "/api/accidents/") == {mine.pk, theirs.pk, construction.pk}


def test_export_is_filtered_and_scoped(aw):
    a = report(aw, deaths=3)
    report(aw)
    report(aw, "b2", enterprise=aw.e3, sector="hazchem")
    r = aw.client("b1").get("/api/accidents/export/?grade=large")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))[3:]
    assert [row[1] for row in rows] == [a.number]
    assert rows[0][15] == 120 and rows[0][16] == "较大事故" and "死亡3人" in rows[0][17]
