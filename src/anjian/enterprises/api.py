"""Enterprise endpoints: list (filtered, cursor-paged), detail, create, update. No delete: a unit
that stops trading is marked closed, and its file stays."""

from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from anjian.enterprises import excel, services
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import EnterpriseSector
from anjian.enterprises.queries import enterprises_visible_to
from anjian.enterprises.serializers import EnterpriseListSerializer, EnterpriseSerializer

LIST_COLUMNS = (
    "id", "uscc", "name", "region_code", "status", "supervision_class", "employees", "major_hazard_source",
    "updated_at",
)


@extend_schema_view(
    list=extend_schema(summary="企业列表"),
    retrieve=extend_schema(summary="企业档案"),
    create=extend_schema(summary="登记企业"),
    update=extend_schema(summary="修改企业档案"),
    partial_update=extend_schema(summary="修改企业档案（部分）"),
)
class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = EnterpriseFilter

    def get_serializer_class(self):
        return EnterpriseListSerializer if self.action == "list" else EnterpriseSerializer

    def get_queryset(self):
        return enterprises_visible_to(self.request.user).select_related("region").prefetch_related("sector_links")

    def list(self, request, *args, **kwargs):
        """The list reads plain rows of the columns it shows and the sectors of the page in one more
        query: bench/ measured model instances and a serializer per row as most of the request's
        cost. The shape is EnterpriseListSerializer's."""
        qs = self.filter_queryset(enterprises_visible_to(request.user))
        rows = self.paginate_queryset(qs.values(*LIST_COLUMNS, region_name=F("region__name")))
        sectors: dict[int, list[str]] = {row["id"]: [] for row in rows}
        links = EnterpriseSector.objects.filter(enterprise_id__in=list(sectors)).order_by("enterprise_id", "id")
        for enterprise_id, sector in links.values_list("enterprise_id", "sector"):
            sectors[enterprise_id].append(sector)
        field = serializers.DateTimeField()
        for row in rows:
            row["sectors"] = sectors[row["id"]]
            row["updated_at"] = field.to_representation(row["updated_at"])
        return self.get_paginated_response(rows)

    @extend_schema(
        summary="Excel 导入企业（全部通过才写入）",
        request={"multipart/form-data": inline_serializer("EnterpriseImport", {"file": serializers.FileField()})},
        responses={201: inline_serializer("EnterpriseImportResult", {"created": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_xlsx(self, request):
        """Rows are checked first; any bad cell answers 400 ``import_invalid`` with every error by row
        and column, and nothing is written."""
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"code": "required", "message": _("请上传 .xlsx 文件（字段名 file）。")}, status=400)
        try:
            result = excel.import_enterprises(actor=request.user, file=upload)
        except excel.ImportFileError as exc:
            return Response({"code": "import_file_invalid", "message": str(exc)}, status=400)
        if not result.ok:
            return Response({
                "code": "import_invalid",
                "message": _("发现 {} 处错误，未导入任何数据。").format(len(result.errors)),
                "errors": [e.as_dict() for e in result.errors],
            }, status=400)
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="导出企业台账（Excel，按筛选条件）", responses={(200, excel.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export_xlsx(self, request):
        qs = self.filter_queryset(enterprises_visible_to(request.user))
        try:
            content = excel.export_enterprises(qs)
        except excel.ImportFileError as exc:
            return Response({"code": "export_too_large", "message": str(exc)}, status=400)
        return excel.xlsx_response(content, excel.export_filename())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, sectors = serializer.split()
        enterprise = services.enterprise_create(actor=request.user, data=data, sectors=sectors or [])
        out = EnterpriseSerializer(self.get_queryset().get(pk=enterprise.pk), context=self.get_serializer_context())
        return Response(out.data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        enterprise = self.get_object()
        serializer = self.get_serializer(enterprise, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, sectors = serializer.split()
        services.enterprise_update(actor=request.user, enterprise=enterprise, data=data, sectors=sectors)
        out = EnterpriseSerializer(self.get_queryset().get(pk=enterprise.pk), context=self.get_serializer_context())
        return Response(out.data)
