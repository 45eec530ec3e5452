"""Read-only endpoints of the reference data, scoped to the caller."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from anjian.core import queries, services
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


@extend_schema_view(
    list=extend_schema(summary="网格列表"), retrieve=extend_schema(summary="网格"),
    create=extend_schema(summary="新建网格"), partial_update=extend_schema(summary="指定网格员"),
)
class GridViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Grids: read in scope; bureau and township officers create them and name their grid officer."""

    serializer_class = GridSerializer
    filterset_class = GridFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return queries.grids_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grid = services.grid_create(actor=request.user, name=data["name"], region=data["region"],
                                    officer=data.get("officer"))
        return Response(self.get_serializer(grid).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        grid = self.get_object()
        serializer = self.get_serializer(grid, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if set(serializer.validated_data) - {"officer"}:
            return Response({"code": "read_only", "message": _("只能修改网格员。")}, status=400)
        grid = services.grid_assign_officer(actor=request.user, grid=grid,
                                            officer=serializer.validated_data.get("officer"))
        return Response(self.get_serializer(grid).data)
