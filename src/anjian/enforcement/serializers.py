"""API representation of enforcement documents and penalty cases. Writes go through the services: the
input classes only parse types (the services validate, with the same field errors as the pages)."""

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from anjian.enforcement import clocks
from anjian.enforcement.choices import (
    ClockStatus,
    CoerciveMeasure,
    DocType,
    FineStage,
    HearingOutcome,
    NextAction,
    Party,
    ServiceMethod,
)
from anjian.enforcement.documents import document_intact
from anjian.enforcement.models import CaseEvent, DocumentEvent, EnforcementDocument, PenaltyCase, PenaltyItem
from anjian.enforcement.penalties import PENALTY_MEASURES


class DocumentListSerializer(serializers.ModelSerializer):
    type_name = serializers.CharField(source="get_doc_type_display", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = EnforcementDocument
        fields = [
            "id", "doc_type", "type_name", "number", "state", "enterprise", "enterprise_name", "authority",
            "authority_name", "inspection", "case", "parent", "issued_on", "deadline", "review_due", "served_at",
            "created_at",
        ]


class DocumentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentEvent
        fields = ["id", "action", "from_state", "to_state", "actor_name", "at", "reason", "data"]


class DocumentSerializer(DocumentListSerializer):
    events = DocumentEventSerializer(many=True, read_only=True)
    intact = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    drafted_by_name = serializers.CharField(source="drafted_by.display_name", read_only=True)
    approved_by_name = serializers.CharField(source="approved_by.display_name", read_only=True, default="")

    class Meta(DocumentListSerializer.Meta):
        fields = DocumentListSerializer.Meta.fields + [
            "year", "serial", "content", "party", "inspectors", "content_hash", "intact", "drafted_by",
            "drafted_by_name", "approved_by", "approved_by_name", "approved_at", "service_method", "recipient",
            "service_note", "served_by", "events", "pdf_url",
        ]

    def get_intact(self, obj) -> bool | None:
        return document_intact(obj)

    def get_pdf_url(self, obj) -> str:
        return reverse("enforcement-document-pdf", args=[obj.pk])


# --- document inputs (one per type; POST /api/enforcement-documents/ with ``doc_type``) ----------------------


class FindingInput(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)
    basis = serializers.CharField(required=False, allow_blank=True, default="")


class ResultInput(serializers.Serializer):
    no = serializers.IntegerField()
    rectified = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SeizedItemInput(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    spec = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")


def _text(**kw):
    return serializers.CharField(required=False, allow_blank=True, **kw)


def _ids(help_text):
    return serializers.ListField(child=serializers.IntegerField(), required=False, help_text=help_text)


class _DocInput(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=DocType.choices)


class InspectionRecordInput(_DocInput):
    inspection = serializers.IntegerField(help_text="已结束（待签字或已归档）的检查")


class RectificationOrderInput(_DocInput):
    inspection = serializers.IntegerField()
    deadline = serializers.DateField(required=False, allow_null=True, help_text="整改期限 = 复查日期")
    findings = FindingInput(many=True, required=False, help_text="默认：检查的不符合项")
    requirements = _text()


class ReviewOpinionInput(_DocInput):
    order = serializers.IntegerField(help_text="已送达的责令限期整改指令书")
    review_date = serializers.DateField(required=False, allow_null=True)
    results = ResultInput(many=True)
    opinion = _text()
    next_action = serializers.ChoiceField(choices=NextAction.choices, required=False, allow_blank=True)
    inspectors = _ids("复查人员（本机关执法人员）；默认：指令书的执法人员")


class OnsiteMeasuresInput(_DocInput):
    enterprise = serializers.IntegerField(required=False)
    inspection = serializers.IntegerField(required=False)
    review = serializers.IntegerField(required=False, help_text="复查不合格的整改复查意见书")
    findings = FindingInput(many=True, required=False)
    measures = serializers.ListField(child=serializers.CharField(), required=False)
    legal_basis = _text()
    resume_condition = _text()
    inspectors = _ids("执法人员；默认：检查组")


class CoerciveMeasuresInput(_DocInput):
    enterprise = serializers.IntegerField(required=False)
    inspection = serializers.IntegerField(required=False)
    extends = serializers.IntegerField(required=False, help_text="延长期限：原强制措施决定书")
    measure = serializers.ChoiceField(choices=CoerciveMeasure.choices, required=False)
    reason = _text()
    items = SeizedItemInput(many=True, required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    period_days = serializers.IntegerField(required=False, allow_null=True)
    legal_basis = _text()
    inspectors = _ids("执法人员；默认：检查组")


class PenaltyNoticeInput(_DocInput):
    case = serializers.IntegerField()
    facts = _text()
    evidence = _text()
    contact = _text()


class PenaltyDecisionInput(_DocInput):
    case = serializers.IntegerField()
    facts = _text()
    evidence = _text()
    statement_summary = _text()
    hearing_summary = _text()
    payment_place = _text()
    review_body = _text()
    court = _text()


class ReferralInput(_DocInput):
    enterprise = serializers.IntegerField(required=False)
    case = serializers.IntegerField(required=False)
    review = serializers.IntegerField(required=False)
    receiver = _text()
    reason = _text()
    facts = _text()
    crime_reference = _text(help_text="刑法条款代码，如 xf.134-1.2")
    materials = serializers.ListField(child=serializers.CharField(), required=False)
    contact = _text()
    inspectors = _ids("执法人员")


INPUTS = {
    DocType.INSPECTION_RECORD: InspectionRecordInput,
    DocType.RECTIFICATION_ORDER: RectificationOrderInput,
    DocType.REVIEW_OPINION: ReviewOpinionInput,
    DocType.ONSITE_MEASURES: OnsiteMeasuresInput,
    DocType.COERCIVE_MEASURES: CoerciveMeasuresInput,
    DocType.PENALTY_NOTICE: PenaltyNoticeInput,
    DocType.PENALTY_DECISION: PenaltyDecisionInput,
    DocType.REFERRAL: ReferralInput,
}


class ServeInput(serializers.Serializer):
    served_at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=ServiceMethod.choices)
    recipient = serializers.CharField(allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class EnforcementReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class EnforcementNoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- cases ---------------------------------------------------------------------------------------------------


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PenaltyItem
        fields = [
            "id", "position", "violation_code", "party", "party_name", "amount", "stage", "illegal_gains",
            "last_year_income", "aggravated", "measures", "verdict_ok", "verdict_message", "notified_amount",
        ]


class ItemInput(serializers.Serializer):
    violation_code = serializers.CharField(required=False, allow_blank=True)
    party = serializers.ChoiceField(choices=Party.choices, required=False)
    party_name = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.IntegerField(required=False, min_value=0)
    stage = serializers.ChoiceField(choices=FineStage.choices, required=False)
    illegal_gains = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    last_year_income = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    aggravated = serializers.BooleanField(required=False)
    measures = serializers.ListField(child=serializers.ChoiceField(choices=PENALTY_MEASURES), required=False)


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_state", "to_state", "actor_name", "at", "reason", "data"]


class ClockSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    status = serializers.ChoiceField(choices=ClockStatus.choices)
    source = serializers.CharField()
    actor = serializers.CharField()
    note = serializers.CharField()


class CaseListSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = PenaltyCase
        fields = ["id", "number", "state", "cause", "enterprise", "enterprise_name", "authority", "opened_on",
                  "total_fine", "decided_on"]


class CaseSerializer(CaseListSerializer):
    items = ItemSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "facts", "evidence", "opened_by", "source_inspection", "source_document", "notice_served_on",
            "statement_deadline", "hearing_right", "hearing_deadline", "statement_text", "statement_on",
            "statement_review", "statement_waived", "hearing_waived", "waiver_note", "hearing_requested_on",
            "hearing_date", "hearing_place", "hearing_notified_on", "hearing_held_on", "hearing_outcome",
            "hearing_summary", "decision_on", "payment_due", "paid_on", "paid_amount", "closed_reason", "items",
            "documents", "clocks", "blockers", "events",
        ]

    def get_documents(self, obj) -> list[dict]:
        docs = obj.documents.select_related("enterprise", "authority").order_by("id")
        return DocumentListSerializer(docs, many=True).data

    def get_clocks(self, obj) -> list[dict]:
        return ClockSerializer(clocks.case_clocks(obj, timezone.localdate()), many=True).data

    def get_blockers(self, obj) -> list[dict]:
        return clocks.decision_blockers(obj, timezone.localdate())


class CaseInput(serializers.Serializer):
    enterprise = serializers.IntegerField()
    cause = serializers.CharField(allow_blank=True)
    facts = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    opened_on = serializers.DateField(required=False, allow_null=True)
    source_inspection = serializers.IntegerField(required=False, allow_null=True)
    source_document = serializers.IntegerField(required=False, allow_null=True)


class CaseUpdateInput(serializers.Serializer):
    cause = serializers.CharField(allow_blank=True)
    facts = serializers.CharField(allow_blank=True)
    evidence = serializers.CharField(allow_blank=True)


class NoticeInput(serializers.Serializer):
    facts = _text()
    evidence = _text()
    contact = _text()


class DecisionInput(serializers.Serializer):
    facts = _text()
    evidence = _text()
    statement_summary = _text()
    hearing_summary = _text()
    payment_place = _text()
    review_body = _text()
    court = _text()


class StatementInput(serializers.Serializer):
    waived = serializers.BooleanField(default=False, help_text="当事人明确放弃陈述、申辩")
    waive_hearing = serializers.BooleanField(default=False, help_text="当事人明确放弃听证")
    note = _text(help_text="放弃权利的方式（如书面声明）")
    text = _text(help_text="陈述、申辩内容")
    received_on = serializers.DateField(required=False, allow_null=True)
    review = _text(help_text="复核意见")


class HearingInput(serializers.Serializer):
    step = serializers.ChoiceField(choices=["request", "schedule", "hold"])
    requested_on = serializers.DateField(required=False, allow_null=True)
    hearing_date = serializers.DateField(required=False, allow_null=True)
    place = _text()
    notified_on = serializers.DateField(required=False, allow_null=True)
    held_on = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=HearingOutcome.choices, required=False)
    summary = _text()


class PayInput(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.IntegerField(min_value=1)


class ReferralCaseInput(serializers.Serializer):
    receiver = _text()
    reason = _text()
    facts = _text()
    crime_reference = _text()
    materials = serializers.ListField(child=serializers.CharField(), required=False)
    contact = _text()


class FineCheckInput(ItemInput):
    violation_code = serializers.CharField()


class FineVerdictSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    range = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
