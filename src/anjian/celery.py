"""The Celery app. Workers and the beat run only when CELERY_BROKER_URL is set (the local Redis in
production); without it tasks run inline and `manage.py run_scheduler` runs the periodic scan."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")

app = Celery("anjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _schedule(sender, **kwargs):
    from django.conf import settings

    sender.add_periodic_task(
        settings.ANJIAN_SCAN_INTERVAL_SECONDS,
        sender.signature("anjian.hazards.tasks.scan_deadlines"),
        name="hazard deadline scan",
    )
    sender.add_periodic_task(
        settings.ANJIAN_SCAN_INTERVAL_SECONDS,
        sender.signature("anjian.enforcement.tasks.scan_reviews"),
        name="rectification order review scan",
    )
    sender.add_periodic_task(
        settings.ANJIAN_SCAN_INTERVAL_SECONDS,
        sender.signature("anjian.accidents.tasks.scan_targets"),
        name="accident control target scan",
    )
    sender.add_periodic_task(
        settings.ANJIAN_SCAN_INTERVAL_SECONDS,
        sender.signature("anjian.accidents.tasks.scan_accidents"),
        name="accident clock scan",
    )
    sender.add_periodic_task(
        settings.ANJIAN_SCAN_INTERVAL_SECONDS,
        sender.signature("anjian.people.tasks.scan_people"),
        name="certificate reminder and may-work scan",
    )
    sender.add_periodic_task(
        settings.ANJIAN_SCAN_INTERVAL_SECONDS,
        sender.signature("anjian.equipment.tasks.scan_equipment"),
        name="special-equipment inspection scan",
    )
