"""Inspection endpoints: the ledger (filtered, cursor-paged, exportable), one inspection with its items,
team, signatures and history, and one POST per step; checklist templates with copy, edit, publish and new
version. Each step calls the same service as the page. A step the state does not allow answers 409
``invalid_transition`` with ``current_state``; ending a walk with items unanswered answers 400
``items_pending`` with ``pending``; a wrong password when signing answers 403 ``reauth_failed``."""

from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from anjian.accounts.models import User
from anjian.core.models import Authority
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections import checklists, excel, queries, services
from anjian.inspections import serializers as s
from anjian.inspections.filters import InspectionFilter
from anjian.inspections.models import ChecklistTemplateItem, Inspection, InspectionItem, InspectionPhoto

LIST_COLUMNS = (
    "id",
    "enterprise_id",
    "region_code",
    "authority_id",
    "kind",
    "state",
    "campaign",
    "planned_date",
    "started_at",
    "ended_at",
    "items_total",
    "items_answered",
    "items_failed",
    "hazards_found",
    "draw_id",
)
PARSERS = [JSONParser, FormParser, MultiPartParser]


def _step(input_class, summary):
    return extend_schema(request=input_class, responses={200: s.InspectionSerializer}, summary=summary)


def _field_error(field: str, message: str, code: str = "not_found"):
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


@extend_schema_view(
    list=extend_schema(summary="检查台账"),
    retrieve=extend_schema(summary="检查详情（含检查项、人员、签字、补充更正、处理记录）"),
    create=extend_schema(request=s.InspectionPlanInput, responses={201: s.InspectionSerializer}, summary="安排检查"),
)
class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = InspectionFilter
    parser_classes = PARSERS
    serializer_class = s.InspectionSerializer

    def get_serializer_class(self):
        return s.InspectionListSerializer if self.action == "list" else s.InspectionSerializer

    def get_queryset(self):
        return queries.inspections_visible_to(self.request.user, for_list=self.action in ("list", "export"))

    def _inspection(self, pk) -> Inspection:
        return get_object_or_404(queries.inspections_visible_to(self.request.user).select_related("enterprise"), pk=pk)

    def _item(self, pk, item_id) -> InspectionItem:
        return get_object_or_404(
            InspectionItem.objects.select_related("inspection"), pk=item_id, inspection=self._inspection(pk)
        )

    def _done(self, inspection, code=status.HTTP_200_OK):
        inspection = (
            Inspection.objects.select_related("enterprise", "authority", "template")
            .prefetch_related("members__user", "items__photos", "signatures", "addenda", "events")
            .get(pk=inspection.pk)
        )
        context = {"request": self.request}
        if inspection.content_hash:
            context["current_hash"] = services.content_hash(inspection)
        return Response(s.InspectionSerializer(inspection, context=context).data, status=code)

    def _input(self, cls):
        ser = cls(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(qs.values(*LIST_COLUMNS, current_name=F("enterprise__name")))
        for row in rows:
            row["number"] = f"JC{row['id']:08d}"
            row["enterprise_name"] = row.pop("current_name")
        return self.get_paginated_response(s.InspectionListSerializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return self._done(self._inspection(kwargs["pk"]))

    def create(self, request, *args, **kwargs):
        data = self._input(s.InspectionPlanInput)
        enterprise = enterprises_visible_to(request.user).filter(pk=data["enterprise"]).first()
        if enterprise is None:
            raise _field_error("enterprise", _("企业不存在或不在您的管辖范围内。"))
        template = checklists.templates_visible_to(request.user).filter(pk=data["template"]).first()
        if template is None:
            raise _field_error("template", _("检查表不存在或不可用。"))
        members = list(User.objects.filter(pk__in=data["members"], is_active=True))
        if len(members) != len(set(data["members"])):
            raise _field_error("members", _("检查人员不存在或已停用。"))
        partners = list(Authority.objects.filter(pk__in=data["partners"]))
        inspection = services.inspection_plan(
            actor=request.user,
            enterprise=enterprise,
            kind=data["kind"],
            template=template,
            members=members,
            planned_date=data.get("planned_date"),
            campaign=data["campaign"],
            partners=partners,
        )
        return self._done(inspection, status.HTTP_201_CREATED)

    @_step(s.InspectionStartInput, "开始检查（记录时间、地点）")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._done(
            services.inspection_start(
                actor=request.user, inspection=self._inspection(pk), **self._input(s.InspectionStartInput)
            )
        )

    @extend_schema(
        request=s.InspectionAnswerInput,
        responses={200: s.InspectionItemSerializer},
        summary="记录一项检查结果",
        parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post", "patch"], url_path=r"items/(?P<item_id>[0-9]{1,18})")
    def item(self, request, pk=None, item_id=None):
        item = services.item_answer(
            actor=request.user, item=self._item(pk, item_id), **self._input(s.InspectionAnswerInput)
        )
        return Response(s.InspectionItemSerializer(item).data)

    @extend_schema(
        request=s.InspectionPhotosInput,
        responses={200: s.InspectionItemSerializer},
        summary="检查项照片",
        parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]{1,18})/photos")
    def item_photos(self, request, pk=None, item_id=None):
        item = self._item(pk, item_id)
        services.item_add_photos(actor=request.user, item=item, photos=self._input(s.InspectionPhotosInput)["photos"])
        return Response(
            s.InspectionItemSerializer(InspectionItem.objects.prefetch_related("photos").get(pk=item.pk)).data
        )

    @extend_schema(
        request=s.InspectionToHazardInput,
        responses={201: s.InspectionItemSerializer},
        summary="不符合项转为隐患",
        parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]{1,18})/hazard")
    def item_hazard(self, request, pk=None, item_id=None):
        item = self._item(pk, item_id)
        services.item_to_hazard(actor=request.user, item=item, **self._input(s.InspectionToHazardInput))
        item = InspectionItem.objects.prefetch_related("photos").get(pk=item.pk)
        return Response(s.InspectionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        summary="照片文件",
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>[0-9]{1,18})")
    def photo(self, request, pk=None, photo_id=None):
        photo = get_object_or_404(InspectionPhoto, pk=photo_id, item__inspection=self._inspection(pk))
        try:
            return FileResponse(photo.image.open("rb"), content_type="image/jpeg")
        except FileNotFoundError:
            raise Http404 from None

    @_step(s.InspectionCompleteInput, "结束检查（全部检查项须已记录）")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._done(
            services.inspection_complete(
                actor=request.user, inspection=self._inspection(pk), **self._input(s.InspectionCompleteInput)
            )
        )

    @_step(s.InspectionSignInput, "签字确认（重新输入密码；被检查单位负责人可在检查人员设备上输入自己的用户名和密码）")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        data = self._input(s.InspectionSignInput)
        return self._done(
            services.inspection_sign(actor=request.user, inspection=self._inspection(pk), request=request, **data)
        )

    @_step(s.InspectionRefuseInput, "记录被检查单位拒绝签字（安全生产法第六十八条）")
    @action(detail=True, methods=["post"], url_path="refuse-signature")
    def refuse(self, request, pk=None):
        return self._done(
            services.inspection_refuse(
                actor=request.user, inspection=self._inspection(pk), **self._input(s.InspectionRefuseInput)
            )
        )

    @extend_schema(request=s.InspectionTextInput, responses={201: s.InspectionAddendumSerializer}, summary="补充更正")
    @action(detail=True, methods=["post"])
    def addendum(self, request, pk=None):
        addendum = services.inspection_addendum(
            actor=request.user, inspection=self._inspection(pk), **self._input(s.InspectionTextInput)
        )
        return Response(s.InspectionAddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)

    @_step(s.InspectionReasonInput, "取消检查（仅待检查状态）")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._done(
            services.inspection_cancel(
                actor=request.user, inspection=self._inspection(pk), **self._input(s.InspectionReasonInput)
            )
        )

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="导出检查台账（xlsx）",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return xlsx_response(excel.export_ledger(qs, title=_("监督检查台账")), excel.export_filename())


@extend_schema_view(
    list=extend_schema(summary="检查表（平台内置与本机构）"),
    retrieve=extend_schema(summary="检查表及其检查项"),
)
class TemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    serializer_class = s.ChecklistSerializer

    def get_serializer_class(self):
        return s.ChecklistListSerializer if self.action == "list" else s.ChecklistSerializer

    def get_queryset(self):
        qs = checklists.templates_visible_to(self.request.user).select_related("authority")
        if self.action == "retrieve":
            qs = qs.prefetch_related("items")
        state = self.request.query_params.get("state")
        if state and self.action == "list":
            qs = qs.filter(state=state)
        return qs

    def _input(self, cls):
        ser = cls(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    def _show(self, template, code=status.HTTP_200_OK):
        template = checklists.ChecklistTemplate.objects.prefetch_related("items").get(pk=template.pk)
        return Response(s.ChecklistSerializer(template).data, status=code)

    @extend_schema(
        request=s.ChecklistCopyInput, responses={201: s.ChecklistSerializer}, summary="复制为本局检查表（草稿）"
    )
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        copy = checklists.template_copy(
            actor=request.user, template=self.get_object(), **self._input(s.ChecklistCopyInput)
        )
        return self._show(copy, status.HTTP_201_CREATED)

    @extend_schema(request=s.ChecklistUpdateInput, responses={200: s.ChecklistSerializer}, summary="修改草稿")
    def partial_update(self, request, pk=None):
        template = checklists.template_update(
            actor=request.user, template=self.get_object(), data=self._input(s.ChecklistUpdateInput)
        )
        return self._show(template)

    @extend_schema(request=None, responses={200: s.ChecklistSerializer}, summary="发布（冻结此版本）")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._show(checklists.template_publish(actor=request.user, template=self.get_object()))

    @extend_schema(request=None, responses={201: s.ChecklistSerializer}, summary="生成新版本草稿")
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        draft = checklists.template_new_version(actor=request.user, template=self.get_object())
        return self._show(draft, status.HTTP_201_CREATED)

    @extend_schema(request=s.ChecklistItemInput, responses={201: s.ChecklistItemSerializer}, summary="增加检查项")
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        item = checklists.item_add(
            actor=request.user, template=self.get_object(), data=self._input(s.ChecklistItemInput)
        )
        return Response(s.ChecklistItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ChecklistItemInput,
        responses={200: s.ChecklistItemSerializer},
        summary="修改或删除检查项",
        parameters=[OpenApiParameter("item_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"items/(?P<item_id>[0-9]{1,18})")
    def item(self, request, pk=None, item_id=None):
        item = get_object_or_404(ChecklistTemplateItem, pk=item_id, template=self.get_object())
        if request.method == "DELETE":
            checklists.item_delete(actor=request.user, item=item)
            return Response(status=status.HTTP_204_NO_CONTENT)
        item = checklists.item_update(actor=request.user, item=item, data=self._input(s.ChecklistItemInput))
        return Response(s.ChecklistItemSerializer(item).data)
