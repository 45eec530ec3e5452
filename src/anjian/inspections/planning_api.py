"""API of planning: enforcement plans (with progress), random draws (双随机, with replay and publication),
credentials, recusals and grid patrols (per-enterprise status and coverage). ``register`` adds the viewsets
to the router; ``public_urlpatterns`` (mounted under /api/public/) serve the published draws without login
and without people's names.

Every write calls the service the page calls; errors come back as ``{"code", "message", "fields"}`` with the
services' stable codes (``credential_duplicate``, ``not_enough_inspectors``, ``plan_approved`` …)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.accounts.models import User
from anjian.core.api import CursorPagination
from anjian.core.models import subtree_q
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections import planning, queries
from anjian.inspections.models import ChecklistTemplate, EnforcementPlan, InspectorCredential, RandomDraw, Recusal


def _field_error(field: str, message: str, code: str = "not_found"):
    return serializers.ValidationError({field: [serializers.ErrorDetail(message, code=code)]})


def _input(cls, request):
    ser = cls(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


# --- serializers ------------------------------------------------------------------------------------------------


class CredentialSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    valid_today = serializers.SerializerMethodField()

    class Meta:
        model = InspectorCredential
        fields = ["id", "user", "user_name", "number", "issuer", "valid_from", "valid_until", "revoked_at",
                  "created_at", "valid_today"]

    def get_valid_today(self, obj) -> bool:
        return obj.valid_on(timezone.localdate())


class CredentialInput(serializers.Serializer):
    user = serializers.IntegerField()
    number = serializers.CharField(required=False, allow_blank=True, default="")
    issuer = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class RecusalSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Recusal
        fields = ["id", "user", "user_name", "enterprise", "enterprise_name", "reason", "created_at"]


class RecusalInput(serializers.Serializer):
    user = serializers.IntegerField()
    enterprise = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanTargetInput(serializers.Serializer):
    sector = serializers.CharField(allow_blank=True, required=False, default="")
    supervision_class = serializers.CharField(allow_blank=True, required=False, default="")
    planned = serializers.IntegerField(min_value=1, max_value=1_000_000)


class PlanTargetsInput(serializers.Serializer):
    targets = PlanTargetInput(many=True)


class PlanProgressRowSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk", allow_null=True, default=None)
    label = serializers.CharField()
    sector = serializers.CharField()
    supervision_class = serializers.CharField()
    planned = serializers.IntegerField(min_value=1, max_value=1_000_000)
    done = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class EnforcementPlanSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = EnforcementPlan
        fields = ["id", "authority", "authority_name", "year", "title", "state", "created_at", "approved_by",
                  "approved_at"]


class EnforcementPlanDetailSerializer(EnforcementPlanSerializer):
    targets = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta(EnforcementPlanSerializer.Meta):
        fields = [*EnforcementPlanSerializer.Meta.fields, "targets", "progress"]

    def get_targets(self, obj) -> list[dict]:
        return [{"id": t.pk, "sector": t.sector, "supervision_class": t.supervision_class, "planned": t.planned}
                for t in obj.targets.order_by("sector", "supervision_class", "id")]

    def get_progress(self, obj) -> list[dict]:
        return PlanProgressRowSerializer(planning.plan_progress(obj), many=True).data


class EnforcementPlanInput(serializers.Serializer):
    year = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, default="")


class DrawSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = RandomDraw
        fields = ["id", "number", "authority", "authority_name", "title", "kind", "template", "enterprise_count",
                  "inspectors_per_inspection", "planned_date", "created_by", "created_at", "published_at"]


class DrawInspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    state = serializers.CharField()
    members = serializers.SerializerMethodField()
    items_total = serializers.IntegerField()
    items_answered = serializers.IntegerField()
    items_failed = serializers.IntegerField()
    hazards_found = serializers.IntegerField()

    def get_members(self, obj) -> list[dict]:
        return [{"user": m.user_id, "name": m.user.display_name, "role": m.role} for m in obj.members.all()]


class DrawDetailSerializer(DrawSerializer):
    filters = serializers.SerializerMethodField()
    inspections = serializers.SerializerMethodField()

    class Meta(DrawSerializer.Meta):
        fields = [*DrawSerializer.Meta.fields, "filters", "seed", "algorithm", "pool_hash", "pool", "inspector_pool",
                  "inspections"]

    def get_filters(self, obj) -> dict:
        # The recusals behind the draw name people and their conflicts: only a leader of the authority sees them.
        filters = dict(obj.filters or {})
        request = self.context.get("request")
        if "recused" in filters and not (request and planning._leader_of(request.user, obj.authority_id)):
            filters["recused"] = {key: len(ids) for key, ids in filters["recused"].items()}
        return filters

    def get_inspections(self, obj) -> list[dict]:
        return DrawInspectionSerializer(planning.draw_inspections(obj), many=True).data


class DrawFilters(serializers.Serializer):
    sectors = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    classes = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    region = serializers.CharField(required=False, allow_blank=True, default="")


class DrawInput(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, default="")
    filters = DrawFilters(required=False, default=dict)
    enterprise_count = serializers.IntegerField()
    inspectors_per_inspection = serializers.IntegerField(required=False, default=2)
    kind = serializers.CharField(required=False, default="routine")
    template = serializers.IntegerField(required=False, allow_null=True, default=None)
    planned_date = serializers.DateField(required=False, allow_null=True, default=None)
    seed = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class DrawCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    hash_ok = serializers.BooleanField()
    replay_ok = serializers.BooleanField()
    reason = serializers.CharField()
    enterprises = serializers.ListField(child=serializers.IntegerField())
    teams = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))


class PatrolStatusSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="name")
    grid = serializers.IntegerField(source="grid_id", allow_null=True)
    region_code = serializers.CharField()
    interval = serializers.CharField(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    last_patrol = serializers.DateField(allow_null=True)
    due = serializers.BooleanField()
    overdue = serializers.BooleanField()


class PublicDrawSerializer(serializers.ModelSerializer):
    """What the public sees of a draw: no people, no inspector pool, no recusals."""

    number = serializers.CharField(read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = RandomDraw
        fields = ["id", "number", "authority_name", "title", "kind", "enterprise_count", "planned_date",
                  "created_at", "published_at"]


class PublicDrawDetailSerializer(PublicDrawSerializer):
    pool_size = serializers.SerializerMethodField()
    enterprises = serializers.SerializerMethodField()

    class Meta(PublicDrawSerializer.Meta):
        fields = [*PublicDrawSerializer.Meta.fields, "seed", "algorithm", "pool_hash", "pool_size", "pool",
                  "inspectors_per_inspection", "enterprises"]

    def get_pool_size(self, obj) -> int:
        return len(obj.pool)

    def get_enterprises(self, obj) -> list[dict]:
        return [{k: r[k] for k in ("enterprise", "done", "cancelled", "inspected_on", "items_checked", "problems",
                                   "hazards")} for r in planning.public_draw_rows(obj)]


# --- viewsets ---------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="年度执法计划"),
    retrieve=extend_schema(summary="执法计划（含指标和完成进度）"),
    create=extend_schema(request=EnforcementPlanInput, responses={201: EnforcementPlanDetailSerializer},
                         summary="编制年度执法计划"),
)
class EnforcementPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    serializer_class = EnforcementPlanSerializer

    def get_serializer_class(self):
        return EnforcementPlanSerializer if self.action == "list" else EnforcementPlanDetailSerializer

    def get_queryset(self):
        return planning.plans_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        plan = planning.plan_create(actor=request.user, **_input(EnforcementPlanInput, request))
        return Response(EnforcementPlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanTargetsInput, responses={200: EnforcementPlanDetailSerializer},
                   summary="设置计划指标（草稿）")
    @action(detail=True, methods=["post", "put"])
    def targets(self, request, pk=None):
        plan = self.get_object()
        data = _input(PlanTargetsInput, request)
        plan = planning.plan_set_targets(actor=request.user, plan=plan, targets=[dict(t) for t in data["targets"]])
        return Response(EnforcementPlanDetailSerializer(plan).data)

    @extend_schema(request=None, responses={200: EnforcementPlanDetailSerializer}, summary="批准执法计划（局领导）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = planning.plan_approve(actor=request.user, plan=self.get_object())
        return Response(EnforcementPlanDetailSerializer(plan).data)


@extend_schema_view(
    list=extend_schema(summary="双随机抽查"),
    retrieve=extend_schema(summary="抽查详情（种子、名录库、抽中的企业和检查人员、检查状态）"),
    create=extend_schema(request=DrawInput, responses={201: DrawDetailSerializer}, summary="双随机抽取并安排检查"),
)
class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    serializer_class = DrawSerializer

    def get_serializer_class(self):
        return DrawSerializer if self.action == "list" else DrawDetailSerializer

    def get_queryset(self):
        qs = planning.draws_visible_to(self.request.user)
        return qs.defer("pool", "inspector_pool", "filters") if self.action == "list" else qs

    def create(self, request, *args, **kwargs):
        data = _input(DrawInput, request)
        template = None
        if data["template"] is not None:
            template = ChecklistTemplate.objects.filter(pk=data["template"]).first()
            if template is None:
                raise _field_error("template", _("检查表不存在。"))
        draw = planning.draw_create(
            actor=request.user, title=data["title"], filters=data["filters"],
            enterprise_count=data["enterprise_count"], inspectors_per_inspection=data["inspectors_per_inspection"],
            kind=data["kind"], template=template, planned_date=data["planned_date"], seed=data["seed"],
        )
        return Response(DrawDetailSerializer(draw, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DrawDetailSerializer}, summary="向社会公开（双随机一公开）")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        draw = planning.draw_publish(actor=request.user, draw=self.get_object())
        return Response(DrawDetailSerializer(draw, context={"request": request}).data)

    @extend_schema(responses={200: DrawCheckSerializer}, summary="复核：按记录的种子和名录库重新抽取并比对")
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        return Response(DrawCheckSerializer(planning.draw_check(self.get_object())).data)


@extend_schema_view(
    list=extend_schema(summary="行政执法证"),
    retrieve=extend_schema(summary="行政执法证"),
    create=extend_schema(request=CredentialInput, responses={201: CredentialSerializer}, summary="登记行政执法证"),
)
class CredentialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    serializer_class = CredentialSerializer

    def get_queryset(self):
        return planning.credentials_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        data = _input(CredentialInput, request)
        actor = request.user
        holder = User.objects.select_related("authority__region").filter(
            pk=data.pop("user"), authority_id=actor.authority_id or 0).first()
        if holder is None:
            raise _field_error("user", _("本机构没有这名人员。"))
        credential = planning.credential_create(actor=actor, user=holder, **data)
        return Response(CredentialSerializer(credential).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CredentialSerializer}, summary="注销行政执法证")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        credential = planning.credential_revoke(actor=request.user, credential=self.get_object())
        return Response(CredentialSerializer(credential).data)


@extend_schema_view(
    list=extend_schema(summary="回避"),
    retrieve=extend_schema(summary="回避"),
    create=extend_schema(request=RecusalInput, responses={201: RecusalSerializer}, summary="登记回避"),
    destroy=extend_schema(summary="撤销回避（局领导）"),
)
class RecusalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500
    serializer_class = RecusalSerializer

    def get_queryset(self):
        return planning.recusals_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        data = _input(RecusalInput, request)
        actor = request.user
        subject = User.objects.filter(pk=data["user"], authority_id=actor.authority_id or 0).first()
        if subject is None:
            raise _field_error("user", _("本机构没有这名人员。"))
        enterprise = enterprises_visible_to(actor).filter(pk=data["enterprise"]).first()
        if enterprise is None:
            raise _field_error("enterprise", _("企业不存在或不在您的管辖范围内。"))
        recusal = planning.recusal_create(actor=actor, user=subject, enterprise=enterprise, reason=data["reason"])
        return Response(RecusalSerializer(recusal).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        planning.recusal_delete(actor=request.user, recusal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PatrolCoverageCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    patrolled = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    excluded = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class PatrolCoverageGridSerializer(PatrolCoverageCountsSerializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    officer = serializers.CharField()


class PatrolCoverageTownshipSerializer(PatrolCoverageCountsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    grids = PatrolCoverageGridSerializer(many=True)


class PatrolCoverageSerializer(serializers.Serializer):
    today = serializers.DateField()
    scope = PatrolCoverageCountsSerializer()
    townships = PatrolCoverageTownshipSerializer(many=True)


@extend_schema_view(list=extend_schema(
    summary="网格巡查：每家企业的巡查频次、本期、上次巡查、待巡查与逾期",
    parameters=[OpenApiParameter("region", str, description="区划代码前缀"),
                OpenApiParameter("grid", int, description="网格")],
))
class PatrolViewSet(viewsets.GenericViewSet):
    """Read-only: the enterprises of the caller's scope, cursor-paged by id, each with its patrol status."""
    lookup_value_regex = r"[0-9]{1,18}"  # a non-number (or a huge one) is a 404, not a 500

    serializer_class = PatrolStatusSerializer
    pagination_class = CursorPagination

    def get_queryset(self):
        qs = enterprises_visible_to(self.request.user)
        region = self.request.query_params.get("region", "").strip()
        if region:
            if not region.isdigit() or len(region) > 12:
                raise _field_error("region", _("区划代码须为不超过12位的数字。"), "invalid")
            qs = qs.filter(subtree_q(region))
        grid = self.request.query_params.get("grid", "").strip()
        if grid:
            if not grid.isdigit():
                raise _field_error("grid", _("网格须为编号。"), "invalid")
            qs = qs.filter(grid_id=int(grid))
        return qs

    def list(self, request, *args, **kwargs):
        ids = self.paginate_queryset(self.get_queryset().values("id"))
        ids = [row["id"] for row in ids]
        statuses = {s.enterprise_id: s for s in planning.patrol_status(
            request.user, today=timezone.localdate(), enterprise_ids=ids)}
        rows = [statuses[i] for i in ids if i in statuses]
        return self.get_paginated_response(PatrolStatusSerializer(rows, many=True).data)

    @extend_schema(responses={200: PatrolCoverageSerializer}, summary="网格巡查覆盖率（全辖区、按乡镇、按网格）")
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        coverage = planning.patrol_coverage(request.user, today=timezone.localdate())
        return Response(PatrolCoverageSerializer(coverage).data)


def register(router) -> None:
    """Called by anjian/urls.py."""
    router.register("enforcement-plans", EnforcementPlanViewSet, basename="enforcement-plan")
    router.register("draws", DrawViewSet, basename="draw")
    router.register("credentials", CredentialViewSet, basename="credential")
    router.register("recusals", RecusalViewSet, basename="recusal")
    router.register("patrols", PatrolViewSet, basename="patrol")


# --- public -----------------------------------------------------------------------------------------------------


class PublicDrawListView(APIView):
    """双随机一公开 — public, no login: the published draws, newest first."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicDrawSerializer(many=True), summary="双随机抽查公示（公开）", auth=[])
    def get(self, request):
        paginator = CursorPagination()
        page = paginator.paginate_queryset(queries.public_draws().defer("pool", "inspector_pool", "filters"),
                                           request, view=self)
        return paginator.get_paginated_response(PublicDrawSerializer(page, many=True).data)


class PublicDrawDetailView(APIView):
    """One published draw: the seed, the pool and its hash (to redo the draw), the enterprises and results."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicDrawDetailSerializer, summary="抽查公示详情（公开）", auth=[])
    def get(self, request, pk):
        draw = get_object_or_404(queries.public_draws(), pk=pk)
        return Response(PublicDrawDetailSerializer(draw).data)


public_urlpatterns = [  # mounted under /api/public/
    path("draws/", PublicDrawListView.as_view(), name="api-public-draws"),
    path("draws/<int:pk>/", PublicDrawDetailView.as_view(), name="api-public-draw"),
]
