"""The accident ledger's filters, shared by the page, the API and the Excel export."""

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from anjian.accidents.choices import (
    ACCIDENT_TYPE_CHOICES,
    OPEN_STATES,
    AccidentGradeChoice,
    AccidentKind,
    AccidentState,
    ReportingFinding,
    ReportSource,
)
from anjian.accidents.models import Accident, Transmission
from anjian.core.choices import Sector
from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter

OPEN = "open"
STATE_CHOICES = [(OPEN, _("未结案（全部）")), *AccidentState.choices]
MONTH_CHOICES = [(m, _("{}月").format(m)) for m in range(1, 13)]


def late_q() -> Q:
    """Reported late by the unit, or late at some upward step."""
    late_step = Transmission.objects.filter(accident=OuterRef("pk"), minutes_late__gt=0)
    return Q(unit_report_minutes_late__gt=0) | Q(Exists(late_step))


def needs_follow_up_q() -> Q:
    """Suspected omitted or concealed, or reported late by the unit, and no finding yet (reporting.needs_follow_up)."""
    return (Q(suspected_unreported=True) | Q(unit_report_minutes_late__gt=0)) & Q(reporting_finding="")


def _local(year: int, month: int) -> datetime.datetime:
    """The first moment of a month in the platform's time zone."""
    return timezone.make_aware(datetime.datetime(year, month, 1))


class AccidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("编号、单位名称或地点"))
    kind = MultipleChoiceFilter(choices=AccidentKind.choices, label=_("类别"))
    state = MultipleChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("状态"))
    grade = MultipleChoiceFilter(choices=AccidentGradeChoice.choices, label=_("等级"))
    sector = MultipleChoiceFilter(choices=Sector.choices, label=_("行业领域"))
    accident_type = MultipleChoiceFilter(choices=ACCIDENT_TYPE_CHOICES, label=_("事故类别（GB 6441）"))
    source = MultipleChoiceFilter(choices=ReportSource.choices, label=_("接报来源"))
    finding = MultipleChoiceFilter(choices=ReportingFinding.choices, field_name="reporting_finding",
                                   label=_("报告情况认定"))
    year = django_filters.NumberFilter(method="filter_year", label=_("发生年份"))
    month = django_filters.TypedChoiceFilter(choices=MONTH_CHOICES, coerce=int, method="filter_month",
                                             label=_("发生月份（与年份同用）"))
    occurred_from = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte",
                                              label=_("发生日期起"))
    occurred_to = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("发生日期止"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    # Bounded: an id beyond the bigint range must be a filter error (no rows), not an OverflowError on SQLite.
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("事故发生单位"), min_value=1,
                                             max_value=2**63 - 1, decimal_places=0)
    late = django_filters.BooleanFilter(method="filter_late", label=_("迟报（单位或逐级上报）"))
    suspected_unreported = django_filters.BooleanFilter(field_name="suspected_unreported", label=_("疑似漏报瞒报"))
    needs_follow_up = django_filters.BooleanFilter(method="filter_follow_up", label=_("待认定报告情况"))
    level_changed = django_filters.BooleanFilter(method="filter_level_changed", label=_("调查级别已变更"))
    unit_was_unregistered = django_filters.BooleanFilter(field_name="unit_was_unregistered",
                                                         label=_("事发前未在册"))
    listed = django_filters.BooleanFilter(field_name="listed", label=_("调查挂牌督办中"))

    class Meta:
        model = Accident
        fields = [
            "q", "kind", "state", "grade", "sector", "accident_type", "source", "finding", "year", "month",
            "occurred_from", "occurred_to", "region", "enterprise", "late", "suspected_unreported",
            "needs_follow_up", "level_changed", "unit_was_unregistered", "listed",
        ]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(enterprise__name__icontains=value) | Q(place__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        states = set()
        for v in value:
            states |= {s.value for s in OPEN_STATES} if v == OPEN else {v}
        return queryset.filter(state__in=sorted(states)) if states else queryset

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        if value != year or not 2000 <= year <= 2100:
            return queryset.none()
        month = self.form.cleaned_data.get("month")
        if month:
            return queryset.filter(occurred_at__gte=_local(year, month), occurred_at__lt=_local(
                year + (month == 12), month % 12 + 1))
        return queryset.filter(occurred_at__gte=_local(year, 1), occurred_at__lt=_local(year + 1, 1))

    @extend_schema_field(OpenApiTypes.INT)
    def filter_month(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("year") is not None:
            return queryset  # with a year the range is applied in filter_year
        return queryset.filter(occurred_at__month=value)

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        region = Region.objects.filter(code=value).only("prefix").first()
        if region is None:
            return queryset.none()
        return queryset.filter(subtree_q(region.prefix, for_list=True))

    def filter_late(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(late_q()) if value else queryset.exclude(late_q())

    def filter_follow_up(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(needs_follow_up_q()) if value else queryset.exclude(needs_follow_up_q())

    def filter_level_changed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(level_changed_from="") if value else queryset.filter(level_changed_from="")
