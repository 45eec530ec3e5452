"""The daily people scan: the reminders 90, 60, 30 and 7 days before a due date, each once however often the scan
runs; a late start sends only the nearest one; the recipients (the safety managers of every enterprise where the
holder works, else the principal); a renewal is reminded again; an expired or overdue certificate once; and the
verdicts follow the calendar."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from anjian.core.models import Notification
from anjian.people import certificates
from anjian.people.models import CertificateReminder, Employee
from anjian.people.scan import OVERDUE, scan_people
from anjian.people.tasks import scan_people as scan_task
from anjian.rules._dates import add_years
from tests.people.conftest import id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def due_in(world, employee, days: int, *, actor="e1m", number="T2024000123", years=3, **extra):
    """A special operations certificate whose 3-year review (or, ``years=6``, the renewal) falls ``days`` from
    today."""
    issued = add_years(day(days), -years)
    cert = certificates.certificate_register(actor=world.user[actor], employee=employee, data={
        "kind": "special_operation", "item_code": "1.2", "number": number, "issuer": "嘉兴市应急管理局",
        "issued_on": issued, **extra})
    assert cert.due_on == day(days)
    return cert


def offsets(cert) -> Counter:
    return Counter(CertificateReminder.objects.filter(certificate=cert).values_list("days_before", flat=True))


def inbox(user, kind=None):
    rows = Notification.objects.filter(recipient=user, object_type="people.certificate")
    return list(rows.filter(kind=kind) if kind else rows)


def test_each_reminder_once_over_a_hundred_days_of_scans(world, make_employee):
    cert = due_in(world, make_employee(world.e1, name="王电工"), 95)
    per_day = {}
    for n in range(100):
        first = scan_people(today=day(n))
        again = scan_people(today=day(n))
        assert again.reminders == 0 and again.notifications == 0
        if first.reminders:
            per_day[n] = dict(first.offsets)
    assert per_day == {5: {90: 1}, 35: {60: 1}, 65: {30: 1}, 88: {7: 1}, 96: {OVERDUE: 1}}
    assert offsets(cert) == Counter({90: 1, 60: 1, 30: 1, 7: 1, OVERDUE: 1})
    manager = world.user["e1m"]
    assert len(inbox(manager, "certificate.due")) == 4 and len(inbox(manager, "certificate.overdue")) == 1
    assert not inbox(world.user["e1"])  # the principal only when there is no safety manager
    assert not inbox(world.user["e1w"]) and not inbox(world.user["b1"])


def test_the_message_names_the_person_the_certificate_the_due_date_and_the_window(world, make_employee):
    number = id_number()
    emp = make_employee(world.e1, name="王电工", number=number)
    cert = due_in(world, emp, 30, number=number)
    scan_people(today=TODAY)
    [note] = inbox(world.user["e1m"])
    text = note.title + note.body
    assert "王电工" in text and "特种作业操作证" in text and "低压电工作业" in text and cert.due_on.isoformat() in text
    assert "复审" in text and "60日" in text and "还有30天" in note.title
    assert certificates.display_number(number) in note.body and number not in text and number[6:14] not in text
    assert note.url == f"/people/certificates/{cert.pk}/"


def test_the_safety_certificate_window_is_thirty_days_at_least(world, make_employee):
    emp = make_employee(world.e1, name="赵经理", person_kind="safety_manager")
    certificates.certificate_register(actor=world.user["e1m"], employee=emp, data={
        "kind": "safety_qualification", "item_code": "safety_manager", "number": "AQ330481001",
        "issuer": "嘉兴市应急管理局", "issued_on": add_years(day(60), -3)})
    scan_people(today=TODAY)
    [note] = inbox(world.user["e1m"])
    assert "30日" in note.body and "申请延期" in note.body and day(30).isoformat() in note.body


def test_a_late_start_sends_only_the_nearest_reminder_and_never_the_passed_ones(world, make_employee):
    cert = due_in(world, make_employee(world.e1), 20)
    result = scan_people(today=TODAY)
    assert dict(result.offsets) == {30: 1} and result.skipped == 2
    for n in range(1, 20):
        scan_people(today=day(n))
    scan_people(today=day(-50))  # a scan run by hand for an earlier day: the 60- and 90-day ones stay passed
    assert offsets(cert) == Counter({30: 1, 7: 1})
    assert len(inbox(world.user["e1m"])) == 2


def test_recipients_are_the_managers_of_every_current_workplace(world, make_employee):
    number = id_number()
    here = make_employee(world.e1, number=number, name="周师傅")
    there = make_employee(world.e2, number=number, name="周师傅")  # e2 has a principal but no safety manager
    cert = due_in(world, here, 7)
    result = scan_people(today=TODAY)
    assert result.reminders == 1 and result.notifications == 2
    [mine] = inbox(world.user["e1m"])
    [theirs] = inbox(world.user["e2"])
    assert mine.url.endswith(f"/certificates/{cert.pk}/")
    assert f"/certificates/{cert.pk}/" not in theirs.url  # e2 cannot open e1's registration
    assert CertificateReminder.objects.get(certificate=cert).recipients == 2
    # the holder left e1: the next reminder (the overdue one) goes to e2 only
    Employee.objects.filter(pk=here.pk).update(state="left", left_on=TODAY)
    scan_people(today=day(8))
    assert len(inbox(world.user["e1m"])) == 1 and len(inbox(world.user["e2"], "certificate.overdue")) == 1
    assert there.pk


def test_each_workplace_is_told_the_name_it_registered(world, make_employee):
    number = id_number()
    here = make_employee(world.e1, number=number, name="周师傅")
    make_employee(world.e2, number=number, name="周建国")  # the same person, as e2 registered him
    due_in(world, here, 7)
    scan_people(today=TODAY)
    [mine] = inbox(world.user["e1m"])
    [theirs] = inbox(world.user["e2"])
    assert "周师傅" in mine.title and "周师傅" in mine.body and "周建国" not in mine.title + mine.body
    assert "周建国" in theirs.title and "周建国" in theirs.body and "周师傅" not in theirs.title + theirs.body
    scan_people(today=day(8))  # the overdue reminder names him per workplace too
    [mine] = inbox(world.user["e1m"], "certificate.overdue")
    [theirs] = inbox(world.user["e2"], "certificate.overdue")
    assert "周师傅" in mine.title and "周建国" not in mine.title + mine.body
    assert "周建国" in theirs.title and "周建国" in theirs.body and "周师傅" not in theirs.title + theirs.body


def test_a_renewed_certificate_is_reminded_again_for_its_new_date(world, make_employee):
    cert = due_in(world, make_employee(world.e1), 7, years=6, extended_review=True)  # the renewal is due in 7 days
    assert cert.due_kind == "renewal"
    scan_people(today=TODAY)
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY,
                                    valid_until=add_years(cert.valid_until, 6))
    cert.refresh_from_db()
    assert cert.due_on == add_years(day(7), 6)
    assert scan_people(today=day(7)).reminders == 0  # the old due date is met
    new = scan_people(today=cert.due_on - datetime.timedelta(days=7))
    assert dict(new.offsets) == {7: 1}
    assert set(CertificateReminder.objects.filter(certificate=cert).values_list("due_on", flat=True)) == {
        day(7), cert.due_on}


def test_an_expired_certificate_is_reminded_once_and_a_revoked_one_not_at_all(world, make_employee):
    emp = make_employee(world.e1, name="钱司机")
    expired = certificates.certificate_register(actor=world.user["e1m"], employee=emp, data={
        "kind": "equipment_operator", "item_code": "N1", "number": "TS330481001", "issuer": "嘉兴市市场监督管理局",
        "issued_on": add_years(day(-3), -4)})
    revoked = due_in(world, make_employee(world.e1), -2, number="T2024000555")
    certificates.certificate_revoke(actor=world.user["e1m"], certificate=revoked, reason="调离")
    result = scan_people(today=TODAY)
    assert result.expired == 1 and offsets(expired) == Counter({OVERDUE: 1}) and not offsets(revoked)
    [note] = inbox(world.user["e1m"], "certificate.overdue")
    assert "已过期" in note.title and "钱司机" in note.title
    assert scan_people(today=TODAY).reminders == 0 and scan_people(today=day(1)).reminders == 0


def test_a_failed_review_is_reminded_once_as_overdue(world, make_employee):
    cert = due_in(world, make_employee(world.e1), 20)
    certificates.certificate_review(actor=world.user["e1m"], certificate=cert, reviewed_on=TODAY, passed=False)
    result = scan_people(today=day(1))
    assert result.expired == 1
    [note] = inbox(world.user["e1m"], "certificate.overdue")
    assert "复审不合格" in note.title


def test_overdue_beyond_the_lookback_is_not_read(world, make_employee):
    cert = due_in(world, make_employee(world.e1), -40)
    assert scan_people(today=TODAY).reminders == 0 and not offsets(cert)


def test_the_verdicts_follow_the_calendar(world, make_employee):
    cert = due_in(world, make_employee(world.e1), 1)
    emp = cert.employee
    emp.refresh_from_db()
    assert emp.work_checked_on == TODAY and "certificate_review_overdue" not in [r["code"] for r in emp.work_reasons]
    result = scan_people(today=day(2))
    emp.refresh_from_db()
    assert result.verdicts >= 1 and emp.work_checked_on == day(2)
    assert "certificate_review_overdue" in [r["code"] for r in emp.work_reasons] and not emp.work_ok


def test_command_and_task(world, make_employee):
    due_in(world, make_employee(world.e1), 60)
    out = io.StringIO()
    call_command("people_scan", "--today", TODAY.isoformat(), stdout=out)
    assert "1 reminders recorded (60 days 1)" in out.getvalue()
    assert scan_task.run()["reminders"] == 0
    with pytest.raises(Exception, match="not a date"):
        call_command("people_scan", "--today", "2026-02-30", stdout=io.StringIO())
