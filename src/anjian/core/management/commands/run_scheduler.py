"""Run the periodic jobs in this process, for installations without a Celery broker (`make run`)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from anjian.hazards.scan import scan_deadlines


class Command(BaseCommand):
    help = "Run the hazard deadline scan every ANJIAN_SCAN_INTERVAL_SECONDS (no broker needed)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, once=False, **options):
        while True:
            try:
                result = scan_deadlines()
                self.stdout.write(f"scan: {result.reminders} reminders, {result.newly_overdue} newly overdue")
            except Exception as exc:  # noqa: BLE001 — keep the scheduler alive; the next round retries
                self.stderr.write(f"scan failed: {exc}")
            if once:
                return
            time.sleep(settings.ANJIAN_SCAN_INTERVAL_SECONDS)
