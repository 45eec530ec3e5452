"""Planning around inspections, one module per aggregate; this one re-exports them, so callers import
``anjian.inspections.planning`` and need not know the cut:

* :mod:`anjian.inspections.planning_common` — the roles that organise draws and keep plans, and the helpers
  for permissions, scopes and errors the parts share;
* :mod:`anjian.inspections.planning_people` — 行政执法证 (credentials) and 回避 (recusals);
* :mod:`anjian.inspections.planning_plans` — 年度执法计划 (annual enforcement plans) and their progress;
* :mod:`anjian.inspections.planning_draws` — 双随机 (random draws): the draw, the "v1" algorithm (described in
  that module's docstring), replay, verification, publication and the public rows;
* :mod:`anjian.inspections.planning_patrols` — 网格巡查 (grid patrols): patrol facts, status (due and overdue)
  and coverage.

Every write is a service with keyword-only arguments that checks permission, runs in one transaction and
appends an audit event; every read starts from the user's visible set. Views and the API call these.
"""

from anjian.inspections.planning_common import DRAW_ROLES, PLAN_EDITORS
from anjian.inspections.planning_common import _leader_of as _leader_of  # used by planning_api
from anjian.inspections.planning_draws import (
    ALGORITHM,
    DRAW_KINDS,
    DRAW_STATUSES,
    MAX_DRAW_ENTERPRISES,
    MAX_INSPECTORS_PER_INSPECTION,
    NotEnoughInspectors,
    can_create_draw,
    can_publish_draw,
    draw_check,
    draw_create,
    draw_inspections,
    draw_pool,
    draw_publish,
    draw_replay,
    draw_templates_for,
    draw_v1,
    draw_verify,
    draws_visible_to,
    inspector_pool,
    pool_hash,
    public_draw_rows,
)
from anjian.inspections.planning_patrols import (
    INTERVAL_LABELS,
    PATROL_COLUMNS,
    PATROL_FLAGS,
    PATROL_STATUS,
    PatrolStatus,
    Periods,
    patrol_coverage,
    patrol_facts,
    patrol_status,
)
from anjian.inspections.planning_people import (
    CREDENTIAL_ROLES,
    can_manage_credentials,
    can_manage_recusal,
    credential_create,
    credential_holders_for,
    credential_revoke,
    credentials_visible_to,
    recusal_create,
    recusal_delete,
    recusal_subjects_for,
    recusals_visible_to,
)
from anjian.inspections.planning_plans import (
    NOT_PLAN_KINDS,
    can_approve_plan,
    can_edit_plan,
    plan_approve,
    plan_create,
    plan_progress,
    plan_set_targets,
    plans_visible_to,
)

__all__ = [
    # common
    "DRAW_ROLES",
    "PLAN_EDITORS",
    # people
    "CREDENTIAL_ROLES",
    "can_manage_credentials",
    "can_manage_recusal",
    "credential_create",
    "credential_holders_for",
    "credential_revoke",
    "credentials_visible_to",
    "recusal_create",
    "recusal_delete",
    "recusal_subjects_for",
    "recusals_visible_to",
    # plans
    "NOT_PLAN_KINDS",
    "can_approve_plan",
    "can_edit_plan",
    "plan_approve",
    "plan_create",
    "plan_progress",
    "plan_set_targets",
    "plans_visible_to",
    # draws
    "ALGORITHM",
    "DRAW_KINDS",
    "DRAW_STATUSES",
    "MAX_DRAW_ENTERPRISES",
    "MAX_INSPECTORS_PER_INSPECTION",
    "NotEnoughInspectors",
    "can_create_draw",
    "can_publish_draw",
    "draw_check",
    "draw_create",
    "draw_inspections",
    "draw_pool",
    "draw_publish",
    "draw_replay",
    "draw_templates_for",
    "draw_v1",
    "draw_verify",
    "draws_visible_to",
    "inspector_pool",
    "pool_hash",
    "public_draw_rows",
    # patrols
    "INTERVAL_LABELS",
    "PATROL_COLUMNS",
    "PATROL_FLAGS",
    "PATROL_STATUS",
    "PatrolStatus",
    "Periods",
    "patrol_coverage",
    "patrol_facts",
    "patrol_status",
]
