"""Helpers shared by the document and case services: input cleaning with field errors, the printed
snapshots of the enterprise and the officers, events with their audit record, and state checks."""

import datetime
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core import audit
from anjian.core.errors import ConflictError
from anjian.enforcement import permissions as perms

# Documents are official texts in Chinese whatever language the drafter's browser uses.
DOCUMENT_LANGUAGE = "zh-hans"


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate()


def actor_name(actor) -> str:
    return (actor.label if perms.is_system(actor) else actor.display_name)[:100]


def user_or_none(actor) -> User | None:
    return None if perms.is_system(actor) else actor


class Errors:
    """Collects field errors; ``raise_if_any`` raises one ValidationError with all of them."""

    def __init__(self) -> None:
        self.fields: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.fields.setdefault(field, []).append(ValidationError(message, code=code))

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def text(value, field: str, errors: Errors, *, required: str = "", max_length: int = 5000) -> str:
    value = (value if isinstance(value, str) else ("" if value is None else str(value))).strip()
    if required and not value:
        errors.add(field, required, "required")
    elif len(value) > max_length:
        errors.add(field, _("不超过{n}字。").format(n=max_length), "max_length")
    return value


# Years a case's dates may fall in.
YEARS = (2000, 2100)


def date(value, field: str, errors: Errors, *, required: str = "") -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    if value in (None, ""):
        if required:
            errors.add(field, required, "required")
        return None
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("日期格式不正确（YYYY-MM-DD）。"), "invalid")
        return None
    if not YEARS[0] <= day.year <= YEARS[1]:  # the clocks cannot count from year 1 or to year 9999
        errors.add(field, _("日期超出合理范围（{a}–{b}年）。").format(a=YEARS[0], b=YEARS[1]), "out_of_range")
        return None
    return day


def integer(value, field: str, errors: Errors, *, required: str = "", low: int = 0, high: int | None = None):
    if value in (None, ""):
        if required:
            errors.add(field, required, "required")
        return None
    if isinstance(value, bool):
        errors.add(field, _("须为整数。"), "invalid")
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.add(field, _("须为整数。"), "invalid")
        return None
    if number < low or (high is not None and number > high):
        top = high if high is not None else "∞"
        errors.add(field, _("须在{low}至{high}之间。").format(low=low, high=top), "out_of_range")
    return number


def lines(value) -> list[str]:
    """A list of non-empty stripped strings, from a list or from text with one entry per line."""
    if isinstance(value, str):
        value = value.splitlines()
    return [str(v).strip() for v in (value or []) if str(v).strip()]


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    return value.isoformat()


def enterprise_snapshot(enterprise) -> dict[str, str]:
    """The party as the document prints it."""
    return {
        "name": enterprise.name,
        "address": enterprise.address,
        "uscc": enterprise.uscc or "",
        "legal_representative": enterprise.legal_representative,
        "principal_name": enterprise.principal_name,
        "phone": enterprise.principal_phone or enterprise.safety_contact_phone,
    }


def officers_snapshot(users, day: datetime.date) -> list[dict[str, str]]:
    from anjian.inspections.services import valid_credential

    out = []
    for user in users:
        credential = valid_credential(user.pk, day)
        out.append({"name": user.display_name, "credential_number": credential.number if credential else ""})
    return out


def inspection_officers(inspection) -> list[dict[str, str]]:
    """The inspection team's officers (not its experts), with the credential numbers they held that day."""
    from anjian.inspections.choices import MemberRole

    return [
        {"name": m.user.display_name, "credential_number": m.credential_number}
        for m in inspection.members.select_related("user").order_by("id")
        if m.role != MemberRole.EXPERT
    ]


def canonical_hash(payload: Any) -> str:
    data = json.dumps(audit._jsonable(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def check_state(obj, action: str, transitions: dict, allowed_in: dict, state_choices, action_choices) -> str | None:
    """The target state of ``action`` from the object's state; ConflictError naming the state otherwise."""
    if action in transitions:
        sources, target = transitions[action]
    else:
        sources, target = allowed_in[action], None
    if obj.state not in sources:
        raise ConflictError(
            _("当前状态为「{state}」，不能执行「{action}」。").format(
                state=state_choices(obj.state).label, action=action_choices(action).label
            ),
            code="invalid_transition",
            extra={"current_state": obj.state, "action": str(action)},
        )
    return target


def record_event(event_model, owner_field: str, obj: Model, actor, action: str, *, from_state: str = "",
                 reason: str = "", data=None, prefix: str):
    """The domain event row and the audit event of one step."""
    event = event_model.objects.create(
        **{owner_field: obj},
        action=action,
        from_state=from_state,
        to_state=obj.state if from_state else "",
        actor=user_or_none(actor),
        actor_name=actor_name(actor),
        reason=reason,
        data=audit._jsonable(data or {}),
    )
    audit.record(
        actor=actor,
        action=f"{prefix}.{action}",
        obj=obj,
        changes={"from": from_state, "to": event.to_state, "reason": reason, **(event.data or {})},
        region_code=obj.region_code,
    )
    return event
