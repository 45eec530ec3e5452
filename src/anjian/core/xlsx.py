"""Excel writing helpers shared by the exports."""

import io
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from anjian.core.errors import ServiceError


def text_safe(ws, values: Iterable) -> list:
    """``values`` for ``ws.append`` with text kept as text: openpyxl stores a string starting with 「=」 as a formula,
    and names, places and descriptions come from users (formula injection). Works for write-only sheets too."""
    out = []
    for value in values:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            out.append(cell)
        else:
            out.append(value)
    return out


class ExportTooLargeError(ServiceError):
    code = "export_too_large"


def local_minute(value) -> str:
    """A moment as the exports print it: local time to the minute, or empty."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_xlsx(*, sheet: str, title: str, columns, rows: Iterable[list], limit: int | None = None) -> bytes:
    """One ledger sheet: the title, the export time, the bold headers of ``columns`` ((name, width) pairs) and one
    row per item of ``rows`` (text kept as text). More than ``limit`` rows (ANJIAN_EXPORT_MAX_ROWS) raises
    ExportTooLargeError: an export is refused, never cut short."""
    limit = limit or settings.ANJIAN_EXPORT_MAX_ROWS
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    for index, (_name, width) in enumerate(columns):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    heading = WriteOnlyCell(ws, value=title)
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    ws.append([_("导出时间：{}").format(local_minute(timezone.now()))])
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    ws.append(header)
    for n, row in enumerate(rows, start=1):
        if n > limit:
            ws.close()  # the write-only sheet's temporary file, before the refusal
            raise ExportTooLargeError(_("导出超过 {} 行，请缩小筛选范围后再导出。").format(limit))
        ws.append(text_safe(ws, row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
