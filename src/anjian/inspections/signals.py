"""After every migrate (and after a test flush, which emits post_migrate too), load the checklist
templates the platform ships, so a fresh database has them without a separate command."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def load_shipped_checklists(sender, app_config=None, using="default", **kwargs):
    if app_config is None or app_config.label != "inspections":
        return
    from anjian.inspections.checklists import sync_shipped

    sync_shipped(using=using)
