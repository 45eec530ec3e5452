from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anjian.core.audit import SystemActor
from anjian.core.services import regions_load

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "regions_demo.csv"


class Command(BaseCommand):
    help = "Load regions (GB/T 2260 + township/village codes) from a CSV file: code,name,level,parent."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        try:
            created, updated = regions_load(actor=SystemActor("load_regions"), path=Path(path))
        except (ValidationError, KeyError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"regions: {created} created, {updated} updated")
