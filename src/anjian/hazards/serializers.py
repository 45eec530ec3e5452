"""API representation of hazards and their parts. Writes go through the services: these classes
only parse input and shape output."""

from django.urls import reverse
from rest_framework import serializers

from anjian.hazards.choices import HazardCategory, HazardGrade, HazardRoute, PhotoKind, ProductionStop
from anjian.hazards.models import (
    ExtensionRequest,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardReport,
    SupervisionListing,
)
from anjian.hazards.services import missing_plan_fields


class HazardListSerializer(serializers.Serializer):
    """The shape of a ledger row (the list reads plain values; see api.HazardViewSet.list)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField()
    region_code = serializers.CharField()
    found_at = serializers.DateTimeField()
    route = serializers.CharField()
    location = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    grade = serializers.CharField()
    state = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()
    listed = serializers.BooleanField()
    accountability_flag = serializers.BooleanField()
    extension_count = serializers.IntegerField()


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = HazardPhoto
        fields = ["id", "kind", "url", "width", "height", "size", "latitude", "longitude", "taken_at", "uploaded_at"]

    def get_url(self, obj) -> str:
        # The API's own route, so token clients can fetch it too (pages use hazards:photo).
        return reverse("hazard-photo", args=[obj.hazard_id, obj.pk])


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardEvent
        fields = ["id", "action", "from_state", "to_state", "actor_name", "at", "reason", "data"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "reason",
            "old_deadline",
            "new_deadline",
            "requested_by",
            "requested_at",
            "state",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ListingSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = SupervisionListing
        fields = [
            "id",
            "hazard",
            "level",
            "authority",
            "authority_name",
            "document_number",
            "deadline",
            "government_contact",
            "publicly_announced",
            "listed_at",
            "lifted_at",
            "lift_document",
        ]


class HazardSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    listings = ListingSerializer(many=True, read_only=True)
    missing_plan = serializers.SerializerMethodField()
    inspection = serializers.SerializerMethodField(help_text="检查记录编号（由检查发现转为隐患时）")

    class Meta:
        model = Hazard
        exclude = ["region_code"]
        read_only_fields = [f.name for f in Hazard._meta.fields]

    def get_missing_plan(self, obj) -> list[str]:
        return missing_plan_fields(obj) if obj.grade else []

    def get_inspection(self, obj) -> int | None:
        item = getattr(obj, "inspection_item", None)
        return item.inspection_id if item is not None else None


# --- inputs -----------------------------------------------------------------------------------------------------


class ReportInput(serializers.Serializer):
    enterprise = serializers.IntegerField()
    found_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(max_length=200, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    route = serializers.ChoiceField(choices=HazardRoute.choices, required=False)
    description = serializers.CharField(allow_blank=True)
    category = serializers.ChoiceField(choices=HazardCategory.choices)
    source_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class ConfirmInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=HazardGrade.choices)
    criterion_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    basis = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class PlanInput(serializers.Serializer):
    measures = serializers.CharField(required=False, allow_blank=True)
    responsible_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    responsible_user = serializers.IntegerField(required=False, allow_null=True)
    funds = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    contingency_plan = serializers.CharField(required=False, allow_blank=True)
    plan_goals = serializers.CharField(required=False, allow_blank=True)
    plan_safety_measures = serializers.CharField(required=False, allow_blank=True)
    production_stop = serializers.ChoiceField(choices=ProductionStop.choices, required=False, allow_blank=True)
    report_state_cause = serializers.CharField(required=False, allow_blank=True)
    report_harm_difficulty = serializers.CharField(required=False, allow_blank=True)


class ControlInput(serializers.Serializer):
    contingency_plan = serializers.CharField(allow_blank=True)
    monitoring_measures = serializers.CharField(allow_blank=True)
    checkin_interval_days = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)


class SubmitInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class VerifyInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    close_out_document = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PhotosInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PhotoKind.choices)
    photos = serializers.ListField(child=serializers.FileField())


class ExtensionInput(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class DecideInput(serializers.Serializer):
    grant = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class ListingInput(serializers.Serializer):
    document_number = serializers.CharField(allow_blank=True, max_length=100)
    deadline = serializers.DateField()
    government_contact = serializers.CharField(allow_blank=True, max_length=100)
    publicly_announced = serializers.BooleanField(default=False)


class ReportSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = HazardReport
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "period",
            "due_date",
            "figures",
            "content_hash",
            "state",
            "signed_by",
            "signed_at",
            "submitted_at",
            "late",
        ]


class PublicListingSerializer(serializers.Serializer):
    """What the public notice shows: no personal data beyond the enterprise name."""

    id = serializers.IntegerField()
    enterprise_name = serializers.CharField(source="hazard.enterprise.name")
    summary = serializers.SerializerMethodField()
    level = serializers.CharField()
    authority_name = serializers.CharField(source="authority.name")
    document_number = serializers.CharField()
    listed_at = serializers.DateTimeField()
    deadline = serializers.DateField()
    status = serializers.SerializerMethodField()
    lifted_at = serializers.DateTimeField()
    lift_document = serializers.CharField()

    def get_summary(self, obj) -> str:
        return obj.hazard.description[:120]

    def get_status(self, obj) -> str:
        return "lifted" if obj.lifted_at else obj.hazard.state
