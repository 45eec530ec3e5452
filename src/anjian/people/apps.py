from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "anjian.people"
    verbose_name = _("人员、培训与证书")
    label = "people"
