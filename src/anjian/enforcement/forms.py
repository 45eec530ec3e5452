"""Forms of the enforcement pages. They only parse input; the services validate and write."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import User
from anjian.enforcement.choices import (
    MEASURE_TEXT,
    ONSITE_MEASURES,
    CoerciveMeasure,
    FineStage,
    HearingOutcome,
    NextAction,
    Party,
    ServiceMethod,
)
from anjian.enforcement.permissions import DRAFTERS
from anjian.rules import violations


def _text(label, rows=3, required=False, **kw):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}), **kw
    )


def _char(label, required=False, **kw):
    return forms.CharField(label=label, required=required, widget=forms.TextInput(attrs={"class": "form-control"}),
                           **kw)


def _date(label, required=False):
    return forms.DateField(
        label=label, required=required,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _int(label, required=False, **kw):
    return forms.IntegerField(label=label, required=required, widget=forms.NumberInput(attrs={"class": "form-control"}),
                              **kw)


def _select(label, choices, required=True, **attrs):
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "form-select", **attrs}))


# --- steps -------------------------------------------------------------------------------------------------------


class ServeForm(forms.Form):
    served_at = forms.DateTimeField(
        label=_("送达时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
    )
    method = _select(_("送达方式"), ServiceMethod.choices)
    recipient = _char(_("受送达人（签收人）"), required=True, max_length=100)
    note = _char(_("送达说明（留置送达写明拒收情况和见证人）"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("served_at", timezone.localtime().replace(second=0, microsecond=0))


class ReasonForm(forms.Form):
    reason = _text(_("理由"), required=True, rows=2)


class NoteForm(forms.Form):
    note = _text(_("说明"), rows=2)


# --- drafting ----------------------------------------------------------------------------------------------------


class FindingForm(forms.Form):
    description = _text(_("问题"), rows=2)
    basis = _char(_("依据"), max_length=500)


FindingFormSet = forms.formset_factory(FindingForm, extra=2)


class ResultForm(forms.Form):
    no = forms.IntegerField(widget=forms.HiddenInput)
    rectified = forms.TypedChoiceField(
        label=_("整改情况"), choices=[("1", _("已整改")), ("0", _("未整改"))], coerce=lambda v: v == "1",
        widget=forms.RadioSelect, empty_value=None,
    )
    note = _char(_("说明"), max_length=1000)


ResultFormSet = forms.formset_factory(ResultForm, extra=0)


class SeizedItemForm(forms.Form):
    name = _char(_("名称"), max_length=200)
    spec = _char(_("规格型号"), max_length=200)
    quantity = _char(_("数量"), max_length=50)
    location = _char(_("存放地点"), max_length=200)


SeizedItemFormSet = forms.formset_factory(SeizedItemForm, extra=3)


class OfficersMixin(forms.Form):
    inspectors = forms.ModelMultipleChoiceField(
        label=_("执法人员（不选则为检查组或起草人）"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.authority_id:
            self.fields["inspectors"].queryset = User.objects.filter(
                authority_id=user.authority_id, role__in=sorted(DRAFTERS), is_active=True
            ).order_by("full_name", "username")


class EnterpriseMixin(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("当事人（企业）"), queryset=None, required=False,
                                        widget=forms.Select(attrs={"class": "form-select"}))


class InspectionRecordForm(forms.Form):
    """Nothing to fill in: the record is the inspection's."""


class RectificationOrderForm(forms.Form):
    deadline = _date(_("整改期限（到期复查）"), required=True)
    requirements = _text(_("整改要求"), rows=2)


class ReviewOpinionForm(OfficersMixin):
    review_date = _date(_("复查日期"), required=True)
    opinion = _text(_("复查意见"), rows=3)
    next_action = _select(_("复查不合格时的下一步"), NextAction.choices, required=False)


class OnsiteMeasuresForm(EnterpriseMixin, OfficersMixin):
    measures = forms.MultipleChoiceField(
        label=_("现场处理措施"), required=False, choices=[(str(m), m) for m in ONSITE_MEASURES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    other_measures = _text(_("其他措施（每行一项）"), rows=2)
    legal_basis = _char(_("法律依据"), max_length=500)
    resume_condition = _text(_("恢复生产经营的条件"), rows=2)


class CoerciveMeasuresForm(EnterpriseMixin, OfficersMixin):
    measure = forms.ChoiceField(label=_("强制措施"), choices=CoerciveMeasure.choices, widget=forms.RadioSelect,
                                required=False)
    reason = _text(_("理由（经查……）"), rows=3)
    start_date = _date(_("开始日期"))
    period_days = _int(_("期限（日，不超过30日）"), min_value=1)
    legal_basis = _char(_("法律依据"), max_length=500)


class NoticeForm(forms.Form):
    facts = _text(_("违法事实"), rows=4, required=True)
    evidence = _text(_("证据"), rows=2)
    contact = _char(_("本机关联系方式"), max_length=200)


class DecisionForm(forms.Form):
    facts = _text(_("违法事实"), rows=4, required=True)
    evidence = _text(_("证据"), rows=2)
    statement_summary = _text(_("陈述、申辩情况"), rows=2)
    hearing_summary = _text(_("听证情况"), rows=2)
    payment_place = _char(_("罚款缴纳地点（不填：指定银行或电子支付系统）"), max_length=200)
    review_body = _char(_("行政复议机关"), required=True, max_length=100)
    court = _char(_("人民法院"), required=True, max_length=100)


def crime_choices():
    return [("", _("—— 不涉及刑法条款 ——"))] + [
        (ref.code, f"{ref.article}{ref.item}：{ref.text[:40]}……") for ref in violations.CRIME_REFERENCES
    ]


class ReferralForm(EnterpriseMixin, OfficersMixin):
    receiver = _char(_("接收机关"), required=True, max_length=100)
    reason = _text(_("移送理由"), rows=2, required=True)
    facts = _text(_("违法事实"), rows=4)
    crime_reference = _select(_("涉嫌触犯的刑法条款"), (), required=False)
    materials = _text(_("移送材料（每行一项）"), rows=4)
    contact = _char(_("联系人及联系方式"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crime_reference"].choices = crime_choices()


# --- cases -------------------------------------------------------------------------------------------------------


class CaseForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("当事人（企业）"), queryset=None,
                                        widget=forms.Select(attrs={"class": "form-select"}))
    cause = _char(_("案由"), required=True, max_length=200)
    facts = _text(_("违法事实"), rows=3)
    evidence = _text(_("证据"), rows=2)
    opened_on = _date(_("立案日期"))


class CaseUpdateForm(forms.Form):
    cause = _char(_("案由"), required=True, max_length=200)
    facts = _text(_("违法事实"), rows=3)
    evidence = _text(_("证据"), rows=2)


def violation_choices(day):
    groups: dict[str, list] = {}
    for v in violations.in_force(day):
        groups.setdefault(v.penalty_article, []).append((v.code, violations.label(v)))
    return [("", _("—— 从违法行为库中选择 ——"))] + list(groups.items())


class ItemForm(forms.Form):
    violation_code = forms.ChoiceField(label=_("违法行为"), choices=(),
                                       widget=forms.Select(attrs={"class": "form-select"}))
    party = forms.ChoiceField(label=_("被处罚人类别"), choices=Party.choices, initial=Party.UNIT,
                              widget=forms.Select(attrs={"class": "form-select"}))
    party_name = _char(_("被处罚人"), required=True, max_length=100)
    stage = forms.ChoiceField(label=_("适用情形"), choices=FineStage.choices, initial=FineStage.IMMEDIATE,
                              widget=forms.Select(attrs={"class": "form-select"}))
    amount = _int(_("罚款（元）"), min_value=0)
    illegal_gains = _int(_("违法所得（元，按违法所得计罚时填写）"), min_value=0)
    last_year_income = _int(_("上一年年收入（元，按收入比例计罚时填写）"), min_value=0)
    aggravated = forms.BooleanField(label=_("情节特别严重、影响特别恶劣（第一百一十四条第二款）"), required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    measures = forms.MultipleChoiceField(
        label=_("其他处罚"), required=False, choices=list(MEASURE_TEXT.items()),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_code"].choices = violation_choices(day or timezone.localdate())
        # The picker shows the article and its fines as soon as a violation is chosen (htmx, no inline script).
        self.fields["violation_code"].widget.attrs.update({
            "hx-get": reverse("enforcement:violation_info"), "hx-target": f"#violation-{self.prefix}",
            "hx-trigger": "change",
        })


class StatementForm(forms.Form):
    text = _text(_("陈述、申辩内容"), rows=3, required=True)
    received_on = _date(_("收到日期"), required=True)
    review = _text(_("复核意见"), rows=2)


class WaiveForm(forms.Form):
    statement = forms.BooleanField(label=_("放弃陈述、申辩"), required=False, initial=True,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    hearing = forms.BooleanField(label=_("放弃听证"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    note = _char(_("放弃方式（如当事人书面声明）"), required=True, max_length=500)


class HearingRequestForm(forms.Form):
    requested_on = _date(_("申请日期"), required=True)


class HearingScheduleForm(forms.Form):
    hearing_date = _date(_("听证日期"), required=True)
    place = _char(_("听证地点"), required=True, max_length=200)
    notified_on = _date(_("通知日期"), required=True)


class HearingHoldForm(forms.Form):
    held_on = _date(_("日期"), required=True)
    outcome = forms.ChoiceField(label=_("结果"), choices=HearingOutcome.choices, widget=forms.RadioSelect)
    summary = _text(_("听证笔录要点"), rows=3)


class PayForm(forms.Form):
    paid_on = _date(_("缴款日期"), required=True)
    amount = _int(_("实缴金额（元）"), required=True, min_value=1)
