"""The investigation panel of the case page (``_investigation.html``) and its POST handlers.

``investigation_context(user, accident)`` is what the panel shows (merged into the detail page's context as
``inv``); ``panel_context(request, accident)`` is the same for ``views.detail_context``. Each POST calls one
service of ``investigation.py`` and redirects to the case page with a message; bad input shows the case page
again (400) with the form and its errors; a step the state no longer allows redirects with the reason; no rights
is 403, outside the user's scope 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.accidents import forms_investigation as f
from anjian.accidents import investigation as services
from anjian.accidents import queries
from anjian.accidents.choices import AccidentKind, AccidentState, Action, MeasureState
from anjian.accidents.models import Accident, Investigation
from anjian.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from anjian.core.forms import apply_service_errors
from anjian.hazards.choices import HazardState
from anjian.rules import accidents as rules
from anjian.rules import violations


def _get(request, pk) -> Accident:
    try:
        return queries.accident_for_user(request.user, pk)
    except Accident.DoesNotExist:
        raise Http404 from None


def _investigation_of(accident: Accident) -> Investigation | None:
    inv = (
        Investigation.objects.select_related("organised_by")
        .prefetch_related("members", "pauses")
        .filter(accident=accident)
        .first()
    )
    if inv is not None:
        inv.accident = accident
    return inv


# --- the forms the user may use now -------------------------------------------------------------------------------


def _entrust_allowed(user, accident: Accident) -> bool:
    casualties = accident.deaths + accident.missing + accident.serious_injuries + accident.minor_injuries
    own = services.common.actor_level(user)
    return accident.grade == rules.AccidentGrade.ORDINARY.value and not casualties and own in (None, "county")


def _form(step: str, accident: Accident, inv: Investigation | None, data=None, *, entrust_allowed: bool = True):
    """The form of ``step``; ``entrust_allowed`` offers the 委托单位调查 box (a POST always parses it: the service
    decides)."""
    prefix = step
    if step == "open":
        return f.OpenForm(data, prefix=prefix, entrust_allowed=entrust_allowed)
    if step == "report":
        initial = {p: getattr(inv, p) for p in Investigation.REPORT_PARTS} if inv else {}
        return f.ReportForm(data, prefix=prefix, initial=initial)
    if step == "reply":
        extension = accident.grade == rules.AccidentGrade.ESPECIALLY_SERIOUS.value
        return f.ReplyForm(data, prefix=prefix, extension_allowed=extension)
    if step == "close":
        return f.CloseForm(data, prefix=prefix, near_miss=accident.kind == AccidentKind.NEAR_MISS)
    return FORMS[step](data, prefix=prefix)


FORMS = {
    "open": f.OpenForm,
    "member": f.MemberForm,
    "extend": f.ExtendForm,
    "appraisal_start": f.AppraisalStartForm,
    "appraisal_end": f.AppraisalEndForm,
    "report": f.ReportForm,
    "submit": f.SubmitForm,
    "reply": f.ReplyForm,
    "publish": f.PublishForm,
    "penalty": f.PenaltyForm,
    "measure": f.MeasureForm,
    "listing": f.ListingForm,
    "lift": f.LiftForm,
    "close": f.CloseForm,
}


# step → the action whose state rule it follows (a measure's completion: MEASURE_DONE)
STEP_ACTIONS = {
    "open": Action.OPEN_INVESTIGATION,
    "member": Action.EDIT_INVESTIGATION,
    "extend": Action.EXTEND,
    "appraisal_start": Action.PAUSE,
    "appraisal_end": Action.RESUME,
    "report": Action.EDIT_INVESTIGATION,
    "submit": Action.SUBMIT_REPORT,
    "reply": Action.REPLY,
    "publish": Action.PUBLISH,
    "penalty": Action.PENALTY,
    "measure": Action.MEASURE,
    "listing": Action.LIST,
    "lift": Action.DELIST,
    "close": Action.CLOSE,
}


def _allowed_steps(user, accident: Accident, inv: Investigation | None, listing) -> dict[str, bool]:
    state = accident.state
    investigating = state == AccidentState.INVESTIGATING and services.can_investigate(user, inv)
    pauses = list(inv.pauses.all()) if inv else []
    open_pause = any(p.ended_on is None for p in pauses)
    follow = services.can_follow_up(user) and accident.kind == AccidentKind.ACCIDENT and inv is not None
    return {
        "open": services.can_open(user, accident),
        "member": investigating,
        "extend": investigating and not inv.extension_days,
        "appraisal_start": investigating and not open_pause,
        "appraisal_end": investigating and open_pause,
        "report": investigating,
        "submit": investigating,
        "reply": state == AccidentState.REPORT_SUBMITTED and services.can_investigate(user, inv),
        "publish": state in (AccidentState.REPLIED, AccidentState.CLOSED)
        and services.can_investigate(user, inv)
        and not inv.published_on,
        "penalty": follow and state == AccidentState.REPLIED,
        "measure": follow and services.state_allows(accident, Action.MEASURE),
        "listing": services.can_list(user, accident, inv),
        "lift": services.can_lift(user, listing),
        "close": services.can_close(user, accident, inv),
    }


def _measure_rows(user, accident: Accident, can_complete: bool) -> list[dict]:
    from anjian.hazards.queries import hazards_visible_to

    rows = list(accident.measures.select_related("hazard"))
    visible = set(
        hazards_visible_to(user).filter(pk__in=[m.hazard_id for m in rows if m.hazard_id]).values_list("pk", flat=True)
    )
    out = []
    for m in rows:
        done = services.measure_carried_out(m)
        hazard = m.hazard
        by_hand = hazard is None or hazard.state == HazardState.REJECTED
        out.append({
            "measure": m,
            "carried_out": done,
            "hazard": hazard,
            "hazard_state_label": HazardState(hazard.state).label if hazard else "",
            "hazard_url": reverse("hazards:detail", args=[hazard.pk]) if hazard and hazard.pk in visible else "",
            "complete_form": f.MeasureCompleteForm(prefix=f"measure{m.pk}")
            if can_complete and m.state == MeasureState.OPEN and by_hand else None,
            "confirm_from_hazard": can_complete and m.state == MeasureState.OPEN and hazard is not None
            and hazard.state == HazardState.CLOSED,
        })
    return out


def investigation_context(user, accident: Accident, bound: tuple[str, object] | None = None) -> dict:
    """What the investigation panel shows, under the key ``inv``; ``bound`` = (step, form with errors)."""
    inv = _investigation_of(accident)
    near = accident.kind == AccidentKind.NEAR_MISS
    listings = list(accident.listings.select_related("authority", "listed_by", "lifted_by"))
    open_listing = next((row for row in listings if row.lifted_at is None), None)
    allowed = _allowed_steps(user, accident, inv, open_listing)
    entrust = _entrust_allowed(user, accident)
    forms = {}
    for step, ok in allowed.items():
        if not ok:
            continue
        forms[step] = bound[1] if bound and bound[0] == step else _form(step, accident, inv, entrust_allowed=entrust)
    can_complete = (
        services.can_follow_up(user) and inv is not None and services.state_allows(accident, Action.MEASURE_DONE)
    )
    measures = _measure_rows(user, accident, can_complete)
    if bound and bound[0].startswith("measure") and bound[0] != "measure":
        for row in measures:
            if f"measure{row['measure'].pk}" == bound[0]:
                row["complete_form"] = bound[1]
    investigator = rules.investigator(accident.grade) if accident.grade and not near else None
    grade = rules.AccidentGrade(accident.grade) if accident.grade else None
    blockers = services.closure_readiness(accident, inv)
    withheld = services.report_withheld(user, accident)
    ctx = {
        "near_miss": near,
        "investigation": inv,
        "investigator": investigator,
        "level_label": services.level_label(accident.investigating_level),
        "inv_level_label": services.level_label(inv.level) if inv else "",
        "taken_over": bool(inv and accident.investigating_level and inv.level != accident.investigating_level
                           and not services.level_changed(accident, inv)),
        "level_changed": services.level_changed(accident, inv),
        "clock": services.investigation_clock(inv) if inv else None,
        "reply_clock": services.reply_clock(inv) if inv else None,
        "members": list(inv.members.all()) if inv else [],
        "pauses": list(inv.pauses.all()) if inv else [],
        "report_withheld": withheld,
        "parts": [
            {"field": p, "label": services.part_label(p), "text": "" if withheld else getattr(inv, p)}
            for p in Investigation.REPORT_PARTS
        ] if inv else [],
        "missing_parts": [services.part_label(p) for p in services.missing_parts(inv)] if inv else [],
        "penalties": [
            {"row": p, "amount_text": violations.yuan(p.amount_yuan) if p.amount_yuan is not None else "—"}
            for p in accident.penalties.all()
        ],
        "fine_total": violations.yuan(services.penalty_totals(accident)),
        "fine_ranges": services.fine_ranges(accident.grade) if grade else {},
        "measures": measures,
        "listings": listings,
        "open_listing": open_listing,
        "blockers": blockers,
        "blocker_messages": [b["message"] for b in blockers if b["code"] != "invalid_transition"],
        "four_not_let_go": [
            {"code": code, "label": label, "evidence": (accident.closure_evidence or {}).get(code, "")}
            for code, label in rules.FOUR_NOT_LET_GO.items()
        ],
        "unpublished": bool(inv and inv.replied_on and not inv.published_on),
        "reply_extension_max": rules.REPLY_MAX_EXTENSION[grade] if grade else 0,
        "forms": forms,
        "can_edit": allowed["member"],
        "any_form": bool(forms) or any(m["complete_form"] or m["confirm_from_hazard"] for m in measures),
    }
    return {"inv": ctx}


def panel_context(request, accident: Accident) -> dict:
    """The hook ``views.detail_context`` calls."""
    return investigation_context(request.user, accident)


# --- the POST handlers --------------------------------------------------------------------------------------------


def _run(step: str, user, accident: Accident, form) -> str:
    d = form.cleaned_data
    if step == "open":
        inv = services.open_investigation(actor=user, accident=accident, **form.service_kwargs())
        return _("事故调查组已成立，调查报告提交期限 {date}。").format(date=inv.deadline.isoformat())
    if step == "member":
        services.add_member(actor=user, accident=accident, role=d["role"], name=d.get("name", ""),
                            organisation=d.get("organisation", ""), position=d.get("position", ""))
        return _("已增加调查组成员。")
    if step == "extend":
        inv = services.extend_investigation(actor=user, accident=accident, days=d.get("days"),
                                            reason=d.get("reason", ""), approved_by=d.get("approved_by", ""))
        return _("调查期限已延长至 {date}。").format(date=inv.deadline.isoformat())
    if step == "appraisal_start":
        services.start_appraisal(actor=user, accident=accident, reason=d.get("reason", ""),
                                 started_on=d.get("started_on"))
        return _("已登记技术鉴定，调查期限暂停计算。")
    if step == "appraisal_end":
        pause = services.end_appraisal(actor=user, accident=accident, ended_on=d.get("ended_on"))
        return _("技术鉴定已结束，{n}日不计入调查期限。").format(n=pause.days)
    if step == "report":
        sent = [p for p in Investigation.REPORT_PARTS if form.add_prefix(p) in form.data]  # a part not sent is kept
        services.save_report(actor=user, accident=accident, parts={p: d.get(p, "") for p in sent})
        return _("调查报告已保存。")
    if step == "submit":
        inv = services.submit_report(actor=user, accident=accident, submitted_on=d.get("submitted_on"))
        clock = services.investigation_clock(inv)
        text = _("调查报告已提交，批复期限 {date}。").format(date=inv.reply_deadline.isoformat())
        if clock["submitted_late"]:
            text += _("（超过调查期限 {n} 日提交）").format(n=clock["days_overdue"])
        return text
    if step == "reply":
        inv = services.record_reply(actor=user, accident=accident, document=d.get("document", ""),
                                    authority=d.get("authority", ""), replied_on=d.get("replied_on"),
                                    summary=d.get("summary", ""), extension_days=d.get("extension_days") or 0)
        late = services.reply_clock(inv)
        if late["late"]:
            return _("批复已登记；超过批复期限（{date}）{n}日，已标记为逾期批复。").format(
                date=inv.reply_deadline.isoformat(), n=late["days_late"])
        return _("批复已登记。")
    if step == "publish":
        services.publish(actor=user, accident=accident, published_on=d.get("published_on"),
                         publication=d.get("publication", ""))
        return _("已登记向社会公布情况。")
    if step == "penalty":
        row = services.record_penalty(
            actor=user, accident=accident, target=d["target"], person_name=d.get("person_name", ""),
            measure=d["measure"], amount_yuan=d.get("amount_yuan"),
            last_year_income_yuan=d.get("last_year_income_yuan"),
            aggravated=bool(d.get("aggravated")), document_number=d.get("document_number", ""),
            decided_on=d.get("decided_on"), note=d.get("note", ""),
        )
        return _("已登记责任追究。") + (row.check_message or "")
    if step == "measure":
        row = services.add_measure(
            actor=user, accident=accident, description=d.get("description", ""), responsible=d.get("responsible", ""),
            deadline=d.get("deadline"), as_hazard=bool(d.get("as_hazard")), category=d.get("category") or "management",
        )
        if row.hazard_id:
            return _("已登记整改措施，并作为隐患 {number} 跟踪。").format(number=row.hazard.number)
        return _("已登记整改措施。")
    if step == "listing":
        services.list_investigation(actor=user, accident=accident, document_number=d.get("document_number", ""),
                                    deadline=d.get("deadline"), requirements=d.get("requirements", ""))
        return _("已挂牌督办事故调查。")
    if step == "lift":
        services.lift_listing(actor=user, accident=accident, lift_document=d.get("lift_document", ""))
        return _("已摘牌。")
    if step == "close":
        services.close_accident(actor=user, accident=accident, **form.service_kwargs())
        return _("已结案。")
    raise Http404


def _back(accident: Accident):
    return redirect(reverse("accidents:detail", args=[accident.pk]) + "#investigation")


def _require_some_right(user) -> None:
    if not services.can_follow_up(user):  # every step needs a supervisor
        raise PermissionDenied


def _handle(request, accident: Accident, step: str, form, run):
    """Run a bound form's service; redirect on success, re-render the case page with the errors otherwise."""
    if form.is_valid():
        try:
            done = run(form)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except NotFoundError:
            raise Http404 from None
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except services.FineOutOfRangeError as exc:
            form.add_error(exc.extra.get("field") if exc.extra.get("field") in form.fields else None, exc.message)
        except services.ClosureBlockedError as exc:
            form.add_error(None, exc.message)
            for code in exc.extra.get("blockers", []):
                if code in form.fields:
                    form.add_error(code, ValidationError(_("请填写落实证据。"), code="required"))
        except ConflictError as exc:
            messages.error(request, exc.message)
            return _back(accident)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return _back(accident)
    from anjian.accidents.views import render_detail, state_refusal

    refused = state_refusal(accident, STEP_ACTIONS.get(step, Action.MEASURE_DONE))
    if refused:  # bad input to a step the state no longer allows: the state is the reason to give
        messages.error(request, refused)
        return _back(accident)
    accident = _get(request, accident.pk)
    return render_detail(
        request, accident, status=400, extra=investigation_context(request.user, accident, bound=(step, form)),
        posted=form,
    )


@require_POST
def investigation_step(request, pk, step):
    accident = _get(request, pk)
    if step not in FORMS:
        raise Http404
    _require_some_right(request.user)
    inv = _investigation_of(accident)
    form = _form(step, accident, inv, request.POST)
    return _handle(request, accident, step, form, lambda fm: _run(step, request.user, accident, fm))


@require_POST
def measure_complete(request, pk, measure_id):
    accident = _get(request, pk)
    _require_some_right(request.user)
    measure = accident.measures.filter(pk=measure_id).first()
    if measure is None:
        raise Http404
    step = f"measure{measure.pk}"
    form = f.MeasureCompleteForm(request.POST, prefix=step)

    def run(fm):
        services.complete_measure(actor=request.user, accident=accident, measure=measure,
                                  done_on=fm.cleaned_data.get("done_on"), note=fm.cleaned_data.get("note", ""))
        return _("整改措施已确认落实。")

    return _handle(request, accident, step, form, run)


@require_POST
def member_remove(request, pk, member_id):
    accident = _get(request, pk)
    _require_some_right(request.user)
    try:
        services.remove_member(actor=request.user, accident=accident, member=member_id)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except NotFoundError:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除调查组成员。"))
    return _back(accident)


urlpatterns = [
    path("<int:pk>/investigation/members/<int:member_id>/remove/", member_remove, name="investigation_member_remove"),
    path("<int:pk>/investigation/measures/<int:measure_id>/complete/", measure_complete,
         name="investigation_measure_complete"),
    path("<int:pk>/investigation/<slug:step>/", investigation_step, name="investigation_step"),
]
