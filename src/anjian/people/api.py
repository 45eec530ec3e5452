"""API of employees and training: ``/api/employees/``, ``/api/training-sessions/``, ``/api/training-records/``.

Employees: the register (cursor-paged, filtered like the page: enterprise, region, person_kind, employment_type,
state, work_ok, name, and ``id_index`` / ``phone_index``, the blind index in 64 hex digits); the exact search by a full
number is ``POST /api/employees/search/`` with ``{"id_number": …}`` or ``{"phone": …}`` (the number in the body, so it
stays out of access logs; a plaintext ``id_number`` / ``phone`` query parameter is refused, 400
``plaintext_not_allowed``), answering ``{"results": […]}``, at most 50 rows in the caller's scope; one employee with
posts and absences; ``POST`` to register, ``PATCH`` to correct; ``id_number`` and ``phone`` are write-only and read
masked, ``POST …/reveal/`` gives a keeper the full values (audited). Steps: ``post-change``, ``leave``, ``absences`` and
``absences/{id}/return``. The verdict: ``GET …/may-work/?on=`` and ``GET …/may-do/?certificate_kind=&item_code=
&equipment_kind=&on=``; ``GET /api/employees/blocked/`` lists the people who may not work.

Training: sessions with nested participants (``POST``, ``PATCH`` — ``participants`` given replaces the list —,
``DELETE``), and the records, one per participant.

Errors: 400 ``invalid`` with ``fields`` (the services' codes: ``required``, ``id_check_digit`` and the other
``id_…`` codes, ``phone_invalid``, ``under_age``, ``duplicate_employee``, ``post_change_required``,
``ends_before_start``, ``hours_not_positive``, ``hours_exceed_duration``, ``participant_…`` …); 403
``permission_denied`` for readers who write; 404 ``not_found`` outside the caller's scope; 409
``invalid_transition`` (already left, already returned).
"""

from collections.abc import Mapping

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people import queries, services, training, verdict
from anjian.people import serializers as s
from anjian.people.choices import CertificateKind, EmployeeState
from anjian.people.filters import EmployeeFilter, RecordFilter, SessionFilter
from anjian.people.models import Absence, Employee, TrainingSession
from anjian.people.permissions import require_keeper

ID_REGEX = r"[0-9]{1,18}"
SEARCH_LIMIT = 50


def register(router) -> None:
    """Called by anjian/urls.py."""
    router.register("employees", EmployeeViewSet, basename="employee")
    router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
    router.register("training-records", TrainingRecordViewSet, basename="training-record")


def _field_error(field: str, message: str, code: str):
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


def _mapping(request) -> Mapping:
    data = request.data
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [serializers.ErrorDetail(
            _("请求内容须为 JSON 对象。"), code="invalid")]})
    return data


def _enterprise_for(request, raw) -> Enterprise:
    """The enterprise a new row belongs to: the given id within the caller's scope, or an enterprise user's own."""
    user = request.user
    if raw in (None, ""):
        if user.role in ENTERPRISE_ROLES and user.enterprise_id:
            return Enterprise.objects.get(pk=user.enterprise_id)
        raise _field_error("enterprise", _("请选择单位。"), "required")
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise _field_error("enterprise", _("单位 id 须为整数。"), "invalid") from None
    if isinstance(raw, bool) or not 0 < pk < 2**63:
        raise _field_error("enterprise", _("单位不存在或不在您的管辖范围内。"), "not_found")
    enterprise = enterprises_visible_to(user).filter(pk=pk).first()
    if enterprise is None:
        raise _field_error("enterprise", _("单位不存在或不在您的管辖范围内。"), "not_found")
    return enterprise


def _query(request, cls) -> dict:
    ser = cls(data=request.query_params)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _verdict_data(employee: Employee, result: verdict.WorkVerdict) -> dict:
    return {"employee": employee.pk, "on": result.on, "ok": result.ok, "reasons": result.reasons,
            "notes": result.notes}


def _step(request_class, summary, code=200):
    return extend_schema(request=request_class, responses={code: s.EmployeeDetailSerializer}, summary=summary)


@extend_schema_view(
    list=extend_schema(summary="从业人员名册（身份证号码、电话以掩码显示；按完整号码精确查找请用 search）"),
    retrieve=extend_schema(summary="从业人员（含岗位经历、离岗记录、上岗条件核验结果）",
                           responses=s.EmployeeDetailSerializer),
    create=extend_schema(request=s.EmployeeSerializer, responses={201: s.EmployeeDetailSerializer},
                         summary="登记从业人员（身份证号码按 GB 11643 校验位核验；同一人在一个单位只登记一次）"),
    partial_update=extend_schema(request=s.EmployeeSerializer, responses=s.EmployeeDetailSerializer,
                                 summary="更正从业人员信息（调岗请用 post-change）"),
)
class EmployeeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = EmployeeFilter
    serializer_class = s.EmployeeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.EmployeeDetailSerializer if self.action == "retrieve" else s.EmployeeSerializer

    def get_queryset(self):
        qs = queries.employees_visible_to(self.request.user, for_list=self.action in ("list", "blocked"))
        qs = qs.select_related("enterprise")
        if self.action == "retrieve":
            qs = qs.prefetch_related("posts", "absences")
        return qs

    def _employee(self, pk) -> Employee:
        return get_object_or_404(queries.employees_visible_to(self.request.user).select_related("enterprise"), pk=pk)

    def _done(self, employee: Employee, code=status.HTTP_200_OK):
        employee = Employee.objects.select_related("enterprise").prefetch_related("posts", "absences").get(
            pk=employee.pk)
        return Response(s.EmployeeDetailSerializer(employee, context={"request": self.request}).data, status=code)

    def _input(self, cls, *, partial=False, instance=None) -> dict:
        ser = cls(instance, data=_mapping(self.request), partial=partial) if instance is not None else cls(
            data=_mapping(self.request), partial=partial)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def create(self, request, *args, **kwargs):
        enterprise = _enterprise_for(request, _mapping(request).get("enterprise"))
        require_keeper(request.user, enterprise)
        data = self._input(s.EmployeeSerializer)
        data.pop("enterprise_id", None)
        employee = services.employee_register(actor=request.user, enterprise=enterprise, data=data)
        return self._done(employee, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        employee = self._employee(kwargs["pk"])
        require_keeper(request.user, employee.enterprise)
        data = self._input(s.EmployeeSerializer, partial=True, instance=employee)
        if "enterprise_id" in data and data.pop("enterprise_id") != employee.enterprise_id:
            raise _field_error("enterprise", _("登记后不能更改所在单位；人员到其他单位工作请在该单位另行登记。"),
                               "read_only")
        return self._done(services.employee_update(actor=request.user, employee=employee, data=data))

    @extend_schema(request=None, responses=s.EmployeeRevealSerializer,
                   summary="显示完整身份证号码和电话（仅限维护该单位台账的人员，留痕）")
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        employee = self._employee(pk)
        return Response(s.EmployeeRevealSerializer(services.reveal(actor=request.user, employee=employee)).data)

    @_step(s.EmployeePostChangeInput, "调岗（原岗位至前一日止；调岗后须重新进行车间级和班组级培训）", 201)
    @action(detail=True, methods=["post"], url_path="post-change")
    def post_change(self, request, pk=None):
        employee = self._employee(pk)
        require_keeper(request.user, employee.enterprise)
        data = self._input(s.EmployeePostChangeInput)
        services.employee_post_change(actor=request.user, employee=employee, **data)
        return self._done(employee, status.HTTP_201_CREATED)

    @_step(s.EmployeeLeaveInput, "离职")
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        employee = self._employee(pk)
        require_keeper(request.user, employee.enterprise)
        data = self._input(s.EmployeeLeaveInput)
        return self._done(services.employee_leave(actor=request.user, employee=employee, **data))

    @_step(s.EmployeeAbsenceInput, "登记离岗（离岗一年以上返岗须重新进行车间级和班组级培训）", 201)
    @action(detail=True, methods=["post"])
    def absences(self, request, pk=None):
        employee = self._employee(pk)
        require_keeper(request.user, employee.enterprise)
        data = self._input(s.EmployeeAbsenceInput)
        services.absence_record(actor=request.user, employee=employee, **data)
        return self._done(employee, status.HTTP_201_CREATED)

    @_step(s.EmployeeAbsenceReturnInput, "登记返岗")
    @action(detail=True, methods=["post"], url_path=rf"absences/(?P<absence_id>{ID_REGEX})/return")
    def absence_return(self, request, pk=None, absence_id=None):
        employee = self._employee(pk)
        absence = get_object_or_404(Absence.objects.filter(employee=employee), pk=absence_id)
        require_keeper(request.user, employee.enterprise)
        data = self._input(s.EmployeeAbsenceReturnInput)
        services.absence_return(actor=request.user, absence=absence, **data)
        return self._done(employee)

    @extend_schema(parameters=[s.EmployeeVerdictQuery], responses=s.EmployeeVerdictSerializer,
                   summary="能否上岗（三级培训、学时、调岗和离岗后的重新培训、年度再培训、证书、设备作业人员证）")
    @action(detail=True, methods=["get"], url_path="may-work")
    def may_work(self, request, pk=None):
        employee = self._employee(pk)
        query = _query(request, s.EmployeeVerdictQuery)
        result = verdict.may_work(employee, on=query.get("on"))
        return Response(s.EmployeeVerdictSerializer(_verdict_data(employee, result)).data)

    @extend_schema(parameters=[s.EmployeeMayDoQuery], responses=s.EmployeeVerdictSerializer,
                   summary="能否从事某项作业（培训合格且持有该类别、该项目的有效证书）")
    @action(detail=True, methods=["get"], url_path="may-do")
    def may_do(self, request, pk=None):
        employee = self._employee(pk)
        query = _query(request, s.EmployeeMayDoQuery)
        if query["certificate_kind"] not in CertificateKind.values:
            raise _field_error("certificate_kind", _("证书类别的取值无效。"), "invalid_choice")
        equipment_kind = query.get("equipment_kind") or None
        if equipment_kind:
            from anjian.equipment.choices import EquipmentKind

            if equipment_kind not in EquipmentKind.values:
                raise _field_error("equipment_kind", _("特种设备种类的取值无效。"), "invalid_choice")
        result = verdict.may_do(employee, certificate_kind=query["certificate_kind"],
                                item_code=query.get("item_code") or None, equipment_kind=equipment_kind,
                                on=query.get("on"))
        return Response(s.EmployeeVerdictSerializer(_verdict_data(employee, result)).data)

    @extend_schema(request=s.EmployeeSearchInput, responses=s.EmployeeSearchResultSerializer,
                   summary="按完整身份证号码或联系电话精确查找（号码放在请求体中，不进网址；至多50人）")
    @action(detail=False, methods=["post"])
    def search(self, request):
        data = self._input(s.EmployeeSearchInput)
        qs = queries.employees_visible_to(request.user, for_list=True).select_related("enterprise")
        if (data.get("id_number") or "").strip():
            qs = services.find_by_id_number(qs, data["id_number"])
        if (data.get("phone") or "").strip():
            qs = services.find_by_phone(qs, data["phone"].strip())
        rows = list(qs.order_by("-id")[:SEARCH_LIMIT])
        return Response({"results": s.EmployeeSerializer(rows, many=True, context={"request": request}).data})

    @extend_schema(responses=s.EmployeeSerializer(many=True),
                   summary="不能上岗人员（在职且上岗条件核验未通过，附原因）")
    @action(detail=False, methods=["get"])
    def blocked(self, request):
        qs = self.filter_queryset(self.get_queryset()).filter(state=EmployeeState.ACTIVE, work_ok=False)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.EmployeeSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="培训台账（培训时间、学时、内容、授课人、参加人数）"),
    retrieve=extend_schema(summary="培训（含参加人员及考核结果）"),
    create=extend_schema(request=s.TrainingSessionInput, responses={201: s.TrainingSessionSerializer},
                         summary="登记培训及参加人员、考核结果"),
    partial_update=extend_schema(request=s.TrainingSessionInput, responses=s.TrainingSessionSerializer,
                                 summary="更正培训（提供 participants 即整体替换参加人员）"),
    destroy=extend_schema(summary="删除误登记的培训（留痕）"),
)
class TrainingSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX
    filterset_class = SessionFilter
    serializer_class = s.TrainingSessionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        return s.TrainingSessionListSerializer if self.action == "list" else s.TrainingSessionSerializer

    def get_queryset(self):
        qs = queries.sessions_visible_to(self.request.user, for_list=self.action == "list").select_related(
            "enterprise")
        if self.action == "list":
            qs = qs.annotate(participant_count=Count("records"))
        else:
            qs = qs.prefetch_related("records__employee")
        return qs

    def _session(self, pk) -> TrainingSession:
        return get_object_or_404(queries.sessions_visible_to(self.request.user).select_related("enterprise"), pk=pk)

    def _done(self, session: TrainingSession, code=status.HTTP_200_OK):
        session = TrainingSession.objects.select_related("enterprise").prefetch_related("records__employee").get(
            pk=session.pk)
        return Response(s.TrainingSessionSerializer(session).data, status=code)

    def _input(self, *, partial: bool) -> dict:
        ser = s.TrainingSessionInput(data=_mapping(self.request), partial=partial)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def create(self, request, *args, **kwargs):
        enterprise = _enterprise_for(request, _mapping(request).get("enterprise"))
        require_keeper(request.user, enterprise)
        data = self._input(partial=False)
        data.pop("enterprise", None)
        participants = [dict(p) for p in data.pop("participants")]
        session = training.session_record(actor=request.user, enterprise=enterprise, data=data,
                                          participants=participants)
        return self._done(session, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        session = self._session(kwargs["pk"])
        require_keeper(request.user, session.enterprise)
        data = self._input(partial=True)
        if "enterprise" in data and data.pop("enterprise") != session.enterprise_id:
            raise _field_error("enterprise", _("登记后不能更改培训所属单位。"), "read_only")
        participants = data.pop("participants", None)
        if participants is not None:
            participants = [dict(p) for p in participants]
        session = training.session_update(actor=request.user, session=session, data=data, participants=participants)
        return self._done(session)

    def destroy(self, request, *args, **kwargs):
        session = self._session(kwargs["pk"])
        training.session_delete(actor=request.user, session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="培训记录（每名参加人员一行：培训、考核结果、成绩、计入学时）"),
    retrieve=extend_schema(summary="培训记录"),
)
class TrainingRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX
    filterset_class = RecordFilter
    serializer_class = s.TrainingRecordSerializer

    def get_queryset(self):
        return queries.records_visible_to(self.request.user).select_related("session", "employee")
