"""Page forms for inspections and checklist templates. They only parse; the services validate and write."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.hazards.choices import HazardCategory, HazardGrade
from anjian.hazards.forms import PhotosField
from anjian.inspections.choices import Audience, InspectionKind, ItemResult


class BootstrapForm(forms.Form):
    """Gives each widget its Bootstrap class, so templates can render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.HiddenInput)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class PlanForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("检查类别"))
    template = forms.ModelChoiceField(queryset=None, label=_("检查表"), empty_label=None)
    members = forms.ModelMultipleChoiceField(
        queryset=None, label=_("其他检查人员"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    partners = forms.ModelMultipleChoiceField(queryset=None, label=_("联合检查部门"), required=False)
    planned_date = forms.DateField(
        label=_("计划检查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    campaign = forms.CharField(label=_("专项名称"), required=False, max_length=100)

    def __init__(self, *args, kinds, templates, members, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, InspectionKind(k).label) for k in kinds]
        self.fields["template"].queryset = templates
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda u: gettext("{name}（{role}）").format(
            name=u.display_name, role=u.get_role_display()
        )
        self.fields["partners"].queryset = partners
        if not members.exists():
            del self.fields["members"]
        if not partners.exists():
            del self.fields["partners"]


class StartForm(BootstrapForm):
    location = forms.CharField(label=_("检查地点"), required=False, max_length=200)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)


class AnswerForm(BootstrapForm):
    result = forms.ChoiceField(
        label=_("检查结果"),
        choices=[
            (ItemResult.COMPLIANT, ItemResult.COMPLIANT.label),
            (ItemResult.NON_COMPLIANT, ItemResult.NON_COMPLIANT.label),
            (ItemResult.NOT_APPLICABLE, ItemResult.NOT_APPLICABLE.label),
        ],
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    note = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 1, "class": "form-control form-control-sm", "placeholder": _("情况说明（可选）")}
        ),
    )


class PhotosForm(BootstrapForm):
    photos = PhotosField(label=_("照片"))


class ToHazardForm(BootstrapForm):
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices, initial=HazardCategory.MANAGEMENT)
    location = forms.CharField(
        label=_("隐患部位"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("不填则用检查项所在分组")}),
    )
    grade = forms.ChoiceField(
        label=_("当场定级"), required=False, choices=[("", _("暂不定级（由企业确认）")), *HazardGrade.choices]
    )


class CompleteForm(BootstrapForm):
    summary = forms.CharField(label=_("检查情况小结"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(BootstrapForm):
    password = forms.CharField(
        label=_("请再次输入您的密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EnterpriseSignForm(BootstrapForm):
    username = forms.CharField(label=_("被检查单位负责人用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class RefuseForm(BootstrapForm):
    representative_name = forms.CharField(label=_("拒签人姓名"), max_length=50)
    reason = forms.CharField(label=_("拒签原因"), max_length=200)
    witness_name = forms.CharField(label=_("见证人"), required=False, max_length=50)


class TextForm(BootstrapForm):
    text = forms.CharField(label=_("补充更正内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("原因"), max_length=500)


class TemplateForm(BootstrapForm):
    title = forms.CharField(label=_("名称"), max_length=200)
    theme = forms.CharField(label=_("主题"), required=False, max_length=100)
    sectors = forms.MultipleChoiceField(
        label=_("适用行业（不选为全部行业）"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("用途"), choices=Audience.choices)


class TemplateCopyForm(BootstrapForm):
    code = forms.CharField(label=_("代码（小写字母、数字、下划线）"), required=False, max_length=41)
    title = forms.CharField(label=_("名称"), required=False, max_length=200)


class TemplateItemForm(BootstrapForm):
    section = forms.CharField(label=_("分组"), required=False, max_length=100)
    requirement = forms.CharField(label=_("检查内容"), widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label=_("依据"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    criterion_code = forms.CharField(label=_("重大事故隐患判定标准条目代码"), required=False, max_length=40)
    position = forms.IntegerField(label=_("序号"), required=False, min_value=1, max_value=10_000)
