"""The "may work" verdict (能否上岗) of one person, and the copy kept on the employee row.

:func:`may_work` joins three findings:

* training (:func:`anjian.rules.training.assess` over :func:`facts_for`): three levels, initial hours, the levels to
  redo after a post change or a year away, the annual retraining;
* the person's certificates (any enterprise: ``Certificate.holder_index`` is the ID-card index): an ACTIVE
  certificate that is not valid on the day (expired, or a review overdue) is a reason — the holder may not do that
  work (安全生产法 第三十条, 特种设备安全法 第十四条), and it stays one until it is reviewed, renewed or revoked;
* the equipment the person is assigned to operate (特种设备安全法 第十四条): a valid special-equipment operator
  certificate whose item covers that equipment kind (:func:`anjian.rules.certificates.operator_items_for_equipment`).

:func:`may_do` answers "may this person do this job today?" for later modules (work permits). :func:`refresh` keeps
``work_ok`` / ``work_reasons`` / ``work_checked_on`` current (the services call it after each write, the daily
people scan calls :func:`refresh_due` as dates pass), so the lists of people who may not work are an indexed filter.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.people.choices import (
    ANNUAL_KINDS,
    LEVEL_KINDS,
    CertificateKind,
    CertificateState,
    EmployeeState,
    PersonKind,
    TrainingKind,
    TrainingResult,
)
from anjian.people.models import Certificate, Employee, TrainingRecord
from anjian.rules import certificates as cert_rules
from anjian.rules import training as rules

REASON_CODES = (
    *rules.REASON_CODES, "left", "certificate_expired", "certificate_review_overdue", "equipment_certificate_missing",
    "certificate_missing",
)
REFRESH_CHUNK = 500


@dataclass(frozen=True)
class WorkVerdict:
    """``ok`` when ``reasons`` is empty; each reason and note is ``{"code", "message"}``."""

    ok: bool
    reasons: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    on: datetime.date | None = None

    @property
    def messages(self) -> list[str]:
        return [r["message"] for r in self.reasons]


def _today() -> datetime.date:
    return timezone.localdate()


def _reason(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def session_day(session) -> datetime.date:
    return timezone.localtime(session.starts_at).date()


def _prefetched(obj, name: str) -> bool:
    return name in getattr(obj, "_prefetched_objects_cache", {})


# --- training facts -----------------------------------------------------------------------------------------------


def _passed_records(employee: Employee, on: datetime.date) -> list[tuple[datetime.date, str, Decimal]]:
    """(day, session kind, hours) of the person's passed records on or before ``on`` (uses a prefetch when there)."""
    out = []
    if _prefetched(employee, "training_records"):
        records = employee.training_records.all()
    else:
        records = employee.training_records.filter(result=TrainingResult.PASSED).select_related("session")
    for record in records:
        if record.result != TrainingResult.PASSED:
            continue
        day = session_day(record.session)
        if day <= on:
            out.append((day, record.session.kind, Decimal(record.hours)))
    return out


def facts_for(employee: Employee, on: datetime.date | None = None) -> rules.TrainingFacts:
    """What :func:`anjian.rules.training.assess` needs about ``employee`` on ``on`` (default today)."""
    on = on or _today()
    passed = _passed_records(employee, on)
    level_dates: dict[str, list[datetime.date]] = {str(k): [] for k in LEVEL_KINDS}
    annual: dict[int, Decimal] = defaultdict(Decimal)
    level_hours = initial_hours = Decimal(0)
    for day, kind, hours in passed:
        if kind in LEVEL_KINDS:
            level_dates[kind].append(day)
            level_hours += hours
        elif kind == TrainingKind.INITIAL:
            initial_hours += hours
        if kind in ANNUAL_KINDS:
            annual[day.year] += hours
    enterprise = employee.enterprise
    return rules.TrainingFacts(
        person_kind=employee.person_kind,
        sectors=frozenset(enterprise.sector_codes),
        metal_smelting=enterprise.metal_smelting,
        started_on=employee.hired_on,
        on=on,
        level_dates=level_dates,
        initial_hours=level_hours if employee.person_kind == PersonKind.EMPLOYEE else initial_hours,
        annual_hours=dict(annual),
        post_changes=tuple(p.started_on for p in employee.posts.all() if p.is_change),
        absences=tuple((a.left_on, a.returned_on) for a in employee.absences.all()),
    )


# --- certificates -------------------------------------------------------------------------------------------------


def item_label(kind: str, code: str) -> str:
    """The catalogue name of a certificate's item (作业类别 / 作业项目), or the code itself."""
    if kind == CertificateKind.SPECIAL_OPERATION:
        item = cert_rules.catalogue_item(code)
        if item is not None:
            return f"{item.category}·{item.item}" if item.item != item.category else item.item
    elif kind == CertificateKind.EQUIPMENT_OPERATOR:
        item = cert_rules.equipment_operator_item(code)
        if item is not None:
            return f"{item.code} {item.name}"
    elif kind == CertificateKind.SAFETY_QUALIFICATION and code in PersonKind.values:
        return str(PersonKind(code).label)
    return code


def _kind_label(kind: str) -> str:
    return str(CertificateKind(kind).label) if kind in CertificateKind.values else kind


def certificate_valid(cert: Certificate, on: datetime.date) -> bool:
    """The Python twin of :func:`anjian.people.queries.certificate_valid_q`."""
    return (
        cert.state == CertificateState.ACTIVE
        and cert.valid_until >= on
        and (cert.review_due is None or cert.review_due >= on)
    )


def certificate_reason(cert: Certificate, on: datetime.date) -> dict | None:
    """Why an ACTIVE certificate does not count on ``on`` (expired, review overdue), or None when it is valid."""
    if cert.state != CertificateState.ACTIVE or certificate_valid(cert, on):
        return None
    what = _("{kind}（{item}）").format(kind=_kind_label(cert.kind), item=item_label(cert.kind, cert.item_code))
    if cert.valid_until < on:
        return _reason("certificate_expired", _("{what}已于 {day} 到期，不能从事该作业").format(
            what=what, day=cert.valid_until.isoformat()))
    return _reason("certificate_review_overdue", _("{what}应于 {day} 前复审，逾期未复审，不能从事该作业").format(
        what=what, day=cert.review_due.isoformat()))


def _certificates_of(indexes: Iterable[str]) -> dict[str, list[Certificate]]:
    out: dict[str, list[Certificate]] = defaultdict(list)
    indexes = sorted({i for i in indexes if i})
    for start in range(0, len(indexes), REFRESH_CHUNK):
        rows = Certificate.objects.filter(
            holder_index__in=indexes[start:start + REFRESH_CHUNK], state=CertificateState.ACTIVE
        ).order_by("id")
        for cert in rows:
            out[cert.holder_index].append(cert)
    return out


def _equipment_kinds_covered(kind: str) -> tuple[str, ...]:
    try:
        return cert_rules.operator_items_for_equipment(kind)
    except ValueError:
        return ()


def _open_assignments(employee: Employee, on: datetime.date) -> list:
    from anjian.equipment.choices import EquipmentState

    if _prefetched(employee, "equipment_assignments"):
        rows = employee.equipment_assignments.all()
    else:
        rows = employee.equipment_assignments.filter(ended_on__isnull=True).select_related("equipment")
    return [
        a for a in rows
        if a.ended_on is None and a.assigned_on <= on and a.equipment.state != EquipmentState.SCRAPPED
    ]


# --- the verdicts -------------------------------------------------------------------------------------------------


def _left(employee: Employee, on: datetime.date) -> dict | None:
    if employee.state == EmployeeState.LEFT:
        day = employee.left_on.isoformat() if employee.left_on else ""
        return _reason("left", _("已于 {day} 离职").format(day=day))
    return None


def _training(employee: Employee, on: datetime.date) -> rules.TrainingVerdict:
    return rules.assess(facts_for(employee, on))


def _verdict(reasons: list[dict], notes: list[dict], on: datetime.date) -> WorkVerdict:
    return WorkVerdict(ok=not reasons, reasons=reasons, notes=notes, on=on)


def may_work(employee: Employee, *, on: datetime.date | None = None, _certificates=None) -> WorkVerdict:
    """May ``employee`` work on ``on`` (default today)? See the module docstring for what is checked."""
    on = on or _today()
    left = _left(employee, on)
    if left is not None:
        return _verdict([left], [], on)
    training = _training(employee, on)
    reasons = [_reason(r.code, r.message) for r in training.reasons]
    notes = [_reason(r.code, r.message) for r in training.notes]
    certs = _certificates if _certificates is not None else _certificates_of([employee.id_number_index]).get(
        employee.id_number_index, [])
    for cert in certs:
        why = certificate_reason(cert, on)
        if why is not None:
            reasons.append(why)
    valid_items = {c.item_code.upper() for c in certs
                   if c.kind == CertificateKind.EQUIPMENT_OPERATOR and certificate_valid(c, on)}
    for assignment in _open_assignments(employee, on):
        equipment = assignment.equipment
        items = _equipment_kinds_covered(equipment.kind)
        if items and not valid_items & {i.upper() for i in items}:
            reasons.append(_reason("equipment_certificate_missing", _(
                "操作{kind}「{name}」须持有效的特种设备作业人员证（{items}）").format(
                    kind=equipment.get_kind_display(), name=equipment.name,
                    items="、".join(item_label(CertificateKind.EQUIPMENT_OPERATOR, i) for i in items if i != "A")
                    or item_label(CertificateKind.EQUIPMENT_OPERATOR, items[0]))))
    return _verdict(reasons, notes, on)


def may_do(employee: Employee, *, certificate_kind: str, item_code: str | None = None,
           equipment_kind: str | None = None, on: datetime.date | None = None) -> WorkVerdict:
    """May ``employee`` do a job needing a certificate of ``certificate_kind`` (of ``item_code``, or of an item that
    covers ``equipment_kind``) on ``on``? Training must be in order and such a certificate valid that day.
    ValueError for an unknown certificate or equipment kind."""
    if certificate_kind not in CertificateKind.values:
        raise ValueError(f"unknown certificate kind {certificate_kind!r}")
    items = None
    if item_code:
        items = {item_code.strip().upper()}
    elif equipment_kind:
        items = {i.upper() for i in cert_rules.operator_items_for_equipment(equipment_kind)}
    on = on or _today()
    left = _left(employee, on)
    if left is not None:
        return _verdict([left], [], on)
    training = _training(employee, on)
    reasons = [_reason(r.code, r.message) for r in training.reasons]
    notes = [_reason(r.code, r.message) for r in training.notes]
    matching = [
        c for c in Certificate.objects.filter(
            holder_index=employee.id_number_index, kind=certificate_kind, state=CertificateState.ACTIVE)
        if items is None or c.item_code.strip().upper() in items
    ]
    if not any(certificate_valid(c, on) for c in matching):
        what = _kind_label(certificate_kind)
        if item_code:
            what = _("{kind}（{item}）").format(kind=what, item=item_label(certificate_kind, item_code.strip().upper()))
        elif equipment_kind:
            from anjian.equipment.choices import EquipmentKind

            label = EquipmentKind(equipment_kind).label if equipment_kind in EquipmentKind.values else equipment_kind
            what = _("{kind}（适用于{equipment}）").format(kind=what, equipment=label)
        message = _("未持有效的{what}").format(what=what)
        stale = [certificate_reason(c, on) for c in matching]
        stale = [s["message"] for s in stale if s]
        if stale:
            message = _("{message}：{detail}").format(message=message, detail="；".join(stale))
        reasons.append(_reason("certificate_missing", message))
    return _verdict(reasons, notes, on)


# --- keeping the copy on the row ----------------------------------------------------------------------------------


def _with_facts(queryset):
    from anjian.equipment.models import EquipmentOperator

    return queryset.select_related("enterprise").prefetch_related(
        "enterprise__sector_links",
        Prefetch("training_records", queryset=TrainingRecord.objects.filter(
            result=TrainingResult.PASSED).select_related("session")),
        "posts",
        "absences",
        Prefetch("equipment_assignments", queryset=EquipmentOperator.objects.filter(
            ended_on__isnull=True).select_related("equipment")),
    )


def refresh(employee_ids: Iterable[int], *, on: datetime.date | None = None) -> int:
    """Recompute and save the verdict of these employees (``work_ok``, ``work_reasons``, ``work_checked_on``) in
    chunks, each read with its facts prefetched; returns how many rows were saved."""
    on = on or _today()
    ids = sorted({int(i) for i in employee_ids})
    saved = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        employees = list(_with_facts(Employee.objects.filter(pk__in=ids[start:start + REFRESH_CHUNK]).order_by()))
        certs = _certificates_of(e.id_number_index for e in employees)
        for e in employees:
            result = may_work(e, on=on, _certificates=certs.get(e.id_number_index, []))
            e.work_ok, e.work_reasons, e.work_checked_on = result.ok, result.reasons, on
        Employee.objects.bulk_update(employees, ["work_ok", "work_reasons", "work_checked_on"])
        saved += len(employees)
    return saved


def refresh_holders(holder_indexes: Iterable[str], *, on: datetime.date | None = None) -> int:
    """Refresh every employee row of these people (by ID-card index, any enterprise): after a certificate changes."""
    indexes = sorted({i for i in holder_indexes if i})
    if not indexes:
        return 0
    return refresh(Employee.objects.filter(id_number_index__in=indexes).values_list("pk", flat=True), on=on)


def refresh_due(*, on: datetime.date | None = None, batch: int = 500) -> int:
    """Refresh active employees whose verdict was never computed or computed before ``on`` (dates have passed),
    ``batch`` at a time; reads only those rows, through the (state, work_checked_on) index. Returns the count."""
    on = on or _today()
    done = 0
    for stale in ({"work_checked_on__isnull": True}, {"work_checked_on__lt": on}):
        while True:
            ids = list(
                Employee.objects.filter(state=EmployeeState.ACTIVE, **stale).order_by().values_list("pk", flat=True)[
                    :batch]
            )
            if not ids:
                break
            done += refresh(ids, on=on)
    return done
