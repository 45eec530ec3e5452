"""Every write to an inspection: plan, start, answer an item, photos, turn a finding into a hazard, end the
walk, sign (re-authenticated, bound to the record's hash), record a refusal, archive, add an addendum, cancel.

Each service checks permission and the transitions table, locks the row, writes in one transaction, records
an InspectionEvent and an audit event, and queues notifications after commit. Views, the API, the random
draw and the demo seed all call these."""

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.crypto import get_provider
from anjian.core.errors import ConflictError, PermissionDeniedError, ServiceError
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards import photos as photo_lib
from anjian.hazards import services as hazard_services
from anjian.hazards.choices import HazardCategory, HazardGrade
from anjian.hazards.permissions import can_manage as can_manage_hazard
from anjian.inspections import checklists
from anjian.inspections import permissions as perms
from anjian.inspections.choices import (
    ALLOWED_IN,
    ANSWERS,
    ENFORCEMENT_KINDS,
    ENTERPRISE_SIGNS,
    HIDDEN_UNTIL,
    TRANSITIONS,
    InspectionAction,
    InspectionKind,
    InspectionState,
    ItemResult,
    MemberRole,
    SignatureKind,
    SignerRole,
)
from anjian.inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionAddendum,
    InspectionEvent,
    InspectionItem,
    InspectionMember,
    InspectionPhoto,
    InspectionSignature,
    InspectorCredential,
    RandomDraw,
    Recusal,
)
from anjian.rules.inspection_policy import MIN_ENFORCEMENT_INSPECTORS

A = InspectionAction


class ReauthError(ServiceError):
    code = "reauth_failed"
    status = 403


# --- helpers ----------------------------------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.now()


def _lock(inspection: Inspection) -> Inspection:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to the authority.
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("enterprise", "authority")
        .get(pk=inspection.pk)
    )


def _check_state(inspection: Inspection, action: str) -> str | None:
    if action in TRANSITIONS:
        sources, target = TRANSITIONS[action]
    else:
        sources, target = ALLOWED_IN[action], None
    if inspection.state not in sources:
        raise ConflictError(
            _("检查当前状态为「{state}」，不能执行「{action}」。").format(
                state=InspectionState(inspection.state).label, action=InspectionAction(action).label
            ),
            code="invalid_transition",
            extra={"current_state": inspection.state, "action": str(action)},
        )
    return target


def _event(inspection, actor, action, *, from_state="", reason="", data=None) -> InspectionEvent:
    name = actor.label if perms.is_system(actor) else actor.display_name
    event = InspectionEvent.objects.create(
        inspection=inspection,
        action=action,
        from_state=from_state,
        to_state=inspection.state if from_state else "",
        actor=None if perms.is_system(actor) else actor,
        actor_name=name[:100],
        reason=reason,
        data=audit._jsonable(data or {}),
    )
    audit.record(
        actor=actor,
        action=f"inspection.{action}",
        obj=inspection,
        changes={"from": from_state, "to": event.to_state, "reason": reason, **(event.data or {})},
        region_code=inspection.region_code,
    )
    return event


def _move(inspection, actor, action, target, *, reason="", data=None, fields=()) -> None:
    from_state = inspection.state
    inspection.state = target
    inspection.state_changed_at = _now()
    inspection.save(update_fields=["state", "state_changed_at", "updated_at", *fields])
    _event(inspection, actor, action, from_state=from_state, reason=reason, data=data)


def inspection_url(inspection: Inspection) -> str:
    return reverse("inspections:detail", args=[inspection.pk])


def _message(inspection: Inspection, kind: str, title: str, body: str = "") -> notify.Message:
    return notify.Message(
        kind=kind,
        title=title,
        body=body or f"{inspection.enterprise.name}：{inspection.get_kind_display()}",
        url=inspection_url(inspection),
        object_type="inspections.inspection",
        object_id=str(inspection.pk),
    )


def _enterprise_managers(enterprise_id: int):
    return hazard_services.enterprise_managers(enterprise_id)


def _enterprise_may_know(inspection: Inspection, state: str | None = None) -> bool:
    """False while the kind hides the inspection from the enterprise (四不两直, 暗访)."""
    state = state or inspection.state
    until = HIDDEN_UNTIL.get(inspection.kind)
    if until is None:
        return True
    order = [InspectionState.PLANNED, InspectionState.IN_PROGRESS, InspectionState.COMPLETED, InspectionState.SIGNED]
    return state in order and order.index(state) >= order.index(until)


def valid_credential(user_id: int, day: datetime.date) -> InspectorCredential | None:
    return (
        InspectorCredential.objects.filter(
            user_id=user_id, revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day
        )
        .order_by("-valid_until")
        .first()
    )


def _parse_coordinate(value, low, high, field, errors):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(value)
        number = number.quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors[field] = [ValidationError(_("坐标须为数字。"), code="invalid")]
        return None
    if not low <= number <= high:
        errors[field] = [ValidationError(_("坐标超出范围。"), code="out_of_range")]
    return number


# --- team checks ------------------------------------------------------------------------------------------------


def _check_team(
    *, kind: str, enterprise: Enterprise, members: list[User], day: datetime.date, authority
) -> dict[int, str]:
    """The team may inspect this enterprise: everyone's jurisdiction holds it, nobody is recused, and an
    enforcement inspection has at least two members holding a valid enforcement credential on ``day``.
    Returns {user id: credential number} for the members who hold one."""
    errors = []
    if kind == InspectionKind.SELF_INSPECTION:
        return {}
    recused = set(Recusal.objects.filter(enterprise=enterprise, user__in=members).values_list("user_id", flat=True))
    for user in members:
        if user.role not in perms.TEAM_ROLES:
            errors.append(_("{name} 不是机关工作人员，不能参加检查。").format(name=user.display_name))
        elif user.role == Role.EXPERT:
            # An expert may join where their own authority's region holds the enterprise (any sector).
            if not enterprise.region_code.startswith(user.authority.region.prefix):
                errors.append(_("{name} 所属机构的辖区不含该企业。").format(name=user.display_name))
        elif not enterprises_visible_to(user).filter(pk=enterprise.pk).exists():
            errors.append(_("{name} 的管辖范围不含该企业。").format(name=user.display_name))
        if user.pk in recused:
            errors.append(_("{name} 须回避该企业。").format(name=user.display_name))
        if not user.is_active:
            errors.append(_("{name} 的账号已停用。").format(name=user.display_name))
    credentials = {}
    for user in members:
        cred = valid_credential(user.pk, day)
        if cred is not None:
            credentials[user.pk] = cred.number
    if kind in ENFORCEMENT_KINDS:
        holders = [u for u in members if u.pk in credentials and u.role != Role.EXPERT]
        need = MIN_ENFORCEMENT_INSPECTORS.value
        if len(holders) < need:
            errors.append(
                _("执法检查须有至少 {n} 名持有效行政执法证的执法人员（{basis}），当前 {have} 名。").format(
                    n=need, basis=MIN_ENFORCEMENT_INSPECTORS.source, have=len(holders)
                )
            )
    if errors:
        raise ValidationError({"members": [ValidationError(e, code="team_invalid") for e in errors]})
    return credentials


# --- plan -------------------------------------------------------------------------------------------------------


def inspection_plan(
    *,
    actor,
    enterprise: Enterprise | None,
    kind: str,
    template: ChecklistTemplate | None,
    members=(),
    planned_date: datetime.date | None = None,
    campaign: str = "",
    partners=(),
    draw: RandomDraw | None = None,
) -> Inspection:
    """Plan an inspection: the enterprise, the kind, the checklist version and the team (the actor leads).
    The checklist items are copied now, so the inspection keeps the version it was planned with. The
    enterprise is told only when the kind allows (not for 四不两直 or 暗访)."""
    system = perms.is_system(actor)
    errors: dict[str, list] = {}
    if enterprise is None:
        errors["enterprise"] = [ValidationError(_("请选择被检查单位。"), code="required")]
    if kind not in InspectionKind.values:
        errors["kind"] = [ValidationError(_("请选择检查类别。"), code="invalid_choice")]
    elif not system and kind not in perms.kinds_for(actor):
        errors["kind"] = [
            ValidationError(
                _("您的角色不能开展「{kind}」。").format(kind=InspectionKind(kind).label), code="kind_not_allowed"
            )
        ]
    if template is None:
        errors["template"] = [ValidationError(_("请选择检查表。"), code="required")]
    if errors:
        raise ValidationError(errors)
    if not system:
        if not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionDeniedError(_("该企业不在您的管辖范围内。"))
        if kind == InspectionKind.SELF_INSPECTION and actor.enterprise_id != enterprise.pk:
            raise PermissionDeniedError(_("企业只能对本单位开展自查。"))
        if not checklists.usable_for(actor, enterprise).filter(pk=template.pk).exists():
            raise ValidationError(
                {
                    "template": ValidationError(
                        _("该检查表不可用于此企业（未发布、已停用或行业不符）。"), code="template_not_usable"
                    )
                }
            )
    today = timezone.localdate()
    if planned_date is not None and planned_date < today:
        raise ValidationError({"planned_date": ValidationError(_("计划检查日期不能早于今天。"), code="past")})
    team = list(dict.fromkeys([*([] if system else [actor]), *members]))
    if kind != InspectionKind.SELF_INSPECTION and not team:
        raise ValidationError({"members": ValidationError(_("请指定检查人员。"), code="required")})
    credentials = _check_team(
        kind=kind,
        enterprise=enterprise,
        members=team,
        day=planned_date or today,
        authority=None if system else actor.authority,
    )
    authority = None
    if kind != InspectionKind.SELF_INSPECTION:
        authority = draw.authority if draw is not None else (team[0].authority if team else None)
    partner_list = list(partners or [])
    if kind == InspectionKind.JOINT and not partner_list:
        raise ValidationError({"partners": ValidationError(_("联合检查须选择参加的部门。"), code="required")})
    if partner_list and kind != InspectionKind.JOINT:
        raise ValidationError({"partners": ValidationError(_("只有联合检查可以选择参加部门。"), code="not_joint")})
    outside = [a.name for a in partner_list if not enterprise.region_code.startswith(a.region.prefix)]
    if outside:
        raise ValidationError({"partners": ValidationError(
            _("{names} 的辖区不含该企业。").format(names="、".join(outside)), code="partner_out_of_scope")})
    with transaction.atomic():
        inspection = Inspection.objects.create(
            enterprise=enterprise,
            region_code=enterprise.region_code,
            enterprise_name=enterprise.name[:200],
            authority=authority,
            kind=kind,
            template=template,
            campaign=(campaign or "").strip()[:100],
            draw=draw,
            planned_date=planned_date,
            created_by=None if system else actor,
        )
        if partner_list:
            inspection.partners.set(partner_list)
        InspectionMember.objects.bulk_create(
            InspectionMember(
                inspection=inspection,
                user=user,
                role=MemberRole.LEAD
                if n == 0
                else (MemberRole.EXPERT if user.role == Role.EXPERT else MemberRole.INSPECTOR),
                credential_number=credentials.get(user.pk, ""),
                name=user.display_name[:100],
            )
            for n, user in enumerate(team)
        )
        items = [
            InspectionItem(
                inspection=inspection,
                position=i.position,
                code=i.code,
                section=i.section,
                requirement=i.requirement,
                basis=i.basis,
                criterion_code=i.criterion_code,
            )
            for i in template.items.all()
        ]
        InspectionItem.objects.bulk_create(items, batch_size=500)
        inspection.items_total = len(items)
        inspection.save(update_fields=["items_total"])
        _event(
            inspection,
            actor,
            A.PLAN,
            data={
                "kind": kind,
                "template": f"{template.code} v{template.version}",
                "members": [u.username for u in team],
                "planned_date": planned_date,
                "draw": draw.pk if draw else None,
            },
        )
        others = [u for u in team if u.pk != getattr(actor, "pk", None)]
        notify.notify(
            others, _message(inspection, "inspection.assigned", _("您被安排参加检查：{}").format(enterprise.name))
        )
        if kind != InspectionKind.SELF_INSPECTION and _enterprise_may_know(inspection):
            notify.notify(
                _enterprise_managers(enterprise.pk),
                _message(
                    inspection,
                    "inspection.planned",
                    _("检查通知：{kind}{date}").format(
                        kind=inspection.get_kind_display(),
                        date=_("（计划 {}）").format(planned_date.isoformat()) if planned_date else "",
                    ),
                ),
            )
    return inspection


# --- walk -------------------------------------------------------------------------------------------------------


def _check_walker(actor, inspection: Inspection) -> None:
    if not perms.can_walk(actor, inspection):
        raise PermissionDeniedError(_("只有本次检查的检查人员可以记录检查情况。"))


def inspection_start(*, actor, inspection: Inspection, location: str = "", latitude=None, longitude=None) -> Inspection:
    """Start on site: the time and place are recorded; an enforcement team's credentials are checked again
    for today. A 四不两直 inspection is made known to the enterprise only now."""
    errors: dict[str, list] = {}
    lat = _parse_coordinate(latitude, -90, 90, "latitude", errors)
    lon = _parse_coordinate(longitude, -180, 180, "longitude", errors)
    location = (location or "").strip()[:200]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = _lock(inspection)
        _check_walker(actor, inspection)
        target = _check_state(inspection, A.START)
        members = list(inspection.members.select_related("user"))
        credentials = _check_team(
            kind=inspection.kind,
            enterprise=inspection.enterprise,
            members=[m.user for m in members],
            day=timezone.localdate(),
            authority=inspection.authority,
        )
        for m in members:
            if credentials.get(m.user_id, "") != m.credential_number:
                m.credential_number = credentials.get(m.user_id, "")
                m.save(update_fields=["credential_number"])
        was_hidden = not _enterprise_may_know(inspection)
        inspection.started_at = _now()
        inspection.location = location or inspection.enterprise.address[:200]
        inspection.latitude, inspection.longitude = lat, lon
        _move(
            inspection,
            actor,
            A.START,
            target,
            fields=("started_at", "location", "latitude", "longitude"),
            data={"location": inspection.location, "latitude": lat, "longitude": lon},
        )
        if was_hidden and _enterprise_may_know(inspection) and inspection.kind != InspectionKind.SELF_INSPECTION:
            notify.notify(
                _enterprise_managers(inspection.enterprise_id),
                _message(
                    inspection, "inspection.started", _("检查人员已到达，开始{}").format(inspection.get_kind_display())
                ),
            )
    return inspection


def item_answer(*, actor, item: InspectionItem, result: str, note: str = "") -> InspectionItem:
    """Record one checklist line (符合 / 不符合 / 不适用, with a note). One round trip per item: the item row
    is locked, the inspection's counters move by the difference, one audit event is appended."""
    if result not in ANSWERS:
        raise ValidationError({"result": ValidationError(_("请选择检查结果。"), code="invalid_choice")})
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": ValidationError(_("情况说明不超过2000字。"), code="max_length")})
    with transaction.atomic():
        # The inspection first, then the item: the same order as ending the walk and turning a finding into a
        # hazard, so an answer cannot slip in after the record's hash was fixed, and no two steps deadlock.
        inspection = _lock(item.inspection)
        item = InspectionItem.objects.select_for_update().get(pk=item.pk, inspection=inspection)
        _check_walker(actor, inspection)
        _check_state(inspection, A.ANSWER)
        if item.hazard_id and result != ItemResult.NON_COMPLIANT:
            raise ConflictError(_("该项已转为隐患，不能改为其他结果。"), code="item_has_hazard")
        before = item.result
        answered = int(before == ItemResult.PENDING)
        failed = (result == ItemResult.NON_COMPLIANT) - (before == ItemResult.NON_COMPLIANT)
        item.result, item.note = result, note
        item.answered_by = None if perms.is_system(actor) else actor
        item.answered_at = _now()
        item.save(update_fields=["result", "note", "answered_by", "answered_at"])
        if answered or failed:
            Inspection.objects.filter(pk=inspection.pk).update(
                items_answered=F("items_answered") + answered, items_failed=F("items_failed") + failed
            )
        audit.record(
            actor=actor,
            action="inspection.answer",
            obj=inspection,
            region_code=inspection.region_code,
            changes={"item": item.code, "result": [before, result], "note": note},
        )
    return item


def _save_item_photos(item: InspectionItem, actor, processed, written: list) -> None:
    for p in processed:
        photo = InspectionPhoto(
            item=item,
            sha256=p.sha256,
            width=p.width,
            height=p.height,
            size=p.size,
            latitude=p.latitude,
            longitude=p.longitude,
            taken_at=p.taken_at,
            uploaded_by=None if perms.is_system(actor) else actor,
        )
        photo.image.save("photo.jpg", p.content, save=False)
        written.append((photo.image.storage, photo.image.name))
        photo.save()


def item_add_photos(*, actor, item: InspectionItem, photos) -> list[InspectionPhoto]:
    processed = photo_lib.process_all(photos)
    if not processed:
        raise ValidationError({"photos": ValidationError(_("请选择照片。"), code="required")})
    with hazard_services._atomic_with_files() as written:
        inspection = _lock(item.inspection)
        _check_walker(actor, inspection)
        _check_state(inspection, A.PHOTO)
        _save_item_photos(item, actor, processed, written)
        audit.record(
            actor=actor,
            action="inspection.photo",
            obj=inspection,
            region_code=inspection.region_code,
            changes={"item": item.code, "count": len(processed)},
        )
    return list(item.photos.all())


def item_to_hazard(
    *,
    actor,
    item: InspectionItem,
    category: str = HazardCategory.MANAGEMENT,
    location: str = "",
    description: str = "",
    grade: str = "",
    criterion_code: str = "",
    basis: str = "",
):
    """A non-compliant line becomes a hazard in one step: reported with the item's text, note and photos,
    the inspection's number as its source, the route of the inspection kind; and, when the actor may
    confirm hazards and gives a grade, confirmed at once (a major one under the item's criterion)."""
    from anjian.hazards.models import Hazard

    with hazard_services._atomic_with_files() as written:
        inspection = _lock(item.inspection)
        item = InspectionItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
        if not (perms.can_walk(actor, inspection) or perms.is_member(actor, inspection)):
            raise PermissionDeniedError(_("只有本次检查的检查人员可以把检查发现转为隐患。"))
        _check_state(inspection, A.TO_HAZARD)
        if not _enterprise_may_know(inspection):
            # A hazard is reported to the enterprise at once; a covert visit must stay unknown until it ends.
            raise ConflictError(
                _("暗访检查结束前不能转为隐患（隐患会通知企业）；请结束检查后再转。"), code="hidden_inspection"
            )
        if item.result != ItemResult.NON_COMPLIANT:
            raise ConflictError(_("只有「不符合」的检查项可以转为隐患。"), code="item_not_failed")
        if item.hazard_id:
            raise ConflictError(_("该项已转为隐患 {}。").format(item.hazard.number), code="item_has_hazard")
        text = (description or "").strip() or (
            f"{item.requirement}" + (f"\n{_('检查情况：')}{item.note}" if item.note else "")
        )
        hazard = hazard_services.hazard_report(
            actor=actor,
            enterprise=inspection.enterprise,
            data={
                "location": (location or "").strip() or item.section or inspection.location or _("检查现场"),
                "description": text,
                "category": category,
                "route": perms.hazard_route(actor, inspection.kind),
                "found_at": item.answered_at or _now(),
                "source_reference": f"{inspection.number} {item.code}",
                "latitude": inspection.latitude,
                "longitude": inspection.longitude,
            },
        )
        # The item's photos become the hazard's "before" photos (the same bytes, a second file).
        for photo in item.photos.all():
            with photo.image.open("rb") as fh:
                data = fh.read()
            copy = hazard.photos.model(
                hazard=hazard,
                kind="before",
                sha256=photo.sha256,
                width=photo.width,
                height=photo.height,
                size=photo.size,
                latitude=photo.latitude,
                longitude=photo.longitude,
                taken_at=photo.taken_at,
                uploaded_by=photo.uploaded_by,
            )
            copy.image.save("photo.jpg", ContentFile(data), save=False)
            written.append((copy.image.storage, copy.image.name))
            copy.save()
        if grade:
            if not can_manage_hazard(actor, hazard):
                raise PermissionDeniedError(_("您不能确认隐患等级；隐患已上报，待企业或监管部门确认。"))
            hazard = hazard_services.hazard_confirm(
                actor=actor,
                hazard=Hazard.objects.get(pk=hazard.pk),
                grade=grade,
                criterion_code=criterion_code or (item.criterion_code if grade == HazardGrade.MAJOR else ""),
                basis=basis,
            )
        item.hazard = hazard
        item.save(update_fields=["hazard"])
        inspection.hazards_found = F("hazards_found") + 1
        inspection.save(update_fields=["hazards_found"])
        inspection.refresh_from_db(fields=["hazards_found"])
        _event(inspection, actor, A.TO_HAZARD, data={"item": item.code, "hazard": hazard.number, "grade": grade})
    return hazard


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


def inspection_cancel(*, actor, inspection: Inspection, reason: str) -> Inspection:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("请填写取消原因。"), code="required")})
    with transaction.atomic():
        inspection = _lock(inspection)
        if not perms.can_cancel(actor, inspection):
            raise PermissionDeniedError(_("只有安排人或局领导可以取消检查。"))
        target = _check_state(inspection, A.CANCEL)
        _move(inspection, actor, A.CANCEL, target, reason=reason)
    return inspection


def integrity(inspection: Inspection) -> dict[str, Any]:
    """For the page and the API: does the record still match its hash, and is each signature intact."""
    if not inspection.content_hash:
        return {"record_intact": None, "current_hash": "", "signatures": []}
    current = content_hash(inspection)
    sigs = [{"id": s.pk, "valid": signature_valid(s, current)} for s in inspection.signatures.all()]
    return {"record_intact": current == inspection.content_hash, "current_hash": current, "signatures": sigs}


def lookback_days() -> int:
    return settings.ANJIAN_MISSED_LOOKBACK_DAYS
