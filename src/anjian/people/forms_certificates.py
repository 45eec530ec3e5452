"""Forms of the certificate pages. They only parse input; the services (``people/certificates.py``) validate and
write, and their field errors come back onto these forms (``apply_service_errors``).

The item select is a plain ``<select>`` with one ``<optgroup>`` per catalogue category (no script): the service
refuses an item that is not of the chosen kind."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.people.certificates import SAFETY_ITEMS
from anjian.people.choices import CertificateKind
from anjian.rules import certificates as rules

DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class DateField(forms.DateField):
    """YYYY-MM-DD as a date input sends it (ASCII digits, as the services read them)."""

    widget = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else None
        if text and not DATE_SHAPE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return super().to_python(text if text is not None else value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def item_groups() -> list:
    """The items of every kind, grouped: 《特种作业目录》 by category, TSG Z6001 by category, the two safety items."""
    groups: list = []
    special = str(CertificateKind.SPECIAL_OPERATION.label)
    for category in rules.SPECIAL_OPERATION_CATEGORIES:
        items = [(i.code, f"{i.code} {i.item}") for i in rules.catalogue_items(category.code)]
        if items:
            groups.append((f"{special} · {category.code} {category.name}", items))
    equipment = str(CertificateKind.EQUIPMENT_OPERATOR.label)
    by_category: dict[str, list] = {}
    for item in rules.EQUIPMENT_OPERATOR_ITEMS:
        by_category.setdefault(item.category, []).append((item.code, f"{item.code} {item.name}"))
    groups.extend((f"{equipment} · {category}", items) for category, items in by_category.items())
    groups.append((str(CertificateKind.SAFETY_QUALIFICATION.label), [(str(k), str(k.label)) for k in SAFETY_ITEMS]))
    return groups


class ItemChoiceField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", _("请选择作业类别（项目）")), *item_groups()],
                         widget=forms.Select(attrs=SELECT), **kwargs)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("证书类别"), choices=[("", _("请选择证书类别")), *CertificateKind.choices],
                             widget=forms.Select(attrs=SELECT))
    item_code = ItemChoiceField(label=_("作业类别（项目）"),
                                help_text=_("特种作业按《特种作业目录》，特种设备作业按 TSG Z6001-2019 的作业项目；"
                                            "考核合格证选持证人的类别。"))
    number = forms.CharField(label=_("证书编号"), max_length=60, widget=forms.TextInput(attrs={**TEXT,
                             "autocomplete": "off"}),
                             help_text=_("以身份证号码为证号的，须与持证人的身份证号码一致。"))
    issuer = forms.CharField(label=_("发证机关"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    issued_on = DateField(label=_("初领（发证）日期"))
    valid_until = DateField(label=_("有效期至"), required=False,
                            help_text=_("以证面日期为准；留空按证书类别的有效期（特种作业6年、考核合格证3年、"
                                        "特种设备作业人员证4年）计算。"))
    extended_review = forms.BooleanField(
        label=_("复审周期延长为6年（连续从事本工种10年以上，经发证机关同意；仅特种作业操作证）"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class CertificateEditForm(forms.Form):
    item_code = ItemChoiceField(label=_("作业类别（项目）"))
    number = forms.CharField(label=_("新证书编号"), max_length=60, required=False,
                             widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}),
                             help_text=_("留空表示不修改证书编号。"))
    issuer = forms.CharField(label=_("发证机关"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    issued_on = DateField(label=_("初领（发证）日期"), help_text=_("已登记复审的证书不能再更正日期。"))
    valid_until = DateField(label=_("有效期至"), required=False)
    extended_review = forms.BooleanField(
        label=_("复审周期延长为6年（连续从事本工种10年以上，经发证机关同意；仅特种作业操作证）"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    @classmethod
    def initial_for(cls, cert) -> dict:
        return {"item_code": cert.item_code, "issuer": cert.issuer, "issued_on": cert.issued_on,
                "valid_until": cert.valid_until, "extended_review": cert.extended_review}

    def service_data(self, has_reviews: bool) -> dict:
        data = dict(self.cleaned_data)
        if has_reviews:  # the date fields are shown read-only then; keep what is stored
            data.pop("issued_on", None)
            data.pop("valid_until", None)
        return data


RESULT_CHOICES = [("passed", _("合格")), ("failed", _("不合格"))]


class ReviewForm(forms.Form):
    reviewed_on = DateField(label=_("复审日期"))
    result = forms.ChoiceField(label=_("复审结论"), choices=RESULT_CHOICES, initial="passed",
                               widget=forms.Select(attrs=SELECT))
    valid_until = DateField(label=_("延续后有效期至"), required=False,
                            help_text=_("延期复审（换证）时填写新的有效期截止日；有效期内的复审留空。"))
    note = forms.CharField(label=_("备注"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"reviewed_on": d["reviewed_on"], "passed": d["result"] == "passed",
                "valid_until": d.get("valid_until"), "note": d.get("note", "")}


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("注销原因"), max_length=300, widget=forms.TextInput(attrs=TEXT))
