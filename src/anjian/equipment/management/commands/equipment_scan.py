"""Run the special-equipment deadline scan once (cron, or by hand); the same code the Celery beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from anjian.equipment.scan import scan_equipment


class Command(BaseCommand):
    help = (
        "Remind once a month before each special-equipment inspection is due (特种设备安全法 第四十条); once overdue, "
        "mark the equipment not usable and open one hazard per due date."
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
        result = scan_equipment(today=day)
        stages = ", ".join(f"{stage} {n}" for stage, n in sorted(result.stages.items())) or "none"
        self.stdout.write(
            f"examined {result.examined} equipment due or overdue; {result.reminders} reminders recorded ({stages}), "
            f"{result.hazards} hazards opened, {result.marked_unusable} marked not usable, "
            f"{result.notifications} notifications"
        )
