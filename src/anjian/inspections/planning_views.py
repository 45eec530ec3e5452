"""Pages of planning: annual enforcement plans with their progress, random draws (双随机) with their replay
and publication, credentials, recusals, grid-patrol coverage and "my patrols"; and the public draw pages
(双随机一公开, no login, no people's names)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core.choices import AuthorityKind, Sector
from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.models import Region
from anjian.core.paging import keyset_page
from anjian.core.queries import grids_visible_to, townships_visible_to
from anjian.enterprises.choices import SupervisionClass
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections import permissions as perms
from anjian.inspections import planning, queries
from anjian.inspections import planning_forms as pforms
from anjian.inspections.choices import InspectionKind, PlanState
from anjian.inspections.models import RandomDraw

# How many enterprises a patrol list shows at once (a grid holds far fewer; "no grid" of a township may not).
PATROL_LIST_CAP = 500


def _page_context(page, request) -> dict:
    return {"page": page, "next_query": page.next_query(request.GET) if page.next_after else "",
            "first_query": page.first_query(request.GET)}


def _run(request, form, call, success: str):
    """Call a service for a bound, valid form: its errors go back on the form; True when it succeeded."""
    try:
        result = call()
    except ValidationError as exc:
        apply_service_errors(form, exc)
    except ServiceError as exc:
        form.add_error(None, exc.message)
    else:
        messages.success(request, success)
        return result or True
    return None


def _post_step(request, call, success: str) -> None:
    """A one-button step (approve, publish, revoke, delete): its outcome as a message."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


# --- plans ------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_list(request):
    user = request.user
    can_create = user.role in planning.PLAN_EDITORS
    form = pforms.PlanForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            plan = _run(request, form, lambda: planning.plan_create(actor=user, **form.cleaned_data),
                        _("执法计划已创建，请填写计划指标。"))
            if plan:
                return redirect("inspections:plan", plan.pk)
    page = keyset_page(planning.plans_visible_to(user), request.GET)
    context = {**_page_context(page, request), "form": form}
    return render(request, "inspections/planning/plans.html", context, status=400 if form and form.errors else 200)


def _plan(request, pk):
    return get_object_or_404(planning.plans_visible_to(request.user), pk=pk)


def _target_formset(plan, data=None):
    sectors = plan.authority.sectors if plan.authority.kind == AuthorityKind.DEPARTMENT else None
    initial = [{"sector": t.sector, "supervision_class": t.supervision_class, "planned": t.planned}
               for t in plan.targets.order_by("sector", "supervision_class", "id")]
    return pforms.TargetFormSet(data, initial=initial, prefix="t", sectors=sectors)


def _plan_page(request, plan, formset=None, errors=(), status=200):
    editable = plan.state == PlanState.DRAFT and planning.can_edit_plan(request.user, plan)
    context = {
        "plan": plan,
        "target_errors": list(errors),
        "progress": planning.plan_progress(plan),
        "formset": (formset or _target_formset(plan)) if editable else None,
        "can_approve": plan.state == PlanState.DRAFT and planning.can_approve_plan(request.user, plan),
    }
    return render(request, "inspections/planning/plan.html", context, status=status)


def plan_detail(request, pk):
    return _plan_page(request, _plan(request, pk))


@require_POST
def plan_targets(request, pk):
    plan = _plan(request, pk)
    formset = _target_formset(plan, request.POST)
    errors = []
    if formset.is_valid():
        try:
            planning.plan_set_targets(actor=request.user, plan=plan, targets=formset.targets())
        except ValidationError as exc:
            errors = exc.messages
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("inspections:plan", plan.pk)
        else:
            messages.success(request, _("计划指标已保存。"))
            return redirect("inspections:plan", plan.pk)
    return _plan_page(request, plan, formset=formset, errors=errors, status=400)


@require_POST
def plan_approve(request, pk):
    plan = _plan(request, pk)
    _post_step(request, lambda: planning.plan_approve(actor=request.user, plan=plan), _("执法计划已批准。"))
    return redirect("inspections:plan", plan.pk)


# --- draws ------------------------------------------------------------------------------------------------------


def draw_list(request):
    page = keyset_page(planning.draws_visible_to(request.user).defer("pool", "inspector_pool"), request.GET)
    context = {**_page_context(page, request), "can_create": planning.can_create_draw(request.user)}
    return render(request, "inspections/planning/draws.html", context)


@require_http_methods(["GET", "POST"])
def draw_new(request):
    user = request.user
    if not planning.can_create_draw(user):
        raise PermissionDenied
    regions = townships_visible_to(user).filter(level="township").only("code", "name").order_by("code")
    form = pforms.DrawForm(request.POST or None, regions=regions, templates=planning.draw_templates_for(user)
                           .order_by("code", "-version"))
    if request.method == "POST" and form.is_valid():
        draw = _run(request, form, lambda: planning.draw_create(actor=user, **form.service_kwargs()),
                    _("抽取完成，已安排检查。"))
        if draw:
            return redirect("inspections:draw", draw.pk)
    context = {"form": form, "today": timezone.localdate(),
               "inspectors": len(planning.inspector_pool(user, timezone.localdate()))}
    return render(request, "inspections/planning/draw_new.html", context, status=400 if form.errors else 200)


def _draw(request, pk) -> RandomDraw:
    return get_object_or_404(planning.draws_visible_to(request.user), pk=pk)


def _filters_display(draw: RandomDraw) -> dict:
    f = draw.filters or {}
    region = f.get("region") or ""
    name = Region.objects.filter(code=region).values_list("name", flat=True).first() if region else ""
    return {
        "sectors": [Sector(s).label for s in f.get("sectors", []) if s in Sector.values],
        "classes": [SupervisionClass(c).label for c in f.get("classes", []) if c in SupervisionClass.values],
        "region": name or region,
    }


def draw_detail(request, pk):
    draw = _draw(request, pk)
    context = {
        "draw": draw,
        "filters": _filters_display(draw),
        "inspections": planning.draw_inspections(draw),
        "check": planning.draw_check(draw),
        "can_publish": draw.published_at is None and planning.can_publish_draw(request.user, draw),
        "recused_count": sum(len(v) for v in (draw.filters or {}).get("recused", {}).values()),
    }
    return render(request, "inspections/planning/draw.html", context)


@require_POST
def draw_publish(request, pk):
    draw = _draw(request, pk)
    _post_step(request, lambda: planning.draw_publish(actor=request.user, draw=draw), _("抽查情况已向社会公开。"))
    return redirect("inspections:draw", draw.pk)


# --- credentials and recusals -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def credential_list(request):
    user = request.user
    holders = planning.credential_holders_for(user)
    form = pforms.CredentialForm(request.POST or None, holders=holders) if planning.can_manage_credentials(
        user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid() and _run(request, form, lambda: planning.credential_create(actor=user, **form.cleaned_data),
                                    _("行政执法证已登记。")):
            return redirect("inspections:credentials")
    page = keyset_page(planning.credentials_visible_to(user), request.GET)
    context = {**_page_context(page, request), "form": form, "today": timezone.localdate(),
               "can_manage": form is not None}
    return render(request, "inspections/planning/credentials.html", context,
                  status=400 if form and form.errors else 200)


@require_POST
def credential_revoke(request, pk):
    credential = get_object_or_404(planning.credentials_visible_to(request.user), pk=pk)
    _post_step(request, lambda: planning.credential_revoke(actor=request.user, credential=credential),
               _("执法证 {} 已注销。").format(credential.number))
    return redirect("inspections:credentials")


@require_http_methods(["GET", "POST"])
def recusal_list(request):
    user = request.user
    subjects = planning.recusal_subjects_for(user)
    form = None
    if subjects.exists():
        initial = {"user": user.pk}
        if request.GET.get("enterprise", "").isdigit():
            initial["enterprise"] = request.GET["enterprise"]
        form = pforms.RecusalForm(request.POST or None, subjects=subjects, enterprises=enterprises_visible_to(user),
                                  initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid() and _run(request, form, lambda: planning.recusal_create(actor=user, **form.cleaned_data),
                                    _("回避已登记。")):
            return redirect("inspections:recusals")
    page = keyset_page(planning.recusals_visible_to(user), request.GET)
    context = {**_page_context(page, request), "form": form, "is_leader": user.role == Role.BUREAU_LEADER}
    return render(request, "inspections/planning/recusals.html", context,
                  status=400 if form and form.errors else 200)


@require_POST
def recusal_delete(request, pk):
    recusal = get_object_or_404(planning.recusals_visible_to(request.user), pk=pk)
    _post_step(request, lambda: planning.recusal_delete(actor=request.user, recusal=recusal), _("回避已撤销。"))
    return redirect("inspections:recusals")


# --- grid patrols -----------------------------------------------------------------------------------------------


def _can_patrol(user) -> bool:
    return InspectionKind.GRID_PATROL in perms.kinds_for(user)


def patrol_coverage(request):
    """The scope's coverage; ``?township=<code>`` its grids; ``?grid=<id>`` (or ``?township=…&grid=none``) the
    enterprises of one grid with their badges."""
    user = request.user
    if user.role in ENTERPRISE_ROLES:
        raise PermissionDenied
    today = timezone.localdate()
    township = request.GET.get("township", "").strip()
    grid_key = request.GET.get("grid", "").strip()
    context = {"today": today, "can_patrol": _can_patrol(user), "township": None, "grid": None}
    if grid_key:
        if grid_key.isdigit():
            grid = get_object_or_404(grids_visible_to(user), pk=int(grid_key))
            statuses = planning.patrol_status(user, today=today, grid_id=grid.pk)
            context["grid"] = {"id": grid.pk, "name": grid.name, "officer": grid.officer, "township": grid.region}
        elif grid_key == "none" and township.isdigit():
            statuses = planning.patrol_status(user, today=today, region_prefix=township, no_grid=True)
            context["grid"] = {"id": None, "name": _("未划网格"), "officer": None, "township": None,
                               "township_code": township}
        else:
            raise Http404
        context["statuses"] = statuses[:PATROL_LIST_CAP]
        context["more"] = max(0, len(statuses) - PATROL_LIST_CAP)
        return render(request, "inspections/planning/patrol_grid.html", context)
    coverage = planning.patrol_coverage(user, today=today)
    context["coverage"] = coverage
    if township:
        found = next((t for t in coverage["townships"] if t["code"] == township), None)
        if found is None:
            raise Http404
        context["township"] = found
    return render(request, "inspections/planning/patrols.html", context)


def patrol_mine(request):
    """我的巡查: what the grid officer (or township officer) has to patrol, overdue and due first."""
    user = request.user
    if not _can_patrol(user):
        raise PermissionDenied
    today = timezone.localdate()
    statuses = planning.patrol_status(user, today=today)
    groups = {"overdue": [], "due": [], "done": [], "excluded": []}
    for s in statuses:
        key = "overdue" if s.overdue else "due" if s.due else "excluded" if s.interval is None else "done"
        groups[key].append(s)
    counts = {k: len(v) for k, v in groups.items()}
    context = {"today": today, "counts": counts, "can_patrol": True,
               "groups": {k: v[:PATROL_LIST_CAP] for k, v in groups.items()}}
    return render(request, "inspections/planning/patrols_mine.html", context)


# --- public -----------------------------------------------------------------------------------------------------


def public_draw_list(request):
    """双随机一公开: the published draws, open to everyone."""
    page = keyset_page(queries.public_draws().defer("pool", "inspector_pool", "filters"), request.GET, page_size=30)
    return render(request, "inspections/public/draws.html", _page_context(page, request))


def public_draw_detail(request, pk):
    draw = get_object_or_404(queries.public_draws(), pk=pk)
    context = {"draw": draw, "rows": planning.public_draw_rows(draw), "pool_size": len(draw.pool)}
    return render(request, "inspections/public/draw.html", context)
