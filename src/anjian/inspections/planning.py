"""Planning around inspections: 行政执法证 (credentials), 回避 (recusals), 年度执法计划 (annual plans and their
progress), 双随机 (random draws) and 网格巡查 (grid-patrol status and coverage).

Every write is a service with keyword-only arguments that checks permission, runs in one transaction and
appends an audit event; every read starts from the user's visible set. Views and the API call these.

双随机 — algorithm "v1"
-----------------------
What is recorded on the ``RandomDraw`` row is all a verifier needs:

* ``seed`` — a string (``secrets.token_hex(16)``, 32 hex digits, unless the organiser gave one);
* ``pool`` — the ids of the enterprises that could be drawn, ascending;
* ``inspector_pool`` — the ids of the officers who could be drawn, ascending;
* ``enterprise_count`` (k) and ``inspectors_per_inspection`` (n);
* ``filters["recused"]`` — for each drawn enterprise, the pool officers recused from it at the time of the draw
  (``{"<enterprise id>": [user ids]}``; absent = nobody), so a recusal added or removed later does not change
  the replay.

The draw:

1. ``pool_hash`` = SHA-256 (hex) of the pool ids in decimal joined by ``","`` (``"3,8,15"``).
2. ``rng = random.Random(seed + ":" + pool_hash)`` — CPython seeds a ``str`` through SHA-512 (version 2).
3. ``chosen = rng.sample(pool, k)`` — the drawn enterprises, in the order drawn.
4. For each chosen enterprise ``e``, in that order: ``eligible`` = the inspector pool without those recused for
   ``e``, ascending; fewer than n eligible fails the whole draw; otherwise ``team(e) = rng.sample(eligible, n)``,
   whose first member leads.

:func:`draw_v1` is that function, pure; :func:`draw_replay` runs it again on the recorded values and
:func:`draw_verify` compares the result with the inspections the draw created. Python promises the stream of
``random()`` for a seed, not the way ``sample`` consumes it: "v1" is pinned to ``random.sample`` of CPython
3.11; should a later Python change it, a "v2" that samples from ``random()`` alone must be introduced.

Who is in the pools: the enterprises visible to the organiser that match the filters (sectors, supervision
classes, a region code prefix), whose status is operating or suspended (closed units are not inspected and
illegal ones are 打非治违, not random), and that some usable checklist fits (so a drawn enterprise always has
one); the officers of the organiser's own authority (bureau leader, bureau officer, department officer),
active, holding a valid 行政执法证 on the planned date (or today).

网格巡查 — due and overdue
--------------------------
The interval comes from :func:`anjian.rules.patrol.interval_for` over :func:`patrol_facts`; periods are calendar
periods (:func:`anjian.rules.patrol.period_of`). A patrol is an Inspection of kind ``grid_patrol`` in a done
state (completed or signed); its date is the local date of ``ended_at``.

* **due** — the enterprise is under a rule and has no patrol in the current period (= ``rules.patrol.is_due``).
* **overdue** — due, *and* no patrol in the previous period either (the whole previous period passed without
  one), *and* the enterprise was on file before the current period began (a unit registered this period is
  not blamed for the last one).
"""

import bisect
import datetime
import hashlib
import operator
import random
import secrets
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.models import User
from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core import audit
from anjian.core.choices import AuthorityKind, Sector
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import Grid, Region, subtree_q
from anjian.enterprises.choices import EnterpriseStatus, SupervisionClass
from anjian.enterprises.models import Enterprise, EnterpriseSector
from anjian.enterprises.queries import enterprise_scope_q, enterprises_visible_to, sector_q
from anjian.inspections import checklists
from anjian.inspections import permissions as perms
from anjian.inspections import services as inspection_services
from anjian.inspections.choices import (
    DONE_STATES,
    Audience,
    InspectionKind,
    InspectionState,
    PlanState,
    TemplateState,
)
from anjian.inspections.models import (
    ChecklistTemplate,
    EnforcementPlan,
    Inspection,
    InspectorCredential,
    PlanTarget,
    RandomDraw,
    Recusal,
)
from anjian.rules import checklists as shipped_checklists
from anjian.rules import patrol as patrol_rules
from anjian.rules.inspection_policy import MAX_DRAW_POOL, MIN_ENFORCEMENT_INSPECTORS

# Officers who may hold a 行政执法证.
CREDENTIAL_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER})
# Who organises draws and keeps enforcement plans; also the officers a draw picks from (of the same authority).
DRAW_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER})
PLAN_EDITORS = DRAW_ROLES
# Kinds a draw may plan: enforcement inspections announced as usual (四不两直 and 暗访 are not drawn publicly).
DRAW_KINDS = (InspectionKind.ROUTINE, InspectionKind.CAMPAIGN)
DRAW_STATUSES = (EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED)
# Our limit (not law): every drawn enterprise gets its inspection in the same request and transaction (about
# 22 queries each: 100 take 1.3 s on SQLite), so a draw stays a few seconds long.
MAX_DRAW_ENTERPRISES = 200
MAX_INSPECTORS_PER_INSPECTION = 10
ALGORITHM = "v1"
# Kinds that do not count towards an enforcement plan.
NOT_PLAN_KINDS = (InspectionKind.SELF_INSPECTION, InspectionKind.GRID_PATROL)
_DRAW_SYSTEM = audit.SystemActor("random_draw")


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


# --- 行政执法证 --------------------------------------------------------------------------------------------------


def can_manage_credentials(actor, holder=None) -> bool:
    """A bureau leader whose region holds the holder's authority (or a system job): departments and townships
    have no leader role, so the county bureau's leader keeps their officers' credentials."""
    if _is_system(actor):
        return True
    if actor.role != Role.BUREAU_LEADER:
        return False
    return holder is None or _leads_region_of(actor, holder)


def credentials_visible_to(user) -> QuerySet[InspectorCredential]:
    """A bureau leader: the credentials of the people of their region's authorities; any other officer: their own."""
    qs = InspectorCredential.objects.select_related("user", "user__authority")
    if not getattr(user, "is_authenticated", False) or not user.role:
        return qs.none()
    if user.role == Role.BUREAU_LEADER and user.authority_id:
        return qs.filter(_people_q(user, "user__"))
    if user.role in perms.TEAM_ROLES:
        return qs.filter(user=user)
    return qs.none()


def credential_holders_for(actor) -> QuerySet[User]:
    """The people a bureau leader may give a credential to: active officers of their authority."""
    if _is_system(actor) or actor.role != Role.BUREAU_LEADER or not actor.authority_id:
        return User.objects.none()
    return User.objects.filter(_people_q(actor), role__in=sorted(CREDENTIAL_ROLES), is_active=True)


def credential_create(
    *, actor, user: User, number: str, issuer: str, valid_from: datetime.date, valid_until: datetime.date
) -> InspectorCredential:
    """Record a 行政执法证 for an officer. Numbers are unique across the platform."""
    if user is None:
        raise _field_error("user", _("请选择执法人员。"), "required")
    if not can_manage_credentials(actor, user):
        raise PermissionDeniedError(_("只有本机构的局领导可以登记行政执法证。"))
    errors: dict[str, list] = {}
    number = (number or "").strip()
    issuer = (issuer or "").strip()[:100]
    if user.role not in CREDENTIAL_ROLES:
        errors["user"] = [
            ValidationError(
                _("只有局领导、执法人员、行业部门人员和乡镇（街道）人员可以持有行政执法证。"), code="role_not_eligible"
            )
        ]
    if not number:
        errors["number"] = [ValidationError(_("请填写执法证号。"), code="required")]
    elif len(number) > 40:
        errors["number"] = [ValidationError(_("执法证号不超过40个字符。"), code="max_length")]
    if valid_from is None:
        errors["valid_from"] = [ValidationError(_("请填写有效期起始日期。"), code="required")]
    if valid_until is None:
        errors["valid_until"] = [ValidationError(_("请填写有效期截止日期。"), code="required")]
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [ValidationError(_("有效期截止日期不能早于起始日期。"), code="invalid_range")]
    duplicate = _field_error("number", _("执法证号 {} 已登记。").format(number), "credential_duplicate")
    if "number" not in errors and InspectorCredential.objects.filter(number=number).exists():
        errors["number"] = duplicate.error_dict["number"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                credential = InspectorCredential.objects.create(
                    user=user,
                    number=number,
                    issuer=issuer,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    created_by=None if _is_system(actor) else actor,
                )
        except IntegrityError:  # the same number saved by someone else a moment ago
            raise duplicate from None
        audit.record(
            actor=actor,
            action="credential.create",
            obj=credential,
            region_code=_region_of(user.authority),
            changes={
                "user": user.get_username(),
                "number": number,
                "issuer": issuer,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return credential


def credential_revoke(*, actor, credential: InspectorCredential) -> InspectorCredential:
    """注销: the credential stops counting from now; the row stays (inspections copied its number)."""
    with transaction.atomic():
        credential = (
            InspectorCredential.objects.select_for_update(of=("self",))
            .select_related("user__authority")
            .get(pk=credential.pk)
        )
        if not can_manage_credentials(actor, credential.user):
            raise PermissionDeniedError(_("只有本机构的局领导可以注销行政执法证。"))
        if credential.revoked_at is not None:
            raise ConflictError(_("该执法证已注销。"), code="credential_revoked")
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="credential.revoke",
            obj=credential,
            region_code=_region_of(credential.user.authority),
            changes={"user": credential.user.get_username(), "number": credential.number},
        )
    return credential


# --- 回避 -------------------------------------------------------------------------------------------------------


def can_manage_recusal(actor, user) -> bool:
    """The bureau leader of the officer's authority; the officer for their own conflict (declare only)."""
    if _is_system(actor):
        return True
    return _leads_region_of(actor, user) or actor.pk == user.pk


def recusals_visible_to(user) -> QuerySet[Recusal]:
    """A bureau leader: the recusals of the people of their region's authorities; any other officer: their own."""
    qs = Recusal.objects.select_related("user", "enterprise")
    if not getattr(user, "is_authenticated", False) or not user.role:
        return qs.none()
    if user.role == Role.BUREAU_LEADER and user.authority_id:
        return qs.filter(_people_q(user, "user__"))
    if user.role in perms.TEAM_ROLES:
        return qs.filter(user=user)
    return qs.none()


def recusal_subjects_for(actor) -> QuerySet[User]:
    """Whom the actor may record a recusal for: a leader, their authority's officers; an officer, themself."""
    if _is_system(actor) or actor.role not in perms.TEAM_ROLES:
        return User.objects.none()
    if actor.role == Role.BUREAU_LEADER:
        return User.objects.filter(_people_q(actor), role__in=sorted(perms.TEAM_ROLES), is_active=True)
    return User.objects.filter(pk=actor.pk)


def recusal_create(*, actor, user: User, enterprise: Enterprise, reason: str) -> Recusal:
    """回避: ``user`` must not inspect ``enterprise`` (kin, a former employer, a stake in it)."""
    errors: dict[str, list] = {}
    reason = (reason or "").strip()
    if user is None:
        errors["user"] = [ValidationError(_("请选择执法人员。"), code="required")]
    if enterprise is None:
        errors["enterprise"] = [ValidationError(_("请选择企业。"), code="required")]
    if not reason:
        errors["reason"] = [ValidationError(_("请填写回避理由。"), code="required")]
    elif len(reason) > 200:
        errors["reason"] = [ValidationError(_("回避理由不超过200字。"), code="max_length")]
    if errors:
        raise ValidationError(errors)
    if not can_manage_recusal(actor, user):
        raise PermissionDeniedError(_("只有本机构的局领导或执法人员本人可以登记回避。"))
    if user.role not in perms.TEAM_ROLES:
        raise _field_error("user", _("只有机关工作人员需要登记回避。"), "role_not_eligible")
    if not _is_system(actor) and not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDeniedError(_("该企业不在您的管辖范围内。"))
    with transaction.atomic():
        try:
            with transaction.atomic():
                recusal = Recusal.objects.create(
                    user=user, enterprise=enterprise, reason=reason, created_by=None if _is_system(actor) else actor
                )
        except IntegrityError:
            raise _field_error(
                "enterprise", _("{name} 对该企业的回避已登记。").format(name=user.display_name), "recusal_duplicate"
            ) from None
        audit.record(
            actor=actor,
            action="recusal.create",
            obj=recusal,
            region_code=enterprise.region_code,
            changes={"user": user.get_username(), "enterprise": enterprise.pk, "reason": reason},
        )
    return recusal


def recusal_delete(*, actor, recusal: Recusal) -> None:
    """Withdraw a recusal: the bureau leader's decision only (an officer may declare a conflict, not lift it)."""
    with transaction.atomic():
        recusal = Recusal.objects.select_for_update().select_related("user", "enterprise").get(pk=recusal.pk)
        if not (_is_system(actor) or _leads_region_of(actor, recusal.user)):
            raise PermissionDeniedError(_("只有本机构的局领导可以撤销回避。"))
        audit.record(
            actor=actor,
            action="recusal.delete",
            obj=recusal,
            region_code=recusal.enterprise.region_code,
            changes={
                "user": recusal.user.get_username(),
                "enterprise": recusal.enterprise_id,
                "reason": recusal.reason,
            },
        )
        recusal.delete()


# --- 年度执法计划 -------------------------------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[EnforcementPlan]:
    q = _authority_scope_q(user)
    qs = EnforcementPlan.objects.select_related("authority", "authority__region", "approved_by")
    return qs.none() if q is None else qs.filter(q)


def can_edit_plan(actor, plan: EnforcementPlan) -> bool:
    if _is_system(actor):
        return True
    return actor.role in PLAN_EDITORS and actor.authority_id == plan.authority_id


def can_approve_plan(actor, plan: EnforcementPlan) -> bool:
    return _is_system(actor) or _leader_of(actor, plan.authority_id)


def plan_create(*, actor, year: int, title: str = "") -> EnforcementPlan:
    """A draft plan of the actor's authority for ``year`` (one per authority and year)."""
    if _is_system(actor) or actor.role not in PLAN_EDITORS or not actor.authority_id:
        raise PermissionDeniedError(_("只有局、部门执法人员可以编制执法计划。"))
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool) or not this_year - 1 <= year <= this_year + 1:
        raise _field_error("year", _("年度须为 {a}–{b} 年。").format(a=this_year - 1, b=this_year + 1), "invalid_year")
    title = (title or "").strip()[:200] or _("{authority}{year}年度安全生产监督检查计划").format(
        authority=actor.authority.name, year=year
    )
    duplicate = _field_error("year", _("本机构 {} 年度的执法计划已存在。").format(year), "plan_duplicate")
    if EnforcementPlan.objects.filter(authority_id=actor.authority_id, year=year).exists():
        raise duplicate
    with transaction.atomic():
        try:
            with transaction.atomic():
                plan = EnforcementPlan.objects.create(
                    authority=actor.authority, year=year, title=title, created_by=actor
                )
        except IntegrityError:
            raise duplicate from None
        audit.record(
            actor=actor,
            action="plan.create",
            obj=plan,
            region_code=_region_of(plan.authority),
            changes={"year": year, "title": title},
        )
    return plan


def _target_label(sector: str, supervision_class: str) -> str:
    s = Sector(sector).label if sector else _("全部行业")
    c = SupervisionClass(supervision_class).label if supervision_class else _("全部分类")
    return f"{s} · {c}"


def plan_set_targets(*, actor, plan: EnforcementPlan, targets: Sequence[Mapping]) -> EnforcementPlan:
    """Replace the lines of a draft plan: ``[{sector, supervision_class, planned}]`` with sector a
    ``Sector`` code or "" (any), class a ``SupervisionClass`` code or "" (any), planned ≥ 1, each
    (sector, class) once. A department's plan may only name its own sectors."""
    errors: list[ValidationError] = []
    clean: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    allowed_sectors = None
    if plan.authority.kind == AuthorityKind.DEPARTMENT:
        allowed_sectors = set(plan.authority.sectors or [])
    for n, line in enumerate(targets or [], start=1):
        sector = str(line.get("sector") or "").strip()
        cls = str(line.get("supervision_class") or "").strip()
        planned = line.get("planned")
        if sector and sector not in Sector.values:
            errors.append(ValidationError(_("第 {n} 行：未知的监管行业。").format(n=n), code="invalid_sector"))
            continue
        if allowed_sectors is not None and sector and sector not in allowed_sectors:
            errors.append(
                ValidationError(
                    _("第 {n} 行：「{s}」不是本部门监管的行业。").format(n=n, s=Sector(sector).label),
                    code="sector_not_supervised",
                )
            )
            continue
        if cls and cls not in SupervisionClass.values:
            errors.append(ValidationError(_("第 {n} 行：未知的监管分类。").format(n=n), code="invalid_class"))
            continue
        try:
            planned = int(planned)
        except (TypeError, ValueError):
            planned = 0
        if isinstance(line.get("planned"), bool) or not 1 <= planned <= 1_000_000:
            errors.append(ValidationError(_("第 {n} 行：计划检查家数须为正整数。").format(n=n), code="invalid_planned"))
            continue
        if (sector, cls) in seen:
            errors.append(
                ValidationError(
                    _("第 {n} 行：{label} 重复。").format(n=n, label=_target_label(sector, cls)),
                    code="duplicate_target",
                )
            )
            continue
        seen.add((sector, cls))
        clean.append((sector, cls, planned))
    if errors:
        raise ValidationError({"targets": errors})
    with transaction.atomic():
        plan = EnforcementPlan.objects.select_for_update().select_related("authority__region").get(pk=plan.pk)
        if not can_edit_plan(actor, plan):
            raise PermissionDeniedError(_("只能编辑本机构的执法计划。"))
        if plan.state != PlanState.DRAFT:
            raise ConflictError(
                _("执法计划已批准，不能修改。"), code="plan_approved", extra={"current_state": plan.state}
            )
        before = [[t.sector, t.supervision_class, t.planned] for t in plan.targets.order_by("id")]
        plan.targets.all().delete()
        PlanTarget.objects.bulk_create(
            PlanTarget(plan=plan, sector=s, supervision_class=c, planned=p) for s, c, p in clean
        )
        after = [list(t) for t in clean]
        if before != after:
            audit.record(
                actor=actor,
                action="plan.set_targets",
                obj=plan,
                region_code=_region_of(plan.authority),
                changes={"targets": [before, after]},
            )
    return plan


def plan_approve(*, actor, plan: EnforcementPlan) -> EnforcementPlan:
    """The bureau leader of the plan's authority approves it; from then on its lines are fixed."""
    with transaction.atomic():
        plan = EnforcementPlan.objects.select_for_update().select_related("authority__region").get(pk=plan.pk)
        if not can_approve_plan(actor, plan):
            raise PermissionDeniedError(_("只有本机构的局领导可以批准执法计划。"))
        if plan.state != PlanState.DRAFT:
            raise ConflictError(_("执法计划已批准。"), code="plan_approved", extra={"current_state": plan.state})
        if not plan.targets.exists():
            raise ValidationError({"targets": ValidationError(_("执法计划还没有计划指标。"), code="plan_empty")})
        plan.state, plan.approved_at = PlanState.APPROVED, timezone.now()
        plan.approved_by = None if _is_system(actor) else actor
        plan.save(update_fields=["state", "approved_at", "approved_by"])
        audit.record(
            actor=actor,
            action="plan.approve",
            obj=plan,
            region_code=_region_of(plan.authority),
            changes={"year": plan.year, "targets": plan.targets.count()},
        )
    return plan


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz))


def plan_progress(plan: EnforcementPlan) -> list[dict]:
    """Each line of the plan with ``done`` = the distinct enterprises of its sector and class (empty: any)
    that the plan's authority inspected in the calendar year (a done inspection, ended in the year, not a
    self-inspection or grid patrol), then a total row (``target`` None): planned summed, done = the distinct
    enterprises counted in at least one line. The class is the enterprise's current one. Two queries."""
    start, end = _year_bounds(plan.year)
    inspected = Inspection.objects.filter(
        authority_id=plan.authority_id, state__in=sorted(DONE_STATES), ended_at__gte=start, ended_at__lt=end
    ).exclude(kind__in=NOT_PLAN_KINDS)
    classes = dict(
        Enterprise.objects.filter(pk__in=inspected.values("enterprise_id")).values_list("id", "supervision_class")
    )
    sectors: dict[int, set[str]] = defaultdict(set)
    for eid, sector in EnterpriseSector.objects.filter(enterprise_id__in=list(classes)).values_list(
        "enterprise_id", "sector"
    ):
        sectors[eid].add(sector)
    rows, counted = [], set()
    targets = list(plan.targets.order_by("sector", "supervision_class", "id"))
    for t in targets:
        done = {
            eid
            for eid, cls in classes.items()
            if (not t.supervision_class or cls == t.supervision_class) and (not t.sector or t.sector in sectors[eid])
        }
        counted |= done
        rate = len(done) / t.planned if t.planned else None
        rows.append(
            {
                "target": t,
                "label": _target_label(t.sector, t.supervision_class),
                "sector": t.sector,
                "supervision_class": t.supervision_class,
                "planned": t.planned,
                "done": len(done),
                "rate": rate,
                "percent": _percent(rate),
            }
        )
    planned = sum(t.planned for t in targets)
    rate = len(counted) / planned if planned else None
    rows.append(
        {
            "target": None,
            "label": _("合计"),
            "sector": "",
            "supervision_class": "",
            "planned": planned,
            "done": len(counted),
            "rate": rate,
            "percent": _percent(rate),
        }
    )
    return rows


# --- 双随机 ------------------------------------------------------------------------------------------------------


class NotEnoughInspectors(ValueError):
    """Fewer eligible inspectors than the team needs for one drawn enterprise."""

    def __init__(self, enterprise_id: int, eligible: int, needed: int) -> None:
        self.enterprise_id, self.eligible, self.needed = enterprise_id, eligible, needed
        super().__init__(f"enterprise {enterprise_id}: {eligible} eligible inspectors, {needed} needed")


def pool_hash(pool: Sequence[int]) -> str:
    return hashlib.sha256(",".join(str(int(i)) for i in pool).encode()).hexdigest()


def draw_v1(
    *,
    seed: str,
    pool: Sequence[int],
    inspectors: Sequence[int],
    k: int,
    n: int,
    recused: Mapping[int, Collection[int]] | None = None,
) -> tuple[list[int], list[list[int]]]:
    """The pure draw (see the module docstring): (drawn enterprise ids in draw order, a team per enterprise)."""
    pool, inspectors = list(pool), sorted(inspectors)
    if not 1 <= k <= len(pool):
        raise ValueError(f"k must be 1..{len(pool)}, got {k}")
    rng = random.Random(seed + ":" + pool_hash(pool))
    chosen = rng.sample(pool, k)
    teams = []
    for eid in chosen:
        out = set((recused or {}).get(eid, ()))
        eligible = [i for i in inspectors if i not in out]
        if len(eligible) < n:
            raise NotEnoughInspectors(eid, len(eligible), n)
        teams.append(rng.sample(eligible, n))
    return chosen, teams


def draws_visible_to(user) -> QuerySet[RandomDraw]:
    q = _authority_scope_q(user)
    qs = RandomDraw.objects.select_related("authority", "authority__region", "template", "created_by")
    return qs.none() if q is None else qs.filter(q)


def can_create_draw(actor) -> bool:
    return not _is_system(actor) and actor.role in DRAW_ROLES and actor.authority_id is not None


def can_publish_draw(actor, draw: RandomDraw) -> bool:
    if _is_system(actor):
        return True
    return _leader_of(actor, draw.authority_id) or actor.pk == draw.created_by_id


def draw_templates_for(actor) -> QuerySet[ChecklistTemplate]:
    """Published inspection checklists (not self-inspection lists) the actor may use."""
    return checklists.templates_visible_to(actor).filter(state=TemplateState.PUBLISHED, audience=Audience.AUTHORITY)


_SHIPPED_ORDER = {t.code: n for n, t in enumerate(shipped_checklists.TEMPLATES)}


def _template_rank(t: ChecklistTemplate) -> tuple:
    """The default checklist: in the order the platform ships them (the general list before the special
    ones), a bureau's own version before the shipped one of the same code, the latest version first."""
    return (_SHIPPED_ORDER.get(t.code, len(_SHIPPED_ORDER)), t.code, t.authority_id is None, -t.version)


def _default_template(candidates: list[ChecklistTemplate], sectors: set[str]) -> ChecklistTemplate | None:
    fitting = [t for t in candidates if not t.sectors or sectors & set(t.sectors)]
    return min(fitting, key=_template_rank) if fitting else None


def _clean_filters(filters: Mapping | None) -> tuple[dict, dict]:
    filters = filters or {}
    errors: dict[str, list] = {}
    sectors = list(dict.fromkeys(s for s in (filters.get("sectors") or []) if s))
    classes = list(dict.fromkeys(c for c in (filters.get("classes") or []) if c))
    region = str(filters.get("region") or "").strip()
    bad = [s for s in sectors if s not in Sector.values]
    if bad:
        errors["sectors"] = [ValidationError(_("未知的监管行业：{}").format("、".join(bad)), code="invalid_choice")]
    if any(c not in SupervisionClass.values for c in classes):
        errors["classes"] = [ValidationError(_("监管分类不正确。"), code="invalid_choice")]
    if region and (not region.isdigit() or len(region) > 12):
        errors["region"] = [ValidationError(_("区划代码须为不超过12位的数字。"), code="invalid")]
    return {"sectors": sorted(sectors), "classes": sorted(classes), "region": region}, errors


def draw_pool(
    actor,
    filters: Mapping,
    *,
    template: ChecklistTemplate | None = None,
    templates: list[ChecklistTemplate] | None = None,
) -> QuerySet[Enterprise]:
    """The enterprises a draw would pick from (see the module docstring), not yet ordered."""
    qs = enterprises_visible_to(actor).filter(status__in=list(DRAW_STATUSES))
    if filters.get("sectors"):
        qs = qs.filter(sector_q(filters["sectors"]))
    if filters.get("classes"):
        qs = qs.filter(supervision_class__in=filters["classes"])
    if filters.get("region"):
        qs = qs.filter(subtree_q(filters["region"]))
    usable = (
        [template]
        if template is not None
        else (templates if templates is not None else list(draw_templates_for(actor)))
    )
    if not usable:
        return qs.none()
    if all(t.sectors for t in usable):
        qs = qs.filter(sector_q(sorted({s for t in usable for s in t.sectors})))
    return qs


def inspector_pool(actor, day: datetime.date) -> list[int]:
    """Active officers of the actor's authority who may be drawn, holding a valid 行政执法证 on ``day``."""
    officers = User.objects.filter(authority_id=actor.authority_id, role__in=sorted(DRAW_ROLES), is_active=True)
    return sorted(
        set(
            InspectorCredential.objects.filter(
                user__in=officers, revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day
            ).values_list("user_id", flat=True)
        )
    )


def draw_create(
    *,
    actor,
    title: str,
    filters: Mapping | None,
    enterprise_count: int,
    inspectors_per_inspection: int = 2,
    kind: str = InspectionKind.ROUTINE,
    template: ChecklistTemplate | None = None,
    planned_date: datetime.date | None = None,
    seed: str | None = None,
) -> RandomDraw:
    """双随机: draw ``enterprise_count`` enterprises from the pool and a team of ``inspectors_per_inspection``
    credentialed officers for each, record everything needed to redo it, and plan one inspection per drawn
    enterprise (``inspection_plan`` with ``draw=``). All in one transaction: a failure leaves nothing.

    The organiser leads an inspection they were drawn for; the others are planned by the system job
    ``random_draw`` with the first drawn officer leading (the organiser is not added to teams they were not
    drawn for). The draw's own audit event names the organiser."""
    if not can_create_draw(actor):
        raise PermissionDeniedError(_("只有局、部门执法人员可以组织双随机抽查。"))
    errors: dict[str, list] = {}
    title = (title or "").strip()[:200]
    if not title:
        errors["title"] = [ValidationError(_("请填写抽查名称。"), code="required")]
    clean, filter_errors = _clean_filters(filters)
    errors.update(filter_errors)
    if kind not in DRAW_KINDS:
        errors["kind"] = [ValidationError(_("双随机抽查只能安排日常执法检查或专项检查。"), code="invalid_choice")]
    need = MIN_ENFORCEMENT_INSPECTORS.value
    if (
        isinstance(inspectors_per_inspection, bool)
        or not isinstance(inspectors_per_inspection, int)
        or not (need <= inspectors_per_inspection <= MAX_INSPECTORS_PER_INSPECTION)
    ):
        errors["inspectors_per_inspection"] = [
            ValidationError(
                _("每组执法人员须为 {a}–{b} 名（{basis}：执法人员不得少于两人）。").format(
                    a=need, b=MAX_INSPECTORS_PER_INSPECTION, basis=MIN_ENFORCEMENT_INSPECTORS.source
                ),
                code="too_few_inspectors",
            )
        ]
    if isinstance(enterprise_count, bool) or not isinstance(enterprise_count, int) or enterprise_count < 1:
        errors["enterprise_count"] = [ValidationError(_("抽取企业数须为正整数。"), code="invalid")]
    elif enterprise_count > MAX_DRAW_ENTERPRISES:
        errors["enterprise_count"] = [
            ValidationError(_("一次最多抽取 {} 家企业。").format(MAX_DRAW_ENTERPRISES), code="count_out_of_range")
        ]
    today = timezone.localdate()
    if planned_date is not None and planned_date < today:
        errors["planned_date"] = [ValidationError(_("计划检查日期不能早于今天。"), code="past")]
    templates = list(draw_templates_for(actor))
    if template is not None and template.pk not in {t.pk for t in templates}:
        errors["template"] = [
            ValidationError(_("该检查表不可用（未发布、已停用或非执法检查表）。"), code="template_not_usable")
        ]
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > 64:
        errors["seed"] = [ValidationError(_("随机种子不超过64个字符。"), code="max_length")]
    if errors:
        raise ValidationError(errors)

    limit = MAX_DRAW_POOL.value
    pool = list(
        draw_pool(actor, clean, template=template, templates=templates)
        .order_by("id")
        .values_list("id", flat=True)[: limit + 1]
    )
    if not pool:
        raise _field_error(
            "filters", _("抽取范围内没有可抽取的企业（正常生产经营或停产停业、且有适用检查表）。"), "pool_empty"
        )
    if len(pool) > limit:
        raise _field_error("filters", _("企业名录库超过 {} 家，请缩小抽取范围。").format(limit), "pool_too_large")
    if enterprise_count > len(pool):
        raise _field_error(
            "enterprise_count",
            _("抽取企业数须为 1–{} 家（名录库共 {} 家）。").format(len(pool), len(pool)),
            "count_out_of_range",
        )
    day = planned_date or today
    inspectors = inspector_pool(actor, day)
    recusals: dict[int, set[int]] = defaultdict(set)
    for uid, eid in Recusal.objects.filter(user_id__in=inspectors).values_list("user_id", "enterprise_id"):
        recusals[eid].add(uid)
    try:
        chosen, teams = draw_v1(
            seed=seed,
            pool=pool,
            inspectors=inspectors,
            k=enterprise_count,
            n=inspectors_per_inspection,
            recused=recusals,
        )
    except NotEnoughInspectors as exc:
        name = Enterprise.objects.filter(pk=exc.enterprise_id).values_list("name", flat=True).first()
        raise _field_error(
            "inspectors_per_inspection",
            _("「{name}」可抽取的执法人员（持有效行政执法证、未回避）只有 {have} 名，每组需要 {need} 名。").format(
                name=name, have=exc.eligible, need=exc.needed
            ),
            "not_enough_inspectors",
        ) from None

    recorded = {**clean, "recused": {str(e): sorted(recusals[e]) for e in chosen if recusals.get(e)}}
    digest = pool_hash(pool)
    enterprises = Enterprise.objects.prefetch_related("sector_links").in_bulk(chosen)
    users = User.objects.select_related("authority").in_bulk({u for team in teams for u in team})
    with transaction.atomic():
        draw = RandomDraw.objects.create(
            authority=actor.authority,
            title=title,
            kind=kind,
            template=template,
            filters=recorded,
            seed=seed,
            algorithm=ALGORITHM,
            pool=pool,
            pool_hash=digest,
            inspector_pool=inspectors,
            enterprise_count=enterprise_count,
            inspectors_per_inspection=inspectors_per_inspection,
            planned_date=planned_date,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="draw.create",
            obj=draw,
            region_code=_region_of(actor.authority),
            changes={
                "title": title,
                "kind": kind,
                "filters": clean,
                "seed": seed,
                "algorithm": ALGORITHM,
                "pool_size": len(pool),
                "pool_hash": digest,
                "inspector_pool": inspectors,
                "enterprises": chosen,
                "teams": teams,
                "planned_date": planned_date,
            },
        )
        for eid, team in zip(chosen, teams, strict=True):
            enterprise = enterprises[eid]
            used = template or _default_template(templates, set(enterprise.sector_codes))
            members = [users[u] for u in team]
            if actor.pk in team:
                plan_actor, members = actor, [u for u in members if u.pk != actor.pk]
            else:
                plan_actor = _DRAW_SYSTEM
            inspection_services.inspection_plan(
                actor=plan_actor,
                enterprise=enterprise,
                kind=kind,
                template=used,
                members=members,
                planned_date=planned_date,
                draw=draw,
            )
    return draw


def draw_replay(draw: RandomDraw) -> tuple[list[int], list[list[int]]]:
    """Run the recorded draw again: the same function on the recorded seed, pools, counts and recusals."""
    if draw.algorithm != ALGORITHM:
        raise ValueError(f"unknown draw algorithm {draw.algorithm!r}")
    recused = {int(e): set(ids) for e, ids in (draw.filters or {}).get("recused", {}).items()}
    return draw_v1(
        seed=draw.seed,
        pool=draw.pool,
        inspectors=draw.inspector_pool,
        k=draw.enterprise_count,
        n=draw.inspectors_per_inspection,
        recused=recused,
    )


def draw_check(draw: RandomDraw) -> dict:
    """What the verify button shows: the recorded pool still hashes to the recorded hash, and the replayed
    enterprises and teams are those of the inspections the draw created (in creation order; teams as sets)."""
    hash_ok = pool_hash(draw.pool) == draw.pool_hash
    try:
        enterprises, teams = draw_replay(draw)
    except ValueError as exc:
        return {"ok": False, "hash_ok": hash_ok, "replay_ok": False, "reason": str(exc), "enterprises": [], "teams": []}
    created = list(draw.inspections.order_by("id").prefetch_related("members"))
    actual = [(i.enterprise_id, {m.user_id for m in i.members.all()}) for i in created]
    expected = [(e, set(t)) for e, t in zip(enterprises, teams, strict=True)]
    replay_ok = actual == expected
    reason = (
        ""
        if hash_ok and replay_ok
        else (_("企业名录库与记录的摘要不一致。") if not hash_ok else _("重新抽取的结果与已安排的检查不一致。"))
    )
    return {
        "ok": hash_ok and replay_ok,
        "hash_ok": hash_ok,
        "replay_ok": replay_ok,
        "reason": reason,
        "enterprises": enterprises,
        "teams": teams,
    }


def draw_verify(draw: RandomDraw) -> bool:
    return draw_check(draw)["ok"]


def draw_publish(*, actor, draw: RandomDraw) -> RandomDraw:
    """双随机一公开: the draw and, as they happen, its inspections' results appear on the public page."""
    with transaction.atomic():
        draw = RandomDraw.objects.select_for_update().select_related("authority__region").get(pk=draw.pk)
        if not can_publish_draw(actor, draw):
            raise PermissionDeniedError(_("只有局领导或抽查组织人可以公开抽查结果。"))
        if draw.published_at is not None:
            raise ConflictError(_("该抽查已公开。"), code="already_published")
        draw.published_at = timezone.now()
        draw.save(update_fields=["published_at"])
        audit.record(
            actor=actor,
            action="draw.publish",
            obj=draw,
            region_code=_region_of(draw.authority),
            changes={"published_at": draw.published_at},
        )
    return draw


def draw_inspections(draw: RandomDraw) -> list[Inspection]:
    """The draw's inspections in draw order, with enterprise, template and team (three queries)."""
    return list(
        draw.inspections.order_by("id").select_related("enterprise", "template").prefetch_related("members__user")
    )


def public_draw_rows(draw: RandomDraw) -> list[dict]:
    """The public page's lines: enterprise, and once inspected, the date and the figures. No people."""
    rows = []
    for i in (
        draw.inspections.order_by("id")
        .select_related("enterprise")
        .only(
            "id",
            "state",
            "ended_at",
            "items_total",
            "items_answered",
            "items_failed",
            "hazards_found",
            "enterprise__name",
            "enterprise__region_code",
        )
    ):
        done = i.state in DONE_STATES
        rows.append(
            {
                "enterprise": i.enterprise.name,
                "region_code": i.enterprise.region_code,
                "done": done,
                "cancelled": i.state == InspectionState.CANCELLED,
                "inspected_on": timezone.localtime(i.ended_at).date() if done and i.ended_at else None,
                "items_checked": i.items_answered if done else None,
                "problems": i.items_failed if done else None,
                "hazards": i.hazards_found if done else None,
            }
        )
    return rows


# --- 网格巡查 ----------------------------------------------------------------------------------------------------

# Enterprise status → the status the patrol rules know. 在建 (under construction) is patrolled like an
# operating unit: there is a site with people at work, and the unit's class sets the interval.
PATROL_STATUS = {
    EnterpriseStatus.OPERATING: "operating",
    EnterpriseStatus.SUSPENDED: "suspended",
    EnterpriseStatus.UNDER_CONSTRUCTION: "operating",
    EnterpriseStatus.ILLEGAL: "illegal",
    EnterpriseStatus.CLOSED: "closed",
}
PATROL_FLAGS = ("combustible_dust", "ammonia_refrigeration", "confined_space", "hazchem_use", "major_hazard_source")
PATROL_COLUMNS = ("id", "grid_id", "region_code", "status", "supervision_class", *PATROL_FLAGS, "dust_worker_count")
# Positions in a row read by _read: the columns above, then "registered this year", then (pages) the name.
_ID, _GRID, _REGION, _STATUS, _CLASS = range(5)
_DUST = PATROL_COLUMNS.index("dust_worker_count")
_RECENT = len(PATROL_COLUMNS)
_NAME = _RECENT + 1
# Above this many enterprises the patrol and sector reads use the region range rather than an id list.
_IDS_LIMIT = 500

# What the patrol rules read (PatrolRule.applies: statuses, sectors, classes, flags, a dust-worker threshold).
# Two enterprises that agree on these get the same interval, so the cache key holds only them: the status, the
# class, the flags some rule names, the band of the dust-worker count between the rules' thresholds, and the
# sectors some rule names.
_RULE_SECTORS = frozenset().union(*(r.sectors for r in patrol_rules.PATROL_RULES))
_RULE_FLAGS = tuple(f for f in PATROL_FLAGS if any(f in r.flags for r in patrol_rules.PATROL_RULES))
_DUST_THRESHOLDS = sorted({r.min_dust_workers for r in patrol_rules.PATROL_RULES if r.min_dust_workers is not None})
_RULE_KEY = operator.itemgetter(_STATUS, _CLASS, *(PATROL_COLUMNS.index(f) for f in _RULE_FLAGS))


def _get(row, name):
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def patrol_facts(enterprise_row) -> patrol_rules.EnterpriseFacts:
    """The facts the patrol rules need, from an enterprise: a mapping of the ``PATROL_COLUMNS`` (``status``,
    ``supervision_class``, the five flags, ``dust_worker_count``) with ``sectors``, or an Enterprise."""
    sectors = enterprise_row["sectors"] if isinstance(enterprise_row, Mapping) else enterprise_row.sector_codes
    cls = _get(enterprise_row, "supervision_class") or None
    return patrol_rules.EnterpriseFacts(
        sectors=frozenset(sectors),
        supervision_class=cls if cls in patrol_rules.CLASSES else None,
        dust_worker_count=int(_get(enterprise_row, "dust_worker_count") or 0),
        status=PATROL_STATUS[_get(enterprise_row, "status")],
        **{flag: bool(_get(enterprise_row, flag)) for flag in PATROL_FLAGS},
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True, slots=True)
class Periods:
    """One interval's current period around ``today`` and the previous one, with the local midnights they
    start at (patrols are compared as moments, never converted row by row)."""

    start: datetime.date
    end: datetime.date
    start_at: datetime.datetime
    previous_start_at: datetime.datetime

    @classmethod
    def of(cls, interval: str, today: datetime.date) -> "Periods":
        start, end = patrol_rules.period_of(interval, today)
        previous_start, _end = patrol_rules.period_of(interval, start - datetime.timedelta(days=1))
        return cls(start, end, _midnight(start), _midnight(previous_start))


@dataclass(slots=True)
class PatrolStatus:
    enterprise_id: int
    name: str
    grid_id: int | None
    region_code: str
    interval: str | None  # None: not under a patrol rule (closed, or no rule matches)
    period_start: datetime.date | None
    period_end: datetime.date | None
    last_patrol: datetime.date | None
    due: bool
    overdue: bool

    @property
    def interval_label(self) -> str:
        return INTERVAL_LABELS.get(self.interval, "")


INTERVAL_LABELS = {
    "month": gettext_lazy("每月"),
    "quarter": gettext_lazy("每季度"),
    "half_year": gettext_lazy("每半年"),
    "year": gettext_lazy("每年"),
}


def _scope(user, region_prefix: str | None) -> tuple[Q | None, str | None]:
    """The filter of the user's visible enterprises (narrowed to ``region_prefix``) and the region prefix
    that holds them all, for range reads; None for grid officers and enterprise users (read by ids)."""
    q = enterprise_scope_q(user)
    if q is None:
        return None, None
    prefix = None
    if user.role not in ENTERPRISE_ROLES and user.role != Role.GRID_OFFICER and user.authority_id:
        prefix = user.authority.region.prefix
    if region_prefix:
        q &= subtree_q(region_prefix)
        if prefix is not None:
            if region_prefix.startswith(prefix):
                prefix = region_prefix
            elif not prefix.startswith(region_prefix):
                return Q(pk__in=[]), None
    return q, prefix


def _read(user, *, today, region_prefix=None, grid_id=None, no_grid=False, enterprise_ids=None, names=False):
    """(rows, {id: (sectors)}, {id: created_at} of those put on file this year, range prefix). A row is a
    tuple: the ``PATROL_COLUMNS``, whether it was put on file this year, and the name when ``names``."""
    q, prefix = _scope(user, region_prefix)
    if q is None:
        return [], {}, {}, None
    qs = Enterprise.objects.filter(q)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if no_grid:
        qs = qs.filter(grid__isnull=True)
    if enterprise_ids is not None:
        qs = qs.filter(pk__in=list(enterprise_ids))
    this_year = _midnight(today.replace(month=1, day=1))  # no current period starts earlier
    recent = ExpressionWrapper(Q(created_at__gte=this_year), output_field=BooleanField())
    rows = list(qs.order_by().values_list(*PATROL_COLUMNS, recent, *(("name",) if names else ())))
    if not rows:
        return [], {}, {}, prefix
    # Tuples, not a list per enterprise: 20,000 small lists cost more in garbage collection than in reading.
    sectors: dict[int, tuple[str, ...]] = {}
    links = EnterpriseSector.objects.order_by()
    if prefix is not None and len(rows) > _IDS_LIMIT:
        links = links.filter(subtree_q(prefix))
    else:
        links = links.filter(enterprise_id__in=[r[_ID] for r in rows])
    for eid, sector in links.values_list("enterprise_id", "sector"):
        sectors[eid] = sectors.get(eid, ()) + (sector,)
    fresh = [r[_ID] for r in rows if r[_RECENT]]
    created = dict(Enterprise.objects.filter(pk__in=fresh).values_list("id", "created_at")) if fresh else {}
    return rows, sectors, created, prefix


def _intervals(rows, sectors, today: datetime.date) -> list[str | None]:
    """interval_for per row, computed once per distinct key of what the rules read."""
    cache: dict = {}
    out = []
    for r in rows:
        key = _RULE_KEY(r)
        if _DUST_THRESHOLDS:
            key = (key, bisect.bisect_right(_DUST_THRESHOLDS, r[_DUST] or 0))
        if _RULE_SECTORS:
            key = (key, _RULE_SECTORS.intersection(sectors.get(r[_ID], ())))
        interval = cache.get(key, _MISSING)
        if interval is _MISSING:
            row = dict(zip(PATROL_COLUMNS, r, strict=False))
            row["sectors"] = sectors.get(r[_ID], ())
            interval = cache[key] = patrol_rules.interval_for(patrol_facts(row), on=today)
        out.append(interval)
    return out


_MISSING = object()


def _patrols(ids: list[int], prefix: str | None, *, today: datetime.date, bounds=None) -> dict:
    """The latest done grid patrol (up to the end of ``today``) per enterprise, in one grouped query on the
    (kind, region_code, ended_at) index: its end time; or, given ``bounds`` (moments, latest first), only
    patrols since the last bound, each as its band: the position of the first bound it is not earlier than."""
    if not ids:
        return {}
    qs = Inspection.objects.filter(
        kind=InspectionKind.GRID_PATROL,
        state__in=sorted(DONE_STATES),
        ended_at__lt=_midnight(today + datetime.timedelta(days=1)),
    ).order_by()
    if prefix is not None and len(ids) > _IDS_LIMIT:
        qs = qs.filter(subtree_q(prefix))
    else:
        qs = qs.filter(enterprise_id__in=ids)
    if bounds is None:
        return dict(qs.values("enterprise_id").annotate(last=Max("ended_at")).values_list("enterprise_id", "last"))
    band = Case(
        *(When(last__gte=b, then=Value(n)) for n, b in enumerate(bounds)),
        default=Value(len(bounds)),
        output_field=IntegerField(),
    )
    qs = qs.filter(ended_at__gte=bounds[-1]).values("enterprise_id").annotate(last=Max("ended_at"), band=band)
    return dict(qs.values_list("enterprise_id", "band"))


def _on_file_before(row, created: dict, at: datetime.datetime) -> bool:
    return not row[_RECENT] or created[row[_ID]] < at


def patrol_status(
    user,
    *,
    today: datetime.date,
    region_prefix: str | None = None,
    grid_id: int | None = None,
    no_grid: bool = False,
    enterprise_ids: Collection[int] | None = None,
) -> list[PatrolStatus]:
    """Per enterprise the user may see (grid officers: their grids), optionally narrowed to a region prefix,
    a grid (``no_grid``: those in no grid) or some ids: interval, current period, last patrol (ever, up to
    ``today``), due and overdue. Sorted overdue first, then due, then the rest, then by name. Three queries
    (four when some of them were put on file this year)."""
    rows, sectors, created, prefix = _read(
        user,
        today=today,
        region_prefix=region_prefix,
        grid_id=grid_id,
        no_grid=no_grid,
        enterprise_ids=enterprise_ids,
        names=True,
    )
    intervals = _intervals(rows, sectors, today)
    last = _patrols([r[_ID] for r in rows], prefix, today=today)
    periods = {i: Periods.of(i, today) for i in set(intervals) if i is not None}
    out = []
    for r, interval in zip(rows, intervals, strict=True):
        moment = last.get(r[_ID])
        seen = timezone.localtime(moment).date() if moment is not None else None
        if interval is None:
            out.append(PatrolStatus(r[_ID], r[_NAME], r[_GRID], r[_REGION], None, None, None, seen, False, False))
            continue
        p = periods[interval]
        due = moment is None or moment < p.start_at
        overdue = due and (moment is None or moment < p.previous_start_at) and _on_file_before(r, created, p.start_at)
        out.append(PatrolStatus(r[_ID], r[_NAME], r[_GRID], r[_REGION], interval, p.start, p.end, seen, due, overdue))
    out.sort(key=lambda s: (not s.overdue, not s.due, s.interval is None, s.name, s.enterprise_id))
    return out


_TOTAL, _PATROLLED, _PENDING, _OVERDUE, _EXCLUDED = range(5)


def _row(c: list[int]) -> dict:
    rate = patrol_rules.coverage(c[_PATROLLED], c[_TOTAL])
    return {
        "total": c[_TOTAL],
        "patrolled": c[_PATROLLED],
        "pending": c[_PENDING],
        "overdue": c[_OVERDUE],
        "excluded": c[_EXCLUDED],
        "rate": rate,
        "percent": _percent(rate),
    }


def patrol_coverage(user, *, today: datetime.date) -> dict:
    """The patrol coverage of the user's scope, per grid, per township and in all: enterprises under a rule
    (``total``), patrolled in their current period, ``pending`` (due, overdue included), ``overdue``,
    ``excluded`` (under no rule) and the rate (``rules.patrol.coverage``). Five queries whatever the size
    (six when some enterprises were put on file this year): the enterprises (only the needed columns), their
    sectors, the band of the last patrol per enterprise since the earliest previous period needed, the grids'
    names and the townships' names. Counted per grid, then summed up.

    Returns ``{"today", "scope": row, "townships": [row + code, name, grids: [row + id, name, officer]]}``;
    a township's enterprises in no grid are the grid row with ``id`` None."""
    rows, sectors, created, prefix = _read(user, today=today)
    intervals = _intervals(rows, sectors, today)
    periods = {i: Periods.of(i, today) for i in set(intervals) if i is not None}
    bounds = sorted({at for p in periods.values() for at in (p.start_at, p.previous_start_at)}, reverse=True)
    position = {at: n for n, at in enumerate(bounds)}
    judge = {i: (position[p.start_at], position[p.previous_start_at], p.start_at) for i, p in periods.items()}
    bands = _patrols([r[_ID] for r in rows], prefix, today=today, bounds=bounds) if bounds else {}
    none = len(bounds)
    counts: dict[tuple, list[int]] = {}
    for r, interval in zip(rows, intervals, strict=True):
        key = (r[_REGION][:9], r[_GRID])
        c = counts.get(key)
        if c is None:
            c = counts[key] = [0, 0, 0, 0, 0]
        if interval is None:
            c[_EXCLUDED] += 1
            continue
        this, previous, start_at = judge[interval]
        band = bands.get(r[_ID], none)
        c[_TOTAL] += 1
        if band <= this:
            c[_PATROLLED] += 1
        else:
            c[_PENDING] += 1
            if band > previous and _on_file_before(r, created, start_at):
                c[_OVERDUE] += 1
    towns: dict[str, list[int]] = {}
    for (town, _gid), c in counts.items():
        t = towns.setdefault(town, [0, 0, 0, 0, 0])
        for n, v in enumerate(c):
            t[n] += v
    scope = [sum(t[n] for t in towns.values()) for n in range(5)]
    grid_ids = sorted({gid for _t, gid in counts if gid is not None})
    grid_info = (
        {
            g["id"]: g
            for g in Grid.objects.filter(pk__in=grid_ids).values(
                "id", "name", "officer__full_name", "officer__username"
            )
        }
        if grid_ids
        else {}
    )
    names = dict(Region.objects.filter(code__in=sorted(towns)).values_list("code", "name")) if towns else {}
    township_rows = {
        code: {**_row(towns[code]), "code": code, "name": names.get(code, code), "grids": []} for code in sorted(towns)
    }
    for (town, gid), c in counts.items():
        info = grid_info.get(gid, {})
        township_rows[town]["grids"].append(
            {
                **_row(c),
                "id": gid,
                "name": info.get("name") or _("未划网格"),
                "township": town,
                "officer": info.get("officer__full_name") or info.get("officer__username") or "",
            }
        )
    for t in township_rows.values():
        t["grids"].sort(key=lambda g: (g["id"] is None, g["name"]))
    return {"today": today, "scope": _row(scope), "townships": list(township_rows.values())}
