"""API representation of the special-equipment register. Writes go through the services: the input classes only
parse types; the services validate (kinds, subtypes, dates, the rules' intervals, certificates) with the same
field codes as the pages."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers

from anjian.equipment import services
from anjian.equipment.choices import Conclusion, EquipmentKind, EquipmentState, InspectionKind, Schedule
from anjian.equipment.models import (
    EquipmentDue,
    EquipmentInspection,
    EquipmentOperator,
    EquipmentReminder,
    SpecialEquipment,
)
from anjian.rules import equipment as rules

LIST_FIELDS = [
    "id", "enterprise", "enterprise_name", "region_code", "kind", "kind_label", "subtype", "subtype_label",
    "molten_metal", "name", "model_number", "registration_code", "use_registration_number", "location",
    "manufacturer", "factory_number", "commissioned_on", "installed_on", "schedule", "safety_grade", "state",
    "next_due", "next_due_kind", "usable", "unusable_reason", "note", "created_at", "updated_at",
]


def request_mapping(request):
    """The request body as a mapping; a JSON body that is not an object is a 400 with a Chinese message."""
    data = request.data
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [serializers.ErrorDetail(
            _("请求内容须为 JSON 对象。"), code="invalid")]})
    return data


# --- output --------------------------------------------------------------------------------------------------------


class SpecialEquipmentListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    subtype_label = serializers.SerializerMethodField()

    class Meta:
        model = SpecialEquipment
        fields = LIST_FIELDS
        read_only_fields = fields

    def get_subtype_label(self, obj) -> str:
        return services.subtype_label(obj.kind, obj.subtype)


class EquipmentDueSerializer(serializers.ModelSerializer):
    request_by = serializers.SerializerMethodField()

    class Meta:
        model = EquipmentDue
        fields = ["inspection_kind", "due_on", "request_by"]
        read_only_fields = fields

    def get_request_by(self, obj) -> str:
        return rules.request_by(obj.due_on).isoformat()


class EquipmentInspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EquipmentInspection
        fields = [
            "id", "equipment", "inspection_kind", "inspected_on", "body", "conclusion", "report_number",
            "safety_grade", "next_due", "next_kind", "proposed_due", "max_due", "exceeds_max", "rule_code",
            "recorded_at",
        ]
        read_only_fields = fields


class EquipmentOperatorSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)

    class Meta:
        model = EquipmentOperator
        fields = ["id", "employee", "employee_name", "assigned_on", "ended_on"]
        read_only_fields = fields


class EquipmentReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = EquipmentReminder
        fields = ["id", "stage", "inspection_kind", "due_on", "hazard", "recipients", "sent_at"]
        read_only_fields = fields


class SpecialEquipmentSerializer(SpecialEquipmentListSerializer):
    dues = EquipmentDueSerializer(many=True, read_only=True)
    inspections = EquipmentInspectionSerializer(many=True, read_only=True)
    operators = EquipmentOperatorSerializer(many=True, read_only=True)
    reminders = EquipmentReminderSerializer(many=True, read_only=True)

    class Meta(SpecialEquipmentListSerializer.Meta):
        fields = [*LIST_FIELDS, "dues", "inspections", "operators", "reminders"]
        read_only_fields = fields


class EquipmentProposalSerializer(serializers.Serializer):
    """What the rules propose after an inspection (:func:`anjian.rules.equipment.propose`)."""

    default_due = serializers.DateField(allow_null=True)
    max_due = serializers.DateField(allow_null=True)
    min_due = serializers.DateField(allow_null=True)
    next_kind = serializers.ChoiceField(choices=InspectionKind.choices)
    request_by = serializers.DateField(allow_null=True)
    usable = serializers.BooleanField()
    rule_code = serializers.CharField()
    citation = serializers.CharField()
    source = serializers.CharField()
    status = serializers.CharField()
    note = serializers.CharField()

    @staticmethod
    def from_proposal(proposal: rules.Proposal) -> dict:
        due = proposal.default_due or proposal.max_due
        return {
            "default_due": proposal.default_due,
            "max_due": proposal.max_due,
            "min_due": proposal.min_due,
            "next_kind": proposal.next_kind,
            "request_by": rules.request_by(due) if due else None,
            "usable": proposal.usable,
            "rule_code": proposal.rule.code,
            "citation": proposal.rule.citation,
            "source": proposal.rule.source,
            "status": proposal.rule.status,
            "note": proposal.note,
        }


# --- input ---------------------------------------------------------------------------------------------------------


class EquipmentInspectionInput(serializers.Serializer):
    inspection_kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    inspected_on = serializers.DateField()
    body = serializers.CharField(max_length=200, allow_blank=True)
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    report_number = serializers.CharField(max_length=60, allow_blank=True)
    safety_grade = serializers.IntegerField(required=False, allow_null=True)
    next_due = serializers.DateField(required=False, allow_null=True)
    next_kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False, allow_blank=True)
    confirm_exceeds = serializers.BooleanField(required=False, default=False)


class SpecialEquipmentInput(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                          help_text="使用单位（企业用户可省略，即本单位）")
    kind = serializers.ChoiceField(choices=EquipmentKind.choices)
    subtype = serializers.CharField(max_length=20, required=False, allow_blank=True)
    molten_metal = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(max_length=100, allow_blank=True)
    model_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    registration_code = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    use_registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, allow_blank=True)
    manufacturer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    factory_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    commissioned_on = serializers.DateField(required=False, allow_null=True)
    installed_on = serializers.DateField(required=False, allow_null=True)
    schedule = serializers.ChoiceField(choices=Schedule.choices, required=False, allow_blank=True)
    safety_grade = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    last_inspection = EquipmentInspectionInput(required=False, allow_null=True)


class SpecialEquipmentUpdateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EquipmentKind.choices, required=False)
    subtype = serializers.CharField(max_length=20, required=False, allow_blank=True)
    molten_metal = serializers.BooleanField(required=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    model_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    registration_code = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    use_registration_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    manufacturer = serializers.CharField(max_length=200, required=False, allow_blank=True)
    factory_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    commissioned_on = serializers.DateField(required=False, allow_null=True)
    installed_on = serializers.DateField(required=False, allow_null=True)
    schedule = serializers.ChoiceField(choices=Schedule.choices, required=False, allow_blank=True)
    safety_grade = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class EquipmentOperatorInput(serializers.Serializer):
    employee = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    assigned_on = serializers.DateField(required=False, allow_null=True)


class EquipmentReleaseInput(serializers.Serializer):
    operator = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="作业人员指定记录的 id")
    ended_on = serializers.DateField(required=False, allow_null=True)


class EquipmentStateInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=EquipmentState.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EquipmentProposalQuery(serializers.Serializer):
    inspection_kind = serializers.ChoiceField(choices=InspectionKind.choices, required=False)
    inspected_on = serializers.DateField()
    safety_grade = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
