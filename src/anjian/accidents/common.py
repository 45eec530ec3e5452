"""What the accident services share: the clock, locking, the case log, state checks, who is told."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import ALLOWED_IN, TRANSITIONS, AccidentState, Action
from anjian.accidents.models import Accident, AccidentEvent
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.audit import SystemActor
from anjian.core.choices import RegionLevel
from anjian.core.errors import ConflictError, PermissionDeniedError

# Officers who supervise accidents: the emergency bureau and the departments with supervision duties.
SUPERVISORS = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER})
# Who may enter an accident for a unit: supervisors and township officers (a township often hears first).
OFFICER_REPORTERS = SUPERVISORS | {Role.TOWNSHIP_OFFICER}

# Region level of an authority → the reporting level (rules.accidents.REPORT_LEVELS) it stands for.
REPORT_LEVEL_OF_REGION = {
    RegionLevel.COUNTY: "county",
    RegionLevel.CITY: "city",
    RegionLevel.PROVINCE: "province",
}
# Reporting/investigating level → the region-code prefix length of that level's jurisdiction.
LEVEL_PREFIX = {"county": 6, "city": 4, "province": 2, "state_council": 0}
LEVEL_ORDER = ("county", "city", "province", "state_council")


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate()


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def actor_level(actor) -> str | None:
    """The reporting level of the actor's authority (county, city, province), or None."""
    if is_system(actor) or not getattr(actor, "authority_id", None):
        return None
    return REPORT_LEVEL_OF_REGION.get(actor.authority.region.level)


def level_at_least(level: str | None, wanted: str) -> bool:
    if level not in LEVEL_ORDER or wanted not in LEVEL_ORDER:
        return False
    return LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(wanted)


def label(field: str, model=Accident) -> str:
    return str(model._meta.get_field(field).verbose_name)


def lock(accident: Accident) -> Accident:
    """The row, locked for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    return Accident.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=accident.pk)


def visible(actor, accident: Accident) -> None:
    """PermissionDeniedError unless the accident is in the actor's scope."""
    from anjian.accidents.queries import accidents_visible_to

    if is_system(actor):
        return
    if not accidents_visible_to(actor).filter(pk=accident.pk).exists():
        raise PermissionDeniedError(_("该事故不在您的管辖范围内。"))


def require_supervisor(actor, message: str | None = None) -> None:
    if is_system(actor):
        return
    if actor.role not in SUPERVISORS:
        raise PermissionDeniedError(message or _("只有应急管理部门和负有安全生产监督管理职责的部门可以执行此操作。"))


def check_state(accident: Accident, action: str) -> str | None:
    """The target state of ``action`` from the accident's state; ConflictError naming the state otherwise."""
    if action in TRANSITIONS:
        sources, target = TRANSITIONS[action]
    else:
        sources, target = ALLOWED_IN[action], None
    if accident.state not in sources:
        raise ConflictError(
            _("事故当前状态为「{state}」，不能执行「{action}」。").format(
                state=AccidentState(accident.state).label, action=Action(action).label
            ),
            code="invalid_transition",
            extra={"current_state": accident.state, "action": str(action)},
        )
    return target


def event(accident: Accident, actor, action: str, *, from_state: str = "", note: str = "", data=None) -> AccidentEvent:
    """Append to the case log and the audit chain."""
    name = actor.label if is_system(actor) else actor.display_name
    row = AccidentEvent.objects.create(
        accident=accident,
        action=str(action),
        from_state=from_state,
        to_state=accident.state if from_state else "",
        actor=None if is_system(actor) else actor,
        actor_name=name[:100],
        note=note,
        data=audit._jsonable(data or {}),
    )
    audit.record(
        actor=actor,
        action=f"accident.{action}",
        obj=accident,
        changes={"from": from_state, "to": row.to_state, "note": note, **(row.data or {})},
        region_code=accident.region_code,
        object_repr=accident.number,
    )
    return row


def move(accident: Accident, actor, action: str, target: str, *, note: str = "", data=None, fields=()) -> None:
    from_state = accident.state
    accident.state = target
    accident.state_changed_at = now()
    accident.save(update_fields=["state", "state_changed_at", "updated_at", *fields])
    event(accident, actor, action, from_state=from_state, note=note, data=data)


def require_text(value, field: str, message: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not value:
        raise ValidationError({field: ValidationError(message, code="required")})
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            {field: ValidationError(_("不超过{n}字。").format(n=max_length), code="max_length")}
        )
    return value


def accident_url(accident: Accident) -> str:
    return f"/accidents/{accident.pk}/"


def message(accident: Accident, kind: str, title: str, body: str = "") -> notify.Message:
    return notify.Message(
        kind=kind,
        title=title,
        body=body or f"{accident.enterprise.name}：{accident.place}",
        url=accident_url(accident),
        object_type="accidents.accident",
        object_id=str(accident.pk),
    )


def officers_over(accident: Accident, *, roles=SUPERVISORS, level: str | None = None) -> list[User]:
    """Active officers with one of ``roles`` whose jurisdiction holds the accident (a department only when its
    sectors include the accident's); with ``level``, only those whose authority is at that reporting level."""
    code = accident.region_code
    prefixes = sorted({code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n})
    if level is not None:
        n = LEVEL_PREFIX.get(level)
        if not n:
            return []
        prefixes = [code[:n]]
    users = User.objects.filter(
        role__in=sorted(roles), is_active=True, authority__region__prefix__in=prefixes
    ).select_related("authority", "authority__region")
    out = []
    for user in users:
        if user.role == Role.DEPARTMENT_OFFICER and accident.sector not in (user.authority.sectors or []):
            continue
        out.append(user)
    return out


def enterprise_managers(enterprise_id: int) -> list[User]:
    """The unit's active principal and safety manager (the hazard services' query)."""
    from anjian.hazards.services import enterprise_managers as managers

    return list(managers(enterprise_id))


# Namespace of the transaction-level advisory locks that serialise numbering (PostgreSQL).
_NUMBER_LOCK_CLASS = 0x5347  # "SG"


def next_number(region_code: str, year: int) -> str:
    """事故编号: 「SG」 + county code + year + a four-digit sequence, gap-free per county and year.

    Call inside the transaction that inserts the accident: on PostgreSQL a transaction-level advisory lock per
    county and year is taken first, so concurrent reports wait for each other instead of reading the same last
    number (SQLite serialises writers anyway). The sequence is compared by length first, so 10000 follows 9999."""
    county = (region_code or "")[:6].ljust(6, "0")
    prefix = f"SG{county}{year}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_NUMBER_LOCK_CLASS, prefix])
    numbers = (
        Accident.objects.filter(number__startswith=prefix)
        .annotate(number_length=Length("number"))
        .order_by("-number_length", "-number")
    )
    last = numbers.values_list("number", flat=True).first()
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"
