"""Every write to a hazard. Each service checks permission and the transitions table, locks the
row, writes in one transaction, records a HazardEvent and an audit event, keeps the counters
current and queues notifications after commit. Views, the API and commands all call these."""

import contextlib
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.errors import ConflictError, PermissionDeniedError, ServiceError
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards import permissions as perms
from anjian.hazards import photos as photo_lib
from anjian.hazards import rollups
from anjian.hazards.choices import (
    ACCOUNTABILITY_RETURNS,
    ALLOWED_IN,
    TRANSITIONS,
    Action,
    ExtensionState,
    HazardCategory,
    HazardGrade,
    HazardRoute,
    HazardState,
    PhotoKind,
    ProductionStop,
)
from anjian.hazards.models import ExtensionRequest, Hazard, HazardEvent, HazardPhoto, SupervisionListing
from anjian.hazards.queries import hazards_visible_to
from anjian.rules import major_hazard

# The five in place (五到位) and the rest of a major hazard's treatment plan and report.
GENERAL_PLAN_FIELDS = ("measures", "responsible_name", "deadline")
FIVE_IN_PLACE = ("measures", "responsible_name", "funds", "deadline", "contingency_plan")
MAJOR_PLAN_FIELDS = FIVE_IN_PLACE + (
    "plan_goals",
    "plan_safety_measures",
    "production_stop",
    "report_state_cause",
    "report_harm_difficulty",
)
PLAN_FIELDS = MAJOR_PLAN_FIELDS + ("responsible_user",)


class PlanIncompleteError(ServiceError):
    code = "plan_incomplete"
    status = 400


# --- helpers ----------------------------------------------------------------------------------------------------


def _now() -> datetime.datetime:
    return timezone.now()


def _today() -> datetime.date:
    return timezone.localdate()


def _label(field: str) -> str:
    return str(Hazard._meta.get_field(field).verbose_name)


def _lock(hazard: Hazard) -> Hazard:
    """The row, locked for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    return Hazard.objects.select_for_update().select_related("enterprise").get(pk=hazard.pk)


def _visible(actor, hazard: Hazard) -> None:
    if perms.is_system(actor):
        return
    if not hazards_visible_to(actor).filter(pk=hazard.pk).exists():
        raise PermissionDeniedError(_("该隐患不在您的管辖范围内。"))


def _check_state(hazard: Hazard, action: str) -> str | None:
    """The target state of ``action`` from the hazard's state; ConflictError naming the state otherwise."""
    if action in TRANSITIONS:
        sources, target = TRANSITIONS[action]
    else:
        sources, target = ALLOWED_IN[action], None
    if hazard.state not in sources:
        raise ConflictError(
            _("隐患当前状态为「{state}」，不能执行「{action}」。").format(
                state=HazardState(hazard.state).label, action=Action(action).label
            ),
            code="invalid_transition",
            extra={"current_state": hazard.state, "action": str(action)},
        )
    return target


def _event(hazard: Hazard, actor, action: str, *, from_state: str = "", reason: str = "", data=None) -> HazardEvent:
    name = actor.label if perms.is_system(actor) else actor.display_name
    event = HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        from_state=from_state,
        to_state=hazard.state if from_state else "",
        actor=None if perms.is_system(actor) else actor,
        actor_name=name[:100],
        reason=reason,
        data=audit._jsonable(data or {}),
    )
    audit.record(
        actor=actor,
        action=f"hazard.{action}",
        obj=hazard,
        changes={"from": from_state, "to": event.to_state, "reason": reason, **(event.data or {})},
        region_code=hazard.region_code,
    )
    return event


def _move(hazard: Hazard, actor, action: str, target: str, *, reason: str = "", data=None, fields=()) -> None:
    from_state = hazard.state
    hazard.state = target
    hazard.state_changed_at = _now()
    hazard.save(update_fields=["state", "state_changed_at", "updated_at", *fields])
    _event(hazard, actor, action, from_state=from_state, reason=reason, data=data)


def _require(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(message, code="required")})
    return value


def hazard_url(hazard: Hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def _message(hazard: Hazard, kind: str, title: str, body: str = "") -> notify.Message:
    return notify.Message(
        kind=kind,
        title=title,
        body=body or f"{hazard.enterprise.name}：{hazard.description[:100]}",
        url=hazard_url(hazard),
        object_type="hazards.hazard",
        object_id=str(hazard.pk),
    )


def enterprise_managers(enterprise_id: int, roles=(Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER)):
    return User.objects.filter(enterprise_id=enterprise_id, role__in=list(roles), is_active=True)


def officers_over(hazard: Hazard, roles=perms.SUPERVISORS) -> list[User]:
    """Active officers with one of ``roles`` whose jurisdiction contains the hazard: their authority's
    region is the hazard's region or an ancestor, and a department's sectors include the enterprise's.
    Read in one query (no per-user scope check), so it costs the same for a province."""
    code = hazard.region_code
    prefixes = sorted({code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n})
    candidates = User.objects.filter(
        role__in=sorted(roles), is_active=True, authority__region__prefix__in=prefixes
    ).select_related("authority")
    sectors = None
    out = []
    for user in candidates:
        if user.role == Role.DEPARTMENT_OFFICER:
            if sectors is None:
                sectors = set(hazard.enterprise.sector_links.values_list("sector", flat=True))
            if not sectors & set(user.authority.sectors or []):
                continue
        out.append(user)
    return out


def supervisors_of(hazard: Hazard) -> list[User]:
    """The supervising authority's officers (for major-hazard notices)."""
    return officers_over(hazard, perms.SUPERVISORS)


def _after_commit_notify(recipients, message: notify.Message) -> None:
    notify.notify(recipients, message)


# --- report -----------------------------------------------------------------------------------------------------


def _clean_report(actor, enterprise: Enterprise | None, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list] = {}

    def err(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    out: dict[str, Any] = {}
    if enterprise is None:
        err("enterprise", _("请选择企业。"), "required")
    for field, message in (("location", _("请填写隐患部位。")), ("description", _("请描述隐患情况。"))):
        value = (data.get(field) or "").strip()
        if not value:
            err(field, message, "required")
        out[field] = value
    if len(out.get("location", "")) > 200:
        err("location", _("隐患部位不超过200字。"), "max_length")
    category = data.get("category") or ""
    if category not in HazardCategory.values:
        err("category", _("请选择隐患类别。"), "invalid_choice")
    out["category"] = category
    allowed = perms.routes_for(actor) if not perms.is_system(actor) else tuple(HazardRoute)
    route = data.get("route") or (allowed[0] if allowed else "")
    if route not in HazardRoute.values:
        err("route", _("请选择发现途径。"), "invalid_choice")
    elif route not in allowed:
        err(
            "route",
            _("您的角色不能以「{route}」途径登记隐患。").format(route=HazardRoute(route).label),
            "route_not_allowed",
        )
    out["route"] = route
    found_at = data.get("found_at") or _now()
    if isinstance(found_at, datetime.date) and not isinstance(found_at, datetime.datetime):
        found_at = timezone.make_aware(datetime.datetime.combine(found_at, datetime.time(12)))
    if not isinstance(found_at, datetime.datetime):
        err("found_at", _("发现时间格式不正确。"), "invalid")
    else:
        if timezone.is_naive(found_at):
            found_at = timezone.make_aware(found_at)
        if found_at > _now() + datetime.timedelta(minutes=10):
            err("found_at", _("发现时间不能晚于现在。"), "future")
        if found_at.year < 2000:
            err("found_at", _("发现时间不正确。"), "too_old")
    out["found_at"] = found_at
    for field, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = data.get(field)
        if value in (None, ""):
            out[field] = None
            continue
        try:
            number = Decimal(str(value))
            if not number.is_finite():  # "NaN", "Infinity": no position
                raise ValueError(value)
            number = number.quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            err(field, _("坐标须为数字。"), "invalid")
            continue
        if not low <= number <= high:
            err(field, _("坐标超出范围。"), "out_of_range")
        out[field] = number
    out["source_reference"] = (data.get("source_reference") or "").strip()[:100]
    if errors:
        raise ValidationError(errors)
    return out


def hazard_report(*, actor, enterprise: Enterprise | None, data: dict[str, Any], photos=()) -> Hazard:
    """Record a hazard found at ``enterprise``; the enterprise's managers are told."""
    if not perms.is_system(actor):
        if not perms.routes_for(actor):
            raise PermissionDeniedError(_("您的角色不能登记隐患。"))
        if enterprise is not None and not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
            raise PermissionDeniedError(_("该企业不在您的管辖范围内。"))
    clean = _clean_report(actor, enterprise, data)
    processed = photo_lib.process_all(photos)
    with _atomic_with_files() as written:
        hazard = Hazard.objects.create(
            enterprise=enterprise,
            region_code=enterprise.region_code,
            found_by=None if perms.is_system(actor) else actor,
            **clean,
        )
        _save_photos(hazard, actor, PhotoKind.BEFORE, processed, written)
        _event(hazard, actor, Action.REPORT, data={"route": hazard.route, "photos": len(processed)})
        rollups.bump_gauge(hazard, reported=1)
        recipients = [u for u in enterprise_managers(enterprise.pk) if u.pk != getattr(actor, "pk", None)]
        _after_commit_notify(
            recipients, _message(hazard, "hazard.reported", _("新隐患待确认：{}").format(hazard.location))
        )
    return hazard


@contextlib.contextmanager
def _atomic_with_files():
    """A transaction that yields a list for the photo files written inside it, and deletes them if it
    rolls back: a refused step leaves neither rows nor files behind."""
    written: list = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _save_photos(hazard: Hazard, actor, kind: str, processed, written: list) -> None:
    for item in processed:
        photo = HazardPhoto(
            hazard=hazard,
            kind=kind,
            sha256=item.sha256,
            width=item.width,
            height=item.height,
            size=item.size,
            latitude=item.latitude,
            longitude=item.longitude,
            taken_at=item.taken_at,
            uploaded_by=None if perms.is_system(actor) else actor,
        )
        photo.image.save("photo.jpg", item.content, save=False)
        written.append((photo.image.storage, photo.image.name))
        photo.save()


def hazard_add_photos(*, actor, hazard: Hazard, kind: str, photos) -> list[HazardPhoto]:
    _visible(actor, hazard)
    if kind not in PhotoKind.values:
        raise ValidationError({"kind": ValidationError(_("照片类型不正确。"), code="invalid_choice")})
    if not (perms.can_submit(actor, hazard) or (kind == PhotoKind.BEFORE and hazard.found_by_id == actor.pk)):
        raise PermissionDeniedError()
    processed = photo_lib.process_all(photos)
    if not processed:
        raise ValidationError({"photos": ValidationError(_("请选择照片。"), code="required")})
    with _atomic_with_files() as written:
        hazard = _lock(hazard)
        _check_state(hazard, Action.PHOTO)
        _save_photos(hazard, actor, kind, processed, written)
        _event(hazard, actor, Action.PHOTO, data={"kind": kind, "count": len(processed)})
    return list(hazard.photos.filter(kind=kind))


# --- confirm / reject ---------------------------------------------------------------------------------------------


def criteria_for_hazard(hazard: Hazard, on: datetime.date | None = None):
    sectors = list(hazard.enterprise.sector_links.values_list("sector", flat=True))
    return major_hazard.criteria_for(sectors, on or _today())


def hazard_confirm(
    *, actor, hazard: Hazard, grade: str, criterion_code: str = "", basis: str = "", reason: str = ""
) -> Hazard:
    """Accept the report as a hazard and grade it. A major one names the criterion it meets (or, where
    no official catalogue covers the enterprise's sectors, the basis in words)."""
    _visible(actor, hazard)
    if not perms.can_manage(actor, hazard):
        raise PermissionDeniedError(_("只有企业主要负责人、安全管理人员或监管人员可以确认隐患。"))
    if grade not in HazardGrade.values:
        raise ValidationError({"grade": ValidationError(_("请选择隐患等级。"), code="invalid_choice")})
    criterion_text = ""
    if grade == HazardGrade.MAJOR:
        catalogue = criteria_for_hazard(hazard)
        if criterion_code:
            criterion = major_hazard.get(criterion_code)
            if criterion is None or criterion not in catalogue:
                raise ValidationError(
                    {
                        "criterion_code": ValidationError(
                            _("该判定标准条目不适用于本企业的行业。"), code="invalid_criterion"
                        )
                    }
                )
            criterion_text = major_hazard.label(criterion)
        elif catalogue:
            raise ValidationError(
                {"criterion_code": ValidationError(_("重大隐患须选择所符合的判定标准条目。"), code="required")}
            )
        else:
            criterion_text = _require(basis, "basis", _("本企业行业没有收录的判定标准，请写明判定依据。"))
    with transaction.atomic():
        hazard = _lock(hazard)
        target = _check_state(hazard, Action.CONFIRM)
        hazard.grade = grade
        hazard.criterion_code = criterion_code if grade == HazardGrade.MAJOR else ""
        hazard.criterion_text = criterion_text
        hazard.confirmed_by = None if perms.is_system(actor) else actor
        hazard.confirmed_at = _now()
        _move(
            hazard,
            actor,
            Action.CONFIRM,
            target,
            reason=reason,
            data={"grade": grade, "criterion": hazard.criterion_code or criterion_text},
            fields=("grade", "criterion_code", "criterion_text", "confirmed_by", "confirmed_at"),
        )
        major = int(grade == HazardGrade.MAJOR)
        sectors = rollups._sectors(hazard.enterprise_id)
        rollups.bump_gauge(hazard, sectors, reported=-1, open=1, major_open=major)
        rollups.bump_month(
            hazard, rollups.month_of(timezone.localtime(hazard.found_at)), sectors, found=1, major_found=major
        )
        if major:
            _after_commit_notify(
                list(enterprise_managers(hazard.enterprise_id)) + supervisors_of(hazard),
                _message(
                    hazard,
                    "hazard.major_confirmed",
                    _("重大事故隐患：{}").format(hazard.enterprise.name),
                    _("判定依据：{}").format(criterion_text),
                ),
            )
    return hazard


def _uncount_from_inspection(hazard: Hazard) -> None:
    """A rejected report no longer counts among the hazards its inspection found."""
    from django.db.models import F

    from anjian.inspections.models import Inspection

    Inspection.objects.filter(items__hazard=hazard, hazards_found__gt=0).update(hazards_found=F("hazards_found") - 1)


def hazard_reject(*, actor, hazard: Hazard, reason: str) -> Hazard:
    _visible(actor, hazard)
    if not perms.can_manage(actor, hazard):
        raise PermissionDeniedError()
    reason = _require(reason, "reason", _("请写明不属于隐患的理由。"))
    with transaction.atomic():
        hazard = _lock(hazard)
        target = _check_state(hazard, Action.REJECT)
        hazard.reject_reason = reason
        _move(hazard, actor, Action.REJECT, target, reason=reason, fields=("reject_reason",))
        rollups.bump_gauge(hazard, reported=-1)
        _uncount_from_inspection(hazard)
        if hazard.found_by_id and hazard.found_by_id != getattr(actor, "pk", None):
            _after_commit_notify(
                [hazard.found_by_id], _message(hazard, "hazard.rejected", _("您上报的隐患被认定为不属于隐患"), reason)
            )
    return hazard


# --- the treatment plan -------------------------------------------------------------------------------------------


def _clean_plan(hazard: Hazard, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list] = {}
    out: dict[str, Any] = {}
    for field in (
        "measures",
        "responsible_name",
        "contingency_plan",
        "plan_goals",
        "plan_safety_measures",
        "report_state_cause",
        "report_harm_difficulty",
    ):
        if field in data:
            out[field] = (data.get(field) or "").strip()
    if len(out.get("responsible_name", "")) > 50:
        errors.setdefault("responsible_name", []).append(ValidationError(_("姓名不超过50字。"), code="max_length"))
    if "production_stop" in data:
        value = data.get("production_stop") or ""
        if value and value not in ProductionStop.values:
            errors.setdefault("production_stop", []).append(
                ValidationError(_("请选择停产停业范围。"), code="invalid_choice")
            )
        out["production_stop"] = value
    if "funds" in data:
        value = data.get("funds")
        if value in (None, ""):
            out["funds"] = None
        else:
            try:
                funds = Decimal(str(value)).quantize(Decimal("0.01"))
                if funds < 0 or funds >= Decimal("10000000000"):
                    raise InvalidOperation
                out["funds"] = funds
            except (InvalidOperation, ValueError):
                errors.setdefault("funds", []).append(
                    ValidationError(_("整改资金须为不小于0的金额（万元）。"), code="invalid")
                )
    if "deadline" in data:
        value = data.get("deadline")
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value) if value else None
            except ValueError:
                value = ""
        started = hazard.state in (HazardState.RECTIFYING, HazardState.TEMPORARY_CONTROL) and hazard.deadline
        if value == "" or (value is not None and not isinstance(value, datetime.date)):
            errors.setdefault("deadline", []).append(ValidationError(_("整改期限格式不正确。"), code="invalid"))
        elif started and value != hazard.deadline:
            # Once rectification runs, only a granted extension moves (or clears) the deadline.
            errors.setdefault("deadline", []).append(
                ValidationError(_("整改开始后期限只能通过延期申请变更。"), code="use_extension")
            )
        elif value is not None and value != hazard.deadline and value < _today():
            errors.setdefault("deadline", []).append(ValidationError(_("整改期限不能早于今天。"), code="past"))
        else:
            out["deadline"] = value
    if "responsible_user" in data:
        user = data.get("responsible_user")
        if user is not None and not isinstance(user, User):
            user = User.objects.filter(pk=user).first()
        if user is not None and user.enterprise_id != hazard.enterprise_id:
            errors.setdefault("responsible_user", []).append(
                ValidationError(_("整改责任人账号须是本企业人员。"), code="other_enterprise")
            )
        out["responsible_user"] = user
    if errors:
        raise ValidationError(errors)
    return out


def missing_plan_fields(hazard: Hazard) -> list[str]:
    required = MAJOR_PLAN_FIELDS if hazard.is_major else GENERAL_PLAN_FIELDS
    return [f for f in required if getattr(hazard, f) in (None, "")]


def hazard_save_plan(*, actor, hazard: Hazard, data: dict[str, Any]) -> Hazard:
    """Save (part of) the treatment plan; completeness is checked when rectification starts."""
    _visible(actor, hazard)
    if not perms.can_manage(actor, hazard):
        raise PermissionDeniedError()
    with transaction.atomic():
        hazard = _lock(hazard)
        _check_state(hazard, Action.SAVE_PLAN)
        clean = _clean_plan(hazard, data)
        before = {f: getattr(hazard, f) for f in clean}
        for field, value in clean.items():
            setattr(hazard, field, value)
        changes = audit.diff(before, clean)
        if changes:
            hazard.save(update_fields=[*clean, "updated_at"])
            _event(hazard, actor, Action.SAVE_PLAN, data={"changed": sorted(changes)})
    return hazard


def hazard_start(*, actor, hazard: Hazard, data: dict[str, Any] | None = None) -> Hazard:
    """Start rectification. General: measures, responsible person and deadline. Major: the full treatment
    plan with the report elements; the plan is then reported to the supervising authority."""
    _visible(actor, hazard)
    if not perms.can_manage(actor, hazard):
        raise PermissionDeniedError()
    with transaction.atomic():
        hazard = _lock(hazard)
        target = _check_state(hazard, Action.START)
        if data:
            clean = _clean_plan(hazard, data)
            for field, value in clean.items():
                setattr(hazard, field, value)
        missing = missing_plan_fields(hazard)
        if missing:
            labels = "、".join(_label(f) for f in missing)
            message = (
                _("重大隐患治理方案不完整，缺少：{}。").format(labels)
                if hazard.is_major
                else _("请先落实整改措施、责任人和期限，缺少：{}。").format(labels)
            )
            raise PlanIncompleteError(message, extra={"missing": missing})
        if hazard.deadline < _today():
            raise ValidationError({"deadline": ValidationError(_("整改期限不能早于今天。"), code="past")})
        fields = list(PLAN_FIELDS)
        if hazard.is_major:
            hazard.plan_reported_at = _now()
            fields.append("plan_reported_at")
        _move(
            hazard,
            actor,
            Action.START,
            target,
            data={f: getattr(hazard, f) for f in MAJOR_PLAN_FIELDS if getattr(hazard, f) not in (None, "")},
            fields=fields,
        )
        recipients = [hazard.responsible_user_id] if hazard.responsible_user_id else []
        if hazard.is_major:
            recipients += [u.pk for u in supervisors_of(hazard)]
            title = _("重大隐患治理方案报送：{}").format(hazard.enterprise.name)
        else:
            title = _("隐患整改任务：{}，期限 {}").format(hazard.location, hazard.deadline.isoformat())
        _after_commit_notify(recipients, _message(hazard, "hazard.started", title))
    return hazard


# --- temporary control ------------------------------------------------------------------------------------------


def hazard_temporary_control(
    *,
    actor,
    hazard: Hazard,
    contingency_plan: str,
    monitoring_measures: str,
    checkin_interval_days: int | None = None,
    reason: str,
) -> Hazard:
    """短期内难以彻底整改: a contingency plan and monitoring measures, checked in on a schedule."""
    _visible(actor, hazard)
    if not perms.can_manage(actor, hazard):
        raise PermissionDeniedError()
    reason = _require(reason, "reason", _("请说明短期内难以整改的原因。"))
    contingency_plan = _require(contingency_plan, "contingency_plan", _("请填写应急预案。"))
    monitoring_measures = _require(monitoring_measures, "monitoring_measures", _("请填写监控措施。"))
    interval = checkin_interval_days or settings.ANJIAN_CHECKIN_INTERVAL_DAYS
    try:
        interval = int(interval)
    except (TypeError, ValueError):
        interval = 0
    if not 1 <= interval <= 90:
        raise ValidationError({"checkin_interval_days": ValidationError(_("检查间隔须为1至90天。"), code="invalid")})
    with transaction.atomic():
        hazard = _lock(hazard)
        target = _check_state(hazard, Action.TEMPORARY_CONTROL)
        hazard.contingency_plan = contingency_plan
        hazard.monitoring_measures = monitoring_measures
        hazard.checkin_interval_days = interval
        hazard.next_checkin_due = _today() + datetime.timedelta(days=interval)
        _move(
            hazard,
            actor,
            Action.TEMPORARY_CONTROL,
            target,
            reason=reason,
            data={"interval": interval},
            fields=("contingency_plan", "monitoring_measures", "checkin_interval_days", "next_checkin_due"),
        )
    return hazard


def hazard_checkin(*, actor, hazard: Hazard, note: str) -> Hazard:
    _visible(actor, hazard)
    if not perms.can_checkin(actor, hazard):
        raise PermissionDeniedError()
    note = _require(note, "note", _("请填写本次管控检查情况。"))
    with transaction.atomic():
        hazard = _lock(hazard)
        _check_state(hazard, Action.CHECKIN)
        hazard.next_checkin_due = _today() + datetime.timedelta(
            days=hazard.checkin_interval_days or settings.ANJIAN_CHECKIN_INTERVAL_DAYS
        )
        hazard.save(update_fields=["next_checkin_due", "updated_at"])
        _event(hazard, actor, Action.CHECKIN, reason=note, data={"next": hazard.next_checkin_due})
    return hazard


def hazard_resume(*, actor, hazard: Hazard, reason: str) -> Hazard:
    _visible(actor, hazard)
    if not perms.can_manage(actor, hazard):
        raise PermissionDeniedError()
    reason = _require(reason, "reason", _("请说明恢复整改的情况。"))
    with transaction.atomic():
        hazard = _lock(hazard)
        target = _check_state(hazard, Action.RESUME)
        hazard.next_checkin_due = None
        _move(hazard, actor, Action.RESUME, target, reason=reason, fields=("next_checkin_due",))
    return hazard


# --- rectification and verification -----------------------------------------------------------------------------


def hazard_submit(*, actor, hazard: Hazard, note: str, photos=()) -> Hazard:
    """Hand in the rectification (with after-photos). For a major hazard this is the application for
    close-out (申请销号) with its evidence, and goes to the supervising authority."""
    _visible(actor, hazard)
    if not perms.can_submit(actor, hazard):
        raise PermissionDeniedError()
    note = _require(note, "note", _("请填写整改完成情况。"))
    processed = photo_lib.process_all(photos)
    with _atomic_with_files() as written:
        hazard = _lock(hazard)
        target = _check_state(hazard, Action.SUBMIT)
        if not processed and not hazard.photos.filter(kind=PhotoKind.AFTER).exists() and hazard.is_major:
            raise ValidationError(
                {"photos": ValidationError(_("申请销号须附整改后的照片作为证据。"), code="evidence_required")}
            )
        _save_photos(hazard, actor, PhotoKind.AFTER, processed, written)
        hazard.rectification_note = note
        hazard.rectified_by = None if perms.is_system(actor) else actor
        hazard.rectified_at = _now()
        _move(
            hazard,
            actor,
            Action.SUBMIT,
            target,
            reason=note,
            data={"photos": len(processed)},
            fields=("rectification_note", "rectified_by", "rectified_at"),
        )
        if hazard.is_major:
            recipients = [u.pk for u in supervisors_of(hazard)]
            title = _("重大隐患申请销号：{}").format(hazard.enterprise.name)
        else:
            recipients = [u.pk for u in enterprise_managers(hazard.enterprise_id) if u.pk != getattr(actor, "pk", None)]
            title = _("隐患整改待验收：{}").format(hazard.location)
        _after_commit_notify(recipients, _message(hazard, "hazard.submitted", title))
    return hazard


def _check_verifier(actor, hazard: Hazard) -> None:
    if perms.can_verify(actor, hazard):
        return
    if hazard.rectified_by_id and actor.pk == hazard.rectified_by_id:
        raise PermissionDeniedError(_("整改提交人不能验收自己的整改。"), code="self_verification")
    raise PermissionDeniedError(
        _("重大隐患只能由负有监管职责的部门验收销号。") if hazard.is_major else _("您不能验收该隐患。")
    )


def hazard_verify(*, actor, hazard: Hazard, note: str = "", close_out_document: str = "") -> Hazard:
    """Accept the rectification and close the hazard (销号 for a major one, which also lifts its listing)."""
    _visible(actor, hazard)
    close_out_document = (close_out_document or "").strip()[:100]
    with transaction.atomic():
        hazard = _lock(hazard)  # permission depends on who handed it in: judge on the locked row
        _check_verifier(actor, hazard)
        if hazard.is_major and not close_out_document:
            raise ValidationError({"close_out_document": ValidationError(_("请填写销号文号。"), code="required")})
        target = _check_state(hazard, Action.VERIFY)
        was_overdue, was_listed = hazard.is_overdue, hazard.listed
        hazard.verified_by = None if perms.is_system(actor) else actor
        hazard.verified_at = _now()
        hazard.verification_note = (note or "").strip()
        hazard.close_out_document = close_out_document
        hazard.is_overdue = False
        hazard.listed = False
        _move(
            hazard,
            actor,
            Action.VERIFY,
            target,
            reason=hazard.verification_note,
            data={"close_out_document": close_out_document},
            fields=("verified_by", "verified_at", "verification_note", "close_out_document", "is_overdue", "listed"),
        )
        for listing in hazard.listings.filter(lifted_at__isnull=True):
            _lift(listing, actor, close_out_document or _("验收销号"))
        major = int(hazard.is_major)
        sectors = rollups._sectors(hazard.enterprise_id)
        rollups.bump_gauge(
            hazard, sectors, open=-1, major_open=-major, overdue=-int(was_overdue), listed=-int(was_listed)
        )
        rollups.bump_month(
            hazard,
            rollups.month_of(timezone.localtime(hazard.verified_at)),
            sectors,
            rectified=1,
            major_rectified=major,
        )
        recipients = [hazard.rectified_by_id, hazard.found_by_id] + [
            u.pk for u in enterprise_managers(hazard.enterprise_id)
        ]
        _after_commit_notify(
            [r for r in recipients if r and r != getattr(actor, "pk", None)],
            _message(hazard, "hazard.closed", _("隐患已验收闭环：{}").format(hazard.location)),
        )
    return hazard


def hazard_return(*, actor, hazard: Hazard, reason: str) -> Hazard:
    """Send the rectification back. The second return flags the hazard for accountability."""
    _visible(actor, hazard)
    reason = _require(reason, "reason", _("请写明退回的理由。"))
    with transaction.atomic():
        hazard = _lock(hazard)
        _check_verifier(actor, hazard)
        target = _check_state(hazard, Action.RETURN)
        hazard.return_count += 1
        newly_flagged = hazard.return_count >= ACCOUNTABILITY_RETURNS and not hazard.accountability_flag
        hazard.accountability_flag = hazard.accountability_flag or newly_flagged
        _move(
            hazard,
            actor,
            Action.RETURN,
            target,
            reason=reason,
            data={"returns": hazard.return_count},
            fields=("return_count", "accountability_flag"),
        )
        recipients = [hazard.rectified_by_id, hazard.responsible_user_id] + [
            u.pk for u in enterprise_managers(hazard.enterprise_id)
        ]
        _after_commit_notify(
            [r for r in recipients if r and r != getattr(actor, "pk", None)],
            _message(hazard, "hazard.returned", _("隐患整改被退回：{}").format(hazard.location), reason),
        )
        if newly_flagged:
            _after_commit_notify(
                officers_over(hazard, {Role.BUREAU_LEADER}),
                _message(
                    hazard, "hazard.accountability", _("两次整改不到位，请追究责任：{}").format(hazard.enterprise.name)
                ),
            )
    return hazard


# --- extensions -------------------------------------------------------------------------------------------------


def extension_request(*, actor, hazard: Hazard, new_deadline, reason: str) -> ExtensionRequest:
    _visible(actor, hazard)
    if not perms.can_submit(actor, hazard):
        raise PermissionDeniedError()
    reason = _require(reason, "reason", _("请写明延期理由。"))
    if isinstance(new_deadline, str):
        try:
            new_deadline = datetime.date.fromisoformat(new_deadline)
        except ValueError:
            new_deadline = None
    with transaction.atomic():
        hazard = _lock(hazard)
        _check_state(hazard, Action.EXTENSION_REQUEST)
        if not isinstance(new_deadline, datetime.date) or new_deadline <= hazard.deadline or new_deadline < _today():
            raise ValidationError(
                {"new_deadline": ValidationError(_("延期后的期限须晚于原期限且不早于今天。"), code="invalid")}
            )
        try:
            with transaction.atomic():
                request = ExtensionRequest.objects.create(
                    hazard=hazard,
                    reason=reason,
                    old_deadline=hazard.deadline,
                    new_deadline=new_deadline,
                    requested_by=actor,
                )
        except IntegrityError:
            raise ConflictError(
                _("该隐患已有待审批的延期申请。"), code="extension_pending", extra={"current_state": hazard.state}
            ) from None
        _event(hazard, actor, Action.EXTENSION_REQUEST, reason=reason, data={"new_deadline": new_deadline})
        if hazard.is_major:
            recipients = [u.pk for u in supervisors_of(hazard)]
        else:
            recipients = [u.pk for u in enterprise_managers(hazard.enterprise_id, roles=(Role.ENTERPRISE_PRINCIPAL,))]
        _after_commit_notify(
            [r for r in recipients if r != actor.pk],
            _message(hazard, "hazard.extension_requested", _("隐患整改延期申请：{}").format(hazard.location), reason),
        )
    return request


def extension_decide(*, actor, extension: ExtensionRequest, grant: bool, note: str = "") -> ExtensionRequest:
    hazard = extension.hazard
    _visible(actor, hazard)
    if not perms.can_decide_extension(actor, hazard) or extension.requested_by_id == getattr(actor, "pk", None):
        raise PermissionDeniedError(
            _("重大隐患的延期由监管部门审批，一般隐患由企业主要负责人审批，申请人不能审批自己的申请。")
        )
    note = (note or "").strip()
    if not grant and not note:
        raise ValidationError({"note": ValidationError(_("不同意延期时请写明理由。"), code="required")})
    with transaction.atomic():
        hazard = _lock(hazard)
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if extension.state != ExtensionState.PENDING:
            raise ConflictError(
                _("该延期申请已审批。"), code="extension_decided", extra={"current_state": extension.state}
            )
        _check_state(hazard, Action.EXTENSION_DECIDE)
        extension.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
        extension.decided_by = None if perms.is_system(actor) else actor
        extension.decided_at = _now()
        extension.decision_note = note
        extension.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        fields = []
        if grant:
            hazard.deadline = extension.new_deadline
            hazard.extension_count += 1
            fields = ["deadline", "extension_count"]
            if hazard.is_overdue and hazard.deadline >= _today():
                hazard.is_overdue = False
                fields.append("is_overdue")
                rollups.bump_gauge(hazard, overdue=-1)
            hazard.save(update_fields=[*fields, "updated_at"])
        _event(
            hazard,
            actor,
            Action.EXTENSION_DECIDE,
            reason=note,
            data={"granted": grant, "new_deadline": extension.new_deadline},
        )
        _after_commit_notify(
            [extension.requested_by_id],
            _message(
                hazard,
                "hazard.extension_decided",
                (_("延期申请已同意，新期限 {}") if grant else _("延期申请未同意（原期限 {}）")).format(
                    (extension.new_deadline if grant else extension.old_deadline).isoformat()
                ),
                note,
            ),
        )
    return extension


# --- supervision listing ----------------------------------------------------------------------------------------


def listing_create(
    *, actor, hazard: Hazard, document_number: str, deadline, government_contact: str, publicly_announced: bool = False
) -> SupervisionListing:
    """挂牌督办 a major hazard at the level of the actor's authority (county, city or province)."""
    _visible(actor, hazard)
    level = perms.listing_level(actor)
    if level is None:
        raise PermissionDeniedError(_("只有县级以上负有安全生产监管职责的部门可以挂牌督办。"))
    errors = {}
    document_number = (document_number or "").strip()[:100]
    government_contact = (government_contact or "").strip()[:100]
    if not document_number:
        errors["document_number"] = ValidationError(_("请填写督办文号。"), code="required")
    if not government_contact:
        errors["government_contact"] = ValidationError(_("请填写政府督办责任人。"), code="required")
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline)
        except ValueError:
            deadline = None
    if not isinstance(deadline, datetime.date) or deadline < _today():
        errors["deadline"] = ValidationError(_("督办期限须为今天或以后的日期。"), code="invalid")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        hazard = _lock(hazard)
        _check_state(hazard, Action.LIST)
        if not hazard.is_major:
            raise ValidationError({"hazard": ValidationError(_("只有重大事故隐患可以挂牌督办。"), code="not_major")})
        try:
            with transaction.atomic():
                listing = SupervisionListing.objects.create(
                    hazard=hazard,
                    region_code=hazard.region_code,
                    level=level,
                    authority=actor.authority,
                    document_number=document_number,
                    deadline=deadline,
                    government_contact=government_contact,
                    publicly_announced=bool(publicly_announced),
                    listed_by=actor,
                )
        except IntegrityError:
            raise ConflictError(
                _("该隐患已在挂牌督办中。"), code="already_listed", extra={"current_state": hazard.state}
            ) from None
        hazard.listed = True
        hazard.save(update_fields=["listed", "updated_at"])
        _event(
            hazard,
            actor,
            Action.LIST,
            data={
                "document_number": document_number,
                "level": level,
                "deadline": deadline,
                "public": bool(publicly_announced),
            },
        )
        rollups.bump_gauge(hazard, listed=1)
        _after_commit_notify(
            list(enterprise_managers(hazard.enterprise_id)),
            _message(
                hazard,
                "hazard.listed",
                _("重大隐患已被挂牌督办（{}）").format(document_number),
                _("督办期限：{}").format(deadline.isoformat()),
            ),
        )
    return listing


def _lift(listing: SupervisionListing, actor, document: str) -> None:
    listing.lifted_at = _now()
    listing.lift_document = document[:100]
    listing.lifted_by = None if perms.is_system(actor) else actor
    listing.save(update_fields=["lifted_at", "lift_document", "lifted_by"])
    _event(
        listing.hazard,
        actor,
        Action.DELIST,
        data={"document_number": listing.document_number, "lift_document": document},
    )
