"""API representation of certificates and of the certificate catalogue. Writes go through the services: the input
classes only parse types; the services validate (kind, item, number format, one number one person, dates) with the
same field codes as the pages. An ID-format certificate number is answered masked, like the holder's ID number."""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers

from anjian.people import certificates
from anjian.people.choices import CertificateKind
from anjian.people.models import Certificate, CertificateReminder, CertificateReview
from anjian.rules import certificates as rules
from anjian.rules import id_card


def request_mapping(request):
    """The request body as a mapping; a JSON body that is not an object is a 400 with a Chinese message."""
    data = request.data
    if not isinstance(data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [serializers.ErrorDetail(
            _("请求内容须为 JSON 对象。"), code="invalid")]})
    return data


# --- output -----------------------------------------------------------------------------------------------------


class CertificateReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateReview
        fields = ["id", "reviewed_on", "passed", "valid_until", "note", "recorded_at"]
        read_only_fields = fields


class CertificateReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateReminder
        fields = ["id", "due_on", "days_before", "recipients", "sent_at"]
        read_only_fields = fields


class CertificateSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    holder_id_number = serializers.SerializerMethodField(help_text="持证人身份证号码（脱敏）")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    item_label = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField(help_text="证书编号；身份证号码格式的证号脱敏显示")
    due_kind_label = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(
        help_text="今天的状态：valid、due_soon、review_overdue、expired、revoked")
    status_label = serializers.SerializerMethodField()
    apply_from = serializers.SerializerMethodField(help_text="申请期开始日（至少提前型期限为空）")
    apply_by = serializers.SerializerMethodField(help_text="申请截止日")

    class Meta:
        model = Certificate
        fields = [
            "id", "employee", "employee_name", "holder_id_number", "enterprise", "enterprise_name", "region_code",
            "kind", "kind_label", "item_code", "item_label", "number", "issuer", "issued_on", "valid_until",
            "extended_review", "review_due", "due_on", "due_kind", "due_kind_label", "status", "status_label",
            "apply_from", "apply_by", "state", "created_at",
        ]
        read_only_fields = fields

    def get_holder_id_number(self, obj) -> str:
        return id_card.mask(obj.employee.id_number)

    def get_item_label(self, obj) -> str:
        return certificates.item_label(obj.kind, obj.item_code)

    def get_number(self, obj) -> str:
        return certificates.display_number(obj.number)

    def get_due_kind_label(self, obj) -> str:
        return str(certificates.DUE_KIND_LABELS.get(obj.due_kind, obj.due_kind))

    def get_status(self, obj) -> str:
        return certificates.status_on(obj)

    def get_status_label(self, obj) -> str:
        return str(certificates.STATUS_LABELS[certificates.status_on(obj)])

    def get_apply_from(self, obj) -> str | None:
        start = certificates.apply_window(obj.kind, obj.due_on)["from"]
        return start.isoformat() if start else None

    def get_apply_by(self, obj) -> str:
        return certificates.apply_window(obj.kind, obj.due_on)["by"].isoformat()


class CertificateDetailSerializer(CertificateSerializer):
    reviews = CertificateReviewSerializer(many=True, read_only=True)
    reminders = CertificateReminderSerializer(many=True, read_only=True)

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "reviews", "reminders"]
        read_only_fields = fields


# --- input ------------------------------------------------------------------------------------------------------


class CertificateCreateInput(serializers.Serializer):
    employee = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="从业人员 id")
    kind = serializers.CharField(help_text="special_operation、safety_qualification 或 equipment_operator")
    item_code = serializers.CharField(allow_blank=True, help_text="作业类别（项目）代码，见 certificate-catalogue")
    number = serializers.CharField(allow_blank=True, max_length=60)
    issuer = serializers.CharField(allow_blank=True, max_length=200)
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, help_text="留空按证书类别的有效期计算")
    extended_review = serializers.BooleanField(required=False, default=False,
                                               help_text="复审周期延长为6年（仅特种作业操作证）")


class CertificateUpdateInput(serializers.Serializer):
    item_code = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField(required=False, allow_blank=True, max_length=60, help_text="留空表示不修改")
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=200)
    issued_on = serializers.DateField(required=False, help_text="已登记复审的不能更正")
    valid_until = serializers.DateField(required=False, allow_null=True, help_text="已登记复审的不能更正")
    extended_review = serializers.BooleanField(required=False)


class CertificateReviewInput(serializers.Serializer):
    reviewed_on = serializers.DateField()
    passed = serializers.BooleanField(required=False, default=True)
    valid_until = serializers.DateField(required=False, allow_null=True,
                                        help_text="延期复审（换证）后的有效期截止日；有效期内的复审不填")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class CertificateSearchInput(serializers.Serializer):
    """The exact search (``POST /api/certificates/search/``): the full number goes in the body, never in a URL."""

    number = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                   help_text="完整证书编号（精确查找；全角转半角、字母不分大小写）")
    kind = serializers.CharField(required=False, allow_blank=True,
                                 help_text="special_operation、safety_qualification 或 equipment_operator；不填为全部")

    def validate_kind(self, value):
        if value and value not in CertificateKind.values:
            raise serializers.ValidationError(_("证书类别的取值无效。"), code="invalid_choice")
        return value

    def validate(self, attrs):
        if not rules.normalise_number(attrs.get("number") or ""):
            raise serializers.ValidationError({"number": [serializers.ErrorDetail(
                _("请提供完整的证书编号（number）。"), code="required")]})
        return attrs


class CertificateSearchResultSerializer(serializers.Serializer):
    results = CertificateSerializer(many=True, read_only=True, help_text="匹配的证书（您的管辖范围内，至多50条）")


class CertificateRevokeInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)


# --- the catalogue ------------------------------------------------------------------------------------------------


class CertificateItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    category_code = serializers.CharField()
    category = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField(help_text="核实状态：VERIFIED-PRIMARY、VERIFIED-SECONDARY 或 UNVERIFIED")
    equipment_kinds = serializers.ListField(child=serializers.CharField(),
                                            help_text="适用的特种设备类别（特种设备作业）")


class CertificateKindRuleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    validity_years = serializers.IntegerField()
    review_years = serializers.IntegerField(allow_null=True)
    extended_review_years = serializers.IntegerField(allow_null=True)
    apply_window_days = serializers.IntegerField(allow_null=True)
    apply_window_months = serializers.IntegerField(allow_null=True)
    apply_window_kind = serializers.CharField(help_text="within：期满前该期限内申请；at_least：至少提前该期限申请")
    source = serializers.CharField()
    status = serializers.CharField()
    items = CertificateItemSerializer(many=True)


def catalogue() -> list[dict]:
    """The kinds with their rules and items, as the catalogue endpoint answers them."""
    items_of = {
        rules.SPECIAL_OPERATION: [
            {"code": i.code, "category_code": i.category_code, "category": i.category, "name": i.item,
             "status": i.status, "equipment_kinds": []}
            for i in rules.SPECIAL_OPERATION_CATALOGUE
        ],
        rules.EQUIPMENT_OPERATOR: [
            {"code": i.code, "category_code": i.code[:1], "category": i.category, "name": i.name, "status": i.status,
             "equipment_kinds": list(i.equipment_kinds)}
            for i in rules.EQUIPMENT_OPERATOR_ITEMS
        ],
        rules.SAFETY_QUALIFICATION: [
            {"code": code, "category_code": "", "category": "", "name": label, "status": rules.VERIFIED_SECONDARY,
             "equipment_kinds": []}
            for code, label in certificates.item_choices(rules.SAFETY_QUALIFICATION)
        ],
    }
    return [
        {
            "kind": r.kind, "label": str(certificates.kind_label(r.kind)), "validity_years": r.validity_years,
            "review_years": r.review_years, "extended_review_years": r.extended_review_years,
            "apply_window_days": r.apply_window_days, "apply_window_months": r.apply_window_months,
            "apply_window_kind": r.apply_window_kind, "source": r.source, "status": r.status,
            "items": items_of[r.kind],
        }
        for r in rules.KIND_RULES
    ]
