"""Statistics and control-target endpoints. ``register`` adds them to the router.

``/api/accident-statistics/`` (GET, ``year``, ``month``, ``by`` = region | sector | type | grade): the month's and
the year-to-date figures of the caller's scope with last year's and the change; ``circular/`` the monthly circular as
JSON, ``circular-pdf/`` and ``circular-xlsx/`` as files (``year``, ``month``).
``/api/accident-targets/``: the targets the caller sees (``year`` filter), ``POST`` to set one (a bureau leader, for
its region or one below; 201 when new, 200 when an existing target was changed), ``progress/``, ``warnings/`` and
``veto-flags/`` (``year``).

Only officers of supervising authorities (bureau leaders and officers, departments, townships) may call these: others
get 403 ``permission_denied``. Bad parameters: 400 ``invalid`` with ``fields`` — ``year``: ``invalid``,
``year_out_of_range``; ``month``: ``invalid``, ``month_out_of_range``, ``future_period``; ``by``: ``invalid_choice``;
setting a target also ``region``: ``required``, ``not_found``, ``out_of_scope``; ``sector``: ``invalid_choice``;
``max_accidents`` / ``max_deaths``: ``invalid``, ``negative``, ``out_of_range``, ``limit_required``; ``note``:
``max_length``.
"""

from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.accidents import circular, stats, targets
from anjian.accidents.models import ControlTarget, TargetWarning
from anjian.accidents.queries import targets_visible_to
from anjian.accidents.serializers import request_mapping
from anjian.enterprises.excel import XLSX_CONTENT_TYPE


def register(router) -> None:
    """Called by anjian/urls.py."""
    router.register("accident-statistics", AccidentStatisticsViewSet, basename="accident-statistics")
    router.register("accident-targets", AccidentTargetViewSet, basename="accident-target")


# --- serializers ------------------------------------------------------------------------------------------------


class AccidentStatsCountCellSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    last_year = serializers.IntegerField()
    change = serializers.IntegerField()
    change_pct = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, help_text="增减幅度（%）；去年同期为0时为 null"
    )


class AccidentStatsLossCellSerializer(serializers.Serializer):
    current = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="元")
    last_year = serializers.DecimalField(max_digits=18, decimal_places=2)
    change = serializers.DecimalField(max_digits=18, decimal_places=2)
    change_pct = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)


class AccidentStatsPeriodSerializer(serializers.Serializer):
    accidents = AccidentStatsCountCellSerializer(help_text="事故起数（不含较大涉险事故）")
    deaths = AccidentStatsCountCellSerializer()
    missing = AccidentStatsCountCellSerializer()
    injuries = AccidentStatsCountCellSerializer(help_text="重伤 + 轻伤")
    serious_injuries = AccidentStatsCountCellSerializer()
    minor_injuries = AccidentStatsCountCellSerializer()
    direct_loss_yuan = AccidentStatsLossCellSerializer()
    near_misses = AccidentStatsCountCellSerializer(help_text="较大涉险事故起数")


class AccidentStatsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="区划代码、行业领域、GB 6441 类别代码或事故等级；本级为 _own，合计为 _total")
    label = serializers.CharField()
    month = AccidentStatsPeriodSerializer()
    ytd = AccidentStatsPeriodSerializer()


class AccidentStatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    by = serializers.CharField()
    by_label = serializers.CharField()
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField()
    authority_name = serializers.CharField()
    scope_note = serializers.CharField()
    labels = serializers.DictField(child=serializers.CharField())
    rows = AccidentStatsRowSerializer(many=True)
    total = AccidentStatsRowSerializer()


class AccidentTargetSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    set_by_name = serializers.CharField(source="set_by.display_name")

    class Meta:
        model = ControlTarget
        fields = ["id", "region_code", "region_name", "year", "sector", "max_accidents", "max_deaths", "note",
                  "set_by_name", "set_at"]


class AccidentTargetInputSerializer(serializers.Serializer):
    region = serializers.CharField(max_length=12, help_text="辖区的区划代码")
    year = serializers.IntegerField()
    sector = serializers.CharField(required=False, allow_blank=True, default="", help_text="空为辖区全部行业")
    max_accidents = serializers.IntegerField(required=False, allow_null=True, default=None)
    max_deaths = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AccidentTargetMeasureSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text="accidents | deaths")
    label = serializers.CharField()
    limit = serializers.IntegerField()
    value = serializers.IntegerField()
    percent = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, help_text="指标为0且已发生时为 null（超出）"
    )
    percent_text = serializers.CharField()
    status = serializers.CharField(help_text="ok | warning（≥80%） | reached（=100%） | exceeded（>100%）")
    status_label = serializers.CharField()
    thresholds = serializers.ListField(child=serializers.IntegerField(), help_text="已达到的预警阈值（%）")


class AccidentTargetProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    year = serializers.IntegerField()
    sector = serializers.CharField()
    sector_label = serializers.CharField()
    max_accidents = serializers.IntegerField(allow_null=True)
    max_deaths = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    measures = AccidentTargetMeasureSerializer(many=True)
    status = serializers.CharField()
    status_label = serializers.CharField()


class AccidentTargetWarningSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id")
    region_code = serializers.CharField(source="target.region.code")
    region_name = serializers.CharField(source="target.region.name")
    year = serializers.IntegerField(source="target.year")
    sector = serializers.CharField(source="target.sector")

    class Meta:
        model = TargetWarning
        fields = ["id", "target", "region_code", "region_name", "year", "sector", "measure", "threshold", "value",
                  "sent_at", "recipients"]


class AccidentVetoAccidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    url = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    enterprise_name = serializers.CharField()
    region_code = serializers.CharField()
    grade = serializers.CharField()
    grade_label = serializers.CharField()
    accident_type = serializers.CharField()
    accident_type_label = serializers.CharField()
    deaths = serializers.IntegerField()
    missing = serializers.IntegerField()
    serious_injuries = serializers.IntegerField()


class AccidentVetoFlagSerializer(serializers.Serializer):
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    own = serializers.BooleanField(help_text="调用者本辖区（否则为下一级辖区）")
    accidents = AccidentVetoAccidentSerializer(many=True)


# --- views ------------------------------------------------------------------------------------------------------

PERIOD_PARAMS = [
    OpenApiParameter("year", int, description="年份，默认本年"),
    OpenApiParameter("month", int, description="月份 1—12，默认本月"),
]
YEAR_PARAM = [OpenApiParameter("year", int, description="年度，默认本年")]


class _StatsAccess:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        stats.require_viewer(request.user)


def _period(request, *, by: bool):
    q = request.query_params
    return stats.clean_period(q.get("year"), q.get("month"), (q.get("by") or "region") if by else "region")


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _plain(value):
    """The circular dict as JSON-ready data: no model objects, amounts as decimal strings (as in the statistics)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("region", "target")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


class AccidentStatisticsViewSet(_StatsAccess, viewsets.ViewSet):
    @extend_schema(
        summary="事故统计（本月、年初至本月末，与去年同期比较）",
        parameters=[*PERIOD_PARAMS, OpenApiParameter("by", str, enum=list(stats.DIMENSIONS), description="统计口径")],
        responses=AccidentStatisticsSerializer,
    )
    def list(self, request):
        year, month, by = _period(request, by=True)
        return Response(AccidentStatisticsSerializer(stats.figures(request.user, year=year, month=month, by=by)).data)

    @extend_schema(summary="月度事故情况通报（数据）", parameters=PERIOD_PARAMS, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def circular(self, request):
        year, month, _by = _period(request, by=False)
        return Response(_plain(circular.circular_data(request.user, year, month)))

    @extend_schema(
        summary="月度事故情况通报（PDF）", parameters=PERIOD_PARAMS,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="circular-pdf")
    def circular_pdf(self, request):
        year, month, _by = _period(request, by=False)
        data = circular.circular_data(request.user, year, month)
        return _file(circular.circular_pdf(data), "application/pdf", circular.filename(data, "pdf"))

    @extend_schema(
        summary="月度事故情况通报（xlsx）", parameters=PERIOD_PARAMS,
        responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="circular-xlsx")
    def circular_xlsx(self, request):
        year, month, _by = _period(request, by=False)
        data = circular.circular_data(request.user, year, month)
        return _file(circular.circular_xlsx(data), XLSX_CONTENT_TYPE, circular.filename(data, "xlsx"))


class AccidentTargetViewSet(
    _StatsAccess, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = AccidentTargetSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        qs = targets_visible_to(self.request.user).select_related("region", "set_by")
        if self.action == "list" and self.request.query_params.get("year") not in (None, ""):
            qs = qs.filter(year=stats.clean_year(self.request.query_params["year"], future=1))
        return qs

    def _year(self) -> int:
        return stats.clean_year(self.request.query_params.get("year"), future=1)

    @extend_schema(summary="控制指标", parameters=YEAR_PARAM)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="控制指标详情")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="下达或调整控制指标（局领导；同一辖区、年度、行业领域再次下达即为调整）",
        request=AccidentTargetInputSerializer,
        responses={201: AccidentTargetSerializer, 200: AccidentTargetSerializer},
    )
    def create(self, request):
        ser = AccidentTargetInputSerializer(data=request_mapping(request))
        ser.is_valid(raise_exception=True)
        target = targets.set_target(actor=request.user, **ser.validated_data)
        code = status.HTTP_201_CREATED if target.created else status.HTTP_200_OK
        target = ControlTarget.objects.select_related("region", "set_by").get(pk=target.pk)
        return Response(AccidentTargetSerializer(target).data, status=code)

    @extend_schema(
        summary="控制指标执行进度", parameters=YEAR_PARAM, responses=AccidentTargetProgressSerializer(many=True)
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def progress(self, request):
        return Response(AccidentTargetProgressSerializer(targets.target_progress(request.user, self._year()),
                                                         many=True).data)

    @extend_schema(
        summary="已发出的控制指标预警", parameters=YEAR_PARAM, responses=AccidentTargetWarningSerializer(many=True)
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def warnings(self, request):
        return Response(AccidentTargetWarningSerializer(targets.warnings_for(request.user, self._year()),
                                                        many=True).data)

    @extend_schema(
        summary="一票否决提示（本辖区及下一级辖区发生较大及以上事故）", parameters=YEAR_PARAM,
        responses=AccidentVetoFlagSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="veto-flags", pagination_class=None, filter_backends=[])
    def veto_flags(self, request):
        return Response(AccidentVetoFlagSerializer(targets.veto_flags(request.user, self._year()), many=True).data)
