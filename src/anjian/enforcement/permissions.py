"""Who may draft, approve, serve and read enforcement documents and cases. Services enforce these; pages
use them to show buttons.

Approval (签发): a document is approved inside the authority that issues it, never by its drafter. An
emergency bureau's documents are approved by a bureau leader (局领导) of that bureau. A department has no
leader role yet, so its documents are approved by a second department officer of the same department
(four eyes inside the issuing authority): the document stays the department's act, under its own seal,
and nobody approves their own draft. Replace this with the department leader's role once it exists.
"""

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.audit import SystemActor
from anjian.core.choices import AuthorityKind

# Officers who draft documents and run cases for the enterprises in their scope.
DRAFTERS = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER})


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def can_draft(actor) -> bool:
    """Documents have a human drafter: a system job cannot draft."""
    return getattr(actor, "role", "") in DRAFTERS and bool(getattr(actor, "authority_id", None))


def is_issuer(actor, obj) -> bool:
    """A drafter of the authority that issues the document (or runs the case)."""
    if is_system(actor):
        return True
    return getattr(actor, "role", "") in DRAFTERS and actor.authority_id == obj.authority_id


def approver_roles(authority) -> frozenset:
    if authority.kind == AuthorityKind.DEPARTMENT:
        return frozenset({Role.DEPARTMENT_OFFICER})
    return frozenset({Role.BUREAU_LEADER})


def can_approve(actor, document) -> bool:
    """A person signs (签发): never a system job, never the drafter."""
    if is_system(actor):
        return False
    return (
        actor.authority_id == document.authority_id
        and actor.role in approver_roles(document.authority)
        and actor.pk != document.drafted_by_id
    )


def approvers_of(document):
    """The users who may approve ``document`` (for the "awaiting approval" notice)."""
    return User.objects.filter(
        authority_id=document.authority_id, role__in=sorted(approver_roles(document.authority)), is_active=True
    ).exclude(pk=document.drafted_by_id)


def can_void(actor, document) -> bool:
    """Voiding a signed document is the approvers' act (the drafter too, when they are one)."""
    if is_system(actor):
        return False
    return actor.authority_id == document.authority_id and actor.role in approver_roles(document.authority)


def can_edit_draft(actor, document) -> bool:
    return is_system(actor) or actor.pk == document.drafted_by_id


def can_withdraw(actor, document) -> bool:
    return can_edit_draft(actor, document) or can_approve(actor, document)


def can_see_pdf(actor, document) -> bool:
    """An issued document's PDF for everyone who may see the document; a draft's PDF (marked 草稿) only for
    the drafter and those who may approve it."""
    if document.state not in ("draft", "withdrawn", "voided"):
        return True
    return can_edit_draft(actor, document) or can_approve(actor, document)
