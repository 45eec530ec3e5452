"""Who may plan, walk and sign which inspection. Services enforce these; pages use them to show buttons."""

from anjian.accounts.roles import ENTERPRISE_SELF_EDITORS, Role
from anjian.core.audit import SystemActor
from anjian.hazards.choices import HazardRoute
from anjian.inspections.choices import InspectionKind as K

# The kinds each role may lead; the first is the default.
KINDS_BY_ROLE = {
    Role.BUREAU_LEADER: (K.ROUTINE, K.CAMPAIGN, K.UNANNOUNCED, K.COVERT, K.EXPERT, K.JOINT),
    Role.BUREAU_OFFICER: (K.ROUTINE, K.CAMPAIGN, K.UNANNOUNCED, K.COVERT, K.EXPERT, K.JOINT),
    Role.DEPARTMENT_OFFICER: (K.ROUTINE, K.CAMPAIGN, K.UNANNOUNCED, K.COVERT, K.EXPERT, K.JOINT),
    Role.TOWNSHIP_OFFICER: (K.ROUTINE, K.CAMPAIGN, K.UNANNOUNCED, K.COVERT, K.JOINT, K.GRID_PATROL),
    Role.GRID_OFFICER: (K.GRID_PATROL,),
    Role.EXPERT: (K.EXPERT,),
    Role.ENTERPRISE_PRINCIPAL: (K.SELF_INSPECTION,),
    Role.ENTERPRISE_SAFETY_MANAGER: (K.SELF_INSPECTION,),
}
# Officers who may be members of an authority's inspection team.
TEAM_ROLES = frozenset(
    {
        Role.BUREAU_LEADER,
        Role.BUREAU_OFFICER,
        Role.DEPARTMENT_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.GRID_OFFICER,
        Role.EXPERT,
    }
)
# The hazard route a finding of each kind is recorded under (when the finder's role may use it).
HAZARD_ROUTE = {
    K.ROUTINE: HazardRoute.ENFORCEMENT_INSPECTION,
    K.CAMPAIGN: HazardRoute.ENFORCEMENT_INSPECTION,
    K.UNANNOUNCED: HazardRoute.ENFORCEMENT_INSPECTION,
    K.COVERT: HazardRoute.ENFORCEMENT_INSPECTION,
    K.JOINT: HazardRoute.ENFORCEMENT_INSPECTION,
    K.EXPERT: HazardRoute.EXPERT_CHECK,
    K.GRID_PATROL: HazardRoute.GRID_PATROL,
    K.SELF_INSPECTION: HazardRoute.SELF_INSPECTION,
}
# Enterprise users who sign an inspection record for their unit (被检查单位的负责人).
ENTERPRISE_SIGNERS = frozenset({Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER})


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def kinds_for(actor) -> tuple:
    return KINDS_BY_ROLE.get(getattr(actor, "role", ""), ())


def is_member(actor, inspection, members=None) -> bool:
    if is_system(actor):
        return True
    ids = members if members is not None else {m.user_id for m in inspection.members.all()}
    return actor.pk in ids


def can_walk(actor, inspection, members=None) -> bool:
    """Answer items, add photos, end the walk: the team; for a self-inspection also the unit's managers."""
    if is_member(actor, inspection, members):
        return True
    if inspection.kind == K.SELF_INSPECTION:
        return actor.role in ENTERPRISE_SELF_EDITORS and actor.enterprise_id == inspection.enterprise_id
    return False


def can_cancel(actor, inspection) -> bool:
    if is_system(actor):
        return True
    return actor.pk == inspection.created_by_id or (
        actor.role == Role.BUREAU_LEADER and actor.authority_id == inspection.authority_id
    )


def hazard_route(actor, kind: str) -> str:
    from anjian.hazards.permissions import routes_for

    allowed = routes_for(actor) if not is_system(actor) else tuple(HazardRoute)
    wanted = HAZARD_ROUTE[kind]
    if wanted in allowed:
        return wanted
    return allowed[0] if allowed else wanted
