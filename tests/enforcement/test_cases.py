"""Penalty cases through the services: the full path from an inspection to a served decision and its PDF,
the procedure's bars on a decision (行政处罚法 第六十二条、第六十四条、第六十五条), fine checks against the
violation library, hearings, payment with the late surcharge, and the procedure clocks."""

import datetime
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enforcement import common, render, services
from anjian.enforcement.choices import CaseState, DocState
from anjian.enforcement.models import CaseEvent, PenaltyCase, PenaltyItem
from anjian.enforcement.queries import cases_visible_to
from anjian.rules import procedure
from tests.enforcement.conftest import finished_inspection, issued, serve, served_order, today

TRAINING = "aqf2021.97.3"  # 未按规定进行安全生产教育和培训: unit 0–100,000 元
MANAGER = "aqf2021.96"  # 其他负责人和安全生产管理人员未履行职责: person 10,000–30,000 元


def _failed_review(world):
    order = served_order(world)
    review = services.review_opinion_draft(
        actor=world.user["b1"], order=order, review_date=today(), next_action="penalty",
        results=[{"no": 1, "rectified": False, "note": "12名员工仍未培训"}, {"no": 2, "rectified": True}],
    )
    return issued(review, world)


def _case(world, source=None, **kw):
    return services.case_open(
        actor=world.user["b1"], enterprise=world.e1, cause="未按规定对从业人员进行安全生产教育和培训",
        facts="2026年检查发现12名新入职操作工未经培训上岗。", evidence="现场检查记录、询问笔录", source_document=source,
        **kw,
    )


def _item(world, case, code=TRAINING, amount=20_000, party="unit", party_name="企业1", **kw):
    return services.item_add(actor=world.user["b1"], case=case, data={
        "violation_code": code, "party": party, "party_name": party_name, "amount": amount, **kw})


def _notified(world, case):
    notice = services.notice_draft(actor=world.user["b1"], case=case)
    notice = issued(notice, world)
    case.refresh_from_db()
    return notice


def test_full_path_from_inspection_to_served_decision_and_pdf(team, clock):
    u = team.user
    review = _failed_review(team)
    case = _case(team, source=review)
    assert case.number == f"AJ{case.pk:08d}" and case.source_inspection == review.inspection
    _item(team, case)
    person = _item(team, case, code=MANAGER, amount=15_000, party="person", party_name="张三（安全管理人员）")
    assert person.verdict_ok and "符合" in person.verdict_message

    notice = services.notice_draft(actor=u["b1"], case=case)
    body = notice.content
    assert body["case_number"] == case.number and [p["amount"] for p in body["penalties"]] == [20_000, 15_000]
    assert body["violations"][0]["penalty_basis"] == "《中华人民共和国安全生产法》第九十七条第（三）项"
    assert body["violations"][0]["violated"].startswith("《中华人民共和国安全生产法》第二十八条")
    assert body["hearing_right"] is False and body["hearing_deadline"] is None  # below 较大数额
    with pytest.raises(services.ProcedureError) as exc:  # no decision before the notice is served
        services.decision_draft(actor=u["b1"], case=case)
    assert exc.value.extra["blockers"][0]["code"] == "notice_not_served"
    notice = issued(notice, team)
    case.refresh_from_db()
    served_on = today()
    assert case.state == CaseState.NOTIFIED and case.notice_served_on == served_on
    assert case.statement_deadline == procedure.due("statement_period", served_on)
    assert list(case.items.values_list("notified_amount", flat=True)) == [20_000, 15_000]

    with pytest.raises(services.ProcedureError) as exc:  # the statement period is running (第六十二条)
        services.decision_draft(actor=u["b1"], case=case)
    assert exc.value.code == "procedure_incomplete" and exc.value.extra["blockers"][0]["code"] == "statement_period"
    services.rights_waive(actor=u["b1"], case=case, statement=True, note="当事人书面声明放弃陈述申辩")
    decision = services.decision_draft(actor=u["b1"], case=case)
    assert decision.content["statement_summary"] == "你单位明确表示放弃陈述、申辩的权利。"
    assert decision.content["review_body"] == "海宁市人民政府" and decision.content["court"] == "海宁市人民法院"

    services.item_update(actor=u["b1"], item=person, data={"amount": 5_000})  # lower, but below the floor
    with pytest.raises(ValidationError) as exc:
        services.document_approve(actor=u["leader"], document=decision)
    error = exc.value.error_dict["items"][0]
    assert error.code == "fine_out_of_range" and "应为1万元以上3万元以下" in error.messages[0]
    decision.refresh_from_db()
    assert decision.state == DocState.DRAFT and decision.number == ""  # refused: no number taken
    assert PenaltyCase.objects.get(pk=case.pk).decision_on is None
    services.item_update(actor=u["b1"], item=person, data={"amount": 12_000})
    with pytest.raises(PermissionDeniedError):
        services.document_approve(actor=u["b1"], document=decision)
    decision = services.document_approve(actor=u["leader"], document=decision)
    year = today().year
    assert decision.number == f"（海宁）应急罚决〔{year}〕1号" and decision.approved_by == u["leader"]
    assert decision.content["total_fine"] == 32_000 and decision.content["penalties"][1]["amount"] == 12_000
    with pytest.raises(ConflictError) as exc:  # items are frozen once the decision is issued
        services.item_update(actor=u["b1"], item=person, data={"amount": 11_000})
    assert exc.value.code == "decision_issued"

    clock.move(1)
    decision = serve(decision, u["b3"])
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.decided_on == common.today()
    assert case.payment_due == common.today() + datetime.timedelta(days=15) and case.total_fine == 32_000

    pdf = _pdf_text(decision)
    assert pdf.startswith(b"%PDF")
    text = "".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert decision.number in text and "行政处罚决定书" in text and "32,000元" in text
    notice_text = "".join(pypdf.PdfReader(io.BytesIO(_pdf_text(notice))).pages[0].extract_text().split())
    assert notice.number in notice_text

    services.case_pay(actor=u["b1"], case=case, paid_on=common.today(), amount=32_000)
    services.case_close(actor=u["b1"], case=case, reason="罚款已缴纳，结案。")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["open", "item", "item", "notify", "waive", "item", "item", "decide", "pay", "close"]


def _pdf_text(document) -> bytes:
    from anjian.enforcement.pdf import render_pdf

    return render_pdf(render.document_dict(document))


def test_decision_after_the_statement_period_or_a_recorded_statement(team, clock):
    case = _case(team)
    _item(team, case)
    _notified(team, case)
    with pytest.raises(ValidationError) as exc:
        services.statement_record(actor=team.user["b1"], case=case, text="", received_on=None)
    assert set(exc.value.error_dict) == {"text", "received_on"}
    services.statement_record(actor=team.user["b1"], case=case, text="已补办培训", received_on=today(),
                              review="补办培训属事后整改，不影响违法事实认定。")
    decision = services.decision_draft(actor=team.user["b1"], case=case)
    assert decision.content["statement_summary"].startswith("你单位于") and "经复核" in decision.content[
        "statement_summary"]

    other = _case(team)
    _item(team, other)
    _notified(team, other)
    clock.to(other.statement_deadline + datetime.timedelta(days=1))
    decision = services.decision_draft(actor=team.user["b1"], case=other)
    assert decision.content["statement_summary"] == "你单位在规定期限内未提出陈述、申辩意见。"


def test_hearing_right_request_notice_and_hold(team, clock):
    u = team.user
    case = _case(team)
    _item(team, case, amount=80_000)  # 较大数额罚款 for a unit (rules.procedure, UNVERIFIED threshold)
    notice = _notified(team, case)
    assert notice.content["hearing_right"] and case.hearing_right
    assert case.hearing_deadline == procedure.due("hearing_request", today())
    services.rights_waive(actor=u["b1"], case=case, statement=True, note="书面放弃陈述申辩")
    with pytest.raises(services.ProcedureError) as exc:  # the hearing window is still open
        services.decision_draft(actor=u["b1"], case=case)
    assert exc.value.extra["blockers"][0]["code"] == "hearing_window"
    services.hearing_request(actor=u["b1"], case=case, requested_on=today())
    with pytest.raises(services.ProcedureError) as exc:
        services.decision_draft(actor=u["b1"], case=case)
    assert exc.value.extra["blockers"][0]["code"] == "hearing_not_held"
    assert exc.value.extra["current_state"] == "hearing_requested"
    too_soon = today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        services.hearing_schedule(actor=u["b1"], case=case, hearing_date=too_soon, place="局三楼会议室",
                                  notified_on=today())
    assert exc.value.error_dict["hearing_date"][0].code == "notice_too_late"
    hearing_day = today() + datetime.timedelta(days=14)
    services.hearing_schedule(actor=u["b1"], case=case, hearing_date=hearing_day, place="局三楼会议室",
                              notified_on=today())
    clocks = {k.code: k for k in services.case_clocks(PenaltyCase.objects.get(pk=case.pk), today())}
    assert clocks["hearing_notice"].status == "done" and clocks["hearing_request"].status == "done"
    clock.to(hearing_day)
    services.hearing_hold(actor=u["b1"], case=case, held_on=hearing_day, outcome="held",
                          summary="当事人对违法事实无异议，请求从轻处罚。")
    decision = services.decision_draft(actor=u["b1"], case=case)
    assert decision.content["hearing_summary"].startswith("本机关于")


def test_items_after_the_notice_only_get_lighter(team):
    case = _case(team)
    item = _item(team, case, amount=30_000)
    _notified(team, case)
    with pytest.raises(ConflictError) as exc:
        _item(team, case, code=MANAGER, amount=10_000, party="person", party_name="李四")
    assert exc.value.code == "penalty_exceeds_notice"
    with pytest.raises(ConflictError):
        services.item_update(actor=team.user["b1"], item=item, data={"amount": 40_000})
    with pytest.raises(ConflictError):
        services.item_update(actor=team.user["b1"], item=item, data={"measures": ["suspend"]})
    services.item_update(actor=team.user["b1"], item=item, data={"amount": 25_000})
    assert PenaltyItem.objects.get(pk=item.pk).amount == 25_000


def test_item_checks_and_field_errors(team):
    case = _case(team)
    with pytest.raises(ValidationError) as exc:
        _item(team, case, code="aqf2021.999", amount="abc", party="robot", party_name="")
    assert {k: v[0].code for k, v in exc.value.error_dict.items()} == {
        "violation_code": "invalid_choice", "party": "invalid_choice", "party_name": "required", "amount": "invalid",
    }
    assert not case.items.exists()
    high = _item(team, case, amount=150_000)  # saved, but marked out of range
    assert not high.verdict_ok and "应为10万元以下" in high.verdict_message
    income = _item(team, case, code="aqf2021.95.1", amount=80_000, party="person", party_name="王建国（主要负责人）")
    assert not income.verdict_ok and "上一年年收入" in income.verdict_message
    income = services.item_update(actor=team.user["b1"], item=income, data={"last_year_income": 200_000})
    assert income.verdict_ok  # 40 % of 200,000
    with pytest.raises(ValidationError) as exc:  # the notice is refused while a fine is out of range
        services.document_approve(actor=team.user["leader"],
                                  document=services.notice_draft(actor=team.user["b1"], case=case))
    assert [e.code for e in exc.value.error_dict["items"]] == ["fine_out_of_range"]
    verdict = services.check_item(violation_code="aqf2021.114.1", party="unit", amount=2_500_000, aggravated=True)
    assert verdict.ok and verdict.range == (600_000, 5_000_000)


def test_payment_clock_and_late_surcharge(team, clock):
    case = _case(team)
    _item(team, case, amount=10_000)
    _notified(team, case)
    services.rights_waive(actor=team.user["b1"], case=case, statement=True, note="书面放弃")
    decision = issued(services.decision_draft(actor=team.user["b1"], case=case), team)
    case.refresh_from_db()
    clocks = {k.code: k for k in services.case_clocks(case, today())}
    assert clocks["decision_deadline"].status == "done" and clocks["decision_service"].status == "done"
    assert clocks["fine_payment"].due == today() + datetime.timedelta(days=15)
    assert clocks["fine_payment"].status == "ok" and clocks["review_application"].actor == "party"
    late = case.payment_due + datetime.timedelta(days=10)
    clock.to(late)
    clocks = {k.code: k for k in services.case_clocks(case, late)}
    assert clocks["fine_payment"].status == "ended" and "加处罚款3000元" in clocks["fine_payment"].note
    with pytest.raises(ValidationError) as exc:
        services.case_pay(actor=team.user["b1"], case=case, paid_on=late, amount=10_000)
    assert exc.value.error_dict["amount"][0].code == "underpaid"
    services.case_pay(actor=team.user["b1"], case=case, paid_on=late, amount=13_000)
    assert decision.case.pk == case.pk


def test_clocks_of_a_fresh_case(team, clock):
    case = _case(team)
    [decision] = services.case_clocks(case, today())
    assert decision.code == "decision_deadline" and decision.due == case.opened_on + datetime.timedelta(days=90)
    assert decision.status == "ok" and decision.source == "《中华人民共和国行政处罚法》第六十条"
    assert services.case_clocks(case, decision.due - datetime.timedelta(days=1))[0].status == "due"
    assert services.case_clocks(case, decision.due + datetime.timedelta(days=1))[0].status == "overdue"


def test_cases_are_the_issuing_authoritys(team):
    case = _case(team)
    visible = {k for k in team.user if cases_visible_to(team.user[k]).filter(pk=case.pk).exists()}
    assert visible == {"b1", "b3", "leader"}
    with pytest.raises(PermissionDeniedError):
        services.item_add(actor=team.user["d1"], case=case, data={
            "violation_code": TRAINING, "party": "unit", "party_name": "企业1", "amount": 1})
    with pytest.raises(PermissionDeniedError):
        services.case_open(actor=team.user["b2"], enterprise=team.e1, cause="x")
    with pytest.raises(PermissionDeniedError):
        services.case_open(actor=team.user["t1"], enterprise=team.e1, cause="x")


def test_referral_from_a_case(team):
    case = _case(team)
    referral = services.referral_draft(actor=team.user["b1"], case=case, receiver="海宁市公安局",
                                       reason="涉嫌危险作业罪", crime_reference="xf.134-1.1")
    assert referral.content["case_number"] == case.number and referral.content["facts"] == case.facts
    assert referral.content["crime_reference"]["citation"] == "《中华人民共和国刑法》第一百三十四条之一第（一）项"
    with pytest.raises(ValidationError) as exc:
        services.referral_draft(actor=team.user["b1"], case=case, receiver="", reason="x", crime_reference="nope")
    assert set(exc.value.error_dict) == {"receiver", "crime_reference"}


def test_close_before_decision_needs_reason_and_no_pending_documents(team):
    case = _case(team)
    _item(team, case)
    notice = services.notice_draft(actor=team.user["b1"], case=case)
    with pytest.raises(ConflictError) as exc:
        services.case_close(actor=team.user["b1"], case=case, reason="违法事实不能成立，不予行政处罚")
    assert exc.value.code == "documents_pending"
    services.document_withdraw(actor=team.user["b1"], document=notice, reason="不予处罚")
    services.case_close(actor=team.user["b1"], case=case, reason="违法事实不能成立，不予行政处罚")
    assert PenaltyCase.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_inspection_source_case(team):
    inspection = finished_inspection(team)
    case = services.case_open(actor=team.user["b3"], enterprise=team.e1, cause="培训", source_inspection=inspection)
    assert case.source_inspection == inspection and case.authority == team.bureau
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=team.user["b3"], enterprise=team.e2, cause="", source_inspection=inspection)
    assert set(exc.value.error_dict) == {"source_inspection", "cause"}
