"""Investigation actions on ``/api/accidents/{id}/…`` (mixed into ``AccidentViewSet``).

``investigation`` (GET; POST opens it), ``investigation/members`` (POST), ``investigation/members/{member_id}``
(DELETE), ``investigation/extend``, ``investigation/appraisals`` (start), ``investigation/appraisals/end``,
``investigation/report`` (PATCH any of the six parts), ``investigation/submit``, ``reply``, ``publish`` — each
answers the investigation with its clocks; ``penalties`` and ``measures`` (GET the list, POST one),
``measures/{measure_id}/complete``, ``listing`` (GET the listings, POST 挂牌督办), ``listing/lift``, ``closure``
(GET what still blocks the close) and ``close`` (answers the case).

Errors: 400 ``invalid`` with ``fields`` (``required``, ``invalid``, ``future``, ``order``, ``out_of_range``,
``entrust_not_allowed``, ``leader_exists``, ``unknown_part``, ``after_deadline``, ``reply_extension_not_allowed``,
``amount_not_allowed``, ``income_not_applicable``, ``aggravated_unit_only``, ``invalid_choice`` …); 400
``report_incomplete`` with ``missing``, ``fine_out_of_range`` with ``range``, ``four_not_let_go`` with
``blockers``, ``team_leader_missing``; 403 ``permission_denied`` (wrong role or level); 404 ``not_found`` /
``no_investigation``; 409 ``invalid_transition`` with ``current_state``, ``near_miss_not_investigated``,
``already_extended``, ``appraisal_open``, ``no_open_appraisal``, ``already_published``, ``measure_done``,
``measure_tracked_as_hazard`` (with ``hazard_id``, ``hazard_state``), ``already_listed``, ``not_listed``,
``penalties_missing``, ``measures_open`` (with ``measures``), ``listing_open``, ``no_investigation``."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.accidents import investigation as services
from anjian.accidents import serializers_investigation as si
from anjian.accidents.models import Investigation
from anjian.accidents.serializers import AccidentSerializer
from anjian.core.errors import NotFoundError
from anjian.rules import accidents as rules

_MEMBER = OpenApiParameter("member_id", int, OpenApiParameter.PATH)
_MEASURE = OpenApiParameter("measure_id", int, OpenApiParameter.PATH)
# The case's lists are short and whole: not filtered by the ledger's filters, not paged.
_NO_LIST = {"filter_backends": [], "pagination_class": None}

ClosureReadiness = inline_serializer(
    "AccidentClosureReadiness",
    {
        "ready": serializers.BooleanField(help_text="除「四不放过」证据外，已无其他结案障碍"),
        "blockers": si.AccidentClosureBlockerSerializer(many=True),
        "four_not_let_go": serializers.DictField(child=serializers.CharField(), help_text="代码 → 名称"),
    },
)


def _inv_step(request_class, summary, code=200, methods=None):
    kwargs = {"methods": methods} if methods else {}
    return extend_schema(request=request_class, responses={code: si.InvestigationSerializer}, summary=summary,
                         **kwargs)


class InvestigationActions:
    # Needs the host viewset's ``_accident(pk)`` (the case in scope, else 404), ``_done(accident)`` and
    # ``_input(serializer_class)``. No docstring: the viewset's endpoints would inherit it as their description.

    def _inv(self, accident, code=status.HTTP_200_OK):
        inv = (
            Investigation.objects.select_related("accident", "organised_by")
            .prefetch_related("members", "pauses")
            .filter(accident=accident)
            .first()
        )
        if inv is None:
            raise NotFoundError(_("该事故尚未成立调查组。"), code="no_investigation")
        return Response(si.InvestigationSerializer(inv, context={"request": self.request}).data, status=code)

    @extend_schema(methods=["GET"], request=None, responses={200: si.InvestigationSerializer},
                   summary="事故调查（调查组、期限时钟、调查报告、批复、公布）")
    @_inv_step(si.InvestigationOpenInput, "成立事故调查组（负责调查的人民政府由事故等级确定）", 201, ["POST"])
    @action(detail=True, methods=["get", "post"])
    def investigation(self, request, pk=None):
        accident = self._accident(pk)
        if request.method == "GET":
            return self._inv(accident)
        data = self._input(si.InvestigationOpenInput)
        services.open_investigation(actor=request.user, accident=accident, **data)
        return self._inv(accident, status.HTTP_201_CREATED)

    @_inv_step(si.InvestigationMemberInput, "增加调查组成员", 201)
    @action(detail=True, methods=["post"], url_path="investigation/members")
    def investigation_members(self, request, pk=None):
        accident = self._accident(pk)
        services.add_member(actor=request.user, accident=accident, **self._input(si.InvestigationMemberInput))
        return self._inv(accident, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: si.InvestigationSerializer}, summary="移除调查组成员",
                   parameters=[_MEMBER])
    @action(detail=True, methods=["delete"], url_path=r"investigation/members/(?P<member_id>[0-9]{1,18})")
    def investigation_member_remove(self, request, pk=None, member_id=None):
        accident = self._accident(pk)
        services.remove_member(actor=request.user, accident=accident, member=int(member_id))
        return self._inv(accident)

    @_inv_step(si.InvestigationExtendInput, "延长调查期限（经负责调查的人民政府批准，最长60日）")
    @action(detail=True, methods=["post"], url_path="investigation/extend")
    def investigation_extend(self, request, pk=None):
        accident = self._accident(pk)
        services.extend_investigation(actor=request.user, accident=accident, **self._input(si.InvestigationExtendInput))
        return self._inv(accident)

    @_inv_step(si.InvestigationAppraisalStartInput, "开始技术鉴定（期限暂停计算，第二十七条）", 201)
    @action(detail=True, methods=["post"], url_path="investigation/appraisals")
    def investigation_appraisals(self, request, pk=None):
        accident = self._accident(pk)
        services.start_appraisal(
            actor=request.user, accident=accident, **self._input(si.InvestigationAppraisalStartInput)
        )
        return self._inv(accident, status.HTTP_201_CREATED)

    @_inv_step(si.InvestigationAppraisalEndInput, "技术鉴定结束（鉴定时间不计入调查期限）")
    @action(detail=True, methods=["post"], url_path="investigation/appraisals/end")
    def investigation_appraisal_end(self, request, pk=None):
        accident = self._accident(pk)
        services.end_appraisal(actor=request.user, accident=accident, **self._input(si.InvestigationAppraisalEndInput))
        return self._inv(accident)

    @_inv_step(si.InvestigationReportInput, "保存调查报告（第三十条六项内容，可部分保存）")
    @action(detail=True, methods=["patch"], url_path="investigation/report")
    def investigation_report(self, request, pk=None):
        accident = self._accident(pk)
        services.save_report(actor=request.user, accident=accident, parts=self._input(si.InvestigationReportInput))
        return self._inv(accident)

    @_inv_step(si.InvestigationSubmitInput, "提交调查报告（六项内容齐全；开始批复期限）")
    @action(detail=True, methods=["post"], url_path="investigation/submit")
    def investigation_submit(self, request, pk=None):
        accident = self._accident(pk)
        services.submit_report(actor=request.user, accident=accident, **self._input(si.InvestigationSubmitInput))
        return self._inv(accident)

    @_inv_step(si.InvestigationReplyInput, "登记批复（逾期批复照常登记并标记）")
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        accident = self._accident(pk)
        services.record_reply(actor=request.user, accident=accident, **self._input(si.InvestigationReplyInput))
        return self._inv(accident)

    @_inv_step(si.InvestigationPublishInput, "向社会公布事故调查处理情况（第三十四条）")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        accident = self._accident(pk)
        services.publish(actor=request.user, accident=accident, **self._input(si.InvestigationPublishInput))
        return self._inv(accident)

    @extend_schema(methods=["GET"], request=None, responses={200: si.AccidentPenaltySerializer(many=True)},
                   summary="责任追究")
    @extend_schema(methods=["POST"], request=si.AccidentPenaltyInput, responses={201: si.AccidentPenaltySerializer},
                   summary="登记责任追究（罚款按安全生产法第一百一十四条、第九十五条核对幅度）")
    @action(detail=True, methods=["get", "post"], **_NO_LIST)
    def penalties(self, request, pk=None):
        accident = self._accident(pk)
        if request.method == "GET":
            return Response(si.AccidentPenaltySerializer(accident.penalties.all(), many=True).data)
        row = services.record_penalty(actor=request.user, accident=accident, **self._input(si.AccidentPenaltyInput))
        return Response(si.AccidentPenaltySerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses={200: si.CorrectiveMeasureSerializer(many=True)},
                   summary="防范和整改措施")
    @extend_schema(methods=["POST"], request=si.CorrectiveMeasureInput, responses={201: si.CorrectiveMeasureSerializer},
                   summary="登记整改措施（as_hazard：作为隐患跟踪）")
    @action(detail=True, methods=["get", "post"], **_NO_LIST)
    def measures(self, request, pk=None):
        accident = self._accident(pk)
        if request.method == "GET":
            rows = accident.measures.select_related("hazard")
            return Response(si.CorrectiveMeasureSerializer(rows, many=True).data)
        row = services.add_measure(actor=request.user, accident=accident, **self._input(si.CorrectiveMeasureInput))
        return Response(si.CorrectiveMeasureSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=si.CorrectiveMeasureCompleteInput, responses={200: si.CorrectiveMeasureSerializer},
                   summary="整改措施落实（跟踪隐患的，隐患验收闭环后方可）", parameters=[_MEASURE])
    @action(detail=True, methods=["post"], url_path=r"measures/(?P<measure_id>[0-9]{1,18})/complete")
    def measure_complete(self, request, pk=None, measure_id=None):
        accident = self._accident(pk)
        row = services.complete_measure(
            actor=request.user, accident=accident, measure=int(measure_id),
            **self._input(si.CorrectiveMeasureCompleteInput),
        )
        return Response(si.CorrectiveMeasureSerializer(row).data)

    @extend_schema(methods=["GET"], request=None, responses={200: si.InvestigationListingSerializer(many=True)},
                   summary="事故调查挂牌督办记录")
    @extend_schema(methods=["POST"], request=si.InvestigationListingInput,
                   responses={201: si.InvestigationListingSerializer},
                   summary="挂牌督办事故调查（上级部门）")
    @action(detail=True, methods=["get", "post"], **_NO_LIST)
    def listing(self, request, pk=None):
        accident = self._accident(pk)
        if request.method == "GET":
            rows = accident.listings.select_related("authority")
            return Response(si.InvestigationListingSerializer(rows, many=True).data)
        row = services.list_investigation(
            actor=request.user, accident=accident, **self._input(si.InvestigationListingInput)
        )
        return Response(si.InvestigationListingSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=si.InvestigationLiftInput, responses={200: si.InvestigationListingSerializer},
                   summary="摘牌")
    @action(detail=True, methods=["post"], url_path="listing/lift")
    def listing_lift(self, request, pk=None):
        accident = self._accident(pk)
        row = services.lift_listing(actor=request.user, accident=accident, **self._input(si.InvestigationLiftInput))
        return Response(si.InvestigationListingSerializer(row).data)

    @extend_schema(request=None, responses={200: ClosureReadiness}, summary="结案前尚存的障碍")
    @action(detail=True, methods=["get"])
    def closure(self, request, pk=None):
        accident = self._accident(pk)
        inv = Investigation.objects.filter(accident=accident).first()
        blockers = services.closure_readiness(accident, inv)
        return Response({"ready": not blockers, "blockers": blockers, "four_not_let_go": rules.FOUR_NOT_LET_GO})

    @extend_schema(request=si.AccidentCloseInput, responses={200: AccidentSerializer},
                   summary="结案（「四不放过」逐项有据；较大涉险事故凭结案说明）")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        accident = self._accident(pk)
        data = self._input(si.AccidentCloseInput)
        accident = services.close_accident(
            actor=request.user, accident=accident, evidence=dict(data.get("evidence") or {}), note=data.get("note", "")
        )
        return self._done(accident)
