"""Reads of accidents, always starting from the user's visible set.

The scope is the hazard scope (``hazard_scope_q``) except for departments: a department sees the accidents of
its sectors by the accident's own sector (an accident in construction at a factory is the construction
department's, whatever sectors the factory is filed under).
"""

from django.db.models import Q, QuerySet

from anjian.accidents.models import Accident, ControlTarget, InvestigationListing
from anjian.accounts.roles import Role
from anjian.core.models import subtree_q
from anjian.hazards.queries import hazard_scope_q


def accident_scope_q(user, *, for_list: bool = False) -> Q | None:
    if not getattr(user, "is_authenticated", False) or not user.role:
        return None
    if user.role == Role.DEPARTMENT_OFFICER:
        sectors = list(user.authority.sectors or [])
        if not sectors:
            return None
        return subtree_q(user.authority.region.prefix, for_list=for_list) & Q(sector__in=sectors)
    return hazard_scope_q(user, for_list=for_list)


def accidents_visible_to(user, *, for_list: bool = False) -> QuerySet[Accident]:
    q = accident_scope_q(user, for_list=for_list)
    return Accident.objects.none() if q is None else Accident.objects.filter(q)


def accident_for_user(user, pk) -> Accident:
    """One accident with what its page shows; raises Accident.DoesNotExist outside the user's scope."""
    return (
        accidents_visible_to(user)
        .select_related("enterprise", "enterprise__region", "reported_by", "county_received_by", "closed_by")
        .get(pk=pk)
    )


def listings_visible_to(user) -> QuerySet[InvestigationListing]:
    q = accident_scope_q(user)
    if q is None:
        return InvestigationListing.objects.none()
    return InvestigationListing.objects.filter(accident__in=Accident.objects.filter(q))


def targets_visible_to(user) -> QuerySet[ControlTarget]:
    """Targets of regions inside the user's authority region (officers only; enterprises see none).

    A department sees only the targets set for its own sectors: a target's progress counts every accident of its
    region (and sector), so a region-wide target would show a department the accidents of other sectors."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "authority_id", None):
        return ControlTarget.objects.none()
    if user.role not in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER):
        return ControlTarget.objects.none()
    prefix = user.authority.region.prefix
    qs = ControlTarget.objects.filter(region__code__startswith=prefix).select_related("region")
    if user.role == Role.DEPARTMENT_OFFICER:
        sectors = [s for s in (user.authority.sectors or []) if s]
        return qs.filter(sector__in=sectors) if sectors else ControlTarget.objects.none()
    return qs
