"""Who may take which step on a hazard. Services enforce these; pages use them to show buttons."""

from anjian.accounts.roles import ENTERPRISE_ROLES, ENTERPRISE_SELF_EDITORS, ENTERPRISE_WRITERS, Role
from anjian.core.audit import SystemActor
from anjian.core.choices import RegionLevel
from anjian.hazards.choices import HazardRoute

# The supervising authority of a major hazard: county-level and higher departments with safety
# supervision duties (安全生产法 第四十一条第三款) — not townships, grid officers or experts.
SUPERVISORS = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER})
LISTING_LEVELS = {RegionLevel.COUNTY: "county", RegionLevel.CITY: "city", RegionLevel.PROVINCE: "province"}

# Routes each role may record a hazard under; the first is the default.
ROUTES_BY_ROLE = {
    Role.ENTERPRISE_EMPLOYEE: (HazardRoute.EMPLOYEE_REPORT,),
    Role.ENTERPRISE_PRINCIPAL: (HazardRoute.SELF_INSPECTION, HazardRoute.EMPLOYEE_REPORT),
    Role.ENTERPRISE_SAFETY_MANAGER: (HazardRoute.SELF_INSPECTION, HazardRoute.EMPLOYEE_REPORT),
    Role.GRID_OFFICER: (HazardRoute.GRID_PATROL, HazardRoute.WHISTLEBLOWER),
    Role.TOWNSHIP_OFFICER: (HazardRoute.ENFORCEMENT_INSPECTION, HazardRoute.GRID_PATROL, HazardRoute.WHISTLEBLOWER),
    Role.BUREAU_OFFICER: (
        HazardRoute.ENFORCEMENT_INSPECTION,
        HazardRoute.WHISTLEBLOWER,
        HazardRoute.ACCIDENT_INVESTIGATION,
    ),
    Role.BUREAU_LEADER: (
        HazardRoute.ENFORCEMENT_INSPECTION,
        HazardRoute.WHISTLEBLOWER,
        HazardRoute.ACCIDENT_INVESTIGATION,
    ),
    Role.DEPARTMENT_OFFICER: (
        HazardRoute.DEPARTMENT_INSPECTION,
        HazardRoute.WHISTLEBLOWER,
        HazardRoute.ACCIDENT_INVESTIGATION,
    ),
    Role.EXPERT: (HazardRoute.EXPERT_CHECK,),
}


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def own_enterprise(actor, hazard) -> bool:
    return actor.role in ENTERPRISE_ROLES and actor.enterprise_id == hazard.enterprise_id


def can_manage(actor, hazard) -> bool:
    """Confirm, plan, start, control, submit: the enterprise's principal or safety manager, or an
    officer with write rights over enterprise files (for units with no account, e.g. illegal ones)."""
    if is_system(actor):
        return True
    if actor.role in ENTERPRISE_SELF_EDITORS:
        return actor.enterprise_id == hazard.enterprise_id
    return actor.role in ENTERPRISE_WRITERS


def can_submit(actor, hazard) -> bool:
    """Hand in the rectification: anyone who manages it, and the named responsible person."""
    return can_manage(actor, hazard) or (
        hazard.responsible_user_id is not None and actor.pk == hazard.responsible_user_id
    )


def can_checkin(actor, hazard) -> bool:
    """Record a temporary-control check-in: whoever hands in the work, and the officers who watch it."""
    if can_submit(actor, hazard):
        return True
    return actor.role in SUPERVISORS | {Role.TOWNSHIP_OFFICER, Role.GRID_OFFICER}


def can_verify(actor, hazard) -> bool:
    """General: the principal or safety manager (or an officer); major: only the supervising authority.
    Never the person who handed in the rectification."""
    if is_system(actor):
        return True
    if hazard.rectified_by_id and actor.pk == hazard.rectified_by_id:
        return False
    if hazard.is_major:
        return actor.role in SUPERVISORS
    return can_manage(actor, hazard)


def can_decide_extension(actor, hazard) -> bool:
    """Major: the supervising authority; general: the principal (or an officer)."""
    if is_system(actor):
        return True
    if hazard.is_major:
        return actor.role in SUPERVISORS
    if actor.role in ENTERPRISE_ROLES:
        return actor.role == Role.ENTERPRISE_PRINCIPAL and actor.enterprise_id == hazard.enterprise_id
    return actor.role in ENTERPRISE_WRITERS


def listing_level(actor) -> str | None:
    """The level at which ``actor`` may list for supervision, or None."""
    if is_system(actor) or actor.role not in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER):
        return None
    return LISTING_LEVELS.get(actor.authority.region.level)


def routes_for(actor) -> tuple:
    return ROUTES_BY_ROLE.get(getattr(actor, "role", ""), ())
