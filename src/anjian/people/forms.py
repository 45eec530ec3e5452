"""Forms of the employee and training pages. They only parse input; the services validate and write, and their
field errors come back onto these forms (``apply_service_errors``). Numbers (hours, scores) are read as text so the
services answer a bad one with their own message and code."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.people.choices import EmploymentType, Gender, PersonKind, TrainingKind, TrainingResult

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
MOMENT_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?", re.ASCII)


def _typed(value) -> str | None:
    return value.strip() if isinstance(value, str) else None


class DateField(forms.DateField):
    """YYYY-MM-DD as a date input sends it (ASCII digits); "2026-13-45" is "请输入一个有效的日期。"."""

    widget = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")

    def to_python(self, value):
        text = _typed(value)
        if text and not DATE_SHAPE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text if text is not None else value)


class MomentField(forms.DateTimeField):
    """A date and a time of day as a datetime-local input sends them (a date alone is not taken as midnight)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format=MOMENT_FORMAT)

    def to_python(self, value):
        text = _typed(value)
        if text and not MOMENT_SHAPE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return super().to_python(text if text is not None else value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _char(label, required=False, max_length=None, help_text="", **attrs):
    # The services check lengths and blanks with their own codes; max_length here only bounds the input box.
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.TextInput(attrs={"class": "form-control", **attrs}))


def _select(label, choices, required=True, blank=None):
    if blank is not None:
        choices = [("", blank), *choices]
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "form-select"}))


class EmployeeForm(forms.Form):
    """Registration (all fields) or correction (``editing``: the ID number and phone blank keep the stored ones;
    the post, workshop and team change through the post-change form)."""

    enterprise = forms.ModelChoiceField(label=_("所在单位"), queryset=None, required=True,
                                        widget=forms.Select(attrs={"class": "form-select"}))
    name = _char(_("姓名"), required=False, max_length=60, autocomplete="off")
    id_number = _char(_("身份证号码"), max_length=40, autocomplete="off", inputmode="text",
                      help_text=_("18位公民身份号码，按 GB 11643 校验位核验；加密保存，页面只显示掩码。"))
    phone = _char(_("联系电话"), max_length=40, autocomplete="off", inputmode="tel",
                  help_text=_("手机号码11位，座机可带区号；加密保存。"))
    gender = _select(_("性别"), Gender.choices, required=False, blank=_("按身份证号码确定"))
    person_kind = _select(_("人员类别"), PersonKind.choices)
    employment_type = _select(_("用工形式"), EmploymentType.choices)
    employer_name = _char(_("派遣单位、承包单位或学校"), max_length=220,
                          help_text=_("劳务派遣人员、承包商人员、实习学生须填写。"))
    department = _char(_("车间（部门）"), max_length=120)
    team = _char(_("班组"), max_length=120)
    post = _char(_("岗位"), max_length=120)
    hired_on = DateField(label=_("入职（进场）日期"), required=False)
    note = forms.CharField(label=_("备注"), required=False, max_length=520,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    clear_phone = forms.BooleanField(label=_("删除已登记的联系电话"), required=False,
                                     widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, enterprises=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing or enterprises is None:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = enterprises
            self.fields["enterprise"].empty_label = _("请选择单位")
            self.fields["enterprise"].error_messages["invalid_choice"] = _("单位不存在或不在您的管辖范围内。")
        if editing:
            for name in ("post", "department", "team"):
                del self.fields[name]
            self.fields["id_number"].help_text = _("不修改请留空；填写即更正为新的号码。")
            self.fields["phone"].help_text = _("不修改请留空。")
        else:
            del self.fields["clear_phone"]

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("enterprise", None)
        if self.editing:
            clear = d.pop("clear_phone", False)
            if not d.get("id_number"):
                d.pop("id_number", None)
            if clear:
                d["phone"] = ""
            elif not d.get("phone"):
                d.pop("phone", None)
        return d


class PostChangeForm(forms.Form):
    post = _char(_("新岗位"), max_length=120)
    department = _char(_("车间（部门）"), max_length=120)
    team = _char(_("班组"), max_length=120)
    started_on = DateField(label=_("任职日期"), required=False,
                           help_text=_("原岗位至前一日止；调岗后须重新进行车间级和班组级安全培训。"))


class LeaveForm(forms.Form):
    left_on = DateField(label=_("离职日期"), required=False)


class AbsenceForm(forms.Form):
    left_on = DateField(label=_("离岗日期"), required=False)
    returned_on = DateField(label=_("返岗日期"), required=False, help_text=_("尚未返岗请留空。"))
    reason = _char(_("离岗原因"), max_length=220)


class AbsenceReturnForm(forms.Form):
    returned_on = DateField(label=_("返岗日期"), required=False,
                            help_text=_("离岗一年以上返岗的，须重新进行车间级和班组级安全培训。"))


class SessionForm(forms.Form):
    kind = _select(_("培训类别"), TrainingKind.choices, required=False, blank=_("请选择"))
    title = _char(_("培训主题"), max_length=220)
    content = forms.CharField(label=_("培训内容"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    trainer = _char(_("授课人"), max_length=120)
    organiser = _char(_("组织单位"), max_length=220)
    place = _char(_("培训地点"), max_length=220)
    starts_at = MomentField(label=_("开始时间"), required=False)
    ends_at = MomentField(label=_("结束时间"), required=False)
    hours = _char(_("学时"), max_length=20, inputmode="decimal",
                  help_text=_("大于0，最多1位小数；按每学时不少于45分钟计，不超过培训时长。"))
    has_exam = forms.BooleanField(label=_("有考核"), required=False, initial=True,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


RESULT_CHOICES = TrainingResult.choices


def participants_from_post(post, employees) -> tuple[list[dict], dict[int, dict]]:
    """The participants ticked in the picker (``p_<id>``, ``result_<id>``, ``score_<id>``, ``hours_<id>``) among
    ``employees``, as the service takes them, and what each row of the picker shows again."""
    chosen, rows = [], {}
    for e in employees:
        ticked = post.get(f"p_{e.pk}") in ("on", "1", "true")
        row = {
            "ticked": ticked,
            "result": str(post.get(f"result_{e.pk}", ""))[:20],
            "score": str(post.get(f"score_{e.pk}", ""))[:20],
            "hours": str(post.get(f"hours_{e.pk}", ""))[:20],
        }
        rows[e.pk] = row
        if ticked:
            chosen.append({"employee": e, "result": row["result"], "score": row["score"], "hours": row["hours"]})
    return chosen, rows
