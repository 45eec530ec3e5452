"""Pages of inspections: the ledger, planning one, its page with every step it allows the user, the
phone-first walk (one round trip per item, htmx), photos, and the checklist templates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts.models import User
from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.models import Authority
from anjian.core.paging import ledger_response
from anjian.core.queries import townships_visible_to
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards.permissions import can_manage as can_manage_hazard
from anjian.inspections import checklists, excel, forms, queries, services
from anjian.inspections import permissions as perms
from anjian.inspections.choices import (
    ALLOWED_IN,
    ENTERPRISE_SIGNS,
    TRANSITIONS,
    InspectionAction,
    InspectionKind,
    ItemResult,
    SignerRole,
    TemplateState,
)
from anjian.inspections.filters import InspectionFilter
from anjian.inspections.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Inspection,
    InspectionItem,
    InspectionPhoto,
)

A = InspectionAction


def _allowed(inspection: Inspection, action: str) -> bool:
    sources = TRANSITIONS[action][0] if action in TRANSITIONS else ALLOWED_IN[action]
    return inspection.state in sources


def _filtered(request):
    base = queries.inspections_visible_to(request.user, for_list=True).select_related("enterprise", "authority")
    return InspectionFilter(request.GET, queryset=base, request=request)


def inspection_list(request):
    return ledger_response(
        request, _filtered(request), template="inspections/list.html", rows_template="inspections/_rows.html",
        context={"can_plan": bool(perms.kinds_for(request.user))},
        page_context=lambda: {
            "regions": list(townships_visible_to(request.user).only("code", "name").order_by("code"))
        },
    )


def inspection_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect("inspections:list")
    try:
        content = excel.export_ledger(flt.qs, title=_("监督检查台账"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:list")
    return xlsx_response(content, excel.export_filename())


def _team_candidates(user):
    """Officers who may join the user's inspection: their authority's officers and the experts above it."""
    if not user.is_authority_user:
        return User.objects.none()
    prefix = user.authority.region.prefix
    above = sorted({prefix[:n] for n in (2, 4, 6, 9) if len(prefix) >= n})
    return (
        (
            User.objects.filter(is_active=True, role__in=sorted(perms.TEAM_ROLES)).filter(authority=user.authority)
            | User.objects.filter(is_active=True, role="expert", authority__region__prefix__in=above)
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("role", "username")
    )


@require_http_methods(["GET", "POST"])
def inspection_new(request):
    """Plan an inspection. The enterprise comes first (from the file, the patrol list or a pick-list), since
    the checklists offered depend on its sectors."""
    user = request.user
    kinds = perms.kinds_for(user)
    if not kinds:
        raise PermissionDenied
    enterprises = enterprises_visible_to(user)
    enterprise = None
    key = (
        request.POST.get("enterprise")
        or request.GET.get("enterprise")
        or (str(user.enterprise_id) if user.is_enterprise_user else "")
    )
    if key.isdigit():
        enterprise = enterprises.filter(pk=int(key)).prefetch_related("sector_links").first()
    if enterprise is None:
        q = request.GET.get("q", "").strip()
        found = enterprises.filter(name__icontains=q).order_by("name")[:30] if q else []
        return render(request, "inspections/new_pick.html", {"q": q, "found": found})
    wanted_kind = request.GET.get("kind", "")
    initial = {"kind": wanted_kind if wanted_kind in kinds else kinds[0]}
    templates = checklists.usable_for(user, enterprise)
    suggested = _suggest_template(enterprise, templates)
    if suggested is not None:
        initial["template"] = suggested.pk
    partners = (
        Authority.objects.filter(region__prefix=user.authority.region.prefix).exclude(pk=user.authority_id)
        if user.is_authority_user
        else Authority.objects.none()
    )
    form = forms.PlanForm(
        request.POST or None,
        initial=initial,
        kinds=kinds,
        templates=templates,
        members=_team_candidates(user),
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_plan(
                actor=user,
                enterprise=enterprise,
                kind=data["kind"],
                template=data["template"],
                members=list(data.get("members") or []),
                planned_date=data["planned_date"],
                campaign=data["campaign"],
                partners=list(data.get("partners") or []),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("检查已安排，编号 {}。").format(inspection.number))
            return redirect("inspections:detail", inspection.pk)
    return render(
        request, "inspections/new.html", {"form": form, "enterprise": enterprise}, status=400 if form.errors else 200
    )


def _suggest_template(enterprise, templates):
    """The theme that fits the enterprise's flags first (dust, ammonia, confined space, hazchem), else the
    general list of its sector."""
    codes = []
    if enterprise.combustible_dust:
        codes.append("dust")
    if enterprise.ammonia_refrigeration:
        codes.append("ammonia")
    if enterprise.confined_space:
        codes.append("confined_space")
    codes += ["hazchem_major", "gongmao_general", "small_self"]
    by_code = {}
    for t in templates:
        by_code.setdefault(t.code, t)
    for code in codes:
        if code in by_code:
            return by_code[code]
    return next(iter(templates), None)


def _get(request, pk) -> Inspection:
    try:
        return queries.inspection_for_user(request.user, pk)
    except Inspection.DoesNotExist:
        raise Http404 from None


STEP_FORMS = {
    "start": forms.StartForm,
    "complete": forms.CompleteForm,
    "sign": forms.SignForm,
    "sign-enterprise": forms.EnterpriseSignForm,
    "refuse": forms.RefuseForm,
    "addendum": forms.TextForm,
    "cancel": forms.ReasonForm,
}


def _forms_for(request, inspection, bound=None) -> dict:
    user = request.user
    members = {m.user_id for m in inspection.members.all()}
    walker = perms.can_walk(user, inspection, members)
    member = perms.is_member(user, inspection, members)
    signed = {s.signer_id for s in inspection.signatures.all() if s.signer_id}
    has_enterprise_sig = any(s.role == SignerRole.ENTERPRISE for s in inspection.signatures.all())
    needs_enterprise = inspection.kind in ENTERPRISE_SIGNS and not has_enterprise_sig
    may_sign_self = (member or (inspection.kind == InspectionKind.SELF_INSPECTION and walker)) or (
        user.role in perms.ENTERPRISE_SIGNERS and user.enterprise_id == inspection.enterprise_id and needs_enterprise
    )
    candidates = {
        "start": walker and _allowed(inspection, A.START),
        "complete": walker and _allowed(inspection, A.COMPLETE),
        "sign": may_sign_self and user.pk not in signed and _allowed(inspection, A.SIGN),
        "sign-enterprise": member and needs_enterprise and _allowed(inspection, A.SIGN),
        "refuse": member and needs_enterprise and _allowed(inspection, A.REFUSE),
        "addendum": (member or walker) and _allowed(inspection, A.ADDENDUM),
        "cancel": perms.can_cancel(user, inspection) and _allowed(inspection, A.CANCEL),
    }
    out = {}
    for name, ok in candidates.items():
        if not ok:
            continue
        if bound and bound[0] == name:
            out[name] = bound[1]
        elif name == "start":
            out[name] = forms.StartForm(prefix=name, initial={"location": inspection.enterprise.address[:200]})
        else:
            out[name] = STEP_FORMS[name](prefix=name)
    # The walk page: to walk, and after the walk to turn findings still open into hazards.
    out["walk"] = walker and (
        _allowed(inspection, A.ANSWER)
        or (_allowed(inspection, A.TO_HAZARD) and inspection.items_failed > inspection.hazards_found)
    )
    return out


def _detail(request, inspection, bound=None, status=200):
    integrity = services.integrity(inspection)
    valid = {s["id"]: s["valid"] for s in integrity["signatures"]}
    signatures = [(sig, valid.get(sig.pk)) for sig in inspection.signatures.all()]
    failed = list(inspection.items.filter(result=ItemResult.NON_COMPLIANT).select_related("hazard"))
    documents = _documents(request.user, inspection)
    context = {
        "inspection": inspection,
        "forms": _forms_for(request, inspection, bound),
        "integrity": integrity,
        "signatures": signatures,
        "failed": failed,
        "events": inspection.events.all(),
        "documents": documents,
        "can_draft": _can_draft(request.user, inspection),
    }
    return render(request, "inspections/detail.html", context, status=status)


def _can_draft(user, inspection) -> bool:
    """Enforcement documents are drawn up from an authority's inspection that has ended, by its drafters."""
    from anjian.enforcement.drafts import inspection_belongs_to
    from anjian.enforcement.permissions import can_draft

    return inspection.done and can_draft(user) and inspection_belongs_to(user, inspection)


def _documents(user, inspection) -> list:
    """The enforcement documents drawn up from this inspection, as far as the user may see them."""
    try:
        from anjian.enforcement.queries import documents_for_inspection
    except ImportError:
        return []
    return list(documents_for_inspection(user, inspection))


def inspection_detail(request, pk):
    return _detail(request, _get(request, pk))


def _run(name, request, inspection, data):
    user = request.user
    if name == "start":
        return services.inspection_start(actor=user, inspection=inspection, **data)
    if name == "complete":
        return services.inspection_complete(actor=user, inspection=inspection, summary=data["summary"])
    if name == "sign":
        return services.inspection_sign(actor=user, inspection=inspection, password=data["password"], request=request)
    if name == "sign-enterprise":
        return services.inspection_sign(
            actor=user, inspection=inspection, username=data["username"], password=data["password"], request=request
        )
    if name == "refuse":
        return services.inspection_refuse(actor=user, inspection=inspection, **data)
    if name == "addendum":
        return services.inspection_addendum(actor=user, inspection=inspection, text=data["text"])
    if name == "cancel":
        return services.inspection_cancel(actor=user, inspection=inspection, reason=data["reason"])
    raise Http404


DONE = {
    "start": _lazy("检查已开始。"),
    "complete": _lazy("检查已结束，请检查人员和被检查单位负责人签字。"),
    "sign": _lazy("已签字。"),
    "sign-enterprise": _lazy("被检查单位负责人已签字。"),
    "refuse": _lazy("已记录拒签。"),
    "addendum": _lazy("补充更正已记录。"),
    "cancel": _lazy("检查已取消。"),
}


@require_POST
def inspection_step(request, pk, step):
    inspection = _get(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form = STEP_FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        try:
            _run(step, request, inspection, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, DONE[step])
            if step == "start":
                return redirect("inspections:walk", inspection.pk)
            return redirect("inspections:detail", inspection.pk)
    return _detail(request, _get(request, pk), bound=(step, form), status=400)


# --- the walk (phone-first) --------------------------------------------------------------------------------------


RESULT_CHOICES = [
    (ItemResult.COMPLIANT.value, ItemResult.COMPLIANT.label),
    (ItemResult.NON_COMPLIANT.value, ItemResult.NON_COMPLIANT.label),
    (ItemResult.NOT_APPLICABLE.value, ItemResult.NOT_APPLICABLE.label),
]


def _item_context(request, inspection, item, form=None, hazard_form=None, members=None):
    user = request.user
    can_hazard = (
        item.failed
        and not item.hazard_id
        and _allowed(inspection, A.TO_HAZARD)
        and (perms.can_walk(user, inspection, members))
        and services._enterprise_may_know(inspection)  # not during a covert visit: a hazard tells the unit
    )
    bound = form is not None and form.is_bound
    return {
        "inspection": inspection,
        "item": item,
        # The radios and the note are written out in _item.html (a form's widget templates cost most of the
        # walk page's time at 120 items); a bound form with errors keeps what was typed.
        "form": form,
        "result_choices": RESULT_CHOICES,
        "current_result": form.data.get(f"i{item.pk}-result") if bound else item.result,
        "current_note": form.data.get(f"i{item.pk}-note", "") if bound else item.note,
        "hazard_form": hazard_form or (forms.ToHazardForm(prefix=f"h{item.pk}") if can_hazard else None),
        "can_grade": can_hazard and can_manage_hazard(user, inspection),
        "editable": _allowed(inspection, A.ANSWER),
    }


def inspection_walk(request, pk):
    inspection = _get(request, pk)
    members = {m.user_id for m in inspection.members.all()}
    if not perms.can_walk(request.user, inspection, members):
        raise PermissionDenied
    items = list(inspection.items.prefetch_related("photos").select_related("hazard"))
    sections = []
    for item in items:
        ctx = _item_context(request, inspection, item, members=members)
        if not sections or sections[-1][0] != item.section:
            sections.append((item.section, []))
        sections[-1][1].append(ctx)
    return render(
        request,
        "inspections/walk.html",
        {
            "inspection": inspection,
            "sections": sections,
            "complete_form": forms.CompleteForm(prefix="complete"),
            "can_complete": _allowed(inspection, A.COMPLETE),
        },
    )


def _walk_item(request, pk, item_pk):
    """The item and its inspection in one scoped query (no prefetches: a walk step needs none)."""
    item = get_object_or_404(
        InspectionItem.objects.select_related("inspection", "inspection__enterprise", "hazard"),
        pk=item_pk,
        inspection_id=pk,
        inspection__in=queries.inspections_visible_to(request.user).values("pk"),
    )
    return item.inspection, item


def _item_response(request, inspection, item, status=200, **kwargs):
    if request.headers.get("HX-Request"):
        item = InspectionItem.objects.prefetch_related("photos").select_related("hazard").get(pk=item.pk)
        inspection.refresh_from_db(fields=["items_answered", "items_failed", "hazards_found", "state"])
        context = _item_context(request, inspection, item, **kwargs)
        context["oob_progress"] = True
        return render(request, "inspections/_item.html", context, status=status)
    if status >= 400:
        for value in kwargs.values():
            if value is not None and getattr(value, "errors", None):
                messages.error(request, " ".join(" ".join(e) for e in value.errors.values()))
    return redirect(reverse("inspections:walk", args=[inspection.pk]) + f"#item-{item.pk}")


@require_POST
def item_answer(request, pk, item_pk):
    inspection, item = _walk_item(request, pk, item_pk)
    form = forms.AnswerForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            item = services.item_answer(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _item_response(request, inspection, item)
    return _item_response(request, inspection, item, status=400, form=form)


@require_POST
def item_photos(request, pk, item_pk):
    inspection, item = _walk_item(request, pk, item_pk)
    form = forms.PhotosForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["photos"]:
        try:
            services.item_add_photos(actor=request.user, item=item, photos=form.cleaned_data["photos"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, _("请选择照片。"))
    return redirect(reverse("inspections:walk", args=[inspection.pk]) + f"#item-{item.pk}")


@require_POST
def item_hazard(request, pk, item_pk):
    inspection, item = _walk_item(request, pk, item_pk)
    form = forms.ToHazardForm(request.POST, prefix=f"h{item.pk}")
    if form.is_valid():
        try:
            hazard = services.item_to_hazard(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if not request.headers.get("HX-Request"):
                messages.success(request, _("已转为隐患 {}。").format(hazard.number))
            item.refresh_from_db()
            return _item_response(request, inspection, item)
    return _item_response(request, inspection, item, status=400, hazard_form=form)


def photo(request, pk, photo_pk):
    """A photo, only to those who may see its inspection."""
    inspection = _get(request, pk)
    p = get_object_or_404(InspectionPhoto, pk=photo_pk, item__inspection=inspection)
    try:
        handle = p.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- checklist templates -----------------------------------------------------------------------------------------


def template_list(request):
    qs = (
        checklists.templates_visible_to(request.user)
        .select_related("authority")
        .order_by("authority_id", "code", "-version")
    )
    state = request.GET.get("state", "")
    if state in TemplateState.values:
        qs = qs.filter(state=state)
    return render(
        request,
        "inspections/templates.html",
        {
            "templates": list(qs[:300]),
            "state": state,
            "can_edit": request.user.role in checklists.TEMPLATE_EDITORS,
        },
    )


def _template(request, pk) -> ChecklistTemplate:
    return get_object_or_404(checklists.templates_visible_to(request.user).select_related("authority"), pk=pk)


def _template_page(request, template, *, bound=None, status=200):
    editable = template.state == TemplateState.DRAFT and (
        request.user.role in checklists.TEMPLATE_EDITORS and template.authority_id == request.user.authority_id
    )
    context = {
        "template": template,
        "items": list(template.items.all()),
        "editable": editable,
        "can_copy": request.user.role in checklists.TEMPLATE_EDITORS,
        "can_new_version": template.state != TemplateState.DRAFT
        and request.user.role in checklists.TEMPLATE_EDITORS
        and template.authority_id == request.user.authority_id,
        "copy_form": bound[1] if bound and bound[0] == "copy" else forms.TemplateCopyForm(prefix="copy"),
        "edit_form": bound[1]
        if bound and bound[0] == "edit"
        else forms.TemplateForm(
            prefix="edit",
            initial={
                "title": template.title,
                "theme": template.theme,
                "sectors": template.sectors,
                "audience": template.audience,
            },
        ),
        "item_form": bound[1] if bound and bound[0] == "add" else forms.TemplateItemForm(prefix="add"),
    }
    return render(request, "inspections/template.html", context, status=status)


def template_detail(request, pk):
    return _template_page(request, _template(request, pk))


TEMPLATE_STEPS = {
    "copy": forms.TemplateCopyForm,
    "edit": forms.TemplateForm,
    "add": forms.TemplateItemForm,
    "publish": None,
    "new-version": None,
}


@require_POST
def template_step(request, pk, step):
    template = _template(request, pk)
    if step not in TEMPLATE_STEPS:
        raise Http404
    cls = TEMPLATE_STEPS[step]
    form = cls(request.POST, prefix=step) if cls else None
    if form is None or form.is_valid():
        data = form.cleaned_data if form else {}
        try:
            if step == "copy":
                result = checklists.template_copy(actor=request.user, template=template, **data)
                messages.success(request, _("已复制为本机构草稿，请修改后发布。"))
            elif step == "edit":
                result = checklists.template_update(actor=request.user, template=template, data=data)
                messages.success(request, _("已保存。"))
            elif step == "add":
                checklists.item_add(actor=request.user, template=template, data=data)
                result = template
                messages.success(request, _("检查项已增加。"))
            elif step == "publish":
                result = checklists.template_publish(actor=request.user, template=template)
                messages.success(request, _("检查表已发布，此版本不再修改。"))
            else:
                result = checklists.template_new_version(actor=request.user, template=template)
                messages.success(request, _("已生成第 {} 版草稿。").format(result.version))
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("inspections:template", template.pk)
            apply_service_errors(form, exc)
        except ServiceError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect("inspections:template", template.pk)
            form.add_error(None, exc.message)
        else:
            return redirect("inspections:template", result.pk)
    return _template_page(request, template, bound=(step, form), status=400)


@require_POST
def template_item_step(request, item_pk, step):
    item = get_object_or_404(
        ChecklistTemplateItem.objects.select_related("template"),
        pk=item_pk,
        template__in=checklists.templates_visible_to(request.user),
    )
    try:
        if step == "delete":
            checklists.item_delete(actor=request.user, item=item)
            messages.success(request, _("检查项已删除。"))
        elif step == "edit":
            form = forms.TemplateItemForm(request.POST, prefix=f"item{item.pk}")
            if not form.is_valid():
                messages.error(
                    request, _("检查项内容有误：{}").format(" ".join(" ".join(e) for e in form.errors.values()))
                )
            else:
                data = {k: v for k, v in form.cleaned_data.items() if not (k == "position" and v is None)}
                checklists.item_update(actor=request.user, item=item, data=data)
                messages.success(request, _("检查项已保存。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:template", item.template_id)
