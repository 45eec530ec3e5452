"""Filters of the employee register, the list of people who may not work, the training ledger and the training
records — shared by the pages, the API and the Excel exports."""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Region, subtree_q
from anjian.enterprises.filters import MultipleChoiceFilter
from anjian.people import services
from anjian.people.choices import EmployeeState, EmploymentType, PersonKind, TrainingKind, TrainingResult
from anjian.people.models import Employee, TrainingRecord, TrainingSession

BIGINT = 2**63 - 1


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
    id_number = django_filters.CharFilter(method="filter_id_number", label=_("身份证号码（完整号码，精确查找）"))
    phone = django_filters.CharFilter(method="filter_phone", label=_("联系电话（完整号码，精确查找）"))

    class Meta:
        model = Employee
        fields = ["enterprise", "region", "person_kind", "employment_type", "state", "work_ok", "name", "id_number",
                  "phone"]

    def filter_region(self, queryset, name, value):
        return _region(queryset, value)

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_id_number(self, queryset, name, value):
        return services.find_by_id_number(queryset, value) if value.strip() else queryset

    def filter_phone(self, queryset, name, value):
        return services.find_by_phone(queryset, value) if value.strip() else queryset


class BlockedFilter(EmployeeFilter):
    """The list of people who may not work: active, verdict not ok (the filter adds the rest)."""

    class Meta(EmployeeFilter.Meta):
        fields = ["enterprise", "region", "person_kind", "employment_type", "name", "id_number", "phone"]


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
