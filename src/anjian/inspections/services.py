"""Every write to an inspection: plan, start, answer an item, photos, turn a finding into a hazard, cancel; and,
from ``signing`` (re-exported here, so callers import one module), end the walk, sign (re-authenticated, bound
to the record's hash), record a refusal, archive, add an addendum.

Each service checks permission and the transitions table, locks the row, writes in one transaction, records
an InspectionEvent and an audit event, and queues notifications after commit. Views, the API, the random
draw and the demo seed all call these."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards import photos as photo_lib
from anjian.hazards import services as hazard_services
from anjian.hazards.choices import HazardCategory, HazardGrade
from anjian.hazards.permissions import can_manage as can_manage_hazard
from anjian.inspections import checklists
from anjian.inspections import permissions as perms
from anjian.inspections.choices import (
    ANSWERS,
    ENFORCEMENT_KINDS,
    InspectionKind,
    ItemResult,
    MemberRole,
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
    _parse_coordinate,
    inspection_url,
    valid_credential,
)
from anjian.inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionItem,
    InspectionMember,
    InspectionPhoto,
    RandomDraw,
    Recusal,
)
from anjian.inspections.signing import (
    ReauthError,
    content_hash,
    inspection_addendum,
    inspection_complete,
    inspection_refuse,
    inspection_sign,
    integrity,
    record_content,
    signature_valid,
    signatures_complete,
)
from anjian.rules.inspection_policy import MIN_ENFORCEMENT_INSPECTORS

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
        raise ValidationError(
            {
                "partners": ValidationError(
                    _("{names} 的辖区不含该企业。").format(names="、".join(outside)), code="partner_out_of_scope"
                )
            }
        )
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


def lookback_days() -> int:
    return settings.ANJIAN_MISSED_LOOKBACK_DAYS


__all__ = [
    "inspection_plan",
    "inspection_start",
    "item_answer",
    "item_add_photos",
    "item_to_hazard",
    "inspection_cancel",
    "lookback_days",
    "valid_credential",
    "inspection_url",
    "_enterprise_may_know",
    "_lock",
    "ReauthError",
    "record_content",
    "content_hash",
    "signature_valid",
    "inspection_complete",
    "signatures_complete",
    "inspection_sign",
    "inspection_refuse",
    "inspection_addendum",
    "integrity",
]
