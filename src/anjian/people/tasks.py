"""Periodic work of the people app (Celery when a broker is configured, else run_scheduler)."""

from celery import shared_task

from anjian.people.scan import scan_people as run_scan


@shared_task(name="anjian.people.tasks.scan_people")
def scan_people() -> dict:
    result = run_scan()
    return {
        "examined": result.examined,
        "reminders": result.reminders,
        "skipped": result.skipped,
        "expired": result.expired,
        "notifications": result.notifications,
        "verdicts": result.verdicts,
    }
