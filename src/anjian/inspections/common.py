"""What the inspection services share: the row lock, the transitions check, the event written with its audit
record, the enterprise's right to know, and small parsers. Imported by ``services`` and ``signing``."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit, notify
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.hazards import services as hazard_services
from anjian.inspections import permissions as perms
from anjian.inspections.choices import (
    ALLOWED_IN,
    HIDDEN_UNTIL,
    TRANSITIONS,
    InspectionAction,
    InspectionState,
)
from anjian.inspections.models import (
    Inspection,
    InspectionEvent,
    InspectorCredential,
)

A = InspectionAction


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


def _check_walker(actor, inspection: Inspection) -> None:
    if not perms.can_walk(actor, inspection):
        raise PermissionDeniedError(_("只有本次检查的检查人员可以记录检查情况。"))
