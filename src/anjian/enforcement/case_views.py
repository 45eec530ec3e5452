"""Pages of penalty cases: the list, opening a case (from a failed review, an inspection or an enterprise),
one case with its items (a violation picker showing the article and the allowed fines, the fine checked as
it is typed and on save), its clocks, its documents and the steps its state allows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.paging import ledger_response
from anjian.enforcement import cases, forms, penalties, queries
from anjian.enforcement import permissions as perms
from anjian.enforcement.choices import (
    AFTER_NOTICE,
    CASE_ALLOWED_IN,
    CASE_TRANSITIONS,
    LIVE_STATES,
    CaseAction,
    CaseState,
    DocState,
    DocType,
)
from anjian.enforcement.clocks import case_clocks, decision_blockers
from anjian.enforcement.filters import CaseFilter
from anjian.enforcement.models import PenaltyCase, PenaltyItem
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections.queries import inspections_visible_to


def case_list(request):
    base = queries.cases_visible_to(request.user, for_list=True).select_related("enterprise")
    flt = CaseFilter(request.GET, queryset=base, request=request)
    return ledger_response(
        request, flt, template="enforcement/case_list.html", rows_template="enforcement/_case_rows.html",
        context={"can_open": perms.can_draft(request.user)},
    )


def _int(value) -> int:
    return int(value) if str(value).isdigit() else 0


@require_http_methods(["GET", "POST"])
def case_new(request):
    user = request.user
    if not perms.can_draft(user):
        raise PermissionDenied
    source_document = source_inspection = None
    initial = {"opened_on": timezone.localdate()}
    if request.GET.get("review"):
        source_document = get_object_or_404(queries.documents_visible_to(user).select_related("enterprise"),
                                            pk=_int(request.GET["review"]), doc_type=DocType.REVIEW_OPINION)
        unrectified = [r["description"] for r in source_document.content.get("results", []) if not r["rectified"]]
        facts = _("经复查（{n}），下列问题逾期未整改：{items}").format(
            n=source_document.number, items="；".join(unrectified))
        initial.update(enterprise=source_document.enterprise, facts=facts,
                       evidence=_("现场检查记录、责令限期整改指令书、整改复查意见书"))
    elif request.GET.get("inspection"):
        source_inspection = get_object_or_404(inspections_visible_to(user), pk=_int(request.GET["inspection"]))
        initial.update(enterprise=source_inspection.enterprise, evidence=_("现场检查记录"))
    elif request.GET.get("enterprise"):
        initial["enterprise"] = get_object_or_404(enterprises_visible_to(user), pk=_int(request.GET["enterprise"]))
    form = forms.CaseForm(request.POST or None, initial=initial)
    form.fields["enterprise"].queryset = enterprises_visible_to(user).order_by("name")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.case_open(actor=user, source_document=source_document, source_inspection=source_inspection,
                                   **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已立案，案件编号 {}。请填写处罚项。").format(case.number))
            return redirect("enforcement:case", case.pk)
    context = {"form": form, "source_document": source_document, "source_inspection": source_inspection}
    return render(request, "enforcement/case_new.html", context, status=400 if form.errors else 200)


def _get(request, pk) -> PenaltyCase:
    try:
        return queries.case_for_user(request.user, pk)
    except PenaltyCase.DoesNotExist:
        raise Http404 from None


def _allowed(case, action) -> bool:
    sources = CASE_TRANSITIONS[action][0] if action in CASE_TRANSITIONS else CASE_ALLOWED_IN[action]
    return case.state in sources


def _item_initial(item: PenaltyItem) -> dict:
    return {k: getattr(item, k) for k in (
        "violation_code", "party", "party_name", "stage", "amount", "illegal_gains", "last_year_income",
        "aggravated", "measures")}


def _live(case, doc_type):
    return case.documents.filter(doc_type=doc_type).filter(state__in=LIVE_STATES).first()


STEP_FORMS = {
    "update": forms.CaseUpdateForm,
    "statement": forms.StatementForm,
    "waive": forms.WaiveForm,
    "hearing_request": forms.HearingRequestForm,
    "hearing_schedule": forms.HearingScheduleForm,
    "hearing_hold": forms.HearingHoldForm,
    "pay": forms.PayForm,
    "execute": forms.NoteForm,
    "close": forms.ReasonForm,
}


def _case_context(request, case, bound=None, bound_item=None) -> dict:
    today = timezone.localdate()
    issuer = perms.is_issuer(request.user, case)
    decision = _live(case, DocType.PENALTY_DECISION)
    notice = _live(case, DocType.PENALTY_NOTICE)
    items_editable = (issuer and _allowed(case, CaseAction.ITEM)
                      and not (decision and decision.state != DocState.DRAFT)
                      and not (case.state == CaseState.OPEN and notice and notice.state == DocState.APPROVED))
    items = []
    for item in case.items.all():
        prefix = f"item{item.pk}"
        form = bound_item[1] if bound_item and bound_item[0] == prefix else forms.ItemForm(
            prefix=prefix, initial=_item_initial(item), day=case.opened_on)
        items.append({"item": item, "form": form, "info": _info(item.violation_code)})
    new_item = None
    if items_editable and case.state not in AFTER_NOTICE:
        new_item = bound_item[1] if bound_item and bound_item[0] == "new" else forms.ItemForm(
            prefix="new", day=case.opened_on, initial={"party_name": case.enterprise.name})
    candidates = {
        "update": _allowed(case, CaseAction.UPDATE),
        "statement": _allowed(case, CaseAction.STATEMENT),
        "waive": _allowed(case, CaseAction.WAIVE) and not (case.statement_waived and (
            case.hearing_waived or not case.hearing_right)),
        "hearing_request": _allowed(case, CaseAction.REQUEST_HEARING) and case.hearing_right
        and not case.hearing_waived,
        "hearing_schedule": _allowed(case, CaseAction.SCHEDULE_HEARING),
        "hearing_hold": _allowed(case, CaseAction.HOLD_HEARING),
        "pay": _allowed(case, CaseAction.PAY) and bool(case.total_fine),
        "execute": _allowed(case, CaseAction.EXECUTE),
        "close": _allowed(case, CaseAction.CLOSE),
    }
    steps = {}
    for name, ok in candidates.items():
        if not (ok and issuer):
            continue
        if bound and bound[0] == name:
            steps[name] = bound[1]
            continue
        initial = {}
        if name == "update":
            initial = {"cause": case.cause, "facts": case.facts, "evidence": case.evidence}
        elif name in ("statement", "hearing_request"):
            initial = {"received_on": today, "requested_on": today}
        elif name == "hearing_schedule":
            initial = {"notified_on": today, "hearing_date": case.hearing_date, "place": case.hearing_place}
        elif name == "hearing_hold":
            initial = {"held_on": case.hearing_date or today, "outcome": "held"}
        elif name == "pay":
            initial = {"paid_on": today, "amount": case.total_fine + cases.surcharge(case, today)}
        steps[name] = STEP_FORMS[name](prefix=name, initial=initial)
    blockers = decision_blockers(case, today)
    links = []
    def new(doc_type):
        return reverse("enforcement:new", args=[doc_type]) + f"?case={case.pk}"

    if issuer and _allowed(case, CaseAction.NOTICE_DRAFT) and notice is None and case.items.exists():
        links.append((_("起草行政处罚告知书"), new(DocType.PENALTY_NOTICE)))
    if issuer and _allowed(case, CaseAction.DECISION_DRAFT) and decision is None and not blockers:
        links.append((_("起草行政处罚决定书"), new(DocType.PENALTY_DECISION)))
    if issuer and _allowed(case, CaseAction.REFERRAL_DRAFT):
        links.append((_("起草移送书"), new(DocType.REFERRAL)))
    return {
        "case": case, "items": items, "new_item": new_item, "items_editable": items_editable,
        "clocks": case_clocks(case, today), "blockers": blockers, "steps": steps, "links": links,
        "documents": case.documents.order_by("id"), "events": case.events.all(), "today": today,
        "hearing": penalties.hearing_verdict(list(case.items.all())) if case.state == CaseState.OPEN else None,
    }


def _info(code):
    try:
        return penalties.fine_range_text(code)
    except KeyError:
        return None


def case_detail(request, pk):
    case = _get(request, pk)
    return render(request, "enforcement/case_detail.html", _case_context(request, case))


@require_POST
def item_save(request, pk, item_pk=None):
    case = _get(request, pk)
    item = get_object_or_404(PenaltyItem, pk=item_pk, case=case) if item_pk else None
    prefix = f"item{item.pk}" if item else "new"
    form = forms.ItemForm(request.POST, prefix=prefix, day=case.opened_on)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["measures"] = list(data["measures"])
        try:
            if item is None:
                item = cases.item_add(actor=request.user, case=case, data=data)
            else:
                item = cases.item_update(actor=request.user, item=item, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            (messages.success if item.verdict_ok else messages.warning)(request, item.verdict_message)
            return redirect("enforcement:case", case.pk)
    context = _case_context(request, _get(request, pk), bound_item=(prefix, form))
    return render(request, "enforcement/case_detail.html", context, status=400)


@require_POST
def item_remove(request, pk, item_pk):
    case = _get(request, pk)
    item = get_object_or_404(PenaltyItem, pk=item_pk, case=case)
    try:
        cases.item_delete(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("处罚项已删除。"))
    return redirect("enforcement:case", case.pk)


def _number(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@require_POST
def item_check(request, pk):
    """The fine check as the officer types (htmx): the verdict for the values in the form, nothing saved."""
    _get(request, pk)
    prefix = request.POST.get("prefix", "new")
    field = lambda name: request.POST.get(f"{prefix}-{name}", "")  # noqa: E731
    verdict = None
    code = field("violation_code")
    if code:
        try:
            verdict = penalties.check_item(
                violation_code=code, party=field("party") or "unit", amount=_number(field("amount")) or 0,
                stage=field("stage") or "immediate", illegal_gains=_number(field("illegal_gains")),
                last_year_income=_number(field("last_year_income")), aggravated=bool(field("aggravated")),
                measures=[m for m in request.POST.getlist(f"{prefix}-measures") if m in penalties.PENALTY_MEASURES],
            )
        except (KeyError, ValueError):
            verdict = None
    return render(request, "enforcement/_verdict.html", {"verdict": verdict})


@require_GET
def violation_info(request):
    """The article, its text and the fines it provides, for the violation picked (htmx)."""
    code = next((v for k, v in request.GET.items() if k.endswith("violation_code")), "")
    return render(request, "enforcement/_violation.html", {"info": _info(code) if code else None})


DONE = {
    "update": _lazy("案情已保存。"),
    "statement": _lazy("陈述、申辩已记录。"),
    "waive": _lazy("已记录当事人放弃权利。"),
    "hearing_request": _lazy("已记录听证申请。"),
    "hearing_schedule": _lazy("已记录听证通知。"),
    "hearing_hold": _lazy("已记录听证结果。"),
    "pay": _lazy("已记录罚款缴纳。"),
    "execute": _lazy("已记为执行完毕。"),
    "close": _lazy("案件已结案。"),
}


def _run(step, user, case, data):
    if step == "update":
        return cases.case_update(actor=user, case=case, **data)
    if step == "statement":
        return cases.statement_record(actor=user, case=case, **data)
    if step == "waive":
        return cases.rights_waive(actor=user, case=case, **data)
    if step == "hearing_request":
        return cases.hearing_request(actor=user, case=case, **data)
    if step == "hearing_schedule":
        return cases.hearing_schedule(actor=user, case=case, **data)
    if step == "hearing_hold":
        return cases.hearing_hold(actor=user, case=case, **data)
    if step == "pay":
        return cases.case_pay(actor=user, case=case, **data)
    if step == "execute":
        return cases.case_execute(actor=user, case=case, **data)
    return cases.case_close(actor=user, case=case, **data)


@require_POST
def case_step(request, pk, step):
    case = _get(request, pk)
    if step not in STEP_FORMS:
        raise Http404
    form = STEP_FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if step == "close":
            data = {"reason": data["reason"]}
        try:
            _run(step, request.user, case, data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, DONE[step])
            return redirect("enforcement:case", case.pk)
    context = _case_context(request, _get(request, pk), bound=(step, form))
    return render(request, "enforcement/case_detail.html", context, status=400)
