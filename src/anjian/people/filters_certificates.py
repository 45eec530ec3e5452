"""The certificate ledger's filters, shared by the page, the API and the Excel export.

The status (valid, due within 90 days, review overdue, expired, revoked) is computed for today from the dates the
services keep (:func:`anjian.people.certificates.status_q`). The number is stored sealed (it is often the holder's
ID-card number), so it is found only by an exact match on its blind index, and that index is all a URL carries: the
exact search is a POST (the ledger's small form, ``POST /api/certificates/search/``) that normalises the number and
computes the index; the GET filter ``number_index`` takes the 64 hex digits. A plaintext ``number`` in a query string
is refused with a message (no rows)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core import crypto
from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.people import certificates
from anjian.people.choices import CertificateKind
from anjian.people.filters import MAX_SEARCH_LENGTH, RefusedField, RefusingFilterForm, index_filter
from anjian.people.models import Certificate
from anjian.rules import certificates as rules

BIGINT = 2**63 - 1


def number_index(text) -> str:
    """The blind index of a certificate number as the services store it (normalised first); "" for a blank one."""
    number = rules.normalise_number(text if isinstance(text, str) else "")
    return crypto.blind_index("certificate_number", number) if number else ""


class CertificateFilterForm(RefusingFilterForm):
    number = RefusedField(_("完整证书编号不能放在网址中查找，请使用“按证书编号精确查找”"
                            "（接口：POST /api/certificates/search/）。"))


class CertificateSearchForm(forms.Form):
    """The ledger's exact search (a POST): a full certificate number."""

    number = forms.CharField(label=_("完整证书编号"), max_length=MAX_SEARCH_LENGTH,
                             error_messages={"required": _("请填写完整的证书编号。")})

    def clean_number(self):
        if not number_index(self.cleaned_data["number"]):
            raise ValidationError(_("请填写完整的证书编号。"), code="required")
        return self.cleaned_data["number"]

    def indexes(self) -> dict[str, str]:
        return {"number_index": number_index(self.cleaned_data["number"])}


class CertificateFilter(django_filters.FilterSet):
    holder = django_filters.CharFilter(method="filter_holder", label=_("持证人姓名"), max_length=50)
    number_index = index_filter("number_index", _("证书编号索引（精确查找所得，64位十六进制）"),
                                _("证书编号精确查找的条件无效，请重新查找。"))
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
        form = CertificateFilterForm
        fields = ["holder", "number_index", "enterprise", "employee", "kind", "item", "status", "due_from", "due_to",
                  "region"]

    def filter_holder(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(employee__name__icontains=value) if value else queryset

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
