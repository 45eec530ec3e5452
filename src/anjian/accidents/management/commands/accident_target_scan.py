"""Run the control-target scan once (cron, or by hand); the same code the Celery beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from anjian.accidents.targets import scan_targets


class Command(BaseCommand):
    help = "Send the 80% and 100% warnings of this year's accident control targets (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        result = scan_targets(today=day)
        self.stdout.write(
            f"examined {result.examined} targets; {result.warnings} warnings recorded, "
            f"{result.notifications} notifications"
        )
