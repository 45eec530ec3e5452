"""Background tasks of the core app."""

from celery import shared_task

from anjian.core import notify


@shared_task(name="anjian.core.tasks.deliver_notifications")
def deliver_notifications(ids: list[int]) -> None:
    notify.deliver(ids)
