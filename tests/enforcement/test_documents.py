"""Enforcement documents through the services: each type drafted from its source, approval by a leader
(never the drafter) with gap-free numbering per authority, type and year, service, the review of an order
and what a failed review leads to, the referral citing 刑法 第一百三十四条之一, scoping and bad input."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import AuditEvent, Notification
from anjian.enforcement import numbering, services
from anjian.enforcement.choices import DocState, DocType
from anjian.enforcement.models import DocumentCounter, DocumentEvent, EnforcementDocument
from anjian.enforcement.queries import documents_for_enterprise, documents_for_inspection, documents_visible_to
from anjian.enforcement.scan import scan_reviews
from tests.enforcement.conftest import finished_inspection, issued, serve, served_order, today


def _order(world, inspection, days=10, **kw):
    return services.rectification_order_draft(
        actor=world.user["b1"], inspection=inspection, deadline=today() + datetime.timedelta(days=days), **kw
    )


def test_short_name_rule(team):
    assert numbering.region_short("海宁市") == "海宁"
    assert numbering.region_short("浙江省") == "浙江"
    assert numbering.region_short("沙县") == "沙县"  # one character would be left: kept whole
    assert numbering.region_short("广西壮族自治区") == "广西壮族"
    assert numbering.authority_short(team.bureau) == "海宁"
    assert numbering.authority_short(team.dept) == "海宁住建"  # two authorities never print the same number


def test_inspection_record_from_a_finished_inspection(team):
    inspection = finished_inspection(team)
    record = services.inspection_record_draft(actor=team.user["b1"], inspection=inspection)
    body = record.content
    assert record.state == DocState.DRAFT and record.number == "" and record.enterprise == team.e1
    assert body["inspection_number"] == inspection.number and body["items_failed"] == 2
    assert [f["note"] for f in body["findings"]] == ["现场发现问题1", "现场发现问题2"]
    assert body["content_hash"] == inspection.content_hash and body["kind"] == "日常执法检查"
    assert [i["name"] for i in record.inspectors] == ["b1", "b3"] and record.inspectors[0]["credential_number"]
    with pytest.raises(ConflictError) as exc:  # one record per inspection
        services.inspection_record_draft(actor=team.user["b3"], inspection=inspection)
    assert exc.value.code == "record_exists"
    services.document_approve(actor=team.user["leader"], document=record)
    record.refresh_from_db()
    assert record.number == f"（海宁）应急检记〔{today().year}〕1号"
    assert record.issued_on == inspection.ended_at.astimezone().date()


def test_order_from_findings_approved_by_the_leader_not_the_drafter(team, django_capture_on_commit_callbacks):
    inspection = finished_inspection(team)
    with django_capture_on_commit_callbacks(execute=True):
        order = _order(team, inspection)
    assert Notification.objects.filter(kind="enforcement.to_approve", recipient=team.user["leader"]).exists()
    body = order.content
    assert [f["no"] for f in body["findings"]] == [1, 2]
    assert body["findings"][0]["description"].endswith("：现场发现问题1")
    assert body["legal_basis"] == "依据《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项的规定"
    assert order.deadline == today() + datetime.timedelta(days=10) and body["deadline"] == order.deadline.isoformat()

    with pytest.raises(PermissionDeniedError):  # an officer is not a leader
        services.document_approve(actor=team.user["b3"], document=order)
    leader_draft = services.rectification_order_draft(
        actor=team.user["leader"], inspection=inspection, deadline=today() + datetime.timedelta(days=5)
    )
    with pytest.raises(PermissionDeniedError) as exc:  # nor does a leader approve their own draft
        services.document_approve(actor=team.user["leader"], document=leader_draft)
    assert exc.value.code == "self_approval"

    services.document_approve(actor=team.user["leader"], document=order)
    order.refresh_from_db()
    assert order.state == DocState.APPROVED and order.approved_by == team.user["leader"]
    assert order.number == f"（海宁）应急责改〔{today().year}〕1号"
    assert order.review_due == order.deadline and services.document_intact(order)
    with pytest.raises(ConflictError) as exc:
        services.document_approve(actor=team.user["leader"], document=order)
    assert exc.value.code == "invalid_transition" and exc.value.extra["current_state"] == "approved"
    assert AuditEvent.objects.filter(action="enforcement.approve", object_id=str(order.pk)).exists()


def test_department_documents_need_a_second_department_officer(team):
    from anjian.accounts import services as account_services
    from anjian.accounts.roles import Role
    from tests.conftest import PASSWORD, SYSTEM

    d2 = account_services.user_create(actor=SYSTEM, username="d2", password=PASSWORD, full_name="d2",
                                      role=Role.DEPARTMENT_OFFICER, authority=team.dept)
    doc = services.onsite_measures_draft(
        actor=team.user["d1"], enterprise=team.e2, measures=["责令暂时停产停业"],
        findings=[{"description": "深基坑支护出现裂缝", "basis": ""}],
    )
    assert doc.authority == team.dept
    for who in (team.user["d1"], team.user["leader"]):  # the drafter; a leader of another authority
        with pytest.raises(PermissionDeniedError):
            services.document_approve(actor=who, document=doc)
    services.document_approve(actor=d2, document=doc)
    doc.refresh_from_db()
    assert doc.number == f"（海宁住建）应急现决〔{today().year}〕1号"


def test_numbers_are_gap_free_per_authority_type_and_year(team, clock):
    inspection = finished_inspection(team)
    a = _order(team, inspection)
    b = _order(team, inspection)
    c = _order(team, inspection)
    services.document_approve(actor=team.user["leader"], document=a)
    b.content = {**b.content, "deadline": None}
    b.deadline = today() - datetime.timedelta(days=1)
    b.save()
    with pytest.raises(ValidationError):  # a refused approval gives its number back
        services.document_approve(actor=team.user["leader"], document=b)
    services.document_approve(actor=team.user["leader"], document=c)
    year = today().year
    numbers = list(EnforcementDocument.objects.filter(state="approved").order_by("serial").values_list("number",
                                                                                                         flat=True))
    assert numbers == [f"（海宁）应急责改〔{year}〕1号", f"（海宁）应急责改〔{year}〕2号"]
    # Another type has its own sequence; so does another authority.
    record = services.inspection_record_draft(actor=team.user["b1"], inspection=inspection)
    services.document_approve(actor=team.user["leader"], document=record)
    assert EnforcementDocument.objects.get(pk=record.pk).serial == 1
    assert numbering.take_serial(team.bureau2, "rectification_order", year) == 1
    # A new year starts again at 1.
    new_year = datetime.date(year + 1, 1, 2)
    d = _order(team, inspection, days=(new_year - today()).days + 30)
    clock.to(new_year)
    services.document_approve(actor=team.user["leader"], document=d)
    assert EnforcementDocument.objects.get(pk=d.pk).number == f"（海宁）应急责改〔{year + 1}〕1号"
    assert DocumentCounter.objects.get(authority=team.bureau, doc_type="rectification_order", year=year).last == 2


def test_bad_input_gives_field_errors_and_writes_nothing(team):
    inspection = finished_inspection(team)
    before = (EnforcementDocument.objects.count(), DocumentEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.rectification_order_draft(actor=team.user["b1"], inspection=inspection, deadline="yesterday",
                                           findings=[{"description": "  "}])
    assert exc.value.error_dict["deadline"][0].code == "invalid"
    assert exc.value.error_dict["findings"][0].code == "no_findings"
    with pytest.raises(ValidationError) as exc:
        services.rectification_order_draft(actor=team.user["b1"], inspection=inspection, deadline=today())
    assert exc.value.error_dict["deadline"][0].code == "past_date"
    with pytest.raises(ValidationError) as exc:
        services.coercive_measures_draft(actor=team.user["b1"], inspection=inspection, measure="burn", reason="",
                                         items=[], start_date=today(), period_days=45)
    assert {k: v[0].code for k, v in exc.value.error_dict.items()} == {
        "measure": "invalid_choice", "reason": "required", "items": "required", "period_days": "period_too_long",
    }
    assert (EnforcementDocument.objects.count(), DocumentEvent.objects.count(), AuditEvent.objects.count()) == before


def test_review_passed_executes_the_order(team):
    order = served_order(team)
    assert order.state == DocState.SERVED and order.served_by == team.user["b1"]
    review = services.review_opinion_draft(
        actor=team.user["b3"], order=order, review_date=today(),
        results=[{"no": 1, "rectified": True, "note": "已整改"}, {"no": 2, "rectified": True}],
    )
    assert review.content["passed"] and review.content["order_number"] == order.number
    issued(review, team)
    order.refresh_from_db()
    assert order.state == DocState.EXECUTED
    assert list(order.events.values_list("action", flat=True)) == ["create", "approve", "serve", "execute"]


def test_review_failed_offers_suspension_and_referral(team):
    order = served_order(team)
    with pytest.raises(ValidationError) as exc:  # every finding must be answered
        services.review_opinion_draft(actor=team.user["b1"], order=order, review_date=today(),
                                      results=[{"no": 1, "rectified": True}])
    assert exc.value.error_dict["results"][0].code == "incomplete"
    review = services.review_opinion_draft(
        actor=team.user["b1"], order=order, review_date=today(), next_action="suspend",
        results=[{"no": 1, "rectified": True}, {"no": 2, "rectified": False, "note": "仍未整改"}],
        opinion="第2项未整改。",
    )
    assert not review.content["passed"] and review.content["next_action"] == "suspend"
    review = issued(review, team)
    order.refresh_from_db()
    assert order.state == DocState.CLOSED

    measures = services.onsite_measures_draft(actor=team.user["b1"], review=review, measures=["责令暂时停产停业"])
    assert measures.parent == review and [f["no"] for f in measures.content["findings"]] == [1]
    assert measures.content["legal_basis"] == "依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定"

    referral = services.referral_draft(actor=team.user["b1"], review=review, receiver="海宁市公安局",
                                       reason="拒不执行责令暂时停产停业的决定")
    ref = referral.content["crime_reference"]
    assert ref["citation"] == "《中华人民共和国刑法》第一百三十四条之一第（二）项"
    assert ref["text"].startswith("因存在重大事故隐患被依法责令停产停业") and referral.content["facts"]
    issued(referral, team)
    referral.refresh_from_db()
    assert referral.number == f"（海宁）应急移送〔{today().year}〕1号" and referral.state == "served"


def test_coercive_measure_period_and_one_extension(team):
    inspection = finished_inspection(team)
    items = [{"name": "二甲苯", "spec": "200升铁桶", "quantity": "36桶", "location": "三号仓库"}]
    seal = services.coercive_measures_draft(actor=team.user["b1"], inspection=inspection, measure="seal",
                                            reason="违法储存危险化学品", items=items, start_date=today())
    assert seal.content["measure"] == "查封" and seal.content["period_days"] == 30
    assert seal.deadline == today() + datetime.timedelta(days=30)
    seal = issued(seal, team)
    ext = services.coercive_measures_draft(actor=team.user["b1"], extends=seal, measure="seal",
                                           reason="需检测鉴定", items=items, start_date=None, period_days=20)
    assert ext.content["start_date"] == seal.content["end_date"]
    assert ext.deadline == seal.deadline + datetime.timedelta(days=20)
    assert "第二十五条" in ext.content["legal_basis"]
    with pytest.raises(ConflictError) as exc:
        services.coercive_measures_draft(actor=team.user["b1"], extends=seal, measure="seal", reason="再延",
                                         items=items, start_date=None)
    assert exc.value.code == "already_extended"


def test_served_document_never_changes_and_drafts_are_edited_by_the_drafter(team):
    inspection = finished_inspection(team)
    order = _order(team, inspection)
    with pytest.raises(PermissionDeniedError):
        services.document_update(actor=team.user["b3"], document=order, data={"deadline": order.deadline})
    new_deadline = today() + datetime.timedelta(days=20)
    services.document_update(actor=team.user["b1"], document=order, data={
        "deadline": new_deadline, "findings": [{"description": "改写后的问题", "basis": "第六十五条"}],
    })
    order.refresh_from_db()
    assert order.deadline == new_deadline and order.content["findings"][0]["description"] == "改写后的问题"
    order = issued(order, team)
    with pytest.raises(ConflictError):
        services.document_update(actor=team.user["b1"], document=order, data={"deadline": new_deadline})
    with pytest.raises(ConflictError):  # an issued document is never withdrawn
        services.document_withdraw(actor=team.user["b1"], document=order, reason="写错了")
    EnforcementDocument.objects.filter(pk=order.pk).update(content={**order.content, "requirements": "篡改"})
    order.refresh_from_db()
    assert services.document_intact(order) is False


def test_withdrawn_draft_frees_its_source(team):
    inspection = finished_inspection(team)
    record = services.inspection_record_draft(actor=team.user["b1"], inspection=inspection)
    with pytest.raises(ValidationError):
        services.document_withdraw(actor=team.user["b1"], document=record, reason="")
    services.document_withdraw(actor=team.user["b1"], document=record, reason="重新起草")
    again = services.inspection_record_draft(actor=team.user["b1"], inspection=inspection)
    assert again.pk != record.pk


def test_scoping_other_county_departments_and_enterprise_users(team):
    inspection = finished_inspection(team)
    order = _order(team, inspection)
    u = team.user
    assert documents_visible_to(u["b3"]).filter(pk=order.pk).exists()  # same authority: sees the draft
    for key in ("b2", "t1", "g1", "x1", "e1", "e1m", "d1", "sys"):  # drafts stay inside the authority
        assert not documents_visible_to(u[key]).filter(pk=order.pk).exists(), key
    with pytest.raises(PermissionDeniedError):
        services.document_approve(actor=u["b2"], document=order)
    order = issued(order, team)
    for key in ("t1", "g1", "x1", "e1", "e1m", "e1w"):  # served: everyone whose scope holds e1
        assert documents_visible_to(u[key]).filter(pk=order.pk).exists(), key
    for key in ("b2", "e2", "t2", "g2", "d1"):
        assert not documents_visible_to(u[key]).filter(pk=order.pk).exists(), key
    assert list(documents_for_inspection(u["e1"], inspection)) == [order]
    assert list(documents_for_enterprise(u["e1"], team.e1)) == [order]
    with pytest.raises(PermissionDeniedError):  # another county's officer cannot draft for e1
        services.rectification_order_draft(actor=u["b2"], inspection=inspection, deadline=order.deadline)
    with pytest.raises(PermissionDeniedError):  # a township reads, it does not draft
        services.onsite_measures_draft(actor=u["t1"], enterprise=team.e1, measures=["x"],
                                       findings=[{"description": "y"}])


def test_serve_needs_method_recipient_and_sane_time(team, django_capture_on_commit_callbacks):
    inspection = finished_inspection(team)
    order = services.document_approve(actor=team.user["leader"], document=_order(team, inspection))
    with pytest.raises(ValidationError) as exc:
        services.document_serve(actor=team.user["b1"], document=order, served_at=None, method="fax", recipient="")
    assert set(exc.value.error_dict) == {"served_at", "method", "recipient"}
    with pytest.raises(ValidationError) as exc:
        services.document_serve(actor=team.user["b1"], document=order, served_at=datetime.datetime.now(),
                                method="left", recipient="王伟")
    assert exc.value.error_dict["note"][0].code == "required"  # 留置送达 names the witness
    with django_capture_on_commit_callbacks(execute=True):
        serve(order, team.user["b3"])
    assert set(Notification.objects.filter(kind="enforcement.served").values_list("recipient__username",
                                                                                    flat=True)) == {"e1", "e1m"}


def test_review_scan_is_not_resent(team):
    order = served_order(team, days=5)
    assert scan_reviews(today=order.review_due - datetime.timedelta(days=4)).reminders == 0
    assert scan_reviews(today=order.review_due).stages == {"before_0": 1}  # first seen on the day
    assert scan_reviews(today=order.review_due).reminders == 0


def test_a_signed_document_found_wrong_before_service_is_voided(team):
    inspection = finished_inspection(team)
    record = services.document_approve(actor=team.user["leader"],
                                       document=services.inspection_record_draft(actor=team.user["b1"],
                                                                                 inspection=inspection))
    with pytest.raises(PermissionDeniedError):  # the drafter is not the one who signed
        services.document_void(actor=team.user["b1"], document=record, reason="写错了")
    with pytest.raises(ValidationError):
        services.document_void(actor=team.user["leader"], document=record, reason="")
    services.document_void(actor=team.user["leader"], document=record, reason="检查时间有误")
    record.refresh_from_db()
    assert record.state == DocState.VOIDED and record.number.endswith(f"〔{today().year}〕1号")
    again = services.document_approve(actor=team.user["leader"], document=services.inspection_record_draft(
        actor=team.user["b1"], inspection=inspection))  # the source is free again; the number moves on
    assert again.serial == 2
    with pytest.raises(ConflictError):
        serve(record, team.user["b1"])


def test_every_type_matches_the_pdf_contract(team):
    from anjian.enforcement import render
    from anjian.enforcement.pdf import sample_doc
    from tests.enforcement.test_cases import _case, _item, _notified

    u = team.user
    order = served_order(team)
    review = issued(services.review_opinion_draft(
        actor=u["b1"], order=order, review_date=today(), next_action="suspend",
        results=[{"no": 1, "rectified": False}, {"no": 2, "rectified": True}]), team)
    case = _case(team)
    _item(team, case)
    notice = _notified(team, case)
    services.rights_waive(actor=u["b1"], case=case, statement=True, note="书面放弃")
    docs = [
        services.inspection_record_draft(actor=u["b1"], inspection=order.inspection), order, review,
        services.onsite_measures_draft(actor=u["b1"], review=review, measures=["责令暂时停产停业"]),
        services.coercive_measures_draft(actor=u["b1"], inspection=order.inspection, measure="seize", reason="x",
                                         items=[{"name": "桶", "quantity": "1"}], start_date=today()),
        notice, services.decision_draft(actor=u["b1"], case=case),
        services.referral_draft(actor=u["b1"], review=review, receiver="海宁市公安局", reason="拒不执行"),
    ]
    assert sorted(d.doc_type for d in docs) == sorted(DocType.values)  # one of each of the eight
    for document in docs:
        sample = sample_doc(document.doc_type)
        built = render.document_dict(document)
        assert set(built) == set(sample), document.doc_type
        assert set(built["body"]) == set(sample["body"]), document.doc_type
        assert set(built["enterprise"]) == set(sample["enterprise"])
        assert built["draft"] == (document.state == DocState.DRAFT) and (built["number"] == "") == built["draft"]


# --- found in review -------------------------------------------------------------------------------------------


def test_documents_come_only_from_the_authoritys_own_inspections(team):
    inspection = finished_inspection(team, enterprise=team.e2)  # the bureau's inspection of a construction unit
    with pytest.raises(PermissionDeniedError):  # 住建局 sees it, but it is not theirs to document
        services.inspection_record_draft(actor=team.user["d1"], inspection=inspection)
    assert services.inspection_record_draft(actor=team.user["b1"], inspection=inspection).state == DocState.DRAFT


def test_an_order_is_executed_only_through_its_review(team):
    order = served_order(team)
    with pytest.raises(ConflictError) as exc:
        services.document_execute(actor=team.user["b1"], document=order)
    assert exc.value.code == "review_required"


def test_dates_out_of_any_sensible_range_are_field_errors(team):
    order = services.document_approve(
        actor=team.user["leader"],
        document=services.rectification_order_draft(
            actor=team.user["b1"], inspection=finished_inspection(team),
            deadline=today() + datetime.timedelta(days=5)),
    )
    with pytest.raises(ValidationError) as exc:
        services.document_serve(actor=team.user["b1"], document=order, served_at="0001-01-01T00:00:00",
                                method="direct", recipient="王伟")
    assert "served_at" in exc.value.error_dict


def test_non_numeric_and_huge_ids_answer_404(team):
    client = team.client("b1")
    for url in ("/api/enforcement-documents/abc/", "/api/enforcement-documents/abc/approve/",
                "/api/penalty-cases/abc/clocks/", "/api/inspections/abc/", "/api/inspections/99999999999999999999/",
                "/api/draws/abc/", "/api/checklist-templates/x/"):
        response = client.post(url) if url.endswith("approve/") else client.get(url)
        assert response.status_code == 404, url
