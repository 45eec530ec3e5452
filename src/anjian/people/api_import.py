"""API of the people imports: POST multipart ``/api/imports/people/{employees,training,certificates}/``.

The body has ``file`` (the filled template) and optionally ``enterprise`` (an id: rows with a blank 统一社会信用代码
go there). Answers 201 ``{"created": n}`` (training adds ``"records"``, the participants), 400
``import_rejected`` with every error ``{row, column, header, message}`` and nothing written, 400
``import_file_invalid`` for a file that cannot be read, 400 ``required`` without a file, 403 for a user who keeps
no ledger, 404 for an enterprise outside the user's scope.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from anjian.core import ximport
from anjian.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people import imports
from anjian.people.permissions import can_keep, may_keep_any


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="由导入模板填写的 .xlsx 文件")
    enterprise = serializers.IntegerField(required=False, help_text="导入到该单位（统一社会信用代码列为空的行）")


class ImportCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    records = serializers.IntegerField(required=False, help_text="培训导入：参训人次")


class ImportErrorItemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField(help_text="列字母；整行的错误为空")
    header = serializers.CharField()
    message = serializers.CharField()


class ImportRejectedSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    errors = ImportErrorItemSerializer(many=True, required=False)


def upload_target(request):
    """The file and the enterprise of an import request; raises the API's errors: 403 for a user who keeps no
    ledger or not that enterprise's, 404 for an enterprise outside the scope, 400 without a file."""
    if not may_keep_any(request.user):
        raise PermissionDeniedError(_("您不能导入人员和设备台账。"))
    upload = request.FILES.get("file")
    if upload is None:
        raise ServiceError(_("请上传 .xlsx 文件（字段名 file）。"), code="required")
    raw = str(request.data.get("enterprise", "") or "").strip()
    if not raw:
        return upload, None
    # ASCII digits only: "²" passes str.isdigit() but int() refuses it.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise ServiceError(_("enterprise 应为单位编号。"), code="invalid")
    enterprise = enterprises_visible_to(request.user).filter(pk=int(raw)).first()
    if enterprise is None:
        raise NotFoundError()
    if not can_keep(request.user, enterprise):
        raise PermissionDeniedError(_("您不能维护该单位的人员和设备台账。"))
    return upload, enterprise


def import_response(run) -> Response:
    """Run an import; the 201 / 400 answer."""
    try:
        result = run()
    except ximport.ImportFileError as exc:
        return Response({"code": exc.code, "message": str(exc.message)}, status=400)
    if not result.ok:
        return Response({
            "code": "import_rejected",
            "message": _("发现 {} 处错误，未导入任何数据。").format(len(result.errors)),
            "errors": [e.as_dict() for e in result.errors],
        }, status=400)
    body = {"created": result.created}
    if result.records:
        body["records"] = result.records
    return Response(body, status=status.HTTP_201_CREATED)


def import_schema(summary: str):
    return extend_schema(
        summary=summary,
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportCreatedSerializer,
            400: OpenApiResponse(ImportRejectedSerializer, description="import_rejected / import_file_invalid"),
            403: OpenApiResponse(description="permission_denied"),
            404: OpenApiResponse(description="not_found"),
        },
    )


class PeopleImportViewSet(viewsets.ViewSet):
    """Excel imports of the people ledgers (all rows good, or nothing written)."""

    parser_classes = [MultiPartParser]

    def _run(self, request, kind: str) -> Response:
        upload, enterprise = upload_target(request)
        return import_response(lambda: imports.run(kind, actor=request.user, file=upload, enterprise=enterprise))

    @import_schema("Excel 导入从业人员")
    @action(detail=False, methods=["post"], url_path="employees")
    def employees(self, request):
        return self._run(request, imports.EMPLOYEES)

    @import_schema("Excel 导入培训记录（同一主题和开始时间的行为一场培训）")
    @action(detail=False, methods=["post"], url_path="training")
    def training(self, request):
        return self._run(request, imports.TRAINING)

    @import_schema("Excel 导入证书")
    @action(detail=False, methods=["post"], url_path="certificates")
    def certificates(self, request):
        return self._run(request, imports.CERTIFICATES)


def register(router) -> None:
    """Register this module's viewsets on the API router."""
    router.register("imports/people", PeopleImportViewSet, basename="people-import")
