"""Shared by the parts of planning (:mod:`anjian.inspections.planning`): the roles that organise draws and
keep plans, and the small helpers for permissions, scopes and errors that more than one part uses.

Every write is a service with keyword-only arguments that checks permission, runs in one transaction and
appends an audit event; every read starts from the user's visible set. Views and the API call these.
"""


from django.core.exceptions import ValidationError
from django.db.models import Q

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.models import subtree_q

# Who organises draws and keeps enforcement plans; also the officers a draw picks from (of the same authority).
DRAW_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER})
PLAN_EDITORS = DRAW_ROLES


def _is_system(actor) -> bool:
    return isinstance(actor, audit.SystemActor)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _region_of(authority) -> str:
    return authority.region.prefix if authority is not None else ""


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _authority_scope_q(user, field: str = "authority") -> Q | None:
    """Rows of an authority (plans, draws) a user may see: their own authority's; a bureau's leader and
    officers also those of every authority in their region subtree (a county bureau sees its departments',
    a city bureau its counties'). Everyone else: nothing."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "role", "") or not user.authority_id:
        return None
    if user.role in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER):
        return Q(**{field: user.authority_id}) | subtree_q(user.authority.region.prefix, f"{field}__region__code")
    if user.role == Role.DEPARTMENT_OFFICER:
        return Q(**{field: user.authority_id})
    return None


def _leader_of(actor, authority_id) -> bool:
    return actor.role == Role.BUREAU_LEADER and actor.authority_id is not None and actor.authority_id == authority_id


def _people_q(actor, field: str = "") -> Q:
    """The people a bureau leader looks after: officers of authorities in the bureau's region subtree (its own
    officers, the departments beside it and the townships below it)."""
    return subtree_q(actor.authority.region.prefix, field=f"{field}authority__region__code")


def _leads_region_of(actor, user) -> bool:
    if actor.role != Role.BUREAU_LEADER or not actor.authority_id or not user.authority_id:
        return False
    return user.authority.region.code.startswith(actor.authority.region.prefix)
