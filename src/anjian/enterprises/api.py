"""Enterprise endpoints: list (filtered, cursor-paged), detail, create, update. No delete: a unit
that stops trading is marked closed, and its file stays."""

from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from anjian.enterprises import services
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
