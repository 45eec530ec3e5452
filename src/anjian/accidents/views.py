"""Pages of the accident case, reporting side: the ledger (filtered, keyset-paged, exportable), the first report
(快报) for a unit from the file or an unregistered one, and one case with its grade and the reasons for it, the
reporting clock, the forms of the reporting steps the user may take, the 续报, the case log and — in its own
section — the investigation panel (``_investigation.html``, from ``views_investigation``)."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Value
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accidents import excel, forms, queries, reporting
from anjian.accidents.choices import (
    ALLOWED_IN,
    AccidentGradeChoice,
    AccidentKind,
    AccidentState,
    Action,
    ReportSource,
)
from anjian.accidents.common import LEVEL_ORDER, check_state
from anjian.accidents.filters import AccidentFilter
from anjian.accidents.grading import format_loss
from anjian.accidents.models import Accident, Transmission
from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core.errors import ConflictError, ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.models import Region, subtree_q
from anjian.core.paging import ledger_response
from anjian.core.queries import jurisdiction_prefix, townships_visible_to
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.rules import accidents as rules

# An id in a query string: ASCII digits that fit a bigint ("²".isdigit() is True, but int("²") fails).
ID_TEXT = re.compile(r"[0-9]{1,18}", re.ASCII)

CLOCK_LABELS = {
    **forms.STEP_LABELS,
    "to_state_council_government": _lazy("国务院有关部门 → 国务院（立即）"),
}


# --- the ledger --------------------------------------------------------------------------------------------------


def _filtered(request):
    late_step = Transmission.objects.filter(accident=OuterRef("pk"), minutes_late__gt=0)
    base = (
        queries.accidents_visible_to(request.user, for_list=True)
        .select_related("enterprise")
        .annotate(
            late_step=Exists(late_step),
            loss_wan=ExpressionWrapper(
                F("direct_loss_yuan") / Value(10000), output_field=DecimalField(max_digits=20, decimal_places=6)
            ),
        )
    )
    return AccidentFilter(request.GET, queryset=base, request=request)


def _filter_regions(user) -> list[Region]:
    """Counties and townships of the user's jurisdiction, for the region select."""
    prefix = jurisdiction_prefix(user)
    if prefix is None or user.role in ENTERPRISE_ROLES:
        return []
    return list(
        Region.objects.filter(subtree_q(prefix, "code"), level__in=["county", "township"]).only("code", "name", "level")
        .order_by("code")
    )


def accident_list(request):
    today = timezone.localdate()
    return ledger_response(
        request, _filtered(request), template="accidents/ledger.html", rows_template="accidents/_rows.html",
        context={"can_report": reporting.can_report(request.user)},
        page_context=lambda: {
            "regions": _filter_regions(request.user),
            "years": range(today.year, today.year - 6, -1),
            "months": range(1, 13),
        },
    )


def accident_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect("accidents:list")
    try:
        content = excel.export_ledger(flt.qs)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("accidents:list")
    return xlsx_response(content, excel.export_filename())


# --- the first report --------------------------------------------------------------------------------------------


def _report_form(request):
    user = request.user
    enterprise_user = user.role in ENTERPRISE_ROLES
    if enterprise_user:
        enterprises = Enterprise.objects.filter(pk=user.enterprise_id or 0)
        regions = []
    else:
        enterprises = enterprises_visible_to(user).order_by("name")
        regions = list(townships_visible_to(user).only("code", "name").order_by("code"))
    sectors = list(user.authority.sectors or []) if user.role == Role.DEPARTMENT_OFFICER else None
    initial = {}
    if enterprise_user:
        initial["enterprise"] = user.enterprise_id
    elif ID_TEXT.fullmatch(request.GET.get("enterprise", "")):
        initial["enterprise"] = int(request.GET["enterprise"])
    return forms.ReportForm(
        request.POST if request.method == "POST" else None, enterprises=enterprises, regions=regions,
        enterprise_user=enterprise_user, sectors=sectors, initial=initial,
    )


@require_http_methods(["GET", "POST"])
def accident_new(request):
    if not reporting.can_report(request.user):
        raise PermissionDenied
    form = _report_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            accident = reporting.report_accident(
                actor=request.user, enterprise=form.cleaned_data.get("enterprise"), data=form.service_data(),
                unit=form.unit(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if accident.kind == AccidentKind.NEAR_MISS:
                done = _("较大涉险事故已报告，编号 {number}。").format(number=accident.number)
            else:
                done = _("事故已快报，编号 {number}，定为{grade}。").format(
                    number=accident.number, grade=accident.get_grade_display())
            messages.success(request, done)
            return redirect("accidents:detail", accident.pk)
    context = {"form": form, "enterprise_user": form.enterprise_user}
    return render(request, "accidents/report_form.html", context, status=400 if form.errors else 200)


# --- one case ----------------------------------------------------------------------------------------------------


def _get(request, pk) -> Accident:
    try:
        return queries.accident_for_user(request.user, pk)
    except Accident.DoesNotExist:
        raise Http404 from None


def _allowed(accident: Accident, action: str) -> bool:
    return accident.state in ALLOWED_IN[action]


def state_refusal(accident: Accident, action: str) -> str:
    """The services' own refusal (common.check_state) when the case's state does not allow ``action``, else ""."""
    try:
        check_state(accident, action)
    except ConflictError as exc:
        return exc.message
    return ""


def _grade_label(value: str) -> str:
    return str(AccidentGradeChoice(value).label) if value else str(_("不定级"))


def _level_label(value: str) -> str:
    return rules.INVESTIGATION_LEVEL_LABELS.get(value, value) if value else "—"


def _clock_view(accident: Accident) -> dict:
    """reporting.clock() with what the page prints: labels and the status of each step."""
    clock = reporting.clock(accident)
    steps = []
    for step in clock["steps"]:
        row = step["done"]
        if row is not None:
            status = "late" if row.minutes_late else "done"
        elif step["step"] not in forms.STEP_LABELS:
            status = "elsewhere"  # 国务院有关部门 → 国务院: reported immediately there, not recorded here
        elif step["overdue"]:
            status = "overdue"
        elif step["received_at"] is None:
            status = "waiting"
        else:
            status = "pending"
        steps.append({**step, "label": CLOCK_LABELS.get(step["step"], step["step"]), "status": status})
    missing = [{**m, "level_label": forms.LEVEL_SHORT.get(m["level"], m["level"])} for m in clock["missing_notices"]]
    notices = [
        {"row": n, "level_label": forms.LEVEL_SHORT.get(n.level, n.level),
         "party_label": rules.NOTIFIED_LABELS.get(n.party, n.party)}
        for n in sorted(clock["notices"], key=lambda n: (LEVEL_ORDER.index(n.level), n.notified_at))
    ]
    return {**clock, "steps": steps, "missing_notices": missing, "notice_rows": notices}


def _next_step(clock: dict) -> str | None:
    for step in clock["steps"]:
        if step["done"] is None and step["step"] in forms.STEP_LABELS:
            return step["step"]
    return None


def _forms_for(request, accident: Accident, clock: dict, bound=None) -> dict:
    """The step forms this user may use on this case now (a bound one keeps its errors)."""
    user = request.user
    clocker = reporting.can_clock(user)
    candidates = {
        "unit_learned": clocker and _allowed(accident, Action.RECEIVE),
        "transmit": clocker and _allowed(accident, Action.TRANSMIT),
        "notice": clocker and _allowed(accident, Action.NOTIFY),
        "supplement": reporting.can_supplement(user, accident) and _allowed(accident, Action.SUPPLEMENT),
        "finding": clocker and _allowed(accident, Action.FINDING),
    }
    out = {}
    for name, ok in candidates.items():
        if not ok:
            continue
        if bound and bound[0] == name:
            out[name] = bound[1]
            continue
        cls = STEPS[name][0]
        if name == "unit_learned":
            out[name] = cls(prefix=name, initial={"unit_learned_at": accident.unit_learned_at})
        elif name == "transmit":
            out[name] = cls(prefix=name, initial={"step": _next_step(clock), "sender_name": user.display_name})
        elif name == "notice":
            first = clock["missing_notices"][0] if clock["missing_notices"] else {}
            out[name] = cls(prefix=name, initial={"level": first.get("level"), "party": first.get("party")})
        elif name == "supplement":
            out[name] = cls(prefix=name, initial=forms.SupplementForm.initial_for(accident))
        elif name == "finding":
            initial = {"finding": accident.reporting_finding, "note": accident.reporting_finding_note}
            out[name] = cls(prefix=name, initial=initial)
    return out


def _events(accident: Accident) -> list:
    events = list(accident.events.all())
    for e in events:
        e.action_label = Action(e.action).label if e.action in Action.values else e.action
        e.from_label = AccidentState(e.from_state).label if e.from_state in AccidentState.values else ""
        e.to_label = AccidentState(e.to_state).label if e.to_state in AccidentState.values else ""
    return events


def _supplements(accident: Accident) -> list:
    rows = list(accident.supplements.select_related("by").all())
    for r in rows:
        r.grade_before_label = _grade_label(r.grade_before) if accident.kind == AccidentKind.ACCIDENT else "—"
        r.grade_after_label = _grade_label(r.grade_after) if accident.kind == AccidentKind.ACCIDENT else "—"
        r.regraded = r.grade_before != r.grade_after
        r.level_changed = r.level_before != r.level_after
        r.level_before_label, r.level_after_label = _level_label(r.level_before), _level_label(r.level_after)
        r.loss_display = format_loss(r.direct_loss_yuan)
    return rows


def _parse_moment(value):
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def detail_context(request, accident: Accident, bound=None, *, panel: bool = True) -> dict:
    """What detail.html (and the included partials, ``_investigation.html`` among them) receive; ``panel=False``
    leaves out the investigation panel's ``inv`` (the caller brings its own)."""
    clock = _clock_view(accident)
    local = timezone.localtime(accident.occurred_at)
    window_end = rules.supplement_deadline(local, kind=accident.supplement_kind)
    basis = accident.grade_basis or {}
    context = {
        "accident": accident,
        "clock": clock,
        "forms": _forms_for(request, accident, clock, bound),
        "events": _events(accident),
        "supplements": _supplements(accident),
        "grade_label": _grade_label(accident.grade) if accident.kind == AccidentKind.ACCIDENT else "",
        "grade_reasons": basis.get("reasons", []),
        "basis": basis,
        "basis_computed_at": _parse_moment(basis.get("computed_at")),
        "missing_counted_setting": basis.get("missing_count_as_deaths", accident.missing_count_as_deaths),
        "loss_display": format_loss(accident.direct_loss_yuan),
        "basis_loss_display": format_loss(basis["direct_loss_yuan"]) if basis.get("direct_loss_yuan") else "",
        "level_label": _level_label(accident.investigating_level),
        "level_changed_from_label": _level_label(accident.level_changed_from) if accident.level_changed_from else "",
        "needs_follow_up": reporting.needs_follow_up(accident),
        "is_late": bool(accident.unit_report_minutes_late) or bool(clock["late_steps"]),
        "unit_reported": accident.source == ReportSource.UNIT,
        "window_end": window_end,
        "window_open": timezone.now() <= window_end,
        "near_miss_text": (
            rules.LARGE_NEAR_MISS_ITEMS[int(accident.near_miss_item) - 1]
            if accident.near_miss_item and accident.near_miss_item.isdigit()
            and 0 < int(accident.near_miss_item) <= len(rules.LARGE_NEAR_MISS_ITEMS) else ""
        ),
        "unit_visible": enterprises_visible_to(request.user).filter(pk=accident.enterprise_id).exists(),
    }
    # The investigation panel may add what it shows (views_investigation.panel_context(request, accident)).
    from anjian.accidents import views_investigation

    panel_context = getattr(views_investigation, "panel_context", None)
    if panel and callable(panel_context):
        context.update(panel_context(request, accident) or {})
    return context


def form_error_texts(form) -> list[str]:
    """A bound form's errors as lines ("label：message"), for a form the page does not show."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out.extend(f"{label}：{message}" if label else str(message) for message in errors)
    return out


def _shows(context: dict, form) -> bool:
    """Whether the case page of ``context`` shows ``form`` (a step form, or a measure's completion form)."""
    inv = context.get("inv") or {}
    shown = [
        *context.get("forms", {}).values(),
        *inv.get("forms", {}).values(),
        *(row.get("complete_form") for row in inv.get("measures", [])),
    ]
    return any(f is form for f in shown)


def render_detail(request, accident: Accident, *, bound=None, status=200, extra=None, posted=None, hint=""):
    """The case page; ``bound`` = (step name, form with errors) shows that form again; ``extra`` adds context.

    ``posted`` is the form that was refused (default: bound's). When the page shows it, ``hint`` (if any) is the
    message on top; when it does not — the step is no longer offered (another state, done meanwhile) — its errors
    are the messages, so the reason is never lost with the form."""
    extra = extra or {}
    context = detail_context(request, accident, bound, panel="inv" not in extra)
    context.update(extra)
    posted = posted if posted is not None else (bound[1] if bound else None)
    if posted is not None and not _shows(context, posted):
        for text in form_error_texts(posted):
            messages.error(request, text)
    elif hint:
        messages.error(request, hint)
    return render(request, "accidents/detail.html", context, status=status)


def accident_detail(request, pk):
    return render_detail(request, _get(request, pk))


# --- the reporting steps -----------------------------------------------------------------------------------------


def _run_unit_learned(user, accident, form):
    reporting.record_unit_learned(actor=user, accident=accident, unit_learned_at=form.cleaned_data["unit_learned_at"])
    return _("已登记单位负责人接到报告的时间。")


def _run_transmit(user, accident, form):
    d = form.cleaned_data
    row = reporting.transmit(
        actor=user, accident=accident, step=d["step"], sent_at=d["sent_at"], received_at=d.get("received_at"),
        recipient=d.get("recipient", ""), sender_name=d.get("sender_name", ""), note=d.get("note", ""),
    )
    if row.minutes_late:
        return _("已登记上报（{step}），超过时限 {n} 分钟，记为迟报。").format(
            step=forms.STEP_LABELS[row.step], n=row.minutes_late)
    return _("已登记上报（{step}）。").format(step=forms.STEP_LABELS[row.step])


def _run_notice(user, accident, form):
    d = form.cleaned_data
    reporting.record_notice(actor=user, accident=accident, level=d["level"], party=d["party"],
                            notified_at=d["notified_at"], note=d.get("note", ""))
    return _("已登记同级通知（{party}）。").format(party=rules.NOTIFIED_LABELS[d["party"]])


def _run_supplement(user, accident, form):
    data = form.service_data()
    if not data.get("reported_at"):
        data.pop("reported_at", None)
    was_near_miss = accident.kind == AccidentKind.NEAR_MISS
    row = reporting.supplement(actor=user, accident=accident, data=data)
    if was_near_miss and row.grade_after:
        return _("续报已登记：较大涉险事故造成人员死亡，已转为生产安全事故（{new}），已通知上级。").format(
            new=_grade_label(row.grade_after))
    if row.level_before != row.level_after and accident.kind == AccidentKind.ACCIDENT:
        return _("续报已登记：事故等级由{old}调整为{new}，负责调查的人民政府由{lold}变更为{lnew}，已通知上级。").format(
            old=_grade_label(row.grade_before), new=_grade_label(row.grade_after),
            lold=_level_label(row.level_before), lnew=_level_label(row.level_after))
    if row.grade_before != row.grade_after:
        return _("续报已登记：事故等级由{old}调整为{new}。").format(
            old=_grade_label(row.grade_before), new=_grade_label(row.grade_after))
    return _("续报已登记。")


def _run_finding(user, accident, form):
    d = form.cleaned_data
    reporting.record_finding(actor=user, accident=accident, finding=d["finding"], note=d["note"])
    return _("已记录报告情况的认定。")


def _may_clock(user, accident) -> bool:
    return reporting.can_clock(user)


# step → the action whose state rule it follows
STEP_ACTIONS = {
    "unit_learned": Action.RECEIVE,
    "transmit": Action.TRANSMIT,
    "notice": Action.NOTIFY,
    "supplement": Action.SUPPLEMENT,
    "finding": Action.FINDING,
}
# step → (form class, who may, what it does)
STEPS = {
    "unit_learned": (forms.UnitLearnedForm, _may_clock, _run_unit_learned),
    "transmit": (forms.TransmitForm, _may_clock, _run_transmit),
    "notice": (forms.NoticeForm, _may_clock, _run_notice),
    "supplement": (forms.SupplementForm, reporting.can_supplement, _run_supplement),
    "finding": (forms.FindingForm, _may_clock, _run_finding),
}


@require_POST
def accident_step(request, pk, step):
    accident = _get(request, pk)
    if step not in STEPS:
        raise Http404
    cls, may, run = STEPS[step]
    if not may(request.user, accident):
        raise PermissionDenied
    form = cls(request.POST, prefix=step)
    if form.is_valid():
        try:
            done = run(request.user, accident, form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect(reverse("accidents:detail", args=[accident.pk]) + f"#step-{step}")
    refused = state_refusal(accident, STEP_ACTIONS[step])
    if refused:  # the step is no longer offered (the case moved on): its form is gone, say why
        messages.error(request, refused)
        return redirect("accidents:detail", accident.pk)
    return render_detail(request, _get(request, pk), bound=(step, form), status=400,
                         hint=_("未能保存，请检查下方表单中标出的问题。"))


urlpatterns = [
    path("", accident_list, name="list"),
    path("export.xlsx", accident_export, name="export"),
    path("new/", accident_new, name="new"),
    path("<int:pk>/", accident_detail, name="detail"),
    path("<int:pk>/unit-learned/", accident_step, {"step": "unit_learned"}, name="unit_learned"),
    path("<int:pk>/transmit/", accident_step, {"step": "transmit"}, name="transmit"),
    path("<int:pk>/notice/", accident_step, {"step": "notice"}, name="notice"),
    path("<int:pk>/supplement/", accident_step, {"step": "supplement"}, name="supplement"),
    path("<int:pk>/finding/", accident_step, {"step": "finding"}, name="finding"),
]
