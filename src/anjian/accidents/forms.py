"""Forms of the accident pages (the reporting side). They only parse input; the services validate and write,
and their field errors come back onto these forms (``apply_service_errors``)."""

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import (
    ACCIDENT_TYPE_CHOICES,
    NEAR_MISS_ITEM_CHOICES,
    REPORT_LEVEL_CHOICES,
    AccidentKind,
    ReportingFinding,
    ReportSource,
    SupplementKind,
)
from anjian.accidents.grading import COUNT_FIELDS, LOSS_UNIT_LABELS, clean_count
from anjian.core.choices import Sector
from anjian.rules import accidents as rules

LOSS_UNIT_CHOICES = [(code, label) for code, label in LOSS_UNIT_LABELS.items()]
# The upward steps a department records (the unit's own report is the county's receipt).
STEP_LABELS = {
    "county_to_city": _("县级 → 设区的市级"),
    "city_to_province": _("市级 → 省级"),
    "province_to_state_council": _("省级 → 国务院有关部门"),
}
LEVEL_SHORT = {
    "county": _("县级"),
    "city": _("市级"),
    "province": _("省级"),
    "state_council": _("国务院有关部门"),
    "state_council_government": _("国务院"),
}
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})
# What a datetime-local input sends (seconds and fractions when its step asks for them); a space for a typed one.
MOMENT_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?", re.ASCII)
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
INTEGER_SHAPE = re.compile(r"-?[0-9]{1,30}", re.ASCII)


def _typed(value) -> str | None:
    """The stripped text of a value typed into a form, or None when it is not text (an initial value)."""
    return value.strip() if isinstance(value, str) else None


class IntegerField(forms.IntegerField):
    """ASCII digits only, as the services and the API read them: Django's own field takes "１２" (full-width)
    as 12 and "1.0" as 1, which the API refuses — the page says "输入整数。" instead."""

    def to_python(self, value):
        text = _typed(value)
        if text and not INTEGER_SHAPE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class MomentField(forms.DateTimeField):
    """A date and a time of day as a datetime-local input sends them. Django's own field also takes a date alone
    (as midnight, which would silently move the reporting clock), ISO week dates, offsets and full-width digits."""

    def to_python(self, value):
        text = _typed(value)
        if text and not MOMENT_SHAPE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text if text is not None else value)


class DateField(forms.DateField):
    """YYYY-MM-DD as a date input sends it (ASCII digits, as the services read them)."""

    def to_python(self, value):
        text = _typed(value)
        if text and not DATE_SHAPE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text if text is not None else value)


def _moment(label, required=False, help_text=""):
    return MomentField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format=MOMENT_FORMAT),
    )


def _char(label, required=False, max_length=None, **attrs):
    return forms.CharField(
        label=label, required=required, max_length=max_length,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def _text(label, rows=3, required=False):
    return forms.CharField(label=label, required=required,
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))


def _select(label, choices, required=True, blank=None, **kw):
    if blank is not None:
        choices = [("", blank), *choices]
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "form-select"}), **kw)


def _count(label):
    # No min_value: the service answers a negative count with its own message and code.
    return IntegerField(label=label, required=False,
                        widget=forms.NumberInput(attrs={"class": "form-control", "min": "0", "step": "1"}))


def _loss_amount(label, required=True):
    # Text, not a number field: the service reads it (元 or 万元, commas allowed) and explains what is wrong.
    return forms.CharField(label=label, required=required, max_length=30,
                           widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}))


def _loss_unit():
    return forms.ChoiceField(
        label=_("损失金额单位"), choices=LOSS_UNIT_CHOICES, widget=RADIO,
        error_messages={"required": _("请注明直接经济损失的单位（元或万元）。")},
    )


def loss_initial(yuan) -> tuple[str, str]:
    """A stored loss as (amount, unit) for a form: 万元 when it is a whole number of 万元, else 元."""
    value = Decimal(yuan or 0)
    if value >= 10000 and value % 100 == 0:
        return format((value / 10000).normalize(), "f"), "wan_yuan"
    return format(value.normalize(), "f"), "yuan"


class FiguresMixin:
    """Casualty counts and the loss, shared by the first report and the 续报."""

    def clean(self):
        # A negative count is otherwise only caught by the service, which a form with another error (e.g. no loss
        # unit) never reaches: check the counts here too, so every error shows on the first submission.
        d = super().clean()
        for name in COUNT_FIELDS:
            if name in self.fields and name not in self.errors and d.get(name) is not None:
                errors: dict = {}
                clean_count(d[name], name, errors)
                if name in errors:
                    self.add_error(name, errors[name])
        return d

    def figures(self) -> dict:
        d = self.cleaned_data
        out = {f: d.get(f) for f in COUNT_FIELDS}
        out["direct_loss"] = d.get("direct_loss") or ""
        out["direct_loss_unit"] = d.get("direct_loss_unit") or ""
        return out


class ReportForm(FiguresMixin, forms.Form):
    """快报. An enterprise user reports for their own unit; an officer chooses a unit from the file or fills in
    the unregistered-unit fields, and also gives the source and when the county department received it."""

    enterprise = forms.ModelChoiceField(
        label=_("事故发生单位（在册）"), queryset=None, required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    unit_name = _char(_("未在册单位名称"), max_length=200)
    unit_uscc = _char(_("统一社会信用代码（无则留空，登记为无证无照）"), max_length=18)
    unit_address = _char(_("单位地址"), max_length=200)
    unit_region = _select(_("所属乡镇（街道）"), [], required=False, blank=_("请选择"))
    unit_principal_name = _char(_("单位负责人"), max_length=50)

    kind = forms.ChoiceField(label=_("类别"), choices=AccidentKind.choices, initial=AccidentKind.ACCIDENT,
                             widget=RADIO)
    near_miss_item = _select(_("较大涉险事故情形（仅较大涉险事故填写）"), NEAR_MISS_ITEM_CHOICES, required=False,
                             blank=_("—— 不适用 ——"))
    accident_type = _select(_("事故类别（GB 6441）"), ACCIDENT_TYPE_CHOICES, blank=_("请选择"))
    sector = _select(_("行业领域"), Sector.choices, blank=_("请选择"))
    supplement_kind = _select(_("补报时限类别"), SupplementKind.choices, required=False,
                              blank=_("按事故类别（火灾7日，其他30日）"))
    occurred_at = _moment(_("发生时间"), required=True)
    place = _char(_("发生地点"), required=True, max_length=200)
    deaths = _count(_("死亡人数"))
    missing = _count(_("下落不明人数"))
    serious_injuries = _count(_("重伤人数（含急性工业中毒）"))
    minor_injuries = _count(_("轻伤人数"))
    direct_loss = _loss_amount(_("初步估计的直接经济损失"))
    direct_loss_unit = _loss_unit()
    account = _text(_("事故简要经过"), rows=4, required=True)
    measures_taken = _text(_("已经采取的措施"), rows=3)
    reporter_name = _char(_("报告人"), required=True, max_length=50)
    reporter_phone = _char(_("报告人电话"), max_length=30)
    unit_learned_at = _moment(_("单位负责人接到报告时间"), help_text=_("用于核对单位是否在1小时内报告。"))
    source = _select(_("接报来源"), ReportSource.choices, initial=ReportSource.UNIT)
    county_received_at = _moment(_("县级部门接到报告时间"), required=True)

    UNIT_FIELDS = ("unit_name", "unit_uscc", "unit_address", "unit_region", "unit_principal_name")
    OFFICER_FIELDS = ("source", "county_received_at")

    def __init__(self, *args, enterprises, regions, enterprise_user: bool, sectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_user = enterprise_user
        self.fields["enterprise"].queryset = enterprises
        if enterprise_user:
            for name in (*self.UNIT_FIELDS, *self.OFFICER_FIELDS):
                del self.fields[name]
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = None
            self.fields["enterprise"].label = _("事故发生单位")
        else:
            self.fields["enterprise"].empty_label = _("—— 未在册单位：填写下方信息 ——")
            self.fields["unit_region"].choices = [("", _("请选择")), *[(r.code, r.name) for r in regions]]
            if not self.is_bound:
                self.initial.setdefault("county_received_at", timezone.localtime().replace(second=0, microsecond=0))
        if not self.is_bound:
            for name in COUNT_FIELDS:
                self.initial.setdefault(name, 0)
        if sectors is not None:
            self.fields["sector"].choices = [("", _("请选择")), *[(c, Sector(c).label) for c in sectors]]

    @property
    def unit_fields(self):
        return [self[name] for name in self.UNIT_FIELDS if name in self.fields]

    def unit(self) -> dict | None:
        """The unregistered unit's facts, or None when a unit from the file was chosen."""
        d = self.cleaned_data
        if self.enterprise_user or d.get("enterprise") is not None:
            return None
        return {
            "name": d.get("unit_name", ""),
            "uscc": d.get("unit_uscc", ""),
            "address": d.get("unit_address", ""),
            "region": d.get("unit_region") or None,
            "principal_name": d.get("unit_principal_name", ""),
        }

    def clean(self):
        d = super().clean()
        if not self.enterprise_user and d.get("enterprise") is not None and (d.get("unit_name") or "").strip():
            self.add_error("unit_name", forms.ValidationError(
                _("已选择在册单位，请不要再填写未在册单位名称。"), code="ambiguous_unit"))
        return d

    def service_data(self) -> dict:
        d = self.cleaned_data
        out = {key: d.get(key) for key in (
            "kind", "near_miss_item", "accident_type", "sector", "supplement_kind", "occurred_at", "place",
            "account", "measures_taken", "reporter_name", "reporter_phone", "unit_learned_at",
        )}
        out.update(self.figures())
        if not self.enterprise_user:
            out["source"] = d.get("source")
            out["county_received_at"] = d.get("county_received_at")
        return out


class UnitLearnedForm(forms.Form):
    unit_learned_at = _moment(_("单位负责人接到报告时间"), required=True)


class TransmitForm(forms.Form):
    step = _select(_("上报环节"), list(STEP_LABELS.items()))
    sent_at = _moment(_("上报时间"), required=True)
    received_at = _moment(_("本级接到报告时间"), help_text=_("不填则取县级部门接报时间或上一环节的上报时间。"))
    recipient = _char(_("接收机关"), max_length=100)
    sender_name = _char(_("上报人"), max_length=100)
    note = _text(_("说明"), rows=2)


class NoticeForm(forms.Form):
    level = _select(_("层级"), [(c, LEVEL_SHORT[c]) for c, _label in REPORT_LEVEL_CHOICES])
    party = _select(_("通知对象"), list(rules.NOTIFIED_LABELS.items()))
    notified_at = _moment(_("通知时间"), required=True)
    note = _char(_("说明"), max_length=200)


class SupplementForm(FiguresMixin, forms.Form):
    reported_at = _moment(_("续报时间"), help_text=_("不填为现在。"))
    deaths = _count(_("死亡人数"))
    missing = _count(_("下落不明人数"))
    serious_injuries = _count(_("重伤人数（含急性工业中毒）"))
    minor_injuries = _count(_("轻伤人数"))
    direct_loss = _loss_amount(_("直接经济损失"))
    direct_loss_unit = _loss_unit()
    note = _text(_("续报内容"), rows=3, required=True)

    @classmethod
    def initial_for(cls, accident) -> dict:
        amount, unit = loss_initial(accident.direct_loss_yuan)
        return {**{f: getattr(accident, f) for f in COUNT_FIELDS}, "direct_loss": amount, "direct_loss_unit": unit}

    def service_data(self) -> dict:
        out = self.figures()
        out["note"] = self.cleaned_data.get("note", "")
        out["reported_at"] = self.cleaned_data.get("reported_at")
        return out


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label=_("认定结论"), choices=ReportingFinding.choices, widget=RADIO)
    note = _text(_("认定说明"), rows=3, required=True)
