"""Read-only endpoints of the reference data, scoped to the caller."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core import queries, services
from anjian.core.filters import AuthorityFilter, GridFilter, RegionFilter
from anjian.core.models import AuthorityWebhook, Notification
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


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "object_type", "object_id", "created_at", "read_at"]


@extend_schema_view(list=extend_schema(summary="我的通知"), retrieve=extend_schema(summary="通知"))
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="标为已读")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(actor=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"updated": serializers.IntegerField()}),
                   summary="全部标为已读")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"updated": services.notification_mark_read(actor=request.user)})


class WebhookSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=300)
    secret = serializers.CharField(max_length=128, required=False, allow_blank=True, write_only=True)
    active = serializers.BooleanField(default=True)
    last_status = serializers.CharField(read_only=True)
    last_sent_at = serializers.DateTimeField(read_only=True)


class WebhookView(APIView):
    """The webhook of the caller's own authority: notifications for its officers are POSTed there,
    signed ``X-Anjian-Signature: sha256=<HMAC-SHA256(secret, body)>``."""

    @extend_schema(responses=WebhookSerializer, summary="本单位推送地址")
    def get(self, request):
        hook = AuthorityWebhook.objects.filter(authority_id=request.user.authority_id or 0).first()
        if hook is None or request.user.role not in services.WEBHOOK_MANAGERS:
            raise NotFound()
        return Response(WebhookSerializer(hook).data)

    @extend_schema(request=WebhookSerializer, responses=WebhookSerializer, summary="设置本单位推送地址")
    def put(self, request):
        ser = WebhookSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        hook = services.webhook_set(actor=request.user, **ser.validated_data)
        return Response(WebhookSerializer(hook).data)
