"""Read-only endpoints of the reference data, scoped to the caller."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from anjian.core import queries
from anjian.core.filters import AuthorityFilter, GridFilter, RegionFilter
from anjian.core.serializers import AuthoritySerializer, GridSerializer, RegionSerializer


@extend_schema_view(list=extend_schema(summary="行政区划列表"), retrieve=extend_schema(summary="行政区划"))
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter

    def get_queryset(self):
        return queries.regions_visible_to(self.request.user).select_related("parent")


@extend_schema_view(list=extend_schema(summary="监管机构列表"), retrieve=extend_schema(summary="监管机构"))
class AuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilter

    def get_queryset(self):
        return queries.authorities_visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="网格列表"), retrieve=extend_schema(summary="网格"))
class GridViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer
    filterset_class = GridFilter

    def get_queryset(self):
        return queries.grids_visible_to(self.request.user)
