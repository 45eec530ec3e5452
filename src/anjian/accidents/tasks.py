"""Periodic work of the accidents app (Celery when a broker is configured, else run_scheduler)."""

from celery import shared_task

from anjian.accidents.targets import scan_targets as run_scan


@shared_task(name="anjian.accidents.tasks.scan_targets")
def scan_targets() -> dict:
    result = run_scan()
    return {"examined": result.examined, "warnings": result.warnings, "notifications": result.notifications}
