"""Every write to a certificate: registration with the fake-certificate defence, corrections, reviews and renewals,
revocation; and what the pages, the API, the export and the scan share about a certificate on a day.

The rules are :mod:`anjian.rules.certificates` (kinds, catalogues, number checks, the due dates). Each service
checks that the actor keeps the enterprise's ledger (:func:`anjian.people.permissions.require_keeper`), validates,
writes in one transaction, records an audit event and refreshes the "may work" verdict of every active employee row
of the holder (:mod:`anjian.people.verdict`), wherever the holder works.

Fake-certificate defence: a number (normalised by :func:`~anjian.rules.certificates.normalise_number`) is registered
once per kind on the whole platform — by another person it is refused (``number_taken``, without naming the other
person or their enterprise), by the same person ``already_registered``; the unique constraint catches a race with the
same answer. An 18-character number in ID-card format must be the holder's own ID-card number (``not_holder_id``),
compared by blind index (so an unreadable sealed ID does not switch the check off).

The number is stored sealed (it is often the holder's ID-card number): pages, exports, notifications and the audit
trail show an ID-format number masked (:func:`display_number`), and the audit trail masks every number.

A failed review (复审不合格) makes the certificate unusable from the day of that review until a passed review (or a
renewal) is recorded after it: the state stays ACTIVE, but ``review_due`` and ``due_on`` are set to the day before the
failed review, so :func:`anjian.people.queries.certificate_valid_q` (and the verdict) no longer count it, the ledger
shows it as "review overdue" and the scan reminds once that it is overdue.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import audit, crypto
from anjian.core.errors import ConflictError
from anjian.core.validation import FieldErrors as _Errors
from anjian.core.validation import clean_text as _text
from anjian.core.validation import parse_date
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people import verdict
from anjian.people.choices import CertificateKind, CertificateState, EmployeeState, PersonKind
from anjian.people.models import Certificate, CertificateReview, Employee
from anjian.people.permissions import require_keeper
from anjian.rules import certificates as rules
from anjian.rules import id_card
from anjian.rules._dates import add_years

ISSUER_MAX = Certificate._meta.get_field("issuer").max_length
NOTE_MAX = CertificateReview._meta.get_field("note").max_length
REASON_MAX = 300
EARLIEST = datetime.date(1950, 1, 1)
DUE_SOON_DAYS = max(rules.REMINDER_DAYS)  # "due within 90 days" in the ledger: the first reminder's lead

# The certificate of a principal or safety manager names which of the two the holder was assessed as.
SAFETY_ITEMS = (PersonKind.PRINCIPAL, PersonKind.SAFETY_MANAGER)

# The status of a certificate on a day, as the ledger shows and filters it.
VALID = "valid"
DUE_SOON = "due_soon"
REVIEW_OVERDUE = rules.REVIEW_OVERDUE
EXPIRED = rules.EXPIRED
REVOKED = "revoked"
STATUS_CHOICES = [
    (VALID, gettext_lazy("有效")),
    (DUE_SOON, gettext_lazy("90天内到期")),
    (REVIEW_OVERDUE, gettext_lazy("逾期未复审")),
    (EXPIRED, gettext_lazy("已过期")),
    (REVOKED, gettext_lazy("已注销")),
]
STATUS_LABELS = dict(STATUS_CHOICES)
DUE_KIND_LABELS = {rules.REVIEW: gettext_lazy("复审"), rules.RENEWAL: gettext_lazy("延期复审（换证）")}


# --- helpers -------------------------------------------------------------------------------------------------------


def today() -> datetime.date:
    return timezone.localdate()


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _date(errors: _Errors, value, field: str, label: str, *, required: bool = False,
          allow_future: bool = False) -> datetime.date | None:
    try:
        day = parse_date(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(field, _("{label}不是有效日期。").format(label=label), "invalid")
        return None
    if day is None:
        if required:
            errors.add(field, _("请填写{label}。").format(label=label), "required")
        return None
    if day < EARLIEST:
        errors.add(field, _("{label}不正确。").format(label=label), "too_old")
        return None
    if not allow_future and day > today():
        errors.add(field, _("{label}不能晚于今天。").format(label=label), "future")
        return None
    return day


def is_id_format(number: str) -> bool:
    """An 18-character number that passes the GB 11643 check (a 公民身份号码)."""
    n = rules.normalise_number(number)
    return len(n) == id_card.LENGTH and id_card.is_valid(n, today=datetime.date.max)


def display_number(number: str) -> str:
    """The number as pages, exports and notifications show it: an ID-format number masked, any other as it is."""
    n = rules.normalise_number(number)
    return id_card.mask(n) if is_id_format(n) else n


def audit_number(number: str) -> str:
    return id_card.mask(rules.normalise_number(number))


def kind_label(kind: str) -> str:
    return str(CertificateKind(kind).label) if kind in CertificateKind.values else kind


def item_label(kind: str, code: str) -> str:
    return verdict.item_label(kind, code)


def certificate_repr(cert: Certificate) -> str:
    """What the audit trail names a certificate by (the number masked)."""
    return f"{kind_label(cert.kind)} {audit_number(cert.number)}"


def item_choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) of the items a certificate of ``kind`` may name."""
    if kind == CertificateKind.SPECIAL_OPERATION:
        return [(i.code, f"{i.code} {i.item}") for i in rules.SPECIAL_OPERATION_CATALOGUE]
    if kind == CertificateKind.EQUIPMENT_OPERATOR:
        return [(i.code, f"{i.code} {i.name}") for i in rules.EQUIPMENT_OPERATOR_ITEMS]
    if kind == CertificateKind.SAFETY_QUALIFICATION:
        return [(str(k), str(k.label)) for k in SAFETY_ITEMS]
    return []


def clean_item(kind: str, code) -> str | None:
    """The item code as stored, or None when ``code`` is not an item of ``kind``."""
    code = _text(code)
    if not code:
        return None
    if kind == CertificateKind.SPECIAL_OPERATION:
        item = rules.catalogue_item(code)
        return item.code if item else None
    if kind == CertificateKind.EQUIPMENT_OPERATOR:
        item = rules.equipment_operator_item(code)
        return item.code if item else None
    if kind == CertificateKind.SAFETY_QUALIFICATION:
        return code if code in SAFETY_ITEMS else None
    return None


def _active_employee_ids(holder_index: str) -> list[int]:
    return list(
        Employee.objects.filter(id_number_index=holder_index, state=EmployeeState.ACTIVE).values_list("pk", flat=True)
    )


def _refresh(holder_index: str) -> None:
    """The verdict of every active employee row of the holder (any enterprise), after the transaction's write."""
    verdict.refresh(_active_employee_ids(holder_index), on=today())


def _audit(actor, action: str, cert: Certificate, changes: dict) -> None:
    audit.record(actor=actor, action=f"people.certificate.{action}", obj=cert, changes=changes,
                 region_code=cert.region_code, object_repr=certificate_repr(cert))


def _lock(cert: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("employee", "enterprise")
        .get(pk=cert.pk)
    )


def _require_active(cert: Certificate) -> None:
    if cert.state != CertificateState.ACTIVE:
        raise ConflictError(
            _("该证书已注销，不能再办理此事项。"), code="invalid_transition", extra={"current_state": cert.state}
        )


# --- the dates -----------------------------------------------------------------------------------------------------


def passed_reviews(cert: Certificate) -> list[datetime.date]:
    return sorted(r.reviewed_on for r in cert.reviews.all() if r.passed)


def failed_review(cert: Certificate) -> CertificateReview | None:
    """The last review when it failed and no passed review came after it (the certificate is then unusable)."""
    rows = sorted(cert.reviews.all(), key=lambda r: (r.reviewed_on, r.pk or 0))
    return rows[-1] if rows and not rows[-1].passed else None


def dates_of(cert: Certificate, *, valid_until: datetime.date | None = None,
             reviews: list[datetime.date] | None = None) -> rules.CertificateDates:
    return rules.certificate_dates(
        cert.kind,
        issued_on=cert.issued_on,
        valid_until=valid_until or cert.valid_until,
        reviews=passed_reviews(cert) if reviews is None else reviews,
        extended_review=cert.extended_review,
    )


def _apply_dates(cert: Certificate, dates: rules.CertificateDates, failed: CertificateReview | None) -> None:
    cert.valid_until = dates.valid_until
    cert.review_due = dates.next_review_due
    cert.due_on = dates.due
    cert.due_kind = dates.due_kind
    if failed is not None:  # unusable from the day of the failed review (see the module docstring)
        blocked = failed.reviewed_on - datetime.timedelta(days=1)
        if cert.review_due is None or blocked < cert.review_due:
            cert.review_due = blocked
        cert.due_on = min(cert.due_on, cert.review_due)
        cert.due_kind = rules.REVIEW


def recompute(cert: Certificate) -> None:
    """Set the certificate's dates from its issue date, validity, extension flag and reviews (not saved)."""
    _apply_dates(cert, dates_of(cert), failed_review(cert))


def status_on(cert: Certificate, on: datetime.date | None = None) -> str:
    """One of STATUS_CHOICES for ``cert`` on ``on`` (default today), from the fields the services keep."""
    on = on or today()
    if cert.state == CertificateState.REVOKED:
        return REVOKED
    if cert.valid_until < on:
        return EXPIRED
    if cert.review_due is not None and cert.review_due < on:
        return REVIEW_OVERDUE
    if cert.due_on <= on + datetime.timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return VALID


def status_q(status: str, on: datetime.date) -> Q:
    """The rows of ``status`` on ``on`` (the twin of :func:`status_on`)."""
    active = Q(state=CertificateState.ACTIVE)
    not_overdue = Q(review_due__isnull=True) | Q(review_due__gte=on)
    if status == REVOKED:
        return Q(state=CertificateState.REVOKED)
    if status == EXPIRED:
        return active & Q(valid_until__lt=on)
    if status == REVIEW_OVERDUE:
        return active & Q(valid_until__gte=on, review_due__lt=on)
    soon = on + datetime.timedelta(days=DUE_SOON_DAYS)
    if status == DUE_SOON:
        return active & Q(valid_until__gte=on) & not_overdue & Q(due_on__lte=soon)
    if status == VALID:
        return active & Q(valid_until__gte=on) & not_overdue & Q(due_on__gt=soon)
    raise ValueError(status)


def apply_window(kind: str, due: datetime.date) -> dict:
    """When to apply for what is due on ``due``: ``{"from", "by", "text"}`` (the text cites the rule)."""
    rule = rules.kind_rule(kind)
    start = rule.apply_from(due)
    lead = (
        _("{n}个月").format(n=rule.apply_window_months) if rule.apply_window_months is not None
        else _("{n}日").format(n=rule.apply_window_days)
    )
    if rule.apply_window_kind == rules.AT_LEAST:
        text = _("应于 {by} 前（届满{lead}前）向原发证部门申请延期").format(by=start.isoformat(), lead=lead)
        return {"from": None, "by": start, "text": text}
    text = _("应于 {start} 至 {due} 期间（期满前{lead}内）向发证机关申请").format(
        start=start.isoformat(), due=due.isoformat(), lead=lead)
    if rule.apply_window_status == rules.UNVERIFIED:
        text += _("（申请期限未核实）")
    return {"from": start, "by": due, "text": text}


# --- cleaning ------------------------------------------------------------------------------------------------------


def _clean_number(errors: _Errors, kind: str, value, employee: Employee) -> str:
    number = rules.normalise_number(value if isinstance(value, str) else _text(value))
    if kind not in rules.KINDS:
        return number
    # The holder comparison is by blind index, never on the decrypted ID number: that is "" when the sealed value
    # cannot be opened, and must not switch the fake-certificate check off. The format checks first (no holder);
    # then, when the number is not the holder's own ID number, the rule is asked with a holder ID that does not match
    # ("") — it answers ``not_holder_id`` exactly when this kind's ID-format numbers must be the holder's own.
    problem = rules.number_problem(kind, number, holder_id_number=None)
    if problem is None and crypto.blind_index("id_number", id_card.normalise(number)) != employee.id_number_index:
        problem = rules.number_problem(kind, number, holder_id_number="")
    if problem is not None:
        errors.add("number", problem.message, problem.code)
    return number


def _number_owner_error(actor, kind: str, number: str, employee: Employee, *, exclude: int | None = None):
    """The ValidationError when ``number`` of ``kind`` is registered already (by another person or this one)."""
    rows = Certificate.objects.with_number(kind, number).select_related("enterprise")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    existing = rows.first()
    if existing is None:
        return None
    if existing.holder_index != employee.id_number_index:
        return _number_taken()
    where = ""
    if getattr(actor, "is_system", False) or enterprises_visible_to(actor).filter(pk=existing.enterprise_id).exists():
        where = existing.enterprise.name
    if existing.state == CertificateState.REVOKED:
        message = (
            _("该证书已在「{where}」登记并已注销，不能重复登记。").format(where=where) if where
            else _("该证书已为此人登记并已注销，不能重复登记。")
        )
    else:
        message = (
            _("该证书已在「{where}」为此人登记，无需重复登记；同一人的证书在其任职的各单位均有效。").format(where=where)
            if where else _("该证书已为此人登记（在其他单位），无需重复登记；同一人的证书在其任职的各单位均有效。")
        )
    return _error("number", message, "already_registered")


def _number_taken() -> ValidationError:
    return _error("number", _("该证书编号已登记在另一人名下，同一证书编号只能由一人登记。请核对证书真伪。"),
                  "number_taken")


def _check_validity(errors: _Errors, kind: str, issued_on, valid_until, *, field: str = "valid_until") -> None:
    if issued_on is None or valid_until is None or kind not in rules.KINDS:
        return
    rule = rules.kind_rule(kind)
    if valid_until <= issued_on:
        errors.add(field, _("有效期截止日须晚于发证日期。"), "order")
    elif valid_until > add_years(issued_on, rule.validity_years):
        errors.add(field, _("{kind}有效期为{n}年，截止日不能晚于 {max}。").format(
            kind=kind_label(kind), n=rule.validity_years, max=add_years(issued_on, rule.validity_years).isoformat()),
            "validity_too_long")


def _clean_item(errors: _Errors, kind: str, value, employee: Employee) -> str:
    code = clean_item(kind, value)
    if kind not in rules.KINDS:
        return _text(value)
    if not _text(value):
        errors.add("item_code", _("请选择作业类别（项目）。"), "required")
        return ""
    if code is None:
        errors.add("item_code", _("「{code}」不是{kind}的作业类别（项目），请从目录中选择。").format(
            code=_text(value)[:20], kind=kind_label(kind)), "invalid_item")
        return ""
    if kind == CertificateKind.SAFETY_QUALIFICATION:
        if employee.person_kind == PersonKind.EMPLOYEE:
            message = _("{name}登记为从业人员；安全生产知识和管理能力考核合格证只适用于主要负责人和"
                        "安全生产管理人员，请先更正人员类别。").format(name=employee.name)
            errors.add("item_code", message, "person_kind_mismatch")
        elif employee.person_kind != code:
            errors.add("item_code", _("{name}登记为{person}，与合格证的类别「{item}」不一致。").format(
                name=employee.name, person=PersonKind(employee.person_kind).label, item=PersonKind(code).label),
                "person_kind_mismatch")
    return code


def _clean_extended(errors: _Errors, kind: str, value) -> bool:
    extended = _flag(value)
    if extended and kind in rules.KINDS and not rules.kind_rule(kind).extended_review_years:
        errors.add("extended_review", _("只有特种作业操作证可以延长复审周期（连续从事本工种10年以上）。"),
                   "extended_review_not_applicable")
    return extended


def _clean_issuer(errors: _Errors, value) -> str:
    issuer = _text(value)
    if not issuer:
        errors.add("issuer", _("请填写发证机关。"), "required")
    elif len(issuer) > ISSUER_MAX:
        errors.add("issuer", _("发证机关不能超过{n}个字。").format(n=ISSUER_MAX), "max_length")
    return issuer


def _clean(actor, employee: Employee, data: dict[str, Any]) -> dict[str, Any]:
    errors = _Errors()
    kind = _text(data.get("kind"))
    if not kind:
        errors.add("kind", _("请选择证书类别。"), "required")
    elif kind not in rules.KINDS or kind not in CertificateKind.values:
        errors.add("kind", _("证书类别无效。"), "invalid_choice")
    item_code = _clean_item(errors, kind, data.get("item_code"), employee) if kind in rules.KINDS else ""
    number = _clean_number(errors, kind, data.get("number"), employee)
    if kind not in rules.KINDS and not number:
        errors.add("number", _("请填写证书编号。"), "empty")
    issuer = _clean_issuer(errors, data.get("issuer"))
    issued_on = _date(errors, data.get("issued_on"), "issued_on", _("发证日期"), required=True)
    valid_until = _date(errors, data.get("valid_until"), "valid_until", _("有效期截止日"), allow_future=True)
    extended = _clean_extended(errors, kind, data.get("extended_review"))
    _check_validity(errors, kind, issued_on, valid_until)
    if "number" not in errors and kind in rules.KINDS and number:
        owner = _number_owner_error(actor, kind, number, employee)
        if owner is not None:
            errors.errors.setdefault("number", []).extend(owner.error_dict["number"])
    errors.raise_if_any()
    return {
        "kind": kind, "item_code": item_code, "number": number, "issuer": issuer, "issued_on": issued_on,
        "valid_until": valid_until, "extended_review": extended,
    }


def _save_new(cert: Certificate) -> None:
    """Insert; the unique (kind, number) constraint losing a race is the same refusal as the check before."""
    try:
        with transaction.atomic():
            cert.save(force_insert=True)
    except IntegrityError:
        if Certificate.objects.with_number(cert.kind, cert.number).exists():
            raise _number_taken() from None
        raise


# --- the services --------------------------------------------------------------------------------------------------


def certificate_register(*, actor, employee: Employee, data: dict[str, Any]) -> Certificate:
    """Register a certificate held by ``employee``: ``data`` has kind, item_code, number, issuer, issued_on and,
    optionally, valid_until (default: the kind's validity from the issue date) and extended_review (special
    operations only: ≥ 10 years continuously in the same job, 第二十一条)."""
    require_keeper(actor, employee.enterprise)
    if employee.state != EmployeeState.ACTIVE:
        raise ConflictError(
            _("{name}已离职，不能再登记证书。").format(name=employee.name),
            code="invalid_transition", extra={"current_state": employee.state},
        )
    clean = _clean(actor, employee, data)
    dates = rules.certificate_dates(
        clean["kind"], issued_on=clean["issued_on"], valid_until=clean["valid_until"],
        extended_review=clean["extended_review"],
    )
    with transaction.atomic():
        cert = Certificate(
            employee=employee,
            enterprise_id=employee.enterprise_id,
            region_code=employee.region_code,
            holder_index=employee.id_number_index,
            kind=clean["kind"],
            item_code=clean["item_code"],
            issuer=clean["issuer"],
            issued_on=clean["issued_on"],
            extended_review=clean["extended_review"],
            created_by=None if getattr(actor, "is_system", False) else actor,
        )
        cert.number = clean["number"]
        _apply_dates(cert, dates, None)
        _save_new(cert)
        _audit(actor, "register", cert, {
            "employee": employee.pk, "kind": cert.kind, "item_code": cert.item_code,
            "number": audit_number(clean["number"]), "issuer": cert.issuer, "issued_on": cert.issued_on,
            "valid_until": cert.valid_until, "extended_review": cert.extended_review, "due_on": cert.due_on,
            "due_kind": cert.due_kind,
        })
        _refresh(cert.holder_index)
    return cert


UPDATE_FIELDS = ("item_code", "number", "issuer", "issued_on", "valid_until", "extended_review")


def certificate_update(*, actor, certificate: Certificate, data: dict[str, Any]) -> Certificate:
    """Correct a registration: the keys of ``data`` among item_code, number, issuer, extended_review and — while no
    review is recorded — issued_on and valid_until (a blank number keeps the number). The dates are recomputed."""
    require_keeper(actor, certificate.enterprise)
    with transaction.atomic():
        cert = _lock(certificate)
        _require_active(cert)
        employee = cert.employee
        errors = _Errors()
        before = {f: getattr(cert, f) for f in ("item_code", "issuer", "issued_on", "valid_until", "extended_review")}
        before["number"] = cert.number
        after = dict(before)
        if "item_code" in data:
            after["item_code"] = _clean_item(errors, cert.kind, data.get("item_code"), employee)
        if "issuer" in data:
            after["issuer"] = _clean_issuer(errors, data.get("issuer"))
        if "number" in data and _text(data.get("number")):
            after["number"] = _clean_number(errors, cert.kind, data.get("number"), employee)
        if "extended_review" in data:
            after["extended_review"] = _clean_extended(errors, cert.kind, data.get("extended_review"))
        has_reviews = cert.reviews.exists()
        for field, label in (("issued_on", _("发证日期")), ("valid_until", _("有效期截止日"))):
            if field not in data:
                continue
            if field == "valid_until" and not _text(data.get(field)):
                issued = after["issued_on"] if "issued_on" not in errors else None
                if issued is None:
                    continue
                value = add_years(issued, rules.kind_rule(cert.kind).validity_years)  # blank: the kind's validity
            else:
                value = _date(errors, data.get(field), field, label, required=True,
                              allow_future=field == "valid_until")
            if value is None:
                continue
            if has_reviews and value != before[field]:
                errors.add(field, _("已登记复审或延期复审，不能再更正{label}；有效期以最近一次延期复审为准。").format(
                    label=label), "has_reviews")
                continue
            after[field] = value
        if ("issued_on" in data or "valid_until" in data) and not {"issued_on", "valid_until"} & set(errors.errors):
            _check_validity(errors, cert.kind, after["issued_on"], after["valid_until"])
        if after["number"] != before["number"] and "number" not in errors:
            owner = _number_owner_error(actor, cert.kind, after["number"], employee, exclude=cert.pk)
            if owner is not None:
                errors.errors.setdefault("number", []).extend(owner.error_dict["number"])
        errors.raise_if_any()
        changed = {f for f in after if after[f] != before[f]}
        if not changed:
            return cert
        for field in changed - {"number"}:
            setattr(cert, field, after[field])
        if "number" in changed:
            cert.number = after["number"]
        recompute(cert)
        try:
            with transaction.atomic():
                cert.save()
        except IntegrityError:
            if "number" in changed and Certificate.objects.with_number(cert.kind, cert.number).exclude(
                    pk=cert.pk).exists():
                raise _number_taken() from None
            raise
        changes = {f: [before[f], after[f]] for f in sorted(changed - {"number"})}
        if "number" in changed:
            changes["number"] = [audit_number(before["number"]), audit_number(after["number"])]
        changes["due_on"] = cert.due_on
        _audit(actor, "update", cert, changes)
        _refresh(cert.holder_index)
    return cert


def certificate_review(*, actor, certificate: Certificate, reviewed_on, passed: bool = True, valid_until=None,
                       note: str = "") -> CertificateReview:
    """Record a review (复审) or, with ``valid_until``, a renewal (延期复审 / 延续) to that date; the dates are
    recomputed. A failed review makes the certificate unusable from that day until a passed one is recorded."""
    require_keeper(actor, certificate.enterprise)
    with transaction.atomic():
        cert = _lock(certificate)
        _require_active(cert)
        rule = rules.kind_rule(cert.kind)
        errors = _Errors()
        passed = _flag(passed)
        day = _date(errors, reviewed_on, "reviewed_on", _("复审日期"), required=True)
        if day is not None and day < cert.issued_on:
            errors.add("reviewed_on", _("复审日期不能早于发证日期（{day}）。").format(day=cert.issued_on.isoformat()),
                       "before_issue")
            day = None
        new_until = _date(errors, valid_until, "valid_until", _("延续后有效期至"), allow_future=True)
        note = _text(note)
        if len(note) > NOTE_MAX:
            errors.add("note", _("备注不能超过{n}个字。").format(n=NOTE_MAX), "max_length")
        current = dates_of(cert)
        if new_until is not None:
            if not passed:
                errors.add("valid_until", _("复审不合格的，不能延长有效期。"), "failed_with_validity")
            elif new_until <= cert.valid_until:
                errors.add("valid_until", _("延续后的有效期须晚于现有效期截止日（{day}）。").format(
                    day=cert.valid_until.isoformat()), "renewal_not_later")
            elif day is not None:
                start = max(cert.valid_until, day)
                longest = add_years(start, rule.validity_years)
                if new_until > longest:
                    errors.add("valid_until", _("{kind}每次延续{n}年，截止日不能晚于 {max}。").format(
                        kind=kind_label(cert.kind), n=rule.validity_years, max=longest.isoformat()),
                        "validity_too_long")
        elif passed and day is not None:
            if current.next_review_due is None:
                message = _("该证书接下来到期的是有效期（{day}），延期复审（换证）请填写延续后的有效期。").format(
                    day=cert.valid_until.isoformat())
                errors.add("valid_until", message, "renewal_required")
            elif rule.apply_window_kind == rules.WITHIN and day < rule.apply_from(current.next_review_due):
                errors.add("reviewed_on", _("复审日期早于复审申请期（{start} 起，应复审日期 {due}），请核对。").format(
                    start=rule.apply_from(current.next_review_due).isoformat(),
                    due=current.next_review_due.isoformat()), "review_too_early")
        errors.raise_if_any()
        row = CertificateReview.objects.create(
            certificate=cert, reviewed_on=day, passed=passed, valid_until=new_until if passed else None, note=note,
            recorded_by=None if getattr(actor, "is_system", False) else actor,
        )
        before = {"valid_until": cert.valid_until, "review_due": cert.review_due, "due_on": cert.due_on}
        if new_until is not None:
            cert.valid_until = new_until
        recompute(cert)
        cert.save(update_fields=["valid_until", "review_due", "due_on", "due_kind"])
        _audit(actor, "renew" if new_until is not None else "review", cert, {
            "review": row.pk, "reviewed_on": day, "passed": passed, "note": note,
            **{f: [before[f], getattr(cert, f)] for f in before},
        })
        _refresh(cert.holder_index)
    return row


def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (注销) a registration: it no longer counts for the holder; the number stays taken."""
    require_keeper(actor, certificate.enterprise)
    reason = _text(reason)
    if not reason:
        raise _error("reason", _("请填写注销原因。"), "required")
    if len(reason) > REASON_MAX:
        raise _error("reason", _("注销原因不能超过{n}个字。").format(n=REASON_MAX), "max_length")
    with transaction.atomic():
        cert = _lock(certificate)
        if cert.state == CertificateState.REVOKED:
            raise ConflictError(_("该证书已注销。"), code="invalid_transition", extra={"current_state": cert.state})
        cert.state = CertificateState.REVOKED
        cert.save(update_fields=["state"])
        _audit(actor, "revoke", cert, {"from": CertificateState.ACTIVE, "to": cert.state, "reason": reason})
        _refresh(cert.holder_index)
    return cert
