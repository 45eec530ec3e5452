"""Reads of regions, authorities, grids and audit events, always scoped to the user."""

from django.db.models import Q, QuerySet

from anjian.accounts.roles import ADMIN_ROLES, AUTHORITY_ROLES, ENTERPRISE_ROLES, Role
from anjian.core.models import AuditEvent, Authority, Grid, Region, subtree_q


def jurisdiction_prefix(user) -> str | None:
    """The region prefix an authority user (or administrator) answers for; None for others."""
    if user.is_authenticated and user.authority_id and (user.role in AUTHORITY_ROLES | ADMIN_ROLES):
        return user.authority.region.prefix
    return None


def _ancestor_codes(code: str) -> set[str]:
    return {code[:2] + "0000", code[:4] + "00", code[:6], code[:9], code}


def regions_visible_to(user) -> QuerySet[Region]:
    """Authority users: their region's subtree and the regions above it. Enterprise users: the
    regions their enterprise sits in."""
    qs = Region.objects.all()
    if not user.is_authenticated or not user.role:
        return qs.none()
    prefix = jurisdiction_prefix(user)
    if prefix is not None:
        own = user.authority.region
        return qs.filter(subtree_q(prefix, "code") | Q(code__in=_ancestor_codes(own.code)))
    if user.role in ENTERPRISE_ROLES and user.enterprise_id:
        return qs.filter(code__in=_ancestor_codes(user.enterprise.region_code))
    return qs.none()


def townships_visible_to(user) -> QuerySet[Region]:
    """Township- and village-level regions inside the user's jurisdiction: where enterprises sit."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or user.role not in AUTHORITY_ROLES:
        return Region.objects.none()
    return Region.objects.filter(subtree_q(prefix, "code"), level__in=["township", "village"])


def authorities_visible_to(user) -> QuerySet[Authority]:
    qs = Authority.objects.select_related("region")
    if not user.is_authenticated or not user.role:
        return qs.none()
    prefix = jurisdiction_prefix(user)
    if prefix is not None:
        own = user.authority.region
        return qs.filter(subtree_q(prefix, "region__code") | Q(region__code__in=_ancestor_codes(own.code)))
    if user.role in ENTERPRISE_ROLES and user.enterprise_id:
        return qs.filter(region__code__in=_ancestor_codes(user.enterprise.region_code))
    return qs.none()


def grids_visible_to(user) -> QuerySet[Grid]:
    qs = Grid.objects.select_related("region", "officer")
    if not user.is_authenticated or not user.role:
        return qs.none()
    if user.role == Role.GRID_OFFICER:
        return qs.filter(officer=user)
    if user.role in AUTHORITY_ROLES:
        return qs.filter(subtree_q(user.authority.region.prefix))
    if user.role in ENTERPRISE_ROLES and user.enterprise_id:
        return qs.filter(enterprises=user.enterprise_id)
    return qs.none()


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Only the audit administrator reads the log: events filed under their region subtree, and
    system-level events filed under no region."""
    qs = AuditEvent.objects.select_related("actor")
    if not user.is_authenticated or user.role != Role.AUDIT_ADMIN:
        return qs.none()
    return qs.filter(subtree_q(user.authority.region.prefix) | Q(region_code=""))
