"""Run the periodic jobs in this process, for installations without a Celery broker (`make run`)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from anjian.accidents.scan import scan_accidents
from anjian.accidents.targets import scan_targets
from anjian.enforcement.scan import scan_reviews
from anjian.equipment.scan import scan_equipment
from anjian.hazards.scan import scan_deadlines
from anjian.people.scan import scan_people


class Command(BaseCommand):
    help = (
        "Run the hazard deadline scan, the enforcement review scan, the accident clock scan, the accident "
        "control-target scan, the certificate and may-work scan and the special-equipment scan every "
        "ANJIAN_SCAN_INTERVAL_SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, once=False, **options):
        while True:
            try:
                result = scan_deadlines()
                self.stdout.write(f"scan: {result.reminders} reminders, {result.newly_overdue} newly overdue")
            except Exception as exc:  # noqa: BLE001 — keep the scheduler alive; the next round retries
                self.stderr.write(f"scan failed: {exc}")
            try:
                reviews = scan_reviews()
                self.stdout.write(f"review scan: {reviews.reminders} reminders")
            except Exception as exc:  # noqa: BLE001 — as above
                self.stderr.write(f"review scan failed: {exc}")
            try:
                clocks = scan_accidents()
                self.stdout.write(f"accident scan: {clocks.reminders} reminders")
            except Exception as exc:  # noqa: BLE001 — as above
                self.stderr.write(f"accident scan failed: {exc}")
            try:
                warned = scan_targets()
                self.stdout.write(f"target scan: {warned.warnings} warnings")
            except Exception as exc:  # noqa: BLE001 — as above
                self.stderr.write(f"target scan failed: {exc}")
            try:
                people = scan_people()
                self.stdout.write(f"people scan: {people.reminders} certificate reminders, {people.verdicts} verdicts")
            except Exception as exc:  # noqa: BLE001 — as above
                self.stderr.write(f"people scan failed: {exc}")
            try:
                machines = scan_equipment()
                self.stdout.write(
                    f"equipment scan: {machines.reminders} reminders, {machines.hazards} hazards opened"
                )
            except Exception as exc:  # noqa: BLE001 — as above
                self.stderr.write(f"equipment scan failed: {exc}")
            if once:
                return
            time.sleep(settings.ANJIAN_SCAN_INTERVAL_SECONDS)
