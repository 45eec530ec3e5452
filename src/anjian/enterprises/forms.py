"""Forms of the enterprise file. They parse input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.core.queries import grids_visible_to, townships_visible_to
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import EDITABLE_FIELDS, SELF_EDITABLE_FIELDS


class _ServiceValidatedModelForm(forms.ModelForm):
    """A ModelForm whose model-level checks (uniqueness, constraints) are left to the service."""

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "sectors"}


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseForm(_ServiceValidatedModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("监管行业"), choices=Sector.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Enterprise
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "licence_valid_from": _DATE,
            "licence_valid_until": _DATE,
            "standardization_expiry": _DATE,
            "address": forms.TextInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = townships_visible_to(user).order_by("code")
        self.fields["grid"].queryset = grids_visible_to(user).order_by("region_code", "name")
        self.fields["uscc"].required = False
        self.fields["uscc"].help_text = _("18 位；仅无证无照单位可暂缺")
        if self.instance.pk:
            self.initial.setdefault("sectors", self.instance.sector_codes)
        for name, field in self.fields.items():
            if isinstance(field.widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                field.widget.attrs.setdefault("class", "form-check-input")
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")


class EnterpriseSelfForm(_ServiceValidatedModelForm):
    """What an enterprise's own principal or safety manager may keep current."""

    class Meta:
        model = Enterprise
        fields = [f for f in EDITABLE_FIELDS if f in SELF_EDITABLE_FIELDS]
        widgets = {"address": forms.TextInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        return f
