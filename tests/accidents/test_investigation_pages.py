"""The investigation panel on the case page: what each user sees and may do, each POST handler's success
(redirect with a message), bad input (the page again, 400, the form with its errors), a step the state no longer
allows (redirect with the reason), 403 without rights and 404 outside the scope."""

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from anjian.accidents import investigation as inv_services
from anjian.accidents.models import Accident, CorrectiveMeasure, Investigation, Penalty
from anjian.accidents.views_investigation import investigation_context
from tests.accidents.test_investigation import (
    EVIDENCE,
    PARTS,
    accident,
    close_hazard,
    days,
    near_miss,
    opened,
    replied,
    submitted,
    today,
)

pytestmark = pytest.mark.django_db


def step_url(a, step):
    return reverse("accidents:investigation_step", args=[a.pk, step])


def detail(a):
    return reverse("accidents:detail", args=[a.pk])


def prefixed(step, data):
    return {f"{step}-{k}": v for k, v in data.items()}


def post(client, a, step, data):
    return client.post(step_url(a, step), prefixed(step, data))


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_panel_renders_alone_from_the_context(aw):
    """The partial needs only accident, user, request and ``inv`` (investigation_context)."""
    a = accident(aw)
    request = RequestFactory().get("/")
    request.user = aw.user["b1"]
    html = render_to_string(
        "accidents/_investigation.html",
        {"accident": a, "user": aw.user["b1"], "request": request, **investigation_context(aw.user["b1"], a)},
        request=request,
    )
    assert "事故发生地县级人民政府" in html and 'data-testid="inv-step-open"' in html


def test_open_from_the_page(aw):
    a = accident(aw)
    c = aw.client("b1")
    page = c.get(detail(a))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="investigation-panel"' in html and "事故发生地县级人民政府" in html
    assert 'data-testid="inv-step-open"' in html
    assert "open-entrusted_to_unit" not in html  # 1 death: no 委托单位调查 box
    r = post(c, a, "open", {"team_name": "调查组", "formed_on": today().isoformat(), "leader_name": "王组长",
                            "leader_organisation": "海宁市应急管理局"})
    assert r.status_code == 302 and r["Location"].startswith(detail(a))
    assert any("调查组已成立" in m for m in message_texts(r))
    inv = Investigation.objects.get(accident=a)
    assert inv.members.get().role == "leader"
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="team-name"' in html and 'data-testid="days-left"' in html
    assert 'data-testid="inv-step-member"' in html and 'data-testid="inv-step-report"' in html


def test_open_with_bad_input_shows_the_page_again(aw):
    a = accident(aw, days_ago=3)
    r = post(aw.client("b1"), a, "open", {"team_name": "", "formed_on": (today() - days(10)).isoformat()})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请填写事故调查组名称" in html and "不能早于事故发生日期" in html
    assert not Investigation.objects.exists()


def test_entrust_box_only_without_casualties(aw):
    a = accident(aw, deaths=0, minor_injuries=0)
    html = aw.client("b1").get(detail(a)).content.decode()
    assert "open-entrusted_to_unit" in html
    # the city (taking over) is not offered the box
    assert "open-entrusted_to_unit" not in aw.client("city").get(detail(a)).content.decode()


def test_no_rights_and_out_of_scope(aw):
    a = accident(aw)
    data = prefixed("open", {"team_name": "组", "formed_on": today().isoformat()})
    assert aw.client("t1").post(step_url(a, "open"), data).status_code == 403
    assert aw.client("e1").post(step_url(a, "open"), data).status_code == 403
    assert aw.client("b2").post(step_url(a, "open"), data).status_code == 404
    assert aw.client("b1").post(step_url(a, "nonsense"), data).status_code == 404
    assert aw.client("b1").get(step_url(a, "open")).status_code == 405
    # a larger accident: the county sees the panel without the open form, and a forced POST is 403
    big = accident(aw, deaths=3)
    html = aw.client("b1").get(detail(big)).content.decode()
    assert "事故发生地设区的市级人民政府" in html and 'data-testid="inv-step-open"' not in html
    assert aw.client("b1").post(step_url(big, "open"), data).status_code == 403
    # the enterprise sees the panel, no forms
    a2, _ = opened(aw)
    html = aw.client("e1").get(detail(a2)).content.decode()
    assert 'data-testid="investigation-panel"' in html and "inv-step-" not in html


def test_a_step_the_state_no_longer_allows_redirects_with_the_reason(aw):
    a, _ = opened(aw)
    r = post(aw.client("b1"), a, "open", {"team_name": "组", "formed_on": today().isoformat()})
    assert r.status_code == 302 and any("不能执行" in m for m in message_texts(r))


def test_members_extend_appraisal_report_submit(aw):
    a, inv = opened(aw, leader=False, days_ago=10, formed_on=today() - days(8))
    c = aw.client("b1")
    r = post(c, a, "member", {"role": "leader", "name": "王组长", "organisation": "海宁市应急管理局"})
    assert r.status_code == 302
    r = post(c, a, "member", {"role": "leader", "name": "李", "organisation": "局"})
    assert r.status_code == 400 and "调查组已有组长" in r.content.decode()
    member = inv.members.get()
    r = c.post(reverse("accidents:investigation_member_remove", args=[a.pk, member.pk]))
    assert r.status_code == 302 and not inv.members.exists()
    assert c.post(reverse("accidents:investigation_member_remove", args=[a.pk, member.pk])).status_code == 404
    post(c, a, "member", {"role": "leader", "name": "王组长", "organisation": "海宁市应急管理局"})

    r = post(c, a, "extend", {"days": "61", "reason": "x", "approved_by": "y"})
    assert r.status_code == 400
    r = post(c, a, "extend", {"days": "30", "reason": "需补充鉴定", "approved_by": "海宁市人民政府"})
    assert r.status_code == 302
    html = c.get(detail(a)).content.decode()
    assert "经海宁市人民政府批准延长30日" in html and 'data-testid="inv-step-extend"' not in html

    r = post(c, a, "appraisal_start", {"reason": "设备失效鉴定", "started_on": (today() - days(5)).isoformat()})
    assert r.status_code == 302
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="clock-paused"' in html and 'data-testid="inv-step-appraisal_end"' in html
    r = post(c, a, "appraisal_end", {"ended_on": (today() - days(1)).isoformat()})
    assert r.status_code == 302 and any("4日不计入" in m for m in message_texts(r))

    r = post(c, a, "report", {"report_unit_overview": "概况"})
    assert r.status_code == 302
    r = post(c, a, "submit", {"submitted_on": today().isoformat()})
    assert r.status_code == 400 and "调查报告尚缺" in r.content.decode()
    r = post(c, a, "report", PARTS)
    assert r.status_code == 302
    r = post(c, a, "submit", {"submitted_on": today().isoformat()})
    assert r.status_code == 302 and any("批复期限" in m for m in message_texts(r))
    assert Accident.objects.get(pk=a.pk).state == "report_submitted"
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="inv-step-reply"' in html and (today() + days(15)).isoformat() in html


def test_reply_late_publish(aw):
    a, inv = submitted(aw)
    Investigation.objects.filter(pk=inv.pk).update(report_submitted_on=today() - days(20),
                                                   reply_deadline=today() - days(5))
    c = aw.client("b1")
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="reply-overdue"' in html and "已超过 5 日" in html
    assert "reply-extension_days" not in html  # only 特别重大
    r = post(c, a, "reply", {"document": "", "authority": "海宁市人民政府", "replied_on": today().isoformat()})
    assert r.status_code == 400 and "请填写批复文号" in r.content.decode()
    r = post(c, a, "reply", {"document": "海政复1号", "authority": "海宁市人民政府", "replied_on": today().isoformat()})
    assert r.status_code == 302 and any("逾期批复" in m for m in message_texts(r))
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="reply-late"' in html and 'data-testid="inv-step-publish"' in html
    r = post(c, a, "publish", {"published_on": today().isoformat(), "publication": "海宁市政府网站"})
    assert r.status_code == 302
    assert "海宁市政府网站" in c.get(detail(a)).content.decode()


def test_penalties_with_ranges(aw):
    a, _ = replied(aw)
    c = aw.client("b1")
    html = c.get(detail(a)).content.decode()
    assert "一般事故：30万元以上100万元以下" in html and "上一年年收入的40%" in html
    r = post(c, a, "penalty", {"target": "unit", "person_name": "企业1", "measure": "fine", "amount_yuan": "100000"})
    assert r.status_code == 400
    assert "第一百一十四条" in r.content.decode() and not Penalty.objects.exists()
    r = post(c, a, "penalty", {"target": "principal", "person_name": "张总", "measure": "fine", "amount_yuan": "40000"})
    assert r.status_code == 400 and "请填写上一年年收入" in r.content.decode()
    r = post(c, a, "penalty", {"target": "unit", "person_name": "企业1", "measure": "fine", "amount_yuan": "500000",
                               "aggravated": "on"})
    assert r.status_code == 400 and "第二款" in r.content.decode()  # 2× the floor: 60万元
    r = post(c, a, "penalty", {"target": "unit", "person_name": "企业1", "measure": "fine", "amount_yuan": "500000",
                               "document_number": "海应急罚1号"})
    assert r.status_code == 302
    html = c.get(detail(a)).content.decode()
    assert "海应急罚1号" in html and "符合" in html


def test_measures_tracked_as_hazards_and_done_by_hand(aw):
    a, _ = opened(aw)
    c = aw.client("b1")
    r = post(c, a, "measure", {"description": "加装联锁保护", "responsible": "企业1", "as_hazard": "on",
                               "category": "equipment"})
    assert r.status_code == 302 and any("作为隐患" in m for m in message_texts(r))
    tracked = CorrectiveMeasure.objects.get()
    assert tracked.hazard.category == "equipment"
    r = post(c, a, "measure", {"description": "全员培训", "responsible": "企业1", "category": "management"})
    assert r.status_code == 302
    plain = CorrectiveMeasure.objects.get(hazard__isnull=True)
    html = c.get(detail(a)).content.decode()
    assert reverse("hazards:detail", args=[tracked.hazard_id]) in html and "待确认" in html
    assert f'data-testid="measure-complete-{plain.pk}"' in html
    assert f'data-testid="measure-complete-{tracked.pk}"' not in html
    url = reverse("accidents:investigation_measure_complete", args=[a.pk, tracked.pk])
    r = c.post(url, {f"measure{tracked.pk}-done_on": today().isoformat(), f"measure{tracked.pk}-note": "已装"})
    assert r.status_code == 302 and any("验收闭环后自动视为落实" in m for m in message_texts(r))
    url = reverse("accidents:investigation_measure_complete", args=[a.pk, plain.pk])
    r = c.post(url, {f"measure{plain.pk}-done_on": today().isoformat(), f"measure{plain.pk}-note": ""})
    assert r.status_code == 400 and "请填写落实情况" in r.content.decode()
    r = c.post(url, {f"measure{plain.pk}-done_on": today().isoformat(), f"measure{plain.pk}-note": "已培训"})
    assert r.status_code == 302
    assert CorrectiveMeasure.objects.get(pk=plain.pk).state == "done"
    close_hazard(aw, tracked.hazard)
    html = c.get(detail(a)).content.decode()
    assert "按隐患闭环确认落实" in html
    assert reverse("accidents:investigation_measure_complete", args=[a.pk, 999999]) not in html
    assert c.post(reverse("accidents:investigation_measure_complete", args=[a.pk, 999999])).status_code == 404


def test_listing_and_lifting_from_the_page(aw):
    a, _ = opened(aw)
    assert 'data-testid="inv-step-listing"' not in aw.client("b1").get(detail(a)).content.decode()
    city = aw.client("city")
    assert 'data-testid="inv-step-listing"' in city.get(detail(a)).content.decode()
    r = post(city, a, "listing", {"document_number": "", "deadline": today().isoformat()})
    assert r.status_code == 400
    r = post(city, a, "listing", {"document_number": "嘉安督1号", "deadline": (today() + days(30)).isoformat(),
                                  "requirements": "每周报告"})
    assert r.status_code == 302
    html = city.get(detail(a)).content.decode()
    assert 'data-testid="inv-listing"' in html and 'data-testid="inv-step-lift"' in html
    assert post(aw.client("b1"), a, "lift", {"lift_document": "摘"}).status_code == 403
    r = post(city, a, "lift", {"lift_document": "嘉安摘1号"})
    assert r.status_code == 302 and not Accident.objects.get(pk=a.pk).listed


def test_close_with_the_four_not_let_go(aw):
    a, _ = replied(aw)
    c = aw.client("b1")
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="inv-step-close"' in html and "尚未登记责任追究" in html
    inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1", measure="fine",
                                amount_yuan=500_000)
    r = post(c, a, "close", {"cause_found": "已查明", "note": ""})
    assert r.status_code == 400
    body = r.content.decode()
    assert "「四不放过」尚未落实" in body and "请填写落实证据" in body
    r = post(c, a, "close", {**EVIDENCE, "note": "结案"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == "closed" and a.closure_evidence == EVIDENCE
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="closure-evidence"' in html and "已组织全员警示教育" in html


def test_close_blocked_by_open_measures_redirects(aw):
    a, _ = replied(aw)
    inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="other_person", person_name="某",
                                measure="sanction")
    inv_services.add_measure(actor=aw.user["b1"], accident=a, description="培训", responsible="企业1")
    r = post(aw.client("b1"), a, "close", EVIDENCE)
    assert r.status_code == 302 and any("整改措施未落实" in m for m in message_texts(r))
    assert Accident.objects.get(pk=a.pk).state == "replied"


def test_near_miss_panel_and_close(aw):
    a = near_miss(aw)
    c = aw.client("b1")
    html = c.get(detail(a)).content.decode()
    assert 'data-testid="near-miss-note"' in html and 'data-testid="inv-step-open"' not in html
    assert "close-cause_found" not in html and "close-note" in html
    r = post(c, a, "close", {"note": ""})
    assert r.status_code == 400 and "较大涉险事故结案须填写结案说明" in r.content.decode()
    r = post(c, a, "close", {"note": "已核查处置"})
    assert r.status_code == 302 and Accident.objects.get(pk=a.pk).state == "closed"


def test_report_part_not_sent_is_kept(aw):
    a, inv = opened(aw)
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts={"report_prevention": "加装联锁"})
    r = aw.client("b1").post(step_url(a, "report"), {"report-report_unit_overview": "概况"})
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.report_unit_overview == "概况" and inv.report_prevention == "加装联锁"
    r = aw.client("b1").post(step_url(a, "report"), {})
    assert r.status_code == 400 and "请填写调查报告内容" in r.content.decode()


def test_report_parts_withheld_from_the_unit_on_the_page_until_the_reply(aw):
    a, _inv = opened(aw)
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts=PARTS)
    page = aw.client("e1").get(detail(a)).content.decode()
    assert 'data-testid="report-withheld"' in page and PARTS["report_cause_nature"] not in page
    page = aw.client("b1").get(detail(a)).content.decode()
    assert PARTS["report_cause_nature"] in page and 'data-testid="report-withheld"' not in page
    inv_services.submit_report(actor=aw.user["b1"], accident=a, submitted_on=today())
    inv_services.record_reply(actor=aw.user["b1"], accident=a, document="复1", authority="海宁市人民政府",
                              replied_on=today())
    page = aw.client("e1").get(detail(a)).content.decode()
    assert PARTS["report_cause_nature"] in page and 'data-testid="report-withheld"' not in page
