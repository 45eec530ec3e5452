"""Forms of the equipment pages. They only parse input; the services validate and write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.equipment import services
from anjian.equipment.choices import Conclusion, EquipmentKind, EquipmentState, InspectionKind, Schedule
from anjian.equipment.models import EquipmentInspection, SpecialEquipment
from anjian.rules import equipment as rules

GRADE_CHOICES = [("", _("—（不适用或未评定）")), *((g, _("{}级").format(g)) for g in range(1, 6))]


def _char(label, max_length, required=False, **attrs):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.TextInput(attrs={"class": "form-control", **attrs}))


def _date(label, required=False, help_text=""):
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _select(label, choices, required=True, **kw):
    return forms.ChoiceField(label=label, choices=choices, required=required,
                             widget=forms.Select(attrs={"class": "form-select"}), **kw)


def _grade():
    return forms.TypedChoiceField(label=_("安全状况等级"), choices=GRADE_CHOICES, coerce=int, empty_value=None,
                                  required=False, widget=forms.Select(attrs={"class": "form-select"}),
                                  help_text=_("压力容器、压力管道按检验报告填写（1–5级）。"))


def subtype_choices() -> list:
    """The subtypes grouped by kind (``<optgroup>``), each value "kind.subtype" so the groups cannot clash."""
    groups = [("", _("—（不分类别或按默认）"))]
    for kind, subtypes in rules.SUBTYPES.items():
        groups.append((services.kind_label(kind), [(f"{kind}.{code}", label) for code, label in subtypes.items()]))
    return groups


def _label(field: str, model=SpecialEquipment) -> str:
    return model._meta.get_field(field).verbose_name


class EquipmentForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("使用单位"), queryset=None,
                                        widget=forms.Select(attrs={"class": "form-select"}))
    kind = _select(_label("kind"), [("", _("请选择")), *EquipmentKind.choices])
    subtype = _select(_label("subtype"), subtype_choices(), required=False,
                      help_text=_("起重机械须选择类别；锅炉、压力容器、压力管道不选时按工业锅炉、固定式压力容器、工业管道。"))
    molten_metal = forms.BooleanField(label=_("吊运熔融金属（起重机械）"), required=False,
                                      widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    # Required facts are checked by the service, with its messages (请填写设备名称。…).
    name = _char(_label("name"), 100)
    model_number = _char(_label("model_number"), 100)
    registration_code = _char(_label("registration_code"), 40, autocomplete="off")
    use_registration_number = _char(_label("use_registration_number"), 40)
    location = _char(_label("location"), 200)
    manufacturer = _char(_label("manufacturer"), 200)
    factory_number = _char(_label("factory_number"), 60)
    commissioned_on = _date(_label("commissioned_on"))
    installed_on = _date(_label("installed_on"),
                         help_text=_("电梯按 TSG T7001-2023 自安装监督检验日期起计算检验年份。"))
    schedule = _select(_label("schedule"), [("", _("—（电梯默认 TSG T7001-2023）")),
                                            (Schedule.ELEVATOR_2023, Schedule.ELEVATOR_2023.label),
                                            (Schedule.ELEVATOR_LEGACY, Schedule.ELEVATOR_LEGACY.label)],
                       required=False, help_text=_("只适用于电梯；旧记录可选“每年定期检验（旧规则）”。"))
    safety_grade = _grade()
    note = forms.CharField(label=_label("note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def __init__(self, *args, enterprises=None, instance: SpecialEquipment | None = None, **kwargs):
        if instance is not None:
            initial = {f: getattr(instance, f) for f in services.EQUIPMENT_FIELDS}
            initial["subtype"] = f"{instance.kind}.{instance.subtype}" if instance.subtype else ""
            initial["enterprise"] = instance.enterprise_id
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if enterprises is None:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = enterprises

    def clean(self):
        data = super().clean()
        kind, subtype = data.get("kind") or "", data.get("subtype") or ""
        if subtype:
            owner, _dot, code = subtype.partition(".")
            if kind and owner != kind:
                message = _("所选类别不属于该设备种类。")
                self.add_error("subtype", forms.ValidationError(message, code="subtype_mismatch"))
            data["subtype"] = code
        return data

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in services.EQUIPMENT_FIELDS}


class InspectionForm(forms.Form):
    """One inspection report. ``equipment`` None: the register page's optional "last report" section."""

    inspection_kind = _select(_label("inspection_kind", EquipmentInspection), InspectionKind.choices)
    inspected_on = _date(_label("inspected_on", EquipmentInspection), required=True)
    body = _char(_label("body", EquipmentInspection), 200, required=True)
    report_number = _char(_label("report_number", EquipmentInspection), 60, required=True)
    conclusion = forms.ChoiceField(label=_label("conclusion", EquipmentInspection), choices=Conclusion.choices,
                                   widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    safety_grade = _grade()
    next_due = _date(_label("next_due", EquipmentInspection),
                     help_text=_("按检验报告填写；结论为不合格的可不填。"))
    next_kind = _select(_label("next_kind", EquipmentInspection), [("", _("按规则建议"))], required=False)
    confirm_exceeds = forms.BooleanField(
        label=_("检验报告确认上述下次检验日期（如经批准延期），超出规则周期仍然保存"), required=False,
        widget=forms.HiddenInput)

    def __init__(self, *args, equipment: SpecialEquipment | None = None, confirm: bool = False, optional=False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.equipment = equipment
        if not services.next_due_nullable():
            self.fields["next_due"].help_text = _("按检验报告填写。")
        if equipment is not None:
            allowed = services.allowed_inspection_kinds(equipment)
            self.fields["inspection_kind"].choices = [(k, services.inspection_kind_label(k)) for k in allowed]
            if equipment.kind not in services.GRADED_KINDS:
                del self.fields["safety_grade"]
            if equipment.kind == EquipmentKind.ELEVATOR:
                self.fields["next_kind"].choices = [("", _("按规则建议")), *(
                    (k, services.inspection_kind_label(k)) for k in allowed)]
            else:
                del self.fields["next_kind"]
        else:
            self.fields["inspection_kind"].choices = [("", _("—")), *InspectionKind.choices]
            del self.fields["next_kind"]
        if optional:
            for field in self.fields.values():
                field.required = False
        if confirm or optional:
            self.fields["confirm_exceeds"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})

    def is_blank(self) -> bool:
        """The optional section left empty (the register page)."""
        if not self.is_bound:
            return True
        keys = [self.add_prefix(name) for name in self.fields if name != "confirm_exceeds"]
        return not any((self.data.get(k) or "").strip() for k in keys)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in services.INSPECTION_FIELDS}
        for key in ("next_kind",):
            if not data.get(key):
                data.pop(key, None)
        return data

    def proposal_input(self) -> dict:
        """What :func:`services.inspection_proposal` needs, from the raw (possibly invalid) input."""
        return {
            "inspection_kind": self.data.get(self.add_prefix("inspection_kind"), ""),
            "inspected_on": self.data.get(self.add_prefix("inspected_on"), ""),
            "safety_grade": self.data.get(self.add_prefix("safety_grade"), ""),
        }


class OperatorForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("作业人员"), queryset=None,
                                      widget=forms.Select(attrs={"class": "form-select"}),
                                      help_text=_("须持有效的特种设备作业人员证，作业项目覆盖该设备"
                                                  "（特种设备安全法 第十四条）。"))
    assigned_on = _date(_("指定日期"), help_text=_("不填为今天。"))

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees
        self.fields["employee"].label_from_instance = lambda e: f"{e.name}（{e.post}）"
        if not self.is_bound:
            self.initial.setdefault("assigned_on", timezone.localdate())


class ReleaseForm(forms.Form):
    ended_on = _date(_("解除日期"))


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=EquipmentState.choices)
    reason = forms.CharField(required=False, max_length=200)
