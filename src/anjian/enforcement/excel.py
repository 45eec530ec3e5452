"""The enforcement document ledger (执法文书台账) as xlsx: one row per document, in the columns a bureau's
register keeps — number, type, party, dates of drafting, approval and service, deadline and review."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from anjian.core.errors import ServiceError
from anjian.core.xlsx import text_safe
from anjian.enforcement.choices import DocState, DocType, ServiceMethod

COLUMNS = (
    ("序号", 6),
    ("文书编号", 26),
    ("文书类型", 18),
    ("当事人", 28),
    ("统一社会信用代码", 20),
    ("制作机关", 20),
    ("起草人", 10),
    ("起草时间", 17),
    ("签发人", 10),
    ("签发日期", 11),
    ("送达时间", 17),
    ("送达方式", 10),
    ("受送达人", 12),
    ("期限", 11),
    ("复查日期", 11),
    ("状态", 10),
    ("来源检查", 12),
    ("案件编号", 12),
    ("内容摘要（SHA-256）", 30),
)


class ExportTooLargeError(ServiceError):
    code = "export_too_large"


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _d(value) -> str:
    return value.isoformat() if value else ""


def export_ledger(queryset, title: str = "", limit: int | None = None) -> bytes:
    limit = limit or settings.ANJIAN_EXPORT_MAX_ROWS
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("执法文书台账"))
    for index, (_name, width) in enumerate(COLUMNS):
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    heading = WriteOnlyCell(ws, value=title or _("执法文书台账"))
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    ws.append([_("导出时间：{}").format(_dt(timezone.now()))])
    header = []
    for name, _w in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    ws.append(header)
    qs = queryset.select_related("enterprise", "authority", "drafted_by", "approved_by", "inspection", "case")
    for n, doc in enumerate(qs.order_by("id").iterator(chunk_size=2000), start=1):
        if n > limit:
            raise ExportTooLargeError(_("导出超过 {} 行，请缩小筛选范围后再导出。").format(limit))
        ws.append(text_safe(ws, [
            n,
            doc.number or _("（草稿）"),
            str(DocType(doc.doc_type).label),
            doc.enterprise.name,
            doc.enterprise.uscc or "",
            doc.authority.name,
            doc.drafted_by.display_name,
            _dt(doc.created_at),
            doc.approved_by.display_name if doc.approved_by else "",
            _d(doc.issued_on),
            _dt(doc.served_at),
            str(ServiceMethod(doc.service_method).label) if doc.service_method else "",
            doc.recipient,
            _d(doc.deadline),
            _d(doc.review_due),
            str(DocState(doc.state).label),
            doc.inspection.number if doc.inspection else "",
            doc.case.number if doc.case else "",
            doc.content_hash,
        ]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename() -> str:
    return "执法文书台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))
