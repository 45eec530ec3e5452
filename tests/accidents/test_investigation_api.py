"""The investigation over the API: the whole path from opening to closure, and each error shape (400 with fields
or a stable code, 403, 404 outside the scope, 409 with the current state)."""

import pytest

from anjian.accidents.models import Accident, Investigation
from tests.accidents.test_investigation import EVIDENCE, PARTS, accident, close_hazard, days, near_miss, opened, today

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _patch(client, url, data=None):
    return client.patch(url, data or {}, content_type="application/json")


def base(a) -> str:
    return f"/api/accidents/{a.pk}/"


def test_the_whole_investigation_over_the_api(aw):
    b1, city = aw.client("b1"), aw.client("city")
    a = accident(aw, days_ago=5)
    url = base(a)
    r = b1.get(url + "investigation/")
    assert r.status_code == 404 and r.json()["code"] == "no_investigation"
    r = _post(b1, url + "investigation/", {
        "team_name": "调查组", "formed_on": today().isoformat(),
        "members": [{"role": "leader", "name": "王组长", "organisation": "海宁市应急管理局"}],
    })
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["level"] == "county" and body["accident_state"] == "investigating"
    assert body["level_label"] == "事故发生地县级人民政府"
    assert body["clock"]["deadline"] == body["deadline"] and body["clock"]["paused"] is False
    assert len(body["members"]) == 1 and body["missing_parts"] == list(Investigation.REPORT_PARTS)

    r = _post(b1, url + "investigation/members/", {"role": "expert", "name": "李专家", "organisation": "浙大"})
    assert r.status_code == 201 and len(r.json()["members"]) == 2
    member_id = r.json()["members"][1]["id"]
    r = b1.delete(url + f"investigation/members/{member_id}/")
    assert r.status_code == 200 and len(r.json()["members"]) == 1
    assert b1.delete(url + f"investigation/members/{member_id}/").status_code == 404

    r = _post(b1, url + "investigation/extend/", {"days": 20, "reason": "补充取证", "approved_by": "海宁市人民政府"})
    assert r.status_code == 200 and r.json()["extension_days"] == 20
    r = _post(b1, url + "investigation/appraisals/", {"reason": "设备鉴定", "started_on": today().isoformat()})
    assert r.status_code == 201 and r.json()["clock"]["paused"] is True
    r = _post(b1, url + "investigation/appraisals/end/", {"ended_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["pauses"][0]["days"] == 0

    r = _patch(b1, url + "investigation/report/", {"report_unit_overview": "概况"})
    assert r.status_code == 200 and "report_unit_overview" not in r.json()["missing_parts"]
    r = _post(b1, url + "investigation/submit/", {"submitted_on": today().isoformat()})
    assert r.status_code == 400 and r.json()["code"] == "report_incomplete"
    assert "report_prevention" in r.json()["missing"]
    assert _patch(b1, url + "investigation/report/", PARTS).status_code == 200
    r = _post(b1, url + "investigation/submit/", {"submitted_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["reply_deadline"] == (today() + days(15)).isoformat()

    r = _post(b1, url + "reply/",
              {"document": "海政复1号", "authority": "海宁市人民政府", "replied_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["accident_state"] == "replied"
    assert r.json()["reply_clock"]["late"] is False
    r = _post(b1, url + "publish/", {"published_on": today().isoformat(), "publication": "海宁市政府网站"})
    assert r.status_code == 200 and r.json()["published_on"] == today().isoformat()

    r = _post(b1, url + "penalties/", {"target": "unit", "person_name": "企业1", "measure": "fine",
                                       "amount_yuan": 100000})
    assert r.status_code == 400 and r.json()["code"] == "fine_out_of_range"
    assert "30万元以上100万元以下" in r.json()["message"] and r.json()["range"] == [300000, 1000000]
    r = _post(b1, url + "penalties/", {"target": "unit", "person_name": "企业1", "measure": "fine",
                                       "amount_yuan": 600000, "document_number": "海应急罚1号"})
    assert r.status_code == 201 and "符合" in r.json()["check_message"]
    assert len(b1.get(url + "penalties/").json()) == 1

    r = _post(b1, url + "measures/", {"description": "加装联锁", "responsible": "企业1", "as_hazard": True})
    assert r.status_code == 201, r.json()
    measure = r.json()
    assert measure["hazard"] and measure["hazard_state"] == "reported" and measure["carried_out"] is False
    assert measure["hazard_number"].startswith("YH")
    r = _post(b1, url + f"measures/{measure['id']}/complete/", {"note": "已装"})
    assert r.status_code == 409 and r.json()["code"] == "measure_tracked_as_hazard"
    assert r.json()["hazard_state"] == "reported"

    r = _post(city, url + "listing/", {"document_number": "嘉安督1号", "deadline": today().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"  # too late: already replied

    r = b1.get(url + "closure/")
    assert r.status_code == 200 and [b["code"] for b in r.json()["blockers"]] == ["measures_open"]
    r = _post(b1, url + "close/", {"evidence": {"cause_found": "已查明"}})
    assert r.status_code == 400 and r.json()["code"] == "four_not_let_go"
    assert r.json()["blockers"] == ["responsible_handled", "measures_done", "people_educated"]
    r = _post(b1, url + "close/", {"evidence": EVIDENCE})
    assert r.status_code == 409 and r.json()["code"] == "measures_open" and r.json()["measures"] == [measure["id"]]

    from anjian.hazards.models import Hazard

    close_hazard(aw, Hazard.objects.get(pk=measure["hazard"]))
    assert b1.get(url + "measures/").json()[0]["carried_out"] is True
    assert b1.get(url + "closure/").json()["ready"] is True
    r = _post(b1, url + "close/", {"evidence": EVIDENCE, "note": "结案"})
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "closed" and r.json()["closure_evidence"] == EVIDENCE


def test_listing_and_lifting_over_the_api(aw):
    a, _ = opened(aw)
    url = base(a)
    b1, city = aw.client("b1"), aw.client("city")
    r = _post(b1, url + "listing/", {"document_number": "督1", "deadline": today().isoformat()})
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = _post(city, url + "listing/", {"document_number": "嘉安督1号", "deadline": today().isoformat(),
                                       "requirements": "每周报告进展"})
    assert r.status_code == 201 and r.json()["level"] == "city" and r.json()["authority_name"] == "嘉兴市应急管理局"
    r = _post(city, url + "listing/", {"document_number": "嘉安督2号", "deadline": today().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "already_listed"
    assert Accident.objects.get(pk=a.pk).listed
    assert _post(b1, url + "listing/lift/", {"lift_document": "摘1"}).status_code == 403
    r = _post(city, url + "listing/lift/", {"lift_document": "嘉安摘1号"})
    assert r.status_code == 200 and r.json()["lifted_at"]
    assert len(b1.get(url + "listing/").json()) == 1


def test_error_shapes(aw):
    a = accident(aw, deaths=3)  # 较大事故: the city investigates
    url = base(a)
    b1 = aw.client("b1")
    r = _post(b1, url + "investigation/", {"team_name": "组", "formed_on": today().isoformat()})
    assert r.status_code == 403 and "设区的市级人民政府" in r.json()["message"]
    r = _post(aw.client("city"), url + "investigation/", {"team_name": "", "formed_on": "not a date"})
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert {"team_name", "formed_on"} <= set(r.json()["fields"])
    r = _post(aw.client("city"), url + "investigation/", {"team_name": "组", "formed_on": today().isoformat(),
                                                          "entrusted_to_unit": True})
    assert r.status_code == 400 and r.json()["fields"]["entrusted_to_unit"][0]["code"] == "entrust_not_allowed"
    # outside the scope: 404 (平湖 bureau), not 403
    assert aw.client("b2").get(url + "investigation/").status_code == 404
    r = _post(aw.client("b2"), url + "investigation/", {"team_name": "组", "formed_on": "2026-01-01"})
    assert r.status_code == 404
    # a step the state does not allow: 409 with the current state
    r = _post(aw.client("city"), url + "investigation/submit/", {"submitted_on": today().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition" and r.json()["current_state"] == "reported"
    r = _post(aw.client("city"), url + "reply/", {"document": "x", "authority": "y", "replied_on": today().isoformat()})
    assert r.status_code == 409
    # near misses
    nm = near_miss(aw)
    r = _post(b1, base(nm) + "investigation/", {"team_name": "组", "formed_on": today().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "near_miss_not_investigated"
    r = _post(b1, base(nm) + "close/", {})
    assert r.status_code == 400 and r.json()["fields"]["note"][0]["code"] == "required"
    r = _post(aw.client("e1"), base(nm) + "close/", {"note": "企业结案"})
    assert r.status_code == 403
    r = _post(b1, base(nm) + "close/", {"note": "已核查"})
    assert r.status_code == 200 and r.json()["state"] == "closed"
    # not logged in
    from django.test import Client

    assert Client().get(url + "investigation/").status_code in (401, 403)


def test_extension_and_appraisal_conflicts_over_the_api(aw):
    a, _ = opened(aw)
    url = base(a)
    b1 = aw.client("b1")
    r = _post(b1, url + "investigation/extend/", {"days": 61, "reason": "x", "approved_by": "y"})
    assert r.status_code == 400 and r.json()["fields"]["days"][0]["code"] == "out_of_range"
    assert _post(b1, url + "investigation/extend/", {"days": 10, "reason": "x", "approved_by": "y"}).status_code == 200
    r = _post(b1, url + "investigation/extend/", {"days": 10, "reason": "x", "approved_by": "y"})
    assert r.status_code == 409 and r.json()["code"] == "already_extended"
    r = _post(b1, url + "investigation/appraisals/end/", {"ended_on": today().isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "no_open_appraisal"
    r = _patch(b1, url + "investigation/report/", {})
    assert r.status_code == 400
