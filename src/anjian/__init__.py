"""Anjian (安监): a work-safety supervision platform."""
# Load the Celery app with Django so that @shared_task binds to it.
from anjian.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
