"""The certificate ledger's filters, shared by the page, the API and the Excel export.

The status (valid, due within 90 days, review overdue, expired, revoked) is computed for today from the dates the
services keep (:func:`anjian.people.certificates.status_q`). The number is stored sealed, so it is found by an exact
match on its blind index (after normalising), never by a part of it."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core import crypto
from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.people import certificates
from anjian.people.choices import CertificateKind
from anjian.people.models import Certificate
from anjian.rules import certificates as rules

BIGINT = 2**63 - 1


class CertificateFilter(django_filters.FilterSet):
    holder = django_filters.CharFilter(method="filter_holder", label=_("持证人姓名"), max_length=50)
    number = django_filters.CharFilter(method="filter_number", label=_("证书编号（完整）"), max_length=60)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("登记单位"), min_value=1,
                                             max_value=BIGINT, decimal_places=0)
    employee = django_filters.NumberFilter(field_name="employee_id", label=_("从业人员"), min_value=1,
                                           max_value=BIGINT, decimal_places=0)
    kind = MultipleChoiceFilter(choices=CertificateKind.choices, label=_("证书类别"))
    item = django_filters.CharFilter(method="filter_item", label=_("作业类别（项目）代码"), max_length=20)
    status = MultipleChoiceFilter(choices=certificates.STATUS_CHOICES, method="filter_status", label=_("状态"))
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("到期日起"))
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("到期日止"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"), max_length=12)

    class Meta:
        model = Certificate
        fields = ["holder", "number", "enterprise", "employee", "kind", "item", "status", "due_from", "due_to",
                  "region"]

    def filter_holder(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(employee__name__icontains=value) if value else queryset

    def filter_number(self, queryset, name, value):
        number = rules.normalise_number(value)
        if not number:
            return queryset
        return queryset.filter(number_index=crypto.blind_index("certificate_number", number))

    def filter_item(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(item_code__iexact=value) if value else queryset

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        q = Q()
        for status in value:
            q |= certificates.status_q(status, today)
        return queryset.filter(q)

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        region = Region.objects.filter(code=value).only("prefix").first()
        if region is None:
            return queryset.none()
        return queryset.filter(subtree_q(region.prefix, for_list=True))
