"""Pages of enforcement documents: the ledger (filtered, paged, exportable), drafting each type from its
source (an order from an inspection pre-filled with its findings, a review from an order pre-filled with the
order's findings …), editing a draft, one document with its state, the steps allowed to the user, its
history and its PDF. The penalty case pages are in ``case_views.py``."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.paging import ledger_response
from anjian.enforcement import case_documents, common, documents, drafts, excel, forms, queries
from anjian.enforcement import permissions as perms
from anjian.enforcement.case_views import (  # noqa: F401 — the case pages live there; urls import them from here
    case_detail,
    case_list,
    case_new,
    case_step,
    item_check,
    item_remove,
    item_save,
    violation_info,
)
from anjian.enforcement.choices import ALLOWED_IN, LIVE_STATES, TRANSITIONS, DocAction, DocState, DocType
from anjian.enforcement.filters import DocumentFilter
from anjian.enforcement.models import EnforcementDocument
from anjian.enforcement.render import pdf_response
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections.queries import inspections_visible_to

# Types a drafter may start from an enterprise alone (the others start from their source's page).
FREE_TYPES = (DocType.ONSITE_MEASURES, DocType.COERCIVE_MEASURES, DocType.REFERRAL)


def _filtered(request):
    base = queries.documents_visible_to(request.user, for_list=True).select_related("enterprise", "authority")
    return DocumentFilter(request.GET, queryset=base, request=request)


def document_list(request):
    today = timezone.localdate()
    return ledger_response(
        request, _filtered(request), template="enforcement/list.html", rows_template="enforcement/_rows.html",
        context={
            "can_draft": perms.can_draft(request.user),
            "free_types": [(t, DocType(t).label) for t in FREE_TYPES],
            "years": range(today.year, today.year - 5, -1),
            "today": today,
        },
    )


def document_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect("enforcement:list")
    try:
        content = excel.export_ledger(flt.qs)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("enforcement:list")
    return xlsx_response(content, excel.export_filename())


def _get(request, pk) -> EnforcementDocument:
    try:
        return queries.document_for_user(request.user, pk)
    except EnforcementDocument.DoesNotExist:
        raise Http404 from None


# --- drafting ----------------------------------------------------------------------------------------------------


class Sources:
    """The source objects named in the query string (or those of the draft being edited), each looked up in
    the user's visible set: outside it, 404."""

    def __init__(self, request, document: EnforcementDocument | None = None):
        self.inspection = self.order = self.review = self.case = self.extends = self.enterprise = None
        self.user = request.user
        if document is not None:
            self.inspection, self.case, self.enterprise = document.inspection, document.case, document.enterprise
            parent = document.parent
            if document.doc_type == DocType.REVIEW_OPINION:
                self.order = parent
            elif document.doc_type == DocType.COERCIVE_MEASURES:
                self.extends = parent
            elif parent is not None and parent.doc_type == DocType.REVIEW_OPINION:
                self.review = parent
            return
        params = request.GET
        user = request.user
        docs = queries.documents_visible_to(user).select_related("enterprise", "inspection", "parent")
        if params.get("inspection"):
            self.inspection = get_object_or_404(inspections_visible_to(user).select_related("enterprise"),
                                                pk=_int(params["inspection"]))
        for key, doc_type in (("order", DocType.RECTIFICATION_ORDER), ("review", DocType.REVIEW_OPINION),
                              ("extends", DocType.COERCIVE_MEASURES)):
            if params.get(key):
                setattr(self, key, get_object_or_404(docs, pk=_int(params[key]), doc_type=doc_type))
        if params.get("case"):
            self.case = get_object_or_404(queries.cases_visible_to(user).select_related("enterprise", "authority"),
                                          pk=_int(params["case"]))
        if params.get("enterprise"):
            self.enterprise = get_object_or_404(enterprises_visible_to(user), pk=_int(params["enterprise"]))

    @property
    def party(self):
        for source in (self.order, self.review, self.extends, self.case, self.inspection):
            if source is not None:
                return source.enterprise
        return self.enterprise

    def query(self) -> str:
        for key in ("inspection", "order", "review", "extends", "case", "enterprise"):
            obj = getattr(self, key)
            if obj is not None:
                return f"?{key}={obj.pk}"
        return ""


def _int(value) -> int:
    return int(value) if str(value).isdigit() else 0


def _findings_initial(sources, document):
    if document is not None:
        return [{"description": f["description"], "basis": f.get("basis", "")}
                for f in document.content.get("findings", [])]
    if sources.review is not None:
        return drafts.unrectified_findings(sources.review)
    if sources.inspection is not None:
        return drafts.inspection_findings(sources.inspection)
    return []


def _main_initial(doc_type, sources, document) -> dict:
    """What the form starts with: the draft's content when editing, else the defaults from the source."""
    today = timezone.localdate()
    if document is not None:
        content = dict(document.content)
        if doc_type == DocType.ONSITE_MEASURES:
            known = {str(m) for m in forms.ONSITE_MEASURES}
            content["other_measures"] = "\n".join(m for m in content.get("measures", []) if m not in known)
        if doc_type == DocType.COERCIVE_MEASURES:
            content["measure"] = "seal" if content.get("measure") == "查封" else "seize"
        if doc_type == DocType.REFERRAL:
            content["materials"] = "\n".join(content.get("materials", []))
            content["crime_reference"] = _crime_code(content.get("crime_reference"))
        return content
    if doc_type == DocType.RECTIFICATION_ORDER:
        return {"requirements": drafts.ORDER_REQUIREMENTS, "deadline": today + datetime.timedelta(days=15)}
    if doc_type == DocType.REVIEW_OPINION:
        return {"review_date": today}
    if doc_type == DocType.ONSITE_MEASURES:
        return {"legal_basis": drafts.ONSITE_BASIS, "resume_condition": drafts.RESUME_CONDITION,
                "enterprise": sources.enterprise}
    if doc_type == DocType.COERCIVE_MEASURES:
        return {"measure": "seal", "start_date": today, "period_days": 30, "enterprise": sources.enterprise,
                "legal_basis": drafts.EXTENSION_BASIS if sources.extends else drafts.COERCIVE_BASIS}
    if doc_type == DocType.PENALTY_NOTICE:
        case = sources.case
        return {"facts": case.facts, "evidence": case.evidence,
                "contact": case_documents.authority_profile(case.authority).contact}
    if doc_type == DocType.PENALTY_DECISION:
        case = sources.case
        profile = case_documents.authority_profile(case.authority)
        return {"facts": case.facts, "evidence": case.evidence,
                "statement_summary": case_documents.summarise_statement(case, today),
                "hearing_summary": case_documents.summarise_hearing(case), "payment_place": profile.payment_place,
                "review_body": case_documents.default_review_body(case.authority),
                "court": case_documents.default_court(case.authority)}
    if doc_type == DocType.REFERRAL:
        facts = sources.case.facts if sources.case else (
            "；".join(f["description"] for f in drafts.unrectified_findings(sources.review)) if sources.review else "")
        region = request_user_region(sources)
        return {"receiver": f"{region}公安局" if region else "", "facts": facts, "enterprise": sources.enterprise,
                "crime_reference": drafts.REFUSAL_CRIME if sources.review else "",
                "materials": "\n".join(drafts.REFERRAL_MATERIALS)}
    return {}


def request_user_region(sources) -> str:
    """The region of the drafting authority: a referral goes to the public security organ at its level."""
    return sources.user.authority.region.name if getattr(sources.user, "authority_id", None) else ""


def _crime_code(reference) -> str:
    if not reference:
        return ""
    from anjian.rules import violations

    for ref in violations.CRIME_REFERENCES:
        if reference.get("citation", "").endswith(f"{ref.article}{ref.item}"):
            return ref.code
    return ""


MAIN_FORMS = {
    DocType.INSPECTION_RECORD: forms.InspectionRecordForm,
    DocType.RECTIFICATION_ORDER: forms.RectificationOrderForm,
    DocType.REVIEW_OPINION: forms.ReviewOpinionForm,
    DocType.ONSITE_MEASURES: forms.OnsiteMeasuresForm,
    DocType.COERCIVE_MEASURES: forms.CoerciveMeasuresForm,
    DocType.PENALTY_NOTICE: forms.NoticeForm,
    DocType.PENALTY_DECISION: forms.DecisionForm,
    DocType.REFERRAL: forms.ReferralForm,
}


def _build_forms(request, doc_type, sources, document=None):
    data = request.POST if request.method == "POST" else None
    cls = MAIN_FORMS[doc_type]
    kwargs = {"initial": _main_initial(doc_type, sources, document)}
    if issubclass(cls, forms.OfficersMixin):
        kwargs["user"] = request.user
    form = cls(data, **kwargs)
    if "enterprise" in form.fields:
        if document is not None or sources.party is not None:
            del form.fields["enterprise"]
        else:
            form.fields["enterprise"].queryset = enterprises_visible_to(request.user).order_by("name")
            form.fields["enterprise"].required = True
    if document is not None and "inspectors" in form.fields:
        form.fields["inspectors"].help_text = _("当前：{}").format(
            "、".join(i["name"] for i in document.inspectors) or "—")
    sets = {}
    if doc_type in (DocType.RECTIFICATION_ORDER, DocType.ONSITE_MEASURES):
        sets["findings"] = forms.FindingFormSet(data, prefix="findings",
                                                initial=_findings_initial(sources, document))
    elif doc_type == DocType.REVIEW_OPINION:
        rows = document.content["results"] if document is not None else [
            {"no": f["no"], "rectified": None, "note": ""} for f in sources.order.content.get("findings", [])]
        initial = [{"no": r["no"], "rectified": ("1" if r["rectified"] else "0") if r["rectified"] is not None
                    else None, "note": r.get("note", "")} for r in rows]
        sets["results"] = forms.ResultFormSet(data, prefix="results", initial=initial)
    elif doc_type == DocType.COERCIVE_MEASURES:
        items = document.content.get("items", []) if document is not None else (
            sources.extends.content.get("items", []) if sources.extends else [])
        sets["seized"] = forms.SeizedItemFormSet(data, prefix="items", initial=items)
    return form, sets


def _rows(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and any(f.cleaned_data.values())]


def _service_data(doc_type, form, sets) -> dict:
    d = dict(form.cleaned_data)
    inspectors = list(d.pop("inspectors", []) or []) or None
    d.pop("enterprise", None)
    out: dict = {}
    if doc_type == DocType.RECTIFICATION_ORDER:
        out = {"deadline": d["deadline"], "requirements": d["requirements"], "findings": _rows(sets["findings"])}
    elif doc_type == DocType.REVIEW_OPINION:
        results = [{"no": r["no"], "rectified": r["rectified"], "note": r["note"]}
                   for r in (f.cleaned_data for f in sets["results"].forms)]
        out = {"review_date": d["review_date"], "opinion": d["opinion"], "next_action": d["next_action"],
               "results": results, "inspectors": inspectors}
    elif doc_type == DocType.ONSITE_MEASURES:
        out = {"measures": list(d["measures"]) + common.lines(d["other_measures"]),
               "findings": _rows(sets["findings"]), "legal_basis": d["legal_basis"],
               "resume_condition": d["resume_condition"], "inspectors": inspectors}
    elif doc_type == DocType.COERCIVE_MEASURES:
        out = {"measure": d["measure"], "reason": d["reason"], "items": _rows(sets["seized"]),
               "start_date": d["start_date"], "period_days": d["period_days"], "legal_basis": d["legal_basis"],
               "inspectors": inspectors}
    elif doc_type == DocType.REFERRAL:
        out = {"receiver": d["receiver"], "reason": d["reason"], "facts": d["facts"],
               "crime_reference": d["crime_reference"], "materials": common.lines(d["materials"]),
               "contact": d["contact"], "inspectors": inspectors}
    elif doc_type in (DocType.PENALTY_NOTICE, DocType.PENALTY_DECISION):
        out = d
    return out


def _draft(request, doc_type, sources, form, sets):
    user = request.user
    data = _service_data(doc_type, form, sets)
    T = DocType
    if doc_type == T.INSPECTION_RECORD:
        return drafts.inspection_record_draft(actor=user, inspection=sources.inspection)
    if doc_type == T.RECTIFICATION_ORDER:
        return drafts.rectification_order_draft(actor=user, inspection=sources.inspection, **data)
    if doc_type == T.REVIEW_OPINION:
        return drafts.review_opinion_draft(actor=user, order=sources.order, **data)
    enterprise = form.cleaned_data.get("enterprise") or sources.enterprise
    if doc_type == T.ONSITE_MEASURES:
        return drafts.onsite_measures_draft(actor=user, enterprise=enterprise, inspection=sources.inspection,
                                            review=sources.review, **data)
    if doc_type == T.COERCIVE_MEASURES:
        return drafts.coercive_measures_draft(actor=user, enterprise=enterprise, inspection=sources.inspection,
                                              extends=sources.extends, **data)
    if doc_type == T.REFERRAL:
        return drafts.referral_draft(actor=user, enterprise=enterprise, case=sources.case, review=sources.review,
                                     **data)
    if doc_type == T.PENALTY_NOTICE:
        return case_documents.notice_draft(actor=user, case=sources.case, **data)
    return case_documents.decision_draft(actor=user, case=sources.case, **data)


REQUIRED_SOURCE = {
    DocType.INSPECTION_RECORD: "inspection",
    DocType.RECTIFICATION_ORDER: "inspection",
    DocType.REVIEW_OPINION: "order",
    DocType.PENALTY_NOTICE: "case",
    DocType.PENALTY_DECISION: "case",
}


def _draft_page(request, doc_type, sources, form, sets, document=None, status=200):
    context = {
        "doc_type": doc_type, "type_name": DocType(doc_type).label, "sources": sources, "form": form,
        "sets": sets, "document": document, "party": sources.party,
        "order_findings": sources.order.content.get("findings", []) if sources.order else (
            [{"no": r["no"], "description": r["description"]} for r in document.content.get("results", [])]
            if document is not None and doc_type == DocType.REVIEW_OPINION else []),
        "blockers": [],
    }
    if "results" in sets:
        context["result_rows"] = list(zip(sets["results"].forms, context["order_findings"], strict=False))
    if doc_type == DocType.PENALTY_DECISION and sources.case is not None:
        from anjian.enforcement.clocks import decision_blockers

        context["blockers"] = decision_blockers(sources.case, common.today())
    return render(request, "enforcement/draft.html", context, status=status)


def _save(request, doc_type, sources, form, sets, document=None):
    """Validate the forms, call the service; on success go to the document, else show the errors."""
    if form.is_valid() and all(s.is_valid() for s in sets.values()):
        try:
            if document is None:
                document = _draft(request, doc_type, sources, form, sets)
            else:
                document = drafts.document_update(actor=request.user, document=document,
                                                  data=_service_data(doc_type, form, sets))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
            for blocker in exc.extra.get("blockers", [])[1:]:
                form.add_error(None, blocker["message"])
        else:
            messages.success(request, _("草稿已保存，待签发。"))
            return redirect("enforcement:detail", document.pk)
    return _draft_page(request, doc_type, sources, form, sets, document, status=400)


@require_http_methods(["GET", "POST"])
def document_new(request, doc_type):
    if doc_type not in DocType.values:
        raise Http404
    if not perms.can_draft(request.user):
        raise PermissionDenied
    sources = Sources(request)
    needed = REQUIRED_SOURCE.get(doc_type)
    if needed and getattr(sources, needed) is None:
        raise Http404
    form, sets = _build_forms(request, doc_type, sources)
    if request.method == "POST":
        return _save(request, doc_type, sources, form, sets)
    return _draft_page(request, doc_type, sources, form, sets)


@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = _get(request, pk)
    if document.state != DocState.DRAFT or not perms.can_edit_draft(request.user, document):
        raise PermissionDenied
    sources = Sources(request, document)
    form, sets = _build_forms(request, document.doc_type, sources, document)
    if request.method == "POST":
        return _save(request, document.doc_type, sources, form, sets, document)
    return _draft_page(request, document.doc_type, sources, form, sets, document)


# --- one document ------------------------------------------------------------------------------------------------


def _allowed(document, action) -> bool:
    sources = TRANSITIONS[action][0] if action in TRANSITIONS else ALLOWED_IN[action]
    return document.state in sources


def _steps(request, document, bound=None) -> dict:
    """The step forms this user may use on this document now (a bound one keeps its errors)."""
    user = request.user
    issuer = perms.is_issuer(user, document)
    candidates = {
        "approve": perms.can_approve(user, document) and _allowed(document, DocAction.APPROVE),
        "serve": issuer and _allowed(document, DocAction.SERVE),
        # An order is executed by serving a passed review, not by hand.
        "execute": issuer
        and _allowed(document, DocAction.EXECUTE)
        and document.doc_type != DocType.RECTIFICATION_ORDER,
        "close": issuer and _allowed(document, DocAction.CLOSE),
        "withdraw": perms.can_withdraw(user, document) and _allowed(document, DocAction.WITHDRAW),
        "void": perms.can_void(user, document) and _allowed(document, DocAction.VOID),
    }
    out = {}
    for name, ok in candidates.items():
        if not ok:
            continue
        if bound and bound[0] == name:
            out[name] = bound[1]
        elif name == "approve":
            out[name] = True
        else:
            out[name] = STEP_FORMS[name](prefix=name, initial=_step_initial(name, document))
    out["edit"] = document.state == DocState.DRAFT and perms.can_edit_draft(user, document)
    return out


def _step_initial(name, document) -> dict:
    if name == "serve":
        return {"recipient": document.party.get("principal_name") or document.party.get("legal_representative", "")}
    return {}


def _next_steps(request, document) -> list[tuple[str, str]]:
    """Links to what may follow a served document (a review of an order; after a failed review a case,
    production stopped or a referral; the one extension of a seizure)."""
    user = request.user
    if not perms.is_issuer(user, document) or document.state not in (DocState.SERVED, DocState.CLOSED):
        return []
    def new(doc_type, key):
        return reverse("enforcement:new", args=[doc_type]) + f"?{key}={document.pk}"

    out = []
    live_children = document.children.filter(state__in=LIVE_STATES)
    if document.doc_type == DocType.RECTIFICATION_ORDER and document.state == DocState.SERVED:
        if not live_children.filter(doc_type=DocType.REVIEW_OPINION).exists():
            out.append((_("起草整改复查意见书"), new(DocType.REVIEW_OPINION, "order")))
    if document.doc_type == DocType.REVIEW_OPINION and not document.content.get("passed"):
        out.append((_("立案查处（行政处罚）"), reverse("enforcement:case_new") + f"?review={document.pk}"))
        out.append((_("现场处理措施决定书（责令暂时停产停业）"), new(DocType.ONSITE_MEASURES, "review")))
        out.append((_("移送书（刑法第一百三十四条之一）"), new(DocType.REFERRAL, "review")))
    if (document.doc_type == DocType.COERCIVE_MEASURES and document.state == DocState.SERVED
            and not (document.parent_id and document.parent.doc_type == DocType.COERCIVE_MEASURES)
            and not live_children.filter(doc_type=DocType.COERCIVE_MEASURES).exists()):
        out.append((_("延长查封、扣押期限"), new(DocType.COERCIVE_MEASURES, "extends")))
    return out


STEP_FORMS = {
    "serve": forms.ServeForm,
    "execute": forms.NoteForm,
    "close": forms.ReasonForm,
    "withdraw": forms.ReasonForm,
    "void": forms.ReasonForm,
}


def _detail(request, document, bound=None, status=200):
    children = [d for d in document.children.select_related("enterprise").order_by("id")
                if queries.documents_visible_to(request.user).filter(pk=d.pk).exists()]
    context = {
        "document": document,
        "body": document.content,
        "steps": _steps(request, document, bound),
        "next_steps": _next_steps(request, document),
        "events": document.events.all(),
        "intact": documents.document_intact(document),
        "can_pdf": perms.can_see_pdf(request.user, document),
        "children": children,
        "parent_visible": document.parent_id and queries.documents_visible_to(request.user).filter(
            pk=document.parent_id).exists(),
        "case_visible": document.case_id and queries.cases_visible_to(request.user).filter(
            pk=document.case_id).exists(),
    }
    return render(request, "enforcement/detail.html", context, status=status)


def document_detail(request, pk):
    return _detail(request, _get(request, pk))


DONE = {
    "approve": _lazy("文书已签发。"),
    "serve": _lazy("已记录送达。"),
    "execute": _lazy("已记为执行完毕。"),
    "close": _lazy("文书已终结。"),
    "withdraw": _lazy("草稿已撤回。"),
    "void": _lazy("文书已作废。"),
}


@require_POST
def document_step(request, pk, step):
    document = _get(request, pk)
    if step not in DONE:
        raise Http404
    user = request.user
    if step == "approve":
        try:
            documents.document_approve(actor=user, document=document)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, DONE[step])
            return redirect("enforcement:detail", document.pk)
        return _detail(request, _get(request, pk), status=400)
    form = STEP_FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "serve":
                documents.document_serve(actor=user, document=document, **data)
            elif step == "execute":
                documents.document_execute(actor=user, document=document, note=data["note"])
            elif step == "close":
                documents.document_close(actor=user, document=document, reason=data["reason"])
            elif step == "void":
                documents.document_void(actor=user, document=document, reason=data["reason"])
            else:
                documents.document_withdraw(actor=user, document=document, reason=data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, DONE[step])
            return redirect("enforcement:detail", document.pk)
    return _detail(request, _get(request, pk), bound=(step, form), status=400)


def document_pdf(request, pk):
    document = _get(request, pk)
    if not perms.can_see_pdf(request.user, document):
        raise PermissionDenied
    return pdf_response(document)
