"""The equipment ledger's filters, shared by the page, the API and the Excel export."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.equipment.choices import Conclusion, EquipmentKind, EquipmentState, InspectionKind
from anjian.equipment.models import EquipmentInspection, SpecialEquipment

DUE_SOON_DAYS = 30
DUE_SOON = "soon"
OVERDUE = "overdue"
DUE_CHOICES = [(DUE_SOON, _("30天内到期")), (OVERDUE, _("已超期"))]
MAX_ID = 2**63 - 1


def due_q(value: str, today: datetime.date) -> Q:
    """In use and due within DUE_SOON_DAYS days (today included), or in use and past its due date."""
    in_use = Q(state=EquipmentState.IN_USE)
    if value == OVERDUE:
        return in_use & Q(next_due__lt=today)
    return in_use & Q(next_due__gte=today, next_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))


class EquipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("设备名称、设备代码或使用地点"))
    # Bounded: an id beyond the bigint range must be a filter error (no rows), not an OverflowError on SQLite.
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("使用单位"), min_value=1,
                                             max_value=MAX_ID, decimal_places=0)
    kind = MultipleChoiceFilter(choices=EquipmentKind.choices, label=_("设备种类"))
    state = MultipleChoiceFilter(choices=EquipmentState.choices, label=_("使用状态"))
    usable = django_filters.BooleanFilter(field_name="usable", label=_("可以使用"))
    due = django_filters.ChoiceFilter(choices=DUE_CHOICES, method="filter_due", label=_("检验到期"))
    registration_code = django_filters.CharFilter(method="filter_code", label=_("设备代码"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))

    class Meta:
        model = SpecialEquipment
        fields = ["q", "enterprise", "kind", "state", "usable", "due", "registration_code", "region"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(registration_code__icontains=value) | Q(location__icontains=value)
        )

    def filter_code(self, queryset, name, value):
        value = "".join(value.split()).upper()
        return queryset.filter(registration_code__startswith=value) if value else queryset

    def filter_due(self, queryset, name, value):
        return queryset.filter(due_q(value, timezone.localdate())) if value else queryset

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        region = Region.objects.filter(code=value).only("prefix").first()
        if region is None:
            return queryset.none()
        return queryset.filter(subtree_q(region.prefix, for_list=True))


class EquipmentInspectionFilter(django_filters.FilterSet):
    equipment = django_filters.NumberFilter(field_name="equipment_id", label=_("设备"), min_value=1,
                                            max_value=MAX_ID, decimal_places=0)
    enterprise = django_filters.NumberFilter(field_name="equipment__enterprise_id", label=_("使用单位"), min_value=1,
                                             max_value=MAX_ID, decimal_places=0)
    inspection_kind = MultipleChoiceFilter(choices=InspectionKind.choices, label=_("检验类别"))
    conclusion = MultipleChoiceFilter(choices=Conclusion.choices, label=_("检验结论"))
    exceeds_max = django_filters.BooleanFilter(field_name="exceeds_max", label=_("超过最长周期"))
    inspected_from = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label=_("检验日期起"))
    inspected_to = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("检验日期止"))

    class Meta:
        model = EquipmentInspection
        fields = ["equipment", "enterprise", "inspection_kind", "conclusion", "exceeds_max", "inspected_from",
                  "inspected_to"]
