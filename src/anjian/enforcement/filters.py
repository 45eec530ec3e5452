"""Filters of the document ledger and the case list, shared by the pages, the API and the Excel export."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.enforcement.choices import LIVE_STATES, CaseState, DocState, DocType
from anjian.enforcement.models import EnforcementDocument, PenaltyCase
from anjian.enterprises.filters import MultipleChoiceFilter


def overdue_review_q() -> Q:
    """Served orders whose review date has passed and that have no review opinion (but a withdrawn one)."""
    live_review = EnforcementDocument.objects.filter(
        parent=OuterRef("pk"), doc_type=DocType.REVIEW_OPINION
    ).filter(state__in=LIVE_STATES)
    return Q(
        doc_type=DocType.RECTIFICATION_ORDER, state=DocState.SERVED, review_due__lt=timezone.localdate()
    ) & ~Q(Exists(live_review))


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("文书编号或企业名称"))
    doc_type = MultipleChoiceFilter(choices=DocType.choices, label=_("文书类型"))
    state = MultipleChoiceFilter(choices=DocState.choices, label=_("状态"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    authority = django_filters.NumberFilter(field_name="authority_id", label=_("制作机关"))
    year = django_filters.NumberFilter(field_name="year", label=_("文号年份"))
    inspection = django_filters.NumberFilter(field_name="inspection_id", label=_("检查"))
    case = django_filters.NumberFilter(field_name="case_id", label=_("案件"))
    overdue_review = django_filters.BooleanFilter(method="filter_overdue", label=_("复查逾期"))

    class Meta:
        model = EnforcementDocument
        fields = ["q", "doc_type", "state", "enterprise", "authority", "year", "inspection", "case", "overdue_review"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_review_q()) if value else queryset.exclude(overdue_review_q())


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("案由或企业名称"))
    state = MultipleChoiceFilter(choices=CaseState.choices, label=_("状态"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))

    class Meta:
        model = PenaltyCase
        fields = ["q", "state", "enterprise"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cause__icontains=value) | Q(enterprise__name__icontains=value))
