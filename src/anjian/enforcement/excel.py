"""The enforcement document ledger (执法文书台账) as xlsx: one row per document, in the columns a bureau's
register keeps — number, type, party, dates of drafting, approval and service, deadline and review."""


from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import xlsx
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


ExportTooLargeError = xlsx.ExportTooLargeError


_dt = xlsx.local_minute


def _d(value) -> str:
    return value.isoformat() if value else ""


def _row(n: int, doc) -> list:
    return [
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
    ]


def export_ledger(queryset, title: str = "", limit: int | None = None) -> bytes:
    qs = queryset.select_related("enterprise", "authority", "drafted_by", "approved_by", "inspection", "case")
    rows = (_row(n, doc) for n, doc in enumerate(qs.order_by("id").iterator(chunk_size=2000), start=1))
    return xlsx.ledger_xlsx(
        sheet=_("执法文书台账"), title=title or _("执法文书台账"), columns=COLUMNS, rows=rows, limit=limit
    )


def export_filename() -> str:
    return "执法文书台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))
