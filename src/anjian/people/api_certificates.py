"""API of the certificate ledger: ``/api/certificates/`` and ``/api/certificate-catalogue/``.

``certificates/``: the ledger (cursor-paged, with the page's filters: ``holder``, ``number_index`` (the number's blind
index, 64 hex digits), ``enterprise``, ``employee``, ``kind``, ``item``, ``status`` (valid, due_soon, review_overdue,
expired, revoked), ``due_from``, ``due_to``, ``region``); ``POST search/`` with ``{"number": …, "kind": …}`` finds a
full number (in the body, so it stays out of access logs — a plaintext ``number`` query parameter is refused, 400
``plaintext_not_allowed``), answering ``{"results": […]}``, at most 50 rows in the caller's scope; one certificate
with its reviews and the reminders sent, ``POST`` to register one for an employee (``employee`` id), ``PATCH`` to
correct it, ``POST …/review/`` for a review or (with ``valid_until``) a renewal, ``POST …/revoke/``, and ``GET export/``
(xlsx). ``certificate-catalogue/``: the kinds with their validity, review cycle, application window and items, so
clients can build pickers.

Errors: 400 ``invalid`` with ``fields`` (each ``{code, message}``: ``required``, ``invalid``, ``future``, ``order``,
``invalid_choice``, ``invalid_item``, ``person_kind_mismatch``, ``empty``, ``characters``, ``length``,
``not_holder_id``, ``number_taken``, ``already_registered``, ``validity_too_long``, ``extended_review_not_applicable``,
``review_too_early``, ``renewal_required``, ``renewal_not_later``, ``failed_with_validity``, ``has_reviews``,
``not_found`` …); 403 ``permission_denied`` for a reader; 404 ``not_found`` outside the caller's scope; 409
``invalid_transition`` for a revoked certificate or an employee who left."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.enterprises.excel import xlsx_response
from anjian.people import certificates, queries
from anjian.people import serializers_certificates as s
from anjian.people.filters_certificates import CertificateFilter, number_index
from anjian.people.models import Certificate
from anjian.people.views_certificates import export_certificates, export_filename

DETAIL_PREFETCH = ("reviews", "reminders")
SEARCH_LIMIT = 50


def register(router) -> None:
    """Called by anjian/urls.py."""
    router.register("certificates", CertificateViewSet, basename="certificate")
    router.register("certificate-catalogue", CertificateCatalogueViewSet, basename="certificate-catalogue")


def _field_error(field: str, message: str, code: str):
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


@extend_schema_view(
    list=extend_schema(summary="证书台账（持证台账）"),
    retrieve=extend_schema(summary="证书（含复审记录和已发送的到期提醒）"),
    create=extend_schema(request=s.CertificateCreateInput, responses={201: s.CertificateDetailSerializer},
                         summary="登记证书（同一证书编号只能由一人登记）"),
    partial_update=extend_schema(request=s.CertificateUpdateInput, responses={200: s.CertificateDetailSerializer},
                                 summary="更正证书登记信息（作业类别、证书编号、发证机关、复审周期；未复审时可更正日期）"),
)
class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    filterset_class = CertificateFilter
    serializer_class = s.CertificateDetailSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.CertificateSerializer if self.action in ("list", "export") else s.CertificateDetailSerializer

    def get_queryset(self):
        qs = queries.certificates_visible_to(self.request.user, for_list=self.action in ("list", "export"))
        qs = qs.select_related("employee", "enterprise")
        if self.action == "retrieve":
            qs = qs.prefetch_related(*DETAIL_PREFETCH)
        return qs

    def _certificate(self, pk) -> Certificate:
        return get_object_or_404(
            queries.certificates_visible_to(self.request.user).select_related("employee", "enterprise"), pk=pk
        )

    def _done(self, cert, code=status.HTTP_200_OK):
        cert = (
            Certificate.objects.select_related("employee", "enterprise").prefetch_related(*DETAIL_PREFETCH)
            .get(pk=cert.pk)
        )
        return Response(s.CertificateDetailSerializer(cert, context={"request": self.request}).data, status=code)

    def _input(self, cls, *, partial: bool = False) -> dict:
        ser = cls(data=s.request_mapping(self.request), partial=partial)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._input(s.CertificateCreateInput)
        employee = (
            queries.employees_visible_to(request.user).select_related("enterprise")
            .filter(pk=data.pop("employee")).first()
        )
        if employee is None:
            raise _field_error("employee", _("从业人员不存在或不在您的管辖范围内。"), "not_found")
        cert = certificates.certificate_register(actor=request.user, employee=employee, data=data)
        return self._done(cert, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        cert = self._certificate(kwargs.get("pk"))
        data = self._input(s.CertificateUpdateInput, partial=True)
        return self._done(certificates.certificate_update(actor=request.user, certificate=cert, data=data))

    @extend_schema(request=s.CertificateReviewInput, responses={201: s.CertificateDetailSerializer},
                   summary="登记复审（有效期内）或延期复审（换证，填写 valid_until）；不合格的复审使证书不能使用")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        cert = self._certificate(pk)
        data = self._input(s.CertificateReviewInput)
        certificates.certificate_review(actor=request.user, certificate=cert, **data)
        return self._done(cert, status.HTTP_201_CREATED)

    @extend_schema(request=s.CertificateRevokeInput, responses={200: s.CertificateDetailSerializer},
                   summary="注销证书登记（证书编号仍不能由他人登记）")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        cert = self._certificate(pk)
        data = self._input(s.CertificateRevokeInput)
        return self._done(certificates.certificate_revoke(actor=request.user, certificate=cert, **data))

    @extend_schema(request=s.CertificateSearchInput, responses={200: s.CertificateSearchResultSerializer},
                   summary="按完整证书编号精确查找（编号放在请求体中，不进网址；至多50条）")
    @action(detail=False, methods=["post"])
    def search(self, request):
        data = self._input(s.CertificateSearchInput)
        qs = queries.certificates_visible_to(request.user, for_list=True).select_related("employee", "enterprise")
        qs = qs.filter(number_index=number_index(data["number"]))
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        rows = list(qs.order_by("-id")[:SEARCH_LIMIT])
        return Response({"results": s.CertificateSerializer(rows, many=True, context={"request": request}).data})

    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY},
        summary="导出证书台账（xlsx，当前筛选；身份证号码脱敏）",
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        qs = self.filter_queryset(self.get_queryset())
        return xlsx_response(export_certificates(qs), export_filename())


class CertificateCatalogueViewSet(viewsets.ViewSet):
    """The certificate kinds (rules as data, with sources) and their items: 《特种作业目录》, TSG Z6001-2019 作业项目,
    and the two kinds of holder of the safety certificate."""

    pagination_class = None

    @extend_schema(responses={200: s.CertificateKindRuleSerializer(many=True)},
                   summary="证书类别及作业类别（项目）目录")
    def list(self, request):
        return Response(s.CertificateKindRuleSerializer(s.catalogue(), many=True).data)
