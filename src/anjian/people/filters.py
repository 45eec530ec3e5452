"""Filters of the employee register, the list of people who may not work, the training ledger and the training
records — shared by the pages, the API and the Excel exports.

Full ID-card and phone numbers never travel in a URL (access logs, browser history, Referer, the login ``next=``):
the exact search is a POST (the page's small form, ``POST /api/employees/search/``) that computes the blind index;
the GET filters take only that index (``id_index`` / ``phone_index``, 64 hex digits). A plaintext ``id_number`` or
``phone`` in a query string is refused with a message (no rows), not silently ignored."""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.people import services
from anjian.people.choices import EmployeeState, EmploymentType, PersonKind, TrainingKind, TrainingResult
from anjian.people.models import Employee, TrainingRecord, TrainingSession
from anjian.rules import id_card

BIGINT = 2**63 - 1
INDEX_PATTERN = re.compile(r"\A[0-9a-f]{64}\Z")
MAX_SEARCH_LENGTH = 60  # a full ID-card number, phone or certificate number with spaces is far shorter


def index_filter(field_name: str, label, message) -> django_filters.CharFilter:
    """An exact match on a blind index given as its 64 lower-case hex digits; anything else is the filter error
    ``message`` (no rows, never a 500)."""
    return django_filters.CharFilter(field_name=field_name, label=label, validators=[
        RegexValidator(INDEX_PATTERN, message=message, code="invalid_index")])


class RefusedField(forms.CharField):
    """A form field (not a filter, so not in the OpenAPI parameters) that refuses any non-blank value: the
    plaintext parameters the filters took before (a bookmark, an old client) get the message and no rows."""

    def __init__(self, message, **kwargs):
        self.refusal = message
        super().__init__(required=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            raise ValidationError(self.refusal, code="plaintext_not_allowed")


class RefusingFilterForm(forms.Form):
    """The base form of a FilterSet with :class:`RefusedField` fields: they only ever add errors, and are taken out
    of ``cleaned_data`` (the FilterSet filters on every cleaned key)."""

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, RefusedField):
                data.pop(name, None)
        return data


class EmployeeFilterForm(RefusingFilterForm):
    id_number = RefusedField(_("完整身份证号码不能放在网址中查找，请使用“按身份证号码精确查找”"
                               "（接口：POST /api/employees/search/）。"))
    phone = RefusedField(_("完整联系电话不能放在网址中查找，请使用“按联系电话精确查找”"
                           "（接口：POST /api/employees/search/）。"))


class EmployeeSearchForm(forms.Form):
    """The page's exact search (a POST): a full ID-card number and / or a full phone."""

    id_number = forms.CharField(label=_("完整身份证号码"), required=False, max_length=MAX_SEARCH_LENGTH)
    phone = forms.CharField(label=_("完整联系电话"), required=False, max_length=MAX_SEARCH_LENGTH)

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("id_number") or data.get("phone")):
            raise ValidationError(_("请填写完整的身份证号码或联系电话。"), code="required")
        return data

    def indexes(self) -> dict[str, str]:
        """The GET parameters of the search: ``id_index`` and / or ``phone_index``."""
        return search_indexes(self.cleaned_data.get("id_number"), self.cleaned_data.get("phone"))


def search_indexes(id_number, phone) -> dict[str, str]:
    """``{"id_index": …, "phone_index": …}`` for the non-blank values (normalised as the services store them)."""
    out = {}
    number = id_card.normalise(id_number or "")
    if number:
        out["id_index"] = services.id_index(number)
    digits = services.normalise_phone((phone or "").strip())
    if digits:
        out["phone_index"] = services.phone_index(digits)
    return out


def _id_filter(field_name: str, label):
    # Bounded: an id beyond the bigint range is a filter error (no rows), not an OverflowError on SQLite.
    return django_filters.NumberFilter(field_name=field_name, label=label, min_value=1, max_value=BIGINT,
                                       decimal_places=0)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day))


def _region(queryset, value: str, prefix_field: str = ""):
    value = (value or "").strip()
    if not value:
        return queryset
    region = Region.objects.filter(code=value).only("prefix").first()
    if region is None:
        return queryset.none()
    return queryset.filter(subtree_q(region.prefix, f"{prefix_field}region_code", for_list=True))


class EmployeeFilter(django_filters.FilterSet):
    enterprise = _id_filter("enterprise_id", _("所在单位"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    person_kind = MultipleChoiceFilter(choices=PersonKind.choices, label=_("人员类别"))
    employment_type = MultipleChoiceFilter(choices=EmploymentType.choices, label=_("用工形式"))
    state = MultipleChoiceFilter(choices=EmployeeState.choices, label=_("状态"))
    work_ok = django_filters.BooleanFilter(field_name="work_ok", label=_("可以上岗"))
    name = django_filters.CharFilter(method="filter_name", label=_("姓名包含"))
    id_index = index_filter("id_number_index", _("身份证号码索引（精确查找所得，64位十六进制）"),
                            _("身份证号码精确查找的条件无效，请重新查找。"))
    phone_index = index_filter("phone_index", _("联系电话索引（精确查找所得，64位十六进制）"),
                               _("联系电话精确查找的条件无效，请重新查找。"))

    class Meta:
        model = Employee
        form = EmployeeFilterForm
        fields = ["enterprise", "region", "person_kind", "employment_type", "state", "work_ok", "name", "id_index",
                  "phone_index"]

    def filter_region(self, queryset, name, value):
        return _region(queryset, value)

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset


class BlockedFilter(EmployeeFilter):
    """The list of people who may not work: active, verdict not ok (the filter adds the rest)."""

    class Meta(EmployeeFilter.Meta):
        fields = ["enterprise", "region", "person_kind", "employment_type", "name", "id_index", "phone_index"]


class _DateRange(django_filters.FilterSet):
    date_from = django_filters.DateFilter(method="filter_from", label=_("培训日期起"))
    date_to = django_filters.DateFilter(method="filter_to", label=_("培训日期止"))
    starts_field = "starts_at"

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.starts_field}__gte": _start_of(value)}) if value else queryset

    def filter_to(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{self.starts_field}__lt": _start_of(value + datetime.timedelta(days=1))})


class SessionFilter(_DateRange):
    enterprise = _id_filter("enterprise_id", _("单位"))
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    kind = MultipleChoiceFilter(choices=TrainingKind.choices, label=_("培训类别"))
    q = django_filters.CharFilter(method="filter_text", label=_("主题、内容或授课人包含"))

    class Meta:
        model = TrainingSession
        fields = ["enterprise", "region", "kind", "date_from", "date_to", "q"]

    def filter_region(self, queryset, name, value):
        return _region(queryset, value)

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value) | Q(trainer__icontains=value))


class RecordFilter(_DateRange):
    enterprise = _id_filter("session__enterprise_id", _("单位"))
    session = _id_filter("session_id", _("培训"))
    employee = _id_filter("employee_id", _("人员"))
    kind = MultipleChoiceFilter(choices=TrainingKind.choices, field_name="session__kind", label=_("培训类别"))
    result = MultipleChoiceFilter(choices=TrainingResult.choices, label=_("考核结果"))
    starts_field = "session__starts_at"

    class Meta:
        model = TrainingRecord
        fields = ["enterprise", "session", "employee", "kind", "result", "date_from", "date_to"]
