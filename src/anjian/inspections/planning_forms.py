"""Page forms of planning: plans and their lines, random draws, credentials, recusals. They only parse; the
services in ``anjian.inspections.planning`` validate and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import Sector
from anjian.enterprises.choices import SupervisionClass
from anjian.inspections.choices import InspectionKind
from anjian.inspections.forms import BootstrapForm
from anjian.inspections.planning import DRAW_KINDS, MAX_DRAW_ENTERPRISES, MAX_INSPECTORS_PER_INSPECTION
from anjian.rules import uscc as uscc_rules
from anjian.rules.inspection_policy import MIN_ENFORCEMENT_INSPECTORS


def _date(label, required=False):
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class PlanForm(BootstrapForm):
    year = forms.IntegerField(label=_("年度"))
    title = forms.CharField(label=_("计划名称"), required=False, max_length=200,
                            help_text=_("留空则按“机构＋年度”命名。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class TargetForm(BootstrapForm):
    """One line of a plan. A line whose planned count is empty is left out (the blank rows of the editor)."""

    sector = forms.ChoiceField(label=_("监管行业"), required=False)
    supervision_class = forms.ChoiceField(
        label=_("监管分类"), required=False, choices=[("", _("全部分类")), *SupervisionClass.choices]
    )
    planned = forms.IntegerField(label=_("计划检查家数"), required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args, sectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [(s, Sector(s).label) for s in sectors] if sectors else list(Sector.choices)
        self.fields["sector"].choices = [("", _("全部行业")), *allowed]


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, sectors=None, **kwargs):
        self.sectors = sectors
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "sectors": self.sectors}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, sectors=self.sectors, renderer=self.renderer)
        self.add_fields(form, None)
        return form

    def targets(self) -> list[dict]:
        return [
            {"sector": f.cleaned_data.get("sector") or "", "supervision_class": f.cleaned_data.get("supervision_class")
             or "", "planned": f.cleaned_data["planned"]}
            for f in self.forms
            if f.cleaned_data.get("planned") is not None
        ]


TargetFormSet = forms.formset_factory(TargetForm, formset=BaseTargetFormSet, extra=3, max_num=60,
                                      validate_max=True)


class DrawForm(BootstrapForm):
    title = forms.CharField(label=_("抽查名称"), max_length=200)
    kind = forms.ChoiceField(label=_("检查类别"), choices=[(k, InspectionKind(k).label) for k in DRAW_KINDS])
    sectors = forms.MultipleChoiceField(label=_("监管行业（不选为全部）"), required=False, choices=Sector.choices,
                                        widget=forms.CheckboxSelectMultiple)
    classes = forms.MultipleChoiceField(label=_("监管分类（不选为全部）"), required=False,
                                        choices=SupervisionClass.choices, widget=forms.CheckboxSelectMultiple)
    region = forms.ChoiceField(label=_("区域"), required=False)
    enterprise_count = forms.IntegerField(label=_("抽取企业数"), min_value=1, max_value=MAX_DRAW_ENTERPRISES)
    inspectors_per_inspection = forms.IntegerField(
        label=_("每组执法人员数"), min_value=MIN_ENFORCEMENT_INSPECTORS.value,
        max_value=MAX_INSPECTORS_PER_INSPECTION, initial=MIN_ENFORCEMENT_INSPECTORS.value,
        help_text=_("行政处罚法第四十二条：执法人员不得少于两人。"),
    )
    planned_date = _date(_("计划检查日期"))
    template = forms.ModelChoiceField(label=_("检查表"), queryset=None, required=False,
                                      empty_label=_("按企业行业自动选用"))
    seed = forms.CharField(label=_("随机种子"), required=False, max_length=64,
                           help_text=_("留空由系统随机生成；填写则可事先公布种子。"))

    def __init__(self, *args, regions, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部区域")), *((r.code, r.name) for r in regions)]
        self.fields["template"].queryset = templates

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"], "kind": d["kind"], "enterprise_count": d["enterprise_count"],
            "inspectors_per_inspection": d["inspectors_per_inspection"], "planned_date": d["planned_date"],
            "template": d["template"], "seed": d["seed"],
            "filters": {"sectors": d["sectors"], "classes": d["classes"], "region": d["region"]},
        }


class CredentialForm(BootstrapForm):
    user = forms.ModelChoiceField(label=_("执法人员"), queryset=None)
    number = forms.CharField(label=_("执法证号"), max_length=40)
    issuer = forms.CharField(label=_("发证机关"), required=False, max_length=100)
    valid_from = _date(_("有效期起"), required=True)
    valid_until = _date(_("有效期止"), required=True)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = holders
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.get_role_display()}）"


class RecusalForm(BootstrapForm):
    """The enterprise is named by its credit code or its exact name (a pick-list of a county is too long)."""

    user = forms.ModelChoiceField(label=_("执法人员"), queryset=None, empty_label=None)
    enterprise = forms.CharField(label=_("企业（统一社会信用代码或全称）"), max_length=200)
    reason = forms.CharField(label=_("回避理由"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("如：近亲属任该企业负责人")}))

    def __init__(self, *args, subjects, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises
        self.fields["user"].queryset = subjects
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.get_role_display()}）"

    def clean_enterprise(self):
        value = self.cleaned_data["enterprise"].strip()
        if value.isdigit() and len(value) < 10:
            found = list(self.enterprises.filter(pk=int(value))[:2])
        else:
            code = uscc_rules.normalize(value)
            found = list(self.enterprises.filter(Q(uscc=code) | Q(name=value))[:2])
        if not found:
            raise ValidationError(_("您的管辖范围内没有这家企业。"), code="not_found")
        if len(found) > 1:
            raise ValidationError(_("同名企业不止一家，请填写统一社会信用代码。"), code="ambiguous")
        return found[0]
