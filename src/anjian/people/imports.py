"""Excel import of the people ledgers: employees, training sessions with their participants, certificates.

Each import is the engine of :mod:`anjian.core.ximport` (template, header check, every row checked, all or nothing)
over the same services the pages and the API call: :func:`anjian.people.services.employee_register`,
:func:`anjian.people.training.session_record`, :func:`anjian.people.certificates.certificate_register`. Nothing here
writes a row itself.

Which enterprise a row belongs to (our decision, the issue is silent):

* the first column, 统一社会信用代码, names the enterprise of the row;
* an enterprise principal or safety manager may leave it blank (their own enterprise); any other code is refused;
* an officer (bureau, department, township) fills it in; the enterprise must be in their scope
  (:func:`anjian.enterprises.queries.enterprises_visible_to`) and kept by them
  (:func:`anjian.people.permissions.can_keep`), otherwise the row is refused with the reason on that cell;
* when the import is started for one enterprise (the page's ``?enterprise=`` or the API's ``enterprise`` field),
  blank codes mean that enterprise and any other code is refused — the way to import for a unit without a code.

Personal data: the ID-card numbers of the upload are only compared through the blind index; a message never holds
a full number (masked by the engine).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import ximport
from anjian.core.ximport import BOOL, CHOICE, DATE, DATETIME, DECIMAL, CellError, Column, ImportResult
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people.certificates import certificate_register, clean_item, item_choices
from anjian.people.choices import CertificateKind, EmploymentType, Gender, PersonKind, TrainingKind, TrainingResult
from anjian.people.permissions import can_keep, is_system
from anjian.people.queries import employees_visible_to
from anjian.people.services import employee_register, find_by_id_number
from anjian.people.training import session_record
from anjian.rules import certificates as cert_rules
from anjian.rules import id_card
from anjian.rules.uscc import normalize as normalize_uscc

EMPLOYEES, TRAINING, CERTIFICATES = "employees", "training", "certificates"
KINDS = (EMPLOYEES, TRAINING, CERTIFICATES)
ENTERPRISE_FIELD = "enterprise_uscc"
ID_NOTE = gettext_lazy("18 位公民身份号码，按 GB 11643 校验位核对；请将该列保持为文本格式，以免 Excel 截断长数字")


def enterprise_column() -> Column:
    return Column(
        ENTERPRISE_FIELD, "统一社会信用代码", max_length=18, width=22,
        note=_("该行数据所属单位。企业用户可空（本单位）；监管部门用户须填写管辖范围内的单位"),
    )


# --- which enterprise -------------------------------------------------------------------------------------------


class EnterpriseTarget:
    """Resolves the 统一社会信用代码 cell of a row to the enterprise the actor may import into (see the module
    docstring). ``enterprise`` is the one the import was started for, if any."""

    def __init__(self, actor, enterprise: Enterprise | None = None) -> None:
        self.actor = actor
        self.enterprise = enterprise
        self.own_id = None if is_system(actor) else getattr(actor, "enterprise_id", None)
        self._cache: dict[str, Enterprise | str] = {}

    def _visible(self):
        return Enterprise.objects.all() if is_system(self.actor) else enterprises_visible_to(self.actor)

    def resolve(self, raw: str) -> Enterprise:
        """The enterprise of a row whose code cell is ``raw``; ValueError with the Chinese reason otherwise."""
        code = normalize_uscc(raw or "")
        if code not in self._cache:
            try:
                self._cache[code] = self._lookup(code)
            except ValueError as exc:
                self._cache[code] = str(exc)
        found = self._cache[code]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _lookup(self, code: str) -> Enterprise:
        fixed = self.enterprise
        if fixed is None and self.own_id:
            fixed = Enterprise.objects.get(pk=self.own_id)
        if fixed is not None:
            if code and code != (fixed.uscc or ""):
                raise ValueError(_("只能导入“{}”的数据，该行的统一社会信用代码与之不符").format(fixed.name))
            enterprise = fixed
        else:
            if not code:
                raise ValueError(_("请填写该行数据所属单位的统一社会信用代码"))
            enterprise = self._visible().filter(uscc=code).first()
            if enterprise is None:
                raise ValueError(_("统一社会信用代码为 {} 的单位未登记，或不在您的管辖范围内").format(code))
        if not can_keep(self.actor, enterprise):
            raise ValueError(_("您不能维护“{}”的人员和设备台账").format(enterprise.name))
        return enterprise


def target_errors(target: EnterpriseTarget, columns: Sequence[Column], number: int, data: dict) -> list[CellError]:
    """Resolve the row's enterprise into ``data["enterprise"]``; the error on the code cell when it cannot be."""
    try:
        data["enterprise"] = target.resolve(data.pop(ENTERPRISE_FIELD, ""))
    except ValueError as exc:
        return [ximport.cell_error(columns, number, ENTERPRISE_FIELD, str(exc))]
    return []


def _employee_by_id(actor, enterprise: Enterprise, text: str):
    qs = employees_visible_to(actor) if not is_system(actor) else enterprise.staff.all()
    return find_by_id_number(qs.filter(enterprise=enterprise), text).first()


def _holder_error(actor, enterprise, number_text: str, name: str):
    """(employee, None) or (None, message) for the person with this ID-card number at ``enterprise``."""
    check = id_card.validate(number_text)
    if not check.ok:
        return None, check.message
    employee = _employee_by_id(actor, enterprise, check.number)
    if employee is None:
        return None, _("“{}”未登记身份证号码为 {} 的人员，请先导入或登记人员").format(
            enterprise.name, id_card.mask(check.number))
    if name and name != employee.name:
        return None, _("姓名“{}”与该身份证号码登记的人员姓名不一致").format(name)
    return employee, None


# --- employees --------------------------------------------------------------------------------------------------


def employee_columns() -> list[Column]:
    return [
        enterprise_column(),
        Column("name", "姓名", required=True, max_length=50, width=12),
        Column("id_number", "身份证号码", required=True, max_length=18, width=22, note=str(ID_NOTE)),
        Column("phone", "联系电话", max_length=20, width=16),
        Column("gender", "性别", CHOICE, Gender, width=8, note=_("空则按身份证号码第17位")),
        Column("person_kind", "人员类别", CHOICE, PersonKind, width=18, note=_("空则为“从业人员”")),
        Column("employment_type", "用工形式", CHOICE, EmploymentType, width=16, note=_("空则为“本单位职工”")),
        Column("employer_name", "派遣单位、承包单位或学校", max_length=200, width=24,
               note=_("劳务派遣人员、承包商人员、实习学生必填")),
        Column("department", "车间（部门）", max_length=100),
        Column("team", "班组", max_length=100),
        Column("post", "岗位", required=True, max_length=100),
        Column("hired_on", "入职（进场）日期", DATE, required=True, width=16),
        Column("note", "备注", max_length=500, width=24),
    ]


def import_employees(*, actor, file, enterprise: Enterprise | None = None) -> ImportResult:
    """Register every person of the file (one row each) or none."""
    columns = employee_columns()
    rows = ximport.read_rows(file, columns)
    target = EnterpriseTarget(actor, enterprise)
    seen: dict[tuple[int, str], int] = {}

    def check_row(number: int, data: dict) -> list[CellError]:
        errors = target_errors(target, columns, number, data)
        if errors:
            return errors
        key = (data["enterprise"].pk, id_card.normalise(data["id_number"]))
        if key in seen:
            return [ximport.cell_error(columns, number, "id_number", _("与第 {} 行的身份证号码重复").format(seen[key]))]
        seen[key] = number
        return []

    def apply_row(number: int, data: dict) -> None:
        ent = data.pop("enterprise")
        employee_register(actor=actor, enterprise=ent, data=data)

    return ximport.run_import(
        rows=rows, columns=columns, apply_row=apply_row, check_row=check_row, actor=actor,
        audit_action="people.employee.import", audit_repr=_("Excel 导入人员"),
    )


# --- training ---------------------------------------------------------------------------------------------------

SESSION_FIELDS = ("kind", "ends_at", "hours", "content", "trainer", "organiser", "place", "has_exam")
HOURS_MAX = Decimal("9999.9")


def training_columns() -> list[Column]:
    return [
        enterprise_column(),
        Column("title", "培训主题", required=True, max_length=200, width=24,
               note=_("培训主题和开始时间相同的各行为同一场培训，每行一名参训人员；同一场培训各行的培训信息须一致")),
        Column("kind", "培训类别", CHOICE, TrainingKind, required=True, width=26),
        Column("starts_at", "开始时间", DATETIME, required=True, width=18),
        Column("ends_at", "结束时间", DATETIME, required=True, width=18, note=_("须晚于开始时间")),
        Column("hours", "学时", DECIMAL, required=True, positive=True, decimal_places=1, max_value=HOURS_MAX,
               width=8),
        Column("content", "培训内容", required=True, max_length=5000, width=30),
        Column("trainer", "授课人", required=True, max_length=100, width=12),
        Column("organiser", "组织单位", max_length=200),
        Column("place", "培训地点", max_length=200),
        Column("has_exam", "有考核", BOOL, default=True, width=8, note=_("空则为“是”")),
        Column("participant_id", "参训人员身份证号码", required=True, max_length=18, width=22,
               note=_("须为该单位已登记的人员") + "；" + str(ID_NOTE), error_fields=("participants",)),
        Column("participant_name", "参训人员姓名", max_length=50, width=12, note=_("填写时须与登记的姓名一致")),
        Column("result", "考核结果", CHOICE, TrainingResult, width=10,
               note=_("有考核的培训必填；无考核的空则为“合格”")),
        Column("score", "成绩", DECIMAL, min_value=0, max_value=100, decimal_places=1, width=8),
        Column("credited_hours", "计入学时", DECIMAL, min_value=0, decimal_places=1, max_value=HOURS_MAX, width=10,
               note=_("空则为该场培训的学时；不能超过培训学时")),
    ]


def import_training(*, actor, file, enterprise: Enterprise | None = None) -> ImportResult:
    """Record every training session of the file with its participants, or none. Rows with the same enterprise,
    title and start form one session; ``created`` counts sessions, ``records`` the participants."""
    columns = training_columns()
    rows = ximport.read_rows(file, columns)
    target = EnterpriseTarget(actor, enterprise)
    errors: list[CellError] = []
    sessions: dict[tuple, dict[str, Any]] = {}

    def err(number: int, name: str, message: str) -> None:
        errors.append(ximport.cell_error(columns, number, name, message))

    for row in rows:
        data, row_errors = ximport.parse_row(row, columns)
        if not row_errors:
            row_errors = target_errors(target, columns, row.number, data)
        if row_errors:
            errors.extend(row_errors)
            continue
        if data["ends_at"] <= data["starts_at"]:
            err(row.number, "ends_at", _("结束时间须晚于开始时间"))
            continue
        ent = data["enterprise"]
        key = (ent.pk, data["title"], data["starts_at"])
        session = sessions.get(key)
        if session is None:
            session = sessions[key] = {"enterprise": ent, "rows": [], "people": {}, "bad": False,
                                       "data": {k: data[k] for k in ("title", "starts_at", *SESSION_FIELDS)}}
        else:
            first = session["rows"][0]
            mismatched = [f for f in SESSION_FIELDS if data[f] != session["data"][f]]
            for f in mismatched:
                err(row.number, f, _("与第 {} 行（同一场培训）不一致").format(first))
            if mismatched:
                session["bad"] = True
                continue
        session["rows"].append(row.number)
        employee, problem = _holder_error(actor, ent, data["participant_id"], data["participant_name"])
        if problem is None and employee.left_on and employee.left_on < timezone.localtime(data["starts_at"]).date():
            problem = _("{}已于 {} 离职，不能参加此后的培训").format(employee.name, employee.left_on)
        if problem:
            err(row.number, "participant_id", problem)
            session["bad"] = True
            continue
        if data["has_exam"] and not data["result"]:
            err(row.number, "result", _("有考核的培训须填写考核结果"))
            session["bad"] = True
            continue
        if employee.pk in session["people"]:
            first = session["people"][employee.pk]
            err(row.number, "participant_id", _("与第 {} 行是同一场培训的同一人").format(first))
            session["bad"] = True
            continue
        hours = data["credited_hours"] if data["credited_hours"] is not None else data["hours"]
        if hours > data["hours"]:
            err(row.number, "credited_hours", _("计入学时不能超过培训学时 {}").format(data["hours"]))
            session["bad"] = True
            continue
        session["people"][employee.pk] = row.number
        session.setdefault("participants", []).append(
            {"employee": employee, "result": data["result"], "score": data["score"], "hours": hours})

    units = [(s["rows"], s) for s in sessions.values() if not s["bad"] and s.get("participants")]

    def apply(numbers, session) -> None:
        session_record(actor=actor, enterprise=session["enterprise"], data=dict(session["data"]),
                       participants=session["participants"])

    result = ximport.apply_all(
        units=units, apply=apply, columns=columns, errors=errors, actor=actor,
        audit_action="people.training.import", audit_repr=_("Excel 导入培训记录"),
    )
    result.records = sum(len(s["participants"]) for _rows, s in units) if result.ok else 0
    return result


# --- certificates -----------------------------------------------------------------------------------------------


def certificate_columns() -> list[Column]:
    return [
        enterprise_column(),
        Column("holder_id", "持证人身份证号码", required=True, max_length=18, width=22,
               note=_("须为该单位已登记的人员") + "；" + str(ID_NOTE)),
        Column("holder_name", "持证人姓名", max_length=50, width=12, note=_("填写时须与登记的姓名一致")),
        Column("kind", "证书类别", CHOICE, CertificateKind, required=True, width=30),
        Column("item_code", "作业类别（项目）代码", max_length=20, width=16, note=_(
            "特种作业操作证填《特种作业目录》代码（如 1.2 低压电工作业，可只填代码或项目名称）；"
            "特种设备作业人员证填 TSG Z6001 项目代码（如 N1 叉车司机）；安全合格证填“主要负责人”或“安全生产管理人员”")),
        Column("number", "证书编号", required=True, max_length=30, width=22,
               note=_("一个证书编号只能登记给一个人")),
        Column("issuer", "发证机关", required=True, max_length=100, width=20),
        Column("issued_on", "初领（发证）日期", DATE, required=True, width=16),
        Column("valid_until", "有效期至", DATE, width=14, note=_("空则按证书类别的有效期计算")),
        Column("extended_review", "复审周期延长为6年", BOOL, width=12,
               note=_("特种作业人员在同一岗位连续从业满10年并遵守安全规定的，填“是”")),
    ]


def _item_code(kind: str, text: str) -> str:
    """The item code of a certificate of ``kind`` given by its code, its name or both ("1.2 低压电工作业"); the
    text itself when it is none of them (the service then says why)."""
    text = text.strip()
    if not text:
        return ""
    code = clean_item(kind, text.split()[0])
    if code is not None:
        return code
    for value, label in item_choices(kind):
        if text in (label, label.split(" ", 1)[-1]):
            return value
    return text


def import_certificates(*, actor, file, enterprise: Enterprise | None = None) -> ImportResult:
    """Register every certificate of the file (one row each, the holder found by ID-card number), or none."""
    columns = certificate_columns()
    rows = ximport.read_rows(file, columns)
    target = EnterpriseTarget(actor, enterprise)
    seen: dict[tuple[str, str], int] = {}

    def check_row(number: int, data: dict) -> list[CellError]:
        errors = target_errors(target, columns, number, data)
        if errors:
            return errors
        employee, problem = _holder_error(actor, data["enterprise"], data.pop("holder_id"), data.pop("holder_name"))
        if problem:
            return [ximport.cell_error(columns, number, "holder_id", problem)]
        data["employee"] = employee
        data["item_code"] = _item_code(data["kind"], data["item_code"])
        key = (data["kind"], cert_rules.normalise_number(data["number"]))
        if key in seen:
            return [ximport.cell_error(columns, number, "number", _("与第 {} 行的证书编号重复").format(seen[key]))]
        seen[key] = number
        return []

    def apply_row(number: int, data: dict) -> None:
        data.pop("enterprise")
        employee = data.pop("employee")
        certificate_register(actor=actor, employee=employee, data=data)

    return ximport.run_import(
        rows=rows, columns=columns, apply_row=apply_row, check_row=check_row, actor=actor,
        audit_action="people.certificate.import", audit_repr=_("Excel 导入证书"),
    )


# --- the three imports by name ------------------------------------------------------------------------------------

TITLES = {EMPLOYEES: "从业人员", TRAINING: "培训记录", CERTIFICATES: "证书"}
COLUMNS = {EMPLOYEES: employee_columns, TRAINING: training_columns, CERTIFICATES: certificate_columns}
IMPORTERS = {EMPLOYEES: import_employees, TRAINING: import_training, CERTIFICATES: import_certificates}
NOTES = {
    EMPLOYEES: [
        gettext_lazy("每行一名人员。同一单位同一身份证号码只能登记一次。"),
        gettext_lazy("身份证号码和联系电话加密保存，页面上只显示部分号码。"),
    ],
    TRAINING: [
        gettext_lazy("每行一名参训人员；培训主题和开始时间相同的各行合并为一场培训。"),
        gettext_lazy("参训人员须先登记（可先导入人员），按身份证号码查找。"),
        gettext_lazy("时间格式如 2025-06-30 09:00；学时须大于 0，结束时间须晚于开始时间。"),
    ],
    CERTIFICATES: [
        gettext_lazy("每行一本证书；持证人须先登记（可先导入人员），按身份证号码查找。"),
        gettext_lazy("同一证书类别下，一个证书编号只能登记给一个人。"),
    ],
}
COMMON_NOTES = [
    gettext_lazy("所有行检查通过才会导入；只要有一处错误，一行也不导入，并列出每处错误的行、列和原因。"),
    gettext_lazy("第一行为表头，请勿修改；列的顺序可以调整，多出的列会被忽略。"),
]


def template(kind: str) -> bytes:
    """The import template of ``kind`` (one of :data:`KINDS`)."""
    return ximport.build_template(
        COLUMNS[kind](), TITLES[kind], [*NOTES[kind], *COMMON_NOTES])


def run(kind: str, *, actor, file, enterprise: Enterprise | None = None) -> ImportResult:
    return IMPORTERS[kind](actor=actor, file=file, enterprise=enterprise)
