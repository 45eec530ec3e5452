from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "anjian.inspections"
    verbose_name = _("检查")

    def ready(self) -> None:
        from anjian.inspections import signals  # noqa: F401 — loads the shipped checklists after migrate
