"""Pages of the enterprise file: list, detail, create, edit, import, export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.core.errors import PermissionDeniedError
from anjian.core.forms import apply_service_errors
from anjian.core.models import AuditEvent
from anjian.core.paging import keyset_page
from anjian.core.queries import townships_visible_to
from anjian.enterprises import excel, services
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.forms import EnterpriseForm, EnterpriseSelfForm, ImportForm
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprise_for_user, enterprises_visible_to
from anjian.enterprises.staffing import staffing_verdict
from anjian.hazards.permissions import routes_for
from anjian.hazards.queries import enterprise_summary
from anjian.rules.uscc import org_code_warning


def _filtered(request):
    base = enterprises_visible_to(request.user).select_related("region").prefetch_related("sector_links")
    return EnterpriseFilter(request.GET, queryset=base, request=request)


def enterprise_list(request):
    flt = _filtered(request)
    page = keyset_page(flt.qs, request.GET) if flt.is_valid() else keyset_page(Enterprise.objects.none(), {})
    context = {
        "filter": flt,
        "page": page,
        "next_query": page.next_query(request.GET) if page.next_after else "",
        "first_query": page.first_query(request.GET),
        "can_create": services.can_create_enterprise(request.user),
    }
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    if not partial:
        context["regions"] = list(townships_visible_to(request.user).only("code", "name").order_by("code"))
    response = render(request, "enterprises/_list_rows.html" if partial else "enterprises/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _get(request, pk) -> Enterprise:
    try:
        return enterprise_for_user(request.user, pk)
    except Enterprise.DoesNotExist:
        raise Http404 from None


def enterprise_detail(request, pk):
    enterprise = _get(request, pk)
    history = AuditEvent.objects.filter(
        object_type=Enterprise._meta.label_lower, object_id=str(enterprise.pk)
    ).order_by("-seq")[:50]
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "staffing": staffing_verdict(enterprise),
            "uscc_warning": org_code_warning(enterprise.uscc) if enterprise.uscc else None,
            "history": history,
            "can_edit": services.can_edit_enterprise(request.user, enterprise),
            "hazards": enterprise_summary(enterprise),
            "can_report_hazard": bool(routes_for(request.user)),
            **_inspection_context(request.user, enterprise),
            **_accident_context(request.user, enterprise),
            **_people_context(request.user, enterprise),
            **_equipment_context(request.user, enterprise),
        },
    )


def _inspection_context(user, enterprise) -> dict:
    """The enterprise file's 检查与执法 tab: its latest inspections and enforcement documents in the user's view."""
    from anjian.inspections.permissions import kinds_for
    from anjian.inspections.queries import inspections_visible_to

    inspections = list(
        inspections_visible_to(user).filter(enterprise=enterprise).select_related("authority").order_by("-id")[:20]
    )
    try:
        from anjian.enforcement.queries import documents_for_enterprise
    except ImportError:
        documents = []
    else:
        documents = list(documents_for_enterprise(user, enterprise)[:20])
    return {"inspections": inspections, "documents": documents, "can_plan_inspection": bool(kinds_for(user))}


def _accident_context(user, enterprise) -> dict:
    """The enterprise file's 事故 tab: its accidents and near misses in the user's view."""
    from anjian.accidents.queries import accidents_visible_to
    from anjian.accidents.reporting import can_report

    accidents = list(accidents_visible_to(user).filter(enterprise=enterprise).order_by("-occurred_at")[:20])
    return {"accidents": accidents, "can_report_accident": can_report(user)}


def _people_context(user, enterprise) -> dict:
    """The enterprise file's 人员 tab: staff counts, who may not work, recent training, certificates due."""
    from anjian.people.views import enterprise_tab_context

    return enterprise_tab_context(user, enterprise)


def _equipment_context(user, enterprise) -> dict:
    """The enterprise file's 特种设备 tab: the register's counts, what is due or overdue, what may not be used."""
    from anjian.equipment.views import enterprise_tab_context

    return enterprise_tab_context(user, enterprise)


@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    if not services.can_create_enterprise(request.user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(
                actor=request.user, data=form.service_data(), sectors=form.cleaned_data["sectors"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已登记“{}”。").format(enterprise.name))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": _("登记企业")})


@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = _get(request, pk)
    if not services.can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    form_cls = EnterpriseForm if request.user.role in services.ENTERPRISE_WRITERS else EnterpriseSelfForm
    form = form_cls(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        sectors = form.cleaned_data.get("sectors") if form_cls is EnterpriseForm else None
        try:
            services.enterprise_update(
                actor=request.user, enterprise=enterprise, data=form.service_data(), sectors=sectors
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDeniedError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("已保存。"))
            return redirect("enterprises:detail", pk=pk)
    return render(
        request, "enterprises/form.html", {"form": form, "title": _("修改企业档案"), "enterprise": enterprise}
    )


def import_template(request):
    if not services.can_create_enterprise(request.user):
        raise PermissionDenied
    return excel.xlsx_response(excel.build_template(), "企业导入模板.xlsx")


@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    if not services.can_create_enterprise(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = excel.import_enterprises(actor=request.user, file=form.cleaned_data["file"])
        except excel.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                messages.success(request, _("已导入 {} 家企业。").format(result.created))
                return redirect("enterprises:list")
    return render(request, "enterprises/import.html", {"form": form, "result": result})


def enterprise_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，未导出。"))
        return redirect("enterprises:list")
    try:
        content = excel.export_enterprises(flt.qs)
    except excel.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("enterprises:list")
    return excel.xlsx_response(content, excel.export_filename())
