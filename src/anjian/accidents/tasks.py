"""Periodic work of the accidents app (Celery when a broker is configured, else run_scheduler)."""

from celery import shared_task

from anjian.accidents.scan import scan_accidents as run_accident_scan
from anjian.accidents.targets import scan_targets as run_scan


@shared_task(name="anjian.accidents.tasks.scan_targets")
def scan_targets() -> dict:
    result = run_scan()
    return {"examined": result.examined, "warnings": result.warnings, "notifications": result.notifications}


@shared_task(name="anjian.accidents.tasks.scan_accidents")
def scan_accidents() -> dict:
    result = run_accident_scan()
    return {"examined": result.examined, "reminders": result.reminders, "notifications": result.notifications}
