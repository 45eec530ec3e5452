from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "anjian.accidents"
    verbose_name = _("生产安全事故")
    label = "accidents"
