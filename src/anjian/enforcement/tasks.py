"""Periodic work of the enforcement app (Celery when a broker is configured, else run_scheduler)."""

from celery import shared_task

from anjian.enforcement.scan import scan_reviews as run_scan


@shared_task(name="anjian.enforcement.tasks.scan_reviews")
def scan_reviews() -> dict:
    result = run_scan()
    return {"examined": result.examined, "reminders": result.reminders, "notifications": result.notifications}
