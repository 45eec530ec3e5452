"""The hazard ledger (隐患排查治理台账) as xlsx, in the column layout bureaus keep by hand:
one row per hazard, from discovery to verification, with the five in place."""


from django.utils import timezone

from anjian.core import xlsx
from anjian.hazards.choices import HazardCategory, HazardGrade, HazardRoute, HazardState, ProductionStop

COLUMNS = (
    ("序号", 6),
    ("隐患编号", 12),
    ("企业名称", 28),
    ("统一社会信用代码", 20),
    ("所属乡镇（街道）", 14),
    ("发现时间", 17),
    ("发现途径", 12),
    ("发现人", 10),
    ("隐患部位", 18),
    ("隐患描述", 40),
    ("隐患类别", 10),
    ("隐患等级", 10),
    ("重大隐患判定依据", 30),
    ("整改措施", 30),
    ("整改责任人", 10),
    ("整改资金（万元）", 10),
    ("整改期限", 11),
    ("应急预案", 20),
    ("停产停业范围", 12),
    ("延期次数", 8),
    ("整改完成情况", 30),
    ("整改提交时间", 17),
    ("验收人", 10),
    ("验收时间", 17),
    ("销号文号", 16),
    ("状态", 12),
    ("是否逾期", 8),
    ("挂牌督办", 8),
    ("验收退回次数", 8),
)


ExportTooLargeError = xlsx.ExportTooLargeError


_dt = xlsx.local_minute


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


def _row(n: int, h) -> list:
    return [
        n,
        h.number,
        h.enterprise.name,
        h.enterprise.uscc or "",
        h.enterprise.region.name,
        _dt(h.found_at),
        _label(HazardRoute, h.route),
        h.found_by.display_name if h.found_by else "",
        h.location,
        h.description,
        _label(HazardCategory, h.category),
        _label(HazardGrade, h.grade),
        h.criterion_text,
        h.measures,
        h.responsible_name,
        float(h.funds) if h.funds is not None else None,
        h.deadline.isoformat() if h.deadline else "",
        h.contingency_plan,
        _label(ProductionStop, h.production_stop),
        h.extension_count,
        h.rectification_note,
        _dt(h.rectified_at),
        h.verified_by.display_name if h.verified_by else "",
        _dt(h.verified_at),
        h.close_out_document,
        _label(HazardState, h.state),
        "是" if h.is_overdue else "否",
        "是" if h.listed else "否",
        h.return_count,
    ]


def export_ledger(queryset, title: str, limit: int | None = None) -> bytes:
    qs = queryset.select_related("enterprise", "enterprise__region", "found_by", "verified_by").order_by("id")
    rows = (_row(n, h) for n, h in enumerate(qs.iterator(chunk_size=2000), start=1))
    return xlsx.ledger_xlsx(
        sheet="隐患台账", title=title, columns=COLUMNS, rows=rows, limit=limit
    )


def export_filename() -> str:
    return "隐患排查治理台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))
