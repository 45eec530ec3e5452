"""Pages of hazard governance: the ledger, reporting (phone-first), one hazard with every step it
allows the user, rectification (phone-first), counters, listings, reports and the public notice."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts.roles import ENTERPRISE_ROLES, ENTERPRISE_SELF_EDITORS, Role
from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.models import Region
from anjian.core.paging import keyset_page, ledger_response
from anjian.core.queries import townships_visible_to
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards import excel, forms, queries, reports, services
from anjian.hazards import permissions as perms
from anjian.hazards.choices import ALLOWED_IN, TRANSITIONS, Action, ExtensionState, PhotoKind
from anjian.hazards.filters import HazardFilter
from anjian.hazards.models import Hazard, HazardPhoto, HazardReport
from anjian.rules import major_hazard
from anjian.rules.hazard_schedule import Period, due_date, latest_closed_periods


def _filtered(request):
    base = queries.hazards_visible_to(request.user, for_list=True).select_related("enterprise")
    return HazardFilter(request.GET, queryset=base, request=request)


def hazard_list(request):
    return ledger_response(
        request, _filtered(request), template="hazards/list.html", rows_template="hazards/_rows.html",
        context={"can_report": bool(perms.routes_for(request.user))},
        page_context=lambda: {
            "regions": list(townships_visible_to(request.user).only("code", "name").order_by("code"))
        },
    )


def hazard_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect("hazards:list")
    try:
        content = excel.export_ledger(flt.qs, title=_("隐患排查治理台账"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("hazards:list")
    return xlsx_response(content, excel.export_filename())


@require_http_methods(["GET", "POST"])
def hazard_report(request):
    routes = perms.routes_for(request.user)
    if not routes:
        raise PermissionDenied
    enterprises = enterprises_visible_to(request.user).order_by("name")
    initial = {}
    if request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    elif request.user.role in ENTERPRISE_ROLES:
        initial["enterprise"] = request.user.enterprise_id
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, enterprises=enterprises, routes=routes, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise, photos = data.pop("enterprise"), data.pop("photos")
        try:
            hazard = services.hazard_report(actor=request.user, enterprise=enterprise, data=data, photos=photos)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("隐患已上报，编号 {}。").format(hazard.number))
            return redirect("hazards:detail", hazard.pk)
    return render(request, "hazards/report.html", {"form": form}, status=400 if form.errors else 200)


def _get(request, pk) -> Hazard:
    try:
        return queries.hazard_for_user(request.user, pk)
    except Hazard.DoesNotExist:
        raise Http404 from None


def _allowed(hazard: Hazard, action: str) -> bool:
    sources = TRANSITIONS[action][0] if action in TRANSITIONS else ALLOWED_IN[action]
    return hazard.state in sources


def _criteria(hazard):
    return [(c, major_hazard.label(c)) for c in services.criteria_for_hazard(hazard)]


def _forms_for(request, hazard: Hazard, bound: tuple[str, object] | None = None) -> dict:
    """The step forms this user may use on this hazard now (a bound one keeps its errors)."""
    user = request.user
    out = {}
    manage, submit, verify = (
        perms.can_manage(user, hazard),
        perms.can_submit(user, hazard),
        perms.can_verify(user, hazard),
    )
    pending = next((e for e in hazard.extensions.all() if e.state == ExtensionState.PENDING), None)
    candidates = {
        "confirm": manage and _allowed(hazard, Action.CONFIRM),
        "reject": manage and _allowed(hazard, Action.REJECT),
        "plan": manage and _allowed(hazard, Action.SAVE_PLAN),
        "start": manage and _allowed(hazard, Action.START),
        "control": manage and _allowed(hazard, Action.TEMPORARY_CONTROL),
        "checkin": _allowed(hazard, Action.CHECKIN) and perms.can_checkin(user, hazard),
        "resume": manage and _allowed(hazard, Action.RESUME),
        "verify": verify and _allowed(hazard, Action.VERIFY),
        "return": verify and _allowed(hazard, Action.RETURN),
        "extension": submit and pending is None and _allowed(hazard, Action.EXTENSION_REQUEST),
        "decide": pending is not None
        and perms.can_decide_extension(user, hazard)
        and pending.requested_by_id != user.pk,
        "listing": hazard.is_major
        and not hazard.listed
        and perms.listing_level(user) is not None
        and _allowed(hazard, Action.LIST),
    }
    for name, ok in candidates.items():
        if not ok:
            continue
        if bound and bound[0] == name:
            out[name] = bound[1]
            continue
        cls = STEP_FORMS[name]
        if name == "start":  # a second button on the plan form
            out[name] = True
        elif name == "confirm":
            out[name] = cls(prefix=name, criteria=_criteria(hazard))
        elif name == "plan":
            out[name] = cls(
                prefix=name,
                hazard=hazard,
                initial={f: getattr(hazard, f) for f in services.PLAN_FIELDS if hasattr(hazard, f)},
            )
        elif name == "control":
            out[name] = cls(prefix=name, initial={"contingency_plan": hazard.contingency_plan})
        else:
            out[name] = cls(prefix=name)
    out["pending_extension"] = pending
    out["can_submit"] = submit and _allowed(hazard, Action.SUBMIT)
    out["can_add_photo"] = submit and _allowed(hazard, Action.PHOTO)
    return out


def _detail(request, hazard, bound=None, status=200):
    context = {
        "hazard": hazard,
        "forms": _forms_for(request, hazard, bound),
        # A plan form shown again with its errors marks the missing fields itself.
        "missing": [str(Hazard._meta.get_field(f).verbose_name) for f in services.missing_plan_fields(hazard)]
        if hazard.grade and not (bound and bound[0] == "plan")
        else [],
        "photos_before": [p for p in hazard.photos.all() if p.kind == PhotoKind.BEFORE],
        "photos_after": [p for p in hazard.photos.all() if p.kind == PhotoKind.AFTER],
        "events": hazard.events.select_related("actor").all(),
        "listings": hazard.listings.select_related("authority").all(),
        "today": timezone.localdate(),
        "earlier_inspections": _earlier_inspections(request.user, hazard),
        "source_inspection": _source_inspection(request.user, hazard),
    }
    return render(request, "hazards/detail.html", context, status=status)


def _source_inspection(user, hazard):
    """The inspection whose finding this hazard is, when the user may see it."""
    from anjian.inspections.queries import inspections_visible_to

    item = getattr(hazard, "inspection_item", None)
    if item is None:
        return None
    return inspections_visible_to(user).filter(pk=item.inspection_id).first()


def _earlier_inspections(user, hazard) -> list:
    """谁遗漏谁负责: the inspections of this enterprise that ended shortly before the hazard was found, with who
    signed them — shown to officers, and not for the inspection the hazard itself came from."""
    from anjian.inspections.queries import earlier_inspections
    from anjian.inspections.services import lookback_days

    if not user.is_authority_user:
        return []
    source = getattr(hazard, "inspection_item", None)
    qs = earlier_inspections(hazard.enterprise_id, hazard.found_at, lookback_days())
    if source is not None:
        qs = qs.exclude(pk=source.inspection_id)
    return list(qs[:5])


def hazard_detail(request, pk):
    hazard = _get(request, pk)
    return _detail(request, hazard)


STEP_FORMS = {
    "confirm": forms.ConfirmForm,
    "reject": forms.ReasonForm,
    "plan": forms.PlanForm,
    "start": forms.PlanForm,
    "control": forms.ControlForm,
    "checkin": forms.NoteForm,
    "resume": forms.ReasonForm,
    "verify": forms.VerifyForm,
    "return": forms.ReasonForm,
    "extension": forms.ExtensionForm,
    "decide": forms.DecideForm,
    "listing": forms.ListingForm,
}


def _run(name, user, hazard, data):
    if name == "confirm":
        return services.hazard_confirm(actor=user, hazard=hazard, **data)
    if name == "reject":
        return services.hazard_reject(actor=user, hazard=hazard, reason=data["reason"])
    if name == "plan":
        return services.hazard_save_plan(actor=user, hazard=hazard, data=data)
    if name == "start":
        return services.hazard_start(actor=user, hazard=hazard, data=data)
    if name == "control":
        return services.hazard_temporary_control(actor=user, hazard=hazard, **data)
    if name == "checkin":
        return services.hazard_checkin(actor=user, hazard=hazard, note=data["note"])
    if name == "resume":
        return services.hazard_resume(actor=user, hazard=hazard, reason=data["reason"])
    if name == "verify":
        return services.hazard_verify(actor=user, hazard=hazard, **data)
    if name == "return":
        return services.hazard_return(actor=user, hazard=hazard, reason=data["reason"])
    if name == "extension":
        return services.extension_request(actor=user, hazard=hazard, **data)
    if name == "decide":
        pending = hazard.extensions.filter(state=ExtensionState.PENDING).first()
        if pending is None:
            raise ValidationError(_("没有待审批的延期申请。"))
        return services.extension_decide(actor=user, extension=pending, **data)
    if name == "listing":
        return services.listing_create(actor=user, hazard=hazard, **data)
    raise Http404


DONE = {
    "confirm": _lazy("隐患已确认。"),
    "reject": _lazy("已认定不属于隐患。"),
    "plan": _lazy("整改方案已保存。"),
    "start": _lazy("已开始整改。"),
    "control": _lazy("已转入临时管控。"),
    "checkin": _lazy("管控检查已记录。"),
    "resume": _lazy("已恢复整改。"),
    "verify": _lazy("隐患已验收闭环。"),
    "return": _lazy("已退回整改。"),
    "extension": _lazy("延期申请已提交。"),
    "decide": _lazy("延期申请已审批。"),
    "listing": _lazy("已挂牌督办。"),
}


@require_POST
def hazard_step(request, pk, step):
    hazard = _get(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    cls = STEP_FORMS[step]
    kwargs = {"prefix": "plan" if step == "start" else step}
    if cls is forms.ConfirmForm:
        kwargs["criteria"] = _criteria(hazard)
    if cls is forms.PlanForm:
        kwargs["hazard"] = hazard
    form = cls(request.POST, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        if cls is forms.PlanForm:
            data = {
                k: v for k, v in data.items() if k in request.POST.keys() or f"{kwargs['prefix']}-{k}" in request.POST
            }
        try:
            _run(step, request.user, hazard, data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except services.PlanIncompleteError as exc:
            form.add_error(None, exc.message)
            for name in exc.extra.get("missing", []):
                if name in form.fields:
                    form.add_error(name, ValidationError(_("此项为必填项。"), code="required"))
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, DONE[step])
            return redirect("hazards:detail", hazard.pk)
    hazard = _get(request, pk)
    return _detail(request, hazard, bound=("plan" if step == "start" else step, form), status=400)


@require_http_methods(["GET", "POST"])
def hazard_rectify(request, pk):
    """Phone-first: what was done, with after-photos, in one page."""
    hazard = _get(request, pk)
    if not perms.can_submit(request.user, hazard):
        raise PermissionDenied
    form = forms.SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_submit(
                actor=request.user, hazard=hazard, note=form.cleaned_data["note"], photos=form.cleaned_data["photos"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("整改情况已提交，等待验收。") if not hazard.is_major else _("已申请销号，等待监管部门验收。")
            )
            return redirect("hazards:detail", hazard.pk)
    last_return = hazard.events.filter(action=Action.RETURN).order_by("-id").first()
    context = {"hazard": hazard, "form": form, "last_return": last_return}
    return render(request, "hazards/rectify.html", context, status=400 if form.errors else 200)


@require_POST
def hazard_add_photos(request, pk):
    hazard = _get(request, pk)
    form = forms.PhotosForm(request.POST, request.FILES)
    kind = request.POST.get("kind", PhotoKind.BEFORE)
    if form.is_valid():
        try:
            services.hazard_add_photos(actor=request.user, hazard=hazard, kind=kind, photos=form.cleaned_data["photos"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, _("请选择照片。"))
    return redirect("hazards:detail", hazard.pk)


def hazard_photo(request, pk, photo_id):
    """A photo, only to those who may see its hazard (uploads are never public files)."""
    hazard = _get(request, pk)
    photo = get_object_or_404(HazardPhoto, pk=photo_id, hazard=hazard)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def hazard_stats(request):
    """The counters of the user's scope: from the rollup tables, never a GROUP BY over hazards."""
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    context = {
        "all_time": queries.counters_for(request.user),
        "this_year": queries.counters_for(request.user, since=year_start),
        "monthly": queries.monthly_for(request.user, today=today),
        "by_region": queries.by_region_for(request.user, _child_regions(request.user)),
        "year": today.year,
    }
    return render(request, "hazards/stats.html", context)


def _child_regions(user):
    if user.role not in perms.SUPERVISORS | {Role.TOWNSHIP_OFFICER, Role.EXPERT} or not user.authority_id:
        return []
    region = user.authority.region
    return list(Region.objects.filter(parent=region).order_by("code"))


def listing_list(request):
    qs = queries.listings_visible_to(request.user).select_related("hazard", "hazard__enterprise", "authority")
    if request.GET.get("active") != "0":
        qs = qs.filter(lifted_at__isnull=True)
    page = keyset_page(qs, request.GET)
    return render(
        request,
        "hazards/listings.html",
        {"page": page, "next_query": page.next_query(request.GET) if page.next_after else ""},
    )


def public_listings(request):
    """挂牌督办公告: open to everyone, shows only what the bureau chose to announce."""
    page = keyset_page(queries.public_listings(), request.GET, page_size=30)
    return render(
        request,
        "hazards/public_listings.html",
        {"page": page, "next_query": page.next_query(request.GET) if page.next_after else ""},
    )


def report_list(request):
    user = request.user
    today = timezone.localdate()
    quarter, year = latest_closed_periods(today)
    key = request.GET.get("period", "")
    try:
        period = Period.parse(key) if key else quarter
    except ValueError:
        period = quarter
        messages.error(request, _("统计期格式不正确，已显示最近结束的季度。"))
    context = {
        "period": period,
        "periods": [quarter, year, quarter.previous()],
        "today": today,
        "due": due_date(period),
        "is_enterprise": user.role in ENTERPRISE_ROLES,
    }
    if user.role in ENTERPRISE_ROLES:
        context["reports"] = HazardReport.objects.filter(enterprise_id=user.enterprise_id).order_by("-period")
        context["can_generate"] = user.role in ENTERPRISE_SELF_EDITORS
        context["can_sign"] = user.role == Role.ENTERPRISE_PRINCIPAL
    else:
        reports_qs = (
            queries.reports_visible_to(user).filter(period=period.key).select_related("enterprise", "signed_by")
        )
        context["reports"] = keyset_page(reports_qs, request.GET).items
        missing = reports.missing_reports(user, period)
        context["missing"] = keyset_page(missing, request.GET).items
    return render(request, "hazards/reports.html", context)


@require_POST
def report_generate(request):
    enterprise = get_object_or_404(Enterprise, pk=request.user.enterprise_id or 0)
    try:
        report = reports.report_generate(
            actor=request.user, enterprise=enterprise, period_key=request.POST.get("period", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("{} 统计报表已生成，请核对后由主要负责人签字报送。").format(report.period))
    return redirect("hazards:reports")


@require_POST
def report_submit(request, pk):
    report = get_object_or_404(queries.reports_visible_to(request.user), pk=pk)
    try:
        reports.report_sign_and_submit(actor=request.user, report=report)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("统计报表已签字报送。"))
    return redirect("hazards:reports")
