"""Reads of enterprises, always starting from the user's visible set."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core.models import subtree_q
from anjian.enterprises.models import Enterprise, EnterpriseSector

# Roles that see every enterprise in their authority's region subtree.
_REGION_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.TOWNSHIP_OFFICER, Role.EXPERT})


def sector_q(sectors) -> Q:
    """Enterprises that sit in any of the given sectors (a semi-join, so rows never repeat)."""
    return Q(Exists(EnterpriseSector.objects.filter(enterprise=OuterRef("pk"), sector__in=list(sectors))))


def enterprise_scope_q(user) -> Q | None:
    """The filter that defines what ``user`` may see; None means nothing."""
    if not user.is_authenticated or not user.role:
        return None
    role = user.role
    if role in ENTERPRISE_ROLES:
        return Q(pk=user.enterprise_id) if user.enterprise_id else None
    if role == Role.GRID_OFFICER:
        return Q(grid__officer=user)
    if role in _REGION_ROLES:
        return subtree_q(user.authority.region.prefix, for_list=True)
    if role == Role.DEPARTMENT_OFFICER:
        sectors = user.authority.sectors or []
        if not sectors:
            return None
        return subtree_q(user.authority.region.prefix, for_list=True) & sector_q(sectors)
    return None  # the three administrators see no enterprise data


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    q = enterprise_scope_q(user)
    if q is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(q)


def enterprise_for_user(user, pk) -> Enterprise:
    """One enterprise the user may see, with what its page shows; raises Enterprise.DoesNotExist."""
    return (
        enterprises_visible_to(user)
        .select_related("region", "grid", "grid__officer", "created_by")
        .prefetch_related("sector_links")
        .get(pk=pk)
    )
