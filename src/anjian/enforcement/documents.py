"""The life of an enforcement document after it is drafted: save a draft, approve it (which numbers it and
fixes its hash), serve, execute, close, withdraw.

Each service checks permission and the transitions table, locks the row, writes in one transaction,
records a DocumentEvent and an audit event, and queues notifications after commit. The type-specific
drafting is in ``drafts.py`` (and ``cases.py`` for the penalty notice and decision); the type-specific
checks at approval and effects of service are called from here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from anjian.core import notify
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enforcement import common as c
from anjian.enforcement import numbering
from anjian.enforcement import permissions as perms
from anjian.enforcement.choices import (
    ALLOWED_IN,
    CASE_TYPES,
    TRANSITIONS,
    DocAction,
    DocState,
    DocType,
    ServiceMethod,
)
from anjian.enforcement.models import DocumentEvent, EnforcementDocument
from anjian.enforcement.queries import documents_visible_to
from anjian.enterprises.queries import enterprises_visible_to

A = DocAction


# --- helpers ----------------------------------------------------------------------------------------------------


def document_url(document: EnforcementDocument) -> str:
    return reverse("enforcement:detail", args=[document.pk])


def _lock(document: EnforcementDocument) -> EnforcementDocument:
    return (
        EnforcementDocument.objects.select_for_update(of=("self",))
        .select_related("authority", "authority__region", "enterprise")
        .get(pk=document.pk)
    )


def check_state(document: EnforcementDocument, action: str) -> str | None:
    return c.check_state(document, action, TRANSITIONS, ALLOWED_IN, DocState, DocAction)


def _event(document, actor, action, *, from_state="", reason="", data=None) -> DocumentEvent:
    return c.record_event(
        DocumentEvent, "document", document, actor, action, from_state=from_state, reason=reason, data=data,
        prefix="enforcement",
    )


def _move(document, actor, action, target, *, reason="", data=None, fields=()) -> None:
    from_state = document.state
    document.state = target
    document.state_changed_at = c.now()
    document.save(update_fields=["state", "state_changed_at", "updated_at", *fields])
    _event(document, actor, action, from_state=from_state, reason=reason, data=data)


def _visible(actor, document) -> None:
    if perms.is_system(actor):
        return
    if not documents_visible_to(actor).filter(pk=document.pk).exists():
        raise PermissionDeniedError(_("该文书不在您的管辖范围内。"))


def check_drafter(actor, enterprise) -> None:
    if not perms.can_draft(actor):
        raise PermissionDeniedError(_("只有执法人员、局领导和行业部门人员可以制作执法文书。"))
    if not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDeniedError(_("该企业不在您的管辖范围内。"))


def _check_issuer(actor, document) -> None:
    if not perms.is_issuer(actor, document):
        raise PermissionDeniedError(_("只有制作机关的执法人员可以办理该文书。"))


def _message(document, kind: str, title: str, body: str = "") -> notify.Message:
    return notify.Message(
        kind=kind, title=title, body=body or f"{document.enterprise.name}：{document.title}",
        url=document_url(document), object_type="enforcement.enforcementdocument", object_id=str(document.pk),
    )


# The one-live-document rules (partial unique constraints), by the type they guard.
_ONE_LIVE = {
    DocType.INSPECTION_RECORD: ("record_exists", _lazy("该检查已有现场检查记录。")),
    DocType.REVIEW_OPINION: ("review_exists", _lazy("该指令书已有整改复查意见书。")),
    DocType.PENALTY_NOTICE: ("document_exists", _lazy("该案件已有行政处罚告知书（草稿或已签发）。")),
    DocType.PENALTY_DECISION: ("document_exists", _lazy("该案件已有行政处罚决定书（草稿或已签发）。")),
}


def _save_new(document: EnforcementDocument) -> None:
    try:
        with transaction.atomic():
            document.save(force_insert=True)
    except IntegrityError:
        code, message = _ONE_LIVE.get(document.doc_type, ("document_exists", _("已有同类文书，请先处理。")))
        raise ConflictError(message, code=code) from None


def save_draft(*, actor, doc_type: str, enterprise, content: dict, document=None, inspection=None, case=None,
               parent=None, deadline=None, inspectors=None, data=None) -> EnforcementDocument:
    """Create the draft (or, with ``document``, replace a draft's content) and record the step."""
    with transaction.atomic():
        if document is None:
            document = EnforcementDocument(
                authority=actor.authority, enterprise=enterprise, region_code=enterprise.region_code,
                doc_type=doc_type, inspection=inspection, case=case, parent=parent, content=content,
                party=c.enterprise_snapshot(enterprise), inspectors=inspectors or [], deadline=deadline,
                drafted_by=actor,
            )
            _save_new(document)
            _event(document, actor, A.CREATE, data={"doc_type": doc_type, **(data or {})})
            notify.notify(
                perms.approvers_of(document),
                _message(document, "enforcement.to_approve", _("执法文书待签发：{}").format(document.title)),
            )
            return document
        document = _lock(document)
        if not perms.can_edit_draft(actor, document):
            raise PermissionDeniedError(_("只有起草人可以修改草稿。"))
        check_state(document, A.UPDATE)
        before = document.content
        document.content = content
        document.deadline = deadline
        if inspectors is not None:
            document.inspectors = inspectors
        document.party = c.enterprise_snapshot(document.enterprise)
        document.save(update_fields=["content", "deadline", "inspectors", "party", "updated_at"])
        changed = sorted(k for k in set(before) | set(content) if before.get(k) != content.get(k))
        _event(document, actor, A.UPDATE, data={"changed": changed})
    return document


# --- approve, serve, execute, close, withdraw ---------------------------------------------------------------------


def document_hash(document: EnforcementDocument) -> str:
    """SHA-256 over everything the document prints: fixed at approval, checked on its page."""
    return c.canonical_hash({
        # The authority by id: renaming a bureau must not make every document it issued look altered.
        "type": document.doc_type, "authority": document.authority_id,
        "number": document.number, "issued_on": document.issued_on, "party": document.party,
        "inspectors": document.inspectors, "content": document.content,
    })


def document_intact(document: EnforcementDocument) -> bool | None:
    return None if not document.content_hash else document_hash(document) == document.content_hash


def _before_approve(document: EnforcementDocument, day: datetime.date) -> None:
    """The type's checks on the locked row, and its derived parts rebuilt from their source."""
    # drafts and cases import this module, so they are imported here, when first needed.
    if document.doc_type == DocType.INSPECTION_RECORD:
        from anjian.enforcement import drafts

        drafts.check_record_intact(document.inspection)
        document.content = drafts.inspection_record_content(document.inspection)
    elif document.doc_type == DocType.RECTIFICATION_ORDER:
        if document.deadline and document.deadline <= day:
            raise ValidationError({"deadline": ValidationError(
                _("整改期限已到，请修改草稿中的期限后再签发。"), code="past_date")})
        document.review_due = document.deadline
    elif document.doc_type == DocType.REVIEW_OPINION:
        order = EnforcementDocument.objects.select_for_update().get(pk=document.parent_id)
        if order.state != DocState.SERVED:
            raise ConflictError(_("指令书已不在送达状态，不能签发复查意见。"), code="invalid_transition",
                                extra={"current_state": order.state})
    elif document.doc_type in CASE_TYPES:
        from anjian.enforcement import case_documents

        case_documents.before_approve(document, day)


def document_approve(*, actor, document: EnforcementDocument) -> EnforcementDocument:
    """签发: a leader of the issuing authority (see permissions), never the drafter. The document gets the
    next number of its authority, type and year (gap-free: the counter row is locked in this transaction),
    its date, the party as it stands today, and its content hash; it never changes after this."""
    _visible(actor, document)
    with transaction.atomic():
        document = _lock(document)
        if not perms.can_approve(actor, document):
            if getattr(actor, "pk", None) == document.drafted_by_id:
                raise PermissionDeniedError(_("起草人不能签发自己起草的文书。"), code="self_approval")
            raise PermissionDeniedError(_("只有制作机关的负责人可以签发文书。"))
        target = check_state(document, A.APPROVE)
        day = c.today()
        _before_approve(document, day)
        document.party = c.enterprise_snapshot(document.enterprise)
        document.year = day.year
        document.serial = numbering.take_serial(document.authority, document.doc_type, day.year)
        document.number = numbering.format_number(document.authority, document.doc_type, day.year, document.serial)
        if document.doc_type == DocType.INSPECTION_RECORD and document.inspection.ended_at:
            document.issued_on = timezone.localtime(document.inspection.ended_at).date()
        else:
            document.issued_on = day
        document.approved_by = c.user_or_none(actor)
        document.approved_at = c.now()
        document.content_hash = document_hash(document)
        _move(
            document, actor, A.APPROVE, target,
            data={"number": document.number, "content_hash": document.content_hash},
            fields=("content", "party", "year", "serial", "number", "issued_on", "approved_by", "approved_at",
                    "content_hash", "review_due"),
        )
        notify.notify(
            [document.drafted_by_id],
            _message(document, "enforcement.approved", _("执法文书已签发：{}").format(document.number)),
        )
    return document


def document_serve(*, actor, document: EnforcementDocument, served_at, method: str, recipient: str,
                   note: str = "") -> EnforcementDocument:
    """送达: when, how (直接/留置/邮寄/电子/公告/委托送达) and to whom. From now on the enterprise sees it."""
    _visible(actor, document)
    errors = c.Errors()
    if isinstance(served_at, str):
        try:
            served_at = datetime.datetime.fromisoformat(served_at)
        except ValueError:
            served_at = None
    if isinstance(served_at, datetime.date) and not isinstance(served_at, datetime.datetime):
        served_at = datetime.datetime.combine(served_at, datetime.time(9))
    if isinstance(served_at, datetime.datetime) and not c.YEARS[0] <= served_at.year <= c.YEARS[1]:
        errors.add("served_at", _("送达时间不正确。"), "out_of_range")
    elif not isinstance(served_at, datetime.datetime):
        errors.add("served_at", _("请填写送达时间。"), "required")
    else:
        if timezone.is_naive(served_at):
            served_at = timezone.make_aware(served_at)
        if served_at > c.now() + datetime.timedelta(minutes=10):
            errors.add("served_at", _("送达时间不能晚于现在。"), "future")
    if method not in ServiceMethod.values:
        errors.add("method", _("请选择送达方式。"), "invalid_choice")
    recipient = c.text(recipient, "recipient", errors, required=_("请填写受送达人（签收人）。"), max_length=100)
    note = c.text(note, "note", errors, max_length=300)
    if method == ServiceMethod.LEFT and not note:
        errors.add("note", _("留置送达须注明拒收情况和见证人。"), "required")
    errors.raise_if_any()
    with transaction.atomic():
        document = _lock(document)
        _check_issuer(actor, document)
        target = check_state(document, A.SERVE)
        if document.approved_at and served_at < document.approved_at - datetime.timedelta(minutes=1):
            raise ValidationError({"served_at": ValidationError(_("送达时间不能早于签发时间。"), code="too_early")})
        document.served_at, document.service_method, document.recipient = served_at, method, recipient
        document.service_note, document.served_by = note, c.user_or_none(actor)
        _move(
            document, actor, A.SERVE, target, data={"method": method, "recipient": recipient, "served_at": served_at},
            fields=("served_at", "service_method", "recipient", "service_note", "served_by"),
        )
        _after_serve(document, actor, timezone.localtime(served_at).date())
        from anjian.hazards.services import enterprise_managers

        served_on_party = document.doc_type != DocType.REFERRAL  # a referral is served on the receiving organ
        notify.notify(
            enterprise_managers(document.enterprise_id) if served_on_party else [],
            _message(document, "enforcement.served", _("你单位收到{title}（{number}）").format(
                title=document.title, number=document.number)),
        )
    return document


def _after_serve(document: EnforcementDocument, actor, day: datetime.date) -> None:
    if document.doc_type == DocType.REVIEW_OPINION:
        order = EnforcementDocument.objects.select_for_update().get(pk=document.parent_id)
        if order.state == DocState.SERVED:
            if document.content.get("passed"):
                _move(order, actor, A.EXECUTE, DocState.EXECUTED, reason=_("复查合格（{}）").format(document.number))
            else:
                _move(order, actor, A.CLOSE, DocState.CLOSED, reason=_("复查不合格（{}）").format(document.number))
    elif document.doc_type in CASE_TYPES:
        from anjian.enforcement import case_documents

        case_documents.after_serve(document, actor, day)


def document_execute(*, actor, document: EnforcementDocument, note: str = "") -> EnforcementDocument:
    """执行完毕: the order was complied with, the measure lifted (解除查封扣押), the referral accepted …"""
    _visible(actor, document)
    with transaction.atomic():
        document = _lock(document)
        _check_issuer(actor, document)
        target = check_state(document, A.EXECUTE)
        if document.doc_type == DocType.RECTIFICATION_ORDER:
            # An order is done when its review (复查) finds it done: serving a passed review executes it.
            raise ConflictError(_("责令限期整改指令书须经整改复查意见书复查合格后执行完毕。"), code="review_required")
        _move(document, actor, A.EXECUTE, target, reason=(note or "").strip())
    return document


def document_close(*, actor, document: EnforcementDocument, reason: str) -> EnforcementDocument:
    """终结 without execution (e.g. superseded by a penalty case or a referral); a reason is required."""
    _visible(actor, document)
    errors = c.Errors()
    reason = c.text(reason, "reason", errors, required=_("请写明终结的理由。"))
    errors.raise_if_any()
    with transaction.atomic():
        document = _lock(document)
        _check_issuer(actor, document)
        target = check_state(document, A.CLOSE)
        _move(document, actor, A.CLOSE, target, reason=reason)
    return document


def document_void(*, actor, document: EnforcementDocument, reason: str) -> EnforcementDocument:
    """作废 a signed document that was not served (whoever may approve it): it keeps its number, never reaches
    the party, and frees its source for a corrected document."""
    _visible(actor, document)
    errors = c.Errors()
    reason = c.text(reason, "reason", errors, required=_("请写明作废的理由。"))
    errors.raise_if_any()
    with transaction.atomic():
        document = _lock(document)
        if not perms.can_void(actor, document):
            raise PermissionDeniedError(_("只有制作机关的负责人可以作废已签发的文书。"))
        target = check_state(document, A.VOID)
        document.review_due = None
        _move(document, actor, A.VOID, target, reason=reason, fields=("review_due",))
    return document


def document_withdraw(*, actor, document: EnforcementDocument, reason: str) -> EnforcementDocument:
    """Withdraw a draft (the drafter, or whoever would approve it). An approved document is never withdrawn:
    it has its number; a wrong one is corrected by a new document."""
    _visible(actor, document)
    errors = c.Errors()
    reason = c.text(reason, "reason", errors, required=_("请写明撤回的理由。"))
    errors.raise_if_any()
    with transaction.atomic():
        document = _lock(document)
        if not perms.can_withdraw(actor, document):
            raise PermissionDeniedError(_("只有起草人或签发人可以撤回草稿。"))
        target = check_state(document, A.WITHDRAW)
        _move(document, actor, A.WITHDRAW, target, reason=reason)
    return document
