"""Every write to an employee: registration, corrections, posts held over time, leaving, periods away.

Each service checks that the actor keeps the enterprise's ledger (:func:`anjian.people.permissions.require_keeper`),
validates, writes in one transaction, records an audit event and refreshes the "may work" verdict
(:mod:`anjian.people.verdict`). The ID-card number and the phone are stored only sealed, beside their blind index;
the audit trail holds their masked forms at most. Views, the API and the imports all call these.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit, crypto
from anjian.core.errors import ConflictError
from anjian.core.validation import FieldErrors as _Errors
from anjian.core.validation import clean_text as _text
from anjian.core.validation import parse_date
from anjian.people import verdict
from anjian.people.choices import EmployeeState, EmploymentType, Gender, PersonKind
from anjian.people.models import Absence, Certificate, Employee, PostAssignment
from anjian.people.permissions import require_keeper
from anjian.rules import id_card
from anjian.rules._dates import add_years

# Who must name the employer (派遣单位、承包单位或学校).
EMPLOYER_REQUIRED = (EmploymentType.DISPATCHED, EmploymentType.CONTRACTOR, EmploymentType.INTERN)
MIN_WORKING_AGE = 16  # 劳动法 第十五条: 禁止用人单位招用未满十六周岁的未成年人
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 20
EMPLOYEE_FIELDS = (
    "name", "id_number", "phone", "gender", "person_kind", "employment_type", "employer_name", "department", "team",
    "post", "hired_on", "note",
)
POST_FIELDS = ("post", "department", "team")
_PHONE_JUNK = str.maketrans({" ": None, "-": None, "－": None, "\u3000": None, "\t": None}
                            | {ord("０") + i: str(i) for i in range(10)})


# --- helpers -------------------------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def _char(errors: _Errors, data: dict, field: str, label: str, max_length: int, *, required: bool = False) -> str:
    value = _text(data.get(field))
    if required and not value:
        errors.add(field, _("请填写{label}。").format(label=label), "required")
    elif len(value) > max_length:
        errors.add(field, _("{label}不能超过{n}个字。").format(label=label, n=max_length), "max_length")
    return value


def _date(errors: _Errors, data: dict, field: str, label: str, *, required: bool = False,
          allow_future: bool = False) -> datetime.date | None:
    try:
        value = parse_date(data.get(field))
    except (TypeError, ValueError):
        errors.add(field, _("{label}不是有效日期。").format(label=label), "invalid")
        return None
    if value is None:
        if required:
            errors.add(field, _("请填写{label}。").format(label=label), "required")
        return None
    if not allow_future and value > today():
        errors.add(field, _("{label}不能晚于今天。").format(label=label), "future")
        return None
    return value


def _choice(errors: _Errors, data: dict, field: str, label: str, choices, default: str) -> str:
    value = _text(data.get(field)) or default
    if value not in choices.values:
        errors.add(field, _("{label}的取值无效。").format(label=label), "invalid_choice")
    return value


def normalise_phone(text) -> str:
    """Digits only: spaces and dashes removed, full-width digits made half-width ("" for anything not text)."""
    if not isinstance(text, str):
        return ""
    return text.translate(_PHONE_JUNK)


def phone_problem(digits: str) -> str:
    """The Chinese message for a phone number that is not 7–20 ASCII digits, or ""."""
    if not (digits.isascii() and digits.isdigit()):
        return _("联系电话只能包含数字（可用空格或短横线分隔）。")
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        return _("联系电话应为{a}至{b}位数字（手机号码为11位），当前为{n}位。").format(
            a=PHONE_MIN_DIGITS, b=PHONE_MAX_DIGITS, n=len(digits))
    return ""


def id_index(number: str) -> str:
    return crypto.blind_index("id_number", id_card.normalise(number))


def phone_index(digits: str) -> str:
    return crypto.blind_index("phone", digits)


def find_by_id_number(queryset: QuerySet, text) -> QuerySet:
    """Rows of ``queryset`` (employees, or anything with ``id_number_index``) whose ID-card number is exactly
    ``text`` (normalised as the rule does: spaces removed, x as X). An empty text finds nothing."""
    number = id_card.normalise(text)
    return queryset.filter(id_number_index=id_index(number)) if number else queryset.none()


def find_by_phone(queryset: QuerySet, text) -> QuerySet:
    """Rows of ``queryset`` whose phone is exactly ``text`` (digits only; spaces and dashes ignored)."""
    digits = normalise_phone(text)
    return queryset.filter(phone_index=phone_index(digits)) if digits else queryset.none()


def _lock(employee: Employee) -> Employee:
    return Employee.objects.select_for_update().select_related("enterprise").get(pk=employee.pk)


def _masked(employee: Employee) -> dict:
    return {"id_number": id_card.mask(employee.id_number), "phone": id_card.mask_phone(employee.phone)}


def _audit(actor, action: str, employee: Employee, changes: dict) -> None:
    audit.record(actor=actor, action=f"people.{action}", obj=employee, changes=changes,
                 region_code=employee.region_code)


def _require_active(employee: Employee) -> None:
    if employee.state != EmployeeState.ACTIVE:
        raise ConflictError(
            _("{name}已于 {day} 离职，不能再办理此事项。").format(name=employee.name, day=employee.left_on),
            code="invalid_transition", extra={"current_state": employee.state},
        )


def _duplicate_error() -> ValidationError:
    return ValidationError({"id_number": ValidationError(
        _("本单位已登记过该身份证号码的在职人员；同一人在一个单位只登记一次。"), code="duplicate_employee")})


# --- cleaning --------------------------------------------------------------------------------------------------------


def _clean(enterprise, data: dict[str, Any], *, instance: Employee | None = None) -> dict[str, Any]:
    """The validated values of the keys present in ``data`` (all keys for a registration, ``instance`` None)."""
    errors = _Errors()
    keys = set(EMPLOYEE_FIELDS) if instance is None else set(data) & set(EMPLOYEE_FIELDS)
    out: dict[str, Any] = {}

    if "name" in keys:
        out["name"] = _char(errors, data, "name", _("姓名"), 50, required=True)
    check = None
    if "id_number" in keys:
        check = id_card.validate(_text(data.get("id_number")), today=today())
        if not check.ok:
            errors.add("id_number", check.message, f"id_{check.code}")
        else:
            out["id_number"] = check.number
    elif instance is not None:
        check = id_card.validate(instance.id_number, today=today())
    if "phone" in keys:
        digits = normalise_phone(_text(data.get("phone")))
        problem = phone_problem(digits) if digits else ""
        if problem:
            errors.add("phone", problem, "phone_invalid")
        out["phone"] = digits
    if "gender" in keys:
        gender = _text(data.get("gender"))
        if gender and gender not in Gender.values:
            errors.add("gender", _("性别的取值无效。"), "invalid_choice")
        out["gender"] = gender
    if "person_kind" in keys:
        out["person_kind"] = _choice(errors, data, "person_kind", _("人员类别"), PersonKind, PersonKind.EMPLOYEE)
    if "employment_type" in keys:
        out["employment_type"] = _choice(errors, data, "employment_type", _("用工形式"), EmploymentType,
                                         EmploymentType.REGULAR)
    if "employer_name" in keys:
        out["employer_name"] = _char(errors, data, "employer_name", _("派遣单位、承包单位或学校"), 200)
    for field, label in (("department", _("车间（部门）")), ("team", _("班组"))):
        if field in keys:
            out[field] = _char(errors, data, field, label, 100)
    if "post" in keys:
        out["post"] = _char(errors, data, "post", _("岗位"), 100, required=True)
    if "hired_on" in keys:
        out["hired_on"] = _date(errors, data, "hired_on", _("入职（进场）日期"), required=True)
    if "note" in keys:
        out["note"] = _char(errors, data, "note", _("备注"), 500)

    # Checks across fields, on the merged values.
    def merged(field):
        return out[field] if field in out else (getattr(instance, field) if instance is not None else None)

    employment = merged("employment_type")
    if employment in EMPLOYER_REQUIRED and not merged("employer_name") and "employer_name" not in errors.errors:
        errors.add("employer_name", _("{kind}须填写派遣单位、承包单位或学校。").format(
            kind=EmploymentType(employment).label), "required")
    if check is not None and check.ok:
        hired_on = merged("hired_on")
        if hired_on and hired_on < add_years(check.birth_date, MIN_WORKING_AGE) and "hired_on" not in errors.errors:
            errors.add("hired_on", _("入职时未满16周岁（出生日期 {birth}），请核对入职日期或身份证号码。").format(
                birth=check.birth_date.isoformat()), "under_age")
        if "gender" in keys or "id_number" in keys:
            if not merged("gender") or ("id_number" in out and "gender" not in data):
                out["gender"] = check.gender
    if instance is not None and "hired_on" in out and out["hired_on"]:
        first_change = instance.posts.filter(is_change=True).order_by("started_on").first()
        if first_change is not None and out["hired_on"] > first_change.started_on:
            errors.add("hired_on", _("入职日期不能晚于调岗日期 {day}。").format(day=first_change.started_on),
                       "after_post_change")
        if instance.left_on and out["hired_on"] > instance.left_on:
            errors.add("hired_on", _("入职日期不能晚于离职日期 {day}。").format(day=instance.left_on), "after_left")
    errors.raise_if_any()

    if "id_number" in out:
        index = id_index(out["id_number"])
        dup = Employee.objects.filter(enterprise=enterprise, id_number_index=index, state=EmployeeState.ACTIVE)
        if instance is not None:
            dup = dup.exclude(pk=instance.pk)
        if dup.exists():
            raise _duplicate_error()
    return out


def _store_secrets(employee: Employee, values: dict) -> None:
    if "id_number" in values:
        employee.id_number_sealed = crypto.seal(values["id_number"])
        employee.id_number_index = id_index(values["id_number"])
    if "phone" in values:
        employee.phone_sealed = crypto.seal(values["phone"])
        employee.phone_index = phone_index(values["phone"]) if values["phone"] else ""


def _plain_changes(values: dict) -> dict:
    """What the audit may hold of ``values``: everything but the secrets, which appear masked."""
    out = {k: v for k, v in values.items() if k not in ("id_number", "phone")}
    if "id_number" in values:
        out["id_number"] = id_card.mask(values["id_number"])
    if "phone" in values:
        out["phone"] = id_card.mask_phone(values["phone"])
    return out


# --- employees -------------------------------------------------------------------------------------------------------


def employee_register(*, actor, enterprise, data: dict) -> Employee:
    """Register one person working at ``enterprise`` (see the module docstring for the data keys)."""
    require_keeper(actor, enterprise)
    values = _clean(enterprise, data)
    try:
        with transaction.atomic():
            employee = Employee(
                enterprise=enterprise,
                region_code=enterprise.region_code,
                created_by=None if getattr(actor, "is_system", False) else actor,
                **{k: v for k, v in values.items() if k not in ("id_number", "phone")},
            )
            _store_secrets(employee, values)
            employee.save()
            PostAssignment.objects.create(
                employee=employee, post=employee.post, department=employee.department, team=employee.team,
                started_on=employee.hired_on, is_change=False,
                recorded_by=None if getattr(actor, "is_system", False) else actor,
            )
            _audit(actor, "employee.register", employee, {"enterprise": enterprise.pk, **_plain_changes(values)})
            verdict.refresh([employee.pk])
    except IntegrityError as exc:  # two registrations of the same person at the same moment
        if Employee.objects.filter(enterprise=enterprise, id_number_index=id_index(values["id_number"]),
                                   state=EmployeeState.ACTIVE).exists():
            raise _duplicate_error() from exc
        raise
    return employee


def employee_update(*, actor, employee: Employee, data: dict) -> Employee:
    """Correct the keys given in ``data`` (same checks as the registration). The post, workshop and team change
    only through :func:`employee_post_change` (a change of post calls for new training); given unchanged they are
    ignored."""
    require_keeper(actor, employee.enterprise)
    data = dict(data)
    changed_post = [f for f in POST_FIELDS if f in data and _text(data[f]) != getattr(employee, f)]
    if changed_post:
        raise ValidationError({f: ValidationError(
            _("调整岗位、车间或班组请使用「调岗」登记（记录任职日期，调岗后须重新进行车间级和班组级培训）。"),
            code="post_change_required") for f in changed_post})
    for f in POST_FIELDS:
        data.pop(f, None)
    try:
        with transaction.atomic():
            employee = _lock(employee)
            values = _clean(employee.enterprise, data, instance=employee)
            before = {k: getattr(employee, k) for k in values if k not in ("id_number", "phone")}
            if "id_number" in values:
                before["id_number"] = id_card.mask(employee.id_number)
            if "phone" in values:
                before["phone"] = id_card.mask_phone(employee.phone)
            if "id_number" in values and values["id_number"] == employee.id_number:
                values.pop("id_number")
                before.pop("id_number")
            if "phone" in values and values["phone"] == employee.phone:
                values.pop("phone")
                before.pop("phone")
            for k, v in values.items():
                if k not in ("id_number", "phone"):
                    setattr(employee, k, v)
            _store_secrets(employee, values)
            employee.save()
            if "id_number" in values:
                # The same person's certificates follow the corrected number (their holder index).
                Certificate.objects.filter(employee=employee).update(holder_index=employee.id_number_index)
            if "hired_on" in values:
                for row in PostAssignment.objects.filter(employee=employee, is_change=False):
                    row.started_on = employee.hired_on
                    if row.ended_on is not None and row.ended_on < row.started_on:
                        row.ended_on = row.started_on
                    row.save(update_fields=["started_on", "ended_on"])
            changes = audit.diff(before, _plain_changes(values))
            if changes:
                _audit(actor, "employee.update", employee, changes)
            verdict.refresh([employee.pk])
    except IntegrityError as exc:
        raise _duplicate_error() from exc
    return employee


def employee_post_change(*, actor, employee: Employee, post: str, department: str = "", team: str = "",
                         started_on) -> PostAssignment:
    """A change of post (调岗) from ``started_on``: the open post ends the day before, a new one opens
    (``is_change`` True), so workshop and team training dated before ``started_on`` no longer count
    (《生产经营单位安全培训规定》第十七条)."""
    require_keeper(actor, employee.enterprise)
    errors = _Errors()
    data = {"post": post, "department": department, "team": team, "started_on": started_on}
    post = _char(errors, data, "post", _("岗位"), 100, required=True)
    department = _char(errors, data, "department", _("车间（部门）"), 100)
    team = _char(errors, data, "team", _("班组"), 100)
    started_on = _date(errors, data, "started_on", _("任职日期"), required=True)
    errors.raise_if_any()
    with transaction.atomic():
        employee = _lock(employee)
        _require_active(employee)
        current = employee.posts.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
        floor = current.started_on if current is not None else employee.hired_on
        if started_on < floor:
            errors.add("started_on", _("任职日期不能早于现岗位的任职日期 {day}。").format(day=floor), "before_current")
        if (post, department, team) == (employee.post, employee.department, employee.team):
            errors.add("post", _("岗位、车间和班组与现岗位相同，不是调岗。"), "post_unchanged")
        errors.raise_if_any()
        before = {"post": employee.post, "department": employee.department, "team": employee.team}
        if current is not None:
            current.ended_on = max(current.started_on, started_on - datetime.timedelta(days=1))
            current.save(update_fields=["ended_on"])
        row = PostAssignment.objects.create(
            employee=employee, post=post, department=department, team=team, started_on=started_on, is_change=True,
            recorded_by=None if getattr(actor, "is_system", False) else actor,
        )
        employee.post, employee.department, employee.team = post, department, team
        employee.save(update_fields=["post", "department", "team", "updated_at"])
        _audit(actor, "employee.post_change", employee, {
            **audit.diff(before, {"post": post, "department": department, "team": team}), "started_on": started_on})
        verdict.refresh([employee.pk])
    return row


def employee_leave(*, actor, employee: Employee, left_on) -> Employee:
    """The person leaves the enterprise on ``left_on`` (state LEFT; the open post ends that day)."""
    require_keeper(actor, employee.enterprise)
    errors = _Errors()
    left_on = _date(errors, {"left_on": left_on}, "left_on", _("离职日期"), required=True)
    errors.raise_if_any()
    with transaction.atomic():
        employee = _lock(employee)
        _require_active(employee)
        if left_on < employee.hired_on:
            errors.add("left_on", _("离职日期不能早于入职日期 {day}。").format(day=employee.hired_on), "before_hired")
            errors.raise_if_any()
        for row in employee.posts.filter(ended_on__isnull=True):
            row.ended_on = max(row.started_on, left_on)
            row.save(update_fields=["ended_on"])
        # Whoever leaves stops operating the unit's special equipment (特种设备安全法 第十四条 binds the operator).
        for row in employee.equipment_assignments.filter(ended_on__isnull=True):
            row.ended_on = max(row.assigned_on, left_on)
            row.save(update_fields=["ended_on"])
        employee.state, employee.left_on = EmployeeState.LEFT, left_on
        employee.save(update_fields=["state", "left_on", "updated_at"])
        _audit(actor, "employee.leave", employee, {"left_on": left_on})
        verdict.refresh([employee.pk])
    return employee


# --- absences --------------------------------------------------------------------------------------------------------


def _overlaps(employee: Employee, left_on: datetime.date, returned_on: datetime.date | None, *,
              exclude: int | None = None) -> Absence | None:
    far = datetime.date.max
    end = returned_on or far
    for row in employee.absences.exclude(pk=exclude).order_by("left_on"):
        if row.left_on <= end and left_on <= (row.returned_on or far):
            return row
    return None


def _overlap_error(row: Absence) -> ValidationError:
    until = row.returned_on.isoformat() if row.returned_on else _("今")
    return ValidationError({"left_on": ValidationError(
        _("与已登记的离岗期间（{a} 至 {b}）重叠。").format(a=row.left_on, b=until), code="absence_overlap")})


def absence_record(*, actor, employee: Employee, left_on, returned_on=None, reason: str = "") -> Absence:
    """A period away (离岗) from ``left_on``, back on ``returned_on`` (None: still away). Periods do not overlap, and
    only one is open."""
    require_keeper(actor, employee.enterprise)
    errors = _Errors()
    data = {"left_on": left_on, "returned_on": returned_on, "reason": reason}
    left_on = _date(errors, data, "left_on", _("离岗日期"), required=True)
    returned_on = _date(errors, data, "returned_on", _("返岗日期"))
    reason = _char(errors, data, "reason", _("离岗原因"), 200)
    if left_on and returned_on and returned_on < left_on:
        errors.add("returned_on", _("返岗日期不能早于离岗日期。"), "before_left")
    errors.raise_if_any()
    with transaction.atomic():
        employee = _lock(employee)
        _require_active(employee)
        if left_on < employee.hired_on:
            errors.add("left_on", _("离岗日期不能早于入职日期 {day}。").format(day=employee.hired_on), "before_hired")
            errors.raise_if_any()
        if returned_on is None and employee.absences.filter(returned_on__isnull=True).exists():
            raise ValidationError({"returned_on": ValidationError(
                _("该人员已有一段尚未返岗的离岗记录，请先登记返岗。"), code="absence_open")})
        row = _overlaps(employee, left_on, returned_on)
        if row is not None:
            raise _overlap_error(row)
        absence = Absence.objects.create(
            employee=employee, left_on=left_on, returned_on=returned_on, reason=reason,
            recorded_by=None if getattr(actor, "is_system", False) else actor,
        )
        _audit(actor, "employee.absence", employee, {
            "absence": absence.pk, "left_on": left_on, "returned_on": returned_on, "reason": reason})
        verdict.refresh([employee.pk])
    return absence


def absence_return(*, actor, absence: Absence, returned_on) -> Absence:
    """The person is back on ``returned_on`` (after a year or more away, workshop and team training are redone)."""
    employee = absence.employee
    require_keeper(actor, employee.enterprise)
    errors = _Errors()
    returned_on = _date(errors, {"returned_on": returned_on}, "returned_on", _("返岗日期"), required=True)
    errors.raise_if_any()
    with transaction.atomic():
        employee = _lock(employee)
        absence = Absence.objects.select_for_update().get(pk=absence.pk)
        if absence.returned_on is not None:
            raise ConflictError(_("该离岗记录已于 {day} 返岗。").format(day=absence.returned_on),
                                code="invalid_transition")
        if returned_on < absence.left_on:
            errors.add("returned_on", _("返岗日期不能早于离岗日期 {day}。").format(day=absence.left_on), "before_left")
            errors.raise_if_any()
        row = _overlaps(employee, absence.left_on, returned_on, exclude=absence.pk)
        if row is not None:
            raise _overlap_error(row)
        absence.returned_on = returned_on
        absence.save(update_fields=["returned_on"])
        _audit(actor, "employee.absence_return", employee, {"absence": absence.pk, "returned_on": returned_on})
        verdict.refresh([employee.pk])
    return absence


def reveal(*, actor, employee: Employee) -> dict:
    """The full ID-card number and phone, for a keeper of the enterprise; the look is audited (not the values)."""
    require_keeper(actor, employee.enterprise)
    _audit(actor, "employee.reveal", employee, {"fields": ["id_number", "phone"], **_masked(employee)})
    return {"id_number": employee.id_number, "phone": employee.phone}
