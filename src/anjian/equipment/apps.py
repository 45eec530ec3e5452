from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EquipmentConfig(AppConfig):
    name = "anjian.equipment"
    verbose_name = _("特种设备")
    label = "equipment"
