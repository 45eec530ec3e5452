"""Reads of inspections, always starting from the user's visible set.

Officers see the inspections of the enterprises in their jurisdiction (the same scope as hazards). An
enterprise's users see its inspections, except an unannounced one (四不两直) before it starts and a covert
visit (暗访) before it ends: the system must not tell the enterprise beforehand.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.hazards.queries import hazard_scope_q
from anjian.inspections.choices import DONE_STATES, InspectionKind, InspectionState
from anjian.inspections.models import Inspection, RandomDraw

_HIDDEN = (
    Q(kind=InspectionKind.UNANNOUNCED, state=InspectionState.PLANNED)
    | Q(kind=InspectionKind.COVERT, state__in=[InspectionState.PLANNED, InspectionState.IN_PROGRESS])
    | Q(state=InspectionState.CANCELLED, kind__in=[InspectionKind.UNANNOUNCED, InspectionKind.COVERT])
)


def inspection_scope_q(user, *, for_list: bool = False) -> Q | None:
    q = hazard_scope_q(user, for_list=for_list)
    if q is None:
        return None
    if user.role in ENTERPRISE_ROLES:
        q &= ~_HIDDEN
    return q


def inspections_visible_to(user, *, for_list: bool = False) -> QuerySet[Inspection]:
    q = inspection_scope_q(user, for_list=for_list)
    return Inspection.objects.none() if q is None else Inspection.objects.filter(q)


def inspection_for_user(user, pk) -> Inspection:
    """One inspection with what its page shows; raises Inspection.DoesNotExist outside the user's scope."""
    return (
        inspections_visible_to(user)
        .select_related("enterprise", "enterprise__region", "authority", "template", "created_by", "draw")
        .prefetch_related("members__user", "signatures", "addenda", "partners")
        .get(pk=pk)
    )


def earlier_inspections(enterprise_id: int, before: datetime.datetime, days: int) -> QuerySet[Inspection]:
    """谁遗漏谁负责: inspections of the enterprise that ended within ``days`` before ``before``, with their
    signatures, newest first. Self-inspections count too: the enterprise signed them."""
    since = before - datetime.timedelta(days=days)
    return (
        Inspection.objects.filter(
            enterprise_id=enterprise_id, state__in=sorted(DONE_STATES), ended_at__gte=since, ended_at__lte=before
        )
        .select_related("authority", "template")
        .prefetch_related("signatures", "members__user")
        .order_by("-ended_at")
    )


def public_draws() -> QuerySet[RandomDraw]:
    """What the public page shows: published draws, newest first (no login)."""
    return RandomDraw.objects.filter(published_at__isnull=False).select_related("authority")


def today() -> datetime.date:
    return timezone.localdate()
