from django.core.management.base import BaseCommand, CommandError

from anjian.core.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the audit chain and name the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.broken_seq is not None:
            raise CommandError(
                f"audit chain broken at event #{report.broken_seq}: {report.reason} "
                f"({report.checked} events checked before it)"
            )
        self.stdout.write(f"audit chain ok: {report.checked} events")
