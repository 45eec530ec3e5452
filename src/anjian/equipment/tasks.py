"""Periodic work of the equipment app (Celery when a broker is configured, else run_scheduler)."""

from celery import shared_task

from anjian.equipment.scan import scan_equipment as run_scan


@shared_task(name="anjian.equipment.tasks.scan_equipment")
def scan_equipment() -> dict:
    result = run_scan()
    return {
        "examined": result.examined,
        "reminders": result.reminders,
        "hazards": result.hazards,
        "marked_unusable": result.marked_unusable,
        "notifications": result.notifications,
    }
