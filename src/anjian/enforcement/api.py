"""API of enforcement documents and penalty cases. ``register`` adds the viewsets to the router.

``/api/enforcement-documents/``: the ledger (cursor-paged, filtered, exportable), one document with its
history, ``POST`` with ``doc_type`` and the type's fields to draft one, ``PATCH`` to edit a draft, and one
``POST`` per step (approve, serve, execute, close, withdraw); ``pdf`` returns the document as PDF.
``/api/penalty-cases/``: cases with their items, notice, statement, hearing, decision, referral, payment,
execution, close and clocks.

Errors: 400 ``invalid`` with ``fields`` (each ``{code, message}``: ``required``, ``invalid``, ``past_date``,
``no_findings``, ``incomplete``, ``period_too_long``, ``fine_out_of_range``, ``not_found`` …); 403
``permission_denied`` / ``self_approval``; 404 ``not_found`` outside the caller's scope; 409
``invalid_transition`` with ``current_state`` and ``action``, ``record_exists``, ``review_exists``,
``document_exists``, ``already_extended``, ``penalty_exceeds_notice``, ``decision_issued``,
``record_tampered``, and ``procedure_incomplete`` with ``blockers`` (what 行政处罚法 still requires before a
decision, each ``{code, message}``: ``notice_not_served``, ``statement_period``, ``hearing_window``,
``hearing_not_held``)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.accounts.models import User
from anjian.enforcement import case_documents, cases, documents, drafts, excel, penalties, queries, render
from anjian.enforcement import clocks as procedure_clocks
from anjian.enforcement import permissions as perms
from anjian.enforcement import serializers as s
from anjian.enforcement.choices import DocType
from anjian.enforcement.filters import CaseFilter, DocumentFilter
from anjian.enforcement.models import PenaltyItem
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections.queries import inspections_visible_to
from anjian.rules import violations as violation_library

DOCUMENT_CREATE = PolymorphicProxySerializer(
    component_name="EnforcementDocumentCreate",
    serializers={str(k): v for k, v in s.INPUTS.items()},
    resource_type_field_name="doc_type",
)
# Input keys that name a source object, resolved within the caller's scope.
SOURCE_KEYS = ("inspection", "order", "review", "extends", "enterprise", "case", "doc_type", "inspectors")


def register(router) -> None:
    """Called by anjian/urls.py."""
    router.register("enforcement-documents", DocumentViewSet, basename="enforcement-document")
    router.register("penalty-cases", CaseViewSet, basename="penalty-case")


def _not_found(field: str):
    return serializers.ValidationError(
        {field: [serializers.ErrorDetail(_("不存在或不在您的管辖范围内。"), code="not_found")]}
    )


def _input(cls, data, **kw):
    ser = cls(data=data, **kw)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _plain(value):
    """Nested serializer output as plain dicts and lists (the services store them as JSON)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Sources:
    """The objects an input names, each looked up in the caller's visible set (else a field error)."""

    def __init__(self, user, data: dict):
        self.user, self.data = user, data

    def _get(self, key, queryset):
        if self.data.get(key) is None:
            return None
        obj = queryset.filter(pk=self.data[key]).first()
        if obj is None:
            raise _not_found(key)
        return obj

    def inspection(self):
        return self._get("inspection", inspections_visible_to(self.user).select_related("enterprise", "template"))

    def enterprise(self):
        return self._get("enterprise", enterprises_visible_to(self.user))

    def document(self, key, doc_type):
        return self._get(key, queries.documents_visible_to(self.user).filter(doc_type=doc_type).select_related(
            "enterprise", "inspection", "parent"))

    def case(self):
        return self._get("case", queries.cases_visible_to(self.user).select_related("enterprise", "authority"))

    def inspectors(self):
        ids = self.data.get("inspectors")
        if not ids:
            return None
        users = list(User.objects.filter(pk__in=ids, authority_id=self.user.authority_id))
        if len(users) != len(set(ids)):
            raise _not_found("inspectors")
        return users


def draft_from_input(user, doc_type: str, data: dict, document=None):
    """Dispatch a parsed input to the type's drafting service (or, with ``document``, edit that draft)."""
    data = _plain(data)
    fields = {k: v for k, v in data.items() if k not in SOURCE_KEYS}
    src = _Sources(user, data)
    if "inspectors" in data:
        fields["inspectors"] = src.inspectors()
    if document is not None:
        return drafts.document_update(actor=user, document=document, data=fields)
    T = DocType
    if doc_type == T.INSPECTION_RECORD:
        inspection = src.inspection()
        if inspection is None:
            raise _not_found("inspection")
        return drafts.inspection_record_draft(actor=user, inspection=inspection)
    if doc_type == T.RECTIFICATION_ORDER:
        inspection = src.inspection()
        if inspection is None:
            raise _not_found("inspection")
        fields.setdefault("deadline", None)
        return drafts.rectification_order_draft(actor=user, inspection=inspection, **fields)
    if doc_type == T.REVIEW_OPINION:
        order = src.document("order", T.RECTIFICATION_ORDER)
        if order is None:
            raise _not_found("order")
        fields.setdefault("review_date", None)
        return drafts.review_opinion_draft(actor=user, order=order, **fields)
    if doc_type == T.ONSITE_MEASURES:
        fields.setdefault("measures", [])
        return drafts.onsite_measures_draft(
            actor=user, enterprise=src.enterprise(), inspection=src.inspection(),
            review=src.document("review", T.REVIEW_OPINION), **fields)
    if doc_type == T.COERCIVE_MEASURES:
        for key in ("measure", "reason", "items", "start_date"):
            fields.setdefault(key, None)
        return drafts.coercive_measures_draft(
            actor=user, enterprise=src.enterprise(), inspection=src.inspection(),
            extends=src.document("extends", T.COERCIVE_MEASURES), **fields)
    if doc_type == T.REFERRAL:
        for key in ("receiver", "reason"):
            fields.setdefault(key, "")
        return drafts.referral_draft(
            actor=user, enterprise=src.enterprise(), case=src.case(),
            review=src.document("review", T.REVIEW_OPINION), **fields)
    case = src.case()
    if case is None:
        raise _not_found("case")
    if doc_type == T.PENALTY_NOTICE:
        return case_documents.notice_draft(actor=user, case=case, **fields)
    return case_documents.decision_draft(actor=user, case=case, **fields)


def _step(request_class, summary, response=s.DocumentSerializer):
    return extend_schema(request=request_class, responses={200: response}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="执法文书台账"),
    retrieve=extend_schema(summary="执法文书（含内容、处理记录）"),
    create=extend_schema(request=DOCUMENT_CREATE, responses={201: s.DocumentSerializer},
                         summary="起草执法文书（doc_type 决定所需字段）"),
    partial_update=extend_schema(request=DOCUMENT_CREATE, responses={200: s.DocumentSerializer},
                                 summary="修改草稿（仅起草人；字段同起草）"),
)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = DocumentFilter
    serializer_class = s.DocumentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.DocumentListSerializer if self.action in ("list", "export") else s.DocumentSerializer

    def get_queryset(self):
        qs = queries.documents_visible_to(self.request.user, for_list=self.action in ("list", "export"))
        qs = qs.select_related("enterprise", "authority")
        if self.action == "retrieve":
            qs = qs.select_related("drafted_by", "approved_by").prefetch_related("events")
        return qs

    def _document(self, pk):
        return get_object_or_404(queries.documents_visible_to(self.request.user).select_related(
            "enterprise", "authority", "inspection", "parent", "case"), pk=pk)

    def _done(self, document, code=status.HTTP_200_OK):
        document = self.get_queryset().model.objects.select_related(
            "enterprise", "authority", "drafted_by", "approved_by").prefetch_related("events").get(pk=document.pk)
        return Response(s.DocumentSerializer(document).data, status=code)

    def create(self, request, *args, **kwargs):
        doc_type = request.data.get("doc_type")
        if doc_type not in s.INPUTS:
            raise serializers.ValidationError(
                {"doc_type": [serializers.ErrorDetail(_("请选择文书类型。"), code="invalid_choice")]})
        data = _input(s.INPUTS[doc_type], request.data)
        return self._done(draft_from_input(request.user, doc_type, data), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        document = self._document(pk)
        data = _input(s.INPUTS[document.doc_type], request.data, partial=True)
        return self._done(draft_from_input(request.user, document.doc_type, data, document=document))

    @_step(None, "签发（编号，固定内容摘要；局领导，非起草人）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._done(documents.document_approve(actor=request.user, document=self._document(pk)))

    @_step(s.ServeInput, "送达")
    @action(detail=True, methods=["post"])
    def serve(self, request, pk=None):
        data = _input(s.ServeInput, request.data)
        return self._done(documents.document_serve(actor=request.user, document=self._document(pk), **data))

    @_step(s.EnforcementNoteInput, "执行完毕")
    @action(detail=True, methods=["post"])
    def execute(self, request, pk=None):
        data = _input(s.EnforcementNoteInput, request.data)
        return self._done(documents.document_execute(actor=request.user, document=self._document(pk), **data))

    @_step(s.EnforcementReasonInput, "终结")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _input(s.EnforcementReasonInput, request.data)
        return self._done(documents.document_close(actor=request.user, document=self._document(pk), **data))

    @_step(s.EnforcementReasonInput, "撤回草稿")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = _input(s.EnforcementReasonInput, request.data)
        return self._done(documents.document_withdraw(actor=request.user, document=self._document(pk), **data))

    @_step(s.EnforcementReasonInput, "作废（已签发未送达的文书；签发人）")
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        data = _input(s.EnforcementReasonInput, request.data)
        return self._done(documents.document_void(actor=request.user, document=self._document(pk), **data))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   summary="文书 PDF（草稿仅起草人和签发人，标注草稿）")
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        document = self._document(pk)
        if not perms.can_see_pdf(request.user, document):
            raise exceptions.PermissionDenied()
        return render.pdf_response(document)

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="导出执法文书台账（xlsx，当前筛选）",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return xlsx_response(excel.export_ledger(qs), excel.export_filename())


@extend_schema_view(
    list=extend_schema(summary="行政处罚案件"),
    retrieve=extend_schema(summary="案件（含处罚项、文书、期限、处理记录）"),
    create=extend_schema(request=s.CaseInput, responses={201: s.CaseSerializer}, summary="立案"),
    partial_update=extend_schema(request=s.CaseUpdateInput, responses={200: s.CaseSerializer}, summary="修改案情"),
)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = CaseFilter
    serializer_class = s.CaseSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        return s.CaseListSerializer if self.action == "list" else s.CaseSerializer

    def get_queryset(self):
        qs = queries.cases_visible_to(self.request.user, for_list=self.action == "list").select_related("enterprise")
        if self.action == "retrieve":
            qs = qs.prefetch_related("items", "events")
        return qs

    def _case(self, pk):
        return get_object_or_404(queries.cases_visible_to(self.request.user).select_related(
            "enterprise", "authority", "source_inspection", "source_document"), pk=pk)

    def _done(self, case, code=status.HTTP_200_OK):
        case = self.get_queryset().model.objects.prefetch_related("items", "events").select_related(
            "enterprise").get(pk=case.pk)
        return Response(s.CaseSerializer(case).data, status=code)

    def _doc(self, document):
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        data = _input(s.CaseInput, request.data)
        src = _Sources(request.user, data)
        enterprise = src.enterprise()
        if enterprise is None:
            raise _not_found("enterprise")
        source_document = None
        if data.get("source_document") is not None:
            source_document = queries.documents_visible_to(request.user).filter(pk=data["source_document"]).first()
            if source_document is None:
                raise _not_found("source_document")
        source_inspection = None
        if data.get("source_inspection") is not None:
            source_inspection = inspections_visible_to(request.user).filter(pk=data["source_inspection"]).first()
            if source_inspection is None:
                raise _not_found("source_inspection")
        case = cases.case_open(
            actor=request.user, enterprise=enterprise, cause=data["cause"], facts=data["facts"],
            evidence=data["evidence"], opened_on=data.get("opened_on"), source_inspection=source_inspection,
            source_document=source_document,
        )
        return self._done(case, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = _input(s.CaseUpdateInput, request.data)
        return self._done(cases.case_update(actor=request.user, case=self._case(pk), **data))

    @extend_schema(methods=["get"], responses=s.ItemSerializer(many=True), summary="处罚项")
    @extend_schema(methods=["post"], request=s.ItemInput, responses={201: s.ItemSerializer},
                   summary="增加处罚项（保存时核对罚款幅度）")
    @action(detail=True, methods=["get", "post"])
    def items(self, request, pk=None):
        case = self._case(pk)
        if request.method == "GET":
            return Response(s.ItemSerializer(case.items.all(), many=True).data)
        item = cases.item_add(actor=request.user, case=case, data=_input(s.ItemInput, request.data))
        return Response(s.ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["patch"], request=s.ItemInput, responses={200: s.ItemSerializer}, summary="修改处罚项",
                   parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)])
    @extend_schema(methods=["delete"], responses={204: None}, summary="删除处罚项",
                   parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["patch", "delete"], url_path=r"items/(?P<item_id>[0-9]{1,18})")
    def item(self, request, pk=None, item_id=None):
        item = get_object_or_404(PenaltyItem, pk=item_id, case=self._case(pk))
        if request.method == "DELETE":
            cases.item_delete(actor=request.user, item=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        item = cases.item_update(actor=request.user, item=item, data=_input(s.ItemInput, request.data, partial=True))
        return Response(s.ItemSerializer(item).data)

    @extend_schema(request=s.NoticeInput, responses={201: s.DocumentSerializer}, summary="起草行政处罚告知书")
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        data = _plain(_input(s.NoticeInput, request.data))
        return self._doc(case_documents.notice_draft(actor=request.user, case=self._case(pk), **data))

    @extend_schema(request=s.DecisionInput, responses={201: s.DocumentSerializer},
                   summary="起草行政处罚决定书（告知、陈述申辩、听证程序完成后）")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = _plain(_input(s.DecisionInput, request.data))
        return self._doc(case_documents.decision_draft(actor=request.user, case=self._case(pk), **data))

    @extend_schema(request=s.ReferralCaseInput, responses={201: s.DocumentSerializer}, summary="起草移送书")
    @action(detail=True, methods=["post"])
    def referral(self, request, pk=None):
        data = _plain(_input(s.ReferralCaseInput, request.data))
        data.setdefault("receiver", "")
        data.setdefault("reason", "")
        return self._doc(drafts.referral_draft(actor=request.user, case=self._case(pk), **data))

    @_step(s.StatementInput, "记录陈述申辩，或当事人放弃陈述申辩、听证", s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def statement(self, request, pk=None):
        data = _input(s.StatementInput, request.data)
        case = self._case(pk)
        if data["waived"] or data["waive_hearing"]:
            case = cases.rights_waive(actor=request.user, case=case, statement=data["waived"],
                                      hearing=data["waive_hearing"], note=data.get("note", ""))
        else:
            case = cases.statement_record(actor=request.user, case=case, text=data.get("text", ""),
                                          received_on=data.get("received_on"), review=data.get("review", ""))
        return self._done(case)

    @_step(s.HearingInput, "听证：申请（request）、通知（schedule）、结束（hold）", s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def hearing(self, request, pk=None):
        data = _input(s.HearingInput, request.data)
        case = self._case(pk)
        if data["step"] == "request":
            case = cases.hearing_request(actor=request.user, case=case, requested_on=data.get("requested_on"))
        elif data["step"] == "schedule":
            case = cases.hearing_schedule(actor=request.user, case=case, hearing_date=data.get("hearing_date"),
                                          place=data.get("place", ""), notified_on=data.get("notified_on"))
        else:
            case = cases.hearing_hold(actor=request.user, case=case, held_on=data.get("held_on"),
                                      outcome=data.get("outcome", ""), summary=data.get("summary", ""))
        return self._done(case)

    @_step(s.PayInput, "罚款已缴纳", s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        data = _input(s.PayInput, request.data)
        return self._done(cases.case_pay(actor=request.user, case=self._case(pk), **data))

    @_step(s.EnforcementNoteInput, "执行完毕", s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def execute(self, request, pk=None):
        data = _input(s.EnforcementNoteInput, request.data)
        return self._done(cases.case_execute(actor=request.user, case=self._case(pk), **data))

    @_step(s.EnforcementReasonInput, "结案（或撤销立案）", s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _input(s.EnforcementReasonInput, request.data)
        return self._done(cases.case_close(actor=request.user, case=self._case(pk), **data))

    @extend_schema(
        summary="办案期限（状态 ok/due/overdue/done/ended）及尚待完成的程序",
        responses=inline_serializer("CaseClocks", {
            "clocks": s.ClockSerializer(many=True),
            "blockers": serializers.ListField(child=serializers.DictField()),
        }),
    )
    @action(detail=True, methods=["get"])
    def clocks(self, request, pk=None):
        case = self._case(pk)
        today = timezone.localdate()
        return Response({
            "clocks": s.ClockSerializer(procedure_clocks.case_clocks(case, today), many=True).data,
            "blockers": procedure_clocks.decision_blockers(case, today),
        })

    @extend_schema(request=s.FineCheckInput, responses=s.FineVerdictSerializer, summary="核对罚款是否在法定幅度内")
    @action(detail=False, methods=["post"], url_path="check-fine")
    def check_fine(self, request):
        data = _input(s.FineCheckInput, request.data)
        try:
            verdict = penalties.check_item(**{k: data.get(k, d) for k, d in (
                ("violation_code", ""), ("party", "unit"), ("amount", 0), ("stage", "immediate"),
                ("illegal_gains", None), ("last_year_income", None), ("aggravated", False), ("measures", []))})
        except (KeyError, ValueError) as exc:
            raise serializers.ValidationError(
                {"violation_code": [serializers.ErrorDetail(str(exc), code="invalid")]}) from None
        return Response({"ok": verdict.ok, "message": verdict.message,
                         "range": list(verdict.range) if verdict.range else None})

    @extend_schema(
        summary="违法行为库（现行有效条款及罚款幅度）",
        responses=inline_serializer("Violation", {
            "code": serializers.CharField(), "label": serializers.CharField(), "citation": serializers.CharField(),
            "text": serializers.CharField(), "stages": serializers.ListField(child=serializers.DictField()),
        }, many=True),
    )
    @action(detail=False, methods=["get"])
    def violations(self, request):
        return Response([penalties.fine_range_text(v.code) for v in violation_library.in_force(timezone.localdate())])
