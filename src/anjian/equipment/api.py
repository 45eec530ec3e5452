"""API of the special-equipment register: ``/api/special-equipment/`` and ``/api/equipment-inspections/``.

The register (cursor-paged, filtered like the ledger page); one equipment with its clocks, inspections, operators
and reminders (the ``overdue`` one names the hazard it opened); ``POST`` registers (optionally with
``last_inspection``), ``PATCH`` changes facts. Actions: ``inspections`` (``GET`` lists, ``POST`` records one from
its report), ``propose`` (``GET ?inspection_kind=&inspected_on=&safety_grade=``: the rules' proposal, nothing
written), ``operators`` (``POST`` names an operator), ``release-operator``, ``state`` (停用/报废/重新启用).

Errors: 400 ``invalid`` with ``fields`` (each ``{code, message}``: ``required``, ``invalid``, ``invalid_choice``,
``not_applicable``, ``future``, ``out_of_range``, ``registration_code_taken``, ``kind_locked``,
``before_commissioning``, ``before_inspection``, ``exceeds_max_interval`` (send ``confirm_exceeds``),
``below_min_interval``, ``operator_certificate_required``, ``other_enterprise``, ``not_found`` …); 403
``permission_denied`` for readers; 404 ``not_found`` outside the caller's scope; 409 ``invalid_transition``
with ``current_state``, ``already_assigned``, ``already_released``."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.core.api import CursorPagination
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.equipment import queries, services
from anjian.equipment import serializers as s
from anjian.equipment.filters import EquipmentFilter, EquipmentInspectionFilter
from anjian.equipment.models import EquipmentOperator, SpecialEquipment
from anjian.people.queries import employees_visible_to

DETAIL_PREFETCH = ("dues", "inspections", "operators__employee", "reminders")


def register(router) -> None:
    """Called by anjian/urls.py."""
    router.register("special-equipment", SpecialEquipmentViewSet, basename="special-equipment")
    router.register("equipment-inspections", EquipmentInspectionViewSet, basename="equipment-inspection")


def _field_error(field: str, message: str, code: str):
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


def _step(request_class, summary, code=200):
    return extend_schema(request=request_class, responses={code: s.SpecialEquipmentSerializer}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="特种设备台账"),
    retrieve=extend_schema(summary="特种设备（含检验周期、检验记录、作业人员、提醒及超期隐患）"),
    create=extend_schema(request=s.SpecialEquipmentInput, responses={201: s.SpecialEquipmentSerializer},
                         summary="登记特种设备（可附最近一次检验记录 last_inspection）"),
    partial_update=extend_schema(request=s.SpecialEquipmentUpdateInput, responses={200: s.SpecialEquipmentSerializer},
                                 summary="修改设备信息（未提供的字段保持不变）"),
)
class SpecialEquipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = EquipmentFilter
    serializer_class = s.SpecialEquipmentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.SpecialEquipmentListSerializer if self.action == "list" else s.SpecialEquipmentSerializer

    def get_queryset(self):
        qs = queries.equipment_visible_to(self.request.user, for_list=self.action == "list")
        qs = qs.select_related("enterprise")
        if self.action == "retrieve":
            qs = qs.prefetch_related(*DETAIL_PREFETCH)
        return qs

    def _equipment(self, pk) -> SpecialEquipment:
        return get_object_or_404(queries.equipment_visible_to(self.request.user).select_related("enterprise"), pk=pk)

    def _done(self, equipment, code=status.HTTP_200_OK):
        equipment = (SpecialEquipment.objects.select_related("enterprise").prefetch_related(*DETAIL_PREFETCH)
                     .get(pk=equipment.pk))
        return Response(s.SpecialEquipmentSerializer(equipment, context={"request": self.request}).data, status=code)

    def _input(self, cls, data=None) -> dict:
        ser = cls(data=s.request_mapping(self.request) if data is None else data)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._input(s.SpecialEquipmentInput)
        enterprise_id = data.pop("enterprise", None)
        user = request.user
        if enterprise_id is not None:
            enterprise = enterprises_visible_to(user).filter(pk=enterprise_id).first()
            if enterprise is None:
                raise _field_error("enterprise", _("使用单位不存在或不在您的管辖范围内。"), "not_found")
        elif user.role in ENTERPRISE_ROLES and user.enterprise_id:
            enterprise = Enterprise.objects.get(pk=user.enterprise_id)
        else:
            raise _field_error("enterprise", _("请选择使用单位。"), "required")
        if data.get("last_inspection") is not None:
            data["last_inspection"] = dict(data["last_inspection"])
        else:
            data.pop("last_inspection", None)
        equipment = services.equipment_register(actor=user, enterprise=enterprise, data=data)
        return self._done(equipment, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        equipment = self._equipment(kwargs.get("pk"))
        data = self._input(s.SpecialEquipmentUpdateInput)
        return self._done(services.equipment_update(actor=request.user, equipment=equipment, data=data))

    @extend_schema(methods=["GET"], responses={200: s.EquipmentInspectionSerializer(many=True)},
                   summary="该设备的检验记录", request=None)
    @extend_schema(methods=["POST"], request=s.EquipmentInspectionInput,
                   responses={201: s.EquipmentInspectionSerializer},
                   summary="录入检验记录（按规则建议并校验下次检验日期；超过最长周期须 confirm_exceeds）")
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inspections(self, request, pk=None):
        equipment = self._equipment(pk)
        if request.method == "GET":
            rows = equipment.inspections.all()
            return Response(s.EquipmentInspectionSerializer(rows, many=True).data)
        data = self._input(s.EquipmentInspectionInput)
        inspection = services.inspection_record(actor=request.user, equipment=equipment, data=data)
        return Response(s.EquipmentInspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("inspection_kind", str, description="检验类别（锅炉 external/internal，电梯 periodic/"
                             "self_test，其余 periodic）"),
            OpenApiParameter("inspected_on", str, required=True, description="检验日期 YYYY-MM-DD"),
            OpenApiParameter("safety_grade", int, description="安全状况等级（压力容器、压力管道）"),
        ],
        responses={200: s.EquipmentProposalSerializer},
        summary="规则建议的下次检验日期与最长期限（不写入）",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def propose(self, request, pk=None):
        equipment = self._equipment(pk)
        query = self._input(s.EquipmentProposalQuery, data=request.query_params)
        proposal = services.inspection_proposal(equipment=equipment, data=query)
        return Response(s.EquipmentProposalSerializer(s.EquipmentProposalSerializer.from_proposal(proposal)).data)

    @_step(s.EquipmentOperatorInput, "指定作业人员（须持有效的特种设备作业人员证，特种设备安全法第十四条）", 201)
    @action(detail=True, methods=["post"])
    def operators(self, request, pk=None):
        equipment = self._equipment(pk)
        data = self._input(s.EquipmentOperatorInput)
        employee = employees_visible_to(request.user).filter(pk=data["employee"]).first()
        if employee is None:
            raise _field_error("employee", _("人员不存在或不在您的管辖范围内。"), "not_found")
        services.operator_assign(actor=request.user, equipment=equipment, employee=employee,
                                 assigned_on=data.get("assigned_on"))
        return self._done(equipment, status.HTTP_201_CREATED)

    @_step(s.EquipmentReleaseInput, "解除作业人员")
    @action(detail=True, methods=["post"], url_path="release-operator")
    def release_operator(self, request, pk=None):
        equipment = self._equipment(pk)
        data = self._input(s.EquipmentReleaseInput)
        operator = EquipmentOperator.objects.filter(equipment=equipment, pk=data["operator"]).select_related(
            "equipment", "equipment__enterprise", "employee").first()
        if operator is None:
            raise _field_error("operator", _("该设备没有这条作业人员记录。"), "not_found")
        services.operator_release(actor=request.user, operator=operator, ended_on=data.get("ended_on"))
        return self._done(equipment)

    @_step(s.EquipmentStateInput, "改变使用状态（停用、报废、重新启用）")
    @action(detail=True, methods=["post"])
    def state(self, request, pk=None):
        equipment = self._equipment(pk)
        data = self._input(s.EquipmentStateInput)
        return self._done(services.equipment_state(actor=request.user, equipment=equipment, state=data["state"],
                                                   reason=data.get("reason", "")))


@extend_schema_view(
    list=extend_schema(summary="特种设备检验记录"),
    retrieve=extend_schema(summary="一条检验记录（含规则建议日期、最长期限、是否超过最长周期）"),
)
class EquipmentInspectionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"[0-9]{1,18}"
    serializer_class = s.EquipmentInspectionSerializer
    filterset_class = EquipmentInspectionFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        return queries.inspections_visible_to(self.request.user)
