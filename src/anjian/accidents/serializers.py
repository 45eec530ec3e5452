"""API representation of the accident case (reporting side). Writes go through the services: the input classes
only parse types; the services validate (negative counts, the loss unit, times in the future or out of order …)
with the same field codes as the pages."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anjian.accidents import reporting
from anjian.accidents.choices import (
    NEAR_MISS_ITEM_CHOICES,
    REPORT_LEVEL_CHOICES,
    AccidentKind,
    ReportingFinding,
    ReportSource,
    SupplementKind,
)
from anjian.accidents.forms import STEP_LABELS
from anjian.accidents.grading import LOSS_UNIT_LABELS
from anjian.accidents.models import Accident, AccidentEvent, SameLevelNotice, Supplement, Transmission
from anjian.core.choices import Sector
from anjian.rules import accidents as rules

# --- output -----------------------------------------------------------------------------------------------------


class AccidentListSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    needs_follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Accident
        fields = [
            "id", "number", "kind", "state", "enterprise", "enterprise_name", "region_code", "unit_was_unregistered",
            "sector", "accident_type", "occurred_at", "place", "deaths", "missing", "serious_injuries",
            "minor_injuries", "direct_loss_yuan", "grade", "grade_label", "investigating_level",
            "level_changed_from", "source", "suspected_unreported", "unit_report_minutes_late",
            "reporting_finding", "needs_follow_up", "listed", "created_at",
        ]
        read_only_fields = fields

    def get_needs_follow_up(self, obj) -> bool:
        return reporting.needs_follow_up(obj)


class AccidentTransmissionSerializer(serializers.ModelSerializer):
    step_label = serializers.SerializerMethodField()

    class Meta:
        model = Transmission
        fields = ["id", "step", "step_label", "received_at", "sent_at", "deadline", "minutes_late", "recipient",
                  "sender_name", "note", "created_at"]
        read_only_fields = fields

    def get_step_label(self, obj) -> str:
        return str(STEP_LABELS.get(obj.step, obj.step))


class AccidentNoticeSerializer(serializers.ModelSerializer):
    party_label = serializers.SerializerMethodField()

    class Meta:
        model = SameLevelNotice
        fields = ["id", "level", "party", "party_label", "notified_at", "note"]
        read_only_fields = fields

    def get_party_label(self, obj) -> str:
        return rules.NOTIFIED_LABELS.get(obj.party, obj.party)


class AccidentSupplementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplement
        fields = ["id", "reported_at", "deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan",
                  "note", "grade_before", "grade_after", "level_before", "level_after", "created_at"]
        read_only_fields = fields


class AccidentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccidentEvent
        fields = ["id", "action", "from_state", "to_state", "actor_name", "at", "note", "data"]
        read_only_fields = fields


class AccidentClockStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    from_level = serializers.CharField()
    to_level = serializers.CharField()
    to_label = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True, help_text="本级接到报告时间（尚未接到时为空）")
    deadline = serializers.DateTimeField(allow_null=True, help_text="上报时限（立即上报的环节为空）")
    done = serializers.BooleanField(help_text="已上报")
    sent_at = serializers.DateTimeField(allow_null=True)
    minutes_late = serializers.IntegerField(help_text="已上报的：迟报分钟数；未上报且已过时限的：至今超出的分钟数")
    overdue = serializers.BooleanField(help_text="未上报且已过时限")


class AccidentMissingNoticeSerializer(serializers.Serializer):
    level = serializers.CharField()
    party = serializers.CharField()
    label = serializers.CharField()


class AccidentClockSerializer(serializers.Serializer):
    unit_due = serializers.DateTimeField(allow_null=True, help_text="单位负责人接报后1小时的时限")
    unit_minutes_late = serializers.IntegerField(allow_null=True)
    steps = AccidentClockStepSerializer(many=True)
    missing_notices = AccidentMissingNoticeSerializer(many=True, help_text="已到达的层级尚未登记的同级通知")


class AccidentFlagsSerializer(serializers.Serializer):
    late = serializers.BooleanField(help_text="单位迟报或逐级上报有迟报环节（含已逾期未报）")
    suspected_unreported = serializers.BooleanField(help_text="非单位报告：疑似漏报瞒报")
    needs_follow_up = serializers.BooleanField(help_text="疑似漏报瞒报或迟报，且尚未认定")
    level_changed = serializers.BooleanField(help_text="续报后负责调查的人民政府已变更")


def clock_data(accident: Accident) -> dict:
    """reporting.clock() in the shape of :class:`AccidentClockSerializer`."""
    clock = reporting.clock(accident)
    steps = []
    for step in clock["steps"]:
        row = step["done"]
        steps.append({**{k: v for k, v in step.items() if k != "done"}, "done": row is not None,
                      "sent_at": row.sent_at if row else None})
    return {"unit_due": clock["unit_due"], "unit_minutes_late": clock["unit_minutes_late"], "steps": steps,
            "missing_notices": clock["missing_notices"]}


def flags_of(accident: Accident, clock: dict | None = None) -> dict:
    clock = clock if clock is not None else clock_data(accident)
    return {
        "late": bool(accident.unit_report_minutes_late) or any(s["minutes_late"] for s in clock["steps"]),
        "suspected_unreported": accident.suspected_unreported,
        "needs_follow_up": reporting.needs_follow_up(accident),
        "level_changed": bool(accident.level_changed_from),
    }


class AccidentSerializer(AccidentListSerializer):
    grade_basis = serializers.JSONField(read_only=True, help_text="定级所依据的数字、下落不明计入设置和理由")
    grade_reasons = serializers.SerializerMethodField()
    clock = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    transmissions = AccidentTransmissionSerializer(many=True, read_only=True)
    notices = AccidentNoticeSerializer(many=True, read_only=True)
    supplements = AccidentSupplementSerializer(many=True, read_only=True)
    events = AccidentEventSerializer(many=True, read_only=True)
    reported_by_name = serializers.CharField(source="reported_by.display_name", read_only=True, default="")

    class Meta(AccidentListSerializer.Meta):
        fields = AccidentListSerializer.Meta.fields + [
            "supplement_kind", "near_miss_item", "missing_count_as_deaths", "grade_basis", "grade_reasons",
            "level_changed_at", "account", "measures_taken", "reporter_name", "reporter_phone", "reported_by",
            "reported_by_name", "unit_learned_at", "county_received_at", "county_received_by",
            "reporting_finding_note", "reporting_finding_by", "reporting_finding_at", "state_changed_at",
            "closure_evidence", "closing_note", "closed_at", "updated_at", "clock", "flags", "transmissions",
            "notices", "supplements", "events",
        ]
        read_only_fields = fields

    def get_grade_reasons(self, obj) -> list[str]:
        return list((obj.grade_basis or {}).get("reasons", []))

    def _clock(self, obj) -> dict:
        cache = self.context.setdefault("_clocks", {})
        if obj.pk not in cache:
            cache[obj.pk] = clock_data(obj)
        return cache[obj.pk]

    @extend_schema_field(AccidentClockSerializer)
    def get_clock(self, obj):
        return AccidentClockSerializer(self._clock(obj)).data

    @extend_schema_field(AccidentFlagsSerializer)
    def get_flags(self, obj):
        return flags_of(obj, self._clock(obj))


# --- input ------------------------------------------------------------------------------------------------------


def request_mapping(request):
    """The request body as a mapping; a JSON body that is not an object (null, a list, a string) is a 400 with a
    Chinese message (DRF would answer ``null`` with an untranslated "No data provided")."""
    data = request.data
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [serializers.ErrorDetail(
            _("请求内容须为 JSON 对象。"), code="invalid")]})
    return data


class MomentField(serializers.DateTimeField):
    """DRF's DateTimeField, with a moment out of range (year 1 east of UTC) a 400 ``overflow``, not a 500."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("overflow")


class LossUnitField(serializers.ChoiceField):
    """元 or 万元, always given explicitly: missing or unknown answers the service's code ``loss_unit_required``."""

    def __init__(self, **kwargs):
        super().__init__(choices=list(LOSS_UNIT_LABELS.items()), **kwargs)

    def fail(self, key, **kwargs):
        if key in ("required", "null", "invalid_choice", "blank"):
            raise serializers.ValidationError(
                _("请注明直接经济损失的单位（元或万元）。"), code="loss_unit_required"
            )
        super().fail(key, **kwargs)


class _Figures(serializers.Serializer):
    # No min_value: negative counts reach the service, which answers them with the code ``negative``.
    deaths = serializers.IntegerField(required=False, default=0)
    missing = serializers.IntegerField(required=False, default=0, help_text="下落不明人数（按平台设置计入死亡）")
    serious_injuries = serializers.IntegerField(required=False, default=0, help_text="含急性工业中毒")
    minor_injuries = serializers.IntegerField(required=False, default=0)
    direct_loss = serializers.DecimalField(max_digits=20, decimal_places=6, help_text="直接经济损失的数额，单位见 "
                                           "direct_loss_unit")
    direct_loss_unit = LossUnitField(help_text="yuan（元）或 wan_yuan（万元），必填")


class AccidentUnitInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                 help_text="统一社会信用代码；无则留空，单位登记为无证无照")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    region = serializers.CharField(max_length=12, help_text="所属乡镇（街道）的区划代码")
    principal_name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class AccidentReportInput(_Figures):
    enterprise = serializers.IntegerField(required=False, allow_null=True,
                                          help_text="在册单位的 id（须在您的管辖范围内）；与 unit 二选一")
    unit = AccidentUnitInput(required=False, allow_null=True, help_text="未在册单位：登记后报告")
    kind = serializers.ChoiceField(choices=AccidentKind.choices, required=False, default=AccidentKind.ACCIDENT)
    near_miss_item = serializers.ChoiceField(choices=NEAR_MISS_ITEM_CHOICES, required=False, allow_blank=True,
                                             help_text="较大涉险事故的情形（kind=near_miss 时必填）")
    sector = serializers.ChoiceField(choices=Sector.choices)
    accident_type = serializers.CharField(max_length=2, help_text="GB 6441 事故类别代码（01–20）")
    supplement_kind = serializers.ChoiceField(
        choices=SupplementKind.choices, required=False, allow_blank=True,
        help_text="补报时限类别；不填时火灾（类别08）为 fire（7日），其他为 general（30日）",
    )
    occurred_at = MomentField()
    place = serializers.CharField(max_length=200, allow_blank=True)
    account = serializers.CharField(allow_blank=True)
    measures_taken = serializers.CharField(required=False, allow_blank=True, default="")
    reporter_name = serializers.CharField(max_length=50, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    unit_learned_at = MomentField(required=False, allow_null=True)
    source = serializers.ChoiceField(choices=ReportSource.choices, required=False,
                                     help_text="接报来源（监管部门登记时；企业报告恒为 unit）")
    county_received_at = MomentField(required=False, allow_null=True,
                                     help_text="县级部门接到报告时间（监管部门登记时必填）")


class AccidentUnitLearnedInput(serializers.Serializer):
    unit_learned_at = MomentField()


class AccidentTransmissionInput(serializers.Serializer):
    step = serializers.ChoiceField(choices=list(STEP_LABELS.items()))
    sent_at = MomentField()
    received_at = MomentField(required=False, allow_null=True,
                              help_text="本级接到报告时间；不填取县级接报时间或上一环节上报时间")
    recipient = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sender_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AccidentNoticeInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=REPORT_LEVEL_CHOICES)
    party = serializers.CharField(max_length=30, help_text="通知对象：" + "、".join(
        f"{code}（{label}）" for code, label in rules.NOTIFIED_LABELS.items()))
    notified_at = MomentField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AccidentSupplementInput(serializers.Serializer):
    """The figures after the 续报; a figure left out keeps its current value (the loss: both parts or neither)."""

    reported_at = MomentField(required=False, allow_null=True, help_text="不填为现在")
    deaths = serializers.IntegerField(required=False)
    missing = serializers.IntegerField(required=False)
    serious_injuries = serializers.IntegerField(required=False)
    minor_injuries = serializers.IntegerField(required=False)
    direct_loss = serializers.DecimalField(max_digits=20, decimal_places=6, required=False)
    direct_loss_unit = LossUnitField(required=False, help_text="与 direct_loss 同时提供")
    note = serializers.CharField(allow_blank=True)

    def validate(self, attrs):
        if "direct_loss" in attrs and "direct_loss_unit" not in attrs:
            raise serializers.ValidationError({"direct_loss_unit": serializers.ErrorDetail(
                _("请注明直接经济损失的单位（元或万元）。"), code="loss_unit_required")})
        if "direct_loss_unit" in attrs and "direct_loss" not in attrs:
            raise serializers.ValidationError({"direct_loss": serializers.ErrorDetail(
                _("请填写直接经济损失。"), code="required")})
        return attrs


class AccidentFindingInput(serializers.Serializer):
    finding = serializers.ChoiceField(choices=ReportingFinding.choices)
    note = serializers.CharField(allow_blank=True)

