"""Run the rectification-review scan once (cron, or by hand); the same code the Celery beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from anjian.enforcement.scan import scan_reviews


class Command(BaseCommand):
    help = "Send the reminders of rectification reviews that are due or overdue (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        result = scan_reviews(today=day)
        self.stdout.write(
            f"examined {result.examined} orders; {result.reminders} reminders recorded, "
            f"{result.notifications} notifications"
        )
