"""API of the accident case: ``/api/accidents/``. ``register`` adds it (and the statistics endpoints) to the router.

The ledger (cursor-paged, filtered, exportable); one case with its grade and the reasons for it, the reporting
clock, transmissions, same-level notices, 续报 and flags; ``POST`` a 快报 for a unit from the file
(``enterprise``) or an unregistered one (``unit``); and one ``POST`` per reporting step: ``unit-learned``,
``transmissions``, ``notices``, ``supplements``, ``finding``. Each answers the whole case. The investigation
steps are mixed in from ``api_investigation.InvestigationActions``.

Errors: 400 ``invalid`` with ``fields`` (each ``{code, message}``: ``required``, ``invalid``, ``negative``,
``out_of_range``, ``precision``, ``loss_unit_required``, ``future``, ``order``, ``invalid_choice``,
``sector_out_of_scope``, ``not_found``, ``ambiguous_unit``, ``supplement_window_closed``, the unit's
``unit_…`` fields …); 403 ``permission_denied``; 404 ``not_found`` outside the caller's scope; 409
``invalid_transition`` with ``current_state`` and ``action``, ``already_transmitted``, ``already_notified``."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.accidents import excel, queries, reporting
from anjian.accidents import serializers as s
from anjian.accidents.api_investigation import InvestigationActions
from anjian.accidents.filters import AccidentFilter
from anjian.accidents.models import Accident
from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to

DETAIL_PREFETCH = ("transmissions", "notices", "supplements", "events")


def register(router) -> None:
    """Called by anjian/urls.py."""
    from anjian.accidents import api_stats

    router.register("accidents", AccidentViewSet, basename="accident")
    api_stats.register(router)


def _field_error(field: str, message: str, code: str):
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


def _step(request_class, summary, code=200):
    return extend_schema(request=request_class, responses={code: s.AccidentSerializer}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="事故台账"),
    retrieve=extend_schema(summary="事故（含等级及定级理由、报告时钟、逐级上报、同级通知、续报、标记、处理记录）"),
    create=extend_schema(request=s.AccidentReportInput, responses={201: s.AccidentSerializer},
                         summary="事故快报（在册单位 enterprise 或未在册单位 unit；损失须注明单位）"),
)
class AccidentViewSet(
    InvestigationActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = AccidentFilter
    serializer_class = s.AccidentSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        return s.AccidentListSerializer if self.action in ("list", "export") else s.AccidentSerializer

    def get_queryset(self):
        qs = queries.accidents_visible_to(self.request.user, for_list=self.action in ("list", "export"))
        qs = qs.select_related("enterprise")
        if self.action == "retrieve":
            qs = qs.select_related("reported_by").prefetch_related(*DETAIL_PREFETCH)
        return qs

    # Shared with InvestigationActions: the case in the caller's scope (else 404), and the answer with it.
    def _accident(self, pk) -> Accident:
        return get_object_or_404(queries.accidents_visible_to(self.request.user).select_related("enterprise"), pk=pk)

    def _done(self, accident, code=status.HTTP_200_OK):
        accident = (
            Accident.objects.select_related("enterprise", "reported_by").prefetch_related(*DETAIL_PREFETCH)
            .get(pk=accident.pk)
        )
        return Response(s.AccidentSerializer(accident, context={"request": self.request}).data, status=code)

    def _input(self, cls) -> dict:
        ser = cls(data=s.request_mapping(self.request))
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._input(s.AccidentReportInput)
        enterprise_id, unit = data.pop("enterprise", None), data.pop("unit", None)
        user = request.user
        if enterprise_id is not None and unit:
            raise _field_error("unit", _("请选择在册单位或填写未在册单位，不要同时提供。"), "ambiguous_unit")
        enterprise = None
        if enterprise_id is not None:
            enterprise = enterprises_visible_to(user).filter(pk=enterprise_id).first()
            if enterprise is None:
                raise _field_error("enterprise", _("单位不存在或不在您的管辖范围内。"), "not_found")
        elif not unit and user.role in ENTERPRISE_ROLES and user.enterprise_id:
            enterprise = Enterprise.objects.get(pk=user.enterprise_id)  # an enterprise reports for itself
        elif not unit:
            raise _field_error("enterprise", _("请选择事故发生单位，或填写未在册单位的信息。"), "required")
        accident = reporting.report_accident(actor=user, enterprise=enterprise, data=data, unit=unit)
        return self._done(accident, status.HTTP_201_CREATED)

    @_step(s.AccidentUnitLearnedInput, "登记或更正单位负责人接到报告的时间（1小时时钟）")
    @action(detail=True, methods=["post"], url_path="unit-learned")
    def unit_learned(self, request, pk=None):
        accident = self._accident(pk)
        data = self._input(s.AccidentUnitLearnedInput)
        return self._done(reporting.record_unit_learned(actor=request.user, accident=accident, **data))

    @_step(s.AccidentTransmissionInput, "登记逐级上报（时限、迟报分钟数自动计算）", 201)
    @action(detail=True, methods=["post"])
    def transmissions(self, request, pk=None):
        accident = self._accident(pk)
        data = self._input(s.AccidentTransmissionInput)
        reporting.transmit(actor=request.user, accident=accident, **data)
        return self._done(accident, status.HTTP_201_CREATED)

    @_step(s.AccidentNoticeInput, "登记同级通知（公安机关、劳动保障、工会、检察院、本级人民政府）", 201)
    @action(detail=True, methods=["post"])
    def notices(self, request, pk=None):
        accident = self._accident(pk)
        data = self._input(s.AccidentNoticeInput)
        reporting.record_notice(actor=request.user, accident=accident, **data)
        return self._done(accident, status.HTTP_201_CREATED)

    @_step(s.AccidentSupplementInput, "续报（补报期限内伤亡、损失变化重新定级；调查级别变化时通知上级）", 201)
    @action(detail=True, methods=["post"])
    def supplements(self, request, pk=None):
        accident = self._accident(pk)
        data = self._input(s.AccidentSupplementInput)  # a figure left out keeps its value (read under the lock)
        if not data.get("reported_at"):
            data.pop("reported_at", None)
        reporting.supplement(actor=request.user, accident=accident, data=data)
        return self._done(accident, status.HTTP_201_CREATED)

    @_step(s.AccidentFindingInput, "认定单位报告情况（未发现、迟报、漏报、谎报、瞒报）")
    @action(detail=True, methods=["post"])
    def finding(self, request, pk=None):
        accident = self._accident(pk)
        data = self._input(s.AccidentFindingInput)
        return self._done(reporting.record_finding(actor=request.user, accident=accident, **data))

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="导出事故台账（xlsx，当前筛选）",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return xlsx_response(excel.export_ledger(qs), excel.export_filename())
