"""Certificate services: registration and its refusals (the fake-certificate defence: one number, one person; the
number format per kind; an ID-format number must be the holder's own), the due dates (review every 3 years, every 6
with the ≥10-year extension, renewal), reviews and failed reviews, corrections, revocation, the audit trail and the
may-work verdict."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import AuditEvent
from anjian.people import certificates
from anjian.people.models import Certificate, CertificateReview, Employee
from anjian.people.queries import certificate_valid_q
from anjian.rules._dates import add_years
from tests.conftest import SYSTEM
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ISSUED = TODAY - datetime.timedelta(days=400)


def data(**overrides):
    out = {"kind": "special_operation", "item_code": "1.2", "number": "T2024000123", "issuer": "嘉兴市应急管理局",
           "issued_on": ISSUED}
    out.update(overrides)
    return out


def register(world, employee, actor="e1m", **overrides):
    return certificates.certificate_register(actor=world.user[actor], employee=employee, data=data(**overrides))


def codes(exc_info, field) -> list[str]:
    return [e.code for e in exc_info.value.error_dict[field]]


def messages(exc_info, field) -> str:
    return " ".join(m for e in exc_info.value.error_dict[field] for m in e.messages)


# --- registration --------------------------------------------------------------------------------------------------


def test_register_computes_the_dates_and_keeps_the_holder(world, make_employee):
    emp = make_employee(world.e1, name="王电工")
    cert = register(world, emp)
    assert cert.valid_until == add_years(ISSUED, 6)
    assert cert.review_due == add_years(ISSUED, 3) and cert.due_on == cert.review_due and cert.due_kind == "review"
    assert cert.holder_index == emp.id_number_index and cert.enterprise == world.e1
    assert cert.region_code == world.e1.region_code and cert.number == "T2024000123"
    event = AuditEvent.objects.get(action="people.certificate.register")
    assert "T2024000123" not in str(event.changes) and "T2024000123" not in event.object_repr


def test_the_number_is_normalised_and_the_id_number_of_the_holder_is_accepted(world, make_employee):
    number = id_number()
    emp = make_employee(world.e1, number=number)
    cert = register(world, emp, number=" " + number.lower().replace("x", "ｘ") + " ")
    assert cert.number == number
    assert certificates.display_number(cert.number) != number and certificates.display_number(cert.number)[:3] == "330"
    event = AuditEvent.objects.get(action="people.certificate.register")
    assert number not in str(event.changes) and number not in event.object_repr


def test_an_id_format_number_that_is_not_the_holders_is_refused(world, make_employee):
    emp = make_employee(world.e1)
    with pytest.raises(ValidationError) as exc:
        register(world, emp, number=id_number())
    assert codes(exc, "number") == ["not_holder_id"]
    assert not Certificate.objects.exists()


def test_the_id_number_check_holds_when_the_sealed_id_cannot_be_read(world, make_employee):
    own = id_number()
    emp = make_employee(world.e1, number=own)
    Employee.objects.filter(pk=emp.pk).update(id_number_sealed="not-a-sealed-value")
    emp = Employee.objects.select_related("enterprise").get(pk=emp.pk)
    assert emp.id_number == "" and emp.unreadable
    with pytest.raises(ValidationError) as exc:  # someone else's ID number: still refused
        register(world, emp, number=id_number())
    assert codes(exc, "number") == ["not_holder_id"]
    for kind, item in (("special_operation", "1.2"), ("equipment_operator", "N1")):
        with pytest.raises(ValidationError) as exc:
            register(world, emp, kind=kind, item_code=item, number=id_number())
        assert codes(exc, "number") == ["not_holder_id"], kind
    assert not Certificate.objects.exists()
    cert = register(world, emp, number=own.lower())  # the holder's own ID number: matched by the blind index
    assert cert.number == own
    with pytest.raises(ValidationError) as exc:  # a correction is checked the same way
        certificates.certificate_update(actor=world.user["e1m"], certificate=cert, data={"number": id_number()})
    assert codes(exc, "number") == ["not_holder_id"]
    other = register(world, emp, kind="equipment_operator", item_code="N1", number="TS330481009")
    assert other.number == "TS330481009"  # a number that is not in ID format is not compared


@pytest.mark.parametrize("number, code", [("", "empty"), ("T20@4", "characters"), ("T20", "length"),
                                          ("证书123456", "characters"), ("A" * 31, "length")])
def test_bad_number_formats_are_refused(world, make_employee, number, code):
    emp = make_employee(world.e1)
    with pytest.raises(ValidationError) as exc:
        register(world, emp, number=number)
    assert codes(exc, "number") == [code]


def test_a_number_taken_by_another_person_is_refused_even_from_another_enterprise(world, make_employee):
    register(world, make_employee(world.e1, name="张三"))
    other = make_employee(world.e2, name="李四")
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_register(actor=world.user["e2"], employee=other, data=data(number="t2024000123"))
    assert codes(exc, "number") == ["number_taken"]
    text = messages(exc, "number")
    assert "另一人" in text and "张三" not in text and world.e1.name not in text
    assert Certificate.objects.count() == 1


def test_the_same_certificate_of_the_same_person_is_already_registered(world, make_employee):
    number = id_number()
    first = make_employee(world.e1, number=number)
    register(world, first)
    with pytest.raises(ValidationError) as exc:
        register(world, first)
    assert codes(exc, "number") == ["already_registered"] and world.e1.name in messages(exc, "number")
    # the same person at a second enterprise: registered already, without naming an enterprise out of scope
    second = make_employee(world.e2, number=number)
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_register(actor=world.user["e2"], employee=second, data=data())
    assert codes(exc, "number") == ["already_registered"] and world.e1.name not in messages(exc, "number")


def test_a_number_of_another_kind_is_a_separate_certificate(world, make_employee):
    emp = make_employee(world.e1)
    register(world, emp)
    cert = register(world, emp, kind="equipment_operator", item_code="n1")
    assert cert.item_code == "N1" and cert.valid_until == add_years(ISSUED, 4) and cert.review_due is None
    assert cert.due_kind == "renewal"


def test_the_unique_constraint_is_the_same_refusal(world, make_employee, monkeypatch):
    register(world, make_employee(world.e1))
    other = make_employee(world.e1, name="李四")
    monkeypatch.setattr(certificates, "_number_owner_error", lambda *a, **k: None)  # lose the race
    with pytest.raises(ValidationError) as exc:
        register(world, other)
    assert codes(exc, "number") == ["number_taken"]
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize("overrides, field, code", [
    ({"item_code": "12.1"}, "item_code", "invalid_item"),
    ({"item_code": ""}, "item_code", "required"),
    ({"kind": "equipment_operator", "item_code": "1.2"}, "item_code", "invalid_item"),
    ({"kind": "driving_licence"}, "kind", "invalid_choice"),
    ({"issued_on": TODAY + datetime.timedelta(days=1)}, "issued_on", "future"),
    ({"issued_on": "2024-13-01"}, "issued_on", "invalid"),
    ({"issued_on": None}, "issued_on", "required"),
    ({"valid_until": add_years(ISSUED, 6) + datetime.timedelta(days=1)}, "valid_until", "validity_too_long"),
    ({"valid_until": ISSUED}, "valid_until", "order"),
    ({"issuer": ""}, "issuer", "required"),
    ({"issuer": "局" * 101}, "issuer", "max_length"),
    ({"kind": "equipment_operator", "item_code": "N1", "extended_review": True}, "extended_review",
     "extended_review_not_applicable"),
])
def test_bad_registrations_are_refused_with_a_code(world, make_employee, overrides, field, code):
    emp = make_employee(world.e1)
    with pytest.raises(ValidationError) as exc:
        register(world, emp, **overrides)
    assert code in codes(exc, field)
    assert all(ord(ch) > 127 for ch in messages(exc, field)[:1])  # a Chinese message
    assert not Certificate.objects.exists()


def test_the_safety_certificate_matches_the_person_kind(world, make_employee):
    worker = make_employee(world.e1)
    with pytest.raises(ValidationError) as exc:
        register(world, worker, kind="safety_qualification", item_code="safety_manager")
    assert codes(exc, "item_code") == ["person_kind_mismatch"] and "主要负责人" in messages(exc, "item_code")
    manager = make_employee(world.e1, person_kind="safety_manager")
    with pytest.raises(ValidationError) as exc:
        register(world, manager, kind="safety_qualification", item_code="principal")
    assert codes(exc, "item_code") == ["person_kind_mismatch"]
    cert = register(world, manager, kind="safety_qualification", item_code="safety_manager")
    assert cert.valid_until == add_years(ISSUED, 3) and cert.due_kind == "renewal"


def test_only_keepers_register_and_not_for_someone_who_left(world, make_employee):
    emp = make_employee(world.e1)
    for key in ("e1w", "e2", "g1", "b2"):
        with pytest.raises(PermissionDeniedError):
            register(world, emp, actor=key)
    assert register(world, emp, actor="b1").created_by == world.user["b1"]
    left = make_employee(world.e1, state="left", left_on=TODAY)
    with pytest.raises(ConflictError):
        register(world, left, number="T2024000999")


def test_extended_review_moves_the_review_to_the_renewal(world, make_employee):
    cert = register(world, make_employee(world.e1), extended_review=True)
    assert cert.review_due is None and cert.due_on == cert.valid_until == add_years(ISSUED, 6)
    assert cert.due_kind == "renewal"


# --- reviews and renewals ------------------------------------------------------------------------------------------


def old_certificate(world, make_employee, years_ago=3, days=10, **overrides):
    issued = add_years(TODAY, -years_ago) + datetime.timedelta(days=days)  # the review falls in `days` days
    return register(world, make_employee(world.e1), issued_on=issued, **overrides)


def test_a_review_moves_the_due_date_to_the_renewal(world, make_employee):
    cert = old_certificate(world, make_employee)
    assert cert.due_on == add_years(cert.issued_on, 3)
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY)
    cert.refresh_from_db()
    assert cert.review_due is None and cert.due_on == add_years(cert.issued_on, 6) and cert.due_kind == "renewal"
    assert AuditEvent.objects.filter(action="people.certificate.review").exists()


def test_a_review_too_early_or_a_review_when_the_renewal_is_due_is_refused(world, make_employee):
    cert = register(world, make_employee(world.e1))  # review due in about two years
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY)
    assert codes(exc, "reviewed_on") == ["review_too_early"]
    renewal = old_certificate(world, make_employee, extended_review=True, number="T2024000777")
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_review(actor=world.user["e1m"], certificate=renewal, reviewed_on=TODAY)
    assert codes(exc, "valid_until") == ["renewal_required"]
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=cert.issued_on
                                        - datetime.timedelta(days=1))
    assert codes(exc, "reviewed_on") == ["before_issue"]
    assert not CertificateReview.objects.exists()


def test_a_renewal_extends_the_validity_and_the_next_review_follows(world, make_employee):
    cert = old_certificate(world, make_employee, years_ago=6)  # valid until 10 days from now; review met?
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert,
                                    reviewed_on=add_years(cert.issued_on, 3))  # the 3-year review, on time
    cert.refresh_from_db()
    assert cert.due_kind == "renewal" and cert.due_on == cert.valid_until
    old_until = cert.valid_until
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY,
                                        valid_until=add_years(old_until, 6) + datetime.timedelta(days=1))
    assert codes(exc, "valid_until") == ["validity_too_long"]
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY,
                                        valid_until=old_until)
    assert codes(exc, "valid_until") == ["renewal_not_later"]
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY,
                                    valid_until=add_years(old_until, 6))
    cert.refresh_from_db()
    assert cert.valid_until == add_years(old_until, 6)
    assert cert.review_due == add_years(cert.issued_on, 9) and cert.due_on == cert.review_due
    assert AuditEvent.objects.filter(action="people.certificate.renew").exists()


def test_a_failed_review_makes_the_certificate_unusable_until_a_passed_one(world, make_employee):
    cert = old_certificate(world, make_employee)
    emp = cert.employee
    assert Certificate.objects.filter(certificate_valid_q(TODAY), pk=cert.pk).exists()
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY, passed=False,
                                        valid_until=add_years(TODAY, 3))
    assert codes(exc, "valid_until") == ["failed_with_validity"]
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY, passed=False)
    cert.refresh_from_db()
    assert cert.review_due == TODAY - datetime.timedelta(days=1) and cert.due_on == cert.review_due
    assert certificates.status_on(cert, TODAY) == certificates.REVIEW_OVERDUE
    assert not Certificate.objects.filter(certificate_valid_q(TODAY), pk=cert.pk).exists()
    emp.refresh_from_db()
    assert not emp.work_ok and "certificate_review_overdue" in [r["code"] for r in emp.work_reasons]
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY)
    cert.refresh_from_db()
    assert cert.review_due is None and certificates.status_on(cert, TODAY) == certificates.VALID
    emp.refresh_from_db()
    assert "certificate_review_overdue" not in [r["code"] for r in emp.work_reasons]


def test_an_unreviewed_certificate_is_overdue_and_the_verdict_says_so_for_every_workplace(world, make_employee):
    number = id_number()
    here = make_employee(world.e1, number=number)
    there = make_employee(world.e2, number=number)
    issued = add_years(TODAY, -3) - datetime.timedelta(days=5)
    cert = register(world, here, issued_on=issued)
    assert certificates.status_on(cert, TODAY) == certificates.REVIEW_OVERDUE
    for emp in (here, there):
        emp.refresh_from_db()
        assert emp.work_checked_on == TODAY
        assert "certificate_review_overdue" in [r["code"] for r in emp.work_reasons]


# --- corrections and revocation --------------------------------------------------------------------------------------


def test_corrections_are_checked_recomputed_and_audited(world, make_employee):
    cert = register(world, make_employee(world.e1))
    register(world, make_employee(world.e1, name="李四"), number="T2024000999")
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_update(actor=world.user["e1m"], certificate=cert, data={"number": "T2024000999"})
    assert codes(exc, "number") == ["number_taken"]
    cert = certificates.certificate_update(
        actor=world.user["e1m"], certificate=cert,
        data={"number": "T2024000124", "issuer": "浙江省应急管理厅", "extended_review": True, "item_code": "1.1"},
    )
    cert.refresh_from_db()
    assert cert.number == "T2024000124" and cert.issuer == "浙江省应急管理厅" and cert.item_code == "1.1"
    assert cert.due_kind == "renewal" and cert.review_due is None
    event = AuditEvent.objects.get(action="people.certificate.update")
    assert "T2024000124" not in str(event.changes) and event.changes["issuer"][1] == "浙江省应急管理厅"
    # blank number keeps it; a bad date is refused; nothing changed is no event
    certificates.certificate_update(actor=world.user["e1m"], certificate=cert, data={"number": ""})
    assert AuditEvent.objects.filter(action="people.certificate.update").count() == 1
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_update(actor=world.user["e1m"], certificate=cert,
                                        data={"valid_until": add_years(cert.issued_on, 7)})
    assert codes(exc, "valid_until") == ["validity_too_long"]
    with pytest.raises(PermissionDeniedError):
        certificates.certificate_update(actor=world.user["e1w"], certificate=cert, data={"issuer": "x"})


def test_revoke_once_and_the_number_stays_taken(world, make_employee):
    cert = register(world, make_employee(world.e1))
    with pytest.raises(ValidationError) as exc:
        certificates.certificate_revoke(actor=world.user["e1m"], certificate=cert, reason=" ")
    assert codes(exc, "reason") == ["required"]
    certificates.certificate_revoke(actor=world.user["e1m"], certificate=cert, reason="证书系伪造")
    cert.refresh_from_db()
    assert cert.state == "revoked" and certificates.status_on(cert) == certificates.REVOKED
    with pytest.raises(ConflictError):
        certificates.certificate_revoke(actor=world.user["e1m"], certificate=cert, reason="again")
    with pytest.raises(ConflictError):
        certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY)
    with pytest.raises(ValidationError) as exc:
        register(world, make_employee(world.e1, name="李四"))
    assert codes(exc, "number") == ["number_taken"]


def test_status_q_and_status_on_agree(world, make_employee):
    rows = [
        register(world, make_employee(world.e1), number="T2024000001"),  # valid
        old_certificate(world, make_employee, number="T2024000002"),  # review in 10 days
        old_certificate(world, make_employee, days=-10, number="T2024000003"),  # review overdue
        register(world, make_employee(world.e1), number="T2024000004", kind="equipment_operator", item_code="N1",
                 issued_on=add_years(TODAY, -4) - datetime.timedelta(days=3)),  # expired
    ]
    revoked = register(world, make_employee(world.e1), number="T2024000005")
    certificates.certificate_revoke(actor=world.user["e1m"], certificate=revoked, reason="错误登记")
    rows.append(Certificate.objects.get(pk=revoked.pk))
    expected = ["valid", "due_soon", "review_overdue", "expired", "revoked"]
    assert [certificates.status_on(c, TODAY) for c in rows] == expected
    for status, cert in zip(expected, rows, strict=True):
        assert list(Certificate.objects.filter(certificates.status_q(status, TODAY))) == [cert]


def test_system_actor_and_one_transaction(world, make_employee, monkeypatch):
    emp = make_employee(world.e1)
    from anjian.people import verdict

    def boom(*args, **kwargs):
        raise RuntimeError("verdict failed")

    monkeypatch.setattr(verdict, "refresh", boom)
    with pytest.raises(RuntimeError):
        certificates.certificate_register(actor=SYSTEM, employee=emp, data=data())
    assert not Certificate.objects.exists() and not AuditEvent.objects.filter(
        action="people.certificate.register").exists()
    assert Employee.objects.filter(pk=emp.pk).exists()
