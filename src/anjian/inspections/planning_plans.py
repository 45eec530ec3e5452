"""Planning, plans: 年度执法计划 (annual enforcement plans) and their progress. Part of
:mod:`anjian.inspections.planning`."""

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.choices import AuthorityKind, Sector
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enterprises.choices import SupervisionClass
from anjian.enterprises.models import Enterprise, EnterpriseSector
from anjian.inspections.choices import DONE_STATES, InspectionKind, PlanState
from anjian.inspections.models import EnforcementPlan, Inspection, PlanTarget
from anjian.inspections.planning_common import (
    PLAN_EDITORS,
    _authority_scope_q,
    _field_error,
    _is_system,
    _leader_of,
    _percent,
    _region_of,
)

# Kinds that do not count towards an enforcement plan.
NOT_PLAN_KINDS = (InspectionKind.SELF_INSPECTION, InspectionKind.GRID_PATROL)


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
