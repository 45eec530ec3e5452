"""Every write to the special-equipment register (特种设备安全法 第三十三条 to 第四十条). Each service checks that the
actor keeps the unit's ledgers (:func:`anjian.people.permissions.require_keeper`), validates against
:mod:`anjian.rules.equipment`, writes in one transaction and appends an audit event. Views, the API, the Excel
import and the deadline scan all call these.

The clocks (``EquipmentDue``): a boiler runs two (external and internal inspection), every other kind one. An
elevator keeps a single row holding its next event, a periodic inspection or a self-test (TSG T7001-2023), under
that event's kind; recording either kind replaces it. An inspection moves its clock only when it is the latest of
that clock (a late-entered older report does not move the date back); a failed inspection without a next date
leaves the clock as it was. With no inspection on record, the first inspection is proposed from the commissioning
(elevators: installation) date by the rules when that date is still ahead; otherwise the clock stays missing.

``usable`` (第四十条第三款): False while the latest report of a clock failed, a vessel is of a safety grade that
may not be used (grade 5), a due date has passed, or a clock has no date at all; the reasons are joined in
``unusable_reason``. A new inspection that brings every clock into the future makes the equipment usable again.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.errors import ConflictError
from anjian.core.validation import FieldErrors as _Errors
from anjian.core.validation import clean_text as _text
from anjian.core.validation import parse_date
from anjian.equipment.choices import Conclusion, EquipmentKind, EquipmentState, InspectionKind, Schedule
from anjian.equipment.models import EquipmentDue, EquipmentInspection, EquipmentOperator, SpecialEquipment
from anjian.people import verdict
from anjian.people.choices import CertificateKind, EmployeeState
from anjian.people.models import Certificate
from anjian.people.permissions import require_keeper
from anjian.people.queries import certificate_valid_q
from anjian.rules import certificates as cert_rules
from anjian.rules import equipment as rules

EQUIPMENT_FIELDS = (
    "kind", "subtype", "molten_metal", "name", "model_number", "registration_code", "use_registration_number",
    "location", "manufacturer", "factory_number", "commissioned_on", "installed_on", "schedule", "safety_grade",
    "note",
)
INSPECTION_FIELDS = (
    "inspection_kind", "inspected_on", "body", "conclusion", "report_number", "safety_grade", "next_due",
    "next_kind", "confirm_exceeds",
)
# Kinds whose reports carry a safety grade (安全状况等级).
GRADED_KINDS = (EquipmentKind.PRESSURE_VESSEL, EquipmentKind.PRESSURE_PIPELINE)
# The state moves a keeper may make: 停用, 报废, 重新启用.
STATE_MOVES = {
    EquipmentState.IN_USE: {EquipmentState.STOPPED, EquipmentState.SCRAPPED},
    EquipmentState.STOPPED: {EquipmentState.IN_USE, EquipmentState.SCRAPPED},
    EquipmentState.SCRAPPED: set(),
}
LAW_14 = "《中华人民共和国特种设备安全法》第十四条"
OLDEST_YEAR = 1950


def next_due_nullable() -> bool:
    """Whether an inspection may be stored without a next date (a failed report names none)."""
    return EquipmentInspection._meta.get_field("next_due").null


# --- helpers -------------------------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def _label(field: str, model=SpecialEquipment) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _char(errors: _Errors, data: dict, field: str, max_length: int, *, required: bool = False, model=SpecialEquipment,
          label: str | None = None) -> str:
    label = label or _label(field, model)
    value = _text(data.get(field))
    if required and not value:
        errors.add(field, _("请填写{label}。").format(label=label), "required")
    elif len(value) > max_length:
        errors.add(field, _("{label}不能超过{n}个字。").format(label=label, n=max_length), "max_length")
    return value


def _date(errors: _Errors, data: dict, field: str, *, required: bool = False, allow_future: bool = False,
          model=SpecialEquipment) -> datetime.date | None:
    label = _label(field, model)
    try:
        value = parse_date(data.get(field))
    except (TypeError, ValueError):
        errors.add(field, _("{label}不是有效日期（YYYY-MM-DD）。").format(label=label), "invalid")
        return None
    if value is None:
        if required:
            errors.add(field, _("请填写{label}。").format(label=label), "required")
        return None
    if value.year < OLDEST_YEAR:
        errors.add(field, _("{label}不正确。").format(label=label), "too_old")
        return None
    if not allow_future and value > today():
        errors.add(field, _("{label}不能晚于今天。").format(label=label), "future")
        return None
    return value


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "是")
    return bool(value)


def _grade(errors: _Errors, data: dict, field: str = "safety_grade") -> int | None:
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        grade = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("安全状况等级须为1至5的整数。"), "invalid")
        return None
    if not 1 <= grade <= 5:
        errors.add(field, _("安全状况等级为1至5级。"), "out_of_range")
        return None
    return grade


def kind_label(kind: str) -> str:
    return str(EquipmentKind(kind).label) if kind in EquipmentKind.values else kind


def inspection_kind_label(kind: str) -> str:
    return str(InspectionKind(kind).label) if kind in InspectionKind.values else kind


def subtype_label(kind: str, subtype: str) -> str:
    return rules.SUBTYPES.get(kind, {}).get(subtype, subtype)


def allowed_inspection_kinds(equipment: SpecialEquipment) -> tuple[str, ...]:
    """The inspection kinds that may be recorded for the equipment: a boiler's external and internal inspection, an
    elevator's periodic inspection and (under TSG T7001-2023) self-test, the periodic inspection of the others."""
    if equipment.kind == EquipmentKind.ELEVATOR:
        if equipment.schedule == Schedule.ELEVATOR_LEGACY:
            return (rules.PERIODIC,)
        return (rules.PERIODIC, rules.SELF_TEST)
    return rules.clocks_for(equipment.kind)


def clock_of(equipment: SpecialEquipment, inspection_kind: str) -> tuple[str, ...]:
    """The inspection kinds sharing the clock of ``inspection_kind`` (an elevator's one clock holds both)."""
    if equipment.kind == EquipmentKind.ELEVATOR:
        return (rules.PERIODIC, rules.SELF_TEST)
    return (inspection_kind,)


def _lock(equipment: SpecialEquipment) -> SpecialEquipment:
    """The row, locked for this transaction (PostgreSQL; SQLite serialises writers anyway)."""
    return SpecialEquipment.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=equipment.pk)


def _audit(actor, action: str, equipment: SpecialEquipment, changes: dict) -> None:
    audit.record(actor=actor, action=f"equipment.{action}", obj=equipment, changes=changes,
                 region_code=equipment.region_code, object_repr=f"{equipment.name} {equipment.registration_code or ''}")


def _actor_user(actor):
    return None if getattr(actor, "is_system", False) else actor


# --- cleaning the equipment's facts --------------------------------------------------------------------------------


def _clean_equipment(data: dict[str, Any], *, current: SpecialEquipment | None = None) -> dict[str, Any]:
    """The equipment's fields from ``data`` (with ``current``, the keys left out keep their value)."""
    if current is not None:
        data = {**{f: getattr(current, f) for f in EQUIPMENT_FIELDS}, **data}
    errors = _Errors()
    out: dict[str, Any] = {}
    kind = _text(data.get("kind"))
    if not kind:
        errors.add("kind", _("请选择设备种类。"), "required")
    elif kind not in rules.KINDS or kind not in EquipmentKind.values:
        errors.add("kind", _("设备种类的取值无效。"), "invalid_choice")
        kind = ""
    out["kind"] = kind

    subtype = _text(data.get("subtype"))
    choices = rules.SUBTYPES.get(kind, {})
    if kind and choices:
        if not subtype:
            subtype = rules.DEFAULT_SUBTYPES.get(kind, "")
            if not subtype:
                errors.add("subtype", _("请选择{kind}的类别（{names}）。").format(
                    kind=kind_label(kind), names="、".join(choices.values())), "required")
        elif subtype not in choices:
            errors.add("subtype", _("{kind}的类别应为：{names}。").format(
                kind=kind_label(kind), names="、".join(choices.values())), "invalid_choice")
    elif kind and subtype:
        errors.add("subtype", _("{kind}不分类别。").format(kind=kind_label(kind)), "not_applicable")
        subtype = ""
    out["subtype"] = subtype

    molten = _bool(data.get("molten_metal"))
    if molten and kind and kind != EquipmentKind.LIFTING:
        errors.add("molten_metal", _("「吊运熔融金属」只适用于起重机械。"), "not_applicable")
    out["molten_metal"] = molten and kind == EquipmentKind.LIFTING

    out["name"] = _char(errors, data, "name", 100, required=True)
    out["model_number"] = _char(errors, data, "model_number", 100)
    code = "".join(_text(data.get("registration_code")).split()).upper()
    if len(code) > 40:
        errors.add("registration_code", _("设备代码不能超过40个字符。"), "max_length")
    out["registration_code"] = code or None
    out["use_registration_number"] = _char(errors, data, "use_registration_number", 40)
    out["location"] = _char(errors, data, "location", 200, required=True)
    out["manufacturer"] = _char(errors, data, "manufacturer", 200)
    out["factory_number"] = _char(errors, data, "factory_number", 60)
    out["note"] = _char(errors, data, "note", 500)
    out["commissioned_on"] = _date(errors, data, "commissioned_on")
    out["installed_on"] = _date(errors, data, "installed_on")

    schedule = _text(data.get("schedule"))
    if kind == EquipmentKind.ELEVATOR:
        schedule = schedule or rules.ELEVATOR_2023
        if schedule not in rules.ELEVATOR_SCHEDULES:
            errors.add("schedule", _("电梯检验规则的取值无效。"), "invalid_choice")
        elif schedule == rules.ELEVATOR_2023 and out["installed_on"] is None and not errors.has("installed_on"):
            errors.add("installed_on", _(
                "按 TSG T7001-2023 推算电梯的检验日期须填写安装监督检验日期；旧记录可选择“每年定期检验（旧规则）”。"
            ), "required")
    elif schedule:
        errors.add("schedule", _("检验规则只适用于电梯。"), "not_applicable")
        schedule = ""
    out["schedule"] = schedule

    grade = _grade(errors, data)
    if grade is not None and kind and kind not in GRADED_KINDS:
        errors.add("safety_grade", _("安全状况等级只适用于压力容器和压力管道。"), "not_applicable")
        grade = None
    out["safety_grade"] = grade
    errors.raise_if_any()
    return out


def _check_code_free(code: str | None, *, exclude: int | None = None) -> None:
    if not code:
        return
    taken = SpecialEquipment.objects.filter(registration_code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise _code_taken_error(code)


def _code_taken_error(code) -> ValidationError:
    message = _("设备代码 {code} 已被登记，一台设备只能登记一次，请核对。").format(code=code)
    return ValidationError({"registration_code": ValidationError(message, code="registration_code_taken")})


# --- the rule's proposal -------------------------------------------------------------------------------------------


def _rule_error(errors: _Errors, equipment: SpecialEquipment, exc: ValueError, grade) -> None:
    """A rule's refusal (ValueError with a Chinese message) on the field it concerns."""
    message = str(exc).rstrip("。") + "。"
    if grade is None and equipment.kind in GRADED_KINDS and "等级" in message:
        errors.add("safety_grade", message, "required")
    elif "等级" in message:
        errors.add("safety_grade", message, "invalid_choice")
    elif "安装监督检验日期" in message:
        errors.add("inspected_on", message, "installed_on_required")
    else:
        errors.add("inspection_kind", message, "no_rule")


def proposal_for(equipment: SpecialEquipment, *, inspection_kind: str, inspected_on: datetime.date,
                 safety_grade: int | None = None, _errors: _Errors | None = None) -> rules.Proposal | None:
    """What the rules propose after an inspection of ``equipment``; ValidationError (or, with ``_errors``, an error
    added there and None) when no rule applies."""
    errors = _errors or _Errors()
    try:
        proposal = rules.propose(
            kind=equipment.kind,
            subtype=equipment.subtype,
            inspection_kind=inspection_kind,
            inspected_on=inspected_on,
            safety_grade=safety_grade if equipment.kind in GRADED_KINDS else None,
            commissioned_on=equipment.commissioned_on,
            schedule=equipment.schedule if equipment.kind == EquipmentKind.ELEVATOR else "",
            molten_metal=equipment.molten_metal,
            installed_on=equipment.installed_on,
        )
    except ValueError as exc:
        _rule_error(errors, equipment, exc, safety_grade)
        if _errors is None:
            errors.raise_if_any()
        return None
    return proposal


def inspection_proposal(*, equipment: SpecialEquipment, data: dict[str, Any]) -> rules.Proposal:
    """The proposal for the inspection described by ``data`` (inspection_kind, inspected_on, safety_grade) without
    writing anything; ValidationError with the same codes as :func:`inspection_record`."""
    errors = _Errors()
    kind = _inspection_kind(errors, equipment, data)
    inspected_on = _date(errors, data, "inspected_on", required=True, model=EquipmentInspection)
    grade = _grade(errors, data)
    errors.raise_if_any()
    return proposal_for(equipment, inspection_kind=kind, inspected_on=inspected_on, safety_grade=grade)


def _inspection_kind(errors: _Errors, equipment: SpecialEquipment, data: dict) -> str:
    allowed = allowed_inspection_kinds(equipment)
    value = _text(data.get("inspection_kind")) or (allowed[0] if len(allowed) == 1 else "")
    if not value:
        errors.add("inspection_kind", _("请选择检验类别。"), "required")
    elif value not in allowed:
        errors.add("inspection_kind", _("{kind}的检验类别应为：{allowed}。").format(
            kind=kind_label(equipment.kind), allowed="、".join(inspection_kind_label(k) for k in allowed)),
            "invalid_choice")
        value = ""
    return value


# --- cleaning an inspection ----------------------------------------------------------------------------------------


def _clean_inspection(equipment: SpecialEquipment, data: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """The inspection's fields, the proposal and the finding; ValidationError (keys prefixed) when refused."""
    if not isinstance(data, dict):
        raise ValidationError({prefix.rstrip(".") or "inspection": ValidationError(
            _("检验记录的格式不正确。"), code="invalid")})
    errors = _Errors(prefix)
    out: dict[str, Any] = {}
    out["inspection_kind"] = kind = _inspection_kind(errors, equipment, data)
    inspected_on = _date(errors, data, "inspected_on", required=True, model=EquipmentInspection)
    if inspected_on and equipment.commissioned_on and inspected_on < equipment.commissioned_on:
        errors.add("inspected_on", _("检验日期不能早于投入使用日期（{day}）。").format(
            day=equipment.commissioned_on.isoformat()), "before_commissioning")
        inspected_on = None
    out["inspected_on"] = inspected_on
    out["body"] = _char(errors, data, "body", 200, required=True, model=EquipmentInspection)
    out["report_number"] = _char(errors, data, "report_number", 60, required=True, model=EquipmentInspection)
    conclusion = _text(data.get("conclusion"))
    if not conclusion:
        errors.add("conclusion", _("请选择检验结论。"), "required")
    elif conclusion not in Conclusion.values:
        errors.add("conclusion", _("检验结论的取值无效。"), "invalid_choice")
        conclusion = ""
    out["conclusion"] = conclusion
    grade = _grade(errors, data)
    if grade is not None and equipment.kind not in GRADED_KINDS:
        errors.add("safety_grade", _("安全状况等级只适用于压力容器和压力管道。"), "not_applicable")
        grade = None
    out["safety_grade"] = grade
    next_due = _date(errors, data, "next_due", allow_future=True, model=EquipmentInspection)
    out["confirm_exceeds"] = _bool(data.get("confirm_exceeds"))

    proposal = None
    if kind and inspected_on and not errors.has("safety_grade"):
        proposal = proposal_for(equipment, inspection_kind=kind, inspected_on=inspected_on, safety_grade=grade,
                                _errors=errors)
    fail = conclusion == Conclusion.FAIL
    not_usable = proposal is not None and not proposal.usable
    if next_due is None and not errors.has("next_due"):
        if not (fail or not_usable) or not next_due_nullable():
            errors.add("next_due", _("请按检验报告填写下次检验日期。"), "required")

    next_kind = _text(data.get("next_kind")) or (proposal.next_kind if proposal else kind)
    allowed_next = allowed_inspection_kinds(equipment) if equipment.kind == EquipmentKind.ELEVATOR else (kind,)
    if next_kind and kind and next_kind not in allowed_next:
        errors.add("next_kind", _("下次检验类别应为：{allowed}。").format(
            allowed="、".join(inspection_kind_label(k) for k in allowed_next)), "invalid_choice")
    out["next_kind"] = next_kind

    exceeded = below_min = False
    if proposal is not None and next_due is not None and not errors.has("next_due"):
        finding = rules.check_due(proposal, next_due)
        if finding is not None and finding.code == "before_inspection":
            errors.add("next_due", finding.message, "before_inspection")
        elif finding is not None and finding.code == "exceeds_max":
            exceeded = True
            if not out["confirm_exceeds"]:
                errors.add("next_due", finding.message + _(
                    "检验报告确认该日期（如经批准延期）的，请勾选确认后再保存。"), "exceeds_max_interval")
        elif finding is not None and finding.code == "below_min":
            below_min = True
            if not out["confirm_exceeds"]:
                errors.add("next_due", finding.message + _("检验报告确认该日期的，请勾选确认后再保存。"),
                           "below_min_interval")
    elif next_due is not None and inspected_on is not None and next_due <= inspected_on:
        errors.add("next_due", _("下次检验日期须晚于检验日期。"), "before_inspection")
    out["next_due"] = next_due
    errors.raise_if_any()
    out["proposal"] = proposal
    out["exceeds_max"] = exceeded
    out["below_min"] = below_min
    return out


# --- clocks and usability ------------------------------------------------------------------------------------------


def _first_dues(equipment: SpecialEquipment, on: datetime.date) -> None:
    """With no inspection on record: the first inspection of each clock, proposed from the commissioning date
    (an elevator under TSG T7001-2023: from its installation date), when that date is still ahead."""
    if equipment.inspections.exists():
        return
    equipment.dues.all().delete()
    for clock in rules.clocks_for(equipment.kind):
        try:
            if equipment.kind == EquipmentKind.ELEVATOR and equipment.schedule == rules.ELEVATOR_2023:
                if equipment.installed_on is None:
                    continue
                proposal = rules.propose(kind=equipment.kind, inspection_kind=rules.PERIODIC,
                                         inspected_on=equipment.installed_on, schedule=rules.ELEVATOR_2023,
                                         installed_on=equipment.installed_on)
            else:
                start = equipment.commissioned_on or (
                    equipment.installed_on if equipment.kind == EquipmentKind.ELEVATOR else None)
                if start is None:
                    continue
                proposal = rules.propose(
                    kind=equipment.kind, subtype=equipment.subtype, inspection_kind=clock, inspected_on=start,
                    commissioned_on=start, first=True,
                    schedule=equipment.schedule if equipment.kind == EquipmentKind.ELEVATOR else "",
                    molten_metal=equipment.molten_metal, installed_on=equipment.installed_on,
                )
        except ValueError:
            continue
        due = proposal.default_due or proposal.max_due
        if due is not None and due >= on:
            EquipmentDue.objects.create(equipment=equipment, inspection_kind=proposal.next_kind, due_on=due)


def _latest(equipment: SpecialEquipment, kinds) -> EquipmentInspection | None:
    return equipment.inspections.filter(inspection_kind__in=list(kinds)).order_by("-inspected_on", "-id").first()


def usability(equipment: SpecialEquipment, on: datetime.date) -> tuple[bool, str]:
    """(usable, reason) of the equipment on ``on`` from its clocks, latest reports and safety grade."""
    reasons: list[str] = []
    dues = list(equipment.dues.all())
    groups = [(rules.PERIODIC, rules.SELF_TEST)] if equipment.kind == EquipmentKind.ELEVATOR else [
        (k,) for k in rules.clocks_for(equipment.kind)]
    for group in groups:
        latest = _latest(equipment, group)
        if latest is not None and latest.conclusion == Conclusion.FAIL:
            reasons.append(_("最近一次{kind}结论为不合格（报告 {number}）").format(
                kind=inspection_kind_label(latest.inspection_kind), number=latest.report_number))
    if equipment.safety_grade and equipment.kind in GRADED_KINDS:
        try:
            row = rules.interval_row(equipment.kind, equipment.subtype, rules.PERIODIC,
                                     safety_grade=equipment.safety_grade)
        except ValueError:
            row = None
        if row is not None and not row.usable:
            reasons.append(_("安全状况等级为{grade}级，缺陷处理前不得使用").format(grade=equipment.safety_grade))
    for due in sorted(dues, key=lambda d: d.due_on):
        if due.due_on < on:
            reasons.append(_("{kind}已超期（{day}）").format(
                kind=inspection_kind_label(due.inspection_kind), day=due.due_on.isoformat()))
    for group in groups:  # a clock with no date: never inspected here (a failed report is reasoned above)
        if not any(d.inspection_kind in group for d in dues) and _latest(equipment, group) is None:
            reasons.append(_("未录入{kind}记录").format(kind=inspection_kind_label(group[0])))
    reason = "；".join(reasons)
    if len(reason) > 200:
        reason = reason[:199] + "…"
    return (not reasons, reason)


def refresh(equipment: SpecialEquipment, *, on: datetime.date | None = None) -> bool:
    """Recompute ``next_due`` / ``next_due_kind`` (the earliest clock) and ``usable`` / ``unusable_reason``; save
    them when they changed. Returns whether the row changed."""
    on = on or today()
    dues = sorted(equipment.dues.all(), key=lambda d: (d.due_on, d.inspection_kind))
    first = dues[0] if dues else None
    usable, reason = usability(equipment, on)
    values = {
        "next_due": first.due_on if first else None,
        "next_due_kind": first.inspection_kind if first else "",
        "usable": usable,
        "unusable_reason": reason,
    }
    changed = [f for f, v in values.items() if getattr(equipment, f) != v]
    for f, v in values.items():
        setattr(equipment, f, v)
    if changed:
        equipment.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


# --- register and update -------------------------------------------------------------------------------------------


def equipment_register(*, actor, enterprise, data: dict[str, Any]) -> SpecialEquipment:
    """Register one piece of special equipment of ``enterprise``; ``data["last_inspection"]`` (optional) is the last
    report, recorded as by :func:`inspection_record` (its errors are keyed ``last_inspection.<field>``)."""
    if enterprise is None:
        raise ValidationError({"enterprise": ValidationError(_("请选择使用单位。"), code="required")})
    require_keeper(actor, enterprise)
    clean = _clean_equipment(data)
    last = data.get("last_inspection") or None
    draft = SpecialEquipment(enterprise=enterprise, region_code=enterprise.region_code, **clean)
    last_clean = _clean_inspection(draft, last, prefix="last_inspection.") if last else None
    _check_code_free(clean["registration_code"])
    try:
        with transaction.atomic():
            equipment = SpecialEquipment.objects.create(
                enterprise=enterprise, region_code=enterprise.region_code, created_by=_actor_user(actor), **clean)
            _audit(actor, "register", equipment, {k: v for k, v in clean.items() if v not in (None, "", False)})
            if last_clean is not None:
                _store_inspection(actor, equipment, last_clean)
            else:
                _first_dues(equipment, today())
            refresh(equipment)
    except IntegrityError:  # the code was registered meanwhile
        code = clean.get("registration_code")
        if code and SpecialEquipment.objects.filter(registration_code=code).exists():
            raise _code_taken_error(code) from None
        raise
    return equipment


def equipment_update(*, actor, equipment: SpecialEquipment, data: dict[str, Any]) -> SpecialEquipment:
    """Change the equipment's facts (keys left out keep their value). Its kind cannot change once an inspection is
    recorded (the clocks depend on it)."""
    require_keeper(actor, equipment.enterprise)
    data = {k: v for k, v in data.items() if k in EQUIPMENT_FIELDS}
    with transaction.atomic():
        equipment = _lock(equipment)
        if equipment.state == EquipmentState.SCRAPPED:
            raise ConflictError(_("设备已报废，不能修改。"), code="invalid_transition",
                                extra={"current_state": equipment.state})
        clean = _clean_equipment(data, current=equipment)
        has_inspections = equipment.inspections.exists()
        if has_inspections and (clean["kind"], clean["subtype"]) != (equipment.kind, equipment.subtype):
            raise ValidationError({"kind": ValidationError(
                _("已有检验记录的设备不能更改种类或类别。"), code="kind_locked")})
        _check_code_free(clean["registration_code"], exclude=equipment.pk)
        before = {f: getattr(equipment, f) for f in EQUIPMENT_FIELDS}
        changes = audit.diff(before, clean)
        if not changes:
            return equipment
        for f, v in clean.items():
            setattr(equipment, f, v)
        try:
            with transaction.atomic():
                equipment.save(update_fields=[*clean.keys(), "updated_at"])
        except IntegrityError:
            raise _code_taken_error(clean["registration_code"]) from None
        if not has_inspections and changes.keys() & {"kind", "subtype", "commissioned_on", "installed_on",
                                                       "schedule", "molten_metal"}:
            _first_dues(equipment, today())
        refresh(equipment)
        _audit(actor, "update", equipment, changes)
    return equipment


# --- inspections ---------------------------------------------------------------------------------------------------


def _store_inspection(actor, equipment: SpecialEquipment, clean: dict[str, Any]) -> EquipmentInspection:
    proposal: rules.Proposal | None = clean["proposal"]
    kind = clean["inspection_kind"]
    group = clock_of(equipment, kind)
    latest = _latest(equipment, group)
    is_latest = latest is None or clean["inspected_on"] >= latest.inspected_on  # the same day: the later entry
    inspection = EquipmentInspection.objects.create(
        equipment=equipment,
        inspection_kind=kind,
        inspected_on=clean["inspected_on"],
        body=clean["body"],
        conclusion=clean["conclusion"],
        report_number=clean["report_number"],
        safety_grade=clean["safety_grade"],
        next_due=clean["next_due"],
        next_kind=clean["next_kind"],
        proposed_due=proposal.default_due if proposal else None,
        max_due=proposal.max_due if proposal else None,
        exceeds_max=clean["exceeds_max"],
        rule_code=proposal.rule.code if proposal else "",
        recorded_by=_actor_user(actor),
    )
    if is_latest:
        if clean["next_due"] is not None:
            if equipment.kind == EquipmentKind.ELEVATOR:
                equipment.dues.all().delete()
                EquipmentDue.objects.create(equipment=equipment, inspection_kind=clean["next_kind"],
                                            due_on=clean["next_due"])
            else:
                EquipmentDue.objects.update_or_create(equipment=equipment, inspection_kind=kind,
                                                      defaults={"due_on": clean["next_due"]})
        if clean["safety_grade"] is not None and equipment.safety_grade != clean["safety_grade"]:
            equipment.safety_grade = clean["safety_grade"]
            equipment.save(update_fields=["safety_grade", "updated_at"])
    _audit(actor, "inspection", equipment, {
        "inspection": inspection.pk,
        "inspection_kind": kind,
        "inspected_on": clean["inspected_on"],
        "conclusion": clean["conclusion"],
        "report_number": clean["report_number"],
        "safety_grade": clean["safety_grade"],
        "next_due": clean["next_due"],
        "next_kind": clean["next_kind"],
        "proposed_due": inspection.proposed_due,
        "max_due": inspection.max_due,
        "rule": inspection.rule_code,
        "exceeds_max": clean["exceeds_max"],
        "below_min": clean["below_min"],
        "confirmed": clean["confirm_exceeds"] and (clean["exceeds_max"] or clean["below_min"]),
        "moves_clock": is_latest,
    })
    return inspection


def inspection_record(*, actor, equipment: SpecialEquipment, data: dict[str, Any]) -> EquipmentInspection:
    """Record an inspection (or an elevator's self-test) from its report: the rules propose the next date and check
    the one entered (``exceeds_max_interval`` unless ``confirm_exceeds``); the clock, the equipment's next due date,
    safety grade and usability follow."""
    require_keeper(actor, equipment.enterprise)
    with transaction.atomic():
        equipment = _lock(equipment)
        if equipment.state == EquipmentState.SCRAPPED:
            raise ConflictError(_("设备已报废，不能再录入检验记录。"), code="invalid_transition",
                                extra={"current_state": equipment.state})
        clean = _clean_inspection(equipment, data)
        inspection = _store_inspection(actor, equipment, clean)
        refresh(equipment)
    return inspection


# --- state ---------------------------------------------------------------------------------------------------------


def _state_label(state: str) -> str:
    return str(EquipmentState(state).label) if state in EquipmentState.values else state


def equipment_state(*, actor, equipment: SpecialEquipment, state: str, reason: str = "") -> SpecialEquipment:
    """停用, 报废 or 重新启用. A scrapped equipment stays scrapped; scrapping ends its operators' assignments."""
    require_keeper(actor, equipment.enterprise)
    state = _text(state)
    if state not in EquipmentState.values:
        raise ValidationError({"state": ValidationError(_("使用状态的取值无效。"), code="invalid_choice")})
    reason = _text(reason)
    if len(reason) > 200:
        raise ValidationError({"reason": ValidationError(_("原因不能超过200个字。"), code="max_length")})
    released: list[int] = []
    with transaction.atomic():
        equipment = _lock(equipment)
        if state not in STATE_MOVES[equipment.state]:
            if equipment.state == EquipmentState.SCRAPPED:
                message = _("设备已报废，不能再改为「{to}」。").format(to=_state_label(state))
            elif state == equipment.state:
                message = _("设备已是「{state}」状态。").format(state=_state_label(state))
            else:
                message = _("设备当前为「{state}」，不能改为「{to}」。").format(
                    state=_state_label(equipment.state), to=_state_label(state))
            raise ConflictError(message, code="invalid_transition",
                                extra={"current_state": equipment.state, "action": state})
        before = equipment.state
        equipment.state = state
        equipment.save(update_fields=["state", "updated_at"])
        if state == EquipmentState.SCRAPPED:
            active = list(equipment.operators.filter(ended_on__isnull=True))
            released = [op.employee_id for op in active]
            equipment.operators.filter(ended_on__isnull=True).update(ended_on=today())
        refresh(equipment)
        _audit(actor, "state", equipment, {"from": before, "to": state, "reason": reason,
                                           "operators_released": released})
        if released:
            _refresh_verdicts(released)
    return equipment


# --- operators -----------------------------------------------------------------------------------------------------


def _refresh_verdicts(employee_ids) -> None:
    verdict.refresh(list(employee_ids))


def operator_items(kind: str) -> tuple[str, ...]:
    """The TSG Z6001-2019 items whose certificate covers an equipment kind (anjian.rules.certificates)."""
    try:
        return cert_rules.operator_items_for_equipment(kind)
    except ValueError:
        return ()


def item_names(codes) -> str:
    """"Q1 起重机指挥、Q2 起重机司机": the operating items (the safety-management item A only when it is alone)."""
    named = [c for c in codes if c != "A"] or list(codes)
    out = []
    for code in named:
        item = cert_rules.equipment_operator_item(code)
        out.append(f"{code} {item.name}" if item else code)
    return "、".join(out)


def valid_operator_certificates(employee, *, kind: str, on: datetime.date):
    """The person's valid special-equipment operator certificates covering ``kind`` on ``on`` (any enterprise that
    registered them: the certificate follows the person)."""
    items = {i.upper() for i in operator_items(kind)}
    rows = Certificate.objects.filter(certificate_valid_q(on), holder_index=employee.id_number_index,
                                      kind=CertificateKind.EQUIPMENT_OPERATOR)
    return [c for c in rows if c.item_code.strip().upper() in items]


def operator_assign(*, actor, equipment: SpecialEquipment, employee, assigned_on=None) -> EquipmentOperator:
    """Name a person to operate the equipment. They must be active at the equipment's unit and hold a valid
    special-equipment operator certificate whose item covers its kind (特种设备安全法 第十四条)."""
    require_keeper(actor, equipment.enterprise)
    errors = _Errors()
    day = _date(errors, {"assigned_on": assigned_on if assigned_on not in (None, "") else today()}, "assigned_on",
                model=EquipmentOperator)
    if employee is None:
        errors.add("employee", _("请选择作业人员。"), "required")
    elif employee.enterprise_id != equipment.enterprise_id:
        errors.add("employee", _("作业人员须为本单位的在册人员。"), "other_enterprise")
    elif employee.state != EmployeeState.ACTIVE:
        errors.add("employee", _("{name}已离职，不能指定为作业人员。").format(name=employee.name), "employee_left")
    elif day is not None and day < employee.hired_on:
        errors.add("assigned_on", _("指定日期不能早于入职日期（{day}）。").format(day=employee.hired_on.isoformat()),
                   "before_hire")
    errors.raise_if_any()
    items = operator_items(equipment.kind)
    if items and not valid_operator_certificates(employee, kind=equipment.kind, on=today()):
        raise ValidationError({"employee": ValidationError(
            _("{name}没有有效的特种设备作业人员证（{items}），不能指定为{kind}的作业人员（{law}）。").format(
                name=employee.name, items=item_names(items), kind=kind_label(equipment.kind), law=LAW_14),
            code="operator_certificate_required")})
    with transaction.atomic():
        equipment = _lock(equipment)
        if equipment.state == EquipmentState.SCRAPPED:
            raise ConflictError(_("设备已报废，不能指定作业人员。"), code="invalid_transition",
                                extra={"current_state": equipment.state})
        try:
            with transaction.atomic():
                operator = EquipmentOperator.objects.create(
                    equipment=equipment, employee=employee, assigned_on=day, assigned_by=_actor_user(actor))
        except IntegrityError:
            raise ConflictError(_("{name}已是该设备的作业人员。").format(name=employee.name),
                                code="already_assigned") from None
        _audit(actor, "operator_assign", equipment, {"employee": employee.pk, "name": employee.name,
                                                     "assigned_on": day})
        _refresh_verdicts([employee.pk])
    return operator


def operator_release(*, actor, operator: EquipmentOperator, ended_on=None) -> EquipmentOperator:
    """End a person's assignment to the equipment (on ``ended_on``, default today)."""
    equipment = operator.equipment
    require_keeper(actor, equipment.enterprise)
    errors = _Errors()
    day = _date(errors, {"ended_on": ended_on if ended_on not in (None, "") else today()}, "ended_on",
                model=EquipmentOperator)
    if day is not None and day < operator.assigned_on:
        errors.add("ended_on", _("解除日期不能早于指定日期（{day}）。").format(day=operator.assigned_on.isoformat()),
                   "before_assignment")
    errors.raise_if_any()
    with transaction.atomic():
        operator = EquipmentOperator.objects.select_for_update().select_related("employee").get(pk=operator.pk)
        if operator.ended_on is not None:
            raise ConflictError(_("该作业人员已于 {day} 解除。").format(day=operator.ended_on.isoformat()),
                                code="already_released")
        operator.ended_on = day
        operator.save(update_fields=["ended_on"])
        _audit(actor, "operator_release", equipment, {"employee": operator.employee_id,
                                                      "name": operator.employee.name, "ended_on": day})
        _refresh_verdicts([operator.employee_id])
    return operator
