"""The enforcement pages end to end: draft an order from an inspection (pre-filled with its findings),
approve and serve it through the forms, review it, open a case from the failed review, fill in an item with
the live fine check, the ledger with its filters and Excel export, the PDF, and 404 outside the scope."""

import datetime
import io

from openpyxl import load_workbook

from anjian.enforcement import common, services
from anjian.enforcement.models import EnforcementDocument, PenaltyCase
from tests.enforcement.conftest import finished_inspection, issued, served_order, today


def _formset(prefix, rows, fields):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for n, row in enumerate(rows):
        for field in fields:
            data[f"{prefix}-{n}-{field}"] = row.get(field, "")
    return data


def test_order_drafted_approved_and_served_through_the_pages(team):
    inspection = finished_inspection(team)
    officer, leader = team.client("b1"), team.client("leader")
    page = officer.get(f"/enforcement/new/rectification_order/?inspection={inspection.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "现场发现问题1" in html and 'name="findings-0-description"' in html  # pre-filled with the findings

    deadline = (today() + datetime.timedelta(days=10)).isoformat()
    bad = officer.post(f"/enforcement/new/rectification_order/?inspection={inspection.pk}", {
        "deadline": today().isoformat(), "requirements": "",
        **_formset("findings", [{"description": "问题一"}], ["description", "basis"]),
    })
    assert bad.status_code == 400 and "整改期限须晚于今天" in bad.content.decode()
    assert not EnforcementDocument.objects.exists()
    r = officer.post(f"/enforcement/new/rectification_order/?inspection={inspection.pk}", {
        "deadline": deadline, "requirements": "按期整改",
        **_formset("findings", [{"description": "问题一", "basis": "第二十八条"}, {"description": ""}],
                   ["description", "basis"]),
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    order = EnforcementDocument.objects.get()
    assert [f["description"] for f in order.content["findings"]] == ["问题一"]

    page = officer.get(f"/enforcement/{order.pk}/").content.decode()
    assert 'data-testid="edit-link"' in page and 'data-testid="step-approve"' not in page
    page = leader.get(f"/enforcement/{order.pk}/").content.decode()
    assert 'data-testid="step-approve"' in page
    assert leader.post(f"/enforcement/{order.pk}/approve/").status_code == 302
    order.refresh_from_db()
    assert order.number.startswith("（海宁）应急责改")
    r = officer.post(f"/enforcement/{order.pk}/serve/", {
        "serve-served_at": "", "serve-method": "direct", "serve-recipient": ""})
    assert r.status_code == 400
    r = officer.post(f"/enforcement/{order.pk}/serve/", {
        "serve-served_at": common.now().astimezone().strftime("%Y-%m-%dT%H:%M"), "serve-method": "direct",
        "serve-recipient": "王伟"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.state == "served"
    page = officer.get(f"/enforcement/{order.pk}/").content.decode()
    assert "起草整改复查意见书" in page

    review_page = officer.get(f"/enforcement/new/review_opinion/?order={order.pk}").content.decode()
    assert "问题一" in review_page
    r = officer.post(f"/enforcement/new/review_opinion/?order={order.pk}", {
        "review_date": today().isoformat(), "opinion": "", "next_action": "penalty",
        **_formset("results", [{"no": "1", "rectified": "0", "note": "未整改"}], ["no", "rectified", "note"]),
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    review = EnforcementDocument.objects.get(doc_type="review_opinion")
    issued(review, team)
    page = officer.get(f"/enforcement/{review.pk}/").content.decode()
    assert "立案查处" in page and "移送书" in page


def test_case_pages_items_live_check_and_decision_link(team):
    review = None
    order = served_order(team)
    review = issued(services.review_opinion_draft(
        actor=team.user["b1"], order=order, review_date=today(), next_action="penalty",
        results=[{"no": 1, "rectified": False}, {"no": 2, "rectified": True}]), team)
    officer = team.client("b1")
    page = officer.get(f"/enforcement/cases/new/?review={review.pk}").content.decode()
    assert "逾期未整改" in page
    r = officer.post(f"/enforcement/cases/new/?review={review.pk}", {
        "enterprise": team.e1.pk, "cause": "逾期未整改", "facts": "见复查意见书", "evidence": "",
        "opened_on": today().isoformat()})
    assert r.status_code == 302
    case = PenaltyCase.objects.get()
    assert case.source_document == review

    info = officer.get("/enforcement/cases/violation/", {"new-violation_code": "aqf2021.97.3"})
    assert "第九十七条" in info.content.decode() and "10万元以下" in info.content.decode()
    check = officer.post(f"/enforcement/cases/{case.pk}/check/", {
        "prefix": "new", "new-violation_code": "aqf2021.97.3", "new-party": "unit", "new-amount": "150000"})
    assert "不符合" in check.content.decode()
    item = {"new-violation_code": "aqf2021.97.3", "new-party": "unit", "new-party_name": "企业1",
            "new-stage": "immediate", "new-amount": "20000"}
    assert officer.post(f"/enforcement/cases/{case.pk}/items/", item).status_code == 302
    assert case.items.get().verdict_ok
    bad = officer.post(f"/enforcement/cases/{case.pk}/items/", {**item, "new-party_name": ""})
    assert bad.status_code == 400 and case.items.count() == 1
    page = officer.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "起草行政处罚告知书" in page and 'data-testid="clock-decision_deadline"' in page

    notice_form = officer.get(f"/enforcement/new/penalty_notice/?case={case.pk}")
    assert notice_form.status_code == 200
    r = officer.post(f"/enforcement/new/penalty_notice/?case={case.pk}", {"facts": "事实", "evidence": "证据",
                                                                        "contact": ""})
    assert r.status_code == 302
    notice = EnforcementDocument.objects.get(doc_type="penalty_notice")
    issued(notice, team)
    r = officer.post(f"/enforcement/cases/{case.pk}/waive/", {"waive-statement": "on", "waive-note": "书面放弃"})
    assert r.status_code == 302
    page = officer.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "起草行政处罚决定书" in page
    r = officer.get(f"/enforcement/new/penalty_decision/?case={case.pk}")
    assert "海宁市人民政府" in r.content.decode()


def test_ledger_filters_export_pdf_and_scope(team):
    inspection = finished_inspection(team)
    draft = services.rectification_order_draft(actor=team.user["b1"], inspection=inspection,
                                               deadline=today() + datetime.timedelta(days=5))
    served = issued(services.inspection_record_draft(actor=team.user["b1"], inspection=inspection), team)
    officer = team.client("b1")
    page = officer.get("/enforcement/").content.decode()
    assert served.number in page and f"#{draft.pk}" in page
    page = officer.get("/enforcement/", {"doc_type": "inspection_record"}).content.decode()
    assert served.number in page and f"#{draft.pk}" not in page
    r = officer.get("/enforcement/export/", {"doc_type": "inspection_record"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [row[1] for row in ws.iter_rows(min_row=4, values_only=True)] == [served.number]

    enterprise_page = team.client("e1").get("/enforcement/").content.decode()
    assert served.number in enterprise_page and f"#{draft.pk}" not in enterprise_page
    assert team.client("e1").get(f"/enforcement/{draft.pk}/").status_code == 404
    assert team.client("b2").get(f"/enforcement/{served.pk}/").status_code == 404
    assert team.client("e2").get(f"/enforcement/{served.pk}/pdf/").status_code == 404

    pdf = team.client("e1").get(f"/enforcement/{served.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in pdf["Content-Disposition"]
    assert team.client("b1").get(f"/enforcement/{draft.pk}/pdf/").status_code == 200  # the drafter
    assert team.client("leader").get(f"/enforcement/{draft.pk}/pdf/").status_code == 200  # the approver
    assert team.client("b3").get(f"/enforcement/{draft.pk}/pdf/").status_code == 403  # a colleague: not a draft's


def test_every_drafting_form_renders_and_saves(team):
    officer = team.client("b1")
    order = served_order(team)
    inspection = order.inspection
    review = issued(services.review_opinion_draft(
        actor=team.user["b1"], order=order, review_date=today(), next_action="referral",
        results=[{"no": 1, "rectified": False}, {"no": 2, "rectified": True}]), team)
    for url in (f"inspection_record/?inspection={inspection.pk}", f"onsite_measures/?review={review.pk}",
                f"coercive_measures/?inspection={inspection.pk}", f"referral/?review={review.pk}",
                "onsite_measures/", "coercive_measures/", "referral/"):
        assert officer.get(f"/enforcement/new/{url}").status_code == 200, url
    assert officer.get("/enforcement/new/penalty_notice/").status_code == 404  # needs its case
    assert officer.get("/enforcement/new/memo/").status_code == 404
    assert team.client("t1").get("/enforcement/new/onsite_measures/").status_code == 403

    referral_page = officer.get(f"/enforcement/new/referral/?review={review.pk}").content.decode()
    assert 'value="xf.134-1.2" selected' in referral_page and "海宁市公安局" in referral_page
    r = officer.post(f"/enforcement/new/onsite_measures/?review={review.pk}", {
        "measures": ["责令暂时停产停业"], "other_measures": "停止使用三号仓库", "legal_basis": "依据……的规定",
        "resume_condition": "整改合格后恢复",
        **_formset("findings", [{"description": "未整改的问题"}], ["description", "basis"]),
    })
    assert r.status_code == 302
    onsite = EnforcementDocument.objects.get(doc_type="onsite_measures")
    assert onsite.content["measures"] == ["责令暂时停产停业", "停止使用三号仓库"] and onsite.parent == review

    r = officer.post(f"/enforcement/new/coercive_measures/?inspection={inspection.pk}", {
        "measure": "seize", "reason": "违法储存危险物品", "start_date": today().isoformat(), "period_days": "31",
        "legal_basis": "依据……的规定",
        **_formset("items", [{"name": "二甲苯", "quantity": "3桶"}], ["name", "spec", "quantity", "location"]),
    })
    assert r.status_code == 400 and "期限为1至30日" in r.content.decode()
    r = officer.post(f"/enforcement/new/coercive_measures/?inspection={inspection.pk}", {
        "measure": "seize", "reason": "违法储存危险物品", "start_date": today().isoformat(), "period_days": "20",
        "legal_basis": "依据……的规定",
        **_formset("items", [{"name": "二甲苯", "quantity": "3桶"}, {}], ["name", "spec", "quantity", "location"]),
    })
    assert r.status_code == 302
    seize = EnforcementDocument.objects.get(doc_type="coercive_measures")
    assert seize.content["measure"] == "扣押" and len(seize.content["items"]) == 1

    edit = officer.get(f"/enforcement/{seize.pk}/edit/")
    assert edit.status_code == 200 and "二甲苯" in edit.content.decode()
    assert team.client("b3").get(f"/enforcement/{seize.pk}/edit/").status_code == 403
    r = officer.post(f"/enforcement/{seize.pk}/withdraw/", {"withdraw-reason": ""})
    assert r.status_code == 400
    assert officer.post(f"/enforcement/{seize.pk}/withdraw/", {"withdraw-reason": "重新起草"}).status_code == 302
    seize.refresh_from_db()
    assert seize.state == "withdrawn"


def test_document_page_in_english(team):
    order = served_order(team)
    client = team.client("b1")
    client.cookies["django_language"] = "en"
    page = client.get(f"/enforcement/{order.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and order.number in page.content.decode()
