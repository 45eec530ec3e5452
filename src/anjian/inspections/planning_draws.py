"""Planning, draws: 双随机 (random draws): the draw, its algorithm, replay, verification, publication and the
public rows. Part of :mod:`anjian.inspections.planning`.

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
"""

import datetime
import hashlib
import random
import secrets
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core import audit
from anjian.core.choices import Sector
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.core.models import subtree_q
from anjian.enterprises.choices import EnterpriseStatus, SupervisionClass
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to, sector_q
from anjian.inspections import checklists
from anjian.inspections import services as inspection_services
from anjian.inspections.choices import DONE_STATES, Audience, InspectionKind, InspectionState, TemplateState
from anjian.inspections.models import ChecklistTemplate, Inspection, InspectorCredential, RandomDraw, Recusal
from anjian.inspections.planning_common import (
    DRAW_ROLES,
    _authority_scope_q,
    _field_error,
    _is_system,
    _leader_of,
    _region_of,
)
from anjian.rules import checklists as shipped_checklists
from anjian.rules.inspection_policy import MAX_DRAW_POOL, MIN_ENFORCEMENT_INSPECTORS

# Kinds a draw may plan: enforcement inspections announced as usual (四不两直 and 暗访 are not drawn publicly).
DRAW_KINDS = (InspectionKind.ROUTINE, InspectionKind.CAMPAIGN)
DRAW_STATUSES = (EnterpriseStatus.OPERATING, EnterpriseStatus.SUSPENDED)
# Our limit (not law): every drawn enterprise gets its inspection in the same request and transaction (about
# 22 queries each: 100 take 1.3 s on SQLite), so a draw stays a few seconds long.
MAX_DRAW_ENTERPRISES = 200
MAX_INSPECTORS_PER_INSPECTION = 10
ALGORITHM = "v1"
_DRAW_SYSTEM = audit.SystemActor("random_draw")


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
