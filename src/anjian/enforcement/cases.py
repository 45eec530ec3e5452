"""Penalty cases (行政处罚案件): open, the proposed penalties (items), the party's statement, waiver and
hearing, payment, execution and close. The notice (告知书) and decision (决定书) are drafted in
``case_documents.py``; the fine checks are in ``penalties.py``, the procedure clocks in ``clocks.py``.

The decision is refused until 行政处罚法 allows it: the notice was served (第四十四条), and the statement
period has passed, or the party waived it, or their statement was heard (第六十二条); the hearing window has
closed or the requested hearing was held (第六十四条、第六十五条). Every fine is checked with
``rules.violations.check_fine`` / ``check_income_fine`` when a notice or decision is approved."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.errors import ConflictError, PermissionDeniedError, ServiceError
from anjian.enforcement import common as c
from anjian.enforcement import permissions as perms
from anjian.enforcement.choices import (
    AFTER_NOTICE,
    CASE_ALLOWED_IN,
    CASE_TRANSITIONS,
    CaseAction,
    CaseState,
    DocState,
    DocType,
    HearingOutcome,
)
from anjian.enforcement.clocks import surcharge
from anjian.enforcement.models import CaseEvent, PenaltyCase, PenaltyItem
from anjian.enforcement.penalties import clean_item, item_fields, item_verdict
from anjian.enforcement.queries import cases_visible_to, documents_visible_to
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections.queries import inspections_visible_to
from anjian.rules import procedure

A = CaseAction


class ProcedureError(ServiceError):
    """A step the procedure does not allow yet; ``blockers`` lists what is missing, each with its article."""

    code = "procedure_incomplete"
    status = 409


def case_url(case: PenaltyCase) -> str:
    return reverse("enforcement:case", args=[case.pk])


def lock_case(case: PenaltyCase) -> PenaltyCase:
    return PenaltyCase.objects.select_for_update(of=("self",)).select_related("authority", "enterprise").get(pk=case.pk)


def check_case_step(case: PenaltyCase, action: str) -> str | None:
    return c.check_state(case, action, CASE_TRANSITIONS, CASE_ALLOWED_IN, CaseState, CaseAction)


def _event(case, actor, action, *, from_state="", reason="", data=None) -> CaseEvent:
    return c.record_event(
        CaseEvent, "case", case, actor, action, from_state=from_state, reason=reason, data=data,
        prefix="penalty_case",
    )


def move_case(case, actor, action, target, *, reason="", data=None, fields=()) -> None:
    from_state = case.state
    case.state = target
    case.state_changed_at = c.now()
    case.save(update_fields=["state", "state_changed_at", "updated_at", *fields])
    _event(case, actor, action, from_state=from_state, reason=reason, data=data)


def check_officer(actor, case: PenaltyCase) -> None:
    if not perms.is_system(actor) and not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDeniedError(_("该案件不在您的管辖范围内。"))
    if not perms.is_issuer(actor, case):
        raise PermissionDeniedError(_("只有立案机关的执法人员可以办理该案件。"))


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- open ----------------------------------------------------------------------------------------------------------


def case_open(*, actor, enterprise, cause: str, facts: str = "", evidence: str = "", opened_on=None,
              source_inspection=None, source_document=None) -> PenaltyCase:
    """立案 against ``enterprise``, optionally from an inspection or a failed review. The 90-day clock for the
    decision (行政处罚法 第六十条) runs from ``opened_on``."""
    if not perms.can_draft(actor):
        raise PermissionDeniedError(_("只有执法人员、局领导和行业部门人员可以立案。"))
    if enterprise is None or not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDeniedError(_("该企业不在您的管辖范围内。"))
    if source_inspection is not None:
        if not inspections_visible_to(actor).filter(pk=source_inspection.pk).exists():
            raise PermissionDeniedError(_("该检查不在您的管辖范围内。"))
    if source_document is not None and not documents_visible_to(actor).filter(pk=source_document.pk).exists():
        raise PermissionDeniedError(_("该文书不在您的管辖范围内。"))
    errors = c.Errors()
    for source, field in ((source_inspection, "source_inspection"), (source_document, "source_document")):
        if source is not None and source.enterprise_id != enterprise.pk:
            errors.add(field, _("案件来源与当事人不一致。"), "mismatch")
    cause = c.text(cause, "cause", errors, required=_("请填写案由。"), max_length=200)
    facts = c.text(facts, "facts", errors)
    evidence = c.text(evidence, "evidence", errors)
    opened_on = c.date(opened_on, "opened_on", errors) or c.today()
    if opened_on > c.today():
        errors.add("opened_on", _("立案日期不能晚于今天。"), "future")
    elif opened_on < c.today() - datetime.timedelta(days=30):
        errors.add("opened_on", _("立案日期不能早于30天前。"), "too_old")
    errors.raise_if_any()
    with transaction.atomic():
        case = PenaltyCase.objects.create(
            authority=actor.authority, enterprise=enterprise, region_code=enterprise.region_code, cause=cause,
            facts=facts, evidence=evidence, opened_on=opened_on, opened_by=actor,
            source_inspection=source_inspection or (source_document.inspection if source_document else None),
            source_document=source_document,
        )
        _event(case, actor, A.OPEN, data={
            "cause": cause, "opened_on": opened_on,
            "source_document": source_document.number if source_document else "",
        })
    return case


def case_update(*, actor, case: PenaltyCase, cause: str, facts: str, evidence: str) -> PenaltyCase:
    errors = c.Errors()
    cause = c.text(cause, "cause", errors, required=_("请填写案由。"), max_length=200)
    facts = c.text(facts, "facts", errors)
    evidence = c.text(evidence, "evidence", errors)
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        check_case_step(case, A.UPDATE)
        changes = audit.diff(
            {"cause": case.cause, "facts": case.facts, "evidence": case.evidence},
            {"cause": cause, "facts": facts, "evidence": evidence},
        )
        if changes:
            case.cause, case.facts, case.evidence = cause, facts, evidence
            case.save(update_fields=["cause", "facts", "evidence", "updated_at"])
            _event(case, actor, A.UPDATE, data={"changed": sorted(changes)})
    return case


# --- items ---------------------------------------------------------------------------------------------------------


def _check_items_editable(case: PenaltyCase) -> None:
    """Items change until the document printing them is approved (a draft is rebuilt from them at approval)."""
    check_case_step(case, A.ITEM)
    if case.documents.filter(doc_type=DocType.PENALTY_DECISION, state=DocState.APPROVED).exists():
        raise ConflictError(_("决定书已签发，不能再修改处罚项。"), code="decision_issued")
    if case.state == CaseState.OPEN and case.documents.filter(
            doc_type=DocType.PENALTY_NOTICE, state=DocState.APPROVED).exists():
        raise ConflictError(_("告知书已签发待送达，不能再修改处罚项。"), code="notice_issued")


def item_add(*, actor, case: PenaltyCase, data: dict) -> PenaltyItem:
    """Add a proposed penalty. Saved with its fine check's verdict (a fine out of range may be saved, and
    shows as such; approval of the notice or decision refuses it). After the notice, nothing is added."""
    errors = c.Errors()
    fields = clean_item(data, errors, case.opened_on)
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        _check_items_editable(case)
        if case.state in AFTER_NOTICE:
            raise ConflictError(
                _("告知书已送达，不能增加处罚项（加重处罚须重新告知当事人，本平台尚不支持再次告知）。"),
                code="penalty_exceeds_notice",
            )
        verdict = item_verdict(fields)
        position = (case.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        item = PenaltyItem.objects.create(case=case, position=position, verdict_ok=verdict.ok,
                                          verdict_message=verdict.message, **fields)
        _event(case, actor, A.ITEM, data={"add": position, **fields, "verdict": verdict.message})
    return item


def item_update(*, actor, item: PenaltyItem, data: dict) -> PenaltyItem:
    """Change a proposed penalty. After the notice, only a lower fine (at most what was notified) or fewer
    measures: a heavier penalty needs a new notice."""
    case = item.case
    errors = c.Errors()
    fields = clean_item({**item_fields(item), **data}, errors, case.opened_on)
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        _check_items_editable(case)
        item = PenaltyItem.objects.select_for_update().get(pk=item.pk, case=case)
        if case.state in AFTER_NOTICE:
            fixed = ("violation_code", "party", "party_name", "stage")
            if any(fields[k] != getattr(item, k) for k in fixed) or not set(fields["measures"]) <= set(item.measures):
                raise ConflictError(_("告知书已送达：只能减轻处罚，违法行为和被处罚人不能更改。"),
                                    code="penalty_exceeds_notice")
            if item.notified_amount is not None and fields["amount"] > item.notified_amount:
                message = _("罚款不能超过告知书告知的{}元（加重处罚须重新告知当事人，本平台尚不支持再次告知）。")
                raise ConflictError(message.format(item.notified_amount), code="penalty_exceeds_notice")
        before = item_fields(item)
        verdict = item_verdict(fields)
        for key, value in fields.items():
            setattr(item, key, value)
        item.verdict_ok, item.verdict_message = verdict.ok, verdict.message
        item.save()
        _event(case, actor, A.ITEM, data={"update": item.position, "changes": audit.diff(before, fields),
                                           "verdict": verdict.message})
    return item


def item_delete(*, actor, item: PenaltyItem) -> None:
    with transaction.atomic():
        case = lock_case(item.case)
        check_officer(actor, case)
        _check_items_editable(case)
        item = PenaltyItem.objects.select_for_update().get(pk=item.pk, case=case)
        _event(case, actor, A.ITEM, data={"delete": item.position, **item_fields(item)})
        item.delete()


# --- statement, waiver, hearing ------------------------------------------------------------------------------------


def statement_record(*, actor, case: PenaltyCase, text: str, received_on, review: str = "") -> PenaltyCase:
    """听取陈述、申辩 (行政处罚法 第四十五条): what the party said, when, and the authority's review of it."""
    errors = c.Errors()
    text = c.text(text, "text", errors, required=_("请记录当事人陈述、申辩的内容。"))
    review = c.text(review, "review", errors)
    received_on = c.date(received_on, "received_on", errors, required=_("请填写收到陈述申辩的日期。"))
    if received_on and received_on > c.today():
        errors.add("received_on", _("日期不能晚于今天。"), "future")
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        check_case_step(case, A.STATEMENT)
        if received_on < case.notice_served_on:
            raise ValidationError({"received_on": ValidationError(_("日期不能早于告知书送达日期。"), code="too_early")})
        case.statement_text, case.statement_on, case.statement_review = text, received_on, review
        case.save(update_fields=["statement_text", "statement_on", "statement_review", "updated_at"])
        _event(case, actor, A.STATEMENT, reason=text, data={"received_on": received_on, "review": review})
    return case


def rights_waive(*, actor, case: PenaltyCase, statement: bool = True, hearing: bool = False,
                 note: str = "") -> PenaltyCase:
    """The party expressly waives its statement (行政处罚法 第六十二条 「当事人明确放弃」) and/or hearing."""
    errors = c.Errors()
    note = c.text(note, "note", errors, required=_("请记录当事人放弃权利的方式（如书面声明）。"))
    if not statement and not hearing:
        errors.add("statement", _("请选择当事人放弃的权利。"), "required")
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        check_case_step(case, A.WAIVE)
        if hearing and not case.hearing_right:
            raise ValidationError({"hearing": ValidationError(_("本案当事人没有听证权利。"), code="no_hearing_right")})
        if hearing and case.hearing_requested_on:
            raise ConflictError(_("当事人已申请听证。"), code="hearing_requested", extra={"current_state": case.state})
        case.statement_waived = case.statement_waived or statement
        case.hearing_waived = case.hearing_waived or hearing
        case.waiver_note = note
        case.save(update_fields=["statement_waived", "hearing_waived", "waiver_note", "updated_at"])
        _event(case, actor, A.WAIVE, reason=note, data={"statement": statement, "hearing": hearing})
    return case


def hearing_request(*, actor, case: PenaltyCase, requested_on) -> PenaltyCase:
    """The party asks for a hearing, within 5 working days of the notice (行政处罚法 第六十四条第（一）项)."""
    errors = c.Errors()
    requested_on = c.date(requested_on, "requested_on", errors, required=_("请填写申请日期。"))
    if requested_on and requested_on > c.today():
        errors.add("requested_on", _("日期不能晚于今天。"), "future")
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        target = check_case_step(case, A.REQUEST_HEARING)
        if not case.hearing_right:
            raise ValidationError({"requested_on": ValidationError(
                _("拟作出的处罚不属于应当告知听证权利的情形（行政处罚法第六十三条）。"), code="no_hearing_right")})
        if case.hearing_waived:
            raise ConflictError(_("当事人已放弃听证。"), code="hearing_waived", extra={"current_state": case.state})
        if requested_on > case.hearing_deadline or requested_on < case.notice_served_on:
            raise ValidationError({"requested_on": ValidationError(
                _("申请听证的期限为{a}至{b}（行政处罚法第六十四条第（一）项）。").format(
                    a=case.notice_served_on.isoformat(), b=case.hearing_deadline.isoformat()),
                code="hearing_window_closed")})
        case.hearing_requested_on = requested_on
        move_case(case, actor, A.REQUEST_HEARING, target, data={"requested_on": requested_on},
              fields=("hearing_requested_on",))
    return case


def hearing_schedule(*, actor, case: PenaltyCase, hearing_date, place: str, notified_on) -> PenaltyCase:
    """Notify the time and place at least 7 working days before the hearing (第六十四条第（二）项)."""
    errors = c.Errors()
    hearing_date = c.date(hearing_date, "hearing_date", errors, required=_("请填写听证日期。"))
    notified_on = c.date(notified_on, "notified_on", errors, required=_("请填写通知日期。"))
    place = c.text(place, "place", errors, required=_("请填写听证地点。"), max_length=200)
    if hearing_date and notified_on:
        latest = procedure.due("hearing_notice", hearing_date)
        if notified_on > latest:
            errors.add("hearing_date", _("听证应在通知之日起至少7个工作日后举行：{d}前通知的方可于该日听证。").format(
                d=latest.isoformat()), "notice_too_late")
        if notified_on > c.today():
            errors.add("notified_on", _("日期不能晚于今天。"), "future")
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        check_case_step(case, A.SCHEDULE_HEARING)
        case.hearing_date, case.hearing_place, case.hearing_notified_on = hearing_date, place, notified_on
        case.save(update_fields=["hearing_date", "hearing_place", "hearing_notified_on", "updated_at"])
        _event(case, actor, A.SCHEDULE_HEARING, data={"hearing_date": hearing_date, "place": place,
                                                      "notified_on": notified_on})
    return case


def hearing_hold(*, actor, case: PenaltyCase, held_on, outcome: str, summary: str = "") -> PenaltyCase:
    """The hearing ended: held (with the record's summary), abandoned by the party (第六十四条第（六）项) or
    the request withdrawn. The decision follows the record (第六十五条)."""
    errors = c.Errors()
    held_on = c.date(held_on, "held_on", errors, required=_("请填写日期。"))
    if outcome not in HearingOutcome.values:
        errors.add("outcome", _("请选择听证结果。"), "invalid_choice")
    summary = c.text(summary, "summary", errors,
                     required=_("请填写听证笔录要点。") if outcome == HearingOutcome.HELD else "")
    if held_on and held_on > c.today():
        errors.add("held_on", _("日期不能晚于今天。"), "future")
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        target = check_case_step(case, A.HOLD_HEARING)
        if outcome != HearingOutcome.WITHDRAWN and not case.hearing_date:
            raise ValidationError({"held_on": ValidationError(_("请先通知听证的时间和地点。"), code="not_scheduled")})
        case.hearing_held_on, case.hearing_outcome, case.hearing_summary = held_on, outcome, summary
        move_case(case, actor, A.HOLD_HEARING, target, reason=summary, data={"held_on": held_on, "outcome": outcome},
              fields=("hearing_held_on", "hearing_outcome", "hearing_summary"))
    return case


# --- payment, execution, close -------------------------------------------------------------------------------------


def case_pay(*, actor, case: PenaltyCase, paid_on, amount) -> PenaltyCase:
    """罚款已缴纳: the date and amount (fine plus any 加处罚款, 行政处罚法 第七十二条)."""
    errors = c.Errors()
    paid_on = c.date(paid_on, "paid_on", errors, required=_("请填写缴款日期。"))
    amount = c.integer(amount, "amount", errors, required=_("请填写实缴金额。"), low=1, high=100_000_000)
    if paid_on and paid_on > c.today():
        errors.add("paid_on", _("日期不能晚于今天。"), "future")
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        target = check_case_step(case, A.PAY)
        if not case.total_fine:
            raise ConflictError(_("本案没有罚款。"), code="no_fine", extra={"current_state": case.state})
        owed = case.total_fine + surcharge(case, paid_on)
        if amount < owed:
            raise ValidationError({"amount": ValidationError(
                _("应缴{owed}元（罚款{fine}元，加处罚款{extra}元）。").format(
                    owed=owed, fine=case.total_fine, extra=owed - case.total_fine), code="underpaid")})
        case.paid_on, case.paid_amount = paid_on, amount
        move_case(case, actor, A.PAY, target, data={"paid_on": paid_on, "amount": amount},
              fields=("paid_on", "paid_amount"))
    return case


def case_execute(*, actor, case: PenaltyCase, note: str) -> PenaltyCase:
    errors = c.Errors()
    note = c.text(note, "note", errors, required=_("请说明执行情况。"))
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        target = check_case_step(case, A.EXECUTE)
        if case.total_fine and not case.paid_on and case.state == CaseState.DECIDED and "强制执行" not in note:
            raise ConflictError(_("罚款尚未缴纳：缴纳后或经人民法院强制执行后方可记为执行完毕。"), code="fine_unpaid",
                                extra={"current_state": case.state})
        move_case(case, actor, A.EXECUTE, target, reason=note)
    return case


def case_close(*, actor, case: PenaltyCase, reason: str) -> PenaltyCase:
    errors = c.Errors()
    reason = c.text(reason, "reason", errors, required=_("请写明结案（或撤销立案）的理由。"))
    errors.raise_if_any()
    with transaction.atomic():
        case = lock_case(case)
        check_officer(actor, case)
        target = check_case_step(case, A.CLOSE)
        if case.documents.filter(state__in=[DocState.DRAFT, DocState.APPROVED]).exists():
            raise ConflictError(_("案件还有未送达的文书，请先送达或撤回。"), code="documents_pending",
                                extra={"current_state": case.state})
        case.closed_reason = reason
        move_case(case, actor, A.CLOSE, target, reason=reason, fields=("closed_reason",))
    return case
