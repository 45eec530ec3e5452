"""API representation of checklists and inspections. Writes go through the services: these classes only
parse input and shape output."""

from django.urls import reverse
from rest_framework import serializers

from anjian.hazards.choices import HazardCategory, HazardGrade
from anjian.inspections.choices import ANSWERS, InspectionKind
from anjian.inspections.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Inspection,
    InspectionAddendum,
    InspectionEvent,
    InspectionItem,
    InspectionMember,
    InspectionPhoto,
    InspectionSignature,
)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistTemplateItem
        fields = ["id", "position", "code", "section", "requirement", "basis", "basis_status", "criterion_code"]


class ChecklistListSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", default="", read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id",
            "code",
            "version",
            "title",
            "theme",
            "sectors",
            "audience",
            "state",
            "authority",
            "authority_name",
            "based_on",
            "published_at",
        ]


class ChecklistSerializer(ChecklistListSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta(ChecklistListSerializer.Meta):
        fields = [*ChecklistListSerializer.Meta.fields, "source_note", "items"]


class InspectionPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPhoto
        fields = ["id", "url", "width", "height", "size", "sha256", "latitude", "longitude", "taken_at", "uploaded_at"]

    def get_url(self, obj) -> str:
        return reverse("inspection-photo", args=[obj.item.inspection_id, obj.pk])


class InspectionItemSerializer(serializers.ModelSerializer):
    photos = InspectionPhotoSerializer(many=True, read_only=True)
    hazard_number = serializers.SerializerMethodField()

    class Meta:
        model = InspectionItem
        fields = [
            "id",
            "position",
            "code",
            "section",
            "requirement",
            "basis",
            "criterion_code",
            "result",
            "note",
            "answered_by",
            "answered_at",
            "hazard",
            "hazard_number",
            "photos",
        ]

    def get_hazard_number(self, obj) -> str:
        return f"YH{obj.hazard_id:08d}" if obj.hazard_id else ""


class InspectionMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = InspectionMember
        fields = ["user", "username", "name", "role", "credential_number"]


class InspectionSignatureSerializer(serializers.ModelSerializer):
    valid = serializers.SerializerMethodField()

    class Meta:
        model = InspectionSignature
        fields = [
            "id",
            "role",
            "kind",
            "signer",
            "name",
            "content_hash",
            "signed_at",
            "refusal_reason",
            "witness",
            "witness_name",
            "valid",
        ]

    def get_valid(self, obj) -> bool | None:
        current = self.context.get("current_hash")
        if current is None:
            return None
        from anjian.inspections.services import signature_valid

        return signature_valid(obj, current)


class InspectionAddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionAddendum
        fields = ["id", "text", "author", "author_name", "created_at", "prev_hash", "hash"]


class InspectionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionEvent
        fields = ["id", "action", "from_state", "to_state", "actor_name", "at", "reason", "data"]


class InspectionListSerializer(serializers.Serializer):
    """A ledger row (the list reads plain values; see api.InspectionViewSet.list)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField()
    region_code = serializers.CharField()
    authority = serializers.IntegerField(source="authority_id", allow_null=True)
    kind = serializers.CharField()
    state = serializers.CharField()
    campaign = serializers.CharField()
    planned_date = serializers.DateField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    items_total = serializers.IntegerField()
    items_answered = serializers.IntegerField()
    items_failed = serializers.IntegerField()
    hazards_found = serializers.IntegerField()
    draw = serializers.IntegerField(source="draw_id", allow_null=True)


class InspectionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    authority_name = serializers.CharField(source="authority.name", default="", read_only=True)
    template_title = serializers.CharField(source="template.title", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    members = InspectionMemberSerializer(many=True, read_only=True)
    items = InspectionItemSerializer(many=True, read_only=True)
    signatures = InspectionSignatureSerializer(many=True, read_only=True)
    addenda = InspectionAddendumSerializer(many=True, read_only=True)
    events = InspectionEventSerializer(many=True, read_only=True)
    record_intact = serializers.SerializerMethodField()
    current_hash = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        exclude = ["region_code", "state_changed_at"]
        read_only_fields = [f.name for f in Inspection._meta.fields]

    def get_record_intact(self, obj) -> bool | None:
        current = self.context.get("current_hash")
        return None if current is None else current == obj.content_hash

    def get_current_hash(self, obj) -> str:
        return self.context.get("current_hash") or ""


# --- inputs -----------------------------------------------------------------------------------------------------


class InspectionPlanInput(serializers.Serializer):
    enterprise = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    template = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False, default=list, max_length=20
    )
    partners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False, default=list, max_length=20
    )
    planned_date = serializers.DateField(required=False, allow_null=True)
    campaign = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class InspectionStartInput(serializers.Serializer):
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    latitude = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    longitude = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")


class InspectionAnswerInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=sorted(ANSWERS))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class InspectionPhotosInput(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class InspectionToHazardInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=HazardCategory.choices, default=HazardCategory.MANAGEMENT)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.ChoiceField(choices=[("", ""), *HazardGrade.choices], required=False, default="")
    criterion_code = serializers.CharField(required=False, allow_blank=True, default="")
    basis = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionCompleteInput(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionSignInput(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False)
    username = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionRefuseInput(serializers.Serializer):
    representative_name = serializers.CharField(max_length=50)
    reason = serializers.CharField(max_length=200)
    witness_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


class InspectionTextInput(serializers.Serializer):
    text = serializers.CharField()


class InspectionReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class ChecklistCopyInput(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True, default="")


class ChecklistUpdateInput(serializers.Serializer):
    title = serializers.CharField(required=False)
    theme = serializers.CharField(required=False, allow_blank=True)
    sectors = serializers.ListField(child=serializers.CharField(), required=False)
    audience = serializers.CharField(required=False)


class ChecklistItemInput(serializers.Serializer):
    section = serializers.CharField(required=False, allow_blank=True)
    requirement = serializers.CharField(required=False)
    basis = serializers.CharField(required=False, allow_blank=True)
    criterion_code = serializers.CharField(required=False, allow_blank=True)
    position = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
