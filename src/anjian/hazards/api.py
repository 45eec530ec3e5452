"""Hazard endpoints: the ledger (filtered, cursor-paged, exportable), one hazard with its history,
and one POST per workflow step. Each step calls the same service as the page; a step the current
state does not allow answers 409 ``invalid_transition`` with ``current_state``; starting with an
incomplete plan (the five in place and report elements for a major hazard; measures, responsible
person and deadline for a general one) answers 400 ``plan_incomplete`` with ``missing``."""

import datetime

from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import CursorPagination
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.hazards import excel, queries, reports, services
from anjian.hazards import serializers as s
from anjian.hazards.filters import HazardFilter
from anjian.hazards.models import ExtensionRequest, Hazard, HazardPhoto
from anjian.rules import major_hazard
from anjian.rules.hazard_schedule import Period, latest_closed_periods

LIST_COLUMNS = (
    "id",
    "enterprise_id",
    "region_code",
    "found_at",
    "route",
    "location",
    "description",
    "category",
    "grade",
    "state",
    "deadline",
    "is_overdue",
    "listed",
    "accountability_flag",
    "extension_count",
)
PARSERS = [JSONParser, FormParser, MultiPartParser]


def _step(input_class, summary):
    return extend_schema(request=input_class, responses={200: s.HazardSerializer}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="隐患台账"),
    retrieve=extend_schema(summary="隐患详情（含处理记录、照片、延期、督办）"),
    create=extend_schema(request=s.ReportInput, responses={201: s.HazardSerializer}, summary="上报隐患"),
)
class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    filterset_class = HazardFilter
    parser_classes = PARSERS
    serializer_class = s.HazardSerializer

    def get_serializer_class(self):
        return s.HazardListSerializer if self.action == "list" else s.HazardSerializer

    def get_queryset(self):
        qs = queries.hazards_visible_to(self.request.user, for_list=self.action in ("list", "export"))
        if self.action == "retrieve":
            qs = qs.select_related("enterprise").prefetch_related(
                "photos", "events", "extensions", "listings__authority"
            )
        return qs

    def _hazard(self, pk) -> Hazard:
        return get_object_or_404(queries.hazards_visible_to(self.request.user).select_related("enterprise"), pk=pk)

    def _done(self, hazard, code=status.HTTP_200_OK):
        hazard = (
            self.get_queryset()
            .model.objects.prefetch_related("photos", "events", "extensions", "listings")
            .get(pk=hazard.pk)
        )
        return Response(s.HazardSerializer(hazard, context={"request": self.request}).data, status=code)

    def _input(self, cls):
        ser = cls(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(qs.values(*LIST_COLUMNS, enterprise_name=F("enterprise__name")))
        for row in rows:
            row["number"] = f"YH{row['id']:08d}"
        return self.get_paginated_response(s.HazardListSerializer(rows, many=True).data)

    def create(self, request, *args, **kwargs):
        data = self._input(s.ReportInput)
        enterprise = enterprises_visible_to(request.user).filter(pk=data.pop("enterprise")).first()
        if enterprise is None:
            raise serializers.ValidationError(
                {"enterprise": [serializers.ErrorDetail(_("企业不存在或不在您的管辖范围内。"), code="not_found")]}
            )
        photos = data.pop("photos", [])
        hazard = services.hazard_report(actor=request.user, enterprise=enterprise, data=data, photos=photos)
        return self._done(hazard, status.HTTP_201_CREATED)

    @_step(s.ConfirmInput, "确认隐患并定级")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._done(
            services.hazard_confirm(actor=request.user, hazard=self._hazard(pk), **self._input(s.ConfirmInput))
        )

    @_step(s.ReasonInput, "认定不属于隐患")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._done(
            services.hazard_reject(actor=request.user, hazard=self._hazard(pk), **self._input(s.ReasonInput))
        )

    @_step(s.PlanInput, "保存整改（治理）方案")
    @action(detail=True, methods=["post", "patch"])
    def plan(self, request, pk=None):
        return self._done(
            services.hazard_save_plan(actor=request.user, hazard=self._hazard(pk), data=self._input(s.PlanInput))
        )

    @_step(s.PlanInput, "开始整改（重大隐患须治理方案完整）")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._done(
            services.hazard_start(actor=request.user, hazard=self._hazard(pk), data=self._input(s.PlanInput))
        )

    @_step(s.ControlInput, "转入临时管控（短期内难以整改）")
    @action(detail=True, methods=["post"], url_path="temporary-control")
    def temporary_control(self, request, pk=None):
        return self._done(
            services.hazard_temporary_control(
                actor=request.user, hazard=self._hazard(pk), **self._input(s.ControlInput)
            )
        )

    @_step(s.NoteInput, "临时管控检查")
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        return self._done(
            services.hazard_checkin(actor=request.user, hazard=self._hazard(pk), **self._input(s.NoteInput))
        )

    @_step(s.ReasonInput, "恢复整改")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._done(
            services.hazard_resume(actor=request.user, hazard=self._hazard(pk), **self._input(s.ReasonInput))
        )

    @_step(s.SubmitInput, "提交整改（重大隐患：申请销号）")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._input(s.SubmitInput)
        return self._done(
            services.hazard_submit(
                actor=request.user, hazard=self._hazard(pk), note=data["note"], photos=data.get("photos", [])
            )
        )

    @_step(s.VerifyInput, "验收通过（重大隐患：销号）")
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._done(
            services.hazard_verify(actor=request.user, hazard=self._hazard(pk), **self._input(s.VerifyInput))
        )

    @_step(s.ReasonInput, "验收不通过，退回整改")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._done(
            services.hazard_return(actor=request.user, hazard=self._hazard(pk), **self._input(s.ReasonInput))
        )

    @_step(s.PhotosInput, "上传照片")
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        data = self._input(s.PhotosInput)
        hazard = self._hazard(pk)
        services.hazard_add_photos(actor=request.user, hazard=hazard, kind=data["kind"], photos=data["photos"])
        return self._done(hazard)

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY},
        summary="照片文件",
        parameters=[OpenApiParameter("photo_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo(self, request, pk=None, photo_id=None):
        photo = get_object_or_404(HazardPhoto, pk=photo_id, hazard=self._hazard(pk))
        try:
            return FileResponse(photo.image.open("rb"), content_type="image/jpeg")
        except FileNotFoundError:
            raise Http404 from None

    @extend_schema(request=s.ExtensionInput, responses={201: s.ExtensionSerializer}, summary="申请延期")
    @action(detail=True, methods=["post"])
    def extensions(self, request, pk=None):
        ext = services.extension_request(actor=request.user, hazard=self._hazard(pk), **self._input(s.ExtensionInput))
        return Response(s.ExtensionSerializer(ext).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.DecideInput,
        responses={200: s.ExtensionSerializer},
        summary="审批延期",
        parameters=[OpenApiParameter("extension_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<extension_id>\d+)/decide")
    def decide_extension(self, request, pk=None, extension_id=None):
        hazard = self._hazard(pk)
        ext = get_object_or_404(ExtensionRequest, pk=extension_id, hazard=hazard)
        ext = services.extension_decide(actor=request.user, extension=ext, **self._input(s.DecideInput))
        return Response(s.ExtensionSerializer(ext).data)

    @extend_schema(request=s.ListingInput, responses={201: s.ListingSerializer}, summary="挂牌督办")
    @action(detail=True, methods=["post"])
    def listing(self, request, pk=None):
        listing = services.listing_create(actor=request.user, hazard=self._hazard(pk), **self._input(s.ListingInput))
        return Response(s.ListingSerializer(listing).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="导出隐患台账（xlsx）",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        content = excel.export_ledger(qs, title="隐患排查治理台账")
        return xlsx_response(content, excel.export_filename())

    @extend_schema(
        summary="辖区隐患统计（来自汇总表）",
        parameters=[OpenApiParameter("region", str), OpenApiParameter("since", OpenApiTypes.DATE)],
        responses=inline_serializer(
            "HazardCounters",
            {
                k: serializers.IntegerField()
                for k in (
                    "found",
                    "major_found",
                    "rectified",
                    "major_rectified",
                    "reported",
                    "open",
                    "major_open",
                    "listed",
                    "overdue",
                )
            }
            | {"rate": serializers.FloatField(allow_null=True)},
        ),
    )
    @action(detail=False, methods=["get"])
    def counters(self, request):
        prefix = None
        code = request.query_params.get("region", "").strip()
        if code:
            from anjian.core.models import Region

            region = Region.objects.filter(code=code).first()
            prefix = region.prefix if region else None
        since = None
        if request.query_params.get("since"):
            try:
                since = datetime.date.fromisoformat(request.query_params["since"])
            except ValueError:
                raise serializers.ValidationError(
                    {"since": [serializers.ErrorDetail(_("日期格式不正确。"), code="invalid")]}
                ) from None
        return Response(queries.counters_for(request.user, prefix=prefix, since=since))

    @extend_schema(
        summary="适用于企业的重大事故隐患判定标准条目",
        parameters=[OpenApiParameter("enterprise", int, required=True)],
        responses=inline_serializer(
            "Criterion",
            {"code": serializers.CharField(), "label": serializers.CharField(), "status": serializers.CharField()},
            many=True,
        ),
    )
    @action(detail=False, methods=["get"])
    def criteria(self, request):
        enterprise = get_object_or_404(
            enterprises_visible_to(request.user), pk=request.query_params.get("enterprise") or 0
        )
        sectors = list(enterprise.sector_links.values_list("sector", flat=True))
        items = major_hazard.criteria_for(sectors, timezone.localdate())
        return Response([{"code": c.code, "label": major_hazard.label(c), "status": c.status} for c in items])


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quarterly and annual hazard statistics reports (令16号 第十四条)."""

    serializer_class = s.ReportSerializer
    pagination_class = CursorPagination

    def get_queryset(self):
        return queries.reports_visible_to(self.request.user).select_related("enterprise")

    @extend_schema(
        request=inline_serializer("ReportGenerate", {"period": serializers.CharField()}),
        responses={201: s.ReportSerializer},
        summary="生成统计报表（如 2026Q3、2026）",
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        period = str(request.data.get("period", ""))
        enterprise = get_object_or_404(Enterprise, pk=request.user.enterprise_id or 0)
        report = reports.report_generate(actor=request.user, enterprise=enterprise, period_key=period)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ReportSerializer}, summary="主要负责人签字并报送")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = reports.report_sign_and_submit(actor=request.user, report=self.get_object())
        return Response(s.ReportSerializer(report).data)

    @extend_schema(
        summary="未按期报送的企业",
        parameters=[OpenApiParameter("period", str, description="默认：最近结束的季度")],
        responses=inline_serializer(
            "MissingReport",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "uscc": serializers.CharField(allow_null=True),
            },
            many=True,
        ),
    )
    @action(detail=False, methods=["get"])
    def missing(self, request):
        key = request.query_params.get("period")
        try:
            period = Period.parse(key) if key else latest_closed_periods(timezone.localdate())[0]
        except ValueError:
            raise serializers.ValidationError(
                {"period": [serializers.ErrorDetail(_("统计期格式不正确。"), code="invalid")]}
            ) from None
        qs = reports.missing_reports(request.user, period).order_by("-id").values("id", "name", "uscc")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(list(page))


class PublicListingView(APIView):
    """挂牌督办公告 — public, no login: what the bureau has announced."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=s.PublicListingSerializer(many=True), summary="挂牌督办公告（公开）", auth=[])
    def get(self, request):
        paginator = CursorPagination()
        page = paginator.paginate_queryset(queries.public_listings(), request, view=self)
        return paginator.get_paginated_response(s.PublicListingSerializer(page, many=True).data)
