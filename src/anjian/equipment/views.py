"""Pages of the special-equipment register: the ledger (filtered, keyset-paged, exportable) per unit and across a
jurisdiction; one equipment with its clocks, inspections, operators, reminders and the hazard an overdue date
opened; registering and editing; recording an inspection with the rules' proposal; naming and releasing
operators; stopping, scrapping and re-enabling. The enterprise file's Equipment tab comes from
:func:`enterprise_tab_context` and ``equipment/_enterprise_tab.html``."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts.roles import ENTERPRISE_ROLES, ENTERPRISE_SELF_EDITORS
from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.paging import ledger_response
from anjian.core.queries import townships_visible_to
from anjian.core.xlsx import ledger_xlsx
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.equipment import forms, queries, services
from anjian.equipment.choices import Conclusion, EquipmentKind, EquipmentState
from anjian.equipment.filters import DUE_SOON, OVERDUE, EquipmentFilter, due_q
from anjian.equipment.models import EquipmentOperator, SpecialEquipment
from anjian.people.choices import EmployeeState
from anjian.people.permissions import can_keep, may_keep_any
from anjian.people.queries import employees_visible_to
from anjian.rules import equipment as rules

# An id in a query string: ASCII digits that fit a bigint ("²".isdigit() is True, but int("²") fails).
ID_TEXT = re.compile(r"[0-9]{1,18}", re.ASCII)
ENTERPRISE_SELECT_LIMIT = 300  # beyond this the ledger's unit filter is a link from the enterprise file
STATE_ACTIONS = {
    EquipmentState.STOPPED: _lazy("停用"),
    EquipmentState.SCRAPPED: _lazy("报废"),
    EquipmentState.IN_USE: _lazy("重新启用"),
}


# --- the ledger ----------------------------------------------------------------------------------------------------


def _filtered(request):
    base = queries.equipment_visible_to(request.user, for_list=True).select_related("enterprise")
    return EquipmentFilter(request.GET, queryset=base, request=request)


def _filter_enterprises(user) -> list:
    if user.role in ENTERPRISE_ROLES:
        return []
    rows = list(enterprises_visible_to(user).order_by("name").only("id", "name")[: ENTERPRISE_SELECT_LIMIT + 1])
    return rows if len(rows) <= ENTERPRISE_SELECT_LIMIT else []


def equipment_list(request):
    return ledger_response(
        request, _filtered(request), template="equipment/ledger.html", rows_template="equipment/_rows.html",
        context={"can_register": may_keep_any(request.user), "today": timezone.localdate()},
        page_context=lambda: {
            "regions": list(townships_visible_to(request.user).only("code", "name").order_by("code")),
            "enterprises": _filter_enterprises(request.user),
            "due_soon": DUE_SOON,
            "overdue": OVERDUE,
        },
    )


EXPORT_COLUMNS = (
    (_lazy("序号"), 6), (_lazy("使用单位"), 26), (_lazy("设备名称"), 20), (_lazy("设备种类"), 14),
    (_lazy("设备类别"), 16), (_lazy("设备代码"), 22), (_lazy("使用登记证编号"), 18), (_lazy("使用地点"), 20),
    (_lazy("制造单位"), 20), (_lazy("出厂编号"), 14), (_lazy("投入使用日期"), 12), (_lazy("安全状况等级"), 8),
    (_lazy("最近检验类别"), 10), (_lazy("最近检验日期"), 12), (_lazy("检验机构"), 22), (_lazy("检验结论"), 12),
    (_lazy("报告编号"), 18), (_lazy("下次检验日期"), 12), (_lazy("下次检验类别"), 10), (_lazy("使用状态"), 8),
    (_lazy("可以使用"), 8), (_lazy("不可使用原因"), 30),
)


def _latest_inspections(ids: list[int]) -> dict:
    from anjian.equipment.models import EquipmentInspection

    out = {}
    rows = EquipmentInspection.objects.filter(equipment_id__in=ids).order_by("equipment_id", "-inspected_on", "-id")
    for row in rows:
        out.setdefault(row.equipment_id, row)
    return out


def export_rows(queryset):
    """One row per equipment, its last inspection read a chunk at a time."""
    n = 0
    chunk: list[SpecialEquipment] = []

    def flush():
        nonlocal n
        latest = _latest_inspections([e.pk for e in chunk])
        for e in chunk:
            n += 1
            last = latest.get(e.pk)
            yield [
                n, e.enterprise.name, e.name, services.kind_label(e.kind), services.subtype_label(e.kind, e.subtype)
                + (_("（吊运熔融金属）") if e.molten_metal else ""), e.registration_code or "",
                e.use_registration_number, e.location, e.manufacturer, e.factory_number,
                e.commissioned_on.isoformat() if e.commissioned_on else "", e.safety_grade or "",
                services.inspection_kind_label(last.inspection_kind) if last else "",
                last.inspected_on.isoformat() if last else "", last.body if last else "",
                str(Conclusion(last.conclusion).label) if last else "", last.report_number if last else "",
                e.next_due.isoformat() if e.next_due else "",
                services.inspection_kind_label(e.next_due_kind) if e.next_due_kind else "",
                str(EquipmentState(e.state).label), _("是") if e.usable else _("否"), e.unusable_reason,
            ]

    for equipment in queryset.order_by("-id").iterator(chunk_size=500):
        chunk.append(equipment)
        if len(chunk) == 500:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def equipment_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect("equipment:equipment_list")
    try:
        content = ledger_xlsx(sheet=_("特种设备台账"), title=_("特种设备安全管理台账"),
                              columns=[(str(name), width) for name, width in EXPORT_COLUMNS],
                              rows=export_rows(flt.qs))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("equipment:equipment_list")
    return xlsx_response(content, "特种设备台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d")))


# --- one equipment -------------------------------------------------------------------------------------------------


def _get(request, pk) -> SpecialEquipment:
    try:
        return queries.equipment_for_user(request.user, pk)
    except SpecialEquipment.DoesNotExist:
        raise Http404 from None


def _keeper(request, equipment: SpecialEquipment) -> None:
    if not can_keep(request.user, equipment.enterprise):
        raise PermissionDenied


def clock_rows(equipment: SpecialEquipment, today: datetime.date) -> list[dict]:
    rows = []
    for due in sorted(equipment.dues.all(), key=lambda d: d.due_on):
        by = rules.request_by(due.due_on)
        status = "overdue" if today > due.due_on else ("request" if by <= today else "ok")
        rows.append({
            "kind": due.inspection_kind, "label": services.inspection_kind_label(due.inspection_kind),
            "due_on": due.due_on, "request_by": by, "status": status, "days_left": (due.due_on - today).days,
        })
    return rows


def operator_rows(equipment: SpecialEquipment, today: datetime.date) -> list[dict]:
    rows = []
    items = services.operator_items(equipment.kind)
    for op in equipment.operators.select_related("employee").order_by("ended_on", "-assigned_on", "-id"):
        certs = services.valid_operator_certificates(op.employee, kind=equipment.kind, on=today) if items else []
        rows.append({"row": op, "certificates": certs, "ok": bool(certs) or not items})
    return rows


def _state_moves(equipment: SpecialEquipment) -> list[tuple[str, str]]:
    return [(state, STATE_ACTIONS[state]) for state in (EquipmentState.STOPPED, EquipmentState.IN_USE,
                                                         EquipmentState.SCRAPPED)
            if state in services.STATE_MOVES[equipment.state]]


def equipment_detail(request, pk):
    equipment = _get(request, pk)
    today = timezone.localdate()
    keep = can_keep(request.user, equipment.enterprise)
    inspections = list(equipment.inspections.select_related("recorded_by").all())
    reminders = list(equipment.reminders.select_related("hazard").order_by("-due_on", "-id"))
    context = {
        "equipment": equipment,
        "kind_label": services.kind_label(equipment.kind),
        "subtype_label": services.subtype_label(equipment.kind, equipment.subtype),
        "clocks": clock_rows(equipment, today),
        "inspections": inspections,
        "operators": operator_rows(equipment, today),
        "operator_items": services.item_names(services.operator_items(equipment.kind)),
        "reminders": reminders,
        "can_keep": keep and equipment.state != EquipmentState.SCRAPPED,
        "state_moves": _state_moves(equipment) if keep else [],
        "today": today,
        "unit_visible": enterprises_visible_to(request.user).filter(pk=equipment.enterprise_id).exists(),
    }
    return render(request, "equipment/detail.html", context)


# --- register and edit ---------------------------------------------------------------------------------------------


def _keepable_enterprises(user):
    return enterprises_visible_to(user).order_by("name")


def _apply_errors(form, last, exc: ValidationError) -> None:
    """The service's errors on the equipment form, those of the last report (``last_inspection.x``) on its form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    own, nested = {}, {}
    for name, errors in exc.error_dict.items():
        if name.startswith("last_inspection.") and last is not None:
            nested[name.split(".", 1)[1]] = errors
        else:
            own[name] = errors
    if own:
        apply_service_errors(form, ValidationError(own))
    if nested:
        apply_service_errors(last, ValidationError(nested))


@require_http_methods(["GET", "POST"])
def equipment_new(request):
    user = request.user
    if not may_keep_any(user):
        raise PermissionDenied
    own = Enterprise.objects.filter(pk=user.enterprise_id).first() if user.role in ENTERPRISE_SELF_EDITORS else None
    initial = {}
    if own is None and ID_TEXT.fullmatch(request.GET.get("enterprise", "")):
        initial["enterprise"] = int(request.GET["enterprise"])
    post = request.POST if request.method == "POST" else None
    form = forms.EquipmentForm(post, enterprises=None if own else _keepable_enterprises(user), initial=initial)
    last = forms.InspectionForm(post, prefix="last", optional=True)
    if request.method == "POST":
        form_ok, last_ok = form.is_valid(), last.is_valid()
        if form_ok and last_ok:
            data = form.service_data()
            if not last.is_blank():
                data["last_inspection"] = last.service_data()
            try:
                equipment = services.equipment_register(
                    actor=user, enterprise=own or form.cleaned_data["enterprise"], data=data)
            except ValidationError as exc:
                _apply_errors(form, last, exc)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已登记特种设备「{name}」。").format(name=equipment.name))
                if not equipment.usable:
                    messages.warning(request, _("该设备目前不可使用：{reason}。").format(
                        reason=equipment.unusable_reason))
                return redirect("equipment:equipment_detail", equipment.pk)
    errors = bool(form.errors or last.errors)
    context = {"form": form, "last": last, "creating": True, "own": own}
    return render(request, "equipment/form.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def equipment_edit(request, pk):
    equipment = _get(request, pk)
    _keeper(request, equipment)
    form = forms.EquipmentForm(request.POST if request.method == "POST" else None, instance=equipment)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_update(actor=request.user, equipment=equipment, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("设备信息已保存。"))
            return redirect("equipment:equipment_detail", equipment.pk)
    return render(request, "equipment/form.html", {"form": form, "equipment": equipment, "creating": False},
                  status=400 if form.errors else 200)


# --- inspections ---------------------------------------------------------------------------------------------------


def _proposal(equipment, form):
    try:
        return services.inspection_proposal(equipment=equipment, data=form.proposal_input())
    except ValidationError:
        return None


def _refused_interval(exc: ValidationError) -> bool:
    """The entered date was refused only for want of the confirmation (exceeds the maximum, below the minimum)."""
    errors = exc.error_dict.get("next_due", []) if hasattr(exc, "error_dict") else []
    return any(e.code in ("exceeds_max_interval", "below_min_interval") for e in errors)


@require_http_methods(["GET", "POST"])
def equipment_inspection_new(request, pk):
    """The report form. "查看规则建议" shows the rules' proposal (and fills an empty next date with it) without
    saving; saving a date beyond the maximum asks for the confirmation the report justifies."""
    equipment = _get(request, pk)
    _keeper(request, equipment)
    if request.method == "GET":
        form = forms.InspectionForm(equipment=equipment, initial={"conclusion": Conclusion.PASS})
        return render(request, "equipment/inspection_form.html", {"equipment": equipment, "form": form})
    confirm = request.POST.get("confirm_exceeds") in ("on", "true", "True", "1")
    form = forms.InspectionForm(request.POST, equipment=equipment, confirm=confirm)
    proposal, refusal = None, None
    try:
        proposal = services.inspection_proposal(equipment=equipment, data=form.proposal_input())
    except ValidationError as exc:
        refusal = exc
    status = 400
    if request.POST.get("action") == "propose":
        initial = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        if proposal is not None and proposal.default_due and not initial.get("next_due"):
            initial["next_due"] = proposal.default_due
        form = forms.InspectionForm(equipment=equipment, initial=initial, confirm=confirm)
        if refusal is not None:
            for text in refusal.messages:
                messages.error(request, text)
        else:
            status = 200
    elif form.is_valid():
        try:
            services.inspection_record(actor=request.user, equipment=equipment, data=form.service_data())
        except ValidationError as exc:
            if _refused_interval(exc) and not confirm:
                form = forms.InspectionForm(request.POST, equipment=equipment, confirm=True)
                form.is_valid()
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            equipment = SpecialEquipment.objects.get(pk=equipment.pk)
            messages.success(request, _("检验记录已保存。"))
            if not equipment.usable:
                messages.warning(request, _("该设备目前不可使用：{reason}。").format(reason=equipment.unusable_reason))
            return redirect("equipment:equipment_detail", equipment.pk)
    by = rules.request_by(proposal.default_due) if proposal is not None and proposal.default_due else None
    context = {"equipment": equipment, "form": form, "proposal": proposal, "proposal_request_by": by}
    return render(request, "equipment/inspection_form.html", context, status=status)


# --- operators -----------------------------------------------------------------------------------------------------


def _employees(request, equipment):
    return (employees_visible_to(request.user).filter(enterprise_id=equipment.enterprise_id,
                                                      state=EmployeeState.ACTIVE).order_by("name", "id"))


@require_http_methods(["GET", "POST"])
def equipment_operator_new(request, pk):
    equipment = _get(request, pk)
    _keeper(request, equipment)
    form = forms.OperatorForm(request.POST if request.method == "POST" else None,
                              employees=_employees(request, equipment))
    if request.method == "POST" and form.is_valid():
        try:
            services.operator_assign(actor=request.user, equipment=equipment, employee=form.cleaned_data["employee"],
                                     assigned_on=form.cleaned_data.get("assigned_on"))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已指定作业人员{name}。").format(name=form.cleaned_data["employee"].name))
            return redirect(reverse("equipment:equipment_detail", args=[equipment.pk]) + "#operators")
    context = {"equipment": equipment, "form": form,
               "operator_items": services.item_names(services.operator_items(equipment.kind))}
    return render(request, "equipment/operator_form.html", context, status=400 if form.errors else 200)


@require_POST
def equipment_operator_release(request, pk, operator_pk):
    equipment = _get(request, pk)
    _keeper(request, equipment)
    operator = EquipmentOperator.objects.filter(equipment=equipment, pk=operator_pk).select_related(
        "equipment", "equipment__enterprise", "employee").first()
    if operator is None:
        raise Http404
    form = forms.ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("解除日期不是有效日期。"))
    else:
        try:
            services.operator_release(actor=request.user, operator=operator, ended_on=form.cleaned_data.get("ended_on"))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已解除{name}的作业人员指定。").format(name=operator.employee.name))
    return redirect(reverse("equipment:equipment_detail", args=[equipment.pk]) + "#operators")


# --- state ---------------------------------------------------------------------------------------------------------


@require_POST
def equipment_state(request, pk):
    equipment = _get(request, pk)
    _keeper(request, equipment)
    form = forms.StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要改为的使用状态（原因不超过200字）。"))
        return redirect("equipment:equipment_detail", equipment.pk)
    try:
        services.equipment_state(actor=request.user, equipment=equipment, state=form.cleaned_data["state"],
                                 reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("设备已改为「{state}」。").format(
            state=EquipmentState(form.cleaned_data["state"]).label))
    return redirect("equipment:equipment_detail", equipment.pk)


# --- the enterprise file's Equipment tab ---------------------------------------------------------------------------


def enterprise_tab_context(user, enterprise) -> dict:
    """What ``equipment/_enterprise_tab.html`` shows: counts by kind, overdue and due soon, and the equipment in use
    that may not be used. Returned as ``{"equipment_tab": {...}}``."""
    today = timezone.localdate()
    qs = queries.equipment_visible_to(user).filter(enterprise_id=enterprise.pk)
    counts = dict(qs.exclude(state=EquipmentState.SCRAPPED).values_list("kind").annotate(n=Count("id")).order_by())
    by_kind = [(kind, label, counts[kind]) for kind, label in EquipmentKind.choices if counts.get(kind)]
    not_usable = list(qs.filter(state=EquipmentState.IN_USE, usable=False).order_by("next_due", "id")[:20])
    base = reverse("equipment:equipment_list")
    return {"equipment_tab": {
        "total": sum(counts.values()),
        "by_kind": by_kind,
        "overdue": qs.filter(due_q(OVERDUE, today)).count(),
        "due_soon": qs.filter(due_q(DUE_SOON, today)).count(),
        "not_usable": not_usable,
        "not_usable_count": qs.filter(state=EquipmentState.IN_USE, usable=False).count(),
        "can_keep": can_keep(user, enterprise),
        "list_url": f"{base}?enterprise={enterprise.pk}",
        "overdue_url": f"{base}?enterprise={enterprise.pk}&due={OVERDUE}",
        "due_soon_url": f"{base}?enterprise={enterprise.pk}&due={DUE_SOON}",
        "not_usable_url": f"{base}?enterprise={enterprise.pk}&usable=false&state=in_use",
        "new_url": reverse("equipment:equipment_new") + f"?enterprise={enterprise.pk}",
        "today": today,
    }}
