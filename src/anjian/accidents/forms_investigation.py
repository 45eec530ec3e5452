"""Forms of the investigation panel. They only parse input; ``investigation.py`` validates and writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import MemberRole, PenaltyMeasure, PenaltyTarget
from anjian.accidents.forms import DateField, IntegerField
from anjian.accidents.models import Investigation
from anjian.hazards.choices import HazardCategory
from anjian.rules import accidents as rules


def _text(label, rows=3, required=False, **kw):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}), **kw
    )


def _char(label, required=False, **kw):
    return forms.CharField(label=label, required=required, widget=forms.TextInput(attrs={"class": "form-control"}),
                           **kw)


def _date(label, required=False, today=False):
    return DateField(
        label=label,
        required=required,
        initial=timezone.localdate if today else None,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _int(label, required=False, **kw):
    return IntegerField(label=label, required=required, widget=forms.NumberInput(attrs={"class": "form-control"}),
                        **kw)


def _select(label, choices, required=True):
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "form-select"}))


def _check(label):
    return forms.BooleanField(
        label=label, required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )


class OpenForm(forms.Form):
    team_name = _char(_("事故调查组名称"), max_length=200)
    formed_on = _date(_("调查组成立日期"), today=True)
    entrusted_to_unit = _check(_("委托事故发生单位组织调查（仅限未造成人员伤亡的一般事故，条例第十九条第三款）"))
    leader_name = _char(_("组长姓名（可稍后指定）"), max_length=50)
    leader_organisation = _char(_("组长单位"), max_length=100)
    leader_position = _char(_("组长职务"), max_length=100)

    def __init__(self, *args, entrust_allowed=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not entrust_allowed:
            del self.fields["entrusted_to_unit"]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        members = []
        if d.get("leader_name") or d.get("leader_organisation"):
            members.append({"role": MemberRole.LEADER, "name": d.get("leader_name", ""),
                            "organisation": d.get("leader_organisation", ""),
                            "position": d.get("leader_position", "")})
        return {"team_name": d.get("team_name", ""), "formed_on": d.get("formed_on"),
                "entrusted_to_unit": bool(d.get("entrusted_to_unit")), "members": members}


class MemberForm(forms.Form):
    role = _select(_("组内职务"), MemberRole.choices)
    name = _char(_("姓名"), max_length=50)
    organisation = _char(_("单位"), max_length=100)
    position = _char(_("职务"), max_length=100)


class ExtendForm(forms.Form):
    days = _int(_("延长天数"), min_value=1, max_value=rules.INVESTIGATION_MAX_EXTENSION,
                help_text=_("最长不超过60日（条例第二十九条），只能延长一次。"))
    reason = _text(_("延长理由"), rows=2)
    approved_by = _char(_("批准延长的人民政府"), max_length=100)


class AppraisalStartForm(forms.Form):
    reason = _char(_("鉴定事项"), max_length=200)
    started_on = _date(_("鉴定开始日期"), today=True)


class AppraisalEndForm(forms.Form):
    ended_on = _date(_("鉴定结束日期"), today=True)


class ReportForm(forms.Form):
    """The six parts of 第三十条; a save keeps what is left as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part in Investigation.REPORT_PARTS:
            self.fields[part] = _text(Investigation._meta.get_field(part).verbose_name, rows=4)


class SubmitForm(forms.Form):
    submitted_on = _date(_("调查报告提交日期"), today=True)


class ReplyForm(forms.Form):
    document = _char(_("批复文号"), max_length=100)
    authority = _char(_("批复机关"), max_length=100)
    replied_on = _date(_("批复日期"), today=True)
    summary = _text(_("批复要点"), rows=3)
    extension_days = _int(_("批复延长天数（特别重大事故，最长30日）"), min_value=0)

    def __init__(self, *args, extension_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not extension_allowed:
            del self.fields["extension_days"]


class PublishForm(forms.Form):
    published_on = _date(_("公布日期"), today=True)
    publication = _char(_("公布途径（如政府网站网址）"), max_length=300)


class PenaltyForm(forms.Form):
    target = _select(_("处理对象"), PenaltyTarget.choices)
    person_name = _char(_("责任人或单位名称"), max_length=200)
    measure = _select(_("处理方式"), PenaltyMeasure.choices)
    amount_yuan = _int(_("罚款金额（元）"), help_text=_("仅罚款填写，单位：元。"))
    last_year_income_yuan = _int(_("上一年年收入（元）"), help_text=_("对主要负责人罚款时必填。"))
    aggravated = _check(_("情节特别严重、影响特别恶劣（对单位，第一百一十四条第二款）"))
    document_number = _char(_("决定文号"), max_length=100)
    decided_on = _date(_("决定日期"))
    note = _text(_("说明"), rows=2)


class MeasureForm(forms.Form):
    description = _text(_("整改措施"), rows=2)
    responsible = _char(_("责任单位或责任人"), max_length=100)
    deadline = _date(_("完成期限"))
    as_hazard = _check(_("作为隐患跟踪（在事故单位登记隐患，闭环后视为落实）"))
    category = _select(_("隐患类别"), HazardCategory.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].initial = HazardCategory.MANAGEMENT


class MeasureCompleteForm(forms.Form):
    done_on = _date(_("落实日期"), today=True)
    note = _char(_("落实情况"), max_length=5000)


class ListingForm(forms.Form):
    document_number = _char(_("督办文号"), max_length=100)
    deadline = _date(_("督办期限"))
    requirements = _text(_("督办要求"), rows=2)


class LiftForm(forms.Form):
    lift_document = _char(_("摘牌文号"), max_length=100)


class CloseForm(forms.Form):
    note = _text(_("结案说明"), rows=2)

    def __init__(self, *args, near_miss=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not near_miss:
            evidence = {code: _text(label, rows=2) for code, label in rules.FOUR_NOT_LET_GO.items()}
            for code, field in evidence.items():
                field.help_text = _("落实证据：文书编号、情况说明等。")
                self.fields[code] = field
            self.order_fields([*rules.FOUR_NOT_LET_GO, "note"])
        else:
            self.fields["note"].label = _("结案说明（必填）")

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        evidence = {code: d.get(code, "") for code in rules.FOUR_NOT_LET_GO if code in self.fields}
        return {"evidence": evidence, "note": d.get("note", "")}
