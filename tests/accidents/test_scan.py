"""The accident clock scan: overdue upward reports, the investigation report due and overdue (not while paused), the
reply overdue and overdue corrective measures, each reminded once; and the grade-basis constraint."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from anjian.accidents import investigation as inv_services
from anjian.accidents import reporting
from anjian.accidents.models import Accident, AccidentReminder
from anjian.accidents.scan import DUE_SOON_DAYS, scan_accidents
from anjian.core.models import Notification
from tests.accidents.conftest import ago, report
from tests.accidents.test_investigation import accident, opened, replied, submitted, today

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_overdue_upward_report_is_reminded_once_to_the_level_that_owes_it(aw):
    # received by the county 2h20m ago: the 2-hour report to the city ran out 20 minutes ago
    report(aw, occurred_at=ago(hours=3), unit_learned_at=ago(hours=2, minutes=50),
           county_received_at=ago(hours=2, minutes=20))
    first = scan_accidents()
    assert first.stages["transmission_overdue"] == 1
    assert "accident.transmission_overdue" in kinds(aw.user["b1"])
    assert "accident.transmission_overdue" in kinds(aw.user["leader"])
    assert "accident.transmission_overdue" not in kinds(aw.user["city"])  # the county owes it, not the city
    assert "accident.transmission_overdue" not in kinds(aw.user["b2"])  # another county
    assert scan_accidents().reminders == 0


def test_a_report_still_within_its_two_hours_or_already_sent_is_not_reminded(aw):
    fresh = report(aw, occurred_at=ago(minutes=50), unit_learned_at=ago(minutes=45),
                   county_received_at=ago(minutes=30))
    late = report(aw, occurred_at=ago(hours=5), unit_learned_at=ago(hours=4, minutes=50),
                  county_received_at=ago(hours=4, minutes=30))
    reporting.transmit(actor=aw.user["b1"], accident=late, step="county_to_city", sent_at=ago(hours=4))
    assert scan_accidents().stages["transmission_overdue"] == 0
    assert not AccidentReminder.objects.filter(accident__in=[fresh, late]).exists()


def test_the_investigation_report_due_soon_then_overdue_once_each_and_again_after_an_extension(aw):
    a, inv = opened(aw)
    deadline = inv_services.investigation_clock(inv)["deadline"]
    early = scan_accidents(today=deadline - datetime.timedelta(days=DUE_SOON_DAYS + 1))
    assert early.stages["investigation_due"] == 0
    due = scan_accidents(today=deadline - datetime.timedelta(days=3))
    assert due.stages["investigation_due"] == 1 and "accident.investigation_due" in kinds(aw.user["b1"])
    assert scan_accidents(today=deadline - datetime.timedelta(days=2)).stages["investigation_due"] == 0
    late = scan_accidents(today=deadline + datetime.timedelta(days=1))
    assert late.stages["investigation_overdue"] == 1 and "accident.investigation_overdue" in kinds(aw.user["leader"])
    assert scan_accidents(today=deadline + datetime.timedelta(days=2)).reminders == 0
    inv_services.extend_investigation(actor=aw.user["b1"], accident=a, days=30, reason="需补充调查",
                                      approved_by="海宁市人民政府")
    assert scan_accidents(today=deadline + datetime.timedelta(days=25)).stages["investigation_due"] == 1


def test_no_investigation_reminder_while_a_technical_appraisal_is_open(aw):
    a, inv = opened(aw)
    deadline = inv_services.investigation_clock(inv)["deadline"]
    inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="设备失效分析", started_on=today())
    stages = scan_accidents(today=deadline + datetime.timedelta(days=5)).stages
    assert stages["investigation_due"] == stages["investigation_overdue"] == 0


def test_an_overdue_reply_is_reminded_once(aw):
    a, inv = submitted(aw)
    inv.refresh_from_db()
    result = scan_accidents(today=inv.reply_deadline + datetime.timedelta(days=1))
    assert result.stages["reply_overdue"] == 1 and "accident.reply_overdue" in kinds(aw.user["b1"])
    assert scan_accidents(today=inv.reply_deadline + datetime.timedelta(days=3)).reminders == 0
    assert scan_accidents(today=inv.reply_deadline).stages["reply_overdue"] == 0


def test_an_overdue_measure_goes_to_the_unit_and_the_county_once(aw):
    a, _inv = replied(aw)
    due = today() + datetime.timedelta(days=10)
    measure = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="加装联锁防护罩",
                                       responsible="设备科", deadline=due)
    assert scan_accidents(today=due).stages["measure_overdue"] == 0
    result = scan_accidents(today=due + datetime.timedelta(days=1))
    assert result.stages["measure_overdue"] == 1
    assert "accident.measure_overdue" in kinds(aw.user["e1"]) and "accident.measure_overdue" in kinds(aw.user["b1"])
    assert scan_accidents(today=due + datetime.timedelta(days=5)).reminders == 0
    inv_services.complete_measure(actor=aw.user["b1"], accident=a, measure=measure, done_on=today(), note="已加装")
    assert AccidentReminder.objects.filter(stage="measure_overdue", key__startswith=f"{measure.pk}:").count() == 1
    assert scan_accidents(today=due + datetime.timedelta(days=9)).stages["measure_overdue"] == 0  # carried out


def test_closed_cases_are_not_read(aw):
    a = accident(aw, days_ago=2)
    Accident.objects.filter(pk=a.pk).update(state="closed")
    assert scan_accidents().examined == 0


def test_a_graded_accident_needs_the_figures_in_its_basis(aw):
    a = report(aw)
    with pytest.raises(IntegrityError), transaction.atomic():
        Accident.objects.filter(pk=a.pk).update(grade_basis={"note": "no figures"})
    basis = dict(a.grade_basis)
    basis.pop("reasons")
    with pytest.raises(IntegrityError), transaction.atomic():
        Accident.objects.filter(pk=a.pk).update(grade_basis=basis)
    assert Accident.objects.get(pk=a.pk).grade_basis["reasons"]


def test_the_command_the_task_the_scheduler_and_the_beat_run_the_scan(aw):
    from io import StringIO

    from celery import Celery
    from django.core.management import CommandError, call_command

    from anjian.accidents import tasks
    from anjian.celery import _schedule

    report(aw, occurred_at=ago(hours=3), unit_learned_at=ago(hours=2, minutes=50),
           county_received_at=ago(hours=2, minutes=20))
    out = StringIO()
    call_command("accident_scan", stdout=out)
    assert "examined 1 open accidents; 1 reminders recorded (transmission_overdue 1)" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("accident_scan", "--today=1/12/2026")
    assert tasks.scan_accidents() == {"examined": 1, "reminders": 0, "notifications": 0}
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "accident scan: 0 reminders" in out.getvalue()
    app = Celery("beat-check")
    app.conf.beat_schedule = {}
    _schedule(app)
    assert "anjian.accidents.tasks.scan_accidents" in {e["task"] for e in app.conf.beat_schedule.values()}
