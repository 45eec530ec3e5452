"""Periodic work of the hazards app (Celery when a broker is configured, else run_scheduler)."""

from celery import shared_task

from anjian.hazards.scan import scan_deadlines as run_scan


@shared_task(name="anjian.hazards.tasks.scan_deadlines")
def scan_deadlines() -> dict:
    result = run_scan()
    return {"examined": result.examined, "reminders": result.reminders, "overdue": result.newly_overdue}
