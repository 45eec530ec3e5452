"""The enforcement API: drafting by doc_type, each step with its error shapes (400 field errors with stable
codes, 403, 404 outside the scope, 409 with the current state or the procedure's blockers), the ledger's
filters and cursor, the PDF, and a penalty case from opening to a served decision."""

import datetime

from anjian.core.models import AuditEvent
from anjian.enforcement import common
from anjian.enforcement.models import EnforcementDocument, PenaltyCase
from tests.enforcement.conftest import finished_inspection, served_order, today

DOCS = "/api/enforcement-documents/"
CASES = "/api/penalty-cases/"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def _serve(client, pk):
    return _post(client, f"{DOCS}{pk}/serve/", {
        "served_at": common.now().isoformat(), "method": "direct", "recipient": "王伟"})


def test_draft_approve_serve_over_the_api(team):
    inspection = finished_inspection(team)
    officer, leader, enterprise = team.client("b1"), team.client("leader"), team.client("e1")
    deadline = (today() + datetime.timedelta(days=10)).isoformat()

    r = _post(officer, DOCS, {"doc_type": "memo"})
    assert r.status_code == 400 and r.json()["fields"]["doc_type"][0]["code"] == "invalid_choice"
    before = (EnforcementDocument.objects.count(), AuditEvent.objects.count())
    r = _post(officer, DOCS, {"doc_type": "rectification_order", "inspection": inspection.pk,
                              "deadline": today().isoformat(), "findings": [{"description": ""}]})
    assert r.status_code == 400
    fields = r.json()["fields"]
    assert fields["deadline"][0]["code"] == "past_date" and fields["findings"][0]["code"] == "no_findings"
    assert (EnforcementDocument.objects.count(), AuditEvent.objects.count()) == before
    r = _post(officer, DOCS, {"doc_type": "rectification_order", "inspection": 999999, "deadline": deadline})
    assert r.status_code == 400 and r.json()["fields"]["inspection"][0]["code"] == "not_found"

    r = _post(officer, DOCS, {"doc_type": "rectification_order", "inspection": inspection.pk, "deadline": deadline})
    assert r.status_code == 201, r.json()
    doc = r.json()
    assert doc["state"] == "draft" and doc["number"] == "" and len(doc["content"]["findings"]) == 2
    pk = doc["id"]
    r = _patch(officer, f"{DOCS}{pk}/", {"requirements": "立即整改"})
    assert r.status_code == 200 and r.json()["content"]["requirements"] == "立即整改"
    assert r.json()["content"]["deadline"] == deadline  # the rest of the draft is kept
    assert enterprise.get(f"{DOCS}{pk}/").status_code == 404  # never a draft for the enterprise

    r = _post(officer, f"{DOCS}{pk}/approve/")
    assert r.status_code == 403 and r.json()["code"] == "self_approval"
    r = _post(leader, f"{DOCS}{pk}/approve/")
    assert r.status_code == 200 and r.json()["number"] == f"（海宁）应急责改〔{today().year}〕1号"
    assert r.json()["intact"] is True and [e["action"] for e in r.json()["events"]] == ["create", "update", "approve"]
    r = _post(leader, f"{DOCS}{pk}/approve/")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert r.json()["current_state"] == "approved"
    r = _patch(officer, f"{DOCS}{pk}/", {"requirements": "改"})
    assert r.status_code == 409

    r = _post(officer, f"{DOCS}{pk}/serve/", {"served_at": common.now().isoformat(), "method": "fax",
                                              "recipient": ""})
    assert r.status_code == 400 and "method" in r.json()["fields"]
    assert _serve(officer, pk).status_code == 200
    r = enterprise.get(f"{DOCS}{pk}/")
    assert r.status_code == 200 and r.json()["state"] == "served"
    assert team.client("b2").get(f"{DOCS}{pk}/").status_code == 404
    assert _post(team.client("b2"), f"{DOCS}{pk}/close/", {"reason": "x"}).status_code == 404

    pdf = enterprise.get(f"{DOCS}{pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    r = _post(officer, DOCS, {"doc_type": "review_opinion", "order": pk, "review_date": today().isoformat(),
                              "results": [{"no": 1, "rectified": True}, {"no": 2, "rectified": True}]})
    assert r.status_code == 201 and r.json()["content"]["passed"] is True


def test_ledger_filters_and_cursor(team, clock):
    order = served_order(team, days=3)
    inspection = order.inspection
    r = _post(team.client("b1"), DOCS, {"doc_type": "inspection_record", "inspection": inspection.pk})
    assert r.status_code == 201
    officer = team.client("b1")
    body = officer.get(DOCS, {"page_size": 1}).json()
    assert len(body["results"]) == 1 and body["next"]
    assert officer.get(body["next"]).json()["results"][0]["id"] != body["results"][0]["id"]
    assert [d["doc_type"] for d in officer.get(DOCS, {"doc_type": "inspection_record"}).json()["results"]] == [
        "inspection_record"]
    assert {d["state"] for d in officer.get(DOCS, {"state": "served"}).json()["results"]} == {"served"}
    assert len(officer.get(DOCS, {"year": today().year}).json()["results"]) == 1  # the draft has no year
    assert officer.get(DOCS, {"overdue_review": "true"}).json()["results"] == []
    assert officer.get(DOCS, {"enterprise": team.e2.pk}).json()["results"] == []
    assert team.client("e1").get(DOCS).json()["results"][0]["id"] == order.pk  # served only
    r = officer.get(f"{DOCS}export/", {"doc_type": "rectification_order"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_penalty_case_over_the_api(team, clock):
    officer, leader = team.client("b1"), team.client("leader")
    r = _post(officer, CASES, {"enterprise": team.e1.pk, "cause": ""})
    assert r.status_code == 400 and r.json()["fields"]["cause"][0]["code"] == "required"
    assert not PenaltyCase.objects.exists()
    r = _post(officer, CASES, {"enterprise": team.e3.pk, "cause": "x"})  # another county's enterprise
    assert r.status_code == 400 and r.json()["fields"]["enterprise"][0]["code"] == "not_found"
    r = _post(officer, CASES, {"enterprise": team.e1.pk, "cause": "未按规定进行安全生产教育和培训",
                               "facts": "12名员工未经培训上岗", "evidence": "询问笔录"})
    assert r.status_code == 201
    case = r.json()
    url = f"{CASES}{case['id']}/"
    assert case["number"].startswith("AJ") and case["clocks"][0]["code"] == "decision_deadline"
    assert team.client("e1").get(url).status_code == 404 and team.client("t1").get(url).status_code == 404

    r = _post(officer, f"{url}items/", {"violation_code": "aqf2021.97.3", "party": "unit", "party_name": "企业1",
                                        "amount": 150_000})
    assert r.status_code == 201 and r.json()["verdict_ok"] is False
    item = r.json()["id"]
    r = _post(officer, f"{url}notice/", {})
    assert r.status_code == 201
    notice = r.json()["id"]
    r = _post(leader, f"{DOCS}{notice}/approve/")
    assert r.status_code == 400 and r.json()["fields"]["items"][0]["code"] == "fine_out_of_range"
    assert "应为10万元以下" in r.json()["fields"]["items"][0]["message"]
    assert _patch(officer, f"{url}items/{item}/", {"amount": 30_000}).json()["verdict_ok"] is True
    assert _post(leader, f"{DOCS}{notice}/approve/").status_code == 200
    assert _serve(officer, notice).status_code == 200

    r = _post(officer, f"{url}decide/", {})
    assert r.status_code == 409 and r.json()["code"] == "procedure_incomplete"
    assert [b["code"] for b in r.json()["blockers"]] == ["statement_period"]
    r = _post(officer, f"{url}statement/", {"waived": True, "note": ""})
    assert r.status_code == 400 and r.json()["fields"]["note"][0]["code"] == "required"
    r = _post(officer, f"{url}statement/", {"text": "已补办培训", "received_on": today().isoformat()})
    assert r.status_code == 200 and r.json()["statement_on"] == today().isoformat()
    r = _post(officer, f"{url}hearing/", {"step": "request", "requested_on": today().isoformat()})
    assert r.status_code == 400 and r.json()["fields"]["requested_on"][0]["code"] == "no_hearing_right"
    r = _post(officer, f"{url}decide/", {})
    assert r.status_code == 201
    decision = r.json()["id"]
    assert _post(leader, f"{DOCS}{decision}/approve/").status_code == 200
    assert _serve(officer, decision).status_code == 200
    r = officer.get(f"{url}clocks/")
    codes = {c["code"]: c["status"] for c in r.json()["clocks"]}
    assert codes["fine_payment"] == "ok" and codes["decision_deadline"] == "done" and r.json()["blockers"] == []
    r = _post(officer, f"{url}pay/", {"paid_on": today().isoformat(), "amount": 30_000})
    assert r.status_code == 200 and r.json()["state"] == "paid"
    r = _post(officer, f"{url}referral/", {"receiver": "海宁市公安局", "reason": "涉嫌犯罪",
                                           "crime_reference": "xf.134-1.2"})
    assert r.status_code == 201 and "第一百三十四条之一" in r.json()["content"]["crime_reference"]["citation"]


def test_fine_check_and_library_endpoints(team):
    officer = team.client("b1")
    r = _post(officer, f"{CASES}check-fine/", {"violation_code": "aqf2021.96", "party": "person", "amount": 5_000})
    assert r.status_code == 200 and r.json()["ok"] is False and r.json()["range"] == [10_000, 30_000]
    r = _post(officer, f"{CASES}check-fine/", {"violation_code": "nope", "amount": 1})
    assert r.status_code == 400
    library = officer.get(f"{CASES}violations/").json()
    assert any(v["code"] == "aqf2021.97.3" and v["citation"].endswith("第九十七条第（三）项") for v in library)


def test_schema_documents_the_endpoints(team):
    r = team.client("b1").get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    schema = r.json()
    assert "/api/enforcement-documents/" in schema["paths"] and "/api/penalty-cases/{id}/decide/" in schema["paths"]
    assert any(name.startswith("EnforcementDocumentCreate") for name in schema["components"]["schemas"])


def test_cross_tenant_sweep_of_documents_and_cases(team):
    from anjian.accounts import services as account_services
    from anjian.accounts.roles import Role
    from anjian.enforcement import services
    from tests.conftest import PASSWORD, SYSTEM
    from tests.enforcement.conftest import issued

    u = team.user
    u["d2"] = account_services.user_create(actor=SYSTEM, username="d2", password=PASSWORD, full_name="d2",
                                           role=Role.DEPARTMENT_OFFICER, authority=team.dept)
    served = served_order(team)
    draft = services.inspection_record_draft(actor=u["b1"], inspection=served.inspection)
    dept = dict(actor=u["d1"], enterprise=team.e2, measures=["责令暂时停产停业"], findings=[{"description": "裂缝"}])
    dept_served = issued(services.onsite_measures_draft(**dept), team, approver="d2", server="d1")
    dept_draft = services.onsite_measures_draft(**dept)
    case = services.case_open(actor=u["b1"], enterprise=team.e1, cause="培训")
    expected_docs = {
        served.pk: {"b1", "b3", "leader", "t1", "g1", "x1", "e1", "e1m", "e1w"},
        draft.pk: {"b1", "b3", "leader"},
        dept_served.pk: {"b1", "b3", "leader", "d1", "d2", "t2", "g2", "x1", "e2"},
        dept_draft.pk: {"d1", "d2"},
    }
    for key in u:
        client = team.client(key)
        seen, url = set(), DOCS
        while url:
            body = client.get(url).json()
            seen |= {row["id"] for row in body["results"]}
            url = body["next"]
        assert seen == {pk for pk, who in expected_docs.items() if key in who}, key
        for pk, who in expected_docs.items():
            status = 200 if key in who else 404
            assert client.get(f"{DOCS}{pk}/").status_code == status, (key, pk)
            assert client.get(f"/enforcement/{pk}/").status_code == status, (key, pk)
        cases = {row["id"] for row in client.get(CASES).json()["results"]}
        assert cases == ({case.pk} if key in {"b1", "b3", "leader"} else set()), key
        assert client.get(f"/enforcement/cases/{case.pk}/").status_code == (200 if cases else 404), key
