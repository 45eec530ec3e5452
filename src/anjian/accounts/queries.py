"""Reads of users, scoped: administrators see the users of their region subtree."""

from django.db.models import QuerySet

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.models import subtree_q

USER_MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def users_visible_to(user) -> QuerySet[User]:
    qs = User.objects.select_related("authority__region", "enterprise")
    if not user.is_authenticated or user.role not in USER_MANAGERS or not user.authority_id:
        return qs.none()
    prefix = user.authority.region.prefix
    return qs.filter(subtree_q(prefix, "authority__region__code") | subtree_q(prefix, "enterprise__region_code"))


def user_for(user, pk) -> User:
    return users_visible_to(user).get(pk=pk)
