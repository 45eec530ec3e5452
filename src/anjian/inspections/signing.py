"""The record and its signatures: ending the walk fixes the record's SHA-256; signing re-authenticates the
signer and binds them to that hash (with an HMAC-SM3 over the row); refusals with a witness; addenda; and
the integrity check the pages and the API show (谁检查谁签字)."""

import hashlib
import json
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import notify
from anjian.core.crypto import get_provider
from anjian.core.errors import ConflictError, PermissionDeniedError, ServiceError
from anjian.hazards import services as hazard_services
from anjian.inspections import permissions as perms
from anjian.inspections.choices import (
    ENTERPRISE_SIGNS,
    InspectionKind,
    ItemResult,
    SignatureKind,
    SignerRole,
)
from anjian.inspections.common import (
    A,
    _check_state,
    _check_walker,
    _enterprise_managers,
    _enterprise_may_know,
    _event,
    _lock,
    _message,
    _move,
    _now,
)
from anjian.inspections.models import (
    Inspection,
    InspectionAddendum,
    InspectionSignature,
)


class ReauthError(ServiceError):
    code = "reauth_failed"
    status = 403


# --- the record, its hash and the signatures --------------------------------------------------------------------


def record_content(inspection: Inspection) -> dict[str, Any]:
    """What the signers confirm: the inspection's facts, the team, every item's result and note and the
    fingerprints of its photos. Links to hazards, signatures and addenda are not part of it (they are added
    after the record and do not change what was seen)."""
    members = list(inspection.members.order_by("id"))
    items = list(inspection.items.order_by("position", "id").prefetch_related("photos"))
    return {
        "inspection": inspection.pk,
        "enterprise": [inspection.enterprise_id, inspection.enterprise_name],
        "authority": inspection.authority_id,
        "kind": inspection.kind,
        "template": [inspection.template_id, inspection.template.code, inspection.template.version],
        "started_at": inspection.started_at.isoformat() if inspection.started_at else None,
        "ended_at": inspection.ended_at.isoformat() if inspection.ended_at else None,
        "location": inspection.location,
        "position": [
            str(inspection.latitude) if inspection.latitude is not None else None,
            str(inspection.longitude) if inspection.longitude is not None else None,
        ],
        "members": [[m.user_id, m.name, m.role, m.credential_number] for m in members],
        "summary": inspection.summary,
        "items": [[i.code, i.requirement, i.result, i.note, sorted(p.sha256 for p in i.photos.all())] for i in items],
    }


def content_hash(inspection: Inspection) -> str:
    payload = json.dumps(record_content(inspection), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _signature_payload(sig: InspectionSignature) -> bytes:
    payload = [
        sig.inspection_id,
        sig.role,
        sig.kind,
        sig.signer_id,
        sig.name,
        sig.content_hash,
        sig.signed_at.isoformat(),
        sig.refusal_reason,
        sig.witness_id,
        sig.witness_name,
    ]
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature_valid(sig: InspectionSignature, current_hash: str) -> bool:
    """The signature row is as written (its MAC matches) and the record is still what was signed."""
    return get_provider().verify(_signature_payload(sig), sig.mac) and sig.content_hash == current_hash


def inspection_complete(*, actor, inspection: Inspection, summary: str = "") -> Inspection:
    """End the walk: every item answered; the end time and the summary are recorded and the record's hash
    is fixed. The record can no longer change, only be corrected by an addendum."""
    summary = (summary or "").strip()
    with transaction.atomic():
        inspection = _lock(inspection)
        _check_walker(actor, inspection)
        target = _check_state(inspection, A.COMPLETE)
        pending = inspection.items.filter(result=ItemResult.PENDING).count()
        if pending:
            raise ServiceError(
                _("还有 {n} 项未检查，请逐项记录（不适用的选「不适用」）。").format(n=pending),
                code="items_pending",
                extra={"pending": pending},
            )
        was_hidden = not _enterprise_may_know(inspection)
        inspection.ended_at = _now()
        inspection.summary = summary
        inspection.content_hash = content_hash(inspection)
        _move(
            inspection,
            actor,
            A.COMPLETE,
            target,
            fields=("ended_at", "summary", "content_hash"),
            data={"content_hash": inspection.content_hash, "failed": inspection.items_failed},
        )
        members = [m.user_id for m in inspection.members.all() if m.user_id != getattr(actor, "pk", None)]
        notify.notify(
            members,
            _message(inspection, "inspection.sign", _("检查记录待您签字：{}").format(inspection.enterprise.name)),
        )
        if was_hidden and inspection.kind != InspectionKind.SELF_INSPECTION:
            notify.notify(
                _enterprise_managers(inspection.enterprise_id),
                _message(
                    inspection,
                    "inspection.completed",
                    _("监管部门对你单位开展了{}").format(inspection.get_kind_display()),
                ),
            )
    return inspection


def _reauthenticate(request, username: str, password: str) -> User:
    """The signer types their password again. Outside any transaction: a failure counts towards the lockout."""
    user = authenticate(request, username=username, password=password or "")
    if user is None:
        raise ReauthError(_("密码不正确（或账号已锁定），未签字。"))
    return user


def signatures_complete(inspection: Inspection) -> bool:
    sigs = list(inspection.signatures.all())
    signed = {s.signer_id for s in sigs if s.role == SignerRole.INSPECTOR}
    members = {m.user_id for m in inspection.members.all()}
    if inspection.kind == InspectionKind.SELF_INSPECTION:
        return bool(signed) and signed >= members
    if not members <= signed:
        return False
    if inspection.kind in ENTERPRISE_SIGNS:
        return any(s.role == SignerRole.ENTERPRISE for s in sigs)
    return True


def _write_signature(inspection: Inspection, **fields) -> InspectionSignature:
    sig = InspectionSignature(inspection=inspection, content_hash=inspection.content_hash, signed_at=_now(), **fields)
    sig.mac = get_provider().mac(_signature_payload(sig))
    sig.save(force_insert=True)
    return sig


def _after_signature(inspection: Inspection, actor) -> None:
    inspection.refresh_from_db()
    if signatures_complete(inspection):
        target = _check_state(inspection, A.ARCHIVE)
        _move(inspection, actor, A.ARCHIVE, target)


def _may_sign_for_unit(user, inspection) -> bool:
    if inspection.kind == InspectionKind.SELF_INSPECTION:
        return perms.can_walk(user, inspection)
    return user.role in perms.ENTERPRISE_SIGNERS and user.enterprise_id == inspection.enterprise_id


def inspection_sign(*, actor, inspection: Inspection, password: str, username: str = "", request=None):
    """谁检查谁签字. The signer re-enters their password (on their own phone, or on the inspector's phone for
    the enterprise's representative). A team member signs as inspector; the enterprise's principal or safety
    manager signs for the unit. The signature is bound to the record's hash; a record that no longer matches
    its hash cannot be signed."""
    current = Inspection.objects.get(pk=inspection.pk)  # the caller's copy may be stale
    _check_state(current, A.SIGN)
    own = not username or username == actor.get_username()
    if not (perms.is_member(actor, current) or (own and _may_sign_for_unit(actor, current))):
        # Decided before the password is checked: nobody else can probe passwords or lock accounts here.
        raise PermissionDeniedError(_("您不是本次检查人员或被检查单位负责人，不能在此签字。"))
    signer = _reauthenticate(request, username or actor.get_username(), password)
    with transaction.atomic():
        inspection = _lock(inspection)
        _check_state(inspection, A.SIGN)
        members = {m.user_id for m in inspection.members.all()}
        if signer.pk != actor.pk and not perms.is_member(actor, inspection, members):
            raise PermissionDeniedError(_("只能在本次检查人员的设备上代为签字。"))
        if signer.pk in members or (
            inspection.kind == InspectionKind.SELF_INSPECTION and perms.can_walk(signer, inspection)
        ):
            role = SignerRole.INSPECTOR
        elif signer.role in perms.ENTERPRISE_SIGNERS and signer.enterprise_id == inspection.enterprise_id:
            if inspection.kind not in ENTERPRISE_SIGNS:
                raise ConflictError(_("此类检查无需被检查单位签字。"), code="no_enterprise_signature")
            role = SignerRole.ENTERPRISE
        else:
            raise PermissionDeniedError(
                _("{name} 不是本次检查人员，也不是被检查单位负责人。").format(name=signer.display_name)
            )
        if inspection.signatures.filter(signer=signer).exists():
            raise ConflictError(_("{name} 已签字。").format(name=signer.display_name), code="already_signed")
        if role == SignerRole.ENTERPRISE and inspection.signatures.filter(role=SignerRole.ENTERPRISE).exists():
            raise ConflictError(_("被检查单位已签字或已记录拒签。"), code="already_signed")
        if content_hash(inspection) != inspection.content_hash:
            raise ConflictError(
                _("检查记录与结束检查时的摘要不一致，记录可能被篡改，不能签字。"), code="record_tampered"
            )
        sig = _write_signature(
            inspection, role=role, kind=SignatureKind.SIGNED, signer=signer, name=signer.display_name[:50]
        )
        _event(
            inspection,
            actor,
            A.SIGN,
            reason=f"{signer.display_name}（{SignerRole(role).label}）",
            data={"signer": signer.get_username(), "role": role, "content_hash": sig.content_hash},
        )
        _after_signature(inspection, actor)
    return inspection


def inspection_refuse(
    *, actor, inspection: Inspection, representative_name: str, reason: str, witness_name: str = ""
) -> Inspection:
    """被检查单位的负责人拒绝签字: the inspector records it with the representative's name, the reason and a
    witness; the bureau leaders are told (安全生产法 第六十八条: 记录在案，并向负有安全生产监督管理职责的部门报告)."""
    errors = {}
    representative_name = (representative_name or "").strip()[:50]
    reason = (reason or "").strip()[:200]
    witness_name = (witness_name or "").strip()[:50]
    if not representative_name:
        errors["representative_name"] = [ValidationError(_("请填写拒签人姓名。"), code="required")]
    if not reason:
        errors["reason"] = [ValidationError(_("请填写拒签原因。"), code="required")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = _lock(inspection)
        _check_state(inspection, A.REFUSE)
        if not perms.is_member(actor, inspection):
            raise PermissionDeniedError(_("只有本次检查人员可以记录拒签。"))
        if inspection.kind not in ENTERPRISE_SIGNS:
            raise ConflictError(_("此类检查无需被检查单位签字。"), code="no_enterprise_signature")
        if inspection.signatures.filter(role=SignerRole.ENTERPRISE).exists():
            raise ConflictError(_("被检查单位已签字或已记录拒签。"), code="already_signed")
        _write_signature(
            inspection,
            role=SignerRole.ENTERPRISE,
            kind=SignatureKind.REFUSED,
            signer=None,
            name=representative_name,
            refusal_reason=reason,
            witness=None if perms.is_system(actor) else actor,
            witness_name=witness_name or (actor.display_name if not perms.is_system(actor) else ""),
        )
        _event(
            inspection,
            actor,
            A.REFUSE,
            reason=reason,
            data={"representative": representative_name, "witness": witness_name},
        )
        leaders = hazard_services.officers_over(inspection, roles=frozenset({Role.BUREAU_LEADER}))
        title = _("被检查单位拒绝在检查记录上签字：{}").format(inspection.enterprise.name)
        body = _("拒签人：{name}；原因：{reason}").format(name=representative_name, reason=reason)
        notify.notify(leaders, _message(inspection, "inspection.refused", title, body=body))
        _after_signature(inspection, actor)
    return inspection


def inspection_addendum(*, actor, inspection: Inspection, text: str) -> InspectionAddendum:
    """A signed record is corrected only by an addendum: who, when, what; chained to the previous one."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(_("请填写补充更正内容。"), code="required")})
    with transaction.atomic():
        inspection = _lock(inspection)
        _check_state(inspection, A.ADDENDUM)
        if not (perms.is_member(actor, inspection) or perms.can_walk(actor, inspection)):
            raise PermissionDeniedError(_("只有本次检查人员可以补充更正检查记录。"))
        last = inspection.addenda.order_by("-id").first()
        prev = last.hash if last else inspection.content_hash
        at = _now()
        digest = hashlib.sha256(json.dumps([prev, text, actor.pk, at.isoformat()], ensure_ascii=False).encode())
        addendum = InspectionAddendum.objects.create(
            inspection=inspection,
            text=text,
            author=actor,
            author_name=actor.display_name[:100],
            prev_hash=prev,
            hash=digest.hexdigest(),
        )
        _event(inspection, actor, A.ADDENDUM, reason=text, data={"hash": addendum.hash})
    return addendum


def integrity(inspection: Inspection) -> dict[str, Any]:
    """For the page and the API: does the record still match its hash, and is each signature intact."""
    if not inspection.content_hash:
        return {"record_intact": None, "current_hash": "", "signatures": []}
    current = content_hash(inspection)
    sigs = [{"id": s.pk, "valid": signature_valid(s, current)} for s in inspection.signatures.all()]
    return {"record_intact": current == inspection.content_hash, "current_hash": current, "signatures": sigs}
