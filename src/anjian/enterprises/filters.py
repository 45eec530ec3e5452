"""The enterprise list's filters, shared by the page, the API and the Excel export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.core.models import Region, subtree_q
from anjian.enterprises.choices import RISK_FLAGS, EnterpriseStatus, SupervisionClass
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import sector_q
from anjian.rules import uscc as uscc_rules


class _NonEmptyMultipleChoiceField(forms.MultipleChoiceField):
    """A select's "all" option sends an empty value: it means no filter, not a bad value."""

    def to_python(self, value):
        return [v for v in super().to_python(value) if v != ""]


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """No DISTINCT: these filter a column of the row itself, so rows cannot repeat, and django-filter's
    default DISTINCT stops PostgreSQL from walking the primary key and stopping after one page
    (bench/: ?grade=major on 2M hazards, p95 332 ms with it, 7 ms without)."""

    field_class = _NonEmptyMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


FLAG_CHOICES = [(flag, Enterprise._meta.get_field(flag).verbose_name) for flag in RISK_FLAGS]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("名称或信用代码"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    sector = MultipleChoiceFilter(choices=Sector.choices, method="filter_sector", label=_("监管行业"))
    status = MultipleChoiceFilter(choices=EnterpriseStatus.choices, label=_("状态"))
    supervision_class = MultipleChoiceFilter(choices=SupervisionClass.choices, label=_("监管分类"))
    flag = MultipleChoiceFilter(choices=FLAG_CHOICES, method="filter_flags", label=_("风险标识"))
    grid = django_filters.NumberFilter(field_name="grid_id", label=_("网格"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "sector", "status", "supervision_class", "flag", "grid"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = uscc_rules.normalize(value)
        if len(code) >= 6 and code.isalnum() and code.isascii():
            return queryset.filter(Q(uscc__startswith=code) | Q(name__icontains=value))
        return queryset.filter(name__icontains=value)

    def filter_region(self, queryset, name, value):
        value = value.strip()
        region = Region.objects.filter(code=value).only("prefix").first()
        if region is None:
            return queryset.none()
        return queryset.filter(subtree_q(region.prefix, for_list=True))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sector_q(value)) if value else queryset

    def filter_flags(self, queryset, name, value):
        for flag in value:
            if flag in RISK_FLAGS:
                queryset = queryset.filter(**{flag: True})
        return queryset
