"""API representation of employees, their posts and absences, the "may work" verdict, training sessions and
records. Writes go through the services: the input classes only parse types; the services validate with the same
field codes as the pages. The ID-card number and the phone are write-only; reads carry their masked forms."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from anjian.people.choices import EmploymentType, Gender, PersonKind, TrainingKind, TrainingResult
from anjian.people.models import Absence, Employee, PostAssignment, TrainingRecord, TrainingSession
from anjian.rules import id_card

# --- employees ------------------------------------------------------------------------------------------------------


class EmployeeReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="稳定的原因代码：missing_level、relevel_required、initial_hours_short、"
                                 "annual_hours_short、certificate_expired、certificate_review_overdue、"
                                 "equipment_certificate_missing、certificate_missing、left")
    message = serializers.CharField()


class EmployeePostSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostAssignment
        fields = ["id", "post", "department", "team", "started_on", "ended_on", "is_change"]
        read_only_fields = fields


class EmployeeAbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "left_on", "returned_on", "reason"]
        read_only_fields = fields


class EmployeeSerializer(serializers.ModelSerializer):
    """One employee. ``id_number`` and ``phone`` are write-only; ``id_number_masked`` / ``phone_masked`` are read."""

    enterprise = serializers.IntegerField(
        source="enterprise_id", required=False,
        help_text="所在单位 id（须在您的管辖范围内）；企业用户不填即为本单位；登记后不能更改")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    name = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(write_only=True, allow_blank=True, help_text="18位公民身份号码（只写）")
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                  help_text="联系电话（只写；7至20位数字，可含空格或短横线）")
    id_number_masked = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True,
                                     help_text="不填时按身份证号码第17位确定")
    person_kind = serializers.ChoiceField(choices=PersonKind.choices, required=False)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)
    employer_name = serializers.CharField(required=False, allow_blank=True,
                                          help_text="派遣单位、承包单位或学校（劳务派遣、承包商人员、实习学生必填）")
    department = serializers.CharField(required=False, allow_blank=True)
    team = serializers.CharField(required=False, allow_blank=True)
    post = serializers.CharField(allow_blank=True, help_text="岗位；登记后调岗请用 post-change")
    hired_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)
    work_reasons = EmployeeReasonSerializer(many=True, read_only=True)

    class Meta:
        model = Employee
        fields = [
            "id", "enterprise", "enterprise_name", "region_code", "name", "gender", "id_number", "phone",
            "id_number_masked", "phone_masked", "person_kind", "employment_type", "employer_name", "department",
            "team", "post", "hired_on", "state", "left_on", "note", "work_ok", "work_reasons", "work_checked_on",
            "created_at", "updated_at",
        ]
        read_only_fields = ["region_code", "state", "left_on", "work_ok", "work_checked_on", "created_at",
                            "updated_at"]

    def get_id_number_masked(self, obj) -> str:
        return id_card.mask(obj.id_number)

    def get_phone_masked(self, obj) -> str:
        return id_card.mask_phone(obj.phone)


class EmployeeDetailSerializer(EmployeeSerializer):
    posts = EmployeePostSerializer(many=True, read_only=True)
    absences = EmployeeAbsenceSerializer(many=True, read_only=True)

    class Meta(EmployeeSerializer.Meta):
        fields = EmployeeSerializer.Meta.fields + ["posts", "absences"]


class EmployeeRevealSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    phone = serializers.CharField()


class EmployeeSearchInput(serializers.Serializer):
    """The exact search (``POST /api/employees/search/``): the full numbers go in the body, never in a URL."""

    id_number = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                      help_text="完整身份证号码（精确查找；空格忽略，x 视同 X）")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                  help_text="完整联系电话（精确查找；空格、短横线忽略）")

    def validate(self, attrs):
        if not ((attrs.get("id_number") or "").strip() or (attrs.get("phone") or "").strip()):
            raise serializers.ValidationError(_("请提供完整的身份证号码（id_number）或联系电话（phone）。"),
                                              code="required")
        return attrs


class EmployeeSearchResultSerializer(serializers.Serializer):
    results = EmployeeSerializer(many=True, read_only=True, help_text="匹配的人员（您的管辖范围内，至多50人）")


class EmployeePostChangeInput(serializers.Serializer):
    post = serializers.CharField(allow_blank=True)
    department = serializers.CharField(required=False, allow_blank=True, default="")
    team = serializers.CharField(required=False, allow_blank=True, default="")
    started_on = serializers.DateField(help_text="新岗位任职日期；原岗位至前一日止")


class EmployeeLeaveInput(serializers.Serializer):
    left_on = serializers.DateField()


class EmployeeAbsenceInput(serializers.Serializer):
    left_on = serializers.DateField()
    returned_on = serializers.DateField(required=False, allow_null=True, help_text="不填：尚未返岗")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EmployeeAbsenceReturnInput(serializers.Serializer):
    returned_on = serializers.DateField()


class EmployeeVerdictQuery(serializers.Serializer):
    # Bounded: the rules step back years from ``on`` (0001-01-01 would make date(0, 1, 1)).
    on = serializers.DateField(required=False, help_text="核验日期，默认今天（1900-01-01 至 2100-12-31）", validators=[
        MinValueValidator(datetime.date(1900, 1, 1), message=_("核验日期超出允许范围（1900-01-01 至 2100-12-31）。")),
        MaxValueValidator(datetime.date(2100, 12, 31), message=_("核验日期超出允许范围（1900-01-01 至 2100-12-31）。")),
    ])


class EmployeeMayDoQuery(EmployeeVerdictQuery):
    certificate_kind = serializers.CharField(help_text="证书类别：special_operation、safety_qualification、"
                                             "equipment_operator")
    item_code = serializers.CharField(required=False, allow_blank=True, help_text="作业类别（项目）代码")
    equipment_kind = serializers.CharField(required=False, allow_blank=True,
                                           help_text="特种设备种类（不填 item_code 时，证书项目须适用于该种类）")


class EmployeeVerdictSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    on = serializers.DateField()
    ok = serializers.BooleanField(help_text="可以上岗（可以从事该作业）")
    reasons = EmployeeReasonSerializer(many=True)
    notes = EmployeeReasonSerializer(many=True, help_text="提示（不影响结论），如初次培训尚在期限内")


# --- training -------------------------------------------------------------------------------------------------------


class TrainingParticipantSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = ["id", "employee", "employee_name", "result", "score", "hours"]
        read_only_fields = fields


class TrainingParticipantInput(serializers.Serializer):
    employee = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="本单位人员 id")
    result = serializers.ChoiceField(choices=TrainingResult.choices, required=False, allow_blank=True,
                                     help_text="考核结果；无考核的培训不填即为合格")
    score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True,
                                     help_text="成绩（0–100）")
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True,
                                     help_text="计入学时，默认本次培训的学时；缺考计0")


class TrainingSessionSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    participants = TrainingParticipantSerializer(many=True, read_only=True, source="records")

    class Meta:
        model = TrainingSession
        fields = [
            "id", "enterprise", "enterprise_name", "region_code", "kind", "title", "content", "trainer", "organiser",
            "place", "starts_at", "ends_at", "hours", "has_exam", "participants", "created_at",
        ]
        read_only_fields = fields


class TrainingSessionListSerializer(TrainingSessionSerializer):
    participant_count = serializers.IntegerField(read_only=True)

    class Meta(TrainingSessionSerializer.Meta):
        fields = [f for f in TrainingSessionSerializer.Meta.fields if f not in ("participants", "content")] + [
            "participant_count"]
        read_only_fields = fields


class TrainingSessionInput(serializers.Serializer):
    """A session and its participants (creation: all required; PATCH: the keys given; ``participants`` given
    replaces the list)."""

    enterprise = serializers.IntegerField(required=False, help_text="单位 id；企业用户不填即为本单位；登记后不能更改")
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    trainer = serializers.CharField(allow_blank=True, help_text="授课人")
    organiser = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(help_text="须晚于开始时间")
    hours = serializers.DecimalField(max_digits=5, decimal_places=1,
                                     help_text="学时：大于0，按每学时不少于45分钟计不超过培训时长")
    has_exam = serializers.BooleanField(required=False, default=True)
    participants = TrainingParticipantInput(many=True, help_text="参加人员及考核结果")


class TrainingRecordSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    enterprise = serializers.IntegerField(source="session.enterprise_id", read_only=True)
    session_kind = serializers.CharField(source="session.kind", read_only=True)
    session_title = serializers.CharField(source="session.title", read_only=True)
    session_starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)
    result_label = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRecord
        fields = ["id", "session", "session_kind", "session_title", "session_starts_at", "enterprise", "employee",
                  "employee_name", "result", "result_label", "score", "hours"]
        read_only_fields = fields

    def get_result_label(self, obj) -> str:
        return str(obj.get_result_display())
