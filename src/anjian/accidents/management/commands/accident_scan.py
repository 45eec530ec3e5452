"""Run the accident clock scan once (cron, or by hand); the same code the Celery beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from anjian.accidents.scan import scan_accidents


class Command(BaseCommand):
    help = (
        "Remind once when an accident's upward report is overdue, its investigation report is due or overdue, its "
        "reply is overdue or a corrective measure is overdue."
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
        result = scan_accidents(today=day)
        stages = ", ".join(f"{stage} {n}" for stage, n in sorted(result.stages.items())) or "none"
        self.stdout.write(
            f"examined {result.examined} open accidents; {result.reminders} reminders recorded ({stages}), "
            f"{result.notifications} notifications"
        )
