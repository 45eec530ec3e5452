"""The inspection ledger's filters, shared by the page, the API and the Excel export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.hazards.filters import RegionSectorFilters
from anjian.inspections.choices import OPEN_STATES, InspectionKind, InspectionState
from anjian.inspections.models import Inspection

OPEN = "open"
STATE_CHOICES = [(OPEN, _("未归档（全部）")), *InspectionState.choices]


class InspectionFilter(RegionSectorFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("企业名称或专项名称"))
    state = MultipleChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("状态"))
    kind = MultipleChoiceFilter(choices=InspectionKind.choices, label=_("检查类别"))
    authority = django_filters.NumberFilter(field_name="authority_id", label=_("检查机关"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    sector = MultipleChoiceFilter(choices=Sector.choices, method="filter_sector", label=_("监管行业"))
    member = django_filters.NumberFilter(field_name="members__user_id", label=_("检查人员"))
    failed = django_filters.BooleanFilter(method="filter_failed", label=_("发现问题"))
    draw = django_filters.NumberFilter(field_name="draw_id", label=_("双随机抽查"))
    date_from = django_filters.DateFilter(method="filter_from", label=_("检查日期起"))
    date_to = django_filters.DateFilter(method="filter_to", label=_("检查日期止"))

    class Meta:
        model = Inspection
        fields = [
            "q",
            "state",
            "kind",
            "authority",
            "enterprise",
            "region",
            "sector",
            "member",
            "failed",
            "draw",
            "date_from",
            "date_to",
        ]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(campaign__icontains=value))

    def filter_state(self, queryset, name, value):
        states = set()
        for v in value:
            states |= {s.value for s in OPEN_STATES} if v == OPEN else {v}
        return queryset.filter(state__in=sorted(states)) if states else queryset

    def filter_failed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(items_failed__gt=0) if value else queryset.filter(items_failed=0)

    # An inspection's date: when it ended, or started, or was planned for.
    def filter_from(self, queryset, name, value):
        return queryset.filter(
            Q(ended_at__date__gte=value)
            | Q(ended_at__isnull=True, started_at__date__gte=value)
            | Q(started_at__isnull=True, planned_date__gte=value)
        )

    def filter_to(self, queryset, name, value):
        return queryset.filter(
            Q(ended_at__date__lte=value)
            | Q(ended_at__isnull=True, started_at__date__lte=value)
            | Q(started_at__isnull=True, planned_date__lte=value)
        )
