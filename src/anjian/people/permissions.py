"""Who may keep the people and equipment ledgers.

The ledgers are the enterprise's own duty (安全生产法 第二十八条, 特种设备安全法 第三十三条 to 第四十条): its principal
and safety manager keep them. Bureau, department and township officers may also keep them for an enterprise in
their jurisdiction (registering on a small unit's behalf, correcting after an inspection). Everyone who can see
the enterprise can read them. Used by both the people and the equipment app.
"""

from django.utils.translation import gettext as _

from anjian.accounts.roles import ENTERPRISE_SELF_EDITORS, ENTERPRISE_WRITERS
from anjian.core.errors import PermissionDeniedError
from anjian.enterprises.queries import enterprises_visible_to


def is_system(actor) -> bool:
    return bool(getattr(actor, "is_system", False))


def can_keep(actor, enterprise) -> bool:
    """May ``actor`` write the people and equipment ledgers of ``enterprise``?"""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    role = getattr(actor, "role", "")
    if role in ENTERPRISE_SELF_EDITORS:
        return actor.enterprise_id == enterprise.pk
    if role in ENTERPRISE_WRITERS:
        return enterprises_visible_to(actor).filter(pk=enterprise.pk).exists()
    return False


def may_keep_any(actor) -> bool:
    """Does the role allow keeping these ledgers at all (to show the buttons)?"""
    role = getattr(actor, "role", "")
    if role in ENTERPRISE_SELF_EDITORS:
        return bool(actor.enterprise_id)
    return role in ENTERPRISE_WRITERS


def require_keeper(actor, enterprise) -> None:
    if not can_keep(actor, enterprise):
        raise PermissionDeniedError(_("您不能维护该单位的人员和设备台账。"))
