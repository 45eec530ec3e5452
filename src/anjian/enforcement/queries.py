"""Reads of enforcement documents and penalty cases, always starting from the user's visible set.

* A document the party has received (served, executed, closed) is visible to everyone whose scope holds
  the enterprise (``hazard_scope_q``), the enterprise's own users included — except a referral (移送书),
  which is served on the receiving organ and is never shown to the enterprise.
* Drafts, approved-but-unserved and withdrawn documents are internal to the issuing authority: only its
  drafters and approvers (bureau leaders and officers, department officers of that authority) see them,
  and only for enterprises in their scope. Enterprise users never see them.
* Cases are the issuing authority's files: only its drafters and approvers see them. Townships, grid
  officers, experts, other departments and the enterprise see the served documents, not the case file.

Anything outside the visible set answers 404.
"""

from django.db.models import Q, QuerySet

from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.enforcement.choices import SERVED_STATES, DocType
from anjian.enforcement.models import EnforcementDocument, PenaltyCase
from anjian.enforcement.permissions import DRAFTERS
from anjian.hazards.queries import hazard_scope_q

_SERVED = sorted(s.value for s in SERVED_STATES)


def document_scope_q(user, *, for_list: bool = False) -> Q | None:
    q = hazard_scope_q(user, for_list=for_list)
    if q is None:
        return None
    if user.role in ENTERPRISE_ROLES:
        # A referral goes to the public security organ, not to the party: the enterprise never sees it.
        return q & Q(state__in=_SERVED) & ~Q(doc_type=DocType.REFERRAL)
    if user.role not in DRAFTERS:
        return q & Q(state__in=_SERVED)
    return q & (Q(state__in=_SERVED) | Q(authority_id=user.authority_id))


def documents_visible_to(user, *, for_list: bool = False) -> QuerySet[EnforcementDocument]:
    q = document_scope_q(user, for_list=for_list)
    return EnforcementDocument.objects.none() if q is None else EnforcementDocument.objects.filter(q)


def document_for_user(user, pk) -> EnforcementDocument:
    """One document with what its page shows; raises EnforcementDocument.DoesNotExist outside the scope."""
    return (
        documents_visible_to(user)
        .select_related(
            "authority", "authority__region", "enterprise", "inspection", "case", "parent", "drafted_by",
            "approved_by", "served_by",
        )
        .get(pk=pk)
    )


def documents_for_inspection(user, inspection) -> QuerySet[EnforcementDocument]:
    """The documents drafted from one inspection that the user may see (for the inspection page)."""
    return documents_visible_to(user).filter(inspection=inspection).order_by("id")


def documents_for_enterprise(user, enterprise) -> QuerySet[EnforcementDocument]:
    """The enterprise's documents that the user may see, newest first (for the enterprise file)."""
    return documents_visible_to(user).filter(enterprise=enterprise).order_by("-id")


def case_scope_q(user, *, for_list: bool = False) -> Q | None:
    if getattr(user, "role", "") not in DRAFTERS or not user.authority_id:
        return None
    q = hazard_scope_q(user, for_list=for_list)
    return None if q is None else q & Q(authority_id=user.authority_id)


def cases_visible_to(user, *, for_list: bool = False) -> QuerySet[PenaltyCase]:
    q = case_scope_q(user, for_list=for_list)
    return PenaltyCase.objects.none() if q is None else PenaltyCase.objects.filter(q)


def case_for_user(user, pk) -> PenaltyCase:
    return (
        cases_visible_to(user)
        .select_related("authority", "enterprise", "source_inspection", "source_document", "opened_by")
        .prefetch_related("items")
        .get(pk=pk)
    )
