"""Run the daily people scan once (cron, or by hand); the same code the Celery beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from anjian.people.scan import scan_people


class Command(BaseCommand):
    help = (
        "Remind once each at 90, 60, 30 and 7 days before a certificate's review or expiry date, and once when it "
        "has expired or its review is overdue, to the safety managers of the holder's enterprises; then bring the "
        "may-work verdicts up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        result = scan_people(today=day)
        offsets = ", ".join(f"{days} days {n}" for days, n in sorted(result.offsets.items(), reverse=True)) or "none"
        self.stdout.write(
            f"examined {result.examined} certificates; {result.reminders} reminders recorded ({offsets}), "
            f"{result.skipped} passed offsets skipped, {result.expired} expired or overdue reminders, "
            f"{result.notifications} notifications; {result.verdicts} may-work verdicts refreshed"
        )
