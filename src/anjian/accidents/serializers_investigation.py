"""Serializers of the investigation endpoints (``api_investigation.py``). Names are prefixed (Investigation…,
AccidentPenalty…, CorrectiveMeasure…) to stay unique in the OpenAPI schema. Inputs only parse; the services in
``investigation.py`` validate and write."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anjian.accidents import investigation as services
from anjian.accidents.choices import MemberRole, PenaltyMeasure, PenaltyTarget
from anjian.accidents.models import (
    AppraisalPause,
    CorrectiveMeasure,
    Investigation,
    InvestigationListing,
    Penalty,
    TeamMember,
)
from anjian.hazards.choices import HazardCategory
from anjian.rules import accidents as rules

# --- output -----------------------------------------------------------------------------------------------------


class InvestigationMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamMember
        fields = ["id", "role", "name", "organisation", "position"]
        read_only_fields = fields


class InvestigationPauseSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True, allow_null=True, help_text="鉴定天数（结束后）")

    class Meta:
        model = AppraisalPause
        fields = ["id", "reason", "started_on", "ended_on", "days"]
        read_only_fields = fields


class InvestigationClockSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    base_deadline = serializers.DateField(help_text="事故发生之日起60日")
    deadline = serializers.DateField(help_text="计入延长、扣除已结束的技术鉴定时间后的期限")
    extension_days = serializers.IntegerField()
    paused_days = serializers.IntegerField(help_text="已结束的技术鉴定天数（第二十七条，不计入调查期限）")
    paused = serializers.BooleanField(help_text="技术鉴定进行中，期限暂停计算")
    paused_since = serializers.DateField(allow_null=True)
    paused_reason = serializers.CharField(allow_blank=True)
    projected_deadline = serializers.DateField(help_text="鉴定进行中时：若今天结束鉴定的期限")
    submitted_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True, help_text="剩余天数（暂停时冻结；已提交时为空）")
    overdue = serializers.BooleanField()
    days_overdue = serializers.IntegerField()
    submitted_late = serializers.BooleanField()


class InvestigationReplyClockSerializer(serializers.Serializer):
    deadline = serializers.DateField(allow_null=True, help_text="批复期限（第三十二条）")
    replied_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField(help_text="已批复且晚于期限")
    days_late = serializers.IntegerField()
    overdue = serializers.BooleanField(help_text="未批复且已过期限")
    days_left = serializers.IntegerField(allow_null=True)


class InvestigationSerializer(serializers.ModelSerializer):
    level_label = serializers.SerializerMethodField()
    organised_by_name = serializers.CharField(source="organised_by.name", read_only=True)
    members = InvestigationMemberSerializer(many=True, read_only=True)
    pauses = InvestigationPauseSerializer(many=True, read_only=True)
    clock = serializers.SerializerMethodField()
    reply_clock = serializers.SerializerMethodField()
    missing_parts = serializers.SerializerMethodField()
    level_changed = serializers.SerializerMethodField()
    accident_state = serializers.CharField(source="accident.state", read_only=True)
    report_withheld = serializers.SerializerMethodField(
        help_text="调查报告六项内容在批复前不向事故发生单位的用户提供（此时为空）"
    )

    class Meta:
        model = Investigation
        fields = [
            "id", "accident", "accident_state", "level", "level_label", "team_name", "organised_by",
            "organised_by_name", "entrusted_to_unit", "formed_on", "extension_days", "extension_reason",
            "extension_approved_by", "deadline", *Investigation.REPORT_PARTS, "missing_parts", "report_submitted_on",
            "reply_extension_days", "reply_deadline", "reply_document", "reply_authority", "replied_on",
            "reply_summary", "published_on", "publication", "members", "pauses", "clock", "reply_clock",
            "level_changed", "report_withheld", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def _withheld(self, obj) -> bool:
        request = self.context.get("request")
        return request is not None and services.report_withheld(request.user, obj.accident)

    def get_report_withheld(self, obj) -> bool:
        return self._withheld(obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("report_withheld"):
            for part in Investigation.REPORT_PARTS:
                data[part] = ""
        return data

    def get_level_label(self, obj) -> str:
        return services.level_label(obj.level)

    @extend_schema_field(InvestigationClockSerializer)
    def get_clock(self, obj):
        return InvestigationClockSerializer(services.investigation_clock(obj)).data

    @extend_schema_field(InvestigationReplyClockSerializer)
    def get_reply_clock(self, obj):
        return InvestigationReplyClockSerializer(services.reply_clock(obj)).data

    def get_missing_parts(self, obj) -> list[str]:
        return services.missing_parts(obj)

    def get_level_changed(self, obj) -> bool:
        return services.level_changed(obj.accident, obj)


class AccidentPenaltySerializer(serializers.ModelSerializer):
    class Meta:
        model = Penalty
        fields = [
            "id", "target", "person_name", "measure", "amount_yuan", "last_year_income_yuan", "aggravated",
            "check_message", "document_number", "decided_on", "note", "by", "created_at",
        ]
        read_only_fields = fields


class CorrectiveMeasureSerializer(serializers.ModelSerializer):
    carried_out = serializers.SerializerMethodField(help_text="已落实（跟踪隐患的：隐患已验收闭环）")
    hazard_number = serializers.SerializerMethodField()
    hazard_state = serializers.CharField(source="hazard.state", read_only=True, allow_null=True, default=None)
    hazard_url = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveMeasure
        fields = [
            "id", "description", "responsible", "deadline", "state", "carried_out", "hazard", "hazard_number",
            "hazard_state", "hazard_url", "done_on", "done_note", "by", "created_at",
        ]
        read_only_fields = fields

    def get_carried_out(self, obj) -> bool:
        return services.measure_carried_out(obj)

    def get_hazard_number(self, obj) -> str:
        return obj.hazard.number if obj.hazard_id else ""

    def get_hazard_url(self, obj) -> str:
        if not obj.hazard_id:
            return ""
        try:
            return reverse("hazard-detail", args=[obj.hazard_id])
        except NoReverseMatch:
            return ""


class InvestigationListingSerializer(serializers.ModelSerializer):
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = InvestigationListing
        fields = [
            "id", "level", "authority", "authority_name", "document_number", "deadline", "requirements",
            "listed_by", "listed_at", "lifted_at", "lift_document", "lifted_by",
        ]
        read_only_fields = fields


# --- input ------------------------------------------------------------------------------------------------------


class InvestigationMemberInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)
    name = serializers.CharField(max_length=50)
    organisation = serializers.CharField(max_length=100)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class InvestigationOpenInput(serializers.Serializer):
    team_name = serializers.CharField(max_length=200)
    formed_on = serializers.DateField()
    entrusted_to_unit = serializers.BooleanField(
        required=False, default=False, help_text="委托事故发生单位调查（仅限未造成人员伤亡的一般事故，第十九条第三款）"
    )
    members = InvestigationMemberInput(many=True, required=False)


class InvestigationExtendInput(serializers.Serializer):
    days = serializers.IntegerField(help_text=f"1至{rules.INVESTIGATION_MAX_EXTENSION}日，只能延长一次")
    reason = serializers.CharField()
    approved_by = serializers.CharField(max_length=100, help_text="批准延长的人民政府")


class InvestigationAppraisalStartInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="鉴定事项")
    started_on = serializers.DateField()


class InvestigationAppraisalEndInput(serializers.Serializer):
    ended_on = serializers.DateField()


class InvestigationReportInput(serializers.Serializer):
    """Any of the six parts of 第三十条; the ones left out keep their text."""

    report_unit_overview = serializers.CharField(required=False, allow_blank=True, help_text="事故发生单位概况")
    report_course_rescue = serializers.CharField(
        required=False, allow_blank=True, help_text="事故发生经过和事故救援情况"
    )
    report_casualties_loss = serializers.CharField(
        required=False, allow_blank=True, help_text="事故造成的人员伤亡和直接经济损失"
    )
    report_cause_nature = serializers.CharField(required=False, allow_blank=True, help_text="事故发生的原因和事故性质")
    report_responsibility = serializers.CharField(
        required=False, allow_blank=True, help_text="事故责任的认定以及对事故责任者的处理建议"
    )
    report_prevention = serializers.CharField(required=False, allow_blank=True, help_text="事故防范和整改措施")


class InvestigationSubmitInput(serializers.Serializer):
    submitted_on = serializers.DateField()


class InvestigationReplyInput(serializers.Serializer):
    document = serializers.CharField(max_length=100, help_text="批复文号")
    authority = serializers.CharField(max_length=100, help_text="批复机关")
    replied_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    extension_days = serializers.IntegerField(
        required=False, default=0, min_value=0, help_text="批复延长天数（仅特别重大事故，最长30日）"
    )


class InvestigationPublishInput(serializers.Serializer):
    published_on = serializers.DateField()
    publication = serializers.CharField(max_length=300, help_text="公布途径（如政府网站网址）")


class AccidentPenaltyInput(serializers.Serializer):
    target = serializers.ChoiceField(choices=PenaltyTarget.choices)
    person_name = serializers.CharField(max_length=200)
    measure = serializers.ChoiceField(choices=PenaltyMeasure.choices)
    amount_yuan = serializers.IntegerField(required=False, allow_null=True, help_text="罚款金额（元）；非罚款不填")
    last_year_income_yuan = serializers.IntegerField(
        required=False, allow_null=True, help_text="上一年年收入（元），对主要负责人罚款时必填"
    )
    aggravated = serializers.BooleanField(
        required=False, default=False, help_text="情节特别严重、影响特别恶劣（第一百一十四条第二款，仅对单位）"
    )
    document_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectiveMeasureInput(serializers.Serializer):
    description = serializers.CharField()
    responsible = serializers.CharField(max_length=100)
    deadline = serializers.DateField(required=False, allow_null=True)
    as_hazard = serializers.BooleanField(required=False, default=False, help_text="作为隐患跟踪（在事故单位登记隐患）")
    category = serializers.ChoiceField(
        choices=HazardCategory.choices, required=False, default=HazardCategory.MANAGEMENT, help_text="隐患类别"
    )


class CorrectiveMeasureCompleteInput(serializers.Serializer):
    done_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InvestigationListingInput(serializers.Serializer):
    document_number = serializers.CharField(max_length=100)
    deadline = serializers.DateField()
    requirements = serializers.CharField(required=False, allow_blank=True, default="")


class InvestigationLiftInput(serializers.Serializer):
    lift_document = serializers.CharField(max_length=100)


class AccidentClosureEvidenceInput(serializers.Serializer):
    cause_found = serializers.CharField(
        required=False, allow_blank=True, help_text=rules.FOUR_NOT_LET_GO["cause_found"]
    )
    responsible_handled = serializers.CharField(
        required=False, allow_blank=True, help_text=rules.FOUR_NOT_LET_GO["responsible_handled"]
    )
    measures_done = serializers.CharField(
        required=False, allow_blank=True, help_text=rules.FOUR_NOT_LET_GO["measures_done"]
    )
    people_educated = serializers.CharField(
        required=False, allow_blank=True, help_text=rules.FOUR_NOT_LET_GO["people_educated"]
    )


class AccidentCloseInput(serializers.Serializer):
    evidence = AccidentClosureEvidenceInput(
        required=False, help_text="「四不放过」各项的落实证据（较大涉险事故可不填）"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="结案说明（较大涉险事故必填）")


class AccidentClosureBlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
