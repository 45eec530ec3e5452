"""Run the hazard deadline scan once (cron, or by hand); the same code the Celery beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from anjian.hazards.scan import scan_deadlines


class Command(BaseCommand):
    help = "Send hazard deadline reminders and escalations that are due (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        result = scan_deadlines(today=day)
        self.stdout.write(
            f"examined {result.examined} hazards; {result.reminders} reminders recorded, "
            f"{result.notifications} notifications, {result.newly_overdue} newly overdue"
        )
