"""Drafting each enforcement document from its source — 现场检查记录 from a finished inspection, 责令限期整改
指令书 from its findings, 整改复查意见书 for a served order, 现场处理措施决定书, 强制措施决定书 (and its one
extension), 移送书 — and editing a draft with the same checks. The penalty notice and decision are drafted
in ``cases.py``. Every function validates into field errors before it writes anything."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enforcement import case_documents
from anjian.enforcement import common as c
from anjian.enforcement import permissions as perms
from anjian.enforcement.cases import check_case_step
from anjian.enforcement.choices import LIVE_STATES, CoerciveMeasure, DocAction, DocState, DocType, NextAction
from anjian.enforcement.documents import check_drafter, check_state, save_draft
from anjian.enforcement.models import EnforcementDocument
from anjian.inspections.choices import DONE_STATES, ItemResult, SignatureKind, SignerRole
from anjian.inspections.queries import inspections_visible_to
from anjian.rules import procedure, violations

ORDER_BASIS = "依据《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项的规定"
ORDER_REQUIREMENTS = (
    "整改期间应当采取有效的安全防范措施，防止事故发生；整改完成后，请于期限届满前将整改情况书面报告本机关。"
)
ONSITE_BASIS = "依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定"
RESUME_CONDITION = "重大事故隐患排除后，经本机关审查同意，方可恢复生产经营和使用。"
COERCIVE_BASIS = (
    "依据《中华人民共和国安全生产法》第六十五条第一款第（四）项和《中华人民共和国行政强制法》第九条、第二十五条的规定"
)
EXTENSION_BASIS = "依据《中华人民共和国行政强制法》第二十五条的规定"
CRIMINAL_LAW = "《中华人民共和国刑法》"
# 《行政执法机关移送涉嫌犯罪案件的规定》第六条 lists what goes with a referral (not in the statute mirror).
REFERRAL_MATERIALS = (
    "涉嫌犯罪案件移送书", "涉嫌犯罪案件调查报告", "涉案物品清单", "有关检验报告或者鉴定结论", "其他有关涉嫌犯罪的材料",
)

# A failed review that proposes a referral cites 刑法 第一百三十四条之一第（二）项 (拒不执行停产停业等).
REFUSAL_CRIME = "xf.134-1.2"


# --- helpers ----------------------------------------------------------------------------------------------------


def _officers(actor, users, day: datetime.date, errors: c.Errors, default, document=None) -> list[dict] | None:
    """The officers printed on the document: the ones given (officers of the drafter's authority), or
    ``default`` (the inspection's team, else the drafter). Editing a draft without naming them keeps
    the draft's (None)."""
    users = list(users or [])
    if not users:
        if document is not None:
            return None
        return default if default else c.officers_snapshot([actor], day)
    for user in users:
        if user.authority_id != actor.authority_id or user.role not in perms.DRAFTERS or not user.is_active:
            errors.add("inspectors", _("{name} 不是本机关的执法人员。").format(name=user.display_name), "invalid")
    return c.officers_snapshot(users, day)


def _findings(value, errors: c.Errors, *, required: bool = True) -> list[dict]:
    """[{no, description, basis}] from a list of dicts with ``description`` and ``basis``."""
    out = []
    for entry in value or []:
        description = (entry.get("description") or "").strip()
        if not description:
            continue
        basis = (entry.get("basis") or "").strip()[:500]
        out.append({"no": len(out) + 1, "description": description[:2000], "basis": basis})
    if required and not out:
        errors.add("findings", _("请至少列出一项问题。"), "no_findings")
    return out


def inspection_findings(inspection) -> list[dict]:
    """The non-compliant items of an inspection as findings: what was required and what was found."""
    out = []
    for item in inspection.items.filter(result=ItemResult.NON_COMPLIANT).order_by("position", "id"):
        description = f"{item.requirement}：{item.note}" if item.note else item.requirement
        out.append({"no": len(out) + 1, "description": description, "basis": item.basis})
    return out


def source_inspection(actor, inspection) -> None:
    if not inspections_visible_to(actor).filter(pk=inspection.pk).exists():
        raise PermissionDeniedError(_("该检查不在您的管辖范围内。"))
    if not perms.is_system(actor) and not inspection_belongs_to(actor, inspection):
        # Documents are the acts of the authority that inspected (or took part in a joint inspection).
        raise PermissionDeniedError(_("只能依据本机关开展（或参加联合检查）的检查制作文书。"))
    if inspection.state not in DONE_STATES:
        raise ConflictError(
            _("检查尚未结束，不能据此制作文书。"), code="inspection_not_done", extra={"current_state": inspection.state}
        )


def inspection_belongs_to(actor, inspection) -> bool:
    if inspection.authority_id is None:
        return False
    return inspection.authority_id == actor.authority_id or inspection.partners.filter(pk=actor.authority_id).exists()


def check_record_intact(inspection) -> None:
    from anjian.inspections.services import content_hash

    if inspection.content_hash and content_hash(inspection) != inspection.content_hash:
        raise ConflictError(_("检查记录与结束检查时的摘要不一致，记录可能被篡改。"), code="record_tampered")


# --- 现场检查记录 ---------------------------------------------------------------------------------------------------


def inspection_record_content(inspection) -> dict[str, Any]:
    items = list(inspection.items.order_by("position", "id"))
    checked = sum(1 for i in items if i.result in (ItemResult.COMPLIANT, ItemResult.NON_COMPLIANT))
    failed = [i for i in items if i.result == ItemResult.NON_COMPLIANT]
    with translation.override(c.DOCUMENT_LANGUAGE):
        signatures = [
            {
                "role": str(SignerRole(s.role).label),
                "name": s.name,
                "signed_at": c.iso(s.signed_at) if s.kind == SignatureKind.SIGNED else None,
                "refused": s.kind == SignatureKind.REFUSED,
                "refusal_reason": s.refusal_reason,
                "witness_name": s.witness_name,
            }
            for s in inspection.signatures.order_by("id")
        ]
        kind = str(inspection.get_kind_display())
    return {
        "inspection_number": inspection.number,
        "kind": kind,
        "started_at": c.iso(inspection.started_at),
        "ended_at": c.iso(inspection.ended_at),
        "location": inspection.location,
        "template_title": inspection.template.title,
        "items_checked": checked,
        "items_failed": len(failed),
        "findings": [
            {"no": n, "requirement": i.requirement, "note": i.note, "basis": i.basis} for n, i in enumerate(failed, 1)
        ],
        "summary": inspection.summary,
        "signatures": signatures,
        "content_hash": inspection.content_hash,
    }


def inspection_record_draft(*, actor, inspection, document=None) -> EnforcementDocument:
    """现场检查记录 of a finished inspection: its findings, signatures and record hash, as they stand. The
    body is wholly the inspection's, so it is rebuilt at approval (signatures added meanwhile are printed)."""
    check_drafter(actor, inspection.enterprise)
    source_inspection(actor, inspection)
    check_record_intact(inspection)
    return save_draft(
        actor=actor, doc_type=DocType.INSPECTION_RECORD, enterprise=inspection.enterprise, inspection=inspection,
        content=inspection_record_content(inspection), inspectors=c.inspection_officers(inspection),
        document=document,
    )


# --- 责令限期整改指令书 ---------------------------------------------------------------------------------------------


def rectification_order_draft(*, actor, inspection, deadline, findings=None, requirements=None,
                              document=None) -> EnforcementDocument:
    """责令限期整改指令书 (安全生产法 第六十五条第一款第（二）项、第（三）项) from an inspection's findings (by
    default its non-compliant items, as the drafter may reword them) with the rectification deadline; the
    review of the order falls due on that deadline."""
    check_drafter(actor, inspection.enterprise)
    source_inspection(actor, inspection)
    errors = c.Errors()
    deadline = c.date(deadline, "deadline", errors, required=_("请填写整改期限。"))
    if deadline and deadline <= c.today():
        errors.add("deadline", _("整改期限须晚于今天。"), "past_date")
    elif deadline and deadline > c.today() + datetime.timedelta(days=366):
        errors.add("deadline", _("整改期限不超过一年。"), "too_far")
    found = _findings(inspection_findings(inspection) if findings is None else findings, errors)
    requirements = c.text(ORDER_REQUIREMENTS if requirements is None else requirements, "requirements", errors)
    errors.raise_if_any()
    content = {
        "findings": found,
        "deadline": c.iso(deadline),
        "legal_basis": ORDER_BASIS,
        "requirements": requirements,
        "inspection_number": inspection.number,
    }
    return save_draft(
        actor=actor, doc_type=DocType.RECTIFICATION_ORDER, enterprise=inspection.enterprise, inspection=inspection,
        content=content, deadline=deadline, inspectors=c.inspection_officers(inspection), document=document,
    )


# --- 整改复查意见书 -------------------------------------------------------------------------------------------------


def review_opinion_draft(*, actor, order, review_date, results, opinion="", next_action="", inspectors=None,
                         document=None) -> EnforcementDocument:
    """整改复查意见书 for a served order: each finding rectified or not; passed when all are. A failed review
    may propose the next step: a penalty case, 责令暂时停产停业 or a referral."""
    check_drafter(actor, order.enterprise)
    if order.doc_type != DocType.RECTIFICATION_ORDER:
        raise ConflictError(_("只能对责令限期整改指令书进行复查。"), code="not_an_order")
    if not perms.is_issuer(actor, order):
        raise PermissionDeniedError(_("只有作出指令书的机关可以复查。"))
    if order.state != DocState.SERVED:
        raise ConflictError(
            _("指令书送达后方可复查。"), code="invalid_transition", extra={"current_state": order.state}
        )
    errors = c.Errors()
    review_date = c.date(review_date, "review_date", errors, required=_("请填写复查日期。"))
    if review_date and review_date > c.today():
        errors.add("review_date", _("复查日期不能晚于今天。"), "future")
    elif review_date and order.issued_on and review_date < order.issued_on:
        errors.add("review_date", _("复查日期不能早于指令书日期。"), "too_early")
    by_no = {}
    for entry in results or []:
        try:
            by_no[int(entry.get("no"))] = entry
        except (TypeError, ValueError):
            continue
    out = []
    for finding in order.content.get("findings", []):
        entry = by_no.get(finding["no"])
        if entry is None or entry.get("rectified") is None:
            errors.add("results", _("请逐项填写第{n}项的整改情况。").format(n=finding["no"]), "incomplete")
            continue
        out.append({
            "no": finding["no"], "description": finding["description"], "rectified": bool(entry["rectified"]),
            "note": (entry.get("note") or "").strip()[:1000],
        })
    passed = bool(out) and all(r["rectified"] for r in out)
    next_action = next_action or ""
    if next_action not in NextAction.values:
        errors.add("next_action", _("请选择下一步措施。"), "invalid_choice")
    elif passed and next_action:
        errors.add("next_action", _("复查合格时无需后续措施。"), "not_applicable")
    opinion = c.text(opinion, "opinion", errors)
    officers = _officers(actor, inspectors, review_date or c.today(), errors, order.inspectors, document)
    errors.raise_if_any()
    content = {
        "order_number": order.number,
        "order_date": c.iso(order.issued_on),
        "review_date": c.iso(review_date),
        "results": out,
        "passed": passed,
        "opinion": opinion,
        "next_action": next_action,
    }
    return save_draft(
        actor=actor, doc_type=DocType.REVIEW_OPINION, enterprise=order.enterprise, inspection=order.inspection,
        parent=order, case=order.case, content=content, inspectors=officers, document=document,
        data={"passed": passed},
    )


def unrectified_findings(review) -> list[dict]:
    return [
        {"no": n, "description": r["description"], "basis": ""}
        for n, r in enumerate((r for r in review.content.get("results", []) if not r["rectified"]), 1)
    ]


# --- 现场处理措施决定书 ---------------------------------------------------------------------------------------------


def onsite_measures_draft(*, actor, measures, enterprise=None, inspection=None, review=None, findings=None,
                          legal_basis=None, resume_condition=None, inspectors=None,
                          document=None) -> EnforcementDocument:
    """现场处理措施决定书 (安全生产法 第六十五条第一款第（三）项: 撤出作业人员、暂时停产停业、停止使用设施设备)
    from an inspection's findings, a failed review's unrectified findings, or findings written by hand."""
    if review is not None:
        enterprise, inspection = review.enterprise, review.inspection
        if review.doc_type != DocType.REVIEW_OPINION or review.content.get("passed"):
            raise ConflictError(_("只能依据复查不合格的意见书采取现场处理措施。"), code="review_passed")
    elif inspection is not None:
        enterprise = inspection.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": ValidationError(_("请选择企业。"), code="required")})
    check_drafter(actor, enterprise)
    if inspection is not None and review is None:
        source_inspection(actor, inspection)
    if review is not None and not perms.is_issuer(actor, review):
        raise PermissionDeniedError(_("只有作出复查意见的机关可以据此采取措施。"))
    errors = c.Errors()
    if findings is None:
        findings = unrectified_findings(review) if review else inspection_findings(inspection) if inspection else []
    found = _findings(findings, errors)
    measure_list = c.lines(measures)
    if not measure_list:
        errors.add("measures", _("请至少选择或填写一项现场处理措施。"), "required")
    legal_basis = c.text(ONSITE_BASIS if legal_basis is None else legal_basis, "legal_basis", errors,
                         required=_("请填写法律依据。"), max_length=500)
    resume = c.text(RESUME_CONDITION if resume_condition is None else resume_condition, "resume_condition", errors)
    default = c.inspection_officers(inspection) if inspection else (review.inspectors if review else None)
    officers = _officers(actor, inspectors, c.today(), errors, default, document)
    errors.raise_if_any()
    content = {"findings": found, "measures": measure_list, "legal_basis": legal_basis, "resume_condition": resume}
    return save_draft(
        actor=actor, doc_type=DocType.ONSITE_MEASURES, enterprise=enterprise, inspection=inspection, parent=review,
        content=content, inspectors=officers, document=document,
    )


# --- 强制措施决定书 -------------------------------------------------------------------------------------------------


def coercive_measures_draft(*, actor, measure, reason, items, start_date, period_days=None, enterprise=None,
                            inspection=None, extends=None, legal_basis=None, inspectors=None,
                            document=None) -> EnforcementDocument:
    """强制措施决定书: 查封 or 扣押 with the list of places, facilities or goods. The period is at most 30 days
    (行政强制法 第二十五条, rules.procedure ``seizure_period``). ``extends`` makes it the one extension of a
    served measure, of at most 30 more days from the original end (``seizure_extension``)."""
    if extends is not None:
        enterprise, inspection = extends.enterprise, extends.inspection
    elif inspection is not None:
        enterprise = inspection.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": ValidationError(_("请选择企业。"), code="required")})
    check_drafter(actor, enterprise)
    if inspection is not None and extends is None:
        source_inspection(actor, inspection)
    errors = c.Errors()
    if measure not in CoerciveMeasure.values:
        errors.add("measure", _("请选择查封或扣押。"), "invalid_choice")
    reason = c.text(reason, "reason", errors, required=_("请写明查封、扣押的理由。"))
    rows = []
    for entry in items or []:
        name = (entry.get("name") or "").strip()[:200]
        if not name:
            continue
        quantity = (str(entry.get("quantity") or "")).strip()[:50]
        if not quantity:
            errors.add("items", _("请填写「{name}」的数量。").format(name=name), "required")
        rows.append({
            "name": name, "spec": (entry.get("spec") or "").strip()[:200], "quantity": quantity,
            "location": (entry.get("location") or "").strip()[:200],
        })
    if not rows:
        errors.add("items", _("请列出查封、扣押的场所、设施或者财物。"), "required")
    code = "seizure_period"
    if extends is not None:
        if not perms.is_system(actor) and extends.authority_id != actor.authority_id:
            raise PermissionDeniedError(_("只能延长本机关作出的查封、扣押。"))
        if extends.doc_type != DocType.COERCIVE_MEASURES or extends.state != DocState.SERVED:
            raise ConflictError(_("只能延长已送达、尚未解除的查封、扣押。"), code="invalid_transition",
                                extra={"current_state": extends.state})
        if extends.parent_id and extends.parent.doc_type == DocType.COERCIVE_MEASURES:
            raise ConflictError(_("查封、扣押期限只能延长一次（行政强制法第二十五条）。"), code="already_extended")
        if extends.children.filter(doc_type=DocType.COERCIVE_MEASURES, state__in=LIVE_STATES).exists():
            raise ConflictError(_("该查封、扣押已有延期决定。"), code="already_extended")
        code = "seizure_extension"
        start_date = datetime.date.fromisoformat(extends.content["end_date"])
        measure = CoerciveMeasure.SEAL if extends.content.get("measure") == "查封" else CoerciveMeasure.SEIZE
    clock = procedure.clock(code)
    start_date = c.date(start_date, "start_date", errors, required=_("请填写开始日期。"))
    if start_date and extends is None and abs((start_date - c.today()).days) > 30:
        errors.add("start_date", _("开始日期应为实施查封、扣押之日。"), "invalid")
    period_days = c.integer(clock.amount if period_days in (None, "") else period_days, "period_days", errors,
                            low=1, high=clock.amount)
    if errors.fields.get("period_days"):
        errors.fields["period_days"] = [ValidationError(
            _("期限为1至{n}日（{source}）。").format(n=clock.amount, source=clock.source), code="period_too_long")]
    default_basis = EXTENSION_BASIS if extends is not None else COERCIVE_BASIS
    legal_basis = c.text(default_basis if legal_basis is None else legal_basis, "legal_basis", errors,
                         required=_("请填写法律依据。"), max_length=500)
    default = c.inspection_officers(inspection) if inspection else (extends.inspectors if extends else None)
    officers = _officers(actor, inspectors, start_date or c.today(), errors, default, document)
    errors.raise_if_any()
    end_date = procedure.due(code, start_date, amount=period_days)
    content = {
        "measure": "",
        "reason": reason,
        "legal_basis": legal_basis,
        "items": rows,
        "start_date": c.iso(start_date),
        "end_date": c.iso(end_date),
        "period_days": period_days,
    }
    with translation.override(c.DOCUMENT_LANGUAGE):
        content["measure"] = str(CoerciveMeasure(measure).label)
    return save_draft(
        actor=actor, doc_type=DocType.COERCIVE_MEASURES, enterprise=enterprise, inspection=inspection,
        parent=extends, content=content, deadline=end_date, inspectors=officers, document=document,
        data={"extension": extends is not None},
    )


# --- 移送书 --------------------------------------------------------------------------------------------------------


def crime_reference_content(code: str) -> dict | None:
    if not code:
        return None
    ref = violations.crime_reference(code)
    return {"citation": f"{CRIMINAL_LAW}{ref.article}{ref.item}", "text": ref.text}


def referral_draft(*, actor, receiver, reason, facts=None, enterprise=None, case=None, review=None,
                   crime_reference=None, materials=None, contact="", inspectors=None,
                   document=None) -> EnforcementDocument:
    """移送书: hand a case over to the judicial organs (公安机关) or another authority. After a failed review it
    cites 刑法 第一百三十四条之一第（二）项 by default (拒不执行因存在重大事故隐患被依法责令停产停业…的)."""
    if case is not None:
        enterprise = case.enterprise
    elif review is not None:
        enterprise = review.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": ValidationError(_("请选择企业。"), code="required")})
    check_drafter(actor, enterprise)
    for source in (case, review):
        if source is not None and not perms.is_issuer(actor, source):
            raise PermissionDeniedError(_("只有办理该案件（文书）的机关可以移送。"))
    if case is not None:
        check_case_step(case, "referral_draft")
    errors = c.Errors()
    receiver = c.text(receiver, "receiver", errors, required=_("请填写接收移送的机关。"), max_length=100)
    reason = c.text(reason, "reason", errors, required=_("请写明移送的理由。"))
    if facts is None:
        if case is not None:
            facts = case.facts
        else:
            facts = "；".join(f["description"] for f in unrectified_findings(review)) if review else ""
    facts = c.text(facts, "facts", errors, required=_("请写明违法事实。"))
    if crime_reference is None:
        crime_reference = REFUSAL_CRIME if review is not None else ""
    reference = None
    try:
        reference = crime_reference_content(crime_reference or "")
    except KeyError:
        errors.add("crime_reference", _("未知的刑法条款。"), "invalid_choice")
    material_list = c.lines(list(REFERRAL_MATERIALS) if materials is None else materials)
    contact = c.text(contact, "contact", errors, max_length=200)
    officers = _officers(actor, inspectors, c.today(), errors, review.inspectors if review else None,
                        document)
    errors.raise_if_any()
    content = {
        "receiver": receiver,
        "case_number": case.number if case else "",
        "facts": facts,
        "reason": reason,
        "crime_reference": reference,
        "materials": material_list,
        "contact": contact,
    }
    return save_draft(
        actor=actor, doc_type=DocType.REFERRAL, enterprise=enterprise, case=case, parent=review,
        inspection=review.inspection if review else (case.source_inspection if case else None),
        content=content, inspectors=officers, document=document, data={"crime_reference": crime_reference or ""},
    )


# --- edit a draft ---------------------------------------------------------------------------------------------------


def current_fields(document: EnforcementDocument) -> dict:
    """A draft's editable values as its drafting service takes them (so an edit may name only what changes)."""
    b = document.content
    t = document.doc_type
    if t == DocType.RECTIFICATION_ORDER:
        return {"deadline": document.deadline, "findings": b.get("findings", []),
                "requirements": b.get("requirements", "")}
    if t == DocType.REVIEW_OPINION:
        return {"review_date": b.get("review_date"), "opinion": b.get("opinion", ""),
                "next_action": b.get("next_action", ""),
                "results": [{"no": r["no"], "rectified": r["rectified"], "note": r.get("note", "")}
                            for r in b.get("results", [])]}
    if t == DocType.ONSITE_MEASURES:
        return {k: b.get(k) for k in ("findings", "measures", "legal_basis", "resume_condition")}
    if t == DocType.COERCIVE_MEASURES:
        return {"measure": CoerciveMeasure.SEAL if b.get("measure") == "查封" else CoerciveMeasure.SEIZE,
                "reason": b.get("reason", ""), "items": b.get("items", []), "start_date": b.get("start_date"),
                "period_days": b.get("period_days"), "legal_basis": b.get("legal_basis")}
    if t == DocType.REFERRAL:
        ref = b.get("crime_reference") or {}
        code = next((r.code for r in violations.CRIME_REFERENCES
                     if ref.get("citation", "").endswith(f"{r.article}{r.item}")), "")
        return {"receiver": b.get("receiver", ""), "reason": b.get("reason", ""), "facts": b.get("facts", ""),
                "crime_reference": code, "materials": b.get("materials", []), "contact": b.get("contact", "")}
    if t == DocType.PENALTY_NOTICE:
        return {k: b.get(k, "") for k in ("facts", "evidence", "contact")}
    if t == DocType.PENALTY_DECISION:
        return {k: b.get(k, "") for k in ("facts", "evidence", "statement_summary", "hearing_summary",
                                           "payment_place", "review_body", "court")}
    return {}


def document_update(*, actor, document: EnforcementDocument, data: dict) -> EnforcementDocument:
    """Edit a draft with the same checks as drafting it, from the same source. Values not given stay as
    they are."""
    if not perms.can_edit_draft(actor, document):
        raise PermissionDeniedError(_("只有起草人可以修改草稿。"))
    check_state(document, DocAction.UPDATE)
    t = document.doc_type
    kw = {"actor": actor, "document": document, **current_fields(document), **data}
    if t == DocType.INSPECTION_RECORD:
        return inspection_record_draft(actor=actor, inspection=document.inspection, document=document)
    if t == DocType.RECTIFICATION_ORDER:
        return rectification_order_draft(inspection=document.inspection, **kw)
    if t == DocType.REVIEW_OPINION:
        return review_opinion_draft(order=document.parent, **kw)
    if t == DocType.ONSITE_MEASURES:
        source = {"review": document.parent} if document.parent_id else (
            {"inspection": document.inspection} if document.inspection_id else {"enterprise": document.enterprise})
        return onsite_measures_draft(**source, **kw)
    if t == DocType.COERCIVE_MEASURES:
        source = {"extends": document.parent} if document.parent_id else (
            {"inspection": document.inspection} if document.inspection_id else {"enterprise": document.enterprise})
        return coercive_measures_draft(**source, **kw)
    if t == DocType.REFERRAL:
        source = {"case": document.case} if document.case_id else (
            {"review": document.parent} if document.parent_id else {"enterprise": document.enterprise})
        return referral_draft(**source, **kw)
    if t == DocType.PENALTY_NOTICE:
        return case_documents.notice_draft(case=document.case, **kw)
    return case_documents.decision_draft(case=document.case, **kw)
