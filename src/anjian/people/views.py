"""Pages of the people ledgers: the overview of what is due, the employee register (filtered, keyset-paged,
exportable with masked numbers), one employee with the "may work" verdict, posts, absences, training records,
certificates and equipment, and the forms of each step; the people who may not work; the training ledger, one
session with its participants, and the session form with its participant picker (plain HTML, no script).

Full ID-card and phone numbers are shown only to keepers of the enterprise, after an explicit "显示完整号码" (a POST,
audited, never cached). They never travel in a URL: the register's and the blocked list's exact search is a small
POST form whose view computes the blind index and redirects (303) to the list with ``id_index`` / ``phone_index``
(:func:`exact_search_redirect`), so paging, export links and the htmx push-url carry only the index.
``enterprise_tab_context`` feeds the People tab of the enterprise file."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.paging import is_partial, keyset_page
from anjian.core.queries import townships_visible_to
from anjian.core.xlsx import ExportTooLargeError, ledger_xlsx, local_minute
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people import forms, queries, services, training, verdict
from anjian.people.choices import CertificateState, EmployeeState, TrainingKind, TrainingResult
from anjian.people.filters import BlockedFilter, EmployeeFilter, EmployeeSearchForm, SessionFilter
from anjian.people.models import Absence, Employee, TrainingRecord, TrainingSession
from anjian.people.permissions import can_keep, may_keep_any
from anjian.rules import id_card
from anjian.rules._dates import add_months
from anjian.rules.training import format_hours

ID_TEXT = re.compile(r"[0-9]{1,18}", re.ASCII)
CERTIFICATE_DUE_DAYS = 90


def _url(name: str, *args, query: str = "") -> str | None:
    """The URL of a page another part owns, when it exists (certificate and equipment pages)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def _decorate(employees):
    """Masked numbers for display (decrypted here, never sent in full)."""
    for e in employees:
        e.id_number_masked = id_card.mask(e.id_number)
        e.phone_masked = id_card.mask_phone(e.phone)
    return employees


def _ledger(request, flt, *, template, rows_template, context=None, page_context=None, decorate=None):
    """``anjian.core.paging.ledger_response`` with the page's rows decorated (masked numbers, labels)."""
    page = keyset_page(flt.qs, request.GET) if flt.is_valid() else keyset_page(flt.queryset.none(), {})
    if decorate:
        decorate(page.items)
    params = link_params(request)
    ctx = {
        "filter": flt, "page": page, "next_query": page.next_query(params) if page.next_after else "",
        "first_query": page.first_query(params), **(context or {}),
    }
    partial = is_partial(request)
    if not partial and page_context is not None:
        ctx.update(page_context())
    response = render(request, rows_template if partial else template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the exact search (a POST, so the full number stays out of URLs) -------------------------------------------------

EMPLOYEE_EXACT = (
    ("id_index", gettext_lazy("按身份证号码精确查找")),
    ("phone_index", gettext_lazy("按联系电话精确查找")),
)
PLAINTEXT_PARAMS = ("id_number", "phone", "number")  # what the filters took before; refused, never passed on


def link_params(request):
    """The query of the page's own links (paging, export): the request's, without a refused plaintext number."""
    params = request.GET.copy()
    for key in PLAINTEXT_PARAMS:
        params.pop(key, None)
    return params


def _without(params, keys) -> str:
    query = params.copy()
    for key in ("after", "partial", *keys):
        query.pop(key, None)
    return query.urlencode()


def exact_search_redirect(request, url_name: str, form, exact_keys) -> HttpResponseRedirect:
    """The POST of a list's exact search: a 303 to the list with the current GET filters (of the URL the form was
    posted to) and the blind indexes of the form (:meth:`indexes`) in place of any earlier exact search. The number
    itself is never put in the URL nor in a message; a blank or invalid form gives its message and the list as it
    was."""
    query = request.GET.copy()
    for key in ("after", "partial", *exact_keys, *PLAINTEXT_PARAMS):
        query.pop(key, None)
    if form.is_valid():
        for key, value in form.indexes().items():
            query[key] = value
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    url = reverse(url_name)
    response = HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)
    response.status_code = 303
    return response


def exact_context(request, flt, exact) -> dict:
    """What the filters template shows about an exact search: the active ones (their labels, never the number),
    the query that clears them, and the valid indexes to keep as hidden inputs of the GET filter form."""
    keys = [key for key, _label in exact]
    cleaned = flt.form.cleaned_data if flt.is_valid() else {}
    return {
        "exact_active": [label for key, label in exact if cleaned.get(key)],
        "exact_hidden": [(key, cleaned[key]) for key in keys if cleaned.get(key)],
        "exact_clear_query": _without(link_params(request), keys),
    }


def _enterprise_choices(user):
    return enterprises_visible_to(user).only("id", "name").order_by("name")


def _page_filters(request) -> dict:
    return {
        "enterprises": list(_enterprise_choices(request.user)[:500]),
        "regions": list(townships_visible_to(request.user).only("code", "name").order_by("code")),
    }


# --- the overview -------------------------------------------------------------------------------------------------


def overview_counts(user, enterprise: Enterprise | None = None) -> dict:
    """What /people/ (and the enterprise's People tab) count: staff, who may not work, certificates and special
    equipment due or overdue."""
    from anjian.equipment.choices import EquipmentState
    from anjian.equipment.queries import equipment_visible_to

    today = timezone.localdate()
    staff = queries.employees_visible_to(user).filter(state=EmployeeState.ACTIVE)
    certs = queries.certificates_visible_to(user).filter(state=CertificateState.ACTIVE)
    equipment = equipment_visible_to(user).filter(state=EquipmentState.IN_USE)
    sessions = queries.sessions_visible_to(user)
    if enterprise is not None:
        staff, certs = staff.filter(enterprise=enterprise), certs.filter(enterprise=enterprise)
        equipment, sessions = equipment.filter(enterprise=enterprise), sessions.filter(enterprise=enterprise)
    month = add_months(today, 1)
    return {
        "today": today,
        "employees": staff.count(),
        "blocked": staff.filter(work_ok=False).count(),
        "certificates_due": certs.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(
            days=CERTIFICATE_DUE_DAYS)).count(),
        "certificates_overdue": certs.filter(due_on__lt=today).count(),
        "equipment_due": equipment.filter(next_due__gte=today, next_due__lte=month).count(),
        "equipment_overdue": equipment.filter(next_due__lt=today).count(),
        "sessions_this_year": sessions.filter(
            starts_at__gte=timezone.make_aware(datetime.datetime(today.year, 1, 1))).count(),
    }


def _overview_links(query: str = "") -> dict:
    return {
        "certificates": _url("people:certificate_list", query=query),
        "equipment": _url("equipment:equipment_list", query=query),
    }


def people_overview(request):
    context = {**overview_counts(request.user), "links": _overview_links(), "can_keep": may_keep_any(request.user)}
    return render(request, "people/overview.html", context)


def enterprise_tab_context(user, enterprise: Enterprise) -> dict:
    """The enterprise file's People tab (``people/_enterprise_tab.html``): counts, the people who may not work,
    recent sessions and the certificates due within 90 days or overdue."""
    today = timezone.localdate()
    blocked = _decorate(list(
        queries.employees_visible_to(user).filter(enterprise=enterprise, state=EmployeeState.ACTIVE, work_ok=False)
        .order_by("-id")[:20]))
    recent = list(
        queries.sessions_visible_to(user).filter(enterprise=enterprise).annotate(participant_count=Count("records"))
        .order_by("-starts_at", "-id")[:5])
    certs = list(
        queries.certificates_visible_to(user).filter(
            enterprise=enterprise, state=CertificateState.ACTIVE,
            due_on__lte=today + datetime.timedelta(days=CERTIFICATE_DUE_DAYS))
        .select_related("employee").order_by("due_on", "id")[:20])
    for c in certs:
        c.item_label = verdict.item_label(c.kind, c.item_code)
        c.overdue = c.due_on < today
    query = f"enterprise={enterprise.pk}"
    return {
        "people_enterprise": enterprise,
        "people_counts": overview_counts(user, enterprise),
        "people_blocked": blocked,
        "people_sessions": recent,
        "people_certificates": certs,
        "people_links": _overview_links(query),
        "people_can_keep": can_keep(user, enterprise),
        "people_query": query,
    }


# --- the employee register ----------------------------------------------------------------------------------------


def _employees(request, flt_class=EmployeeFilter, base=None):
    base = base if base is not None else queries.employees_visible_to(request.user, for_list=True)
    return flt_class(request.GET, queryset=base.select_related("enterprise"), request=request)


def _employee_page_context(request, flt) -> dict:
    return {**_page_filters(request), **exact_context(request, flt, EMPLOYEE_EXACT)}


@require_http_methods(["GET", "POST"])
def employee_list(request):
    if request.method == "POST":
        return exact_search_redirect(request, "people:employee_list", EmployeeSearchForm(request.POST),
                                     [key for key, _label in EMPLOYEE_EXACT])
    flt = _employees(request)
    return _ledger(
        request, flt, template="people/employee_list.html", rows_template="people/_employee_rows.html",
        context={"can_keep": may_keep_any(request.user)}, page_context=lambda: _employee_page_context(request, flt),
        decorate=_decorate,
    )


@require_http_methods(["GET", "POST"])
def blocked_list(request):
    if request.method == "POST":
        return exact_search_redirect(request, "people:blocked_list", EmployeeSearchForm(request.POST),
                                     [key for key, _label in EMPLOYEE_EXACT])
    base = queries.employees_visible_to(request.user, for_list=True).filter(state=EmployeeState.ACTIVE, work_ok=False)
    flt = _employees(request, BlockedFilter, base)
    return _ledger(
        request, flt, template="people/blocked_list.html", rows_template="people/_blocked_rows.html",
        page_context=lambda: _employee_page_context(request, flt), decorate=_decorate,
    )


EMPLOYEE_COLUMNS = (
    ("序号", 6), ("单位", 28), ("姓名", 10), ("性别", 6), ("身份证号码（掩码）", 22), ("联系电话（掩码）", 15),
    ("人员类别", 14), ("用工形式", 12), ("派遣单位、承包单位或学校", 22), ("车间（部门）", 14), ("班组", 12),
    ("岗位", 14), ("入职（进场）日期", 12), ("状态", 8), ("离职日期", 12), ("可以上岗", 8), ("不能上岗的原因", 50),
    ("核验日期", 12),
)


def _employee_rows(qs):
    for n, e in enumerate(qs.iterator(chunk_size=500), start=1):
        yield [
            n, e.enterprise.name, e.name, e.get_gender_display(), id_card.mask(e.id_number),
            id_card.mask_phone(e.phone), e.get_person_kind_display(), e.get_employment_type_display(),
            e.employer_name, e.department, e.team, e.post, e.hired_on, e.get_state_display(), e.left_on or "",
            _("是") if e.work_ok else _("否"), "；".join(r.get("message", "") for r in e.work_reasons or []),
            e.work_checked_on or "",
        ]


def _export(request, flt, *, title, sheet, columns, rows, filename, back):
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect(back)
    try:
        content = ledger_xlsx(sheet=sheet, title=title, columns=columns, rows=rows(flt.qs.order_by("-id")))
    except ExportTooLargeError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return xlsx_response(content, "{}-{}.xlsx".format(filename, timezone.localdate().strftime("%Y%m%d")))


def employee_export(request):
    return _export(request, _employees(request), title=_("从业人员名册"), sheet=_("从业人员"),
                   columns=EMPLOYEE_COLUMNS, rows=_employee_rows, filename=_("从业人员名册"),
                   back="people:employee_list")


# --- registering and correcting -----------------------------------------------------------------------------------


def _keepable_enterprises(user):
    """The enterprises whose ledgers ``user`` may keep: the visible ones (an enterprise user sees only their own;
    the service checks each write again)."""
    return _enterprise_choices(user)


@require_http_methods(["GET", "POST"])
def employee_new(request):
    if not may_keep_any(request.user):
        raise PermissionDenied
    enterprises = _keepable_enterprises(request.user)
    initial = {"person_kind": "employee", "employment_type": "regular"}
    if ID_TEXT.fullmatch(request.GET.get("enterprise", "")):
        initial["enterprise"] = int(request.GET["enterprise"])
    elif request.user.enterprise_id:
        initial["enterprise"] = request.user.enterprise_id
    form = forms.EmployeeForm(request.POST if request.method == "POST" else None, enterprises=enterprises,
                              initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.employee_register(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                                  data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记 {name}。").format(name=employee.name))
            return redirect("people:employee_detail", employee.pk)
    return render(request, "people/employee_form.html", {"form": form, "employee": None},
                  status=400 if form.errors else 200)


def _get_employee(request, pk) -> Employee:
    try:
        return queries.employee_for_user(request.user, pk)
    except Employee.DoesNotExist:
        raise Http404 from None


def _keeper_employee(request, pk) -> Employee:
    employee = _get_employee(request, pk)
    if not can_keep(request.user, employee.enterprise):
        raise PermissionDenied
    return employee


@require_http_methods(["GET", "POST"])
def employee_edit(request, pk):
    employee = _keeper_employee(request, pk)
    initial = {f: getattr(employee, f) for f in ("name", "gender", "person_kind", "employment_type", "employer_name",
                                                  "hired_on", "note")}
    form = forms.EmployeeForm(request.POST if request.method == "POST" else None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_update(actor=request.user, employee=employee, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:employee_detail", employee.pk)
    _decorate([employee])
    return render(request, "people/employee_form.html", {"form": form, "employee": employee},
                  status=400 if form.errors else 200)


# --- one employee -------------------------------------------------------------------------------------------------

STEP_FORMS = {
    "post_change": forms.PostChangeForm,
    "leave": forms.LeaveForm,
    "absence": forms.AbsenceForm,
}


def _step_forms(employee, keeper: bool, bound=None) -> dict:
    if not keeper or employee.state != EmployeeState.ACTIVE:
        return {}
    out = {}
    for name, cls in STEP_FORMS.items():
        if bound and bound[0] == name:
            out[name] = bound[1]
        elif name == "post_change":
            out[name] = cls(prefix=name, initial={"department": employee.department, "team": employee.team})
        else:
            out[name] = cls(prefix=name)
    return out


def _records(employee):
    rows = list(employee.training_records.select_related("session").order_by("-session__starts_at", "-id"))
    for r in rows:
        r.day = timezone.localtime(r.session.starts_at).date()
    return rows


def employee_context(request, employee, *, bound=None, revealed=None) -> dict:
    keeper = can_keep(request.user, employee.enterprise)
    today = timezone.localdate()
    result = verdict.may_work(employee, on=today)
    certs = list(
        queries.certificates_visible_to(request.user).filter(holder_index=employee.id_number_index)
        .select_related("enterprise").order_by("due_on", "id"))
    for c in certs:
        c.item_label = verdict.item_label(c.kind, c.item_code)
        why = verdict.certificate_reason(c, today)
        c.problem = why["message"] if why else ""
        c.url = _url("people:certificate_detail", c.pk)
    absences = list(employee.absences.order_by("-left_on"))
    open_absence = next((a for a in absences if a.returned_on is None), None)
    return_form = None
    if keeper and open_absence is not None and employee.state == EmployeeState.ACTIVE:
        return_form = bound[1] if bound and bound[0] == "absence_return" else forms.AbsenceReturnForm(
            prefix="absence_return")
    _decorate([employee])
    return {
        "employee": employee,
        "keeper": keeper,
        "verdict": result,
        "revealed": revealed,
        "posts": list(employee.posts.order_by("-started_on", "-id")),
        "absences": absences,
        "open_absence": open_absence,
        "return_form": return_form,
        "records": _records(employee),
        "certificates": certs,
        "certificate_new_url": _url("people:certificate_create", employee.pk) if keeper else None,
        "assignments": list(employee.equipment_assignments.select_related("equipment").order_by("-assigned_on")),
        "forms": _step_forms(employee, keeper, bound),
        "today": today,
    }


def _render_employee(request, employee, *, status=200, **kwargs):
    response = render(request, "people/employee_detail.html", employee_context(request, employee, **kwargs),
                      status=status)
    if kwargs.get("revealed"):
        patch_cache_control(response, no_store=True, private=True)
    return response


def employee_detail(request, pk):
    return _render_employee(request, _get_employee(request, pk))


@require_POST
def employee_reveal(request, pk):
    employee = _keeper_employee(request, pk)
    revealed = services.reveal(actor=request.user, employee=employee)
    return _render_employee(request, employee, revealed=revealed)


def _run_step(user, employee, name, d):
    if name == "post_change":
        services.employee_post_change(actor=user, employee=employee, **d)
        return _("已登记调岗：{post}。调岗后须重新进行车间级和班组级安全培训。").format(post=d["post"])
    if name == "leave":
        services.employee_leave(actor=user, employee=employee, **d)
        return _("已登记离职。")
    if name == "absence":
        services.absence_record(actor=user, employee=employee, **d)
        return _("已登记离岗。")
    raise Http404


@require_POST
def employee_step(request, pk, step):
    employee = _keeper_employee(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form = STEP_FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        try:
            done = _run_step(request.user, employee, step, dict(form.cleaned_data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("people:employee_detail", employee.pk)
        else:
            messages.success(request, done)
            return redirect("people:employee_detail", employee.pk)
    messages.error(request, _("未能保存，请检查下方表单中标出的问题。"))
    return _render_employee(request, _get_employee(request, pk), status=400, bound=(step, form))


@require_POST
def employee_absence_return(request, pk, absence_pk):
    employee = _keeper_employee(request, pk)
    absence = Absence.objects.filter(employee=employee, pk=absence_pk).first()
    if absence is None:
        raise Http404
    form = forms.AbsenceReturnForm(request.POST, prefix="absence_return")
    if form.is_valid():
        try:
            services.absence_return(actor=request.user, absence=absence, returned_on=form.cleaned_data["returned_on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("people:employee_detail", employee.pk)
        else:
            messages.success(request, _("已登记返岗。"))
            return redirect("people:employee_detail", employee.pk)
    messages.error(request, _("未能保存，请检查下方表单中标出的问题。"))
    return _render_employee(request, _get_employee(request, pk), status=400, bound=("absence_return", form))


# --- the training ledger ------------------------------------------------------------------------------------------


def _sessions(request, *, counted: bool = True):
    base = queries.sessions_visible_to(request.user, for_list=True).select_related("enterprise")
    if counted:
        base = base.annotate(participant_count=Count("records"))
    return SessionFilter(request.GET, queryset=base, request=request)


def session_list(request):
    return _ledger(
        request, _sessions(request), template="people/session_list.html", rows_template="people/_session_rows.html",
        context={"can_keep": may_keep_any(request.user)},
        page_context=lambda: {**_page_filters(request), "kinds": TrainingKind.choices},
    )


SESSION_COLUMNS = (
    ("序号", 6), ("单位", 28), ("培训日期", 12), ("开始时间", 17), ("结束时间", 17), ("培训类别", 18), ("培训主题", 24),
    ("培训内容", 40), ("授课人", 10), ("组织单位", 16), ("培训地点", 14), ("本次学时", 8), ("姓名", 10),
    ("考核结果", 8), ("成绩", 8), ("计入学时", 8),
)


def _session_rows(qs):
    records = TrainingRecord.objects.filter(session__in=qs.values("pk")).select_related(
        "session", "session__enterprise", "employee").order_by("-session__starts_at", "session_id", "id")
    for n, r in enumerate(records.iterator(chunk_size=500), start=1):
        s = r.session
        yield [
            n, s.enterprise.name, timezone.localtime(s.starts_at).date(), local_minute(s.starts_at),
            local_minute(s.ends_at), s.get_kind_display(), s.title, s.content, s.trainer, s.organiser, s.place,
            float(s.hours), r.employee.name, r.get_result_display(), float(r.score) if r.score is not None else "",
            float(r.hours),
        ]


def session_export(request):
    flt = _sessions(request, counted=False)
    return _export(request, flt, title=_("安全生产教育和培训档案"), sheet=_("培训记录"), columns=SESSION_COLUMNS,
                   rows=_session_rows, filename=_("培训台账"), back="people:session_list")


def _get_session(request, pk) -> TrainingSession:
    try:
        return queries.sessions_visible_to(request.user).select_related("enterprise").get(pk=pk)
    except TrainingSession.DoesNotExist:
        raise Http404 from None


def session_detail(request, pk):
    session = _get_session(request, pk)
    records = list(session.records.select_related("employee").order_by("employee__department", "employee__name"))
    counts = {k: sum(1 for r in records if r.result == k) for k in TrainingResult.values}
    context = {
        "session": session, "records": records, "counts": counts, "keeper": can_keep(request.user, session.enterprise),
        "hours_text": format_hours(session.hours),
    }
    return render(request, "people/session_detail.html", context)


def _picker_employees(enterprise, session=None):
    """The enterprise's active staff, plus anyone already on the session (who may have left since)."""
    people = {e.pk: e for e in Employee.objects.filter(enterprise=enterprise, state=EmployeeState.ACTIVE)}
    if session is not None:
        for r in session.records.select_related("employee"):
            people.setdefault(r.employee_id, r.employee)
    return sorted(people.values(), key=lambda e: (e.department, e.team, e.name, e.pk))


def _picker_rows(employees, state: dict[int, dict]):
    rows = []
    for e in employees:
        row = state.get(e.pk, {"ticked": False, "result": "", "score": "", "hours": ""})
        rows.append({"employee": e, **row})
    return rows


def _session_form_page(request, *, enterprise, session=None):
    keeper_ok = can_keep(request.user, enterprise)
    if not keeper_ok:
        raise PermissionDenied
    employees = _picker_employees(enterprise, session)
    if request.method == "POST":
        form = forms.SessionForm(request.POST)
        participants, state = forms.participants_from_post(request.POST, employees)
        if form.is_valid():
            try:
                if session is None:
                    session = training.session_record(actor=request.user, enterprise=enterprise,
                                                      data=form.service_data(), participants=participants)
                    done = _("已登记培训，参加 {n} 人。").format(n=len(participants))
                else:
                    training.session_update(actor=request.user, session=session, data=form.service_data(),
                                            participants=participants)
                    done = _("已保存。")
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, done)
                return redirect("people:session_detail", session.pk)
    else:
        if session is not None:
            form = forms.SessionForm(initial={
                "kind": session.kind, "title": session.title, "content": session.content, "trainer": session.trainer,
                "organiser": session.organiser, "place": session.place,
                "starts_at": timezone.localtime(session.starts_at), "ends_at": timezone.localtime(session.ends_at),
                "hours": format_hours(session.hours), "has_exam": session.has_exam})
            state = {r.employee_id: {"ticked": True, "result": r.result,
                                     "score": format_hours(r.score) if r.score is not None else "",
                                     "hours": format_hours(r.hours)} for r in session.records.all()}
        else:
            form = forms.SessionForm(initial={"has_exam": True})
            state = {}
    context = {
        "form": form, "session": session, "enterprise": enterprise, "rows": _picker_rows(employees, state),
        "results": TrainingResult.choices,
    }
    return render(request, "people/session_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def session_new(request):
    if not may_keep_any(request.user):
        raise PermissionDenied
    enterprises = _keepable_enterprises(request.user)
    raw = request.POST.get("enterprise") or request.GET.get("enterprise", "")
    if not raw and request.user.enterprise_id:
        raw = str(request.user.enterprise_id)
    enterprise = enterprises.filter(pk=int(raw)).first() if ID_TEXT.fullmatch(raw) else None
    if enterprise is None:
        if raw:
            messages.error(request, _("单位不存在或不在您的管辖范围内。"))
        return render(request, "people/session_choose.html", {"enterprises": enterprises[:500]},
                      status=400 if raw else 200)
    return _session_form_page(request, enterprise=enterprise)


@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = _get_session(request, pk)
    return _session_form_page(request, enterprise=session.enterprise, session=session)


@require_POST
def session_delete(request, pk):
    session = _get_session(request, pk)
    try:
        training.session_delete(actor=request.user, session=session)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, exc.message)
        return redirect("people:session_detail", pk)
    messages.success(request, _("已删除该培训记录。"))
    return redirect("people:session_list")

