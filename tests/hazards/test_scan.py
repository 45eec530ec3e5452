"""The deadline scan: reminders before and on the deadline, escalation when overdue and later to the
bureau leader, check-in reminders — each sent exactly once, however often and however many run it."""

import datetime
import threading

import pytest
from django.db import connection

from anjian.core.models import Notification
from anjian.hazards import services
from anjian.hazards.models import Hazard, HazardReminder
from anjian.hazards.queries import counters_for
from anjian.hazards.scan import scan_deadlines
from tests.hazards.conftest import rectifying_general, today


def _set_deadline(hazard, days):
    Hazard.objects.filter(pk=hazard.pk).update(deadline=today() + datetime.timedelta(days=days))


def _who(kind_prefix):
    return sorted(
        Notification.objects.filter(kind__startswith=kind_prefix).values_list("recipient__username", flat=True)
    )


def test_reminders_escalate_stage_by_stage_once_each(world, django_capture_on_commit_callbacks):
    hazard = rectifying_general(world, days=10)
    Notification.objects.all().delete()
    start = today()
    assert scan_deadlines(today=start).reminders == 0  # ten days out: nothing yet

    day = hazard.deadline - datetime.timedelta(days=3)
    result = scan_deadlines(today=day)
    assert result.stages == {"before_3": 1}
    assert _who("hazard.reminder.before_3") == ["e1m", "e1w"]  # safety manager + responsible person
    assert scan_deadlines(today=day).reminders == 0  # a second run sends nothing

    scan_deadlines(today=hazard.deadline)
    assert _who("hazard.reminder.before_0") == ["e1m", "e1w"]

    late = hazard.deadline + datetime.timedelta(days=1)
    result = scan_deadlines(today=late)
    assert result.stages == {"overdue": 1} and result.newly_overdue == 1
    assert _who("hazard.reminder.overdue") == ["e1", "g1"]  # principal + supervising grid officer
    hazard.refresh_from_db()
    assert hazard.is_overdue and counters_for(world.user["b1"])["overdue"] == 1
    from anjian.core.models import AuditEvent

    scan_event = AuditEvent.objects.filter(action="hazard.scan").latest("seq")
    assert scan_event.changes["overdue"] == [hazard.pk]

    scan_deadlines(today=hazard.deadline + datetime.timedelta(days=7))
    assert not Notification.objects.filter(kind="hazard.reminder.overdue_7").exists()  # not beyond 7 yet
    scan_deadlines(today=hazard.deadline + datetime.timedelta(days=8))
    assert _who("hazard.reminder.overdue_7") == ["leader"]  # leader of this county only, not b2's
    digest = Notification.objects.get(kind="hazard.reminder.overdue_7")
    assert digest.title == "1项隐患逾期超过7天未整改" and hazard.number in digest.body
    assert digest.url == "/hazards/?state=open&overdue=true"
    assert Notification.objects.get(kind="hazard.reminder.overdue", recipient=world.user["e1"]).url == (
        f"/hazards/{hazard.pk}/"
    )
    assert scan_deadlines(today=hazard.deadline + datetime.timedelta(days=30)).reminders == 0
    assert HazardReminder.objects.filter(hazard=hazard).count() == 4


def test_first_seen_late_sends_only_the_latest_stage_per_audience(world):
    hazard = rectifying_general(world)
    _set_deadline(hazard, -2)
    Notification.objects.all().delete()
    result = scan_deadlines(today=today())
    assert result.stages == {"overdue": 1}
    # Stale "before" reminders are neither sent nor recorded once the deadline has passed.
    assert set(HazardReminder.objects.values_list("stage", "recipients")) == {("overdue", 2)}
    assert scan_deadlines(today=today()).reminders == 0
    assert not Notification.objects.filter(kind__startswith="hazard.reminder.before").exists()


def test_extension_resets_overdue_and_reminders_follow_the_new_deadline(world):
    hazard = rectifying_general(world)
    _set_deadline(hazard, -1)
    scan_deadlines(today=today())
    hazard.refresh_from_db()
    assert hazard.is_overdue
    ext = services.extension_request(
        actor=world.user["e1w"], hazard=hazard, new_deadline=today() + datetime.timedelta(days=3), reason="等待配件"
    )
    services.extension_decide(actor=world.user["e1"], extension=ext, grant=True)
    hazard.refresh_from_db()
    assert not hazard.is_overdue and counters_for(world.user["b1"])["overdue"] == 0
    result = scan_deadlines(today=today())
    assert result.stages == {"before_3": 1}  # the new deadline gets its own reminders


def test_closed_and_far_hazards_are_not_read(world):
    hazard = rectifying_general(world)
    _set_deadline(hazard, -5)
    Hazard.objects.filter(pk=hazard.pk).update(state="closed")
    assert scan_deadlines(today=today()).examined == 0


def test_checkin_reminder_for_temporary_control(world):
    hazard = rectifying_general(world, days=40)
    services.hazard_temporary_control(
        actor=world.user["e1m"],
        hazard=hazard,
        contingency_plan="预案",
        monitoring_measures="巡检",
        checkin_interval_days=7,
        reason="等待停产检修",
    )
    due = today() + datetime.timedelta(days=7)
    assert scan_deadlines(today=due).stages == {"checkin": 1}
    assert scan_deadlines(today=due).reminders == 0
    services.hazard_checkin(actor=world.user["e1w"], hazard=hazard, note="正常")  # next check-in moves on
    hazard.refresh_from_db()
    assert hazard.next_checkin_due == today() + datetime.timedelta(days=7)


def test_scan_command_runs_and_rejects_bad_dates(world):
    from django.core.management import CommandError, call_command

    hazard = rectifying_general(world)
    _set_deadline(hazard, -1)
    call_command("hazard_scan", today=today().isoformat())
    assert HazardReminder.objects.filter(stage="overdue").count() == 1
    with pytest.raises(CommandError):
        call_command("hazard_scan", today="yesterday")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_scans_at_once_send_each_reminder_once(world):
    hazards = [rectifying_general(world) for _ in range(30)]
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(deadline=today() - datetime.timedelta(days=1))
    Notification.objects.all().delete()
    barrier, errors = threading.Barrier(2), []

    def run():
        from django.db import connection as conn

        try:
            barrier.wait()
            scan_deadlines(today=today(), chunk=7)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert HazardReminder.objects.filter(stage="overdue").count() == 30
    assert Notification.objects.filter(kind="hazard.reminder.overdue").count() == 60  # principal + grid officer each
    assert counters_for(world.user["b1"])["overdue"] == 30


def test_leaders_get_one_digest_per_round(world):
    hazards = [rectifying_general(world) for _ in range(3)]
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(deadline=today() - datetime.timedelta(days=10))
    Notification.objects.all().delete()
    result = scan_deadlines(today=today())
    assert result.stages["overdue_7"] == 3
    digests = Notification.objects.filter(kind="hazard.reminder.overdue_7")
    assert [(d.recipient.username, d.title) for d in digests] == [("leader", "3项隐患逾期超过7天未整改")]
    assert HazardReminder.objects.filter(stage="overdue_7", recipients=1).count() == 3
