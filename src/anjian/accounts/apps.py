from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("用户")

    def ready(self) -> None:
        from anjian.accounts import signals  # noqa: F401
