"""The review scan: a served order's review falls due on its deadline; three days before, on the day and once
overdue, each reminder goes out exactly once, to the drafter and the inspection team (and, overdue, to the
bureau leaders of the issuing authority); a drafted review stops them."""

import datetime

from django.core.management import call_command

from anjian.core.models import AuditEvent, Notification
from anjian.enforcement import services, tasks
from anjian.enforcement.models import ReviewReminder
from anjian.enforcement.scan import scan_reviews
from tests.enforcement.conftest import finished_inspection, issued, served_order, today


def _who(stage):
    return sorted(Notification.objects.filter(kind=f"enforcement.review.{stage}").values_list(
        "recipient__username", flat=True))


def test_each_stage_once_to_the_right_people(team):
    order = served_order(team, days=10)
    Notification.objects.all().delete()
    due = order.review_due
    assert due == order.deadline
    assert scan_reviews(today=due - datetime.timedelta(days=4)).reminders == 0  # not yet

    result = scan_reviews(today=due - datetime.timedelta(days=3))
    assert result.stages == {"before_3": 1}
    assert _who("before_3") == ["b1", "b3"]  # the drafter and the inspection team
    assert scan_reviews(today=due - datetime.timedelta(days=3)).reminders == 0  # once
    assert scan_reviews(today=due - datetime.timedelta(days=1)).reminders == 0  # still the same stage

    assert scan_reviews(today=due).stages == {"before_0": 1}
    assert _who("before_0") == ["b1", "b3"]

    late = due + datetime.timedelta(days=1)
    assert scan_reviews(today=late).stages == {"overdue": 1}
    assert _who("overdue") == ["b1", "b3", "leader"]  # and the bureau's leader
    assert scan_reviews(today=late + datetime.timedelta(days=5)).reminders == 0
    assert ReviewReminder.objects.filter(document=order).count() == 3
    event = AuditEvent.objects.filter(action="enforcement.review_scan").latest("seq")
    assert event.changes["reminders"] == [[order.pk, "overdue"]]
    message = Notification.objects.get(kind="enforcement.review.overdue", recipient=team.user["leader"])
    assert message.url == f"/enforcement/{order.pk}/" and order.number in message.title


def test_first_seen_late_gets_only_the_overdue_stage(team):
    order = served_order(team, days=5)
    result = scan_reviews(today=order.review_due + datetime.timedelta(days=2))
    assert result.stages == {"overdue": 1}
    assert list(ReviewReminder.objects.values_list("stage", flat=True)) == ["overdue"]


def test_a_drafted_review_stops_the_reminders_and_unserved_orders_have_none(team):
    order = served_order(team, days=5)
    unserved = services.document_approve(actor=team.user["leader"], document=services.rectification_order_draft(
        actor=team.user["b1"], inspection=finished_inspection(team), deadline=today() + datetime.timedelta(days=5)))
    services.review_opinion_draft(actor=team.user["b1"], order=order, review_date=today(),
                                  results=[{"no": 1, "rectified": True}, {"no": 2, "rectified": True}])
    assert scan_reviews(today=order.review_due + datetime.timedelta(days=1)).reminders == 0
    assert unserved.review_due and not ReviewReminder.objects.exists()


def test_department_orders_escalate_to_the_bureau_leaders_of_their_region(team):
    from anjian.accounts import services as account_services
    from anjian.accounts.roles import Role
    from tests.conftest import PASSWORD, SYSTEM

    team.user["d2"] = account_services.user_create(actor=SYSTEM, username="d2", password=PASSWORD, full_name="d2",
                                      role=Role.DEPARTMENT_OFFICER, authority=team.dept)
    inspection = finished_inspection(team, enterprise=team.e2, members=("d1", "b1"))
    order = services.rectification_order_draft(actor=team.user["d1"], inspection=inspection,
                                               deadline=today() + datetime.timedelta(days=5))
    order = issued(order, team, approver="d2", server="d1")
    scan_reviews(today=order.review_due + datetime.timedelta(days=1))
    assert _who("overdue") == ["b1", "d1", "leader"]


def test_command_and_task(team, capsys):
    order = served_order(team, days=3)
    call_command("enforcement_scan", today=order.review_due.isoformat())
    assert "1 reminders recorded" in capsys.readouterr().out
    assert tasks.scan_reviews()["examined"] == 1  # today: the review is not due yet, already scanned
