"""Filters for the reference-data endpoints."""

import django_filters

from anjian.core.choices import AuthorityKind, RegionLevel
from anjian.core.models import Authority, Grid, Region, subtree_q


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code")
    within = django_filters.CharFilter(method="filter_within", label="subtree of this region code")

    class Meta:
        model = Region
        fields = ["level", "parent"]

    def filter_within(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.filter(subtree_q(region.prefix, "code")) if region else queryset.none()


class AuthorityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AuthorityKind.choices)

    class Meta:
        model = Authority
        fields = ["kind"]


class GridFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code")

    class Meta:
        model = Grid
        fields = ["region"]
