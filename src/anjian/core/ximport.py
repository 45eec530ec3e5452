"""A reusable Excel (xlsx) import engine: column specs, the template, reading and checking rows, and the
all-or-nothing write.

An import is described by a list of :class:`Column` (the service key, the Chinese header, how to parse the cell,
whether it is required, a note for the explanation sheet). The steps:

1. :func:`build_template` writes the header row (choice and yes/no columns get a drop-down list of the Chinese
   labels, kept on a hidden sheet), and a "填写说明" sheet explaining every column. Nothing but our own text goes
   into a template, and every string is written as text, never as a formula (as :func:`anjian.core.xlsx.text_safe`
   does for the exports).
2. :func:`read_rows` opens the upload, checks the header row against the columns (extra columns are ignored,
   the order is free), skips blank rows and refuses more than ``ANJIAN_IMPORT_MAX_ROWS`` rows. A file that
   cannot be read as a whole raises :class:`ImportFileError` (code ``import_file_invalid``).
3. :func:`parse_row` turns one row into ``{field: value}`` and a list of :class:`CellError`.
4. :func:`run_import` parses every row, then applies every good row (``apply_row(number, data)``, which calls the
   service) inside ONE ``transaction.atomic``, each in its own savepoint, so a row refused by the service
   (``ValidationError`` or ``ServiceError``) is reported and the next row is still tried. If any row of the file
   failed, the whole transaction is rolled back: nothing is written, every error of the file is reported.

Messages never echo a full ID-card number: anything that looks like one is masked (:func:`anjian.rules.id_card.mask`).
"""

from __future__ import annotations

import datetime
import decimal
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anjian.core import audit
from anjian.core.errors import ServiceError
from anjian.rules.id_card import mask

TEXT = "text"
INT = "int"
DECIMAL = "decimal"
DATE = "date"
DATETIME = "datetime"
BOOL = "bool"
CHOICE = "choice"
KINDS = (TEXT, INT, DECIMAL, DATE, DATETIME, BOOL, CHOICE)

TRUE_WORDS = frozenset({"是", "有", "Y", "YES", "TRUE", "1", "√"})
FALSE_WORDS = frozenset({"否", "无", "N", "NO", "FALSE", "0"})
NOTES_SHEET = gettext_lazy("填写说明")
LISTS_SHEET = "选项"
# Rows of the template that get the drop-down lists and the text format (Excel keeps them cheap).
TEMPLATE_ROWS = 2000
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_NO_DEFAULT = object()
# Dates and times a cell may hold: a year before 1900 (or far ahead) is a typing error, and year 1 made aware east
# of UTC overflows when converted to UTC.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
# Numbers are compared with these as Decimal BEFORE int() or quantize(): int(Decimal("1E+999999")) takes a minute,
# quantize raises InvalidOperation beyond the context's 28 digits. A bigint holds an INT cell; a DECIMAL cell has
# at most 18 whole digits.
BIGINT_MAX = 2**63 - 1
DECIMAL_MAX_ADJUSTED = 17


class ImportFileError(ServiceError):
    """The file as a whole cannot be read: not an xlsx, empty, wrong header row, too many rows."""

    code = "import_file_invalid"
    default_message = gettext_lazy("无法读取该文件：请上传由模板填写的 .xlsx 文件。")


@dataclass(frozen=True)
class Column:
    """One column of an import.

    ``field`` is the key of the parsed row (normally the service's data key); ``kind`` one of :data:`KINDS`;
    ``choices`` a ``TextChoices`` class or ``(value, label)`` pairs for ``CHOICE`` (the cell holds the label,
    the value is accepted too); ``max_length`` for text; ``min_value`` / ``max_value`` / ``positive`` /
    ``decimal_places`` for numbers; ``default`` the value of a blank optional cell (else "" for text and
    choice, None for numbers and dates, False for yes/no); ``error_fields`` other service field names whose
    errors belong to this column; ``width`` the template column width.
    """

    field: str
    header: str
    kind: str = TEXT
    choices: Any = None
    required: bool = False
    max_length: int | None = None
    note: str = ""
    min_value: Any = None
    max_value: Any = None
    positive: bool = False
    decimal_places: int | None = None
    default: Any = _NO_DEFAULT
    error_fields: tuple[str, ...] = ()
    width: int = 18

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.kind == CHOICE and not self.choices:
            raise ValueError(f"choice column {self.field!r} needs choices")

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The (value, label) pairs of a choice column, labels as text, the blank choice left out."""
        raw = self.choices.choices if hasattr(self.choices, "choices") else self.choices
        return [(str(v), str(lbl)) for v, lbl in raw or () if str(v) != ""]

    @property
    def blank(self) -> Any:
        if self.default is not _NO_DEFAULT:
            return self.default
        return {TEXT: "", CHOICE: "", BOOL: False}.get(self.kind)

    def describe(self) -> str:
        """The explanation of the column in the notes sheet."""
        kind_note = {
            TEXT: _("文本"),
            INT: _("整数"),
            DECIMAL: _("数字"),
            DATE: _("日期，如 2025-06-30"),
            DATETIME: _("日期和时间，如 2025-06-30 09:00"),
            BOOL: _("是 / 否"),
            CHOICE: _("从下拉列表中选择：{}").format("、".join(label for _v, label in self.pairs)),
        }[self.kind]
        parts = [_("必填") if self.required else _("选填"), kind_note]
        if self.max_length and self.kind == TEXT:
            parts.append(_("不超过 {} 个字").format(self.max_length))
        bounds = _bounds_text(self)
        if bounds:
            parts.append(bounds)
        if self.note:
            parts.append(self.note)
        return "；".join(str(p) for p in parts) + "。"


def _bounds_text(column: Column) -> str:
    if column.kind not in (INT, DECIMAL):
        return ""
    if column.positive:
        text = _("须大于 0")
    elif column.min_value is not None:
        text = _("不小于 {}").format(column.min_value)
    else:
        text = ""
    if column.max_value is not None:
        text = (text + "，" if text else "") + _("不大于 {}").format(column.max_value)
    if column.decimal_places is not None and column.kind == DECIMAL:
        text = (text + "，" if text else "") + _("最多 {} 位小数").format(column.decimal_places)
    return text


@dataclass
class CellError:
    """One error of an import: the sheet row (as Excel numbers it), the column letter and header ("" for a
    row-level error) and the Chinese message."""

    row: int
    column: str
    header: str
    message: str

    def __post_init__(self) -> None:
        self.message = scrub(str(self.message))

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message}


@dataclass
class ImportResult:
    """``created``: the units written (rows, or sessions for the training import); ``records``: a second count
    an import may report (the participants of those sessions). Both 0 unless the whole file was written."""

    created: int = 0
    errors: list[CellError] = field(default_factory=list)
    records: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Row:
    """A data row of the upload: its sheet row number and the raw cell values in the order of the columns."""

    number: int
    values: tuple


def scrub(message: str) -> str:
    """``message`` with anything shaped like an 18-character ID-card number masked."""
    return _ID_LIKE.sub(lambda m: mask(m.group(0)), message)


# --- the template -----------------------------------------------------------------------------------------------


def build_template(columns: Sequence[Column], title: str, notes: Iterable[str] = ()) -> bytes:
    """The import template: the header row on a sheet called ``title`` (drop-down lists on choice and yes/no
    columns, text format on text columns so long numbers keep their digits, required headers tinted), and the
    notes sheet: ``notes`` (general remarks, one per line) then one line per column. Every string is written as
    text, never as a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    list_col = 0
    for idx, column in enumerate(columns, start=1):
        letter = get_column_letter(idx)
        cell = _text_cell(ws, 1, idx, column.header)
        cell.font = Font(bold=True)
        cell.fill = required_fill if column.required else fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = column.width
        if column.kind == TEXT:
            ws.column_dimensions[letter].number_format = "@"
        if column.kind == CHOICE:
            options = [label for _v, label in column.pairs]
        elif column.kind == BOOL:
            options = [_("是"), _("否")]
        else:
            continue
        list_col += 1
        list_letter = get_column_letter(list_col)
        for r, label in enumerate(options, start=1):
            _text_cell(lists, r, list_col, label)
        dv = DataValidation(
            type="list", formula1=f"'{LISTS_SHEET}'!${list_letter}$1:${list_letter}${len(options)}",
            allow_blank=True, showErrorMessage=True, errorTitle=_("不是可选值"), error=_("请从下拉列表中选择。"),
        )
        dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet(str(NOTES_SHEET))
    row = 1
    for line in notes:
        _text_cell(help_ws, row, 1, str(line))
        row += 1
    if row > 1:
        row += 1
    for idx, heading in enumerate((_("列"), _("项目"), _("说明")), start=1):
        _text_cell(help_ws, row, idx, heading).font = Font(bold=True)
    for idx, column in enumerate(columns, start=1):
        row += 1
        for col, value in enumerate((get_column_letter(idx), column.header, column.describe()), start=1):
            _text_cell(help_ws, row, col, value)
    help_ws.column_dimensions["A"].width = 6
    help_ws.column_dimensions["B"].width = 30
    help_ws.column_dimensions["C"].width = 100
    return _save(wb)


def _text_cell(ws, row: int, col: int, value: str):
    """A cell holding ``value`` as text (a leading 「=」 stays text: no formula from a label or a note)."""
    cell = ws.cell(row=row, column=col)
    cell.value = str(value)
    cell.data_type = "s"
    return cell


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, "")
    return title[:31] or "Sheet1"


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- reading ----------------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def read_rows(file, columns: Sequence[Column], *, limit: int | None = None) -> list[Row]:
    """The data rows of the first sheet of ``file``, values in the order of ``columns``.

    Raises ImportFileError when the file is not an xlsx workbook, has no header row, misses a column of the
    template, has no data row or more than ``limit`` (``ANJIAN_IMPORT_MAX_ROWS``) data rows.
    """
    limit = limit or settings.ANJIAN_IMPORT_MAX_ROWS
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, xml, key errors) for a file that is not a workbook
        raise ImportFileError(_("无法读取该文件：请上传由模板填写的 .xlsx 文件。")) from None
    try:
        if not wb.worksheets:
            raise ImportFileError(_("文件是空的。"))
        rows = wb.worksheets[0].iter_rows(values_only=True)
        try:
            header = next(rows, None)
            if header is None or all(_blank(h) for h in header):
                raise ImportFileError(_("文件是空的。"))
            names = [str(h).strip() if h is not None else "" for h in header]
            missing = [c.header for c in columns if c.header not in names]
            if missing:
                raise ImportFileError(_("表头与模板不一致，缺少列：{}。请下载最新模板。").format("、".join(missing)))
            positions = [names.index(c.header) for c in columns]
            out: list[Row] = []
            for number, values in enumerate(rows, start=2):
                if all(_blank(v) for v in values):
                    continue
                if len(out) >= limit:
                    raise ImportFileError(_("一次最多导入 {} 行，请分批导入。").format(limit))
                out.append(Row(number, tuple(values[p] if p < len(values) else None for p in positions)))
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(_("无法读取该文件：请上传由模板填写的 .xlsx 文件。")) from None
    finally:
        wb.close()
    if not out:
        raise ImportFileError(_("文件中没有数据行。"))
    return out


# --- parsing ----------------------------------------------------------------------------------------------------


def parse_choice(column: Column, raw: str) -> str:
    """The value of a choice label (or of the value itself, or of the label without its parenthesis)."""
    text = raw.strip()
    pairs = column.pairs
    for value, label in pairs:
        if text == label:
            return value
    for value, label in pairs:
        if text == value or text == label.split("（")[0]:
            return value
    raise ValueError(_("“{}”不是可选值（可选：{}）").format(text, "、".join(label for _v, label in pairs)))


def _to_decimal(raw: Any) -> decimal.Decimal:
    if isinstance(raw, bool):
        raise decimal.InvalidOperation
    if isinstance(raw, float):
        return decimal.Decimal(repr(raw))
    return decimal.Decimal(str(raw).strip().replace("，", ""))


def _check_bounds(column: Column, value) -> None:
    if column.positive and value <= 0:
        raise ValueError(_("须大于 0"))
    if column.min_value is not None and value < column.min_value:
        raise ValueError(_("不能小于 {}").format(column.min_value))
    if column.max_value is not None and value > column.max_value:
        raise ValueError(_("不能大于 {}").format(column.max_value))


_DATE_SEP = re.compile(r"[/.年月]")


def _date_text(text: str) -> datetime.date:
    text = _DATE_SEP.sub("-", text.strip()).rstrip("日").strip()
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        raise ValueError
    return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))


def _within_range(day: datetime.date, raw: Any) -> None:
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(_("“{}”超出允许的日期范围（{} 至 {}）").format(raw, DATE_MIN, DATE_MAX))


def parse_date(raw: Any) -> datetime.date:
    """A date between :data:`DATE_MIN` and :data:`DATE_MAX`."""
    if isinstance(raw, datetime.datetime):
        day = raw.date()
    elif isinstance(raw, datetime.date):
        day = raw
    else:
        try:
            day = _date_text(str(raw))
        except ValueError:
            raise ValueError(_("“{}”不是有效日期（格式如 2025-06-30）").format(raw)) from None
    _within_range(day, raw)
    return day


def parse_datetime(raw: Any) -> datetime.datetime:
    """A local date and time (Asia/Shanghai) made aware; a date without a time, or one outside
    :data:`DATE_MIN` – :data:`DATE_MAX`, is refused."""
    value = None
    if isinstance(raw, datetime.datetime):
        value = raw
    elif not isinstance(raw, datetime.date):
        text = str(raw).strip().replace("T", " ").replace("：", ":")
        date_part, _sep, time_part = text.partition(" ")
        try:
            day = _date_text(date_part)
            bits = time_part.strip().split(":")
            if not time_part.strip() or not 2 <= len(bits) <= 3 or not all(
                    b.isascii() and b.isdigit() and len(b) <= 2 for b in bits):
                raise ValueError
            value = datetime.datetime.combine(day, datetime.time(*(int(b) for b in bits)))
        except ValueError:
            value = None
    if value is None:
        raise ValueError(_("“{}”不是有效的日期和时间（格式如 2025-06-30 09:00）").format(raw))
    _within_range(value.date(), raw)  # before making it aware: year 1 would overflow in UTC
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def parse_cell(column: Column, raw: Any) -> Any:
    """The value of one cell; ValueError (with the Chinese reason) when it cannot be read. Blank cells give
    ``column.blank``; the required check is :func:`parse_row`'s."""
    if _blank(raw):
        return column.blank
    kind = column.kind
    if kind == TEXT:
        if isinstance(raw, bool):
            raw = _("是") if raw else _("否")
        elif isinstance(raw, float):
            if abs(raw) >= 1e15:
                # Excel kept only 15 significant digits of a long number typed into a number cell.
                raise ValueError(_("数字位数过长，已被 Excel 截断：请将该列设为文本格式后重新填写"))
            if raw.is_integer():
                raw = int(raw)
        elif isinstance(raw, datetime.datetime):
            raw = raw.strftime("%Y-%m-%d %H:%M")
        elif isinstance(raw, datetime.date):
            raw = raw.isoformat()
        text = str(raw).strip()
        if column.max_length and len(text) > column.max_length:
            raise ValueError(_("不能超过 {} 个字（当前 {} 个）").format(column.max_length, len(text)))
        return text
    if kind == INT:
        try:
            value = _to_decimal(raw)
        except (decimal.InvalidOperation, ValueError):
            raise ValueError(_("“{}”不是整数").format(raw)) from None
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError(_("“{}”不是整数").format(raw))
        _check_bounds(column, value)  # as a Decimal: int() of "1E+999999" would tie up the worker
        if abs(value) > BIGINT_MAX:
            raise ValueError(_("“{}”超出允许的数值范围").format(raw))
        return int(value)
    if kind == DECIMAL:
        try:
            value = _to_decimal(raw)
        except (decimal.InvalidOperation, ValueError):
            raise ValueError(_("“{}”不是数字").format(raw)) from None
        if not value.is_finite():
            raise ValueError(_("“{}”不是数字").format(raw))
        if value and value.adjusted() > DECIMAL_MAX_ADJUSTED:
            _check_bounds(column, value)  # the column's own bound, when it has one, says more
            raise ValueError(_("“{}”超出允许的数值范围").format(raw))
        if column.decimal_places is not None:
            step = decimal.Decimal(1).scaleb(-column.decimal_places)
            try:
                rounded = value.quantize(step, rounding=decimal.ROUND_HALF_UP)
            except decimal.InvalidOperation:  # more digits than the context holds
                raise ValueError(_("“{}”超出允许的数值范围").format(raw)) from None
            if value != rounded:
                raise ValueError(_("最多 {} 位小数").format(column.decimal_places))
            value = rounded
        _check_bounds(column, value)
        return value
    if kind == DATE:
        return parse_date(raw)
    if kind == DATETIME:
        return parse_datetime(raw)
    if kind == BOOL:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().upper()
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("“{}”应填“是”或“否”").format(raw))
    if kind == CHOICE:
        return parse_choice(column, str(raw))
    raise AssertionError(kind)


def cell_error(columns: Sequence[Column], number: int, name: str, message: str) -> CellError:
    """An error on the column of field ``name`` (or one listing ``name`` in ``error_fields``); a row-level error
    (empty column and header) when no column has it."""
    for idx, column in enumerate(columns):
        if column.field == name or name in column.error_fields:
            return CellError(number, get_column_letter(idx + 1), column.header, message)
    return CellError(number, "", "", message)


def parse_row(row: Row, columns: Sequence[Column]) -> tuple[dict[str, Any], list[CellError]]:
    """``{field: value}`` of one row and its errors (an unreadable cell, a blank required cell)."""
    data: dict[str, Any] = {}
    errors: list[CellError] = []
    for idx, (column, raw) in enumerate(zip(columns, row.values, strict=True)):
        try:
            value = parse_cell(column, raw)
        except ValueError as exc:
            errors.append(CellError(row.number, get_column_letter(idx + 1), column.header, str(exc)))
            continue
        if column.required and (value is None or value == ""):
            errors.append(CellError(row.number, get_column_letter(idx + 1), column.header, _("必填")))
            continue
        data[column.field] = value
    return data, errors


def errors_from(exc: Exception, columns: Sequence[Column], number: int) -> list[CellError]:
    """The CellErrors of a service's refusal of row ``number``."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            out = []
            for name, errs in exc.error_dict.items():
                for e in errs:
                    out.append(cell_error(columns, number, name, " ".join(str(m) for m in e.messages)))
            return out
        return [CellError(number, "", "", " ".join(str(m) for m in exc.messages))]
    if isinstance(exc, ServiceError):
        return [CellError(number, "", "", str(exc.message))]
    if isinstance(exc, IntegrityError):
        return [CellError(number, "", "", _("与已有数据冲突，未能保存（可能重复登记）。"))]
    raise exc


class _Rollback(Exception):
    pass


# The unit apply_all works on: the sheet rows it came from (the first one carries its service errors) and the
# payload handed to ``apply``.
Unit = tuple[Sequence[int], Any]


def apply_all(
    *,
    units: Sequence[Unit],
    apply: Callable[[Sequence[int], Any], Any],
    columns: Sequence[Column],
    errors: Sequence[CellError] = (),
    actor=None,
    audit_action: str = "",
    audit_repr: str = "",
) -> ImportResult:
    """Apply every unit inside ONE transaction, each in a savepoint; a refused unit is reported on its first row
    and the next is still tried. If ``errors`` (found before) or any refusal exist, everything is rolled back.
    With ``audit_action`` one batch event is recorded when the import is written."""
    result = ImportResult(errors=list(errors))
    created = 0
    try:
        with transaction.atomic():
            for numbers, payload in units:
                try:
                    with transaction.atomic():
                        apply(numbers, payload)
                except (ValidationError, ServiceError, IntegrityError) as exc:
                    result.errors.extend(errors_from(exc, columns, numbers[0]))
                else:
                    created += 1
            if result.errors:
                raise _Rollback
            if audit_action:
                audit.record(actor=actor, action=audit_action, changes={"rows": [None, created]},
                             object_repr=audit_repr or _("导入 {} 条").format(created))
    except _Rollback:
        created = 0
    result.errors.sort(key=lambda e: (e.row, len(e.column), e.column))
    result.created = created
    return result


def run_import(
    *,
    rows: Sequence[Row],
    columns: Sequence[Column],
    apply_row: Callable[[int, dict], Any],
    check_row: Callable[[int, dict], Iterable[CellError]] | None = None,
    actor=None,
    audit_action: str = "",
    audit_repr: str = "",
) -> ImportResult:
    """Parse every row (and ``check_row`` the parsed ones: extra checks before any write, e.g. the enterprise in
    scope), then call ``apply_row(number, data)`` for every good row inside one transaction; all or nothing.
    ``created`` counts the rows written (0 when anything failed)."""
    errors: list[CellError] = []
    units: list[Unit] = []
    for row in rows:
        data, row_errors = parse_row(row, columns)
        if not row_errors and check_row is not None:
            row_errors = list(check_row(row.number, data))
        if row_errors:
            errors.extend(row_errors)
            continue
        units.append(((row.number,), data))
    return apply_all(
        units=units, apply=lambda numbers, data: apply_row(numbers[0], data), columns=columns, errors=errors,
        actor=actor, audit_action=audit_action, audit_repr=audit_repr,
    )
