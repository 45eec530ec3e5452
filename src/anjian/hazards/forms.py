"""Forms of the hazard pages. They only parse input; the services validate and write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import User
from anjian.hazards.choices import HazardCategory, HazardGrade, HazardRoute, ProductionStop


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several images from one input (on a phone: the camera or the gallery)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _text(label, rows=3, required=False, **kw):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}), **kw
    )


def _char(label, required=False, **kw):
    return forms.CharField(
        label=label, required=required, widget=forms.TextInput(attrs={"class": "form-control"}), **kw
    )


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class ReportForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("企业"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    location = _char(_("隐患部位"), required=True, max_length=200)
    description = _text(_("隐患描述"), rows=4, required=True)
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices, widget=forms.RadioSelect)
    route = forms.ChoiceField(label=_("发现途径"), choices=(), widget=forms.Select(attrs={"class": "form-select"}))
    found_at = forms.DateTimeField(
        label=_("发现时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
    )
    source_reference = _char(_("检查记录或文书编号（可选）"), max_length=100)
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    photos = PhotosField(label=_("现场照片"))

    def __init__(self, *args, enterprises, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["route"].choices = [(r, HazardRoute(r).label) for r in routes]
        self.fields["photos"].widget.attrs["capture"] = "environment"
        if not self.is_bound:
            self.initial.setdefault("found_at", timezone.localtime().replace(second=0, microsecond=0))


class ConfirmForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("隐患等级"), choices=HazardGrade.choices, widget=forms.RadioSelect, initial=HazardGrade.GENERAL
    )
    criterion_code = forms.ChoiceField(
        label=_("重大隐患判定标准条目"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    basis = _text(_("判定依据（无适用标准时填写）"), rows=2)
    reason = _text(_("说明"), rows=2)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion_code"].choices = [("", _("—— 一般隐患无需选择 ——"))] + [
            (c.code, label) for c, label in criteria
        ]


class ReasonForm(forms.Form):
    reason = _text(_("理由或说明"), required=True)


class NoteForm(forms.Form):
    note = _text(_("情况说明"), required=True)


class PlanForm(forms.Form):
    measures = _text(_("整改措施"))
    responsible_name = _char(_("整改责任人"), max_length=50)
    responsible_user = forms.ModelChoiceField(
        label=_("整改责任人账号（接收提醒）"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    funds = forms.DecimalField(
        label=_("整改资金（万元）"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    deadline = _date(_("整改期限"))
    contingency_plan = _text(_("应急预案"), rows=2)
    plan_goals = _text(_("治理的目标和任务"), rows=2)
    plan_safety_measures = _text(_("治理期间的安全措施"), rows=2)
    production_stop = forms.ChoiceField(
        label=_("停产停业范围"),
        required=False,
        choices=[("", "—")] + ProductionStop.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    report_state_cause = _text(_("隐患的现状及其产生原因"), rows=2)
    report_harm_difficulty = _text(_("隐患的危害程度和整改难易程度分析"), rows=2)

    MAJOR_ONLY = (
        "plan_goals",
        "plan_safety_measures",
        "production_stop",
        "report_state_cause",
        "report_harm_difficulty",
    )

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = User.objects.filter(
            enterprise_id=hazard.enterprise_id, is_active=True
        )
        if not hazard.is_major:
            for name in self.MAJOR_ONLY:
                del self.fields[name]
            self.fields["funds"].help_text = _("一般隐患可不填")
            self.fields["contingency_plan"].help_text = _("一般隐患可不填")


class ControlForm(forms.Form):
    reason = _text(_("短期内难以整改的原因"), required=True, rows=2)
    contingency_plan = _text(_("应急预案"), required=True, rows=2)
    monitoring_measures = _text(_("监控措施"), required=True, rows=2)
    checkin_interval_days = forms.IntegerField(
        label=_("管控检查间隔（天）"),
        min_value=1,
        max_value=90,
        initial=7,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class SubmitForm(forms.Form):
    note = _text(_("整改完成情况"), required=True, rows=4)
    photos = PhotosField(label=_("整改后照片"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs["capture"] = "environment"


class VerifyForm(forms.Form):
    note = _text(_("验收意见"), rows=2)
    close_out_document = _char(_("销号文号（重大隐患必填）"), max_length=100)


class ExtensionForm(forms.Form):
    new_deadline = _date(_("延期至"), required=True)
    reason = _text(_("延期理由"), required=True, rows=2)


class DecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("1", _("同意延期")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = _text(_("审批意见"), rows=2)


class ListingForm(forms.Form):
    document_number = _char(_("督办文号"), required=True, max_length=100)
    deadline = _date(_("督办期限"), required=True)
    government_contact = _char(_("政府督办责任人"), required=True, max_length=100)
    publicly_announced = forms.BooleanField(
        label=_("向社会公告"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )


class PhotosForm(forms.Form):
    photos = PhotosField(label=_("补充照片"), required=True)
