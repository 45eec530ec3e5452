"""Reads of employees, training and certificates, always starting from the user's visible set (the enterprise
scope of :func:`anjian.hazards.queries.hazard_scope_q`: own enterprise, grid, region subtree, or sectors)."""

import datetime

from django.db.models import Q, QuerySet

from anjian.hazards.queries import hazard_scope_q
from anjian.people.choices import CertificateState
from anjian.people.models import Certificate, Employee, TrainingRecord, TrainingSession


def employees_visible_to(user, *, for_list: bool = False) -> QuerySet[Employee]:
    q = hazard_scope_q(user, for_list=for_list)
    return Employee.objects.none() if q is None else Employee.objects.filter(q)


def sessions_visible_to(user, *, for_list: bool = False) -> QuerySet[TrainingSession]:
    q = hazard_scope_q(user, for_list=for_list)
    return TrainingSession.objects.none() if q is None else TrainingSession.objects.filter(q)


def records_visible_to(user) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(session__in=sessions_visible_to(user).values("pk"))


def certificates_visible_to(user, *, for_list: bool = False) -> QuerySet[Certificate]:
    q = hazard_scope_q(user, for_list=for_list)
    return Certificate.objects.none() if q is None else Certificate.objects.filter(q)


def employee_for_user(user, pk) -> Employee:
    """One employee with what the page shows; raises Employee.DoesNotExist outside the user's scope."""
    return employees_visible_to(user).select_related("enterprise", "enterprise__region").get(pk=pk)


def certificate_valid_q(on: datetime.date, prefix: str = "") -> Q:
    """Certificates (``prefix`` = the path to them, e.g. "certificates__") valid on ``on``: registered, within their
    validity and not past a review date. ``valid_until`` and ``review_due`` are kept by the certificate services."""
    return Q(**{f"{prefix}state": CertificateState.ACTIVE, f"{prefix}valid_until__gte": on}) & (
        Q(**{f"{prefix}review_due__isnull": True}) | Q(**{f"{prefix}review_due__gte": on})
    )
