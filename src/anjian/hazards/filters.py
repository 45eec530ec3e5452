"""The hazard ledger's filters, shared by the page, the API and the Excel export."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.enterprises.models import EnterpriseSector
from anjian.hazards.choices import OPEN_STATES, HazardGrade, HazardRoute, HazardState
from anjian.hazards.models import Hazard

OPEN = "open"
STATE_CHOICES = [(OPEN, _("未闭环（全部）")), *HazardState.choices]


class RegionSectorFilters:
    """``region`` (a code, subtree included) and ``sector`` for rows that carry ``region_code`` and
    ``enterprise_id`` (hazards, inspections)."""

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        region = Region.objects.filter(code=value).only("prefix").first()
        if region is None:
            return queryset.none()
        return queryset.filter(subtree_q(region.prefix, for_list=True))

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(EnterpriseSector.objects.filter(enterprise_id=OuterRef("enterprise_id"), sector__in=list(value)))
        )


class HazardFilter(RegionSectorFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("描述、部位或企业名称"))
    state = MultipleChoiceFilter(choices=STATE_CHOICES, method="filter_state", label=_("状态"))
    grade = MultipleChoiceFilter(choices=HazardGrade.choices, label=_("等级"))
    route = MultipleChoiceFilter(choices=HazardRoute.choices, label=_("发现途径"))
    overdue = django_filters.BooleanFilter(field_name="is_overdue", label=_("已逾期"))
    listed = django_filters.BooleanFilter(field_name="listed", label=_("挂牌督办中"))
    accountability = django_filters.BooleanFilter(field_name="accountability_flag", label=_("两次整改不到位"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    sector = MultipleChoiceFilter(choices=Sector.choices, method="filter_sector", label=_("监管行业"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    found_from = django_filters.DateFilter(field_name="found_at", lookup_expr="date__gte", label=_("发现日期起"))
    found_to = django_filters.DateFilter(field_name="found_at", lookup_expr="date__lte", label=_("发现日期止"))
    deadline_from = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("整改期限起"))
    deadline_to = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("整改期限止"))

    class Meta:
        model = Hazard
        fields = [
            "q",
            "state",
            "grade",
            "route",
            "overdue",
            "listed",
            "accountability",
            "region",
            "sector",
            "enterprise",
            "found_from",
            "found_to",
            "deadline_from",
            "deadline_to",
        ]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value) | Q(location__icontains=value) | Q(enterprise__name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        states = set()
        for v in value:
            states |= {s.value for s in OPEN_STATES} if v == OPEN else {v}
        return queryset.filter(state__in=sorted(states)) if states else queryset

