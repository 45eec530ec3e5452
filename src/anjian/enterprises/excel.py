"""Excel (xlsx) import and export of the enterprise ledger.

Import is all-or-nothing: every cell of every row is checked first, each bad one reported by row
and column with its reason, and nothing is written unless every row is good.
"""

import datetime
import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from anjian.core import audit
from anjian.core.choices import Sector
from anjian.core.models import Grid, Region, subtree_q
from anjian.core.queries import jurisdiction_prefix
from anjian.core.xlsx import text_safe
from anjian.enterprises import services
from anjian.enterprises.choices import EnterpriseStatus, Scale, StandardizationGrade, SupervisionClass
from anjian.rules import uscc as uscc_rules

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT, INT, DATE, BOOL, CHOICE, SECTORS, REGION, GRID = range(8)

# (field, header, kind, choices or None, required). The header row of the template, in order.
COLUMNS: list[tuple[str, str, int, Any, bool]] = [
    ("uscc", "统一社会信用代码", TEXT, None, False),
    ("name", "单位名称", TEXT, None, True),
    ("region", "所属乡镇（街道）代码或名称", REGION, None, True),
    ("grid", "网格", GRID, None, False),
    ("sectors", "监管行业（多个用“、”分隔）", SECTORS, Sector, True),
    ("status", "状态", CHOICE, EnterpriseStatus, False),
    ("supervision_class", "监管分类", CHOICE, SupervisionClass, False),
    ("legal_representative", "法定代表人", TEXT, None, False),
    ("principal_name", "主要负责人", TEXT, None, False),
    ("principal_phone", "主要负责人电话", TEXT, None, False),
    ("safety_contact_name", "安全管理联系人", TEXT, None, False),
    ("safety_contact_phone", "安全管理联系电话", TEXT, None, False),
    ("address", "生产经营地址", TEXT, None, False),
    ("industry_code", "国民经济行业代码", TEXT, None, False),
    ("scale", "企业规模", CHOICE, Scale, False),
    ("employees", "从业人员数", INT, None, False),
    ("licence_number", "安全生产许可证编号", TEXT, None, False),
    ("licence_issuer", "发证机关", TEXT, None, False),
    ("licence_valid_from", "许可证有效期起", DATE, None, False),
    ("licence_valid_until", "许可证有效期止", DATE, None, False),
    ("standardization_grade", "标准化等级", CHOICE, StandardizationGrade, False),
    ("standardization_expiry", "标准化有效期止", DATE, None, False),
    ("has_safety_body", "设置安全生产管理机构", BOOL, None, False),
    ("full_time_safety_staff", "专职安全管理人员数", INT, None, False),
    ("part_time_safety_staff", "兼职安全管理人员数", INT, None, False),
    ("major_hazard_source", "涉及重大危险源", BOOL, None, False),
    ("combustible_dust", "涉爆粉尘", BOOL, None, False),
    ("dust_worker_count", "涉爆粉尘作业人数", INT, None, False),
    ("ammonia_refrigeration", "涉氨制冷", BOOL, None, False),
    ("confined_space", "有限空间作业", BOOL, None, False),
    ("metal_smelting", "金属冶炼", BOOL, None, False),
    ("cold_storage", "冷库", BOOL, None, False),
    ("hazchem_use", "使用危险化学品", BOOL, None, False),
]
HEADERS = [c[1] for c in COLUMNS]
FIELD_COLUMN = {c[0]: i for i, c in enumerate(COLUMNS)}
_TRUE = {"是", "有", "Y", "YES", "TRUE", "1", "√"}
_FALSE = {"否", "无", "N", "NO", "FALSE", "0", ""}


@dataclass
class CellError:
    row: int
    column: str
    header: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (not xlsx, no header row, too many rows)."""


def _label(choice_cls, value: str) -> str:
    return str(choice_cls(value).label) if value in choice_cls.values else value


def build_template() -> bytes:
    """The import template: the header row, one example row and a sheet explaining each column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(HEADERS)
    example = {
        "uscc": uscc_rules.complete("91330481MA2B3C4D5"), "name": "示例化工有限公司", "region": "330481001",
        "sectors": "危险化学品",
        "status": str(EnterpriseStatus.OPERATING.label), "supervision_class": "A", "employees": 120,
        "has_safety_body": "是", "full_time_safety_staff": 2, "licence_valid_from": "2024-01-01",
        "licence_valid_until": "2027-01-01",
    }
    ws.append([example.get(c[0], "") for c in COLUMNS])
    _style_header(ws)
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列", "说明"])
    for fname, header, kind, choices, required in COLUMNS:
        note = {
            TEXT: "文本", INT: "不小于 0 的整数", DATE: "日期，如 2025-06-30", BOOL: "是 / 否",
            SECTORS: "可选：" + "、".join(str(lbl) for _, lbl in Sector.choices),
            REGION: "9 位乡镇（街道）代码或其名称，须在您的管辖范围内",
            GRID: "所属乡镇（街道）内已有网格的名称",
            CHOICE: "可选：" + "、".join(str(lbl) for _, lbl in choices.choices) if choices else "",
        }[kind]
        if fname == "uscc":
            note = "18 位，按 GB 32100 校验；仅无证无照单位可空"
        help_ws.append([header, ("必填。" if required else "") + note])
    help_ws.column_dimensions["A"].width = 32
    help_ws.column_dimensions["B"].width = 90
    return _save(wb)


def _style_header(ws) -> None:
    fill = PatternFill("solid", fgColor="DDEBF7")
    for idx, _h in enumerate(HEADERS, start=1):
        cell = ws.cell(row=1, column=idx)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(idx)].width = 18
    ws.freeze_panes = "A2"


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _parse_choice(choice_cls, raw: str) -> str:
    raw = raw.strip()
    if raw in choice_cls.values:
        return raw
    for value, label in choice_cls.choices:
        if raw == str(label) or raw == str(label).split("（")[0]:
            return value
    raise ValueError(_("“{}”不是可选值（可选：{}）").format(raw, "、".join(str(lbl) for _, lbl in choice_cls.choices)))


def _parse_cell(kind: int, choices, raw: Any, ctx: dict) -> Any:
    if raw is None:
        raw = ""
    if kind == TEXT:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw).strip()
    if kind == INT:
        if raw == "":
            return 0
        if isinstance(raw, bool):
            raise ValueError(_("应为整数"))
        if isinstance(raw, float):
            if not raw.is_integer():
                raise ValueError(_("应为整数"))
            raw = int(raw)
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(_("“{}”不是整数").format(raw)) from None
        if value < 0:
            raise ValueError(_("不能为负数"))
        return value
    if kind == DATE:
        if raw == "":
            return None
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = str(raw).strip().replace("/", "-").replace(".", "-")
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("“{}”不是有效日期（格式如 2025-06-30）").format(raw)) from None
    if kind == BOOL:
        text = str(raw).strip().upper()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("“{}”应填“是”或“否”").format(raw))
    if kind == CHOICE:
        text = str(raw).strip()
        if text == "":
            return None
        return _parse_choice(choices, text)
    if kind == SECTORS:
        text = str(raw).replace("，", "、").replace(",", "、").replace(";", "、").replace("；", "、")
        parts = [p.strip() for p in text.split("、") if p.strip()]
        return [_parse_choice(Sector, p) for p in parts]
    if kind == REGION:
        text = str(int(raw)) if isinstance(raw, float) else str(raw).strip()
        if not text:
            return None
        regions = ctx["regions"]
        region = regions["code"].get(text) or regions["name"].get(text)
        if region is None:
            raise ValueError(_("“{}”不是您管辖范围内的乡镇（街道）").format(text))
        return region
    if kind == GRID:
        return str(raw).strip() or None
    raise AssertionError(kind)


def _region_lookup(actor) -> dict:
    prefix = jurisdiction_prefix(actor) if not isinstance(actor, audit.SystemActor) else ""
    qs = Region.objects.filter(level__in=["township", "village"])
    if prefix is not None and prefix != "":
        qs = qs.filter(subtree_q(prefix, "code"))
    elif prefix is None:
        qs = qs.none()
    regions = list(qs)
    by_name: dict[str, Region] = {}
    for r in regions:
        # A name shared by two townships in scope is ambiguous: only the code works then.
        by_name[r.name] = None if r.name in by_name else r
    return {"code": {r.code: r for r in regions}, "name": {k: v for k, v in by_name.items() if v is not None}}


def _cell_error(row: int, fname: str, message: str) -> CellError:
    idx = FIELD_COLUMN.get(fname)
    if idx is None:
        return CellError(row, "", "", message)
    return CellError(row, get_column_letter(idx + 1), COLUMNS[idx][1], message)


def read_rows(file) -> list[tuple[int, list[Any]]]:
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_("无法读取该文件：请上传由模板填写的 .xlsx 文件。")) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("文件是空的。"))
    header = [str(h).strip() if h is not None else "" for h in header]
    missing = [h for h in HEADERS if h not in header]
    if missing:
        raise ImportFileError(_("表头与模板不一致，缺少列：{}。请下载最新模板。").format("、".join(missing)))
    positions = [header.index(h) for h in HEADERS]
    out = []
    limit = settings.ANJIAN_IMPORT_MAX_ROWS
    for number, values in enumerate(rows, start=2):
        values = list(values)
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= limit:
            raise ImportFileError(_("一次最多导入 {} 行，请分批导入。").format(limit))
        out.append((number, [values[p] if p < len(values) else None for p in positions]))
    wb.close()
    if not out:
        raise ImportFileError(_("文件中没有数据行。"))
    return out


def import_enterprises(*, actor, file) -> ImportResult:
    """Check every row; if all are good, register them all in one transaction."""
    if not services.can_create_enterprise(actor):
        from anjian.core.errors import PermissionDeniedError

        raise PermissionDeniedError(_("您的角色不能导入企业。"))
    rows = read_rows(file)
    ctx = {"regions": _region_lookup(actor)}
    grids = {(g.region_id, g.name): g for g in Grid.objects.filter(region__in=list(ctx["regions"]["code"].values()))}
    result = ImportResult()
    parsed: list[tuple[int, dict, list[str]]] = []
    seen_uscc: dict[str, int] = {}
    for number, values in rows:
        data: dict[str, Any] = {}
        row_errors: list[CellError] = []
        for (fname, _header, kind, choices, required), raw in zip(COLUMNS, values, strict=True):
            try:
                value = _parse_cell(kind, choices, raw, ctx)
            except ValueError as exc:
                row_errors.append(_cell_error(number, fname, str(exc)))
                continue
            if required and value in (None, "", []):
                row_errors.append(_cell_error(number, fname, _("必填")))
                continue
            data[fname] = value
        grid_name = data.pop("grid", None)
        if grid_name and data.get("region") is not None:
            grid = grids.get((data["region"].pk, grid_name))
            if grid is None:
                row_errors.append(_cell_error(number, "grid", _("该乡镇（街道）没有名为“{}”的网格").format(grid_name)))
            data["grid"] = grid
        sectors = data.pop("sectors", []) or []
        for key in ("status", "supervision_class", "scale", "standardization_grade"):
            if data.get(key) is None:
                data.pop(key, None)
        data.setdefault("standardization_grade", "")
        data.setdefault("scale", "")
        code = uscc_rules.normalize(data.get("uscc") or "")
        if code:
            if code in seen_uscc:
                row_errors.append(_cell_error(
                    number, "uscc", _("与第 {} 行的统一社会信用代码重复").format(seen_uscc[code])))
            seen_uscc.setdefault(code, number)
        if not row_errors:
            try:
                services.validate_enterprise(actor=actor, data=data, sectors=sectors)
            except ValidationError as exc:
                for fname, errs in exc.error_dict.items():
                    for e in errs:
                        row_errors.append(_cell_error(number, fname, " ".join(e.messages)))
        result.errors.extend(row_errors)
        parsed.append((number, data, sectors))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, data, sectors in parsed:
                try:
                    services.enterprise_create(
                        actor=actor, data=data, sectors=sectors, audit_action="enterprise.import"
                    )
                except ValidationError as exc:
                    for fname, errs in exc.error_dict.items():
                        for e in errs:
                            result.errors.append(_cell_error(number, fname, " ".join(e.messages)))
                    raise
            audit.record(actor=actor, action="enterprise.import_batch", changes={"rows": [None, len(parsed)]},
                         object_repr=_("导入 {} 家企业").format(len(parsed)))
    except ValidationError:
        result.created = 0
        return result
    result.created = len(parsed)
    return result


def export_enterprises(queryset, limit: int | None = None) -> bytes:
    """The filtered list as xlsx, in the template's column layout (so an export can be re-read)."""
    limit = limit or settings.ANJIAN_EXPORT_MAX_ROWS
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(HEADERS)
    qs = queryset.select_related("region", "grid").prefetch_related("sector_links").order_by("id")
    count = 0
    for ent in qs.iterator(chunk_size=2000):
        count += 1
        if count > limit:
            raise ImportFileError(_("导出超过 {} 行，请缩小筛选范围后再导出。").format(limit))
        row = []
        for fname, _header, kind, choices, _req in COLUMNS:
            value = getattr(ent, fname, None)
            if fname == "region":
                value = ent.region.code
            elif fname == "grid":
                value = ent.grid.name if ent.grid_id else ""
            elif kind == SECTORS:
                value = "、".join(str(Sector(s).label) for s in ent.sector_codes)
            elif kind == CHOICE:
                value = _label(choices, value) if value else ""
            elif kind == BOOL:
                value = "是" if value else "否"
            elif kind == DATE:
                value = value.isoformat() if value else ""
            elif value is None:
                value = ""
            row.append(value)
        ws.append(text_safe(ws, row))
    return _save(wb)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of an xlsx file; the (Chinese) file name is sent RFC 5987-encoded."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_filename() -> str:
    return "企业台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))
