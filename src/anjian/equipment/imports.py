"""Excel import of the special-equipment register (特种设备台账), with each unit's last inspection when known.

The engine of :mod:`anjian.core.ximport` over :func:`anjian.equipment.services.equipment_register`: every row is
checked, and nothing is written unless every row is good. The enterprise of a row is found as for the people
imports (:class:`anjian.people.imports.EnterpriseTarget`: the 统一社会信用代码 column, blank for the enterprise's own
users or when the import was started for one enterprise).

The last-inspection columns are all blank (no inspection recorded yet) or filled as one inspection: the date, the
body, the conclusion, the report number and the next due date entered from the report are then required, and
``last_inspection`` is handed to the service, which proposes the rule's date and flags an entered date beyond the
maximum interval unless 「超过最长周期仍按报告登记」 is 是.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import ximport
from anjian.core.ximport import BOOL, CHOICE, DATE, INT, CellError, Column, ImportResult
from anjian.enterprises.models import Enterprise
from anjian.equipment.choices import Conclusion, EquipmentKind, InspectionKind, Schedule
from anjian.equipment.services import equipment_register
from anjian.people.imports import COMMON_NOTES, EnterpriseTarget, enterprise_column, target_errors
from anjian.rules import equipment as rules

INSPECTION_FIELDS = ("inspection_kind", "inspected_on", "body", "conclusion", "report_number", "next_due")
INSPECTION_REQUIRED = ("inspected_on", "body", "conclusion", "report_number", "next_due")
TITLE = "特种设备"
NOTES = [
    gettext_lazy("每行一台（套）特种设备；设备代码全平台唯一。"),
    gettext_lazy("“设备类别”须与“设备种类”对应（如 起重机械 — 桥式起重机），锅炉、压力容器、压力管道空则按常见类别。"),
    gettext_lazy("最近一次检验：尚无检验记录的，检验各列全部留空；填写的，检验日期、检验机构、检验结论、报告编号和下次检验日期"
                 "必填，下次检验日期按检验报告填写。"),
]


def _subtype_pairs() -> list[tuple[str, str]]:
    # The label is the value here: the subtype code depends on the kind, resolved per row (_subtype).
    return [(label, label) for kind in rules.KINDS for label in rules.SUBTYPES.get(kind, {}).values()]


def equipment_columns() -> list[Column]:
    return [
        enterprise_column(),
        Column("kind", "设备种类", CHOICE, EquipmentKind, required=True, width=20),
        Column("subtype", "设备类别", CHOICE, _subtype_pairs(), width=22, note=_("须属于所填的设备种类")),
        Column("molten_metal", "吊运熔融金属", BOOL, width=10, note=_("起重机械适用")),
        Column("name", "设备名称", required=True, max_length=100, width=20),
        Column("model_number", "型号规格", max_length=100),
        Column("registration_code", "设备代码", max_length=40, width=22, note=_("特种设备代码，全平台唯一")),
        Column("use_registration_number", "使用登记证编号", max_length=40, width=20),
        Column("location", "使用地点", required=True, max_length=200, width=20),
        Column("manufacturer", "制造单位", max_length=200, width=20),
        Column("factory_number", "出厂编号", max_length=60),
        Column("commissioned_on", "投入使用日期", DATE, width=14),
        Column("installed_on", "安装监督检验日期", DATE, width=14, note=_("电梯按此日期计算检验年份")),
        Column("schedule", "检验规则", CHOICE, Schedule, width=30, note=_("电梯适用；空则由系统按日期确定")),
        Column("safety_grade", "安全状况等级", INT, min_value=1, max_value=5, width=10,
               error_fields=("last_inspection.safety_grade",), note=_("压力容器、压力管道适用，1至5级")),
        Column("note", "备注", max_length=500, width=24),
        Column("inspection_kind", "最近检验类别", CHOICE, InspectionKind, width=14,
               error_fields=("last_inspection.inspection_kind", "last_inspection.next_kind"),
               note=_("空则按设备种类的检验类别（锅炉须填外部检验或内部检验）")),
        Column("inspected_on", "最近检验日期", DATE, width=14, error_fields=("last_inspection.inspected_on",)),
        Column("body", "检验机构", max_length=200, width=20, error_fields=("last_inspection.body",)),
        Column("conclusion", "检验结论", CHOICE, Conclusion, width=26, error_fields=("last_inspection.conclusion",)),
        Column("report_number", "检验报告编号", max_length=60, width=20,
               error_fields=("last_inspection.report_number",)),
        Column("next_due", "下次检验日期", DATE, width=14, error_fields=("last_inspection.next_due",),
               note=_("按检验报告填写")),
        Column("confirm_exceeds", "超过最长周期仍按报告登记", BOOL, width=14,
               error_fields=("last_inspection.confirm_exceeds",),
               note=_("下次检验日期超过规则的最长周期时，确认按报告日期登记的填“是”")),
    ]


def _subtype(kind: str, label: str) -> str:
    """The subtype code of ``label`` among the subtypes of ``kind``; ValueError when it is not one of them."""
    options = rules.SUBTYPES.get(kind, {})
    for code, text in options.items():
        if label in (code, text):
            return code
    if not options:
        raise ValueError(_("{}不区分设备类别，请留空").format(EquipmentKind(kind).label))
    raise ValueError(_("“{}”不是{}的设备类别（可选：{}）").format(
        label, EquipmentKind(kind).label, "、".join(options.values())))


def import_equipment(*, actor, file, enterprise: Enterprise | None = None) -> ImportResult:
    """Register every equipment of the file (with its last inspection when given), or none."""
    columns = equipment_columns()
    rows = ximport.read_rows(file, columns)
    target = EnterpriseTarget(actor, enterprise)
    seen: dict[str, int] = {}

    def check_row(number: int, data: dict) -> list[CellError]:
        errors = target_errors(target, columns, number, data)

        def err(name, message):
            errors.append(ximport.cell_error(columns, number, name, message))

        if data["subtype"]:
            try:
                data["subtype"] = _subtype(data["kind"], data["subtype"])
            except ValueError as exc:
                err("subtype", str(exc))
        code = data["registration_code"].upper()
        if code:
            if code in seen:
                err("registration_code", _("与第 {} 行的设备代码重复").format(seen[code]))
            seen.setdefault(code, number)
        inspection = {f: data.pop(f) for f in INSPECTION_FIELDS}
        confirm = data.pop("confirm_exceeds")
        if any(v not in (None, "") for v in inspection.values()):
            for f in INSPECTION_REQUIRED:
                if inspection[f] in (None, ""):
                    err(f, _("填写最近一次检验时必填"))
            if inspection["inspected_on"] and inspection["next_due"] and \
                    inspection["next_due"] <= inspection["inspected_on"]:
                err("next_due", _("下次检验日期须晚于检验日期"))
            data["last_inspection"] = {**inspection, "safety_grade": data["safety_grade"],
                                       "confirm_exceeds": confirm}
        return errors

    def apply_row(number: int, data: dict) -> None:
        ent = data.pop("enterprise")
        equipment_register(actor=actor, enterprise=ent, data=data)

    return ximport.run_import(
        rows=rows, columns=columns, apply_row=apply_row, check_row=check_row, actor=actor,
        audit_action="equipment.import", audit_repr=_("Excel 导入特种设备"),
    )


def template() -> bytes:
    return ximport.build_template(equipment_columns(), TITLE, [*NOTES, *COMMON_NOTES])
