"""The penalty notice (行政处罚告知书) and decision (行政处罚决定书), drafted from their case, with the checks
and rebuilds their approval needs and the effects of their service on the case.

The decision is refused until 行政处罚法 allows it (``clocks.decision_blockers``): the notice was served
(第四十四条), and the statement period has passed, or the party waived it, or their statement was heard
(第六十二条); the hearing window has closed or the requested hearing was held (第六十四条、第六十五条).
At approval every fine is checked again (``penalties.check_fines``) and the printed violations, penalties
and deadlines are rebuilt from the case's items as they stand."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from anjian.enforcement import common as c
from anjian.enforcement import documents
from anjian.enforcement.cases import A, ProcedureError, check_case_step, check_officer, cn_date, lock_case, move_case
from anjian.enforcement.choices import DocState, DocType, HearingOutcome
from anjian.enforcement.clocks import decision_blockers
from anjian.enforcement.models import AuthorityProfile, EnforcementDocument, PenaltyCase
from anjian.enforcement.penalties import check_fines, hearing_verdict, violations_and_penalties
from anjian.rules import procedure


def statement_period_days() -> int | None:
    """The configured 陈述申辩 period (rules.procedure marks the 3 working days UNVERIFIED)."""
    return getattr(settings, "ANJIAN_STATEMENT_PERIOD_DAYS", None)


def authority_profile(authority) -> AuthorityProfile:
    return AuthorityProfile.objects.filter(authority=authority).first() or AuthorityProfile(authority=authority)


def default_review_body(authority) -> str:
    """行政复议法（2023）: the people's government at the authority's own level."""
    return authority_profile(authority).review_body or f"{authority.region.name}人民政府"


def default_court(authority) -> str:
    return authority_profile(authority).court or f"{authority.region.name}人民法院"


def _notice_deadlines(items, day: datetime.date) -> tuple[datetime.date, bool, datetime.date | None]:
    statement = procedure.due("statement_period", day, amount=statement_period_days())
    right = hearing_verdict(items).required
    return statement, right, procedure.due("hearing_request", day) if right else None


def _notice_content(case, items, *, facts, evidence, contact, day) -> dict:
    found, penalties, _total = violations_and_penalties(items)
    statement, right, hearing = _notice_deadlines(items, day)
    return {
        "case_number": case.number, "facts": facts, "evidence": evidence, "violations": found,
        "penalties": penalties, "statement_deadline": c.iso(statement), "hearing_right": right,
        "hearing_deadline": c.iso(hearing), "contact": contact,
    }


def summarise_statement(case: PenaltyCase, day: datetime.date) -> str:
    if case.statement_waived:
        return "你单位明确表示放弃陈述、申辩的权利。"
    if case.statement_on:
        text = f"你单位于{cn_date(case.statement_on)}提出陈述、申辩：{case.statement_text}"
        return text + (f"经复核，{case.statement_review}" if case.statement_review else "")
    if case.statement_deadline and day > case.statement_deadline:
        return "你单位在规定期限内未提出陈述、申辩意见。"
    return ""


def summarise_hearing(case: PenaltyCase) -> str:
    if case.hearing_outcome == HearingOutcome.HELD:
        return f"本机关于{cn_date(case.hearing_held_on)}依法举行了听证。{case.hearing_summary}".strip()
    if case.hearing_outcome == HearingOutcome.ABANDONED:
        return "你单位无正当理由未出席听证，视为放弃听证权利。" + case.hearing_summary
    if case.hearing_outcome == HearingOutcome.WITHDRAWN:
        return "你单位撤回了听证申请。" + case.hearing_summary
    if case.hearing_right and case.hearing_waived:
        return "你单位明确表示放弃听证权利。"
    if case.hearing_right:
        return "你单位在规定期限内未要求听证。"
    return ""


def notice_draft(*, actor, case: PenaltyCase, facts=None, evidence=None, contact=None,
                 document=None) -> EnforcementDocument:
    """行政处罚告知书 (行政处罚法 第四十四条): the facts, the violations, the proposed penalties, the statement
    deadline and, when 第六十三条 gives it (rules.procedure.hearing_right), the hearing right with its
    deadline. The dates are counted from the day of approval and are recounted from the day of service."""
    case = PenaltyCase.objects.select_related("authority", "enterprise").get(pk=case.pk)
    check_officer(actor, case)
    check_case_step(case, A.NOTICE_DRAFT)
    errors = c.Errors()
    facts = c.text(case.facts if facts is None else facts, "facts", errors, required=_("请写明违法事实。"))
    evidence = c.text(case.evidence if evidence is None else evidence, "evidence", errors)
    if contact is None:
        contact = authority_profile(case.authority).contact
    contact = c.text(contact, "contact", errors, max_length=200)
    items = list(case.items.all())
    if not items:
        errors.add("items", _("请先填写处罚项。"), "required")
    errors.raise_if_any()
    content = _notice_content(case, items, facts=facts, evidence=evidence, contact=contact, day=c.today())
    return documents.save_draft(
        actor=actor, doc_type=DocType.PENALTY_NOTICE, enterprise=case.enterprise, case=case,
        inspection=case.source_inspection, content=content,
        inspectors=c.officers_snapshot([actor], c.today()), document=document,
    )


def _check_blockers(case: PenaltyCase, day: datetime.date) -> None:
    blockers = decision_blockers(case, day)
    if blockers:
        raise ProcedureError(blockers[0]["message"], extra={"blockers": blockers, "current_state": case.state})


def _decision_content(case, items, *, facts, evidence, statement, hearing, payment_place, review_body, court,
                      day) -> dict:
    found, penalties, total = violations_and_penalties(items)
    return {
        "case_number": case.number, "facts": facts, "evidence": evidence, "violations": found,
        "penalties": penalties, "total_fine": total, "statement_summary": statement, "hearing_summary": hearing,
        "payment_deadline_days": procedure.clock("fine_payment").amount, "payment_place": payment_place,
        "review_body": review_body, "court": court,
    }


def decision_draft(*, actor, case: PenaltyCase, facts=None, evidence=None, statement_summary=None,
                   hearing_summary=None, payment_place=None, review_body=None, court=None,
                   document=None) -> EnforcementDocument:
    """行政处罚决定书 (行政处罚法 第五十九条), refused until the procedure allows a decision (see the module)."""
    case = PenaltyCase.objects.select_related("authority", "enterprise").get(pk=case.pk)
    check_officer(actor, case)
    day = c.today()
    _check_blockers(case, day)  # first: it names what is missing, with its article
    check_case_step(case, A.DECISION_DRAFT)
    profile = authority_profile(case.authority)
    errors = c.Errors()
    facts = c.text(case.facts if facts is None else facts, "facts", errors, required=_("请写明违法事实。"))
    evidence = c.text(case.evidence if evidence is None else evidence, "evidence", errors)
    statement = c.text(summarise_statement(case, day) if statement_summary is None else statement_summary,
                       "statement_summary", errors)
    hearing = c.text(summarise_hearing(case) if hearing_summary is None else hearing_summary,
                     "hearing_summary", errors)
    payment_place = c.text(profile.payment_place if payment_place is None else payment_place, "payment_place",
                           errors, max_length=200)
    review_body = c.text(default_review_body(case.authority) if review_body is None else review_body, "review_body",
                         errors, required=_("请填写行政复议机关。"), max_length=100)
    court = c.text(default_court(case.authority) if court is None else court, "court", errors,
                   required=_("请填写人民法院。"), max_length=100)
    items = list(case.items.all())
    if not items:
        errors.add("items", _("案件还没有处罚项。"), "required")
    errors.raise_if_any()
    content = _decision_content(case, items, facts=facts, evidence=evidence, statement=statement, hearing=hearing,
                                payment_place=payment_place, review_body=review_body, court=court, day=day)
    return documents.save_draft(
        actor=actor, doc_type=DocType.PENALTY_DECISION, enterprise=case.enterprise, case=case,
        inspection=case.source_inspection, parent=case.documents.filter(
            doc_type=DocType.PENALTY_NOTICE, state__in=[DocState.SERVED]).first(),
        content=content, inspectors=c.officers_snapshot([actor], day), document=document,
    )


def before_approve(document: EnforcementDocument, day: datetime.date) -> None:
    """On the locked document: the case still allows it, every fine is within its range, and the parts
    derived from the case (violations, penalties, deadlines) are rebuilt from the items as they stand."""
    case = lock_case(document.case)
    if document.doc_type == DocType.PENALTY_NOTICE:
        check_case_step(case, A.NOTICE_DRAFT)
        items = check_fines(case)
        content = dict(document.content)
        content.update(_notice_content(case, items, facts=content.get("facts", ""),
                                       evidence=content.get("evidence", ""), contact=content.get("contact", ""),
                                       day=day))
        document.content = content
        return
    check_case_step(case, A.DECISION_DRAFT)
    _check_blockers(case, day)
    items = check_fines(case)
    found, penalties, total = violations_and_penalties(items)
    document.content = {**document.content, "violations": found, "penalties": penalties, "total_fine": total}
    case.decision_on, case.total_fine = day, total
    case.save(update_fields=["decision_on", "total_fine", "updated_at"])


def after_serve(document: EnforcementDocument, actor, day: datetime.date) -> None:
    """The notice served starts the statement and hearing clocks (from the later of the printed date and the
    date counted from service); the decision served starts the payment clock."""
    case = lock_case(document.case)
    if document.doc_type == DocType.PENALTY_NOTICE:
        target = check_case_step(case, A.NOTIFY)
        printed = document.content
        statement = procedure.due("statement_period", day, amount=statement_period_days())
        if printed.get("statement_deadline"):
            statement = max(statement, datetime.date.fromisoformat(printed["statement_deadline"]))
        case.notice_served_on, case.statement_deadline = day, statement
        case.hearing_right = bool(printed.get("hearing_right"))
        case.hearing_deadline = None
        if case.hearing_right:
            hearing = procedure.due("hearing_request", day)
            if printed.get("hearing_deadline"):
                hearing = max(hearing, datetime.date.fromisoformat(printed["hearing_deadline"]))
            case.hearing_deadline = hearing
        for item in case.items.all():
            item.notified_amount = item.amount
            item.save(update_fields=["notified_amount"])
        move_case(case, actor, A.NOTIFY, target, data={"notice": document.number, "statement_deadline": statement,
                                                   "hearing_deadline": case.hearing_deadline},
              fields=("notice_served_on", "statement_deadline", "hearing_right", "hearing_deadline"))
        return
    target = check_case_step(case, A.DECIDE)
    case.decided_on = day
    case.total_fine = int(document.content.get("total_fine") or 0)
    case.payment_due = procedure.due("fine_payment", day) if case.total_fine else None
    move_case(case, actor, A.DECIDE, target, data={"decision": document.number, "payment_due": case.payment_due},
          fields=("decided_on", "total_fine", "payment_due"))
